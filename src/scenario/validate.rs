//! Semantic checks: turns a deserialized [`ScenarioFile`] into a checked [`Scenario`],
//! recording every problem (with its path and position) rather than stopping at the first.

use super::json_pos::{self, PositionIndex, Step, format_path};
use super::limits::*;
use super::load::{self, Load, LoadBalancer, ShapeEnv};
use super::types::*;
use super::{
    Asg, ManagedScaling, Model, Provider, ProviderKind, Scenario, Service, ServiceCapacity,
    StrategyItem, suggest,
};
use crate::error::Problem;
use crate::model::instance_types::{self, Arch};
use crate::model::{fargate, regions};
use crate::placement::{self, Constraint, Strategy, query};
use std::collections::BTreeSet;
use std::path::Path;

/// The default start: a Monday.
pub const DEFAULT_START: &str = "2026-01-05T00:00:00Z";
/// The default simulated length.
pub const DEFAULT_DURATION_S: u64 = 6 * 3600;

/// Collects problems with their positions.
pub struct Ctx<'a> {
    file: &'a str,
    set_paths: &'a [(Vec<Step>, String)],
    index: &'a PositionIndex,
    /// Problems found so far.
    pub problems: Vec<Problem>,
    /// Providers that failed their own checks (strategies naming them are not reported again).
    failed_providers: BTreeSet<String>,
}

fn k(s: &str) -> Step {
    Step::Key(s.to_string())
}
fn i(n: usize) -> Step {
    Step::Index(n)
}
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
        }
    }

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

fn check_model(spec: &ModelSpec, base: &[Step], ctx: &mut Ctx) {
    let m = p(base, &[k("model")]);
    if let Some(d) = spec.load_step {
        let ms = d.millis();
        if ms == 0 || 20_000 % ms != 0 || ms % 1000 != 0 {
            ctx.err(
                &p(&m, &[k("loadStep")]),
                format!(
                    "loadStep {} ms does not divide the 20-second metric period: expected 1s, 2s, 4s, 5s, 10s (the default) or 20s",
                    ms
                ),
            );
        }
    }
    for (key, d) in [
        ("metricPublicationDelay", spec.metric_publication_delay),
        (
            "highResolutionMetricDelay",
            spec.high_resolution_metric_delay,
        ),
        ("clusterMetricDelay", spec.cluster_metric_delay),
    ] {
        if let Some(d) = d
            && d.millis() > 3_600_000
        {
            ctx.err(
                &p(&m, &[k(key)]),
                format!(
                    "{key} of {} s is out of range: expected 0 to 3600 seconds",
                    d.millis() / 1000
                ),
            );
        }
    }
    if let Some(f) = spec.registered_memory_fraction
        && !(f > 0.0 && f <= 1.0)
    {
        ctx.err(
            &p(&m, &[k("registeredMemoryFraction")]),
            format!(
                "{f} is out of range: expected a fraction above 0 and at most 1 (default 0.975)"
            ),
        );
    }
    let delays = [
        ("fargateProvisioning", spec.fargate_provisioning),
        ("fargateImagePull", spec.fargate_image_pull),
        ("ec2ImagePullCold", spec.ec2_image_pull_cold),
        ("ec2ImagePullWarm", spec.ec2_image_pull_warm),
        ("taskStopDuration", spec.task_stop_duration),
        ("instanceLaunch", spec.instance_launch),
    ];
    for (name, d) in delays {
        if let Some(d) = d
            && let Err(e) = d.check()
        {
            ctx.err(&p(&m, &[k(name)]), e);
        }
    }
    let positive = [
        (
            "serviceLaunchRateFargatePerMinute",
            spec.service_launch_rate_fargate_per_minute,
        ),
        (
            "serviceLaunchRateEc2PerMinute",
            spec.service_launch_rate_ec2_per_minute,
        ),
        ("fargateLaunchBurst", spec.fargate_launch_burst),
        (
            "provisioningTasksPerCluster",
            spec.provisioning_tasks_per_cluster,
        ),
    ];
    for (name, v) in positive {
        if v == Some(0) {
            ctx.err(
                &p(&m, &[k(name)]),
                "0 would stop every launch: expected at least 1",
            );
        }
    }
    if let Some(r) = spec.fargate_launch_per_second {
        if !(r > 0.0 && r.is_finite()) {
            ctx.err(
                &p(&m, &[k("fargateLaunchPerSecond")]),
                format!("{r} is out of range: expected a rate above 0 (default 20)"),
            );
        } else if r > MAX_FARGATE_LAUNCH_PER_SECOND {
            ctx.err(
                &p(&m, &[k("fargateLaunchPerSecond")]),
                above(
                    "fargateLaunchPerSecond",
                    r,
                    "limit",
                    MAX_FARGATE_LAUNCH_PER_SECOND,
                    "launches per second",
                ),
            );
        }
    }
}

fn check_strategy(
    items: &[StrategyItemSpec],
    path: &[Step],
    providers: &[Provider],
    ctx: &mut Ctx,
) -> Option<Vec<StrategyItem>> {
    let before = ctx.problems.len();
    let mut hidden = false;
    if items.is_empty() {
        ctx.err(
            path,
            "an empty capacity provider strategy: name at least one provider",
        );
        return None;
    }
    if items.len() > MAX_STRATEGY_ITEMS {
        ctx.err(
            path,
            format!(
                "{} providers in one strategy: at most {MAX_STRATEGY_ITEMS} are allowed",
                items.len()
            ),
        );
    }
    let names: Vec<&str> = providers.iter().map(|p| p.name.as_str()).collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (n, it) in items.iter().enumerate() {
        let ip = p(path, &[i(n)]);
        let Some(idx) = names.iter().position(|x| *x == it.capacity_provider) else {
            if ctx.failed_providers.contains(&it.capacity_provider) {
                // Already reported where the provider is defined.
                hidden = true;
                continue;
            }
            let hint = suggest::did_you_mean(&it.capacity_provider, &names)
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            ctx.err(
                &p(&ip, &[k("capacityProvider")]),
                format!(
                    "unknown capacity provider `{}`: {hint}the scenario's providers are {}",
                    it.capacity_provider,
                    if names.is_empty() {
                        "none (add it to capacityProviders)".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            );
            continue;
        };
        if !seen.insert(idx) {
            ctx.err(
                &p(&ip, &[k("capacityProvider")]),
                format!("`{}` appears twice in the strategy", it.capacity_provider),
            );
        }
        let base = it.base.unwrap_or(0);
        let weight = it.weight.unwrap_or(0);
        if base > 100_000 {
            ctx.err(
                &p(&ip, &[k("base")]),
                format!("base {base} is out of range: expected 0 to 100000"),
            );
        }
        if weight > 1_000 {
            ctx.err(
                &p(&ip, &[k("weight")]),
                format!("weight {weight} is out of range: expected 0 to 1000"),
            );
        }
        out.push(StrategyItem {
            provider: idx,
            base,
            weight,
        });
    }
    let with_base = out.iter().filter(|s| s.base > 0).count();
    if with_base > 1 {
        ctx.err(
            path,
            format!(
                "{with_base} providers have a base: only one provider in a strategy may have a base"
            ),
        );
    }
    if !out.is_empty() && out.iter().all(|s| s.weight == 0) {
        ctx.err(
            path,
            "every weight is 0: at least one provider needs a weight above 0 (weights default to 0 when omitted)",
        );
    }
    let fargate = out
        .iter()
        .filter(|s| providers[s.provider].kind.is_fargate())
        .count();
    if fargate > 0 && fargate < out.len() {
        ctx.err(
            path,
            "FARGATE/FARGATE_SPOT and Auto Scaling group providers cannot be mixed in one strategy: use one kind",
        );
    }
    (ctx.problems.len() == before && !hidden).then_some(out)
}

fn check_providers(spec: &ScenarioFile, zones: &[String], ctx: &mut Ctx) -> Vec<Provider> {
    let mut out = Vec::new();
    let mut names = BTreeSet::new();
    let cp = [k("capacityProviders")];
    if spec.capacity_providers.len() > MAX_PROVIDERS {
        ctx.err(
            &cp,
            format!(
                "{} capacity providers: a cluster may have at most {MAX_PROVIDERS}",
                spec.capacity_providers.len()
            ),
        );
    }
    let mut instances_max = 0u64;
    for (n, c) in spec.capacity_providers.iter().enumerate() {
        let pp = p(&cp, &[i(n)]);
        if !names.insert(c.name.clone()) {
            ctx.err(
                &p(&pp, &[k("name")]),
                format!("duplicate capacity provider name `{}`", c.name),
            );
        }
        let kind = match (c.name.as_str(), &c.auto_scaling_group_provider) {
            ("FARGATE", None) => ProviderKind::Fargate,
            ("FARGATE_SPOT", None) => ProviderKind::FargateSpot,
            ("FARGATE" | "FARGATE_SPOT", Some(_)) => {
                ctx.err(
                    &p(&pp, &[k("autoScalingGroupProvider")]),
                    format!("`{}` is a reserved Fargate provider and takes no Auto Scaling group: rename the provider", c.name),
                );
                ctx.failed_providers.insert(c.name.clone());
                continue;
            }
            (_, None) => {
                ctx.err(
                    &pp,
                    format!("provider `{}` needs an autoScalingGroupProvider (only FARGATE and FARGATE_SPOT come without one)", c.name),
                );
                ctx.failed_providers.insert(c.name.clone());
                continue;
            }
            (_, Some(a)) => match check_asg(a, &pp, zones, ctx) {
                Some(asg) => {
                    instances_max += u64::from(asg.max_size);
                    ProviderKind::Asg(asg)
                }
                None => {
                    ctx.failed_providers.insert(c.name.clone());
                    continue;
                }
            },
        };
        if c.name.is_empty() || c.name.len() > 255 {
            ctx.err(
                &p(&pp, &[k("name")]),
                "a provider name has 1 to 255 characters",
            );
        }
        out.push(Provider {
            name: c.name.clone(),
            kind,
        });
    }
    if instances_max > u64::from(MAX_INSTANCES) {
        ctx.err(
            &cp,
            format!("the groups' maxSize add up to {instances_max} instances: a cluster holds at most {MAX_INSTANCES} container instances"),
        );
    }
    out
}

fn check_asg(a: &AsgProviderSpec, pp: &[Step], zones: &[String], ctx: &mut Ctx) -> Option<Asg> {
    let before = ctx.problems.len();
    let gp = p(pp, &[k("autoScalingGroupProvider"), k("autoScalingGroup")]);
    let g = &a.auto_scaling_group;
    let mut types = Vec::new();
    if g.instance_types.is_empty() {
        ctx.err(
            &p(&gp, &[k("instanceTypes")]),
            "no instance types: name at least one, e.g. [\"m5.large\"]",
        );
    }
    let known = instance_types::names();
    for (n, t) in g.instance_types.iter().enumerate() {
        match instance_types::lookup(t) {
            Some(it) => types.push(it),
            None => {
                let hint = suggest::did_you_mean(t, &known)
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                ctx.err(
                    &p(&gp, &[k("instanceTypes"), i(n)]),
                    format!(
                        "unknown instance type `{t}`: {hint}known types: {}",
                        known.join(", ")
                    ),
                );
            }
        }
    }
    let min = g.min_size.unwrap_or(0);
    let desired = g.desired_capacity.unwrap_or(min);
    if min > g.max_size {
        ctx.err(
            &p(&gp, &[k("minSize")]),
            format!("minSize {min} is above maxSize {}", g.max_size),
        );
    }
    if desired < min || desired > g.max_size {
        ctx.err(
            &p(&gp, &[k("desiredCapacity")]),
            format!(
                "desiredCapacity {desired} is outside [minSize {min}, maxSize {}]",
                g.max_size
            ),
        );
    }
    let mut zidx = Vec::new();
    match &g.zones {
        None => zidx.extend(0..zones.len()),
        Some(list) => {
            if list.is_empty() {
                ctx.err(
                    &p(&gp, &[k("zones")]),
                    "an empty zone list: omit it to use every scenario zone",
                );
            }
            for (n, z) in list.iter().enumerate() {
                match zones.iter().position(|x| x == z) {
                    Some(ix) => zidx.push(ix),
                    None => ctx.err(
                        &p(&gp, &[k("zones"), i(n)]),
                        format!(
                            "zone `{z}` is not one of the scenario's availabilityZones ({})",
                            zones.join(", ")
                        ),
                    ),
                }
            }
        }
    }
    let ms = match &a.managed_scaling {
        None => None,
        Some(m) => {
            let mp = p(pp, &[k("autoScalingGroupProvider"), k("managedScaling")]);
            let tc = m.target_capacity.unwrap_or(100);
            let min_step = m.minimum_scaling_step_size.unwrap_or(1);
            let max_step = m.maximum_scaling_step_size.unwrap_or(10_000);
            let warm = m.instance_warmup_period.unwrap_or(300);
            if !(1..=100).contains(&tc) {
                ctx.err(
                    &p(&mp, &[k("targetCapacity")]),
                    format!("targetCapacity {tc} is out of range: expected 1 to 100"),
                );
            }
            if !(1..=10_000).contains(&min_step) {
                ctx.err(
                    &p(&mp, &[k("minimumScalingStepSize")]),
                    format!(
                        "minimumScalingStepSize {min_step} is out of range: expected 1 to 10000"
                    ),
                );
            }
            if !(1..=10_000).contains(&max_step) {
                ctx.err(
                    &p(&mp, &[k("maximumScalingStepSize")]),
                    format!(
                        "maximumScalingStepSize {max_step} is out of range: expected 1 to 10000"
                    ),
                );
            }
            if min_step > max_step {
                ctx.err(&p(&mp, &[k("minimumScalingStepSize")]), format!("minimumScalingStepSize {min_step} is above maximumScalingStepSize {max_step}"));
            }
            if warm > 10_000 {
                ctx.err(
                    &p(&mp, &[k("instanceWarmupPeriod")]),
                    format!(
                        "instanceWarmupPeriod {warm} is out of range: expected 0 to 10000 seconds"
                    ),
                );
            }
            (m.status != Some(EnabledDisabled::Disabled)).then_some(ManagedScaling {
                target_capacity: tc,
                min_step,
                max_step,
                warmup_s: warm,
            })
        }
    };
    (ctx.problems.len() == before).then(|| Asg {
        instance_types: types,
        purchase: g.purchase_option.unwrap_or(PurchaseOption::OnDemand),
        min_size: min,
        max_size: g.max_size,
        desired,
        zones: zidx,
        attributes: g.attributes.clone(),
        managed_scaling: ms,
        termination_protection: a.managed_termination_protection == Some(EnabledDisabled::Enabled),
        draining: a.managed_draining != Some(EnabledDisabled::Disabled),
    })
}

struct TaskSize {
    cpu: u32,
    memory: u32,
    /// The memory utilisation denominator: the containers' memoryReservation (or memory) when
    /// any container sets memoryReservation, else the reserved memory.
    memory_metric: u32,
    gpus: u32,
    ports: Vec<u16>,
    arch: Option<Arch>,
}

fn check_task(
    td: &TaskDefinitionSpec,
    tp: &[Step],
    fargate: bool,
    ctx: &mut Ctx,
) -> Option<TaskSize> {
    let before = ctx.problems.len();
    let cpu = match &td.cpu {
        Some(c) => super::units::cpu_units(c)
            .map_err(|e| ctx.err(&p(tp, &[k("cpu")]), e))
            .ok(),
        None => None,
    };
    let memory = match &td.memory {
        Some(m) => super::units::memory_mib(m)
            .map_err(|e| ctx.err(&p(tp, &[k("memory")]), e))
            .ok(),
        None => None,
    };
    if td.container_definitions.len() > MAX_CONTAINERS {
        ctx.err(
            &p(tp, &[k("containerDefinitions")]),
            format!(
                "{} containers: a task definition holds at most {MAX_CONTAINERS}",
                td.container_definitions.len()
            ),
        );
    }
    let mut c_cpu = 0u32;
    let mut c_mem = 0u32;
    let mut gpus = 0u32;
    let mut ports = Vec::new();
    for (n, c) in td.container_definitions.iter().enumerate() {
        let cp = p(tp, &[k("containerDefinitions"), i(n)]);
        c_cpu = c_cpu.saturating_add(c.cpu.unwrap_or(0));
        c_mem = c_mem.saturating_add(c.memory_reservation.or(c.memory).unwrap_or(0));
        if let (Some(h), Some(s)) = (c.memory, c.memory_reservation)
            && s > h
        {
            ctx.err(
                &p(&cp, &[k("memoryReservation")]),
                format!("memoryReservation {s} is above the hard limit memory {h}"),
            );
        }
        for (m, pm) in c.port_mappings.iter().enumerate() {
            if let Some(h) = pm.host_port
                && h != 0
            {
                if h > 65_535 {
                    ctx.err(
                        &p(&cp, &[k("portMappings"), i(m), k("hostPort")]),
                        format!("host port {h} is out of range: expected 1 to 65535"),
                    );
                } else if ports.contains(&(h as u16)) {
                    ctx.err(
                        &p(&cp, &[k("portMappings"), i(m), k("hostPort")]),
                        format!("host port {h} is mapped twice in one task"),
                    );
                } else {
                    ports.push(h as u16);
                }
            }
        }
        for (m, r) in c.resource_requirements.iter().enumerate() {
            let rp = p(&cp, &[k("resourceRequirements"), i(m)]);
            match r.kind.as_str() {
                "GPU" => match r.value.0.trim().parse::<u32>() {
                    Ok(g) if g > 0 => gpus = gpus.saturating_add(g),
                    _ => ctx.err(&p(&rp, &[k("value")]), format!("`{}` is not a GPU count: expected a whole number above 0", r.value.0)),
                },
                "InferenceAccelerator" => {}
                other => ctx.err(&p(&rp, &[k("type")]), format!("unknown resource requirement type `{other}`: expected GPU or InferenceAccelerator")),
            }
        }
    }
    let cpu = cpu.unwrap_or(c_cpu);
    let memory = match memory {
        Some(m) => m,
        None if c_mem > 0 => c_mem,
        None => {
            if ctx.problems.len() == before {
                ctx.err(tp, "the task needs memory: set taskDefinition.memory or each container's memory / memoryReservation");
            }
            0
        }
    };
    let arch = match td
        .runtime_platform
        .as_ref()
        .and_then(|r| r.cpu_architecture.as_deref())
    {
        None => None,
        Some("X86_64") => Some(Arch::X86_64),
        Some("ARM64") => Some(Arch::Arm64),
        Some(other) => {
            ctx.err(
                &p(tp, &[k("runtimePlatform"), k("cpuArchitecture")]),
                format!("unknown CPU architecture `{other}`: expected X86_64 or ARM64"),
            );
            None
        }
    };
    if fargate {
        match (&td.cpu, &td.memory) {
            (Some(_), Some(_)) => {
                if ctx.problems.len() == before
                    && let Err(e) = fargate::check_size(cpu, memory)
                {
                    // An invalid CPU size is the cpu's fault; a memory size that does not go
                    // with a valid CPU size, the memory's.
                    let key = if fargate::valid_memory(cpu).is_none() {
                        "cpu"
                    } else {
                        "memory"
                    };
                    ctx.err(&p(tp, &[k(key)]), e);
                }
            }
            _ => ctx.err(tp, "a Fargate task needs task-level cpu and memory (e.g. \"cpu\": \"256\", \"memory\": \"512\")"),
        }
        if gpus > 0 {
            ctx.err(
                tp,
                "Fargate does not offer GPUs: run GPU tasks on an Auto Scaling group provider",
            );
        }
        if !td.requires_compatibilities.is_empty()
            && !td.requires_compatibilities.iter().any(|c| c == "FARGATE")
        {
            ctx.err(
                &p(tp, &[k("requiresCompatibilities")]),
                "the service runs on Fargate but requiresCompatibilities does not include FARGATE",
            );
        }
    }
    let any_reservation = td
        .container_definitions
        .iter()
        .any(|c| c.memory_reservation.is_some());
    (ctx.problems.len() == before).then_some(TaskSize {
        cpu,
        memory,
        memory_metric: if any_reservation && c_mem > 0 {
            c_mem
        } else {
            memory
        },
        gpus,
        ports: if fargate { Vec::new() } else { ports },
        arch,
    })
}

fn check_placement(
    s: &ServiceSpec,
    sp: &[Step],
    ctx: &mut Ctx,
) -> (Vec<Strategy>, Vec<Constraint>) {
    let mut chain = Vec::new();
    if let Some(list) = &s.placement_strategy {
        if list.len() > MAX_PLACEMENT_STRATEGIES {
            ctx.err(
                &p(sp, &[k("placementStrategy")]),
                format!(
                    "{} placement strategies: at most {MAX_PLACEMENT_STRATEGIES} are allowed",
                    list.len()
                ),
            );
        }
        for (n, st) in list.iter().enumerate() {
            let fp = p(sp, &[k("placementStrategy"), i(n), k("field")]);
            let f = st.field.as_deref();
            let r = match st.kind {
                StrategyKind::Binpack => placement::binpack::parse_field(f).map(Strategy::Binpack),
                StrategyKind::Spread => placement::spread::parse_field(f).map(Strategy::Spread),
                StrategyKind::Random => placement::random::parse_field(f).map(|_| Strategy::Random),
            };
            match r {
                Ok(x) => chain.push(x),
                Err(e) => ctx.err(&fp, e),
            }
        }
    } else {
        chain = placement::default_service_chain();
    }
    let mut cons = Vec::new();
    let all: Vec<(Vec<Step>, &PlacementConstraintSpec)> = s
        .placement_constraints
        .iter()
        .enumerate()
        .map(|(n, c)| (p(sp, &[k("placementConstraints"), i(n)]), c))
        .chain(
            s.task_definition
                .placement_constraints
                .iter()
                .enumerate()
                .map(|(n, c)| {
                    (
                        p(sp, &[k("taskDefinition"), k("placementConstraints"), i(n)]),
                        c,
                    )
                }),
        )
        .collect();
    if all.len() > MAX_CONSTRAINTS {
        ctx.err(
            &p(sp, &[k("placementConstraints")]),
            format!("{} placement constraints (service and task definition together): at most {MAX_CONSTRAINTS} are allowed", all.len()),
        );
    }
    for (cp, c) in all {
        let in_task_definition = cp.contains(&k("taskDefinition"));
        if in_task_definition && c.kind == ConstraintKind::DistinctInstance {
            ctx.err(
                &p(&cp, &[k("type")]),
                "a task definition's placementConstraints take only memberOf (as RegisterTaskDefinition does): put distinctInstance on the service",
            );
            continue;
        }
        match (c.kind, &c.expression) {
            (ConstraintKind::DistinctInstance, None) => cons.push(Constraint::DistinctInstance),
            (ConstraintKind::DistinctInstance, Some(_)) => ctx.err(
                &p(&cp, &[k("expression")]),
                "distinctInstance takes no expression",
            ),
            (ConstraintKind::MemberOf, None) => ctx.err(
                &cp,
                "memberOf needs an expression, e.g. \"attribute:ecs.instance-type =~ m5.*\"",
            ),
            (ConstraintKind::MemberOf, Some(e)) => match query::Expr::parse(e) {
                Ok(x) => cons.push(Constraint::MemberOf(x, e.clone())),
                Err(q) => ctx.err_at(
                    &p(&cp, &[k("expression")]),
                    q.column,
                    format!("in `{e}`: {q}"),
                ),
            },
        }
    }
    (chain, cons)
}

/// Checks the whole file; returns the scenario when no problem was found.
pub fn check(spec: &ScenarioFile, ctx: &mut Ctx, base_dir: Option<&Path>) -> Option<Scenario> {
    let before = ctx.problems.len();
    let region = spec
        .region
        .clone()
        .unwrap_or_else(|| "us-east-1".to_string());
    let region_zones = match regions::zones(&region) {
        Some(z) => z,
        None => {
            let hint = suggest::did_you_mean(&region, &regions::names())
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            ctx.err(
                &[k("region")],
                format!(
                    "unknown region `{region}`: {hint}known regions: {}",
                    regions::names().join(", ")
                ),
            );
            &[][..]
        }
    };
    let zones: Vec<String> = match &spec.availability_zones {
        Some(z) => z.clone(),
        None => region_zones.iter().take(3).map(|s| s.to_string()).collect(),
    };
    if !region_zones.is_empty() {
        for (n, z) in zones.iter().enumerate() {
            if !region_zones.contains(&z.as_str()) {
                ctx.err(
                    &[k("availabilityZones"), i(n)],
                    format!(
                        "zone `{z}` is not in region {region}: its zones are {}",
                        region_zones.join(", ")
                    ),
                );
            }
        }
    }
    if spec
        .availability_zones
        .as_ref()
        .is_some_and(|z| z.is_empty())
    {
        ctx.err(
            &[k("availabilityZones")],
            "no zones: name at least one, or omit the field for the region's first three",
        );
    }
    let dup: BTreeSet<&String> = zones.iter().collect();
    if dup.len() != zones.len() {
        ctx.err(&[k("availabilityZones")], "a zone is listed twice");
    }
    let duration = spec
        .duration
        .map(|d| d.millis())
        .unwrap_or(DEFAULT_DURATION_S * 1000);
    if duration == 0 {
        ctx.err(
            &[k("duration")],
            "a duration of 0: expected a positive length such as \"6h\" or \"2d\"",
        );
    }
    if duration > MAX_DURATION_DAYS * crate::engine::DAY {
        ctx.err(
            &[k("duration")],
            format!(
                "{} is above the limit of {MAX_DURATION_DAYS}d (ten years) a run may last: \
                 expected at most \"{MAX_DURATION_DAYS}d\"",
                super::units::Duration(duration)
            ),
        );
    }
    let start = spec
        .start
        .clone()
        .unwrap_or_else(|| DEFAULT_START.to_string());
    let start_epoch_ms = match crate::schedule::utc_instant_ms(&start) {
        Ok(ms) => ms,
        Err((offset, why)) => {
            // err_at's offset 0 is the opening quote: the 0-based character n is at n + 1 (0
            // means the whole value).
            let at = if offset == 0 { 0 } else { offset + 1 };
            ctx.err_at(
                &[k("start")],
                at,
                format!(
                    "`{start}`: {why}: expected an RFC 3339 UTC time such as \
                     \"2026-01-05T00:00:00Z\""
                ),
            );
            0
        }
    };
    let base_model = Model::default().overlay(&spec.model);
    check_model(&spec.model, &[], ctx);
    let providers = check_providers(spec, &zones, ctx);
    let default_strategy = if spec.default_capacity_provider_strategy.is_empty() {
        None
    } else {
        check_strategy(
            &spec.default_capacity_provider_strategy,
            &[k("defaultCapacityProviderStrategy")],
            &providers,
            ctx,
        )
    };
    let env = ShapeEnv {
        start_epoch_ms,
        base_dir,
        seed: spec.seed.unwrap_or(1),
    };
    let custom = load::check_custom(&spec.custom_metrics, &env, ctx);
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
    // Batch job streams are checked (and simulated) as services that keep no count.
    let specs: Vec<(ServiceSpec, Vec<Step>, Option<&BatchJobSpec>)> = spec
        .services
        .iter()
        .enumerate()
        .map(|(n, s)| (s.clone(), vec![k("services"), i(n)], None))
        .chain(
            spec.batch_jobs
                .iter()
                .enumerate()
                .map(|(n, b)| (job_as_service(b), vec![k("batchJobs"), i(n)], Some(b))),
        )
        .collect();
    let mut loads: Vec<(Option<Load>, Option<LoadBalancer>)> = Vec::new();
    // Services whose load could not be checked (an earlier problem stopped it).
    let mut unchecked: Vec<bool> = Vec::new();
    let mut services = Vec::new();
    let mut names = BTreeSet::new();
    // Per valid job stream: its arrivals' path, peak rate (jobs/s) and jobs over the run.
    let mut job_volume: Vec<(Vec<Step>, f64, f64)> = Vec::new();
    for (s, sp, job_spec) in &specs {
        let (s, sp) = (s, sp.clone());
        let sbefore = ctx.problems.len();
        if !names.insert(s.service_name.clone()) {
            let (key, what) = if job_spec.is_some() {
                ("name", "a service or batch job")
            } else {
                ("serviceName", "a service")
            };
            ctx.err(
                &p(&sp, &[k(key)]),
                format!("duplicate name `{}`: {what} already has it", s.service_name),
            );
        }
        if let Some(st) = &s.scheduling_strategy
            && st != "REPLICA"
        {
            ctx.err(
                &p(&sp, &[k("schedulingStrategy")]),
                format!(
                    "schedulingStrategy `{st}` is not modelled: only REPLICA services are simulated"
                ),
            );
        }
        let desired = s.desired_count.unwrap_or(0);
        if desired > MAX_DESIRED {
            ctx.err(
                &p(&sp, &[k("desiredCount")]),
                format!(
                    "desiredCount {desired} is above the quota of {MAX_DESIRED} tasks per service"
                ),
            );
        }
        check_model(&s.model, &sp, ctx);
        let cluster_wide = [
            (
                "registeredMemoryFraction",
                s.model.registered_memory_fraction.is_some(),
            ),
            ("instanceLaunch", s.model.instance_launch.is_some()),
            ("fargateLaunchBurst", s.model.fargate_launch_burst.is_some()),
            (
                "fargateLaunchPerSecond",
                s.model.fargate_launch_per_second.is_some(),
            ),
            (
                "provisioningTasksPerCluster",
                s.model.provisioning_tasks_per_cluster.is_some(),
            ),
            (
                "metricPublicationDelay",
                s.model.metric_publication_delay.is_some(),
            ),
            (
                "highResolutionMetricDelay",
                s.model.high_resolution_metric_delay.is_some(),
            ),
            ("loadStep", s.model.load_step.is_some()),
            ("clusterMetricDelay", s.model.cluster_metric_delay.is_some()),
        ];
        for (key, set) in cluster_wide {
            if set {
                ctx.err(
                    &p(&sp, &[k("model"), k(key)]),
                    format!(
                        "`{key}` is cluster-wide: set it in the top-level model, not per service"
                    ),
                );
            }
        }
        let capacity = match (&s.launch_type, &s.capacity_provider_strategy) {
            (Some(_), Some(_)) => {
                ctx.err(
                    &p(&sp, &[k("launchType")]),
                    "a service takes either launchType or capacityProviderStrategy, not both",
                );
                None
            }
            (Some(l), None) => Some(ServiceCapacity::LaunchType(*l)),
            (None, Some(items)) => check_strategy(
                items,
                &p(&sp, &[k("capacityProviderStrategy")]),
                &providers,
                ctx,
            )
            .map(ServiceCapacity::Strategy),
            (None, None) => match &default_strategy {
                Some(d) => Some(ServiceCapacity::Strategy(d.clone())),
                None if spec.default_capacity_provider_strategy.is_empty() => {
                    Some(ServiceCapacity::LaunchType(LaunchType::Ec2))
                }
                None => None,
            },
        };
        let Some(capacity) = capacity else {
            // Where the tasks run is unknown, but the parts that do not depend on it are still
            // checked, so that their problems come in the same pass (the Fargate-only checks
            // wait until the strategy is right).
            let tp = p(&sp, &[k("taskDefinition")]);
            if let Some(z) = check_task(&s.task_definition, &tp, false, ctx) {
                let _ = load::check_load(s, &sp, z.memory_metric, &env, ctx);
            }
            if let Some(b) = job_spec {
                let _ = load::check_job(b, &sp, &env, ctx);
            }
            let _ = check_placement(s, &sp, ctx);
            loads.push((None, None));
            unchecked.push(true);
            continue;
        };
        let on_fargate = match &capacity {
            ServiceCapacity::LaunchType(l) => *l == LaunchType::Fargate,
            ServiceCapacity::Strategy(items) => providers[items[0].provider].kind.is_fargate(),
        };
        // Instance types the service's tasks can land on: a group launches its first listed
        // type (a mixed group too, at start and when managed scaling adds instances).
        let asg_types: Vec<&'static instance_types::InstanceType> = match &capacity {
            ServiceCapacity::LaunchType(LaunchType::Ec2) => providers
                .iter()
                .filter_map(|p| match &p.kind {
                    ProviderKind::Asg(a) => a.instance_types.first().copied(),
                    _ => None,
                })
                .collect(),
            ServiceCapacity::LaunchType(LaunchType::Fargate) => Vec::new(),
            ServiceCapacity::Strategy(items) => items
                .iter()
                .filter_map(|it| match &providers[it.provider].kind {
                    ProviderKind::Asg(a) => a.instance_types.first().copied(),
                    _ => None,
                })
                .collect(),
        };
        if capacity == ServiceCapacity::LaunchType(LaunchType::Ec2)
            && asg_types.is_empty()
            && ctx.failed_providers.is_empty()
        {
            ctx.err(
                &sp,
                "the service runs on EC2 (launchType EC2, or no strategy and no default strategy) but the cluster has no Auto Scaling group provider: add one, or use FARGATE",
            );
        }
        let tp = p(&sp, &[k("taskDefinition")]);
        let size = check_task(&s.task_definition, &tp, on_fargate, ctx);
        let before_load = ctx.problems.len();
        let (load, lb) = match &size {
            Some(z) => load::check_load(s, &sp, z.memory_metric, &env, ctx),
            None => (None, None),
        };
        let load_unchecked = size.is_none() || ctx.problems.len() > before_load;
        let job = job_spec.and_then(|b| load::check_job(b, &sp, &env, ctx));
        if let Some(j) = &job {
            job_volume.push((
                p(&sp, &[k("arrivals")]),
                j.arrivals.peak_per_second(),
                j.arrivals.expected_before(duration),
            ));
        }
        let (mut chain, constraints) = check_placement(s, &sp, ctx);
        if job_spec.is_some() && s.placement_strategy.is_none() {
            // A standalone task (RunTask) with no strategy is placed at random (aws-behaviour §4).
            chain = vec![Strategy::Random];
        }
        if on_fargate && (s.placement_strategy.is_some() || !s.placement_constraints.is_empty()) {
            ctx.err(
                &sp,
                "placementStrategy and placementConstraints do not apply to Fargate (Fargate balances tasks over zones): remove them",
            );
        }
        let model = base_model.overlay(&s.model);
        if let Some(size) = &size
            && !on_fargate
            && !asg_types.is_empty()
        {
            let fits = asg_types.iter().any(|t| {
                let mem =
                    (f64::from(t.memory_mib) * model.registered_memory_fraction).floor() as u32;
                t.vcpus * 1024 >= size.cpu
                    && mem >= size.memory
                    && t.gpus >= size.gpus
                    && size.arch.is_none_or(|a| a == t.arch)
            });
            if !fits {
                let list: Vec<String> = asg_types
                    .iter()
                    .map(|t| {
                        let mem = (f64::from(t.memory_mib) * model.registered_memory_fraction)
                            .floor() as u32;
                        format!(
                            "{} ({} CPU units, {} MiB, {} GPUs, {})",
                            t.name,
                            t.vcpus * 1024,
                            mem,
                            t.gpus,
                            t.arch.as_str()
                        )
                    })
                    .collect();
                ctx.err(
                    &tp,
                    format!(
                        "the task ({} CPU units, {} MiB, {} GPUs{}) is larger than every instance type its providers can launch: {} (registered resources)",
                        size.cpu,
                        size.memory,
                        size.gpus,
                        size.arch.map(|a| format!(", {}", a.as_str())).unwrap_or_default(),
                        list.join("; ")
                    ),
                );
            }
        }
        let dc = s.deployment_configuration.as_ref();
        let max_percent = dc.and_then(|d| d.maximum_percent).unwrap_or(200);
        let min_healthy = dc.and_then(|d| d.minimum_healthy_percent).unwrap_or(100);
        if min_healthy > 100 {
            ctx.err(
                &p(
                    &sp,
                    &[k("deploymentConfiguration"), k("minimumHealthyPercent")],
                ),
                format!("minimumHealthyPercent {min_healthy} is out of range: expected 0 to 100"),
            );
        }
        if max_percent < 100 || max_percent <= min_healthy {
            ctx.err(
                &p(&sp, &[k("deploymentConfiguration"), k("maximumPercent")]),
                format!("maximumPercent {max_percent} must be at least 100 and above minimumHealthyPercent ({min_healthy}), or a rolling update could never make progress"),
            );
        }
        unchecked.push(load_unchecked);
        loads.push((load.clone(), lb.clone()));
        if s.deployments.len() > MAX_DEPLOYMENTS {
            ctx.err(
                &p(&sp, &[k("deployments")]),
                format!(
                    "{} deployments: above the limit of {MAX_DEPLOYMENTS} per service",
                    s.deployments.len()
                ),
            );
        }
        let mut deployments = Vec::new();
        for (n, d) in s.deployments.iter().enumerate() {
            let fp = d.failure_probability.unwrap_or(0.0);
            if !(0.0..=1.0).contains(&fp) {
                ctx.err(
                    &p(&sp, &[k("deployments"), i(n), k("failureProbability")]),
                    format!("failureProbability {fp} is out of range: expected 0 to 1"),
                );
            }
            if let Some(&(last, _)) = deployments.last()
                && d.at.millis() < last
            {
                ctx.err(
                    &p(&sp, &[k("deployments"), i(n), k("at")]),
                    "deployments must be in time order",
                );
            }
            deployments.push((d.at.millis(), fp));
        }
        let storage = match &s.task_definition.ephemeral_storage {
            None => 20,
            Some(e) => {
                if !(21..=200).contains(&e.size_gib) {
                    ctx.err(
                        &p(&sp, &[k("taskDefinition"), k("ephemeralStorage"), k("sizeInGiB")]),
                        format!(
                            "sizeInGiB {} is out of range: expected 21 to 200 (20 GiB are included without it)",
                            e.size_gib
                        ),
                    );
                }
                e.size_gib
            }
        };
        let Some(size) = size else { continue };
        if ctx.problems.len() > sbefore || (job_spec.is_some() && job.is_none()) {
            continue;
        }
        services.push(Service {
            name: s.service_name.clone(),
            family: s.task_definition.family.clone(),
            cpu: size.cpu,
            memory: size.memory,
            memory_metric: size.memory_metric,
            gpus: size.gpus,
            ephemeral_storage_gib: storage,
            host_ports: size.ports,
            arch: size.arch,
            desired,
            capacity,
            chain,
            constraints,
            max_percent,
            min_healthy_percent: min_healthy,
            circuit_breaker: dc
                .and_then(|d| d.deployment_circuit_breaker.as_ref())
                .map(|c| (c.enable, c.rollback)),
            model,
            load,
            load_balancer: lb,
            auto_scaling: None,
            job,
            deployments,
        });
    }
    check_job_volume(&job_volume, ctx);
    // Auto scaling last: its metrics may name any service, queue, target group or custom metric.
    let mut scaling = Vec::new();
    for (n, s) in spec.services.iter().enumerate() {
        let Some(a) = &s.auto_scaling else {
            scaling.push(None);
            continue;
        };
        let menv = load::MetricEnv {
            services: specs
                .iter()
                .zip(loads.iter().map(Some).chain(std::iter::repeat(None)))
                .map(|((sp, _, _), l)| {
                    (
                        sp.service_name.as_str(),
                        l.and_then(|x| x.0.as_ref()),
                        l.and_then(|x| x.1.as_ref()),
                    )
                })
                .collect(),
            custom: &custom,
            own: n,
            unchecked: unchecked.clone(),
        };
        let ap = vec![k("services"), i(n), k("autoScaling")];
        scaling.push(load::check_auto_scaling(a, &ap, &menv, ctx));
    }
    for (svc, a) in services.iter_mut().zip(scaling) {
        svc.auto_scaling = a;
    }
    let service_names: Vec<String> = spec
        .services
        .iter()
        .map(|s| s.service_name.clone())
        .collect();
    let faults = load::check_faults(&spec.faults, &providers, &zones, &service_names, ctx);
    let prices = super::pricing::check_pricing(spec.pricing.as_ref(), &region, &zones, ctx);
    (ctx.problems.len() == before).then(|| Scenario {
        name: spec.name.clone(),
        description: spec.description.clone().unwrap_or_default(),
        seed: spec.seed.unwrap_or(1),
        duration,
        start,
        region,
        zones,
        providers,
        services,
        model: base_model,
        warnings: Vec::new(),
        base_dir: base_dir.map(Path::to_path_buf),
        start_epoch_ms,
        custom_metrics: custom,
        faults,
        prices,
    })
}

/// The batch job streams together (each checked alone already): at most
/// [`MAX_JOB_ARRIVALS_PER_SECOND`] submissions a second and [`MAX_JOBS_PER_RUN`] jobs over the
/// run. One stream's excess is reported at its `arrivals`, several streams' at `batchJobs`.
fn check_job_volume(streams: &[(Vec<Step>, f64, f64)], ctx: &mut Ctx) {
    let at = |pick: fn(&(Vec<Step>, f64, f64)) -> f64| -> Vec<Step> {
        let busy: Vec<&(Vec<Step>, f64, f64)> = streams.iter().filter(|s| pick(s) > 0.0).collect();
        match busy.as_slice() {
            [one] => one.0.clone(),
            _ => vec![k("batchJobs")],
        }
    };
    let rate: f64 = streams.iter().map(|s| s.1).sum();
    if rate > MAX_JOB_ARRIVALS_PER_SECOND {
        let m = show(MAX_JOB_ARRIVALS_PER_SECOND);
        ctx.err(
            &at(|s| s.1),
            format!(
                "the batch job streams together submit up to {} jobs per second: above the quota of {m} jobs per second (AWS Batch: SubmitJob calls per second per account): expected at most {m} in all",
                show(rate)
            ),
        );
    }
    let jobs: f64 = streams.iter().map(|s| s.2).sum();
    if jobs > MAX_JOBS_PER_RUN {
        let m = show(MAX_JOBS_PER_RUN);
        ctx.err(
            &at(|s| s.2),
            format!(
                "about {} jobs would be submitted over the run: above the limit of {m} jobs per run: expected at most {m} (a shorter run or lower rates)",
                show(jobs.round())
            ),
        );
    }
}

/// A batch job stream seen as a service that keeps no count (for the shared checks).
fn job_as_service(b: &BatchJobSpec) -> ServiceSpec {
    ServiceSpec {
        service_name: b.name.clone(),
        task_definition: b.task_definition.clone(),
        desired_count: Some(0),
        launch_type: b.launch_type,
        capacity_provider_strategy: b.capacity_provider_strategy.clone(),
        placement_strategy: b.placement_strategy.clone(),
        placement_constraints: b.placement_constraints.clone(),
        deployment_configuration: None,
        scheduling_strategy: None,
        load: None,
        load_balancer: None,
        auto_scaling: None,
        deployments: Vec::new(),
        model: b.model.clone(),
    }
}

#[cfg(test)]
mod tests {
    /// One mistake in (nearly) every part of a scenario, none hiding another: each checker's
    /// problem comes out where the driver calls it — the top level (zones, duration, start),
    /// `model`, the providers, the default strategy, `customMetrics`, then each service in turn
    /// (its scheduling strategy, per-service `model`, load balancer before load, placement,
    /// deployment configuration, deployments, task definition, ephemeral storage, the fit
    /// against instance types), the batch job streams after the services, `autoScaling` once
    /// every service is known, `faults`, `pricing`.
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
        {"serviceName": "web", "schedulingStrategy": "DAEMON", "desiredCount": 1, "launchType": "EC2",
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
                "schedulingStrategy `DAEMON` is not modelled",
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
