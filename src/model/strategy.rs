//! Capacity provider strategy arithmetic (aws-behaviour.md §3): which provider gets the next
//! task, and which gives one up on scale-in. Pure functions over counts.
//!
//! Launch: a provider below its base comes first; after that each task goes to the provider
//! furthest below its weighted share of the tasks beyond the base (ties: the earlier entry in
//! the strategy). Scale-in: the provider furthest above its share for one task fewer, never
//! below its base (ties: the earlier entry). Both are named model choices: AWS documents the
//! result (FARGATE base 2 weight 1 + FARGATE_SPOT weight 3, 10 tasks → 4 / 6), not the order.

use crate::scenario::StrategyItem;

/// The strategy entry (index into `items`) that receives the next task, given the tasks each
/// entry holds now.
///
/// ```
/// use ecsim::model::strategy::next_provider;
/// use ecsim::scenario::StrategyItem;
/// let items = [StrategyItem { provider: 0, base: 2, weight: 1 }, StrategyItem { provider: 1, base: 0, weight: 3 }];
/// let mut counts = [0u32, 0];
/// for _ in 0..10 { let i = next_provider(&items, &counts); counts[i] += 1; }
/// assert_eq!(counts, [4, 6]);
/// ```
pub fn next_provider(items: &[StrategyItem], counts: &[u32]) -> usize {
    if let Some(i) = items.iter().zip(counts).position(|(it, &c)| c < it.base) {
        return i;
    }
    let total: i64 = counts.iter().map(|&c| i64::from(c)).sum();
    let base: i64 = items.iter().map(|it| i64::from(it.base)).sum();
    let w: i64 = items.iter().map(|it| i64::from(it.weight)).sum();
    let beyond = (total + 1 - base).max(0);
    let mut best = 0;
    let mut best_deficit = i64::MIN;
    for (i, (it, &c)) in items.iter().zip(counts).enumerate() {
        if it.weight == 0 {
            continue;
        }
        // deficit × W = share × W − (tasks beyond base) × W, kept in integers.
        let deficit = beyond * i64::from(it.weight) - (i64::from(c) - i64::from(it.base)) * w;
        if deficit > best_deficit {
            best_deficit = deficit;
            best = i;
        }
    }
    best
}

/// The strategy entry that gives up a task on scale-in, or None when no entry holds a task.
pub fn scale_in_provider(items: &[StrategyItem], counts: &[u32]) -> Option<usize> {
    let total: i64 = counts.iter().map(|&c| i64::from(c)).sum();
    if total == 0 {
        return None;
    }
    let base: i64 = items.iter().map(|it| i64::from(it.base)).sum();
    let w: i64 = items
        .iter()
        .map(|it| i64::from(it.weight))
        .sum::<i64>()
        .max(1);
    let beyond = (total - 1 - base).max(0);
    let mut best = None;
    let mut best_surplus = i64::MIN;
    for (i, (it, &c)) in items.iter().zip(counts).enumerate() {
        if c == 0 || c <= it.base {
            continue;
        }
        let surplus = (i64::from(c) - i64::from(it.base)) * w - beyond * i64::from(it.weight);
        if surplus > best_surplus {
            best_surplus = surplus;
            best = Some(i);
        }
    }
    // Every entry is at or below its base: take from the base holder.
    best.or_else(|| counts.iter().position(|&c| c > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(spec: &[(u32, u32)]) -> Vec<StrategyItem> {
        spec.iter()
            .enumerate()
            .map(|(i, &(base, weight))| StrategyItem {
                provider: i,
                base,
                weight,
            })
            .collect()
    }

    fn fill(items: &[StrategyItem], n: usize) -> Vec<u32> {
        let mut c = vec![0; items.len()];
        for _ in 0..n {
            let i = next_provider(items, &c);
            c[i] += 1;
        }
        c
    }

    #[test]
    fn aws_example_ten_tasks() {
        // FARGATE base 2 weight 1, FARGATE_SPOT weight 3: 2 + (10 − 2) × 1/4 = 4; 8 × 3/4 = 6.
        assert_eq!(fill(&items(&[(2, 1), (0, 3)]), 10), vec![4, 6]);
    }

    #[test]
    fn base_comes_first() {
        // The first two tasks satisfy the base whatever the weights.
        assert_eq!(fill(&items(&[(2, 1), (0, 3)]), 2), vec![2, 0]);
        // Base on the second entry: it fills first.
        assert_eq!(fill(&items(&[(0, 1), (3, 1)]), 3), vec![0, 3]);
    }

    #[test]
    fn uneven_counts_go_to_the_furthest_below_share() {
        // Weights 1:1, 5 tasks: 1st tie → entry 0; then entry 1; … → 3 / 2.
        assert_eq!(fill(&items(&[(0, 1), (0, 1)]), 5), vec![3, 2]);
        // Weights 1:2, 4 tasks: shares 4/3 and 8/3 → 1 / 3 (task 1: deficits 1 vs 2 → entry 1;
        // task 2: 2 − 0·3 = 2 vs 4 − 1·3 = 1 → entry 0; task 3: 3 − 3 = 0 vs 6 − 3 = 3 → 1;
        // task 4: 4 − 3 = 1 vs 8 − 6 = 2 → 1).
        assert_eq!(fill(&items(&[(0, 1), (0, 2)]), 4), vec![1, 3]);
    }

    #[test]
    fn zero_weight_gets_only_its_base() {
        assert_eq!(fill(&items(&[(1, 0), (0, 1)]), 5), vec![1, 4]);
    }

    #[test]
    fn scale_in_keeps_the_ratio_and_the_base() {
        let it = items(&[(2, 1), (0, 3)]);
        // From 4 / 6 to 9 tasks: shares beyond base 7 → 1.75 / 5.25; surpluses (2·4 − 7·1 = 1,
        // 6·4 − 7·3 = 3) → FARGATE_SPOT gives one up.
        assert_eq!(scale_in_provider(&it, &[4, 6]), Some(1));
        // Down to the base: 2 / 0 → only the base holder has tasks.
        assert_eq!(scale_in_provider(&it, &[2, 0]), Some(0));
        assert_eq!(scale_in_provider(&it, &[0, 0]), None);
    }
}
