//! A portal developer's own rules, proven with `shenpi::testing`.
//!
//! Jian'ou's administrative service centre (建瓯市行政服务中心) runs three
//! items, one construction-approval graph, its own role policy and the
//! escalation policy it adopted, on the national calendar with its office
//! hours. Its three rules:
//!
//! 1. no case in our catalog reaches a red card without a yellow warning
//!    first;
//! 2. our graph always finishes within the 120-working-day target when
//!    every department meets its promise;
//! 3. every complaint ticket left without an answer past its feedback
//!    deadline gets a reminder, and a supervision order about late
//!    feedback only ever comes after that reminder.
//!
//! And the kit's own laws over random histories, illegal commands mixed
//! in, for every machine the city configures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveTime, TimeDelta};
use proptest::prelude::*;
use proptest::sample::select;
use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
use shenpi::case::{default_policy, CaseCommand, CaseCommandKind};
use shenpi::catalog::{ApprovalItem, CaseKind, Catalog, DepartmentId, ItemCode};
use shenpi::escalation::{Action, EscalationPolicy, SupervisionLog};
use shenpi::graph::{
    ApprovalGraph, Join, Plan, Requirement, RunCommand, RunState, Stage, StageId, Step, StepId,
};
use shenpi::limit::{SpecialProcedure, TimeLimit};
use shenpi::machine::{Role, RolePolicy};
use shenpi::testing::{
    case_history, case_life, check_case_laws, check_escalation_laws, check_run_laws,
    check_ticket_laws, mixed_case_history, mixed_run_history, mixed_ticket_history, run_history,
    ticket_history, ticket_life, CaseDefs, Decisions, History, Pace, RunDefs, Scope, TicketDefs,
};
use shenpi::ticket::{TicketCommand, TicketSource};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------
// The city's configuration.

/// The national calendar with the centre's office hours.
fn calendar() -> WorkCalendar {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let hours = OfficeHours::new([
        OfficePeriod::new(t(8, 30), t(12, 0)).unwrap(),
        OfficePeriod::new(t(14, 30), t(17, 30)).unwrap(),
    ])
    .unwrap();
    WorkCalendar::china().with_office_hours(hours)
}

fn dept(id: &str) -> DepartmentId {
    DepartmentId::new(id).unwrap()
}

/// Three items, with limits about half the province's.
fn catalog() -> Catalog {
    let food =
        ApprovalItem::builder(ItemCode::new("JO-FOOD-01").unwrap(), "食品经营许可", dept("market"))
            .statutory(TimeLimit::working_days(20))
            .promised(TimeLimit::working_days(5))
            .build()
            .unwrap();
    let planning = ApprovalItem::builder(
        ItemCode::new("JO-PLAN-02").unwrap(),
        "建设工程规划许可",
        dept("resources"),
    )
    .case_kind(CaseKind::Joint)
    .statutory(TimeLimit::working_days(20))
    .promised(TimeLimit::working_days(10))
    .special_procedure(SpecialProcedure::ExpertReview)
    .build()
    .unwrap();
    let seal =
        ApprovalItem::builder(ItemCode::new("JO-SEAL-03").unwrap(), "公章刻制备案", dept("police"))
            .case_kind(CaseKind::Instant)
            .statutory(TimeLimit::working_days(3))
            .promised(TimeLimit::working_days(0))
            .build()
            .unwrap();
    Catalog::new([food, planning, seal]).unwrap()
}

/// The city's case policy: the default, and the special team may also
/// suspend and resume a case (for the joint expert reviews it runs).
fn case_policy() -> RolePolicy<CaseCommandKind> {
    let p = default_policy();
    let roles = |k| p.roles(k).chain([Role::SpecialTeam]).collect::<Vec<_>>();
    let (suspend, resume) = (roles(CaseCommandKind::Suspend), roles(CaseCommandKind::Resume));
    p.clone().allow(CaseCommandKind::Suspend, suspend).allow(CaseCommandKind::Resume, resume)
}

/// The escalation policy the city adopted (DOMAIN §4's defaults).
fn escalation() -> EscalationPolicy {
    EscalationPolicy::default()
}

/// The four construction-approval stages, with parallel steps, an
/// at-least-two-of-three review and an optional step.
fn graph() -> ApprovalGraph {
    let id = |s: &str| StepId::new(s).unwrap();
    let stage = |s: &str, lead: &str, days| {
        Stage::new(StageId::new(s).unwrap(), s, dept(lead), TimeLimit::working_days(days))
    };
    let step = |s: &str, d: &str, days, st: &str| {
        Step::new(id(s), ItemCode::new(s).unwrap(), dept(d), TimeLimit::working_days(days))
            .in_stage(StageId::new(st).unwrap())
    };
    ApprovalGraph::builder("建瓯 key project", id("approval"))
        .stage(stage("land", "development", 30))
        .stage(stage("works", "resources", 30))
        .stage(stage("construction", "housing", 25))
        .stage(stage("completion", "housing", 20))
        .step(step("approval", "development", 5, "land"))
        .step(step("land-use", "resources", 10, "land").after([id("approval")]))
        .step(step("environment", "ecology", 10, "land").after([id("approval")]))
        .step(step("planning", "resources", 10, "works").after([id("land-use")]))
        .step(step("expert-a", "experts", 5, "works").after([id("planning")]))
        .step(step("expert-b", "experts", 8, "works").after([id("planning")]))
        .step(step("expert-c", "experts", 12, "works").after([id("planning")]))
        .step(
            step("design", "housing", 10, "works")
                .after([id("expert-a"), id("expert-b"), id("expert-c")])
                .join(Join::AtLeast { k: 2 }),
        )
        .step(step("fire", "fire", 10, "construction").after([id("design")]))
        .step(step("air-defence", "civil-defence", 5, "construction").after([id("design")]))
        .step(
            step("water", "water", 5, "construction")
                .after([id("design")])
                .requirement(Requirement::Optional),
        )
        .step(step("permit", "housing", 5, "construction").after([id("fire"), id("air-defence")]))
        .step(step("acceptance", "housing", 15, "completion").after([id("permit")]))
        .build()
        .unwrap()
}

fn scope() -> Scope {
    Scope::new(
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    )
    .max_commands(20)
}

fn case_defs() -> Vec<CaseDefs> {
    catalog()
        .iter()
        .map(|item| CaseDefs::new(item.clone(), calendar()).with_policy(case_policy()))
        .collect()
}

/// A case of any item of the catalog, with a valid (or mixed) history.
fn any_case(mixed: bool) -> impl Strategy<Value = (CaseDefs, History<CaseCommand>)> {
    select(case_defs()).prop_flat_map(move |defs| {
        let histories =
            if mixed { mixed_case_history(&defs, &scope()) } else { case_history(&defs, &scope()) };
        histories.expect("the scope is on the calendar").prop_map(move |h| (defs.clone(), h))
    })
}

fn ticket_defs() -> TicketDefs {
    TicketDefs::new(calendar())
        .with_sources([
            TicketSource::CantGetItDoneWindow,
            TicketSource::TeaMeeting,
            TicketSource::BadReview,
        ])
        .with_departments([dept("water"), dept("power"), dept("resources")])
}

fn rule_ids(log: &SupervisionLog) -> Vec<(&str, u32)> {
    log.notices().iter().map(|n| (n.rule.as_str(), n.cycle)).collect()
}

// ---------------------------------------------------------------------------
// The rules.

proptest! {
    #![proptest_config(config(32))]

    /// Rule 1: following every case's life under the city's policy (its
    /// events, and the escalation timers in between, for 60 days after the
    /// last event), a red card never comes before a yellow warning.
    #[test]
    fn no_red_card_without_a_yellow_warning_first((defs, history) in any_case(false)) {
        let life = case_life(&defs, &history).map_err(|v| TestCaseError::fail(v.to_string()))?;
        let last = history.events.last().map_or(history.start, |e| e.at);
        let log = check_escalation_laws(&escalation(), defs.calendar(), &life, last + TimeDelta::days(60))
            .map_err(|v| TestCaseError::fail(v.to_string()))?;
        let first = |action| log.notices().iter().position(|n| n.action == action);
        if let Some(red) = first(Action::RedCard) {
            let yellow = first(Action::YellowWarning);
            prop_assert!(
                yellow.is_some_and(|y| y < red),
                "item {}: red card at notice {red}, yellow warning at {yellow:?}: {:?}",
                defs.item().code(),
                rule_ids(&log)
            );
        }
    }

    /// Rule 2: when every department meets its promise, the whole project
    /// completes, within the plan and the 120-working-day target.
    #[test]
    fn the_graph_finishes_within_120_working_days(history in run_history(
        &RunDefs::new(graph(), calendar()).with_pace(Pace::OnTime).with_decisions(Decisions::ApproveAll),
        &scope(),
    ).unwrap()) {
        let cal = calendar();
        let defs = RunDefs::new(graph(), cal.clone()).with_pace(Pace::OnTime);
        let run = check_run_laws(&defs, &history).map_err(|v| TestCaseError::fail(v.to_string()))?;
        prop_assert_eq!(run.state(), RunState::Completed, "{:?}", history.events.last());
        let start = cal.to_civil(&history.start).date();
        let end = cal.to_civil(&run.ended_at().unwrap()).date();
        let days = cal.working_days_between(start, end).unwrap();
        let plan = Plan::new(&graph(), &cal, start).unwrap();
        prop_assert!(days <= plan.duration(), "{days} working days, planned {}", plan.duration());
        prop_assert!(days <= 120, "{days} working days");
    }

    /// Rule 3: a ticket left unanswered past its feedback deadline gets the
    /// reminder, and the late-feedback supervision order only ever follows
    /// it, in the same cycle.
    #[test]
    fn late_feedback_is_reminded_before_it_is_supervised(history in ticket_history(&ticket_defs(), &scope()).unwrap()) {
        let defs = ticket_defs();
        let cal = defs.calendar().clone();
        let life = ticket_life(&defs, &history).map_err(|v| TestCaseError::fail(v.to_string()))?;
        let last = history.events.last().map_or(history.start, |e| e.at);
        let until = last + TimeDelta::days(30);
        let log = check_escalation_laws(&escalation(), &cal, &life, until)
            .map_err(|v| TestCaseError::fail(v.to_string()))?;
        let at = |rule: &str, cycle| log.notices().iter().position(|n| n.rule.as_str() == rule && n.cycle == cycle);
        for order in log.notices().iter().filter(|n| n.rule.as_str() == "feedback-still-late") {
            let reminder = at("feedback-late", order.cycle);
            prop_assert!(
                reminder.is_some_and(|r| r < at("feedback-still-late", order.cycle).unwrap()),
                "cycle {}: {:?}", order.cycle, rule_ids(&log)
            );
        }
        let (_, ticket) = life.last().unwrap();
        if let Some(due) = ticket.feedback_due(&cal) {
            if ticket.is_open() && !ticket.feedback_given() && due < until {
                prop_assert!(at("feedback-late", ticket.cycle()).is_some(), "no reminder: {:?}", rule_ids(&log));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The kit's laws over the city's configuration, illegal commands mixed in.

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn case_laws_hold_for_every_item((defs, history) in any_case(true)) {
        check_case_laws(&defs, &history).map_err(|v| TestCaseError::fail(v.to_string()))?;
    }

    #[test]
    fn run_laws_hold_for_the_graph(history in mixed_run_history(&RunDefs::new(graph(), calendar()), &scope()).unwrap()) {
        check_run_laws(&RunDefs::new(graph(), calendar()), &history)
            .map_err(|v| TestCaseError::fail(v.to_string()))?;
    }

    #[test]
    fn ticket_laws_hold(history in mixed_ticket_history(&ticket_defs(), &scope()).unwrap()) {
        check_ticket_laws(&ticket_defs(), &history).map_err(|v| TestCaseError::fail(v.to_string()))?;
    }
}

/// The generated histories are not vacuous: cases reach decisions and red
/// cards, runs complete, tickets reopen, and mixed histories hold refusals.
#[test]
fn the_histories_go_far() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut decided, mut refused, mut red) = (0, 0, 0);
    let cases = any_case(true);
    for _ in 0..60 {
        let (defs, history) = cases.new_tree(&mut runner).unwrap().current();
        refused += history.refused().count();
        let accepted: Vec<_> = history.accepted().cloned().collect();
        let life = case_life(&defs, &History::new(history.start, accepted)).unwrap();
        if life.last().is_some_and(|(_, c)| c.state().is_concluded()) {
            decided += 1;
        }
        let last = history.events.last().unwrap().at;
        let log = check_escalation_laws(
            &escalation(),
            defs.calendar(),
            &life,
            last + TimeDelta::days(60),
        )
        .unwrap();
        red += usize::from(log.notices().iter().any(|n| n.action == Action::RedCard));
    }
    assert!(decided >= 10, "{decided} of 60 cases decided");
    assert!(refused >= 30, "{refused} refusals in 60 mixed histories");
    assert!(red >= 5, "{red} of 60 cases reached a red card");

    let runs = run_history(
        &RunDefs::new(graph(), calendar()).with_decisions(Decisions::ApproveAll),
        &scope(),
    )
    .unwrap();
    let mut completed = 0;
    for _ in 0..20 {
        let history = runs.new_tree(&mut runner).unwrap().current();
        let run = check_run_laws(&RunDefs::new(graph(), calendar()), &history).unwrap();
        completed += usize::from(run.state() == RunState::Completed);
        assert!(history
            .events
            .iter()
            .any(|e| matches!(e.payload, RunCommand::ConcludeStep { .. })));
    }
    assert!(completed >= 15, "{completed} of 20 runs completed");

    let tickets = ticket_history(&ticket_defs(), &scope()).unwrap();
    let mut reopened = 0;
    for _ in 0..60 {
        let history = tickets.new_tree(&mut runner).unwrap().current();
        let life = ticket_life(&ticket_defs(), &history).unwrap();
        reopened += usize::from(life.last().is_some_and(|(_, t)| t.cycle() > 0));
        let _: Option<&TicketCommand> = history.events.last().map(|e| &e.payload);
    }
    assert!(reopened >= 3, "{reopened} of 60 tickets reopened");
}
