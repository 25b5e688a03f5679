//! The top level (docs/scenario-reference.md §2.1): region, zones, duration and start.

use super::{Ctx, i, k};
use crate::catalogue::regions;
use crate::scenario::limits::MAX_DURATION_DAYS;
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
