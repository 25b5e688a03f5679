//! A monotone radix heap on integer-millisecond times that pops equal times first in, first out.
//!
//! Items wait in buckets by the highest bit in which their time differs from `last`, the time of
//! the bucket being drained: bucket `k` holds the times `t` with `63 - lzcnt(t ^ last) == k`,
//! i.e. `t` agrees with `last` above bit `k` and has bit `k` set. The items at exactly `last` wait
//! in `front`, in arrival order. Popping takes from `front`; when it is empty, the lowest
//! non-empty bucket is emptied into the lower buckets around its own minimum, which becomes the
//! new `last`. Each item therefore moves at most 64 times and in practice a handful (the number
//! of significant bits of its delay), so a push is an append and a pop is amortised O(bits)
//! sequential work, against a binary heap's O(log n) scattered compares.
//!
//! **Equal times pop in push order.** A push appends to its bucket; a bucket is emptied only
//! into buckets that are all empty (it is the lowest non-empty one), in its own order. So every
//! bucket, and `front`, always holds its items in push order, and ties need no sequence number.
//!
//! The times must never be earlier than the last popped time (the clock never runs backwards).
//! A peek may already have emptied a bucket, moving `last` past the clock; an item pushed then
//! at a time between the clock and `last` waits in a small binary heap (`early`) ordered by
//! (time, push order), which pops before everything else — all its times are below `last`.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

use super::Millis;

/// The radix heap. See the module documentation.
pub(super) struct Radix<T> {
    /// The time of the items in `front`; every bucketed item is at `last` or later.
    last: Millis,
    /// Items at exactly `last`, in push order.
    front: VecDeque<T>,
    /// `buckets[k]`: the items whose time differs from `last` first in bit `k`, in push order.
    buckets: [Vec<(Millis, T)>; 64],
    /// Bit `k` set when `buckets[k]` is non-empty.
    occupied: u64,
    /// Items pushed at a time below `last` (possible only after a peek; see the module docs).
    early: BinaryHeap<Early<T>>,
    /// Push order among `early`'s items.
    early_seq: u64,
    /// Items held, in all parts.
    len: usize,
}

/// An item of the `early` heap, ordered by (time, push order), earliest on top.
struct Early<T> {
    key: Reverse<(Millis, u64)>,
    item: T,
}

impl<T> PartialEq for Early<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<T> Eq for Early<T> {}
impl<T> PartialOrd for Early<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Early<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl<T> Radix<T> {
    /// An empty heap whose earliest allowed time is 0.
    pub(super) fn new() -> Self {
        Radix {
            last: 0,
            front: VecDeque::new(),
            buckets: std::array::from_fn(|_| Vec::new()),
            occupied: 0,
            early: BinaryHeap::new(),
            early_seq: 0,
            len: 0,
        }
    }

    /// Items held.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Adds `item` at `time`, which must not be earlier than the last popped time.
    #[inline]
    pub(super) fn push(&mut self, time: Millis, item: T) {
        self.len += 1;
        if time == self.last {
            self.front.push_back(item);
        } else if time > self.last {
            let k = 63 - (time ^ self.last).leading_zeros() as usize;
            self.buckets[k].push((time, item));
            self.occupied |= 1 << k;
        } else {
            self.early.push(Early {
                key: Reverse((time, self.early_seq)),
                item,
            });
            self.early_seq += 1;
        }
    }

    /// Makes `front` non-empty if anything is bucketed; false when nothing is.
    #[inline]
    fn fill_front(&mut self) -> bool {
        if !self.front.is_empty() {
            return true;
        }
        if self.occupied == 0 {
            return false;
        }
        let k = self.occupied.trailing_zeros() as usize;
        self.occupied &= !(1 << k);
        let mut bucket = std::mem::take(&mut self.buckets[k]);
        let min = bucket.iter().map(|&(t, _)| t).min().expect("occupied");
        self.last = min;
        for (t, item) in bucket.drain(..) {
            if t == min {
                self.front.push_back(item);
            } else {
                // t agrees with `min` above bit k, so j < k: a bucket found empty above.
                let j = 63 - (t ^ min).leading_zeros() as usize;
                self.buckets[j].push((t, item));
                self.occupied |= 1 << j;
            }
        }
        // Keep the emptied bucket's allocation for its next use.
        self.buckets[k] = bucket;
        true
    }

    /// The earliest item (the first pushed among equal times) and its time.
    pub(super) fn peek(&mut self) -> Option<(Millis, &T)> {
        if !self.early.is_empty() {
            return self.early.peek().map(|e| (e.key.0.0, &e.item));
        }
        if self.fill_front() {
            self.front.front().map(|item| (self.last, item))
        } else {
            None
        }
    }

    /// Removes and returns the earliest item (the first pushed among equal times) and its time.
    #[inline]
    pub(super) fn pop(&mut self) -> Option<(Millis, T)> {
        if !self.early.is_empty() {
            let e = self.early.pop().expect("non-empty");
            self.len -= 1;
            return Some((e.key.0.0, e.item));
        }
        if !self.fill_front() {
            return None;
        }
        let item = self.front.pop_front().expect("filled");
        self.len -= 1;
        Some((self.last, item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(r: &mut Radix<u32>) -> Vec<(Millis, u32)> {
        std::iter::from_fn(|| r.pop()).collect()
    }

    #[test]
    fn equal_times_keep_push_order_across_buckets() {
        let mut r = Radix::new();
        // Pushed relative to last = 0: 6 (0b110) and 7 (0b111) go to bucket 2, 5 (0b101) too;
        // 3 to bucket 1. Then, in push order, 7 again and 6 again.
        for (t, x) in [(6, 0), (7, 1), (5, 2), (3, 3), (7, 4), (6, 5)] {
            r.push(t, x);
        }
        // Time order; among the two 6s and the two 7s, push order (0 before 5, 1 before 4).
        assert_eq!(
            drain(&mut r),
            vec![(3, 3), (5, 2), (6, 0), (6, 5), (7, 1), (7, 4)]
        );
        assert_eq!(r.len(), 0);
    }

    #[test]
    fn a_push_at_the_front_time_after_a_refill_goes_last() {
        let mut r = Radix::new();
        r.push(10, 0);
        r.push(10, 1);
        r.push(12, 2);
        // The first pop empties bucket 3 (10 = 0b1010 and 12 = 0b1100 differ from 0 first in
        // bit 3) around its minimum 10: front = [0, 1] at 10, 12 in bucket 2 (10 ^ 12 = 0b110).
        assert_eq!(r.pop(), Some((10, 0)));
        r.push(10, 3); // at the front's own time, after 1 in push order
        assert_eq!(drain(&mut r), vec![(10, 1), (10, 3), (12, 2)]);
    }

    #[test]
    fn a_push_below_a_peeked_time_pops_first() {
        let mut r = Radix::new();
        r.push(100, 0);
        r.pop(); // the clock is at 100
        r.push(500, 1);
        // The peek moves `last` to 500 while the clock stays at 100 …
        assert_eq!(r.peek().map(|(t, &x)| (t, x)), Some((500, 1)));
        // … so 200 and 300 (pushed in that order, times between) wait in `early`, and 300 and
        // 200 again after them: time order, push order among the 200s.
        for (t, x) in [(300, 2), (200, 3), (200, 4), (500, 5)] {
            r.push(t, x);
        }
        assert_eq!(r.peek().map(|(t, &x)| (t, x)), Some((200, 3)));
        assert_eq!(
            drain(&mut r),
            vec![(200, 3), (200, 4), (300, 2), (500, 1), (500, 5)]
        );
    }

    #[test]
    fn the_highest_bit_of_time_is_a_bucket() {
        let mut r = Radix::new();
        // u64::MAX differs from 0 first in bit 63, the last bucket.
        r.push(u64::MAX, 0);
        r.push(1, 1);
        assert_eq!(drain(&mut r), vec![(1, 1), (u64::MAX, 0)]);
    }
}
