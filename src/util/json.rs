//! Reading untyped JSON documents (scenarios, AWS output) by key: a list member as a slice, a
//! selection of an object's members.
//!
//! ```
//! use ecsim::util::json::{arr, pick, pick_each};
//! use serde_json::json;
//! let v = json!({"a": [{"x": 1, "y": 2}, {"x": 3}], "n": null, "k": 5});
//! assert_eq!(arr(&v, "a").len(), 2);
//! assert!(arr(&v, "k").is_empty()); // not a list
//! assert_eq!(serde_json::Value::Object(pick(&v, &["k", "n", "z"])), json!({"k": 5}));
//! assert_eq!(pick_each(&v, "a", &["x"]), vec![json!({"x": 1}), json!({"x": 3})]);
//! ```

use serde_json::{Map, Value};

/// The list at `v[k]`, empty when there is none (or it is not a list).
pub fn arr<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The members of `src` named in `keys` (when present and not null), in `keys`' order.
pub fn pick(src: &Value, keys: &[&str]) -> Map<String, Value> {
    let mut m = Map::new();
    for k in keys {
        if let Some(x) = src.get(*k).filter(|x| !x.is_null()) {
            m.insert((*k).to_string(), x.clone());
        }
    }
    m
}

/// [`pick`] of each element of the list at `src[key]`.
pub fn pick_each(src: &Value, key: &str, keys: &[&str]) -> Vec<Value> {
    arr(src, key)
        .iter()
        .map(|e| Value::Object(pick(e, keys)))
        .collect()
}
