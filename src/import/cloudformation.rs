//! CloudFormation JSON templates in: `Resources` of the ECS, Auto Scaling, Application Auto
//! Scaling and CloudWatch types turned into the AWS CLI's shapes, so that one join
//! ([`super::build`]) serves every source.
//!
//! Read: `AWS::ECS::Cluster`, `AWS::ECS::ClusterCapacityProviderAssociations`,
//! `AWS::ECS::Service`, `AWS::ECS::TaskDefinition`, `AWS::ECS::CapacityProvider`,
//! `AWS::AutoScaling::AutoScalingGroup`, `AWS::ApplicationAutoScaling::ScalableTarget` (with its
//! `ScheduledActions`), `AWS::ApplicationAutoScaling::ScalingPolicy`, `AWS::CloudWatch::Alarm`.
//!
//! Intrinsics are resolved as far as the joins need: `Ref` (a parameter's `Default`; a
//! cluster, service, capacity provider or group: its name; a target group:
//! `targetgroup/<name>/cfn`; anything else: `cfn:<LogicalId>`, which is also that resource's
//! ARN here, so `AlarmActions: [{"Ref": "Policy"}]` names the policy), `Fn::GetAtt` (`Name`
//! or `*Name` attributes: the name; others as `Ref`), `Fn::Join` and `Fn::Sub` (`${X}`,
//! `${X.Attr}`). A pseudo parameter (`AWS::Region`, …) or another intrinsic resolves to `""`.
//! A group's `LaunchTemplate` naming an `AWS::EC2::LaunchTemplate` of the same template gives
//! the group's instance type (`LaunchTemplateData.InstanceType`).
//! Numbers written as strings (`"MinSize": "1"`) are read as numbers where the scenario wants
//! one.

use super::{Account, Item};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Keys whose string values are read as numbers (matched case-insensitively).
const NUMERIC: [&str; 39] = [
    "DesiredCount",
    "MinSize",
    "MaxSize",
    "DesiredCapacity",
    "MinCapacity",
    "MaxCapacity",
    "Base",
    "Weight",
    "TargetCapacity",
    "MinimumScalingStepSize",
    "MaximumScalingStepSize",
    "InstanceWarmupPeriod",
    "MaximumPercent",
    "MinimumHealthyPercent",
    "HealthCheckGracePeriodSeconds",
    "Period",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "TargetValue",
    "ScaleInCooldown",
    "ScaleOutCooldown",
    "Cooldown",
    "ScalingAdjustment",
    "MetricIntervalLowerBound",
    "MetricIntervalUpperBound",
    "MinAdjustmentMagnitude",
    "ContainerPort",
    "HostPort",
    "OnDemandBaseCapacity",
    "OnDemandPercentageAboveBaseCapacity",
    "SizeInGiB",
    "Interval",
    "Timeout",
    "Retries",
    "StartPeriod",
    "MemoryReservation",
    "Cpu",
    "Memory",
];

struct Template<'a> {
    resources: &'a Map<String, Value>,
    parameters: Option<&'a Map<String, Value>>,
    /// How deep names are being resolved (a name that refers to itself stops at
    /// [`MAX_DEPTH`]).
    depth: std::cell::Cell<u32>,
}

/// The deepest chain of names referring to names that is resolved.
const MAX_DEPTH: u32 = 32;

impl Template<'_> {
    fn ty(&self, id: &str) -> &str {
        self.resources
            .get(id)
            .and_then(|r| r.get("Type"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// A resource's name: its name property, else its logical id.
    fn name(&self, id: &str) -> String {
        let key = match self.ty(id) {
            "AWS::ECS::Cluster" => "ClusterName",
            "AWS::ECS::Service" => "ServiceName",
            "AWS::ECS::CapacityProvider" => "Name",
            "AWS::AutoScaling::AutoScalingGroup" => "AutoScalingGroupName",
            "AWS::ElasticLoadBalancingV2::TargetGroup" => "Name",
            "AWS::ECS::TaskDefinition" => "Family",
            _ => "",
        };
        // The property may itself be an intrinsic (`{"Ref": "ClusterName"}`).
        if self.depth.get() >= MAX_DEPTH {
            return id.to_string();
        }
        self.depth.set(self.depth.get() + 1);
        let name = self
            .resources
            .get(id)
            .and_then(|r| r.pointer(&format!("/Properties/{key}")))
            .map(|v| text(&self.resolve(v)))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| id.to_string());
        self.depth.set(self.depth.get() - 1);
        name
    }

    fn reference(&self, id: &str) -> String {
        if let Some(p) = self.parameters.and_then(|p| p.get(id)) {
            return p
                .get("Default")
                .map(|d| match d {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_default();
        }
        match self.ty(id) {
            "AWS::ECS::Cluster"
            | "AWS::ECS::Service"
            | "AWS::ECS::CapacityProvider"
            | "AWS::AutoScaling::AutoScalingGroup" => self.name(id),
            "AWS::ElasticLoadBalancingV2::TargetGroup" => {
                format!("targetgroup/{}/cfn", self.name(id))
            }
            "" => String::new(),
            _ => format!("cfn:{id}"),
        }
    }

    fn get_att(&self, id: &str, attr: &str) -> String {
        if attr.ends_with("Name") {
            self.name(id)
        } else {
            self.reference(id)
        }
    }

    /// `v` with every intrinsic resolved to a string.
    fn resolve(&self, v: &Value) -> Value {
        match v {
            Value::Object(o) if o.len() == 1 => {
                let (k, x) = o.iter().next().expect("one key");
                match k.as_str() {
                    "Ref" => json!(x.as_str().map_or(String::new(), |id| self.reference(id))),
                    "Fn::GetAtt" => {
                        let (id, attr) = match x {
                            Value::Array(a) => (
                                a.first().and_then(Value::as_str).unwrap_or(""),
                                a.get(1).and_then(Value::as_str).unwrap_or(""),
                            ),
                            Value::String(s) => s.split_once('.').unwrap_or((s, "")),
                            _ => ("", ""),
                        };
                        json!(self.get_att(id, attr))
                    }
                    "Fn::Join" => {
                        let sep = x.get(0).and_then(Value::as_str).unwrap_or("");
                        let parts: Vec<String> = x
                            .get(1)
                            .and_then(Value::as_array)
                            .map_or(&[][..], Vec::as_slice)
                            .iter()
                            .map(|p| text(&self.resolve(p)))
                            .collect();
                        json!(parts.join(sep))
                    }
                    "Fn::Sub" => {
                        let s = match x {
                            Value::String(s) => s.as_str(),
                            Value::Array(a) => a.first().and_then(Value::as_str).unwrap_or(""),
                            _ => "",
                        };
                        json!(self.sub(s))
                    }
                    k if k.starts_with("Fn::") => json!(""),
                    _ => Value::Object(
                        o.iter()
                            .map(|(k, x)| (k.clone(), self.resolve(x)))
                            .collect(),
                    ),
                }
            }
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| (k.clone(), self.resolve(x)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.resolve(x)).collect()),
            other => other.clone(),
        }
    }

    fn sub(&self, s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let Some(j) = rest[i..].find('}') else {
                out.push_str(&rest[i..]);
                return out;
            };
            let var = &rest[i + 2..i + j];
            if !var.starts_with("AWS::") {
                match var.split_once('.') {
                    Some((id, attr)) => out.push_str(&self.get_att(id, attr)),
                    None => out.push_str(&self.reference(var)),
                }
            }
            rest = &rest[i + j + 1..];
        }
        out.push_str(rest);
        out
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Numeric strings under [`NUMERIC`] keys as numbers, recursively.
fn numify(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if NUMERIC.iter().any(|n| n.eq_ignore_ascii_case(k))
                    && let Value::String(s) = x
                    && let Ok(f) = s.trim().parse::<f64>()
                {
                    *x = if f.fract() == 0.0 && f.abs() < 9e15 {
                        json!(f as i64)
                    } else {
                        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
                    };
                } else {
                    numify(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(numify),
        _ => {}
    }
}

/// ECS's camelCase from CloudFormation's PascalCase, recursively (`SizeInGiB` → `sizeInGiB`).
fn camel(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| {
                    let mut c = k.chars();
                    let key = match c.next() {
                        Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
                        None => String::new(),
                    };
                    (key, camel(x))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(camel).collect()),
        other => other.clone(),
    }
}

/// Adds every resource of a template to `acc`.
pub fn add(acc: &mut Account, doc: &Value, file: &str) {
    let Some(resources) = doc.get("Resources").and_then(Value::as_object) else {
        return;
    };
    let t = Template {
        resources,
        parameters: doc.get("Parameters").and_then(Value::as_object),
        depth: std::cell::Cell::new(0),
    };
    let item = |v: Value| Item {
        file: file.to_string(),
        v,
    };
    // Account settings have no resource; an `ecsim export` template's metadata lists them.
    for a in doc
        .pointer("/Metadata/ecsim/accountSettings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|a| a.is_object())
    {
        acc.account_settings.push(item(a.clone()));
    }
    let mut targets: BTreeMap<String, String> = BTreeMap::new();
    let mut associations = Vec::new();
    let mut policies = Vec::new();
    for (id, r) in resources {
        let mut props = t.resolve(r.get("Properties").unwrap_or(&json!({})));
        numify(&mut props);
        match t.ty(id) {
            "AWS::ECS::Cluster" => {
                let mut c = camel(&props);
                c["clusterName"] = json!(t.name(id));
                acc.clusters.push(item(c));
            }
            "AWS::ECS::ClusterCapacityProviderAssociations" => associations.push(camel(&props)),
            "AWS::ECS::Service" => {
                let mut s = camel(&props);
                s["serviceName"] = json!(t.name(id));
                if let Some(o) = s.as_object_mut() {
                    if let Some(c) = o.remove("cluster") {
                        o.insert("clusterArn".into(), c);
                    }
                    if let Some(p) = o.remove("placementStrategies") {
                        o.insert("placementStrategy".into(), p);
                    }
                }
                acc.services.push(item(s));
            }
            "AWS::ECS::TaskDefinition" => {
                let mut d = camel(&props);
                d["family"] = json!(t.name(id));
                d["taskDefinitionArn"] = json!(format!("cfn:{id}"));
                acc.task_definitions.push(item(d));
            }
            "AWS::ECS::CapacityProvider" => {
                let mut p = camel(&props);
                p["name"] = json!(t.name(id));
                acc.capacity_providers.push(item(p));
            }
            "AWS::AutoScaling::AutoScalingGroup" => {
                props["AutoScalingGroupName"] = json!(t.name(id));
                // A launch template of the same template gives the group's instance type.
                let lt = props
                    .pointer("/LaunchTemplate/LaunchTemplateId")
                    .or_else(|| props.pointer("/LaunchTemplate/LaunchTemplateName"))
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("cfn:"))
                    .and_then(|lt| resources.get(lt))
                    .and_then(|r| r.pointer("/Properties/LaunchTemplateData/InstanceType"))
                    .map(|x| t.resolve(x));
                if let Some(ty) = lt.filter(|x| x.as_str().is_some_and(|s| !s.is_empty())) {
                    props["InstanceType"] = ty;
                }
                acc.groups.push(item(props));
            }
            "AWS::ApplicationAutoScaling::ScalableTarget" => {
                let rid = props.get("ResourceId").map(text).unwrap_or_default();
                targets.insert(format!("cfn:{id}"), rid.clone());
                for a in props
                    .get("ScheduledActions")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice)
                {
                    let mut a = a.clone();
                    a["ResourceId"] = json!(rid);
                    acc.scheduled_actions.push(item(a));
                }
                acc.scalable_targets.push(item(props));
            }
            "AWS::ApplicationAutoScaling::ScalingPolicy" => {
                props["PolicyARN"] = json!(format!("cfn:{id}"));
                if props.get("PolicyName").is_none() {
                    props["PolicyName"] = json!(id);
                }
                policies.push(props);
            }
            "AWS::CloudWatch::Alarm" => {
                if props.get("AlarmName").is_none() {
                    props["AlarmName"] = json!(id);
                }
                acc.alarms.push(item(props));
            }
            _ => {}
        }
    }
    for mut p in policies {
        if p.get("ResourceId").is_none()
            && let Some(rid) = p
                .get("ScalingTargetId")
                .and_then(Value::as_str)
                .and_then(|t| targets.get(t))
        {
            p["ResourceId"] = json!(rid);
        }
        acc.policies.push(item(p));
    }
    for a in associations {
        let name = a.get("cluster").map(text);
        if let Some(c) = acc
            .clusters
            .iter_mut()
            .find(|c| c.v.get("clusterName").map(text) == name)
        {
            for k in ["capacityProviders", "defaultCapacityProviderStrategy"] {
                if let Some(x) = a.get(k) {
                    c.v[k] = x.clone();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_that_refers_to_itself_ends() {
        // ServiceName is the service's own name: resolving it would never end; it stops at
        // MAX_DEPTH and falls back to the logical id.
        let doc = json!({"Resources": {"Svc": {"Type": "AWS::ECS::Service",
            "Properties": {"ServiceName": {"Fn::GetAtt": ["Svc", "Name"]}}}}});
        let mut acc = Account::default();
        add(&mut acc, &doc, "t.json");
        assert_eq!(acc.services[0].v["serviceName"], "Svc");
    }
}
