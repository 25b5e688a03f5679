//! The round trip: `ecsim export` then `ecsim import` of what it wrote gives back the same
//! scenario for every field AWS holds, and what AWS does not hold is listed as not exported.
//!
//! Each scenario is exported, its folder written, and imported four ways: the call files (the
//! folder, through export.json) and cloudformation.json, each without and with `--load-from`
//! the original. Both sides are then loaded (`load_str`) and compared field by field as typed
//! values. Without `--load-from` the re-imported services have no load: a service's `load` is
//! checked to be in export's `notExported` and absent after import, and its scaling policies
//! (which need load to see their metric) are left out by import, which says so. With
//! `--load-from` every policy, alarm and the load balancer model come back too.

use crate::support::TempDir;
use ecsim::export::{Export, ExportOptions, NotHeld, export};
use ecsim::import::{self, Assumption, Loads};
use ecsim::scenario::source::Source;
use ecsim::scenario::{PolicyKind, ProviderKind, Scenario, ServiceCapacity, load_str};
use serde_json::{Value, json};
use std::path::Path;

/// Where the tasks of `s` run, by provider name (indices differ when the order does).
fn capacity(sc: &Scenario, s: &ecsim::scenario::Service) -> String {
    match &s.capacity {
        ServiceCapacity::LaunchType(l) => format!("launch type {l:?}"),
        ServiceCapacity::Strategy(items) => items
            .iter()
            .map(|i| {
                format!(
                    "{} base {} weight {}",
                    sc.providers[i.provider].name, i.base, i.weight
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// A provider as the fields AWS holds: the group's types, purchase option, sizes, zones (by
/// name), managed scaling, termination protection and draining.
fn provider(sc: &Scenario, name: &str) -> Option<String> {
    let p = sc.providers.iter().find(|p| p.name == name)?;
    Some(match &p.kind {
        ProviderKind::Fargate => "FARGATE".into(),
        ProviderKind::FargateSpot => "FARGATE_SPOT".into(),
        ProviderKind::Asg(g) => {
            let types: Vec<&str> = g.instance_types.iter().map(|t| t.name).collect();
            let zones: Vec<&str> = g.zones.iter().map(|z| sc.zones[*z].as_str()).collect();
            format!(
                "types {types:?} {:?} min {} max {} desired {} zones {zones:?} managed {:?} \
                 protection {} draining {}",
                g.purchase,
                g.min_size,
                g.max_size,
                g.desired,
                g.managed_scaling,
                g.termination_protection,
                g.draining
            )
        }
    })
}

/// Asserts that `back` holds every field AWS holds of `orig`; `with_load`: `back` was imported
/// with `--load-from` the original (so its policies, load and load balancer model are there).
fn same_as_aws_holds(case: &str, doc: &Value, orig: &Scenario, back: &Scenario, with_load: bool) {
    assert_eq!(back.region, orig.region, "{case}: region");
    // The zones come back as the groups' (every scenario here launches in each of its zones,
    // or gives none and has the region's).
    assert_eq!(back.zones, orig.zones, "{case}: zones");
    assert_eq!(
        back.awsvpc_trunking, orig.awsvpc_trunking,
        "{case}: accountSettings awsvpcTrunking"
    );
    // Providers, by name: every original one is back and nothing else.
    let mut names: Vec<&str> = orig.providers.iter().map(|p| p.name.as_str()).collect();
    let mut back_names: Vec<&str> = back.providers.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    back_names.sort_unstable();
    // A provider no service, default strategy or cluster names is still created (export
    // writes every Auto Scaling provider), so the sets are equal.
    assert_eq!(back_names, names, "{case}: providers");
    for n in &names {
        assert_eq!(provider(back, n), provider(orig, n), "{case}: provider {n}");
    }
    // Services, in order; a batch job stream is a pseudo-service AWS does not hold (its
    // `batchJobs` are checked to be not exported).
    let services: Vec<&ecsim::scenario::Service> =
        orig.services.iter().filter(|s| s.job.is_none()).collect();
    let svc: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    let back_svc: Vec<&str> = back.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(back_svc, svc, "{case}: services");
    for (o, b) in services.into_iter().zip(&back.services) {
        let c = format!("{case}: service {}", o.name);
        assert_eq!(b.family, o.family, "{c}: family");
        assert_eq!(b.desired, o.desired, "{c}: desiredCount");
        assert_eq!(b.daemon, o.daemon, "{c}: schedulingStrategy");
        assert_eq!(capacity(back, b), capacity(orig, o), "{c}: capacity");
        assert_eq!(b.chain, o.chain, "{c}: placementStrategy");
        assert_eq!(
            format!("{:?}", b.constraints),
            format!("{:?}", o.constraints),
            "{c}: placementConstraints"
        );
        assert_eq!(b.max_percent, o.max_percent, "{c}: maximumPercent");
        assert_eq!(
            b.min_healthy_percent, o.min_healthy_percent,
            "{c}: minimumHealthyPercent"
        );
        assert_eq!(b.circuit_breaker, o.circuit_breaker, "{c}: circuit breaker");
        // The task definition: cpu/memory/GPUs, the containers' memoryReservation (the memory
        // metric's denominator), storage, host ports, network mode, architecture.
        assert_eq!(b.resources, o.resources, "{c}: task cpu/memory");
        assert_eq!(b.memory_metric, o.memory_metric, "{c}: memoryReservation");
        assert_eq!(
            b.ephemeral_storage_gib, o.ephemeral_storage_gib,
            "{c}: ephemeralStorage"
        );
        assert_eq!(b.host_ports, o.host_ports, "{c}: portMappings");
        assert_eq!(b.network_mode, o.network_mode, "{c}: networkMode");
        assert_eq!(b.arch, o.arch, "{c}: runtimePlatform");
        match (&o.auto_scaling, &b.auto_scaling) {
            (None, None) => {}
            (Some(oa), Some(ba)) => {
                assert_eq!((ba.min, ba.max), (oa.min, oa.max), "{c}: Min/MaxCapacity");
                assert_eq!(
                    format!("{:?}", ba.scheduled),
                    format!("{:?}", oa.scheduled),
                    "{c}: scheduled actions"
                );
                if with_load {
                    // An alarm the scenario leaves unnamed is named SERVICE-POLICY by export
                    // (an alarm name is the account's; the loader's POLICY-alarm would clash
                    // between two services' policies of one name): the one exception.
                    let mut want = oa.policies.clone();
                    let spec = doc["services"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|s| s["serviceName"] == o.name.as_str())
                        .expect("the service's document");
                    for (j, p) in want.iter_mut().enumerate() {
                        let named = spec["autoScaling"]["policies"][j]["Alarm"]
                            .get("AlarmName")
                            .is_some();
                        if let PolicyKind::Step { alarm, .. } = &mut p.kind
                            && !named
                        {
                            alarm.name = format!("{}-{}", o.name, p.name);
                        }
                    }
                    assert_eq!(
                        format!("{:?}", ba.policies),
                        format!("{want:?}"),
                        "{c}: policies and their alarms"
                    );
                } else {
                    // Without a load (or the custom metrics) a policy cannot see its metric.
                    assert!(ba.policies.is_empty(), "{c}: policies without load");
                }
            }
            (o, b) => panic!("{c}: autoScaling {o:?} came back as {b:?}"),
        }
        if with_load {
            assert_eq!(
                format!("{:?}", b.load),
                format!("{:?}", o.load),
                "{c}: load"
            );
            assert_eq!(
                format!("{:?}", b.load_balancer),
                format!("{:?}", o.load_balancer),
                "{c}: loadBalancer"
            );
            // The health rule depends on the load balancer model: only with it.
            assert_eq!(
                format!("{:?}", b.health),
                format!("{:?}", o.health),
                "{c}: health"
            );
        } else {
            assert!(b.load.is_none(), "{c}: no load after import");
            assert_eq!(b.health.grace_s, o.health.grace_s, "{c}: grace period");
            assert_eq!(
                format!("{:?}", b.health.containers),
                format!("{:?}", o.health.containers),
                "{c}: container health checks"
            );
        }
    }
}

/// Checks that what AWS does not hold is listed as not exported: the top-level keys present
/// (`duration`, `faults`, …) and every service's `load`.
fn not_exported_listed(case: &str, doc: &Value, e: &Export) {
    let listed = |path: &str| e.not_exported.iter().any(|n| n.path == path);
    for key in [
        "description",
        "seed",
        "duration",
        "start",
        "faults",
        "pricing",
        "model",
        "batchJobs",
        "customMetrics",
        "serviceQuotas",
    ] {
        if doc.get(key).is_some() {
            assert!(listed(key), "{case}: `{key}` not listed as not exported");
        }
    }
    for (i, s) in doc["services"].as_array().into_iter().flatten().enumerate() {
        if s.get("load").is_some() {
            let path = format!("services[{i}].load");
            assert!(
                e.not_exported
                    .iter()
                    .any(|n| n.path == path && n.why == NotHeld::Load),
                "{case}: {path} not listed as not exported"
            );
        }
    }
}

/// Imports `input` (an export folder or its cloudformation.json), with `loads` when given,
/// and loads the scenario (its folder `dir`).
fn reimport(case: &str, input: &Path, loads: Option<&Loads>) -> (Scenario, Vec<Assumption>) {
    let i = import::import_with(&[input.to_path_buf()], &[], loads)
        .unwrap_or_else(|e| panic!("{case}: import refused:\n{e}"));
    let sc = load_str(&i.scenario, case, input.parent(), &[])
        .unwrap_or_else(|e| panic!("{case}: the import does not load:\n{e}\n{}", i.scenario));
    (sc, i.assumptions)
}

/// The whole round trip of one scenario source; returns false when export refuses it.
fn round_trip(case: &str, src: &Source) -> bool {
    let Ok(e) = export(src, &[], &ExportOptions::default()) else {
        return false;
    };
    let orig = src.load(&[]).expect("exported, so it loads");
    let doc: Value = serde_json::from_str(&src.text).unwrap();
    not_exported_listed(case, &doc, &e);
    let dir = TempDir::new(&format!("roundtrip-{case}"));
    for (name, bytes) in e.files() {
        dir.write(&name, bytes);
    }
    let loads = Loads::from_source(src).unwrap();
    let cfn = dir.path().join("cloudformation.json");
    for (how, input) in [("calls", dir.path()), ("cloudformation", cfn.as_path())] {
        let c = format!("{case} via {how}");
        let (back, said) = reimport(&c, input, None);
        same_as_aws_holds(&c, &doc, &orig, &back, false);
        // Each service whose policies needed its load is told to be left out, by name.
        for s in &orig.services {
            let had = s.auto_scaling.as_ref().map_or(0, |a| a.policies.len());
            if had > 0 {
                let told = said.iter().any(|a| {
                    matches!(a, Assumption::PoliciesWithoutLoad { service, policies }
                        if *service == s.name && policies.len() == had)
                });
                assert!(
                    told,
                    "{c}: import does not say {}'s policies were left",
                    s.name
                );
            }
        }
        let (back, _) = reimport(&format!("{c} --load-from"), input, Some(&loads));
        same_as_aws_holds(&format!("{c} --load-from"), &doc, &orig, &back, true);
    }
    true
}

#[test]
fn every_bundled_scenario_comes_back_for_every_field_aws_holds() {
    let mut exported = Vec::new();
    for (name, _) in ecsim::bundled::SCENARIOS {
        let src = Source::resolve(Some(name)).unwrap();
        if round_trip(name, &src) {
            exported.push(*name);
        }
    }
    // Export takes every scenario that validates: all of the bundled ones.
    assert_eq!(
        exported.len(),
        ecsim::bundled::SCENARIOS.len(),
        "{exported:?}"
    );
}

/// One scenario exercising every exported field at once: two groups (on demand and Spot,
/// their own zones, managed scaling with every setting, termination protection, draining),
/// Fargate, a default strategy, account settings, a service per kind of capacity (launch type
/// EC2 with placement, a strategy with base and weight, the default strategy, Fargate), task
/// definitions with containers' cpu/memory/memoryReservation/ports, health checks, runtime
/// platform and storage, deployment configuration with a circuit breaker, a target tracking
/// and a step policy (with its alarm) per scaled service — two services with policies of the
/// same name — and scheduled actions.
fn everything() -> Value {
    let tt = |target: f64| {
        json!({ "PolicyName": "cpu", "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {
                "TargetValue": target, "ScaleOutCooldown": 45, "ScaleInCooldown": 240,
                "DisableScaleIn": false,
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "ECSServiceAverageCPUUtilization" } } })
    };
    let step = |service: &str, threshold: f64, up: i64| {
        json!({ "PolicyName": "burst", "PolicyType": "StepScaling",
            "StepScalingPolicyConfiguration": {
                "AdjustmentType": "ChangeInCapacity", "Cooldown": 90,
                "MetricAggregationType": "Average",
                "StepAdjustments": [
                    { "MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 20,
                      "ScalingAdjustment": 1 },
                    { "MetricIntervalLowerBound": 20, "ScalingAdjustment": up } ] },
            "Alarm": { "MetricName": "CPUUtilization", "Namespace": "AWS/ECS",
                "Dimensions": [ { "Name": "ClusterName", "Value": "every-field" },
                                { "Name": "ServiceName", "Value": service } ],
                "Statistic": "Maximum", "Period": 60, "EvaluationPeriods": 3,
                "DatapointsToAlarm": 2, "Threshold": threshold,
                "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "notBreaching" } })
    };
    let load = |rps: f64| {
        json!({ "traffic": { "pattern": "constant", "rps": rps },
                "perTask": { "maxRps": 50, "cpuAtMaxRps": 80 } })
    };
    json!({
        "name": "every-field",
        "region": "us-west-2",
        "duration": "1h",
        "seed": 7,
        "availabilityZones": ["us-west-2a", "us-west-2b", "us-west-2c"],
        "accountSettings": [{ "name": "awsvpcTrunking", "value": "enabled" }],
        "capacityProviders": [
            { "name": "steady", "autoScalingGroupProvider": {
                "autoScalingGroup": { "instanceTypes": ["m5.large", "m6i.large"],
                    "purchaseOption": "on-demand", "minSize": 1, "maxSize": 8,
                    "desiredCapacity": 2, "zones": ["us-west-2a", "us-west-2b"] },
                "managedScaling": { "status": "ENABLED", "targetCapacity": 90,
                    "minimumScalingStepSize": 2, "maximumScalingStepSize": 4,
                    "instanceWarmupPeriod": 120 },
                "managedTerminationProtection": "ENABLED",
                "managedDraining": "ENABLED" } },
            { "name": "cheap", "autoScalingGroupProvider": {
                "autoScalingGroup": { "instanceTypes": ["c5.xlarge"], "purchaseOption": "spot",
                    "minSize": 0, "maxSize": 5, "zones": ["us-west-2c"] },
                "managedScaling": { "status": "ENABLED", "targetCapacity": 100 },
                "managedTerminationProtection": "DISABLED",
                "managedDraining": "DISABLED" } },
            { "name": "FARGATE" }
        ],
        "defaultCapacityProviderStrategy": [
            { "capacityProvider": "steady", "base": 1, "weight": 1 },
            { "capacityProvider": "cheap", "weight": 3 } ],
        "services": [
            { "serviceName": "api", "desiredCount": 3, "launchType": "EC2",
              "placementStrategy": [ { "type": "spread", "field": "attribute:ecs.availability-zone" },
                                     { "type": "binpack", "field": "memory" } ],
              "placementConstraints": [ { "type": "distinctInstance" } ],
              "deploymentConfiguration": { "maximumPercent": 150, "minimumHealthyPercent": 50,
                  "deploymentCircuitBreaker": { "enable": true, "rollback": true } },
              "healthCheckGracePeriodSeconds": 30,
              "taskDefinition": { "family": "api", "networkMode": "bridge",
                  "containerDefinitions": [
                      { "name": "app", "cpu": 512, "memory": 1024, "memoryReservation": 768,
                        "essential": true,
                        "portMappings": [ { "containerPort": 8080, "hostPort": 8080 } ],
                        "healthCheck": { "command": ["CMD-SHELL", "true"], "interval": 10,
                            "timeout": 5, "retries": 3, "startPeriod": 20 } },
                      { "name": "sidecar", "cpu": 128, "memory": 256, "essential": false } ] },
              "load": load(120.0),
              "autoScaling": { "MinCapacity": 2, "MaxCapacity": 12,
                  "policies": [ tt(60.0), step("api", 85.0, 3) ],
                  "scheduledActions": [ { "ScheduledActionName": "night",
                      "Schedule": "cron(0 22 * * ? *)",
                      "ScalableTargetAction": { "MinCapacity": 1, "MaxCapacity": 4 } } ] } },
            { "serviceName": "jobs", "desiredCount": 2,
              "capacityProviderStrategy": [ { "capacityProvider": "cheap", "base": 1, "weight": 2 },
                                            { "capacityProvider": "steady", "weight": 1 } ],
              "placementStrategy": [ { "type": "binpack", "field": "cpu" } ],
              "taskDefinition": { "family": "jobs", "cpu": "1024", "memory": "2048",
                  "networkMode": "awsvpc",
                  "runtimePlatform": { "cpuArchitecture": "X86_64",
                                       "operatingSystemFamily": "LINUX" } },
              "load": load(40.0),
              "autoScaling": { "MinCapacity": 1, "MaxCapacity": 6,
                  "policies": [ tt(70.0), step("jobs", 90.0, 2) ] } },
            { "serviceName": "default-strategy", "desiredCount": 1,
              "taskDefinition": { "family": "api", "networkMode": "bridge",
                  "containerDefinitions": [ { "name": "app", "cpu": 256, "memory": 512 } ] } },
            { "serviceName": "edge", "desiredCount": 2, "launchType": "FARGATE",
              "deploymentConfiguration": { "maximumPercent": 200, "minimumHealthyPercent": 100 },
              "taskDefinition": { "family": "edge", "cpu": "512", "memory": "1024",
                  "ephemeralStorage": { "sizeInGiB": 40 } },
              "autoScaling": { "MinCapacity": 2, "MaxCapacity": 4,
                  "scheduledActions": [ { "ScheduledActionName": "day",
                      "Schedule": "cron(0 8 ? * MON-FRI *)",
                      "ScalableTargetAction": { "MinCapacity": 3 } } ] } }
        ]
    })
}

#[test]
fn a_scenario_of_every_exported_field_comes_back() {
    let doc = everything();
    let src = Source {
        text: serde_json::to_string_pretty(&doc).unwrap(),
        file: "every-field.json".into(),
        base_dir: None,
    };
    let orig = src.load(&[]).unwrap_or_else(|e| panic!("{e}"));
    // What the comparison relies on is really there: two groups and Fargate, four services,
    // a same-named pair of policies on two services (api's and jobs' `burst`), trunking on.
    assert_eq!(orig.providers.len(), 3);
    assert_eq!(orig.services.len(), 4);
    assert!(orig.awsvpc_trunking);
    assert!(round_trip("every-field", &src), "export refused it");
}

#[test]
fn two_services_step_policies_of_one_name_keep_their_own_alarms() {
    // api's `burst` alarm fires above 85, jobs' above 90: joined by name alone, both would
    // act on one policy. The ARN placeholder carries the ResourceId, so each alarm comes back
    // on its own service: thresholds 85 and 90, step adjustments +3 and +2.
    let src = Source {
        text: everything().to_string(),
        file: "every-field.json".into(),
        base_dir: None,
    };
    let e = export(&src, &[], &ExportOptions::default()).unwrap();
    let dir = TempDir::new("roundtrip-same-policy-name");
    for (name, bytes) in e.files() {
        dir.write(&name, bytes);
    }
    let loads = Loads::from_source(&src).unwrap();
    let (back, _) = reimport("same name", dir.path(), Some(&loads));
    let thresholds: Vec<(String, f64)> = back
        .services
        .iter()
        .filter_map(|s| Some((s, s.auto_scaling.as_ref()?)))
        .flat_map(|(s, a)| {
            a.policies.iter().filter_map(move |p| match &p.kind {
                PolicyKind::Step { alarm, .. } => Some((s.name.clone(), alarm.threshold)),
                _ => None,
            })
        })
        .collect();
    assert_eq!(
        thresholds,
        [("api".to_string(), 85.0), ("jobs".to_string(), 90.0)]
    );
}

#[test]
fn an_export_folder_and_its_template_at_once_are_refused() {
    // Both describe the same resources: importing both would make each twice.
    let src = Source::resolve(Some("cluster-scaling")).unwrap();
    let e = export(&src, &[], &ExportOptions::default()).unwrap();
    let dir = TempDir::new("roundtrip-twice");
    for (name, bytes) in e.files() {
        dir.write(&name, bytes);
    }
    let files = [
        dir.path().to_path_buf(),
        dir.path().join("cloudformation.json"),
    ];
    let err = import::import(&files, &[]).unwrap_err().to_string();
    assert!(
        err.contains("cloudformation.json") && err.contains("the same resources twice"),
        "{err}"
    );
}

#[test]
fn every_call_export_writes_is_read_as_its_own_input() {
    // Each operation's input is told by its keys: the mapping is the operation's own name.
    let want = |op: &str| match op {
        "create-auto-scaling-group" => import::Input::CreateAutoScalingGroup,
        "create-capacity-provider" => import::Input::CreateCapacityProvider,
        "create-cluster" => import::Input::CreateCluster,
        "put-account-setting" => import::Input::PutAccountSetting,
        "register-task-definition" => import::Input::RegisterTaskDefinition,
        "create-service" => import::Input::CreateService,
        "register-scalable-target" => import::Input::RegisterScalableTarget,
        "put-scaling-policy" => import::Input::PutScalingPolicy,
        "put-metric-alarm" => import::Input::PutMetricAlarm,
        "put-scheduled-action" => import::Input::PutScheduledAction,
        other => panic!("an operation the test does not know: {other}"),
    };
    let src = Source {
        text: everything().to_string(),
        file: "every-field.json".into(),
        base_dir: None,
    };
    let e = export(&src, &[], &ExportOptions::default()).unwrap();
    let mut seen: Vec<&str> = Vec::new();
    for c in &e.calls {
        assert_eq!(
            import::detect(&c.input),
            Some(import::Shape::ApiInput(want(c.operation))),
            "{}",
            c.file
        );
        if !seen.contains(&c.operation) {
            seen.push(c.operation);
        }
    }
    // every-field makes all ten kinds of call.
    assert_eq!(seen.len(), 10, "{seen:?}");
}

#[test]
fn the_call_files_one_by_one_come_back_too() {
    // Without the manifest the region comes from the groups' zones (us-west-2a…: us-west-2,
    // the scenario's), and the revisions are counted in the order given (the files' NN).
    let src = Source {
        text: everything().to_string(),
        file: "every-field.json".into(),
        base_dir: None,
    };
    let orig = src.load(&[]).unwrap();
    let e = export(&src, &[], &ExportOptions::default()).unwrap();
    let dir = TempDir::new("roundtrip-one-by-one");
    for (name, bytes) in e.files() {
        dir.write(&name, bytes);
    }
    let files: Vec<std::path::PathBuf> = e.calls.iter().map(|c| dir.path().join(&c.file)).collect();
    let loads = Loads::from_source(&src).unwrap();
    let i = import::import_with(&files, &[], Some(&loads)).unwrap();
    let back = load_str(&i.scenario, "one by one", Some(dir.path()), &[]).unwrap();
    same_as_aws_holds("one by one", &everything(), &orig, &back, true);
}

#[test]
fn a_manifest_naming_a_file_outside_its_folder_is_refused() {
    let dir = TempDir::new("roundtrip-bad-manifest");
    dir.write(
        "export.json",
        json!({ "schema": "ecsim.export/1", "scenario": "x", "region": "us-east-1",
                "calls": [ { "file": "../elsewhere.json" } ] })
        .to_string(),
    );
    let err = import::import(&[dir.path().to_path_buf()], &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("calls[0].file") && err.contains("not a file name"),
        "{err}"
    );
}
