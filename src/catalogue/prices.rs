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
}
