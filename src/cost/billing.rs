//! Billing: what a run costs, accumulated exactly as time passes, O(1) per task or instance
//! event and O(markets) per price change.
//!
//! Each *market* (Fargate on demand or Spot per platform; EC2 on demand per instance type; EC2
//! Spot per instance type and zone) keeps a **price clock** per billed quantity: the integral of
//! its price over time (USD per unit). A *meter* holds quantities (vCPUs, GB, extra storage GB;
//! or instances; or a service's share of instances) and settles `quantity × Δclock` whenever a
//! quantity changes — so a price that changes every hour costs nothing per task, and the cost
//! at any moment is exact for piecewise-constant prices. Every meter also runs against the
//! market's on-demand clock, which gives the on-demand equivalent.
//!
//! ```
//! use ecsim::cost::billing::Clock;
//! // 0.096 USD/h for 30 min, then 0.048 USD/h for 30 min: 0.048 + 0.024 = 0.072 USD.
//! let mut c = Clock::new(0.096);
//! c.set(1_800_000, 0.048);
//! assert!((c.at(3_600_000) - 0.072).abs() < 1e-12);
//! ```

use super::prices::PriceTable;
use crate::engine::Millis;
use crate::ids::{InstanceId, ServiceId, TaskSlot};
use crate::placement::Resources;
use crate::scenario::{ProviderKind, PurchaseOption, Scenario};
use crate::util::rng::{Rng, Streams};
use std::collections::BTreeMap;

const HOUR: f64 = 3_600_000.0;
/// Fargate bills at least one minute per task; EC2 at least 60 s per instance.
pub const MINIMUM_MS: Millis = 60_000;

/// The integral of a piecewise-constant price over time, USD per unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    rate: f64,
    since: Millis,
    acc: f64,
}

impl Clock {
    /// A clock at zero, priced `rate` USD per unit-hour from time 0.
    pub fn new(rate: f64) -> Self {
        Clock {
            rate,
            since: 0,
            acc: 0.0,
        }
    }
    /// The integral from 0 to `now`.
    pub fn at(&self, now: Millis) -> f64 {
        self.acc + self.rate * now.saturating_sub(self.since) as f64 / HOUR
    }
    /// The price from `now` on.
    pub fn set(&mut self, now: Millis, rate: f64) {
        self.acc = self.at(now);
        self.since = now;
        self.rate = rate;
    }
    /// The price in force, USD per unit-hour.
    pub fn rate(&self) -> f64 {
        self.rate
    }
}

/// One market's clocks: billed quantities `[vCPU, GB, extra storage GB]` on Fargate,
/// `[instances, -, -]` on EC2; the price in force and on demand.
#[derive(Debug, Clone)]
struct Market {
    price: [Clock; 3],
    on_demand: [Clock; 3],
    /// EC2 (instances) rather than Fargate.
    ec2: bool,
}

impl Market {
    fn new(price: [f64; 3], on_demand: [f64; 3], ec2: bool) -> Self {
        Market {
            price: price.map(Clock::new),
            on_demand: on_demand.map(Clock::new),
            ec2,
        }
    }
    fn rate(&self, q: [f64; 3]) -> (f64, f64) {
        let mut r = (0.0, 0.0);
        for (k, q) in q.iter().enumerate() {
            r.0 += q * self.price[k].rate();
            r.1 += q * self.on_demand[k].rate();
        }
        r
    }
}

/// Quantities billed against one market, and what they cost so far.
#[derive(Debug, Clone, Default)]
struct Meter {
    q: [f64; 3],
    mark: [f64; 3],
    mark_od: [f64; 3],
    usd: f64,
    od_usd: f64,
}

impl Meter {
    fn settle(&mut self, m: &Market, now: Millis) {
        for k in 0..3 {
            let c = m.price[k].at(now);
            let o = m.on_demand[k].at(now);
            if self.q[k] != 0.0 {
                self.usd += self.q[k] * (c - self.mark[k]);
                self.od_usd += self.q[k] * (o - self.mark_od[k]);
            }
            self.mark[k] = c;
            self.mark_od[k] = o;
        }
    }
    fn add(&mut self, m: &Market, now: Millis, dq: [f64; 3], sign: f64) {
        self.settle(m, now);
        for (q, d) in self.q.iter_mut().zip(dq) {
            *q += sign * d;
            if q.abs() < 1e-9 {
                *q = 0.0;
            }
        }
    }
    fn value(&self, m: &Market, now: Millis) -> (f64, f64) {
        let mut v = (self.usd, self.od_usd);
        for k in 0..3 {
            if self.q[k] != 0.0 {
                v.0 += self.q[k] * (m.price[k].at(now) - self.mark[k]);
                v.1 += self.q[k] * (m.on_demand[k].at(now) - self.mark_od[k]);
            }
        }
        v
    }
}

/// An EC2 instance being billed.
#[derive(Debug, Clone, Copy)]
struct Billed {
    market: u32,
    bucket: u32,
    since: Millis,
    cpu: f64,
    mem: f64,
    live: bool,
}

/// A Spot market whose discount walks.
#[derive(Debug, Clone)]
struct Walk {
    market: usize,
    discount: f64,
    on_demand: f64,
    rng: Rng,
}

/// A scheduled price change.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// FARGATE_SPOT's discount changes.
    FargateSpot(f64),
    /// An EC2 Spot market's price changes (market index, USD per hour).
    Ec2Spot(usize, f64),
}

/// The cost of a run so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// Per capacity bucket (providers, then launch type FARGATE, launch type EC2): (USD,
    /// on-demand equivalent USD).
    pub by_bucket: Vec<(f64, f64)>,
    /// Per service (index): USD (Fargate tasks plus its share of EC2 instances).
    pub by_service: Vec<f64>,
    /// EC2 cost of capacity no task reserved.
    pub idle: f64,
}

/// The billing state of a run.
#[derive(Debug, Clone)]
pub struct Billing {
    /// The prices in use.
    pub prices: PriceTable,
    markets: Vec<Market>,
    /// Market names (`fargate:x86`, `fargate-spot:arm64`, `ec2:m5.large`,
    /// `ec2-spot:m5.large:us-east-1a`).
    names: Vec<String>,
    ec2_index: BTreeMap<(String, Option<u32>), usize>,
    walks: Vec<Walk>,
    bucket_meters: BTreeMap<(u32, u32), Meter>,
    service_meters: BTreeMap<(ServiceId, u32), Meter>,
    /// Per service: Fargate quantities of one task and whether it runs on ARM.
    fargate_q: Vec<([f64; 3], bool)>,
    instances: Vec<Option<Billed>>,
    /// Scheduled price changes, in time order.
    pub changes: Vec<(Millis, Change)>,
    nbuckets: usize,
    /// Every billed interval settled on its own, once [`Billing::enable_audit`] is called (the
    /// world calls it in debug builds and with `--check`).
    audit: Option<Box<Audit>>,
}

/// The billed intervals kept one by one beside the meters, so that [`Billing::audit`] can
/// check that the meters (which only see quantities change) add up to the sum of the intervals.
#[derive(Debug, Clone, Default)]
struct Audit {
    /// USD of the intervals that ended, minimums included.
    closed: f64,
    /// Open Fargate intervals by task key: (market, quantities, the price clocks at the start).
    tasks: BTreeMap<TaskSlot, (usize, [f64; 3], [f64; 3])>,
    /// Open EC2 intervals by instance ordinal: (market, the price clock at registration, USD of
    /// the launch-to-registration time).
    instances: BTreeMap<InstanceId, (usize, f64, f64)>,
}

fn fargate_rates(r: super::prices::FargateRates, storage: f64, factor: f64) -> [f64; 3] {
    [r.vcpu_hour * factor, r.gb_hour * factor, storage * factor]
}

impl Billing {
    /// Billing for `sc` with its price table; Spot price walks draw from `streams`.
    pub fn new(sc: &Scenario, streams: &Streams) -> Self {
        let prices = sc.prices.clone();
        let spot = 1.0 - prices.fargate_spot.discount;
        let st = prices.fargate_storage_gb_hour;
        let mut markets = vec![
            Market::new(
                fargate_rates(prices.fargate_x86, st, 1.0),
                fargate_rates(prices.fargate_x86, st, 1.0),
                false,
            ),
            Market::new(
                fargate_rates(prices.fargate_arm, st, 1.0),
                fargate_rates(prices.fargate_arm, st, 1.0),
                false,
            ),
            Market::new(
                fargate_rates(prices.fargate_x86, st, spot),
                fargate_rates(prices.fargate_x86, st, 1.0),
                false,
            ),
            Market::new(
                fargate_rates(prices.fargate_arm, st, spot),
                fargate_rates(prices.fargate_arm, st, 1.0),
                false,
            ),
        ];
        let mut names: Vec<String> = [
            "fargate:x86_64",
            "fargate:arm64",
            "fargate-spot:x86_64",
            "fargate-spot:arm64",
        ]
        .map(String::from)
        .to_vec();
        let mut ec2_index = BTreeMap::new();
        let mut walks = Vec::new();
        let mut changes: Vec<(Millis, Change)> = prices
            .fargate_spot
            .series
            .iter()
            .map(|&(at, d)| (at, Change::FargateSpot(d)))
            .collect();
        // Markets in a fixed order: on-demand types, then Spot (type, zone) sorted by name.
        let mut od_types = std::collections::BTreeSet::new();
        let mut spot_pairs = std::collections::BTreeSet::new();
        for p in &sc.providers {
            if let ProviderKind::Asg(a) = &p.kind {
                for t in &a.instance_types {
                    if a.purchase == PurchaseOption::Spot {
                        for &z in &a.zones {
                            spot_pairs.insert((t.name, z as u32));
                        }
                    } else {
                        od_types.insert(t.name);
                    }
                }
            }
        }
        let s = &prices.ec2_spot;
        for t in od_types {
            let od = prices.ec2_on_demand(t).unwrap_or(0.0);
            ec2_index.insert((t.to_string(), None), markets.len());
            names.push(format!("ec2:{t}"));
            markets.push(Market::new([od, 0.0, 0.0], [od, 0.0, 0.0], true));
        }
        for (t, z) in spot_pairs {
            let od = prices.ec2_on_demand(t).unwrap_or(0.0);
            let zone = &sc.zones[z as usize];
            let m = markets.len();
            ec2_index.insert((t.to_string(), Some(z)), m);
            names.push(format!("ec2-spot:{t}:{zone}"));
            let entries: Vec<&(Millis, String, Option<String>, f64)> = s
                .series
                .iter()
                .filter(|(_, it, iz, _)| it == t && iz.as_ref().is_none_or(|iz| iz == zone))
                .collect();
            if let Some(first) = entries.first() {
                markets.push(Market::new([first.3, 0.0, 0.0], [od, 0.0, 0.0], true));
                for e in entries.iter().skip(1) {
                    changes.push((e.0, Change::Ec2Spot(m, e.3)));
                }
                continue;
            }
            let mut rng = streams.stream(&format!("pricing:ec2-spot:{t}:{zone}"), "walk", 0);
            let base = prices.ec2_spot_discount(t);
            let u: f64 = rand::RngExt::random(&mut rng);
            let d = (base + s.zone_spread * (2.0 * u - 1.0)).clamp(s.min_discount, s.max_discount);
            markets.push(Market::new(
                [od * (1.0 - d), 0.0, 0.0],
                [od, 0.0, 0.0],
                true,
            ));
            walks.push(Walk {
                market: m,
                discount: d,
                on_demand: od,
                rng,
            });
        }
        changes.sort_by_key(|c| c.0);
        let fargate_q = sc
            .services
            .iter()
            .map(|svc| {
                let extra = svc.ephemeral_storage_gib.saturating_sub(20);
                (
                    [
                        f64::from(svc.resources.cpu) / 1024.0,
                        f64::from(svc.resources.memory) / 1024.0,
                        f64::from(extra),
                    ],
                    svc.arch == Some(crate::catalogue::instance_types::Arch::Arm64),
                )
            })
            .collect();
        Billing {
            prices,
            markets,
            names,
            ec2_index,
            walks,
            bucket_meters: BTreeMap::new(),
            service_meters: BTreeMap::new(),
            fargate_q,
            instances: Vec::new(),
            changes,
            nbuckets: sc.providers.len() + 2,
            audit: None,
        }
    }

    /// Keeps every billed interval from `now` on beside the meters, for [`Billing::audit`]. What
    /// was billed before `now` is taken from the meters
    /// and the instances registered then are followed from `now`; call it before any Fargate
    /// task is billed (the world does, before its run starts).
    pub fn enable_audit(&mut self, now: Millis) {
        if self.audit.is_some() {
            return;
        }
        let mut a = Audit {
            closed: (0..self.nbuckets).map(|b| self.bucket_usd(b, now)).sum(),
            ..Audit::default()
        };
        for (ord, b) in self.instances.iter().enumerate() {
            if let Some(b) = b
                && b.live
            {
                let mark = self.markets[b.market as usize].price[0].at(now);
                a.instances
                    .insert(InstanceId::new(ord), (b.market as usize, mark, 0.0));
            }
        }
        self.audit = Some(Box::new(a));
    }

    /// The cost up to `now` two ways: (the meters, the sum of the billed intervals), USD;
    /// None without an audit. The two agree to rounding unless the metering is wrong.
    pub fn audit(&self, now: Millis) -> Option<(f64, f64)> {
        let a = self.audit.as_ref()?;
        let meters: f64 = (0..self.nbuckets).map(|b| self.bucket_usd(b, now)).sum();
        let mut intervals = a.closed;
        for &(m, q, mark) in a.tasks.values() {
            for k in 0..3 {
                intervals += q[k] * (self.markets[m].price[k].at(now) - mark[k]);
            }
        }
        for &(m, mark, early) in a.instances.values() {
            intervals += self.markets[m].price[0].at(now) - mark + early;
        }
        Some((meters, intervals))
    }

    /// Whether any Spot market walks (the world then schedules [`Billing::drift`]).
    pub fn drifts(&self) -> bool {
        !self.walks.is_empty()
            && self.prices.ec2_spot.drift_every > 0
            && self.prices.ec2_spot.drift_sigma > 0.0
    }

    /// Market names, by index.
    pub fn market_names(&self) -> &[String] {
        &self.names
    }

    /// The price in force in market `m`, USD per unit-hour (first quantity).
    pub fn market_rate(&self, m: usize) -> f64 {
        self.markets[m].price[0].rate()
    }

    /// The EC2 market of an instance type in a zone (Spot or on demand).
    pub fn ec2_market(&self, instance_type: &str, zone: u32, spot: bool) -> Option<usize> {
        let key = (instance_type.to_string(), spot.then_some(zone));
        self.ec2_index.get(&key).copied()
    }

    /// A Fargate task of `service` starts (`sign` 1, at its image pull) or stops (−1) being
    /// billed in `bucket`; `spot` for FARGATE_SPOT. On stop, `since` is when billing began and a
    /// task billed less than a minute is charged the rest of the minute at the price in force.
    /// `key` names the task (its slot) for the audit.
    #[allow(clippy::too_many_arguments)]
    pub fn fargate_task(
        &mut self,
        now: Millis,
        bucket: usize,
        spot: bool,
        service: ServiceId,
        sign: i64,
        since: Millis,
        key: TaskSlot,
    ) {
        let (q, arm) = self.fargate_q[service.index()];
        let m = usize::from(arm) + if spot { 2 } else { 0 };
        let market = &self.markets[m];
        if let Some(a) = &mut self.audit {
            if sign > 0 {
                let mark = [0, 1, 2].map(|k| market.price[k].at(now));
                a.tasks.insert(key, (m, q, mark));
            } else if let Some((am, aq, mark)) = a.tasks.remove(&key) {
                let billed = now.saturating_sub(since);
                for k in 0..3 {
                    let p = &self.markets[am].price[k];
                    a.closed += aq[k] * (p.at(now) - mark[k]);
                    if billed < MINIMUM_MS {
                        a.closed += aq[k] * p.rate() * (MINIMUM_MS - billed) as f64 / HOUR;
                    }
                }
            }
        }
        let s = sign as f64;
        let bm = self
            .bucket_meters
            .entry((bucket as u32, m as u32))
            .or_default();
        bm.add(market, now, q, s);
        let sm = self.service_meters.entry((service, m as u32)).or_default();
        sm.add(market, now, q, s);
        if sign < 0 {
            let billed = now.saturating_sub(since);
            if billed < MINIMUM_MS {
                let (r, od) = market.rate(q);
                let h = (MINIMUM_MS - billed) as f64 / HOUR;
                for meter in [
                    self.bucket_meters.get_mut(&(bucket as u32, m as u32)),
                    self.service_meters.get_mut(&(service, m as u32)),
                ]
                .into_iter()
                .flatten()
                {
                    meter.usd += r * h;
                    meter.od_usd += od * h;
                }
            }
        }
    }

    /// EC2 instance `ord` of `bucket` registers at `now`, launched at `launched` (billing
    /// starts at the launch; the launch-to-registration time is charged at the price in
    /// force now). `reg` is what it registers (its GPUs play no part in the price shares).
    pub fn instance_start(
        &mut self,
        now: Millis,
        ord: InstanceId,
        bucket: usize,
        market: usize,
        launched: Millis,
        reg: Resources,
    ) {
        let m = &self.markets[market];
        let meter = self
            .bucket_meters
            .entry((bucket as u32, market as u32))
            .or_default();
        meter.add(m, now, [1.0, 0.0, 0.0], 1.0);
        let early = now.saturating_sub(launched) as f64 / HOUR;
        meter.usd += m.price[0].rate() * early;
        meter.od_usd += m.on_demand[0].rate() * early;
        if let Some(a) = &mut self.audit {
            let p = &m.price[0];
            a.instances
                .insert(ord, (market, p.at(now), p.rate() * early));
        }
        let o = ord.index();
        if self.instances.len() <= o {
            self.instances.resize(o + 1, None);
        }
        self.instances[o] = Some(Billed {
            market: market as u32,
            bucket: bucket as u32,
            since: launched.min(now),
            cpu: f64::from(reg.cpu.max(1)),
            mem: f64::from(reg.memory.max(1)),
            live: true,
        });
    }

    /// Instance `ord` terminates: billing stops (at least 60 s in all).
    pub fn instance_stop(&mut self, now: Millis, ord: InstanceId) {
        let Some(Some(b)) = self.instances.get_mut(ord.index()) else {
            return;
        };
        if !b.live {
            return;
        }
        b.live = false;
        let b = *b;
        let m = &self.markets[b.market as usize];
        let meter = self.bucket_meters.entry((b.bucket, b.market)).or_default();
        meter.add(m, now, [1.0, 0.0, 0.0], -1.0);
        let billed = now.saturating_sub(b.since);
        if billed < MINIMUM_MS {
            let h = (MINIMUM_MS - billed) as f64 / HOUR;
            meter.usd += m.price[0].rate() * h;
            meter.od_usd += m.on_demand[0].rate() * h;
        }
        if let Some(a) = &mut self.audit
            && let Some((am, mark, early)) = a.instances.remove(&ord)
        {
            let p = &self.markets[am].price[0];
            a.closed += p.at(now) - mark + early;
            if billed < MINIMUM_MS {
                a.closed += p.rate() * (MINIMUM_MS - billed) as f64 / HOUR;
            }
        }
    }

    /// A task of `service` reserving `reserved` starts (`sign` 1) or stops (−1) holding
    /// capacity on instance `ord`: the service's share of the instance's price (by CPU and
    /// memory; GPUs play no part).
    pub fn ec2_task(
        &mut self,
        now: Millis,
        service: ServiceId,
        ord: InstanceId,
        reserved: Resources,
        sign: i64,
    ) {
        let Some(Some(b)) = self.instances.get(ord.index()) else {
            return;
        };
        let w = self.prices.ec2_cpu_weight;
        let share =
            w * f64::from(reserved.cpu) / b.cpu + (1.0 - w) * f64::from(reserved.memory) / b.mem;
        let m = &self.markets[b.market as usize];
        self.service_meters
            .entry((service, b.market))
            .or_default()
            .add(m, now, [share, 0.0, 0.0], sign as f64);
    }

    /// One step of every Spot market's random walk.
    pub fn drift(&mut self, now: Millis) {
        let s = &self.prices.ec2_spot;
        let (sigma, lo, hi) = (s.drift_sigma, s.min_discount, s.max_discount);
        let Ok(normal) = rand_distr::Normal::new(0.0, sigma) else {
            return;
        };
        for w in &mut self.walks {
            let step: f64 = rand_distr::Distribution::sample(&normal, &mut w.rng);
            w.discount = (w.discount + step).clamp(lo, hi);
            let price = w.on_demand * (1.0 - w.discount);
            Self::reprice(&mut self.markets[w.market], now, [price, 0.0, 0.0]);
        }
    }

    /// Applies scheduled change `i`.
    pub fn apply(&mut self, now: Millis, i: usize) {
        let Some((_, c)) = self.changes.get(i).cloned() else {
            return;
        };
        match c {
            Change::FargateSpot(d) => {
                let st = self.prices.fargate_storage_gb_hour;
                for (m, r) in [(2, self.prices.fargate_x86), (3, self.prices.fargate_arm)] {
                    let rates = fargate_rates(r, st, 1.0 - d);
                    Self::reprice(&mut self.markets[m], now, rates);
                }
            }
            Change::Ec2Spot(m, p) => Self::reprice(&mut self.markets[m], now, [p, 0.0, 0.0]),
        }
    }

    /// Sets a market's prices from `now`. The meters need no settling: each reads the clock's
    /// integral, which is continuous across a price change.
    fn reprice(market: &mut Market, now: Millis, rates: [f64; 3]) {
        for (k, r) in rates.into_iter().enumerate() {
            market.price[k].set(now, r);
        }
    }

    /// The cumulative cost of bucket `b` up to `now`, USD.
    pub fn bucket_usd(&self, b: usize, now: Millis) -> f64 {
        self.bucket_meters
            .range((b as u32, 0)..(b as u32 + 1, 0))
            .map(|(&(_, m), meter)| meter.value(&self.markets[m as usize], now).0)
            .sum()
    }

    /// Everything billed up to `now`.
    pub fn totals(&self, now: Millis, services: usize) -> Totals {
        let mut by_bucket = vec![(0.0, 0.0); self.nbuckets];
        let mut ec2 = 0.0;
        for (&(b, m), meter) in &self.bucket_meters {
            let market = &self.markets[m as usize];
            let v = meter.value(market, now);
            by_bucket[b as usize].0 += v.0;
            by_bucket[b as usize].1 += v.1;
            if market.ec2 {
                ec2 += v.0;
            }
        }
        let mut by_service = vec![0.0; services];
        let mut attributed = 0.0;
        for (&(s, m), meter) in &self.service_meters {
            let market = &self.markets[m as usize];
            let v = meter.value(market, now).0;
            by_service[s.index()] += v;
            if market.ec2 {
                attributed += v;
            }
        }
        Totals {
            by_bucket,
            by_service,
            idle: (ec2 - attributed).max(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn market(p: f64, od: f64) -> Market {
        Market::new([p, 0.0, 0.0], [od, 0.0, 0.0], true)
    }

    #[test]
    fn a_meter_settles_across_a_price_change_without_being_touched() {
        // 2 instances from 0; the price drops from 0.10 to 0.04 at 30 min; read at 1 h:
        // 2 × (0.5 × 0.10 + 0.5 × 0.04) = 0.14; on demand (0.10) 2 × 1 × 0.10 = 0.20.
        let mut m = market(0.10, 0.10);
        let mut meter = Meter::default();
        meter.add(&m, 0, [2.0, 0.0, 0.0], 1.0);
        m.price[0].set(1_800_000, 0.04);
        let (usd, od) = meter.value(&m, 3_600_000);
        assert!((usd - 0.14).abs() < 1e-12, "{usd}");
        assert!((od - 0.20).abs() < 1e-12, "{od}");
        // One instance leaves at 1 h; at 2 h the remaining one adds 0.04: 0.18.
        meter.add(&m, 3_600_000, [1.0, 0.0, 0.0], -1.0);
        let (usd, _) = meter.value(&m, 7_200_000);
        assert!((usd - 0.18).abs() < 1e-12, "{usd}");
    }

    fn one_group() -> Scenario {
        let json = r#"{"name": "b", "duration": "2h",
          "capacityProviders": [{"name": "asg", "autoScalingGroupProvider": {
            "autoScalingGroup": {"instanceTypes": ["m5.large"], "purchaseOption": "on-demand",
              "minSize": 0, "maxSize": 2, "desiredCapacity": 0}}}]}"#;
        crate::scenario::load_str(json, "b.json", None, &[]).expect("valid")
    }

    #[test]
    fn an_instance_is_billed_at_least_60_seconds_from_its_launch() {
        // m5.large at 0.096/h launched at 10 s, registered at 40 s, terminated at 50 s: 40 s
        // billed, charged 60 s: 0.096 × 60 / 3600 = 0.0016.
        let sc = one_group();
        let mut b = Billing::new(&sc, &Streams::new(1));
        let m = b.ec2_market("m5.large", 0, false).expect("market");
        b.instance_start(
            40_000,
            InstanceId(0),
            0,
            m,
            10_000,
            Resources::new(2048, 8192, 0),
        );
        b.instance_stop(50_000, InstanceId(0));
        let t = b.totals(100_000, 0);
        assert!(
            (t.by_bucket[0].0 - 0.0016).abs() < 1e-12,
            "{}",
            t.by_bucket[0].0
        );
        // Stopping twice bills nothing more.
        b.instance_stop(60_000, InstanceId(0));
        assert_eq!(b.totals(100_000, 0).by_bucket[0].0, t.by_bucket[0].0);
    }

    #[test]
    fn an_instance_running_past_the_minimum_is_billed_per_second() {
        // Launched at 0, terminated at 90 s: 0.096 × 90 / 3600 = 0.0024; all of it idle.
        let sc = one_group();
        let mut b = Billing::new(&sc, &Streams::new(1));
        let m = b.ec2_market("m5.large", 0, false).expect("market");
        b.instance_start(0, InstanceId(0), 0, m, 0, Resources::new(2048, 8192, 0));
        b.instance_stop(90_000, InstanceId(0));
        let t = b.totals(120_000, 0);
        assert!((t.by_bucket[0].0 - 0.0024).abs() < 1e-12);
        assert!((t.idle - 0.0024).abs() < 1e-12);
    }

    #[test]
    fn the_audit_adds_up_the_billed_intervals_beside_the_meters() {
        // m5.large at 0.096/h: instance 0 launched at 0, registered at 30 s, stopped at 1 h
        // (0.096); instance 1 registered at 10 min, stopped at 10 min 20 s (60 s minimum:
        // 0.0016). Read at 2 h: 0.0976 both ways.
        let sc = one_group();
        let mut b = Billing::new(&sc, &Streams::new(1));
        b.enable_audit(0);
        let m = b.ec2_market("m5.large", 0, false).expect("market");
        b.instance_start(
            30_000,
            InstanceId(0),
            0,
            m,
            0,
            Resources::new(2048, 8192, 0),
        );
        b.instance_start(
            600_000,
            InstanceId(1),
            0,
            m,
            600_000,
            Resources::new(2048, 8192, 0),
        );
        b.instance_stop(620_000, InstanceId(1));
        b.instance_stop(3_600_000, InstanceId(0));
        let (meters, intervals) = b.audit(7_200_000).expect("audited");
        assert!((meters - 0.0976).abs() < 1e-12, "{meters}");
        assert!((intervals - 0.0976).abs() < 1e-12, "{intervals}");
        // A meter that loses a settlement (here: 0.01 USD) no longer matches the intervals.
        if let Some(meter) = b.bucket_meters.values_mut().next() {
            meter.usd -= 0.01;
        }
        let (meters, intervals) = b.audit(7_200_000).expect("audited");
        assert!((intervals - meters - 0.01).abs() < 1e-12);
    }

    #[test]
    fn an_audit_enabled_late_follows_the_instances_already_registered() {
        // m5.large at 0.096/h launched at 0, registered at 30 s; the audit starts at 60 s
        // (taking the 0.0016 billed so far from the meters) and follows the instance until it
        // stops at 1 h: 0.096 both ways.
        let sc = one_group();
        let mut b = Billing::new(&sc, &Streams::new(1));
        let m = b.ec2_market("m5.large", 0, false).expect("market");
        b.instance_start(
            30_000,
            InstanceId(0),
            0,
            m,
            0,
            Resources::new(2048, 8192, 0),
        );
        b.enable_audit(60_000);
        b.instance_stop(3_600_000, InstanceId(0));
        let (meters, intervals) = b.audit(3_600_000).expect("audited");
        assert!((meters - 0.096).abs() < 1e-12, "{meters}");
        assert!((intervals - 0.096).abs() < 1e-12, "{intervals}");
    }
}
