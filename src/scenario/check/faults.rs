//! `faults` (docs/scenario-reference.md §2.16): Spot interruptions and capacity gaps, zone
//! outages, instance failures and task crashes; each type is checked by its own method.

use super::{Ctx, i, k, p};
use crate::engine::Millis;
use crate::scenario::json_pos::Step;
use crate::scenario::types::FaultSpec;
use crate::scenario::{Provider, ProviderKind, PurchaseOption, limits, suggest};

/// A checked fault.
#[derive(Debug, Clone)]
pub struct Fault {
    /// Its name (keys its random stream).
    pub name: String,
    /// What it does.
    pub kind: FaultKind,
}

/// The fault types modelled.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// FARGATE_SPOT interruptions: a rate per task-hour and/or fractions at given times.
    FargateSpotInterruptions {
        /// Provider index (FARGATE_SPOT).
        provider: usize,
        /// Interruptions per task-hour (0: none by rate).
        per_task_hour: f64,
        /// (time, fraction of the provider's tasks).
        schedule: Vec<(Millis, f64)>,
    },
    /// EC2 Spot interruptions of an Auto Scaling group's instances: a rate per instance-hour
    /// (overridden per zone) and/or fractions at given times.
    Ec2SpotInterruptions {
        /// Provider index (a Spot group).
        provider: usize,
        /// Interruptions per instance-hour.
        per_instance_hour: f64,
        /// (zone index, rate) overrides.
        by_zone: Vec<(usize, f64)>,
        /// (time, fraction of the group's instances).
        schedule: Vec<(Millis, f64)>,
    },
    /// Instances of a group fail at a rate per instance-hour (no notice; the group replaces
    /// them).
    InstanceFailures {
        /// Provider index.
        provider: usize,
        /// Failures per instance-hour.
        per_instance_hour: f64,
    },
    /// A service's tasks crash at a rate per task-hour (RUNNING tasks; the service replaces
    /// them).
    TaskCrashes {
        /// Service index.
        service: usize,
        /// Crashes per task-hour.
        per_task_hour: f64,
    },
    /// A zone is lost in [from, to).
    ZoneOutage {
        /// Zone index.
        zone: usize,
        /// Start, ms.
        from: Millis,
        /// End, ms.
        to: Millis,
    },
    /// No new Spot capacity in [from, to): new FARGATE_SPOT tasks wait in PROVISIONING; a Spot
    /// group's launches wait until the window ends.
    SpotCapacityUnavailable {
        /// Provider index.
        provider: usize,
        /// Start, ms.
        from: Millis,
        /// End, ms.
        to: Millis,
    },
}

const FAULT_TYPES: &[&str] = &[
    "spotInterruptions",
    "spotCapacityUnavailable",
    "zoneOutage",
    "instanceFailures",
    "taskCrashes",
];

/// The refusal of a fault rate `r` above [`limits::MAX_FAULTS_PER_HOUR`], if it is.
fn fault_rate(what: &str, r: f64, unit: &str) -> Option<String> {
    (r > limits::MAX_FAULTS_PER_HOUR).then(|| {
        limits::above(
            what,
            r,
            "limit",
            limits::MAX_FAULTS_PER_HOUR,
            &format!("per {unit} (one a minute)"),
        )
    })
}

/// Checks `faults`; a fault with a problem is left out.
pub(super) fn check(
    list: &[FaultSpec],
    providers: &[Provider],
    zones: &[String],
    service_names: &[String],
    ctx: &mut Ctx,
) -> Vec<Fault> {
    let mut out = Vec::new();
    let mut names: Vec<String> = Vec::new();
    if list.len() > limits::MAX_FAULTS {
        ctx.err(
            &[k("faults")],
            format!(
                "{} faults: above the limit of {} faults per scenario",
                list.len(),
                limits::MAX_FAULTS
            ),
        );
    }
    for (n, f) in list.iter().enumerate() {
        let fp = vec![k("faults"), i(n)];
        if f.schedule.len() > limits::MAX_FAULT_SCHEDULE_ENTRIES {
            ctx.err(
                &p(&fp, &[k("schedule")]),
                format!(
                    "{} schedule entries: above the limit of {} entries per fault",
                    f.schedule.len(),
                    limits::MAX_FAULT_SCHEDULE_ENTRIES
                ),
            );
        }
        let name = f.name.clone().unwrap_or_else(|| format!("{}-{n}", f.kind));
        if names.contains(&name) {
            ctx.err(
                &p(&fp, &[k("name")]),
                format!("duplicate fault name `{name}`"),
            );
        }
        names.push(name.clone());
        let one = One {
            f,
            fp: fp.clone(),
            name,
            providers,
            zones,
            service_names,
        };
        let fault = match f.kind.as_str() {
            "spotInterruptions" => one.spot_interruptions(ctx),
            "spotCapacityUnavailable" => one.spot_capacity_unavailable(ctx),
            "zoneOutage" => one.zone_outage(ctx),
            "instanceFailures" => one.instance_failures(ctx),
            "taskCrashes" => one.task_crashes(ctx),
            other => {
                let hint = suggest::did_you_mean(other, FAULT_TYPES)
                    .map(|x| format!("did you mean `{x}`? "))
                    .unwrap_or_default();
                ctx.err(
                    &p(&fp, &[k("type")]),
                    format!(
                        "unknown fault type `{other}`: {hint}expected one of {}",
                        FAULT_TYPES.join(", ")
                    ),
                );
                None
            }
        };
        out.extend(fault);
    }
    out
}

/// One fault being checked.
struct One<'a> {
    f: &'a FaultSpec,
    fp: Vec<Step>,
    /// Its name (`<type>-<index>` when not given).
    name: String,
    providers: &'a [Provider],
    zones: &'a [String],
    service_names: &'a [String],
}

impl One<'_> {
    /// The provider a Spot capacity fault names: FARGATE_SPOT or a Spot group.
    fn spot_provider(&self, ctx: &mut Ctx) -> Option<usize> {
        let (f, fp, providers) = (self.f, &self.fp, self.providers);
        let Some(cp) = &f.capacity_provider else {
            ctx.err(
                fp,
                format!(
                    "a {} fault needs capacityProvider (e.g. \"FARGATE_SPOT\")",
                    f.kind
                ),
            );
            return None;
        };
        let Some(idx) = providers.iter().position(|x| &x.name == cp) else {
            if ctx.failed_providers.contains(cp) {
                // Already reported where the provider is defined.
                return None;
            }
            let names: Vec<&str> = providers.iter().map(|x| x.name.as_str()).collect();
            ctx.err(
                &p(fp, &[k("capacityProvider")]),
                format!(
                    "`{cp}` is not a capacity provider of this scenario: {}providers are {}",
                    suggest::hint(cp, &names),
                    names.join(", ")
                ),
            );
            return None;
        };
        match &providers[idx].kind {
            ProviderKind::FargateSpot => Some(idx),
            ProviderKind::Asg(a) => {
                if a.purchase == PurchaseOption::Spot {
                    Some(idx)
                } else {
                    ctx.err(
                        &p(fp, &[k("capacityProvider")]),
                        format!("`{cp}` buys on-demand instances: {} needs FARGATE_SPOT or a group with purchaseOption \"spot\"", f.kind),
                    );
                    None
                }
            }
            ProviderKind::Fargate => {
                ctx.err(
                    &p(fp, &[k("capacityProvider")]),
                    format!(
                        "FARGATE is on-demand capacity: {} applies to FARGATE_SPOT",
                        f.kind
                    ),
                );
                None
            }
        }
    }

    /// Refuses each of `fields` (key, set) that is set: it does not apply to this fault's type.
    fn unused(&self, ctx: &mut Ctx, fields: &[(&str, bool)]) {
        let (f, fp) = (self.f, &self.fp);
        for (key, set) in fields {
            if *set {
                ctx.err(
                    &p(fp, &[k(key)]),
                    format!("`{key}` does not apply to a {} fault", f.kind),
                );
            }
        }
    }

    /// A `spotInterruptions` fault: FARGATE_SPOT tasks or a Spot group's instances interrupted
    /// at a rate and/or in fractions at given times.
    fn spot_interruptions(&self, ctx: &mut Ctx) -> Option<Fault> {
        let (f, fp) = (self.f, &self.fp);
        let providers = self.providers;
        let zones = self.zones;
        self.unused(
            ctx,
            &[
                ("at", f.at.is_some()),
                ("duration", f.duration.is_some()),
                ("zone", f.zone.is_some()),
                ("service", f.service.is_some()),
            ],
        );
        let mut schedule = Vec::new();
        for (m, e) in f.schedule.iter().enumerate() {
            if !(e.fraction > 0.0 && e.fraction <= 1.0) {
                ctx.err(
                    &p(fp, &[k("schedule"), i(m), k("fraction")]),
                    format!(
                        "fraction {} is out of range: expected above 0 and at most 1",
                        e.fraction
                    ),
                );
            }
            schedule.push((e.at.millis(), e.fraction));
        }
        let rate_of = |ctx: &mut Ctx, key: &str, v: Option<f64>, unit: &str| -> f64 {
            let r = v.unwrap_or(0.0);
            if !(r.is_finite() && r >= 0.0) {
                ctx.err(
                    &p(fp, &[k(key)]),
                    format!(
                        "{key} {r} is out of range: expected 0 or more interruptions per {unit}"
                    ),
                );
            } else if let Some(m) = fault_rate(key, r, unit) {
                ctx.err(&p(fp, &[k(key)]), m);
            }
            r
        };
        let Some(cp) = &f.capacity_provider else {
            ctx.err(fp, "a spotInterruptions fault needs capacityProvider (FARGATE_SPOT, or an Auto Scaling group provider with purchaseOption spot)");
            return None;
        };
        let Some(idx) = providers.iter().position(|x| &x.name == cp) else {
            if ctx.failed_providers.contains(cp) {
                // Already reported where the provider is defined.
                return None;
            }
            let names: Vec<&str> = providers.iter().map(|x| x.name.as_str()).collect();
            ctx.err(
                &p(fp, &[k("capacityProvider")]),
                format!(
                    "`{cp}` is not a capacity provider of this scenario: {}providers are {}",
                    suggest::hint(cp, &names),
                    names.join(", ")
                ),
            );
            return None;
        };
        match &providers[idx].kind {
            ProviderKind::FargateSpot => {
                self.unused(
                    ctx,
                    &[
                        ("perInstanceHour", f.per_instance_hour.is_some()),
                        ("byZone", f.by_zone.is_some()),
                    ],
                );
                let rate = rate_of(ctx, "perTaskHour", f.per_task_hour, "task-hour");
                if f.per_task_hour.is_none() && f.schedule.is_empty() {
                    ctx.err(fp, "a spotInterruptions fault needs perTaskHour (a rate) or schedule ([{\"at\": \"5h\", \"fraction\": 0.2}])");
                }
                return Some(Fault {
                    name: self.name.clone(),
                    kind: FaultKind::FargateSpotInterruptions {
                        provider: idx,
                        per_task_hour: rate,
                        schedule,
                    },
                });
            }
            ProviderKind::Asg(a) => {
                if a.purchase != PurchaseOption::Spot {
                    ctx.err(
                        &p(fp, &[k("capacityProvider")]),
                        format!("`{cp}` buys on-demand instances: Spot interruptions need its autoScalingGroup.purchaseOption to be \"spot\""),
                    );
                }
                self.unused(ctx, &[("perTaskHour", f.per_task_hour.is_some())]);
                let rate = rate_of(ctx, "perInstanceHour", f.per_instance_hour, "instance-hour");
                let mut by_zone = Vec::new();
                for (z, r) in f.by_zone.iter().flatten() {
                    match zones.iter().position(|x| x == z) {
                        Some(zi) => {
                            if !(r.is_finite() && *r >= 0.0) {
                                ctx.err(
                                    &p(fp, &[k("byZone"), k(z)]),
                                    format!("{r} is out of range: expected 0 or more interruptions per instance-hour"),
                                );
                            } else if let Some(m) = fault_rate(z, *r, "instance-hour") {
                                ctx.err(&p(fp, &[k("byZone"), k(z)]), m);
                            }
                            by_zone.push((zi, *r));
                        }
                        None => ctx.err(
                            &p(fp, &[k("byZone"), k(z)]),
                            format!(
                                "`{z}` is not one of the scenario's zones: {}zones are {}",
                                suggest::hint(z, &zones.iter().map(String::as_str).collect::<Vec<_>>()),
                                zones.join(", ")
                            ),
                        ),
                    }
                }
                if f.per_instance_hour.is_none() && by_zone.is_empty() && f.schedule.is_empty() {
                    ctx.err(fp, "a spotInterruptions fault needs perInstanceHour, byZone or schedule");
                }
                return Some(Fault {
                    name: self.name.clone(),
                    kind: FaultKind::Ec2SpotInterruptions {
                        provider: idx,
                        per_instance_hour: rate,
                        by_zone,
                        schedule,
                    },
                });
            }
            ProviderKind::Fargate => ctx.err(
                &p(fp, &[k("capacityProvider")]),
                "FARGATE is on-demand capacity: spotInterruptions applies to FARGATE_SPOT or a Spot Auto Scaling group",
            ),
        }
        None
    }

    /// A `spotCapacityUnavailable` fault: no new Spot capacity for a while.
    fn spot_capacity_unavailable(&self, ctx: &mut Ctx) -> Option<Fault> {
        let (f, fp) = (self.f, &self.fp);
        self.unused(
            ctx,
            &[
                ("perTaskHour", f.per_task_hour.is_some()),
                ("perInstanceHour", f.per_instance_hour.is_some()),
                ("byZone", f.by_zone.is_some()),
                ("schedule", !f.schedule.is_empty()),
                ("zone", f.zone.is_some()),
                ("service", f.service.is_some()),
            ],
        );
        let (Some(at), Some(d)) = (f.at, f.duration) else {
            ctx.err(
                fp,
                "a spotCapacityUnavailable fault needs `at` and `duration`",
            );
            return None;
        };
        if d.millis() == 0 {
            ctx.err(
                &p(fp, &[k("duration")]),
                "a duration of 0: expected a positive length such as \"30m\"",
            );
        }
        if let Some(provider) = self.spot_provider(ctx) {
            return Some(Fault {
                name: self.name.clone(),
                kind: FaultKind::SpotCapacityUnavailable {
                    provider,
                    from: at.millis(),
                    to: at.millis() + d.millis(),
                },
            });
        }
        None
    }

    /// A `zoneOutage` fault: a zone lost for a while.
    fn zone_outage(&self, ctx: &mut Ctx) -> Option<Fault> {
        let (f, fp) = (self.f, &self.fp);
        let zones = self.zones;
        self.unused(
            ctx,
            &[
                ("capacityProvider", f.capacity_provider.is_some()),
                ("perTaskHour", f.per_task_hour.is_some()),
                ("perInstanceHour", f.per_instance_hour.is_some()),
                ("byZone", f.by_zone.is_some()),
                ("schedule", !f.schedule.is_empty()),
                ("service", f.service.is_some()),
            ],
        );
        let Some(z) = &f.zone else {
            ctx.err(fp, "a zoneOutage fault needs `zone`, `at` and `duration`");
            return None;
        };
        let Some(zone) = zones.iter().position(|x| x == z) else {
            ctx.err(
                &p(fp, &[k("zone")]),
                format!(
                    "`{z}` is not one of the scenario's zones: {}zones are {}",
                    suggest::hint(z, &zones.iter().map(String::as_str).collect::<Vec<_>>()),
                    zones.join(", ")
                ),
            );
            return None;
        };
        let (Some(at), Some(d)) = (f.at, f.duration) else {
            ctx.err(fp, "a zoneOutage fault needs `at` and `duration`");
            return None;
        };
        if d.millis() == 0 {
            ctx.err(
                &p(fp, &[k("duration")]),
                "a duration of 0: expected a positive length such as \"45m\"",
            );
        }
        Some(Fault {
            name: self.name.clone(),
            kind: FaultKind::ZoneOutage {
                zone,
                from: at.millis(),
                to: at.millis() + d.millis(),
            },
        })
    }

    /// An `instanceFailures` fault: a group's instances fail at a rate.
    fn instance_failures(&self, ctx: &mut Ctx) -> Option<Fault> {
        let (f, fp) = (self.f, &self.fp);
        let providers = self.providers;
        self.unused(
            ctx,
            &[
                ("perTaskHour", f.per_task_hour.is_some()),
                ("byZone", f.by_zone.is_some()),
                ("schedule", !f.schedule.is_empty()),
                ("at", f.at.is_some()),
                ("duration", f.duration.is_some()),
                ("zone", f.zone.is_some()),
                ("service", f.service.is_some()),
            ],
        );
        let Some(cp) = &f.capacity_provider else {
            ctx.err(fp, "an instanceFailures fault needs capacityProvider (an Auto Scaling group provider) and perInstanceHour");
            return None;
        };
        let idx = providers.iter().position(|x| &x.name == cp);
        let Some(idx) = idx.filter(|&i| matches!(providers[i].kind, ProviderKind::Asg(_))) else {
            let groups: Vec<&str> = providers
                .iter()
                .filter(|x| matches!(x.kind, ProviderKind::Asg(_)))
                .map(|x| x.name.as_str())
                .collect();
            ctx.err(
                &p(fp, &[k("capacityProvider")]),
                format!(
                    "`{cp}` is not an Auto Scaling group provider of this scenario: groups are {}",
                    if groups.is_empty() {
                        "none".to_string()
                    } else {
                        groups.join(", ")
                    }
                ),
            );
            return None;
        };
        let rate = f.per_instance_hour.unwrap_or(-1.0);
        if !(rate.is_finite() && rate > 0.0) {
            ctx.err(
                &p(fp, &[k("perInstanceHour")]),
                "perInstanceHour is required: a rate above 0 of failures per instance-hour",
            );
            return None;
        }
        if let Some(m) = fault_rate("perInstanceHour", rate, "instance-hour") {
            ctx.err(&p(fp, &[k("perInstanceHour")]), m);
            return None;
        }
        Some(Fault {
            name: self.name.clone(),
            kind: FaultKind::InstanceFailures {
                provider: idx,
                per_instance_hour: rate,
            },
        })
    }

    /// A `taskCrashes` fault: a service's tasks crash at a rate.
    fn task_crashes(&self, ctx: &mut Ctx) -> Option<Fault> {
        let (f, fp) = (self.f, &self.fp);
        let service_names = self.service_names;
        self.unused(
            ctx,
            &[
                ("capacityProvider", f.capacity_provider.is_some()),
                ("perInstanceHour", f.per_instance_hour.is_some()),
                ("byZone", f.by_zone.is_some()),
                ("schedule", !f.schedule.is_empty()),
                ("at", f.at.is_some()),
                ("duration", f.duration.is_some()),
                ("zone", f.zone.is_some()),
            ],
        );
        let Some(svc) = &f.service else {
            ctx.err(fp, "a taskCrashes fault needs service and perTaskHour");
            return None;
        };
        let Some(s_idx) = service_names.iter().position(|n| n == svc) else {
            ctx.err(
                &p(fp, &[k("service")]),
                format!(
                    "`{svc}` is not a service of this scenario: {}services are {}",
                    suggest::hint(
                        svc,
                        &service_names.iter().map(String::as_str).collect::<Vec<_>>()
                    ),
                    service_names.join(", ")
                ),
            );
            return None;
        };
        let rate = f.per_task_hour.unwrap_or(-1.0);
        if !(rate.is_finite() && rate > 0.0) {
            ctx.err(
                &p(fp, &[k("perTaskHour")]),
                "perTaskHour is required: a rate above 0 of crashes per task-hour",
            );
            return None;
        }
        if let Some(m) = fault_rate("perTaskHour", rate, "task-hour") {
            ctx.err(&p(fp, &[k("perTaskHour")]), m);
            return None;
        }
        Some(Fault {
            name: self.name.clone(),
            kind: FaultKind::TaskCrashes {
                service: s_idx,
                per_task_hour: rate,
            },
        })
    }
}
