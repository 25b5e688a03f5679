//! `customMetrics` (docs/scenario-reference.md §2.15): user metrics given as series, which
//! policies and alarms read like AWS's own.

use super::metrics::{dimensions, dims_sorted};
use super::shape::{METRIC, ShapeEnv, check_shape};
use super::{Ctx, i, k, p};
use crate::scenario::limits;
use crate::scenario::types::CustomMetricSpec;
use crate::workload::shape::Shape;

/// A user metric.
#[derive(Debug, Clone)]
pub struct CustomMetric {
    /// Namespace.
    pub namespace: String,
    /// MetricName.
    pub name: String,
    /// Dimensions, sorted by name.
    pub dimensions: Vec<(String, String)>,
    /// Its value over time.
    pub value: Shape,
}

/// Checks `customMetrics`; a metric with a problem is left out.
pub(super) fn check(list: &[CustomMetricSpec], env: &ShapeEnv, ctx: &mut Ctx) -> Vec<CustomMetric> {
    let mut out = Vec::new();
    if list.len() > limits::MAX_CUSTOM_METRICS {
        ctx.err(
            &[k("customMetrics")],
            format!(
                "{} custom metrics: above the limit of {} per scenario",
                list.len(),
                limits::MAX_CUSTOM_METRICS
            ),
        );
    }
    for (n, c) in list.iter().enumerate() {
        let cp = vec![k("customMetrics"), i(n)];
        dimensions(&c.dimensions, &p(&cp, &[k("Dimensions")]), ctx);
        let dims = dims_sorted(&c.dimensions);
        if out.iter().any(|o: &CustomMetric| {
            o.namespace == c.namespace && o.name == c.metric_name && o.dimensions == dims
        }) {
            ctx.err(
                &cp,
                format!(
                    "custom metric {} {} with these dimensions is defined twice",
                    c.namespace, c.metric_name
                ),
            );
        }
        if c.namespace.starts_with("AWS/") {
            ctx.err(
                &p(&cp, &[k("Namespace")]),
                format!(
                    "namespace `{}` is reserved for AWS's own metrics: use your own, e.g. `MyApp`",
                    c.namespace
                ),
            );
        }
        let d: Vec<String> = dims.iter().map(|(a, b)| format!("{a}={b}")).collect();
        let owner = format!("metric:{}/{}/{}", c.namespace, c.metric_name, d.join(","));
        if let Some(v) = check_shape(&c.value, &p(&cp, &[k("Value")]), &owner, METRIC, env, ctx) {
            out.push(CustomMetric {
                namespace: c.namespace.clone(),
                name: c.metric_name.clone(),
                dimensions: dims,
                value: v,
            });
        }
    }
    out
}
