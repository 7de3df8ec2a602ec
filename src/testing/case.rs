use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use proptest::prelude::*;

use super::clock::check_clock_laws;
use super::history::Bounds;
use super::seed::{
    actor, advance, allowed_role, refused_role, seeds, start_seed, text, weighted, Seed, StartSeed,
};
use super::violation::{beyond_calendar, broken};
use super::{interesting_nows, Expect, History, Illegal, KitError, Law, Machine, Scope, Violation};
use crate::calendar::WorkCalendar;
use crate::case::{
    default_policy, transition_table, Case, CaseCommand, CaseCommandKind as K, CaseContext,
    CaseEvent, CaseId, CaseStateKind, Decision, LateAcceptance, CORRECTION_NOTICE_DAYS,
};
use crate::catalog::{ApprovalItem, CaseKind};
use crate::limit::{Deadline, LegalClock, SpecialProcedure, SuspensionKind, Thresholds};
use crate::machine::{Named, Role, RolePolicy, TransitionTable};

type Instant = DateTime<FixedOffset>;
type Table = TransitionTable<CaseStateKind, K>;

/// A portal's own definitions for cases of one item: the item, the
/// calendar, the role policy, the correction-notice window and the warning
/// thresholds. Owned, so that strategies built from it live as long as the
/// test needs.
///
/// # Example
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
/// use shenpi::limit::TimeLimit;
/// use shenpi::testing::CaseDefs;
///
/// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market")?)
///     .statutory(TimeLimit::working_days(20))
///     .promised(TimeLimit::working_days(7))
///     .build()?;
/// let defs = CaseDefs::new(item, WorkCalendar::china()).with_correction_notice_days(3);
/// assert_eq!(defs.context().correction_notice_days(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CaseDefs {
    item: ApprovalItem,
    calendar: WorkCalendar,
    policy: RolePolicy<K>,
    correction_notice_days: u32,
    thresholds: Thresholds,
}

impl CaseDefs {
    /// Cases of `item` on `calendar`, with the default role policy,
    /// correction window and thresholds.
    ///
    /// # Example
    ///
    /// See [`CaseDefs`].
    pub fn new(item: ApprovalItem, calendar: WorkCalendar) -> CaseDefs {
        CaseDefs {
            item,
            calendar,
            policy: default_policy(),
            correction_notice_days: CORRECTION_NOTICE_DAYS,
            thresholds: Thresholds::default(),
        }
    }

    /// The same with the portal's role policy.
    ///
    /// # Example
    ///
    /// See [`CaseDefs`]; `defs.with_policy(my_policy)`.
    pub fn with_policy(mut self, policy: RolePolicy<K>) -> CaseDefs {
        self.policy = policy;
        self
    }

    /// The same with another correction-notice window (working days).
    ///
    /// # Example
    ///
    /// See [`CaseDefs`].
    pub fn with_correction_notice_days(mut self, days: u32) -> CaseDefs {
        self.correction_notice_days = days;
        self
    }

    /// The same with other warning thresholds, for the clock laws.
    ///
    /// # Example
    ///
    /// See [`CaseDefs`]; `defs.with_thresholds(Thresholds::new(2, 60, 80)?)`.
    pub fn with_thresholds(mut self, thresholds: Thresholds) -> CaseDefs {
        self.thresholds = thresholds;
        self
    }

    /// The item.
    ///
    /// # Example
    ///
    /// See [`CaseDefs`].
    pub fn item(&self) -> &ApprovalItem {
        &self.item
    }

    /// The calendar.
    ///
    /// # Example
    ///
    /// See [`CaseDefs`].
    pub fn calendar(&self) -> &WorkCalendar {
        &self.calendar
    }

    /// The thresholds.
    ///
    /// # Example
    ///
    /// See [`CaseDefs`].
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// The context cases of these definitions run in.
    ///
    /// # Example
    ///
    /// See [`CaseDefs`].
    pub fn context(&self) -> CaseContext<'_> {
        CaseContext::new(&self.item, &self.calendar)
            .with_policy(&self.policy)
            .with_correction_notice_days(self.correction_notice_days)
    }
}

/// The id the kit gives the cases it plays.
fn kit_case_id() -> CaseId {
    CaseId::new("KIT-CASE").expect("a non-empty id")
}

/// Valid case histories for the portal's definitions: a receipt on a day
/// of `scope`, then up to `scope`'s number of commands, each one the
/// transition table allows from the state reached, by a role the policy
/// allows, with data the item's rules accept (its special procedures, its
/// extension allowance, decisions on the spot only for instant items the
/// day of receipt), minutes to days after the one before, sometimes exactly
/// at a deadline or at midnight, never leaving the calendar. Every event is
/// [`Expect::Accept`].
///
/// # Errors
///
/// [`KitError`] when the scope is not on the calendar, or the policy lets
/// nobody receive an application.
///
/// # Example
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
/// use shenpi::testing::{case_history, check_case_laws, CaseDefs, Scope};
///
/// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market")?).build()?;
/// let defs = CaseDefs::new(item, WorkCalendar::china());
/// let histories = case_history(&defs, &Scope::year(2026))?;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..5 {
///     let history = histories.new_tree(&mut runner).map_err(|r| r.to_string())?.current();
///     check_case_laws(&defs, &history)?;
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn case_history(
    defs: &CaseDefs,
    scope: &Scope,
) -> Result<BoxedStrategy<History<CaseCommand>>, KitError> {
    case_strategy(defs, scope, 0.0)
}

/// Like [`case_history`], with about one command in six made illegal in
/// one of the ways that applies at its point: a role the policy refuses,
/// an instant before the latest event, a command the table lacks from the
/// state, or data a rule refuses (a blank reason, an empty correction list,
/// an extension beyond the allowance, a special procedure the item does not
/// allow, a decision on the spot for an item that is not instant). Those
/// events are [`Expect::Refuse`] with the reason; the machine plays on from
/// the state it is in.
///
/// # Errors
///
/// As [`case_history`].
///
/// # Example
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
/// use shenpi::testing::{check_case_laws, mixed_case_history, CaseDefs, Scope};
///
/// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market")?).build()?;
/// let defs = CaseDefs::new(item, WorkCalendar::china());
/// let histories = mixed_case_history(&defs, &Scope::year(2026).max_commands(30))?;
/// let mut runner = TestRunner::deterministic();
/// let history = histories.new_tree(&mut runner).map_err(|r| r.to_string())?.current();
/// check_case_laws(&defs, &history)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn mixed_case_history(
    defs: &CaseDefs,
    scope: &Scope,
) -> Result<BoxedStrategy<History<CaseCommand>>, KitError> {
    case_strategy(defs, scope, 1.0 / 6.0)
}

fn case_strategy(
    defs: &CaseDefs,
    scope: &Scope,
    illegal: f64,
) -> Result<BoxedStrategy<History<CaseCommand>>, KitError> {
    let bounds = scope.check(&defs.calendar)?;
    if defs.policy.roles(K::Receive).next().is_none() {
        return Err(KitError::Nothing { what: "role allowed to receive an application" });
    }
    let defs = Arc::new(defs.clone());
    Ok((start_seed(), seeds(bounds.commands, illegal))
        .prop_map(move |(start, steps)| play(&defs, &bounds, &start, &steps))
        .boxed())
}

const DECISIONS: [(Decision, u32); 3] =
    [(Decision::Approved, 6), (Decision::ApprovedWithDeficiency, 1), (Decision::Denied, 2)];

/// How often a legal command is picked: ends of the road rarely, so
/// histories go far.
fn weight(kind: K, item: &ApprovalItem) -> u32 {
    match kind {
        K::Withdraw | K::RefuseToAccept => 1,
        K::Recall | K::Revoke => 2,
        K::ConcludeOnTheSpot if item.case_kind() != CaseKind::Instant => 0,
        K::Conclude => 6,
        K::Deliver => 12,
        _ => 24,
    }
}

struct Player<'d> {
    defs: &'d CaseDefs,
    table: Table,
}

impl Player<'_> {
    /// The command of `kind` with legal data, if it has any from `case` at
    /// `at`.
    fn legal(&self, case: &Case, kind: K, at: Instant, data: u32) -> Option<CaseCommand> {
        let item = &self.defs.item;
        let cal = &self.defs.calendar;
        let decision = || weighted(&DECISIONS, data).unwrap_or(Decision::Approved);
        Some(match kind {
            K::Receive => return None,
            K::RequestCorrection => {
                // A late notice deems the application accepted on receipt
                // (art. 32), so its deadlines must fit the calendar.
                if self.late(case, at) && !self.fits(case.received_at()) {
                    return None;
                }
                CaseCommand::RequestCorrection {
                    missing: (0..=data % 3).map(|i| text(data / 3 + i)).collect(),
                }
            }
            K::SubmitCorrection => CaseCommand::SubmitCorrection,
            K::Accept => {
                // Accepted late from receipt, the clock counts from receipt
                // (LateAcceptance's default); either way the deadlines must
                // fall in the calendar's published years.
                let from_receipt = case.state().kind() == CaseStateKind::Received
                    && self.late(case, at)
                    && self.defs.context().late_acceptance() == LateAcceptance::FromReceipt;
                if !self.fits(if from_receipt { case.received_at() } else { at }) {
                    return None;
                }
                CaseCommand::Accept
            }
            K::RefuseToAccept => CaseCommand::RefuseToAccept { reason: text(data) },
            K::StartHandling => CaseCommand::StartHandling,
            K::Suspend => {
                let mut reasons = vec![SuspensionKind::Correction];
                reasons.extend(
                    item.special_procedures()
                        .iter()
                        .map(|&procedure| SuspensionKind::SpecialProcedure { procedure }),
                );
                CaseCommand::Suspend { reason: reasons[data as usize % reasons.len()] }
            }
            K::Resume => CaseCommand::Resume,
            K::Extend => {
                let used = case.clock().map_or(0, LegalClock::extension_days);
                let left = item.extension().amount().saturating_sub(used);
                if left == 0 {
                    return None;
                }
                // Only while the statutory limit runs (行政许可法 art. 42).
                let due = case.clock()?.due(cal, Deadline::Statutory, at).ok()?;
                if cal.to_civil(&at).date() > due.date {
                    return None;
                }
                CaseCommand::Extend { working_days: 1 + data % left, reason: text(data) }
            }
            K::Conclude => CaseCommand::Conclude { decision: decision() },
            K::ConcludeOnTheSpot => {
                let same_day = cal.to_civil(&at).date() == cal.to_civil(&case.received_at()).date();
                if item.case_kind() != CaseKind::Instant || !same_day || !self.fits(at) {
                    return None;
                }
                CaseCommand::ConcludeOnTheSpot { decision: decision() }
            }
            K::Deliver => CaseCommand::Deliver,
            K::Withdraw => CaseCommand::Withdraw,
            K::Recall | K::Revoke => {
                if !case.state().decision().is_some_and(|d| d.is_approval()) {
                    return None;
                }
                if kind == K::Recall {
                    CaseCommand::Recall { reason: text(data) }
                } else {
                    CaseCommand::Revoke { reason: text(data) }
                }
            }
        })
    }

    /// A legal event from `case` after `last`, or `None` when there is none
    /// (an ended case, or the calendar runs out).
    fn legal_event(&self, case: &Case, seed: &Seed, b: &Bounds) -> Option<CaseEvent> {
        let cal = &self.defs.calendar;
        let deadlines = match case.reading(cal, case.last_event_at(), &self.defs.thresholds) {
            Ok(Some(r)) if !r.stopped => vec![r.promised_due.at, r.statutory_due.at],
            _ => Vec::new(),
        };
        let at = advance(cal, b, case.last_event_at(), seed.gap, &deadlines)?;
        let state = case.state().kind();
        let options: Vec<(K, u32)> = self
            .table
            .commands_from(state)
            .filter(|k| self.role_for(*k, seed.role).is_some())
            .filter(|k| self.legal(case, *k, at, seed.data).is_some())
            .map(|k| (k, weight(k, &self.defs.item)))
            .collect();
        let kind = weighted(&options, seed.pick)?;
        let role = self.role_for(kind, seed.role)?;
        let command = self.legal(case, kind, at, seed.data)?;
        Some(CaseEvent::new(actor(role), at, command))
    }

    /// Whether `at` is past the correction-notice window after receipt.
    fn late(&self, case: &Case, at: Instant) -> bool {
        let cal = &self.defs.calendar;
        let received = cal.to_civil(&case.received_at()).date();
        cal.working_days_between(received, cal.to_civil(&at).date())
            .is_ok_and(|days| days > self.defs.correction_notice_days)
    }

    /// Whether a clock started at `start` has deadlines the calendar can
    /// give: an acceptance whose deadline falls past the published years is
    /// refused (issue 12's refuse policy).
    fn fits(&self, start: Instant) -> bool {
        let item = &self.defs.item;
        LegalClock::start(start, item.promised(), item.statutory())
            .and_then(|clock| clock.check_deadlines(&self.defs.calendar))
            .is_ok()
    }

    /// A role that may issue `kind`: one the policy allows, and for the
    /// extension of a joint case the role that grants it (行政许可法
    /// art. 42(2)), when the policy allows that role.
    fn role_for(&self, kind: K, seed: u32) -> Option<Role> {
        let policy = &self.defs.policy;
        if kind == K::Extend && self.defs.item.case_kind() == CaseKind::Joint {
            let grantor = self.defs.context().joint_extension_by();
            return policy.allows(kind, grantor).then_some(grantor);
        }
        allowed_role(policy, kind, seed)
    }

    /// An illegal event from `case`, in the `n`-th way that applies.
    fn illegal_event(&self, case: &Case, seed: &Seed, n: u32) -> Option<(CaseEvent, Illegal)> {
        let policy = &self.defs.policy;
        let item = &self.defs.item;
        let last = case.last_event_at();
        let state = case.state().kind();
        let any_data = |kind| {
            self.legal(case, kind, last, seed.data).unwrap_or_else(|| bad_data(kind, seed.data))
        };
        let mut ways: Vec<(CaseEvent, Illegal)> = Vec::new();
        // A role the policy refuses, for any command.
        let kind = K::ALL[seed.pick as usize % K::ALL.len()];
        if let Some(role) = refused_role(policy, kind, seed.role) {
            ways.push((CaseEvent::new(actor(role), last, any_data(kind)), Illegal::RoleNotAllowed));
        }
        // Earlier than the latest event.
        if let Some(role) = allowed_role(policy, kind, seed.role) {
            let at = last - chrono::TimeDelta::minutes(1 + i64::from(seed.data % 600));
            ways.push((
                CaseEvent::new(actor(role), at, any_data(kind)),
                Illegal::TimeWentBackwards,
            ));
        }
        // A command the table lacks from here.
        let missing: Vec<K> = K::ALL
            .into_iter()
            .filter(|k| !self.table.allows(state, *k) && policy.roles(*k).next().is_some())
            .collect();
        if !missing.is_empty() {
            let kind = missing[seed.pick as usize % missing.len()];
            let role = allowed_role(policy, kind, seed.role)?;
            ways.push((CaseEvent::new(actor(role), last, any_data(kind)), Illegal::NotInTable));
        }
        // Data a rule refuses, for a command the table allows from here.
        let mut bad = |kind: K, command: CaseCommand, what: &'static str| {
            if self.table.allows(state, kind) {
                if let Some(role) = allowed_role(policy, kind, seed.role) {
                    ways.push((CaseEvent::new(actor(role), last, command), Illegal::BadData(what)));
                }
            }
        };
        bad(K::RefuseToAccept, CaseCommand::RefuseToAccept { reason: " ".into() }, "blank reason");
        bad(
            K::RequestCorrection,
            CaseCommand::RequestCorrection { missing: Vec::new() },
            "empty correction list",
        );
        if state != CaseStateKind::Suspended {
            let allowance = item.extension().amount();
            let over = CaseCommand::Extend { working_days: allowance + 1, reason: text(seed.data) };
            bad(K::Extend, over, "extension beyond the allowance");
            bad(
                K::Extend,
                CaseCommand::Extend { working_days: 1, reason: String::new() },
                "blank reason",
            );
        }
        if let Some(procedure) = SpecialProcedure::ALL.into_iter().find(|p| !item.allows(*p)) {
            let reason = SuspensionKind::SpecialProcedure { procedure };
            bad(K::Suspend, CaseCommand::Suspend { reason }, "special procedure not allowed");
        }
        if item.case_kind() != CaseKind::Instant {
            let command = CaseCommand::ConcludeOnTheSpot { decision: Decision::Approved };
            bad(K::ConcludeOnTheSpot, command, "decision on the spot for an item not instant");
        }
        if case.state().decision() == Some(Decision::Denied) {
            bad(K::Recall, CaseCommand::Recall { reason: text(seed.data) }, "recall of a denial");
        }
        // A joint case's extension by another role than the one that
        // grants it (art. 42(2)).
        let grantor = self.defs.context().joint_extension_by();
        if item.case_kind() == CaseKind::Joint && self.table.allows(state, K::Extend) {
            if let Some(role) = policy.roles(K::Extend).find(|r| *r != grantor) {
                let command = CaseCommand::Extend { working_days: 1, reason: text(seed.data) };
                ways.push((
                    CaseEvent::new(actor(role), last, command),
                    Illegal::BadData("a joint case's extension by another than its grantor"),
                ));
            }
        }
        if ways.is_empty() {
            return None;
        }
        let i = n as usize % ways.len();
        Some(ways.swap_remove(i))
    }
}

/// A command of `kind` with some data, for commands refused before their
/// data is looked at.
fn bad_data(kind: K, data: u32) -> CaseCommand {
    match kind {
        K::Receive => CaseCommand::Receive,
        K::RequestCorrection => CaseCommand::RequestCorrection { missing: vec![text(data)] },
        K::SubmitCorrection => CaseCommand::SubmitCorrection,
        K::Accept => CaseCommand::Accept,
        K::RefuseToAccept => CaseCommand::RefuseToAccept { reason: text(data) },
        K::StartHandling => CaseCommand::StartHandling,
        K::Suspend => CaseCommand::Suspend { reason: SuspensionKind::Correction },
        K::Resume => CaseCommand::Resume,
        K::Extend => CaseCommand::Extend { working_days: 1, reason: text(data) },
        K::Conclude => CaseCommand::Conclude { decision: Decision::Approved },
        K::ConcludeOnTheSpot => CaseCommand::ConcludeOnTheSpot { decision: Decision::Approved },
        K::Deliver => CaseCommand::Deliver,
        K::Withdraw => CaseCommand::Withdraw,
        K::Recall => CaseCommand::Recall { reason: text(data) },
        K::Revoke => CaseCommand::Revoke { reason: text(data) },
    }
}

fn play(defs: &CaseDefs, b: &Bounds, start: &StartSeed, steps: &[Seed]) -> History<CaseCommand> {
    let ctx = defs.context();
    let player = Player { defs, table: transition_table() };
    let Some(at) = start.at(&defs.calendar, b) else {
        return History::new(b.latest, Vec::new());
    };
    let role = allowed_role(&defs.policy, K::Receive, start.role).unwrap_or(Role::WindowClerk);
    let receipt = CaseEvent::new(actor(role), at, CaseCommand::Receive);
    let mut history = History::new(at, vec![receipt.clone()]);
    let Ok((mut case, _)) = Case::receive(kit_case_id(), &ctx, &receipt) else {
        return history;
    };
    for seed in steps {
        let next = match seed.illegal {
            Some(n) => player
                .illegal_event(&case, seed, n)
                .map(|(e, why)| (e, Expect::Refuse(why)))
                .or_else(|| player.legal_event(&case, seed, b).map(|e| (e, Expect::Accept))),
            None => player.legal_event(&case, seed, b).map(|e| (e, Expect::Accept)),
        };
        let Some((event, expect)) = next else {
            if player.table.commands_from(case.state().kind()).next().is_none() {
                break;
            }
            continue;
        };
        // Play on from whatever the machine does; the laws judge it.
        let _ = case.apply(&ctx, &event);
        history.events.push(event);
        history.expect.push(expect);
    }
    history
}

/// Plays `history` against a case of `defs` and checks the laws, on every
/// command:
///
/// - each command does what the history expects: a legal one is recorded,
///   an illegal one refused ([`Violation::LegalRefused`],
///   [`Violation::IllegalAccepted`]);
/// - a refused command leaves the case exactly as it was
///   ([`Violation::RefusalChangedState`]);
/// - an accepted one records one event at its instant, its transition
///   names the states before and after and is a row of the transition
///   table;
/// - replaying the accepted events gives the case built one command at a
///   time, after every event;
/// - each accepted command, sent with a command id and the event count it
///   expects, answers its retry with the same transition and changes
///   nothing ([`Law::RetryAnswered`]), and sent again once applied is
///   refused as stale ([`Law::StaleRefused`]);
///
/// and then the clock laws on the case's legal clock, read at its
/// [`interesting_nows`]: time used never decreases; deadlines never move
/// earlier; suspended time never counts; no deadline is earlier than
/// without the suspensions; a stopped clock stays stopped; a card means the
/// promised time is used. Readings that fall past the calendar's covered
/// years are skipped.
///
/// A host's stored history is checked with [`History::new`].
///
/// # Errors
///
/// The first [`Violation`] found.
///
/// # Example
///
/// See [`case_history`].
pub fn check_case_laws(defs: &CaseDefs, history: &History<CaseCommand>) -> Result<(), Violation> {
    let case = play_checked(defs, history, &mut |_, _| Ok(()))?;
    if let Some(clock) = case.as_ref().and_then(Case::clock) {
        let mut nows = interesting_nows(clock, &defs.calendar, &defs.thresholds);
        nows.extend(history.events.iter().map(|e| e.at));
        check_clock_laws(Machine::Case, clock, &defs.calendar, &defs.thresholds, nows)?;
    }
    Ok(())
}

/// The case after each accepted event of `history`, with the event's
/// instant: a case's life, as [`check_escalation_laws`](super::check_escalation_laws)
/// follows it. Checks the laws of [`check_case_laws`] on the way (not the
/// clock laws).
///
/// # Errors
///
/// The first [`Violation`] found.
///
/// # Example
///
/// See the [module documentation](super).
pub fn case_life(
    defs: &CaseDefs,
    history: &History<CaseCommand>,
) -> Result<Vec<(Instant, Case)>, Violation> {
    let mut life = Vec::new();
    play_checked(defs, history, &mut |at, case| {
        life.push((at, case.clone()));
        Ok(())
    })?;
    Ok(life)
}

/// The laws of retries and stale writers at one accepted `event`, which
/// took `before` to `after`: sent with an id and the count it expects, its
/// retry is answered and changes nothing; sent again expecting that count
/// after it was applied, it is refused as stale and changes nothing.
fn retry_laws(
    ctx: &CaseContext<'_>,
    before: &Case,
    after: &Case,
    event: &CaseEvent,
    index: usize,
) -> Result<(), Violation> {
    let m = Machine::Case;
    let id = crate::machine::CommandId::new(&format!("kit-{index}")).expect("a valid id");
    let tagged = event.clone().with_command_id(id).expecting(before.event_count());
    let mut probe = before.clone();
    let Ok(first) = probe.apply(ctx, &tagged) else {
        return Err(broken(
            m,
            Law::RetryAnswered,
            Some(index),
            Some(event.at),
            "the event applies with an id and its expected count",
            "refused",
        ));
    };
    let applied = probe.clone();
    match probe.apply(ctx, &tagged) {
        Ok(again) if again == first && probe == applied => {}
        other => {
            return Err(broken(
                m,
                Law::RetryAnswered,
                Some(index),
                Some(event.at),
                format!("{first:?}, the case unchanged"),
                format!("{other:?}"),
            ))
        }
    }
    let stale = event.clone().expecting(before.event_count());
    let mut probe = after.clone();
    match probe.apply(ctx, &stale) {
        Err(crate::case::CaseError::Stale { .. }) if &probe == after => Ok(()),
        other => Err(broken(
            m,
            Law::StaleRefused,
            Some(index),
            Some(event.at),
            "Stale, the case unchanged",
            format!("{other:?}"),
        )),
    }
}

fn play_checked(
    defs: &CaseDefs,
    history: &History<CaseCommand>,
    each: &mut dyn FnMut(Instant, &Case) -> Result<(), Violation>,
) -> Result<Option<Case>, Violation> {
    let m = Machine::Case;
    let ctx = defs.context();
    let table = transition_table();
    let id = kit_case_id();
    let mut case: Option<Case> = None;
    let mut accepted: Vec<CaseEvent> = Vec::new();
    for (index, (event, expect)) in history.events.iter().zip(&history.expect).enumerate() {
        let command = event.payload.kind().name();
        let Some(current) = case.as_mut() else {
            match Case::receive(id.clone(), &ctx, event) {
                Ok((c, _)) => {
                    if let Expect::Refuse(why) = expect {
                        return Err(Violation::IllegalAccepted {
                            machine: m,
                            index,
                            command,
                            why: *why,
                        });
                    }
                    accepted.push(event.clone());
                    each(event.at, &c)?;
                    case = Some(c);
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
                if found != expected {
                    return Err(broken(
                        m,
                        Law::TransitionRecorded,
                        Some(index),
                        Some(event.at),
                        format!("(from, to, at, events, last) = {expected:?}"),
                        format!("{found:?}"),
                    ));
                }
                if !table.check(t.from, t.command, t.to) {
                    return Err(broken(
                        m,
                        Law::TransitionInTable,
                        Some(index),
                        Some(event.at),
                        "a row of the table",
                        format!("{} --{}--> {}", t.from, t.command, t.to),
                    ));
                }
                retry_laws(&ctx, &before, current, event, index)?;
                accepted.push(event.clone());
                match Case::replay(id.clone(), &ctx, &accepted) {
                    Ok(replayed) if &replayed == current => {}
                    Ok(replayed) => {
                        return Err(broken(
                            m,
                            Law::ReplayEqualsIncremental,
                            Some(index),
                            Some(event.at),
                            format!("{current:?}"),
                            format!("{replayed:?}"),
                        ))
                    }
                    Err(e) => {
                        return Err(broken(
                            m,
                            Law::ReplayEqualsIncremental,
                            Some(index),
                            Some(event.at),
                            "the accepted events replay",
                            e,
                        ))
                    }
                }
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
    Ok(case)
}
