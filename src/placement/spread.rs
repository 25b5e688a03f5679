//! spread(field): even out the service's tasks over the values of a field: `instanceId` (or
//! `host`), `attribute:ecs.availability-zone`, `attribute:ecs.instance-type`, or any attribute.

use super::{ClusterView, SpreadField};

/// The spread key: how many of the service's tasks already share the candidate's value of the
/// field (lower is better).
pub fn key<C: ClusterView + ?Sized>(view: &C, service: u32, field: &SpreadField, ord: u32) -> u64 {
    u64::from(match field {
        SpreadField::Instance => view.service_tasks_on(service, ord),
        SpreadField::Attribute(name) => {
            view.service_tasks_with(service, name, view.attribute(ord, name))
        }
    })
}

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
