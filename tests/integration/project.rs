//! Key projects: supervision over steps and problems, and the battle map.

use chrono::{DateTime, FixedOffset};
use shenpi::calendar::WorkCalendar;
use shenpi::case::Decision;
use shenpi::catalog::{DepartmentId, ItemCode};
use shenpi::escalation::{Action, EscalationPolicy, Level};
use shenpi::graph::{ApprovalGraph, RunCommand, RunEvent, RunState, Stage, StageId, Step, StepId};
use shenpi::limit::TimeLimit;
use shenpi::machine::{Actor, ActorId, Role};
use shenpi::project::{BattleMap, KeyProject, ProjectError, ProjectId, ProjectLevel, Subject};
use shenpi::ticket::{
    Assignment, Owner, Ticket, TicketClass, TicketCommand, TicketContext, TicketEvent, TicketId,
    TicketSource,
};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn id(s: &str) -> StepId {
    StepId::new(s).unwrap()
}

/// filing (stage a) → review (stage b, 3 working days).
fn project() -> KeyProject {
    let stage = |s: &str| {
        Stage::new(
            StageId::new(s).unwrap(),
            s,
            DepartmentId::new("lead").unwrap(),
            TimeLimit::working_days(10),
        )
    };
    let step = |s: &str, days| {
        Step::new(
            id(s),
            ItemCode::new(s).unwrap(),
            DepartmentId::new(s).unwrap(),
            TimeLimit::working_days(days),
        )
    };
    let graph = ApprovalGraph::builder("two stages", id("filing"))
        .stage(stage("a"))
        .stage(stage("b"))
        .step(step("filing", 1).in_stage(StageId::new("a").unwrap()))
        .step(step("review", 3).in_stage(StageId::new("b").unwrap()))
        .build()
        .unwrap();
    KeyProject::new(
        ProjectId::new("NP-9").unwrap(),
        "扩建",
        ProjectLevel::Municipal,
        "某公司",
        ActorId::new("agent-1").unwrap(),
        graph,
        at("2026-03-02T09:00:00+08:00"),
    )
    .unwrap()
}

fn run_event(when: &str, command: RunCommand) -> RunEvent {
    RunEvent::new(Actor::new(ActorId::new("rev").unwrap(), Role::Reviewer), at(when), command)
}

#[test]
fn supervision_records_once_and_climbs() {
    let cal = WorkCalendar::china();
    let policy = EscalationPolicy::default();
    let mut p = project();
    for (when, command) in [
        (
            "2026-03-02T09:00:00+08:00",
            RunCommand::StartStep { step: id("filing"), case: "C-1".parse().unwrap() },
        ),
        (
            "2026-03-02T10:00:00+08:00",
            RunCommand::ConcludeStep { step: id("filing"), decision: Decision::Approved },
        ),
        (
            "2026-03-02T11:00:00+08:00",
            RunCommand::StartStep { step: id("review"), case: "C-2".parse().unwrap() },
        ),
    ] {
        p.apply(&run_event(when, command)).unwrap();
    }
    // Review started Monday with 3 working days: due Thursday 24:00.
    let friday = at("2026-03-06T09:00:00+08:00");
    let fired = p.supervise(&policy, &cal, friday).unwrap();
    let review = Subject::Step { step: id("review") };
    assert!(fired.iter().all(|n| n.subject == review));
    let actions: Vec<Action> = fired.iter().map(|n| n.notice.action).collect();
    assert!(actions.contains(&Action::YellowCard), "{actions:?}");
    assert!(actions.contains(&Action::Prompt), "{actions:?}");
    // Evaluating again fires nothing new.
    assert!(p.supervise(&policy, &cal, friday).unwrap().is_empty());
    assert_eq!(p.log(&review).unwrap().notices().len(), fired.len());
    assert!(p.highest_level() >= Some(Level::DepartmentHead));
    // The next timer is the reminder or later, never in the past.
    let next = p.next_due(&policy, &cal, friday).unwrap().unwrap();
    assert!(next > friday);

    let map = BattleMap::new([&p], &cal, friday).unwrap();
    let row = &map.rows[0];
    assert_eq!(row.state, RunState::Running);
    assert_eq!(row.stage.as_deref(), Some("b"));
    assert_eq!(row.overdue_steps, [id("review")]);
    assert_eq!(row.next_deadline.as_ref().map(|(s, _)| s.clone()), Some(review));
    // The project, logs included, is stored as JSON and read back.
    let stored = serde_json::to_string(&p).unwrap();
    let mut back: KeyProject = serde_json::from_str(&stored).unwrap();
    assert_eq!(back, p);
    // The logs came back too: nothing fires twice.
    assert!(back.supervise(&policy, &cal, friday).unwrap().is_empty());
    // A run that does not fit the graph is refused when decoding.
    let mut value = serde_json::to_value(&p).unwrap();
    let steps = value["run"]["steps"].as_array_mut().unwrap();
    steps.push(serde_json::json!({"status": "waiting"}));
    let err = serde_json::from_value::<KeyProject>(value).unwrap_err().to_string();
    assert!(err.contains("the run has 3 steps"), "{err}");
    // The map is plain JSON for a dashboard.
    let json = serde_json::to_value(&map).unwrap();
    assert_eq!(json["rows"][0]["project"], "NP-9");
}

#[test]
fn problems_are_supervised_and_shown_with_their_owners() {
    let cal = WorkCalendar::china();
    let ctx = TicketContext::new(&cal);
    let policy = EscalationPolicy::default();
    let mut p = project();
    let team = Actor::new(ActorId::new("team").unwrap(), Role::SpecialTeam);
    let clerk = Actor::new(ActorId::new("clerk").unwrap(), Role::WindowClerk);
    let (mut ticket, _) = Ticket::open(
        TicketId::new("P-1").unwrap(),
        &ctx,
        &TicketEvent::new(
            team.clone(),
            at("2026-03-02T10:00:00+08:00"),
            TicketCommand::Receive {
                source: TicketSource::KeyProjectProblem,
                subject: "water".into(),
                visits: 1,
            },
        ),
    )
    .unwrap();
    ticket
        .apply(
            &ctx,
            &TicketEvent::new(
                clerk,
                at("2026-03-02T10:30:00+08:00"),
                TicketCommand::Classify { class: TicketClass::General },
            ),
        )
        .unwrap();
    let deadline = at("2026-03-04T17:30:00+08:00");
    ticket
        .apply(
            &ctx,
            &TicketEvent::new(
                team,
                at("2026-03-02T11:00:00+08:00"),
                TicketCommand::Transfer {
                    assignments: vec![Assignment::new(
                        DepartmentId::new("water").unwrap(),
                        Owner::Named { name: "陈经理".into() },
                        "connect",
                        deadline,
                    )],
                },
            ),
        )
        .unwrap();
    p.add_problem(ticket.clone()).unwrap();
    assert!(matches!(p.add_problem(ticket), Err(ProjectError::DuplicateProblem { .. })));

    // Feedback was due at the end of Thursday 5 March (3 working days).
    let fired = p.supervise(&policy, &cal, at("2026-03-06T09:00:00+08:00")).unwrap();
    let problem = Subject::Problem { ticket: TicketId::new("P-1").unwrap() };
    assert!(
        fired.iter().any(|n| n.subject == problem && n.notice.action == Action::Reminder),
        "{fired:?}"
    );

    let map = BattleMap::new([&p], &cal, at("2026-03-06T09:00:00+08:00")).unwrap();
    let open = &map.rows[0].open_problems;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].owners[0].deadline, deadline);
    assert!(open[0].owners[0].overdue);
    // The wire forms: the notices fired, the project with its problem and
    // logs, and the map.
    crate::golden::assert_golden("project_notices.json", &fired);
    crate::golden::assert_golden("key_project.json", &p);
    crate::golden::assert_golden("battle_map.json", &map);
}

#[test]
fn blank_projects_are_refused() {
    let p = project();
    let err = KeyProject::new(
        ProjectId::new("NP-10").unwrap(),
        " ",
        ProjectLevel::Provincial,
        "某公司",
        ActorId::new("agent").unwrap(),
        p.graph().clone(),
        at("2026-03-02T09:00:00+08:00"),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "project NP-10: the name must not be empty");
    assert!(ProjectId::new("").is_err());
}

#[test]
fn project_levels_display_their_serde_names() {
    use shenpi::machine::Named;
    use shenpi::project::ProjectLevel;
    for level in [ProjectLevel::Provincial, ProjectLevel::Municipal] {
        let json = serde_json::to_value(level).unwrap();
        assert_eq!(json, level.name());
        assert_eq!(level.to_string(), level.name());
        assert_eq!(serde_json::from_value::<ProjectLevel>(json).unwrap(), level);
    }
}

/// The filing step's case, accepted with the step's start on Monday 2
/// March and sent for an expert review that evening. (Sent on Tuesday, its
/// last day, the review would not move the deadline: a suspension covers
/// the days (S, R], so the day it begins still counts.)
fn filing_case_under_review(
    cal: &WorkCalendar,
) -> (shenpi::catalog::ApprovalItem, shenpi::case::Case) {
    use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId};
    use shenpi::catalog::ApprovalItem;
    use shenpi::limit::{SpecialProcedure, SuspensionKind};
    let item = ApprovalItem::builder(
        ItemCode::new("filing").unwrap(),
        "备案",
        DepartmentId::new("filing").unwrap(),
    )
    .special_procedures([SpecialProcedure::ExpertReview])
    .build()
    .unwrap();
    let ctx = CaseContext::new(&item, cal);
    let event = |role, when, command| {
        CaseEvent::new(Actor::new(ActorId::new("someone").unwrap(), role), at(when), command)
    };
    let receive = event(Role::Applicant, "2026-03-02T09:00:00+08:00", CaseCommand::Receive);
    let (mut case, _) = Case::receive(CaseId::new("C-1").unwrap(), &ctx, &receive).unwrap();
    case.apply(&ctx, &event(Role::WindowClerk, "2026-03-02T09:00:00+08:00", CaseCommand::Accept))
        .unwrap();
    let review = SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::ExpertReview };
    let suspend = CaseCommand::Suspend { reason: review };
    case.apply(&ctx, &event(Role::Reviewer, "2026-03-02T17:00:00+08:00", suspend)).unwrap();
    (item, case)
}

/// With the cases of its steps, a project watches a step by its case's
/// legal clock: no cards, no timer and no overdue step while the case is
/// under expert review, and overdue again once the pushed deadline passes.
#[test]
fn supervision_with_cases_follows_the_legal_clock_of_each_step() {
    use shenpi::case::{CaseCommand, CaseContext, CaseEvent};
    let cal = WorkCalendar::china();
    let policy = EscalationPolicy::default();
    let mut p = project();
    let (item, mut case) = filing_case_under_review(&cal);
    let start = RunCommand::StartStep { step: id("filing"), case: case.id().clone() };
    p.apply(&run_event("2026-03-02T09:00:00+08:00", start)).unwrap();
    let monday = at("2026-03-09T09:00:00+08:00");
    let cases = vec![case.clone()];
    // Alone, the one-day step is long overdue.
    let alone = p.clone().supervise(&policy, &cal, monday).unwrap();
    assert!(alone.iter().any(|n| n.notice.action == Action::RedCard), "{alone:?}");
    assert!(p.next_due(&policy, &cal, monday).unwrap().is_some());
    let map = BattleMap::new([&p], &cal, monday).unwrap();
    assert_eq!(map.rows[0].overdue_steps, [id("filing")]);
    // With its case, under review, it stands still.
    assert_eq!(p.clone().supervise_with_cases(&policy, &cal, monday, &cases).unwrap(), []);
    assert_eq!(p.next_due_with_cases(&policy, &cal, monday, &cases[..]).unwrap(), None);
    let map = BattleMap::with_cases([&p], &cases, &cal, monday).unwrap();
    assert_eq!(map.rows[0].overdue_steps, Vec::<StepId>::new());
    // Cases the project does not know change nothing.
    let strangers: Vec<shenpi::case::Case> = Vec::new();
    assert_eq!(
        BattleMap::with_cases([&p], &strangers, &cal, monday).unwrap(),
        BattleMap::new([&p], &cal, monday).unwrap()
    );
    // Resumed on Monday 9 March: one working day from 2 March, pushed by
    // the five working days in (2, 9] March, is due on Tuesday 10 March.
    let ctx = CaseContext::new(&item, &cal);
    let resume = CaseEvent::new(
        Actor::new(ActorId::new("someone").unwrap(), Role::Reviewer),
        at("2026-03-09T17:00:00+08:00"),
        CaseCommand::Resume,
    );
    case.apply(&ctx, &resume).unwrap();
    let cases: std::collections::BTreeMap<_, _> = [(case.id().clone(), case.clone())].into();
    let tuesday = at("2026-03-10T10:00:00+08:00");
    let map = BattleMap::with_cases([&p], &cases, &cal, tuesday).unwrap();
    assert_eq!(map.rows[0].overdue_steps, Vec::<StepId>::new());
    assert_eq!(
        map.rows[0].next_deadline,
        Some((Subject::Step { step: id("filing") }, at("2026-03-11T00:00:00+08:00")))
    );
    let wednesday = at("2026-03-11T09:00:00+08:00");
    let map = BattleMap::with_cases([&p], &cases, &cal, wednesday).unwrap();
    assert_eq!(map.rows[0].overdue_steps, [id("filing")]);
    let fired = p.supervise_with_cases(&policy, &cal, wednesday, &cases).unwrap();
    assert!(fired.iter().any(|n| n.notice.action == Action::YellowCard), "{fired:?}");
}

/// With no case found, the battle map's overdue steps are the run's own,
/// in the same order, where two steps under way sort differently by id and
/// by precedence.
#[test]
fn overdue_steps_without_their_cases_are_the_runs_own() {
    let step = |s: &str, after: &[&str]| {
        Step::new(
            id(s),
            ItemCode::new(s).unwrap(),
            DepartmentId::new(s).unwrap(),
            TimeLimit::working_days(1),
        )
        .after(after.iter().map(|a| id(a)))
    };
    let graph = ApprovalGraph::builder("diamond", id("m"))
        .step(step("m", &[]))
        .step(step("b", &["m"]))
        .step(step("c", &["m"]))
        .step(step("a", &["c"]))
        .step(step("z", &["a", "b"]))
        .build()
        .unwrap();
    let mut p = KeyProject::new(
        ProjectId::new("NP-10").unwrap(),
        "菱形",
        ProjectLevel::Provincial,
        "某公司",
        ActorId::new("agent-1").unwrap(),
        graph,
        at("2026-03-02T09:00:00+08:00"),
    )
    .unwrap();
    for (when, command) in [
        (
            "2026-03-02T09:00:00+08:00",
            RunCommand::StartStep { step: id("m"), case: "C-1".parse().unwrap() },
        ),
        (
            "2026-03-02T10:00:00+08:00",
            RunCommand::ConcludeStep { step: id("m"), decision: Decision::Approved },
        ),
        (
            "2026-03-02T11:00:00+08:00",
            RunCommand::StartStep { step: id("b"), case: "C-2".parse().unwrap() },
        ),
        (
            "2026-03-02T11:00:00+08:00",
            RunCommand::StartStep { step: id("c"), case: "C-3".parse().unwrap() },
        ),
        (
            "2026-03-02T12:00:00+08:00",
            RunCommand::ConcludeStep { step: id("c"), decision: Decision::Approved },
        ),
        (
            "2026-03-02T13:00:00+08:00",
            RunCommand::StartStep { step: id("a"), case: "C-4".parse().unwrap() },
        ),
    ] {
        p.apply(&run_event(when, command)).unwrap();
    }
    let cal = WorkCalendar::china();
    let now = at("2026-03-09T09:00:00+08:00");
    let plain = BattleMap::new([&p], &cal, now).unwrap();
    assert_eq!(plain.rows[0].overdue_steps.len(), 2, "{:?}", plain.rows[0].overdue_steps);
    let none: Vec<shenpi::case::Case> = Vec::new();
    assert_eq!(BattleMap::with_cases([&p], &none, &cal, now).unwrap(), plain);
}
