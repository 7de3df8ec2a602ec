use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{
    CaseCommand, CaseCommandKind, CaseContext, CaseError, CaseEvent, CaseId, CaseOutcome,
    CaseState, CaseStateKind, LateAcceptance, Resumable,
};

/// The delivery limit of 行政许可法 art. 44, for cases stored before it was
/// kept.
const DELIVERY_DAYS: u32 = 10;
use crate::catalog::{CaseKind, ItemCode};
use crate::limit::{
    ClockReading, Deadline, Delivery, Due, LegalClock, LimitUnit, SuspensionKind, Thresholds,
};
use crate::machine::{remember, screen, LastCommand, Transition};

/// The record of one accepted command: the state before and after, the
/// command's kind and its instant.
///
/// # JSON
///
/// ```
/// use shenpi::case::{CaseCommandKind, CaseStateKind, CaseTransition};
///
/// let t: CaseTransition = serde_json::from_str(r#"{"from": "received", "command": "accept",
///   "to": "accepted", "at": "2026-03-02T09:20:00+08:00"}"#)?;
/// assert_eq!((t.from, t.command, t.to), (CaseStateKind::Received, CaseCommandKind::Accept, CaseStateKind::Accepted));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub type CaseTransition = Transition<CaseStateKind, CaseCommandKind>;

/// A case (办件): one application for one approval item, as an event-sourced
/// state machine with its legal clock.
///
/// A case changes only through [`apply`](Self::apply), which checks a
/// command against the state, the role policy, the item's rules and the
/// clock, and either records it (returning the [`CaseTransition`] for the
/// host to store beside the event) or refuses it with a [`CaseError`],
/// leaving the case untouched. [`replay`](Self::replay) rebuilds the same
/// case from the stored events.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId, CaseStateKind, Decision};
/// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
/// use shenpi::limit::TimeLimit;
/// use shenpi::machine::{Actor, ActorId, Role};
///
/// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?)
///     .statutory(TimeLimit::working_days(20))
///     .promised(TimeLimit::working_days(7))
///     .build()?;
/// let calendar = WorkCalendar::china();
/// let ctx = CaseContext::new(&item, &calendar);
/// let actor = |id, role| Actor::new(ActorId::new(id).unwrap(), role);
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
///
/// let history = vec![
///     CaseEvent::new(actor("ent-1", Role::Applicant), at("2026-03-02T09:00:00+08:00"), CaseCommand::Receive),
///     CaseEvent::new(actor("clerk-7", Role::WindowClerk), at("2026-03-02T09:20:00+08:00"), CaseCommand::Accept),
///     CaseEvent::new(actor("rev-3", Role::Reviewer), at("2026-03-02T10:00:00+08:00"), CaseCommand::StartHandling),
///     CaseEvent::new(
///         actor("rev-3", Role::Reviewer),
///         at("2026-03-04T16:00:00+08:00"),
///         CaseCommand::Conclude { decision: Decision::Approved },
///     ),
/// ];
/// let case = Case::replay(CaseId::new("JO-2026-0001")?, &ctx, &history)?;
/// assert_eq!(case.state().kind(), CaseStateKind::Concluded);
/// let outcome = case.outcome(&calendar)?.expect("concluded");
/// assert!(outcome.on_time);
/// assert_eq!(outcome.actual_working_days, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId};
/// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
/// use shenpi::machine::{Actor, ActorId, Role};
/// # let at = |s| chrono::DateTime::parse_from_rfc3339(s).unwrap();
///
/// let item = ApprovalItem::builder(ItemCode::new("XK-1")?, "食品经营许可", DepartmentId::new("市场局")?).build()?;
/// let calendar = WorkCalendar::china();
/// let ctx = CaseContext::new(&item, &calendar);
/// let applicant = Actor::new(ActorId::new("ent-1")?, Role::Applicant);
/// let receive = CaseEvent::new(applicant, at("2026-03-02T09:00:00+08:00"), CaseCommand::Receive);
/// let (case, _) = Case::receive(CaseId::new("C-1")?, &ctx, &receive)?;
/// let json = serde_json::to_value(&case)?;
/// assert_eq!(json["state"], serde_json::json!({"kind": "received"}));
/// assert_eq!(json["clock"], serde_json::Value::Null); // not accepted yet
/// assert_eq!(serde_json::from_value::<Case>(json)?, case);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawCase", into = "RawCase")]
pub struct Case {
    id: CaseId,
    item: ItemCode,
    state: CaseState,
    received_at: DateTime<FixedOffset>,
    accepted_at: Option<DateTime<FixedOffset>>,
    deemed_accepted: bool,
    clock: Option<LegalClock>,
    concluded_at: Option<DateTime<FixedOffset>>,
    delivered_at: Option<DateTime<FixedOffset>>,
    last_at: DateTime<FixedOffset>,
    events: u64,
    /// The correction-notice window of its context at receipt, in working
    /// days (行政许可法 art. 32).
    acceptance_window: u32,
    /// Whether it was accepted after that window.
    accepted_late: bool,
    /// The delivery limit of its item, in working days, set at the
    /// decision (行政许可法 art. 44).
    delivery_days: Option<u32>,
    /// Its latest command, when that carried an id: answers a retry.
    last_command: Option<Box<LastCommand<CaseStateKind, CaseCommandKind>>>,
}

/// What an accepted command does, decided before anything changes.
enum Effect {
    None,
    StartClock(DateTime<FixedOffset>),
    DeemAccepted,
    Suspend(SuspensionKind),
    Resume,
    Extend(u32),
    StopClock,
    OnTheSpot,
    Deliver,
    AcceptLate,
}

impl Case {
    /// Opens a case from its first event, which must be
    /// [`CaseCommand::Receive`].
    ///
    /// # Errors
    ///
    /// [`CaseError::FirstEventNotReceive`] for any other command;
    /// [`CaseError::RoleNotAllowed`] when the policy refuses the actor.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId, CaseState};
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::machine::{Actor, ActorId, Role};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?).build()?;
    /// let calendar = WorkCalendar::china();
    /// let ctx = CaseContext::new(&item, &calendar);
    /// let event = CaseEvent::new(
    ///     Actor::new(ActorId::new("ent-1")?, Role::Applicant),
    ///     DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?,
    ///     CaseCommand::Receive,
    /// );
    /// let (case, transition) = Case::receive(CaseId::new("A-1")?, &ctx, &event)?;
    /// assert_eq!(case.state(), &CaseState::Received);
    /// assert_eq!(transition.at, event.at);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn receive(
        id: CaseId,
        ctx: &CaseContext<'_>,
        event: &CaseEvent,
    ) -> Result<(Case, CaseTransition), CaseError> {
        let kind = event.payload.kind();
        if kind != CaseCommandKind::Receive {
            return Err(CaseError::FirstEventNotReceive { command: kind });
        }
        if !ctx.policy().allows(kind, event.actor.role) {
            return Err(CaseError::RoleNotAllowed { role: event.actor.role, command: kind });
        }
        // The receipt must fall within the calendar's covered years.
        ctx.calendar().is_working_day(ctx.calendar().to_civil(&event.at).date())?;
        let case = Case {
            id,
            item: ctx.item().code().clone(),
            state: CaseState::Received,
            received_at: event.at,
            accepted_at: None,
            deemed_accepted: false,
            clock: None,
            concluded_at: None,
            delivered_at: None,
            last_at: event.at,
            events: 1,
            acceptance_window: ctx.correction_notice_days(),
            accepted_late: false,
            delivery_days: None,
            last_command: None,
        };
        // A first event has no latest command to retry, and expects none.
        screen::<CaseStateKind, CaseCommandKind, _>(None, 0, event)
            .map_err(|(expected, actual)| CaseError::Stale { expected, actual })?;
        let transition =
            Transition::new(CaseStateKind::Received, kind, CaseStateKind::Received, event.at);
        let case = Case { last_command: remember(event.command_id.as_ref(), transition), ..case };
        Ok((case, transition))
    }

    /// Rebuilds a case from its stored history, checking every event as
    /// [`apply`](Self::apply) does.
    ///
    /// # Errors
    ///
    /// [`CaseError::EmptyHistory`] or [`CaseError::FirstEventNotReceive`]
    /// for a history that does not start with a receipt; otherwise
    /// [`CaseError::Replay`] naming the index of the first refused event and
    /// why.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::{Case, CaseContext, CaseError, CaseId};
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?).build()?;
    /// let calendar = WorkCalendar::china();
    /// let ctx = CaseContext::new(&item, &calendar);
    /// let err = Case::replay(CaseId::new("A-1")?, &ctx, &[]).unwrap_err();
    /// assert_eq!(err, CaseError::EmptyHistory);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replay(
        id: CaseId,
        ctx: &CaseContext<'_>,
        history: &[CaseEvent],
    ) -> Result<Case, CaseError> {
        let (first, rest) = history.split_first().ok_or(CaseError::EmptyHistory)?;
        let (mut case, _) = Case::receive(id, ctx, first)?;
        for (i, event) in rest.iter().enumerate() {
            case.apply(ctx, event)
                .map_err(|e| CaseError::Replay { index: i + 1, source: Box::new(e) })?;
        }
        Ok(case)
    }

    /// The case id.
    ///
    /// # Example
    ///
    /// See [`Case::receive`]; `case.id().as_str()` is the id given there.
    pub fn id(&self) -> &CaseId {
        &self.id
    }

    /// The item the case is for.
    ///
    /// # Example
    ///
    /// See [`Case::receive`]; the item is the context's.
    pub fn item(&self) -> &ItemCode {
        &self.item
    }

    /// The current state.
    ///
    /// # Example
    ///
    /// See [`Case`].
    pub fn state(&self) -> &CaseState {
        &self.state
    }

    /// When the application was received.
    ///
    /// # Example
    ///
    /// See [`Case::receive`].
    pub fn received_at(&self) -> DateTime<FixedOffset> {
        self.received_at
    }

    /// When the case was accepted (the clock's start), if it has been. A
    /// late correction notice sets this to the receipt (art. 32).
    ///
    /// # Example
    ///
    /// See [`Case::is_deemed_accepted`].
    pub fn accepted_at(&self) -> Option<DateTime<FixedOffset>> {
        self.accepted_at
    }

    /// Whether the case counts as accepted on receipt because the
    /// correction notice came too late (art. 32).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId, CaseStateKind};
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::machine::{Actor, ActorId, Role};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?).build()?;
    /// let calendar = WorkCalendar::china();
    /// let ctx = CaseContext::new(&item, &calendar);
    /// let clerk = Actor::new(ActorId::new("clerk-7")?, Role::WindowClerk);
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let (mut case, _) = Case::receive(
    ///     CaseId::new("A-1")?,
    ///     &ctx,
    ///     &CaseEvent::new(clerk.clone(), at("2026-03-02T09:00:00+08:00"), CaseCommand::Receive),
    /// )?;
    /// // The notice goes out 6 working days after receipt: too late.
    /// let notice = CaseCommand::RequestCorrection { missing: vec!["site plan".into()] };
    /// case.apply(&ctx, &CaseEvent::new(clerk, at("2026-03-10T09:00:00+08:00"), notice))?;
    /// assert!(case.is_deemed_accepted());
    /// assert_eq!(case.state().kind(), CaseStateKind::Accepted);
    /// assert_eq!(case.accepted_at(), Some(case.received_at()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_deemed_accepted(&self) -> bool {
        self.deemed_accepted
    }

    /// The legal clock, once the case is accepted.
    ///
    /// # Example
    ///
    /// See [`Case::is_deemed_accepted`]; after acceptance
    /// `case.clock().map(|c| c.started())` is the acceptance.
    pub fn clock(&self) -> Option<&LegalClock> {
        self.clock.as_ref()
    }

    /// When the case was decided, if it has been.
    ///
    /// # Example
    ///
    /// See [`Case`].
    pub fn concluded_at(&self) -> Option<DateTime<FixedOffset>> {
        self.concluded_at
    }

    /// When the decision was delivered, if it has been.
    ///
    /// # Example
    ///
    /// See [`Case`].
    pub fn delivered_at(&self) -> Option<DateTime<FixedOffset>> {
        self.delivered_at
    }

    /// The instant of the latest event; a new command may not be earlier.
    ///
    /// # Example
    ///
    /// See [`Case::receive`].
    pub fn last_event_at(&self) -> DateTime<FixedOffset> {
        self.last_at
    }

    /// How many events the case has recorded, its receipt included.
    ///
    /// # Example
    ///
    /// See [`Case::receive`]; a new case has recorded one event.
    pub fn event_count(&self) -> u64 {
        self.events
    }

    /// Checks `event` against the case and records it, or refuses it and
    /// leaves the case untouched.
    ///
    /// # Errors
    ///
    /// - [`CaseError::WrongItem`] when `ctx` is for another item;
    /// - [`CaseError::RoleNotAllowed`] when the policy refuses the actor;
    /// - [`CaseError::TimeWentBackwards`] when the event is earlier than the
    ///   case's latest;
    /// - [`CaseError::NotAllowed`] when the command has no transition from
    ///   the current state;
    /// - a rule of the command: [`CaseError::EmptyReason`],
    ///   [`CaseError::EmptyCorrectionList`],
    ///   [`CaseError::ProcedureNotAllowed`],
    ///   [`CaseError::ExtensionExceedsAllowance`],
    ///   [`CaseError::EmptyExtension`], [`CaseError::NotInstant`],
    ///   [`CaseError::NotSameDay`], [`CaseError::NotApproved`];
    /// - [`CaseError::Calendar`] when the event falls outside the calendar's
    ///   covered years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::{Case, CaseCommand, CaseContext, CaseError, CaseEvent, CaseId};
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::machine::{Actor, ActorId, Role};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?).build()?;
    /// let calendar = WorkCalendar::china();
    /// let ctx = CaseContext::new(&item, &calendar);
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let applicant = Actor::new(ActorId::new("ent-1")?, Role::Applicant);
    /// let (mut case, _) =
    ///     Case::receive(CaseId::new("A-1")?, &ctx, &CaseEvent::new(applicant.clone(), at, CaseCommand::Receive))?;
    /// // An applicant cannot accept their own application.
    /// let before = case.clone();
    /// let err = case.apply(&ctx, &CaseEvent::new(applicant, at, CaseCommand::Accept)).unwrap_err();
    /// assert!(matches!(err, CaseError::RoleNotAllowed { .. }));
    /// assert_eq!(case, before);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(
        &mut self,
        ctx: &CaseContext<'_>,
        event: &CaseEvent,
    ) -> Result<CaseTransition, CaseError> {
        let command = event.payload.kind();
        let at = event.at;
        let item = ctx.item();
        if item.code() != &self.item {
            return Err(CaseError::WrongItem {
                case: self.item.clone(),
                given: item.code().clone(),
            });
        }
        // A retry of the latest command is answered as it was; a writer
        // that saw another event count is refused.
        let retry = screen(self.last_command.as_deref(), self.events, event);
        if let Some(earlier) =
            retry.map_err(|(expected, actual)| CaseError::Stale { expected, actual })?
        {
            return Ok(earlier);
        }
        if self.events >= crate::machine::MAX_EVENTS {
            return Err(CaseError::HistoryFull { max: crate::machine::MAX_EVENTS });
        }
        // A snapshot is decoded without its item: the first command on it
        // checks its extensions against the item's allowance (art. 42).
        if let Some(clock) = self.clock.as_ref().filter(|c| !c.extensions().is_empty()) {
            if clock.extension_days() > item.extension().amount() {
                return Err(CaseError::InconsistentSnapshot {
                    what: "the clock's extensions exceed the item's allowance",
                });
            }
        }
        if !ctx.policy().allows(command, event.actor.role) {
            return Err(CaseError::RoleNotAllowed { role: event.actor.role, command });
        }
        if at < self.last_at {
            return Err(CaseError::TimeWentBackwards { at, last: self.last_at });
        }
        let cal = ctx.calendar();
        let today = cal.to_civil(&at).date();
        // Every event must fall on a covered day.
        cal.is_working_day(today)?;
        let not_allowed = || CaseError::NotAllowed { state: self.state.kind(), command };
        let written = |reason: &str| {
            if reason.trim().is_empty() {
                Err(CaseError::EmptyReason { command })
            } else {
                Ok(())
            }
        };

        use CaseState as St;
        let (next, effect) = match (&event.payload, self.state) {
            (CaseCommand::RequestCorrection { missing }, St::Received) => {
                if missing.is_empty() || missing.iter().any(|m| m.trim().is_empty()) {
                    return Err(CaseError::EmptyCorrectionList);
                }
                let received = cal.to_civil(&self.received_at).date();
                if cal.working_days_between(received, today)? > ctx.correction_notice_days() {
                    (St::Accepted, Effect::DeemAccepted)
                } else {
                    (St::CorrectionRequested, Effect::None)
                }
            }
            (CaseCommand::SubmitCorrection, St::CorrectionRequested) => {
                (St::Corrected, Effect::None)
            }
            (CaseCommand::Accept, St::Received) => {
                // 行政许可法 art. 32: accepted after the correction-notice
                // window, the application waited as a late notice would
                // have made it wait (see LateAcceptance).
                // Fewer whole days since receipt than the window has working
                // days cannot be late: most acceptances skip the count.
                let window = ctx.correction_notice_days();
                let whole_days = (at.timestamp() - self.received_at.timestamp()) / 86_400;
                let late = whole_days >= i64::from(window) && {
                    let received = cal.to_civil(&self.received_at).date();
                    cal.working_days_between(received, today)? > window
                };
                if late {
                    (St::Accepted, Effect::AcceptLate)
                } else {
                    (St::Accepted, Effect::StartClock(at))
                }
            }
            (CaseCommand::Accept, St::Corrected) => (St::Accepted, Effect::StartClock(at)),
            (
                CaseCommand::RefuseToAccept { reason },
                St::Received | St::CorrectionRequested | St::Corrected,
            ) => {
                written(reason)?;
                (St::NotAccepted, Effect::None)
            }
            (CaseCommand::ConcludeOnTheSpot { decision }, St::Received) => {
                if item.case_kind() != CaseKind::Instant {
                    return Err(CaseError::NotInstant { item: self.item.clone() });
                }
                let received = cal.to_civil(&self.received_at).date();
                if received != today {
                    return Err(CaseError::NotSameDay { received, at: today });
                }
                (St::Concluded { decision: *decision }, Effect::OnTheSpot)
            }
            (CaseCommand::StartHandling, St::Accepted) => (St::Handling, Effect::None),
            (CaseCommand::Suspend { reason }, St::Accepted | St::Handling | St::Extended) => {
                if let SuspensionKind::SpecialProcedure { procedure } = reason {
                    if !item.allows(*procedure) {
                        return Err(CaseError::ProcedureNotAllowed {
                            item: self.item.clone(),
                            procedure: *procedure,
                        });
                    }
                }
                let resume_to = match self.state {
                    St::Extended => Resumable::Extended,
                    _ => Resumable::Handling,
                };
                (St::Suspended { reason: *reason, resume_to }, Effect::Suspend(*reason))
            }
            (CaseCommand::Resume, St::Suspended { resume_to, .. }) => {
                (CaseState::resumed(resume_to), Effect::Resume)
            }
            (CaseCommand::Extend { working_days, reason }, St::Handling | St::Extended) => {
                written(reason)?;
                if *working_days == 0 {
                    return Err(CaseError::EmptyExtension);
                }
                // 行政许可法 art. 42(2): the extension of unified, joint or
                // concentrated handling is the government head's to grant.
                if item.case_kind() == CaseKind::Joint
                    && event.actor.role != ctx.joint_extension_by()
                {
                    return Err(CaseError::ExtensionGrantor {
                        item: self.item.clone(),
                        role: event.actor.role,
                        required: ctx.joint_extension_by(),
                    });
                }
                // Art. 42(1): an extension is for a decision that cannot be
                // made within the limit, so it is granted while the limit
                // runs, on its last day at the latest.
                let clock = self
                    .clock
                    .as_ref()
                    .ok_or(CaseError::InconsistentSnapshot { what: "no clock after acceptance" })?;
                // A limit of n days (working or natural) or months lasts at
                // least n whole days: an extension sooner cannot be late.
                let statutory = clock.statutory();
                let whole_days = (at.timestamp() - clock.started().timestamp()) / 86_400;
                let surely_running = statutory.unit() != LimitUnit::WorkingHours
                    && whole_days < i64::from(statutory.amount());
                if !surely_running {
                    let due = clock.due(cal, Deadline::Statutory, at)?;
                    if today > due.date {
                        return Err(CaseError::ExtensionAfterDeadline { at: today, due: due.date });
                    }
                }
                let allowance = item.extension().amount();
                let used = self.clock.as_ref().map_or(0, LegalClock::extension_days);
                if u64::from(used) + u64::from(*working_days) > u64::from(allowance) {
                    return Err(CaseError::ExtensionExceedsAllowance {
                        requested: *working_days,
                        used,
                        allowance,
                    });
                }
                (St::Extended, Effect::Extend(*working_days))
            }
            (CaseCommand::Conclude { decision }, St::Accepted | St::Handling | St::Extended) => {
                (St::Concluded { decision: *decision }, Effect::StopClock)
            }
            (CaseCommand::Deliver, St::Concluded { decision }) => {
                (St::Delivered { decision }, Effect::Deliver)
            }
            (
                CaseCommand::Withdraw,
                St::Received
                | St::CorrectionRequested
                | St::Corrected
                | St::Accepted
                | St::Handling
                | St::Suspended { .. }
                | St::Extended,
            ) => {
                let effect = if self.clock.is_some() { Effect::StopClock } else { Effect::None };
                (St::Withdrawn, effect)
            }
            (
                CaseCommand::Recall { reason } | CaseCommand::Revoke { reason },
                St::Concluded { decision } | St::Delivered { decision },
            ) => {
                if !decision.is_approval() {
                    return Err(CaseError::NotApproved { decision, command });
                }
                written(reason)?;
                let next = if command == CaseCommandKind::Recall {
                    St::Recalled { decision }
                } else {
                    St::Revoked { decision }
                };
                (next, Effect::None)
            }
            _ => return Err(not_allowed()),
        };

        // Everything is checked; the clock changes first (each of its
        // operations is all-or-nothing), then the case.
        match effect {
            Effect::None => {}
            Effect::StartClock(start) => {
                // The clock is built in place; a refusal below puts back the
                // case's no clock, as it was before acceptance.
                let clock =
                    self.clock.insert(LegalClock::start(start, item.promised(), item.statutory())?);
                // A deadline past the calendar's published years is refused
                // here, at acceptance, not found when the clock is read.
                if let Err(e) = clock.check_deadlines_on(cal, today) {
                    self.clock = None;
                    return Err(e.into());
                }
                self.accepted_at = Some(start);
            }
            Effect::AcceptLate => {
                let start = match ctx.late_acceptance() {
                    LateAcceptance::FromReceipt => self.received_at,
                    LateAcceptance::FromAcceptance => at,
                };
                let clock = LegalClock::start(start, item.promised(), item.statutory())?;
                clock.check_deadlines(cal)?;
                self.clock = Some(clock);
                self.accepted_at = Some(start);
                self.accepted_late = true;
            }
            Effect::DeemAccepted => {
                let clock = LegalClock::start(self.received_at, item.promised(), item.statutory())?;
                clock.check_deadlines(cal)?;
                self.clock = Some(clock);
                self.accepted_at = Some(self.received_at);
                self.deemed_accepted = true;
            }
            Effect::OnTheSpot => {
                let mut clock = LegalClock::start(at, item.promised(), item.statutory())?;
                clock.check_deadlines_on(cal, today)?;
                clock.stop(at)?;
                self.clock = Some(clock);
                self.accepted_at = Some(at);
                self.concluded_at = Some(at);
                self.delivery_days = Some(item.delivery().amount());
            }
            Effect::Suspend(reason) => self.clock_mut()?.suspend(reason, at)?,
            Effect::Resume => self.clock_mut()?.resume(at)?,
            Effect::Extend(days) => self.clock_mut()?.extend(days, at)?,
            Effect::StopClock => {
                self.clock_mut()?.stop(at)?;
                if next.is_concluded() {
                    self.concluded_at = Some(at);
                    self.delivery_days = Some(item.delivery().amount());
                }
            }
            Effect::Deliver => self.delivered_at = Some(at),
        }
        let from = self.state.kind();
        self.state = next;
        self.last_at = at;
        self.events += 1;
        let transition = Transition::new(from, command, next.kind(), at);
        self.last_command = remember(event.command_id.as_ref(), transition);
        Ok(transition)
    }

    fn clock_mut(&mut self) -> Result<&mut LegalClock, CaseError> {
        self.clock
            .as_mut()
            .ok_or(CaseError::InconsistentSnapshot { what: "no clock after acceptance" })
    }

    /// Works out once what the case's clock needs of `cal`, so that later
    /// readings on the same calendar are quicker (about a third of the
    /// work); answers are the same either way. Call it on a case that will
    /// be read many times before its next event (a case loaded for a
    /// supervision sweep or a dashboard), after [`replay`](Case::replay),
    /// decoding or [`apply`](Case::apply), none of which does it, as it
    /// costs about as much as a few readings.
    ///
    /// # Example
    ///
    /// See [`LegalClock::prepare`].
    pub fn prepare(&mut self, cal: &crate::calendar::WorkCalendar) {
        if let Some(clock) = &mut self.clock {
            clock.prepare(cal);
        }
    }

    /// Reads the legal clock at `now` (`None` before acceptance, or for an
    /// application never accepted).
    ///
    /// # Errors
    ///
    /// [`CaseError::Limit`] when a date falls outside the calendar's covered
    /// years.
    ///
    /// # Example
    ///
    /// See [`LegalClock::reading`]; a case reads its own clock the same way.
    pub fn reading(
        &self,
        cal: &crate::calendar::WorkCalendar,
        now: DateTime<FixedOffset>,
        thresholds: &Thresholds,
    ) -> Result<Option<ClockReading>, CaseError> {
        self.reading_at(cal, now, None, thresholds)
    }

    /// [`reading`](Case::reading) with `now` worked out on `cal` already.
    #[inline]
    pub(crate) fn reading_at(
        &self,
        cal: &crate::calendar::WorkCalendar,
        now: DateTime<FixedOffset>,
        point: Option<&crate::calendar::Point>,
        thresholds: &Thresholds,
    ) -> Result<Option<ClockReading>, CaseError> {
        let Some(clock) = &self.clock else { return Ok(None) };
        let mut reading = clock.reading_at(cal, now, point, thresholds)?;
        if let Some(due) = self.delivery_due(cal)? {
            reading.delivery = Some(Delivery::at(due, self.delivered_at, now));
        }
        Ok(Some(reading))
    }

    /// When the issue and delivery (颁发、送达) of the decision are due: the
    /// close of office hours of the item's delivery limit in working days
    /// after the day of the decision, 10 by default (行政许可法 art. 44).
    /// `None` until the case is decided, and for a case never decided. A
    /// denial is served as a written decision (art. 38) in the same time.
    ///
    /// # Errors
    ///
    /// [`CaseError::Calendar`] when the due date falls outside the
    /// calendar.
    ///
    /// # Example
    ///
    /// See [`Delivery`].
    pub fn delivery_due(
        &self,
        cal: &crate::calendar::WorkCalendar,
    ) -> Result<Option<Due>, CaseError> {
        let (Some(at), Some(_)) = (self.concluded_at, self.state.decision()) else {
            return Ok(None);
        };
        let days = self.delivery_days.unwrap_or(DELIVERY_DAYS);
        let date = cal.add_working_days(cal.to_civil(&at).date(), days)?;
        let at = cal.last_day_end(date, crate::calendar::Party::Agency)?;
        Ok(Some(Due { date, at, provisional: cal.is_provisional(date) }))
    }

    /// When acceptance is due while the application waits at the window:
    /// the close of the correction-notice window (5 working days by
    /// default, 行政许可法 art. 32) after the day of receipt, or of the
    /// corrections' submission. `None` in every other state.
    ///
    /// # Errors
    ///
    /// [`CaseError::Calendar`] when the due date falls outside the
    /// calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId};
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::machine::{Actor, ActorId, Role};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market")?).build()?;
    /// let cal = WorkCalendar::china();
    /// let ctx = CaseContext::new(&item, &cal);
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let receive = CaseEvent::new(Actor::new(ActorId::new("ent-1")?, Role::Applicant), at("2026-03-02T09:00:00+08:00"), CaseCommand::Receive);
    /// let (case, _) = Case::receive(CaseId::new("C-1")?, &ctx, &receive)?;
    /// assert_eq!(case.acceptance_due(&cal)?, Some(at("2026-03-10T00:00:00+08:00")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn acceptance_due(
        &self,
        cal: &crate::calendar::WorkCalendar,
    ) -> Result<Option<DateTime<FixedOffset>>, CaseError> {
        let from = match self.state {
            CaseState::Received => self.received_at,
            CaseState::Corrected => self.last_at,
            _ => return Ok(None),
        };
        let date = cal.add_working_days(cal.to_civil(&from).date(), self.acceptance_window)?;
        Ok(Some(cal.last_day_end(date, crate::calendar::Party::Agency)?))
    }

    /// Whether the application was accepted after the correction-notice
    /// window (行政许可法 art. 32): by a late correction notice (deemed
    /// accepted on receipt) or by a late acceptance (see
    /// [`LateAcceptance`](super::LateAcceptance)).
    ///
    /// # Example
    ///
    /// See [`LateAcceptance`](super::LateAcceptance).
    pub fn is_accepted_late(&self) -> bool {
        self.accepted_late || self.deemed_accepted
    }

    /// The promised-versus-actual record of a decided case (`None` while it
    /// is undecided, or when it was withdrawn or not accepted).
    ///
    /// # Errors
    ///
    /// [`CaseError::Limit`] when a date falls outside the calendar's covered
    /// years.
    ///
    /// # Example
    ///
    /// See [`Case`].
    pub fn outcome(
        &self,
        cal: &crate::calendar::WorkCalendar,
    ) -> Result<Option<CaseOutcome>, CaseError> {
        let Some(decision) = self.state.decision() else {
            return Ok(None);
        };
        match (&self.clock, self.concluded_at) {
            (Some(clock), Some(at)) => {
                let mut outcome = CaseOutcome::new(clock, cal, decision, at)?;
                outcome.accepted_late = self.is_accepted_late();
                if let Some(due) = self.delivery_due(cal)? {
                    outcome.delivery_due = Some(due);
                    outcome.delivered_on_time = self.delivered_at.map(|d| d <= due.at);
                }
                Ok(Some(outcome))
            }
            _ => Err(CaseError::InconsistentSnapshot { what: "a decided case without its clock" }),
        }
    }
}

/// The serde form of a case; decoding checks that its parts agree.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: CaseId,
    item: ItemCode,
    state: CaseState,
    received_at: DateTime<FixedOffset>,
    #[serde(default)]
    accepted_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    deemed_accepted: bool,
    #[serde(default)]
    clock: Option<LegalClock>,
    #[serde(default)]
    concluded_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    delivered_at: Option<DateTime<FixedOffset>>,
    last_event_at: DateTime<FixedOffset>,
    event_count: u64,
    #[serde(default = "default_window", skip_serializing_if = "is_default_window")]
    acceptance_window: u32,
    #[serde(default, skip_serializing_if = "crate::limit::is_false")]
    accepted_late: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delivery_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_command: Option<Box<LastCommand<CaseStateKind, CaseCommandKind>>>,
}

fn default_window() -> u32 {
    super::CORRECTION_NOTICE_DAYS
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_default_window(days: &u32) -> bool {
    *days == super::CORRECTION_NOTICE_DAYS
}

impl TryFrom<RawCase> for Case {
    type Error = CaseError;

    fn try_from(raw: RawCase) -> Result<Self, CaseError> {
        let bad = |what| Err(CaseError::InconsistentSnapshot { what });
        let state = raw.state;
        if raw.state.is_clocked() && !matches!(state, CaseState::Withdrawn) && raw.clock.is_none() {
            return bad("an accepted case without its clock");
        }
        if !state.is_clocked() && raw.clock.is_some() {
            return bad("a clock on a case never accepted");
        }
        if raw.clock.as_ref().map(LegalClock::started) != raw.accepted_at {
            return bad("accepted_at differs from the clock's start");
        }
        if raw.deemed_accepted && raw.accepted_at != Some(raw.received_at) {
            return bad("deemed acceptance must be on receipt");
        }
        if raw.accepted_at.is_some_and(|a| a < raw.received_at) {
            return bad("accepted before received");
        }
        let running = raw.clock.as_ref().and_then(|c| c.current_suspension().map(|s| s.kind));
        match (state, running) {
            (CaseState::Suspended { reason, .. }, Some(kind)) if reason == kind => {}
            (CaseState::Suspended { .. }, _) => {
                return bad("suspended without a matching suspension")
            }
            (_, Some(_)) => return bad("a running suspension outside the suspended state"),
            _ => {}
        }
        let stopped = raw.clock.as_ref().and_then(LegalClock::stopped);
        let ended = state.is_concluded() || matches!(state, CaseState::Withdrawn);
        if raw.clock.is_some() && ended != stopped.is_some() {
            return bad("the clock must stop exactly when the case ends");
        }
        if state.is_concluded() != raw.concluded_at.is_some()
            || (state.is_concluded() && stopped != raw.concluded_at)
        {
            return bad("concluded_at must be the clock's stop, set exactly when decided");
        }
        let delivered = matches!(state, CaseState::Delivered { .. });
        if raw.delivered_at.is_some()
            && !(delivered
                || matches!(state, CaseState::Recalled { .. } | CaseState::Revoked { .. }))
            || (delivered && raw.delivered_at.is_none())
        {
            return bad("delivered_at must be set exactly when delivered");
        }
        let latest = [raw.accepted_at, raw.concluded_at, raw.delivered_at]
            .into_iter()
            .flatten()
            .chain(raw.clock.as_ref().map(LegalClock::last_recorded))
            .fold(raw.received_at, DateTime::max);
        if raw.last_event_at < latest {
            return bad("last_event_at is before a recorded instant");
        }
        if raw.event_count == 0 {
            return bad("a case has at least its receipt as an event");
        }
        if raw.event_count > crate::machine::MAX_EVENTS {
            return bad("event_count is above MAX_EVENTS");
        }
        if raw.accepted_late && raw.accepted_at.is_none() {
            return bad("accepted late but never accepted");
        }
        if raw.delivery_days.is_some() && raw.concluded_at.is_none() {
            return bad("a delivery limit on a case never decided");
        }
        Ok(Case {
            id: raw.id,
            item: raw.item,
            state,
            received_at: raw.received_at,
            accepted_at: raw.accepted_at,
            deemed_accepted: raw.deemed_accepted,
            clock: raw.clock,
            concluded_at: raw.concluded_at,
            delivered_at: raw.delivered_at,
            last_at: raw.last_event_at,
            events: raw.event_count,
            acceptance_window: raw.acceptance_window,
            accepted_late: raw.accepted_late,
            delivery_days: raw.delivery_days,
            last_command: raw.last_command,
        })
    }
}

impl From<Case> for RawCase {
    fn from(c: Case) -> Self {
        RawCase {
            id: c.id,
            item: c.item,
            state: c.state,
            received_at: c.received_at,
            accepted_at: c.accepted_at,
            deemed_accepted: c.deemed_accepted,
            clock: c.clock,
            concluded_at: c.concluded_at,
            delivered_at: c.delivered_at,
            last_event_at: c.last_at,
            event_count: c.events,
            acceptance_window: c.acceptance_window,
            accepted_late: c.accepted_late,
            delivery_days: c.delivery_days,
            last_command: c.last_command,
        }
    }
}
