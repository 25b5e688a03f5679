//! Scenario files: the only place that knows the file format. [`load_str`] / [`load_file`]
//! read JSON, apply `--set` assignments, set aside AWS read-only and not-modelled fields (with a
//! warning), deserialize into [`types::ScenarioFile`] and check it (one checker per part of the
//! file, in `check/`) into a [`Scenario`], collecting every problem it can find with its file,
//! line, column and path. The checked types of the parts are re-exported here; every default is
//! in [`defaults`], every quota and limit in [`limits`].
//!
//! ```
//! let text = r#"{"name": "tiny", "duration": "1h",
//!   "capacityProviders": [{"name": "FARGATE"}],
//!   "services": [{"serviceName": "web", "desiredCount": 2, "launchType": "FARGATE",
//!     "taskDefinition": {"family": "web", "cpu": "256", "memory": "512"}}]}"#;
//! let s = ecsim::scenario::load_str(text, "tiny.json", None, &[]).unwrap();
//! assert_eq!(s.services[0].desired, 2);
//! assert_eq!(s.duration, 3_600_000);
//! ```

mod check;
pub mod defaults;
mod describe;
pub mod json_pos;
pub mod limits;
pub mod set_path;
pub mod source;
pub mod strict;
pub mod suggest;
pub mod types;
pub mod units;

pub use check::auto_scaling::{AlarmDef, AutoScaling, Policy, PolicyKind, ScheduledAction};
pub use check::batch_jobs::{Arrivals, Job};
pub use check::custom_metrics::CustomMetric;
pub use check::faults::{Fault, FaultKind};
pub use check::health::{ContainerCheck, FailedCheck, Failure, Health, HealthyRule};
pub use check::load::{Load, PerTask, QueueLoad};
pub use check::load_balancer::LoadBalancer;
pub use check::metrics::{HIGH_RES_PERIOD, MetricQuery, MetricRef, PERIOD, Source, Stat};

use crate::catalogue::instance_types::{Arch, InstanceType};
use crate::engine::Millis;
use crate::error::{Error, Problem};
use crate::placement::{Constraint, Resources, Strategy};
use json_pos::{PositionIndex, Step, format_path, steps_of};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
pub use types::{CooldownBase, FailAt, LaunchType, PurchaseOption, ThresholdType, TieBreak};
use units::Delay;

/// A checked scenario, ready to simulate.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Random seed.
    pub seed: u64,
    /// Simulated length, ms.
    pub duration: Millis,
    /// Simulated wall-clock start, RFC 3339.
    pub start: String,
    /// Region.
    pub region: String,
    /// Zones, in the order given.
    pub zones: Vec<String>,
    /// Capacity providers.
    pub providers: Vec<Provider>,
    /// Services.
    pub services: Vec<Service>,
    /// The scenario-level modelling defaults (cluster-wide ones are read only from here).
    pub model: Model,
    /// Warnings found while loading (read-only fields ignored and the like).
    pub warnings: Vec<String>,
    /// Folder of the scenario file (relative paths resolve against it).
    pub base_dir: Option<PathBuf>,
    /// `start` as milliseconds since the Unix epoch.
    pub start_epoch_ms: i64,
    /// User metrics (`customMetrics`).
    pub custom_metrics: Vec<CustomMetric>,
    /// Faults.
    pub faults: Vec<Fault>,
    /// The prices in use (built-in table with the scenario's `pricing` overrides).
    pub prices: crate::cost::prices::PriceTable,
    /// The `awsvpcTrunking` account setting is enabled: instances of types that support ENI
    /// trunking run up to their trunk limit of awsvpc tasks.
    pub awsvpc_trunking: bool,
    /// The account's Fargate vCPU quotas (`serviceQuotas`): On-Demand, then Spot, in vCPUs.
    pub fargate_vcpu_quota: [f64; 2],
}

/// A task definition's `networkMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkMode {
    /// Each task its own ENI on the instance (Fargate's only mode): tasks per instance are
    /// capped by the type's ENIs ([`crate::catalogue::instance_types::InstanceType::eni_limit`]).
    Awsvpc,
    /// Docker's bridge: static host ports conflict on an instance. ECS's default on Linux.
    Bridge,
    /// The host's network: a container port is a host port, one task per port per instance.
    Host,
    /// No external networking.
    None,
}

impl NetworkMode {
    /// The name as the task definition spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkMode::Awsvpc => "awsvpc",
            NetworkMode::Bridge => "bridge",
            NetworkMode::Host => "host",
            NetworkMode::None => "none",
        }
    }
}

/// A capacity provider.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Name.
    pub name: String,
    /// What it provides.
    pub kind: ProviderKind,
}

/// The kind of a capacity provider.
#[derive(Debug, Clone)]
pub enum ProviderKind {
    /// FARGATE.
    Fargate,
    /// FARGATE_SPOT.
    FargateSpot,
    /// An Auto Scaling group of container instances.
    Asg(Asg),
}

impl ProviderKind {
    /// Whether this is FARGATE or FARGATE_SPOT.
    pub fn is_fargate(&self) -> bool {
        !matches!(self, ProviderKind::Asg(_))
    }
}

/// An Auto Scaling group provider.
#[derive(Debug, Clone)]
pub struct Asg {
    /// Instance types, launched in this order of preference.
    pub instance_types: Vec<&'static InstanceType>,
    /// On demand or Spot.
    pub purchase: PurchaseOption,
    /// Group minimum.
    pub min_size: u32,
    /// Group maximum.
    pub max_size: u32,
    /// Instances at the start.
    pub desired: u32,
    /// Zone indices (into [`Scenario::zones`]) the group launches in.
    pub zones: Vec<usize>,
    /// Custom attributes of its instances.
    pub attributes: BTreeMap<String, String>,
    /// Managed scaling, when enabled.
    pub managed_scaling: Option<ManagedScaling>,
    /// Managed termination protection.
    pub termination_protection: bool,
    /// Managed draining.
    pub draining: bool,
    /// The ECS agent's `ECS_ENABLE_SPOT_INSTANCE_DRAINING=true` (Spot instance draining, off
    /// by default): a Spot notice sets the instance DRAINING even without managed draining.
    pub agent_spot_draining: bool,
}

/// Managed scaling settings (capacity provider managed scaling, see `model::cluster`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManagedScaling {
    /// targetCapacity, percent.
    pub target_capacity: u32,
    /// minimumScalingStepSize.
    pub min_step: u32,
    /// maximumScalingStepSize.
    pub max_step: u32,
    /// instanceWarmupPeriod, seconds.
    pub warmup_s: u32,
}

/// One entry of a checked capacity provider strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrategyItem {
    /// Provider index.
    pub provider: usize,
    /// Base.
    pub base: u32,
    /// Weight.
    pub weight: u32,
}

/// A checked `deploymentCircuitBreaker`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CircuitBreaker {
    /// Whether it is on (`enable`).
    pub enable: bool,
    /// Whether a failed deployment rolls back.
    pub rollback: bool,
    /// `thresholdConfiguration.type` (default [`defaults::CIRCUIT_BREAKER_THRESHOLD_TYPE`]).
    pub threshold_type: ThresholdType,
    /// `thresholdConfiguration.value` (default [`defaults::CIRCUIT_BREAKER_THRESHOLD_VALUE`]).
    pub threshold_value: u32,
    /// `resetOnHealthyTask` (default [`defaults::CIRCUIT_BREAKER_RESET_ON_HEALTHY_TASK`]).
    pub reset_on_healthy_task: bool,
}

/// Where a service's tasks run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceCapacity {
    /// A launch type (bypasses capacity providers).
    LaunchType(LaunchType),
    /// A capacity provider strategy.
    Strategy(Vec<StrategyItem>),
}

/// A checked service.
#[derive(Debug, Clone)]
pub struct Service {
    /// Name.
    pub name: String,
    /// Task definition family.
    pub family: String,
    /// CPU units, memory and GPUs reserved per task.
    pub resources: Resources,
    /// The memory utilisation denominator, MiB: the containers' memoryReservation when set
    /// (aws-behaviour.md §1), else `resources.memory`.
    pub memory_metric: u32,
    /// Fargate ephemeral storage, GiB (20 when not given; above 20 is billed).
    pub ephemeral_storage_gib: u32,
    /// Static host ports per task (bridge and host network modes; none for awsvpc).
    pub host_ports: Vec<u16>,
    /// The task definition's network mode.
    pub network_mode: NetworkMode,
    /// Required CPU architecture.
    pub arch: Option<Arch>,
    /// Desired count at the start.
    pub desired: u32,
    /// Launch type or strategy.
    pub capacity: ServiceCapacity,
    /// Placement strategy chain (AWS's default when none was given).
    pub chain: Vec<Strategy>,
    /// Placement constraints.
    pub constraints: Vec<Constraint>,
    /// deploymentConfiguration.maximumPercent.
    pub max_percent: u32,
    /// deploymentConfiguration.minimumHealthyPercent.
    pub min_healthy_percent: u32,
    /// The deployment circuit breaker, when `deploymentCircuitBreaker` is given.
    pub circuit_breaker: Option<CircuitBreaker>,
    /// Modelling defaults in force for this service.
    pub model: Model,
    /// Its load, if any.
    pub load: Option<Load>,
    /// Its load balancer target group, if any.
    pub load_balancer: Option<LoadBalancer>,
    /// Its health checks, the grace period, and when a task counts healthy or is stopped
    /// as failing.
    pub health: Health,
    /// Its scalable target, if any.
    pub auto_scaling: Option<AutoScaling>,
    /// Set for a batch job stream (a pseudo-service started by arrivals, never by a count).
    pub job: Option<Job>,
    /// Rollouts: (time, failure probability of the new revision's tasks, where they fail), in
    /// time order.
    pub deployments: Vec<(Millis, f64, FailAt)>,
    /// A DAEMON service (`schedulingStrategy`): one task on each active container instance
    /// that meets its constraints; `desired` is 0 here and follows the instances in a run.
    pub daemon: bool,
}

impl Service {
    /// Whether the service's tasks run on Fargate.
    pub fn on_fargate(&self, providers: &[Provider]) -> bool {
        match &self.capacity {
            ServiceCapacity::LaunchType(l) => *l == LaunchType::Fargate,
            ServiceCapacity::Strategy(items) => items
                .first()
                .is_some_and(|i| providers[i.provider].kind.is_fargate()),
        }
    }
}

/// The named modelling defaults in force (see the scenario reference for each).
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Fraction of nominal memory an instance registers (0.975).
    pub registered_memory_fraction: f64,
    /// Fargate PROVISIONING → PENDING.
    pub fargate_provisioning: Delay,
    /// Fargate PENDING → RUNNING.
    pub fargate_image_pull: Delay,
    /// EC2 PENDING → RUNNING, image not on the instance yet.
    pub ec2_image_pull_cold: Delay,
    /// EC2 PENDING → RUNNING, image already pulled there.
    pub ec2_image_pull_warm: Delay,
    /// RUNNING → healthy without a load balancer.
    pub healthy_after_running: Millis,
    /// STOPPING → STOPPED.
    pub task_stop_duration: Delay,
    /// Instance launch → registered.
    pub instance_launch: Delay,
    /// Service scheduler launches per minute per service, Fargate.
    pub service_launch_rate_fargate_per_minute: u32,
    /// Service scheduler launches per minute per service, EC2.
    pub service_launch_rate_ec2_per_minute: u32,
    /// Fargate launch token bucket size.
    pub fargate_launch_burst: u32,
    /// Fargate launch tokens per second.
    pub fargate_launch_per_second: f64,
    /// PROVISIONING tasks per cluster before the scheduler backs off.
    pub provisioning_tasks_per_cluster: u32,
    /// Final placement tie-break.
    pub placement_tie_break: TieBreak,
    /// End of a one-minute metric period → its datapoint acts (cluster-wide), ms. Calibrated:
    /// a sharp rise at a period boundary acts after 3 × 60 s + 183 s = 363 s, AWS's measurement.
    pub metric_publication_delay: Millis,
    /// End of a 20-second high-resolution period → its datapoint acts (cluster-wide), ms.
    /// Calibrated: 3 × 20 s + 26 s = 86 s, AWS's measurement.
    pub high_resolution_metric_delay: Millis,
    /// Integration step of the fluid load (cluster-wide), ms.
    pub load_step: Millis,
    /// The RUNNING count target tracking scales out from inside a scale-out cooldown.
    pub scale_out_cooldown_base: CooldownBase,
    /// End of a minute → its CapacityProviderReservation datapoint acts (cluster-wide), ms.
    pub cluster_metric_delay: Millis,
    /// The service throttle logic's first back-off, ms (doubling on each further failed
    /// attempt up to [`Model::restart_backoff_max`]).
    pub restart_backoff_first: Millis,
    /// The service throttle logic's longest back-off, ms.
    pub restart_backoff_max: Millis,
}

impl Default for Model {
    /// Every default of [`defaults`]' first block.
    fn default() -> Self {
        Model {
            registered_memory_fraction: defaults::REGISTERED_MEMORY_FRACTION,
            fargate_provisioning: defaults::FARGATE_PROVISIONING,
            fargate_image_pull: defaults::FARGATE_IMAGE_PULL,
            ec2_image_pull_cold: defaults::EC2_IMAGE_PULL_COLD,
            ec2_image_pull_warm: defaults::EC2_IMAGE_PULL_WARM,
            healthy_after_running: defaults::HEALTHY_AFTER_RUNNING,
            task_stop_duration: defaults::TASK_STOP_DURATION,
            instance_launch: defaults::INSTANCE_LAUNCH,
            service_launch_rate_fargate_per_minute:
                defaults::SERVICE_LAUNCH_RATE_FARGATE_PER_MINUTE,
            service_launch_rate_ec2_per_minute: defaults::SERVICE_LAUNCH_RATE_EC2_PER_MINUTE,
            fargate_launch_burst: defaults::FARGATE_LAUNCH_BURST,
            fargate_launch_per_second: defaults::FARGATE_LAUNCH_PER_SECOND,
            provisioning_tasks_per_cluster: defaults::PROVISIONING_TASKS_PER_CLUSTER,
            placement_tie_break: defaults::PLACEMENT_TIE_BREAK,
            metric_publication_delay: defaults::METRIC_PUBLICATION_DELAY,
            high_resolution_metric_delay: defaults::HIGH_RESOLUTION_METRIC_DELAY,
            load_step: defaults::LOAD_STEP,
            scale_out_cooldown_base: defaults::SCALE_OUT_COOLDOWN_BASE,
            cluster_metric_delay: defaults::CLUSTER_METRIC_DELAY,
            restart_backoff_first: defaults::RESTART_BACKOFF_FIRST,
            restart_backoff_max: defaults::RESTART_BACKOFF_MAX,
        }
    }
}

impl Model {
    /// This model with the fields `spec` sets replaced.
    pub fn overlay(&self, spec: &types::ModelSpec) -> Model {
        let mut m = self.clone();
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = spec.$f { m.$f = v; } )* };
        }
        set!(
            registered_memory_fraction,
            fargate_provisioning,
            fargate_image_pull,
            ec2_image_pull_cold,
            ec2_image_pull_warm,
            task_stop_duration,
            instance_launch,
            service_launch_rate_fargate_per_minute,
            service_launch_rate_ec2_per_minute,
            fargate_launch_burst,
            fargate_launch_per_second,
            provisioning_tasks_per_cluster,
            placement_tie_break,
            scale_out_cooldown_base
        );
        if let Some(h) = spec.healthy_after_running {
            m.healthy_after_running = h.millis();
        }
        if let Some(d) = spec.metric_publication_delay {
            m.metric_publication_delay = d.millis();
        }
        if let Some(d) = spec.high_resolution_metric_delay {
            m.high_resolution_metric_delay = d.millis();
        }
        if let Some(d) = spec.load_step {
            m.load_step = d.millis();
        }
        if let Some(d) = spec.cluster_metric_delay {
            m.cluster_metric_delay = d.millis();
        }
        if let Some(d) = spec.restart_backoff_first {
            m.restart_backoff_first = d.millis();
        }
        if let Some(d) = spec.restart_backoff_max {
            m.restart_backoff_max = d.millis();
        }
        m
    }
}

fn k(s: &str) -> Step {
    Step::Key(s.to_string())
}

struct Loader<'a> {
    file: &'a str,
    /// The scenario text (numbers are quoted as written).
    text: &'a str,
    set_paths: &'a [(Vec<Step>, String)],
    index: &'a PositionIndex,
    problems: Vec<Problem>,
    read_only: Vec<String>,
    not_modelled: Vec<String>,
    /// Members taken out of the document after a problem was reported with them.
    removed: Vec<Vec<Step>>,
    /// Unknown fields reported with a did-you-mean: (the object's path, the name suggested).
    suggested: Vec<(Vec<Step>, String)>,
}

impl Loader<'_> {
    fn problem(&mut self, path: &[Step], key: bool, message: impl Into<String>) {
        if let Some(p) = from_set(self.set_paths, self.index, path) {
            self.problems.push(p.with(path, message.into()));
            return;
        }
        let pos = if key {
            self.index.key(path).or_else(|| self.index.nearest(path))
        } else {
            self.index.value(path).or_else(|| self.index.nearest(path))
        };
        self.problems.push(Problem {
            file: self.file.to_string(),
            pos: pos.map(|p| (p.line, p.column)),
            path: format_path(path),
            message: message.into(),
        });
    }

    /// Turns a serde error into a problem, with a did-you-mean for unknown names. Returns the
    /// path of what is at fault (an unknown field, a value of the wrong type, an unknown enum
    /// value, or the object that lacks a required field), which [`take_out`] can remove so that
    /// deserialization goes on to find further problems. A missing required field that was
    /// itself taken out, or that an unknown field's did-you-mean names, is not reported again.
    fn serde_problem(
        &mut self,
        err: serde_path_to_error::Error<serde_json::Error>,
    ) -> Option<Vec<Step>> {
        let mut path = steps_of(err.path());
        let raw = err.inner().to_string();
        let raw = match raw.find(" at line ") {
            Some(i) => raw[..i].to_string(),
            None => raw,
        };
        if let Some(field) = raw
            .strip_prefix("missing field `")
            .and_then(|r| r.strip_suffix('`'))
        {
            let mut member = path.clone();
            member.push(Step::Key(field.to_string()));
            let follow_on = self.removed.contains(&member)
                || self
                    .suggested
                    .iter()
                    .any(|(object, name)| *object == path && name == field);
            if !follow_on {
                let mut msg = friendly_serde(&raw);
                if path.is_empty() && field == "name" {
                    msg = format!(
                        "{msg}: a scenario needs at least a name; the smallest is {EMPTY_HINT}"
                    );
                }
                self.problem(&path, false, msg);
            }
            // Reading goes on without the object that lacks the field.
            return Some(path);
        }
        if let Some((name, expected)) = suggest::parse_unknown_field(&raw) {
            if path.last() != Some(&Step::Key(name.clone())) {
                path.push(Step::Key(name.clone()));
            }
            let cands: Vec<&str> = expected.iter().map(String::as_str).collect();
            let hint = match suggest::did_you_mean(&name, &cands) {
                Some(s) => {
                    let object = path[..path.len() - 1].to_vec();
                    self.suggested.push((object, s.to_string()));
                    format!("did you mean `{s}`? ")
                }
                None => String::new(),
            };
            let msg = format!(
                "unknown field `{name}`: {hint}valid fields here: {}",
                expected.join(", ")
            );
            self.problem(&path, true, msg);
            return Some(path);
        } else if let Some((name, expected)) = suggest::parse_unknown_variant(&raw) {
            let cands: Vec<&str> = expected.iter().map(String::as_str).collect();
            let hint = match suggest::did_you_mean(&name, &cands) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            let msg = format!(
                "unknown value `{name}`: {hint}valid values: {}",
                expected.join(", ")
            );
            self.problem(&path, false, msg);
        } else {
            let literal = match from_set(self.set_paths, self.index, &path) {
                Some(_) => None,
                None => self
                    .index
                    .value(&path)
                    .and_then(|p| number_at(self.text, p)),
            };
            self.problem(
                &path,
                false,
                out_of_range(&raw, literal).unwrap_or_else(|| friendly_serde(&raw)),
            );
        }
        // The value is at fault: reading can go on without it.
        Some(path)
    }
}

/// Rewrites serde_json's syntax vocabulary into words a scenario author uses.
fn friendly_syntax(raw: &str) -> String {
    const VALUE: &str = "expected a JSON value: an object {...}, a list [...], a string in double \
                         quotes, a number, true, false or null";
    match raw {
        "expected value" | "expected ident" => VALUE.to_string(),
        "key must be a string" => "an object key must be a string in double quotes".to_string(),
        "trailing characters" => {
            "text after the end of the scenario object: remove it (or a stray `}`)".to_string()
        }
        other => other.to_string(),
    }
}

/// The UTF-8 byte-order mark some editors put at the start of a text file.
pub(crate) const BOM: char = '\u{feff}';

/// The smallest valid scenario, named in the messages for an empty file and for `{}`.
const EMPTY_HINT: &str = "{\"name\": \"my-scenario\"} (every other key has a default: an empty \
     cluster for 6h; docs/scenario-reference.md §2.1)";

/// The number written at `pos` in `text` (a JSON number's characters from there), if any.
fn number_at(text: &str, pos: json_pos::Pos) -> Option<&str> {
    let line = text.split('\n').nth(pos.line.checked_sub(1)?)?;
    let (start, _) = line.char_indices().nth(pos.column.checked_sub(1)?)?;
    let rest = &line[start..];
    let end = rest
        .find(|c: char| !matches!(c, '0'..='9' | '-' | '+' | '.' | 'e' | 'E'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// A whole number beyond the range of a u32 or u64 field that serde_json read as a float (it
/// reads integers beyond 64 bits, and numbers written with an exponent, as floats): the same
/// message as for an integer out of range, quoting `literal` (the number as written) when known.
/// None for anything else (a fraction such as `2.5` stays a wrong type).
fn out_of_range(raw: &str, literal: Option<&str>) -> Option<String> {
    let rest = raw.strip_prefix("invalid type: floating point `")?;
    let (number, expected) = rest.split_once("`, expected ")?;
    let max = match expected {
        "u32" => u64::from(u32::MAX),
        "u64" => u64::MAX,
        _ => return None,
    };
    let v: f64 = number.parse().ok()?;
    if v.fract() != 0.0 || !v.is_finite() {
        return None;
    }
    // Without the text (a `--set` value), the float's exact integer value while that is short.
    let exact = format!("{v:.0}");
    let shown = match literal {
        Some(l) => l,
        None if v.abs() < 1e21 => exact.as_str(),
        None => number,
    };
    if v < 0.0 {
        Some(format!(
            "`{shown}` is negative: expected a whole number of at least 0"
        ))
    } else if v >= max as f64 + 1.0 {
        Some(format!(
            "`{shown}` is too large: expected a whole number from 0 to {max}"
        ))
    } else {
        None
    }
}

/// Rewrites serde's type vocabulary into words a scenario author uses.
fn friendly_serde(raw: &str) -> String {
    // An integer out of an unsigned type's range: say which end it is beyond.
    if let Some(rest) = raw.strip_prefix("invalid value: integer `")
        && let Some((number, expected)) = rest.split_once("`, expected ")
    {
        let max = match expected {
            "u32" => Some(u64::from(u32::MAX)),
            "u64" => Some(u64::MAX),
            _ => None,
        };
        if let Some(max) = max {
            return if number.starts_with('-') {
                format!("`{number}` is negative: expected a whole number of at least 0")
            } else {
                format!("`{number}` is too large: expected a whole number from 0 to {max}")
            };
        }
    }
    let mut s = raw.replace("invalid type: ", "wrong type: found ");
    for (from, to) in [
        ("expected u32", "expected a whole number of at least 0"),
        ("expected u64", "expected a whole number of at least 0"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list [...]"),
        ("found map", "found an object {...}"),
        ("found sequence", "found a list [...]"),
        ("expected a map", "expected an object {...}"),
        ("expected a boolean", "expected true or false"),
        ("invalid value: integer", "invalid value:"),
        (
            "expected internally tagged enum Delay",
            "expected a delay object such as {\"distribution\": \"fixed\", \"value\": \"5m\"}",
        ),
    ] {
        s = s.replace(from, to);
    }
    if let Some(f) = s.strip_prefix("missing field ") {
        return format!("required field {f} is missing");
    }
    // serde names the Rust type it wanted (`expected struct LoadBalancerSpec`): a user sees an
    // object.
    if let Some(at) = s.find("expected struct ") {
        let name_end = s[at + "expected struct ".len()..]
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .map_or(s.len(), |n| at + "expected struct ".len() + n);
        s.replace_range(at..name_end, "expected an object {...}");
    }
    s
}

/// Loads a scenario from text. `file` names it in messages; `base_dir` resolves relative
/// paths; `sets` are `--set` assignments applied before checking.
pub fn load_str(
    text: &str,
    file: &str,
    base_dir: Option<&Path>,
    sets: &[set_path::Assignment],
) -> Result<Scenario, Error> {
    // A byte-order mark (editors on Windows write one) is invisible: it is not part of the JSON
    // and positions count from the character after it, as an editor shows them.
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut doc = parse(text, file)?;
    let mut set_problems = Vec::new();
    let mut set_paths = Vec::new();
    for a in sets {
        if let Err(e) = set_path::apply(&mut doc, a) {
            set_problems.push(Problem {
                file: a.origin.to_string(),
                pos: None,
                path: e.path.clone(),
                message: e.message.clone(),
            });
        } else {
            set_paths.push((resolve_steps(&doc, &a.segments), a.label()));
        }
    }
    // An assignment that cannot be applied is reported with whatever else is wrong: the
    // others were applied, and the document is read as it now is.
    let index = PositionIndex::build(text);
    let mut loader = Loader {
        file,
        text,
        set_paths: &set_paths,
        index: &index,
        problems: set_problems,
        read_only: Vec::new(),
        not_modelled: Vec::new(),
        removed: Vec::new(),
        suggested: Vec::new(),
    };
    loader.refuse_duplicates();
    loader.set_aside(&mut doc, &[], &describe::SCENARIO);
    let spec = loader.deserialize(&mut doc);
    if !loader.problems.is_empty() {
        return Err(Error::Invalid(loader.problems));
    }
    let Some(spec) = spec else {
        return Err(Error::Invalid(loader.problems));
    };
    let mut warnings = Vec::new();
    if !loader.read_only.is_empty() {
        warnings.push(format!(
            "{file}: ignored read-only fields from AWS describe output: {}",
            loader.read_only.join(", ")
        ));
    }
    if !loader.not_modelled.is_empty() {
        warnings.push(format!(
            "{file}: accepted but not modelled: {}",
            loader.not_modelled.join(", ")
        ));
    }
    let problems = std::mem::take(&mut loader.problems);
    let mut ctx = check::Ctx::new(file, &index, problems, &set_paths);
    let scenario = check::check(&spec, &mut ctx, base_dir);
    match scenario {
        Some(mut s) if ctx.problems.is_empty() => {
            let fallbacks = s.prices.fallbacks();
            if !fallbacks.is_empty() {
                warnings.push(format!(
                    "{file}: the built-in prices have no {} price for {}: {}'s are used (`ecsim pricing --region {}` shows the table; give the region's own under `pricing`)",
                    s.region,
                    fallbacks.join(", "),
                    crate::catalogue::prices::REGION,
                    s.region
                ));
            }
            s.warnings.splice(0..0, warnings);
            Ok(s)
        }
        _ => Err(Error::Invalid(ctx.problems)),
    }
}

/// The scenario text as JSON: an object, or the problem (an empty file, a syntax error with its
/// position, another JSON value).
fn parse(text: &str, file: &str) -> Result<Value, Error> {
    if text.trim().is_empty() {
        return Err(Error::Invalid(vec![Problem {
            file: file.to_string(),
            pos: Some((1, 1)),
            path: String::new(),
            message: format!(
                "the file is empty: a scenario is a JSON object; the smallest is {EMPTY_HINT}"
            ),
        }]));
    }
    let doc: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let message = match e.classify() {
                serde_json::error::Category::Eof => format!(
                    "the JSON ends too early (truncated file?): {}",
                    strip_position(&e.to_string())
                ),
                _ => format!(
                    "not valid JSON: {}",
                    friendly_syntax(&strip_position(&e.to_string()))
                ),
            };
            return Err(Error::Invalid(vec![Problem {
                file: file.to_string(),
                pos: Some(char_position(text, e.line(), e.column())),
                path: String::new(),
                message,
            }]));
        }
    };
    if !doc.is_object() {
        let pos = PositionIndex::build(text).value(&[]);
        return Err(Error::Invalid(vec![Problem {
            file: file.to_string(),
            pos: pos.map(|p| (p.line, p.column)),
            path: String::new(),
            message: "a scenario is a JSON object {\"name\": ..., \"services\": [...], ...}"
                .to_string(),
        }]));
    }
    Ok(doc)
}

impl Loader<'_> {
    /// Refuses every repeated key. JSON parsers keep the last of two equal keys; a repeat is
    /// almost always a mistake (two edits of one field), so it is refused rather than silently
    /// half-applied.
    fn refuse_duplicates(&mut self) {
        let mut duplicates: Vec<&json_pos::Duplicate> = self.index.duplicates().iter().collect();
        duplicates.sort_by_key(|d| d.again);
        for d in duplicates {
            let name = match d.path.last() {
                Some(Step::Key(key)) => key.as_str(),
                _ => "",
            };
            self.problems.push(Problem {
                file: self.file.to_string(),
                pos: Some((d.again.line, d.again.column)),
                path: format_path(&d.path),
                message: format!(
                    "`{name}` appears twice in one object (first at line {}, column {}): keep one",
                    d.first.line, d.first.column
                ),
            });
        }
    }

    /// Deserializes `doc` into the file's types, taking out each member at fault and reading
    /// again (see below); None when it still does not read.
    fn deserialize(&mut self, doc: &mut Value) -> Option<types::ScenarioFile> {
        // serde stops at the first error. What is at fault (an unknown field, a value of the wrong
        // type, an unknown enum value, an object lacking a required field) is taken out and the
        // document read again, so that such problems are reported together in one pass (up to a
        // bound). A value inside a list takes the whole list with it (removing one element would
        // renumber the others), so later problems in that list wait for the next run.
        for _ in 0..50 {
            match serde_path_to_error::deserialize::<_, types::ScenarioFile>(strict::Strict(
                doc.clone(),
            )) {
                Ok(s) => return Some(s),
                Err(e) => match self.serde_problem(e).and_then(|path| take_out(doc, &path)) {
                    Some(taken) => self.removed.push(taken),
                    None => break,
                },
            }
        }
        None
    }
}

/// serde_json reports byte columns, 0 at the very start of a line; users count characters
/// from 1.
fn char_position(text: &str, line: usize, byte_col: usize) -> (usize, usize) {
    let Some(l) = text.split('\n').nth(line.saturating_sub(1)) else {
        return (line.max(1), byte_col.max(1));
    };
    let mut end = byte_col.min(l.len());
    while !l.is_char_boundary(end) {
        end -= 1;
    }
    (line.max(1), l[..end].chars().count().max(1))
}

/// The steps a `--set` path names in `doc` (list elements by name resolved to indices).
fn resolve_steps(doc: &Value, segments: &[String]) -> Vec<Step> {
    let mut out = Vec::new();
    let mut cur = Some(doc);
    for seg in segments {
        match cur {
            Some(Value::Array(items)) => {
                let by_name = items.iter().position(|e| {
                    set_path::NAME_KEYS
                        .iter()
                        .find_map(|k| e.get(*k).and_then(Value::as_str))
                        == Some(seg.as_str())
                });
                let idx = by_name.or_else(|| seg.parse::<usize>().ok());
                let Some(i) = idx else { break };
                out.push(Step::Index(i));
                cur = items.get(i);
            }
            Some(v) => {
                out.push(Step::Key(seg.clone()));
                cur = v.get(seg);
            }
            None => break,
        }
    }
    out
}

/// Removes the object member at `path` or, for a list element, the member holding the list
/// (the nearest ancestor that is an object member), so that no other path changes meaning.
/// Returns the path removed; None when nothing can be (the root, or a path not in `doc`).
fn take_out(doc: &mut Value, path: &[Step]) -> Option<Vec<Step>> {
    let end = path.iter().rposition(|s| matches!(s, Step::Key(_)))? + 1;
    remove_at(doc, &path[..end]).then(|| path[..end].to_vec())
}

/// Removes the object member at `path`; false when there is none.
fn remove_at(doc: &mut Value, path: &[Step]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut cur = doc;
    for step in parents {
        let next = match step {
            Step::Key(k) => cur.get_mut(k.as_str()),
            Step::Index(i) => cur.get_mut(*i),
        };
        let Some(n) = next else { return false };
        cur = n;
    }
    match (last, cur.as_object_mut()) {
        (Step::Key(k), Some(obj)) => obj.remove(k).is_some(),
        _ => false,
    }
}

/// A problem attributed to a `--set` assignment (or `--vary`, `--duration`, `--seed`), by its
/// label ([`set_path::Assignment::label`]).
pub(crate) struct SetOrigin<'a>(&'a str);

impl SetOrigin<'_> {
    pub(crate) fn with(&self, path: &[Step], message: String) -> Problem {
        Problem {
            file: self.0.to_string(),
            pos: None,
            path: format_path(path),
            message,
        }
    }
}

/// The `--set` assignment that wrote the value at `path` (or a parent of it), if any; the last
/// assignment wins as it does when applied. A member that is not in the file at all (`index`
/// knows no position for it) was made by an assignment to a path below it (`--set a.b=1` makes
/// `a`), which is then the one named.
pub(crate) fn from_set<'a>(
    sets: &'a [(Vec<Step>, String)],
    index: &PositionIndex,
    path: &[Step],
) -> Option<SetOrigin<'a>> {
    let wrote = sets
        .iter()
        .rev()
        .find(|(steps, _)| !steps.is_empty() && path.starts_with(steps));
    let made = || {
        if path.is_empty() || index.value(path).is_some() {
            return None;
        }
        sets.iter().rev().find(|(steps, _)| steps.starts_with(path))
    };
    wrote.or_else(made).map(|(_, p)| SetOrigin(p))
}

fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Loads a scenario file.
pub fn load_file(path: &Path, sets: &[set_path::Assignment]) -> Result<Scenario, Error> {
    let name = path.display().to_string();
    let text = source::read_text(path, &name)?;
    load_str(&text, &name, path.parent(), sets)
}
