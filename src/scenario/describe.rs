//! What a scenario sets aside from pasted AWS output: one table per shape the scenario accepts
//! (docs/scenario-reference.md §1, "Fields ecsim sets aside"). Each [`Shape`] names its **read-only** fields (what only a
//! describe call prints: ARNs, timestamps, states, counts) and its **not-modelled** fields (valid
//! inputs ecsim does not simulate, such as tags); the loader removes both before reading the
//! document and lists each kind in one warning line per file. A not-modelled field that would
//! change the answer unless it has its default value (`ActionsEnabled: false` silences an alarm,
//! a `SuspendedState` with a `true` stops scaling) is set aside only at that value and refused
//! otherwise ([`Inert`]).
//!
//! The lists follow the Response Syntax of each describe call: ECS `DescribeServices`,
//! `DescribeTaskDefinition`, `DescribeCapacityProviders`; Application Auto Scaling
//! `DescribeScalableTargets`, `DescribeScalingPolicies`, `DescribeScheduledActions`; CloudWatch
//! `DescribeAlarms` (`MetricAlarms[]`); EC2 `DescribeInstanceTypes` (`InstanceTypes[]`).

use super::json_pos::{Step, format_path};
use super::{Loader, k};
use serde_json::Value;

/// Fields ECS's describe output carries that a scenario ignores (with one warning): every ECS
/// shape below shares them.
const ECS_READ_ONLY: &[&str] = &[
    "serviceArn",
    "clusterArn",
    "taskDefinitionArn",
    "capacityProviderArn",
    "status",
    "statusReason",
    "events",
    "runningCount",
    "pendingCount",
    "taskSets",
    "createdAt",
    "createdBy",
    "revision",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
    "requiresAttributes",
    "compatibilities",
    "roleArn",
    "platformFamily",
    "updateStatus",
    "updateStatusReason",
    "currentServiceDeployment",
    "currentServiceRevisions",
    "resourceManagementType",
];

/// How a not-modelled field that could change the answer is set aside.
#[derive(Clone, Copy)]
pub(super) enum Inert {
    /// Only when `true` (AWS's default); `false` is refused.
    True,
    /// Only when every member of the object is `false` (AWS's default); a `true` is refused.
    AllFalse,
}

impl Inert {
    fn holds(self, v: &Value) -> bool {
        match self {
            Inert::True => v == &Value::Bool(true),
            Inert::AllFalse => v
                .as_object()
                .is_some_and(|o| o.values().all(|x| x == &Value::Bool(false))),
        }
    }
}

/// One shape a scenario accepts as AWS prints it, and what of it the loader sets aside.
pub(super) struct Shape {
    /// Describe-only fields.
    read_only: &'static [&'static str],
    /// Valid inputs that are not modelled.
    not_modelled: &'static [&'static str],
    /// Not-modelled inputs set aside only at their default value, with why another is refused.
    inert: &'static [(&'static str, Inert, &'static str)],
    /// When Some, the only fields modelled: every other one is set aside as not modelled
    /// (a describe call with many output-only fields and no input API, such as
    /// describe-instance-types).
    keep_only: Option<&'static [&'static str]>,
    /// Members with their own shape: an object (`false`) or a list of objects (`true`).
    children: &'static [(&'static str, bool, &'static Shape)],
    /// A service: its `deployments` may be AWS's describe output rather than ecsim's schedule.
    describe_deployments: bool,
}

const fn shape(
    read_only: &'static [&'static str],
    not_modelled: &'static [&'static str],
    children: &'static [(&'static str, bool, &'static Shape)],
) -> Shape {
    Shape {
        read_only,
        not_modelled,
        inert: &[],
        keep_only: None,
        children,
        describe_deployments: false,
    }
}

const fn only(
    keep: &'static [&'static str],
    children: &'static [(&'static str, bool, &'static Shape)],
) -> Shape {
    Shape {
        read_only: &[],
        not_modelled: &[],
        inert: &[],
        keep_only: Some(keep),
        children,
        describe_deployments: false,
    }
}

/// The whole scenario file.
pub(super) static SCENARIO: Shape = shape(
    ECS_READ_ONLY,
    &[],
    &[
        ("capacityProviders", true, &PROVIDER),
        ("services", true, &SERVICE),
        ("batchJobs", true, &BATCH_JOB),
        ("instanceTypes", true, &INSTANCE_TYPE),
    ],
);

/// A capacity provider (DescribeCapacityProviders' `capacityProviders[]`).
static PROVIDER: Shape = shape(
    ECS_READ_ONLY,
    &["tags"],
    &[("autoScalingGroupProvider", false, &ASG_PROVIDER)],
);
static ASG_PROVIDER: Shape = shape(
    ECS_READ_ONLY,
    &["autoScalingGroupArn"],
    &[("autoScalingGroup", false, &ASG)],
);
/// ecsim's stand-in for the group: only its agent configuration is walked.
static ASG: Shape = shape(&[], &[], &[("ecsAgentConfig", false, &AGENT_CONFIG)]);
/// The ECS agent variables that are modelled; the others are set aside.
static AGENT_CONFIG: Shape = only(&["ECS_ENABLE_SPOT_INSTANCE_DRAINING"], &[]);

/// A service (DescribeServices' `services[]`, CreateService's input).
static SERVICE: Shape = Shape {
    read_only: ECS_READ_ONLY,
    not_modelled: &[
        "cluster",
        "clientToken",
        "platformVersion",
        "role",
        "networkConfiguration",
        "serviceRegistries",
        "loadBalancers",
        "deploymentController",
        "tags",
        "enableECSManagedTags",
        "propagateTags",
        "enableExecuteCommand",
        "serviceConnectConfiguration",
        "volumeConfigurations",
        "vpcLatticeConfigurations",
        "availabilityZoneRebalancing",
    ],
    inert: &[],
    keep_only: None,
    children: &[
        ("deploymentConfiguration", false, &DEPLOYMENT_CONFIGURATION),
        ("taskDefinition", false, &TASK_DEFINITION),
        ("autoScaling", false, &SCALABLE_TARGET),
    ],
    describe_deployments: true,
};
static DEPLOYMENT_CONFIGURATION: Shape = shape(
    ECS_READ_ONLY,
    &[
        "alarms",
        "strategy",
        "bakeTimeInMinutes",
        "lifecycleHooks",
        "canaryConfiguration",
        "linearConfiguration",
    ],
    &[],
);
/// A batch job stream: only its task definition is AWS's shape.
static BATCH_JOB: Shape = shape(&[], &[], &[("taskDefinition", false, &TASK_DEFINITION)]);
/// A task definition (DescribeTaskDefinition's `taskDefinition`).
static TASK_DEFINITION: Shape = shape(
    ECS_READ_ONLY,
    &[
        "taskRoleArn",
        "executionRoleArn",
        "volumes",
        "tags",
        "pidMode",
        "ipcMode",
        "proxyConfiguration",
        "inferenceAccelerators",
        "enableFaultInjection",
    ],
    &[("containerDefinitions", true, &CONTAINER)],
);
static CONTAINER: Shape = shape(
    ECS_READ_ONLY,
    &[
        "image",
        "repositoryCredentials",
        "links",
        "restartPolicy",
        "entryPoint",
        "command",
        "environment",
        "environmentFiles",
        "mountPoints",
        "volumesFrom",
        "linuxParameters",
        "secrets",
        "dependsOn",
        "startTimeout",
        "stopTimeout",
        "versionConsistency",
        "hostname",
        "user",
        "workingDirectory",
        "disableNetworking",
        "privileged",
        "readonlyRootFilesystem",
        "dnsServers",
        "dnsSearchDomains",
        "extraHosts",
        "dockerSecurityOptions",
        "interactive",
        "pseudoTerminal",
        "dockerLabels",
        "ulimits",
        "logConfiguration",
        "systemControls",
        "firelensConfiguration",
        "credentialSpecs",
    ],
    &[("portMappings", true, &PORT_MAPPING)],
);
static PORT_MAPPING: Shape = shape(
    ECS_READ_ONLY,
    &["protocol", "name", "appProtocol", "containerPortRange"],
    &[],
);

/// `autoScaling` (DescribeScalableTargets' `ScalableTargets[]`, RegisterScalableTarget's
/// input). `MinCapacity` / `MaxCapacity` are inputs; `PredictedCapacity` (predictive scaling's
/// forecast) is not.
static SCALABLE_TARGET: Shape = Shape {
    read_only: &[
        "ScalableTargetARN",
        "RoleARN",
        "CreationTime",
        "PredictedCapacity",
    ],
    not_modelled: &["Tags"],
    inert: &[(
        "SuspendedState",
        Inert::AllFalse,
        "suspended scaling is not modelled (a `true` stops scale-out, scale-in or scheduled actions): remove SuspendedState or set its members to false",
    )],
    keep_only: None,
    children: &[
        ("policies", true, &SCALING_POLICY),
        ("scheduledActions", true, &SCHEDULED_ACTION),
    ],
    describe_deployments: false,
};
/// A policy (DescribeScalingPolicies' `ScalingPolicies[]`).
static SCALING_POLICY: Shape = shape(
    &["PolicyARN", "Alarms", "CreationTime"],
    &[],
    &[("Alarm", false, &ALARM)],
);
/// A scheduled action (DescribeScheduledActions' `ScheduledActions[]`).
static SCHEDULED_ACTION: Shape = shape(&["ScheduledActionARN", "CreationTime"], &[], &[]);
/// A step policy's alarm (DescribeAlarms' `MetricAlarms[]`, PutMetricAlarm's input).
static ALARM: Shape = Shape {
    read_only: &[
        "AlarmArn",
        "AlarmConfigurationUpdatedTimestamp",
        "StateValue",
        "StateReason",
        "StateReasonData",
        "StateUpdatedTimestamp",
        "StateTransitionedTimestamp",
        "EvaluationState",
    ],
    not_modelled: &[
        "OKActions",
        "InsufficientDataActions",
        "EvaluateLowSampleCountPercentile",
        "Tags",
    ],
    inert: &[(
        "ActionsEnabled",
        Inert::True,
        "an alarm with actions disabled never triggers its policy, which is not modelled: remove ActionsEnabled or set it to true",
    )],
    keep_only: None,
    children: &[("Metrics", true, &METRIC_QUERY)],
    describe_deployments: false,
};
/// A metric math query of an alarm (`Metrics[]`).
static METRIC_QUERY: Shape = shape(&[], &["AccountId"], &[]);

/// An instance type (DescribeInstanceTypes' `InstanceTypes[]`): the fields read, the rest set
/// aside.
static INSTANCE_TYPE: Shape = only(
    &[
        "InstanceType",
        "VCpuInfo",
        "MemoryInfo",
        "NetworkInfo",
        "GpuInfo",
        "ProcessorInfo",
    ],
    &[
        ("VCpuInfo", false, &VCPU_INFO),
        ("MemoryInfo", false, &MEMORY_INFO),
        ("NetworkInfo", false, &NETWORK_INFO),
        ("GpuInfo", false, &GPU_INFO),
        ("ProcessorInfo", false, &PROCESSOR_INFO),
    ],
);
static VCPU_INFO: Shape = only(&["DefaultVCpus"], &[]);
static MEMORY_INFO: Shape = only(&["SizeInMiB"], &[]);
static NETWORK_INFO: Shape = only(&["MaximumNetworkInterfaces"], &[]);
static GPU_INFO: Shape = only(&["Gpus"], &[("Gpus", true, &GPU)]);
static GPU: Shape = only(&["Count"], &[]);
static PROCESSOR_INFO: Shape = only(&["SupportedArchitectures"], &[]);

impl Loader<'_> {
    /// Sets aside, in `v` at `path` and below, what `shape` names (see the module doc).
    pub(super) fn set_aside(&mut self, v: &mut Value, path: &[Step], shape: &Shape) {
        if shape.describe_deployments {
            self.aws_deployments(v, path);
        }
        let Some(obj) = v.as_object_mut() else {
            return;
        };
        let keys: Vec<String> = obj.keys().cloned().collect();
        for key in keys {
            let mut p = path.to_vec();
            p.push(k(&key));
            let name = key.as_str();
            if shape.read_only.contains(&name) {
                obj.remove(&key);
                self.read_only.push(format_path(&p));
            } else if shape.not_modelled.contains(&name)
                || shape.keep_only.is_some_and(|keep| !keep.contains(&name))
            {
                obj.remove(&key);
                self.not_modelled.push(format_path(&p));
            } else if let Some((_, inert, why)) = shape.inert.iter().find(|(f, ..)| *f == name) {
                if obj.get(&key).is_some_and(|x| inert.holds(x)) {
                    obj.remove(&key);
                    self.not_modelled.push(format_path(&p));
                } else {
                    obj.remove(&key);
                    self.problem(&p, false, *why);
                }
            }
        }
        for (key, list, child) in shape.children {
            let Some(member) = obj.get_mut(*key) else {
                continue;
            };
            let mut p = path.to_vec();
            p.push(k(key));
            if *list {
                if let Some(items) = member.as_array_mut() {
                    for (n, item) in items.iter_mut().enumerate() {
                        let mut ip = p.clone();
                        ip.push(Step::Index(n));
                        self.set_aside(item, &ip, child);
                    }
                }
            } else {
                self.set_aside(member, &p, child);
            }
        }
    }

    /// A service's `deployments` is both AWS describe output (objects with an id or status)
    /// and ecsim's rollout schedule (objects with `at`): the former is set aside as read-only.
    fn aws_deployments(&mut self, s: &mut Value, path: &[Step]) {
        let Some(d) = s.get("deployments").and_then(Value::as_array) else {
            return;
        };
        if !d.iter().any(|e| e.get("at").is_some()) {
            let mut p = path.to_vec();
            p.push(k("deployments"));
            self.read_only.push(format_path(&p));
            if let Some(o) = s.as_object_mut() {
                o.remove("deployments");
            }
        }
    }
}

/// Every field name a shape sets aside, by kind, for the reference's lists and tests:
/// (path pattern, read-only, not modelled).
#[cfg(test)]
fn lists() -> Vec<(String, Vec<&'static str>, Vec<&'static str>)> {
    fn walk(
        at: String,
        s: &'static Shape,
        out: &mut Vec<(String, Vec<&'static str>, Vec<&'static str>)>,
    ) {
        let mut nm: Vec<&str> = s.not_modelled.to_vec();
        nm.extend(s.inert.iter().map(|(f, ..)| *f));
        out.push((at.clone(), s.read_only.to_vec(), nm));
        for (key, list, child) in s.children {
            let sub = if *list {
                format!("{at}.{key}[]")
            } else {
                format!("{at}.{key}")
            };
            walk(sub, child, out);
        }
    }
    let mut out = Vec::new();
    walk(String::new(), &SCENARIO, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_lists_every_field_set_aside() {
        // docs/scenario-reference.md names each field of these tables in backquotes.
        let doc = include_str!("../../docs/scenario-reference.md");
        for (at, ro, nm) in lists() {
            for f in ro.iter().chain(&nm) {
                assert!(
                    doc.contains(&format!("`{f}`")),
                    "{at}: `{f}` is not in the reference"
                );
            }
        }
    }

    #[test]
    fn no_field_is_both_read_only_and_not_modelled() {
        for (at, ro, nm) in lists() {
            for f in &ro {
                assert!(!nm.contains(f), "{at}: {f} in both lists");
            }
        }
    }
}
