//! `placementStrategy` and `placementConstraints` (docs/scenario-reference.md §2.7, §2.8): each
//! strategy's field is parsed by its own module in [`crate::placement`].

use super::{Ctx, i, k, p};
use crate::placement::{self, Constraint, Strategy, query};
use crate::scenario::defaults;
use crate::scenario::json_pos::Step;
use crate::scenario::limits::{MAX_CONSTRAINTS, MAX_PLACEMENT_STRATEGIES};
use crate::scenario::types::{ConstraintKind, PlacementConstraintSpec, ServiceSpec, StrategyKind};

/// Checks a service's `placementStrategy` (the default chain when absent) and the
/// `placementConstraints` of the service and of its task definition.
pub(super) fn check(
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
        chain = defaults::service_placement_chain();
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
