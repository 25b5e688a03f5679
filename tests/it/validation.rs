//! Scenario validation through the real binary: every class of invalid input is refused with
//! exit status 2 and one clear message per problem on stderr — the file, `line:column` where the
//! parser knows it, the field path, what was found and what would be valid.
//!
//! Each test writes its scenario files into a fresh folder under the system temp folder (named
//! after the test and the process id) and runs `ecsim` with that folder as its working directory,
//! so messages name the file exactly as it was passed (`web.json`, not an absolute path).
//!
//! Positions are derived by hand: every file is built line by line with [`lines`], so line N is
//! the N-th string of the array, and a column is one more than the number of characters before
//! the token on its line. Key positions point at the key's opening quote; value positions at the
//! value's first character.

use crate::support::{Run, TempDir, lines, validate_file};

/// A fresh, empty folder for one test, removed when the test ends.
fn temp_dir(test: &str) -> TempDir {
    TempDir::new(&format!("validation-{test}"))
}

/// Writes one file and runs `ecsim validate` on it.
fn validate_one(test: &str, name: &str, text: &str) -> Run {
    validate_file(&format!("validation-{test}"), name, text)
}

/// A provider line for an Auto Scaling group of m5.large (4 spaces of indentation).
fn asg_line(name: &str, comma: bool) -> String {
    format!(
        "    {{\"name\": \"{name}\", \"autoScalingGroupProvider\": {{\"autoScalingGroup\": {{\"instanceTypes\": [\"m5.large\"], \"maxSize\": 2}}}}}}{}",
        if comma { "," } else { "" }
    )
}

#[test]
fn fargate_cpu_memory_pair_lists_valid_memory() {
    let text = lines(&[
        "{",
        "  \"name\": \"fargate-size\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
        "  \"services\": [",
        "    {",
        "      \"serviceName\": \"web\",",
        "      \"launchType\": \"FARGATE\",",
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"4096\"}",
        "    },",
        "    {",
        "      \"serviceName\": \"api\",",
        "      \"launchType\": \"FARGATE\",",
        "      \"taskDefinition\": {\"family\": \"api\", \"cpu\": \"1 vCPU\", \"memory\": \"1 GB\"}",
        "    }",
        "  ]",
        "}",
    ]);
    let run = validate_one("fargate_pair", "fargate.json", &text);
    run.refused(&[
        // Line 8: 6 spaces, "taskDefinition" (16 chars, 7-22), `: ` , `{` at 25,
        // "family": "web", (26-41) + space, "cpu": "256", (43-55) + space, "memory" at 57-64,
        // `: `, the value "4096" at column 67.
        // AWS: 256 CPU units (.25 vCPU) takes 512 MiB, 1 GB or 2 GB.
        "error: fargate.json:8:67: services[0].taskDefinition.memory: 4096 MiB is not a valid \
         Fargate memory size for 256 CPU units: valid values are 512, 1024, 2048 MiB",
        // Line 13: as line 8 up to "cpu" (43-47) `: ` then "1 vCPU" (8 chars, 50-57), `, `,
        // "memory" (60-67), `: `, the value "1 GB" at column 70.
        // AWS: 1 vCPU = 1024 units takes 2 GB to 8 GB in 1 GB steps; 1 GB = 1024 MiB is not one.
        "error: fargate.json:13:70: services[1].taskDefinition.memory: 1024 MiB is not a valid \
         Fargate memory size for 1024 CPU units: valid values are 2048 to 8192 MiB in steps of \
         1024 MiB (2 GB to 8 GB in 1 GB steps)",
    ]);
}

/// Lines 1-7 of a scenario whose only service (`web`, 256/512 on Fargate) uses the strategy that
/// follows on lines 9 and 10; line 8 opens `capacityProviderStrategy`.
fn fargate_strategy(item1: &str, item2: &str) -> String {
    lines(&[
        "{",
        "  \"name\": \"strategy\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}, {\"name\": \"FARGATE_SPOT\"}],",
        "  \"services\": [",
        "    {",
        "      \"serviceName\": \"web\",",
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"},",
        "      \"capacityProviderStrategy\": [",
        &format!("        {item1},"),
        &format!("        {item2}"),
        "      ]",
        "    }",
        "  ]",
        "}",
    ])
}

#[test]
fn all_zero_weights_are_refused() {
    // FARGATE's weight is 0 and FARGATE_SPOT's is omitted (AWS's default weight is 0).
    let text = fargate_strategy(
        r#"{"capacityProvider": "FARGATE", "weight": 0}"#,
        r#"{"capacityProvider": "FARGATE_SPOT"}"#,
    );
    let run = validate_one("zero_weights", "weights.json", &text);
    run.refused(&[
        // Line 8: 6 spaces, "capacityProviderStrategy" (26 chars, 7-32), `:` 33, space 34,
        // the strategy list's `[` at column 35.
        "error: weights.json:8:35: services[0].capacityProviderStrategy: every weight is 0: at \
         least one provider needs a weight above 0 (weights default to 0 when omitted)",
    ]);
}

#[test]
fn at_most_six_providers_in_a_strategy() {
    // Seven Auto Scaling group providers (lines 4-10), all seven in one strategy (lines 17-23):
    // no mixing and no base, so the count is the only problem.
    let mut ls: Vec<String> = vec![
        "{".into(),
        "  \"name\": \"seven\",".into(),
        "  \"capacityProviders\": [".into(),
    ];
    for n in 1..=7 {
        ls.push(asg_line(&format!("a{n}"), n < 7));
    }
    ls.extend(
        [
            "  ],",
            "  \"services\": [",
            "    {",
            "      \"serviceName\": \"web\",",
            "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"},",
            "      \"capacityProviderStrategy\": [",
        ]
        .map(String::from),
    );
    for n in 1..=7 {
        let comma = if n < 7 { "," } else { "" };
        ls.push(format!(
            "        {{\"capacityProvider\": \"a{n}\", \"weight\": 1}}{comma}"
        ));
    }
    ls.extend(["      ]", "    }", "  ]", "}"].map(String::from));
    let refs: Vec<&str> = ls.iter().map(String::as_str).collect();
    let run = validate_one("seven_providers", "seven.json", &lines(&refs));
    run.refused(&[
        // Line 16 opens the strategy: 6 spaces, the 26-character key, `: `, `[` at column 35.
        "error: seven.json:16:35: services[0].capacityProviderStrategy: 7 providers in one \
         strategy: at most 6 are allowed",
    ]);
}

/// Lines 1-9 of an EC2 scenario with one m5.large group (line 4) and a service `web` that runs
/// on it with launch type EC2; the service's remaining lines follow, then the closing lines.
fn ec2_service(rest: &[&str]) -> String {
    let mut ls = vec![
        "{",
        "  \"name\": \"ec2\",",
        "  \"capacityProviders\": [",
        "    {\"name\": \"asg\", \"autoScalingGroupProvider\": {\"autoScalingGroup\": {\"instanceTypes\": [\"m5.large\"], \"maxSize\": 4}}}",
        "  ],",
        "  \"services\": [",
        "    {",
        "      \"serviceName\": \"web\",",
        "      \"launchType\": \"EC2\",",
    ];
    ls.extend_from_slice(rest);
    ls.extend_from_slice(&["    }", "  ]", "}"]);
    lines(&ls)
}

#[test]
fn at_most_five_placement_strategies() {
    let text = ec2_service(&[
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"},",
        "      \"placementStrategy\": [",
        "        {\"type\": \"spread\", \"field\": \"attribute:ecs.availability-zone\"},",
        "        {\"type\": \"spread\", \"field\": \"instanceId\"},",
        "        {\"type\": \"binpack\", \"field\": \"memory\"},",
        "        {\"type\": \"binpack\", \"field\": \"cpu\"},",
        "        {\"type\": \"random\"},",
        "        {\"type\": \"random\"}",
        "      ]",
    ]);
    let run = validate_one("placement_strategies", "strategies.json", &text);
    run.refused(&[
        // Line 11: 6 spaces, "placementStrategy" (19 chars, 7-25), `:` 26, space 27, `[` 28.
        // AWS: at most 5 placement strategies per service.
        "error: strategies.json:11:28: services[0].placementStrategy: 6 placement strategies: at \
         most 5 are allowed",
    ]);
}

#[test]
fn at_most_ten_placement_constraints() {
    // Six on the service and five in the task definition: 11 apply to each task.
    let m5 = "{\"type\": \"memberOf\", \"expression\": \"attribute:ecs.instance-type =~ m5.*\"}";
    let svc = format!("        {m5},");
    let svc_last = format!("        {m5}");
    let td = format!("{m5}, {m5}, {m5}, {m5}, {m5}");
    let td_line = format!(
        "      \"taskDefinition\": {{\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\", \"placementConstraints\": [{td}]}},"
    );
    let text = ec2_service(&[
        &td_line,
        "      \"placementConstraints\": [",
        "        {\"type\": \"distinctInstance\"},",
        &svc,
        &svc,
        &svc,
        &svc,
        &svc_last,
        "      ]",
    ]);
    let run = validate_one("placement_constraints", "constraints.json", &text);
    run.refused(&[
        // Line 11: 6 spaces, "placementConstraints" (22 chars, 7-28), `:` 29, space 30, `[` 31.
        // AWS: at most 10 constraints per task (the service's and the task definition's).
        "error: constraints.json:11:31: services[0].placementConstraints: 11 placement \
         constraints (service and task definition together): at most 10 are allowed",
    ]);
}

#[test]
fn unknown_provider_in_a_strategy_with_did_you_mean() {
    let text = lines(&[
        "{",
        "  \"name\": \"unknown-provider\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}, {\"name\": \"FARGATE_SPOT\"}],",
        "  \"services\": [",
        "    {",
        "      \"serviceName\": \"web\",",
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"},",
        "      \"capacityProviderStrategy\": [",
        "        {\"capacityProvider\": \"FARGATE\", \"weight\": 1},",
        "        {\"capacityProvider\": \"FARGATE_SPT\", \"weight\": 3}",
        "      ]",
        "    },",
        "    {",
        "      \"serviceName\": \"gpu\",",
        "      \"taskDefinition\": {\"family\": \"gpu\", \"cpu\": \"256\", \"memory\": \"512\"},",
        "      \"capacityProviderStrategy\": [{\"capacityProvider\": \"gpu-pool\", \"weight\": 1}]",
        "    }",
        "  ]",
        "}",
    ]);
    let run = validate_one("unknown_provider", "providers.json", &text);
    run.refused(&[
        // Line 10: 8 spaces, `{` 9, "capacityProvider" (18 chars, 10-27), `:` 28, space 29,
        // the value at column 30. `FARGATE_SPT` is one letter short of `FARGATE_SPOT`.
        "error: providers.json:10:30: services[0].capacityProviderStrategy[1].capacityProvider: \
         unknown capacity provider `FARGATE_SPT`: did you mean `FARGATE_SPOT`? the scenario's \
         providers are FARGATE, FARGATE_SPOT",
        // Line 16: 6 spaces, "capacityProviderStrategy" (7-32), `: `, `[` 35, `{` 36,
        // "capacityProvider" (37-54), `:` 55, space 56, the value at column 57. `gpu-pool` is
        // close to nothing, so no suggestion.
        "error: providers.json:16:57: services[1].capacityProviderStrategy[0].capacityProvider: \
         unknown capacity provider `gpu-pool`: the scenario's providers are FARGATE, FARGATE_SPOT",
    ]);
}

/// A Fargate service `web` (256/512) with the given desiredCount on line 7.
fn desired(count: u32) -> String {
    lines(&[
        "{",
        "  \"name\": \"desired\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
        "  \"services\": [",
        "    {",
        "      \"serviceName\": \"web\",",
        &format!("      \"desiredCount\": {count},"),
        "      \"launchType\": \"FARGATE\",",
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"}",
        "    }",
        "  ]",
        "}",
    ])
}

#[test]
fn task_larger_than_every_instance_type() {
    let text = lines(&[
        "{",
        "  \"name\": \"too-big\",",
        "  \"capacityProviders\": [",
        "    {",
        "      \"name\": \"asg\",",
        "      \"autoScalingGroupProvider\": {",
        "        \"autoScalingGroup\": {\"instanceTypes\": [\"m5.large\", \"c5.large\"], \"maxSize\": 4}",
        "      }",
        "    }",
        "  ],",
        "  \"services\": [",
        "    {",
        "      \"serviceName\": \"web\",",
        "      \"launchType\": \"EC2\",",
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"4096\", \"memory\": \"1024\"}",
        "    }",
        "  ]",
        "}",
    ]);
    let run = validate_one("too_big", "big.json", &text);
    run.refused(&[
        // Line 15: 6 spaces, "taskDefinition" (16 chars, 7-22), `:` 23, space 24, `{` at 25.
        // The mixed group launches its first type, m5.large: 2 vCPU = 2048 units, 8 GiB × 0.975
        // registered = 7987.2 → 7987 MiB. 4096 units do not fit.
        "error: big.json:15:25: services[0].taskDefinition: the task (4096 CPU units, 1024 MiB, \
         0 GPUs) is larger than every instance type its providers can launch: m5.large (2048 CPU \
         units, 7987 MiB, 0 GPUs, x86_64) (registered resources)",
    ]);
}

#[test]
fn invalid_json_reports_line_and_column() {
    let dir = temp_dir("invalid_json");
    // A trailing comma: serde_json notices it at the `}` that follows, line 3 column 1.
    dir.write("comma.json", lines(&["{", "  \"name\": \"t\",", "}"]));
    Run::of(dir.path(), &["validate", "comma.json"])
        .refused(&["error: comma.json:3:1: not valid JSON: trailing comma"]);
    // Two values in a row: line 3 is 2 spaces, "seed" (6 chars, 3-8), `:` 9, space 10, `1` 11,
    // space 12, and the unexpected `2` at column 13.
    dir.write(
        "two.json",
        lines(&["{", "  \"name\": \"t\",", "  \"seed\": 1 2", "}"]),
    );
    Run::of(dir.path(), &["validate", "two.json"])
        .refused(&["error: two.json:3:13: not valid JSON: expected `,` or `}`"]);
}

#[test]
fn truncated_json_reports_line_and_column() {
    // The file stops right after the `[` of line 3 (no final newline): 2 spaces, "services"
    // (10 chars, 3-12), `:` 13, space 14, `[` at column 15, the last character read.
    let run = validate_one(
        "truncated",
        "cut.json",
        "{\n  \"name\": \"t\",\n  \"services\": [",
    );
    run.refused(&[
        "error: cut.json:3:15: the JSON ends too early (truncated file?): EOF while parsing a list",
    ]);
}

#[test]
fn truncated_json_after_a_newline_has_a_one_based_column() {
    let dir = temp_dir("truncated_newline");
    // The same text with a final newline: the end of the file is line 4, column 1.
    dir.write("cut.json", "{\n  \"name\": \"t\",\n  \"services\": [\n");
    Run::of(dir.path(), &["validate", "cut.json"]).refused(&[
        "error: cut.json:4:1: the JSON ends too early (truncated file?): EOF while parsing a list",
    ]);
    // An empty file is told as such, at line 1, column 1 (tests/bad_input.rs has more).
}

#[test]
fn syntax_error_column_counts_characters() {
    // Line 3: 2 spaces, "description" (13 chars, 3-15), `:` 16, space 17, "café €" (8
    // characters, 18-25; 11 bytes), `,` 26, space 27, the stray `x` at column 28 (byte 31).
    let text = lines(&[
        "{",
        "  \"name\": \"t\",",
        "  \"description\": \"café €\", x",
        "}",
    ]);
    let run = validate_one("utf8_column", "utf8.json", &text);
    run.refused(&[
        "error: utf8.json:3:28: not valid JSON: an object key must be a string in double quotes",
    ]);
}

/// A Fargate service `web` whose line 6 is `line` (services[0] opens on line 5).
fn fargate_service_with(line: &str) -> String {
    lines(&[
        "{",
        "  \"name\": \"svc\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
        "  \"services\": [",
        "    {",
        line,
        "      \"serviceName\": \"web\",",
        "      \"launchType\": \"FARGATE\",",
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"}",
        "    }",
        "  ]",
        "}",
    ])
}

#[test]
fn wrong_type_names_the_path() {
    let text = fargate_service_with("      \"desiredCount\": \"many\",");
    let run = validate_one("wrong_type", "type.json", &text);
    run.refused(&[
        // Line 6: 6 spaces, "desiredCount" (14 chars, 7-20), `:` 21, space 22, value at 23.
        "error: type.json:6:23: services[0].desiredCount: wrong type: found string \"many\", \
         expected a whole number of at least 0",
    ]);
}

#[test]
fn unknown_enum_value_with_did_you_mean() {
    let text = ec2_service(&[
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"},",
        "      \"placementStrategy\": [",
        "        {\"type\": \"spread\", \"field\": \"instanceId\"},",
        "        {\"type\": \"binpak\", \"field\": \"memory\"}",
        "      ]",
    ]);
    let run = validate_one("unknown_enum", "enum.json", &text);
    run.refused(&[
        // Line 13: 8 spaces, `{` 9, "type" (6 chars, 10-15), `:` 16, space 17, value at 18.
        "error: enum.json:13:18: services[0].placementStrategy[1].type: unknown value `binpak`: \
         did you mean `binpack`? valid values: binpack, spread, random",
    ]);
}

#[test]
fn every_part_of_the_format_is_accepted_now_pricing_included() {
    // `pricing` was the last part refused as "not supported yet"; an empty object is valid
    // (every price keeps its built-in value) and an unknown key inside it is an error with a
    // suggestion. Line 6: `  "pricing": {"fargateSpt": {}}` — the key starts at column 15.
    let text = lines(&[
        "{",
        "  \"name\": \"priced\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
        "  \"services\": [{\"serviceName\": \"web\", \"launchType\": \"FARGATE\",",
        "    \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"}}],",
        "  \"pricing\": {\"fargateSpt\": {}}",
        "}",
    ]);
    let run = validate_one("pricing_typo", "priced.json", &text);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let errors = run.errors().join("\n");
    assert!(
        errors.starts_with("error: priced.json:6:15: pricing.fargateSpt:"),
        "{errors}"
    );
    assert!(errors.contains("`fargateSpot`"), "{errors}");
    let ok = validate_one(
        "pricing_ok",
        "priced.json",
        &text.replace("fargateSpt", "fargateSpot"),
    );
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
}

#[test]
fn aws_read_only_fields_are_accepted_with_one_warning() {
    let text = lines(&[
        "{",
        "  \"name\": \"described\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
        "  \"services\": [",
        "    {",
        "      \"serviceArn\": \"arn:aws:ecs:us-east-1:123456789012:service/prod/web\",",
        "      \"serviceName\": \"web\",",
        "      \"status\": \"ACTIVE\",",
        "      \"desiredCount\": 2,",
        "      \"runningCount\": 2,",
        "      \"launchType\": \"FARGATE\",",
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"}",
        "    }",
        "  ]",
        "}",
    ]);
    let run = validate_one("read_only", "described.json", &text);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    run.no_panic();
    assert!(run.errors().is_empty(), "stderr:\n{}", run.stderr);
    // One warning naming all three, by path (listed in key order).
    assert_eq!(
        run.warnings(),
        [
            "warning: described.json: ignored read-only fields from AWS describe output: \
          services[0].runningCount, services[0].serviceArn, services[0].status"
        ],
        "stderr:\n{}",
        run.stderr
    );
    assert_eq!(
        run.stdout,
        "described.json: ok (1 services, 1 capacity providers, 6h)\n"
    );
}

#[test]
fn member_of_syntax_error_points_inside_the_expression() {
    let text = ec2_service(&[
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"},",
        "      \"placementConstraints\": [",
        "        {\"type\": \"memberOf\", \"expression\": \"attribute:ecs.instance-type =~ m5.* and\"}",
        "      ]",
    ]);
    let run = validate_one("member_of", "query.json", &text);
    run.refused(&[
        // Line 12: 8 spaces, `{` 9, "type" (10-15), `:` 16, space 17, "memberOf" (18-27), `,` 28,
        // space 29, "expression" (12 chars, 30-41), `:` 42, space 43, the string at column 44.
        // Inside it: "attribute:ecs.instance-type" (1-27), " =~ " (28-31), "m5.*" (32-35),
        // " and" (36-39): after `and` the expression ends at column 40 with no subject, so
        // the position is the string's column plus the column inside: 44 + 40 = 84.
        "error: query.json:12:84: services[0].placementConstraints[0].expression: in \
         `attribute:ecs.instance-type =~ m5.* and`: column 40: expected a subject such as \
         attribute:ecs.instance-type or ec2InstanceId, found the end of the expression",
    ]);
}

#[test]
fn several_problems_are_reported_together() {
    let text = lines(&[
        "{",
        "  \"name\": \"many\",",
        "  \"availabilityZones\": [\"us-east-1a\", \"eu-west-1a\"],",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
        "  \"services\": [",
        "    {",
        "      \"serviceName\": \"web\",",
        "      \"desiredCount\": 6000,",
        "      \"launchType\": \"FARGATE\",",
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"512\", \"memory\": \"512\"}",
        "    }",
        "  ]",
        "}",
    ]);
    let run = validate_one("several", "several.json", &text);
    run.refused(&[
        // Line 3: `[` at 24, "us-east-1a" (25-36), `, `, the second zone at column 39.
        "error: several.json:3:39: availabilityZones[1]: zone `eu-west-1a` is not in region \
         us-east-1: its zones are us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, \
         us-east-1f",
        // Line 8: "desiredCount" (7-20), `: `, value at column 23.
        "error: several.json:8:23: services[0].desiredCount: desiredCount 6000 is above the \
         quota of 5000 tasks per service",
        // Line 10: "cpu": "512", then "memory" (57-64), `: `, value at column 67.
        // AWS: 512 CPU units take 1 GB to 4 GB.
        "error: several.json:10:67: services[0].taskDefinition.memory: 512 MiB is not a valid \
         Fargate memory size for 512 CPU units: valid values are 1024, 2048, 3072, 4096 MiB",
    ]);
}

#[test]
fn set_into_a_missing_list_element_lists_the_names() {
    let dir = temp_dir("set_missing");
    dir.write("web.json", desired(2));
    let run = Run::of(
        dir.path(),
        &[
            "run",
            "web.json",
            "--set",
            "services.nope.desiredCount=3",
            "--out",
            "out",
            "-q",
        ],
    );
    run.refused(&[
        "error: --set: services.nope: no element named `nope` in `services` (names: web; or an \
         index 0..=0)",
    ]);
    assert!(
        !dir.path().join("out").exists(),
        "nothing is run or written"
    );
}

#[test]
fn validate_a_good_bundled_file_and_a_bad_one() {
    let dir = temp_dir("validate_files");
    let quickstart =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.json");
    let quickstart = quickstart.to_str().expect("a UTF-8 path");
    let run = Run::of(dir.path(), &["validate", quickstart]);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert!(run.stderr.is_empty(), "stderr:\n{}", run.stderr);
    // quickstart.json: services web, api, worker; providers FARGATE, FARGATE_SPOT, general; 6h.
    assert_eq!(
        run.stdout,
        format!("{quickstart}: ok (3 services, 3 capacity providers, 6h)\n")
    );

    dir.write("bad.json", desired(5_001));
    let run = Run::of(dir.path(), &["validate", quickstart, "bad.json"]);
    // The good file is still reported good; the bad one makes the exit status 2.
    assert_eq!(
        run.stdout,
        format!("{quickstart}: ok (3 services, 3 capacity providers, 6h)\n")
    );
    run.errors_are(&[
        // desired(): line 7, the value at column 23.
        "error: bad.json:7:23: services[0].desiredCount: desiredCount 5001 is above the quota of \
         5000 tasks per service",
    ]);
}

#[test]
fn an_invalid_provider_causes_no_follow_on_errors() {
    let text = lines(&[
        "{",
        "  \"name\": \"follow-on\",",
        "  \"capacityProviders\": [",
        "    {\"name\": \"asg\", \"autoScalingGroupProvider\": {\"autoScalingGroup\": {\"instanceTypes\": [\"m5.larg\"], \"maxSize\": 4}}}",
        "  ],",
        "  \"services\": [",
        "    {",
        "      \"serviceName\": \"web\",",
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"},",
        "      \"capacityProviderStrategy\": [{\"capacityProvider\": \"asg\", \"weight\": 1}]",
        "    },",
        "    {",
        "      \"serviceName\": \"api\",",
        "      \"launchType\": \"EC2\",",
        "      \"taskDefinition\": {\"family\": \"api\", \"cpu\": \"256\", \"memory\": \"512\"}",
        "    }",
        "  ]",
        "}",
    ]);
    let run = validate_one("follow_on", "follow.json", &text);
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    // Only the misspelt instance type is wrong: `asg` is declared (so not an "unknown capacity
    // provider") and it is an Auto Scaling group provider (so the EC2 service has one).
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "stderr:\n{}", run.stderr);
    // Line 4: the element "m5.larg" starts at column 89.
    assert!(
        errors[0].starts_with(
            "error: follow.json:4:89: \
             capacityProviders[0].autoScalingGroupProvider.autoScalingGroup.instanceTypes[0]: \
             unknown instance type `m5.larg`"
        ),
        "stderr:\n{}",
        run.stderr
    );
}

#[test]
fn a_set_value_problem_is_attributed_to_the_set() {
    let dir = temp_dir("set_position");
    // desired(2): line 7 holds `"desiredCount": 2` with the 2 at column 23.
    dir.write("web.json", desired(2));
    let run = Run::of(
        dir.path(),
        &[
            "run",
            "web.json",
            "--set",
            "services.web.desiredCount=9000",
            "--out",
            "out",
            "-q",
        ],
    );
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "stderr:\n{}", run.stderr);
    // 9000 is not at web.json:7:23 (that holds 2); the message must point at the --set.
    assert!(
        !errors[0].contains("web.json:7:23"),
        "the position of a value the file does not hold: {}",
        errors[0]
    );
    assert!(errors[0].contains("--set"), "{}", errors[0]);
    assert!(
        errors[0].contains("desiredCount 9000 is above the quota of 5000 tasks per service"),
        "{}",
        errors[0]
    );
}

#[test]
fn task_definition_constraints_are_member_of_only() {
    let text = ec2_service(&[
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\", \"placementConstraints\": [{\"type\": \"distinctInstance\"}]}",
    ]);
    let run = validate_one("td_distinct", "td.json", &text);
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "stderr:\n{}", run.stderr);
    assert!(
        errors[0].contains("services[0].taskDefinition.placementConstraints[0]"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("memberOf"), "{}", errors[0]);
}

#[test]
fn two_unknown_fields_are_both_reported() {
    let text = lines(&[
        "{",
        "  \"name\": \"typos\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
        "  \"services\": [",
        "    {",
        "      \"serviceName\": \"web\",",
        "      \"desiredCont\": 3,",
        "      \"launchTyp\": \"FARGATE\",",
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"}",
        "    }",
        "  ]",
        "}",
    ]);
    let run = validate_one("two_typos", "typos.json", &text);
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    let errors = run.errors();
    assert_eq!(errors.len(), 2, "stderr:\n{}", run.stderr);
    // Lines 7 and 8: 6 spaces, each key at column 7.
    assert!(
        errors[0].starts_with(
            "error: typos.json:7:7: services[0].desiredCont: unknown field `desiredCont`: did you \
             mean `desiredCount`?"
        ),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with(
            "error: typos.json:8:7: services[0].launchTyp: unknown field `launchTyp`: did you \
             mean `launchType`?"
        ),
        "{}",
        errors[1]
    );
    assert_eq!(run.stderr.lines().last(), Some("2 problems found"));
}

#[test]
fn a_fault_naming_a_refused_provider_is_not_refused_again() {
    // The group's one type is unknown, so provider `pool` is refused where it is defined; the
    // strategy and the fault that name it say nothing more (before: "`pool` is not a capacity
    // provider of this scenario: providers are " with an empty list).
    let text = lines(&[
        r#"{"name": "fo", "capacityProviders": [{"name": "pool", "autoScalingGroupProvider": {"#,
        r#"  "autoScalingGroup": {"instanceTypes": ["m9.huge"], "maxSize": 2, "purchaseOption": "spot"}}}],"#,
        r#" "services": [{"serviceName": "a", "capacityProviderStrategy": [{"capacityProvider": "pool", "weight": 1}],"#,
        r#"   "taskDefinition": {"family": "a", "cpu": "256", "memory": "512"}}],"#,
        r#" "faults": [{"type": "spotInterruptions", "capacityProvider": "pool", "perInstanceHour": 0.1}]}"#,
    ]);
    let run = validate_one("fault_failed_provider", "fo.json", &text);
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "stderr:\n{}", run.stderr);
    assert!(
        errors[0].contains("instanceTypes[0]: unknown instance type `m9.huge`"),
        "{}",
        errors[0]
    );
}
