//! Event-queue throughput: the classic **hold model**.
//!
//! A queue holds N pending events (N = 1,000, 10,000 and 100,000). One *hold* pops the earliest
//! event and schedules one new event at the popped time plus a random delay, so the queue stays
//! at N entries and the clock keeps advancing, which is what a simulation does in steady state.
//! Delays are exponential with a mean of 1,000 ms, rounded to whole milliseconds. They are drawn
//! once, before any timing, into a table of 65,536 values that both contenders cycle through, so
//! random-number generation is not measured and both see exactly the same event times.
//!
//! Each measured iteration is a batch of 10,000 holds; criterion reports the throughput in
//! events per second (one hold = one event processed). Each queue is filled once, outside the
//! timing, and then reused from one iteration to the next: the hold loop keeps it at N entries,
//! and criterion's warm-up brings its time distribution to the steady state.
//!
//! The contenders, side by side in one benchmark group per N:
//!
//! - `engine_queue`: [`ecsim::engine::Queue<u32>`], popping with `pop` and rescheduling with
//!   `schedule_in`, i.e. with the engine's bookkeeping (the clock, event ids, cancellation and
//!   periodic-event checks).
//! - `binary_heap`: a bare `BinaryHeap<Reverse<(u64, u64, u32)>>` of (time, sequence, payload),
//!   the least a binary-heap queue ordered by (time, sequence) can do. It is the yardstick for
//!   the engine: the engine's radix heap (`src/engine/radix.rs`) has to reach at least 0.8 of
//!   its events/s at 100,000 pending (issue 17), and passes it (BENCHMARKS.md).
//!
//! SimCore, the engine of the DSLab simulators, runs the same hold model on the same delay table
//! in a project of its own (`benches/peer/simcore-hold`, so that ecsim never compiles it);
//! `benches/peer/hold.sh` runs both benches and prints the three side by side. It gets the table
//! from this bench: with `ECSIM_HOLD_DELAYS=FILE` set, this bench writes the table to FILE and
//! measures nothing.
//!
//! Before measuring, a short run checks that both contenders pop the same (time, payload)
//! sequence, so they are known to do the same work.
//!
//! Run it with `cargo bench --bench engine` (about half a minute); add a filter to run one size,
//! e.g. `cargo bench --bench engine -- n=100000`, or `-- --test` to run each benchmark once as a
//! smoke test.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group};
use ecsim::engine::{Millis, Queue};
use ecsim::util::rng::Streams;
use rand_distr::{Distribution, Exp};

/// Pending events in the queue.
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
/// Hold operations per measured iteration.
const HOLDS_PER_ITER: u64 = 10_000;
/// Pre-generated delays, cycled (a power of two, so the index wraps with a mask).
const DELAYS: usize = 1 << 16;
/// Mean of the exponential delay, in milliseconds.
const MEAN_DELAY_MS: f64 = 1_000.0;

/// The bare contender: a min-heap of (time, sequence, payload).
type BareHeap = BinaryHeap<Reverse<(u64, u64, u32)>>;

/// The delay table shared by both contenders.
fn delays() -> Vec<Millis> {
    let mut rng = Streams::new(2024).stream("bench", "hold-delay", 0);
    let exp = Exp::new(1.0 / MEAN_DELAY_MS).expect("a positive rate");
    (0..DELAYS)
        .map(|_| exp.sample(&mut rng).round() as Millis)
        .collect()
}

/// A cursor cycling through the delay table.
struct Delays<'a> {
    table: &'a [Millis],
    next: usize,
}

impl<'a> Delays<'a> {
    fn new(table: &'a [Millis]) -> Self {
        assert!(table.len().is_power_of_two());
        Delays { table, next: 0 }
    }

    #[inline(always)]
    fn next(&mut self) -> Millis {
        let d = self.table[self.next];
        self.next = (self.next + 1) & (self.table.len() - 1);
        d
    }
}

/// The engine queue with `n` events, the i-th at `delays[i]` (cycled), carrying payload i.
fn filled_engine(n: usize, delays: &[Millis]) -> Queue<u32> {
    let mut q = Queue::new();
    for i in 0..n {
        q.schedule_at(delays[i % delays.len()], i as u32);
    }
    q
}

/// The bare heap with the same `n` events as [`filled_engine`]; returns it and the next
/// sequence number.
fn filled_heap(n: usize, delays: &[Millis]) -> (BareHeap, u64) {
    let mut h = BinaryHeap::with_capacity(n);
    for i in 0..n {
        h.push(Reverse((delays[i % delays.len()], i as u64, i as u32)));
    }
    (h, n as u64)
}

/// `holds` hold operations on the engine queue; returns a checksum of the popped payloads.
#[inline(never)]
fn hold_engine(q: &mut Queue<u32>, d: &mut Delays, holds: u64) -> u64 {
    let mut sum = 0u64;
    for _ in 0..holds {
        let (_, _, e) = q.pop().expect("the hold model never empties the queue");
        sum = sum.wrapping_add(u64::from(e));
        q.schedule_in(d.next(), e);
    }
    sum
}

/// `holds` hold operations on the bare heap; returns a checksum of the popped payloads.
#[inline(never)]
fn hold_heap(h: &mut BareHeap, seq: &mut u64, d: &mut Delays, holds: u64) -> u64 {
    let mut sum = 0u64;
    for _ in 0..holds {
        let Reverse((now, _, e)) = h.pop().expect("the hold model never empties the queue");
        sum = sum.wrapping_add(u64::from(e));
        h.push(Reverse((now + d.next(), *seq, e)));
        *seq += 1;
    }
    sum
}

/// Both contenders pop the same (time, payload) sequence.
fn check_same_work(table: &[Millis]) {
    let n = 1_000;
    let mut q = filled_engine(n, table);
    let (mut h, mut seq) = filled_heap(n, table);
    let (mut dq, mut dh) = (Delays::new(table), Delays::new(table));
    for _ in 0..5 * n {
        let (tq, _, eq) = q.pop().expect("non-empty");
        let Reverse((th, _, eh)) = h.pop().expect("non-empty");
        assert_eq!((tq, eq), (th, eh), "the contenders diverged");
        q.schedule_in(dq.next(), eq);
        h.push(Reverse((th + dh.next(), seq, eh)));
        seq += 1;
    }
}

fn hold_model(c: &mut Criterion) {
    let table = delays();
    check_same_work(&table);

    for n in SIZES {
        let mut group = c.benchmark_group(format!("hold/n={n}"));
        group.throughput(Throughput::Elements(HOLDS_PER_ITER));

        let mut q = filled_engine(n, &table);
        let mut dq = Delays::new(&table);
        group.bench_function("engine_queue", |b| {
            b.iter(|| hold_engine(&mut q, &mut dq, black_box(HOLDS_PER_ITER)))
        });
        assert_eq!(q.len(), n);
        drop(q);

        let (mut h, mut seq) = filled_heap(n, &table);
        let mut dh = Delays::new(&table);
        group.bench_function("binary_heap", |b| {
            b.iter(|| hold_heap(&mut h, &mut seq, &mut dh, black_box(HOLDS_PER_ITER)))
        });
        assert_eq!(h.len(), n);

        group.finish();
    }
}

/// The criterion settings, shared with the SimCore peer (benches/peer/simcore-hold).
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = hold_model
}

/// With `ECSIM_HOLD_DELAYS=FILE` in the environment, writes the delay table to FILE (one
/// delay in milliseconds per line) and measures nothing: the SimCore peer reads it, so both
/// run on exactly the same delays.
fn main() {
    if let Some(path) = std::env::var_os("ECSIM_HOLD_DELAYS") {
        let text: String = delays().iter().map(|d| format!("{d}\n")).collect();
        std::fs::write(&path, text).expect("the delay table is written");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
