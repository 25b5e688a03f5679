//! Writing a run's output set: report.json, summary.txt, activities.csv, report.html, the
//! charts and placements.json, with the streamed tables, through [`crate::outdir`].

use super::types::Report;
use super::{charts, html, series, summary};
use crate::model::activity::Activity;
use crate::outdir::OutDir;
use std::fmt::Write as _;
use std::io::Write as _;

/// A file being staged: its buffered writer ([`crate::outdir::stage_with`]).
type Staged = std::io::BufWriter<std::fs::File>;

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
            Box::new(|w: &mut Staged| {
                serde_json::to_writer_pretty(&mut *w, report).map_err(std::io::Error::from)?;
                w.write_all(b"\n")
            }) as Box<dyn FnOnce(&mut Staged) -> std::io::Result<()>>,
        ),
        (
            "activities.csv",
            Box::new(|w: &mut Staged| write_activities_csv(w, &report.activities)),
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
pub fn write_activities_csv<W: std::io::Write>(out: W, list: &[Activity]) -> std::io::Result<()> {
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
