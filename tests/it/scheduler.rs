//! The service scheduler end to end: placement on a real cluster, scale-in choice, launch-rate
//! limits, and base/weight over a run. Each expected value is derived by hand in a comment.

use crate::support::scenario::{Group, Scenario, Service};
use crate::support::{per_instance, run, world};
use ecsim::engine::{MINUTE, SECOND};
use ecsim::ids::ServiceId;
use serde_json::json;

/// One on-demand group `pool` of `n` instances of `itype` (the default strategy), FARGATE and
/// FARGATE_SPOT, and `service`; 1 h, seed 3.
fn cluster(n: u32, itype: &str, service: Service) -> Scenario {
    Scenario::new("t")
        .duration("1h")
        .seed(3)
        .group(Group::new("pool", &[itype]).fixed(n))
        .fargate()
        .fargate_spot()
        // The account's Fargate vCPU quotas raised: these tests are about the launch limits.
        .fargate_vcpu_quotas(10_000.0, 10_000.0)
        .default_strategy("pool")
        .service(service)
}

#[test]
fn default_spread_then_scale_in_keeps_zones_balanced() {
    // Three m5.large instances, one per zone (round-robin: i-0 a, i-1 b, i-2 c). No strategy:
    // spread by zone, then by instance. Five tasks: a, b, c, then a (all at 1, first
    // registered), then b → per instance [2, 2, 1].
    let mut w = world(cluster(
        3,
        "m5.large",
        Service::new("s").desired(5).size(256, 512),
    ));
    w.run_until(10 * MINUTE);
    assert_eq!(per_instance(&w), vec![2, 2, 1]);
    // Scale in to 4: zones a and b hold 2 each, instances i-0 and i-1 hold 2 each → tie,
    // broken by the task started last: the fifth, on i-1 → [2, 1, 1].
    w.set_desired(ServiceId(0), 4);
    w.run_until(20 * MINUTE);
    assert_eq!(per_instance(&w), vec![2, 1, 1]);
}

#[test]
fn binpack_scale_in_empties_the_emptiest_instance() {
    // Tasks of 2,048 MiB; an m5.large registers floor(8,192 × 0.975) = 7,987 MiB → 3 fit
    // (6,144), the 4th goes to i-1: [3, 1].
    let mut w = world(cluster(
        2,
        "m5.large",
        Service::new("s")
            .desired(4)
            .placement("binpack", "memory")
            .size(256, 2048),
    ));
    w.run_until(10 * MINUTE);
    assert_eq!(per_instance(&w), vec![3, 1]);
    // Scale in to 3: free memory i-0 7,987 − 6,144 = 1,843, i-1 7,987 − 2,048 = 5,939 → the
    // task on i-1 (most free) stops → [3, 0]: one instance in use.
    w.set_desired(ServiceId(0), 3);
    w.run_until(20 * MINUTE);
    assert_eq!(per_instance(&w), vec![3, 0]);
}

#[test]
fn tasks_not_running_yet_are_stopped_first() {
    // One m5.large fits 3 tasks of 2,048 MiB; desired 5 leaves 2 waiting in PROVISIONING.
    let mut w = world(cluster(
        1,
        "m5.large",
        Service::new("s").desired(5).size(256, 2048),
    ));
    w.run_until(10 * MINUTE);
    assert_eq!(
        w.services[ServiceId(0)].by_state[0],
        2,
        "two waiting for capacity"
    );
    assert_eq!(w.services[ServiceId(0)].by_state[2], 3, "three running");
    // Scale in to 3: the two never-placed tasks go, the three running ones stay.
    w.set_desired(ServiceId(0), 3);
    w.run_until(11 * MINUTE);
    assert_eq!(w.services[ServiceId(0)].by_state[0], 0);
    assert_eq!(w.services[ServiceId(0)].by_state[2], 3);
}

#[test]
fn ec2_launch_rate_is_250_per_minute_per_service() {
    // m5.4xlarge: 16 vCPU = 16,384 units, floor(65,536 × 0.975) = 63,897 MiB → 128 tasks of
    // 128 units each; 5 instances hold 640 ≥ 600.
    let mut w = world(cluster(
        5,
        "m5.4xlarge",
        Service::new("s")
            .desired(600)
            .placement("binpack", "cpu")
            .size(128, 128),
    ));
    // Minute 0: 250 launches; the next window opens at 60 s: 250 more; at 120 s the last 100.
    w.run_until(59 * SECOND);
    assert_eq!(w.services[ServiceId(0)].task_starts, 250);
    w.run_until(60 * SECOND);
    assert_eq!(w.services[ServiceId(0)].task_starts, 500);
    w.run_until(120 * SECOND);
    assert_eq!(w.services[ServiceId(0)].task_starts, 600);
}

#[test]
fn fargate_token_bucket_bursts_100_then_20_per_second() {
    let mut w = world(cluster(
        1,
        "m5.large",
        Service::new("s").desired(300).fargate().size(256, 512),
    ));
    // t = 0: the burst of 100 tokens. Then one token every 1,000 / 20 = 50 ms: at t = 1 s,
    // 20 more (50, 100, …, 1,000 ms) → 120.
    w.run_until(0);
    assert_eq!(w.services[ServiceId(0)].task_starts, 100);
    w.run_until(SECOND);
    assert_eq!(w.services[ServiceId(0)].task_starts, 120);
    // t = 10 s: 100 + 10 × 20 = 300, all launched.
    w.run_until(10 * SECOND);
    assert_eq!(w.services[ServiceId(0)].task_starts, 300);
}

#[test]
fn base_and_weight_hold_over_a_run() {
    // FARGATE base 2 weight 1 + FARGATE_SPOT weight 3, 10 tasks → 4 / 6 (aws-behaviour §3).
    let r = run(cluster(
        1,
        "m5.large",
        Service::new("web")
            .desired(10)
            .strategy(&[("FARGATE", 2, 1), ("FARGATE_SPOT", 0, 3)])
            .size(512, 1024),
    ));
    let by = &r.services["web"].tasks_final_by_capacity_provider;
    assert_eq!(by["FARGATE"], 4);
    assert_eq!(by["FARGATE_SPOT"], 6);
    assert_eq!(r.services["web"].running_final, 10);
}

#[test]
fn fargate_balances_zones() {
    // Six Fargate tasks over three zones: the zone with fewest each time → 2 per zone.
    let mut w = world(cluster(
        1,
        "m5.large",
        Service::new("s").desired(6).fargate().size(256, 512),
    ));
    w.run_until(10 * MINUTE);
    let mut zones = [0; 3];
    for &slot in w.service_tasks(ServiceId(0)) {
        zones[w.tasks[slot].zone as usize] += 1;
    }
    assert_eq!(zones, [2, 2, 2]);
}

#[test]
fn provisioning_limit_holds_back_the_scheduler() {
    // One m5.large fits 3 tasks of 2,048 MiB. With at most 4 PROVISIONING tasks per cluster:
    // 3 are placed at once (they leave PROVISIONING), the next 4 wait and fill the limit, so
    // the scheduler stops at 3 + 4 = 7 tasks of the 10 desired.
    let text = cluster(1, "m5.large", Service::new("s").desired(10).size(256, 2048))
        .model("provisioningTasksPerCluster", json!(4));
    let mut w = world(text);
    w.run_until(30 * MINUTE);
    assert_eq!(w.services[ServiceId(0)].task_starts, 7);
    assert_eq!(w.scheduler.provisioning, 4);
    // Scale in to 2 (7 active → 5 to stop): the 4 waiting tasks go first, then one running
    // task → 2 running, none PROVISIONING.
    w.set_desired(ServiceId(0), 2);
    w.run_until(40 * MINUTE);
    assert_eq!(w.services[ServiceId(0)].by_state[2], 2);
    assert_eq!(w.scheduler.provisioning, 0);
}
