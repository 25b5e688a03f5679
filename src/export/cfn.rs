//! The CloudFormation template of an export: the same resources as its calls, with the
//! placeholders as template parameters and references between resources (`Ref`) where the
//! calls name each other.

use super::{
    Call, IMAGE_PLACEHOLDER, LAUNCH_TEMPLATE_PLACEHOLDER, SECURITY_GROUP_PLACEHOLDER,
    SUBNET_PLACEHOLDER,
};
use serde_json::{Map, Value, json};

/// Keys whose values are maps of the user's own names (never renamed).
const USER_MAPS: &[&str] = &["dockerLabels", "options", "driverOpts", "labels"];

/// ECS's API spells fields in camelCase, CloudFormation in PascalCase: the first letter of
/// every key upper-cased, maps of the user's own names left alone.
fn pascal(v: &Value) -> Value {
    match v {
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, v) in o {
                let mut key = k.clone();
                if let Some(first) = key.get(..1) {
                    let up = first.to_ascii_uppercase();
                    key.replace_range(..1, &up);
                }
                let value = if USER_MAPS.contains(&k.as_str()) {
                    v.clone()
                } else {
                    pascal(v)
                };
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(pascal).collect()),
        other => other.clone(),
    }
}

/// Placeholders become references to the template's parameters; returns which were used.
fn parameterize(v: &mut Value, used: &mut Vec<&'static str>) {
    let mut mark = |p: &'static str| {
        if !used.contains(&p) {
            used.push(p);
        }
    };
    match v {
        Value::String(s) if s == IMAGE_PLACEHOLDER => {
            mark("ContainerImage");
            *v = json!({ "Ref": "ContainerImage" });
        }
        Value::String(s) if s == LAUNCH_TEMPLATE_PLACEHOLDER => {
            mark("LaunchTemplateName");
            *v = json!({ "Ref": "LaunchTemplateName" });
        }
        Value::Array(a) if a.len() == 1 && a[0] == SUBNET_PLACEHOLDER => {
            mark("Subnets");
            *v = json!({ "Ref": "Subnets" });
        }
        Value::Array(a) if a.len() == 1 && a[0] == SECURITY_GROUP_PLACEHOLDER => {
            mark("SecurityGroups");
            *v = json!({ "Ref": "SecurityGroups" });
        }
        Value::Array(a) => a.iter_mut().for_each(|x| parameterize(x, used)),
        Value::Object(o) => o.values_mut().for_each(|x| parameterize(x, used)),
        _ => {}
    }
}

/// A logical ID: `kind`, the call's position and the resource's letters and digits.
fn logical(kind: &str, n: usize, name: &str) -> String {
    let alnum: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("{kind}{n}{alnum}")
}

/// A number as CloudFormation's string-typed size properties take it.
fn stringify(v: &mut Value) {
    if let Value::Number(n) = v {
        *v = Value::String(n.to_string());
    }
}

/// The template of `calls` (as [`super::export`] makes them, in order).
pub fn template(calls: &[Call], cluster: &str) -> Value {
    let mut resources = Map::new();
    let mut groups: Vec<(String, String)> = Vec::new(); // (group name, logical id)
    let mut providers: Vec<(String, String)> = Vec::new();
    let mut task_defs: Vec<(String, String)> = Vec::new(); // ("family:rev", logical id)
    let mut services: Vec<(String, String)> = Vec::new(); // (name, logical id)
    let mut targets: Vec<(String, String)> = Vec::new(); // (resource id, logical id)
    let mut policies: Vec<(String, String)> = Vec::new(); // (ARN placeholder, logical id)
    let mut not_in_template = Vec::new();
    // Account settings have no resource: the template's metadata carries them (and `ecsim
    // import` of the template reads them back).
    let mut settings = Vec::new();
    let cluster_id = "Cluster".to_string();
    let assoc_id = "ClusterCapacityProviders".to_string();
    for (n, c) in calls.iter().enumerate() {
        let n = n + 1;
        let i = &c.input;
        match c.operation {
            "create-auto-scaling-group" => {
                let id = logical("Group", n, &c.resource);
                let mut p = i.clone();
                for k in ["MinSize", "MaxSize", "DesiredCapacity"] {
                    if let Some(v) = p.get_mut(k) {
                        stringify(v);
                    }
                }
                // CloudFormation takes a launch template version number, not `$Latest`.
                p["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"]["Version"] =
                    json!({ "Ref": "LaunchTemplateVersion" });
                resources.insert(
                    id.clone(),
                    json!({ "Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": p }),
                );
                groups.push((c.resource.clone(), id));
            }
            "create-capacity-provider" => {
                let id = logical("CapacityProvider", n, &c.resource);
                let mut p = pascal(i);
                let group = i["autoScalingGroupProvider"]["autoScalingGroupArn"]
                    .as_str()
                    .unwrap_or_default();
                if let Some((_, g)) = groups.iter().find(|(name, _)| name == group) {
                    p["AutoScalingGroupProvider"]["AutoScalingGroupArn"] = json!({ "Ref": g });
                }
                resources.insert(
                    id.clone(),
                    json!({ "Type": "AWS::ECS::CapacityProvider", "Properties": p }),
                );
                providers.push((c.resource.clone(), id));
            }
            "create-cluster" => {
                resources.insert(
                    cluster_id.clone(),
                    json!({ "Type": "AWS::ECS::Cluster",
                            "Properties": { "ClusterName": i["clusterName"] } }),
                );
                let names: Vec<Value> = i
                    .get("capacityProviders")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|name| {
                        match providers
                            .iter()
                            .find(|(p, _)| Some(p.as_str()) == name.as_str())
                        {
                            Some((_, id)) => json!({ "Ref": id }),
                            None => name,
                        }
                    })
                    .collect();
                let default = i
                    .get("defaultCapacityProviderStrategy")
                    .map(pascal)
                    .unwrap_or(json!([]));
                resources.insert(
                    assoc_id.clone(),
                    json!({ "Type": "AWS::ECS::ClusterCapacityProviderAssociations",
                            "Properties": {
                                "Cluster": { "Ref": cluster_id },
                                "CapacityProviders": names,
                                "DefaultCapacityProviderStrategy": default } }),
                );
            }
            "register-task-definition" => {
                let id = logical("TaskDefinition", n, &c.resource);
                let mut p = pascal(i);
                for k in ["Cpu", "Memory"] {
                    if let Some(v) = p.get_mut(k) {
                        stringify(v);
                    }
                }
                resources.insert(
                    id.clone(),
                    json!({ "Type": "AWS::ECS::TaskDefinition", "Properties": p }),
                );
                let revision = 1 + task_defs
                    .iter()
                    .filter(|(f, _)| f.split(':').next() == Some(c.resource.as_str()))
                    .count();
                task_defs.push((format!("{}:{revision}", c.resource), id));
            }
            "create-service" => {
                let id = logical("Service", n, &c.resource);
                let mut p = pascal(i);
                if let Some(o) = p.as_object_mut() {
                    o.insert("Cluster".into(), json!({ "Ref": cluster_id }));
                    if let Some(v) = o.remove("PlacementStrategy") {
                        // CloudFormation's name for the list.
                        o.insert("PlacementStrategies".into(), v);
                    }
                    let td = i["taskDefinition"].as_str().unwrap_or_default();
                    if let Some((_, t)) = task_defs.iter().find(|(r, _)| r == td) {
                        o.insert("TaskDefinition".into(), json!({ "Ref": t }));
                    }
                }
                resources.insert(
                    id.clone(),
                    json!({ "Type": "AWS::ECS::Service", "DependsOn": [assoc_id],
                            "Properties": p }),
                );
                services.push((c.resource.clone(), id));
            }
            "register-scalable-target" => {
                let id = logical("ScalableTarget", n, &c.resource);
                let rid = i["ResourceId"].as_str().unwrap_or_default().to_string();
                let service = rid.rsplit('/').next().unwrap_or_default();
                let depends: Vec<&String> = services
                    .iter()
                    .filter(|(name, _)| name == service)
                    .map(|(_, id)| id)
                    .collect();
                resources.insert(
                    id.clone(),
                    json!({ "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
                            "DependsOn": depends, "Properties": i }),
                );
                targets.push((rid, id));
            }
            "put-scaling-policy" => {
                let id = logical("ScalingPolicy", n, &c.resource);
                let rid = i["ResourceId"].as_str().unwrap_or_default();
                let mut p = Map::new();
                for (k, v) in i.as_object().into_iter().flatten() {
                    if !matches!(
                        k.as_str(),
                        "ServiceNamespace" | "ResourceId" | "ScalableDimension"
                    ) {
                        p.insert(k.clone(), v.clone());
                    }
                }
                if let Some((_, t)) = targets.iter().find(|(r, _)| r == rid) {
                    p.insert("ScalingTargetId".into(), json!({ "Ref": t }));
                }
                resources.insert(
                    id.clone(),
                    json!({ "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
                            "Properties": p }),
                );
                let policy = i["PolicyName"].as_str().unwrap_or_default();
                policies.push((super::policy_arn_placeholder(rid, policy), id));
            }
            "put-metric-alarm" => {
                let id = logical("Alarm", n, &c.resource);
                let mut p = i.clone();
                let action = i["AlarmActions"][0].as_str().unwrap_or_default();
                if let Some((_, pid)) = policies.iter().find(|(ph, _)| ph == action) {
                    p["AlarmActions"] = json!([{ "Ref": pid }]);
                }
                resources.insert(
                    id,
                    json!({ "Type": "AWS::CloudWatch::Alarm", "Properties": p }),
                );
            }
            "put-scheduled-action" => {
                let rid = i["ResourceId"].as_str().unwrap_or_default();
                if let Some((_, t)) = targets.iter().find(|(r, _)| r == rid) {
                    let mut a = Map::new();
                    for (k, v) in i.as_object().into_iter().flatten() {
                        if !matches!(
                            k.as_str(),
                            "ServiceNamespace" | "ResourceId" | "ScalableDimension"
                        ) {
                            a.insert(k.clone(), v.clone());
                        }
                    }
                    let props = &mut resources[t.as_str()]["Properties"];
                    match props
                        .get_mut("ScheduledActions")
                        .and_then(Value::as_array_mut)
                    {
                        Some(list) => list.push(Value::Object(a)),
                        None => props["ScheduledActions"] = json!([a]),
                    }
                }
            }
            "put-account-setting" => {
                not_in_template.push(format!("put-account-setting {}", c.resource));
                settings.push(i.clone());
            }
            other => not_in_template.push(format!("{other} {}", c.resource)),
        }
    }
    let mut body = Value::Object(resources);
    let mut used = Vec::new();
    parameterize(&mut body, &mut used);
    if !groups.is_empty() {
        used.push("LaunchTemplateVersion");
    }
    let mut params = Map::new();
    for p in used {
        let (kind, what) = match p {
            "ContainerImage" => (
                "String",
                "The image of every container the scenario gives none",
            ),
            "LaunchTemplateName" => (
                "String",
                "A launch template with the ECS-optimised AMI, an instance profile and user data that joins the cluster",
            ),
            "LaunchTemplateVersion" => ("String", "The launch template's version number"),
            "Subnets" => ("List<AWS::EC2::Subnet::Id>", "Subnets for awsvpc tasks"),
            _ => (
                "List<AWS::EC2::SecurityGroup::Id>",
                "Security groups for awsvpc tasks",
            ),
        };
        params.insert(p.into(), json!({ "Type": kind, "Description": what }));
    }
    let mut t = Map::new();
    t.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    t.insert(
        "Description".into(),
        json!(format!("ECS cluster {cluster}, exported by ecsim")),
    );
    if !not_in_template.is_empty() {
        t.insert(
            "Metadata".into(),
            json!({ "ecsim": { "callsWithoutResource": not_in_template,
                               "accountSettings": settings } }),
        );
    }
    if !params.is_empty() {
        t.insert("Parameters".into(), Value::Object(params));
    }
    t.insert("Resources".into(), body);
    Value::Object(t)
}
