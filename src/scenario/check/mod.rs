//! Semantic checks: turn a deserialized [`ScenarioFile`] into a checked [`Scenario`], recording
//! every problem (with its path and position) rather than stopping at the first.
//!
//! One file per part of a scenario, in the order of docs/scenario-reference.md §2 and §3; each
//! holds the part's checked type (re-exported from [`crate::scenario`]) and the checks that build
//! it from its [`super::types`] spec:
//!
//! | file | part |
//! |---|---|
//! | `top.rs` | region, zones, duration, start (§2.1) |
//! | `instance_types.rs` | `instanceTypes`: types beyond the built-in table (§2.2.1) |
//! | `providers.rs` | `capacityProviders`, Auto Scaling groups, managed scaling (§2.2) |
//! | `strategy.rs` | capacity provider strategies (§2.3) |
//! | `services.rs` | each service and batch job stream as a whole (§2.4): the order of its parts |
//! | `task_definition.rs` | `taskDefinition`, containers, the fit against instance types (§2.5, §2.6) |
//! | `placement.rs` | `placementStrategy`, `placementConstraints` (§2.7, §2.8) |
//! | `deployments.rs` | `deploymentConfiguration`, `deployments` (§2.9) |
//! | `shape.rs` | load shapes, their bounds and traces (§2.10.1, §2.10.2) |
//! | `load.rs` | `load`: traffic with `perTask`, or a queue (§2.10) |
//! | `load_balancer.rs` | `loadBalancer` (§2.11) |
//! | `auto_scaling.rs` | `autoScaling`: the scalable target, policies, scheduled actions (§2.12) |
//! | `target_tracking.rs`, `step_scaling.rs` | the two policy types (§2.12.1, §2.12.2) |
//! | `metrics.rs` | metric resolution, statistics, metric math (§2.13) |
//! | `batch_jobs.rs` | `batchJobs` (§2.14) |
//! | `custom_metrics.rs` | `customMetrics` (§2.15) |
//! | `faults.rs` | `faults` (§2.16) |
//! | `pricing.rs` | `pricing` (§2.17) |
//! | `model.rs` | `model` (§3) |
//!
//! [`check`] calls them in a fixed order, so problems always come out in the same order: the top
//! level, the top-level `model`, `instanceTypes`, the providers, the default strategy, `customMetrics`, each
//! service then each batch job stream (in the file's order), the job streams' volume together,
//! `autoScaling` (its metrics may name any service, queue, target group or custom metric, so it
//! waits until all are known), `faults`, `pricing`. Quotas and limits are in [`super::limits`],
//! defaults in [`super::defaults`].

pub mod auto_scaling;
pub mod batch_jobs;
pub mod custom_metrics;
mod deployments;
pub mod faults;
pub mod health;
mod instance_types;
pub mod load;
pub mod load_balancer;
pub mod metrics;
mod model;
mod placement;
mod pricing;
mod providers;
mod services;
mod shape;
mod step_scaling;
mod strategy;
mod target_tracking;
mod task_definition;
mod top;

use super::json_pos::{self, PositionIndex, Step, format_path};
use super::types::ScenarioFile;
use super::{Model, Scenario, defaults};
use crate::catalogue::instance_types::Catalogue;
use crate::error::Problem;
use std::collections::BTreeSet;
use std::path::Path;

/// Collects problems with their positions.
pub struct Ctx<'a> {
    file: &'a str,
    set_paths: &'a [(Vec<Step>, String)],
    index: &'a PositionIndex,
    /// Problems found so far.
    pub problems: Vec<Problem>,
    /// Providers that failed their own checks (strategies naming them are not reported again).
    failed_providers: BTreeSet<String>,
    /// The instance types the scenario can name (the built-in table with its `instanceTypes`):
    /// every check that resolves a type goes through it.
    types: Catalogue,
    /// `instanceTypes` entries that failed their own checks (a group or a price naming one is
    /// not reported again).
    failed_types: BTreeSet<String>,
}

/// A key step of a path.
fn k(s: &str) -> Step {
    Step::Key(s.to_string())
}
/// An index step of a path.
fn i(n: usize) -> Step {
    Step::Index(n)
}
/// `base` followed by `more`.
fn p(base: &[Step], more: &[Step]) -> Vec<Step> {
    let mut v = base.to_vec();
    v.extend_from_slice(more);
    v
}

impl<'a> Ctx<'a> {
    /// A context for `file`, starting with `problems` already found.
    pub fn new(
        file: &'a str,
        index: &'a PositionIndex,
        problems: Vec<Problem>,
        set_paths: &'a [(Vec<Step>, String)],
    ) -> Self {
        Ctx {
            file,
            set_paths,
            index,
            problems,
            failed_providers: BTreeSet::new(),
            types: Catalogue::builtin(),
            failed_types: BTreeSet::new(),
        }
    }

    /// A problem with the value at `path`.
    pub(crate) fn err(&mut self, path: &[Step], message: impl Into<String>) {
        self.err_at(path, 0, message);
    }

    /// A problem `offset` characters into the string value at `path` (e.g. a column inside a
    /// query expression); 0 points at the value itself.
    pub(crate) fn err_at(&mut self, path: &[Step], offset: usize, message: impl Into<String>) {
        if let Some(o) = super::from_set(self.set_paths, self.index, path) {
            self.problems.push(o.with(path, message.into()));
            return;
        }
        let pos = self
            .index
            .value(path)
            .map(|p| json_pos::Pos {
                line: p.line,
                column: p.column + offset,
            })
            .or_else(|| self.index.nearest(path));
        self.problems.push(Problem {
            file: self.file.to_string(),
            pos: pos.map(|p| (p.line, p.column)),
            path: format_path(path),
            message: message.into(),
        });
    }
}

/// Checks the whole file; returns the scenario when no problem was found.
pub fn check(spec: &ScenarioFile, ctx: &mut Ctx, base_dir: Option<&Path>) -> Option<Scenario> {
    let before = ctx.problems.len();
    let top = top::check(spec, ctx);
    let awsvpc_trunking = top::account_settings(spec, ctx);
    let fargate_vcpu_quota = top::service_quotas(spec, ctx);
    let base_model = Model::default().overlay(&spec.model);
    model::check(&spec.model, &[], ctx);
    ctx.types = instance_types::check(spec, ctx);
    let providers = providers::check(spec, &top.zones, ctx);
    let default_strategy = strategy::check_default(spec, &providers, ctx);
    let seed = spec.seed.unwrap_or(defaults::SEED);
    let env = shape::ShapeEnv {
        start_epoch_ms: top.start_epoch_ms,
        base_dir,
        seed,
    };
    let custom = custom_metrics::check(&spec.custom_metrics, &env, ctx);
    let known = services::Known {
        providers: &providers,
        default_strategy: default_strategy.as_deref(),
        base_model: &base_model,
        duration: top.duration,
        env: &env,
    };
    let (mut services, seen) = services::check(spec, &known, ctx);
    let scaling = auto_scaling::check_all(&spec.services, &seen, &custom, ctx);
    for (svc, a) in services.iter_mut().zip(scaling) {
        svc.auto_scaling = a;
    }
    let service_names: Vec<String> = spec
        .services
        .iter()
        .map(|s| s.service_name.clone())
        .collect();
    let faults = faults::check(&spec.faults, &providers, &top.zones, &service_names, ctx);
    let mut prices = pricing::check(spec.pricing.as_ref(), &top.region, &top.zones, ctx);
    instance_types::priced(spec, &prices, &top.region, ctx);
    prices.used = pricing::used(&providers, &services);
    (ctx.problems.len() == before).then(|| Scenario {
        name: spec.name.clone(),
        description: spec.description.clone().unwrap_or_default(),
        seed,
        duration: top.duration,
        start: top.start,
        region: top.region,
        zones: top.zones,
        providers,
        services,
        model: base_model,
        warnings: Vec::new(),
        base_dir: base_dir.map(Path::to_path_buf),
        start_epoch_ms: top.start_epoch_ms,
        custom_metrics: custom,
        faults,
        prices,
        awsvpc_trunking,
        fargate_vcpu_quota,
    })
}

#[cfg(test)]
mod tests {
    /// One mistake in (nearly) every part of a scenario, none hiding another: each checker's
    /// problem comes out where the driver calls it — the top level (zones, duration, start),
    /// `model`, the providers, the default strategy, `customMetrics`, then each service in turn
    /// (its scheduling strategy, per-service `model`, task definition, load balancer before
    /// load, placement, the fit against instance types, deployment configuration, deployments,
    /// ephemeral storage), the batch job streams after the services, `autoScaling` once every
    /// service is known, `faults`, `pricing`.
    const EVERY_PART: &str = r#"{
      "name": "every-part",
      "availabilityZones": ["us-east-1a", "us-east-1q"],
      "duration": "0s",
      "start": "2026-01-05T00:00:00",
      "model": {"registeredMemoryFraction": 2},
      "capacityProviders": [
        {"name": "FARGATE"},
        {"name": "ec2", "autoScalingGroupProvider": {"autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 3, "maxSize": 2}}},
        {"name": "grp", "autoScalingGroupProvider": {"autoScalingGroup": {"instanceTypes": ["m5.large"], "maxSize": 4, "zones": ["us-east-1a"]}}}
      ],
      "defaultCapacityProviderStrategy": [{"capacityProvider": "nope", "weight": 1}],
      "customMetrics": [{"Namespace": "AWS/Mine", "MetricName": "m", "Value": {"pattern": "constant", "rps": 1}}],
      "services": [
        {"serviceName": "web", "schedulingStrategy": "BATCH", "desiredCount": 1, "launchType": "EC2",
         "model": {"loadStep": "10s"},
         "taskDefinition": {"family": "web", "cpu": "256", "memory": "512"},
         "loadBalancer": {"healthCheck": {"intervalSeconds": 1}},
         "load": {"traffic": {"pattern": "constant", "rps": 10}, "perTask": {"maxRps": 0}},
         "placementStrategy": [{"type": "binpack", "field": "disk"}],
         "deploymentConfiguration": {"minimumHealthyPercent": 150},
         "deployments": [{"at": "1h", "failureProbability": 2}],
         "autoScaling": {"MinCapacity": 3, "MaxCapacity": 2}},
        {"serviceName": "api", "launchType": "EC2",
         "taskDefinition": {"family": "api", "cpu": "256", "memory": "512",
           "ephemeralStorage": {"sizeInGiB": 500},
           "containerDefinitions": [{"name": "c", "portMappings": [{"containerPort": 80, "hostPort": 70000}]}]},
         "placementConstraints": [{"type": "distinctInstance", "expression": "x"}]},
        {"serviceName": "web", "launchType": "EC2",
         "taskDefinition": {"family": "big", "cpu": "16384", "memory": "65536"}}
      ],
      "batchJobs": [{"name": "jobs", "launchType": "FARGATE",
         "taskDefinition": {"family": "jobs", "cpu": "256", "memory": "512"},
         "arrivals": {"process": "poisson", "perHour": 10},
         "runtime": {"distribution": "fixed", "value": "5m"},
         "onInterruption": "explode"}],
      "faults": [{"type": "zoneOutage", "zone": "us-east-1a"}],
      "pricing": {"fargate": {"ephemeralStorageGbHour": -1}}
    }"#;

    #[test]
    fn every_part_reports_in_the_drivers_order() {
        let Err(crate::error::Error::Invalid(problems)) =
            crate::scenario::load_str(EVERY_PART, "every.json", None, &[])
        else {
            panic!("the scenario is invalid");
        };
        let got: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect();
        // (path, the start of the message), in the order the checks run. Provider `ec2` fails
        // its own checks (minSize 3 > maxSize 2; desiredCapacity defaults to minSize, 3, also
        // outside), so the default strategy's unknown `nope` lists FARGATE and grp only. The
        // top-level registeredMemoryFraction 2 is refused but still overlaid, so m5.large's
        // 8,192 MiB register as floor(8192 × 2) = 16,384 in the fit message.
        let want = [
            (
                "availabilityZones[1]",
                "zone `us-east-1q` is not in region us-east-1",
            ),
            ("duration", "a duration of 0"),
            ("start", "`2026-01-05T00:00:00`: the UTC offset is missing"),
            ("model.registeredMemoryFraction", "2 is out of range"),
            (
                "capacityProviders[1].autoScalingGroupProvider.autoScalingGroup.minSize",
                "minSize 3 is above maxSize 2",
            ),
            (
                "capacityProviders[1].autoScalingGroupProvider.autoScalingGroup.desiredCapacity",
                "desiredCapacity 3 is outside [minSize 3, maxSize 2]",
            ),
            (
                "defaultCapacityProviderStrategy[0].capacityProvider",
                "unknown capacity provider `nope`: the scenario's providers are FARGATE, grp",
            ),
            (
                "customMetrics[0].Namespace",
                "namespace `AWS/Mine` is reserved",
            ),
            (
                "services[0].schedulingStrategy",
                "schedulingStrategy `BATCH` is not valid: expected REPLICA or DAEMON",
            ),
            ("services[0].model.loadStep", "`loadStep` is cluster-wide"),
            (
                "services[0].loadBalancer.healthCheck.intervalSeconds",
                "intervalSeconds 1 is out of range",
            ),
            (
                "services[0].load.perTask.maxRps",
                "maxRps 0 is out of range",
            ),
            (
                "services[0].placementStrategy[0].field",
                "binpack field `disk` is not valid",
            ),
            (
                "services[0].deploymentConfiguration.minimumHealthyPercent",
                "minimumHealthyPercent 150 is out of range",
            ),
            (
                "services[0].deployments[0].failureProbability",
                "failureProbability 2 is out of range",
            ),
            (
                "services[1].taskDefinition.containerDefinitions[0].portMappings[0].hostPort",
                "host port 70000 is out of range",
            ),
            (
                "services[1].placementConstraints[0].expression",
                "distinctInstance takes no expression",
            ),
            (
                "services[1].taskDefinition.ephemeralStorage.sizeInGiB",
                "sizeInGiB 500 is out of range",
            ),
            ("services[2].serviceName", "duplicate name `web`"),
            (
                "services[2].taskDefinition",
                "the task (16384 CPU units, 65536 MiB, 0 GPUs) is larger than every instance type \
                 its providers can launch: m5.large (2048 CPU units, 16384 MiB",
            ),
            (
                "batchJobs[0].onInterruption",
                "unknown onInterruption `explode`",
            ),
            (
                "services[0].autoScaling.MinCapacity",
                "MinCapacity 3 is above MaxCapacity 2",
            ),
            ("faults[0]", "a zoneOutage fault needs `at` and `duration`"),
            (
                "pricing.fargate.ephemeralStorageGbHour",
                "price -1 is out of range",
            ),
        ];
        assert_eq!(got.len(), want.len(), "{got:#?}");
        for ((gp, gm), (wp, wm)) in got.iter().zip(want) {
            assert_eq!(*gp, wp);
            assert!(
                gm.starts_with(wm),
                "{gp}: `{gm}` does not start with `{wm}`"
            );
        }
    }
}
