//! Tidy CSV tables written while the simulation runs (timeseries.csv, metrics.csv), so memory
//! never grows with services × minutes. With an output folder each table streams into a hidden
//! partial file there ([`crate::outdir::Partial`]), renamed into place only when the whole
//! report is written; without one (tests, the library) it is kept in memory.

use crate::model::observe::Datapoint;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The tables streamed while a run goes on.
pub const STREAMED: [&str; 3] = ["timeseries.csv", "metrics.csv", "capacity.csv"];

/// Removes this process's unfinished streamed tables from `dir` (after a failed run or write),
/// so an output folder never keeps a half-written file.
pub fn remove_partials(dir: &Path) {
    for name in STREAMED {
        crate::outdir::remove_partial(dir, name);
    }
}

/// Where a table's bytes go.
#[derive(Debug)]
pub enum Sink {
    /// In memory.
    Memory(Vec<u8>),
    /// A hidden partial file in the output folder ([`crate::outdir::Partial`]).
    File(crate::outdir::Partial),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Memory(v) => v.write(buf),
            Sink::File(p) => p.write(buf),
        }
    }
    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Memory(v) => v.write_all(buf),
            Sink::File(p) => p.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Memory(_) => Ok(()),
            Sink::File(p) => p.flush(),
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

/// Appends a float column's value to `out`: the shortest decimal that reads back as the same
/// `f64` (ryu, as serde_json writes JSON numbers), always with a decimal point or an exponent
/// (`5.0`, `143.141`, `1e21`), so that a float column never looks like an integer one; `-0` is
/// written `0.0`; nothing for a value that is not finite (an empty cell). The one rule for every
/// float ecsim writes into a CSV file (integer columns are written by [`push_u64`]).
///
/// ```
/// let mut s = String::new();
/// for v in [5.0, 143.141, 0.1 + 0.2, -0.0, 1e21, 2.5e-7] {
///     ecsim::report::series::push_float(&mut s, v);
///     s.push(' ');
/// }
/// assert_eq!(s, "5.0 143.141 0.30000000000000004 0.0 1e21 2.5e-7 ");
/// ```
pub fn push_float(out: &mut String, v: f64) {
    if !v.is_finite() {
        return;
    }
    // -0.0 + 0.0 is +0.0; every other value is unchanged.
    out.push_str(ryu::Buffer::new().format_finite(v + 0.0));
}

/// Appends `v` rounded to `places` (at most 9) decimals (the column's documented precision, as report.json
/// rounds) by [`push_float`]'s rule: the rounded value's shortest digits, so `80.4329` at 3
/// places is `80.433`, a sum such as `26.92 + 116.221` (`143.14100000000002` in binary) is
/// `143.141`, and a whole number keeps its `.0`.
///
/// ```
/// let mut s = String::new();
/// for v in [80.4329, 26.92 + 116.221, -0.0004, 12.0, 0.05] {
///     ecsim::report::series::push_rounded(&mut s, v, 3);
///     s.push(' ');
/// }
/// assert_eq!(s, "80.433 143.141 0.0 12.0 0.05 ");
/// ```
pub fn push_rounded(out: &mut String, v: f64, places: u32) {
    if !v.is_finite() {
        return;
    }
    // The rounded value is n / 10^places. While n has at most 15 digits, that decimal (trailing
    // zeros trimmed) is the shortest that reads back as `round(v, places)`: two different
    // decimals of at most 15 significant digits never read as the same f64. Its digits are
    // written from the integer n (this runs for every cell of the streamed tables); beyond, ryu.
    let scale = 10u64.pow(places.min(9));
    let n = crate::util::round::round(v * scale as f64);
    if n.abs() >= 1e15 {
        push_float(out, round(v, places));
        return;
    }
    let n = n as i64;
    if n < 0 {
        out.push('-');
    }
    let a = n.unsigned_abs();
    push_u64(out, a / scale);
    out.push('.');
    let mut frac = a % scale;
    if frac == 0 {
        out.push('0');
        return;
    }
    let mut digits = places.min(9) as usize;
    while frac.is_multiple_of(10) {
        frac /= 10;
        digits -= 1;
    }
    for _ in 0..digits - decimal_len(frac) {
        out.push('0');
    }
    push_u64(out, frac);
}

/// The number of decimal digits of `v`.
fn decimal_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

/// `v` rounded to `places` (at most 9) decimals: the `f64` nearest to the rounded decimal (so its shortest
/// digits are that decimal's). A value too large to have `places` decimals in an `f64` (its
/// scaled magnitude beyond 2^52) is returned as it is.
pub fn round(v: f64, places: u32) -> f64 {
    let scale = 10u64.pow(places.min(9)) as f64;
    let scaled = v * scale;
    if !scaled.is_finite() || scaled.abs() >= 4_503_599_627_370_496.0 {
        return v;
    }
    crate::util::round::round(scaled) / scale
}

/// [`push_float`] into a new string (for writers that build cells as strings).
pub fn float_cell(v: f64) -> String {
    let mut s = String::new();
    push_float(&mut s, v);
    s
}

/// [`push_rounded`] into a new string.
pub fn rounded_cell(v: f64, places: u32) -> String {
    let mut s = String::new();
    push_rounded(&mut s, v, places);
    s
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
    /// A float rounded to 3 decimals ([`push_rounded`]); an empty field for None or a
    /// non-finite value.
    pub fn num(&mut self, v: Option<f64>) -> &mut Self {
        self.sep();
        if let Some(v) = v {
            push_rounded(self.line, v, 3);
        }
        self
    }
    /// A float rounded to 6 decimals (USD).
    pub fn num6(&mut self, v: f64) -> &mut Self {
        self.sep();
        push_rounded(self.line, v, 6);
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
            Some(d) => Sink::File(crate::outdir::Partial::create(d, name)?),
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
            Sink::File(p) => Ok(Finished::Temp(p.finish()?)),
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
    pub fn metric_row(&mut self, r: &Datapoint) {
        if let Some(t) = &mut self.metrics {
            t.row_with(|row| {
                row.int(r.period_start_s)
                    .num(Some(r.published_s))
                    .text(r.service)
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

#[cfg(test)]
mod number_tests {
    use super::*;
    use proptest::prelude::*;

    /// Rust's shortest round-trip digits of `v` (`{}` never uses an exponent), with `.0` for a
    /// whole number: what a rounded cell must read.
    fn shortest(v: f64) -> String {
        let s = format!("{}", v + 0.0);
        if s.contains('.') { s } else { s + ".0" }
    }

    #[test]
    fn rounded_cells_examples() {
        // 0.0005 at 3 places rounds away from zero to 0.001; −0.0004 to 0 (no sign); 1e-6 at 6
        // places is written out, not as an exponent; 2^53 at 3 places is beyond 15 digits: ryu.
        assert_eq!(rounded_cell(0.0005, 3), "0.001");
        assert_eq!(rounded_cell(-0.0004, 3), "0.0");
        assert_eq!(rounded_cell(-2.5, 3), "-2.5");
        assert_eq!(rounded_cell(0.000001, 6), "0.000001");
        assert_eq!(
            rounded_cell(9_007_199_254_740_992.0, 3),
            "9007199254740992.0"
        );
        assert_eq!(rounded_cell(f64::NAN, 3), "");
        assert_eq!(float_cell(f64::INFINITY), "");
    }

    proptest! {
        // 2,000 values from a fixed seed (reproducible in CI).
        #![proptest_config(ProptestConfig {
            cases: 2000,
            rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_202),
            ..ProptestConfig::default()
        })]

        // The integer fast path writes exactly the shortest digits of the rounded value, and
        // they read back as it.
        #[test]
        fn rounded_cells_are_the_shortest_digits_of_the_rounded_value(
            v in -1.0e12f64..1.0e12,
            places in prop::sample::select(vec![3u32, 4, 6]),
        ) {
            let cell = rounded_cell(v, places);
            prop_assert_eq!(&cell, &shortest(round(v, places)));
            prop_assert_eq!(cell.parse::<f64>().unwrap(), round(v, places) + 0.0);
        }
    }
}
