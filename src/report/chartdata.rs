//! What the charts draw, recorded while the run goes on and downsampled for drawing only (the
//! CSV tables keep every minute).
//!
//! A series never holds more than [`MAX_POINTS`] points: at the start each series gets a bucket
//! width — the smallest multiple of its sampling period that keeps the whole run within
//! [`MAX_POINTS`] buckets — and every sample falling in a bucket is folded into that bucket's
//! mean, minimum, maximum and last value. A one-day run keeps every minute; a 30-day run keeps
//! 30-minute buckets, drawn as their mean with the min–max envelope around it.
//!
//! Only what the charts show is kept: per-service series for the first [`MAX_SERVICE_CHARTS`]
//! services by name (batch job streams excluded), the total over all services, every capacity
//! provider bucket, and the scaling metrics of the charted services and of managed cluster
//! scaling. Recording is O(services + providers) per minute and O(1) per datapoint. With charts
//! off (`--no-charts`) nothing is recorded.

use crate::ids::ServiceId;
use crate::model::observe::{Datapoint, Minute};
use crate::scenario::Scenario;
use std::collections::BTreeMap;

/// Most points one series keeps (one day of minutes).
pub const MAX_POINTS: u64 = 1440;

/// Most services with charts of their own (the first by name); every service counts in the
/// all-services total.
pub const MAX_SERVICE_CHARTS: usize = 12;

/// The bucket width, in seconds, for a series sampled every `period_s` over `duration_s`: the
/// smallest multiple of the period that keeps the run within [`MAX_POINTS`] buckets.
///
/// ```
/// use ecsim::report::chartdata::bucket_width_s;
/// assert_eq!(bucket_width_s(4 * 3600, 60), 60); // 240 minutes: every minute kept
/// assert_eq!(bucket_width_s(30 * 86_400, 60), 1800); // 43,200 minutes / 1,440 = 30 minutes
/// ```
pub fn bucket_width_s(duration_s: u64, period_s: u64) -> u64 {
    let p = period_s.max(1);
    p * duration_s.div_ceil(p * MAX_POINTS).max(1)
}

/// One drawing bucket: the samples that fell in it, folded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Mean time of the samples, s from the start (the sample's own time when alone).
    pub t_s: f64,
    /// Mean of the samples.
    pub mean: f32,
    /// Smallest sample.
    pub min: f32,
    /// Largest sample.
    pub max: f32,
    /// The last sample.
    pub last: f32,
}

#[derive(Debug, Clone, Copy)]
struct Acc {
    index: u64,
    n: u32,
    t_sum: f64,
    sum: f64,
    min: f64,
    max: f64,
    last: f64,
}

impl Acc {
    fn point(&self) -> Point {
        let n = f64::from(self.n.max(1));
        Point {
            t_s: self.t_sum / n,
            mean: (self.sum / n) as f32,
            min: self.min as f32,
            max: self.max as f32,
            last: self.last as f32,
        }
    }
}

/// One downsampled series.
#[derive(Debug, Clone)]
pub struct Track {
    width_s: u64,
    lag_s: u64,
    cur: Option<Acc>,
    points: Vec<Point>,
}

impl Track {
    /// An empty series with buckets `width_s` seconds wide, for samples stamped `lag_s` after
    /// the start of the span they describe (60 for a minute's figures stamped at its end, as in
    /// timeseries.csv; 0 for datapoints stamped at their period's start), so a run of `d`
    /// seconds makes at most `ceil(d / width_s)` buckets.
    pub fn new(width_s: u64, lag_s: u64) -> Track {
        Track {
            width_s: width_s.max(1),
            lag_s,
            cur: None,
            points: Vec::new(),
        }
    }

    /// The bucket width, s.
    pub fn width_s(&self) -> u64 {
        self.width_s
    }

    /// Adds the sample `v` at `t_s` seconds (samples come in time order); a value that is not
    /// finite (a metric math division by zero) is left out, as a missing datapoint.
    pub fn push(&mut self, t_s: u64, v: f64) {
        if !v.is_finite() {
            return;
        }
        let index = t_s.saturating_sub(self.lag_s) / self.width_s;
        match &mut self.cur {
            Some(a) if a.index == index => {
                a.n += 1;
                a.t_sum += t_s as f64;
                a.sum += v;
                a.min = a.min.min(v);
                a.max = a.max.max(v);
                a.last = v;
            }
            cur => {
                if let Some(a) = cur.take() {
                    self.points.push(a.point());
                }
                *cur = Some(Acc {
                    index,
                    n: 1,
                    t_sum: t_s as f64,
                    sum: v,
                    min: v,
                    max: v,
                    last: v,
                });
            }
        }
    }

    /// Every bucket, the one still open included.
    pub fn points(&self) -> Vec<Point> {
        let mut v = self.points.clone();
        if let Some(a) = &self.cur {
            v.push(a.point());
        }
        v
    }

    /// Buckets kept so far (the open one included).
    pub fn len(&self) -> usize {
        self.points.len() + usize::from(self.cur.is_some())
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Desired, running and pending tasks.
#[derive(Debug, Clone)]
pub struct TaskTracks {
    /// Desired count.
    pub desired: Track,
    /// RUNNING tasks.
    pub running: Track,
    /// PROVISIONING + PENDING tasks.
    pub pending: Track,
}

impl TaskTracks {
    fn new(w: u64) -> TaskTracks {
        TaskTracks {
            desired: Track::new(w, 60),
            running: Track::new(w, 60),
            pending: Track::new(w, 60),
        }
    }
    fn push(&mut self, t_s: u64, desired: u64, running: u64, pending: u64) {
        self.desired.push(t_s, desired as f64);
        self.running.push(t_s, running as f64);
        self.pending.push(t_s, pending as f64);
    }
}

/// A charted service.
#[derive(Debug, Clone)]
pub struct ServiceSeries {
    /// Its name.
    pub name: String,
    /// Whether it has `load.traffic` (offered vs served is drawn).
    pub traffic: bool,
    /// Its tasks.
    pub tasks: TaskTracks,
    /// Requests per second offered (minute averages).
    pub offered: Track,
    /// Requests per second served.
    pub served: Track,
}

/// A capacity provider, or a launch type bucket.
#[derive(Debug, Clone)]
pub struct ProviderSeries {
    /// The name (`launchType:FARGATE` / `launchType:EC2` for the launch type buckets).
    pub name: String,
    /// Whether its tasks run on Fargate (FARGATE, FARGATE_SPOT, `launchType:FARGATE`).
    pub fargate: bool,
    /// Index into the world's per-provider counts.
    pub bucket: usize,
    /// Instances registered.
    pub instances: Track,
    /// Tasks holding capacity.
    pub tasks: Track,
    /// Cumulative cost, USD.
    pub cost_usd: Track,
}

/// Which alarm a shaded span shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breach {
    /// Target tracking's high alarm, or a step policy's alarm.
    High,
    /// Target tracking's low (scale-in) alarm.
    Low,
}

/// A time span, s, during which a policy's alarm was in ALARM (edges rounded out to buckets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Start, s.
    pub t0_s: u64,
    /// End, s.
    pub t1_s: u64,
    /// Which alarm.
    pub breach: Breach,
}

/// A scaling policy's metric (or a managed group's CapacityProviderReservation).
#[derive(Debug, Clone)]
pub struct PolicySeries {
    /// The service; empty for a capacity provider's managed scaling.
    pub service: String,
    /// The policy name (`<provider> managed scaling` for cluster scaling).
    pub policy: String,
    /// The metric label as in metrics.csv.
    pub metric: String,
    /// Whether the policy is target tracking (it has a scale-in threshold and two alarms).
    pub target_tracking: bool,
    /// Datapoints, by the start of their period (missing datapoints are not recorded).
    pub value: Track,
    /// Target value or alarm threshold.
    pub target: Track,
    /// Scale-in threshold (target tracking).
    pub scale_in: Track,
    /// Spans with the alarm in ALARM after a datapoint.
    pub spans: Vec<Span>,
    period_s: u64,
}

impl PolicySeries {
    fn new(service: &str, policy: &str, metric: &str, period_s: u64, duration_s: u64) -> Self {
        let w = bucket_width_s(duration_s, period_s);
        PolicySeries {
            service: service.to_string(),
            policy: policy.to_string(),
            metric: metric.to_string(),
            target_tracking: false,
            value: Track::new(w, 0),
            target: Track::new(w, 0),
            scale_in: Track::new(w, 0),
            spans: Vec::new(),
            period_s,
        }
    }

    fn record(&mut self, r: &Datapoint) {
        let t = r.period_start_s;
        if let Some(v) = r.value {
            self.value.push(t, v);
        }
        self.target.push(t, r.target);
        if let Some(v) = r.scale_in_threshold {
            self.scale_in.push(t, v);
            self.target_tracking = true;
        }
        let breach = match r.alarm {
            "ALARM_HIGH" | "ALARM" => Breach::High,
            "ALARM_LOW" => Breach::Low,
            _ => return,
        };
        let w = self.value.width_s();
        let t0 = t / w * w;
        let t1 = (t + self.period_s).div_ceil(w) * w;
        if let Some(last) = self.spans.iter_mut().rev().find(|s| s.breach == breach)
            && last.t1_s >= t0
        {
            last.t1_s = last.t1_s.max(t1);
            return;
        }
        self.spans.push(Span {
            t0_s: t0,
            t1_s: t1,
            breach,
        });
    }
}

/// Everything the charts draw.
#[derive(Debug, Clone)]
pub struct ChartData {
    /// Simulated seconds.
    pub duration_s: u64,
    /// Bucket width of the per-minute series, s.
    pub width_s: u64,
    /// Services (batch job streams excluded).
    pub service_count: usize,
    /// The charted services, by name.
    pub services: Vec<ServiceSeries>,
    /// All services together.
    pub total: TaskTracks,
    /// Capacity providers, then the launch type buckets in use (as in capacity.csv).
    pub providers: Vec<ProviderSeries>,
    /// Scaling metrics, in the order first seen.
    pub policies: Vec<PolicySeries>,
    slot: Vec<Option<usize>>,
    policy_index: BTreeMap<String, BTreeMap<String, usize>>,
}

impl ChartData {
    /// Empty series for `sc`; `columns` are the per-provider count indexes in use (the
    /// providers, then `np` for launch type FARGATE and `np + 1` for EC2, as in
    /// [`crate::report::series::Series::columns`]).
    pub fn new(sc: &Scenario, columns: &[usize]) -> ChartData {
        let duration_s = sc.duration / 1000;
        let w = bucket_width_s(duration_s, 60);
        let mut order: Vec<usize> = (0..sc.services.len())
            .filter(|&s| sc.services[s].job.is_none())
            .collect();
        let service_count = order.len();
        order.sort_by(|&a, &b| sc.services[a].name.cmp(&sc.services[b].name));
        order.truncate(MAX_SERVICE_CHARTS);
        let mut slot = vec![None; sc.services.len()];
        let mut services = Vec::new();
        let mut policies = Vec::new();
        let mut policy_index: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for &s in &order {
            let svc = &sc.services[s];
            slot[s] = Some(services.len());
            services.push(ServiceSeries {
                name: svc.name.clone(),
                traffic: svc.load.as_ref().is_some_and(|l| l.traffic.is_some()),
                tasks: TaskTracks::new(w),
                offered: Track::new(w, 60),
                served: Track::new(w, 60),
            });
            for pol in svc.auto_scaling.iter().flat_map(|a| &a.policies) {
                let q = pol.query();
                policy_index
                    .entry(svc.name.clone())
                    .or_default()
                    .insert(pol.name.clone(), policies.len());
                policies.push(PolicySeries::new(
                    &svc.name,
                    &pol.name,
                    &q.label,
                    q.period / 1000,
                    duration_s,
                ));
            }
        }
        let np = sc.providers.len();
        let mut providers = Vec::new();
        for &b in columns {
            let (name, fargate) = if b < np {
                (
                    sc.providers[b].name.clone(),
                    sc.providers[b].kind.is_fargate(),
                )
            } else if b == np {
                ("launchType:FARGATE".to_string(), true)
            } else {
                ("launchType:EC2".to_string(), false)
            };
            providers.push(ProviderSeries {
                name,
                fargate,
                bucket: b,
                instances: Track::new(w, 60),
                tasks: Track::new(w, 60),
                cost_usd: Track::new(w, 60),
            });
        }
        ChartData {
            duration_s,
            width_s: w,
            service_count,
            services,
            total: TaskTracks::new(w),
            providers,
            policies,
            slot,
            policy_index,
        }
    }

    /// Records a datapoint (a metrics.csv row): a charted service's policy, or (service `""`)
    /// a capacity provider's managed scaling, registered when first seen. Other services'
    /// datapoints are ignored.
    pub fn metric(&mut self, r: &Datapoint) {
        let service = r.service;
        let known = self
            .policy_index
            .get(service)
            .and_then(|m| m.get(r.policy))
            .copied();
        let i = match known {
            Some(i) => i,
            None if service.is_empty() => {
                let i = self.policies.len();
                self.policies.push(PolicySeries::new(
                    "",
                    r.policy,
                    r.metric,
                    60,
                    self.duration_s,
                ));
                self.policy_index
                    .entry(String::new())
                    .or_default()
                    .insert(r.policy.to_string(), i);
                i
            }
            None => return,
        };
        self.policies[i].record(r);
    }

    /// Records one capacity provider bucket (index into [`ChartData::providers`]) for the
    /// minute ending at `t_s`: instances, tasks holding capacity, and the provider's cumulative
    /// cost so far in USD.
    pub fn provider_minute(
        &mut self,
        i: usize,
        t_s: u64,
        instances: u64,
        tasks: u64,
        cost_usd: f64,
    ) {
        if let Some(p) = self.providers.get_mut(i) {
            p.instances.push(t_s, instances as f64);
            p.tasks.push(t_s, tasks as f64);
            p.cost_usd.push(t_s, cost_usd);
        }
    }

    /// Records the minute that just closed: each charted service's tasks and offered / served
    /// rps, the all-services totals (batch job streams excluded) and each capacity bucket's
    /// figures. O(services + providers).
    pub fn minute(&mut self, m: &Minute<'_>) {
        let t_s = m.end() / 1000;
        let (mut desired, mut running, mut pending) = (0u64, 0u64, 0u64);
        for s in 0..m.service_count() {
            let sm = m.service(ServiceId::new(s));
            if sm.job {
                continue;
            }
            let d = u64::from(sm.desired);
            let r = u64::from(sm.running);
            let p = u64::from(sm.pending);
            desired += d;
            running += r;
            pending += p;
            if let Some(Some(i)) = self.slot.get(s) {
                let series = &mut self.services[*i];
                series.tasks.push(t_s, d, r, p);
                series.offered.push(t_s, sm.offered / 60.0);
                series.served.push(t_s, sm.served / 60.0);
            }
        }
        self.total.push(t_s, desired, running, pending);
        for i in 0..self.providers.len() {
            let b = m.bucket(self.providers[i].bucket);
            self.provider_minute(i, t_s, b.instances, b.tasks, b.cumulative_cost_usd);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_width_keeps_a_30_day_run_within_max_points() {
        // 30 days = 2,592,000 s = 43,200 minutes; 43,200 / 1,440 = 30 exactly, so the bucket
        // is 30 minutes (1,800 s) and the run makes 2,592,000 / 1,800 = 1,440 buckets.
        let d = 30 * 86_400;
        let w = bucket_width_s(d, 60);
        assert_eq!(w, 1800);
        assert_eq!(d.div_ceil(w), 1440);
        // A 4-hour run keeps every minute: 240 buckets of 60 s.
        assert_eq!(bucket_width_s(4 * 3600, 60), 60);
        // One day and one minute: 1,441 minutes need two-minute buckets (ceil(1441 / 1440) = 2),
        // 721 of them.
        let d = 86_400 + 60;
        assert_eq!(bucket_width_s(d, 60), 120);
        assert_eq!(d.div_ceil(120), 721);
        // 20-second datapoints over 6 hours: 1,080 periods, all kept.
        assert_eq!(bucket_width_s(6 * 3600, 20), 20);
        // 5-minute datapoints over 30 days: 8,640 periods → ceil(8640 / 1440) = 6 periods a
        // bucket = 1,800 s.
        assert_eq!(bucket_width_s(30 * 86_400, 300), 1800);
    }

    #[test]
    fn a_30_day_track_holds_1440_points_with_the_envelope() {
        // One sample a minute stamped at the minute's end (60, 120, …, 2,592,000 s) into
        // 1,800-s buckets, lag 60: sample k (t = 60k) falls in bucket (60k − 60) / 1800 =
        // (k − 1) / 30, so k = 1..43,200 fill buckets 0..1439 with 30 samples each.
        let mut tr = Track::new(bucket_width_s(30 * 86_400, 60), 60);
        for k in 1..=43_200u64 {
            // A sawtooth k mod 30 so every bucket holds each of 0..29 once.
            tr.push(k * 60, (k % 30) as f64);
        }
        let p = tr.points();
        assert_eq!(p.len(), 1440);
        // Bucket 1: k = 31..60 → values 1..29 then 0: mean 14.5, min 0, max 29, last 0 (k = 60);
        // mean time 60 × (31 + 60) / 2 = 2,730 s.
        assert_eq!(p[1].mean, 14.5);
        assert_eq!((p[1].min, p[1].max, p[1].last), (0.0, 29.0, 0.0));
        assert_eq!(p[1].t_s, 2730.0);
        // The last bucket ends with the run's last minute (k = 43,200, t = 2,592,000 s).
        assert_eq!(p[1439].last, 0.0);
        assert_eq!(p[1439].t_s, 60.0 * (43_171.0 + 43_200.0) / 2.0);
    }

    #[test]
    fn alarm_spans_merge_while_adjacent() {
        let mut ps = PolicySeries::new("web", "cpu", "CPU", 60, 3600);
        let row = |t: u64, alarm: &'static str| Datapoint {
            service: "web",
            period_start_s: t,
            published_s: 0.0,
            policy: "cpu",
            metric: "CPU",
            value: Some(1.0),
            target: 50.0,
            scale_in_threshold: Some(45.0),
            alarm,
        };
        // HIGH at 0 and 60 → one span [0, 120); OK at 120; HIGH at 180 → a new span [180, 240);
        // LOW at 240 → a low span [240, 300).
        for (t, a) in [
            (0, "ALARM_HIGH"),
            (60, "ALARM_HIGH"),
            (120, "OK"),
            (180, "ALARM_HIGH"),
            (240, "ALARM_LOW"),
        ] {
            ps.record(&row(t, a));
        }
        let s: Vec<(u64, u64, Breach)> = ps
            .spans
            .iter()
            .map(|s| (s.t0_s, s.t1_s, s.breach))
            .collect();
        assert_eq!(
            s,
            vec![
                (0, 120, Breach::High),
                (180, 240, Breach::High),
                (240, 300, Breach::Low)
            ]
        );
        assert!(ps.target_tracking);
        assert_eq!(ps.value.len(), 5);
        // An infinite datapoint (x / 0 in metric math) is not drawn: still 5 buckets.
        ps.record(&Datapoint {
            value: Some(f64::INFINITY),
            ..row(300, "OK")
        });
        assert_eq!(ps.value.len(), 5);
    }
}
