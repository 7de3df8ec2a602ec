use chrono::{DateTime, FixedOffset};

use super::{EscalationError, Observation, SubjectKind, Supervised, Sweep};
use crate::calendar::WorkCalendar;
use crate::case::Case;
use crate::graph::{ApprovalGraph, GraphRun, RunError, RunState, StepId, StepStatus};
use crate::limit::{LegalClock, Thresholds};

/// A bare legal clock (a host's own matter, kept without a [`Case`]) is
/// watched as a case: open until it stops, in its state since its latest
/// record, read at `now`.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::escalation::{EscalationPolicy, SupervisionLog, Supervised};
/// use shenpi::limit::{LegalClock, TimeLimit};
///
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
/// let cal = WorkCalendar::china();
/// let clock = LegalClock::start(at("2026-03-02T09:00:00+08:00"), TimeLimit::working_days(3), TimeLimit::working_days(20))?;
/// let now = at("2026-03-09T09:00:00+08:00");
/// let obs = clock.observe(&cal, now)?;
/// assert!(obs.open && obs.clock.is_some());
/// let notices = EscalationPolicy::default().evaluate(&obs, &SupervisionLog::new(), &cal, now)?;
/// assert!(!notices.is_empty()); // past the promised deadline
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Supervised for LegalClock {
    fn observe(
        &self,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
    ) -> Result<Observation, EscalationError> {
        let mut obs = Observation::new(SubjectKind::Case, self.last_recorded());
        obs.open = self.stopped().is_none_or(|s| s > now);
        obs.clock = Some(self.reading(cal, now, &Thresholds::default())?);
        Ok(obs)
    }
}

/// A case is watched through its legal clock while it is undecided, and by
/// its acceptance deadline while it waits at the window (行政许可法 art. 32);
/// once decided it is settled, watched only by its delivery deadline until
/// the decision is delivered (art. 44). Its state is taken as entered at its
/// latest event; visits are not counted for cases.
///
/// # Example
///
/// See the crate's `key_project_board` example.
/// A case as escalation sees it, given its clock read at `now`: a decided
/// case is settled (no clock rules) and open only while its decision is
/// owed to the applicant; an undecided one is watched by its clock and,
/// while it waits at the window, by its acceptance deadline.
fn case_observation(
    case: &Case,
    cal: &WorkCalendar,
    reading: impl FnOnce() -> Result<Option<crate::limit::ClockReading>, crate::case::CaseError>,
) -> Result<Observation, EscalationError> {
    let mut obs = Observation::new(SubjectKind::Case, case.last_event_at());
    if case.state().is_concluded() {
        if matches!(case.state(), crate::case::CaseState::Concluded { .. }) {
            obs.delivery_due = case.delivery_due(cal)?.map(|due| due.at);
        }
        obs.open = obs.delivery_due.is_some();
    } else {
        obs.open = case.state().is_open();
        obs.clock = reading()?;
        obs.acceptance_due = case.acceptance_due(cal)?;
    }
    Ok(obs)
}

impl Supervised for Case {
    fn observe(
        &self,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
    ) -> Result<Observation, EscalationError> {
        case_observation(self, cal, || self.reading(cal, now, &Thresholds::default()))
    }

    #[inline]
    fn observe_in(&self, sweep: &Sweep<'_>) -> Result<Observation, EscalationError> {
        case_observation(self, sweep.calendar(), || {
            self.reading_at(
                sweep.calendar(),
                sweep.now(),
                Some(sweep.point()),
                &Thresholds::default(),
            )
        })
    }
}

/// One step of a graph run, watched like a case: a step in progress has a
/// clock from its start with its limit as both deadlines. Given the case
/// handling the step ([`RunStep::with_case`]), the step's clock counts only
/// what the case's legal clock counts: it starts no earlier than the case
/// is accepted, stands still while the case's clock is suspended (a
/// correction, an expert review: DOMAIN §2), takes its extensions, and
/// stops when it stops, so a step is never carded for time its case does
/// not count.
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
    case: Option<&'a Case>,
}

impl<'a> RunStep<'a> {
    /// The step `step` of `run`.
    pub fn new(graph: &'a ApprovalGraph, run: &'a GraphRun, step: &'a StepId) -> RunStep<'a> {
        RunStep { graph, run, step, case: None }
    }

    /// The same step, with the case handling it: while the step is in
    /// progress its clock starts when both the step and the case's legal
    /// clock have started (a step whose case is not yet accepted has no
    /// clock, as the case has none), and follows the case's suspensions,
    /// extensions and stop from then on (an extension granted earlier
    /// counts from the start, so a case handling two steps lends its
    /// extension to both). Observing fails with
    /// [`EscalationError::CaseMismatch`] when the run records another case
    /// for the step.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId};
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::escalation::{RunStep, Supervised};
    /// use shenpi::graph::{ApprovalGraph, GraphRun, RunCommand, RunEvent, Step, StepId};
    /// use shenpi::limit::{SpecialProcedure, SuspensionKind, TimeLimit};
    /// use shenpi::machine::{Actor, ActorId, Role};
    ///
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let (cal, permit) = (WorkCalendar::china(), StepId::new("permit")?);
    /// let (code, housing) = (ItemCode::new("P")?, DepartmentId::new("housing")?);
    /// let graph = ApprovalGraph::builder("one step", permit.clone())
    ///     .step(Step::new(permit.clone(), code.clone(), housing.clone(), TimeLimit::working_days(3)))
    ///     .build()?;
    /// let item = ApprovalItem::builder(code, "施工许可", housing)
    ///     .promised(TimeLimit::working_days(3))
    ///     .special_procedures([SpecialProcedure::ExpertReview])
    ///     .build()?;
    /// let ctx = CaseContext::new(&item, &cal);
    /// let actor = |role| Actor::new(ActorId::new("someone").unwrap(), role);
    /// let event = |role, when, command| CaseEvent::new(actor(role), at(when), command);
    /// let (mut case, _) =
    ///     Case::receive(CaseId::new("C-1")?, &ctx, &event(Role::Applicant, "2026-03-02T09:00:00+08:00", CaseCommand::Receive))?;
    /// case.apply(&ctx, &event(Role::WindowClerk, "2026-03-02T09:00:00+08:00", CaseCommand::Accept))?;
    /// let mut run = GraphRun::new(&graph, at("2026-03-02T09:00:00+08:00"));
    /// let start = RunCommand::StartStep { step: permit.clone(), case: case.id().clone() };
    /// run.apply(&graph, &RunEvent::new(actor(Role::Reviewer), at("2026-03-02T09:00:00+08:00"), start))?;
    /// // An expert review from Tuesday to Thursday does not count.
    /// let review = SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::ExpertReview };
    /// case.apply(&ctx, &event(Role::Reviewer, "2026-03-03T09:00:00+08:00", CaseCommand::Suspend { reason: review }))?;
    /// case.apply(&ctx, &event(Role::Reviewer, "2026-03-05T17:30:00+08:00", CaseCommand::Resume))?;
    ///
    /// let now = at("2026-03-06T09:00:00+08:00");
    /// let alone = RunStep::new(&graph, &run, &permit).observe(&cal, now)?;
    /// let with_case = RunStep::new(&graph, &run, &permit).with_case(&case).observe(&cal, now)?;
    /// assert_eq!(alone.clock.unwrap().promised_due.date.to_string(), "2026-03-05");
    /// assert_eq!(with_case.clock.unwrap().promised_due.date.to_string(), "2026-03-09");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_case(self, case: &'a Case) -> RunStep<'a> {
        RunStep { case: Some(case), ..self }
    }

    /// The clock of the step in progress since `since`, with `limit` as
    /// both deadlines, following the case's clock when the case is given;
    /// `None` when the case's clock has not started.
    fn clock(
        &self,
        since: DateTime<FixedOffset>,
        limit: crate::limit::TimeLimit,
    ) -> Result<Option<LegalClock>, EscalationError> {
        let Some(case) = self.case else {
            return Ok(Some(LegalClock::start(since, limit, limit)?));
        };
        let Some(source) = case.clock() else {
            return Ok(None);
        };
        let since = since.max(source.started());
        let mut clock = LegalClock::start(since, limit, limit)?;
        /// What the step's clock takes from the case's, in order.
        enum Record {
            Suspend(crate::limit::SuspensionKind),
            Resume,
            Extend(u32),
        }
        let mut records = Vec::new();
        for s in source.suspensions() {
            if s.end.is_some_and(|end| end <= since) {
                continue;
            }
            records.push((s.start.max(since), Record::Suspend(s.kind)));
            if let Some(end) = s.end {
                records.push((end, Record::Resume));
            }
        }
        for x in source.extensions() {
            records.push((x.at.max(since), Record::Extend(x.working_days)));
        }
        // Suspensions come in order, each ended before the next; a stable
        // sort keeps that, and puts an extension after them at one instant.
        records.sort_by_key(|(at, _)| *at);
        for (at, record) in records {
            match record {
                Record::Suspend(kind) => clock.suspend(kind, at)?,
                Record::Resume => clock.resume(at)?,
                Record::Extend(days) => clock.extend(days, at)?,
            }
        }
        if let Some(stopped) = source.stopped() {
            clock.stop(stopped.max(since))?;
        }
        Ok(Some(clock))
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
        if let (StepStatus::InProgress { case, .. }, Some(given)) = (status, self.case) {
            if case != given.id() {
                return Err(EscalationError::CaseMismatch {
                    step: self.step.clone(),
                    handling: case.clone(),
                    given: given.id().clone(),
                });
            }
        }
        if let StepStatus::InProgress { since, .. } = status {
            if let Some(clock) = self.clock(*since, step.limit())? {
                obs.clock = Some(clock.reading(cal, now, &Thresholds::default())?);
            }
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
