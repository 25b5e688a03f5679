//! The grid of a compare or sweep: variants (scenario files × the cartesian product of the
//! `--vary` axes) × seeds, in one deterministic order, and its shards.
//!
//! The variants are made up front (at most [`MAX_VARIANTS`]); the points (variant, seed) never
//! are: [`Points`] names a grid's points (or a shard's) by their index and gives each on demand,
//! so a grid of a billion seeds costs no more memory than one of two. A grid whose seeds would
//! run past `u64::MAX`, or whose points could not be counted, is refused ([`GridError`]).
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
//! )
//! .unwrap();
//! // 1 file × 2 × 3 variants, the first axis varying slowest; × 2 seeds = 12 points.
//! assert_eq!(g.variants.len(), 6);
//! assert_eq!(g.variants[1].label, "a=1, b=\"y\"");
//! assert_eq!(g.points().len(), 12);
//! assert_eq!(g.points().get(1), (0, 8));
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
///
/// Made by [`Grid::new`], which checks it (its points are then countable and its seeds within
/// `u64`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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

/// The most variants a grid may have (scenario files × the product of the `--vary` axes'
/// lengths): every variant is loaded and checked before anything runs, and grid.json lists
/// their labels.
pub const MAX_VARIANTS: usize = 10_000;

/// Why a grid cannot be made, by the part of it at fault; the message says what would be valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridError {
    /// The seeds: none, a range seed … seed + seeds − 1 past `u64::MAX`, or more points
    /// (variants × seeds) than can be counted.
    Seeds(String),
    /// The variants: none (no scenario, an axis without values), or more than [`MAX_VARIANTS`].
    Variants(String),
}

impl GridError {
    /// The message.
    pub fn message(&self) -> &str {
        match self {
            GridError::Seeds(m) | GridError::Variants(m) => m,
        }
    }
}

impl Grid {
    /// The grid of `scenarios` × the product of `axes`, over `seeds` seeds from `seed`.
    pub fn new(
        scenarios: Vec<String>,
        axes: Vec<Axis>,
        seed: u64,
        seeds: u64,
    ) -> Result<Grid, GridError> {
        if seeds == 0 {
            return Err(GridError::Seeds("0 seeds: give at least 1".into()));
        }
        // seed + (seeds − 1) ≤ u64::MAX, written so that nothing overflows.
        if seeds - 1 > u64::MAX - seed {
            return Err(GridError::Seeds(format!(
                "{seeds} seeds from {seed} would run past {}, the largest seed: from seed {seed} \
                 give at most {} seeds, or an earlier --seed",
                u64::MAX,
                u64::MAX - seed + 1
            )));
        }
        if scenarios.is_empty() {
            return Err(GridError::Variants("no scenario: give at least one".into()));
        }
        if let Some(a) = axes.iter().find(|a| a.values.is_empty()) {
            return Err(GridError::Variants(format!(
                "`{}` has no values: give at least one",
                a.path
            )));
        }
        // Counted in u128, which holds any product of the few lengths a command line can give
        // until it saturates, so that the message can say how many were asked for.
        let asked = axes.iter().fold(scenarios.len() as u128, |n, a| {
            n.saturating_mul(a.values.len() as u128)
        });
        if asked > MAX_VARIANTS as u128 {
            let lens: Vec<String> = std::iter::once(scenarios.len())
                .chain(axes.iter().map(|a| a.values.len()))
                .map(|n| n.to_string())
                .collect();
            let count = if asked == u128::MAX {
                "more than 10^38".to_string()
            } else {
                asked.to_string()
            };
            return Err(GridError::Variants(format!(
                "{count} variants ({}: scenarios × each axis's values): above the limit of {MAX_VARIANTS} \
                 variants a grid may have; vary fewer values at once",
                lens.join(" × ")
            )));
        }
        let combos = asked as usize / scenarios.len();
        let total = usize::try_from(seeds)
            .ok()
            .and_then(|s| s.checked_mul(combos * scenarios.len()));
        if total.is_none() {
            return Err(GridError::Seeds(format!(
                "{} variants × {seeds} seeds: more points than can be counted ({}); give fewer seeds",
                combos * scenarios.len(),
                usize::MAX
            )));
        }
        let mut variants = Vec::with_capacity(combos * scenarios.len());
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
        Ok(Grid {
            scenarios,
            axes,
            variants,
            seed,
            seeds,
        })
    }

    /// The index in `scenarios` of variant `v`'s scenario.
    pub fn scenario_index(&self, v: usize) -> usize {
        let s = &self.variants[v].scenario;
        self.scenarios.iter().position(|x| x == s).unwrap_or(0)
    }

    /// The last seed, seed + seeds − 1 (within `u64` by construction).
    pub fn last_seed(&self) -> u64 {
        self.seed + (self.seeds - 1)
    }

    /// Every (variant, seed), variant-major, by index.
    pub fn points(&self) -> Points<'_> {
        Points {
            grid: self,
            first: 0,
            step: 1,
            len: self.variants.len() * self.seeds as usize,
        }
    }

    /// The points of shard `i` of `n` (0-based): every `n`-th point from the `i`-th, so each
    /// point is in exactly one shard and the shards are as even as can be.
    pub fn shard(&self, i: usize, n: usize) -> Points<'_> {
        let n = n.max(1);
        let total = self.points().len;
        Points {
            grid: self,
            first: i,
            step: n,
            len: if i < total {
                (total - i).div_ceil(n)
            } else {
                0
            },
        }
    }
}

/// Some of a grid's points (all of them, or a shard's), named by index and made on demand:
/// the `j`-th is the grid's point `first + j × step`, the grid's point `k` being variant
/// `k / seeds` at seed `seed + k % seeds`.
#[derive(Debug, Clone, Copy)]
pub struct Points<'a> {
    grid: &'a Grid,
    first: usize,
    step: usize,
    len: usize,
}

impl<'a> Points<'a> {
    /// The grid they are points of.
    pub fn grid(&self) -> &'a Grid {
        self.grid
    }

    /// How many points.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none (a shard past the grid's points).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `j`-th point (`j` < [`len`](Points::len)): (variant, seed).
    pub fn get(&self, j: usize) -> (usize, u64) {
        let k = self.first + j * self.step;
        let seeds = self.grid.seeds as usize;
        (k / seeds, self.grid.seed + (k % seeds) as u64)
    }

    /// Whether (variant, seed) is one of these points.
    pub fn contains(&self, variant: usize, seed: u64) -> bool {
        let g = self.grid;
        if variant >= g.variants.len() || seed < g.seed || seed > g.last_seed() {
            return false;
        }
        let k = variant * g.seeds as usize + (seed - g.seed) as usize;
        k >= self.first
            && (k - self.first).is_multiple_of(self.step)
            && (k - self.first) / self.step < self.len
    }

    /// The points in order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        (0..self.len).map(|j| self.get(j))
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
        )
        .unwrap();
        let mut all: Vec<(usize, u64)> = Vec::new();
        let sizes: Vec<usize> = (0..4)
            .map(|i| {
                let s = g.shard(i, 4);
                all.extend(s.iter());
                s.len()
            })
            .collect();
        assert_eq!(sizes, [4, 4, 4, 3]);
        all.sort();
        let mut want: Vec<(usize, u64)> = g.points().iter().collect();
        want.sort();
        assert_eq!(all, want);
    }

    #[test]
    fn several_files_lead_the_label() {
        let g = Grid::new(vec!["a.json".into(), "b.json".into()], vec![], 1, 1).unwrap();
        assert_eq!(g.variants.len(), 2);
        assert_eq!(g.variants[1].label, "b.json");
        assert_eq!(show(&json!("x")), "x");
        assert_eq!(
            show(&json!([{"type": "random"}])),
            "[{\"type\":\"random\"}]"
        );
    }

    fn one(seed: u64, seeds: u64) -> Result<Grid, GridError> {
        Grid::new(vec!["s".into()], vec![], seed, seeds)
    }

    #[test]
    fn a_billion_seeds_or_more_are_points_by_index_not_a_list() {
        // Seeds 0 … u64::MAX − 1 (u64::MAX of them) for one variant: u64::MAX points, the last
        // of them seed 0 + (u64::MAX − 1). Nothing is allocated per point (a Vec of them
        // would need 16 × 2^64 bytes: "capacity overflow").
        let g = one(0, u64::MAX).unwrap();
        let p = g.points();
        assert_eq!(p.len(), u64::MAX as usize);
        assert_eq!(p.get(p.len() - 1), (0, u64::MAX - 1));
        assert_eq!(g.last_seed(), u64::MAX - 1);
        // A billion seeds from 5 in shard 3 of 8: points 3, 11, 19, …; (10^9 − 3) / 8 rounded
        // up = 125,000,000 of them; the second is point 11, seed 5 + 11 = 16.
        let g = one(5, 1_000_000_000).unwrap();
        let s = g.shard(3, 8);
        assert_eq!(s.len(), 125_000_000);
        assert_eq!(s.get(1), (0, 16));
        assert!(s.contains(0, 16));
        assert!(!s.contains(0, 17), "point 12 is shard 4's");
        // The last point, 999,999,999 (seed 1,000,000,004), is 999,999,999 mod 8 = 7: shard 7's.
        assert!(g.shard(7, 8).contains(0, 1_000_000_004));
        assert!(!s.contains(0, 1_000_000_005), "past the last seed");
    }

    #[test]
    fn seed_ranges_past_the_largest_seed_are_refused() {
        // From u64::MAX one seed fits (itself); two would wrap to 0.
        assert_eq!(one(u64::MAX, 1).unwrap().last_seed(), u64::MAX);
        let e = one(u64::MAX, 2).unwrap_err();
        assert!(matches!(e, GridError::Seeds(_)), "{e:?}");
        assert!(e.message().contains("give at most 1 seeds"), "{e:?}");
        // From 10: u64::MAX − 10 + 1 seeds fit, one more does not.
        assert!(one(10, u64::MAX - 9).is_ok());
        let e = one(10, u64::MAX - 8).unwrap_err();
        assert!(
            e.message()
                .contains(&format!("at most {} seeds", u64::MAX - 9)),
            "{e:?}"
        );
        assert!(matches!(one(1, 0), Err(GridError::Seeds(_))));
        // Two variants × u64::MAX seeds: 2^65 − 2 points, more than a usize counts.
        let two = Grid::new(vec!["a".into(), "b".into()], vec![], 0, u64::MAX).unwrap_err();
        assert!(
            two.message().contains("more points than can be counted"),
            "{two:?}"
        );
    }

    #[test]
    fn more_variants_than_the_limit_are_refused_before_any_is_made() {
        let axis = |p: &str, n: usize| Axis {
            path: p.into(),
            values: (0..n).map(|k| json!(k)).collect(),
        };
        // 1 scenario × 100 × 100 = 10,000: the limit, accepted.
        let g = Grid::new(vec!["s".into()], vec![axis("a", 100), axis("b", 100)], 1, 1).unwrap();
        assert_eq!(g.variants.len(), MAX_VARIANTS);
        // 1 × 100 × 101 = 10,100: refused, the count and the factors named.
        let e =
            Grid::new(vec!["s".into()], vec![axis("a", 100), axis("b", 101)], 1, 1).unwrap_err();
        assert!(
            e.message()
                .starts_with("10100 variants (1 × 100 × 101: scenarios × each axis's values)"),
            "{e:?}"
        );
        // Ten axes of 1,000 values: 10^30 variants, counted without overflow.
        let axes: Vec<Axis> = (0..10).map(|k| axis(&format!("x{k}"), 1000)).collect();
        let e = Grid::new(vec!["s".into()], axes, 1, 1).unwrap_err();
        assert!(
            e.message()
                .starts_with(&format!("{} variants", 10u128.pow(30))),
            "{e:?}"
        );
        // An axis without values makes no variant at all.
        let e = Grid::new(vec!["s".into()], vec![axis("a", 0)], 1, 1).unwrap_err();
        assert!(matches!(e, GridError::Variants(_)), "{e:?}");
    }
}
