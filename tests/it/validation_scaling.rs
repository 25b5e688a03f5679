//! Bad input in the load, load balancer, auto scaling, batch job and custom metric parts of a
//! scenario, through the real binary: every case is refused with exit status 2 and exactly the
//! expected `error: FILE:LINE:COL: PATH: message` lines on stderr — never a panic.
//!
//! Each test writes its files into a fresh folder under the system temp folder (named after the
//! test and the process id, removed when the test ends) and runs `ecsim validate` there, so
//! messages name the file as it was passed (`s.json`) and trace files relative to it.
//!
//! Positions are derived by hand: every file is built line by line with [`lines`], so line N is
//! the N-th string, and a column is one more than the number of characters before the token on
//! its line. Key positions point at the key's opening quote, value positions at the value's
//! first character (a string's opening quote); a problem inside a string (a schedule or a metric
//! math expression) is at the column of the offending character itself.
//!
//! Tests marked `#[ignore = "BUG: ..."]` assert what a user should see where ecsim does not do
//! that yet; the reason says what differs.

use crate::support::{Run, TempDir, lines};

/// A fresh, empty folder for one test, removed when the test ends.
fn temp_dir(test: &str) -> TempDir {
    TempDir::new(&format!("validation-scaling-{test}"))
}

/// Runs `ecsim validate s.json` in `dir`.
fn validate_in(dir: &TempDir) -> Run {
    Run::of(dir.path(), &["validate", "s.json"])
}

/// Writes the scenario as `s.json` into a fresh folder and validates it.
fn validate(test: &str, text: &str) -> Run {
    let dir = temp_dir(test);
    dir.write("s.json", text);
    validate_in(&dir)
}

/// A scenario with one Fargate service `web` (256 CPU units, 512 MiB).
///
/// Lines 1-3 are `{`, the name and the FARGATE provider; the `top` lines (each ending with a
/// comma) follow from line 4; then the service opens, its `taskDefinition` is on line 8 + the
/// number of `top` lines, and the `rest` lines of the service follow it. With no `top` lines
/// the service's `rest` starts on line 9.
fn scenario(top: &[&str], rest: &[&str]) -> String {
    let mut ls = vec![
        "{",
        "  \"name\": \"scaling\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
    ];
    ls.extend_from_slice(top);
    ls.extend_from_slice(&[
        "  \"services\": [",
        "    {",
        "      \"serviceName\": \"web\",",
        "      \"launchType\": \"FARGATE\",",
    ]);
    if rest.is_empty() {
        ls.push("      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"}");
    } else {
        ls.push(
            "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"},",
        );
        ls.extend_from_slice(rest);
    }
    ls.extend_from_slice(&["    }", "  ]", "}"]);
    lines(&ls)
}

/// [`scenario`] without top-level additions: the service's `rest` starts on line 9.
fn web(rest: &[&str]) -> String {
    scenario(&[], rest)
}

/// Line 9 of a service with traffic.
const LB: &str = "      \"loadBalancer\": {},";
/// Line 10 of a service with traffic: 100 requests per second, 50 per task.
const LOAD: &str = "      \"load\": {\"traffic\": {\"pattern\": \"constant\", \"rps\": 100}, \"perTask\": {\"maxRps\": 50}},";

/// A service with traffic (lines 9-10, [`LB`] and [`LOAD`]) and an `autoScaling` of 1 to 10
/// tasks (lines 11-14) whose `policies` list holds `items` from line 15.
fn policies(items: &[&str]) -> String {
    let mut rest = vec![
        LB,
        LOAD,
        "      \"autoScaling\": {",
        "        \"MinCapacity\": 1,",
        "        \"MaxCapacity\": 10,",
        "        \"policies\": [",
    ];
    rest.extend_from_slice(items);
    rest.extend_from_slice(&["        ]", "      }"]);
    web(&rest)
}

/// A service with an `autoScaling` of 1 to 10 tasks (lines 9-11) whose `scheduledActions`
/// list (opened on line 12) holds `items` from line 13.
fn scheduled(items: &[&str]) -> String {
    let mut rest = vec![
        "      \"autoScaling\": {",
        "        \"MinCapacity\": 1,",
        "        \"MaxCapacity\": 10,",
        "        \"scheduledActions\": [",
    ];
    rest.extend_from_slice(items);
    rest.extend_from_slice(&["        ]", "      }"]);
    web(&rest)
}

/// A service behind a load balancer (line 9) whose `load` (opened on line 10) has `traffic` on
/// line 11 — 8 spaces, "traffic" (9 chars, 9-17), `:` 18, space 19, so the shape starts at
/// column 20 — and `perTask` on line 12 — 8 spaces, "perTask" (9 chars, 9-17), `:` 18, space
/// 19, the object at column 20.
fn traffic_with(shape: &str, per_task: &str) -> String {
    let traffic = format!("        \"traffic\": {shape},");
    let per_task = format!("        \"perTask\": {per_task}");
    web(&[LB, "      \"load\": {", &traffic, &per_task, "      }"])
}

/// [`traffic_with`] with `perTask` `{"maxRps": 50}`.
fn traffic(shape: &str) -> String {
    traffic_with(shape, "{\"maxRps\": 50}")
}

/// Line 4 of the step scaling scenarios: the custom metric their alarms watch.
const SHOP_LATENCY: &str = "  \"customMetrics\": [{\"Namespace\": \"Shop\", \"MetricName\": \"Latency\", \"Value\": {\"pattern\": \"constant\", \"rps\": 50}}],";

/// A step scaling policy `out` on the custom metric Shop Latency (line 4), in a service whose
/// `autoScaling` (1 to 10 tasks) opens on line 10:
///
/// ```text
/// 13        "policies": [{
/// 14          "PolicyName": "out",
/// 15          "PolicyType": "StepScaling",
/// 16          "StepScalingPolicyConfiguration": {
/// 17            "AdjustmentType": "<adjustment>",<config_extra>
/// 18            "StepAdjustments": [
/// 19..          the steps, then `]` and `}` (followed by `,` and the alarm line when given)
/// ```
fn step_policy(
    adjustment: &str,
    config_extra: &str,
    steps: &[&str],
    alarm: Option<&str>,
) -> String {
    let adjustment = format!("            \"AdjustmentType\": \"{adjustment}\",{config_extra}");
    let mut rest = vec![
        "      \"autoScaling\": {",
        "        \"MinCapacity\": 1,",
        "        \"MaxCapacity\": 10,",
        "        \"policies\": [{",
        "          \"PolicyName\": \"out\",",
        "          \"PolicyType\": \"StepScaling\",",
        "          \"StepScalingPolicyConfiguration\": {",
        &adjustment,
        "            \"StepAdjustments\": [",
    ];
    rest.extend_from_slice(steps);
    rest.push("            ]");
    match alarm {
        Some(a) => {
            rest.push("          },");
            rest.push(a);
        }
        None => rest.push("          }"),
    }
    rest.extend_from_slice(&["        }]", "      }"]);
    scenario(&[SHOP_LATENCY], &rest)
}

/// One step covering everything above the threshold (line 19 of [`step_policy`]).
const ONE_STEP: &str = "              {\"MetricIntervalLowerBound\": 0, \"ScalingAdjustment\": 1}";

/// An alarm line on Shop Latency (threshold 50) with the given `ComparisonOperator`; `middle`
/// is the text between `"Statistic": "Average", ` and `"Threshold"` (Period, EvaluationPeriods,
/// DatapointsToAlarm).
fn alarm(middle: &str, comparison: &str) -> String {
    format!(
        "          \"Alarm\": {{\"Namespace\": \"Shop\", \"MetricName\": \"Latency\", \"Statistic\": \"Average\", {middle}\"Threshold\": 50, \"ComparisonOperator\": \"{comparison}\"}}"
    )
}

// ---------------------------------------------------------------------------------------------
// Unknown fields with did-you-mean.

#[test]
fn unknown_field_in_a_target_tracking_configuration() {
    let run = validate(
        "tt_unknown_field",
        &policies(&[
            "          {",
            "            \"PolicyName\": \"cpu50\",",
            "            \"PolicyType\": \"TargetTrackingScaling\",",
            "            \"TargetTrackingScalingPolicyConfiguration\": {",
            "              \"TargetValu\": 50,",
            "              \"PredefinedMetricSpecification\": {\"PredefinedMetricType\": \"ECSServiceAverageCPUUtilization\"}",
            "            }",
            "          }",
        ]),
    );
    run.refused(&[
        // Line 19: 14 spaces, then the key "TargetValu" at column 15.
        "error: s.json:19:15: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.TargetValu: unknown field `TargetValu`: did \
         you mean `TargetValue`? valid fields here: TargetValue, PredefinedMetricSpecification, \
         CustomizedMetricSpecification, ScaleOutCooldown, ScaleInCooldown, DisableScaleIn",
        // The misspelt key leaves the required TargetValue missing, but the did-you-mean
        // already says so: no second message.
    ]);
}

#[test]
fn unknown_field_in_a_load_shape() {
    let run = validate(
        "shape_unknown_field",
        &traffic(r#"{"pattern": "diurnal", "minRPS": 100, "maxRps": 900, "peakAt": "14:00"}"#),
    );
    run.refused(&[
        // Line 11: the shape's `{` at 20, "pattern" (9 chars, 21-29), `:` 30, space 31,
        // "diurnal" (9 chars, 32-40), `,` 41, space 42, the key "minRPS" at column 43.
        "error: s.json:11:43: services[0].load.traffic.minRPS: unknown field `minRPS`: did you \
         mean `minRps`? valid fields here: minRps, maxRps, peakAt, noise, weekly",
        // Without it the diurnal shape lacks minRps, which the did-you-mean names: no second
        // message.
    ]);
}

#[test]
fn unknown_field_in_per_task() {
    let run = validate(
        "per_task_unknown_field",
        &traffic_with(
            r#"{"pattern": "constant", "rps": 100}"#,
            r#"{"maxRps": 50, "cpuAtMaxRPS": 80}"#,
        ),
    );
    run.refused(&[
        // Line 12: `{` at 20, "maxRps" (8 chars, 21-28), `:` 29, space 30, 50 (31-32), `,` 33,
        // space 34, the key "cpuAtMaxRPS" at column 35.
        "error: s.json:12:35: services[0].load.perTask.cpuAtMaxRPS: unknown field \
         `cpuAtMaxRPS`: did you mean `cpuAtMaxRps`? valid fields here: maxRps, cpuAtMaxRps, \
         idleCpu, memoryBase, memoryPerRps",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Capacities.

#[test]
fn scheduled_action_with_min_above_max() {
    let run = validate(
        "scheduled_min_above_max",
        &scheduled(&[
            "          {",
            "            \"ScheduledActionName\": \"morning\",",
            "            \"Schedule\": \"cron(0 8 ? * MON-FRI *)\",",
            "            \"ScalableTargetAction\": {\"MinCapacity\": 6, \"MaxCapacity\": 3}",
            "          }",
        ]),
    );
    run.refused(&[
        // Line 16: 12 spaces, "ScalableTargetAction" (22 chars, 13-34), `:` 35, space 36,
        // `{` 37, "MinCapacity" (13 chars, 38-50), `:` 51, space 52, the value 6 at column 53.
        "error: s.json:16:53: services[0].autoScaling.scheduledActions[0].ScalableTargetAction.\
         MinCapacity: MinCapacity 6 is above MaxCapacity 3: \
         MinCapacity must be at most MaxCapacity",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Policy types and target tracking.

#[test]
fn unknown_policy_type_with_did_you_mean() {
    let run = validate(
        "policy_type",
        &policies(&[
            "          {\"PolicyName\": \"a\", \"PolicyType\": \"StepScalling\"},",
            "          {\"PolicyName\": \"b\", \"PolicyType\": \"PredictiveScaling\"}",
        ]),
    );
    run.refused(&[
        // Lines 15 and 16: 10 spaces, `{` 11, "PolicyName" (12 chars, 12-23), `:` 24, space
        // 25, "a" (26-28), `,` 29, space 30, "PolicyType" (12 chars, 31-42), `:` 43, space 44,
        // the value at column 45.
        "error: s.json:15:45: services[0].autoScaling.policies[0].PolicyType: unknown PolicyType \
         `StepScalling`: did you mean `StepScaling`? expected TargetTrackingScaling or \
         StepScaling (PredictiveScaling is not modelled)",
        "error: s.json:16:45: services[0].autoScaling.policies[1].PolicyType: PolicyType \
         PredictiveScaling is not modelled: use TargetTrackingScaling, StepScaling or \
         scheduledActions",
    ]);
}

/// A target tracking policy on `metric_line` (line 17: 13 spaces, then the metric
/// specification), `name` and `target` on lines 15-16.
fn tracking(name: &str, target: u32, metric_line: &str) -> [String; 3] {
    [
        format!(
            "          {{\"PolicyName\": \"{name}\", \"PolicyType\": \"TargetTrackingScaling\","
        ),
        format!(
            "           \"TargetTrackingScalingPolicyConfiguration\": {{\"TargetValue\": {target},"
        ),
        format!("             {metric_line}"),
    ]
}

#[test]
fn target_tracking_without_its_configuration() {
    let run = validate(
        "tt_no_configuration",
        &policies(&[
            "          {\"PolicyName\": \"cpu50\", \"PolicyType\": \"TargetTrackingScaling\"}",
        ]),
    );
    run.refused(&[
        // Line 15: 10 spaces, the policy's `{` at column 11.
        "error: s.json:15:11: services[0].autoScaling.policies[0]: a TargetTrackingScaling \
         policy needs TargetTrackingScalingPolicyConfiguration",
    ]);
}

#[test]
fn predefined_and_customized_metric_together() {
    let p = tracking(
        "cpu50",
        50,
        r#""PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},"#,
    );
    let run = validate(
        "tt_both_metrics",
        &policies(&[
            &p[0],
            &p[1],
            &p[2],
            r#"             "CustomizedMetricSpecification": {"Namespace": "AWS/ECS", "MetricName": "CPUUtilization", "Dimensions": [{"Name": "ServiceName", "Value": "web"}], "Statistic": "Average"}}}"#,
        ]),
    );
    run.refused(&[
        // Line 16: 11 spaces, "TargetTrackingScalingPolicyConfiguration" (42 chars, 12-53),
        // `:` 54, space 55, the configuration's `{` at column 56.
        "error: s.json:16:56: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration: give exactly one of \
         PredefinedMetricSpecification or CustomizedMetricSpecification",
    ]);
}

#[test]
fn two_target_tracking_policies_on_the_same_metric() {
    let cpu = r#""PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}"#;
    let a = tracking("cpu50", 50, &format!("{cpu},"));
    let b = tracking("cpu70", 70, cpu);
    let run = validate(
        "tt_same_metric",
        &policies(&[&a[0], &a[1], &a[2], &b[0], &b[1], &b[2]]),
    );
    run.refused(&[
        // The second policy's configuration opens on line 19 at column 56 (as line 16 in
        // predefined_and_customized_metric_together).
        "error: s.json:19:56: services[0].autoScaling.policies[1].\
         TargetTrackingScalingPolicyConfiguration: policy `cpu50` already tracks \
         ECSServiceAverageCPUUtilization: each target tracking policy must use a different metric",
    ]);
}

#[test]
fn cpu_policy_on_a_service_without_load() {
    let p = tracking(
        "cpu50",
        50,
        r#""PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}"#,
    );
    let run = validate(
        "cpu_without_load",
        &web(&[
            "      \"autoScaling\": {",
            "        \"MinCapacity\": 1,",
            "        \"MaxCapacity\": 10,",
            "        \"policies\": [",
            &p[0],
            &p[1],
            &p[2],
            "        ]",
            "      }",
        ]),
    );
    run.refused(&[
        // Line 15 (no load lines before autoScaling): 13 spaces,
        // "PredefinedMetricSpecification" (31 chars, 14-44), `:` 45, space 46, `{` 47,
        // "PredefinedMetricType" (22 chars, 48-69), `:` 70, space 71, the value at column 72.
        "error: s.json:15:72: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.\
         PredefinedMetricType: service `web` has no load, so its \
         ECSServiceAverageCPUUtilization is unknown: give it `load` (traffic with perTask, or a \
         queue)",
    ]);
}

#[test]
fn alb_request_count_without_a_load_balancer() {
    let p = tracking(
        "requests",
        100,
        r#""PredefinedMetricSpecification": {"PredefinedMetricType": "ALBRequestCountPerTarget"}}}"#,
    );
    let run = validate(
        "alb_without_lb",
        &web(&[
            "      \"autoScaling\": {",
            "        \"MinCapacity\": 1,",
            "        \"MaxCapacity\": 10,",
            "        \"policies\": [",
            &p[0],
            &p[1],
            &p[2],
            "        ]",
            "      }",
        ]),
    );
    run.refused(&[
        // Line 15: the PredefinedMetricType value at column 72.
        "error: s.json:15:72: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.\
         PredefinedMetricType: ALBRequestCountPerTarget needs the service `web` to have a \
         loadBalancer and load.traffic",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Customized metrics and metric math.

#[test]
fn unknown_customized_metric_lists_what_exists() {
    // The scenario has Shop Latency with Stage=prod; the policy asks for Stage=test.
    let text = scenario(
        &[
            "  \"customMetrics\": [{\"Namespace\": \"Shop\", \"MetricName\": \"Latency\", \"Dimensions\": [{\"Name\": \"Stage\", \"Value\": \"prod\"}], \"Value\": {\"pattern\": \"constant\", \"rps\": 50}}],",
        ],
        &[
            "      \"autoScaling\": {",
            "        \"MinCapacity\": 1,",
            "        \"MaxCapacity\": 10,",
            "        \"policies\": [{",
            "          \"PolicyName\": \"latency\",",
            "          \"PolicyType\": \"TargetTrackingScaling\",",
            "          \"TargetTrackingScalingPolicyConfiguration\": {",
            "            \"TargetValue\": 100,",
            "            \"CustomizedMetricSpecification\": {",
            "              \"Namespace\": \"Shop\",",
            "              \"MetricName\": \"Latency\",",
            "              \"Dimensions\": [{\"Name\": \"Stage\", \"Value\": \"test\"}],",
            "              \"Statistic\": \"Average\"",
            "            }",
            "          }",
            "        }]",
            "      }",
        ],
    );
    let run = validate("unknown_metric", &text);
    run.refused(&[
        // Line 20: 14 spaces, "MetricName" (12 chars, 15-26), `:` 27, space 28, the value at
        // column 29.
        "error: s.json:20:29: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.MetricName: no \
         metric Shop Latency with these dimensions exists in this scenario; available: AWS/ECS \
         CPUUtilization, MemoryUtilization, RunningTaskCount (ServiceName); AWS/ApplicationELB \
         RequestCount, RequestCountPerTarget (TargetGroup); AWS/SQS \
         ApproximateNumberOfMessagesVisible, ApproximateAgeOfOldestMessage (QueueName); Shop \
         Latency (Stage=prod) from customMetrics",
    ]);
}

/// Line 18 of the metric math policies: m1, the service's running task count, returning no
/// data.
const RUNNING_M1: &str = r#"               {"Id": "m1", "ReturnData": false, "MetricStat": {"Stat": "Sum", "Metric": {"Namespace": "AWS/ECS", "MetricName": "RunningTaskCount", "Dimensions": [{"Name": "ServiceName", "Value": "web"}]}}},"#;

/// A target tracking policy on metric math (lines 15-17), the queries from line 18.
fn math(queries: &[&str]) -> String {
    let mut items = vec![
        "          {\"PolicyName\": \"per-task\", \"PolicyType\": \"TargetTrackingScaling\",",
        "           \"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 100,",
        "             \"CustomizedMetricSpecification\": {\"Metrics\": [",
    ];
    items.extend_from_slice(queries);
    items.push("             ]}}}");
    policies(&items)
}

#[test]
fn metric_math_needs_exactly_one_query_returning_data() {
    // Two policies on two different expressions: the first returns nothing, the second two.
    let run = validate(
        "math_return_data",
        &policies(&[
            "          {\"PolicyName\": \"none\", \"PolicyType\": \"TargetTrackingScaling\",",
            "           \"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 100,",
            "             \"CustomizedMetricSpecification\": {\"Metrics\": [",
            RUNNING_M1,
            r#"               {"Id": "e1", "Expression": "m1 * 2", "ReturnData": false}"#,
            "             ]}}},",
            "          {\"PolicyName\": \"two\", \"PolicyType\": \"TargetTrackingScaling\",",
            "           \"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 100,",
            "             \"CustomizedMetricSpecification\": {\"Metrics\": [",
            &RUNNING_M1.replace("\"ReturnData\": false, ", ""),
            r#"               {"Id": "e1", "Expression": "m1 * 3"}"#,
            "             ]}}}",
        ]),
    );
    run.refused(&[
        // Lines 17 and 23: 13 spaces, "CustomizedMetricSpecification" (31 chars, 14-44), `:`
        // 45, space 46, `{` 47, "Metrics" (9 chars, 48-56), `:` 57, space 58, the list's `[`
        // at column 59.
        "error: s.json:17:59: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics: 0 \
         queries return data: exactly one must (set ReturnData false on the others)",
        "error: s.json:23:59: services[0].autoScaling.policies[1].\
         TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics: 2 \
         queries return data: exactly one must (set ReturnData false on the others)",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Step scaling. With one step (line 19) the alarm of [`step_policy`] sits on line 22: 10 spaces,
// "Alarm" (7 chars, 11-17), `:` 18, space 19, `{` 20, "Namespace" (11 chars, 21-31), `:` 32,
// space 33, "Shop" (34-39), `,` 40, space 41, "MetricName" (12 chars, 42-53), `:` 54, space
// 55, "Latency" (9 chars, 56-64), `,` 65, space 66, "Statistic" (11 chars, 67-77), `:` 78, space
// 79, "Average" (9 chars, 80-88), `,` 89, space 90: what `alarm`'s middle holds starts at 91.

#[test]
fn step_adjustments_with_a_gap() {
    let a = alarm(
        "\"Period\": 60, \"EvaluationPeriods\": 3, ",
        "GreaterThanThreshold",
    );
    let run = validate(
        "step_gap",
        &step_policy(
            "ChangeInCapacity",
            "",
            &[
                "              {\"MetricIntervalLowerBound\": 0, \"MetricIntervalUpperBound\": 10, \"ScalingAdjustment\": 1},",
                "              {\"MetricIntervalLowerBound\": 15, \"ScalingAdjustment\": 3}",
            ],
            Some(&a),
        ),
    );
    run.refused(&[
        // Line 20: 14 spaces, the second step's `{` at column 15.
        "error: s.json:20:15: services[0].autoScaling.policies[0].StepScalingPolicyConfiguration.\
         StepAdjustments[1]: gap between 10 (step 0) and 15: this step's lower bound should be 10",
    ]);
}

#[test]
fn step_adjustments_that_overlap() {
    let a = alarm(
        "\"Period\": 60, \"EvaluationPeriods\": 3, ",
        "GreaterThanThreshold",
    );
    let run = validate(
        "step_overlap",
        &step_policy(
            "ChangeInCapacity",
            "",
            &[
                "              {\"MetricIntervalLowerBound\": 0, \"MetricIntervalUpperBound\": 10, \"ScalingAdjustment\": 1},",
                "              {\"MetricIntervalLowerBound\": 5, \"ScalingAdjustment\": 3}",
            ],
            Some(&a),
        ),
    );
    run.refused(&[
        // Line 20: the second step's `{` at column 15.
        "error: s.json:20:15: services[0].autoScaling.policies[0].StepScalingPolicyConfiguration.\
         StepAdjustments[1]: overlaps step 0 [0, 10): this step's lower bound should be 10",
    ]);
}

#[test]
fn step_scaling_without_its_alarm() {
    let run = validate(
        "step_no_alarm",
        &step_policy("ChangeInCapacity", "", &[ONE_STEP], None),
    );
    run.refused(&[
        // Line 13: 8 spaces, "policies" (10 chars, 9-18), `:` 19, space 20, `[` 21, the
        // policy's `{` at column 22.
        "error: s.json:13:22: services[0].autoScaling.policies[0]: a StepScaling policy needs \
         its Alarm (PutMetricAlarm fields: MetricName, Namespace, Dimensions, Statistic, Period, \
         EvaluationPeriods, Threshold, ComparisonOperator)",
    ]);
}

#[test]
fn step_alarm_with_an_unknown_comparison_operator() {
    let a = alarm("\"Period\": 60, \"EvaluationPeriods\": 3, ", "GreaterThan");
    let run = validate(
        "step_comparison",
        &step_policy("ChangeInCapacity", "", &[ONE_STEP], Some(&a)),
    );
    run.refused(&[
        // Line 22: from 91, "Period" (8 chars, 91-98), `:` 99, space 100, 60 (101-102), `,`
        // 103, space 104, "EvaluationPeriods" (19 chars, 105-123), `:` 124, space 125, 3 (126),
        // `,` 127, space 128, "Threshold" (11 chars, 129-139), `:` 140, space 141, 50
        // (142-143), `,` 144, space 145, "ComparisonOperator" (20 chars, 146-165), `:` 166,
        // space 167, the value at column 168.
        "error: s.json:22:168: services[0].autoScaling.policies[0].Alarm.ComparisonOperator: \
         unknown ComparisonOperator `GreaterThan`: expected GreaterThanThreshold, \
         GreaterThanOrEqualToThreshold, LessThanThreshold or LessThanOrEqualToThreshold",
    ]);
}

#[test]
fn step_alarm_with_more_datapoints_than_evaluation_periods() {
    let a = alarm(
        "\"Period\": 60, \"EvaluationPeriods\": 3, \"DatapointsToAlarm\": 5, ",
        "GreaterThanThreshold",
    );
    let run = validate(
        "step_datapoints",
        &step_policy("ChangeInCapacity", "", &[ONE_STEP], Some(&a)),
    );
    run.refused(&[
        // Line 22: as in step_alarm_with_an_unknown_comparison_operator up to `3,` (126-127),
        // space 128, "DatapointsToAlarm" (19 chars, 129-147), `:` 148, space 149, the value at
        // column 150.
        "error: s.json:22:150: services[0].autoScaling.policies[0].Alarm.DatapointsToAlarm: \
         DatapointsToAlarm 5 is out of range: expected 1 to EvaluationPeriods (3)",
    ]);
}

#[test]
fn step_alarm_with_a_period_that_is_not_modelled() {
    let a = alarm(
        "\"Period\": 30, \"EvaluationPeriods\": 3, ",
        "GreaterThanThreshold",
    );
    let run = validate(
        "step_period",
        &step_policy("ChangeInCapacity", "", &[ONE_STEP], Some(&a)),
    );
    run.refused(&[
        // Line 22: "Period" (91-98), `:` 99, space 100, the value at column 101.
        "error: s.json:22:101: services[0].autoScaling.policies[0].Alarm.Period: Period 30 is \
         not modelled: expected 20 (high-resolution ECS CPU or memory) or a multiple of 60 up to \
         86400",
    ]);
}

#[test]
fn min_adjustment_magnitude_with_change_in_capacity() {
    let a = alarm(
        "\"Period\": 60, \"EvaluationPeriods\": 3, ",
        "GreaterThanThreshold",
    );
    let run = validate(
        "step_min_magnitude",
        &step_policy(
            "ChangeInCapacity",
            " \"MinAdjustmentMagnitude\": 2,",
            &[ONE_STEP],
            Some(&a),
        ),
    );
    run.refused(&[
        // Line 17: 12 spaces, "AdjustmentType" (16 chars, 13-28), `:` 29, space 30,
        // "ChangeInCapacity" (18 chars, 31-48), `,` 49, space 50, "MinAdjustmentMagnitude" (24
        // chars, 51-74), `:` 75, space 76, the value at column 77.
        "error: s.json:17:77: services[0].autoScaling.policies[0].StepScalingPolicyConfiguration.\
         MinAdjustmentMagnitude: MinAdjustmentMagnitude applies only to PercentChangeInCapacity",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Schedules. Each action is one line: 10 spaces, `{` 11, "ScheduledActionName" (21 chars,
// 12-32), `:` 33, space 34, then the action's name from column 35.

/// A scheduled action line setting MinCapacity 2; `extra` holds the Schedule (and Timezone).
fn action(name: &str, extra: &str, comma: bool) -> String {
    format!(
        "          {{\"ScheduledActionName\": \"{name}\", {extra}, \"ScalableTargetAction\": {{\"MinCapacity\": 2}}}}{}",
        if comma { "," } else { "" }
    )
}

#[test]
fn cron_with_five_fields() {
    let a = action("five", r#""Schedule": "cron(0 8 * * ?)""#, false);
    let run = validate("cron_five_fields", &scheduled(&[&a]));
    run.refused(&[
        // Line 13: "five" (6 chars, 35-40), `,` 41, space 42, "Schedule" (43-52), `:` 53, space
        // 54, the quote at 55; inside, `cron(0 8 * * ?` is 56-69 and the `)` where a sixth
        // field was due is at column 70.
        "error: s.json:13:70: services[0].autoScaling.scheduledActions[0].Schedule: cron() needs \
         6 fields (Minutes Hours Day-of-month Month Day-of-week Year), found 5",
    ]);
}

#[test]
fn cron_with_an_unknown_time_zone() {
    let a = action(
        "zone",
        r#""Schedule": "cron(0 8 ? * MON-FRI *)", "Timezone": "Europe/Pariss""#,
        false,
    );
    let run = validate("cron_time_zone", &scheduled(&[&a]));
    run.refused(&[
        // Line 13: "zone" (6 chars, 35-40), `,` 41, space 42, "Schedule" (43-52), `:` 53, space
        // 54, "cron(0 8 ? * MON-FRI *)" (25 chars, 55-79), `,` 80, space 81, "Timezone" (10
        // chars, 82-91), `:` 92, space 93, the value at column 94.
        "error: s.json:13:94: services[0].autoScaling.scheduledActions[0].Timezone: unknown time \
         zone `Europe/Pariss`: expected an IANA time zone name such as `UTC`, `Europe/Paris` or \
         `America/New_York` (names are case-sensitive)",
    ]);
}

#[test]
fn bad_rate_expressions() {
    let zero = action("zero", r#""Schedule": "rate(0 minutes)""#, true);
    let weeks = action("weeks", r#""Schedule": "rate(5 weeks)""#, false);
    let run = validate("rate", &scheduled(&[&zero, &weeks]));
    run.refused(&[
        // Line 13: "zero" (6 chars, 35-40), `,` 41, space 42, "Schedule" (43-52), `:` 53,
        // space 54, the quote at 55; inside, `rate(` is 56-60 and the value 0 at column 61.
        "error: s.json:13:61: services[0].autoScaling.scheduledActions[0].Schedule: the rate \
         value must be positive, found 0",
        // Line 14: "weeks" (7 chars, 35-41), `,` 42, space 43, "Schedule" (44-53), `:` 54,
        // space 55, the quote at 56; inside, `rate(5 ` is 57-63 and `weeks` at column 64.
        "error: s.json:14:64: services[0].autoScaling.scheduledActions[1].Schedule: unknown rate \
         unit `weeks`: expected `minute`, `minutes`, `hour`, `hours`, `day` or `days`",
    ]);
}

#[test]
fn at_with_an_hour_of_25() {
    let a = action("at", r#""Schedule": "at(2026-01-05T25:00:00)""#, false);
    let run = validate("at_hour", &scheduled(&[&a]));
    run.refused(&[
        // Line 13: "at" (4 chars, 35-38), `,` 39, space 40, "Schedule" (41-50), `:` 51, space
        // 52, the quote at 53; inside, `at(2026-01-05T` is 54-67 and the hour 25 at column 68.
        "error: s.json:13:68: services[0].autoScaling.scheduledActions[0].Schedule: hour 25 is \
         outside 00-23",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Load shapes, on line 11 with the shape's `{` at column 20 ([`traffic`]): "pattern" (9 chars,
// 21-29), `:` 30, space 31, the pattern's name from 32.

#[test]
fn negative_rps() {
    let run = validate(
        "shape_negative",
        &traffic(r#"{"pattern": "constant", "rps": -5}"#),
    );
    run.refused(&[
        // "constant" (10 chars, 32-41), `,` 42, space 43, "rps" (5 chars, 44-48), `:` 49,
        // space 50, the value at column 51.
        "error: s.json:11:51: services[0].load.traffic.rps: rps -5 is negative: expected a rate \
         of at least 0",
    ]);
}

#[test]
fn noise_outside_zero_to_one() {
    let run = validate(
        "shape_noise",
        &traffic(r#"{"pattern": "constant", "rps": 100, "noise": 1.5}"#),
    );
    run.refused(&[
        // "rps": 100 (44-53), `,` 54, space 55, "noise" (7 chars, 56-62), `:` 63, space 64,
        // the value at column 65.
        "error: s.json:11:65: services[0].load.traffic.noise: noise 1.5 is out of range: \
         expected 0 to 1 (e.g. 0.1 for ±10 %)",
    ]);
}

#[test]
fn weekly_with_six_factors() {
    let run = validate(
        "shape_weekly",
        &traffic(r#"{"pattern": "constant", "rps": 100, "weekly": [1, 1, 1, 1, 1, 0.5]}"#),
    );
    run.refused(&[
        // "rps": 100 (44-53), `,` 54, space 55, "weekly" (8 chars, 56-63), `:` 64, space 65,
        // the list's `[` at column 66.
        "error: s.json:11:66: services[0].load.traffic.weekly: 6 weekly factors: expected \
         exactly 7, Monday first",
    ]);
}

#[test]
fn steps_out_of_order() {
    let run = validate(
        "shape_steps",
        &traffic(
            r#"{"pattern": "step", "steps": [{"at": "1h", "rps": 10}, {"at": "30m", "rps": 20}]}"#,
        ),
    );
    run.refused(&[
        // "step" (6 chars, 32-37), `,` 38, space 39, "steps" (7 chars, 40-46), `:` 47, space
        // 48, `[` 49, the first step `{"at": "1h", "rps": 10}` (23 chars, 50-72), `,` 73, space
        // 74, `{` 75, "at" (4 chars, 76-79), `:` 80, space 81, the value "30m" at column 82.
        "error: s.json:11:82: services[0].load.traffic.steps[1].at: step 1 at 30m is not after \
         step 0 at 1h: expected steps in time order, each later than the one before",
    ]);
}

#[test]
fn peak_at_25_00() {
    let run = validate(
        "shape_peak_at",
        &traffic(r#"{"pattern": "diurnal", "minRps": 100, "maxRps": 900, "peakAt": "25:00"}"#),
    );
    run.refused(&[
        // "diurnal" (9 chars, 32-40), `,` 41, space 42, "minRps": 100 (43-55), `,` 56, space
        // 57, "maxRps": 900 (58-70), `,` 71, space 72, "peakAt" (8 chars, 73-80), `:` 81, space
        // 82, the value at column 83.
        "error: s.json:11:83: services[0].load.traffic.peakAt: `25:00` is not a time of day: \
         expected \"HH:MM\" from 00:00 to 23:59, such as \"14:00\"",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Trace files, relative to the scenario file. The problem is reported at the traffic shape
// (line 11, column 20), and the message names the trace file with its own line:column.

/// Validates a scenario whose traffic is the trace `file`, with `csvs` written beside it.
fn trace_run(test: &str, file: &str, csvs: &[(&str, &str)]) -> Run {
    let dir = temp_dir(test);
    for (name, text) in csvs {
        dir.write(name, text);
    }
    dir.write(
        "s.json",
        traffic(&format!(r#"{{"pattern": "trace", "file": "{file}"}}"#)),
    );
    validate_in(&dir)
}

#[test]
fn trace_timestamps_out_of_order() {
    let run = trace_run(
        "trace_unsorted",
        "traces/unsorted.csv",
        &[(
            "traces/unsorted.csv",
            "offset_seconds,rps\n0,10\n120,20\n60,30\n",
        )],
    );
    run.refused(&[
        // The CSV's line 4 is `60,30`: its time at column 1.
        "error: s.json:11:20: services[0].load.traffic: traces/unsorted.csv:4:1: offset `60` on \
         line 4 is before `120` on line 3: expected times strictly increasing",
    ]);
}

#[test]
fn trace_with_a_bad_number() {
    let run = trace_run(
        "trace_bad_number",
        "traces/bad.csv",
        &[("traces/bad.csv", "offset_seconds,rps\n0,10\n60, 1O\n")],
    );
    run.refused(&[
        // The CSV's line 3 is `60, 1O` (a letter O): `60` 1-2, `,` 3, a space 4 (trimmed), the
        // rate at column 5.
        "error: s.json:11:20: services[0].load.traffic: traces/bad.csv:3:5: rate `1O` is not a \
         number: expected a number of at least 0, such as `86` or `12.5`",
    ]);
}

#[test]
fn several_trace_problems_are_separate_errors() {
    let dir = temp_dir("trace_several");
    dir.write("traces/two.csv", "offset_seconds,rps\n0,10\n60,x\n30,5\n");
    dir.write("traces/neg.csv", "offset_seconds,rps\n0,-1\n");
    dir.write(
        "s.json",
        traffic(
            r#"{"pattern": "sum", "of": [{"pattern": "trace", "file": "traces/two.csv"}, {"pattern": "trace", "file": "traces/neg.csv"}]}"#,
        ),
    );
    let run = validate_in(&dir);
    run.refused(&[
        // Line 11: `{` 20, "pattern" (21-29), `:` 30, space 31, "sum" (32-36), `,` 37, space
        // 38, "of" (39-42), `:` 43, space 44, `[` 45, the first trace's `{` at column 46; it is
        // `{"pattern": "trace", "file": "traces/two.csv"}` (46 chars, 46-91), `,` 92, space 93,
        // the second trace's `{` at column 94.
        // In two.csv, line 3 `60,x` has its rate at column 4 and line 4 `30,5` goes back in
        // time; in neg.csv, line 2 `0,-1` has its rate at column 3.
        "error: s.json:11:46: services[0].load.traffic.of[0]: traces/two.csv:3:4: rate `x` is \
         not a number: expected a number of at least 0, such as `86` or `12.5`",
        "error: s.json:11:46: services[0].load.traffic.of[0]: traces/two.csv:4:1: offset `30` on \
         line 4 is before `60` on line 3: expected times strictly increasing",
        "error: s.json:11:94: services[0].load.traffic.of[1]: traces/neg.csv:2:3: rate -1 is \
         negative: expected a number of at least 0",
    ]);
}

// ---------------------------------------------------------------------------------------------
// How load, load balancer and per-task fit together.

#[test]
fn traffic_without_a_load_balancer_gets_the_default_one() {
    // product.md: the load balancer is "present when the service has traffic", and its sketch
    // gives traffic without `loadBalancer`. The default target group: healthy after
    // intervalSeconds 30 × healthyThreshold 5 = 150 s, deregistration delay 300 s, named after
    // the service.
    let text = web(&[
        "      \"load\": {\"traffic\": {\"pattern\": \"constant\", \"rps\": 100}, \"perTask\": {\"maxRps\": 50}}",
    ]);
    let sc = ecsim::scenario::load_str(&text, "s.json", None, &[]).expect("valid");
    let lb = sc.services[0]
        .load_balancer
        .as_ref()
        .expect("a load balancer");
    assert_eq!(lb.healthy_after, 150_000);
    assert_eq!(lb.deregistration_delay, 300_000);
    assert_eq!(lb.target_group, sc.services[0].name);
    // A service without traffic gets none.
    let sc = ecsim::scenario::load_str(&web(&[]), "s.json", None, &[]).expect("valid");
    assert!(sc.services[0].load_balancer.is_none());
}

#[test]
fn traffic_without_per_task() {
    let run = validate(
        "traffic_without_per_task",
        &web(&[
            LB,
            "      \"load\": {\"traffic\": {\"pattern\": \"constant\", \"rps\": 100}}",
        ]),
    );
    run.refused(&[
        // Line 10: 6 spaces, "load" (7-12), `:` 13, space 14, the load's `{` at column 15.
        "error: s.json:10:15: services[0].load: traffic needs `perTask` ({\"maxRps\": ...}): how \
         many requests per second one task serves",
    ]);
}

#[test]
fn traffic_and_queue_together() {
    let run = validate(
        "traffic_and_queue",
        &web(&[
            LB,
            "      \"load\": {",
            "        \"traffic\": {\"pattern\": \"constant\", \"rps\": 100},",
            "        \"perTask\": {\"maxRps\": 50},",
            "        \"queue\": {\"arrivals\": {\"pattern\": \"constant\", \"rps\": 10}, \"perTaskMessagesPerSecond\": 5}",
            "      }",
        ]),
    );
    run.refused(&[
        // Line 10: 6 spaces, "load" (7-12), `:` 13, space 14, the load's `{` at column 15.
        "error: s.json:10:15: services[0].load: a service's load is `traffic` (behind a load \
         balancer) or `queue` (a worker), not both",
        // Line 12: 8 spaces, "perTask" (9 chars, 9-17), `:` 18, space 19, `{` at column 20.
        "error: s.json:12:20: services[0].load.perTask: perTask describes traffic; a queue \
         worker's rate is `queue.perTaskMessagesPerSecond`",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Batch jobs, one a line from line 5 ([`batch`]): 4 spaces, `{` 5, "name" (6 chars, 6-11), `:`
// 12, space 13, the job's name from column 14, then JOB_TASK (93 characters), then `, ` and
// the job's further fields. For a job named "nightly" (9 chars, 14-22), JOB_TASK is 23-115,
// `,` 116, space 117, "arrivals" (10 chars, 118-127), `:` 128, space 129, and the arrivals'
// `{` is at column 130, followed by "process" (9 chars, 131-139), `:` 140, space 141 and the
// process at 142.

const JOB_TASK: &str = r#", "taskDefinition": {"family": "job", "cpu": "256", "memory": "512"}, "launchType": "FARGATE""#;

/// A scenario with the batch jobs `jobs` — (name, the line's text after the name and
/// JOB_TASK and `, `, without the closing `}`) — from line 5, then the service `web`.
fn batch(jobs: &[(&str, &str)]) -> String {
    let mut ls: Vec<String> = vec!["  \"batchJobs\": [".into()];
    for (n, (name, rest)) in jobs.iter().enumerate() {
        let comma = if n + 1 < jobs.len() { "," } else { "" };
        ls.push(format!(
            "    {{\"name\": \"{name}\"{JOB_TASK}, {rest}}}{comma}"
        ));
    }
    ls.push("  ],".into());
    let top: Vec<&str> = ls.iter().map(String::as_str).collect();
    scenario(&top, &["      \"desiredCount\": 1"])
}

const FIVE_MINUTES: &str = r#""runtime": {"distribution": "fixed", "value": "5m"}"#;

#[test]
fn batch_job_with_an_unknown_process() {
    let arrivals = format!(r#""arrivals": {{"process": "fixed", "perHour": 60}}, {FIVE_MINUTES}"#);
    let run = validate("job_process", &batch(&[("nightly", &arrivals)]));
    run.refused(&[
        // Line 5: the process at column 142.
        "error: s.json:5:142: batchJobs[0].arrivals.process: unknown arrival process `fixed`: \
         expected poisson or schedule",
    ]);
}

#[test]
fn batch_job_process_typo_suggests_poisson() {
    let arrivals = format!(r#""arrivals": {{"process": "poison", "perHour": 60}}, {FIVE_MINUTES}"#);
    let run = validate("job_process_typo", &batch(&[("nightly", &arrivals)]));
    run.refused(&[
        // Line 5: the process at column 142.
        "error: s.json:5:142: batchJobs[0].arrivals.process: unknown arrival process `poison`: \
         did you mean `poisson`? expected poisson or schedule",
    ]);
}

#[test]
fn poisson_arrivals_without_a_rate() {
    let arrivals = format!(r#""arrivals": {{"process": "poisson"}}, {FIVE_MINUTES}"#);
    let run = validate("job_no_rate", &batch(&[("nightly", &arrivals)]));
    run.refused(&[
        // Line 5: the arrivals' `{` at column 130.
        "error: s.json:5:130: batchJobs[0].arrivals: a Poisson process needs exactly one of \
         perHour (a constant rate) or rate (a load shape in jobs per second)",
    ]);
}

#[test]
fn job_schedule_out_of_order() {
    let arrivals = format!(
        r#""arrivals": {{"process": "schedule", "schedule": [{{"at": "2h"}}, {{"at": "1h", "count": 3}}]}}, {FIVE_MINUTES}"#
    );
    let run = validate("job_schedule_order", &batch(&[("nightly", &arrivals)]));
    run.refused(&[
        // Line 5: "schedule" (10 chars, 142-151), `,` 152, space 153, "schedule" (154-163), `:`
        // 164, space 165, `[` 166, `{"at": "2h"}` (12 chars, 167-178), `,` 179, space 180, `{`
        // 181, "at" (4 chars, 182-185), `:` 186, space 187, the value "1h" at column 188.
        "error: s.json:5:188: batchJobs[0].arrivals.schedule[1].at: schedule entries must be in \
         time order",
    ]);
}

#[test]
fn job_runtime_with_p95_below_the_median() {
    let rest = r#""arrivals": {"process": "poisson", "perHour": 6}, "runtime": {"distribution": "lognormal", "median": "10m", "p95": "5m"}"#;
    let run = validate("job_runtime", &batch(&[("nightly", rest)]));
    run.refused(&[
        // Line 5: "poisson" (9 chars, 142-150), `,` 151, space 152, "perHour" (9 chars,
        // 153-161), `:` 162, space 163, 6 (164), `}` 165, `,` 166, space 167, "runtime" (9
        // chars, 168-176), `:` 177, space 178, the runtime's `{` at column 179.
        "error: s.json:5:179: batchJobs[0].runtime: lognormal p95 5m is below the median 10m: \
         p95 must be at least the median",
    ]);
}

#[test]
fn job_runtime_given_as_a_bare_duration() {
    let rest = r#""arrivals": {"process": "poisson", "perHour": 6}, "runtime": "5m""#;
    let run = validate("job_runtime_bare", &batch(&[("nightly", rest)]));
    run.refused(&[
        // Line 5: the runtime's value at column 179, as in job_runtime_with_p95_below_the_median.
        "error: s.json:5:179: batchJobs[0].runtime: wrong type: found string \"5m\", expected a delay \
         object such as {\"distribution\": \"fixed\", \"value\": \"5m\"}",
    ]);
}

#[test]
fn job_named_like_a_service() {
    let rest = format!(r#""arrivals": {{"process": "poisson", "perHour": 6}}, {FIVE_MINUTES}"#);
    let run = validate("job_duplicate_name", &batch(&[("web", &rest)]));
    run.refused(&[
        // Line 5: the job's name "web" at column 14 (the service `web` is checked first).
        "error: s.json:5:14: batchJobs[0].name: duplicate name `web`: a service or batch job \
         already has it",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Custom metrics, one a line from line 5: 4 spaces, `{` 5, "Namespace" (11 chars, 6-16), `:`
// 17, space 18, the namespace at column 19.

#[test]
fn custom_metric_in_an_aws_namespace() {
    let text = scenario(
        &[
            "  \"customMetrics\": [",
            "    {\"Namespace\": \"AWS/ECS\", \"MetricName\": \"Backlog\", \"Value\": {\"pattern\": \"constant\", \"rps\": 5}}",
            "  ],",
        ],
        &[],
    );
    let run = validate("custom_aws", &text);
    run.refused(&[
        // Line 5: the namespace at column 19.
        "error: s.json:5:19: customMetrics[0].Namespace: namespace `AWS/ECS` is reserved for \
         AWS's own metrics: use your own, e.g. `MyApp`",
    ]);
}

#[test]
fn custom_metric_defined_twice() {
    let text = scenario(
        &[
            "  \"customMetrics\": [",
            "    {\"Namespace\": \"Shop\", \"MetricName\": \"Backlog\", \"Dimensions\": [{\"Name\": \"Stage\", \"Value\": \"prod\"}], \"Value\": {\"pattern\": \"constant\", \"rps\": 5}},",
            "    {\"Namespace\": \"Shop\", \"MetricName\": \"Backlog\", \"Dimensions\": [{\"Name\": \"Stage\", \"Value\": \"prod\"}], \"Value\": {\"pattern\": \"constant\", \"rps\": 7}}",
            "  ],",
        ],
        &[],
    );
    let run = validate("custom_twice", &text);
    run.refused(&[
        // Line 6: 4 spaces, the second metric's `{` at column 5.
        "error: s.json:6:5: customMetrics[1]: custom metric Shop Backlog with these dimensions is \
         defined twice",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Model defaults.

#[test]
fn load_step_that_does_not_divide_20_seconds() {
    let run = validate(
        "load_step",
        &scenario(&["  \"model\": {\"loadStep\": \"3s\"},"], &[]),
    );
    run.refused(&[
        // Line 4: 2 spaces, "model" (7 chars, 3-9), `:` 10, space 11, `{` 12, "loadStep" (10
        // chars, 13-22), `:` 23, space 24, the value at column 25.
        "error: s.json:4:25: model.loadStep: loadStep 3000 ms does not divide the 20-second \
         metric period: expected 1s, 2s, 4s, 5s, 10s (the default) or 20s",
    ]);
}

#[test]
fn metric_publication_delay_is_cluster_wide() {
    let run = validate(
        "publication_delay",
        &web(&["      \"model\": {\"metricPublicationDelay\": \"90s\"}"]),
    );
    run.refused(&[
        // Line 9: 6 spaces, "model" (7 chars, 7-13), `:` 14, space 15, `{` 16,
        // "metricPublicationDelay" (24 chars, 17-40), `:` 41, space 42, the value at column 43.
        "error: s.json:9:43: services[0].model.metricPublicationDelay: `metricPublicationDelay` \
         is cluster-wide: set it in the top-level model, not per service",
    ]);
}

// ---------------------------------------------------------------------------------------------
// Several problems in one pass.

#[test]
fn problems_in_different_parts_are_reported_together() {
    let job = format!(
        "  \"batchJobs\": [{{\"name\": \"nightly\"{JOB_TASK}, \"arrivals\": {{\"process\": \"poisson\", \"perHour\": -2}}, {FIVE_MINUTES}}}],"
    );
    let text = lines(&[
        "{",
        "  \"name\": \"many\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
        "  \"model\": {\"loadStep\": \"7s\"},",
        "  \"customMetrics\": [{\"Namespace\": \"AWS/Shop\", \"MetricName\": \"Backlog\", \"Value\": {\"pattern\": \"constant\", \"rps\": 5}}],",
        &job,
        "  \"services\": [",
        "    {",
        "      \"serviceName\": \"web\",",
        "      \"launchType\": \"FARGATE\",",
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"},",
        "      \"loadBalancer\": {},",
        "      \"load\": {\"traffic\": {\"pattern\": \"constant\", \"rps\": 100, \"noise\": 2}, \"perTask\": {\"maxRps\": 50}},",
        "      \"autoScaling\": {",
        "        \"MinCapacity\": 1,",
        "        \"MaxCapacity\": 10,",
        "        \"scheduledActions\": [{\"ScheduledActionName\": \"night\", \"Schedule\": \"cron(0 22 ? * * *)\", \"Timezone\": \"Mars/Olympus\", \"ScalableTargetAction\": {\"MaxCapacity\": 2}}]",
        "      }",
        "    }",
        "  ]",
        "}",
    ]);
    let run = validate("several", &text);
    run.refused(&[
        // Line 4: 2 spaces, "model" (3-9), `:` 10, space 11, `{` 12, "loadStep" (13-22), `:`
        // 23, space 24, the value at column 25.
        "error: s.json:4:25: model.loadStep: loadStep 7000 ms does not divide the 20-second \
         metric period: expected 1s, 2s, 4s, 5s, 10s (the default) or 20s",
        // Line 5: 2 spaces, "customMetrics" (15 chars, 3-17), `:` 18, space 19, `[` 20, `{`
        // 21, "Namespace" (11 chars, 22-32), `:` 33, space 34, the value at column 35.
        "error: s.json:5:35: customMetrics[0].Namespace: namespace `AWS/Shop` is reserved for \
         AWS's own metrics: use your own, e.g. `MyApp`",
        // Line 13: 6 spaces, "load" (7-12), `:` 13, space 14, `{` 15, "traffic" (16-24), `:`
        // 25, space 26, `{` 27, "pattern" (28-36), `:` 37, space 38, "constant" (39-48), `,`
        // 49, space 50, "rps" (51-55), `:` 56, space 57, 100 (58-60), `,` 61, space 62, "noise"
        // (63-69), `:` 70, space 71, the value at column 72.
        "error: s.json:13:72: services[0].load.traffic.noise: noise 2 is out of range: expected \
         0 to 1 (e.g. 0.1 for ±10 %)",
        // Line 6 (jobs are checked after services): 2 spaces, "batchJobs" (11 chars, 3-13),
        // `:` 14, space 15, `[` 16, `{` 17, "name" (18-23), `:` 24, space 25, "nightly"
        // (26-34), JOB_TASK (35-127), `,` 128, space 129, "arrivals" (130-139), `:` 140, space
        // 141, `{` 142, "process" (143-151), `:` 152, space 153, "poisson" (154-162), `,` 163,
        // space 164, "perHour" (165-173), `:` 174, space 175, the value at column 176.
        "error: s.json:6:176: batchJobs[0].arrivals.perHour: perHour -2 is out of range: \
         expected above 0",
        // Line 17: 8 spaces, "scheduledActions" (18 chars, 9-26), `:` 27, space 28, `[` 29,
        // `{` 30, "ScheduledActionName" (31-51), `:` 52, space 53, "night" (54-60), `,` 61,
        // space 62, "Schedule" (63-72), `:` 73, space 74, "cron(0 22 ? * * *)" (20 chars,
        // 75-94), `,` 95, space 96, "Timezone" (97-106), `:` 107, space 108, the value at 109.
        "error: s.json:17:109: services[0].autoScaling.scheduledActions[0].Timezone: unknown time \
         zone `Mars/Olympus`: expected an IANA time zone name such as `UTC`, `Europe/Paris` or \
         `America/New_York` (names are case-sensitive)",
    ]);
}

#[test]
fn unknown_fields_in_different_parts_are_reported_together() {
    let job = format!(
        "  \"batchJobs\": [{{\"name\": \"nightly\"{JOB_TASK}, \"arrivals\": {{\"process\": \"poisson\", \"perHour\": 2}}, {FIVE_MINUTES}, \"onInterruptoin\": \"lose\"}}],"
    );
    let text = lines(&[
        "{",
        "  \"name\": \"typos\",",
        "  \"capacityProviders\": [{\"name\": \"FARGATE\"}],",
        "  \"customMetrics\": [{\"Namespace\": \"Shop\", \"MetricName\": \"Backlog\", \"Value\": {\"pattern\": \"constant\", \"rps\": 5, \"nosie\": 0.1}}],",
        &job,
        "  \"services\": [",
        "    {",
        "      \"serviceName\": \"web\",",
        "      \"launchType\": \"FARGATE\",",
        "      \"taskDefinition\": {\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\"},",
        "      \"loadBalancer\": {\"healthCheck\": {\"intervalSecond\": 10}},",
        "      \"load\": {\"traffic\": {\"pattern\": \"constant\", \"rps\": 100}, \"perTask\": {\"maxRps\": 50, \"idleCPU\": 3}},",
        "      \"autoScaling\": {\"MinCapacity\": 1, \"MaxCapacity\": 10, \"Policies\": []}",
        "    }",
        "  ]",
        "}",
    ]);
    let run = validate("several_fields", &text);
    run.refused(&[
        // Line 5: as line 6 of problems_in_different_parts_are_reported_together up to
        // "perHour" (165-173), `:` 174, space 175, 2 (176), `}` 177, `,` 178, space 179,
        // "runtime" (180-188), `:` 189, space 190, `{"distribution": "fixed", "value": "5m"}`
        // (40 chars, 191-230), `,` 231, space 232, the key at column 233.
        "error: s.json:5:233: batchJobs[0].onInterruptoin: unknown field `onInterruptoin`: did \
         you mean `onInterruption`? valid fields here: name, taskDefinition, arrivals, runtime, \
         launchType, capacityProviderStrategy, placementStrategy, placementConstraints, \
         onInterruption, model",
        // Line 4: `{` 21, "Namespace": "Shop" (22-40), `,` 41, space 42, "MetricName":
        // "Backlog" (43-65), `,` 66, space 67, "Value" (68-74), `:` 75, space 76, `{` 77,
        // "pattern": "constant" (78-98), `,` 99, space 100, "rps": 5 (101-108), `,` 109, space
        // 110, the key at column 111.
        "error: s.json:4:111: customMetrics[0].Value.nosie: unknown field `nosie`: did you mean \
         `noise`? valid fields here: rps, noise, weekly",
        // Line 13: 6 spaces, "autoScaling" (7-19), `:` 20, space 21, `{` 22, "MinCapacity": 1
        // (23-38), `,` 39, space 40, "MaxCapacity": 10 (41-57), `,` 58, space 59, the key at 60.
        "error: s.json:13:60: services[0].autoScaling.Policies: unknown field `Policies`: did you \
         mean `policies`? valid fields here: MinCapacity, MaxCapacity, policies, \
         scheduledActions, ServiceNamespace, ResourceId, ScalableDimension",
        // Line 12: as line 13 of problems_in_different_parts_are_reported_together up to 100
        // (58-60), `}` 61, `,` 62, space 63, "perTask" (64-72), `:` 73, space 74, `{` 75,
        // "maxRps": 50 (76-87), `,` 88, space 89, the key at column 90.
        "error: s.json:12:90: services[0].load.perTask.idleCPU: unknown field `idleCPU`: did you \
         mean `idleCpu`? valid fields here: maxRps, cpuAtMaxRps, idleCpu, memoryBase, \
         memoryPerRps",
        // Line 11: 6 spaces, "loadBalancer" (14 chars, 7-20), `:` 21, space 22, `{` 23,
        // "healthCheck" (13 chars, 24-36), `:` 37, space 38, `{` 39, the key at column 40.
        "error: s.json:11:40: services[0].loadBalancer.healthCheck.intervalSecond: unknown field \
         `intervalSecond`: did you mean `intervalSeconds`? valid fields here: intervalSeconds, \
         healthyThreshold",
    ]);
}

#[test]
fn predefined_cpu_and_customized_ecs_cpu_are_the_same_metric() {
    // The predefined metric and AWS/ECS CPUUtilization (Average) of the same service read the
    // same figure, whatever their names: the second policy is refused.
    let cpu = r#""PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}},"#;
    let custom = r#""CustomizedMetricSpecification": {"Namespace": "AWS/ECS", "MetricName": "CPUUtilization", "Dimensions": [{"Name": "ServiceName", "Value": "web"}], "Statistic": "Average"}}}"#;
    let a = tracking("cpu50", 50, cpu);
    let b = tracking("ecs-cpu", 60, custom);
    let run = validate(
        "tt_same_metric_two_names",
        &policies(&[&a[0], &a[1], &a[2], &b[0], &b[1], &b[2]]),
    );
    run.refused(&[
        // The second policy's configuration opens on line 19 at column 56 (as in
        // two_target_tracking_policies_on_the_same_metric).
        "error: s.json:19:56: services[0].autoScaling.policies[1].\
         TargetTrackingScalingPolicyConfiguration: policy `cpu50` already tracks \
         AWS/ECS CPUUtilization (Average): each target tracking policy must use a different \
         metric",
    ]);
}

#[test]
fn metric_math_expressions_in_a_circle() {
    let run = validate(
        "math_circle",
        &math(&[
            RUNNING_M1,
            r#"               {"Id": "e1", "ReturnData": false, "Expression": "e2 + m1"},"#,
            r#"               {"Id": "e2", "Expression": "e1 * 2"}"#,
        ]),
    );
    run.refused(&[
        // Line 19: 15 spaces, `{` 16, "Id" (17-20), `:` 21, space 22, "e1" (23-26), `,` 27,
        // space 28, "ReturnData" (12 chars, 29-40), `:` 41, space 42, false (43-47), `,` 48,
        // space 49, "Expression" (12 chars, 50-61), `:` 62, space 63, the string at column 64.
        "error: s.json:19:64: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics[1].\
         Expression: expressions use each other in a circle (e1 → e2 → e1): one of them must \
         use metrics only",
        // Line 20: 15 spaces, `{` 16, "Id" (17-20), `:` 21, space 22, "e2" (23-26), `,` 27,
        // space 28, "Expression" (12 chars, 29-40), `:` 41, space 42, the string at column 43.
        "error: s.json:20:43: services[0].autoScaling.policies[0].\
         TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics[2].\
         Expression: expressions use each other in a circle (e2 → e1 → e2): one of them must \
         use metrics only",
    ]);
}

#[test]
fn queue_worker_idle_cpu_above_busy_cpu() {
    let run = validate(
        "queue_idle_above_busy",
        &web(&[
            "      \"load\": {\"queue\": {\"arrivals\": {\"pattern\": \"constant\", \"rps\": 5}, \"perTaskMessagesPerSecond\": 1, \"cpuBusy\": 20, \"idleCpu\": 30}}",
        ]),
    );
    run.refused(&[
        // Line 9: 6 spaces, "load" (6 chars, 7-12), `:` 13, space 14, `{` 15, "queue" (7 chars,
        // 16-22), `:` 23, space 24, `{` 25, "arrivals" (10 chars, 26-35), `:` 36, space 37, the
        // shape {"pattern": "constant", "rps": 5} (33 chars, 38-70), `,` 71, space 72,
        // "perTaskMessagesPerSecond" (26 chars, 73-98), `:` 99, space 100, 1 (101), `,` 102,
        // space 103, "cpuBusy" (9 chars, 104-112), `:` 113, space 114, 20 (115-116), `,` 117,
        // space 118, "idleCpu" (9 chars, 119-127), `:` 128, space 129, 30 at column 130.
        "error: s.json:9:130: services[0].load.queue.idleCpu: idleCpu 30 is above cpuBusy 20",
    ]);
}

#[test]
fn faults_refused_with_what_is_modelled() {
    let run = validate(
        "faults",
        &scenario(
            &[
                r#"  "faults": [{"type": "zoneOutag", "zone": "us-east-1a"},"#,
                r#"             {"type": "taskCrashes", "service": "api", "perTaskHour": 1},"#,
                r#"             {"type": "spotInterruptions", "capacityProvider": "FARGATE", "perTaskHour": 1},"#,
                r#"             {"type": "spotInterruptions", "capacityProvider": "FARGATE", "schedule": [{"at": "1h", "fraction": 1.5}]}],"#,
            ],
            &[],
        ),
    );
    run.refused(&[
        // Line 4: 2 spaces, "faults" (8 chars, 3-10), `:` 11, space 12, `[` 13, `{` 14, "type"
        // (6 chars, 15-20), `:` 21, space 22, the value at column 23.
        "error: s.json:4:23: faults[0].type: unknown fault type `zoneOutag`: did you mean \
         `zoneOutage`? expected one of spotInterruptions, spotCapacityUnavailable, zoneOutage, \
         instanceFailures, taskCrashes",
        // Line 5: 13 spaces, `{` 14, "type" 15-20, `:` 21, space 22, "taskCrashes" (13 chars,
        // 23-35), `,` 36, space 37, "service" (9 chars, 38-46), `:` 47, space 48, the value at
        // column 49.
        "error: s.json:5:49: faults[1].service: `api` is not a service of this scenario: \
         services are web",
        // Line 6: "type" value 23-41 ("spotInterruptions" is 19 chars), `,` 42, space 43,
        // "capacityProvider" (18 chars, 44-61), `:` 62, space 63, the value at column 64.
        "error: s.json:6:64: faults[2].capacityProvider: FARGATE is on-demand capacity: \
         spotInterruptions applies to FARGATE_SPOT or a Spot Auto Scaling group",
        // Line 7: as line 6 up to the provider "FARGATE" (9 chars, 64-72), `,` 73, space 74,
        // "schedule" (10 chars, 75-84), `:` 85, space 86, `[` 87, `{` 88, "at" (4 chars,
        // 89-92), `:` 93, space 94, "1h" (4 chars, 95-98), `,` 99, space 100, "fraction"
        // (10 chars, 101-110), `:` 111, space 112, 1.5 at column 113.
        "error: s.json:7:113: faults[3].schedule[0].fraction: fraction 1.5 is out of range: \
         expected above 0 and at most 1",
        "error: s.json:7:64: faults[3].capacityProvider: FARGATE is on-demand capacity: \
         spotInterruptions applies to FARGATE_SPOT or a Spot Auto Scaling group",
    ]);
}

// ---------------------------------------------------------------------------------------------
// A step alarm's TreatMissingData and ExtendedStatistic.

/// A step alarm line whose first key is `first` (then Shop Latency, Period 60, 3 of 3 > 50).
fn alarm_first(first: &str, statistic: bool) -> String {
    format!(
        "          \"Alarm\": {{{first}, \"Namespace\": \"Shop\", \"MetricName\": \"Latency\", {}\"Period\": 60, \"EvaluationPeriods\": 3, \"Threshold\": 50, \"ComparisonOperator\": \"GreaterThanThreshold\"}}",
        if statistic {
            "\"Statistic\": \"Average\", "
        } else {
            ""
        }
    )
}

// Line 22 of each: 10 spaces (1-10), "Alarm" (11-17), `:` 18, space 19, `{` 20, then the first
// key from column 21.

#[test]
fn step_alarm_with_statistic_and_extended_statistic() {
    let a = alarm_first("\"ExtendedStatistic\": \"p90\"", true);
    let run = validate(
        "step_both_statistics",
        &step_policy("ChangeInCapacity", "", &[ONE_STEP], Some(&a)),
    );
    run.refused(&[
        // "ExtendedStatistic" (19 chars, 21-39), `:` 40, space 41, the value at column 42.
        "error: s.json:22:42: services[0].autoScaling.policies[0].Alarm.ExtendedStatistic: give \
         Statistic or ExtendedStatistic, not both (PutMetricAlarm takes one of them)",
    ]);
}

#[test]
fn step_alarm_percentile_of_a_metric_without_per_task_values() {
    let a = alarm_first("\"ExtendedStatistic\": \"p99.9\"", false);
    let run = validate(
        "step_percentile_custom",
        &step_policy("ChangeInCapacity", "", &[ONE_STEP], Some(&a)),
    );
    run.refused(&[
        // The value at column 42 as above; Shop Latency is a custom metric: one value a minute.
        "error: s.json:22:42: services[0].autoScaling.policies[0].Alarm.ExtendedStatistic: \
         ExtendedStatistic p99.9 of Shop Latency: ecsim has no per-task distribution of this \
         metric, only one value per period; percentiles are modelled for AWS/ECS CPUUtilization \
         and MemoryUtilization (per-task values) — use Statistic instead",
    ]);
}

#[test]
fn step_alarm_extended_statistic_that_is_not_a_percentile() {
    let a = alarm_first("\"ExtendedStatistic\": \"tm90\"", false);
    let run = validate(
        "step_trimmed_mean",
        &step_policy("ChangeInCapacity", "", &[ONE_STEP], Some(&a)),
    );
    run.refused(&[
        "error: s.json:22:42: services[0].autoScaling.policies[0].Alarm.ExtendedStatistic: \
         ExtendedStatistic `tm90` is not modelled: expected a percentile p0 to p100 with at most \
         2 decimals (e.g. p90, p99.9); trimmed means, IQM and percentile ranks are not modelled",
    ]);
    let a = alarm_first("\"ExtendedStatistic\": \"p100.5\"", false);
    let run = validate(
        "step_above_p100",
        &step_policy("ChangeInCapacity", "", &[ONE_STEP], Some(&a)),
    );
    run.refused(&[
        "error: s.json:22:42: services[0].autoScaling.policies[0].Alarm.ExtendedStatistic: \
         ExtendedStatistic `p100.5` is above p100: a percentile is p0 to p100",
    ]);
}

#[test]
fn step_alarm_with_an_unknown_treat_missing_data() {
    let a = alarm_first("\"TreatMissingData\": \"breach\"", true);
    let run = validate(
        "step_treat_missing",
        &step_policy("ChangeInCapacity", "", &[ONE_STEP], Some(&a)),
    );
    run.refused(&[
        // "TreatMissingData" (18 chars, 21-38), `:` 39, space 40, the value at column 41.
        "error: s.json:22:41: services[0].autoScaling.policies[0].Alarm.TreatMissingData: \
         unknown TreatMissingData `breach`: …",
    ]);
    assert!(
        run.stderr
            .contains("expected missing, notBreaching, breaching or ignore"),
        "{}",
        run.stderr
    );
}
