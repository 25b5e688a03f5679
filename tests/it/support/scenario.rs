//! A small builder of scenarios as JSON values, so that a test reads as the scenario it runs:
//!
//! ```text
//! Scenario::new("deploy").duration("2h").seed(1).fargate()
//!     .service(Service::new("web").size(256, 512).desired(4).fargate())
//! ```
//!
//! Each method sets the scenario format's field of the same meaning (docs/scenario-reference.md)
//! and nothing else: a field a test does not set is the format's default. Parts the builder has
//! no method for are given as `json!` values ([`Scenario::set`], [`Service::set`], …), in the
//! format's own words.

use serde_json::{Map, Value, json};

/// A start-up or stop delay that is always `value` (`{"distribution": "fixed", …}`).
pub fn fixed(value: &str) -> Value {
    json!({"distribution": "fixed", "value": value})
}

/// Appends `item` to the list `key` of `map`, creating the list.
fn push(map: &mut Map<String, Value>, key: &str, item: Value) {
    match map.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
        Value::Array(a) => a.push(item),
        other => panic!("`{key}` is not a list: {other}"),
    }
}

/// Sets `key` of the object `key_of` of `map` (creating it).
fn set_in(map: &mut Map<String, Value>, object: &str, key: &str, value: Value) {
    match map
        .entry(object)
        .or_insert_with(|| Value::Object(Map::new()))
    {
        Value::Object(o) => {
            o.insert(key.to_string(), value);
        }
        other => panic!("`{object}` is not an object: {other}"),
    }
}

/// A whole scenario.
#[derive(Debug, Clone)]
pub struct Scenario(Map<String, Value>);

impl Scenario {
    /// A scenario `name` with nothing else: no provider, no service, the format's defaults.
    pub fn new(name: &str) -> Scenario {
        let mut m = Map::new();
        m.insert("name".into(), json!(name));
        Scenario(m)
    }

    /// `duration`, e.g. `"2h"`.
    pub fn duration(self, d: &str) -> Scenario {
        self.set("duration", json!(d))
    }

    /// `seed`.
    pub fn seed(self, seed: u64) -> Scenario {
        self.set("seed", json!(seed))
    }

    /// `start`, an RFC 3339 time.
    pub fn start(self, at: &str) -> Scenario {
        self.set("start", json!(at))
    }

    /// `availabilityZones`.
    pub fn zones(self, zones: &[&str]) -> Scenario {
        self.set("availabilityZones", json!(zones))
    }

    /// The FARGATE capacity provider.
    pub fn fargate(self) -> Scenario {
        self.provider(json!({"name": "FARGATE"}))
    }

    /// `serviceQuotas`: the account's Fargate On-Demand and Spot vCPU quotas raised to `od` and
    /// `spot` vCPUs (for a test about something else that the 6-vCPU defaults would throttle).
    pub fn fargate_vcpu_quotas(self, od: f64, spot: f64) -> Scenario {
        self.set(
            "serviceQuotas",
            json!({"Quotas": [
                {"QuotaCode": "L-3032A538", "Value": od},
                {"QuotaCode": "L-36FBB829", "Value": spot}
            ]}),
        )
    }

    /// The FARGATE_SPOT capacity provider.
    pub fn fargate_spot(self) -> Scenario {
        self.provider(json!({"name": "FARGATE_SPOT"}))
    }

    /// An Auto Scaling group capacity provider.
    pub fn group(self, g: Group) -> Scenario {
        self.provider(g.json())
    }

    /// A capacity provider given whole.
    pub fn provider(mut self, p: Value) -> Scenario {
        push(&mut self.0, "capacityProviders", p);
        self
    }

    /// `defaultCapacityProviderStrategy`: all on `provider` (weight 1).
    pub fn default_strategy(self, provider: &str) -> Scenario {
        self.set(
            "defaultCapacityProviderStrategy",
            json!([{"capacityProvider": provider, "weight": 1}]),
        )
    }

    /// A service.
    pub fn service(mut self, s: Service) -> Scenario {
        push(&mut self.0, "services", s.json());
        self
    }

    /// A custom metric (`customMetrics`), e.g. from [`metric_steps`].
    pub fn metric(mut self, m: Value) -> Scenario {
        push(&mut self.0, "customMetrics", m);
        self
    }

    /// A batch job stream (`batchJobs`).
    pub fn job(mut self, j: Value) -> Scenario {
        push(&mut self.0, "batchJobs", j);
        self
    }

    /// A fault (`faults`).
    pub fn fault(mut self, f: Value) -> Scenario {
        push(&mut self.0, "faults", f);
        self
    }

    /// One scenario-wide modelling default: `model.KEY`.
    pub fn model(mut self, key: &str, value: Value) -> Scenario {
        set_in(&mut self.0, "model", key, value);
        self
    }

    /// Any other top-level field, e.g. `pricing`.
    pub fn set(mut self, key: &str, value: Value) -> Scenario {
        self.0.insert(key.to_string(), value);
        self
    }

    /// The scenario as the JSON the loader reads.
    pub fn json(&self) -> Value {
        Value::Object(self.0.clone())
    }
}

/// An Auto Scaling group capacity provider (`autoScalingGroupProvider`).
#[derive(Debug, Clone)]
pub struct Group {
    name: String,
    /// `autoScalingGroup`.
    asg: Map<String, Value>,
    /// The provider's other fields (managed scaling, protection, draining).
    provider: Map<String, Value>,
}

impl Group {
    /// Group `name` of `instance_types`, without sizes (minSize 0, desired the minimum).
    pub fn new(name: &str, instance_types: &[&str]) -> Group {
        let mut asg = Map::new();
        asg.insert("instanceTypes".into(), json!(instance_types));
        Group {
            name: name.to_string(),
            asg,
            provider: Map::new(),
        }
    }

    /// `minSize`, `maxSize` and `desiredCapacity`.
    pub fn sizes(mut self, min: u32, max: u32, desired: u32) -> Group {
        self.asg.insert("minSize".into(), json!(min));
        self.asg.insert("maxSize".into(), json!(max));
        self.asg.insert("desiredCapacity".into(), json!(desired));
        self
    }

    /// Exactly `n` instances: minSize = maxSize = desiredCapacity = `n`.
    pub fn fixed(self, n: u32) -> Group {
        self.sizes(n, n, n)
    }

    /// `purchaseOption`: `"spot"` or `"on-demand"`.
    pub fn purchase(mut self, option: &str) -> Group {
        self.asg.insert("purchaseOption".into(), json!(option));
        self
    }

    /// `managedScaling` enabled at `targetCapacity` `target`.
    pub fn managed(self, target: u32) -> Group {
        self.managed_with(json!({"targetCapacity": target}))
    }

    /// `managedScaling` enabled with these fields (`targetCapacity`, `maximumScalingStepSize`,
    /// `instanceWarmupPeriod`, …).
    pub fn managed_with(mut self, fields: Value) -> Group {
        let mut m = Map::new();
        m.insert("status".into(), json!("ENABLED"));
        m.extend(fields.as_object().expect("managed scaling fields").clone());
        self.provider
            .insert("managedScaling".into(), Value::Object(m));
        self
    }

    /// `managedTerminationProtection` ENABLED or DISABLED.
    pub fn protection(self, on: bool) -> Group {
        self.set("managedTerminationProtection", json!(enabled(on)))
    }

    /// `autoScalingGroup.ecsAgentConfig`: the ECS agent's variables on the group's instances.
    pub fn agent_config(mut self, vars: Value) -> Group {
        self.asg.insert("ecsAgentConfig".into(), vars);
        self
    }

    /// `managedDraining` ENABLED or DISABLED.
    pub fn draining(self, on: bool) -> Group {
        self.set("managedDraining", json!(enabled(on)))
    }

    /// Any other field of the provider's `autoScalingGroupProvider`.
    pub fn set(mut self, key: &str, value: Value) -> Group {
        self.provider.insert(key.to_string(), value);
        self
    }

    /// The provider as the JSON the loader reads.
    pub fn json(&self) -> Value {
        let mut p = Map::new();
        p.insert("autoScalingGroup".into(), Value::Object(self.asg.clone()));
        p.extend(self.provider.clone());
        json!({"name": self.name, "autoScalingGroupProvider": p})
    }
}

/// `ENABLED` or `DISABLED`.
pub fn enabled(on: bool) -> &'static str {
    if on { "ENABLED" } else { "DISABLED" }
}

/// A service.
#[derive(Debug, Clone)]
pub struct Service(Map<String, Value>);

impl Service {
    /// Service `name` whose task definition is family `name` of the format's default size.
    pub fn new(name: &str) -> Service {
        let mut m = Map::new();
        m.insert("serviceName".into(), json!(name));
        m.insert("taskDefinition".into(), json!({"family": name}));
        Service(m)
    }

    /// The task's `cpu` (units) and `memory` (MiB), written as the strings ECS takes.
    pub fn size(self, cpu: u32, memory: u32) -> Service {
        self.task("cpu", json!(cpu.to_string()))
            .task("memory", json!(memory.to_string()))
    }

    /// Another field of the `taskDefinition` (`ephemeralStorage`, `runtimePlatform`, …).
    pub fn task(mut self, key: &str, value: Value) -> Service {
        set_in(&mut self.0, "taskDefinition", key, value);
        self
    }

    /// `desiredCount`.
    pub fn desired(self, n: u32) -> Service {
        self.set("desiredCount", json!(n))
    }

    /// `launchType` FARGATE.
    pub fn fargate(self) -> Service {
        self.set("launchType", json!("FARGATE"))
    }

    /// `capacityProviderStrategy` of (provider, base, weight) items.
    pub fn strategy(self, items: &[(&str, u32, u32)]) -> Service {
        let items: Vec<Value> = items
            .iter()
            .map(|&(p, base, weight)| match base {
                0 => json!({"capacityProvider": p, "weight": weight}),
                _ => json!({"capacityProvider": p, "base": base, "weight": weight}),
            })
            .collect();
        self.set("capacityProviderStrategy", Value::Array(items))
    }

    /// `placementStrategy` of one (type, field) item (`("spread", "instanceId")`, …).
    pub fn placement(self, kind: &str, field: &str) -> Service {
        self.set("placementStrategy", json!([{"type": kind, "field": field}]))
    }

    /// A `memberOf` placement constraint.
    pub fn member_of(mut self, expression: &str) -> Service {
        push(
            &mut self.0,
            "placementConstraints",
            json!({"type": "memberOf", "expression": expression}),
        );
        self
    }

    /// `loadBalancer` with these fields (`json!({})` for the defaults).
    pub fn load_balancer(self, fields: Value) -> Service {
        self.set("loadBalancer", fields)
    }

    /// `load`: `traffic` (e.g. from [`constant`], [`steps`]) and `perTask`.
    pub fn load(self, traffic: Value, per_task: Value) -> Service {
        self.set("load", json!({"traffic": traffic, "perTask": per_task}))
    }

    /// `autoScaling`.
    pub fn scaling(self, a: AutoScaling) -> Service {
        self.set("autoScaling", a.json())
    }

    /// One per-service modelling default: `model.KEY`.
    pub fn model(mut self, key: &str, value: Value) -> Service {
        set_in(&mut self.0, "model", key, value);
        self
    }

    /// Fargate start-up pinned: PROVISIONING `provisioning` and image pull `pull` (durations),
    /// so a task created at t is RUNNING at t + provisioning + pull.
    pub fn fargate_startup(self, provisioning: &str, pull: &str) -> Service {
        self.model("fargateProvisioning", fixed(provisioning))
            .model("fargateImagePull", fixed(pull))
    }

    /// A stop that takes `value` (`model.taskStopDuration`).
    pub fn stop_takes(self, value: &str) -> Service {
        self.model("taskStopDuration", fixed(value))
    }

    /// Any other field of the service.
    pub fn set(mut self, key: &str, value: Value) -> Service {
        self.0.insert(key.to_string(), value);
        self
    }

    /// The service as the JSON the loader reads.
    pub fn json(&self) -> Value {
        Value::Object(self.0.clone())
    }
}

/// A service's `autoScaling`: its bounds, policies and scheduled actions.
#[derive(Debug, Clone)]
pub struct AutoScaling(Map<String, Value>);

impl AutoScaling {
    /// `MinCapacity` and `MaxCapacity`, no policy.
    pub fn new(min: u32, max: u32) -> AutoScaling {
        let mut m = Map::new();
        m.insert("MinCapacity".into(), json!(min));
        m.insert("MaxCapacity".into(), json!(max));
        AutoScaling(m)
    }

    /// A scaling policy (e.g. from [`target_custom`]).
    pub fn policy(mut self, p: Value) -> AutoScaling {
        push(&mut self.0, "policies", p);
        self
    }

    /// A scheduled action (e.g. from [`at`]).
    pub fn scheduled(mut self, action: Value) -> AutoScaling {
        push(&mut self.0, "scheduledActions", action);
        self
    }

    /// The `autoScaling` object.
    pub fn json(&self) -> Value {
        Value::Object(self.0.clone())
    }
}

/// A scheduled action `name` on `schedule` (`at(…)`, `cron(…)`, `rate(…)`) setting the
/// bounds in `bounds` (`{"MinCapacity": …, "MaxCapacity": …}`).
pub fn action(name: &str, schedule: &str, bounds: Value) -> Value {
    json!({"ScheduledActionName": name, "Schedule": schedule, "ScalableTargetAction": bounds})
}

/// A target tracking policy on a predefined metric (`ECSServiceAverageCPUUtilization`, …).
pub fn target_predefined(name: &str, metric: &str, target: f64) -> Value {
    json!({
        "PolicyName": name, "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": target,
            "PredefinedMetricSpecification": {"PredefinedMetricType": metric}}
    })
}

/// A target tracking policy `name` on the custom metric `namespace`/`metric` (Average), with
/// these further configuration fields (`ScaleInCooldown`, `DisableScaleIn`, …; `json!({})`
/// for none).
pub fn target_custom(
    name: &str,
    namespace: &str,
    metric: &str,
    target: f64,
    extra: Value,
) -> Value {
    let mut config = Map::new();
    config.insert("TargetValue".into(), json!(target));
    config.insert(
        "CustomizedMetricSpecification".into(),
        json!({"Namespace": namespace, "MetricName": metric, "Statistic": "Average"}),
    );
    config.extend(extra.as_object().expect("configuration fields").clone());
    json!({
        "PolicyName": name, "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": config
    })
}

/// Traffic (or a metric's value) that is `rps` throughout.
pub fn constant(rps: f64) -> Value {
    json!({"pattern": "constant", "rps": rps})
}

/// Traffic (or a metric's value) that steps to each (at, rps) in turn.
pub fn steps(steps: &[(&str, f64)]) -> Value {
    let steps: Vec<Value> = steps
        .iter()
        .map(|(at, rps)| json!({"at": at, "rps": rps}))
        .collect();
    json!({"pattern": "step", "steps": steps})
}

/// A custom metric `namespace`/`name` whose value follows `value` (e.g. [`steps`]).
pub fn metric(namespace: &str, name: &str, value: Value) -> Value {
    json!({"Namespace": namespace, "MetricName": name, "Value": value})
}

#[test]
fn each_method_writes_its_field_of_the_format() {
    // Written out by hand from docs/scenario-reference.md: the fields each method names, and
    // nothing else (a strategy item of base 0 leaves `base` out, its default).
    let built = Scenario::new("x")
        .duration("1h")
        .seed(2)
        .fargate()
        .fargate_spot()
        .group(
            Group::new("g", &["m5.large"])
                .sizes(0, 4, 1)
                .purchase("spot")
                .managed(100)
                .protection(true)
                .draining(false),
        )
        .default_strategy("g")
        .service(
            Service::new("web")
                .size(256, 512)
                .desired(4)
                .strategy(&[("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 2)])
                .fargate_startup("5s", "6s")
                .stop_takes("2s")
                .load(constant(100.0), json!({"maxRps": 50}))
                .scaling(AutoScaling::new(1, 10).policy(target_predefined(
                    "cpu",
                    "ECSServiceAverageCPUUtilization",
                    50.0,
                ))),
        )
        .model("clusterMetricDelay", json!("60s"))
        .json();
    let by_hand = json!({
        "name": "x", "duration": "1h", "seed": 2,
        "capacityProviders": [
            {"name": "FARGATE"},
            {"name": "FARGATE_SPOT"},
            {"name": "g", "autoScalingGroupProvider": {
                "autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 0, "maxSize": 4,
                                     "desiredCapacity": 1, "purchaseOption": "spot"},
                "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
                "managedTerminationProtection": "ENABLED", "managedDraining": "DISABLED"}}],
        "defaultCapacityProviderStrategy": [{"capacityProvider": "g", "weight": 1}],
        "services": [{
            "serviceName": "web",
            "taskDefinition": {"family": "web", "cpu": "256", "memory": "512"},
            "desiredCount": 4,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "base": 1, "weight": 1},
                                         {"capacityProvider": "FARGATE_SPOT", "weight": 2}],
            "model": {"fargateProvisioning": {"distribution": "fixed", "value": "5s"},
                      "fargateImagePull": {"distribution": "fixed", "value": "6s"},
                      "taskStopDuration": {"distribution": "fixed", "value": "2s"}},
            "load": {"traffic": {"pattern": "constant", "rps": 100.0}, "perTask": {"maxRps": 50}},
            "autoScaling": {"MinCapacity": 1, "MaxCapacity": 10, "policies": [{
                "PolicyName": "cpu", "PolicyType": "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 50.0,
                    "PredefinedMetricSpecification": {
                        "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}]}}],
        "model": {"clusterMetricDelay": "60s"}
    });
    assert_eq!(built, by_hand);
    // And the loader takes it: 4 tasks, providers FARGATE, FARGATE_SPOT and g, one hour.
    let s = super::load(built);
    assert_eq!(s.services[0].desired, 4);
    assert_eq!(s.providers.len(), 3);
    assert_eq!(s.duration, 3_600_000);
}
