//! Cases: worked examples from the Administrative Licensing Law, refusals,
//! the transition table, and the wire format of cases and events.

use chrono::{DateTime, FixedOffset, NaiveDate};
use shenpi::calendar::WorkCalendar;
use shenpi::case::{
    default_policy, transition_table, Case, CaseCommand, CaseCommandKind, CaseContext, CaseError,
    CaseEvent, CaseId, CaseState, CaseStateKind, Decision, Resumable,
};
use shenpi::catalog::{ApprovalItem, CaseKind, DepartmentId, ItemCode};
use shenpi::limit::{ClockStatus, SpecialProcedure, SuspensionKind, Thresholds, TimeLimit};
use shenpi::machine::{Actor, ActorId, Named, Role};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn licence(code: &str, promised: u32, statutory: u32) -> ApprovalItem {
    ApprovalItem::builder(
        ItemCode::new(code).unwrap(),
        "行政许可",
        DepartmentId::new("county-bureau").unwrap(),
    )
    .statutory(TimeLimit::working_days(statutory))
    .promised(TimeLimit::working_days(promised))
    .special_procedures([SpecialProcedure::ExpertReview])
    .build()
    .unwrap()
}

fn instant_item() -> ApprovalItem {
    ApprovalItem::builder(
        ItemCode::new("HJ-001").unwrap(),
        "户籍证明",
        DepartmentId::new("public-security").unwrap(),
    )
    .case_kind(CaseKind::Instant)
    .statutory(TimeLimit::working_days(20))
    .promised(TimeLimit::working_days(0))
    .build()
    .unwrap()
}

fn who(role: Role) -> Actor {
    let id = match role {
        Role::Applicant => "applicant",
        Role::Agent => "agent",
        Role::WindowClerk => "clerk",
        Role::Reviewer => "reviewer",
        Role::DepartmentHead => "head",
        Role::SpecialTeam => "team",
        Role::Supervisor => "supervisor",
        Role::GovernmentHead => "government-head",
    };
    Actor::new(ActorId::new(id).unwrap(), role)
}

fn ev(role: Role, when: &str, command: CaseCommand) -> CaseEvent {
    CaseEvent::new(who(role), at(when), command)
}

fn open(ctx: &CaseContext<'_>, when: &str) -> Case {
    Case::receive(
        CaseId::new("C-1").unwrap(),
        ctx,
        &ev(Role::Applicant, when, CaseCommand::Receive),
    )
    .unwrap()
    .0
}

const REVIEW: SuspensionKind =
    SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::ExpertReview };

/// A 20-day licence (art. 42) with a correction before acceptance, an
/// expert review during review (art. 45), and a 10-day extension.
fn licence_history() -> Vec<CaseEvent> {
    vec![
        ev(Role::Applicant, "2026-03-02T09:00:00+08:00", CaseCommand::Receive),
        ev(
            Role::WindowClerk,
            "2026-03-03T10:00:00+08:00",
            CaseCommand::RequestCorrection { missing: vec!["business licence copy".into()] },
        ),
        ev(Role::Applicant, "2026-03-05T10:00:00+08:00", CaseCommand::SubmitCorrection),
        ev(Role::WindowClerk, "2026-03-05T11:00:00+08:00", CaseCommand::Accept),
        ev(Role::Reviewer, "2026-03-06T09:00:00+08:00", CaseCommand::StartHandling),
        ev(Role::Reviewer, "2026-03-16T09:00:00+08:00", CaseCommand::Suspend { reason: REVIEW }),
        ev(Role::Reviewer, "2026-03-20T17:00:00+08:00", CaseCommand::Resume),
        ev(
            Role::DepartmentHead,
            "2026-04-01T09:00:00+08:00",
            CaseCommand::Extend { working_days: 10, reason: "complex site conditions".into() },
        ),
        ev(
            Role::Reviewer,
            "2026-04-14T16:00:00+08:00",
            CaseCommand::Conclude { decision: Decision::Approved },
        ),
        ev(Role::WindowClerk, "2026-04-15T09:00:00+08:00", CaseCommand::Deliver),
    ]
}

#[test]
fn a_twenty_day_licence_with_correction_review_and_extension() {
    let calendar = WorkCalendar::china();
    let item = licence("XK-001", 20, 20);
    let ctx = CaseContext::new(&item, &calendar);
    let history = licence_history();
    let (mut case, _) = Case::receive(CaseId::new("C-1").unwrap(), &ctx, &history[0]).unwrap();
    let mut steps = Vec::new();
    for event in &history[1..] {
        let t = case.apply(&ctx, event).unwrap();
        steps.push((t.from, t.command, t.to));
    }
    use CaseCommandKind as K;
    use CaseStateKind as S;
    assert_eq!(
        steps,
        [
            (S::Received, K::RequestCorrection, S::CorrectionRequested),
            (S::CorrectionRequested, K::SubmitCorrection, S::Corrected),
            (S::Corrected, K::Accept, S::Accepted),
            (S::Accepted, K::StartHandling, S::Handling),
            (S::Handling, K::Suspend, S::Suspended),
            (S::Suspended, K::Resume, S::Handling),
            (S::Handling, K::Extend, S::Extended),
            (S::Extended, K::Conclude, S::Concluded),
            (S::Concluded, K::Deliver, S::Delivered),
        ]
    );
    assert_eq!(case.state().status_code(), 11);
    // The clock started at acceptance on 5 March. 20 working days after is
    // 2 April; the expert review pushes it by the working days in
    // (16 March, 20 March], four of them, to 9 April (Qingming, 4-6 April,
    // is a holiday); the extension adds 10 more: 23 April.
    let outcome = case.outcome(&calendar).unwrap().unwrap();
    assert_eq!(outcome.accepted_at, at("2026-03-05T11:00:00+08:00"));
    assert_eq!(outcome.statutory_due.date, d(2026, 4, 23));
    assert_eq!(outcome.promised_due.date, d(2026, 4, 23));
    // Working days from 5 March to 14 April: 27, less the 4 suspended.
    assert_eq!(calendar.working_days_between(d(2026, 3, 5), d(2026, 4, 14)).unwrap(), 27);
    assert_eq!(outcome.actual_working_days, 23);
    assert_eq!(outcome.extension_days, 10);
    assert!(outcome.on_time);
    assert_eq!(outcome.overdue_working_days, 0);
    // Without the extension, the 14 April decision would have been late.
    let reading = case.reading(&calendar, at("2026-03-31T09:00:00+08:00"), &Thresholds::default());
    assert_eq!(reading.unwrap().unwrap().statutory_due.date, d(2026, 4, 9));
    // Replay gives the same case.
    assert_eq!(Case::replay(CaseId::new("C-1").unwrap(), &ctx, &history).unwrap(), case);
}

#[test]
fn a_late_correction_notice_counts_as_acceptance_on_receipt() {
    let calendar = WorkCalendar::china();
    let item = licence("XK-002", 5, 20);
    let ctx = CaseContext::new(&item, &calendar);
    let mut case = open(&ctx, "2026-03-02T09:00:00+08:00");
    let notice = || CaseCommand::RequestCorrection { missing: vec!["site plan".into()] };
    // Five working days after receipt is still in time...
    let mut in_time = case.clone();
    let t =
        in_time.apply(&ctx, &ev(Role::WindowClerk, "2026-03-09T17:00:00+08:00", notice())).unwrap();
    assert_eq!(t.to, CaseStateKind::CorrectionRequested);
    assert!(!in_time.is_deemed_accepted());
    // ...the sixth is not (art. 32): the case counts as accepted on receipt.
    let t =
        case.apply(&ctx, &ev(Role::WindowClerk, "2026-03-10T09:00:00+08:00", notice())).unwrap();
    assert_eq!((t.from, t.to), (CaseStateKind::Received, CaseStateKind::Accepted));
    assert!(case.is_deemed_accepted());
    assert_eq!(case.accepted_at(), Some(at("2026-03-02T09:00:00+08:00")));
    let reading = case
        .reading(&calendar, at("2026-03-10T09:00:00+08:00"), &Thresholds::default())
        .unwrap()
        .unwrap();
    assert_eq!(reading.promised_due.date, d(2026, 3, 9));
    assert_eq!(reading.status, ClockStatus::YellowCard);
    // A place with a shorter window.
    let strict = CaseContext::new(&item, &calendar).with_correction_notice_days(1);
    let mut case = open(&strict, "2026-03-02T09:00:00+08:00");
    case.apply(&strict, &ev(Role::WindowClerk, "2026-03-04T09:00:00+08:00", notice())).unwrap();
    assert!(case.is_deemed_accepted());
}

#[test]
fn an_instant_case_is_decided_on_the_spot_the_same_day() {
    let calendar = WorkCalendar::china();
    let item = instant_item();
    let ctx = CaseContext::new(&item, &calendar);
    let mut case = open(&ctx, "2026-03-02T09:00:00+08:00");
    let decide = CaseCommand::ConcludeOnTheSpot { decision: Decision::Approved };
    // Not the next day.
    let mut late = case.clone();
    let err = late.apply(&ctx, &ev(Role::WindowClerk, "2026-03-03T09:00:00+08:00", decide.clone()));
    assert!(matches!(err, Err(CaseError::NotSameDay { .. })), "{err:?}");
    assert_eq!(late, case);
    let t = case.apply(&ctx, &ev(Role::WindowClerk, "2026-03-02T09:12:00+08:00", decide)).unwrap();
    assert_eq!((t.from, t.to), (CaseStateKind::Received, CaseStateKind::Concluded));
    let outcome = case.outcome(&calendar).unwrap().unwrap();
    assert!(outcome.on_time);
    assert_eq!(outcome.actual_working_days, 0);
    assert!(outcome.actual_fraction < 0.01, "{}", outcome.actual_fraction);
    // A promised item cannot be decided on the spot.
    let promised = item_for_spot_refusal();
    let ctx = CaseContext::new(&promised, &calendar);
    let mut case = open(&ctx, "2026-03-02T09:00:00+08:00");
    let err = case.apply(
        &ctx,
        &ev(
            Role::WindowClerk,
            "2026-03-02T09:10:00+08:00",
            CaseCommand::ConcludeOnTheSpot { decision: Decision::Approved },
        ),
    );
    assert!(matches!(err, Err(CaseError::NotInstant { .. })), "{err:?}");
}

fn item_for_spot_refusal() -> ApprovalItem {
    licence("XK-003", 5, 20)
}

#[test]
fn a_denial_and_what_it_allows() {
    let calendar = WorkCalendar::china();
    let item = licence("XK-004", 5, 20);
    let ctx = CaseContext::new(&item, &calendar);
    let mut case = open(&ctx, "2026-03-02T09:00:00+08:00");
    for e in [
        ev(Role::WindowClerk, "2026-03-02T09:30:00+08:00", CaseCommand::Accept),
        ev(Role::Reviewer, "2026-03-02T10:00:00+08:00", CaseCommand::StartHandling),
        ev(
            Role::Reviewer,
            "2026-03-11T15:00:00+08:00",
            CaseCommand::Conclude { decision: Decision::Denied },
        ),
    ] {
        case.apply(&ctx, &e).unwrap();
    }
    assert_eq!(case.state().status_code(), 13);
    let outcome = case.outcome(&calendar).unwrap().unwrap();
    assert_eq!(outcome.decision, Decision::Denied);
    // Promised by 9 March; decided on 11 March, two working days late.
    assert!(!outcome.on_time);
    assert!(outcome.within_statutory);
    assert_eq!(outcome.overdue_working_days, 2);
    // A denial cannot be recalled.
    let err = case.apply(
        &ctx,
        &ev(
            Role::DepartmentHead,
            "2026-03-12T09:00:00+08:00",
            CaseCommand::Recall { reason: "x".into() },
        ),
    );
    assert!(
        matches!(err, Err(CaseError::NotApproved { decision: Decision::Denied, .. })),
        "{err:?}"
    );
    // But it is delivered.
    case.apply(&ctx, &ev(Role::WindowClerk, "2026-03-12T09:00:00+08:00", CaseCommand::Deliver))
        .unwrap();
    assert_eq!(case.state(), &CaseState::Delivered { decision: Decision::Denied });
}

#[test]
fn a_recall_after_delivery() {
    let calendar = WorkCalendar::china();
    let item = licence("XK-005", 5, 20);
    let ctx = CaseContext::new(&item, &calendar);
    let mut case = open(&ctx, "2026-03-02T09:00:00+08:00");
    for e in [
        ev(Role::WindowClerk, "2026-03-02T09:30:00+08:00", CaseCommand::Accept),
        ev(
            Role::Reviewer,
            "2026-03-03T10:00:00+08:00",
            CaseCommand::Conclude { decision: Decision::ApprovedWithDeficiency },
        ),
        ev(Role::WindowClerk, "2026-03-04T09:00:00+08:00", CaseCommand::Deliver),
    ] {
        case.apply(&ctx, &e).unwrap();
    }
    assert_eq!(case.state().status_code(), 12);
    let recall = CaseCommand::Recall { reason: "the law it rested on was amended".into() };
    // The reviewer may not recall; the department head may.
    let err = case.apply(&ctx, &ev(Role::Reviewer, "2026-06-01T09:00:00+08:00", recall.clone()));
    assert!(matches!(err, Err(CaseError::RoleNotAllowed { role: Role::Reviewer, .. })), "{err:?}");
    let t =
        case.apply(&ctx, &ev(Role::DepartmentHead, "2026-06-01T09:00:00+08:00", recall)).unwrap();
    assert_eq!(t.to, CaseStateKind::Recalled);
    assert_eq!(case.state().status_code(), 14);
    // Nothing more happens to a recalled case.
    for command in
        [CaseCommand::Deliver, CaseCommand::Withdraw, CaseCommand::Revoke { reason: "y".into() }]
    {
        let role = match command.kind() {
            CaseCommandKind::Withdraw => Role::Applicant,
            CaseCommandKind::Deliver => Role::WindowClerk,
            _ => Role::DepartmentHead,
        };
        let err = case.apply(&ctx, &ev(role, "2026-06-02T09:00:00+08:00", command)).unwrap_err();
        assert!(
            matches!(err, CaseError::NotAllowed { state: CaseStateKind::Recalled, .. }),
            "{err}"
        );
    }
}

#[test]
fn refusals_name_what_is_wrong_and_change_nothing() {
    let calendar = WorkCalendar::china();
    let item = licence("XK-006", 5, 20);
    let ctx = CaseContext::new(&item, &calendar);
    let mut case = open(&ctx, "2026-03-02T09:00:00+08:00");
    case.apply(&ctx, &ev(Role::WindowClerk, "2026-03-02T09:30:00+08:00", CaseCommand::Accept))
        .unwrap();
    case.apply(&ctx, &ev(Role::Reviewer, "2026-03-02T10:00:00+08:00", CaseCommand::StartHandling))
        .unwrap();
    let before = case.clone();
    let mut check = |event: CaseEvent, message: &str| {
        let err = case.apply(&ctx, &event).unwrap_err();
        assert_eq!(err.to_string(), message);
        assert_eq!(case, before, "{message}");
    };
    check(
        ev(Role::Reviewer, "2026-03-02T09:59:00+08:00", CaseCommand::Resume),
        "command at 2026-03-02 09:59:00 +08:00 is before the case's last event at 2026-03-02 10:00:00 +08:00",
    );
    check(
        ev(Role::Reviewer, "2026-03-03T09:00:00+08:00", CaseCommand::Resume),
        "command resume is not allowed in state handling",
    );
    check(
        ev(
            Role::Reviewer,
            "2026-03-03T09:00:00+08:00",
            CaseCommand::Suspend {
                reason: SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::Hearing },
            },
        ),
        "item XK-006 does not allow the special procedure hearing",
    );
    check(
        ev(
            Role::DepartmentHead,
            "2026-03-03T09:00:00+08:00",
            CaseCommand::Extend { working_days: 11, reason: "r".into() },
        ),
        "extension of 11 working days exceeds the allowance: 0 of 10 already used",
    );
    check(
        ev(
            Role::DepartmentHead,
            "2026-03-03T09:00:00+08:00",
            CaseCommand::Extend { working_days: 5, reason: " ".into() },
        ),
        "command extend needs a written reason",
    );
    check(
        ev(
            Role::DepartmentHead,
            "2026-03-03T09:00:00+08:00",
            CaseCommand::Extend { working_days: 0, reason: "r".into() },
        ),
        "an extension must add at least one working day",
    );
    check(
        ev(
            Role::Reviewer,
            "2026-03-03T09:00:00+08:00",
            CaseCommand::Extend { working_days: 5, reason: "r".into() },
        ),
        "role reviewer may not issue command extend",
    );
    check(
        ev(
            Role::Reviewer,
            "2027-03-03T09:00:00+08:00",
            CaseCommand::Conclude { decision: Decision::Approved },
        ),
        "date 2027-03-03 is outside the covered years 2004..=2026",
    );
    // Extensions add up against the allowance.
    case.apply(
        &ctx,
        &ev(
            Role::DepartmentHead,
            "2026-03-03T09:00:00+08:00",
            CaseCommand::Extend { working_days: 6, reason: "r".into() },
        ),
    )
    .unwrap();
    let err = case
        .apply(
            &ctx,
            &ev(
                Role::DepartmentHead,
                "2026-03-04T09:00:00+08:00",
                CaseCommand::Extend { working_days: 5, reason: "r".into() },
            ),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "extension of 5 working days exceeds the allowance: 6 of 10 already used"
    );
    // Another item's context is refused.
    let other = licence("XK-999", 5, 20);
    let other_ctx = CaseContext::new(&other, &calendar);
    let err = case
        .apply(&other_ctx, &ev(Role::Reviewer, "2026-03-05T09:00:00+08:00", CaseCommand::Resume));
    assert!(matches!(err, Err(CaseError::WrongItem { .. })), "{err:?}");
}

#[test]
fn suspension_returns_to_where_it_left() {
    let calendar = WorkCalendar::china();
    let item = licence("XK-007", 5, 20);
    let ctx = CaseContext::new(&item, &calendar);
    let mut case = open(&ctx, "2026-03-02T09:00:00+08:00");
    for e in [
        ev(Role::WindowClerk, "2026-03-02T09:30:00+08:00", CaseCommand::Accept),
        ev(Role::Reviewer, "2026-03-02T10:00:00+08:00", CaseCommand::StartHandling),
        ev(
            Role::DepartmentHead,
            "2026-03-03T09:00:00+08:00",
            CaseCommand::Extend { working_days: 3, reason: "r".into() },
        ),
        ev(
            Role::Reviewer,
            "2026-03-04T09:00:00+08:00",
            CaseCommand::Suspend { reason: SuspensionKind::Correction },
        ),
    ] {
        case.apply(&ctx, &e).unwrap();
    }
    assert_eq!(
        case.state(),
        &CaseState::Suspended {
            reason: SuspensionKind::Correction,
            resume_to: Resumable::Extended
        }
    );
    assert_eq!(case.state().status_code(), 6);
    let t = case
        .apply(&ctx, &ev(Role::Reviewer, "2026-03-05T09:00:00+08:00", CaseCommand::Resume))
        .unwrap();
    assert_eq!(t.to, CaseStateKind::Extended);
    // Withdrawal stops the clock.
    case.apply(&ctx, &ev(Role::Agent, "2026-03-06T09:00:00+08:00", CaseCommand::Withdraw)).unwrap();
    assert_eq!(case.clock().unwrap().stopped(), Some(at("2026-03-06T09:00:00+08:00")));
    assert_eq!(case.outcome(&calendar).unwrap(), None);
}

#[test]
fn replay_reports_the_refused_event() {
    let calendar = WorkCalendar::china();
    let item = licence("XK-001", 20, 20);
    let ctx = CaseContext::new(&item, &calendar);
    let mut history = licence_history();
    history.swap(3, 4);
    let err = Case::replay(CaseId::new("C-1").unwrap(), &ctx, &history).unwrap_err();
    assert_eq!(err.to_string(), "event 3 of the history was refused");
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert_eq!(source, "command start_handling is not allowed in state corrected");
    let err = Case::replay(CaseId::new("C-1").unwrap(), &ctx, &history[1..]).unwrap_err();
    assert!(
        matches!(
            err,
            CaseError::FirstEventNotReceive { command: CaseCommandKind::RequestCorrection, .. }
        ),
        "{err}"
    );
}

#[test]
fn the_table_names_every_state_and_command() {
    let table = transition_table();
    let states = table.states();
    for kind in CaseStateKind::ALL {
        assert!(states.contains(&kind), "{kind} missing from the table");
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
    }
    let commands = table.commands();
    for kind in CaseCommandKind::ALL {
        // Receive opens a case; it is the arrow into the initial state.
        assert!(kind == CaseCommandKind::Receive || commands.contains(&kind), "{kind}");
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        assert!(default_policy().roles(kind).next().is_some(), "{kind} has no role");
    }
    let mermaid = table.to_mermaid();
    let path = format!("{}/tests/data/golden/case_lifecycle.mmd", env!("CARGO_MANIFEST_DIR"));
    let fixture = std::fs::read_to_string(path).unwrap();
    assert_eq!(mermaid.trim_end(), fixture.trim_end());
}

#[test]
fn golden_json_case_and_history() {
    let calendar = WorkCalendar::china();
    let item = licence("XK-001", 20, 20);
    let ctx = CaseContext::new(&item, &calendar);
    let history = licence_history();
    let case = Case::replay(CaseId::new("C-1").unwrap(), &ctx, &history).unwrap();
    let dir = format!("{}/tests/data/golden", env!("CARGO_MANIFEST_DIR"));
    let history_json = std::fs::read_to_string(format!("{dir}/case_history.json")).unwrap();
    assert_eq!(serde_json::to_string_pretty(&history).unwrap(), history_json.trim_end());
    let decoded: Vec<CaseEvent> = serde_json::from_str(&history_json).unwrap();
    assert_eq!(decoded, history);
    crate::golden::assert_golden("case.json", &case);
    // The promised-versus-actual record of the decided case.
    let outcome = case.outcome(&calendar).unwrap().unwrap();
    crate::golden::assert_golden("case_outcome.json", &outcome);
    // Its reading after the decision: a final status, and the delivery.
    let reading = case
        .reading(&calendar, at("2026-04-20T09:00:00+08:00"), &Thresholds::default())
        .unwrap()
        .unwrap();
    crate::golden::assert_golden("case_reading.json", &reading);
}

#[test]
fn inconsistent_snapshots_are_refused() {
    let calendar = WorkCalendar::china();
    let item = licence("XK-001", 20, 20);
    let ctx = CaseContext::new(&item, &calendar);
    let case = Case::replay(CaseId::new("C-1").unwrap(), &ctx, &licence_history()).unwrap();
    let good = serde_json::to_value(&case).unwrap();
    let broken = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut value = good.clone();
        edit(&mut value);
        serde_json::from_value::<Case>(value).unwrap_err().to_string()
    };
    assert!(broken(&|v| v["state"] = serde_json::json!({"kind": "received"}))
        .contains("a clock on a case never accepted"));
    assert!(broken(&|v| v["concluded_at"] = serde_json::Value::Null).contains("concluded_at"));
    assert!(broken(&|v| v["accepted_at"] = serde_json::json!("2026-03-05T12:00:00+08:00"))
        .contains("accepted_at differs"));
    assert!(broken(&|v| v["last_event_at"] = serde_json::json!("2026-03-02T09:00:00+08:00"))
        .contains("last_event_at"));
    assert!(broken(&|v| v["id"] = serde_json::json!("")).contains("case id must not be empty"));
    assert!(broken(&|v| v["state"] = serde_json::json!({"kind": "suspended", "reason": {"kind": "correction"}, "resume_to": "handling"})).contains("suspended without a matching suspension"));
}

/// 行政许可法 art. 42(1): an extension is granted while the limit runs. A
/// 20-working-day licence accepted on Monday 2 March 2026 is due on Monday
/// 30 March: an extension that day is granted, one on Tuesday 31 March is
/// refused and leaves the case as it was.
#[test]
fn art42_an_extension_after_the_statutory_deadline_is_refused() {
    let item = licence("XK-42", 20, 20);
    let cal = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &cal);
    let extend = |when| {
        ev(
            Role::DepartmentHead,
            when,
            CaseCommand::Extend { working_days: 10, reason: "专家论证未完成".into() },
        )
    };
    let mut case = open(&ctx, "2026-03-02T09:00:00+08:00");
    case.apply(&ctx, &ev(Role::WindowClerk, "2026-03-02T09:30:00+08:00", CaseCommand::Accept))
        .unwrap();
    case.apply(&ctx, &ev(Role::Reviewer, "2026-03-02T10:00:00+08:00", CaseCommand::StartHandling))
        .unwrap();
    let before = case.clone();
    let err = case.apply(&ctx, &extend("2026-03-31T09:00:00+08:00")).unwrap_err();
    assert!(
        matches!(err, CaseError::ExtensionAfterDeadline { at, due, .. } if at == d(2026, 3, 31) && due == d(2026, 3, 30)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "an extension on 2026-03-31 comes after the statutory deadline of 2026-03-30 has passed: \
         art. 42 allows one only while the limit runs"
    );
    assert_eq!(case, before);
    // On the last day itself, late in the evening, it is granted.
    case.apply(&ctx, &extend("2026-03-30T22:00:00+08:00")).unwrap();
    let r = case.reading(&cal, at("2026-03-31T09:00:00+08:00"), &Thresholds::default()).unwrap();
    assert_eq!(r.unwrap().statutory_due.date, d(2026, 4, 14));
}

/// 行政许可法 art. 42(2): the 15 days of a joint case are granted by the
/// head of the people's government at that level, not a department head.
#[test]
fn art42_the_joint_extension_is_the_government_heads() {
    let item = ApprovalItem::builder(
        ItemCode::new("JS-45").unwrap(),
        "施工图联合审查",
        DepartmentId::new("housing").unwrap(),
    )
    .case_kind(CaseKind::Joint)
    .statutory(TimeLimit::working_days(45))
    .promised(TimeLimit::working_days(30))
    .build()
    .unwrap();
    assert_eq!(item.extension(), TimeLimit::working_days(15));
    let cal = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &cal);
    let extend = |role| {
        ev(
            role,
            "2026-03-10T09:00:00+08:00",
            CaseCommand::Extend { working_days: 15, reason: "联合审查需补充论证".into() },
        )
    };
    let mut case = open(&ctx, "2026-03-02T09:00:00+08:00");
    case.apply(&ctx, &ev(Role::WindowClerk, "2026-03-02T09:30:00+08:00", CaseCommand::Accept))
        .unwrap();
    case.apply(&ctx, &ev(Role::Reviewer, "2026-03-02T10:00:00+08:00", CaseCommand::StartHandling))
        .unwrap();
    let before = case.clone();
    let err = case.apply(&ctx, &extend(Role::DepartmentHead)).unwrap_err();
    assert!(
        matches!(err, CaseError::ExtensionGrantor { required: Role::GovernmentHead, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("government head (art. 42(2)), not by department head"),
        "{err}"
    );
    assert_eq!(case, before);
    case.apply(&ctx, &extend(Role::GovernmentHead)).unwrap();
    assert_eq!(case.clock().unwrap().extension_days(), 15);
    // A portal whose government delegated it says so.
    let delegated = CaseContext::new(&item, &cal).with_joint_extension_by(Role::DepartmentHead);
    let mut other = before.clone();
    other.apply(&delegated, &extend(Role::DepartmentHead)).unwrap();
    // An ordinary item's extension stays the department head's.
    let plain = licence("XK-43", 20, 20);
    let ctx = CaseContext::new(&plain, &cal);
    let mut case = open(&ctx, "2026-03-02T09:00:00+08:00");
    case.apply(&ctx, &ev(Role::WindowClerk, "2026-03-02T09:30:00+08:00", CaseCommand::Accept))
        .unwrap();
    case.apply(&ctx, &ev(Role::Reviewer, "2026-03-02T10:00:00+08:00", CaseCommand::StartHandling))
        .unwrap();
    case.apply(
        &ctx,
        &ev(
            Role::DepartmentHead,
            "2026-03-10T09:00:00+08:00",
            CaseCommand::Extend { working_days: 10, reason: "需要现场核查".into() },
        ),
    )
    .unwrap();
}

/// A finished case's status is final: a case decided on its fourth day of
/// five reads "stopped on time" from then on, never a yellow warning, and
/// escalation leaves it alone; one decided late says so.
#[test]
fn a_finished_case_reads_how_it_ended() {
    use shenpi::escalation::{EscalationPolicy, Supervised, SupervisionLog};
    let item = licence("XK-5", 5, 20);
    let cal = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &cal);
    let decided = |when: &str| {
        let mut case = open(&ctx, "2026-03-02T09:00:00+08:00");
        for (role, at, command) in [
            (Role::WindowClerk, "2026-03-02T09:30:00+08:00", CaseCommand::Accept),
            (Role::Reviewer, "2026-03-02T10:00:00+08:00", CaseCommand::StartHandling),
            (Role::Reviewer, when, CaseCommand::Conclude { decision: Decision::Approved }),
        ] {
            case.apply(&ctx, &ev(role, at, command)).unwrap();
        }
        case
    };
    let status = |case: &Case, now: &str| {
        case.reading(&cal, at(now), &Thresholds::default()).unwrap().unwrap().status
    };
    let on_time = decided("2026-03-06T10:00:00+08:00");
    // Just before the decision, 80% of the promise was used.
    assert_eq!(status(&on_time, "2026-03-06T09:00:00+08:00"), ClockStatus::YellowWarning);
    for now in
        ["2026-03-06T10:00:00+08:00", "2026-03-20T09:00:00+08:00", "2026-05-01T09:00:00+08:00"]
    {
        assert_eq!(status(&on_time, now), ClockStatus::StoppedOnTime, "{now}");
    }
    // Settled: no clock rule fires again, only the delivery reminder
    // (行政许可法 art. 44) while the decision is not delivered.
    let now = at("2026-05-01T09:00:00+08:00");
    let obs = on_time.observe(&cal, now).unwrap();
    assert!(obs.clock.is_none());
    let notices =
        EscalationPolicy::default().evaluate(&obs, &SupervisionLog::new(), &cal, now).unwrap();
    let ids: Vec<&str> = notices.iter().map(|n| n.rule.as_str()).collect();
    assert_eq!(ids, ["delivery-late"]);
    // Late against the promise (due 9 March), within the law (30 March).
    assert_eq!(
        status(&decided("2026-03-12T10:00:00+08:00"), "2026-04-01T09:00:00+08:00"),
        ClockStatus::StoppedLate
    );
    // Past the statutory limit too.
    assert_eq!(
        status(&decided("2026-03-31T10:00:00+08:00"), "2026-04-01T09:00:00+08:00"),
        ClockStatus::StoppedPastStatutory
    );
    assert_eq!(serde_json::to_string(&ClockStatus::StoppedLate).unwrap(), r#""stopped_late""#);
}

/// 行政许可法 art. 32: a complete application left at the window past the
/// 5-working-day window. Received Monday 2 March 2026, accepted Tuesday
/// 10 March (6 working days later): by default the clock counts from
/// receipt, as a late correction notice would; a portal may count from the
/// acceptance instead. Either way the case and its outcome say it was
/// accepted late.
#[test]
fn art32_a_late_acceptance_counts_from_receipt_by_default() {
    use shenpi::case::LateAcceptance;
    let item = licence("XK-32", 5, 20);
    let cal = WorkCalendar::china();
    let play = |ctx: &CaseContext<'_>, accept: &str| {
        let mut case = open(ctx, "2026-03-02T09:00:00+08:00");
        case.apply(ctx, &ev(Role::WindowClerk, accept, CaseCommand::Accept)).unwrap();
        case
    };
    let ctx = CaseContext::new(&item, &cal);
    // On the fifth working day it is on time.
    let in_time = play(&ctx, "2026-03-09T16:00:00+08:00");
    assert!(!in_time.is_accepted_late());
    assert_eq!(in_time.accepted_at(), Some(at("2026-03-09T16:00:00+08:00")));
    let late = play(&ctx, "2026-03-10T09:00:00+08:00");
    assert!(late.is_accepted_late());
    assert_eq!(late.accepted_at(), Some(at("2026-03-02T09:00:00+08:00")));
    let r = late.reading(&cal, at("2026-03-10T10:00:00+08:00"), &Thresholds::default()).unwrap();
    assert_eq!(r.unwrap().promised_due.date, d(2026, 3, 9), "5 working days from receipt");
    let ctx_click =
        CaseContext::new(&item, &cal).with_late_acceptance(LateAcceptance::FromAcceptance);
    let counted = play(&ctx_click, "2026-03-10T09:00:00+08:00");
    assert!(counted.is_accepted_late());
    assert_eq!(counted.accepted_at(), Some(at("2026-03-10T09:00:00+08:00")));
    // The outcome keeps the flag, and the stored case too.
    let mut decided = late.clone();
    decided
        .apply(&ctx, &ev(Role::Reviewer, "2026-03-11T09:00:00+08:00", CaseCommand::StartHandling))
        .unwrap();
    decided
        .apply(
            &ctx,
            &ev(
                Role::Reviewer,
                "2026-03-12T09:00:00+08:00",
                CaseCommand::Conclude { decision: Decision::Approved },
            ),
        )
        .unwrap();
    assert!(decided.outcome(&cal).unwrap().unwrap().accepted_late);
    let json = serde_json::to_value(&decided).unwrap();
    assert_eq!(json["accepted_late"], true);
    assert_eq!(serde_json::from_value::<Case>(json).unwrap(), decided);
}

/// 行政许可法 art. 44: the licence is issued and delivered within 10 working
/// days of the decision (or the item's own limit). Decided on Wednesday
/// 4 March 2026, delivery is due on Wednesday 18 March.
#[test]
fn art44_delivery_is_due_ten_working_days_after_the_decision() {
    use shenpi::limit::DeliveryStatus;
    let cal = WorkCalendar::china();
    let decide = |item: &ApprovalItem, deliver: Option<&str>| {
        let ctx = CaseContext::new(item, &cal);
        let mut case = open(&ctx, "2026-03-02T09:00:00+08:00");
        for (role, when, command) in [
            (Role::WindowClerk, "2026-03-02T09:30:00+08:00", CaseCommand::Accept),
            (Role::Reviewer, "2026-03-02T10:00:00+08:00", CaseCommand::StartHandling),
            (
                Role::Reviewer,
                "2026-03-04T10:00:00+08:00",
                CaseCommand::Conclude { decision: Decision::Approved },
            ),
        ] {
            case.apply(&ctx, &ev(role, when, command)).unwrap();
        }
        if let Some(when) = deliver {
            case.apply(&ctx, &ev(Role::WindowClerk, when, CaseCommand::Deliver)).unwrap();
        }
        case
    };
    let item = licence("XK-44", 5, 20);
    let status = |case: &Case, now: &str| {
        let r = case.reading(&cal, at(now), &Thresholds::default()).unwrap().unwrap();
        r.delivery.map(|d| (d.due.date, d.status))
    };
    let pending = decide(&item, None);
    assert_eq!(pending.delivery_due(&cal).unwrap().unwrap().date, d(2026, 3, 18));
    assert_eq!(
        status(&pending, "2026-03-18T12:00:00+08:00"),
        Some((d(2026, 3, 18), DeliveryStatus::Pending))
    );
    assert_eq!(
        status(&pending, "2026-03-19T09:00:00+08:00"),
        Some((d(2026, 3, 18), DeliveryStatus::Overdue))
    );
    let on_time = decide(&item, Some("2026-03-18T16:00:00+08:00"));
    assert_eq!(
        status(&on_time, "2026-04-01T09:00:00+08:00"),
        Some((d(2026, 3, 18), DeliveryStatus::OnTime))
    );
    assert_eq!(on_time.outcome(&cal).unwrap().unwrap().delivered_on_time, Some(true));
    let late = decide(&item, Some("2026-03-19T09:00:00+08:00"));
    assert_eq!(
        status(&late, "2026-04-01T09:00:00+08:00"),
        Some((d(2026, 3, 18), DeliveryStatus::Late))
    );
    assert_eq!(late.outcome(&cal).unwrap().unwrap().delivered_on_time, Some(false));
    // Before the decision there is nothing to deliver.
    let ctx = CaseContext::new(&item, &cal);
    let undecided = open(&ctx, "2026-03-02T09:00:00+08:00");
    assert_eq!(undecided.delivery_due(&cal).unwrap(), None);
    // An item with its own limit: 3 working days, due Monday 9 March.
    let quick = ApprovalItem::builder(
        ItemCode::new("XK-45").unwrap(),
        "行政许可",
        DepartmentId::new("county-bureau").unwrap(),
    )
    .statutory(TimeLimit::working_days(20))
    .promised(TimeLimit::working_days(5))
    .delivery(TimeLimit::working_days(3))
    .build()
    .unwrap();
    assert_eq!(decide(&quick, None).delivery_due(&cal).unwrap().unwrap().date, d(2026, 3, 9));
}
