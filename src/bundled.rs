//! Scenarios embedded in the binary, so `ecsim run` works with no file at hand.

/// The built-in quick start (also `scenarios/quickstart.json`).
pub const QUICKSTART: &str = include_str!("../scenarios/quickstart.json");

/// Every bundled scenario: (name, JSON text).
pub const SCENARIOS: &[(&str, &str)] = &[
    ("quickstart", QUICKSTART),
    (
        "binpack-vs-spread",
        include_str!("../scenarios/binpack-vs-spread.json"),
    ),
    (
        "scaling-step-reaction",
        include_str!("../scenarios/scaling-step-reaction.json"),
    ),
    (
        "scaling-step-reaction-highres",
        include_str!("../scenarios/scaling-step-reaction-highres.json"),
    ),
    (
        "scaling-daily-cpu",
        include_str!("../scenarios/scaling-daily-cpu.json"),
    ),
    (
        "scaling-alb-requests",
        include_str!("../scenarios/scaling-alb-requests.json"),
    ),
    (
        "queue-worker",
        include_str!("../scenarios/queue-worker.json"),
    ),
    (
        "step-scaling",
        include_str!("../scenarios/step-scaling.json"),
    ),
    (
        "scheduled-business-hours",
        include_str!("../scenarios/scheduled-business-hours.json"),
    ),
    (
        "trace-bikesharing",
        include_str!("../scenarios/trace-bikesharing.json"),
    ),
    (
        "cluster-scaling",
        include_str!("../scenarios/cluster-scaling.json"),
    ),
    (
        "binpack-vs-spread-managed",
        include_str!("../scenarios/binpack-vs-spread-managed.json"),
    ),
    (
        "fargate-spot-mix",
        include_str!("../scenarios/fargate-spot-mix.json"),
    ),
    (
        "zone-outage-binpack-vs-spread",
        include_str!("../scenarios/zone-outage-binpack-vs-spread.json"),
    ),
    (
        "deployment-rollback",
        include_str!("../scenarios/deployment-rollback.json"),
    ),
    (
        "placement-strategies",
        include_str!("../scenarios/placement-strategies.json"),
    ),
    (
        "batch-savings",
        include_str!("../scenarios/batch-savings.json"),
    ),
    (
        "awsvpc-density",
        include_str!("../scenarios/awsvpc-density.json"),
    ),
    (
        "daemon-log-agent",
        include_str!("../scenarios/daemon-log-agent.json"),
    ),
];

/// The folder the bundled scenarios came from: their relative paths (trace files) resolve
/// against it, inside this source tree.
pub const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");

/// The bundled scenario called `name`.
///
/// ```
/// assert!(ecsim::bundled::get("quickstart").is_some());
/// assert!(ecsim::bundled::get("nope").is_none());
/// ```
pub fn get(name: &str) -> Option<&'static str> {
    SCENARIOS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
