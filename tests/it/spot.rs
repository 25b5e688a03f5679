//! FARGATE_SPOT interruptions and capacity gaps (aws-behaviour.md §3, §5; issue 4).
//!
//! Start-up is pinned with fixed delays: a Fargate task created at t is PENDING at t + 5 s and
//! RUNNING at t + 10 s; a stop takes a fixed 2 s.

use crate::support::scenario::{Group, Scenario, Service, fixed};
use crate::support::{run, run_bundled, table};
use serde_json::json;

/// A web service of `desired` tasks of 256 / 512 on FARGATE (base 2, weight 1) +
/// FARGATE_SPOT (weight 3), start-up and stop pinned; `duration` long, seed 3.
fn scenario(duration: &str, desired: u32) -> Scenario {
    Scenario::new("spot")
        .duration(duration)
        .seed(3)
        .fargate()
        .fargate_spot()
        .service(
            Service::new("web")
                .desired(desired)
                .size(256, 512)
                .strategy(&[("FARGATE", 2, 1), ("FARGATE_SPOT", 0, 3)])
                .fargate_startup("5s", "5s")
                .stop_takes("2s"),
        )
}

#[test]
fn a_scheduled_fraction_interrupts_that_share_and_replacements_go_back_to_spot() {
    // 10 tasks: FARGATE base 2 + weight 1, FARGATE_SPOT weight 3 → 4 on FARGATE, 6 on
    // FARGATE_SPOT. At 1h half of the 6 Spot tasks (0.5 × 6 = 3) are interrupted: stopped at
    // once, and the service starts 3 replacements, which the strategy sends to FARGATE_SPOT
    // again (it is the entry below its share), never to FARGATE: 13 starts, 4 / 6 at the end.
    let r = run(scenario("2h", 10).fault(json!(
        {"type": "spotInterruptions", "name": "half", "capacityProvider": "FARGATE_SPOT",
         "schedule": [{"at": "1h", "fraction": 0.5}]}
    )));
    assert_eq!(r.interruptions.fargate_spot, 3);
    let spot: Vec<_> = r
        .activities
        .iter()
        .filter(|a| a.kind == "spot-interruption")
        .collect();
    assert_eq!(spot.len(), 3);
    assert!(spot.iter().all(|a| a.time_s == 3600.0));
    assert!(
        spot[0].cause.to_string().contains("3 of 6 tasks"),
        "{}",
        spot[0].cause
    );
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
    let r = run(scenario("6h", 10).fault(json!(
        {"type": "spotInterruptions", "capacityProvider": "FARGATE_SPOT", "perTaskHour": 2}
    )));
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
    let r = run(scenario("1h", 10).fault(json!(
        {"type": "spotCapacityUnavailable", "capacityProvider": "FARGATE_SPOT",
         "at": "0s", "duration": "30m"}
    )));
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

/// Ten Spot m5.large instances in zones a, b, c (unmanaged group: it keeps 10 by replacing what
/// is reclaimed; managed draining `draining`), 20 tasks of 512 CPU units / 1 GiB spread by
/// instance (2 each; 4 would fit). Seed 5.
fn ec2(duration: &str, draining: bool) -> Scenario {
    Scenario::new("ec2spot")
        .duration(duration)
        .seed(5)
        .group(
            Group::new("spot", &["m5.large"])
                .purchase("spot")
                .fixed(10)
                .draining(draining),
        )
        .default_strategy("spot")
        .service(
            Service::new("app")
                .desired(20)
                .size(512, 1024)
                .placement("spread", "instanceId"),
        )
}

#[test]
fn reclaimed_spot_instances_are_replaced_and_their_tasks_move() {
    // At 1h, 0.2 × 10 = 2 instances get the two-minute notice. With managed draining their 4
    // tasks stop at once and start again on the other 8 instances (room for 4 each); without
    // it they run until the instances are reclaimed at 3720 s and are killed then. Either way:
    // 2 interruptions, 20 + 4 = 24 task starts, 20 running at the end, and the group, which
    // replaces what is reclaimed, ends with 10 instances and never has more than 10.
    for draining in [true, false] {
        let r = run(ec2("2h", draining).fault(json!(
            {"type": "spotInterruptions", "name": "reclaim", "capacityProvider": "spot",
             "schedule": [{"at": "1h", "fraction": 0.2}]}
        )));
        assert_eq!(r.interruptions.ec2_spot, 2, "{draining}");
        assert_eq!(r.interruptions.fargate_spot, 0, "{draining}");
        let notices: Vec<_> = r
            .activities
            .iter()
            .filter(|a| a.kind == "spot-interruption")
            .collect();
        assert_eq!(notices.len(), 2, "{draining}");
        assert!(notices.iter().all(|a| a.time_s == 3600.0));
        assert_eq!(r.services["app"].task_starts, 24, "{draining}");
        assert_eq!(r.services["app"].running_final, 20, "{draining}");
        assert_eq!(r.capacity.instances_final, 10, "{draining}");
        assert_eq!(r.capacity.instances_peak, 10, "{draining}");
        // With managed draining each noticed instance is set to DRAINING at the notice, with
        // its 2 tasks to move: one `instance-draining` activity each; without it none.
        let drains: Vec<_> = r
            .activities
            .iter()
            .filter(|a| a.kind == "instance-draining")
            .collect();
        if draining {
            assert_eq!(drains.len(), 2);
            for d in drains {
                assert_eq!(d.time_s, 3600.0);
                assert_eq!(d.capacity_provider.as_deref(), Some("spot"));
                assert!(
                    d.cause
                        .to_string()
                        .starts_with("EC2 Spot interruption notice: instance i-"),
                    "{}",
                    d.cause
                );
                assert!(
                    d.cause.to_string().contains("2 task(s) on it are replaced"),
                    "{}",
                    d.cause
                );
            }
        } else {
            assert!(drains.is_empty());
        }
    }
}

#[test]
fn per_zone_rates_interrupt_only_where_they_apply() {
    // perInstanceHour 0 everywhere except us-east-1a at 2 per instance-hour: 4 of the 10
    // instances (ordinals 0, 3, 6, 9) are in zone a, about 4 × 2 × 3 h = 24 notices expected
    // in 3 hours; every one names us-east-1a.
    let r = run(ec2("3h", true).fault(json!(
        {"type": "spotInterruptions", "capacityProvider": "spot", "perInstanceHour": 0,
         "byZone": {"us-east-1a": 2}}
    )));
    let notices: Vec<_> = r
        .activities
        .iter()
        .filter(|a| a.kind == "spot-interruption")
        .collect();
    assert_eq!(notices.len() as u64, r.interruptions.ec2_spot);
    assert!((8..=45).contains(&notices.len()), "{}", notices.len());
    assert!(
        notices
            .iter()
            .all(|a| a.cause.to_string().contains("in us-east-1a"))
    );
    // The group replaces each reclaimed instance, so it never holds more than its 10 (at the end
    // some replacements may still be launching).
    assert_eq!(r.capacity.instances_peak, 10);
}

#[test]
fn capacity_csv_has_each_providers_tasks_and_reservations_each_minute() {
    // No fault: 10 tasks of 256 CPU units / 512 MiB, 4 on FARGATE and 6 on FARGATE_SPOT, all
    // holding capacity from 5 s. The row at 600 s: FARGATE 4 tasks, 4 × 256 = 1024 units,
    // 4 × 512 = 2048 MiB; FARGATE_SPOT 6, 1536, 3072; no instances; the service has no load, so
    // it uses nothing (the float columns used_cpu_units and used_memory_mib: `0.0`). Cumulative cost: each task is billed from 5 s at 0.25 × 0.04048 +
    // 0.5 × 0.004445 = 0.0123425 USD/h, so at 600 s FARGATE has 4 × 0.0123425 × 595 / 3600
    // = 0.00815976 → 0.00816 (six decimals), and FARGATE_SPOT 6 × 0.0123425 × 0.3295585 (the
    // default Spot price factor 0.01334053 / 0.04048) × 595 / 3600 = 0.00403368 → 0.004034.
    let r = run(scenario("20m", 10));
    let csv = table(&r, "capacity.csv");
    let rows: Vec<&str> = csv.lines().filter(|l| l.starts_with("600,")).collect();
    assert_eq!(
        rows,
        [
            "600,FARGATE,0,4,1024,2048,0.0,0.0,0.00816",
            "600,FARGATE_SPOT,0,6,1536,3072,0.0,0.0,0.004034"
        ]
    );
    assert!(csv.starts_with(
        "time_s,capacity_provider,instances,tasks,reserved_cpu_units,reserved_memory_mib,\
         used_cpu_units,used_memory_mib,cumulative_cost_usd\n"
    ));
}

/// 9 tasks of 256 / 512 on FARGATE only (launch type), 2 h, seed 1.
fn nine_fargate_tasks() -> Scenario {
    Scenario::new("zone")
        .duration("2h")
        .seed(1)
        .fargate()
        .service(Service::new("web").desired(9).fargate().size(256, 512))
}

/// Six on-demand m5.large in group `g` (fixed) and a service `app` of six tasks of 512 / 1024.
fn six_instances(name: &str, duration: &str, seed: u64) -> Scenario {
    Scenario::new(name)
        .duration(duration)
        .seed(seed)
        .group(Group::new("g", &["m5.large"]).fixed(6))
        .default_strategy("g")
        .service(Service::new("app").desired(6).size(512, 1024))
}

#[test]
fn a_zone_outage_loses_its_fargate_tasks_and_launches_elsewhere_until_it_recovers() {
    // 9 tasks on FARGATE only (launch type): zones balanced 3 / 3 / 3. us-east-1a is lost from
    // 1h for 30 min: its 3 tasks are gone at 3600 s and the service starts 3 replacements, which
    // avoid the lost zone (2 each to b and c, … by fewest tasks among b and c). After 5400 s
    // the zone may take tasks again, but nothing moves back: 9 + 3 = 12 starts.
    let r = run(nine_fargate_tasks().fault(json!(
        {"type": "zoneOutage", "name": "az-a", "zone": "us-east-1a", "at": "1h", "duration": "30m"}
    )));
    let kinds: Vec<(f64, &str)> = r
        .activities
        .iter()
        .map(|a| (a.time_s, a.kind.as_str()))
        .collect();
    assert_eq!(kinds, [(3600.0, "zone-outage"), (5400.0, "zone-recovered")]);
    assert!(
        r.activities[0]
            .cause
            .to_string()
            .contains("0 instances and 3 Fargate tasks lost"),
        "{}",
        r.activities[0].cause
    );
    assert_eq!(r.services["web"].task_starts, 12);
    assert_eq!(r.services["web"].running_final, 9);
}

#[test]
fn a_zone_outage_takes_the_zones_instances_and_the_group_replaces_them_elsewhere() {
    // Six on-demand m5.large round-robin over a, b, c (ordinals 0–5: a, b, c, a, b, c); six
    // tasks of 512 CPU units spread by zone: 2 per zone. Zone a is lost at 1h: instances 0 and 3
    // and their 2 tasks go; the tasks restart on the 4 instances left (room for 4 each) and the
    // group (which keeps 6) launches 2 replacements in b and c. 6 + 2 = 8 task starts; 6
    // instances at the end, never more than 6.
    let r = run(six_instances("zone-ec2", "2h", 1).fault(json!(
        {"type": "zoneOutage", "zone": "us-east-1a", "at": "1h", "duration": "30m"}
    )));
    assert!(
        r.activities[0]
            .cause
            .to_string()
            .contains("2 instances and 0 Fargate tasks lost, 2 tasks on those instances killed"),
        "{}",
        r.activities[0].cause
    );
    assert_eq!(r.services["app"].task_starts, 8);
    assert_eq!(r.services["app"].running_final, 6);
    assert_eq!(r.capacity.instances_final, 6);
    assert_eq!(r.capacity.instances_peak, 6);
}

#[test]
fn failed_instances_lose_their_tasks_and_are_replaced() {
    // Six on-demand m5.large failing at 1 per instance-hour for 3 hours (about 18 failures).
    // Each failure is one `instance-failure` activity naming the tasks it lost; the service
    // starts one replacement per lost task, so task starts = 6 + the tasks the causes name; the
    // group replaces each failed instance, so it never holds more than 6.
    let r = run(six_instances("fail", "3h", 2).fault(json!(
        {"type": "instanceFailures", "capacityProvider": "g", "perInstanceHour": 1}
    )));
    let failures: Vec<_> = r
        .activities
        .iter()
        .filter(|a| a.kind == "instance-failure")
        .collect();
    assert_eq!(failures.len() as u64, r.interruptions.instance_failures);
    assert!((5..=40).contains(&failures.len()), "{}", failures.len());
    let lost: u64 = failures
        .iter()
        .map(|a| {
            let cause = a.cause.to_string();
            let after = cause.split("): ").nth(1).expect("cause names the loss");
            after.split(' ').next().unwrap().parse::<u64>().unwrap()
        })
        .sum();
    assert_eq!(r.services["app"].task_starts, 6 + lost);
    assert_eq!(r.capacity.instances_peak, 6);
}

#[test]
fn crashed_tasks_are_replaced_one_for_one() {
    // A Fargate service of 4 tasks crashing at 1 per task-hour for 3 hours (about 12 crashes):
    // each crash is one `task-crash` activity and one replacement start.
    let r = run(Scenario::new("crash")
        .duration("3h")
        .seed(2)
        .fargate()
        .service(Service::new("web").desired(4).fargate().size(256, 512))
        .fault(json!({"type": "taskCrashes", "service": "web", "perTaskHour": 1})));
    let crashes = r
        .activities
        .iter()
        .filter(|a| a.kind == "task-crash")
        .count() as u64;
    assert_eq!(crashes, r.interruptions.task_crashes);
    assert!((3..=30).contains(&crashes), "{crashes}");
    assert_eq!(r.services["web"].task_starts, 4 + crashes);
    assert_eq!(r.services["web"].desired_final, 4);
}

#[test]
fn losing_a_zone_costs_binpack_more_than_spread() {
    // Bundled zone-outage-binpack-vs-spread. Binpack on memory fills instance 0 (zone a) and
    // then instance 1 (zone b) with 4 tasks each; spread by zone puts 3 / 3 / 2 (a, b, c). Zone a
    // is lost at 1h: binpack loses 4 tasks, spread 3 → 8 + 4 = 12 and 8 + 3 = 11 task starts.
    // Until the replacements pass their health checks, binpack serves 4 × 100 = 400 of 600 rps
    // (200 rejected a second), spread 5 × 100 = 500 (100 rejected): binpack rejects more.
    let r = run_bundled("zone-outage-binpack-vs-spread");
    assert_eq!(r.services["packed"].task_starts, 12);
    assert_eq!(r.services["spread"].task_starts, 11);
    let rejected = |s: &str| {
        let a = &r.availability.by_service[s];
        a.offered_requests - a.served_requests
    };
    assert!(rejected("packed") > rejected("spread"));
    assert!(rejected("spread") > 0.0);
}

#[test]
fn tasks_lost_counts_every_task_a_fault_stopped() {
    // Zone a lost at 1h: 3 Fargate tasks of 9 (3 per zone) are gone → tasks_lost 3.
    let zone_a = json!({"type": "zoneOutage", "zone": "us-east-1a", "at": "1h", "duration": "30m"});
    assert_eq!(
        run(nine_fargate_tasks().fault(zone_a))
            .interruptions
            .tasks_lost,
        3
    );
    // The scheduled Spot reclaim of a_scheduled_fraction_interrupts_that_share…: 3 tasks.
    let r = run(scenario("2h", 10).fault(json!(
        {"type": "spotInterruptions", "capacityProvider": "FARGATE_SPOT",
         "schedule": [{"at": "1h", "fraction": 0.5}]}
    )));
    assert_eq!(r.interruptions.tasks_lost, 3);
}

#[test]
fn a_job_killed_with_its_instance_is_retried_or_lost_as_configured() {
    // Two m5.large (zones a and b), two 10-minute jobs submitted at 1 min and spread by instance
    // (one each). Zone a is lost at 5 min: the job there is killed. With `retry` it starts again
    // on the instance left (room for two) and both complete; with `lose` it is dropped.
    let jobs = |on: &str| {
        Scenario::new("jobs")
            .duration("1h")
            .seed(1)
            .zones(&["us-east-1a", "us-east-1b"])
            .group(Group::new("g", &["m5.large"]).fixed(2))
            .job(json!({"name": "etl",
                "capacityProviderStrategy": [{"capacityProvider": "g", "weight": 1}],
                "taskDefinition": {"family": "etl", "cpu": "1024", "memory": "2048"},
                "placementStrategy": [{"type": "spread", "field": "instanceId"}],
                "arrivals": {"process": "schedule", "schedule": [{"at": "1m", "count": 2}]},
                "runtime": fixed("10m"),
                "onInterruption": on}))
            .fault(json!(
                {"type": "zoneOutage", "zone": "us-east-1a", "at": "5m", "duration": "10m"}
            ))
    };
    let retried = run(jobs("retry"));
    let j = &retried.batch_jobs["etl"];
    assert_eq!((j.retried, j.lost, j.completed, j.unfinished), (1, 0, 2, 0));
    let lost = run(jobs("lose"));
    let j = &lost.batch_jobs["etl"];
    assert_eq!((j.retried, j.lost, j.completed, j.unfinished), (0, 1, 1, 0));
    // Each is an activity at the outage (300 s) naming the job stream.
    for (r, kind) in [(&retried, "job-retried"), (&lost, "job-lost")] {
        let acts: Vec<_> = r
            .activities
            .iter()
            .filter(|a| a.kind.as_str().starts_with("job-"))
            .collect();
        assert_eq!(acts.len(), 1, "{kind}");
        assert_eq!((acts[0].kind.as_str(), acts[0].time_s), (kind, 300.0));
        assert_eq!(acts[0].service.as_deref(), Some("etl"));
        assert!(
            acts[0]
                .cause
                .to_string()
                .starts_with("its task was killed; onInterruption"),
            "{}",
            acts[0].cause
        );
    }
}

#[test]
fn a_zone_outage_does_not_stop_tasks_that_are_already_stopping() {
    // 6 FARGATE_SPOT tasks behind a load balancer (60 s deregistration delay) all interrupted
    // at 10 min (fraction 1): they drain until 10 min + 60 s + 2 s. Zone a is lost at 10 min
    // 30 s, while its 2 interrupted tasks are still stopping: they are not stopped (or counted)
    // again, so 6 tasks are lost in all and the replacements avoid zone a.
    let web = Service::new("web")
        .desired(6)
        .strategy(&[("FARGATE_SPOT", 0, 1)])
        .size(256, 512)
        .load_balancer(json!({"deregistrationDelay": "60s"}))
        .stop_takes("2s");
    let r = run(Scenario::new("z1")
        .duration("30m")
        .seed(1)
        .fargate_spot()
        .service(web)
        .fault(
            json!({"type": "spotInterruptions", "capacityProvider": "FARGATE_SPOT",
                          "schedule": [{"at": "10m", "fraction": 1}]}),
        )
        .fault(json!(
            {"type": "zoneOutage", "zone": "us-east-1a", "at": "10m30s", "duration": "5m"}
        )));
    assert_eq!(r.interruptions.fargate_spot, 6);
    assert_eq!(r.interruptions.tasks_lost, 6);
    assert_eq!(r.services["web"].task_starts, 12);
    assert_eq!(
        r.services["web"].tasks_final_by_capacity_provider["FARGATE_SPOT"],
        6
    );
}

#[test]
fn a_group_whose_only_zone_was_down_relaunches_its_instances_when_it_recovers() {
    // A one-zone group of 3 (no managed scaling) loses its zone from 5 to 10 min: the 3
    // replacements have nowhere to go and are launched when the zone recovers; the service's 4
    // tasks run again on them.
    let r = run(Scenario::new("s5")
        .duration("40m")
        .seed(1)
        .zones(&["us-east-1a"])
        .group(Group::new("g", &["m5.large"]).fixed(3))
        .default_strategy("g")
        .service(Service::new("app").desired(4).size(512, 1024))
        .fault(json!(
            {"type": "zoneOutage", "zone": "us-east-1a", "at": "5m", "duration": "5m"}
        )));
    assert_eq!(r.capacity.instances_final, 3);
    assert_eq!(r.services["app"].running_final, 4);
}

/// The rule that drained each noticed instance, as the `spot-interruption` activity's typed
/// `drained_by` says.
fn drained_by(r: &ecsim::report::Report) -> Vec<Option<ecsim::model::activity::SpotDrainRule>> {
    r.activities
        .iter()
        .filter_map(|a| match &a.cause {
            ecsim::model::activity::Cause::Ec2SpotInterruption(c) => Some(c.drained_by),
            _ => None,
        })
        .collect()
}

#[test]
fn a_spot_notice_drains_under_managed_draining_or_the_agents_spot_draining_and_not_otherwise() {
    use ecsim::model::activity::SpotDrainRule::{AgentSpotDraining, ManagedDraining};
    // The scenario of the test above: at 1h 0.2 × 10 = 2 instances get the notice, 2 tasks
    // each. AWS: managed instance draining puts a noticed Spot instance in DRAINING
    // (managed-instance-draining page), and so does the agent's
    // ECS_ENABLE_SPOT_INSTANCE_DRAINING=true (spot-instance-draining page; off by default);
    // managed draining wins when both are on (AWS calls the variable redundant then).
    let fault = json!({"type": "spotInterruptions", "name": "reclaim", "capacityProvider": "spot",
                       "schedule": [{"at": "1h", "fraction": 0.2}]});
    let on = json!({"ECS_ENABLE_SPOT_INSTANCE_DRAINING": "true"});
    let off = json!({"ECS_ENABLE_SPOT_INSTANCE_DRAINING": "false"});
    let cases = [
        (true, None, Some(ManagedDraining)),
        (true, Some(on.clone()), Some(ManagedDraining)),
        (false, Some(on), Some(AgentSpotDraining)),
        (false, Some(off), None),
        (false, None, None),
    ];
    for (managed, agent, want) in cases {
        let mut s = ec2("2h", managed);
        if let Some(vars) = &agent {
            s = Scenario::new("ec2spot")
                .duration("2h")
                .seed(5)
                .group(
                    Group::new("spot", &["m5.large"])
                        .purchase("spot")
                        .fixed(10)
                        .draining(managed)
                        .agent_config(vars.clone()),
                )
                .default_strategy("spot")
                .service(
                    Service::new("app")
                        .desired(20)
                        .size(512, 1024)
                        .placement("spread", "instanceId"),
                );
        }
        let r = run(s.fault(fault.clone()));
        let label = format!("managed {managed}, agent {agent:?}");
        assert_eq!(drained_by(&r), vec![want; 2], "{label}");
        // Drained: one `instance-draining` activity per noticed instance at 3600 s; else none.
        let drains = r
            .activities
            .iter()
            .filter(|a| a.kind == "instance-draining" && a.time_s == 3600.0)
            .count();
        assert_eq!(drains, if want.is_some() { 2 } else { 0 }, "{label}");
        let sentence = r
            .activities
            .iter()
            .find(|a| a.kind == "spot-interruption")
            .map(|a| a.cause.to_string())
            .unwrap();
        let says = match want {
            Some(ManagedDraining) => {
                "; DRAINING by managed instance draining (managedDraining ENABLED)"
            }
            Some(AgentSpotDraining) => {
                "; DRAINING by the ECS agent's Spot instance draining (ECS_ENABLE_SPOT_INSTANCE_DRAINING=true)"
            }
            None => {
                "; its tasks run until the instance is reclaimed (neither managed draining nor ECS_ENABLE_SPOT_INSTANCE_DRAINING is on)"
            }
        };
        assert!(sentence.contains(says), "{label}: {sentence}");
    }
}

#[test]
fn agent_config_values_are_checked_and_other_variables_set_aside() {
    // Line 4 is `"ecsAgentConfig": {"ECS_ENABLE_SPOT_INSTANCE_DRAINING": "yes"}}}],`:
    // `"ecsAgentConfig"` (1-16), `: {` (17-19), the 35-character key (20-54), `: `: the value
    // at column 57.
    let text = |vars: &str| {
        format!(
            "{{\"name\": \"a\",\n\"capacityProviders\": [{{\"name\": \"spot\", \
             \"autoScalingGroupProvider\": {{\"autoScalingGroup\": {{\n\
             \"instanceTypes\": [\"m5.large\"], \"maxSize\": 2, \"purchaseOption\": \"spot\",\n\
             \"ecsAgentConfig\": {vars}}}}}}}],\n\
             \"services\": [{{\"serviceName\": \"w\", \"desiredCount\": 1, \
             \"capacityProviderStrategy\": [{{\"capacityProvider\": \"spot\", \"weight\": 1}}], \
             \"taskDefinition\": {{\"family\": \"w\", \"cpu\": \"256\", \"memory\": \"512\"}}}}]}}\n"
        )
    };
    crate::support::validate_file(
        "agent-bad",
        "agent.json",
        &text("{\"ECS_ENABLE_SPOT_INSTANCE_DRAINING\": \"yes\"}"),
    )
    .refused(&[
        "error: agent.json:4:57: capacityProviders[0].autoScalingGroupProvider.autoScalingGroup\
         .ecsAgentConfig.ECS_ENABLE_SPOT_INSTANCE_DRAINING: ECS_ENABLE_SPOT_INSTANCE_DRAINING \
         `yes`: expected \"true\" or \"false\" (as written in /etc/ecs/ecs.config)",
    ]);
    // Another agent variable is valid AWS configuration that ecsim does not model: accepted,
    // named in the not-modelled warning.
    let run = crate::support::validate_file(
        "agent-other",
        "agent.json",
        &text("{\"ECS_CONTAINER_STOP_TIMEOUT\": \"2m\"}"),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.warnings().iter().any(|w| w.contains(
            "capacityProviders[0].autoScalingGroupProvider.autoScalingGroup.ecsAgentConfig\
             .ECS_CONTAINER_STOP_TIMEOUT"
        )),
        "{}",
        run.stderr
    );
}
