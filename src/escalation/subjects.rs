use chrono::{DateTime, FixedOffset};

use super::{EscalationError, Observation, SubjectKind, Supervised, Sweep};
use crate::calendar::WorkCalendar;
use crate::case::Case;
use crate::graph::{ApprovalGraph, GraphRun, RunError, RunState, StepId, StepStatus};
use crate::limit::{LegalClock, Thresholds};

/// A case is watched through its legal clock. Its state is taken as entered
/// at its latest event; visits are not counted for cases.
///
/// # Example
///
/// See the crate's `key_project_board` example.
impl Supervised for Case {
    fn observe(
        &self,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
    ) -> Result<Observation, EscalationError> {
        let mut obs = Observation::new(SubjectKind::Case, self.last_event_at());
        obs.open = self.state().is_open();
        obs.clock = self.reading(cal, now, &Thresholds::default())?;
        Ok(obs)
    }

    #[inline]
    fn observe_in(&self, sweep: &Sweep<'_>) -> Result<Observation, EscalationError> {
        let mut obs = Observation::new(SubjectKind::Case, self.last_event_at());
        obs.open = self.state().is_open();
        obs.clock = self.reading_at(
            sweep.calendar(),
            sweep.now(),
            Some(sweep.point()),
            &Thresholds::default(),
        )?;
        Ok(obs)
    }
}

/// One step of a graph run, watched like a case: a step in progress has a
/// clock from its start with its limit as both deadlines.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::catalog::{DepartmentId, ItemCode};
/// use shenpi::escalation::{EscalationPolicy, RunStep, Supervised, SupervisionLog};
/// use shenpi::graph::{ApprovalGraph, GraphRun, RunCommand, RunEvent, Step, StepId};
/// use shenpi::limit::TimeLimit;
/// use shenpi::machine::{Actor, ActorId, Role};
///
/// let id = |s: &str| StepId::new(s).unwrap();
/// let graph = ApprovalGraph::builder("one step", id("permit"))
///     .step(Step::new(id("permit"), ItemCode::new("P")?, DepartmentId::new("housing")?, TimeLimit::working_days(3)))
///     .build()?;
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
/// let mut run = GraphRun::new(&graph, at("2026-03-02T09:00:00+08:00"));
/// let reviewer = Actor::new(ActorId::new("rev")?, Role::Reviewer);
/// let start = RunCommand::StartStep { step: id("permit"), case: "C-1".parse()? };
/// run.apply(&graph, &RunEvent::new(reviewer, at("2026-03-02T09:00:00+08:00"), start))?;
///
/// let cal = WorkCalendar::china();
/// let permit = id("permit");
/// let step = RunStep::new(&graph, &run, &permit);
/// let policy = EscalationPolicy::default();
/// let (log, now) = (SupervisionLog::new(), at("2026-03-02T10:00:00+08:00"));
/// // An hour in, nothing is due.
/// assert!(policy.evaluate(&step.observe(&cal, now)?, &log, &cal, now)?.is_empty());
/// // Three working days were allowed; on Friday it is a yellow card.
/// let now = at("2026-03-06T09:00:00+08:00");
/// let late = policy.evaluate(&step.observe(&cal, now)?, &log, &cal, now)?;
/// assert!(late.iter().any(|n| n.rule.as_str() == "yellow-card"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RunStep<'a> {
    graph: &'a ApprovalGraph,
    run: &'a GraphRun,
    step: &'a StepId,
}

impl<'a> RunStep<'a> {
    /// The step `step` of `run`.
    pub fn new(graph: &'a ApprovalGraph, run: &'a GraphRun, step: &'a StepId) -> RunStep<'a> {
        RunStep { graph, run, step }
    }
}

impl Supervised for RunStep<'_> {
    fn observe(
        &self,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
    ) -> Result<Observation, EscalationError> {
        // `status` has checked the step is in the graph.
        let status = self.run.status(self.graph, self.step)?;
        let Some(step) = self.graph.step(self.step) else {
            return Err(RunError::UnknownStep { step: self.step.clone() }.into());
        };
        let since = match status {
            StepStatus::Ready { since } | StepStatus::InProgress { since, .. } => *since,
            StepStatus::Done { at, .. }
            | StepStatus::Skipped { at }
            | StepStatus::NotNeeded { at } => *at,
            StepStatus::Waiting => self.run.started_at(),
        };
        let mut obs = Observation::new(SubjectKind::GraphStep, since);
        obs.open = status.is_pending() && self.run.state() == RunState::Running;
        if let StepStatus::InProgress { since, .. } = status {
            let clock = LegalClock::start(*since, step.limit(), step.limit())?;
            obs.clock = Some(clock.reading(cal, now, &Thresholds::default())?);
        }
        Ok(obs)
    }
}

/// A ticket is watched through its feedback deadline, its visits and its
/// cycle (one more each time it is reopened).
///
/// # Example
///
/// See the crate's `cant_get_it_done_window` example.
impl Supervised for crate::ticket::Ticket {
    fn observe(
        &self,
        cal: &WorkCalendar,
        _now: DateTime<FixedOffset>,
    ) -> Result<Observation, EscalationError> {
        let mut obs = Observation::new(SubjectKind::Ticket, self.state_since());
        obs.open = self.is_open();
        obs.cycle = self.cycle();
        obs.visits = self.visits();
        if !self.feedback_given() {
            obs.feedback_due = self.checked_feedback_due(cal)?;
        }
        Ok(obs)
    }
}
