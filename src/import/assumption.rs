//! What an import assumed or could not find: typed values, made into sentences only when
//! printed.

use std::fmt;

/// One thing `ecsim import` assumed, set aside or could not find. Each is a warning, never a
/// refusal; [`fmt::Display`] gives its sentence.
#[derive(Debug, Clone, PartialEq)]
pub enum Assumption {
    /// No ARN named a region: the default region is used.
    RegionDefault {
        /// The region used.
        region: String,
    },
    /// ARNs name more than one region: the first is used.
    RegionsDiffer {
        /// The region used.
        chosen: String,
        /// Another region seen.
        other: String,
    },
    /// A service's task definition was not among the files: a small one is assumed.
    TaskDefinitionMissing {
        /// The service.
        service: String,
        /// The ARN the service names.
        arn: String,
        /// CPU units assumed.
        cpu: u32,
        /// MiB assumed.
        memory: u32,
    },
    /// A capacity provider names a group that was not described: a group is assumed.
    GroupMissing {
        /// The provider.
        provider: String,
        /// The group's ARN or name.
        group: String,
        /// The instance type assumed.
        instance_type: String,
        /// The maximum size assumed.
        max_size: u32,
    },
    /// A strategy names a provider that was not described: one is assumed.
    ProviderMissing {
        /// The provider's name.
        provider: String,
        /// The instance type assumed for its group.
        instance_type: String,
        /// The maximum size assumed.
        max_size: u32,
    },
    /// A group's instance type could not be known (a launch template without overrides).
    InstanceTypeUnknown {
        /// The group.
        group: String,
        /// The type assumed.
        assumed: String,
    },
    /// A group's on-demand / Spot mix cannot be expressed exactly: one purchase option is used.
    PurchaseMix {
        /// The group.
        group: String,
        /// OnDemandBaseCapacity.
        base: u32,
        /// OnDemandPercentageAboveBaseCapacity.
        percent: u32,
        /// `on-demand` or `spot`.
        chosen: &'static str,
    },
    /// A service has no load: it runs at its desired count, scaling policies aside.
    NoLoad {
        /// The service.
        service: String,
    },
    /// A service's `load` (and its `loadBalancer` model) taken from `--load-from`'s scenario.
    LoadTaken {
        /// The service.
        service: String,
        /// The scenario it came from.
        from: String,
    },
    /// A service without load cannot evaluate its scaling policies: they are left out.
    PoliciesWithoutLoad {
        /// The service.
        service: String,
        /// The policies left out.
        policies: Vec<String>,
    },
    /// A step policy's alarm was not among the files: the policy is left out.
    StepPolicyWithoutAlarm {
        /// The service.
        service: String,
        /// The policy.
        policy: String,
    },
    /// Scaling policies or scheduled actions of a service without a scalable target: left out.
    NoScalableTarget {
        /// The service.
        service: String,
        /// What was left out.
        left_out: Vec<String>,
    },
    /// Something refers to a service that was not described: it is left out.
    UnknownService {
        /// What (`scalable target`, `scaling policy p`, `scheduled action a`).
        what: String,
        /// The ResourceId it names.
        resource_id: String,
    },
    /// A service's load balancer: the target group's health check and deregistration delay are
    /// not in describe-services output; ecsim's defaults are used.
    LoadBalancerDefaults {
        /// The service.
        service: String,
        /// The target group's name.
        target_group: String,
    },
    /// Fields of an input that the scenario cannot express were set aside.
    SetAside {
        /// Where (`service web`).
        owner: String,
        /// What was set aside and why.
        what: String,
    },
    /// A metric series was matched to a service.
    MetricMatched {
        /// The series' id.
        id: String,
        /// The service.
        service: String,
        /// How: `--metric`, `its label`, `the only service`.
        how: &'static str,
    },
    /// A metric series matched no service (or is not one ecsim reads): it is not used.
    MetricUnmatched {
        /// The series' id.
        id: String,
        /// The file.
        file: String,
        /// Why.
        why: String,
    },
    /// A get-metric-statistics series of another statistic than its kind's was used (no series
    /// of the kind's own statistic was given).
    StatisticUsed {
        /// The series' id.
        id: String,
        /// The statistic used.
        statistic: String,
        /// The statistic the kind is read with.
        wanted: &'static str,
    },
    /// A per-period sum was turned into a rate with a period inferred from the timestamps.
    PeriodInferred {
        /// The series' id.
        id: String,
        /// Seconds.
        period_s: i64,
    },
    /// A series with one point: its period cannot be inferred and is assumed.
    PeriodAssumed {
        /// The series' id.
        id: String,
        /// Seconds.
        period_s: i64,
    },
    /// Requests per target were multiplied by a task count to make the service's traffic.
    PerTargetTimesTasks {
        /// The service.
        service: String,
        /// Where the count came from.
        tasks: String,
    },
    /// What one task serves is not recorded anywhere: assumed from the peak and the count.
    PerTaskAssumed {
        /// The service.
        service: String,
        /// Requests (or messages) per second per task assumed.
        per_task: f64,
        /// The recorded peak rate.
        peak: f64,
        /// The task count it was divided by.
        tasks: u32,
        /// `traffic` or `queue`.
        load: &'static str,
    },
    /// A queue's visible messages are a backlog, not arrivals: no queue load is made from them.
    QueueArrivalsUnknown {
        /// The service.
        service: String,
    },
    /// A series that is not load is kept for `ecsim calibrate`.
    Recorded {
        /// The service.
        service: String,
        /// The metric.
        metric: String,
        /// The file written.
        file: String,
    },
    /// The run starts at the metrics' first timestamp and lasts their span.
    StartFromMetrics {
        /// RFC 3339 start.
        start: String,
        /// Seconds.
        duration_s: i64,
    },
    /// Spot prices outside what the scenario can take were left out.
    SpotPricesLeftOut {
        /// How many.
        count: usize,
        /// Why.
        why: String,
    },
    /// Instance types copied into `instanceTypes`.
    InstanceTypesCopied {
        /// How many.
        count: usize,
    },
}

impl fmt::Display for Assumption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Assumption::*;
        match self {
            RegionDefault { region } => write!(
                f,
                "no ARN names a region: assumed {region}; set `region` if it is another"
            ),
            RegionsDiffer { chosen, other } => write!(
                f,
                "the files name regions {chosen} and {other} (ARNs, zones): used {chosen}, the \
                 nearest the cluster (its ARN, its services', its groups' zones, then the rest)"
            ),
            TaskDefinitionMissing {
                service,
                arn,
                cpu,
                memory,
            } => write!(
                f,
                "task definition {arn} of service {service} not given: assumed {cpu} CPU units \
                 and {memory} MiB; add `aws ecs describe-task-definition` output"
            ),
            GroupMissing {
                provider,
                group,
                instance_type,
                max_size,
            } => write!(
                f,
                "Auto Scaling group {group} of capacity provider {provider} not described: \
                 assumed {instance_type}, 0 to {max_size} instances; add `aws autoscaling \
                 describe-auto-scaling-groups` output"
            ),
            ProviderMissing {
                provider,
                instance_type,
                max_size,
            } => write!(
                f,
                "capacity provider {provider} is used but not described: assumed a group of \
                 {instance_type}, 0 to {max_size} instances, with managed scaling; add `aws ecs \
                 describe-capacity-providers` output"
            ),
            InstanceTypeUnknown { group, assumed } => write!(
                f,
                "the instance type of group {group} is in its launch template, not in the \
                 group: assumed {assumed}; set \
                 `capacityProviders[].autoScalingGroupProvider.autoScalingGroup.instanceTypes`"
            ),
            PurchaseMix {
                group,
                base,
                percent,
                chosen,
            } => write!(
                f,
                "group {group} buys OnDemandBaseCapacity {base} then {percent} % on demand \
                 above it: ecsim's `purchaseOption` is one option per group, assumed {chosen}"
            ),
            NoLoad { service } => write!(
                f,
                "no load given for service {service}: add `load`, or import its metrics \
                 (get-metric-data of its RequestCount)"
            ),
            LoadTaken { service, from } => write!(
                f,
                "service {service}: its load (and load balancer model) from {from}, as written \
                 there (AWS holds no load)"
            ),
            PoliciesWithoutLoad { service, policies } => write!(
                f,
                "service {service} has no load, so its scaling policies ({}) cannot see their \
                 metric: left out; give it `load` and they can be added back",
                policies.join(", ")
            ),
            StepPolicyWithoutAlarm { service, policy } => write!(
                f,
                "step policy {policy} of service {service}: no alarm's AlarmActions names it: \
                 left out; add `aws cloudwatch describe-alarms` output"
            ),
            NoScalableTarget { service, left_out } => write!(
                f,
                "service {service} has no scalable target: {} left out; add `aws \
                 application-autoscaling describe-scalable-targets --service-namespace ecs` \
                 output",
                left_out.join(", ")
            ),
            UnknownService { what, resource_id } => write!(
                f,
                "{what} names {resource_id}, a service not described: left out"
            ),
            LoadBalancerDefaults {
                service,
                target_group,
            } => write!(
                f,
                "service {service} is behind target group {target_group}: its health check \
                 and deregistration delay are not in describe-services output, ecsim's \
                 defaults used (30 s interval, 5 healthy checks, 300 s delay)"
            ),
            SetAside { owner, what } => write!(f, "{owner}: {what}"),
            MetricMatched { id, service, how } => {
                write!(f, "metric {id} read as service {service}'s (by {how})")
            }
            MetricUnmatched { id, file, why } => {
                write!(f, "metric {id} in {file} not used: {why}")
            }
            StatisticUsed {
                id,
                statistic,
                wanted,
            } => write!(
                f,
                "metric {id}: no {wanted} datapoints, its {statistic} read as the {wanted}; save \
                 get-metric-statistics with --statistics {wanted}"
            ),
            PeriodInferred { id, period_s } => write!(
                f,
                "metric {id}: period {period_s} s inferred from the timestamps' spacing; each \
                 Sum divided by it to make a rate per second"
            ),
            PeriodAssumed { id, period_s } => write!(
                f,
                "metric {id} has one datapoint: period assumed {period_s} s"
            ),
            PerTargetTimesTasks { service, tasks } => write!(
                f,
                "service {service}: traffic = RequestCountPerTarget rate × {tasks}"
            ),
            PerTaskAssumed {
                service,
                per_task,
                peak,
                tasks,
                load,
            } => {
                let (field, unit) = if *load == "queue" {
                    ("load.queue.perTaskMessagesPerSecond", "messages")
                } else {
                    ("load.perTask.maxRps", "requests")
                };
                write!(
                    f,
                    "service {service}: {field} assumed {per_task} (the recorded peak \
                     {peak} {unit}/s over its {tasks} desired tasks); fit it with `ecsim \
                     calibrate` or set it"
                )
            }
            QueueArrivalsUnknown { service } => write!(
                f,
                "service {service}: ApproximateNumberOfMessagesVisible is the queue's backlog, \
                 not its arrivals, so no `load.queue` is made from it; import \
                 NumberOfMessagesSent (Sum) for the arrivals"
            ),
            Recorded {
                service,
                metric,
                file,
            } => write!(
                f,
                "{metric} of service {service} is not load: kept in {file} for `ecsim \
                 calibrate`"
            ),
            StartFromMetrics { start, duration_s } => write!(
                f,
                "the run starts at the metrics' first timestamp {start} and lasts their span, \
                 {duration_s} s"
            ),
            SpotPricesLeftOut { count, why } => {
                write!(f, "{count} Spot prices left out: {why}")
            }
            InstanceTypesCopied { count } => write!(
                f,
                "{count} instance types copied into `instanceTypes`; give each a price in \
                 `pricing.ec2` unless the built-in table has it"
            ),
        }
    }
}
