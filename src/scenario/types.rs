//! The scenario file as written: serde types in AWS's own shapes and casing. Nothing here is
//! checked beyond its JSON type; the checks (`scenario/check/`, one file per part) turn a
//! [`ScenarioFile`] into a checked [`super::Scenario`].

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
    /// RunTask-style job streams.
    #[serde(default)]
    pub batch_jobs: Vec<BatchJobSpec>,
    /// User metrics given as series.
    #[serde(default)]
    pub custom_metrics: Vec<CustomMetricSpec>,
    /// Faults: Spot interruptions, capacity gaps, outages.
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    /// Price overrides.
    #[serde(default)]
    pub pricing: Option<PricingSpec>,
    /// Named modelling defaults.
    #[serde(default)]
    pub model: ModelSpec,
    /// ECS account settings, as `aws ecs list-account-settings` prints each entry.
    #[serde(default)]
    pub account_settings: Vec<AccountSettingSpec>,
    /// The account's Fargate quotas, as `aws service-quotas list-service-quotas
    /// --service-code fargate` prints them (`{"Quotas": [...]}`).
    #[serde(default)]
    pub service_quotas: Option<ServiceQuotasSpec>,
    /// Instance types beyond (or replacing) the built-in table, each as `aws ec2
    /// describe-instance-types` prints an element of its `InstanceTypes`.
    #[serde(default)]
    pub instance_types: Vec<InstanceTypeSpec>,
}

/// One element of `aws ec2 describe-instance-types`' `InstanceTypes`, as printed. The loader
/// sets every field other than these aside with the not-modelled warning
/// (`scenario/describe.rs`), so a whole pasted element is accepted.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceTypeSpec {
    /// The type's API name, e.g. `t2.micro`.
    #[serde(rename = "InstanceType")]
    pub instance_type: String,
    /// `{"DefaultVCpus": 1}`.
    #[serde(rename = "VCpuInfo")]
    pub vcpu_info: VCpuInfoSpec,
    /// `{"SizeInMiB": 1024}`.
    #[serde(rename = "MemoryInfo")]
    pub memory_info: MemoryInfoSpec,
    /// `{"MaximumNetworkInterfaces": 2}`.
    #[serde(rename = "NetworkInfo")]
    pub network_info: NetworkInfoSpec,
    /// `{"Gpus": [{"Count": 1}]}` (absent: no GPU).
    #[serde(default, rename = "GpuInfo")]
    pub gpu_info: Option<GpuInfoSpec>,
    /// `{"SupportedArchitectures": ["x86_64"]}`.
    #[serde(rename = "ProcessorInfo")]
    pub processor_info: ProcessorInfoSpec,
}

/// `VCpuInfo`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct VCpuInfoSpec {
    /// vCPUs (ECS registers 1,024 CPU units each).
    pub default_v_cpus: u32,
}

/// `MemoryInfo`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryInfoSpec {
    /// Memory in MiB.
    #[serde(rename = "SizeInMiB")]
    pub size_in_mib: u32,
}

/// `NetworkInfo`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct NetworkInfoSpec {
    /// Network interfaces the type can attach, the primary one included.
    pub maximum_network_interfaces: u32,
}

/// `GpuInfo`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GpuInfoSpec {
    /// The GPU kinds; their `Count`s add up to the type's GPUs.
    #[serde(default)]
    pub gpus: Vec<GpuSpec>,
}

/// One GPU kind of `GpuInfo.Gpus`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GpuSpec {
    /// How many of it.
    pub count: u32,
}

/// `ProcessorInfo`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ProcessorInfoSpec {
    /// `x86_64`, `arm64` (`i386` alone, or the `_mac` ones, cannot run ECS tasks ecsim models).
    pub supported_architectures: Vec<String>,
}

/// `serviceQuotas`: what `aws service-quotas list-service-quotas --service-code fargate`
/// prints, as it is. Keys other than `Quotas` (`NextToken`) are accepted and ignored.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceQuotasSpec {
    /// The quotas.
    #[serde(default)]
    pub quotas: Vec<ServiceQuotaSpec>,
}

/// One printed quota: `QuotaCode` and/or `QuotaName` say which, `Value` its value. The other
/// printed keys (`ServiceCode`, `ServiceName`, `QuotaArn`, `Unit`, `Adjustable`, `GlobalQuota`,
/// `UsageMetric`, `Period`, `QuotaAppliedAtLevel`, …) are accepted and ignored, except that a
/// `ServiceCode` other than `fargate` is refused.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceQuotaSpec {
    /// The quota's code, e.g. `L-3032A538`.
    #[serde(default)]
    pub quota_code: Option<String>,
    /// The quota's name, e.g. `Fargate On-Demand vCPU resource count`.
    #[serde(default)]
    pub quota_name: Option<String>,
    /// The service's code (`fargate`).
    #[serde(default)]
    pub service_code: Option<String>,
    /// The quota's value (vCPUs).
    pub value: f64,
}

/// One ECS account setting (`{"name": "awsvpcTrunking", "value": "enabled"}`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountSettingSpec {
    /// The setting's name, e.g. `awsvpcTrunking`.
    pub name: String,
    /// Its value, e.g. `enabled`.
    pub value: String,
    /// Whose setting it is (recorded, not used).
    #[serde(default)]
    pub principal_arn: Option<String>,
    /// `user` or `aws_managed` (recorded, not used).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// `pricing`: overrides of any entry of the built-in price table (`ecsim pricing` prints it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PricingSpec {
    /// Fargate rates: `linuxX86`, `linuxArm`, `ephemeralStorageGbHour`.
    #[serde(default)]
    pub fargate: Option<FargatePricingSpec>,
    /// FARGATE_SPOT: a discount, or a series of discounts over time.
    #[serde(default)]
    pub fargate_spot: Option<FargateSpotPricingSpec>,
    /// EC2 on-demand prices per instance type, USD per hour.
    #[serde(default)]
    pub ec2: BTreeMap<String, f64>,
    /// EC2 Spot: the discount model or a price series.
    #[serde(default)]
    pub ec2_spot: Option<Ec2SpotPricingSpec>,
    /// The EKS control-plane fee, USD per cluster-hour (for the comparison line).
    #[serde(default)]
    pub eks_control_plane_hour: Option<f64>,
    /// Share of an instance's price attributed by reserved CPU (the rest by memory), 0–1.
    #[serde(default)]
    pub ec2_cpu_weight: Option<f64>,
}

/// `pricing.fargate`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FargatePricingSpec {
    /// Linux/x86 rates.
    #[serde(default)]
    pub linux_x86: Option<FargateRatesSpec>,
    /// Linux/ARM rates.
    #[serde(default)]
    pub linux_arm: Option<FargateRatesSpec>,
    /// Ephemeral storage above 20 GB, USD per GB-hour.
    #[serde(default)]
    pub ephemeral_storage_gb_hour: Option<f64>,
}

/// Fargate rates for one platform.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FargateRatesSpec {
    /// USD per vCPU-hour.
    #[serde(default)]
    pub vcpu_hour: Option<f64>,
    /// USD per GB-hour.
    #[serde(default)]
    pub gb_hour: Option<f64>,
}

/// `pricing.fargateSpot`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FargateSpotPricingSpec {
    /// Discount off on demand, 0 ≤ d < 1.
    #[serde(default)]
    pub discount: Option<f64>,
    /// Discount changes over time.
    #[serde(default)]
    pub series: Vec<DiscountAtSpec>,
}

/// One `{"at", "discount"}` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiscountAtSpec {
    /// From when.
    pub at: Duration,
    /// Discount off on demand.
    pub discount: f64,
}

/// `pricing.ec2Spot`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ec2SpotPricingSpec {
    /// Discount off on demand at the start.
    #[serde(default)]
    pub discount: Option<f64>,
    /// Discount per instance type.
    #[serde(default)]
    pub by_instance_type: BTreeMap<String, f64>,
    /// ± spread of the starting discount per zone.
    #[serde(default)]
    pub zone_spread: Option<f64>,
    /// Random-walk step interval (`"0s"` turns the walk off).
    #[serde(default)]
    pub drift_every: Option<Duration>,
    /// Random-walk step standard deviation.
    #[serde(default)]
    pub drift_sigma: Option<f64>,
    /// Lowest discount of the walk.
    #[serde(default)]
    pub min_discount: Option<f64>,
    /// Highest discount of the walk.
    #[serde(default)]
    pub max_discount: Option<f64>,
    /// Supplied prices, as describe-spot-price-history gives them.
    #[serde(default)]
    pub series: Vec<SpotPriceSpec>,
}

/// One supplied EC2 Spot price.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpotPriceSpec {
    /// From when.
    pub at: Duration,
    /// Instance type.
    pub instance_type: String,
    /// Zone (every zone when absent).
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// USD per instance-hour.
    pub price: f64,
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
    /// The ECS agent's configuration on the group's instances, as `/etc/ecs/ecs.config`
    /// holds it (`{"ECS_ENABLE_SPOT_INSTANCE_DRAINING": "true"}`); only that variable is
    /// modelled, the loader sets the others aside with a warning.
    #[serde(default)]
    pub ecs_agent_config: BTreeMap<String, String>,
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
    /// Placement strategies (EC2 only), later ones break ties. `[]` reads as absent (the
    /// default chain), as AWS reads it (docs/scenario-reference.md, "Fields ecsim sets aside").
    #[serde(default, deserialize_with = "empty_is_default")]
    pub placement_strategy: Option<Vec<PlacementStrategySpec>>,
    /// Placement constraints (EC2 only).
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraintSpec>,
    /// Rolling update limits.
    #[serde(default)]
    pub deployment_configuration: Option<DeploymentConfigurationSpec>,
    /// `REPLICA` (default) or `DAEMON` (one task on each instance meeting the constraints).
    #[serde(default)]
    pub scheduling_strategy: Option<String>,
    /// The load the service sees.
    #[serde(default)]
    pub load: Option<LoadSpec>,
    /// The service's load balancer target group.
    #[serde(default)]
    pub load_balancer: Option<LoadBalancerSpec>,
    /// Service auto scaling.
    #[serde(default)]
    pub auto_scaling: Option<AutoScalingSpec>,
    /// Rollouts of new revisions (ecsim's schedule; AWS's describe output is set aside).
    #[serde(default)]
    pub deployments: Vec<DeploymentSpec>,
    /// Per-service overrides of the `model` defaults.
    #[serde(default)]
    pub model: ModelSpec,
    /// Seconds after a task first started in which the scheduler ignores failed health checks
    /// (0–2,147,483,647, default 0).
    #[serde(default)]
    pub health_check_grace_period_seconds: Option<i64>,
}

/// Reads a `placementStrategy` list with `[]` as None: an empty strategy is no strategy, so
/// AWS's default applies, as when the key is left out. AWS: "For tasks running as part of an
/// Amazon ECS service, the task placement strategy is spread using the
/// attribute:ecs.availability-zone" (ECS developer guide, task-placement-strategies.html; ecsim
/// then spreads by instance, aws-behaviour.md §4), and a standalone task (RunTask) with none is
/// placed at random. `describe-services` prints `"placementStrategy": []` for a service created
/// without one, on EC2 and on Fargate alike, so a pasted service must read it as the default.
fn empty_is_default<'de, D>(d: D) -> Result<Option<Vec<PlacementStrategySpec>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let list: Option<Vec<PlacementStrategySpec>> = Option::deserialize(d)?;
    Ok(list.filter(|l| !l.is_empty()))
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
    /// Fargate ephemeral storage (above 20 GiB is billed).
    #[serde(default)]
    pub ephemeral_storage: Option<EphemeralStorageSpec>,
}

/// `ephemeralStorage`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EphemeralStorageSpec {
    /// GiB, 21–200 (20 are included).
    #[serde(rename = "sizeInGiB")]
    pub size_gib: u32,
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
    /// Whether the task stops when this container does (default true); only essential
    /// containers' health checks count toward the task's health.
    #[serde(default)]
    pub essential: Option<bool>,
    /// The container health check (Docker's HEALTHCHECK, as ECS runs it).
    #[serde(default)]
    pub health_check: Option<ContainerHealthCheckSpec>,
}

/// A container definition's `healthCheck` (the API's HealthCheck).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContainerHealthCheckSpec {
    /// The command (`["CMD-SHELL", "curl -f http://localhost/ || exit 1"]`); required, not run.
    #[serde(default)]
    pub command: Option<Vec<String>>,
    /// Seconds between checks, 5–300 (default 30).
    #[serde(default)]
    pub interval: Option<i64>,
    /// Seconds a check may take before it counts as failed, 2–60 (default 5).
    #[serde(default)]
    pub timeout: Option<i64>,
    /// Consecutive failures before the container is UNHEALTHY, 1–10 (default 3).
    #[serde(default)]
    pub retries: Option<i64>,
    /// Seconds after the container starts in which failures are not counted, 0–300 (default
    /// 0, off).
    #[serde(default)]
    pub start_period: Option<i64>,
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

/// `deploymentCircuitBreaker` (ECS's DeploymentCircuitBreaker).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CircuitBreakerSpec {
    /// Whether the breaker is on.
    pub enable: bool,
    /// Whether a failed deployment rolls back.
    pub rollback: bool,
    /// How many failed tasks trip it (default BOUNDED_PERCENT 50).
    #[serde(default)]
    pub threshold_configuration: Option<ThresholdConfigurationSpec>,
    /// Whether a task of the deployment that becomes healthy resets the failure count to 0
    /// (default true).
    #[serde(default)]
    pub reset_on_healthy_task: Option<bool>,
}

/// `deploymentCircuitBreaker.thresholdConfiguration` (ECS's ThresholdConfiguration): `type` and
/// `value` together give the failed tasks the circuit breaker tolerates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdConfigurationSpec {
    /// How `value` is read.
    #[serde(rename = "type")]
    pub kind: ThresholdType,
    /// A count (`COUNT`) or a percentage of the desired count.
    pub value: u32,
}

/// ECS's ThresholdType: how a circuit breaker's threshold `value` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ThresholdType {
    /// `value` failed tasks.
    Count,
    /// `value` % of the latest desired count (rounded up), clamped to [3, 200]: the default.
    BoundedPercent,
    /// `value` % of the latest desired count (rounded up), without the bounds.
    UnboundedPercent,
}

impl ThresholdType {
    /// AWS's spelling: `COUNT`, `BOUNDED_PERCENT`, `UNBOUNDED_PERCENT`.
    pub fn as_str(self) -> &'static str {
        match self {
            ThresholdType::Count => "COUNT",
            ThresholdType::BoundedPercent => "BOUNDED_PERCENT",
            ThresholdType::UnboundedPercent => "UNBOUNDED_PERCENT",
        }
    }
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
    /// Delay from the end of a one-minute metric period until its datapoint is evaluated
    /// (publication, alarm evaluation and action latency together; cluster-wide).
    #[serde(default)]
    pub metric_publication_delay: Option<Duration>,
    /// The same for the 20-second high-resolution metrics (cluster-wide).
    #[serde(default)]
    pub high_resolution_metric_delay: Option<Duration>,
    /// The fluid load's integration step (cluster-wide; must divide 20 s).
    #[serde(default)]
    pub load_step: Option<Duration>,
    /// The RUNNING count target tracking scales out from inside a scale-out cooldown.
    #[serde(default)]
    pub scale_out_cooldown_base: Option<CooldownBase>,
    /// End of a minute → its CapacityProviderReservation datapoint acts (cluster-wide).
    #[serde(default)]
    pub cluster_metric_delay: Option<Duration>,
    /// The service throttle logic's first back-off after tasks repeatedly fail to start.
    #[serde(default)]
    pub restart_backoff_first: Option<Duration>,
    /// The service throttle logic's longest back-off (AWS: 27 minutes).
    #[serde(default)]
    pub restart_backoff_max: Option<Duration>,
}

/// Which RUNNING count target tracking uses inside a scale-out cooldown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CooldownBase {
    /// The RUNNING count when the chain of scale-outs began: "the capacity added by the
    /// scale-out that initiated the cooldown is calculated as part of the desired capacity".
    ChainStart,
    /// The RUNNING count now (the tasks just added count as soon as they run).
    Current,
}

/// The last tie-breaker of placement (defined with placement, which reads it).
pub use crate::placement::TieBreak;

// ---------------------------------------------------------------------------------------------
// Load, load balancer, Application Auto Scaling, batch jobs and custom metrics.

pub use crate::workload::shape::ShapeSpec;

/// A service's `load`: web traffic behind its load balancer, or a queue it drains.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoadSpec {
    /// Requests per second offered to the service's load balancer.
    #[serde(default)]
    pub traffic: Option<ShapeSpec>,
    /// How one task turns requests into CPU and memory use.
    #[serde(default)]
    pub per_task: Option<PerTaskSpec>,
    /// A queue the service's tasks drain.
    #[serde(default)]
    pub queue: Option<QueueSpec>,
}

/// `load.perTask`: one task's capacity and resource use.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PerTaskSpec {
    /// Requests per second one task can serve.
    pub max_rps: f64,
    /// CPU utilisation (% of the task's CPU) at `maxRps`.
    #[serde(default)]
    pub cpu_at_max_rps: Option<f64>,
    /// CPU utilisation (%) with no traffic.
    #[serde(default)]
    pub idle_cpu: Option<f64>,
    /// Memory in use with no traffic, MiB.
    #[serde(default)]
    pub memory_base: Option<f64>,
    /// Extra memory per request per second, MiB.
    #[serde(default)]
    pub memory_per_rps: Option<f64>,
}

/// How queue messages arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ArrivalProcess {
    /// Exactly the shape's rate (a fluid).
    Fluid,
    /// A Poisson count per load step with the shape's rate.
    Poisson,
}

/// `load.queue`: a worker service fed by an SQS-like queue.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueueSpec {
    /// Messages per second arriving.
    pub arrivals: ShapeSpec,
    /// Messages one RUNNING task processes per second.
    pub per_task_messages_per_second: f64,
    /// `fluid` (default) or `poisson`.
    #[serde(default)]
    pub arrival_process: Option<ArrivalProcess>,
    /// The queue's name in AWS/SQS metrics (default: the service's name).
    #[serde(default)]
    pub queue_name: Option<String>,
    /// CPU utilisation (%) of a task busy all the time.
    #[serde(default)]
    pub cpu_busy: Option<f64>,
    /// CPU utilisation (%) of an idle task.
    #[serde(default)]
    pub idle_cpu: Option<f64>,
    /// Memory utilisation (%) of a worker task (default 50).
    #[serde(default)]
    pub memory_utilization: Option<f64>,
}

/// `loadBalancer`: the service's target group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoadBalancerSpec {
    /// The target group's health check.
    #[serde(default)]
    pub health_check: Option<HealthCheckSpec>,
    /// Seconds a deregistered target keeps draining before its task is stopped (default 300).
    #[serde(default)]
    pub deregistration_delay: Option<Duration>,
    /// The target group's name in AWS/ApplicationELB metrics (default: the service's name).
    #[serde(default)]
    pub target_group: Option<String>,
}

/// The target group health check.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HealthCheckSpec {
    /// Seconds between checks (default 30).
    #[serde(default)]
    pub interval_seconds: Option<u32>,
    /// Consecutive passes before a target is healthy (default 5).
    #[serde(default)]
    pub healthy_threshold: Option<u32>,
}

/// `autoScaling`: the scalable target (RegisterScalableTarget) with its policies and schedule.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AutoScalingSpec {
    /// Lowest desired count scaling may set.
    pub min_capacity: u32,
    /// Highest desired count scaling may set.
    pub max_capacity: u32,
    /// Scaling policies, as PutScalingPolicy takes them.
    #[serde(default, rename = "policies")]
    pub policies: Vec<ScalingPolicySpec>,
    /// Scheduled actions, as PutScheduledAction takes them.
    #[serde(default, rename = "scheduledActions")]
    pub scheduled_actions: Vec<ScheduledActionSpec>,
    /// Accepted for pasting; always `ecs`.
    #[serde(default)]
    pub service_namespace: Option<String>,
    /// Accepted for pasting; the service is the one this block sits in.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// Accepted for pasting; always `ecs:service:DesiredCount`.
    #[serde(default)]
    pub scalable_dimension: Option<String>,
}

/// A scaling policy (PutScalingPolicy).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ScalingPolicySpec {
    /// The policy's name (unique within the service).
    pub policy_name: String,
    /// `TargetTrackingScaling` or `StepScaling`.
    pub policy_type: String,
    /// Target tracking configuration.
    #[serde(default)]
    pub target_tracking_scaling_policy_configuration: Option<TargetTrackingSpec>,
    /// Step scaling configuration.
    #[serde(default)]
    pub step_scaling_policy_configuration: Option<StepScalingSpec>,
    /// The CloudWatch alarm that triggers a step policy (PutMetricAlarm fields).
    #[serde(default)]
    pub alarm: Option<AlarmSpec>,
    /// Accepted for pasting.
    #[serde(default)]
    pub service_namespace: Option<String>,
    /// Accepted for pasting.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// Accepted for pasting.
    #[serde(default)]
    pub scalable_dimension: Option<String>,
}

/// TargetTrackingScalingPolicyConfiguration.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TargetTrackingSpec {
    /// The value to keep the metric at.
    pub target_value: f64,
    /// One of the predefined metrics.
    #[serde(default)]
    pub predefined_metric_specification: Option<PredefinedMetricSpec>,
    /// A CloudWatch metric or metric math expression.
    #[serde(default)]
    pub customized_metric_specification: Option<CustomizedMetricSpec>,
    /// Seconds after a scale-out before a smaller scale-out (default 300).
    #[serde(default)]
    pub scale_out_cooldown: Option<u32>,
    /// Seconds after a scale-in before another scale-in (default 300).
    #[serde(default)]
    pub scale_in_cooldown: Option<u32>,
    /// Never scale in (default false).
    #[serde(default)]
    pub disable_scale_in: Option<bool>,
}

/// PredefinedMetricSpecification.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PredefinedMetricSpec {
    /// ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization,
    /// ALBRequestCountPerTarget, or the HighResolution CPU and memory variants.
    pub predefined_metric_type: String,
    /// Accepted for pasting (the service's own target group is meant).
    #[serde(default)]
    pub resource_label: Option<String>,
}

/// A metric dimension.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DimensionSpec {
    /// Dimension name.
    pub name: String,
    /// Dimension value.
    pub value: String,
}

/// CustomizedMetricSpecification: one metric, or metric math over `Metrics`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CustomizedMetricSpec {
    /// Metric name (single-metric form).
    #[serde(default)]
    pub metric_name: Option<String>,
    /// Namespace (single-metric form).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Dimensions (single-metric form).
    #[serde(default)]
    pub dimensions: Vec<DimensionSpec>,
    /// Average, Sum, Minimum, Maximum or SampleCount (single-metric form).
    #[serde(default)]
    pub statistic: Option<String>,
    /// Accepted, not used.
    #[serde(default)]
    pub unit: Option<String>,
    /// Metric math queries (exactly one with `ReturnData` true or unset is tracked).
    #[serde(default)]
    pub metrics: Vec<MetricDataQuerySpec>,
}

/// A metric math query (TargetTrackingMetricDataQuery / MetricDataQuery).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct MetricDataQuerySpec {
    /// The id other expressions use.
    pub id: String,
    /// An expression over other ids.
    #[serde(default)]
    pub expression: Option<String>,
    /// A metric and statistic.
    #[serde(default)]
    pub metric_stat: Option<MetricStatSpec>,
    /// A label.
    #[serde(default)]
    pub label: Option<String>,
    /// Whether this query is the result (exactly one must be).
    #[serde(default)]
    pub return_data: Option<bool>,
    /// Period in seconds (PutMetricAlarm's form; 60 for ECS metrics).
    #[serde(default)]
    pub period: Option<u32>,
}

/// MetricStat.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct MetricStatSpec {
    /// The metric.
    pub metric: MetricSpec,
    /// Average, Sum, Minimum, Maximum or SampleCount.
    pub stat: String,
    /// Accepted, not used.
    #[serde(default)]
    pub unit: Option<String>,
    /// Period in seconds.
    #[serde(default)]
    pub period: Option<u32>,
}

/// A CloudWatch metric.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct MetricSpec {
    /// Namespace.
    pub namespace: String,
    /// Metric name.
    pub metric_name: String,
    /// Dimensions.
    #[serde(default)]
    pub dimensions: Vec<DimensionSpec>,
}

/// StepScalingPolicyConfiguration.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct StepScalingSpec {
    /// ChangeInCapacity, ExactCapacity or PercentChangeInCapacity.
    pub adjustment_type: String,
    /// The steps, bounds relative to the alarm threshold.
    pub step_adjustments: Vec<StepAdjustmentSpec>,
    /// Smallest change a percent step makes.
    #[serde(default)]
    pub min_adjustment_magnitude: Option<u32>,
    /// Seconds after a scaling activity before the next takes full effect (default 300).
    #[serde(default)]
    pub cooldown: Option<u32>,
    /// Average, Minimum or Maximum (default Average).
    #[serde(default)]
    pub metric_aggregation_type: Option<String>,
}

/// A step.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct StepAdjustmentSpec {
    /// Lower bound relative to the threshold (none: −∞).
    #[serde(default)]
    pub metric_interval_lower_bound: Option<f64>,
    /// Upper bound relative to the threshold (none: +∞).
    #[serde(default)]
    pub metric_interval_upper_bound: Option<f64>,
    /// The change.
    pub scaling_adjustment: i64,
}

/// A step policy's alarm (PutMetricAlarm).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AlarmSpec {
    /// The alarm's name (default `<PolicyName>-alarm`).
    #[serde(default)]
    pub alarm_name: Option<String>,
    /// Metric name (single-metric form).
    #[serde(default)]
    pub metric_name: Option<String>,
    /// Namespace (single-metric form).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Dimensions (single-metric form).
    #[serde(default)]
    pub dimensions: Vec<DimensionSpec>,
    /// Statistic (single-metric form).
    #[serde(default)]
    pub statistic: Option<String>,
    /// A percentile such as `p90` instead of Statistic (single-metric form; CPU and memory
    /// utilisation only).
    #[serde(default)]
    pub extended_statistic: Option<String>,
    /// Period in seconds (60, or 20 for the high-resolution ECS metrics).
    #[serde(default)]
    pub period: Option<u32>,
    /// Periods evaluated.
    pub evaluation_periods: u32,
    /// Breaching periods needed (default EvaluationPeriods).
    #[serde(default)]
    pub datapoints_to_alarm: Option<u32>,
    /// Threshold.
    pub threshold: f64,
    /// GreaterThanThreshold, GreaterThanOrEqualToThreshold, LessThanThreshold,
    /// LessThanOrEqualToThreshold.
    pub comparison_operator: String,
    /// `missing` (the default), `notBreaching`, `breaching` or `ignore`.
    #[serde(default)]
    pub treat_missing_data: Option<String>,
    /// Metric math form.
    #[serde(default)]
    pub metrics: Vec<MetricDataQuerySpec>,
    /// Accepted, not used.
    #[serde(default)]
    pub unit: Option<String>,
    /// Accepted, not used.
    #[serde(default)]
    pub alarm_description: Option<String>,
    /// Accepted, not used (the policy is the action).
    #[serde(default)]
    pub alarm_actions: Vec<String>,
}

/// A scheduled action (PutScheduledAction).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ScheduledActionSpec {
    /// The action's name.
    pub scheduled_action_name: String,
    /// `at(...)`, `rate(...)` or `cron(...)`.
    pub schedule: String,
    /// IANA time zone (default UTC).
    #[serde(default)]
    pub timezone: Option<String>,
    /// First instant the action may run.
    #[serde(default)]
    pub start_time: Option<String>,
    /// Last instant the action may run.
    #[serde(default)]
    pub end_time: Option<String>,
    /// The new bounds.
    pub scalable_target_action: ScalableTargetActionSpec,
    /// Accepted for pasting.
    #[serde(default)]
    pub service_namespace: Option<String>,
    /// Accepted for pasting.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// Accepted for pasting.
    #[serde(default)]
    pub scalable_dimension: Option<String>,
}

/// ScalableTargetAction.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ScalableTargetActionSpec {
    /// New MinCapacity.
    #[serde(default)]
    pub min_capacity: Option<u32>,
    /// New MaxCapacity.
    #[serde(default)]
    pub max_capacity: Option<u32>,
}

/// `batchJobs`: RunTask-style work.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchJobSpec {
    /// The job stream's name.
    pub name: String,
    /// The task definition, inline.
    pub task_definition: TaskDefinitionSpec,
    /// How jobs arrive.
    pub arrivals: ArrivalsSpec,
    /// How long a job runs once RUNNING.
    pub runtime: Delay,
    /// `EC2` or `FARGATE`.
    #[serde(default)]
    pub launch_type: Option<LaunchType>,
    /// Capacity provider strategy.
    #[serde(default)]
    pub capacity_provider_strategy: Option<Vec<StrategyItemSpec>>,
    /// Placement strategies (EC2 only). `[]` reads as absent (RunTask's default: random).
    #[serde(default, deserialize_with = "empty_is_default")]
    pub placement_strategy: Option<Vec<PlacementStrategySpec>>,
    /// Placement constraints (EC2 only).
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraintSpec>,
    /// `retry` or `lose` when the job's capacity is interrupted.
    #[serde(default)]
    pub on_interruption: Option<String>,
    /// Per-job-stream overrides of the `model` defaults.
    #[serde(default)]
    pub model: ModelSpec,
}

/// Job arrivals: a Poisson process or a schedule.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArrivalsSpec {
    /// `poisson` (needs `perHour` or `rate`) or `schedule` (needs `schedule`).
    pub process: String,
    /// Mean jobs per hour (Poisson).
    #[serde(default)]
    pub per_hour: Option<f64>,
    /// Jobs per second as a load shape (a Poisson process with a varying rate).
    #[serde(default)]
    pub rate: Option<ShapeSpec>,
    /// Jobs submitted at given times.
    #[serde(default)]
    pub schedule: Vec<ScheduledJobsSpec>,
}

/// Jobs submitted together.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduledJobsSpec {
    /// When.
    pub at: Duration,
    /// How many (default 1).
    #[serde(default)]
    pub count: Option<u32>,
}

/// A fault (`faults[]`): one shape for every type; each type reads the fields it needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSpec {
    /// `spotInterruptions`, `spotCapacityUnavailable`, `zoneOutage`, `instanceFailures`,
    /// `taskCrashes`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Names the fault's random stream and its `--set` path.
    #[serde(default)]
    pub name: Option<String>,
    /// The capacity provider it strikes.
    #[serde(default)]
    pub capacity_provider: Option<String>,
    /// Interruptions per task-hour (Fargate Spot).
    #[serde(default)]
    pub per_task_hour: Option<f64>,
    /// Interruptions or failures per instance-hour (EC2).
    #[serde(default)]
    pub per_instance_hour: Option<f64>,
    /// Per-zone overrides of `perInstanceHour`.
    #[serde(default)]
    pub by_zone: Option<BTreeMap<String, f64>>,
    /// Interruptions of a fraction of the provider's tasks or instances at given times.
    #[serde(default)]
    pub schedule: Vec<FractionAtSpec>,
    /// When the fault starts.
    #[serde(default)]
    pub at: Option<Duration>,
    /// How long it lasts.
    #[serde(default)]
    pub duration: Option<Duration>,
    /// The zone (zone outages).
    #[serde(default)]
    pub zone: Option<String>,
    /// The service (task crashes).
    #[serde(default)]
    pub service: Option<String>,
}

/// A rollout: `{"at": "6h", "failureProbability": 0.3}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeploymentSpec {
    /// When the new revision is deployed.
    pub at: Duration,
    /// Probability that a task of the new revision fails (default 0).
    #[serde(default)]
    pub failure_probability: Option<f64>,
    /// Where a failing task fails: `healthCheck` (after RUNNING, the default) or `start`
    /// (PENDING → STOPPED before RUNNING, like CannotPullContainerError).
    #[serde(default)]
    pub fail_at: Option<FailAt>,
}

/// Where a deployment's failing task fails (`deployments[].failAt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FailAt {
    /// It reaches RUNNING, then fails its health check (the default).
    #[default]
    HealthCheck,
    /// It never reaches RUNNING: PENDING → STOPPED with no `startedAt` (an image that cannot
    /// be pulled, a container that cannot be created); the service throttle logic applies.
    Start,
}

/// `{"at": "5h", "fraction": 0.2}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FractionAtSpec {
    /// When.
    pub at: Duration,
    /// Fraction of the provider's tasks (or instances) interrupted, above 0 and at most 1.
    pub fraction: f64,
}

/// `customMetrics`: a user metric as a series.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CustomMetricSpec {
    /// Namespace.
    pub namespace: String,
    /// Metric name.
    pub metric_name: String,
    /// Dimensions.
    #[serde(default)]
    pub dimensions: Vec<DimensionSpec>,
    /// The value over time, as a load shape (its `rps` fields read as the metric's value).
    pub value: ShapeSpec,
}
