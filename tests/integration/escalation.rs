//! Escalation: hand-worked supervision of a case under the default policy,
//! suspended cases, graph-run steps, tickets, meeting cadences around the
//! 2026 holidays, bad policies and the policy's wire format.

use chrono::{DateTime, FixedOffset, NaiveDate, Weekday};
use shenpi::calendar::WorkCalendar;
use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId, Decision};
use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
use shenpi::escalation::{
    Action, Cadence, EscalationError, EscalationPolicy, Level, Meetings, Notice, Observation,
    RunStep, SubjectKind, Supervised, SupervisionLog,
};
use shenpi::graph::{ApprovalGraph, GraphRun, RunCommand, RunEvent, Step, StepId};
use shenpi::limit::{ClockStatus, SpecialProcedure, SuspensionKind, TimeLimit};
use shenpi::machine::{Actor, ActorId, Role};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn licence(promised: u32, statutory: u32) -> ApprovalItem {
    ApprovalItem::builder(
        ItemCode::new("XK-100").unwrap(),
        "行政许可",
        DepartmentId::new("bureau").unwrap(),
    )
    .statutory(TimeLimit::working_days(statutory))
    .promised(TimeLimit::working_days(promised))
    .special_procedures([SpecialProcedure::ExpertReview])
    .build()
    .unwrap()
}

fn ev(role: Role, when: &str, command: CaseCommand) -> CaseEvent {
    let actor = Actor::new(ActorId::new("someone").unwrap(), role);
    CaseEvent::new(actor, at(when), command)
}

const REVIEW: SuspensionKind =
    SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::ExpertReview };

/// The case of the scenarios: promised 5 and statutory 20 working days,
/// received, accepted and taken up on Monday 2 March 2026 at 09:00.
fn monday_case(ctx: &CaseContext<'_>) -> Case {
    let when = "2026-03-02T09:00:00+08:00";
    let (mut case, _) = Case::receive(
        CaseId::new("C-1").unwrap(),
        ctx,
        &ev(Role::Applicant, when, CaseCommand::Receive),
    )
    .unwrap();
    case.apply(ctx, &ev(Role::WindowClerk, when, CaseCommand::Accept)).unwrap();
    case.apply(ctx, &ev(Role::Reviewer, when, CaseCommand::StartHandling)).unwrap();
    case
}

/// Observes `subject` at `now`, evaluates, checks the notices are due and
/// new, records them and returns their rule ids.
fn step<S: Supervised>(
    policy: &EscalationPolicy,
    cal: &WorkCalendar,
    subject: &S,
    log: &mut SupervisionLog,
    now: DateTime<FixedOffset>,
) -> Vec<Notice> {
    let obs = subject.observe(cal, now).unwrap();
    let notices = policy.evaluate(&obs, log, cal, now).unwrap();
    for n in &notices {
        assert!(n.due_at <= now, "{n:?} fired before its trigger at {now}");
        assert!(!log.has_fired(&n.rule, n.cycle), "{n:?} fired twice");
    }
    let before = log.level(obs.cycle);
    log.record(notices.clone());
    assert!(log.level(obs.cycle) >= before, "the level went down at {now}");
    // Idempotent: nothing more at the same instant.
    assert_eq!(policy.evaluate(&obs, log, cal, now).unwrap(), []);
    notices
}

fn rules(notices: &[Notice]) -> Vec<&str> {
    notices.iter().map(|n| n.rule.as_str()).collect()
}

fn next<S: Supervised>(
    policy: &EscalationPolicy,
    cal: &WorkCalendar,
    subject: &S,
    log: &SupervisionLog,
    now: DateTime<FixedOffset>,
) -> Option<DateTime<FixedOffset>> {
    policy.next_due(&subject.observe(cal, now).unwrap(), log, cal, now).unwrap()
}

#[test]
fn a_late_case_climbs_the_ladder_one_notice_at_a_time() {
    let cal = WorkCalendar::china();
    let item = licence(5, 20);
    let ctx = CaseContext::new(&item, &cal);
    let case = monday_case(&ctx);
    let policy = EscalationPolicy::default();
    let mut log = SupervisionLog::new();
    // Promised: five working days after Monday 2 March, Monday 9 March,
    // ending at 24:00 (the China calendar counts whole days). Statutory:
    // twenty working days, Monday 30 March. The promised budget is 15 h on
    // the 2nd, four whole days and the 9th: 135 h.
    let now = at("2026-03-02T09:00:00+08:00");
    assert_eq!(rules(&step(&policy, &cal, &case, &mut log, now)), Vec::<&str>::new());
    assert_eq!(log.level(0), None);
    // 50% is 67.5 h: 15 + 24 + 24 + 4.5, Thursday 5 March 04:30.
    let yellow = at("2026-03-05T04:30:00+08:00");
    assert_eq!(next(&policy, &cal, &case, &log, now), Some(yellow));
    let just_before = at("2026-03-05T04:29:59+08:00");
    assert_eq!(rules(&step(&policy, &cal, &case, &mut log, just_before)), Vec::<&str>::new());
    assert_eq!(next(&policy, &cal, &case, &log, just_before), Some(yellow));
    let fired = step(&policy, &cal, &case, &mut log, yellow);
    assert_eq!(rules(&fired), ["yellow-warning"]);
    assert_eq!(
        (fired[0].level, fired[0].action, fired[0].due_at),
        (Level::Handler, Action::YellowWarning, yellow)
    );
    assert_eq!(log.level(0), Some(Level::Handler));
    // The prompt: one working day left from the start of Friday 6 March.
    let prompt = at("2026-03-06T00:00:00+08:00");
    assert_eq!(next(&policy, &cal, &case, &log, yellow), Some(prompt));
    assert_eq!(
        rules(&step(&policy, &cal, &case, &mut log, at("2026-03-05T23:59:59+08:00"))),
        Vec::<&str>::new()
    );
    let fired = step(&policy, &cal, &case, &mut log, prompt);
    assert_eq!(rules(&fired), ["prompt"]);
    assert_eq!(fired[0].due_at, prompt);
    // 90% is 121.5 h: 111 h by Friday night, then 10.5 h of Monday 9 March.
    let red = at("2026-03-09T10:30:00+08:00");
    assert_eq!(next(&policy, &cal, &case, &log, prompt), Some(red));
    // Nothing over the weekend.
    assert_eq!(
        rules(&step(&policy, &cal, &case, &mut log, at("2026-03-08T12:00:00+08:00"))),
        Vec::<&str>::new()
    );
    let fired = step(&policy, &cal, &case, &mut log, red);
    assert_eq!(rules(&fired), ["red-warning"]);
    assert_eq!(fired[0].level, Level::DepartmentHead);
    assert_eq!(log.level(0), Some(Level::DepartmentHead));
    // The day after the deadline starts at the very instant the deadline
    // ends (24:00 of the 9th); the reminder (催办) waits until the deadline
    // has passed, and comes with the yellow card.
    let card = at("2026-03-10T00:00:01+08:00");
    assert_eq!(next(&policy, &cal, &case, &log, red), Some(card));
    let fired = step(&policy, &cal, &case, &mut log, card);
    assert_eq!(rules(&fired), ["yellow-card", "reminder"]);
    assert_eq!((fired[0].level, fired[0].action), (Level::DepartmentHead, Action::YellowCard));
    // Three working days late: Thursday 12 March; the joint meeting meets
    // every other Wednesday from 7 January, next on 18 March.
    let joint = at("2026-03-12T00:00:00+08:00");
    assert_eq!(next(&policy, &cal, &case, &log, card), Some(joint));
    let now = at("2026-03-12T09:00:00+08:00");
    let fired = step(&policy, &cal, &case, &mut log, now);
    assert_eq!(rules(&fired), ["joint-meeting"]);
    assert_eq!(fired[0].due_at, joint);
    assert_eq!(fired[0].meeting, Some(d(3, 18)));
    assert_eq!(
        (fired[0].level, fired[0].action),
        (Level::SpecialTeam, Action::ReferToJointMeeting)
    );
    assert_eq!(log.level(0), Some(Level::SpecialTeam));
    // Six working days late (five after the reminder): Tuesday 17 March.
    let criticism = at("2026-03-17T00:00:00+08:00");
    assert_eq!(next(&policy, &cal, &case, &log, now), Some(criticism));
    let fired = step(&policy, &cal, &case, &mut log, criticism);
    assert_eq!(rules(&fired), ["public-criticism"]);
    assert_eq!(fired[0].level, Level::Accountability);
    assert_eq!(log.level(0), Some(Level::Accountability));
    // The red card just after the statutory deadline, 24:00 of 30 March;
    // city supervision is below accountability, so the level stays.
    let red_card = at("2026-03-31T00:00:01+08:00");
    assert_eq!(next(&policy, &cal, &case, &log, criticism), Some(red_card));
    assert_eq!(
        rules(&step(&policy, &cal, &case, &mut log, at("2026-03-31T00:00:00+08:00"))),
        Vec::<&str>::new()
    );
    let fired = step(&policy, &cal, &case, &mut log, red_card);
    assert_eq!(rules(&fired), ["red-card"]);
    assert_eq!((fired[0].level, fired[0].action), (Level::CitySupervision, Action::RedCard));
    assert_eq!(log.level(0), Some(Level::Accountability));
    // Nothing is left for a case; every rule fired once.
    assert_eq!(next(&policy, &cal, &case, &log, red_card), None);
    assert_eq!(
        rules(&step(&policy, &cal, &case, &mut log, at("2026-06-30T12:00:00+08:00"))),
        Vec::<&str>::new()
    );
    assert_eq!(
        rules(log.notices()),
        [
            "yellow-warning",
            "prompt",
            "red-warning",
            "yellow-card",
            "reminder",
            "joint-meeting",
            "public-criticism",
            "red-card"
        ]
    );
}

#[test]
fn golden_json_observation_notices_and_log() {
    let cal = WorkCalendar::china();
    let item = licence(5, 20);
    let ctx = CaseContext::new(&item, &cal);
    let case = monday_case(&ctx);
    let policy = EscalationPolicy::default();
    // The Monday case just after its promised deadline: late at once.
    let now = at("2026-03-10T00:00:01+08:00");
    let obs = case.observe(&cal, now).unwrap();
    crate::golden::assert_golden("escalation_observation.json", &obs);
    let notices = policy.evaluate(&obs, &SupervisionLog::new(), &cal, now).unwrap();
    assert!(!notices.is_empty());
    crate::golden::assert_golden("escalation_notices.json", &notices);
    let mut log = SupervisionLog::new();
    log.record(notices);
    crate::golden::assert_golden("supervision_log.json", &log);
}

#[test]
fn a_host_that_looks_late_gets_every_notice_at_once_in_ladder_order() {
    let cal = WorkCalendar::china();
    let item = licence(5, 20);
    let ctx = CaseContext::new(&item, &cal);
    let case = monday_case(&ctx);
    let policy = EscalationPolicy::default();
    let mut log = SupervisionLog::new();
    let now = at("2026-03-13T15:00:00+08:00");
    let fired = step(&policy, &cal, &case, &mut log, now);
    assert_eq!(
        fired.iter().map(|n| (n.rule.as_str(), n.level, n.action)).collect::<Vec<_>>(),
        [
            ("prompt", Level::Handler, Action::Prompt),
            ("yellow-warning", Level::Handler, Action::YellowWarning),
            ("red-warning", Level::DepartmentHead, Action::RedWarning),
            ("yellow-card", Level::DepartmentHead, Action::YellowCard),
            ("reminder", Level::DepartmentHead, Action::Reminder),
            ("joint-meeting", Level::SpecialTeam, Action::ReferToJointMeeting),
        ]
    );
    // Triggers with a fixed instant report it; shares of time report the
    // evaluation instant.
    let due: Vec<_> = fired.iter().map(|n| n.due_at).collect();
    assert_eq!(
        due,
        [
            at("2026-03-06T00:00:00+08:00"),
            now,
            now,
            at("2026-03-10T00:00:01+08:00"),
            at("2026-03-10T00:00:01+08:00"),
            at("2026-03-12T00:00:00+08:00"),
        ]
    );
    // Referred on Friday 13 March: the next joint meeting is still the 18th.
    assert_eq!(fired[5].meeting, Some(d(3, 18)));
    assert!(fired[..5].iter().all(|n| n.meeting.is_none()));
    assert_eq!(next(&policy, &cal, &case, &log, now), Some(at("2026-03-17T00:00:00+08:00")));
}

/// A decided case is settled: its clock fires nothing more. Until its
/// decision is delivered it is watched by the delivery deadline alone
/// (行政许可法 art. 44: 10 working days from Friday 6 March, Friday 20 March),
/// and once delivered not at all.
#[test]
fn a_decided_case_is_watched_only_until_delivered() {
    let cal = WorkCalendar::china();
    let item = licence(5, 20);
    let ctx = CaseContext::new(&item, &cal);
    let mut case = monday_case(&ctx);
    let policy = EscalationPolicy::default();
    let mut log = SupervisionLog::new();
    step(&policy, &cal, &case, &mut log, at("2026-03-06T09:00:00+08:00"));
    case.apply(
        &ctx,
        &ev(
            Role::Reviewer,
            "2026-03-06T10:00:00+08:00",
            CaseCommand::Conclude { decision: Decision::Approved },
        ),
    )
    .unwrap();
    for now in ["2026-03-06T10:00:00+08:00", "2026-03-10T09:00:00+08:00"] {
        let obs = case.observe(&cal, at(now)).unwrap();
        assert!(obs.open && obs.clock.is_none(), "settled, and owed");
        assert_eq!(obs.delivery_due, Some(at("2026-03-21T00:00:00+08:00")));
        assert_eq!(policy.evaluate(&obs, &log, &cal, at(now)).unwrap(), []);
        assert_eq!(
            policy.next_due(&obs, &log, &cal, at(now)).unwrap(),
            Some(at("2026-03-21T00:00:01+08:00"))
        );
    }
    // Undelivered past the deadline: a reminder to the department head.
    let now = at("2026-03-23T09:00:00+08:00");
    let obs = case.observe(&cal, now).unwrap();
    let fired = policy.evaluate(&obs, &log, &cal, now).unwrap();
    let ids: Vec<&str> = fired.iter().map(|n| n.rule.as_str()).collect();
    assert_eq!(ids, ["delivery-late"]);
    assert_eq!(fired[0].action, Action::Reminder);
    // Delivered: nothing is watched any more, even with an empty log.
    case.apply(&ctx, &ev(Role::WindowClerk, "2026-03-23T10:00:00+08:00", CaseCommand::Deliver))
        .unwrap();
    for now in ["2026-03-23T10:00:00+08:00", "2026-04-30T09:00:00+08:00"] {
        let obs = case.observe(&cal, at(now)).unwrap();
        assert!(!obs.open);
        assert_eq!(policy.evaluate(&obs, &SupervisionLog::new(), &cal, at(now)).unwrap(), []);
        assert_eq!(policy.next_due(&obs, &log, &cal, at(now)).unwrap(), None);
    }
}

/// A case not yet accepted has no clock; it is watched by its acceptance
/// deadline: the correction-notice window of 5 working days after receipt
/// on Monday 2 March closes at the end of Monday 9 March (行政许可法
/// art. 32), and a case still waiting then is reminded.
#[test]
fn a_case_not_yet_accepted_is_watched_by_its_acceptance_deadline() {
    let cal = WorkCalendar::china();
    let item = licence(5, 20);
    let ctx = CaseContext::new(&item, &cal);
    let when = "2026-03-02T09:00:00+08:00";
    let (case, _) = Case::receive(
        CaseId::new("C-2").unwrap(),
        &ctx,
        &ev(Role::Applicant, when, CaseCommand::Receive),
    )
    .unwrap();
    let policy = EscalationPolicy::default();
    let now = at("2026-03-04T09:00:00+08:00");
    let obs = case.observe(&cal, now).unwrap();
    assert!(obs.open && obs.clock.is_none());
    assert_eq!(obs.kind, SubjectKind::Case);
    assert_eq!(obs.state_since, at(when));
    assert_eq!(obs.acceptance_due, Some(at("2026-03-10T00:00:00+08:00")));
    assert_eq!(policy.evaluate(&obs, &SupervisionLog::new(), &cal, now).unwrap(), []);
    assert_eq!(
        policy.next_due(&obs, &SupervisionLog::new(), &cal, now).unwrap(),
        Some(at("2026-03-10T00:00:01+08:00"))
    );
    let late = at("2026-03-10T09:00:00+08:00");
    let obs = case.observe(&cal, late).unwrap();
    let fired = policy.evaluate(&obs, &SupervisionLog::new(), &cal, late).unwrap();
    let ids: Vec<&str> = fired.iter().map(|n| n.rule.as_str()).collect();
    assert_eq!(ids, ["acceptance-late"]);
}

#[test]
fn a_suspended_case_gets_no_share_or_deadline_notices_while_suspended() {
    let cal = WorkCalendar::china();
    let item = licence(5, 20);
    let ctx = CaseContext::new(&item, &cal);
    let mut case = monday_case(&ctx);
    let policy = EscalationPolicy::default();
    let mut log = SupervisionLog::new();
    // Suspended on Tuesday 3 March at 09:00 (24 h used, 18%), for expert
    // review.
    case.apply(
        &ctx,
        &ev(Role::Reviewer, "2026-03-03T09:00:00+08:00", CaseCommand::Suspend { reason: REVIEW }),
    )
    .unwrap();
    for now in [
        "2026-03-03T09:00:00+08:00",
        "2026-03-05T04:30:00+08:00",
        "2026-03-09T10:30:00+08:00",
        "2026-03-10T00:00:01+08:00",
        "2026-03-20T12:00:00+08:00",
        "2026-04-01T09:00:00+08:00",
    ] {
        let now = at(now);
        assert_eq!(rules(&step(&policy, &cal, &case, &mut log, now)), Vec::<&str>::new(), "{now}");
        assert_eq!(next(&policy, &cal, &case, &log, now), None, "{now}");
    }
    // Resumed on Friday 6 March at 09:00: the deadline moves back by the
    // working days in (3 March, 6 March], three, to Thursday 12 March; 48 h
    // later than without the suspension... the yellow warning comes once
    // 67.5 h are used: 24 h before, then 15 h on the 6th, 24 h on the 9th
    // and 4.5 h on the 10th.
    let mut resumed = case.clone();
    resumed
        .apply(&ctx, &ev(Role::Reviewer, "2026-03-06T09:00:00+08:00", CaseCommand::Resume))
        .unwrap();
    let now = at("2026-03-06T09:00:00+08:00");
    let reading = resumed.observe(&cal, now).unwrap().clock.unwrap();
    assert_eq!(reading.promised_due.date, d(3, 12));
    assert_eq!(reading.used_seconds, 24 * 3600);
    assert_eq!(next(&policy, &cal, &resumed, &log, now), Some(at("2026-03-10T04:30:00+08:00")));
}

#[test]
fn a_case_suspended_with_one_day_left_is_prompted_at_once() {
    let cal = WorkCalendar::china();
    let item = licence(5, 20);
    let ctx = CaseContext::new(&item, &cal);
    let mut case = monday_case(&ctx);
    let policy = EscalationPolicy::default();
    let mut log = SupervisionLog::new();
    // Friday 6 March 08:00: the prompt fired at midnight; 95 h used, 70%.
    let fired = step(&policy, &cal, &case, &mut log, at("2026-03-06T08:00:00+08:00"));
    assert_eq!(rules(&fired), ["prompt", "yellow-warning"]);
    case.apply(
        &ctx,
        &ev(Role::Reviewer, "2026-03-06T08:00:00+08:00", CaseCommand::Suspend { reason: REVIEW }),
    )
    .unwrap();
    // Suspended: the red warning (90%) and the cards wait.
    for now in
        ["2026-03-09T10:30:00+08:00", "2026-03-10T00:00:01+08:00", "2026-04-01T00:00:01+08:00"]
    {
        let now = at(now);
        assert_eq!(rules(&step(&policy, &cal, &case, &mut log, now)), Vec::<&str>::new(), "{now}");
        assert_eq!(next(&policy, &cal, &case, &log, now), None, "{now}");
    }
}

fn one_step_graph() -> (ApprovalGraph, StepId) {
    let id = StepId::new("permit").unwrap();
    let graph = ApprovalGraph::builder("one step", id.clone())
        .step(Step::new(
            id.clone(),
            ItemCode::new("P").unwrap(),
            DepartmentId::new("housing").unwrap(),
            TimeLimit::working_days(3),
        ))
        .build()
        .unwrap();
    (graph, id)
}

#[test]
fn a_graph_step_is_watched_from_its_start_with_its_limit_as_both_deadlines() {
    let (graph, permit) = one_step_graph();
    let cal = WorkCalendar::china();
    let policy = EscalationPolicy::default();
    let reviewer = Actor::new(ActorId::new("rev").unwrap(), Role::Reviewer);
    let mut run = GraphRun::new(&graph, at("2026-03-02T08:00:00+08:00"));
    // Ready but not started: no clock, nothing due.
    {
        let ready = RunStep::new(&graph, &run, &permit);
        let now = at("2026-03-20T09:00:00+08:00");
        let obs = ready.observe(&cal, now).unwrap();
        assert_eq!((obs.kind, obs.open, obs.clock.is_none()), (SubjectKind::GraphStep, true, true));
        assert_eq!(obs.state_since, at("2026-03-02T08:00:00+08:00"));
        assert_eq!(policy.evaluate(&obs, &SupervisionLog::new(), &cal, now).unwrap(), []);
    }
    let start = RunCommand::StartStep { step: permit.clone(), case: "C-1".parse().unwrap() };
    run.apply(&graph, &RunEvent::new(reviewer.clone(), at("2026-03-02T09:00:00+08:00"), start))
        .unwrap();
    let s = RunStep::new(&graph, &run, &permit);
    let mut log = SupervisionLog::new();
    // Three working days: due Thursday 5 March at 24:00. Budget 15 + 48 +
    // 24 = 87 h; half is 43.5 h, Wednesday 4 March 04:30.
    let now = at("2026-03-02T10:00:00+08:00");
    assert_eq!(step(&policy, &cal, &s, &mut log, now), []);
    assert_eq!(next(&policy, &cal, &s, &log, now), Some(at("2026-03-04T00:00:00+08:00")));
    // Friday morning: everything up to a red card (statutory = promised).
    let now = at("2026-03-06T09:00:00+08:00");
    let fired = step(&policy, &cal, &s, &mut log, now);
    assert_eq!(
        rules(&fired),
        ["prompt", "yellow-warning", "red-warning", "yellow-card", "reminder", "red-card"]
    );
    assert_eq!(log.level(0), Some(Level::CitySupervision));
    // The joint meeting on Tuesday 10 March (three working days late).
    let joint = at("2026-03-10T00:00:00+08:00");
    assert_eq!(next(&policy, &cal, &s, &log, now), Some(joint));
    let fired = step(&policy, &cal, &s, &mut log, joint);
    assert_eq!(rules(&fired), ["joint-meeting"]);
    assert_eq!(fired[0].meeting, Some(d(3, 18)));
    // Concluded: the step is done and watched no more.
    let conclude = RunCommand::ConcludeStep { step: permit.clone(), decision: Decision::Approved };
    run.apply(&graph, &RunEvent::new(reviewer, at("2026-03-10T09:00:00+08:00"), conclude)).unwrap();
    let done = RunStep::new(&graph, &run, &permit);
    let now = at("2026-03-20T09:00:00+08:00");
    let obs = done.observe(&cal, now).unwrap();
    assert!(!obs.open);
    assert_eq!(policy.evaluate(&obs, &SupervisionLog::new(), &cal, now).unwrap(), []);
    assert_eq!(policy.next_due(&obs, &SupervisionLog::new(), &cal, now).unwrap(), None);
}

#[test]
fn an_unknown_step_cannot_be_observed() {
    let (graph, _) = one_step_graph();
    let run = GraphRun::new(&graph, at("2026-03-02T08:00:00+08:00"));
    let ghost = StepId::new("ghost").unwrap();
    let err = RunStep::new(&graph, &run, &ghost)
        .observe(&WorkCalendar::china(), at("2026-03-02T09:00:00+08:00"))
        .unwrap_err();
    assert!(matches!(err, EscalationError::Run(_)), "{err:?}");
}

/// The housing permit behind [`one_step_graph`]'s step: promised in three
/// working days, expert reviews allowed.
fn permit_item() -> ApprovalItem {
    ApprovalItem::builder(
        ItemCode::new("P").unwrap(),
        "施工许可",
        DepartmentId::new("housing").unwrap(),
    )
    .promised(TimeLimit::working_days(3))
    .special_procedures([SpecialProcedure::ExpertReview])
    .build()
    .unwrap()
}

fn actor(role: Role) -> Actor {
    Actor::new(ActorId::new("someone").unwrap(), role)
}

fn event(role: Role, when: &str, command: CaseCommand) -> CaseEvent {
    CaseEvent::new(actor(role), at(when), command)
}

/// Case `id`, received at `when`.
fn received(ctx: &CaseContext<'_>, id: &str, when: &str) -> Case {
    let receive = event(Role::Applicant, when, CaseCommand::Receive);
    Case::receive(CaseId::new(id).unwrap(), ctx, &receive).unwrap().0
}

/// A step observed with its case stands still while the case is
/// suspended, takes its extension, and refuses a case that is not the
/// step's.
#[test]
fn a_graph_step_follows_the_clock_of_its_case() {
    let (graph, permit) = one_step_graph();
    let cal = WorkCalendar::china();
    let policy = EscalationPolicy::default();
    let item = permit_item();
    let ctx = CaseContext::new(&item, &cal);
    let mut case = received(&ctx, "C-1", "2026-03-02T08:30:00+08:00");
    case.apply(&ctx, &event(Role::WindowClerk, "2026-03-02T08:30:00+08:00", CaseCommand::Accept))
        .unwrap();
    let mut run = GraphRun::new(&graph, at("2026-03-02T08:00:00+08:00"));
    let start = RunCommand::StartStep { step: permit.clone(), case: case.id().clone() };
    run.apply(
        &graph,
        &RunEvent::new(actor(Role::Reviewer), at("2026-03-02T09:00:00+08:00"), start),
    )
    .unwrap();
    // An expert review from Tuesday 09:00, still running on Friday.
    let review = SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::ExpertReview };
    case.apply(
        &ctx,
        &event(
            Role::Reviewer,
            "2026-03-03T09:00:00+08:00",
            CaseCommand::Suspend { reason: review },
        ),
    )
    .unwrap();
    let alone = RunStep::new(&graph, &run, &permit);
    let followed = RunStep::new(&graph, &run, &permit).with_case(&case);
    let friday = at("2026-03-06T09:00:00+08:00");
    let log = SupervisionLog::new();
    // Alone, the step is carded; with its case, it stands still.
    let carded =
        policy.evaluate(&alone.observe(&cal, friday).unwrap(), &log, &cal, friday).unwrap();
    assert!(rules(&carded).contains(&"red-card"), "{carded:?}");
    let obs = followed.observe(&cal, friday).unwrap();
    let clock = obs.clock.unwrap();
    assert!(clock.suspended);
    // Monday 09:00 to Tuesday 09:00, the review's start (a calendar
    // without office hours counts whole days).
    assert_eq!(clock.used_seconds, 24 * 3600);
    let fired = policy.evaluate(&obs, &log, &cal, friday).unwrap();
    assert!(
        !rules(&fired).iter().any(|r| r.contains("card") || r.contains("warning")),
        "{fired:?}"
    );
    // Three working days from Monday 2 March end on Thursday 5; resumed on
    // Monday 9 March, the four working days in (3, 9] March push that to
    // Wednesday 11, and an extension of two days to Friday 13 March.
    case.apply(&ctx, &event(Role::Reviewer, "2026-03-09T09:00:00+08:00", CaseCommand::Resume))
        .unwrap();
    let extend = CaseCommand::Extend { working_days: 2, reason: "site visit".into() };
    case.apply(&ctx, &event(Role::DepartmentHead, "2026-03-09T10:00:00+08:00", extend)).unwrap();
    let followed = RunStep::new(&graph, &run, &permit).with_case(&case);
    let clock = followed.observe(&cal, at("2026-03-10T09:00:00+08:00")).unwrap().clock.unwrap();
    assert!(!clock.suspended);
    assert_eq!(clock.promised_due.date, d(3, 13));
    assert_eq!(clock.statutory_due.date, d(3, 13));
    // Another case is refused, naming both.
    let other = received(&ctx, "C-2", "2026-03-02T08:30:00+08:00");
    let err =
        RunStep::new(&graph, &run, &permit).with_case(&other).observe(&cal, friday).unwrap_err();
    assert_eq!(err.to_string(), "step permit is handled in case C-1, not in case C-2");
}

/// A step observed with its case counts from the case's acceptance (no
/// clock while the applicant corrects the application), takes an
/// extension granted before the step started, and stops when the case is
/// decided.
#[test]
fn a_graph_step_counts_from_its_case_acceptance_to_its_decision() {
    let (graph, permit) = one_step_graph();
    let cal = WorkCalendar::china();
    let item = permit_item();
    let ctx = CaseContext::new(&item, &cal);
    let mut case = received(&ctx, "C-1", "2026-03-02T09:00:00+08:00");
    let missing = CaseCommand::RequestCorrection { missing: vec!["site plan".into()] };
    case.apply(&ctx, &event(Role::WindowClerk, "2026-03-02T10:00:00+08:00", missing)).unwrap();
    let case_id = case.id().clone();
    let start_at = |when: &str| {
        let mut run = GraphRun::new(&graph, at(when));
        let start = RunCommand::StartStep { step: permit.clone(), case: case_id.clone() };
        run.apply(&graph, &RunEvent::new(actor(Role::Reviewer), at(when), start)).unwrap();
        run
    };
    // The step starts on Monday, while the application is being corrected.
    let early = start_at("2026-03-02T09:30:00+08:00");
    let tuesday = at("2026-03-03T09:00:00+08:00");
    let alone = RunStep::new(&graph, &early, &permit).observe(&cal, tuesday).unwrap();
    assert!(alone.clock.is_some());
    let followed = RunStep::new(&graph, &early, &permit).with_case(&case);
    assert_eq!(followed.observe(&cal, tuesday).unwrap().clock, None, "not accepted yet");
    // Accepted on Wednesday at 09:00: three working days from then.
    case.apply(
        &ctx,
        &event(Role::Applicant, "2026-03-04T09:00:00+08:00", CaseCommand::SubmitCorrection),
    )
    .unwrap();
    case.apply(&ctx, &event(Role::WindowClerk, "2026-03-04T09:00:00+08:00", CaseCommand::Accept))
        .unwrap();
    let thursday = at("2026-03-05T09:00:00+08:00");
    let followed = RunStep::new(&graph, &early, &permit).with_case(&case);
    let clock = followed.observe(&cal, thursday).unwrap().clock.unwrap();
    assert_eq!(clock.started, at("2026-03-04T09:00:00+08:00"));
    assert_eq!(clock.used_seconds, 24 * 3600);
    assert_eq!(clock.promised_due.date, d(3, 9));
    // Extended by two days on Thursday; a step started on Friday takes the
    // extension from its start: five working days, due Friday 13 March.
    case.apply(
        &ctx,
        &event(Role::Reviewer, "2026-03-05T09:00:00+08:00", CaseCommand::StartHandling),
    )
    .unwrap();
    let extend = CaseCommand::Extend { working_days: 2, reason: "site visit".into() };
    case.apply(&ctx, &event(Role::DepartmentHead, "2026-03-05T10:00:00+08:00", extend)).unwrap();
    let late = start_at("2026-03-06T09:00:00+08:00");
    let followed = RunStep::new(&graph, &late, &permit).with_case(&case);
    let clock = followed.observe(&cal, at("2026-03-06T10:00:00+08:00")).unwrap().clock.unwrap();
    assert_eq!(clock.promised_due.date, d(3, 13));
    // Decided on Monday 9 March at 09:00: the step's clock stops with the
    // case's, after Friday 09:00 to Monday 09:00 (one working day).
    let decide = CaseCommand::Conclude { decision: Decision::Approved };
    case.apply(&ctx, &event(Role::Reviewer, "2026-03-09T09:00:00+08:00", decide)).unwrap();
    let followed = RunStep::new(&graph, &late, &permit).with_case(&case);
    let clock = followed.observe(&cal, at("2026-03-11T09:00:00+08:00")).unwrap().clock.unwrap();
    assert!(clock.stopped);
    assert_eq!(clock.used_seconds, 24 * 3600);
    // Stopped, its status says how it ended: by its promised deadline.
    assert_eq!(clock.status, ClockStatus::StoppedOnTime);
}

/// A portal's own subject: a complaint ticket with a feedback deadline, a
/// visit count and perhaps a supervision order of its own.
struct Ticket {
    opened: DateTime<FixedOffset>,
    open: bool,
    cycle: u32,
    visits: u32,
    feedback_due: Option<DateTime<FixedOffset>>,
    order_due: Option<DateTime<FixedOffset>>,
}

impl Ticket {
    fn new(opened: &str) -> Ticket {
        Ticket {
            opened: at(opened),
            open: true,
            cycle: 0,
            visits: 0,
            feedback_due: None,
            order_due: None,
        }
    }
}

impl Supervised for Ticket {
    fn observe(
        &self,
        _: &WorkCalendar,
        _: DateTime<FixedOffset>,
    ) -> Result<Observation, EscalationError> {
        let mut obs = Observation::new(SubjectKind::Ticket, self.opened);
        obs.open = self.open;
        obs.cycle = self.cycle;
        obs.visits = self.visits;
        obs.feedback_due = self.feedback_due;
        obs.order_due = self.order_due;
        Ok(obs)
    }
}

#[test]
fn a_ticket_with_late_feedback_and_many_visits() {
    let cal = WorkCalendar::china();
    let policy = EscalationPolicy::default();
    let mut log = SupervisionLog::new();
    let mut ticket = Ticket::new("2026-03-02T09:00:00+08:00");
    ticket.feedback_due = Some(at("2026-03-05T17:30:00+08:00"));
    ticket.visits = 2;
    // Two visits: nothing; the next thing is the late feedback.
    let now = at("2026-03-04T09:00:00+08:00");
    assert_eq!(step(&policy, &cal, &ticket, &mut log, now), []);
    assert_eq!(next(&policy, &cal, &ticket, &log, now), Some(at("2026-03-05T17:30:01+08:00")));
    // The third visit: a supervision order at once (the special team).
    ticket.visits = 3;
    let fired = step(&policy, &cal, &ticket, &mut log, now);
    assert_eq!(rules(&fired), ["many-visits"]);
    assert_eq!(
        (fired[0].level, fired[0].action, fired[0].due_at),
        (Level::SpecialTeam, Action::SupervisionOrder, now)
    );
    // A fourth visit does not repeat it.
    ticket.visits = 4;
    assert_eq!(step(&policy, &cal, &ticket, &mut log, at("2026-03-05T09:00:00+08:00")), []);
    // Feedback late: a reminder just after the deadline...
    assert_eq!(step(&policy, &cal, &ticket, &mut log, at("2026-03-05T17:30:00+08:00")), []);
    let fired = step(&policy, &cal, &ticket, &mut log, at("2026-03-05T17:30:01+08:00"));
    assert_eq!(rules(&fired), ["feedback-late"]);
    assert_eq!(fired[0].action, Action::Reminder);
    // ...and five working days on (6, 9, 10, 11, 12 March), a supervision
    // order from city supervision.
    let order = at("2026-03-12T00:00:00+08:00");
    assert_eq!(next(&policy, &cal, &ticket, &log, at("2026-03-06T09:00:00+08:00")), Some(order));
    let fired = step(&policy, &cal, &ticket, &mut log, order);
    assert_eq!(rules(&fired), ["feedback-still-late"]);
    assert_eq!(
        (fired[0].level, fired[0].action),
        (Level::CitySupervision, Action::SupervisionOrder)
    );
    assert_eq!(log.level(0), Some(Level::CitySupervision));
    // Case rules need a clock; a ticket has none.
    assert_eq!(next(&policy, &cal, &ticket, &log, order), None);
}

#[test]
fn a_ticket_reopened_starts_a_new_cycle() {
    let cal = WorkCalendar::china();
    let policy = EscalationPolicy::default();
    let mut log = SupervisionLog::new();
    let mut ticket = Ticket::new("2026-03-02T09:00:00+08:00");
    ticket.visits = 3;
    let now = at("2026-03-02T10:00:00+08:00");
    assert_eq!(rules(&step(&policy, &cal, &ticket, &mut log, now)), ["many-visits"]);
    // Closed: nothing, whatever is owed.
    ticket.open = false;
    ticket.feedback_due = Some(at("2026-03-03T00:00:00+08:00"));
    let later = at("2026-03-20T10:00:00+08:00");
    assert_eq!(step(&policy, &cal, &ticket, &mut log, later), []);
    assert_eq!(next(&policy, &cal, &ticket, &log, later), None);
    // Reopened: cycle 1, the same rules fire again, once.
    ticket.open = true;
    ticket.cycle = 1;
    let fired = step(&policy, &cal, &ticket, &mut log, later);
    assert_eq!(rules(&fired), ["feedback-late", "many-visits", "feedback-still-late"]);
    assert!(fired.iter().all(|n| n.cycle == 1));
    assert_eq!(log.level(0), Some(Level::SpecialTeam));
    assert_eq!(log.level(1), Some(Level::CitySupervision));
    assert_eq!(log.level(2), None);
}

#[test]
fn an_ignored_supervision_order_is_a_red_card() {
    let cal = WorkCalendar::china();
    let policy = EscalationPolicy::default();
    let mut log = SupervisionLog::new();
    let mut ticket = Ticket::new("2026-05-06T09:00:00+08:00");
    let now = at("2026-05-06T10:00:00+08:00");
    assert_eq!(next(&policy, &cal, &ticket, &log, now), None);
    ticket.order_due = Some(at("2026-05-08T17:00:00+08:00"));
    assert_eq!(next(&policy, &cal, &ticket, &log, now), Some(at("2026-05-08T17:00:01+08:00")));
    assert_eq!(step(&policy, &cal, &ticket, &mut log, at("2026-05-08T17:00:00+08:00")), []);
    let fired = step(&policy, &cal, &ticket, &mut log, at("2026-05-08T17:00:01+08:00"));
    assert_eq!(rules(&fired), ["order-ignored"]);
    assert_eq!((fired[0].level, fired[0].action), (Level::CitySupervision, Action::RedCard));
    assert_eq!(fired[0].due_at, at("2026-05-08T17:00:01+08:00"));
    // The order watches cases too, through the same observation.
    let mut obs = Observation::new(SubjectKind::Case, at("2026-05-06T09:00:00+08:00"));
    obs.order_due = Some(at("2026-05-08T17:00:00+08:00"));
    let fired = policy
        .evaluate(&obs, &SupervisionLog::new(), &cal, at("2026-05-11T09:00:00+08:00"))
        .unwrap();
    assert_eq!(rules(&fired), ["order-ignored"]);
}

#[test]
fn weekly_meetings_move_off_the_2026_holidays() {
    let cal = WorkCalendar::china();
    let monday = Cadence::Weekly { weekday: Weekday::Mon };
    let next = |c: Cadence, m, day| c.next_on_or_after(&cal, d(m, day)).unwrap();
    assert_eq!(next(monday, 3, 2), d(3, 2));
    assert_eq!(next(monday, 3, 3), d(3, 9));
    // Spring Festival, 15–23 February: the Mondays of the 16th and the
    // 23rd both meet on Tuesday the 24th.
    assert_eq!(next(monday, 2, 10), d(2, 24));
    assert_eq!(next(monday, 2, 24), d(2, 24));
    assert_eq!(next(monday, 2, 25), d(3, 2));
    // Labour Day, 1–5 May: Monday the 4th meets on Wednesday the 6th.
    assert_eq!(next(monday, 4, 28), d(5, 6));
    assert_eq!(next(monday, 5, 6), d(5, 6));
    assert_eq!(next(monday, 5, 7), d(5, 11));
    // National Day, 1–7 October: Monday the 5th meets on Thursday the 8th.
    assert_eq!(next(monday, 9, 29), d(10, 8));
    assert_eq!(next(monday, 10, 9), d(10, 12));
    // A Saturday meeting is always moved, but a make-up Saturday is worked
    // (14 February).
    let saturday = Cadence::Weekly { weekday: Weekday::Sat };
    // Saturday 7 February meets on Monday the 9th.
    assert_eq!(next(saturday, 2, 9), d(2, 9));
    assert_eq!(next(saturday, 2, 10), d(2, 14));
    assert_eq!(next(saturday, 3, 3), d(3, 9));
}

#[test]
fn two_weekly_joint_meetings_keep_their_fortnight() {
    let cal = WorkCalendar::china();
    let joint = Meetings::default().joint;
    assert_eq!(joint, Cadence::Biweekly { weekday: Weekday::Wed, from: d(1, 7) });
    let next = |m, day| joint.next_on_or_after(&cal, d(m, day)).unwrap();
    assert_eq!(next(1, 1), d(1, 7));
    assert_eq!(next(1, 8), d(1, 21));
    // The 18 February meeting falls in the Spring Festival: the 24th.
    assert_eq!(next(2, 5), d(2, 24));
    assert_eq!(next(2, 25), d(3, 4));
    assert_eq!(next(3, 5), d(3, 18));
    // Not on the off Wednesday of 11 March.
    assert_eq!(next(3, 11), d(3, 18));
    // 30 September is worked; 14 October after National Day.
    assert_eq!(next(9, 17), d(9, 30));
    assert_eq!(next(10, 1), d(10, 14));
    // Counting back from a later start works the same.
    let later = Cadence::Biweekly { weekday: Weekday::Wed, from: d(12, 23) };
    assert_eq!(later.next_on_or_after(&cal, d(3, 5)).unwrap(), d(3, 18));
}

#[test]
fn monthly_and_twice_monthly_meetings_move_past_holidays() {
    let cal = WorkCalendar::china();
    let next = |c: Cadence, m, day| c.next_on_or_after(&cal, d(m, day)).unwrap();
    let first = Cadence::Monthly { day: 1 };
    // New Year, 1–3 January: the meeting is on Sunday the 4th, a make-up day.
    assert_eq!(next(first, 1, 1), d(1, 4));
    assert_eq!(next(first, 1, 4), d(1, 4));
    assert_eq!(next(first, 1, 5), d(2, 2));
    assert_eq!(next(first, 4, 2), d(5, 6));
    assert_eq!(next(first, 9, 2), d(10, 8));
    // The meeting of 1 October, moved to the 8th, is still ahead on the 5th.
    assert_eq!(next(first, 10, 5), d(10, 8));
    assert_eq!(next(first, 10, 9), d(11, 2));
    let fifteenth = Cadence::Monthly { day: 15 };
    assert_eq!(next(fifteenth, 2, 1), d(2, 24));
    let tea = Meetings::default().tea;
    assert_eq!(tea, Cadence::TwiceMonthly { first: 10, second: 25 });
    assert_eq!(next(tea, 2, 11), d(2, 25));
    // The 10 January meeting falls on a Saturday: Monday the 12th.
    assert_eq!(next(tea, 1, 11), d(1, 12));
    assert_eq!(next(tea, 1, 13), d(1, 26));
    let halves = Cadence::TwiceMonthly { first: 1, second: 16 };
    // Sunday 1 February meets on Monday the 2nd; the 16th, after the festival.
    assert_eq!(next(halves, 2, 2), d(2, 2));
    assert_eq!(next(halves, 2, 3), d(2, 24));
    assert_eq!(next(halves, 4, 17), d(5, 6));
    assert_eq!(next(halves, 5, 7), d(5, 18));
    assert_eq!(next(halves, 9, 17), d(10, 8));
    assert_eq!(next(halves, 10, 9), d(10, 16));
}

#[test]
fn meetings_beyond_the_calendar_are_an_error() {
    let cal = WorkCalendar::china();
    let err = Cadence::Monthly { day: 1 }.next_on_or_after(&cal, d(12, 2)).unwrap_err();
    assert!(matches!(err, EscalationError::Calendar(_)), "{err:?}");
    let err =
        Cadence::Weekly { weekday: Weekday::Mon }.next_on_or_after(&cal, d(12, 29)).unwrap_err();
    assert!(matches!(err, EscalationError::Calendar(_)), "{err:?}");
    // The last meeting inside the years is fine.
    assert_eq!(
        Cadence::Weekly { weekday: Weekday::Mon }.next_on_or_after(&cal, d(12, 28)).unwrap(),
        d(12, 28)
    );
}

#[test]
fn invalid_cadences_say_what_is_wrong() {
    let cal = WorkCalendar::china();
    let month =
        "meeting cadence month is invalid: the day must be 1-28, so that every month has it";
    let half = "meeting cadence half_month is invalid: the days must be 1-28 and the first before the second";
    let two =
        "meeting cadence two_weeks is invalid: the start date is not on the meeting's weekday";
    for (cadence, message) in [
        (Cadence::Monthly { day: 0 }, month),
        (Cadence::Monthly { day: 29 }, month),
        (Cadence::Monthly { day: 31 }, month),
        (Cadence::TwiceMonthly { first: 16, second: 1 }, half),
        (Cadence::TwiceMonthly { first: 10, second: 10 }, half),
        (Cadence::TwiceMonthly { first: 0, second: 10 }, half),
        (Cadence::TwiceMonthly { first: 1, second: 29 }, half),
        (Cadence::Biweekly { weekday: Weekday::Wed, from: d(1, 8) }, two),
    ] {
        assert_eq!(cadence.check().unwrap_err().to_string(), message, "{cadence:?}");
        let err = cadence.next_on_or_after(&cal, d(3, 2)).unwrap_err();
        assert!(matches!(err, EscalationError::InvalidCadence { .. }), "{err:?}");
        // A policy refuses it in any of its four meetings.
        let mut meetings = Meetings::default();
        meetings.joint = cadence;
        let rules = EscalationPolicy::default().rules().to_vec();
        assert_eq!(EscalationPolicy::new(rules, meetings).unwrap_err().to_string(), message);
    }
    for ok in [
        Cadence::Monthly { day: 1 },
        Cadence::Monthly { day: 28 },
        Cadence::TwiceMonthly { first: 27, second: 28 },
        Cadence::Weekly { weekday: Weekday::Sun },
    ] {
        assert_eq!(ok.check(), Ok(()));
    }
}

fn invalid(name: &str) -> String {
    let path = format!("{}/tests/data/invalid/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap()
}

#[test]
fn bad_policies_are_refused_naming_the_rule() {
    for (file, message) in [
        ("escalation_duplicate_rule.json", "rule yellow-warning is defined twice"),
        ("escalation_percent_101.json", "rule red-warning: share 101% is outside 0-100%"),
        (
            "escalation_thresholds_out_of_order.json",
            "rule red-warning (red_warning) fires at 40%, before the milder rule yellow-warning at 50%",
        ),
        ("escalation_no_subjects.json", "rule feedback-late applies to no subject and can never fire"),
        (
            "escalation_unknown_level.json",
            "rule prompt: unknown level \"mayor\", expected handler, department_head, special_team, city_supervision or accountability",
        ),
        ("escalation_unknown_action.json", "rule prompt: unknown action \"scold\""),
        (
            "escalation_unknown_field.json",
            "unknown field `severity`, expected one of `id`, `trigger`, `level`, `action`, `subjects` at line 8 column 16",
        ),
        (
            "escalation_bad_cadence.json",
            "meeting cadence month is invalid: the day must be 1-28, so that every month has it",
        ),
    ] {
        let err = serde_json::from_str::<EscalationPolicy>(&invalid(file)).unwrap_err();
        assert_eq!(err.to_string(), message, "{file}");
    }
}

#[test]
fn the_same_checks_apply_to_rules_built_in_code() {
    use shenpi::escalation::{Rule, RuleId, Trigger};
    use shenpi::limit::Deadline;
    let id = |s: &str| RuleId::new(s).unwrap();
    let share = |name: &str, deadline, percent, action| {
        Rule::new(id(name), Trigger::ShareUsed { deadline, percent }, Level::Handler, action)
    };
    let check = |rules: Vec<Rule>| {
        EscalationPolicy::new(rules, Meetings::default()).map_err(|e| e.to_string())
    };
    assert_eq!(
        check(vec![
            share("a", Deadline::Promised, 10, Action::Prompt),
            share("a", Deadline::Statutory, 20, Action::Prompt)
        ]),
        Err("rule a is defined twice".into())
    );
    assert_eq!(
        check(vec![share("all", Deadline::Promised, 101, Action::Prompt)]),
        Err("rule all: share 101% is outside 0-100%".into())
    );
    assert_eq!(
        check(vec![
            share("y", Deadline::Statutory, 80, Action::YellowWarning),
            share("r", Deadline::Statutory, 79, Action::RedWarning)
        ]),
        Err("rule r (red_warning) fires at 79%, before the milder rule y at 80%".into())
    );
    assert_eq!(
        check(vec![Rule::new(id("n"), Trigger::OrderIgnored, Level::Handler, Action::RedCard)
            .for_subjects([])]),
        Err("rule n applies to no subject and can never fire".into())
    );
    // Different deadlines are not compared; 0% and 100% are shares.
    assert!(check(vec![
        share("y", Deadline::Promised, 80, Action::YellowWarning),
        share("r", Deadline::Statutory, 50, Action::RedWarning),
        share("zero", Deadline::Promised, 0, Action::Prompt),
        share("all", Deadline::Statutory, 100, Action::RedCard),
    ])
    .is_ok());
    assert_eq!(RuleId::new("  ").unwrap_err(), EscalationError::EmptyRuleId);
    assert_eq!(check(vec![]).map(|_| ()), Ok(()));
}

#[test]
fn the_default_policy_matches_its_golden_file() {
    let policy = EscalationPolicy::default();
    crate::golden::assert_golden("escalation_policy.json", &policy);
    // Meetings default when left out, and subjects default to all kinds.
    let short: EscalationPolicy = serde_json::from_str(
        r#"{"rules": [{"id": "late", "trigger": {"when": "overdue_by", "deadline": "promised", "days": 0}, "level": "department_head", "action": "yellow_card"}]}"#,
    )
    .unwrap();
    assert_eq!(short.meetings(), &Meetings::default());
    assert!(SubjectKind::ALL.iter().all(|&k| short.rules()[0].watches(k)));
}

/// Found by `escalation_props::a_suspended_case_stands_still`. Suspended on
/// Monday 9 March at 09:00 with 120 of 135 hours used (88.9%), the case's
/// share used should stay put. But the budget loses the suspended seconds
/// at once while the deadline moves only by whole working days, so by noon
/// the share is 90.9% and the red warning fires; at 24:00 the deadline
/// (not yet moved) ends and the reminder for "one working day overdue"
/// fires too; a second later the deadline moves to 10 March and the share
/// drops back to 83%.
#[test]
fn a_suspension_near_a_threshold_fires_nothing() {
    let cal = WorkCalendar::china();
    let item = licence(5, 20);
    let ctx = CaseContext::new(&item, &cal);
    let mut case = monday_case(&ctx);
    let policy = EscalationPolicy::default();
    let mut log = SupervisionLog::new();
    let fired = step(&policy, &cal, &case, &mut log, at("2026-03-09T09:00:00+08:00"));
    assert_eq!(rules(&fired), ["prompt", "yellow-warning"]);
    case.apply(
        &ctx,
        &ev(Role::Reviewer, "2026-03-09T09:00:00+08:00", CaseCommand::Suspend { reason: REVIEW }),
    )
    .unwrap();
    for now in ["2026-03-09T12:00:00+08:00", "2026-03-10T00:00:00+08:00"] {
        let now = at(now);
        let obs = case.observe(&cal, now).unwrap();
        assert_eq!(
            rules(&policy.evaluate(&obs, &log, &cal, now).unwrap()),
            Vec::<&str>::new(),
            "{now}"
        );
    }
}

/// Outside the calendar's years a sweep fails as observing does, with the
/// same typed error, prepared or not; and a case prepared on a calendar
/// that does not cover its start keeps nothing and reads as before.
#[test]
fn a_sweep_outside_the_calendar_fails_as_observing_does() {
    let cal = WorkCalendar::china();
    let item = licence(5, 20);
    let ctx = CaseContext::new(&item, &cal);
    let mut case = monday_case(&ctx);
    let policy = EscalationPolicy::default();
    let late = at("2027-03-02T09:00:00+08:00");
    let want = case.observe(&cal, late).unwrap_err();
    assert_eq!(policy.sweep(&cal, late).observe(&case).unwrap_err(), want);
    case.prepare(&cal);
    assert_eq!(policy.sweep(&cal, late).observe(&case).unwrap_err(), want);
    let mut out = Vec::new();
    let err = policy.sweep(&cal, late).check_into(&case, &SupervisionLog::new(), &mut out);
    assert_eq!(err.unwrap_err(), want);
    assert!(out.is_empty());
    assert!(want.to_string().contains("2027"), "{want}");

    // A calendar of 2027 only does not cover the start: nothing is kept.
    let only_2027 = WorkCalendar::builder(2027..=2027).build().unwrap();
    let mut elsewhere = monday_case(&ctx);
    elsewhere.prepare(&only_2027);
    let now = at("2026-03-05T09:00:00+08:00");
    assert_eq!(
        elsewhere.observe(&cal, now).unwrap(),
        monday_case(&ctx).observe(&cal, now).unwrap()
    );
    assert_eq!(
        elsewhere.observe(&only_2027, now).unwrap_err(),
        monday_case(&ctx).observe(&only_2027, now).unwrap_err()
    );
}
