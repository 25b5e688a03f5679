//! Task networking on EC2 (aws-behaviour.md §6): `awsvpc` tasks hold one ENI each, so an
//! instance runs at most its type's ENIs − 1 primary of them, or its trunk limit with the
//! `awsvpcTrunking` account setting; `bridge` and `host` tasks hold none, and static host ports
//! conflict only where tasks share the instance's network. Each expected value is derived by
//! hand in a comment.
//!
//! Facts the derivations use (src/catalogue/instance_types.rs, from AWS's tables): m5.large has
//! 2 vCPU (2,048 CPU units), 8 GiB (7,987 MiB registered), 3 ENIs and a trunk limit of 10;
//! t3.micro has 2 ENIs and no trunking.

use crate::support::scenario::{Group, Scenario, Service};
use crate::support::{acts_of, placements, run, validate_file, world};
use ecsim::engine::MINUTE;
use ecsim::ids::ServiceId;
use ecsim::model::world::{TaskState, World};
use serde_json::json;

/// A fixed group of `n` instances of `itype` and one service of `tasks` tasks of 256 CPU units
/// / 512 MiB in network mode `mode` (None: not given), binpacked on memory.
fn cluster(n: u32, itype: &str, mode: Option<&str>, tasks: u32) -> Scenario {
    let mut svc = Service::new("web")
        .size(256, 512)
        .desired(tasks)
        .placement("binpack", "memory");
    if let Some(m) = mode {
        svc = svc.task("networkMode", json!(m));
    }
    Scenario::new("net")
        .duration("30m")
        .group(Group::new("pool", &[itype]).fixed(n))
        .default_strategy("pool")
        .service(svc)
}

fn trunking(s: Scenario) -> Scenario {
    s.set(
        "accountSettings",
        json!([{"name": "awsvpcTrunking", "value": "enabled"}]),
    )
}

/// Running tasks of service 0 per instance ordinal, after 10 minutes.
fn running_per_instance(mut w: World) -> Vec<u32> {
    w.run_until(10 * MINUTE);
    let mut v = vec![0; w.fleet.instances.len()];
    for &slot in w.service_tasks(ServiceId(0)) {
        let t = &w.tasks[slot];
        if let (Some(i), TaskState::Running) = (t.instance, t.state) {
            v[i.index()] += 1;
        }
    }
    v
}

#[test]
fn awsvpc_tasks_are_capped_by_the_instance_enis() {
    // 12 tasks on 3 × m5.large. CPU allows 2,048 / 256 = 8 per instance; awsvpc allows
    // 3 ENIs − 1 primary = 2. Binpack fills each instance to its limit: [2, 2, 2], 6 running;
    // the other 6 wait for an instance.
    let w = world(cluster(3, "m5.large", Some("awsvpc"), 12));
    assert_eq!(running_per_instance(w), vec![2, 2, 2]);
}

#[test]
fn bridge_is_the_default_and_holds_no_eni() {
    // The same 12 tasks in bridge mode, or with no networkMode (ECS's default on Linux is
    // bridge): CPU binds, 8 per instance; binpack(memory) fills i-0 with 8, then i-1 with 4.
    for mode in [Some("bridge"), None] {
        let w = world(cluster(3, "m5.large", mode, 12));
        assert_eq!(running_per_instance(w), vec![8, 4, 0], "{mode:?}");
    }
}

#[test]
fn trunking_raises_the_limit_to_the_trunk_figure() {
    // awsvpcTrunking enabled: m5.large carries 10 awsvpc tasks, but CPU allows 8: [8, 4, 0],
    // as bridge. With tasks of 128 CPU units (16 fit by CPU) the trunk binds: 12 tasks → 10 on
    // i-0, 2 on i-1.
    let w = world(trunking(cluster(3, "m5.large", Some("awsvpc"), 12)));
    assert_eq!(running_per_instance(w), vec![8, 4, 0]);
    let small = trunking(
        Scenario::new("net")
            .duration("30m")
            .group(Group::new("pool", &["m5.large"]).fixed(3))
            .default_strategy("pool")
            .service(
                Service::new("web")
                    .size(128, 256)
                    .desired(12)
                    .placement("binpack", "memory")
                    .task("networkMode", json!("awsvpc")),
            ),
    );
    assert_eq!(running_per_instance(world(small)), vec![10, 2, 0]);
}

#[test]
fn a_type_without_trunking_keeps_its_eni_limit() {
    // t3.micro: 2 ENIs − 1 primary = 1 awsvpc task, trunking or not (t3 does not support it).
    // 2 vCPU → 2,048 units, but 1 GiB → 998 MiB registered: memory allows 998 / 512 = 1 anyway,
    // so use 64 MiB tasks: memory allows 15, CPU 8, ENIs 1. Three instances, 5 tasks: [1, 1, 1].
    let s = |trunk: bool| {
        let base = Scenario::new("net")
            .duration("30m")
            .group(Group::new("pool", &["t3.micro"]).fixed(3))
            .default_strategy("pool")
            .service(
                Service::new("web")
                    .size(256, 64)
                    .desired(5)
                    .task("networkMode", json!("awsvpc")),
            );
        if trunk { trunking(base) } else { base }
    };
    assert_eq!(running_per_instance(world(s(false))), vec![1, 1, 1]);
    assert_eq!(running_per_instance(world(s(true))), vec![1, 1, 1]);
}

#[test]
fn host_mode_takes_the_container_port_as_a_host_port() {
    // host mode, containerPort 80 and no hostPort: port 80 is taken on the instance, one task
    // per instance → [1, 1, 1] of 5. In bridge mode the same mapping is a dynamic port: CPU
    // binds, [5, 0, 0]. In awsvpc mode ports never conflict: ENIs bind, [2, 2, 1].
    let with_port = |mode: &str| {
        Scenario::new("net")
            .duration("30m")
            .group(Group::new("pool", &["m5.large"]).fixed(3))
            .default_strategy("pool")
            .service(
                Service::new("web")
                    .size(256, 512)
                    .desired(5)
                    .placement("binpack", "memory")
                    .task("networkMode", json!(mode))
                    .task(
                        "containerDefinitions",
                        json!([{"name": "web", "portMappings": [{"containerPort": 80}]}]),
                    ),
            )
    };
    assert_eq!(
        running_per_instance(world(with_port("host"))),
        vec![1, 1, 1]
    );
    assert_eq!(
        running_per_instance(world(with_port("bridge"))),
        vec![5, 0, 0]
    );
    assert_eq!(
        running_per_instance(world(with_port("awsvpc"))),
        vec![2, 2, 1]
    );
}

#[test]
fn managed_scaling_counts_enis_in_its_instance_estimate() {
    // A managed group of m5.large (target 100) with 1 instance at the start and 6 awsvpc tasks
    // of 256 / 512: 2 run on it (ENIs), 4 wait. Minute 0, measured at 60 s and acted on at
    // 120 s: M = 1 busy + ceil(4 / 2 per instance by ENIs) = 3, N = 1, CPR = 300 → launch
    // ceil(1 × 300 / 100) − 1 = 2: 1 → 3 at once. (By CPU alone, 8 per instance, M would be
    // 1 + ceil(4 / 8) = 2 and the group would grow 1 → 2 first.) In the end 2 run on each.
    let s = Scenario::new("net")
        .duration("1h")
        .group(
            Group::new("pool", &["m5.large"])
                .sizes(1, 10, 1)
                .managed(100),
        )
        .default_strategy("pool")
        .service(
            Service::new("web")
                .size(256, 512)
                .desired(6)
                .task("networkMode", json!("awsvpc")),
        );
    let r = run(s.clone());
    assert_eq!(
        acts_of(&r, "cluster-")[0],
        (120.0, "cluster-scale-out", Some(1), Some(3))
    );
    assert_eq!(running_per_instance(world(s)), vec![2, 2, 2]);
}

#[test]
fn explain_shows_the_eni_arithmetic() {
    // The third task on a 3 × m5.large awsvpc cluster binpacked by memory lands on i-00001:
    // i-00000 holds 2, and its rejection says why: 3 ENIs − 1 primary = 2 awsvpc tasks.
    let v = placements("net-explain", &cluster(3, "m5.large", Some("awsvpc"), 3));
    let third = &v.as_array().unwrap()[2];
    assert_eq!(third["chosen"], "i-00001");
    let rejected = third["rejected"].as_array().unwrap();
    assert_eq!(rejected[0][0], "i-00000");
    assert_eq!(
        rejected[0][1],
        "no free ENI: 3 ENIs − 1 primary = 2 awsvpc tasks, 2 in use"
    );
}

/// A Fargate service `w` whose task definition ends with `last` on line 5 (after the line
/// `"taskDefinition": {"family": "w", "cpu": "256", "memory": "512",`), and `settings` as the
/// scenario's line 2.
fn fargate_text(settings: &str, last: &str) -> String {
    format!(
        "{{\"name\": \"n\",\n{settings}\n\"services\": [{{\"serviceName\": \"w\", \
         \"launchType\": \"FARGATE\", \"desiredCount\": 1,\n\"taskDefinition\": \
         {{\"family\": \"w\", \"cpu\": \"256\", \"memory\": \"512\",\n{last}}}}}]}}\n"
    )
}

#[test]
fn bad_network_settings_are_refused_with_what_is_valid() {
    // Line 5 starts with "networkMode" (13 characters), `:` at 14, a space: the value at 16.
    validate_file(
        "net-mode",
        "mode.json",
        &fargate_text(
            "\"capacityProviders\": [{\"name\": \"FARGATE\"}],",
            "\"networkMode\": \"vpc\"",
        ),
    )
    .refused(&[
        "error: mode.json:5:16: services[0].taskDefinition.networkMode: unknown network mode \
         `vpc`: expected awsvpc, bridge, host or none",
    ]);
    validate_file(
        "net-fargate",
        "fargate.json",
        &fargate_text(
            "\"capacityProviders\": [{\"name\": \"FARGATE\"}],",
            "\"networkMode\": \"bridge\"",
        ),
    )
    .refused(&[
        "error: fargate.json:5:16: services[0].taskDefinition.networkMode: network mode \
         `bridge` on Fargate: Fargate tasks must use awsvpc (as RegisterTaskDefinition requires)",
    ]);
    // Line 2: `"accountSettings": [{"name": ` is 29 characters: the name's value at column 30;
    // in the second file the 16-character `"awsvpcTrunking"` (columns 30-45), `, ` and the
    // 7-character `"value"` (48-54), `: `: the value at 57.
    let fine = "\"networkMode\": \"awsvpc\"";
    validate_file(
        "net-setting",
        "setting.json",
        &fargate_text(
            "\"accountSettings\": [{\"name\": \"awsvpcTrunkin\", \"value\": \"enabled\"}], \
             \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
            fine,
        ),
    )
    .refused(&[
        "error: setting.json:2:30: accountSettings[0].name: unknown account setting \
                `awsvpcTrunkin`: did you mean `awsvpcTrunking`? expected one of …",
    ]);
    validate_file(
        "net-value",
        "value.json",
        &fargate_text(
            "\"accountSettings\": [{\"name\": \"awsvpcTrunking\", \"value\": \"on\"}], \
             \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
            fine,
        ),
    )
    .refused(&[
        "error: value.json:2:57: accountSettings[0].value: awsvpcTrunking `on`: expected \
         enabled or disabled",
    ]);
}
