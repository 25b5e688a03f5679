//! Cost: prices, billing and attribution (aws-behaviour.md §5, §6; issue 5).
//!
//! Start-up is pinned with fixed delays so that billing intervals are known exactly: a Fargate
//! task created at t starts its image pull (and its bill) at t + 30 s.

use crate::support::scenario::{AutoScaling, Group, Scenario, Service, action};
use crate::support::{Inline, close, lines, load, out_dir, run};
use serde_json::json;

/// FARGATE and FARGATE_SPOT, and `web`, `duration` long (seed 5).
fn fargate(duration: &str, web: Service) -> Scenario {
    Scenario::new("cost")
        .duration(duration)
        .seed(5)
        .fargate()
        .fargate_spot()
        .service(web)
}

/// Service `web` of `desired` tasks of `cpu` units / `memory` MiB, its start-up and stop
/// pinned: PROVISIONING 30 s, image pull 20 s, stop 5 s.
fn web(desired: u32, cpu: u32, memory: u32) -> Service {
    Service::new("web")
        .desired(desired)
        .size(cpu, memory)
        .fargate_startup("30s", "20s")
        .stop_takes("5s")
}

#[test]
fn one_fargate_task_of_1_vcpu_and_2_gb_for_one_hour_costs_0_04937() {
    // The task is created at 0 and billed from its image pull at 30 s; the run ends at
    // 1h30s, so exactly one hour is billed: 1 × 0.04048 + 2 × 0.004445 = 0.04937 USD.
    let r = run(fargate("3630s", web(1, 1024, 2048).fargate()));
    assert!(close(r.cost.total_usd, 0.04937), "{}", r.cost.total_usd);
    assert!(close(
        r.cost.by_capacity_provider["launchType:FARGATE"],
        0.04937
    ));
    assert!(close(r.cost.by_service["web"], 0.04937));
    // On demand: the equivalent is the bill itself, no saving, no idle EC2.
    assert!(close(r.cost.on_demand_equivalent_usd, 0.04937));
    assert_eq!(r.cost.saving_usd, 0.0);
    assert_eq!(r.cost.idle_usd, 0.0);
    // The EKS comparison: 0.10 per hour × 3630 / 3600 h = 0.100833.
    assert!(close(r.cost.eks_control_plane_equivalent_usd, 0.100833));
}

#[test]
fn a_fargate_task_stopped_within_a_minute_is_billed_one_minute() {
    // Created at 0, billed from 30 s; a scheduled action at 45 s sets MaxCapacity 0, the task
    // stops and its stop takes 5 s: billed 30 s → 50 s = 20 s, charged the 1-minute minimum:
    // 0.04937 × 60 / 3600 = 0.000822833 USD.
    let off = AutoScaling::new(0, 1).scheduled(action(
        "off",
        "at(2026-01-05T00:00:45)",
        json!({"MinCapacity": 0, "MaxCapacity": 0}),
    ));
    let r = run(fargate("10m", web(1, 1024, 2048).fargate().scaling(off)));
    assert_eq!(r.services["web"].running_final, 0);
    assert!(
        close(r.cost.total_usd, 0.04937 / 60.0),
        "{}",
        r.cost.total_usd
    );
}

#[test]
fn fargate_spot_is_billed_at_its_discount_and_the_saving_is_reported() {
    // Two tasks of 0.5 vCPU / 1 GB: FARGATE base 1, FARGATE_SPOT weight 1 → one each. Each is
    // billed 1 h (created at 0, billed from 30 s, run ends at 3630 s) at
    // 0.5 × 0.04048 + 1 × 0.004445 = 0.024685 per hour. With a discount of 0.7 the Spot task
    // costs 0.3 × 0.024685 = 0.0074055: total 0.0320905, on demand 0.04937, saving
    // 0.0172795 = 35 % of 0.04937 (half the capacity at 70 % off).
    let half = web(2, 512, 1024).strategy(&[("FARGATE", 1, 0), ("FARGATE_SPOT", 0, 1)]);
    let r = run(fargate("3630s", half).set("pricing", json!({"fargateSpot": {"discount": 0.7}})));
    assert!(close(r.cost.by_capacity_provider["FARGATE"], 0.024685));
    assert!(close(
        r.cost.by_capacity_provider["FARGATE_SPOT"],
        0.0074055
    ));
    assert!(close(r.cost.total_usd, 0.0320905));
    assert!(close(r.cost.on_demand_equivalent_usd, 0.04937));
    assert!(close(r.cost.saving_usd, 0.0172795));
    assert!(close(r.cost.saving_fraction, 0.35));
    let summary = ecsim::report::summary(&r);
    assert!(summary.contains("Spot saving"), "{summary}");
}

#[test]
fn fargate_spot_discount_series_changes_the_price_at_its_time() {
    // One FARGATE_SPOT task of 1 vCPU / 2 GB billed from 30 s to 2h30s. Discount 0.5 until 1h,
    // then 0.8: 0.04937 × (0.5 × 0.5 h + 0.2 × 1.5 h)... in pieces: 30 s → 1 h at 50 % off is
    // 3570 s × 0.024685 / 3600 = 0.02447927; 1 h → 2h30s at 80 % off is 5430 s × 0.009874 /
    // 3600 = 0.01489328. Total 0.03937255.
    let spot = web(1, 1024, 2048).strategy(&[("FARGATE_SPOT", 0, 1)]);
    let r = run(fargate("9030s", spot).set(
        "pricing",
        json!({"fargateSpot": {"series": [
            {"at": "0s", "discount": 0.5}, {"at": "1h", "discount": 0.8}]}}),
    ));
    let want = 3570.0 * 0.024685 / 3600.0 + 5430.0 * 0.009874 / 3600.0;
    assert!(
        close(r.cost.total_usd, want),
        "{} vs {want}",
        r.cost.total_usd
    );
}

/// An EC2 cluster: provider `asg` of `n` fixed instances (`purchase`), one service `app` of
/// `desired` tasks of 1024 CPU / 2048 MiB, registered memory at 100 %.
fn ec2(duration: &str, n: u32, purchase: &str, desired: u32) -> Scenario {
    Scenario::new("ec2cost")
        .duration(duration)
        .seed(5)
        .group(Group::new("asg", &["m5.large"]).purchase(purchase).fixed(n))
        .service(
            Service::new("app")
                .desired(desired)
                .size(1024, 2048)
                .strategy(&[("asg", 0, 1)]),
        )
        .model("registeredMemoryFraction", json!(1.0))
}

#[test]
fn ec2_instances_cost_instances_times_hours_times_price_and_idle_capacity_is_reported() {
    // 2 m5.large on demand for 3 h: 2 × 3 × 0.096 = 0.576 USD, whether tasks use them or not.
    // One task of 1024 CPU / 2048 MiB is placed at 0 on an instance registering 2048 CPU and
    // 8192 MiB: its share is 0.5 × 1024/2048 + 0.5 × 2048/8192 = 0.375 of one instance, so the
    // service costs 0.375 × 0.096 × 3 = 0.108 and the idle remainder is 0.576 − 0.108 = 0.468.
    let r = run(ec2("3h", 2, "on-demand", 1));
    assert!(close(r.cost.total_usd, 0.576), "{}", r.cost.total_usd);
    assert!(close(r.cost.by_capacity_provider["asg"], 0.576));
    assert!(
        close(r.cost.by_service["app"], 0.108),
        "{}",
        r.cost.by_service["app"]
    );
    assert!(close(r.cost.idle_usd, 0.468), "{}", r.cost.idle_usd);
    assert!(close(r.cost.on_demand_equivalent_usd, 0.576));
}

#[test]
fn ec2_cost_split_follows_the_cpu_weight() {
    // With all of an instance's price attributed by CPU (ec2CpuWeight 1): share 1024/2048 = 0.5
    // → 0.5 × 0.096 × 3 = 0.144 for the service, 0.432 idle.
    let r = run(ec2("3h", 2, "on-demand", 1).set("pricing", json!({"ec2CpuWeight": 1})));
    assert!(close(r.cost.by_service["app"], 0.144));
    assert!(close(r.cost.idle_usd, 0.432));
}

#[test]
fn ec2_spot_follows_a_supplied_price_series() {
    // One m5.large Spot instance (zone us-east-1a, the group's first) for 2 h at 0.04 USD/h,
    // then 0.02 from 1h: 0.04 + 0.02 = 0.06. On demand it would be 2 × 0.096 = 0.192: saving
    // 0.132 = 68.75 %.
    let r = run(ec2("2h", 1, "spot", 0).set(
        "pricing",
        json!({"ec2Spot": {"series": [
            {"at": "0s", "instanceType": "m5.large", "price": 0.04},
            {"at": "1h", "instanceType": "m5.large", "availabilityZone": "us-east-1a",
             "price": 0.02}]}}),
    ));
    assert!(close(r.cost.total_usd, 0.06), "{}", r.cost.total_usd);
    assert!(close(r.cost.on_demand_equivalent_usd, 0.192));
    assert!(close(r.cost.saving_fraction, 0.6875));
}

#[test]
fn ec2_spot_random_walk_stays_in_its_bounds_and_repeats() {
    // 3 Spot m5.large (one per zone) for 2 days; the discount starts at 0.6 ± 0.05 and walks
    // hourly within [0.3, 0.9]: the bill lies between 3 × 48 × 0.096 × 0.1 = 1.3824 and
    // 3 × 48 × 0.096 × 0.7 = 9.6768, and with the default start and a 1-point hourly step it
    // stays near 40 % of on demand (13.824 × 0.4 = 5.53): between 30 % and 50 % here.
    let a = run(ec2("2d", 3, "spot", 0));
    let b = run(ec2("2d", 3, "spot", 0));
    assert_eq!(a.cost.total_usd, b.cost.total_usd);
    let od = 3.0 * 48.0 * 0.096;
    assert!(close(a.cost.on_demand_equivalent_usd, od));
    let f = a.cost.total_usd / od;
    assert!((0.3..0.5).contains(&f), "{f}");
    // Without drift and spread the price is exactly 40 % of on demand.
    let flat = json!({"ec2Spot": {"zoneSpread": 0, "driftEvery": "0s"}});
    let c = run(ec2("2d", 3, "spot", 0).set("pricing", flat));
    assert!(close(c.cost.total_usd, od * 0.4), "{}", c.cost.total_usd);
}

#[test]
fn capacity_csv_carries_the_cumulative_cost() {
    // The last capacity.csv row of provider asg is the bill at the end: 2 × 1 h × 0.096.
    let dir = out_dir("cost-capacity");
    let s = load(ec2("1h", 2, "on-demand", 1));
    let opts = ecsim::RunOptions {
        out_dir: Some(dir.clone()),
        ..Default::default()
    };
    let out = ecsim::outdir::OutDir::open(&dir).expect("a folder");
    let mut r = ecsim::run(s, &opts).expect("run");
    ecsim::report::write_all(&out, &mut r).expect("write");
    let text = std::fs::read_to_string(dir.join("capacity.csv")).expect("capacity.csv");
    let header = text.lines().next().unwrap();
    assert!(header.ends_with(",cumulative_cost_usd"), "{header}");
    let last = text.lines().rfind(|l| l.contains(",asg,")).unwrap();
    assert!(last.starts_with("3600,"), "{last}");
    assert!(last.ends_with(",0.192"), "{last}");
    // Half-way it is half: 2 × 0.5 h × 0.096 = 0.096.
    let mid = text.lines().find(|l| l.starts_with("1800,asg,")).unwrap();
    assert!(mid.ends_with(",0.096"), "{mid}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ephemeral_storage_above_20_gb_is_billed() {
    // 50 GiB: 30 GB above the included 20, at 0.000111 per GB-hour for 1 h = 0.00333, on top of
    // the 0.04937 of 1 vCPU / 2 GB: 0.0527.
    let storage = web(1, 1024, 2048)
        .fargate()
        .task("ephemeralStorage", json!({"sizeInGiB": 50}));
    let r = run(fargate("3630s", storage));
    assert!(
        close(r.cost.total_usd, 0.04937 + 0.00333),
        "{}",
        r.cost.total_usd
    );
}

#[test]
fn arm_fargate_tasks_use_the_arm_rates() {
    // 1 vCPU / 2 GB on Linux/ARM for 1 h: 0.03238 + 2 × 0.00356 = 0.0395.
    let arm = web(1, 1024, 2048)
        .fargate()
        .task("runtimePlatform", json!({"cpuArchitecture": "ARM64"}));
    let r = run(fargate("3630s", arm));
    assert!(close(r.cost.total_usd, 0.0395), "{}", r.cost.total_usd);
}

/// The loader's messages for a scenario named `p.json`, one per line.
fn problems(s: impl Inline) -> Vec<String> {
    match ecsim::scenario::load_str(&s.text(), "p.json", None, &[]) {
        Ok(_) => Vec::new(),
        Err(e) => e.to_string().lines().map(String::from).collect(),
    }
}

#[test]
fn bad_pricing_is_refused_with_the_field_and_what_is_valid() {
    // The Fargate service of the other tests (one task of 256 / 512), then bad pricing from
    // line 8: written out line by line, because the test checks a position.
    let text = lines(&[
        r#"{"name": "cost", "duration": "1h", "seed": 5,"#,
        r#"  "capacityProviders": [{"name": "FARGATE"}, {"name": "FARGATE_SPOT"}],"#,
        r#"  "services": [{"serviceName": "web", "desiredCount": 1,"#,
        r#"    "taskDefinition": {"family": "web", "cpu": "256", "memory": "512"},"#,
        r#"    "launchType": "FARGATE", "model": {"fargateProvisioning": {"distribution": "fixed", "value": "30s"},"#,
        r#"    "fargateImagePull": {"distribution": "fixed", "value": "20s"},"#,
        r#"    "taskStopDuration": {"distribution": "fixed", "value": "5s"}}}],"#,
        r#"  "pricing": {"fargateSpot": {"discount": 1.5},"#,
        r#"    "ec2": {"m5.larg": 0.1},"#,
        r#"    "ec2Spot": {"minDiscount": 0.8, "maxDiscount": 0.5,"#,
        r#"      "series": [{"at": "1h", "instanceType": "m5.large", "availabilityZone": "eu-west-1a", "price": 0.1},"#,
        r#"                 {"at": "0s", "instanceType": "m5.large", "price": -1}]}}}"#,
    ]);
    let all = problems(text).join("\n");
    assert!(all.contains("pricing.fargateSpot.discount"), "{all}");
    assert!(all.contains("discount 1.5 is out of range"), "{all}");
    assert!(all.contains("did you mean `m5.large`"), "{all}");
    assert!(
        all.contains("minDiscount 0.8 is above maxDiscount 0.5"),
        "{all}"
    );
    assert!(
        all.contains("zone `eu-west-1a` is not one of the scenario's zones"),
        "{all}"
    );
    assert!(
        all.contains("series entries must be in time order"),
        "{all}"
    );
    assert!(all.contains("price -1 is out of range"), "{all}");
    // The scenario's first 7 lines end with the service (its pinned model spans lines 5–7);
    // line 8 is `  "pricing": {"fargateSpot": {"discount": 1.5},` whose value 1.5 starts after
    // 2 + 11 + 16 + 13 = 42 characters: column 43.
    assert!(
        all.contains("p.json:8:43: pricing.fargateSpot.discount"),
        "{all}"
    );
}

#[test]
fn ephemeral_storage_out_of_range_is_refused() {
    let text = fargate(
        "1h",
        web(1, 256, 512)
            .fargate()
            .task("ephemeralStorage", json!({"sizeInGiB": 10})),
    );
    let all = problems(text).join("\n");
    assert!(
        all.contains("sizeInGiB 10 is out of range: expected 21 to 200"),
        "{all}"
    );
}
