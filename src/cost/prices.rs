//! The price table in use: the built-in prices ([`crate::catalogue::prices`]) with their sources
//! and dates, the scenario's `pricing` overrides applied on top, and its rendering (`ecsim
//! pricing`).
//!
//! ```
//! use ecsim::cost::prices::PriceTable;
//! let t = PriceTable::builtin("us-east-1");
//! // One 1 vCPU / 2 GB Fargate task for one hour: 0.04048 + 2 × 0.004445 = 0.04937 USD.
//! let usd = t.fargate_x86.vcpu_hour + 2.0 * t.fargate_x86.gb_hour;
//! assert!((usd - 0.04937).abs() < 1e-12);
//! assert_eq!(t.ec2_on_demand("m5.large"), Some(0.096));
//! ```

use crate::engine::Millis;
use std::collections::{BTreeMap, BTreeSet};

pub use crate::catalogue::prices::FargateRates;

/// How FARGATE_SPOT is priced: a discount off the on-demand rates, constant or changing at
/// given times (applied to both platforms).
#[derive(Debug, Clone, PartialEq)]
pub struct FargateSpotPricing {
    /// Discount in force from the start, 0 ≤ d < 1.
    pub discount: f64,
    /// Later changes: (time, discount), in time order.
    pub series: Vec<(Millis, f64)>,
}

/// How EC2 Spot instances are priced: a discount per instance type and zone that drifts as a
/// seeded random walk, or a supplied price series for a type (and zone).
#[derive(Debug, Clone, PartialEq)]
pub struct Ec2SpotPricing {
    /// Discount off on demand at the start, for every type not listed in `by_type`.
    pub discount: f64,
    /// Discount at the start per instance type.
    pub by_type: BTreeMap<String, f64>,
    /// Each (type, zone) starts at its discount plus a uniform draw in ±`zone_spread`.
    pub zone_spread: f64,
    /// How often the discount takes a random step, ms (0: never).
    pub drift_every: Millis,
    /// Standard deviation of one step, as a discount (0.01 = one percentage point).
    pub drift_sigma: f64,
    /// The random walk stays within [min_discount, max_discount].
    pub min_discount: f64,
    /// Upper bound of the walk.
    pub max_discount: f64,
    /// Supplied prices: (time, instance type, zone or None for every zone, USD per hour), in
    /// time order. A (type, zone) with any entry follows its entries (the first one from the
    /// start) and does not drift.
    pub series: Vec<(Millis, String, Option<String>, f64)>,
}

/// One printable line of the table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Entry {
    /// What is priced.
    pub item: String,
    /// The price (or discount, as a fraction).
    pub value: f64,
    /// Its unit.
    pub unit: &'static str,
    /// Where it comes from.
    pub source: String,
    /// When that source was published or read.
    pub date: String,
    /// For a regional price (Fargate rates, EC2 on demand): the region whose price it is —
    /// the table's own, or us-east-1 where the built-in tables have none for it. None for the
    /// rest (discounts, model parameters, the EKS fee).
    pub region: Option<String>,
}

/// Every price in use.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceTable {
    /// The region the prices are for.
    pub region: String,
    /// Fargate Linux/x86.
    pub fargate_x86: FargateRates,
    /// Fargate Linux/ARM (Graviton).
    pub fargate_arm: FargateRates,
    /// Fargate ephemeral storage above the 20 GB included, per GB-hour.
    pub fargate_storage_gb_hour: f64,
    /// FARGATE_SPOT.
    pub fargate_spot: FargateSpotPricing,
    /// EC2 on demand, Linux, per instance-hour.
    pub ec2: BTreeMap<String, f64>,
    /// EC2 Spot.
    pub ec2_spot: Ec2SpotPricing,
    /// The EKS control-plane fee per cluster-hour (for comparisons; ECS has none).
    pub eks_control_plane_hour: f64,
    /// Share of an EC2 instance's price attributed to services by reserved CPU (the rest by
    /// reserved memory).
    pub ec2_cpu_weight: f64,
    /// Source and date per item key (see [`PriceTable::entries`]).
    provenance: BTreeMap<String, (String, String)>,
    /// Keys of the regional prices that are us-east-1's because the built-in tables have no
    /// price of [`PriceTable::region`] for them (a `pricing` override takes its key out).
    fallback: BTreeSet<String>,
    /// Keys of the regional prices the scenario bills with (set by the scenario check; empty
    /// for a bare table): what [`PriceTable::label`] speaks of.
    pub used: Vec<String>,
}

impl PriceTable {
    /// The built-in table of `region` ([`crate::catalogue::prices`]): us-east-1's prices,
    /// with the region's own EC2 prices where a regional table has them
    /// ([`crate::catalogue::prices::REGIONAL_EC2`]). Every other regional price (every Fargate
    /// rate outside us-east-1, an EC2 type the region's table lacks) is us-east-1's and marked
    /// so: [`PriceTable::label`] and each [`Entry::region`] say whose price it is.
    ///
    /// ```
    /// use ecsim::cost::prices::PriceTable;
    /// let t = PriceTable::builtin("eu-west-1");
    /// assert_eq!(t.ec2_on_demand("m5.large"), Some(0.107)); // eu-west-1's own
    /// assert_eq!(t.ec2_on_demand("g5.xlarge"), Some(1.006)); // no eu-west-1 price: us-east-1's
    /// ```
    pub fn builtin(region: &str) -> Self {
        use crate::catalogue::prices as cat;
        let mut provenance = BTreeMap::new();
        let mut fallback = BTreeSet::new();
        let east = region == cat::REGION;
        let regional = cat::regional_ec2(region);
        let mut note = |k: &str, s: cat::Source| {
            provenance.insert(k.to_string(), (s.text.to_string(), s.date.to_string()));
        };
        for k in [
            "fargate.linuxX86.vcpuHour",
            "fargate.linuxX86.gbHour",
            "fargate.linuxArm.vcpuHour",
            "fargate.linuxArm.gbHour",
            "fargate.ephemeralStorageGbHour",
        ] {
            note(k, cat::FARGATE_SOURCE);
            if !east {
                fallback.insert(k.to_string());
            }
        }
        note("fargateSpot.discount", cat::FARGATE_SPOT_SOURCE);
        let mut ec2 = BTreeMap::new();
        for p in cat::EC2_ON_DEMAND {
            let key = format!("ec2.{}", p.instance_type);
            let own = regional.and_then(|r| {
                r.prices
                    .iter()
                    .find(|(t, _)| *t == p.instance_type)
                    .map(|&(_, usd)| (usd, r.source))
            });
            match own {
                Some((usd, source)) => {
                    ec2.insert(p.instance_type.to_string(), usd);
                    note(&key, source);
                }
                None => {
                    ec2.insert(p.instance_type.to_string(), p.usd_hour);
                    note(&key, p.source);
                    if !east {
                        fallback.insert(key);
                    }
                }
            }
        }
        for k in [
            "ec2Spot.discount",
            "ec2Spot.zoneSpread",
            "ec2Spot.driftEvery",
            "ec2Spot.driftSigma",
            "ec2Spot.minDiscount",
            "ec2Spot.maxDiscount",
        ] {
            note(k, cat::EC2_SPOT_SOURCE);
        }
        note("eksControlPlaneHour", cat::EKS_SOURCE);
        note("ec2CpuWeight", cat::EC2_CPU_WEIGHT_SOURCE);
        let spot = cat::EC2_SPOT;
        PriceTable {
            region: region.to_string(),
            fargate_x86: cat::FARGATE_X86,
            fargate_arm: cat::FARGATE_ARM,
            fargate_storage_gb_hour: cat::FARGATE_STORAGE_GB_HOUR,
            fargate_spot: FargateSpotPricing {
                discount: cat::FARGATE_SPOT_DISCOUNT,
                series: Vec::new(),
            },
            ec2,
            ec2_spot: Ec2SpotPricing {
                discount: spot.discount,
                by_type: BTreeMap::new(),
                zone_spread: spot.zone_spread,
                drift_every: spot.drift_every,
                drift_sigma: spot.drift_sigma,
                min_discount: spot.min_discount,
                max_discount: spot.max_discount,
                series: Vec::new(),
            },
            eks_control_plane_hour: cat::EKS_CONTROL_PLANE_HOUR,
            ec2_cpu_weight: cat::EC2_CPU_WEIGHT,
            provenance,
            fallback,
            used: Vec::new(),
        }
    }

    /// Whether `key` is a regional price (a Fargate rate or an EC2 on-demand price).
    fn is_regional(key: &str) -> bool {
        key.starts_with("ec2.") || key.starts_with("fargate.")
    }

    /// The region whose price `key` is (see [`Entry::region`]).
    fn region_of(&self, key: &str) -> Option<String> {
        if !Self::is_regional(key) {
            return None;
        }
        Some(if self.fallback.contains(key) {
            crate::catalogue::prices::REGION.to_string()
        } else {
            self.region.clone()
        })
    }

    /// The regional prices of [`PriceTable::used`] that are us-east-1's although the scenario
    /// is in another region, by name: `Fargate` for the Fargate rates, `EC2 TYPE` for an
    /// instance type.
    pub fn fallbacks(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for key in &self.used {
            if !self.fallback.contains(key) {
                continue;
            }
            let name = match key.strip_prefix("ec2.") {
                Some(t) => format!("EC2 {t}"),
                None => "Fargate".to_string(),
            };
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }

    /// Whose prices the scenario bills with, truthfully: the region when every price it uses is
    /// that region's (or the scenario's own `pricing`), else the region with the exceptions
    /// named (`us-west-2, with us-east-1's for Fargate, EC2 g5.xlarge`). What report.json's
    /// `cost.region` and the summary's cost line show.
    pub fn label(&self) -> String {
        let fb = self.fallbacks();
        if fb.is_empty() {
            self.region.clone()
        } else {
            format!(
                "{}, with {}'s for {}",
                self.region,
                crate::catalogue::prices::REGION,
                fb.join(", ")
            )
        }
    }

    /// The on-demand price of an instance type, USD per hour.
    pub fn ec2_on_demand(&self, instance_type: &str) -> Option<f64> {
        self.ec2.get(instance_type).copied()
    }

    /// The starting Spot discount of an instance type (before its zone's spread).
    pub fn ec2_spot_discount(&self, instance_type: &str) -> f64 {
        self.ec2_spot
            .by_type
            .get(instance_type)
            .copied()
            .unwrap_or(self.ec2_spot.discount)
    }

    /// Records that `key` was set by the scenario (so it is no longer a fallback).
    pub fn set_source(&mut self, key: &str, source: &str) {
        self.provenance
            .insert(key.to_string(), (source.to_string(), String::new()));
        self.fallback.remove(key);
    }

    /// Every entry, in a fixed order, with its source and date.
    pub fn entries(&self) -> Vec<Entry> {
        let src = |k: &str| {
            self.provenance
                .get(k)
                .cloned()
                .unwrap_or_else(|| ("scenario pricing".to_string(), String::new()))
        };
        let mut out = Vec::new();
        let mut push = |item: String, key: &str, value: f64, unit: &'static str| {
            let (source, date) = src(key);
            out.push(Entry {
                item,
                value,
                unit,
                source,
                date,
                region: self.region_of(key),
            });
        };
        for (name, key, r) in [
            ("Fargate Linux/x86", "linuxX86", self.fargate_x86),
            ("Fargate Linux/ARM", "linuxArm", self.fargate_arm),
        ] {
            push(
                format!("{name} vCPU"),
                &format!("fargate.{key}.vcpuHour"),
                r.vcpu_hour,
                "USD per vCPU-hour",
            );
            push(
                format!("{name} memory"),
                &format!("fargate.{key}.gbHour"),
                r.gb_hour,
                "USD per GB-hour",
            );
        }
        push(
            "Fargate ephemeral storage above 20 GB".into(),
            "fargate.ephemeralStorageGbHour",
            self.fargate_storage_gb_hour,
            "USD per GB-hour",
        );
        push(
            "FARGATE_SPOT discount".into(),
            "fargateSpot.discount",
            self.fargate_spot.discount,
            "fraction off on demand",
        );
        for (at, d) in &self.fargate_spot.series {
            push(
                format!(
                    "FARGATE_SPOT discount from {}",
                    crate::scenario::units::Duration(*at)
                ),
                "fargateSpot.series",
                *d,
                "fraction off on demand",
            );
        }
        let order: Vec<&str> = crate::catalogue::instance_types::INSTANCE_TYPES
            .iter()
            .map(|t| t.name)
            .collect();
        let mut types: Vec<(&String, &f64)> = self.ec2.iter().collect();
        types.sort_by_key(|(t, _)| order.iter().position(|o| o == t).unwrap_or(usize::MAX));
        for (t, p) in types {
            push(
                format!("EC2 {t} on demand"),
                &format!("ec2.{t}"),
                *p,
                "USD per instance-hour",
            );
        }
        let s = &self.ec2_spot;
        push(
            "EC2 Spot discount".into(),
            "ec2Spot.discount",
            s.discount,
            "fraction off on demand",
        );
        for (t, d) in &s.by_type {
            push(
                format!("EC2 Spot discount {t}"),
                &format!("ec2Spot.byInstanceType.{t}"),
                *d,
                "fraction off on demand",
            );
        }
        push(
            "EC2 Spot zone spread".into(),
            "ec2Spot.zoneSpread",
            s.zone_spread,
            "± fraction at the start",
        );
        push(
            "EC2 Spot drift step every".into(),
            "ec2Spot.driftEvery",
            s.drift_every as f64 / 1000.0,
            "seconds",
        );
        push(
            "EC2 Spot drift step sigma".into(),
            "ec2Spot.driftSigma",
            s.drift_sigma,
            "fraction",
        );
        push(
            "EC2 Spot discount at least".into(),
            "ec2Spot.minDiscount",
            s.min_discount,
            "fraction",
        );
        push(
            "EC2 Spot discount at most".into(),
            "ec2Spot.maxDiscount",
            s.max_discount,
            "fraction",
        );
        for (at, t, z, p) in &s.series {
            push(
                format!(
                    "EC2 Spot {t} {} from {}",
                    z.as_deref().unwrap_or("every zone"),
                    crate::scenario::units::Duration(*at)
                ),
                "ec2Spot.series",
                *p,
                "USD per instance-hour",
            );
        }
        push(
            "EKS control plane (comparison)".into(),
            "eksControlPlaneHour",
            self.eks_control_plane_hour,
            "USD per cluster-hour",
        );
        push(
            "EC2 cost attributed by CPU".into(),
            "ec2CpuWeight",
            self.ec2_cpu_weight,
            "fraction (rest by memory)",
        );
        out
    }

    /// The table as aligned text (`ecsim pricing`): one line per price with the region whose
    /// price it is (regional prices only) and a note number, then the notes (source and date).
    pub fn render(&self) -> String {
        let mut s = format!("ecsim price table · region {} · USD · Linux\n", self.region);
        let east = crate::catalogue::prices::REGION;
        if self.region != east {
            let fb: Vec<&String> = self.fallback.iter().collect();
            let table = match crate::catalogue::prices::regional_ec2(&self.region) {
                Some(_) => format!("EC2 prices from the built-in {} table", self.region),
                None => format!("no built-in {} table", self.region),
            };
            s.push_str(&format!(
                "{table}; {} of its prices are {east}'s (marked {east}: the built-in tables have no {} price for them; give one under `pricing`)\n",
                fb.len(),
                self.region
            ));
        }
        s.push('\n');
        let mut notes: Vec<String> = Vec::new();
        let rows: Vec<[String; 5]> = self
            .entries()
            .into_iter()
            .map(|e| {
                let note = if e.date.is_empty() {
                    e.source.clone()
                } else {
                    format!("{}, {}", e.source, e.date)
                };
                let n = match notes.iter().position(|x| *x == note) {
                    Some(n) => n,
                    None => {
                        notes.push(note);
                        notes.len() - 1
                    }
                };
                [
                    e.item,
                    trim_num(e.value),
                    e.unit.to_string(),
                    e.region.unwrap_or_default(),
                    format!("[{}]", n + 1),
                ]
            })
            .collect();
        let w: Vec<usize> = (0..4)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        for r in rows {
            let line = format!(
                "{:<w0$}  {:>w1$}  {:<w2$}  {:<w3$}  {}",
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                w0 = w[0],
                w1 = w[1],
                w2 = w[2],
                w3 = w[3]
            );
            s.push_str(&line);
            s.push('\n');
        }
        s.push_str("\nSources\n");
        for (n, note) in notes.iter().enumerate() {
            s.push_str(&format!("  [{}] {note}\n", n + 1));
        }
        s.push_str(
            "\nOverride any price under the scenario's `pricing` (docs/scenario-reference.md).\n",
        );
        s
    }
}

/// A price without trailing zeros (up to 8 decimals).
fn trim_num(v: f64) -> String {
    let s = format!("{v:.8}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_prices_every_instance_type() {
        let t = PriceTable::builtin("us-east-1");
        for it in crate::catalogue::instance_types::INSTANCE_TYPES {
            assert!(t.ec2_on_demand(it.name).is_some(), "{} unpriced", it.name);
        }
        // And no price for a type ecsim does not know.
        assert_eq!(
            t.ec2.len(),
            crate::catalogue::instance_types::INSTANCE_TYPES.len()
        );
    }

    #[test]
    fn fargate_spot_default_reproduces_the_published_example() {
        let t = PriceTable::builtin("us-east-1");
        // 0.04048 × (1 − d) = 0.01334053 by construction; memory at the same ratio:
        // 0.004445 × 0.01334053 / 0.04048 = 0.0014648947… ≈ the published 0.00146489.
        let f = 1.0 - t.fargate_spot.discount;
        assert!((0.04048 * f - 0.01334053).abs() < 1e-12);
        assert!((0.004445 * f - 0.00146489).abs() < 1e-8);
    }

    #[test]
    fn every_entry_has_a_source_and_date() {
        let t = PriceTable::builtin("us-east-1");
        for e in t.entries() {
            assert!(!e.source.is_empty(), "{}", e.item);
            assert!(!e.date.is_empty(), "{}", e.item);
        }
        let text = t.render();
        assert!(text.contains("EC2 m5.large on demand"));
        assert!(text.contains("0.04048"));
    }
}
