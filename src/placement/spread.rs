//! spread(field): even out the service's tasks over the values of a field: `instanceId` (or
//! `host`), `attribute:ecs.availability-zone`, `attribute:ecs.instance-type`, or any attribute.
//! Everything about the strategy in one place: its field, its placement key (the fewest of the
//! service's tasks on the candidate's value), its index hook (spread(instanceId): instances by
//! the service's task count; an attribute's value is the same for a whole class) and its
//! scale-in key (from the value, then the instance, holding the most).

use super::index::Index;
use super::{ClusterView, Demand, ScaleIn, SpreadField};
use crate::ids::{InstanceId, ServiceId};

/// Parses a spread `field`.
///
/// ```
/// use ecsim::placement::{spread::parse_field, SpreadField};
/// assert_eq!(parse_field(Some("host")), Ok(SpreadField::Instance));
/// assert_eq!(
///     parse_field(Some("attribute:ecs.availability-zone")),
///     Ok(SpreadField::Attribute("ecs.availability-zone".into()))
/// );
/// ```
pub fn parse_field(field: Option<&str>) -> Result<SpreadField, String> {
    match field {
        Some("instanceId") | Some("host") => Ok(SpreadField::Instance),
        Some(f) if f.starts_with("attribute:") && f.len() > "attribute:".len() => {
            Ok(SpreadField::Attribute(f["attribute:".len()..].to_string()))
        }
        Some(f) => Err(format!(
            "spread field `{f}` is not valid: expected `instanceId`, `host` or `attribute:NAME` (e.g. attribute:ecs.availability-zone)"
        )),
        None => Err("spread needs a field: `instanceId`, `host` or `attribute:NAME`".into()),
    }
}

/// The strategy as ECS writes it: `spread(instanceId)`, `spread(attribute:NAME)`.
pub fn describe(field: &SpreadField) -> String {
    match field {
        SpreadField::Instance => "spread(instanceId)".into(),
        SpreadField::Attribute(a) => format!("spread(attribute:{a})"),
    }
}

/// The spread key: how many of the service's tasks already share the candidate's value of the
/// field (lower is better).
pub fn key<C: ClusterView + ?Sized>(
    view: &C,
    service: ServiceId,
    field: &SpreadField,
    ord: InstanceId,
) -> u64 {
    u64::from(match field {
        SpreadField::Instance => view.service_tasks_on(service, ord),
        SpreadField::Attribute(name) => {
            view.service_tasks_with(service, name, view.attribute(ord, name))
        }
    })
}

/// Whether the key can differ between two instances of one class (identical attributes): per
/// instance it can; an attribute's value is the class's.
pub fn varies_within_class(field: &SpreadField) -> bool {
    matches!(field, SpreadField::Instance)
}

/// The index hook of spread(instanceId): class `class`'s open instances in ascending order of
/// the service's tasks on them, as (count, ordinal) — first those with none (by ordinal), then
/// the service's per-instance counts kept by the index.
pub(super) fn walk_instances<'a>(
    index: &'a Index,
    class: u32,
    service: ServiceId,
    demand: &'a Demand,
) -> impl Iterator<Item = (u64, InstanceId)> + 'a {
    let zero = index
        .open(class, demand)
        .iter()
        .copied()
        .filter(move |&o| !index.holds_service(service, o))
        .map(|o| (0u64, o));
    let rest = index
        .service_counts(service, class)
        .into_iter()
        .flatten()
        .filter(|&&(_, o)| index.slot(o).active)
        .map(|&(n, o)| (u64::from(n), o));
    zero.chain(rest)
}

/// The scale-in key: spread(instanceId) stops from the instance holding the most of the
/// service's tasks; spread(attribute) from the value holding the most, then the instance
/// (aws-behaviour.md §4).
pub fn scale_in(field: &SpreadField) -> ScaleIn {
    match field {
        SpreadField::Instance => ScaleIn::MostOnInstance,
        SpreadField::Attribute(a) => ScaleIn::MostOnValue(a.clone()),
    }
}
