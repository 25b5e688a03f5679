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

use crate::util::hash::FastSet;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

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

struct Entry<E> {
    time: Millis,
    seq: u64,
    id: EventId,
    period: Millis,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

/// A future-event list: events pop in (time, scheduling sequence) order; the clock advances to
/// each popped event's time and never runs backwards.
pub struct Queue<E> {
    heap: BinaryHeap<Entry<E>>,
    now: Millis,
    next_seq: u64,
    cancelled: FastSet<EventId>,
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
            heap: BinaryHeap::new(),
            now: 0,
            next_seq: 0,
            cancelled: FastSet::default(),
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
        self.heap.is_empty()
    }

    fn push(&mut self, time: Millis, id: EventId, period: Millis, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry {
            time,
            seq,
            id,
            period,
            event,
        });
    }

    fn new_id(&self) -> EventId {
        EventId(self.next_seq)
    }

    /// Schedules `event` at absolute time `at`; a time in the past is treated as now.
    pub fn schedule_at(&mut self, at: Millis, event: E) -> EventId {
        let id = self.new_id();
        self.push(at.max(self.now), id, 0, event);
        id
    }

    /// Schedules `event` `delay` milliseconds from now.
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
        self.discard_cancelled();
        self.heap.peek().map(|e| e.time)
    }

    fn discard_cancelled(&mut self) {
        if self.cancelled.is_empty() {
            return;
        }
        while let Some(top) = self.heap.peek() {
            if !self.cancelled.contains(&top.id) {
                break;
            }
            // Every id has exactly one pending entry (a periodic event's next occurrence is
            // pushed only when the current one pops), so the id can be forgotten now.
            let e = self.heap.pop().expect("peeked");
            self.cancelled.remove(&e.id);
        }
    }
}

impl<E: Clone> Queue<E> {
    /// Schedules `event` at `first` and then every `period` (> 0) after it until cancelled.
    pub fn schedule_periodic(&mut self, first: Millis, period: Millis, event: E) -> EventId {
        assert!(period > 0, "a periodic event needs a period above zero");
        let id = self.new_id();
        self.push(first.max(self.now), id, period, event);
        id
    }

    /// Pops the next live event, advancing the clock to its time. A periodic event is
    /// rescheduled one period later before it is returned.
    pub fn pop(&mut self) -> Option<(Millis, EventId, E)> {
        self.discard_cancelled();
        let e = self.heap.pop()?;
        debug_assert!(e.time >= self.now, "the clock never runs backwards");
        self.now = e.time;
        self.popped += 1;
        if e.period > 0 {
            self.push(e.time + e.period, e.id, e.period, e.event.clone());
        }
        Some((e.time, e.id, e.event))
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
    fn cancel_twice_reports_false() {
        let mut q = Queue::new();
        let id = q.schedule_in(10, ());
        assert!(q.cancel(id));
        assert!(!q.cancel(id));
        assert_eq!(q.pop(), None);
        assert_eq!(q.events_processed(), 0);
    }
}
