//! The model's rules under random scenarios (issue 8 item 2).
//!
//! proptest draws scenarios within valid ranges — an optional EC2 Auto Scaling group (on demand
//! or Spot, managed scaling and draining or not), FARGATE and FARGATE_SPOT, one to four services
//! with random sizes, capacity provider strategies, placement strategies and constraints,
//! traffic, target tracking and scheduled actions, deployments that may fail, and faults (Spot
//! interruptions, a zone outage, instance failures, task crashes, a Spot capacity gap), a queue
//! worker with step scaling and a batch job stream — runs each minute by minute
//! and checks every rule of [`ecsim::model::invariants`] after every minute (the world also
//! panics on a broken rule by itself: `enable_checks`, always on in debug builds), plus the
//! clock and the end-of-run identities.
//!
//! The generator only builds scenarios the loader accepts; a refused one is a test failure
//! (it shows the generator and the validator disagree). `PROPTEST_CASES` sets how many scenarios
//! (default 48); `PROPTEST_RNG_SEED` replays a run.

use ecsim::model::world::World;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Fargate (CPU, memory) pairs, all valid.
const FARGATE_SIZES: [(u32, u32); 4] = [(256, 512), (512, 1024), (1024, 2048), (2048, 4096)];
/// EC2 (CPU, memory) sizes: all fit an m5.large (2,048 units, 7,5xx MiB registered).
const EC2_SIZES: [(u32, u32); 4] = [(128, 256), (256, 1024), (512, 2048), (1024, 3072)];
const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

#[derive(Debug, Clone)]
struct Group {
    spot: bool,
    min: u32,
    extra: u32,
    desired_extra: u32,
    managed: bool,
    target: u32,
    draining: bool,
    interruptions: bool,
    failures: bool,
}

#[derive(Debug, Clone)]
struct Svc {
    /// 0: EC2 group, 1: FARGATE, 2: FARGATE + FARGATE_SPOT, 3: FARGATE_SPOT.
    capacity: u8,
    size: usize,
    desired: u32,
    /// 0 binpack(memory), 1 spread(zone) + binpack(cpu), 2 random, 3 spread(instanceId).
    strategy: u8,
    distinct: bool,
    member_of_zone: Option<usize>,
    rps: Option<(u32, u32)>,
    scaling: Option<(u32, u32, u32, bool)>,
    scheduled_min: Option<u32>,
    deployment: Option<(u32, u8)>,
    crashes: bool,
}

#[derive(Debug, Clone)]
struct Gen {
    seed: u64,
    zones: usize,
    hours: u32,
    group: Option<Group>,
    services: Vec<Svc>,
    fargate_spot_rate: bool,
    outage: Option<(usize, u32)>,
    /// A queue worker scaling by steps on the queue depth: (arrivals per second, on EC2).
    worker: Option<(u32, bool)>,
    /// A batch job stream: (jobs per hour, on FARGATE_SPOT rather than the group, retry).
    jobs: Option<(u32, bool, bool)>,
    /// A FARGATE_SPOT capacity gap starting at this minute, 20 minutes long.
    spot_gap: Option<u32>,
}

fn group() -> impl Strategy<Value = Group> {
    (
        any::<bool>(),
        0u32..3,
        0u32..6,
        0u32..4,
        any::<bool>(),
        50u32..=100,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                spot,
                min,
                extra,
                desired_extra,
                managed,
                target,
                draining,
                interruptions,
                failures,
            )| {
                Group {
                    spot,
                    min,
                    extra,
                    desired_extra,
                    managed,
                    target,
                    draining,
                    interruptions,
                    failures,
                }
            },
        )
}

fn svc() -> impl Strategy<Value = Svc> {
    (
        (0u8..4, 0usize..4, 0u32..7, 0u8..4, any::<bool>()),
        (
            proptest::option::of(0usize..3),
            proptest::option::of((50u32..400, 0u32..600)),
            proptest::option::of((0u32..3, 1u32..10, 30u32..80, any::<bool>())),
            proptest::option::of(0u32..5),
            proptest::option::of((10u32..170, 0u8..3)),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (capacity, size, desired, strategy, distinct),
                (member_of_zone, rps, scaling, scheduled_min, deployment, crashes),
            )| Svc {
                capacity,
                size,
                desired,
                strategy,
                distinct,
                member_of_zone,
                rps,
                scaling,
                scheduled_min,
                deployment,
                crashes,
            },
        )
}

fn gen_strategy() -> impl Strategy<Value = Gen> {
    (
        any::<u64>(),
        1usize..=3,
        1u32..=3,
        proptest::option::of(group()),
        proptest::collection::vec(svc(), 1..=4),
        any::<bool>(),
        proptest::option::of((0usize..3, 10u32..90)),
        (
            proptest::option::of((1u32..40, any::<bool>())),
            proptest::option::of((10u32..200, any::<bool>(), any::<bool>())),
            proptest::option::of(5u32..90),
        ),
    )
        .prop_map(
            |(
                seed,
                zones,
                hours,
                group,
                services,
                fargate_spot_rate,
                outage,
                (worker, jobs, spot_gap),
            )| Gen {
                seed,
                zones,
                hours,
                group,
                services,
                fargate_spot_rate,
                outage,
                worker,
                jobs,
                spot_gap,
            },
        )
}

/// The scenario a draw describes: valid by construction.
fn scenario(g: &Gen) -> Value {
    let zones: Vec<&str> = ZONES[..g.zones].to_vec();
    let mut providers = vec![json!({"name": "FARGATE"}), json!({"name": "FARGATE_SPOT"})];
    let mut faults = Vec::new();
    if let Some(gr) = &g.group {
        let mut p = json!({"name": "asg", "autoScalingGroupProvider": {
            "autoScalingGroup": {
                "instanceTypes": ["m5.large"],
                "purchaseOption": if gr.spot { "spot" } else { "on-demand" },
                "minSize": gr.min,
                "maxSize": gr.min + gr.extra + 1,
                "desiredCapacity": gr.min + gr.desired_extra.min(gr.extra + 1),
            },
            "managedTerminationProtection": if gr.managed { "ENABLED" } else { "DISABLED" },
            "managedDraining": if gr.draining { "ENABLED" } else { "DISABLED" },
        }});
        if gr.managed {
            p["autoScalingGroupProvider"]["managedScaling"] =
                json!({"status": "ENABLED", "targetCapacity": gr.target});
        }
        providers.push(p);
        if gr.spot && gr.interruptions {
            faults.push(json!({"type": "spotInterruptions", "name": "ec2spot",
                "capacityProvider": "asg", "perInstanceHour": 0.3}));
        }
        if gr.failures {
            faults.push(json!({"type": "instanceFailures", "name": "fail",
                "capacityProvider": "asg", "perInstanceHour": 0.2}));
        }
    }
    if g.fargate_spot_rate {
        faults.push(json!({"type": "spotInterruptions", "name": "fspot",
            "capacityProvider": "FARGATE_SPOT", "perTaskHour": 0.5}));
    }
    if let Some((z, at)) = g.outage {
        faults.push(
            json!({"type": "zoneOutage", "name": "outage", "zone": ZONES[z % g.zones],
            "at": format!("{at}m"), "duration": "20m"}),
        );
    }
    let mut services = Vec::new();
    for (n, s) in g.services.iter().enumerate() {
        let name = format!("s{n}");
        // Without a group every service runs on Fargate.
        let capacity = if g.group.is_none() && s.capacity == 0 {
            1
        } else {
            s.capacity
        };
        let ec2 = capacity == 0;
        let (cpu, memory) = if ec2 {
            EC2_SIZES[s.size]
        } else {
            FARGATE_SIZES[s.size]
        };
        let strategy = match capacity {
            0 => json!([{"capacityProvider": "asg", "weight": 1}]),
            1 => json!([{"capacityProvider": "FARGATE", "weight": 1}]),
            2 => json!([{"capacityProvider": "FARGATE", "base": 1, "weight": 1},
                        {"capacityProvider": "FARGATE_SPOT", "weight": 2}]),
            _ => json!([{"capacityProvider": "FARGATE_SPOT", "weight": 1}]),
        };
        let mut v = json!({
            "serviceName": name,
            "taskDefinition": {"family": name, "cpu": cpu.to_string(),
                               "memory": memory.to_string()},
            "desiredCount": s.desired,
            "capacityProviderStrategy": strategy,
        });
        if ec2 {
            v["placementStrategy"] = match s.strategy {
                0 => json!([{"type": "binpack", "field": "memory"}]),
                1 => json!([{"type": "spread", "field": "attribute:ecs.availability-zone"},
                            {"type": "binpack", "field": "cpu"}]),
                2 => json!([{"type": "random"}]),
                _ => json!([{"type": "spread", "field": "instanceId"}]),
            };
            let mut constraints = Vec::new();
            if s.distinct {
                constraints.push(json!({"type": "distinctInstance"}));
            }
            if let Some(z) = s.member_of_zone {
                constraints.push(json!({"type": "memberOf", "expression":
                    format!("attribute:ecs.availability-zone != {}", ZONES[z % g.zones])}));
            }
            if !constraints.is_empty() {
                v["placementConstraints"] = json!(constraints);
            }
        }
        if let Some((rps, bump)) = s.rps {
            v["loadBalancer"] = json!({});
            v["load"] = json!({
                "traffic": {"pattern": "sum", "noise": 0.05, "of": [
                    {"pattern": "constant", "rps": rps},
                    {"pattern": "spike", "base": 0, "peak": bump, "at": "40m", "over": "30m"}]},
                "perTask": {"maxRps": 100, "cpuAtMaxRps": 80, "idleCpu": 5}
            });
        }
        if let Some((min, span, target, requests)) = s.scaling {
            let metric = if requests && s.rps.is_some() {
                json!({"PredefinedMetricType": "ALBRequestCountPerTarget"})
            } else {
                json!({"PredefinedMetricType": "ECSServiceAverageCPUUtilization"})
            };
            let value = if requests && s.rps.is_some() {
                f64::from(target) * 60.0
            } else {
                f64::from(target)
            };
            // A policy needs a metric, so a service without load gets only the scalable
            // target (and its scheduled action).
            let policies = if s.rps.is_some() {
                json!([{"PolicyName": "tt", "PolicyType": "TargetTrackingScaling",
                  "TargetTrackingScalingPolicyConfiguration": {
                    "TargetValue": value, "PredefinedMetricSpecification": metric,
                    "ScaleOutCooldown": 60, "ScaleInCooldown": 120}}])
            } else {
                json!([])
            };
            let mut a = json!({
                "MinCapacity": min, "MaxCapacity": min + span, "policies": policies
            });
            if let Some(m) = s.scheduled_min {
                a["scheduledActions"] = json!([{"ScheduledActionName": "floor",
                    "Schedule": "rate(45 minutes)",
                    "ScalableTargetAction": {"MinCapacity": m.min(min + span)}}]);
            }
            v["autoScaling"] = a;
        }
        if let Some((at, fail)) = s.deployment {
            v["deployments"] = json!([{"at": format!("{at}m"),
                "failureProbability": f64::from(fail) * 0.3}]);
            v["deploymentConfiguration"] = json!({"maximumPercent": 200,
                "minimumHealthyPercent": 50,
                "deploymentCircuitBreaker": {"enable": true, "rollback": true}});
        }
        if s.crashes {
            faults.push(json!({"type": "taskCrashes", "name": format!("crash{n}"),
                "service": name, "perTaskHour": 0.5}));
        }
        services.push(v);
    }
    if let Some((rate, ec2)) = g.worker {
        let on_group = ec2 && g.group.is_some();
        let (cpu, memory) = if on_group { (256, 1024) } else { (256, 512) };
        let provider = if on_group { "asg" } else { "FARGATE" };
        services.push(json!({
            "serviceName": "worker",
            "taskDefinition": {"family": "worker", "cpu": cpu.to_string(),
                               "memory": memory.to_string()},
            "desiredCount": 1,
            "capacityProviderStrategy": [{"capacityProvider": provider, "weight": 1}],
            "load": {"queue": {"arrivals": {"pattern": "spike", "base": rate, "peak": rate * 4,
                                            "at": "30m", "over": "40m"},
                               "perTaskMessagesPerSecond": 5, "arrivalProcess": "poisson"}},
            "autoScaling": {"MinCapacity": 1, "MaxCapacity": 12, "policies": [{
                "PolicyName": "depth", "PolicyType": "StepScaling",
                "StepScalingPolicyConfiguration": {
                    "AdjustmentType": "ChangeInCapacity", "Cooldown": 120,
                    "StepAdjustments": [
                        {"MetricIntervalUpperBound": 0, "ScalingAdjustment": -1},
                        {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 500,
                         "ScalingAdjustment": 1},
                        {"MetricIntervalLowerBound": 500, "ScalingAdjustment": 3}]},
                "Alarm": {"Namespace": "AWS/SQS",
                          "MetricName": "ApproximateNumberOfMessagesVisible",
                          "Dimensions": [{"Name": "QueueName", "Value": "worker"}],
                          "Period": 60, "EvaluationPeriods": 2, "Threshold": 200,
                          "ComparisonOperator": "GreaterThanThreshold"}}]}
        }));
    }
    let mut batch = Vec::new();
    if let Some((per_hour, spot, retry)) = g.jobs {
        let on_group = !spot && g.group.is_some();
        let provider = if on_group { "asg" } else { "FARGATE_SPOT" };
        batch.push(json!({
            "name": "etl",
            "taskDefinition": {"family": "etl", "cpu": "512", "memory": "1024"},
            "arrivals": {"process": "poisson", "perHour": per_hour},
            "runtime": {"distribution": "lognormal", "median": "4m", "p95": "15m"},
            "capacityProviderStrategy": [{"capacityProvider": provider, "weight": 1}],
            "onInterruption": if retry { "retry" } else { "lose" },
        }));
    }
    if let Some(at) = g.spot_gap {
        faults.push(json!({"type": "spotCapacityUnavailable", "name": "gap",
            "capacityProvider": "FARGATE_SPOT", "at": format!("{at}m"), "duration": "20m"}));
    }
    json!({
        "name": "random",
        "seed": g.seed,
        "duration": format!("{}h", g.hours),
        "availabilityZones": zones,
        "capacityProviders": providers,
        "services": services,
        "batchJobs": batch,
        "faults": faults,
    })
}

/// 48 cases from a fixed seed, so that CI is reproducible; `PROPTEST_CASES` and
/// `PROPTEST_RNG_SEED` (any number) explore further.
fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 48;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = proptest::test_runner::RngSeed::Fixed(20_261_126);
    }
    c
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_scenarios_keep_the_models_rules(g in gen_strategy()) {
        let doc = scenario(&g);
        let text = serde_json::to_string_pretty(&doc).expect("json");
        let sc = match ecsim::scenario::load_str(&text, "random.json", None, &[]) {
            Ok(sc) => sc,
            Err(e) => panic!("the generator built a scenario the loader refuses:\n{e}\n{text}"),
        };
        let duration = sc.duration;
        let mut w = World::new(sc, false);
        w.enable_checks();
        let mut last = 0;
        let mut minute = 0u64;
        loop {
            minute += 1;
            let going = w.run_until(minute * 60_000);
            let now = w.queue.now();
            prop_assert!(now >= last, "the clock ran backwards: {last} → {now}");
            last = now;
            let bad = w.check_invariants();
            prop_assert!(bad.is_empty(), "minute {minute}: {bad:?}\n{text}");
            if !going {
                break;
            }
        }
        // The run ended at its duration, and nothing was created or stopped from nowhere.
        prop_assert_eq!(w.queue.now(), duration);
        let live = w.tasks.iter().filter(|t| t.live).count() as u64;
        prop_assert_eq!(w.tasks_created(), live + w.tasks_stopped());
    }
}

/// Inputs the fuzz targets found (`tests/data/fuzz/`), each run as the `scenario` target runs
/// it (fuzz/fuzz_targets/scenario.rs): the scenario's text, and after a NUL byte a trace.csv
/// written beside it; loaded, run with the model's rules checked, written with its charts, and
/// explained.
#[test]
fn inputs_the_fuzzers_found_run_clean() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/data/fuzz")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.contains(&"audit-started-late.json".to_string()));
    let work = crate::support::out_dir("fuzz-inputs");
    for name in &names {
        let data = std::fs::read(dir.join(name)).expect("the input");
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).unwrap();
        let scenario = match data.iter().position(|&b| b == 0) {
            Some(i) => {
                std::fs::write(work.join("trace.csv"), &data[i + 1..]).unwrap();
                &data[..i]
            }
            None => &data[..],
        };
        let Ok(text) = std::str::from_utf8(scenario) else {
            continue;
        };
        let Ok(sc) = ecsim::scenario::load_str(text, name, Some(&work), &[]) else {
            continue; // an input that is refused cleanly has done its job
        };
        let out_path = work.join("out");
        let out = ecsim::outdir::OutDir::open(&out_path).expect("a folder");
        let options = ecsim::RunOptions {
            out_dir: Some(out_path.clone()),
            charts: true,
            check: true,
            ..Default::default()
        };
        let mut report = ecsim::run(sc, &options).expect("it runs");
        ecsim::report::write_all(&out, &mut report).expect("it is written");
        drop(out);
        let told = ecsim::explain::explain(
            &out_path,
            &ecsim::explain::Options {
                service: None,
                at: None,
                limit: 20,
            },
        );
        assert!(told.is_ok(), "{name}: {:?}", told.err());
        if name == "audit-started-late.json" {
            // 20 m5.large registered at time 0 and no service. The audit started after they
            // registered ignored them: at the first minute the meters billed 20 × 0.096 / 60 =
            // 0.032 USD and the intervals 0. Now it agrees; the hour costs 20 × 0.096 = 1.92.
            assert!(
                (report.cost.total_usd - 1.92).abs() < 1e-9,
                "{}",
                report.cost.total_usd
            );
        }
    }
    let _ = std::fs::remove_dir_all(&work);
}
