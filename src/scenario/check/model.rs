//! `model` (docs/scenario-reference.md §3): the modelling defaults a scenario overrides, at the
//! top level and per service; the defaults themselves are in [`crate::scenario::defaults`].

use super::{Ctx, k, p};
use crate::scenario::defaults;
use crate::scenario::json_pos::Step;
use crate::scenario::limits::{MAX_FARGATE_LAUNCH_PER_SECOND, above};
use crate::scenario::types::ModelSpec;

/// Checks a `model` object under `base` (the top level, or a service).
pub(super) fn check(spec: &ModelSpec, base: &[Step], ctx: &mut Ctx) {
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
    let first = spec.restart_backoff_first.map(|d| d.millis());
    let max = spec.restart_backoff_max.map(|d| d.millis());
    for (key, d) in [("restartBackoffFirst", first), ("restartBackoffMax", max)] {
        if let Some(ms) = d
            && !(1000..=86_400_000).contains(&ms)
        {
            ctx.err(
                &p(&m, &[k(key)]),
                format!("{key} of {} ms is out of range: expected 1 s to 24 h", ms),
            );
        }
    }
    if let (Some(f), Some(x)) = (first, max)
        && f > x
    {
        ctx.err(
            &p(&m, &[k("restartBackoffFirst")]),
            format!(
                "restartBackoffFirst of {} s is above restartBackoffMax of {} s: expected at most the maximum",
                f / 1000,
                x / 1000
            ),
        );
    }
    if let Some(f) = spec.registered_memory_fraction
        && !(f > 0.0 && f <= 1.0)
    {
        ctx.err(
            &p(&m, &[k("registeredMemoryFraction")]),
            format!(
                "{f} is out of range: expected a fraction above 0 and at most 1 (default {})",
                defaults::REGISTERED_MEMORY_FRACTION
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
                format!(
                    "{r} is out of range: expected a rate above 0 (default {})",
                    defaults::FARGATE_LAUNCH_PER_SECOND
                ),
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

/// Refuses the cluster-wide keys (they describe the cluster or the account) in the `model` of
/// the service at `sp`.
pub(super) fn refuse_cluster_wide(spec: &ModelSpec, sp: &[Step], ctx: &mut Ctx) {
    let cluster_wide = [
        (
            "registeredMemoryFraction",
            spec.registered_memory_fraction.is_some(),
        ),
        ("instanceLaunch", spec.instance_launch.is_some()),
        ("fargateLaunchBurst", spec.fargate_launch_burst.is_some()),
        (
            "fargateLaunchPerSecond",
            spec.fargate_launch_per_second.is_some(),
        ),
        (
            "provisioningTasksPerCluster",
            spec.provisioning_tasks_per_cluster.is_some(),
        ),
        (
            "metricPublicationDelay",
            spec.metric_publication_delay.is_some(),
        ),
        (
            "highResolutionMetricDelay",
            spec.high_resolution_metric_delay.is_some(),
        ),
        ("loadStep", spec.load_step.is_some()),
        ("clusterMetricDelay", spec.cluster_metric_delay.is_some()),
    ];
    for (key, set) in cluster_wide {
        if set {
            ctx.err(
                &p(sp, &[k("model"), k(key)]),
                format!("`{key}` is cluster-wide: set it in the top-level model, not per service"),
            );
        }
    }
}
