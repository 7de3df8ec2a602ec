//! Parallel-approval graphs: a construction project worked by hand (its
//! plan, what-ifs, a run from filing to permit, a snapshot and the
//! promised-versus-actual record), every refusal with its message, and the
//! wire format.
//!
//! # The project
//!
//! Two stages, run one after the other: "land-use" (立项用地规划许可) and
//! "construction" (工程建设许可及施工许可). Limits are working days.
//!
//! ```text
//! stage land-use      filing 2 (start)
//!                     ├─ land-transfer 5   (fallback: land-lease 4)
//!                     ├─ environment 8
//!                     └─ energy 3          (optional)
//! stage construction  planning 6           after land-transfer, and the land-use gate
//!   (no stage)        ├─ review-agency 3
//!   (no stage)        ├─ review-inhouse 5
//!   (no stage)        ├─ expert-a 2, expert-b 6, expert-c 4
//!                     fire 4               any of review-agency, review-inhouse
//!                     structure 3          at least 2 of expert-a, expert-b, expert-c
//!                     permit 2             after fire and structure
//! ```
//!
//! Working days from Monday 2 March 2026 (day 0) on the national calendar:
//! March has no holiday; Qingming closes 4–6 April (Saturday to Monday).
//! Day 1 is 3 March, day 5 is 9 March, day 10 is 16 March, day 20 is
//! 30 March, day 24 is 3 April and day 25 is 7 April.

use chrono::{DateTime, FixedOffset, NaiveDate};
use shenpi::calendar::WorkCalendar;
use shenpi::case::Decision;
use shenpi::catalog::{ApprovalItem, Catalog, DepartmentId, ItemCode};
use shenpi::graph::{
    ApprovalGraph, GraphError, GraphRun, Join, Plan, Requirement, RunCommand, RunCommandKind,
    RunError, RunEvent, RunRecord, RunSnapshot, RunState, RunTransition, Stage, StageId, Step,
    StepId, StepPlan, StepStatus, StepStatusKind,
};
use shenpi::limit::TimeLimit;
use shenpi::machine::{Actor, ActorId, Role};

use StepStatusKind as K;

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn id(s: &str) -> StepId {
    StepId::new(s).unwrap()
}

fn ids(list: &[&str]) -> Vec<StepId> {
    list.iter().map(|s| id(s)).collect()
}

fn names(list: &[StepId]) -> Vec<&str> {
    list.iter().map(StepId::as_str).collect()
}

fn stage_id(s: &str) -> StageId {
    StageId::new(s).unwrap()
}

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

/// An instant in China Standard Time: `"03-02 09:00"` is 2 March 2026, 9 am.
fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-{}:00+08:00", s.replace(' ', "T"))).unwrap()
}

/// Working day `n` after 2 March 2026, counted by hand (see the module
/// docs): `DAYS[n]`.
const DAYS: [(u32, u32); 29] = [
    (3, 2),
    (3, 3),
    (3, 4),
    (3, 5),
    (3, 6),
    (3, 9),
    (3, 10),
    (3, 11),
    (3, 12),
    (3, 13),
    (3, 16),
    (3, 17),
    (3, 18),
    (3, 19),
    (3, 20),
    (3, 23),
    (3, 24),
    (3, 25),
    (3, 26),
    (3, 27),
    (3, 30),
    (3, 31),
    (4, 1),
    (4, 2),
    (4, 3),
    (4, 7),
    (4, 8),
    (4, 9),
    (4, 10),
];

fn day(n: u32) -> NaiveDate {
    let (m, day) = DAYS[n as usize];
    d(m, day)
}

fn step(step: &str, item: &str, department: &str, days: u32) -> Step {
    Step::new(
        id(step),
        ItemCode::new(item).unwrap(),
        DepartmentId::new(department).unwrap(),
        TimeLimit::working_days(days),
    )
}

fn land_use() -> Stage {
    Stage::new(
        stage_id("land-use"),
        "立项用地规划许可",
        DepartmentId::new("natural-resources").unwrap(),
        TimeLimit::working_days(15),
    )
}

fn construction() -> Stage {
    Stage::new(
        stage_id("construction"),
        "工程建设许可及施工许可",
        DepartmentId::new("housing").unwrap(),
        TimeLimit::working_days(20),
    )
}

/// The project's steps, in the order a clerk would write them down.
fn project_steps() -> Vec<Step> {
    let (land, build) = (stage_id("land-use"), stage_id("construction"));
    let experts = || ids(&["expert-a", "expert-b", "expert-c"]);
    vec![
        step("filing", "XM-BA-01", "development-reform", 2)
            .named("企业投资项目备案")
            .in_stage(land.clone()),
        step("land-transfer", "TD-CR-01", "natural-resources", 5)
            .named("国有建设用地使用权出让")
            .in_stage(land.clone())
            .after(ids(&["filing"]))
            .fallback(id("land-lease")),
        step("land-lease", "TD-ZL-01", "natural-resources", 4)
            .named("国有建设用地使用权租赁")
            .in_stage(land.clone()),
        step("environment", "HP-SP-01", "ecology", 8)
            .named("环境影响评价审批")
            .in_stage(land.clone())
            .after(ids(&["filing"])),
        step("energy", "JN-SC-01", "development-reform", 3)
            .named("节能审查")
            .in_stage(land)
            .requirement(Requirement::Optional)
            .after(ids(&["filing"])),
        step("planning", "GH-XK-01", "natural-resources", 6)
            .named("建设工程规划许可证核发")
            .in_stage(build.clone())
            .after(ids(&["land-transfer"])),
        step("review-agency", "ST-JG-01", "drawing-review-centre", 3)
            .named("施工图审查（第三方机构）")
            .after(ids(&["planning"])),
        step("review-inhouse", "ST-ZS-01", "housing", 5)
            .named("施工图审查（住建部门）")
            .after(ids(&["planning"])),
        step("fire", "XF-SJ-01", "housing", 4)
            .named("消防设计审查")
            .in_stage(build.clone())
            .after(ids(&["review-agency", "review-inhouse"]))
            .join(Join::Any),
        step("expert-a", "ZJ-PS-01", "expert-pool", 2)
            .named("专家评审（甲）")
            .after(ids(&["planning"])),
        step("expert-b", "ZJ-PS-02", "expert-pool", 6)
            .named("专家评审（乙）")
            .after(ids(&["planning"])),
        step("expert-c", "ZJ-PS-03", "expert-pool", 4)
            .named("专家评审（丙）")
            .after(ids(&["planning"])),
        step("structure", "KZ-SF-01", "housing", 3)
            .named("超限高层建筑工程抗震设防审批")
            .in_stage(build.clone())
            .after(experts())
            .join(Join::AtLeast { k: 2 }),
        step("permit", "SG-XK-01", "housing", 2)
            .named("建筑工程施工许可证核发")
            .in_stage(build)
            .after(ids(&["fire", "structure"])),
    ]
}

fn builder_with(steps: Vec<Step>) -> shenpi::graph::ApprovalGraphBuilder {
    steps.into_iter().fold(
        ApprovalGraph::builder("产业园标准厂房项目", id("filing"))
            .stage(land_use())
            .stage(construction()),
        |b, s| b.step(s),
    )
}

fn project() -> ApprovalGraph {
    builder_with(project_steps()).build().unwrap()
}

/// The project's steps with one of them changed.
fn edited(step_id: &str, edit: impl FnOnce(Step) -> Step) -> Vec<Step> {
    let mut steps = project_steps();
    let i = steps.iter().position(|s| s.id().as_str() == step_id).unwrap();
    steps[i] = edit(steps[i].clone());
    steps
}

fn build_err(steps: Vec<Step>) -> GraphError {
    builder_with(steps).build().unwrap_err()
}

// ---------------------------------------------------------------------------
// The plan.

/// (step, duration, ES, EF, LS, LF, slack), worked by hand.
///
/// Forward: filing 0–2; land-transfer 2–7, environment 2–10, energy 2–5;
/// the land-use gate waits for filing, land-transfer and environment (not
/// the optional energy, not the fallback): day 10. Planning starts at the
/// gate, 10–16; the reviews and experts 16 on. Fire takes the first review,
/// 19: 19–23. Structure takes the second expert (a 18, c 20, b 22): 20–23.
/// Permit waits for both: 23–25.
///
/// Backward from 25: permit 23; fire and structure LF 23; structure binds
/// expert-a and expert-c (LF 20), not expert-b (LF 25); fire binds
/// review-agency (LF 19), not review-inhouse (LF 25); planning LF 16
/// (expert-c and review-agency start at 16); the gate and land-transfer
/// LF 10; filing LF 2; energy, bound by nothing, LF 25.
const PLAN: [(&str, u32, u32, u32, u32, u32, u32); 13] = [
    ("energy", 3, 2, 5, 22, 25, 20),
    ("environment", 8, 2, 10, 2, 10, 0),
    ("expert-a", 2, 16, 18, 18, 20, 2),
    ("expert-b", 6, 16, 22, 19, 25, 3),
    ("expert-c", 4, 16, 20, 16, 20, 0),
    ("filing", 2, 0, 2, 0, 2, 0),
    ("fire", 4, 19, 23, 19, 23, 0),
    ("land-transfer", 5, 2, 7, 5, 10, 3),
    ("permit", 2, 23, 25, 23, 25, 0),
    ("planning", 6, 10, 16, 10, 16, 0),
    ("review-agency", 3, 16, 19, 16, 19, 0),
    ("review-inhouse", 5, 16, 21, 20, 25, 4),
    ("structure", 3, 20, 23, 20, 23, 0),
];

fn plan_row(p: &StepPlan) -> (&str, u32, u32, u32, u32, u32, u32) {
    (
        p.step.as_str(),
        p.duration,
        p.earliest_start,
        p.earliest_finish,
        p.latest_start,
        p.latest_finish,
        p.slack,
    )
}

#[test]
fn the_project_plan_worked_by_hand() {
    let graph = project();
    let cal = WorkCalendar::china();
    let plan = Plan::new(&graph, &cal, d(3, 2)).unwrap();
    assert_eq!(plan.start(), d(3, 2));
    let rows: Vec<_> = plan.steps().iter().map(plan_row).collect();
    assert_eq!(rows, PLAN);
    for p in plan.steps() {
        assert_eq!(p.critical, p.slack == 0, "{}", p.step);
        assert_eq!(p.start_date, day(p.earliest_start), "{}", p.step);
        assert_eq!(p.finish_date, day(p.earliest_finish), "{}", p.step);
        assert_eq!(p.latest_finish_date, day(p.latest_finish), "{}", p.step);
    }
    // The fallback runs only on denial: it is not planned.
    assert_eq!(plan.step(&id("land-lease")), None);
    assert_eq!(plan.step(&id("water")), None);
    assert_eq!(plan.step(&id("fire")).map(plan_row), Some(PLAN[6]));
    // Spot checks of the dates: planning from Monday 16 March to Tuesday
    // 24 March; the permit due on 7 April, after Qingming.
    let planning = plan.step(&id("planning")).unwrap();
    assert_eq!((planning.start_date, planning.finish_date), (d(3, 16), d(3, 24)));
    assert_eq!(plan.step(&id("permit")).unwrap().finish_date, d(4, 7));

    assert_eq!(plan.duration(), 25);
    // 2 + 5 + 8 + 3 + 6 + 3 + 5 + 4 + 2 + 6 + 4 + 3 + 2, without the fallback.
    assert_eq!(plan.serial_duration(), 53);
    assert!((plan.compression() - 28.0 / 53.0).abs() < 1e-12);
    assert_eq!(plan.finish_date(), d(4, 7));
    // Permit ← structure (its later predecessor, by id on the tie at 23) ←
    // expert-c (the second expert) ← planning ← the gate ← environment
    // (the gate's last) ← filing: 2 + 8 + 6 + 4 + 3 + 2 = 25.
    assert_eq!(
        names(plan.critical_path()),
        ["filing", "environment", "planning", "expert-c", "structure", "permit"]
    );
    // Fire and review-agency are critical too, on a second critical path.
    let critical: Vec<&str> =
        plan.steps().iter().filter(|p| p.critical).map(|p| p.step.as_str()).collect();
    assert_eq!(
        critical,
        [
            "environment",
            "expert-c",
            "filing",
            "fire",
            "permit",
            "planning",
            "review-agency",
            "structure"
        ]
    );
    // The same plan on a later start: everything moves with the calendar.
    let later = Plan::new(&graph, &cal, d(3, 9)).unwrap();
    assert_eq!(later.duration(), 25);
    // Day 25 from 9 March is day 30 from 2 March: Tuesday 14 April.
    assert_eq!(later.finish_date(), d(4, 14));
    // Plans are data: JSON round trip.
    let json = serde_json::to_string(&plan).unwrap();
    assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), plan);
}

#[test]
fn what_if_on_the_project() {
    let graph = project();
    let cal = WorkCalendar::china();
    let plan = Plan::new(&graph, &cal, d(3, 2)).unwrap();
    let what_if = |s: &str, extra: u32| plan.what_if(&graph, &cal, &id(s), extra).unwrap();

    // Within its slack of 3, land-transfer costs nothing; 5 more days push
    // the gate from 10 to 12 and everything after by 2 (to 9 April).
    assert_eq!(what_if("land-transfer", 3).duration(), 25);
    assert_eq!(what_if("land-transfer", 3).finish_date(), d(4, 7));
    let late_land = what_if("land-transfer", 5);
    assert_eq!((late_land.duration(), late_land.finish_date()), (27, d(4, 9)));
    assert_eq!(
        names(late_land.critical_path()),
        ["filing", "land-transfer", "planning", "expert-c", "structure", "permit"]
    );
    assert_eq!(late_land.step(&id("land-transfer")).unwrap().duration, 10);
    assert_eq!(late_land.serial_duration(), 58);

    // An any-join softens a delay: review-agency, critical, 3 days late
    // finishes at 22, but the in-house review is done at 21, so fire moves
    // by 2, not 3, and the in-house review becomes critical.
    let slow_agency = what_if("review-agency", 3);
    assert_eq!(slow_agency.duration(), 27);
    assert_eq!(
        names(slow_agency.critical_path()),
        ["filing", "environment", "planning", "review-inhouse", "fire", "permit"]
    );
    assert_eq!(slow_agency.step(&id("review-agency")).unwrap().slack, 5);
    assert_eq!(slow_agency.step(&id("review-inhouse")).unwrap().slack, 0);

    // An at-least-2 join too: expert-c one day late delays structure by 1;
    // three days late, expert-b (22) takes its place and the delay stops
    // at 2.
    assert_eq!(what_if("expert-c", 1).duration(), 26);
    let slow_c = what_if("expert-c", 3);
    assert_eq!(slow_c.duration(), 27);
    assert_eq!(
        names(slow_c.critical_path()),
        ["filing", "environment", "planning", "expert-b", "structure", "permit"]
    );

    // Expert-b, bound by nothing, never delays the plan: past its slack of
    // 3 it becomes a branch the at-least-2 join leaves behind, running on
    // past the end with nothing waiting for it.
    assert_eq!(what_if("expert-b", 3).duration(), 25);
    let slow_b = what_if("expert-b", 4);
    assert_eq!(slow_b.duration(), 25);
    assert_eq!(names(slow_b.critical_path()), names(plan.critical_path()));
    let b = slow_b.step(&id("expert-b")).unwrap();
    assert_eq!((b.slack, b.critical), (0, false));

    // Energy is optional but planned: 20 days of slack.
    assert_eq!(what_if("energy", 20).duration(), 25);
    assert_eq!(what_if("energy", 21).duration(), 26);
    // The fallback is not planned: no change at all.
    assert_eq!(what_if("land-lease", 10), plan);
    // Zero extra is the plan itself.
    assert_eq!(what_if("permit", 0), plan);

    let err = plan.what_if(&graph, &cal, &id("water"), 1).unwrap_err();
    assert!(matches!(&err, GraphError::NoSuchStep { step, .. } if step.as_str() == "water"));
    assert_eq!(err.to_string(), "the graph has no step water");
}

#[test]
fn plans_outside_the_calendar_are_refused() {
    let graph = project();
    let cal = WorkCalendar::china();
    // The national calendar ends with 2026: a plan from 20 December runs
    // out of working days.
    let err = Plan::new(&graph, &cal, NaiveDate::from_ymd_opt(2026, 12, 20).unwrap()).unwrap_err();
    assert!(matches!(err, GraphError::Calendar(_)), "{err:?}");
    let err = Plan::new(&graph, &cal, NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()).unwrap_err();
    assert!(matches!(err, GraphError::Calendar(_)), "{err:?}");
    assert_eq!(err.to_string(), "date 2027-01-04 is outside the covered years 2004..=2026");
}

// ---------------------------------------------------------------------------
// The run.

fn actor(role: Role) -> Actor {
    let name = match role {
        Role::Reviewer => "reviewer-01",
        Role::DepartmentHead => "head-01",
        Role::SpecialTeam => "special-team",
        Role::Agent => "agent-01",
        Role::Applicant => "91350700MA0000000X",
        Role::WindowClerk => "clerk-01",
        Role::Supervisor => "supervisor-01",
        Role::GovernmentHead => "government-head-01",
    };
    Actor::new(ActorId::new(name).unwrap(), role)
}

fn ev(role: Role, when: &str, command: RunCommand) -> RunEvent {
    RunEvent::new(actor(role), at(when), command)
}

fn start(s: &str, case: &str) -> RunCommand {
    RunCommand::StartStep { step: id(s), case: case.parse().unwrap() }
}

fn conclude(s: &str, decision: Decision) -> RunCommand {
    RunCommand::ConcludeStep { step: id(s), decision }
}

fn approve(s: &str) -> RunCommand {
    conclude(s, Decision::Approved)
}

fn deny(s: &str) -> RunCommand {
    conclude(s, Decision::Denied)
}

fn skip(s: &str) -> RunCommand {
    RunCommand::SkipStep { step: id(s) }
}

fn cancel(reason: &str) -> RunCommand {
    RunCommand::Cancel { reason: reason.into() }
}

const BEGIN: &str = "03-02 09:00";

/// The project from filing to permit. The land transfer is denied and the
/// lease stands in; energy is skipped; fire takes the third-party review
/// (the in-house one is dropped); structure takes experts a and b (c is
/// dropped).
fn history() -> Vec<RunEvent> {
    use Role::{DepartmentHead as Head, Reviewer as Rev, SpecialTeam as Team};
    vec![
        ev(Rev, "03-02 09:00", start("filing", "BJ-01")), // 0
        ev(Rev, "03-03 16:00", approve("filing")),
        ev(Rev, "03-04 09:00", start("land-transfer", "BJ-02")),
        ev(Rev, "03-04 10:00", start("environment", "BJ-03")),
        ev(Team, "03-05 09:00", skip("energy")),
        ev(Head, "03-10 15:00", deny("land-transfer")), // 5
        ev(Rev, "03-11 09:00", start("land-lease", "BJ-04")),
        ev(Rev, "03-13 16:00", approve("environment")),
        ev(Head, "03-16 11:00", approve("land-lease")),
        ev(Rev, "03-16 14:00", start("planning", "BJ-05")),
        ev(Rev, "03-24 10:00", approve("planning")), // 10
        ev(Rev, "03-24 14:00", start("review-agency", "BJ-06")),
        ev(Rev, "03-24 14:30", start("review-inhouse", "BJ-07")),
        ev(Rev, "03-25 09:00", start("expert-a", "BJ-08")),
        ev(Rev, "03-25 09:30", start("expert-b", "BJ-09")),
        ev(Rev, "03-30 11:00", approve("expert-a")), // 15
        ev(Rev, "03-30 16:00", approve("review-agency")),
        ev(Rev, "03-31 09:00", start("fire", "BJ-10")),
        ev(Rev, "04-01 10:00", approve("expert-b")),
        ev(Rev, "04-01 11:00", start("structure", "BJ-11")),
        ev(Rev, "04-03 15:00", approve("fire")), // 20
        ev(Head, "04-08 10:00", conclude("structure", Decision::ApprovedWithDeficiency)),
        ev(Rev, "04-08 14:00", start("permit", "BJ-12")),
        ev(Head, "04-10 16:00", approve("permit")),
    ]
}

/// The first 15 events: experts a and b and both reviews under way.
const IN_PROGRESS: usize = 15;

fn run_through(graph: &ApprovalGraph, events: &[RunEvent]) -> GraphRun {
    GraphRun::replay(graph, at(BEGIN), events).unwrap()
}

/// What an event should do: its command, the run's state after, the
/// step changes.
type Expected<'a> = (RunCommandKind, RunState, Vec<(&'a str, K, K)>);

fn changes(t: &RunTransition) -> Vec<(&str, K, K)> {
    t.steps.iter().map(|c| (c.step.as_str(), c.from, c.to)).collect()
}

fn kinds(run: &GraphRun, graph: &ApprovalGraph) -> Vec<(String, K)> {
    run.statuses(graph).map(|(s, st)| (s.to_string(), st.kind())).collect()
}

#[test]
fn a_run_from_filing_to_permit() {
    let graph = project();
    let mut run = GraphRun::new(&graph, at(BEGIN));
    assert_eq!(run.state(), RunState::Running);
    assert_eq!(run.started_at(), at(BEGIN));
    assert_eq!(run.ended_at(), None);
    assert_eq!(names(&run.ready(&graph).cloned().collect::<Vec<_>>()), ["filing"]);
    assert_eq!(run.status(&graph, &id("filing")).unwrap(), &StepStatus::Ready { since: at(BEGIN) });

    use RunCommandKind as C;
    #[rustfmt::skip]
    let expected: Vec<Expected<'_>> = vec![
        (C::StartStep, RunState::Running, vec![("filing", K::Ready, K::InProgress)]),
        // Filing approved: its three successors in land-use are ready.
        (C::ConcludeStep, RunState::Running, vec![
            ("filing", K::InProgress, K::Approved),
            ("energy", K::Waiting, K::Ready),
            ("environment", K::Waiting, K::Ready),
            ("land-transfer", K::Waiting, K::Ready),
        ]),
        (C::StartStep, RunState::Running, vec![("land-transfer", K::Ready, K::InProgress)]),
        (C::StartStep, RunState::Running, vec![("environment", K::Ready, K::InProgress)]),
        (C::SkipStep, RunState::Running, vec![("energy", K::Ready, K::Skipped)]),
        // Denied, with a fallback: the lease is ready.
        (C::ConcludeStep, RunState::Running, vec![
            ("land-transfer", K::InProgress, K::Denied),
            ("land-lease", K::Waiting, K::Ready),
        ]),
        (C::StartStep, RunState::Running, vec![("land-lease", K::Ready, K::InProgress)]),
        // The gate still waits for the land (the lease stands in for it).
        (C::ConcludeStep, RunState::Running, vec![("environment", K::InProgress, K::Approved)]),
        // The lease approved: the land-use gate passes (the skipped energy
        // is optional) and planning is ready.
        (C::ConcludeStep, RunState::Running, vec![
            ("land-lease", K::InProgress, K::Approved),
            ("planning", K::Waiting, K::Ready),
        ]),
        (C::StartStep, RunState::Running, vec![("planning", K::Ready, K::InProgress)]),
        (C::ConcludeStep, RunState::Running, vec![
            ("planning", K::InProgress, K::Approved),
            ("expert-a", K::Waiting, K::Ready),
            ("expert-b", K::Waiting, K::Ready),
            ("expert-c", K::Waiting, K::Ready),
            ("review-agency", K::Waiting, K::Ready),
            ("review-inhouse", K::Waiting, K::Ready),
        ]),
        (C::StartStep, RunState::Running, vec![("review-agency", K::Ready, K::InProgress)]),
        (C::StartStep, RunState::Running, vec![("review-inhouse", K::Ready, K::InProgress)]),
        (C::StartStep, RunState::Running, vec![("expert-a", K::Ready, K::InProgress)]),
        (C::StartStep, RunState::Running, vec![("expert-b", K::Ready, K::InProgress)]),
        // One expert of the two needed.
        (C::ConcludeStep, RunState::Running, vec![("expert-a", K::InProgress, K::Approved)]),
        // The any-join fires: fire is ready, the in-house review under way
        // is no longer needed.
        (C::ConcludeStep, RunState::Running, vec![
            ("review-agency", K::InProgress, K::Approved),
            ("fire", K::Waiting, K::Ready),
            ("review-inhouse", K::InProgress, K::NotNeeded),
        ]),
        (C::StartStep, RunState::Running, vec![("fire", K::Ready, K::InProgress)]),
        // The at-least-2 join fires: structure is ready, expert-c (ready,
        // never started) is no longer needed.
        (C::ConcludeStep, RunState::Running, vec![
            ("expert-b", K::InProgress, K::Approved),
            ("structure", K::Waiting, K::Ready),
            ("expert-c", K::Ready, K::NotNeeded),
        ]),
        (C::StartStep, RunState::Running, vec![("structure", K::Ready, K::InProgress)]),
        // Permit waits for structure as well.
        (C::ConcludeStep, RunState::Running, vec![("fire", K::InProgress, K::Approved)]),
        // Approved with a deficiency (容缺) counts as approved.
        (C::ConcludeStep, RunState::Running, vec![
            ("structure", K::InProgress, K::Approved),
            ("permit", K::Waiting, K::Ready),
        ]),
        (C::StartStep, RunState::Running, vec![("permit", K::Ready, K::InProgress)]),
        // Nothing is pending: the run is complete.
        (C::ConcludeStep, RunState::Completed, vec![("permit", K::InProgress, K::Approved)]),
    ];
    let history = history();
    assert_eq!(history.len(), expected.len());
    for (i, (event, (command, to, steps))) in history.iter().zip(expected).enumerate() {
        let from = run.state();
        let t = run.apply(&graph, event).unwrap_or_else(|e| panic!("event {i}: {e}"));
        assert_eq!((t.run.from, t.run.command, t.run.to, t.run.at), (from, command, to, event.at));
        assert_eq!(changes(&t), steps, "event {i}");
        assert_eq!(run.event_count(), i as u64 + 1);
    }
    assert_eq!(run.state(), RunState::Completed);
    assert_eq!(run.ended_at(), Some(at("04-10 16:00")));
    assert_eq!(
        kinds(&run, &graph),
        [
            ("energy", K::Skipped),
            ("environment", K::Approved),
            ("expert-a", K::Approved),
            ("expert-b", K::Approved),
            ("expert-c", K::NotNeeded),
            ("filing", K::Approved),
            ("fire", K::Approved),
            ("land-lease", K::Approved),
            ("land-transfer", K::Denied),
            ("permit", K::Approved),
            ("planning", K::Approved),
            ("review-agency", K::Approved),
            ("review-inhouse", K::NotNeeded),
            ("structure", K::Approved),
        ]
        .map(|(s, k)| (s.to_string(), k))
    );
    assert_eq!(
        run.status(&graph, &id("structure")).unwrap(),
        &StepStatus::Done {
            decision: Decision::ApprovedWithDeficiency,
            started: at("04-01 11:00"),
            at: at("04-08 10:00"),
        }
    );
    assert_eq!(
        run.status(&graph, &id("review-inhouse")).unwrap(),
        &StepStatus::NotNeeded { at: at("03-30 16:00") }
    );
    // Replaying the history gives the same run.
    assert_eq!(run_through(&graph, &history), run);
}

#[test]
fn a_denied_required_step_without_fallback_fails_the_run() {
    let graph = project();
    let history = history();
    // Environment under way (after event 3), denied: nothing stands in.
    let mut run = run_through(&graph, &history[..4]);
    let t =
        run.apply(&graph, &ev(Role::DepartmentHead, "03-09 10:00", deny("environment"))).unwrap();
    assert_eq!((t.run.from, t.run.to), (RunState::Running, RunState::Failed));
    // Every pending step, in id order, is no longer needed.
    assert_eq!(
        changes(&t),
        [
            ("environment", K::InProgress, K::Denied),
            ("energy", K::Ready, K::NotNeeded),
            ("expert-a", K::Waiting, K::NotNeeded),
            ("expert-b", K::Waiting, K::NotNeeded),
            ("expert-c", K::Waiting, K::NotNeeded),
            ("fire", K::Waiting, K::NotNeeded),
            ("land-lease", K::Waiting, K::NotNeeded),
            ("land-transfer", K::InProgress, K::NotNeeded),
            ("permit", K::Waiting, K::NotNeeded),
            ("planning", K::Waiting, K::NotNeeded),
            ("review-agency", K::Waiting, K::NotNeeded),
            ("review-inhouse", K::Waiting, K::NotNeeded),
            ("structure", K::Waiting, K::NotNeeded),
        ]
    );
    assert_eq!(run.state(), RunState::Failed);
    assert_eq!(run.ended_at(), Some(at("03-09 10:00")));
    assert!(run.statuses(&graph).all(|(_, s)| s.is_final()));

    // The fallback denied as well: the land is required, the run fails.
    let mut run = run_through(&graph, &history[..7]);
    assert_eq!(run.status(&graph, &id("land-lease")).unwrap().kind(), K::InProgress);
    let t =
        run.apply(&graph, &ev(Role::DepartmentHead, "03-12 10:00", deny("land-lease"))).unwrap();
    assert_eq!((t.run.from, t.run.to), (RunState::Running, RunState::Failed));
    assert_eq!(
        changes(&t),
        [
            ("land-lease", K::InProgress, K::Denied),
            ("environment", K::InProgress, K::NotNeeded),
            ("expert-a", K::Waiting, K::NotNeeded),
            ("expert-b", K::Waiting, K::NotNeeded),
            ("expert-c", K::Waiting, K::NotNeeded),
            ("fire", K::Waiting, K::NotNeeded),
            ("permit", K::Waiting, K::NotNeeded),
            ("planning", K::Waiting, K::NotNeeded),
            ("review-agency", K::Waiting, K::NotNeeded),
            ("review-inhouse", K::Waiting, K::NotNeeded),
            ("structure", K::Waiting, K::NotNeeded),
        ]
    );

    // An optional step denied does not fail the run: it counts as passed.
    let mut run = run_through(&graph, &history[..2]);
    run.apply(&graph, &ev(Role::Reviewer, "03-04 09:00", start("energy", "BJ-20"))).unwrap();
    let t = run.apply(&graph, &ev(Role::Reviewer, "03-05 09:00", deny("energy"))).unwrap();
    assert_eq!((t.run.from, t.run.to), (RunState::Running, RunState::Running));
    assert_eq!(changes(&t), [("energy", K::InProgress, K::Denied)]);

    // The fallback is not needed once the land transfer is approved.
    let mut run = run_through(&graph, &history[..5]);
    let t =
        run.apply(&graph, &ev(Role::Reviewer, "03-10 15:00", approve("land-transfer"))).unwrap();
    assert_eq!(
        changes(&t),
        [("land-transfer", K::InProgress, K::Approved), ("land-lease", K::Waiting, K::NotNeeded)]
    );
}

#[test]
fn a_cancelled_run_settles_every_pending_step() {
    let graph = project();
    let mut run = run_through(&graph, &history()[..IN_PROGRESS]);
    let t =
        run.apply(&graph, &ev(Role::Agent, "03-26 10:00", cancel("项目投资方撤回申请"))).unwrap();
    assert_eq!(
        (t.run.from, t.run.command, t.run.to),
        (RunState::Running, RunCommandKind::Cancel, RunState::Cancelled)
    );
    assert_eq!(
        changes(&t),
        [
            ("expert-a", K::InProgress, K::NotNeeded),
            ("expert-b", K::InProgress, K::NotNeeded),
            ("expert-c", K::Ready, K::NotNeeded),
            ("fire", K::Waiting, K::NotNeeded),
            ("permit", K::Waiting, K::NotNeeded),
            ("review-agency", K::InProgress, K::NotNeeded),
            ("review-inhouse", K::InProgress, K::NotNeeded),
            ("structure", K::Waiting, K::NotNeeded),
        ]
    );
    assert_eq!(run.ended_at(), Some(at("03-26 10:00")));
    // The special team may cancel too.
    let mut other = run_through(&graph, &history()[..IN_PROGRESS]);
    let t = other.apply(&graph, &ev(Role::SpecialTeam, "03-26 10:00", cancel("用地调整"))).unwrap();
    assert_eq!(t.run.to, RunState::Cancelled);
}

// ---------------------------------------------------------------------------
// Refusals: each with its message, each leaving the run as it was.

fn refused(run: &GraphRun, graph: &ApprovalGraph, event: &RunEvent) -> RunError {
    let mut copy = run.clone();
    let err = copy.apply(graph, event).unwrap_err();
    assert_eq!(&copy, run, "{err}: the run changed");
    err
}

#[test]
fn refused_commands_leave_the_run_unchanged() {
    let graph = project();
    let run = run_through(&graph, &history()[..IN_PROGRESS]);
    let last = "03-25 09:30";
    let rev = |command| ev(Role::Reviewer, last, command);

    let err = refused(&run, &graph, &rev(start("water-supply", "BJ-30")));
    assert!(matches!(&err, RunError::UnknownStep { step, .. } if step.as_str() == "water-supply"));
    assert_eq!(err.to_string(), "the graph has no step water-supply");

    let not_allowed = |event: &RunEvent, s: &str, status: K, command: RunCommandKind| {
        let err = refused(&run, &graph, event);
        assert!(
            matches!(&err, RunError::StepNotAllowed { step, status: st, command: c, .. }
                if step.as_str() == s && *st == status && *c == command),
            "{err:?}"
        );
        err.to_string()
    };
    assert_eq!(
        not_allowed(
            &rev(start("permit", "BJ-30")),
            "permit",
            K::Waiting,
            RunCommandKind::StartStep
        ),
        "command start_step is not allowed for step permit, which is waiting"
    );
    assert_eq!(
        not_allowed(
            &rev(start("expert-a", "BJ-30")),
            "expert-a",
            K::InProgress,
            RunCommandKind::StartStep
        ),
        "command start_step is not allowed for step expert-a, which is in_progress"
    );
    assert_eq!(
        not_allowed(&rev(approve("expert-c")), "expert-c", K::Ready, RunCommandKind::ConcludeStep),
        "command conclude_step is not allowed for step expert-c, which is ready"
    );
    assert_eq!(
        not_allowed(
            &rev(approve("planning")),
            "planning",
            K::Approved,
            RunCommandKind::ConcludeStep
        ),
        "command conclude_step is not allowed for step planning, which is approved"
    );
    assert_eq!(
        not_allowed(
            &rev(start("land-transfer", "BJ-30")),
            "land-transfer",
            K::Denied,
            RunCommandKind::StartStep
        ),
        "command start_step is not allowed for step land-transfer, which is denied"
    );
    let team = |command| ev(Role::SpecialTeam, last, command);
    assert_eq!(
        not_allowed(&team(skip("energy")), "energy", K::Skipped, RunCommandKind::SkipStep),
        "command skip_step is not allowed for step energy, which is skipped"
    );

    let err = refused(&run, &graph, &team(skip("structure")));
    assert!(matches!(&err, RunError::Required { step, .. } if step.as_str() == "structure"));
    assert_eq!(err.to_string(), "step structure is required and cannot be skipped");

    let err = refused(&run, &graph, &ev(Role::Applicant, last, start("expert-c", "BJ-30")));
    assert!(matches!(
        err,
        RunError::RoleNotAllowed { role: Role::Applicant, command: RunCommandKind::StartStep, .. }
    ));
    assert_eq!(err.to_string(), "role applicant may not issue command start_step");
    let err = refused(&run, &graph, &rev(skip("expert-c")));
    assert_eq!(err.to_string(), "role reviewer may not issue command skip_step");
    let err = refused(&run, &graph, &rev(cancel("不再需要")));
    assert_eq!(err.to_string(), "role reviewer may not issue command cancel");

    let err = refused(&run, &graph, &ev(Role::Reviewer, "03-25 09:00", start("expert-c", "BJ-30")));
    assert!(
        matches!(err, RunError::TimeWentBackwards { at: a, last: l, .. }
            if a == at("03-25 09:00") && l == at(last)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "command at 2026-03-25 09:00:00 +08:00 is before the run's last event at \
         2026-03-25 09:30:00 +08:00"
    );

    let err = refused(&run, &graph, &ev(Role::Agent, last, cancel(" \t ")));
    assert!(matches!(err, RunError::EmptyReason));
    assert_eq!(err.to_string(), "a cancellation needs a written reason");

    // The same instant as the last event is fine.
    let mut same = run.clone();
    same.apply(&graph, &rev(start("expert-c", "BJ-30"))).unwrap();

    // Over: completed, failed and cancelled runs take nothing more.
    let done = run_through(&graph, &history());
    let err =
        refused(&done, &graph, &ev(Role::Reviewer, "04-10 16:00", start("expert-c", "BJ-30")));
    assert!(matches!(
        err,
        RunError::RunOver { state: RunState::Completed, command: RunCommandKind::StartStep, .. }
    ));
    assert_eq!(err.to_string(), "the run is completed and accepts no command start_step");
    let mut cancelled = run.clone();
    cancelled.apply(&graph, &ev(Role::Agent, "03-26 10:00", cancel("撤回"))).unwrap();
    let err = refused(&cancelled, &graph, &ev(Role::Agent, "03-26 10:00", cancel("撤回")));
    assert_eq!(err.to_string(), "the run is cancelled and accepts no command cancel");
    let mut failed = run.clone();
    // Expert-a is required and has no fallback: denied, the run fails.
    failed.apply(&graph, &rev(deny("expert-a"))).unwrap();
    assert_eq!(failed.state(), RunState::Failed);
    let err = refused(&failed, &graph, &rev(approve("expert-b")));
    assert_eq!(err.to_string(), "the run is failed and accepts no command conclude_step");

    // The order of the checks: role, then time, then whether the run is
    // over, then the step.
    let err = refused(&done, &graph, &ev(Role::Applicant, "03-01 09:00", start("nope", "BJ-30")));
    assert!(matches!(err, RunError::RoleNotAllowed { .. }), "{err:?}");
    let err = refused(&done, &graph, &ev(Role::Reviewer, "03-01 09:00", start("nope", "BJ-30")));
    assert!(matches!(err, RunError::TimeWentBackwards { .. }), "{err:?}");
    let err = refused(&done, &graph, &ev(Role::Reviewer, "04-11 09:00", start("nope", "BJ-30")));
    assert!(matches!(err, RunError::RunOver { .. }), "{err:?}");

    // A status query for an unknown step.
    assert_eq!(
        run.status(&graph, &id("water-supply")).unwrap_err().to_string(),
        "the graph has no step water-supply"
    );
}

#[test]
fn replay_names_the_refused_event() {
    let graph = project();
    let mut events = history();
    // Planning started before the land is settled.
    events.insert(3, ev(Role::Reviewer, "03-04 09:30", start("planning", "BJ-05")));
    let err = GraphRun::replay(&graph, at(BEGIN), &events).unwrap_err();
    assert!(matches!(&err, RunError::Replay { index: 3, .. }), "{err:?}");
    assert_eq!(err.to_string(), "event 3 of the run's history was refused");
    let source = std::error::Error::source(&err).unwrap();
    assert_eq!(
        source.to_string(),
        "command start_step is not allowed for step planning, which is waiting"
    );
}

// ---------------------------------------------------------------------------
// Snapshot and record.

fn snapshot_fields(s: &RunSnapshot) -> (RunState, Vec<&str>, Vec<&str>, Vec<&str>, Vec<&str>) {
    (s.state, names(&s.ready), names(&s.in_progress), names(&s.overdue), names(&s.blocking))
}

#[test]
fn a_snapshot_of_the_run_in_progress() {
    let graph = project();
    let cal = WorkCalendar::china();
    let run = run_through(&graph, &history()[..IN_PROGRESS]);
    // Monday 30 March, 10 am. Expert-a (started 25 March, 2 days) was due
    // 27 March, review-agency (24 March, 3 days) too: both overdue, both
    // forecast to finish today. Expert-b is due 2 April; expert-c, ready,
    // would take 4 days from today: 3 April; review-inhouse is due 31
    // March. Fire takes the first review, today: 3 April. Structure takes
    // the second expert, expert-b on 2 April: 8 April (over Qingming).
    // Permit after both: 10 April. Expert-b drives structure, which drives
    // the permit.
    let now = at("03-30 10:00");
    let snap = run.snapshot(&graph, &cal, now).unwrap();
    assert_eq!(snap.at, now);
    assert_eq!(
        snapshot_fields(&snap),
        (
            RunState::Running,
            vec!["expert-c"],
            vec!["expert-a", "expert-b", "review-agency", "review-inhouse"],
            vec!["expert-a", "review-agency"],
            vec!["expert-b", "structure", "permit"],
        )
    );
    assert_eq!(snap.forecast_finish, d(4, 10));

    // On Friday 27 March at 10 am nothing is overdue yet: a limit ending on
    // a day ends at midnight. Expert-c would take until 2 April, like
    // expert-b (the smaller id first on the tie), so structure still waits
    // for expert-b.
    let earlier = run.snapshot(&graph, &cal, at("03-27 10:00")).unwrap();
    assert_eq!(names(&earlier.overdue), Vec::<&str>::new());
    assert_eq!(names(&earlier.blocking), ["expert-b", "structure", "permit"]);
    assert_eq!(earlier.forecast_finish, d(4, 10));

    // At the start the forecast is the plan: the critical path blocks.
    let fresh = GraphRun::new(&graph, at(BEGIN));
    let snap = fresh.snapshot(&graph, &cal, at(BEGIN)).unwrap();
    assert_eq!(
        snapshot_fields(&snap),
        (
            RunState::Running,
            vec!["filing"],
            vec![],
            vec![],
            vec!["filing", "environment", "planning", "expert-c", "structure", "permit"],
        )
    );
    assert_eq!(snap.forecast_finish, d(4, 7));

    // When the run is over, nothing blocks and the forecast is its end.
    let done = run_through(&graph, &history());
    let snap = done.snapshot(&graph, &cal, at("04-13 09:00")).unwrap();
    assert_eq!(snapshot_fields(&snap), (RunState::Completed, vec![], vec![], vec![], vec![]));
    assert_eq!(snap.forecast_finish, d(4, 10));

    // Outside the calendar.
    let err = run.snapshot(
        &graph,
        &cal,
        DateTime::parse_from_rfc3339("2027-01-04T09:00:00+08:00").unwrap(),
    );
    assert!(matches!(err, Err(GraphError::Calendar(_))), "{err:?}");
}

type RecordRow<'a> = (&'a str, u32, Option<u32>, Option<bool>);

#[test]
fn the_record_of_the_finished_run() {
    let graph = project();
    let cal = WorkCalendar::china();
    let run = run_through(&graph, &history());
    let record: RunRecord = run.record(&graph, &cal).unwrap();
    assert_eq!(record.planned_working_days, 25);
    assert_eq!(record.planned_finish, d(4, 7));
    // From 2 March to 10 April: 28 working days, three late.
    assert_eq!(record.actual_working_days, Some(28));
    assert_eq!(record.finish, Some(d(4, 10)));
    assert_eq!(record.on_time, Some(false));
    let rows: Vec<RecordRow<'_>> = record
        .steps
        .iter()
        .map(|s| (s.step.as_str(), s.limit, s.actual_working_days, s.on_time))
        .collect();
    // Working days from the day a step started to the day it was decided.
    let expected: [RecordRow<'_>; 13] = [
        ("energy", 3, None, None),                  // skipped
        ("environment", 8, Some(7), Some(true)),    // 4 → 13 March
        ("expert-a", 2, Some(3), Some(false)),      // 25 → 30 March
        ("expert-b", 6, Some(5), Some(true)),       // 25 March → 1 April
        ("expert-c", 4, None, None),                // not needed
        ("filing", 2, Some(1), Some(true)),         // 2 → 3 March
        ("fire", 4, Some(3), Some(true)),           // 31 March → 3 April
        ("land-transfer", 5, Some(4), Some(true)),  // 4 → 10 March, denied
        ("permit", 2, Some(2), Some(true)),         // 8 → 10 April
        ("planning", 6, Some(6), Some(true)),       // 16 → 24 March
        ("review-agency", 3, Some(4), Some(false)), // 24 → 30 March
        ("review-inhouse", 5, None, None),          // not needed
        ("structure", 3, Some(4), Some(false)),     // 1 → 8 April, over Qingming
    ];
    assert_eq!(rows, expected);

    // In progress: nothing has ended yet.
    let running = run_through(&graph, &history()[..IN_PROGRESS]);
    let record = running.record(&graph, &cal).unwrap();
    assert_eq!((record.actual_working_days, record.finish, record.on_time), (None, None, None));
    assert_eq!(record.planned_finish, d(4, 7));
    // A cancelled run has an end but no verdict.
    let mut cancelled = running.clone();
    cancelled.apply(&graph, &ev(Role::Agent, "03-26 10:00", cancel("撤回"))).unwrap();
    let record = cancelled.record(&graph, &cal).unwrap();
    assert_eq!(
        (record.actual_working_days, record.finish, record.on_time),
        (Some(18), Some(d(3, 26)), None)
    );
}

// ---------------------------------------------------------------------------
// Bad graphs: each fault through the builder, with its typed error and its
// message.

fn assert_graph_err(err: &GraphError, message: &str) {
    assert_eq!(err.to_string(), message, "{err:?}");
}

#[test]
fn bad_graphs_through_the_builder() {
    let err = ApprovalGraph::builder("empty", id("filing")).build().unwrap_err();
    assert_eq!(err, GraphError::Empty);
    assert_graph_err(&err, "an approval graph needs at least one step");

    let mut steps = project_steps();
    steps.push(step("energy", "JN-SC-02", "development-reform", 3).after(ids(&["filing"])));
    let err = build_err(steps);
    assert!(matches!(&err, GraphError::DuplicateStep { step, .. } if step.as_str() == "energy"));
    assert_graph_err(&err, "step energy is defined twice");

    let err = builder_with(project_steps()).stage(construction()).build().unwrap_err();
    assert!(
        matches!(&err, GraphError::DuplicateStage { stage, .. } if stage.as_str() == "construction")
    );
    assert_graph_err(&err, "stage construction is defined twice");

    let err = build_err(edited("structure", |s| s.after(ids(&["expert-d"]))));
    assert!(matches!(&err, GraphError::UnknownStep { step, referenced_by, .. }
        if step.as_str() == "expert-d" && referenced_by.as_str() == "structure"));
    assert_graph_err(&err, "step structure refers to unknown step expert-d");

    let err = build_err(edited("energy", |s| s.in_stage(stage_id("land_use"))));
    assert!(matches!(&err, GraphError::UnknownStage { stage, step, .. }
        if stage.as_str() == "land_use" && step.as_str() == "energy"));
    assert_graph_err(&err, "step energy is in unknown stage land_use");

    let err = project_steps()
        .into_iter()
        .fold(
            ApprovalGraph::builder("x", id("project-filing"))
                .stage(land_use())
                .stage(construction()),
            |b, s| b.step(s),
        )
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, GraphError::UnknownStart { step, .. } if step.as_str() == "project-filing")
    );
    assert_graph_err(&err, "the start step project-filing is not in the graph");

    let err = build_err(edited("filing", |s| s.after(ids(&["environment"]))));
    assert!(
        matches!(&err, GraphError::StartHasPredecessors { step, .. } if step.as_str() == "filing")
    );
    assert_graph_err(&err, "the start step filing must not come after other steps");

    let err = build_err(edited("filing", |s| s.in_stage(stage_id("construction"))));
    assert!(matches!(&err, GraphError::StartNotInFirstStage { step, stage, .. }
        if step.as_str() == "filing" && stage.as_str() == "construction"));
    assert_graph_err(&err, "the start step filing is in stage construction, not the first stage");

    // A loop of four: planning after fire, which waits for the reviews,
    // which wait for planning. Every step on it is named, in id order.
    let err = build_err(edited("planning", |s| s.after(ids(&["fire"]))));
    assert!(matches!(&err, GraphError::Cycle { steps, stages, .. }
        if *steps == ids(&["fire", "planning", "review-agency", "review-inhouse"])
            && stages.is_empty()));
    assert_graph_err(
        &err,
        "steps fire, planning, review-agency, review-inhouse wait for each other in a cycle",
    );
    // A loop closed by a stage gate: environment (land-use, required) after
    // planning, which waits for the land-use gate, which waits for
    // environment.
    let err = build_err(edited("environment", |s| s.after(ids(&["planning"]))));
    assert!(matches!(&err, GraphError::Cycle { steps, stages, .. }
        if *steps == ids(&["environment", "planning"]) && *stages == [stage_id("land-use")]));
    assert_graph_err(&err, "steps environment, planning wait for each other in a cycle");
    // A step after itself.
    let err = build_err(edited("fire", |s| s.after(ids(&["fire"]))));
    assert!(matches!(&err, GraphError::Cycle { steps, stages, .. }
        if *steps == ids(&["fire"]) && stages.is_empty()));
    assert_graph_err(&err, "steps fire wait for each other in a cycle");

    // A step with no predecessor outside the start: nothing reaches it.
    let mut steps = project_steps();
    steps.push(step("water", "SW-01", "water-utility", 1).in_stage(stage_id("land-use")));
    let err = build_err(steps);
    assert!(matches!(&err, GraphError::Unreachable { step, start, .. }
        if step.as_str() == "water" && start.as_str() == "filing"));
    assert_graph_err(&err, "step water cannot be reached from the start step filing");
    // In a later stage the gate reaches it: that is fine.
    let mut steps = project_steps();
    steps.push(step("water", "SW-01", "water-utility", 1).in_stage(stage_id("construction")));
    assert!(builder_with(steps).build().is_ok());

    let err = build_err(edited("structure", |s| s.join(Join::AtLeast { k: 4 })));
    assert!(matches!(&err, GraphError::JoinTooLarge { step, k: 4, predecessors: 3, .. }
        if step.as_str() == "structure"));
    assert_graph_err(&err, "step structure joins at least 4 of only 3 predecessors");
    // An any-join needs one predecessor at least.
    let err = ApprovalGraph::builder("x", id("a"))
        .step(step("a", "A", "d", 1).join(Join::Any))
        .build()
        .unwrap_err();
    assert!(matches!(&err, GraphError::JoinTooLarge { step, k: 1, predecessors: 0, .. }
        if step.as_str() == "a"));
    assert_graph_err(&err, "step a joins at least 1 of only 0 predecessors");
    // k equal to the number of predecessors is fine.
    assert!(builder_with(edited("structure", |s| s.join(Join::AtLeast { k: 3 }))).build().is_ok());

    let err = build_err(edited("structure", |s| s.join(Join::AtLeast { k: 0 })));
    assert!(matches!(&err, GraphError::JoinZero { step, .. } if step.as_str() == "structure"));
    assert_graph_err(&err, "step structure joins at least 0 predecessors; use at least 1");

    let mut steps = project_steps();
    steps[3] = Step::new(
        id("environment"),
        ItemCode::new("HP-SP-01").unwrap(),
        DepartmentId::new("ecology").unwrap(),
        TimeLimit::natural_days(60),
    )
    .in_stage(stage_id("land-use"))
    .after(ids(&["filing"]));
    let err = build_err(steps);
    assert!(matches!(&err, GraphError::LimitNotWorkingDays { step, limit, .. }
        if step.as_str() == "environment" && *limit == TimeLimit::natural_days(60)));
    assert_graph_err(
        &err,
        "step environment has limit 60 natural days; step limits count working days",
    );
    // A step limit in months is refused too.
    let mut steps = project_steps();
    steps[3] = Step::new(
        id("environment"),
        ItemCode::new("HP-SP-01").unwrap(),
        DepartmentId::new("ecology").unwrap(),
        TimeLimit::months(2),
    )
    .in_stage(stage_id("land-use"))
    .after(ids(&["filing"]));
    let err = build_err(steps);
    assert_graph_err(&err, "step environment has limit 2 months; step limits count working days");

    let fallback_err = |steps: Vec<Step>, s: &str, f: &str, message: &str| {
        let err = build_err(steps);
        assert!(
            matches!(&err, GraphError::InvalidFallback { step, fallback, .. }
                if step.as_str() == s && fallback.as_str() == f),
            "{err:?}"
        );
        assert_graph_err(&err, message);
    };
    fallback_err(
        edited("land-transfer", |s| s.fallback(id("land-rent"))),
        "land-transfer",
        "land-rent",
        "step land-transfer has fallback land-rent, which is not in the graph",
    );
    fallback_err(
        edited("land-transfer", |s| s.fallback(id("land-transfer"))),
        "land-transfer",
        "land-transfer",
        "step land-transfer has fallback land-transfer, which is the step itself",
    );
    fallback_err(
        edited("land-transfer", |s| s.fallback(id("filing"))),
        "land-transfer",
        "filing",
        "step land-transfer has fallback filing, which is the start step",
    );
    fallback_err(
        edited("land-transfer", |s| s.fallback(id("environment"))),
        "land-transfer",
        "environment",
        "step land-transfer has fallback environment, which comes after other steps; a \
         fallback runs only on denial",
    );
    // Environment (first in id order) claims the lease; land-transfer then
    // finds it taken.
    fallback_err(
        edited("environment", |s| s.fallback(id("land-lease"))),
        "land-transfer",
        "land-lease",
        "step land-transfer has fallback land-lease, which already stands in for another step",
    );
    fallback_err(
        edited("land-transfer", |s| s.after(ids(&["land-lease"]))),
        "land-transfer",
        "land-lease",
        "step land-transfer has fallback land-lease, which comes before it",
    );
    fallback_err(
        edited("planning", |s| s.after(ids(&["land-lease"]))),
        "land-transfer",
        "land-lease",
        "step land-transfer has fallback land-lease, which has steps after it; they should \
         come after the step it stands in for",
    );

    // Ids are checked when made.
    let err = StepId::new(" fire").unwrap_err();
    assert!(
        matches!(&err, GraphError::InvalidId { what: "step id", id, fault: "has surrounding whitespace", .. }
        if id == " fire")
    );
    assert_graph_err(&err, "step id \" fire\" has surrounding whitespace");
    assert_graph_err(&StageId::new("").unwrap_err(), "stage id \"\" is blank");
    assert_graph_err(
        &StepId::new("a\tb").unwrap_err(),
        "step id \"a\\tb\" holds a control character",
    );
}

// ---------------------------------------------------------------------------
// Steps against the catalog.

fn item(code: &str, statutory: TimeLimit) -> ApprovalItem {
    ApprovalItem::builder(ItemCode::new(code).unwrap(), code, DepartmentId::new("dept").unwrap())
        .statutory(statutory)
        .build()
        .unwrap()
}

fn catalog_with(edit: impl Fn(&str) -> Option<TimeLimit>) -> Catalog {
    let items = project_steps()
        .iter()
        .filter_map(|s| edit(s.item().as_str()).map(|limit| item(s.item().as_str(), limit)))
        .collect::<Vec<_>>();
    Catalog::new(items).unwrap()
}

#[test]
fn steps_are_checked_against_the_catalog() {
    let graph = project();
    let twenty = TimeLimit::working_days(20);
    graph.check_items(&catalog_with(|_| Some(twenty))).unwrap();
    // Limits equal to the statutory ones are fine.
    let exact = catalog_with(|code| {
        project_steps().into_iter().find(|s| s.item().as_str() == code).map(|s| s.limit())
    });
    graph.check_items(&exact).unwrap();

    // Two items missing: the first step in id order is named.
    let err = graph
        .check_items(&catalog_with(|code| {
            (code != "ZJ-PS-02" && code != "SG-XK-01").then_some(twenty)
        }))
        .unwrap_err();
    assert!(matches!(&err, GraphError::UnknownItem { step, item, .. }
        if step.as_str() == "expert-b" && item.as_str() == "ZJ-PS-02"));
    assert_graph_err(&err, "step expert-b handles item ZJ-PS-02, which is not in the catalog");

    // Environment takes 8 working days; the law allows 5.
    let err = graph
        .check_items(&catalog_with(|code| {
            Some(if code == "HP-SP-01" { TimeLimit::working_days(5) } else { twenty })
        }))
        .unwrap_err();
    assert!(matches!(&err, GraphError::LimitExceedsStatutory { step, item, limit, statutory, .. }
        if step.as_str() == "environment" && item.as_str() == "HP-SP-01"
            && *limit == TimeLimit::working_days(8) && *statutory == TimeLimit::working_days(5)));
    assert_graph_err(
        &err,
        "step environment has limit 8 working days, beyond the statutory limit 5 working days \
         of item HP-SP-01",
    );
    // Against natural days: 3 working days are surely more than 2 natural
    // days; 3 natural days are not compared further.
    let natural = |n| {
        catalog_with(move |code| {
            Some(if code == "JN-SC-01" { TimeLimit::natural_days(n) } else { twenty })
        })
    };
    let err = graph.check_items(&natural(2)).unwrap_err();
    assert_graph_err(
        &err,
        "step energy has limit 3 working days, beyond the statutory limit 2 natural days of \
         item JN-SC-01",
    );
    graph.check_items(&natural(3)).unwrap();
    // Against months: no n months span more than 31 n days, so 3 working
    // days are surely beyond 0 months and not compared with 1 month.
    let months = |n| {
        catalog_with(move |code| {
            Some(if code == "JN-SC-01" { TimeLimit::months(n) } else { twenty })
        })
    };
    assert_graph_err(
        &graph.check_items(&months(0)).unwrap_err(),
        "step energy has limit 3 working days, beyond the statutory limit 0 months of item \
         JN-SC-01",
    );
    graph.check_items(&months(1)).unwrap();
    // Working hours cannot be compared without a calendar.
    let hours = catalog_with(|code| {
        Some(if code == "JN-SC-01" { TimeLimit::working_hours(1) } else { twenty })
    });
    graph.check_items(&hours).unwrap();

    // The same graph decoded from JSON is checked the same way.
    let decoded: ApprovalGraph = serde_json::from_str(&data("golden/graph.json")).unwrap();
    assert_eq!(decoded.check_items(&natural(2)).unwrap_err(), err);
}

// ---------------------------------------------------------------------------
// The wire format.

#[test]
fn golden_json_graph() {
    let graph = project();
    let fixture = data("golden/graph.json");
    let json = serde_json::to_string_pretty(&graph).unwrap();
    assert_eq!(json, fixture.trim_end());
    let decoded: ApprovalGraph = serde_json::from_str(&fixture).unwrap();
    assert_eq!(decoded, graph);
    assert_eq!(decoded.name(), "产业园标准厂房项目");
    assert_eq!(decoded.start(), &id("filing"));
    assert_eq!(decoded.stages(), [land_use(), construction()]);
    assert_eq!(decoded.step(&id("fire")).unwrap().join_rule(), Join::Any);
    assert_eq!(decoded.step(&id("fire")).unwrap().name(), "消防设计审查");
}

#[test]
fn golden_json_run_and_history() {
    let graph = project();
    let history = history();
    let history_json = data("golden/graph_history.json");
    assert_eq!(serde_json::to_string_pretty(&history).unwrap(), history_json.trim_end());
    let decoded: Vec<RunEvent> = serde_json::from_str(&history_json).unwrap();
    assert_eq!(decoded, history);

    let run = run_through(&graph, &history[..IN_PROGRESS]);
    let run_json = data("golden/graph_run.json");
    assert_eq!(serde_json::to_string_pretty(&run).unwrap(), run_json.trim_end());
    let decoded: GraphRun = serde_json::from_str(&run_json).unwrap();
    assert_eq!(decoded, run);
    // The decoded run goes on like the original.
    let mut decoded = decoded;
    let mut original = run;
    for event in &history[IN_PROGRESS..] {
        assert_eq!(decoded.apply(&graph, event).unwrap(), original.apply(&graph, event).unwrap());
    }
    assert_eq!(decoded, original);
    assert_eq!(decoded.state(), RunState::Completed);
}

#[test]
fn golden_json_plan_snapshot_and_record() {
    let graph = project();
    let cal = WorkCalendar::china();
    let plan = Plan::new(&graph, &cal, d(3, 2)).unwrap();
    crate::golden::assert_golden("graph_plan.json", &plan);
    let run = run_through(&graph, &history()[..IN_PROGRESS]);
    let snapshot = run.snapshot(&graph, &cal, at("03-30 10:00")).unwrap();
    crate::golden::assert_golden("graph_snapshot.json", &snapshot);
    let done = run_through(&graph, &history());
    let record = done.record(&graph, &cal).unwrap();
    crate::golden::assert_golden("graph_record.json", &record);
}

/// (fixture, message): each fixture is the golden graph with one fault.
const INVALID: [(&str, &str); 20] = [
    ("graph_empty.json", "an approval graph needs at least one step"),
    ("graph_duplicate_step.json", "step energy is defined twice"),
    ("graph_duplicate_stage.json", "stage construction is defined twice"),
    ("graph_unknown_step.json", "step structure refers to unknown step expert-d"),
    ("graph_unknown_stage.json", "step energy is in unknown stage land_use"),
    ("graph_unknown_start.json", "the start step project-filing is not in the graph"),
    ("graph_start_has_predecessors.json", "the start step filing must not come after other steps"),
    (
        "graph_start_not_in_first_stage.json",
        "the start step filing is in stage construction, not the first stage",
    ),
    (
        "graph_cycle.json",
        "steps fire, planning, review-agency, review-inhouse wait for each other in a cycle",
    ),
    ("graph_stage_cycle.json", "steps environment, planning wait for each other in a cycle"),
    ("graph_unreachable.json", "step energy cannot be reached from the start step filing"),
    ("graph_join_too_large.json", "step structure joins at least 4 of only 3 predecessors"),
    (
        "graph_join_any_without_predecessors.json",
        "step filing joins at least 1 of only 0 predecessors",
    ),
    ("graph_join_zero.json", "step structure joins at least 0 predecessors; use at least 1"),
    (
        "graph_limit_not_working_days.json",
        "step environment has limit 60 natural days; step limits count working days",
    ),
    (
        "graph_fallback_unknown.json",
        "step land-transfer has fallback land-rent, which is not in the graph",
    ),
    (
        "graph_fallback_has_successors.json",
        "step land-transfer has fallback land-lease, which has steps after it; they should come \
         after the step it stands in for",
    ),
    ("graph_invalid_step_id.json", "step id \"fire \" has surrounding whitespace"),
    ("graph_invalid_stage_id.json", "stage id \"\" is blank"),
    (
        "graph_unknown_field.json",
        "unknown field `joins`, expected one of `id`, `name`, `item`, `department`, `limit`, \
         `stage`, `requirement`, `after`, `join`, `fallback`",
    ),
];

/// The message of a serde_json error without its trailing position, if it
/// has one (errors raised while checking the whole graph have none).
fn without_position(text: &str) -> &str {
    match text.rsplit_once(" at line ") {
        Some((message, position))
            if position
                .split_once(" column ")
                .is_some_and(|(l, c)| l.parse::<u32>().is_ok() && c.parse::<u32>().is_ok()) =>
        {
            message
        }
        _ => text,
    }
}

#[test]
fn bad_graphs_through_json() {
    for (file, message) in INVALID {
        let err =
            serde_json::from_str::<ApprovalGraph>(&data(&format!("invalid/{file}"))).unwrap_err();
        assert_eq!(without_position(&err.to_string()), message, "{file}");
    }
}

// Fixing the one fault gives back the golden graph.
#[test]
fn the_invalid_graph_fixtures_differ_from_the_golden_one_by_one_fault() {
    use serde_json::{json, Value};
    let golden: Value = serde_json::from_str(&data("golden/graph.json")).unwrap();
    let fixed = |file: &str, fix: &dyn Fn(&mut Value)| {
        let mut v: Value = serde_json::from_str(&data(&format!("invalid/{file}"))).unwrap();
        fix(&mut v);
        assert_eq!(v, golden, "{file}");
    };
    // Indices into the golden steps (in id order).
    let index =
        |s: &str| golden["steps"].as_array().unwrap().iter().position(|x| x["id"] == s).unwrap();
    fixed("graph_empty.json", &|v| v["steps"] = golden["steps"].clone());
    fixed("graph_duplicate_step.json", &|v| {
        v["steps"].as_array_mut().unwrap().pop();
    });
    fixed("graph_duplicate_stage.json", &|v| {
        v["stages"].as_array_mut().unwrap().pop();
    });
    fixed("graph_unknown_step.json", &|v| {
        v["steps"][index("structure")]["after"] = json!(["expert-a", "expert-b", "expert-c"]);
    });
    fixed("graph_unknown_stage.json", &|v| {
        v["steps"][index("energy")]["stage"] = json!("land-use")
    });
    fixed("graph_unknown_start.json", &|v| v["start"] = json!("filing"));
    fixed("graph_start_has_predecessors.json", &|v| {
        v["steps"][index("filing")]["after"] = json!([])
    });
    fixed("graph_start_not_in_first_stage.json", &|v| {
        v["steps"][index("filing")]["stage"] = json!("land-use");
    });
    fixed("graph_cycle.json", &|v| {
        v["steps"][index("planning")]["after"] = json!(["land-transfer"])
    });
    fixed("graph_stage_cycle.json", &|v| {
        v["steps"][index("environment")]["after"] = json!(["filing"])
    });
    fixed("graph_unreachable.json", &|v| v["steps"][index("energy")]["after"] = json!(["filing"]));
    fixed("graph_join_too_large.json", &|v| {
        v["steps"][index("structure")]["join"] = json!({"rule": "at_least", "k": 2});
    });
    fixed("graph_join_any_without_predecessors.json", &|v| {
        v["steps"][index("filing")]["join"] = json!({"rule": "all"});
    });
    fixed("graph_join_zero.json", &|v| {
        v["steps"][index("structure")]["join"] = json!({"rule": "at_least", "k": 2});
    });
    fixed("graph_limit_not_working_days.json", &|v| {
        v["steps"][index("environment")]["limit"] = json!({"amount": 8, "unit": "working_days"});
    });
    fixed("graph_fallback_unknown.json", &|v| {
        v["steps"][index("land-transfer")]["fallback"] = json!("land-lease");
    });
    fixed("graph_fallback_has_successors.json", &|v| {
        v["steps"][index("planning")]["after"] = json!(["land-transfer"]);
    });
    fixed("graph_invalid_step_id.json", &|v| {
        v["steps"][index("permit")]["after"] = json!(["fire", "structure"]);
    });
    fixed("graph_invalid_stage_id.json", &|v| v["stages"][1]["id"] = json!("construction"));
    fixed("graph_unknown_field.json", &|v| {
        let fire = v["steps"][index("fire")].as_object_mut().unwrap();
        let join = fire.remove("joins").unwrap();
        fire.insert("join".into(), join);
    });
}

// ---------------------------------------------------------------------------
// Determinism.

#[test]
fn insertion_order_does_not_matter() {
    let graph = project();
    let order: Vec<&str> = graph.topological_order().map(|s| s.id().as_str()).collect();
    // Kahn's algorithm, smallest id first among the ready: the land-use
    // gate comes after land-transfer (and its fallback), planning after the
    // gate.
    assert_eq!(
        order,
        [
            "filing",
            "energy",
            "environment",
            "land-transfer",
            "land-lease",
            "planning",
            "expert-a",
            "expert-b",
            "expert-c",
            "review-agency",
            "review-inhouse",
            "fire",
            "structure",
            "permit",
        ]
    );
    let in_id_order: Vec<&str> = graph.steps().iter().map(|s| s.id().as_str()).collect();
    let mut sorted = in_id_order.clone();
    sorted.sort_unstable();
    assert_eq!(in_id_order, sorted);

    // Reversed, and rotated: the same graph, the same order.
    let mut reversed = project_steps();
    reversed.reverse();
    let mut rotated = project_steps();
    rotated.rotate_left(5);
    for steps in [reversed, rotated] {
        let other = builder_with(steps).build().unwrap();
        assert_eq!(other, graph);
        let other_order: Vec<&str> = other.topological_order().map(|s| s.id().as_str()).collect();
        assert_eq!(other_order, order);
        assert_eq!(serde_json::to_string(&other).unwrap(), serde_json::to_string(&graph).unwrap());
    }
    // JSON with the steps in another order decodes to the same graph.
    let mut value = serde_json::to_value(&graph).unwrap();
    value["steps"].as_array_mut().unwrap().reverse();
    assert_eq!(serde_json::from_value::<ApprovalGraph>(value).unwrap(), graph);
}

#[test]
fn graph_types_are_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ApprovalGraph>();
    assert_send_sync::<GraphError>();
    assert_send_sync::<GraphRun>();
    assert_send_sync::<RunError>();
    assert_send_sync::<Plan>();
    assert_send_sync::<RunSnapshot>();
    assert_send_sync::<RunRecord>();
}

// ---------------------------------------------------------------------------
// Skipping a step that still waits.

/// `a`, then the required `r` (2 days; with fallback `f`, 3 days, if
/// `fallback`), then the optional `o`, then `e`.
fn skip_behind_a_required_step(fallback: bool) -> ApprovalGraph {
    let st = |s: &str, days: u32, after: &[&str]| step(s, s, "dept", days).after(ids(after));
    let mut r = st("r", 2, &["a"]);
    let mut builder = ApprovalGraph::builder("skip", id("a")).step(st("a", 1, &[]));
    if fallback {
        r = r.fallback(id("f"));
        builder = builder.step(st("f", 3, &[]));
    }
    builder
        .step(r)
        .step(st("o", 1, &["r"]).requirement(Requirement::Optional))
        .step(st("e", 1, &["o"]))
        .build()
        .unwrap()
}

// The optional `o` is skipped while it still waits for the required `r`:
// it counts as passed only once its own join is met, so `e` waits for `r`
// (or the fallback standing in for it) and the run fails if `r` is denied
// with nothing to stand in.
#[test]
fn a_skipped_step_still_waits_for_a_denied_required_step() {
    let prefix = [
        (Role::Reviewer, start("a", "C-1")),
        (Role::Reviewer, approve("a")),
        (Role::Reviewer, start("r", "C-2")),
    ];

    // No fallback: skipping `o` changes nothing else; `r` stays needed and
    // its denial fails the run.
    let graph = skip_behind_a_required_step(false);
    let mut run = drive(&graph, &prefix);
    let t = run.apply(&graph, &ev(Role::SpecialTeam, "03-02 14:00", skip("o"))).unwrap();
    assert_eq!(changes(&t), [("o", K::Waiting, K::Skipped)]);
    assert_eq!(
        pending(&run, &graph),
        [("e".to_string(), K::Waiting), ("r".to_string(), K::InProgress)]
    );
    let t = run.apply(&graph, &ev(Role::DepartmentHead, "03-03 10:00", deny("r"))).unwrap();
    assert_eq!((t.run.from, t.run.to), (RunState::Running, RunState::Failed));
    assert_eq!(changes(&t), [("r", K::InProgress, K::Denied), ("e", K::Waiting, K::NotNeeded)]);

    // With a fallback: `f` stands in and `e` waits for it.
    let graph = skip_behind_a_required_step(true);
    let mut run = drive(&graph, &prefix);
    run.apply(&graph, &ev(Role::SpecialTeam, "03-02 14:00", skip("o"))).unwrap();
    let t = run.apply(&graph, &ev(Role::DepartmentHead, "03-03 10:00", deny("r"))).unwrap();
    assert_eq!(t.run.to, RunState::Running);
    assert_eq!(changes(&t), [("r", K::InProgress, K::Denied), ("f", K::Waiting, K::Ready)]);
    assert_eq!(run.status(&graph, &id("e")).unwrap().kind(), K::Waiting);
    // The forecast waits for the fallback too: `f` takes 3 days from
    // Tuesday 3 March (6 March), `o` passes then, `e` takes one more day
    // (9 March); `f` blocks.
    let snap = run.snapshot(&graph, &WorkCalendar::china(), at("03-03 11:00")).unwrap();
    assert_eq!(names(&snap.blocking), ["f", "e"]);
    assert_eq!(snap.forecast_finish, d(3, 9));
    let before_fallback = run.clone();

    // The fallback approved: `o` passes and `e` is ready; the run completes.
    run.apply(&graph, &ev(Role::Reviewer, "03-03 11:00", start("f", "C-3"))).unwrap();
    let t = run.apply(&graph, &ev(Role::Reviewer, "03-05 10:00", approve("f"))).unwrap();
    assert_eq!(changes(&t), [("f", K::InProgress, K::Approved), ("e", K::Waiting, K::Ready)]);
    run.apply(&graph, &ev(Role::Reviewer, "03-05 11:00", start("e", "C-4"))).unwrap();
    let t = run.apply(&graph, &ev(Role::Reviewer, "03-06 10:00", approve("e"))).unwrap();
    assert_eq!(t.run.to, RunState::Completed);
    assert_eq!(
        kinds(&run, &graph),
        [
            ("a".to_string(), K::Approved),
            ("e".to_string(), K::Approved),
            ("f".to_string(), K::Approved),
            ("o".to_string(), K::Skipped),
            ("r".to_string(), K::Denied),
        ]
    );

    // The fallback denied as well: nothing is left to stand in for `r`.
    let mut run = before_fallback;
    run.apply(&graph, &ev(Role::Reviewer, "03-03 11:00", start("f", "C-3"))).unwrap();
    let t = run.apply(&graph, &ev(Role::DepartmentHead, "03-05 10:00", deny("f"))).unwrap();
    assert_eq!((t.run.from, t.run.to), (RunState::Running, RunState::Failed));
    assert_eq!(run.status(&graph, &id("e")).unwrap().kind(), K::NotNeeded);
}

// A skipped step that still waits holds its predecessors as a waiting step
// would, and lets them go when nothing waits for it any more: here `t`
// takes any of `o` (optional, skipped behind the denied `r`) and `q`. Once
// `q` is approved, `t` is ready without `o`, so neither `r` nor the
// fallback standing in for it is needed. (The fallback's id sorts after
// `o`, so the machine looks at it before it sees that `o` lets `r` go.)
#[test]
fn a_skipped_step_left_behind_by_a_join_lets_its_predecessors_go() {
    let st = |s: &str, after: &[&str]| step(s, s, "dept", 1).after(ids(after));
    let graph = ApprovalGraph::builder("skip", id("a"))
        .step(st("a", &[]))
        .step(st("r", &["a"]).fallback(id("stand-in")))
        .step(st("stand-in", &[]))
        .step(st("o", &["r"]).requirement(Requirement::Optional))
        .step(st("q", &["a"]))
        .step(st("t", &["o", "q"]).join(Join::Any))
        .build()
        .unwrap();
    let mut run = drive(
        &graph,
        &[
            (Role::Reviewer, start("a", "C-1")),
            (Role::Reviewer, approve("a")),
            (Role::SpecialTeam, skip("o")),
            (Role::Reviewer, start("r", "C-2")),
            (Role::Reviewer, deny("r")),
            (Role::Reviewer, start("q", "C-3")),
        ],
    );
    // Until then `o` holds `r`, so the fallback stands in.
    assert_eq!(run.status(&graph, &id("stand-in")).unwrap().kind(), K::Ready);
    let t = run.apply(&graph, &ev(Role::Reviewer, "03-03 10:00", approve("q"))).unwrap();
    assert_eq!(
        changes(&t),
        [
            ("q", K::InProgress, K::Approved),
            ("t", K::Waiting, K::Ready),
            ("stand-in", K::Ready, K::NotNeeded)
        ]
    );
    assert_eq!(pending(&run, &graph), [("t".to_string(), K::Ready)]);
}

// ---------------------------------------------------------------------------
// Bugs found in the run machine, each kept as a test stating the behaviour
// the docs promise (all fixed now).

/// A small graph: `a`, then `b` (with fallback `f`) and `c`, both feeding
/// `t` through an any-join.
fn fallback_on_a_branch(b: Requirement) -> ApprovalGraph {
    let st = |s: &str, after: &[&str]| step(s, s, "dept", 1).after(ids(after));
    ApprovalGraph::builder("branch", id("a"))
        .step(st("a", &[]))
        .step(st("b", &["a"]).requirement(b).fallback(id("f")))
        .step(st("c", &["a"]))
        .step(st("t", &["b", "c"]).join(Join::Any))
        .step(st("f", &[]))
        .build()
        .unwrap()
}

fn drive(graph: &ApprovalGraph, commands: &[(Role, RunCommand)]) -> GraphRun {
    let mut run = GraphRun::new(graph, at(BEGIN));
    for (i, (role, command)) in commands.iter().enumerate() {
        let when = format!("03-02 {:02}:00", 10 + i);
        run.apply(graph, &ev(*role, &when, command.clone())).unwrap();
    }
    run
}

fn pending(run: &GraphRun, graph: &ApprovalGraph) -> Vec<(String, K)> {
    kinds(run, graph)
        .into_iter()
        .filter(|(_, k)| matches!(k, K::Waiting | K::Ready | K::InProgress))
        .collect()
}

// The docs: "The run completes when no step is pending", and a fallback is
// "not needed" once its step no longer needs standing in for. Here `b` is
// optional and skipped: its fallback `f` stays waiting forever, nothing is
// ready or under way, and the run never completes.
#[test]
fn a_fallback_whose_step_is_skipped_is_not_left_waiting() {
    let graph = fallback_on_a_branch(Requirement::Optional);
    let run = drive(
        &graph,
        &[
            (Role::Reviewer, start("a", "C-1")),
            (Role::Reviewer, approve("a")),
            // Skipped, `b` counts as passed: `t` is ready, `c` not needed.
            (Role::SpecialTeam, skip("b")),
            (Role::Reviewer, start("t", "C-3")),
            (Role::Reviewer, approve("t")),
        ],
    );
    assert_eq!(pending(&run, &graph), [], "nothing can move");
    assert_eq!(run.state(), RunState::Completed);
}

// The same with `b` required and dropped by the any-join of `t` (`c` came
// first): `b` is not needed, but its fallback still waits.
#[test]
fn a_fallback_whose_step_is_no_longer_needed_is_not_left_waiting() {
    let graph = fallback_on_a_branch(Requirement::Required);
    let run = drive(
        &graph,
        &[
            (Role::Reviewer, start("a", "C-1")),
            (Role::Reviewer, approve("a")),
            (Role::Reviewer, start("c", "C-2")),
            (Role::Reviewer, approve("c")),
            (Role::Reviewer, start("t", "C-3")),
            (Role::Reviewer, approve("t")),
        ],
    );
    assert_eq!(run.status(&graph, &id("b")).unwrap().kind(), K::NotNeeded);
    assert_eq!(pending(&run, &graph), [], "nothing can move");
    assert_eq!(run.state(), RunState::Completed);
}

// Once the land transfer is denied, the land-use gate waits for the lease
// (under way since 11 March, due 17 March), as the run itself does. The
// snapshot counts the denied transfer as done on 10 March instead: after
// environment is approved on 13 March it forecasts planning from that day,
// a finish on 3 April, and does not name the lease as blocking. With the
// gate on 17 March: planning to 25 March, the reviews and experts after
// it, permit on 8 April.
#[test]
fn the_forecast_waits_for_a_fallback_under_way() {
    let graph = project();
    let cal = WorkCalendar::china();
    let run = run_through(&graph, &history()[..8]);
    let snap = run.snapshot(&graph, &cal, at("03-13 17:00")).unwrap();
    assert_eq!(names(&snap.in_progress), ["land-lease"]);
    assert_eq!(snap.forecast_finish, d(4, 8));
    assert_eq!(
        names(&snap.blocking),
        ["land-lease", "planning", "expert-c", "structure", "permit"]
    );
}

// A settled status is final: a skipped (optional) fallback should not come
// back to ready when its step is denied later; with no fallback left the
// required step's denial fails the run. Today the fallback goes from
// skipped to ready.
#[test]
fn a_skipped_fallback_stays_skipped() {
    let st = |s: &str, after: &[&str]| step(s, s, "dept", 1).after(ids(after));
    let graph = ApprovalGraph::builder("g", id("a"))
        .step(st("a", &[]))
        .step(st("b", &["a"]).fallback(id("f")))
        .step(st("f", &[]).requirement(Requirement::Optional))
        .build()
        .unwrap();
    let run = drive(
        &graph,
        &[
            (Role::SpecialTeam, skip("f")),
            (Role::Reviewer, start("a", "C-1")),
            (Role::Reviewer, approve("a")),
            (Role::Reviewer, start("b", "C-2")),
            (Role::Reviewer, deny("b")),
        ],
    );
    assert_eq!(run.status(&graph, &id("f")).unwrap().kind(), K::Skipped);
    assert_eq!(run.state(), RunState::Failed);
}

/// `a`, then `b` (required, 1 day, with the optional fallback `f`), then
/// `c`; `f` has the optional fallback `g` of `g_days` when given.
fn fallback_chain(g_days: Option<u32>) -> ApprovalGraph {
    let st = |s: &str, days, after: &[&str]| step(s, s, "dept", days).after(ids(after));
    let f = st("f", 1, &[]).requirement(Requirement::Optional);
    let mut builder = ApprovalGraph::builder("g", id("a"))
        .step(st("a", 1, &[]))
        .step(st("b", 1, &["a"]).fallback(id("f")))
        .step(st("c", 1, &["b"]));
    builder = match g_days {
        Some(days) => builder
            .step(f.fallback(id("g")))
            .step(st("g", days, &[]).requirement(Requirement::Optional)),
        None => builder.step(f),
    };
    builder.build().unwrap()
}

/// `b` denied, so `f` stands in; then `f` given up (skipped).
fn deny_b_then_give_up_f() -> Vec<(Role, RunCommand)> {
    vec![
        (Role::Reviewer, start("a", "C-1")),
        (Role::Reviewer, approve("a")),
        (Role::Reviewer, start("b", "C-2")),
        (Role::Reviewer, deny("b")),
        (Role::SpecialTeam, skip("f")),
    ]
}

// A fallback standing in for a denied required step is skipped (it is
// optional): nothing stands in for the step any more, so the run fails, as
// it does when the fallback is skipped before the denial. (It once stayed
// running with nothing ready or under way: `c` waited for a step that
// could no longer pass.)
#[test]
fn skipping_a_fallback_standing_in_fails_the_run() {
    let graph = fallback_chain(None);
    let run = drive(&graph, &deny_b_then_give_up_f());
    assert_eq!(pending(&run, &graph), [], "nothing can move");
    assert_eq!(run.state(), RunState::Failed);
}

// Giving up a fallback that stands in hands over to its own fallback, as
// its denial would; once that one is approved, the step after is ready.
#[test]
fn skipping_a_fallback_standing_in_hands_over_to_the_next() {
    let graph = fallback_chain(Some(1));
    let mut commands = deny_b_then_give_up_f();
    let run = drive(&graph, &commands);
    assert_eq!(run.state(), RunState::Running);
    assert_eq!(run.status(&graph, &id("g")).unwrap().kind(), K::Ready);
    assert_eq!(run.status(&graph, &id("c")).unwrap().kind(), K::Waiting);
    commands.extend([(Role::Reviewer, start("g", "C-3")), (Role::Reviewer, approve("g"))]);
    let run = drive(&graph, &commands);
    assert_eq!(run.status(&graph, &id("c")).unwrap().kind(), K::Ready);
}

// The forecast follows the hand-over too: with `f` given up, the 20-day
// `g` stands in for `b`, so `c` finishes after it and `g` is blocking.
#[test]
fn the_forecast_follows_a_fallback_taking_over_from_a_skipped_one() {
    let graph = fallback_chain(Some(20));
    let run = drive(&graph, &deny_b_then_give_up_f());
    let snap = run.snapshot(&graph, &WorkCalendar::china(), at("03-02 16:00")).unwrap();
    // 20 working days after Monday 2 March is Monday 30 March; `c` a day
    // later.
    assert_eq!(snap.forecast_finish, d(3, 31));
    assert!(snap.blocking.contains(&id("g")), "{:?}", snap.blocking);
}

// A step skipped before its join was met passes when the join is met, not
// on the day it was skipped: the forecast never moves back to it.
#[test]
fn a_step_skipped_early_passes_when_its_join_is_met() {
    let graph = ApprovalGraph::builder("skip", id("land"))
        .step(step("land", "land", "dept", 10))
        .step(
            step("energy", "energy", "dept", 1)
                .after(ids(&["land"]))
                .requirement(Requirement::Optional),
        )
        .build()
        .unwrap();
    let cal = WorkCalendar::china();
    let mut run = GraphRun::new(&graph, at(BEGIN));
    run.apply(&graph, &ev(Role::SpecialTeam, "03-02 10:00", skip("energy"))).unwrap();
    run.apply(&graph, &ev(Role::Reviewer, "03-02 11:00", start("land", "C-1"))).unwrap();
    // Ten working days from 2 March: Monday 16 March.
    let snap = run.snapshot(&graph, &cal, at("03-05 10:00")).unwrap();
    assert_eq!(snap.forecast_finish, d(3, 16));
    run.apply(&graph, &ev(Role::Reviewer, "03-13 10:00", approve("land"))).unwrap();
    assert_eq!(run.state(), RunState::Completed);
    let snap = run.snapshot(&graph, &cal, at("03-13 12:00")).unwrap();
    assert_eq!(snap.forecast_finish, d(3, 13));
}

// Two any-joins sharing a predecessor `k` (ready, never started): `m` any
// of `x`, `k`; `t` any of `k`, `m`, `y`. With `x` and `y` under way, the
// order in which they are approved decides whether `k` is dropped:
//
// - `y` first: `t` is ready; of its other predecessors `k` is kept (`m`
//   still waits for it) and then `m` is dropped. Approving `x` changes
//   nothing. `k` stays ready though nothing waits for it any more, and the
//   run cannot complete until someone handles it.
// - `x` first: `m` is ready (`k` kept for `t`); then `y`: `t` is ready and
//   both `k` and `m` are dropped.
//
// Dropping is propagated to a fixed point: whatever the order, `k` and `m`
// end not needed once `t` is ready. One order makes `x` moot before it is
// concluded (it is dropped, and its late conclusion is refused); the other
// concludes it first. Everything else ends the same.
#[test]
fn concluding_concurrent_steps_in_either_order_gives_the_same_run() {
    let st = |s: &str, after: &[&str]| step(s, s, "dept", 1).after(ids(after));
    let graph = ApprovalGraph::builder("shared", id("a"))
        .step(st("a", &[]))
        .step(st("x", &["a"]))
        .step(st("y", &["a"]))
        .step(st("k", &["a"]))
        .step(st("m", &["x", "k"]).join(Join::Any))
        .step(st("t", &["k", "m", "y"]).join(Join::Any))
        .build()
        .unwrap();
    let base = drive(
        &graph,
        &[
            (Role::Reviewer, start("a", "C-1")),
            (Role::Reviewer, approve("a")),
            (Role::Reviewer, start("x", "C-2")),
            (Role::Reviewer, start("y", "C-3")),
        ],
    );
    let both = |first: &str, second: &str| {
        let mut run = base.clone();
        for s in [first, second] {
            let event = ev(Role::Reviewer, "03-03 09:00", approve(s));
            if run.status(&graph, &id(s)).unwrap().kind() == K::InProgress {
                run.apply(&graph, &event).unwrap();
            } else {
                let before = run.clone();
                assert!(matches!(run.apply(&graph, &event), Err(RunError::StepNotAllowed { .. })));
                assert_eq!(run, before);
            }
        }
        run
    };
    let (xy, yx) = (both("x", "y"), both("y", "x"));
    for s in ["k", "m"] {
        assert_eq!(xy.status(&graph, &id(s)).unwrap().kind(), K::NotNeeded, "{s}");
        assert_eq!(yx.status(&graph, &id(s)).unwrap().kind(), K::NotNeeded, "{s}");
    }
    assert_eq!(xy.status(&graph, &id("x")).unwrap().kind(), K::Approved);
    assert_eq!(yx.status(&graph, &id("x")).unwrap().kind(), K::NotNeeded);
    let without_x = |run: &GraphRun| {
        kinds(run, &graph).into_iter().filter(|(s, _)| s != "x").collect::<Vec<_>>()
    };
    assert_eq!(without_x(&xy), without_x(&yx));
}

// `t` joins at least 2 of `o` (optional), `p` and `q`. With `o` skipped the
// run counts it as passed, so `t` needs one more: `p`, due 4 March, then
// one day: 5 March, `p` blocking. The snapshot leaves skipped steps out of
// the join instead and waits for the second of `p` and `q`: 10 March.
#[test]
fn the_forecast_counts_a_skipped_step_toward_an_at_least_join() {
    let st = |s: &str, days: u32, after: &[&str]| step(s, s, "dept", days).after(ids(after));
    let graph = ApprovalGraph::builder("skip", id("a"))
        .step(st("a", 1, &[]))
        .step(st("o", 1, &["a"]).requirement(Requirement::Optional))
        .step(st("p", 2, &["a"]))
        .step(st("q", 5, &["a"]))
        .step(st("t", 1, &["o", "p", "q"]).join(Join::AtLeast { k: 2 }))
        .build()
        .unwrap();
    let run = drive(
        &graph,
        &[
            (Role::Reviewer, start("a", "C-1")),
            (Role::Reviewer, approve("a")),
            (Role::SpecialTeam, skip("o")),
            (Role::Reviewer, start("p", "C-2")),
            (Role::Reviewer, start("q", "C-3")),
        ],
    );
    let snap = run.snapshot(&graph, &WorkCalendar::china(), at("03-02 18:00")).unwrap();
    assert_eq!(snap.forecast_finish, d(3, 5));
    assert_eq!(names(&snap.blocking), ["p", "t"]);
    // What the run does: `p` approved, `t` is ready.
    let mut later = run.clone();
    let t = later.apply(&graph, &ev(Role::Reviewer, "03-04 09:00", approve("p"))).unwrap();
    assert!(changes(&t).contains(&("t", K::Waiting, K::Ready)));
}

// Working days are `u32`; the passes add them unchecked. A what-if with a
// huge delay (or a step with a huge limit) overflows: a panic in debug
// builds, a wrapped schedule in release ones, instead of the calendar
// error for a date out of range.
#[test]
fn a_huge_delay_is_an_error_not_an_overflow() {
    let graph = project();
    let cal = WorkCalendar::china();
    let plan = Plan::new(&graph, &cal, d(3, 2)).unwrap();
    let err = plan.what_if(&graph, &cal, &id("filing"), u32::MAX).unwrap_err();
    assert!(matches!(err, GraphError::Calendar(_)), "{err:?}");
}

// ---------------------------------------------------------------------------
// Size: a chain of ApprovalGraph::MAX_STEPS steps validates without
// recursion (on a 2 MiB thread stack), one more step is refused.

/// A chain s00000 <- s00001 <- ... of `n` steps, closed into a loop from the
/// last step back to the second if `looped`.
fn chain(n: usize, looped: bool) -> shenpi::graph::ApprovalGraphBuilder {
    let name = |i: usize| format!("s{i:05}");
    (0..n).fold(ApprovalGraph::builder("chain", id(&name(0))), |b, i| {
        let mut after = Vec::new();
        if i > 0 {
            after.push(id(&name(i - 1)));
        }
        if looped && i == 1 {
            after.push(id(&name(n - 1)));
        }
        b.step(step(&name(i), "XK-1", "dept", 1).after(after))
    })
}

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().unwrap()
}

#[test]
fn a_chain_of_max_steps_validates_on_a_small_stack() {
    let max = ApprovalGraph::MAX_STEPS;
    let graph = on_small_stack(move || chain(max, false).build()).unwrap();
    assert_eq!(graph.steps().len(), max);
    let order: Vec<&str> = graph.topological_order().map(|s| s.id().as_str()).collect();
    assert_eq!(order.first(), Some(&"s00000"));
    assert_eq!(order.last(), Some(&format!("s{:05}", max - 1).as_str()));

    // Through JSON too, which goes through the same checks.
    let json = serde_json::to_string(&graph).unwrap();
    let decoded = on_small_stack(move || serde_json::from_str::<ApprovalGraph>(&json)).unwrap();
    assert_eq!(decoded, graph);
}

#[test]
fn a_long_loop_is_found_on_a_small_stack() {
    let max = ApprovalGraph::MAX_STEPS;
    let err = on_small_stack(move || chain(max, true).build()).unwrap_err();
    match &err {
        GraphError::Cycle { steps, stages, .. } => {
            assert_eq!(steps.len(), max - 1);
            assert_eq!(steps[0].as_str(), "s00001");
            assert_eq!(steps[max - 2].as_str(), format!("s{:05}", max - 1));
            assert!(stages.is_empty());
        }
        other => panic!("expected a cycle, got {other:?}"),
    }
}

#[test]
fn one_step_more_than_max_steps_is_refused() {
    let max = ApprovalGraph::MAX_STEPS;
    let err = on_small_stack(move || chain(max + 1, false).build()).unwrap_err();
    assert!(matches!(err, GraphError::TooManySteps { steps, max: m, .. }
        if steps == max + 1 && m == max));
    assert_graph_err(&err, "the graph has 10001 steps, more than the maximum 10000");

    // Decoding reports it at `steps`.
    let steps: Vec<serde_json::Value> = (0..=max)
        .map(|i| {
            serde_json::json!({
                "id": format!("s{i:05}"), "item": "XK-1", "department": "dept",
                "limit": {"amount": 1, "unit": "working_days"},
            })
        })
        .collect();
    let json = serde_json::json!({"name": "big", "start": "s00000", "steps": steps}).to_string();
    let err = shenpi::json::from_str::<ApprovalGraph>(&json).unwrap_err();
    assert_eq!(err.path(), "steps", "{err}");
    assert!(err.to_string().contains("more than the maximum 10000"), "{err}");
}

// ---------------------------------------------------------------------------
// Run snapshots: each inconsistency is refused with its typed error.

fn golden_run_value() -> serde_json::Value {
    serde_json::from_str(&data("golden/graph_run.json")).unwrap()
}

/// The golden run, edited, must be refused for `what`.
fn refused_run(edit: impl FnOnce(&mut serde_json::Value), what: &str) {
    let mut value = golden_run_value();
    edit(&mut value);
    let err = serde_json::from_value::<GraphRun>(value.clone()).unwrap_err();
    assert_eq!(err.to_string(), format!("inconsistent run snapshot: {what}"));
    let err = shenpi::json::from_str::<GraphRun>(&value.to_string()).unwrap_err();
    assert!(err.to_string().contains(what), "{err}");
}

/// Every step of the golden run marked not needed at its last event.
fn settle_all(v: &mut serde_json::Value) {
    let last = v["last_at"].clone();
    for s in v["steps"].as_array_mut().unwrap() {
        if s["status"] != "done" {
            *s = serde_json::json!({"status": "not_needed", "at": last});
        }
    }
}

#[test]
fn inconsistent_run_snapshots_are_refused() {
    use serde_json::json;
    // The golden run and its end state decode.
    let run: GraphRun = serde_json::from_value(golden_run_value()).unwrap();
    assert_eq!(run.state(), RunState::Running);
    let mut failed = golden_run_value();
    settle_all(&mut failed);
    failed["state"] = json!("failed");
    failed["ended_at"] = failed["last_at"].clone();
    let failed: GraphRun = serde_json::from_value(failed).unwrap();
    assert_eq!(failed.state(), RunState::Failed);

    // The reported case: completed with every step waiting, no end, last
    // event before the start.
    refused_run(
        |v| {
            v["state"] = json!("completed");
            for s in v["steps"].as_array_mut().unwrap() {
                *s = json!({"status": "waiting"});
            }
            v["last_at"] = json!("2026-03-01T09:00:00+08:00");
        },
        "last_at is before started_at",
    );
    refused_run(|v| v["state"] = json!("completed"), "an over run without ended_at");
    refused_run(|v| v["ended_at"] = v["last_at"].clone(), "ended_at on a running run");
    refused_run(
        |v| {
            v["state"] = json!("cancelled");
            v["ended_at"] = json!("2026-03-24T09:00:00+08:00");
        },
        "ended_at differs from last_at",
    );
    refused_run(
        |v| {
            v["state"] = json!("completed");
            v["ended_at"] = v["last_at"].clone();
        },
        "an over run with steps still pending",
    );
    refused_run(settle_all, "a running run with no step pending");
    refused_run(
        |v| {
            settle_all(v);
            for s in v["steps"].as_array_mut().unwrap() {
                if s["status"] == "done" {
                    s["decision"] = json!("approved");
                }
            }
            v["state"] = json!("failed");
            v["ended_at"] = v["last_at"].clone();
        },
        "a failed run without a denied step",
    );
    refused_run(|v| v["steps"] = json!([]), "a run has at least one step");
    refused_run(|v| v["events"] = json!(u64::MAX), "events is above MAX_EVENTS");
    refused_run(
        |v| v["events"] = json!(0),
        "a run without events is running and has its last event at its start",
    );
    refused_run(|v| v["events"] = json!(3), "more step commands than events");
    refused_run(
        |v| v["steps"][4]["since"] = json!("2026-03-26T09:00:00+08:00"),
        "a step's instant is outside started_at..=last_at",
    );
    refused_run(
        |v| v["steps"][4]["since"] = json!("2026-03-01T09:00:00+08:00"),
        "a step's instant is outside started_at..=last_at",
    );
    refused_run(
        |v| v["steps"][1]["started"] = json!("2026-03-14T10:00:00+08:00"),
        "a step decided before it started",
    );

    // With its graph: the start step never waits again.
    let graph = project();
    let start = graph.steps().iter().position(|s| s.id() == graph.start()).unwrap();
    let mut value = golden_run_value();
    value["steps"][start] = json!({"status": "waiting"});
    let run: GraphRun = serde_json::from_value(value).unwrap();
    let err = run.status(&graph, graph.start()).unwrap_err();
    assert!(matches!(err, RunError::InconsistentSnapshot { what, .. }
        if what == "the graph's start step is still waiting"));
    // Its views refuse it too, rather than draw a run no command made.
    let cal = WorkCalendar::china();
    for err in [
        run.snapshot(&graph, &cal, at("03-30 10:00")).unwrap_err(),
        run.record(&graph, &cal).unwrap_err(),
    ] {
        assert!(matches!(err, GraphError::InconsistentRun { what, .. }
            if what == "the graph's start step is still waiting"));
        assert_graph_err(
            &err,
            "inconsistent run snapshot: the graph's start step is still waiting",
        );
    }
    // A run of another graph is still told apart.
    let mut value = golden_run_value();
    value["steps"].as_array_mut().unwrap().push(json!({"status": "waiting"}));
    let run: GraphRun = serde_json::from_value(value).unwrap();
    let err = run.record(&graph, &cal).unwrap_err();
    assert!(matches!(err, GraphError::RunDoesNotFit { run_steps: 15, .. }), "{err:?}");
}

#[test]
fn stored_runs_pass_gates_in_stage_order() {
    use serde_json::json;
    refused_run(
        |v| v["gates"] = json!([false, true]),
        "a stage's gate passed before the gate of the stage before it",
    );
    // Any passed prefix is in order (the property tests check real runs).
    for gates in [json!([false, false]), json!([true, true])] {
        let mut value = golden_run_value();
        value["gates"] = gates;
        assert!(serde_json::from_value::<GraphRun>(value).is_ok());
    }
}

/// The run after `events`, the last of them carrying command id `c-1`.
fn with_last_command(events: &[RunEvent]) -> serde_json::Value {
    use shenpi::machine::CommandId;
    let graph = project();
    let (last, before) = events.split_last().unwrap();
    let mut run = run_through(&graph, before);
    run.apply(&graph, &last.clone().with_command_id(CommandId::new("c-1").unwrap())).unwrap();
    let value = serde_json::to_value(&run).unwrap();
    assert_eq!(value["last_command"]["id"], "c-1");
    // As written, it decodes.
    assert_eq!(serde_json::from_value::<GraphRun>(value.clone()).unwrap(), run);
    value
}

/// `value`, edited, must be refused for `what`.
fn refused_edit(value: &serde_json::Value, edit: impl FnOnce(&mut serde_json::Value), what: &str) {
    let mut value = value.clone();
    edit(&mut value);
    let err = serde_json::from_value::<GraphRun>(value).unwrap_err();
    assert_eq!(err.to_string(), format!("inconsistent run snapshot: {what}"));
}

#[test]
fn a_stored_last_command_is_the_one_that_left_the_run_as_it_is() {
    use serde_json::json;
    const WHAT: &str = "last_command is not a command that left the run as it is";
    let running = with_last_command(&history()[..IN_PROGRESS]);
    assert_eq!(running["last_command"]["transition"]["command"], "start_step");
    refused_edit(&running, |v| v["last_command"]["transition"]["to"] = json!("failed"), WHAT);
    refused_edit(&running, |v| v["last_command"]["transition"]["from"] = json!("completed"), WHAT);
    refused_edit(
        &running,
        |v| v["last_command"]["transition"]["at"] = json!("2026-03-25T09:00:00+08:00"),
        WHAT,
    );
    refused_edit(&running, |v| v["last_command"]["transition"]["command"] = json!("cancel"), WHAT);

    // Completed by its last approval: a start completes nothing.
    let completed = with_last_command(&history());
    assert_eq!(completed["state"], "completed");
    assert_eq!(completed["last_command"]["transition"]["to"], "completed");
    refused_edit(
        &completed,
        |v| v["last_command"]["transition"]["command"] = json!("start_step"),
        WHAT,
    );
    refused_edit(&completed, |v| v["last_command"]["transition"]["to"] = json!("running"), WHAT);

    // Cancelled: only a cancellation cancels, and it does nothing else.
    let mut cancelled = history()[..IN_PROGRESS].to_vec();
    let reason = "project withdrawn".to_owned();
    cancelled.push(ev(Role::SpecialTeam, "03-26 09:00", RunCommand::Cancel { reason }));
    let cancelled = with_last_command(&cancelled);
    assert_eq!(cancelled["last_command"]["transition"]["to"], "cancelled");
    refused_edit(
        &cancelled,
        |v| v["last_command"]["transition"]["command"] = json!("conclude_step"),
        WHAT,
    );
    let mut other = cancelled.clone();
    other["last_command"]["transition"]["to"] = json!("running");
    other["last_command"]["transition"]["command"] = json!("start_step");
    refused_edit(&other, |_| {}, WHAT);
}

/// (fixture, message): stored runs refused when decoding.
const INVALID_RUNS: [(&str, &str); 2] = [
    // The reported run: "completed" with every step waiting, no end, and its
    // last event before its start.
    ("graph_run_completed_while_waiting.json", "last_at is before started_at"),
    (
        "graph_run_gate_out_of_order.json",
        "a stage's gate passed before the gate of the stage before it",
    ),
];

#[test]
fn bad_runs_through_json() {
    for (file, what) in INVALID_RUNS {
        let text = data(&format!("invalid/{file}"));
        let err = serde_json::from_str::<GraphRun>(&text).unwrap_err();
        let message = format!("inconsistent run snapshot: {what}");
        assert_eq!(without_position(&err.to_string()), message, "{file}");
        let err = shenpi::json::from_str::<GraphRun>(&text).unwrap_err();
        assert_eq!(err.message(), message, "{file}");
    }
    // Each is the golden run with the faults its name says.
    use serde_json::{json, Value};
    let golden = golden_run_value();
    let read =
        |file: &str| -> Value { serde_json::from_str(&data(&format!("invalid/{file}"))).unwrap() };
    let mut v = read("graph_run_completed_while_waiting.json");
    assert_eq!(v["state"], "completed");
    assert_eq!(v["ended_at"], Value::Null);
    assert!(v["steps"].as_array().unwrap().iter().all(|s| s == &json!({"status": "waiting"})));
    v["state"] = golden["state"].clone();
    v["steps"] = golden["steps"].clone();
    v["last_at"] = golden["last_at"].clone();
    assert_eq!(v, golden);
    let mut v = read("graph_run_gate_out_of_order.json");
    v["gates"] = json!([true, false]);
    assert_eq!(v, golden);
}
