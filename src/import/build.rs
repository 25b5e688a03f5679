//! The join: an [`Account`] of AWS CLI-shaped objects into a scenario JSON value, trace CSVs
//! and the [`Assumption`]s made on the way. Only fields the scenario accepts are written (a
//! translator, not a paster).
//!
//! Joins (docs/import.md lists them for users):
//! - service → task definition: the service's `taskDefinition` against `taskDefinitionArn`
//!   (then `family:revision`, then the family's latest revision given);
//! - capacity provider → group: `autoScalingGroupArn` against `AutoScalingGroupARN` (or the
//!   group's name, the ARN's last part);
//! - scalable target / policy / scheduled action → service: `ResourceId`
//!   `service/<cluster>/<service>`;
//! - step policy → alarm: the alarm whose `AlarmActions` holds the policy's `PolicyARN`;
//! - region: the cluster's ARN, its services', its groups' zones, then the other ARNs; zones:
//!   the joined groups' `AvailabilityZones` in the region, in order.

use super::cloudwatch::{MetricKind, MetricSeries};
use super::{Account, Assumption, Imported, Item};
use crate::error::Result;
use crate::util::json::{arr, pick, pick_each};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The instance type assumed when a group's cannot be known.
pub const ASSUMED_INSTANCE_TYPE: &str = "m5.large";
/// The maximum size assumed for a group that was not described.
pub const ASSUMED_MAX_SIZE: u32 = 10;
/// Task CPU units assumed when a task definition was not given.
pub const ASSUMED_TASK_CPU: u32 = 256;
/// Task MiB assumed when a task definition was not given.
pub const ASSUMED_TASK_MEMORY: u32 = 512;
/// The period assumed for a one-point series.
pub const ASSUMED_PERIOD_S: i64 = 60;
/// The file the recorded (non-load) series go in, beside the scenario.
pub const RECORDED_FILE: &str = "recorded-metrics.csv";

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}
fn n(v: &Value, k: &str) -> Option<u64> {
    v.get(k).and_then(|x| {
        x.as_u64()
            .or_else(|| x.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            .or_else(|| x.as_str().and_then(|t| t.parse().ok()))
    })
}
/// The last `/`- or `:`-separated part of an ARN (a name from `…:autoScalingGroupName/NAME`).
fn arn_name(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}
/// `family:revision` of a task definition ARN (`…:task-definition/web:7` → `web:7`), or the
/// text itself when it is one already.
fn family_revision(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}
/// The region of an ARN `arn:aws:SERVICE:REGION:…`.
fn arn_region(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next() == Some("arn")).then_some(())?;
    parts.nth(2).filter(|r| !r.is_empty())
}

/// A `ResourceId` `service/<cluster>/<service>` split into (cluster, service).
fn resource(id: &str) -> Option<(&str, &str)> {
    let rest = id.strip_prefix("service/")?;
    let (c, s) = rest.split_once('/')?;
    Some((c, s))
}

struct Ctx<'a> {
    acc: &'a Account,
    /// `--load-from`'s loads.
    loads: Option<&'a super::Loads>,
    out: Vec<Assumption>,
    /// The scenario's region's zones (None for a region ecsim does not know).
    region_zones: Option<&'static [&'static str]>,
    /// The zones of the groups joined to providers, in order.
    zones: Vec<String>,
}

/// Builds the scenario (see the [module docs](self)).
pub fn build(
    acc: &Account,
    metric_options: &[(String, String)],
    loads: Option<&super::Loads>,
) -> Result<Imported> {
    let mut out = Vec::new();
    // The scenario is one cluster: with several described, the first, and only its services.
    let one_cluster;
    let acc = match acc.clusters.as_slice() {
        [first, others @ ..] if !others.is_empty() => {
            let arn = s(&first.v, "clusterArn");
            let name = s(&first.v, "clusterName").unwrap_or("?");
            let mut a = acc.clone();
            let before = a.services.len();
            a.services.retain(|x| {
                s(&x.v, "clusterArn").is_none_or(|c| Some(c) == arn || arn_name(c) == name)
            });
            out.push(Assumption::SetAside {
                owner: "clusters".into(),
                what: format!(
                    "{} clusters described; the scenario is one cluster, {name} (the first): the \
                     other clusters left out, with {} of their services",
                    acc.clusters.len(),
                    before - a.services.len()
                ),
            });
            a.clusters.truncate(1);
            one_cluster = a;
            &one_cluster
        }
        _ => acc,
    };
    let mut cx = Ctx {
        acc,
        loads,
        out,
        region_zones: None,
        zones: Vec::new(),
    };
    let mut sc = Map::new();
    let cluster = acc.clusters.first().map(|c| &c.v);
    let cluster_name = cluster.and_then(|c| s(c, "clusterName"));
    // An export's manifest names the scenario it was exported from.
    let name = match &acc.manifest {
        Some(m) => m.scenario.clone(),
        None => cluster_name.map_or("imported".to_string(), |c| format!("imported-{c}")),
    };
    sc.insert("name".into(), json!(name));
    sc.insert(
        "description".into(),
        json!(format!(
            "Imported by ecsim import from {}",
            files_of(acc).join(", ")
        )),
    );
    // Region and zones.
    let region = region(&mut cx);
    cx.region_zones = crate::catalogue::regions::zones(&region);
    sc.insert("region".into(), json!(region));

    // Which providers are used: the cluster's, its default strategy's and the services'.
    let mut used: Vec<String> = Vec::new();
    let mut note = |name: &str| {
        if !used.iter().any(|x| x == name) {
            used.push(name.to_string());
        }
    };
    if let Some(c) = cluster {
        for p in arr(c, "capacityProviders") {
            if let Some(p) = p.as_str() {
                note(p);
            }
        }
        for e in arr(c, "defaultCapacityProviderStrategy") {
            if let Some(p) = s(e, "capacityProvider") {
                note(p);
            }
        }
    }
    for sv in &acc.services {
        for e in arr(&sv.v, "capacityProviderStrategy") {
            if let Some(p) = s(e, "capacityProvider") {
                note(p);
            }
        }
    }
    // Without a cluster, every described provider; with one, only those it names (an
    // account's describe-capacity-providers lists other clusters' providers too).
    if cluster.is_none() {
        for p in &acc.capacity_providers {
            if let Some(name) = s(&p.v, "name") {
                note(name);
            }
        }
    }
    let providers: Vec<Value> = used.iter().map(|p| provider(&mut cx, p)).collect();
    if !providers.is_empty() {
        sc.insert("capacityProviders".into(), Value::Array(providers));
    }
    // The zones: those of the groups joined, in order.
    let zones = cx.zones.clone();
    if !zones.is_empty() {
        sc.insert("availabilityZones".into(), json!(zones));
    }
    if let Some(c) = cluster {
        let d = strategy(arr(c, "defaultCapacityProviderStrategy"));
        if !d.is_empty() {
            sc.insert("defaultCapacityProviderStrategy".into(), Value::Array(d));
        }
    }

    // Metrics first (they decide `start`), then services with their load.
    let names: Vec<String> = acc
        .services
        .iter()
        .filter_map(|x| s(&x.v, "serviceName").map(str::to_string))
        .collect();
    // Each service is also known by its target group's and its queue's names.
    let aliases: Vec<(String, Vec<String>)> = acc
        .services
        .iter()
        .filter_map(|x| {
            let name = s(&x.v, "serviceName")?;
            let mut a = vec![name.to_string()];
            if let Some(tg) = arr(&x.v, "loadBalancers")
                .first()
                .and_then(|l| s(l, "targetGroupArn"))
            {
                a.push(target_group_name(tg));
            }
            if let Some(q) = queue_name(acc, name, s(&x.v, "clusterArn")) {
                a.push(q);
            }
            Some((name.to_string(), a))
        })
        .collect();
    let metrics = match_metrics(&mut cx, &aliases, metric_options);
    let start = metrics
        .values()
        .flat_map(|v| v.iter())
        .filter_map(|(_, m)| m.points.first().map(|p| p.0))
        .min()
        .or_else(|| spot_start(acc));
    let mut files: Vec<(String, String)> = Vec::new();
    let mut recorded = String::new();
    if let Some(t0) = start {
        sc.insert("start".into(), json!(crate::schedule::format_utc(t0)));
        let end = metrics
            .values()
            .flat_map(|v| v.iter())
            .filter_map(|(_, m)| {
                m.points
                    .last()
                    .map(|p| p.0 + 1000 * m.period_s().unwrap_or(ASSUMED_PERIOD_S))
            })
            .max();
        if let Some(end) = end.filter(|e| *e > t0) {
            let secs = (end - t0).div_euclid(1000);
            sc.insert("duration".into(), json!(format!("{secs}s")));
            cx.out.push(Assumption::StartFromMetrics {
                start: crate::schedule::format_utc(t0),
                duration_s: secs,
            });
        }
    }

    // `--load-from`'s run settings, where no metric decided them.
    if let Some(l) = loads {
        for (k, v) in &l.run {
            sc.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    let mut services = Vec::new();
    for sv in &acc.services {
        let Some(name) = s(&sv.v, "serviceName") else {
            continue;
        };
        let mine = metrics.get(name).map_or(&[][..], Vec::as_slice);
        services.push(service(
            &mut cx,
            sv,
            mine,
            start.unwrap_or(0),
            &mut files,
            &mut recorded,
        ));
    }
    for (what, id) in orphans(acc, &names) {
        cx.out.push(Assumption::UnknownService {
            what,
            resource_id: id,
        });
    }
    if !services.is_empty() {
        sc.insert("services".into(), Value::Array(services));
    }
    if !recorded.is_empty() {
        files.push((
            RECORDED_FILE.to_string(),
            format!("timestamp,offset_seconds,service,metric,value\n{recorded}"),
        ));
    }

    // Spot prices and instance types.
    let zones_known: Option<BTreeSet<String>> =
        (!zones.is_empty()).then(|| zones.iter().cloned().collect());
    if let Some(series) = spot_series(&mut cx, start, zones_known.as_ref())
        && !series.is_empty()
    {
        sc.insert("pricing".into(), json!({ "ec2Spot": { "series": series } }));
    }
    if !acc.instance_types.is_empty() {
        let list: Vec<Value> = acc.instance_types.iter().map(|i| i.v.clone()).collect();
        cx.out
            .push(Assumption::InstanceTypesCopied { count: list.len() });
        sc.insert("instanceTypes".into(), Value::Array(list));
    }

    let settings: Vec<Value> = acc
        .account_settings
        .iter()
        .map(|a| Value::Object(pick(&a.v, &["name", "value", "principalArn"])))
        .collect();
    if !settings.is_empty() {
        sc.insert("accountSettings".into(), Value::Array(settings));
    }

    let mut text = serde_json::to_string_pretty(&Value::Object(sc)).expect("serializes");
    text.push('\n');
    Ok(Imported {
        scenario: text,
        files,
        assumptions: cx.out,
    })
}

fn files_of(acc: &Account) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let lists = [
        &acc.clusters,
        &acc.services,
        &acc.task_definitions,
        &acc.capacity_providers,
        &acc.groups,
        &acc.scalable_targets,
        &acc.policies,
        &acc.scheduled_actions,
        &acc.alarms,
        &acc.spot_prices,
        &acc.instance_types,
        &acc.account_settings,
    ];
    let names = lists
        .iter()
        .flat_map(|l| l.iter().map(|i| i.file.clone()))
        .chain(acc.metrics.iter().map(|m| m.0.clone()));
    for f in names {
        let base = std::path::Path::new(&f)
            .file_name()
            .map_or(f.clone(), |b| b.to_string_lossy().into_owned());
        if !seen.contains(&base) {
            seen.push(base);
        }
    }
    seen
}

/// The scenario's region: the first of the cluster's ARN, its services' ARNs, the zones of the
/// groups its providers join, the other ARNs (task definitions, providers, groups, policies,
/// alarms) and any group's zone; us-east-1 when there is none.
fn region(cx: &mut Ctx) -> String {
    let acc = cx.acc;
    // An export's manifest says it (its API inputs carry no ARN).
    if let Some(m) = &acc.manifest {
        return m.region.clone();
    }
    let zone_region = |z: &str| {
        z.trim_end_matches(|c: char| c.is_ascii_lowercase())
            .to_string()
    };
    let arns = |list: &Vec<Item>, key: &str| -> Vec<String> {
        list.iter()
            .filter_map(|i| s(&i.v, key).and_then(arn_region).map(str::to_string))
            .collect()
    };
    // The cluster's own groups: those its providers join.
    let own_groups: Vec<&Item> = acc
        .clusters
        .first()
        .map(|c| {
            arr(&c.v, "capacityProviders")
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|n| {
                    acc.capacity_providers
                        .iter()
                        .find(|p| s(&p.v, "name") == Some(n))
                })
                .filter_map(|p| joined_group(acc, &p.v))
                .collect()
        })
        .unwrap_or_default();
    let group_zones = |groups: &[&Item]| -> Vec<String> {
        groups
            .iter()
            .flat_map(|g| arr(&g.v, "AvailabilityZones"))
            .filter_map(Value::as_str)
            .map(zone_region)
            .collect()
    };
    let all_groups: Vec<&Item> = acc.groups.iter().collect();
    // In order of how surely each names the cluster's region.
    let candidates: Vec<String> = [
        arns(&acc.clusters, "clusterArn"),
        arns(&acc.services, "serviceArn"),
        group_zones(&own_groups),
        arns(&acc.task_definitions, "taskDefinitionArn"),
        arns(&acc.capacity_providers, "capacityProviderArn"),
        arns(&acc.groups, "AutoScalingGroupARN"),
        arns(&acc.policies, "PolicyARN"),
        arns(&acc.alarms, "AlarmArn"),
        group_zones(&all_groups),
    ]
    .concat();
    let Some(first) = candidates.first().cloned() else {
        let r = crate::catalogue::prices::REGION.to_string();
        cx.out.push(Assumption::RegionDefault { region: r.clone() });
        return r;
    };
    if let Some(other) = candidates.iter().find(|r| **r != first) {
        cx.out.push(Assumption::RegionsDiffer {
            chosen: first.clone(),
            other: other.clone(),
        });
    }
    first
}

/// The group a capacity provider's `autoScalingGroupArn` names (by ARN, or by the name the ARN
/// ends in).
fn joined_group<'a>(acc: &'a Account, provider: &Value) -> Option<&'a Item> {
    let arn = provider
        .pointer("/autoScalingGroupProvider/autoScalingGroupArn")
        .and_then(Value::as_str)?;
    acc.groups.iter().find(|g| {
        s(&g.v, "AutoScalingGroupARN") == Some(arn)
            || s(&g.v, "AutoScalingGroupName") == Some(arn_name(arn))
    })
}

fn strategy(items: &[Value]) -> Vec<Value> {
    items
        .iter()
        .map(|e| Value::Object(pick(e, &["capacityProvider", "base", "weight"])))
        .collect()
}

/// One `capacityProviders` entry.
fn provider(cx: &mut Ctx, name: &str) -> Value {
    if name == "FARGATE" || name == "FARGATE_SPOT" {
        return json!({ "name": name });
    }
    let acc = cx.acc;
    let Some(p) = acc
        .capacity_providers
        .iter()
        .find(|p| s(&p.v, "name") == Some(name))
    else {
        cx.out.push(Assumption::ProviderMissing {
            provider: name.to_string(),
            instance_type: ASSUMED_INSTANCE_TYPE.into(),
            max_size: ASSUMED_MAX_SIZE,
        });
        return json!({ "name": name, "autoScalingGroupProvider": {
            "autoScalingGroup": { "instanceTypes": [ASSUMED_INSTANCE_TYPE], "maxSize": ASSUMED_MAX_SIZE },
            "managedScaling": { "status": "ENABLED", "targetCapacity": 100 } } });
    };
    let asp =
        p.v.get("autoScalingGroupProvider")
            .cloned()
            .unwrap_or(json!({}));
    let arn = s(&asp, "autoScalingGroupArn").unwrap_or("");
    let group = joined_group(acc, &p.v);
    let asg = match group {
        Some(g) => group_spec(cx, &g.v),
        None => {
            cx.out.push(Assumption::GroupMissing {
                provider: name.to_string(),
                group: arn.to_string(),
                instance_type: ASSUMED_INSTANCE_TYPE.into(),
                max_size: ASSUMED_MAX_SIZE,
            });
            json!({ "instanceTypes": [ASSUMED_INSTANCE_TYPE], "maxSize": ASSUMED_MAX_SIZE })
        }
    };
    let mut out = pick(&asp, &["managedTerminationProtection", "managedDraining"]);
    out.insert("autoScalingGroup".into(), asg);
    if let Some(ms) = asp.get("managedScaling") {
        out.insert(
            "managedScaling".into(),
            Value::Object(pick(
                ms,
                &[
                    "status",
                    "targetCapacity",
                    "minimumScalingStepSize",
                    "maximumScalingStepSize",
                    "instanceWarmupPeriod",
                ],
            )),
        );
    }
    json!({ "name": name, "autoScalingGroupProvider": out })
}

/// A group as the scenario's `autoScalingGroup`.
fn group_spec(cx: &mut Ctx, g: &Value) -> Value {
    let name = s(g, "AutoScalingGroupName").unwrap_or("?").to_string();
    let mip = g.get("MixedInstancesPolicy");
    let mut types: Vec<String> = mip
        .and_then(|m| m.pointer("/LaunchTemplate/Overrides"))
        .and_then(Value::as_array)
        .map(|o| {
            o.iter()
                .filter_map(|x| s(x, "InstanceType").map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if types.is_empty()
        && let Some(t) = s(g, "InstanceType")
    {
        types.push(t.to_string());
    }
    if types.is_empty() {
        cx.out.push(Assumption::InstanceTypeUnknown {
            group: name.clone(),
            assumed: ASSUMED_INSTANCE_TYPE.into(),
        });
        types.push(ASSUMED_INSTANCE_TYPE.into());
    }
    let dist = mip.and_then(|m| m.get("InstancesDistribution"));
    let base = dist.and_then(|d| n(d, "OnDemandBaseCapacity")).unwrap_or(0) as u32;
    let percent = dist
        .and_then(|d| n(d, "OnDemandPercentageAboveBaseCapacity"))
        .unwrap_or(100) as u32;
    // All on demand (100 % above any base) or all Spot (0 % and no base) are exact; any other
    // mix is the option buying most of the instances above the base.
    let chosen = if percent == 100 || (percent >= 50 && !(percent == 0 && base == 0)) {
        "on-demand"
    } else {
        "spot"
    };
    if !(percent == 100 || (percent == 0 && base == 0)) {
        cx.out.push(Assumption::PurchaseMix {
            group: name.clone(),
            base,
            percent,
            chosen,
        });
    }
    let min = n(g, "MinSize").unwrap_or(0);
    let max = n(g, "MaxSize").unwrap_or(min).max(min);
    let desired = n(g, "DesiredCapacity").unwrap_or(min).clamp(min, max);
    let mut out = Map::new();
    out.insert("instanceTypes".into(), json!(types));
    out.insert("purchaseOption".into(), json!(chosen));
    out.insert("minSize".into(), json!(min));
    out.insert("maxSize".into(), json!(max));
    out.insert("desiredCapacity".into(), json!(desired));
    // Its zones in the scenario's region (a zone of another region is left out, stated).
    let mut zones: Vec<&str> = Vec::new();
    for z in arr(g, "AvailabilityZones").iter().filter_map(Value::as_str) {
        if cx.region_zones.is_some_and(|rz| !rz.contains(&z)) {
            cx.out.push(Assumption::SetAside {
                owner: format!("group {name}"),
                what: format!("zone {z} is not in the scenario's region: left out"),
            });
            continue;
        }
        zones.push(z);
        if !cx.zones.iter().any(|x| x == z) {
            cx.zones.push(z.to_string());
        }
    }
    if !zones.is_empty() {
        out.insert("zones".into(), json!(zones));
    }
    Value::Object(out)
}

/// The task definition a service names.
fn task_definition<'a>(acc: &'a Account, arn: &str) -> Option<&'a Value> {
    let tds = &acc.task_definitions;
    let family_rev = family_revision(arn);
    tds.iter()
        .find(|t| s(&t.v, "taskDefinitionArn") == Some(arn))
        .or_else(|| {
            tds.iter().find(|t| {
                let fr = format!(
                    "{}:{}",
                    s(&t.v, "family").unwrap_or(""),
                    n(&t.v, "revision").unwrap_or(0)
                );
                fr == family_rev
            })
        })
        .or_else(|| {
            let family = family_rev.split(':').next().unwrap_or(family_rev);
            tds.iter()
                .filter(|t| s(&t.v, "family") == Some(family))
                .max_by_key(|t| n(&t.v, "revision").unwrap_or(0))
        })
        .map(|t| &t.v)
}

/// A task definition as the scenario's inline `taskDefinition`.
fn task_definition_spec(td: &Value) -> Value {
    let mut out = pick(
        td,
        &[
            "family",
            "cpu",
            "memory",
            "requiresCompatibilities",
            "networkMode",
            "ephemeralStorage",
        ],
    );
    if let Some(rp) = td.get("runtimePlatform") {
        out.insert(
            "runtimePlatform".into(),
            Value::Object(pick(rp, &["cpuArchitecture", "operatingSystemFamily"])),
        );
    }
    let memberof: Vec<Value> = arr(td, "placementConstraints")
        .iter()
        .filter(|c| s(c, "type") == Some("memberOf"))
        .map(|c| Value::Object(pick(c, &["type", "expression"])))
        .collect();
    if !memberof.is_empty() {
        out.insert("placementConstraints".into(), Value::Array(memberof));
    }
    let containers: Vec<Value> = arr(td, "containerDefinitions")
        .iter()
        .map(|c| {
            let mut m = pick(
                c,
                &["name", "cpu", "memory", "memoryReservation", "essential"],
            );
            let ports = pick_each(c, "portMappings", &["containerPort", "hostPort"]);
            if !ports.is_empty() {
                m.insert("portMappings".into(), Value::Array(ports));
            }
            let rr = pick_each(c, "resourceRequirements", &["type", "value"]);
            if !rr.is_empty() {
                m.insert("resourceRequirements".into(), Value::Array(rr));
            }
            if let Some(h) = c.get("healthCheck") {
                m.insert(
                    "healthCheck".into(),
                    Value::Object(pick(
                        h,
                        &["command", "interval", "timeout", "retries", "startPeriod"],
                    )),
                );
            }
            Value::Object(m)
        })
        .collect();
    if !containers.is_empty() {
        out.insert("containerDefinitions".into(), Value::Array(containers));
    }
    Value::Object(out)
}

/// The service's series, by kind (the first of a kind wins).
type Matched<'a> = BTreeMap<String, Vec<(MetricKind, &'a MetricSeries)>>;

/// Each series to a service: `--metric ID=SERVICE` (its Id or Label), else a service whose
/// name, target group name or queue name is a word of the label (words split at white space,
/// `/`, `:`, `,`, `=`), else the only service.
fn match_metrics<'a>(
    cx: &mut Ctx<'a>,
    aliases: &[(String, Vec<String>)],
    opts: &[(String, String)],
) -> Matched<'a> {
    let mut out: Matched = BTreeMap::new();
    let names: Vec<String> = aliases.iter().map(|a| a.0.clone()).collect();
    // Series of their kind's own statistic (or of an unknown one) first, so that a
    // get-metric-statistics file's Sum of RequestCount wins over its Average.
    let mut order: Vec<&(String, MetricSeries)> = cx.acc.metrics.iter().collect();
    order.sort_by_key(|(_, m)| {
        m.kind()
            .zip(m.statistic.as_deref())
            .is_some_and(|(k, st)| st != k.statistic())
    });
    for (file, m) in order {
        let Some(kind) = m.kind() else {
            cx.out.push(Assumption::MetricUnmatched {
                id: m.id.clone(),
                file: file.clone(),
                why: format!(
                    "its label `{}` names none of RequestCount, RequestCountPerTarget, \
                     CPUUtilization, ApproximateNumberOfMessagesVisible, NumberOfMessagesSent, \
                     DesiredTaskCount, RunningTaskCount",
                    m.label
                ),
            });
            continue;
        };
        if m.points.is_empty() {
            cx.out.push(Assumption::MetricUnmatched {
                id: m.id.clone(),
                file: file.clone(),
                why: "it has no datapoints".into(),
            });
            continue;
        }
        let by_option = opts
            .iter()
            .find(|(id, _)| *id == m.id || *id == m.label)
            .map(|(_, s)| s.clone());
        let words: Vec<&str> = m
            .label
            .split(|c: char| c.is_whitespace() || "/:,=".contains(c))
            .filter(|w| !w.is_empty())
            .collect();
        let by_label = aliases
            .iter()
            .find(|(_, a)| a.iter().any(|n| words.contains(&n.as_str())))
            .map(|(n, _)| n.clone());
        let (service, how) = match (by_option, by_label) {
            (Some(s), _) => (s, "--metric"),
            (None, Some(s)) => (s, "its label"),
            (None, None) if names.len() == 1 => (names[0].clone(), "the only service"),
            _ => {
                cx.out.push(Assumption::MetricUnmatched {
                    id: m.id.clone(),
                    file: file.clone(),
                    why: format!("it names no service: give --metric {}=SERVICE", m.id),
                });
                continue;
            }
        };
        if !names.contains(&service) {
            cx.out.push(Assumption::MetricUnmatched {
                id: m.id.clone(),
                file: file.clone(),
                why: format!("--metric names {service}, a service not described"),
            });
            continue;
        }
        let list = out.entry(service.clone()).or_default();
        if list.iter().any(|(k, _)| *k == kind) {
            cx.out.push(Assumption::MetricUnmatched {
                id: m.id.clone(),
                file: file.clone(),
                why: format!(
                    "service {service} has a {} series already{}",
                    kind.metric_name(),
                    m.statistic
                        .as_deref()
                        .map_or(String::new(), |st| format!(" (this one is its {st})"))
                ),
            });
            continue;
        }
        if let Some(st) = m.statistic.as_deref()
            && st != kind.statistic()
        {
            cx.out.push(Assumption::StatisticUsed {
                id: m.id.clone(),
                statistic: st.to_string(),
                wanted: kind.statistic(),
            });
        }
        cx.out.push(Assumption::MetricMatched {
            id: m.id.clone(),
            service,
            how,
        });
        list.push((kind, m));
    }
    out
}

/// The earliest Spot price's time, when no metric gives a start.
fn spot_start(acc: &Account) -> Option<i64> {
    acc.spot_prices
        .iter()
        .filter_map(|p| s(&p.v, "Timestamp"))
        .filter_map(|t| crate::schedule::instant_ms(t).ok())
        .min()
}

/// A number as the CSVs and the scenario write it: the shortest text that reads back the same.
fn num(x: f64) -> String {
    let mut b = ryu::Buffer::new();
    let t = b.format_finite(x);
    t.strip_suffix(".0").unwrap_or(t).to_string()
}

/// A series' per-second rate: each Sum over its period (inferred from the spacing).
fn rates(cx: &mut Ctx, m: &MetricSeries) -> Vec<(i64, f64)> {
    let period = match m.period_s() {
        Some(p) => {
            cx.out.push(Assumption::PeriodInferred {
                id: m.id.clone(),
                period_s: p,
            });
            p
        }
        None => {
            cx.out.push(Assumption::PeriodAssumed {
                id: m.id.clone(),
                period_s: ASSUMED_PERIOD_S,
            });
            ASSUMED_PERIOD_S
        }
    };
    m.points
        .iter()
        .map(|&(t, x)| (t, x.max(0.0) / period as f64))
        .collect()
}

/// The value of a held series at `t`: the last point at or before it (the first before any).
fn held(points: &[(i64, f64)], t: i64) -> f64 {
    match points.partition_point(|p| p.0 <= t) {
        0 => points.first().map_or(0.0, |p| p.1),
        i => points[i - 1].1,
    }
}

/// A trace CSV `offset_seconds,rps` of `points` from `t0`.
fn trace_csv(points: &[(i64, f64)], t0: i64) -> String {
    let mut out = String::from("offset_seconds,rps\n");
    for &(t, x) in points {
        out.push_str(&format!("{},{}\n", num((t - t0) as f64 / 1000.0), num(x)));
    }
    out
}

/// One service, with its load from its metrics and its auto scaling.
fn service(
    cx: &mut Ctx,
    sv: &Item,
    metrics: &[(MetricKind, &MetricSeries)],
    t0: i64,
    files: &mut Vec<(String, String)>,
    recorded: &mut String,
) -> Value {
    let acc = cx.acc;
    let v = &sv.v;
    let name = s(v, "serviceName").unwrap_or("?").to_string();
    let mut out = pick(
        v,
        &[
            "serviceName",
            "desiredCount",
            "launchType",
            "schedulingStrategy",
            "healthCheckGracePeriodSeconds",
        ],
    );
    let desired = n(v, "desiredCount").unwrap_or(0) as u32;
    let arn = s(v, "taskDefinition").unwrap_or("");
    let td = match task_definition(acc, arn) {
        Some(td) => task_definition_spec(td),
        None => {
            cx.out.push(Assumption::TaskDefinitionMissing {
                service: name.clone(),
                arn: arn.to_string(),
                cpu: ASSUMED_TASK_CPU,
                memory: ASSUMED_TASK_MEMORY,
            });
            let family = family_revision(arn).split(':').next().unwrap_or("");
            let family = if family.is_empty() {
                name.as_str()
            } else {
                family
            };
            json!({ "family": family, "cpu": ASSUMED_TASK_CPU.to_string(),
                    "memory": ASSUMED_TASK_MEMORY.to_string() })
        }
    };
    // On Fargate: its launch type, its strategy, or (with neither) the cluster's default.
    let own = arr(v, "capacityProviderStrategy");
    let effective = if own.is_empty() && s(v, "launchType").is_none() {
        acc.clusters
            .first()
            .map_or(&[][..], |c| arr(&c.v, "defaultCapacityProviderStrategy"))
    } else {
        own
    };
    let fargate = s(v, "launchType") == Some("FARGATE")
        || effective
            .iter()
            .any(|e| s(e, "capacityProvider").is_some_and(|p| p.starts_with("FARGATE")));
    out.insert("taskDefinition".into(), td);
    if s(v, "launchType") == Some("EXTERNAL") {
        out.remove("launchType");
        cx.out.push(Assumption::SetAside {
            owner: format!("service {name}"),
            what: "launchType EXTERNAL is not modelled: runs as EC2".into(),
        });
        out.insert("launchType".into(), json!("EC2"));
    }
    let st = strategy(arr(v, "capacityProviderStrategy"));
    if !st.is_empty() && !out.contains_key("launchType") {
        out.insert("capacityProviderStrategy".into(), Value::Array(st));
    }
    if !fargate {
        let ps = pick_each(v, "placementStrategy", &["type", "field"]);
        if !ps.is_empty() {
            out.insert("placementStrategy".into(), Value::Array(ps));
        }
        let pc = pick_each(v, "placementConstraints", &["type", "expression"]);
        if !pc.is_empty() {
            out.insert("placementConstraints".into(), Value::Array(pc));
        }
    }
    if let Some(dc) = v.get("deploymentConfiguration") {
        let mut m = pick(dc, &["maximumPercent", "minimumHealthyPercent"]);
        if let Some(cb) = dc.get("deploymentCircuitBreaker") {
            m.insert(
                "deploymentCircuitBreaker".into(),
                Value::Object(pick(cb, &["enable", "rollback"])),
            );
        }
        if !m.is_empty() {
            out.insert("deploymentConfiguration".into(), Value::Object(m));
        }
    }
    if let Some(lb) = arr(v, "loadBalancers").first() {
        let tg = s(lb, "targetGroupArn").map_or_else(|| name.clone(), target_group_name);
        cx.out.push(Assumption::LoadBalancerDefaults {
            service: name.clone(),
            target_group: tg.clone(),
        });
        out.insert("loadBalancer".into(), json!({ "targetGroup": tg }));
    }

    // Load from the metrics.
    let get = |k: MetricKind| metrics.iter().find(|(x, _)| *x == k).map(|(_, m)| *m);
    let comp = crate::outdir::component(&name).unwrap_or_else(|| "service".into());
    let running = get(MetricKind::RunningTaskCount);
    let mut load = None;
    let traffic = if let Some(m) = get(MetricKind::RequestCount) {
        Some(rates(cx, m))
    } else if let Some(m) = get(MetricKind::RequestCountPerTarget) {
        let per = rates(cx, m);
        Some(match running {
            Some(r) => {
                cx.out.push(Assumption::PerTargetTimesTasks {
                    service: name.clone(),
                    tasks: format!("RunningTaskCount ({}) at each time", r.id),
                });
                per.iter()
                    .map(|&(t, x)| (t, x * held(&r.points, t)))
                    .collect()
            }
            None => {
                cx.out.push(Assumption::PerTargetTimesTasks {
                    service: name.clone(),
                    tasks: format!("desiredCount {desired}"),
                });
                per.iter()
                    .map(|&(t, x)| (t, x * f64::from(desired)))
                    .collect()
            }
        })
    } else {
        None
    };
    if let Some(points) = traffic {
        let file = format!("{comp}-requests.csv");
        let peak = points.iter().map(|p| p.1).fold(0.0, f64::max);
        let per = per_task(peak, desired);
        cx.out.push(Assumption::PerTaskAssumed {
            service: name.clone(),
            per_task: per,
            peak,
            tasks: desired.max(1),
            load: "traffic",
        });
        files.push((file.clone(), trace_csv(&points, t0)));
        load = Some(json!({
            "traffic": { "pattern": "trace", "file": file },
            "perTask": { "maxRps": per }
        }));
        if !out.contains_key("loadBalancer") {
            out.insert("loadBalancer".into(), json!({}));
        }
    } else if let Some(m) = get(MetricKind::MessagesSent) {
        let points = rates(cx, m);
        let file = format!("{comp}-messages.csv");
        let peak = points.iter().map(|p| p.1).fold(0.0, f64::max);
        let per = per_task(peak, desired);
        cx.out.push(Assumption::PerTaskAssumed {
            service: name.clone(),
            per_task: per,
            peak,
            tasks: desired.max(1),
            load: "queue",
        });
        files.push((file.clone(), trace_csv(&points, t0)));
        let mut queue = json!({
            "arrivals": { "pattern": "trace", "file": file },
            "perTaskMessagesPerSecond": per });
        if let Some(q) = queue_name(acc, &name, s(v, "clusterArn")) {
            queue["queueName"] = json!(q);
        }
        load = Some(json!({ "queue": queue }));
    } else if get(MetricKind::MessagesVisible).is_some() {
        cx.out.push(Assumption::QueueArrivalsUnknown {
            service: name.clone(),
        });
    }
    for k in [
        MetricKind::CpuUtilization,
        MetricKind::MessagesVisible,
        MetricKind::DesiredTaskCount,
        MetricKind::RunningTaskCount,
    ] {
        if let Some(m) = get(k) {
            for &(t, x) in &m.points {
                recorded.push_str(&format!(
                    "{},{},{},{},{}\n",
                    crate::schedule::format_utc(t),
                    num((t - t0) as f64 / 1000.0),
                    csv_field(&name),
                    k.metric_name(),
                    num(x)
                ));
            }
            cx.out.push(Assumption::Recorded {
                service: name.clone(),
                metric: k.metric_name().into(),
                file: RECORDED_FILE.into(),
            });
        }
    }
    if load.is_none()
        && let Some(l) = cx.loads
        && let Some((given, lb)) = l.services.get(&name)
    {
        load = Some(given.clone());
        match lb {
            Some(lb) => {
                out.insert("loadBalancer".into(), lb.clone());
            }
            None => {
                out.remove("loadBalancer");
            }
        }
        cx.out.push(Assumption::LoadTaken {
            service: name.clone(),
            from: l.file.clone(),
        });
    }
    if load.is_none() {
        cx.out.push(Assumption::NoLoad {
            service: name.clone(),
        });
    }
    // A policy sees its metric with a load, or (`--load-from`'s) with custom metrics the
    // workload publishes, as it did in the scenario exported.
    let policies_see = load.is_some()
        || cx
            .loads
            .is_some_and(|l| l.run.iter().any(|(k, _)| k == "customMetrics"));
    if let Some(a) = auto_scaling(cx, &name, s(v, "clusterArn"), policies_see) {
        out.insert("autoScaling".into(), a);
    }
    if let Some(l) = load {
        out.insert("load".into(), l);
    }
    if s(v, "schedulingStrategy") == Some("DAEMON") {
        daemon(cx, &name, &mut out);
    }
    Value::Object(out)
}

/// A DAEMON service as ECS takes one: launch type EC2, without a capacity provider strategy,
/// placement strategy, auto scaling or load (AWS refuses the first three for a daemon, ecsim
/// models no load on one); what was removed is stated.
fn daemon(cx: &mut Ctx, name: &str, out: &mut Map<String, Value>) {
    let removed: Vec<&str> = [
        "capacityProviderStrategy",
        "placementStrategy",
        "autoScaling",
        "load",
    ]
    .into_iter()
    .filter(|k| out.remove(*k).is_some())
    .collect();
    out.remove("desiredCount");
    out.insert("launchType".into(), json!("EC2"));
    if !removed.is_empty() {
        cx.out.push(Assumption::SetAside {
            owner: format!("service {name}"),
            what: format!(
                "a DAEMON service (one task on each instance) takes no {}: left out",
                removed.join(", ")
            ),
        });
    }
}

/// A target group's name from its ARN (`…:targetgroup/web-tg/6d0e…` → `web-tg`).
fn target_group_name(arn: &str) -> String {
    let rest = arn.split("targetgroup/").nth(1).unwrap_or(arn);
    rest.split('/').next().unwrap_or(rest).to_string()
}

/// The queue a service drains, as its step policies' alarms name it: the `QueueName`
/// dimension of an AWS/SQS metric (the alarm's own, or one of its metric math queries') of an
/// alarm whose AlarmActions hold one of the service's policies.
fn queue_name(acc: &Account, service: &str, cluster_arn: Option<&str>) -> Option<String> {
    let mine: Vec<&Value> = acc
        .policies
        .iter()
        .filter(|p| s(&p.v, "ResourceId").is_some_and(|r| names_service(r, service, cluster_arn)))
        .map(|p| &p.v)
        .collect();
    // An alarm's metrics: its own (single-metric form) and each metric math query's.
    let metrics = |a: &'_ Value| -> Vec<Value> {
        let mut m = vec![a.clone()];
        m.extend(
            arr(a, "Metrics")
                .iter()
                .filter_map(|q| q.pointer("/MetricStat/Metric").cloned()),
        );
        m
    };
    acc.alarms
        .iter()
        .filter(|a| mine.iter().any(|p| acts_on(&a.v, p)))
        .flat_map(|a| metrics(&a.v))
        .filter(|m| s(m, "Namespace") == Some("AWS/SQS"))
        .find_map(|m| {
            arr(&m, "Dimensions")
                .iter()
                .find(|d| s(d, "Name") == Some("QueueName"))
                .and_then(|d| s(d, "Value"))
                .map(str::to_string)
        })
}

/// Whether `alarm`'s `AlarmActions` name policy `p`: its `PolicyARN`, or (a policy read from
/// a PutScalingPolicy input has none) an ARN ending as its will,
/// `…:resource/ecs/<ResourceId>:policyName/<PolicyName>` — which `ecsim export`'s placeholder
/// ([`crate::export::policy_arn_placeholder`]) does too.
fn acts_on(alarm: &Value, p: &Value) -> bool {
    let arn = s(p, "PolicyARN").filter(|a| !a.is_empty());
    let ending = s(p, "ResourceId")
        .zip(s(p, "PolicyName"))
        .map(|(r, n)| crate::export::policy_arn_suffix(r, n));
    arr(alarm, "AlarmActions")
        .iter()
        .filter_map(Value::as_str)
        .any(|x| {
            Some(x) == arn
                || (arn.is_none()
                    && ending.as_deref().is_some_and(|e| {
                        x.ends_with(&format!(":{e}")) || x.ends_with(&format!("-of-{e}"))
                    }))
        })
}

/// A CSV field: quoted when it holds a comma, quote or line break (RFC 4180).
fn csv_field(x: &str) -> String {
    if x.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", x.replace('"', "\"\""))
    } else {
        x.to_string()
    }
}

/// What one task serves, assumed: the recorded peak over the desired count (at least one
/// task), rounded up to the hundredth so that the desired count serves the peak; 1 when the
/// peak is 0.
fn per_task(peak: f64, desired: u32) -> f64 {
    let per = (peak / f64::from(desired.max(1)) * 100.0).ceil() / 100.0;
    if per > 0.0 { per } else { 1.0 }
}

/// Whether a ResourceId names this service (and its cluster, when both are known).
fn names_service(id: &str, service: &str, cluster_arn: Option<&str>) -> bool {
    resource(id).is_some_and(|(c, s)| {
        s == service && cluster_arn.is_none_or(|a| arn_name(a) == c || a == c)
    })
}

/// The service's `autoScaling`, from its scalable target, policies (step policies with their
/// alarms) and scheduled actions.
fn auto_scaling(
    cx: &mut Ctx,
    name: &str,
    cluster_arn: Option<&str>,
    has_load: bool,
) -> Option<Value> {
    let acc = cx.acc;
    let mine = |list: &'_ [Item]| -> Vec<Value> {
        list.iter()
            .filter(|i| s(&i.v, "ResourceId").is_some_and(|r| names_service(r, name, cluster_arn)))
            .map(|i| i.v.clone())
            .collect()
    };
    let targets = mine(&acc.scalable_targets);
    let policies = mine(&acc.policies);
    let actions = mine(&acc.scheduled_actions);
    let Some(target) = targets.first() else {
        let left: Vec<String> = policies
            .iter()
            .filter_map(|p| s(p, "PolicyName").map(|x| format!("policy {x}")))
            .chain(
                actions
                    .iter()
                    .filter_map(|a| s(a, "ScheduledActionName").map(|x| format!("action {x}"))),
            )
            .collect();
        if !left.is_empty() {
            cx.out.push(Assumption::NoScalableTarget {
                service: name.to_string(),
                left_out: left,
            });
        }
        return None;
    };
    let mut out = pick(target, &["MinCapacity", "MaxCapacity"]);
    let mut pols = Vec::new();
    if !has_load {
        let names: Vec<String> = policies
            .iter()
            .filter_map(|p| s(p, "PolicyName").map(str::to_string))
            .collect();
        if !names.is_empty() {
            cx.out.push(Assumption::PoliciesWithoutLoad {
                service: name.to_string(),
                policies: names,
            });
        }
    } else {
        for p in &policies {
            if let Some(p) = policy(cx, name, p) {
                pols.push(p);
            }
        }
    }
    if !pols.is_empty() {
        out.insert("policies".into(), Value::Array(pols));
    }
    let acts: Vec<Value> = actions
        .iter()
        .map(|a| {
            Value::Object(pick(
                a,
                &[
                    "ScheduledActionName",
                    "Schedule",
                    "Timezone",
                    "StartTime",
                    "EndTime",
                    "ScalableTargetAction",
                ],
            ))
        })
        .collect();
    if !acts.is_empty() {
        out.insert("scheduledActions".into(), Value::Array(acts));
    }
    Some(Value::Object(out))
}

/// One policy; a step policy with the alarm whose AlarmActions name it, or `None` without one.
fn policy(cx: &mut Ctx, service: &str, p: &Value) -> Option<Value> {
    let pname = s(p, "PolicyName").unwrap_or("?");
    let mut out = pick(p, &["PolicyName", "PolicyType"]);
    if let Some(tt) = p.get("TargetTrackingScalingPolicyConfiguration") {
        let mut m = pick(
            tt,
            &[
                "TargetValue",
                "ScaleOutCooldown",
                "ScaleInCooldown",
                "DisableScaleIn",
            ],
        );
        if let Some(pm) = tt.get("PredefinedMetricSpecification") {
            m.insert(
                "PredefinedMetricSpecification".into(),
                Value::Object(pick(pm, &["PredefinedMetricType", "ResourceLabel"])),
            );
        }
        if let Some(cm) = tt.get("CustomizedMetricSpecification") {
            let mut c = pick(
                cm,
                &["MetricName", "Namespace", "Dimensions", "Statistic", "Unit"],
            );
            metric_queries(cm, &mut c);
            m.insert("CustomizedMetricSpecification".into(), Value::Object(c));
        }
        out.insert(
            "TargetTrackingScalingPolicyConfiguration".into(),
            Value::Object(m),
        );
    }
    if let Some(sc) = p.get("StepScalingPolicyConfiguration") {
        let mut m = pick(
            sc,
            &[
                "AdjustmentType",
                "MinAdjustmentMagnitude",
                "Cooldown",
                "MetricAggregationType",
            ],
        );
        let steps: Vec<Value> = arr(sc, "StepAdjustments")
            .iter()
            .map(|x| {
                Value::Object(pick(
                    x,
                    &[
                        "MetricIntervalLowerBound",
                        "MetricIntervalUpperBound",
                        "ScalingAdjustment",
                    ],
                ))
            })
            .collect();
        m.insert("StepAdjustments".into(), Value::Array(steps));
        out.insert("StepScalingPolicyConfiguration".into(), Value::Object(m));
        let alarm = cx.acc.alarms.iter().find(|a| acts_on(&a.v, p));
        let Some(alarm) = alarm else {
            cx.out.push(Assumption::StepPolicyWithoutAlarm {
                service: service.to_string(),
                policy: pname.to_string(),
            });
            return None;
        };
        let mut a = pick(
            &alarm.v,
            &[
                "AlarmName",
                "MetricName",
                "Namespace",
                "Dimensions",
                "Statistic",
                "ExtendedStatistic",
                "Period",
                "EvaluationPeriods",
                "DatapointsToAlarm",
                "Threshold",
                "ComparisonOperator",
                "TreatMissingData",
                "Unit",
            ],
        );
        metric_queries(&alarm.v, &mut a);
        out.insert("Alarm".into(), Value::Object(a));
    }
    Some(Value::Object(out))
}

/// A metric math `Metrics` list with the fields the scenario takes (describe output adds
/// `AccountId` and others): `Id`, `Expression`, `Label`, `ReturnData`, `Period`, and
/// `MetricStat` with its `Metric` (`Namespace`, `MetricName`, `Dimensions`), `Stat`, `Unit`,
/// `Period`.
fn metric_queries(src: &Value, out: &mut Map<String, Value>) {
    let list: Vec<Value> = arr(src, "Metrics")
        .iter()
        .map(|q| {
            let mut m = pick(q, &["Id", "Expression", "Label", "ReturnData", "Period"]);
            if let Some(ms) = q.get("MetricStat") {
                let mut st = pick(ms, &["Stat", "Unit", "Period"]);
                if let Some(metric) = ms.get("Metric") {
                    st.insert(
                        "Metric".into(),
                        Value::Object(pick(metric, &["Namespace", "MetricName", "Dimensions"])),
                    );
                }
                m.insert("MetricStat".into(), Value::Object(st));
            }
            Value::Object(m)
        })
        .collect();
    if !list.is_empty() {
        out.insert("Metrics".into(), Value::Array(list));
    }
}

/// Targets, policies and actions naming no described service.
fn orphans(acc: &Account, names: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let lists: [(&Vec<Item>, &str, &str); 3] = [
        (&acc.scalable_targets, "scalable target", ""),
        (&acc.policies, "scaling policy", "PolicyName"),
        (
            &acc.scheduled_actions,
            "scheduled action",
            "ScheduledActionName",
        ),
    ];
    for (list, what, key) in lists {
        for i in list {
            let Some(id) = s(&i.v, "ResourceId") else {
                continue;
            };
            let known = resource(id).is_some_and(|(_, s)| names.iter().any(|n| n == s));
            if !known {
                let label = match s(&i.v, key) {
                    Some(k) if !key.is_empty() => format!("{what} {k}"),
                    _ => what.to_string(),
                };
                out.push((label, id.to_string()));
            }
        }
    }
    out
}

/// `pricing.ec2Spot.series` from describe-spot-price-history: Linux/UNIX prices in the
/// scenario's zones, ascending; every (type, zone)'s last price at or before `start` moves to
/// `0s`, earlier ones are dropped.
fn spot_series(
    cx: &mut Ctx,
    start: Option<i64>,
    zones: Option<&BTreeSet<String>>,
) -> Option<Vec<Value>> {
    let acc = cx.acc;
    if acc.spot_prices.is_empty() {
        return None;
    }
    let t0 = start?;
    let mut other_os = 0;
    let mut other_zone = 0;
    // (at ms, type, zone) → price; BTreeMap keeps them sorted.
    let mut rows: BTreeMap<(i64, String, String), f64> = BTreeMap::new();
    let mut before: BTreeMap<(String, String), (i64, f64)> = BTreeMap::new();
    for p in &acc.spot_prices {
        let v = &p.v;
        if s(v, "ProductDescription")
            .is_some_and(|d| d != "Linux/UNIX" && d != "Linux/UNIX (Amazon VPC)")
        {
            other_os += 1;
            continue;
        }
        let (Some(ty), Some(z), Some(t)) = (
            s(v, "InstanceType"),
            s(v, "AvailabilityZone"),
            s(v, "Timestamp").and_then(|t| crate::schedule::instant_ms(t).ok()),
        ) else {
            continue;
        };
        if zones.is_some_and(|zs| !zs.contains(z)) {
            other_zone += 1;
            continue;
        }
        let price = v.get("SpotPrice").and_then(|x| {
            x.as_f64()
                .or_else(|| x.as_str().and_then(|t| t.parse().ok()))
        });
        let Some(price) = price else { continue };
        let key = (ty.to_string(), z.to_string());
        if t <= t0 {
            let e = before.entry(key).or_insert((t, price));
            if t >= e.0 {
                *e = (t, price);
            }
        } else {
            rows.insert((t - t0, key.0, key.1), price);
        }
    }
    for ((ty, z), (_, price)) in before {
        rows.insert((0, ty, z), price);
    }
    if other_os > 0 {
        cx.out.push(Assumption::SpotPricesLeftOut {
            count: other_os,
            why: "not Linux/UNIX (ecsim bills Linux)".into(),
        });
    }
    if other_zone > 0 {
        cx.out.push(Assumption::SpotPricesLeftOut {
            count: other_zone,
            why: "in zones the cluster's groups do not use".into(),
        });
    }
    Some(
        rows.into_iter()
            .map(|((at, ty, z), price)| {
                json!({ "at": format!("{}s", at / 1000), "instanceType": ty,
                        "availabilityZone": z, "price": price })
            })
            .collect(),
    )
}
