//! `ecsim compare`: the table's confidence intervals, determinism across thread counts, the
//! files written, bad input, common random numbers, and the two bundled lessons
//! (`placement-strategies`, `batch-savings`).

use crate::support::{ecsim, ok, out_dir};

use ecsim::scenario::source::Source;
use ecsim::sweep::compare::{self, CompareOptions as Options};
use ecsim::sweep::grid::{Axis, Grid};
use ecsim::sweep::run::run_point;
use serde_json::{Value, json};

const PLACEMENTS: &str = r#"services.app.placementStrategy=[[{"type":"binpack","field":"memory"}],[{"type":"spread","field":"instanceId"}],[{"type":"random"}]]"#;

#[test]
fn table_interval_is_the_student_t_interval_of_the_per_seed_values() {
    let d = out_dir("ci");
    let o = ecsim(&[
        "compare",
        "placement-strategies",
        "--vary",
        PLACEMENTS,
        "--seeds",
        "3",
        "--duration",
        "12h",
        "--no-charts",
        "--out",
        d.to_str().unwrap(),
    ]);
    ok(&o);
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("comparison.json")).unwrap()).unwrap();
    assert_eq!(j["schema"], "ecsim.comparison/1");
    assert_eq!(j["seeds"], json!([7, 8, 9]));
    // Variant B's cost, by hand from its three per-seed values: mean = Σx / 3, sample sd =
    // √(Σ(x − mean)² / 2), half-width = t(0.975, 2) × sd / √3 with t(0.975, 2) = 4.302653
    // (any t table: 4.303).
    let cost = &j["variants"][1]["metrics"]["cost_usd"];
    let x: Vec<f64> = cost["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(x.len(), 3);
    let mean = x.iter().sum::<f64>() / 3.0;
    let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
    let hw = 4.302653 * sd / 3f64.sqrt();
    assert!(sd > 0.0, "the seeds differ, so the interval is not empty");
    assert!((cost["mean"].as_f64().unwrap() - mean).abs() < 1e-9);
    assert!((cost["sd"].as_f64().unwrap() - sd).abs() < 1e-9);
    assert!((cost["half_width"].as_f64().unwrap() - hw).abs() < 1e-5);
    assert_eq!(cost["n"], 3);
    // The printed table shows the same interval: "$M ± H", two decimals from $1 up.
    let stdout = String::from_utf8_lossy(&o.stdout);
    let row = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("cost "))
        .expect("a cost row");
    let want = if mean >= 1.0 {
        format!("${mean:.2} ± {hw:.2}")
    } else {
        format!("${mean:.4} ± {hw:.4}")
    };
    assert!(row.contains(&want), "{row:?} should contain {want:?}");
    // The CSV's interval is mean ∓ the half-width.
    let csv = std::fs::read_to_string(d.join("comparison.csv")).unwrap();
    let line = csv
        .lines()
        .find(|l| l.starts_with("1,") && l.contains(",cost_usd,"))
        .expect("variant 1's cost row");
    let cells: Vec<&str> = line.rsplitn(5, ',').collect(); // ci_high, ci_low, sd, mean, rest
    let lo: f64 = cells[1].parse().unwrap();
    let hi: f64 = cells[0].parse().unwrap();
    assert!((lo - (mean - hw)).abs() < 1e-5 && (hi - (mean + hw)).abs() < 1e-5);
}

#[test]
fn outputs_are_the_same_whatever_the_thread_count() {
    let run = |jobs: &str| {
        let d = out_dir(&format!("compare-jobs{jobs}"));
        ok(&ecsim(&[
            "compare",
            "placement-strategies",
            "--vary",
            PLACEMENTS,
            "--seeds",
            "2",
            "--duration",
            "2h",
            "--jobs",
            jobs,
            "-q",
            "--out",
            d.to_str().unwrap(),
        ]));
        d
    };
    let (a, b) = (run("1"), run("2"));
    for f in [
        "comparison.json",
        "comparison.csv",
        "comparison.html",
        "compare-tasks.png",
        "compare-tasks.svg",
        "compare-instances.png",
        "compare-instances.svg",
        "compare-cost.png",
        "compare-cost.svg",
    ] {
        let x = std::fs::read(a.join(f)).unwrap_or_else(|_| panic!("{f} written"));
        let y = std::fs::read(b.join(f)).unwrap_or_else(|_| panic!("{f} written"));
        assert!(!x.is_empty(), "{f} is empty");
        assert!(x == y, "{f} differs between --jobs 1 and --jobs 2");
    }
    // Nothing half-written is left behind (the lock and the manifest stay by design).
    let stray: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .filter(|e| {
            e.file_name() != ecsim::outdir::LOCK && e.file_name() != ecsim::outdir::MANIFEST
        })
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
    let html = std::fs::read_to_string(a.join("comparison.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("binpack(memory)"));
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
}

#[test]
fn bad_input_exits_2_before_running() {
    let d = out_dir("compare-bad");
    let cases: [(&[&str], &str); 4] = [
        (
            &["compare", "no-such-scenario", "quickstart"],
            "no-such-scenario",
        ),
        (
            &[
                "compare",
                "placement-strategies",
                "--vary",
                "services.nosuch.desiredCount=1,2",
            ],
            "services.nosuch",
        ),
        (
            &[
                "compare",
                "placement-strategies",
                "--vary",
                "services.app.desiredCount=[1,",
            ],
            "not a JSON array",
        ),
        (&["compare", "placement-strategies"], "nothing to compare"),
    ];
    for (args, says) in cases {
        let mut args = args.to_vec();
        args.extend(["--out", d.to_str().unwrap()]);
        let o = ecsim(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!d.exists(), "{args:?} created the output folder");
    }
}

/// A fixed EC2 Spot group (four m5.large, no managed scaling) with instance interruptions, a
/// service with noisy traffic, and FARGATE / FARGATE_SPOT for a second service.
const CRN: &str = r#"{
  "name": "crn",
  "seed": 5,
  "duration": "6h",
  "capacityProviders": [
    { "name": "FARGATE" }, { "name": "FARGATE_SPOT" },
    { "name": "spot", "autoScalingGroupProvider": { "autoScalingGroup": {
        "instanceTypes": ["m5.large"], "purchaseOption": "spot", "minSize": 4, "maxSize": 8, "desiredCapacity": 4 } } }
  ],
  "services": [
    { "serviceName": "web", "taskDefinition": { "family": "web", "cpu": "512", "memory": "1024" },
      "desiredCount": 6,
      "capacityProviderStrategy": [{ "capacityProvider": "spot", "weight": 1 }],
      "placementStrategy": [{ "type": "binpack", "field": "memory" }],
      "loadBalancer": {},
      "load": { "traffic": { "pattern": "diurnal", "minRps": 100, "maxRps": 900, "peakAt": "03:00", "noise": 0.1 },
                "perTask": { "maxRps": 200, "cpuAtMaxRps": 90 } } },
    { "serviceName": "edge", "taskDefinition": { "family": "edge", "cpu": "256", "memory": "512" },
      "desiredCount": 4,
      "capacityProviderStrategy": [{ "capacityProvider": "FARGATE", "base": 1, "weight": 1 },
                                   { "capacityProvider": "FARGATE_SPOT", "weight": 1 }],
      "loadBalancer": {},
      "load": { "traffic": { "pattern": "constant", "rps": 300, "noise": 0.2 },
                "perTask": { "maxRps": 150, "cpuAtMaxRps": 90 } } }
  ],
  "faults": [
    { "type": "spotInterruptions", "name": "ec2", "capacityProvider": "spot", "perInstanceHour": 0.3 },
    { "type": "spotInterruptions", "name": "fg", "capacityProvider": "FARGATE_SPOT", "perTaskHour": 0.3 }
  ]
}"#;

/// Runs every variant of `axis` over [`CRN`] (written into the folder `case`) with `seed`.
fn crn_runs(case: &str, axis: Axis, seed: u64) -> Vec<ecsim::report::Report> {
    let dir = out_dir(case);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("crn.json");
    std::fs::write(&file, CRN).unwrap();
    let f = file.to_str().unwrap().to_string();
    let sources = vec![Source::resolve(Some(&f)).unwrap()];
    let grid = Grid::new(vec![f], vec![axis], seed, 1).unwrap();
    (0..grid.variants.len())
        .map(|v| run_point(&sources, &grid, &[], v, seed, true).expect("runs"))
        .collect()
}

/// Per-minute offered requests per second of `service` (a 6-hour run keeps every minute).
fn offered(r: &ecsim::report::Report, service: &str) -> Vec<(f64, f32)> {
    let c = r.charts.as_ref().expect("charts recorded");
    let s = c.services.iter().find(|s| s.name == service).unwrap();
    s.offered.points().iter().map(|p| (p.t_s, p.mean)).collect()
}

fn spot_notices(r: &ecsim::report::Report, provider: &str) -> Vec<(String, String)> {
    r.activities
        .iter()
        .filter(|a| {
            a.kind == "spot-interruption" && a.capacity_provider.as_deref() == Some(provider)
        })
        .map(|a| (format!("{:.3}", a.time_s), a.cause.to_string()))
        .collect()
}

#[test]
fn common_random_numbers_placement_variants_see_the_same_traffic_and_interruptions() {
    // Offered load depends only on (scenario, seed, t) (noise by random access from the
    // service's own stream) and an EC2 Spot instance's interruption instant is drawn from the
    // fault's stream when the instance registers; a fixed group registers the same instances at
    // the same instants whatever the placement strategy, so binpack and spread must see
    // identical per-minute load and identical interruption notices — times and instances.
    let axis = Axis {
        path: "services.web.placementStrategy".into(),
        values: vec![
            json!([{"type": "binpack", "field": "memory"}]),
            json!([{"type": "spread", "field": "instanceId"}]),
        ],
    };
    let runs = crn_runs("crn-placement", axis.clone(), 5);
    let (a, b) = (&runs[0], &runs[1]);
    let load_a = offered(a, "web");
    assert_eq!(load_a.len(), 360, "one point a minute for 6 hours");
    assert_eq!(load_a, offered(b, "web"));
    assert_eq!(offered(a, "edge"), offered(b, "edge"));
    let notices = spot_notices(a, "spot");
    assert!(
        notices.len() >= 2,
        "4 instances × 6 h × 0.3 per hour ≈ 7 notices expected, got {notices:?}"
    );
    assert_eq!(notices, spot_notices(b, "spot"));
    // The variants do differ: binpack fills instances (four tasks of 512 CPU units fill an
    // m5.large's 2,048), spread puts the six tasks on all four instances, so their placements
    // (and so the tasks each notice displaces) are not the same.
    assert_ne!(
        a.activities.iter().map(|x| &x.cause).collect::<Vec<_>>(),
        b.activities.iter().map(|x| &x.cause).collect::<Vec<_>>()
    );
    // And the equality is not vacuous: another seed draws other traffic.
    let other = crn_runs("crn-placement", axis, 6);
    assert_ne!(load_a, offered(&other[0], "web"));
}

#[test]
fn common_random_numbers_a_fargate_spot_weight_change_keeps_the_traffic() {
    // Moving edge's tasks between FARGATE and FARGATE_SPOT changes where its tasks run (and the
    // FARGATE_SPOT interruptions they meet), never the requests offered to either service.
    let axis = Axis {
        path: "services.edge.capacityProviderStrategy".into(),
        values: vec![
            json!([{"capacityProvider": "FARGATE", "weight": 1}]),
            json!([{"capacityProvider": "FARGATE", "base": 1, "weight": 1},
                   {"capacityProvider": "FARGATE_SPOT", "weight": 3}]),
        ],
    };
    let runs = crn_runs("crn-weight", axis, 5);
    let (a, b) = (&runs[0], &runs[1]);
    assert_eq!(offered(a, "edge"), offered(b, "edge"));
    assert_eq!(offered(a, "web"), offered(b, "web"));
    assert_eq!(
        a.interruptions.fargate_spot, 0,
        "nothing on FARGATE_SPOT in A"
    );
    assert!(
        b.interruptions.fargate_spot > 0,
        "B's Spot tasks are interrupted"
    );
    // The EC2 side is untouched by edge's strategy: the same notices.
    assert_eq!(spot_notices(a, "spot"), spot_notices(b, "spot"));
}

#[test]
fn placement_strategies_lesson_binpack_needs_fewer_instances_than_spread() {
    // Binpack on memory puts each new task on the instance with the least memory left where it
    // fits, so it fills one instance before it touches another, and on scale-in stops the task
    // on the instance with the most free memory, so the emptiest instances empty out first.
    // Managed scaling with termination protection can only remove empty instances (M counts
    // every instance running a task), so as the day's traffic falls binpack's group shrinks
    // while spread (one task per instance in turn, scale-in from the fullest) keeps a few tasks
    // on every instance and its group stays large. At the peak both need the same count
    // (ceil(tasks / 4)), so the difference is in the falling half of the day: fewer
    // instance-hours and fewer instances in use at the end for binpack, at every seed.
    let c = compare::run(
        &compare::plan(&Options {
            scenarios: vec!["placement-strategies".into()],
            vary: vec![PLACEMENTS.into()],
            seeds: 3,
            jobs: Some(2),
            ..Default::default()
        })
        .expect("valid"),
    )
    .expect("runs");
    let m = |v: usize, k: &str| c.variants[v].metric(k).unwrap().values.clone();
    let (bin, spread) = (m(0, "instance_hours"), m(1, "instance_hours"));
    for s in 0..3 {
        assert!(bin[s] < spread[s], "seed {s}: {bin:?} vs {spread:?}");
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(mean(&m(0, "instances_in_use_final")) < mean(&m(1, "instances_in_use_final")));
    // The same traffic for both (common random numbers): the served fraction is the same
    // figure for each seed.
    assert_eq!(m(0, "served_fraction"), m(1, "served_fraction"));
    // Binpack is the cheapest: the saving of B and C against A is negative.
    assert!(
        c.variants[1]
            .metric("saving_vs_first_usd")
            .unwrap()
            .summary
            .mean
            < 0.0
    );
    assert!(
        c.variants[2]
            .metric("saving_vs_first_usd")
            .unwrap()
            .summary
            .mean
            < 0.0
    );
}

#[test]
fn batch_savings_lesson_spot_costs_less_than_fargate_and_the_jobs_complete() {
    // Prices (`ecsim pricing`, us-east-1): a job is 1 vCPU + 2 GB. FARGATE: 0.04048 + 2 ×
    // 0.004445 = 0.04937 USD per job-hour. FARGATE_SPOT: 67.04 % off → 0.04937 × 0.32956 =
    // 0.01627. EC2 Spot m5.large: 0.096 × (1 − 0.6) = 0.0384 per instance-hour holding two jobs
    // (2,048 CPU units / 1,024) → 0.0192 per job-hour at best, more with the instances managed
    // scaling keeps while jobs finish (15 low datapoints before scale-in) and partly empty ones.
    // So FARGATE_SPOT wins, EC2 Spot is second, FARGATE is dearest: about 13.5 jobs run at once
    // (40 an hour × a lognormal mean of 18 min × e^(σ²/2) with σ = ln(40/18) / 1.645 → 20.3 min),
    // 12 h × 13.5 × 0.04937 ≈ $8.0 on FARGATE, × 0.33 ≈ $2.6 on FARGATE_SPOT. Interruptions
    // (0.1 per Spot task-hour, 0.05 per Spot instance-hour) only add a few retried jobs.
    let src = vec![Source::resolve(Some("batch-savings")).unwrap()];
    let strategy = |p: &str| json!([{"capacityProvider": p, "weight": 1}]);
    let seed = 11;
    let grid = Grid::new(
        vec!["batch-savings".into()],
        vec![Axis {
            path: "batchJobs.render.capacityProviderStrategy".into(),
            values: vec![
                strategy("FARGATE"),
                strategy("FARGATE_SPOT"),
                strategy("spot-pool"),
            ],
        }],
        seed,
        1,
    )
    .unwrap();
    let r: Vec<_> = (0..3)
        .map(|v| run_point(&src, &grid, &[], v, seed, false).expect("runs"))
        .collect();
    let cost: Vec<f64> = r.iter().map(|x| x.cost.total_usd).collect();
    assert!(cost[1] < cost[0] && cost[2] < cost[0], "{cost:?}");
    assert!(cost[1] < cost[2], "FARGATE_SPOT is the cheapest: {cost:?}");
    assert!(
        (6.5..9.5).contains(&cost[0]),
        "about $8 on FARGATE: {cost:?}"
    );
    // The same jobs arrive in every variant (the stream's own random stream), and nearly all
    // finish: retried, not lost.
    let jobs: Vec<_> = r.iter().map(|x| &x.batch_jobs["render"]).collect();
    assert_eq!(jobs[0].submitted, jobs[1].submitted);
    assert_eq!(jobs[0].submitted, jobs[2].submitted);
    for (k, j) in jobs.iter().enumerate() {
        assert_eq!(j.lost, 0, "variant {k}");
        assert!(
            j.completed as f64 >= 0.95 * j.submitted as f64,
            "variant {k}: {} of {}",
            j.completed,
            j.submitted
        );
    }
    assert!(r[1].interruptions.fargate_spot > 0 && jobs[1].retried > 0);
    assert!(r[2].interruptions.ec2_spot > 0);
}
