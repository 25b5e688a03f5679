//! `--set PATH=VALUE` and `--vary PATH=V1,V2,...` on a scenario's JSON document.
//!
//! A path is dot-separated. In an object a segment is a key; in a list it chooses an element by
//! its name first (the first of [`NAME_KEYS`] the element has: `serviceName`, `name`,
//! `capacityProvider`, `PolicyName`, `ScheduledActionName`, `family`) or else by its 0-based
//! index. A value is JSON when it parses as JSON, else a string, so `desiredCount=8` sets a number
//! and `duration=6h` a string.
//!
//! [`apply`] works on the untyped document: it may set any field, present in the file or not,
//! creating missing objects along the way; whether the result is a valid scenario is for the
//! scenario's deserialization to say afterwards.
//!
//! ```
//! use ecsim::scenario::set_path::{apply, parse_assignment};
//! use serde_json::json;
//!
//! let mut doc = json!({"services": [{"serviceName": "web", "desiredCount": 2}]});
//! apply(&mut doc, &parse_assignment("services.web.desiredCount=8").unwrap()).unwrap();
//! apply(&mut doc, &parse_assignment("duration=6h").unwrap()).unwrap();
//! let by_index = parse_assignment("services.0.deployment.maximumPercent=150").unwrap();
//! apply(&mut doc, &by_index).unwrap();
//! assert_eq!(
//!     doc,
//!     json!({
//!         "duration": "6h",
//!         "services": [{
//!             "serviceName": "web",
//!             "desiredCount": 8,
//!             "deployment": {"maximumPercent": 150}
//!         }]
//!     })
//! );
//!
//! let err = apply(&mut doc, &parse_assignment("services.wbe.desiredCount=1").unwrap());
//! assert_eq!(
//!     err.unwrap_err().to_string(),
//!     "services.wbe: no element named `wbe` in `services`: did you mean `web`? (names: web; or an \
//!      index 0..=0)"
//! );
//! ```

use std::fmt;

use serde_json::{Map, Value};

/// The element name keys, in the order they are tried.
pub const NAME_KEYS: [&str; 6] = [
    "serviceName",
    "name",
    "capacityProvider",
    "PolicyName",
    "ScheduledActionName",
    "family",
];

/// An assignment `PATH=VALUE` from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The path as written (surrounding blanks trimmed), e.g. `services.web.desiredCount`.
    pub path: String,
    /// The path split at its dots, e.g. `["services", "web", "desiredCount"]`; never empty, and
    /// no segment is empty.
    pub segments: Vec<String>,
    /// The value to set.
    pub value: Value,
    /// The option that gave it, named in messages: `--set` (the default), `--vary`,
    /// `--duration` or `--seed`.
    pub origin: &'static str,
}

impl Assignment {
    /// An assignment of `value` at `path` (checked as by [`parse_assignment`]); with
    /// [`parse_vary`] it builds one assignment per alternative.
    pub fn new(path: &str, value: Value) -> Result<Assignment, SetError> {
        let (path, segments) = split_path(path)?;
        Ok(Assignment {
            path,
            segments,
            value,
            origin: "--set",
        })
    }

    /// The same assignment, given by the option `origin` (`--vary`, `--duration`, `--seed`), so
    /// that a problem with it names what the user wrote.
    pub fn given_by(mut self, origin: &'static str) -> Assignment {
        self.origin = origin;
        self
    }

    /// How messages name this assignment: `--set PATH` or `--vary PATH`, or the option alone
    /// (`--duration`, `--seed`) when the option implies the path.
    pub fn label(&self) -> String {
        match self.origin {
            "--set" | "--vary" => format!("{} {}", self.origin, self.path),
            other => other.to_string(),
        }
    }
}

/// Why an assignment could not be applied.
#[derive(Debug, Clone, PartialEq)]
pub struct SetError {
    /// The path, or its prefix up to the segment that failed (`services.wbe`).
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl SetError {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        SetError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for SetError {
    /// `PATH: MESSAGE`, or the message alone when there is no path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for SetError {}

/// Parses a command-line value: JSON when it parses as JSON, else the text as a string.
fn json_or_string(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// Splits `PATH=VALUE` at the first `=`.
fn split_at_equals<'t>(text: &'t str, form: &str) -> Result<(&'t str, &'t str), SetError> {
    text.split_once('=').ok_or_else(|| {
        SetError::new(
            text.trim(),
            format!("expected {form}, with `=` between the path and the value"),
        )
    })
}

/// Trims and checks a path; returns it with its segments.
fn split_path(path: &str) -> Result<(String, Vec<String>), SetError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(SetError::new("", "the path before `=` is empty"));
    }
    let segments: Vec<String> = path.split('.').map(str::to_string).collect();
    if segments.iter().any(String::is_empty) {
        return Err(SetError::new(
            path,
            "empty path segment (paths are `a.b.c`, without leading, trailing or doubled dots)",
        ));
    }
    Ok((path.to_string(), segments))
}

/// Parses `PATH=VALUE` (splits at the first `=`; the value is JSON when it parses as JSON, else a
/// string). Errors: no `=`, empty path, empty segment (`a..b`).
///
/// The path is trimmed of surrounding blanks; the value is kept as written (an empty value is the
/// empty string).
pub fn parse_assignment(text: &str) -> Result<Assignment, SetError> {
    let (path, value) = split_at_equals(text, "PATH=VALUE")?;
    Assignment::new(path, json_or_string(value))
}

/// Parses `PATH=V1,V2,...` (scalars split on commas, each JSON-or-string) or
/// `PATH=[JSON, JSON, ...]` (a JSON array whose elements are the alternatives) into the path and
/// the list of alternatives.
///
/// When the whole value parses as JSON and is not an array (`PATH={"a":1,"b":2}`,
/// `PATH="a,b"`), it is the single alternative: quoting is how a string keeps its commas.
/// Comma-separated items are trimmed. Errors, besides those of [`parse_assignment`]: no
/// alternatives (`PATH=`, `PATH=[]`), an empty item (`PATH=1,,2`), and a value that starts with
/// `[` but is not a JSON array.
pub fn parse_vary(text: &str) -> Result<(String, Vec<Value>), SetError> {
    let (path, raw) = split_at_equals(text, "PATH=V1,V2,... or PATH=[JSON, ...]")?;
    let (path, _) = split_path(path)?;
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(SetError::new(path, "no values to vary over"));
    }
    let values = match serde_json::from_str::<Value>(trimmed) {
        Ok(Value::Array(items)) => items,
        Ok(single) => vec![single],
        Err(e) if trimmed.starts_with('[') => {
            return Err(SetError::new(
                path,
                format!("`{trimmed}` is not a JSON array ({e})"),
            ));
        }
        Err(_) => {
            let mut values = Vec::new();
            for item in trimmed.split(',') {
                let item = item.trim();
                if item.is_empty() {
                    return Err(SetError::new(
                        path,
                        format!(
                            "empty value in `{trimmed}` (values are separated by single commas)"
                        ),
                    ));
                }
                values.push(json_or_string(item));
            }
            values
        }
    };
    if values.is_empty() {
        return Err(SetError::new(path, "no values to vary over"));
    }
    Ok((path, values))
}

/// The name of a list element: the value of the first of [`NAME_KEYS`] it has as a string.
fn element_name(element: &Value) -> Option<&str> {
    let object = element.as_object()?;
    NAME_KEYS
        .iter()
        .find_map(|k| object.get(*k))
        .and_then(Value::as_str)
}

/// Finds the element a segment chooses: by name first, else by index (which may equal the length,
/// meaning "append"). On failure, the error message.
fn choose(list: &[Value], segment: &str, list_path: &str) -> Result<usize, String> {
    if let Some(i) = list.iter().position(|e| element_name(e) == Some(segment)) {
        return Ok(i);
    }
    let index = segment
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| segment.parse::<usize>().ok())
        .flatten();
    if let Some(i) = index
        && i <= list.len()
    {
        return Ok(i);
    }
    let names: Vec<&str> = list.iter().filter_map(element_name).collect();
    let range = match list.len() {
        0 => "the list is empty; index 0 appends".to_string(),
        n => format!("or an index 0..={}", n - 1),
    };
    let hint = if names.is_empty() {
        range
    } else {
        format!("names: {}; {range}", names.join(", "))
    };
    Err(match index {
        Some(i) => format!("index {i} is out of range for `{list_path}` ({hint})"),
        None => match super::suggest::did_you_mean(segment, &names) {
            Some(near) => format!(
                "no element named `{segment}` in `{list_path}`: did you mean `{near}`? ({hint})"
            ),
            None => format!("no element named `{segment}` in `{list_path}` ({hint})"),
        },
    })
}

/// What kind of JSON value this is, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Applies the assignment to `doc`. Objects along the way that are missing are created (a
/// missing intermediate key becomes an empty object); a list segment that is neither a known
/// element name nor a valid index is an error that lists the names and the valid index range
/// ("services.wbe: no element named `wbe` in `services`: did you mean `web`? (names: web, worker;
/// or an index 0..=1)");
/// indexing into a scalar is an error. Setting an index equal to the list length appends.
///
/// An intermediate `null` counts as missing (it becomes an empty object), as does a `null`
/// document. An index equal to the list length in the middle of a path appends an empty object
/// and continues into it. On error `doc` is left unchanged.
pub fn apply(doc: &mut Value, assignment: &Assignment) -> Result<(), SetError> {
    // Check first, so that a failing assignment changes nothing.
    let mut probe = doc.clone();
    set(&mut probe, &assignment.segments, assignment.value.clone())?;
    *doc = probe;
    Ok(())
}

fn set(doc: &mut Value, segments: &[String], value: Value) -> Result<(), SetError> {
    let Some((last, parents)) = segments.split_last() else {
        // `segments` is never empty for a parsed assignment; an empty one replaces the document.
        *doc = value;
        return Ok(());
    };
    let mut current = doc;
    for (i, segment) in parents.iter().enumerate() {
        current = match as_container(current, segments, i)? {
            Value::Object(members) => members
                .entry(segment.clone())
                .or_insert_with(|| Value::Object(Map::new())),
            Value::Array(list) => {
                let index = choose_in(list, segments, i)?;
                if index == list.len() {
                    list.push(Value::Object(Map::new()));
                }
                &mut list[index]
            }
            _ => unreachable!("as_container returns objects and lists"),
        };
    }
    let i = parents.len();
    match as_container(current, segments, i)? {
        Value::Object(members) => {
            members.insert(last.clone(), value);
        }
        Value::Array(list) => {
            let index = choose_in(list, segments, i)?;
            if index == list.len() {
                list.push(value);
            } else {
                list[index] = value;
            }
        }
        _ => unreachable!("as_container returns objects and lists"),
    }
    Ok(())
}

/// The value that `segments[i]` goes into, which must be an object or a list (`null` becomes an
/// empty object).
fn as_container<'v>(
    value: &'v mut Value,
    segments: &[String],
    i: usize,
) -> Result<&'v mut Value, SetError> {
    match value {
        Value::Null => {
            *value = Value::Object(Map::new());
            Ok(value)
        }
        Value::Object(_) | Value::Array(_) => Ok(value),
        scalar => {
            let parent = if i == 0 {
                "the document".to_string()
            } else {
                format!("`{}`", segments[..i].join("."))
            };
            Err(SetError::new(
                segments[..=i].join("."),
                format!(
                    "cannot set `{}` inside {parent}, which is {} (not an object or a list)",
                    segments[i],
                    kind(scalar)
                ),
            ))
        }
    }
}

/// [`choose`] for `segments[i]` in `list`, with the error located.
fn choose_in(list: &[Value], segments: &[String], i: usize) -> Result<usize, SetError> {
    let list_path = if i == 0 {
        "(root)".to_string()
    } else {
        segments[..i].join(".")
    };
    choose(list, &segments[i], &list_path).map_err(|m| SetError::new(segments[..=i].join("."), m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(doc: &mut Value, text: &str) -> Result<(), SetError> {
        apply(doc, &parse_assignment(text).unwrap())
    }

    fn scenario() -> Value {
        json!({
            "duration": "1h",
            "services": [
                {"serviceName": "web", "desiredCount": 2},
                {"serviceName": "worker", "desiredCount": 1}
            ],
            "capacityProviders": [
                {
                    "name": "general",
                    "autoScalingGroupProvider": {"autoScalingGroup": {"maxSize": 10}}
                }
            ]
        })
    }

    #[test]
    fn parse_assignment_values() {
        let a = parse_assignment("services.web.desiredCount=8").unwrap();
        assert_eq!(a.path, "services.web.desiredCount");
        assert_eq!(a.segments, ["services", "web", "desiredCount"]);
        assert_eq!(a.value, json!(8)); // parses as JSON: a number
        // `6h` is not JSON: a string.
        assert_eq!(parse_assignment("duration=6h").unwrap().value, json!("6h"));
        // Splits at the first `=` only; the rest is the value.
        assert_eq!(parse_assignment("a=b=c").unwrap().value, json!("b=c"));
        // An empty value is the empty string; `true` and `null` are JSON.
        assert_eq!(parse_assignment("a=").unwrap().value, json!(""));
        assert_eq!(parse_assignment("a=true").unwrap().value, json!(true));
        assert_eq!(parse_assignment("a=null").unwrap().value, json!(null));
        // A quoted string keeps its quotes' meaning: the string `8`, not the number.
        assert_eq!(parse_assignment("a=\"8\"").unwrap().value, json!("8"));
        let strategy = parse_assignment(
            r#"services.web.placementStrategy=[{"type":"spread","field":"instanceId"}]"#,
        )
        .unwrap();
        assert_eq!(
            strategy.value,
            json!([{"type": "spread", "field": "instanceId"}])
        );
        // Blanks around the path are trimmed.
        assert_eq!(parse_assignment(" a.b =1").unwrap().segments, ["a", "b"]);
    }

    #[test]
    fn parse_assignment_errors() {
        let no_equals = parse_assignment("services.web.desiredCount").unwrap_err();
        assert_eq!(
            no_equals.to_string(),
            "services.web.desiredCount: expected PATH=VALUE, with `=` between the path and the value"
        );
        let empty = parse_assignment("=3").unwrap_err();
        assert_eq!(empty.to_string(), "the path before `=` is empty");
        for text in ["a..b=1", ".a=1", "a.=1"] {
            let err = parse_assignment(text).unwrap_err();
            assert_eq!(err.path, text.split('=').next().unwrap());
            assert!(err.message.starts_with("empty path segment"), "{err}");
        }
    }

    #[test]
    fn sets_by_name_and_by_index() {
        let mut doc = scenario();
        set(&mut doc, "services.web.desiredCount=8").unwrap();
        // `1` is not a name: index 1 is `worker`.
        set(&mut doc, "services.1.desiredCount=3").unwrap();
        assert_eq!(doc["services"][0]["desiredCount"], json!(8));
        assert_eq!(doc["services"][1]["desiredCount"], json!(3));
        set(
            &mut doc,
            "capacityProviders.general.autoScalingGroupProvider.autoScalingGroup.maxSize=20",
        )
        .unwrap();
        assert_eq!(
            doc["capacityProviders"][0]["autoScalingGroupProvider"]["autoScalingGroup"]["maxSize"],
            json!(20)
        );
    }

    #[test]
    fn name_takes_priority_over_index() {
        // The element at index 1 is named `0`: `0` chooses it, not index 0.
        let mut doc = json!({"faults": [{"name": "a"}, {"name": "0"}]});
        set(&mut doc, "faults.0.at=5").unwrap();
        assert_eq!(
            doc,
            json!({"faults": [{"name": "a"}, {"name": "0", "at": 5}]})
        );
    }

    #[test]
    fn first_present_name_key_is_the_name() {
        // `serviceName` comes before `name` in NAME_KEYS: this element is `svc`, not `other`.
        let mut doc = json!({"l": [{"name": "other", "serviceName": "svc"}]});
        assert!(set(&mut doc, "l.other.x=1").is_err());
        set(&mut doc, "l.svc.x=1").unwrap();
        assert_eq!(doc["l"][0]["x"], json!(1));
        // Other name keys work too.
        let mut policies = json!({"p": [{"PolicyName": "cpu"}, {"ScheduledActionName": "night"}]});
        set(&mut policies, "p.night.MinCapacity=0").unwrap();
        set(&mut policies, "p.cpu.TargetValue=50").unwrap();
        assert_eq!(
            policies,
            json!({"p": [{"PolicyName": "cpu", "TargetValue": 50},
                         {"ScheduledActionName": "night", "MinCapacity": 0}]})
        );
    }

    #[test]
    fn missing_keys_are_created() {
        let mut doc = scenario();
        set(
            &mut doc,
            "services.web.deploymentConfiguration.alarms.enable=true",
        )
        .unwrap();
        assert_eq!(
            doc["services"][0]["deploymentConfiguration"],
            json!({"alarms": {"enable": true}})
        );
        // A new top-level field, and a null intermediate replaced by an object.
        let mut doc = json!({"spot": null});
        set(&mut doc, "spot.interruptionRate=0.1").unwrap();
        set(&mut doc, "seed=7").unwrap();
        assert_eq!(doc, json!({"spot": {"interruptionRate": 0.1}, "seed": 7}));
        // A null document becomes an object.
        let mut doc = Value::Null;
        set(&mut doc, "a.b=1").unwrap();
        assert_eq!(doc, json!({"a": {"b": 1}}));
    }

    #[test]
    fn replaces_whole_values() {
        let mut doc = scenario();
        set(
            &mut doc,
            r#"services.web.placementStrategy=[{"type":"spread","field":"instanceId"}]"#,
        )
        .unwrap();
        assert_eq!(
            doc["services"][0]["placementStrategy"],
            json!([{"type": "spread", "field": "instanceId"}])
        );
        // Replacing a whole list element by name.
        set(&mut doc, r#"services.worker={"serviceName":"batch"}"#).unwrap();
        assert_eq!(doc["services"][1], json!({"serviceName": "batch"}));
    }

    #[test]
    fn index_equal_to_length_appends() {
        let mut doc = scenario();
        // Two services: index 2 appends.
        set(&mut doc, r#"services.2={"serviceName":"cron"}"#).unwrap();
        assert_eq!(doc["services"][2], json!({"serviceName": "cron"}));
        // In the middle of a path, an appended element starts as an empty object.
        set(&mut doc, "services.3.serviceName=api").unwrap();
        assert_eq!(doc["services"][3], json!({"serviceName": "api"}));
        assert_eq!(doc["services"].as_array().unwrap().len(), 4);
        // Appending to an empty list.
        let mut doc = json!({"faults": []});
        set(&mut doc, "faults.0.name=az").unwrap();
        assert_eq!(doc, json!({"faults": [{"name": "az"}]}));
    }

    #[test]
    fn unknown_element_lists_names_and_range() {
        let mut doc = scenario();
        let before = doc.clone();
        let err = set(&mut doc, "services.wbe.desiredCount=1").unwrap_err();
        assert_eq!(err.path, "services.wbe");
        assert_eq!(
            err.to_string(),
            "services.wbe: no element named `wbe` in `services`: did you mean `web`? (names: web, worker; or an index 0..=1)"
        );
        // Index 3 with two elements (2 would append).
        let err = set(&mut doc, "services.3=1").unwrap_err();
        assert_eq!(
            err.to_string(),
            "services.3: index 3 is out of range for `services` (names: web, worker; or an index 0..=1)"
        );
        // Nothing changed on error.
        assert_eq!(doc, before);
        // Unnamed elements and empty lists.
        let mut doc = json!({"subnets": ["a", "b", "c"], "faults": []});
        assert_eq!(
            set(&mut doc, "subnets.x=1").unwrap_err().to_string(),
            "subnets.x: no element named `x` in `subnets` (or an index 0..=2)"
        );
        assert_eq!(
            set(&mut doc, "faults.az.at=1").unwrap_err().to_string(),
            "faults.az: no element named `az` in `faults` (the list is empty; index 0 appends)"
        );
        // A list at the root.
        let mut list = json!([{"name": "a"}]);
        assert_eq!(
            set(&mut list, "b=1").unwrap_err().to_string(),
            "b: no element named `b` in `(root)`: did you mean `a`? (names: a; or an index 0..=0)"
        );
    }

    #[test]
    fn indexing_into_a_scalar_is_an_error() {
        let mut doc = scenario();
        let err = set(&mut doc, "services.web.desiredCount.value=1").unwrap_err();
        assert_eq!(
            err.to_string(),
            "services.web.desiredCount.value: cannot set `value` inside \
             `services.web.desiredCount`, which is a number (not an object or a list)"
        );
        let err = set(&mut doc, "duration.x.y=1").unwrap_err();
        assert_eq!(err.path, "duration.x");
        assert_eq!(
            err.message,
            "cannot set `x` inside `duration`, which is a string (not an object or a list)"
        );
        let mut scalar = json!(3);
        assert_eq!(
            set(&mut scalar, "a=1").unwrap_err().to_string(),
            "a: cannot set `a` inside the document, which is a number (not an object or a list)"
        );
    }

    #[test]
    fn vary_comma_separated_scalars() {
        let (path, values) = parse_vary("services.web.desiredCount=2,4,8").unwrap();
        assert_eq!(path, "services.web.desiredCount");
        assert_eq!(values, [json!(2), json!(4), json!(8)]);
        // Each item is JSON-or-string, trimmed.
        let (_, values) = parse_vary("duration=6h, 1d ,true,null").unwrap();
        assert_eq!(values, [json!("6h"), json!("1d"), json!(true), json!(null)]);
        // One value is one alternative.
        assert_eq!(parse_vary("a=5").unwrap().1, [json!(5)]);
    }

    #[test]
    fn vary_json_array() {
        let (path, values) = parse_vary(concat!(
            r#"services.web.placementStrategy="#,
            r#"[[{"type":"spread","field":"attribute:ecs.availability-zone"}], "#,
            r#"[{"type":"binpack","field":"memory"}]]"#
        ))
        .unwrap();
        assert_eq!(path, "services.web.placementStrategy");
        // A JSON array of arrays: two alternatives, each a list of one strategy.
        assert_eq!(
            values,
            [
                json!([{"type": "spread", "field": "attribute:ecs.availability-zone"}]),
                json!([{"type": "binpack", "field": "memory"}])
            ]
        );
        // An array of scalars and objects.
        let (_, values) = parse_vary(r#"x=[1, "a,b", {"k": 2}]"#).unwrap();
        assert_eq!(values, [json!(1), json!("a,b"), json!({"k": 2})]);
        // A whole JSON object or quoted string is one alternative, commas and all.
        assert_eq!(
            parse_vary(r#"x={"a":1,"b":2}"#).unwrap().1,
            [json!({"a": 1, "b": 2})]
        );
        assert_eq!(parse_vary(r#"x="a,b""#).unwrap().1, [json!("a,b")]);
    }

    #[test]
    fn vary_errors() {
        assert_eq!(
            parse_vary("x").unwrap_err().to_string(),
            "x: expected PATH=V1,V2,... or PATH=[JSON, ...], with `=` between the path and the value"
        );
        assert_eq!(
            parse_vary("x=").unwrap_err().to_string(),
            "x: no values to vary over"
        );
        assert_eq!(
            parse_vary("x=[]").unwrap_err().to_string(),
            "x: no values to vary over"
        );
        assert_eq!(
            parse_vary("x=1,,2").unwrap_err().to_string(),
            "x: empty value in `1,,2` (values are separated by single commas)"
        );
        let bad = parse_vary("x=[a, b]").unwrap_err();
        assert_eq!(bad.path, "x");
        assert!(
            bad.message.starts_with("`[a, b]` is not a JSON array ("),
            "{bad}"
        );
        assert!(
            parse_vary("a..b=1,2")
                .unwrap_err()
                .message
                .starts_with("empty path segment")
        );
        // The varied values build assignments.
        let (path, values) = parse_vary("services.web.desiredCount=2,4").unwrap();
        let mut doc = scenario();
        for v in values {
            apply(&mut doc, &Assignment::new(&path, v.clone()).unwrap()).unwrap();
            assert_eq!(doc["services"][0]["desiredCount"], v);
        }
    }
}
