//! Binding placement constraints: `distinctInstance` and `memberOf` (cluster query language,
//! [`super::query`]).

use super::{AttrView, ClusterView, Constraint, Reject, Request};
use crate::ids::InstanceId;

/// Checks every constraint of `req` on instance `ord`.
pub fn check<C: ClusterView + ?Sized>(
    view: &C,
    req: &Request<'_>,
    ord: InstanceId,
) -> Result<(), Reject> {
    for c in req.constraints {
        match c {
            Constraint::DistinctInstance => {
                if view.service_tasks_on(req.service, ord) > 0 {
                    return Err(Reject::DistinctInstance);
                }
            }
            Constraint::MemberOf(expr, text) => {
                if !expr.matches(&AttrView(view, ord)) {
                    return Err(Reject::MemberOf(text.clone()));
                }
            }
        }
    }
    Ok(())
}

/// Whether the constraint's answer depends only on the instance's attributes (so it can be
/// evaluated once per group of identical instances).
pub fn depends_on_attributes_only(c: &Constraint) -> bool {
    match c {
        Constraint::DistinctInstance => false,
        Constraint::MemberOf(expr, _) => !expr.reads_instance_id(),
    }
}
