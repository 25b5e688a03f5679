//! The discrete-event core. It knows nothing of ECS: integer-millisecond time and an event queue
//! ordered by (time, sequence) so ties are deterministic, with cancellable and periodic events.
//! Random streams and the hasher it uses for cancelled events are in [`crate::util`].
//!
//! ```
//! use ecsim::engine::{Queue, SECOND};
//!
//! let mut q = Queue::new();
//! q.schedule_at(2 * SECOND, "b");
//! let a = q.schedule_at(SECOND, "a");
//! q.schedule_at(2 * SECOND, "c"); // same time as "b": scheduled later, popped later
//! q.cancel(a);
//! let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, _, e)| e)).collect();
//! assert_eq!(order, ["b", "c"]);
//! assert_eq!(q.now(), 2 * SECOND);
//! ```

mod radix;

use crate::util::hash::{FastMap, FastSet};
use radix::Radix;

/// Simulated time in integer milliseconds since the start of the run.
pub type Millis = u64;
/// One second in [`Millis`].
pub const SECOND: Millis = 1_000;
/// One minute in [`Millis`].
pub const MINUTE: Millis = 60 * SECOND;
/// One hour in [`Millis`].
pub const HOUR: Millis = 60 * MINUTE;
/// One day in [`Millis`].
pub const DAY: Millis = 24 * HOUR;

/// Identifies a scheduled event so it can be cancelled. A periodic event keeps its id for all
/// its occurrences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(u64);

/// Set in [`Entry::tag`] for a periodic event (ids are sequence numbers, far below 2^63).
const PERIODIC: u64 = 1 << 63;

/// A pending event as the radix heap holds it (its time is the heap's): the id, tagged with
/// [`PERIODIC`] for a periodic event, whose period waits in [`Queue::periods`]. No sequence
/// number: the heap pops equal times in push order, which is scheduling order.
struct Entry<E> {
    tag: u64,
    event: E,
}

/// A future-event list: events pop in (time, scheduling sequence) order; the clock advances to
/// each popped event's time and never runs backwards.
///
/// A monotone radix heap (`radix.rs`) keyed by the integer time holds the events; it pops equal
/// times in push order, so the order is exactly that of a binary heap on (time, sequence),
/// without the sequence number in the entry.
pub struct Queue<E> {
    heap: Radix<Entry<E>>,
    now: Millis,
    next_seq: u64,
    cancelled: FastSet<EventId>,
    /// The period of each pending periodic event, by id.
    periods: FastMap<u64, Millis>,
    popped: u64,
}

impl<E> Default for Queue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Queue<E> {
    /// An empty queue at time 0.
    pub fn new() -> Self {
        Queue {
            heap: Radix::new(),
            now: 0,
            next_seq: 0,
            cancelled: FastSet::default(),
            periods: FastMap::default(),
            popped: 0,
        }
    }

    /// The current simulated time: the time of the last popped event.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Events popped so far (cancelled ones excluded).
    pub fn events_processed(&self) -> u64 {
        self.popped
    }

    /// Pending entries, including cancelled ones not yet discarded.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.len() == 0
    }

    /// Pushes an entry at `time` (not before now); every push takes the next sequence number.
    #[inline]
    fn push(&mut self, time: Millis, tag: u64, event: E) {
        debug_assert!(time >= self.now);
        self.next_seq += 1;
        self.heap.push(time, Entry { tag, event });
    }

    fn new_id(&self) -> EventId {
        EventId(self.next_seq)
    }

    /// Schedules `event` at absolute time `at`; a time in the past is treated as now.
    #[inline]
    pub fn schedule_at(&mut self, at: Millis, event: E) -> EventId {
        let id = self.new_id();
        self.push(at.max(self.now), id.0, event);
        id
    }

    /// Schedules `event` `delay` milliseconds from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: Millis, event: E) -> EventId {
        self.schedule_at(self.now.saturating_add(delay), event)
    }

    /// Cancels a pending event (every future occurrence of a periodic one). Returns false when
    /// the id was already cancelled.
    pub fn cancel(&mut self, id: EventId) -> bool {
        self.cancelled.insert(id)
    }

    /// The time of the next live event, if any.
    pub fn peek_time(&mut self) -> Option<Millis> {
        if !self.cancelled.is_empty() {
            while let Some((_, e)) = self.heap.peek() {
                if !self.cancelled.contains(&EventId(e.tag & !PERIODIC)) {
                    break;
                }
                let (_, e) = self.heap.pop().expect("peeked");
                self.forget(e.tag);
            }
        }
        self.heap.peek().map(|(t, _)| t)
    }

    /// Drops the bookkeeping of a cancelled entry just discarded. Every id has exactly one
    /// pending entry (a periodic event's next occurrence is pushed only when the current one
    /// pops), so the id can be forgotten now.
    fn forget(&mut self, tag: u64) {
        let id = tag & !PERIODIC;
        self.cancelled.remove(&EventId(id));
        if tag & PERIODIC != 0 {
            self.periods.remove(&id);
        }
    }
}

impl<E: Clone> Queue<E> {
    /// Schedules `event` at `first` and then every `period` (> 0) after it until cancelled.
    pub fn schedule_periodic(&mut self, first: Millis, period: Millis, event: E) -> EventId {
        assert!(period > 0, "a periodic event needs a period above zero");
        let id = self.new_id();
        self.periods.insert(id.0, period);
        self.push(first.max(self.now), id.0 | PERIODIC, event);
        id
    }

    /// Pops the next live event, advancing the clock to its time. A periodic event is
    /// rescheduled one period later before it is returned.
    #[inline]
    pub fn pop(&mut self) -> Option<(Millis, EventId, E)> {
        loop {
            let (time, e) = self.heap.pop()?;
            let id = EventId(e.tag & !PERIODIC);
            if !self.cancelled.is_empty() && self.cancelled.contains(&id) {
                self.forget(e.tag);
                continue;
            }
            debug_assert!(time >= self.now, "the clock never runs backwards");
            self.now = time;
            self.popped += 1;
            if e.tag & PERIODIC != 0 {
                let period = self.periods[&id.0];
                self.push(time.saturating_add(period), e.tag, e.event.clone());
            }
            return Some((time, id, e.event));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_pop_in_scheduling_order() {
        let mut q = Queue::new();
        for i in 0..5 {
            q.schedule_at(10, i);
        }
        q.schedule_at(5, 99);
        let got: Vec<i32> = std::iter::from_fn(|| q.pop().map(|(_, _, e)| e)).collect();
        // 99 at t=5 first, then the five t=10 events in the order they were scheduled.
        assert_eq!(got, vec![99, 0, 1, 2, 3, 4]);
    }

    #[test]
    fn periodic_repeats_until_cancelled() {
        let mut q = Queue::new();
        let tick = q.schedule_periodic(0, MINUTE, "tick");
        q.schedule_at(150 * SECOND, "stop");
        let mut ticks = Vec::new();
        while let Some((t, _, e)) = q.pop() {
            match e {
                "tick" => ticks.push(t),
                _ => {
                    q.cancel(tick);
                }
            }
        }
        // Ticks at 0, 60 s and 120 s; "stop" at 150 s cancels the 180 s one.
        assert_eq!(ticks, vec![0, MINUTE, 2 * MINUTE]);
        assert!(q.is_empty());
    }

    #[test]
    fn past_times_are_clamped_to_now() {
        let mut q = Queue::new();
        q.schedule_at(100, 1);
        q.pop();
        q.schedule_at(50, 2);
        // Scheduled "at 50" after the clock reached 100: it happens at 100, not in the past.
        assert_eq!(q.pop().map(|(t, _, e)| (t, e)), Some((100, 2)));
    }

    #[test]
    fn a_periodic_event_keeps_its_id_and_its_place_among_ties() {
        let mut q = Queue::new();
        let tick = q.schedule_periodic(0, 10, 'T'); // id 0
        let a = q.schedule_at(10, 'a'); // id 1
        let mut got = Vec::new();
        for _ in 0..4 {
            let (t, id, e) = q.pop().expect("pending");
            got.push((t, id == tick, e));
            if e == 'a' {
                q.schedule_at(20, 'b');
            }
        }
        // T at 0 reschedules itself at 10 after 'a' was scheduled there: 'a' first at 10, then
        // T (whose occurrence at 20 is scheduled when it pops at 10 — after 'a' popped and
        // scheduled 'b' at 20), so at 20 'b' precedes T.
        assert_eq!(
            got,
            vec![
                (0, true, 'T'),
                (10, false, 'a'),
                (10, true, 'T'),
                (20, false, 'b')
            ]
        );
        assert_ne!(a, tick);
        assert_eq!(
            q.pop().map(|(t, id, e)| (t, id == tick, e)),
            Some((20, true, 'T'))
        );
    }

    #[test]
    fn cancelling_a_peeked_event_uncovers_the_next() {
        let mut q = Queue::new();
        let a = q.schedule_at(5, 1);
        q.schedule_at(7, 2);
        assert_eq!(q.peek_time(), Some(5));
        q.cancel(a);
        // 5 is cancelled: 7 is next, and the cancelled entry is gone from the count.
        assert_eq!(q.peek_time(), Some(7));
        assert_eq!(q.len(), 1);
        // Scheduling at 6 after peeking 7 (the clock still at 0): 6 comes first.
        q.schedule_at(6, 3);
        let got: Vec<_> = std::iter::from_fn(|| q.pop().map(|(t, _, e)| (t, e))).collect();
        assert_eq!(got, vec![(6, 3), (7, 2)]);
        assert_eq!(q.events_processed(), 2);
    }

    /// The queue as it was before the radix heap: a binary heap on (time, sequence) with the
    /// id and period in each entry and a set of cancelled ids. The reference for the property
    /// test below.
    /// (time, sequence, id, period, payload), earliest on top.
    type RefHeap = std::collections::BinaryHeap<std::cmp::Reverse<(u64, u64, u64, u64, u32)>>;

    struct Reference {
        heap: RefHeap,
        now: u64,
        next_seq: u64,
        cancelled: std::collections::BTreeSet<u64>,
        popped: u64,
    }

    impl Reference {
        fn push(&mut self, time: u64, id: u64, period: u64, e: u32) {
            self.heap
                .push(std::cmp::Reverse((time, self.next_seq, id, period, e)));
            self.next_seq += 1;
        }
        fn schedule(&mut self, at: u64, period: u64, e: u32) -> u64 {
            let id = self.next_seq;
            self.push(at.max(self.now), id, period, e);
            id
        }
        fn discard(&mut self) {
            while let Some(std::cmp::Reverse((_, _, id, _, _))) = self.heap.peek() {
                if !self.cancelled.remove(id) {
                    break;
                }
                self.heap.pop();
            }
        }
        fn peek_time(&mut self) -> Option<u64> {
            self.discard();
            self.heap.peek().map(|r| r.0.0)
        }
        fn pop(&mut self) -> Option<(u64, u64, u32)> {
            self.discard();
            let std::cmp::Reverse((t, _, id, period, e)) = self.heap.pop()?;
            self.now = t;
            self.popped += 1;
            if period > 0 {
                self.push(t + period, id, period, e);
            }
            Some((t, id, e))
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        At(u64),
        In(u64),
        Periodic(u64, u64),
        Cancel(usize),
        Pop,
        Peek,
    }

    /// Delays: mostly within a few milliseconds (ties), some across many radix buckets, some
    /// past the clock.
    fn delay() -> impl proptest::strategy::Strategy<Value = u64> {
        use proptest::prelude::*;
        prop_oneof![4 => 0u64..8, 2 => 0u64..2_000, 1 => 0u64..(1 << 40)]
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            3 => delay().prop_map(Op::At),
            3 => delay().prop_map(Op::In),
            1 => (delay(), 1u64..3_000).prop_map(|(f, p)| Op::Periodic(f, p)),
            1 => any::<usize>().prop_map(Op::Cancel),
            6 => Just(Op::Pop),
            2 => Just(Op::Peek),
        ]
    }

    proptest::proptest! {
        /// Any sequence of operations gives the same results as the binary heap on (time,
        /// sequence): pops (time, id, payload), peeked times, cancel's answers, the clock, the
        /// counts. `At(d)` schedules at `now + d - 4`, so a fifth of them lie in the past.
        #[test]
        fn the_radix_queue_pops_as_the_binary_heap(ops in proptest::collection::vec(op(), 1..400)) {
            let mut q: Queue<u32> = Queue::new();
            let mut r = Reference {
                heap: Default::default(),
                now: 0,
                next_seq: 0,
                cancelled: Default::default(),
                popped: 0,
            };
            let mut ids: Vec<EventId> = Vec::new();
            for (i, op) in ops.into_iter().enumerate() {
                let e = i as u32;
                match op {
                    Op::At(d) => {
                        let at = (q.now() + d).saturating_sub(4);
                        let id = q.schedule_at(at, e);
                        proptest::prop_assert_eq!(id.0, r.schedule(at, 0, e));
                        ids.push(id);
                    }
                    Op::In(d) => {
                        let id = q.schedule_in(d, e);
                        proptest::prop_assert_eq!(id.0, r.schedule(r.now + d, 0, e));
                        ids.push(id);
                    }
                    Op::Periodic(f, p) => {
                        let id = q.schedule_periodic(q.now() + f, p, e);
                        proptest::prop_assert_eq!(id.0, r.schedule(r.now + f, p, e));
                        ids.push(id);
                    }
                    Op::Cancel(k) if !ids.is_empty() => {
                        let id = ids[k % ids.len()];
                        proptest::prop_assert_eq!(q.cancel(id), r.cancelled.insert(id.0));
                    }
                    Op::Cancel(_) => {}
                    Op::Pop => {
                        let got = q.pop().map(|(t, id, e)| (t, id.0, e));
                        proptest::prop_assert_eq!(got, r.pop());
                    }
                    Op::Peek => proptest::prop_assert_eq!(q.peek_time(), r.peek_time()),
                }
                proptest::prop_assert_eq!(q.now(), r.now);
                proptest::prop_assert_eq!(q.events_processed(), r.popped);
                proptest::prop_assert_eq!(q.len(), r.heap.len());
            }
            // Drain what is left (periodic events never end: a bounded number of pops).
            for _ in 0..500 {
                let got = q.pop().map(|(t, id, e)| (t, id.0, e));
                proptest::prop_assert_eq!(got, r.pop());
            }
        }
    }

    #[test]
    fn cancel_twice_reports_false() {
        let mut q = Queue::new();
        let id = q.schedule_in(10, ());
        assert!(q.cancel(id));
        assert!(!q.cancel(id));
        assert_eq!(q.pop(), None);
        assert_eq!(q.events_processed(), 0);
    }
}
