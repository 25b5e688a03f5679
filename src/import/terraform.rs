//! `terraform show -json` in: the state's `values.root_module` (and its `child_modules`)
//! resources turned into the AWS CLI's shapes, so that one join ([`super::build`]) serves
//! every source.
//!
//! Read: `aws_ecs_cluster`, `aws_ecs_cluster_capacity_providers`, `aws_ecs_service`,
//! `aws_ecs_task_definition`, `aws_ecs_capacity_provider`, `aws_autoscaling_group`,
//! `aws_appautoscaling_target`, `aws_appautoscaling_policy`,
//! `aws_appautoscaling_scheduled_action`, `aws_cloudwatch_metric_alarm`. Terraform's nested
//! blocks are lists of one object; its numbers in some blocks are strings — both are read.

use super::{Account, Item};
use serde_json::{Map, Value, json};

/// Adds every resource of a `terraform show -json` document to `acc`.
pub fn add(acc: &mut Account, doc: &Value, file: &str) {
    let mut resources = Vec::new();
    if let Some(root) = doc.pointer("/values/root_module") {
        collect(root, &mut resources);
    }
    let item = |v: Value| Item {
        file: file.to_string(),
        v,
    };
    // Cluster capacity providers attach to clusters by name.
    let mut attachments: Vec<&Value> = Vec::new();
    for r in &resources {
        let (Some(ty), Some(v)) = (r.get("type").and_then(Value::as_str), r.get("values")) else {
            continue;
        };
        match ty {
            "aws_ecs_cluster" => acc.clusters.push(item(json!({
                "clusterName": v.get("name"), "clusterArn": v.get("arn"),
                "capacityProviders": [], "defaultCapacityProviderStrategy": []
            }))),
            "aws_ecs_cluster_capacity_providers" => attachments.push(v),
            "aws_ecs_service" => acc.services.push(item(service(v))),
            "aws_ecs_task_definition" => acc.task_definitions.push(item(task_definition(v))),
            "aws_ecs_capacity_provider" => acc.capacity_providers.push(item(provider(v))),
            "aws_autoscaling_group" => acc.groups.push(item(group(v))),
            "aws_appautoscaling_target" => acc.scalable_targets.push(item(json!({
                "ResourceId": v.get("resource_id"),
                "MinCapacity": num(v.get("min_capacity")),
                "MaxCapacity": num(v.get("max_capacity")),
            }))),
            "aws_appautoscaling_policy" => acc.policies.push(item(policy(v))),
            "aws_appautoscaling_scheduled_action" => {
                acc.scheduled_actions.push(item(scheduled_action(v)))
            }
            "aws_cloudwatch_metric_alarm" => acc.alarms.push(item(alarm(v))),
            _ => {}
        }
    }
    for a in attachments {
        let name = a.get("cluster_name").and_then(Value::as_str);
        if let Some(c) = acc
            .clusters
            .iter_mut()
            .find(|c| c.v.get("clusterName").and_then(Value::as_str) == name)
        {
            c.v["capacityProviders"] = a.get("capacity_providers").cloned().unwrap_or(json!([]));
            c.v["defaultCapacityProviderStrategy"] =
                strategy(a.get("default_capacity_provider_strategy"));
        }
    }
}

fn collect<'a>(module: &'a Value, out: &mut Vec<&'a Value>) {
    if let Some(rs) = module.get("resources").and_then(Value::as_array) {
        out.extend(rs.iter().filter(|r| {
            r.get("mode")
                .and_then(Value::as_str)
                .is_none_or(|m| m == "managed")
        }));
    }
    if let Some(cs) = module.get("child_modules").and_then(Value::as_array) {
        for c in cs {
            collect(c, out);
        }
    }
}

/// A Terraform number, which is a string in some blocks (`"2"`), as a JSON number.
fn num(v: Option<&Value>) -> Value {
    match v {
        Some(Value::String(s)) => s
            .parse::<f64>()
            .ok()
            .and_then(|f| {
                if f.fract() == 0.0 && f.abs() < 9e15 {
                    Some(json!(f as i64))
                } else {
                    serde_json::Number::from_f64(f).map(Value::Number)
                }
            })
            .unwrap_or(Value::Null),
        Some(x) => x.clone(),
        None => Value::Null,
    }
}

/// [`num`], with 0 read as unset (Terraform's state holds 0 for an optional count not given).
fn nonzero(v: Option<&Value>) -> Value {
    let x = num(v);
    if x.as_f64() == Some(0.0) {
        Value::Null
    } else {
        x
    }
}

/// The first object of a nested block (a list of one object in Terraform's state).
fn block<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    match v.get(k)? {
        Value::Array(a) => a.first(),
        o @ Value::Object(_) => Some(o),
        _ => None,
    }
}

fn blocks<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn strategy(v: Option<&Value>) -> Value {
    let list = v.and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    Value::Array(
        list.iter()
            .map(|e| {
                json!({ "capacityProvider": e.get("capacity_provider"),
                        "base": num(e.get("base")), "weight": num(e.get("weight")) })
            })
            .collect(),
    )
}

fn service(v: &Value) -> Value {
    let mut dc = Map::new();
    for (tf, aws) in [
        ("deployment_maximum_percent", "maximumPercent"),
        (
            "deployment_minimum_healthy_percent",
            "minimumHealthyPercent",
        ),
    ] {
        if let Some(x) = v.get(tf).filter(|x| !x.is_null()) {
            dc.insert(aws.into(), num(Some(x)));
        }
    }
    if let Some(cb) = block(v, "deployment_circuit_breaker") {
        dc.insert(
            "deploymentCircuitBreaker".into(),
            json!({ "enable": cb.get("enable"), "rollback": cb.get("rollback") }),
        );
    }
    let launch = v
        .get("launch_type")
        .and_then(Value::as_str)
        .filter(|l| !l.is_empty());
    json!({
        "serviceName": v.get("name"),
        "serviceArn": v.get("id"),
        "clusterArn": v.get("cluster"),
        "taskDefinition": v.get("task_definition"),
        "desiredCount": num(v.get("desired_count")),
        "launchType": launch,
        "schedulingStrategy": v.get("scheduling_strategy"),
        "healthCheckGracePeriodSeconds": num(v.get("health_check_grace_period_seconds")),
        "capacityProviderStrategy": strategy(v.get("capacity_provider_strategy")),
        "placementStrategy": blocks(v, "ordered_placement_strategy").iter()
            .map(|p| json!({ "type": p.get("type"), "field": p.get("field") })).collect::<Vec<_>>(),
        "placementConstraints": blocks(v, "placement_constraints").iter()
            .map(|p| json!({ "type": p.get("type"), "expression": p.get("expression") })).collect::<Vec<_>>(),
        "deploymentConfiguration": dc,
        "loadBalancers": blocks(v, "load_balancer").iter()
            .map(|l| json!({ "targetGroupArn": l.get("target_group_arn") })).collect::<Vec<_>>(),
    })
}

fn task_definition(v: &Value) -> Value {
    // container_definitions is a JSON string holding the ECS shape.
    let containers = v
        .get("container_definitions")
        .and_then(Value::as_str)
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
        .unwrap_or(json!([]));
    let mut out = json!({
        "taskDefinitionArn": v.get("arn"),
        "family": v.get("family"),
        "revision": v.get("revision"),
        "cpu": v.get("cpu"),
        "memory": v.get("memory"),
        "networkMode": v.get("network_mode"),
        "requiresCompatibilities": v.get("requires_compatibilities"),
        "containerDefinitions": containers,
    });
    if let Some(rp) = block(v, "runtime_platform") {
        out["runtimePlatform"] = json!({
            "cpuArchitecture": rp.get("cpu_architecture"),
            "operatingSystemFamily": rp.get("operating_system_family"),
        });
    }
    if let Some(es) = block(v, "ephemeral_storage") {
        out["ephemeralStorage"] = json!({ "sizeInGiB": num(es.get("size_in_gib")) });
    }
    out
}

fn provider(v: &Value) -> Value {
    let mut asp = json!({});
    if let Some(a) = block(v, "auto_scaling_group_provider") {
        asp = json!({
            "autoScalingGroupArn": a.get("auto_scaling_group_arn"),
            "managedTerminationProtection": a.get("managed_termination_protection"),
            "managedDraining": a.get("managed_draining"),
        });
        if let Some(ms) = block(a, "managed_scaling") {
            asp["managedScaling"] = json!({
                "status": ms.get("status"),
                "targetCapacity": num(ms.get("target_capacity")),
                "minimumScalingStepSize": num(ms.get("minimum_scaling_step_size")),
                "maximumScalingStepSize": num(ms.get("maximum_scaling_step_size")),
                "instanceWarmupPeriod": num(ms.get("instance_warmup_period")),
            });
        }
    }
    json!({ "name": v.get("name"), "capacityProviderArn": v.get("arn"),
            "autoScalingGroupProvider": asp })
}

fn group(v: &Value) -> Value {
    let mut out = json!({
        "AutoScalingGroupName": v.get("name"),
        "AutoScalingGroupARN": v.get("arn"),
        "MinSize": num(v.get("min_size")),
        "MaxSize": num(v.get("max_size")),
        "DesiredCapacity": num(v.get("desired_capacity")),
        "AvailabilityZones": v.get("availability_zones"),
    });
    if let Some(m) = block(v, "mixed_instances_policy") {
        let dist = block(m, "instances_distribution");
        let overrides: Vec<Value> = block(m, "launch_template")
            .map(|lt| blocks(lt, "override"))
            .unwrap_or(&[])
            .iter()
            .map(|o| json!({ "InstanceType": o.get("instance_type") }))
            .collect();
        out["MixedInstancesPolicy"] = json!({
            "LaunchTemplate": { "Overrides": overrides },
            "InstancesDistribution": {
                "OnDemandBaseCapacity": num(dist.and_then(|d| d.get("on_demand_base_capacity"))),
                "OnDemandPercentageAboveBaseCapacity":
                    num(dist.and_then(|d| d.get("on_demand_percentage_above_base_capacity"))),
            },
        });
    }
    out
}

fn policy(v: &Value) -> Value {
    let mut out = json!({
        "PolicyName": v.get("name"),
        "PolicyARN": v.get("arn"),
        "PolicyType": v.get("policy_type"),
        "ResourceId": v.get("resource_id"),
    });
    if let Some(tt) = block(v, "target_tracking_scaling_policy_configuration") {
        let mut m = json!({
            "TargetValue": num(tt.get("target_value")),
            "ScaleOutCooldown": num(tt.get("scale_out_cooldown")),
            "ScaleInCooldown": num(tt.get("scale_in_cooldown")),
            "DisableScaleIn": tt.get("disable_scale_in"),
        });
        if let Some(pm) = block(tt, "predefined_metric_specification") {
            let label = pm
                .get("resource_label")
                .filter(|l| l.as_str().is_some_and(|s| !s.is_empty()));
            m["PredefinedMetricSpecification"] = json!({
                "PredefinedMetricType": pm.get("predefined_metric_type"),
                "ResourceLabel": label,
            });
        }
        out["TargetTrackingScalingPolicyConfiguration"] = m;
    }
    if let Some(sc) = block(v, "step_scaling_policy_configuration") {
        let steps: Vec<Value> = blocks(sc, "step_adjustment")
            .iter()
            .map(|x| {
                let bound = |k: &str| {
                    x.get(k)
                        .filter(|b| b.as_str().is_none_or(|s| !s.is_empty()))
                        .map_or(Value::Null, |b| num(Some(b)))
                };
                json!({
                    "MetricIntervalLowerBound": bound("metric_interval_lower_bound"),
                    "MetricIntervalUpperBound": bound("metric_interval_upper_bound"),
                    "ScalingAdjustment": num(x.get("scaling_adjustment")),
                })
            })
            .collect();
        out["StepScalingPolicyConfiguration"] = json!({
            "AdjustmentType": sc.get("adjustment_type"),
            "Cooldown": num(sc.get("cooldown")),
            "MetricAggregationType": sc.get("metric_aggregation_type"),
            "MinAdjustmentMagnitude": nonzero(sc.get("min_adjustment_magnitude")),
            "StepAdjustments": steps,
        });
    }
    out
}

fn scheduled_action(v: &Value) -> Value {
    let sta = block(v, "scalable_target_action");
    let empty = |k: &str| {
        v.get(k)
            .filter(|x| x.as_str().is_none_or(|s| !s.is_empty()))
            .cloned()
    };
    json!({
        "ScheduledActionName": v.get("name"),
        "ResourceId": v.get("resource_id"),
        "Schedule": v.get("schedule"),
        "Timezone": empty("timezone"),
        "StartTime": empty("start_time"),
        "EndTime": empty("end_time"),
        "ScalableTargetAction": {
            "MinCapacity": num(sta.and_then(|s| s.get("min_capacity"))),
            "MaxCapacity": num(sta.and_then(|s| s.get("max_capacity"))),
        },
    })
}

fn alarm(v: &Value) -> Value {
    let dims: Vec<Value> = v
        .get("dimensions")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, x)| json!({ "Name": k, "Value": x }))
                .collect()
        })
        .unwrap_or_default();
    let empty = |k: &str| {
        v.get(k)
            .filter(|x| x.as_str().is_none_or(|s| !s.is_empty()))
            .cloned()
    };
    json!({
        "AlarmName": v.get("alarm_name"),
        "AlarmArn": v.get("arn"),
        "MetricName": empty("metric_name"),
        "Namespace": empty("namespace"),
        "Dimensions": dims,
        "Statistic": empty("statistic"),
        "ExtendedStatistic": empty("extended_statistic"),
        "Period": num(v.get("period")),
        "EvaluationPeriods": num(v.get("evaluation_periods")),
        "DatapointsToAlarm": nonzero(v.get("datapoints_to_alarm")),
        "Threshold": num(v.get("threshold")),
        "ComparisonOperator": v.get("comparison_operator"),
        "TreatMissingData": empty("treat_missing_data"),
        "AlarmActions": v.get("alarm_actions"),
    })
}
