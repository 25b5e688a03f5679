//! The metrics policies and alarms read (docs/scenario-reference.md §2.13): a metric named by
//! namespace, name and dimensions is resolved here, once every service is known, to a
//! [`Source`] index, so the world never looks a name up; statistics; metric math.

use super::{Ctx, i, k, p};
use crate::engine::{Millis, SECOND};
use crate::scaling::math::Expr;
use crate::scenario::json_pos::Step;
use crate::scenario::types::{DimensionSpec, MetricDataQuerySpec};
use crate::scenario::{CustomMetric, Load, LoadBalancer, defaults, limits, suggest};

/// Statistics a metric can be read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    /// Average.
    Average,
    /// Sum.
    Sum,
    /// Minimum.
    Minimum,
    /// Maximum.
    Maximum,
    /// SampleCount.
    SampleCount,
    /// A percentile (a step alarm's `ExtendedStatistic`, `p0`–`p100`), in hundredths of a
    /// percent: `p99.9` is 9990. Only of CPU and memory utilisation, whose per-task values ecsim
    /// has (docs/scenario-reference.md §2.12.2, "Percentiles").
    Percentile(u32),
}

impl Stat {
    fn parse(s: &str) -> Option<Stat> {
        Some(match s {
            "Average" => Stat::Average,
            "Sum" => Stat::Sum,
            "Minimum" => Stat::Minimum,
            "Maximum" => Stat::Maximum,
            "SampleCount" => Stat::SampleCount,
            _ => return None,
        })
    }
    /// AWS's name ("Percentile" for a percentile; its Display gives `p90`).
    pub fn as_str(self) -> &'static str {
        match self {
            Stat::Average => "Average",
            Stat::Sum => "Sum",
            Stat::Minimum => "Minimum",
            Stat::Maximum => "Maximum",
            Stat::SampleCount => "SampleCount",
            Stat::Percentile(_) => "Percentile",
        }
    }

    /// Parses an `ExtendedStatistic` percentile: `p` then a number from 0 to 100 with at most
    /// [`limits::PERCENTILE_DECIMALS`] decimals (`p90`, `p99.9`, `p50`). Err: what is wrong.
    pub fn parse_percentile(s: &str) -> Result<Stat, String> {
        let bad = || {
            format!(
                "ExtendedStatistic `{s}` is not modelled: expected a percentile p0 to p100 with at most {} decimals (e.g. p90, p99.9); trimmed means, IQM and percentile ranks are not modelled",
                limits::PERCENTILE_DECIMALS
            )
        };
        let num = s.strip_prefix('p').ok_or_else(bad)?;
        let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole)
            || (num.contains('.') && !digits(frac))
            || frac.len() > limits::PERCENTILE_DECIMALS
            || whole.len() > 3
        {
            return Err(bad());
        }
        let mut h: u32 = whole.parse::<u32>().map_err(|_| bad())? * 100;
        if !frac.is_empty() {
            let f: u32 = frac.parse().map_err(|_| bad())?;
            h += if frac.len() == 1 { f * 10 } else { f };
        }
        if h > 10_000 {
            return Err(format!(
                "ExtendedStatistic `{s}` is above p100: a percentile is p0 to p100"
            ));
        }
        Ok(Stat::Percentile(h))
    }
}

impl std::fmt::Display for Stat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Stat::Percentile(h) => {
                let (w, r) = (h / 100, h % 100);
                match r {
                    0 => write!(f, "p{w}"),
                    r if r % 10 == 0 => write!(f, "p{w}.{}", r / 10),
                    r => write!(f, "p{w}.{r:02}"),
                }
            }
            s => f.write_str(s.as_str()),
        }
    }
}

/// What a metric measures, resolved to an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A service's average CPU utilisation (%).
    Cpu(usize),
    /// A service's average memory utilisation (%).
    Memory(usize),
    /// A service's RUNNING task count.
    RunningTasks(usize),
    /// Requests offered to a service's target group.
    RequestCount(usize),
    /// Requests per healthy target.
    RequestCountPerTarget(usize),
    /// Messages visible in a service's queue.
    QueueVisible(usize),
    /// Age of the oldest message in a service's queue, s.
    QueueAge(usize),
    /// A user metric from `customMetrics`.
    Custom(usize),
}

impl Source {
    /// The service this source reads, if any.
    pub fn service(self) -> Option<usize> {
        match self {
            Source::Cpu(s)
            | Source::Memory(s)
            | Source::RunningTasks(s)
            | Source::RequestCount(s)
            | Source::RequestCountPerTarget(s)
            | Source::QueueVisible(s)
            | Source::QueueAge(s) => Some(s),
            Source::Custom(_) => None,
        }
    }
}

/// A metric read with a statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRef {
    /// What.
    pub source: Source,
    /// How.
    pub stat: Stat,
    /// Its display name (e.g. `AWS/SQS ApproximateNumberOfMessagesVisible`).
    pub label: String,
}

/// A tracked or alarmed metric: one metric, or metric math over several.
#[derive(Debug, Clone)]
pub struct MetricQuery {
    /// Datapoint period, ms (20 s for the high-resolution metrics, else a multiple of 60 s).
    pub period: Millis,
    /// The metrics by id (one, with id `m1`, for the single-metric form).
    pub metrics: Vec<(String, MetricRef)>,
    /// The expression whose value is the datapoint (None: the single metric itself).
    pub expr: Option<Expr>,
    /// Every expression query by id (an expression may use another's id).
    pub exprs: Vec<(String, Expr)>,
    /// Display name.
    pub label: String,
}

impl MetricQuery {
    /// What the query measures, for telling two policies' metrics apart: the metrics read
    /// (source and statistic), the expressions and the period — not their display names.
    pub fn identity(&self) -> String {
        let metrics: Vec<String> = self
            .metrics
            .iter()
            .map(|(id, r)| format!("{id}={:?}/{}", r.source, r.stat))
            .collect();
        let exprs: Vec<String> = self
            .exprs
            .iter()
            .map(|(id, e)| format!("{id}={e}"))
            .collect();
        format!(
            "{}|{}|{}|{}",
            self.period,
            metrics.join(","),
            exprs.join(","),
            self.expr
                .as_ref()
                .map(|e| e.to_string())
                .unwrap_or_default()
        )
    }
}

/// The high-resolution period, ms.
pub const HIGH_RES_PERIOD: Millis = 20 * SECOND;
/// The standard period, ms.
pub const PERIOD: Millis = 60 * SECOND;

/// What metric resolution can see: every checked service and custom metric.
pub struct MetricEnv<'a> {
    /// Services: (name, load, load balancer).
    pub services: Vec<(&'a str, Option<&'a Load>, Option<&'a LoadBalancer>)>,
    /// Custom metrics.
    pub custom: &'a [CustomMetric],
    /// The service the policy belongs to.
    pub own: usize,
    /// Per service: true when its load or load balancer could not be checked because of
    /// problems already reported (its strategy, task definition or load). A metric that needs
    /// them is then taken as given, so that one mistake gives one message, not a follow-on.
    pub unchecked: Vec<bool>,
}

/// Refuses more than [`limits::MAX_DIMENSIONS`] dimensions at `path`.
pub(super) fn dimensions(d: &[DimensionSpec], path: &[Step], ctx: &mut Ctx) {
    if d.len() > limits::MAX_DIMENSIONS {
        ctx.err(
            path,
            format!(
                "{} dimensions: a CloudWatch metric has at most {}",
                d.len(),
                limits::MAX_DIMENSIONS
            ),
        );
    }
}

pub(super) fn dims_sorted(d: &[DimensionSpec]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = d
        .iter()
        .map(|d| (d.name.clone(), d.value.clone()))
        .collect();
    v.sort();
    v
}

fn dim<'a>(d: &'a [DimensionSpec], name: &str) -> Option<&'a str> {
    d.iter().find(|x| x.name == name).map(|x| x.value.as_str())
}

/// Resolves (namespace, name, dimensions) to a source, or explains what exists.
fn resolve(
    namespace: &str,
    name: &str,
    dims: &[DimensionSpec],
    env: &MetricEnv,
) -> Result<Source, String> {
    let svc_by = |v: Option<&str>| -> Result<usize, String> {
        let v = v.ok_or_else(|| {
            format!("{namespace} {name} needs a ServiceName dimension naming a service")
        })?;
        env.services
            .iter()
            .position(|(n, _, _)| *n == v)
            .ok_or_else(|| {
                let names: Vec<&str> = env.services.iter().map(|s| s.0).collect();
                format!(
                    "ServiceName `{v}` is not a service of this scenario: {}services are {}",
                    suggest::hint(v, &names),
                    names.join(", ")
                )
            })
    };
    match (namespace, name) {
        ("AWS/ECS", "CPUUtilization") => {
            let s = svc_by(dim(dims, "ServiceName"))?;
            needs_load(s, env, "CPUUtilization")?;
            Ok(Source::Cpu(s))
        }
        ("AWS/ECS", "MemoryUtilization") => {
            let s = svc_by(dim(dims, "ServiceName"))?;
            needs_load(s, env, "MemoryUtilization")?;
            Ok(Source::Memory(s))
        }
        ("AWS/ECS" | "ECS/ContainerInsights", "RunningTaskCount") => {
            Ok(Source::RunningTasks(svc_by(dim(dims, "ServiceName"))?))
        }
        ("AWS/ApplicationELB", "RequestCount" | "RequestCountPerTarget") => {
            let tg = dim(dims, "TargetGroup").ok_or_else(|| {
                format!("{namespace} {name} needs a TargetGroup dimension (the service's target group name, or targetgroup/<name>/<id>)")
            })?;
            let tg_name = tg
                .strip_prefix("targetgroup/")
                .map(|r| r.split('/').next().unwrap_or(r))
                .unwrap_or(tg);
            let s = env
                .services
                .iter()
                .position(|(_, _, lb)| lb.is_some_and(|l| l.target_group == tg_name))
                .ok_or_else(|| {
                    if env.unchecked.contains(&true) {
                        // A service whose load balancer went unchecked may be the one: its
                        // problem is reported already.
                        return String::new();
                    }
                    let tgs: Vec<&str> = env.services.iter().filter_map(|(_, _, lb)| lb.map(|l| l.target_group.as_str())).collect();
                    format!("no service's load balancer has target group `{tg_name}`: target groups are {}", if tgs.is_empty() { "none (add loadBalancer to a service)".to_string() } else { tgs.join(", ") })
                })?;
            Ok(if name == "RequestCount" {
                Source::RequestCount(s)
            } else {
                Source::RequestCountPerTarget(s)
            })
        }
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible" | "ApproximateAgeOfOldestMessage") => {
            let q = dim(dims, "QueueName")
                .ok_or_else(|| format!("{namespace} {name} needs a QueueName dimension"))?;
            let s = env
                .services
                .iter()
                .position(|(_, l, _)| {
                    l.and_then(|l| l.queue.as_ref())
                        .is_some_and(|x| x.name == q)
                })
                .ok_or_else(|| {
                    if env.unchecked.contains(&true) {
                        return String::new();
                    }
                    let qs: Vec<&str> = env
                        .services
                        .iter()
                        .filter_map(|(_, l, _)| {
                            l.and_then(|l| l.queue.as_ref()).map(|x| x.name.as_str())
                        })
                        .collect();
                    format!(
                        "no queue is named `{q}`: queues are {}",
                        if qs.is_empty() {
                            "none (add load.queue to a worker service)".to_string()
                        } else {
                            qs.join(", ")
                        }
                    )
                })?;
            Ok(if name == "ApproximateNumberOfMessagesVisible" {
                Source::QueueVisible(s)
            } else {
                Source::QueueAge(s)
            })
        }
        _ => {
            let want = dims_sorted(dims);
            env.custom
                .iter()
                .position(|c| c.namespace == namespace && c.name == name && c.dimensions == want)
                .map(Source::Custom)
                .ok_or_else(|| unknown_metric(namespace, name, env))
        }
    }
}

/// The message for a metric that is neither a modelled AWS metric nor a custom one: what
/// exists, and the nearest name.
fn unknown_metric(namespace: &str, name: &str, env: &MetricEnv) -> String {
    let mut known: Vec<String> = vec![
        "AWS/ECS CPUUtilization, MemoryUtilization, RunningTaskCount (ServiceName)".into(),
        "AWS/ApplicationELB RequestCount, RequestCountPerTarget (TargetGroup)".into(),
        "AWS/SQS ApproximateNumberOfMessagesVisible, ApproximateAgeOfOldestMessage (QueueName)"
            .into(),
    ];
    for c in env.custom {
        let d: Vec<String> = c
            .dimensions
            .iter()
            .map(|(a, b)| format!("{a}={b}"))
            .collect();
        known.push(format!(
            "{} {} ({}) from customMetrics",
            c.namespace,
            c.name,
            d.join(", ")
        ));
    }
    // A did-you-mean over every metric name this scenario has, namespace first.
    let mut names: Vec<String> = [
        "AWS/ECS CPUUtilization",
        "AWS/ECS MemoryUtilization",
        "AWS/ECS RunningTaskCount",
        "AWS/ApplicationELB RequestCount",
        "AWS/ApplicationELB RequestCountPerTarget",
        "AWS/SQS ApproximateNumberOfMessagesVisible",
        "AWS/SQS ApproximateAgeOfOldestMessage",
    ]
    .map(String::from)
    .to_vec();
    names.extend(
        env.custom
            .iter()
            .map(|c| format!("{} {}", c.namespace, c.name)),
    );
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let wanted = format!("{namespace} {name}");
    let hint = match suggest::did_you_mean(&wanted, &names) {
        Some(near) if near != wanted => format!("did you mean {near}? "),
        _ => String::new(),
    };
    format!(
        "no metric {namespace} {name} with these dimensions exists in this scenario; {hint}available: {}",
        known.join("; ")
    )
}

/// The character offset in `text` of the first occurrence of `word` as a whole word (not
/// inside a longer name of letters, digits and `_`).
fn word_at(text: &str, word: &str) -> Option<usize> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(found) = text[from..].find(word) {
        let start = from + found;
        let end = start + word.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(is_name) && !after.is_some_and(is_name) {
            return Some(text[..start].chars().count());
        }
        from = end;
    }
    None
}

pub(super) fn needs_load(s: usize, env: &MetricEnv, what: &str) -> Result<(), String> {
    if env.unchecked.get(s).copied().unwrap_or(false) {
        return Ok(());
    }
    match env.services[s].1 {
        Some(l) if l.per_task.is_some() || l.queue.is_some() => Ok(()),
        _ => Err(format!(
            "service `{}` has no load, so its {what} is unknown: give it `load` (traffic with perTask, or a queue)",
            env.services[s].0
        )),
    }
}

fn stat_of(s: &str, path: &[Step], ctx: &mut Ctx) -> Option<Stat> {
    let r = Stat::parse(s);
    if r.is_none() {
        ctx.err(
            path,
            format!(
                "unknown statistic `{s}`: expected Average, Sum, Minimum, Maximum or SampleCount"
            ),
        );
    }
    r
}

/// Resolves a single metric (`single`: namespace, name, dimensions, statistic) or a `Metrics`
/// list (metric math) under `base` into a query with datapoints every `period`.
///
/// `percentile` is a step alarm's `ExtendedStatistic`, already parsed: it takes the place of
/// `Statistic` (the caller refused both at once) and is refused on a metric without per-task
/// values.
pub(super) fn check_query(
    single: (Option<&str>, Option<&str>, &[DimensionSpec], Option<&str>),
    percentile: Option<Stat>,
    metrics: &[MetricDataQuerySpec],
    period: Millis,
    base: &[Step],
    env: &MetricEnv,
    ctx: &mut Ctx,
) -> Option<MetricQuery> {
    let before = ctx.problems.len();
    let (ns, name, dims, stat) = single;
    dimensions(dims, &p(base, &[k("Dimensions")]), ctx);
    if metrics.len() > limits::MAX_METRIC_QUERIES {
        ctx.err(
            &p(base, &[k("Metrics")]),
            format!(
                "{} queries: a metric math alarm takes at most {} (CloudWatch PutMetricAlarm)",
                metrics.len(),
                limits::MAX_METRIC_QUERIES
            ),
        );
    }
    if !metrics.is_empty() {
        if ns.is_some() || name.is_some() {
            ctx.err(
                base,
                "give either MetricName/Namespace/Dimensions/Statistic or Metrics (metric math), not both",
            );
            return None;
        }
        let mut math = Math::default();
        for (n, q) in metrics.iter().enumerate() {
            math.query(n, q, period, &p(base, &[k("Metrics"), i(n)]), env, ctx);
        }
        check_ids(metrics, &math, base, ctx);
        if math.returns != 1 {
            ctx.err(
                &p(base, &[k("Metrics")]),
                format!(
                    "{} queries return data: exactly one must (set ReturnData false on the others)",
                    math.returns
                ),
            );
        }
        if ctx.problems.len() > before {
            return None;
        }
        let (n, expr) = math.result?;
        let label = match &expr {
            Some(x) => x.to_string(),
            None => metrics[n].id.clone(),
        };
        let expr = match expr {
            Some(x) => Some(x),
            // A MetricStat query returning data: the expression is its id.
            None => Expr::parse(&metrics[n].id).ok(),
        };
        return Some(MetricQuery {
            period,
            metrics: math.out,
            expr,
            exprs: math.exprs,
            label,
        });
    }
    let (Some(ns), Some(name)) = (ns, name) else {
        ctx.err(
            base,
            "no metric: give MetricName, Namespace, Dimensions and Statistic, or Metrics (metric math)",
        );
        return None;
    };
    let st = match percentile {
        Some(pc) => pc,
        None => stat_of(
            stat.unwrap_or(defaults::STATISTIC),
            &p(base, &[k("Statistic")]),
            ctx,
        )?,
    };
    match resolve(ns, name, dims, env) {
        Ok(src) if percentile.is_some() && !matches!(src, Source::Cpu(_) | Source::Memory(_)) => {
            ctx.err(
                &p(base, &[k("ExtendedStatistic")]),
                format!(
                    "ExtendedStatistic {st} of {ns} {name}: ecsim has no per-task distribution of this metric, only one value per period; percentiles are modelled for AWS/ECS CPUUtilization and MemoryUtilization (per-task values) — use Statistic instead"
                ),
            );
            None
        }
        Ok(src) => Some(MetricQuery {
            period,
            metrics: vec![(
                "m1".to_string(),
                MetricRef {
                    source: src,
                    stat: st,
                    label: format!("{ns} {name}"),
                },
            )],
            expr: None,
            exprs: Vec::new(),
            label: format!("{ns} {name} ({st})"),
        }),
        Err(e) => {
            if !e.is_empty() {
                ctx.err(&p(base, &[k("MetricName")]), e);
            }
            None
        }
    }
}

/// A metric math list as its queries are checked one by one.
#[derive(Default)]
struct Math<'a> {
    /// The MetricStat queries resolved, by id.
    out: Vec<(String, MetricRef)>,
    /// The expressions parsed, by id.
    exprs: Vec<(String, Expr)>,
    /// Every query's id, in order.
    ids: Vec<&'a str>,
    /// The query returning data: its index, and its expression (None: a MetricStat).
    result: Option<(usize, Option<Expr>)>,
    /// How many queries return data.
    returns: usize,
}

impl<'a> Math<'a> {
    /// Checks query `n` of the list (at `qp`), a MetricStat or an Expression.
    fn query(
        &mut self,
        n: usize,
        q: &'a MetricDataQuerySpec,
        period: Millis,
        qp: &[Step],
        env: &MetricEnv,
        ctx: &mut Ctx,
    ) {
        let valid_id = q.id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && q.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_id {
            ctx.err(
                &p(qp, &[k("Id")]),
                format!(
                    "Id `{}` is not valid: expected a lowercase letter then letters, digits or _",
                    q.id
                ),
            );
        }
        if self.ids.contains(&q.id.as_str()) {
            ctx.err(&p(qp, &[k("Id")]), format!("Id `{}` is used twice", q.id));
        }
        self.ids.push(&q.id);
        let is_result = q.return_data.unwrap_or(true);
        if is_result {
            self.returns += 1;
        }
        match (&q.expression, &q.metric_stat) {
            (Some(_), Some(_)) | (None, None) => {
                ctx.err(qp, "each query has exactly one of Expression or MetricStat")
            }
            (None, Some(ms)) => {
                let sp = p(qp, &[k("MetricStat")]);
                dimensions(
                    &ms.metric.dimensions,
                    &p(&sp, &[k("Metric"), k("Dimensions")]),
                    ctx,
                );
                if let Some(pp) = ms.period.or(q.period)
                    && u64::from(pp) * SECOND != period
                {
                    ctx.err(
                        &p(&sp, &[k("Period")]),
                        format!(
                            "Period {pp} differs from the metric's period of {} s",
                            period / SECOND
                        ),
                    );
                }
                let st = stat_of(&ms.stat, &p(&sp, &[k("Stat")]), ctx);
                match resolve(
                    &ms.metric.namespace,
                    &ms.metric.metric_name,
                    &ms.metric.dimensions,
                    env,
                ) {
                    Ok(src) => {
                        if let Some(st) = st {
                            self.out.push((
                                q.id.clone(),
                                MetricRef {
                                    source: src,
                                    stat: st,
                                    label: format!(
                                        "{} {}",
                                        ms.metric.namespace, ms.metric.metric_name
                                    ),
                                },
                            ));
                        }
                    }
                    // Empty: the cause is a problem reported already.
                    Err(e) if e.is_empty() => {}
                    Err(e) => ctx.err(&p(&sp, &[k("Metric")]), e),
                }
                if is_result {
                    self.result = Some((n, None));
                }
            }
            (Some(e), None) => {
                match Expr::parse(e) {
                    Ok(x) => {
                        if let Some(off) = x.divides_by_constant_zero() {
                            ctx.err_at(
                            &p(qp, &[k("Expression")]),
                            off + 1,
                            format!("`{e}` divides by a constant zero: it could never yield a datapoint"),
                        );
                        }
                        if is_result {
                            self.result = Some((n, Some(x.clone())));
                        }
                        self.exprs.push((q.id.clone(), x));
                    }
                    // err_at's offset 0 is the opening quote: 0-based n is at n + 1.
                    Err((off, msg)) => ctx.err_at(&p(qp, &[k("Expression")]), off + 1, msg),
                }
            }
        }
    }
}

/// Every expression of the list under `base` uses only other queries' ids, and none in a circle.
fn check_ids(metrics: &[MetricDataQuerySpec], math: &Math, base: &[Step], ctx: &mut Ctx) {
    for (n, q) in metrics.iter().enumerate() {
        if let Some(e) = &q.expression
            && let Ok(x) = Expr::parse(e)
        {
            for id in x.ids() {
                if !math.ids.contains(&id.as_str()) || id == q.id {
                    let others: Vec<&str> =
                        math.ids.iter().copied().filter(|o| *o != q.id).collect();
                    // Point at the id inside the expression (err_at's offset 0 is the
                    // opening quote).
                    ctx.err_at(
                        &p(base, &[k("Metrics"), i(n), k("Expression")]),
                        word_at(e, &id).map_or(0, |off| off + 1),
                        format!(
                            "`{e}` uses id `{id}`, which is not another query's Id: ids are {}",
                            others.join(", ")
                        ),
                    );
                }
            }
            if let Some(cycle) = cycle_through(&q.id, &math.exprs) {
                ctx.err(
                    &p(base, &[k("Metrics"), i(n), k("Expression")]),
                    format!(
                        "expressions use each other in a circle ({}): one of them must use metrics only",
                        cycle.join(" → ")
                    ),
                );
            }
        }
    }
}

/// The ids of a circle of expressions through `start`, if any (start → … → start).
fn cycle_through(start: &str, exprs: &[(String, Expr)]) -> Option<Vec<String>> {
    fn walk(at: &str, start: &str, exprs: &[(String, Expr)], path: &mut Vec<String>) -> bool {
        let Some((_, e)) = exprs.iter().find(|(id, _)| id == at) else {
            return false;
        };
        for next in e.ids() {
            if next == start {
                path.push(next);
                return true;
            }
            if path.contains(&next) || path.len() > exprs.len() {
                continue;
            }
            path.push(next.clone());
            if walk(&next, start, exprs, path) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = vec![start.to_string()];
    walk(start, start, exprs, &mut path).then_some(path)
}

/// "`what` X is beyond the limit of ±1e15 for a metric value" (a number of either sign).
pub(super) fn metric_magnitude(what: &str, v: f64) -> String {
    let m = limits::show(limits::MAX_METRIC_VALUE);
    format!(
        "{what} {} is beyond the limit of ±{m} for a metric value: expected -{m} to {m}",
        limits::show(v)
    )
}
