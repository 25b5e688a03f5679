//! FARGATE_SPOT interruptions and capacity gaps (aws-behaviour.md §3, §5; issue 4).
//!
//! Start-up is pinned with fixed delays: a Fargate task created at t is PENDING at t + 5 s and
//! RUNNING at t + 10 s; a stop takes a fixed 2 s.

use ecsim::report::Report;

fn run(json: &str) -> Report {
    let s = ecsim::scenario::load_str(json, "test.json", None, &[]).expect("valid scenario");
    ecsim::run(s, &ecsim::RunOptions::default()).expect("run")
}

/// A web service of `desired` tasks on FARGATE (base 2, weight 1) + FARGATE_SPOT (weight 3),
/// with `faults`.
fn scenario(duration: &str, desired: u32, faults: &str) -> String {
    format!(
        r#"{{"name": "spot", "duration": "{duration}", "seed": 3,
          "capacityProviders": [{{"name": "FARGATE"}}, {{"name": "FARGATE_SPOT"}}],
          "services": [{{"serviceName": "web", "desiredCount": {desired},
            "taskDefinition": {{"family": "web", "cpu": "256", "memory": "512"}},
            "capacityProviderStrategy": [
              {{"capacityProvider": "FARGATE", "base": 2, "weight": 1}},
              {{"capacityProvider": "FARGATE_SPOT", "weight": 3}}],
            "model": {{"fargateProvisioning": {{"distribution": "fixed", "value": "5s"}},
                       "fargateImagePull": {{"distribution": "fixed", "value": "5s"}},
                       "taskStopDuration": {{"distribution": "fixed", "value": "2s"}}}}}}],
          "faults": [{faults}]}}"#
    )
}

#[test]
fn a_scheduled_fraction_interrupts_that_share_and_replacements_go_back_to_spot() {
    // 10 tasks: FARGATE base 2 + weight 1, FARGATE_SPOT weight 3 → 4 on FARGATE, 6 on
    // FARGATE_SPOT. At 1h half of the 6 Spot tasks (0.5 × 6 = 3) are interrupted: stopped at
    // once, and the service starts 3 replacements, which the strategy sends to FARGATE_SPOT
    // again (it is the entry below its share), never to FARGATE: 13 starts, 4 / 6 at the end.
    let r = run(&scenario(
        "2h",
        10,
        r#"{"type": "spotInterruptions", "name": "half", "capacityProvider": "FARGATE_SPOT",
            "schedule": [{"at": "1h", "fraction": 0.5}]}"#,
    ));
    assert_eq!(r.interruptions.fargate_spot, 3);
    let spot: Vec<_> = r
        .activities
        .iter()
        .filter(|a| a.kind == "spot-interruption")
        .collect();
    assert_eq!(spot.len(), 3);
    assert!(spot.iter().all(|a| a.time_s == 3600.0));
    assert!(spot[0].cause.contains("3 of 6 tasks"), "{}", spot[0].cause);
    let web = &r.services["web"];
    assert_eq!(web.task_starts, 13);
    assert_eq!(web.tasks_final_by_capacity_provider["FARGATE"], 4);
    assert_eq!(web.tasks_final_by_capacity_provider["FARGATE_SPOT"], 6);
    // Each replacement runs 12 s after the interruption (created at once, RUNNING 10 s later,
    // healthy 40 s after that): below desired from 3600 s to 3650 s plus the start-up.
    assert!(web.seconds_below_desired >= 50.0);
}

#[test]
fn under_a_high_interruption_rate_the_service_keeps_returning_to_its_desired_count() {
    // 2 interruptions per task-hour on 6 Spot tasks for 6 hours: about 6 × 6 × 2 = 72 expected.
    // Every interruption is counted once and logged once; the service ends at 10 tasks, 4 on
    // FARGATE and 6 on FARGATE_SPOT, and started 10 + one replacement per interruption.
    let r = run(&scenario(
        "6h",
        10,
        r#"{"type": "spotInterruptions", "capacityProvider": "FARGATE_SPOT", "perTaskHour": 2}"#,
    ));
    let n = r.interruptions.fargate_spot;
    assert!((40..=110).contains(&n), "{n} interruptions");
    let logged = r
        .activities
        .iter()
        .filter(|a| a.kind == "spot-interruption")
        .count() as u64;
    assert_eq!(logged, n);
    let web = &r.services["web"];
    assert_eq!(web.task_starts, 10 + n);
    assert_eq!(web.tasks_final_by_capacity_provider["FARGATE"], 4);
    assert_eq!(web.tasks_final_by_capacity_provider["FARGATE_SPOT"], 6);
}

#[test]
fn without_spot_capacity_new_spot_tasks_wait_and_never_fall_back_to_fargate() {
    // Spot capacity is unavailable from 0 to 30 min: the 6 FARGATE_SPOT tasks stay in
    // PROVISIONING (the 4 FARGATE tasks run at 10 s) and provision when the window ends:
    // PENDING at 1800 s, RUNNING at 1805 s. Nothing moves to FARGATE.
    let r = run(&scenario(
        "1h",
        10,
        r#"{"type": "spotCapacityUnavailable", "capacityProvider": "FARGATE_SPOT",
            "at": "0s", "duration": "30m"}"#,
    ));
    let web = &r.services["web"];
    assert_eq!(web.task_starts, 10);
    assert_eq!(web.tasks_final_by_capacity_provider["FARGATE_SPOT"], 6);
    assert_eq!(web.tasks_final_by_capacity_provider["FARGATE"], 4);
    // Task-hours on FARGATE_SPOT: 6 tasks from 1800 s to 3600 s = 6 × 0.5 h = 3 h.
    assert_eq!(
        r.capacity.by_capacity_provider["FARGATE_SPOT"].task_hours,
        3.0
    );
}
