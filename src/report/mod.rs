//! What a run leaves behind: `report.json` (schema `ecsim.report/1`, the stable fields of
//! product.md that exist so far), the printed summary (`summary.txt`), and atomic file writing.

pub mod chartdata;
pub mod charts;
pub mod html;
pub mod series;

use crate::model::autoscale::Activity;
use crate::model::world::{Outcome, TaskState};
use crate::outdir::OutDir;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The report schema id.
pub const SCHEMA: &str = "ecsim.report/1";

/// report.json.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The scenario run.
    pub scenario: ScenarioInfo,
    /// The files of the run's output set, sorted (filled in by [`write_all`]; empty when
    /// nothing was written): what `ecsim explain` may read, and all it reads.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// What the run cost.
    pub cost: CostReport,
    /// Requests offered and served.
    pub availability: AvailabilityReport,
    /// Per service, by name.
    pub services: BTreeMap<String, ServiceReport>,
    /// Queue-fed worker services, by service name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub queues: BTreeMap<String, QueueReport>,
    /// Batch job streams, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub batch_jobs: BTreeMap<String, JobReport>,
    /// Cluster capacity.
    pub capacity: CapacityReport,
    /// Spot interruptions.
    pub interruptions: InterruptionsReport,
    /// Placement.
    pub placement: PlacementReport,
    /// How much simulation it took.
    pub engine: EngineReport,
    /// Warnings from loading the scenario.
    pub warnings: Vec<String>,
    /// Every scaling and scheduled action, in time order.
    pub activities: Vec<Activity>,
    /// Placement explanations (`--explain-placement`), written to placements.json.
    #[serde(skip)]
    pub placements: Option<Vec<crate::model::world::PlacementRecord>>,
    /// The streamed CSV tables (timeseries.csv, metrics.csv, capacity.csv), to be put in
    /// place.
    #[serde(skip)]
    pub tables: Vec<(&'static str, series::Finished)>,
    /// The chart series ([`chartdata`]), drawn by [`write_all`]; None with charts off.
    #[serde(skip)]
    pub charts: Option<chartdata::ChartData>,
}

/// `cost`: USD over the simulated window (tasks and instances still running at the end are
/// billed up to the end, without a minimum).
#[derive(Debug, Clone, Serialize)]
pub struct CostReport {
    /// Everything billed.
    pub total_usd: f64,
    /// Per capacity provider (and `launchType:FARGATE` / `launchType:EC2` when used).
    pub by_capacity_provider: BTreeMap<String, f64>,
    /// Per service and batch job stream: its Fargate tasks plus its share of the EC2
    /// instances it ran on (by reserved CPU and memory).
    pub by_service: BTreeMap<String, f64>,
    /// EC2 cost of capacity no task reserved.
    pub idle_usd: f64,
    /// The same capacity at on-demand prices (FARGATE for FARGATE_SPOT, on-demand EC2 for Spot).
    pub on_demand_equivalent_usd: f64,
    /// Per capacity provider, at on-demand prices.
    pub on_demand_equivalent_by_capacity_provider: BTreeMap<String, f64>,
    /// on_demand_equivalent_usd − total_usd.
    pub saving_usd: f64,
    /// saving_usd / on_demand_equivalent_usd (0 when nothing was billed).
    pub saving_fraction: f64,
    /// What an EKS control plane would have cost over the same time (ECS has no such fee).
    pub eks_control_plane_equivalent_usd: f64,
    /// Region of the prices.
    pub region: String,
}

/// `interruptions`.
#[derive(Debug, Clone, Serialize)]
pub struct InterruptionsReport {
    /// FARGATE_SPOT tasks interrupted.
    pub fargate_spot: u64,
    /// EC2 Spot instances interrupted.
    pub ec2_spot: u64,
    /// Instances failed (`instanceFailures` faults).
    pub instance_failures: u64,
    /// Tasks crashed (`taskCrashes` faults).
    pub task_crashes: u64,
    /// Tasks stopped by any fault: interrupted, drained for a Spot reclaim, killed with a lost
    /// instance or zone, crashed.
    pub tasks_lost: u64,
}

/// `availability`.
#[derive(Debug, Clone, Serialize)]
pub struct AvailabilityReport {
    /// Requests offered to every load balancer.
    pub offered_requests: f64,
    /// Requests served.
    pub served_requests: f64,
    /// served / offered (1.0 when nothing was offered).
    pub served_fraction: f64,
    /// Per service with traffic.
    pub by_service: BTreeMap<String, ServiceAvailability>,
}

/// `availability.by_service.<name>`.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceAvailability {
    /// Requests offered.
    pub offered_requests: f64,
    /// Requests served.
    pub served_requests: f64,
    /// served / offered (1.0 when nothing was offered).
    pub served_fraction: f64,
}

/// `queues.<service>`.
#[derive(Debug, Clone, Serialize)]
pub struct QueueReport {
    /// Messages that arrived.
    pub messages_arrived: f64,
    /// Messages processed.
    pub messages_processed: f64,
    /// Messages waiting at the end.
    pub backlog_final: f64,
    /// Largest backlog.
    pub backlog_max: f64,
    /// Oldest message age seen, s.
    pub oldest_message_age_max_s: f64,
}

/// `batch_jobs.<name>`.
#[derive(Debug, Clone, Serialize)]
pub struct JobReport {
    /// Jobs submitted.
    pub submitted: u64,
    /// Jobs that reached RUNNING.
    pub started: u64,
    /// Jobs that finished.
    pub completed: u64,
    /// Jobs whose task was interrupted and started again.
    pub retried: u64,
    /// Jobs lost to an interruption.
    pub lost: u64,
    /// Jobs neither finished nor lost at the end.
    pub unfinished: u64,
    /// Mean wait from submission to RUNNING, s.
    pub mean_wait_s: f64,
    /// Longest wait, s.
    pub max_wait_s: f64,
}

/// `scenario`.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Seed.
    pub seed: u64,
    /// Simulated seconds.
    pub duration_s: u64,
    /// Simulated start.
    pub start: String,
    /// Region.
    pub region: String,
}

/// `services.<name>`.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    /// Desired count at the end.
    pub desired_final: u32,
    /// RUNNING tasks at the end.
    pub running_final: u32,
    /// Smallest desired count during the run.
    pub desired_min: u32,
    /// Largest desired count during the run.
    pub desired_max: u32,
    /// Tasks launched.
    pub task_starts: u64,
    /// Seconds with fewer healthy tasks than desired.
    pub seconds_below_desired: f64,
    /// Scaling activities that changed the desired count.
    pub scaling_activities: u64,
    /// Tasks (any state but STOPPED) at the end, by capacity provider, or `launchType:EC2` /
    /// `launchType:FARGATE`.
    pub tasks_final_by_capacity_provider: BTreeMap<String, u32>,
    /// Tasks per state at the end.
    pub tasks_final_by_state: BTreeMap<String, u32>,
}

/// `capacity`.
#[derive(Debug, Clone, Serialize)]
pub struct CapacityReport {
    /// Most instances registered at once.
    pub instances_peak: u64,
    /// Instances registered at the end.
    pub instances_final: u64,
    /// Instances hosting at least one task at the end.
    pub instances_in_use_final: u64,
    /// Instance-hours.
    pub instance_hours: f64,
    /// Fargate task-hours (from image pull to stop).
    pub fargate_task_hours: f64,
    /// Per capacity provider.
    pub by_capacity_provider: BTreeMap<String, ProviderReport>,
}

/// `capacity.by_capacity_provider.<name>`.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderReport {
    /// `fargate`, `fargate-spot`, `ec2-on-demand`, `ec2-spot`, or `launch-type`.
    pub kind: &'static str,
    /// Most instances at once (0 for Fargate).
    pub instances_peak: u64,
    /// Instance-hours.
    pub instance_hours: f64,
    /// Task-hours (tasks holding capacity: from PENDING to STOPPED).
    pub task_hours: f64,
    /// Instances hosting at least one task at the end.
    pub instances_in_use_final: u64,
}

/// `placement`.
#[derive(Debug, Clone, Serialize)]
pub struct PlacementReport {
    /// Placement attempts that found no instance (the task waited).
    pub failures: u64,
    /// EC2 tasks still waiting for an instance at the end.
    pub waiting_final: u64,
}

/// `engine`.
#[derive(Debug, Clone, Serialize)]
pub struct EngineReport {
    /// Events processed.
    pub events: u64,
    /// Tasks created.
    pub tasks_created: u64,
}

/// `x` rounded to `places` decimals: the rule the CSV tables use too ([`series::round`]).
fn round(x: f64, places: u32) -> f64 {
    series::round(x, places)
}

/// Builds the report of a finished run.
pub fn build(o: &Outcome) -> Report {
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
        let st = &w.services[i];
        let l = &w.loads[i];
        if s.job.is_some() {
            let j = &w.jobs[i];
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
        for &slot in w.service_tasks(i as u32) {
            let t = &w.tasks[slot as usize];
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
                scaling_activities: w.scalers[i].as_ref().map_or(0, |x| x.activities),
                tasks_final_by_capacity_provider: by_cp,
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
    let active_peak: u64 = w.instances_total.peak;
    for (p, prov) in sc.providers.iter().enumerate() {
        let inst = &w.instances_by_provider[p];
        // Registered instances running a task (a draining one still counts until it goes).
        let in_use = w
            .index
            .slots()
            .iter()
            .zip(&w.instances)
            .filter(|(s, i)| s.provider == p as u32 && !i.terminated && s.tasks > 0)
            .count() as u64;
        let th = w.tasks_by_provider[p].hours(now);
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
        let th = w.tasks_by_provider[b].hours(now);
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
    Report {
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
            fargate_spot: w.interruptions_fargate_spot,
            ec2_spot: w.interruptions_ec2_spot,
            instance_failures: w.instance_failures,
            task_crashes: w.task_crashes,
            tasks_lost: w.tasks_lost,
        },
        placement: PlacementReport {
            failures: w.placement_failures,
            waiting_final: waiting,
        },
        engine: EngineReport {
            events: o.events,
            tasks_created: w.tasks_created(),
        },
        warnings: sc.warnings.clone(),
        activities: w.activities.clone(),
        placements: w.explanations.clone(),
        files: Vec::new(),
        tables: Vec::new(),
        charts: None,
    }
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
        } else if w.tasks_by_provider[b].peak == 0 {
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
        region: sc.prices.region.clone(),
    }
}

/// Whether column `i` holds figures (every non-empty cell starts like a number or an amount):
/// figures are right-aligned, words left-aligned — in the text summary and in report.html.
pub(crate) fn numeric_column(rows: &[Vec<String>], i: usize) -> bool {
    i > 0
        && rows.iter().all(|r| {
            r.get(i).is_none_or(|c| {
                c.is_empty() || c.starts_with(|ch: char| ch.is_ascii_digit() || "$-+.".contains(ch))
            })
        })
}

pub(crate) fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    // Cells are measured as they will be printed (crate::term escapes control characters in
    // names), so the columns stay aligned.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| crate::term::escape(c).into_owned())
                .collect()
        })
        .collect();
    let rows = &rows[..];
    let right: Vec<bool> = (0..header.len()).map(|i| numeric_column(rows, i)).collect();
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let line = |cells: &[String], out: &mut String| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = width[i] - c.chars().count();
            if i > 0 {
                s.push_str("  ");
            }
            if right[i] {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            }
        }
        out.push_str("  ");
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(
        &header.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        out,
    );
    line(
        &width.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
        out,
    );
    for r in rows {
        line(r, out);
    }
}

/// One part of the summary, rendered as text by [`summary`] and as HTML by [`html`].
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// A titled table; columns of figures are right-aligned, the others left-aligned.
    Table {
        /// Its title.
        title: String,
        /// Column names.
        header: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<String>>,
    },
    /// One line of text; `gap` puts a blank line before it in the text summary.
    Note {
        /// The text.
        text: String,
        /// Blank line before it.
        gap: bool,
    },
}

fn part(title: &str, header: &[&str], rows: Vec<Vec<String>>) -> Part {
    Part::Table {
        title: title.to_string(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

/// The summary's first line: scenario, seed, simulated time, start and region.
pub fn headline(r: &Report) -> String {
    let d = crate::scenario::units::Duration(r.scenario.duration_s * 1000);
    format!(
        "ecsim · {} · seed {} · {} simulated from {} ({})",
        r.scenario.name, r.scenario.seed, d, r.scenario.start, r.scenario.region
    )
}

/// The human summary (also `summary.txt`).
pub fn summary(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", headline(r));
    if !r.scenario.description.is_empty() {
        let _ = writeln!(s, "{}", r.scenario.description);
    }
    for p in tables(r) {
        match p {
            Part::Table {
                title,
                header,
                rows,
            } => {
                let _ = writeln!(s, "\n{title}");
                let header: Vec<&str> = header.iter().map(String::as_str).collect();
                table(&mut s, &header, &rows);
            }
            Part::Note { text, gap } => {
                if gap {
                    s.push('\n');
                }
                let _ = writeln!(s, "{text}");
            }
        }
    }
    s
}

/// The summary's tables and lines, in order (what [`summary`] prints after the headline and
/// the description, and report.html shows).
pub fn tables(r: &Report) -> Vec<Part> {
    let mut out = cost_parts(r);
    let rows: Vec<Vec<String>> = r
        .services
        .iter()
        .map(|(n, v)| {
            let cps: Vec<String> = v
                .tasks_final_by_capacity_provider
                .iter()
                .map(|(k, c)| format!("{k} {c}"))
                .collect();
            vec![
                n.clone(),
                v.desired_final.to_string(),
                format!("{}–{}", v.desired_min, v.desired_max),
                v.running_final.to_string(),
                v.task_starts.to_string(),
                v.scaling_activities.to_string(),
                format!("{:.0}", v.seconds_below_desired),
                cps.join(", "),
            ]
        })
        .collect();
    out.push(part(
        "Services",
        &[
            "service",
            "desired",
            "desired range",
            "running",
            "starts",
            "scaling",
            "s below desired",
            "tasks by capacity",
        ],
        rows,
    ));
    if !r.availability.by_service.is_empty() {
        let rows: Vec<Vec<String>> = r
            .availability
            .by_service
            .iter()
            .map(|(n, a)| {
                vec![
                    n.clone(),
                    format!("{:.0}", a.offered_requests),
                    format!("{:.0}", a.served_requests),
                    format!("{:.0}", a.offered_requests - a.served_requests),
                    format!("{:.4}", a.served_fraction),
                ]
            })
            .collect();
        out.push(part(
            "Availability (requests through the load balancer)",
            &[
                "service",
                "offered",
                "served",
                "rejected",
                "served fraction",
            ],
            rows,
        ));
    }
    if !r.queues.is_empty() {
        let rows: Vec<Vec<String>> = r
            .queues
            .iter()
            .map(|(n, q)| {
                vec![
                    n.clone(),
                    format!("{:.0}", q.messages_arrived),
                    format!("{:.0}", q.messages_processed),
                    format!("{:.0}", q.backlog_final),
                    format!("{:.0}", q.backlog_max),
                    format!("{:.0}", q.oldest_message_age_max_s),
                ]
            })
            .collect();
        out.push(part(
            "Queues",
            &[
                "service",
                "arrived",
                "processed",
                "backlog at end",
                "backlog max",
                "oldest age max (s)",
            ],
            rows,
        ));
    }
    if !r.batch_jobs.is_empty() {
        let rows: Vec<Vec<String>> = r
            .batch_jobs
            .iter()
            .map(|(n, j)| {
                vec![
                    n.clone(),
                    j.submitted.to_string(),
                    j.completed.to_string(),
                    j.unfinished.to_string(),
                    format!("{:.1}", j.mean_wait_s),
                    format!("{:.1}", j.max_wait_s),
                ]
            })
            .collect();
        out.push(part(
            "Batch jobs",
            &[
                "job",
                "submitted",
                "completed",
                "unfinished",
                "mean wait (s)",
                "max wait (s)",
            ],
            rows,
        ));
    }
    if r.interruptions.fargate_spot > 0 || r.interruptions.ec2_spot > 0 {
        out.push(Part::Note {
            text: format!(
                "Interruptions: FARGATE_SPOT tasks {}, EC2 Spot instances {}",
                r.interruptions.fargate_spot, r.interruptions.ec2_spot
            ),
            gap: true,
        });
    }
    if !r.activities.is_empty() {
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for a in &r.activities {
            *kinds.entry(a.kind.as_str()).or_default() += 1;
        }
        let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        out.push(Part::Note {
            text: format!(
                "Activities: {} ({}) · the log with causes is in activities.csv",
                r.activities.len(),
                list.join(", ")
            ),
            gap: true,
        });
    }
    let rows: Vec<Vec<String>> = r
        .capacity
        .by_capacity_provider
        .iter()
        .map(|(n, p)| {
            vec![
                n.clone(),
                p.instances_peak.to_string(),
                p.instances_in_use_final.to_string(),
                format!("{:.2}", p.instance_hours),
                format!("{:.2}", p.task_hours),
            ]
        })
        .collect();
    out.push(part(
        "Capacity providers",
        &[
            "provider",
            "instances peak",
            "in use at end",
            "instance-h",
            "task-h",
        ],
        rows,
    ));
    out.push(Part::Note {
        text: format!(
            "Instances: peak {}, at end {}, in use at end {} · instance-hours {:.2} · Fargate task-hours {:.2}",
            r.capacity.instances_peak,
            r.capacity.instances_final,
            r.capacity.instances_in_use_final,
            r.capacity.instance_hours,
            r.capacity.fargate_task_hours
        ),
        gap: true,
    });
    if r.placement.waiting_final > 0 || r.placement.failures > 0 {
        out.push(Part::Note {
            text: format!(
                "Placement: {} attempts found no instance; {} tasks still waiting at the end",
                r.placement.failures, r.placement.waiting_final
            ),
            gap: false,
        });
    }
    out
}

/// USD with two decimals below 1,000 and none above (cents matter on small runs only); four
/// decimals under a dollar.
fn usd(v: f64) -> String {
    if v.abs() < 1.0 {
        format!("${v:.4}")
    } else if v.abs() < 1000.0 {
        format!("${v:.2}")
    } else {
        format!("${v:.0}")
    }
}

/// The cost part of the summary: per provider with its on-demand equivalent, per service with
/// idle EC2 capacity, and the saving against on demand beside what the interruptions cost in
/// availability.
fn cost_parts(r: &Report) -> Vec<Part> {
    let c = &r.cost;
    let mut out = Vec::new();
    let rows: Vec<Vec<String>> = c
        .by_capacity_provider
        .iter()
        .map(|(n, usd_v)| {
            let p = r.capacity.by_capacity_provider.get(n);
            let od = c
                .on_demand_equivalent_by_capacity_provider
                .get(n)
                .copied()
                .unwrap_or(0.0);
            let saving = if od > 0.0 && od - usd_v > 1e-9 {
                format!("{} ({:.1} %)", usd(od - usd_v), (od - usd_v) / od * 100.0)
            } else {
                String::new()
            };
            vec![
                n.clone(),
                p.map(|p| p.kind).unwrap_or("").to_string(),
                p.map(|p| format!("{:.2}", p.instance_hours))
                    .unwrap_or_default(),
                p.map(|p| format!("{:.2}", p.task_hours))
                    .unwrap_or_default(),
                usd(*usd_v),
                usd(od),
                saving,
            ]
        })
        .collect();
    out.push(part(
        &format!(
            "Cost {} over {} ({} prices)",
            usd(c.total_usd),
            crate::scenario::units::Duration(r.scenario.duration_s * 1000),
            c.region
        ),
        &[
            "provider",
            "kind",
            "instance-h",
            "task-h",
            "cost",
            "on-demand equivalent",
            "saving",
        ],
        rows,
    ));
    let share = |v: f64| {
        if c.total_usd > 0.0 {
            format!("{:.1} %", v / c.total_usd * 100.0)
        } else {
            String::new()
        }
    };
    let mut rows: Vec<Vec<String>> = c
        .by_service
        .iter()
        .map(|(n, v)| vec![n.clone(), usd(*v), share(*v)])
        .collect();
    if c.idle_usd > 0.0 || r.capacity.instance_hours > 0.0 {
        rows.push(vec![
            "(idle EC2 capacity)".to_string(),
            usd(c.idle_usd),
            share(c.idle_usd),
        ]);
    }
    out.push(part("Cost by service", &["service", "cost", "share"], rows));
    let spot = r
        .capacity
        .by_capacity_provider
        .values()
        .any(|p| p.kind == "fargate-spot" || p.kind == "ec2-spot");
    if spot && c.on_demand_equivalent_usd > 0.0 {
        let i = &r.interruptions;
        let below: f64 = r.services.values().map(|v| v.seconds_below_desired).sum();
        out.push(Part::Note {
            text: format!(
                "Spot saving: {} ({:.1} %) against {} on demand · paid for with {} FARGATE_SPOT task and {} EC2 Spot instance interruptions, {:.0} s below desired, served fraction {:.4}",
                usd(c.saving_usd),
                c.saving_fraction * 100.0,
                usd(c.on_demand_equivalent_usd),
                i.fargate_spot,
                i.ec2_spot,
                below,
                r.availability.served_fraction
            ),
            gap: true,
        });
    }
    out.push(Part::Note {
        text: format!(
            "For comparison, an EKS control plane would add {} over the same time (ECS has none).",
            usd(c.eks_control_plane_equivalent_usd)
        ),
        gap: !(spot && c.on_demand_equivalent_usd > 0.0),
    });
    out
}

/// Writes report.json, summary.txt, activities.csv, report.html, the charts (PNG and SVG, when
/// [`Report::charts`] holds their series) and placements.json when present into `out`, and
/// puts the streamed tables in place, as one set ([`OutDir::write_set`], report.json the
/// marker): every file is first complete under a hidden temporary name; only then are they
/// renamed, report.json last, so a failure or a kill part-way never leaves this run's report
/// beside the last run's tables, and the files of the folder's previous set that this one does
/// not rewrite are removed. report.json lists the set in [`Report::files`] (filled in here).
/// report.json and activities.csv (the large ones on long runs) are streamed into their
/// temporary files rather than rendered in memory first.
pub fn write_all(out: &OutDir, report: &mut Report) -> crate::error::Result<()> {
    let drawn = match &report.charts {
        Some(data) => charts::render(report, data).map_err(|m| crate::error::Error::Output {
            path: out.join("charts"),
            source: std::io::Error::other(m),
        })?,
        None => Vec::new(),
    };
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    if let Some(p) = &report.placements {
        let json = serde_json::to_string_pretty(p).expect("placements serialize") + "\n";
        outputs.push(("placements.json".into(), json.into_bytes()));
    }
    outputs.push((
        "report.html".into(),
        html::render(report, &drawn).into_bytes(),
    ));
    for c in drawn {
        outputs.push((format!("{}.svg", c.name), c.svg.into_bytes()));
        outputs.push((format!("{}.png", c.name), c.png));
    }
    let mut staged: Vec<(std::path::PathBuf, String)> = Vec::new();
    for (name, f) in &report.tables {
        match f {
            series::Finished::Memory(bytes) => outputs.push((name.to_string(), bytes.clone())),
            series::Finished::Temp(tmp) => staged.push((tmp.clone(), name.to_string())),
        }
    }
    let mut manifest: Vec<String> = ["report.json", "activities.csv", "summary.txt"]
        .iter()
        .map(|n| n.to_string())
        .chain(outputs.iter().map(|(n, _)| n.clone()))
        .chain(staged.iter().map(|(_, n)| n.clone()))
        .collect();
    manifest.sort();
    report.files = manifest;
    // summary.txt is the printed summary, meant for `cat`: escaped as it is printed
    // (crate::term); the other files are data and keep the names' bytes.
    outputs.push((
        "summary.txt".into(),
        crate::term::escape(&summary(report))
            .into_owned()
            .into_bytes(),
    ));
    let cleanup = |staged: &[(std::path::PathBuf, String)]| {
        for (tmp, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
    };
    let report = &*report;
    let streamed = [
        (
            "report.json",
            Box::new(|w: &mut dyn std::io::Write| {
                serde_json::to_writer_pretty(&mut *w, report).map_err(std::io::Error::from)?;
                w.write_all(b"\n")
            }) as Box<dyn FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>>,
        ),
        (
            "activities.csv",
            Box::new(|w: &mut dyn std::io::Write| write_activities_csv(w, &report.activities)),
        ),
    ];
    let mut own = Vec::new();
    for (name, fill) in streamed {
        match crate::outdir::stage_with(&out.join(name), fill) {
            Ok(tmp) => own.push((tmp, name.to_string())),
            Err(e) => {
                cleanup(&own);
                return Err(e);
            }
        }
    }
    own.extend(staged);
    out.write_set("report.json", outputs, own, &[])
}

/// activities.csv: `time_s`, `kind`, `service`, `from`, `to`, `cause`.
pub fn activities_csv(list: &[Activity]) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = write_activities_csv(&mut out, list);
    out
}

/// Writes activities.csv ([`activities_csv`]) row by row to `out`.
pub fn write_activities_csv(
    out: &mut dyn std::io::Write,
    list: &[Activity],
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "time_s",
        "kind",
        "service",
        "capacity_provider",
        "from",
        "to",
        "cause",
    ])?;
    // The cause's sentence is made here, when written, into one buffer reused row by row.
    let mut cause = String::new();
    for a in list {
        let n = |v: Option<u32>| v.map(|x| x.to_string()).unwrap_or_default();
        cause.clear();
        let _ = write!(cause, "{}", a.cause);
        w.write_record([
            crate::report::series::rounded_cell(a.time_s, 3).as_str(),
            a.kind.as_str(),
            a.service.as_deref().unwrap_or_default(),
            a.capacity_provider.as_deref().unwrap_or_default(),
            n(a.from).as_str(),
            n(a.to).as_str(),
            cause.as_str(),
        ])?;
    }
    w.flush()
}
