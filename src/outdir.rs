//! Output folders: where a command writes, one writer at a time, and which files are ecsim's.
//!
//! Every command that writes (run, compare, sweep, merge) goes through an [`OutDir`]:
//! - **Where.** A default folder is `output/` plus one path component made from the scenario's
//!   name by [`component`] (a `name` of `"/abs/dir"` or `".."` can never lead outside
//!   `output/`); `--out` is the user's explicit choice and is taken as given.
//! - **One writer.** [`OutDir::open`] takes an exclusive advisory lock on the folder's
//!   [`LOCK`] file (`flock`-style, through `std::fs::File::try_lock`) and holds it until the
//!   command ends (the lock goes with the process, however it ends). A second command into the
//!   same folder is refused (exit 2), naming the process holding it.
//! - **One set.** A folder holds one command's files. The hidden [`MANIFEST`] lists every file
//!   ecsim wrote there; the next set's switch ([`OutDir::write_set`], [`OutDir::begin_set`])
//!   removes the earlier set's files that the new set does not rewrite, so a run with
//!   `--no-charts` leaves no chart of the run before it and `ecsim explain` never reads another
//!   run's table. Files not in the manifest — the user's own — are never touched.
//! - **Durable.** Each file is written complete under a hidden temporary name
//!   (`.NAME.tmp-PID`), flushed and renamed (a file streamed while the command runs, such as a
//!   run's CSV tables, is a [`Partial`], `.NAME.partial-PID`, until its set takes it); the
//!   set's marker (report.json, comparison.json, summary.json) is removed before the first
//!   rename and renamed last, so a folder holding the marker holds one complete set whatever
//!   stops the process. During a switch the manifest
//!   lists the old set and the new, so a switch cut short is finished by the next command.
//!   Temporary files of processes that are gone are removed by the next command into the
//!   folder ([`remove_stale_temps`]).
//!
//! ```
//! use ecsim::outdir::component;
//! assert_eq!(component("web-test").as_deref(), Some("web-test"));
//! assert_eq!(component("/abs/dir").as_deref(), Some("abs-dir"));
//! assert_eq!(component("../../x").as_deref(), Some("x"));
//! assert_eq!(component(".."), None);
//! ```

use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The folder default output folders go in, relative to the working directory.
pub const ROOT: &str = "output";
/// The lock file in every output folder (kept: removing a lock file races with its next user).
pub const LOCK: &str = ".ecsim.lock";
/// The manifest: the files of the folder that ecsim wrote, as JSON (`ecsim.manifest/1`).
pub const MANIFEST: &str = ".ecsim-manifest.json";
/// The manifest's schema.
pub const MANIFEST_SCHEMA: &str = "ecsim.manifest/1";
/// The most bytes of a folder name made from a scenario's name ([`component`]).
pub const MAX_COMPONENT_BYTES: usize = 100;
/// The most bytes of a chart's file name before its extension ([`bounded_name`]): far below
/// the 255 bytes file systems allow, whatever the service and policy names (255 and 256
/// characters in AWS).
pub const MAX_FILE_STEM_BYTES: usize = 120;
/// The largest manifest read back; a larger one is not ecsim's and is ignored.
const MAX_MANIFEST_BYTES: u64 = 16 << 20;
/// The most file names a manifest may list.
const MAX_MANIFEST_FILES: usize = 200_000;
/// The markers: each set's main file, written last.
pub const MARKERS: [&str; 3] = ["report.json", "comparison.json", "summary.json"];

/// `name` as one safe path component: ASCII letters, digits, `.`, `-` and `_` kept, any other
/// character (`/`, `\`, a space, a control character, anything non-ASCII) becomes `-`, runs of
/// `-` are one, leading and trailing `.` and `-` are dropped (no hidden folder, no `.` or
/// `..`), at most [`MAX_COMPONENT_BYTES`]. `None` when nothing is left.
pub fn component(name: &str) -> Option<String> {
    let mut s = String::with_capacity(name.len().min(MAX_COMPONENT_BYTES * 4));
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
            c
        } else {
            '-'
        };
        if !(c == '-' && s.ends_with('-')) {
            s.push(c);
        }
    }
    let t = s.trim_matches(|c| c == '.' || c == '-');
    let t = &t[..t.len().min(MAX_COMPONENT_BYTES)];
    let t = t.trim_end_matches(['.', '-']);
    (!t.is_empty()).then(|| t.to_string())
}

/// The default output folder `output/<prefix><component(name)>` for a scenario named `name`
/// (`file` names where the name comes from, for the message), and, when the name had to be
/// changed to make one safe folder name, a note saying so. A name that leaves nothing
/// (`""`, `"."`, `".."`, `"///"`) is refused: choose `--out`.
pub fn default_folder(prefix: &str, name: &str, file: &str) -> Result<(PathBuf, Option<String>)> {
    let Some(c) = component(name) else {
        return Err(Error::invalid(
            file,
            "name",
            format!(
                "{:?} gives no folder name under {ROOT}/ (it needs a letter or digit): name the \
                 scenario, e.g. \"web-test\", or choose a folder with --out",
                name
            ),
        ));
    };
    let folder = Path::new(ROOT).join(format!("{prefix}{c}"));
    let note = (c != name).then(|| {
        format!(
            "the scenario's name {name:?} is not one plain folder name: writing into {}",
            folder.display()
        )
    });
    Ok((folder, note))
}

/// `stem` if it has at most [`MAX_FILE_STEM_BYTES`] bytes, else its first bytes and `-` and
/// eight hex digits of its FNV-1a hash (so two long names that share a beginning stay apart).
/// `stem` must already be safe ASCII ([`component`]-like).
pub fn bounded_name(stem: &str) -> String {
    if stem.len() <= MAX_FILE_STEM_BYTES {
        return stem.to_string();
    }
    let hash = crate::sweep::results::fnv1a64(stem.as_bytes()) as u32;
    let mut cut = MAX_FILE_STEM_BYTES - 9;
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{hash:08x}", &stem[..cut])
}

/// A name that may stand in a manifest: one component, not hidden, no separator.
fn is_own_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 255
        && !n.starts_with('.')
        && !n.contains(['/', '\\', '\0'])
        && n != ".."
}

/// An output folder, locked for this process until dropped.
#[derive(Debug)]
pub struct OutDir {
    path: PathBuf,
    /// The lock's file; `None` where the file system cannot lock.
    lock: Option<File>,
}

impl OutDir {
    /// Makes the folder `path` (with its parents), checks that a file can be created in it,
    /// takes its lock and removes temporary files that gone processes left there. An
    /// unwritable folder (a path under a regular file, a read-only folder) and a folder
    /// another ecsim command is writing are refused as invalid input (exit 2) before anything
    /// runs.
    pub fn open(path: &Path) -> Result<OutDir> {
        let shown = path.display().to_string();
        std::fs::create_dir_all(path).map_err(|e| {
            Error::invalid(
                &shown,
                "--out",
                format!("cannot create the output folder ({e}): choose a folder you can write"),
            )
        })?;
        let cannot_write = |e: std::io::Error| {
            Error::invalid(
                &shown,
                "--out",
                format!("cannot write in the output folder ({e}): choose a folder you can write"),
            )
        };
        // A file can be made in it (the lock file may exist already, writable in a folder
        // that is not).
        // Named as a temporary file so that, if a kill leaves it, the next command removes it.
        let probe = path.join(format!(".ecsim-write-check.tmp-{}", std::process::id()));
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&probe)
            .map_err(cannot_write)?;
        let _ = std::fs::remove_file(&probe);
        let lock_path = path.join(LOCK);
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(cannot_write)?;
        let lock = match f.try_lock() {
            Ok(()) => {
                // Who holds it, for the message a second writer gets.
                let _ = f.set_len(0);
                let _ = f.write_all(holder().as_bytes());
                let _ = f.flush();
                Some(f)
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = (&f).take(4096).read_to_string(&mut text);
                let who = text.trim();
                let who = if who.is_empty() {
                    "another ecsim command".to_string()
                } else {
                    who.to_string()
                };
                return Err(Error::invalid(
                    &shown,
                    "--out",
                    format!(
                        "the output folder is in use by {who}: wait for it to finish, or choose \
                         another --out"
                    ),
                ));
            }
            // A file system without locks (some network ones): go on unlocked.
            Err(std::fs::TryLockError::Error(_)) => None,
        };
        remove_stale_temps(path);
        Ok(OutDir {
            path: path.to_path_buf(),
            lock,
        })
    }

    /// [`OutDir::open`] for a command: warns on stderr (unless `quiet`) when the folder's file
    /// system cannot lock.
    pub fn open_for_command(path: &Path, quiet: bool) -> Result<OutDir> {
        let dir = OutDir::open(path)?;
        if !dir.locked() && !quiet {
            crate::term::err(&format!(
                "warning: {}: the file system cannot lock the folder; do not run two commands \
                 into it at once",
                path.display()
            ));
        }
        Ok(dir)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `name` in the folder.
    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Whether this process holds the folder's lock (false where the file system has none).
    pub fn locked(&self) -> bool {
        self.lock.is_some()
    }

    /// The files the manifest lists: those ecsim wrote into the folder. Empty when there is
    /// no manifest or it is not one ecsim wrote (too large, malformed, names that are not
    /// plain file names — read back like any input, never trusted).
    pub fn own_files(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let Ok(f) = File::open(self.join(MANIFEST)) else {
            return out;
        };
        if !f.metadata().is_ok_and(|m| m.is_file()) {
            return out;
        }
        let mut text = String::new();
        if f.take(MAX_MANIFEST_BYTES + 1)
            .read_to_string(&mut text)
            .is_err()
            || text.len() as u64 > MAX_MANIFEST_BYTES
        {
            return out;
        }
        #[derive(serde::Deserialize)]
        struct Manifest {
            schema: String,
            files: Vec<String>,
        }
        let Ok(m) = serde_json::from_str::<Manifest>(&text) else {
            return out;
        };
        if m.schema != MANIFEST_SCHEMA || m.files.len() > MAX_MANIFEST_FILES {
            return out;
        }
        out.extend(m.files.into_iter().filter(|n| is_own_name(n)));
        out
    }

    fn write_manifest(&self, files: &BTreeSet<String>) -> Result<()> {
        let v = serde_json::json!({ "schema": MANIFEST_SCHEMA, "files": files });
        let text = serde_json::to_string_pretty(&v).expect("serializes") + "\n";
        write_atomic(&self.join(MANIFEST), text.as_bytes())
    }

    /// The first half of switching the folder to a new set of files named `set` whose marker
    /// is `marker`: the manifest is made to list the old set and the new, then the marker and
    /// every other marker of the old set are removed, then the old set's files that `set`
    /// does not have. After this the folder holds no complete set until the new marker is in
    /// place. A sweep calls it when it starts (its grid.json and results.csv come before its
    /// summary); [`OutDir::write_set`] calls it for every set.
    pub fn begin_set(&self, set: &BTreeSet<String>, marker: &str) -> Result<()> {
        let old = self.own_files();
        let both: BTreeSet<String> = old.union(set).cloned().collect();
        self.write_manifest(&both)?;
        let markers = std::iter::once(marker)
            .chain(MARKERS.into_iter().filter(|m| old.contains(*m)))
            .collect::<BTreeSet<_>>();
        for m in markers {
            self.remove(m)?;
        }
        for gone in old.difference(set) {
            self.remove(gone)?;
        }
        Ok(())
    }

    /// Removes `name` when it is a file (never a folder); a missing file is not an error.
    fn remove(&self, name: &str) -> Result<()> {
        let path = self.join(name);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if !m.is_dir() => std::fs::remove_file(&path).or_else(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Ok(())
                } else {
                    Err(Error::Output { path, source: e })
                }
            }),
            _ => Ok(()),
        }
    }

    /// Writes a set of files as one and makes it the folder's set: each of `files` (name,
    /// bytes) is first written complete under its hidden temporary name and flushed, `staged`
    /// adds files already complete under a temporary name (temporary path, name), `also` names
    /// files of the set written earlier (a sweep's grid.json and results.csv); then
    /// [`OutDir::begin_set`], the renames with `marker` last, and the manifest listing just
    /// this set. On an error every temporary file of this call is removed.
    pub fn write_set(
        &self,
        marker: &str,
        files: Vec<(String, Vec<u8>)>,
        mut staged: Vec<(PathBuf, String)>,
        also: &[&str],
    ) -> Result<()> {
        let cleanup = |staged: &[(PathBuf, String)]| {
            for (tmp, _) in staged {
                let _ = std::fs::remove_file(tmp);
            }
        };
        let mut own = Vec::with_capacity(files.len());
        for (name, bytes) in &files {
            match stage(&self.join(name), bytes) {
                Ok(tmp) => own.push((tmp, name.clone())),
                Err(e) => {
                    cleanup(&own);
                    cleanup(&staged);
                    return Err(e);
                }
            }
        }
        drop(files);
        staged.extend(own);
        let set: BTreeSet<String> = staged
            .iter()
            .map(|(_, n)| n.clone())
            .chain(also.iter().map(|n| n.to_string()))
            .collect();
        debug_assert!(set.iter().all(|n| is_own_name(n)), "{set:?}");
        if let Err(e) = self.begin_set(&set, marker) {
            cleanup(&staged);
            return Err(e);
        }
        // The marker goes last.
        staged.sort_by_key(|(_, name)| name == marker);
        for (k, (tmp, name)) in staged.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, self.join(name)) {
                cleanup(&staged[k..]);
                return Err(Error::Output {
                    path: self.join(name),
                    source: e,
                });
            }
        }
        sync_dir(&self.join(marker));
        self.write_manifest(&set)
    }
}

/// `process PID (ecsim ARGS…)`, control characters escaped: who holds a lock.
fn holder() -> String {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().escape_debug().to_string())
        .collect();
    let mut line = args.join(" ");
    if line.len() > 1000 {
        let mut cut = 1000;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line.truncate(cut);
        line.push('…');
    }
    format!("process {} ({line})\n", std::process::id())
}

/// The hidden temporary name `path` is written under before it is renamed into place.
fn temp_name(path: &Path) -> PathBuf {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    dir.join(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes `bytes` under `path`'s temporary name, flushed to disk; returns that name.
fn stage(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    stage_with(path, |w| w.write_all(bytes))
}

/// Streams what `fill` writes (through a buffer) under `path`'s temporary name, flushed to
/// disk; returns that name. Nothing of the file is held in memory beyond the buffer (`fill`
/// writes into the buffer's concrete type, so small writes — serde_json writes token by token
/// — are copies into it rather than calls through a trait object).
pub fn stage_with(
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<File>) -> std::io::Result<()>,
) -> Result<PathBuf> {
    let tmp = temp_name(path);
    let result = (|| {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, File::create(&tmp)?);
        fill(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::Output {
            path: path.to_path_buf(),
            source: e,
        });
    }
    Ok(tmp)
}

/// The hidden name a file streamed during a command (a run's CSV tables) has in the output
/// folder until its set is written: `.NAME.partial-PID`.
pub fn partial_name(name: &str) -> String {
    format!(".{name}.partial-{}", std::process::id())
}

/// A file streamed while a command runs, under its [`partial_name`] in the output folder: the
/// caller writes into it as the data comes, [`Partial::finish`] flushes it to disk, and the set
/// it belongs to renames it into place ([`OutDir::write_set`], as a staged file).
#[derive(Debug)]
pub struct Partial {
    tmp: PathBuf,
    w: std::io::BufWriter<File>,
}

impl Partial {
    /// Creates `dir` if needed and `name`'s partial file in it (truncated if this process had
    /// one).
    pub fn create(dir: &Path, name: &str) -> std::io::Result<Partial> {
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(partial_name(name));
        let f = File::create(&tmp)?;
        Ok(Partial {
            tmp,
            w: std::io::BufWriter::with_capacity(1 << 16, f),
        })
    }

    /// Flushes the file to disk and returns its path, to be renamed into place.
    pub fn finish(self) -> std::io::Result<PathBuf> {
        let f = self.w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        Ok(self.tmp)
    }
}

impl Write for Partial {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.w.write(buf)
    }
    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.w.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

/// Removes this process's partial file of `name` from `dir` (after a failed run or write).
pub fn remove_partial(dir: &Path, name: &str) {
    let _ = std::fs::remove_file(dir.join(partial_name(name)));
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed, then
/// renamed over the target. Readers see the old complete file or the new one, never half.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = stage(path, bytes)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::Output {
            path: path.to_path_buf(),
            source: e,
        }
    })?;
    sync_dir(path);
    Ok(())
}

/// Flushes the folder holding `path` to disk so that renames into it survive a machine crash
/// (a no-op where a folder cannot be opened as a file).
fn sync_dir(path: &Path) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The process id in a temporary name this program writes (`.NAME.tmp-PID` for a file being
/// staged, `.NAME.partial-PID` for a table streamed during a run), or `None` for any other name.
fn temp_owner(name: &str) -> Option<u32> {
    let (head, pid) = name.strip_prefix('.')?.rsplit_once('-')?;
    let known = [".tmp", ".partial"]
        .iter()
        .any(|s| head.len() > s.len() && head.ends_with(s));
    if !known || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` is alive, where the system can tell (`/proc/PID` on Linux); `false`
/// where it cannot.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && proc.join(pid.to_string()).exists()
}

/// Removes the temporary files (`.NAME.tmp-PID`, `.NAME.partial-PID`) that processes which are
/// no longer running left in `dir` — a run, compare, sweep or merge killed part-way cannot
/// remove its own; [`OutDir::open`] calls this. Files of this process and of live processes
/// (known from `/proc` on Linux; elsewhere every other process counts as gone) are kept. Any
/// other file is never touched.
pub fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = temp_owner(&name.to_string_lossy()) else {
            continue;
        };
        if pid != me && !process_alive(pid) && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ecsim-unit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// The hidden names in `d` other than the lock and the manifest.
    fn hidden(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with('.') && n != LOCK && n != MANIFEST)
            .collect();
        v.sort();
        v
    }

    fn names(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| !n.starts_with('.'))
            .collect();
        v.sort();
        v
    }

    fn file(name: &str, bytes: &str) -> (String, Vec<u8>) {
        (name.to_string(), bytes.as_bytes().to_vec())
    }

    #[test]
    fn a_name_becomes_one_safe_component_or_none() {
        // Each unsafe character becomes `-`, runs of `-` are one, leading/trailing `.`/`-` go.
        assert_eq!(component("/abs/dir").as_deref(), Some("abs-dir"));
        assert_eq!(component("/../../../x").as_deref(), Some("x"));
        assert_eq!(
            component("web service v2").as_deref(),
            Some("web-service-v2")
        );
        assert_eq!(component("a/../b").as_deref(), Some("a-..-b"));
        assert_eq!(component("caf\u{e9}").as_deref(), Some("caf"));
        assert_eq!(component("\u{1b}[31mred").as_deref(), Some("31mred"));
        assert_eq!(component("v1.2").as_deref(), Some("v1.2"));
        for nothing in ["", ".", "..", "///", "-", ". .", "\u{e9}"] {
            assert_eq!(component(nothing), None, "{nothing:?}");
        }
        // 300 letters are cut to the first 100.
        assert_eq!(
            component(&"a".repeat(300)).unwrap().len(),
            MAX_COMPONENT_BYTES
        );
    }

    #[test]
    fn a_default_folder_stays_one_folder_under_output() {
        let (p, note) = default_folder("", "quickstart", "q.json").unwrap();
        assert_eq!(p, Path::new("output/quickstart"));
        assert!(note.is_none());
        let (p, note) = default_folder("sweep-", "/etc", "q.json").unwrap();
        assert_eq!(p, Path::new("output/sweep-etc"));
        assert!(note.unwrap().contains("\"/etc\""));
        let e = default_folder("compare-", "..", "q.json").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string()
                .contains("q.json: name: \"..\" gives no folder name"),
            "{e}"
        );
    }

    #[test]
    fn a_long_file_name_is_bounded_with_a_hash() {
        assert_eq!(bounded_name("tasks-web"), "tasks-web");
        let long = format!("metric-{}-cpu", "s".repeat(255));
        let b = bounded_name(&long);
        // 111 bytes of the name, `-`, 8 hex digits: 120.
        assert_eq!(b.len(), MAX_FILE_STEM_BYTES);
        assert!(b.starts_with("metric-sss"));
        // Another long name with the same first 111 bytes gets another hash.
        let other = format!("metric-{}-mem", "s".repeat(255));
        assert_ne!(bounded_name(&other), b);
        assert_eq!(&bounded_name(&other)[..111], &b[..111]);
    }

    #[test]
    fn a_set_writes_every_file_and_no_temporary_one_stays() {
        let d = folder("set-ok");
        let o = OutDir::open(&d).unwrap();
        let files = vec![file("report.json", "new report"), file("a.csv", "a")];
        o.write_set("report.json", files, Vec::new(), &[]).unwrap();
        assert_eq!(std::fs::read(d.join("report.json")).unwrap(), b"new report");
        assert_eq!(std::fs::read(d.join("a.csv")).unwrap(), b"a");
        assert!(hidden(&d).is_empty());
        let own: Vec<String> = o.own_files().into_iter().collect();
        assert_eq!(own, ["a.csv", "report.json"]);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn the_next_set_removes_the_files_of_the_last_that_it_does_not_rewrite() {
        // Set 1: report.json, a.csv, chart.png. The user adds notes.txt. Set 2 (as a run with
        // --no-charts): report.json, a.csv. After it the folder holds set 2 and notes.txt.
        let d = folder("set-switch");
        let o = OutDir::open(&d).unwrap();
        let one = vec![
            file("report.json", "1"),
            file("a.csv", "1"),
            file("chart.png", "1"),
        ];
        o.write_set("report.json", one, Vec::new(), &[]).unwrap();
        std::fs::write(d.join("notes.txt"), "mine").unwrap();
        let two = vec![file("report.json", "2"), file("a.csv", "2")];
        o.write_set("report.json", two, Vec::new(), &[]).unwrap();
        assert_eq!(names(&d), ["a.csv", "notes.txt", "report.json"]);
        assert_eq!(std::fs::read(d.join("a.csv")).unwrap(), b"2");
        // A compare into the same folder: the run's set goes, notes.txt stays.
        let three = vec![file("comparison.json", "3"), file("comparison.csv", "3")];
        o.write_set("comparison.json", three, Vec::new(), &[])
            .unwrap();
        assert_eq!(
            names(&d),
            ["comparison.csv", "comparison.json", "notes.txt"]
        );
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_switch_cut_short_is_finished_by_the_next_set() {
        // A set's switch began (the manifest lists old ∪ new: report.json, a.csv, b.png) and
        // the process died after renaming b.png. The next set (report.json, a.csv) knows b.png
        // as ecsim's and removes it.
        let d = folder("set-cut");
        let o = OutDir::open(&d).unwrap();
        let set: BTreeSet<String> = ["report.json", "a.csv", "b.png"].map(String::from).into();
        o.begin_set(&set, "report.json").unwrap();
        std::fs::write(d.join("b.png"), "half a set").unwrap();
        let next = vec![file("report.json", "2"), file("a.csv", "2")];
        o.write_set("report.json", next, Vec::new(), &[]).unwrap();
        assert_eq!(names(&d), ["a.csv", "report.json"]);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_manifest_is_read_back_like_input() {
        // Names with a separator, hidden names and `..` are never taken as ecsim's files; a
        // manifest of another schema is ignored whole.
        let d = folder("manifest-bad");
        std::fs::write(d.join("keep.txt"), "user").unwrap();
        let o = OutDir::open(&d).unwrap();
        std::fs::write(
            d.join(MANIFEST),
            r#"{"schema":"ecsim.manifest/1","files":["../x","/etc/passwd",".ecsim.lock","..","ok.csv"]}"#,
        )
        .unwrap();
        let own: Vec<String> = o.own_files().into_iter().collect();
        assert_eq!(own, ["ok.csv"]);
        std::fs::write(
            d.join(MANIFEST),
            r#"{"schema":"other/1","files":["keep.txt"]}"#,
        )
        .unwrap();
        assert!(o.own_files().is_empty());
        std::fs::write(d.join(MANIFEST), "not json").unwrap();
        assert!(o.own_files().is_empty());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_set_failing_part_way_never_leaves_the_marker_beside_a_mix() {
        // The previous set: report.json "old", a.csv "old". The new set's b.csv cannot be
        // renamed (a non-empty folder has its name). Renames go a.csv, b.csv (fails), and
        // report.json would be last: so a.csv is new, the old report.json was removed before
        // the first rename — the folder does not claim a complete set — and nothing hidden
        // is left.
        let d = folder("set-fail");
        let o = OutDir::open(&d).unwrap();
        o.write_set(
            "report.json",
            vec![file("report.json", "old"), file("a.csv", "old")],
            Vec::new(),
            &[],
        )
        .unwrap();
        std::fs::create_dir_all(d.join("b.csv").join("inside")).unwrap();
        let files = vec![
            file("report.json", "new"),
            file("a.csv", "new"),
            file("b.csv", "new"),
        ];
        let e = o.write_set("report.json", files, Vec::new(), &[]);
        assert!(e.is_err());
        assert!(!d.join("report.json").exists());
        assert_eq!(std::fs::read(d.join("a.csv")).unwrap(), b"new");
        assert!(hidden(&d).is_empty(), "{:?}", hidden(&d));
        // The folder b.csv was never ecsim's file: it stays.
        assert!(d.join("b.csv").join("inside").is_dir());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_second_writer_is_refused_naming_the_first() {
        let d = folder("lock");
        let first = OutDir::open(&d).unwrap();
        assert!(first.locked());
        let e = OutDir::open(&d).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let me = format!("in use by process {} (", std::process::id());
        assert!(e.to_string().contains(&me), "{e}");
        drop(first);
        // Released with its holder.
        assert!(OutDir::open(&d).is_ok());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn temporary_names_are_recognised_exactly() {
        assert_eq!(temp_owner(".report.json.tmp-123"), Some(123));
        assert_eq!(temp_owner(".metrics.csv.partial-7"), Some(7));
        assert_eq!(temp_owner("report.json.tmp-123"), None); // not hidden
        assert_eq!(temp_owner(".tmp-123"), None); // no name before it
        assert_eq!(temp_owner(".a.tmp-12x"), None);
        assert_eq!(temp_owner(".a.tmp-"), None);
        assert_eq!(temp_owner(".a.backup-12"), None);
    }

    #[test]
    fn a_partial_file_is_staged_under_the_name_cleanup_recognises() {
        let d = folder("partial");
        let me = std::process::id();
        let mut p = Partial::create(&d, "metrics.csv").unwrap();
        p.write_all(b"a,b\n1,2\n").unwrap();
        let tmp = p.finish().unwrap();
        // `.metrics.csv.partial-<this pid>`, holding the 8 bytes written, owned by this process
        // as the stale-file cleanup reads the name.
        let name = tmp.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(name, format!(".metrics.csv.partial-{me}"));
        assert_eq!(std::fs::read(&tmp).unwrap(), b"a,b\n1,2\n");
        assert_eq!(temp_owner(&name), Some(me));
        remove_partial(&d, "metrics.csv");
        assert!(!tmp.exists());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn stale_temporary_files_of_gone_processes_are_removed_and_nothing_else() {
        let d = folder("stale");
        // A process that has ended, and one still running.
        let mut gone = std::process::Command::new("true").spawn().unwrap();
        let gone_pid = gone.id();
        gone.wait().unwrap();
        let mut live = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let me = std::process::id();
        let names = [
            format!(".report.json.tmp-{gone_pid}"),
            format!(".metrics.csv.partial-{gone_pid}"),
            format!(".report.json.tmp-{}", live.id()),
            format!(".summary.txt.tmp-{me}"),
            format!("notes.tmp-{gone_pid}"),
            format!(".tmp-{gone_pid}"),
            "report.json".to_string(),
        ];
        for n in &names {
            std::fs::write(d.join(n), "x").unwrap();
        }
        remove_stale_temps(&d);
        let left = |n: &String| d.join(n).exists();
        assert!(!left(&names[0]) && !left(&names[1]));
        if Path::new("/proc/self").exists() {
            assert!(left(&names[2]), "a live process's file was removed");
        }
        assert!(names[3..].iter().all(left));
        let _ = live.kill();
        let _ = live.wait();
        let _ = std::fs::remove_dir_all(&d);
    }
}
