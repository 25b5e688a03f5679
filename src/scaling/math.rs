//! CloudWatch metric math for `CustomizedMetricSpecification`: the arithmetic subset ecsim
//! evaluates — numbers, metric ids, `+ - * /` with the usual precedence, unary minus and
//! parentheses. Functions (`SUM(...)`, `FILL(...)`, …) are not supported.
//!
//! As in CloudWatch, an expression yields no datapoint when an id it uses has none or when it
//! divides by zero: backlog per task `m1 / m2` with no task running is missing data, so the
//! alarm goes to INSUFFICIENT_DATA rather than scaling (aws-behaviour.md §1).
//!
//! ```
//! use ecsim::scaling::math::Expr;
//!
//! let e = Expr::parse("m1 / m2").unwrap();
//! assert_eq!(e.ids(), ["m1", "m2"]);
//! let lookup = |id: &str| match id { "m1" => Some(300.0), "m2" => Some(4.0), _ => None };
//! assert_eq!(e.eval(&lookup), Some(75.0));
//! let no_tasks = |id: &str| match id { "m1" => Some(300.0), "m2" => Some(0.0), _ => None };
//! assert_eq!(e.eval(&no_tasks), None);
//! assert_eq!(Expr::parse("m1 / ").unwrap_err().0, 5);
//! ```

use std::fmt;

/// The longest expression accepted, in characters (CloudWatch's limit on a `MetricDataQuery`
/// expression).
pub const MAX_EXPRESSION_CHARS: usize = 2048;
/// The deepest nesting of parentheses and unary minus accepted (a model limit that keeps the
/// recursive parser's stack small; real expressions nest a few levels).
pub const MAX_NESTING: usize = 64;

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl Op {
    fn symbol(self) -> char {
        match self {
            Op::Add => '+',
            Op::Sub => '-',
            Op::Mul => '*',
            Op::Div => '/',
        }
    }

    fn precedence(self) -> u8 {
        match self {
            Op::Add | Op::Sub => 1,
            Op::Mul | Op::Div => 2,
        }
    }
}

/// A parsed metric math expression. Offsets are 0-based character offsets in the source.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal.
    Num(f64),
    /// A metric id (`[a-z][A-Za-z0-9_]*`).
    Id(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Bin {
        /// The operator.
        op: Op,
        /// Where the operator is in the source.
        at: usize,
        /// The left operand.
        left: Box<Expr>,
        /// The right operand.
        right: Box<Expr>,
    },
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

type ParseResult = Result<Expr, (usize, String)>;

impl Parser {
    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).copied()
    }

    fn found(&self) -> String {
        match self.chars.get(self.pos) {
            Some(c) => format!("'{c}'"),
            None => "the end".to_string(),
        }
    }

    fn nest(&mut self) -> Result<(), (usize, String)> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err((self.pos, format!("nested deeper than {MAX_NESTING} levels")));
        }
        Ok(())
    }

    fn binary(&mut self, level: u8) -> ParseResult {
        let mut left = if level == 1 {
            self.binary(2)?
        } else {
            self.unary()?
        };
        loop {
            let op = match self.peek() {
                Some('+') if level == 1 => Op::Add,
                Some('-') if level == 1 => Op::Sub,
                Some('*') if level == 2 => Op::Mul,
                Some('/') if level == 2 => Op::Div,
                _ => return Ok(left),
            };
            let at = self.pos;
            self.pos += 1;
            let right = if level == 1 {
                self.binary(2)?
            } else {
                self.unary()?
            };
            left = Expr::Bin {
                op,
                at,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
    }

    fn unary(&mut self) -> ParseResult {
        if self.peek() == Some('-') {
            self.pos += 1;
            self.nest()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> ParseResult {
        match self.peek() {
            Some('(') => {
                let open = self.pos;
                self.pos += 1;
                self.nest()?;
                let inner = self.binary(1)?;
                self.depth -= 1;
                if self.peek() == Some(')') {
                    self.pos += 1;
                    Ok(inner)
                } else {
                    Err((
                        self.pos,
                        format!(
                            "expected an operator or ')' to close the '(' at character {}, found {}",
                            open + 1,
                            self.found()
                        ),
                    ))
                }
            }
            Some(c) if c.is_ascii_digit() => self.number(),
            Some(c) if c.is_ascii_lowercase() => {
                let begin = self.pos;
                while self
                    .chars
                    .get(self.pos)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    self.pos += 1;
                }
                let id: String = self.chars[begin..self.pos].iter().collect();
                if self.peek() == Some('(') {
                    return Err((
                        begin,
                        format!("metric math functions such as {id}(…) are not supported; expected a number, an id or '('"),
                    ));
                }
                Ok(Expr::Id(id))
            }
            Some(c) if c.is_ascii_uppercase() => Err((
                    self.pos,
                "ids start with a lowercase letter (functions such as SUM(…) are not supported); expected a number, an id or '('"
                    .to_string(),
            )),
            _ => Err((
                self.pos,
                format!("expected a number, an id or '(', found {}", self.found()),
            )),
        }
    }

    fn number(&mut self) -> ParseResult {
        let begin = self.pos;
        let digits = |p: &mut Parser| {
            let s = p.pos;
            while p.chars.get(p.pos).is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos > s
        };
        digits(self);
        if self.chars.get(self.pos) == Some(&'.') {
            self.pos += 1;
            if !digits(self) {
                return Err((
                    self.pos,
                    format!("expected a digit after '.', found {}", self.found()),
                ));
            }
        }
        if self
            .chars
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_' || *c == '.')
        {
            return Err((
                self.pos,
                format!(
                    "expected an operator after the number, found {}",
                    self.found()
                ),
            ));
        }
        let text: String = self.chars[begin..self.pos].iter().collect();
        text.parse::<f64>()
            .map(Expr::Num)
            .map_err(|_| (begin, format!("'{text}' is not a number")))
    }
}

impl Expr {
    /// Parses an expression. The error is (0-based character offset of the problem, what was
    /// expected there).
    ///
    /// ```
    /// use ecsim::scaling::math::Expr;
    ///
    /// assert_eq!(Expr::parse("(m1 + m2) / 2").unwrap().to_string(), "(m1 + m2) / 2");
    /// let (at, why) = Expr::parse("m1 * (m2").unwrap_err();
    /// assert_eq!(at, 8);
    /// assert!(why.starts_with("expected an operator or ')'"));
    /// ```
    pub fn parse(src: &str) -> Result<Expr, (usize, String)> {
        let chars: Vec<char> = src.chars().collect();
        if chars.len() > MAX_EXPRESSION_CHARS {
            return Err((
                MAX_EXPRESSION_CHARS,
                format!("an expression may have at most {MAX_EXPRESSION_CHARS} characters"),
            ));
        }
        let mut p = Parser {
            chars,
            pos: 0,
            depth: 0,
        };
        let e = p.binary(1)?;
        match p.peek() {
            None => Ok(e),
            Some(')') => Err((p.pos, "')' without a matching '('".to_string())),
            Some(_) => Err((
                p.pos,
                format!("expected an operator (+ - * /), found {}", p.found()),
            )),
        }
    }

    /// The metric ids the expression uses, in order of first appearance.
    pub fn ids(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_ids(&mut out);
        out
    }

    fn collect_ids(&self, out: &mut Vec<String>) {
        match self {
            Expr::Num(_) => {}
            Expr::Id(id) => {
                if !out.contains(id) {
                    out.push(id.clone());
                }
            }
            Expr::Neg(e) => e.collect_ids(out),
            Expr::Bin { left, right, .. } => {
                left.collect_ids(out);
                right.collect_ids(out);
            }
        }
    }

    /// The value when the expression uses no id (None if it uses one, or on division by zero).
    fn constant(&self) -> Option<f64> {
        self.eval(&|_| None)
    }

    /// The offset of the first `/` whose right side is a constant expression (no id) equal to
    /// zero: such an expression never yields a datapoint.
    pub fn divides_by_constant_zero(&self) -> Option<usize> {
        match self {
            Expr::Num(_) | Expr::Id(_) => None,
            Expr::Neg(e) => e.divides_by_constant_zero(),
            Expr::Bin {
                op,
                at,
                left,
                right,
            } => {
                let here = (*op == Op::Div && right.constant() == Some(0.0)).then_some(*at);
                [
                    left.divides_by_constant_zero(),
                    here,
                    right.divides_by_constant_zero(),
                ]
                .into_iter()
                .flatten()
                .min()
            }
        }
    }

    /// Evaluates with `lookup` giving each id's datapoint. None when an id has no datapoint,
    /// on division by zero, or when the result is not a finite number — CloudWatch then
    /// publishes no datapoint.
    pub fn eval(&self, lookup: &dyn Fn(&str) -> Option<f64>) -> Option<f64> {
        let v = match self {
            Expr::Num(v) => *v,
            Expr::Id(id) => lookup(id)?,
            Expr::Neg(e) => -e.eval(lookup)?,
            Expr::Bin {
                op, left, right, ..
            } => {
                let (l, r) = (left.eval(lookup)?, right.eval(lookup)?);
                match op {
                    Op::Add => l + r,
                    Op::Sub => l - r,
                    Op::Mul => l * r,
                    Op::Div if r == 0.0 => return None,
                    Op::Div => l / r,
                }
            }
        };
        v.is_finite().then_some(v)
    }

    fn precedence(&self) -> u8 {
        match self {
            Expr::Bin { op, .. } => op.precedence(),
            _ => 3,
        }
    }
}

impl fmt::Display for Expr {
    /// Prints the expression back with the fewest parentheses that keep its structure:
    /// `(m1 + m2) / 2`, `m1 - (m2 - m3)`, `-(m1 + 1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(v) => write!(f, "{v}"),
            Expr::Id(id) => f.write_str(id),
            Expr::Neg(e) => {
                if e.precedence() < 3 {
                    write!(f, "-({e})")
                } else {
                    write!(f, "-{e}")
                }
            }
            Expr::Bin {
                op, left, right, ..
            } => {
                let p = op.precedence();
                if left.precedence() < p {
                    write!(f, "({left})")?;
                } else {
                    write!(f, "{left}")?;
                }
                write!(f, " {} ", op.symbol())?;
                if right.precedence() <= p {
                    write!(f, "({right})")
                } else {
                    write!(f, "{right}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Expr {
        Expr::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e:?}"))
    }

    fn eval(s: &str, vars: &[(&str, f64)]) -> Option<f64> {
        parse(s).eval(&|id| vars.iter().find(|(k, _)| *k == id).map(|&(_, v)| v))
    }

    #[test]
    fn backlog_per_task() {
        let e = parse("m1 / m2");
        assert_eq!(e.ids(), ["m1", "m2"]);
        // 300 messages over 4 tasks → 75 per task.
        assert_eq!(eval("m1 / m2", &[("m1", 300.0), ("m2", 4.0)]), Some(75.0));
        // No task running: division by zero → no datapoint.
        assert_eq!(eval("m1 / m2", &[("m1", 300.0), ("m2", 0.0)]), None);
        // m2 missing → no datapoint.
        assert_eq!(eval("m1 / m2", &[("m1", 300.0)]), None);
        assert_eq!(e.divides_by_constant_zero(), None);
    }

    #[test]
    fn precedence_and_parentheses() {
        // * before +: 1 + 2 × 3 = 7; parentheses first: (1 + 2) × 3 = 9.
        assert_eq!(eval("1 + 2 * 3", &[]), Some(7.0));
        assert_eq!(eval("(1 + 2) * 3", &[]), Some(9.0));
        // Left to right at one level: 10 − 3 − 2 = 5; 8 / 4 / 2 = 1; 8 / (4 / 2) = 4.
        assert_eq!(eval("10 - 3 - 2", &[]), Some(5.0));
        assert_eq!(eval("8 / 4 / 2", &[]), Some(1.0));
        assert_eq!(eval("8/(4/2)", &[]), Some(4.0));
        // Unary minus: −2 × 3 = −6; 4 − −1 = 5; −(1 + 2) × 2 = −6.
        assert_eq!(eval("-2 * 3", &[]), Some(-6.0));
        assert_eq!(eval("4 - -1", &[]), Some(5.0));
        assert_eq!(eval("-(1 + 2) * 2", &[]), Some(-6.0));
        // Decimals and ids: 0.5 × m_total + 1.25 with m_total = 10 → 6.25.
        assert_eq!(
            eval("0.5 * m_total + 1.25", &[("m_total", 10.0)]),
            Some(6.25)
        );
        // ids in order of first appearance, once each.
        assert_eq!(parse("m2 + m1 * m2 - cpuAvg").ids(), ["m2", "m1", "cpuAvg"]);
    }

    #[test]
    fn prints_back() {
        for (src, shown) in [
            ("m1/m2", "m1 / m2"),
            ("(m1 + m2) / 2", "(m1 + m2) / 2"),
            ("m1 - (m2 - m3)", "m1 - (m2 - m3)"),
            ("(m1 - m2) - m3", "m1 - m2 - m3"),
            ("((1 + 2 * 3))", "1 + 2 * 3"),
            ("-(m1 + 1)", "-(m1 + 1)"),
            ("- -m1", "--m1"),
            ("2.50 * m1", "2.5 * m1"),
            ("m1 / (m2 * 2)", "m1 / (m2 * 2)"),
        ] {
            let e = parse(src);
            assert_eq!(e.to_string(), shown, "{src}");
            // What is printed parses to the same structure.
            assert_eq!(parse(shown).to_string(), shown);
        }
    }

    #[test]
    fn parse_errors_with_offsets() {
        let err = |s: &str| Expr::parse(s).unwrap_err();
        assert_eq!(
            err(""),
            (
                0,
                "expected a number, an id or '(', found the end".to_string()
            )
        );
        assert_eq!(
            err("m1 +"),
            (
                4,
                "expected a number, an id or '(', found the end".to_string()
            )
        );
        assert_eq!(
            err("m1 / )"),
            (5, "expected a number, an id or '(', found ')'".to_string())
        );
        assert_eq!(
            err("m1 m2"),
            (3, "expected an operator (+ - * /), found 'm'".to_string())
        );
        assert_eq!(err("m1)"), (2, "')' without a matching '('".to_string()));
        assert_eq!(
            err("(m1 + 2"),
            (
                7,
                "expected an operator or ')' to close the '(' at character 1, found the end"
                    .to_string()
            )
        );
        assert_eq!(
            err("m1 % 2"),
            (3, "expected an operator (+ - * /), found '%'".to_string())
        );
        // Offsets count characters, not bytes: '×' is 2 bytes but one character.
        assert_eq!(
            err("é"),
            (0, "expected a number, an id or '(', found 'é'".to_string())
        );
        assert_eq!(err("m1 × m2").0, 3);
        assert_eq!(err("1.").0, 2);
        assert_eq!(err("1.5.2").0, 3);
        assert_eq!(err("2m1").0, 1);
        assert!(err("M1").1.starts_with("ids start with a lowercase letter"));
        assert!(
            err("SUM(m1)")
                .1
                .starts_with("ids start with a lowercase letter")
        );
        assert_eq!(err("m1 + fill(m2, 0)").0, 5);
        assert!(
            err("fill(m2, 0)")
                .1
                .starts_with("metric math functions such as fill(…)")
        );
        assert_eq!(err("+m1").0, 0);
    }

    #[test]
    fn limits() {
        // 64 levels of parentheses parse; 65 do not.
        let nested = |n| format!("{}m1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(parse(&nested(64)).ids(), ["m1"]);
        assert_eq!(Expr::parse(&nested(65)).unwrap_err().0, 65);
        // A long flat chain within the length limit: "m1+" × 682 + "m1" = 2,048 characters.
        let chain = format!("{}m1", "m1+".repeat(682));
        assert_eq!(chain.chars().count(), 2048);
        assert_eq!(eval(&chain, &[("m1", 1.0)]), Some(683.0));
        assert_eq!(Expr::parse(&format!("{chain} ")).unwrap_err().0, 2048);
        // Overflow to infinity is no datapoint.
        assert_eq!(eval("m1 * m1", &[("m1", 1e200)]), None);
    }

    #[test]
    fn constant_division_by_zero() {
        // "m1 / 0": the '/' is at offset 3.
        assert_eq!(parse("m1 / 0").divides_by_constant_zero(), Some(3));
        // (2 − 2) is a constant 0: '/' at 3.
        assert_eq!(parse("m1 / (2 - 2)").divides_by_constant_zero(), Some(3));
        // 0.0 × 5 on the right of the second '/', at 14.
        assert_eq!(
            parse("(m1 / 2) + m2 / (0.0 * 5)").divides_by_constant_zero(),
            Some(14)
        );
        // A divisor using an id is not constant; a non-zero constant is fine.
        assert_eq!(parse("m1 / (m2 - 2)").divides_by_constant_zero(), None);
        assert_eq!(parse("m1 / 2").divides_by_constant_zero(), None);
        // Nested: the inner "1 / 0" (its '/' at 13) is found although the outer divisor is not constant.
        assert_eq!(
            parse("m1 / (m2 + 1 / 0)").divides_by_constant_zero(),
            Some(13)
        );
    }
}
