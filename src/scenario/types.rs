//! The scenario file as written: serde types in AWS's own shapes and casing. Nothing here is
//! checked beyond its JSON type; [`super::validate`] turns a [`ScenarioFile`] into a checked
//! [`super::Scenario`].

use super::units::{Delay, Duration, NumOrString};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioFile {
    /// The scenario's name (also the default output folder).
    pub name: String,
    /// What the scenario shows.
    #[serde(default)]
    pub description: Option<String>,
    /// The random seed.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Simulated length.
    #[serde(default)]
    pub duration: Option<Duration>,
    /// Simulated wall-clock start (RFC 3339, UTC).
    #[serde(default)]
    pub start: Option<String>,
    /// AWS region.
    #[serde(default)]
    pub region: Option<String>,
    /// Zones used by the cluster.
    #[serde(default)]
    pub availability_zones: Option<Vec<String>>,
    /// The cluster's capacity providers.
    #[serde(default)]
    pub capacity_providers: Vec<CapacityProviderSpec>,
    /// The cluster's default capacity provider strategy.
    #[serde(default)]
    pub default_capacity_provider_strategy: Vec<StrategyItemSpec>,
    /// The services.
    #[serde(default)]
    pub services: Vec<ServiceSpec>,
    /// Named modelling defaults.
    #[serde(default)]
    pub model: ModelSpec,
}

/// A capacity provider, as CreateCapacityProvider takes it (FARGATE and FARGATE_SPOT by name).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapacityProviderSpec {
    /// `FARGATE`, `FARGATE_SPOT`, or the name of an Auto Scaling group provider.
    pub name: String,
    /// Present for Auto Scaling group providers.
    #[serde(default)]
    pub auto_scaling_group_provider: Option<AsgProviderSpec>,
}

/// `autoScalingGroupProvider`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AsgProviderSpec {
    /// The group itself (ecsim's stand-in for `autoScalingGroupArn`).
    pub auto_scaling_group: AsgSpec,
    /// Managed scaling.
    #[serde(default)]
    pub managed_scaling: Option<ManagedScalingSpec>,
    /// `ENABLED` or `DISABLED` (default DISABLED).
    #[serde(default)]
    pub managed_termination_protection: Option<EnabledDisabled>,
    /// `ENABLED` or `DISABLED` (default ENABLED).
    #[serde(default)]
    pub managed_draining: Option<EnabledDisabled>,
}

/// An `ENABLED` / `DISABLED` switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EnabledDisabled {
    /// On.
    Enabled,
    /// Off.
    Disabled,
}

/// The Auto Scaling group behind a provider.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AsgSpec {
    /// Instance types; several make a mixed-instances group (launched in the order given).
    pub instance_types: Vec<String>,
    /// `on-demand` (default) or `spot`.
    #[serde(default)]
    pub purchase_option: Option<PurchaseOption>,
    /// Minimum group size.
    #[serde(default)]
    pub min_size: Option<u32>,
    /// Maximum group size.
    pub max_size: u32,
    /// Instances at the start of the run.
    #[serde(default)]
    pub desired_capacity: Option<u32>,
    /// Zones the group launches in (default: all of the scenario's zones).
    #[serde(default)]
    pub zones: Option<Vec<String>>,
    /// Custom container instance attributes for the group's instances (for `memberOf` and
    /// `spread` on `attribute:NAME`).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// Purchase option of an Auto Scaling group provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum PurchaseOption {
    /// On-demand instances.
    #[serde(rename = "on-demand")]
    OnDemand,
    /// Spot instances.
    #[serde(rename = "spot")]
    Spot,
}

/// `managedScaling`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ManagedScalingSpec {
    /// `ENABLED` or `DISABLED`.
    #[serde(default)]
    pub status: Option<EnabledDisabled>,
    /// 1–100, default 100.
    #[serde(default)]
    pub target_capacity: Option<u32>,
    /// 1–10,000, default 1.
    #[serde(default)]
    pub minimum_scaling_step_size: Option<u32>,
    /// 1–10,000, default 10,000.
    #[serde(default)]
    pub maximum_scaling_step_size: Option<u32>,
    /// 0–10,000 s, default 300.
    #[serde(default)]
    pub instance_warmup_period: Option<u32>,
}

/// One entry of a capacity provider strategy.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StrategyItemSpec {
    /// The provider's name.
    pub capacity_provider: String,
    /// Minimum tasks on this provider (0–100,000).
    #[serde(default)]
    pub base: Option<u32>,
    /// Relative share after the base (0–1,000).
    #[serde(default)]
    pub weight: Option<u32>,
}

/// A service, as CreateService takes it, with its task definition inline.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceSpec {
    /// The service's name.
    pub service_name: String,
    /// The task definition, inline.
    pub task_definition: TaskDefinitionSpec,
    /// Desired count at the start (0–5,000).
    #[serde(default)]
    pub desired_count: Option<u32>,
    /// `EC2` or `FARGATE` (instead of a capacity provider strategy).
    #[serde(default)]
    pub launch_type: Option<LaunchType>,
    /// The service's capacity provider strategy.
    #[serde(default)]
    pub capacity_provider_strategy: Option<Vec<StrategyItemSpec>>,
    /// Placement strategies (EC2 only), later ones break ties.
    #[serde(default)]
    pub placement_strategy: Option<Vec<PlacementStrategySpec>>,
    /// Placement constraints (EC2 only).
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraintSpec>,
    /// Rolling update limits.
    #[serde(default)]
    pub deployment_configuration: Option<DeploymentConfigurationSpec>,
    /// `REPLICA` (default); `DAEMON` is not modelled.
    #[serde(default)]
    pub scheduling_strategy: Option<String>,
    /// Per-service overrides of the `model` defaults.
    #[serde(default)]
    pub model: ModelSpec,
}

/// Launch type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum LaunchType {
    /// On container instances of the cluster.
    #[serde(rename = "EC2")]
    Ec2,
    /// On Fargate.
    #[serde(rename = "FARGATE")]
    Fargate,
}

/// A task definition, as RegisterTaskDefinition takes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskDefinitionSpec {
    /// Family name.
    pub family: String,
    /// Task CPU (units or vCPU); required for Fargate.
    #[serde(default)]
    pub cpu: Option<NumOrString>,
    /// Task memory (MiB or GB); required for Fargate.
    #[serde(default)]
    pub memory: Option<NumOrString>,
    /// `EC2`, `FARGATE`, `EXTERNAL`.
    #[serde(default)]
    pub requires_compatibilities: Vec<String>,
    /// `cpuArchitecture` (`X86_64`, `ARM64`) and `operatingSystemFamily`.
    #[serde(default)]
    pub runtime_platform: Option<RuntimePlatformSpec>,
    /// Containers: ports and GPUs are modelled.
    #[serde(default)]
    pub container_definitions: Vec<ContainerDefinitionSpec>,
    /// Task-level memberOf constraints (joined with the service's).
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraintSpec>,
    /// `awsvpc`, `bridge`, `host`, `none` (accepted; only host-port conflicts are modelled).
    #[serde(default)]
    pub network_mode: Option<String>,
}

/// `runtimePlatform`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuntimePlatformSpec {
    /// `X86_64` or `ARM64`.
    #[serde(default)]
    pub cpu_architecture: Option<String>,
    /// `LINUX` and others (not modelled beyond being recorded).
    #[serde(default)]
    pub operating_system_family: Option<String>,
}

/// A container definition: the modelled parts.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContainerDefinitionSpec {
    /// Container name.
    #[serde(default)]
    pub name: Option<String>,
    /// Container CPU units (used when the task has no task-level CPU).
    #[serde(default)]
    pub cpu: Option<u32>,
    /// Hard memory limit, MiB.
    #[serde(default)]
    pub memory: Option<u32>,
    /// Soft memory limit, MiB: what placement reserves when set (as ECS does), else `memory`.
    #[serde(default)]
    pub memory_reservation: Option<u32>,
    /// Port mappings; a `hostPort` other than 0 is a static port that conflicts on an instance.
    #[serde(default)]
    pub port_mappings: Vec<PortMappingSpec>,
    /// `[{"type": "GPU", "value": "1"}]`.
    #[serde(default)]
    pub resource_requirements: Vec<ResourceRequirementSpec>,
}

/// A port mapping.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortMappingSpec {
    /// Container port.
    #[serde(default)]
    pub container_port: Option<u32>,
    /// Host port (0 or absent: dynamic).
    #[serde(default)]
    pub host_port: Option<u32>,
}

/// A resource requirement.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceRequirementSpec {
    /// `GPU` (modelled) or `InferenceAccelerator` (not modelled).
    #[serde(rename = "type")]
    pub kind: String,
    /// How many.
    pub value: NumOrString,
}

/// A placement strategy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementStrategySpec {
    /// `binpack`, `spread` or `random`.
    #[serde(rename = "type")]
    pub kind: StrategyKind,
    /// binpack: `cpu` or `memory`; spread: `instanceId`, `host` or `attribute:NAME`.
    #[serde(default)]
    pub field: Option<String>,
}

/// A placement strategy type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StrategyKind {
    /// Least remaining resource that still fits.
    Binpack,
    /// Even out over a field's values.
    Spread,
    /// Any candidate.
    Random,
}

/// A placement constraint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementConstraintSpec {
    /// `distinctInstance` or `memberOf`.
    #[serde(rename = "type")]
    pub kind: ConstraintKind,
    /// The cluster query language expression (memberOf).
    #[serde(default)]
    pub expression: Option<String>,
}

/// A placement constraint type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConstraintKind {
    /// Each task on a different instance.
    DistinctInstance,
    /// Only instances matching the expression.
    MemberOf,
}

/// `deploymentConfiguration`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeploymentConfigurationSpec {
    /// Upper limit on tasks during a deployment, percent of desired (default 200).
    #[serde(default)]
    pub maximum_percent: Option<u32>,
    /// Lower limit on healthy tasks, percent of desired (default 100).
    #[serde(default)]
    pub minimum_healthy_percent: Option<u32>,
    /// The deployment circuit breaker.
    #[serde(default)]
    pub deployment_circuit_breaker: Option<CircuitBreakerSpec>,
}

/// `deploymentCircuitBreaker`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CircuitBreakerSpec {
    /// Whether the breaker is on.
    pub enable: bool,
    /// Whether a failed deployment rolls back.
    pub rollback: bool,
}

/// Named modelling defaults: every choice AWS publishes no exact rule for. All optional; see
/// [`super::Model`] for the defaults and the scenario reference for what each means.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModelSpec {
    /// Fraction of nominal memory an instance registers.
    #[serde(default)]
    pub registered_memory_fraction: Option<f64>,
    /// Fargate: PROVISIONING → PENDING.
    #[serde(default)]
    pub fargate_provisioning: Option<Delay>,
    /// Fargate: PENDING → RUNNING (image pull and container start).
    #[serde(default)]
    pub fargate_image_pull: Option<Delay>,
    /// EC2: PENDING → RUNNING when the instance has not run a task of this service yet.
    #[serde(default)]
    pub ec2_image_pull_cold: Option<Delay>,
    /// EC2: PENDING → RUNNING when the instance already has the image.
    #[serde(default)]
    pub ec2_image_pull_warm: Option<Delay>,
    /// RUNNING → healthy without a load balancer.
    #[serde(default)]
    pub healthy_after_running: Option<Duration>,
    /// STOPPING → STOPPED.
    #[serde(default)]
    pub task_stop_duration: Option<Delay>,
    /// Instance launch → registered with the cluster.
    #[serde(default)]
    pub instance_launch: Option<Delay>,
    /// Tasks the service scheduler starts per minute per service on Fargate.
    #[serde(default)]
    pub service_launch_rate_fargate_per_minute: Option<u32>,
    /// Tasks the service scheduler starts per minute per service on EC2.
    #[serde(default)]
    pub service_launch_rate_ec2_per_minute: Option<u32>,
    /// Fargate launch token bucket size (per account, on demand and Spot separately).
    #[serde(default)]
    pub fargate_launch_burst: Option<u32>,
    /// Fargate launch tokens per second.
    #[serde(default)]
    pub fargate_launch_per_second: Option<f64>,
    /// Tasks in PROVISIONING per cluster before the service scheduler backs off.
    #[serde(default)]
    pub provisioning_tasks_per_cluster: Option<u32>,
    /// How placement breaks ties left by every strategy: `firstRegistered` or `random`.
    #[serde(default)]
    pub placement_tie_break: Option<TieBreak>,
}

/// The last tie-breaker of placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TieBreak {
    /// The instance that registered first (deterministic, cheap on large clusters).
    FirstRegistered,
    /// A uniform draw among the tied instances (costs a scan of the ties).
    Random,
}
