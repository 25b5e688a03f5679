//! A sweep's files: `grid.json` (what the sweep is, so a resume or a merge can check it continues
//! the same grid), the `results.csv` append log with a checksum on every row, and the
//! deterministic tables made from it at the end (`results-sorted.csv`, `summary.csv`,
//! `summary.json`, the printed table).
//!
//! `results.csv`: a header, then one row per finished run in finishing order:
//! `variant,<one column per --vary path>,seed,<every run::METRICS column>,check`. `variant` is
//! the variant's index in the grid, each axis column its value as [`grid::show`] prints it
//! (JSON when that would hold a line break), and `check` is the FNV-1a 64-bit hash of the row's
//! bytes before its last comma, as 16 lowercase hex digits. A row counts only when it ends with a
//! line feed and its check matches, so a torn or partial last line is never read as a result.
//!
//! ```
//! use ecsim::sweep::grid::Grid;
//! use ecsim::sweep::results::{parse_row, row_line};
//! let g = Grid::new(vec!["s".into()], vec![], 1, 2).unwrap();
//! let line = row_line(&g, 0, 2, &[1.5; 14]);
//! assert!(line.starts_with("0,2,1.5,"));
//! assert_eq!(parse_row(&g, line.trim_end()).unwrap().seed, 2);
//! // One changed byte (1.5 → 1.6 in the first metric) and the row no longer counts.
//! let bad = line.replacen("1.5", "1.6", 1);
//! assert!(parse_row(&g, bad.trim_end()).is_err());
//! ```
//!
//! [`grid::show`]: super::grid::show

use super::grid::{Axis, Grid, GridError, show};
use super::run::METRICS;
use super::stats::Summary;
use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The schema name of `grid.json`.
pub const GRID_SCHEMA: &str = "ecsim.sweep-grid/1";
/// The schema name of `summary.json`.
pub const SUMMARY_SCHEMA: &str = "ecsim.sweep-summary/1";

/// FNV-1a, 64 bits.
///
/// ```
/// // The published test vectors: "" and "a".
/// assert_eq!(ecsim::sweep::results::fnv1a64(b""), 0xcbf29ce484222325);
/// assert_eq!(ecsim::sweep::results::fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
/// ```
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Which part of the grid a folder holds: shard `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

/// `grid.json`: what a sweep folder holds results of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridFile {
    /// [`GRID_SCHEMA`].
    pub schema: String,
    /// The ecsim version that ran it (results of another version may differ).
    pub ecsim_version: String,
    /// The scenario's name (from the file).
    pub scenario_name: String,
    /// The scenarios as given on the command line.
    pub scenarios: Vec<String>,
    /// The `--vary` axes.
    pub axes: Vec<Axis>,
    /// The first seed.
    pub seed: u64,
    /// How many seeds.
    pub seeds: u64,
    /// The `--set` assignments and `--duration`, as `path=compact JSON`, in order.
    pub sets: Vec<String>,
    /// FNV-1a 64 of the scenario texts and `sets` (16 hex digits): the same file and
    /// assignments, the same fingerprint.
    pub fingerprint: String,
    /// The metric columns.
    pub metrics: Vec<String>,
    /// The shard this folder runs, None for the whole grid.
    pub shard: Option<Shard>,
    /// Points in this folder's part of the grid.
    pub points: usize,
    /// The variants' labels, by index.
    pub variants: Vec<String>,
    /// For `ecsim merge` output: the folders merged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
}

/// The fingerprint of scenario texts and canonical assignments.
pub fn fingerprint(texts: &[&str], sets: &[String]) -> String {
    let mut bytes = b"ecsim-sweep-fingerprint/1\0".to_vec();
    for t in texts {
        bytes.extend_from_slice(t.as_bytes());
        bytes.push(0);
    }
    bytes.push(1);
    for s in sets {
        bytes.extend_from_slice(s.as_bytes());
        bytes.push(0);
    }
    format!("{:016x}", fnv1a64(&bytes))
}

impl GridFile {
    /// The grid it describes (variants rebuilt from scenarios, axes and seeds), checked as a
    /// command line's is ([`Grid::new`]).
    pub fn grid(&self) -> Result<Grid, GridError> {
        Grid::new(
            self.scenarios.clone(),
            self.axes.clone(),
            self.seed,
            self.seeds,
        )
    }

    /// What differs between `self` (here) and `other` (there), one phrase each; the shard too
    /// when `with_shard`. Empty when they describe the same grid.
    pub fn differences(&self, other: &GridFile, with_shard: bool) -> Vec<String> {
        let mut out = Vec::new();
        let j = |v: &Vec<String>| serde_json::to_string(v).expect("strings serialize");
        if self.scenarios != other.scenarios {
            out.push(format!(
                "scenarios: {} vs {}",
                j(&self.scenarios),
                j(&other.scenarios)
            ));
        }
        if self.axes != other.axes {
            let show_axes = |g: &GridFile| {
                g.axes
                    .iter()
                    .map(|a| format!("{}={}", a.path, serde_json::Value::Array(a.values.clone())))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            out.push(format!(
                "--vary axes: `{}` vs `{}`",
                show_axes(self),
                show_axes(other)
            ));
        }
        if self.seed != other.seed {
            out.push(format!("first seed: {} vs {}", self.seed, other.seed));
        }
        if self.seeds != other.seeds {
            out.push(format!("--seeds: {} vs {}", self.seeds, other.seeds));
        }
        if self.sets != other.sets {
            out.push(format!(
                "--set / --duration: {} vs {}",
                j(&self.sets),
                j(&other.sets)
            ));
        }
        if self.fingerprint != other.fingerprint && self.sets == other.sets {
            out.push(format!(
                "scenario text (fingerprint {} vs {}): the file changed",
                self.fingerprint, other.fingerprint
            ));
        }
        if self.metrics != other.metrics {
            out.push("metric columns differ".to_string());
        }
        if self.ecsim_version != other.ecsim_version {
            out.push(format!(
                "ecsim version: {} vs {}",
                self.ecsim_version, other.ecsim_version
            ));
        }
        if with_shard && self.shard != other.shard {
            let s = |s: &Option<Shard>| match s {
                Some(s) => format!("--shard {}/{}", s.index, s.count),
                None => "no --shard".to_string(),
            };
            out.push(format!("{} vs {}", s(&self.shard), s(&other.shard)));
        }
        out
    }

    /// Reads `dir/grid.json` and checks it as user input (a folder's files can be damaged or
    /// edited): its schema, then every number against what it sizes — the seed range and the
    /// variants as [`Grid::new`] checks a command line's, the shard (`index` < `count`), the
    /// point count and the variant labels against the grid they describe. Returns the file and
    /// its grid; every problem is exit 2 naming the file and the field.
    pub fn read(dir: &Path) -> Result<(GridFile, Grid), Error> {
        let path = dir.join("grid.json");
        let file = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::invalid(
                &file,
                "",
                format!("cannot read it ({e}): is this a sweep's output folder?"),
            )
        })?;
        let mut de = serde_json::Deserializer::from_str(&text);
        let g: GridFile = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            let message = inner.to_string();
            // serde_json ends its message with the position, which the problem shows itself.
            let plain = message.split(" at line ").next().unwrap_or(&message);
            Error::Invalid(vec![crate::Problem {
                file: file.clone(),
                pos: Some((inner.line().max(1), inner.column().max(1))),
                path: if field == "." { String::new() } else { field },
                message: format!("not a sweep's grid.json: {plain}"),
            }])
        })?;
        if g.schema != GRID_SCHEMA {
            return Err(Error::invalid(
                &file,
                "schema",
                format!("`{}`, expected `{GRID_SCHEMA}`", g.schema),
            ));
        }
        let grid = g.grid().map_err(|e| {
            let field = match e {
                GridError::Seeds(_) => "seeds",
                GridError::Variants(_) => "axes",
            };
            Error::invalid(&file, field, e.message())
        })?;
        let points = match g.shard {
            None => grid.points(),
            Some(s) if s.count >= 1 && s.index < s.count => grid.shard(s.index, s.count),
            Some(s) => {
                return Err(Error::invalid(
                    &file,
                    "shard",
                    format!(
                        "index {} of count {}: expected 0 ≤ index < count",
                        s.index, s.count
                    ),
                ));
            }
        };
        if g.points != points.len() {
            return Err(Error::invalid(
                &file,
                "points",
                format!(
                    "{}, but its grid{} holds {} points",
                    g.points,
                    if g.shard.is_some() { "'s shard" } else { "" },
                    points.len()
                ),
            ));
        }
        if g.variants.len() != grid.variants.len() {
            return Err(Error::invalid(
                &file,
                "variants",
                format!(
                    "{} labels, but its scenarios and axes make {} variants",
                    g.variants.len(),
                    grid.variants.len()
                ),
            ));
        }
        Ok((g, grid))
    }

    /// Writes `grid.json` atomically into `out`.
    pub fn write(&self, out: &crate::outdir::OutDir) -> Result<(), Error> {
        let text = serde_json::to_string_pretty(self).expect("grid serializes") + "\n";
        crate::outdir::write_atomic(&out.join("grid.json"), text.as_bytes())
    }
}

/// One finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The variant's index.
    pub variant: usize,
    /// The seed.
    pub seed: u64,
    /// The [`METRICS`] values.
    pub values: Vec<f64>,
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// An axis value as its column shows it: [`show`], or compact JSON (escaped) when [`show`]
/// would hold a control character, so a row is always one line.
pub fn cell(v: &serde_json::Value) -> String {
    let s = show(v);
    if s.chars().any(char::is_control) {
        v.to_string()
    } else {
        s
    }
}

/// The header of `results.csv` (`check` last) or of `results-sorted.csv` (without it).
pub fn header(grid: &Grid, with_check: bool) -> String {
    let mut cols: Vec<String> = vec!["variant".into()];
    cols.extend(grid.axes.iter().map(|a| field(&a.path)));
    cols.push("seed".into());
    cols.extend(METRICS.iter().map(|m| m.to_string()));
    if with_check {
        cols.push("check".into());
    }
    cols.join(",") + "\n"
}

/// A row without its check and line feed.
fn row_body(grid: &Grid, variant: usize, seed: u64, values: &[f64]) -> String {
    let mut cols: Vec<String> = vec![variant.to_string()];
    cols.extend(
        grid.variants[variant]
            .values
            .iter()
            .map(|v| field(&cell(v))),
    );
    cols.push(seed.to_string());
    cols.extend(
        values
            .iter()
            .enumerate()
            .map(|(k, x)| super::run::metric_cell(k, *x)),
    );
    cols.join(",")
}

/// A complete `results.csv` row with its check and line feed.
pub fn row_line(grid: &Grid, variant: usize, seed: u64, values: &[f64]) -> String {
    let body = row_body(grid, variant, seed, values);
    let check = fnv1a64(body.as_bytes());
    format!("{body},{check:016x}\n")
}

/// Reads one `results.csv` line (without its line feed) against `grid`: the check, the number
/// of columns, the variant index and its values, the seed's range, the metrics as numbers.
pub fn parse_row(grid: &Grid, line: &str) -> Result<Row, String> {
    let (body, check) = line
        .rsplit_once(',')
        .ok_or_else(|| "no check column".to_string())?;
    let want = format!("{:016x}", fnv1a64(body.as_bytes()));
    if check != want {
        return Err(format!("bad check `{check}` (the row's bytes give {want})"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes());
    let rec = reader
        .records()
        .next()
        .ok_or_else(|| "empty row".to_string())?
        .map_err(|e| format!("not CSV: {e}"))?;
    let naxes = grid.axes.len();
    let expect = 1 + naxes + 1 + METRICS.len();
    if rec.len() != expect {
        return Err(format!("{} columns, expected {expect}", rec.len()));
    }
    let variant: usize = rec[0]
        .parse()
        .map_err(|_| format!("variant `{}` is not an index", &rec[0]))?;
    let Some(v) = grid.variants.get(variant) else {
        return Err(format!(
            "variant {variant} is not in the grid (0..{})",
            grid.variants.len()
        ));
    };
    for (k, value) in v.values.iter().enumerate() {
        if rec[1 + k] != cell(value) {
            return Err(format!(
                "variant {variant}'s {} is `{}` here but `{}` in the grid",
                grid.axes[k].path,
                &rec[1 + k],
                cell(value)
            ));
        }
    }
    let seed: u64 = rec[1 + naxes]
        .parse()
        .map_err(|_| format!("seed `{}` is not a number", &rec[1 + naxes]))?;
    if seed < grid.seed || seed - grid.seed >= grid.seeds {
        return Err(format!(
            "seed {seed} is outside the grid's {} … {}",
            grid.seed,
            grid.last_seed()
        ));
    }
    let mut values = Vec::with_capacity(METRICS.len());
    for (k, m) in METRICS.iter().enumerate() {
        let s = &rec[2 + naxes + k];
        // A run's metrics are finite (ecsim writes no NaN or infinity): anything else is damage.
        match s.parse::<f64>() {
            Ok(x) if x.is_finite() => values.push(x),
            _ => return Err(format!("{m} `{s}` is not a finite number")),
        }
    }
    Ok(Row {
        variant,
        seed,
        values,
    })
}

/// One line of a `results.csv` after its header.
#[derive(Debug, Clone)]
pub struct Line {
    /// Byte offset of its first byte.
    pub offset: u64,
    /// 1-based line number in the file.
    pub number: usize,
    /// The row, or why it does not count (a missing line feed is "torn").
    pub row: Result<Row, String>,
}

/// Splits `results.csv`'s bytes into rows checked against `grid`. Err when the header is not
/// this grid's (another grid's file, or not a results.csv).
pub fn read_lines(grid: &Grid, bytes: &[u8]) -> Result<Vec<Line>, String> {
    let head = header(grid, true);
    if !bytes.starts_with(head.as_bytes()) {
        let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
        return Err(format!(
            "its header `{}` is not this grid's `{}`",
            String::from_utf8_lossy(first),
            head.trim_end()
        ));
    }
    let mut out = Vec::new();
    let mut offset = head.len();
    let mut number = 1;
    while offset < bytes.len() {
        number += 1;
        let rest = &bytes[offset..];
        let (text, len, complete) = match rest.iter().position(|b| *b == b'\n') {
            Some(i) => (&rest[..i], i + 1, true),
            None => (rest, rest.len(), false),
        };
        let row = if !complete {
            Err("torn: no line feed at its end (the run writing it was stopped)".to_string())
        } else {
            match std::str::from_utf8(text) {
                Ok(t) => parse_row(grid, t),
                Err(_) => Err("not UTF-8".to_string()),
            }
        };
        out.push(Line {
            offset: offset as u64,
            number,
            row,
        });
        offset += len;
    }
    Ok(out)
}

/// `results.csv` as `ecsim merge` writes it: the header and every row sorted by variant and
/// seed, each with its check.
pub fn log_csv(grid: &Grid, rows: &[Row]) -> String {
    let mut s = header(grid, true);
    for r in rows {
        s.push_str(&row_line(grid, r.variant, r.seed, &r.values));
    }
    s
}

/// `results-sorted.csv`: the header and the rows (already sorted), without the check.
pub fn sorted_csv(grid: &Grid, rows: &[Row]) -> String {
    let mut s = header(grid, false);
    for r in rows {
        s.push_str(&row_body(grid, r.variant, r.seed, &r.values));
        s.push('\n');
    }
    s
}

/// Per variant, per metric: the summary over the variant's seeds present in `rows`.
pub fn summaries(grid: &Grid, rows: &[Row]) -> Vec<(usize, Vec<Summary>)> {
    let mut by: BTreeMap<usize, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        by.entry(r.variant).or_default().push(r);
    }
    (0..grid.variants.len())
        .map(|v| {
            let rs = by.get(&v).cloned().unwrap_or_default();
            let sums = (0..METRICS.len())
                .map(|k| Summary::of(&rs.iter().map(|r| r.values[k]).collect::<Vec<_>>()))
                .collect();
            (v, sums)
        })
        .collect()
}

/// A float cell ([`crate::report::series::float_cell`]), empty for None.
fn opt(x: Option<f64>) -> String {
    x.map(crate::report::series::float_cell).unwrap_or_default()
}

/// `summary.csv`: per variant its index, values, n, then `<metric>_mean`, `<metric>_sd`,
/// `<metric>_ci95` (the 95 % half-width; sd and half-width empty for fewer than two seeds).
pub fn summary_csv(grid: &Grid, sums: &[(usize, Vec<Summary>)]) -> String {
    let mut cols: Vec<String> = vec!["variant".into()];
    cols.extend(grid.axes.iter().map(|a| field(&a.path)));
    cols.push("n".into());
    for m in METRICS {
        cols.extend([format!("{m}_mean"), format!("{m}_sd"), format!("{m}_ci95")]);
    }
    let mut s = cols.join(",") + "\n";
    for (v, ss) in sums {
        let mut c: Vec<String> = vec![v.to_string()];
        c.extend(grid.variants[*v].values.iter().map(|x| field(&cell(x))));
        c.push(ss.first().map(|x| x.n).unwrap_or(0).to_string());
        for x in ss {
            c.extend([
                crate::report::series::float_cell(x.mean),
                opt(x.sd),
                opt(x.half_width),
            ]);
        }
        s.push_str(&c.join(","));
        s.push('\n');
    }
    s
}

/// `summary.json`: the grid, and per variant its label, values, n and each metric's mean, sd
/// and 95 % half-width. Keys in sorted order (as a JSON object map writes them). Each variant is
/// serialized as it is reached, from borrowed parts: a 10,000-variant grid builds no tree of
/// JSON values (which took ≈ 30 KB a variant), only the text.
pub fn summary_json(gf: &GridFile, grid: &Grid, sums: &[(usize, Vec<Summary>)]) -> String {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        confidence: f64,
        fingerprint: &'a str,
        scenario_name: &'a str,
        scenarios: &'a [String],
        schema: &'a str,
        seed: u64,
        seeds: u64,
        shard: Option<ShardDoc>,
        variants: Variants<'a>,
    }
    #[derive(serde::Serialize)]
    struct ShardDoc {
        count: usize,
        index: usize,
    }
    struct Variants<'a> {
        grid: &'a Grid,
        sums: &'a [(usize, Vec<Summary>)],
    }
    #[derive(serde::Serialize)]
    struct VariantDoc<'a> {
        label: &'a str,
        metrics: BTreeMap<&'static str, MetricDoc>,
        n: usize,
        values: BTreeMap<&'a str, &'a serde_json::Value>,
        variant: usize,
    }
    #[derive(serde::Serialize)]
    struct MetricDoc {
        ci95_half_width: Option<f64>,
        mean: f64,
        sd: Option<f64>,
    }
    impl serde::Serialize for Variants<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut seq = s.serialize_seq(Some(self.sums.len()))?;
            for (v, ss) in self.sums {
                let var = &self.grid.variants[*v];
                seq.serialize_element(&VariantDoc {
                    label: &var.label,
                    metrics: METRICS
                        .iter()
                        .zip(ss)
                        .map(|(m, x)| {
                            let d = MetricDoc {
                                ci95_half_width: x.half_width,
                                mean: x.mean,
                                sd: x.sd,
                            };
                            (*m, d)
                        })
                        .collect(),
                    n: ss.first().map(|x| x.n).unwrap_or(0),
                    values: self
                        .grid
                        .axes
                        .iter()
                        .zip(&var.values)
                        .map(|(a, x)| (a.path.as_str(), x))
                        .collect(),
                    variant: *v,
                })?;
            }
            seq.end()
        }
    }
    let doc = Doc {
        confidence: 0.95,
        fingerprint: &gf.fingerprint,
        scenario_name: &gf.scenario_name,
        scenarios: &gf.scenarios,
        schema: SUMMARY_SCHEMA,
        seed: gf.seed,
        seeds: gf.seeds,
        shard: gf.shard.map(|x| ShardDoc {
            count: x.count,
            index: x.index,
        }),
        variants: Variants { grid, sums },
    };
    serde_json::to_string_pretty(&doc).expect("summary serializes") + "\n"
}

/// The metrics of the printed table: (column, METRICS index, decimals, scale, unit).
const TABLE: [(&str, &str, usize, f64, &str); 5] = [
    ("cost", "cost_usd", 4, 1.0, "$"),
    ("served", "served_fraction", 3, 100.0, "%"),
    ("s below desired", "seconds_below_desired", 0, 1.0, ""),
    ("instances peak", "instances_peak", 1, 1.0, ""),
    ("interruptions", "interruptions", 1, 1.0, ""),
];

/// The printed summary: the variants' labels, then one line per variant with n and mean ±
/// 95 % half-width of cost, served fraction, seconds below desired, instances peak and
/// interruptions.
pub fn table(grid: &Grid, sums: &[(usize, Vec<Summary>)]) -> String {
    let mut s = String::new();
    s.push_str("Variants\n");
    for v in &grid.variants {
        s.push_str(&format!("  {:>3}  {}\n", v.index, v.label));
    }
    s.push_str("\nMean ± 95 % confidence half-width over seeds\n");
    let mut rows: Vec<Vec<String>> = vec![{
        let mut h = vec!["variant".to_string(), "n".to_string()];
        h.extend(TABLE.iter().map(|t| t.0.to_string()));
        h
    }];
    for (v, ss) in sums {
        let mut r = vec![
            v.to_string(),
            ss.first().map(|x| x.n).unwrap_or(0).to_string(),
        ];
        for (_, metric, dec, scale, unit) in TABLE {
            let k = METRICS.iter().position(|m| *m == metric).expect("a metric");
            let x = ss[k];
            if x.n == 0 {
                r.push("—".into());
                continue;
            }
            let mean = format!("{:.dec$}", x.mean * scale);
            let hw = x
                .half_width
                .map(|h| format!(" ± {:.dec$}", h * scale))
                .unwrap_or_default();
            r.push(match unit {
                "$" => format!("${mean}{hw}"),
                "%" => format!("{mean}{hw} %"),
                _ => format!("{mean}{hw}"),
            });
        }
        rows.push(r);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (x, w))| {
                let pad = w - x.chars().count();
                if c == 0 || i == 0 {
                    format!("{x}{}", " ".repeat(pad))
                } else {
                    format!("{}{x}", " ".repeat(pad))
                }
            })
            .collect();
        s.push_str("  ");
        s.push_str(cells.join("  ").trim_end());
        s.push('\n');
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            s.push_str("  ");
            s.push_str(&rule.join("  "));
            s.push('\n');
        }
    }
    s
}

/// The files of a sweep's (or merge's) folder, summary.json its marker.
pub const SWEEP_SET: [&str; 5] = [
    "grid.json",
    "results.csv",
    "results-sorted.csv",
    "summary.csv",
    "summary.json",
];

/// Starts a sweep's (or merge's) set in `out` ([`crate::outdir::OutDir::begin_set`]): the
/// folder's earlier files that are not a sweep's (a run's, a compare's) are removed, and a
/// finished sweep's summary (which the rows about to come would make stale) goes too.
pub fn begin(out: &crate::outdir::OutDir) -> Result<(), Error> {
    let set = SWEEP_SET.iter().map(|n| n.to_string()).collect();
    out.begin_set(&set, "summary.json")
}

/// Writes `results-sorted.csv`, `summary.csv` and `summary.json` into `out` as one set
/// ([`crate::outdir::OutDir::write_set`], summary.json last, with the grid.json and results.csv
/// already there) from `rows` (sorted here by variant, then seed); returns the per-variant
/// [`summaries`] they were made from (the printed [`table`] is made from them).
pub fn write_tables(
    out: &crate::outdir::OutDir,
    gf: &GridFile,
    grid: &Grid,
    rows: &mut [Row],
) -> Result<Vec<(usize, Vec<Summary>)>, Error> {
    rows.sort_by_key(|r| (r.variant, r.seed));
    let sums = summaries(grid, rows);
    out.write_set(
        "summary.json",
        vec![
            (
                "results-sorted.csv".into(),
                sorted_csv(grid, rows).into_bytes(),
            ),
            ("summary.csv".into(), summary_csv(grid, &sums).into_bytes()),
            (
                "summary.json".into(),
                summary_json(gf, grid, &sums).into_bytes(),
            ),
        ],
        Vec::new(),
        &SWEEP_SET[..2],
    )?;
    Ok(sums)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn grid() -> Grid {
        Grid::new(
            vec!["s".into()],
            vec![Axis {
                path: "services.web.placementStrategy".into(),
                values: vec![json!([{"type": "random"}]), json!("a\nb")],
            }],
            10,
            3,
        )
        .unwrap()
    }

    #[test]
    fn rows_round_trip_with_quoted_values() {
        let g = grid();
        // Values a row keeps exactly: k + 0.25 in the float columns (at most 3 decimals), k in
        // the counts.
        let vals: Vec<f64> = (0..METRICS.len())
            .map(|k| match super::super::run::PLACES[k] {
                Some(_) => k as f64 + 0.25,
                None => k as f64,
            })
            .collect();
        let line = row_line(&g, 0, 11, &vals);
        // The JSON array holds commas and quotes: quoted, quotes doubled. Then the seed and
        // cost_usd, 0 + 0.25.
        assert!(line.starts_with("0,\"[{\"\"type\"\":\"\"random\"\"}]\",11,0.25,"));
        let r = parse_row(&g, line.trim_end()).unwrap();
        assert_eq!((r.variant, r.seed), (0, 11));
        assert_eq!(r.values, vals);
        // A string with a line break is shown as JSON, so the row stays one line.
        let line = row_line(&g, 1, 12, &vals);
        assert_eq!(line.matches('\n').count(), 1);
        assert!(parse_row(&g, line.trim_end()).is_ok());
    }

    #[test]
    fn float_columns_have_their_digits_and_a_point_counts_are_integers() {
        let g = Grid::new(vec!["s".into()], vec![], 1, 1).unwrap();
        let mut vals = vec![0.0; METRICS.len()];
        // cost_usd 5 (a whole float: `5.0`); seconds_below_desired summed over two services,
        // 26.92 + 116.221, which binary floats make 143.14100000000002: rounded to its 3
        // decimals, `143.141`; instance_hours 23.758 + 4985.467 = 5009.224999999999 in binary,
        // at 4 decimals 5009.225; instances_peak 7 and task_starts 12, counts: `7`, `12`.
        vals[0] = 5.0;
        vals[4] = 26.92 + 116.221;
        assert_eq!(vals[4].to_string(), "143.14100000000002");
        vals[5] = 7.0;
        vals[7] = 23.758 + 4985.467;
        assert_eq!(vals[7].to_string(), "5009.224999999999");
        vals[9] = 12.0;
        let line = row_line(&g, 0, 1, &vals);
        let cells: Vec<&str> = line.trim_end().split(',').collect();
        // variant, seed, then the metrics in METRICS order, then the check.
        let m = &cells[2..2 + METRICS.len()];
        assert_eq!(m[0], "5.0");
        assert_eq!(m[1], "0.0");
        assert_eq!(m[4], "143.141");
        assert_eq!(m[5], "7");
        assert_eq!(m[7], "5009.225");
        assert_eq!(m[9], "12");
        assert_eq!(m[13], "0");
    }

    #[test]
    fn rows_outside_the_grid_are_refused() {
        let g = grid();
        let vals = vec![0.0; METRICS.len()];
        // Seeds 10, 11, 12: 13 is outside even with a good check.
        assert!(
            parse_row(&g, row_line(&g, 0, 13, &vals).trim_end())
                .unwrap_err()
                .contains("outside")
        );
        // A variant's row whose value column names the other variant's value.
        let other = row_line(&g, 1, 10, &vals).replacen("1,", "0,", 1);
        assert!(parse_row(&g, other.trim_end()).is_err());
    }

    #[test]
    fn a_torn_tail_is_a_line_that_does_not_count() {
        let g = grid();
        let vals = vec![1.0; METRICS.len()];
        let mut bytes = header(&g, true).into_bytes();
        bytes.extend(row_line(&g, 0, 10, &vals).bytes());
        let second = row_line(&g, 1, 10, &vals);
        bytes.extend(&second.as_bytes()[..second.len() / 2]);
        let lines = read_lines(&g, &bytes).unwrap();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].row.is_ok());
        assert!(lines[1].row.as_ref().unwrap_err().starts_with("torn"));
        assert_eq!(lines[1].number, 3);
        assert_eq!(
            lines[1].offset as usize,
            header(&g, true).len() + row_line(&g, 0, 10, &vals).len()
        );
    }

    #[test]
    fn the_table_shows_mean_and_half_width() {
        // Costs 1, 2, 3 over three seeds: mean 2, sd 1, half-width t(0.975, 2) × 1 / √3 =
        // 4.302653 / 1.732051 = 2.4841.
        let g = Grid::new(vec!["s".into()], vec![], 1, 3).unwrap();
        let rows: Vec<Row> = (0..3)
            .map(|k| {
                let mut values = vec![0.0; METRICS.len()];
                values[0] = (k + 1) as f64;
                values[3] = 1.0;
                Row {
                    variant: 0,
                    seed: 1 + k,
                    values,
                }
            })
            .collect();
        let t = table(&g, &summaries(&g, &rows));
        assert!(t.contains("$2.0000 ± 2.4841"), "{t}");
        assert!(t.contains("100.000 ± 0.000 %"), "{t}");
    }
}
