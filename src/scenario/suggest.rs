//! "Did you mean …?" for misspelt field and variant names.
//!
//! [`did_you_mean`] picks the closest plausible candidate by edit distance (optimal string
//! alignment, a Damerau-Levenshtein distance where swapping two adjacent characters costs one);
//! [`parse_unknown_field`] and [`parse_unknown_variant`] recover the misspelt name and the expected
//! names from serde's error messages, which is all a `Deserialize` error tells about them.
//!
//! ```
//! use ecsim::scenario::suggest::{did_you_mean, parse_unknown_field};
//!
//! let message = "unknown field `desiredCont`, expected one of `serviceName`, `desiredCount`";
//! let (unknown, expected) = parse_unknown_field(message).unwrap();
//! let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
//! assert_eq!(did_you_mean(&unknown, &expected), Some("desiredCount"));
//! assert_eq!(did_you_mean("memory", &expected), None);
//! ```

/// The closest candidate to `word` by Damerau-Levenshtein (or Levenshtein) distance,
/// case-insensitive, when it is close enough to be a plausible typo (distance <= max(1, len/3)),
/// ties by candidate order.
///
/// `len` is the length of `word` in characters; an empty word has no suggestion. A candidate
/// that differs from `word` only in case (distance 0) is returned.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
    if word.is_empty() {
        return None;
    }
    let limit = (word.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for &candidate in candidates {
        let lowered: Vec<char> = candidate.chars().flat_map(char::to_lowercase).collect();
        let d = distance(&word, &lowered);
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `did you mean `X`? ` (with its trailing space) for the closest candidate, or nothing: the
/// start of the "what would be valid" part of a message about an unknown name.
///
/// ```
/// use ecsim::scenario::suggest::hint;
/// assert_eq!(hint("FARGATESPOT", &["FARGATE", "FARGATE_SPOT"]), "did you mean `FARGATE_SPOT`? ");
/// assert_eq!(hint("pool", &["FARGATE"]), "");
/// ```
pub fn hint(word: &str, candidates: &[&str]) -> String {
    did_you_mean(word, candidates)
        .map(|c| format!("did you mean `{c}`? "))
        .unwrap_or_default()
}

/// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
/// adjacent characters each cost one (no substring is edited twice).
fn distance(a: &[char], b: &[char]) -> usize {
    // Three rows of the dynamic-programming table: i-2, i-1 and i.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Parses serde's unknown-field message "unknown field `desiredCont`, expected one of `a`, `b`"
/// (also "expected `a` or `b`" and "there are no fields") into (the unknown name, the expected
/// names).
///
/// The message may be embedded in a longer one, such as `serde_json`'s (which appends
/// ` at line 3 column 5`) or one prefixed with a path. With "there are no fields" the expected
/// names are empty.
pub fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    parse_unknown(message, "unknown field `", "fields")
}

/// Same for unknown variants: "unknown variant `binpak`, expected one of `binpack`, `spread`,
/// `random`".
///
/// Also "expected `a`", "expected `a` or `b`" and "there are no variants".
pub fn parse_unknown_variant(message: &str) -> Option<(String, Vec<String>)> {
    parse_unknown(message, "unknown variant `", "variants")
}

/// Parses serde's `unknown {what} `NAME`, expected ONE_OF` / `, there are no {plural}`.
fn parse_unknown(message: &str, prefix: &str, plural: &str) -> Option<(String, Vec<String>)> {
    let start = message.find(prefix)? + prefix.len();
    let rest = &message[start..];
    let none = format!("`, there are no {plural}");
    // The unknown name is user input and may hold anything, even a backtick: it ends where
    // serde's fixed text resumes.
    let (name, expected) = match (rest.find("`, expected "), rest.find(&none)) {
        (Some(e), Some(n)) if n < e => return Some((rest[..n].to_string(), Vec::new())),
        (None, Some(n)) => return Some((rest[..n].to_string(), Vec::new())),
        (Some(e), _) => (&rest[..e], &rest[e + "`, expected ".len()..]),
        (None, None) => return None,
    };
    Some((name.to_string(), parse_one_of(expected)?))
}

/// Parses serde's `OneOf`: "`a`", "`a` or `b`", or "one of `a`, `b`, `c`" (and ignores what
/// follows it).
fn parse_one_of(text: &str) -> Option<Vec<String>> {
    let mut rest = text.strip_prefix("one of ").unwrap_or(text);
    let mut names = Vec::new();
    loop {
        let body = rest.strip_prefix('`')?;
        let end = body.find('`')?;
        names.push(body[..end].to_string());
        rest = &body[end + 1..];
        match rest
            .strip_prefix(", ")
            .or_else(|| rest.strip_prefix(" or "))
        {
            Some(next) if next.starts_with('`') => rest = next,
            _ => return Some(names),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    const FIELDS: [&str; 4] = [
        "serviceName",
        "desiredCount",
        "taskDefinition",
        "placementStrategy",
    ];

    #[test]
    fn distances() {
        let d = |a: &str, b: &str| {
            distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3); // three deletions
        assert_eq!(d("", "ab"), 2); // two insertions
        assert_eq!(d("kitten", "sitting"), 3); // k→s, e→i, +g
        assert_eq!(d("binpak", "binpack"), 1); // insert c
        assert_eq!(d("sperad", "spread"), 1); // swap r and e
        assert_eq!(d("ca", "abc"), 3); // OSA: no edit of a transposed pair (true DL would be 2)
        assert_eq!(d("é", "e"), 1); // characters, not bytes
    }

    #[test]
    fn did_you_mean_hits() {
        // desiredCont → desiredCount: one insertion; limit is max(1, 11/3) = 3.
        assert_eq!(did_you_mean("desiredCont", &FIELDS), Some("desiredCount"));
        // Case-insensitive: distance 0.
        assert_eq!(did_you_mean("DESIREDCOUNT", &FIELDS), Some("desiredCount"));
        // snake_case: deleting `_` is one edit.
        assert_eq!(did_you_mean("service_name", &FIELDS), Some("serviceName"));
        // A transposition is one edit: `taskDefintion` → `taskDefinition`.
        assert_eq!(
            did_you_mean("taskDefintion", &FIELDS),
            Some("taskDefinition")
        );
        // Short words get a limit of 1: `spred` → `spread` (one insertion).
        assert_eq!(
            did_you_mean("spred", &["binpack", "spread", "random"]),
            Some("spread")
        );
    }

    #[test]
    fn did_you_mean_misses() {
        // `memory` is 6 edits or more from every field: limit 2.
        assert_eq!(did_you_mean("memory", &FIELDS), None);
        // `ab` has limit 1: `abcd` is 2 away (two insertions), `xyz` 3 (two substitutions and
        // an insertion).
        assert_eq!(did_you_mean("ab", &["abcd", "xyz"]), None);
        assert_eq!(did_you_mean("", &["a"]), None);
        assert_eq!(did_you_mean("anything", &[]), None);
    }

    #[test]
    fn did_you_mean_limits_and_ties() {
        // `abcdef` (6 chars): limit 2. `abcdxy` is 2 away (accepted), `abxyzw` is 4 (rejected).
        assert_eq!(
            did_you_mean("abcdef", &["abxyzw", "abcdxy"]),
            Some("abcdxy")
        );
        assert_eq!(did_you_mean("abcdef", &["abxyzw"]), None);
        // `cat` vs `bat` and `cut`: both 1 away; the first candidate wins.
        assert_eq!(did_you_mean("cat", &["bat", "cut"]), Some("bat"));
        assert_eq!(did_you_mean("cat", &["cut", "bat"]), Some("cut"));
        // A closer later candidate beats an earlier one.
        assert_eq!(did_you_mean("cats", &["bats", "cats"]), Some("cats"));
    }

    #[test]
    fn parses_serde_unknown_field_messages() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        #[allow(dead_code)]
        struct Service {
            service_name: Option<String>,
            desired_count: Option<u32>,
            task_definition: Option<String>,
        }
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Two {
            a: Option<u32>,
            b: Option<u32>,
        }
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct One {
            only: Option<u32>,
        }
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Empty {}

        let err = serde_json::from_str::<Service>(r#"{"desiredCont": 2}"#).unwrap_err();
        // serde_json appends the position: the message is longer than serde's.
        assert_eq!(
            err.to_string(),
            "unknown field `desiredCont`, expected one of `serviceName`, `desiredCount`, \
             `taskDefinition` at line 1 column 14"
        );
        assert_eq!(
            parse_unknown_field(&err.to_string()),
            Some((
                "desiredCont".to_string(),
                vec![
                    "serviceName".to_string(),
                    "desiredCount".to_string(),
                    "taskDefinition".to_string()
                ]
            ))
        );
        let err = serde_json::from_str::<Two>(r#"{"c": 1}"#).unwrap_err();
        assert_eq!(
            parse_unknown_field(&err.to_string()),
            Some(("c".to_string(), vec!["a".to_string(), "b".to_string()]))
        );
        let err = serde_json::from_str::<One>(r#"{"onyl": 1}"#).unwrap_err();
        assert_eq!(
            parse_unknown_field(&err.to_string()),
            Some(("onyl".to_string(), vec!["only".to_string()]))
        );
        let err = serde_json::from_str::<Empty>(r#"{"x": 1}"#).unwrap_err();
        assert_eq!(
            parse_unknown_field(&err.to_string()),
            Some(("x".to_string(), vec![]))
        );
        // A name holding a backtick and serde-like text survives.
        let err = serde_json::from_str::<Two>(r#"{"a`, b": 1}"#).unwrap_err();
        assert_eq!(
            parse_unknown_field(&err.to_string()),
            Some(("a`, b".to_string(), vec!["a".to_string(), "b".to_string()]))
        );
        // Not an unknown-field message.
        let err = serde_json::from_str::<Two>(r#"{"a": "x"}"#).unwrap_err();
        assert_eq!(parse_unknown_field(&err.to_string()), None);
        assert_eq!(
            parse_unknown_variant("unknown field `a`, expected `b`"),
            None
        );
    }

    #[test]
    fn parses_serde_unknown_variant_messages() {
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "lowercase")]
        #[allow(dead_code)]
        enum Strategy {
            Binpack,
            Spread,
            Random,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        enum Pair {
            On,
            Off,
        }
        #[derive(Debug, Deserialize)]
        enum Never {}

        let err = serde_json::from_str::<Strategy>(r#""binpak""#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown variant `binpak`, expected one of `binpack`, `spread`, `random` \
             at line 1 column 8"
        );
        let (name, expected) = parse_unknown_variant(&err.to_string()).unwrap();
        assert_eq!(name, "binpak");
        assert_eq!(expected, ["binpack", "spread", "random"]);
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        assert_eq!(did_you_mean(&name, &expected), Some("binpack"));

        let err = serde_json::from_str::<Pair>(r#""Of""#).unwrap_err();
        assert_eq!(
            parse_unknown_variant(&err.to_string()),
            Some(("Of".to_string(), vec!["On".to_string(), "Off".to_string()]))
        );
        let err = serde_json::from_str::<Never>(r#""x""#).unwrap_err();
        assert_eq!(
            parse_unknown_variant(&err.to_string()),
            Some(("x".to_string(), vec![]))
        );
        assert_eq!(parse_unknown_field(&err.to_string()), None);
    }

    #[test]
    fn parses_messages_with_a_path_prefix() {
        // As serde_path_to_error displays its errors: `PATH: MESSAGE`.
        let message = "services[0].placementStrategy[0].type: unknown variant `sprad`, \
                       expected `spread` or `binpack`";
        assert_eq!(
            parse_unknown_variant(message),
            Some((
                "sprad".to_string(),
                vec!["spread".to_string(), "binpack".to_string()]
            ))
        );
    }
}
