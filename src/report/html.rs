//! report.html: one self-contained page — the scenario, the summary tables (the same
//! [`super::tables`] as summary.txt), every chart as inline SVG, and the activity log. Styles
//! are inline; there is no script, no external file and no network reference, so the page
//! works projected in a classroom and attached to a mail. Large type and strong contrast.

use super::charts::Chart;
use super::{Part, Report, tables};
use std::fmt::Write as _;

/// `s` with `&`, `<`, `>`, `"` and `'` escaped for HTML text and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// Appends `s` to `out` with `&`, `<`, `>`, `"` and `'` escaped: runs of other characters are
/// copied whole.
fn push_escaped(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // `i` is at an ASCII byte, so a character boundary.
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// A `fmt::Write` that escapes what is written into a page ([`escape`]): a cause's sentence
/// goes straight into the page, made once.
struct Escaped<'a>(&'a mut String);

impl std::fmt::Write for Escaped<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        push_escaped(self.0, s);
        Ok(())
    }
}

/// Seconds as `h:mm:ss`, with days in front past a day (`2 d 03:04:05`).
pub fn clock(time_s: f64) -> String {
    let t = time_s.max(0.0).round() as u64;
    let (d, h, m, s) = (t / 86_400, t / 3600 % 24, t / 60 % 60, t % 60);
    if d > 0 {
        format!("{d} d {h:02}:{m:02}:{s:02}")
    } else {
        format!("{h}:{m:02}:{s:02}")
    }
}

pub(crate) const STYLE: &str = "
:root { color-scheme: light; }
body { font-family: 'DejaVu Sans', Verdana, Arial, sans-serif; font-size: 20px; line-height: 1.5;
  color: #111; background: #fff; margin: 0 auto; padding: 24px 32px 64px; max-width: 1400px; }
h1 { font-size: 40px; margin: 8px 0 4px; }
h2 { font-size: 30px; margin: 48px 0 12px; border-bottom: 3px solid #0072b2; padding-bottom: 4px; }
h3 { font-size: 24px; margin: 28px 0 8px; }
p.lead { font-size: 24px; margin: 4px 0 8px; }
p.meta { color: #333; margin: 0 0 16px; }
nav a { color: #0057a0; margin-right: 24px; font-weight: bold; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 19px; }
th, td { border: 1px solid #999; padding: 6px 12px; vertical-align: top; }
th { background: #e8eef5; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #f4f4f4; }
figure { margin: 24px 0 40px; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #ccc; }
figcaption { color: #333; font-size: 18px; margin-top: 6px; }
table.log td.cause { font-size: 17px; }
table.log td.gap { text-align: center; font-style: italic; color: #555; }
.kind { font-weight: bold; white-space: nowrap; }
.scale-out, .cluster-scale-out { color: #a33f00; }
.scale-in, .cluster-scale-in { color: #00684c; }
.scheduled-action { color: #8b3a6b; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.92em; }
";

/// A long run's activity log in report.html keeps its first and last this many rows (a page of
/// 100,000 rows helps nobody and costs tens of megabytes); activities.csv has every one.
pub const LOG_ENDS: usize = 1_000;

pub(crate) fn push_table(h: &mut String, header: &[String], rows: &[Vec<String>], class: &str) {
    let _ = write!(h, "<table class=\"{class}\"><thead><tr>");
    for c in header {
        let _ = write!(h, "<th>{}</th>", escape(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let right: Vec<bool> = (0..header.len())
        .map(|i| super::numeric_column(rows, i))
        .collect();
    for r in rows {
        h.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            if right.get(i).copied().unwrap_or(false) {
                let _ = write!(h, "<td class=\"n\">{}</td>", escape(c));
            } else {
                let _ = write!(h, "<td>{}</td>", escape(c));
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
}

/// An SVG document from plotters made fit to inline in HTML: no namespace URL (HTML parsers
/// place `<svg>` in the SVG namespace themselves), labelled for screen readers.
pub(crate) fn inline_svg(svg: &str, title: &str) -> String {
    let body = svg
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replacen(
            "<svg ",
            &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(title)),
            1,
        );
    body.trim().to_string()
}

/// The page. `charts` are the drawn charts (empty with `--no-charts`).
pub fn render(r: &Report, charts: &[Chart]) -> String {
    let mut h = String::new();
    let name = escape(&r.scenario.name);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>ecsim · {name}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    let _ = writeln!(h, "<h1>{name}</h1>");
    if !r.scenario.description.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"lead\">{}</p>",
            escape(&r.scenario.description)
        );
    }
    let _ = writeln!(h, "<p class=\"meta\">{}</p>", escape(&super::headline(r)));
    h.push_str(
        "<nav><a href=\"#summary\">Summary</a><a href=\"#charts\">Charts</a>\
         <a href=\"#activities\">Activity log</a></nav>\n",
    );
    h.push_str("<h2 id=\"summary\">Summary</h2>\n");
    for p in tables(r) {
        match p {
            Part::Table {
                title,
                header,
                rows,
            } => {
                let _ = writeln!(h, "<h3>{}</h3>", escape(&title));
                push_table(&mut h, &header, &rows, "summary");
            }
            Part::Note { text, .. } => {
                let _ = writeln!(h, "<p>{}</p>", escape(&text));
            }
        }
    }
    if !r.warnings.is_empty() {
        h.push_str("<h3>Warnings</h3>\n<ul>\n");
        for w in &r.warnings {
            let _ = writeln!(h, "<li>{}</li>", escape(w));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("<h2 id=\"charts\">Charts</h2>\n");
    if charts.is_empty() {
        h.push_str("<p>No charts: this run was made with <code>--no-charts</code>.</p>\n");
    }
    for c in charts {
        let _ = writeln!(
            h,
            "<figure id=\"chart-{id}\">\n{svg}\n<figcaption>{title} · <code>{id}.png</code>, \
             <code>{id}.svg</code></figcaption>\n</figure>",
            id = escape(&c.name),
            svg = inline_svg(&c.svg, &c.title),
            title = escape(&c.title),
        );
    }
    h.push_str("<h2 id=\"activities\">Activity log</h2>\n");
    if r.activities.is_empty() {
        h.push_str("<p>No activity: nothing scaled, was interrupted or failed.</p>\n");
    } else {
        let n = r.activities.len();
        let shown = if n > 2 * LOG_ENDS {
            format!(
                "the first and the last {LOG_ENDS} are shown here, all of them are in \
                 <code>activities.csv</code>"
            )
        } else {
            "also in <code>activities.csv</code>".to_string()
        };
        let _ = writeln!(h, "<p>{n} activities in time order ({shown}).</p>");
        h.push_str(
            "<table class=\"log\"><thead><tr><th>time (s)</th><th>h:mm:ss</th><th>kind</th>\
             <th>service / provider</th><th>from → to</th><th>cause</th></tr></thead>\n<tbody>\n",
        );
        for (i, a) in r.activities.iter().enumerate() {
            if n > 2 * LOG_ENDS && (LOG_ENDS..n - LOG_ENDS).contains(&i) {
                if i == LOG_ENDS {
                    let _ = writeln!(
                        h,
                        "<tr><td colspan=\"6\" class=\"gap\">… {} activities not shown here: \
                         see activities.csv …</td></tr>",
                        n - 2 * LOG_ENDS
                    );
                }
                continue;
            }
            let who = match (&a.service, &a.capacity_provider) {
                (Some(s), Some(p)) => format!("{s} / {p}"),
                (Some(s), None) => s.clone(),
                (None, Some(p)) => p.clone(),
                (None, None) => String::new(),
            };
            let change = match (a.from, a.to) {
                (Some(f), Some(t)) => format!("{f} → {t}"),
                _ => String::new(),
            };
            let _ = write!(
                h,
                "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"kind {k}\">{k}</td>\
                 <td>{}</td><td class=\"n\">{}</td><td class=\"cause\">",
                crate::report::series::rounded_cell(a.time_s, 3),
                clock(a.time_s),
                escape(&who),
                escape(&change),
                k = escape(a.kind.as_str()),
            );
            let _ = write!(Escaped(&mut h), "{}", a.cause);
            h.push_str("</td></tr>\n");
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn a_long_activity_log_shows_its_first_and_last_rows() {
        // 2,500 activities numbered by their time: rows 0–999 and 1,500–2,499 are shown, the
        // 500 between are one line pointing at activities.csv.
        let sc = crate::scenario::load_str(
            r#"{"name": "log", "duration": "1m", "capacityProviders": [{"name": "FARGATE"}]}"#,
            "log.json",
            None,
            &[],
        )
        .expect("valid");
        let mut r = crate::run(sc, &crate::RunOptions::default()).expect("runs");
        // Each a task crash of fault `f{i}`: its cause reads "a task crashed (fault f{i}): it
        // stops at once and the service starts a replacement".
        use crate::model::activity::{Activity, Cause, TaskCrashCause};
        r.activities = (0..2_500)
            .map(|i| {
                let cause = Cause::TaskCrash(TaskCrashCause {
                    fault: format!("f{i}"),
                });
                Activity::new(1000 * i, cause, Some("web".into()), None, None, None)
            })
            .collect();
        let page = render(&r, &[]);
        let row = |i: u64| format!("<td class=\"cause\">a task crashed (fault f{i}): it stops");
        assert!(page.contains(&row(999)));
        assert!(!page.contains(&row(1000)));
        assert!(!page.contains(&row(1499)));
        assert!(page.contains(&row(1500)));
        assert!(page.contains(&row(2499)));
        assert!(page.contains("… 500 activities not shown here"));
        assert_eq!(page.matches("<td class=\"cause\">").count(), 2_000);
    }

    #[test]
    fn clock_formats() {
        // 3963 s = 1 h 6 min 3 s; 90,061 s = 1 d (86,400) + 1 h + 1 min + 1 s.
        assert_eq!(clock(3963.0), "1:06:03");
        assert_eq!(clock(90_061.0), "1 d 01:01:01");
        assert_eq!(clock(0.4), "0:00:00");
    }

    #[test]
    fn inline_svg_drops_the_namespace_url() {
        let s = "<svg width=\"2\" height=\"2\" viewBox=\"0 0 2 2\" xmlns=\"http://www.w3.org/2000/svg\">\n</svg>";
        let out = inline_svg(s, "a & b");
        assert!(!out.contains("http"));
        assert!(out.starts_with("<svg role=\"img\" aria-label=\"a &amp; b\" width=\"2\""));
    }
}
