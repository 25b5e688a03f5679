//! The whole pipeline on any input: loading and validation must give a scenario or a list of
//! problems, never a panic; a scenario that loads is run (at most ten simulated minutes, the
//! model's rules checked every minute: a broken one panics), its files are written with the
//! charts drawn (so a value that would make an axis loop shows as a timeout), and `explain`
//! reads them back.
//!
//! The input is the scenario's text, then optionally a NUL byte and the bytes of `trace.csv`,
//! which is written beside the scenario, so `{"pattern": "trace", "file": "trace.csv"}` reads
//! what the fuzzer made (the trace parser is fuzzed through the scenario, with the shapes that
//! use it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

/// This process's working folder: the scenario's folder (trace.csv) and `out/`.
fn folder() -> PathBuf {
    let d = std::env::temp_dir().join(format!("ecsim-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&d);
    d
}

fuzz_target!(|data: &[u8]| {
    let (scenario, trace) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let Ok(text) = std::str::from_utf8(scenario) else {
        return;
    };
    let dir = folder();
    let trace_path = dir.join("trace.csv");
    match trace {
        Some(t) => {
            let _ = std::fs::write(&trace_path, t);
        }
        None => {
            let _ = std::fs::remove_file(&trace_path);
        }
    }
    let Ok(mut s) = ecsim::scenario::load_str(text, "fuzz.json", Some(&dir), &[]) else {
        return;
    };
    // Keep runs short: at most ten simulated minutes.
    s.duration = s.duration.min(600_000);
    let out_path = dir.join("out");
    let out = ecsim::outdir::OutDir::open(&out_path).expect("the fuzz folder opens");
    let run = ecsim::run(
        s,
        &ecsim::RunOptions {
            out_dir: Some(out_path.clone()),
            charts: true,
            // The model's rules are checked every simulated minute: a broken one panics.
            check: true,
            ..Default::default()
        },
    );
    let Ok(mut report) = run else {
        ecsim::report::series::remove_partials(&out_path);
        return;
    };
    if ecsim::report::write_all(&out, &mut report).is_err() {
        return;
    }
    drop(out);
    // What was written reads back: explain must tell it or refuse it, never panic.
    let _ = ecsim::explain::explain(
        &out_path,
        &ecsim::explain::Options {
            service: None,
            at: None,
            limit: 20,
        },
    );
});
