//! Escalation laws as proptest properties, over random cases, instants and
//! policies, on the national calendar with the default policy.
//!
//! A case promises 1–10 and allows up to 30 working days, is received,
//! accepted and taken up at one instant between January and August 2026,
//! and may be suspended for expert review (and resumed) later. The laws:
//!
//! 1. evaluation is idempotent: record what is due and evaluating again at
//!    the same instant gives nothing;
//! 2. no rule fires before its trigger: every notice is due by `now`;
//! 3. `next_due` is exact: with no event in between, evaluating just before
//!    it gives nothing and evaluating at it gives a notice due then;
//! 4. following `next_due` (and the case's events) over a case's life,
//!    every rule fires at most once and the level never goes down;
//! 5. closed subjects fire nothing and have nothing due;
//! 6. `EscalationPolicy::new` and decoding accept a policy exactly when it
//!    is valid under a small model of the rules, and valid policies
//!    round-trip through JSON;
//! 7. meeting dates are working days on or after the date asked, and asking
//!    again from a meeting date gives the same date;
//! 8. a log prepared for a policy answers as its notices read in full;
//! 9. a graph step started with its case and observed with it keeps the
//!    case's time.
//!
//! A bug the laws once found has its own law: while a case is suspended,
//! no share or overdue notice becomes due.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeDelta, Weekday};
use proptest::prelude::*;
use shenpi::calendar::WorkCalendar;
use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId, Decision};
use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
use shenpi::escalation::{
    Action, Cadence, EscalationPolicy, Level, Meetings, Notice, Observation, Rule, RuleId,
    SubjectKind, Supervised, SupervisionLog, Trigger,
};
use shenpi::limit::{Deadline, SpecialProcedure, SuspensionKind, TimeLimit};
use shenpi::machine::{Actor, ActorId, Role};

fn china() -> &'static WorkCalendar {
    static CHINA: OnceLock<WorkCalendar> = OnceLock::new();
    CHINA.get_or_init(WorkCalendar::china)
}

fn policy() -> &'static EscalationPolicy {
    static POLICY: OnceLock<EscalationPolicy> = OnceLock::new();
    POLICY.get_or_init(EscalationPolicy::default)
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

const SECOND: TimeDelta = TimeDelta::seconds(1);
const DAY: i64 = 86_400;

const REVIEW: SuspensionKind =
    SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::ExpertReview };

/// A random case: its limits, the instant it is accepted, and perhaps a
/// suspension (seconds after acceptance, and seconds until it is resumed).
#[derive(Debug, Clone)]
struct CaseSpec {
    promised: u32,
    statutory: u32,
    accepted: DateTime<FixedOffset>,
    suspension: Option<(i64, Option<i64>)>,
}

fn case_spec() -> impl Strategy<Value = CaseSpec> {
    let start = DateTime::parse_from_rfc3339("2026-01-01T00:00:00+08:00").unwrap();
    (
        1u32..=10,
        0u32..=20,
        0i64..240 * DAY,
        proptest::option::of((0i64..20 * DAY, proptest::option::of(1i64..15 * DAY))),
    )
        .prop_map(move |(promised, more, offset, suspension)| CaseSpec {
            promised,
            statutory: promised + more,
            accepted: start + TimeDelta::seconds(offset),
            suspension,
        })
}

impl CaseSpec {
    fn item(&self) -> ApprovalItem {
        ApprovalItem::builder(
            ItemCode::new("XK-200").unwrap(),
            "行政许可",
            DepartmentId::new("bureau").unwrap(),
        )
        .statutory(TimeLimit::working_days(self.statutory))
        .promised(TimeLimit::working_days(self.promised))
        .special_procedures([SpecialProcedure::ExpertReview])
        .build()
        .unwrap()
    }

    /// The instants of the events after acceptance.
    fn events(&self) -> Vec<DateTime<FixedOffset>> {
        let mut out = Vec::new();
        if let Some((s, r)) = self.suspension {
            let s = self.accepted + TimeDelta::seconds(s);
            out.push(s);
            if let Some(r) = r {
                out.push(s + TimeDelta::seconds(r));
            }
        }
        out
    }

    fn case(&self, ctx: &CaseContext<'_>) -> Case {
        let actor = |role| Actor::new(ActorId::new("someone").unwrap(), role);
        let ev = |role, when, command| CaseEvent::new(actor(role), when, command);
        let t0 = self.accepted;
        let (mut case, _) = Case::receive(
            CaseId::new("C-9").unwrap(),
            ctx,
            &ev(Role::Applicant, t0, CaseCommand::Receive),
        )
        .unwrap();
        case.apply(ctx, &ev(Role::WindowClerk, t0, CaseCommand::Accept)).unwrap();
        case.apply(ctx, &ev(Role::Reviewer, t0, CaseCommand::StartHandling)).unwrap();
        let events = self.events();
        if let Some(&s) = events.first() {
            case.apply(ctx, &ev(Role::Reviewer, s, CaseCommand::Suspend { reason: REVIEW }))
                .unwrap();
        }
        if let Some(&r) = events.get(1) {
            case.apply(ctx, &ev(Role::Reviewer, r, CaseCommand::Resume)).unwrap();
        }
        case
    }
}

/// Evaluates at `now`, checks each notice is due and new, and records them.
fn record(
    case: &Case,
    log: &mut SupervisionLog,
    now: DateTime<FixedOffset>,
) -> Result<usize, TestCaseError> {
    let cal = china();
    let obs = case.observe(cal, now).unwrap();
    let notices = policy().evaluate(&obs, log, cal, now).unwrap();
    for n in &notices {
        prop_assert!(n.due_at <= now, "{n:?} is due after {now}");
        prop_assert!(!log.has_fired(&n.rule, n.cycle), "{n:?} fired twice");
        prop_assert_eq!(n.cycle, obs.cycle);
        prop_assert_eq!(n.meeting.is_some(), n.action == Action::ReferToJointMeeting);
    }
    let fired = notices.len();
    log.record(notices);
    Ok(fired)
}

proptest! {
    #![proptest_config(config(256))]

    /// Laws 1 and 2, at a random instant, from an empty log.
    #[test]
    fn evaluation_is_idempotent_and_never_early(spec in case_spec(), after in 0i64..60 * DAY) {
        let cal = china();
        let item = spec.item();
        let ctx = CaseContext::new(&item, cal);
        let case = spec.case(&ctx);
        let now = spec.accepted + TimeDelta::seconds(after);
        let obs = case.observe(cal, now).unwrap();
        let mut log = SupervisionLog::new();
        let notices = policy().evaluate(&obs, &log, cal, now).unwrap();
        // Pure: the same answer twice.
        prop_assert_eq!(&policy().evaluate(&obs, &log, cal, now).unwrap(), &notices);
        for n in &notices {
            prop_assert!(n.due_at <= now, "{n:?} is due after {now}");
        }
        let ids: BTreeSet<_> = notices.iter().map(|n| &n.rule).collect();
        prop_assert_eq!(ids.len(), notices.len());
        // A sweep at the same instant sees and gives the same, from the case
        // as played and from it prepared on the calendar.
        let sweep = policy().sweep(cal, now);
        let mut prepared = case.clone();
        prepared.prepare(cal);
        for c in [&case, &prepared] {
            prop_assert_eq!(&sweep.observe(c).unwrap(), &obs);
            let mut swept = Vec::new();
            sweep.check_into(c, &log, &mut swept).unwrap();
            prop_assert_eq!(&swept, &notices);
        }
        log.record(notices);
        let mut swept = Vec::new();
        sweep.check_into(&case, &log, &mut swept).unwrap();
        prop_assert_eq!(swept, []);
        prop_assert_eq!(policy().evaluate(&obs, &log, cal, now).unwrap(), []);
        // And what is next is strictly later.
        if let Some(t) = policy().next_due(&obs, &log, cal, now).unwrap() {
            prop_assert!(t > now);
        }
    }

    /// Law 3: just before `next_due`, nothing; at it, a notice due then.
    #[test]
    fn next_due_is_exact(spec in case_spec(), after in 0i64..45 * DAY) {
        let cal = china();
        let item = spec.item();
        let ctx = CaseContext::new(&item, cal);
        let case = spec.case(&ctx);
        let now = spec.accepted + TimeDelta::seconds(after);
        let mut log = SupervisionLog::new();
        record(&case, &mut log, now)?;
        let obs = case.observe(cal, now).unwrap();
        let Some(t) = policy().next_due(&obs, &log, cal, now).unwrap() else {
            return Ok(());
        };
        prop_assert!(t > now);
        // Only without an event in between.
        prop_assume!(spec.events().iter().all(|&e| e <= now || e > t));
        let before = t - SECOND;
        let obs = case.observe(cal, before).unwrap();
        prop_assert_eq!(policy().evaluate(&obs, &log, cal, before).unwrap(), [], "before {}", t);
        prop_assert_eq!(policy().next_due(&obs, &log, cal, before).unwrap(), Some(t));
        let obs = case.observe(cal, t).unwrap();
        let fired = policy().evaluate(&obs, &log, cal, t).unwrap();
        prop_assert!(fired.iter().any(|n| n.due_at == t), "nothing due at {t}: {fired:?}");
    }

    /// Laws 3 and 4 over a whole life: follow `next_due` and the case's
    /// events from acceptance until nothing more is due.
    #[test]
    fn following_next_due_climbs_the_ladder_once(spec in case_spec()) {
        let cal = china();
        let item = spec.item();
        let ctx = CaseContext::new(&item, cal);
        let case = spec.case(&ctx);
        let events = spec.events();
        let mut log = SupervisionLog::new();
        let mut now = spec.accepted;
        let mut level = None;
        let mut timer = false;
        for _ in 0..40 {
            let fired = record(&case, &mut log, now)?;
            if timer {
                prop_assert!(fired > 0, "the timer at {now} found nothing");
            }
            prop_assert!(log.level(0) >= level, "the level went down at {now}");
            level = log.level(0);
            let obs = case.observe(cal, now).unwrap();
            let due = policy().next_due(&obs, &log, cal, now).unwrap();
            let event = events.iter().copied().find(|&e| e > now);
            (now, timer) = match (due, event) {
                (Some(t), Some(e)) if t < e => (t, true),
                (_, Some(e)) => (e, false),
                (Some(t), None) => (t, true),
                (None, None) => break,
            };
        }
        let rules: BTreeSet<_> = log.notices().iter().map(|n| &n.rule).collect();
        prop_assert_eq!(rules.len(), log.notices().len());
        // Once resumed (or never suspended), every clocked rule fires in
        // the end.
        if spec.suspension.is_none_or(|(_, r)| r.is_some()) {
            for id in ["prompt", "yellow-warning", "red-warning", "yellow-card", "reminder",
                       "joint-meeting", "public-criticism", "red-card"] {
                prop_assert!(log.has_fired(&RuleId::new(id).unwrap(), 0), "{id} never fired");
            }
        }
        // However late the host looks, nothing more, a case left suspended
        // included (its clock stands still).
        let late = now + TimeDelta::days(30);
        if late < DateTime::parse_from_rfc3339("2026-12-01T00:00:00+08:00").unwrap() {
            prop_assert_eq!(record(&case, &mut log, late)?, 0);
        }
    }

    /// Law 4 for a host polling at random instants.
    #[test]
    fn levels_never_go_down_when_polling(spec in case_spec(), steps in proptest::collection::vec(0i64..5 * DAY, 1..12)) {
        let item = spec.item();
        let ctx = CaseContext::new(&item, china());
        let case = spec.case(&ctx);
        let mut log = SupervisionLog::new();
        let mut now = spec.accepted;
        let mut level = None;
        for s in steps {
            now += TimeDelta::seconds(s);
            record(&case, &mut log, now)?;
            prop_assert!(log.level(0) >= level, "the level went down at {now}");
            level = log.level(0);
            let obs = case.observe(china(), now).unwrap();
            prop_assert_eq!(policy().evaluate(&obs, &log, china(), now).unwrap(), []);
        }
    }

    /// Law 5: a closed subject fires nothing, a delivered case included; a
    /// decided case is settled, watched only by its delivery.
    #[test]
    fn closed_subjects_fire_nothing(spec in case_spec(), decided in 0i64..30 * DAY, after in 0i64..30 * DAY) {
        let cal = china();
        let item = spec.item();
        let ctx = CaseContext::new(&item, cal);
        let mut case = spec.case(&ctx);
        let now = case.last_event_at() + TimeDelta::seconds(decided + after);
        let mut obs = case.observe(cal, now).unwrap();
        obs.open = false;
        prop_assert_eq!(policy().evaluate(&obs, &SupervisionLog::new(), cal, now).unwrap(), []);
        prop_assert_eq!(policy().next_due(&obs, &SupervisionLog::new(), cal, now).unwrap(), None);
        let actor = Actor::new(ActorId::new("someone").unwrap(), Role::Reviewer);
        let conclude = CaseCommand::Conclude { decision: Decision::Approved };
        let at = case.last_event_at() + TimeDelta::seconds(decided);
        // A suspended case resumes first.
        if case.apply(&ctx, &CaseEvent::new(actor.clone(), at, conclude.clone())).is_err() {
            case.apply(&ctx, &CaseEvent::new(actor.clone(), at, CaseCommand::Resume)).unwrap();
            case.apply(&ctx, &CaseEvent::new(actor, at, conclude)).unwrap();
        }
        // Decided, the case is settled: no clock, and only the delivery of
        // its decision is watched (行政许可法 art. 44).
        let obs = case.observe(cal, now).unwrap();
        prop_assert!(obs.clock.is_none() && obs.delivery_due.is_some());
        prop_assert_eq!(&policy().sweep(cal, now).observe(&case).unwrap(), &obs);
        let fired = policy().evaluate(&obs, &SupervisionLog::new(), cal, now).unwrap();
        prop_assert!(fired.iter().all(|n| n.rule.as_str() == "delivery-late"), "{:?}", fired);
        // Delivered, it is closed and fires nothing.
        let clerk = Actor::new(ActorId::new("clerk").unwrap(), Role::WindowClerk);
        case.apply(&ctx, &CaseEvent::new(clerk, at, CaseCommand::Deliver)).unwrap();
        let obs = case.observe(cal, now).unwrap();
        prop_assert!(!obs.open);
        prop_assert_eq!(&policy().sweep(cal, now).observe(&case).unwrap(), &obs);
        prop_assert_eq!(policy().evaluate(&obs, &SupervisionLog::new(), cal, now).unwrap(), []);
        prop_assert_eq!(policy().next_due(&obs, &SupervisionLog::new(), cal, now).unwrap(), None);
    }

    /// Laws 1–3 for tickets: visits, feedback and supervision orders.
    #[test]
    fn ticket_timers_are_exact(
        visits in 0u32..5,
        feedback in proptest::option::of(0i64..30 * DAY),
        order in proptest::option::of(0i64..30 * DAY),
        after in 0i64..40 * DAY,
        cycle in 0u32..3,
    ) {
        let cal = china();
        let opened = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00").unwrap();
        let mut obs = Observation::new(SubjectKind::Ticket, opened);
        obs.visits = visits;
        obs.cycle = cycle;
        obs.feedback_due = feedback.map(|s| opened + TimeDelta::seconds(s));
        obs.order_due = order.map(|s| opened + TimeDelta::seconds(s));
        let now = opened + TimeDelta::seconds(after);
        let mut log = SupervisionLog::new();
        let notices = policy().evaluate(&obs, &log, cal, now).unwrap();
        prop_assert!(notices.iter().all(|n| n.due_at <= now && n.cycle == cycle));
        prop_assert_eq!(notices.iter().any(|n| n.rule.as_str() == "many-visits"), visits >= 3);
        log.record(notices);
        prop_assert_eq!(policy().evaluate(&obs, &log, cal, now).unwrap(), []);
        // Other cycles are untouched.
        prop_assert_eq!(log.level(cycle + 1), None);
        if let Some(t) = policy().next_due(&obs, &log, cal, now).unwrap() {
            prop_assert!(t > now);
            prop_assert_eq!(policy().evaluate(&obs, &log, cal, t - SECOND).unwrap(), []);
            prop_assert!(policy().evaluate(&obs, &log, cal, t).unwrap().iter().any(|n| n.due_at == t));
        }
    }
}

// Policies.

const IDS: [&str; 5] = ["a", "b", "c", "d", "e"];

fn deadline() -> impl Strategy<Value = Deadline> {
    prop_oneof![Just(Deadline::Promised), Just(Deadline::Statutory)]
}

fn trigger() -> impl Strategy<Value = Trigger> {
    prop_oneof![
        3 => (deadline(), 0u32..=110).prop_map(|(deadline, percent)| Trigger::ShareUsed { deadline, percent }),
        1 => (deadline(), 0u32..5).prop_map(|(deadline, days)| Trigger::RemainingAtMost { deadline, days }),
        1 => (deadline(), 0u32..8).prop_map(|(deadline, days)| Trigger::OverdueBy { deadline, days }),
        1 => (0u32..8).prop_map(|days| Trigger::StuckFor { days }),
        1 => (0u32..5).prop_map(|visits| Trigger::VisitsAtLeast { visits }),
        1 => (0u32..8).prop_map(|days| Trigger::NoFeedback { days }),
        1 => Just(Trigger::OrderIgnored),
    ]
}

fn level() -> impl Strategy<Value = Level> {
    proptest::sample::select(Level::ALL.to_vec())
}

fn action() -> impl Strategy<Value = Action> {
    proptest::sample::select(Action::ALL.to_vec())
}

fn subjects() -> impl Strategy<Value = Vec<SubjectKind>> {
    proptest::sample::subsequence(SubjectKind::ALL.to_vec(), 0..=3)
}

fn weekday() -> impl Strategy<Value = Weekday> {
    (0u8..7).prop_map(|n| Weekday::try_from(n).unwrap())
}

fn cadence() -> impl Strategy<Value = Cadence> {
    let jan1 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    prop_oneof![
        weekday().prop_map(|weekday| Cadence::Weekly { weekday }),
        (weekday(), 0u64..300).prop_map(move |(weekday, n)| Cadence::Biweekly {
            weekday,
            from: jan1 + chrono::Days::new(n)
        }),
        (0u8..=31).prop_map(|day| Cadence::Monthly { day }),
        (0u8..=31, 0u8..=31).prop_map(|(first, second)| Cadence::TwiceMonthly { first, second }),
    ]
}

fn cadence_ok(c: &Cadence) -> bool {
    match *c {
        Cadence::Weekly { .. } => true,
        Cadence::Biweekly { weekday, from } => from.weekday() == weekday,
        Cadence::Monthly { day } => (1..=28).contains(&day),
        Cadence::TwiceMonthly { first, second } => {
            (1..=28).contains(&first) && (1..=28).contains(&second) && first < second
        }
    }
}

/// A rule as parts: id, trigger, level, action, subjects.
type Parts = (usize, Trigger, Level, Action, Vec<SubjectKind>);

fn rules() -> impl Strategy<Value = Vec<Parts>> {
    proptest::collection::vec((0..IDS.len(), trigger(), level(), action(), subjects()), 0..6)
}

fn meetings() -> impl Strategy<Value = [Cadence; 4]> {
    // Mostly valid cadences, so that the rules decide.
    let one = prop_oneof![4 => Just(None), 1 => cadence().prop_map(Some)];
    let defaults = Meetings::default();
    let base = [defaults.routine, defaults.thematic, defaults.joint, defaults.tea];
    [one.clone(), one.clone(), one.clone(), one].prop_map(move |picked| {
        let mut out = base;
        for (slot, p) in out.iter_mut().zip(picked) {
            if let Some(c) = p {
                *slot = c;
            }
        }
        out
    })
}

fn build(parts: &[Parts], cadences: [Cadence; 4]) -> (Vec<Rule>, Meetings) {
    let rules = parts
        .iter()
        .map(|(id, trigger, level, action, subjects)| {
            Rule::new(RuleId::new(IDS[*id]).unwrap(), *trigger, *level, *action)
                .for_subjects(subjects.iter().copied())
        })
        .collect();
    let mut meetings = Meetings::default();
    [meetings.routine, meetings.thematic, meetings.joint, meetings.tea] = cadences;
    (rules, meetings)
}

/// The model: ids unique, every rule watches something, shares within
/// 0–100%, no more severe action at a lower share of the same deadline,
/// and every cadence meets.
fn valid(parts: &[Parts], cadences: &[Cadence; 4]) -> bool {
    let ids: BTreeSet<_> = parts.iter().map(|p| p.0).collect();
    let share = |t: &Trigger| match *t {
        Trigger::ShareUsed { deadline, percent } => Some((deadline, percent)),
        _ => None,
    };
    ids.len() == parts.len()
        && parts.iter().all(|p| !p.4.is_empty())
        && parts.iter().all(|p| share(&p.1).is_none_or(|(_, pc)| pc <= 100))
        && parts.iter().all(|a| {
            parts.iter().all(|b| match (share(&a.1), share(&b.1)) {
                (Some((da, pa)), Some((db, pb))) => !(da == db && a.3 > b.3 && pa < pb),
                _ => true,
            })
        })
        && cadences.iter().all(cadence_ok)
}

proptest! {
    #![proptest_config(config(256))]

    /// Law 6, in code and through JSON.
    #[test]
    fn a_policy_is_accepted_exactly_when_valid(parts in rules(), cadences in meetings()) {
        let (rules, meetings) = build(&parts, cadences);
        let built = EscalationPolicy::new(rules.clone(), meetings);
        let ok = valid(&parts, &cadences);
        prop_assert_eq!(built.is_ok(), ok, "{:?}", built);
        if let Err(err) = &built {
            // Every refusal about a rule names one of the rules given.
            let message = err.to_string();
            if message.starts_with("rule ") {
                prop_assert!(rules.iter().any(|r| message.starts_with(&format!("rule {}", r.id()))), "{message}");
            }
            return Ok(());
        }
        let policy = built.unwrap();
        prop_assert_eq!(policy.rules(), &rules[..]);
        prop_assert_eq!(policy.meetings(), &meetings);
        let json = serde_json::to_string(&policy).unwrap();
        let back: EscalationPolicy = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &policy);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }

    /// Law 6 for decoding: bad level and action names and blank ids too.
    #[test]
    fn decoding_accepts_exactly_the_valid_policies(
        parts in rules(),
        cadences in meetings(),
        bad_level in proptest::option::of(0usize..6),
        bad_action in proptest::option::of(0usize..6),
        blank in proptest::option::of(0usize..6),
    ) {
        let mut raw: Vec<serde_json::Value> = parts
            .iter()
            .map(|(id, trigger, level, action, subjects)| {
                serde_json::json!({
                    "id": IDS[*id],
                    "trigger": trigger,
                    "level": level,
                    "action": action,
                    "subjects": subjects,
                })
            })
            .collect();
        let mut broken = false;
        for (slot, field, value) in [(bad_level, "level", "mayor"), (bad_action, "action", "scold"), (blank, "id", " ")] {
            if let Some(rule) = slot.and_then(|i| raw.get_mut(i)) {
                rule[field] = value.into();
                broken = true;
            }
        }
        let mut meetings = serde_json::Map::new();
        for (name, c) in ["routine", "thematic", "joint", "tea"].into_iter().zip(cadences) {
            meetings.insert(name.into(), serde_json::to_value(c).unwrap());
        }
        let json = serde_json::json!({ "rules": raw, "meetings": meetings }).to_string();
        let decoded = serde_json::from_str::<EscalationPolicy>(&json);
        prop_assert_eq!(decoded.is_ok(), !broken && valid(&parts, &cadences), "{:?}", decoded);
        if let Ok(policy) = decoded {
            let (rules, meetings) = build(&parts, cadences);
            prop_assert_eq!(policy, EscalationPolicy::new(rules, meetings).unwrap());
        }
    }

    /// Law 7.
    #[test]
    fn meetings_are_working_days_on_or_after_the_date(c in cadence(), n in 0u64..320) {
        let cal = china();
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(n);
        match c.next_on_or_after(cal, date) {
            Ok(held) => {
                prop_assert!(cadence_ok(&c));
                prop_assert!(held >= date);
                prop_assert!(cal.is_working_day(held).unwrap());
                prop_assert!((held - date).num_days() <= 45, "{held}");
                prop_assert_eq!(c.next_on_or_after(cal, held).unwrap(), held);
            }
            Err(err) => prop_assert!(!cadence_ok(&c), "{err}"),
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// While suspended, a case's clock stands still: nothing that was not
    /// due when it was suspended becomes due.
    #[test]
    fn a_suspended_case_stands_still(spec in case_spec(), after in 0i64..20 * DAY) {
        let Some((s, None)) = spec.suspension else { return Ok(()) };
        let cal = china();
        let item = spec.item();
        let ctx = CaseContext::new(&item, cal);
        let case = spec.case(&ctx);
        let suspended = spec.accepted + TimeDelta::seconds(s);
        let mut log = SupervisionLog::new();
        record(&case, &mut log, suspended)?;
        let now = suspended + TimeDelta::seconds(after);
        let obs = case.observe(cal, now).unwrap();
        prop_assert_eq!(policy().evaluate(&obs, &log, cal, now).unwrap(), []);
    }
}

/// A notice as a host may have stored it: given by one of the default
/// policy's rules or by a rule no policy here has, its id shared with the
/// rule's or decoded apart from it, in one of three cycles, and with its
/// rule's action or (a log edited by hand) another.
#[derive(Debug, Clone)]
struct Stored {
    rule: usize,
    shared: bool,
    cycle: u32,
    action: Option<usize>,
}

fn stored() -> impl Strategy<Value = Stored> {
    (0usize..14, any::<bool>(), 0u32..3, proptest::option::of(0usize..Action::ALL.len()))
        .prop_map(|(rule, shared, cycle, action)| Stored { rule, shared, cycle, action })
}

impl Stored {
    fn notice(&self, at: DateTime<FixedOffset>) -> Notice {
        let rules = policy().rules();
        let (id, action) = match rules.get(self.rule) {
            Some(rule) => (rule.id().as_str().to_owned(), rule.action()),
            None => (format!("local-rule-{}", self.rule), Action::Prompt),
        };
        let action = self.action.map_or(action, |a| Action::ALL[a]);
        let json = serde_json::json!({
            "rule": id, "level": "handler", "action": action, "cycle": self.cycle,
            "due_at": at, "meeting": null,
        });
        let mut notice: Notice = serde_json::from_value(json).unwrap();
        if let (true, Some(rule)) = (self.shared, rules.get(self.rule)) {
            notice.rule = rule.id().clone();
        }
        notice
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Law 8: a log prepared for a policy answers as its notices read in
    /// full, whatever they are, whichever policy it was prepared for and
    /// whichever evaluates it, with notices recorded before and after it
    /// was prepared.
    #[test]
    fn prepared_logs_answer_as_read_in_full(
        spec in case_spec(),
        after in 0i64..60 * DAY,
        stored in proptest::collection::vec(stored(), 0..12),
        split in 0usize..13,
        cycle in 0u32..4,
        visits in 0u32..4,
    ) {
        let cal = china();
        let item = spec.item();
        let ctx = CaseContext::new(&item, cal);
        let case = spec.case(&ctx);
        let now = spec.accepted + TimeDelta::seconds(after);
        let mut obs = case.observe(cal, now).unwrap();
        (obs.cycle, obs.visits) = (cycle, visits);
        let notices: Vec<Notice> = stored.iter().map(|s| s.notice(spec.accepted)).collect();
        let plain = SupervisionLog::from_notices(notices.clone());
        // The same rules apart: an equal policy that shares nothing with
        // the default one but its rules' ids.
        let twin = EscalationPolicy::new(policy().rules().to_vec(), *policy().meetings()).unwrap();
        prop_assert_eq!(&twin, policy());
        let split = split.min(notices.len());
        for prepared_for in [policy(), &twin] {
            let mut log = SupervisionLog::new();
            log.record(notices[..split].iter().cloned());
            log.prepare(prepared_for);
            log.record(notices[split..].iter().cloned());
            prop_assert_eq!(&log, &plain);
            for evaluating in [policy(), &twin] {
                let expected = evaluating.evaluate(&obs, &plain, cal, now).unwrap();
                prop_assert_eq!(&evaluating.evaluate(&obs, &log, cal, now).unwrap(), &expected);
                let mut swept = Vec::new();
                evaluating.sweep(cal, now).evaluate_into(&obs, &log, &mut swept).unwrap();
                prop_assert_eq!(&swept, &expected);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Law 9: a graph step observed with the case handling it counts the
    /// case's time from the step's start: the working time used is the
    /// case's used now less the case's used when the step started, and it
    /// is suspended and stopped when the case's clock is. A step started
    /// with the case, with the case's promised limit, has the case's
    /// promised deadline and budget.
    #[test]
    fn a_step_observed_with_its_case_keeps_the_case_time(
        spec in case_spec(),
        offset in prop_oneof![Just(0i64), 0i64..15 * DAY],
        concluded in proptest::option::of(0i64..40 * DAY),
        after in 0i64..60 * DAY,
    ) {
        use shenpi::graph::{ApprovalGraph, GraphRun, RunCommand, RunEvent, Step, StepId};
        use shenpi::limit::ClockStatus::{RedCard, StoppedLate, StoppedPastStatutory, YellowCard};
        let cal = china();
        let item = spec.item();
        let ctx = CaseContext::new(&item, cal);
        let mut case = spec.case(&ctx);
        let reviewer = Actor::new(ActorId::new("someone").unwrap(), Role::Reviewer);
        // Perhaps decided after its last event, when not suspended then.
        let last = spec.events().last().copied().unwrap_or(spec.accepted);
        if let Some(c) = concluded {
            if case.clock().is_some_and(|clock| clock.current_suspension().is_none()) {
                let decide = CaseCommand::Conclude { decision: Decision::Approved };
                let at = last + TimeDelta::seconds(c);
                case.apply(&ctx, &CaseEvent::new(reviewer.clone(), at, decide)).unwrap();
            }
        }
        let id = StepId::new("permit").unwrap();
        let graph = ApprovalGraph::builder("one step", id.clone())
            .step(Step::new(
                id.clone(),
                item.code().clone(),
                item.department().clone(),
                TimeLimit::working_days(spec.promised),
            ))
            .build()
            .unwrap();
        let started = spec.accepted + TimeDelta::seconds(offset);
        let mut run = GraphRun::new(&graph, spec.accepted);
        let start = RunCommand::StartStep { step: id.clone(), case: case.id().clone() };
        run.apply(&graph, &RunEvent::new(reviewer, started, start)).unwrap();
        let now = started + TimeDelta::seconds(after);
        let step = shenpi::escalation::RunStep::new(&graph, &run, &id).with_case(&case);
        let step = step.observe(cal, now).unwrap().clock.unwrap();
        let th = shenpi::limit::Thresholds::default();
        let whole = case.reading(cal, now, &th).unwrap().unwrap();
        let before = case.reading(cal, started, &th).unwrap().unwrap();
        prop_assert_eq!(step.used_seconds, whole.used_seconds - before.used_seconds);
        prop_assert_eq!(step.suspended, whole.suspended);
        prop_assert_eq!(step.stopped, whole.stopped);
        if offset == 0 {
            prop_assert_eq!(step.promised_due, whole.promised_due);
            prop_assert_eq!(step.promised_budget_seconds, whole.promised_budget_seconds);
            // The step's statutory deadline is its promised one: a late
            // step is red-carded where its case is yellow-carded.
            match whole.status {
                YellowCard | RedCard => prop_assert_eq!(step.status, RedCard),
                StoppedLate | StoppedPastStatutory => {
                    prop_assert_eq!(step.status, StoppedPastStatutory)
                }
                status => prop_assert_eq!(step.status, status),
            }
        }
    }
}
