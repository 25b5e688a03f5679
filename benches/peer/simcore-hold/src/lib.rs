//! The hold model on SimCore, as in ecsim's `benches/engine.rs`: N pending events; one hold
//! pops the earliest event (one `Simulation::step`, which delivers it to its handler) and the
//! handler schedules one new event at the popped time plus the next delay of a shared table
//! (`emit_self`), so the queue stays at N entries.
//!
//! The delay table is ecsim's own, read from the file that `ECSIM_HOLD_DELAYS=FILE cargo bench
//! --bench engine` writes (whole milliseconds, used as SimCore's `f64` times, which represent
//! them exactly). A bare `BinaryHeap<Reverse<(u64, u64, u32)>>` loop runs beside it, exactly
//! as in ecsim's bench, as the common yardstick of the two benches.

use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::rc::Rc;

use serde::Serialize;
use simcore::{Event, EventHandler, Simulation, SimulationContext};

/// The event payload: the index of the event's chain.
#[derive(Clone, Serialize)]
pub struct Hold(pub u32);

/// A cursor cycling through the delay table (a power of two long).
pub struct Delays {
    table: Rc<Vec<u64>>,
    next: usize,
}

impl Delays {
    /// A cursor at the start of `table`.
    pub fn new(table: Rc<Vec<u64>>) -> Self {
        assert!(table.len().is_power_of_two());
        Delays { table, next: 0 }
    }

    /// The next delay in milliseconds.
    #[inline(always)]
    pub fn next(&mut self) -> u64 {
        let d = self.table[self.next];
        self.next = (self.next + 1) & (self.table.len() - 1);
        d
    }
}

/// Reads the delay table (one integer per line).
pub fn read_delays(path: &str) -> Vec<u64> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run ../hold.sh, which writes it)"))
        .lines()
        .map(|l| l.parse().expect("a delay in whole milliseconds"))
        .collect()
}

/// The handler: reschedules each event it receives one delay later.
struct Holder {
    ctx: SimulationContext,
    delays: Delays,
    sum: Rc<Cell<u64>>,
    /// (time, payload) of each delivered event, when recording (the same-work check).
    seen: Option<Rc<RefCell<Vec<(u64, u32)>>>>,
}

impl EventHandler for Holder {
    fn on(&mut self, event: Event) {
        let time = event.time;
        let Hold(e) = Event::downcast::<Hold>(event).data;
        self.sum.set(self.sum.get().wrapping_add(u64::from(e)));
        if let Some(seen) = &self.seen {
            seen.borrow_mut().push((time as u64, e));
        }
        self.ctx.emit_self(Hold(e), self.delays.next() as f64);
    }
}

/// A SimCore simulation holding `n` events, the i-th at `table[i]` (cycled) with payload i.
pub struct SimcoreHold {
    /// The simulation.
    pub sim: Simulation,
    /// The checksum of the delivered payloads.
    pub sum: Rc<Cell<u64>>,
    seen: Option<Rc<RefCell<Vec<(u64, u32)>>>>,
}

impl SimcoreHold {
    /// Fills the simulation; `record` keeps every delivered (time, payload).
    pub fn new(n: usize, table: Rc<Vec<u64>>, record: bool) -> Self {
        let mut sim = Simulation::new(2024);
        let ctx = sim.create_context("holder");
        for i in 0..n {
            ctx.emit_self(Hold(i as u32), table[i % table.len()] as f64);
        }
        let sum = Rc::new(Cell::new(0));
        let seen = record.then(|| Rc::new(RefCell::new(Vec::new())));
        let holder = Holder {
            ctx,
            delays: Delays::new(table),
            sum: sum.clone(),
            seen: seen.clone(),
        };
        sim.add_handler("holder", Rc::new(RefCell::new(holder)));
        SimcoreHold { sim, sum, seen }
    }

    /// `holds` hold operations.
    #[inline(never)]
    pub fn hold(&mut self, holds: u64) -> u64 {
        for _ in 0..holds {
            assert!(self.sim.step(), "the hold model never empties the queue");
        }
        self.sum.get()
    }

    /// What was delivered so far, when recording.
    pub fn seen(&self) -> Vec<(u64, u32)> {
        self.seen
            .as_ref()
            .map(|s| s.borrow().clone())
            .unwrap_or_default()
    }
}

/// The bare contender: a min-heap of (time, sequence, payload).
pub type BareHeap = BinaryHeap<Reverse<(u64, u64, u32)>>;

/// The bare heap with the same `n` events; returns it and the next sequence number.
pub fn filled_heap(n: usize, table: &[u64]) -> (BareHeap, u64) {
    let mut h = BinaryHeap::with_capacity(n);
    for i in 0..n {
        h.push(Reverse((table[i % table.len()], i as u64, i as u32)));
    }
    (h, n as u64)
}

/// `holds` hold operations on the bare heap; returns a checksum of the popped payloads.
#[inline(never)]
pub fn hold_heap(h: &mut BareHeap, seq: &mut u64, d: &mut Delays, holds: u64) -> u64 {
    let mut sum = 0u64;
    for _ in 0..holds {
        let Reverse((now, _, e)) = h.pop().expect("the hold model never empties the queue");
        sum = sum.wrapping_add(u64::from(e));
        h.push(Reverse((now + d.next(), *seq, e)));
        *seq += 1;
    }
    sum
}

/// SimCore delivers the same (time, payload) sequence as the bare heap.
pub fn check_same_work(table: &Rc<Vec<u64>>) {
    let n = 1_000;
    let mut s = SimcoreHold::new(n, table.clone(), true);
    s.hold(5 * n as u64);
    let (mut h, mut seq) = filled_heap(n, table);
    let mut d = Delays::new(table.clone());
    let mut want = Vec::new();
    for _ in 0..5 * n {
        let Reverse((t, _, e)) = h.pop().expect("non-empty");
        want.push((t, e));
        h.push(Reverse((t + d.next(), seq, e)));
        seq += 1;
    }
    assert!(s.seen() == want, "SimCore and the bare heap diverged");
}
