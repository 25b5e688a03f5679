//! Health checks: container `healthCheck`, `essential`, the load balancer's target check and
//! `healthCheckGracePeriodSeconds` (docs/scenario-reference.md §2.6 "Health checks"; issue 16
//! item 8).
//!
//! Start-up is pinned as in the deployment tests: a Fargate task created at t is RUNNING at
//! t + 10 s; a stop takes 2 s. A rollout at 1h (maximumPercent 200, minimumHealthyPercent 100)
//! starts 4 new tasks at 3600 s, RUNNING at 3610 s: the deployment completes when they are
//! healthy, and with failureProbability 1 the circuit breaker (threshold clamp(ceil(0.5 × 4),
//! 3, 200) = 3) fails it when they stop — so those activities' times show the health timing.

use crate::support::scenario::{Scenario, Service};
use crate::support::{acts_of, run, validate_file};
use serde_json::{Value, json};

/// A Fargate service `web` of 4 tasks whose one container is `container`, rolled out at 1h
/// with `failure` probability, the circuit breaker on, plus `extra` service fields.
fn web(container: Value, failure: f64, extra: &[(&str, Value)]) -> Scenario {
    let mut s = Service::new("web")
        .fargate()
        .desired(4)
        .size(256, 512)
        .task("containerDefinitions", json!([container]))
        .set(
            "deploymentConfiguration",
            json!({"maximumPercent": 200, "minimumHealthyPercent": 100,
                   "deploymentCircuitBreaker": {"enable": true, "rollback": true}}),
        )
        .set(
            "deployments",
            json!([{"at": "1h", "failureProbability": failure}]),
        )
        .fargate_startup("5s", "5s")
        .stop_takes("2s");
    for (k, v) in extra {
        s = s.set(k, v.clone());
    }
    Scenario::new("health")
        .duration("2h")
        .seed(1)
        .fargate()
        .service(s)
}

/// A container `web` with this `healthCheck` (command given).
fn checked(fields: Value) -> Value {
    let mut h = json!({"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]});
    h.as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    json!({"name": "web", "healthCheck": h})
}

/// The time of the first activity of `kind`.
fn first(r: &ecsim::report::Report, kind: &str) -> f64 {
    acts_of(r, kind)
        .first()
        .unwrap_or_else(|| panic!("no {kind}"))
        .0
}

/// The `deployment-started` sentence.
fn started(r: &ecsim::report::Report) -> String {
    let a = r.activities.iter().find(|a| a.kind == "deployment-started");
    a.unwrap().cause.to_string()
}

#[test]
fn a_passing_container_check_makes_the_task_healthy_at_its_first_check() {
    // interval 10 s: the first check runs at RUNNING + 10 s and passes: 3610 + 10 = 3620 s.
    let r = run(web(checked(json!({"interval": 10})), 0.0, &[]));
    assert_eq!(first(&r, "deployment-completed"), 3620.0);
    assert!(started(&r).ends_with(
        "; a new task is HEALTHY at RUNNING + 10 s (container health check of web: its first \
         check, one interval in)"
    ));
    // Default interval 30 s: 3610 + 30 = 3640 s.
    let r = run(web(checked(json!({})), 0.0, &[]));
    assert_eq!(first(&r, "deployment-completed"), 3640.0);
    // No container check: UNKNOWN, counted healthy 40 s after RUNNING (AWS): 3650 s.
    let r = run(web(json!({"name": "web"}), 0.0, &[]));
    assert_eq!(first(&r, "deployment-completed"), 3650.0);
    assert!(
        started(&r).ends_with(
            "; a new task is UNKNOWN (no health check), counted healthy at RUNNING + 40 s"
        )
    );
    // A check on a non-essential container does not count: as without a check, 3650 s (the
    // task needs an essential container: a second one without a check).
    let mut c = checked(json!({"interval": 10}));
    c["essential"] = json!(false);
    let s = web(c, 0.0, &[]);
    let mut j = s.json();
    j["services"][0]["taskDefinition"]["containerDefinitions"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "sidecar"}));
    let r = run(j);
    assert_eq!(first(&r, "deployment-completed"), 3650.0);
}

#[test]
fn behind_a_load_balancer_both_checks_must_pass() {
    // Target: 10 s × 2 = 20 s; container: 30 s. Healthy when both passed: 3610 + max(20, 30) =
    // 3640 s. Target alone (no container check): 3610 + 20 = 3630 s.
    let lb = json!({"healthCheck": {"intervalSeconds": 10, "healthyThreshold": 2}});
    let r = run(web(
        checked(json!({"interval": 30})),
        0.0,
        &[("loadBalancer", lb.clone())],
    ));
    assert_eq!(first(&r, "deployment-completed"), 3640.0);
    assert!(started(&r).ends_with(
        "; a new task is healthy when both checks passed: RUNNING + max(30 s (container health \
         check of web), 2 × 10 s (target)) = 30 s"
    ));
    let r = run(web(json!({"name": "web"}), 0.0, &[("loadBalancer", lb)]));
    assert_eq!(first(&r, "deployment-completed"), 3630.0);
}

#[test]
fn a_failing_container_check_stops_the_task_after_its_retries_and_the_grace_period() {
    // interval 30 s, retries 3: failures at 30, 60, 90 s → UNHEALTHY at RUNNING + 90 s, stopped
    // then: the circuit breaker's third failure at 3610 + 90 = 3700 s.
    let c = checked(json!({"interval": 30, "retries": 3}));
    let r = run(web(c.clone(), 1.0, &[]));
    assert_eq!(first(&r, "task-unhealthy"), 3700.0);
    assert_eq!(first(&r, "deployment-failed"), 3700.0);
    // Grace 120 s: the verdict at 90 s is ignored; the check at 120 s repeats it and stops the
    // task: 3610 + 120 = 3730 s.
    let grace = |g: i64| [("healthCheckGracePeriodSeconds", json!(g))];
    let r = run(web(c.clone(), 1.0, &grace(120)));
    assert_eq!(first(&r, "deployment-failed"), 3730.0);
    let a = r
        .activities
        .iter()
        .find(|a| a.kind == "task-unhealthy")
        .unwrap();
    assert_eq!(
        a.cause.to_string(),
        "a task of revision 2 is UNHEALTHY: container health check of web failed at RUNNING + \
         30 s and every 30 s: 3 retries × 30 s = RUNNING + 90 s; healthCheckGracePeriodSeconds \
         120 → stopped at its first verdict from RUNNING + 120 s: RUNNING + 120 s; the service \
         starts a replacement"
    );
    // Grace 100 s: no check at 100 s; the next, at 120 s: again 3730 s.
    let r = run(web(c.clone(), 1.0, &grace(100)));
    assert_eq!(first(&r, "deployment-failed"), 3730.0);
    // Grace 60 s is over before the verdict at 90 s: 3700 s.
    let r = run(web(c, 1.0, &grace(60)));
    assert_eq!(first(&r, "deployment-failed"), 3700.0);
    // startPeriod 45 s: the failure at 30 s is not counted; 60, 90, 120 s are: (2 + 3 − 1) ×
    // 30 = 120 s → 3730 s.
    let c = checked(json!({"interval": 30, "retries": 3, "startPeriod": 45}));
    let r = run(web(c, 1.0, &[]));
    assert_eq!(first(&r, "deployment-failed"), 3730.0);
}

#[test]
fn the_grace_period_covers_the_load_balancer_check_and_is_unused_without_checks() {
    // Target 10 s × 2: verdict at 20 s, then every 10 s; grace 45 s → the verdict at 50 s:
    // 3610 + 50 = 3660 s.
    let lb = json!({"healthCheck": {"intervalSeconds": 10, "healthyThreshold": 2}});
    let r = run(web(
        json!({"name": "web"}),
        1.0,
        &[
            ("loadBalancer", lb),
            ("healthCheckGracePeriodSeconds", json!(45)),
        ],
    ));
    assert_eq!(first(&r, "deployment-failed"), 3660.0);
    // No check at all: the failing task stops when it would have counted healthy, RUNNING +
    // 40 s = 3650 s, grace or not (AWS: unused without health checks).
    let r = run(web(
        json!({"name": "web"}),
        1.0,
        &[("healthCheckGracePeriodSeconds", json!(600))],
    ));
    assert_eq!(first(&r, "deployment-failed"), 3650.0);
}

/// A one-service Fargate scenario: line 4 is `container` (the only container), and
/// `service_extra` follows the task definition inside the service.
fn text(container: &str, service_extra: &str) -> String {
    format!(
        "{{\"name\": \"h\", \"capacityProviders\": [{{\"name\": \"FARGATE\"}}],\n\
         \"services\": [{{\"serviceName\": \"w\", \"launchType\": \"FARGATE\", \"desiredCount\": 1,\n\
         \"taskDefinition\": {{\"family\": \"w\", \"cpu\": \"256\", \"memory\": \"512\", \"containerDefinitions\": [\n\
         {container}]}}{service_extra}}}]}}\n"
    )
}

#[test]
fn out_of_range_health_settings_are_refused_with_what_is_valid() {
    // Line 4 is the container: `{"name": "c", ` (14 characters), `"healthCheck": ` (15),
    // `{"command": ` (12), `["CMD", "x"]` (12) and `, ` (2): 55 characters, so the field's key
    // starts at column 56.
    let cmd = "{\"name\": \"c\", \"healthCheck\": {\"command\": [\"CMD\", \"x\"], ";
    assert_eq!(cmd.len(), 55);
    let hc = "services[0].taskDefinition.containerDefinitions[0].healthCheck";
    for (field, value, valid) in [
        ("interval", 4, "5 to 300 seconds"),
        ("interval", 301, "5 to 300 seconds"),
        ("timeout", 1, "2 to 60 seconds"),
        ("timeout", 61, "2 to 60 seconds"),
        ("retries", 0, "1 to 10 retries"),
        ("retries", 11, "1 to 10 retries"),
        ("startPeriod", -1, "0 to 300 seconds"),
        ("startPeriod", 301, "0 to 300 seconds"),
    ] {
        // The value: column 56 + the quoted key (len + 2) + `: `.
        let col = 56 + field.len() + 2 + 2;
        validate_file(
            &format!("hc-{field}-{value}"),
            "h.json",
            &text(&format!("{cmd}\"{field}\": {value}}}}}"), ""),
        )
        .refused(&[&format!(
            "error: h.json:4:{col}: {hc}.{field}: {field} {value} is out of range: expected \
             {valid}"
        )]);
    }
    // No command: the healthCheck object at column 30 (after `{"name": "c", "healthCheck": `).
    validate_file(
        "hc-command",
        "h.json",
        &text("{\"name\": \"c\", \"healthCheck\": {\"interval\": 10}}", ""),
    )
    .refused(&[&format!(
        "error: h.json:4:30: {hc}: a healthCheck needs its command, e.g. [\"CMD-SHELL\", \"curl \
         -f http://localhost/ || exit 1\"] (AWS requires it)"
    )]);
    // No essential container: the error is on the list, whose `[` ends line 3 after the 89
    // characters `"taskDefinition": {"family": "w", "cpu": "256", "memory": "512",
    // "containerDefinitions": ` — column 90.
    validate_file(
        "hc-essential",
        "h.json",
        &text("{\"name\": \"c\", \"essential\": false}", ""),
    )
    .refused(&[
        "error: h.json:3:90: services[0].taskDefinition.containerDefinitions: no \
                essential container: a task definition needs at least one (essential defaults \
                to true)",
    ]);
    // The grace period: 0 to 2,147,483,647 s. Line 5: `"healthCheckGracePeriodSeconds": ` is
    // 33 characters: the value at 34.
    for v in ["-1", "2147483648"] {
        validate_file(
            &format!("grace{v}"),
            "h.json",
            &text(
                "{\"name\": \"c\"}",
                &format!(",\n\"healthCheckGracePeriodSeconds\": {v}"),
            ),
        )
        .refused(&[&format!(
            "error: h.json:5:34: services[0].healthCheckGracePeriodSeconds: \
             healthCheckGracePeriodSeconds {v} is out of range: expected 0 to 2147483647 \
             seconds (about 69 years, UpdateService's limit)"
        )]);
    }
}

#[test]
fn explain_tells_the_health_arithmetic() {
    // The grace case above (unhealthy at 90 s, grace 120 s → stopped at 120 s), run by the
    // binary and read back by `ecsim explain` from report.json's typed detail.
    use crate::support::{TempDir, ecsim, ok, run_into, stdout};
    let dir = TempDir::new("health-explain");
    let c = checked(json!({"interval": 30, "retries": 3}));
    let s = web(c, 1.0, &[("healthCheckGracePeriodSeconds", json!(120))]);
    dir.write("h.json", serde_json::to_string(&s.json()).unwrap());
    let out = dir.path().join("out");
    run_into(
        &out,
        &[dir.path().join("h.json").to_str().unwrap(), "--no-charts"],
    );
    let o = ecsim(&["explain", out.to_str().unwrap(), "--limit", "0"]);
    ok(&o);
    // explain wraps its lines: compare with the line breaks and indentation taken out.
    let text = stdout(&o).split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "· task-unhealthy web",
        "3 retries × 30 s = RUNNING + 90 s; healthCheckGracePeriodSeconds 120 → stopped at its \
         first verdict from RUNNING + 120 s: RUNNING + 120 s",
        "a new task is HEALTHY at RUNNING + 30 s (container health check of web: its first \
         check, one interval in)",
    ] {
        assert!(text.contains(want), "{want}\n{text}");
    }
}
