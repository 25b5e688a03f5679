//! `ecsim export`: what AWS takes to deploy a scenario — one input document per API call (for
//! `aws … --cli-input-json file://…`), a script that makes the calls in order, and a
//! CloudFormation template of the same resources.
//!
//! The scenario is already in AWS's shapes, so export is mostly a selection: each call's input
//! takes the fields of the scenario's object that the call's *request* accepts (an allow-list
//! per call, from the API references' Request Syntax), which leaves out ecsim's own keys (`load`,
//! `autoScaling`, `model`, …) and every read-only field a pasted describe output carried. What
//! AWS requires but a scenario does not hold (a container image, subnets, a launch template,
//! the ARN a step policy gets when it is created) is written as an obvious placeholder and
//! listed ([`Placeholder`]); what AWS does not hold at all (load, faults, the run's length,
//! pricing) is listed as not exported ([`NotExported`]). Both are typed values; their sentences
//! are made when printed.
//!
//! ```
//! use ecsim::export::{export, ExportOptions};
//! use ecsim::scenario::source::Source;
//! let src = Source::resolve(Some("cluster-scaling")).unwrap();
//! let e = export(&src, &[], &ExportOptions::default()).unwrap();
//! // A group, its capacity provider, the cluster, a task definition, the service, its
//! // scalable target and one scheduled action.
//! let ops: Vec<&str> = e.calls.iter().map(|c| c.operation).collect();
//! assert_eq!(
//!     ops,
//!     [
//!         "create-auto-scaling-group",
//!         "create-capacity-provider",
//!         "create-cluster",
//!         "register-task-definition",
//!         "create-service",
//!         "register-scalable-target",
//!         "put-scheduled-action",
//!     ]
//! );
//! assert!(e.not_exported.iter().any(|n| n.path == "duration"));
//! ```

mod cfn;

use crate::error::Error;
use crate::scenario::set_path::Assignment;
use crate::scenario::source::Source;
use crate::util::json::{arr, pick};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::fmt;

/// The schema name of `export.json`.
pub const EXPORT_SCHEMA: &str = "ecsim.export/1";

/// The image written for a container whose definition has none (a scenario need not say).
pub const IMAGE_PLACEHOLDER: &str = "replace-with-your-image";
/// The subnet written where awsvpc networking needs one.
pub const SUBNET_PLACEHOLDER: &str = "subnet-REPLACE-ME";
/// The security group written where awsvpc networking needs one.
pub const SECURITY_GROUP_PLACEHOLDER: &str = "sg-REPLACE-ME";
/// The launch template an Auto Scaling group is written with (ECS-optimised AMI, instance
/// profile and user data joining the cluster are the user's).
pub const LAUNCH_TEMPLATE_PLACEHOLDER: &str = "REPLACE-ME-ecs-launch-template";

/// Options of [`export`].
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// The cluster's name (default: the scenario's name, reduced to the characters a cluster
    /// name may hold).
    pub cluster: Option<String>,
}

/// One API call: which CLI command takes it and its input document.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    /// The file it is written to.
    pub file: String,
    /// The CLI service (`ecs`, `autoscaling`, `application-autoscaling`, `cloudwatch`).
    pub service: &'static str,
    /// The CLI operation (`create-service`, …).
    pub operation: &'static str,
    /// What it creates (a service's name, a policy's, …).
    pub resource: String,
    /// The `--cli-input-json` document.
    #[serde(skip)]
    pub input: Value,
}

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Need {
    /// A container image (the scenario's container has none).
    ContainerImage,
    /// Subnets for awsvpc networking.
    Subnets,
    /// Security groups for awsvpc networking.
    SecurityGroups,
    /// The launch template of an Auto Scaling group.
    LaunchTemplate,
    /// The ARN PutScalingPolicy returns, which the step policy's alarm acts on.
    PolicyArn,
}

/// A value AWS requires that the scenario does not hold, written as a placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placeholder {
    /// The file holding it.
    pub file: String,
    /// The field path in that file's document.
    pub field: String,
    /// What it stands for.
    pub need: Need,
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.need {
            Need::ContainerImage => "the container image (the scenario gives none)",
            Need::Subnets => "your subnet IDs (awsvpc networking needs them)",
            Need::SecurityGroups => "your security group IDs",
            Need::LaunchTemplate => {
                "your launch template (ECS-optimised AMI, instance profile, user data that \
                 joins the cluster)"
            }
            Need::PolicyArn => {
                "the PolicyARN that put-scaling-policy prints for the step policy (deploy.sh \
                 passes it as --alarm-actions)"
            }
        };
        write!(f, "{} {}: {what}", self.file, self.field)
    }
}

/// Why part of a scenario is not exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NotHeld {
    /// Simulation only: the run's length, start, seed, description.
    Simulation,
    /// The load model (AWS sees traffic; it holds no description of it).
    Load,
    /// ecsim's model of the load balancer (AWS's target group is the user's).
    LoadBalancerModel,
    /// Faults to inject.
    Faults,
    /// ecsim's modelling defaults.
    Model,
    /// Prices (AWS bills; it takes no price list).
    Pricing,
    /// Rollouts of new revisions over the run.
    Rollouts,
    /// Batch job streams (each job is a RunTask when it arrives, not a resource).
    BatchJobs,
    /// User metrics published by the workload.
    CustomMetrics,
    /// Service quotas (raised by request, not by API input).
    ServiceQuotas,
    /// Custom instance attributes (set by the ECS agent's ECS_INSTANCE_ATTRIBUTES in the launch
    /// template's user data).
    InstanceAttributes,
    /// ECS agent settings (the launch template's user data).
    AgentConfig,
    /// A list of zones (the groups' zones are exported; subnets choose them in a VPC).
    Zones,
    /// Inline instance type definitions (EC2 has its types; these describe them to ecsim).
    InstanceTypes,
}

/// A part of the scenario AWS does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotExported {
    /// Its path in the scenario.
    pub path: String,
    /// Why.
    pub why: NotHeld,
}

impl fmt::Display for NotExported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.why {
            NotHeld::Simulation => "simulation settings",
            NotHeld::Load => "the load model: AWS holds no description of traffic",
            NotHeld::LoadBalancerModel => {
                "ecsim's model of the target group; the service's `loadBalancers` are exported \
                 when given"
            }
            NotHeld::Faults => "faults to inject",
            NotHeld::Model => "ecsim's modelling defaults",
            NotHeld::Pricing => "prices: AWS bills, it takes no price list",
            NotHeld::Rollouts => {
                "rollouts over the run (each is an update-service when it happens)"
            }
            NotHeld::BatchJobs => "batch jobs (each is a run-task when it arrives, not a resource)",
            NotHeld::CustomMetrics => "metrics the workload publishes",
            NotHeld::ServiceQuotas => "service quotas (raised by a quota request)",
            NotHeld::InstanceAttributes => {
                "custom attributes (ECS_INSTANCE_ATTRIBUTES in the launch template's user data)"
            }
            NotHeld::AgentConfig => "ECS agent settings (the launch template's user data)",
            NotHeld::Zones => {
                "the zones (each group's zones are exported; in a VPC its subnets choose them)"
            }
            NotHeld::InstanceTypes => "instance type definitions (EC2 knows its types)",
        };
        write!(f, "{}: {why}", self.path)
    }
}

/// What [`export`] makes.
#[derive(Debug, Clone)]
pub struct Export {
    /// The scenario's name.
    pub scenario: String,
    /// The cluster's name.
    pub cluster: String,
    /// The region (the scenario's).
    pub region: String,
    /// The calls, in the order they must be made.
    pub calls: Vec<Call>,
    /// The CloudFormation template of the same resources.
    pub template: Value,
    /// Values AWS needs that the scenario does not hold.
    pub placeholders: Vec<Placeholder>,
    /// What AWS does not hold.
    pub not_exported: Vec<NotExported>,
    /// The scenario's own warnings (fields set aside on loading).
    pub warnings: Vec<String>,
}

/// The fields of each request, from the API references' Request Syntax (ECS API 2014-11-13).
const REGISTER_TASK_DEFINITION: &[&str] = &[
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "tags",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "inferenceAccelerators",
    "ephemeralStorage",
    "runtimePlatform",
    "enableFaultInjection",
];
const CREATE_SERVICE: &[&str] = &[
    "serviceName",
    "availabilityZoneRebalancing",
    "loadBalancers",
    "serviceRegistries",
    "desiredCount",
    "launchType",
    "capacityProviderStrategy",
    "platformVersion",
    "role",
    "deploymentConfiguration",
    "placementConstraints",
    "placementStrategy",
    "networkConfiguration",
    "healthCheckGracePeriodSeconds",
    "schedulingStrategy",
    "deploymentController",
    "tags",
    "enableECSManagedTags",
    "propagateTags",
    "enableExecuteCommand",
    "serviceConnectConfiguration",
    "volumeConfigurations",
    "vpcLatticeConfigurations",
];
const AUTO_SCALING_GROUP_PROVIDER: &[&str] = &[
    "managedScaling",
    "managedTerminationProtection",
    "managedDraining",
];
const TARGET_TRACKING: &[&str] = &[
    "TargetValue",
    "PredefinedMetricSpecification",
    "CustomizedMetricSpecification",
    "ScaleOutCooldown",
    "ScaleInCooldown",
    "DisableScaleIn",
];
const STEP_SCALING: &[&str] = &[
    "AdjustmentType",
    "StepAdjustments",
    "MinAdjustmentMagnitude",
    "Cooldown",
    "MetricAggregationType",
];
const PUT_METRIC_ALARM: &[&str] = &[
    "AlarmName",
    "AlarmDescription",
    "MetricName",
    "Namespace",
    "Statistic",
    "ExtendedStatistic",
    "Dimensions",
    "Period",
    "Unit",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "Metrics",
];
const SCHEDULED_ACTION: &[&str] = &[
    "ScheduledActionName",
    "Schedule",
    "Timezone",
    "StartTime",
    "EndTime",
    "ScalableTargetAction",
];

/// The top-level scenario keys AWS does not hold, and why. The rest (`name`, `region`,
/// `capacityProviders`, `defaultCapacityProviderStrategy`, `services`, `accountSettings`) are
/// exported.
const TOP_NOT_HELD: &[(&str, NotHeld)] = &[
    ("description", NotHeld::Simulation),
    ("seed", NotHeld::Simulation),
    ("duration", NotHeld::Simulation),
    ("start", NotHeld::Simulation),
    ("availabilityZones", NotHeld::Zones),
    ("batchJobs", NotHeld::BatchJobs),
    ("customMetrics", NotHeld::CustomMetrics),
    ("faults", NotHeld::Faults),
    ("pricing", NotHeld::Pricing),
    ("model", NotHeld::Model),
    ("serviceQuotas", NotHeld::ServiceQuotas),
    ("instanceTypes", NotHeld::InstanceTypes),
];
/// A service's keys AWS does not hold.
const SERVICE_NOT_HELD: &[(&str, NotHeld)] = &[
    ("load", NotHeld::Load),
    ("loadBalancer", NotHeld::LoadBalancerModel),
    ("model", NotHeld::Model),
];

/// A cluster name from a scenario's: the characters a cluster name may hold (letters, digits,
/// `-` and `_`, at most 255), anything else as `-`.
pub fn cluster_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(255)
        .collect();
    if s.is_empty() { "ecsim".to_string() } else { s }
}

/// A file name part from a resource name: one safe path component, of bounded length
/// ([`crate::outdir::component`], [`crate::outdir::bounded_name`]).
fn part(name: &str) -> String {
    let c = crate::outdir::component(name).unwrap_or_else(|| "unnamed".to_string());
    crate::outdir::bounded_name(&c)
}

/// A scenario document with `sets` applied, as [`crate::scenario::load_str`] reads it.
fn document(src: &Source, sets: &[Assignment]) -> Result<Value, Error> {
    let text = src
        .text
        .strip_prefix(crate::scenario::BOM)
        .unwrap_or(&src.text);
    let mut doc: Value =
        serde_json::from_str(text).map_err(|e| Error::invalid(&src.file, "", e.to_string()))?;
    for a in sets {
        crate::scenario::set_path::apply(&mut doc, a)
            .map_err(|e| Error::invalid(a.origin, &e.path, e.message.clone()))?;
    }
    Ok(doc)
}

struct Builder {
    cluster: String,
    calls: Vec<Call>,
    placeholders: Vec<Placeholder>,
    not_exported: Vec<NotExported>,
}

impl Builder {
    fn call(
        &mut self,
        service: &'static str,
        operation: &'static str,
        resource: &str,
        input: Map<String, Value>,
    ) -> String {
        let file = format!(
            "{:02}-{service}-{operation}-{}.json",
            self.calls.len() + 1,
            part(resource)
        );
        self.calls.push(Call {
            file: file.clone(),
            service,
            operation,
            resource: resource.to_string(),
            input: Value::Object(input),
        });
        file
    }

    fn placeholder(&mut self, file: &str, field: &str, need: Need) {
        self.placeholders.push(Placeholder {
            file: file.to_string(),
            field: field.to_string(),
            need,
        });
    }

    fn not_held(&mut self, path: String, why: NotHeld) {
        self.not_exported.push(NotExported { path, why });
    }
}

/// The Auto Scaling group of capacity provider `name`.
pub fn group_name(cluster: &str, provider: &str) -> String {
    format!("{cluster}-{provider}")
}

/// The input of CreateAutoScalingGroup for ecsim's `autoScalingGroup` object `g`: a mixed
/// instances policy over its types (one override per type, on demand or Spot as its
/// `purchaseOption` says), its sizes and zones.
fn group_input(
    g: &Value,
    group: &str,
    zones: &[String],
    protect: bool,
) -> (Map<String, Value>, Vec<String>) {
    let types: Vec<Value> = g
        .get("instanceTypes")
        .and_then(Value::as_array)
        .map(|l| l.iter().map(|t| json!({ "InstanceType": t })).collect())
        .unwrap_or_default();
    let spot = g.get("purchaseOption").and_then(Value::as_str) == Some("spot");
    let mut m = Map::new();
    m.insert("AutoScalingGroupName".into(), json!(group));
    m.insert(
        "MixedInstancesPolicy".into(),
        json!({
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {
                    "LaunchTemplateName": LAUNCH_TEMPLATE_PLACEHOLDER,
                    "Version": "$Latest"
                },
                "Overrides": types
            },
            "InstancesDistribution": {
                "OnDemandBaseCapacity": 0,
                "OnDemandPercentageAboveBaseCapacity": if spot { 0 } else { 100 },
                "SpotAllocationStrategy": "price-capacity-optimized"
            }
        }),
    );
    m.insert(
        "MinSize".into(),
        g.get("minSize").cloned().unwrap_or(json!(0)),
    );
    if let Some(v) = g.get("maxSize") {
        m.insert("MaxSize".into(), v.clone());
    }
    if let Some(v) = g.get("desiredCapacity") {
        m.insert("DesiredCapacity".into(), v.clone());
    }
    let group_zones: Vec<String> = g
        .get("zones")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|z| z.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_else(|| zones.to_vec());
    m.insert("AvailabilityZones".into(), json!(group_zones));
    if protect {
        // AWS requires it of a group whose provider has managed termination protection.
        m.insert("NewInstancesProtectedFromScaleIn".into(), json!(true));
    }
    (m, group_zones)
}

/// What `ecsim export ARG [--variant N] [--set …]` exports: the scenario `arg` (a file or a
/// bundled name) with `sets`, or, when `arg` is a sweep's output folder (it holds grid.json),
/// its variant `variant` — the grid's scenario with the sweep's `--set` values, the variant's
/// values, then `sets`.
pub fn source_of(
    arg: &str,
    variant: Option<usize>,
    sets: Vec<Assignment>,
) -> Result<(Source, Vec<Assignment>), Error> {
    let folder = std::path::Path::new(arg);
    if !folder.join("grid.json").is_file() {
        if variant.is_some() {
            return Err(Error::invalid(
                "--variant",
                "",
                format!(
                    "`{arg}` is not a sweep's output folder (no grid.json): --variant chooses a \
                     sweep's variant; for a scenario file use --set"
                ),
            ));
        }
        return Ok((Source::resolve(Some(arg))?, sets));
    }
    let (g, grid) = crate::sweep::results::GridFile::read(folder)?;
    let n = grid.variants.len();
    let Some(v) = variant else {
        return Err(Error::invalid(
            arg,
            "",
            format!(
                "a sweep folder holds {n} variants: choose one with --variant N (0 to {})",
                n - 1
            ),
        ));
    };
    if v >= n {
        return Err(Error::invalid(
            "--variant",
            "",
            format!("no variant {v}: the sweep has {n} (0 to {})", n - 1),
        ));
    }
    let mut all = Vec::new();
    for (i, text) in g.sets.iter().enumerate() {
        let a = crate::scenario::set_path::parse_assignment(text).map_err(|e| {
            Error::invalid(
                &folder.join("grid.json").display().to_string(),
                &format!("sets[{i}]"),
                e.message.clone(),
            )
        })?;
        all.push(a);
    }
    let mut vary = crate::sweep::run::assignments(&grid, v, grid.seed)?;
    vary.retain(|a| a.path != "seed");
    all.extend(vary);
    all.extend(sets);
    Ok((Source::resolve(Some(&grid.variants[v].scenario))?, all))
}

/// Exports `src` with `sets` applied: the scenario is loaded and checked first (a scenario
/// that does not validate is not exported).
pub fn export(src: &Source, sets: &[Assignment], o: &ExportOptions) -> Result<Export, Error> {
    let scenario = src.load(sets)?;
    let doc = document(src, sets)?;
    let cluster = o
        .cluster
        .clone()
        .unwrap_or_else(|| cluster_name(&scenario.name));
    let mut b = Builder {
        cluster: cluster.clone(),
        calls: Vec::new(),
        placeholders: Vec::new(),
        not_exported: Vec::new(),
    };
    for (key, why) in TOP_NOT_HELD {
        if doc.get(*key).is_some() {
            b.not_held((*key).to_string(), *why);
        }
    }

    // Groups and their capacity providers; the cluster takes every provider the scenario
    // declares, FARGATE and FARGATE_SPOT (AWS's own, not created) included.
    let mut provider_names = Vec::new();
    for (i, cp) in arr(&doc, "capacityProviders").iter().enumerate() {
        let name = cp.get("name").and_then(Value::as_str).unwrap_or_default();
        let Some(asgp) = cp.get("autoScalingGroupProvider") else {
            provider_names.push(name.to_string());
            continue; // FARGATE / FARGATE_SPOT: AWS's own.
        };
        let g = asgp.get("autoScalingGroup").cloned().unwrap_or(json!({}));
        let base = format!("capacityProviders[{i}].autoScalingGroupProvider.autoScalingGroup");
        if g.get("attributes").is_some() {
            b.not_held(format!("{base}.attributes"), NotHeld::InstanceAttributes);
        }
        if g.get("ecsAgentConfig").is_some() {
            b.not_held(format!("{base}.ecsAgentConfig"), NotHeld::AgentConfig);
        }
        let protect = asgp
            .get("managedTerminationProtection")
            .and_then(Value::as_str)
            == Some("ENABLED");
        let group = group_name(&cluster, name);
        let (input, _) = group_input(&g, &group, &scenario.zones, protect);
        let file = b.call("autoscaling", "create-auto-scaling-group", &group, input);
        b.placeholder(
            &file,
            "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.LaunchTemplateName",
            Need::LaunchTemplate,
        );
        let mut provider = pick(asgp, AUTO_SCALING_GROUP_PROVIDER);
        // The API takes the group's ARN or its name.
        provider.insert("autoScalingGroupArn".into(), json!(group));
        let mut input = Map::new();
        input.insert("name".into(), json!(name));
        input.insert("autoScalingGroupProvider".into(), Value::Object(provider));
        b.call("ecs", "create-capacity-provider", name, input);
        provider_names.push(name.to_string());
    }

    // The cluster, with every provider its services or default strategy name.
    let default_strategy = doc.get("defaultCapacityProviderStrategy").cloned();
    let mut used = provider_names.clone();
    let mut note_provider = |n: &str| {
        if !used.iter().any(|u| u == n) {
            used.push(n.to_string());
        }
    };
    let services = arr(&doc, "services");
    let strategies = default_strategy.iter().chain(
        services
            .iter()
            .filter_map(|s| s.get("capacityProviderStrategy")),
    );
    for st in strategies {
        for item in st.as_array().map_or(&[][..], Vec::as_slice) {
            if let Some(n) = item.get("capacityProvider").and_then(Value::as_str) {
                note_provider(n);
            }
        }
    }
    let mut input = Map::new();
    input.insert("clusterName".into(), json!(cluster));
    if !used.is_empty() {
        input.insert("capacityProviders".into(), json!(used));
    }
    if let Some(d) = &default_strategy {
        input.insert("defaultCapacityProviderStrategy".into(), d.clone());
    }
    b.call("ecs", "create-cluster", &cluster, input);

    for a in arr(&doc, "accountSettings") {
        let name = a.get("name").and_then(Value::as_str).unwrap_or_default();
        b.call(
            "ecs",
            "put-account-setting",
            name,
            pick(a, &["name", "value", "principalArn"]),
        );
    }

    // Task definitions (one per distinct definition), then services.
    let mut registered: Vec<(String, Value)> = Vec::new();
    let mut service_td: Vec<String> = Vec::new();
    for (i, s) in services.iter().enumerate() {
        let typed = &scenario.services[i];
        let fargate = typed.on_fargate(&scenario.providers);
        let td = s.get("taskDefinition").cloned().unwrap_or(json!({}));
        let mut input = pick(&td, REGISTER_TASK_DEFINITION);
        if fargate {
            // AWS requires both of a task definition run on Fargate; ecsim assumes them.
            let mut compat: Vec<Value> = input
                .get("requiresCompatibilities")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if !compat.iter().any(|c| c == "FARGATE") {
                compat.push(json!("FARGATE"));
            }
            input.insert("requiresCompatibilities".into(), Value::Array(compat));
            input.insert("networkMode".into(), json!("awsvpc"));
        }
        let family = typed.family.clone();
        let revisions = registered.iter().filter(|(f, _)| *f == family).count();
        let same = registered
            .iter()
            .filter(|(f, _)| *f == family)
            .position(|(_, v)| *v == Value::Object(input.clone()));
        let reference = match same {
            Some(r) => format!("{family}:{}", r + 1),
            None => {
                let missing_containers = input
                    .get("containerDefinitions")
                    .and_then(Value::as_array)
                    .is_none_or(|l| l.is_empty());
                let mut defs: Vec<Value> = if missing_containers {
                    // One essential container holding the task's resources (AWS requires at
                    // least one container definition).
                    vec![json!({ "name": family, "essential": true })]
                } else {
                    input["containerDefinitions"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                };
                let mut needs_image = Vec::new();
                for (j, c) in defs.iter_mut().enumerate() {
                    if let Some(o) = c.as_object_mut() {
                        if !o.contains_key("name") {
                            o.insert("name".into(), json!(format!("{family}-{j}")));
                        }
                        if !o.contains_key("image") {
                            o.insert("image".into(), json!(IMAGE_PLACEHOLDER));
                            needs_image.push(j);
                        }
                    }
                }
                let key_version = Value::Object(input.clone());
                input.insert("containerDefinitions".into(), Value::Array(defs));
                let file = b.call("ecs", "register-task-definition", &family, input);
                for j in needs_image {
                    b.placeholder(
                        &file,
                        &format!("containerDefinitions[{j}].image"),
                        Need::ContainerImage,
                    );
                }
                registered.push((family.clone(), key_version));
                format!("{family}:{}", revisions + 1)
            }
        };
        service_td.push(reference);
    }
    for (i, s) in services.iter().enumerate() {
        let typed = &scenario.services[i];
        let name = typed.name.clone();
        let sp = format!("services[{i}]");
        for (key, why) in SERVICE_NOT_HELD {
            if s.get(*key).is_some() {
                b.not_held(format!("{sp}.{key}"), *why);
            }
        }
        if let Some(d) = s.get("deployments").and_then(Value::as_array)
            && d.iter().any(|e| e.get("at").is_some())
        {
            b.not_held(format!("{sp}.deployments"), NotHeld::Rollouts);
        }
        let mut input = Map::new();
        input.insert("cluster".into(), json!(cluster));
        let rest = pick(s, CREATE_SERVICE);
        input.insert("serviceName".into(), json!(name));
        input.insert("taskDefinition".into(), json!(service_td[i]));
        for (k, v) in rest {
            if k != "serviceName" {
                input.insert(k, v);
            }
        }
        if !typed.daemon && !input.contains_key("desiredCount") {
            input.insert("desiredCount".into(), json!(typed.desired));
        }
        let awsvpc = typed.network_mode == crate::scenario::NetworkMode::Awsvpc;
        let needs_network = awsvpc && !input.contains_key("networkConfiguration");
        if needs_network {
            input.insert(
                "networkConfiguration".into(),
                json!({ "awsvpcConfiguration": {
                    "subnets": [SUBNET_PLACEHOLDER],
                    "securityGroups": [SECURITY_GROUP_PLACEHOLDER],
                    "assignPublicIp": "DISABLED"
                }}),
            );
        }
        let file = b.call("ecs", "create-service", &name, input);
        if needs_network {
            b.placeholder(
                &file,
                "networkConfiguration.awsvpcConfiguration.subnets",
                Need::Subnets,
            );
            b.placeholder(
                &file,
                "networkConfiguration.awsvpcConfiguration.securityGroups",
                Need::SecurityGroups,
            );
        }
    }

    // Scaling: targets, policies (and the alarms of step policies), scheduled actions.
    for (i, s) in services.iter().enumerate() {
        let Some(a) = s.get("autoScaling") else {
            continue;
        };
        let name = &scenario.services[i].name;
        let resource_id = format!("service/{cluster}/{name}");
        let target = |m: &mut Map<String, Value>| {
            m.insert("ServiceNamespace".into(), json!("ecs"));
            m.insert("ResourceId".into(), json!(resource_id));
            m.insert(
                "ScalableDimension".into(),
                json!("ecs:service:DesiredCount"),
            );
        };
        let mut input = Map::new();
        target(&mut input);
        for key in ["MinCapacity", "MaxCapacity"] {
            if let Some(v) = a.get(key) {
                input.insert(key.into(), v.clone());
            }
        }
        b.call(
            "application-autoscaling",
            "register-scalable-target",
            name,
            input,
        );
        for p in arr(a, "policies") {
            let policy = p
                .get("PolicyName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let mut input = Map::new();
            input.insert("PolicyName".into(), json!(policy));
            target(&mut input);
            input.insert(
                "PolicyType".into(),
                p.get("PolicyType").cloned().unwrap_or_default(),
            );
            if let Some(c) = p.get("TargetTrackingScalingPolicyConfiguration") {
                input.insert(
                    "TargetTrackingScalingPolicyConfiguration".into(),
                    Value::Object(pick(c, TARGET_TRACKING)),
                );
            }
            if let Some(c) = p.get("StepScalingPolicyConfiguration") {
                input.insert(
                    "StepScalingPolicyConfiguration".into(),
                    Value::Object(pick(c, STEP_SCALING)),
                );
            }
            b.call(
                "application-autoscaling",
                "put-scaling-policy",
                &format!("{name}-{policy}"),
                input,
            );
            if let Some(alarm) = p.get("Alarm") {
                let mut input = pick(alarm, PUT_METRIC_ALARM);
                if !input.contains_key("AlarmName") {
                    input.insert("AlarmName".into(), json!(format!("{name}-{policy}")));
                }
                let alarm_name = input["AlarmName"].as_str().unwrap_or_default().to_string();
                input.insert(
                    "AlarmActions".into(),
                    json!([policy_arn_placeholder(&resource_id, &policy)]),
                );
                let file = b.call("cloudwatch", "put-metric-alarm", &alarm_name, input);
                b.placeholder(&file, "AlarmActions[0]", Need::PolicyArn);
            }
        }
        for sa in arr(a, "scheduledActions") {
            let action = sa
                .get("ScheduledActionName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let mut input = Map::new();
            target(&mut input);
            input.extend(pick(sa, SCHEDULED_ACTION));
            b.call(
                "application-autoscaling",
                "put-scheduled-action",
                &format!("{name}-{action}"),
                input,
            );
        }
    }

    let template = cfn::template(&b.calls, &cluster);
    Ok(Export {
        scenario: scenario.name.clone(),
        cluster: b.cluster,
        region: scenario.region.clone(),
        calls: b.calls,
        template,
        placeholders: b.placeholders,
        not_exported: b.not_exported,
        warnings: scenario.warnings.clone(),
    })
}

/// The placeholder a step policy's alarm acts on until its ARN is known. It ends as the ARN
/// itself will (`…:resource/ecs/<ResourceId>:policyName/<PolicyName>`): a policy's name is
/// unique only per scalable target, so two services' policies of one name stay apart, and
/// `ecsim import` joins the alarm to its policy by that ending.
pub fn policy_arn_placeholder(resource_id: &str, policy: &str) -> String {
    format!(
        "REPLACE-WITH-PolicyARN-of-{}",
        policy_arn_suffix(resource_id, policy)
    )
}

/// How a policy's ARN ends: `resource/ecs/<ResourceId>:policyName/<PolicyName>` (Application
/// Auto Scaling's `arn:aws:autoscaling:REGION:ACCOUNT:scalingPolicy:ID:resource/ecs/…`).
pub fn policy_arn_suffix(resource_id: &str, policy: &str) -> String {
    format!("resource/ecs/{resource_id}:policyName/{policy}")
}

/// `export.json`: what the folder holds.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Manifest<'a> {
    schema: &'static str,
    ecsim_version: &'static str,
    scenario: &'a str,
    cluster: &'a str,
    region: &'a str,
    calls: &'a [Call],
    template: &'static str,
    script: &'static str,
    placeholders: &'a [Placeholder],
    not_exported: &'a [NotExported],
}

/// Single quotes for a POSIX shell (a name may hold anything a scenario allowed).
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

impl Export {
    /// The script that makes the calls in order from the folder it is in.
    pub fn script(&self) -> String {
        let mut s = String::from(
            "#!/bin/sh\n# Written by ecsim export: the calls that deploy the scenario, in order.\n\
             # Replace every placeholder listed in export.json first (grep REPLACE).\nset -eu\n\
             cd \"$(dirname \"$0\")\"\n",
        );
        s.push_str(&format!("REGION={}\n", sh_quote(&self.region)));
        // A step policy's alarm acts on the ARN put-scaling-policy prints: kept in a variable,
        // and given to put-metric-alarm on the command line (which takes precedence over the
        // input file's placeholder).
        let mut arns: Vec<(String, String)> = Vec::new(); // (placeholder, variable)
        for (n, c) in self.calls.iter().enumerate() {
            s.push('\n');
            let run = format!(
                "aws {} {} --region \"$REGION\" --cli-input-json file://{}",
                c.service,
                c.operation,
                sh_quote(&c.file)
            );
            let action = c.input["AlarmActions"][0].as_str();
            if c.operation == "put-scaling-policy"
                && let Some(policy) = c.input.get("PolicyName").and_then(Value::as_str)
            {
                let var = format!("POLICY_ARN_{:02}", n + 1);
                s.push_str(&format!("{var}=$({run} --query PolicyARN --output text)\n"));
                let rid = c.input["ResourceId"].as_str().unwrap_or_default();
                arns.push((policy_arn_placeholder(rid, policy), var));
            } else if c.operation == "put-metric-alarm"
                && let Some((_, var)) = arns.iter().find(|(p, _)| Some(p.as_str()) == action)
            {
                s.push_str(&format!("{run} --alarm-actions \"${var}\"\n"));
            } else {
                s.push_str(&run);
                s.push('\n');
            }
        }
        s
    }

    /// Every file of the export folder: one per call, `deploy.sh`, `cloudformation.json` and
    /// `export.json` (the set's marker), as (name, bytes).
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let pretty = |v: &Value| {
            let mut s = serde_json::to_string_pretty(v).expect("JSON values serialize");
            s.push('\n');
            s.into_bytes()
        };
        let mut out: Vec<(String, Vec<u8>)> = self
            .calls
            .iter()
            .map(|c| (c.file.clone(), pretty(&c.input)))
            .collect();
        out.push(("deploy.sh".into(), self.script().into_bytes()));
        out.push(("cloudformation.json".into(), pretty(&self.template)));
        let m = Manifest {
            schema: EXPORT_SCHEMA,
            ecsim_version: env!("CARGO_PKG_VERSION"),
            scenario: &self.scenario,
            cluster: &self.cluster,
            region: &self.region,
            calls: &self.calls,
            template: "cloudformation.json",
            script: "deploy.sh",
            placeholders: &self.placeholders,
            not_exported: &self.not_exported,
        };
        let mut s = serde_json::to_string_pretty(&m).expect("the manifest serializes");
        s.push('\n');
        out.push(("export.json".into(), s.into_bytes()));
        out
    }

    /// What the command prints: the files, then the placeholders and what is not exported.
    pub fn summary(&self, dir: &std::path::Path) -> String {
        let mut s = format!(
            "exported {} ({} calls, cluster {}, {}) to {}: run deploy.sh, or deploy \
             cloudformation.json\n",
            self.scenario,
            self.calls.len(),
            self.cluster,
            self.region,
            dir.display()
        );
        if !self.placeholders.is_empty() {
            s.push_str("to fill in before deploying:\n");
            for p in &self.placeholders {
                s.push_str(&format!("  - {p}\n"));
            }
        }
        if !self.not_exported.is_empty() {
            s.push_str("not exported (AWS does not hold it):\n");
            for n in &self.not_exported {
                s.push_str(&format!("  - {n}\n"));
            }
        }
        s
    }
}
