//! Capacity providers (docs/scenario-reference.md §2.2): FARGATE, FARGATE_SPOT and Auto Scaling
//! group providers, with their groups and managed scaling.

use super::{Ctx, i, k, p};
use crate::scenario::json_pos::Step;
use crate::scenario::limits::{MAX_INSTANCES, MAX_PROVIDERS};
use crate::scenario::types::{
    AsgProviderSpec, EnabledDisabled, ManagedScalingSpec, PurchaseOption, ScenarioFile,
};
use crate::scenario::{Asg, ManagedScaling, Provider, ProviderKind, defaults, suggest};
use std::collections::BTreeSet;

/// Checks `capacityProviders`; a provider with a problem is left out (and remembered in
/// `ctx`, so that strategies naming it are not reported again).
pub(super) fn check(spec: &ScenarioFile, zones: &[String], ctx: &mut Ctx) -> Vec<Provider> {
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

/// Checks an `autoScalingGroupProvider` under the provider at `pp`.
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
    let known = ctx.types.names();
    for (n, t) in g.instance_types.iter().enumerate() {
        match ctx.types.lookup(t) {
            Some(it) => types.push(it),
            None if ctx.failed_types.contains(t) => {
                // Its `instanceTypes` entry was refused already: the group fails with it.
                ctx.err(
                    &p(&gp, &[k("instanceTypes"), i(n)]),
                    format!("instance type `{t}`: its instanceTypes entry has a problem (above)"),
                );
            }
            None => {
                let hint = suggest::did_you_mean(t, &known)
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                ctx.err(
                    &p(&gp, &[k("instanceTypes"), i(n)]),
                    format!(
                        "unknown instance type `{t}`: {hint}known types: {} (give any other type under `instanceTypes`, as `aws ec2 describe-instance-types` prints it)",
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
    let agent_spot_draining = match g
        .ecs_agent_config
        .get("ECS_ENABLE_SPOT_INSTANCE_DRAINING")
        .map(String::as_str)
    {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            ctx.err(
                &p(
                    &gp,
                    &[k("ecsAgentConfig"), k("ECS_ENABLE_SPOT_INSTANCE_DRAINING")],
                ),
                format!(
                    "ECS_ENABLE_SPOT_INSTANCE_DRAINING `{other}`: expected \"true\" or \"false\" (as written in /etc/ecs/ecs.config)"
                ),
            );
            false
        }
    };
    let ms = a
        .managed_scaling
        .as_ref()
        .and_then(|m| managed_scaling(m, pp, ctx));
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
        agent_spot_draining,
    })
}

/// Checks `managedScaling` under the provider at `pp`; None when its status is DISABLED.
fn managed_scaling(m: &ManagedScalingSpec, pp: &[Step], ctx: &mut Ctx) -> Option<ManagedScaling> {
    let mp = p(pp, &[k("autoScalingGroupProvider"), k("managedScaling")]);
    let tc = m.target_capacity.unwrap_or(defaults::TARGET_CAPACITY);
    let min_step = m
        .minimum_scaling_step_size
        .unwrap_or(defaults::MINIMUM_SCALING_STEP_SIZE);
    let max_step = m
        .maximum_scaling_step_size
        .unwrap_or(defaults::MAXIMUM_SCALING_STEP_SIZE);
    let warm = m
        .instance_warmup_period
        .unwrap_or(defaults::INSTANCE_WARMUP_PERIOD_S);
    if !(1..=100).contains(&tc) {
        ctx.err(
            &p(&mp, &[k("targetCapacity")]),
            format!("targetCapacity {tc} is out of range: expected 1 to 100"),
        );
    }
    if !(1..=10_000).contains(&min_step) {
        ctx.err(
            &p(&mp, &[k("minimumScalingStepSize")]),
            format!("minimumScalingStepSize {min_step} is out of range: expected 1 to 10000"),
        );
    }
    if !(1..=10_000).contains(&max_step) {
        ctx.err(
            &p(&mp, &[k("maximumScalingStepSize")]),
            format!("maximumScalingStepSize {max_step} is out of range: expected 1 to 10000"),
        );
    }
    if min_step > max_step {
        ctx.err(
            &p(&mp, &[k("minimumScalingStepSize")]),
            format!("minimumScalingStepSize {min_step} is above maximumScalingStepSize {max_step}"),
        );
    }
    if warm > 10_000 {
        ctx.err(
            &p(&mp, &[k("instanceWarmupPeriod")]),
            format!("instanceWarmupPeriod {warm} is out of range: expected 0 to 10000 seconds"),
        );
    }
    (m.status != Some(EnabledDisabled::Disabled)).then_some(ManagedScaling {
        target_capacity: tc,
        min_step,
        max_step,
        warmup_s: warm,
    })
}
