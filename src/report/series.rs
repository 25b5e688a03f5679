//! Tidy CSV tables written while the simulation runs (timeseries.csv, metrics.csv), so memory
//! never grows with services × minutes. With an output folder each table streams into a hidden
//! temporary file there, renamed into place only when the whole report is written; without
//! one (tests, the library) it is kept in memory.

use crate::model::autoscale::MetricRow;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The tables streamed while a run goes on.
pub const STREAMED: [&str; 3] = ["timeseries.csv", "metrics.csv", "capacity.csv"];

fn partial_name(name: &str) -> String {
    format!(".{name}.partial-{}", std::process::id())
}

/// Removes this process's unfinished streamed tables from `dir` (after a failed run or write),
/// so an output folder never keeps a half-written file.
pub fn remove_partials(dir: &Path) {
    for name in STREAMED {
        let _ = std::fs::remove_file(dir.join(partial_name(name)));
    }
}

/// Where a table's bytes go.
#[derive(Debug)]
pub enum Sink {
    /// In memory.
    Memory(Vec<u8>),
    /// A temporary file in the output folder.
    File {
        /// The temporary file.
        tmp: PathBuf,
        /// Its writer.
        w: BufWriter<File>,
    },
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Memory(v) => v.write(buf),
            Sink::File { w, .. } => w.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Memory(_) => Ok(()),
            Sink::File { w, .. } => w.flush(),
        }
    }
}

/// A finished table.
#[derive(Debug, Clone)]
pub enum Finished {
    /// Its bytes.
    Memory(Vec<u8>),
    /// A complete temporary file, to be renamed into place.
    Temp(PathBuf),
}

/// Appends the decimal digits of `v` to `out` (no formatting machinery: this runs for every
/// cell of the streamed tables).
pub fn push_u64(out: &mut String, v: u64) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// Appends `v` rounded to 3 decimals, trailing zeros trimmed (`12`, `0.5`, `80.433`), to `out`
/// without allocating; nothing for a value that is not finite.
///
/// ```
/// let mut s = String::new();
/// ecsim::report::series::push_num(&mut s, 80.4329);
/// s.push(' ');
/// ecsim::report::series::push_num(&mut s, -0.0004);
/// s.push(' ');
/// ecsim::report::series::push_num(&mut s, 12.5);
/// s.push(' ');
/// ecsim::report::series::push_num(&mut s, 0.05);
/// assert_eq!(s, "80.433 0 12.5 0.05");
/// ```
pub fn push_num(out: &mut String, v: f64) {
    push_places(out, v, 3);
}

/// `v` with at most `places` (1–9) decimals, trailing zeros trimmed (see [`push_num`]).
///
/// ```
/// let mut s = String::new();
/// ecsim::report::series::push_places(&mut s, 0.04937, 6);
/// assert_eq!(s, "0.04937");
/// ```
pub fn push_places(out: &mut String, v: f64, places: u32) {
    if !v.is_finite() {
        return;
    }
    let scale = 10u64.pow(places);
    let r = (v * scale as f64).round();
    if r.abs() >= 9.0e18 {
        let _ = write!(out, "{v}");
        return;
    }
    let r = r as i64;
    if r < 0 {
        out.push('-');
    }
    let a = r.unsigned_abs();
    push_u64(out, a / scale);
    let mut frac = a % scale;
    if frac != 0 {
        let mut digits = places as usize;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        out.push('.');
        for _ in 0..digits - decimal_len(frac) {
            out.push('0');
        }
        push_u64(out, frac);
    }
}

fn decimal_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

/// Appends `v` as a CSV field, quoted as the csv crate quotes with its defaults (when it holds
/// a comma, a double quote, CR or LF; quotes doubled), so files read back with any CSV reader.
///
/// ```
/// let mut s = String::new();
/// ecsim::report::series::push_text(&mut s, "web");
/// s.push(',');
/// ecsim::report::series::push_text(&mut s, "m1, \"m2\"");
/// assert_eq!(s, "web,\"m1, \"\"m2\"\"\"");
/// ```
pub fn push_text(out: &mut String, v: &str) {
    if !v.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        out.push_str(v);
        return;
    }
    out.push('"');
    for c in v.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

/// The columns of metrics.csv (`ecsim explain` reads them back by these names).
pub const METRICS_HEADER: [&str; 9] = [
    "time_s",
    "published_s",
    "service",
    "policy",
    "metric",
    "value",
    "target",
    "scale_in_threshold",
    "alarm",
];

/// One row being built into the table's reused line buffer: numbers are formatted straight
/// into it (they never need quoting), text is quoted only when needed.
pub struct Row<'a> {
    line: &'a mut String,
    first: bool,
}

impl Row<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.line.push(',');
        }
        self.first = false;
    }
    /// A text field (quoted by CSV rules when needed).
    pub fn text(&mut self, v: &str) -> &mut Self {
        self.sep();
        push_text(self.line, v);
        self
    }
    /// A number, 3 decimals at most; an empty field for None or a non-finite value.
    pub fn num(&mut self, v: Option<f64>) -> &mut Self {
        self.sep();
        if let Some(v) = v {
            push_num(self.line, v);
        }
        self
    }
    /// A number with six decimals (USD).
    pub fn num6(&mut self, v: f64) -> &mut Self {
        self.sep();
        push_places(self.line, v, 6);
        self
    }
    /// An integer.
    pub fn int(&mut self, v: u64) -> &mut Self {
        self.sep();
        push_u64(self.line, v);
        self
    }
}

/// One CSV table being written.
#[derive(Debug)]
pub struct Table {
    /// The file name it becomes (e.g. `timeseries.csv`).
    pub name: &'static str,
    sink: Sink,
    line: String,
    error: Option<io::Error>,
}

impl Table {
    /// A table named `name` with `header`, streaming into `dir` when given.
    pub fn new(name: &'static str, header: &[String], dir: Option<&Path>) -> io::Result<Table> {
        let sink = match dir {
            Some(d) => {
                std::fs::create_dir_all(d)?;
                let tmp = d.join(partial_name(name));
                let f = File::create(&tmp)?;
                Sink::File {
                    tmp,
                    w: BufWriter::with_capacity(1 << 16, f),
                }
            }
            None => Sink::Memory(Vec::new()),
        };
        let mut t = Table {
            name,
            sink,
            line: String::new(),
            error: None,
        };
        t.row(header);
        Ok(t)
    }

    /// Appends a row of text fields (the first write error is kept and reported by
    /// [`Table::finish`]).
    pub fn row(&mut self, fields: &[String]) {
        self.row_with(|r| {
            for f in fields {
                r.text(f);
            }
        });
    }

    /// Appends a row built field by field by `f`.
    pub fn row_with(&mut self, f: impl FnOnce(&mut Row)) {
        if self.error.is_some() {
            return;
        }
        self.line.clear();
        let mut r = Row {
            line: &mut self.line,
            first: true,
        };
        f(&mut r);
        self.line.push('\n');
        if let Err(e) = self.sink.write_all(self.line.as_bytes()) {
            self.error = Some(e);
        }
    }

    /// Flushes and closes the table.
    pub fn finish(mut self) -> io::Result<Finished> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.sink.flush()?;
        match self.sink {
            Sink::Memory(v) => Ok(Finished::Memory(v)),
            Sink::File { tmp, w } => {
                let f = w.into_inner().map_err(|e| e.into_error())?;
                f.sync_all()?;
                Ok(Finished::Temp(tmp))
            }
        }
    }
}

/// The tables a run streams.
#[derive(Debug, Default)]
pub struct Series {
    /// timeseries.csv.
    pub timeseries: Option<Table>,
    /// metrics.csv.
    pub metrics: Option<Table>,
    /// capacity.csv.
    pub capacity: Option<Table>,
    /// The provider columns of timeseries.csv: indexes into the per-provider counts
    /// (providers, then launch type FARGATE, then launch type EC2).
    pub columns: Vec<usize>,
    /// The first error opening a table.
    pub error: Option<(PathBuf, io::Error)>,
    /// The chart series, when charts are drawn (see [`crate::report::chartdata`]).
    pub charts: Option<crate::report::chartdata::ChartData>,
}

impl Series {
    /// Opens the tables; `providers` are the provider names, `launch_types` which of launch
    /// type FARGATE / EC2 any service uses.
    pub fn open(dir: Option<&Path>, providers: &[String], launch_types: (bool, bool)) -> Series {
        let mut header: Vec<String> = [
            "time_s",
            "service",
            "offered_rps",
            "served_rps",
            "desired",
            "running",
            "healthy",
            "pending",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut columns = Vec::new();
        for (n, p) in providers.iter().enumerate() {
            header.push(format!("tasks_{p}"));
            columns.push(n);
        }
        let np = providers.len();
        if launch_types.0 {
            header.push("tasks_launchType:FARGATE".into());
            columns.push(np);
        }
        if launch_types.1 {
            header.push("tasks_launchType:EC2".into());
            columns.push(np + 1);
        }
        let mheader: Vec<String> = METRICS_HEADER.iter().map(|s| s.to_string()).collect();
        let mut s = Series {
            columns,
            ..Series::default()
        };
        match Table::new("timeseries.csv", &header, dir) {
            Ok(t) => s.timeseries = Some(t),
            Err(e) => s.error = Some((dir.unwrap_or(Path::new(".")).join("timeseries.csv"), e)),
        }
        match Table::new("metrics.csv", &mheader, dir) {
            Ok(t) => s.metrics = Some(t),
            Err(e) => {
                s.error
                    .get_or_insert((dir.unwrap_or(Path::new(".")).join("metrics.csv"), e));
            }
        }
        let cheader: Vec<String> = [
            "time_s",
            "capacity_provider",
            "instances",
            "tasks",
            "reserved_cpu_units",
            "reserved_memory_mib",
            "used_cpu_units",
            "used_memory_mib",
            "cumulative_cost_usd",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        match Table::new("capacity.csv", &cheader, dir) {
            Ok(t) => s.capacity = Some(t),
            Err(e) => {
                s.error
                    .get_or_insert((dir.unwrap_or(Path::new(".")).join("capacity.csv"), e));
            }
        }
        s
    }

    /// Appends a metrics.csv row.
    pub fn metric_row(&mut self, service: &str, r: &MetricRow) {
        if let Some(c) = &mut self.charts {
            c.metric(service, r);
        }
        if let Some(t) = &mut self.metrics {
            t.row_with(|row| {
                row.int(r.period_start_s)
                    .num(Some(r.published_s))
                    .text(service)
                    .text(r.policy)
                    .text(r.metric)
                    .num(r.value)
                    .num(Some(r.target))
                    .num(r.scale_in_threshold)
                    .text(r.alarm);
            });
        }
    }

    /// Closes every table: (file name, contents) or the first error.
    pub fn finish(self) -> Result<Vec<(&'static str, Finished)>, (PathBuf, io::Error)> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mut out = Vec::new();
        for t in [self.timeseries, self.metrics, self.capacity]
            .into_iter()
            .flatten()
        {
            let name = t.name;
            out.push((name, t.finish().map_err(|e| (PathBuf::from(name), e))?));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod quoting_tests {
    use super::*;

    #[test]
    fn text_fields_are_quoted_exactly_as_the_csv_crate_quotes_them() {
        let fields = [
            "web",
            "",
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "cr\rhere",
            "m1 / m2",
            "ümlaut, ok",
            " spaced ",
        ];
        let header: Vec<String> = (0..fields.len()).map(|i| format!("h{i}")).collect();
        let mut t = Table::new("t.csv", &header, None).expect("in memory");
        t.row_with(|r| {
            for f in fields {
                r.text(f);
            }
        });
        let Ok(Finished::Memory(ours)) = t.finish() else {
            panic!("in memory")
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&header).unwrap();
        w.write_record(fields).unwrap();
        let theirs = w.into_inner().unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap()
        );
    }
}
