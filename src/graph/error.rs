use crate::calendar::CalendarError;
use crate::catalog::ItemCode;
use crate::limit::TimeLimit;

use super::{StageId, StepId};

/// What is wrong with an approval graph, its plan or its run. Every variant
/// names the steps at fault.
///
/// # Example
///
/// ```
/// use shenpi::graph::{GraphError, StepId};
///
/// let err = StepId::new("").unwrap_err();
/// assert!(matches!(err, GraphError::InvalidId { .. }));
/// assert_eq!(err.to_string(), "step id \"\" is blank");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// An identifier that is blank, holds a control character or has
    /// surrounding whitespace.
    #[error("{what} {id:?} {fault}")]
    #[non_exhaustive]
    InvalidId {
        /// What kind of id.
        what: &'static str,
        /// The text given.
        id: String,
        /// What is wrong with it.
        fault: &'static str,
    },
    /// A date of a plan or run falls outside the calendar's covered years.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A graph without steps.
    #[error("an approval graph needs at least one step")]
    Empty,
    /// A graph with more steps than [`ApprovalGraph::MAX_STEPS`](super::ApprovalGraph::MAX_STEPS).
    #[error("the graph has {steps} steps, more than the maximum {max}")]
    #[non_exhaustive]
    TooManySteps {
        /// How many steps the graph has.
        steps: usize,
        /// The maximum, [`ApprovalGraph::MAX_STEPS`](super::ApprovalGraph::MAX_STEPS).
        max: usize,
    },
    /// Two steps share an id.
    #[error("step {step} is defined twice")]
    #[non_exhaustive]
    DuplicateStep {
        /// The id used twice.
        step: StepId,
    },
    /// Two stages share an id.
    #[error("stage {stage} is defined twice")]
    #[non_exhaustive]
    DuplicateStage {
        /// The id used twice.
        stage: StageId,
    },
    /// A step refers to a step the graph does not have.
    #[error("step {referenced_by} refers to unknown step {step}")]
    #[non_exhaustive]
    UnknownStep {
        /// The unknown id.
        step: StepId,
        /// The step (or `start`) that refers to it.
        referenced_by: StepId,
    },
    /// A step asked about is not in the graph.
    #[error("the graph has no step {step}")]
    #[non_exhaustive]
    NoSuchStep {
        /// The step asked about.
        step: StepId,
    },
    /// A run does not belong to this graph (it has another number of steps
    /// or stages).
    #[error("the run has {run_steps} steps and {run_stages} stages, but the graph has {graph_steps} and {graph_stages}")]
    #[non_exhaustive]
    RunDoesNotFit {
        /// Steps in the run.
        run_steps: usize,
        /// Stages in the run.
        run_stages: usize,
        /// Steps in the graph.
        graph_steps: usize,
        /// Stages in the graph.
        graph_stages: usize,
    },
    /// A run's snapshot does not fit its graph in a way no sequence of
    /// commands could produce, such as its start step still waiting (see
    /// [`GraphRun`](super::GraphRun)'s "Stored snapshots"); the run's own
    /// commands refuse it with
    /// [`RunError::InconsistentSnapshot`](super::RunError::InconsistentSnapshot).
    #[error("inconsistent run snapshot: {what}")]
    #[non_exhaustive]
    InconsistentRun {
        /// What does not fit.
        what: &'static str,
    },
    /// A step names a stage the graph does not have.
    #[error("step {step} is in unknown stage {stage}")]
    #[non_exhaustive]
    UnknownStage {
        /// The unknown stage.
        stage: StageId,
        /// The step naming it.
        step: StepId,
    },
    /// The start step is not a step of the graph.
    #[error("the start step {step} is not in the graph")]
    #[non_exhaustive]
    UnknownStart {
        /// The start named.
        step: StepId,
    },
    /// The start step has predecessors.
    #[error("the start step {step} must not come after other steps")]
    #[non_exhaustive]
    StartHasPredecessors {
        /// The start step.
        step: StepId,
    },
    /// The start step belongs to a stage after the first.
    #[error("the start step {step} is in stage {stage}, not the first stage")]
    #[non_exhaustive]
    StartNotInFirstStage {
        /// The start step.
        step: StepId,
        /// Its stage.
        stage: StageId,
    },
    /// Steps that wait for each other in a loop (found as a strongly
    /// connected component); stages are listed when a stage gate closes the
    /// loop.
    #[error("steps {} wait for each other in a cycle", list(.steps))]
    #[non_exhaustive]
    Cycle {
        /// Every step on the loop, in id order.
        steps: Vec<StepId>,
        /// The stages whose gates are on the loop, if any.
        stages: Vec<StageId>,
    },
    /// A step no path from the start reaches.
    #[error("step {step} cannot be reached from the start step {start}")]
    #[non_exhaustive]
    Unreachable {
        /// The unreachable step.
        step: StepId,
        /// The start step.
        start: StepId,
    },
    /// A join asks for more predecessors than the step has.
    #[error("step {step} joins at least {k} of only {predecessors} predecessors")]
    #[non_exhaustive]
    JoinTooLarge {
        /// The step.
        step: StepId,
        /// The join's k.
        k: u32,
        /// How many predecessors it has.
        predecessors: usize,
    },
    /// An at-least join of zero, which waits for nothing.
    #[error("step {step} joins at least 0 predecessors; use at least 1")]
    #[non_exhaustive]
    JoinZero {
        /// The step.
        step: StepId,
    },
    /// A step's limit is not in working days (plans count working days).
    #[error("step {step} has limit {limit}; step limits count working days")]
    #[non_exhaustive]
    LimitNotWorkingDays {
        /// The step.
        step: StepId,
        /// Its limit.
        limit: TimeLimit,
    },
    /// A fallback that cannot stand in for its step.
    #[error("step {step} has fallback {fallback}, which {fault}")]
    #[non_exhaustive]
    InvalidFallback {
        /// The step naming the fallback.
        step: StepId,
        /// The fallback named.
        fallback: StepId,
        /// What is wrong.
        fault: &'static str,
    },
    /// A step's item is not in the catalog.
    #[error("step {step} handles item {item}, which is not in the catalog")]
    #[non_exhaustive]
    UnknownItem {
        /// The step.
        step: StepId,
        /// The item code.
        item: ItemCode,
    },
    /// A step's limit exceeds its item's statutory limit.
    #[error(
        "step {step} has limit {limit}, beyond the statutory limit {statutory} of item {item}"
    )]
    #[non_exhaustive]
    LimitExceedsStatutory {
        /// The step.
        step: StepId,
        /// The item.
        item: ItemCode,
        /// The step's limit.
        limit: TimeLimit,
        /// The item's statutory limit.
        statutory: TimeLimit,
    },
}

fn list(steps: &[StepId]) -> String {
    steps.iter().map(StepId::as_str).collect::<Vec<_>>().join(", ")
}
