//! Instance types and prices beyond the built-in table (issue 18, item 3): `instanceTypes` as
//! `aws ec2 describe-instance-types` prints them, resolved everywhere through the scenario's
//! table; the regional price tables; and a price label that names whose prices were used.

use crate::support::scenario::{Group, Scenario, Service};
use crate::support::{TempDir, ecsim, load, per_instance, run, stdout, validate_file, world};
use ecsim::engine::MINUTE;
use serde_json::{Value, json};

/// t2.micro as `aws ec2 describe-instance-types --instance-types t2.micro` prints its one
/// element, written by hand from the EC2 API reference's InstanceTypeInfo shape (1 vCPU,
/// 1,024 MiB, 2 network interfaces, i386 and x86_64).
fn t2_micro() -> Value {
    json!({
        "InstanceType": "t2.micro",
        "CurrentGeneration": true,
        "FreeTierEligible": true,
        "SupportedUsageClasses": ["on-demand", "spot"],
        "SupportedRootDeviceTypes": ["ebs"],
        "SupportedVirtualizationTypes": ["hvm"],
        "BareMetal": false,
        "Hypervisor": "xen",
        "ProcessorInfo": {"SupportedArchitectures": ["i386", "x86_64"],
                          "SustainedClockSpeedInGhz": 2.5, "Manufacturer": "Intel"},
        "VCpuInfo": {"DefaultVCpus": 1, "DefaultCores": 1, "DefaultThreadsPerCore": 1,
                     "ValidCores": [1], "ValidThreadsPerCore": [1]},
        "MemoryInfo": {"SizeInMiB": 1024},
        "InstanceStorageSupported": false,
        "EbsInfo": {"EbsOptimizedSupport": "unsupported", "EncryptionSupport": "supported",
                    "NvmeSupport": "unsupported"},
        "NetworkInfo": {
            "NetworkPerformance": "Low to Moderate", "MaximumNetworkInterfaces": 2,
            "MaximumNetworkCards": 1, "DefaultNetworkCardIndex": 0,
            "NetworkCards": [{"NetworkCardIndex": 0, "NetworkPerformance": "Low to Moderate",
                              "MaximumNetworkInterfaces": 2}],
            "Ipv4AddressesPerInterface": 2, "Ipv6AddressesPerInterface": 2, "Ipv6Supported": true,
            "EnaSupport": "unsupported", "EfaSupported": false,
            "EncryptionInTransitSupported": false, "EnaSrdSupported": false
        },
        "PlacementGroupInfo": {"SupportedStrategies": ["partition", "spread"]},
        "HibernationSupported": true,
        "BurstablePerformanceSupported": true,
        "DedicatedHostsSupported": false,
        "AutoRecoverySupported": true,
        "SupportedBootModes": ["legacy-bios"],
        "NitroEnclavesSupport": "unsupported",
        "NitroTpmSupport": "unsupported",
        "PhcSupport": "unsupported"
    })
}

/// Two t2.micro (pasted, priced at `price` under `pricing.ec2` when given) and service `web` of
/// eight tasks of `cpu` units and `memory` MiB; 1 h.
fn two_t2(price: Option<f64>, cpu: u32, memory: u32) -> Scenario {
    let mut s = Scenario::new("t2")
        .duration("1h")
        .seed(3)
        .set("instanceTypes", json!([t2_micro()]))
        .group(Group::new("small", &["t2.micro"]).fixed(2))
        .default_strategy("small")
        .service(Service::new("web").desired(8).size(cpu, memory));
    if let Some(usd) = price {
        s = s.set("pricing", json!({"ec2": {"t2.micro": usd}}));
    }
    s
}

#[test]
fn a_pasted_t2_micro_places_by_its_own_vcpu_and_memory() {
    // t2.micro registers 1 vCPU × 1,024 = 1,024 CPU units and ⌊1,024 MiB × 0.975⌋ = 998 MiB.
    // Tasks of 512 units / 128 MiB: ⌊1,024 / 512⌋ = 2 by CPU (⌊998 / 128⌋ = 7 by memory) → 2
    // on each of the two instances, 4 of the 8 placed.
    let mut w = world(two_t2(Some(0.0116), 512, 128));
    w.run_until(10 * MINUTE);
    assert_eq!(per_instance(&w), vec![2, 2]);
    // Tasks of 128 units / 512 MiB: ⌊998 / 512⌋ = 1 by memory (8 by CPU) → 1 on each.
    let mut w = world(two_t2(Some(0.0116), 128, 512));
    w.run_until(10 * MINUTE);
    assert_eq!(per_instance(&w), vec![1, 1]);
}

#[test]
fn a_pasted_t2_micro_is_billed_at_its_pricing_ec2_price() {
    // Two instances from the start for 1 h at 0.0116 USD an hour: 2 × 0.0116 = 0.0232 USD,
    // all of it the group's.
    let r = run(two_t2(Some(0.0116), 512, 128));
    assert!(
        (r.cost.total_usd - 0.0232).abs() < 1e-9,
        "{}",
        r.cost.total_usd
    );
    assert!((r.cost.by_capacity_provider["small"] - 0.0232).abs() < 1e-9);
    assert_eq!(r.cost.region, "us-east-1");
}

#[test]
fn a_whole_pasted_element_validates_with_the_rest_set_aside() {
    let text = two_t2(Some(0.0116), 512, 128).json().to_string();
    let run = validate_file("types-paste", "t2.json", &text);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    // Every field but InstanceType, VCpuInfo.DefaultVCpus, MemoryInfo.SizeInMiB,
    // NetworkInfo.MaximumNetworkInterfaces, GpuInfo.Gpus[].Count and
    // ProcessorInfo.SupportedArchitectures is set aside: the element's own keys first (in key
    // order), then inside VCpuInfo, NetworkInfo and ProcessorInfo (the order they are read in).
    let a = "instanceTypes[0]";
    let top = [
        "AutoRecoverySupported",
        "BareMetal",
        "BurstablePerformanceSupported",
        "CurrentGeneration",
        "DedicatedHostsSupported",
        "EbsInfo",
        "FreeTierEligible",
        "HibernationSupported",
        "Hypervisor",
        "InstanceStorageSupported",
        "NitroEnclavesSupport",
        "NitroTpmSupport",
        "PhcSupport",
        "PlacementGroupInfo",
        "SupportedBootModes",
        "SupportedRootDeviceTypes",
        "SupportedUsageClasses",
        "SupportedVirtualizationTypes",
        "VCpuInfo.DefaultCores",
        "VCpuInfo.DefaultThreadsPerCore",
        "VCpuInfo.ValidCores",
        "VCpuInfo.ValidThreadsPerCore",
        "NetworkInfo.DefaultNetworkCardIndex",
        "NetworkInfo.EfaSupported",
        "NetworkInfo.EnaSrdSupported",
        "NetworkInfo.EnaSupport",
        "NetworkInfo.EncryptionInTransitSupported",
        "NetworkInfo.Ipv4AddressesPerInterface",
        "NetworkInfo.Ipv6AddressesPerInterface",
        "NetworkInfo.Ipv6Supported",
        "NetworkInfo.MaximumNetworkCards",
        "NetworkInfo.NetworkCards",
        "NetworkInfo.NetworkPerformance",
        "ProcessorInfo.Manufacturer",
        "ProcessorInfo.SustainedClockSpeedInGhz",
    ];
    let listed: Vec<String> = top.iter().map(|f| format!("{a}.{f}")).collect();
    assert_eq!(
        run.warnings(),
        [format!(
            "warning: t2.json: accepted but not modelled: {}",
            listed.join(", ")
        )],
        "stderr:\n{}",
        run.stderr
    );
}

#[test]
fn a_type_without_a_price_is_refused_naming_both_ways_to_give_one() {
    let text = two_t2(None, 512, 128).json().to_string();
    let run = validate_file("types-unpriced", "t2.json", &text);
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    run.no_panic();
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "stderr:\n{}", run.stderr);
    let e = errors[0];
    assert!(
        e.contains(
            "instanceTypes[0].InstanceType: instance type `t2.micro` has no on-demand price"
        ),
        "{e}"
    );
    // The two ways: the region's built-in table, and `pricing.ec2`.
    assert!(
        e.contains(
            "the built-in us-east-1 table has none (`ecsim pricing --region us-east-1` prints it)"
        ),
        "{e}"
    );
    assert!(
        e.contains("add \"pricing\": {\"ec2\": {\"t2.micro\": USD_PER_HOUR}}"),
        "{e}"
    );
}

/// A scenario with `instanceTypes` `types`, `pricing.ec2` `prices` and a group of
/// `group_type`.
#[test]
fn a_type_no_group_launches_needs_no_price() {
    // The group launches m5.large (priced built in); t2.micro is only described, as an import
    // copies every type describe-instance-types printed: it is never billed, so no price is
    // asked for.
    let mut doc = two_t2(None, 512, 128).json();
    doc["capacityProviders"][0]["autoScalingGroupProvider"]["autoScalingGroup"]["instanceTypes"] =
        json!(["m5.large"]);
    let run = validate_file("types-unused-unpriced", "t2.json", &doc.to_string());
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
}

fn with_types(types: Value, prices: Value, group_type: &str) -> Scenario {
    Scenario::new("t")
        .set("instanceTypes", types)
        .set("pricing", json!({ "ec2": prices }))
        .group(Group::new("pool", &[group_type]).fixed(1))
}

#[test]
fn bad_instance_types_are_refused_with_the_field_and_the_limit() {
    let mut only_i386 = t2_micro();
    only_i386["ProcessorInfo"]["SupportedArchitectures"] = json!(["i386"]);
    let mut zero = t2_micro();
    zero["VCpuInfo"]["DefaultVCpus"] = json!(0);
    let cases: [(Value, &str); 4] = [
        (
            json!([only_i386]),
            "instanceTypes[0].ProcessorInfo.SupportedArchitectures: SupportedArchitectures [i386]: expected a list naming `x86_64` or `arm64`",
        ),
        (
            json!([zero]),
            "instanceTypes[0].VCpuInfo.DefaultVCpus: DefaultVCpus 0: expected at least 1",
        ),
        (
            json!([t2_micro(), t2_micro()]),
            "instanceTypes[1].InstanceType: `t2.micro` is given twice in instanceTypes: keep one",
        ),
        (
            // 1,001 entries, one more than MAX_INSTANCE_TYPES (1,000).
            Value::Array(vec![t2_micro(); 1_001]),
            "instanceTypes: 1001 instance types: at most 1000 are allowed (the limit MAX_INSTANCE_TYPES)",
        ),
    ];
    for (n, (types, want)) in cases.into_iter().enumerate() {
        // t2.micro's price names the refused entry: not reported again.
        let prices = json!({"t2.micro": 0.0116});
        let text = with_types(types, prices, "m5.large").json().to_string();
        let run = validate_file(&format!("types-bad-{n}"), "s.json", &text);
        assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
        run.no_panic();
        let errors = run.errors();
        assert_eq!(errors.len(), 1, "case {n}: stderr:\n{}", run.stderr);
        assert!(errors[0].contains(want), "case {n}: {}", errors[0]);
    }
}

#[test]
fn given_types_override_and_extend_the_built_in_table_everywhere() {
    // A new type with two GPU kinds (2 + 1 = 3 GPUs), arm64, 6 ENIs; and m5.large given with
    // 4 vCPUs: the scenario's definition replaces the built-in row (which has 2), while the ENI
    // trunking limit describe-instance-types does not print stays the built-in 10.
    let big = json!({
        "InstanceType": "x1.big", "VCpuInfo": {"DefaultVCpus": 8}, "MemoryInfo": {"SizeInMiB": 16384},
        "NetworkInfo": {"MaximumNetworkInterfaces": 6},
        "GpuInfo": {"Gpus": [{"Name": "A", "Count": 2}, {"Name": "B", "Count": 1}],
                    "TotalGpuMemoryInMiB": 1},
        "ProcessorInfo": {"SupportedArchitectures": ["arm64"]}
    });
    let m5 = json!({
        "InstanceType": "m5.large", "VCpuInfo": {"DefaultVCpus": 4}, "MemoryInfo": {"SizeInMiB": 8192},
        "NetworkInfo": {"MaximumNetworkInterfaces": 3},
        "ProcessorInfo": {"SupportedArchitectures": ["x86_64"]}
    });
    let types = json!([big, m5]);
    let prices = json!({"x1.big": 1.0});
    let s = load(with_types(types.clone(), prices.clone(), "x1.big"));
    let ecsim::scenario::ProviderKind::Asg(a) = &s.providers[0].kind else {
        panic!("an ASG provider");
    };
    let t = a.instance_types[0];
    assert_eq!(
        (t.vcpus, t.memory_mib, t.gpus, t.max_enis),
        (8, 16384, 3, 6)
    );
    assert_eq!(t.arch, ecsim::catalogue::instance_types::Arch::Arm64);
    // A type the built-in table does not know has no trunking: 6 ENIs − 1 primary = 5 tasks.
    assert_eq!(t.eni_limit(true).tasks(), 5);
    assert_eq!(s.prices.ec2_on_demand("x1.big"), Some(1.0));
    let s = load(with_types(types, prices, "m5.large"));
    let ecsim::scenario::ProviderKind::Asg(a) = &s.providers[0].kind else {
        panic!("an ASG provider");
    };
    assert_eq!(a.instance_types[0].vcpus, 4);
    assert_eq!(a.instance_types[0].trunk_tasks, Some(10));
    // Its price is still the built-in one (0.096 in us-east-1).
    assert_eq!(s.prices.ec2_on_demand("m5.large"), Some(0.096));
}

#[test]
fn pricing_region_prints_the_regions_own_prices_and_marks_the_rest() {
    // us-west-2's m5.large: 0.096 USD an hour, and eu-west-1's 0.107 (greenops-cli's
    // factors.json, "aws-public-pricing-api-2026-q1", updated 2026-03-27). Types the regional
    // table lacks (g5.xlarge) and every Fargate rate are us-east-1's, marked so.
    let o = ecsim(&["pricing", "--region", "us-west-2"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.starts_with("ecsim price table · region us-west-2 · USD · Linux\n"),
        "{text}"
    );
    let line = |item: &str| {
        text.lines()
            .find(|l| l.starts_with(item))
            .unwrap_or_else(|| panic!("no `{item}` line:\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(
        line("EC2 m5.large on demand")
            .starts_with("EC2 m5.large on demand 0.096 USD per instance-hour us-west-2 [")
    );
    assert!(
        line("EC2 g5.xlarge on demand")
            .starts_with("EC2 g5.xlarge on demand 1.006 USD per instance-hour us-east-1 [")
    );
    assert!(
        line("Fargate Linux/x86 vCPU")
            .starts_with("Fargate Linux/x86 vCPU 0.04048 USD per vCPU-hour us-east-1 [")
    );
    assert!(
        text.contains(
            "greenops-cli factors.json (AWS Price List API, 2026 Q1), on-demand Linux, 2026-03-27"
        ),
        "{text}"
    );
    let eu = stdout(&ecsim(&["pricing", "--region", "eu-west-1"]));
    assert!(
        eu.lines().any(|l| l.starts_with("EC2 m5.large on demand")
            && l.contains(" 0.107 ")
            && l.contains("eu-west-1")),
        "{eu}"
    );
    // An unknown region is refused with the valid ones.
    let bad = ecsim(&["pricing", "--region", "mars-1"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        crate::support::stderr(&bad)
            .contains("unknown region `mars-1`: expected one of us-east-1, ")
    );
}

/// A us-west-2 scenario with a group of `itype` (one instance for 1 h), and FARGATE when
/// `fargate`.
fn west(itype: &str, fargate: bool) -> Scenario {
    let mut s = Scenario::new("w")
        .duration("1h")
        .set("region", json!("us-west-2"))
        .group(Group::new("pool", &[itype]).fixed(1))
        .default_strategy("pool")
        .service(Service::new("web").desired(1).size(256, 512));
    if fargate {
        s = s.fargate();
    }
    s
}

#[test]
fn a_us_west_2_run_labels_its_prices_by_whose_they_are() {
    // m5.large has a us-west-2 price: every price the run uses is us-west-2's.
    assert_eq!(run(west("m5.large", false)).cost.region, "us-west-2");
    // With FARGATE in the cluster the Fargate rates are used too, and they are us-east-1's (no
    // regional Fargate table); g5.xlarge has no us-west-2 price either. (Before, each of these
    // said "us-west-2".)
    assert_eq!(
        run(west("m5.large", true)).cost.region,
        "us-west-2, with us-east-1's for Fargate"
    );
    // A service of launch type FARGATE uses the Fargate rates with no FARGATE provider.
    let launch =
        west("m5.large", false).service(Service::new("f").desired(1).size(256, 512).fargate());
    assert_eq!(
        run(launch).cost.region,
        "us-west-2, with us-east-1's for Fargate"
    );
    assert_eq!(
        run(west("g5.xlarge", true)).cost.region,
        "us-west-2, with us-east-1's for Fargate, EC2 g5.xlarge"
    );
    // The summary's cost line says the same, and the load warns once.
    let dir = TempDir::new("types-west");
    dir.write("w.json", west("g5.xlarge", false).json().to_string());
    let out = dir.path().join("out");
    let o = ecsim(&[
        "run",
        dir.path().join("w.json").to_str().unwrap(),
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let summary = stdout(&o);
    assert!(
        summary.contains("(us-west-2, with us-east-1's for EC2 g5.xlarge prices)"),
        "{summary}"
    );
    assert!(crate::support::stderr(&o).contains(
        "the built-in prices have no us-west-2 price for EC2 g5.xlarge: us-east-1's are used"
    ));
}

#[test]
fn an_eu_west_1_run_is_billed_at_eu_west_1_prices() {
    // One m5.large for 1 h at eu-west-1's 0.107 USD an hour (us-east-1's is 0.096).
    let s = west("m5.large", false).set("region", json!("eu-west-1"));
    let r = run(s);
    assert!(
        (r.cost.total_usd - 0.107).abs() < 1e-9,
        "{}",
        r.cost.total_usd
    );
    assert_eq!(r.cost.region, "eu-west-1");
}
