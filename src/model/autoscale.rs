//! Application Auto Scaling inside the world: each published datapoint is pushed to the alarms
//! of the policies that read it, alarms in ALARM yield proposals (the pure rules of
//! [`crate::scaling`]), and [`crate::scaling::policy::decide`] turns them into at most one
//! change of the desired count, recorded as an [`Activity`] with its arithmetic. Registering
//! the scalable target (at time 0) moves the desired count into [MinCapacity, MaxCapacity].
//! Scheduled actions change MinCapacity / MaxCapacity at their instants and force the desired
//! count into the new range at once, ignoring cooldowns.

pub use super::activity::Activity;
use super::activity::{
    Cause, ScalableTargetRegisteredCause, ScheduledActionCause, StepScalingCause,
    TargetTrackingCause,
};
use super::observe::Datapoint;
use super::traffic::Point;
use super::world::{Event, TaskState, World};
use crate::engine::{MINUTE, Millis};
use crate::ids::{ProviderId, ServiceId};
use crate::scaling::alarm::{Alarm, AlarmState};
use crate::scaling::policy::{self, Capacity, CooldownState, Proposal, ProposalCause};
use crate::scaling::step::StepPolicy;
use crate::scenario::{HIGH_RES_PERIOD, MetricQuery, MetricRef, PolicyKind, Source, Stat};

/// The runtime state of one policy.
#[derive(Debug, Clone)]
enum PolicyRt {
    TargetTracking { high: Alarm, low: Alarm },
    Step { alarm: Alarm, rule: StepPolicy },
}

/// A service's scalable target at run time.
#[derive(Debug, Clone)]
pub struct Scaler {
    /// MinCapacity in force.
    pub min: u32,
    /// MaxCapacity in force.
    pub max: u32,
    rt: Vec<PolicyRt>,
    cooldown: CooldownState,
    /// RUNNING tasks when the current chain of scale-outs began (see `evaluate_policies`).
    chain_running: Option<u32>,
    /// The target tracking policies without DisableScaleIn (they must agree to scale in).
    scale_in_tt: Vec<usize>,
    /// Scaling activities (scale-out, scale-in, scheduled changes of the count, the move into
    /// the range at registration).
    pub activities: u64,
    /// Whether the target is registered yet: from the start when the starting desired count is
    /// in its range, else at time 0 (when the move into the range is recorded).
    pub registered: bool,
}

impl Scaler {
    /// The runtime state for a checked scalable target.
    pub fn new(a: &crate::scenario::AutoScaling) -> Scaler {
        let rt = a
            .policies
            .iter()
            .map(|p| match &p.kind {
                PolicyKind::TargetTracking { target, .. } => PolicyRt::TargetTracking {
                    high: Alarm::target_tracking_high(&p.name, *target),
                    low: Alarm::target_tracking_low(&p.name, *target),
                },
                PolicyKind::Step {
                    alarm,
                    adjustment,
                    steps,
                    min_adjustment_magnitude,
                    ..
                } => PolicyRt::Step {
                    alarm: Alarm::new(
                        &alarm.name,
                        alarm.threshold,
                        alarm.comparison,
                        alarm.evaluation_periods,
                        alarm.datapoints_to_alarm,
                    )
                    .with_missing_data(alarm.treat_missing_data),
                    rule: StepPolicy {
                        steps: steps.clone(),
                        kind: *adjustment,
                        min_adjustment_magnitude: *min_adjustment_magnitude,
                    },
                },
            })
            .collect();
        Scaler {
            min: a.min,
            max: a.max,
            rt,
            cooldown: CooldownState::default(),
            chain_running: None,
            scale_in_tt: a
                .policies
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    matches!(
                        p.kind,
                        PolicyKind::TargetTracking {
                            disable_scale_in: false,
                            ..
                        }
                    )
                })
                .map(|(i, _)| i)
                .collect(),
            activities: 0,
            registered: false,
        }
    }
}

/// Application Auto Scaling's state for the run: each service's scalable target, and what
/// the policies read (whether any service scales, whether any policy reads a high-resolution
/// metric, which decides whether 20-second periods are closed at all).
#[derive(Debug, Clone)]
pub struct Scaling {
    /// Scalable targets per service.
    pub scalers: Vec<Option<Scaler>>,
    /// Whether any service has a scaling policy.
    pub(crate) any_scaling: bool,
    /// Whether any policy reads a high-resolution metric.
    pub(crate) high_res: bool,
    /// Scratch reused by every publication (no allocation per service per minute): the
    /// policies evaluated now, their proposals.
    evaluated: Vec<usize>,
    proposals: Vec<Proposal>,
}

impl Scaling {
    /// Every service's scalable target, none of them scaled yet.
    pub fn new(scenario: &crate::scenario::Scenario) -> Scaling {
        let mut policies = scenario
            .services
            .iter()
            .filter_map(|s| s.auto_scaling.as_ref())
            .flat_map(|a| a.policies.iter());
        let any_scaling = policies.clone().next().is_some();
        let high_res = policies.any(|p| p.query().period == HIGH_RES_PERIOD);
        Scaling {
            scalers: scenario
                .services
                .iter()
                .map(|s| {
                    s.auto_scaling.as_ref().map(|a| {
                        let mut scaler = Scaler::new(a);
                        // A count already in the range has nothing to move: the target counts
                        // as registered (and takes no event) from the start.
                        scaler.registered = (a.min..=a.max).contains(&s.desired);
                        scaler
                    })
                })
                .collect(),
            any_scaling,
            high_res,
            evaluated: Vec::new(),
            proposals: Vec::new(),
        }
    }
}

impl World {
    /// The value of one metric over the `n` periods ending with period `k`.
    fn metric_value(&self, r: &MetricRef, k: u64, n: u64, high_res: bool) -> Option<f64> {
        if let Stat::Percentile(h) = r.stat
            && let Some(s) = r.source.service()
        {
            return self.percentile(r.source, s, h, k, n, high_res);
        }
        // The statistic folded as the values come (no list per datapoint): the sum from −0.0
        // left to right, as `Iterator::sum` adds, so the figures are those of summing a list.
        let (mut count, mut sum, mut min, mut max) =
            (0u64, -0.0f64, f64::INFINITY, f64::NEG_INFINITY);
        for j in (k + 1).saturating_sub(n)..=k {
            let v = match r.source {
                Source::Custom(c) => self.traffic.custom_points[c].get(j).copied(),
                src => {
                    let s = src.service()?;
                    let l = &self.traffic.loads[s];
                    let p: Option<&Point> = if high_res {
                        l.hr_points.get(j)
                    } else {
                        l.minutes.get(j)
                    };
                    p.and_then(|p| match src {
                        Source::Cpu(_) => p.cpu,
                        Source::Memory(_) => p.memory,
                        Source::RunningTasks(_) => Some(p.running),
                        Source::RequestCount(_) => Some(p.requests),
                        Source::RequestCountPerTarget(_) => Some(p.requests / p.healthy.max(1.0)),
                        Source::QueueVisible(_) => Some(p.backlog),
                        Source::QueueAge(_) => Some(p.age_s),
                        Source::Custom(_) => None,
                    })
                }
            };
            if let Some(v) = v {
                count += 1;
                sum += v;
                min = min.min(v);
                max = max.max(v);
            }
        }
        if count == 0 {
            return None;
        }
        Some(match r.stat {
            Stat::Average => sum / count as f64,
            Stat::Sum => sum,
            Stat::Minimum => min,
            Stat::Maximum => max,
            Stat::SampleCount => count as f64,
            // Percentiles were answered above from the per-task values.
            Stat::Percentile(_) => return None,
        })
    }

    /// The `h` percentile (hundredths of a percent) of service `s`'s per-task CPU or memory
    /// utilisation over the `n` periods ending with `k`, weighted by task-time
    /// ([`super::traffic::weighted_percentile`]); None (missing) when no task ran.
    fn percentile(
        &self,
        src: Source,
        s: usize,
        h: u32,
        k: u64,
        n: u64,
        high_res: bool,
    ) -> Option<f64> {
        let l = &self.traffic.loads[s];
        let ring = if high_res {
            &l.hr_spreads
        } else {
            &l.minute_spreads
        };
        let mut values: Vec<(f64, f64)> = Vec::new();
        for j in (k + 1).saturating_sub(n)..=k {
            if let Some(sp) = ring.get(j) {
                values.extend_from_slice(match src {
                    Source::Memory(_) => &sp.memory,
                    _ => &sp.cpu,
                });
            }
        }
        super::traffic::weighted_percentile(&values, h)
    }

    /// A query's datapoint for the period ending with period `k` (of its own length).
    fn datapoint(&self, q: &MetricQuery, k: u64) -> Option<f64> {
        let high_res = q.period == HIGH_RES_PERIOD;
        let n = if high_res { 1 } else { q.period / MINUTE };
        // A metric alone (no math expression): its value, with no list built.
        let Some(expr) = &q.expr else {
            let (_, r) = q.metrics.first()?;
            return self.metric_value(r, k, n, high_res);
        };
        let values: Vec<(&str, Option<f64>)> = q
            .metrics
            .iter()
            .map(|(id, r)| (id.as_str(), self.metric_value(r, k, n, high_res)))
            .collect();
        /// An id's value: a metric's, or an expression's evaluated in turn (validation refused
        /// circles; `depth` guards anyway).
        fn lookup(
            id: &str,
            values: &[(&str, Option<f64>)],
            exprs: &[(String, crate::scaling::math::Expr)],
            depth: usize,
        ) -> Option<f64> {
            if let Some(v) = values.iter().find(|v| v.0 == id) {
                return v.1;
            }
            let (_, e) = exprs.iter().find(|(x, _)| x == id)?;
            if depth > exprs.len() {
                return None;
            }
            e.eval(&|x| lookup(x, values, exprs, depth + 1))
        }
        expr.eval(&|id| lookup(id, &values, &q.exprs, 0))
    }

    /// Minute `k`'s (or 20-second period `k`'s) datapoints are published: evaluate every policy
    /// whose period ends with it.
    pub(crate) fn publish(&mut self, k: u64, high_res: bool) {
        let now = self.queue.now();
        for s in self.services.ids() {
            if self.scaling.scalers[s.index()].is_none() {
                continue;
            }
            let Some(auto) = self.scenario.services[s.index()].auto_scaling.as_ref() else {
                continue;
            };
            let mut evaluated = std::mem::take(&mut self.scaling.evaluated);
            evaluated.clear();
            for (pi, pol) in auto.policies.iter().enumerate() {
                let q = pol.query();
                let due = if high_res {
                    q.period == HIGH_RES_PERIOD
                } else {
                    q.period != HIGH_RES_PERIOD && (k + 1).is_multiple_of(q.period / MINUTE)
                };
                if !due {
                    // An alarm stays in ALARM between its datapoints: CloudWatch invokes an Auto
                    // Scaling action once a minute while it does, so a step policy on a longer
                    // period is re-invoked each minute (its cooldown decides what that does).
                    if !high_res
                        && q.period > MINUTE
                        && let Some(PolicyRt::Step { alarm, .. }) =
                            self.scaling.scalers[s.index()].as_ref().map(|x| &x.rt[pi])
                        && alarm.state() == AlarmState::Alarm
                    {
                        evaluated.push(pi);
                    }
                    continue;
                }
                let dp = self.datapoint(q, k);
                let period_ms = q.period;
                let scaler = self.scaling.scalers[s.index()]
                    .as_mut()
                    .expect("checked above");
                let (state, target, low_thr) = match &mut scaler.rt[pi] {
                    PolicyRt::TargetTracking { high, low } => {
                        let h = high.push(dp);
                        let l = low.push(dp);
                        let st = match (h, l) {
                            (AlarmState::Alarm, _) => "ALARM_HIGH",
                            (_, AlarmState::Alarm) => "ALARM_LOW",
                            (AlarmState::InsufficientData, _) => "INSUFFICIENT_DATA",
                            _ => "OK",
                        };
                        (st, high.threshold(), Some(low.threshold()))
                    }
                    PolicyRt::Step { alarm, .. } => {
                        let st = alarm.push(dp).as_str();
                        (st, alarm.threshold(), None)
                    }
                };
                let start = (k + 1) * if high_res { HIGH_RES_PERIOD } else { MINUTE };
                self.observer.datapoint(&Datapoint {
                    service: &self.scenario.services[s.index()].name,
                    period_start_s: (start - period_ms) / 1000,
                    published_s: now as f64 / 1000.0,
                    policy: &pol.name,
                    metric: &q.label,
                    value: dp,
                    target,
                    scale_in_threshold: low_thr,
                    alarm: state,
                });
                evaluated.push(pi);
            }
            if !evaluated.is_empty() {
                self.evaluate_policies(s, &evaluated);
            }
            self.scaling.evaluated = evaluated;
        }
    }

    /// Proposals of the policies just evaluated, combined into at most one change.
    fn evaluate_policies(&mut self, s: ServiceId, evaluated: &[usize]) {
        let now = self.queue.now();
        let st = &self.services[s];
        let desired = st.desired;
        let running = st.by_state[TaskState::Running as usize];
        let Some(auto) = self.scenario.services[s.index()].auto_scaling.as_ref() else {
            return;
        };
        let scaler = self.scaling.scalers[s.index()]
            .as_mut()
            .expect("service has a scaler");
        let cap = Capacity {
            running,
            desired,
            min: scaler.min,
            max: scaler.max,
        };
        // Inside a scale-out cooldown "the capacity added by the scale-out that initiated the
        // cooldown is calculated as part of the desired capacity for the next scale-out": target
        // tracking computes from the RUNNING count when the chain began, so only a larger metric
        // scales out further while the added tasks start (model choice; see the reference).
        let in_out_cooldown = scaler.cooldown.out_cooldown(now);
        let base = self.scenario.services[s.index()]
            .model
            .scale_out_cooldown_base;
        let cap_out = Capacity {
            running: match (in_out_cooldown, scaler.chain_running, base) {
                (true, Some(r), crate::scenario::CooldownBase::ChainStart) => r,
                _ => running,
            },
            ..cap
        };
        let mut proposals = std::mem::take(&mut self.scaling.proposals);
        proposals.clear();
        for (pi, pol) in auto.policies.iter().enumerate() {
            match (&pol.kind, &scaler.rt[pi]) {
                (
                    PolicyKind::TargetTracking {
                        target,
                        disable_scale_in,
                        ..
                    },
                    PolicyRt::TargetTracking { high, low },
                ) => {
                    // The all-agree rule reads every policy's current alarm; only policies
                    // evaluated now act.
                    // Inside a scale-in cooldown no scale-in can happen: the low alarm is not
                    // asked (it may sit in ALARM for hours, and its explanation costs).
                    let in_blocked = scaler.cooldown.in_cooldown(now);
                    for (a, c) in [(high, cap_out), (low, cap)] {
                        if in_blocked && std::ptr::eq(a, low) {
                            continue;
                        }
                        if let Some(p) =
                            policy::target_tracking(pi, a, *target, c, *disable_scale_in)
                            && (evaluated.contains(&pi) || p.direction == policy::Direction::In)
                        {
                            proposals.push(p);
                        }
                    }
                }
                (PolicyKind::Step { .. }, PolicyRt::Step { alarm, rule }) => {
                    if !evaluated.contains(&pi) {
                        continue;
                    }
                    if let Some(p) = crate::scaling::step::step_proposal(
                        pi,
                        alarm,
                        rule,
                        desired,
                        scaler.cooldown.out_base(now),
                        scaler.min,
                        scaler.max,
                    ) {
                        proposals.push(p);
                    }
                }
                _ => {}
            }
        }
        // Scale-in is suspended while a deployment is in progress (scale-out continues).
        if self.services[s].deploy.is_some() {
            proposals.retain(|p| p.direction == policy::Direction::Out);
        }
        // In proposals of target tracking policies not evaluated now only vote (all-agree);
        // one of the evaluated ones must be among them for a scale-in to happen now.
        if !proposals.iter().any(|p| evaluated.contains(&p.policy)) {
            self.scaling.proposals = proposals;
            return;
        }
        let cooldowns = |pi: usize| match &auto.policies[pi].kind {
            PolicyKind::TargetTracking {
                out_cooldown,
                in_cooldown,
                ..
            } => (*out_cooldown, *in_cooldown),
            PolicyKind::Step { cooldown, .. } => (*cooldown, *cooldown),
        };
        let decision = policy::decide(
            now,
            &mut scaler.cooldown,
            desired,
            &proposals,
            &scaler.scale_in_tt,
            &cooldowns,
        );
        if let Some(d) = decision {
            scaler.activities += 1;
            if d.direction == policy::Direction::Out && !in_out_cooldown {
                // A chain that starts from zero stays at its smallest first step until the
                // cooldown ends (computed from 0 running, only the from-zero step applies).
                scaler.chain_running = Some(running);
            }
            let name = auto.policies[d.policy].name.clone();
            let (direction, competed) = (d.direction, d.proposals);
            let cause = match proposals.swap_remove(d.winner).cause {
                ProposalCause::TargetTracking { alarm, rule } => {
                    Cause::TargetTracking(TargetTrackingCause {
                        policy: name,
                        direction,
                        alarm,
                        rule,
                        proposals: competed,
                        // A target tracking scale-out inside the cooldown computes from the
                        // RUNNING count when the chain began (see `cap_out`).
                        running_from_chain_start: direction == policy::Direction::Out
                            && in_out_cooldown
                            && base == crate::scenario::CooldownBase::ChainStart,
                    })
                }
                ProposalCause::Step { alarm, step } => Cause::StepScaling(StepScalingCause {
                    policy: name,
                    direction,
                    alarm,
                    step,
                    proposals: competed,
                }),
            };
            self.record(Some(s), Some(d.from), Some(d.to), cause);
            self.set_desired(s, d.to);
        }
        self.scaling.proposals = proposals;
    }

    /// RegisterScalableTarget (at time 0, the service being active): "it changes the resource's
    /// current capacity to a value that is inside of this range" (Application Auto Scaling API
    /// reference), so a desired count outside [MinCapacity, MaxCapacity] moves to the nearer
    /// bound at once — a scaling activity (`scale-out` or `scale-in`) whose cause says so. Only
    /// a target whose count lies outside is given this event; a count already inside is left
    /// alone and records nothing.
    pub(crate) fn register_scalable_target(&mut self, s: ServiceId) {
        let desired = self.services[s].desired;
        let Some(scaler) = self.scaling.scalers[s.index()].as_mut() else {
            return;
        };
        scaler.registered = true;
        let (min, max) = (scaler.min, scaler.max);
        let to = desired.clamp(min, max);
        if to == desired {
            return;
        }
        scaler.activities += 1;
        let cause = Cause::ScalableTargetRegistered(ScalableTargetRegisteredCause {
            min_capacity: min,
            max_capacity: max,
            desired,
            to,
        });
        self.record(Some(s), Some(desired), Some(to), cause);
        self.set_desired(s, to);
    }

    /// A scheduled action fires: new bounds, the desired count forced into them.
    pub(crate) fn scheduled_action(&mut self, s: ServiceId, a: usize) {
        let now = self.queue.now();
        let Some(auto) = self.scenario.services[s.index()].auto_scaling.as_ref() else {
            return;
        };
        let action = &auto.scheduled[a];
        let scaler = self.scaling.scalers[s.index()]
            .as_mut()
            .expect("service has a scaler");
        let (old_min, old_max) = (scaler.min, scaler.max);
        let new_min = action.min.unwrap_or(old_min);
        let new_max = action.max.unwrap_or(old_max);
        // AWS refuses a range that crosses; keep whichever bound the action did not set in step.
        let (new_min, new_max) = if new_min > new_max {
            match (action.min, action.max) {
                (Some(_), None) => (new_min, new_min),
                _ => (new_max, new_max),
            }
        } else {
            (new_min, new_max)
        };
        scaler.min = new_min;
        scaler.max = new_max;
        let desired = self.services[s].desired;
        let to = desired.clamp(new_min, new_max);
        let cause = Cause::ScheduledAction(ScheduledActionCause {
            action: action.name.clone(),
            schedule: action.schedule.describe(),
            min_before: old_min,
            min_after: new_min,
            max_before: old_max,
            max_after: new_max,
            desired,
            to,
        });
        if to != desired {
            scaler.activities += 1;
            self.record(Some(s), Some(desired), Some(to), cause);
            self.set_desired(s, to);
        } else {
            self.record(Some(s), None, None, cause);
        }
        self.schedule_next_action(s, a, Some(now));
    }

    /// Schedules action `a` of service `s` at its next instant: the first at or after the start
    /// when `after` is None, else the first strictly after `after`.
    pub(crate) fn schedule_next_action(&mut self, s: ServiceId, a: usize, after: Option<Millis>) {
        let Some(auto) = self.scenario.services[s.index()].auto_scaling.as_ref() else {
            return;
        };
        let start = self.scenario.start_epoch_ms;
        let after_epoch = match after {
            None => start - 1,
            Some(t) => start + t as i64,
        };
        let next = auto.scheduled[a].schedule.next_after(after_epoch, start);
        if let Some(t) = next {
            let at = (t - start).max(0) as Millis;
            if at < self.scenario.duration {
                self.queue.schedule_at(
                    at,
                    Event::ScheduledAction {
                        service: s,
                        action: a as u32,
                    },
                );
            }
        }
    }

    /// Tells the observer of a service's activity (or, with no service, the cluster's).
    pub(crate) fn record(
        &mut self,
        s: Option<ServiceId>,
        from: Option<u32>,
        to: Option<u32>,
        cause: Cause,
    ) {
        let now = self.queue.now();
        let service = s.map(|s| self.scenario.services[s.index()].name.clone());
        self.observer
            .activity(Activity::new(now, cause, service, None, from, to));
    }

    /// Tells the observer of a capacity provider's activity (with its service, if any).
    pub(crate) fn record_provider(
        &mut self,
        p: ProviderId,
        s: Option<ServiceId>,
        from: Option<u32>,
        to: Option<u32>,
        cause: Cause,
    ) {
        let now = self.queue.now();
        let service = s.map(|s| self.scenario.services[s.index()].name.clone());
        let provider = Some(self.scenario.providers[p.index()].name.clone());
        self.observer
            .activity(Activity::new(now, cause, service, provider, from, to));
    }
}

#[cfg(test)]
mod tests {

    use super::super::world::World;
    use crate::ids::ServiceId;
    use crate::scenario::load_str;

    use super::super::observe::Activities as Acts;

    /// An activity as the tests compare it: (time_s, kind, from, to, the cause's sentence).
    type Act = (f64, String, Option<u32>, Option<u32>, String);

    /// A 30-minute Fargate service of `desired` tasks with a scalable target [min, max], no
    /// policy, and `actions` as its scheduled actions (a JSON list). Returns (time_s, kind,
    /// from, to, sentence) of each activity and the desired count at 60 s.
    fn run(desired: u32, min: u32, max: u32, actions: &str) -> (Vec<Act>, u32) {
        let json = format!(
            r#"{{"name": "r", "seed": 1, "duration": "30m", "start": "2026-01-05T00:00:00Z",
              "capacityProviders": [{{"name": "FARGATE"}}],
              "services": [{{"serviceName": "web", "launchType": "FARGATE", "desiredCount": {desired},
                "taskDefinition": {{"family": "web", "cpu": "256", "memory": "512"}},
                "autoScaling": {{"MinCapacity": {min}, "MaxCapacity": {max}, "policies": [],
                  "scheduledActions": {actions}}}}}]}}"#
        );
        let sc = load_str(&json, "r.json", None, &[]).expect("valid");
        let mut w = World::new(sc, false);
        w.set_observer(Box::new(Acts::default()));
        w.run_until(60_000);
        let at_60 = w.services[ServiceId(0)].desired;
        w.run_until(1_800_000);
        let acts = w.take_observer_as::<Acts>().expect("our observer").0;
        let acts = acts
            .into_iter()
            .map(|a| {
                let text = a.cause.to_string();
                (a.time_s, a.kind.to_string(), a.from, a.to, text)
            })
            .collect();
        (acts, at_60)
    }

    #[test]
    fn registering_the_target_moves_the_desired_count_into_its_range_at_time_0() {
        // desired 2, MinCapacity 4: RegisterScalableTarget raises it to 4 at 0 s, a scale-out.
        let (acts, at_60) = run(2, 4, 10, "[]");
        assert_eq!(
            acts,
            [(
                0.0,
                "scale-out".to_string(),
                Some(2),
                Some(4),
                "RegisterScalableTarget MinCapacity 4, MaxCapacity 10: desired 2 is below \
                 MinCapacity → 4"
                    .to_string()
            )]
        );
        assert_eq!(at_60, 4);
        // desired 12, MaxCapacity 8: lowered to 8 at 0 s, a scale-in.
        let (acts, at_60) = run(12, 1, 8, "[]");
        assert_eq!(
            acts,
            [(
                0.0,
                "scale-in".to_string(),
                Some(12),
                Some(8),
                "RegisterScalableTarget MinCapacity 1, MaxCapacity 8: desired 12 is above \
                 MaxCapacity → 8"
                    .to_string()
            )]
        );
        assert_eq!(at_60, 8);
        // desired 5 in [1, 8]: nothing to move, nothing recorded.
        assert_eq!(run(5, 1, 8, "[]"), (vec![], 5));
    }

    #[test]
    fn the_target_is_registered_before_a_scheduled_action_at_the_start() {
        // desired 2, [4, 10]; an action at the start instant sets MinCapacity 6. Registration
        // first (2 → 4, its own cause), then the action (MinCapacity 4 → 6: 4 → 6).
        let (acts, at_60) = run(
            2,
            4,
            10,
            r#"[{"ScheduledActionName": "floor", "Schedule": "at(2026-01-05T00:00:00)",
                 "ScalableTargetAction": {"MinCapacity": 6}}]"#,
        );
        let got: Vec<_> = acts.iter().map(|a| (a.0, a.1.as_str(), a.2, a.3)).collect();
        assert_eq!(
            got,
            [
                (0.0, "scale-out", Some(2), Some(4)),
                (0.0, "scheduled-action", Some(4), Some(6))
            ]
        );
        assert!(acts[1].4.contains("MinCapacity 4 → 6"), "{}", acts[1].4);
        assert_eq!(at_60, 6);
    }
}
