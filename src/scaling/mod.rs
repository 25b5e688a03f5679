//! Application Auto Scaling's policy arithmetic for ECS services, as pure functions: values in,
//! a decision and a human explanation out. Nothing here touches the event queue or the clock;
//! the rules and their sources are in aws-behaviour.md §1.
//!
//! How the world uses these pieces, once per metric period (60 s, or 20 s for the
//! high-resolution metrics):
//!
//! 1. It publishes one datapoint per metric of each scaled service — CPU or memory utilisation,
//!    ALBRequestCountPerTarget, or a customized metric whose [`math::Expr`] it evaluates (None
//!    when a term is missing or it divides by zero).
//! 2. It pushes the datapoint to every [`alarm::Alarm`] on that metric: the two that each target
//!    tracking policy creates ([`alarm::Alarm::target_tracking_high`] and
//!    [`alarm::Alarm::target_tracking_low`]) and the user's alarm of each step policy.
//! 3. For each alarm in ALARM it asks the owning policy for a [`policy::Proposal`]:
//!    [`policy::target_tracking`] or [`step::step_proposal`] (which takes
//!    [`policy::CooldownState::out_base`] during a scale-out cooldown).
//! 4. It hands all proposals of the service to [`policy::decide`], which applies "out if any,
//!    in only if all", the largest-capacity rule and the cooldowns, and returns at most one
//!    [`policy::Decision`] to apply to the desired count (suppressing scale-in during a
//!    deployment is the world's job: it simply passes no In proposals then).

pub mod alarm;
pub mod math;
pub mod policy;
pub mod step;
