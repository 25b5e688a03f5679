//! report.json's types (schema `ecsim.report/1`): [`Report`] and its parts, serialized in
//! field order.

use super::{chartdata, series};
use crate::model::activity::Activity;
use serde::Serialize;
use std::collections::BTreeMap;

/// The report schema id.
pub const SCHEMA: &str = "ecsim.report/1";

/// report.json.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The scenario run.
    pub scenario: ScenarioInfo,
    /// The files of the run's output set, sorted (filled in by [`super::write_all`]; empty when
    /// nothing was written): what `ecsim explain` may read, and all it reads.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// What the run cost.
    pub cost: CostReport,
    /// Requests offered and served.
    pub availability: AvailabilityReport,
    /// Per service, by name.
    pub services: BTreeMap<String, ServiceReport>,
    /// Queue-fed worker services, by service name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub queues: BTreeMap<String, QueueReport>,
    /// Batch job streams, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub batch_jobs: BTreeMap<String, JobReport>,
    /// Cluster capacity.
    pub capacity: CapacityReport,
    /// Spot interruptions.
    pub interruptions: InterruptionsReport,
    /// Placement.
    pub placement: PlacementReport,
    /// How much simulation it took.
    pub engine: EngineReport,
    /// Warnings from loading the scenario.
    pub warnings: Vec<String>,
    /// Every scaling and scheduled action, in time order.
    pub activities: Vec<Activity>,
    /// Placement explanations (`--explain-placement`), written to placements.json.
    #[serde(skip)]
    pub placements: Option<Vec<crate::model::world::PlacementRecord>>,
    /// The streamed CSV tables (timeseries.csv, metrics.csv, capacity.csv), to be put in
    /// place.
    #[serde(skip)]
    pub tables: Vec<(&'static str, series::Finished)>,
    /// The chart series ([`chartdata`]), drawn by [`super::write_all`]; None with charts off.
    #[serde(skip)]
    pub charts: Option<chartdata::ChartData>,
}

/// `cost`: USD over the simulated window (tasks and instances still running at the end are
/// billed up to the end, without a minimum).
#[derive(Debug, Clone, Serialize)]
pub struct CostReport {
    /// Everything billed.
    pub total_usd: f64,
    /// Per capacity provider (and `launchType:FARGATE` / `launchType:EC2` when used).
    pub by_capacity_provider: BTreeMap<String, f64>,
    /// Per service and batch job stream: its Fargate tasks plus its share of the EC2
    /// instances it ran on (by reserved CPU and memory).
    pub by_service: BTreeMap<String, f64>,
    /// EC2 cost of capacity no task reserved.
    pub idle_usd: f64,
    /// The same capacity at on-demand prices (FARGATE for FARGATE_SPOT, on-demand EC2 for Spot).
    pub on_demand_equivalent_usd: f64,
    /// Per capacity provider, at on-demand prices.
    pub on_demand_equivalent_by_capacity_provider: BTreeMap<String, f64>,
    /// on_demand_equivalent_usd − total_usd.
    pub saving_usd: f64,
    /// saving_usd / on_demand_equivalent_usd (0 when nothing was billed).
    pub saving_fraction: f64,
    /// What an EKS control plane would have cost over the same time (ECS has no such fee).
    pub eks_control_plane_equivalent_usd: f64,
    /// Whose prices the costs are at ([`crate::cost::prices::PriceTable::label`]): the
    /// scenario's region, or it with the prices that are us-east-1's named.
    pub region: String,
}

/// `interruptions`.
#[derive(Debug, Clone, Serialize)]
pub struct InterruptionsReport {
    /// FARGATE_SPOT tasks interrupted.
    pub fargate_spot: u64,
    /// EC2 Spot instances interrupted.
    pub ec2_spot: u64,
    /// Instances failed (`instanceFailures` faults).
    pub instance_failures: u64,
    /// Tasks crashed (`taskCrashes` faults).
    pub task_crashes: u64,
    /// Tasks stopped by any fault: interrupted, drained for a Spot reclaim, killed with a lost
    /// instance or zone, crashed.
    pub tasks_lost: u64,
}

/// `availability`.
#[derive(Debug, Clone, Serialize)]
pub struct AvailabilityReport {
    /// Requests offered to every load balancer.
    pub offered_requests: f64,
    /// Requests served.
    pub served_requests: f64,
    /// served / offered (1.0 when nothing was offered).
    pub served_fraction: f64,
    /// Per service with traffic.
    pub by_service: BTreeMap<String, ServiceAvailability>,
}

/// `availability.by_service.<name>`.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceAvailability {
    /// Requests offered.
    pub offered_requests: f64,
    /// Requests served.
    pub served_requests: f64,
    /// served / offered (1.0 when nothing was offered).
    pub served_fraction: f64,
}

/// `queues.<service>`.
#[derive(Debug, Clone, Serialize)]
pub struct QueueReport {
    /// Messages that arrived.
    pub messages_arrived: f64,
    /// Messages processed.
    pub messages_processed: f64,
    /// Messages waiting at the end.
    pub backlog_final: f64,
    /// Largest backlog.
    pub backlog_max: f64,
    /// Oldest message age seen, s.
    pub oldest_message_age_max_s: f64,
}

/// `batch_jobs.<name>`.
#[derive(Debug, Clone, Serialize)]
pub struct JobReport {
    /// Jobs submitted.
    pub submitted: u64,
    /// Jobs that reached RUNNING.
    pub started: u64,
    /// Jobs that finished.
    pub completed: u64,
    /// Jobs whose task was interrupted and started again.
    pub retried: u64,
    /// Jobs lost to an interruption.
    pub lost: u64,
    /// Jobs neither finished nor lost at the end.
    pub unfinished: u64,
    /// Mean wait from submission to RUNNING, s.
    pub mean_wait_s: f64,
    /// Longest wait, s.
    pub max_wait_s: f64,
}

/// `scenario`.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Seed.
    pub seed: u64,
    /// Simulated seconds.
    pub duration_s: u64,
    /// Simulated start.
    pub start: String,
    /// Region.
    pub region: String,
}

/// `services.<name>`.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    /// Desired count at the end.
    pub desired_final: u32,
    /// RUNNING tasks at the end.
    pub running_final: u32,
    /// Smallest desired count during the run.
    pub desired_min: u32,
    /// Largest desired count during the run.
    pub desired_max: u32,
    /// Tasks launched.
    pub task_starts: u64,
    /// Seconds with fewer healthy tasks than desired.
    pub seconds_below_desired: f64,
    /// Scaling activities that changed the desired count.
    pub scaling_activities: u64,
    /// Tasks (any state but STOPPED) at the end, by capacity provider, or `launchType:EC2` /
    /// `launchType:FARGATE`.
    pub tasks_final_by_capacity_provider: BTreeMap<String, u32>,
    /// Tasks per state at the end.
    pub tasks_final_by_state: BTreeMap<String, u32>,
    /// Tasks that stopped before RUNNING (a deployment's `failAt: "start"`).
    pub start_failures: u64,
    /// Launches the account's Fargate vCPU quota refused.
    pub fargate_vcpu_quota_refusals: u64,
    /// Back-offs of the service throttle logic (each delayed the service's next launch).
    pub restart_backoffs: u64,
}

/// `capacity`.
#[derive(Debug, Clone, Serialize)]
pub struct CapacityReport {
    /// Most instances registered at once.
    pub instances_peak: u64,
    /// Instances registered at the end.
    pub instances_final: u64,
    /// Instances hosting at least one task at the end.
    pub instances_in_use_final: u64,
    /// Instance-hours.
    pub instance_hours: f64,
    /// Fargate task-hours (from image pull to stop).
    pub fargate_task_hours: f64,
    /// Per capacity provider.
    pub by_capacity_provider: BTreeMap<String, ProviderReport>,
}

/// `capacity.by_capacity_provider.<name>`.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderReport {
    /// `fargate`, `fargate-spot`, `ec2-on-demand`, `ec2-spot`, or `launch-type`.
    pub kind: &'static str,
    /// Most instances at once (0 for Fargate).
    pub instances_peak: u64,
    /// Instance-hours.
    pub instance_hours: f64,
    /// Task-hours (tasks holding capacity: from PENDING to STOPPED).
    pub task_hours: f64,
    /// Instances hosting at least one task at the end.
    pub instances_in_use_final: u64,
}

/// `placement`.
#[derive(Debug, Clone, Serialize)]
pub struct PlacementReport {
    /// Placement attempts that found no instance (the task waited).
    pub failures: u64,
    /// EC2 tasks still waiting for an instance at the end.
    pub waiting_final: u64,
    /// Tasks that stopped before RUNNING, every service together.
    pub start_failures: u64,
    /// Launches the Fargate vCPU quotas refused, every service together.
    pub fargate_vcpu_quota_refusals: u64,
}

/// `engine`.
#[derive(Debug, Clone, Serialize)]
pub struct EngineReport {
    /// Events processed.
    pub events: u64,
    /// Tasks created.
    pub tasks_created: u64,
}
