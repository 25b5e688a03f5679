//! Scenarios embedded in the binary, so `ecsim run` works with no file at hand.

/// The built-in quick start (also `scenarios/quickstart.json`).
pub const QUICKSTART: &str = include_str!("../scenarios/quickstart.json");

/// Every bundled scenario: (name, JSON text).
pub const SCENARIOS: &[(&str, &str)] = &[
    ("quickstart", QUICKSTART),
    (
        "binpack-vs-spread",
        include_str!("../scenarios/binpack-vs-spread.json"),
    ),
];

/// The bundled scenario called `name`.
///
/// ```
/// assert!(ecsim::bundled::get("quickstart").is_some());
/// assert!(ecsim::bundled::get("nope").is_none());
/// ```
pub fn get(name: &str) -> Option<&'static str> {
    SCENARIOS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
