//! Placement tests: each strategy, chains, constraints and the index against the reference.

use super::index::Index;
use super::*;
use crate::ids::{InstanceId, ProviderId, ServiceId};
use crate::util::rng::Streams;
use proptest::prelude::{Just, ProptestConfig, any, prop_assert_eq, prop_oneof, proptest};
use std::collections::BTreeMap;

const M5_LARGE: Resources = Resources::new(2048, 7987, 0);

fn attrs(zone: &str, ty: &str) -> BTreeMap<String, String> {
    let mut a = BTreeMap::new();
    a.insert("ecs.availability-zone".to_string(), zone.to_string());
    a.insert("ecs.instance-type".to_string(), ty.to_string());
    a
}

/// Instances i-0..i-(n-1), alternating zones a, b, c, all m5.large-sized.
fn cluster(n: u32) -> Index {
    let mut ix = Index::new();
    for i in 0..n {
        let zone = ["us-east-1a", "us-east-1b", "us-east-1c"][(i % 3) as usize];
        ix.add(
            format!("i-{i}"),
            ProviderId(0),
            attrs(zone, "m5.large"),
            M5_LARGE,
            Arch::X86_64,
            EniLimit::Enis { max_enis: 3 },
        );
    }
    ix
}

fn demand(cpu: u32, memory: u32) -> Demand {
    Demand {
        resources: Resources::new(cpu, memory, 0),
        ..Demand::default()
    }
}

fn req<'a>(d: &'a Demand, chain: &'a [Strategy], cons: &'a [Constraint]) -> Request<'a> {
    Request {
        service: ServiceId(0),
        demand: d,
        chain,
        constraints: cons,
        tie: TieBreak::FirstRegistered,
    }
}

fn rng() -> Rng {
    Streams::new(1).stream("test", "placement", 0)
}

/// Places with both the index and the reference scan, checks they agree, and reserves.
fn place(ix: &mut Index, r: &Request<'_>) -> Option<u32> {
    let a = ix.place(r, &[ProviderId(0)], &mut rng());
    let b = choose(ix, r, ix.candidates(&[ProviderId(0)]), &mut rng());
    assert_eq!(a, b, "index and reference disagree");
    if let Some(o) = a {
        ix.reserve(o, r.service, r.demand);
    }
    a.map(|o| o.0)
}

#[test]
fn binpack_memory_picks_least_remaining_that_fits() {
    let mut ix = cluster(3);
    // Pre-load: i-0 has 4,000 MiB used (3,987 free), i-1 has 7,000 used (987 free), i-2 empty.
    ix.reserve(InstanceId(0), ServiceId(9), &demand(0, 4000));
    ix.reserve(InstanceId(1), ServiceId(9), &demand(0, 7000));
    let d = demand(256, 1000);
    let chain = [Strategy::Binpack(Resource::Memory)];
    // 1,000 MiB: i-1 (987 free) cannot fit; remaining after placing: i-0 2,987, i-2 6,987 → i-0.
    assert_eq!(place(&mut ix, &req(&d, &chain, &[])), Some(0));
    // Next 1,000: i-0 now 2,987 free → remaining 1,987 < i-2's 6,987 → i-0 again.
    assert_eq!(place(&mut ix, &req(&d, &chain, &[])), Some(0));
    // i-0 1,987 → 987 left, still least → i-0; then i-0 has 987 < 1,000 → i-2.
    assert_eq!(place(&mut ix, &req(&d, &chain, &[])), Some(0));
    assert_eq!(place(&mut ix, &req(&d, &chain, &[])), Some(2));
}

#[test]
fn binpack_cpu_ignores_memory_order() {
    let mut ix = cluster(2);
    // i-0: 1,024 CPU used (1,024 free) and lots of memory; i-1: 512 used (1,536 free).
    ix.reserve(InstanceId(0), ServiceId(9), &demand(1024, 100));
    ix.reserve(InstanceId(1), ServiceId(9), &demand(512, 6000));
    let d = demand(512, 512);
    // binpack(cpu): remaining 512 on i-0 vs 1,024 on i-1 → i-0.
    let chain = [Strategy::Binpack(Resource::Cpu)];
    assert_eq!(place(&mut ix, &req(&d, &chain, &[])), Some(0));
    // binpack(memory) on the same state: i-0 has 7,887 − 512 = 7,375 left, i-1 1,987 − 512 =
    // 1,475 → i-1.
    let chain = [Strategy::Binpack(Resource::Memory)];
    assert_eq!(place(&mut ix, &req(&d, &chain, &[])), Some(1));
}

#[test]
fn spread_instance_fills_evenly() {
    let mut ix = cluster(3);
    let d = demand(256, 256);
    let chain = [Strategy::Spread(SpreadField::Instance)];
    // Six tasks over three empty instances: counts (0,0,0) → i-0, (1,0,0) → i-1, (1,1,0) → i-2,
    // then the same cycle again.
    let got: Vec<_> = (0..6)
        .map(|_| place(&mut ix, &req(&d, &chain, &[])).unwrap())
        .collect();
    assert_eq!(got, vec![0, 1, 2, 0, 1, 2]);
}

#[test]
fn spread_zone_then_binpack_memory_chains() {
    // Four instances: i-0 a, i-1 b, i-2 c, i-3 a.
    let mut ix = cluster(4);
    // i-3 (zone a) already holds 6,000 MiB of another service, so binpack prefers it within a.
    ix.reserve(InstanceId(3), ServiceId(9), &demand(0, 6000));
    let d = demand(256, 1000);
    let chain = [
        Strategy::Spread(SpreadField::Attribute("ecs.availability-zone".into())),
        Strategy::Binpack(Resource::Memory),
    ];
    // Zones all hold 0 tasks of service 0 → tie on spread; binpack: i-3 has 1,987 − 1,000 =
    // 987 left, the least → i-3 (zone a).
    assert_eq!(place(&mut ix, &req(&d, &chain, &[])), Some(3));
    // Zone a now has 1 → zones b and c tie at 0; binpack: i-1 and i-2 both 6,987 left → tie,
    // broken by first registered → i-1.
    assert_eq!(place(&mut ix, &req(&d, &chain, &[])), Some(1));
    // Only zone c is at 0 → i-2.
    assert_eq!(place(&mut ix, &req(&d, &chain, &[])), Some(2));
    // All zones at 1 → binpack over all: i-3 has 987 < 1,000, cannot fit; i-0 7,987 → 6,987,
    // i-1 and i-2 6,987 → 5,987 → i-1 (first registered of the two).
    assert_eq!(place(&mut ix, &req(&d, &chain, &[])), Some(1));
}

#[test]
fn distinct_instance_refuses_a_second_task() {
    let mut ix = cluster(2);
    let d = demand(256, 256);
    let chain = [Strategy::Binpack(Resource::Memory)];
    let cons = [Constraint::DistinctInstance];
    // binpack alone would stack all three on i-0; distinctInstance allows one per instance:
    // i-0, then i-1, then nothing (2 instances).
    assert_eq!(place(&mut ix, &req(&d, &chain, &cons)), Some(0));
    assert_eq!(place(&mut ix, &req(&d, &chain, &cons)), Some(1));
    assert_eq!(place(&mut ix, &req(&d, &chain, &cons)), None);
}

#[test]
fn member_of_restricts_candidates() {
    let mut ix = Index::new();
    ix.add(
        "i-0".into(),
        ProviderId(0),
        attrs("us-east-1a", "m5.large"),
        M5_LARGE,
        Arch::X86_64,
        EniLimit::Enis { max_enis: 3 },
    );
    ix.add(
        "i-1".into(),
        ProviderId(0),
        attrs("us-east-1b", "c5.large"),
        Resources::new(2048, 3891, 0),
        Arch::X86_64,
        EniLimit::Enis { max_enis: 3 },
    );
    ix.add(
        "i-2".into(),
        ProviderId(0),
        attrs("us-east-1c", "m5.xlarge"),
        Resources::new(4096, 15_974, 0),
        Arch::X86_64,
        EniLimit::Enis { max_enis: 3 },
    );
    let d = demand(256, 256);
    let chain = [Strategy::Binpack(Resource::Memory)];
    let c = |e: &str| {
        [Constraint::MemberOf(
            query::Expr::parse(e).unwrap(),
            e.to_string(),
        )]
    };
    // binpack would pick i-1 (least memory) — excluded by type == m5.* → i-0 (7,987 < 15,974).
    let k = c("attribute:ecs.instance-type =~ m5.*");
    assert_eq!(place(&mut ix, &req(&d, &chain, &k)), Some(0));
    // Zone in [b, c] and not c5 → only i-2.
    let k = c(
        "attribute:ecs.availability-zone in [us-east-1b, us-east-1c] and attribute:ecs.instance-type != c5.large",
    );
    assert_eq!(place(&mut ix, &req(&d, &chain, &k)), Some(2));
    // Nothing matches → no placement.
    let k = c("attribute:ecs.instance-type == r5.large");
    assert_eq!(place(&mut ix, &req(&d, &chain, &k)), None);
}

#[test]
fn ports_gpus_and_arch_are_placement_resources() {
    let mut ix = Index::new();
    ix.add(
        "i-0".into(),
        ProviderId(0),
        attrs("us-east-1a", "m6g.large"),
        M5_LARGE,
        Arch::Arm64,
        EniLimit::Enis { max_enis: 3 },
    );
    ix.add(
        "i-1".into(),
        ProviderId(0),
        attrs("us-east-1a", "g4dn.xlarge"),
        Resources::new(4096, 15_974, 1),
        Arch::X86_64,
        EniLimit::Enis { max_enis: 3 },
    );
    let web = Demand {
        resources: Resources::new(256, 256, 0),
        ports: vec![80],
        ..Demand::default()
    };
    let chain = [Strategy::Binpack(Resource::Memory)];
    // Port 80: first on i-0 (least memory), then i-0's port is taken → i-1, then none.
    assert_eq!(place(&mut ix, &req(&web, &chain, &[])), Some(0));
    assert_eq!(place(&mut ix, &req(&web, &chain, &[])), Some(1));
    assert_eq!(place(&mut ix, &req(&web, &chain, &[])), None);
    // One GPU: only i-1 has one; a second GPU task finds none free.
    let gpu = Demand {
        resources: Resources::new(256, 256, 1),
        ..Demand::default()
    };
    assert_eq!(place(&mut ix, &req(&gpu, &chain, &[])), Some(1));
    assert_eq!(place(&mut ix, &req(&gpu, &chain, &[])), None);
    // An x86_64 task never lands on the arm64 i-0 even though it has the most room left.
    let x86 = Demand {
        resources: Resources::new(256, 256, 0),
        arch: Some(Arch::X86_64),
        ..Demand::default()
    };
    assert_eq!(place(&mut ix, &req(&x86, &chain, &[])), Some(1));
}

#[test]
fn random_strategy_uses_every_instance() {
    let ix = cluster(4);
    let d = demand(256, 256);
    let chain = [Strategy::Random];
    let mut r = rng();
    let mut seen = [0u32; 4];
    for _ in 0..400 {
        let o = ix
            .place(&req(&d, &chain, &[]), &[ProviderId(0)], &mut r)
            .unwrap();
        seen[o.index()] += 1;
    }
    // 400 uniform draws over 4: each about 100 (binomial sd √(400 × ¼ × ¾) ≈ 8.7; ±4 sd).
    for s in seen {
        assert!((65..=135).contains(&s), "{seen:?}");
    }
}

#[test]
fn explanation_names_rejections_and_winner() {
    let mut ix = cluster(2);
    ix.reserve(InstanceId(1), ServiceId(9), &demand(2000, 0));
    let d = demand(512, 256);
    let chain = [Strategy::Binpack(Resource::Memory)];
    let r = req(&d, &chain, &[]);
    let chosen = ix.place(&r, &[ProviderId(0)], &mut rng());
    let e = explain(&ix, &r, ix.candidates(&[ProviderId(0)]), chosen, &mut rng());
    // i-1 has 48 CPU units free < 512.
    assert_eq!(
        e.rejected,
        vec![(
            "i-1".to_string(),
            "insufficient CPU: needs 512 units, 48 free".to_string()
        )]
    );
    assert_eq!(e.chosen.as_deref(), Some("i-0"));
    // i-0: 7,987 − 256 = 7,731 MiB left.
    assert!(e.reason.contains("binpack(memory) = 7731"), "{}", e.reason);
}

fn strategy() -> impl proptest::strategy::Strategy<Value = Strategy> {
    prop_oneof![
        Just(Strategy::Binpack(Resource::Cpu)),
        Just(Strategy::Binpack(Resource::Memory)),
        Just(Strategy::Spread(SpreadField::Instance)),
        Just(Strategy::Spread(SpreadField::Attribute(
            "ecs.availability-zone".into()
        ))),
        Just(Strategy::Spread(SpreadField::Attribute(
            "ecs.instance-type".into()
        ))),
    ]
}

/// Each strategy's index hook walks a class in the order of its key, and names its scale-in
/// key; the strategies with no hook are the ones the index leaves to the class or the scan.
#[test]
fn each_strategy_walks_a_class_in_its_key_order() {
    // Four m5.large (2,048 CPU units, 7,987 MiB) in one zone: one class, 0.
    let mut ix = Index::new();
    for i in 0..4 {
        ix.add(
            format!("i-{i}"),
            ProviderId(0),
            attrs("us-east-1a", "m5.large"),
            M5_LARGE,
            Arch::X86_64,
            EniLimit::Enis { max_enis: 3 },
        );
    }
    // Service 0: two tasks of (256, 1,000) on i-0, one of (256, 3,000) on i-2; service 1: one
    // of (256, 7,500) on i-3. Free: i-0 (1,536, 5,987), i-1 (2,048, 7,987), i-2 (1,792, 4,987),
    // i-3 (1,792, 487).
    ix.reserve(InstanceId(0), ServiceId(0), &demand(256, 1000));
    ix.reserve(InstanceId(0), ServiceId(0), &demand(256, 1000));
    ix.reserve(InstanceId(2), ServiceId(0), &demand(256, 3000));
    ix.reserve(InstanceId(3), ServiceId(1), &demand(256, 7500));
    let d = demand(256, 1000);
    let walk = |s: &Strategy| {
        s.walk(&ix, 0, &req(&d, &[], &[]), |it| {
            it.map(|(k, o)| (k, o.0)).collect::<Vec<_>>()
        })
    };
    // binpack(memory) from 1,000 MiB up: i-3 (487) cannot fit; 4,987 (i-2) < 5,987 (i-0) <
    // 7,987 (i-1).
    assert_eq!(
        walk(&Strategy::Binpack(Resource::Memory)),
        Some(vec![(4987, 2), (5987, 0), (7987, 1)])
    );
    // binpack(cpu) from 256 up: 1,536 (i-0) < 1,792 (i-2, i-3 by ordinal) < 2,048 (i-1).
    assert_eq!(
        walk(&Strategy::Binpack(Resource::Cpu)),
        Some(vec![(1536, 0), (1792, 2), (1792, 3), (2048, 1)])
    );
    // spread(instanceId) for service 0: the instances without its tasks by ordinal (i-1, i-3:
    // count 0), then i-2 (1), i-0 (2).
    assert_eq!(
        walk(&Strategy::Spread(SpreadField::Instance)),
        Some(vec![(0, 1), (0, 3), (1, 2), (2, 0)])
    );
    // A zone is the class's, and random is left to the scan: no walk.
    let zone = Strategy::Spread(SpreadField::Attribute("ecs.availability-zone".into()));
    assert_eq!(walk(&zone), None);
    assert!(!zone.varies_within_class());
    assert_eq!(walk(&Strategy::Random), None);
    assert!(!Strategy::Random.indexed());
    // The scale-in keys (aws-behaviour.md §4).
    assert_eq!(
        Strategy::Binpack(Resource::Memory).scale_in(),
        ScaleIn::MostFree(Resource::Memory)
    );
    assert_eq!(
        Strategy::Spread(SpreadField::Instance).scale_in(),
        ScaleIn::MostOnInstance
    );
    assert_eq!(
        zone.scale_in(),
        ScaleIn::MostOnValue("ecs.availability-zone".into())
    );
    assert_eq!(Strategy::Random.scale_in(), ScaleIn::Draw);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// The index finds exactly what the reference scan finds, for any chain and cluster state.
    #[test]
    fn index_agrees_with_reference(
        types in proptest::collection::vec(0usize..3, 1..30),
        chain in proptest::collection::vec(strategy(), 0..4),
        tasks in proptest::collection::vec((0u32..3, 1u32..5, 1u32..5, any::<bool>()), 1..80),
        distinct in any::<bool>(),
    ) {
        let sizes = [("m5.large", M5_LARGE), ("c5.large", Resources::new(2048, 3891, 0)), ("m5.xlarge", Resources::new(4096, 15_974, 0))];
        let mut ix = Index::new();
        // Every task asks for at least 256 CPU units (c ≥ 1): instances with less free CPU
        // leave the ordered walks, as in the world.
        ix.set_min_task_cpu(256);
        // Zone counts are kept per value (checked against the sum over classes in debug
        // builds); instance-type ones are summed.
        ix.track_attribute("ecs.availability-zone");
        for (i, t) in types.iter().enumerate() {
            let zone = ["us-east-1a", "us-east-1b", "us-east-1c"][i % 3];
            ix.add(format!("i-{i}"), ProviderId(0), attrs(zone, sizes[*t].0), sizes[*t].1, Arch::X86_64, EniLimit::Enis { max_enis: 3 });
        }
        let cons = if distinct { vec![Constraint::DistinctInstance] } else { vec![] };
        let mut placed = Vec::new();
        for (svc, c, m, stop) in tasks {
            let (d, svc) = (demand(c * 256, m * 512), ServiceId(svc));
            let r = Request { service: svc, demand: &d, chain: &chain, constraints: &cons, tie: TieBreak::FirstRegistered };
            let a = ix.place(&r, &[ProviderId(0)], &mut rng());
            let b = choose(&ix, &r, ix.candidates(&[ProviderId(0)]), &mut rng());
            prop_assert_eq!(a, b);
            if let Some(o) = a {
                ix.reserve(o, svc, &d);
                placed.push((o, svc, d));
            }
            if stop && !placed.is_empty() {
                let (o, s, d) = placed.remove(placed.len() / 2);
                ix.release(o, s, &d);
            }
        }
    }
}

#[test]
fn cpu_full_instances_are_skipped_with_the_same_answer() {
    // min task CPU 1,024; three m5.large (2,048 CPU units, 7,987 MiB). Task A (1,024 CPU,
    // 512 MiB) twice under binpack(memory): both on i-0 (lowest ordinal among equal memory),
    // which is then CPU-full (0 < 1,024) with 6,963 MiB free, the least memory: it leaves the
    // ordered sets. Task B (1,024 CPU, 4,000 MiB): i-1 and i-2 tie at 7,987 → i-1, left with
    // 3,987 MiB. Task A again: i-1 (3,987 − 512 = 3,475 left, less than i-2's 7,475); i-0 is
    // not considered though its 6,963 MiB would fit. `place` checks the index against the
    // reference scan at each step.
    let mut ix = Index::new();
    ix.set_min_task_cpu(1_024);
    for i in 0..3 {
        ix.add(
            format!("i-{i}"),
            ProviderId(0),
            attrs("us-east-1a", "m5.large"),
            M5_LARGE,
            Arch::X86_64,
            EniLimit::Enis { max_enis: 3 },
        );
    }
    let (a, b) = (demand(1_024, 512), demand(1_024, 4_000));
    let chain = [Strategy::Binpack(Resource::Memory)];
    assert_eq!(place(&mut ix, &req(&a, &chain, &[])), Some(0));
    assert_eq!(place(&mut ix, &req(&a, &chain, &[])), Some(0));
    assert_eq!(place(&mut ix, &req(&b, &chain, &[])), Some(1));
    assert_eq!(place(&mut ix, &req(&a, &chain, &[])), Some(1));
    // i-1 is now CPU-full too (2,048 − 2 × 1,024 = 0) and leaves the sets. Releasing one task
    // of i-0 gives it 1,024 CPU units back: it returns to the sets with 6,963 + 512 = 7,475 MiB,
    // less than i-2's 7,987 → binpack(memory) takes i-0.
    ix.release(InstanceId(0), ServiceId(0), &a);
    assert_eq!(place(&mut ix, &req(&a, &chain, &[])), Some(0));
}

#[test]
fn a_failed_placement_is_known_to_fail_until_an_instance_that_can_take_it_grows() {
    // Two m5.large (2,048 CPU units each); service 1 fills them: i-0 with two 1,024-unit
    // tasks, i-1 with one 2,048-unit task. Service 0 asks for 1,024 units: nothing fits.
    let mut ix = cluster(2);
    let half = demand(1024, 512);
    let whole = demand(2048, 512);
    ix.reserve(InstanceId(0), ServiceId(1), &half);
    ix.reserve(InstanceId(0), ServiceId(1), &half);
    ix.reserve(InstanceId(1), ServiceId(1), &whole);
    let d = demand(1024, 512);
    let chain = [Strategy::Binpack(Resource::Memory)];
    let r = req(&d, &chain, &[]);
    let p = [ProviderId(0)];
    assert_eq!(ix.place(&r, &p, &mut rng()), None);
    // Two registrations so far, no release: epoch 2, and with no growth since, known.
    let failed_at = ix.epoch();
    assert_eq!(failed_at, 2);
    assert!(ix.known_full(&r, &p, failed_at));
    // A provider with no instance at all is known to find none.
    assert!(ix.known_full(&r, &[ProviderId(1)], 0));
    // Releasing and re-reserving a 1,024-unit task on i-0 leaves it full again (free 0): a
    // growth event, but i-0 still cannot take 1,024 units, so the failure is still known.
    ix.release(InstanceId(0), ServiceId(1), &half);
    ix.reserve(InstanceId(0), ServiceId(1), &half);
    assert_eq!(ix.epoch(), 3);
    assert!(ix.known_full(&r, &p, failed_at));
    // Releasing one 1,024-unit task on i-0 leaves 1,024 free: i-0 can take the task, so the
    // failure is no longer known, and the placement does succeed there.
    ix.release(InstanceId(0), ServiceId(1), &half);
    assert!(!ix.known_full(&r, &p, failed_at));
    assert_eq!(ix.place(&r, &p, &mut rng()), Some(InstanceId(0)));
}

#[test]
fn known_full_follows_distinct_instance_registrations_and_its_log_length() {
    // One m5.large holding a task of service 0 with distinctInstance: a second one fails.
    let mut ix = cluster(1);
    let d = demand(256, 512);
    let cons = [Constraint::DistinctInstance];
    let r = req(&d, &[], &cons);
    let p = [ProviderId(0)];
    ix.reserve(InstanceId(0), ServiceId(0), &d);
    assert_eq!(ix.place(&r, &p, &mut rng()), None);
    let failed_at = ix.epoch();
    // Service 1's tasks coming and going free room but leave service 0's task there: known.
    let other = demand(256, 512);
    ix.reserve(InstanceId(0), ServiceId(1), &other);
    ix.release(InstanceId(0), ServiceId(1), &other);
    assert!(ix.known_full(&r, &p, failed_at));
    // Service 0's own task going makes i-0 admissible again.
    ix.release(InstanceId(0), ServiceId(0), &d);
    assert!(!ix.known_full(&r, &p, failed_at));
    ix.reserve(InstanceId(0), ServiceId(0), &d);
    let failed_at = ix.epoch();
    assert!(ix.known_full(&r, &p, failed_at));
    // GROWTH_LOG releases of service 1 (each a growth event of the one provider) are all
    // remembered: still known. One more and the oldest event after the failure is forgotten:
    // unknown, so the placement would be tried.
    for _ in 0..index::GROWTH_LOG {
        ix.reserve(InstanceId(0), ServiceId(1), &other);
        ix.release(InstanceId(0), ServiceId(1), &other);
    }
    assert!(ix.known_full(&r, &p, failed_at));
    ix.reserve(InstanceId(0), ServiceId(1), &other);
    ix.release(InstanceId(0), ServiceId(1), &other);
    assert!(!ix.known_full(&r, &p, failed_at));
    // A new instance registering can take the task: unknown from the epoch before it.
    let before = ix.epoch();
    assert!(ix.known_full(&r, &p, before));
    ix.add(
        "i-new".into(),
        ProviderId(0),
        attrs("us-east-1a", "m5.large"),
        M5_LARGE,
        Arch::X86_64,
        EniLimit::Enis { max_enis: 3 },
    );
    assert!(!ix.known_full(&r, &p, before));
}

/// Pearson's χ² of `seen` against equal expected counts.
fn chi_square(seen: &[u32]) -> f64 {
    let n: u32 = seen.iter().sum();
    let e = f64::from(n) / seen.len() as f64;
    seen.iter().map(|&o| (f64::from(o) - e).powi(2) / e).sum()
}

/// Draws `n` placements of `r` (nothing reserved, so the cluster does not change) and counts
/// them per instance ordinal.
fn draw_counts(ix: &Index, r: &Request<'_>, instances: usize, n: u32) -> Vec<u32> {
    let mut seen = vec![0u32; instances];
    let mut g = rng();
    for _ in 0..n {
        let o = ix.place(r, &[ProviderId(0)], &mut g).expect("fits");
        seen[o.index()] += 1;
    }
    seen
}

#[test]
fn random_draws_uniformly_among_the_admissible_instances() {
    // Six m5.large in three zones (three classes); i-5 is CPU-full (2,048 of 2,048 taken), so
    // five are admissible for a 256-unit task: 5,000 draws, 1,000 expected on each of i-0..i-4
    // and none on i-5. Under uniformity the χ² over the five has 4 degrees of freedom, whose
    // survival function is e^(−x/2)(1 + x/2): at x = 24, e^(−12) × 13 = 8.0e−5, so a uniform
    // draw exceeds 24 with probability below 1 in 10,000.
    let mut ix = cluster(6);
    ix.reserve(InstanceId(5), ServiceId(9), &demand(2048, 0));
    let d = demand(256, 256);
    let chain = [Strategy::Random];
    let seen = draw_counts(&ix, &req(&d, &chain, &[]), 6, 5_000);
    assert_eq!(seen[5], 0);
    assert!(chi_square(&seen[..5]) < 24.0, "{seen:?}");
}

#[test]
fn random_stays_uniform_when_few_instances_are_admissible() {
    // 200 m5.large; all but i-197..i-199 have 1,536 of 2,048 CPU units taken (512 free, still
    // open, min task CPU 0), so a 1,024-unit task fits 3 of 200: each of the 32 draws from the
    // open instances hits one with probability 3/200, and all 32 miss with probability
    // (197/200)^32 ≈ 0.62, so both ways of drawing (accepted from the open instances, drawn
    // from the listed ones) are exercised. 3,000 draws, 1,000 expected on each of the three;
    // χ² with 2 degrees of freedom has survival function e^(−x/2): at 20, e^(−10) = 4.5e−5.
    let mut ix = cluster(200);
    for i in 0..197 {
        ix.reserve(InstanceId(i), ServiceId(9), &demand(1536, 0));
    }
    let d = demand(1024, 256);
    let chain = [Strategy::Random];
    let seen = draw_counts(&ix, &req(&d, &chain, &[]), 200, 3_000);
    assert_eq!(seen[..197].iter().sum::<u32>(), 0);
    assert!(chi_square(&seen[197..]) < 20.0, "{seen:?}");
}

#[test]
fn a_random_tie_break_draws_uniformly_among_the_ties() {
    // Six m5.large; i-0..i-4 hold 256 CPU units (1,792 free), i-5 none. binpack(cpu) keeps
    // the least CPU left: 1,792 − 256 = 1,536 on i-0..i-4 against 1,792 on i-5, so the five
    // tie and `placementTieBreak: random` draws among them: 5,000 draws, 1,000 expected each,
    // none on i-5; χ² bound 24 as for 4 degrees of freedom above.
    let mut ix = cluster(6);
    for i in 0..5 {
        ix.reserve(InstanceId(i), ServiceId(9), &demand(256, 0));
    }
    let d = demand(256, 256);
    let chain = [Strategy::Binpack(Resource::Cpu)];
    let r = Request {
        tie: TieBreak::Random,
        ..req(&d, &chain, &[])
    };
    let seen = draw_counts(&ix, &r, 6, 5_000);
    assert_eq!(seen[5], 0);
    assert!(chi_square(&seen[..5]) < 24.0, "{seen:?}");
}

#[test]
fn random_placement_does_not_scan_the_cluster() {
    // 3,000 empty m5.large in three zones (three classes): with `random` every open instance
    // is admissible for a 256-unit task, so a placement checks the fit of the first open
    // member of each class (the smallest key: 3 checks) and of its first draw (1, accepted):
    // 4 checks per placement, 400 for 100 placements — where a scan checks all 3,000 each
    // time (300,000).
    let mut ix = cluster(3_000);
    let d = demand(256, 256);
    let chain = [Strategy::Random];
    let r = req(&d, &chain, &[]);
    let mut g = rng();
    ix.fit_checks.set(0);
    for _ in 0..100 {
        let o = ix.place(&r, &[ProviderId(0)], &mut g).expect("fits");
        ix.reserve(o, ServiceId(0), &d);
    }
    assert_eq!(ix.fit_checks.get(), 400);
}

/// The instances a placement with `random` or a random tie-break may take: the admissible
/// ones with the smallest key under the strategies before the first `random`.
fn drawn_from(ix: &Index, r: &Request<'_>) -> Vec<InstanceId> {
    let cut = r
        .chain
        .iter()
        .position(|s| *s == Strategy::Random)
        .unwrap_or(r.chain.len());
    let sub = Request {
        chain: &r.chain[..cut],
        ..*r
    };
    let mut g = rng();
    let ok: Vec<(ChainKey, InstanceId)> = ix
        .candidates(&[ProviderId(0)])
        .into_iter()
        .filter(|&o| admissible(ix, &sub, o).is_ok())
        .map(|o| (chain_key(ix, &sub, o, &mut g), o))
        .collect();
    let Some(min) = ok.iter().map(|&(k, _)| k).min() else {
        return Vec::new();
    };
    ok.into_iter()
        .filter(|&(k, _)| k == min)
        .map(|(_, o)| o)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// With `random` anywhere in the chain or a random tie-break, the index takes one of the
    /// instances the reference allows, and finds none exactly when there are none.
    #[test]
    fn random_placement_takes_an_instance_the_reference_allows(
        types in proptest::collection::vec(0usize..3, 1..30),
        chain in proptest::collection::vec(prop_oneof![strategy(), Just(Strategy::Random)], 0..4),
        tasks in proptest::collection::vec((0u32..3, 1u32..5, 1u32..5, any::<bool>()), 1..80),
        distinct in any::<bool>(),
        tie_random in any::<bool>(),
    ) {
        let sizes = [("m5.large", M5_LARGE), ("c5.large", Resources::new(2048, 3891, 0)), ("m5.xlarge", Resources::new(4096, 15_974, 0))];
        let mut ix = Index::new();
        ix.set_min_task_cpu(256);
        ix.track_attribute("ecs.availability-zone");
        for (i, t) in types.iter().enumerate() {
            let zone = ["us-east-1a", "us-east-1b", "us-east-1c"][i % 3];
            ix.add(format!("i-{i}"), ProviderId(0), attrs(zone, sizes[*t].0), sizes[*t].1, Arch::X86_64, EniLimit::Enis { max_enis: 3 });
        }
        let cons = if distinct { vec![Constraint::DistinctInstance] } else { vec![] };
        let tie = if tie_random { TieBreak::Random } else { TieBreak::FirstRegistered };
        let mut g = rng();
        let mut placed = Vec::new();
        for (svc, c, m, stop) in tasks {
            let (d, svc) = (demand(c * 256, m * 512), ServiceId(svc));
            let r = Request { service: svc, demand: &d, chain: &chain, constraints: &cons, tie };
            let allowed = drawn_from(&ix, &r);
            let a = ix.place(&r, &[ProviderId(0)], &mut g);
            match a {
                None => prop_assert_eq!(allowed, Vec::new()),
                Some(o) => proptest::prop_assert!(allowed.contains(&o), "{o:?} not in {allowed:?}"),
            }
            if let Some(o) = a {
                ix.reserve(o, svc, &d);
                placed.push((o, svc, d));
            }
            if stop && !placed.is_empty() {
                let (o, s, d) = placed.remove(placed.len() / 2);
                ix.release(o, s, &d);
            }
        }
    }
}
