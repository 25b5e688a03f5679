use super::*;
use crate::engine::SECOND;
use crate::workload::trace::parse_trace;

/// 2019-06-03T00:00:00Z, a Monday: 1,559,520,000 s after the epoch (18,050 days × 86,400 s;
/// day 18,050 is a Monday because (18,050 + 3) mod 7 = 0 with day 0 a Thursday).
const MONDAY: i64 = 1_559_520_000_000;

fn epoch_ms(rfc3339: &str) -> i64 {
    let st = humantime::parse_rfc3339(rfc3339).unwrap();
    st.duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn ctx_at(start_epoch_ms: i64, noise_seed: u64) -> BuildCtx<'static> {
    BuildCtx {
        start_epoch_ms,
        base_dir: None,
        noise_seed,
    }
}

fn spec(json: &str) -> ShapeSpec {
    serde_json::from_str(json).unwrap()
}

fn build(json: &str) -> Shape {
    Shape::build(&spec(json), &ctx_at(MONDAY, 1)).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn path(steps: &[&str]) -> Vec<PathStep> {
    steps
        .iter()
        .map(|s| match s.parse::<usize>() {
            Ok(i) => PathStep::Index(i),
            Err(_) => PathStep::Key(s.to_string()),
        })
        .collect()
}

#[test]
fn the_documented_forms_deserialize() {
    assert_eq!(MONDAY, epoch_ms("2019-06-03T00:00:00Z"));
    let forms = [
        r#"{"pattern": "constant", "rps": 300}"#,
        r#"{"pattern": "step", "steps": [{"at": "0s", "rps": 100}, {"at": "1h", "rps": 320}]}"#,
        r#"{"pattern": "ramp", "from": 100, "to": 900, "at": "2h", "over": "30m"}"#,
        r#"{"pattern": "spike", "base": 200, "peak": 2000, "at": "5h", "over": "10m"}"#,
        r#"{"pattern": "diurnal", "minRps": 200, "maxRps": 2000, "peakAt": "14:00"}"#,
        r#"{"pattern": "sum", "of": [{"pattern": "constant", "rps": 1}, {"pattern": "constant", "rps": 2, "noise": 0.1}]}"#,
        r#"{"pattern": "trace", "file": "traces/x.csv", "scale": 1.0, "shift": "0s", "interpolate": "hold", "loop": false}"#,
        r#"{"pattern": "trace", "file": "traces/x.csv", "interpolate": "linear", "loop": true}"#,
        r#"{"pattern": "constant", "rps": 300, "noise": 0.1, "weekly": [1, 1, 1, 1, 1, 0.5, 0.5]}"#,
    ];
    for f in forms {
        let s: Result<ShapeSpec, _> = serde_json::from_str(f);
        assert!(s.is_ok(), "{f}: {s:?}");
        assert!(check(&s.unwrap()).is_empty(), "{f}");
    }
    let s = spec(forms[2]);
    assert_eq!(
        s,
        ShapeSpec::Ramp(RampSpec {
            from: 100.0,
            to: 900.0,
            at: Duration(2 * HOUR),
            over: Duration(30 * MINUTE),
            noise: None,
            weekly: None,
        })
    );
    match spec(forms[6]) {
        ShapeSpec::Trace(t) => {
            assert_eq!(t.repeat, Some(false));
            assert_eq!(t.interpolate, Some(Interpolate::Hold));
            assert_eq!(t.scale, Some(1.0));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_fields_and_patterns_are_rejected_by_name() {
    let e = serde_json::from_str::<ShapeSpec>(
        r#"{"pattern": "ramp", "from": 1, "to": 2, "at": "1h", "over": "1m", "ovr": 3}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with(
            "unknown field `ovr`, expected one of `from`, `to`, `at`, `over`, `noise`, `weekly`"
        ),
        "{e}"
    );
    let e = serde_json::from_str::<ShapeSpec>(
        r#"{"pattern": "step", "steps": [{"at": "0s", "rate": 1}]}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unknown field `rate`, expected `at` or `rps`"),
        "{e}"
    );
    let e = serde_json::from_str::<ShapeSpec>(r#"{"pattern": "sine", "rps": 1}"#).unwrap_err();
    assert!(
        e.to_string().starts_with(
            "unknown variant `sine`, expected one of `constant`, `step`, `ramp`, `spike`, `diurnal`, `sum`, `trace`"
        ),
        "{e}"
    );
    let e = serde_json::from_str::<ShapeSpec>(r#"{"rps": 1}"#).unwrap_err();
    assert!(e.to_string().starts_with("missing field `pattern`"), "{e}");
    let e = serde_json::from_str::<ShapeSpec>(
        r#"{"pattern": "trace", "file": "x.csv", "interpolate": "cubic"}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unknown variant `cubic`, expected `hold` or `linear`"),
        "{e}"
    );
}

#[test]
fn errors_inside_shapes_keep_their_path() {
    // An unknown field: reported at the path of the shape holding it, named in the message.
    let text = r#"{"pattern": "sum", "of": [
        {"pattern": "constant", "rps": 1},
        {"pattern": "ramp", "from": 1, "to": 2, "at": "1h", "over": "1m", "ovr": 3}]}"#;
    let mut de = serde_json::Deserializer::from_str(text);
    let e = serde_path_to_error::deserialize::<_, ShapeSpec>(&mut de).unwrap_err();
    assert_eq!(e.path().to_string(), "of[1]");
    assert!(
        e.inner().to_string().starts_with("unknown field `ovr`"),
        "{e}"
    );
    // The same from a serde_json::Value (as the scenario loader reads it), with a bad duration.
    let v: serde_json::Value = serde_json::from_str(
        r#"{"pattern": "sum", "of": [{"pattern": "spike", "base": 1, "peak": 2, "at": "soon", "over": "1m"}]}"#,
    )
    .unwrap();
    let e = serde_path_to_error::deserialize::<_, ShapeSpec>(v).unwrap_err();
    assert_eq!(e.path().to_string(), "of[0].at");
    assert!(
        e.inner().to_string().contains("`soon` is not a duration"),
        "{e}"
    );
    // `pattern` after the other fields: the same spec, and the same message for an unknown
    // field (checked once the pattern is known).
    assert_eq!(
        spec(r#"{"rps": 5, "pattern": "constant"}"#),
        ShapeSpec::Constant(ConstantSpec {
            rps: 5.0,
            noise: None,
            weekly: None
        })
    );
    let mut de = serde_json::Deserializer::from_str(r#"{"rsp": 5, "pattern": "constant"}"#);
    let e = serde_path_to_error::deserialize::<_, ShapeSpec>(&mut de).unwrap_err();
    assert_eq!(e.path().to_string(), ".");
    assert!(
        e.inner()
            .to_string()
            .starts_with("unknown field `rsp`, expected one of `rps`, `noise`, `weekly`"),
        "{e}"
    );
    // Not an object.
    let e = serde_json::from_str::<ShapeSpec>("300").unwrap_err();
    assert!(
        e.to_string().starts_with(
            "invalid type: integer `300`, expected a load shape such as {\"pattern\": \"constant\", \"rps\": 300}"
        ),
        "{e}"
    );
}

#[test]
fn check_reports_paths_and_what_is_valid() {
    let s = spec(
        r#"{"pattern": "sum", "noise": 1.5, "of": [
            {"pattern": "constant", "rps": -1},
            {"pattern": "step", "steps": [{"at": "0s", "rps": 1}, {"at": "2h", "rps": 2}, {"at": "1h", "rps": 3}]},
            {"pattern": "ramp", "from": 1, "to": 2, "at": "1h", "over": 0},
            {"pattern": "diurnal", "minRps": 5, "maxRps": 4, "peakAt": "24:00", "weekly": [1, 1, 1, -1, 1, 1]},
            {"pattern": "sum", "of": []},
            {"pattern": "trace", "file": "x.csv", "scale": -2},
            {"pattern": "spike", "base": 1, "peak": 2, "at": "1h", "over": "0s"},
            {"pattern": "step", "steps": []}
        ]}"#,
    );
    let got: Vec<(Vec<PathStep>, String)> =
        check(&s).into_iter().map(|p| (p.path, p.message)).collect();
    let want: Vec<(Vec<PathStep>, String)> = vec![
        (path(&["of", "0", "rps"]), "rps -1 is negative: expected a rate of at least 0".into()),
        (
            path(&["of", "1", "steps", "2", "at"]),
            "step 2 at 1h is not after step 1 at 2h: expected steps in time order, each later than the one before".into(),
        ),
        (
            path(&["of", "2", "over"]),
            "a ramp over 0s: expected a duration above 0s (for an instant change use a step)".into(),
        ),
        (
            path(&["of", "3", "minRps"]),
            "minRps 5 is above maxRps 4: expected minRps at most maxRps".into(),
        ),
        (
            path(&["of", "3", "peakAt"]),
            "`24:00` is not a time of day: expected \"HH:MM\" from 00:00 to 23:59, such as \"14:00\"".into(),
        ),
        (
            path(&["of", "3", "weekly"]),
            "6 weekly factors: expected exactly 7, Monday first".into(),
        ),
        (
            path(&["of", "3", "weekly", "3"]),
            "weekly factor -1 is out of range: expected a factor of at least 0".into(),
        ),
        (
            path(&["of", "4", "of"]),
            "an empty sum: expected at least one shape in `of`".into(),
        ),
        (
            path(&["of", "5", "scale"]),
            "scale -2 is out of range: expected a factor of at least 0".into(),
        ),
        (
            path(&["of", "6", "over"]),
            "a spike over 0s: expected a duration above 0s (for an instant change use a step)".into(),
        ),
        (
            path(&["of", "7", "steps"]),
            "no steps: expected at least one step such as {\"at\": \"0s\", \"rps\": 100}".into(),
        ),
        (
            path(&["noise"]),
            "noise 1.5 is out of range: expected 0 to 1 (e.g. 0.1 for ±10 %)".into(),
        ),
    ];
    assert_eq!(got, want);
    // Display joins the path.
    assert_eq!(
        check(&s)[1].to_string(),
        ".of[1].steps[2].at: step 2 at 1h is not after step 1 at 2h: expected steps in time order, each later than the one before"
    );
    // build refuses an invalid spec with the same problems.
    match Shape::build(&s, &ctx_at(MONDAY, 1)) {
        Err(BuildError::Invalid(ps)) => assert_eq!(ps.len(), 12),
        other => panic!("{other:?}"),
    }
}

#[test]
fn peak_at_forms() {
    // 14:30 is 14.5 hours after midnight.
    assert_eq!(parse_time_of_day("14:30"), Ok(14.5));
    assert_eq!(parse_time_of_day("00:00"), Ok(0.0));
    // 23 h + 59/60 h
    assert_eq!(parse_time_of_day("23:59"), Ok(23.0 + 59.0 / 60.0));
    for bad in ["9:00", "14:60", "24:00", "14h00", "", "１4:00", "14:00:00"] {
        assert!(parse_time_of_day(bad).is_err(), "{bad}");
    }
}

#[test]
fn constant_and_step() {
    let c = build(r#"{"pattern": "constant", "rps": 300}"#);
    assert_eq!(c.value(0), 300.0);
    assert_eq!(c.value(40 * DAY), 300.0);
    let s = build(
        r#"{"pattern": "step", "steps": [{"at": "30m", "rps": 100}, {"at": "1h", "rps": 320}]}"#,
    );
    // Before the first step (30 min): 0.
    assert_eq!(s.value(0), 0.0);
    assert_eq!(s.value(30 * MINUTE - 1), 0.0);
    assert_eq!(s.value(30 * MINUTE), 100.0);
    assert_eq!(s.value(HOUR - 1), 100.0);
    assert_eq!(s.value(HOUR), 320.0);
    assert_eq!(s.value(100 * HOUR), 320.0);
}

#[test]
fn ramp_is_linear_between_its_ends() {
    let r = build(r#"{"pattern": "ramp", "from": 100, "to": 900, "at": "2h", "over": "30m"}"#);
    assert_eq!(r.value(HOUR), 100.0);
    assert_eq!(r.value(2 * HOUR), 100.0);
    // Halfway, 2h15m: 100 + 800 × 15/30 = 500.
    assert!(close(r.value(2 * HOUR + 15 * MINUTE), 500.0));
    // 2h06m: 100 + 800 × 6/30 = 260.
    assert!(close(r.value(2 * HOUR + 6 * MINUTE), 260.0));
    assert_eq!(r.value(2 * HOUR + 30 * MINUTE), 900.0);
    assert_eq!(r.value(10 * HOUR), 900.0);
    // Downwards works too: 900 → 100, halfway 500.
    let d = build(r#"{"pattern": "ramp", "from": 900, "to": 100, "at": "0s", "over": "1h"}"#);
    assert!(close(d.value(30 * MINUTE), 500.0));
}

#[test]
fn spike_is_a_rectangle() {
    let s = build(r#"{"pattern": "spike", "base": 200, "peak": 2000, "at": "5h", "over": "10m"}"#);
    assert_eq!(s.value(0), 200.0);
    assert_eq!(s.value(5 * HOUR - 1), 200.0);
    assert_eq!(s.value(5 * HOUR), 2000.0);
    assert_eq!(s.value(5 * HOUR + 10 * MINUTE - 1), 2000.0);
    assert_eq!(s.value(5 * HOUR + 10 * MINUTE), 200.0);
}

#[test]
fn diurnal_follows_the_utc_clock() {
    let json = r#"{"pattern": "diurnal", "minRps": 200, "maxRps": 2000, "peakAt": "14:00"}"#;
    let d = build(json);
    // Start at midnight UTC. 14:00 → the peak, 2000.
    assert!(close(d.value(14 * HOUR), 2000.0));
    // 02:00 is 12 h from the peak: cos(−π) = −1 → 200.
    assert!(close(d.value(2 * HOUR), 200.0));
    // 08:00: 200 + 1800 × (1 + cos(−π/2)) / 2 = 200 + 900 = 1100.
    assert!(close(d.value(8 * HOUR), 1100.0));
    // 20:00: cos(π/2) = 0 → 1100 as well.
    assert!(close(d.value(20 * HOUR), 1100.0));
    // 00:00: h − peak = −14 → cos(−7π/6) = −√3/2 → 200 + 900 × (1 − √3/2) ≈ 320.577.
    assert!(close(d.value(0), 200.0 + 900.0 * (1.0 - 3f64.sqrt() / 2.0)));
    // The next day repeats.
    assert!(close(d.value(DAY + 14 * HOUR), 2000.0));
    // Starting at 12:00 UTC, t = 2 h is 14:00: the peak; t = 14 h is 02:00: the trough.
    let noon = Shape::build(&spec(json), &ctx_at(epoch_ms("2019-06-03T12:00:00Z"), 1)).unwrap();
    assert!(close(noon.value(2 * HOUR), 2000.0));
    assert!(close(noon.value(14 * HOUR), 200.0));
    // A start before 1970 still reads the right hour (rem_euclid): 1969-12-31T14:00:00Z.
    let old = Shape::build(&spec(json), &ctx_at(-10 * HOUR as i64, 1)).unwrap();
    assert!(close(old.value(0), 2000.0));
}

#[test]
fn weekly_factors_follow_the_utc_weekday() {
    let json = r#"{"pattern": "constant", "rps": 100, "weekly": [1, 2, 3, 4, 5, 6, 0.5]}"#;
    // Start on Sunday 2019-06-09T23:00:00Z (six days and 23 hours after Monday the 3rd).
    let sunday = epoch_ms("2019-06-09T23:00:00Z");
    assert_eq!(sunday, MONDAY + (6 * DAY + 23 * HOUR) as i64);
    let w = Shape::build(&spec(json), &ctx_at(sunday, 1)).unwrap();
    // Sunday: factor 0.5 → 50, until midnight.
    assert_eq!(w.value(0), 50.0);
    assert_eq!(w.value(HOUR - 1), 50.0);
    // Monday 2019-06-10T00:00Z: factor 1 → 100; Tuesday: 2 → 200.
    assert_eq!(w.value(HOUR), 100.0);
    assert_eq!(w.value(HOUR + DAY), 200.0);
    // From Monday the 3rd, t = 5 days is Saturday: factor 6 → 600.
    let m = build(json);
    assert_eq!(m.value(5 * DAY + 12 * HOUR), 600.0);
    // Weekly on a sum multiplies the total: (100 + 50) × 2 on Tuesday = 300.
    let s = build(
        r#"{"pattern": "sum", "weekly": [1, 2, 1, 1, 1, 1, 1],
            "of": [{"pattern": "constant", "rps": 100}, {"pattern": "constant", "rps": 50}]}"#,
    );
    assert_eq!(s.value(DAY), 300.0);
    assert_eq!(s.value(0), 150.0);
}

#[test]
fn noise_is_random_access_and_seeded() {
    let s = spec(r#"{"pattern": "constant", "rps": 1000, "noise": 0.1}"#);
    let a = Shape::build(&s, &ctx_at(MONDAY, 42)).unwrap();
    let times: Vec<Millis> = (0..200).map(|i| i * 37 * SECOND).collect();
    let forward: Vec<f64> = times.iter().map(|&t| a.value(t)).collect();
    let backward: Vec<f64> = times.iter().rev().map(|&t| a.value(t)).collect();
    let backward: Vec<f64> = backward.into_iter().rev().collect();
    assert_eq!(forward, backward);
    // A separately built copy with the same seed gives the same values.
    let again = Shape::build(&s, &ctx_at(MONDAY, 42)).unwrap();
    assert!(times.iter().all(|&t| again.value(t) == a.value(t)));
    // Constant within an interval, different across (a tie would need two equal f64 draws).
    assert_eq!(a.value(0), a.value(NOISE_INTERVAL - 1));
    assert_ne!(a.value(0), a.value(NOISE_INTERVAL));
    // Another seed gives other values.
    let b = Shape::build(&s, &ctx_at(MONDAY, 43)).unwrap();
    assert_ne!(a.value(0), b.value(0));
    // The factor is max(0, 1 + 0.1 z): mean 1 and standard deviation 0.1 (truncation at
    // z = −10 is negligible). Over n = 10,000 intervals the sample mean's standard error is
    // 0.1 / √10,000 = 0.001, so ±0.005 is 5 standard errors; the sample standard deviation's
    // standard error is about 0.1 / √(2n) ≈ 0.0007, so ±0.005 is 7.
    let n = 10_000u64;
    let f: Vec<f64> = (0..n)
        .map(|i| a.value(i * NOISE_INTERVAL) / 1000.0)
        .collect();
    let mean = f.iter().sum::<f64>() / n as f64;
    let sd = (f.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    assert!((mean - 1.0).abs() < 0.005, "{mean}");
    assert!((sd - 0.1).abs() < 0.005, "{sd}");
    // Never negative, even at noise 1 (where z < −1 would make 1 + z negative).
    let wild = Shape::build(
        &spec(r#"{"pattern": "constant", "rps": 1, "noise": 1}"#),
        &ctx_at(MONDAY, 5),
    )
    .unwrap();
    let zeros = (0..n)
        .filter(|&i| wild.value(i * NOISE_INTERVAL) == 0.0)
        .count();
    // P(z < −1) ≈ 0.1587 → about 1,587 zeros, ± 3 × √(10,000 × 0.1587 × 0.8413) ≈ ±110.
    assert!((1477..=1697).contains(&zeros), "{zeros}");
    assert!((0..n).all(|i| wild.value(i * NOISE_INTERVAL) >= 0.0));
}

#[test]
fn noise_differs_by_position_in_a_sum() {
    let s = build(
        r#"{"pattern": "sum", "of": [
            {"pattern": "constant", "rps": 100, "noise": 0.2},
            {"pattern": "constant", "rps": 100, "noise": 0.2}]}"#,
    );
    let Kind::Sum(parts) = &s.kind else {
        panic!("not a sum")
    };
    // Same spec, same seed, different positions: different draws.
    assert_ne!(parts[0].value(0), parts[1].value(0));
    assert!(close(s.value(0), parts[0].value(0) + parts[1].value(0)));
    // Zero noise leaves the value untouched.
    assert_eq!(
        build(r#"{"pattern": "constant", "rps": 7, "noise": 0}"#).value(0),
        7.0
    );
}

fn trace_shape(csv: &str, extra: &str) -> Shape {
    let json = format!(r#"{{"pattern": "trace", "file": "inline.csv"{extra}}}"#);
    let s = spec(&json);
    let ShapeSpec::Trace(ts) = &s else {
        panic!("not a trace")
    };
    let kind = Kind::Trace(Shape::trace_kind(
        parse_trace(csv, "inline.csv").unwrap(),
        ts,
    ));
    Shape::with_modifiers(kind, &s, &ctx_at(MONDAY, 1), 0)
}

const THREE_ROWS: &str = "offset_seconds,rps\n0,10\n60,20\n120,30\n";

#[test]
fn trace_hold_and_linear() {
    let h = trace_shape(THREE_ROWS, "");
    assert_eq!(h.value(0), 10.0);
    assert_eq!(h.value(59_999), 10.0);
    assert_eq!(h.value(60_000), 20.0);
    assert_eq!(h.value(90_000), 20.0);
    // After the last row the last value holds.
    assert_eq!(h.value(10 * HOUR), 30.0);
    let l = trace_shape(THREE_ROWS, r#", "interpolate": "linear""#);
    // 30 s into 10 → 20 over 60 s: 15; 45 s into 20 → 30: 27.5.
    assert!(close(l.value(30_000), 15.0));
    assert!(close(l.value(105_000), 27.5));
    assert_eq!(l.value(120_000), 30.0);
    assert_eq!(l.value(10 * HOUR), 30.0);
}

#[test]
fn trace_scale_and_shift() {
    let s = trace_shape(THREE_ROWS, r#", "scale": 2.5, "shift": "30s""#);
    // Before the shifted first row: 0.
    assert_eq!(s.value(29_999), 0.0);
    // 10 × 2.5 = 25 from 30 s; 20 × 2.5 = 50 from 90 s.
    assert_eq!(s.value(30_000), 25.0);
    assert_eq!(s.value(89_999), 25.0);
    assert_eq!(s.value(90_000), 50.0);
    // A trace whose first offset is 60 s: 0 before it.
    let late = trace_shape("offset_seconds,rps\n60,5\n", "");
    assert_eq!(late.value(59_999), 0.0);
    assert_eq!(late.value(60_000), 5.0);
}

#[test]
fn trace_loop() {
    // Spacings 60 s, 60 s → median 60 s; period = 120 − 0 + 60 = 180 s.
    let h = trace_shape(THREE_ROWS, r#", "loop": true"#);
    assert_eq!(h.value(179_999), 30.0);
    assert_eq!(h.value(180_000), 10.0);
    // 250 s → 70 s into the period → 20.
    assert_eq!(h.value(250_000), 20.0);
    // Many periods later: 100 × 180 s + 125 s → 30.
    assert_eq!(h.value(100 * 180_000 + 125_000), 30.0);
    // Linear: from the last row (120 s, 30) to the next first row (180 s, 10): at 150 s, 20.
    let l = trace_shape(THREE_ROWS, r#", "loop": true, "interpolate": "linear""#);
    assert!(close(l.value(150_000), 20.0));
    // 180 s + 30 s → 15, as at 30 s.
    assert!(close(l.value(210_000), 15.0));
    // Spacings 10 s, 20 s (even count) → median (10 + 20) / 2 = 15 s; period 30 + 15 = 45 s.
    let e = trace_shape("offset_seconds,rps\n0,1\n10,2\n30,3\n", r#", "loop": true"#);
    assert_eq!(e.value(44_999), 3.0);
    assert_eq!(e.value(45_000), 1.0);
    // Spacings 10, 10, 30 → median 10 s; period 50 + 10 = 60 s.
    let o = trace_shape(
        "offset_seconds,rps\n0,1\n10,2\n20,3\n50,4\n",
        r#", "loop": true"#,
    );
    assert_eq!(o.value(59_999), 4.0);
    assert_eq!(o.value(60_000), 1.0);
    // First row at 60 s, second at 120 s: period = 120 − 60 + 60 = 120 s, repeating from 60 s,
    // so 0 before 60 s only; 180 s is the first row again, 240 s the second.
    let f = trace_shape("offset_seconds,rps\n60,1\n120,2\n", r#", "loop": true"#);
    assert_eq!(f.value(0), 0.0);
    assert_eq!(f.value(150_000), 2.0);
    assert_eq!(f.value(180_000), 1.0);
    assert_eq!(f.value(240_000), 2.0);
    // A one-row trace just holds.
    let one = trace_shape("offset_seconds,rps\n0,9\n", r#", "loop": true"#);
    assert_eq!(one.value(DAY), 9.0);
}

#[test]
fn trace_from_the_real_file_relative_to_the_scenario() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let ctx = BuildCtx {
        start_epoch_ms: MONDAY,
        base_dir: Some(&dir),
        noise_seed: 1,
    };
    let hold = Shape::build(
        &spec(r#"{"pattern": "trace", "file": "bikesharing-hourly.csv", "scale": 2}"#),
        &ctx,
    )
    .unwrap();
    // Rows 86 at 0 h, 35 at 1 h, 20 at 2 h (lines 2–4 of the file), doubled.
    assert_eq!(hold.value(0), 172.0);
    assert_eq!(hold.value(HOUR + 30 * MINUTE), 70.0);
    let linear = Shape::build(
        &spec(r#"{"pattern": "trace", "file": "bikesharing-hourly.csv", "interpolate": "linear"}"#),
        &ctx,
    )
    .unwrap();
    // Halfway from 35 (1 h) to 20 (2 h): 27.5.
    assert!(close(linear.value(HOUR + 30 * MINUTE), 27.5));
    // Line 350, `2019-06-17T12:00:00Z,459`, is 348 h after the first row.
    assert_eq!(linear.value(348 * HOUR), 459.0);
}

#[test]
fn missing_trace_files_are_all_reported_with_their_paths() {
    let dir = Path::new("/nonexistent-ecsim-dir");
    let ctx = BuildCtx {
        start_epoch_ms: MONDAY,
        base_dir: Some(dir),
        noise_seed: 1,
    };
    let s = spec(
        r#"{"pattern": "sum", "of": [
            {"pattern": "trace", "file": "a.csv"},
            {"pattern": "constant", "rps": 1},
            {"pattern": "trace", "file": "b.csv"}]}"#,
    );
    match Shape::build(&s, &ctx) {
        Err(BuildError::Traces(fs)) => {
            assert_eq!(fs.len(), 2);
            assert_eq!(fs[0].path, path(&["of", "0"]));
            assert_eq!(fs[0].error.file, "/nonexistent-ecsim-dir/a.csv");
            assert_eq!(fs[1].path, path(&["of", "2"]));
            assert_eq!(fs[1].error.file, "/nonexistent-ecsim-dir/b.csv");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn fields_before_pattern_are_checked_against_it() {
    // `peak` belongs to spike, not ramp: caught when `pattern` arrives after it.
    let e = serde_json::from_str::<ShapeSpec>(
        r#"{"peak": 3, "from": 1, "pattern": "ramp", "to": 2, "at": "1h", "over": "1m"}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with(
            "unknown field `peak`, expected one of `from`, `to`, `at`, `over`, `noise`, `weekly`"
        ),
        "{e}"
    );
    // A name no pattern takes, before `pattern`.
    let e = serde_json::from_str::<ShapeSpec>(r#"{"rpm": 3, "pattern": "constant"}"#).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unknown field `rpm`, expected one of `rps`, `noise`, `weekly`"),
        "{e}"
    );
    // A required field missing, and a duplicate.
    let e =
        serde_json::from_str::<ShapeSpec>(r#"{"pattern": "ramp", "from": 1, "to": 2, "at": "1h"}"#)
            .unwrap_err();
    assert!(e.to_string().starts_with("missing field `over`"), "{e}");
    let e = serde_json::from_str::<ShapeSpec>(r#"{"pattern": "constant", "rps": 1, "rps": 2}"#)
        .unwrap_err();
    assert!(e.to_string().starts_with("duplicate field `rps`"), "{e}");
    // A wrong type keeps its field's path even before `pattern` (as from a sorted Value).
    let mut de = serde_json::Deserializer::from_str(
        r#"{"of": [{"rps": "x", "pattern": "constant"}], "pattern": "sum"}"#,
    );
    let e = serde_path_to_error::deserialize::<_, ShapeSpec>(&mut de).unwrap_err();
    assert_eq!(e.path().to_string(), "of[0].rps");
    // null reads as absent: fine for noise, missing for a required field.
    assert_eq!(
        spec(r#"{"pattern": "constant", "rps": 4, "noise": null}"#),
        spec(r#"{"pattern": "constant", "rps": 4}"#)
    );
    let e =
        serde_json::from_str::<ShapeSpec>(r#"{"pattern": "constant", "rps": null}"#).unwrap_err();
    assert!(e.to_string().starts_with("missing field `rps`"), "{e}");
}

#[test]
fn peak_is_the_largest_value_before_noise() {
    assert_eq!(
        build(r#"{"pattern": "constant", "rps": 300}"#).peak(),
        300.0
    );
    // The highest step, whatever its place; a ramp's or spike's larger end (a dip's base).
    assert_eq!(
        build(r#"{"pattern": "step", "steps": [{"at": "0s", "rps": 100}, {"at": "1h", "rps": 320}, {"at": "2h", "rps": 50}]}"#).peak(),
        320.0
    );
    assert_eq!(
        build(r#"{"pattern": "ramp", "from": 900, "to": 100, "at": "1h", "over": "1h"}"#).peak(),
        900.0
    );
    assert_eq!(
        build(r#"{"pattern": "spike", "base": 200, "peak": 20, "at": "1h", "over": "5m"}"#).peak(),
        200.0
    );
    assert_eq!(
        build(r#"{"pattern": "diurnal", "minRps": 200, "maxRps": 2000, "peakAt": "14:00"}"#).peak(),
        2000.0
    );
    // A sum adds its parts' peaks (50 + 2,000), then its weekly factor: the largest, 1.5,
    // gives 3,075; noise leaves the peak alone.
    assert_eq!(
        build(r#"{"pattern": "sum", "noise": 0.5, "weekly": [1, 1, 1, 1, 1.5, 0.5, 0.5], "of": [{"pattern": "constant", "rps": 50}, {"pattern": "diurnal", "minRps": 200, "maxRps": 2000, "peakAt": "14:00"}]}"#).peak(),
        3075.0
    );
    // A trace: its largest row (30) × scale 2.5 = 75.
    assert_eq!(trace_shape(THREE_ROWS, r#", "scale": 2.5"#).peak(), 75.0);
}

#[test]
fn rates_above_a_bound_and_factors_above_the_limit_are_refused() {
    let bound = Bound {
        max: 1000.0,
        kind: "limit",
        unit: "requests per second",
        source: None,
    };
    let problems = check_within(
        &spec(
            r#"{"pattern": "sum", "weekly": [1, 1, 1, 1, 1, 1, 1000001], "of": [{"pattern": "ramp", "from": 1000, "to": 1001, "at": "0s", "over": "1m"}, {"pattern": "trace", "file": "t.csv", "scale": 2e6}]}"#,
        ),
        Some(bound),
    );
    // 1,000 is the bound itself; 1,001 is above it. A factor may be 1e6 = 1,000,000 at most.
    assert_eq!(
        problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            ".of[0].to: to 1001 is above the limit of 1000 requests per second: expected at most 1000",
            ".of[1].scale: scale 2000000 is above the limit of 1000000 for a factor: expected at most 1000000",
            ".weekly[6]: weekly factor 1000001 is above the limit of 1000000 for a factor: expected at most 1000000",
        ]
    );
    // Without a bound (`check`), only the factor limit applies.
    assert_eq!(
        check(&spec(r#"{"pattern": "constant", "rps": 1e300}"#)),
        Vec::new()
    );
}

#[test]
fn a_noise_memo_gives_the_fresh_values_and_draws_once_per_interval() {
    // Four noisy nodes, met in this order: the inner sum's two parts (constant 0.2, diurnal
    // 0.4), the inner sum itself (0.1), then the outer sum (0.3): a part's noise after its
    // parts'; the plain constant 5 has none.
    let s = build(
        r#"{"pattern": "sum", "noise": 0.3, "of": [
            {"pattern": "sum", "noise": 0.1, "of": [
                {"pattern": "constant", "rps": 100, "noise": 0.2},
                {"pattern": "diurnal", "minRps": 10, "maxRps": 90, "peakAt": "06:00", "noise": 0.4}]},
            {"pattern": "constant", "rps": 5}]}"#,
    );
    let mut memo = NoiseMemo::default();
    // Every 10 s over 3 minutes, as the load steps evaluate at step midpoints: within a
    // minute the draws come from the memo, at each new minute they are drawn again.
    for t in (5_000..180_000).step_by(10_000) {
        assert_eq!(s.value_memo(t, &mut memo), s.value(t), "t = {t}");
        assert_eq!(memo.interval, Some(t / NOISE_INTERVAL));
        assert_eq!(memo.z.len(), 4, "four noisy nodes");
    }
    // The memo's draws are the fresh ones: the outer sum's noise is the fourth, drawn from
    // the shape's own (seed, node, interval); the last t, 175 s, is in interval 2.
    assert_eq!(memo.z[3], noise_z(s.noise_seed, s.node, 2));
    // Going back in time to an earlier interval draws again (no stale value is reused).
    assert_eq!(s.value_memo(65_000, &mut memo), s.value(65_000));
    assert_eq!(memo.interval, Some(1));
}
