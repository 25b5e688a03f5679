//! Pasting AWS describe output into a scenario (issue 18, item 2): the Application Auto Scaling
//! and CloudWatch shapes are set aside like the ECS ones (one read-only and one not-modelled
//! warning line), a not-modelled field that would change the answer is refused, and
//! `placementStrategy: []` is AWS's default, on EC2 and on Fargate, for services and batch jobs.

use crate::support::scenario::{Group, Scenario, Service};
use crate::support::{lines, load, per_instance, validate_file, world};
use ecsim::engine::MINUTE;
use serde_json::{Value, json};

/// A Fargate service `web` whose `autoScaling` is `auto_scaling` as pasted, as the lines of a
/// file (line 1 `{`).
fn pasted(auto_scaling: &str) -> String {
    lines(&[
        "{",
        "  \"name\": \"pasted\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
        "  \"services\": [{",
        "    \"serviceName\": \"web\", \"launchType\": \"FARGATE\", \"desiredCount\": 2,",
        "    \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"},",
        "    \"load\": {\"traffic\": {\"pattern\": \"constant\", \"rps\": 100}, \"perTask\": {\"maxRps\": 100, \"cpuAtMaxRps\": 80, \"idleCpu\": 5}},",
        &format!("    \"autoScaling\": {auto_scaling}"),
        "  }]",
        "}",
    ])
}

/// One element of `describe-scalable-targets`, of `describe-scaling-policies` (a step policy
/// with the element of `describe-alarms` that triggers it pasted as its `Alarm`) and of
/// `describe-scheduled-actions`, shaped as the Application Auto Scaling and CloudWatch API
/// references' Response Syntax print them.
const DESCRIBED: &str = r#"{
      "ServiceNamespace": "ecs",
      "ResourceId": "service/prod/web",
      "ScalableDimension": "ecs:service:DesiredCount",
      "MinCapacity": 2,
      "MaxCapacity": 10,
      "RoleARN": "arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
      "CreationTime": "2026-01-05T10:00:00.000000+00:00",
      "SuspendedState": {"DynamicScalingInSuspended": false, "DynamicScalingOutSuspended": false, "ScheduledScalingSuspended": false},
      "ScalableTargetARN": "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0ec5aa1b2c3d4e5f6a7b",
      "policies": [{
        "PolicyARN": "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:6d8972f3-1111-2222-3333-444455556666:resource/ecs/service/prod/web:policyName/cpu-step",
        "PolicyName": "cpu-step",
        "ServiceNamespace": "ecs",
        "ResourceId": "service/prod/web",
        "ScalableDimension": "ecs:service:DesiredCount",
        "PolicyType": "StepScaling",
        "StepScalingPolicyConfiguration": {
          "AdjustmentType": "ChangeInCapacity",
          "StepAdjustments": [{"MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 2}],
          "Cooldown": 60,
          "MetricAggregationType": "Average"
        },
        "Alarms": [{"AlarmName": "web-cpu-high", "AlarmARN": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-cpu-high"}],
        "CreationTime": "2026-01-05T10:01:00.000000+00:00",
        "Alarm": {
          "AlarmName": "web-cpu-high",
          "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-cpu-high",
          "AlarmConfigurationUpdatedTimestamp": "2026-01-05T10:01:00.000Z",
          "ActionsEnabled": true,
          "OKActions": [],
          "AlarmActions": ["arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:6d8972f3-1111-2222-3333-444455556666:resource/ecs/service/prod/web:policyName/cpu-step"],
          "InsufficientDataActions": [],
          "StateValue": "OK",
          "StateReason": "Threshold Crossed: 1 datapoint [12.5 (05/01/26 10:02:00)] was not greater than the threshold (70.0).",
          "StateReasonData": "{\"version\":\"1.0\"}",
          "StateUpdatedTimestamp": "2026-01-05T10:03:00.000Z",
          "StateTransitionedTimestamp": "2026-01-05T10:03:00.000Z",
          "MetricName": "CPUUtilization",
          "Namespace": "AWS/ECS",
          "Statistic": "Average",
          "Dimensions": [{"Name": "ClusterName", "Value": "prod"}, {"Name": "ServiceName", "Value": "web"}],
          "Period": 60,
          "EvaluationPeriods": 3,
          "Threshold": 70.0,
          "ComparisonOperator": "GreaterThanThreshold",
          "TreatMissingData": "missing"
        }
      }],
      "scheduledActions": [{
        "ScheduledActionName": "morning",
        "ScheduledActionARN": "arn:aws:autoscaling:us-east-1:123456789012:scheduledAction:2d9e0f1a-aaaa-bbbb-cccc-ddddeeeeffff:resource/ecs/service/prod/web:scheduledActionName/morning",
        "ServiceNamespace": "ecs",
        "Schedule": "cron(0 8 * * ? *)",
        "ResourceId": "service/prod/web",
        "ScalableDimension": "ecs:service:DesiredCount",
        "ScalableTargetAction": {"MinCapacity": 4, "MaxCapacity": 10},
        "CreationTime": "2026-01-05T10:02:00.000000+00:00"
      }]
    }"#;

#[test]
fn pasted_scaling_and_alarm_describe_output_validates_with_the_set_aside_paths() {
    let run = validate_file("paste-aas", "pasted.json", &pasted(DESCRIBED));
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    run.no_panic();
    // The describe-only fields, in the walk's order: the scalable target's own keys (sorted:
    // CreationTime, RoleARN, ScalableTargetARN), then its policies (Alarms, CreationTime,
    // PolicyARN), inside the policy its Alarm (AlarmArn, AlarmConfigurationUpdatedTimestamp,
    // StateReason, StateReasonData, StateTransitionedTimestamp, StateUpdatedTimestamp,
    // StateValue), then the scheduled action (CreationTime, ScheduledActionARN). The inputs
    // not modelled: the all-false SuspendedState, then the alarm's ActionsEnabled (true),
    // InsufficientDataActions and OKActions. ServiceNamespace, ResourceId, ScalableDimension
    // and AlarmActions are inputs the scenario reads, so they are in neither list.
    let a = "services[0].autoScaling";
    let pol = format!("{a}.policies[0]");
    let al = format!("{pol}.Alarm");
    let sa = format!("{a}.scheduledActions[0]");
    let read_only = [
        format!("{a}.CreationTime"),
        format!("{a}.RoleARN"),
        format!("{a}.ScalableTargetARN"),
        format!("{pol}.Alarms"),
        format!("{pol}.CreationTime"),
        format!("{pol}.PolicyARN"),
        format!("{al}.AlarmArn"),
        format!("{al}.AlarmConfigurationUpdatedTimestamp"),
        format!("{al}.StateReason"),
        format!("{al}.StateReasonData"),
        format!("{al}.StateTransitionedTimestamp"),
        format!("{al}.StateUpdatedTimestamp"),
        format!("{al}.StateValue"),
        format!("{sa}.CreationTime"),
        format!("{sa}.ScheduledActionARN"),
    ];
    let not_modelled = [
        format!("{a}.SuspendedState"),
        format!("{al}.ActionsEnabled"),
        format!("{al}.InsufficientDataActions"),
        format!("{al}.OKActions"),
    ];
    assert_eq!(
        run.warnings(),
        [
            format!(
                "warning: pasted.json: ignored read-only fields from AWS describe output: {}",
                read_only.join(", ")
            ),
            format!(
                "warning: pasted.json: accepted but not modelled: {}",
                not_modelled.join(", ")
            ),
        ],
        "stderr:\n{}",
        run.stderr
    );
}

#[test]
fn a_pasted_field_that_would_change_the_answer_is_refused() {
    // ActionsEnabled false: the alarm would never trigger its policy. SuspendedState with
    // DynamicScalingOutSuspended true: scaling out would stop. Neither is modelled, so both
    // are refused, each at its own key. Line 8 of the file holds the whole `autoScaling`
    // object on one line (see `pasted`), `"autoScaling": ` taking columns 5-19.
    let text = DESCRIBED
        .replace("\"ActionsEnabled\": true", "\"ActionsEnabled\": false")
        .replace(
            "\"DynamicScalingOutSuspended\": false",
            "\"DynamicScalingOutSuspended\": true",
        );
    let compact: Value = serde_json::from_str(&text).unwrap();
    let run = validate_file("paste-inert", "pasted.json", &pasted(&compact.to_string()));
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    run.no_panic();
    let errors = run.errors();
    assert_eq!(errors.len(), 2, "stderr:\n{}", run.stderr);
    assert!(
        errors[0]
            .contains("services[0].autoScaling.SuspendedState: suspended scaling is not modelled"),
        "stderr:\n{}",
        run.stderr
    );
    assert!(
        errors[1].contains(
            "services[0].autoScaling.policies[0].Alarm.ActionsEnabled: an alarm with actions disabled"
        ),
        "stderr:\n{}",
        run.stderr
    );
}

/// One on-demand group of six m5.large (round-robin over three zones: i-0 a, i-1 b, i-2 c,
/// i-3 a, i-4 b, i-5 c) and service `s` of six 256/512 tasks.
fn six_by_six(strategy: Option<Value>) -> Scenario {
    let mut s = Service::new("s").desired(6).size(256, 512);
    if let Some(v) = strategy {
        s = s.set("placementStrategy", v);
    }
    Scenario::new("t")
        .duration("1h")
        .seed(3)
        .group(Group::new("pool", &["m5.large"]).fixed(6))
        .default_strategy("pool")
        .service(s)
}

#[test]
fn empty_placement_strategy_on_ec2_is_the_default_spread() {
    // No strategy: AWS's service default spreads by zone, then by instance. Six tasks, six
    // instances two per zone: tasks 1-3 go to zones a, b, c (i-0, i-1, i-2: the first
    // registered of each), tasks 4-6 again to a, b, c, each zone's emptier instance (i-3,
    // i-4, i-5) → one task on each: [1, 1, 1, 1, 1, 1]. `[]` is no strategy to AWS, so the
    // same. (Before, `[]` was an empty chain: every instance tied and the first took all
    // six, [6, 0, 0, 0, 0, 0].)
    let mut absent = world(six_by_six(None));
    absent.run_until(10 * MINUTE);
    let mut empty = world(six_by_six(Some(json!([]))));
    empty.run_until(10 * MINUTE);
    assert_eq!(per_instance(&absent), vec![1; 6]);
    assert_eq!(per_instance(&empty), vec![1; 6]);
    assert_eq!(
        load(six_by_six(Some(json!([])))).services[0].chain,
        load(six_by_six(None)).services[0].chain
    );
}

#[test]
fn empty_placement_lists_on_fargate_are_accepted_as_absent() {
    // describe-services prints `"placementConstraints": [], "placementStrategy": []` for a
    // Fargate service; AWS reads both as none, so the service validates with no problem and
    // no warning (before, `[]` counted as a strategy and Fargate refused it).
    let text = lines(&[
        "{",
        "  \"name\": \"f\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
        "  \"services\": [{\"serviceName\": \"web\", \"launchType\": \"FARGATE\",",
        "    \"placementStrategy\": [], \"placementConstraints\": [],",
        "    \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"}}]",
        "}",
    ]);
    let run = validate_file("paste-fargate-empty", "f.json", &text);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert!(run.warnings().is_empty(), "stderr:\n{}", run.stderr);
}

#[test]
fn empty_placement_strategy_of_a_batch_job_is_run_tasks_random() {
    // RunTask with no strategy places at random (aws-behaviour.md §4): `[]` gives the same
    // chain, [random], not an empty one.
    let job = |strategy: Option<Value>| {
        let mut j = json!({
            "name": "etl", "launchType": "EC2",
            "taskDefinition": {"family": "etl", "cpu": "256", "memory": "512"},
            "arrivals": {"process": "poisson", "perHour": 6}, "runtime": {"distribution": "fixed", "value": "5m"}
        });
        if let Some(v) = strategy {
            j["placementStrategy"] = v;
        }
        Scenario::new("t")
            .group(Group::new("pool", &["m5.large"]).fixed(2))
            .job(j)
    };
    let absent = load(job(None));
    let empty = load(job(Some(json!([]))));
    let chain = |s: &ecsim::scenario::Scenario| format!("{:?}", s.services[0].chain);
    assert_eq!(chain(&absent), "[Random]");
    assert_eq!(chain(&empty), "[Random]");
}
