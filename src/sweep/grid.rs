//! The grid of a compare or sweep: variants (scenario files × the cartesian product of the
//! `--vary` axes) × seeds, in one deterministic order, and its shards.
//!
//! ```
//! use ecsim::sweep::grid::{Axis, Grid};
//! use serde_json::json;
//! let g = Grid::new(
//!     vec!["web.json".into()],
//!     vec![
//!         Axis { path: "a".into(), values: vec![json!(1), json!(2)] },
//!         Axis { path: "b".into(), values: vec![json!("x"), json!("y"), json!("z")] },
//!     ],
//!     7,
//!     2,
//! );
//! // 1 file × 2 × 3 variants, the first axis varying slowest; × 2 seeds = 12 points.
//! assert_eq!(g.variants.len(), 6);
//! assert_eq!(g.variants[1].label, "a=1, b=\"y\"");
//! assert_eq!(g.points().len(), 12);
//! assert_eq!(g.points()[1], (0, 8));
//! ```

use serde_json::Value;

/// One `--vary` axis: a path and its alternatives.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Axis {
    /// The `--set` path.
    pub path: String,
    /// The alternatives, in the order given.
    pub values: Vec<Value>,
}

/// One variant: a scenario file and one value per axis.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Variant {
    /// Position in the grid.
    pub index: usize,
    /// The scenario (a path or a bundled name) as given.
    pub scenario: String,
    /// One value per axis, in axis order.
    pub values: Vec<Value>,
    /// `path=value, …` (plus the scenario when several are compared).
    pub label: String,
}

/// Variants × seeds.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Grid {
    /// The scenarios, in the order given.
    pub scenarios: Vec<String>,
    /// The axes, in the order given.
    pub axes: Vec<Axis>,
    /// The variants: scenarios (slowest) × axis values (the first axis slowest).
    pub variants: Vec<Variant>,
    /// The first seed.
    pub seed: u64,
    /// How many seeds: seed … seed + seeds − 1.
    pub seeds: u64,
}

/// A value as the label and the CSV show it: strings bare, anything else as compact JSON.
pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Grid {
    /// The grid of `scenarios` × the product of `axes`, over `seeds` seeds from `seed`.
    pub fn new(scenarios: Vec<String>, axes: Vec<Axis>, seed: u64, seeds: u64) -> Grid {
        let combos: usize = axes.iter().map(|a| a.values.len()).product();
        let mut variants = Vec::new();
        for sc in &scenarios {
            for c in 0..combos {
                let mut rest = c;
                let mut values = vec![Value::Null; axes.len()];
                for (k, a) in axes.iter().enumerate().rev() {
                    values[k] = a.values[rest % a.values.len()].clone();
                    rest /= a.values.len();
                }
                let mut parts: Vec<String> = Vec::new();
                if scenarios.len() > 1 {
                    parts.push(sc.clone());
                }
                for (a, v) in axes.iter().zip(&values) {
                    parts.push(format!("{}={}", a.path, v));
                }
                variants.push(Variant {
                    index: variants.len(),
                    scenario: sc.clone(),
                    values,
                    label: if parts.is_empty() {
                        sc.clone()
                    } else {
                        parts.join(", ")
                    },
                });
            }
        }
        Grid {
            scenarios,
            axes,
            variants,
            seed,
            seeds,
        }
    }

    /// The index in `scenarios` of variant `v`'s scenario.
    pub fn scenario_index(&self, v: usize) -> usize {
        let s = &self.variants[v].scenario;
        self.scenarios.iter().position(|x| x == s).unwrap_or(0)
    }

    /// Every (variant, seed), variant-major.
    pub fn points(&self) -> Vec<(usize, u64)> {
        let mut out = Vec::with_capacity(self.variants.len() * self.seeds as usize);
        for v in 0..self.variants.len() {
            for s in 0..self.seeds {
                out.push((v, self.seed + s));
            }
        }
        out
    }

    /// The points of shard `i` of `n` (0-based): every `n`-th point from the `i`-th, so each
    /// point is in exactly one shard and the shards are as even as can be.
    pub fn shard(&self, i: usize, n: usize) -> Vec<(usize, u64)> {
        self.points()
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % n.max(1) == i)
            .map(|(_, p)| p)
            .collect()
    }
}

/// Parses `I/N` (0 ≤ I < N), as Kubernetes' JOB_COMPLETION_INDEX and AWS Batch's array index
/// count.
///
/// ```
/// use ecsim::sweep::grid::parse_shard;
/// assert_eq!(parse_shard("2/8"), Ok((2, 8)));
/// assert!(parse_shard("8/8").is_err());
/// ```
pub fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || {
        format!(
            "`{text}` is not a shard: expected I/N with 0 ≤ I < N, e.g. 0/4 (0-based, as JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX count)"
        )
    };
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let i: usize = i.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shards_cover_every_point_exactly_once() {
        // 3 variants × 5 seeds = 15 points over 4 shards: 4, 4, 4, 3.
        let g = Grid::new(
            vec!["s".into()],
            vec![Axis {
                path: "x".into(),
                values: vec![json!(1), json!(2), json!(3)],
            }],
            1,
            5,
        );
        let mut all: Vec<(usize, u64)> = Vec::new();
        let sizes: Vec<usize> = (0..4)
            .map(|i| {
                let s = g.shard(i, 4);
                all.extend(&s);
                s.len()
            })
            .collect();
        assert_eq!(sizes, [4, 4, 4, 3]);
        all.sort();
        let mut want = g.points();
        want.sort();
        assert_eq!(all, want);
    }

    #[test]
    fn several_files_lead_the_label() {
        let g = Grid::new(vec!["a.json".into(), "b.json".into()], vec![], 1, 1);
        assert_eq!(g.variants.len(), 2);
        assert_eq!(g.variants[1].label, "b.json");
        assert_eq!(show(&json!("x")), "x");
        assert_eq!(
            show(&json!([{"type": "random"}])),
            "[{\"type\":\"random\"}]"
        );
    }
}
