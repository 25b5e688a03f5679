//! Rolling deployments and the circuit breaker (aws-behaviour.md §7; issue 4).
//!
//! Start-up is pinned: a Fargate task created at t is PENDING at t + 5 s, RUNNING at t + 10 s
//! and healthy 40 s later (no load balancer) at t + 50 s; a stop takes a fixed 2 s.

use crate::support::scenario::{AutoScaling, Scenario, Service, action, metric, target_custom};
use crate::support::{acts_of, run};
use ecsim::report::Report;
use serde_json::{Value, json};

/// A Fargate service `web` of 4 tasks (256 / 512) with `config` as its
/// deploymentConfiguration and `deployments`, start-up and stop pinned (seed 1, 2 h).
fn deploy(config: Value, deployments: &[Value]) -> Service {
    Service::new("web")
        .fargate()
        .desired(4)
        .size(256, 512)
        .set("deploymentConfiguration", config)
        .set("deployments", json!(deployments))
        .fargate_startup("5s", "5s")
        .stop_takes("2s")
}

/// A 2-h scenario (seed 1) of the service `web`.
fn scenario(web: Service) -> Scenario {
    Scenario::new("deploy")
        .duration("2h")
        .seed(1)
        .fargate()
        .service(web)
}

/// (time_s, kind) of the deployment activities.
fn deploy_acts(r: &Report) -> Vec<(f64, &'static str)> {
    acts_of(r, "deployment")
        .iter()
        .map(|a| (a.0, a.1))
        .collect()
}

#[test]
fn a_rolling_update_within_200_and_100_percent_replaces_every_task_at_once() {
    // desired 4, maximumPercent 200 → at most 8 tasks: 4 new start at 3600 s, healthy at
    // 3650 s. minimumHealthyPercent 100 → 4 must stay healthy: the old 4 stop only as the new
    // become healthy (all at 3650 s); then only the new revision is active and healthy:
    // completed at 3650 s. 4 + 4 = 8 task starts.
    let r = run(scenario(deploy(
        json!({"maximumPercent": 200, "minimumHealthyPercent": 100}),
        &[json!({"at": "1h"})],
    )));
    assert_eq!(
        deploy_acts(&r),
        [
            (3600.0, "deployment-started"),
            (3650.0, "deployment-completed")
        ]
    );
    assert_eq!(r.services["web"].task_starts, 8);
    assert_eq!(r.services["web"].running_final, 4);
    // No task below desired: the old ones stay healthy until the new ones are.
    let below_before = r.services["web"].seconds_below_desired;
    assert!(below_before <= 50.0, "{below_before}");
}

#[test]
fn a_rolling_update_within_100_and_50_percent_goes_two_by_two() {
    // maximumPercent 100 → at most 4 tasks; minimumHealthyPercent 50 → at least 2 healthy.
    // 3600 s: 2 old stop (4 healthy − 2), leaving room for 2 new (created at once, healthy at
    // 3650 s); 3650 s: 4 healthy again → 2 more old stop, 2 more new start (healthy 3700 s);
    // 3700 s: 4 new healthy, no old left → completed. 4 + 4 = 8 starts.
    let r = run(scenario(deploy(
        json!({"maximumPercent": 100, "minimumHealthyPercent": 50}),
        &[json!({"at": "1h"})],
    )));
    assert_eq!(
        deploy_acts(&r),
        [
            (3600.0, "deployment-started"),
            (3700.0, "deployment-completed")
        ]
    );
    assert_eq!(r.services["web"].task_starts, 8);
}

#[test]
fn the_circuit_breaker_fails_a_bad_revision_and_rolls_back() {
    // Every task of the new revision fails its health check (probability 1). Threshold
    // clamp(ceil(0.5 × 4), 3, 200) = 3. The first batch of 4 new tasks (maximumPercent 200)
    // fails at 3650 s: the 3rd failure fails the deployment and rolls it back at 3650 s (the
    // 4th, of a revision no longer deployed, does not count); the old revision's 4 tasks were
    // healthy throughout, so the rollback completes at once. 4 + 4 = 8 starts; 4 running at
    // the end.
    let r = run(scenario(deploy(
        json!({"maximumPercent": 200, "minimumHealthyPercent": 100,
               "deploymentCircuitBreaker": {"enable": true, "rollback": true}}),
        &[json!({"at": "1h", "failureProbability": 1})],
    )));
    assert_eq!(
        deploy_acts(&r),
        [
            (3600.0, "deployment-started"),
            (3650.0, "deployment-failed"),
            (3650.0, "deployment-started"),
            (3650.0, "deployment-completed"),
        ]
    );
    let failed = r
        .activities
        .iter()
        .find(|a| a.kind == "deployment-failed")
        .unwrap();
    assert!(
        failed
            .cause.to_string()
            .contains("3 tasks of revision 2 failed their health checks with none healthy in between ≥ threshold clamp(ceil(0.5 × 4), 3, 200) = 3 (BOUNDED_PERCENT 50)"),
        "{}",
        failed.cause
    );
    assert_eq!(r.services["web"].task_starts, 8);
    assert_eq!(r.services["web"].running_final, 4);
}

#[test]
fn scale_in_is_suspended_while_a_deployment_is_in_progress() {
    // Target tracking at 50 on a custom metric of 10: 15 low datapoints (minutes 0–14) act at
    // 15 × 60 + 183 = 1083 s: ceil(4 × 10 / 50) = 1 → 4 → 1 without a deployment. With a
    // deployment from 60 s whose tasks all fail and no circuit breaker, the deployment never
    // ends, so the service never scales in.
    let policy = AutoScaling::new(1, 10).policy(target_custom("m", "T", "M", 50.0, json!({})));
    let with_metric = |web: Service| {
        scenario(web.scaling(policy.clone())).metric(metric(
            "T",
            "M",
            json!({"pattern": "constant", "rps": 10}),
        ))
    };
    let calm = run(with_metric(deploy(json!({}), &[])));
    let scale_ins: Vec<f64> = calm
        .activities
        .iter()
        .filter(|a| a.kind == "scale-in")
        .map(|a| a.time_s)
        .collect();
    assert_eq!(scale_ins, [1083.0]);
    let deploying = run(with_metric(deploy(
        json!({}),
        &[json!({"at": "60s", "failureProbability": 1})],
    )));
    assert!(deploying.activities.iter().all(|a| a.kind != "scale-in"));
    assert_eq!(deploying.services["web"].desired_final, 4);
}

#[test]
fn desired_falling_during_a_deployment_stops_each_task_once_and_revisions_are_not_reused() {
    // A deployment at 1h with desired dropping to 0 at 1h01 (MaxCapacity 0): every task stops
    // once (a task stopped twice would trip a debug assertion); a failed revision's number is
    // not given again: the second deployment (2h) rolls out revision 3 after revision 2 rolled
    // back.
    let off = AutoScaling::new(0, 10).scheduled(action(
        "off",
        "at(2026-01-05T01:01:00)",
        json!({"MaxCapacity": 0}),
    ));
    let r = run(scenario(
        deploy(
            json!({"maximumPercent": 200, "minimumHealthyPercent": 100}),
            &[json!({"at": "1h"})],
        )
        .scaling(off),
    ));
    assert_eq!(r.services["web"].desired_final, 0);
    assert_eq!(r.services["web"].running_final, 0);
    let r = run(scenario(deploy(
        json!({"maximumPercent": 200, "minimumHealthyPercent": 100,
               "deploymentCircuitBreaker": {"enable": true, "rollback": true}}),
        &[
            json!({"at": "1h", "failureProbability": 1}),
            json!({"at": "1h30m"}),
        ],
    )));
    let last = r
        .activities
        .iter()
        .rfind(|a| a.kind == "deployment-completed")
        .expect("completed");
    assert!(
        last.cause.to_string().contains("rolled out revision 3"),
        "{}",
        last.cause
    );
}
