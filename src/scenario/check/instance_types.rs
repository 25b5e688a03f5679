//! `instanceTypes` (docs/scenario-reference.md §2.2.1): instance types given as `aws ec2
//! describe-instance-types` prints them, checked and added to the scenario's
//! [`Catalogue`] (a type of the built-in table given here replaces its row).

use super::{Ctx, i, k, p};
use crate::catalogue::instance_types::{self, Arch, Catalogue, InstanceType};
use crate::cost::prices::PriceTable;
use crate::scenario::json_pos::Step;
use crate::scenario::limits::{
    self, MAX_INSTANCE_ENIS, MAX_INSTANCE_GPUS, MAX_INSTANCE_MEMORY_MIB, MAX_INSTANCE_TYPES,
    MAX_INSTANCE_VCPUS,
};
use crate::scenario::types::{InstanceTypeSpec, ScenarioFile};
use std::collections::BTreeSet;

/// The architectures `ProcessorInfo.SupportedArchitectures` may name, with what ecsim makes of
/// them: a type listing `x86_64` (t2.micro lists `i386` and `x86_64`) is x86_64, one listing
/// `arm64` is arm64; `i386` alone, or only the Mac ones, is refused (ECS on Linux needs 64-bit).
const ARCHES: &str = "`x86_64` or `arm64` (EC2 also prints `i386`, `x86_64_mac`, `arm64_mac`: a type with none of the first two is not an ECS Linux type)";

/// Checks `instanceTypes`; the scenario's catalogue (the built-in table when the list is empty).
pub(super) fn check(spec: &ScenarioFile, ctx: &mut Ctx) -> Catalogue {
    let base = [k("instanceTypes")];
    let list = &spec.instance_types;
    if list.len() > MAX_INSTANCE_TYPES {
        ctx.err(
            &base,
            format!(
                "{} instance types: at most {MAX_INSTANCE_TYPES} are allowed (the limit MAX_INSTANCE_TYPES)",
                list.len()
            ),
        );
        // Groups and prices naming one of them are not reported again.
        ctx.failed_types
            .extend(list.iter().map(|t| t.instance_type.clone()));
        return Catalogue::builtin();
    }
    let mut seen = BTreeSet::new();
    let mut given = Vec::new();
    for (n, t) in list.iter().enumerate() {
        let tp = p(&base, &[i(n)]);
        if !seen.insert(t.instance_type.as_str()) {
            ctx.err(
                &p(&tp, &[k("InstanceType")]),
                format!(
                    "`{}` is given twice in instanceTypes: keep one",
                    t.instance_type
                ),
            );
            continue;
        }
        match one(t, &tp, ctx) {
            Some(it) => given.push(it),
            None => {
                ctx.failed_types.insert(t.instance_type.clone());
            }
        }
    }
    Catalogue::with(given)
}

/// A whole number at `path` from 1 to `max`, or a problem naming `what`.
fn bounded(v: u32, max: u32, what: &str, unit: &str, path: &[Step], ctx: &mut Ctx) -> bool {
    if v == 0 {
        ctx.err(path, format!("{what} 0: expected at least 1"));
        return false;
    }
    if v > max {
        ctx.err(
            path,
            limits::above(what, f64::from(v), "limit", f64::from(max), unit),
        );
        return false;
    }
    true
}

/// One entry, checked and interned.
fn one(t: &InstanceTypeSpec, tp: &[Step], ctx: &mut Ctx) -> Option<&'static InstanceType> {
    let before = ctx.problems.len();
    let name = t.instance_type.as_str();
    if name.is_empty() || name.len() > 64 || !name.contains('.') {
        ctx.err(
            &p(tp, &[k("InstanceType")]),
            format!(
                "`{name}` is not an instance type name: expected FAMILY.SIZE such as `t2.micro`"
            ),
        );
    }
    let vcpus = t.vcpu_info.default_v_cpus;
    bounded(
        vcpus,
        MAX_INSTANCE_VCPUS,
        "DefaultVCpus",
        "vCPUs",
        &p(tp, &[k("VCpuInfo"), k("DefaultVCpus")]),
        ctx,
    );
    let memory = t.memory_info.size_in_mib;
    bounded(
        memory,
        MAX_INSTANCE_MEMORY_MIB,
        "SizeInMiB",
        "MiB",
        &p(tp, &[k("MemoryInfo"), k("SizeInMiB")]),
        ctx,
    );
    let enis = t.network_info.maximum_network_interfaces;
    bounded(
        enis,
        MAX_INSTANCE_ENIS,
        "MaximumNetworkInterfaces",
        "network interfaces",
        &p(tp, &[k("NetworkInfo"), k("MaximumNetworkInterfaces")]),
        ctx,
    );
    let gpus = t
        .gpu_info
        .as_ref()
        .map_or(0u64, |g| g.gpus.iter().map(|x| u64::from(x.count)).sum());
    if gpus > u64::from(MAX_INSTANCE_GPUS) {
        ctx.err(
            &p(tp, &[k("GpuInfo"), k("Gpus")]),
            limits::above(
                "GPUs (the Counts added up)",
                gpus as f64,
                "limit",
                f64::from(MAX_INSTANCE_GPUS),
                "GPUs",
            ),
        );
    }
    let archs = &t.processor_info.supported_architectures;
    let arch = if archs.iter().any(|a| a == "x86_64") {
        Some(Arch::X86_64)
    } else if archs.iter().any(|a| a == "arm64") {
        Some(Arch::Arm64)
    } else {
        ctx.err(
            &p(tp, &[k("ProcessorInfo"), k("SupportedArchitectures")]),
            format!(
                "SupportedArchitectures [{}]: expected a list naming {ARCHES}",
                archs.join(", ")
            ),
        );
        None
    };
    if ctx.problems.len() != before {
        return None;
    }
    // describe-instance-types prints no ENI trunking limit (ECS publishes it in its own table):
    // a type of the built-in table keeps that table's limit, any other has none (each awsvpc
    // task takes one of its ENIs, the primary kept by the instance).
    let trunk_tasks = instance_types::lookup(name).and_then(|b| b.trunk_tasks);
    Some(instance_types::intern(
        name,
        InstanceType {
            name: "",
            vcpus,
            memory_mib: memory,
            gpus: u32::try_from(gpus).ok()?,
            arch: arch?,
            max_enis: enis,
            trunk_tasks,
        },
    ))
}

/// Refuses each `instanceTypes` entry that a group launches and `prices` has no on-demand
/// price for: a new type has none built in (for `region` or us-east-1), so the scenario must
/// give one under `pricing.ec2`. A type no group launches is never billed and needs none (an
/// import copies every type `describe-instance-types` printed, used or not).
pub(super) fn priced(spec: &ScenarioFile, prices: &PriceTable, region: &str, ctx: &mut Ctx) {
    let launched = |name: &str| {
        spec.capacity_providers.iter().any(|cp| {
            cp.auto_scaling_group_provider.as_ref().is_some_and(|a| {
                a.auto_scaling_group
                    .instance_types
                    .iter()
                    .any(|t| t == name)
            })
        })
    };
    for (n, t) in spec.instance_types.iter().enumerate() {
        let name = t.instance_type.as_str();
        if prices.ec2_on_demand(name).is_some()
            || ctx.types.lookup(name).is_none()
            || !launched(name)
        {
            continue;
        }
        ctx.err(
            &p(&[k("instanceTypes"), i(n)], &[k("InstanceType")]),
            format!(
                "instance type `{name}` has no on-demand price: the built-in {region} table has none (`ecsim pricing --region {region}` prints it) and `pricing.ec2` gives none: add \"pricing\": {{\"ec2\": {{\"{name}\": USD_PER_HOUR}}}}, or use a type the built-in table prices"
            ),
        );
    }
}
