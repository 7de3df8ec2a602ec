use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeDelta};
use proptest::prelude::*;

use super::history::Bounds;
use super::seed::{
    actor, advance, allowed_role, refused_role, seeds, start_seed, text, weighted, Seed,
};
use super::violation::{beyond_calendar, broken};
use super::{Expect, History, Illegal, KitError, Law, Machine, Scope, Violation};
use crate::calendar::{Roll, WorkCalendar};
use crate::catalog::DepartmentId;
use crate::machine::{Named, RolePolicy, TransitionTable};
use crate::ticket::{
    default_policy, transition_table, AppealDecision, Assignment, FeedbackDeadlines, Owner, Ticket,
    TicketClass, TicketCommand, TicketCommandKind as K, TicketContext, TicketEvent, TicketId,
    TicketSource, TicketState, TicketStateKind,
};

type Instant = DateTime<FixedOffset>;
type Table = TransitionTable<TicketStateKind, K>;

/// A portal's own definitions for complaint tickets: the calendar, the
/// role policy, the feedback deadlines, the sources tickets come from and
/// the departments they are transferred to.
///
/// # Example
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::catalog::DepartmentId;
/// use shenpi::testing::TicketDefs;
/// use shenpi::ticket::TicketSource;
///
/// let defs = TicketDefs::new(WorkCalendar::china())
///     .with_sources([TicketSource::TeaMeeting, TicketSource::CantGetItDoneWindow])
///     .with_departments([DepartmentId::new("water")?, DepartmentId::new("power")?]);
/// assert_eq!(defs.departments().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct TicketDefs {
    calendar: WorkCalendar,
    policy: RolePolicy<K>,
    deadlines: FeedbackDeadlines,
    sources: Vec<TicketSource>,
    departments: Vec<DepartmentId>,
}

impl TicketDefs {
    /// Tickets on `calendar` with the default policy and deadlines, from
    /// every source, transferred to three departments named `dept-1` to
    /// `dept-3`.
    ///
    /// # Example
    ///
    /// See [`TicketDefs`].
    pub fn new(calendar: WorkCalendar) -> TicketDefs {
        let departments =
            (1..=3).filter_map(|i| DepartmentId::new(&format!("dept-{i}")).ok()).collect();
        TicketDefs {
            calendar,
            policy: default_policy(),
            deadlines: FeedbackDeadlines::default(),
            sources: vec![
                TicketSource::CantGetItDoneWindow,
                TicketSource::TeaMeeting,
                TicketSource::KeyProjectProblem,
                TicketSource::BadReview,
                TicketSource::Hotline,
            ],
            departments,
        }
    }

    /// The same with the portal's role policy.
    ///
    /// # Example
    ///
    /// See [`TicketDefs`].
    pub fn with_policy(mut self, policy: RolePolicy<K>) -> TicketDefs {
        self.policy = policy;
        self
    }

    /// The same with the portal's feedback deadlines.
    ///
    /// # Example
    ///
    /// See [`TicketDefs`].
    pub fn with_deadlines(mut self, deadlines: FeedbackDeadlines) -> TicketDefs {
        self.deadlines = deadlines;
        self
    }

    /// The same with tickets from these sources only.
    ///
    /// # Example
    ///
    /// See [`TicketDefs`].
    pub fn with_sources(mut self, sources: impl IntoIterator<Item = TicketSource>) -> TicketDefs {
        self.sources = sources.into_iter().collect();
        self
    }

    /// The same with tickets transferred to these departments.
    ///
    /// # Example
    ///
    /// See [`TicketDefs`].
    pub fn with_departments(
        mut self,
        departments: impl IntoIterator<Item = DepartmentId>,
    ) -> TicketDefs {
        self.departments = departments.into_iter().collect();
        self
    }

    /// The calendar.
    ///
    /// # Example
    ///
    /// See [`TicketDefs`].
    pub fn calendar(&self) -> &WorkCalendar {
        &self.calendar
    }

    /// The departments tickets go to.
    ///
    /// # Example
    ///
    /// See [`TicketDefs`].
    pub fn departments(&self) -> &[DepartmentId] {
        &self.departments
    }

    /// The context tickets of these definitions run in.
    ///
    /// # Example
    ///
    /// See [`TicketDefs`]; `Ticket::replay(id, &defs.context(), &events)`.
    pub fn context(&self) -> TicketContext<'_> {
        TicketContext::new(&self.calendar).with_policy(&self.policy).with_deadlines(self.deadlines)
    }
}

fn kit_ticket_id() -> TicketId {
    TicketId::new("KIT-TICKET").expect("a non-empty id")
}

/// Valid ticket histories for the portal's definitions: a receipt on a
/// day of `scope` from one of its sources, then commands the transition
/// table allows, by roles the policy allows, with data the rules accept
/// (transfers to one to three of its departments with owner, measure and a
/// deadline; feedback 1 to 5, sometimes dissatisfied so the ticket reopens;
/// appeals only of bad reviews), never leaving the calendar. Every event is
/// [`Expect::Accept`].
///
/// # Errors
///
/// [`KitError`] when the scope is not on the calendar, or the definitions
/// give no source, no department, or nobody allowed to receive a ticket.
///
/// # Example
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::testing::{check_ticket_laws, ticket_history, Scope, TicketDefs};
///
/// let defs = TicketDefs::new(WorkCalendar::china());
/// let histories = ticket_history(&defs, &Scope::year(2026))?;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..5 {
///     check_ticket_laws(&defs, &histories.new_tree(&mut runner).map_err(|r| r.to_string())?.current())?;
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn ticket_history(
    defs: &TicketDefs,
    scope: &Scope,
) -> Result<BoxedStrategy<History<TicketCommand>>, KitError> {
    ticket_strategy(defs, scope, 0.0)
}

/// Like [`ticket_history`], with about one command in six made illegal: a
/// role the policy refuses, an instant before the latest event, a command
/// the table lacks from the state, or data a rule refuses (a satisfaction
/// outside 1–5, a transfer to nobody, a blank explanation, a department not
/// assigned, an appeal of anything but a bad review). Those events are
/// [`Expect::Refuse`] with the reason.
///
/// # Errors
///
/// As [`ticket_history`].
///
/// # Example
///
/// See [`ticket_history`]; `mixed_ticket_history(&defs, &scope)?`.
pub fn mixed_ticket_history(
    defs: &TicketDefs,
    scope: &Scope,
) -> Result<BoxedStrategy<History<TicketCommand>>, KitError> {
    ticket_strategy(defs, scope, 1.0 / 6.0)
}

fn ticket_strategy(
    defs: &TicketDefs,
    scope: &Scope,
    illegal: f64,
) -> Result<BoxedStrategy<History<TicketCommand>>, KitError> {
    let bounds = scope.check(&defs.calendar)?;
    if defs.sources.is_empty() {
        return Err(KitError::Nothing { what: "ticket source" });
    }
    if defs.departments.is_empty() {
        return Err(KitError::Nothing { what: "department" });
    }
    if defs.policy.roles(K::Receive).next().is_none() {
        return Err(KitError::Nothing { what: "role allowed to receive a ticket" });
    }
    let defs = Arc::new(defs.clone());
    Ok((start_seed(), seeds(bounds.commands, illegal))
        .prop_map(move |(start, steps)| {
            let Some(at) = start.at(&defs.calendar, &bounds) else {
                return History::new(bounds.latest, Vec::new());
            };
            let source = defs.sources[start.data as usize % defs.sources.len()];
            let role = allowed_role(&defs.policy, K::Receive, start.role);
            let receipt = TicketCommand::Receive {
                source,
                subject: text(start.data / 5),
                visits: 1 + start.data / 7 % 3,
            };
            match role {
                Some(role) => {
                    play(&defs, &bounds, TicketEvent::new(actor(role), at, receipt), &steps)
                }
                None => History::new(at, Vec::new()),
            }
        })
        .boxed())
}

/// When a feedback clock starting at `start` with `days` ends, if on the
/// calendar.
fn due_ok(cal: &WorkCalendar, start: Instant, days: u32) -> bool {
    let day = cal.to_civil(&start).date();
    let date =
        if days == 0 { cal.roll(day, Roll::Following) } else { cal.add_working_days(day, days) };
    date.and_then(|d| cal.last_day_end(d, crate::calendar::Party::Agency)).is_ok()
}

struct Player<'d> {
    defs: &'d TicketDefs,
    table: Table,
}

impl Player<'_> {
    fn legal(&self, t: &Ticket, kind: K, at: Instant, data: u32) -> Option<TicketCommand> {
        let defs = self.defs;
        let cal = &defs.calendar;
        let depts = &defs.departments;
        let current: Vec<_> = t.current_assignments().collect();
        let pick = |n: usize| data as usize % n.max(1);
        Some(match (kind, *t.state()) {
            (K::Classify, state) => {
                let class = TicketClass::ALL[pick(TicketClass::ALL.len())];
                let start = match state {
                    TicketState::Received => at,
                    _ => t.cycle_started_at()?,
                };
                if !due_ok(cal, start, defs.deadlines.days_for(t.source(), class)) {
                    return None;
                }
                TicketCommand::Classify { class }
            }
            (K::ExplainOnTheSpot, TicketState::Classified { class }) => {
                let same_day = t
                    .classified_at()
                    .is_some_and(|c| cal.to_civil(&c).date() == cal.to_civil(&at).date());
                if class != TicketClass::ExplainOnTheSpot || !same_day {
                    return None;
                }
                TicketCommand::ExplainOnTheSpot { explanation: text(data) }
            }
            (K::Transfer, _) => {
                if !t.class()?.is_transferable() {
                    return None;
                }
                let n = 1 + pick(3.min(depts.len()));
                let first = pick(depts.len());
                let assignments = (0..n)
                    .map(|i| {
                        let department = depts[(first + i) % depts.len()].clone();
                        let owner = Owner::Named { name: format!("owner-{i}") };
                        let deadline = at + TimeDelta::days(1 + i64::from(data % 10));
                        Assignment::new(department, owner, text(data + i as u32), deadline)
                    })
                    .collect();
                TicketCommand::Transfer { assignments }
            }
            (K::Take, _) => {
                let open: Vec<_> =
                    current.iter().filter(|a| a.taken_at.is_none() && !a.is_resolved()).collect();
                (!open.is_empty()).then_some(())?;
                TicketCommand::Take { department: open[pick(open.len())].department.clone() }
            }
            (K::Resolve, _) => {
                let open: Vec<_> = current.iter().filter(|a| !a.is_resolved()).collect();
                (!open.is_empty()).then_some(())?;
                let department = open[pick(open.len())].department.clone();
                TicketCommand::Resolve { department, result: text(data) }
            }
            (K::Feedback, _) => {
                let satisfaction = [1u8, 2, 3, 1, 2, 4, 5][pick(7)];
                if satisfaction >= 4 && !due_ok(cal, at, t.feedback_days()?) {
                    return None;
                }
                TicketCommand::Feedback { satisfaction }
            }
            (K::Close, TicketState::Classified { class }) if class != TicketClass::NoLegalBasis => {
                return None
            }
            (K::Close, _) => TicketCommand::Close { explanation: text(data) },
            (K::Appeal, _) => {
                if t.source() != TicketSource::BadReview || t.appeal().is_some() {
                    return None;
                }
                TicketCommand::Appeal { reason: text(data) }
            }
            (K::DecideAppeal, _) => {
                let decision =
                    if data % 3 == 0 { AppealDecision::Overturned } else { AppealDecision::Upheld };
                TicketCommand::DecideAppeal { decision, reason: text(data) }
            }
            _ => return None,
        })
    }

    fn legal_event(&self, t: &Ticket, seed: &Seed, b: &Bounds) -> Option<TicketEvent> {
        let cal = &self.defs.calendar;
        let deadlines: Vec<Instant> = t.feedback_due(cal).into_iter().collect();
        let at = advance(cal, b, t.last_event_at(), seed.gap, &deadlines)?;
        let options: Vec<(K, u32)> = self
            .table
            .commands_from(t.state().kind())
            .filter(|k| self.defs.policy.roles(*k).next().is_some())
            .filter(|k| self.legal(t, *k, at, seed.data).is_some())
            .map(|k| (k, if matches!(k, K::Close | K::Appeal) { 1 } else { 6 }))
            .collect();
        let kind = weighted(&options, seed.pick)?;
        let role = allowed_role(&self.defs.policy, kind, seed.role)?;
        Some(TicketEvent::new(actor(role), at, self.legal(t, kind, at, seed.data)?))
    }

    fn illegal_event(&self, t: &Ticket, seed: &Seed, n: u32) -> Option<(TicketEvent, Illegal)> {
        let policy = &self.defs.policy;
        let last = t.last_event_at();
        let state = t.state().kind();
        let some = |kind: K| {
            self.legal(t, kind, last, seed.data).unwrap_or_else(|| match kind {
                K::Receive => TicketCommand::Receive {
                    source: TicketSource::Hotline,
                    subject: text(seed.data),
                    visits: 1,
                },
                K::Classify => TicketCommand::Classify { class: TicketClass::General },
                K::ExplainOnTheSpot => {
                    TicketCommand::ExplainOnTheSpot { explanation: text(seed.data) }
                }
                K::Transfer => TicketCommand::Transfer { assignments: Vec::new() },
                K::Take => TicketCommand::Take { department: self.defs.departments[0].clone() },
                K::Resolve => TicketCommand::Resolve {
                    department: self.defs.departments[0].clone(),
                    result: text(seed.data),
                },
                K::Feedback => TicketCommand::Feedback { satisfaction: 2 },
                K::Close => TicketCommand::Close { explanation: text(seed.data) },
                K::Appeal => TicketCommand::Appeal { reason: text(seed.data) },
                K::DecideAppeal => TicketCommand::DecideAppeal {
                    decision: AppealDecision::Upheld,
                    reason: text(seed.data),
                },
            })
        };
        let mut ways: Vec<(TicketEvent, Illegal)> = Vec::new();
        let kind = K::ALL[seed.pick as usize % K::ALL.len()];
        if let Some(role) = refused_role(policy, kind, seed.role) {
            ways.push((TicketEvent::new(actor(role), last, some(kind)), Illegal::RoleNotAllowed));
        }
        if let Some(role) = allowed_role(policy, kind, seed.role) {
            let at = last - TimeDelta::minutes(1 + i64::from(seed.data % 600));
            ways.push((TicketEvent::new(actor(role), at, some(kind)), Illegal::TimeWentBackwards));
        }
        let missing: Vec<K> = K::ALL
            .into_iter()
            .filter(|k| !self.table.allows(state, *k) && policy.roles(*k).next().is_some())
            .collect();
        if !missing.is_empty() {
            let kind = missing[seed.pick as usize % missing.len()];
            if let Some(role) = allowed_role(policy, kind, seed.role) {
                ways.push((TicketEvent::new(actor(role), last, some(kind)), Illegal::NotInTable));
            }
        }
        let mut bad = |kind: K, command: TicketCommand, what: &'static str| {
            if self.table.allows(state, kind) {
                if let Some(role) = allowed_role(policy, kind, seed.role) {
                    ways.push((
                        TicketEvent::new(actor(role), last, command),
                        Illegal::BadData(what),
                    ));
                }
            }
        };
        let satisfaction = if seed.data % 2 == 0 { 0 } else { 6 };
        bad(K::Feedback, TicketCommand::Feedback { satisfaction }, "satisfaction outside 1-5");
        if t.class().is_some_and(|c| c.is_transferable()) {
            bad(
                K::Transfer,
                TicketCommand::Transfer { assignments: Vec::new() },
                "a transfer to nobody",
            );
        }
        if t.state() == &TicketState::Resolved {
            bad(K::Close, TicketCommand::Close { explanation: " ".into() }, "blank explanation");
        }
        if matches!(t.state(), TicketState::Transferred | TicketState::InProgress) {
            if let Ok(stranger) = DepartmentId::new("kit-no-such-department") {
                if !t.current_assignments().any(|a| a.department == stranger) {
                    bad(
                        K::Take,
                        TicketCommand::Take { department: stranger },
                        "a department not assigned",
                    );
                }
            }
        }
        if t.source() != TicketSource::BadReview {
            bad(
                K::Appeal,
                TicketCommand::Appeal { reason: text(seed.data) },
                "an appeal of no bad review",
            );
        }
        if ways.is_empty() {
            return None;
        }
        let i = n as usize % ways.len();
        Some(ways.swap_remove(i))
    }
}

fn play(
    defs: &TicketDefs,
    b: &Bounds,
    receipt: TicketEvent,
    steps: &[Seed],
) -> History<TicketCommand> {
    let ctx = defs.context();
    let player = Player { defs, table: transition_table() };
    let mut history = History::new(receipt.at, vec![receipt.clone()]);
    let Ok((mut ticket, _)) = Ticket::open(kit_ticket_id(), &ctx, &receipt) else {
        return history;
    };
    for seed in steps {
        let next = match seed.illegal.and_then(|n| player.illegal_event(&ticket, seed, n)) {
            Some((event, why)) => Some((event, Expect::Refuse(why))),
            None => player.legal_event(&ticket, seed, b).map(|e| (e, Expect::Accept)),
        };
        let Some((event, expect)) = next else {
            if !ticket.is_open() {
                break;
            }
            continue;
        };
        let _ = ticket.apply(&ctx, &event);
        history.events.push(event);
        history.expect.push(expect);
    }
    history
}

/// Plays `history` against a ticket of `defs` and checks the laws on every
/// command: each command does what the history expects; a refused one
/// leaves the ticket exactly as it was; an accepted one records one event
/// at its instant, names the states before and after, and is a row of the
/// transition table; replaying the accepted events gives the ticket built
/// one command at a time; the visits are the visits at receipt plus the
/// reopenings, each a dissatisfied feedback; the feedback deadline is never
/// before its cycle began.
///
/// # Errors
///
/// The first [`Violation`] found.
///
/// # Example
///
/// See [`ticket_history`].
pub fn check_ticket_laws(
    defs: &TicketDefs,
    history: &History<TicketCommand>,
) -> Result<(), Violation> {
    play_checked(defs, history, &mut |_, _| Ok(())).map(|_| ())
}

/// The ticket after each accepted event of `history`, with the event's
/// instant: a ticket's life, for
/// [`check_escalation_laws`](super::check_escalation_laws). Checks the laws
/// of [`check_ticket_laws`] on the way.
///
/// # Errors
///
/// The first [`Violation`] found.
///
/// # Example
///
/// See [`ticket_history`]; `ticket_life(&defs, &history)?`.
pub fn ticket_life(
    defs: &TicketDefs,
    history: &History<TicketCommand>,
) -> Result<Vec<(Instant, Ticket)>, Violation> {
    let mut life = Vec::new();
    play_checked(defs, history, &mut |at, t| {
        life.push((at, t.clone()));
        Ok(())
    })?;
    Ok(life)
}

fn ticket_laws(
    m: Machine,
    index: usize,
    at: Instant,
    t: &Ticket,
    cal: &WorkCalendar,
) -> Result<(), Violation> {
    let bad = t.feedback().iter().filter(|f| f.satisfaction >= 4).count();
    if t.visits() != t.visits_at_receipt().saturating_add(t.cycle()) || bad != t.cycle() as usize {
        return Err(broken(
            m,
            Law::VisitsCountCycles,
            Some(index),
            Some(at),
            format!("{} visits at receipt plus {bad} reopenings", t.visits_at_receipt()),
            format!("{} visits in cycle {}", t.visits(), t.cycle()),
        ));
    }
    if let (Some(start), Some(due)) = (t.cycle_started_at(), t.feedback_due(cal)) {
        // A same-day deadline set after the office closes runs to the next
        // working day's close: never before the cycle began.
        if due < start {
            return Err(broken(
                m,
                Law::FeedbackDueAfterCycleStart,
                Some(index),
                Some(at),
                format!("a deadline at or after {}", start.to_rfc3339()),
                due.to_rfc3339(),
            ));
        }
    }
    Ok(())
}

fn play_checked(
    defs: &TicketDefs,
    history: &History<TicketCommand>,
    each: &mut dyn FnMut(Instant, &Ticket) -> Result<(), Violation>,
) -> Result<Option<Ticket>, Violation> {
    let m = Machine::Ticket;
    let ctx = defs.context();
    let table = transition_table();
    let id = kit_ticket_id();
    let mut ticket: Option<Ticket> = None;
    let mut accepted: Vec<TicketEvent> = Vec::new();
    for (index, (event, expect)) in history.events.iter().zip(&history.expect).enumerate() {
        let command = event.payload.kind().name();
        let Some(current) = ticket.as_mut() else {
            match Ticket::open(id.clone(), &ctx, event) {
                Ok((t, _)) => {
                    if let Expect::Refuse(why) = expect {
                        return Err(Violation::IllegalAccepted {
                            machine: m,
                            index,
                            command,
                            why: *why,
                        });
                    }
                    accepted.push(event.clone());
                    ticket_laws(m, index, event.at, &t, &defs.calendar)?;
                    each(event.at, &t)?;
                    ticket = Some(t);
                }
                Err(e) if *expect == Expect::Accept => {
                    return Err(Violation::LegalRefused {
                        machine: m,
                        index,
                        command,
                        error: e.into(),
                    })
                }
                Err(_) => {}
            }
            continue;
        };
        let before = current.clone();
        match current.apply(&ctx, event) {
            Ok(t) => {
                if let Expect::Refuse(why) = expect {
                    return Err(Violation::IllegalAccepted {
                        machine: m,
                        index,
                        command,
                        why: *why,
                    });
                }
                let found = (t.from, t.to, t.at, current.event_count(), current.last_event_at());
                let expected = (
                    before.state().kind(),
                    current.state().kind(),
                    event.at,
                    before.event_count() + 1,
                    event.at,
                );
                let at = Some(event.at);
                if found != expected {
                    return Err(broken(
                        m,
                        Law::TransitionRecorded,
                        Some(index),
                        at,
                        format!("(from, to, at, events, last) = {expected:?}"),
                        format!("{found:?}"),
                    ));
                }
                if !table.check(t.from, t.command, t.to) {
                    return Err(broken(
                        m,
                        Law::TransitionInTable,
                        Some(index),
                        at,
                        "a row of the table",
                        format!("{} --{}--> {}", t.from, t.command, t.to),
                    ));
                }
                accepted.push(event.clone());
                match Ticket::replay(id.clone(), &ctx, &accepted) {
                    Ok(replayed) if &replayed == current => {}
                    Ok(replayed) => {
                        return Err(broken(
                            m,
                            Law::ReplayEqualsIncremental,
                            Some(index),
                            at,
                            format!("{current:?}"),
                            format!("{replayed:?}"),
                        ))
                    }
                    Err(e) => {
                        return Err(broken(
                            m,
                            Law::ReplayEqualsIncremental,
                            Some(index),
                            at,
                            "the accepted events replay",
                            e,
                        ))
                    }
                }
                ticket_laws(m, index, event.at, current, &defs.calendar)?;
                each(event.at, current)?;
            }
            Err(e) => {
                if *current != before {
                    return Err(Violation::RefusalChangedState {
                        machine: m,
                        index,
                        command,
                        error: e.into(),
                    });
                }
                if *expect == Expect::Accept {
                    let error = e.into();
                    if beyond_calendar(&error) {
                        continue;
                    }
                    return Err(Violation::LegalRefused { machine: m, index, command, error });
                }
            }
        }
    }
    Ok(ticket)
}
