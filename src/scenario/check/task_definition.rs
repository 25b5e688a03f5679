//! `taskDefinition` and its `containerDefinitions` (docs/scenario-reference.md §2.5, §2.6): the
//! task's size, host ports, GPUs and architecture, Fargate's sizes, ephemeral storage, and the
//! fit of an EC2 task against the instance types its providers launch.

use super::{Ctx, i, k, p};
use crate::catalogue::fargate;
use crate::catalogue::instance_types::{Arch, InstanceType};
use crate::placement::Resources;
use crate::scenario::json_pos::Step;
use crate::scenario::limits::MAX_CONTAINERS;
use crate::scenario::types::{ContainerDefinitionSpec, TaskDefinitionSpec};
use crate::scenario::{Model, NetworkMode, defaults, units};

/// What one task reserves and needs.
pub(super) struct TaskSize {
    /// CPU units, memory and GPUs reserved.
    pub resources: Resources,
    /// The memory utilisation denominator: the containers' memoryReservation (or memory) when
    /// any container sets memoryReservation, else the reserved memory.
    pub memory_metric: u32,
    /// Static host ports (none on Fargate).
    pub ports: Vec<u16>,
    /// The required CPU architecture.
    pub arch: Option<Arch>,
    /// The network mode (Fargate's is always `awsvpc`).
    pub network_mode: NetworkMode,
    /// The essential containers' health checks.
    pub health_checks: Vec<super::health::ContainerCheck>,
}

/// The containers added up.
struct Containers {
    cpu: u32,
    /// memoryReservation, else memory, summed.
    memory: u32,
    gpus: u32,
    ports: Vec<u16>,
}

/// `networkMode` at `tp`: `awsvpc`, `bridge`, `host` or `none`; when not given `bridge` on EC2
/// (ECS's default for Linux) and `awsvpc` on Fargate, the only mode Fargate accepts.
fn network_mode(td: &TaskDefinitionSpec, tp: &[Step], fargate: bool, ctx: &mut Ctx) -> NetworkMode {
    let path = p(tp, &[k("networkMode")]);
    let mode = match td.network_mode.as_deref() {
        None if fargate => NetworkMode::Awsvpc,
        None => NetworkMode::Bridge,
        Some("awsvpc") => NetworkMode::Awsvpc,
        Some("bridge") => NetworkMode::Bridge,
        Some("host") => NetworkMode::Host,
        Some("none") => NetworkMode::None,
        Some(other) => {
            ctx.err(
                &path,
                format!("unknown network mode `{other}`: expected awsvpc, bridge, host or none"),
            );
            return if fargate {
                NetworkMode::Awsvpc
            } else {
                NetworkMode::Bridge
            };
        }
    };
    if fargate && mode != NetworkMode::Awsvpc {
        ctx.err(
            &path,
            format!(
                "network mode `{}` on Fargate: Fargate tasks must use awsvpc (as \
                 RegisterTaskDefinition requires)",
                mode.as_str()
            ),
        );
    }
    mode
}

/// Checks the task definition at `tp` (Fargate's rules when `fargate`); None when it has a
/// problem.
pub(super) fn check(
    td: &TaskDefinitionSpec,
    tp: &[Step],
    fargate: bool,
    ctx: &mut Ctx,
) -> Option<TaskSize> {
    let before = ctx.problems.len();
    let cpu = match &td.cpu {
        Some(c) => units::cpu_units(c)
            .map_err(|e| ctx.err(&p(tp, &[k("cpu")]), e))
            .ok(),
        None => None,
    };
    let memory = match &td.memory {
        Some(m) => units::memory_mib(m)
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
    let network_mode = network_mode(td, tp, fargate, ctx);
    let c = containers(&td.container_definitions, tp, network_mode, ctx);
    let health_checks = super::health::container_checks(&td.container_definitions, tp, ctx);
    let cpu = cpu.unwrap_or(c.cpu);
    let memory = match memory {
        Some(m) => m,
        None if c.memory > 0 => c.memory,
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
    let resources = Resources::new(cpu, memory, c.gpus);
    if fargate {
        check_fargate(td, tp, resources, ctx.problems.len() == before, ctx);
    }
    let any_reservation = td
        .container_definitions
        .iter()
        .any(|c| c.memory_reservation.is_some());
    (ctx.problems.len() == before).then_some(TaskSize {
        resources,
        memory_metric: if any_reservation && c.memory > 0 {
            c.memory
        } else {
            memory
        },
        // Static host ports conflict on an instance only where tasks share its network
        // namespace (bridge, host); an awsvpc task has its own ENI and address.
        ports: match network_mode {
            _ if fargate => Vec::new(),
            NetworkMode::Bridge | NetworkMode::Host => c.ports,
            NetworkMode::Awsvpc | NetworkMode::None => Vec::new(),
        },
        arch,
        network_mode,
        health_checks,
    })
}

/// The containers' CPU, memory, GPUs and static host ports, each checked. In `host` mode a
/// mapping's host port is its container port (a `hostPort` must be absent or equal to it); in
/// `awsvpc` mode a `hostPort` must be absent, 0 or equal to the container port.
fn containers(
    list: &[ContainerDefinitionSpec],
    tp: &[Step],
    mode: NetworkMode,
    ctx: &mut Ctx,
) -> Containers {
    let mut out = Containers {
        cpu: 0,
        memory: 0,
        gpus: 0,
        ports: Vec::new(),
    };
    for (n, c) in list.iter().enumerate() {
        let cp = p(tp, &[k("containerDefinitions"), i(n)]);
        out.cpu = out.cpu.saturating_add(c.cpu.unwrap_or(0));
        out.memory = out
            .memory
            .saturating_add(c.memory_reservation.or(c.memory).unwrap_or(0));
        if let (Some(h), Some(s)) = (c.memory, c.memory_reservation)
            && s > h
        {
            ctx.err(
                &p(&cp, &[k("memoryReservation")]),
                format!("memoryReservation {s} is above the hard limit memory {h}"),
            );
        }
        for (m, pm) in c.port_mappings.iter().enumerate() {
            let host = pm.host_port.filter(|&h| h != 0);
            if matches!(mode, NetworkMode::Host | NetworkMode::Awsvpc)
                && let (Some(h), Some(cport)) = (host, pm.container_port)
                && h != cport
            {
                ctx.err(
                    &p(&cp, &[k("portMappings"), i(m), k("hostPort")]),
                    format!(
                        "host port {h} differs from container port {cport}: in {} network mode \
                         the host port must be absent or equal to the container port",
                        mode.as_str()
                    ),
                );
                continue;
            }
            let host = match mode {
                NetworkMode::Host => host.or(pm.container_port.filter(|&c| c != 0)),
                _ => host,
            };
            if let Some(h) = host {
                if h > 65_535 {
                    ctx.err(
                        &p(&cp, &[k("portMappings"), i(m), k("hostPort")]),
                        format!("host port {h} is out of range: expected 1 to 65535"),
                    );
                } else if out.ports.contains(&(h as u16)) {
                    ctx.err(
                        &p(&cp, &[k("portMappings"), i(m), k("hostPort")]),
                        format!("host port {h} is mapped twice in one task"),
                    );
                } else {
                    out.ports.push(h as u16);
                }
            }
        }
        for (m, r) in c.resource_requirements.iter().enumerate() {
            let rp = p(&cp, &[k("resourceRequirements"), i(m)]);
            match r.kind.as_str() {
                "GPU" => match r.value.0.trim().parse::<u32>() {
                    Ok(g) if g > 0 => out.gpus = out.gpus.saturating_add(g),
                    _ => ctx.err(&p(&rp, &[k("value")]), format!("`{}` is not a GPU count: expected a whole number above 0", r.value.0)),
                },
                "InferenceAccelerator" => {}
                other => ctx.err(&p(&rp, &[k("type")]), format!("unknown resource requirement type `{other}`: expected GPU or InferenceAccelerator")),
            }
        }
    }
    out
}

/// Fargate's rules for a task reserving `resources`: task-level sizes of a valid Fargate size
/// (checked only when nothing else is wrong yet, `clean`), no GPUs, FARGATE among the required
/// compatibilities.
fn check_fargate(
    td: &TaskDefinitionSpec,
    tp: &[Step],
    Resources { cpu, memory, gpus }: Resources,
    clean: bool,
    ctx: &mut Ctx,
) {
    match (&td.cpu, &td.memory) {
        (Some(_), Some(_)) => {
            if clean && let Err(e) = fargate::check_size(cpu, memory) {
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

/// `ephemeralStorage.sizeInGiB` of the task definition at `tp` (the included
/// [`defaults::EPHEMERAL_STORAGE_GIB`] without it).
pub(super) fn ephemeral_storage(td: &TaskDefinitionSpec, tp: &[Step], ctx: &mut Ctx) -> u32 {
    match &td.ephemeral_storage {
        None => defaults::EPHEMERAL_STORAGE_GIB,
        Some(e) => {
            if !(21..=200).contains(&e.size_gib) {
                ctx.err(
                    &p(tp, &[k("ephemeralStorage"), k("sizeInGiB")]),
                    format!(
                        "sizeInGiB {} is out of range: expected 21 to 200 (20 GiB are included without it)",
                        e.size_gib
                    ),
                );
            }
            e.size_gib
        }
    }
}

/// Refuses an EC2 task (at `tp`) larger than every instance type its providers launch
/// (`types`), in registered resources under `model`.
pub(super) fn check_fit(
    size: &TaskSize,
    types: &[&'static InstanceType],
    model: &Model,
    tp: &[Step],
    ctx: &mut Ctx,
) {
    let registered = |t: &InstanceType| Resources::registered(t, model.registered_memory_fraction);
    let fits = types
        .iter()
        .any(|t| registered(t).fits(size.resources) && size.arch.is_none_or(|a| a == t.arch));
    if fits {
        return;
    }
    let list: Vec<String> = types
        .iter()
        .map(|t| {
            let r = registered(t);
            format!(
                "{} ({} CPU units, {} MiB, {} GPUs, {})",
                t.name,
                r.cpu,
                r.memory,
                r.gpus,
                t.arch.as_str()
            )
        })
        .collect();
    ctx.err(
        tp,
        format!(
            "the task ({} CPU units, {} MiB, {} GPUs{}) is larger than every instance type its providers can launch: {} (registered resources)",
            size.resources.cpu,
            size.resources.memory,
            size.resources.gpus,
            size.arch.map(|a| format!(", {}", a.as_str())).unwrap_or_default(),
            list.join("; ")
        ),
    );
}
