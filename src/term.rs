//! Everything ecsim prints goes through here: [`out`] (stdout) and [`err`] (stderr) write text
//! with [`escape`] applied, so that a name, a description, an unknown key or a file name taken
//! from a scenario someone was handed cannot move the cursor, retitle the window, ring the bell
//! or hide what is printed after it. Every command's output, error messages, warnings, the run
//! summary, explain's text and the compare / sweep tables are printed with these two functions
//! (clippy's `print_stdout` / `print_stderr` lints and the disallowed `std::io::stdout` /
//! `std::io::stderr` keep it so: they are allowed in this module alone). JSON on stdout
//! (`--json`) is escaped by serde_json for the C0 range; [`json`] escapes the rest the JSON way.
//!
//! The characters escaped are the C0 controls except line feed and tab (U+0000–U+001F, so
//! carriage return and ESC included), DEL (U+007F) and the C1 controls (U+0080–U+009F, which
//! some terminals read as ESC sequences), shown as `\u{1b}`, Rust's notation.
//!
//! ```
//! use ecsim::term::escape;
//! assert_eq!(escape("web\u{1b}[2J\u{7}"), "web\\u{1b}[2J\\u{7}");
//! assert_eq!(escape("a\tb\nc é"), "a\tb\nc é");
//! assert_eq!(escape("\r\u{9b}\u{7f}"), "\\u{d}\\u{9b}\\u{7f}");
//! ```

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;

/// Whether `c` could act on a terminal: C0 controls other than line feed and tab, DEL and C1.
pub fn is_unsafe(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// `text` with every [`is_unsafe`] character written as `\u{XX}` (lower-case hex); the text
/// itself when there is none.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut s = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(s, "\\u{{{:x}}}", u32::from(c));
        } else {
            s.push(c);
        }
    }
    Cow::Owned(s)
}

/// JSON text (serde_json's output, which escapes U+0000–U+001F) with DEL and the C1 controls
/// escaped as JSON escapes (`\u009b`) too: the same JSON value, safe on a terminal. They can only
/// occur inside strings, where such an escape means the same character.
pub fn json(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut s = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(s, "\\u{:04x}", u32::from(c));
        } else {
            s.push(c);
        }
    }
    Cow::Owned(s)
}

/// Writes `text`, escaped, to stdout (and flushes it). A failed write is not an error of the
/// command (its files are written already).
#[allow(clippy::disallowed_methods)]
pub fn out(text: &str) {
    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    let _ = o.write_all(escape(text).as_bytes());
    let _ = o.flush();
}

/// Writes `text` and a line feed, escaped, to stdout.
pub fn outln(text: &str) {
    out(&format!("{text}\n"));
}

/// Writes `text`, escaped, to stdout as it is (JSON already escaped by [`json`]).
#[allow(clippy::disallowed_methods)]
pub fn out_json(text: &str) {
    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    let _ = o.write_all(json(text).as_bytes());
    let _ = o.write_all(b"\n");
    let _ = o.flush();
}

/// Writes `text` and a line feed, escaped, to stderr.
#[allow(clippy::disallowed_methods)]
pub fn err(text: &str) {
    let stderr = std::io::stderr();
    let mut e = stderr.lock();
    let _ = e.write_all(escape(text).as_bytes());
    let _ = e.write_all(b"\n");
    let _ = e.flush();
}

/// Whether stderr is a terminal (progress bars are drawn only then).
#[allow(clippy::disallowed_methods)]
pub fn stderr_is_terminal() -> bool {
    use std::io::IsTerminal as _;
    std::io::stderr().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_terminal_control_is_escaped_and_nothing_else() {
        // Every code point below U+00A0: the unsafe ones are 0–8, 11–31 (C0 but tab 9 and
        // line feed 10), 127 (DEL) and 128–159 (C1): 9 + 21 + 1 + 32 = 63 of them.
        let all: String = (0u32..0xa0).filter_map(char::from_u32).collect();
        let shown = escape(&all);
        let raw_left = shown.chars().filter(|&c| is_unsafe(c)).count();
        assert_eq!(raw_left, 0);
        assert_eq!(all.chars().filter(|&c| is_unsafe(c)).count(), 63);
        // Each one becomes `\u{XX}`: ESC (27) `\u{1b}`, BEL (7) `\u{7}`, CSI (155) `\u{9b}`.
        for (c, want) in [
            ('\u{1b}', "\\u{1b}"),
            ('\u{7}', "\\u{7}"),
            ('\u{9b}', "\\u{9b}"),
        ] {
            assert_eq!(escape(&c.to_string()), want);
        }
        // Tab, line feed, printable ASCII and U+00A0 onwards are kept.
        assert_eq!(escape("\t\n ~\u{a0}é→"), "\t\n ~\u{a0}é→");
    }

    #[test]
    fn json_escapes_stay_json() {
        // serde_json writes ESC as \u001b and leaves DEL and C1 raw; `json` escapes those as
        // JSON escapes, so the text parses back to the same value.
        let v = serde_json::json!({"name": "a\u{1b}b\u{7f}c\u{9b}d"});
        let text = serde_json::to_string(&v).unwrap();
        assert!(text.contains("\\u001b") && text.contains('\u{7f}'));
        let safe = json(&text);
        assert_eq!(safe, "{\"name\":\"a\\u001bb\\u007fc\\u009bd\"}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
    }
}
