//! Capacity provider strategies (docs/scenario-reference.md §2.3): a service's
//! `capacityProviderStrategy` and the cluster's `defaultCapacityProviderStrategy`.

use super::{Ctx, i, k, p};
use crate::scenario::json_pos::Step;
use crate::scenario::limits::MAX_STRATEGY_ITEMS;
use crate::scenario::types::{ScenarioFile, StrategyItemSpec};
use crate::scenario::{Provider, StrategyItem, suggest};
use std::collections::BTreeSet;

/// `defaultCapacityProviderStrategy`: None when it is empty (services then run on EC2) or has a
/// problem.
pub(super) fn check_default(
    spec: &ScenarioFile,
    providers: &[Provider],
    ctx: &mut Ctx,
) -> Option<Vec<StrategyItem>> {
    if spec.default_capacity_provider_strategy.is_empty() {
        return None;
    }
    check(
        &spec.default_capacity_provider_strategy,
        &[k("defaultCapacityProviderStrategy")],
        providers,
        ctx,
    )
}

/// Checks a capacity provider strategy at `path` against the scenario's providers; None when
/// it has a problem (or names a provider that failed its own checks).
pub(super) fn check(
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
