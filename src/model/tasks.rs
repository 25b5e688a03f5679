//! The task table: every task slot, live or free, and what placed tasks hold per capacity
//! bucket. Orchestrator-neutral: a task here is a unit of work with a lifecycle, an owner
//! (service index) and an optional instance; nothing in this file knows ECS's scheduler.
//!
//! Invariants it keeps (recounted by [`World::check_invariants`](super::world::World)):
//! every task ever created is live or stopped (`created = live + stopped`); a free slot holds
//! no live task, and a reused slot's generation moves on, so events drawn for the slot's last
//! task are ignored.

use super::world::Integral;
use crate::engine::Millis;
use crate::ids::{InstanceId, ProviderId, ServiceId, TaskSlot};

/// The ECS task lifecycle (ACTIVATING and DEACTIVATING are folded into their neighbours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaskState {
    /// Waiting for capacity, or being provisioned on Fargate.
    Provisioning,
    /// Placed; image being pulled and container started.
    Pending,
    /// Running.
    Running,
    /// Stopping.
    Stopping,
}

pub(crate) const STATES: usize = 4;

/// A task.
#[derive(Debug, Clone)]
pub struct Task {
    /// Service index.
    pub service: ServiceId,
    /// Strategy entry index (0 for a launch type).
    pub item: Option<u32>,
    /// Capacity provider index (None for launch type FARGATE).
    pub provider: Option<ProviderId>,
    /// Instance ordinal on EC2, once placed.
    pub instance: Option<InstanceId>,
    /// Zone index.
    pub zone: u32,
    /// State.
    pub state: TaskState,
    /// Passed its health check.
    pub healthy: bool,
    /// Slot generation.
    pub generation: u32,
    /// When the task started holding capacity (PENDING), for task-hours.
    pub placed_at: Option<Millis>,
    /// When the task was created (PROVISIONING), or its batch job submitted.
    pub created: Millis,
    /// The service revision it runs.
    pub revision: u32,
    /// Drawn to fail its health check (a deployment's failureProbability).
    pub doomed: bool,
    /// On a draining instance: to be replaced, then stopped (managed draining).
    pub evicting: bool,
    /// Already counted in `tasks_lost`.
    pub lost_counted: bool,
    /// Position in its service's task list (the scale-in tie-break: the last wins).
    pub(crate) pos: u32,
    /// The slot holds a task (false once its task has stopped; the slot is then reused).
    pub live: bool,
}

/// The task slots, their reuse, and what placed tasks hold per capacity bucket (the
/// providers, then launch type FARGATE, then launch type EC2).
#[derive(Debug, Clone)]
pub struct TaskTable {
    slots: Vec<Task>,
    free: Vec<TaskSlot>,
    created: u64,
    stopped: u64,
    /// Tasks holding capacity (PENDING onwards, placed) per capacity bucket, as an integral
    /// over time (index `providers.len()` launch type FARGATE, `+1` launch type EC2).
    pub per_bucket: Vec<Integral>,
    /// Reserved (CPU units, MiB) per capacity bucket, by the tasks holding capacity there.
    pub reserved: Vec<(u64, u64)>,
}

impl TaskTable {
    /// An empty table for `providers` capacity providers (two more buckets: launch types
    /// FARGATE and EC2).
    pub fn new(providers: usize) -> TaskTable {
        TaskTable {
            slots: Vec::new(),
            free: Vec::new(),
            created: 0,
            stopped: 0,
            per_bucket: vec![Integral::default(); providers + 2],
            reserved: vec![(0, 0); providers + 2],
        }
    }

    /// Puts a new task in a free slot (its generation moved on from the slot's last task) or a
    /// new one, and counts it created. Returns the slot.
    pub fn alloc(&mut self, t: Task) -> TaskSlot {
        self.created += 1;
        match self.free.pop() {
            Some(slot) => {
                let generation = self[slot].generation.wrapping_add(1);
                self[slot] = Task { generation, ..t };
                slot
            }
            None => {
                self.slots.push(t);
                TaskSlot::new(self.slots.len() - 1)
            }
        }
    }

    /// The task in `slot` has stopped: the slot is free for reuse, the task counted stopped.
    pub fn release(&mut self, slot: TaskSlot) {
        debug_assert!(self[slot].live, "a slot is released once");
        self[slot].live = false;
        self.stopped += 1;
        self.free.push(slot);
    }

    /// Every slot, live or not, by slot number.
    pub fn iter(&self) -> std::slice::Iter<'_, Task> {
        self.slots.iter()
    }

    /// Every slot number, live or not, in order (borrowing nothing, so the caller may look
    /// the slots up as it goes).
    pub fn slots(&self) -> impl DoubleEndedIterator<Item = TaskSlot> + use<> {
        (0..self.slots.len()).map(TaskSlot::new)
    }

    /// Every slot with its task, live or not, in slot order.
    pub fn iter_enumerated(&self) -> impl Iterator<Item = (TaskSlot, &Task)> {
        self.slots
            .iter()
            .enumerate()
            .map(|(i, t)| (TaskSlot::new(i), t))
    }

    /// Slots in the table (live or not).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no task was ever created.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Tasks created so far.
    pub fn created(&self) -> u64 {
        self.created
    }

    /// Tasks that finished stopping so far.
    pub fn stopped(&self) -> u64 {
        self.stopped
    }

    /// A task starts (`sign` 1) or stops (−1) holding `cpu` and `memory` in bucket `b` at
    /// `now`: the bucket's task count and reservation.
    pub fn hold(&mut self, now: Millis, b: usize, cpu: u32, memory: u32, sign: i64) {
        self.per_bucket[b].add(now, sign);
        let r = &mut self.reserved[b];
        if sign > 0 {
            r.0 += u64::from(cpu);
            r.1 += u64::from(memory);
        } else {
            r.0 = r.0.saturating_sub(u64::from(cpu));
            r.1 = r.1.saturating_sub(u64::from(memory));
        }
    }
}

impl std::ops::Index<TaskSlot> for TaskTable {
    type Output = Task;
    fn index(&self, slot: TaskSlot) -> &Task {
        &self.slots[slot.index()]
    }
}

impl std::ops::IndexMut<TaskSlot> for TaskTable {
    fn index_mut(&mut self, slot: TaskSlot) -> &mut Task {
        &mut self.slots[slot.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task() -> Task {
        Task {
            service: ServiceId(0),
            item: Some(0),
            provider: None,
            instance: None,
            zone: 0,
            state: TaskState::Provisioning,
            healthy: false,
            generation: 0,
            placed_at: None,
            created: 0,
            revision: 1,
            doomed: false,
            evicting: false,
            lost_counted: false,
            pos: 0,
            live: true,
        }
    }

    #[test]
    fn a_released_slot_is_reused_with_the_next_generation() {
        let mut t = TaskTable::new(0);
        // Two tasks take slots 0 and 1; slot 0's task stops and its slot is the next one given,
        // with generation 0 + 1 = 1; created = 3 = 2 live + 1 stopped.
        let (s0, s1) = (TaskSlot(0), TaskSlot(1));
        assert_eq!(t.alloc(task()), s0);
        assert_eq!(t.alloc(task()), s1);
        t.release(s0);
        assert!(!t[s0].live);
        assert_eq!(t.alloc(task()), s0);
        assert_eq!(t[s0].generation, 1);
        assert_eq!(t.len(), 2);
        let live = t.iter().filter(|x| x.live).count() as u64;
        assert_eq!((t.created(), live, t.stopped()), (3, 2, 1));
    }

    #[test]
    fn holding_counts_and_reserves_per_bucket() {
        // One provider: buckets 0 (the provider), 1 (FARGATE), 2 (EC2). Two tasks of
        // 256 CPU / 512 MiB hold in bucket 1 from t = 0 and one stops at 1 h: the bucket
        // reserves 256 / 512 after, and 2 tasks × 1 h + 1 task × 1 h = 3 task-hours at 2 h.
        let mut t = TaskTable::new(1);
        t.hold(0, 1, 256, 512, 1);
        t.hold(0, 1, 256, 512, 1);
        t.hold(3_600_000, 1, 256, 512, -1);
        assert_eq!(t.reserved[1], (256, 512));
        assert_eq!(t.per_bucket[1].value, 1);
        assert_eq!(t.per_bucket[1].hours(7_200_000), 3.0);
        assert_eq!(t.reserved[0], (0, 0));
    }
}
