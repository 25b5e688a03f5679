//! The summary as text: its parts ([`tables`]: titled tables and notes, also shown by
//! report.html), the printed summary ([`summary`], also summary.txt) and the aligned text table
//! every command prints ([`table`]).

use super::types::Report;
use std::collections::BTreeMap;
use std::fmt::Write as _;

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

/// One part of the summary, rendered as text by [`summary`] and as HTML by
/// [`super::html`].
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
