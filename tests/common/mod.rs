//! Helpers shared by the tests that drive the `ecsim` binary.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `ecsim` binary with `args` from the repository root.
pub fn ecsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("ecsim runs")
}

/// Runs the `ecsim` binary with `args` in the folder `dir` (so that messages name files as
/// they were passed, relative to it).
pub fn ecsim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("ecsim runs")
}

/// A fresh (removed) temporary folder for test `name` of this process.
pub fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ecsim-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Asserts exit status 0, showing stdout and stderr otherwise.
pub fn ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
