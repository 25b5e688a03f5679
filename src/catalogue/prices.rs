//! The built-in prices, each with its source and the date of that source: Fargate, FARGATE_SPOT,
//! EC2 on demand per instance type, the EC2 Spot model's defaults, the EKS control-plane fee
//! and how an instance's price is attributed to services. They are us-east-1's ([`REGION`]).
//! [`crate::cost::prices::PriceTable::builtin`] assembles them into the table a run bills with
//! (a scenario's `pricing` overrides are applied on top, in `scenario/pricing.rs`).
//!
//! ```
//! use ecsim::catalogue::prices::{EC2_ON_DEMAND, FARGATE_X86};
//! assert_eq!(FARGATE_X86.vcpu_hour, 0.04048);
//! let m5 = EC2_ON_DEMAND.iter().find(|p| p.instance_type == "m5.large").unwrap();
//! assert_eq!(m5.usd_hour, 0.096);
//! ```

use crate::engine::{HOUR, Millis};

/// Where a built-in value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// The page or reasoning it comes from.
    pub text: &'static str,
    /// When that source was published or read.
    pub date: &'static str,
}

/// The region the built-in prices are for (used elsewhere too, with a warning).
pub const REGION: &str = "us-east-1";

/// Fargate rates for one platform, USD.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FargateRates {
    /// Per vCPU-hour.
    pub vcpu_hour: f64,
    /// Per GB-hour of memory (1 GB = 1,024 MiB, as Fargate sizes are given).
    pub gb_hour: f64,
}

/// The source of every Fargate on-demand rate (both platforms, ephemeral storage).
pub const FARGATE_SOURCE: Source = Source {
    text: "aws.amazon.com/fargate/pricing, us-east-1 (several dated 2026 sources agree)",
    date: "2026",
};
/// Fargate Linux/x86.
pub const FARGATE_X86: FargateRates = FargateRates {
    vcpu_hour: 0.04048,
    gb_hour: 0.004445,
};
/// Fargate Linux/ARM (Graviton).
pub const FARGATE_ARM: FargateRates = FargateRates {
    vcpu_hour: 0.03238,
    gb_hour: 0.00356,
};
/// Fargate ephemeral storage above the 20 GB included, USD per GB-hour.
pub const FARGATE_STORAGE_GB_HOUR: f64 = 0.000111;

/// AWS's published FARGATE_SPOT example: 0.01334053 per vCPU-hour against
/// 0.04048 on demand, 0.00146489 per GB-hour against 0.004445 — the same ratio, 0.32956, so a
/// discount of 1 − 0.01334053 / 0.04048 ≈ 0.67044.
pub const FARGATE_SPOT_DISCOUNT: f64 = 1.0 - 0.01334053 / 0.04048;
/// The source of [`FARGATE_SPOT_DISCOUNT`].
pub const FARGATE_SPOT_SOURCE: Source = Source {
    text: "AWS's published FARGATE_SPOT example: 0.01334053 per vCPU-hour and 0.00146489 per GB-hour against 0.04048 and 0.004445 (the real price varies)",
    date: "2026",
};

/// An EC2 on-demand price listed by several dated 2026 sources.
pub const LISTED: Source = Source {
    text: "aws.amazon.com/ec2/pricing/on-demand, us-east-1 Linux (several dated 2026 sources agree)",
    date: "2026",
};
/// An EC2 on-demand price that follows its family's per-size doubling.
pub const FAMILY: Source = Source {
    text: "aws.amazon.com/ec2/pricing/on-demand, us-east-1 Linux (ecsim's table; prices double with each size in a family)",
    date: "2026-11-26",
};

/// One instance type's EC2 on-demand Linux price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ec2Price {
    /// The instance type, one of [`crate::catalogue::instance_types::INSTANCE_TYPES`].
    pub instance_type: &'static str,
    /// USD per instance-hour.
    pub usd_hour: f64,
    /// [`LISTED`] or [`FAMILY`].
    pub source: Source,
}

const fn od(instance_type: &'static str, usd_hour: f64, source: Source) -> Ec2Price {
    Ec2Price {
        instance_type,
        usd_hour,
        source,
    }
}

/// EC2 on-demand Linux prices in us-east-1, one per known instance type.
pub const EC2_ON_DEMAND: &[Ec2Price] = &[
    od("m5.large", 0.096, LISTED),
    od("m5.xlarge", 0.192, LISTED),
    od("m5.2xlarge", 0.384, LISTED),
    od("m5.4xlarge", 0.768, FAMILY),
    od("m5.8xlarge", 1.536, FAMILY),
    od("m6i.large", 0.096, LISTED),
    od("m6i.xlarge", 0.192, FAMILY),
    od("m6i.2xlarge", 0.384, FAMILY),
    od("m6i.4xlarge", 0.768, FAMILY),
    od("m6g.medium", 0.0385, FAMILY),
    od("m6g.large", 0.077, LISTED),
    od("m6g.xlarge", 0.154, LISTED),
    od("m6g.2xlarge", 0.308, FAMILY),
    od("m6g.4xlarge", 0.616, FAMILY),
    od("m7g.medium", 0.0408, FAMILY),
    od("m7g.large", 0.0816, LISTED),
    od("m7g.xlarge", 0.1632, FAMILY),
    od("m7g.2xlarge", 0.3264, FAMILY),
    od("m7g.4xlarge", 0.6528, FAMILY),
    od("c5.large", 0.085, LISTED),
    od("c5.xlarge", 0.17, LISTED),
    od("c5.2xlarge", 0.34, LISTED),
    od("c5.4xlarge", 0.68, FAMILY),
    od("c6g.medium", 0.034, FAMILY),
    od("c6g.large", 0.068, LISTED),
    od("c6g.xlarge", 0.136, LISTED),
    od("c6g.2xlarge", 0.272, FAMILY),
    od("c6g.4xlarge", 0.544, FAMILY),
    od("c7g.medium", 0.0363, FAMILY),
    od("c7g.large", 0.0725, FAMILY),
    od("c7g.xlarge", 0.145, FAMILY),
    od("c7g.2xlarge", 0.289, FAMILY),
    od("r5.large", 0.126, LISTED),
    od("r5.xlarge", 0.252, FAMILY),
    od("r5.2xlarge", 0.504, FAMILY),
    od("r5.4xlarge", 1.008, FAMILY),
    od("r6g.medium", 0.0504, FAMILY),
    od("r6g.large", 0.1008, FAMILY),
    od("r6g.xlarge", 0.2016, FAMILY),
    od("r6g.2xlarge", 0.4032, FAMILY),
    od("t3.micro", 0.0104, FAMILY),
    od("t3.small", 0.0208, FAMILY),
    od("t3.medium", 0.0416, LISTED),
    od("t3.large", 0.0832, FAMILY),
    od("t3.xlarge", 0.1664, FAMILY),
    od("t3.2xlarge", 0.3328, FAMILY),
    od("g4dn.xlarge", 0.526, FAMILY),
    od("g4dn.2xlarge", 0.752, FAMILY),
    od("g4dn.4xlarge", 1.204, FAMILY),
    od("g4dn.12xlarge", 3.912, FAMILY),
    od("g5.xlarge", 1.006, FAMILY),
    od("g5.2xlarge", 1.212, FAMILY),
    od("g5.12xlarge", 5.672, FAMILY),
];

/// A region's own EC2 on-demand Linux prices, for the types its source covers; a type it does
/// not cover (and every Fargate rate: no regional Fargate table is built in) is billed at
/// us-east-1's price, and the run says so (`cost.region` in report.json, the summary's cost
/// line, `ecsim pricing --region`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionalEc2 {
    /// The region, e.g. `us-west-2`.
    pub region: &'static str,
    /// Where the prices come from.
    pub source: Source,
    /// (instance type, USD per instance-hour), types of
    /// [`crate::catalogue::instance_types::INSTANCE_TYPES`] only.
    pub prices: &'static [(&'static str, f64)],
}

/// The one source of the regional tables: the open-source greenops-cli's `factors.json`
/// (github.com/omrdev1/greenops-cli, ledger 1.3.0), whose `pricing_usd_per_hour` gives on-demand
/// Linux prices per region and names its source "aws-public-pricing-api-2026-q1", updated
/// 2026-03-27. Cross-checks: its us-east-1 figures for the 37 types both tables hold equal
/// ecsim's own us-east-1 table to the last digit, and within every family kept here each size
/// costs twice the one below (AWS's pricing); a family whose figures break that rule in a region
/// (t3 in eu-west-1 and eu-central-1) is left out there, so those types fall back to us-east-1.
pub const GREENOPS: Source = Source {
    text: "greenops-cli factors.json (AWS Price List API, 2026 Q1), on-demand Linux",
    date: "2026-03-27",
};

/// us-east-2 and us-west-2: the source lists the same prices as us-east-1 for every type.
const US_2: &[(&str, f64)] = &[
    ("m5.large", 0.096),
    ("m5.xlarge", 0.192),
    ("m5.2xlarge", 0.384),
    ("m6g.medium", 0.0385),
    ("m6g.large", 0.077),
    ("m6g.xlarge", 0.154),
    ("m6g.2xlarge", 0.308),
    ("m7g.medium", 0.0408),
    ("m7g.large", 0.0816),
    ("m7g.xlarge", 0.1632),
    ("m7g.2xlarge", 0.3264),
    ("c5.large", 0.085),
    ("c5.xlarge", 0.17),
    ("c5.2xlarge", 0.34),
    ("c6g.medium", 0.034),
    ("c6g.large", 0.068),
    ("c6g.xlarge", 0.136),
    ("c6g.2xlarge", 0.272),
    ("c7g.large", 0.0725),
    ("c7g.xlarge", 0.145),
    ("r5.large", 0.126),
    ("r5.xlarge", 0.252),
    ("r6g.large", 0.1008),
    ("r6g.xlarge", 0.2016),
    ("t3.micro", 0.0104),
    ("t3.small", 0.0208),
    ("t3.medium", 0.0416),
    ("t3.large", 0.0832),
    ("t3.xlarge", 0.1664),
];

/// The regions with a built-in EC2 table besides us-east-1 ([`EC2_ON_DEMAND`]). Sought and not
/// built in: ap-southeast-1 and ap-northeast-1 (the one source found could not be
/// corroborated), and every regional Fargate table (no dated source found): those fall back to
/// us-east-1's prices, said so wherever a price's region is shown.
pub const REGIONAL_EC2: &[RegionalEc2] = &[
    RegionalEc2 {
        region: "us-east-2",
        source: GREENOPS,
        prices: US_2,
    },
    RegionalEc2 {
        region: "us-west-2",
        source: GREENOPS,
        prices: US_2,
    },
    RegionalEc2 {
        region: "eu-west-1",
        source: GREENOPS,
        prices: &[
            ("m5.large", 0.107),
            ("m5.xlarge", 0.214),
            ("m5.2xlarge", 0.428),
            ("m6g.medium", 0.043),
            ("m6g.large", 0.086),
            ("m6g.xlarge", 0.172),
            ("m6g.2xlarge", 0.344),
            ("m7g.medium", 0.0456),
            ("m7g.large", 0.0912),
            ("m7g.xlarge", 0.1824),
            ("m7g.2xlarge", 0.3648),
            ("c5.large", 0.096),
            ("c5.xlarge", 0.192),
            ("c5.2xlarge", 0.384),
            ("c6g.medium", 0.038),
            ("c6g.large", 0.076),
            ("c6g.xlarge", 0.152),
            ("c6g.2xlarge", 0.304),
            ("c7g.large", 0.0812),
            ("c7g.xlarge", 0.1624),
            ("r5.large", 0.141),
            ("r5.xlarge", 0.282),
            ("r6g.large", 0.1127),
            ("r6g.xlarge", 0.2254),
        ],
    },
    RegionalEc2 {
        region: "eu-central-1",
        source: GREENOPS,
        prices: &[
            ("m5.large", 0.115),
            ("m5.xlarge", 0.23),
            ("m5.2xlarge", 0.46),
            ("m6g.medium", 0.046),
            ("m6g.large", 0.092),
            ("m6g.xlarge", 0.184),
            ("m6g.2xlarge", 0.368),
            ("m7g.medium", 0.0488),
            ("m7g.large", 0.0976),
            ("m7g.xlarge", 0.1952),
            ("m7g.2xlarge", 0.3904),
            ("c5.large", 0.102),
            ("c5.xlarge", 0.204),
            ("c5.2xlarge", 0.408),
            ("c6g.medium", 0.041),
            ("c6g.large", 0.082),
            ("c6g.xlarge", 0.164),
            ("c6g.2xlarge", 0.328),
            ("c7g.large", 0.0875),
            ("c7g.xlarge", 0.175),
            ("r5.large", 0.151),
            ("r5.xlarge", 0.302),
            ("r6g.large", 0.121),
            ("r6g.xlarge", 0.242),
        ],
    },
];

/// The built-in EC2 table of `region` other than us-east-1, if there is one.
pub fn regional_ec2(region: &str) -> Option<&'static RegionalEc2> {
    REGIONAL_EC2.iter().find(|r| r.region == region)
}

/// The EC2 Spot model's starting values (see [`crate::cost::prices::Ec2SpotPricing`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ec2SpotDefaults {
    /// Discount off on demand at the start.
    pub discount: f64,
    /// Each (type, zone) starts at the discount plus a uniform draw in ± this.
    pub zone_spread: f64,
    /// How often the discount takes a random step.
    pub drift_every: Millis,
    /// Standard deviation of one step, as a discount.
    pub drift_sigma: f64,
    /// Lower bound of the walk.
    pub min_discount: f64,
    /// Upper bound of the walk.
    pub max_discount: f64,
}

/// The EC2 Spot model's defaults.
pub const EC2_SPOT: Ec2SpotDefaults = Ec2SpotDefaults {
    discount: 0.6,
    zone_spread: 0.05,
    drift_every: HOUR,
    drift_sigma: 0.01,
    min_discount: 0.3,
    max_discount: 0.9,
};
/// The source of every [`EC2_SPOT`] value.
pub const EC2_SPOT_SOURCE: Source = Source {
    text: "ecsim default: AWS publishes \"up to 90 %\" off and an example of 44–50 % off (c5.2xlarge in three zones, EC2 Auto Scaling user guide)",
    date: "2026-11-26",
};

/// The EKS control-plane fee, USD per cluster-hour (for comparisons; ECS has none).
pub const EKS_CONTROL_PLANE_HOUR: f64 = 0.10;
/// The source of [`EKS_CONTROL_PLANE_HOUR`].
pub const EKS_SOURCE: Source = Source {
    text: "aws.amazon.com/eks/pricing (standard support, per cluster-hour)",
    date: "2026",
};

/// Share of an EC2 instance's price attributed to services by reserved CPU (the rest by
/// reserved memory).
pub const EC2_CPU_WEIGHT: f64 = 0.5;
/// The source of [`EC2_CPU_WEIGHT`].
pub const EC2_CPU_WEIGHT_SOURCE: Source = Source {
    text: "ecsim default: half of an instance's price by reserved CPU, half by reserved memory",
    date: "2026-11-26",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::instance_types::INSTANCE_TYPES;

    #[test]
    fn every_instance_type_has_one_on_demand_price() {
        // 53 types in the hardware table, 53 prices: each type priced exactly once, no price for
        // a type ecsim does not know.
        for it in INSTANCE_TYPES {
            let n = EC2_ON_DEMAND
                .iter()
                .filter(|p| p.instance_type == it.name)
                .count();
            assert_eq!(n, 1, "{} priced {n} times", it.name);
        }
        assert_eq!(EC2_ON_DEMAND.len(), INSTANCE_TYPES.len());
    }

    /// The source's us-east-1 rows for the types ecsim knows, as it prints them: the
    /// cross-check of [`GREENOPS`] against ecsim's own us-east-1 table.
    const GREENOPS_US_EAST_1: &[(&str, f64)] = US_2;

    #[test]
    fn the_regional_source_agrees_with_the_us_east_1_table() {
        // greenops-cli's us-east-1 block lists, for these 29 of ecsim's types, exactly the
        // figures of its us-east-2 and us-west-2 blocks (US_2); each equals EC2_ON_DEMAND's
        // (e.g. m5.large 0.096, c7g.large 0.0725, r6g.xlarge 0.2016).
        for &(t, usd) in GREENOPS_US_EAST_1 {
            let ours = EC2_ON_DEMAND.iter().find(|p| p.instance_type == t).unwrap();
            assert_eq!(ours.usd_hour, usd, "{t}");
        }
    }

    #[test]
    fn regional_tables_hold_known_types_and_double_within_a_family() {
        for r in REGIONAL_EC2 {
            assert!(
                crate::catalogue::regions::zones(r.region).is_some(),
                "{}",
                r.region
            );
            for &(t, usd) in r.prices {
                assert!(INSTANCE_TYPES.iter().any(|i| i.name == t), "{t}");
                assert!(usd > 0.0, "{t}");
            }
            // Each size in the source's order (medium, large, xlarge, 2xlarge) costs twice the
            // size below it in the same family, to within a rounding of 1e-4 USD.
            for w in r.prices.windows(2) {
                let (a, pa) = w[0];
                let (b, pb) = w[1];
                if a.split('.').next() == b.split('.').next() {
                    assert!(
                        (pb - 2.0 * pa).abs() < 1e-4,
                        "{}: {a} {pa} → {b} {pb}",
                        r.region
                    );
                }
            }
        }
    }
}
