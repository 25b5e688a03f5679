//! The Amazon ECS cluster query language, as used by `memberOf` placement
//! constraints.
//!
//! An expression is made of conditions of the form `subject operator
//! [argument]`, combined with `and`, `or`, `not` and parentheses:
//!
//! ```text
//! attribute:ecs.instance-type =~ g4dn.* and not attribute:ecs.availability-zone in [us-east-1a, 'us-east-1b']
//! ```
//!
//! * **Subjects**: `attribute:NAME` (for example `attribute:ecs.instance-type`,
//!   `attribute:ecs.availability-zone`, `attribute:ecs.os-type`,
//!   `attribute:ecs.cpu-architecture`, `attribute:ecs.ami-id` or a custom
//!   attribute such as `attribute:stack`) and `ec2InstanceId`.
//! * **Operators**: `==` (also `=`, `equals`), `!=` (also `not_equals`),
//!   `exists`, `!exists` (also `not exists`, `not_exists`), `>`, `>=`, `<`,
//!   `<=` (also `greater_than`, `greater_than_equal`, `less_than`,
//!   `less_than_equal`), `in [a, b]`, `not in [a, b]` (also `!in`, `not_in`),
//!   `=~` (also `matches`) and `!~` (also `not_matches`).
//! * **Combinators**: `not` (also `!`) binds tightest, then `and` (also `&&`),
//!   then `or` (also `||`); parentheses group.
//! * **Values** are bare words (`m5.large`, `us-east-1a`, `g4dn.*`) or are
//!   quoted with single or double quotes (`'blue green'`, `"a,b"`). Quoted
//!   values have no escape sequences: a value containing `'` can be quoted
//!   with `"` and vice versa.
//!
//! Keywords and word operators are case-insensitive; attribute names and
//! values are case-sensitive. Whitespace is free-form.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;

/// Looks up an instance's attribute values for query evaluation.
pub trait Attributes {
    /// The value of attribute `name` (without the `attribute:` prefix), or None when absent.
    fn attribute(&self, name: &str) -> Option<&str>;
    /// The instance id (subject `ec2InstanceId`).
    fn instance_id(&self) -> &str;
}

/// A parsed query expression.
///
/// Every condition names its `subject` in canonical form: either
/// `attribute:NAME` or `ec2InstanceId` (the parser accepts both
/// case-insensitively and normalises them). A subject in any other form has
/// no value on any instance, so it behaves like an absent attribute.
///
/// # Absent values
///
/// A condition on an attribute the instance does not have is **false** for
/// `==`, `in`, `=~`, `>`, `>=`, `<` and `<=`, and **true** for `!=` and
/// `not in` (the instance's value is not equal to / not among the given
/// values, because it has none). `exists` is true exactly when the attribute
/// is present.
///
/// # Comparisons
///
/// `==`, `!=`, `in` and `not in` compare strings exactly. `>`, `>=`, `<` and
/// `<=` compare numerically when both sides parse as finite numbers (so
/// `"10" > "9"`), and otherwise compare the strings lexicographically.
/// `=~` matches the whole value against a pattern in which `*` stands for any
/// run of characters (possibly empty) and `?` for exactly one character.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `subject == value`: the subject's value equals `value` exactly.
    Equals {
        /// The subject, `attribute:NAME` or `ec2InstanceId`.
        subject: String,
        /// The value to compare with.
        value: String,
    },
    /// `subject != value`: the subject is absent or its value differs from `value`.
    NotEquals {
        /// The subject, `attribute:NAME` or `ec2InstanceId`.
        subject: String,
        /// The value to compare with.
        value: String,
    },
    /// `subject > value` (numeric when both sides are numbers, else lexicographic).
    GreaterThan {
        /// The subject, `attribute:NAME` or `ec2InstanceId`.
        subject: String,
        /// The value to compare with.
        value: String,
    },
    /// `subject >= value` (numeric when both sides are numbers, else lexicographic).
    GreaterOrEqual {
        /// The subject, `attribute:NAME` or `ec2InstanceId`.
        subject: String,
        /// The value to compare with.
        value: String,
    },
    /// `subject < value` (numeric when both sides are numbers, else lexicographic).
    LessThan {
        /// The subject, `attribute:NAME` or `ec2InstanceId`.
        subject: String,
        /// The value to compare with.
        value: String,
    },
    /// `subject <= value` (numeric when both sides are numbers, else lexicographic).
    LessOrEqual {
        /// The subject, `attribute:NAME` or `ec2InstanceId`.
        subject: String,
        /// The value to compare with.
        value: String,
    },
    /// `subject in [v1, v2, …]`: the subject's value is one of `values`.
    In {
        /// The subject, `attribute:NAME` or `ec2InstanceId`.
        subject: String,
        /// The accepted values.
        values: Vec<String>,
    },
    /// `subject not in [v1, v2, …]`: the subject is absent or its value is none of `values`.
    NotIn {
        /// The subject, `attribute:NAME` or `ec2InstanceId`.
        subject: String,
        /// The rejected values.
        values: Vec<String>,
    },
    /// `subject =~ pattern`: the whole value matches `pattern`, where `*`
    /// matches any run of characters and `?` exactly one character.
    Matches {
        /// The subject, `attribute:NAME` or `ec2InstanceId`.
        subject: String,
        /// The wildcard pattern.
        pattern: String,
    },
    /// `subject exists`: the subject has a value.
    Exists {
        /// The subject, `attribute:NAME` or `ec2InstanceId`.
        subject: String,
    },
    /// `not expr`: the negation of `expr`.
    Not(Box<Expr>),
    /// `lhs and rhs`: both sides hold.
    And(Box<Expr>, Box<Expr>),
    /// `lhs or rhs`: at least one side holds.
    Or(Box<Expr>, Box<Expr>),
}

/// A syntax error, with the 1-based column (in characters) inside the expression where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryError {
    /// The 1-based column, counted in characters, where the problem was found.
    /// Errors at the end of the input point one column past the last character.
    pub column: usize,
    /// What was wrong and what would have been valid there.
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for QueryError {}

/// The subject prefix for instance attributes.
const ATTRIBUTE_PREFIX: &str = "attribute:";
/// The canonical spelling of the instance-id subject.
const INSTANCE_ID: &str = "ec2InstanceId";
/// The operators listed in "expected an operator" errors.
const OPERATOR_LIST: &str = "(==, !=, in, not in, =~, exists, >, >=, <, <=)";
/// The hint given wherever a condition is expected.
const SUBJECT_HINT: &str = "a subject such as attribute:ecs.instance-type or ec2InstanceId";
/// The deepest nesting of parentheses and `not` accepted, to bound recursion.
const MAX_DEPTH: usize = 64;

impl Expr {
    /// Parses a cluster query expression.
    ///
    /// Besides the operators of the module documentation, `!~` / `not_matches`
    /// parse as `Not(Matches { .. })` and `!exists` / `not exists` /
    /// `not_exists` parse as `Not(Exists { .. })`. Parentheses and `not` may be
    /// nested at most 64 levels deep.
    ///
    /// # Errors
    ///
    /// Returns a [`QueryError`] giving the column of the first problem: an
    /// empty expression, an unknown subject, a missing or unknown operator, a
    /// missing value, an unclosed quote, `[` or `(`, an unmatched `)`, or
    /// input left over after a complete expression.
    ///
    /// # Examples
    ///
    /// ```
    /// use ecsim::placement::query::{Attributes, Expr};
    ///
    /// struct Instance;
    /// impl Attributes for Instance {
    ///     fn attribute(&self, name: &str) -> Option<&str> {
    ///         match name {
    ///             "ecs.instance-type" => Some("g4dn.xlarge"),
    ///             "ecs.availability-zone" => Some("us-east-1b"),
    ///             _ => None,
    ///         }
    ///     }
    ///     fn instance_id(&self) -> &str {
    ///         "i-0123456789abcdef0"
    ///     }
    /// }
    ///
    /// let expr = Expr::parse(
    ///     "attribute:ecs.instance-type =~ g4dn.* and \
    ///      attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
    /// )?;
    /// assert!(expr.matches(&Instance));
    /// assert_eq!(
    ///     expr.attributes_used(),
    ///     vec!["ecs.availability-zone", "ecs.instance-type"]
    /// );
    ///
    /// let err = Expr::parse("attribute:ecs.instance-type m5.large").unwrap_err();
    /// assert_eq!(err.column, 29);
    /// # Ok::<(), ecsim::placement::query::QueryError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Expr, QueryError> {
        let tokens = lex(text)?;
        if tokens.len() == 1 {
            // Only the end marker: nothing but whitespace.
            return Err(error(1, "empty expression"));
        }
        let mut parser = Parser {
            tokens,
            pos: 0,
            depth: 0,
        };
        let expr = parser.parse_or()?;
        let next = parser.peek();
        match next.kind {
            Kind::End => Ok(expr),
            Kind::RParen => Err(error(
                next.column,
                "unbalanced parentheses: this `)` has no matching `(`",
            )),
            _ => Err(error(
                next.column,
                format!(
                    "expected `and`, `or` or the end of the expression, found {}",
                    next.describe()
                ),
            )),
        }
    }

    /// Evaluates the expression against one instance.
    ///
    /// See the type documentation for how absent attributes and comparisons
    /// are treated.
    pub fn matches(&self, instance: &dyn Attributes) -> bool {
        match self {
            Expr::Equals { subject, value } => {
                lookup(subject, instance).is_some_and(|actual| actual == value)
            }
            Expr::NotEquals { subject, value } => {
                lookup(subject, instance).is_none_or(|actual| actual != value)
            }
            Expr::GreaterThan { subject, value } => {
                compare(subject, value, instance, |o| o == Ordering::Greater)
            }
            Expr::GreaterOrEqual { subject, value } => {
                compare(subject, value, instance, |o| o != Ordering::Less)
            }
            Expr::LessThan { subject, value } => {
                compare(subject, value, instance, |o| o == Ordering::Less)
            }
            Expr::LessOrEqual { subject, value } => {
                compare(subject, value, instance, |o| o != Ordering::Greater)
            }
            Expr::In { subject, values } => {
                lookup(subject, instance).is_some_and(|actual| values.iter().any(|v| v == actual))
            }
            Expr::NotIn { subject, values } => {
                lookup(subject, instance).is_none_or(|actual| values.iter().all(|v| v != actual))
            }
            Expr::Matches { subject, pattern } => {
                lookup(subject, instance).is_some_and(|actual| wildcard_match(pattern, actual))
            }
            Expr::Exists { subject } => lookup(subject, instance).is_some(),
            Expr::Not(inner) => !inner.matches(instance),
            Expr::And(lhs, rhs) => lhs.matches(instance) && rhs.matches(instance),
            Expr::Or(lhs, rhs) => lhs.matches(instance) || rhs.matches(instance),
        }
    }

    /// The attribute names this expression reads (for caching evaluation per attribute signature).
    ///
    /// Names are given without the `attribute:` prefix, sorted and without
    /// duplicates. The `ec2InstanceId` subject is not an attribute and is not
    /// listed: an expression that uses it also depends on the instance id, so
    /// its result cannot be cached by attribute values alone.
    pub fn attributes_used(&self) -> Vec<String> {
        let mut names = BTreeSet::new();
        self.collect_attributes(&mut names);
        names.into_iter().map(str::to_owned).collect()
    }

    /// Whether the expression reads the `ec2InstanceId` subject (then its answer differs between
    /// instances with identical attributes).
    pub fn reads_instance_id(&self) -> bool {
        match self {
            Expr::Equals { subject, .. }
            | Expr::NotEquals { subject, .. }
            | Expr::GreaterThan { subject, .. }
            | Expr::GreaterOrEqual { subject, .. }
            | Expr::LessThan { subject, .. }
            | Expr::LessOrEqual { subject, .. }
            | Expr::In { subject, .. }
            | Expr::NotIn { subject, .. }
            | Expr::Matches { subject, .. }
            | Expr::Exists { subject } => !subject.starts_with(ATTRIBUTE_PREFIX),
            Expr::Not(inner) => inner.reads_instance_id(),
            Expr::And(lhs, rhs) | Expr::Or(lhs, rhs) => {
                lhs.reads_instance_id() || rhs.reads_instance_id()
            }
        }
    }

    /// Adds the attribute names read by `self` to `names`.
    fn collect_attributes<'a>(&'a self, names: &mut BTreeSet<&'a str>) {
        match self {
            Expr::Equals { subject, .. }
            | Expr::NotEquals { subject, .. }
            | Expr::GreaterThan { subject, .. }
            | Expr::GreaterOrEqual { subject, .. }
            | Expr::LessThan { subject, .. }
            | Expr::LessOrEqual { subject, .. }
            | Expr::In { subject, .. }
            | Expr::NotIn { subject, .. }
            | Expr::Matches { subject, .. }
            | Expr::Exists { subject } => {
                if let Some(name) = subject.strip_prefix(ATTRIBUTE_PREFIX) {
                    names.insert(name);
                }
            }
            Expr::Not(inner) => inner.collect_attributes(names),
            Expr::And(lhs, rhs) | Expr::Or(lhs, rhs) => {
                lhs.collect_attributes(names);
                rhs.collect_attributes(names);
            }
        }
    }
}

/// The value of a canonical subject on `instance`, or None when absent.
fn lookup<'a>(subject: &str, instance: &'a dyn Attributes) -> Option<&'a str> {
    if let Some(name) = subject.strip_prefix(ATTRIBUTE_PREFIX) {
        instance.attribute(name)
    } else if subject == INSTANCE_ID {
        Some(instance.instance_id())
    } else {
        None
    }
}

/// Orders the subject's value against `value` and applies `accept`; false when absent.
fn compare(
    subject: &str,
    value: &str,
    instance: &dyn Attributes,
    accept: impl Fn(Ordering) -> bool,
) -> bool {
    lookup(subject, instance).is_some_and(|actual| accept(order(actual, value)))
}

/// Numeric order when both sides are finite numbers, else lexicographic order.
fn order(actual: &str, expected: &str) -> Ordering {
    match (number(actual), number(expected)) {
        (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
        _ => actual.cmp(expected),
    }
}

/// `text` as a finite number, if it is one.
fn number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Whether all of `text` matches `pattern`, where `*` matches any run of
/// characters and `?` exactly one character.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // After the last `*` seen: the pattern index following it, and the text
    // index it has been extended to so far.
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        if pattern.get(p) == Some(&'*') {
            p += 1;
            backtrack = Some((p, t));
        } else if pattern.get(p).is_some_and(|&c| c == '?' || c == text[t]) {
            p += 1;
            t += 1;
        } else if let Some((after_star, consumed)) = backtrack {
            // Let the last `*` swallow one more character and retry.
            p = after_star;
            t = consumed + 1;
            backtrack = Some((after_star, consumed + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// Builds a [`QueryError`].
fn error(column: usize, message: impl Into<String>) -> QueryError {
    QueryError {
        column,
        message: message.into(),
    }
}

/// What kind of token was read.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A bare word: subject, keyword, word operator or unquoted value.
    Word(String),
    /// A quoted value (without its quotes).
    Quoted(String),
    /// A symbolic operator: `==`, `=`, `!=`, `=~`, `!~`, `!`, `>`, `>=`,
    /// `<`, `<=`, `&&` or `||`.
    Symbol(&'static str),
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// The end of the input.
    End,
}

/// A token with its 1-based character column and source text.
#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    column: usize,
    text: String,
}

impl Token {
    /// How the token is named in error messages.
    fn describe(&self) -> String {
        match self.kind {
            Kind::End => "the end of the expression".to_owned(),
            _ => format!("`{}`", self.text),
        }
    }

    /// Whether the token is the bare word `keyword`, ignoring ASCII case.
    fn is_word(&self, keyword: &str) -> bool {
        matches!(&self.kind, Kind::Word(w) if w.eq_ignore_ascii_case(keyword))
    }

    /// Whether the token is the symbol `symbol`.
    fn is_symbol(&self, symbol: &str) -> bool {
        matches!(self.kind, Kind::Symbol(s) if s == symbol)
    }
}

/// Whether `c` ends a bare word.
fn is_delimiter(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | ')' | '[' | ']' | ',' | '\'' | '"' | '=' | '!' | '<' | '>' | '&' | '|'
        )
}

/// Splits `text` into tokens, always ending with a [`Kind::End`] token.
fn lex(text: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let (kind, len) = match c {
            '(' => (Kind::LParen, 1),
            ')' => (Kind::RParen, 1),
            '[' => (Kind::LBracket, 1),
            ']' => (Kind::RBracket, 1),
            ',' => (Kind::Comma, 1),
            '\'' | '"' => {
                let Some(close) = chars[i + 1..].iter().position(|&q| q == c) else {
                    return Err(error(
                        column,
                        format!("unclosed quote: expected a closing `{c}` to match this one"),
                    ));
                };
                let value: String = chars[i + 1..i + 1 + close].iter().collect();
                (Kind::Quoted(value), close + 2)
            }
            '=' => match next {
                Some('=') => (Kind::Symbol("=="), 2),
                Some('~') => (Kind::Symbol("=~"), 2),
                _ => (Kind::Symbol("="), 1),
            },
            '!' => match next {
                Some('=') => (Kind::Symbol("!="), 2),
                Some('~') => (Kind::Symbol("!~"), 2),
                _ => (Kind::Symbol("!"), 1),
            },
            '>' if next == Some('=') => (Kind::Symbol(">="), 2),
            '>' => (Kind::Symbol(">"), 1),
            '<' if next == Some('=') => (Kind::Symbol("<="), 2),
            '<' => (Kind::Symbol("<"), 1),
            '&' if next == Some('&') => (Kind::Symbol("&&"), 2),
            '|' if next == Some('|') => (Kind::Symbol("||"), 2),
            '&' | '|' => {
                return Err(error(
                    column,
                    format!(
                        "unexpected `{c}`: write `{c}{c}` or `{}`",
                        if c == '&' { "and" } else { "or" }
                    ),
                ));
            }
            _ => {
                let len = chars[i..]
                    .iter()
                    .position(|&w| is_delimiter(w))
                    .unwrap_or(chars.len() - i);
                (Kind::Word(chars[i..i + len].iter().collect()), len)
            }
        };
        tokens.push(Token {
            kind,
            column,
            text: chars[i..i + len].iter().collect(),
        });
        i += len;
    }
    tokens.push(Token {
        kind: Kind::End,
        column: chars.len() + 1,
        text: String::new(),
    });
    Ok(tokens)
}

/// A comparison operator, before its argument is read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Equals,
    NotEquals,
    GreaterThan,
    GreaterOrEqual,
    LessThan,
    LessOrEqual,
    In,
    NotIn,
    Matches,
    NotMatches,
    Exists,
    NotExists,
}

/// A recursive-descent parser over the token list.
struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser {
    /// The current token (the end marker once the input is exhausted).
    fn peek(&self) -> &Token {
        &self.tokens[self.pos]
    }

    /// Returns the current token and moves past it (never past the end marker).
    fn advance(&mut self) -> Token {
        let token = self.tokens[self.pos].clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        token
    }

    /// Enters one level of nesting at `token`, failing when too deep.
    fn enter(&mut self, token: &Token) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error(
                token.column,
                format!(
                    "expression nested too deeply (more than {MAX_DEPTH} levels of `(` and `not`)"
                ),
            ));
        }
        Ok(())
    }

    /// `or_expr := and_expr (("or" | "||") and_expr)*`
    fn parse_or(&mut self) -> Result<Expr, QueryError> {
        let mut lhs = self.parse_and()?;
        while self.peek().is_word("or") || self.peek().is_symbol("||") {
            self.advance();
            let rhs = self.parse_and()?;
            lhs = Expr::Or(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    /// `and_expr := unary (("and" | "&&") unary)*`
    fn parse_and(&mut self) -> Result<Expr, QueryError> {
        let mut lhs = self.parse_unary()?;
        while self.peek().is_word("and") || self.peek().is_symbol("&&") {
            self.advance();
            let rhs = self.parse_unary()?;
            lhs = Expr::And(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    /// `unary := ("not" | "!") unary | "(" or_expr ")" | condition`
    fn parse_unary(&mut self) -> Result<Expr, QueryError> {
        if self.peek().is_word("not") || self.peek().is_symbol("!") {
            let not = self.advance();
            self.enter(&not)?;
            let inner = self.parse_unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        if self.peek().kind == Kind::LParen {
            let open = self.advance();
            self.enter(&open)?;
            let inner = self.parse_or()?;
            let close = self.peek();
            match close.kind {
                Kind::RParen => {
                    self.advance();
                }
                Kind::End => return Err(error(open.column, "unclosed `(`: expected `)`")),
                _ => {
                    return Err(error(
                        close.column,
                        format!("expected `and`, `or` or `)`, found {}", close.describe()),
                    ));
                }
            }
            self.depth -= 1;
            return Ok(inner);
        }
        self.parse_condition()
    }

    /// `condition := subject operator [argument]`
    fn parse_condition(&mut self) -> Result<Expr, QueryError> {
        let subject_token = self.advance();
        let subject = parse_subject(&subject_token)?;
        let (op, op_text) = self.parse_operator(&subject_token)?;
        let expr = match op {
            Op::Exists => Expr::Exists { subject },
            Op::NotExists => Expr::Not(Box::new(Expr::Exists { subject })),
            Op::In => Expr::In {
                subject,
                values: self.parse_list(&op_text)?,
            },
            Op::NotIn => Expr::NotIn {
                subject,
                values: self.parse_list(&op_text)?,
            },
            _ => {
                let value = self.parse_value(&format!("after `{op_text}`"))?;
                match op {
                    Op::Equals => Expr::Equals { subject, value },
                    Op::NotEquals => Expr::NotEquals { subject, value },
                    Op::GreaterThan => Expr::GreaterThan { subject, value },
                    Op::GreaterOrEqual => Expr::GreaterOrEqual { subject, value },
                    Op::LessThan => Expr::LessThan { subject, value },
                    Op::LessOrEqual => Expr::LessOrEqual { subject, value },
                    Op::Matches => Expr::Matches {
                        subject,
                        pattern: value,
                    },
                    _ => Expr::Not(Box::new(Expr::Matches {
                        subject,
                        pattern: value,
                    })),
                }
            }
        };
        Ok(expr)
    }

    /// Reads the operator following `subject`, returning it with its source text.
    fn parse_operator(&mut self, subject: &Token) -> Result<(Op, String), QueryError> {
        let token = self.advance();
        let unknown = |found: &Token| {
            error(
                found.column,
                format!(
                    "expected an operator {OPERATOR_LIST} after `{}`, found {}",
                    subject.text,
                    found.describe()
                ),
            )
        };
        let op = match &token.kind {
            Kind::Symbol(symbol) => match *symbol {
                "==" | "=" => Op::Equals,
                "!=" => Op::NotEquals,
                "=~" => Op::Matches,
                "!~" => Op::NotMatches,
                ">" => Op::GreaterThan,
                ">=" => Op::GreaterOrEqual,
                "<" => Op::LessThan,
                "<=" => Op::LessOrEqual,
                "!" => return self.parse_negated_operator(&token),
                _ => return Err(unknown(&token)),
            },
            Kind::Word(word) => match word.to_ascii_lowercase().as_str() {
                "equals" => Op::Equals,
                "not_equals" => Op::NotEquals,
                "matches" => Op::Matches,
                "not_matches" => Op::NotMatches,
                "greater_than" => Op::GreaterThan,
                "greater_than_equal" => Op::GreaterOrEqual,
                "less_than" => Op::LessThan,
                "less_than_equal" => Op::LessOrEqual,
                "in" => Op::In,
                "not_in" => Op::NotIn,
                "exists" => Op::Exists,
                "not_exists" => Op::NotExists,
                "not" => return self.parse_negated_operator(&token),
                _ => return Err(unknown(&token)),
            },
            _ => return Err(unknown(&token)),
        };
        Ok((op, token.text))
    }

    /// Reads the `in` or `exists` following `negation` (`not` or `!`).
    fn parse_negated_operator(&mut self, negation: &Token) -> Result<(Op, String), QueryError> {
        let next = self.peek();
        let op = if next.is_word("in") {
            Op::NotIn
        } else if next.is_word("exists") {
            Op::NotExists
        } else {
            return Err(error(
                next.column,
                format!(
                    "expected `in` or `exists` after `{}`, found {}",
                    negation.text,
                    next.describe()
                ),
            ));
        };
        let next = self.advance();
        let separator = if negation.text == "!" { "" } else { " " };
        Ok((op, format!("{}{separator}{}", negation.text, next.text)))
    }

    /// Reads a single value (bare word or quoted); `context` says where it is expected.
    fn parse_value(&mut self, context: &str) -> Result<String, QueryError> {
        let token = self.advance();
        match token.kind {
            Kind::Word(value) | Kind::Quoted(value) => Ok(value),
            _ => Err(error(
                token.column,
                format!("expected a value {context}, found {}", token.describe()),
            )),
        }
    }

    /// Reads `[v1, v2, …]` following the operator `op_text`.
    fn parse_list(&mut self, op_text: &str) -> Result<Vec<String>, QueryError> {
        let open = self.advance();
        if open.kind != Kind::LBracket {
            return Err(error(
                open.column,
                format!(
                    "expected `[` after `{op_text}` to start a list of values such as [a, b], found {}",
                    open.describe()
                ),
            ));
        }
        let unclosed = || error(open.column, "unclosed `[`: expected `]`");
        let mut values = Vec::new();
        match self.peek().kind {
            Kind::End => return Err(unclosed()),
            Kind::RBracket => {
                return Err(error(
                    self.peek().column,
                    "empty list: expected at least one value between `[` and `]`",
                ));
            }
            _ => values.push(self.parse_value("in the list")?),
        }
        loop {
            let token = self.advance();
            match token.kind {
                Kind::RBracket => return Ok(values),
                Kind::Comma => {
                    if self.peek().kind == Kind::End {
                        return Err(unclosed());
                    }
                    values.push(self.parse_value("after `,`")?);
                }
                Kind::End => return Err(unclosed()),
                _ => {
                    return Err(error(
                        token.column,
                        format!(
                            "expected `,` or `]` after a list value, found {}",
                            token.describe()
                        ),
                    ));
                }
            }
        }
    }
}

/// Subjects of the AWS language that this simulator does not model.
const UNSUPPORTED_SUBJECTS: [&str; 5] = [
    "agentConnected",
    "agentVersion",
    "registeredAt",
    "runningTasksCount",
    "task:group",
];

/// Reads a subject token into its canonical form.
fn parse_subject(token: &Token) -> Result<String, QueryError> {
    let Kind::Word(word) = &token.kind else {
        return Err(error(
            token.column,
            format!("expected {SUBJECT_HINT}, found {}", token.describe()),
        ));
    };
    let prefix_len = ATTRIBUTE_PREFIX.len();
    if word.len() >= prefix_len
        && word.is_char_boundary(prefix_len)
        && word[..prefix_len].eq_ignore_ascii_case(ATTRIBUTE_PREFIX)
    {
        let name = &word[prefix_len..];
        if name.is_empty() {
            return Err(error(
                token.column + prefix_len,
                format!(
                    "expected an attribute name after `{}`, such as attribute:ecs.instance-type",
                    &word[..prefix_len]
                ),
            ));
        }
        return Ok(format!("{ATTRIBUTE_PREFIX}{name}"));
    }
    if word.eq_ignore_ascii_case(INSTANCE_ID) {
        return Ok(INSTANCE_ID.to_owned());
    }
    if UNSUPPORTED_SUBJECTS
        .iter()
        .any(|s| s.eq_ignore_ascii_case(word))
    {
        return Err(error(
            token.column,
            format!("subject `{word}` is not supported; expected {SUBJECT_HINT}"),
        ));
    }
    Err(error(
        token.column,
        format!("expected {SUBJECT_HINT}, found `{word}`"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A test instance: an id and a map of attributes.
    struct Instance {
        id: String,
        attributes: BTreeMap<String, String>,
    }

    impl Instance {
        fn new(id: &str, attributes: &[(&str, &str)]) -> Self {
            Instance {
                id: id.to_owned(),
                attributes: attributes
                    .iter()
                    .map(|&(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            }
        }
    }

    impl Attributes for Instance {
        fn attribute(&self, name: &str) -> Option<&str> {
            self.attributes.get(name).map(String::as_str)
        }
        fn instance_id(&self) -> &str {
            &self.id
        }
    }

    /// An m5.large in us-east-1a with a few custom attributes.
    fn m5() -> Instance {
        Instance::new(
            "i-0abc",
            &[
                ("ecs.instance-type", "m5.large"),
                ("ecs.availability-zone", "us-east-1a"),
                ("ecs.os-type", "linux"),
                ("stack", "blue green"),
                ("x", "10"),
            ],
        )
    }

    fn eval(query: &str, instance: &Instance) -> bool {
        Expr::parse(query)
            .unwrap_or_else(|e| panic!("{query}: {e}"))
            .matches(instance)
    }

    fn parse_error(query: &str) -> (usize, String) {
        let err = Expr::parse(query).expect_err(query);
        (err.column, err.message)
    }

    #[test]
    fn equals_and_aliases() {
        let m5 = m5();
        // The instance type is exactly "m5.large".
        assert!(eval("attribute:ecs.instance-type == m5.large", &m5));
        // "m5.xlarge" differs from "m5.large".
        assert!(!eval("attribute:ecs.instance-type == m5.xlarge", &m5));
        // `equals` and `=` are aliases of `==`.
        assert!(eval("attribute:ecs.instance-type equals m5.large", &m5));
        assert!(eval("attribute:ecs.instance-type=m5.large", &m5));
        // Values are case-sensitive: "M5.LARGE" != "m5.large".
        assert!(!eval("attribute:ecs.instance-type == M5.LARGE", &m5));
        // ec2InstanceId reads the instance id "i-0abc".
        assert!(eval("ec2InstanceId == i-0abc", &m5));
        assert!(!eval("ec2InstanceId == i-0def", &m5));
    }

    #[test]
    fn not_equals() {
        let m5 = m5();
        // "m5.large" != "c5.large" holds.
        assert!(eval("attribute:ecs.instance-type != c5.large", &m5));
        // "m5.large" != "m5.large" does not.
        assert!(!eval(
            "attribute:ecs.instance-type not_equals m5.large",
            &m5
        ));
    }

    #[test]
    fn in_and_not_in() {
        let m5 = m5();
        // us-east-1a is the first list element.
        assert!(eval(
            "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
            &m5
        ));
        // us-east-1a is in neither list element.
        assert!(!eval(
            "attribute:ecs.availability-zone in [us-east-1b,us-east-1c]",
            &m5
        ));
        // `not in` is the negation: us-east-1a is in the list, so false.
        assert!(!eval(
            "attribute:ecs.availability-zone not in [us-east-1a, us-east-1b]",
            &m5
        ));
        // Not among [us-east-1b], so `not in` / `!in` / `not_in` hold.
        assert!(eval(
            "attribute:ecs.availability-zone not in [us-east-1b]",
            &m5
        ));
        assert!(eval(
            "attribute:ecs.availability-zone !in [us-east-1b]",
            &m5
        ));
        assert!(eval(
            "attribute:ecs.availability-zone not_in [us-east-1b]",
            &m5
        ));
        // The parse tree keeps the values in order.
        assert_eq!(
            Expr::parse("ec2InstanceId in [i-1, 'i-2']").unwrap(),
            Expr::In {
                subject: "ec2InstanceId".into(),
                values: vec!["i-1".into(), "i-2".into()],
            }
        );
    }

    #[test]
    fn wildcard_matches() {
        let m5 = m5();
        let g4 = Instance::new("i-1", &[("ecs.instance-type", "g4dn.xlarge")]);
        // `*` swallows "xlarge".
        assert!(eval("attribute:ecs.instance-type =~ g4dn.*", &g4));
        // "m5.large" does not start with "g4dn.".
        assert!(!eval("attribute:ecs.instance-type =~ g4dn.*", &m5));
        // `*` may match the empty run: "m5.large*" matches "m5.large".
        assert!(eval("attribute:ecs.instance-type matches m5.large*", &m5));
        // `*` in the middle: "m*e" = "m" + "5.larg" + "e".
        assert!(eval("attribute:ecs.instance-type =~ m*e", &m5));
        // `?` is exactly one character: "m?.large" matches "m5.large".
        assert!(eval("attribute:ecs.instance-type =~ m?.large", &m5));
        // "m5.?large" needs one character between "." and "large"; "m5.large" has none.
        assert!(!eval("attribute:ecs.instance-type =~ m5.?large", &m5));
        let m5x = Instance::new("i-2", &[("ecs.instance-type", "m5.xlarge")]);
        // ... and "m5.xlarge" has exactly one ("x").
        assert!(eval("attribute:ecs.instance-type =~ m5.?large", &m5x));
        // The match is anchored: "large" alone does not match "m5.large".
        assert!(!eval("attribute:ecs.instance-type =~ large", &m5));
        // `!~` negates: "m5.large" matches "m5.*", so false.
        assert!(!eval("attribute:ecs.instance-type !~ m5.*", &m5));
        // Direct checks of the matcher, including a literal `*` in the text.
        assert!(wildcard_match("a*b*c", "aXbYbZc"));
        assert!(wildcard_match("*", ""));
        assert!(!wildcard_match("?", ""));
        assert!(wildcard_match("a*", "a*"));
        assert!(!wildcard_match("a*d", "abc"));
    }

    #[test]
    fn or_binds_looser_than_and() {
        // a = true (type m5.large), b = true (os linux), c = false (zone us-east-1b).
        let m5 = m5();
        let a = "attribute:ecs.instance-type == m5.large";
        let b = "attribute:ecs.os-type == linux";
        let c = "attribute:ecs.availability-zone == us-east-1b";
        // a or (b and c) = true or false = true.
        assert!(eval(&format!("{a} or {b} and {c}"), &m5));
        // (a or b) and c = true and false = false: the grouping matters.
        assert!(!eval(&format!("({a} or {b}) and {c}"), &m5));
        assert_eq!(
            Expr::parse(&format!("{a} or {b} and {c}")),
            Expr::parse(&format!("{a} or ({b} and {c})"))
        );
    }

    #[test]
    fn not_binds_tighter_than_and() {
        // a = false (type is not c5.large), b = false (zone is not us-east-1b).
        let m5 = m5();
        let a = "attribute:ecs.instance-type == c5.large";
        let b = "attribute:ecs.availability-zone == us-east-1b";
        // (not a) and b = true and false = false.
        assert!(!eval(&format!("not {a} and {b}"), &m5));
        // not (a and b) = not false = true.
        assert!(eval(&format!("not ({a} and {b})"), &m5));
        assert_eq!(
            Expr::parse(&format!("not {a} and {b}")),
            Expr::parse(&format!("(not {a}) and {b}"))
        );
        // `!` is an alias: !(false) = true; `not not` is allowed.
        assert!(eval(&format!("!{a}"), &m5));
        assert!(!eval(&format!("not not {a}"), &m5));
    }

    #[test]
    fn parentheses_group_and_whitespace_is_free() {
        let m5 = m5();
        // (false or true) and true = true.
        assert!(eval(
            "(attribute:ecs.os-type == windows or attribute:ecs.os-type == linux) and attribute:x exists",
            &m5
        ));
        // No spaces at all: ((true)) && (false) = false.
        assert!(!eval(
            "((attribute:ecs.os-type==linux))&&(attribute:x==11)",
            &m5
        ));
        // Newlines and tabs are whitespace; not(...) needs no space: not(false) = true.
        assert!(eval("\n\tnot(attribute:x == 11)\n", &m5));
    }

    #[test]
    fn quoted_values() {
        let m5 = m5();
        // The stack attribute is "blue green", with a space.
        assert!(eval("attribute:stack == \"blue green\"", &m5));
        assert!(eval("attribute:stack == 'blue green'", &m5));
        // Quoted list elements may contain commas.
        assert!(!eval("attribute:stack in ['blue', \"green,blue\"]", &m5));
        // A `'` inside double quotes is literal.
        let odd = Instance::new("i-3", &[("owner", "o'brien")]);
        assert!(eval("attribute:owner == \"o'brien\"", &odd));
        // An empty quoted value equals an empty attribute.
        let empty = Instance::new("i-4", &[("tag", "")]);
        assert!(eval("attribute:tag == ''", &empty));
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let m5 = m5();
        // true AND (NOT false) = true.
        assert!(eval(
            "attribute:ecs.os-type == linux AND NOT attribute:x == 11",
            &m5
        ));
        // false Or true = true; IN and Exists in upper/mixed case; EC2INSTANCEID subject.
        assert!(eval("attribute:x IN [1, 2] Or attribute:x Exists", &m5));
        assert!(eval("EC2INSTANCEID Equals i-0abc", &m5));
        // The subject is normalised to its canonical spelling.
        assert_eq!(
            Expr::parse("ATTRIBUTE:stack EXISTS").unwrap(),
            Expr::Exists {
                subject: "attribute:stack".into()
            }
        );
    }

    #[test]
    fn absent_attributes() {
        let bare = Instance::new("i-5", &[]);
        // No "gpu" attribute: ==, in, =~, >, <= and exists are false.
        assert!(!eval("attribute:gpu == yes", &bare));
        assert!(!eval("attribute:gpu in [yes, no]", &bare));
        assert!(!eval("attribute:gpu =~ *", &bare));
        assert!(!eval("attribute:gpu > 0", &bare));
        assert!(!eval("attribute:gpu <= 0", &bare));
        assert!(!eval("attribute:gpu exists", &bare));
        // ... while !=, not in, !~ and not exists are true.
        assert!(eval("attribute:gpu != yes", &bare));
        assert!(eval("attribute:gpu not in [yes, no]", &bare));
        assert!(eval("attribute:gpu !~ *", &bare));
        assert!(eval("attribute:gpu not exists", &bare));
        assert!(eval("attribute:gpu !exists", &bare));
    }

    #[test]
    fn ordering_comparisons() {
        let m5 = m5();
        // x = "10": numerically 10 > 9 (as strings "10" < "9").
        assert!(eval("attribute:x > 9", &m5));
        assert!(!eval("attribute:x < 9", &m5));
        // 10 >= 10 and 10 <= 10.0 numerically (the strings differ).
        assert!(eval("attribute:x >= 10", &m5));
        assert!(eval("attribute:x <= 10.0", &m5));
        // 10 < 10.5 and 10 > -3.
        assert!(eval("attribute:x less_than 10.5", &m5));
        assert!(eval("attribute:x greater_than -3", &m5));
        // Not both numbers: "linux" vs "9" compares as strings, 'l' > '9'.
        assert!(eval("attribute:ecs.os-type > 9", &m5));
        // "blue green" < "red" because 'b' < 'r'.
        assert!(eval("attribute:stack < red", &m5));
        assert!(!eval("attribute:stack greater_than_equal red", &m5));
        // "inf" is not a finite number, so "10" vs "inf" is a string compare: '1' < 'i'.
        assert!(eval("attribute:x < inf", &m5));
        assert!(eval("attribute:x less_than_equal inf", &m5));
    }

    #[test]
    fn attributes_used_is_sorted_and_deduplicated() {
        let expr = Expr::parse(
            "attribute:zeta == 1 or (attribute:alpha exists and not attribute:zeta in [2]) \
             or ec2InstanceId == i-1",
        )
        .unwrap();
        // zeta twice, alpha once, ec2InstanceId is not an attribute.
        assert_eq!(expr.attributes_used(), vec!["alpha", "zeta"]);
        assert!(
            Expr::parse("ec2InstanceId != i-1")
                .unwrap()
                .attributes_used()
                .is_empty()
        );
    }

    #[test]
    fn error_empty_expression() {
        // Nothing but whitespace.
        assert_eq!(parse_error(""), (1, "empty expression".into()));
        assert_eq!(parse_error("   \t"), (1, "empty expression".into()));
    }

    #[test]
    fn error_missing_operator() {
        // "attribute:ecs.instance-type" fills columns 1-27, space 28, "m5.large" starts at 29.
        let err = Expr::parse("attribute:ecs.instance-type m5.large").unwrap_err();
        assert_eq!(
            err.to_string(),
            "column 29: expected an operator (==, !=, in, not in, =~, exists, >, >=, <, <=) \
             after `attribute:ecs.instance-type`, found `m5.large`"
        );
        // "attribute:x" is 11 characters; the end is column 12.
        assert_eq!(
            parse_error("attribute:x"),
            (
                12,
                "expected an operator (==, !=, in, not in, =~, exists, >, >=, <, <=) \
                 after `attribute:x`, found the end of the expression"
                    .into()
            )
        );
    }

    #[test]
    fn error_missing_value() {
        // "attribute:x ==" is 14 characters; the value was expected at column 15.
        assert_eq!(
            parse_error("attribute:x =="),
            (
                15,
                "expected a value after `==`, found the end of the expression".into()
            )
        );
        // "ec2InstanceId" 1-13, space 14, "equals" 15-20, space 21, ")" at 22.
        assert_eq!(
            parse_error("ec2InstanceId equals )"),
            (22, "expected a value after `equals`, found `)`".into())
        );
    }

    #[test]
    fn error_unclosed_bracket() {
        // "attribute:ecs.availability-zone" is 31 characters, space 32, "in" 33-34,
        // space 35, "[" at 36.
        assert_eq!(
            parse_error("attribute:ecs.availability-zone in [us-east-1a, us-east-1b"),
            (36, "unclosed `[`: expected `]`".into())
        );
        // Trailing comma at the end: still unclosed at column 36.
        assert_eq!(
            parse_error("attribute:ecs.availability-zone in [us-east-1a,").0,
            36
        );
        // "attribute:x in [a b]": "[" at 16, "a" 17, space 18, "b" at 19.
        assert_eq!(
            parse_error("attribute:x in [a b]"),
            (
                19,
                "expected `,` or `]` after a list value, found `b`".into()
            )
        );
        // "attribute:x in []": "]" at 17.
        assert_eq!(
            parse_error("attribute:x in []"),
            (
                17,
                "empty list: expected at least one value between `[` and `]`".into()
            )
        );
        // "attribute:x in a": "a" at 16 where `[` was expected.
        assert_eq!(parse_error("attribute:x in a").0, 16);
        // "attribute:x not in [a,,b]": "[" at 20, "a" 21, "," 22, "," at 23.
        assert_eq!(
            parse_error("attribute:x not in [a,,b]"),
            (23, "expected a value after `,`, found `,`".into())
        );
    }

    #[test]
    fn error_unbalanced_parentheses() {
        // The unclosed "(" is at column 1.
        assert_eq!(
            parse_error("(attribute:x exists"),
            (1, "unclosed `(`: expected `)`".into())
        );
        // "attribute:x" 1-11, space 12, "exists" 13-18, ")" at 19.
        assert_eq!(
            parse_error("attribute:x exists)"),
            (
                19,
                "unbalanced parentheses: this `)` has no matching `(`".into()
            )
        );
        // "(attribute:x exists attribute:y exists)": "(" 1, subject 2-12, space 13,
        // "exists" 14-19, space 20, "attribute:y" at 21.
        assert_eq!(
            parse_error("(attribute:x exists attribute:y exists)"),
            (
                21,
                "expected `and`, `or` or `)`, found `attribute:y`".into()
            )
        );
        // "()": a condition was expected at the ")" in column 2.
        assert_eq!(parse_error("()").0, 2);
    }

    #[test]
    fn error_trailing_input() {
        // "attribute:x" 1-11, space 12, "==" 13-14, space 15, "a" 16, space 17, "b" at 18.
        assert_eq!(
            parse_error("attribute:x == a b"),
            (
                18,
                "expected `and`, `or` or the end of the expression, found `b`".into()
            )
        );
        // Columns count characters, not bytes: "attribute:é" is still 11 characters.
        assert_eq!(parse_error("attribute:é == a b").0, 18);
    }

    #[test]
    fn error_unknown_subject() {
        assert_eq!(
            parse_error("foo == bar"),
            (
                1,
                "expected a subject such as attribute:ecs.instance-type or ec2InstanceId, \
                 found `foo`"
                    .into()
            )
        );
        // "attribute:x == a and" is 20 characters; a subject was expected at column 21.
        assert_eq!(
            parse_error("attribute:x == a and"),
            (
                21,
                "expected a subject such as attribute:ecs.instance-type or ec2InstanceId, \
                 found the end of the expression"
                    .into()
            )
        );
        // "attribute:" with no name: the name was expected at column 11.
        assert_eq!(parse_error("attribute: == a").0, 11);
        // A known AWS subject that ecsim does not model.
        assert_eq!(
            parse_error("runningTasksCount > 2"),
            (
                1,
                "subject `runningTasksCount` is not supported; expected a subject such as \
                 attribute:ecs.instance-type or ec2InstanceId"
                    .into()
            )
        );
    }

    #[test]
    fn error_lexical() {
        // The opening quote is at column 16: "attribute:x == " is 15 characters.
        assert_eq!(
            parse_error("attribute:x == 'abc"),
            (
                16,
                "unclosed quote: expected a closing `'` to match this one".into()
            )
        );
        // "attribute:x" 1-11, space 12, "exists" 13-18, space 19, a lone "&" at 20.
        assert_eq!(
            parse_error("attribute:x exists & attribute:y exists"),
            (20, "unexpected `&`: write `&&` or `and`".into())
        );
        // "attribute:x not ==": "not" at 13, "==" at 17.
        assert_eq!(
            parse_error("attribute:x not == a"),
            (
                17,
                "expected `in` or `exists` after `not`, found `==`".into()
            )
        );
    }

    #[test]
    fn error_nesting_limit() {
        // 65 opening parentheses exceed the limit of 64; the 65th is at column 65.
        let deep = format!("{}attribute:x exists{}", "(".repeat(65), ")".repeat(65));
        assert_eq!(parse_error(&deep).0, 65);
        // 64 levels are accepted.
        let ok = format!("{}attribute:x exists{}", "(".repeat(64), ")".repeat(64));
        assert!(Expr::parse(&ok).is_ok());
    }
}
