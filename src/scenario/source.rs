//! Where a scenario comes from: a file, a bundled scenario's name, or the built-in quick start.
//! Read once, loaded as often as wanted with different `--set` assignments (a sweep loads one
//! source per variant and seed).
//!
//! ```
//! use ecsim::scenario::source::Source;
//! let src = Source::resolve(Some("binpack-vs-spread")).unwrap();
//! let s = src.load(&[]).unwrap();
//! assert_eq!(s.name, "binpack-vs-spread");
//! assert!(Source::resolve(Some("no-such-thing")).is_err());
//! ```

use super::set_path::Assignment;
use crate::error::Error;
use std::path::{Path, PathBuf};

/// A scenario's text and where relative paths in it resolve.
#[derive(Debug, Clone)]
pub struct Source {
    /// The scenario text.
    pub text: String,
    /// The name errors give it (the path, `<bundled NAME>` or `<built-in quickstart>`).
    pub file: String,
    /// The folder relative paths (traces) resolve against.
    pub base_dir: Option<PathBuf>,
}

impl Source {
    /// A path, else a bundled scenario's name; None is the built-in quick start.
    pub fn resolve(arg: Option<&str>) -> Result<Source, Error> {
        let Some(name) = arg else {
            return Ok(Source {
                text: crate::bundled::QUICKSTART.to_string(),
                file: "<built-in quickstart>".to_string(),
                base_dir: None,
            });
        };
        let path = Path::new(name);
        // `symlink_metadata`: anything at the path (a FIFO, a device, a dangling link) is the
        // user's file, and read_text says why it cannot be read — it never falls through to a
        // bundled name.
        if path.symlink_metadata().is_ok() {
            let text = read_text(path, name)?;
            return Ok(Source {
                text,
                file: path.display().to_string(),
                base_dir: path.parent().map(Path::to_path_buf),
            });
        }
        if let Some(text) = crate::bundled::get(name) {
            return Ok(Source {
                text: text.to_string(),
                file: format!("<bundled {name}>"),
                base_dir: Some(PathBuf::from(crate::bundled::DIR)),
            });
        }
        let names: Vec<&str> = crate::bundled::SCENARIOS.iter().map(|(n, _)| *n).collect();
        Err(Error::invalid(
            name,
            "",
            format!(
                "no such file, and no bundled scenario of that name: {}(bundled: {})",
                super::suggest::hint(name, &names),
                names.join(", ")
            ),
        ))
    }

    /// The checked scenario with `sets` applied.
    pub fn load(&self, sets: &[Assignment]) -> Result<super::Scenario, Error> {
        super::load_str(&self.text, &self.file, self.base_dir.as_deref(), sets)
    }
}

/// Reads a scenario file as text ([`crate::user_file::read`]: a regular file of at most
/// [`MAX_SCENARIO_BYTES`](super::limits::MAX_SCENARIO_BYTES)). A file that cannot be read, or
/// that is not UTF-8 (with the line and column of the first byte that is not), is invalid input
/// named `name`.
pub fn read_text(path: &Path, name: &str) -> Result<String, Error> {
    let bytes = crate::user_file::read(path, super::limits::MAX_SCENARIO_BYTES, "scenario file")
        .map_err(|why| Error::invalid(name, "", format!("cannot read the scenario file: {why}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let err = e.utf8_error();
        let good = &e.as_bytes()[..err.valid_up_to()];
        // `good` is valid UTF-8 by construction.
        let good = std::str::from_utf8(good).unwrap_or_default();
        // Columns count from after a byte-order mark, as everywhere else (`load_str`).
        let good = good.strip_prefix(super::BOM).unwrap_or(good);
        let line = good.matches('\n').count() + 1;
        let column = good.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        let byte = e.as_bytes()[err.valid_up_to()];
        Error::Invalid(vec![crate::error::Problem {
            file: name.to_string(),
            pos: Some((line, column)),
            path: String::new(),
            message: format!(
                "byte 0x{byte:02X} is not UTF-8 text: a scenario is a JSON text file in UTF-8"
            ),
        }])
    })
}
