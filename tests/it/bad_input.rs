//! The inventory of bad input: one test per class of issue 8 item 1, each running the real
//! binary and checking that the input is refused with exit status 2, that no panic or backtrace
//! reaches the user, and that every problem is one `error:` line with the file, `line:column`
//! where there is a position, the field path, what was found and what would be valid (with a
//! did-you-mean for unknown names). docs/scenario-reference.md ("Errors") lists the same classes.
//!
//! Every scenario here is [`BASE`] (a valid file of 24 lines) with some lines replaced, so a
//! position is derived from the replaced line alone: the column of a value is one more than the
//! number of characters before it on its line (`prefix (N chars)` in the comments). Key
//! positions point at the key's opening quote, value positions at the value's first character,
//! and a position inside an expression at that character of the JSON string.
//!
//! Each test writes its files into a fresh folder and runs `ecsim` there, so messages name the
//! scenario `s.json`.

use crate::support::{Run, out_dir};
use std::path::{Path, PathBuf};

/// A valid scenario, one string per line (line N is `BASE[N - 1]`): FARGATE, FARGATE_SPOT and
/// an m5.large group `pool`; one service `web` on FARGATE with traffic and a CPU policy.
const BASE: [&str; 24] = [
    "{",
    r#"  "name": "bad","#,
    r#"  "duration": "1h","#,
    r#"  "capacityProviders": ["#,
    r#"    {"name": "FARGATE"},"#,
    r#"    {"name": "FARGATE_SPOT"},"#,
    r#"    {"name": "pool", "autoScalingGroupProvider": {"#,
    r#"      "autoScalingGroup": {"instanceTypes": ["m5.large"], "maxSize": 4, "desiredCapacity": 1},"#,
    r#"      "managedScaling": {"status": "ENABLED", "targetCapacity": 100}}}"#,
    "  ],",
    r#"  "services": [{"#,
    r#"    "serviceName": "web","#,
    r#"    "taskDefinition": {"family": "web", "cpu": "256", "memory": "512"},"#,
    r#"    "desiredCount": 2,"#,
    r#"    "launchType": "FARGATE","#,
    r#"    "loadBalancer": {},"#,
    r#"    "load": {"traffic": {"pattern": "constant", "rps": 100},"#,
    r#"             "perTask": {"maxRps": 100, "cpuAtMaxRps": 80, "idleCpu": 5}},"#,
    r#"    "autoScaling": {"MinCapacity": 1, "MaxCapacity": 10, "policies": [{"#,
    r#"      "PolicyName": "cpu", "PolicyType": "TargetTrackingScaling","#,
    r#"      "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 50,"#,
    r#"        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}]}"#,
    "  }]",
    "}",
];

/// [`BASE`] with the given lines (1-based) replaced, joined with `\n` and a final newline.
fn scenario(changes: &[(usize, &str)]) -> String {
    let mut lines: Vec<&str> = BASE.to_vec();
    for &(n, text) in changes {
        lines[n - 1] = text;
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// A fresh folder for one test case.
fn folder(case: &str) -> PathBuf {
    let dir = out_dir(&format!("bad-input-{case}"));
    std::fs::create_dir_all(&dir).expect("create the test folder");
    dir
}

/// Writes `files` (name, bytes) into a fresh folder and runs `ecsim ARGS` there.
fn run_with(case: &str, files: &[(&str, &[u8])], args: &[&str]) -> Run {
    let dir = folder(case);
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create the file's folder");
        }
        std::fs::write(path, bytes).expect("write a test file");
    }
    Run::of(&dir, args)
}

/// `ecsim validate s.json` on `text`.
fn validate(case: &str, text: &str) -> Run {
    run_with(
        case,
        &[("s.json", text.as_bytes())],
        &["validate", "s.json"],
    )
}

// ---------------------------------------------------------------------------------------------
// Syntax: the file is not JSON, is cut short, is empty, is not text, or repeats a key.

#[test]
fn not_json_truncated_empty_or_not_text() {
    // `name: bad`: serde_json reads the `n` as the start of `null` and fails at the `a`, the
    // second character.
    validate("not-json", "name: bad\n").refused(&[
        "error: s.json:1:2: not valid JSON: expected a JSON value: an object {...}, a list [...], \
         a string in double quotes, a number, true, false or null",
    ]);
    // BASE's first 13 lines, then `    "desiredCount": ` (19 characters) and the end of the file:
    // line 14, column 20.
    let cut = format!("{}\n    \"desiredCount\": ", BASE[..13].join("\n"));
    validate("truncated", &cut).refused(&[
        "error: s.json:14:20: the JSON ends too early (truncated file?): EOF while parsing a value",
    ]);
    // Nothing, or only blanks: said as such, at the start.
    for (case, text) in [("empty", ""), ("blank", "  \n\n")] {
        validate(case, text).refused(&[
            "error: s.json:1:1: the file is empty: a scenario is a JSON object; the smallest is \
             {\"name\": \"my-scenario\"} (every other key has a default: an empty cluster for 6h; \
             docs/scenario-reference.md §2.1)",
        ]);
    }
    // A byte that is not UTF-8 in line 2: `  "name": "b` is 12 characters, the byte 0xFF is at
    // column 13.
    let text = scenario(&[]);
    let at = text.find("\"bad\"").expect("the name") + 2; // the `a` of `bad`
    let mut bytes = text.into_bytes();
    bytes[at] = 0xFF;
    run_with("not-utf8", &[("s.json", &bytes)], &["validate", "s.json"]).refused(&[
        "error: s.json:2:13: byte 0xFF is not UTF-8 text: a scenario is a JSON text file in UTF-8",
    ]);
    // Valid JSON that is not an object: the position of the value, line 1 column 1.
    validate("a-list", "[\n  {\"name\": \"bad\"}\n]\n").refused(&[
        "error: s.json:1:1: a scenario is a JSON object {\"name\": ..., \"services\": [...], ...}",
    ]);
    // A comma after the closing `}` of line 24: the comma is column 2.
    validate("trailing", &scenario(&[(24, "},")])).refused(&[
        "error: s.json:24:2: not valid JSON: text after the end of the scenario object: remove it \
         (or a stray `}`)",
    ]);
}

#[test]
fn a_key_given_twice() {
    // Line 14 `    "desiredCount": 2, "desiredCount": 3,`: the first key at column 5; before the
    // second, `    "desiredCount": 2, ` (23 chars), so it is at column 24. JSON parsers keep the
    // last value silently; ecsim refuses the file.
    validate(
        "twice",
        &scenario(&[(14, r#"    "desiredCount": 2, "desiredCount": 3,"#)]),
    )
    .refused(&[
        "error: s.json:14:24: services[0].desiredCount: `desiredCount` appears twice in one \
         object (first at line 14, column 5): keep one",
    ]);
}

#[test]
fn a_byte_order_mark_is_invisible() {
    // Editors on Windows start a UTF-8 file with the mark EF BB BF. It is accepted, and it is not
    // a character of line 1: positions count as an editor shows them.
    let bom = |text: &str| {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(text.as_bytes());
        bytes
    };
    let ok = run_with(
        "bom-ok",
        &[("s.json", &bom(&scenario(&[])))],
        &["validate", "s.json"],
    );
    // BASE: one service, three providers, 1h.
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
    assert_eq!(
        ok.stdout,
        "s.json: ok (1 services, 3 capacity providers, 1h)\n"
    );
    // Line 1 `{"bogus": 1,`: the unknown key right after `{`, column 2 (the mark not counted);
    // line 14 `    "desiredCount": -1,`: the value after 20 characters, column 21.
    let text = scenario(&[(1, r#"{"bogus": 1,"#), (14, r#"    "desiredCount": -1,"#)]);
    run_with(
        "bom-positions",
        &[("s.json", &bom(&text))],
        &["validate", "s.json"],
    )
    .refused(&[
        "error: s.json:1:2: bogus: unknown field `bogus`: valid fields here: …",
        "error: s.json:14:21: services[0].desiredCount: `-1` is negative: expected a whole \
         number of at least 0",
    ]);
    // A byte that is not UTF-8 on line 1 after the mark: `{` is column 1, the byte column 2.
    let mut bytes = bom("{\u{1}\n");
    bytes[4] = 0xFF;
    run_with(
        "bom-not-utf8",
        &[("s.json", &bytes)],
        &["validate", "s.json"],
    )
    .refused(&[
        "error: s.json:1:2: byte 0xFF is not UTF-8 text: a scenario is a JSON text file in UTF-8",
    ]);
    // A file of the mark alone is empty.
    run_with(
        "bom-only",
        &[("s.json", &bom("\n"))],
        &["validate", "s.json"],
    )
    .refused(&["error: s.json:1:1: the file is empty: …"]);
}

#[test]
fn a_scenario_that_does_not_exist() {
    // Neither a file nor a bundled name; close to the bundled `quickstart`.
    run_with("no-such", &[], &["validate", "quickstrat"]).refused(&[
        "error: quickstrat: no such file, and no bundled scenario of that name: did you mean \
         `quickstart`? (bundled: quickstart, …",
    ]);
    // A folder where a file belongs: the reading error, exit 2.
    let dir = folder("a-folder");
    std::fs::create_dir_all(dir.join("s.json")).expect("create the folder");
    Run::of(&dir, &["validate", "s.json"])
        .refused(&["error: s.json: cannot read the scenario file: it is a directory, not a file"]);
}

/// Makes a FIFO (named pipe) at `path` with `mkfifo`.
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn only_regular_files_are_read_and_none_blocks() {
    // Issue 14 item 9. /dev/zero never ends (it was read until memory ran out), a FIFO with no
    // writer blocks whoever opens it: both are refused from their metadata, at once. Each run
    // has 20 s (it takes milliseconds; before the fix neither ended).
    let dir = folder("not-regular");
    Run::within(&dir, &["validate", "/dev/zero"], 20).refused(&[
        "error: /dev/zero: cannot read the scenario file: it is a character device, not a \
         regular file",
    ]);
    mkfifo(&dir.join("pipe.json"));
    Run::within(&dir, &["validate", "pipe.json"], 20).refused(&[
        "error: pipe.json: cannot read the scenario file: it is a FIFO (named pipe), not a \
         regular file",
    ]);
    // The same for a trace, reported at the shape that names it (line 17, column 25).
    for (file, what) in [
        ("/dev/zero", "a character device"),
        ("trace-pipe.csv", "a FIFO (named pipe)"),
    ] {
        let line = format!(r#"    "load": {{"traffic": {{"pattern": "trace", "file": "{file}"}},"#);
        std::fs::write(dir.join("t.json"), scenario(&[(17, &line)])).expect("write");
        if !file.starts_with('/') {
            mkfifo(&dir.join(file));
        }
        let expected = format!(
            "error: t.json:17:25: services[0].load.traffic: {file}: cannot read the trace: it is \
             {what}, not a regular file: expected a CSV file with a header `timestamp,rps` or \
             `offset_seconds,rps`"
        );
        Run::within(&dir, &["validate", "t.json"], 20).refused(&[expected.as_str()]);
    }
}

#[test]
fn a_scenario_file_above_the_size_limit() {
    // The limit is 16 MiB = 16,777,216 bytes. `{"name": "big"}` (15 bytes) padded with spaces to
    // exactly the limit is read and valid; one byte more is refused before parsing, the limit
    // named.
    let dir = folder("too-large");
    let mut text = br#"{"name": "big"}"#.to_vec();
    text.resize(16 * 1024 * 1024, b' ');
    std::fs::write(dir.join("at.json"), &text).expect("write");
    text.push(b' ');
    std::fs::write(dir.join("over.json"), &text).expect("write");
    let at = Run::within(&dir, &["validate", "at.json"], 60);
    assert_eq!(at.code, Some(0), "{}", at.stderr);
    Run::within(&dir, &["validate", "over.json"], 60).refused(&[
        "error: over.json: cannot read the scenario file: it is larger than 16 MiB, the limit \
         for a scenario file",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Shape: types, field names, required fields. Every such problem in the file comes in one pass.

#[test]
fn wrong_types_are_all_reported_in_one_pass() {
    let text = scenario(&[
        (
            8,
            r#"      "autoScalingGroup": {"instanceTypes": ["m5.large"], "maxSize": "4", "desiredCapacity": 1},"#,
        ),
        (14, r#"    "desiredCount": 2.5,"#),
        (16, r#"    "loadBalancer": [],"#),
        (
            21,
            r#"      "TargetTrackingScalingPolicyConfiguration": {"TargetValue": "50","#,
        ),
    ]);
    // In the order they are met (object keys alphabetically: capacityProviders before services,
    // a service's autoScaling before its desiredCount and loadBalancer).
    validate("types", &text).refused(&[
        // Line 8: `      "autoScalingGroup": {"instanceTypes": ["m5.large"], "maxSize": ` (69 chars).
        "error: s.json:8:70: capacityProviders[2].autoScalingGroupProvider.autoScalingGroup.\
         maxSize: wrong type: found string \"4\", expected a whole number of at least 0",
        // Line 21: `      "TargetTrackingScalingPolicyConfiguration": {"TargetValue": ` (66 chars).
        "error: s.json:21:67: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.TargetValue: wrong type: found string \"50\", \
         expected a number",
        // Line 14: `    "desiredCount": ` (20 chars).
        "error: s.json:14:21: services[0].desiredCount: wrong type: found floating point `2.5`, \
         expected a whole number of at least 0",
        // Line 16: `    "loadBalancer": ` (20 chars). serde alone would read the list as an empty
        // object.
        "error: s.json:16:21: services[0].loadBalancer: wrong type: found a list [...], \
         expected an object {...}",
    ]);
}

#[test]
fn unknown_fields_with_did_you_mean() {
    let text = scenario(&[
        (2, r#"  "name": "bad", "colour": "blue","#),
        (
            9,
            r#"      "managedScaling": {"status": "ENABLED", "targetCapcity": 100}}}"#,
        ),
        (14, r#"    "desiredCont": 2,"#),
    ]);
    validate("unknown-fields", &text).refused(&[
        // Line 9: `      "managedScaling": {"status": "ENABLED", ` (46 chars) before the key.
        "error: s.json:9:47: capacityProviders[2].autoScalingGroupProvider.managedScaling.\
         targetCapcity: unknown field `targetCapcity`: did you mean `targetCapacity`? valid \
         fields here: status, targetCapacity, minimumScalingStepSize, maximumScalingStepSize, \
         instanceWarmupPeriod",
        // Line 2: `  "name": "bad", ` (17 chars). Nothing is close to `colour`: no suggestion.
        "error: s.json:2:18: colour: unknown field `colour`: valid fields here: name, \
         description, seed, duration, start, region, availabilityZones, capacityProviders, \
         defaultCapacityProviderStrategy, services, batchJobs, customMetrics, faults, pricing, \
         model, accountSettings, serviceQuotas, instanceTypes",
        // Line 14: 4 spaces, the key at column 5.
        "error: s.json:14:5: services[0].desiredCont: unknown field `desiredCont`: did you mean \
         `desiredCount`? valid fields here: …",
    ]);
}

#[test]
fn missing_required_fields() {
    // Line 13 `    "taskDefinition": {"cpu": "256", "memory": "512"},`: the object lacking
    // `family` starts after `    "taskDefinition": ` (22 chars), at column 23.
    validate(
        "no-family",
        &scenario(&[(
            13,
            r#"    "taskDefinition": {"cpu": "256", "memory": "512"},"#,
        )]),
    )
    .refused(&[
        "error: s.json:13:23: services[0].taskDefinition: required field `family` is missing",
    ]);
    // A misspelt `famly`: the did-you-mean says what is missing, with no second message.
    // `    "taskDefinition": {` is 23 chars, the key at column 24.
    validate(
        "famly",
        &scenario(&[(
            13,
            r#"    "taskDefinition": {"famly": "web", "cpu": "256", "memory": "512"},"#,
        )]),
    )
    .refused(&[
        "error: s.json:13:24: services[0].taskDefinition.famly: unknown field `famly`: did you \
         mean `family`? valid fields here: family, cpu, memory, requiresCompatibilities, \
         runtimePlatform, containerDefinitions, placementConstraints, networkMode, \
         ephemeralStorage",
    ]);
    // No top-level name (reported at the root object, line 1 column 1) and a misspelt
    // serviceName (line 12, the key at column 5): both in one pass.
    validate(
        "no-name",
        &scenario(&[
            (2, r#"  "description": "no name","#),
            (12, r#"    "serviceNme": "web","#),
        ]),
    )
    .refused(&[
        "error: s.json:12:5: services[0].serviceNme: unknown field `serviceNme`: did you mean \
         `serviceName`? valid fields here: …",
        "error: s.json:1:1: (root): required field `name` is missing: a scenario needs at least a \
         name; the smallest is {\"name\": \"my-scenario\"} (every other key has a default: an \
         empty cluster for 6h; docs/scenario-reference.md §2.1)",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Values: ranges, bounds, quotas and sizes. The semantic pass reports every one in one go.

#[test]
fn out_of_range_values_are_all_reported_in_one_pass() {
    let text = scenario(&[
        (3, r#"  "duration": "0s","#),
        (
            9,
            r#"      "managedScaling": {"status": "ENABLED", "targetCapacity": 101, "minimumScalingStepSize": 0, "instanceWarmupPeriod": 10001}}}"#,
        ),
        (
            15,
            r#"    "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "base": 100001, "weight": 1001}],"#,
        ),
        (
            17,
            r#"    "load": {"traffic": {"pattern": "constant", "rps": 100, "noise": 1.5},"#,
        ),
        (
            18,
            r#"             "perTask": {"maxRps": 0, "cpuAtMaxRps": 80, "idleCpu": 5}},"#,
        ),
        (
            21,
            r#"      "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 0,"#,
        ),
    ]);
    validate("ranges", &text).refused(&[
        // Line 3: `  "duration": ` (14 chars).
        "error: s.json:3:15: duration: a duration of 0: expected a positive length such as \"6h\" \
         or \"2d\"",
        // Line 9: `      "managedScaling": {"status": "ENABLED", "targetCapacity": ` (64 chars);
        // then `101, "minimumScalingStepSize": ` runs to column 95, the 0 at 96; then
        // `0, "instanceWarmupPeriod": ` runs to column 122, 10001 at 123.
        "error: s.json:9:65: capacityProviders[2].autoScalingGroupProvider.managedScaling.\
         targetCapacity: targetCapacity 101 is out of range: expected 1 to 100",
        "error: s.json:9:96: capacityProviders[2].autoScalingGroupProvider.managedScaling.\
         minimumScalingStepSize: minimumScalingStepSize 0 is out of range: expected 1 to 10000",
        "error: s.json:9:123: capacityProviders[2].autoScalingGroupProvider.managedScaling.\
         instanceWarmupPeriod: instanceWarmupPeriod 10001 is out of range: expected 0 to 10000 \
         seconds",
        // Line 15: `    "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "base": ` (73
        // chars), 100001 at 74-79, `, "weight": ` to 91, 1001 at 92.
        "error: s.json:15:74: services[0].capacityProviderStrategy[0].base: base 100001 is out \
         of range: expected 0 to 100000",
        "error: s.json:15:92: services[0].capacityProviderStrategy[0].weight: weight 1001 is out \
         of range: expected 0 to 1000",
        // Line 17: `    "load": {"traffic": {"pattern": "constant", "rps": 100, "noise": ` (69).
        "error: s.json:17:70: services[0].load.traffic.noise: noise 1.5 is out of range: \
         expected 0 to 1 (e.g. 0.1 for ±10 %)",
        // Line 18: `             "perTask": {"maxRps": ` (35 chars).
        "error: s.json:18:36: services[0].load.perTask.maxRps: maxRps 0 is out of range: \
         expected above 0",
        // Line 21: as in wrong_types_are_all_reported_in_one_pass, column 67.
        "error: s.json:21:67: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.TargetValue: TargetValue 0 is out of range: \
         expected above 0",
    ]);
}

#[test]
fn negative_and_too_large_numbers() {
    let text = scenario(&[
        (3, r#"  "duration": "-1h","#),
        (14, r#"    "desiredCount": -1,"#),
        (
            21,
            r#"      "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 50, "ScaleInCooldown": 99999999999,"#,
        ),
    ]);
    validate("negative", &text).refused(&[
        "error: s.json:3:15: duration: `-1h` is negative: expected a length of 0 or more, such \
         as \"90s\", \"5m\" or \"36h\"",
        // Line 21: `...{"TargetValue": 50, "ScaleInCooldown": ` (89 chars). A cooldown is a whole
        // number of seconds that must fit 32 bits.
        "error: s.json:21:90: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.ScaleInCooldown: `99999999999` is too large: \
         expected a whole number from 0 to 4294967295",
        "error: s.json:14:21: services[0].desiredCount: `-1` is negative: expected a whole \
         number of at least 0",
    ]);
}

#[test]
fn durations_too_long() {
    // At most 1e12 seconds, as a number or as text (365,000,000 days = 3.15e13 s).
    validate("long-number", &scenario(&[(3, r#"  "duration": 1e13,"#)])).refused(&[
        "error: s.json:3:15: duration: `1e13` is too long: expected at most 1e12 seconds (about \
         31,700 years)",
    ]);
    validate(
        "long-text",
        &scenario(&[(3, r#"  "duration": "365000000d","#)]),
    )
    .refused(&[
        "error: s.json:3:15: duration: `365000000d` is too long: expected at most 1e12 seconds \
         (about 31,700 years)",
    ]);
}

#[test]
fn a_whole_number_beyond_64_bits_is_too_large_not_a_float() {
    // serde_json reads an integer beyond u64 as a float; it is still a whole number that is too
    // large. Line 2 `  "name": "bad", "seed": ` is 25 characters: the value is at column 26.
    // 2^64 = 18446744073709551616, one more than the largest seed.
    validate(
        "seed-2-64",
        &scenario(&[(2, r#"  "name": "bad", "seed": 18446744073709551616,"#)]),
    )
    .refused(&[
        "error: s.json:2:26: seed: `18446744073709551616` is too large: expected a whole number \
         from 0 to 18446744073709551615",
    ]);
    // Written with an exponent, and negative, in a u32 field (line 14, column 21): the number as
    // written. A fraction stays a wrong type.
    validate(
        "count-exponent",
        &scenario(&[(14, r#"    "desiredCount": -1e25,"#)]),
    )
    .refused(&[
        "error: s.json:14:21: services[0].desiredCount: `-1e25` is negative: expected a whole \
         number of at least 0",
    ]);
    validate(
        "count-exponent-large",
        &scenario(&[(14, r#"    "desiredCount": 5e9,"#)]),
    )
    .refused(&[
        "error: s.json:14:21: services[0].desiredCount: `5e9` is too large: expected a whole \
         number from 0 to 4294967295",
    ]);
    // Through --set there is no text: the float's exact value, 2^64.
    let text = scenario(&[]);
    run_with(
        "seed-set",
        &[("s.json", text.as_bytes())],
        &[
            "run",
            "s.json",
            "--out",
            "o",
            "--set",
            "seed=18446744073709551616",
        ],
    )
    .refused(&[
        "error: --set seed: seed: `18446744073709551616` is too large: expected a whole number \
         from 0 to 18446744073709551615",
    ]);
}

#[test]
fn durations_with_repeated_or_unordered_units_or_below_a_millisecond() {
    // Line 3 `  "duration": ` is 14 characters: the value at column 15. humantime would add up
    // repeated units (1h5m5h = 6h5m, 1d1d = 2d); a typo is likelier, so they are refused, as
    // units out of order are.
    for (case, value, message) in [
        (
            "units-twice",
            "1h5m5h",
            "`1h5m5h` gives hours twice (`h`): write each unit once, largest first, as in \"1h30m\"",
        ),
        (
            "days-twice",
            "1d1d",
            "`1d1d` gives days twice (`d`): write each unit once, largest first, as in \"1h30m\"",
        ),
        (
            "units-order",
            "30m1h",
            "`30m1h` gives hours (`h`) after minutes (`m`): write the units largest first, each \
             once, as in \"1h30m\"",
        ),
        // 0.0001 s = 0.1 ms rounds to 0 ms: refused, not read as a duration of 0.
        (
            "below-ms",
            "0.0001s",
            "`0.0001s` is shorter than the simulator's resolution of 1 ms and would round to 0: \
             expected 0, or at least 0.5 ms (\"1ms\", 0.001)",
        ),
    ] {
        let line = format!(r#"  "duration": "{value}","#);
        validate(case, &scenario(&[(3, &line)]))
            .refused(&[&format!("error: s.json:3:15: duration: {message}")]);
    }
    // As a number of seconds too: 0.0001 (0.1 ms).
    validate(
        "below-ms-number",
        &scenario(&[(3, r#"  "duration": 0.0001,"#)]),
    )
    .refused(&[
        "error: s.json:3:15: duration: `0.0001` is shorter than the simulator's resolution of 1 \
         ms and would round to 0: expected 0, or at least 0.5 ms (\"1ms\", 0.001)",
    ]);
}

#[test]
fn a_start_time_out_of_range_says_which_part() {
    // Line 2 `  "name": "bad", "start": ` is 26 characters: the string's quote is column 27. The
    // year (the string's first character) is what is wrong: the position is the value's.
    validate(
        "start-year",
        &scenario(&[(2, r#"  "name": "bad", "start": "0001-01-01T00:00:00Z","#)]),
    )
    .refused(&[
        "error: s.json:2:27: start: `0001-01-01T00:00:00Z`: year 1 is outside 1970-9999: \
         expected an RFC 3339 UTC time such as \"2026-01-05T00:00:00Z\"",
    ]);
    // The day of `2026-02-30`: its 9th character (0-based 8), column 27 + 1 + 8 = 36.
    validate(
        "start-day",
        &scenario(&[(2, r#"  "name": "bad", "start": "2026-02-30T00:00:00Z","#)]),
    )
    .refused(&[
        "error: s.json:2:36: start: `2026-02-30T00:00:00Z`: day 30 does not exist in 2026-02, \
         which has 28 days: expected an RFC 3339 UTC time such as \"2026-01-05T00:00:00Z\"",
    ]);
}

#[test]
fn minimum_above_maximum() {
    let text = scenario(&[
        (
            8,
            r#"      "autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": 5, "maxSize": 4, "desiredCapacity": 4},"#,
        ),
        (
            19,
            r#"    "autoScaling": {"MinCapacity": 11, "MaxCapacity": 10, "policies": [{"#,
        ),
    ]);
    validate("min-max", &text).refused(&[
        // Line 8: `      "autoScalingGroup": {"instanceTypes": ["m5.large"], "minSize": ` (69
        // chars); `5, "maxSize": 4, "desiredCapacity": ` takes 70-105, the 4 at 106.
        "error: s.json:8:70: capacityProviders[2].autoScalingGroupProvider.autoScalingGroup.\
         minSize: minSize 5 is above maxSize 4",
        "error: s.json:8:106: capacityProviders[2].autoScalingGroupProvider.autoScalingGroup.\
         desiredCapacity: desiredCapacity 4 is outside [minSize 5, maxSize 4]",
        // Line 19: `    "autoScaling": {"MinCapacity": ` (35 chars).
        "error: s.json:19:36: services[0].autoScaling.MinCapacity: MinCapacity 11 is above \
         MaxCapacity 10: MinCapacity must be at most MaxCapacity",
    ]);
}

#[test]
fn desired_counts_outside_quotas_and_bounds() {
    let text = scenario(&[
        (
            8,
            r#"      "autoScalingGroup": {"instanceTypes": ["m5.large"], "maxSize": 4, "desiredCapacity": 5},"#,
        ),
        (14, r#"    "desiredCount": 5001,"#),
        (
            19,
            r#"    "autoScaling": {"MinCapacity": 1, "MaxCapacity": 5001, "policies": [{"#,
        ),
    ]);
    // 5,000 tasks per service is the quota; 5,001 is the first count above it.
    let at_quota = validate(
        "at-quota",
        &scenario(&[(14, r#"    "desiredCount": 5000,"#)]),
    );
    assert_eq!(at_quota.code, Some(0), "{}", at_quota.stderr);
    validate("quotas", &text).refused(&[
        // Line 8: `...["m5.large"], "maxSize": 4, "desiredCapacity": ` (91 chars).
        "error: s.json:8:92: capacityProviders[2].autoScalingGroupProvider.autoScalingGroup.\
         desiredCapacity: desiredCapacity 5 is outside [minSize 0, maxSize 4]",
        "error: s.json:14:21: services[0].desiredCount: desiredCount 5001 is above the quota of \
         5000 tasks per service",
        // Line 19: `    "autoScaling": {"MinCapacity": 1, "MaxCapacity": ` (53 chars).
        "error: s.json:19:54: services[0].autoScaling.MaxCapacity: MaxCapacity 5001 is above \
         the quota of 5000 tasks per service",
    ]);
}

#[test]
fn invalid_fargate_sizes() {
    // A CPU size Fargate does not have is the cpu's fault: `    "taskDefinition": {"family":
    // "web", "cpu": ` is 47 chars, the value at column 48.
    validate(
        "fargate-cpu",
        &scenario(&[(
            13,
            r#"    "taskDefinition": {"family": "web", "cpu": "300", "memory": "512"},"#,
        )]),
    )
    .refused(&[
        "error: s.json:13:48: services[0].taskDefinition.cpu: 300 CPU units is not a Fargate \
         size: valid CPU values are 256, 512, 1024, 2048, 4096, 8192, 16384",
    ]);
    // 0.25 vCPU = 256 units, 3 GB = 3,072 MiB, which 256 units do not take: the memory's
    // fault, `..."cpu": "0.25 vCPU", "memory": ` being 70 chars.
    validate(
        "fargate-memory",
        &scenario(&[(
            13,
            r#"    "taskDefinition": {"family": "web", "cpu": "0.25 vCPU", "memory": "3 GB"},"#,
        )]),
    )
    .refused(&[
        "error: s.json:13:71: services[0].taskDefinition.memory: 3072 MiB is not a valid Fargate \
         memory size for 256 CPU units: valid values are 512, 1024, 2048 MiB",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Names: instance types, regions, zones, capacity providers, metrics, policy types.

#[test]
fn unknown_names_with_did_you_mean() {
    let text = scenario(&[
        (
            3,
            r#"  "duration": "1h", "faults": [{"type": "spotInterruptions", "capacityProvider": "FARGATESPOT", "perTaskHour": 0.1}, {"type": "zoneOutage", "zone": "us-east-1x", "at": "10m", "duration": "5m"}],"#,
        ),
        (
            8,
            r#"      "autoScalingGroup": {"instanceTypes": ["m5.lage"], "maxSize": 4, "desiredCapacity": 1},"#,
        ),
        (
            22,
            r#"        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilisation"}}}]}"#,
        ),
    ]);
    validate("names", &text).refused(&[
        // Line 8: `      "autoScalingGroup": {"instanceTypes": [` (45 chars).
        "error: s.json:8:46: capacityProviders[2].autoScalingGroupProvider.autoScalingGroup.\
         instanceTypes[0]: unknown instance type `m5.lage`: did you mean `m5.large`? known \
         types: m5.large, m5.xlarge, …",
        // Line 22: `        "PredefinedMetricSpecification": {"PredefinedMetricType": ` (66 chars).
        "error: s.json:22:67: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.\
         PredefinedMetricType: unknown PredefinedMetricType `ECSServiceAverageCPUUtilisation`: \
         did you mean `ECSServiceAverageCPUUtilization`? expected one of \
         ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization, \
         ALBRequestCountPerTarget, ECSServiceAverageCPUUtilizationHighResolution, \
         ECSServiceAverageMemoryUtilizationHighResolution",
        // Line 3: `  "duration": "1h", "faults": [{"type": "spotInterruptions", "capacityProvider": `
        // (81 chars). The group `pool` failed above, so the providers listed are the two
        // Fargate ones.
        "error: s.json:3:82: faults[0].capacityProvider: `FARGATESPOT` is not a capacity \
         provider of this scenario: did you mean `FARGATE_SPOT`? providers are FARGATE, \
         FARGATE_SPOT",
        // Line 3 again: the first fault runs to column 115 (`}`), then `, {"type":
        // "zoneOutage", "zone": ` takes 116-148: the zone at 149. It is a zone of the
        // region but not of the scenario's default three.
        "error: s.json:3:149: faults[1].zone: `us-east-1x` is not one of the scenario's zones: \
         did you mean `us-east-1a`? zones are us-east-1a, us-east-1b, us-east-1c",
    ]);
    // A region: `  "name": "bad", "region": ` (27 chars).
    validate(
        "region",
        &scenario(&[(2, r#"  "name": "bad", "region": "us-eats-1","#)]),
    )
    .refused(&[
        "error: s.json:2:28: region: unknown region `us-eats-1`: did you mean `us-east-1`? known \
         regions: us-east-1, us-east-2, …",
    ]);
    // A zone of another region: `  "name": "bad", "availabilityZones": ["us-east-1a", ` (53).
    validate(
        "zone-of-another-region",
        &scenario(&[(
            2,
            r#"  "name": "bad", "availabilityZones": ["us-east-1a", "eu-west-1a"],"#,
        )]),
    )
    .refused(&[
        "error: s.json:2:54: availabilityZones[1]: zone `eu-west-1a` is not in region \
         us-east-1: its zones are us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, \
         us-east-1f",
    ]);
    // A group's zone that is in the region but not in the scenario's list (the default three):
    // `      "autoScalingGroup": {"instanceTypes": ["m5.large"], "maxSize": 4, "zones": [` is 82
    // chars.
    validate(
        "group-zone",
        &scenario(&[(
            8,
            r#"      "autoScalingGroup": {"instanceTypes": ["m5.large"], "maxSize": 4, "zones": ["us-east-1f"], "desiredCapacity": 1},"#,
        )]),
    )
    .refused(&[
        "error: s.json:8:83: capacityProviders[2].autoScalingGroupProvider.autoScalingGroup.\
         zones[0]: zone `us-east-1f` is not one of the scenario's availabilityZones (us-east-1a, \
         us-east-1b, us-east-1c)",
    ]);
    // A capacity provider in a strategy: `    "capacityProviderStrategy": [{"capacityProvider": `
    // (54 chars).
    validate(
        "provider",
        &scenario(&[(
            15,
            r#"    "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPTO", "weight": 1}],"#,
        )]),
    )
    .refused(&[
        "error: s.json:15:55: services[0].capacityProviderStrategy[0].capacityProvider: unknown \
         capacity provider `FARGATE_SPTO`: did you mean `FARGATE_SPOT`? the scenario's providers \
         are FARGATE, FARGATE_SPOT, pool",
    ]);
    // A name close to no provider gets no suggestion, only the list.
    validate(
        "provider-far",
        &scenario(&[(
            15,
            r#"    "capacityProviderStrategy": [{"capacityProvider": "gpu-pool", "weight": 1}],"#,
        )]),
    )
    .refused(&[
        "error: s.json:15:55: services[0].capacityProviderStrategy[0].capacityProvider: unknown \
         capacity provider `gpu-pool`: the scenario's providers are FARGATE, FARGATE_SPOT, pool",
    ]);
    // A policy type: `      "PolicyName": "cpu", "PolicyType": ` (41 chars).
    validate(
        "policy-type",
        &scenario(&[(
            20,
            r#"      "PolicyName": "cpu", "PolicyType": "TargetTracking","#,
        )]),
    )
    .refused(&[
        "error: s.json:20:42: services[0].autoScaling.policies[0].PolicyType: unknown PolicyType \
         `TargetTracking`: did you mean `TargetTrackingScaling`? expected TargetTrackingScaling \
         or StepScaling (PredictiveScaling is not modelled)",
    ]);
    // A customized metric's name and a service named in its dimensions. The message points at
    // MetricName: `        "CustomizedMetricSpecification": {"Namespace": "AWS/ECS",
    // "MetricName": ` is 80 chars.
    let customized = |name: &str, service: &str| {
        format!(
            r#"        "CustomizedMetricSpecification": {{"Namespace": "AWS/ECS", "MetricName": "{name}", "Dimensions": [{{"Name": "ServiceName", "Value": "{service}"}}], "Statistic": "Average"}}}}}}]}}"#
        )
    };
    validate(
        "metric-name",
        &scenario(&[(22, &customized("CPUUtilisation", "web"))]),
    )
    .refused(
        &["error: s.json:22:81: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.MetricName: no \
         metric AWS/ECS CPUUtilisation with these dimensions exists in this scenario; did you \
         mean AWS/ECS CPUUtilization? available: AWS/ECS CPUUtilization, MemoryUtilization, \
         RunningTaskCount (ServiceName); …"],
    );
    validate(
        "metric-service",
        &scenario(&[(22, &customized("CPUUtilization", "wbe"))]),
    )
    .refused(
        &["error: s.json:22:81: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.MetricName: \
         ServiceName `wbe` is not a service of this scenario: did you mean `web`? services are \
         web"],
    );
}

// ---------------------------------------------------------------------------------------------
// Rules: capacity provider strategies, placement strategies and constraints.

#[test]
fn strategy_and_constraint_rules() {
    // Line 15: the strategy list opens after `    "capacityProviderStrategy": ` (32 chars);
    // the second entry's provider after `...{"capacityProvider": "pool", "base": 1, "weight":
    // 1}, {"capacityProvider": ` (108 chars); the placement field after 193 chars.
    let text = scenario(&[(
        15,
        r#"    "capacityProviderStrategy": [{"capacityProvider": "pool", "base": 1, "weight": 1}, {"capacityProvider": "pool", "base": 1, "weight": 3}], "placementStrategy": [{"type": "binpack", "field": "instanceId"}],"#,
    )]);
    validate("strategy", &text).refused(&[
        "error: s.json:15:109: services[0].capacityProviderStrategy[1].capacityProvider: `pool` \
         appears twice in the strategy",
        "error: s.json:15:33: services[0].capacityProviderStrategy: 2 providers have a base: \
         only one provider in a strategy may have a base",
        "error: s.json:15:194: services[0].placementStrategy[0].field: binpack field \
         `instanceId` is not valid: expected `cpu` or `memory`",
    ]);
    // Fargate and group providers in one strategy (the list at column 33 again).
    validate(
        "mixed",
        &scenario(&[(
            15,
            r#"    "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}, {"capacityProvider": "pool", "weight": 1}],"#,
        )]),
    )
    .refused(&[
        "error: s.json:15:33: services[0].capacityProviderStrategy: FARGATE/FARGATE_SPOT and \
         Auto Scaling group providers cannot be mixed in one strategy: use one kind",
    ]);
    // distinctInstance takes no expression: `    "launchType": "EC2", "placementConstraints":
    // [{"type": "distinctInstance", "expression": ` is 93 chars.
    validate(
        "distinct-expression",
        &scenario(&[(
            15,
            r#"    "launchType": "EC2", "placementConstraints": [{"type": "distinctInstance", "expression": "attribute:ecs.instance-type == m5.large"}],"#,
        )]),
    )
    .refused(&[
        "error: s.json:15:94: services[0].placementConstraints[0].expression: distinctInstance \
         takes no expression",
    ]);
    // Constraints on Fargate: reported at the service object (line 11, after `  "services": [`,
    // 15 chars).
    validate(
        "fargate-constraint",
        &scenario(&[(
            15,
            r#"    "launchType": "FARGATE", "placementConstraints": [{"type": "distinctInstance"}],"#,
        )]),
    )
    .refused(&[
        "error: s.json:11:16: services[0]: placementStrategy and placementConstraints do not \
         apply to Fargate (Fargate balances tasks over zones): remove them",
    ]);
}

#[test]
fn query_language_errors_point_inside_the_expression() {
    // Line 15: `    "launchType": "EC2", "placementConstraints": [{"type": "memberOf",
    // "expression": ` is 85 chars, the string's quote at 86. Inside the expression,
    // `attribute:ecs.instance-type in ` is 31 characters, the unclosed `[` at column 32: 86 + 32
    // = 118.
    validate(
        "query-bracket",
        &scenario(&[(
            15,
            r#"    "launchType": "EC2", "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type in [m5.large, c5.large"}],"#,
        )]),
    )
    .refused(&[
        "error: s.json:15:118: services[0].placementConstraints[0].expression: in \
         `attribute:ecs.instance-type in [m5.large, c5.large`: column 32: unclosed `[`: expected \
         `]`",
    ]);
    // `attribute:ecs.availability-zone == us-east-1a or ` is 49 characters: the second `or`,
    // where a subject belongs, at column 50: 86 + 50 = 136.
    validate(
        "query-or-or",
        &scenario(&[(
            15,
            r#"    "launchType": "EC2", "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.availability-zone == us-east-1a or or"}],"#,
        )]),
    )
    .refused(&[
        "error: s.json:15:136: services[0].placementConstraints[0].expression: in \
         `attribute:ecs.availability-zone == us-east-1a or or`: column 50: expected a subject \
         such as attribute:ecs.instance-type or ec2InstanceId, found `or`",
    ]);
}

#[test]
fn bad_cron_rate_and_at_expressions() {
    // Three scheduled actions on line 19, each Schedule with a different fault, in one pass.
    let line = concat!(
        r#"    "autoScaling": {"MinCapacity": 1, "MaxCapacity": 10, "scheduledActions": ["#,
        r#"{"ScheduledActionName": "a", "Schedule": "cron(0 9 * * MON-FRI *)", "ScalableTargetAction": {"MinCapacity": 2}}, "#,
        r#"{"ScheduledActionName": "b", "Schedule": "rate(1.5 hours)", "ScalableTargetAction": {"MinCapacity": 2}}, "#,
        r#"{"ScheduledActionName": "c", "Schedule": "at(2026-02-30T09:00:00)", "ScalableTargetAction": {"MinCapacity": 2}}], "#,
        r#""policies": [{"#,
    );
    validate("schedules", &scenario(&[(19, line)])).refused(&[
        // Line 19: `    "autoScaling": {"MinCapacity": 1, "MaxCapacity": 10, "scheduledActions": [`
        // is 78 chars, action a's `{` at 79; `{"ScheduledActionName": "a", "Schedule": ` is 41
        // chars, so its Schedule's quote is at 120. Inside, `cron(0 9 * * ` is 13 characters:
        // the day-of-week field at 120 + 14 = 134.
        "error: s.json:19:134: services[0].autoScaling.scheduledActions[0].Schedule: \
         day-of-month and day-of-week cannot both be set: one of them must be `?` (found `*` and \
         `MON-FRI`)",
        // Action a is 111 characters (79-189), `, ` 190-191, action b's `{` at 192 and its
        // quote at 192 + 41 = 233; `rate(1` is 6 characters: the `.` at 233 + 7 = 240.
        "error: s.json:19:240: services[0].autoScaling.scheduledActions[1].Schedule: found `.` \
         in the rate value `1.5`: the value is a positive whole number",
        // Action b is 103 characters (192-294), `, ` 295-296, action c's `{` at 297 and its
        // quote at 338; `at(2026-02-` is 11 characters: the day at 338 + 12 = 350.
        "error: s.json:19:350: services[0].autoScaling.scheduledActions[2].Schedule: day 30 does \
         not exist in 2026-02, which has 28 days",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Metric math.

/// Line 22 with metric math: `m1` the service's CPU, `e1` the expression.
fn math(expression: &str) -> String {
    format!(
        r#"        "CustomizedMetricSpecification": {{"Metrics": [{{"Id": "m1", "ReturnData": false, "MetricStat": {{"Stat": "Average", "Metric": {{"Namespace": "AWS/ECS", "MetricName": "CPUUtilization", "Dimensions": [{{"Name": "ServiceName", "Value": "web"}}]}}}}}}, {{"Id": "e1", "Expression": "{expression}"}}]}}}}}}]}}"#
    )
}

#[test]
fn metric_math_unknown_ids_constant_zero_and_syntax() {
    // Line 22: `        "CustomizedMetricSpecification": {"Metrics": [` is 54 chars; the m1 query
    // is 193 (55-247); `, {"Id": "e1", "Expression": ` is 29 (248-276): the expression's quote
    // at column 277, its first character at 278.
    let path = "services[0].autoScaling.policies[0].TargetTrackingScalingPolicyConfiguration.\
                CustomizedMetricSpecification.Metrics[1].Expression";
    // `m1 / ` is 5 characters: `m3` at 278 + 5 = 283.
    validate("math-id", &scenario(&[(22, &math("m1 / m3"))])).refused(&[&format!(
        "error: s.json:22:283: {path}: `m1 / m3` uses id `m3`, which is not another query's Id: \
         ids are m1"
    )]);
    // `m1 ` is 3 characters: the `/` at 281; (4 - 2 * 2) is a constant 0.
    validate("math-zero", &scenario(&[(22, &math("m1 / (4 - 2 * 2)"))])).refused(&[&format!(
        "error: s.json:22:281: {path}: `m1 / (4 - 2 * 2)` divides by a constant zero: it could \
         never yield a datapoint"
    )]);
    // `m1 +` ends at 281: the missing operand is at 282, where the string closes.
    validate("math-syntax", &scenario(&[(22, &math("m1 +"))])).refused(&[&format!(
        "error: s.json:22:282: {path}: expected a number, an id or '(', found the end"
    )]);
}

// ---------------------------------------------------------------------------------------------
// Trace files. The problem is reported at the traffic shape (line 17: `    "load": {"traffic": `
// is 24 chars, the shape at column 25), and the message names the trace with its own line and
// column.

/// Validates BASE with its traffic read from `file`, beside which `csv` is written (if any).
fn trace(case: &str, file: &str, csv: Option<&str>) -> Run {
    let line = format!(r#"    "load": {{"traffic": {{"pattern": "trace", "file": "{file}"}},"#);
    let text = scenario(&[(17, &line)]);
    let mut files: Vec<(&str, &[u8])> = vec![("s.json", text.as_bytes())];
    if let Some(csv) = csv {
        files.push((file, csv.as_bytes()));
    }
    run_with(case, &files, &["validate", "s.json"])
}

#[test]
fn bad_trace_files() {
    trace("trace-missing", "traces/nope.csv", None).refused(&[
        "error: s.json:17:25: services[0].load.traffic: traces/nope.csv: cannot read the trace: \
         no such file: expected a CSV file with a header `timestamp,rps` or `offset_seconds,rps`",
    ]);
    trace("trace-empty", "t.csv", Some("")).refused(&[
        "error: s.json:17:25: services[0].load.traffic: t.csv: the trace is empty: expected a \
         header `timestamp,rps` or `offset_seconds,rps` and at least one data row",
    ]);
    // Line 4 goes back five minutes.
    trace(
        "trace-unsorted",
        "t.csv",
        Some(
            "timestamp,rps\n2026-01-05T00:00:00Z,10\n2026-01-05T00:10:00Z,20\n2026-01-05T00:05:00Z,30\n",
        ),
    )
    .refused(&[
        "error: s.json:17:25: services[0].load.traffic: t.csv:4:1: timestamp \
         `2026-01-05T00:05:00Z` on line 4 is before `2026-01-05T00:10:00Z` on line 3: expected \
         times strictly increasing",
    ]);
    // Offsets 0 and 0.0004 s are the same millisecond: not increasing, and the message says why.
    trace(
        "trace-same-millisecond",
        "t.csv",
        Some("offset_seconds,rps\n0,10\n0.0004,20\n"),
    )
    .refused(&[
        "error: s.json:17:25: services[0].load.traffic: t.csv:3:1: offset `0.0004` on line 3 \
         equals `0` on line 2 to the millisecond (the resolution of times): expected times \
         strictly increasing",
    ]);
    // Line 3 `60,ten`: the rate at column 4; line 4 `120,-3`: at column 5. Both reported.
    trace(
        "trace-numbers",
        "t.csv",
        Some("offset_seconds,rps\n0,10\n60,ten\n120,-3\n"),
    )
    .refused(&[
        "error: s.json:17:25: services[0].load.traffic: t.csv:3:4: rate `ten` is not a number: \
         expected a number of at least 0, such as `86` or `12.5`",
        "error: s.json:17:25: services[0].load.traffic: t.csv:4:5: rate -3 is negative: \
         expected a number of at least 0",
    ]);
    // A space instead of `T` (line 3) and an hour of 24 (line 4): both at column 1.
    trace(
        "trace-timestamps",
        "t.csv",
        Some("timestamp,rps\n2026-01-05T00:00:00Z,10\n2026-01-05 00:01,20\n2026-01-05T24:02:00Z,30\n"),
    )
    .refused(&[
        "error: s.json:17:25: services[0].load.traffic: t.csv:3:1: `2026-01-05 00:01` is not a \
         timestamp: expected UTC such as `2019-06-03T00:00:00Z` (YYYY-MM-DDTHH:MM:SS, years 1970 \
         to 9999, optional fraction, optional Z)",
        "error: s.json:17:25: services[0].load.traffic: t.csv:4:1: `2026-01-05T24:02:00Z` is not \
         a timestamp: expected UTC such as `2019-06-03T00:00:00Z` (YYYY-MM-DDTHH:MM:SS, years \
         1970 to 9999, optional fraction, optional Z)",
    ]);
}

// ---------------------------------------------------------------------------------------------
// The command line: --set and --vary paths, --duration, output folders.

#[test]
fn set_and_vary_paths_that_do_not_exist() {
    let text = scenario(&[]);
    let files: [(&str, &[u8]); 1] = [("s.json", text.as_bytes())];
    // run: two assignments that cannot be applied and two whose values the scenario refuses,
    // all four in one pass. No line or column: the file is the option.
    run_with(
        "set-run",
        &files,
        &[
            "run",
            "s.json",
            "--out",
            "o",
            "--set",
            "services.wbe.desiredCount=3",
            "--set",
            "services.web.desiredCont=3",
            "--set",
            "services.web.desiredCount=abc",
            "--set",
            "name.x=1",
        ],
    )
    .refused(&[
        "error: --set: services.wbe: no element named `wbe` in `services`: did you mean `web`? \
         (names: web; or an index 0..=0)",
        "error: --set: name.x: cannot set `x` inside `name`, which is a string (not an object or \
         a list)",
        "error: --set services.web.desiredCont: services[0].desiredCont: unknown field \
         `desiredCont`: did you mean `desiredCount`? valid fields here: …",
        "error: --set services.web.desiredCount: services[0].desiredCount: wrong type: found \
         string \"abc\", expected a whole number of at least 0",
    ]);
    // A --set that makes an unknown member along its path (`a` for `a.b`): the member is not in
    // the file, so the problem is the assignment's, not line 1 column 1 of the file.
    run_with(
        "set-makes-unknown",
        &files,
        &["run", "s.json", "--out", "o", "--set", "a.b=1"],
    )
    .refused(&["error: --set a.b: a: unknown field `a`: valid fields here: name, description, …"]);
    // Without a file (the built-in quick start) the same.
    run_with(
        "set-makes-unknown-quickstart",
        &[],
        &["run", "--out", "o", "--set", "a.b=1"],
    )
    .refused(&["error: --set a.b: a: unknown field `a`: valid fields here: name, description, …"]);
    // compare and sweep name the --vary that holds the path: one it cannot apply, and one whose
    // value the scenario refuses.
    run_with(
        "vary-compare-element",
        &files,
        &[
            "compare",
            "s.json",
            "--out",
            "c",
            "--vary",
            "services.wbe.desiredCount=1,2",
        ],
    )
    .refused(&[
        "error: --vary: services.wbe: no element named `wbe` in `services`: did you mean `web`? \
         (names: web; or an index 0..=0)",
    ]);
    run_with(
        "vary-compare",
        &files,
        &[
            "compare",
            "s.json",
            "--out",
            "c",
            "--vary",
            "services.web.desiredCont=1,2",
        ],
    )
    .refused(&[
        "error: --vary services.web.desiredCont: services[0].desiredCont: unknown field \
         `desiredCont`: did you mean `desiredCount`? valid fields here: …",
    ]);
    run_with(
        "vary-sweep",
        &files,
        &[
            "sweep",
            "s.json",
            "--out",
            "w",
            "--seeds",
            "2",
            "--vary",
            "services.wbe.desiredCount=1,2",
        ],
    )
    .refused(&[
        "error: --vary: services.wbe: no element named `wbe` in `services`: did you mean `web`? \
         (names: web; or an index 0..=0) (variant 0: services.wbe.desiredCount=1)",
    ]);
    // A --vary without values is that one problem, not also "nothing to compare".
    run_with(
        "vary-empty",
        &files,
        &[
            "compare",
            "s.json",
            "--out",
            "c",
            "--vary",
            "services.web.desiredCount=",
        ],
    )
    .refused(&["error: --vary: services.web.desiredCount: no values to vary over"]);
    // A --duration the scenario refuses names --duration, not the path it sets.
    run_with(
        "duration-flag",
        &files,
        &["run", "s.json", "--out", "o", "--duration", "0s"],
    )
    .refused(&[
        "error: --duration: duration: a duration of 0: expected a positive length such as \"6h\" \
         or \"2d\"",
    ]);
}

#[test]
fn a_damaged_output_folder_given_to_explain() {
    // `ecsim explain` reads a run's folder back: an empty report.json is malformed JSON at
    // line 1, column 1 (serde_json says column 0 for "before the first character").
    let dir = folder("explain");
    std::fs::create_dir_all(dir.join("run")).expect("create the folder");
    std::fs::write(dir.join("run/report.json"), "").expect("write report.json");
    Run::of(&dir, &["explain", "run"])
        .refused(&["error: run/report.json:1:1: malformed JSON: EOF while parsing a value"]);
}

#[test]
fn output_folders_that_cannot_be_written() {
    let dir = folder("out");
    std::fs::write(dir.join("s.json"), scenario(&[])).expect("write the scenario");
    std::fs::write(dir.join("a-file"), "not a folder").expect("write a file");
    // A folder under a regular file cannot be created: run, compare and sweep refuse it before
    // running anything.
    let cases: [&[&str]; 3] = [
        &["run", "s.json", "--out", "a-file/out"],
        &[
            "compare",
            "s.json",
            "--vary",
            "services.web.desiredCount=1,2",
            "--out",
            "a-file/out",
        ],
        &[
            "sweep",
            "s.json",
            "--seeds",
            "1",
            "--vary",
            "services.web.desiredCount=1,2",
            "--out",
            "a-file/out",
        ],
    ];
    for args in cases {
        Run::of(&dir, args).refused(&[
            "error: a-file/out: --out: cannot create the output folder (Not a directory (os error \
             20)): choose a folder you can write",
        ]);
    }
    assert!(!dir.join("a-file/out").exists());
    // An existing folder where no file can be created: /proc/self on Linux, even for root.
    #[cfg(target_os = "linux")]
    Run::of(&dir, &["run", "s.json", "--out", "/proc/self"]).refused(&[
        "error: /proc/self: --out: cannot write in the output folder (No such file or directory \
         (os error 2)): choose a folder you can write",
    ]);
    // A read-only folder, where this user really cannot write (root can, so then it is skipped).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.join("read-only");
        std::fs::create_dir_all(&ro).expect("create the folder");
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555))
            .expect("make it read-only");
        let probe = ro.join("probe");
        if std::fs::write(&probe, "").is_err() {
            Run::of(&dir, &["run", "s.json", "--out", "read-only"]).refused(&[
                "error: read-only: --out: cannot write in the output folder (Permission denied \
                 (os error 13)): choose a folder you can write",
            ]);
        } else {
            let _ = std::fs::remove_file(&probe);
        }
        let _ = std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755));
    }
}

// ---------------------------------------------------------------------------------------------
// Several problems in one file.

#[test]
fn problems_of_different_classes_come_in_one_pass() {
    // Shape problems of four classes: a repeated key (reported first, from the text scan), an
    // unknown field, a wrong type and an unknown enum value.
    let shape = scenario(&[
        (2, r#"  "name": "bad", "colour": "blue","#),
        (14, r#"    "desiredCount": "2","#),
        (15, r#"    "launchType": "FARGTE","#),
        (16, r#"    "loadBalancer": {}, "loadBalancer": {},"#),
    ]);
    validate("shape-classes", &shape).refused(&[
        // Line 16: `    "loadBalancer": {}, ` is 24 chars.
        "error: s.json:16:25: services[0].loadBalancer: `loadBalancer` appears twice in one \
         object (first at line 16, column 5): keep one",
        "error: s.json:2:18: colour: unknown field `colour`: valid fields here: …",
        "error: s.json:14:21: services[0].desiredCount: wrong type: found string \"2\", expected \
         a whole number of at least 0",
        // Line 15: `    "launchType": ` is 18 chars.
        "error: s.json:15:19: services[0].launchType: unknown value `FARGTE`: did you mean \
         `FARGATE`? valid values: EC2, FARGATE",
    ]);
    // Once the shape is right, problems of four other classes: an unknown name, a quota, a
    // Fargate size and a minimum above a maximum.
    let values = scenario(&[
        (
            8,
            r#"      "autoScalingGroup": {"instanceTypes": ["m5.lage"], "maxSize": 4, "desiredCapacity": 1},"#,
        ),
        (
            13,
            r#"    "taskDefinition": {"family": "web", "cpu": "256", "memory": "4096"},"#,
        ),
        (14, r#"    "desiredCount": 5001,"#),
        (
            19,
            r#"    "autoScaling": {"MinCapacity": 11, "MaxCapacity": 10, "policies": [{"#,
        ),
    ]);
    validate("value-classes", &values).refused(&[
        "error: s.json:8:46: capacityProviders[2].autoScalingGroupProvider.autoScalingGroup.\
         instanceTypes[0]: unknown instance type `m5.lage`: did you mean `m5.large`? …",
        "error: s.json:14:21: services[0].desiredCount: desiredCount 5001 is above the quota of \
         5000 tasks per service",
        // Line 13: `    "taskDefinition": {"family": "web", "cpu": "256", "memory": ` (64 chars).
        "error: s.json:13:65: services[0].taskDefinition.memory: 4096 MiB is not a valid Fargate \
         memory size for 256 CPU units: valid values are 512, 1024, 2048 MiB",
        "error: s.json:19:36: services[0].autoScaling.MinCapacity: MinCapacity 11 is above \
         MaxCapacity 10: MinCapacity must be at most MaxCapacity",
    ]);
}
