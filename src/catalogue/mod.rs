//! The static AWS tables, in one place: instance types and their hardware
//! ([`instance_types`]), regions and their zones ([`regions`]), Fargate task sizes
//! ([`fargate`]) and the built-in prices with their sources ([`prices`]). Data only, with the
//! lookups that answer "is this a known X": the scenario checks, billing, placement (CPU
//! architecture) and the model read these tables and keep no copy of their own.

pub mod fargate;
pub mod instance_types;
pub mod prices;
pub mod regions;
