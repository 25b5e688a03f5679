//! Placement throughput, calling the placement functions directly (no scheduler, so no launch
//! limits): [`Index::place`] then [`Index::reserve`], as the world does for each EC2 task.
//!
//! The cluster: N instances (N = 100, 1,000 and 5,000), i-0 … i-(N−1), zones a, b, c in turn and
//! types m5.2xlarge and c5.2xlarge in turn (8,192 CPU units each; 31,000 and 15,000 MiB), one
//! capacity provider. Each task needs 256 CPU units and 512 MiB, so an instance takes 32 of
//! them; tasks belong to 10 services in turn. Every request carries the constraint
//! `memberOf(attribute:ecs.instance-type =~ m5.*)`, which leaves half the instances (16 × N
//! tasks of room).
//!
//! Strategies, one benchmark each: `binpack(memory)`, `spread(attribute:ecs.availability-zone)`,
//! `random`, the chain `spread(attribute:ecs.availability-zone), binpack(memory)` (the
//! bench-large services' chain) and `tie-random`: `binpack(memory)` with `placementTieBreak:
//! random`. An iteration starts from the empty cluster (cloned outside the timing) and places
//! min(10 × N, 50,000) tasks — 1,000, 10,000 and 50,000 — all of which fit.
//!
//! Criterion reports placements per second; the target of issues 7 and 17 is a time per
//! placement that does not grow linearly from 1,000 to 5,000 instances, `random` and the random
//! tie-break included.
//!
//! The `e2e` group runs scenarios end to end through the library (`ecsim::run`, no tables, no
//! charts) and reports events per second; simulated seconds per wall second are printed once
//! per scenario before it is measured (duration ÷ the mean of 3 runs).
//!
//! `cargo bench --bench placement` (about two minutes); `-- placement/n=1000` for one size;
//! `-- --test` runs each benchmark once as a smoke test.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ecsim::catalogue::instance_types::Arch;
use ecsim::placement::index::Index;
use ecsim::placement::query::Expr;
use ecsim::placement::{
    Constraint, Demand, Request, Resource, Resources, SpreadField, Strategy, TieBreak,
};
use ecsim::util::rng::Streams;

const SIZES: [u32; 3] = [100, 1_000, 5_000];
const MAX_PLACEMENTS: u32 = 50_000;
const SERVICES: u32 = 10;
const MEMBER_OF: &str = "attribute:ecs.instance-type =~ m5.*";

fn cluster(n: u32) -> Index {
    let mut ix = Index::new();
    // As the world does (`World::new`): no task asks for less CPU than the bench's tasks, so
    // CPU-full instances leave the ordered sets; the spread attribute is counted per value.
    ix.set_min_task_cpu(256);
    ix.track_attribute("ecs.availability-zone");
    for i in 0..n {
        let zone = ["us-east-1a", "us-east-1b", "us-east-1c"][(i % 3) as usize];
        let (ty, mem) = [("m5.2xlarge", 31_000), ("c5.2xlarge", 15_000)][(i % 2) as usize];
        let mut a = BTreeMap::new();
        a.insert("ecs.availability-zone".to_string(), zone.to_string());
        a.insert("ecs.instance-type".to_string(), ty.to_string());
        ix.add(
            format!("i-{i:05}"),
            ecsim::ids::ProviderId(0),
            a,
            Resources::new(8_192, mem, 0),
            Arch::X86_64,
            ecsim::catalogue::instance_types::EniLimit::Enis { max_enis: 3 },
        );
    }
    ix
}

/// Places `count` tasks on `ix`; returns how many found an instance.
#[inline(never)]
fn place_all(
    ix: &mut Index,
    chain: &[Strategy],
    tie: TieBreak,
    cons: &[Constraint],
    count: u32,
) -> u32 {
    let demand = Demand {
        resources: Resources::new(256, 512, 0),
        ..Demand::default()
    };
    let mut rng = Streams::new(7).stream("bench", "placement", 0);
    let mut placed = 0;
    for k in 0..count {
        let req = Request {
            service: ecsim::ids::ServiceId(k % SERVICES),
            demand: &demand,
            chain,
            constraints: cons,
            tie,
        };
        if let Some(o) = ix.place(&req, &[ecsim::ids::ProviderId(0)], &mut rng) {
            ix.reserve(o, req.service, &demand);
            placed += 1;
        }
    }
    placed
}

fn placement(c: &mut Criterion) {
    let az = || SpreadField::Attribute("ecs.availability-zone".to_string());
    let first = TieBreak::FirstRegistered;
    let strategies: [(&str, Vec<Strategy>, TieBreak); 5] = [
        ("binpack", vec![Strategy::Binpack(Resource::Memory)], first),
        ("spread", vec![Strategy::Spread(az())], first),
        ("random", vec![Strategy::Random], first),
        (
            "chain",
            vec![Strategy::Spread(az()), Strategy::Binpack(Resource::Memory)],
            first,
        ),
        (
            "tie-random",
            vec![Strategy::Binpack(Resource::Memory)],
            TieBreak::Random,
        ),
    ];
    let cons = [Constraint::MemberOf(
        Expr::parse(MEMBER_OF).expect("a valid expression"),
        MEMBER_OF.to_string(),
    )];
    for n in SIZES {
        let empty = cluster(n);
        let mut group = c.benchmark_group(format!("placement/n={n}"));
        for (name, chain, tie) in &strategies {
            let count = (10 * n).min(MAX_PLACEMENTS);
            // Every task fits: the m5 half holds 16 × N ≥ 10 × N.
            assert_eq!(
                place_all(&mut empty.clone(), chain, *tie, &cons, count),
                count
            );
            group.throughput(Throughput::Elements(u64::from(count)));
            group.bench_function(*name, |b| {
                b.iter_batched(
                    || empty.clone(),
                    |mut ix| black_box(place_all(&mut ix, chain, *tie, &cons, black_box(count))),
                    BatchSize::PerIteration,
                )
            });
        }
        group.finish();
    }
}

fn e2e(c: &mut Criterion) {
    let mut group = c.benchmark_group("e2e");
    for name in ["quickstart", "bench-large-quick"] {
        let path = format!("{}/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("scenario file");
        let scenario = ecsim::scenario::load_str(&text, &path, None, &[]).expect("valid");
        let options = ecsim::RunOptions {
            no_tables: true,
            ..ecsim::RunOptions::default()
        };
        let run = || ecsim::run(scenario.clone(), &options).expect("run");
        let start = Instant::now();
        let reports: Vec<_> = (0..3).map(|_| run()).collect();
        let wall = start.elapsed().as_secs_f64() / 3.0;
        let r = &reports[0];
        println!(
            "e2e/{name}: {} events, {} simulated s; {:.0} events/s, {:.0} simulated s per wall s",
            r.engine.events,
            r.scenario.duration_s,
            r.engine.events as f64 / wall,
            r.scenario.duration_s as f64 / wall
        );
        group.throughput(Throughput::Elements(r.engine.events));
        group.bench_function(name, |b| b.iter(|| black_box(run())));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    targets = placement, e2e
}
criterion_main!(benches);
