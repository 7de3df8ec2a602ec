use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::definition::Node;
use super::{ApprovalGraph, Requirement, StepId};
use crate::calendar::WorkCalendar;
use crate::case::{CaseId, Decision};
use crate::limit::{LegalClock, LimitError};
use crate::machine::{
    remember, screen, Envelope, LastCommand, Named, Role, RolePolicy, Transition,
};

/// Where one step of a run stands, with the data of that status.
///
/// In JSON: `{"status": "in_progress", "case": "JO-1", "since": "…"}`.
///
/// # Example
///
/// ```
/// use shenpi::graph::StepStatus;
///
/// assert!(StepStatus::Waiting.is_pending());
/// assert!(!StepStatus::Waiting.is_final());
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::graph::StepStatus;
/// # let at = |s| chrono::DateTime::parse_from_rfc3339(s).unwrap();
///
/// let ready = StepStatus::Ready { since: at("2026-03-02T09:00:00+08:00") };
/// assert_eq!(serde_json::to_string(&ready)?, r#"{"status":"ready","since":"2026-03-02T09:00:00+08:00"}"#);
/// assert_eq!(serde_json::from_str::<StepStatus>(r#"{"status": "waiting"}"#)?, StepStatus::Waiting);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum StepStatus {
    /// Waiting for predecessors or a stage gate.
    Waiting,
    /// Ready to start since `since`.
    Ready {
        /// When it became ready.
        since: DateTime<FixedOffset>,
    },
    /// A department is handling it in case `case`.
    InProgress {
        /// The case handling it.
        case: CaseId,
        /// When it started.
        since: DateTime<FixedOffset>,
    },
    /// Decided.
    Done {
        /// The case's decision.
        decision: Decision,
        /// When it started.
        started: DateTime<FixedOffset>,
        /// When it was decided.
        at: DateTime<FixedOffset>,
    },
    /// An optional step skipped. It counts as passed once its own join and
    /// stage gate are met (see [`RunCommand::SkipStep`]).
    Skipped {
        /// When.
        at: DateTime<FixedOffset>,
    },
    /// No longer needed: a join was met without it, its step was approved
    /// (for a fallback), or the run ended.
    NotNeeded {
        /// When.
        at: DateTime<FixedOffset>,
    },
}

impl StepStatus {
    /// The kind of this status.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::graph::{StepStatus, StepStatusKind};
    ///
    /// assert_eq!(StepStatus::Waiting.kind(), StepStatusKind::Waiting);
    /// ```
    pub fn kind(&self) -> StepStatusKind {
        match self {
            StepStatus::Waiting => StepStatusKind::Waiting,
            StepStatus::Ready { .. } => StepStatusKind::Ready,
            StepStatus::InProgress { .. } => StepStatusKind::InProgress,
            StepStatus::Done { decision, .. } if decision.is_approval() => StepStatusKind::Approved,
            StepStatus::Done { .. } => StepStatusKind::Denied,
            StepStatus::Skipped { .. } => StepStatusKind::Skipped,
            StepStatus::NotNeeded { .. } => StepStatusKind::NotNeeded,
        }
    }

    /// Whether the step still has work ahead (waiting, ready or in
    /// progress).
    ///
    /// # Example
    ///
    /// See [`StepStatus`].
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            StepStatus::Waiting | StepStatus::Ready { .. } | StepStatus::InProgress { .. }
        )
    }

    /// Whether the step is settled (decided, skipped or not needed).
    ///
    /// # Example
    ///
    /// See [`StepStatus`].
    pub fn is_final(&self) -> bool {
        !self.is_pending()
    }

    fn approved(&self) -> bool {
        matches!(self, StepStatus::Done { decision, .. } if decision.is_approval())
    }
}

/// The kind of a [`StepStatus`], for colouring pictures and counting.
///
/// # Example
///
/// ```
/// use shenpi::graph::StepStatusKind;
/// use shenpi::machine::Named;
///
/// assert_eq!(StepStatusKind::InProgress.name(), "in_progress");
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::graph::StepStatusKind;
///
/// assert_eq!(serde_json::to_string(&StepStatusKind::InProgress)?, r#""in_progress""#);
/// assert_eq!(serde_json::from_str::<StepStatusKind>(r#""waiting""#)?, StepStatusKind::Waiting);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepStatusKind {
    /// See [`StepStatus::Waiting`].
    Waiting,
    /// See [`StepStatus::Ready`].
    Ready,
    /// See [`StepStatus::InProgress`].
    InProgress,
    /// Done and approved (with or without deficiency).
    Approved,
    /// Done and denied.
    Denied,
    /// See [`StepStatus::Skipped`].
    Skipped,
    /// See [`StepStatus::NotNeeded`].
    NotNeeded,
}

impl Named for StepStatusKind {
    fn name(&self) -> &'static str {
        match self {
            StepStatusKind::Waiting => "waiting",
            StepStatusKind::Ready => "ready",
            StepStatusKind::InProgress => "in_progress",
            StepStatusKind::Approved => "approved",
            StepStatusKind::Denied => "denied",
            StepStatusKind::Skipped => "skipped",
            StepStatusKind::NotNeeded => "not_needed",
        }
    }
}

impl fmt::Display for StepStatusKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a run stands as a whole.
///
/// # Example
///
/// ```
/// use shenpi::graph::RunState;
///
/// assert!(!RunState::Running.is_over());
/// assert!(RunState::Completed.is_over());
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::graph::RunState;
///
/// assert_eq!(serde_json::to_string(&RunState::Completed)?, r#""completed""#);
/// assert_eq!(serde_json::from_str::<RunState>(r#""running""#)?, RunState::Running);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// Steps remain.
    Running,
    /// Every step is settled and the run succeeded.
    Completed,
    /// A required step was denied with no fallback left.
    Failed,
    /// Cancelled.
    Cancelled,
}

impl RunState {
    /// Whether the run accepts no more commands.
    ///
    /// # Example
    ///
    /// See [`RunState`].
    pub fn is_over(&self) -> bool {
        !matches!(self, RunState::Running)
    }
}

impl Named for RunState {
    fn name(&self) -> &'static str {
        match self {
            RunState::Running => "running",
            RunState::Completed => "completed",
            RunState::Failed => "failed",
            RunState::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for RunState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What someone asks of a run. Wrapped in an [`Envelope`] it is a
/// [`RunEvent`], what the host stores.
///
/// In JSON: `{"command": "conclude_step", "step": "environment",
/// "decision": "approved"}`.
///
/// # Example
///
/// ```
/// use shenpi::graph::{RunCommand, StepId};
///
/// let start = RunCommand::StartStep { step: StepId::new("land")?, case: "JO-7".parse()? };
/// assert_eq!(
///     serde_json::to_string(&start)?,
///     r#"{"command":"start_step","step":"land","case":"JO-7"}"#,
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum RunCommand {
    /// A department starts a ready step, handling it in `case`.
    StartStep {
        /// The step.
        step: StepId,
        /// The case that handles it.
        case: CaseId,
    },
    /// A step's case is decided.
    ConcludeStep {
        /// The step.
        step: StepId,
        /// The case's decision.
        decision: Decision,
    },
    /// An optional step is skipped: its work will not be done. Allowed
    /// while the step is waiting or ready; a required step is refused
    /// ([`RunError::Required`]).
    ///
    /// A skipped step counts as passed for its successors (and their joins)
    /// only once its own join rule and stage gate are met, as if it had
    /// started then and been approved at once: skipping never lets a run
    /// past a step it was still waiting for. Skipped while it still waits
    /// on a required step that is then denied, it passes when a fallback
    /// standing in for that step is approved, and the run fails if none is
    /// left. Until then it keeps the steps it waits for needed, as a
    /// waiting step does. A fallback skipped while it waits will not stand
    /// in, and neither will the fallbacks behind it (they are no longer
    /// needed): if its step is then denied, the denial fails the run when
    /// that step is required. A fallback skipped while it stands in (ready
    /// after its step's denial) is given up as if it were denied: its own
    /// fallback takes over, or the run fails when the step it stands in
    /// for is required.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, FixedOffset};
    /// use shenpi::case::Decision;
    /// use shenpi::catalog::{DepartmentId, ItemCode};
    /// use shenpi::graph::{ApprovalGraph, GraphRun, Requirement, RunCommand, RunEvent, RunState, Step, StepId};
    /// use shenpi::limit::TimeLimit;
    /// use shenpi::machine::{Actor, ActorId, Role};
    ///
    /// let id = |s: &str| StepId::new(s).unwrap();
    /// let step = |s: &str, after: &[&str]| {
    ///     Step::new(id(s), ItemCode::new(s).unwrap(), DepartmentId::new(s).unwrap(), TimeLimit::working_days(5))
    ///         .after(after.iter().map(|a| id(a)))
    /// };
    /// // Land use, then an optional energy review, then the permit.
    /// let graph = ApprovalGraph::builder("factory", id("land"))
    ///     .step(step("land", &[]))
    ///     .step(step("energy", &["land"]).requirement(Requirement::Optional))
    ///     .step(step("permit", &["energy"]))
    ///     .build()?;
    /// let at = |s: &str| DateTime::<FixedOffset>::parse_from_rfc3339(s).unwrap();
    /// let reviewer = Actor::new(ActorId::new("rev-1")?, Role::Reviewer);
    /// let team = Actor::new(ActorId::new("team-1")?, Role::SpecialTeam);
    /// let mut run = GraphRun::new(&graph, at("2026-03-02T09:00:00+08:00"));
    /// // The special team waives the energy review before land use is decided:
    /// // the permit still waits for land use.
    /// let skip = RunCommand::SkipStep { step: id("energy") };
    /// run.apply(&graph, &RunEvent::new(team, at("2026-03-02T10:00:00+08:00"), skip))?;
    /// assert_eq!(run.ready(&graph).collect::<Vec<_>>(), [&id("land")]);
    /// let start = RunCommand::StartStep { step: id("land"), case: "JO-1".parse()? };
    /// run.apply(&graph, &RunEvent::new(reviewer.clone(), at("2026-03-02T11:00:00+08:00"), start))?;
    /// // Land use denied, with no fallback: the run fails.
    /// let deny = RunCommand::ConcludeStep { step: id("land"), decision: Decision::Denied };
    /// run.apply(&graph, &RunEvent::new(reviewer, at("2026-03-03T11:00:00+08:00"), deny))?;
    /// assert_eq!(run.state(), RunState::Failed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    SkipStep {
        /// The step.
        step: StepId,
    },
    /// The whole run is cancelled.
    Cancel {
        /// The written reason.
        reason: String,
    },
}

impl RunCommand {
    /// The kind of this command.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::graph::{RunCommand, RunCommandKind};
    ///
    /// let cancel = RunCommand::Cancel { reason: "project withdrawn".into() };
    /// assert_eq!(cancel.kind(), RunCommandKind::Cancel);
    /// ```
    pub fn kind(&self) -> RunCommandKind {
        match self {
            RunCommand::StartStep { .. } => RunCommandKind::StartStep,
            RunCommand::ConcludeStep { .. } => RunCommandKind::ConcludeStep,
            RunCommand::SkipStep { .. } => RunCommandKind::SkipStep,
            RunCommand::Cancel { .. } => RunCommandKind::Cancel,
        }
    }
}

/// The kind of a [`RunCommand`].
///
/// # Example
///
/// ```
/// use shenpi::graph::RunCommandKind;
/// use shenpi::machine::Named;
///
/// assert_eq!(RunCommandKind::SkipStep.name(), "skip_step");
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::graph::RunCommandKind;
///
/// assert_eq!(serde_json::to_string(&RunCommandKind::ConcludeStep)?, r#""conclude_step""#);
/// assert_eq!(serde_json::from_str::<RunCommandKind>(r#""start_step""#)?, RunCommandKind::StartStep);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RunCommandKind {
    /// See [`RunCommand::StartStep`].
    StartStep,
    /// See [`RunCommand::ConcludeStep`].
    ConcludeStep,
    /// See [`RunCommand::SkipStep`].
    SkipStep,
    /// See [`RunCommand::Cancel`].
    Cancel,
}

impl Named for RunCommandKind {
    fn name(&self) -> &'static str {
        match self {
            RunCommandKind::StartStep => "start_step",
            RunCommandKind::ConcludeStep => "conclude_step",
            RunCommandKind::SkipStep => "skip_step",
            RunCommandKind::Cancel => "cancel",
        }
    }
}

impl fmt::Display for RunCommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A command with who issued it and when.
///
/// # JSON
///
/// ```
/// use shenpi::graph::{RunCommand, RunEvent};
///
/// let event: RunEvent = serde_json::from_str(r#"{
///   "actor": {"id": "rev-3", "role": "reviewer"},
///   "at": "2026-03-02T09:30:00+08:00",
///   "payload": {"command": "start_step", "step": "filing", "case": "C-1"}
/// }"#)?;
/// assert!(matches!(event.payload, RunCommand::StartStep { ref step, .. } if step.as_str() == "filing"));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub type RunEvent = Envelope<RunCommand>;

/// One step whose status a command changed.
///
/// # Example
///
/// See [`GraphRun::apply`].
///
/// # JSON
///
/// ```
/// use shenpi::graph::{StepChange, StepStatusKind};
///
/// let change: StepChange =
///     serde_json::from_str(r#"{"step": "filing", "from": "ready", "to": "in_progress"}"#)?;
/// assert_eq!((change.from, change.to), (StepStatusKind::Ready, StepStatusKind::InProgress));
/// assert_eq!(serde_json::to_string(&change)?, r#"{"step":"filing","from":"ready","to":"in_progress"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct StepChange {
    /// The step.
    pub step: StepId,
    /// Its status kind before.
    pub from: StepStatusKind,
    /// Its status kind after.
    pub to: StepStatusKind,
}

/// What an accepted run command did: the run's own transition and every
/// step it changed, in the order they changed.
///
/// # Example
///
/// See [`GraphRun::apply`].
///
/// # JSON
///
/// ```
/// use shenpi::graph::{RunCommandKind, RunState, RunTransition};
///
/// let t: RunTransition = serde_json::from_str(r#"{
///   "run": {"from": "running", "command": "start_step", "to": "running", "at": "2026-03-02T09:30:00+08:00"},
///   "steps": [{"step": "filing", "from": "ready", "to": "in_progress"}]
/// }"#)?;
/// assert_eq!((t.run.from, t.run.command), (RunState::Running, RunCommandKind::StartStep));
/// assert_eq!(t.steps.len(), 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RunTransition {
    /// The run's state before and after.
    pub run: Transition<RunState, RunCommandKind>,
    /// The steps changed.
    pub steps: Vec<StepChange>,
}

/// Why a run refused a command; the run is left untouched.
///
/// # Example
///
/// See [`GraphRun::apply`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The command expected the run at another event count: the writer
    /// worked from an older (or newer) copy. Nothing changed.
    #[error("stale command: expected the run at {expected} events, but it has taken {actual}")]
    #[non_exhaustive]
    Stale {
        /// The count the envelope expected.
        expected: u64,
        /// The run's count.
        actual: u64,
    },
    /// The run has taken [`MAX_EVENTS`](crate::machine::MAX_EVENTS) events
    /// and takes no more.
    #[error("the run has taken {max} events, the most a run may take")]
    #[non_exhaustive]
    HistoryFull {
        /// The maximum, [`MAX_EVENTS`](crate::machine::MAX_EVENTS).
        max: u64,
    },
    /// A step's deadline cannot be given by the calendar (it falls past the
    /// last published year): see [`GraphRun::apply_on`].
    #[error("step {step} cannot start: {reason}")]
    #[non_exhaustive]
    StepDeadline {
        /// The step.
        step: StepId,
        /// Why its deadline cannot be given.
        reason: LimitError,
    },
    /// The command names a step the graph does not have.
    #[error("the graph has no step {step}")]
    #[non_exhaustive]
    UnknownStep {
        /// The step named.
        step: StepId,
    },
    /// The step's status does not allow the command.
    #[error("command {command} is not allowed for step {step}, which is {status}")]
    #[non_exhaustive]
    StepNotAllowed {
        /// The step.
        step: StepId,
        /// Its status.
        status: StepStatusKind,
        /// The command refused.
        command: RunCommandKind,
    },
    /// Only optional steps may be skipped.
    #[error("step {step} is required and cannot be skipped")]
    #[non_exhaustive]
    Required {
        /// The step.
        step: StepId,
    },
    /// The run is over.
    #[error("the run is {state} and accepts no command {command}")]
    #[non_exhaustive]
    RunOver {
        /// The run's state.
        state: RunState,
        /// The command refused.
        command: RunCommandKind,
    },
    /// The role policy refuses the actor.
    #[error("role {role} may not issue command {command}")]
    #[non_exhaustive]
    RoleNotAllowed {
        /// The actor's role.
        role: Role,
        /// The command.
        command: RunCommandKind,
    },
    /// The command's instant is before the run's latest event.
    #[error("command at {at} is before the run's last event at {last}")]
    #[non_exhaustive]
    TimeWentBackwards {
        /// The command's instant.
        at: DateTime<FixedOffset>,
        /// The latest event's instant.
        last: DateTime<FixedOffset>,
    },
    /// A cancellation needs a written reason.
    #[error("a cancellation needs a written reason")]
    EmptyReason,
    /// The run does not belong to this graph (a stored run decoded against
    /// another graph, or the graph changed since).
    #[error("the run has {run_steps} steps and {run_stages} stages, but the graph has {graph_steps} and {graph_stages}")]
    #[non_exhaustive]
    DoesNotFit {
        /// Steps in the run.
        run_steps: usize,
        /// Stages in the run.
        run_stages: usize,
        /// Steps in the graph.
        graph_steps: usize,
        /// Stages in the graph.
        graph_stages: usize,
    },
    /// A stored run snapshot contradicts itself, or does not fit its
    /// graph in a way no sequence of commands could produce (see
    /// [`GraphRun`]'s "Stored snapshots").
    #[error("inconsistent run snapshot: {what}")]
    #[non_exhaustive]
    InconsistentSnapshot {
        /// What does not fit.
        what: &'static str,
    },
    /// A history to replay refused one event.
    #[error("event {index} of the run's history was refused")]
    #[non_exhaustive]
    Replay {
        /// The index of the refused event.
        index: usize,
        /// Why.
        #[source]
        source: Box<RunError>,
    },
}

/// The default role policy of a run: reviewers start and conclude steps
/// (department heads may too); the special team (专班) or a department head
/// skips optional steps; the special team or the agent (代办员) cancels.
///
/// # Example
///
/// ```
/// use shenpi::graph::{default_run_policy, RunCommandKind};
/// use shenpi::machine::Role;
///
/// assert!(default_run_policy().allows(RunCommandKind::SkipStep, Role::SpecialTeam));
/// assert!(!default_run_policy().allows(RunCommandKind::ConcludeStep, Role::Agent));
/// ```
pub fn default_run_policy() -> RolePolicy<RunCommandKind> {
    RolePolicy::new()
        .allow(RunCommandKind::StartStep, [Role::Reviewer, Role::DepartmentHead])
        .allow(RunCommandKind::ConcludeStep, [Role::Reviewer, Role::DepartmentHead])
        .allow(RunCommandKind::SkipStep, [Role::SpecialTeam, Role::DepartmentHead])
        .allow(RunCommandKind::Cancel, [Role::SpecialTeam, Role::Agent])
}

/// A run of an approval graph: one project going through it, as a state
/// machine over the graph's steps.
///
/// The start step is ready when the run begins. Each step goes waiting →
/// ready → in progress (with its case) → done (approved or denied), or is
/// skipped (optional steps) or no longer needed. A step becomes ready when
/// its join rule is met and the gate of the stage before its own has passed
/// (all of that stage's required steps approved). When an any- or
/// at-least-k join is met, its other predecessors still pending are no
/// longer needed, unless another step or a stage gate still waits for them.
/// Optional steps never block: denied, they count as passed; skipped, they
/// count as passed once their own join and gate are met, so a skip never
/// lets the run past a step it was still waiting for. A denied required
/// step hands over to its fallback if it names one (the fallback,
/// approved, stands in for it); otherwise the run fails. The run completes
/// when no step is pending.
///
/// Like a case, a run checks each command and either records it, returning
/// a [`RunTransition`], or refuses it with a [`RunError`] and stays as it
/// was; [`replay`](Self::replay) rebuilds it from stored events.
///
/// # Example
///
/// ```
/// use chrono::{DateTime, FixedOffset};
/// use shenpi::catalog::{DepartmentId, ItemCode};
/// use shenpi::case::{CaseId, Decision};
/// use shenpi::graph::{ApprovalGraph, GraphRun, Join, RunCommand, RunEvent, RunState, Step, StepId};
/// use shenpi::limit::TimeLimit;
/// use shenpi::machine::{Actor, ActorId, Role};
///
/// let id = |s: &str| StepId::new(s).unwrap();
/// let step = |s: &str, after: &[&str]| {
///     Step::new(id(s), ItemCode::new(s).unwrap(), DepartmentId::new(s).unwrap(), TimeLimit::working_days(5))
///         .after(after.iter().map(|a| id(a)))
/// };
/// let graph = ApprovalGraph::builder("two reviews", id("filing"))
///     .step(step("filing", &[]))
///     .step(step("fire", &["filing"]))
///     .step(step("planning", &["filing"]))
///     .step(step("permit", &["fire", "planning"]).join(Join::All))
///     .build()?;
/// let reviewer = Actor::new(ActorId::new("rev-1")?, Role::Reviewer);
/// fn at(s: &str) -> DateTime<FixedOffset> {
///     DateTime::parse_from_rfc3339(s).unwrap()
/// }
/// let mut run = GraphRun::new(&graph, at("2026-03-02T09:00:00+08:00"));
/// let start = |s: &str| RunCommand::StartStep { step: id(s), case: format!("case-{s}").parse().unwrap() };
/// let approve = |s: &str| RunCommand::ConcludeStep { step: id(s), decision: Decision::Approved };
/// for (when, command) in [
///     ("2026-03-02T09:00:00+08:00", start("filing")),
///     ("2026-03-02T10:00:00+08:00", approve("filing")),
///     ("2026-03-02T10:30:00+08:00", start("fire")),
///     ("2026-03-02T11:00:00+08:00", start("planning")),
///     ("2026-03-04T10:00:00+08:00", approve("fire")),
///     ("2026-03-05T10:00:00+08:00", approve("planning")),
///     ("2026-03-05T11:00:00+08:00", start("permit")),
/// ] {
///     run.apply(&graph, &RunEvent::new(reviewer.clone(), at(when), command))?;
/// }
/// // Both reviews are in: the permit is under way.
/// assert_eq!(run.state(), RunState::Running);
/// let last = RunEvent::new(reviewer, at("2026-03-06T10:00:00+08:00"), approve("permit"));
/// let t = run.apply(&graph, &last)?;
/// assert_eq!(t.run.to, RunState::Completed);
/// assert_eq!(run.state(), RunState::Completed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::graph::GraphRun;
/// # let at = |s| chrono::DateTime::parse_from_rfc3339(s).unwrap();
/// # use shenpi::catalog::{DepartmentId, ItemCode};
/// # use shenpi::graph::{ApprovalGraph, Step, StepId};
/// # use shenpi::limit::TimeLimit;
/// # let filing = StepId::new("filing")?;
/// # let graph = ApprovalGraph::builder("备案", filing.clone())
/// #     .step(Step::new(filing, ItemCode::new("XK-1")?, DepartmentId::new("发改局")?, TimeLimit::working_days(2)))
/// #     .build()?;
///
/// let run = GraphRun::new(&graph, at("2026-03-02T09:00:00+08:00"));
/// let json = serde_json::to_value(&run)?;
/// assert_eq!(json["state"], "running");
/// assert_eq!(json["steps"], serde_json::json!([{"status": "ready", "since": "2026-03-02T09:00:00+08:00"}]));
/// assert_eq!(serde_json::from_value::<GraphRun>(json)?, run);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Stored snapshots
///
/// A decoded run is checked against what [`apply`](Self::apply) can
/// produce, and refused with [`RunError::InconsistentSnapshot`] otherwise:
///
/// - it has at least one step (a graph has), and at most
///   [`MAX_EVENTS`](crate::machine::MAX_EVENTS) events;
/// - `ended_at` is set exactly when the run is over, and is then its last
///   event's instant (an over run takes no more commands);
/// - a running run has a step still pending (once none is, it completes);
///   an over run has none (ending sets them not needed);
/// - a failed run has a denied step (only a denial fails a run);
/// - a run with no events is running and has its last event at its start;
/// - every instant lies between the start and the last event, and a
///   decided step started no later than it was decided;
/// - each step in progress took a command, each decided one two (start and
///   conclusion), each skipped one one: together no more than `events`;
/// - gates pass in stage order: no stage's gate has passed while the one
///   before it has not;
/// - `last_command`, when present, is a command a running run took at
///   `last_at` that left it in its present state (only a cancellation
///   cancels; a start neither completes nor fails a run).
///
/// A snapshot is decoded without its graph: whether it has the graph's
/// numbers of steps and stages, and whether the graph's start step has left
/// waiting (it is ready from the start), are checked when it is used with a
/// graph ([`status`](Self::status), [`apply`](Self::apply) and the like).
///
/// ```
/// use shenpi::graph::GraphRun;
///
/// // "Completed" with its only step still waiting, no end, and its last
/// // event before its start.
/// let json = r#"{"state": "completed", "started_at": "2026-03-02T09:00:00+08:00",
///   "ended_at": null, "last_at": "2026-03-01T09:00:00+08:00",
///   "steps": [{"status": "waiting"}], "gates": [], "events": 3}"#;
/// let err = serde_json::from_str::<GraphRun>(json).unwrap_err();
/// assert!(err.to_string().starts_with("inconsistent run snapshot: "), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawRun", into = "RawRun")]
pub struct GraphRun {
    state: RunState,
    started_at: DateTime<FixedOffset>,
    ended_at: Option<DateTime<FixedOffset>>,
    last_at: DateTime<FixedOffset>,
    /// Status of each step, in the graph's step (id) order.
    steps: Vec<StepStatus>,
    /// Whether each stage's gate has passed.
    gates: Vec<bool>,
    events: u64,
    /// Its latest command, when that carried an id: answers a retry.
    last_command: Option<Box<LastCommand<RunState, RunCommandKind>>>,
}

impl GraphRun {
    /// Starts a run of `graph` at `at`: the start step is ready.
    ///
    /// # Example
    ///
    /// See [`GraphRun`].
    pub fn new(graph: &ApprovalGraph, at: DateTime<FixedOffset>) -> GraphRun {
        let topo = graph.topology();
        let mut run = GraphRun {
            state: RunState::Running,
            started_at: at,
            ended_at: None,
            last_at: at,
            steps: vec![StepStatus::Waiting; graph.steps().len()],
            gates: vec![false; graph.stages().len()],
            events: 0,
            last_command: None,
        };
        run.steps[topo.start] = StepStatus::Ready { since: at };
        // Stages without required steps pass at once.
        run.settle(graph, at, &mut Vec::new());
        run
    }

    /// Rebuilds a run from its stored events.
    ///
    /// # Errors
    ///
    /// [`RunError::Replay`] naming the first refused event.
    ///
    /// # Example
    ///
    /// See [`GraphRun`]; `GraphRun::replay(&graph, started, &events)` gives
    /// back the same run.
    pub fn replay(
        graph: &ApprovalGraph,
        at: DateTime<FixedOffset>,
        history: &[RunEvent],
    ) -> Result<GraphRun, RunError> {
        GraphRun::replay_with_policy(graph, &default_run_policy(), at, history)
    }

    /// Rebuilds a run from its stored events under a portal's own role
    /// policy, as [`apply_with_policy`](Self::apply_with_policy) applied
    /// them.
    ///
    /// # Errors
    ///
    /// [`RunError::Replay`] naming the first refused event.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::catalog::{DepartmentId, ItemCode};
    /// use shenpi::graph::{default_run_policy, ApprovalGraph, GraphRun, RunCommand, RunCommandKind, RunError, RunEvent, Step, StepId};
    /// use shenpi::limit::TimeLimit;
    /// use shenpi::machine::{Actor, ActorId, Role};
    ///
    /// let permit = StepId::new("permit")?;
    /// let graph = ApprovalGraph::builder("one step", permit.clone())
    ///     .step(Step::new(permit.clone(), ItemCode::new("P")?, DepartmentId::new("housing")?, TimeLimit::working_days(3)))
    ///     .build()?;
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// // This portal lets its agents (代办员) start steps for the enterprise.
    /// let policy = default_run_policy().allow(RunCommandKind::StartStep, [Role::Agent]);
    /// let agent = Actor::new(ActorId::new("agent-1")?, Role::Agent);
    /// let start = RunCommand::StartStep { step: permit, case: "C-1".parse()? };
    /// let history = [RunEvent::new(agent, at("2026-03-02T09:00:00+08:00"), start)];
    /// let begun = at("2026-03-02T08:00:00+08:00");
    /// let run = GraphRun::replay_with_policy(&graph, &policy, begun, &history)?;
    /// assert_eq!(run.event_count(), 1);
    /// // Under the default policy the same history is refused at its first event.
    /// let refused = GraphRun::replay(&graph, begun, &history).unwrap_err();
    /// assert!(matches!(refused, RunError::Replay { index: 0, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replay_with_policy(
        graph: &ApprovalGraph,
        policy: &RolePolicy<RunCommandKind>,
        at: DateTime<FixedOffset>,
        history: &[RunEvent],
    ) -> Result<GraphRun, RunError> {
        let mut run = GraphRun::new(graph, at);
        let mut scratch = Vec::new();
        for (index, event) in history.iter().enumerate() {
            scratch.clear();
            run.apply_into(graph, policy, event, &mut scratch)
                .map_err(|e| RunError::Replay { index, source: Box::new(e) })?;
        }
        Ok(run)
    }

    /// The run's state.
    pub fn state(&self) -> RunState {
        self.state
    }

    /// When the run began.
    pub fn started_at(&self) -> DateTime<FixedOffset> {
        self.started_at
    }

    /// When the run ended (completed, failed or cancelled), if it has.
    pub fn ended_at(&self) -> Option<DateTime<FixedOffset>> {
        self.ended_at
    }

    /// How many events the run has recorded.
    pub fn event_count(&self) -> u64 {
        self.events
    }

    /// The status of a step.
    ///
    /// # Errors
    ///
    /// [`RunError::UnknownStep`] for a step the graph does not have.
    pub fn status(&self, graph: &ApprovalGraph, step: &StepId) -> Result<&StepStatus, RunError> {
        self.fit(graph)?;
        let i = position(graph, step)?;
        Ok(&self.steps[i])
    }

    /// Every step with its status, in id order (nothing when the run does
    /// not fit the graph).
    pub fn statuses<'g>(
        &'g self,
        graph: &'g ApprovalGraph,
    ) -> impl Iterator<Item = (&'g StepId, &'g StepStatus)> + 'g {
        graph.steps().iter().map(|s| s.id()).zip(self.steps.iter())
    }

    /// The steps ready to start, in id order.
    pub fn ready<'g>(&'g self, graph: &'g ApprovalGraph) -> impl Iterator<Item = &'g StepId> + 'g {
        self.statuses(graph)
            .filter(|(_, s)| matches!(s, StepStatus::Ready { .. }))
            .map(|(id, _)| id)
    }

    /// Applies a command under the [`default_run_policy`].
    ///
    /// # Errors
    ///
    /// See [`apply_with_policy`](Self::apply_with_policy).
    ///
    /// # Example
    ///
    /// See [`GraphRun`].
    pub fn apply(
        &mut self,
        graph: &ApprovalGraph,
        event: &RunEvent,
    ) -> Result<RunTransition, RunError> {
        self.apply_with_policy(graph, &default_run_policy(), event)
    }

    /// As [`apply`](Self::apply), first checking on `cal` that a step being
    /// started has a deadline the calendar can give: under the refuse
    /// policy ([`Horizon::Refuse`](crate::calendar::Horizon)), starting a
    /// step whose limit would end past the last published year is refused
    /// here, at the command, rather than found when the run is supervised.
    ///
    /// # Errors
    ///
    /// [`RunError::StepDeadline`] for such a step; otherwise as for
    /// [`apply`](Self::apply).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::{Horizon, WorkCalendar};
    /// use shenpi::catalog::{DepartmentId, ItemCode};
    /// use shenpi::graph::{ApprovalGraph, GraphRun, RunCommand, RunError, RunEvent, Step, StepId};
    /// use shenpi::limit::TimeLimit;
    /// use shenpi::machine::{Actor, ActorId, Role};
    ///
    /// let id = |s| StepId::new(s).unwrap();
    /// let land = Step::new(id("land"), ItemCode::new("XK-1")?, DepartmentId::new("land")?, TimeLimit::working_days(20));
    /// let graph = ApprovalGraph::builder("厂房", id("land")).step(land).build()?;
    /// let at = DateTime::parse_from_rfc3339("2026-12-14T09:00:00+08:00")?;
    /// let reviewer = Actor::new(ActorId::new("rev-1")?, Role::Reviewer);
    /// let start = RunEvent::new(reviewer, at, RunCommand::StartStep { step: id("land"), case: "JO-7".parse()? });
    ///
    /// let mut run = GraphRun::new(&graph, at);
    /// let err = run.apply_on(&graph, &WorkCalendar::china(), &start).unwrap_err();
    /// assert!(matches!(err, RunError::StepDeadline { .. }));
    /// let estimating = WorkCalendar::china().with_horizon(Horizon::Estimate { through: 2027 })?;
    /// assert!(run.apply_on(&graph, &estimating, &start).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_on(
        &mut self,
        graph: &ApprovalGraph,
        cal: &WorkCalendar,
        event: &RunEvent,
    ) -> Result<RunTransition, RunError> {
        if let RunCommand::StartStep { step, .. } = &event.payload {
            if let Some(found) = graph.step(step) {
                let limit = found.limit();
                let deadline = |reason| RunError::StepDeadline { step: step.clone(), reason };
                LegalClock::start(event.at, limit, limit)
                    .and_then(|clock| clock.check_deadlines(cal))
                    .map_err(deadline)?;
            }
        }
        self.apply(graph, event)
    }

    /// Checks a command and records it, or refuses it and leaves the run as
    /// it was.
    ///
    /// # Errors
    ///
    /// [`RunError::RoleNotAllowed`], [`RunError::TimeWentBackwards`],
    /// [`RunError::RunOver`], [`RunError::UnknownStep`],
    /// [`RunError::StepNotAllowed`], [`RunError::Required`] (skipping a
    /// required step) or [`RunError::EmptyReason`].
    ///
    /// # Example
    ///
    /// See [`GraphRun`].
    pub fn apply_with_policy(
        &mut self,
        graph: &ApprovalGraph,
        policy: &RolePolicy<RunCommandKind>,
        event: &RunEvent,
    ) -> Result<RunTransition, RunError> {
        let mut steps = Vec::new();
        let run = self.apply_into(graph, policy, event, &mut steps)?;
        Ok(RunTransition { run, steps })
    }

    /// As [`apply_with_policy`](Self::apply_with_policy), writing the step
    /// changes into `changes` (cleared first) instead of a new vector: for
    /// hosts applying many events in a loop.
    ///
    /// # Errors
    ///
    /// As for [`apply_with_policy`](Self::apply_with_policy).
    ///
    /// # Example
    ///
    /// See [`GraphRun`].
    pub fn apply_into(
        &mut self,
        graph: &ApprovalGraph,
        policy: &RolePolicy<RunCommandKind>,
        event: &RunEvent,
        changes: &mut Vec<StepChange>,
    ) -> Result<Transition<RunState, RunCommandKind>, RunError> {
        changes.clear();
        self.fit(graph)?;
        // A retry of the latest command is answered as it was (nothing
        // changes); a writer that saw another event count is refused.
        let retry = screen(self.last_command.as_deref(), self.events, event);
        if let Some(earlier) =
            retry.map_err(|(expected, actual)| RunError::Stale { expected, actual })?
        {
            return Ok(earlier);
        }
        if self.events >= crate::machine::MAX_EVENTS {
            return Err(RunError::HistoryFull { max: crate::machine::MAX_EVENTS });
        }
        let command = event.payload.kind();
        let at = event.at;
        if !policy.allows(command, event.actor.role) {
            return Err(RunError::RoleNotAllowed { role: event.actor.role, command });
        }
        if at < self.last_at {
            return Err(RunError::TimeWentBackwards { at, last: self.last_at });
        }
        if self.state.is_over() {
            return Err(RunError::RunOver { state: self.state, command });
        }
        let from = self.state;
        let not_allowed = |step: &StepId, status: &StepStatus| RunError::StepNotAllowed {
            step: step.clone(),
            status: status.kind(),
            command,
        };
        let mut touched = 0;
        match &event.payload {
            RunCommand::StartStep { step, case } => {
                let i = position(graph, step)?;
                let StepStatus::Ready { .. } = self.steps[i] else {
                    return Err(not_allowed(step, &self.steps[i]));
                };
                self.set(
                    graph,
                    i,
                    StepStatus::InProgress { case: case.clone(), since: at },
                    changes,
                );
            }
            RunCommand::ConcludeStep { step, decision } => {
                let i = position(graph, step)?;
                let StepStatus::InProgress { since, .. } = self.steps[i] else {
                    return Err(not_allowed(step, &self.steps[i]));
                };
                let done = StepStatus::Done { decision: *decision, started: since, at };
                self.set(graph, i, done, changes);
                touched = i;
                if !decision.is_approval() {
                    self.on_denial(graph, i, at, changes);
                }
            }
            RunCommand::SkipStep { step } => {
                let i = position(graph, step)?;
                if graph.steps()[i].requirement_kind() == Requirement::Required {
                    return Err(RunError::Required { step: step.clone() });
                }
                let standing_in = match self.steps[i] {
                    StepStatus::Waiting => false,
                    // A ready fallback has taken over from a denied step.
                    StepStatus::Ready { .. } => graph.topology().stands_in_for[i].is_some(),
                    _ => return Err(not_allowed(step, &self.steps[i])),
                };
                self.set(graph, i, StepStatus::Skipped { at }, changes);
                if standing_in {
                    // Giving up the stand-in is as good as its denial: the
                    // next fallback takes over, or the run fails.
                    self.on_denial(graph, i, at, changes);
                }
            }
            RunCommand::Cancel { reason } => {
                if reason.trim().is_empty() {
                    return Err(RunError::EmptyReason);
                }
                self.end(graph, RunState::Cancelled, at, changes);
            }
        }
        if !self.state.is_over() {
            match &event.payload {
                // A start makes nothing ready, passes no gate, frees nothing
                // and completes nothing.
                RunCommand::StartStep { .. } => {}
                RunCommand::ConcludeStep { .. }
                    if graph.topology().simple && self.steps[touched].approved() =>
                {
                    self.settle_after(graph, touched, at, changes);
                }
                _ => self.settle(graph, at, changes),
            }
        }
        self.last_at = at;
        self.events += 1;
        let transition = Transition::new(from, command, self.state, at);
        self.last_command = remember(event.command_id.as_ref(), transition);
        Ok(transition)
    }

    fn set(
        &mut self,
        graph: &ApprovalGraph,
        i: usize,
        status: StepStatus,
        changes: &mut Vec<StepChange>,
    ) {
        let from = self.steps[i].kind();
        let to = status.kind();
        self.steps[i] = status;
        changes.push(StepChange { step: graph.steps()[i].id().clone(), from, to });
    }

    /// A step was denied: hand over to its fallback, or fail the run if it
    /// (or the step a fallback stands in for) is required.
    fn on_denial(
        &mut self,
        graph: &ApprovalGraph,
        i: usize,
        at: DateTime<FixedOffset>,
        changes: &mut Vec<StepChange>,
    ) {
        let topo = graph.topology();
        // Hand over to the fallback, unless it was skipped.
        if let Some(f) = topo.fallback[i].filter(|&f| matches!(self.steps[f], StepStatus::Waiting))
        {
            self.set(graph, f, StepStatus::Ready { since: at }, changes);
            return;
        }
        let primary = topo.stands_in_for[i].map_or(i, |p| self.root(graph, p));
        if graph.steps()[primary].requirement_kind() == Requirement::Required {
            self.end(graph, RunState::Failed, at, changes);
        }
    }

    /// The first step of a chain of fallbacks.
    fn root(&self, graph: &ApprovalGraph, mut i: usize) -> usize {
        while let Some(p) = graph.topology().stands_in_for[i] {
            i = p;
        }
        i
    }

    fn end(
        &mut self,
        graph: &ApprovalGraph,
        state: RunState,
        at: DateTime<FixedOffset>,
        changes: &mut Vec<StepChange>,
    ) {
        for i in 0..self.steps.len() {
            if self.steps[i].is_pending() {
                self.set(graph, i, StepStatus::NotNeeded { at }, changes);
            }
        }
        self.state = state;
        self.ended_at = Some(at);
    }

    /// Whether step `i` counts as passed for its successors and gates: it
    /// was approved, or a fallback chain from it ended approved; an
    /// optional step denied or no longer needed passes, and a skipped one
    /// passes once its own join and stage gate are met (`joined`, from
    /// [`joined`](Self::joined)): skipping is "this work is not done",
    /// never a way past the steps it still waits for.
    fn passed(&self, graph: &ApprovalGraph, joined: &[bool], i: usize) -> bool {
        let topo = graph.topology();
        let mut j = i;
        loop {
            if self.steps[j].approved() {
                return true;
            }
            // Denied, or a fallback given up while it stood in: the next
            // fallback may have taken over.
            match (&self.steps[j], topo.fallback[j]) {
                (StepStatus::Done { .. } | StepStatus::Skipped { .. }, Some(f)) => j = f,
                _ => break,
            }
        }
        graph.steps()[i].requirement_kind() == Requirement::Optional
            && match &self.steps[i] {
                StepStatus::Skipped { .. } => joined.get(i).copied().unwrap_or(false),
                status => status.is_final(),
            }
    }

    /// Whether step `i`'s join rule and the gate of the stage before its
    /// own are met: what lets a waiting step become ready, and a skipped
    /// one pass.
    fn join_met(&self, graph: &ApprovalGraph, joined: &[bool], i: usize) -> bool {
        let topo = graph.topology();
        if !topo.gate_before[i].is_none_or(|g| self.gates[g]) {
            return false;
        }
        let preds = &topo.preds[i];
        let passed = preds.iter().filter(|&&p| self.passed(graph, joined, p)).count();
        passed >= graph.steps()[i].join_rule().needed(preds.len())
    }

    /// For each step, whether it is skipped with its join and gate met (so
    /// it counts as passed), worked out in topological order; empty when no
    /// step is skipped. [`settle`](Self::settle) works it out as it goes,
    /// since it opens gates on the way; this is for a settled run.
    pub(crate) fn joined(&self, graph: &ApprovalGraph) -> Vec<bool> {
        let mut joined = Vec::new();
        if !self.steps.iter().any(|s| matches!(s, StepStatus::Skipped { .. })) {
            return joined;
        }
        joined.resize(self.steps.len(), false);
        for node in &graph.topology().order {
            if let Node::Step(i) = *node {
                if matches!(self.steps[i], StepStatus::Skipped { .. }) {
                    joined[i] = self.join_met(graph, &joined, i);
                }
            }
        }
        joined
    }

    /// Propagates: gates pass, steps become ready, predecessors beyond a
    /// met join become not needed, fallbacks of approved steps are not
    /// needed, and the run completes when nothing is pending.
    fn settle(
        &mut self,
        graph: &ApprovalGraph,
        at: DateTime<FixedOffset>,
        changes: &mut Vec<StepChange>,
    ) {
        let topo = graph.topology();
        // Whether each skipped step counts as passed, worked out in
        // topological order (so after its predecessors and the gate before
        // it); left empty, with nothing to work out, while no step is
        // skipped.
        let mut joined = Vec::new();
        if self.steps.iter().any(|s| matches!(s, StepStatus::Skipped { .. })) {
            joined.resize(self.steps.len(), false);
        }
        for node in &topo.order {
            match *node {
                Node::Gate(g) => {
                    if !self.gates[g]
                        && (g == 0 || self.gates[g - 1])
                        && topo.gate_steps[g].iter().all(|&i| self.passed(graph, &joined, i))
                    {
                        self.gates[g] = true;
                    }
                }
                Node::Step(i) => match self.steps[i] {
                    StepStatus::Waiting
                        if topo.stands_in_for[i].is_none() && self.join_met(graph, &joined, i) =>
                    {
                        self.set(graph, i, StepStatus::Ready { since: at }, changes);
                    }
                    StepStatus::Skipped { .. } => {
                        let met = self.join_met(graph, &joined, i);
                        if let Some(slot) = joined.get_mut(i) {
                            *slot = met;
                        }
                    }
                    _ => {}
                },
            }
        }
        // A skipped step whose join is met holds none of its predecessors.
        self.prune(graph, &mut joined, at, changes);
        if self.steps.iter().all(StepStatus::is_final) {
            self.state = RunState::Completed;
            self.ended_at = Some(at);
        }
    }

    /// [`settle`](Self::settle) in a simple graph after step `i` was
    /// approved: only its successors can become ready.
    fn settle_after(
        &mut self,
        graph: &ApprovalGraph,
        i: usize,
        at: DateTime<FixedOffset>,
        changes: &mut Vec<StepChange>,
    ) {
        let topo = graph.topology();
        for &s in &topo.succs[i] {
            if matches!(self.steps[s], StepStatus::Waiting)
                && topo.preds[s].iter().all(|&p| self.steps[p].approved())
            {
                self.set(graph, s, StepStatus::Ready { since: at }, changes);
            }
        }
        if self.steps.iter().all(StepStatus::is_final) {
            self.state = RunState::Completed;
            self.ended_at = Some(at);
        }
    }

    /// Whether anything still waits for step `i` (its status aside): a
    /// successor still waiting, or skipped but still holding its
    /// predecessors (see `released`), the gate of its stage not yet passed,
    /// or nothing at all after it (an end of the graph is a goal of the
    /// run).
    fn wanted(&self, graph: &ApprovalGraph, released: &[bool], i: usize) -> bool {
        let topo = graph.topology();
        let succs = &topo.succs[i];
        succs.is_empty()
            || succs.iter().any(|&s| match self.steps[s] {
                StepStatus::Waiting => true,
                StepStatus::Skipped { .. } => !released.get(s).copied().unwrap_or(true),
                _ => false,
            })
            || topo.stage_of[i].is_some_and(|g| !self.gates[g] && topo.gate_steps[g].contains(&i))
    }

    /// Marks not needed every pending step that nothing waits for any more:
    /// the branches a met any- or at-least-k join left behind, the steps
    /// that only fed them, and fallbacks whose step no longer needs them.
    /// Runs to a fixed point, so the result does not depend on the order
    /// steps were concluded in.
    ///
    /// A skipped step holds its predecessors as a waiting one does, until
    /// its join is met or nothing waits for it any more: `released` comes
    /// in saying, for each skipped step, whether its join is met (empty
    /// when none is skipped), and each skipped step nothing waits for is
    /// released on the way, successors before predecessors.
    fn prune(
        &mut self,
        graph: &ApprovalGraph,
        released: &mut [bool],
        at: DateTime<FixedOffset>,
        changes: &mut Vec<StepChange>,
    ) {
        let topo = graph.topology();
        loop {
            let mut changed = false;
            for node in topo.order.iter().rev() {
                let Node::Step(i) = *node else { continue };
                if matches!(self.steps[i], StepStatus::Skipped { .. }) {
                    // Released now, it may let a fallback go that was
                    // looked at before it in this pass.
                    if released.get(i) == Some(&false) && !self.wanted(graph, released, i) {
                        released[i] = true;
                        changed = true;
                    }
                    continue;
                }
                if !self.steps[i].is_pending() {
                    continue;
                }
                let idle = match topo.stands_in_for[i] {
                    Some(primary) => {
                        let root = self.root(graph, primary);
                        let standing_in = !matches!(self.steps[i], StepStatus::Waiting);
                        // A fallback not yet called on is not needed once
                        // its step has settled without a denial.
                        let released_by_step = !standing_in
                            && self.steps[primary].is_final()
                            && !matches!(self.steps[primary], StepStatus::Done { decision, .. } if !decision.is_approval());
                        released_by_step || (standing_in && !self.wanted(graph, released, root))
                    }
                    None => !self.wanted(graph, released, i),
                };
                if idle {
                    self.set(graph, i, StepStatus::NotNeeded { at }, changes);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
}

impl GraphRun {
    pub(crate) fn step_statuses(&self) -> &[StepStatus] {
        &self.steps
    }

    /// Checks that the run has the graph's shape, so no index can miss.
    pub(crate) fn fit(&self, graph: &ApprovalGraph) -> Result<(), RunError> {
        if self.steps.len() == graph.steps().len() && self.gates.len() == graph.stages().len() {
            // The start step is ready from the run's start and never waits
            // again.
            if matches!(self.steps[graph.topology().start], StepStatus::Waiting) {
                return Err(RunError::InconsistentSnapshot {
                    what: "the graph's start step is still waiting",
                });
            }
            Ok(())
        } else {
            Err(RunError::DoesNotFit {
                run_steps: self.steps.len(),
                run_stages: self.gates.len(),
                graph_steps: graph.steps().len(),
                graph_stages: graph.stages().len(),
            })
        }
    }
}

/// The serde form of a run; decoding checks that its parts agree.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct RawRun {
    state: RunState,
    started_at: DateTime<FixedOffset>,
    ended_at: Option<DateTime<FixedOffset>>,
    last_at: DateTime<FixedOffset>,
    steps: Vec<StepStatus>,
    gates: Vec<bool>,
    events: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_command: Option<Box<LastCommand<RunState, RunCommandKind>>>,
}

impl TryFrom<RawRun> for GraphRun {
    type Error = RunError;

    fn try_from(raw: RawRun) -> Result<Self, RunError> {
        let bad = |what| Err(RunError::InconsistentSnapshot { what });
        let over = raw.state.is_over();
        if raw.steps.is_empty() {
            return bad("a run has at least one step");
        }
        if raw.events > crate::machine::MAX_EVENTS {
            return bad("events is above MAX_EVENTS");
        }
        if raw.last_at < raw.started_at {
            return bad("last_at is before started_at");
        }
        match raw.ended_at {
            None if over => return bad("an over run without ended_at"),
            Some(_) if !over => return bad("ended_at on a running run"),
            Some(end) if end != raw.last_at => return bad("ended_at differs from last_at"),
            _ => {}
        }
        let pending = raw.steps.iter().any(StepStatus::is_pending);
        if over && pending {
            return bad("an over run with steps still pending");
        }
        if !over && !pending {
            return bad("a running run with no step pending");
        }
        if raw.state == RunState::Failed
            && !raw.steps.iter().any(|s| s.kind() == StepStatusKind::Denied)
        {
            return bad("a failed run without a denied step");
        }
        if raw.events == 0 && (over || raw.last_at != raw.started_at) {
            return bad("a run without events is running and has its last event at its start");
        }
        let within = |t: &DateTime<FixedOffset>| raw.started_at <= *t && *t <= raw.last_at;
        let mut commands: u64 = 0;
        for step in &raw.steps {
            let (instants, took): (&[&DateTime<FixedOffset>], u64) = match step {
                StepStatus::Waiting => (&[], 0),
                StepStatus::Ready { since } => (&[since], 0),
                StepStatus::InProgress { since, .. } => (&[since], 1),
                StepStatus::Done { started, at, .. } => {
                    if at < started {
                        return bad("a step decided before it started");
                    }
                    (&[started, at], 2)
                }
                StepStatus::Skipped { at } => (&[at], 1),
                StepStatus::NotNeeded { at } => (&[at], 0),
            };
            if !instants.iter().all(|t| within(t)) {
                return bad("a step's instant is outside started_at..=last_at");
            }
            commands = commands.saturating_add(took);
        }
        if commands > raw.events {
            return bad("more step commands than events");
        }
        // Gates pass in stage order and never close again.
        if raw.gates.windows(2).any(|pair| !pair[0] && pair[1]) {
            return bad("a stage's gate passed before the gate of the stage before it");
        }
        // The latest command was taken by a running run and left it as it
        // is now, at its last event.
        if let Some(last) = &raw.last_command {
            let t = &last.transition;
            let reaches = match t.to {
                RunState::Running => t.command != RunCommandKind::Cancel,
                RunState::Cancelled => t.command == RunCommandKind::Cancel,
                RunState::Completed | RunState::Failed => {
                    matches!(t.command, RunCommandKind::ConcludeStep | RunCommandKind::SkipStep)
                }
            };
            if raw.events == 0
                || t.from != RunState::Running
                || t.to != raw.state
                || t.at != raw.last_at
                || !reaches
            {
                return bad("last_command is not a command that left the run as it is");
            }
        }
        Ok(GraphRun {
            state: raw.state,
            started_at: raw.started_at,
            ended_at: raw.ended_at,
            last_at: raw.last_at,
            steps: raw.steps,
            gates: raw.gates,
            events: raw.events,
            last_command: raw.last_command,
        })
    }
}

impl From<GraphRun> for RawRun {
    fn from(r: GraphRun) -> Self {
        RawRun {
            state: r.state,
            started_at: r.started_at,
            ended_at: r.ended_at,
            last_at: r.last_at,
            steps: r.steps,
            gates: r.gates,
            events: r.events,
            last_command: r.last_command,
        }
    }
}

fn position(graph: &ApprovalGraph, step: &StepId) -> Result<usize, RunError> {
    graph.position(step).ok_or_else(|| RunError::UnknownStep { step: step.clone() })
}
