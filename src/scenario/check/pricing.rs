//! `pricing` (docs/scenario-reference.md §2.17): the scenario's overrides, checked and applied
//! to the built-in price table.

use super::{Ctx, k, p};
use crate::cost::prices::{FargateRates, PriceTable};
use crate::scenario::json_pos::Step;
use crate::scenario::limits;
use crate::scenario::suggest;
use crate::scenario::types::{
    Ec2SpotPricingSpec, FargatePricingSpec, FargateRatesSpec, FargateSpotPricingSpec, PricingSpec,
};

const SOURCE: &str = "scenario pricing";

/// A price: finite, not negative, at most [`limits::MAX_PRICE_USD`].
fn price(v: f64, path: &[Step], ctx: &mut Ctx) -> bool {
    if !v.is_finite() || v < 0.0 {
        ctx.err(
            path,
            format!("price {v} is out of range: expected a number ≥ 0 (USD)"),
        );
        return false;
    }
    if v > limits::MAX_PRICE_USD {
        ctx.err(
            path,
            limits::above(
                "price",
                v,
                "limit",
                limits::MAX_PRICE_USD,
                "USD per unit-hour",
            ),
        );
        return false;
    }
    true
}

/// A discount: 0 ≤ d < 1.
fn discount(v: f64, path: &[Step], ctx: &mut Ctx) -> bool {
    if !(0.0..1.0).contains(&v) {
        ctx.err(
            path,
            format!("discount {v} is out of range: expected a fraction from 0 to below 1 (0.7 = 70 % off)"),
        );
        return false;
    }
    true
}

fn rates(
    spec: &FargateRatesSpec,
    into: &mut FargateRates,
    key: &str,
    base: &[Step],
    t: &mut PriceTable,
    ctx: &mut Ctx,
) {
    if let Some(v) = spec.vcpu_hour
        && price(v, &p(base, &[k("vcpuHour")]), ctx)
    {
        into.vcpu_hour = v;
        t.set_source(&format!("fargate.{key}.vcpuHour"), SOURCE);
    }
    if let Some(v) = spec.gb_hour
        && price(v, &p(base, &[k("gbHour")]), ctx)
    {
        into.gb_hour = v;
        t.set_source(&format!("fargate.{key}.gbHour"), SOURCE);
    }
}

fn known_type(name: &str, path: &[Step], ctx: &mut Ctx) -> bool {
    if ctx.types.lookup(name).is_some() {
        return true;
    }
    if ctx.failed_types.contains(name) {
        // Its `instanceTypes` entry was refused already.
        return false;
    }
    let names = ctx.types.names();
    let hint = suggest::did_you_mean(name, &names)
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    ctx.err(
        path,
        format!("unknown instance type `{name}`: {hint}`ecsim pricing` lists the known types; give any other under `instanceTypes`"),
    );
    false
}

/// The price table for a scenario in `region` with zones `zones`: the built-in table with
/// `spec`'s overrides; every problem goes to `ctx`.
pub(super) fn check(
    spec: Option<&PricingSpec>,
    region: &str,
    zones: &[String],
    ctx: &mut Ctx,
) -> PriceTable {
    let mut t = PriceTable::builtin(region);
    let Some(spec) = spec else {
        return t;
    };
    let base = vec![k("pricing")];
    if let Some(f) = &spec.fargate {
        fargate(f, &p(&base, &[k("fargate")]), &mut t, ctx);
    }
    if let Some(fs) = &spec.fargate_spot {
        fargate_spot(fs, &p(&base, &[k("fargateSpot")]), &mut t, ctx);
    }
    for (name, &v) in &spec.ec2 {
        let ep = p(&base, &[k("ec2"), k(name)]);
        if known_type(name, &ep, ctx) && price(v, &ep, ctx) {
            t.ec2.insert(name.clone(), v);
            t.set_source(&format!("ec2.{name}"), SOURCE);
        }
    }
    if let Some(s) = &spec.ec2_spot {
        ec2_spot(s, &p(&base, &[k("ec2Spot")]), zones, &mut t, ctx);
    }
    if let Some(v) = spec.eks_control_plane_hour
        && price(v, &p(&base, &[k("eksControlPlaneHour")]), ctx)
    {
        t.eks_control_plane_hour = v;
        t.set_source("eksControlPlaneHour", SOURCE);
    }
    if let Some(v) = spec.ec2_cpu_weight {
        if (0.0..=1.0).contains(&v) {
            t.ec2_cpu_weight = v;
            t.set_source("ec2CpuWeight", SOURCE);
        } else {
            ctx.err(
                &p(&base, &[k("ec2CpuWeight")]),
                format!("ec2CpuWeight {v} is out of range: expected 0 to 1"),
            );
        }
    }
    t
}

/// `fargate` at `fp`: the per-platform rates and the ephemeral storage price.
fn fargate(f: &FargatePricingSpec, fp: &[Step], t: &mut PriceTable, ctx: &mut Ctx) {
    if let Some(r) = &f.linux_x86 {
        let mut into = t.fargate_x86;
        rates(r, &mut into, "linuxX86", &p(fp, &[k("linuxX86")]), t, ctx);
        t.fargate_x86 = into;
    }
    if let Some(r) = &f.linux_arm {
        let mut into = t.fargate_arm;
        rates(r, &mut into, "linuxArm", &p(fp, &[k("linuxArm")]), t, ctx);
        t.fargate_arm = into;
    }
    if let Some(v) = f.ephemeral_storage_gb_hour
        && price(v, &p(fp, &[k("ephemeralStorageGbHour")]), ctx)
    {
        t.fargate_storage_gb_hour = v;
        t.set_source("fargate.ephemeralStorageGbHour", SOURCE);
    }
}

/// `fargateSpot` at `fp`: the discount and its series.
fn fargate_spot(fs: &FargateSpotPricingSpec, fp: &[Step], t: &mut PriceTable, ctx: &mut Ctx) {
    if let Some(d) = fs.discount
        && discount(d, &p(fp, &[k("discount")]), ctx)
    {
        t.fargate_spot.discount = d;
        t.set_source("fargateSpot.discount", SOURCE);
    }
    let mut last = 0;
    for (n, e) in fs.series.iter().enumerate() {
        let ep = p(fp, &[k("series"), Step::Index(n)]);
        let at = e.at.millis();
        if at < last {
            ctx.err(&p(&ep, &[k("at")]), "series entries must be in time order");
        }
        last = at;
        if discount(e.discount, &p(&ep, &[k("discount")]), ctx) {
            if at == 0 {
                t.fargate_spot.discount = e.discount;
                t.set_source("fargateSpot.discount", SOURCE);
            } else {
                t.fargate_spot.series.push((at, e.discount));
            }
        }
    }
    if !fs.series.is_empty() {
        t.set_source("fargateSpot.series", SOURCE);
    }
}

/// `ec2Spot` at `sp`: the discount model (its walk) and the discounts per instance type.
fn ec2_spot(
    s: &Ec2SpotPricingSpec,
    sp: &[Step],
    zones: &[String],
    t: &mut PriceTable,
    ctx: &mut Ctx,
) {
    let set = |key: &str,
               v: Option<f64>,
               ok: fn(f64) -> bool,
               what: &str,
               ctx: &mut Ctx,
               t: &mut PriceTable|
     -> Option<f64> {
        let v = v?;
        if ok(v) {
            t.set_source(&format!("ec2Spot.{key}"), SOURCE);
            Some(v)
        } else {
            ctx.err(
                &p(sp, &[k(key)]),
                format!("{key} {v} is out of range: expected {what}"),
            );
            None
        }
    };
    let frac = |v: f64| (0.0..1.0).contains(&v);
    if let Some(v) = set(
        "discount",
        s.discount,
        frac,
        "a fraction from 0 to below 1",
        ctx,
        t,
    ) {
        t.ec2_spot.discount = v;
    }
    if let Some(v) = set(
        "zoneSpread",
        s.zone_spread,
        |v| (0.0..0.5).contains(&v),
        "a fraction from 0 to below 0.5",
        ctx,
        t,
    ) {
        t.ec2_spot.zone_spread = v;
    }
    if let Some(v) = set(
        "driftSigma",
        s.drift_sigma,
        |v| (0.0..=0.5).contains(&v),
        "a fraction from 0 to 0.5",
        ctx,
        t,
    ) {
        t.ec2_spot.drift_sigma = v;
    }
    if let Some(v) = set(
        "minDiscount",
        s.min_discount,
        frac,
        "a fraction from 0 to below 1",
        ctx,
        t,
    ) {
        t.ec2_spot.min_discount = v;
    }
    if let Some(v) = set(
        "maxDiscount",
        s.max_discount,
        frac,
        "a fraction from 0 to below 1",
        ctx,
        t,
    ) {
        t.ec2_spot.max_discount = v;
    }
    if t.ec2_spot.min_discount > t.ec2_spot.max_discount {
        ctx.err(
            sp,
            format!(
                "minDiscount {} is above maxDiscount {}",
                t.ec2_spot.min_discount, t.ec2_spot.max_discount
            ),
        );
    }
    if let Some(d) = s.drift_every {
        if d.millis() > 0 && d.millis() < limits::MIN_DRIFT_EVERY_MS {
            ctx.err(
                &p(sp, &[k("driftEvery")]),
                format!(
                    "driftEvery {d} is below the limit of {} s: expected 0s (no walk) or at least 1m",
                    limits::MIN_DRIFT_EVERY_MS / 1000
                ),
            );
        } else {
            t.ec2_spot.drift_every = d.millis();
            t.set_source("ec2Spot.driftEvery", SOURCE);
        }
    }
    for (name, &v) in &s.by_instance_type {
        let ep = p(sp, &[k("byInstanceType"), k(name)]);
        if known_type(name, &ep, ctx) && discount(v, &ep, ctx) {
            t.ec2_spot.by_type.insert(name.clone(), v);
            t.set_source(&format!("ec2Spot.byInstanceType.{name}"), SOURCE);
        }
    }
    ec2_spot_series(s, sp, zones, t, ctx);
}

/// `ec2Spot.series` at `sp`: supplied Spot prices, in time order.
fn ec2_spot_series(
    s: &Ec2SpotPricingSpec,
    sp: &[Step],
    zones: &[String],
    t: &mut PriceTable,
    ctx: &mut Ctx,
) {
    let mut last = 0;
    for (n, e) in s.series.iter().enumerate() {
        let ep = p(sp, &[k("series"), Step::Index(n)]);
        let at = e.at.millis();
        if at < last {
            ctx.err(&p(&ep, &[k("at")]), "series entries must be in time order");
        }
        last = at;
        let mut ok = known_type(&e.instance_type, &p(&ep, &[k("instanceType")]), ctx);
        ok &= price(e.price, &p(&ep, &[k("price")]), ctx);
        if let Some(z) = &e.availability_zone
            && !zones.contains(z)
        {
            ctx.err(
                &p(&ep, &[k("availabilityZone")]),
                format!(
                    "zone `{z}` is not one of the scenario's zones: {}",
                    zones.join(", ")
                ),
            );
            ok = false;
        }
        if ok {
            t.ec2_spot.series.push((
                at,
                e.instance_type.clone(),
                e.availability_zone.clone(),
                e.price,
            ));
        }
    }
    if !s.series.is_empty() {
        t.set_source("ec2Spot.series", SOURCE);
    }
}

/// The keys of the regional prices a scenario with `providers` and `services` (batch job
/// streams among them) bills with: the Fargate rates when it has a Fargate provider or a
/// service of launch type FARGATE, each group's instance types' on-demand prices (a Spot
/// group's discount applies to it). [`PriceTable::label`] names those that are us-east-1's.
pub(super) fn used(
    providers: &[crate::scenario::Provider],
    services: &[crate::scenario::Service],
) -> Vec<String> {
    use crate::scenario::types::LaunchType;
    use crate::scenario::{ProviderKind, ServiceCapacity};
    let mut out = Vec::new();
    let fargate_launch = services
        .iter()
        .any(|s| matches!(s.capacity, ServiceCapacity::LaunchType(LaunchType::Fargate)));
    if fargate_launch || providers.iter().any(|p| p.kind.is_fargate()) {
        for k in [
            "fargate.linuxX86.vcpuHour",
            "fargate.linuxX86.gbHour",
            "fargate.linuxArm.vcpuHour",
            "fargate.linuxArm.gbHour",
            "fargate.ephemeralStorageGbHour",
        ] {
            out.push(k.to_string());
        }
    }
    for p in providers {
        if let ProviderKind::Asg(a) = &p.kind {
            for t in &a.instance_types {
                let key = format!("ec2.{}", t.name);
                if !out.contains(&key) {
                    out.push(key);
                }
            }
        }
    }
    out
}
