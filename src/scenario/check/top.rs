//! The top level (docs/scenario-reference.md §2.1): region, zones, duration and start.

use super::{Ctx, i, k};
use crate::catalogue::regions;
use crate::scenario::limits::{FARGATE_QUOTAS, MAX_DURATION_DAYS, MAX_FARGATE_VCPU_QUOTA, above};
use crate::scenario::types::ScenarioFile;
use crate::scenario::{defaults, suggest, units};
use std::collections::BTreeSet;

/// The checked top level (with its defaults; a value with a problem is kept as given, or 0).
pub(super) struct Top {
    /// `region`.
    pub region: String,
    /// `availabilityZones` (the region's first [`defaults::ZONES`] when not given).
    pub zones: Vec<String>,
    /// `duration`, ms.
    pub duration: u64,
    /// `start`, RFC 3339.
    pub start: String,
    /// `start` as ms since the Unix epoch (0 when it does not parse).
    pub start_epoch_ms: i64,
}

/// Checks the region and its zones, the duration and the start.
pub(super) fn check(spec: &ScenarioFile, ctx: &mut Ctx) -> Top {
    let region = spec
        .region
        .clone()
        .unwrap_or_else(|| defaults::REGION.to_string());
    let zones = zones(spec, &region, ctx);
    let duration = spec
        .duration
        .map(|d| d.millis())
        .unwrap_or(defaults::DURATION);
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
                units::Duration(duration)
            ),
        );
    }
    let start = spec
        .start
        .clone()
        .unwrap_or_else(|| defaults::START.to_string());
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
    Top {
        region,
        zones,
        duration,
        start,
        start_epoch_ms,
    }
}

/// The region's zones the scenario uses, checked against the region.
fn zones(spec: &ScenarioFile, region: &str, ctx: &mut Ctx) -> Vec<String> {
    let region_zones = match regions::zones(region) {
        Some(z) => z,
        None => {
            let hint = suggest::did_you_mean(region, &regions::names())
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
        None => region_zones
            .iter()
            .take(defaults::ZONES)
            .map(|s| s.to_string())
            .collect(),
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
    zones
}

/// The ECS account setting names PutAccountSetting takes; only `awsvpcTrunking` is modelled.
pub(super) const ACCOUNT_SETTINGS: &[&str] = &[
    "awsvpcTrunking",
    "containerInsights",
    "containerInstanceLongArnFormat",
    "defaultLogDriverMode",
    "dualStackIPv6",
    "fargateFIPSMode",
    "fargateTaskRetirementWaitPeriod",
    "guardDutyActivate",
    "serviceLongArnFormat",
    "tagResourceAuthorization",
    "taskLongArnFormat",
];

/// Checks `accountSettings`; returns whether `awsvpcTrunking` is enabled (off by default, as in
/// a new account).
pub(super) fn account_settings(spec: &ScenarioFile, ctx: &mut Ctx) -> bool {
    let mut seen = BTreeSet::new();
    let mut trunking = false;
    for (n, s) in spec.account_settings.iter().enumerate() {
        let at = [k("accountSettings"), i(n)];
        if !ACCOUNT_SETTINGS.contains(&s.name.as_str()) {
            let hint = suggest::did_you_mean(&s.name, ACCOUNT_SETTINGS)
                .map(|x| format!("did you mean `{x}`? "))
                .unwrap_or_default();
            ctx.err(
                &[at[0].clone(), at[1].clone(), k("name")],
                format!(
                    "unknown account setting `{}`: {hint}expected one of {}",
                    s.name,
                    ACCOUNT_SETTINGS.join(", ")
                ),
            );
            continue;
        }
        if !seen.insert(s.name.clone()) {
            ctx.err(
                &[at[0].clone(), at[1].clone(), k("name")],
                format!("account setting `{}` is given twice", s.name),
            );
            continue;
        }
        if s.name == "awsvpcTrunking" {
            match s.value.as_str() {
                "enabled" => trunking = true,
                "disabled" => trunking = false,
                other => ctx.err(
                    &[at[0].clone(), at[1].clone(), k("value")],
                    format!("awsvpcTrunking `{other}`: expected enabled or disabled"),
                ),
            }
        }
    }
    trunking
}

/// Checks `serviceQuotas` (what `aws service-quotas list-service-quotas --service-code fargate`
/// prints); returns the Fargate vCPU quotas in force, On-Demand then Spot (each quota's
/// default where none is given). A quota is named by `QuotaCode`, `QuotaName` or both (then
/// they must agree); an unknown one, a `ServiceCode` other than `fargate`, a quota given twice
/// and a `Value` that is negative, not finite or above [`MAX_FARGATE_VCPU_QUOTA`] are refused.
pub(super) fn service_quotas(spec: &ScenarioFile, ctx: &mut Ctx) -> [f64; 2] {
    let mut out = FARGATE_QUOTAS.map(|q| q.default);
    let Some(sq) = &spec.service_quotas else {
        return out;
    };
    let known = || {
        FARGATE_QUOTAS
            .iter()
            .map(|q| format!("{} ({})", q.code, q.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut seen = [false; 2];
    for (n, q) in sq.quotas.iter().enumerate() {
        let at = |key: &str| [k("serviceQuotas"), k("Quotas"), i(n), k(key)];
        if let Some(code) = &q.service_code
            && code != "fargate"
        {
            ctx.err(
                &at("ServiceCode"),
                format!("service code `{code}`: ecsim models the quotas of `fargate` only"),
            );
            continue;
        }
        let by_code = q
            .quota_code
            .as_deref()
            .map(|c| (c, FARGATE_QUOTAS.iter().position(|x| x.code == c)));
        let by_name = q
            .quota_name
            .as_deref()
            .map(|c| (c, FARGATE_QUOTAS.iter().position(|x| x.name == c)));
        let which = match (by_code, by_name) {
            (None, None) => {
                ctx.err(
                    &[k("serviceQuotas"), k("Quotas"), i(n)],
                    format!(
                        "a quota without QuotaCode or QuotaName: expected one of {}",
                        known()
                    ),
                );
                continue;
            }
            (Some((c, None)), _) => {
                ctx.err(
                    &at("QuotaCode"),
                    format!("unknown quota code `{c}`: expected one of {}", known()),
                );
                continue;
            }
            (_, Some((c, None))) => {
                let hint = suggest::did_you_mean(c, &FARGATE_QUOTAS.map(|q| q.name))
                    .map(|x| format!("did you mean `{x}`? "))
                    .unwrap_or_default();
                ctx.err(
                    &at("QuotaName"),
                    format!(
                        "unknown quota name `{c}`: {hint}expected one of {}",
                        known()
                    ),
                );
                continue;
            }
            (Some((_, Some(a))), Some((name, Some(b)))) if a != b => {
                ctx.err(
                    &at("QuotaName"),
                    format!(
                        "QuotaName `{name}` is not the name of QuotaCode {}: expected `{}`",
                        FARGATE_QUOTAS[a].code, FARGATE_QUOTAS[a].name
                    ),
                );
                continue;
            }
            (Some((_, Some(a))), _) | (None, Some((_, Some(a)))) => a,
        };
        let quota = FARGATE_QUOTAS[which];
        if seen[which] {
            ctx.err(
                &[k("serviceQuotas"), k("Quotas"), i(n)],
                format!("quota {} ({}) is given twice", quota.code, quota.name),
            );
            continue;
        }
        seen[which] = true;
        let v = q.value;
        if !v.is_finite() || v < 0.0 {
            ctx.err(
                &at("Value"),
                format!(
                    "{} Value {v} is out of range: expected a number of vCPUs, 0 or more (AWS's default {})",
                    quota.code, quota.default
                ),
            );
        } else if v > MAX_FARGATE_VCPU_QUOTA {
            ctx.err(
                &at("Value"),
                above(
                    &format!("{} Value", quota.code),
                    v,
                    "limit",
                    MAX_FARGATE_VCPU_QUOTA,
                    "vCPUs",
                ),
            );
        } else {
            out[which] = v;
        }
    }
    out
}
