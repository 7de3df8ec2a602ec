//! Parallel-approval graphs (并联审批): definition, planning and runs.
//!
//! Departments review at the same time instead of one after another; a
//! joint meeting watches the steps that block. An [`ApprovalGraph`] holds
//! the steps (each one approval item of one department within a limit), the
//! precedence between them with a join rule per step (all, any, at least
//! k), and the stages of construction-project approval, each with a lead
//! department and a gate (一家牵头、并联审批、限时办结).

mod definition;
mod error;
mod ids;
mod picture;
mod plan;
mod run;
mod run_view;
mod step;

pub(crate) use definition::Node;
pub use definition::{ApprovalGraph, ApprovalGraphBuilder};
pub use error::GraphError;
pub use ids::{StageId, StepId};
pub use plan::{Plan, StepPlan};
pub use run::{
    default_run_policy, GraphRun, RunCommand, RunCommandKind, RunError, RunEvent, RunState,
    RunTransition, StepChange, StepStatus, StepStatusKind,
};
pub use run_view::{RunRecord, RunSnapshot, StepRecord};
pub use step::{Join, Requirement, Stage, Step};
