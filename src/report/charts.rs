//! The charts, drawn from [`ChartData`] with plotters into SVG text and PNG bytes in memory
//! ([`crate::report::write_all`] stages and renames them with the other outputs).
//!
//! Every chart is described first as a backend-free `Spec` (lines, stacked areas, shaded
//! spans, marks, legend), then drawn twice by one function generic over the backend, so the
//! SVG and the PNG show the same thing. Text is drawn with DejaVu Sans embedded in the binary
//! (`assets/fonts/`), registered with plotters' `ab_glyph` backend: no system font library. The
//! legend sits in a band of its own above the plot and action labels in a strip along its top,
//! so neither covers the data. Colours are the Okabe–Ito palette (readable with every common
//! colour-vision deficiency). Same data → the same bytes.

use super::Report;
use super::chartdata::{Breach, ChartData, Point, PolicySeries, TaskTracks, Track};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, RGBColor, register_font};
use std::sync::OnceLock;

/// The font family name the charts use (registered under this name; SVG viewers get the same
/// list and fall back to a sans-serif font they have).
pub const FONT: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-subset.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold-subset.ttf");

/// Chart size in pixels (the SVG scales; the PNG is this size).
pub const SIZE: (u32, u32) = (1280, 600);

const BLACK_: RGBColor = RGBColor(0, 0, 0);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const SKY: RGBColor = RGBColor(86, 180, 233);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const YELLOW: RGBColor = RGBColor(240, 228, 66);
const BLUE: RGBColor = RGBColor(0, 114, 178);
const VERMILLION: RGBColor = RGBColor(213, 94, 0);
const PURPLE: RGBColor = RGBColor(204, 121, 167);
const GREY: RGBColor = RGBColor(120, 120, 120);
/// Stacking order of provider colours.
const PALETTE: [RGBColor; 8] = [BLUE, ORANGE, GREEN, SKY, VERMILLION, PURPLE, YELLOW, GREY];

fn fonts() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        register_font(FONT, FontStyle::Normal, REGULAR)
            .and_then(|_| register_font(FONT, FontStyle::Bold, BOLD))
            .map_err(|_| "the embedded chart font could not be read".to_string())
    })
    .clone()
}

/// One drawn chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem: the chart is written as `NAME.svg` and `NAME.png`.
    pub name: String,
    /// Its title.
    pub title: String,
    /// The SVG document.
    pub svg: String,
    /// The PNG bytes.
    pub png: Vec<u8>,
}

/// The time axis unit for a run's length: minutes up to 3 h, hours up to 3 days, then days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeAxis {
    /// Seconds per unit.
    pub div: f64,
    /// Unit name for the axis label.
    pub unit: &'static str,
}

impl TimeAxis {
    /// The unit for a run of `duration_s`.
    pub fn for_duration(duration_s: u64) -> TimeAxis {
        if duration_s <= 3 * 3600 {
            TimeAxis {
                div: 60.0,
                unit: "minutes",
            }
        } else if duration_s <= 3 * 86_400 {
            TimeAxis {
                div: 3600.0,
                unit: "hours",
            }
        } else {
            TimeAxis {
                div: 86_400.0,
                unit: "days",
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Swatch {
    Line { width: u32, dashed: bool },
    Box,
}

#[derive(Debug, Clone)]
struct LegendItem {
    label: String,
    color: RGBAColor,
    swatch: Swatch,
}

#[derive(Debug, Clone)]
struct Line {
    color: RGBColor,
    width: u32,
    dashed: bool,
    segments: Vec<Vec<(f64, f64)>>,
    /// (x, min, max) when some bucket folded several samples.
    envelope: Option<Vec<(f64, f64, f64)>>,
}

#[derive(Debug, Clone)]
struct Mark {
    x: f64,
    color: RGBColor,
    label: String,
}

/// A chart before it is drawn.
#[derive(Debug, Clone, Default)]
struct Spec {
    name: String,
    title: String,
    note: String,
    x_desc: String,
    y_desc: String,
    y_min: f64,
    y_max: f64,
    integer_y: bool,
    x_max: f64,
    /// Filled polygons (stacked areas, rejected load), drawn first.
    areas: Vec<(Vec<(f64, f64)>, RGBAColor)>,
    /// Shaded time spans (x0, x1, colour), behind everything.
    spans: Vec<(f64, f64, RGBAColor)>,
    lines: Vec<Line>,
    marks: Vec<Mark>,
    legend: Vec<LegendItem>,
}

impl Spec {
    /// Its texts with terminal and other control characters shown escaped (`\u{1b}`, as
    /// [`crate::term::escape`] prints them): a service or policy name holding one would
    /// otherwise make the SVG invalid XML (XML 1.0 allows no C0 control but tab and line
    /// feeds, even as a character reference).
    fn printable(mut self) -> Spec {
        let fix = |t: &mut String| {
            if let std::borrow::Cow::Owned(e) = crate::term::escape(t) {
                *t = e;
            }
        };
        for t in [
            &mut self.title,
            &mut self.note,
            &mut self.x_desc,
            &mut self.y_desc,
        ] {
            fix(t);
        }
        self.marks.iter_mut().for_each(|m| fix(&mut m.label));
        self.legend.iter_mut().for_each(|l| fix(&mut l.label));
        self
    }
}

const MARGIN: i32 = 24;
/// Past this many scaling actions on one chart their from→to labels are left out.
const MAX_MARK_LABELS: usize = 30;
const TITLE_H: i32 = 88;
const LEGEND_ROW_H: i32 = 36;
const TITLE_SIZE: f64 = 34.0;
const NOTE_SIZE: f64 = 22.0;
const TEXT_SIZE: f64 = 24.0;
const LABEL_SIZE: f64 = 26.0;

fn text_style(size: f64) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).color(&BLACK_)
}

fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let a = v.abs();
    if a >= 1e7 {
        // Three significant digits in exponent form: `1.2e9`, `1e300`.
        let s = format!("{v:.2e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exp}");
    }
    let mut s = if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" { "0".into() } else { s }
}

/// Legend rows: each item's x offset and row, laid out left to right within `width`.
fn legend_layout<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
    width: i32,
) -> Vec<(i32, i32)> {
    let style = text_style(TEXT_SIZE);
    let mut out = Vec::new();
    let (mut x, mut row) = (0, 0);
    for it in items {
        let w = root
            .estimate_text_size(&it.label, &style)
            .map(|(w, _)| w as i32)
            .unwrap_or(10 * it.label.len() as i32);
        let item_w = 44 + w + 28;
        if x > 0 && x + item_w > width {
            x = 0;
            row += 1;
        }
        out.push((x, row));
        x += item_w;
    }
    out
}

/// Draws `spec` on `root`. `joinless` draws thick lines one segment at a time: plotters' bitmap
/// rasteriser joins the segments of a thick polyline with miters that spike past the plot on
/// sharp turns (a jump in a minute series is one), so the PNG draws each segment alone.
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &Spec,
    joinless: bool,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    root.fill(&WHITE).map_err(e)?;
    let (w, _) = root.dim_in_pixel();
    root.draw_text(
        &spec.title,
        &TextStyle::from((FONT, TITLE_SIZE, FontStyle::Bold).into_font()).color(&BLACK_),
        (MARGIN, 14),
    )
    .map_err(e)?;
    if !spec.note.is_empty() {
        root.draw_text(
            &spec.note,
            &text_style(NOTE_SIZE).color(&RGBColor(60, 60, 60)),
            (MARGIN, 56),
        )
        .map_err(e)?;
    }
    let layout = legend_layout(root, &spec.legend, w as i32 - 2 * MARGIN);
    let rows = layout.iter().map(|l| l.1 + 1).max().unwrap_or(0);
    for (it, (x, row)) in spec.legend.iter().zip(&layout) {
        let x0 = MARGIN + x;
        let yc = TITLE_H + row * LEGEND_ROW_H + LEGEND_ROW_H / 2;
        match it.swatch {
            Swatch::Line { width, dashed } => {
                let style = ShapeStyle {
                    color: it.color,
                    filled: false,
                    stroke_width: width,
                };
                if dashed {
                    for k in 0..3 {
                        let a = x0 + k * 14;
                        root.draw(&PathElement::new(vec![(a, yc), (a + 9, yc)], style))
                            .map_err(e)?;
                    }
                } else {
                    root.draw(&PathElement::new(vec![(x0, yc), (x0 + 36, yc)], style))
                        .map_err(e)?;
                }
            }
            Swatch::Box => {
                root.draw(&Rectangle::new(
                    [(x0, yc - 10), (x0 + 36, yc + 10)],
                    it.color.filled(),
                ))
                .map_err(e)?;
            }
        }
        root.draw_text(
            &it.label,
            &text_style(TEXT_SIZE).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            )),
            (x0 + 44, yc),
        )
        .map_err(e)?;
    }
    let top = TITLE_H + rows * LEGEND_ROW_H + 8;
    let (_, plot) = root.split_vertically(top);
    // Every coordinate handed to plotters below is inside these ranges.
    let (x_min, x_max) = axis(0.0, spec.x_max);
    let (y_min, y_max) = axis(spec.y_min, spec.y_max);
    let cx = |x: f64| within(x, x_min, x_max);
    let cy = |y: f64| within(y, y_min, y_max);
    let pt = |&(x, y): &(f64, f64)| (cx(x), cy(y));
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(MARGIN as u32)
        .margin_right(40)
        .margin_top(6)
        .margin_bottom(10)
        .x_label_area_size(76)
        .y_label_area_size(96)
        .build_cartesian_2d(x_min..x_max, y_min..y_max)
        .map_err(e)?;
    let y_labels = if spec.integer_y && y_max - y_min <= 10.0 {
        (y_max - y_min) as usize + 1
    } else {
        8
    };
    chart
        .configure_mesh()
        .x_desc(spec.x_desc.as_str())
        .y_desc(spec.y_desc.as_str())
        .axis_desc_style(text_style(LABEL_SIZE))
        .label_style(text_style(TEXT_SIZE))
        .x_labels(10)
        .y_labels(y_labels)
        .x_label_formatter(&|v| fmt_num(*v))
        .y_label_formatter(&|v| fmt_num(*v))
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(TRANSPARENT)
        .axis_style(RGBColor(80, 80, 80))
        .draw()
        .map_err(e)?;
    for &(x0, x1, c) in &spec.spans {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(cx(x0), y_min), (cx(x1), y_max)],
                c.filled(),
            )))
            .map_err(e)?;
    }
    for (poly, c) in &spec.areas {
        chart
            .draw_series(std::iter::once(Polygon::new(
                poly.iter().map(pt).collect::<Vec<_>>(),
                c.filled(),
            )))
            .map_err(e)?;
    }
    for l in &spec.lines {
        if let Some(env) = &l.envelope {
            let mut poly: Vec<(f64, f64)> = env.iter().map(|p| pt(&(p.0, p.2))).collect();
            poly.extend(env.iter().rev().map(|p| pt(&(p.0, p.1))));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    poly,
                    l.color.mix(0.18).filled(),
                )))
                .map_err(e)?;
        }
    }
    let many = spec.marks.len() > MAX_MARK_LABELS;
    for m in &spec.marks {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(cx(m.x), y_min), (cx(m.x), y_max)],
                ShapeStyle {
                    color: m.color.mix(if many { 0.7 } else { 1.0 }),
                    filled: false,
                    stroke_width: if many { 1 } else { 2 },
                },
            )))
            .map_err(e)?;
    }
    for l in &spec.lines {
        let style = ShapeStyle {
            color: l.color.to_rgba(),
            filled: false,
            stroke_width: l.width,
        };
        for seg in &l.segments {
            let seg: Vec<(f64, f64)> = seg.iter().map(pt).collect();
            if l.dashed {
                chart
                    .draw_series(DashedLineSeries::new(seg.iter().copied(), 12, 8, style))
                    .map_err(e)?;
            } else if joinless && l.width > 1 {
                chart
                    .draw_series(
                        seg.windows(2)
                            .map(|w| PathElement::new(vec![w[0], w[1]], style)),
                    )
                    .map_err(e)?;
            } else {
                chart
                    .draw_series(LineSeries::new(seg.iter().copied(), style))
                    .map_err(e)?;
            }
        }
    }
    // Action labels in two staggered rows along the top of the plot, skipped where they would
    // overlap the previous label of their row.
    if !spec.marks.is_empty() && !many {
        let pa = chart.plotting_area();
        let (left, _) = pa.map_coordinate(&(x_min, y_max));
        let (right, _) = pa.map_coordinate(&(x_max, y_max));
        let style = text_style(NOTE_SIZE).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Top,
        ));
        let mut last_end = [i32::MIN, i32::MIN];
        for m in &spec.marks {
            let (px, py) = pa.map_coordinate(&(cx(m.x), y_max));
            let tw = root
                .estimate_text_size(&m.label, &style)
                .map(|(w, _)| w as i32)
                .unwrap_or(60);
            if m.label.is_empty() || px - tw / 2 < left + 4 || px + tw / 2 > right - 4 {
                continue;
            }
            let Some(row) = (0..2).find(|&r| px - tw / 2 - 6 > last_end[r]) else {
                continue;
            };
            last_end[row] = px + tw / 2;
            let y = py + 4 + row as i32 * 30;
            root.draw(&Rectangle::new(
                [(px - tw / 2 - 3, y - 1), (px + tw / 2 + 3, y + 26)],
                WHITE.mix(0.85).filled(),
            ))
            .map_err(e)?;
            root.draw_text(&m.label, &style.color(&m.color), (px, y))
                .map_err(e)?;
        }
    }
    root.present().map_err(e)?;
    Ok(())
}

/// The largest magnitude a chart axis reaches: any value beyond it (or infinite) is drawn at
/// it. Far above every limit a scenario is checked against (`scenario::limits`), far below
/// where plotters' tick arithmetic overflows.
const AXIS_LIMIT: f64 = 1e300;

/// An axis range plotters can always tick and map, whatever `lo` and `hi` are: both ends finite
/// and within ±[`AXIS_LIMIT`] (NaN reads as 0), and `hi` above `lo` by at least a billionth of
/// their magnitude — else `hi` is moved to `lo` + 1, or `lo` + a millionth of `lo` for a large
/// `lo`. (plotters' key-point search divides the range by powers of ten and steps through it;
/// with an infinite range it never ends, and with a width below the ends' floating-point
/// resolution its steps stop moving, so every range passes here before plotters sees it.)
fn axis(lo: f64, hi: f64) -> (f64, f64) {
    let finite = |v: f64| {
        if v.is_nan() {
            0.0
        } else {
            v.clamp(-AXIS_LIMIT, AXIS_LIMIT)
        }
    };
    let (lo, hi) = (finite(lo), finite(hi));
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    let magnitude = lo.abs().max(hi.abs());
    if hi - lo > magnitude * 1e-9 {
        (lo, hi)
    } else {
        (lo, lo + (lo.abs() * 1e-6).max(1.0))
    }
}

/// `v` drawn within [lo, hi] (NaN at `lo`), so no coordinate lands outside the plot.
fn within(v: f64, lo: f64, hi: f64) -> f64 {
    if v.is_nan() { lo } else { v.clamp(lo, hi) }
}

fn svg_of(spec: &Spec) -> Result<String, String> {
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, SIZE).into_drawing_area();
        draw(&root, spec, false)?;
    }
    Ok(s)
}

fn png_of(spec: &Spec) -> Result<Vec<u8>, String> {
    let (w, h) = SIZE;
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, SIZE).into_drawing_area();
        draw(&root, spec, true)?;
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Default);
        let mut wr = enc.write_header().map_err(|x| x.to_string())?;
        wr.write_image_data(&buf).map_err(|x| x.to_string())?;
    }
    Ok(out)
}

/// Segments of a track's means, broken where no sample fell for more than two buckets.
fn segments(
    points: &[Point],
    width_s: u64,
    div: f64,
    pick: fn(&Point) -> f32,
) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut last: Option<f64> = None;
    for p in points {
        if last.is_none_or(|l| p.t_s - l > 2.0 * width_s as f64) {
            out.push(Vec::new());
        }
        if let Some(seg) = out.last_mut() {
            seg.push((p.t_s / div, f64::from(pick(p))));
        }
        last = Some(p.t_s);
    }
    out
}

fn envelope(points: &[Point], div: f64) -> Option<Vec<(f64, f64, f64)>> {
    points.iter().any(|p| p.min != p.max).then(|| {
        points
            .iter()
            .map(|p| (p.t_s / div, f64::from(p.min), f64::from(p.max)))
            .collect()
    })
}

fn line(track: &Track, div: f64, color: RGBColor, width: u32, dashed: bool, env: bool) -> Line {
    let pts = track.points();
    Line {
        color,
        width,
        dashed,
        segments: segments(&pts, track.width_s(), div, |p| p.mean),
        envelope: if env { envelope(&pts, div) } else { None },
    }
}

fn line_item(label: &str, color: RGBColor, width: u32, dashed: bool) -> LegendItem {
    LegendItem {
        label: label.to_string(),
        color: color.to_rgba(),
        swatch: Swatch::Line { width, dashed },
    }
}

fn box_item(label: &str, color: RGBAColor) -> LegendItem {
    LegendItem {
        label: label.to_string(),
        color,
        swatch: Swatch::Box,
    }
}

fn max_of(tracks: &[&Track], pick: fn(&Point) -> f32) -> f64 {
    tracks
        .iter()
        .flat_map(|t| t.points())
        .map(|p| f64::from(pick(&p)))
        .fold(0.0, f64::max)
}

fn bucket_note(width_s: u64) -> String {
    if width_s <= 60 {
        String::new()
    } else {
        format!(
            "Each point is the mean over {}; the pale band spans the minimum to the maximum.",
            human(width_s)
        )
    }
}

fn human(s: u64) -> String {
    if s.is_multiple_of(3600) {
        format!("{} h", s / 3600)
    } else if s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

fn count_top(m: f64) -> f64 {
    (m + (m * 0.1).max(1.0)).ceil()
}

fn tasks_spec(name: &str, title: String, t: &TaskTracks, data: &ChartData, ax: TimeAxis) -> Spec {
    let div = ax.div;
    let top = count_top(max_of(&[&t.desired, &t.running, &t.pending], |p| p.max));
    Spec {
        name: name.to_string(),
        title,
        note: bucket_note(data.width_s),
        y_desc: "tasks".into(),
        y_min: 0.0,
        y_max: top,
        integer_y: true,
        x_max: data.duration_s as f64 / div,
        lines: vec![
            line(&t.pending, div, ORANGE, 3, false, true),
            line(&t.running, div, GREEN, 4, false, true),
            line(&t.desired, div, BLUE, 3, true, true),
        ],
        legend: vec![
            line_item("desired", BLUE, 3, true),
            line_item("running", GREEN, 4, false),
            line_item("pending (PROVISIONING + PENDING)", ORANGE, 3, false),
        ],
        ..Spec::default()
    }
}

fn metric_spec(
    name: &str,
    p: &PolicySeries,
    report: &Report,
    data: &ChartData,
    ax: TimeAxis,
) -> Spec {
    let div = ax.div;
    let value_pts = p.value.points();
    let vmax = max_of(&[&p.value, &p.target, &p.scale_in], |q| q.max);
    let vmin = value_pts
        .iter()
        .map(|q| f64::from(q.min))
        .fold(0.0, f64::min);
    let high = VERMILLION.mix(0.16);
    let low = SKY.mix(0.28);
    let mut spec = Spec {
        name: name.to_string(),
        title: if p.service.is_empty() {
            format!("{} — {}", p.policy, p.metric)
        } else {
            format!("{} · policy {} — {}", p.service, p.policy, p.metric)
        },
        note: {
            let w = p.value.width_s();
            let base = "Datapoints by the start of their period; shaded where the datapoint left the alarm in ALARM.";
            if w > 60 && w > p_period(p) {
                format!("{base} Means over {}.", human(w))
            } else {
                base.to_string()
            }
        },
        y_desc: y_label(&p.metric).into(),
        y_min: if vmin < 0.0 { vmin * 1.15 } else { 0.0 },
        y_max: if vmax > 0.0 { vmax * 1.15 } else { 1.0 },
        x_max: data.duration_s as f64 / div,
        ..Spec::default()
    };
    let mut has = (false, false);
    for s in &p.spans {
        let c = match s.breach {
            Breach::High => {
                has.0 = true;
                high
            }
            Breach::Low => {
                has.1 = true;
                low
            }
        };
        spec.spans
            .push((s.t0_s as f64 / div, s.t1_s as f64 / div, c));
    }
    spec.lines
        .push(line(&p.target, div, BLACK_, 2, false, false));
    spec.legend.push(line_item("datapoint", BLUE, 4, false));
    spec.legend.push(line_item(
        if p.target_tracking {
            "target"
        } else {
            "alarm threshold"
        },
        BLACK_,
        2,
        false,
    ));
    if p.target_tracking && !p.scale_in.is_empty() && !p.service.is_empty() {
        spec.lines
            .push(line(&p.scale_in, div, BLACK_, 2, true, false));
        spec.legend.push(line_item(
            "scale-in threshold (90 % of target)",
            BLACK_,
            2,
            true,
        ));
    }
    // The datapoints last, over the thresholds.
    spec.lines.push(line(&p.value, div, BLUE, 4, false, false));
    if has.0 {
        spec.legend.push(box_item(
            if p.target_tracking {
                "high alarm in ALARM"
            } else {
                "alarm in ALARM"
            },
            high,
        ));
    }
    if has.1 {
        spec.legend.push(box_item("low alarm in ALARM", low));
    }
    // The service's scaling actions (or the group's managed scaling actions).
    let provider = p.policy.strip_suffix(" managed scaling");
    let mut kinds = (false, false, false);
    for a in &report.activities {
        use crate::model::activity::ActivityKind as K;
        let (color, k) = match (a.kind, p.service.is_empty()) {
            (K::ScaleOut, false) | (K::ClusterScaleOut, true) => (VERMILLION, 0),
            (K::ScaleIn, false) | (K::ClusterScaleIn, true) => (GREEN, 1),
            (K::ScheduledAction, false) => (PURPLE, 2),
            _ => continue,
        };
        let mine = if p.service.is_empty() {
            a.capacity_provider.as_deref() == provider
        } else {
            a.service.as_deref() == Some(p.service.as_str())
        };
        if !mine {
            continue;
        }
        match k {
            0 => kinds.0 = true,
            1 => kinds.1 = true,
            _ => kinds.2 = true,
        }
        let label = match (a.from, a.to) {
            (Some(f), Some(t)) => format!("{f}→{t}"),
            _ => String::new(),
        };
        spec.marks.push(Mark {
            x: a.time_s / div,
            color,
            label,
        });
    }
    if !spec.marks.is_empty() {
        // Room above the data for the two rows of action labels.
        spec.y_max = spec.y_min + (spec.y_max - spec.y_min) * 1.2;
    }
    let what = if p.service.is_empty() {
        "instances"
    } else {
        "tasks"
    };
    if kinds.0 {
        let label = if spec.marks.len() > MAX_MARK_LABELS {
            "scale-out".to_string()
        } else {
            format!("scale-out (labels: {what} from→to)")
        };
        spec.legend.push(line_item(&label, VERMILLION, 2, false));
    }
    if kinds.1 {
        spec.legend.push(line_item("scale-in", GREEN, 2, false));
    }
    if kinds.2 {
        spec.legend
            .push(line_item("scheduled action", PURPLE, 2, false));
    }
    spec
}

fn p_period(p: &PolicySeries) -> u64 {
    // The bucket width equals the period whenever every datapoint is kept.
    p.target.width_s().min(p.value.width_s())
}

/// `spec` (name, titles, axis) filled with stacked areas of `series` (each bucket's value as
/// `pick` reads it), bottom first.
fn stacked(mut spec: Spec, series: &[(&str, &Track)], div: f64, pick: fn(&Point) -> f32) -> Spec {
    let integer = spec.integer_y;
    let pts: Vec<Vec<Point>> = series.iter().map(|(_, t)| t.points()).collect();
    let n = pts.iter().map(Vec::len).min().unwrap_or(0);
    let mut base: Vec<f64> = vec![0.0; n];
    for (i, ((label, _), p)) in series.iter().zip(&pts).enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let upper: Vec<f64> = (0..n).map(|k| base[k] + f64::from(pick(&p[k]))).collect();
        let mut poly: Vec<(f64, f64)> = (0..n).map(|k| (p[k].t_s / div, upper[k])).collect();
        poly.extend((0..n).rev().map(|k| (p[k].t_s / div, base[k])));
        spec.areas.push((poly, color.mix(0.75)));
        spec.legend.push(box_item(label, color.mix(0.75)));
        base = upper;
    }
    let top = base.iter().copied().fold(0.0, f64::max);
    spec.y_max = if integer {
        count_top(top)
    } else if top > 0.0 {
        top * 1.12
    } else {
        1.0
    };
    spec
}

/// File-safe stem: letters, digits, `-` and `_` kept, anything else `-`.
fn stem(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Every chart of a run, in the order report.html shows them: tasks (all services, then each
/// charted service), load, scaling metrics, capacity, cost.
fn chart_specs(data: &ChartData, report: &Report) -> Vec<Spec> {
    let ax = TimeAxis::for_duration(data.duration_s);
    let mut out: Vec<Spec> = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    let mut unique = |base: String| {
        // A 255-character service name and a policy name still make a file name the file
        // system takes (bounded, with a hash when cut).
        let base = crate::outdir::bounded_name(&base);
        let mut name = base.clone();
        let mut k = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}-{k}");
            k += 1;
        }
        name
    };
    if data.service_count > 1 {
        let title = if data.services.len() < data.service_count {
            format!(
                "Tasks — all {} services (charts below for the first {} by name)",
                data.service_count,
                data.services.len()
            )
        } else {
            format!("Tasks — all {} services", data.service_count)
        };
        out.push(tasks_spec(
            &unique("tasks-all".into()),
            title,
            &data.total,
            data,
            ax,
        ));
    }
    for s in &data.services {
        let name = unique(format!("tasks-{}", stem(&s.name)));
        out.push(tasks_spec(
            &name,
            format!("Tasks — {}", s.name),
            &s.tasks,
            data,
            ax,
        ));
    }
    for s in data.services.iter().filter(|s| s.traffic) {
        let div = ax.div;
        let off = s.offered.points();
        let srv = s.served.points();
        let n = off.len().min(srv.len());
        let mut rejected: Vec<(f64, f64)> = (0..n)
            .map(|k| (off[k].t_s / div, f64::from(off[k].mean)))
            .collect();
        rejected.extend(
            (0..n)
                .rev()
                .map(|k| (srv[k].t_s / div, f64::from(srv[k].mean))),
        );
        let top = max_of(&[&s.offered, &s.served], |p| p.mean);
        out.push(Spec {
            name: unique(format!("load-{}", stem(&s.name))),
            title: format!("Load — {}: offered vs served", s.name),
            note: if data.width_s > 60 {
                format!(
                    "Means over {}; the gap between the lines is rejected.",
                    human(data.width_s)
                )
            } else {
                "Minute averages; the gap between the lines is rejected.".into()
            },
            y_desc: "requests per second".into(),
            y_min: 0.0,
            y_max: if top > 0.0 { top * 1.12 } else { 1.0 },
            x_max: data.duration_s as f64 / div,
            areas: vec![(rejected, VERMILLION.mix(0.35))],
            lines: vec![
                line(&s.offered, div, BLUE, 5, false, false),
                line(&s.served, div, GREEN, 3, true, false),
            ],
            legend: vec![
                line_item("offered", BLUE, 5, false),
                line_item("served", GREEN, 3, true),
                box_item("rejected", VERMILLION.mix(0.35)),
            ],
            ..Spec::default()
        });
    }
    let mut pols: Vec<&PolicySeries> = data
        .policies
        .iter()
        .filter(|p| !p.value.is_empty() || !p.target.is_empty())
        .collect();
    pols.sort_by(|a, b| {
        (a.service.is_empty(), &a.service, &a.policy).cmp(&(
            b.service.is_empty(),
            &b.service,
            &b.policy,
        ))
    });
    for p in pols {
        let base = if p.service.is_empty() {
            format!(
                "metric-cluster-{}",
                stem(p.policy.trim_end_matches(" managed scaling"))
            )
        } else {
            format!("metric-{}-{}", stem(&p.service), stem(&p.policy))
        };
        out.push(metric_spec(&unique(base), p, report, data, ax));
    }
    let note = if data.width_s > 60 {
        format!("Stacked means over {}.", human(data.width_s))
    } else {
        "Stacked, one value a minute.".into()
    };
    let x_max = data.duration_s as f64 / ax.div;
    let ec2: Vec<(&str, &Track)> = data
        .providers
        .iter()
        .filter(|p| !p.fargate && !p.name.starts_with("launchType:"))
        .map(|p| (p.name.as_str(), &p.instances))
        .collect();
    if !ec2.is_empty() {
        out.push(stacked(
            Spec {
                name: unique("capacity-instances".into()),
                title: "Capacity — EC2 instances by capacity provider".into(),
                note: note.clone(),
                y_desc: "instances".into(),
                integer_y: true,
                x_max,
                ..Spec::default()
            },
            &ec2,
            ax.div,
            |p| p.mean,
        ));
    }
    let fg: Vec<(&str, &Track)> = data
        .providers
        .iter()
        .filter(|p| p.fargate)
        .map(|p| (p.name.as_str(), &p.tasks))
        .collect();
    if !fg.is_empty() {
        out.push(stacked(
            Spec {
                name: unique("capacity-fargate-tasks".into()),
                title: "Capacity — Fargate tasks by capacity provider".into(),
                note,
                y_desc: "tasks holding capacity".into(),
                integer_y: true,
                x_max,
                ..Spec::default()
            },
            &fg,
            ax.div,
            |p| p.mean,
        ));
    }
    let cost: Vec<(&str, &Track)> = data
        .providers
        .iter()
        .map(|p| (p.name.as_str(), &p.cost_usd))
        .collect();
    if cost
        .iter()
        .any(|(_, t)| t.points().iter().any(|p| p.last != 0.0))
    {
        out.push(stacked(
            Spec {
                name: unique("cost".into()),
                title: "Cumulative cost by capacity provider".into(),
                note: "Stacked: the top edge is the total so far.".into(),
                y_desc: "USD since the start".into(),
                integer_y: false,
                x_max,
                ..Spec::default()
            },
            &cost,
            ax.div,
            |p| p.last,
        ));
    }
    out
}

/// One line of an overlay chart: a label and its (seconds from the start, value) points.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlaySeries {
    /// The legend label.
    pub label: String,
    /// Points in time order.
    pub points: Vec<(f64, f64)>,
}

/// An overlay chart: one line per series on shared axes (`ecsim compare` draws one line per
/// variant).
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    /// File stem.
    pub name: String,
    /// Title.
    pub title: String,
    /// The subtitle under the title.
    pub note: String,
    /// The y axis label.
    pub y_desc: String,
    /// Whether the values are counts (whole-number ticks, headroom of at least one).
    pub integer_y: bool,
    /// The x axis reaches this many seconds.
    pub duration_s: u64,
    /// The lines, drawn in order (the first under the others).
    pub series: Vec<OverlaySeries>,
}

/// Line widths of overlay series, widest first, so a later line that follows an earlier one
/// exactly still shows the earlier one around it.
const OVERLAY_WIDTHS: [u32; 3] = [6, 4, 2];

fn overlay_spec(o: &Overlay, ax: TimeAxis) -> Spec {
    let top = o
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let mut spec = Spec {
        name: o.name.clone(),
        title: o.title.clone(),
        note: o.note.clone(),
        y_desc: o.y_desc.clone(),
        y_min: 0.0,
        y_max: if o.integer_y {
            count_top(top)
        } else if top > 0.0 {
            top * 1.12
        } else {
            1.0
        },
        integer_y: o.integer_y,
        x_max: o.duration_s as f64 / ax.div,
        ..Spec::default()
    };
    for (i, s) in o.series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let width = OVERLAY_WIDTHS[i.min(OVERLAY_WIDTHS.len() - 1)];
        // Past the palette, lines repeat its colours dashed.
        let dashed = i >= PALETTE.len();
        spec.lines.push(Line {
            color,
            width,
            dashed,
            segments: vec![s.points.iter().map(|&(t, v)| (t / ax.div, v)).collect()],
            envelope: None,
        });
        spec.legend.push(line_item(&s.label, color, width, dashed));
    }
    spec
}

/// Draws an overlay chart as SVG and PNG, with the same fonts, palette and layout as a run's
/// charts.
pub fn render_overlay(o: &Overlay) -> Result<Chart, String> {
    fonts()?;
    let ax = TimeAxis::for_duration(o.duration_s);
    let mut spec = overlay_spec(o, ax).printable();
    spec.x_desc = format!("time since start ({})", ax.unit);
    Ok(Chart {
        name: spec.name.clone(),
        title: spec.title.clone(),
        svg: svg_of(&spec)?,
        png: png_of(&spec)?,
    })
}

/// Draws every chart of the run as SVG and PNG.
pub fn render(report: &Report, data: &ChartData) -> Result<Vec<Chart>, String> {
    fonts()?;
    let ax = TimeAxis::for_duration(data.duration_s);
    let x_desc = format!("time since start ({})", ax.unit);
    let mut out = Vec::new();
    for spec in chart_specs(data, report) {
        let mut spec = spec.printable();
        spec.x_desc = x_desc.clone();
        let svg = svg_of(&spec)?;
        let png = png_of(&spec)?;
        out.push(Chart {
            name: spec.name.clone(),
            title: spec.title.clone(),
            svg,
            png,
        });
    }
    Ok(out)
}

/// The y-axis label of a metric chart: the unit the metric is in where the name says it.
fn y_label(metric: &str) -> &'static str {
    // `NAMESPACE NAME (STATISTIC)` names one metric (its name tells the unit); other text with
    // an operator is a metric math expression, which has no single unit.
    let name = match metric.split_once(' ') {
        Some((ns, rest)) if ns.contains('/') => rest.split(' ').next().unwrap_or(rest),
        _ => metric,
    };
    if name.contains(['+', '-', '*', '/', '(']) {
        "value"
    } else if name.contains("Reservation") || name.contains("Utilization") {
        "value (%)"
    } else if name.contains("RequestCountPerTarget") {
        "requests per target per period"
    } else if name.contains("RequestCount") {
        "requests per period"
    } else if name.contains("NumberOfMessages") {
        "messages"
    } else if name.contains("AgeOfOldestMessage") {
        "seconds"
    } else {
        "value"
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn metric_charts_label_their_unit() {
        assert_eq!(
            super::y_label("ECSServiceAverageCPUUtilization"),
            "value (%)"
        );
        assert_eq!(
            super::y_label("ALBRequestCountPerTarget"),
            "requests per target per period"
        );
        assert_eq!(
            super::y_label("AWS/SQS ApproximateNumberOfMessagesVisible (Average)"),
            "messages"
        );
        // An expression mixes units: no unit is claimed.
        assert_eq!(super::y_label("backlog / running"), "value");
    }
    use super::*;

    fn quickstart() -> Report {
        let sc = crate::scenario::load_str(crate::bundled::QUICKSTART, "quickstart", None, &[])
            .expect("quickstart loads");
        let options = crate::RunOptions {
            charts: true,
            ..Default::default()
        };
        crate::run(sc, &options).expect("quickstart runs")
    }

    #[test]
    fn the_cost_chart_is_drawn_only_once_some_cost_is_recorded() {
        let r = quickstart();
        let data = r.charts.as_ref().expect("charts recorded");
        // The quick start's 6 h fit in 360 one-minute points (no bucketing), so the stacked top
        // of the last point is the whole bill, and the y axis reaches 1.12 × it (report.json
        // rounds the bill to 6 decimals).
        let specs = chart_specs(data, &r);
        let cost = specs.iter().find(|s| s.name == "cost").expect("cost chart");
        assert!(
            (cost.y_max - 1.12 * r.cost.total_usd).abs() < 1e-5,
            "{}",
            cost.y_max
        );
        assert_eq!(cost.legend.len(), data.providers.len());
        let drawn = render(&r, data).unwrap();
        assert!(drawn.iter().any(|c| c.name == "cost" && !c.png.is_empty()));
        // A run that bills nothing (a provider, no service) has no cost chart.
        let json =
            r#"{"name": "idle", "duration": "1h", "capacityProviders": [{"name": "FARGATE"}]}"#;
        let sc = crate::scenario::load_str(json, "idle", None, &[]).expect("valid");
        let options = crate::RunOptions {
            charts: true,
            ..Default::default()
        };
        let r = crate::run(sc, &options).expect("runs");
        assert_eq!(r.cost.total_usd, 0.0);
        let data = r.charts.as_ref().expect("charts recorded");
        assert!(!chart_specs(data, &r).iter().any(|s| s.name == "cost"));
    }

    #[test]
    fn time_axis_unit_follows_the_duration() {
        assert_eq!(TimeAxis::for_duration(3 * 3600).unit, "minutes");
        assert_eq!(TimeAxis::for_duration(3 * 3600 + 1).unit, "hours");
        assert_eq!(TimeAxis::for_duration(3 * 86_400).unit, "hours");
        assert_eq!(TimeAxis::for_duration(7 * 86_400).unit, "days");
    }

    #[test]
    fn axis_ranges_are_finite_and_wide_enough() {
        // Kept as they are: a range of any finite width above a billionth of its magnitude.
        assert_eq!(axis(0.0, 1e300), (0.0, 1e300));
        assert_eq!(axis(-1e300, 1e300), (-1e300, 1e300));
        assert_eq!(axis(0.0, 1e-3), (0.0, 1e-3));
        // Infinite ends stop at ±1e300, NaN reads as 0, reversed ends are put in order.
        assert_eq!(axis(0.0, f64::INFINITY), (0.0, 1e300));
        assert_eq!(axis(f64::NEG_INFINITY, f64::INFINITY), (-1e300, 1e300));
        assert_eq!(axis(f64::NAN, 7.0), (0.0, 7.0));
        assert_eq!(axis(3.0, 1.0), (1.0, 3.0));
        // No width: lo + 1 (as before), or lo + lo / 1e6 for a large lo.
        assert_eq!(axis(5.0, 5.0), (5.0, 6.0));
        assert_eq!(axis(f64::NAN, f64::NAN), (0.0, 1.0));
        assert_eq!(axis(1e300, 1e300), (1e300, 1e300 + 1e294));
        assert_eq!(axis(f64::INFINITY, f64::INFINITY), (1e300, 1e300 + 1e294));
        // 1e20 and the next representable value 16,384 above: below 1e20 × 1e-9 = 1e11, so
        // too narrow to tick — widened to 1e20 / 1e6 = 1e14.
        assert_eq!(axis(1e20, 1e20 + 16_384.0), (1e20, 1e20 + 1e14));
    }

    /// Draws `spec` as SVG and PNG on another thread: the files, or why not (an error, a
    /// panic, or over 120 s).
    fn draw_in_time(spec: Spec) -> Result<(String, Vec<u8>), String> {
        use std::sync::mpsc::RecvTimeoutError;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let drawn = svg_of(&spec).and_then(|svg| png_of(&spec).map(|png| (svg, png)));
            let _ = tx.send(drawn);
        });
        match rx.recv_timeout(std::time::Duration::from_secs(120)) {
            Ok(drawn) => drawn,
            Err(RecvTimeoutError::Timeout) => Err("not drawn within 120 s".into()),
            Err(RecvTimeoutError::Disconnected) => Err("drawing panicked".into()),
        }
    }

    #[test]
    fn charts_of_any_values_render_quickly_into_valid_files() {
        // Issue 14 item 8: an axis of infinity (f32 points overflow past 3.4e38: rps 1e40)
        // made plotters' tick search loop for ever. Every range below, and values of 1e300,
        // ±infinity and NaN in every kind of element, draw in well under the time allowed
        // (each takes a fraction of a second).
        fonts().unwrap();
        let inf = f64::INFINITY;
        let ranges = [
            (0.0, 1e300),
            (-1e300, 1e300),
            (0.0, inf),
            (f64::NEG_INFINITY, inf),
            (f64::NAN, f64::NAN),
            (0.0, 0.0),
            (5.0, 5.0),
            (1e300, 1e300),
            (1e20, 1e20 + 16_384.0),
        ];
        for (lo, hi) in ranges {
            let spec = Spec {
                name: "extreme".into(),
                title: "extreme".into(),
                y_min: lo,
                y_max: hi,
                integer_y: true,
                x_max: 6.0,
                areas: vec![(vec![(0.0, 0.0), (3.0, 1e300), (6.0, inf)], BLUE.mix(0.5))],
                spans: vec![(1.0, 1e300, VERMILLION.mix(0.2))],
                lines: vec![Line {
                    color: GREEN,
                    width: 4,
                    dashed: false,
                    segments: vec![vec![
                        (0.0, 1e300),
                        (1.0, -1e300),
                        (2.0, inf),
                        (3.0, f64::NAN),
                        (4.0, 5.0),
                        (1e300, -inf),
                    ]],
                    envelope: Some(vec![(0.0, -inf, inf), (6.0, 0.0, 1e300)]),
                }],
                marks: vec![Mark {
                    x: 1e300,
                    color: PURPLE,
                    label: "1→5000".into(),
                }],
                ..Spec::default()
            };
            let (svg, png) = draw_in_time(spec).unwrap_or_else(|e| panic!("({lo}, {hi}): {e}"));
            assert!(
                svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
                "({lo}, {hi})"
            );
            let decoder = png::Decoder::new(std::io::Cursor::new(png));
            let reader = decoder.read_info().expect("a PNG");
            assert_eq!(
                (reader.info().width, reader.info().height),
                SIZE,
                "({lo}, {hi})"
            );
        }
    }

    #[test]
    fn tick_labels_trim_zeros() {
        assert_eq!(fmt_num(0.5), "0.5");
        assert_eq!(fmt_num(2.0), "2");
        assert_eq!(fmt_num(12.25), "12.2");
        assert_eq!(fmt_num(250.0), "250");
        assert_eq!(fmt_num(-0.001), "0");
        // From ten million on, three significant digits in exponent form.
        assert_eq!(fmt_num(9_999_999.0), "9999999");
        assert_eq!(fmt_num(12_345_678.0), "1.23e7");
        assert_eq!(fmt_num(1e300), "1e300");
        assert_eq!(fmt_num(-2.5e9), "-2.5e9");
    }
}
