//! Cluster auto scaling (aws-behaviour.md §2): CapacityProviderReservation and the managed
//! scaling of Auto Scaling group providers.
//!
//! Model facts the derivations use: minute k is measured at its end ((k + 1) × 60 s) and acts
//! `model.clusterMetricDelay` (60 s) later, at (k + 2) × 60 s; AlarmHigh needs 1 datapoint above
//! targetCapacity, AlarmLow 15 below; an m5.large registers 2 vCPU (2048 units) and
//! 8192 × 0.975 = 7987 MiB, so it holds two tasks of 1 vCPU / 2 GiB (CPU binds: 2048 / 1024 = 2).

use ecsim::model::cluster::cpr;
use ecsim::report::Report;

fn run(json: &str) -> Report {
    let s = ecsim::scenario::load_str(json, "test.json", None, &[]).expect("valid scenario");
    ecsim::run(s, &ecsim::RunOptions::default()).expect("run")
}

/// (time_s, kind, from, to) of the cluster activities.
fn cluster_acts(r: &Report) -> Vec<(f64, &'static str, Option<u32>, Option<u32>)> {
    r.activities
        .iter()
        .filter(|a| a.kind.as_str().starts_with("cluster-"))
        .map(|a| (a.time_s, a.kind.as_str(), a.from, a.to))
        .collect()
}

/// One m5.large group `asg` (minSize `min`, maxSize 20, `desired` at the start, managed scaling
/// with `managed`), and a service `app` of `tasks` tasks of 1 vCPU / 2 GiB on it; from 1h its
/// MaxCapacity drops to `later`.
fn scenario(
    desired: u32,
    min: u32,
    managed: &str,
    protect: bool,
    tasks: u32,
    later: u32,
) -> String {
    format!(
        r#"{{"name": "cas", "duration": "2h",
          "capacityProviders": [{{"name": "asg", "autoScalingGroupProvider": {{
            "autoScalingGroup": {{"instanceTypes": ["m5.large"], "minSize": {min},
                                  "maxSize": 20, "desiredCapacity": {desired}}},
            "managedScaling": {{"status": "ENABLED", {managed}}},
            "managedTerminationProtection": "{}"}}}}],
          "defaultCapacityProviderStrategy": [{{"capacityProvider": "asg", "weight": 1}}],
          "services": [{{"serviceName": "app",
            "taskDefinition": {{"family": "app", "cpu": "1024", "memory": "2048"}},
            "desiredCount": {tasks},
            "autoScaling": {{"MinCapacity": 0, "MaxCapacity": 20, "scheduledActions": [
              {{"ScheduledActionName": "later", "Schedule": "at(2026-01-05T01:00:00)",
                "ScalableTargetAction": {{"MinCapacity": 0, "MaxCapacity": {later}}}}}]}}}}]}}"#,
        if protect { "ENABLED" } else { "DISABLED" }
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
    let r = run(&scenario(0, 0, r#""targetCapacity": 100"#, true, 20, 0));
    let acts = cluster_acts(&r);
    assert_eq!(acts[0], (120.0, "cluster-scale-out", Some(0), Some(10)));
    assert!(
        r.activities[0]
            .cause
            .to_string()
            .contains("launch clamp(ceil(10 × 100 / 100) − 0, 1, 10000) = 10")
    );
    // Issue 4: all 20 run within 15 minutes on no more than 11 instances. Instances register
    // 90 s (median) to 180 s (p95) after launch; each takes two tasks.
    let ts = String::from_utf8(
        match &r.tables.iter().find(|f| f.0 == "timeseries.csv").unwrap().1 {
            ecsim::report::series::Finished::Memory(b) => b.clone(),
            _ => unreachable!("in memory"),
        },
    )
    .unwrap();
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
    // (4800 s = 20 minutes after the drop, within the issue's 25).
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
    let r = run(&scenario(
        0,
        0,
        r#""targetCapacity": 100, "maximumScalingStepSize": 3, "instanceWarmupPeriod": 300"#,
        true,
        20,
        20,
    ));
    assert_eq!(
        cluster_acts(&r),
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
    let r = run(&scenario(3, 0, r#""targetCapacity": 50"#, true, 4, 4));
    assert_eq!(
        cluster_acts(&r),
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
    let r = run(&scenario(4, 1, r#""targetCapacity": 100"#, true, 2, 2));
    assert_eq!(
        cluster_acts(&r),
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
    let text = ecsim::bundled::get("binpack-vs-spread-managed").expect("bundled");
    let s = ecsim::scenario::load_str(text, "b.json", None, &[]).expect("valid");
    let r = ecsim::run(s, &ecsim::RunOptions::default()).expect("run");
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
    for draining in ["ENABLED", "DISABLED"] {
        let json = format!(
            r#"{{"name": "unprot", "duration": "1h",
              "capacityProviders": [{{"name": "g", "autoScalingGroupProvider": {{
                "autoScalingGroup": {{"instanceTypes": ["m5.large"], "minSize": 1, "maxSize": 10,
                                      "desiredCapacity": 4}},
                "managedScaling": {{"status": "ENABLED", "targetCapacity": 100}},
                "managedTerminationProtection": "DISABLED", "managedDraining": "{draining}"}}}}],
              "defaultCapacityProviderStrategy": [{{"capacityProvider": "g", "weight": 1}}],
              "services": [{{"serviceName": "a",
                "taskDefinition": {{"family": "a", "cpu": "512", "memory": "1024"}},
                "desiredCount": 2,
                "placementStrategy": [{{"type": "spread", "field": "instanceId"}}],
                "placementConstraints": [{{"type": "memberOf",
                  "expression": "attribute:ecs.availability-zone == us-east-1a"}}]}}]}}"#
        );
        let r = run(&json);
        let acts = cluster_acts(&r);
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
    let json = scenario(0, 0, r#""targetCapacity": 100"#, true, 20, 20).replacen(
        r#""duration": "2h","#,
        r#""duration": "2h", "faults": [{"type": "zoneOutage", "zone": "us-east-1a",
            "at": "150s", "duration": "3h"}],"#,
        1,
    );
    let r = run(&json);
    assert_eq!(
        cluster_acts(&r)[0],
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
    let json = |protect: &str, draining: &str| {
        format!(
            r#"{{"name": "unprot", "duration": "1h",
              "capacityProviders": [{{"name": "g", "autoScalingGroupProvider": {{
                "autoScalingGroup": {{"instanceTypes": ["m5.large"], "minSize": 1, "maxSize": 10,
                                      "desiredCapacity": 4}},
                "managedScaling": {{"status": "ENABLED", "targetCapacity": 100}},
                "managedTerminationProtection": "{protect}", "managedDraining": "{draining}"}}}}],
              "defaultCapacityProviderStrategy": [{{"capacityProvider": "g", "weight": 1}}],
              "services": [{{"serviceName": "a",
                "taskDefinition": {{"family": "a", "cpu": "512", "memory": "1024"}},
                "desiredCount": 2,
                "placementStrategy": [{{"type": "spread", "field": "instanceId"}}],
                "placementConstraints": [{{"type": "memberOf",
                  "expression": "attribute:ecs.availability-zone == us-east-1a"}}]}}]}}"#
        )
    };
    let kept = run(&json("ENABLED", "ENABLED")).services["a"].seconds_below_desired;
    let drained = run(&json("DISABLED", "ENABLED")).services["a"].seconds_below_desired;
    let killed = run(&json("DISABLED", "DISABLED")).services["a"].seconds_below_desired;
    assert_eq!(drained, kept);
    assert!(killed > drained, "{killed} vs {drained}");
}

/// A managed Spot group of `types` from empty, `tasks` tasks of 1 vCPU / 2 GiB, 1 h, `faults`.
fn spot_group(types: &str, tasks: u32, faults: &str) -> String {
    format!(
        r#"{{"name": "spotgroup", "duration": "1h", "seed": 6,
          "capacityProviders": [{{"name": "sg", "autoScalingGroupProvider": {{
            "autoScalingGroup": {{"instanceTypes": [{types}], "purchaseOption": "spot",
                                  "minSize": 0, "maxSize": 20, "desiredCapacity": 0}},
            "managedScaling": {{"status": "ENABLED", "targetCapacity": 100}},
            "managedTerminationProtection": "ENABLED"}}}}],
          "defaultCapacityProviderStrategy": [{{"capacityProvider": "sg", "weight": 1}}],
          "services": [{{"serviceName": "app",
            "taskDefinition": {{"family": "app", "cpu": "1024", "memory": "2048"}},
            "desiredCount": {tasks}}}],
          "faults": [{faults}]}}"#
    )
}

#[test]
fn without_spot_capacity_a_spot_groups_launches_wait_for_the_window_to_end() {
    // 20 tasks → 10 m5.large launched at 120 s, but no Spot capacity until 30 min: every
    // instance registers at 1800 s exactly, so the group holds 10 instances for the last
    // 30 minutes: 10 × 0.5 h = 5 instance-hours.
    let r = run(&spot_group(
        r#""m5.large""#,
        20,
        r#"{"type": "spotCapacityUnavailable", "capacityProvider": "sg", "at": "0s",
            "duration": "30m"}"#,
    ));
    assert_eq!(
        cluster_acts(&r)[0],
        (120.0, "cluster-scale-out", Some(0), Some(10))
    );
    assert_eq!(r.capacity.by_capacity_provider["sg"].instance_hours, 5.0);
    assert_eq!(r.services["app"].running_final, 20);
}

#[test]
fn a_spot_group_spreads_its_launches_over_its_instance_types() {
    // A Spot group of m5.large and m6i.large (same size: 2 tasks each): 20 tasks → 10 launches,
    // alternating types in launch order → 5 of each.
    let text = spot_group(r#""m5.large", "m6i.large""#, 20, "");
    let s = ecsim::scenario::load_str(&text, "t.json", None, &[]).expect("valid");
    let mut w = ecsim::model::world::World::new(s, false);
    w.run_until(30 * ecsim::engine::MINUTE);
    let count = |t: &str| w.instances.iter().filter(|i| i.instance_type == t).count();
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
    let json = |target: u32| {
        format!(
            r#"{{"name": "m2n3", "duration": "1h",
              "capacityProviders": [{{"name": "g", "autoScalingGroupProvider": {{
                "autoScalingGroup": {{"instanceTypes": ["m5.large"], "minSize": 0, "maxSize": 10,
                                      "desiredCapacity": 3}},
                "managedScaling": {{"status": "ENABLED", "targetCapacity": {target}}},
                "managedTerminationProtection": "ENABLED"}}}}],
              "defaultCapacityProviderStrategy": [{{"capacityProvider": "g", "weight": 1}}],
              "services": [{{"serviceName": "a",
                "taskDefinition": {{"family": "a", "cpu": "1024", "memory": "2048"}},
                "desiredCount": 4,
                "placementStrategy": [{{"type": "binpack", "field": "cpu"}}]}}]}}"#
        )
    };
    let at100 = run(&json(100));
    assert_eq!(
        cluster_acts(&at100),
        [(960.0, "cluster-scale-in", Some(3), Some(2))]
    );
    assert!(
        at100.activities[0]
            .cause
            .to_string()
            .contains("CPR = M/N × 100 = 2/3 × 100 = 66.67 < 100")
    );
    let at50 = run(&json(50));
    assert_eq!(
        cluster_acts(&at50),
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
    let json = r#"{"name": "s2", "duration": "1h",
        "capacityProviders": [{"name": "g", "autoScalingGroupProvider": {
          "autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 1, "maxSize": 10,
                               "desiredCapacity": 10},
          "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
          "managedTerminationProtection": "DISABLED", "managedDraining": "ENABLED"}}],
        "defaultCapacityProviderStrategy": [{"capacityProvider": "g", "weight": 1}],
        "services": [{"serviceName": "a", "desiredCount": 4,
          "taskDefinition": {"family": "a", "cpu": "512", "memory": "1024"},
          "loadBalancer": {"deregistrationDelay": "600s"},
          "placementStrategy": [{"type": "spread", "field": "instanceId"}],
          "placementConstraints": [{"type": "memberOf",
            "expression": "attribute:ecs.availability-zone == us-east-1a"}]}]}"#;
    let r = run(json);
    let acts = cluster_acts(&r);
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
    let json = r#"{"name": "s6", "duration": "40m",
        "availabilityZones": ["us-east-1a"],
        "capacityProviders": [{"name": "g", "autoScalingGroupProvider": {
          "autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 0, "maxSize": 10,
                               "desiredCapacity": 0},
          "managedScaling": {"status": "ENABLED", "targetCapacity": 100}}}],
        "defaultCapacityProviderStrategy": [{"capacityProvider": "g", "weight": 1}],
        "services": [{"serviceName": "a", "desiredCount": 4,
          "taskDefinition": {"family": "a", "cpu": "1024", "memory": "2048"}}],
        "faults": [{"type": "zoneOutage", "zone": "us-east-1a", "at": "0s", "duration": "10m"}]}"#;
    let r = run(json);
    let acts = cluster_acts(&r);
    assert!(acts.iter().all(|a| a.0 >= 600.0), "{acts:?}");
    assert_eq!(acts[0].3, Some(2));
    assert_eq!(r.services["a"].running_final, 4);
}
