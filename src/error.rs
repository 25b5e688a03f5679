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
    /// One step of a larger job failed (a sweep's run): which step, why, and what to do next.
    #[error("{}", failed(step, source, next))]
    Failed {
        /// The step, e.g. `variant 1 seed 55`.
        step: String,
        /// Why it failed.
        source: Box<Error>,
        /// What the user can do now (a line of its own after the cause).
        next: String,
    },
}

/// `STEP failed: CAUSE` then `NEXT` on a line of its own; the cause's problems (when it is invalid
/// input) follow on their own `error:` lines, the first one on the step's line.
fn failed(step: &str, source: &Error, next: &str) -> String {
    let cause = source.to_string();
    let cause = cause.strip_prefix("error: ").unwrap_or(&cause);
    format!("{step} failed: {cause}\n{next}")
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
            Error::Failed { source, .. } => source.exit_code(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_step_says_its_cause_on_its_own_line() {
        // An output failure: one line with the cause, the next step on the following line;
        // exit 1 as the cause's.
        let e = Error::Failed {
            step: "variant 1 seed 55".into(),
            source: Box::new(Error::Output {
                path: PathBuf::from("out/results.csv"),
                source: std::io::Error::from_raw_os_error(28),
            }),
            next: "run it again with --resume".into(),
        };
        assert_eq!(
            e.to_string(),
            "variant 1 seed 55 failed: cannot write out/results.csv: No space left on device \
             (os error 28)\nrun it again with --resume"
        );
        assert_eq!(e.exit_code(), 1);
        // Invalid input: its first problem on the step's line (without a second `error: `),
        // exit 2.
        let e = Error::Failed {
            step: "variant 0 seed 1".into(),
            source: Box::new(Error::invalid("s.json", "seed", "too large")),
            next: "next".into(),
        };
        assert_eq!(
            e.to_string(),
            "variant 0 seed 1 failed: s.json: seed: too large\nnext"
        );
        assert_eq!(e.exit_code(), 2);
    }
}
