//! Every quota and limit a scenario is checked against, in one place: AWS's own quotas where
//! AWS has one (the source is named on each constant), otherwise a generous ecsim default that
//! keeps a run's memory and time bounded and every number far from overflow. The checks
//! (`scenario/check/`) read these constants and refuse a value beyond one with the limit named
//! in the message; docs/scenario-reference.md ("Quotas and limits") lists them all. Defaults
//! are in [`super::defaults`].
//!
//! Counts (how many of a thing), rates (how often something happens, which sets the number of
//! events a run handles) and magnitudes (how large a number may be, which sets what reaches
//! the arithmetic and the chart axes) are kept apart below.
//!
//! ```
//! use ecsim::scenario::limits;
//! // 50 SubmitJob calls a second is 180,000 jobs an hour.
//! assert_eq!(limits::MAX_JOB_ARRIVALS_PER_SECOND * 3600.0, 180_000.0);
//! assert_eq!(limits::show(1e9), "1e9");
//! assert_eq!(limits::show(180_000.0), "180000");
//! ```

// ---------------------------------------------------------------------------------------------
// Counts: AWS quotas (aws-behaviour.md §8; Amazon ECS service quotas).

/// Tasks per service (desiredCount, MaxCapacity): 5,000 (ECS service quota).
pub const MAX_DESIRED: u32 = 5_000;
/// Capacity providers per cluster: 20 (ECS service quota).
pub const MAX_PROVIDERS: usize = 20;
/// Providers in one capacity provider strategy: 6 (ECS service quota).
pub const MAX_STRATEGY_ITEMS: usize = 6;
/// Placement strategies per service: 5 (ECS service quota).
pub const MAX_PLACEMENT_STRATEGIES: usize = 5;
/// Placement constraints per task: 10 (ECS service quota).
pub const MAX_CONSTRAINTS: usize = 10;
/// Container instances per cluster (the groups' maxSize added up): 5,000 (ECS service quota).
pub const MAX_INSTANCES: u32 = 5_000;
/// Containers per task definition: 10 (ECS service quota).
pub const MAX_CONTAINERS: usize = 10;
/// Services per cluster: 5,000 (ECS service quota; batch job streams, RunTask in ECS, do not
/// count).
pub const MAX_SERVICES: usize = 5_000;
/// Scaling policies per scalable target: 50 (Application Auto Scaling quota).
pub const MAX_POLICIES: usize = 50;
/// Scheduled actions per scalable target: 200 (Application Auto Scaling quota).
pub const MAX_SCHEDULED_ACTIONS: usize = 200;
/// Queries in one metric math `Metrics` list: 20 (CloudWatch PutMetricAlarm: "up to 20
/// MetricDataQuery structures").
pub const MAX_METRIC_QUERIES: usize = 20;
/// Dimensions of one metric: 30 (CloudWatch: at most 30 dimensions per metric).
pub const MAX_DIMENSIONS: usize = 30;
/// Decimals of a step alarm's `ExtendedStatistic` percentile: 2 (`p99.99`; ecsim's limit —
/// percentiles are kept in hundredths of a percent).
pub const PERCENTILE_DECIMALS: usize = 2;
/// Batch job streams per scenario: 50 (AWS Batch: at most 50 job queues per Region).
pub const MAX_JOB_STREAMS: usize = 50;
/// Jobs one batch schedule entry submits (`count`): 10,000 (AWS Batch: the largest array job).
pub const MAX_JOBS_PER_SUBMISSION: u32 = 10_000;

/// One of the account's Fargate vCPU quotas (Service Quotas, service code `fargate`): how many
/// vCPUs of tasks may hold Fargate capacity at once, per account and Region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FargateQuota {
    /// Its code, as `aws service-quotas list-service-quotas` prints `QuotaCode`.
    pub code: &'static str,
    /// Its name, as printed in `QuotaName`.
    pub name: &'static str,
    /// The capacity whose tasks it counts (`FARGATE`, `FARGATE_SPOT`).
    pub capacity: &'static str,
    /// Its value when the scenario gives none, vCPUs.
    pub default: f64,
}

/// "Fargate On-Demand vCPU resource count" (`L-3032A538`), default 6 vCPUs (AWS Batch API
/// reference, ResourceRequirement: "The default for the Fargate On-Demand vCPU resource count
/// quota is 6 vCPUs"; the quota code from a secondary source).
pub const FARGATE_ON_DEMAND_VCPU: FargateQuota = FargateQuota {
    code: "L-3032A538",
    name: "Fargate On-Demand vCPU resource count",
    capacity: "FARGATE",
    default: 6.0,
};
/// "Fargate Spot vCPU resource count" (`L-36FBB829`), default 6 vCPUs — a secondary source's
/// figure: no AWS page seen states it (the quota code is secondary too).
pub const FARGATE_SPOT_VCPU: FargateQuota = FargateQuota {
    code: "L-36FBB829",
    name: "Fargate Spot vCPU resource count",
    capacity: "FARGATE_SPOT",
    default: 6.0,
};
/// The Fargate quotas ecsim models, On-Demand first (the index is `usize::from(spot)`).
pub const FARGATE_QUOTAS: [FargateQuota; 2] = [FARGATE_ON_DEMAND_VCPU, FARGATE_SPOT_VCPU];

// ---------------------------------------------------------------------------------------------
// Counts: ecsim defaults (each is one event or more in the run, and memory until it is).

/// Entries of `instanceTypes`: 1,000 (more than every type AWS offers, so a whole
/// `describe-instance-types` output fits; each entry is looked up by name when a group or a
/// price names it).
pub const MAX_INSTANCE_TYPES: usize = 1_000;
/// Entries of one batch job stream's `schedule`: 10,000.
pub const MAX_JOB_SCHEDULE_ENTRIES: usize = 10_000;
/// Jobs submitted over a whole run, all streams together (a Poisson stream counts its expected
/// number): 10,000,000. Each waiting job is kept until it starts and each costs a few events,
/// so this bounds a run's memory and time whatever its rates and length.
pub const MAX_JOBS_PER_RUN: f64 = 10_000_000.0;
/// Entries of a service's `deployments`: 1,000 (each is a rolling update of the whole service).
pub const MAX_DEPLOYMENTS: usize = 1_000;
/// Entries of `faults`: 100.
pub const MAX_FAULTS: usize = 100;
/// Entries of one fault's `schedule`: 1,000 (each touches every task or instance of its
/// provider).
pub const MAX_FAULT_SCHEDULE_ENTRIES: usize = 1_000;
/// Entries of `customMetrics`: 1,000 (each is evaluated every load step).
pub const MAX_CUSTOM_METRICS: usize = 1_000;
/// Data rows of one trace file: 1,000,000 (a row a minute for almost two years, a row a second
/// for eleven days).
pub const MAX_TRACE_ROWS: usize = 1_000_000;
/// The size of a scenario file: 16 MiB (the largest bundled scenario, bench-xlarge, is
/// 169 KB; 5,000 services of a few hundred bytes each are about 2 MB).
pub const MAX_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;
/// The size of a trace file: 64 MiB ([`MAX_TRACE_ROWS`] rows of up to 64 bytes each).
pub const MAX_TRACE_BYTES: u64 = 64 * 1024 * 1024;
/// The size of one file `ecsim import` reads: 64 MiB (a week of one-minute datapoints for 20
/// series is about 10 MiB as the AWS CLI prints it).
pub const MAX_IMPORT_FILE_BYTES: u64 = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Rates.

/// Batch job submissions per second, every stream together (a stream's `perHour` / 3,600, or
/// the peak of its `rate`): 50 (AWS Batch: at most 50 SubmitJob transactions per second per
/// account). As `perHour`, 180,000.
pub const MAX_JOB_ARRIVALS_PER_SECOND: f64 = 50.0;
/// A fault's rate, per task-hour (`perTaskHour`: Fargate Spot interruptions, task crashes) or
/// per instance-hour (`perInstanceHour`, `byZone`: EC2 Spot interruptions, instance failures):
/// 60 — a task or instance would last a minute on average, less than it takes to start.
/// ecsim default.
pub const MAX_FAULTS_PER_HOUR: f64 = 60.0;
/// `model.fargateLaunchPerSecond`: 10,000 Fargate launches a second (500 × AWS's 20). ecsim
/// default.
pub const MAX_FARGATE_LAUNCH_PER_SECOND: f64 = 10_000.0;
/// The shortest `pricing.ec2Spot.driftEvery` other than `0s` (off): 1 minute (each interval is
/// an event and a price change per Spot market). ecsim default.
pub const MIN_DRIFT_EVERY_MS: u64 = 60_000;

// ---------------------------------------------------------------------------------------------
// Magnitudes: ecsim defaults, each far above what a real service reaches and far below where
// the arithmetic (or a chart axis, drawn in f32) would overflow.

/// Requests or messages per second: a load shape's values and peak (`traffic`,
/// `queue.arrivals`), `perTask.maxRps`, `queue.perTaskMessagesPerSecond`: 1e9.
pub const MAX_RATE: f64 = 1e9;
/// A percentage (`cpuAtMaxRps`, `idleCpu`, `cpuBusy`, `memoryUtilization`): 100,000 % (a
/// task's CPU may exceed 100 % when it bursts past its reservation, never by this much).
pub const MAX_PERCENT: f64 = 1e5;
/// A metric value: `TargetValue`, an alarm's `Threshold`, step bounds
/// (`MetricIntervalLowerBound` / `UpperBound`, either sign), a custom metric's values and
/// peak, a trace row's value: 1e15 — above anything a modelled metric reaches
/// (RequestCount summed over a day at [`MAX_RATE`] is 8.64e13) and tighter than Application
/// Auto Scaling's own ±2^360 for TargetValue.
pub const MAX_METRIC_VALUE: f64 = 1e15;
/// MiB in `perTask.memoryBase` and `perTask.memoryPerRps`: 1e8 (about 95 TiB; the largest
/// EC2 instance has 24 TiB).
pub const MAX_MEMORY_MIB: f64 = 1e8;
/// An `instanceTypes` entry's `VCpuInfo.DefaultVCpus`: 1,024 (the largest EC2 type has 896;
/// 1,024 × 1,024 CPU units stays far inside the arithmetic).
pub const MAX_INSTANCE_VCPUS: u32 = 1_024;
/// An `instanceTypes` entry's `MemoryInfo.SizeInMiB`: 33,554,432 MiB (32 TiB, the largest EC2
/// type's memory).
pub const MAX_INSTANCE_MEMORY_MIB: u32 = 32 * 1024 * 1024;
/// An `instanceTypes` entry's `NetworkInfo.MaximumNetworkInterfaces`: 1,000 (the largest EC2
/// types attach a few hundred).
pub const MAX_INSTANCE_ENIS: u32 = 1_000;
/// An `instanceTypes` entry's GPUs (its `GpuInfo.Gpus[].Count` added up): 64 (EC2's GPU types
/// have at most 16).
pub const MAX_INSTANCE_GPUS: u32 = 64;
/// A multiplying factor: a trace's `scale`, a `weekly` factor: 1e6.
pub const MAX_FACTOR: f64 = 1e6;
/// A price in USD per unit (hour, vCPU-hour, GB-hour): 1e6 (the dearest EC2 instance costs
/// about 220 USD an hour).
pub const MAX_PRICE_USD: f64 = 1e6;
/// `ScalingAdjustment` either way: 2,147,483,647 (Application Auto Scaling's API takes a
/// 32-bit integer).
pub const MAX_SCALING_ADJUSTMENT: i64 = i32::MAX as i64;
/// `deploymentCircuitBreaker.thresholdConfiguration.value`: 2,147,483,647 (ECS's API takes a
/// 32-bit Integer).
pub const MAX_CIRCUIT_BREAKER_THRESHOLD_VALUE: u32 = i32::MAX as u32;
/// A Fargate vCPU quota's `Value` in `serviceQuotas`: 1e9 vCPUs (AWS publishes no ceiling for
/// the adjustable quota; a run never holds more than 5,000 services × 5,000 tasks × 16 vCPUs =
/// 4e8).
pub const MAX_FARGATE_VCPU_QUOTA: f64 = 1e9;

/// `healthCheckGracePeriodSeconds`: 2,147,483,647 s, about 69 years (UpdateService: "a health
/// check grace period of up to 2,147,483,647 seconds").
pub const MAX_HEALTH_CHECK_GRACE_PERIOD_S: i64 = i32::MAX as i64;

/// A number for a message: whole numbers below ten million as they are (`180000`), larger or
/// smaller ones in exponent form (`1e9`, `1e40`, `2.5e-7`), so a limit and a value beyond it
/// read alike.
pub fn show(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e7 {
        format!("{v}")
    } else if v.is_finite() && v != 0.0 && (v.abs() >= 1e7 || v.abs() < 1e-4) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// `"{what} {value} is above the {kind} of {max} {unit}: expected at most {max}"`, the one
/// wording of every refusal against a limit here (`kind` is "quota" for an AWS quota, "limit"
/// for an ecsim default).
pub fn above(what: &str, value: f64, kind: &str, max: f64, unit: &str) -> String {
    let m = show(max);
    format!(
        "{what} {} is above the {kind} of {m} {unit}: expected at most {m}",
        show(value)
    )
}

/// The longest simulated run, in days: 3,650, ten years of 365 days — beyond any AWS commitment
/// term (Savings Plans and Reserved Instances are 1 or 3 years). A year of one service runs in
/// about a second and the quickstart's three in about three (README, "Limits"); the per-minute
/// tables grow with the length (about 14 MB a service-year), so a run much longer than this
/// would be hours of work and gigabytes of CSV for no question a user asks.
pub const MAX_DURATION_DAYS: u64 = 3_650;
