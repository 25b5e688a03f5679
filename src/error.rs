//! Errors and their exit codes: 2 for invalid input (every problem listed, each with its file,
//! line and column where known, field path, what was found and what would be valid), 1 for
//! anything else.

use std::fmt;
use std::path::PathBuf;

/// One problem with an input, located as precisely as the parser knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (or `<built-in quickstart>`, `--set`).
    pub file: String,
    /// 1-based line and column, where known.
    pub pos: Option<(usize, usize)>,
    /// The field path, e.g. `services[0].taskDefinition.memory` (empty for the whole file).
    pub path: String,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((l, c)) = self.pos {
            write!(f, ":{l}:{c}")?;
        }
        if self.path.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", self.path, self.message)
        }
    }
}

/// Everything that can go wrong in ecsim.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is invalid; nothing was run or written.
    #[error("{}", list(.0))]
    Invalid(Vec<Problem>),
    /// An output file could not be written; files already complete are kept, the one being
    /// written is not left half-written.
    #[error("cannot write {}: {source}", path.display())]
    Output {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn list(problems: &[Problem]) -> String {
    let mut s = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str("error: ");
        s.push_str(&p.to_string());
    }
    if problems.len() > 1 {
        s.push_str(&format!("\n{} problems found", problems.len()));
    }
    s
}

impl Error {
    /// The process exit code: 2 for invalid input, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(_) => 2,
            Error::Output { .. } => 1,
        }
    }

    /// One problem as an [`Error::Invalid`].
    pub fn invalid(file: &str, path: &str, message: impl Into<String>) -> Error {
        Error::Invalid(vec![Problem {
            file: file.to_string(),
            pos: None,
            path: path.to_string(),
            message: message.into(),
        }])
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
