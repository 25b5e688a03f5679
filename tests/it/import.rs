//! `ecsim import`: the AWS CLI, terraform and CloudFormation files of tests/data/aws joined into
//! a scenario, each join and each assumption, the metric rules, and the whole account
//! imported, validated and run. The files are written by hand from the AWS CLI reference
//! shapes; get-metric-data.json comes from tests/data/aws/make_metrics.py, whose docstring has
//! the formulas the derivations below use.

use crate::support::{Run, TempDir, ok, read, report_json};
use ecsim::import::{self, Assumption};
use serde_json::Value;
use std::path::{Path, PathBuf};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/aws");

/// The named files of tests/data/aws.
fn files(names: &[&str]) -> Vec<PathBuf> {
    names.iter().map(|n| Path::new(DATA).join(n)).collect()
}

/// The small account: every file but instance-types.json (which needs `instanceTypes`).
const ACCOUNT: [&str; 12] = [
    "clusters.json",
    "services.json",
    "taskdef-web.json",
    "taskdef-worker.json",
    "capacity-providers.json",
    "auto-scaling-groups.json",
    "scalable-targets.json",
    "scaling-policies.json",
    "scheduled-actions.json",
    "alarms.json",
    "spot-price-history.json",
    "get-metric-data.json",
];

/// Imports `names` (with `--metric` options) through the library: the scenario as JSON, the
/// CSVs and the assumptions.
fn imported(
    names: &[&str],
    opts: &[(&str, &str)],
) -> (Value, Vec<(String, String)>, Vec<Assumption>) {
    let opts: Vec<(String, String)> = opts
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let i = import::import(&files(names), &opts).expect("imports");
    let v = serde_json::from_str(&i.scenario).expect("the scenario is JSON");
    (v, i.files, i.assumptions)
}

/// The service `name` of a scenario.
fn service<'a>(sc: &'a Value, name: &str) -> &'a Value {
    sc["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["serviceName"] == name)
        .unwrap_or_else(|| panic!("no service {name} in {sc:#}"))
}

/// Writes the import into `dir` and loads it as `ecsim validate` would.
fn write_and_load(dir: &Path, names: &[&str]) -> ecsim::scenario::Scenario {
    let out = dir.join("scenario.json");
    let mut args: Vec<String> = vec!["import".into()];
    args.extend(files(names).iter().map(|p| p.display().to_string()));
    args.extend(["--out".into(), out.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = Run::of(dir, &args);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // Nothing on stdout; on stderr the numbered list, then the files written.
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.lines().any(|l| l.starts_with("  1. ")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("Wrote {}", out.display())),
        "{}",
        r.stderr
    );
    ecsim::scenario::load_file(&out, &[]).expect("the imported scenario validates")
}

#[test]
fn the_whole_account_imports_validates_and_runs() {
    let dir = TempDir::new("import-account");
    let sc = write_and_load(dir.path(), &ACCOUNT);
    // Two services, three providers (shop-ec2, FARGATE, FARGATE_SPOT: the cluster's list).
    assert_eq!(sc.services.len(), 2);
    assert_eq!(sc.providers.len(), 3);
    // A week of hourly points: 168 h = 604,800 s, from the first timestamp 2026-11-16T00:00Z.
    assert_eq!(sc.duration, 604_800_000);
    let out = dir.path().join("run");
    let r = Run::of(
        dir.path(),
        &[
            "run",
            "scenario.json",
            "--no-charts",
            "-q",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rep = report_json(&out);
    // Offered requests: rps(h) = round(120 + 80 cos(2π (h − 14) / 24)); hours h and h + 12 have
    // cosines of opposite sign, so each pair rounds to 240 and a day holds 12 × 240 = 2,880
    // rps-hours; a week 7 × 2,880 × 3,600 = 72,576,000 requests.
    assert_eq!(
        rep["availability"]["by_service"]["web"]["offered_requests"],
        72_576_000.0
    );
    // Messages: 8 busy hours at 6/s and 16 at 2/s = 80 message-hours/s a day, × 3,600 × 7
    // = 2,016,000 messages.
    assert_eq!(rep["queues"]["worker"]["messages_arrived"], 2_016_000.0);
}

#[test]
fn services_join_their_task_definitions_by_arn() {
    let (sc, _, a) = imported(&ACCOUNT, &[]);
    // web names task-definition/web:7: taskdef-web.json's container (512 CPU units, 1024 MiB
    // hard, 768 reserved, dynamic port 8080).
    let web = &service(&sc, "web")["taskDefinition"];
    assert_eq!(web["family"], "web");
    assert_eq!(web["containerDefinitions"][0]["memoryReservation"], 768);
    assert_eq!(
        web["containerDefinitions"][0]["portMappings"][0]["hostPort"],
        0
    );
    // worker names worker:12: task-level 1024 / 2048, X86_64.
    let worker = &service(&sc, "worker")["taskDefinition"];
    assert_eq!(worker["cpu"], "1024");
    assert_eq!(worker["memory"], "2048");
    assert!(
        !a.iter()
            .any(|x| matches!(x, Assumption::TaskDefinitionMissing { .. })),
        "{a:?}"
    );
    // Read-only describe fields are not copied (a translator, not a paster).
    assert!(service(&sc, "web").get("serviceArn").is_none());
    assert!(service(&sc, "web").get("events").is_none());
}

#[test]
fn providers_join_their_groups_by_arn() {
    let (sc, _, _) = imported(&ACCOUNT, &[]);
    let p = &sc["capacityProviders"][0];
    assert_eq!(p["name"], "shop-ec2");
    let asp = &p["autoScalingGroupProvider"];
    // shop-asg: the overrides m5.large then c5.large, 1 to 8, desired 2, two zones.
    let g = &asp["autoScalingGroup"];
    assert_eq!(
        g["instanceTypes"],
        serde_json::json!(["m5.large", "c5.large"])
    );
    assert_eq!(
        (g["minSize"].clone(), g["maxSize"].clone()),
        (1.into(), 8.into())
    );
    assert_eq!(g["desiredCapacity"], 2);
    assert_eq!(g["zones"], serde_json::json!(["eu-west-1a", "eu-west-1b"]));
    // The provider's own settings: target 90 %, steps 1–4, warm-up 180 s, draining on.
    assert_eq!(asp["managedScaling"]["targetCapacity"], 90);
    assert_eq!(asp["managedScaling"]["maximumScalingStepSize"], 4);
    assert_eq!(asp["managedDraining"], "ENABLED");
    // FARGATE and FARGATE_SPOT come from the cluster's capacityProviders.
    assert_eq!(sc["capacityProviders"][1]["name"], "FARGATE");
    assert_eq!(sc["capacityProviders"][2]["name"], "FARGATE_SPOT");
    assert_eq!(
        sc["defaultCapacityProviderStrategy"][0]["capacityProvider"],
        "shop-ec2"
    );
}

#[test]
fn a_purchase_mix_is_one_option_and_said_so() {
    let (sc, _, a) = imported(&ACCOUNT, &[]);
    // OnDemandBaseCapacity 1, then 25 % on demand above it: most instances above the base are
    // Spot (75 %), so the group is `spot`, and the assumption says so.
    assert_eq!(
        sc["capacityProviders"][0]["autoScalingGroupProvider"]["autoScalingGroup"]["purchaseOption"],
        "spot"
    );
    assert!(a.contains(&Assumption::PurchaseMix {
        group: "shop-asg".into(),
        base: 1,
        percent: 25,
        chosen: "spot",
    }));
}

#[test]
fn the_region_comes_from_arns_and_the_zones_from_the_groups() {
    let (sc, _, a) = imported(&ACCOUNT, &[]);
    // Every ARN is arn:aws:…:eu-west-1:…; the group lists eu-west-1a and eu-west-1b.
    assert_eq!(sc["region"], "eu-west-1");
    assert_eq!(
        sc["availabilityZones"],
        serde_json::json!(["eu-west-1a", "eu-west-1b"])
    );
    assert!(
        !a.iter()
            .any(|x| matches!(x, Assumption::RegionDefault { .. }))
    );
    // Without ARNs (a CloudFormation template) the zones give it: ap-southeast-2a → ap-southeast-2.
    let (cf, _, _) = imported(&["cloudformation.json"], &[]);
    assert_eq!(cf["region"], "ap-southeast-2");
}

#[test]
fn targets_policies_and_actions_join_their_services_by_resource_id() {
    let (sc, _, a) = imported(&ACCOUNT, &[]);
    let web = &service(&sc, "web")["autoScaling"];
    // service/shop/web: 2 to 12, the CPU target-tracking policy, the weekday action.
    assert_eq!(
        (web["MinCapacity"].clone(), web["MaxCapacity"].clone()),
        (2.into(), 12.into())
    );
    assert_eq!(web["policies"][0]["PolicyName"], "web-cpu60");
    assert_eq!(
        web["policies"][0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"],
        60.0
    );
    assert_eq!(
        web["scheduledActions"][0]["ScheduledActionName"],
        "web-weekday-morning"
    );
    assert_eq!(web["scheduledActions"][0]["Timezone"], "Europe/Dublin");
    let worker = &service(&sc, "worker")["autoScaling"];
    assert_eq!(worker["MaxCapacity"], 10);
    // service/shop/reports names no described service: left out, said so.
    assert!(a.contains(&Assumption::UnknownService {
        what: "scheduled action old-batch-boost".into(),
        resource_id: "service/shop/reports".into(),
    }));
}

#[test]
fn a_step_policy_joins_the_alarm_whose_actions_name_it() {
    let (sc, _, _) = imported(&ACCOUNT, &[]);
    let p = &service(&sc, "worker")["autoScaling"]["policies"][0];
    // worker-backlog-high's AlarmActions holds worker-backlog-out's PolicyARN.
    assert_eq!(p["PolicyName"], "worker-backlog-out");
    assert_eq!(p["Alarm"]["AlarmName"], "worker-backlog-high");
    assert_eq!(p["Alarm"]["Threshold"], 100.0);
    assert_eq!(p["Alarm"]["EvaluationPeriods"], 2);
    // Alarm state fields are not copied.
    assert!(p["Alarm"].get("StateValue").is_none());
    // The alarm's QueueName dimension names the worker's queue.
    assert_eq!(
        service(&sc, "worker")["load"]["queue"]["queueName"],
        "orders"
    );

    // Without alarms.json the step policy is left out with a warning, and the rest still
    // validates.
    let names: Vec<&str> = ACCOUNT
        .iter()
        .copied()
        .filter(|n| *n != "alarms.json")
        .collect();
    let (sc, _, a) = imported(&names, &[]);
    assert!(a.contains(&Assumption::StepPolicyWithoutAlarm {
        service: "worker".into(),
        policy: "worker-backlog-out".into(),
    }));
    assert!(
        service(&sc, "worker")["autoScaling"]
            .get("policies")
            .is_none()
    );
    let dir = TempDir::new("import-no-alarms");
    write_and_load(dir.path(), &names);
}

#[test]
fn dangling_references_are_warnings_not_refusals() {
    // services.json and capacity-providers.json alone: both task definitions missing, the
    // provider's group not described, no load.
    let names = ["clusters.json", "services.json", "capacity-providers.json"];
    let (sc, _, a) = imported(&names, &[]);
    assert!(a.contains(&Assumption::TaskDefinitionMissing {
        service: "web".into(),
        arn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7".into(),
        cpu: 256,
        memory: 512,
    }));
    assert!(
        a.iter().any(
            |x| matches!(x, Assumption::GroupMissing { provider, .. } if provider == "shop-ec2")
        )
    );
    assert!(a.contains(&Assumption::NoLoad {
        service: "web".into()
    }));
    // The assumed task definition takes the family from the ARN (web:7 → web).
    assert_eq!(service(&sc, "web")["taskDefinition"]["family"], "web");
    // Its sentence says what to add.
    let text = Assumption::NoLoad {
        service: "web".into(),
    }
    .to_string();
    assert!(
        text.starts_with("no load given for service web: add `load`, or import its metrics"),
        "{text}"
    );
    let dir = TempDir::new("import-dangling");
    let loaded = write_and_load(dir.path(), &names);
    assert_eq!(loaded.services.len(), 2);

    // Without the capacity providers at all: shop-ec2 is assumed from the strategies.
    let (_, _, a) = imported(&["clusters.json", "services.json"], &[]);
    assert!(a.iter().any(
        |x| matches!(x, Assumption::ProviderMissing { provider, .. } if provider == "shop-ec2")
    ));
    let dir = TempDir::new("import-dangling-provider");
    write_and_load(dir.path(), &["clusters.json", "services.json"]);
}

#[test]
fn newest_first_metrics_make_an_ascending_trace_of_rates() {
    let dir = TempDir::new("import-metric-order");
    // One service, three 5-minute RequestCount sums newest first: 00:10 → 900, 00:05 → 1200,
    // 00:00 → 600. Ascending, each Sum / 300 s: 600/300 = 2, 1200/300 = 4, 900/300 = 3 rps.
    dir.write(
        "m.json",
        r#"{"MetricDataResults": [{"Id": "m1", "Label": "RequestCount",
            "Timestamps": ["2026-01-05T00:10:00+00:00", "2026-01-05T00:05:00+00:00", "2026-01-05T00:00:00+00:00"],
            "Values": [900.0, 1200.0, 600.0], "StatusCode": "Complete"}], "Messages": []}"#,
    );
    let mut all = files(&["services.json"]);
    all.push(dir.path().join("m.json"));
    // Two services: the label names neither, so --metric picks web.
    let i = import::import(&all, &[("m1".into(), "web".into())]).unwrap();
    let (name, csv) = i
        .files
        .iter()
        .find(|f| f.0 == "web-requests.csv")
        .expect("a trace");
    assert_eq!(name, "web-requests.csv");
    assert_eq!(csv, "offset_seconds,rps\n0,2\n300,4\n600,3\n");
    assert!(i.assumptions.contains(&Assumption::PeriodInferred {
        id: "m1".into(),
        period_s: 300
    }));
    assert!(i.assumptions.contains(&Assumption::MetricMatched {
        id: "m1".into(),
        service: "web".into(),
        how: "--metric"
    }));
    // The peak 4 rps over web's 3 desired tasks: maxRps ceil(4 / 3 × 100) / 100 = 1.34.
    let sc: Value = serde_json::from_str(&i.scenario).unwrap();
    assert_eq!(service(&sc, "web")["load"]["perTask"]["maxRps"], 1.34);
    // The run starts at the first (oldest) timestamp and lasts 3 periods: 900 s.
    assert_eq!(sc["start"], "2026-01-05T00:00:00Z");
    assert_eq!(sc["duration"], "900s");
    // Without --metric, two services and a label naming neither: not used, said so.
    let i = import::import(&all, &[]).unwrap();
    assert!(i.assumptions.iter().any(|x| matches!(x,
        Assumption::MetricUnmatched { id, why, .. } if id == "m1" && why.contains("--metric m1=SERVICE"))));
}

#[test]
fn unordered_statistics_are_sorted_and_a_cloudformation_step_policy_finds_its_alarm() {
    let dir = TempDir::new("import-statistics");
    // get-metric-statistics prints datapoints in any order: 00:02 (Sum 240), 00:00 (60),
    // 00:01 (120), one minute apart → 60-s period; rates 60/60 = 1, 120/60 = 2, 240/60 = 4.
    dir.write(
        "stats.json",
        r#"{"Label": "RequestCount", "Datapoints": [
            {"Timestamp": "2026-02-02T00:02:00+00:00", "Sum": 240.0, "Unit": "Count"},
            {"Timestamp": "2026-02-02T00:00:00+00:00", "Sum": 60.0, "Unit": "Count"},
            {"Timestamp": "2026-02-02T00:01:00+00:00", "Sum": 120.0, "Unit": "Count"}]}"#,
    );
    let mut all = files(&["cloudformation.json"]);
    all.push(dir.path().join("stats.json"));
    let i = import::import(&all, &[]).unwrap();
    let csv = &i
        .files
        .iter()
        .find(|f| f.0 == "reports-requests.csv")
        .unwrap()
        .1;
    assert_eq!(csv, "offset_seconds,rps\n0,1\n60,2\n120,4\n");
    // The one service takes the metric.
    assert!(i.assumptions.contains(&Assumption::MetricMatched {
        id: "RequestCount".into(),
        service: "reports".into(),
        how: "the only service"
    }));
    let sc: Value = serde_json::from_str(&i.scenario).unwrap();
    let rep = service(&sc, "reports");
    // The template's alarm names the policy by {"Ref": "StepOut"}; the policy's target by
    // {"Ref": "Target"}, whose ResourceId Fn::Sub makes service/reports/reports.
    let p = &rep["autoScaling"]["policies"][0];
    assert_eq!(p["PolicyName"], "reports-cpu-step");
    assert_eq!(p["Alarm"]["AlarmName"], "reports-cpu-high");
    // The parameter's Default fills the alarm's ClusterName dimension.
    assert_eq!(p["Alarm"]["Dimensions"][0]["Value"], "reports");
    assert_eq!(
        rep["autoScaling"]["scheduledActions"][0]["ScheduledActionName"],
        "nightly-floor"
    );
    // The group's launch template in the same template gives c5.large; "6" reads as 6.
    let g = &sc["capacityProviders"][0]["autoScalingGroupProvider"]["autoScalingGroup"];
    assert_eq!(g["instanceTypes"], serde_json::json!(["c5.large"]));
    assert_eq!(g["maxSize"], 6);
    assert_eq!(rep["placementStrategy"][0]["field"], "cpu");
    let out = TempDir::new("import-statistics-out");
    let mut args: Vec<String> = vec!["import".into()];
    args.extend(all.iter().map(|p| p.display().to_string()));
    args.extend(["--out".into(), "s.json".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = Run::of(out.path(), &args);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    ecsim::scenario::load_file(&out.path().join("s.json"), &[]).expect("validates");
}

#[test]
fn terraform_state_joins_the_same_way() {
    let (sc, _, a) = imported(&["terraform-show.json"], &[]);
    // arn:aws:ecs:us-west-2:… → us-west-2; the cluster's default strategy FARGATE base 1 +
    // FARGATE_SPOT weight 3 from aws_ecs_cluster_capacity_providers.
    assert_eq!(sc["region"], "us-west-2");
    assert_eq!(sc["defaultCapacityProviderStrategy"][1]["weight"], 3);
    let g = service(&sc, "gateway");
    assert_eq!(g["desiredCount"], 4);
    assert_eq!(
        g["taskDefinition"]["runtimePlatform"]["cpuArchitecture"],
        "ARM64"
    );
    assert_eq!(
        g["taskDefinition"]["containerDefinitions"][0]["portMappings"][0]["hostPort"],
        80
    );
    assert_eq!(
        g["deploymentConfiguration"]["deploymentCircuitBreaker"]["enable"],
        true
    );
    // launch_type "" is no launch type: the service uses the cluster's default strategy.
    assert!(g.get("launchType").is_none());
    // No load: the CPU policy cannot see its metric and is left out, said so.
    assert!(a.contains(&Assumption::PoliciesWithoutLoad {
        service: "gateway".into(),
        policies: vec!["gateway-cpu50".into()],
    }));
    assert_eq!(g["autoScaling"]["MaxCapacity"], 16);
    let dir = TempDir::new("import-terraform");
    write_and_load(dir.path(), &["terraform-show.json"]);
}

#[test]
fn spot_prices_become_the_price_series_from_the_start() {
    let (sc, _, a) = imported(&ACCOUNT, &[]);
    let series = sc["pricing"]["ec2Spot"]["series"].as_array().unwrap();
    // Start 2026-11-16T00:00Z. 1a: 11-15 08:00:07 (0.0366) is before it → at 0s; 11-16
    // 22:10:00 → 22 h 10 min = 79,800 s; 11-20 14:05:12 → 4 d 14 h 5 min 12 s = 396,312 s.
    // 1b: 11-18 03:44:51 → 2 d 3 h 44 min 51 s = 186,291 s. 1c (no group there) and the
    // Windows price are left out.
    let rows: Vec<(String, String, f64)> = series
        .iter()
        .map(|x| {
            (
                x["at"].as_str().unwrap().to_string(),
                x["availabilityZone"].as_str().unwrap().to_string(),
                x["price"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("0s".into(), "eu-west-1a".into(), 0.0366),
            ("79800s".into(), "eu-west-1a".into(), 0.0381),
            ("186291s".into(), "eu-west-1b".into(), 0.0412),
            ("396312s".into(), "eu-west-1a".into(), 0.0394),
        ]
    );
    assert!(a.iter().any(
        |x| matches!(x, Assumption::SpotPricesLeftOut { count: 1, why } if why.contains("Linux"))
    ));
    assert!(a.iter().any(
        |x| matches!(x, Assumption::SpotPricesLeftOut { count: 1, why } if why.contains("zones"))
    ));
}

#[test]
fn recorded_task_counts_and_cpu_are_kept_beside_the_scenario() {
    let (_, files, a) = imported(&ACCOUNT, &[]);
    let csv = &files
        .iter()
        .find(|f| f.0 == "recorded-metrics.csv")
        .unwrap()
        .1;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "timestamp,offset_seconds,service,metric,value");
    // The first CPU row: hour 0, rps(0) = round(120 + 80 cos(−14π/12)) = round(120 − 69.28)
    // = 51; CPU 5 + 0.4 × 51 = 25.4.
    assert_eq!(lines[1], "2026-11-16T00:00:00Z,0,web,CPUUtilization,25.4");
    // DesiredTaskCount at hour 14: rps 200 → max(2, ceil(200 / 60)) = 4.
    assert!(
        lines.contains(&"2026-11-16T14:00:00Z,50400,web,DesiredTaskCount,4"),
        "{csv}"
    );
    // 168 rows each for web CPU, desired, running and worker visible messages.
    assert_eq!(lines.len(), 1 + 4 * 168);
    assert!(a.contains(&Assumption::Recorded {
        service: "web".into(),
        metric: "RunningTaskCount".into(),
        file: "recorded-metrics.csv".into(),
    }));
    // read_recorded reads the file back: four series of 168 points; web's DesiredTaskCount at
    // hour 14 (offset 50,400 s) is 4.
    let dir = TempDir::new("import-recorded");
    dir.write("recorded-metrics.csv", csv);
    let rec = import::cloudwatch::read_recorded(&dir.path().join("recorded-metrics.csv")).unwrap();
    assert_eq!(rec.len(), 4);
    let desired = rec
        .iter()
        .find(|r| r.service == "web" && r.metric == "DesiredTaskCount")
        .unwrap();
    assert_eq!(desired.points.len(), 168);
    assert_eq!(desired.points[14], (50_400_000, 4.0));
    // A row out of order is refused with its line: line 3 at 0 s after line 2 at 3,600 s.
    dir.write(
        "bad.csv",
        "timestamp,offset_seconds,service,metric,value\nx,3600,web,CPUUtilization,1\nx,0,web,CPUUtilization,2\n",
    );
    let e = import::cloudwatch::read_recorded(&dir.path().join("bad.csv")).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(
        e.to_string()
            .contains("bad.csv:3:1: offset 0 s of web CPUUtilization is not after"),
        "{e}"
    );
    // The public reader gives the same points ascending.
    let series =
        import::cloudwatch::read_metric_file(&Path::new(DATA).join("get-metric-data.json"))
            .unwrap();
    let running = series.iter().find(|s| s.id == "web_running").unwrap();
    assert_eq!(running.points.len(), 168);
    assert!(running.points.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(running.points[14].1, 4.0);
}

#[test]
fn requests_per_target_times_running_tasks_make_the_traffic() {
    let dir = TempDir::new("import-per-target");
    // Two minutes: per target 120 and 240 requests per 60 s (2 and 4 rps) with 3 then 5
    // running tasks → 2 × 3 = 6 and 4 × 5 = 20 rps.
    dir.write(
        "m.json",
        r#"{"MetricDataResults": [
            {"Id": "rpt", "Label": "web RequestCountPerTarget", "Timestamps": ["2026-01-05T00:01:00Z", "2026-01-05T00:00:00Z"], "Values": [240, 120]},
            {"Id": "run", "Label": "web RunningTaskCount", "Timestamps": ["2026-01-05T00:01:00Z", "2026-01-05T00:00:00Z"], "Values": [5, 3]}]}"#,
    );
    let mut all = files(&["services.json"]);
    all.push(dir.path().join("m.json"));
    let i = import::import(&all, &[]).unwrap();
    let csv = &i
        .files
        .iter()
        .find(|f| f.0 == "web-requests.csv")
        .unwrap()
        .1;
    assert_eq!(csv, "offset_seconds,rps\n0,6\n60,20\n");
}

#[test]
fn a_file_of_unknown_shape_is_refused_with_exit_2() {
    let dir = TempDir::new("import-unknown");
    dir.write("x.json", r#"{"Reservations": []}"#);
    dir.write("bad.json", "{\"clusters\": [");
    let r = Run::of(
        dir.path(),
        &["import", "x.json", "bad.json", "--out", "s.json"],
    );
    r.refused(&[
        "error: x.json: not a shape ecsim import reads: expected AWS CLI JSON output with a top-level `clusters`…",
        "error: bad.json:1:14: not JSON as the AWS CLI prints it (EOF while parsing a list): save the command's output with `--output json`",
    ]);
    assert!(!dir.path().join("s.json").exists());
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let dir = TempDir::new("import-force");
    dir.write("s.json", "mine");
    let f = Path::new(DATA).join("terraform-show.json");
    let f = f.to_str().unwrap();
    let r = Run::of(dir.path(), &["import", f, "--out", "s.json"]);
    r.refused(&[
        "error: s.json: --out: exists already: give --force to replace it, or choose another --out",
    ]);
    assert_eq!(read(&dir.path().join("s.json")), "mine");
    std::fs::create_dir_all(dir.path().join("folder")).unwrap();
    Run::of(dir.path(), &["import", f, "--out", "folder", "--force"]).refused(&[
        "error: folder: --out: is a folder: give the scenario's file name, e.g. --out DIR/scenario.json",
    ]);
    ok(&crate::support::ecsim_in(
        dir.path(),
        &["import", f, "--out", "s.json", "--force", "-q"],
    ));
    assert!(read(&dir.path().join("s.json")).contains("\"gateway\""));
}

#[test]
fn instance_types_are_copied_and_the_scenario_validates() {
    let (sc, _, a) = imported(&["instance-types.json", "terraform-show.json"], &[]);
    // t2.micro copied as AWS printed it (1 vCPU, 1024 MiB).
    assert_eq!(sc["instanceTypes"][0]["InstanceType"], "t2.micro");
    assert_eq!(sc["instanceTypes"][0]["VCpuInfo"]["DefaultVCpus"], 1);
    assert!(a.contains(&Assumption::InstanceTypesCopied { count: 1 }));
    let dir = TempDir::new("import-instance-types");
    write_and_load(dir.path(), &["instance-types.json", "terraform-show.json"]);
}

#[test]
fn a_task_definition_named_by_family_and_revision_joins_too() {
    let dir = TempDir::new("import-family-revision");
    // Terraform and older CLI output may name `web:7` rather than the ARN: family web,
    // revision 7 of taskdef-web.json (its container reserves 768 MiB). `web` alone takes the
    // family's highest revision given (7 again).
    for (case, td) in [("rev", "web:7"), ("family", "web")] {
        let name = format!("s-{case}.json");
        dir.write(
            &name,
            format!(
                r#"{{"services": [{{"serviceName": "web", "desiredCount": 1, "launchType": "EC2",
                    "taskDefinition": "{td}"}}]}}"#
            ),
        );
        let mut all = files(&["taskdef-web.json"]);
        all.push(dir.path().join(&name));
        let i = import::import(&all, &[]).unwrap();
        let sc: Value = serde_json::from_str(&i.scenario).unwrap();
        assert_eq!(
            service(&sc, "web")["taskDefinition"]["containerDefinitions"][0]["memoryReservation"],
            768,
            "{td}"
        );
        assert!(
            !i.assumptions
                .iter()
                .any(|x| matches!(x, Assumption::TaskDefinitionMissing { .. })),
            "{td}: {:?}",
            i.assumptions
        );
    }
}

#[test]
fn a_label_may_name_the_target_group_or_the_queue() {
    let dir = TempDir::new("import-aliases");
    // web is behind target group web-tg (its targetGroupArn); worker drains `orders` (the
    // QueueName of the alarm acting on its step policy). Neither label names a service.
    dir.write(
        "m.json",
        r#"{"MetricDataResults": [
            {"Id": "a", "Label": "web-tg RequestCount", "Timestamps": ["2026-01-05T00:01:00Z", "2026-01-05T00:00:00Z"], "Values": [60, 60]},
            {"Id": "b", "Label": "orders NumberOfMessagesSent", "Timestamps": ["2026-01-05T00:01:00Z", "2026-01-05T00:00:00Z"], "Values": [120, 120]}]}"#,
    );
    let mut all = files(&["services.json", "scaling-policies.json", "alarms.json"]);
    all.push(dir.path().join("m.json"));
    let i = import::import(&all, &[]).unwrap();
    for (id, service) in [("a", "web"), ("b", "worker")] {
        assert!(
            i.assumptions.contains(&Assumption::MetricMatched {
                id: id.into(),
                service: service.into(),
                how: "its label"
            }),
            "{:?}",
            i.assumptions
        );
    }
    // 120 messages per 60 s → 2 per second.
    let csv = &i
        .files
        .iter()
        .find(|f| f.0 == "worker-messages.csv")
        .unwrap()
        .1;
    assert_eq!(csv, "offset_seconds,rps\n0,2\n60,2\n");
}

#[test]
fn a_count_is_read_from_its_sum_and_other_statistics_are_set_aside() {
    let dir = TempDir::new("import-statistic");
    // Average first in the file's order of statistics would give 10 / 60; the Sum 600 / 60 s
    // = 10 rps is the one read. The Average series is set aside, saying which it is.
    dir.write(
        "stats.json",
        r#"{"Label": "RequestCount", "Datapoints": [
            {"Timestamp": "2026-01-05T00:01:00Z", "Sum": 600.0, "Average": 10.0, "Unit": "Count"},
            {"Timestamp": "2026-01-05T00:00:00Z", "Sum": 600.0, "Average": 10.0, "Unit": "Count"}]}"#,
    );
    dir.write(
        "avg.json",
        r#"{"Label": "RequestCount", "Datapoints": [
            {"Timestamp": "2026-01-05T00:00:00Z", "Average": 12.0},
            {"Timestamp": "2026-01-05T00:01:00Z", "Average": 12.0}]}"#,
    );
    let mut all = files(&["services.json"]);
    all.push(dir.path().join("stats.json"));
    let i = import::import(&all, &[("RequestCount".into(), "web".into())]).unwrap();
    let csv = &i
        .files
        .iter()
        .find(|f| f.0 == "web-requests.csv")
        .unwrap()
        .1;
    assert_eq!(csv, "offset_seconds,rps\n0,10\n60,10\n");
    assert!(i.assumptions.iter().any(|x| matches!(x,
        Assumption::MetricUnmatched { why, .. } if why.ends_with("(this one is its Average)"))));
    // Only an Average given: it is used, and said so (12 / 60 s = 0.2 rps).
    let mut all = files(&["services.json"]);
    all.push(dir.path().join("avg.json"));
    let i = import::import(&all, &[("RequestCount".into(), "web".into())]).unwrap();
    let csv = &i
        .files
        .iter()
        .find(|f| f.0 == "web-requests.csv")
        .unwrap()
        .1;
    assert_eq!(csv, "offset_seconds,rps\n0,0.2\n60,0.2\n");
    assert!(i.assumptions.contains(&Assumption::StatisticUsed {
        id: "RequestCount".into(),
        statistic: "Average".into(),
        wanted: "Sum"
    }));
}

#[test]
fn a_daemon_service_is_imported_as_ecs_takes_one() {
    let dir = TempDir::new("import-daemon");
    // A log agent on every instance: describe-services prints its desiredCount (the instances
    // it runs on) and the cluster has a default strategy (shop-ec2), which AWS does not apply
    // to a daemon. With a CPU metric of its own (recorded, not load) it must still validate:
    // launch type EC2, no strategy, no count.
    dir.write(
        "daemon.json",
        r#"{"services": [{"serviceName": "log-agent", "desiredCount": 2, "schedulingStrategy": "DAEMON",
            "clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/shop",
            "taskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7",
            "placementStrategy": [{"type": "spread", "field": "instanceId"}]}]}"#,
    );
    let mut names: Vec<PathBuf> = files(&[
        "clusters.json",
        "taskdef-web.json",
        "capacity-providers.json",
        "auto-scaling-groups.json",
    ]);
    names.push(dir.path().join("daemon.json"));
    let i = import::import(&names, &[]).unwrap();
    let sc: Value = serde_json::from_str(&i.scenario).unwrap();
    let d = service(&sc, "log-agent");
    assert_eq!(d["launchType"], "EC2");
    assert!(d.get("placementStrategy").is_none() && d.get("desiredCount").is_none());
    assert!(i.assumptions.iter().any(|x| matches!(x,
        Assumption::SetAside { owner, what } if owner == "service log-agent" && what.contains("placementStrategy"))));
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    for (n, text) in &i.files {
        std::fs::write(out.join(n), text).unwrap();
    }
    ecsim::scenario::load_str(&i.scenario, "s.json", Some(&out), &[]).expect("validates");
}

#[test]
fn the_scenario_is_one_cluster_and_its_own_providers() {
    let dir = TempDir::new("import-clusters");
    // A second cluster `batch` with a service of its own, and an account-wide
    // describe-capacity-providers listing `batch-ec2` too: the scenario is shop (the first),
    // with shop's providers only (shop-ec2, FARGATE, FARGATE_SPOT) and shop's two services.
    dir.write(
        "more.json",
        r#"{"clusters": [{"clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/batch", "clusterName": "batch",
              "capacityProviders": ["batch-ec2"], "defaultCapacityProviderStrategy": []}],
            "failures": []}"#,
    );
    dir.write(
        "more-services.json",
        r#"{"services": [{"serviceName": "nightly", "clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/batch",
              "taskDefinition": "nightly:1", "desiredCount": 1}]}"#,
    );
    dir.write(
        "more-providers.json",
        r#"{"capacityProviders": [{"name": "batch-ec2", "autoScalingGroupProvider": {"autoScalingGroupArn": "batch-asg"}}]}"#,
    );
    let mut all = files(&ACCOUNT);
    for f in ["more.json", "more-services.json", "more-providers.json"] {
        all.push(dir.path().join(f));
    }
    let i = import::import(&all, &[]).unwrap();
    let sc: Value = serde_json::from_str(&i.scenario).unwrap();
    let providers: Vec<&str> = sc["capacityProviders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(providers, ["shop-ec2", "FARGATE", "FARGATE_SPOT"]);
    assert_eq!(sc["services"].as_array().unwrap().len(), 2);
    assert!(i.assumptions.iter().any(|x| matches!(x,
        Assumption::SetAside { owner, what } if owner == "clusters" && what.contains("the other clusters left out, with 1 of their services"))));
}

#[test]
fn every_file_at_once_still_makes_a_scenario_that_validates() {
    // tests/data/aws holds three setups (the CLI account in eu-west-1, terraform's in
    // us-west-2, CloudFormation's in ap-southeast-2); given together, in the order a shell's
    // `*.json` lists them, cloudformation.json comes before clusters.json, so its cluster
    // `reports` (its name a Ref to the parameter's Default) is the scenario, and its group's
    // ap-southeast-2 zones choose the region over the other files' ARNs.
    let mut names: Vec<String> = std::fs::read_dir(DATA)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && n != "instance-types.json")
        .collect();
    names.sort();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let (sc, _, a) = imported(&names, &[]);
    assert_eq!(sc["name"], "imported-reports");
    assert_eq!(sc["region"], "ap-southeast-2");
    assert!(a.iter().any(
        |x| matches!(x, Assumption::RegionsDiffer { chosen, .. } if chosen == "ap-southeast-2")
    ));
    let dir = TempDir::new("import-everything");
    write_and_load(dir.path(), &names);
}

#[test]
fn a_metric_math_alarm_keeps_only_what_the_scenario_takes() {
    let dir = TempDir::new("import-math-alarm");
    // describe-alarms prints each query's AccountId (and more) beside Id, MetricStat,
    // Expression and ReturnData; the scenario takes the rest only.
    dir.write(
        "math.json",
        r#"{"MetricAlarms": [{"AlarmName": "backlog-math", "AlarmArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:backlog-math",
            "AlarmActions": ["arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:ac542982-cbeb-4294-891c-a5a941dfa787:resource/ecs/service/shop/worker:policyName/worker-backlog-out"],
            "StateValue": "OK", "EvaluationPeriods": 2, "Threshold": 10.0, "ComparisonOperator": "GreaterThanThreshold",
            "Metrics": [
              {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
                 "Dimensions": [{"Name": "QueueName", "Value": "orders"}]}, "Period": 60, "Stat": "Average"},
               "ReturnData": false, "AccountId": "123456789012"},
              {"Id": "e1", "Expression": "m1 / 10", "Label": "backlog per 10", "ReturnData": true}]}]}"#,
    );
    dir.write(
        "sent.json",
        r#"{"MetricDataResults": [{"Id": "s", "Label": "worker NumberOfMessagesSent",
            "Timestamps": ["2026-01-05T00:01:00Z", "2026-01-05T00:00:00Z"], "Values": [60, 60]}]}"#,
    );
    let mut all = files(&[
        "clusters.json",
        "services.json",
        "taskdef-web.json",
        "taskdef-worker.json",
        "capacity-providers.json",
        "auto-scaling-groups.json",
        "scalable-targets.json",
        "scaling-policies.json",
    ]);
    all.push(dir.path().join("math.json"));
    all.push(dir.path().join("sent.json"));
    let i = import::import(&all, &[]).unwrap();
    let sc: Value = serde_json::from_str(&i.scenario).unwrap();
    let alarm = &service(&sc, "worker")["autoScaling"]["policies"][0]["Alarm"];
    assert_eq!(alarm["AlarmName"], "backlog-math");
    assert!(alarm["Metrics"][0].get("AccountId").is_none());
    assert_eq!(alarm["Metrics"][1]["Expression"], "m1 / 10");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    for (n, text) in &i.files {
        std::fs::write(out.join(n), text).unwrap();
    }
    ecsim::scenario::load_str(&i.scenario, "s.json", Some(&out), &[]).expect("validates");
}
