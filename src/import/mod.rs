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
  ecsim import *.json --metric m1=web --metric q1=worker
  ecsim import output/export-web --load-from web.json")]
pub struct ImportArgs {
    /// Saved JSON files: AWS CLI output, `terraform show -json`, CloudFormation templates,
    /// CloudWatch get-metric-data / get-metric-statistics, API call inputs (any order and
    /// mix); or an `ecsim export` folder (its export.json).
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
    /// Take each service's `load` and `loadBalancer`, and the run's `seed`, `start`,
    /// `duration` and `customMetrics` (what AWS does not hold) from this scenario (a file or a bundled name), by
    /// service name: an exported scenario imported back runs as before, its scaling policies
    /// with it.
    #[arg(long, value_name = "SCENARIO")]
    pub load_from: Option<String>,
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
    /// One API call's input (a `--cli-input-json` document, as `ecsim export` writes them).
    ApiInput(Input),
    /// An `ecsim export` manifest (`export.json`, schema [`crate::export::EXPORT_SCHEMA`]).
    ExportManifest,
}

/// Which API call an input document is for, told by its keys ([`input_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// `ecs register-task-definition`: `family` and `containerDefinitions`.
    RegisterTaskDefinition,
    /// `ecs create-service`: `serviceName` (a string).
    CreateService,
    /// `ecs create-cluster`: `clusterName`.
    CreateCluster,
    /// `ecs create-capacity-provider`: `name` and `autoScalingGroupProvider`.
    CreateCapacityProvider,
    /// `ecs put-account-setting`: `name` and `value`, nothing else but `principalArn`.
    PutAccountSetting,
    /// `autoscaling create-auto-scaling-group`: `AutoScalingGroupName` and `MaxSize`.
    CreateAutoScalingGroup,
    /// `application-autoscaling register-scalable-target`: `ServiceNamespace`, `ResourceId`,
    /// `ScalableDimension`.
    RegisterScalableTarget,
    /// `application-autoscaling put-scaling-policy`: `PolicyName` and `ResourceId`.
    PutScalingPolicy,
    /// `application-autoscaling put-scheduled-action`: `ScheduledActionName` and `ResourceId`.
    PutScheduledAction,
    /// `cloudwatch put-metric-alarm`: `AlarmName` and `ComparisonOperator`.
    PutMetricAlarm,
}

/// The API call a single input object is for, by its keys; `None` when it is none of them.
pub fn input_of(o: &serde_json::Map<String, Value>) -> Option<Input> {
    let has = |k: &str| o.contains_key(k);
    let text = |k: &str| o.get(k).is_some_and(Value::is_string);
    Some(if text("PolicyName") && has("ResourceId") {
        Input::PutScalingPolicy
    } else if text("ScheduledActionName") && has("ResourceId") {
        Input::PutScheduledAction
    } else if has("ServiceNamespace") && has("ResourceId") && has("ScalableDimension") {
        Input::RegisterScalableTarget
    } else if text("AlarmName") && has("ComparisonOperator") {
        Input::PutMetricAlarm
    } else if text("AutoScalingGroupName") && has("MaxSize") {
        Input::CreateAutoScalingGroup
    } else if text("serviceName") {
        Input::CreateService
    } else if text("family") && has("containerDefinitions") {
        Input::RegisterTaskDefinition
    } else if text("name") && has("autoScalingGroupProvider") {
        Input::CreateCapacityProvider
    } else if text("clusterName") {
        Input::CreateCluster
    } else if text("name")
        && text("value")
        && o.keys()
            .all(|k| matches!(k.as_str(), "name" | "value" | "principalArn"))
    {
        Input::PutAccountSetting
    } else {
        return None;
    })
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
    if o.get("schema").and_then(Value::as_str) == Some(crate::export::EXPORT_SCHEMA) {
        return Some(Shape::ExportManifest);
    }
    // Before the describe outputs: a CreateService input's `taskDefinition` is a string, not
    // describe-task-definition's object.
    if let Some(i) = input_of(o) {
        return Some(Shape::ApiInput(i));
    }
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
    /// `ecs put-account-setting` inputs (`name`, `value`).
    pub account_settings: Vec<Item>,
    /// Metric series, with their file.
    pub metrics: Vec<(String, cloudwatch::MetricSeries)>,
    /// The `ecsim export` manifest read, if one was: its scenario name and region name the
    /// scenario (API inputs carry no ARN to take a region from).
    pub manifest: Option<ExportOrigin>,
}

/// What an `ecsim export` manifest says about the scenario it was exported from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOrigin {
    /// The manifest's file.
    pub file: String,
    /// `scenario`: the exported scenario's name.
    pub scenario: String,
    /// `region`.
    pub region: String,
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

    /// Adds one API call's input as the describe element it creates: the fields an input and
    /// a describe element share have the same names, so only what the join needs is added (a
    /// task definition's revision, counted from 1 per family in the order read, as AWS
    /// numbers registrations in a fresh family; a service's `cluster` as its `clusterArn`).
    fn add_input(&mut self, kind: Input, v: &Value, file: &str) {
        let mut v = v.clone();
        let list = match kind {
            Input::RegisterTaskDefinition => {
                if v.get("revision").is_none() {
                    let family = v.get("family").and_then(Value::as_str);
                    let before = self
                        .task_definitions
                        .iter()
                        .filter(|t| t.v.get("family").and_then(Value::as_str) == family)
                        .count();
                    v["revision"] = serde_json::json!(before + 1);
                }
                &mut self.task_definitions
            }
            Input::CreateService => {
                if let Some(o) = v.as_object_mut()
                    && let Some(c) = o.remove("cluster")
                {
                    o.entry("clusterArn").or_insert(c);
                }
                &mut self.services
            }
            Input::CreateCluster => &mut self.clusters,
            Input::CreateCapacityProvider => &mut self.capacity_providers,
            Input::PutAccountSetting => &mut self.account_settings,
            Input::CreateAutoScalingGroup => &mut self.groups,
            Input::RegisterScalableTarget => &mut self.scalable_targets,
            Input::PutScalingPolicy => &mut self.policies,
            Input::PutScheduledAction => &mut self.scheduled_actions,
            Input::PutMetricAlarm => &mut self.alarms,
        };
        list.push(Item {
            file: file.to_string(),
            v,
        });
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
`Datapoints` with `Label`; one API call's input as `ecsim export` writes it (register-task-definition, \
create-service, create-cluster, create-capacity-provider, put-account-setting, \
create-auto-scaling-group, register-scalable-target, put-scaling-policy, put-scheduled-action, \
put-metric-alarm); an `ecsim export` folder or its export.json; `terraform show -json` \
(values.root_module); or a CloudFormation JSON template (Resources)";

/// The manifest an `ecsim import DIR` reads: DIR's `export.json`.
pub const EXPORT_MANIFEST: &str = "export.json";

/// Reads every file into one account. A folder is read as the `export.json` it holds; a
/// manifest is read as its call files (in its order, from its folder), and giving one of the
/// files it lists besides it is refused (the same resources twice).
pub fn read_account(files: &[PathBuf]) -> Result<Account> {
    let mut acc = Account::default();
    let mut problems = Vec::new();
    // Every file a manifest read, to refuse it given again (and the manifests' folders).
    let mut listed: Vec<(PathBuf, String)> = Vec::new();
    let mut given: Vec<PathBuf> = Vec::new();
    for path in files {
        let path = if path.is_dir() {
            let m = path.join(EXPORT_MANIFEST);
            if !m.is_file() {
                problems.push(crate::Problem {
                    file: path.display().to_string(),
                    pos: None,
                    path: String::new(),
                    message: format!(
                        "is a folder without {EXPORT_MANIFEST}: give an `ecsim export` folder, \
                         or the files themselves"
                    ),
                });
                continue;
            }
            m
        } else {
            path.clone()
        };
        let file = path.display().to_string();
        let v = match read_json(&path) {
            Ok(v) => v,
            Err(Error::Invalid(p)) => {
                problems.extend(p);
                continue;
            }
            Err(e) => return Err(e),
        };
        match detect(&v) {
            Some(Shape::ExportManifest) => {
                match read_manifest(&mut acc, &v, &path) {
                    Ok(read) => listed.extend(read.into_iter().map(|p| (p, file.clone()))),
                    Err(Error::Invalid(p)) => problems.extend(p),
                    Err(e) => return Err(e),
                }
                continue;
            }
            Some(Shape::ApiInput(kind)) => acc.add_input(kind, &v, &file),
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
        given.push(path);
    }
    // A file of an export given besides its manifest would make every resource twice.
    for g in &given {
        let same = |p: &PathBuf| match (g.canonicalize(), p.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if let Some((_, manifest)) = listed.iter().find(|(p, _)| same(p)) {
            problems.push(crate::Problem {
                file: g.display().to_string(),
                pos: None,
                path: String::new(),
                message: format!(
                    "is part of the export {manifest} reads already: the same resources twice. \
                     Give the export (its folder or {EXPORT_MANIFEST}) alone, or this file alone"
                ),
            });
        }
    }
    if problems.is_empty() {
        Ok(acc)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Reads an `ecsim export` manifest: each of its `calls`' files (from the manifest's folder,
/// in its order) as an API input, its `scenario` and `region` as the scenario's. Returns the
/// files it stands for (the call files and the template), to refuse them given again.
fn read_manifest(acc: &mut Account, v: &Value, path: &Path) -> Result<Vec<PathBuf>> {
    let file = path.display().to_string();
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let bad = |field: &str, what: String| Error::invalid(&file, field, what);
    if let Some(first) = &acc.manifest {
        return Err(bad(
            "",
            format!(
                "a second export ({} was given first): import one export at a time",
                first.file
            ),
        ));
    }
    let text = |k: &str| -> Result<String> {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| bad(k, format!("missing: an {EXPORT_MANIFEST} names its `{k}`")))
    };
    acc.manifest = Some(ExportOrigin {
        file: file.clone(),
        scenario: text("scenario")?,
        region: text("region")?,
    });
    let mut read = Vec::new();
    let calls = v.get("calls").and_then(Value::as_array).ok_or_else(|| {
        bad(
            "calls",
            "missing: an export manifest lists its `calls`".into(),
        )
    })?;
    let mut problems = Vec::new();
    for (i, c) in calls.iter().enumerate() {
        let field = format!("calls[{i}].file");
        // One file name in the manifest's folder: never a path elsewhere.
        let name = c.get("file").and_then(Value::as_str).filter(|n| {
            let p = Path::new(n);
            p.components().count() == 1
                && matches!(p.components().next(), Some(std::path::Component::Normal(_)))
        });
        let Some(name) = name else {
            problems.push(crate::Problem {
                file: file.clone(),
                pos: None,
                path: field,
                message: "not a file name: each call names its file in the export's folder".into(),
            });
            continue;
        };
        let call = dir.join(name);
        let shown = call.display().to_string();
        let doc = match read_json(&call) {
            Ok(d) => d,
            Err(Error::Invalid(p)) => {
                problems.extend(p);
                continue;
            }
            Err(e) => return Err(e),
        };
        match doc.as_object().and_then(input_of) {
            Some(kind) => acc.add_input(kind, &doc, &shown),
            None => problems.push(crate::Problem {
                file: shown,
                pos: None,
                path: String::new(),
                message: format!(
                    "not an API input ecsim import reads ({} lists it as {}): expected one of \
                     the inputs `ecsim export` writes",
                    file,
                    c.get("operation")
                        .and_then(Value::as_str)
                        .unwrap_or("a call")
                ),
            }),
        }
        read.push(call);
    }
    if let Some(t) = v.get("template").and_then(Value::as_str) {
        read.push(dir.join(t));
    }
    if problems.is_empty() {
        Ok(read)
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
    import_with(files, metric_options, None)
}

/// [`import`], with each service's load taken from `loads` (`--load-from`).
pub fn import_with(
    files: &[PathBuf],
    metric_options: &[(String, String)],
    loads: Option<&Loads>,
) -> Result<Imported> {
    let acc = read_account(files)?;
    build::build(&acc, metric_options, loads)
}

/// What `--load-from SCENARIO` gives: each service's `load` and `loadBalancer`, by name, and
/// the run's `seed`, `start`, `duration` (metrics imported at once decide those two) and
/// `customMetrics`. A service it gives a load, or every service when it gives custom metrics,
/// keeps its scaling policies.
#[derive(Debug, Clone, Default)]
pub struct Loads {
    /// The scenario, as shown.
    pub file: String,
    /// Service name → (`load`, `loadBalancer`), with every trace `file` made absolute (it
    /// resolved against the scenario's folder; the imported scenario is elsewhere).
    pub services: std::collections::BTreeMap<String, (Value, Option<Value>)>,
    /// The run's `seed`, `start` and `duration` (the load's noise and its times depend on
    /// them) and the `customMetrics` the workload publishes (policies may watch them), those
    /// present.
    pub run: Vec<(String, Value)>,
}

impl Loads {
    /// The loads of `src`, which must validate (its problems otherwise).
    pub fn from_source(src: &crate::scenario::source::Source) -> Result<Loads> {
        src.load(&[])?;
        let text = src
            .text
            .strip_prefix(crate::scenario::BOM)
            .unwrap_or(&src.text);
        let doc: Value =
            serde_json::from_str(text).map_err(|e| Error::invalid(&src.file, "", e.to_string()))?;
        let mut services = std::collections::BTreeMap::new();
        for sv in doc
            .get("services")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(name), Some(load)) = (
                sv.get("serviceName").and_then(Value::as_str),
                sv.get("load"),
            ) else {
                continue;
            };
            let mut load = load.clone();
            absolute_files(&mut load, src.base_dir.as_deref());
            services.insert(name.to_string(), (load, sv.get("loadBalancer").cloned()));
        }
        let run = ["seed", "start", "duration", "customMetrics"]
            .into_iter()
            .filter_map(|k| {
                let mut v = doc.get(k)?.clone();
                absolute_files(&mut v, src.base_dir.as_deref());
                Some((k.to_string(), v))
            })
            .collect();
        Ok(Loads {
            file: src.file.clone(),
            services,
            run,
        })
    }
}

/// Every relative `file` under `v` made absolute against `base` (canonical when it exists).
fn absolute_files(v: &mut Value, base: Option<&Path>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                match x {
                    Value::String(f) if k == "file" && Path::new(f.as_str()).is_relative() => {
                        let p = base.unwrap_or(Path::new(".")).join(&*f);
                        let p = p.canonicalize().unwrap_or(p);
                        *f = p.display().to_string();
                    }
                    _ => absolute_files(x, base),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| absolute_files(x, base)),
        _ => {}
    }
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
    let loads = match &args.load_from {
        Some(arg) => Some(Loads::from_source(
            &crate::scenario::source::Source::resolve(Some(arg))?,
        )?),
        None => None,
    };
    let imported = import_with(&args.files, &metric_options, loads.as_ref())?;
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
