use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::records::is_bad;
use super::{
    AppealDecision, AppealRecord, Assignment, AssignmentStatus, Closure, FeedbackRecord,
    TicketClass, TicketCommand, TicketCommandKind, TicketContext, TicketError, TicketEvent,
    TicketId, TicketSource, TicketState, TicketStateKind,
};
use crate::calendar::{CalendarError, Direction, Party, Roll, WorkCalendar};
use crate::catalog::DepartmentId;
use crate::machine::{remember, screen, LastCommand, Transition};

type Instant = DateTime<FixedOffset>;

/// The record of one accepted command: the state before and after, the
/// command's kind and its instant.
///
/// # Example
///
/// See [`Ticket::open`]: it returns the first one.
///
/// # JSON
///
/// ```
/// use shenpi::ticket::{TicketCommandKind, TicketStateKind, TicketTransition};
///
/// let t: TicketTransition = serde_json::from_str(r#"{"from": "received", "command": "classify",
///   "to": "classified", "at": "2026-03-02T10:30:00+08:00"}"#)?;
/// assert_eq!((t.from, t.command, t.to), (TicketStateKind::Received, TicketCommandKind::Classify, TicketStateKind::Classified));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub type TicketTransition = Transition<TicketStateKind, TicketCommandKind>;

/// A complaint ticket: a 办不成事 request, a tea-meeting complaint, a
/// key-project problem, a bad review or a hotline call, as an event-sourced
/// state machine.
///
/// A ticket changes only through [`apply`](Self::apply), which checks a
/// command against the role policy, the clock, the state and the command's
/// rules, and either records it (returning the [`TicketTransition`]) or
/// refuses it with a [`TicketError`], leaving the ticket untouched.
/// [`replay`](Self::replay) rebuilds the same ticket from stored events.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::catalog::DepartmentId;
/// use shenpi::machine::{Actor, ActorId, Role};
/// use shenpi::ticket::{
///     Assignment, Owner, Ticket, TicketClass, TicketCommand, TicketContext, TicketEvent,
///     TicketId, TicketSource, TicketStateKind,
/// };
///
/// let calendar = WorkCalendar::china();
/// let ctx = TicketContext::new(&calendar);
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
/// let ev = |id, role, when, cmd| TicketEvent::new(Actor::new(ActorId::new(id).unwrap(), role), at(when), cmd);
/// let forestry = DepartmentId::new("forestry")?;
///
/// let history = vec![
///     ev("clerk-1", Role::WindowClerk, "2026-03-02T09:00:00+08:00", TicketCommand::Receive {
///         source: TicketSource::CantGetItDoneWindow,
///         subject: "forest-land use permit refused twice".into(),
///         visits: 2,
///     }),
///     ev("clerk-1", Role::WindowClerk, "2026-03-02T09:30:00+08:00",
///         TicketCommand::Classify { class: TicketClass::General }),
///     ev("team-1", Role::SpecialTeam, "2026-03-02T11:00:00+08:00", TicketCommand::Transfer {
///         assignments: vec![Assignment::new(
///             forestry.clone(),
///             Owner::Named { name: "林业局 李科长".into() },
///             "re-check the forest-land map",
///             at("2026-03-04T18:00:00+08:00"),
///         )],
///     }),
///     ev("rev-2", Role::Reviewer, "2026-03-02T14:00:00+08:00",
///         TicketCommand::Take { department: forestry.clone() }),
/// ];
/// let ticket = Ticket::replay(TicketId::new("BBC-7")?, &ctx, &history)?;
/// assert_eq!(ticket.state().kind(), TicketStateKind::InProgress);
/// assert_eq!(ticket.visits(), 2);
/// assert_eq!(ticket.state_since(), at("2026-03-02T14:00:00+08:00"));
/// // General: feedback within 3 working days of the classification day.
/// assert_eq!(ticket.feedback_due(&calendar), Some(at("2026-03-06T00:00:00+08:00")));
/// let [order] = ticket.assignments() else { panic!() };
/// assert!(!order.is_resolved());
/// assert!(order.is_overdue(at("2026-03-05T09:00:00+08:00")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::machine::{Actor, ActorId, Role};
/// use shenpi::ticket::{Ticket, TicketCommand, TicketContext, TicketEvent, TicketId, TicketSource};
/// # let at = |s| chrono::DateTime::parse_from_rfc3339(s).unwrap();
///
/// let calendar = WorkCalendar::china();
/// let ctx = TicketContext::new(&calendar);
/// let receive = TicketEvent::new(
///     Actor::new(ActorId::new("clerk-7")?, Role::WindowClerk),
///     at("2026-03-02T09:00:00+08:00"),
///     TicketCommand::Receive { source: TicketSource::Hotline, subject: "permit stalled".into(), visits: 1 },
/// );
/// let (ticket, _) = Ticket::open(TicketId::new("T-1")?, &ctx, &receive)?;
/// let json = serde_json::to_value(&ticket)?;
/// assert_eq!(json["state"], serde_json::json!({"kind": "received"}));
/// assert_eq!(json["source"], "hotline");
/// assert_eq!(serde_json::from_value::<Ticket>(json)?, ticket);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawTicket", into = "RawTicket")]
pub struct Ticket {
    id: TicketId,
    source: TicketSource,
    subject: String,
    visits_at_receipt: u32,
    state: TicketState,
    class: Option<TicketClass>,
    received_at: Instant,
    classified_at: Option<Instant>,
    state_since: Instant,
    cycle: u32,
    cycle_started_at: Option<Instant>,
    feedback_days: Option<u32>,
    answered_at: Option<Instant>,
    assignments: Vec<AssignmentStatus>,
    feedback: Vec<FeedbackRecord>,
    appeal: Option<AppealRecord>,
    explanation: Option<String>,
    last_at: Instant,
    events: u64,
    /// Its latest command, when that carried an id: answers a retry.
    last_command: Option<Box<LastCommand<TicketStateKind, TicketCommandKind>>>,
}

/// The deadline of `days` working days after the day of `start` (0: the
/// same day, rolled to a working day), at the close of office hours. A
/// same-day ticket started after the office has closed is due at the close
/// of the next working day, never before it started.
fn due(cal: &WorkCalendar, start: Instant, days: u32) -> Result<Instant, TicketError> {
    // Feedback is the agency's act: its last day ends at the agency's end.
    let end = |date| cal.last_day_end(date, Party::Agency);
    let day = cal.to_civil(&start).date();
    if days > 0 {
        return Ok(end(cal.add_working_days(day, days)?)?);
    }
    let close = end(cal.roll(day, Roll::Following)?)?;
    if close >= start {
        return Ok(close);
    }
    Ok(end(cal.add_working_days(day, 1)?)?)
}

/// A feedback deadline counted past the calendar's published years, as the
/// error that names the year; other errors as they are.
fn unpublished(cal: &WorkCalendar, e: TicketError) -> TicketError {
    match e {
        TicketError::Calendar(CalendarError::CountOutOfRange {
            date,
            days,
            direction: Direction::Forward,
            ..
        }) => TicketError::FeedbackDueUnpublished {
            from: date,
            days,
            published: cal.published_through(),
        },
        other => other,
    }
}

impl Ticket {
    /// Opens a ticket from its first event, which must be
    /// [`TicketCommand::Receive`].
    ///
    /// # Errors
    ///
    /// [`TicketError::FirstEventNotReceive`] for any other command;
    /// [`TicketError::RoleNotAllowed`] when the policy refuses the actor;
    /// [`TicketError::EmptyText`] for a blank subject;
    /// [`TicketError::NoVisits`] for zero visits;
    /// [`TicketError::Calendar`] outside the calendar's covered years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::machine::{Actor, ActorId, Role};
    /// use shenpi::ticket::{Ticket, TicketCommand, TicketContext, TicketEvent, TicketId, TicketSource, TicketState};
    ///
    /// let calendar = WorkCalendar::china();
    /// let ctx = TicketContext::new(&calendar);
    /// let event = TicketEvent::new(
    ///     Actor::new(ActorId::new("team-1")?, Role::SpecialTeam),
    ///     DateTime::parse_from_rfc3339("2026-03-14T15:00:00+08:00")?,
    ///     TicketCommand::Receive {
    ///         source: TicketSource::TeaMeeting,
    ///         subject: "water connection for the new plant takes months".into(),
    ///         visits: 1,
    ///     },
    /// );
    /// let (ticket, step) = Ticket::open(TicketId::new("TM-2026-03-01")?, &ctx, &event)?;
    /// assert_eq!(ticket.state(), &TicketState::Received);
    /// assert_eq!(ticket.feedback_due(&calendar), None);
    /// assert_eq!(step.at, event.at);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(
        id: TicketId,
        ctx: &TicketContext<'_>,
        event: &TicketEvent,
    ) -> Result<(Ticket, TicketTransition), TicketError> {
        let command = event.payload.kind();
        let TicketCommand::Receive { source, subject, visits } = &event.payload else {
            return Err(TicketError::FirstEventNotReceive { id, command });
        };
        if !ctx.policy().allows(command, event.actor.role) {
            return Err(TicketError::RoleNotAllowed { id, role: event.actor.role, command });
        }
        if subject.trim().is_empty() {
            return Err(TicketError::EmptyText { id, command, what: "subject" });
        }
        if *visits == 0 {
            return Err(TicketError::NoVisits { id });
        }
        let cal = ctx.calendar();
        cal.is_working_day(cal.to_civil(&event.at).date())?;
        let ticket = Ticket {
            id,
            source: *source,
            subject: subject.clone(),
            visits_at_receipt: *visits,
            state: TicketState::Received,
            class: None,
            received_at: event.at,
            classified_at: None,
            state_since: event.at,
            cycle: 0,
            cycle_started_at: None,
            feedback_days: None,
            answered_at: None,
            assignments: Vec::new(),
            feedback: Vec::new(),
            appeal: None,
            explanation: None,
            last_at: event.at,
            events: 1,
            last_command: None,
        };
        // A first event has no latest command to retry, and expects none.
        screen::<TicketStateKind, TicketCommandKind, _>(None, 0, event)
            .map_err(|(expected, actual)| TicketError::Stale { expected, actual })?;
        let received = TicketStateKind::Received;
        let transition = Transition::new(received, command, received, event.at);
        let ticket =
            Ticket { last_command: remember(event.command_id.as_ref(), transition), ..ticket };
        Ok((ticket, transition))
    }

    /// Rebuilds a ticket from its stored history, checking every event as
    /// [`apply`](Self::apply) does.
    ///
    /// # Errors
    ///
    /// [`TicketError::EmptyHistory`], or the errors of
    /// [`open`](Self::open) for the first event; otherwise
    /// [`TicketError::Replay`] naming the index of the first refused event.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::ticket::{Ticket, TicketContext, TicketError, TicketId};
    ///
    /// let calendar = WorkCalendar::china();
    /// let err = Ticket::replay(TicketId::new("T-1")?, &TicketContext::new(&calendar), &[]).unwrap_err();
    /// assert_eq!(err, TicketError::EmptyHistory);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replay(
        id: TicketId,
        ctx: &TicketContext<'_>,
        history: &[TicketEvent],
    ) -> Result<Ticket, TicketError> {
        let (first, rest) = history.split_first().ok_or(TicketError::EmptyHistory)?;
        let (mut ticket, _) = Ticket::open(id, ctx, first)?;
        for (i, event) in rest.iter().enumerate() {
            ticket
                .apply(ctx, event)
                .map_err(|e| TicketError::Replay { index: i + 1, source: Box::new(e) })?;
        }
        Ok(ticket)
    }

    /// The ticket id.
    ///
    /// # Example
    ///
    /// See [`Ticket::open`].
    pub fn id(&self) -> &TicketId {
        &self.id
    }

    /// Where the ticket came from.
    ///
    /// # Example
    ///
    /// See [`Ticket::open`].
    pub fn source(&self) -> TicketSource {
        self.source
    }

    /// What the ticket is about.
    ///
    /// # Example
    ///
    /// See [`Ticket::open`].
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The current state.
    ///
    /// # Example
    ///
    /// See [`Ticket`].
    pub fn state(&self) -> &TicketState {
        &self.state
    }

    /// The ticket's class, once classified (it stays through later states).
    ///
    /// # Example
    ///
    /// See [`Ticket`].
    pub fn class(&self) -> Option<TicketClass> {
        self.class
    }

    /// When the ticket was received.
    ///
    /// # Example
    ///
    /// See [`Ticket::open`].
    pub fn received_at(&self) -> Instant {
        self.received_at
    }

    /// When the ticket was last classified.
    ///
    /// # Example
    ///
    /// See [`Ticket`].
    pub fn classified_at(&self) -> Option<Instant> {
        self.classified_at
    }

    /// The instant the current state was entered (commands that keep the
    /// state, such as a second department taking up its part, do not move
    /// it).
    ///
    /// # Example
    ///
    /// See [`Ticket`].
    pub fn state_since(&self) -> Instant {
        self.state_since
    }

    /// The cycle: 0, plus one per reopening.
    ///
    /// # Example
    ///
    /// See the module's story of a reopened complaint.
    pub fn cycle(&self) -> u32 {
        self.cycle
    }

    /// How many times the complainant came about this: the visits counted
    /// at receipt plus one per reopening.
    ///
    /// # Example
    ///
    /// See [`Ticket`].
    pub fn visits(&self) -> u32 {
        self.visits_at_receipt.saturating_add(self.cycle)
    }

    /// The visits counted at receipt.
    ///
    /// # Example
    ///
    /// See [`Ticket`].
    pub fn visits_at_receipt(&self) -> u32 {
        self.visits_at_receipt
    }

    /// When the current cycle's feedback clock started: the first
    /// classification, then each reopening.
    ///
    /// # Example
    ///
    /// See [`Ticket`].
    pub fn cycle_started_at(&self) -> Option<Instant> {
        self.cycle_started_at
    }

    /// Whether the complainant has had the office's answer in the current
    /// cycle: every department resolved its part, or the window explained
    /// on the spot. A reopening clears it.
    ///
    /// # Example
    ///
    /// See the module's story.
    pub fn feedback_given(&self) -> bool {
        self.answered_at.is_some()
    }

    /// When the current cycle's answer was given (see
    /// [`feedback_given`](Self::feedback_given)).
    ///
    /// # Example
    ///
    /// See the module's story.
    pub fn answered_at(&self) -> Option<Instant> {
        self.answered_at
    }

    /// The feedback deadline of the current cycle: the class's working days
    /// (or the bad-review rectification days) after the day the cycle
    /// started, at the close of office hours; `None` before classification,
    /// and when `cal` does not cover the dates (the ticket's own calendar
    /// always does: classification and reopening check it).
    ///
    /// # Example
    ///
    /// See [`Ticket`].
    pub fn feedback_due(&self, cal: &WorkCalendar) -> Option<Instant> {
        self.checked_feedback_due(cal).ok().flatten()
    }

    /// [`feedback_due`](Self::feedback_due), with the calendar's error when
    /// it does not cover the dates.
    ///
    /// # Errors
    ///
    /// [`TicketError::Calendar`] when a date falls outside `cal`'s years.
    ///
    /// # Example
    ///
    /// See [`Ticket`]; `ticket.checked_feedback_due(&calendar)?` gives the
    /// same deadline.
    pub fn checked_feedback_due(&self, cal: &WorkCalendar) -> Result<Option<Instant>, TicketError> {
        match (self.cycle_started_at, self.feedback_days) {
            (Some(start), Some(days)) => Ok(Some(due(cal, start, days)?)),
            _ => Ok(None),
        }
    }

    /// The working days the current cycle has for feedback, once classified.
    ///
    /// # Example
    ///
    /// See [`Ticket`].
    pub fn feedback_days(&self) -> Option<u32> {
        self.feedback_days
    }

    /// Every assignment of every cycle, in transfer order, with its
    /// deadline and whether it is resolved.
    ///
    /// # Example
    ///
    /// See [`Ticket`].
    pub fn assignments(&self) -> &[AssignmentStatus] {
        &self.assignments
    }

    /// The assignments of the current cycle.
    ///
    /// # Example
    ///
    /// See the module's story.
    pub fn current_assignments(&self) -> impl Iterator<Item = &AssignmentStatus> + '_ {
        self.assignments.iter().filter(move |a| a.cycle == self.cycle)
    }

    /// The complainant's feedback, one record per return visit.
    ///
    /// # Example
    ///
    /// See the module's story.
    pub fn feedback(&self) -> &[FeedbackRecord] {
        &self.feedback
    }

    /// The latest satisfaction given, if any.
    ///
    /// # Example
    ///
    /// See the module's story.
    pub fn satisfaction(&self) -> Option<u8> {
        self.feedback.last().map(|f| f.satisfaction)
    }

    /// The appeal against a bad review, if one was lodged.
    ///
    /// # Example
    ///
    /// See the module's story.
    pub fn appeal(&self) -> Option<&AppealRecord> {
        self.appeal.as_ref()
    }

    /// The latest written explanation (on the spot, or at closing).
    ///
    /// # Example
    ///
    /// See the module's story.
    pub fn explanation(&self) -> Option<&str> {
        self.explanation.as_deref()
    }

    /// Whether the ticket is still open.
    ///
    /// # Example
    ///
    /// See [`Ticket::open`].
    pub fn is_open(&self) -> bool {
        self.state.is_open()
    }

    /// The instant of the latest event; a new command may not be earlier.
    ///
    /// # Example
    ///
    /// See [`Ticket::open`].
    pub fn last_event_at(&self) -> Instant {
        self.last_at
    }

    /// How many events the ticket has recorded, its receipt included.
    ///
    /// # Example
    ///
    /// See [`Ticket::open`].
    pub fn event_count(&self) -> u64 {
        self.events
    }

    /// Checks `event` against the ticket and records it, or refuses it and
    /// leaves the ticket untouched.
    ///
    /// Checks come in this order: the role policy, the clock, the
    /// calendar, the (state, command) pair of the [transition
    /// table](super::transition_table), then the command's own rules.
    ///
    /// # Errors
    ///
    /// - [`TicketError::RoleNotAllowed`], [`TicketError::TimeWentBackwards`],
    ///   [`TicketError::Calendar`], [`TicketError::NotAllowed`];
    /// - a rule of the command: [`TicketError::EmptyText`],
    ///   [`TicketError::WrongClass`], [`TicketError::NotSameDay`],
    ///   [`TicketError::NoDepartments`], [`TicketError::DuplicateDepartment`],
    ///   [`TicketError::EmptyMeasure`], [`TicketError::EmptyOwner`],
    ///   [`TicketError::DeadlineBeforeTransfer`],
    ///   [`TicketError::UnknownDepartment`], [`TicketError::AlreadyDone`],
    ///   [`TicketError::SatisfactionOutOfRange`],
    ///   [`TicketError::AppealNotBadReview`], [`TicketError::AlreadyAppealed`].
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::machine::{Actor, ActorId, Role};
    /// use shenpi::ticket::{Ticket, TicketCommand, TicketContext, TicketError, TicketEvent, TicketId, TicketSource};
    ///
    /// let calendar = WorkCalendar::china();
    /// let ctx = TicketContext::new(&calendar);
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let clerk = Actor::new(ActorId::new("clerk-1")?, Role::WindowClerk);
    /// let receive = TicketCommand::Receive { source: TicketSource::Hotline, subject: "noise".into(), visits: 1 };
    /// let (mut ticket, _) = Ticket::open(TicketId::new("H-1")?, &ctx, &TicketEvent::new(clerk.clone(), at, receive))?;
    /// let before = ticket.clone();
    /// let err = ticket
    ///     .apply(&ctx, &TicketEvent::new(clerk, at, TicketCommand::Feedback { satisfaction: 1 }))
    ///     .unwrap_err();
    /// assert!(matches!(err, TicketError::RoleNotAllowed { .. }));
    /// assert_eq!(err.to_string(), "ticket H-1: role window clerk may not issue command feedback");
    /// assert_eq!(ticket, before);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(
        &mut self,
        ctx: &TicketContext<'_>,
        event: &TicketEvent,
    ) -> Result<TicketTransition, TicketError> {
        let command = event.payload.kind();
        let at = event.at;
        let id = || self.id.clone();
        // A retry of the latest command is answered as it was; a writer
        // that saw another event count is refused.
        let retry = screen(self.last_command.as_deref(), self.events, event);
        if let Some(earlier) =
            retry.map_err(|(expected, actual)| TicketError::Stale { expected, actual })?
        {
            return Ok(earlier);
        }
        if self.events >= crate::machine::MAX_EVENTS {
            return Err(TicketError::HistoryFull { max: crate::machine::MAX_EVENTS });
        }
        if !ctx.policy().allows(command, event.actor.role) {
            return Err(TicketError::RoleNotAllowed { id: id(), role: event.actor.role, command });
        }
        if at < self.last_at {
            return Err(TicketError::TimeWentBackwards { id: id(), at, last: self.last_at });
        }
        let cal = ctx.calendar();
        let today = cal.to_civil(&at).date();
        cal.is_working_day(today)?;
        let written = |text: &str, what: &'static str| {
            if text.trim().is_empty() {
                Err(TicketError::EmptyText { id: id(), command, what })
            } else {
                Ok(())
            }
        };
        let wrong_class = |class: TicketClass| TicketError::WrongClass { id: id(), class, command };

        use TicketState as St;
        let mut next = self.clone();
        match (&event.payload, self.state) {
            (TicketCommand::Classify { class }, St::Received | St::Reopened) => {
                if self.state == St::Received {
                    next.cycle_started_at = Some(at);
                }
                next.class = Some(*class);
                next.classified_at = Some(at);
                next.feedback_days = Some(ctx.deadlines().days_for(self.source, *class));
                next.state = St::Classified { class: *class };
                // A feedback deadline past the calendar's published years is
                // refused here, at classification.
                next.checked_feedback_due(cal).map_err(|e| unpublished(cal, e))?;
            }
            (TicketCommand::ExplainOnTheSpot { explanation }, St::Classified { class }) => {
                if class != TicketClass::ExplainOnTheSpot {
                    return Err(wrong_class(class));
                }
                written(explanation, "explanation")?;
                let classified = self.classified_day(cal);
                if classified != today {
                    return Err(TicketError::NotSameDay { id: id(), classified, at: today });
                }
                next.explanation = Some(explanation.clone());
                next.answered_at = Some(at);
                next.state = St::Resolved;
            }
            (TicketCommand::Transfer { assignments }, St::Classified { .. } | St::Reopened) => {
                let class = self.class.ok_or(TicketError::InconsistentSnapshot {
                    what: "a classified ticket without its class",
                })?;
                if !class.is_transferable() {
                    return Err(wrong_class(class));
                }
                self.check_assignments(assignments, at)?;
                next.assignments.extend(assignments.iter().map(|a| AssignmentStatus {
                    cycle: self.cycle,
                    department: a.department.clone(),
                    owner: a.owner.clone(),
                    measure: a.measure.clone(),
                    deadline: a.deadline,
                    assigned_at: at,
                    taken_at: None,
                    resolved_at: None,
                    result: None,
                }));
                next.state = St::Transferred;
            }
            (TicketCommand::Take { department }, St::Transferred | St::InProgress) => {
                let i = self.current_index(department)?;
                if self.assignments[i].taken_at.is_some() || self.assignments[i].is_resolved() {
                    return Err(TicketError::AlreadyDone {
                        id: id(),
                        department: department.clone(),
                        command,
                    });
                }
                next.assignments[i].taken_at = Some(at);
                next.state = St::InProgress;
            }
            (TicketCommand::Resolve { department, result }, St::InProgress) => {
                let i = self.current_index(department)?;
                if self.assignments[i].is_resolved() {
                    return Err(TicketError::AlreadyDone {
                        id: id(),
                        department: department.clone(),
                        command,
                    });
                }
                written(result, "result")?;
                next.assignments[i].resolved_at = Some(at);
                next.assignments[i].result = Some(result.clone());
                if next.current_assignments().all(AssignmentStatus::is_resolved) {
                    next.answered_at = Some(at);
                    next.state = St::Resolved;
                }
            }
            (TicketCommand::Feedback { satisfaction }, St::Resolved) => {
                let satisfaction = *satisfaction;
                if !(1..=5).contains(&satisfaction) {
                    return Err(TicketError::SatisfactionOutOfRange { id: id(), satisfaction });
                }
                next.feedback.push(FeedbackRecord { cycle: self.cycle, satisfaction, at });
                if is_bad(satisfaction) {
                    next.cycle = self.cycle.saturating_add(1);
                    next.cycle_started_at = Some(at);
                    next.answered_at = None;
                    next.state = St::Reopened;
                    next.checked_feedback_due(cal).map_err(|e| unpublished(cal, e))?;
                } else {
                    next.state = St::Closed { closure: Closure::Satisfied { satisfaction } };
                }
            }
            (TicketCommand::Close { explanation }, St::Classified { class }) => {
                if class != TicketClass::NoLegalBasis {
                    return Err(wrong_class(class));
                }
                written(explanation, "explanation")?;
                next.explanation = Some(explanation.clone());
                next.answered_at = Some(at);
                next.state = St::Closed { closure: Closure::NoLegalBasis };
            }
            (TicketCommand::Close { explanation }, St::Resolved) => {
                written(explanation, "explanation")?;
                next.explanation = Some(explanation.clone());
                next.state = St::Closed { closure: Closure::WithoutFeedback };
            }
            (TicketCommand::Appeal { reason }, St::Received | St::Classified { .. }) => {
                if self.source != TicketSource::BadReview {
                    return Err(TicketError::AppealNotBadReview { id: id(), origin: self.source });
                }
                if self.appeal.is_some() {
                    return Err(TicketError::AlreadyAppealed { id: id() });
                }
                written(reason, "reason")?;
                next.appeal = Some(AppealRecord {
                    at,
                    reason: reason.clone(),
                    decision: None,
                    decided_at: None,
                    decision_reason: None,
                });
                next.state = St::UnderAppeal { class: self.class };
            }
            (TicketCommand::DecideAppeal { decision, reason }, St::UnderAppeal { class }) => {
                written(reason, "reason")?;
                if let Some(appeal) = next.appeal.as_mut() {
                    appeal.decision = Some(*decision);
                    appeal.decided_at = Some(at);
                    appeal.decision_reason = Some(reason.clone());
                }
                next.state = match (decision, class) {
                    (AppealDecision::Upheld, Some(class)) => St::Classified { class },
                    (AppealDecision::Upheld, None) => St::Received,
                    (AppealDecision::Overturned, _) => {
                        St::Closed { closure: Closure::ReviewRemoved }
                    }
                };
            }
            (_, state) => {
                return Err(TicketError::NotAllowed { id: id(), state: state.kind(), command })
            }
        }
        if next.state != self.state {
            next.state_since = at;
        }
        next.last_at = at;
        next.events += 1;
        let step = Transition::new(self.state.kind(), command, next.state.kind(), at);
        next.last_command = remember(event.command_id.as_ref(), step);
        *self = next;
        Ok(step)
    }

    fn classified_day(&self, cal: &WorkCalendar) -> NaiveDate {
        cal.to_civil(&self.classified_at.unwrap_or(self.received_at)).date()
    }

    fn current_index(&self, department: &DepartmentId) -> Result<usize, TicketError> {
        self.assignments
            .iter()
            .position(|a| a.cycle == self.cycle && &a.department == department)
            .ok_or_else(|| TicketError::UnknownDepartment {
                id: self.id.clone(),
                department: department.clone(),
            })
    }

    fn check_assignments(
        &self,
        assignments: &[Assignment],
        at: Instant,
    ) -> Result<(), TicketError> {
        let id = || self.id.clone();
        if assignments.is_empty() {
            return Err(TicketError::NoDepartments { id: id() });
        }
        let mut seen = BTreeSet::new();
        for a in assignments {
            let department = || a.department.clone();
            if !seen.insert(&a.department) {
                return Err(TicketError::DuplicateDepartment {
                    id: id(),
                    department: department(),
                });
            }
            if a.measure.trim().is_empty() {
                return Err(TicketError::EmptyMeasure { id: id(), department: department() });
            }
            if a.owner.is_blank() {
                return Err(TicketError::EmptyOwner { id: id(), department: department() });
            }
            if a.deadline < at {
                return Err(TicketError::DeadlineBeforeTransfer {
                    id: id(),
                    department: department(),
                    deadline: a.deadline,
                    at,
                });
            }
        }
        Ok(())
    }
}

/// The serde form of a ticket; decoding checks that its parts agree.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawTicket {
    id: TicketId,
    source: TicketSource,
    subject: String,
    visits_at_receipt: u32,
    state: TicketState,
    #[serde(default)]
    class: Option<TicketClass>,
    received_at: Instant,
    #[serde(default)]
    classified_at: Option<Instant>,
    state_since: Instant,
    cycle: u32,
    #[serde(default)]
    cycle_started_at: Option<Instant>,
    #[serde(default)]
    feedback_days: Option<u32>,
    #[serde(default)]
    answered_at: Option<Instant>,
    #[serde(default)]
    assignments: Vec<AssignmentStatus>,
    #[serde(default)]
    feedback: Vec<FeedbackRecord>,
    #[serde(default)]
    appeal: Option<AppealRecord>,
    #[serde(default)]
    explanation: Option<String>,
    last_event_at: Instant,
    event_count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_command: Option<Box<LastCommand<TicketStateKind, TicketCommandKind>>>,
}

impl TryFrom<RawTicket> for Ticket {
    type Error = TicketError;

    fn try_from(r: RawTicket) -> Result<Self, TicketError> {
        use TicketState as St;
        let bad = |what| Err(TicketError::InconsistentSnapshot { what });
        if r.visits_at_receipt == 0 {
            return bad("a ticket comes with at least one visit");
        }
        if r.subject.trim().is_empty() {
            return bad("a ticket needs a subject");
        }
        if r.event_count == 0 {
            return bad("a ticket has at least its receipt as an event");
        }
        if r.event_count > crate::machine::MAX_EVENTS {
            return bad("event_count is above MAX_EVENTS");
        }
        let class_fits = match r.state {
            St::Received => r.class.is_none(),
            St::Classified { class } => r.class == Some(class),
            St::UnderAppeal { class } => r.class == class,
            St::Transferred | St::InProgress | St::Resolved | St::Reopened => r.class.is_some(),
            St::Closed { .. } => true,
        };
        if !class_fits {
            return bad("the class does not fit the state");
        }
        if r.class.is_some() != r.classified_at.is_some() {
            return bad("classified_at must be set exactly when classified");
        }
        if r.cycle_started_at.is_some() != r.feedback_days.is_some() {
            return bad("a feedback clock needs both its start and its days");
        }
        if r.class.is_some() && r.cycle_started_at.is_none() {
            return bad("a classified ticket without its feedback clock");
        }
        let bad_feedback = r.feedback.iter().filter(|f| f.is_bad()).count();
        if u32::try_from(bad_feedback).ok() != Some(r.cycle) {
            return bad("the cycle must count the bad feedback");
        }
        let mut cycle = 0;
        for f in &r.feedback {
            if f.cycle != cycle || !(1..=5).contains(&f.satisfaction) {
                return bad("feedback records out of order or out of range");
            }
            cycle += u32::from(f.is_bad());
        }
        if r.assignments.iter().any(|a| a.cycle > r.cycle) {
            return bad("an assignment from a later cycle");
        }
        let current: Vec<_> = r.assignments.iter().filter(|a| a.cycle == r.cycle).collect();
        match r.state {
            St::Transferred
                if current.is_empty()
                    || current.iter().any(|a| a.taken_at.is_some() || a.is_resolved()) =>
            {
                return bad("a transferred ticket has untouched assignments")
            }
            St::InProgress if current.is_empty() || current.iter().all(|a| a.is_resolved()) => {
                return bad("a ticket in progress has unresolved assignments")
            }
            St::Resolved if r.answered_at.is_none() => {
                return bad("a resolved ticket must have been answered")
            }
            St::Reopened | St::Received if r.answered_at.is_some() => {
                return bad("no answer yet in this state")
            }
            _ => {}
        }
        match (&r.state, r.appeal.as_ref().map(|a| a.decision)) {
            (St::UnderAppeal { .. }, Some(None)) => {}
            (St::UnderAppeal { .. }, _) | (_, Some(None)) => {
                return bad("an undecided appeal exactly while under appeal")
            }
            (
                St::Closed { closure: Closure::ReviewRemoved },
                Some(Some(AppealDecision::Overturned)),
            ) => {}
            (St::Closed { closure: Closure::ReviewRemoved }, _)
            | (_, Some(Some(AppealDecision::Overturned))) => {
                return bad("a review is removed exactly when its appeal is overturned")
            }
            _ => {}
        }
        if r.appeal.is_some() && r.source != TicketSource::BadReview {
            return bad("only a bad review is appealed");
        }
        if let St::Closed { closure: Closure::Satisfied { satisfaction } } = r.state {
            if r.feedback.last().map(|f| f.satisfaction) != Some(satisfaction)
                || is_bad(satisfaction)
            {
                return bad("a satisfied closure must match the last feedback");
            }
        }
        if r.state_since < r.received_at || r.last_event_at < r.state_since {
            return bad("state_since must lie between receipt and the last event");
        }
        Ok(Ticket {
            id: r.id,
            source: r.source,
            subject: r.subject,
            visits_at_receipt: r.visits_at_receipt,
            state: r.state,
            class: r.class,
            received_at: r.received_at,
            classified_at: r.classified_at,
            state_since: r.state_since,
            cycle: r.cycle,
            cycle_started_at: r.cycle_started_at,
            feedback_days: r.feedback_days,
            answered_at: r.answered_at,
            assignments: r.assignments,
            feedback: r.feedback,
            appeal: r.appeal,
            explanation: r.explanation,
            last_at: r.last_event_at,
            events: r.event_count,
            last_command: r.last_command,
        })
    }
}

impl From<Ticket> for RawTicket {
    fn from(t: Ticket) -> Self {
        RawTicket {
            id: t.id,
            source: t.source,
            subject: t.subject,
            visits_at_receipt: t.visits_at_receipt,
            state: t.state,
            class: t.class,
            received_at: t.received_at,
            classified_at: t.classified_at,
            state_since: t.state_since,
            cycle: t.cycle,
            cycle_started_at: t.cycle_started_at,
            feedback_days: t.feedback_days,
            answered_at: t.answered_at,
            assignments: t.assignments,
            feedback: t.feedback,
            appeal: t.appeal,
            explanation: t.explanation,
            last_event_at: t.last_at,
            event_count: t.events,
            last_command: t.last_command,
        }
    }
}
