//! `ecsim import`: saved AWS output (AWS CLI JSON, `terraform show -json`, CloudFormation
//! JSON templates, CloudWatch metrics) in, a scenario that validates out, with trace CSVs
//! beside it and a numbered list of everything assumed.
//!
//! The flow: each file is read and told apart by its shape ([`detect`]); every family is
//! turned into the same [`Account`] of AWS CLI-shaped objects (`aws` for the CLI's own output,
//! [`terraform`] and [`cloudformation`] translating theirs); [`build`] joins the account into a
//! scenario JSON value, the metric series ([`cloudwatch`]) into trace CSVs, and states every
//! [`Assumption`]. docs/import.md is the user's reference.

pub mod assumption;
pub mod build;
pub mod cloudformation;
pub mod cloudwatch;
pub mod terraform;

pub use assumption::Assumption;

use crate::error::{Error, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

use crate::scenario::limits::MAX_IMPORT_FILE_BYTES;

/// The default `--out`.
pub const DEFAULT_OUT: &str = "output/import/scenario.json";

/// Options of `ecsim import`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "Examples:
  ecsim import clusters.json services.json taskdefs.json asgs.json policies.json metrics.json
  ecsim import tf-show.json --out mine/scenario.json --force
  ecsim import *.json --metric m1=web --metric q1=worker")]
pub struct ImportArgs {
    /// Saved JSON files: AWS CLI output, `terraform show -json`, CloudFormation templates,
    /// CloudWatch get-metric-data / get-metric-statistics (any order and mix).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The scenario to write; trace CSVs go in its folder.
    #[arg(long, default_value = DEFAULT_OUT)]
    pub out: PathBuf,
    /// Replace files that exist already.
    #[arg(long)]
    pub force: bool,
    /// Read metric series ID (its `Id` or `Label`) as service SERVICE's (repeatable).
    #[arg(long = "metric", value_name = "ID=SERVICE")]
    pub metrics: Vec<String>,
    /// Print errors only (no assumption list).
    #[arg(short, long)]
    pub quiet: bool,
}

/// What a file is, by its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// AWS CLI output (ecs, autoscaling, application-autoscaling, cloudwatch describe-alarms,
    /// ec2 describe-spot-price-history / describe-instance-types).
    AwsCli,
    /// CloudWatch get-metric-data or get-metric-statistics.
    Metrics,
    /// `terraform show -json`.
    Terraform,
    /// A CloudFormation template (JSON).
    CloudFormation,
}

/// The top-level keys of the AWS CLI outputs read.
pub const CLI_KEYS: [&str; 12] = [
    "clusters",
    "services",
    "taskDefinition",
    "capacityProviders",
    "AutoScalingGroups",
    "ScalableTargets",
    "ScalingPolicies",
    "ScheduledActions",
    "MetricAlarms",
    "SpotPriceHistory",
    "InstanceTypes",
    "taskDefinitions",
];

/// The shape of a file's JSON, or `None` for a shape ecsim does not read.
pub fn detect(v: &Value) -> Option<Shape> {
    let o = v.as_object()?;
    if o.contains_key("MetricDataResults")
        || (o.contains_key("Datapoints") && o.contains_key("Label"))
    {
        return Some(Shape::Metrics);
    }
    if v.pointer("/values/root_module").is_some() {
        return Some(Shape::Terraform);
    }
    if o.get("Resources").is_some_and(Value::is_object) {
        return Some(Shape::CloudFormation);
    }
    if CLI_KEYS.iter().any(|k| o.contains_key(*k)) {
        return Some(Shape::AwsCli);
    }
    None
}

/// One object of the account, in the AWS CLI's shape, with the file it came from.
#[derive(Debug, Clone)]
pub struct Item {
    /// The file.
    pub file: String,
    /// The object.
    pub v: Value,
}

/// Everything the files describe, each family in the AWS CLI's shape (ECS objects camelCase,
/// the others PascalCase, as each CLI prints them).
#[derive(Debug, Clone, Default)]
pub struct Account {
    /// `ecs describe-clusters` `clusters[]`.
    pub clusters: Vec<Item>,
    /// `ecs describe-services` `services[]`.
    pub services: Vec<Item>,
    /// `ecs describe-task-definition` `taskDefinition`.
    pub task_definitions: Vec<Item>,
    /// `ecs describe-capacity-providers` `capacityProviders[]`.
    pub capacity_providers: Vec<Item>,
    /// `autoscaling describe-auto-scaling-groups` `AutoScalingGroups[]`.
    pub groups: Vec<Item>,
    /// `application-autoscaling describe-scalable-targets` `ScalableTargets[]`.
    pub scalable_targets: Vec<Item>,
    /// `describe-scaling-policies` `ScalingPolicies[]`.
    pub policies: Vec<Item>,
    /// `describe-scheduled-actions` `ScheduledActions[]`.
    pub scheduled_actions: Vec<Item>,
    /// `cloudwatch describe-alarms` `MetricAlarms[]`.
    pub alarms: Vec<Item>,
    /// `ec2 describe-spot-price-history` `SpotPriceHistory[]`.
    pub spot_prices: Vec<Item>,
    /// `ec2 describe-instance-types` `InstanceTypes[]`.
    pub instance_types: Vec<Item>,
    /// Metric series, with their file.
    pub metrics: Vec<(String, cloudwatch::MetricSeries)>,
}

impl Account {
    /// Adds the objects of one AWS CLI output.
    fn add_cli(&mut self, v: &Value, file: &str) {
        let push = |list: &mut Vec<Item>, key: &str| match v.get(key) {
            Some(Value::Array(a)) => list.extend(a.iter().map(|x| Item {
                file: file.to_string(),
                v: x.clone(),
            })),
            Some(x @ Value::Object(_)) => list.push(Item {
                file: file.to_string(),
                v: x.clone(),
            }),
            _ => {}
        };
        push(&mut self.clusters, "clusters");
        push(&mut self.services, "services");
        push(&mut self.task_definitions, "taskDefinition");
        push(&mut self.task_definitions, "taskDefinitions");
        push(&mut self.capacity_providers, "capacityProviders");
        push(&mut self.groups, "AutoScalingGroups");
        push(&mut self.scalable_targets, "ScalableTargets");
        push(&mut self.policies, "ScalingPolicies");
        push(&mut self.scheduled_actions, "ScheduledActions");
        push(&mut self.alarms, "MetricAlarms");
        push(&mut self.spot_prices, "SpotPriceHistory");
        push(&mut self.instance_types, "InstanceTypes");
    }
}

/// Reads a user's JSON file (a regular file of at most [`MAX_IMPORT_FILE_BYTES`]); a file
/// that is not JSON is invalid input with its line and column.
pub fn read_json(path: &Path) -> Result<Value> {
    let file = path.display().to_string();
    let bytes = crate::user_file::read(path, MAX_IMPORT_FILE_BYTES, "file to import")
        .map_err(|why| Error::invalid(&file, "", format!("cannot read it: {why}")))?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    serde_json::from_str(text).map_err(|e| {
        Error::Invalid(vec![crate::Problem {
            file: file.clone(),
            pos: Some((e.line(), e.column())),
            path: String::new(),
            message: format!(
                "not JSON as the AWS CLI prints it ({}): save the command's output with \
                 `--output json`",
                e.to_string().split(" at line ").next().unwrap_or_default()
            ),
        }])
    })
}

/// What the accepted shapes are, for the message about a file of another one.
pub const ACCEPTED: &str = "AWS CLI JSON output with a top-level `clusters`, `services`, \
`taskDefinition`, `capacityProviders`, `AutoScalingGroups`, `ScalableTargets`, `ScalingPolicies`, \
`ScheduledActions`, `MetricAlarms`, `SpotPriceHistory`, `InstanceTypes`, `MetricDataResults` or \
`Datapoints` with `Label`; `terraform show -json` (values.root_module); or a CloudFormation JSON \
template (Resources)";

/// Reads every file into one account.
pub fn read_account(files: &[PathBuf]) -> Result<Account> {
    let mut acc = Account::default();
    let mut problems = Vec::new();
    for path in files {
        let file = path.display().to_string();
        let v = match read_json(path) {
            Ok(v) => v,
            Err(Error::Invalid(p)) => {
                problems.extend(p);
                continue;
            }
            Err(e) => return Err(e),
        };
        match detect(&v) {
            Some(Shape::AwsCli) => acc.add_cli(&v, &file),
            Some(Shape::Metrics) => match cloudwatch::parse_metric_json(&v, &file) {
                Ok(series) => acc
                    .metrics
                    .extend(series.into_iter().map(|s| (file.clone(), s))),
                Err(Error::Invalid(p)) => problems.extend(p),
                Err(e) => return Err(e),
            },
            Some(Shape::Terraform) => terraform::add(&mut acc, &v, &file),
            Some(Shape::CloudFormation) => cloudformation::add(&mut acc, &v, &file),
            None => problems.push(crate::Problem {
                file: file.clone(),
                pos: None,
                path: String::new(),
                message: format!("not a shape ecsim import reads: expected {ACCEPTED}"),
            }),
        }
    }
    if problems.is_empty() {
        Ok(acc)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// `--metric ID=SERVICE` options parsed.
pub fn parse_metric_options(opts: &[String]) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for o in opts {
        match o.split_once('=') {
            Some((id, svc)) if !id.is_empty() && !svc.is_empty() => {
                out.push((id.to_string(), svc.to_string()))
            }
            _ => {
                return Err(Error::invalid(
                    "--metric",
                    "",
                    format!("`{o}`: expected ID=SERVICE, e.g. --metric m1=web"),
                ));
            }
        }
    }
    Ok(out)
}

/// What an import made: the scenario (as JSON text), the trace and recorded CSVs (file name
/// in the scenario's folder, contents), and the assumptions.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The scenario, pretty JSON with a final newline.
    pub scenario: String,
    /// CSV files to write beside it: (file name, contents).
    pub files: Vec<(String, String)>,
    /// Everything assumed, in order.
    pub assumptions: Vec<Assumption>,
}

/// Reads `files` and builds the scenario (nothing is written).
pub fn import(files: &[PathBuf], metric_options: &[(String, String)]) -> Result<Imported> {
    let acc = read_account(files)?;
    build::build(&acc, metric_options)
}

/// `ecsim import`: builds the scenario, refuses to overwrite without `--force`, writes the CSVs
/// then the scenario, each atomically, checks that the scenario loads, and prints the
/// assumptions on stderr.
pub fn run(args: &ImportArgs) -> Result<()> {
    let metric_options = parse_metric_options(&args.metrics)?;
    if args.out.is_dir() {
        return Err(Error::invalid(
            &args.out.display().to_string(),
            "--out",
            "is a folder: give the scenario's file name, e.g. --out DIR/scenario.json",
        ));
    }
    let imported = import(&args.files, &metric_options)?;
    let dir = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let targets: Vec<PathBuf> = imported
        .files
        .iter()
        .map(|(n, _)| dir.join(n))
        .chain(std::iter::once(args.out.clone()))
        .collect();
    if !args.force {
        let existing: Vec<crate::Problem> = targets
            .iter()
            .filter(|p| std::fs::symlink_metadata(p).is_ok())
            .map(|p| crate::Problem {
                file: p.display().to_string(),
                pos: None,
                path: "--out".into(),
                message: "exists already: give --force to replace it, or choose another --out"
                    .into(),
            })
            .collect();
        if !existing.is_empty() {
            return Err(Error::Invalid(existing));
        }
    }
    std::fs::create_dir_all(&dir).map_err(|e| {
        Error::invalid(
            &dir.display().to_string(),
            "--out",
            format!("cannot create the folder ({e}): choose a folder you can write"),
        )
    })?;
    for (name, text) in &imported.files {
        crate::outdir::write_atomic(&dir.join(name), text.as_bytes())?;
    }
    // The scenario is checked against the CSVs just written before it is put in place.
    let shown = args.out.display().to_string();
    let loaded = crate::scenario::load_str(&imported.scenario, &shown, Some(&dir), &[]);
    let warnings = match loaded {
        Ok(sc) => sc.warnings,
        Err(e) => {
            return Err(Error::Failed {
                step: "checking the imported scenario".into(),
                source: Box::new(e),
                next: "nothing was written to --out; the trace files are beside it. Please report \
                   this with the input files: an import should always validate"
                    .into(),
            });
        }
    };
    crate::outdir::write_atomic(&args.out, imported.scenario.as_bytes())?;
    if !args.quiet {
        let mut text = String::new();
        if imported.assumptions.is_empty() {
            text.push_str("nothing assumed\n");
        } else {
            text.push_str(&format!(
                "{} assumptions (check each):\n",
                imported.assumptions.len()
            ));
            for (i, a) in imported.assumptions.iter().enumerate() {
                text.push_str(&format!("{:>3}. {a}\n", i + 1));
            }
        }
        for w in &warnings {
            text.push_str(&format!("warning: {w}\n"));
        }
        text.push_str(&format!("Wrote {shown}"));
        for (n, _) in &imported.files {
            text.push_str(&format!(", {n}"));
        }
        crate::term::err(&text);
    }
    Ok(())
}
