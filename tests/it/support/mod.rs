//! What the test modules share: running the `ecsim` binary (with a time limit where an input
//! once made it hang) and reading what it said, running a scenario through the library and
//! reading its report and in-memory tables, and fresh folders. [`scenario`] builds scenarios.

pub mod scenario;

use ecsim::model::world::World;
use ecsim::report::Report;
use ecsim::report::series::Finished;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

// ---------------------------------------------------------------------------------------------
// The binary.

/// Runs the `ecsim` binary with `args` from the repository root.
pub fn ecsim(args: &[&str]) -> Output {
    ecsim_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
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

/// Runs the `ecsim` binary with `args` in the folder `dir`, failing the test if it has not
/// ended after `secs` seconds (it is killed then): for inputs that once made it hang.
pub fn ecsim_within(dir: &Path, args: &[&str], secs: u64) -> Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ecsim starts");
    // Drain the pipes on their own threads, so a long output cannot stall the child.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait for ecsim") {
            break st;
        }
        if start.elapsed() > std::time::Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ecsim {args:?} did not end within {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().expect("stdout read"),
        stderr: err.join().expect("stderr read"),
    }
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

/// `ecsim run ARGS -q --out OUT` from the repository root, asserting that it succeeds.
pub fn run_into(out: &Path, args: &[&str]) {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-q", "--out", out.to_str().expect("a UTF-8 path")]);
    ok(&ecsim(&all));
}

/// What the binary wrote on stdout, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What the binary wrote on stderr, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What one run of the binary did, as text.
pub struct Run {
    /// The exit status (`None` when a signal ended it).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code(),
            stdout: stdout(&o),
            stderr: stderr(&o),
        }
    }
}

impl Run {
    /// `ecsim ARGS` in `dir`.
    pub fn of(dir: &Path, args: &[&str]) -> Run {
        ecsim_in(dir, args).into()
    }

    /// `ecsim ARGS` in `dir`, failing the test if it has not ended after `secs` seconds.
    pub fn within(dir: &Path, args: &[&str], secs: u64) -> Run {
        ecsim_within(dir, args, secs).into()
    }

    /// The `error:` lines of stderr.
    pub fn errors(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect()
    }

    /// The `warning:` lines of stderr.
    pub fn warnings(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .collect()
    }

    /// Asserts that no panic or backtrace reached the user.
    pub fn no_panic(&self) {
        for sign in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
            assert!(
                !self.stderr.contains(sign),
                "a panic reached the user; stderr:\n{}",
                self.stderr
            );
        }
    }

    /// Asserts that the input was refused as every refusal must be: nothing on stdout, and
    /// stderr as [`Run::errors_are`] says.
    pub fn refused(&self, expected: &[&str]) {
        assert!(
            self.stdout.is_empty(),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self.errors_are(expected);
    }

    /// Asserts exit status 2, no panic or backtrace, exactly the `expected` error lines in
    /// order, and nothing else on stderr but warnings and, when there are several problems,
    /// the last line `N problems found`. An expected line ending in `…` is compared as a prefix
    /// (for messages that end in a long list of valid names).
    pub fn errors_are(&self, expected: &[&str]) {
        let shown = format!("stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        assert_eq!(self.code, Some(2), "exit status; {shown}");
        self.no_panic();
        let errors = self.errors();
        assert_eq!(errors.len(), expected.len(), "{shown}");
        for (got, want) in errors.iter().zip(expected) {
            match want.strip_suffix('…') {
                Some(prefix) => assert!(got.starts_with(prefix), "{got}\n  expected {want}"),
                None => assert_eq!(got, want, "{shown}"),
            }
        }
        let count = format!("{} problems found", expected.len());
        let others: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.starts_with("error: ") && !l.starts_with("warning: "))
            .filter(|l| expected.len() < 2 || *l != count)
            .collect();
        assert!(
            others.is_empty(),
            "every problem is one `error:` line; stray lines {others:?}; {shown}"
        );
        if expected.len() > 1 {
            assert_eq!(self.stderr.lines().last(), Some(count.as_str()), "{shown}");
        } else {
            assert!(
                !self.stderr.contains("problems found"),
                "a single problem needs no count line; {shown}"
            );
        }
    }
}

/// Writes `text` as `name` into a fresh folder for `case` and runs `ecsim validate NAME` there.
pub fn validate_file(case: &str, name: &str, text: &str) -> Run {
    let dir = TempDir::new(case);
    dir.write(name, text);
    Run::of(dir.path(), &["validate", name])
}

// ---------------------------------------------------------------------------------------------
// Folders and files.

/// Which test took each folder name: two tests sharing a folder would race.
static FOLDERS: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());

/// A fresh (removed, not created) temporary folder `name` of this process. Every test running
/// in the binary at the same time must use its own names: a name taken by another test panics.
pub fn out_dir(name: &str) -> PathBuf {
    let test = std::thread::current()
        .name()
        .unwrap_or("a thread of a test")
        .to_string();
    let mut taken = FOLDERS.lock().unwrap_or_else(|e| e.into_inner());
    let owner = taken
        .entry(name.to_string())
        .or_insert_with(|| test.clone());
    assert!(
        *owner == test,
        "the folder name `{name}` is used by {owner} and by {test}: give each test its own"
    );
    drop(taken);
    let d = std::env::temp_dir().join(format!("ecsim-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// A fresh, empty folder, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh, empty [`out_dir`] `name`.
    pub fn new(name: &str) -> TempDir {
        let dir = out_dir(name);
        std::fs::create_dir_all(&dir).expect("create the test folder");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `bytes` to `name` inside the folder (creating sub-folders).
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) {
        let file = self.0.join(name);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("create the sub-folder");
        }
        std::fs::write(file, bytes).expect("write the file");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The lines joined with `\n`, with a final newline: line N of the file is `ls[N - 1]`.
pub fn lines(ls: &[&str]) -> String {
    let mut s = ls.join("\n");
    s.push('\n');
    s
}

/// A text file, or a panic naming it.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Runs `scenario` (written into a fresh folder for `case`) with `--explain-placement` and
/// returns its placements.json; panics when the run fails.
pub fn placements(case: &str, scenario: &scenario::Scenario) -> Value {
    let dir = TempDir::new(case);
    dir.write("s.json", scenario.json().to_string());
    let out = dir.path().join("out");
    let o = ecsim(&[
        "run",
        dir.path().join("s.json").to_str().unwrap(),
        "-q",
        "--explain-placement",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&read(&out.join("placements.json"))).unwrap()
}

/// The report.json of an output folder.
pub fn report_json(dir: &Path) -> Value {
    let text = read(&dir.join("report.json"));
    serde_json::from_str(&text).expect("report.json is JSON")
}

// ---------------------------------------------------------------------------------------------
// The library.

/// A scenario given inline: JSON text, or a JSON value (a built [`scenario::Scenario`]).
pub trait Inline {
    /// The scenario's text.
    fn text(&self) -> String;
}

impl Inline for &str {
    fn text(&self) -> String {
        self.to_string()
    }
}

impl Inline for String {
    fn text(&self) -> String {
        self.clone()
    }
}

impl Inline for Value {
    fn text(&self) -> String {
        serde_json::to_string_pretty(self).expect("a JSON value")
    }
}

impl Inline for scenario::Scenario {
    fn text(&self) -> String {
        self.json().text()
    }
}

/// Loads an inline scenario as `test.json`, relative paths against `base`; a refusal fails the
/// test with the messages and the text.
pub fn load_in(s: impl Inline, base: Option<&Path>) -> ecsim::scenario::Scenario {
    let text = s.text();
    ecsim::scenario::load_str(&text, "test.json", base, &[])
        .unwrap_or_else(|e| panic!("the scenario is refused:\n{e}\n{text}"))
}

/// [`load_in`] without a folder.
pub fn load(s: impl Inline) -> ecsim::scenario::Scenario {
    load_in(s, None)
}

/// Tasks of service 0 per instance ordinal.
pub fn per_instance(w: &World) -> Vec<u32> {
    let mut v = vec![0; w.fleet.instances.len()];
    for &slot in w.service_tasks(ecsim::ids::ServiceId(0)) {
        if let Some(i) = w.tasks[slot].instance {
            v[i.index()] += 1;
        }
    }
    v
}

/// Loads and runs an inline scenario with the default options: the tables in memory, no
/// files, no charts.
pub fn run(s: impl Inline) -> Report {
    run_in(s, None)
}

/// [`run`] with relative paths (traces) against `base`.
pub fn run_in(s: impl Inline, base: Option<&Path>) -> Report {
    ecsim::run(load_in(s, base), &ecsim::RunOptions::default()).expect("run")
}

/// [`run`] of a bundled scenario, its traces found in `scenarios/`.
pub fn run_bundled(name: &str) -> Report {
    let text = ecsim::bundled::get(name).expect("bundled");
    run_in(text, Some(Path::new(ecsim::bundled::DIR)))
}

/// The world of an inline scenario at time 0, to be run step by step.
pub fn world(s: impl Inline) -> World {
    World::new(load(s), false)
}

/// A CSV table the run kept in memory.
pub fn table(r: &Report, name: &str) -> String {
    let (_, f) = r
        .tables
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("{name} present"));
    match f {
        Finished::Memory(b) => String::from_utf8(b.clone()).expect("utf-8"),
        Finished::Temp(p) => panic!("{name} should be in memory, not at {p:?}"),
    }
}

/// Rows of a CSV table the run kept in memory, as field vectors (header dropped).
pub fn rows(r: &Report, name: &str) -> Vec<Vec<String>> {
    table(r, name)
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// One activity: (time_s, kind, from, to).
pub type Act = (f64, &'static str, Option<u32>, Option<u32>);

/// The activities of one service, in order.
pub fn acts(r: &Report, service: &str) -> Vec<Act> {
    r.activities
        .iter()
        .filter(|a| a.service.as_deref() == Some(service))
        .map(|a| (a.time_s, a.kind.as_str(), a.from, a.to))
        .collect()
}

/// The activities whose kind starts with `prefix` (`cluster-`, `deployment`), in order.
pub fn acts_of(r: &Report, prefix: &str) -> Vec<Act> {
    r.activities
        .iter()
        .filter(|a| a.kind.as_str().starts_with(prefix))
        .map(|a| (a.time_s, a.kind.as_str(), a.from, a.to))
        .collect()
}

/// The causes of one service's activities as their sentences, in order.
pub fn causes(r: &Report, service: &str) -> Vec<String> {
    r.activities
        .iter()
        .filter(|a| a.service.as_deref() == Some(service))
        .map(|a| a.cause.to_string())
        .collect()
}

/// Equal within 1e-6 (the report rounds money to 6 decimals).
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn a_folder_name_belongs_to_the_one_test_that_took_it() {
    // The same test may ask for its folder again; a thread of another name (as another test's
    // thread is) may not have it.
    let mine = out_dir("support-owner");
    assert_eq!(out_dir("support-owner"), mine);
    let other = std::thread::Builder::new()
        .name("support::another_test".into())
        .spawn(|| out_dir("support-owner"))
        .expect("a thread")
        .join();
    assert!(other.is_err(), "another test got the folder: {other:?}");
}

#[test]
fn a_refusal_is_its_error_lines_and_nothing_else() {
    let run = |code: i32, stdout: &str, stderr: &str| Run {
        code: Some(code),
        stdout: stdout.to_string(),
        stderr: stderr.to_string(),
    };
    let refused = |r: &Run, expected: &[&str]| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.refused(expected))).is_ok()
    };
    // One problem; two with their count; a warning beside them; `…` as a prefix.
    assert!(refused(
        &run(2, "", "error: s.json:1:1: a\n"),
        &["error: s.json:1:1: a"]
    ));
    let two = run(2, "", "warning: w\nerror: a\nerror: b\n2 problems found\n");
    assert!(refused(&two, &["error: a", "error: b"]));
    assert!(refused(&run(2, "", "error: a, b, c\n"), &["error: a, …"]));
    // Each of these is not a refusal as it must be: another exit status, a line on stdout, a
    // panic, another message, a line that is not an error, a missing or needless count line.
    assert!(!refused(&run(1, "", "error: a\n"), &["error: a"]));
    assert!(!refused(&run(2, "out\n", "error: a\n"), &["error: a"]));
    let panicked = run(2, "", "error: a\nthread 'main' panicked at src/x.rs:1:1\n");
    assert!(!refused(&panicked, &["error: a"]));
    assert!(!refused(&run(2, "", "error: b\n"), &["error: a"]));
    assert!(!refused(
        &run(2, "", "error: a\n  and more\n"),
        &["error: a"]
    ));
    assert!(!refused(
        &run(2, "", "error: a\nerror: b\n"),
        &["error: a", "error: b"]
    ));
    assert!(!refused(
        &run(2, "", "error: a\n1 problems found\n"),
        &["error: a"]
    ));
    // errors_are leaves stdout alone (a validate of a good and a bad file prints the good).
    let r = run(2, "good.json: ok\n", "error: a\n");
    assert!(
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.errors_are(&["error: a"])))
            .is_ok()
    );
}
