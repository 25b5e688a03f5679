//! Service auto scaling end to end (aws-behaviour.md §1): target tracking alarms and their
//! datapoint counts, the proportional formula from the RUNNING count, cooldowns, several
//! policies, scale from zero and clamping, step scaling, scheduled actions, the queue worker
//! lesson, trace replay, availability, batch jobs and determinism.
//!
//! Every expected value is derived by hand in a comment from the model's documented rules:
//! - a load step of 10 s integrates the rate sampled at the step's middle; a minute's datapoint
//!   is the time average over its six steps;
//! - minute k's datapoint is published (and acted on) at (k + 1) × 60 s + 183 s; a 20-second
//!   period k's at (k + 1) × 20 s + 26 s;
//! - target tracking: scale out on 3 of 3 datapoints > target, scale in on 15 of 15 datapoints
//!   < 0.9 × target; new = ceil(running × metric / target) clamped to [Min, Max], from the
//!   RUNNING count (inside a scale-out cooldown: the RUNNING count when the chain began);
//! - cooldowns 300 s unless set;
//! - with `{"distribution": "fixed"}` start-up delays a Fargate task created at t is RUNNING at
//!   t + provisioning + image pull, and behind a load balancer healthy interval × threshold later.

use crate::support::scenario::{
    self, AutoScaling, Scenario, Service, action, constant, fixed, metric, steps, target_custom,
    target_predefined,
};
use crate::support::{acts, causes, load, rows, run, run_bundled, run_in, table};
use ecsim::report::Report;
use serde_json::{Value, json};

/// A custom metric `Test/<name>` following a step shape: `steps` as (at, value).
fn custom_metric(name: &str, at_values: &[(&str, f64)]) -> Value {
    metric("Test", name, steps(at_values))
}

/// A target tracking policy named `name` on custom metric `Test/<name>`, with extra
/// configuration fields (`{"ScaleInCooldown": 600}` …).
fn tt_custom(name: &str, target: f64, extra: Value) -> Value {
    target_custom(name, "Test", name, target, extra)
}

/// A Fargate service without load (its policies read custom metrics) of 256 / 512, tasks
/// RUNNING 10 s after they are created (PROVISIONING 5 s, image pull 5 s), scaled within
/// [`min`, `max`] by `policies` and `sched`uled actions.
fn svc(
    name: &str,
    desired: u32,
    min: u32,
    max: u32,
    policies: &[Value],
    sched: &[Value],
) -> Service {
    let mut scaling = AutoScaling::new(min, max);
    for p in policies {
        scaling = scaling.policy(p.clone());
    }
    for a in sched {
        scaling = scaling.scheduled(a.clone());
    }
    Service::new(name)
        .fargate()
        .desired(desired)
        .size(256, 512)
        .fargate_startup("5s", "5s")
        .scaling(scaling)
}

/// FARGATE, the `metrics` and the `services`, `duration` long (seed 1).
fn scenario(duration: &str, metrics: &[Value], services: &[Service]) -> Scenario {
    // The account's Fargate vCPU quotas raised: these tests are about scaling, not the quota.
    let mut s = Scenario::new("t")
        .seed(1)
        .duration(duration)
        .fargate()
        .fargate_vcpu_quotas(10_000.0, 10_000.0);
    for m in metrics {
        s = s.metric(m.clone());
    }
    for v in services {
        s = s.service(v.clone());
    }
    s
}

/// The step-reaction service: 4 tasks of 512 / 1024 behind a load balancer (healthy
/// 30 s × 5 = 150 s after RUNNING; RUNNING 10 s after created), maxRps 100, CPU 5 % idle to
/// 85 % at maxRps, traffic 100 rps, 375 rps from 1h, 100 rps again from 2h30m; target
/// tracking at 50 % on `metric`, within [4, 20]. 4 h, seed 7.
fn step_reaction(metric: &str) -> Scenario {
    Scenario::new("step")
        .seed(7)
        .duration("4h")
        .fargate()
        .service(
            Service::new("web")
                .fargate()
                .desired(4)
                .size(512, 1024)
                .fargate_startup("5s", "5s")
                .load_balancer(
                    json!({"healthCheck": {"intervalSeconds": 30, "healthyThreshold": 5}}),
                )
                .load(
                    steps(&[("0s", 100.0), ("1h", 375.0), ("2h30m", 100.0)]),
                    json!({"maxRps": 100, "cpuAtMaxRps": 85, "idleCpu": 5}),
                )
                .scaling(AutoScaling::new(4, 20).policy(target_predefined("cpu50", metric, 50.0))),
        )
}

// ---------------------------------------------------------------------------------------------
// 1. The step in load.

#[test]
fn cpu_step_scales_out_after_six_minutes_and_in_after_fifteen() {
    // Service CPU = (healthy × cpu(rps/healthy) + idle tasks × 5) / running and
    // cpu(r) = 5 + 80 × r / 100, so the sum is 5 × running + 0.8 × rps whatever the split:
    // CPU = 5 + 0.8 × rps / running once tasks are up (RUNNING at 10 s, healthy at 160 s).
    // - 100 rps over 4 tasks: 5 + 80 / 4 = 25 % (with idle tasks 5 %) — below 45, but a
    //   scale-in would be ceil(4 × 25 / 50) = 2 → clamped to MinCapacity 4 = desired: nothing.
    // - 375 rps from 3600 s (minute 60, aligned): 5 + 300 / 4 = 80 %. Minutes 60, 61, 62 are
    //   > 50; minute 62 is published at 63 × 60 + 183 = 3963 s → ceil(4 × 80 / 50) = ceil(6.4)
    //   = 7 at 3963 s, 363 s after the step (AWS's measured 363 s; within 4 to 8 minutes).
    // - The 3 new tasks run at 3973 s: 5 + 300 / 7 = 47.86 %, between 45 and 50: quiet. Minutes
    //   63–65 (80 %) and 66 (two steps at 4 running, four at 7: (2 × 320 + 4 × 335) / 36 = 55)
    //   are published inside the scale-out cooldown (until 4263 s), computed from the RUNNING
    //   count when it began (4): ceil(4 × 80 / 50) = 7 and ceil(4 × 55 / 50) = 5, not above 7.
    // - 100 rps again from 9000 s (minute 150): 5 + 80 / 7 = 16.43 % < 45. Minutes 150–164 are
    //   the first 15 below; minute 164 is published at 165 × 60 + 183 = 10083 s (1083 s after
    //   the fall, at least 15 minutes) → ceil(7 × 16.43 / 50) = ceil(2.3) = 3 → MinCapacity 4.
    // - Back at 4 tasks: 25 %, desired = MinCapacity: nothing more.
    let r = run(step_reaction("ECSServiceAverageCPUUtilization"));
    let a = acts(&r, "web");
    assert_eq!(
        a,
        vec![
            (3963.0, "scale-out", Some(4), Some(7)),
            (10083.0, "scale-in", Some(7), Some(4)),
        ]
    );
    let out_delay = a[0].0 - 3600.0;
    assert!((240.0..=480.0).contains(&out_delay), "{out_delay}");
    let in_delay = a[1].0 - 9000.0;
    assert!(in_delay >= 900.0, "{in_delay}");
    let c = causes(&r, "web");
    assert!(
        c[0].contains(
            "3 of 3 datapoints > 50 (80.0, 80.0, 80.0); running 4 → ceil(4 × 80.0 / 50) = 7"
        ),
        "{}",
        c[0]
    );
    assert!(
        c[1].contains("running 7 → ceil(7 × 16.43 / 50) = 3 → clamped to MinCapacity 4"),
        "{}",
        c[1]
    );
    assert_eq!(r.services["web"].desired_max, 7);
}

#[test]
fn high_resolution_cpu_step_scales_out_after_86_seconds() {
    // The same load with 20-second datapoints. The step at 3600 s starts period 180; periods
    // 180, 181, 182 are > 50 and period 182 is published at 183 × 20 + 26 = 3686 s, 86 s after
    // the step (AWS's measured 86 s) → ceil(4 × 80 / 50) = 7.
    // The new tasks run at 3696 s; period 184 (3680–3700) still saw 4 running (80 %), published
    // at 185 × 20 + 26 = 3726 s inside the cooldown → from 4: 7, not above 7. From period 185
    // on: 47.86 %.
    // The fall at 9000 s starts period 450: 15 periods below 45 (450–464) are published at
    // 465 × 20 + 26 = 9326 s → ceil(7 × 16.43 / 50) = 3 → MinCapacity 4.
    let r = run(step_reaction(
        "ECSServiceAverageCPUUtilizationHighResolution",
    ));
    assert_eq!(
        acts(&r, "web"),
        vec![
            (3686.0, "scale-out", Some(4), Some(7)),
            (9326.0, "scale-in", Some(7), Some(4)),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Alarm datapoint counts and the 0.9 × target threshold.

#[test]
fn three_high_datapoints_scale_out_two_do_not_fifteen_low_scale_in_fourteen_do_not() {
    // Custom metric M (target 50; 47 is neither > 50 nor < 45):
    //   47, 80 for minutes 10–11 (2 high), 47, 80 for minutes 20–22 (3 high), 47,
    //   40 for minutes 30–43 (14 low), 47, 40 for minutes 50–64 (15 low), 47.
    // - Minute 11 published at 12 × 60 + 183 = 903 s: only 2 of 3 → nothing.
    // - Minute 22 published at 23 × 60 + 183 = 1563 s: 3 of 3 > 50 → running 4 →
    //   ceil(4 × 80 / 50) = ceil(6.4) = 7.
    // - Minute 43 published at 44 × 60 + 183 = 2823 s: 14 of 15 low (minute 29 was 47) →
    //   nothing; minute 44 is 47 again.
    // - Minute 64 published at 65 × 60 + 183 = 4083 s: 15 of 15 < 45 → running 7 →
    //   ceil(7 × 40 / 50) = ceil(5.6) = 6.
    let m = custom_metric(
        "M",
        &[
            ("0s", 47.0),
            ("10m", 80.0),
            ("12m", 47.0),
            ("20m", 80.0),
            ("23m", 47.0),
            ("30m", 40.0),
            ("44m", 47.0),
            ("50m", 40.0),
            ("65m", 47.0),
        ],
    );
    let r = run(scenario(
        "80m",
        &[m],
        &[svc("s", 4, 1, 20, &[tt_custom("M", 50.0, json!({}))], &[])],
    ));
    assert_eq!(
        acts(&r, "s"),
        vec![
            (1563.0, "scale-out", Some(4), Some(7)),
            (4083.0, "scale-in", Some(7), Some(6)),
        ]
    );
    // metrics.csv: minute 11 (period start 660 s) is OK, minute 22 (1320 s) ALARM_HIGH,
    // minute 43 (2580 s) OK, minute 64 (3840 s) ALARM_LOW; thresholds 50 and 45.
    let m = rows(&r, "metrics.csv");
    let row = |start: &str| {
        m.iter()
            .find(|r| r[0] == start)
            .unwrap_or_else(|| panic!("row {start}"))
            .clone()
    };
    // published_s, a float column (seconds): the period [660, 720) s closes at 720 s and acts
    // 183 s later, 903 s, written `903.0`.
    assert_eq!(row("660")[1], "903.0");
    assert_eq!(row("660")[8], "OK");
    assert_eq!(row("1320")[8], "ALARM_HIGH");
    assert_eq!(row("2580")[8], "OK");
    assert_eq!(row("3840")[8], "ALARM_LOW");
    // value 40 (the metric from 30m), target 50, scale-in threshold 0.9 × 50 = 45: floats.
    assert_eq!(
        (row("3840")[5].as_str(), row("3840")[6].as_str()),
        ("40.0", "50.0")
    );
    assert_eq!(row("3840")[7], "45.0");
}

#[test]
fn scale_in_threshold_is_strictly_below_nine_tenths_of_target() {
    // Service "at45": metric exactly 45 = 0.9 × 50 for the whole hour: never < 45 → no scale-in.
    // Service "below": 45 for minutes 0–29, then 44.9: minutes 30–44 are the first 15 below 45,
    // published at 45 × 60 + 183 = 2883 s → ceil(20 × 44.9 / 50) = ceil(17.96) = 18; the
    // metric does not depend on the count, so every scale-in cooldown (300 s) another:
    // 3183 s ceil(18 × 0.898) = ceil(16.164) = 17, 3483 s ceil(17 × 0.898) = ceil(15.266) = 16.
    let r = run(scenario(
        "1h",
        &[
            custom_metric("E", &[("0s", 45.0)]),
            custom_metric("B", &[("0s", 45.0), ("30m", 44.9)]),
        ],
        &[
            svc("at45", 20, 1, 40, &[tt_custom("E", 50.0, json!({}))], &[]),
            svc("below", 20, 1, 40, &[tt_custom("B", 50.0, json!({}))], &[]),
        ],
    ));
    assert_eq!(acts(&r, "at45"), vec![]);
    assert_eq!(r.services["at45"].desired_final, 20);
    assert_eq!(
        acts(&r, "below"),
        vec![
            (2883.0, "scale-in", Some(20), Some(18)),
            (3183.0, "scale-in", Some(18), Some(17)),
            (3483.0, "scale-in", Some(17), Some(16)),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// 3. The proportional formula from the RUNNING count.

#[test]
fn scale_out_is_proportional_to_running_not_desired() {
    // One m5.large (2 vCPU = 2,048 CPU units) and tasks of 512 units: 4 fit. Desired 6 → 4 run,
    // 2 wait. Metric 100 (target 50) from the start: minutes 0, 1, 2 are > 50, published at
    // 3 × 60 + 183 = 363 s → ceil(RUNNING 4 × 100 / 50) = 8 (from desired it would be 12).
    // Later datapoints: inside the cooldown from 4 → 8, after it (663 s on) from RUNNING 4 → 8,
    // never above 8: one scale-out only, 4 still running at the end.
    let r = run(Scenario::new("t")
        .seed(1)
        .duration("1h")
        .group(scenario::Group::new("pool", &["m5.large"]).fixed(1))
        .metric(custom_metric("C", &[("0s", 100.0)]))
        .service(
            Service::new("s")
                .desired(6)
                .strategy(&[("pool", 0, 1)])
                .size(512, 1024)
                .model("ec2ImagePullCold", fixed("5s"))
                .model("ec2ImagePullWarm", fixed("5s"))
                .scaling(AutoScaling::new(1, 30).policy(tt_custom("C", 50.0, json!({})))),
        ));
    assert_eq!(acts(&r, "s"), vec![(363.0, "scale-out", Some(6), Some(8))]);
    assert!(
        causes(&r, "s")[0].contains("running 4 → ceil(4 × 100.0 / 50) = 8"),
        "{}",
        causes(&r, "s")[0]
    );
    assert_eq!(r.services["s"].desired_final, 8);
    assert_eq!(r.services["s"].running_final, 4);
}

// ---------------------------------------------------------------------------------------------
// 4. Cooldowns.

#[test]
fn inside_the_scale_out_cooldown_only_a_larger_scale_out_happens() {
    // Metric 80 for minutes 10–13, 60 for 14–15, 100 for 16, then 47 (target 50).
    // - Minute 12 published at 13 × 60 + 183 = 963 s: ceil(4 × 80 / 50) = 7. Cooldown until
    //   1263 s; the chain began with 4 RUNNING.
    // - Minutes 14 and 15 (60) published at 1083 s and 1143 s, 7 tasks running since 973 s:
    //   from the chain's 4, ceil(4 × 60 / 50) = 5 is not above 7 → nothing (from the 7 running
    //   it would have been ceil(8.4) = 9).
    // - Minute 16 (100) published at 17 × 60 + 183 = 1203 s, still inside the cooldown:
    //   ceil(4 × 100 / 50) = 8 > 7 → 7 → 8.
    // - Minute 17 (47) breaks the 3-of-3 window: nothing more.
    let m = custom_metric(
        "M",
        &[
            ("0s", 47.0),
            ("10m", 80.0),
            ("14m", 60.0),
            ("16m", 100.0),
            ("17m", 47.0),
        ],
    );
    let r = run(scenario(
        "40m",
        &[m],
        &[svc("s", 4, 1, 20, &[tt_custom("M", 50.0, json!({}))], &[])],
    ));
    assert_eq!(
        acts(&r, "s"),
        vec![
            (963.0, "scale-out", Some(4), Some(7)),
            (1203.0, "scale-out", Some(7), Some(8)),
        ]
    );
    assert!(causes(&r, "s")[1].contains("inside the scale-out cooldown"));
}

#[test]
fn scale_in_waits_for_the_scale_in_cooldown() {
    // Metric 30 throughout (target 50, ScaleInCooldown 600 s), desired 10, MinCapacity 1.
    // - Minutes 0–14 are 15 low datapoints, published at 15 × 60 + 183 = 1083 s →
    //   ceil(10 × 30 / 50) = 6. Cooldown until 1683 s.
    // - Every minute after proposes ceil(6 × 30 / 50) = ceil(3.6) = 4, blocked until the
    //   datapoint published at 1683 s (minute 24) → 6 → 4; then at 2283 s
    //   ceil(4 × 0.6) = ceil(2.4) = 3; at 2883 s ceil(1.8) = 2; at 3483 s ceil(1.2) = 2: nothing.
    let r = run(scenario(
        "1h",
        &[custom_metric("M", &[("0s", 30.0)])],
        &[svc(
            "s",
            10,
            1,
            20,
            &[tt_custom("M", 50.0, json!({"ScaleInCooldown": 600}))],
            &[],
        )],
    ));
    assert_eq!(
        acts(&r, "s"),
        vec![
            (1083.0, "scale-in", Some(10), Some(6)),
            (1683.0, "scale-in", Some(6), Some(4)),
            (2283.0, "scale-in", Some(4), Some(3)),
            (2883.0, "scale-in", Some(3), Some(2)),
        ]
    );
}

#[test]
fn scale_out_during_scale_in_cooldown_happens_at_once_and_ends_it() {
    // ScaleInCooldown 3600 s. Metric 30 for minutes 0–19, 80 for 20–22, 30 from minute 23.
    // - 1083 s: 15 low (minutes 0–14) → ceil(10 × 30 / 50) = 6; scale-in cooldown to 4683 s.
    // - Minute 22 published at 23 × 60 + 183 = 1563 s, inside the scale-in cooldown: 3 high →
    //   running 6 → ceil(6 × 80 / 50) = ceil(9.6) = 10 at once; the scale-in cooldown ends.
    // - Minutes 23–37 are 15 low, published at 38 × 60 + 183 = 2463 s < 4683 s → scale-in
    //   happens (the old cooldown would have blocked it): ceil(10 × 30 / 50) = 6.
    let r = run(scenario(
        "1h",
        &[custom_metric(
            "M",
            &[("0s", 30.0), ("20m", 80.0), ("23m", 30.0)],
        )],
        &[svc(
            "s",
            10,
            1,
            20,
            &[tt_custom("M", 50.0, json!({"ScaleInCooldown": 3600}))],
            &[],
        )],
    ));
    assert_eq!(
        acts(&r, "s"),
        vec![
            (1083.0, "scale-in", Some(10), Some(6)),
            (1563.0, "scale-out", Some(6), Some(10)),
            (2463.0, "scale-in", Some(10), Some(6)),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Several policies.

#[test]
fn several_policies_out_if_any_in_if_all_largest_wins() {
    // Policies A and B (target 50 each) on one service, desired 4.
    //   A: 47, 80 for minutes 10–12, 47, 80 for minutes 20–22, 47, 30 from minute 30.
    //   B: 47, 100 for minutes 20–22, 47, 20 from minute 60.
    // - 963 s (minute 12): only A is high → ceil(4 × 80 / 50) = 7: out if ANY says out.
    // - 1563 s (minute 22), cooldown over (ended 1263 s), 7 running: A → ceil(7 × 80 / 50)
    //   = ceil(11.2) = 12, B → ceil(7 × 100 / 50) = 14: the largest, 14, wins.
    // - A's 15 low datapoints (minutes 30–44) are complete at 2883 s, but B is at 47: no
    //   scale-in until B's are too (minutes 60–74, published at 75 × 60 + 183 = 4683 s):
    //   A → ceil(14 × 30 / 50) = ceil(8.4) = 9, B → ceil(14 × 20 / 50) = ceil(5.6) = 6: the
    //   largest resulting capacity, 9 (A's), wins.
    let a = custom_metric(
        "A",
        &[
            ("0s", 47.0),
            ("10m", 80.0),
            ("13m", 47.0),
            ("20m", 80.0),
            ("23m", 47.0),
            ("30m", 30.0),
        ],
    );
    let b = custom_metric(
        "B",
        &[("0s", 47.0), ("20m", 100.0), ("23m", 47.0), ("60m", 20.0)],
    );
    let r = run(scenario(
        "80m",
        &[a, b],
        &[svc(
            "s",
            4,
            1,
            20,
            &[
                tt_custom("A", 50.0, json!({})),
                tt_custom("B", 50.0, json!({})),
            ],
            &[],
        )],
    ));
    assert_eq!(
        acts(&r, "s"),
        vec![
            (963.0, "scale-out", Some(4), Some(7)),
            (1563.0, "scale-out", Some(7), Some(14)),
            (4683.0, "scale-in", Some(14), Some(9)),
        ]
    );
    let c = causes(&r, "s");
    assert!(c[0].starts_with("policy A:"), "{}", c[0]);
    assert!(c[1].starts_with("policy B:"), "{}", c[1]);
    assert!(c[2].starts_with("policy A:"), "{}", c[2]);
}

#[test]
fn disable_scale_in_never_scales_in_and_does_not_vote() {
    // Service "a": policy A (metric 30, scale-in enabled) and policy C (metric 47,
    // DisableScaleIn). C does not vote on scale-in, so A alone decides: 1083 s
    // ceil(10 × 30 / 50) = 6; then every 300 s (cooldown) from the RUNNING count:
    // 1383 s ceil(3.6) = 4, 1683 s ceil(2.4) = 3, 1983 s ceil(1.8) = 2, then ceil(1.2) = 2.
    // Service "b": only policy D (metric 30, DisableScaleIn): 15 low datapoints never scale in.
    let r = run(scenario(
        "1h",
        &[
            custom_metric("A", &[("0s", 30.0)]),
            custom_metric("C", &[("0s", 47.0)]),
            custom_metric("D", &[("0s", 30.0)]),
        ],
        &[
            svc(
                "a",
                10,
                1,
                20,
                &[
                    tt_custom("A", 50.0, json!({})),
                    tt_custom("C", 50.0, json!({"DisableScaleIn": true})),
                ],
                &[],
            ),
            svc(
                "b",
                10,
                1,
                20,
                &[tt_custom("D", 50.0, json!({"DisableScaleIn": true}))],
                &[],
            ),
        ],
    ));
    assert_eq!(
        acts(&r, "a"),
        vec![
            (1083.0, "scale-in", Some(10), Some(6)),
            (1383.0, "scale-in", Some(6), Some(4)),
            (1683.0, "scale-in", Some(4), Some(3)),
            (1983.0, "scale-in", Some(3), Some(2)),
        ]
    );
    assert_eq!(acts(&r, "b"), vec![]);
    assert_eq!(r.services["b"].desired_min, 10);
}

// ---------------------------------------------------------------------------------------------
// 6. Scale from zero and clamping.

#[test]
fn scale_from_zero_then_proportional_clamped_to_max_and_min() {
    // Service "z": MinCapacity 0, desired 0, MaxCapacity 10; metric 0, then 100 from minute 10.
    // - 963 s (minutes 10–12 high): nothing running → the smallest step first: max(0, 1) = 1.
    //   Inside the cooldown (to 1263 s) the chain began with 0 running → 1 again: nothing.
    // - 1263 s (minute 17; the cooldown has just ended): RUNNING 1 → ceil(1 × 100 / 50) = 2;
    //   1563 s: 2 → 4; 1863 s: 4 → 8; 2163 s: ceil(8 × 2) = 16 → clamped to MaxCapacity 10;
    //   2463 s: 20 → 10, not above 10.
    // Service "m": desired 10, MinCapacity 3, metric 10: 1083 s ceil(10 × 10 / 50) = 2 →
    // clamped to MinCapacity 3.
    let r = run(scenario(
        "45m",
        &[
            custom_metric("Z", &[("0s", 0.0), ("10m", 100.0)]),
            custom_metric("L", &[("0s", 10.0)]),
        ],
        &[
            svc("z", 0, 0, 10, &[tt_custom("Z", 50.0, json!({}))], &[]),
            svc("m", 10, 3, 20, &[tt_custom("L", 50.0, json!({}))], &[]),
        ],
    ));
    assert_eq!(
        acts(&r, "z"),
        vec![
            (963.0, "scale-out", Some(0), Some(1)),
            (1263.0, "scale-out", Some(1), Some(2)),
            (1563.0, "scale-out", Some(2), Some(4)),
            (1863.0, "scale-out", Some(4), Some(8)),
            (2163.0, "scale-out", Some(8), Some(10)),
        ]
    );
    let cz = causes(&r, "z");
    assert!(cz[0].contains("scale from zero"), "{}", cz[0]);
    assert!(cz[4].contains("clamped to MaxCapacity 10"), "{}", cz[4]);
    assert_eq!(acts(&r, "m"), vec![(1083.0, "scale-in", Some(10), Some(3))]);
    assert!(causes(&r, "m")[0].contains("clamped to MinCapacity 3"));
}

// ---------------------------------------------------------------------------------------------
// 7. Step scaling.

#[test]
fn step_scaling_worked_example_10_11_14_13_10() {
    // The bundled step-scaling scenario: metric 50, 60 from 30m, 70 from 35m, 40 from 40m, 30
    // from 45m, 50 from 50m; 1-of-1 alarms at 50; cooldown 300 s.
    // - Minute 30 (60) published at 31 × 60 + 183 = 2043 s: step [0, 15) +10 % of 10 = 1 → 11.
    // - Minutes 31–34 (60) inside the cooldown: +10 % of the base 10 → 11, not above 11.
    // - Minute 35 (70) at 36 × 60 + 183 = 2343 s, the cooldown just over: +30 % of 11 = 3.3 →
    //   3 → 14.
    // - Minute 40 (40) at 2643 s: step (−15, 0] −10 % of 14 = −1.4 → −1 → 13; scale-in
    //   cooldown to 2943 s blocks minutes 41–44.
    // - Minute 45 (30) at 2943 s: step (−∞, −15] −30 % of 13 = −3.9 → −3 → 10; minutes 46–49
    //   blocked until 3243 s, minute 50 (50) breaches neither alarm.
    let r = run_bundled("step-scaling");
    assert_eq!(
        acts(&r, "checkout"),
        vec![
            (2043.0, "scale-out", Some(10), Some(11)),
            (2343.0, "scale-out", Some(11), Some(14)),
            (2643.0, "scale-in", Some(14), Some(13)),
            (2943.0, "scale-in", Some(13), Some(10)),
        ]
    );
    let c = causes(&r, "checkout");
    assert!(c[1].contains("+30% of 11 = 3.3 → 3 → 14"), "{}", c[1]);
    assert!(c[2].contains("-10% of 14 = -1.4 → -1 → 13"), "{}", c[2]);
    assert!(c[3].contains("-30% of 13 = -3.9 → -3 → 10"), "{}", c[3]);
}

#[test]
fn step_scaling_inside_cooldown_adds_only_the_difference() {
    // ChangeInCapacity steps above a threshold of 50: [0, 20) +2, [20, ∞) +3; 1-of-1 alarm,
    // cooldown 300 s; desired 4. Metric 60 for minutes 10–11, 75 for 12–14, then 50.
    // - Minute 10 published at 11 × 60 + 183 = 843 s: +2 to 4 → 6; cooldown to 1143 s.
    // - Minute 11 (60) at 903 s: +2 to the base 4 → 6, not above 6.
    // - Minute 12 (75) at 963 s: +3 to the base 4 → 7 > 6: only the difference, +1, is added.
    // - Minutes 13, 14 (75) at 1023 s and 1083 s: 4 + 3 = 7 again; minute 15 (50) is not > 50.
    let policy = json!({"PolicyName": "up", "PolicyType": "StepScaling",
        "StepScalingPolicyConfiguration": {"AdjustmentType": "ChangeInCapacity", "Cooldown": 300,
          "StepAdjustments": [
            {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 20, "ScalingAdjustment": 2},
            {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 3}]},
        "Alarm": {"AlarmName": "m-high", "Namespace": "Test", "MetricName": "M",
                  "Statistic": "Average", "Period": 60, "EvaluationPeriods": 1, "Threshold": 50,
                  "ComparisonOperator": "GreaterThanThreshold"}});
    let r = run(scenario(
        "30m",
        &[custom_metric(
            "M",
            &[("0s", 50.0), ("10m", 60.0), ("12m", 75.0), ("15m", 50.0)],
        )],
        &[svc("s", 4, 1, 20, &[policy], &[])],
    ));
    assert_eq!(
        acts(&r, "s"),
        vec![
            (843.0, "scale-out", Some(4), Some(6)),
            (963.0, "scale-out", Some(6), Some(7)),
        ]
    );
    assert!(
        causes(&r, "s")[1].contains("+1 added to 6"),
        "{}",
        causes(&r, "s")[1]
    );
}

/// A 3-of-3 step alarm `q-high` on metric math `e = m1 / m2` (Test/M1 over Test/M2) > 50 with
/// `treat` (None: the default), ChangeInCapacity +1 from the threshold up, cooldown 300 s.
fn step_on_ratio(treat: Option<&str>) -> Value {
    let mut alarm = json!({"AlarmName": "q-high", "EvaluationPeriods": 3, "Threshold": 50,
        "ComparisonOperator": "GreaterThanThreshold",
        "Metrics": [
            {"Id": "m1", "ReturnData": false, "MetricStat": {"Metric": {"Namespace": "Test",
              "MetricName": "M1"}, "Stat": "Average", "Period": 60}},
            {"Id": "m2", "ReturnData": false, "MetricStat": {"Metric": {"Namespace": "Test",
              "MetricName": "M2"}, "Stat": "Average", "Period": 60}},
            {"Id": "e", "Expression": "m1 / m2"}]});
    if let Some(t) = treat {
        alarm["TreatMissingData"] = json!(t);
    }
    json!({"PolicyName": "up", "PolicyType": "StepScaling",
        "StepScalingPolicyConfiguration": {"AdjustmentType": "ChangeInCapacity", "Cooldown": 300,
          "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]},
        "Alarm": alarm})
}

/// [`step_alarm_treats_missing_data_as_told`]'s scenario: M1 = 40 until 11m then 60; M2 = 1
/// except 0 for minutes 8–10; service `s` of 2 tasks in [1, 10] with [`step_on_ratio`].
fn ratio_scenario(treat: Option<&str>) -> Scenario {
    scenario(
        "18m",
        &[
            custom_metric("M1", &[("0s", 40.0), ("11m", 60.0)]),
            custom_metric("M2", &[("0s", 1.0), ("8m", 0.0), ("11m", 1.0)]),
        ],
        &[svc("s", 2, 1, 10, &[step_on_ratio(treat)], &[])],
    )
}

#[test]
fn explain_names_the_treatment_of_missing_data() {
    // The `breaching` run of step_alarm_treats_missing_data_as_told: the scale-out at 963 s
    // read (-, -, -, 60, 60); explain shows the treatment and its arithmetic from the cause.
    use crate::support::{Inline, ecsim, out_dir, run_into, stdout};
    let d = out_dir("scaling-explain-missing");
    std::fs::create_dir_all(&d).unwrap();
    let file = d.join("ratio.json");
    std::fs::write(&file, ratio_scenario(Some("breaching")).text()).unwrap();
    let out = d.join("out");
    run_into(&out, &[file.to_str().unwrap(), "--no-charts"]);
    let o = ecsim(&["explain", out.to_str().unwrap()]);
    let text = stdout(&o);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "missing TreatMissingData breaching, evaluation range (missing, missing, missing, \
             60.0, 60.0): 2 real datapoints < EvaluationPeriods: 1 missing filled as breaching; \
             2 + 1 = 3 breaching → ALARM"
        ),
        "{text}"
    );
}

#[test]
fn step_alarm_treats_missing_data_as_told() {
    // m1 / m2 with M1 = 40 until 11m then 60, M2 = 1 except 0 for minutes 8–10: the division by
    // zero leaves minutes 8, 9, 10 without a datapoint. Datapoints: 40 (0–7), missing (8–10),
    // 60 (11 on). 3 of 3 > 50, evaluation range 3 + 2 = 5 minutes.
    // - Minute 11, published at 12 × 60 + 183 = 903 s: range (40, -, -, -, 60), 2 real < 3.
    //   breaching: 1 + 1 filled = 2 < 3 → OK. missing: the real 40 does not breach → OK.
    // - Minute 12 at 963 s: range (-, -, -, 60, 60), 2 real < 3, 1 filled.
    //   breaching: 2 + 1 = 3 → ALARM → +1 to 2 = 3. notBreaching: 2 < 3 → OK. missing: every
    //   real datapoint breaches, the oldest is 2 periods old < 3 → INSUFFICIENT_DATA.
    // - Minute 13 at 1023 s: range (-, -, 60, 60, 60): 3 real → 3 of 3 → ALARM under every
    //   treatment: +1 to 2 = 3 (with breaching: inside the cooldown, +1 to the base 2 = 3 = the
    //   desired count → nothing). The run ends at 18m = 1080 s, before minute 14's 1083 s.
    let ratio = |treat| run(ratio_scenario(treat));
    let r = ratio(Some("breaching"));
    assert_eq!(acts(&r, "s"), vec![(963.0, "scale-out", Some(2), Some(3))]);
    let c = &causes(&r, "s")[0];
    assert!(
        c.contains(
            "3 of 3 datapoints > 50 (missing, 60.0, 60.0); TreatMissingData breaching, \
             evaluation range (missing, missing, missing, 60.0, 60.0): 2 real datapoints < \
             EvaluationPeriods: 1 missing filled as breaching; 2 + 1 = 3 breaching → ALARM"
        ),
        "{c}"
    );
    for treat in [None, Some("missing"), Some("notBreaching")] {
        let r = ratio(treat);
        assert_eq!(
            acts(&r, "s"),
            vec![(1023.0, "scale-out", Some(2), Some(3))],
            "{treat:?}"
        );
        // Nothing missing in the last 3 periods: the cause is the plain sentence.
        let c = &causes(&r, "s")[0];
        assert!(
            c.contains("3 of 3 datapoints > 50 (60.0, 60.0, 60.0); step"),
            "{c}"
        );
    }
}

#[test]
fn step_alarm_on_a_percentile_of_per_task_cpu() {
    // The step-reaction service (4 tasks RUNNING at 10 s, healthy at 160 s; 100 rps) with a
    // 1-of-1 step alarm CPUUtilization `stat` > 20, +1 per alarm, cooldown 300 s, 8 minutes.
    // Per-task CPU: RUNNING but not healthy 5 %; healthy 5 + 80 × (100 / 4) / 100 = 25 %.
    // - Minute 1 (60–120 s): 4 tasks at 5 % → every percentile 5: no alarm.
    // - Minute 2 (120–180 s): 4 × 40 s = 160 task-s at 5 %, then 4 × 20 s = 80 task-s at 25 %
    //   (one 10-s load step either way around 160 s moves 40 task-s: 5 % keeps ≥ 160 of 240).
    //   p90 needs 0.9 × 240 = 216 task-s: 5 % reaches only 160 (or 200) → p90 = 25 > 20 → ALARM,
    //   published at 3 × 60 + 183 = 363 s: 4 → 5. p50 needs 120: 5 % reaches it → p50 = 5.
    //   (The Average, (160 × 5 + 80 × 25) / 240 = 11.67, would not alarm either.)
    // - Minute 3 (180–240 s): every task healthy at 25 % → p50 = p90 = 25 > 20, at 423 s: for p50
    //   the first alarm, 4 → 5; for p90 inside the cooldown, +1 to the base 4 = 5 = desired →
    //   nothing. Minute 4 is published at 483 s, after the run's 480 s.
    let with = |stat: &str| {
        let policy = json!({"PolicyName": "pct", "PolicyType": "StepScaling",
            "StepScalingPolicyConfiguration": {"AdjustmentType": "ChangeInCapacity",
              "Cooldown": 300,
              "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]},
            "Alarm": {"AlarmName": "pct-high", "Namespace": "AWS/ECS",
              "MetricName": "CPUUtilization",
              "Dimensions": [{"Name": "ClusterName", "Value": "c"},
                             {"Name": "ServiceName", "Value": "web"}],
              "ExtendedStatistic": stat, "Period": 60, "EvaluationPeriods": 1,
              "Threshold": 20, "ComparisonOperator": "GreaterThanThreshold"}});
        run(Scenario::new("pct")
            .seed(7)
            .duration("8m")
            .fargate()
            .service(
                Service::new("web")
                    .fargate()
                    .desired(4)
                    .size(512, 1024)
                    .fargate_startup("5s", "5s")
                    .load_balancer(
                        json!({"healthCheck": {"intervalSeconds": 30, "healthyThreshold": 5}}),
                    )
                    .load(
                        constant(100.0),
                        json!({"maxRps": 100, "cpuAtMaxRps": 85, "idleCpu": 5}),
                    )
                    .scaling(AutoScaling::new(4, 20).policy(policy)),
            ))
    };
    let r = with("p90");
    assert_eq!(
        acts(&r, "web"),
        vec![(363.0, "scale-out", Some(4), Some(5))]
    );
    assert!(causes(&r, "web")[0].contains("1 of 1 datapoints > 20 (25.0)"));
    let r = with("p50");
    assert_eq!(
        acts(&r, "web"),
        vec![(423.0, "scale-out", Some(4), Some(5))]
    );
}

// ---------------------------------------------------------------------------------------------
// 8. Scheduled actions.

#[test]
fn scheduled_actions_move_the_bounds_and_ignore_cooldowns() {
    // Start Monday 2026-01-05T00:00Z, desired 2, MinCapacity 2, MaxCapacity 20, metric M
    // (target 50): 47, 80 for 12:53–12:56 (minutes 773–775), 47, 30 from 13:05 (minute 785).
    // - 46743 s (12:59:03): minute 775 published (776 × 60 + 183): 3 high → ceil(2 × 80 / 50)
    //   = ceil(3.2) = 4. Scale-out cooldown to 47043 s.
    // - cron(0 8 ? * MON-FRI *) in America/New_York: 08:00 EST (UTC−5 in January) = 13:00Z =
    //   46800 s: MinCapacity 2 → 8, desired 4 → 8 at once (inside the cooldown; target
    //   tracking alone would not have moved).
    // - at(2026-01-05T13:20:00) = 48000 s: MinCapacity 8 → 2, desired 8 within the range: an
    //   activity without a count change (from/to null).
    // - Minutes 785–799 low, published at 800 × 60 + 183 = 48183 s: ceil(8 × 30 / 50) =
    //   ceil(4.8) = 5; scale-in cooldown to 48483 s.
    // - at(2026-01-05T13:25:00) = 48300 s, inside that cooldown: MaxCapacity 20 → 3, desired
    //   5 → 3 at once.
    // - 48483 s: cooldown over, ceil(3 × 30 / 50) = ceil(1.8) = 2 → 3 → 2.
    let sched = [
        json!({"ScheduledActionName": "business-hours", "Schedule": "cron(0 8 ? * MON-FRI *)",
               "Timezone": "America/New_York", "ScalableTargetAction": {"MinCapacity": 8}}),
        action(
            "floor-down",
            "at(2026-01-05T13:20:00)",
            json!({"MinCapacity": 2}),
        ),
        action("cap", "at(2026-01-05T13:25:00)", json!({"MaxCapacity": 3})),
    ];
    let r = run(scenario(
        "13h30m",
        &[custom_metric(
            "M",
            &[
                ("0s", 47.0),
                ("12h53m", 80.0),
                ("12h56m", 47.0),
                ("13h05m", 30.0),
            ],
        )],
        &[svc(
            "s",
            2,
            2,
            20,
            &[tt_custom("M", 50.0, json!({}))],
            &sched,
        )],
    )
    .start("2026-01-05T00:00:00Z"));
    assert_eq!(
        acts(&r, "s"),
        vec![
            (46743.0, "scale-out", Some(2), Some(4)),
            (46800.0, "scheduled-action", Some(4), Some(8)),
            (48000.0, "scheduled-action", None, None),
            (48183.0, "scale-in", Some(8), Some(5)),
            (48300.0, "scheduled-action", Some(5), Some(3)),
            (48483.0, "scale-in", Some(3), Some(2)),
        ]
    );
    let c = causes(&r, "s");
    assert!(c[1].contains("MinCapacity 2 → 8"), "{}", c[1]);
    assert!(c[1].contains("America/New_York"), "{}", c[1]);
    assert!(c[4].contains("MaxCapacity 20 → 3"), "{}", c[4]);
}

// ---------------------------------------------------------------------------------------------
// 9. The queue worker lesson.

#[test]
fn backlog_per_task_cannot_start_from_zero_but_a_step_policy_can() {
    // The bundled queue-worker scenario (4 h). "worker" tracks m1 / m2 with m2 = running tasks
    // = 0: every datapoint divides by zero → no datapoint → INSUFFICIENT_DATA, never scales.
    // Its datapoints are published for minutes k with (k + 1) × 60 + 183 < 14400 s, i.e.
    // k = 0 … 235: 236 rows, all empty and INSUFFICIENT_DATA.
    // "worker-stepped": messages arrive from 30m (minute 30, 20/s), so minute 30's backlog is
    // above 0; published at 31 × 60 + 183 = 2043 s → step [0, ∞) +1 → 0 → 1.
    let r = run_bundled("queue-worker");
    assert_eq!(acts(&r, "worker"), vec![]);
    assert_eq!(r.services["worker"].desired_final, 0);
    assert_eq!(r.services["worker"].task_starts, 0);
    let m = rows(&r, "metrics.csv");
    let worker: Vec<&Vec<String>> = m.iter().filter(|r| r[2] == "worker").collect();
    assert_eq!(worker.len(), 236);
    assert!(
        worker
            .iter()
            .all(|r| r[5].is_empty() && r[8] == "INSUFFICIENT_DATA"),
        "{:?}",
        worker.iter().find(|r| r[8] != "INSUFFICIENT_DATA")
    );
    let stepped = acts(&r, "worker-stepped");
    assert_eq!(stepped[0], (2043.0, "scale-out", Some(0), Some(1)));
    assert!(causes(&r, "worker-stepped")[0].starts_with("policy start-from-zero:"));
    assert!(r.services["worker-stepped"].desired_max > 1);
    // The worker that never started processed nothing; all its messages wait.
    assert_eq!(r.queues["worker"].messages_processed, 0.0);
}

// ---------------------------------------------------------------------------------------------
// 10. Trace replay.

#[test]
fn trace_replay_offers_the_csv_rows_held_until_the_next() {
    // tests/data/bikesharing-hourly.csv, first day (2019-06-03), hourly rows:
    //   86 35 20 9 14 37 205 486 1181 963 464 398 517 526 506 604 733 1275 1640 1169 911 520
    //   304 152 — sum 12,755. Scale 0.5, each value held for its hour (3,600 s):
    //   offered = 0.5 × 12,755 × 3,600 = 22,959,000 requests over the day.
    // timeseries.csv row at 25,200 s is the minute 6:59–7:00, in the row of 06:00 (205):
    // 0.5 × 205 = 102.5 rps; at 64,800 s (17:59–18:00, row 17:00 = 1,275): 637.5 rps.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let trace = json!({"pattern": "trace", "file": "bikesharing-hourly.csv", "scale": 0.5});
    let api = Service::new("api")
        .fargate()
        .desired(2)
        .size(512, 1024)
        .load_balancer(json!({}))
        .load(trace, json!({"maxRps": 1000}));
    let s = Scenario::new("trace")
        .seed(1)
        .duration("1d")
        .start("2019-06-03T00:00:00Z")
        .fargate()
        .service(api);
    let r = run_in(s, Some(&dir));
    assert_eq!(r.availability.offered_requests, 22_959_000.0);
    assert_eq!(
        r.availability.by_service["api"].offered_requests,
        22_959_000.0
    );
    let ts = rows(&r, "timeseries.csv");
    let at = |t: &str| {
        ts.iter()
            .find(|r| r[0] == t && r[1] == "api")
            .unwrap_or_else(|| panic!("row {t}"))[2]
            .clone()
    };
    assert_eq!(at("25200"), "102.5");
    assert_eq!(at("64800"), "637.5");
}

// ---------------------------------------------------------------------------------------------
// 11. Availability.

#[test]
fn served_is_capped_by_healthy_targets() {
    // 300 rps constant, 2 tasks of maxRps 100. Tasks RUNNING at 3 s + 4 s = 7 s, healthy
    // 10 s × 2 = 20 s later, at 27 s. Load steps at 0, 10, 20 s see no healthy target (served 0);
    // from the step at 30 s on, 2 × 100 = 200 rps are served.
    // offered = 300 × 3,600 = 1,080,000; served = 200 × (3,600 − 30) = 714,000;
    // served_fraction = 714,000 / 1,080,000 = 0.661111 (6 places).
    let api = Service::new("api")
        .fargate()
        .desired(2)
        .size(512, 1024)
        .fargate_startup("3s", "4s")
        .load_balancer(json!({"healthCheck": {"intervalSeconds": 10, "healthyThreshold": 2}}))
        .load(constant(300.0), json!({"maxRps": 100}));
    let r = run(Scenario::new("avail")
        .seed(1)
        .duration("1h")
        .fargate()
        .service(api));
    assert_eq!(r.availability.offered_requests, 1_080_000.0);
    assert_eq!(r.availability.served_requests, 714_000.0);
    assert_eq!(r.availability.served_fraction, 0.661111);
    let s = &r.availability.by_service["api"];
    assert_eq!(
        (s.offered_requests, s.served_requests, s.served_fraction),
        (1_080_000.0, 714_000.0, 0.661111)
    );
}

// ---------------------------------------------------------------------------------------------
// 12. Batch jobs.

/// Job stream `etl` (256 / 512, Fargate, RUNNING 12 s after it is submitted: PROVISIONING
/// 5 s, image pull 7 s): 5 jobs at 10m and 3 at 20m, 2 minutes each. 1 h, seed 1.
fn batch() -> Scenario {
    Scenario::new("jobs").seed(1).duration("1h").fargate().job(
        json!({"name": "etl", "launchType": "FARGATE",
            "taskDefinition": {"family": "etl", "cpu": "256", "memory": "512"},
            "arrivals": {"process": "schedule", "schedule": [{"at": "10m", "count": 5},
                                                             {"at": "20m", "count": 3}]},
            "runtime": fixed("2m"),
            "model": {"fargateProvisioning": fixed("5s"), "fargateImagePull": fixed("7s")}}),
    )
}

#[test]
fn batch_jobs_complete_with_the_fixed_start_up_as_their_wait() {
    // 5 jobs at 600 s and 3 at 1200 s; each task is RUNNING 5 s + 7 s = 12 s after it is
    // submitted (the launch bucket holds 100 tokens), runs 2 minutes and completes: 8 completed,
    // mean wait 12 s, max 12 s.
    let r = run(batch());
    let j = &r.batch_jobs["etl"];
    assert_eq!(
        (j.submitted, j.started, j.completed, j.unfinished),
        (8, 8, 8, 0)
    );
    assert_eq!((j.mean_wait_s, j.max_wait_s), (12.0, 12.0));
}

#[test]
fn batch_job_wait_counts_the_launch_rate_limit() {
    // The account's Fargate launch bucket holds 2 tokens and refills 1 per second. 5 jobs
    // submitted at 600 s: two start at once, the others at 601, 602, 603 s (one token each
    // second); each is RUNNING 12 s after its start → waits from submission 12, 12, 13, 14,
    // 15 s. The 3 jobs at 1200 s find a full bucket (2) again: 12, 12, 13 s.
    // mean = (66 + 37) / 8 = 12.875 s, max 15 s ("Mean wait from submission to RUNNING").
    let r = run(batch()
        .model("fargateLaunchBurst", json!(2))
        .model("fargateLaunchPerSecond", json!(1)));
    let j = &r.batch_jobs["etl"];
    assert_eq!(j.completed, 8);
    assert_eq!((j.mean_wait_s, j.max_wait_s), (12.875, 15.0));
}

// ---------------------------------------------------------------------------------------------
// 13. Determinism.

/// Three tasks (FARGATE base 1 weight 1, FARGATE_SPOT weight 2) of 512 / 1024 behind a load
/// balancer, diurnal traffic 50 to 900 rps with noise 0.2, CPU target tracking at 50 within
/// [2, 30]; lognormal start-up delays (the defaults). 6 h.
fn noisy(seed: u64) -> Scenario {
    Scenario::new("noisy")
        .seed(seed)
        .duration("6h")
        .fargate()
        .fargate_spot()
        .service(
            Service::new("web")
                .desired(3)
                .strategy(&[("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 2)])
                .size(512, 1024)
                .load_balancer(json!({}))
                .load(
                    json!({"pattern": "diurnal", "minRps": 50, "maxRps": 900,
                           "peakAt": "03:00", "noise": 0.2}),
                    json!({"maxRps": 100}),
                )
                .scaling(AutoScaling::new(2, 30).policy(target_predefined(
                    "cpu50",
                    "ECSServiceAverageCPUUtilization",
                    50.0,
                ))),
        )
}

fn fingerprint(r: &Report) -> (String, String, String) {
    (
        serde_json::to_string(r).expect("json"),
        table(r, "timeseries.csv"),
        table(r, "metrics.csv"),
    )
}

#[test]
fn same_seed_gives_byte_identical_report_and_csvs() {
    // Noise, lognormal start-up delays and stop durations all draw from streams keyed by the
    // seed: the same seed must give the same bytes; another seed must not (the noise is real,
    // so at least the metric values differ).
    let a = fingerprint(&run(noisy(11)));
    let b = fingerprint(&run(noisy(11)));
    assert!(a == b, "two runs of seed 11 differ");
    assert!(!a.0.is_empty() && a.1.lines().count() > 300 && a.2.lines().count() > 300);
    let c = fingerprint(&run(noisy(12)));
    assert_ne!(a.2, c.2, "seed 12 gave the same metrics as seed 11");
}

#[test]
fn a_rate_action_fires_at_the_start_and_every_interval_after_without_looping() {
    // rate(1 hour) is anchored at the start (the scenario plays "when the action was created"):
    // it fires at 0 s, 3600 s, 7200 s; the run is 3h long, so the firing at 10800 s (= the end)
    // is not inside it → 3 scheduled-action activities. Each sets MinCapacity 3 (desired 2 → 3
    // at 0 s, then within range). Before the fix the action fired at 0 s forever.
    let hourly = action("hourly", "rate(1 hour)", json!({"MinCapacity": 3}));
    let r = run(scenario("3h", &[], &[svc("web", 2, 1, 10, &[], &[hourly])]));
    let a = acts(&r, "web");
    assert_eq!(
        a,
        vec![
            (0.0, "scheduled-action", Some(2), Some(3)),
            (3600.0, "scheduled-action", None, None),
            (7200.0, "scheduled-action", None, None),
        ]
    );
}

#[test]
fn metric_math_may_use_another_expressions_id() {
    // e1 = m1 × 2, e2 = e1 + 10 (the result). m1 = 45 everywhere → e2 = 45 × 2 + 10 = 100 > 50
    // for minutes 0, 1, 2 → the third datapoint (minute 2) is published at 3 × 60 + 183 = 363 s:
    // running 2 → ceil(2 × 100 / 50) = 4.
    let policy = json!({"PolicyName": "math", "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 50,
          "CustomizedMetricSpecification": {"Metrics": [
            {"Id": "m1", "ReturnData": false, "MetricStat": {"Stat": "Average",
              "Metric": {"Namespace": "Test", "MetricName": "x"}}},
            {"Id": "e1", "ReturnData": false, "Expression": "m1 * 2"},
            {"Id": "e2", "Expression": "e1 + 10"}]}}});
    let r = run(scenario(
        "10m",
        &[custom_metric("x", &[("0s", 45.0)])],
        &[svc("web", 2, 1, 10, &[policy], &[])],
    ));
    assert_eq!(acts(&r, "web")[0], (363.0, "scale-out", Some(2), Some(4)));
    assert!(causes(&r, "web")[0].contains("ceil(2 × 100.0 / 50) = 4"));
}

#[test]
fn the_last_minute_of_the_run_has_its_timeseries_row() {
    // A 10-minute run: minutes end at 60, 120, …, 600 s → 10 rows for the one service, the last
    // at time_s 600 (written when the run ends, not by a tick after it).
    let r = run(scenario("10m", &[], &[svc("web", 2, 1, 10, &[], &[])]));
    let t = rows(&r, "timeseries.csv");
    assert_eq!(t.len(), 10);
    assert_eq!(t[9][0], "600");
}

#[test]
fn a_step_policy_on_a_five_minute_alarm_is_invoked_each_minute_while_in_alarm() {
    // Alarm: Average over Period 300 > 50, 1 of 1. The metric is 80 from the start, so the
    // 5-minute period of minutes 0–4 is published at 5 × 60 + 183 = 483 s → ALARM → +1 (2 → 3)
    // with Cooldown 60. The alarm stays in ALARM: CloudWatch invokes the action once a minute,
    // at 543, 603, 663, 723 s (each 60 s after the last, so the 60-s cooldown has ended:
    // `now < until` is false at exactly until) → 4, 5, 6, 7; then the next period (minutes 5–9)
    // publishes at 10 × 60 + 183 = 783 s → 8. The run ends at 800 s.
    let step = json!({"PolicyName": "slow", "PolicyType": "StepScaling",
        "StepScalingPolicyConfiguration": {"AdjustmentType": "ChangeInCapacity",
          "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
          "Cooldown": 60},
        "Alarm": {"Namespace": "Test", "MetricName": "y", "Statistic": "Average", "Period": 300,
                  "EvaluationPeriods": 1, "Threshold": 50,
                  "ComparisonOperator": "GreaterThanThreshold"}});
    let r = run(scenario(
        "800s",
        &[custom_metric("y", &[("0s", 80.0)])],
        &[svc("web", 2, 1, 20, &[step], &[])],
    ));
    let times: Vec<(f64, Option<u32>)> = acts(&r, "web").iter().map(|a| (a.0, a.3)).collect();
    assert_eq!(
        times,
        vec![
            (483.0, Some(3)),
            (543.0, Some(4)),
            (603.0, Some(5)),
            (663.0, Some(6)),
            (723.0, Some(7)),
            (783.0, Some(8)),
        ]
    );
}

#[test]
fn a_batch_jobs_pasted_task_definition_is_accepted_with_a_warning() {
    // A RegisterTaskDefinition body pasted into a job carries `image`, which ecsim does not
    // model: it is set aside with a warning, as it is for a service, not refused.
    let s = load(Scenario::new("t").fargate().job(json!({
        "name": "nightly", "launchType": "FARGATE",
        "taskDefinition": {"family": "n", "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "n", "image": "busybox"}]},
        "arrivals": {"process": "schedule", "schedule": [{"at": "1m"}]},
        "runtime": fixed("5m")})));
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("batchJobs[0].taskDefinition.containerDefinitions[0].image")),
        "warnings: {:?}",
        s.warnings
    );
}

#[test]
fn memory_utilisation_is_measured_against_the_containers_memory_reservation() {
    // Task memory 1024 MiB but the container reserves 512 (soft limit): ECS's memory
    // utilisation divides by the reservation. memoryBase 256 MiB, no memoryPerRps → every
    // RUNNING task at 256 × 100 / 512 = 50 % (not 25 %). Target 40: 50 > 40 for minutes 0–2 →
    // at 3 × 60 + 183 = 363 s, running 2 → ceil(2 × 50 / 40) = 3. (Tasks RUNNING at 10 s, so
    // minute 0 averages RUNNING tasks only: still 50.)
    let web = Service::new("web")
        .fargate()
        .desired(2)
        .size(512, 1024)
        .task(
            "containerDefinitions",
            json!([{"name": "web", "memoryReservation": 512}]),
        )
        .fargate_startup("5s", "5s")
        .load_balancer(json!({}))
        .load(constant(0.0), json!({"maxRps": 100, "memoryBase": 256}))
        .scaling(AutoScaling::new(1, 10).policy(target_predefined(
            "mem40",
            "ECSServiceAverageMemoryUtilization",
            40.0,
        )));
    let r = run(Scenario::new("t").duration("10m").fargate().service(web));
    assert_eq!(acts(&r, "web")[0], (363.0, "scale-out", Some(2), Some(3)));
    assert!(causes(&r, "web")[0].contains("ceil(2 × 50.0 / 40) = 3"));
}

#[test]
fn scale_out_cooldown_base_current_scales_from_the_running_count_now() {
    // The same metric as inside_the_scale_out_cooldown_only_a_larger_scale_out_happens, with
    // `model.scaleOutCooldownBase: current`: inside the cooldown the formula uses the RUNNING
    // count now (tasks RUNNING 10 s after they are created).
    // - 963 s (minute 12, 80): ceil(4 × 80 / 50) = 7 (4 → 7; RUNNING at 973 s).
    // - 1023 s (minute 13, 80): ceil(7 × 80 / 50) = ceil(11.2) = 12 > 7 → 12 (RUNNING at
    //   1033 s) — where chainStart computes ceil(4 × 80 / 50) = 7 and does nothing.
    // - 1083 s (minute 14, 60; the window 80, 80, 60 is still 3 of 3 > 50):
    //   ceil(12 × 60 / 50) = ceil(14.4) = 15.
    // - 1143 s (minute 15, 60): ceil(15 × 60 / 50) = 18.
    // - 1203 s (minute 16, 100): ceil(18 × 100 / 50) = 36 → clamped to MaxCapacity 20.
    // The metric never fell: the running count grew while the datapoints were still the old
    // ones, which is the runaway chainStart guards against.
    let m = custom_metric(
        "M",
        &[
            ("0s", 47.0),
            ("10m", 80.0),
            ("14m", 60.0),
            ("16m", 100.0),
            ("17m", 47.0),
        ],
    );
    let r = run(scenario(
        "40m",
        &[m],
        &[svc("s", 4, 1, 20, &[tt_custom("M", 50.0, json!({}))], &[])],
    )
    .model("scaleOutCooldownBase", json!("current")));
    assert_eq!(
        acts(&r, "s"),
        vec![
            (963.0, "scale-out", Some(4), Some(7)),
            (1023.0, "scale-out", Some(7), Some(12)),
            (1083.0, "scale-out", Some(12), Some(15)),
            (1143.0, "scale-out", Some(15), Some(18)),
            (1203.0, "scale-out", Some(18), Some(20)),
        ]
    );
}

#[test]
fn a_target_stopped_before_its_health_check_still_drains_for_the_deregistration_delay() {
    // 4 Fargate tasks behind a load balancer (deregistration delay 300 s), PENDING at 5 s,
    // RUNNING at 10 s, healthy at 10 + 30 × 5 = 160 s. At 120 s a scheduled action sets
    // MaxCapacity 1: 3 RUNNING (not yet healthy) tasks stop. Each drains 300 s then stops in the
    // fixed 2 s: STOPPED at 120 + 300 + 2 = 422 s. Task-hours over the 600-s run:
    // one task 5 → 600 s = 595 s, three 5 → 422 s = 3 × 417 = 1251 s → 1846 s = 0.5128 h
    // (4 decimals). A stale health-check step must not end the stop at 160 s (which gave
    // 595 + 3 × 155 = 1060 s = 0.2944 h).
    let web = Service::new("web")
        .fargate()
        .desired(4)
        .size(256, 512)
        .fargate_startup("5s", "5s")
        .stop_takes("2s")
        .load_balancer(json!({"deregistrationDelay": "300s"}))
        .scaling(AutoScaling::new(1, 4).scheduled(action(
            "shrink",
            "at(2026-01-05T00:02:00)",
            json!({"MaxCapacity": 1}),
        )));
    let r = run(Scenario::new("t").duration("10m").fargate().service(web));
    assert_eq!(
        acts(&r, "web"),
        vec![(120.0, "scheduled-action", Some(4), Some(1))]
    );
    assert_eq!(
        r.capacity.by_capacity_provider["launchType:FARGATE"].task_hours,
        0.5128
    );
}

#[test]
fn the_last_load_step_is_cut_at_the_end_of_the_run() {
    // 100 rps for a 65-s run: steps [0, 10) … [50, 60) and the last [60, 65) → 6500 requests
    // offered, not 7000.
    let web = Service::new("web")
        .fargate()
        .desired(1)
        .size(256, 512)
        .load_balancer(json!({}))
        .load(constant(100.0), json!({"maxRps": 10}));
    let r = run(Scenario::new("t").duration("65s").fargate().service(web));
    assert_eq!(r.availability.offered_requests, 6500.0);
}

#[test]
fn a_twenty_second_step_alarm_acts_only_on_its_own_datapoints() {
    // Step policy on the 20-second CPU (Period 20, 1 of 1, > 1 %, +1, Cooldown 0). The first task
    // is RUNNING at 10 s, just after the load step at 10 s (which was queued first), so [0, 20)
    // has no RUNNING task and no datapoint; from [20, 40) on every period breaches at 5 % idle
    // CPU and acts at 20·(k + 1) + 26 s: 66, 86, … — times ≡ 6 (mod 20). The one-minute
    // publications (k·60 + 243 s ≡ 3 mod 20) must not re-invoke it.
    let hr = json!({"PolicyName": "hr", "PolicyType": "StepScaling",
        "StepScalingPolicyConfiguration": {"AdjustmentType": "ChangeInCapacity",
          "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
          "Cooldown": 0},
        "Alarm": {"Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
          "Dimensions": [{"Name": "ServiceName", "Value": "web"}], "Statistic": "Average",
          "Period": 20, "EvaluationPeriods": 1, "Threshold": 1,
          "ComparisonOperator": "GreaterThanThreshold"}});
    let web = Service::new("web")
        .fargate()
        .desired(1)
        .size(256, 512)
        .fargate_startup("5s", "5s")
        .load_balancer(json!({}))
        .load(constant(0.0), json!({"maxRps": 10}))
        .scaling(AutoScaling::new(1, 100).policy(hr));
    let r = run(Scenario::new("t").duration("400s").fargate().service(web));
    let times: Vec<f64> = acts(&r, "web").iter().map(|a| a.0).collect();
    // 66, 86, …, 386: (386 − 66) / 20 + 1 = 17 activities, none at a minute publication.
    assert_eq!(times.len(), 17, "{times:?}");
    assert_eq!(times[0], 66.0);
    assert!(times.iter().all(|t| (*t as u64) % 20 == 6), "{times:?}");
}

#[test]
fn a_datapoint_equal_to_the_scale_in_threshold_does_not_breach() {
    // Target 13: the scale-in threshold is 0.9 × 13 = 11.7 (11.700000000000001 in binary). A
    // metric of exactly 11.7 is not below it: no scale-in in 40 minutes (15 datapoints would
    // act at 15 × 60 + 183 = 1083 s).
    let r = run(scenario(
        "40m",
        &[custom_metric("T", &[("0s", 11.7)])],
        &[svc("s", 10, 1, 20, &[tt_custom("T", 13.0, json!({}))], &[])],
    ));
    assert_eq!(acts(&r, "s"), vec![]);
}
