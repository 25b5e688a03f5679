//! The activity log: every scaling decision, scheduled action, cluster scaling action, fault and
//! deployment step, with its cause as a typed value ([`Cause`]) that carries the decision's
//! numbers. The sentence a reader sees (report.json's `cause`, activities.csv, report.html) is
//! the cause's `Display`, made only when a file is written; report.json's `detail` is the
//! value itself (tagged by `type`), and `ecsim explain` reads that, never the sentence.

use crate::engine::Millis;
use crate::scaling::alarm::{Breach, Shown};
use crate::scaling::policy::{Direction, TargetTrackingRule};
use crate::scaling::step::StepArithmetic;
use crate::scenario::ThresholdType;
use crate::scenario::defaults::{CIRCUIT_BREAKER_MAX, CIRCUIT_BREAKER_MIN};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// One entry of the activity log (report.json `activities`, activities.csv).
///
/// Serialized as `time_s`, `kind`, `service` and `capacity_provider` (each left out when
/// None), `from`, `to`, `cause` (the sentence, [`Cause`]'s `Display`) and `detail` (the
/// [`Cause`] itself). Deserializing reads `detail` into [`Activity::cause`] and ignores the
/// sentence; [`Activity::check`] then says whether `kind` matches it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Activity {
    /// Seconds from the start.
    pub time_s: f64,
    /// What happened ([`Cause::kind`] of the cause).
    pub kind: ActivityKind,
    /// The service.
    pub service: Option<String>,
    /// The capacity provider (cluster scaling, faults of a provider).
    pub capacity_provider: Option<String>,
    /// Desired count (or a group's size) before; None where no count changes.
    pub from: Option<u32>,
    /// Desired count (or a group's size) after.
    pub to: Option<u32>,
    /// Why, with the decision's numbers.
    #[serde(rename = "detail")]
    pub cause: Cause,
}

impl Activity {
    /// An activity at `now` whose kind is its cause's.
    pub fn new(
        now: Millis,
        cause: Cause,
        service: Option<String>,
        capacity_provider: Option<String>,
        from: Option<u32>,
        to: Option<u32>,
    ) -> Activity {
        Activity {
            time_s: now as f64 / 1000.0,
            kind: cause.kind(),
            service,
            capacity_provider,
            from,
            to,
            cause,
        }
    }

    /// Whether `kind` is the kind of the cause (an activity read back from a file may say
    /// otherwise); the message says what disagrees.
    pub fn check(&self) -> Result<(), String> {
        let expected = self.cause.kind();
        if self.kind == expected {
            Ok(())
        } else {
            Err(format!(
                "`{}` does not match its detail: a `{}` detail is a `{expected}` activity",
                self.kind,
                self.cause.type_name()
            ))
        }
    }
}

impl Serialize for Activity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let fields =
            6 + usize::from(self.service.is_some()) + usize::from(self.capacity_provider.is_some());
        let mut st = s.serialize_struct("Activity", fields)?;
        st.serialize_field("time_s", &self.time_s)?;
        st.serialize_field("kind", &self.kind)?;
        match &self.service {
            Some(v) => st.serialize_field("service", v)?,
            None => st.skip_field("service")?,
        }
        match &self.capacity_provider {
            Some(v) => st.serialize_field("capacity_provider", v)?,
            None => st.skip_field("capacity_provider")?,
        }
        st.serialize_field("from", &self.from)?;
        st.serialize_field("to", &self.to)?;
        st.serialize_field("cause", &Sentence(&self.cause))?;
        // On one line, like the sentence: a detail pretty-printed would triple report.json's
        // lines (and the time to write them).
        let detail =
            serde_json::value::to_raw_value(&self.cause).map_err(serde::ser::Error::custom)?;
        st.serialize_field("detail", &detail)?;
        st.end()
    }
}

/// A cause serialized as its sentence, written straight into the output.
struct Sentence<'a>(&'a Cause);

impl Serialize for Sentence<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

/// What an activity is (serialized kebab-case: `scale-out`, `cluster-scale-in`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActivityKind {
    /// A policy raised the desired count.
    ScaleOut,
    /// A policy lowered the desired count.
    ScaleIn,
    /// A scheduled action fired (whether or not the count changed).
    ScheduledAction,
    /// Managed scaling launched instances.
    ClusterScaleOut,
    /// Managed scaling retired instances.
    ClusterScaleIn,
    /// Waiting tasks too large for a managed group's smallest instance type (once per group
    /// of requirements and provider).
    TasksIncompatible,
    /// A FARGATE_SPOT task interrupted, or an EC2 Spot instance given its notice.
    SpotInterruption,
    /// An instance set to DRAINING (managed scale-in, or a Spot notice with managed draining).
    InstanceDraining,
    /// A zone went down.
    ZoneOutage,
    /// A zone came back.
    ZoneRecovered,
    /// An instance failed.
    InstanceFailure,
    /// A task crashed.
    TaskCrash,
    /// A batch job lost its task and is retried.
    JobRetried,
    /// A batch job lost its task and is dropped.
    JobLost,
    /// A rolling deployment (or the circuit breaker's rollback) began.
    DeploymentStarted,
    /// A deployment completed.
    DeploymentCompleted,
    /// The circuit breaker failed a deployment.
    DeploymentFailed,
    /// A task's health check declared it UNHEALTHY and the service stopped it.
    TaskUnhealthy,
    /// The service throttle logic delays a service's next launch (tasks repeatedly failed to
    /// start).
    RestartThrottled,
    /// The service throttle logic let a service go (a task started, a deployment began).
    RestartThrottleEnded,
}

impl ActivityKind {
    /// The kebab-case name, as report.json and activities.csv write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::ScaleOut => "scale-out",
            ActivityKind::ScaleIn => "scale-in",
            ActivityKind::ScheduledAction => "scheduled-action",
            ActivityKind::ClusterScaleOut => "cluster-scale-out",
            ActivityKind::ClusterScaleIn => "cluster-scale-in",
            ActivityKind::TasksIncompatible => "tasks-incompatible",
            ActivityKind::SpotInterruption => "spot-interruption",
            ActivityKind::InstanceDraining => "instance-draining",
            ActivityKind::ZoneOutage => "zone-outage",
            ActivityKind::ZoneRecovered => "zone-recovered",
            ActivityKind::InstanceFailure => "instance-failure",
            ActivityKind::TaskCrash => "task-crash",
            ActivityKind::JobRetried => "job-retried",
            ActivityKind::JobLost => "job-lost",
            ActivityKind::DeploymentStarted => "deployment-started",
            ActivityKind::DeploymentCompleted => "deployment-completed",
            ActivityKind::DeploymentFailed => "deployment-failed",
            ActivityKind::TaskUnhealthy => "task-unhealthy",
            ActivityKind::RestartThrottled => "restart-throttled",
            ActivityKind::RestartThrottleEnded => "restart-throttle-ended",
        }
    }
}

impl fmt::Display for ActivityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind equals its kebab-case name: `kind == "scale-out"`.
impl PartialEq<&str> for ActivityKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Defines [`Cause`] with its `type` tags and [`Cause::type_name`] from one list.
macro_rules! causes {
    ($( $(#[$doc:meta])* $variant:ident($ty:ty) = $tag:literal, )*) => {
        /// Why an activity happened, with its numbers: report.json's `detail` (an object tagged
        /// by `type`, the variant's fields beside it, in any order when read back). `Display` is
        /// the sentence report.json's `cause`, activities.csv and report.html show.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "type")]
        pub enum Cause {
            $( $(#[$doc])* #[serde(rename = $tag)] $variant($ty), )*
        }

        impl Cause {
            /// The `type` tag of report.json's `detail`.
            pub fn type_name(&self) -> &'static str {
                match self {
                    $( Cause::$variant(_) => $tag, )*
                }
            }
        }
    };
}

causes! {
    /// A target tracking policy changed the desired count.
    TargetTracking(TargetTrackingCause) = "target-tracking",
    /// A step scaling policy changed the desired count.
    StepScaling(StepScalingCause) = "step-scaling",
    /// A scheduled action fired.
    ScheduledAction(ScheduledActionCause) = "scheduled-action",
    /// Registering the scalable target moved the desired count into its range.
    ScalableTargetRegistered(ScalableTargetRegisteredCause) = "scalable-target-registered",
    /// Managed scaling launched instances (AlarmHigh).
    ClusterScaleOut(ClusterScaleOutCause) = "cluster-scale-out",
    /// Managed scaling retired instances (AlarmLow).
    ClusterScaleIn(ClusterScaleInCause) = "cluster-scale-in",
    /// Waiting tasks too large for a managed group's smallest instance type.
    TasksIncompatible(IncompatibleCause) = "tasks-incompatible",
    /// A FARGATE_SPOT task was interrupted.
    FargateSpotInterruption(FargateSpotCause) = "fargate-spot-interruption",
    /// An EC2 Spot instance got its two-minute notice.
    Ec2SpotInterruption(Ec2SpotCause) = "ec2-spot-interruption",
    /// An instance was set to DRAINING.
    InstanceDraining(DrainingCause) = "instance-draining",
    /// A zone went down.
    ZoneOutage(ZoneOutageCause) = "zone-outage",
    /// A zone came back.
    ZoneRecovered(ZoneRecoveredCause) = "zone-recovered",
    /// An instance failed.
    InstanceFailure(InstanceFailureCause) = "instance-failure",
    /// A task crashed.
    TaskCrash(TaskCrashCause) = "task-crash",
    /// A batch job lost its task and is retried.
    JobRetried(JobCause) = "job-retried",
    /// A batch job lost its task and is dropped.
    JobLost(JobCause) = "job-lost",
    /// A rolling update to a new revision began.
    DeploymentStarted(DeploymentStartedCause) = "deployment-started",
    /// The circuit breaker's rollback began.
    DeploymentRollback(DeploymentRollbackCause) = "deployment-rollback",
    /// A deployment completed.
    DeploymentCompleted(DeploymentCompletedCause) = "deployment-completed",
    /// The circuit breaker failed a deployment.
    DeploymentFailed(DeploymentFailedCause) = "deployment-failed",
    /// A failing task's health check declared it UNHEALTHY; the service stopped it.
    TaskUnhealthy(TaskUnhealthyCause) = "task-unhealthy",
    /// The service throttle logic delays the next launch.
    RestartThrottled(RestartThrottledCause) = "restart-throttled",
    /// The service throttle logic ended.
    RestartThrottleEnded(RestartThrottleEndedCause) = "restart-throttle-ended",
}

impl Cause {
    /// The kind of activity this cause makes.
    pub fn kind(&self) -> ActivityKind {
        match self {
            Cause::TargetTracking(TargetTrackingCause { direction, .. })
            | Cause::StepScaling(StepScalingCause { direction, .. }) => match direction {
                Direction::Out => ActivityKind::ScaleOut,
                Direction::In => ActivityKind::ScaleIn,
            },
            Cause::ScheduledAction(_) => ActivityKind::ScheduledAction,
            Cause::ScalableTargetRegistered(c) => {
                if c.to > c.desired {
                    ActivityKind::ScaleOut
                } else {
                    ActivityKind::ScaleIn
                }
            }
            Cause::ClusterScaleOut(_) => ActivityKind::ClusterScaleOut,
            Cause::ClusterScaleIn(_) => ActivityKind::ClusterScaleIn,
            Cause::TasksIncompatible(_) => ActivityKind::TasksIncompatible,
            Cause::FargateSpotInterruption(_) | Cause::Ec2SpotInterruption(_) => {
                ActivityKind::SpotInterruption
            }
            Cause::InstanceDraining(_) => ActivityKind::InstanceDraining,
            Cause::ZoneOutage(_) => ActivityKind::ZoneOutage,
            Cause::ZoneRecovered(_) => ActivityKind::ZoneRecovered,
            Cause::InstanceFailure(_) => ActivityKind::InstanceFailure,
            Cause::TaskCrash(_) => ActivityKind::TaskCrash,
            Cause::JobRetried(_) => ActivityKind::JobRetried,
            Cause::JobLost(_) => ActivityKind::JobLost,
            Cause::DeploymentStarted(_) | Cause::DeploymentRollback(_) => {
                ActivityKind::DeploymentStarted
            }
            Cause::DeploymentCompleted(_) => ActivityKind::DeploymentCompleted,
            Cause::DeploymentFailed(_) => ActivityKind::DeploymentFailed,
            Cause::TaskUnhealthy(_) => ActivityKind::TaskUnhealthy,
            Cause::RestartThrottled(_) => ActivityKind::RestartThrottled,
            Cause::RestartThrottleEnded(_) => ActivityKind::RestartThrottleEnded,
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::TargetTracking(c) => c.fmt(f),
            Cause::StepScaling(c) => c.fmt(f),
            Cause::ScheduledAction(c) => c.fmt(f),
            Cause::ScalableTargetRegistered(c) => c.fmt(f),
            Cause::ClusterScaleOut(c) => c.fmt(f),
            Cause::ClusterScaleIn(c) => c.fmt(f),
            Cause::TasksIncompatible(c) => c.fmt(f),
            Cause::FargateSpotInterruption(c) => c.fmt(f),
            Cause::Ec2SpotInterruption(c) => c.fmt(f),
            Cause::InstanceDraining(c) => c.fmt(f),
            Cause::ZoneOutage(c) => c.fmt(f),
            Cause::ZoneRecovered(c) => c.fmt(f),
            Cause::InstanceFailure(c) => c.fmt(f),
            Cause::TaskCrash(c) => c.fmt(f),
            Cause::JobRetried(c) => c.fmt(f, true),
            Cause::JobLost(c) => c.fmt(f, false),
            Cause::DeploymentStarted(c) => c.fmt(f),
            Cause::DeploymentRollback(c) => c.fmt(f),
            Cause::DeploymentCompleted(c) => c.fmt(f),
            Cause::DeploymentFailed(c) => c.fmt(f),
            Cause::TaskUnhealthy(c) => c.fmt(f),
            Cause::RestartThrottled(c) => c.fmt(f),
            Cause::RestartThrottleEnded(c) => c.fmt(f),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Service auto scaling

/// A target tracking policy's decision: `policy cpu50: alarm cpu50-AlarmHigh: 3 of 3
/// datapoints > 50 (71.2, 78.0, 80.4); running 4 → ceil(4 × 80.4 / 50) = 7`, then ` (largest
/// of N proposals)` when several competed and ` (inside the scale-out cooldown: from the
/// RUNNING count when it began)` when the chain's count was the base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetTrackingCause {
    /// The policy's `PolicyName`.
    pub policy: String,
    /// `out` or `in`.
    pub direction: Direction,
    /// The alarm that fired (`{policy}-AlarmHigh` or `-AlarmLow`), as it stood.
    pub alarm: Breach,
    /// How the capacity was computed.
    pub rule: TargetTrackingRule,
    /// How many policies' proposals competed (the largest won when more than one).
    pub proposals: u32,
    /// A scale-out inside the scale-out cooldown computed from the RUNNING count when the
    /// chain of scale-outs began.
    pub running_from_chain_start: bool,
}

impl TargetTrackingCause {
    /// What follows the alarm in the sentence: the arithmetic and how it won.
    pub fn formula(&self) -> impl fmt::Display + '_ {
        struct F<'a>(&'a TargetTrackingCause);
        impl fmt::Display for F<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.rule.fmt(f)?;
                write_largest(f, self.0.proposals)?;
                if self.0.running_from_chain_start {
                    f.write_str(
                        " (inside the scale-out cooldown: from the RUNNING count when it began)",
                    )?;
                }
                Ok(())
            }
        }
        F(self)
    }
}

impl fmt::Display for TargetTrackingCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_policy(f, &self.policy, &self.alarm, self.formula())
    }
}

/// `policy P: ALARM; FORMULA`, the sentence of a policy's decision — piece by piece (the most
/// frequent cause): cheaper than one `write!`.
fn write_policy(
    f: &mut fmt::Formatter<'_>,
    policy: &str,
    alarm: &Breach,
    formula: impl fmt::Display,
) -> fmt::Result {
    f.write_str("policy ")?;
    f.write_str(policy)?;
    f.write_str(": ")?;
    fmt::Display::fmt(alarm, f)?;
    f.write_str("; ")?;
    fmt::Display::fmt(&formula, f)
}

/// A step scaling policy's decision: `policy q: alarm q-high: 1 of 1 datapoints > 50 (70.0);
/// step [15, +∞) → +30% of 11 = 3.3 → 3 → 14`, then ` (largest of N proposals)` when several
/// competed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepScalingCause {
    /// The policy's `PolicyName`.
    pub policy: String,
    /// `out` or `in`.
    pub direction: Direction,
    /// The policy's alarm, as it stood.
    pub alarm: Breach,
    /// The step and its adjustment.
    pub step: StepArithmetic,
    /// How many policies' proposals competed (the largest won when more than one).
    pub proposals: u32,
}

impl StepScalingCause {
    /// What follows the alarm in the sentence: the step's arithmetic and how it won.
    pub fn formula(&self) -> impl fmt::Display + '_ {
        struct F<'a>(&'a StepScalingCause);
        impl fmt::Display for F<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.step.fmt(f)?;
                write_largest(f, self.0.proposals)
            }
        }
        F(self)
    }
}

impl fmt::Display for StepScalingCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_policy(f, &self.policy, &self.alarm, self.formula())
    }
}

/// ` (largest of N proposals)` when N > 1.
fn write_largest(f: &mut fmt::Formatter<'_>, proposals: u32) -> fmt::Result {
    if proposals > 1 {
        write!(f, " (largest of {proposals} proposals)")
    } else {
        Ok(())
    }
}

/// A scheduled action: `scheduled action morning (cron(0 8 * * ? *) in America/New_York):
/// MinCapacity 2 → 8, MaxCapacity 20 → 20; desired 2 is below the new MinCapacity → 8`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledActionCause {
    /// The action's `ScheduledActionName`.
    pub action: String,
    /// Its schedule as the sentence shows it (expression, time zone, start and end).
    pub schedule: String,
    /// MinCapacity before.
    pub min_before: u32,
    /// MinCapacity after.
    pub min_after: u32,
    /// MaxCapacity before.
    pub max_before: u32,
    /// MaxCapacity after.
    pub max_after: u32,
    /// The desired count before.
    pub desired: u32,
    /// The desired count after: `desired` forced into [min_after, max_after].
    pub to: u32,
}

impl fmt::Display for ScheduledActionCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "scheduled action {} ({}): ", self.action, self.schedule)?;
        write!(f, "{}; {}", self.bounds(), self.effect())
    }
}

impl ScheduledActionCause {
    /// `MinCapacity 2 → 8, MaxCapacity 20 → 20`.
    pub fn bounds(&self) -> impl fmt::Display + '_ {
        struct B<'a>(&'a ScheduledActionCause);
        impl fmt::Display for B<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let c = self.0;
                write!(
                    f,
                    "MinCapacity {} → {}, MaxCapacity {} → {}",
                    c.min_before, c.min_after, c.max_before, c.max_after
                )
            }
        }
        B(self)
    }

    /// What the new bounds did to the desired count: `desired 2 is below the new MinCapacity →
    /// 8`, `desired 9 is above the new MaxCapacity → 3` or `desired 4 is within the range`.
    pub fn effect(&self) -> impl fmt::Display + '_ {
        struct E<'a>(&'a ScheduledActionCause);
        impl fmt::Display for E<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let (desired, to) = (self.0.desired, self.0.to);
                match to.cmp(&desired) {
                    std::cmp::Ordering::Greater => {
                        write!(f, "desired {desired} is below the new MinCapacity → {to}")
                    }
                    std::cmp::Ordering::Less => {
                        write!(f, "desired {desired} is above the new MaxCapacity → {to}")
                    }
                    std::cmp::Ordering::Equal => write!(f, "desired {desired} is within the range"),
                }
            }
        }
        E(self)
    }
}

/// Registering the scalable target moved the desired count into its range (a `scale-out` or
/// `scale-in`): `RegisterScalableTarget MinCapacity 4, MaxCapacity 10: desired 2 is below
/// MinCapacity → 4` (or `desired 12 is above MaxCapacity → 8`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalableTargetRegisteredCause {
    /// The MinCapacity registered.
    pub min_capacity: u32,
    /// The MaxCapacity registered.
    pub max_capacity: u32,
    /// The service's desired count before.
    pub desired: u32,
    /// The desired count after: `desired` moved into [min_capacity, max_capacity].
    pub to: u32,
}

impl fmt::Display for ScalableTargetRegisteredCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RegisterScalableTarget MinCapacity {}, MaxCapacity {}: desired {} is ",
            self.min_capacity, self.max_capacity, self.desired
        )?;
        if self.to > self.desired {
            write!(f, "below MinCapacity → {}", self.to)
        } else {
            write!(f, "above MaxCapacity → {}", self.to)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cluster auto scaling

/// The CapacityProviderReservation a managed group's alarm saw: M instances needed, N in the
/// group (launching included), CPR = M / N × 100 (200 when N = 0 < M, 100 when both are 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reservation {
    /// M: instances its tasks need.
    pub m: u32,
    /// N: instances in the group when measured.
    pub n: u32,
    /// The CPR value.
    pub cpr: f64,
}

impl fmt::Display for Reservation {
    /// `CPR = M/N × 100 = 5/3 × 100 = 166.67`, `CPR = 200 (no instance, 3 needed)` or
    /// `CPR = 100 (no instance, none needed)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (m, n) = (self.m, self.n);
        if n == 0 && m > 0 {
            write!(f, "CPR = 200 (no instance, {m} needed)")
        } else if n == 0 {
            f.write_str("CPR = 100 (no instance, none needed)")
        } else {
            write!(
                f,
                "CPR = M/N × 100 = {m}/{n} × 100 = {}",
                Shown::target(self.cpr)
            )
        }
    }
}

/// What bounds the tasks of a group an instance can take in managed scaling's estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bound {
    /// CPU units.
    Cpu,
    /// Memory.
    Memory,
    /// GPUs.
    Gpus,
    /// Free ENIs (awsvpc tasks).
    Enis,
    /// A static host port (one task per instance).
    Port,
    /// The CPU architecture (a type of the other architecture can run none).
    Arch,
}

impl Bound {
    /// The word the sentence uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Bound::Cpu => "CPU",
            Bound::Memory => "memory",
            Bound::Gpus => "GPUs",
            Bound::Enis => "ENIs",
            Bound::Port => "a static host port",
            Bound::Arch => "CPU architecture",
        }
    }
}

/// One group of waiting tasks with the same resource requirements (across services), packed
/// onto the Auto Scaling group's largest instance type, as AWS's managed scale-out does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskGroup {
    /// The services whose tasks are in the group.
    pub services: Vec<String>,
    /// Waiting tasks.
    pub tasks: u32,
    /// CPU units each.
    pub cpu: u32,
    /// MiB each.
    pub memory: u32,
    /// Tasks one instance of the largest type takes, after the daemons' reservation.
    pub per_instance: u32,
    /// What bounds `per_instance`.
    pub bound: Bound,
    /// The largest type's amount of that resource left after the daemons' tasks (CPU units,
    /// MiB, GPUs or awsvpc tasks; 1 for a host port).
    pub room: u32,
    /// The daemons' tasks' share of it on that type.
    pub reserved: u32,
    /// ceil(tasks / per_instance).
    pub instances: u32,
}

impl TaskGroup {
    /// `(2048 − 256 for daemons) / 1024 = 1 an instance, by CPU`, `7987 / 2048 = 3 an
    /// instance, by memory`, `1 an instance, by a static host port`.
    fn per_words(&self) -> String {
        let room = if self.reserved > 0 {
            format!(
                "({} − {} for daemons)",
                self.room + self.reserved,
                self.reserved
            )
        } else {
            self.room.to_string()
        };
        let (per, by) = (self.per_instance, self.bound.as_str());
        match self.bound {
            Bound::Cpu => format!("{room} / {} = {per} an instance, by {by}", self.cpu),
            Bound::Memory => format!("{room} / {} = {per} an instance, by {by}", self.memory),
            Bound::Gpus => format!("{room} GPUs = {per} an instance, by {by}"),
            Bound::Enis => format!("{room} awsvpc tasks = {per} an instance, by {by}"),
            Bound::Port | Bound::Arch => format!("{per} an instance, by {by}"),
        }
    }
}

impl fmt::Display for TaskGroup {
    /// `ceil(5 / 2) = 3 for web, api (1024 CPU units, 2048 MiB; 2048 / 1024 = 2 an instance,
    /// by CPU)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ceil({} / {}) = {} for {} ({} CPU units, {} MiB; {})",
            self.tasks,
            self.per_instance,
            self.instances,
            self.services.join(", "),
            self.cpu,
            self.memory,
            self.per_words()
        )
    }
}

/// How managed scaling counted M, the instances the provider's tasks need: the instances
/// running a task that is not a daemon's, plus each group of waiting tasks packed onto the
/// largest instance type; waiting tasks larger than the smallest type are left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Estimate {
    /// Instances running at least one task that is not a DAEMON service's.
    pub busy: u32,
    /// The groups of waiting tasks, in the order their services are listed.
    pub groups: Vec<TaskGroup>,
    /// Waiting tasks larger than the group's smallest instance type (not counted).
    pub incompatible: u32,
}

impl Estimate {
    /// M.
    pub fn m(&self) -> u32 {
        self.busy + self.groups.iter().map(|g| g.instances).sum::<u32>()
    }
}

impl fmt::Display for Estimate {
    /// `M = 1 with tasks + ceil(2 / 2) = 1 for web, api (…) = 2`, then `; 3 waiting tasks
    /// larger than the smallest instance type left out`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "M = {} with tasks", self.busy)?;
        for g in &self.groups {
            write!(f, " + {g}")?;
        }
        if !self.groups.is_empty() {
            write!(f, " = {}", self.m())?;
        }
        if self.incompatible > 0 {
            write!(
                f,
                "; {} waiting task{} larger than the smallest instance type left out",
                self.incompatible,
                if self.incompatible == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

/// Waiting tasks a managed group can't run: `2 waiting tasks of web (4096 CPU units, 8192
/// MiB) need more CPU than the smallest instance type offers (2048 on m5.large, after daemon
/// tasks): they can't run with this capacity provider, and managed scaling does not scale out
/// for them`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncompatibleCause {
    /// The services whose tasks have these requirements.
    pub services: Vec<String>,
    /// Waiting tasks.
    pub tasks: u32,
    /// CPU units each.
    pub cpu: u32,
    /// MiB each.
    pub memory: u32,
    /// The first requirement the smallest type cannot meet.
    pub bound: Bound,
    /// The smallest instance type (for that requirement).
    pub instance_type: String,
    /// What that type offers of it (after the daemons' reservation): CPU units, MiB, GPUs or
    /// awsvpc tasks; 0 for a host port the daemons hold.
    pub offers: u32,
}

impl fmt::Display for IncompatibleCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} waiting task{} of {} ({} CPU units, {} MiB) need{} more {} than the smallest \
             instance type offers ({} on {}, after daemon tasks): {} can't run with this \
             capacity provider, and managed scaling does not scale out for {}",
            self.tasks,
            if self.tasks == 1 { "" } else { "s" },
            self.services.join(", "),
            self.cpu,
            self.memory,
            if self.tasks == 1 { "s" } else { "" },
            self.bound.as_str(),
            self.offers,
            self.instance_type,
            if self.tasks == 1 { "it" } else { "they" },
            if self.tasks == 1 { "it" } else { "them" },
        )
    }
}

/// Managed scaling launched instances: `alarm AlarmHigh: CPR = M/N × 100 = 3/3 × 100 = 100 >
/// 50; launch clamp(ceil(3 × 100 / 50) − 3, 1, 10000) = 3`, then ` → 2 (maxSize 5)` when the
/// group's maxSize cut it, then `; M = …` (the [`Estimate`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterScaleOutCause {
    /// The datapoint AlarmHigh saw.
    pub reservation: Reservation,
    /// How M was counted.
    pub estimate: Estimate,
    /// `targetCapacity`.
    pub target: u32,
    /// `minimumScalingStepSize`.
    pub min_step: u32,
    /// `maximumScalingStepSize`.
    pub max_step: u32,
    /// clamp(ceil(M × 100 / target) − N, min_step, max_step).
    pub step: u32,
    /// Instances launched: `step`, at most maxSize − the group's size.
    pub launch: u32,
    /// The group's `maxSize`.
    pub max_size: u32,
}

impl fmt::Display for ClusterScaleOutCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.reservation;
        write!(
            f,
            "alarm AlarmHigh: {r} > {}; launch clamp(ceil({} × 100 / {}) − {}, {}, {}) = {}",
            self.target, r.m, self.target, r.n, self.min_step, self.max_step, self.step
        )?;
        if self.launch < self.step {
            write!(f, " → {} (maxSize {})", self.launch, self.max_size)?;
        }
        write!(f, "; {}", self.estimate)
    }
}

/// Managed scaling retired instances: `alarm AlarmLow: CPR = M/N × 100 = 2/5 × 100 = 40 < 100
/// for 15 datapoints; toward max(ceil(2 × 100 / 100), minSize 1) = 2, at most half of 5 = 2 a
/// minute`, then `; only 1 is empty (managed termination protection keeps instances with
/// tasks)` when fewer could go.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterScaleInCause {
    /// The datapoint AlarmLow saw (the latest of its window).
    pub reservation: Reservation,
    /// `targetCapacity`.
    pub target: u32,
    /// AlarmLow's datapoints: 15.
    pub datapoints: u32,
    /// The group's `minSize`.
    pub min_size: u32,
    /// max(ceil(M × 100 / target), minSize): the size aimed at.
    pub wanted: u32,
    /// Instances in service (registered and not leaving).
    pub in_service: u32,
    /// At most half of them a minute, at least one.
    pub limit: u32,
    /// Instances to retire: min(in_service − wanted, limit).
    pub remove: u32,
    /// Instances retired (fewer than `remove` when termination protection keeps busy ones).
    pub retired: u32,
}

impl fmt::Display for ClusterScaleInCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.reservation;
        write!(
            f,
            "alarm AlarmLow: {r} < {} for {} datapoints; toward max(ceil({} × 100 / {}), minSize {}) = {}, at most half of {} = {} a minute",
            self.target,
            self.datapoints,
            r.m,
            self.target,
            self.min_size,
            self.wanted,
            self.in_service,
            self.limit
        )?;
        if let Some(note) = self.protection_note() {
            write!(f, "; {note}")?;
        }
        Ok(())
    }
}

impl ClusterScaleInCause {
    /// `only 1 is empty (managed termination protection keeps instances with tasks)` when
    /// fewer instances were retired than wanted.
    pub fn protection_note(&self) -> Option<impl fmt::Display + '_> {
        struct N(u32);
        impl fmt::Display for N {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "only {} {} (managed termination protection keeps instances with tasks)",
                    self.0,
                    if self.0 == 1 { "is empty" } else { "are empty" }
                )
            }
        }
        (self.retired < self.remove).then_some(N(self.retired))
    }
}

// ---------------------------------------------------------------------------------------------
// Faults

/// What set off a Spot interruption (serialized `{"rate": 0.5}` or `{"scheduled": {…}}`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Trigger {
    /// A rate fault's draw: interruptions per task-hour (Fargate) or per instance-hour (EC2,
    /// the zone's rate where it has one).
    Rate(f64),
    /// A scheduled fraction of the provider's tasks or instances.
    Scheduled {
        /// How many were interrupted: round(fraction × of).
        count: u32,
        /// How many there were.
        of: u32,
        /// The schedule entry's fraction.
        fraction: f64,
    },
}

impl Trigger {
    /// `rate 0.5 per task-hour`, `scheduled: 3 of 6 tasks (0.5 × 6 rounded)` (`unit` "task" or
    /// "instance").
    fn write(&self, f: &mut fmt::Formatter<'_>, unit: &str) -> fmt::Result {
        match *self {
            Trigger::Rate(r) => write!(f, "rate {r} per {unit}-hour"),
            Trigger::Scheduled {
                count,
                of,
                fraction,
            } => write!(
                f,
                "scheduled: {count} of {of} {unit}s ({fraction} × {of} rounded)"
            ),
        }
    }
}

/// What replaces an interrupted FARGATE_SPOT task (serialized kebab-case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Replacement {
    /// The service starts a replacement.
    Service,
    /// A batch job is retried.
    JobRetried,
    /// A batch job is lost.
    JobLost,
}

/// A FARGATE_SPOT task interrupted: `FARGATE_SPOT interruption (fault spot, rate 0.5 per
/// task-hour): two-minute warning; the task is stopped (SIGTERM, SIGKILL after the stop
/// timeout); the service replaces it`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FargateSpotCause {
    /// The fault's name.
    pub fault: String,
    /// A rate's draw or a scheduled fraction.
    pub trigger: Trigger,
    /// What happens to the work.
    pub replacement: Replacement,
}

impl fmt::Display for FargateSpotCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FARGATE_SPOT interruption (fault {}, ", self.fault)?;
        self.trigger.write(f, "task")?;
        f.write_str(
            "): two-minute warning; the task is stopped (SIGTERM, SIGKILL after the stop timeout)",
        )?;
        f.write_str(match self.replacement {
            Replacement::JobRetried => "; the job is retried",
            Replacement::JobLost => "; the job is lost",
            Replacement::Service => "; the service replaces it",
        })
    }
}

/// Which rule set a noticed EC2 Spot instance DRAINING (serialized kebab-case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpotDrainRule {
    /// The provider's managed instance draining ("Spot interruption ‐ … Amazon ECS-managed
    /// instance draining puts the instance in draining state in response", the
    /// managed-instance-draining page). It wins when both are on: AWS calls the agent
    /// variable redundant then.
    ManagedDraining,
    /// The ECS agent's `ECS_ENABLE_SPOT_INSTANCE_DRAINING=true` (spot-instance-draining page:
    /// "Amazon ECS receives the Spot Instance interruption notice and places the instance in
    /// `DRAINING` status").
    AgentSpotDraining,
}

/// An EC2 Spot instance given its notice: `EC2 Spot interruption of i-00003 in us-east-1a
/// (fault spot, rate 0.2 per instance-hour): two-minute notice; its tasks run until the
/// instance is reclaimed (neither managed draining nor ECS_ENABLE_SPOT_INSTANCE_DRAINING is
/// on); the group launches a replacement`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ec2SpotCause {
    /// The instance.
    pub instance: String,
    /// Its zone.
    pub zone: String,
    /// The fault's name.
    pub fault: String,
    /// A rate's draw or a scheduled fraction.
    pub trigger: Trigger,
    /// The rule that set it DRAINING (its service tasks are replaced elsewhere, then
    /// stopped); None: its tasks run until it is reclaimed.
    pub drained_by: Option<SpotDrainRule>,
    /// The group was scaling it in: no replacement.
    pub scaled_in: bool,
}

impl fmt::Display for Ec2SpotCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "EC2 Spot interruption of {} in {} (fault {}, ",
            self.instance, self.zone, self.fault
        )?;
        self.trigger.write(f, "instance")?;
        write!(
            f,
            "): two-minute notice; {}; {}",
            match self.drained_by {
                Some(SpotDrainRule::ManagedDraining) => {
                    "DRAINING by managed instance draining (managedDraining ENABLED): its service tasks are replaced elsewhere, then stopped"
                }
                Some(SpotDrainRule::AgentSpotDraining) => {
                    "DRAINING by the ECS agent's Spot instance draining (ECS_ENABLE_SPOT_INSTANCE_DRAINING=true): its service tasks are replaced elsewhere, then stopped"
                }
                None => {
                    "its tasks run until the instance is reclaimed (neither managed draining nor ECS_ENABLE_SPOT_INSTANCE_DRAINING is on)"
                }
            },
            if self.scaled_in {
                "it was being scaled in: no replacement"
            } else {
                "the group launches a replacement"
            }
        )
    }
}

/// Why an instance is drained (serialized kebab-case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DrainReason {
    /// Managed scaling retires it.
    ManagedScaleIn,
    /// Its EC2 Spot notice came.
    SpotNotice,
}

/// An instance set to DRAINING: `managed scale-in: instance i-00002 (m5.large, us-east-1b) set
/// to DRAINING: no new tasks; 2 task(s) on it are replaced elsewhere within their deployment
/// limits, then stopped (standalone tasks run on)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrainingCause {
    /// Why.
    pub reason: DrainReason,
    /// The instance.
    pub instance: String,
    /// Its instance type.
    pub instance_type: String,
    /// Its zone.
    pub zone: String,
    /// Tasks on it when drained.
    pub tasks: u32,
}

impl fmt::Display for DrainingCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: instance {} ({}, {}) set to DRAINING: no new tasks; {} task(s) on it are replaced elsewhere within their deployment limits, then stopped (standalone tasks run on)",
            match self.reason {
                DrainReason::ManagedScaleIn => "managed scale-in",
                DrainReason::SpotNotice => "EC2 Spot interruption notice",
            },
            self.instance,
            self.instance_type,
            self.zone,
            self.tasks
        )
    }
}

/// A zone lost: `zone outage (az-a) for 30m: 2 instances and 0 Fargate tasks lost, 2 tasks on
/// those instances killed; nothing launches in the zone until it recovers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneOutageCause {
    /// The fault's name.
    pub fault: String,
    /// The zone.
    pub zone: String,
    /// How long it is down (report.json: `duration_s`, in seconds).
    #[serde(rename = "duration_s", with = "seconds")]
    pub duration: Millis,
    /// Instances lost.
    pub instances_lost: u32,
    /// Fargate tasks lost.
    pub fargate_tasks_lost: u32,
    /// Tasks on the lost instances, killed.
    pub tasks_killed: u32,
}

impl fmt::Display for ZoneOutageCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "zone outage ({}) for {}: {} instances and {} Fargate tasks lost, {} tasks on those instances killed; nothing launches in the zone until it recovers",
            self.fault,
            crate::scenario::units::Duration(self.duration),
            self.instances_lost,
            self.fargate_tasks_lost,
            self.tasks_killed
        )
    }
}

/// A zone back: `zone us-east-1a recovered (az-a): new instances and Fargate tasks may launch
/// there again (running ones are not moved back)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneRecoveredCause {
    /// The fault's name.
    pub fault: String,
    /// The zone.
    pub zone: String,
}

impl fmt::Display for ZoneRecoveredCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "zone {} recovered ({}): new instances and Fargate tasks may launch there again (running ones are not moved back)",
            self.zone, self.fault
        )
    }
}

/// An instance failed: `i-00004 failed (fault flaky): 2 tasks lost; the group launches a
/// replacement`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceFailureCause {
    /// The instance.
    pub instance: String,
    /// The fault's name.
    pub fault: String,
    /// Tasks on it, lost.
    pub tasks: u32,
}

impl fmt::Display for InstanceFailureCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed (fault {}): {} tasks lost; the group launches a replacement",
            self.instance, self.fault, self.tasks
        )
    }
}

/// A task crashed: `a task crashed (fault crashy): it stops at once and the service starts a
/// replacement`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskCrashCause {
    /// The fault's name.
    pub fault: String,
}

impl fmt::Display for TaskCrashCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a task crashed (fault {}): it stops at once and the service starts a replacement",
            self.fault
        )
    }
}

/// How a batch job lost its task (serialized kebab-case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JobLoss {
    /// A FARGATE_SPOT interruption.
    FargateSpotInterruption,
    /// Its task was killed (its instance or zone lost, or it crashed).
    TaskKilled,
}

/// A batch job lost its task: `a FARGATE_SPOT interruption; onInterruption retry: a new task
/// starts` (job-retried) or `its task was killed; onInterruption lose: the job is dropped`
/// (job-lost).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobCause {
    /// How.
    pub reason: JobLoss,
}

impl JobCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>, retried: bool) -> fmt::Result {
        f.write_str(match self.reason {
            JobLoss::FargateSpotInterruption => "a FARGATE_SPOT interruption",
            JobLoss::TaskKilled => "its task was killed",
        })?;
        f.write_str(if retried {
            "; onInterruption retry: a new task starts"
        } else {
            "; onInterruption lose: the job is dropped"
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Deployments

/// A rolling update began: `rolling update to revision 2: at most maximumPercent 200 % of 4 =
/// 8 tasks, at least minimumHealthyPercent 100 % = 4 healthy`, then `; each new task fails its
/// health check with probability 0.5` when it may fail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentStartedCause {
    /// The new revision.
    pub revision: u32,
    /// The desired count.
    pub desired: u32,
    /// `maximumPercent`.
    pub maximum_percent: u32,
    /// floor(desired × maximumPercent / 100): most tasks at once.
    pub max_tasks: u64,
    /// `minimumHealthyPercent`.
    pub minimum_healthy_percent: u32,
    /// ceil(desired × minimumHealthyPercent / 100): fewest healthy tasks.
    pub min_healthy: u64,
    /// The chance each new task fails its health check.
    pub failure_probability: f64,
    /// How a new task comes to count healthy.
    pub health: crate::scenario::HealthyRule,
}

impl fmt::Display for DeploymentStartedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rolling update to revision {}: at most maximumPercent {} % of {} = {} tasks, at least minimumHealthyPercent {} % = {} healthy",
            self.revision,
            self.maximum_percent,
            self.desired,
            self.max_tasks,
            self.minimum_healthy_percent,
            self.min_healthy
        )?;
        write!(f, "; a new task is {}", self.health)?;
        if self.failure_probability > 0.0 {
            write!(
                f,
                "; each new task fails its health check with probability {}",
                self.failure_probability
            )?;
        }
        Ok(())
    }
}

/// The circuit breaker rolls back: `rollback to revision 1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentRollbackCause {
    /// The last completed revision, rolled back to.
    pub revision: u32,
}

impl fmt::Display for DeploymentRollbackCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rollback to revision {}", self.revision)
    }
}

/// A deployment completed: `rolled out revision 2: 4 tasks of it healthy, none of the old` (or
/// `rolled back to revision 1: …`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentCompletedCause {
    /// The revision now running.
    pub revision: u32,
    /// Whether it was the circuit breaker's rollback.
    pub rollback: bool,
    /// Its healthy tasks (the desired count).
    pub tasks: u32,
}

impl fmt::Display for DeploymentCompletedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} revision {}: {} tasks of it healthy, none of the old",
            if self.rollback {
                "rolled back to"
            } else {
                "rolled out"
            },
            self.revision,
            self.tasks
        )
    }
}

/// The circuit breaker failed a deployment: `circuit breaker: 3 tasks of revision 2 failed
/// their health checks with none healthy in between ≥ threshold clamp(ceil(0.5 × 4), 3, 200) =
/// 3 (BOUNDED_PERCENT 50); rolling back to revision 1` (or `; no rollback: the service stays on
/// the failed revision`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFailedCause {
    /// New tasks that failed their health checks (since the last one that became healthy, with
    /// `reset_on_healthy_task`).
    pub failed: u32,
    /// The failed revision.
    pub revision: u32,
    /// The latest desired count, which the percentages multiply.
    pub desired: u32,
    /// `thresholdConfiguration.type`.
    pub threshold_type: ThresholdType,
    /// `thresholdConfiguration.value`.
    pub threshold_value: u32,
    /// The threshold: [`crate::model::deploy::circuit_breaker_threshold`] of the three above.
    pub threshold: u32,
    /// `resetOnHealthyTask`: a task that became healthy set the count back to 0.
    pub reset_on_healthy_task: bool,
    /// The revision rolled back to (None: no rollback).
    pub rollback_to: Option<u32>,
}

impl DeploymentFailedCause {
    /// How the threshold was reached: `clamp(ceil(0.5 × 4), 3, 200) = 3 (BOUNDED_PERCENT 50)`,
    /// `ceil(1.5 × 4) = 6 (UNBOUNDED_PERCENT 150)` or `5 (COUNT)`.
    pub fn threshold_arithmetic(&self) -> impl fmt::Display + '_ {
        struct T<'a>(&'a DeploymentFailedCause);
        impl fmt::Display for T<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let c = self.0;
                let share = f64::from(c.threshold_value) / 100.0;
                match c.threshold_type {
                    ThresholdType::Count => write!(f, "{} (COUNT)", c.threshold),
                    ThresholdType::UnboundedPercent => write!(
                        f,
                        "ceil({share} × {}) = {} (UNBOUNDED_PERCENT {})",
                        c.desired, c.threshold, c.threshold_value
                    ),
                    ThresholdType::BoundedPercent => write!(
                        f,
                        "clamp(ceil({share} × {}), {}, {}) = {} (BOUNDED_PERCENT {})",
                        c.desired,
                        CIRCUIT_BREAKER_MIN,
                        CIRCUIT_BREAKER_MAX,
                        c.threshold,
                        c.threshold_value
                    ),
                }
            }
        }
        T(self)
    }
}

impl fmt::Display for DeploymentFailedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "circuit breaker: {} tasks of revision {} failed their health checks{} ≥ threshold {}",
            self.failed,
            self.revision,
            if self.reset_on_healthy_task {
                " with none healthy in between"
            } else {
                ""
            },
            self.threshold_arithmetic()
        )?;
        match self.rollback_to {
            Some(r) => write!(f, "; rolling back to revision {r}"),
            None => f.write_str("; no rollback: the service stays on the failed revision"),
        }
    }
}

/// A failing task stopped by its health check: `a task of revision 2 is UNHEALTHY: container
/// health check of web failed at RUNNING + 30 s and every 30 s: 3 retries × 30 s = RUNNING + 90
/// s; healthCheckGracePeriodSeconds 120 → stopped at its first verdict from RUNNING + 120 s:
/// RUNNING + 120 s; the service starts a replacement`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskUnhealthyCause {
    /// The task's revision.
    pub revision: u32,
    /// The check whose verdict stopped it, with its numbers.
    pub check: crate::scenario::FailedCheck,
    /// RUNNING → its first UNHEALTHY verdict (report.json: `unhealthy_after_s`).
    #[serde(rename = "unhealthy_after_s", with = "seconds")]
    pub unhealthy_after: Millis,
    /// `healthCheckGracePeriodSeconds`.
    pub grace_s: u32,
    /// RUNNING → stopped (report.json: `stopped_after_s`).
    #[serde(rename = "stopped_after_s", with = "seconds")]
    pub stopped_after: Millis,
}

impl fmt::Display for TaskUnhealthyCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::scenario::FailedCheck;
        let secs = |ms: Millis| format!("{} s", ms as f64 / 1000.0);
        let (u, stop) = (secs(self.unhealthy_after), secs(self.stopped_after));
        write!(f, "a task of revision {} ", self.revision)?;
        match &self.check {
            FailedCheck::None => {
                return write!(
                    f,
                    "failed with no health check defined (health UNKNOWN): it stops when it would have counted healthy, RUNNING + {u} (healthCheckGracePeriodSeconds is unused without checks); the service starts a replacement"
                );
            }
            FailedCheck::Container {
                container,
                interval_s,
                retries,
                start_period_s,
                first_counted,
            } => {
                write!(
                    f,
                    "is UNHEALTHY: container health check of {container} failed at RUNNING + {interval_s} s and every {interval_s} s: "
                )?;
                if *first_counted > 1 {
                    write!(
                        f,
                        "failures before startPeriod {start_period_s} s not counted, the first counted is check {first_counted}; ({first_counted} + {retries} − 1) × {interval_s} s = RUNNING + {u}"
                    )?;
                } else {
                    write!(f, "{retries} retries × {interval_s} s = RUNNING + {u}")?;
                }
            }
            FailedCheck::LoadBalancer {
                interval_s,
                healthy_threshold,
            } => write!(
                f,
                "is UNHEALTHY: load balancer target health check failed: {healthy_threshold} checks × {interval_s} s = RUNNING + {u}"
            )?,
        }
        if self.grace_s > 0 && self.stopped_after > self.unhealthy_after {
            write!(
                f,
                "; healthCheckGracePeriodSeconds {} → stopped at its first verdict from RUNNING + {} s: RUNNING + {stop}",
                self.grace_s, self.grace_s
            )?;
        } else if self.grace_s > 0 {
            write!(
                f,
                "; healthCheckGracePeriodSeconds {} already over → stopped at RUNNING + {stop}",
                self.grace_s
            )?;
        } else {
            write!(f, " → stopped")?;
        }
        f.write_str("; the service starts a replacement")
    }
}

/// Milliseconds written as seconds (`1800.0`) and read back.
mod seconds {
    use crate::engine::Millis;
    use serde::{Deserialize, Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(ms: &Millis, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(*ms as f64 / 1000.0)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Millis, D::Error> {
        let s = f64::deserialize(d)?;
        let ms = (s * 1000.0).round();
        if ms.is_finite() && (0.0..=(Millis::MAX as f64)).contains(&ms) {
            Ok(ms as Millis)
        } else {
            Err(de::Error::custom(format!(
                "{s}: expected a duration in seconds, 0 or more"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaling::alarm::Comparison;
    use crate::scaling::policy::Clamp;

    /// A target tracking scale-out: running 4, the latest datapoint 80.4 vs target 50.
    fn scale_out() -> Activity {
        Activity::new(
            90_000,
            Cause::TargetTracking(TargetTrackingCause {
                policy: "cpu50".into(),
                direction: Direction::Out,
                alarm: Breach {
                    name: "cpu50-AlarmHigh".into(),
                    comparison: Comparison::GreaterThanThreshold,
                    threshold: 50.0,
                    evaluation_periods: 3,
                    datapoints_to_alarm: 3,
                    breaching: 3,
                    datapoints: vec![Some(71.2), Some(78.0), Some(80.4)],
                    missing: None,
                },
                // ceil(4 × 80.4 / 50) = ceil(6.432) = 7.
                rule: TargetTrackingRule::Proportional {
                    running: 4,
                    metric: 80.4,
                    target: 50.0,
                    raw: 7,
                    clamped: None,
                },
                proposals: 1,
                running_from_chain_start: false,
            }),
            Some("web".into()),
            None,
            Some(4),
            Some(7),
        )
    }

    #[test]
    fn the_sentence_is_made_from_the_numbers() {
        let a = scale_out();
        // Direction Out makes a scale-out; 90,000 ms = 90 s.
        assert_eq!((a.kind, a.time_s), (ActivityKind::ScaleOut, 90.0));
        assert_eq!(
            a.cause.to_string(),
            "policy cpu50: alarm cpu50-AlarmHigh: 3 of 3 datapoints > 50 (71.2, 78.0, 80.4); \
             running 4 → ceil(4 × 80.4 / 50) = 7"
        );
        // M = 3 needed, N = 3 in the group: 3/3 × 100 = 100 > 50 → clamp(ceil(3 × 100 / 50)
        // − 3, 1, 10000) = clamp(3, 1, 10000) = 3, cut to 2 by maxSize 5 with 3 in the group.
        // M itself: 1 instance with tasks + 3 waiting tasks of web and api at 2 an instance →
        // 1 + ceil(3 / 2) = 1 + 2 = 3.
        let out = Cause::ClusterScaleOut(ClusterScaleOutCause {
            reservation: Reservation {
                m: 3,
                n: 3,
                cpr: 100.0,
            },
            estimate: Estimate {
                busy: 1,
                groups: vec![TaskGroup {
                    services: vec!["web".into(), "api".into()],
                    tasks: 3,
                    cpu: 1024,
                    memory: 2048,
                    per_instance: 2,
                    bound: Bound::Cpu,
                    room: 2048,
                    reserved: 0,
                    instances: 2,
                }],
                incompatible: 0,
            },
            target: 50,
            min_step: 1,
            max_step: 10_000,
            step: 3,
            launch: 2,
            max_size: 5,
        });
        assert_eq!(
            out.to_string(),
            "alarm AlarmHigh: CPR = M/N × 100 = 3/3 × 100 = 100 > 50; launch clamp(ceil(3 × 100 \
             / 50) − 3, 1, 10000) = 3 → 2 (maxSize 5); M = 1 with tasks + ceil(3 / 2) = 2 for \
             web, api (1024 CPU units, 2048 MiB; 2048 / 1024 = 2 an instance, by CPU) = 3"
        );
        // The step policy's clamp reads as it is written in the step arithmetic.
        assert_eq!(
            Clamp::MaxCapacity(6).to_string(),
            "clamped to MaxCapacity 6"
        );
    }

    #[test]
    fn report_json_holds_both_and_reads_back_the_detail() {
        let a = scale_out();
        let json = serde_json::to_string(&a).expect("serializes");
        let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(v["kind"], "scale-out");
        assert_eq!(v["cause"], a.cause.to_string());
        assert_eq!(v["detail"]["type"], "target-tracking");
        assert_eq!(v["detail"]["rule"]["proportional"]["running"], 4);
        // No capacity provider: the key is left out, as before.
        assert!(v.get("capacity_provider").is_none());
        // Read back, the value is the one written (the sentence is not read).
        let back: Activity = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, a);
        assert_eq!(back.check(), Ok(()));
    }

    #[test]
    fn a_detail_that_disagrees_with_its_kind_is_refused_in_any_key_order() {
        let mut a = scale_out();
        a.kind = ActivityKind::ZoneOutage;
        assert_eq!(
            a.check(),
            Err(
                "`zone-outage` does not match its detail: a `target-tracking` detail is a \
                 `scale-out` activity"
                    .to_string()
            )
        );
        // A tool that rewrote report.json with its keys sorted moved `type` after the
        // fields: it still reads.
        let ok: Cause =
            serde_json::from_str(r#"{"fault": "az", "type": "task-crash"}"#).expect("a task crash");
        assert_eq!(ok, Cause::TaskCrash(TaskCrashCause { fault: "az".into() }));
    }
}

// ---------------------------------------------------------------------------------------------
// The service throttle logic and the Fargate vCPU quotas

/// A launch the Fargate vCPU quota refused: `You’ve reached the limit on the number of vCPUs
/// you can run concurrently (FARGATE: 6144 + 2048 CPU units > quota 6144 = 6 vCPUs)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FargateQuotaRefusal {
    /// Whether it is the Spot quota (FARGATE_SPOT) rather than On-Demand (FARGATE).
    pub spot: bool,
    /// CPU units the account's Fargate tasks held against the quota.
    pub held_cpu: u64,
    /// CPU units the task asked for.
    pub task_cpu: u64,
    /// The quota in CPU units (vCPUs × 1,024).
    pub quota_cpu: u64,
}

/// AWS's reason for a launch beyond a Fargate vCPU quota (with its curly apostrophe).
pub const FARGATE_VCPU_LIMIT_REASON: &str =
    "You\u{2019}ve reached the limit on the number of vCPUs you can run concurrently";

impl fmt::Display for FargateQuotaRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{FARGATE_VCPU_LIMIT_REASON} ({}: {} + {} CPU units > quota {} = {} vCPUs)",
            if self.spot { "FARGATE_SPOT" } else { "FARGATE" },
            self.held_cpu,
            self.task_cpu,
            self.quota_cpu,
            self.quota_cpu as f64 / 1024.0
        )
    }
}

/// Why a start failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum StartFailure {
    /// A task stopped before RUNNING (a deployment's `failAt: "start"`).
    TaskStopped {
        /// The revision it ran.
        revision: u32,
    },
    /// The Fargate vCPU quota refused the launch.
    FargateVcpuQuota(FargateQuotaRefusal),
}

impl fmt::Display for StartFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartFailure::TaskStopped { revision } => write!(
                f,
                "a task of revision {revision} stopped before RUNNING (no startedAt)"
            ),
            StartFailure::FargateVcpuQuota(r) => {
                write!(f, "unable to place a task. Reason: {r}")
            }
        }
    }
}

/// The service throttle logic delays the next launch: `service is unable to consistently
/// start tasks successfully: 2 failed starts in a row (last: …); back-off 1: 30 s × 2^0 =
/// 30 s (at most 1620 s)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestartThrottledCause {
    /// The failed start that set this back-off.
    pub reason: StartFailure,
    /// Failed starts in a row (since a task last started).
    pub consecutive_failures: u32,
    /// Which back-off of the spell this is (1 for the first).
    pub step: u32,
    /// `restartBackoffFirst`, ms.
    pub first_ms: Millis,
    /// `restartBackoffMax`, ms.
    pub max_ms: Millis,
    /// The back-off: min(first × 2^(step − 1), max), ms.
    pub delay_ms: Millis,
}

impl fmt::Display for RestartThrottledCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = |ms: Millis| ms as f64 / 1000.0;
        write!(
            f,
            "service is unable to consistently start tasks successfully: {} failed starts in a row (last: {}); back-off {}: min({} s × 2^{}, {} s) = {} s",
            self.consecutive_failures,
            self.reason,
            self.step,
            s(self.first_ms),
            self.step - 1,
            s(self.max_ms),
            s(self.delay_ms)
        )
    }
}

/// Why the service throttle logic let a service go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ThrottleEnd {
    /// A task of the service reached RUNNING.
    TaskStarted,
    /// A deployment began (a new task definition, or the circuit breaker's rollback).
    Deployment {
        /// The revision deployed.
        revision: u32,
    },
}

/// The throttle ended: `restart throttling ended after 3 back-offs: a task reached RUNNING`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestartThrottleEndedCause {
    /// Why.
    pub reason: ThrottleEnd,
    /// Back-offs in the spell that ended.
    pub steps: u32,
}

impl fmt::Display for RestartThrottleEndedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "restart throttling ended after {} back-offs: ",
            self.steps
        )?;
        match self.reason {
            ThrottleEnd::TaskStarted => f.write_str("a task reached RUNNING"),
            ThrottleEnd::Deployment { revision } => {
                write!(f, "a deployment of revision {revision} began")
            }
        }
    }
}
