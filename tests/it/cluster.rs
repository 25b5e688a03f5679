//! Cluster auto scaling (aws-behaviour.md §2): CapacityProviderReservation and the managed
//! scaling of Auto Scaling group providers.
//!
//! Model facts the derivations use: minute k is measured at its end ((k + 1) × 60 s) and acts
//! `model.clusterMetricDelay` (60 s) later, at (k + 2) × 60 s; AlarmHigh needs 1 datapoint above
//! targetCapacity, AlarmLow 15 below; an m5.large registers 2 vCPU (2048 units) and
//! 8192 × 0.975 = 7987 MiB, so it holds two tasks of 1 vCPU / 2 GiB (CPU binds: 2048 / 1024 = 2).

use crate::support::scenario::{AutoScaling, Group, Scenario, Service, action};
use crate::support::{acts_of, run, run_bundled, table, world};
use ecsim::model::cluster::cpr;
use serde_json::{Value, json};

/// One m5.large group `asg` (minSize `min`, maxSize 20, `desired` at the start, managed scaling
/// with `managed`, termination protection `protect`), and a service `app` of `tasks` tasks of
/// 1 vCPU / 2 GiB on it; from 1h its MaxCapacity drops to `later`.
fn cas(desired: u32, min: u32, managed: Value, protect: bool, tasks: u32, later: u32) -> Scenario {
    Scenario::new("cas")
        .duration("2h")
        .group(
            Group::new("asg", &["m5.large"])
                .sizes(min, 20, desired)
                .managed_with(managed)
                .protection(protect),
        )
        .default_strategy("asg")
        .service(Service::new("app").size(1024, 2048).desired(tasks).scaling(
            AutoScaling::new(0, 20).scheduled(action(
                "later",
                "at(2026-01-05T01:00:00)",
                json!({"MinCapacity": 0, "MaxCapacity": later}),
            )),
        ))
}

/// Four m5.large (zones a, b, c, a; minSize 1, maxSize 10) with managed scaling at 100, and
/// two tasks of 512 CPU units / 1 GiB spread by instance and held in zone a.
fn two_in_zone_a(protect: bool, draining: bool) -> Scenario {
    Scenario::new("unprot")
        .duration("1h")
        .group(
            Group::new("g", &["m5.large"])
                .sizes(1, 10, 4)
                .managed(100)
                .protection(protect)
                .draining(draining),
        )
        .default_strategy("g")
        .service(
            Service::new("a")
                .size(512, 1024)
                .desired(2)
                .placement("spread", "instanceId")
                .member_of("attribute:ecs.availability-zone == us-east-1a"),
        )
}

#[test]
fn cpr_is_m_over_n_with_the_edge_cases() {
    // M = 2, N = 3 → 2 / 3 × 100 = 66.67 (below targetCapacity 100: scale in; above 50: scale
    // out). No instance but some needed → 200; none of either → 100.
    assert!((cpr(2, 3) - 66.666_666).abs() < 1e-4);
    assert_eq!(cpr(0, 3), 0.0);
    assert_eq!(cpr(4, 0), 200.0);
    assert_eq!(cpr(0, 0), 100.0);
}

#[test]
fn from_an_empty_group_twenty_tasks_run_and_the_group_returns_to_its_minimum() {
    // 20 tasks, two per m5.large → M = ceil(20 / 2) = 10, N = 0 → CPR 200 > 100 at minute 0's
    // evaluation (120 s): launch clamp(ceil(10 × 100 / 100) − 0, 1, 10000) = 10.
    let r = run(cas(0, 0, json!({"targetCapacity": 100}), true, 20, 0));
    let acts = acts_of(&r, "cluster-");
    assert_eq!(acts[0], (120.0, "cluster-scale-out", Some(0), Some(10)));
    assert!(
        r.activities[0]
            .cause
            .to_string()
            .contains("launch clamp(ceil(10 × 100 / 100) − 0, 1, 10000) = 10")
    );
    // Issue 4: all 20 run within 15 minutes on no more than 11 instances. Instances register
    // 90 s (median) to 180 s (p95) after launch; each takes two tasks.
    let ts = table(&r, "timeseries.csv");
    let at_15 = ts
        .lines()
        .find(|l| l.starts_with("900,app,"))
        .expect("row at 900 s");
    // time_s, service, offered, served, desired, running, …
    assert_eq!(at_15.split(',').nth(5), Some("20"), "{at_15}");
    assert_eq!(r.capacity.instances_peak, 10);
    // At 3600 s MaxCapacity 0 forces desired 0; the tasks stop within the 30-s stop timeout, so
    // minute 60 (3600–3660 s) ends with M = 0: CPR = 0 / 10 × 100 = 0 < 100. Minutes 60–74 are
    // the 15 low datapoints; minute 74 acts at 76 × 60 = 4560 s. Then at most half the group a
    // minute (at least one): 10 → 5 (4560), 5 → 3 (4620, half of 5 = 2), 3 → 2, 2 → 1, 1 → 0
    // (4800 s = 20 minutes after the drop, within the 25).
    assert_eq!(
        &acts[1..],
        [
            (4560.0, "cluster-scale-in", Some(10), Some(5)),
            (4620.0, "cluster-scale-in", Some(5), Some(3)),
            (4680.0, "cluster-scale-in", Some(3), Some(2)),
            (4740.0, "cluster-scale-in", Some(2), Some(1)),
            (4800.0, "cluster-scale-in", Some(1), Some(0)),
        ]
    );
    assert_eq!(r.capacity.instances_final, 0);
}

#[test]
fn scale_out_steps_are_clamped_and_wait_for_the_instance_warm_up() {
    // maximumScalingStepSize 3, instanceWarmupPeriod 300 s. M stays 10 throughout (an instance
    // with one task takes a waiting one as soon as it can: busy instances + ceil(waiting / 2)
    // = 10). 120 s: clamp(10 − 0, 1, 3) = 3 (0 → 3), warm until 420 s; the evaluations at
    // 180…360 s are blocked; 420 s: clamp(10 − 3, 1, 3) = 3 (3 → 6); 720 s: 6 → 9;
    // 1020 s: clamp(10 − 9, 1, 3) = 1 (9 → 10).
    let r = run(cas(
        0,
        0,
        json!({"targetCapacity": 100, "maximumScalingStepSize": 3, "instanceWarmupPeriod": 300}),
        true,
        20,
        20,
    ));
    assert_eq!(
        acts_of(&r, "cluster-"),
        [
            (120.0, "cluster-scale-out", Some(0), Some(3)),
            (420.0, "cluster-scale-out", Some(3), Some(6)),
            (720.0, "cluster-scale-out", Some(6), Some(9)),
            (1020.0, "cluster-scale-out", Some(9), Some(10)),
        ]
    );
}

#[test]
fn a_target_capacity_of_50_keeps_as_many_spare_instances_as_busy_ones() {
    // 3 instances in zones a, b, c; the service's default placement spreads its 4 tasks by zone
    // (a, b, c, a), so all 3 instances are busy: M = 3, N = 3, CPR = 3/3 × 100 = 100 > 50 at
    // 120 s → launch clamp(ceil(3 × 100 / 50) − 3, 1, 10000) = 3 (3 → 6). Then CPR =
    // 3/6 × 100 = 50, neither above nor below the target: three spare instances for three busy.
    let r = run(cas(3, 0, json!({"targetCapacity": 50}), true, 4, 4));
    assert_eq!(
        acts_of(&r, "cluster-"),
        [(120.0, "cluster-scale-out", Some(3), Some(6))]
    );
    assert!(
        r.activities[0]
            .cause
            .to_string()
            .contains("CPR = M/N × 100 = 3/3 × 100 = 100 > 50")
    );
}

#[test]
fn managed_termination_protection_terminates_only_empty_instances() {
    // 4 instances (zones a, b, c, a), 2 tasks spread over zones: on the first instance of zone a
    // and of zone b; M = 2, N = 4 → CPR 50 < 100 for minutes 0–14 → at 16 × 60 = 960 s toward
    // max(ceil(2 × 100 / 100), minSize 1) = 2, at most half of 4 = 2: the two empty instances go
    // (4 → 2); the tasks keep running.
    let r = run(cas(4, 1, json!({"targetCapacity": 100}), true, 2, 2));
    assert_eq!(
        acts_of(&r, "cluster-"),
        [(960.0, "cluster-scale-in", Some(4), Some(2))]
    );
    assert_eq!(r.capacity.instances_final, 2);
    assert_eq!(r.services["app"].running_final, 2);
    assert_eq!(r.services["app"].task_starts, 2);
}

#[test]
fn binpack_lets_managed_scaling_shed_instances_that_spread_keeps() {
    // Bundled binpack-vs-spread-managed: two groups of 10 m5.large (target 100, minSize 1),
    // 20 tasks of 512 CPU units / 1 GiB each (4 per instance: CPU binds, 4 × 512 = 2048).
    // - binpack fills 5 instances: M = 5, N = 10, CPR 50 < 100 for minutes 0–14 → at
    //   16 × 60 = 960 s toward ceil(5 × 100 / 100) = 5, half of 10 = 5 allowed: 10 → 5.
    //   Spread touches all 10: CPR 100, nothing.
    // - 3600 s: both services drop to 6 tasks. Binpack's scale-in empties the emptiest
    //   instances: 6 tasks on 2 instances (4 + 2); spread keeps one on each of 6.
    // - Minutes 60–74 low; at 76 × 60 = 4560 s: binpack toward 2, at most half of 5 = 2 →
    //   5 → 3, then 4620 s: half of 3 = 1 → 2. Spread toward 6, at most half of 10 = 5 →
    //   10 → 6.
    let r = run_bundled("binpack-vs-spread-managed");
    let by = |p: &str| -> Vec<(f64, Option<u32>, Option<u32>)> {
        r.activities
            .iter()
            .filter(|a| a.capacity_provider.as_deref() == Some(p))
            .map(|a| (a.time_s, a.from, a.to))
            .collect()
    };
    assert_eq!(
        by("binpack-pool"),
        [
            (960.0, Some(10), Some(5)),
            (4560.0, Some(5), Some(3)),
            (4620.0, Some(3), Some(2)),
        ]
    );
    assert_eq!(by("spread-pool"), [(4560.0, Some(10), Some(6))]);
    // Instance-hours over the 2-h run: binpack 10 × 960 + 5 × 3600 + 3 × 60 + 2 × 2580 =
    // 9600 + 18000 + 180 + 5160 = 32940 s = 9.15 h; spread 10 × 4560 + 6 × 2640 =
    // 45600 + 15840 = 61440 s = 17.0667 h.
    let cp = &r.capacity.by_capacity_provider;
    assert_eq!(cp["binpack-pool"].instance_hours, 9.15);
    assert_eq!(cp["spread-pool"].instance_hours, 17.0667);
}

#[test]
fn without_termination_protection_the_group_may_take_an_instance_that_runs_a_task() {
    // Four instances in zones a, b, c, a (ordinals 0–3); two tasks limited to zone a and spread
    // by instance sit on instances 0 and 3. M = 2, N = 4, CPR 50 < 100 for minutes 0–14 → at
    // 960 s toward 2, at most half of 4 = 2. Without managed termination protection the group
    // chooses by its own rule (the zone with the most instances, the newest there): instance 3
    // (zone a, running a task), then among 0, 1, 2 (one per zone) the newest, 2. The task on
    // instance 3 is drained (or, without managed draining, killed) and its service starts a
    // replacement, which can only go to instance 0: task_starts 2 + 1 = 3, 2 still running.
    // Later the group keeps shrinking toward M = 1 (instance 0 holds both tasks): 2 → 1.
    for draining in [true, false] {
        let r = run(two_in_zone_a(false, draining));
        let acts = acts_of(&r, "cluster-");
        assert_eq!(
            acts[0],
            (960.0, "cluster-scale-in", Some(4), Some(2)),
            "{draining}"
        );
        assert_eq!(acts.last().map(|a| a.3), Some(Some(1)), "{draining}");
        assert_eq!(r.services["a"].task_starts, 3, "{draining}");
        assert_eq!(r.services["a"].running_final, 2, "{draining}");
        assert_eq!(r.capacity.instances_final, 1, "{draining}");
    }
}

#[test]
fn instances_launching_into_a_zone_that_goes_down_are_launched_again_elsewhere() {
    // From an empty group: at 120 s managed scaling launches 10 instances over zones a, b, c
    // (fewest first: a, b, c, a, … → 4 / 3 / 3). Zone a is lost from 150 s (before any of them
    // registers, 90 s median after launch) to the end: its 4 launches fail and the group launches
    // them again in b and c. Every task still runs on 10 instances, and the cluster never holds
    // more than 10.
    let r = run(
        cas(0, 0, json!({"targetCapacity": 100}), true, 20, 20).fault(json!(
            {"type": "zoneOutage", "zone": "us-east-1a", "at": "150s", "duration": "3h"}
        )),
    );
    assert_eq!(
        acts_of(&r, "cluster-")[0],
        (120.0, "cluster-scale-out", Some(0), Some(10))
    );
    assert_eq!(r.services["app"].running_final, 20);
    assert_eq!(r.capacity.instances_final, 10);
    assert_eq!(r.capacity.instances_peak, 10);
    // The outage found no instance and no task in the zone yet.
    let outage = r
        .activities
        .iter()
        .find(|a| a.kind == "zone-outage")
        .expect("outage");
    assert!(
        outage
            .cause
            .to_string()
            .contains("0 instances and 0 Fargate tasks lost")
    );
}

#[test]
fn managed_draining_replaces_a_task_before_stopping_it() {
    // The scenario of without_termination_protection_…: at 960 s the group retires instance 3,
    // which runs one of the two tasks. With managed draining the task is replaced first
    // (maximumPercent 200 allows a third task) and stopped only once the replacement is healthy
    // (minimumHealthyPercent 100 keeps 2 healthy), so the service is never below its desired
    // count after start-up: its seconds below desired equal those of the same run where
    // termination protection keeps the instance (the same draws up to 960 s). Without draining
    // the task is killed at once and the service is below desired until the replacement is
    // healthy: strictly more.
    let kept = run(two_in_zone_a(true, true)).services["a"].seconds_below_desired;
    let drained = run(two_in_zone_a(false, true)).services["a"].seconds_below_desired;
    let killed = run(two_in_zone_a(false, false)).services["a"].seconds_below_desired;
    assert_eq!(drained, kept);
    assert!(killed > drained, "{killed} vs {drained}");
}

/// A managed Spot group `sg` of `types` from empty (target 100), `tasks` tasks of 1 vCPU /
/// 2 GiB, 1 h.
fn spot_group(types: &[&str], tasks: u32) -> Scenario {
    Scenario::new("spotgroup")
        .duration("1h")
        .seed(6)
        .group(
            Group::new("sg", types)
                .purchase("spot")
                .sizes(0, 20, 0)
                .managed(100)
                .protection(true),
        )
        .default_strategy("sg")
        .service(Service::new("app").size(1024, 2048).desired(tasks))
}

#[test]
fn without_spot_capacity_a_spot_groups_launches_wait_for_the_window_to_end() {
    // 20 tasks → 10 m5.large launched at 120 s, but no Spot capacity until 30 min: every
    // instance registers at 1800 s exactly, so the group holds 10 instances for the last
    // 30 minutes: 10 × 0.5 h = 5 instance-hours.
    let r = run(spot_group(&["m5.large"], 20).fault(json!(
        {"type": "spotCapacityUnavailable", "capacityProvider": "sg", "at": "0s",
         "duration": "30m"}
    )));
    assert_eq!(
        acts_of(&r, "cluster-")[0],
        (120.0, "cluster-scale-out", Some(0), Some(10))
    );
    assert_eq!(r.capacity.by_capacity_provider["sg"].instance_hours, 5.0);
    assert_eq!(r.services["app"].running_final, 20);
}

#[test]
fn a_spot_group_spreads_its_launches_over_its_instance_types() {
    // A Spot group of m5.large and m6i.large (same size: 2 tasks each): 20 tasks → 10 launches,
    // alternating types in launch order → 5 of each.
    let mut w = world(spot_group(&["m5.large", "m6i.large"], 20));
    w.run_until(30 * ecsim::engine::MINUTE);
    let count = |t: &str| {
        w.fleet
            .instances
            .iter()
            .filter(|i| i.instance_type == t)
            .count()
    };
    assert_eq!((count("m5.large"), count("m6i.large")), (5, 5));
}

#[test]
fn m_2_of_n_3_scales_in_at_target_100_and_out_at_target_50() {
    // Three m5.large, four tasks of 1 vCPU / 2 GiB binpacked two per instance: M = 2, N = 3,
    // CPR = 2/3 × 100 = 66.67 (aws-behaviour.md §2's worked example).
    // - targetCapacity 100: 66.67 < 100 for minutes 0–14 → at 16 × 60 = 960 s toward
    //   ceil(2 × 100 / 100) = 2 (half of 3 = 1 allowed): 3 → 2.
    // - targetCapacity 50: 66.67 > 50 at 120 s → launch clamp(ceil(2 × 100 / 50) − 3, 1, 10000)
    //   = 1: 3 → 4; then CPR = 2/4 × 100 = 50, at the target: nothing more.
    let m2n3 = |target: u32| {
        Scenario::new("m2n3")
            .duration("1h")
            .group(
                Group::new("g", &["m5.large"])
                    .sizes(0, 10, 3)
                    .managed(target)
                    .protection(true),
            )
            .default_strategy("g")
            .service(
                Service::new("a")
                    .size(1024, 2048)
                    .desired(4)
                    .placement("binpack", "cpu"),
            )
    };
    let at100 = run(m2n3(100));
    assert_eq!(
        acts_of(&at100, "cluster-"),
        [(960.0, "cluster-scale-in", Some(3), Some(2))]
    );
    assert!(
        at100.activities[0]
            .cause
            .to_string()
            .contains("CPR = M/N × 100 = 2/3 × 100 = 66.67 < 100")
    );
    let at50 = run(m2n3(50));
    assert_eq!(
        acts_of(&at50, "cluster-"),
        [(120.0, "cluster-scale-out", Some(3), Some(4))]
    );
    assert!(
        at50.activities[0]
            .cause
            .to_string()
            .contains("launch clamp(ceil(2 × 100 / 50) − 3, 1, 10000) = 1")
    );
}

#[test]
fn a_draining_scale_in_does_not_count_leaving_instances_again() {
    // Ten m5.large (zone a: ordinals 0, 3, 6, 9), four tasks held in zone a, one per instance,
    // behind a load balancer with a 600-s deregistration delay; no termination protection,
    // managed draining. Instances already draining are not counted as in service again: each
    // scale-in starts from the size the previous one left (the group only shrinks here), and the
    // four tasks (replaced on the zone-a instances left, which may then hold several) run at the
    // end.
    let r = run(Scenario::new("s2")
        .duration("1h")
        .group(
            Group::new("g", &["m5.large"])
                .sizes(1, 10, 10)
                .managed(100)
                .protection(false)
                .draining(true),
        )
        .default_strategy("g")
        .service(
            Service::new("a")
                .desired(4)
                .size(512, 1024)
                .load_balancer(json!({"deregistrationDelay": "600s"}))
                .placement("spread", "instanceId")
                .member_of("attribute:ecs.availability-zone == us-east-1a"),
        ));
    let acts = acts_of(&r, "cluster-");
    assert!(acts.iter().all(|a| a.1 == "cluster-scale-in"), "{acts:?}");
    for w in acts.windows(2) {
        assert_eq!(w[1].2, w[0].3, "{acts:?}");
    }
    assert_eq!(acts[0], (960.0, "cluster-scale-in", Some(10), Some(5)));
    assert_eq!(r.services["a"].running_final, 4);
}

#[test]
fn no_scale_out_is_recorded_while_every_zone_of_the_group_is_down() {
    // A one-zone managed group from empty with 4 tasks waiting; the zone is down from 0 to
    // 10 min: nothing can launch, so no cluster-scale-out is recorded before 10 min; after it
    // the group launches 2 instances for the 4 tasks.
    let r = run(Scenario::new("s6")
        .duration("40m")
        .zones(&["us-east-1a"])
        .group(Group::new("g", &["m5.large"]).sizes(0, 10, 0).managed(100))
        .default_strategy("g")
        .service(Service::new("a").desired(4).size(1024, 2048))
        .fault(json!(
            {"type": "zoneOutage", "zone": "us-east-1a", "at": "0s", "duration": "10m"}
        )));
    let acts = acts_of(&r, "cluster-");
    assert!(acts.iter().all(|a| a.0 >= 600.0), "{acts:?}");
    assert_eq!(acts[0].3, Some(2));
    assert_eq!(r.services["a"].running_final, 4);
}

/// A managed m5.large group (`instance_types`, minSize 1, maxSize 10, 1 instance at the start,
/// targetCapacity `target`) with `services`.
fn estimate_case(instance_types: &[&str], target: u32, services: Vec<Service>) -> Scenario {
    let mut s = Scenario::new("estimate").duration("1h").group(
        Group::new("pool", instance_types)
            .sizes(1, 10, 1)
            .managed(target),
    );
    s = s.default_strategy("pool");
    for svc in services {
        s = s.service(svc);
    }
    s
}

#[test]
fn waiting_tasks_with_the_same_requirements_are_packed_together_across_services() {
    // `full` fills the one m5.large (2 × 1,024 = 2,048 units); `a` and `b` each wait with one
    // identical task of 1,024 / 2,048. AWS groups the provisioning tasks by their exact
    // requirements: one group of 2 tasks, 2 an instance → M = 1 busy + ceil(2 / 2) = 2, N = 1,
    // CPR 200 → launch ceil(2 × 100 / 100) − 1 = 1 (1 → 2) at 120 s, and both tasks run on
    // it. (Packing each service apart gives M = 1 + 1 + 1 = 3 and launches 2.)
    let r = run(estimate_case(
        &["m5.large"],
        100,
        vec![
            Service::new("full").size(1024, 2048).desired(2),
            Service::new("a").size(1024, 2048).desired(1),
            Service::new("b").size(1024, 2048).desired(1),
        ],
    ));
    assert_eq!(
        acts_of(&r, "cluster-scale-out"),
        vec![(120.0, "cluster-scale-out", Some(1), Some(2))]
    );
    let cause = r.activities[0].cause.to_string();
    assert!(
        cause.ends_with(
            "; M = 1 with tasks + ceil(2 / 2) = 1 for a, b (1024 CPU units, 2048 MiB; 2048 / \
             1024 = 2 an instance, by CPU) = 2"
        ),
        "{cause}"
    );
    assert_eq!(
        r.services["a"].running_final + r.services["b"].running_final,
        2
    );
}

#[test]
fn tasks_larger_than_the_smallest_type_do_not_scale_the_group() {
    // A group of m5.2xlarge (8 vCPU = 8,192 units, launched first) and m5.large (2,048), one
    // m5.2xlarge at the start, targetCapacity 50; `big` wants 3 tasks of 4,096 / 4,096: 2 fit
    // on the m5.2xlarge, 1 waits. 4,096 units exceed the smallest type's 2,048: the task
    // "can't run with this capacity provider"; no other task waits, so CPR stays at the
    // targetCapacity, 50 — not above it, not below it: no scale-out and no scale-in in the hour
    // (1 instance running tasks, N = 1 would otherwise read 100 > 50 and launch). One
    // tasks-incompatible activity at the first measurement, 60 s, names the numbers.
    let r = run(estimate_case(
        &["m5.2xlarge", "m5.large"],
        50,
        vec![Service::new("big").size(4096, 4096).desired(3)],
    ));
    assert_eq!(acts_of(&r, "cluster-"), Vec::<crate::support::Act>::new());
    assert_eq!(
        acts_of(&r, "tasks-incompatible"),
        vec![(60.0, "tasks-incompatible", None, None)]
    );
    assert_eq!(
        r.activities[0].cause.to_string(),
        "1 waiting task of big (4096 CPU units, 4096 MiB) needs more CPU than the smallest \
         instance type offers (2048 on m5.large, after daemon tasks): it can't run with this \
         capacity provider, and managed scaling does not scale out for it"
    );
    assert_eq!(r.services["big"].running_final, 2);
    assert_eq!(r.placement.waiting_final, 1);
}
