//! Building the [`Report`] from the finished world: per-service and per-provider figures from
//! the counters kept during the run (no scan over history), cost from the billing meters.

use super::Recorder;
use super::series;
use super::types::{
    AvailabilityReport, CapacityReport, CostReport, EngineReport, InterruptionsReport, JobReport,
    PlacementReport, ProviderReport, QueueReport, Report, SCHEMA, ScenarioInfo,
    ServiceAvailability, ServiceReport,
};
use crate::ids::{ProviderId, ServiceId};
use crate::model::world::{Outcome, TaskState};
use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;

/// `x` rounded to `places` decimals: the rule the CSV tables use too ([`series::round`]).
fn round(x: f64, places: u32) -> f64 {
    series::round(x, places)
}

/// Builds the report of a finished run from its world and what its recorder kept (the activity
/// log and placements are moved into the report, not copied; the tables are closed): the
/// report, or the first error writing a table (its file name).
pub fn build(o: &Outcome, recorded: Recorder) -> Result<Report, (PathBuf, io::Error)> {
    let w = &o.world;
    let sc = &w.scenario;
    let now = w.queue.now();
    let mut services = BTreeMap::new();
    let mut queues = BTreeMap::new();
    let mut batch_jobs = BTreeMap::new();
    let mut by_service = BTreeMap::new();
    let (mut offered, mut served) = (0.0, 0.0);
    let frac = |o: f64, s: f64| if o > 0.0 { round(s / o, 6) } else { 1.0 };
    for (i, s) in sc.services.iter().enumerate() {
        let st = &w.services[ServiceId::new(i)];
        let l = &w.traffic.loads[i];
        if s.job.is_some() {
            let j = &w.jobs.stats[i];
            batch_jobs.insert(
                s.name.clone(),
                JobReport {
                    submitted: j.arrived,
                    started: j.started,
                    completed: j.completed,
                    retried: j.retried,
                    lost: j.lost,
                    unfinished: j.arrived.saturating_sub(j.completed + j.lost),
                    mean_wait_s: if j.started > 0 {
                        round(j.wait_sum as f64 / j.started as f64 / 1000.0, 3)
                    } else {
                        0.0
                    },
                    max_wait_s: round(j.wait_max as f64 / 1000.0, 3),
                },
            );
            continue;
        }
        if s.load.as_ref().is_some_and(|x| x.traffic.is_some()) {
            offered += l.offered;
            served += l.served;
            by_service.insert(
                s.name.clone(),
                ServiceAvailability {
                    offered_requests: round(l.offered, 3),
                    served_requests: round(l.served, 3),
                    served_fraction: frac(l.offered, l.served),
                },
            );
        }
        if s.load.as_ref().is_some_and(|x| x.queue.is_some()) {
            queues.insert(
                s.name.clone(),
                QueueReport {
                    messages_arrived: round(l.arrived, 3),
                    messages_processed: round(l.processed, 3),
                    backlog_final: round(l.backlog, 3),
                    backlog_max: round(l.backlog_max, 3),
                    oldest_message_age_max_s: round(l.age_max as f64 / 1000.0, 3),
                },
            );
        }
        let mut by_cp: BTreeMap<String, u32> = BTreeMap::new();
        for &slot in w.service_tasks(ServiceId::new(i)) {
            let t = &w.tasks[slot];
            *by_cp.entry(w.capacity_key(t)).or_default() += 1;
        }
        let names = ["PROVISIONING", "PENDING", "RUNNING", "STOPPING"];
        services.insert(
            s.name.clone(),
            ServiceReport {
                desired_final: st.desired,
                running_final: st.by_state[TaskState::Running as usize],
                desired_min: st.desired_min,
                desired_max: st.desired_max,
                task_starts: st.task_starts,
                seconds_below_desired: round(st.below_ms as f64 / 1000.0, 3),
                scaling_activities: w.scaling.scalers[i].as_ref().map_or(0, |x| x.activities),
                tasks_final_by_capacity_provider: by_cp,
                start_failures: st.start_failures,
                fargate_vcpu_quota_refusals: st.quota_refusals,
                restart_backoffs: st.restart_backoffs,
                tasks_final_by_state: names
                    .iter()
                    .zip(st.by_state)
                    .filter(|(_, n)| *n > 0)
                    .map(|(k, n)| (k.to_string(), n))
                    .collect(),
            },
        );
    }
    let mut by_provider = BTreeMap::new();
    let mut instances_final = 0;
    let mut instance_hours = 0.0;
    let mut in_use_total = 0;
    let mut fargate_hours = 0.0;
    let active_peak: u64 = w.fleet.instances_total.peak;
    for (p, prov) in sc.providers.iter().enumerate() {
        let inst = &w.fleet.instances_by_provider[p];
        // Registered instances running a task (a draining one still counts until it goes).
        let in_use = w
            .fleet
            .index
            .slots()
            .iter()
            .zip(&w.fleet.instances)
            .filter(|(s, i)| s.provider == ProviderId::new(p) && !i.terminated && s.tasks > 0)
            .count() as u64;
        let th = w.tasks.per_bucket[p].hours(now);
        if prov.kind.is_fargate() {
            fargate_hours += th;
        }
        instances_final += inst.value;
        instance_hours += inst.hours(now);
        in_use_total += in_use;
        by_provider.insert(
            prov.name.clone(),
            ProviderReport {
                kind: match &prov.kind {
                    crate::scenario::ProviderKind::Fargate => "fargate",
                    crate::scenario::ProviderKind::FargateSpot => "fargate-spot",
                    crate::scenario::ProviderKind::Asg(a)
                        if a.purchase == crate::scenario::PurchaseOption::Spot =>
                    {
                        "ec2-spot"
                    }
                    crate::scenario::ProviderKind::Asg(_) => "ec2-on-demand",
                },
                instances_peak: inst.peak,
                instance_hours: round(inst.hours(now), 4),
                task_hours: round(th, 4),
                instances_in_use_final: in_use,
            },
        );
    }
    let np = sc.providers.len();
    for (key, b) in [("launchType:FARGATE", np), ("launchType:EC2", np + 1)] {
        let th = w.tasks.per_bucket[b].hours(now);
        if th > 0.0 {
            if b == np {
                fargate_hours += th;
            }
            by_provider.insert(
                key.to_string(),
                ProviderReport {
                    kind: "launch-type",
                    instances_peak: 0,
                    instance_hours: 0.0,
                    task_hours: round(th, 4),
                    instances_in_use_final: 0,
                },
            );
        }
    }
    let waiting = w.waiting_final();
    let cost = cost_report(w, now);
    Ok(Report {
        schema: SCHEMA,
        scenario: ScenarioInfo {
            name: sc.name.clone(),
            description: sc.description.clone(),
            seed: sc.seed,
            duration_s: sc.duration / 1000,
            start: sc.start.clone(),
            region: sc.region.clone(),
        },
        cost,
        availability: AvailabilityReport {
            offered_requests: round(offered, 3),
            served_requests: round(served, 3),
            served_fraction: frac(offered, served),
            by_service,
        },
        services,
        queues,
        batch_jobs,
        capacity: CapacityReport {
            instances_peak: active_peak,
            instances_final,
            instances_in_use_final: in_use_total,
            instance_hours: round(instance_hours, 4),
            fargate_task_hours: round(fargate_hours, 4),
            by_capacity_provider: by_provider,
        },
        interruptions: InterruptionsReport {
            fargate_spot: w.faults.interruptions_fargate_spot,
            ec2_spot: w.faults.interruptions_ec2_spot,
            instance_failures: w.faults.instance_failures,
            task_crashes: w.faults.task_crashes,
            tasks_lost: w.faults.tasks_lost,
        },
        placement: PlacementReport {
            failures: w.scheduler.placement_failures,
            waiting_final: waiting,
            start_failures: w.services.iter().map(|st| st.start_failures).sum(),
            fargate_vcpu_quota_refusals: w.scheduler.fargate_vcpu.refusals,
        },
        engine: EngineReport {
            events: o.events,
            tasks_created: w.tasks_created(),
        },
        warnings: sc.warnings.clone(),
        activities: recorded.activities,
        placements: recorded.placements,
        files: Vec::new(),
        tables: recorded.series.finish()?,
        charts: recorded.charts,
    })
}

fn cost_report(w: &crate::model::world::World, now: crate::engine::Millis) -> CostReport {
    let sc = &w.scenario;
    let np = sc.providers.len();
    let totals = w.bill.totals(now, sc.services.len());
    let mut by_cp = BTreeMap::new();
    let mut od_by_cp = BTreeMap::new();
    let (mut total, mut od) = (0.0, 0.0);
    for (b, &(usd, o)) in totals.by_bucket.iter().enumerate() {
        total += usd;
        od += o;
        let name = if b < np {
            sc.providers[b].name.clone()
        } else if w.tasks.per_bucket[b].peak == 0 {
            continue;
        } else if b == np {
            "launchType:FARGATE".to_string()
        } else {
            "launchType:EC2".to_string()
        };
        by_cp.insert(name.clone(), round(usd, 6));
        od_by_cp.insert(name, round(o, 6));
    }
    let by_service = sc
        .services
        .iter()
        .zip(&totals.by_service)
        .map(|(s, &usd)| (s.name.clone(), round(usd, 6)))
        .collect();
    let saving = od - total;
    CostReport {
        total_usd: round(total, 6),
        by_capacity_provider: by_cp,
        by_service,
        idle_usd: round(totals.idle, 6),
        on_demand_equivalent_usd: round(od, 6),
        on_demand_equivalent_by_capacity_provider: od_by_cp,
        saving_usd: round(saving, 6),
        saving_fraction: if od > 0.0 { round(saving / od, 6) } else { 0.0 },
        eks_control_plane_equivalent_usd: round(
            sc.prices.eks_control_plane_hour * now as f64 / 3_600_000.0,
            6,
        ),
        region: sc.prices.label(),
    }
}
