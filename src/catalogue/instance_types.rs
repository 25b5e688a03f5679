//! The built-in table of EC2 instance types: vCPUs, memory, GPUs, CPU architecture, ENI limit and
//! ENI trunking limit. Sources: the EC2 instance type pages (general purpose, compute optimised,
//! memory optimised, accelerated computing), read 2026-11; ENIs per type from the EC2 table
//! "Maximum network interfaces" (using-eni.html#AvailableIpPerENI) and the trunk limits from
//! ECS's eni-trunking-supported-instance-types.html (aws-behaviour.md §6). m7g and c7g are
//! missing from the EC2 snapshot read: their ENIs are ECS's "task limit without trunking" + 1,
//! AWS's own rule. g4dn and t3 do not support trunking.
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
    /// The most network interfaces (ENIs) the type can attach, the primary one included (the
    /// EC2 "network interfaces per instance type" table).
    pub max_enis: u32,
    /// With ENI trunking (`awsvpcTrunking`), how many `awsvpc` tasks the instance can run (ECS's
    /// "supported instance types for increased task networking interfaces" table); None when
    /// the type does not support trunking.
    pub trunk_tasks: Option<u32>,
}

/// How many `awsvpc` tasks an instance can run, and why (what `explain` prints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "basis")]
pub enum EniLimit {
    /// Without trunking: one ENI per task, the primary ENI kept by the instance.
    Enis {
        /// The type's ENI limit, the primary included.
        max_enis: u32,
    },
    /// With ENI trunking: the type's trunk limit (the primary and the trunk ENI are not tasks').
    Trunk {
        /// Tasks the trunk carries.
        tasks: u32,
    },
}

impl EniLimit {
    /// `awsvpc` tasks the instance can run: max ENIs − 1 primary, or the trunk limit.
    pub fn tasks(self) -> u32 {
        match self {
            EniLimit::Enis { max_enis } => max_enis.saturating_sub(1),
            EniLimit::Trunk { tasks } => tasks,
        }
    }
}

impl std::fmt::Display for EniLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            EniLimit::Enis { max_enis } => write!(
                f,
                "{max_enis} ENIs − 1 primary = {} awsvpc tasks",
                self.tasks()
            ),
            EniLimit::Trunk { tasks } => write!(f, "ENI trunking: {tasks} awsvpc tasks"),
        }
    }
}

impl InstanceType {
    /// How many `awsvpc` tasks an instance of the type runs: its trunk limit when `trunking`
    /// is enabled and the type supports it, else its ENIs less the primary.
    ///
    /// ```
    /// use ecsim::catalogue::instance_types::lookup;
    /// let m5 = lookup("m5.large").unwrap();
    /// assert_eq!(m5.eni_limit(false).tasks(), 2); // 3 ENIs − 1 primary
    /// assert_eq!(m5.eni_limit(true).tasks(), 10); // the trunk limit
    /// let t3 = lookup("t3.micro").unwrap();
    /// assert_eq!(t3.eni_limit(true).tasks(), 1); // no trunking: 2 ENIs − 1
    /// ```
    pub fn eni_limit(&self, trunking: bool) -> EniLimit {
        match (trunking, self.trunk_tasks) {
            (true, Some(tasks)) => EniLimit::Trunk { tasks },
            _ => EniLimit::Enis {
                max_enis: self.max_enis,
            },
        }
    }
}

/// A row: name, vCPUs, GiB, GPUs, architecture, the most ENIs the type can attach, and its ENI
/// trunking task limit (0: the type does not support trunking).
const fn t(
    name: &'static str,
    vcpus: u32,
    gib: u32,
    gpus: u32,
    arch: Arch,
    max_enis: u32,
    trunk: u32,
) -> InstanceType {
    InstanceType {
        name,
        vcpus,
        memory_mib: gib * 1024,
        gpus,
        arch,
        max_enis,
        trunk_tasks: if trunk == 0 { None } else { Some(trunk) },
    }
}

use Arch::{Arm64 as A, X86_64 as X};

/// Every type ecsim knows, by family and size.
pub const INSTANCE_TYPES: &[InstanceType] = &[
    t("m5.large", 2, 8, 0, X, 3, 10),
    t("m5.xlarge", 4, 16, 0, X, 4, 20),
    t("m5.2xlarge", 8, 32, 0, X, 4, 40),
    t("m5.4xlarge", 16, 64, 0, X, 8, 60),
    t("m5.8xlarge", 32, 128, 0, X, 8, 60),
    t("m6i.large", 2, 8, 0, X, 3, 10),
    t("m6i.xlarge", 4, 16, 0, X, 4, 20),
    t("m6i.2xlarge", 8, 32, 0, X, 4, 40),
    t("m6i.4xlarge", 16, 64, 0, X, 8, 60),
    t("m6g.medium", 1, 4, 0, A, 2, 4),
    t("m6g.large", 2, 8, 0, A, 3, 10),
    t("m6g.xlarge", 4, 16, 0, A, 4, 20),
    t("m6g.2xlarge", 8, 32, 0, A, 4, 40),
    t("m6g.4xlarge", 16, 64, 0, A, 8, 60),
    t("m7g.medium", 1, 4, 0, A, 2, 4),
    t("m7g.large", 2, 8, 0, A, 3, 10),
    t("m7g.xlarge", 4, 16, 0, A, 4, 20),
    t("m7g.2xlarge", 8, 32, 0, A, 4, 40),
    t("m7g.4xlarge", 16, 64, 0, A, 8, 60),
    t("c5.large", 2, 4, 0, X, 3, 10),
    t("c5.xlarge", 4, 8, 0, X, 4, 20),
    t("c5.2xlarge", 8, 16, 0, X, 4, 40),
    t("c5.4xlarge", 16, 32, 0, X, 8, 60),
    t("c6g.medium", 1, 2, 0, A, 2, 4),
    t("c6g.large", 2, 4, 0, A, 3, 10),
    t("c6g.xlarge", 4, 8, 0, A, 4, 20),
    t("c6g.2xlarge", 8, 16, 0, A, 4, 40),
    t("c6g.4xlarge", 16, 32, 0, A, 8, 60),
    t("c7g.medium", 1, 2, 0, A, 2, 4),
    t("c7g.large", 2, 4, 0, A, 3, 10),
    t("c7g.xlarge", 4, 8, 0, A, 4, 20),
    t("c7g.2xlarge", 8, 16, 0, A, 4, 40),
    t("r5.large", 2, 16, 0, X, 3, 10),
    t("r5.xlarge", 4, 32, 0, X, 4, 20),
    t("r5.2xlarge", 8, 64, 0, X, 4, 40),
    t("r5.4xlarge", 16, 128, 0, X, 8, 60),
    t("r6g.medium", 1, 8, 0, A, 2, 4),
    t("r6g.large", 2, 16, 0, A, 3, 10),
    t("r6g.xlarge", 4, 32, 0, A, 4, 20),
    t("r6g.2xlarge", 8, 64, 0, A, 4, 40),
    t("t3.micro", 2, 1, 0, X, 2, 0),
    t("t3.small", 2, 2, 0, X, 3, 0),
    t("t3.medium", 2, 4, 0, X, 3, 0),
    t("t3.large", 2, 8, 0, X, 3, 0),
    t("t3.xlarge", 4, 16, 0, X, 4, 0),
    t("t3.2xlarge", 8, 32, 0, X, 4, 0),
    t("g4dn.xlarge", 4, 16, 1, X, 3, 0),
    t("g4dn.2xlarge", 8, 32, 1, X, 3, 0),
    t("g4dn.4xlarge", 16, 64, 1, X, 3, 0),
    t("g4dn.12xlarge", 48, 192, 4, X, 8, 0),
    t("g5.xlarge", 4, 16, 1, X, 4, 6),
    t("g5.2xlarge", 8, 32, 1, X, 4, 19),
    t("g5.12xlarge", 48, 192, 4, X, 15, 120),
];

/// The type named `name`, if the built-in table has it. A scenario resolves its types through
/// its own [`Catalogue`] instead (its `instanceTypes` override and extend this table).
pub fn lookup(name: &str) -> Option<&'static InstanceType> {
    INSTANCE_TYPES.iter().find(|t| t.name == name)
}

/// The instance types one scenario can name: the built-in table, overridden or extended by the
/// scenario's `instanceTypes` (docs/scenario-reference.md §2.3). Every type a scenario resolves
/// (its groups, `pricing.ec2`, placement, ENIs, GPUs, prices) goes through this.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    given: Vec<&'static InstanceType>,
}

impl Catalogue {
    /// The built-in table alone.
    pub fn builtin() -> Self {
        Self::default()
    }

    /// The built-in table with `given` (types named in the built-in table replace its row).
    pub fn with(given: Vec<&'static InstanceType>) -> Self {
        Self { given }
    }

    /// The type named `name`: the scenario's own definition first, else the built-in row.
    ///
    /// ```
    /// use ecsim::catalogue::instance_types::{Arch, Catalogue, InstanceType, intern};
    /// let t2 = intern("t2.micro", InstanceType { name: "", vcpus: 1, memory_mib: 1024, gpus: 0,
    ///     arch: Arch::X86_64, max_enis: 2, trunk_tasks: None });
    /// let c = Catalogue::with(vec![t2]);
    /// assert_eq!(c.lookup("t2.micro").unwrap().vcpus, 1);
    /// assert_eq!(c.lookup("m5.large").unwrap().vcpus, 2); // the built-in row
    /// assert!(Catalogue::builtin().lookup("t2.micro").is_none());
    /// ```
    pub fn lookup(&self, name: &str) -> Option<&'static InstanceType> {
        self.given
            .iter()
            .copied()
            .find(|t| t.name == name)
            .or_else(|| lookup(name))
    }

    /// Every name the scenario can use: the built-in table's, then the scenario's new ones.
    pub fn names(&self) -> Vec<&'static str> {
        let mut out = names();
        for t in &self.given {
            if !out.contains(&t.name) {
                out.push(t.name);
            }
        }
        out
    }

    /// The scenario's own definitions, in the order given.
    pub fn given(&self) -> &[&'static InstanceType] {
        &self.given
    }
}

/// Interned scenario-defined types: one leaked copy per distinct definition, so that a type can
/// be held as `&'static` like a built-in row however often scenarios are loaded (a sweep loads
/// its variants again and again; the same definition is found, not leaked anew).
static INTERNED: std::sync::Mutex<Vec<&'static InstanceType>> = std::sync::Mutex::new(Vec::new());

/// `spec` (its `name` ignored) named `name`, as a `&'static` type: one leaked copy per distinct
/// definition, found again when a scenario is loaded again.
pub fn intern(name: &str, spec: InstanceType) -> &'static InstanceType {
    let mut all = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
    let same = |t: &&&InstanceType| {
        t.name == name
            && (
                t.vcpus,
                t.memory_mib,
                t.gpus,
                t.arch,
                t.max_enis,
                t.trunk_tasks,
            ) == (
                spec.vcpus,
                spec.memory_mib,
                spec.gpus,
                spec.arch,
                spec.max_enis,
                spec.trunk_tasks,
            )
    };
    if let Some(t) = all.iter().find(same) {
        return t;
    }
    let name: &'static str = Box::leak(name.to_string().into_boxed_str());
    let t: &'static InstanceType = Box::leak(Box::new(InstanceType { name, ..spec }));
    all.push(t);
    t
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

    #[test]
    fn eni_limits_are_aws_tables() {
        // AWS's ECS trunking page: "add one to the current task limit, as the primary network
        // interface counts" — so without trunking tasks = max ENIs − 1; with it, the table's
        // figure. m5.large: 3 ENIs → 2 tasks, trunk 10 (the issue's and AWS's example);
        // t3.micro: 2 ENIs → 1, no trunking; m6g.medium: 2 → 1, trunk 4; g5.12xlarge: 15 → 14,
        // trunk 120.
        let cases = [
            ("m5.large", 3, Some(10)),
            ("t3.micro", 2, None),
            ("m6g.medium", 2, Some(4)),
            ("g5.12xlarge", 15, Some(120)),
            ("g4dn.xlarge", 3, None),
        ];
        for (name, enis, trunk) in cases {
            let t = lookup(name).unwrap();
            assert_eq!((t.max_enis, t.trunk_tasks), (enis, trunk), "{name}");
        }
        // Every type attaches at least one task ENI besides the primary, and trunking never
        // lowers the limit.
        for t in INSTANCE_TYPES {
            assert!(t.max_enis >= 2, "{}", t.name);
            if let Some(k) = t.trunk_tasks {
                assert!(k >= t.max_enis - 1, "{}", t.name);
            }
        }
        let m5 = lookup("m5.large").unwrap();
        assert_eq!(
            m5.eni_limit(false).to_string(),
            "3 ENIs − 1 primary = 2 awsvpc tasks"
        );
        assert_eq!(
            m5.eni_limit(true).to_string(),
            "ENI trunking: 10 awsvpc tasks"
        );
    }
}
