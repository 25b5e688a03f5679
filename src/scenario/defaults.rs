//! Every default ecsim applies, in one place: the value a scenario gets for what it leaves out,
//! and the fixed numbers of the AWS rules ecsim models. Quotas and limits (the most a scenario
//! may ask for) are in [`super::limits`]; prices, with their sources, in
//! [`crate::cost::prices::PriceTable::builtin`].
//!
//! docs/scenario-reference.md lists them one for one, in this order: §3 the `model` defaults
//! (one row per constant of the first block), §3.2 every other one (a row per constant, named as
//! here). A unit test reads the reference and holds each row to its constant, so the two cannot
//! drift apart.
//!
//! ```
//! use ecsim::scenario::{Model, defaults};
//! // A task behind no load balancer is healthy 40 s after RUNNING; behind one, after the
//! // default health check: 30 s × 5 = 150 s.
//! assert_eq!(Model::default().healthy_after_running, defaults::HEALTHY_AFTER_RUNNING);
//! assert_eq!(defaults::HEALTH_CHECK_INTERVAL_S * defaults::HEALTHY_THRESHOLD, 150);
//! ```

use super::types::{CooldownBase, ThresholdType, TieBreak};
use super::units::{Delay, Duration};
use crate::engine::{Millis, SECOND};
use crate::placement::{SpreadField, Strategy};

/// A lognormal delay given by its median and 95th percentile in seconds.
const fn lognormal(median_s: u64, p95_s: u64) -> Delay {
    Delay::Lognormal {
        median: Duration(median_s * SECOND),
        p95: Duration(p95_s * SECOND),
    }
}

// ---------------------------------------------------------------------------------------------
// §3: the `model` defaults, one per key (scenario::Model::default reads exactly these). Each may
// be set in the top-level `model`; the per-service ones in a service's `model` too.

/// `registeredMemoryFraction` (cluster): the fraction of its nominal memory an instance
/// registers, 0.975 (AWS's examples: m4.large 8 GiB → 7,985 MiB).
pub const REGISTERED_MEMORY_FRACTION: f64 = 0.975;
/// `fargateProvisioning` (service): Fargate PROVISIONING → PENDING, lognormal, median 10 s,
/// p95 25 s (AWS publishes no figure).
pub const FARGATE_PROVISIONING: Delay = lognormal(10, 25);
/// `fargateImagePull` (service): Fargate PENDING → RUNNING, lognormal, median 30 s, p95 90 s.
pub const FARGATE_IMAGE_PULL: Delay = lognormal(30, 90);
/// `ec2ImagePullCold` (service): EC2 PENDING → RUNNING, image not on the instance yet,
/// lognormal, median 20 s, p95 60 s.
pub const EC2_IMAGE_PULL_COLD: Delay = lognormal(20, 60);
/// `ec2ImagePullWarm` (service): EC2 PENDING → RUNNING, image cached there, lognormal, median
/// 2 s, p95 5 s.
pub const EC2_IMAGE_PULL_WARM: Delay = lognormal(2, 5);
/// `healthyAfterRunning` (service): RUNNING → counted healthy for a task with no health check
/// (no essential container `healthCheck`, no load balancer), 40 s: AWS documents it ("the
/// service scheduler will wait for 40 seconds after a task reaches a `RUNNING` state before
/// the task is counted towards the minimum healthy percent total").
pub const HEALTHY_AFTER_RUNNING: Millis = 40 * SECOND;
/// `taskStopDuration` (service): STOPPING → STOPPED, lognormal, median 2 s, p95 10 s; every
/// draw is capped at [`STOP_TIMEOUT`].
pub const TASK_STOP_DURATION: Delay = lognormal(2, 10);
/// `instanceLaunch` (cluster): an instance's launch → registered, lognormal, median 90 s, p95
/// 180 s.
pub const INSTANCE_LAUNCH: Delay = lognormal(90, 180);
/// `clusterMetricDelay` (cluster): the end of a minute → its CapacityProviderReservation
/// datapoint acts, 60 s.
pub const CLUSTER_METRIC_DELAY: Millis = 60 * SECOND;
/// `serviceLaunchRateFargatePerMinute` (service): the service scheduler's launches per minute
/// per service on Fargate, 500 (AWS's documented rate).
pub const SERVICE_LAUNCH_RATE_FARGATE_PER_MINUTE: u32 = 500;
/// `serviceLaunchRateEc2PerMinute` (service): the same on EC2, 250.
pub const SERVICE_LAUNCH_RATE_EC2_PER_MINUTE: u32 = 250;
/// `fargateLaunchBurst` (cluster): the size of each Fargate launch token bucket (on demand,
/// Spot), 100 (AWS's documented burst).
pub const FARGATE_LAUNCH_BURST: u32 = 100;
/// `fargateLaunchPerSecond` (cluster): each bucket's refill, 20 tokens a second.
pub const FARGATE_LAUNCH_PER_SECOND: f64 = 20.0;
/// `provisioningTasksPerCluster` (cluster): tasks in PROVISIONING cluster-wide before the
/// service scheduler backs off, 300 (an older ECS quota).
pub const PROVISIONING_TASKS_PER_CLUSTER: u32 = 300;
/// `placementTieBreak` (service): the earliest-registered instance.
pub const PLACEMENT_TIE_BREAK: TieBreak = TieBreak::FirstRegistered;
/// `metricPublicationDelay` (cluster): the end of a one-minute period → its datapoint acts,
/// 183 s (calibrated: a sharp rise at a period boundary acts after 3 × 60 s + 183 s = 363 s,
/// AWS's measurement).
pub const METRIC_PUBLICATION_DELAY: Millis = 183 * SECOND;
/// `highResolutionMetricDelay` (cluster): the same for a 20-second period, 26 s (3 × 20 s +
/// 26 s = 86 s, AWS's measurement).
pub const HIGH_RESOLUTION_METRIC_DELAY: Millis = 26 * SECOND;
/// `loadStep` (cluster): the fluid load's integration step, 10 s.
pub const LOAD_STEP: Millis = 10 * SECOND;
/// `scaleOutCooldownBase` (service): target tracking inside a scale-out cooldown multiplies the
/// RUNNING count when the chain of scale-outs began.
pub const SCALE_OUT_COOLDOWN_BASE: CooldownBase = CooldownBase::ChainStart;
/// `restartBackoffFirst` (service): the service throttle logic's first wait before the next
/// launch once tasks repeatedly fail to start, 30 s; each further failed attempt doubles it, up
/// to [`RESTART_BACKOFF_MAX`]. AWS publishes no steps ("incrementally increased"): ecsim's
/// choice.
pub const RESTART_BACKOFF_FIRST: Millis = 30 * SECOND;
/// `restartBackoffMax` (service): the longest wait, 27 minutes (AWS's service throttle logic:
/// "up to a maximum of 27 minutes").
pub const RESTART_BACKOFF_MAX: Millis = 27 * 60 * SECOND;

// ---------------------------------------------------------------------------------------------
// §3.2: every other default, by the part of the scenario it belongs to.

// Top level (§2.1): ecsim's choices.

/// `seed`: 1.
pub const SEED: u64 = 1;
/// `duration`: 6 hours.
pub const DURATION: Millis = 6 * 3_600 * SECOND;
/// `start`: a Monday, midnight UTC.
pub const START: &str = "2026-01-05T00:00:00Z";
/// `region`.
pub const REGION: &str = "us-east-1";
/// `availabilityZones`: the region's first this many zones (all, when it has fewer).
pub const ZONES: usize = 3;

// Capacity providers (§2.2): AWS's defaults and the alarms managed scaling creates.

/// `managedScaling.targetCapacity`, percent.
pub const TARGET_CAPACITY: u32 = 100;
/// `managedScaling.minimumScalingStepSize`, instances.
pub const MINIMUM_SCALING_STEP_SIZE: u32 = 1;
/// `managedScaling.maximumScalingStepSize`, instances.
pub const MAXIMUM_SCALING_STEP_SIZE: u32 = 10_000;
/// `managedScaling.instanceWarmupPeriod`, seconds.
pub const INSTANCE_WARMUP_PERIOD_S: u32 = 300;
/// Managed scaling's AlarmHigh: CapacityProviderReservation > targetCapacity for this many
/// one-minute datapoints (the alarm ECS creates; aws-behaviour.md §2).
pub const CPR_HIGH_DATAPOINTS: u32 = 1;
/// Managed scaling's AlarmLow: CapacityProviderReservation < targetCapacity for this many
/// one-minute datapoints.
pub const CPR_LOW_DATAPOINTS: u32 = 15;

// Services (§2.4, §2.9): AWS's defaults.

/// A service's `placementStrategy` when it gives none: spread over zones, then over instances
/// (what ECS's console and CreateService apply).
pub fn service_placement_chain() -> Vec<Strategy> {
    vec![
        Strategy::Spread(SpreadField::Attribute("ecs.availability-zone".into())),
        Strategy::Spread(SpreadField::Instance),
    ]
}

/// A batch job stream's `placementStrategy` when it gives none: random, as RunTask places a
/// standalone task.
pub fn task_placement_chain() -> Vec<Strategy> {
    vec![Strategy::Random]
}

/// `deploymentConfiguration.maximumPercent`.
pub const MAXIMUM_PERCENT: u32 = 200;
/// `deploymentConfiguration.minimumHealthyPercent`.
pub const MINIMUM_HEALTHY_PERCENT: u32 = 100;
/// A DAEMON service's `maximumPercent`: the only value AWS allows ("the maximum percent
/// parameter must be 100").
pub const DAEMON_MAXIMUM_PERCENT: u32 = 100;
/// A DAEMON service's `minimumHealthyPercent` when none is given (AWS: 0 %).
pub const DAEMON_MINIMUM_HEALTHY_PERCENT: u32 = 0;
/// A `BOUNDED_PERCENT` circuit breaker threshold is clamp(⌈value % × desired⌉, this,
/// [`CIRCUIT_BREAKER_MAX`]) failed tasks (ECS API reference, ServiceDeploymentCircuitBreaker:
/// "a minimum threshold of 3 and a maximum threshold of 200").
pub const CIRCUIT_BREAKER_MIN: u32 = 3;
/// The largest `BOUNDED_PERCENT` circuit breaker threshold.
pub const CIRCUIT_BREAKER_MAX: u32 = 200;
/// `thresholdConfiguration.type` when none is given (ECS API reference, ThresholdConfiguration).
pub const CIRCUIT_BREAKER_THRESHOLD_TYPE: ThresholdType = ThresholdType::BoundedPercent;
/// `thresholdConfiguration.value` when none is given: 50 % of the desired count.
pub const CIRCUIT_BREAKER_THRESHOLD_VALUE: u32 = 50;
/// `resetOnHealthyTask` when not given: a task that becomes healthy resets the failure count.
pub const CIRCUIT_BREAKER_RESET_ON_HEALTHY_TASK: bool = true;
/// Consecutive failed starts (tasks stopped before RUNNING, launches the Fargate vCPU quota
/// refused) at which the service throttle logic begins: 2 (AWS: "repeatedly fail to enter the
/// RUNNING state"; the count is ecsim's choice). Fixed.
pub const RESTART_THROTTLE_AFTER: u32 = 2;

// Task definitions (§2.5): AWS's defaults.

/// `ephemeralStorage.sizeInGiB`: the GiB a Fargate task gets without it (not billed).
pub const EPHEMERAL_STORAGE_GIB: u32 = 20;
/// ECS's stop timeout: SIGKILL this long after SIGTERM, the cap of every `taskStopDuration`
/// draw.
pub const STOP_TIMEOUT: Millis = 30 * SECOND;

// Load (§2.10.3, §2.10.4): ecsim's choices (§3.1).

/// `perTask.cpuAtMaxRps`, %.
pub const CPU_AT_MAX_RPS: f64 = 90.0;
/// `perTask.idleCpu` and `queue.idleCpu`, %.
pub const IDLE_CPU: f64 = 5.0;
/// `perTask.memoryBase` as a fraction of the task's memory.
pub const MEMORY_BASE_FRACTION: f64 = 0.5;
/// `queue.cpuBusy`, %.
pub const QUEUE_CPU_BUSY: f64 = 90.0;
/// `queue.memoryUtilization`, %.
pub const QUEUE_MEMORY_UTILIZATION: f64 = 50.0;

// Load balancers (§2.11): AWS's defaults for a target group.

/// `healthCheck.intervalSeconds`.
pub const HEALTH_CHECK_INTERVAL_S: u32 = 30;
/// `healthCheck.healthyThreshold`.
pub const HEALTHY_THRESHOLD: u32 = 5;
/// `deregistrationDelay`.
pub const DEREGISTRATION_DELAY: Millis = 300 * SECOND;

// Container health checks (§2.6) and the grace period (§2.4): the API's HealthCheck defaults.

/// A container `healthCheck.interval`, seconds ("The default value is 30 seconds").
pub const CONTAINER_CHECK_INTERVAL_S: u32 = 30;
/// A container `healthCheck.timeout`, seconds ("The default value is 5").
pub const CONTAINER_CHECK_TIMEOUT_S: u32 = 5;
/// A container `healthCheck.retries` ("The default value is 3").
pub const CONTAINER_CHECK_RETRIES: u32 = 3;
/// A container `healthCheck.startPeriod`, seconds ("By default, the `startPeriod` is off").
pub const CONTAINER_CHECK_START_PERIOD_S: u32 = 0;
/// A service's `healthCheckGracePeriodSeconds` ("the default value of 0 is used").
pub const HEALTH_CHECK_GRACE_PERIOD_S: u32 = 0;

// Auto scaling (§2.12): Application Auto Scaling's and CloudWatch's defaults.

/// `ScaleOutCooldown`, `ScaleInCooldown` (target tracking) and `Cooldown` (step scaling) of an
/// ECS service, seconds.
pub const COOLDOWN_S: u32 = 300;
/// A step policy's `Alarm.Period`, seconds.
pub const ALARM_PERIOD_S: u32 = 60;
/// The `Statistic` of a single-metric form.
pub const STATISTIC: &str = "Average";
/// The alarms target tracking creates (AlarmHigh: > target for 3 of 3 datapoints; AlarmLow:
/// < 0.9 × target for 15 of 15). Defined where the alarms are made, in the pure scaling rules,
/// which read nothing of `scenario`; listed here so that every default is found in one place.
pub use crate::scaling::alarm::{
    TARGET_TRACKING_HIGH_PERIODS, TARGET_TRACKING_LOW_FACTOR, TARGET_TRACKING_LOW_PERIODS,
};

// Faults (§2.16): AWS's notice.

/// The notice an EC2 Spot instance gets before it is reclaimed: two minutes.
pub const SPOT_NOTICE: Millis = 120 * SECOND;

#[cfg(test)]
mod tests {
    use super::*;

    const REFERENCE: &str = include_str!("../../docs/scenario-reference.md");

    /// The cells of the first table after the line `heading` (header and separator skipped).
    fn table(heading: &str) -> Vec<Vec<String>> {
        let at = REFERENCE
            .lines()
            .position(|l| l == heading)
            .unwrap_or_else(|| panic!("no `{heading}` in the reference"));
        REFERENCE
            .lines()
            .skip(at + 1)
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .skip(2)
            .map(|l| {
                l.trim_matches('|')
                    .split(" | ")
                    .map(|c| c.trim().to_string())
                    .collect()
            })
            .collect()
    }

    /// Whole seconds as the reference writes them: `183s`.
    fn secs(ms: Millis) -> String {
        assert_eq!(ms % SECOND, 0, "{ms} ms is not whole seconds");
        format!("{}s", ms / SECOND)
    }

    fn delay(d: Delay) -> String {
        match d {
            Delay::Lognormal { median, p95 } => format!(
                "lognormal, median `{}`, p95 `{}`",
                secs(median.0),
                secs(p95.0)
            ),
            other => panic!("a default delay is lognormal, not {other:?}"),
        }
    }

    fn json<T: serde::Serialize>(v: T) -> String {
        format!("`{}`", serde_json::to_string(&v).expect("serializes"))
    }

    #[test]
    fn the_model_defaults_table_is_the_constants_one_for_one() {
        let want: Vec<(&str, &str, String)> = vec![
            (
                "registeredMemoryFraction",
                "cluster",
                format!("`{REGISTERED_MEMORY_FRACTION}`"),
            ),
            (
                "fargateProvisioning",
                "service",
                delay(FARGATE_PROVISIONING),
            ),
            ("fargateImagePull", "service", delay(FARGATE_IMAGE_PULL)),
            ("ec2ImagePullCold", "service", delay(EC2_IMAGE_PULL_COLD)),
            ("ec2ImagePullWarm", "service", delay(EC2_IMAGE_PULL_WARM)),
            (
                "healthyAfterRunning",
                "service",
                format!("`{}`", secs(HEALTHY_AFTER_RUNNING)),
            ),
            ("taskStopDuration", "service", delay(TASK_STOP_DURATION)),
            ("instanceLaunch", "cluster", delay(INSTANCE_LAUNCH)),
            (
                "clusterMetricDelay",
                "cluster",
                format!("`{}`", secs(CLUSTER_METRIC_DELAY)),
            ),
            (
                "serviceLaunchRateFargatePerMinute",
                "service",
                format!("`{SERVICE_LAUNCH_RATE_FARGATE_PER_MINUTE}`"),
            ),
            (
                "serviceLaunchRateEc2PerMinute",
                "service",
                format!("`{SERVICE_LAUNCH_RATE_EC2_PER_MINUTE}`"),
            ),
            (
                "fargateLaunchBurst",
                "cluster",
                format!("`{FARGATE_LAUNCH_BURST}`"),
            ),
            (
                "fargateLaunchPerSecond",
                "cluster",
                format!("`{FARGATE_LAUNCH_PER_SECOND}`"),
            ),
            (
                "provisioningTasksPerCluster",
                "cluster",
                format!("`{PROVISIONING_TASKS_PER_CLUSTER}`"),
            ),
            ("placementTieBreak", "service", json(PLACEMENT_TIE_BREAK)),
            (
                "metricPublicationDelay",
                "cluster",
                format!("`{}`", secs(METRIC_PUBLICATION_DELAY)),
            ),
            (
                "highResolutionMetricDelay",
                "cluster",
                format!("`{}`", secs(HIGH_RESOLUTION_METRIC_DELAY)),
            ),
            ("loadStep", "cluster", format!("`{}`", secs(LOAD_STEP))),
            (
                "scaleOutCooldownBase",
                "service",
                json(SCALE_OUT_COOLDOWN_BASE),
            ),
            (
                "restartBackoffFirst",
                "service",
                format!("`{}`", secs(RESTART_BACKOFF_FIRST)),
            ),
            (
                "restartBackoffMax",
                "service",
                format!("`{}` (27 min)", secs(RESTART_BACKOFF_MAX)),
            ),
        ];
        let rows = table("## 3. `model` defaults");
        let got: Vec<(String, String, String)> = rows
            .iter()
            .map(|r| {
                (
                    r[0].trim_matches('`').to_string(),
                    r[1].clone(),
                    r[2].clone(),
                )
            })
            .collect();
        let want: Vec<(String, String, String)> = want
            .into_iter()
            .map(|(k, s, d)| (k.to_string(), s.to_string(), d))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn every_other_default_is_in_the_reference_one_for_one() {
        let chain = |c: Vec<Strategy>| {
            c.iter()
                .map(Strategy::describe)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let d = |ms: Millis| Duration(ms).to_string();
        let want: Vec<(&str, String)> = vec![
            ("SEED", SEED.to_string()),
            ("DURATION", d(DURATION)),
            ("START", START.to_string()),
            ("REGION", REGION.to_string()),
            ("ZONES", ZONES.to_string()),
            ("TARGET_CAPACITY", TARGET_CAPACITY.to_string()),
            (
                "MINIMUM_SCALING_STEP_SIZE",
                MINIMUM_SCALING_STEP_SIZE.to_string(),
            ),
            (
                "MAXIMUM_SCALING_STEP_SIZE",
                MAXIMUM_SCALING_STEP_SIZE.to_string(),
            ),
            (
                "INSTANCE_WARMUP_PERIOD_S",
                INSTANCE_WARMUP_PERIOD_S.to_string(),
            ),
            ("CPR_HIGH_DATAPOINTS", CPR_HIGH_DATAPOINTS.to_string()),
            ("CPR_LOW_DATAPOINTS", CPR_LOW_DATAPOINTS.to_string()),
            (
                "service_placement_chain()",
                chain(service_placement_chain()),
            ),
            ("task_placement_chain()", chain(task_placement_chain())),
            ("MAXIMUM_PERCENT", MAXIMUM_PERCENT.to_string()),
            (
                "MINIMUM_HEALTHY_PERCENT",
                MINIMUM_HEALTHY_PERCENT.to_string(),
            ),
            ("DAEMON_MAXIMUM_PERCENT", DAEMON_MAXIMUM_PERCENT.to_string()),
            (
                "DAEMON_MINIMUM_HEALTHY_PERCENT",
                DAEMON_MINIMUM_HEALTHY_PERCENT.to_string(),
            ),
            ("CIRCUIT_BREAKER_MIN", CIRCUIT_BREAKER_MIN.to_string()),
            ("CIRCUIT_BREAKER_MAX", CIRCUIT_BREAKER_MAX.to_string()),
            (
                "CIRCUIT_BREAKER_THRESHOLD_TYPE",
                CIRCUIT_BREAKER_THRESHOLD_TYPE.as_str().to_string(),
            ),
            (
                "CIRCUIT_BREAKER_THRESHOLD_VALUE",
                CIRCUIT_BREAKER_THRESHOLD_VALUE.to_string(),
            ),
            (
                "CIRCUIT_BREAKER_RESET_ON_HEALTHY_TASK",
                CIRCUIT_BREAKER_RESET_ON_HEALTHY_TASK.to_string(),
            ),
            ("RESTART_THROTTLE_AFTER", RESTART_THROTTLE_AFTER.to_string()),
            ("EPHEMERAL_STORAGE_GIB", EPHEMERAL_STORAGE_GIB.to_string()),
            ("STOP_TIMEOUT", d(STOP_TIMEOUT)),
            ("CPU_AT_MAX_RPS", CPU_AT_MAX_RPS.to_string()),
            ("IDLE_CPU", IDLE_CPU.to_string()),
            ("MEMORY_BASE_FRACTION", MEMORY_BASE_FRACTION.to_string()),
            ("QUEUE_CPU_BUSY", QUEUE_CPU_BUSY.to_string()),
            (
                "QUEUE_MEMORY_UTILIZATION",
                QUEUE_MEMORY_UTILIZATION.to_string(),
            ),
            (
                "HEALTH_CHECK_INTERVAL_S",
                HEALTH_CHECK_INTERVAL_S.to_string(),
            ),
            ("HEALTHY_THRESHOLD", HEALTHY_THRESHOLD.to_string()),
            ("DEREGISTRATION_DELAY", d(DEREGISTRATION_DELAY)),
            (
                "CONTAINER_CHECK_INTERVAL_S",
                CONTAINER_CHECK_INTERVAL_S.to_string(),
            ),
            (
                "CONTAINER_CHECK_TIMEOUT_S",
                CONTAINER_CHECK_TIMEOUT_S.to_string(),
            ),
            (
                "CONTAINER_CHECK_RETRIES",
                CONTAINER_CHECK_RETRIES.to_string(),
            ),
            (
                "CONTAINER_CHECK_START_PERIOD_S",
                CONTAINER_CHECK_START_PERIOD_S.to_string(),
            ),
            (
                "HEALTH_CHECK_GRACE_PERIOD_S",
                HEALTH_CHECK_GRACE_PERIOD_S.to_string(),
            ),
            ("COOLDOWN_S", COOLDOWN_S.to_string()),
            ("ALARM_PERIOD_S", ALARM_PERIOD_S.to_string()),
            ("STATISTIC", STATISTIC.to_string()),
            (
                "TARGET_TRACKING_HIGH_PERIODS",
                TARGET_TRACKING_HIGH_PERIODS.to_string(),
            ),
            (
                "TARGET_TRACKING_LOW_PERIODS",
                TARGET_TRACKING_LOW_PERIODS.to_string(),
            ),
            (
                "TARGET_TRACKING_LOW_FACTOR",
                TARGET_TRACKING_LOW_FACTOR.to_string(),
            ),
            ("SPOT_NOTICE", d(SPOT_NOTICE)),
        ];
        let got: Vec<(String, String)> = table("### 3.2 Every other default")
            .iter()
            .map(|r| {
                (
                    r[0].trim_matches('`').to_string(),
                    r[1].trim_matches('`').to_string(),
                )
            })
            .collect();
        let want: Vec<(String, String)> =
            want.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        assert_eq!(got, want);
    }

    /// The reference's scope column is what the checks do: a service's `model` setting every
    /// key is refused exactly at the keys the table marks `cluster`.
    #[test]
    fn cluster_wide_keys_are_refused_in_a_service_model() {
        let model = r#"{
            "registeredMemoryFraction": 0.9,
            "fargateProvisioning": {"distribution": "fixed", "value": "1s"},
            "fargateImagePull": {"distribution": "fixed", "value": "1s"},
            "ec2ImagePullCold": {"distribution": "fixed", "value": "1s"},
            "ec2ImagePullWarm": {"distribution": "fixed", "value": "1s"},
            "healthyAfterRunning": "30s",
            "taskStopDuration": {"distribution": "fixed", "value": "1s"},
            "instanceLaunch": {"distribution": "fixed", "value": "1m"},
            "clusterMetricDelay": "30s",
            "serviceLaunchRateFargatePerMinute": 10,
            "serviceLaunchRateEc2PerMinute": 10,
            "fargateLaunchBurst": 10,
            "fargateLaunchPerSecond": 1,
            "provisioningTasksPerCluster": 10,
            "placementTieBreak": "random",
            "metricPublicationDelay": "60s",
            "highResolutionMetricDelay": "20s",
            "loadStep": "5s",
            "scaleOutCooldownBase": "current",
            "restartBackoffFirst": "10s",
            "restartBackoffMax": "5m"
        }"#;
        let text = format!(
            r#"{{"name": "m", "capacityProviders": [{{"name": "FARGATE"}}],
              "services": [{{"serviceName": "s", "launchType": "FARGATE", "model": {model},
                "taskDefinition": {{"family": "s", "cpu": "256", "memory": "512"}}}}]}}"#
        );
        let mut refused: Vec<String> = match crate::scenario::load_str(&text, "m.json", None, &[]) {
            Err(crate::error::Error::Invalid(problems)) => problems
                .iter()
                .map(|p| {
                    assert!(
                        p.message.ends_with(
                            "is cluster-wide: set it in the top-level model, not per service"
                        ),
                        "{p}"
                    );
                    p.path
                        .strip_prefix("services[0].model.")
                        .expect("a key of the service's model")
                        .to_string()
                })
                .collect(),
            other => panic!("cluster-wide keys are refused: {other:?}"),
        };
        let rows = table("## 3. `model` defaults");
        let set: Vec<String> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(model)
                .expect("JSON")
                .keys()
                .cloned()
                .collect();
        let mut keys: Vec<String> = rows
            .iter()
            .map(|r| r[0].trim_matches('`').to_string())
            .collect();
        keys.sort();
        assert_eq!(set, keys, "the model above sets every key of the table");
        let mut cluster: Vec<String> = rows
            .iter()
            .filter(|r| r[1] == "cluster")
            .map(|r| r[0].trim_matches('`').to_string())
            .collect();
        // The check refuses in its own order; the set is what counts.
        refused.sort();
        cluster.sort();
        assert_eq!(refused, cluster);
    }
}
