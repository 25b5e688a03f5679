//! [`Resources`]: the amounts placement accounts for — what a container instance registers and
//! has free, what a task reserves — and the arithmetic on them.

use super::Resource;
use crate::catalogue::instance_types::InstanceType;

/// CPU units, memory and GPUs together: what a container instance registers or has free, or
/// what a task reserves (aws-behaviour.md §4). Used by placement, the checked scenario's
/// services and the model's bookkeeping alike, so the three amounts travel as one value.
///
/// There is no order: [`Resources::fits`] (every amount at least) is the comparison placement
/// makes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    /// CPU units (1,024 per vCPU).
    pub cpu: u32,
    /// Memory, MiB.
    pub memory: u32,
    /// GPUs.
    pub gpus: u32,
}

impl Resources {
    /// `cpu` CPU units, `memory` MiB, `gpus` GPUs.
    pub const fn new(cpu: u32, memory: u32, gpus: u32) -> Self {
        Self { cpu, memory, gpus }
    }

    /// What an instance of type `t` registers with the cluster: 1,024 CPU units per vCPU,
    /// `memory_fraction` of its memory (rounded down to a MiB; the rest is the agent's and
    /// the operating system's), all its GPUs.
    ///
    /// ```
    /// use ecsim::catalogue::instance_types::lookup;
    /// use ecsim::placement::Resources;
    /// // m5.large: 2 vCPUs, 8 GiB. 2 × 1,024 = 2,048 units; ⌊8,192 × 0.975⌋ = ⌊7,987.2⌋ = 7,987.
    /// let m5 = lookup("m5.large").unwrap();
    /// assert_eq!(Resources::registered(m5, 0.975), Resources::new(2048, 7987, 0));
    /// ```
    pub fn registered(t: &InstanceType, memory_fraction: f64) -> Self {
        Self {
            cpu: t.vcpus * 1024,
            memory: (f64::from(t.memory_mib) * memory_fraction).floor() as u32,
            gpus: t.gpus,
        }
    }

    /// Whether `need` fits in `self`: at least as much of every amount.
    pub fn fits(self, need: Resources) -> bool {
        self.cpu >= need.cpu && self.memory >= need.memory && self.gpus >= need.gpus
    }

    /// `self − other` amount by amount, each saturating at 0.
    pub fn saturating_sub(self, other: Resources) -> Self {
        Self {
            cpu: self.cpu.saturating_sub(other.cpu),
            memory: self.memory.saturating_sub(other.memory),
            gpus: self.gpus.saturating_sub(other.gpus),
        }
    }

    /// Each amount capped at `limit`'s.
    pub fn capped_at(self, limit: Resources) -> Self {
        Self {
            cpu: self.cpu.min(limit.cpu),
            memory: self.memory.min(limit.memory),
            gpus: self.gpus.min(limit.gpus),
        }
    }

    /// The amount of `r`: what binpack reads (CPU units or MiB).
    pub fn amount(self, r: Resource) -> u32 {
        match r {
            Resource::Cpu => self.cpu,
            Resource::Memory => self.memory,
        }
    }
}

/// Amount by amount.
impl std::ops::Add for Resources {
    type Output = Resources;
    fn add(self, other: Resources) -> Resources {
        Resources {
            cpu: self.cpu + other.cpu,
            memory: self.memory + other.memory,
            gpus: self.gpus + other.gpus,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An m5.large-sized instance as registered (2 vCPUs, 7,987 of 8,192 MiB).
    const INSTANCE: Resources = Resources::new(2048, 7987, 0);

    #[test]
    fn a_task_reserved_and_released_leaves_and_restores_the_difference() {
        // 2,048 / 8,192 / 0 holding 512 / 1,024 / 0: 2,048 − 512 = 1,536 units,
        // 8,192 − 1,024 = 7,168 MiB, 0 GPUs left; adding the task back gives the instance.
        let instance = Resources::new(2048, 8192, 0);
        let task = Resources::new(512, 1024, 0);
        let left = instance.saturating_sub(task);
        assert_eq!(left, Resources::new(1536, 7168, 0));
        assert_eq!(left + task, instance);
    }

    #[test]
    fn subtraction_saturates_each_amount_on_its_own() {
        // 100 units − 300 → 0 (not a wrap to 4,294,967,096); 500 MiB − 200 → 300;
        // 1 GPU − 2 → 0.
        let a = Resources::new(100, 500, 1);
        assert_eq!(
            a.saturating_sub(Resources::new(300, 200, 2)),
            Resources::new(0, 300, 0)
        );
    }

    #[test]
    fn fits_needs_every_amount() {
        // 1,536 / 7,168 / 0 free: 1,536 / 7,168 / 0 fits exactly; one unit, one MiB or one GPU
        // more does not, however much of the rest is left.
        let free = Resources::new(1536, 7168, 0);
        assert!(free.fits(Resources::new(1536, 7168, 0)));
        assert!(free.fits(Resources::default()));
        assert!(!free.fits(Resources::new(1537, 0, 0)));
        assert!(!free.fits(Resources::new(0, 7169, 0)));
        assert!(!free.fits(Resources::new(0, 0, 1)));
    }

    #[test]
    fn capped_at_takes_the_smaller_amount_each() {
        // (3,000, 5,000, 1) capped at the instance (2,048, 7,987, 0): CPU 3,000 > 2,048 → 2,048,
        // memory 5,000 < 7,987 stays, GPUs 1 > 0 → 0.
        assert_eq!(
            Resources::new(3000, 5000, 1).capped_at(INSTANCE),
            Resources::new(2048, 5000, 0)
        );
    }

    #[test]
    fn amount_reads_binpacks_field() {
        assert_eq!(INSTANCE.amount(Resource::Cpu), 2048);
        assert_eq!(INSTANCE.amount(Resource::Memory), 7987);
    }

    #[test]
    fn registered_rounds_memory_down_and_counts_1024_units_per_vcpu() {
        // g5.12xlarge: 48 vCPUs, 192 GiB = 196,608 MiB, 4 GPUs (the catalogue's table). 48 × 1,024 = 49,152
        // units; 196,608 × 0.9 = 176,947.2 → 176,947 MiB; 4 GPUs.
        let g = crate::catalogue::instance_types::lookup("g5.12xlarge").unwrap();
        assert_eq!(
            Resources::registered(g, 0.9),
            Resources::new(49_152, 176_947, 4)
        );
    }
}
