//! Where each value is in a JSON source text, for error messages.
//!
//! Scenario files are parsed with `serde_json`, which forgets where things were. This module
//! scans the same text once more and records the 1-based line and column of every value and of
//! every object key, addressed by a path of [`Step`]s. It is a tolerant scanner, not a parser: it
//! assumes the text is valid JSON, never panics on any input, and on malformed input keeps what
//! it found so far.
//!
//! Columns count characters, not bytes; lines end at `\n` (so CRLF text counts like LF text).
//! When an object repeats a key, the last occurrence wins, as in `serde_json`, and the repeat is
//! recorded ([`PositionIndex::duplicates`]) so that the loader can refuse it.
//!
//! ```
//! use ecsim::scenario::json_pos::{Pos, PositionIndex, Step, format_path};
//!
//! let text = "{\n  \"services\": [\n    {\"desiredCount\": 3}\n  ]\n}";
//! let index = PositionIndex::build(text);
//! let path = [Step::Key("services".into()), Step::Index(0), Step::Key("desiredCount".into())];
//! assert_eq!(format_path(&path), "services[0].desiredCount");
//! // Line 3: four spaces, `{`, the 14-character key with its quotes, `:` and a space.
//! assert_eq!(index.value(&path), Some(Pos { line: 3, column: 22 }));
//! assert_eq!(index.key(&path), Some(Pos { line: 3, column: 6 }));
//! // An unknown field falls back to its nearest known ancestor, here `services[0]`.
//! let missing = [Step::Key("services".into()), Step::Index(0), Step::Key("cpu".into())];
//! assert_eq!(index.nearest(&missing), Some(Pos { line: 3, column: 5 }));
//! ```

use std::collections::BTreeMap;
use std::fmt;

/// A 1-based line and column in a source text (column counts characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// The line, starting at 1; lines end at `\n`.
    pub line: usize,
    /// The column, starting at 1, in characters (Unicode scalar values) from the line start.
    pub column: usize,
}

impl fmt::Display for Pos {
    /// `line 3, column 5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// One step of a path into a JSON document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// A member of an object, by its (unescaped) key.
    Key(String),
    /// An element of an array, by its 0-based index.
    Index(usize),
}

/// Positions of every key and value in a JSON text.
///
/// Built once with [`PositionIndex::build`]; queried by path. An index built from an empty or
/// blank text knows no positions.
#[derive(Debug, Default, Clone)]
pub struct PositionIndex {
    root: Option<Node>,
    duplicates: Vec<Duplicate>,
}

/// A key that an object repeats (JSON parsers keep only the last occurrence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The path of the repeated member (the object's path and the key).
    pub path: Vec<Step>,
    /// Where the key first appears.
    pub first: Pos,
    /// Where it appears again.
    pub again: Pos,
}

/// Containers nested deeper than this are not scanned (`serde_json` itself refuses more than
/// 128 levels); the limit keeps the recursive drop of the tree shallow on hostile input.
const MAX_DEPTH: usize = 1024;

#[derive(Debug, Clone)]
struct Node {
    /// Where the value starts.
    value: Pos,
    /// Where its key starts (the opening quote), when it is an object member.
    key: Option<Pos>,
    kids: Kids,
}

#[derive(Debug, Clone)]
enum Kids {
    Leaf,
    Object(BTreeMap<String, Node>),
    Array(Vec<Node>),
}

impl Node {
    fn child(&self, step: &Step) -> Option<&Node> {
        match (&self.kids, step) {
            (Kids::Object(members), Step::Key(k)) => members.get(k),
            (Kids::Array(elements), Step::Index(i)) => elements.get(*i),
            _ => None,
        }
    }
}

impl PositionIndex {
    /// Scans `text` and records where every value and key starts.
    pub fn build(text: &str) -> PositionIndex {
        Scanner::new(text).run()
    }

    /// Where the value at `path` starts (for the root, the first non-blank character).
    pub fn value(&self, path: &[Step]) -> Option<Pos> {
        self.node(path).map(|n| n.value)
    }

    /// Where the key of the last step starts (its opening quote), when the last step is a Key.
    pub fn key(&self, path: &[Step]) -> Option<Pos> {
        match path.last() {
            Some(Step::Key(_)) => self.node(path).and_then(|n| n.key),
            _ => None,
        }
    }

    /// The nearest known position: the path itself, else its longest known prefix.
    ///
    /// `None` only when the index knows no position at all (an empty text).
    pub fn nearest(&self, path: &[Step]) -> Option<Pos> {
        let mut node = self.root.as_ref()?;
        for step in path {
            match node.child(step) {
                Some(child) => node = child,
                None => break,
            }
        }
        Some(node.value)
    }

    /// Every repeated object key, in text order.
    ///
    /// ```
    /// use ecsim::scenario::json_pos::{Pos, PositionIndex, format_path};
    /// let index = PositionIndex::build("{\"a\": [{\"b\": 1, \"b\": 2}]}");
    /// let d = &index.duplicates()[0];
    /// assert_eq!(format_path(&d.path), "a[0].b");
    /// assert_eq!((d.first, d.again), (Pos { line: 1, column: 9 }, Pos { line: 1, column: 17 }));
    /// ```
    pub fn duplicates(&self) -> &[Duplicate] {
        &self.duplicates
    }

    fn node(&self, path: &[Step]) -> Option<&Node> {
        path.iter()
            .try_fold(self.root.as_ref()?, |node, step| node.child(step))
    }
}

/// Formats a path the way users read it: `services[0].taskDefinition.cpu`; the root is `(root)`.
///
/// Keys are joined with `.`, indices are written `[i]`; keys are not quoted or escaped.
pub fn format_path(path: &[Step]) -> String {
    if path.is_empty() {
        return "(root)".to_string();
    }
    let mut out = String::new();
    for (i, step) in path.iter().enumerate() {
        match step {
            Step::Key(k) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(n) => {
                out.push('[');
                out.push_str(&n.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// The steps of a serde_path_to_error path, cut at its first unknown segment (what follows an
/// unknown step cannot be located). Keys are taken as they are, so a key holding `.`, `[` or an
/// escape sequence is one step.
pub fn steps_of(path: &serde_path_to_error::Path) -> Vec<Step> {
    use serde_path_to_error::Segment;
    let mut steps = Vec::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => steps.push(Step::Index(*index)),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                steps.push(Step::Key(key.clone()))
            }
            Segment::Unknown => break,
        }
    }
    steps
}

/// Where a value that is being scanned goes once complete.
enum Slot {
    Root,
    Element,
    Member(String, Pos),
}

/// An open object or array.
struct Frame {
    node: Node,
    slot: Slot,
    /// In an object: the key read, waiting for its value.
    pending: Option<(String, Pos)>,
}

struct Scanner<'a> {
    text: &'a str,
    at: usize,
    line: usize,
    column: usize,
    stack: Vec<Frame>,
    root: Option<Node>,
    duplicates: Vec<Duplicate>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        // A byte-order mark is invisible in editors: do not count it.
        let at = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Scanner {
            text,
            at,
            line: 1,
            column: 1,
            stack: Vec::new(),
            root: None,
            duplicates: Vec::new(),
        }
    }

    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn run(mut self) -> PositionIndex {
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\n' | '\r' | ',' | ':' => {
                    self.bump();
                }
                '}' | ']' => {
                    self.bump();
                    match self.stack.pop() {
                        Some(frame) => self.place(frame.slot, frame.node),
                        None => break,
                    }
                }
                _ => {
                    if !self.value() {
                        break;
                    }
                }
            }
        }
        // Unterminated containers: keep what was found.
        while let Some(frame) = self.stack.pop() {
            self.place(frame.slot, frame.node);
        }
        PositionIndex {
            root: self.root,
            duplicates: self.duplicates,
        }
    }

    /// Scans a value (or an object key) starting at the current character, which is not blank,
    /// a separator or a closing bracket. Returns false when scanning should stop.
    fn value(&mut self) -> bool {
        let start = self.pos();
        let c = self.peek().unwrap_or('\0');
        let slot = match self.stack.last_mut() {
            None if self.root.is_some() => return false, // trailing text after the document
            None => Slot::Root,
            Some(frame) => match (&frame.node.kids, frame.pending.take()) {
                (Kids::Array(_), _) => Slot::Element,
                (_, Some((key, key_pos))) => Slot::Member(key, key_pos),
                (_, None) if c == '"' => {
                    let key = self.string();
                    if let Some(frame) = self.stack.last_mut() {
                        frame.pending = Some((key, start));
                    }
                    return true;
                }
                (_, None) => {
                    // A value where a key belongs: invalid; skip it.
                    self.literal();
                    return true;
                }
            },
        };
        let kids = match c {
            '{' => Kids::Object(BTreeMap::new()),
            '[' => Kids::Array(Vec::new()),
            '"' => {
                self.string();
                Kids::Leaf
            }
            _ => {
                self.literal();
                Kids::Leaf
            }
        };
        let node = Node {
            value: start,
            key: None,
            kids,
        };
        if matches!(node.kids, Kids::Leaf) {
            self.place(slot, node);
        } else {
            if self.stack.len() >= MAX_DEPTH {
                return false;
            }
            self.bump();
            self.stack.push(Frame {
                node,
                slot,
                pending: None,
            });
        }
        true
    }

    /// Attaches a complete value where it belongs.
    fn place(&mut self, slot: Slot, mut node: Node) {
        match slot {
            Slot::Root => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Slot::Element => {
                if let Some(Frame {
                    node:
                        Node {
                            kids: Kids::Array(elements),
                            ..
                        },
                    ..
                }) = self.stack.last_mut()
                {
                    elements.push(node);
                }
            }
            Slot::Member(key, key_pos) => {
                node.key = Some(key_pos);
                // A repeated key replaces the earlier member, subtree and all; it is recorded so
                // that the loader can refuse it.
                let earlier = match self.stack.last() {
                    Some(Frame {
                        node:
                            Node {
                                kids: Kids::Object(members),
                                ..
                            },
                        ..
                    }) => members.get(&key).and_then(|n| n.key),
                    _ => None,
                };
                if let Some(first) = earlier {
                    let mut path = self.open_path();
                    path.push(Step::Key(key.clone()));
                    self.duplicates.push(Duplicate {
                        path,
                        first,
                        again: key_pos,
                    });
                }
                if let Some(Frame {
                    node:
                        Node {
                            kids: Kids::Object(members),
                            ..
                        },
                    ..
                }) = self.stack.last_mut()
                {
                    members.insert(key, node);
                }
            }
        }
    }

    /// The path of the innermost open container: each open frame is a member of the one below
    /// it (its key) or its next element (the index it will get when placed).
    fn open_path(&self) -> Vec<Step> {
        let mut path = Vec::new();
        for (n, frame) in self.stack.iter().enumerate() {
            match &frame.slot {
                Slot::Root => {}
                Slot::Member(key, _) => path.push(Step::Key(key.clone())),
                Slot::Element => {
                    let index = match n.checked_sub(1).map(|p| &self.stack[p].node.kids) {
                        Some(Kids::Array(elements)) => elements.len(),
                        _ => 0,
                    };
                    path.push(Step::Index(index));
                }
            }
        }
        path
    }

    /// Consumes a number, `true`, `false` or `null` (or any other run of non-delimiters).
    fn literal(&mut self) {
        self.bump();
        while let Some(c) = self.peek() {
            if c.is_whitespace() || matches!(c, ',' | ':' | '[' | ']' | '{' | '}' | '"') {
                break;
            }
            self.bump();
        }
    }

    /// Consumes a string starting at its opening quote and returns its unescaped contents.
    fn string(&mut self) -> String {
        let mut out = String::new();
        self.bump(); // the opening quote
        while let Some(c) = self.bump() {
            match c {
                '"' => break,
                '\\' => match self.bump() {
                    Some('b') => out.push('\u{8}'),
                    Some('f') => out.push('\u{c}'),
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some('u') => out.push(self.unicode_escape()),
                    Some(other) => out.push(other), // `"`, `\`, `/` (and anything invalid)
                    None => break,
                },
                _ => out.push(c),
            }
        }
        out
    }

    /// Decodes the rest of a `\uXXXX` escape (after the `u`), joining a surrogate pair.
    fn unicode_escape(&mut self) -> char {
        let Some(high) = self.hex4() else {
            return char::REPLACEMENT_CHARACTER;
        };
        if (0xD800..0xDC00).contains(&high) {
            let rest = &self.text[self.at..];
            let low = rest
                .strip_prefix("\\u")
                .and_then(|r| r.get(..4))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .filter(|low| (0xDC00..0xE000).contains(low));
            if let Some(low) = low {
                for _ in 0..6 {
                    self.bump();
                }
                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
            }
        }
        char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER)
    }

    /// Reads up to four hex digits; `None` unless there are exactly four.
    fn hex4(&mut self) -> Option<u32> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|c| c.to_digit(16))?;
            self.bump();
            code = code * 16 + digit;
        }
        Some(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Step {
        Step::Key(k.to_string())
    }

    fn pos(line: usize, column: usize) -> Option<Pos> {
        Some(Pos { line, column })
    }

    #[test]
    fn root_is_the_first_non_blank_character() {
        let index = PositionIndex::build("\n\n   {}");
        // Line 3, column 4: three spaces before the brace.
        assert_eq!(index.value(&[]), pos(3, 4));
        assert_eq!(index.key(&[]), None);
        assert_eq!(index.nearest(&[]), pos(3, 4));
    }

    #[test]
    fn scalar_root() {
        let index = PositionIndex::build("  42  ");
        // Column 3: two spaces.
        assert_eq!(index.value(&[]), pos(1, 3));
        // Nothing below a scalar: nearest falls back to the root.
        assert_eq!(index.value(&[key("a")]), None);
        assert_eq!(index.nearest(&[key("a")]), pos(1, 3));
    }

    #[test]
    fn empty_text_knows_nothing() {
        let index = PositionIndex::build("");
        assert_eq!(index.value(&[]), None);
        assert_eq!(index.nearest(&[key("a")]), None);
        let blank = PositionIndex::build(" \n\t ");
        assert_eq!(blank.nearest(&[]), None);
    }

    const NESTED: &str = r#"{
  "name": "demo",
  "services": [
    {
      "serviceName": "web",
      "taskDefinition": {"cpu": 256, "memory": 512}
    },
    {"serviceName": "worker", "tags": [true, false, null, -1.5e3]}
  ]
}"#;

    #[test]
    fn nested_objects_and_arrays() {
        let index = PositionIndex::build(NESTED);
        // Line 2: two spaces, then `"name"` at column 3; its value after `"name": ` at column 11.
        assert_eq!(index.key(&[key("name")]), pos(2, 3));
        assert_eq!(index.value(&[key("name")]), pos(2, 11));
        // Line 3: `  "services": [` — key at column 3, `[` at 3 + 10 + 2 = 15.
        assert_eq!(index.key(&[key("services")]), pos(3, 3));
        assert_eq!(index.value(&[key("services")]), pos(3, 15));
        // Line 4: four spaces, then `{` at column 5.
        let web = [key("services"), Step::Index(0)];
        assert_eq!(index.value(&web), pos(4, 5));
        // An index step has no key.
        assert_eq!(index.key(&web), None);
        // Line 6: six spaces, `"taskDefinition"` (16 chars) from column 7, `: ` then `{` at 25.
        let td = [key("services"), Step::Index(0), key("taskDefinition")];
        assert_eq!(index.key(&td), pos(6, 7));
        assert_eq!(index.value(&td), pos(6, 25));
        // `{"cpu": 256`: `"cpu"` at 26, `256` at 26 + 5 + 2 = 33.
        let cpu = [td.as_slice(), &[key("cpu")]].concat();
        assert_eq!(index.key(&cpu), pos(6, 26));
        assert_eq!(index.value(&cpu), pos(6, 33));
        // `, "memory": 512}`: `256` ends at 35, `"memory"` at 38, `512` at 38 + 8 + 2 = 48.
        let memory = [td.as_slice(), &[key("memory")]].concat();
        assert_eq!(index.key(&memory), pos(6, 38));
        assert_eq!(index.value(&memory), pos(6, 48));
    }

    #[test]
    fn array_elements_of_every_kind() {
        let index = PositionIndex::build(NESTED);
        // Line 8: `    {"serviceName": "worker", "tags": [true, false, null, -1.5e3]}`
        // `{` at 5; `"serviceName"` 6..18; `"worker"` at 21..28; `"tags"` at 31; `[` at 39.
        let worker = [key("services"), Step::Index(1)];
        assert_eq!(index.value(&worker), pos(8, 5));
        let tags = [worker.as_slice(), &[key("tags")]].concat();
        assert_eq!(index.key(&tags), pos(8, 31));
        assert_eq!(index.value(&tags), pos(8, 39));
        // `true` at 40, `false` at 46, `null` at 53, `-1.5e3` at 59.
        for (i, column) in [(0, 40), (1, 46), (2, 53), (3, 59)] {
            let element = [tags.as_slice(), &[Step::Index(i)]].concat();
            assert_eq!(index.value(&element), pos(8, column), "tags[{i}]");
        }
        let past_end = [tags.as_slice(), &[Step::Index(4)]].concat();
        assert_eq!(index.value(&past_end), None);
    }

    #[test]
    fn wrong_kind_of_step_is_unknown() {
        let index = PositionIndex::build(NESTED);
        assert_eq!(index.value(&[Step::Index(0)]), None); // the root is an object
        assert_eq!(index.value(&[key("services"), key("0")]), None); // services is an array
    }

    #[test]
    fn nearest_falls_back_to_the_longest_known_prefix() {
        let index = PositionIndex::build(NESTED);
        // services[0].taskDefinition is known (line 6, column 25); `cpuu` below it is not.
        let typo = [
            key("services"),
            Step::Index(0),
            key("taskDefinition"),
            key("cpuu"),
            key("deeper"),
        ];
        assert_eq!(index.value(&typo), None);
        assert_eq!(index.nearest(&typo), pos(6, 25));
        // services[7] does not exist: back to `services` (line 3, column 15).
        assert_eq!(
            index.nearest(&[key("services"), Step::Index(7)]),
            pos(3, 15)
        );
        // An unknown top-level key: the root `{` at line 1, column 1.
        assert_eq!(index.nearest(&[key("nope")]), pos(1, 1));
        // A known path is its own nearest position.
        assert_eq!(index.nearest(&[key("name")]), pos(2, 11));
    }

    #[test]
    fn escapes_in_strings_and_keys() {
        // Columns: `{` 1, key `"a\"b"` 2..7, `:` 8, value `"x\\"` 9..13, `,` 14,
        // key `"caf\u00e9"` 15..25, `:` 26, value `[` 27, `"\/"` 28..31, `,` 32, `1` 33.
        let text = r#"{"a\"b":"x\\","caf\u00e9":["\/",1]}"#;
        let index = PositionIndex::build(text);
        assert_eq!(index.key(&[key("a\"b")]), pos(1, 2));
        assert_eq!(index.value(&[key("a\"b")]), pos(1, 9));
        // `\u00e9` decodes to é, so the key is "café".
        assert_eq!(index.key(&[key("café")]), pos(1, 15));
        assert_eq!(index.value(&[key("café")]), pos(1, 27));
        assert_eq!(index.value(&[key("café"), Step::Index(1)]), pos(1, 33));
    }

    #[test]
    fn surrogate_pairs_decode_to_one_key() {
        // `\ud83d\ude80` is U+1F680 (rocket); 12 source characters. `"` 2, escapes 3..14, `"` 15,
        // `:` 16, `0` at 17.
        let index = PositionIndex::build(r#"{"\ud83d\ude80":0}"#);
        assert_eq!(index.value(&[key("\u{1F680}")]), pos(1, 17));
    }

    #[test]
    fn brackets_and_quotes_inside_strings_are_text() {
        // `{"k": "]}\",{[", "n": 2}`: the string value at 7..15 hides brackets and an escaped
        // quote; `,` 16, `"n"` at 18..20, `:` 21, `2` at 23.
        let index = PositionIndex::build(r#"{"k": "]}\",{[", "n": 2}"#);
        assert_eq!(index.value(&[key("k")]), pos(1, 7));
        assert_eq!(index.key(&[key("n")]), pos(1, 18));
        assert_eq!(index.value(&[key("n")]), pos(1, 23));
    }

    #[test]
    fn crlf_line_endings() {
        let text = "{\r\n  \"a\": 1,\r\n  \"b\": [\r\n    2\r\n  ]\r\n}\r\n";
        let index = PositionIndex::build(text);
        // Line 2: `  "a": 1` — key at 3, value at 8. The `\r` does not start a line.
        assert_eq!(index.key(&[key("a")]), pos(2, 3));
        assert_eq!(index.value(&[key("a")]), pos(2, 8));
        // Line 3: `  "b": [` — `[` at 8; line 4: four spaces, `2` at 5.
        assert_eq!(index.value(&[key("b")]), pos(3, 8));
        assert_eq!(index.value(&[key("b"), Step::Index(0)]), pos(4, 5));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // `{"名前": "é", "x": 1}`: `"名前"` 2..5 (4 chars, 8 bytes), `:` 6, `"é"` 8..10, `,` 11,
        // `"x"` 13..15, `:` 16, `1` at 18.
        let index = PositionIndex::build("{\"名前\": \"é\", \"x\": 1}");
        assert_eq!(index.value(&[key("名前")]), pos(1, 8));
        assert_eq!(index.key(&[key("x")]), pos(1, 13));
        assert_eq!(index.value(&[key("x")]), pos(1, 18));
    }

    #[test]
    fn byte_order_mark_is_not_counted() {
        let index = PositionIndex::build("\u{feff}{\"a\": 1}");
        // The BOM is invisible: `{` is column 1, `1` column 7.
        assert_eq!(index.value(&[]), pos(1, 1));
        assert_eq!(index.value(&[key("a")]), pos(1, 7));
    }

    #[test]
    fn duplicate_keys_keep_the_last() {
        // Line 1 `{"a": {"x": 1},`; line 2 `"a": 2}`: key at column 1, `2` at column 6.
        let index = PositionIndex::build("{\"a\": {\"x\": 1},\n\"a\": 2}");
        assert_eq!(index.key(&[key("a")]), pos(2, 1));
        assert_eq!(index.value(&[key("a")]), pos(2, 6));
        // The first `a`'s member is gone with it, as in serde_json's Value.
        assert_eq!(index.value(&[key("a"), key("x")]), None);
    }

    #[test]
    fn nested_empty_containers() {
        // `[[], {}, [[1]]]`: `[]` at 2, `{}` at 6, `[[1]]` at 10, `[1]` at 11, `1` at 12.
        let index = PositionIndex::build("[[], {}, [[1]]]");
        assert_eq!(index.value(&[Step::Index(0)]), pos(1, 2));
        assert_eq!(index.value(&[Step::Index(1)]), pos(1, 6));
        assert_eq!(index.value(&[Step::Index(2)]), pos(1, 10));
        assert_eq!(
            index.value(&[Step::Index(2), Step::Index(0), Step::Index(0)]),
            pos(1, 12)
        );
    }

    #[test]
    fn truncated_and_garbage_input_never_panics() {
        // Truncated mid-document: what was seen is kept. `1` at 7; `"b"` at 10, `[` at 15,
        // `1` at 16, `{` at 19 (its key `"c` is cut short).
        let index = PositionIndex::build(r#"{"a": 1, "b": [1, {"c"#);
        assert_eq!(index.value(&[key("a")]), pos(1, 7));
        assert_eq!(index.value(&[key("b"), Step::Index(0)]), pos(1, 16));
        assert_eq!(index.value(&[key("b"), Step::Index(1)]), pos(1, 19));
        for text in [
            "}",
            "]]]",
            "{\"a\"",
            "\"\\",
            "\"\\u12",
            "\"\\ud800\\u",
            "{1: 2}",
            "[1 2 }",
            "{,:}",
            "\u{0}\u{ffff}",
            "nul",
            "[\"\\ud800\"]",
            "{} {}",
            ":::",
            "\"é\\",
        ] {
            let _ = PositionIndex::build(text).nearest(&[key("a"), Step::Index(0)]);
        }
        // Hostile nesting stops at the depth limit instead of overflowing the stack.
        let deep = "[".repeat(200_000);
        assert_eq!(PositionIndex::build(&deep).value(&[]), pos(1, 1));
    }

    #[test]
    fn format_path_display_forms() {
        assert_eq!(format_path(&[]), "(root)");
        assert_eq!(format_path(&[key("duration")]), "duration");
        assert_eq!(
            format_path(&[
                key("services"),
                Step::Index(0),
                key("taskDefinition"),
                key("cpu")
            ]),
            "services[0].taskDefinition.cpu"
        );
        // A leading index and consecutive indices take no dots.
        assert_eq!(
            format_path(&[Step::Index(2), Step::Index(3), key("a")]),
            "[2][3].a"
        );
    }

    #[test]
    fn steps_of_keeps_keys_with_separators_whole() {
        // `{"a.b[1]": [5, "x"]}` read as a map of lists of numbers: the error is at the list's
        // element 1 of the key `a.b[1]`, which the display form `a.b[1][1]` would misread.
        let text = r#"{"a.b[1]": [5, "x"]}"#;
        let mut de = serde_json::Deserializer::from_str(text);
        let err =
            serde_path_to_error::deserialize::<_, BTreeMap<String, Vec<u32>>>(&mut de).unwrap_err();
        assert_eq!(err.path().to_string(), "a.b[1][1]");
        assert_eq!(steps_of(err.path()), vec![key("a.b[1]"), Step::Index(1)]);
        // The root is no step.
        let mut de = serde_json::Deserializer::from_str("[1]");
        let err =
            serde_path_to_error::deserialize::<_, BTreeMap<String, u32>>(&mut de).unwrap_err();
        assert_eq!(steps_of(err.path()), vec![]);
    }

    #[test]
    fn pos_display() {
        assert_eq!(Pos { line: 3, column: 5 }.to_string(), "line 3, column 5");
    }
}
