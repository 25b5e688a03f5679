//! The price table: every price ecsim bills with, each with its source and date, and the
//! scenario's `pricing` overrides applied on top.
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
use std::collections::BTreeMap;

/// Fargate rates for one platform, USD.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FargateRates {
    /// Per vCPU-hour.
    pub vcpu_hour: f64,
    /// Per GB-hour of memory (1 GB = 1,024 MiB, as Fargate sizes are given).
    pub gb_hour: f64,
}

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
}

const AWS_BEHAVIOUR_5: &str =
    "aws.amazon.com/fargate/pricing, us-east-1 (several dated 2026 sources agree)";
const AWS_BEHAVIOUR_6: &str =
    "aws.amazon.com/ec2/pricing/on-demand, us-east-1 Linux (several dated 2026 sources agree)";
const EC2_PAGE: &str = "aws.amazon.com/ec2/pricing/on-demand, us-east-1 Linux (ecsim's table; prices double with each size in a family)";
const D2026: &str = "2026";
const TABLE_DATE: &str = "2026-11-26";

/// EC2 on-demand Linux prices in us-east-1, USD per hour, and whether several dated 2026
/// sources list the price itself (else it follows its family's per-size doubling).
const EC2_ON_DEMAND: &[(&str, f64, bool)] = &[
    ("m5.large", 0.096, true),
    ("m5.xlarge", 0.192, true),
    ("m5.2xlarge", 0.384, true),
    ("m5.4xlarge", 0.768, false),
    ("m5.8xlarge", 1.536, false),
    ("m6i.large", 0.096, true),
    ("m6i.xlarge", 0.192, false),
    ("m6i.2xlarge", 0.384, false),
    ("m6i.4xlarge", 0.768, false),
    ("m6g.medium", 0.0385, false),
    ("m6g.large", 0.077, true),
    ("m6g.xlarge", 0.154, true),
    ("m6g.2xlarge", 0.308, false),
    ("m6g.4xlarge", 0.616, false),
    ("m7g.medium", 0.0408, false),
    ("m7g.large", 0.0816, true),
    ("m7g.xlarge", 0.1632, false),
    ("m7g.2xlarge", 0.3264, false),
    ("m7g.4xlarge", 0.6528, false),
    ("c5.large", 0.085, true),
    ("c5.xlarge", 0.17, true),
    ("c5.2xlarge", 0.34, true),
    ("c5.4xlarge", 0.68, false),
    ("c6g.medium", 0.034, false),
    ("c6g.large", 0.068, true),
    ("c6g.xlarge", 0.136, true),
    ("c6g.2xlarge", 0.272, false),
    ("c6g.4xlarge", 0.544, false),
    ("c7g.medium", 0.0363, false),
    ("c7g.large", 0.0725, false),
    ("c7g.xlarge", 0.145, false),
    ("c7g.2xlarge", 0.289, false),
    ("r5.large", 0.126, true),
    ("r5.xlarge", 0.252, false),
    ("r5.2xlarge", 0.504, false),
    ("r5.4xlarge", 1.008, false),
    ("r6g.medium", 0.0504, false),
    ("r6g.large", 0.1008, false),
    ("r6g.xlarge", 0.2016, false),
    ("r6g.2xlarge", 0.4032, false),
    ("t3.micro", 0.0104, false),
    ("t3.small", 0.0208, false),
    ("t3.medium", 0.0416, true),
    ("t3.large", 0.0832, false),
    ("t3.xlarge", 0.1664, false),
    ("t3.2xlarge", 0.3328, false),
    ("g4dn.xlarge", 0.526, false),
    ("g4dn.2xlarge", 0.752, false),
    ("g4dn.4xlarge", 1.204, false),
    ("g4dn.12xlarge", 3.912, false),
    ("g5.xlarge", 1.006, false),
    ("g5.2xlarge", 1.212, false),
    ("g5.12xlarge", 5.672, false),
];

/// AWS's published FARGATE_SPOT example: 0.01334053 per vCPU-hour against
/// 0.04048 on demand, 0.00146489 per GB-hour against 0.004445 — the same ratio, 0.32956, so a
/// discount of 1 − 0.01334053 / 0.04048 ≈ 0.67044.
pub const FARGATE_SPOT_DEFAULT_DISCOUNT: f64 = 1.0 - 0.01334053 / 0.04048;

impl PriceTable {
    /// The built-in table. Prices are us-east-1's; for another region the same prices are used
    /// (the scenario loader warns) unless the scenario's `pricing` overrides them.
    pub fn builtin(region: &str) -> Self {
        let mut provenance = BTreeMap::new();
        let mut note = |k: &str, s: &str, d: &str| {
            provenance.insert(k.to_string(), (s.to_string(), d.to_string()));
        };
        for k in [
            "fargate.linuxX86.vcpuHour",
            "fargate.linuxX86.gbHour",
            "fargate.linuxArm.vcpuHour",
            "fargate.linuxArm.gbHour",
            "fargate.ephemeralStorageGbHour",
        ] {
            note(k, AWS_BEHAVIOUR_5, D2026);
        }
        note(
            "fargateSpot.discount",
            "AWS's published FARGATE_SPOT example: 0.01334053 per vCPU-hour and 0.00146489 per GB-hour against 0.04048 and 0.004445 (the real price varies)",
            D2026,
        );
        let mut ec2 = BTreeMap::new();
        for &(t, p, listed) in EC2_ON_DEMAND {
            ec2.insert(t.to_string(), p);
            if listed {
                note(&format!("ec2.{t}"), AWS_BEHAVIOUR_6, D2026);
            } else {
                note(&format!("ec2.{t}"), EC2_PAGE, TABLE_DATE);
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
            note(
                k,
                "ecsim default: AWS publishes \"up to 90 %\" off and an example of 44–50 % off (c5.2xlarge in three zones, EC2 Auto Scaling user guide)",
                TABLE_DATE,
            );
        }
        note(
            "eksControlPlaneHour",
            "aws.amazon.com/eks/pricing (standard support, per cluster-hour)",
            D2026,
        );
        note(
            "ec2CpuWeight",
            "ecsim default: half of an instance's price by reserved CPU, half by reserved memory",
            TABLE_DATE,
        );
        PriceTable {
            region: region.to_string(),
            fargate_x86: FargateRates {
                vcpu_hour: 0.04048,
                gb_hour: 0.004445,
            },
            fargate_arm: FargateRates {
                vcpu_hour: 0.03238,
                gb_hour: 0.00356,
            },
            fargate_storage_gb_hour: 0.000111,
            fargate_spot: FargateSpotPricing {
                discount: FARGATE_SPOT_DEFAULT_DISCOUNT,
                series: Vec::new(),
            },
            ec2,
            ec2_spot: Ec2SpotPricing {
                discount: 0.6,
                by_type: BTreeMap::new(),
                zone_spread: 0.05,
                drift_every: 3_600_000,
                drift_sigma: 0.01,
                min_discount: 0.3,
                max_discount: 0.9,
                series: Vec::new(),
            },
            eks_control_plane_hour: 0.10,
            ec2_cpu_weight: 0.5,
            provenance,
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

    /// Records that `key` was set by the scenario.
    pub fn set_source(&mut self, key: &str, source: &str) {
        self.provenance
            .insert(key.to_string(), (source.to_string(), String::new()));
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
        let order: Vec<&str> = crate::model::instance_types::INSTANCE_TYPES
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

    /// The table as aligned text (`ecsim pricing`): one line per price with a note number,
    /// then the notes (source and date).
    pub fn render(&self) -> String {
        let mut s = format!(
            "ecsim price table · region {} · USD · Linux\n\n",
            self.region
        );
        let mut notes: Vec<String> = Vec::new();
        let rows: Vec<[String; 4]> = self
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
                    format!("[{}]", n + 1),
                ]
            })
            .collect();
        let w: Vec<usize> = (0..3)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        for r in rows {
            s.push_str(&format!(
                "{:<w0$}  {:>w1$}  {:<w2$}  {}\n",
                r[0],
                r[1],
                r[2],
                r[3],
                w0 = w[0],
                w1 = w[1],
                w2 = w[2]
            ));
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
    fn every_instance_type_has_an_on_demand_price() {
        let t = PriceTable::builtin("us-east-1");
        for it in crate::model::instance_types::INSTANCE_TYPES {
            assert!(t.ec2_on_demand(it.name).is_some(), "{} unpriced", it.name);
        }
        // And no price for a type ecsim does not know.
        assert_eq!(
            t.ec2.len(),
            crate::model::instance_types::INSTANCE_TYPES.len()
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
