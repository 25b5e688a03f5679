//! The built-in table of EC2 instance types: vCPUs, memory, GPUs and CPU architecture.
//! Sources: the EC2 instance type pages (general purpose, compute optimised, memory optimised,
//! accelerated computing), read 2026-11.
//!
//! ```
//! use ecsim::catalogue::instance_types::lookup;
//! let t = lookup("m5.large").unwrap();
//! assert_eq!((t.vcpus, t.memory_mib), (2, 8192));
//! ```

/// CPU architecture of an instance type, as the `ecs.cpu-architecture` attribute spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// Intel / AMD 64-bit.
    X86_64,
    /// AWS Graviton.
    Arm64,
}

impl Arch {
    /// The attribute value ECS reports (`x86_64` or `arm64`).
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }
}

/// One instance type's nominal hardware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceType {
    /// The API name, e.g. `m5.large`.
    pub name: &'static str,
    /// Virtual CPUs (an ECS container instance registers 1,024 CPU units per vCPU).
    pub vcpus: u32,
    /// Nominal memory in MiB (ECS registers somewhat less: see the `registeredMemoryFraction`
    /// model default).
    pub memory_mib: u32,
    /// GPUs.
    pub gpus: u32,
    /// CPU architecture.
    pub arch: Arch,
}

const fn t(name: &'static str, vcpus: u32, gib: u32, gpus: u32, arch: Arch) -> InstanceType {
    InstanceType {
        name,
        vcpus,
        memory_mib: gib * 1024,
        gpus,
        arch,
    }
}

use Arch::{Arm64 as A, X86_64 as X};

/// Every type ecsim knows, by family and size.
pub const INSTANCE_TYPES: &[InstanceType] = &[
    t("m5.large", 2, 8, 0, X),
    t("m5.xlarge", 4, 16, 0, X),
    t("m5.2xlarge", 8, 32, 0, X),
    t("m5.4xlarge", 16, 64, 0, X),
    t("m5.8xlarge", 32, 128, 0, X),
    t("m6i.large", 2, 8, 0, X),
    t("m6i.xlarge", 4, 16, 0, X),
    t("m6i.2xlarge", 8, 32, 0, X),
    t("m6i.4xlarge", 16, 64, 0, X),
    t("m6g.medium", 1, 4, 0, A),
    t("m6g.large", 2, 8, 0, A),
    t("m6g.xlarge", 4, 16, 0, A),
    t("m6g.2xlarge", 8, 32, 0, A),
    t("m6g.4xlarge", 16, 64, 0, A),
    t("m7g.medium", 1, 4, 0, A),
    t("m7g.large", 2, 8, 0, A),
    t("m7g.xlarge", 4, 16, 0, A),
    t("m7g.2xlarge", 8, 32, 0, A),
    t("m7g.4xlarge", 16, 64, 0, A),
    t("c5.large", 2, 4, 0, X),
    t("c5.xlarge", 4, 8, 0, X),
    t("c5.2xlarge", 8, 16, 0, X),
    t("c5.4xlarge", 16, 32, 0, X),
    t("c6g.medium", 1, 2, 0, A),
    t("c6g.large", 2, 4, 0, A),
    t("c6g.xlarge", 4, 8, 0, A),
    t("c6g.2xlarge", 8, 16, 0, A),
    t("c6g.4xlarge", 16, 32, 0, A),
    t("c7g.medium", 1, 2, 0, A),
    t("c7g.large", 2, 4, 0, A),
    t("c7g.xlarge", 4, 8, 0, A),
    t("c7g.2xlarge", 8, 16, 0, A),
    t("r5.large", 2, 16, 0, X),
    t("r5.xlarge", 4, 32, 0, X),
    t("r5.2xlarge", 8, 64, 0, X),
    t("r5.4xlarge", 16, 128, 0, X),
    t("r6g.medium", 1, 8, 0, A),
    t("r6g.large", 2, 16, 0, A),
    t("r6g.xlarge", 4, 32, 0, A),
    t("r6g.2xlarge", 8, 64, 0, A),
    t("t3.micro", 2, 1, 0, X),
    t("t3.small", 2, 2, 0, X),
    t("t3.medium", 2, 4, 0, X),
    t("t3.large", 2, 8, 0, X),
    t("t3.xlarge", 4, 16, 0, X),
    t("t3.2xlarge", 8, 32, 0, X),
    t("g4dn.xlarge", 4, 16, 1, X),
    t("g4dn.2xlarge", 8, 32, 1, X),
    t("g4dn.4xlarge", 16, 64, 1, X),
    t("g4dn.12xlarge", 48, 192, 4, X),
    t("g5.xlarge", 4, 16, 1, X),
    t("g5.2xlarge", 8, 32, 1, X),
    t("g5.12xlarge", 48, 192, 4, X),
];

/// The type named `name`, if ecsim knows it.
pub fn lookup(name: &str) -> Option<&'static InstanceType> {
    INSTANCE_TYPES.iter().find(|t| t.name == name)
}

/// Every known type name, for error messages.
pub fn names() -> Vec<&'static str> {
    INSTANCE_TYPES.iter().map(|t| t.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_families_present() {
        let mut names = names();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate instance type");
        for family in [
            "m5.", "m6i.", "m6g.", "m7g.", "c5.", "c6g.", "c7g.", "r5.", "r6g.", "t3.",
        ] {
            assert!(names.iter().any(|n| n.starts_with(family)), "{family}");
        }
        assert!(INSTANCE_TYPES.iter().any(|t| t.gpus > 0));
    }

    #[test]
    fn graviton_is_arm() {
        assert_eq!(lookup("c7g.large").unwrap().arch, Arch::Arm64);
        assert_eq!(lookup("c5.large").unwrap().arch, Arch::X86_64);
        // g4dn.12xlarge: 48 vCPUs, 192 GiB = 196,608 MiB, 4 GPUs.
        let g = lookup("g4dn.12xlarge").unwrap();
        assert_eq!((g.vcpus, g.memory_mib, g.gpus), (48, 196_608, 4));
    }
}
