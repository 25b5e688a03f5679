//! What a run leaves behind: `report.json` (schema `ecsim.report/1`, the stable fields of
//! product.md that exist so far), the printed summary (`summary.txt`), report.html, the charts
//! and the CSV tables.
//!
//! - `types.rs`: the serialized [`Report`] and its parts.
//! - `build.rs`: [`build`], the report of a finished world and what its [`Recorder`] kept.
//! - [`recorder`]: the [`Recorder`], the model's observer ([`crate::model::observe`]) that
//!   records a run for its report.
//! - `text.rs`: the summary's parts ([`tables`]), [`summary`] and the aligned text `table`.
//! - `write.rs`: [`write_all`], the run's output set, and activities.csv.
//! - [`series`] (CSV tables streamed during the run), [`chartdata`] (chart series recorded
//!   during the run), [`charts`] (drawing), [`html`] (report.html).

mod build;
pub mod chartdata;
pub mod charts;
pub mod html;
pub mod recorder;
pub mod series;
mod text;
mod types;
mod write;

pub use build::build;
pub use recorder::{Recorder, Recording};
pub use text::{Part, headline, summary, tables};
pub(crate) use text::{numeric_column, table};
pub use types::{
    AvailabilityReport, CapacityReport, CostReport, EngineReport, InterruptionsReport, JobReport,
    PlacementReport, ProviderReport, QueueReport, Report, SCHEMA, ScenarioInfo,
    ServiceAvailability, ServiceReport,
};
pub use write::{activities_csv, write_activities_csv, write_all};
