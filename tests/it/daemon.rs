//! DAEMON services (`schedulingStrategy: DAEMON`): one task on each active instance that meets
//! the service's constraints, placed before replica tasks, started on new instances and stopped
//! with them (last, when the instance drains), no auto scaling; managed scaling counts an
//! instance running only daemon tasks as empty and leaves the daemons' room off every
//! prospective instance. Each expected value is derived by hand in a comment.
//!
//! Facts the derivations use: an m5.large registers 2 vCPU = 2,048 CPU units and 8,192 × 0.975
//! = 7,987 MiB; a group's initial instances go round-robin over its zones (us-east-1a, b, c
//! by default); minute k is measured at its end ((k + 1) × 60 s) and acts 60 s later.

use crate::support::scenario::{Group, Scenario, Service};
use crate::support::{acts_of, run, validate_file, world};
use ecsim::engine::{MINUTE, SECOND};
use ecsim::ids::ServiceId;
use ecsim::model::world::{TaskState, World};
use serde_json::json;

/// The log agent: a DAEMON service of 256 CPU units / 512 MiB.
fn agent() -> Service {
    Service::new("agent")
        .size(256, 512)
        .set("schedulingStrategy", json!("DAEMON"))
        .set("launchType", json!("EC2"))
}

/// Active (not stopping) tasks of service `s` per instance ordinal.
fn active_per_instance(w: &World, s: u32) -> Vec<u32> {
    let mut v = vec![0; w.fleet.instances.len()];
    for &slot in w.service_tasks(ServiceId(s)) {
        let t = &w.tasks[slot];
        if let Some(i) = t.instance
            && t.state != TaskState::Stopping
        {
            v[i.index()] += 1;
        }
    }
    v
}

#[test]
fn one_task_on_each_instance_that_meets_the_constraints() {
    // Three m5.large in zones a, b, c; the agent is held out of zone c by memberOf: it runs on
    // i-0 and i-1 only, one task each, and its desired count is its 2 instances.
    let s = Scenario::new("daemon")
        .duration("30m")
        .group(Group::new("pool", &["m5.large"]).fixed(3))
        .service(agent().member_of("attribute:ecs.availability-zone != us-east-1c"));
    let mut w = world(s);
    w.run_until(10 * MINUTE);
    assert_eq!(active_per_instance(&w, 0), vec![1, 1, 0]);
    assert_eq!(w.services[ServiceId(0)].desired, 2);
}

#[test]
fn the_daemon_goes_first_and_keeps_its_room() {
    // Two m5.large, the agent (256 CPU units) and web: 4 tasks of 1,024 units, binpacked.
    // Placed first, the agent leaves 2,048 − 256 = 1,792 units: one web task an instance, so
    // [1, 1] web run and 2 wait. (Had web gone first, binpack would put 2 on each instance —
    // 2 × 1,024 = 2,048 — and the agent would find no room.)
    let s = Scenario::new("daemon")
        .duration("30m")
        .group(Group::new("pool", &["m5.large"]).fixed(2))
        .default_strategy("pool")
        .service(agent())
        .service(
            Service::new("web")
                .size(1024, 2048)
                .desired(4)
                .placement("binpack", "cpu"),
        );
    let mut w = world(s);
    w.run_until(10 * MINUTE);
    assert_eq!(active_per_instance(&w, 0), vec![1, 1]);
    assert_eq!(active_per_instance(&w, 1), vec![1, 1]);
}

/// A managed m5.large group (targetCapacity 100, minSize 0, maxSize 10, `desired` at the
/// start, termination protection on) with the agent and `web` tasks of 1,024 / 2,048.
fn managed(desired: u32, web: u32) -> Scenario {
    Scenario::new("daemon")
        .duration("2h")
        .group(
            Group::new("pool", &["m5.large"])
                .sizes(0, 10, desired)
                .managed(100)
                .protection(true),
        )
        .default_strategy("pool")
        .service(agent())
        .service(Service::new("web").size(1024, 2048).desired(web))
}

#[test]
fn managed_scaling_leaves_the_daemons_room_off_each_new_instance() {
    // 2 instances, 6 web tasks: each instance runs the agent and 1 web task (1,792 units left),
    // 4 web tasks wait. Minute 0 (measured at 60 s, acted on at 120 s): M = 2 busy +
    // ceil(4 / floor(1,792 / 1,024) = 1) = 6, N = 2, CPR 300 → launch ceil(6 × 100 / 100) − 2
    // = 4 at once: 2 → 6. (Packing on the bare 2,048 units, 2 an instance, M would be
    // 2 + ceil(4 / 2) = 4 and the group would grow 2 → 4, then again.) Each of the 6 runs the
    // agent and one web task; the agent's desired count follows the instances to 6.
    let s = managed(2, 6);
    let r = run(s.clone());
    let acts = acts_of(&r, "cluster-");
    assert_eq!(acts, vec![(120.0, "cluster-scale-out", Some(2), Some(6))]);
    let cause = &r.activities[0].cause.to_string();
    assert!(
        cause.ends_with(
            "; M = 2 with tasks + ceil(4 / 1) = 4 for web (1024 CPU units, 2048 MiB; (2048 − \
             256 for daemons) / 1024 = 1 an instance, by CPU) = 6"
        ),
        "{cause}"
    );
    let mut w = world(s);
    w.run_until(30 * MINUTE);
    assert_eq!(active_per_instance(&w, 0), vec![1; 6]);
    assert_eq!(active_per_instance(&w, 1), vec![1; 6]);
    assert_eq!(w.services[ServiceId(0)].desired, 6);
}

#[test]
fn an_instance_running_only_daemon_tasks_counts_as_empty() {
    // 2 instances, no web task: each runs only the agent. CPR = M / N = 0 / 2 × 100 = 0 < 100
    // for minutes 0–14; the 15th datapoint (minute 14) acts at 16 min: toward max(ceil(0 ×
    // 100 / 100), minSize 0) = 0, at most half of 2 = 1 a minute; managed termination
    // protection ignores daemon tasks, so 1 goes at 16 min (2 → 1) and the other at 17 min
    // (AlarmLow stays in ALARM: 1 → 0). The agent's tasks stop with them: desired 0.
    let r = run(managed(2, 0));
    assert_eq!(
        acts_of(&r, "cluster-"),
        vec![
            (960.0, "cluster-scale-in", Some(2), Some(1)),
            (1020.0, "cluster-scale-in", Some(1), Some(0)),
        ]
    );
    assert_eq!(r.services["agent"].desired_final, 0);
    assert_eq!(r.services["agent"].running_final, 0);
}

#[test]
fn on_a_draining_instance_the_daemon_task_stops_last() {
    // Two instances in zones a and b, managed (target 100, minSize 1), protection off,
    // draining on; one web task of 512 / 1,024 held in zone a by memberOf, so i-0 runs it and
    // the agent, i-1 only the agent. M = 1, N = 2: CPR 50 < 100 for 15 datapoints → one
    // instance retires at 16 min (toward max(ceil(1 × 100 / 100), 1) = 1). Whichever it is,
    // it drains: its web task (if any) is replaced and stops first, and only then its agent
    // task. Checked every second from 15 to 25 min: whenever an agent task is STOPPING on an
    // instance, no web task is left on it; by 25 min the instance is gone and 1 agent runs.
    let s = Scenario::new("daemon")
        .duration("1h")
        .zones(&["us-east-1a", "us-east-1b"])
        .group(
            Group::new("pool", &["m5.large"])
                .sizes(1, 10, 2)
                .managed(100)
                .protection(false)
                .draining(true),
        )
        .default_strategy("pool")
        .service(agent())
        .service(
            Service::new("web")
                .size(512, 1024)
                .desired(1)
                .member_of("attribute:ecs.availability-zone == us-east-1a"),
        );
    let mut w = world(s);
    w.run_until(15 * MINUTE);
    let mut saw_agent_stopping = false;
    for k in 0..(10 * 60) {
        w.run_until(15 * MINUTE + k * SECOND);
        for o in w.fleet.instances.ids() {
            let on: Vec<_> = w
                .tasks
                .slots()
                .filter(|&t| w.tasks[t].live && w.tasks[t].instance == Some(o))
                .collect();
            let agent_stopping = on.iter().any(|&t| {
                w.tasks[t].service == ServiceId(0) && w.tasks[t].state == TaskState::Stopping
            });
            let web_left = on.iter().any(|&t| w.tasks[t].service == ServiceId(1));
            saw_agent_stopping |= agent_stopping;
            assert!(
                !(agent_stopping && web_left),
                "at {} s the agent stops on {o:?} while a web task is there",
                15 * 60 + k
            );
        }
    }
    assert!(saw_agent_stopping, "an agent task was stopped by the drain");
    let gone = w.fleet.instances.iter().filter(|i| i.terminated).count();
    assert_eq!(gone, 1);
    assert_eq!(active_per_instance(&w, 0).iter().sum::<u32>(), 1);
    assert_eq!(active_per_instance(&w, 1).iter().sum::<u32>(), 1);
}

#[test]
fn a_crashed_daemon_task_is_started_again_on_its_instance() {
    // Three instances, the agent crashing at 2 per task-hour over 4 h: each crash stops a task
    // and a new one starts on the same instance, so the agent starts 3 + crashes tasks and
    // still runs one on each instance at the end. (With 3 tasks × 4 h × 2 ≈ 24 crashes
    // expected, at least one happens for this seed.)
    let s = Scenario::new("daemon")
        .duration("4h")
        .group(Group::new("pool", &["m5.large"]).fixed(3))
        .service(agent())
        .fault(json!({"type": "taskCrashes", "service": "agent", "perTaskHour": 2}));
    let r = run(s);
    let crashes = r.interruptions.task_crashes;
    assert!(crashes > 0);
    assert_eq!(r.services["agent"].task_starts, 3 + crashes);
    assert_eq!(r.services["agent"].running_final, 3);
}

#[test]
fn what_aws_refuses_for_a_daemon_service_is_refused() {
    // Each offending key starts its line, so its value's column is the key's length + 3.
    let text = r#"{"name": "d",
"capacityProviders": [{"name": "pool", "autoScalingGroupProvider": {"autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 1, "maxSize": 1}}}],
"services": [
{"serviceName": "a", "schedulingStrategy": "DAEMON", "taskDefinition": {"family": "a", "cpu": "256", "memory": "512"},
"capacityProviderStrategy": [{"capacityProvider": "pool", "weight": 1}]},
{"serviceName": "b", "schedulingStrategy": "DAEMON", "taskDefinition": {"family": "b", "cpu": "256", "memory": "512"},
"launchType": "FARGATE"},
{"serviceName": "c", "schedulingStrategy": "DAEMON", "launchType": "EC2", "taskDefinition": {"family": "c", "cpu": "256", "memory": "512"},
"placementStrategy": [{"type": "random"}],
"autoScaling": {"MinCapacity": 1, "MaxCapacity": 2},
"load": {"queue": {"arrivals": {"pattern": "constant", "rps": 1}, "perTaskMessagesPerSecond": 1}},
"deployments": [{"at": "1h"}],
"deploymentConfiguration": {"maximumPercent": 200}}
]}
"#;
    // "capacityProviderStrategy" is 26 characters → column 29; "launchType" 12 → 15;
    // "placementStrategy" 19 → 22; "autoScaling" 13 → 16; "load" 6 → 9; "deployments" 13 →
    // 16; on line 13 `"deploymentConfiguration": {"maximumPercent": ` is 46 characters → 47.
    validate_file("daemon-refused", "d.json", text).refused(&[
        "error: d.json:5:29: services[0].capacityProviderStrategy: Specifying a capacity \
         provider strategy is not supported when you create a service using the DAEMON \
         scheduling strategy (AWS's error): remove it and set \"launchType\": \"EC2\"",
        "error: d.json:7:15: services[1].launchType: tasks using the Fargate launch type don't \
         support the DAEMON scheduling strategy (AWS): use \"EC2\"",
        "error: d.json:9:22: services[2].placementStrategy: a DAEMON service takes no \
         placement strategy (one task goes on each instance): remove it; placementConstraints \
         choose the instances",
        "error: d.json:10:16: services[2].autoScaling: a DAEMON service takes no Service Auto \
         Scaling (its count is the number of instances it runs on): remove autoScaling",
        "error: d.json:11:9: services[2].load: load on a DAEMON service is not modelled: \
         remove it (a daemon's tasks reserve their CPU and memory and serve no traffic)",
        "error: d.json:12:16: services[2].deployments: deployments of a DAEMON service are not \
         modelled: remove them",
        "error: d.json:13:47: services[2].deploymentConfiguration.maximumPercent: \
         maximumPercent 200 is not allowed for a DAEMON service: AWS requires 100",
    ]);
    // With a default capacity provider strategy and no launchType, the default would apply:
    // AWS refuses it the same way. "schedulingStrategy" is 20 characters → column 23.
    let text = r#"{"name": "d",
"capacityProviders": [{"name": "pool", "autoScalingGroupProvider": {"autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 1, "maxSize": 1}}}],
"defaultCapacityProviderStrategy": [{"capacityProvider": "pool", "weight": 1}],
"services": [{"serviceName": "a", "taskDefinition": {"family": "a", "cpu": "256", "memory": "512"},
"schedulingStrategy": "DAEMON"}]}
"#;
    validate_file("daemon-default", "d.json", text).refused(&[
        "error: d.json:5:23: services[0].schedulingStrategy: Specifying a capacity provider \
         strategy is not supported when you create a service using the DAEMON scheduling \
         strategy (AWS's error; the cluster's defaultCapacityProviderStrategy would apply to \
         this service): set \"launchType\": \"EC2\"",
    ]);
}

#[test]
fn the_lesson_needs_an_instance_for_every_three_web_tasks() {
    // daemon-log-agent: web tasks of 512 CPU units beside the agent's 256 on m5.large:
    // (2,048 − 256) / 512 = 3 an instance, so the peak of the run needs ceil(peak desired / 3)
    // instances (managed scaling at targetCapacity 100 keeps no spare one, and binpack fills
    // each). With web tasks of 448 units, 1,792 / 448 = 4 an instance: ceil(peak / 4).
    let text = ecsim::bundled::get("daemon-log-agent").unwrap();
    let r = run(text);
    let peak = r.services["web"].desired_max;
    assert!(
        peak > 3,
        "the lesson's peak needs several instances: {peak}"
    );
    assert_eq!(r.capacity.instances_peak, u64::from(peak.div_ceil(3)));
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["services"][1]["taskDefinition"]["cpu"] = json!("448");
    let r = run(v);
    let peak = r.services["web"].desired_max;
    assert_eq!(r.capacity.instances_peak, u64::from(peak.div_ceil(4)));
}

#[test]
fn the_daemons_placements_at_the_start_are_explained_first() {
    // Two m5.large at time 0, the agent and web (1 task): the daemon's reconciles come first,
    // so placements.json starts with the agent on i-00000 and i-00001 (one candidate each, its
    // own instance), then web.
    let s = Scenario::new("daemon")
        .duration("10m")
        .group(Group::new("pool", &["m5.large"]).fixed(2))
        .default_strategy("pool")
        .service(agent())
        .service(Service::new("web").size(512, 1024).desired(1));
    let v = crate::support::placements("daemon-explain", &s);
    let firsts: Vec<(&str, &str, &str)> = v.as_array().unwrap()[..3]
        .iter()
        .map(|p| {
            (
                p["service"].as_str().unwrap(),
                p["chosen"].as_str().unwrap(),
                p["strategy"][0].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        firsts,
        vec![
            ("agent", "i-00000", "daemon (one task on each instance)"),
            ("agent", "i-00001", "daemon (one task on each instance)"),
            ("web", "i-00000", "spread(attribute:ecs.availability-zone)"),
        ]
    );
}
