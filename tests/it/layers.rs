//! The layering ARCHITECTURE.md promises, checked on the source: which modules may name which.
//! A `use` or a path is found as the text `crate::<module>` (or `super::super::<module>`) in a
//! file of the layer; comments count too, so a doc link across a forbidden edge is refused as
//! well (it would be a broken promise to the reader).

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/<dir>` (or the one file `src/<dir>.rs`).
fn files(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let single = root.join(format!("{dir}.rs"));
    if single.is_file() {
        return vec![single];
    }
    let mut out = Vec::new();
    let mut todo = vec![root.join(dir)];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = e.expect("a directory entry").path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no source under src/{dir}");
    out
}

/// The places in layer `dir` that name one of `forbidden` (`file:line: text`).
fn crossings(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut bad = Vec::new();
    for f in files(dir) {
        let text = std::fs::read_to_string(&f).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            for m in forbidden {
                if line.contains(&format!("crate::{m}::"))
                    || line.contains(&format!("crate::{m}}}"))
                    || line.contains(&format!("crate::{m};"))
                {
                    bad.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    bad
}

#[test]
fn placement_depends_on_no_engine_model_or_output_part() {
    // "Placement is pure": only util, catalogue and ids.
    let bad = crossings(
        "placement",
        &[
            "engine", "model", "report", "scaling", "cost", "sweep", "cli", "scenario",
        ],
    );
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn the_model_does_not_import_the_report_layer() {
    // "The world does not write reports."
    let bad = crossings("model", &["report", "cli", "sweep", "outdir"]);
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn the_experiment_layer_takes_no_cli_type() {
    // sweep/ gets plain option structs; the CLI maps onto them.
    let bad = crossings("sweep", &["cli"]);
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn the_engine_knows_no_ecs_word_and_ids_depend_on_nothing() {
    // The engine imports nothing but util::hash; ids.rs imports nothing of the crate.
    let engine = crossings(
        "engine",
        &[
            "model",
            "placement",
            "scenario",
            "report",
            "scaling",
            "cost",
            "catalogue",
        ],
    );
    assert!(engine.is_empty(), "{engine:#?}");
    let ids: Vec<String> = files("ids")
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).expect("readable source");
            text.lines()
                .filter(|l| l.contains("crate::") && !l.trim_start().starts_with("//"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(ids.is_empty(), "{ids:#?}");
}
