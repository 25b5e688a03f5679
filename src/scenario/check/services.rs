//! `services` and `batchJobs` as a whole (docs/scenario-reference.md §2.4, §2.14): the order in
//! which a service's parts are checked, where its tasks run, and the checked [`Service`]. A batch
//! job stream is checked (and simulated) as a service that keeps no count.

use super::shape::ShapeEnv;
use super::task_definition::{self, TaskSize};
use super::{
    Ctx, batch_jobs, deployments, health, k, load, load_balancer, model, p, placement, strategy,
};
use crate::catalogue::instance_types::InstanceType;
use crate::engine::Millis;
use crate::placement::{Constraint, Strategy};
use crate::scenario::json_pos::Step;
use crate::scenario::limits::{MAX_DESIRED, MAX_JOB_STREAMS, MAX_SERVICES};
use crate::scenario::types::{BatchJobSpec, LaunchType, ScenarioFile, ServiceSpec};
use crate::scenario::{
    Load, LoadBalancer, Model, Provider, ProviderKind, Service, ServiceCapacity, StrategyItem,
    defaults,
};
use std::collections::BTreeSet;

/// What a service's checks need of the parts checked before the services.
pub(super) struct Known<'a> {
    /// The checked capacity providers.
    pub providers: &'a [Provider],
    /// The checked `defaultCapacityProviderStrategy` (None: empty or with a problem).
    pub default_strategy: Option<&'a [StrategyItem]>,
    /// The top-level `model` over the defaults.
    pub base_model: &'a Model,
    /// The run's length, ms.
    pub duration: Millis,
    /// What load shapes are built with.
    pub env: &'a ShapeEnv<'a>,
}

/// One service or job stream as metric resolution sees it (every one, checked or not).
pub(super) struct Seen {
    /// `serviceName` (a job stream's `name`).
    pub name: String,
    /// Its checked load.
    pub load: Option<Load>,
    /// Its checked load balancer.
    pub load_balancer: Option<LoadBalancer>,
    /// True when its load or load balancer could not be checked because of problems already
    /// reported (its strategy, task definition or load).
    pub unchecked: bool,
}

/// Per valid job stream: its arrivals' path, peak rate (jobs/s) and jobs over the run.
pub(super) type JobVolume = (Vec<Step>, f64, f64);

/// Checks every service, then every batch job stream, then the streams' volume together.
/// Returns the checked services (jobs after them) and what metric resolution sees of each.
pub(super) fn check(
    spec: &ScenarioFile,
    known: &Known,
    ctx: &mut Ctx,
) -> (Vec<Service>, Vec<Seen>) {
    if spec.batch_jobs.len() > MAX_JOB_STREAMS {
        ctx.err(
            &[k("batchJobs")],
            format!(
                "{} batch job streams: above the quota of {MAX_JOB_STREAMS} (AWS Batch: job queues per Region)",
                spec.batch_jobs.len()
            ),
        );
    }
    if spec.services.len() > MAX_SERVICES {
        ctx.err(
            &[k("services")],
            format!(
                "{} services: above the quota of {MAX_SERVICES} services per cluster; \
                 split the scenario or remove services",
                spec.services.len()
            ),
        );
    }
    let specs: Vec<(ServiceSpec, Vec<Step>, Option<&BatchJobSpec>)> = spec
        .services
        .iter()
        .enumerate()
        .map(|(n, s)| (s.clone(), vec![k("services"), super::i(n)], None))
        .chain(spec.batch_jobs.iter().enumerate().map(|(n, b)| {
            (
                batch_jobs::as_service(b),
                vec![k("batchJobs"), super::i(n)],
                Some(b),
            )
        }))
        .collect();
    let mut services = Vec::new();
    let mut seen = Vec::new();
    let mut names = BTreeSet::new();
    let mut job_volume: Vec<JobVolume> = Vec::new();
    for (s, sp, job_spec) in &specs {
        let one = One {
            spec,
            s,
            sp,
            job_spec: *job_spec,
        };
        let (svc, sn) = one.check(known, &mut names, &mut job_volume, ctx);
        seen.push(sn);
        services.extend(svc);
    }
    batch_jobs::check_volume(&job_volume, ctx);
    (services, seen)
}

/// One service (or job stream seen as one) being checked.
struct One<'a> {
    spec: &'a ScenarioFile,
    s: &'a ServiceSpec,
    sp: &'a [Step],
    job_spec: Option<&'a BatchJobSpec>,
}

impl One<'_> {
    /// Checks the service's parts in order (its name against `names`, those seen so far); the
    /// service when none has a problem.
    fn check(
        &self,
        known: &Known,
        names: &mut BTreeSet<String>,
        job_volume: &mut Vec<JobVolume>,
        ctx: &mut Ctx,
    ) -> (Option<Service>, Seen) {
        let (s, sp) = (self.s, self.sp);
        let sbefore = ctx.problems.len();
        if !names.insert(s.service_name.clone()) {
            let (key, what) = if self.job_spec.is_some() {
                ("name", "a service or batch job")
            } else {
                ("serviceName", "a service")
            };
            ctx.err(
                &p(sp, &[k(key)]),
                format!("duplicate name `{}`: {what} already has it", s.service_name),
            );
        }
        let daemon = self.daemon(ctx);
        // A DAEMON service's count is the number of instances it runs on, set as they come.
        let desired = if daemon {
            0
        } else {
            s.desired_count.unwrap_or(0)
        };
        if desired > MAX_DESIRED {
            ctx.err(
                &p(sp, &[k("desiredCount")]),
                format!(
                    "desiredCount {desired} is above the quota of {MAX_DESIRED} tasks per service"
                ),
            );
        }
        model::check(&s.model, sp, ctx);
        model::refuse_cluster_wide(&s.model, sp, ctx);
        let tp = p(sp, &[k("taskDefinition")]);
        let Some(capacity) = self.capacity(known, ctx) else {
            // Where the tasks run is unknown, but the parts that do not depend on it are still
            // checked, so that their problems come in the same pass (the Fargate-only checks
            // wait until the strategy is right).
            if let Some(z) = task_definition::check(&s.task_definition, &tp, false, ctx) {
                let _ = self.load(&z, known, ctx);
            }
            if let Some(b) = self.job_spec {
                let _ = batch_jobs::check(b, sp, known.env, ctx);
            }
            let _ = placement::check(s, sp, ctx);
            return (None, self.seen(None, None, true));
        };
        let on_fargate = match &capacity {
            ServiceCapacity::LaunchType(l) => *l == LaunchType::Fargate,
            ServiceCapacity::Strategy(items) => {
                known.providers[items[0].provider].kind.is_fargate()
            }
        };
        let asg_types = asg_types(&capacity, known.providers);
        if capacity == ServiceCapacity::LaunchType(LaunchType::Ec2)
            && asg_types.is_empty()
            && ctx.failed_providers.is_empty()
        {
            ctx.err(
                sp,
                "the service runs on EC2 (launchType EC2, or no strategy and no default strategy) but the cluster has no Auto Scaling group provider: add one, or use FARGATE",
            );
        }
        let size = task_definition::check(&s.task_definition, &tp, on_fargate, ctx);
        let before_load = ctx.problems.len();
        let (load, lb) = match &size {
            Some(z) => self.load(z, known, ctx),
            None => (None, None),
        };
        let load_unchecked = size.is_none() || ctx.problems.len() > before_load;
        let job = self
            .job_spec
            .and_then(|b| batch_jobs::check(b, sp, known.env, ctx));
        if let Some(j) = &job {
            job_volume.push((
                p(sp, &[k("arrivals")]),
                j.arrivals.peak_per_second(),
                j.arrivals.expected_before(known.duration),
            ));
        }
        let (chain, constraints) = self.placement(on_fargate, ctx);
        let model = known.base_model.overlay(&s.model);
        if let Some(size) = &size
            && !on_fargate
            && !asg_types.is_empty()
        {
            task_definition::check_fit(size, &asg_types, &model, &tp, ctx);
        }
        let (max_percent, min_healthy) = deployments::configuration(s, sp, daemon, ctx);
        let seen = self.seen(load.clone(), lb.clone(), load_unchecked);
        let deployments = deployments::check(s, sp, ctx);
        let circuit_breaker = deployments::circuit_breaker(s, sp, ctx);
        let storage = task_definition::ephemeral_storage(&s.task_definition, &tp, ctx);
        let grace_s = health::grace_period(s, sp, ctx);
        let Some(size) = size else {
            return (None, seen);
        };
        if ctx.problems.len() > sbefore || (self.job_spec.is_some() && job.is_none()) {
            return (None, seen);
        }
        let health = health::Health::new(
            size.health_checks,
            lb.as_ref(),
            grace_s,
            model.healthy_after_running,
        );
        let service = Service {
            name: s.service_name.clone(),
            family: s.task_definition.family.clone(),
            resources: size.resources,
            memory_metric: size.memory_metric,
            ephemeral_storage_gib: storage,
            host_ports: size.ports,
            network_mode: size.network_mode,
            arch: size.arch,
            desired,
            capacity,
            chain,
            constraints,
            max_percent,
            min_healthy_percent: min_healthy,
            circuit_breaker,
            model,
            load,
            load_balancer: lb,
            health,
            auto_scaling: None,
            job,
            deployments,
            daemon,
        };
        (Some(service), seen)
    }

    /// Whether the service is a DAEMON service (`schedulingStrategy`), with the parts AWS
    /// refuses for one refused: a capacity provider strategy (its own or the cluster's
    /// default), Fargate, a placement strategy, Service Auto Scaling; and the parts ecsim does
    /// not model for one (`load`, `deployments`).
    fn daemon(&self, ctx: &mut Ctx) -> bool {
        let (s, sp) = (self.s, self.sp);
        match s.scheduling_strategy.as_deref() {
            None | Some("REPLICA") => return false,
            Some("DAEMON") => {}
            Some(other) => {
                ctx.err(
                    &p(sp, &[k("schedulingStrategy")]),
                    format!(
                        "schedulingStrategy `{other}` is not valid: expected REPLICA or DAEMON"
                    ),
                );
                return false;
            }
        }
        // AWS's CreateService error, word for word.
        const NO_STRATEGY: &str = "Specifying a capacity provider strategy is not supported when you create a service using the DAEMON scheduling strategy";
        if s.capacity_provider_strategy.is_some() {
            ctx.err(
                &p(sp, &[k("capacityProviderStrategy")]),
                format!("{NO_STRATEGY} (AWS's error): remove it and set \"launchType\": \"EC2\""),
            );
        } else if s.launch_type.is_none()
            && !self.spec.default_capacity_provider_strategy.is_empty()
        {
            ctx.err(
                &p(sp, &[k("schedulingStrategy")]),
                format!("{NO_STRATEGY} (AWS's error; the cluster's defaultCapacityProviderStrategy would apply to this service): set \"launchType\": \"EC2\""),
            );
        }
        if s.launch_type == Some(LaunchType::Fargate) {
            ctx.err(
                &p(sp, &[k("launchType")]),
                "tasks using the Fargate launch type don't support the DAEMON scheduling strategy (AWS): use \"EC2\"",
            );
        }
        if s.placement_strategy.is_some() {
            ctx.err(
                &p(sp, &[k("placementStrategy")]),
                "a DAEMON service takes no placement strategy (one task goes on each instance): remove it; placementConstraints choose the instances",
            );
        }
        if s.auto_scaling.is_some() {
            ctx.err(
                &p(sp, &[k("autoScaling")]),
                "a DAEMON service takes no Service Auto Scaling (its count is the number of instances it runs on): remove autoScaling",
            );
        }
        if s.load.is_some() {
            ctx.err(
                &p(sp, &[k("load")]),
                "load on a DAEMON service is not modelled: remove it (a daemon's tasks reserve their CPU and memory and serve no traffic)",
            );
        }
        if !s.deployments.is_empty() {
            ctx.err(
                &p(sp, &[k("deployments")]),
                "deployments of a DAEMON service are not modelled: remove them",
            );
        }
        true
    }

    /// Where the service's tasks run: its launch type, its strategy, or the cluster's default
    /// (EC2 when that is empty); None when that has a problem.
    fn capacity(&self, known: &Known, ctx: &mut Ctx) -> Option<ServiceCapacity> {
        let (s, sp) = (self.s, self.sp);
        match (&s.launch_type, &s.capacity_provider_strategy) {
            (Some(_), Some(_)) => {
                ctx.err(
                    &p(sp, &[k("launchType")]),
                    "a service takes either launchType or capacityProviderStrategy, not both",
                );
                None
            }
            (Some(l), None) => Some(ServiceCapacity::LaunchType(*l)),
            (None, Some(items)) => strategy::check(
                items,
                &p(sp, &[k("capacityProviderStrategy")]),
                known.providers,
                ctx,
            )
            .map(ServiceCapacity::Strategy),
            (None, None) => match known.default_strategy {
                Some(d) => Some(ServiceCapacity::Strategy(d.to_vec())),
                None if self.spec.default_capacity_provider_strategy.is_empty() => {
                    Some(ServiceCapacity::LaunchType(LaunchType::Ec2))
                }
                None => None,
            },
        }
    }

    /// The placement strategy chain and constraints (refused on Fargate).
    fn placement(&self, on_fargate: bool, ctx: &mut Ctx) -> (Vec<Strategy>, Vec<Constraint>) {
        let s = self.s;
        let (mut chain, constraints) = placement::check(s, self.sp, ctx);
        if self.job_spec.is_some() && s.placement_strategy.is_none() {
            // A standalone task (RunTask) with no strategy is placed at random (aws-behaviour §4).
            chain = defaults::task_placement_chain();
        }
        if on_fargate && (s.placement_strategy.is_some() || !s.placement_constraints.is_empty()) {
            ctx.err(
                self.sp,
                "placementStrategy and placementConstraints do not apply to Fargate (Fargate balances tasks over zones): remove them",
            );
        }
        (chain, constraints)
    }

    /// The service's load balancer, then its load (`memory_metric` MiB a task).
    fn load(
        &self,
        size: &TaskSize,
        known: &Known,
        ctx: &mut Ctx,
    ) -> (Option<Load>, Option<LoadBalancer>) {
        let lb = load_balancer::check(self.s, self.sp, ctx);
        let load = load::check(self.s, self.sp, size.memory_metric, known.env, ctx);
        (load, lb)
    }

    fn seen(&self, load: Option<Load>, lb: Option<LoadBalancer>, unchecked: bool) -> Seen {
        Seen {
            name: self.s.service_name.clone(),
            load,
            load_balancer: lb,
            unchecked,
        }
    }
}

/// Instance types the service's tasks can land on: a group launches its first listed type (a
/// mixed group too, at start and when managed scaling adds instances).
fn asg_types(capacity: &ServiceCapacity, providers: &[Provider]) -> Vec<&'static InstanceType> {
    let first = |p: &Provider| match &p.kind {
        ProviderKind::Asg(a) => a.instance_types.first().copied(),
        _ => None,
    };
    match capacity {
        ServiceCapacity::LaunchType(LaunchType::Ec2) => {
            providers.iter().filter_map(first).collect()
        }
        ServiceCapacity::LaunchType(LaunchType::Fargate) => Vec::new(),
        ServiceCapacity::Strategy(items) => items
            .iter()
            .filter_map(|it| first(&providers[it.provider]))
            .collect(),
    }
}
