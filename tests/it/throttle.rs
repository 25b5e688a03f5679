//! The service throttle logic (aws-behaviour.md §7) and the account's Fargate vCPU quotas
//! (§8). Each expected value is derived by hand in a comment.
//!
//! Facts the derivations use: `restartBackoffFirst` 30 s, doubling, `restartBackoffMax`
//! 27 min = 1,620 s; throttling begins at the 2nd failed start in a row
//! (`RESTART_THROTTLE_AFTER`), and a failure while a back-off runs does not lengthen it; the
//! Fargate vCPU quotas default to 6 vCPUs = 6,144 CPU units each.

use crate::support::scenario::{Scenario, Service, fixed};
use crate::support::{run, validate_file};
use ecsim::model::activity::Cause;
use ecsim::report::Report;
use serde_json::json;

/// The service throttle logic's activities of `service`: (time_s, back-off in s) for each
/// back-off, (time_s, -1) where throttling ended.
fn throttle_log(r: &Report, service: &str) -> Vec<(f64, i64)> {
    r.activities
        .iter()
        .filter(|a| a.service.as_deref() == Some(service))
        .filter_map(|a| match &a.cause {
            Cause::RestartThrottled(c) => Some((a.time_s, (c.delay_ms / 1000) as i64)),
            Cause::RestartThrottleEnded(_) => Some((a.time_s, -1)),
            _ => None,
        })
        .collect()
}

/// A Fargate service of `desired` tasks of `cpu` units, a task created at t RUNNING at t + 30 s
/// (10 s provisioning + 20 s image pull), stops of 2 s.
fn fargate_service(name: &str, desired: u32, cpu: u32) -> Service {
    Service::new(name)
        .fargate()
        .size(cpu, cpu * 2)
        .desired(desired)
        .fargate_startup("10s", "20s")
        .stop_takes("2s")
}

#[test]
fn tasks_that_fail_to_start_back_off_doubling_to_27_minutes() {
    // One task, healthy at 30 + 40 = 70 s. At 120 s revision 2 deploys with every task failing
    // at start (PENDING → STOPPED): a task launched at t fails at t + 30 and is gone at t + 32.
    //   launch 120 → fails 150 (1st in a row: no throttle) → replaced at 152 → fails 182 (2nd:
    //   back-off 1 = 30 s, until 212) → 212 → 242 (back-off 2 = 60 s, until 302) → 302 → 332
    //   (120 s → 452) → 452 → 482 (240 s → 722) → 722 → 752 (480 s → 1232) → 1232 → 1262
    //   (960 s → 2222) → 2222 → 2252 (min(1920, 1620) = 1620 s → 3872) → 3872 → 3902 (1620 s
    //   → 5522).
    // At 4000 s revision 3 (no failures) deploys: throttling ends at once (8 back-offs), its
    // task starts at 4000 → RUNNING 4030 → healthy 4070, when the deployment completes.
    // Failed starts: 150 and the 8 above = 9.
    let s = Scenario::new("backoff").duration("100m").fargate().service(
        fargate_service("web", 1, 256).set(
            "deployments",
            json!([
                {"at": "2m", "failureProbability": 1, "failAt": "start"},
                {"at": "4000s"}
            ]),
        ),
    );
    let r = run(s.json());
    assert_eq!(
        throttle_log(&r, "web"),
        vec![
            (182.0, 30),
            (242.0, 60),
            (332.0, 120),
            (482.0, 240),
            (752.0, 480),
            (1262.0, 960),
            (2252.0, 1620),
            (3902.0, 1620),
            (4000.0, -1),
        ]
    );
    let first = r
        .activities
        .iter()
        .find(|a| matches!(a.cause, Cause::RestartThrottled(_)))
        .expect("a back-off");
    assert!(
        first
            .cause
            .to_string()
            .starts_with("service is unable to consistently start tasks successfully: 2 failed starts in a row (last: a task of revision 2 stopped before RUNNING (no startedAt)); back-off 1: min(30 s × 2^0, 1620 s) = 30 s"),
        "{}",
        first.cause
    );
    let web = &r.services["web"];
    assert_eq!(
        (web.start_failures, web.restart_backoffs, web.running_final),
        (9, 8, 1)
    );
    assert_eq!(r.placement.start_failures, 9);
    let done: Vec<f64> = r
        .activities
        .iter()
        .filter(|a| a.kind == "deployment-completed")
        .map(|a| a.time_s)
        .collect();
    assert_eq!(done, vec![4070.0]);
}

#[test]
fn the_circuit_breaker_counts_tasks_that_never_reach_running() {
    // Stage 1 of the circuit breaker: 4 tasks, healthy by 70 s; at 120 s revision 2 starts 4
    // tasks (maximumPercent 200: 8 at once), all failing at start at 150 s. Threshold
    // clamp(ceil(0.5 × 4), 3, 200) = 3: the 2nd failure throttles (back-off 30 s), the 3rd
    // fails the deployment and rolls back to revision 1, which ends the throttle; the 4th ran
    // revision 2, no longer deployed, and does not count. Revision 1's 4 healthy tasks complete
    // the rollback at once. 4 failed starts.
    let s = Scenario::new("stage1").duration("10m").fargate().service(
        fargate_service("web", 4, 256)
            .set(
                "deploymentConfiguration",
                json!({"deploymentCircuitBreaker": {"enable": true, "rollback": true}}),
            )
            .set(
                "deployments",
                json!([{"at": "2m", "failureProbability": 1, "failAt": "start"}]),
            ),
    );
    let r = run(s.json());
    let log: Vec<(f64, &str)> = r
        .activities
        .iter()
        .map(|a| (a.time_s, a.kind.as_str()))
        .collect();
    assert_eq!(
        log,
        vec![
            (120.0, "deployment-started"),
            (150.0, "restart-throttled"),
            (150.0, "deployment-failed"),
            (150.0, "restart-throttle-ended"),
            (150.0, "deployment-started"),
            (150.0, "deployment-completed"),
        ]
    );
    let failed = r
        .activities
        .iter()
        .find_map(|a| match &a.cause {
            Cause::DeploymentFailed(c) => Some((c.failed, c.threshold, c.rollback_to)),
            _ => None,
        })
        .expect("the deployment failed");
    assert_eq!(failed, (3, 3, Some(1)));
    assert_eq!(r.services["web"].start_failures, 4);
}

#[test]
fn a_launch_beyond_the_fargate_vcpu_quota_is_refused_counted_and_throttled() {
    // Quota 6 vCPUs (the default), tasks of 2 vCPUs (2,048 units). Service a takes 3 × 2 = 6
    // vCPUs at t = 0; service b's one task would make 8 > 6: refused at 0 (1st), again at 0
    // (2nd: back-off 30 s), at 30 (60 s), 90 (120 s), 210 (240 s), 450 (480 s → 930, after the
    // 15-minute run). Refusals 6, back-offs 5; a runs 3, b none.
    let s = Scenario::new("quota")
        .duration("15m")
        .fargate()
        .service(fargate_service("a", 3, 2048))
        .service(fargate_service("b", 1, 2048));
    let r = run(s.json());
    assert_eq!(
        throttle_log(&r, "b"),
        vec![
            (0.0, 30),
            (30.0, 60),
            (90.0, 120),
            (210.0, 240),
            (450.0, 480)
        ]
    );
    let (a, b) = (&r.services["a"], &r.services["b"]);
    assert_eq!((a.running_final, a.fargate_vcpu_quota_refusals), (3, 0));
    assert_eq!((b.running_final, b.fargate_vcpu_quota_refusals), (0, 6));
    assert_eq!((b.restart_backoffs, b.start_failures), (5, 0));
    assert_eq!(r.placement.fargate_vcpu_quota_refusals, 6);
    let sentence = r
        .activities
        .iter()
        .find(|a| a.service.as_deref() == Some("b"))
        .expect("b's back-off")
        .cause
        .to_string();
    // 6 × 1,024 = 6,144 units held + 2,048 > 6,144.
    assert!(
        sentence.contains("(last: unable to place a task. Reason: You\u{2019}ve reached the limit on the number of vCPUs you can run concurrently (FARGATE: 6144 + 2048 CPU units > quota 6144 = 6 vCPUs))"),
        "{sentence}"
    );

    // The account's quota raised to 8 vCPUs, as `list-service-quotas` prints it (other keys
    // ignored): 4 × 2 = 8 ≤ 8, every task runs, nothing refused.
    let raised = s.set(
        "serviceQuotas",
        json!({"Quotas": [{
            "ServiceCode": "fargate", "ServiceName": "AWS Fargate",
            "QuotaArn": "arn:aws:servicequotas:us-east-1:123456789012:fargate/L-3032A538",
            "QuotaCode": "L-3032A538", "QuotaName": "Fargate On-Demand vCPU resource count",
            "Value": 8.0, "Unit": "None", "Adjustable": true, "GlobalQuota": false,
            "QuotaAppliedAtLevel": "ACCOUNT"}]}),
    );
    let r = run(raised.json());
    assert_eq!(r.services["b"].running_final, 1);
    assert_eq!(r.placement.fargate_vcpu_quota_refusals, 0);
}

#[test]
fn the_spot_quota_is_apart_from_the_on_demand_one() {
    // FARGATE_SPOT quota 1 vCPU (named by QuotaName only), tasks of 0.5 vCPU: 2 run (RUNNING
    // at 30 s), the 3rd is refused at 0, 0 (back-off 30 s); at 30 (back-off 60 s), then a task
    // starts and ends throttling: 30, 30 (30 s), 60 (60 s), 120 (120 s), 240 (240 s, past the
    // end at 300 s): 8 refusals. The On-Demand service beside it (3 × 0.5 = 1.5 vCPU ≤ 6) is
    // not refused.
    let s = Scenario::new("spot-quota")
        .duration("5m")
        .fargate()
        .fargate_spot()
        .set(
            "serviceQuotas",
            json!({"Quotas": [{"QuotaName": "Fargate Spot vCPU resource count", "Value": 1}]}),
        )
        .service(
            Service::new("spot")
                .size(512, 1024)
                .desired(3)
                .strategy(&[("FARGATE_SPOT", 0, 1)])
                .fargate_startup("10s", "20s"),
        )
        .service(fargate_service("od", 3, 512));
    let r = run(s.json());
    let (spot, od) = (&r.services["spot"], &r.services["od"]);
    assert_eq!(
        (spot.running_final, spot.fargate_vcpu_quota_refusals),
        (2, 8)
    );
    assert_eq!((od.running_final, od.fargate_vcpu_quota_refusals), (3, 0));
}

#[test]
fn a_task_that_starts_ends_the_throttle() {
    // One service of 4 × 2 vCPUs under the 6-vCPU quota: 3 launched at 0 (RUNNING at 30), the
    // 4th refused twice at 0 (back-off 30 s). At 30 the reconcile due then runs first: refused
    // again (back-off 2, 60 s); then the first task reaches RUNNING, which ends throttling; the
    // service reconciles at once, is refused twice more and backs off from the start: 30 s.
    let s = Scenario::new("start-ends")
        .duration("1m")
        .fargate()
        .service(fargate_service("web", 4, 2048));
    let r = run(s.json());
    assert_eq!(
        throttle_log(&r, "web")[..4],
        [(0.0, 30), (30.0, 60), (30.0, -1), (30.0, 30)]
    );
    let ended = r
        .activities
        .iter()
        .find(|a| a.kind == "restart-throttle-ended")
        .expect("throttling ended");
    assert_eq!(
        ended.cause.to_string(),
        "restart throttling ended after 2 back-offs: a task reached RUNNING"
    );
}

#[test]
fn batch_jobs_on_fargate_obey_the_quota() {
    // Three jobs of 4 vCPUs submitted at 0 under the 6-vCPU quota: the first runs (4 ≤ 6), the
    // second would make 8: refused. The job stream is throttled like a service: refused at 0,
    // 0 (back-off 30 s), 30 (60 s); the first job's task reaches RUNNING at 30 and ends
    // throttling: 30, 30 (30 s), 60 (60 s, past the end at 120 s). 6 refusals, 1 job started.
    let s = Scenario::new("jobs-quota")
        .duration("2m")
        .fargate()
        .model("fargateProvisioning", fixed("10s"))
        .model("fargateImagePull", fixed("20s"))
        .job(json!({
            "name": "etl",
            "launchType": "FARGATE",
            "taskDefinition": {"family": "etl", "cpu": "4096", "memory": "8192"},
            "arrivals": {"process": "schedule", "schedule": [{"at": "0s", "count": 3}]},
            "runtime": fixed("1h")
        }));
    let r = run(s.json());
    assert_eq!(r.placement.fargate_vcpu_quota_refusals, 6);
    assert_eq!(r.batch_jobs["etl"].started, 1);
}

#[test]
fn validate_refuses_bad_service_quotas() {
    // Each quota on its own line, its `{` at column 5: `"QuotaCode": ` takes columns 6–18, so
    // a code's value is at 19; line 4's `-1` follows `"L-3032A538", "Value": ` at 42; line 5's
    // name after `"L-36FBB829", "QuotaName": ` at 46; line 6's `"ec2"` after
    // `"ServiceCode": ` at 21; line 7's `2e9` after the 34-character name and `, "Value": ` at 64.
    let text = r#"{"name": "q",
  "serviceQuotas": {"Quotas": [
    {"QuotaCode": "L-12345678", "Value": 10},
    {"QuotaCode": "L-3032A538", "Value": -1},
    {"QuotaCode": "L-36FBB829", "QuotaName": "Fargate On-Demand vCPU resource count", "Value": 4},
    {"ServiceCode": "ec2", "QuotaCode": "L-1216C47A", "Value": 5},
    {"QuotaName": "Fargate Spot vCPU resource count", "Value": 2e9}
  ]},
  "capacityProviders": [{"name": "FARGATE"}],
  "services": [{"serviceName": "s", "launchType": "FARGATE",
    "taskDefinition": {"family": "s", "cpu": "256", "memory": "512"}}]}"#;
    validate_file("quota-bad", "q.json", text).refused(&[
        "error: q.json:3:19: serviceQuotas.Quotas[0].QuotaCode: unknown quota code `L-12345678`: \
         expected one of L-3032A538 (Fargate On-Demand vCPU resource count), L-36FBB829 \
         (Fargate Spot vCPU resource count)",
        "error: q.json:4:42: serviceQuotas.Quotas[1].Value: L-3032A538 Value -1 is out of range: \
         expected a number of vCPUs, 0 or more (AWS's default 6)",
        "error: q.json:5:46: serviceQuotas.Quotas[2].QuotaName: QuotaName `Fargate On-Demand \
         vCPU resource count` is not the name of QuotaCode L-36FBB829: expected `Fargate Spot \
         vCPU resource count`",
        "error: q.json:6:21: serviceQuotas.Quotas[3].ServiceCode: service code `ec2`: ecsim \
         models the quotas of `fargate` only",
        "error: q.json:7:64: serviceQuotas.Quotas[4].Value: L-36FBB829 Value 2e9 is above the \
         limit of 1e9 vCPUs: expected at most 1e9",
    ]);
}
