//! `ecsim export`: each call's input document, the placeholders and what is not exported, the
//! script, a sweep variant, and the CloudFormation template checked by cfn-lint.

use crate::support::{Run, TempDir, ecsim, ok, read};
use ecsim::export::{Export, ExportOptions, Need, NotHeld, export};
use ecsim::scenario::source::Source;
use serde_json::{Value, json};
use std::path::Path;

fn source(doc: &Value) -> Source {
    Source {
        text: serde_json::to_string_pretty(doc).unwrap(),
        file: "test.json".into(),
        base_dir: None,
    }
}

fn export_of(doc: &Value) -> Export {
    export(&source(doc), &[], &ExportOptions::default())
        .unwrap_or_else(|e| panic!("export refused:\n{e}"))
}

fn call<'a>(e: &'a Export, operation: &str) -> Vec<&'a Value> {
    e.calls
        .iter()
        .filter(|c| c.operation == operation)
        .map(|c| &c.input)
        .collect()
}

/// An EC2 group behind a capacity provider, a service with target tracking, a step policy with
/// its alarm and a scheduled action, all pasted with the read-only fields describe output has.
fn account() -> Value {
    json!({
        "name": "shop prod",
        "duration": "2h",
        "capacityProviders": [{
            "name": "spot-pool",
            "capacityProviderArn": "arn:aws:ecs:us-east-1:123456789012:capacity-provider/spot-pool",
            "status": "ACTIVE",
            "autoScalingGroupProvider": {
                "autoScalingGroup": {
                    "instanceTypes": ["m5.large", "m6i.large"], "purchaseOption": "spot",
                    "minSize": 1, "maxSize": 10, "zones": ["us-east-1a", "us-east-1b"]
                },
                "managedScaling": { "status": "ENABLED", "targetCapacity": 90 },
                "managedTerminationProtection": "DISABLED"
            }
        }],
        "defaultCapacityProviderStrategy": [{ "capacityProvider": "spot-pool", "weight": 1 }],
        "services": [{
            "serviceName": "web",
            "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/prod/web",
            "status": "ACTIVE",
            "runningCount": 3,
            "taskDefinition": {
                "family": "web", "cpu": "512", "memory": "1024",
                "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
                "revision": 7,
                "containerDefinitions": [{ "name": "app", "image": "nginx:1.27", "essential": true }]
            },
            "desiredCount": 3,
            "placementStrategy": [{ "type": "binpack", "field": "memory" }],
            "load": { "traffic": { "pattern": "constant", "rps": 100 },
                      "perTask": { "maxRps": 80 } },
            "autoScaling": {
                "MinCapacity": 2, "MaxCapacity": 12,
                "policies": [
                    { "PolicyName": "cpu50", "PolicyType": "TargetTrackingScaling",
                      "TargetTrackingScalingPolicyConfiguration": {
                          "TargetValue": 50.0,
                          "PredefinedMetricSpecification": {
                              "PredefinedMetricType": "ECSServiceAverageCPUUtilization" },
                          "ScaleInCooldown": 300 } },
                    { "PolicyName": "burst", "PolicyType": "StepScaling",
                      "StepScalingPolicyConfiguration": {
                          "AdjustmentType": "ChangeInCapacity",
                          "StepAdjustments": [{ "MetricIntervalLowerBound": 0, "ScalingAdjustment": 2 }],
                          "Cooldown": 60 },
                      "Alarm": { "MetricName": "CPUUtilization", "Namespace": "AWS/ECS",
                                 "Dimensions": [{ "Name": "ClusterName", "Value": "prod" },
                                                { "Name": "ServiceName", "Value": "web" }],
                                 "Statistic": "Average", "Period": 60, "EvaluationPeriods": 2,
                                 "Threshold": 85, "ComparisonOperator": "GreaterThanThreshold" } }
                ],
                "scheduledActions": [
                    { "ScheduledActionName": "night", "Schedule": "cron(0 22 * * ? *)",
                      "ScalableTargetAction": { "MinCapacity": 2, "MaxCapacity": 4 } }
                ]
            }
        }],
        "faults": [{ "type": "spotInterruptions", "capacityProvider": "spot-pool",
                     "perInstanceHour": 0.01 }]
    })
}

#[test]
fn every_call_of_an_ec2_account_in_dependency_order() {
    let e = export_of(&account());
    let ops: Vec<&str> = e.calls.iter().map(|c| c.operation).collect();
    // Group before its provider, provider before the cluster that lists it, the task definition
    // before the service, the target before its policies, each step policy before its alarm.
    assert_eq!(
        ops,
        [
            "create-auto-scaling-group",
            "create-capacity-provider",
            "create-cluster",
            "register-task-definition",
            "create-service",
            "register-scalable-target",
            "put-scaling-policy",
            "put-scaling-policy",
            "put-metric-alarm",
            "put-scheduled-action",
        ]
    );
    // "shop prod" is no cluster name (a blank is not allowed): "shop-prod".
    assert_eq!(e.cluster, "shop-prod");
    let g = call(&e, "create-auto-scaling-group")[0];
    // purchaseOption spot → no on-demand above a base of 0; one override per type.
    assert_eq!(g["AutoScalingGroupName"], "shop-prod-spot-pool");
    assert_eq!(
        g["MixedInstancesPolicy"]["InstancesDistribution"]["OnDemandPercentageAboveBaseCapacity"],
        0
    );
    assert_eq!(
        g["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"],
        json!([{ "InstanceType": "m5.large" }, { "InstanceType": "m6i.large" }])
    );
    assert_eq!((&g["MinSize"], &g["MaxSize"]), (&json!(1), &json!(10)));
    assert_eq!(g["AvailabilityZones"], json!(["us-east-1a", "us-east-1b"]));
    // Termination protection is DISABLED: the group need not protect new instances.
    assert!(g.get("NewInstancesProtectedFromScaleIn").is_none());
    let cp = call(&e, "create-capacity-provider")[0];
    // The provider names its group by name (the API takes the ARN or the name); the describe
    // fields (capacityProviderArn, status) are not inputs of the call.
    assert_eq!(
        cp,
        &json!({ "name": "spot-pool", "autoScalingGroupProvider": {
            "autoScalingGroupArn": "shop-prod-spot-pool",
            "managedScaling": { "status": "ENABLED", "targetCapacity": 90 },
            "managedTerminationProtection": "DISABLED" } })
    );
    let cl = call(&e, "create-cluster")[0];
    assert_eq!(cl["capacityProviders"], json!(["spot-pool"]));
    assert_eq!(
        cl["defaultCapacityProviderStrategy"],
        json!([{ "capacityProvider": "spot-pool", "weight": 1 }])
    );
    let td = call(&e, "register-task-definition")[0];
    // Read-only taskDefinitionArn and revision are gone; the user's image is kept.
    assert_eq!(
        td,
        &json!({ "family": "web", "cpu": "512", "memory": "1024",
                 "containerDefinitions": [{ "name": "app", "image": "nginx:1.27", "essential": true }] })
    );
    let svc = call(&e, "create-service")[0];
    // The first registration of family web is revision 1; bridge networking needs no
    // networkConfiguration; serviceArn, status, runningCount, load and autoScaling are not
    // CreateService inputs.
    assert_eq!(
        svc,
        &json!({ "cluster": "shop-prod", "serviceName": "web", "taskDefinition": "web:1",
                 "desiredCount": 3,
                 "placementStrategy": [{ "type": "binpack", "field": "memory" }] })
    );
    let t = call(&e, "register-scalable-target")[0];
    assert_eq!(t["ResourceId"], "service/shop-prod/web");
    assert_eq!(
        (&t["MinCapacity"], &t["MaxCapacity"]),
        (&json!(2), &json!(12))
    );
    let p = call(&e, "put-scaling-policy");
    assert_eq!(
        p[0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"],
        50.0
    );
    assert_eq!(p[1]["PolicyType"], "StepScaling");
    let alarm = call(&e, "put-metric-alarm")[0];
    // An alarm without a name takes the service's and the policy's: "web-burst".
    assert_eq!(alarm["AlarmName"], "web-burst");
    assert_eq!(alarm["Threshold"], 85);
    let sa = call(&e, "put-scheduled-action")[0];
    assert_eq!(sa["Schedule"], "cron(0 22 * * ? *)");
    assert_eq!(sa["ResourceId"], "service/shop-prod/web");
}

#[test]
fn placeholders_and_what_aws_does_not_hold_are_listed() {
    let e = export_of(&account());
    // The image is given, the network is bridge: the one placeholders are the launch template
    // and the step policy's ARN for its alarm.
    let needs: Vec<Need> = e.placeholders.iter().map(|p| p.need).collect();
    assert_eq!(needs, [Need::LaunchTemplate, Need::PolicyArn]);
    let not: Vec<(&str, NotHeld)> = e
        .not_exported
        .iter()
        .map(|n| (n.path.as_str(), n.why))
        .collect();
    assert_eq!(
        not,
        [
            ("duration", NotHeld::Simulation),
            ("faults", NotHeld::Faults),
            ("services[0].load", NotHeld::Load),
        ]
    );
}

#[test]
fn a_fargate_service_gets_what_fargate_requires() {
    let doc = json!({
        "name": "f",
        "services": [{
            "serviceName": "api", "launchType": "FARGATE", "desiredCount": 2,
            "taskDefinition": { "family": "api", "cpu": "256", "memory": "512" }
        }]
    });
    let e = export_of(&doc);
    let td = call(&e, "register-task-definition")[0];
    // Fargate takes awsvpc only and a definition marked FARGATE-compatible; a definition with
    // no container gets one, named after the family, with the image placeholder.
    assert_eq!(td["requiresCompatibilities"], json!(["FARGATE"]));
    assert_eq!(td["networkMode"], "awsvpc");
    assert_eq!(
        td["containerDefinitions"],
        json!([{ "name": "api", "essential": true, "image": ecsim::export::IMAGE_PLACEHOLDER }])
    );
    let svc = call(&e, "create-service")[0];
    assert_eq!(
        svc["networkConfiguration"]["awsvpcConfiguration"]["subnets"],
        json!([ecsim::export::SUBNET_PLACEHOLDER])
    );
    let needs: Vec<Need> = e.placeholders.iter().map(|p| p.need).collect();
    assert_eq!(
        needs,
        [Need::ContainerImage, Need::Subnets, Need::SecurityGroups]
    );
}

#[test]
fn one_registration_per_distinct_task_definition() {
    let td = |cpu: &str| json!({ "family": "w", "cpu": cpu, "memory": "2048" });
    let svc = |name: &str, cpu: &str| json!({ "serviceName": name, "launchType": "FARGATE", "taskDefinition": td(cpu) });
    let doc =
        json!({ "name": "t", "services": [svc("a", "512"), svc("b", "512"), svc("c", "1024")] });
    let e = export_of(&doc);
    // a and b share one definition (revision 1); c's differs: the family's second
    // registration, revision 2.
    assert_eq!(call(&e, "register-task-definition").len(), 2);
    let refs: Vec<&Value> = call(&e, "create-service")
        .iter()
        .map(|s| &s["taskDefinition"])
        .collect();
    assert_eq!(refs, [&json!("w:1"), &json!("w:1"), &json!("w:2")]);
}

#[test]
fn the_command_writes_the_files_and_a_script_a_shell_reads() {
    let dir = TempDir::new("export-cli");
    dir.write("s.json", serde_json::to_string(&account()).unwrap());
    let o = crate::support::ecsim_in(dir.path(), &["export", "s.json", "--out", "out"]);
    ok(&o);
    let out = dir.path().join("out");
    let manifest: Value = serde_json::from_str(&read(&out.join("export.json"))).unwrap();
    assert_eq!(manifest["schema"], "ecsim.export/1");
    // 10 calls (as above), each its own file.
    let calls = manifest["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 10);
    for c in calls {
        let f = out.join(c["file"].as_str().unwrap());
        let _: Value = serde_json::from_str(&read(&f)).expect("each input is JSON");
    }
    let script = read(&out.join("deploy.sh"));
    // The step policy is call 8: its ARN goes to the alarm's call on the command line.
    assert!(script.contains("POLICY_ARN_08=$(aws application-autoscaling put-scaling-policy"));
    assert!(script.contains("--alarm-actions \"$POLICY_ARN_08\""));
    let sh = std::process::Command::new("sh")
        .args(["-n", out.join("deploy.sh").to_str().unwrap()])
        .status()
        .expect("sh runs");
    assert!(sh.success(), "deploy.sh is not valid sh");
    // What was said: the placeholders and what is not exported.
    let said = crate::support::stdout(&o);
    assert!(
        said.contains("not exported (AWS does not hold it):"),
        "{said}"
    );
    assert!(said.contains("services[0].load: the load model"), "{said}");
}

#[test]
fn a_sweep_variant_is_exported_with_its_values() {
    let dir = TempDir::new("export-sweep");
    let s = ecsim(&[
        "sweep",
        "cluster-scaling",
        "--vary",
        "services.app.desiredCount=4,6",
        "--seeds",
        "1",
        "--duration",
        "5m",
        "-q",
        "--out",
        dir.path().join("sw").to_str().unwrap(),
    ]);
    ok(&s);
    let sw = dir.path().join("sw");
    let sw = sw.to_str().unwrap();
    let out = dir.path().join("v1");
    ok(&ecsim(&[
        "export",
        sw,
        "--variant",
        "1",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]));
    // Variant 1 is desiredCount 6 (the values in the order given, 0-based).
    let svc = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|f| f.ok())
        .find(|f| f.file_name().to_string_lossy().contains("create-service"))
        .unwrap();
    let v: Value = serde_json::from_str(&read(&svc.path())).unwrap();
    assert_eq!(v["desiredCount"], 6);
    // Without --variant, or past the last, the command says how many there are.
    Run::of(Path::new("."), &["export", sw]).refused(&[&format!(
        "error: {sw}: a sweep folder holds 2 variants: choose one with --variant N (0 to 1)"
    )]);
    Run::of(Path::new("."), &["export", sw, "--variant", "2"])
        .refused(&["error: --variant: no variant 2: the sweep has 2 (0 to 1)"]);
}

#[test]
fn an_invalid_scenario_is_not_exported() {
    let dir = TempDir::new("export-invalid");
    dir.write(
        "bad.json",
        r#"{"name": "x", "services": [{"serviceName": "a", "desiredCount": -1,
            "taskDefinition": {"family": "a", "cpu": "256", "memory": "512"}}]}"#,
    );
    let r = Run::of(dir.path(), &["export", "bad.json", "--out", "o"]);
    r.refused(&[
        "error: bad.json:1:65: services[0].desiredCount: `-1` is negative: expected a whole number of at least 0",
    ]);
    assert!(!dir.path().join("o").exists(), "nothing written");
}

/// cfn-lint, when installed (.ci/run installs it into target/cfn-lint-venv): CFN_LINT names
/// it, else that venv's.
fn cfn_lint() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("CFN_LINT") {
        return Some(p.into());
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/cfn-lint-venv/bin/cfn-lint");
    p.is_file().then_some(p)
}

#[test]
fn cfn_lint_accepts_the_template_of_every_bundled_scenario() {
    let Some(lint) = cfn_lint() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but cfn-lint is not installed (scripts/cfn-lint.sh installs it)"
        );
        eprintln!(
            "cfn_lint_accepts_the_template_of_every_bundled_scenario did NOT run: cfn-lint is not \
             installed (scripts/cfn-lint.sh installs it into target/cfn-lint-venv)"
        );
        return;
    };
    let dir = TempDir::new("export-cfn-lint");
    let mut templates = Vec::new();
    for (name, _) in ecsim::bundled::SCENARIOS {
        let src = Source::resolve(Some(name)).unwrap();
        let e = export(&src, &[], &ExportOptions::default()).unwrap();
        let f = dir.path().join(format!("{name}.json"));
        std::fs::write(&f, serde_json::to_string_pretty(&e.template).unwrap()).unwrap();
        templates.push(f);
    }
    // W3010 (availability zones written out) is the point: the scenario's zones are exported.
    let o = std::process::Command::new(lint)
        .args(["--ignore-checks", "W3010", "--"])
        .args(&templates)
        .output()
        .expect("cfn-lint runs");
    assert!(
        o.status.success(),
        "cfn-lint found problems:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
