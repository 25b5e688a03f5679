//! The report layer's [`Observer`]: what a run records for its report while it goes on. Each
//! closed minute becomes timeseries.csv rows (one per service, batch job streams excluded) and
//! capacity.csv rows (one per capacity provider and launch type in use) streamed by
//! [`Series`], and is folded into the chart series ([`ChartData`]) when charts are drawn; each
//! evaluated datapoint becomes a metrics.csv row (and a chart point); activities and explained
//! placements are kept for the report ([`super::build`]). Per minute the work is
//! O(services + providers).

use super::chartdata::ChartData;
use super::series::Series;
use crate::ids::ServiceId;
use crate::model::activity::Activity;
use crate::model::observe::{Datapoint, Minute, Observer};
use crate::model::world::PlacementRecord;
use crate::scenario::{LaunchType, Scenario, ServiceCapacity};
use std::path::Path;

/// What a [`Recorder`] records.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recording<'a> {
    /// Stream the CSV tables into this folder (as hidden partial files that
    /// [`super::write_all`] puts in place); None keeps them in memory.
    pub out_dir: Option<&'a Path>,
    /// Write the CSV tables (timeseries, metrics, capacity) at all.
    pub tables: bool,
    /// Record the chart series.
    pub charts: bool,
    /// Keep the placement explanations (the world must be built with `explain` to send any).
    pub placements: bool,
}

/// The report layer's observer (see the module's documentation).
#[derive(Debug)]
pub struct Recorder {
    /// The streamed CSV tables.
    pub series: Series,
    /// The chart series, when charts are drawn.
    pub charts: Option<ChartData>,
    /// The activity log, in time order.
    pub activities: Vec<Activity>,
    /// The placement explanations, when kept.
    pub placements: Option<Vec<PlacementRecord>>,
    /// Scratch per capacity bucket, reused every minute: a service's tasks there.
    tasks: Vec<u32>,
    /// Scratch per capacity bucket: CPU units and MiB used in the minute.
    used: Vec<(f64, f64)>,
}

impl Recorder {
    /// A recorder for a run of `sc`, opening its tables (an error opening one is reported when
    /// the report is built).
    pub fn new(sc: &Scenario, what: Recording) -> Recorder {
        let launch_types = (
            sc.services
                .iter()
                .any(|s| s.capacity == ServiceCapacity::LaunchType(LaunchType::Fargate)),
            sc.services
                .iter()
                .any(|s| s.capacity == ServiceCapacity::LaunchType(LaunchType::Ec2)),
        );
        let provider_names: Vec<String> = sc.providers.iter().map(|p| p.name.clone()).collect();
        let mut series = Series::open(what.out_dir, &provider_names, launch_types);
        if !what.tables {
            series.timeseries = None;
            series.metrics = None;
            series.capacity = None;
        }
        let charts = what.charts.then(|| ChartData::new(sc, &series.columns));
        let buckets = sc.providers.len() + 2;
        Recorder {
            series,
            charts,
            activities: Vec::new(),
            placements: what.placements.then(Vec::new),
            tasks: vec![0; buckets],
            used: vec![(0.0, 0.0); buckets],
        }
    }

    /// timeseries.csv and capacity.csv rows for the minute: per service its counts and tasks
    /// per provider column; per capacity bucket in use its instances, the tasks holding capacity
    /// on it, their reserved CPU and memory, what they used in the minute (each service's
    /// average use split over its buckets by its active tasks there) and its cost so far.
    fn tables(&mut self, m: &Minute<'_>) {
        let Recorder {
            series,
            tasks,
            used,
            ..
        } = self;
        let Series {
            timeseries,
            capacity,
            columns,
            ..
        } = series;
        if timeseries.is_none() && capacity.is_none() {
            return;
        }
        let time = m.end();
        used.fill((0.0, 0.0));
        for s in 0..m.service_count() {
            let sm = m.service(ServiceId::new(s));
            let row = timeseries.is_some() && !sm.job;
            let share = capacity.is_some() && sm.active > 0;
            if !row && !share {
                continue;
            }
            if row {
                tasks.fill(0);
            }
            for (b, n) in m.service_tasks(ServiceId::new(s)) {
                if row {
                    tasks[b] += n;
                }
                if share {
                    let share = f64::from(n) / f64::from(sm.active);
                    used[b].0 += sm.used_cpu_units * share;
                    used[b].1 += sm.used_memory_mib * share;
                }
            }
            if row && let Some(table) = timeseries {
                table.row_with(|row| {
                    row.int(time / 1000)
                        .text(sm.name)
                        .num(Some(sm.offered / 60.0))
                        .num(Some(sm.served / 60.0))
                        .int(u64::from(sm.desired))
                        .int(u64::from(sm.running))
                        .int(u64::from(sm.healthy))
                        .int(u64::from(sm.pending));
                    for &c in columns.iter() {
                        row.int(u64::from(tasks[c]));
                    }
                });
            }
        }
        let Some(table) = capacity else {
            return;
        };
        let np = m.fargate_bucket();
        for &b in columns.iter() {
            let bucket = m.bucket(b);
            let name = if b < np {
                m.scenario().providers[b].name.as_str()
            } else if b == np {
                "launchType:FARGATE"
            } else {
                "launchType:EC2"
            };
            table.row_with(|row| {
                row.int(time / 1000)
                    .text(name)
                    .int(bucket.instances)
                    .int(bucket.tasks)
                    .int(bucket.reserved_cpu_units)
                    .int(bucket.reserved_memory_mib)
                    .num(Some(used[b].0))
                    .num(Some(used[b].1))
                    .num6(bucket.cumulative_cost_usd);
            });
        }
    }
}

impl Observer for Recorder {
    fn minute(&mut self, m: &Minute<'_>) {
        self.tables(m);
        if let Some(c) = &mut self.charts {
            c.minute(m);
        }
    }

    fn datapoint(&mut self, d: &Datapoint<'_>) {
        if let Some(c) = &mut self.charts {
            c.metric(d);
        }
        self.series.metric_row(d);
    }

    fn activity(&mut self, a: Activity) {
        self.activities.push(a);
    }

    fn placement(&mut self, r: PlacementRecord) {
        if let Some(list) = &mut self.placements {
            list.push(r);
        }
    }
}
