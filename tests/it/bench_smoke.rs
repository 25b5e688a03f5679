//! CI smoke test: the benchmark scenarios' quick variants still load and run through the library
//! (no tables, no charts), and a few facts that follow from their definitions by hand hold. The
//! scenarios are made by `scripts/gen_bench_scenarios.py`; the figures below are read off it.

use ecsim::scenario::load_str;
use ecsim::{Report, RunOptions};

fn run(name: &str) -> Report {
    let path = format!("{}/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the scenario file exists");
    let s = load_str(&text, &path, None, &[]).expect("the benchmark scenario is valid");
    let options = RunOptions {
        no_tables: true,
        ..RunOptions::default()
    };
    ecsim::run(s, &options).expect("the run succeeds")
}

/// The facts shared by bench-large and bench-xlarge (`cluster(...)` in the script): services
/// `svc000`… of which the first `ec2` are on the `od`/`spot` groups and the rest on
/// FARGATE/FARGATE_SPOT; target tracking keeps desired within [MinCapacity, MaxCapacity].
fn check_cluster(r: &Report, services: usize, ec2: usize, peak_tasks: u32, max_each: u64) {
    assert_eq!(r.services.len(), services);
    // Two groups of at most `max_each` instances each: the cluster never holds more.
    assert!(
        r.capacity.instances_peak <= 2 * max_each,
        "instances_peak {} above 2 × maxSize {max_each}",
        r.capacity.instances_peak
    );
    // MinCapacity = max(5, peak/20), MaxCapacity = min(5000, peak × 3/2).
    let (min, max) = ((peak_tasks / 20).max(5), (peak_tasks * 3 / 2).min(5000));
    for (i, (name, s)) in r.services.iter().enumerate() {
        assert_eq!(name, &format!("svc{i:03}"));
        assert!(
            (min..=max).contains(&s.desired_min) && (min..=max).contains(&s.desired_max),
            "{name}: desired {}..{} outside [{min}, {max}]",
            s.desired_min,
            s.desired_max
        );
        let allowed: &[&str] = if i < ec2 {
            &["od", "spot"]
        } else {
            &["FARGATE", "FARGATE_SPOT"]
        };
        for p in s.tasks_final_by_capacity_provider.keys() {
            assert!(allowed.contains(&p.as_str()), "{name} has tasks on {p}");
        }
    }
    assert!(r.engine.events > 0);
}

#[test]
fn bench_large_quick_runs() {
    // cluster("bench-large", …, services 50, ec2_services 40, peak_tasks 400, max_each 600, …)
    let r = run("bench-large-quick");
    assert_eq!(r.scenario.duration_s, 6 * 3600);
    check_cluster(&r, 50, 40, 400, 600);
}

#[test]
fn bench_xlarge_quick_runs() {
    // cluster("bench-xlarge", …, services 200, ec2_services 160, peak_tasks 500, max_each 2500, …)
    let r = run("bench-xlarge-quick");
    assert_eq!(r.scenario.duration_s, 2 * 3600);
    check_cluster(&r, 200, 160, 500, 2500);
}

#[test]
fn bench_spot_storm_quick_runs() {
    let r = run("bench-spot-storm-quick");
    // One Spot group, minSize = maxSize = desiredCapacity = 2,000: never more than 2,000
    // instances at once, replacements included.
    assert!(r.capacity.instances_peak <= 2000);
    // The only fault is the scheduled storm at 1h (before the 1h30m end): 0.2 × 2,000 = 400
    // EC2 Spot interruptions; no Fargate Spot.
    assert_eq!(r.interruptions.ec2_spot, 400);
    assert_eq!(r.interruptions.fargate_spot, 0);
    // 20 services of 600 tasks (512 CPU units, 1 GiB) without auto scaling. An m5.xlarge
    // registers 4,096 CPU units: 8 tasks each. After the storm the 1,600 remaining instances
    // hold 12,800 ≥ 20 × 600 = 12,000 tasks, so every service is back to 600 running at the end
    // (the last notice's tasks are replaced within the 2-minute notice + start-up, long before
    // the 30 minutes left).
    assert_eq!(r.services.len(), 20);
    for (name, s) in &r.services {
        assert_eq!((s.desired_min, s.desired_max), (600, 600), "{name}");
        assert_eq!(s.desired_final, 600, "{name}");
        assert_eq!(s.running_final, 600, "{name}");
    }
}
