//! Reports: small reports computed by hand, the Jian'ou table (186 matters,
//! promised 3.21, done in 0.21), facts from real cases, rankings, tickets,
//! runs, refusals, and the wire format of summaries and partial reports.

use chrono::{DateTime, FixedOffset, NaiveDate};
use shenpi::calendar::WorkCalendar;
use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId, Decision};
use shenpi::catalog::{ApprovalItem, CaseKind, DepartmentId, ItemCode, ItemType};
use shenpi::escalation::{EscalationPolicy, Level, Observation, SubjectKind, SupervisionLog};
use shenpi::graph::{ApprovalGraph, GraphRun, RunCommand, RunEvent, Stage, StageId, Step, StepId};
use shenpi::limit::TimeLimit;
use shenpi::machine::{Actor, ActorId, Role};
use shenpi::project::ProjectId;
use shenpi::report::{
    Boundaries, CaseFacts, CaseReport, DateRange, GroupBy, GroupKey, Indicator, Laggards,
    NumberFault, Placement, Ranking, RankingSpec, ReportError, ReportRow, ReportSpec, RunReport,
    TicketReport,
};
use shenpi::ticket::{
    Assignment, Owner, Ticket, TicketClass, TicketCommand, TicketContext, TicketEvent, TicketId,
    TicketSource,
};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn dept(s: &str) -> DepartmentId {
    DepartmentId::new(s).unwrap()
}

fn item(code: &str, department: &str, promised: u32, reference: Option<u32>) -> ApprovalItem {
    let mut b = ApprovalItem::builder(ItemCode::new(code).unwrap(), "许可", dept(department))
        .statutory(TimeLimit::working_days(20))
        .promised(TimeLimit::working_days(promised));
    if promised == 0 {
        b = b.case_kind(CaseKind::Instant);
    }
    if let Some(r) = reference {
        b = b.reference(TimeLimit::working_days(r));
    }
    b.build().unwrap()
}

/// Facts as `from_outcome` would make them for `item`.
fn facts(item: &ApprovalItem, day: NaiveDate, legal: u32, fraction: f64) -> CaseFacts {
    let mut f = CaseFacts::new(day, legal, fraction)
        .unwrap()
        .of_kind(item.case_kind())
        .with_limits(item.promised().amount(), item.statutory().amount())
        .unwrap();
    if let Some(r) = item.reference() {
        f = f.with_reference(r.amount());
    }
    f
}

/// Planning: four cases of an item promising 5 of 20 working days (the
/// province: 10), one of them 2 working days late. Market: three instant
/// cases.
fn small_cases() -> Vec<(ApprovalItem, CaseFacts)> {
    let planning = item("XK-0002", "planning", 5, Some(10));
    let market = item("HJ-0001", "market", 0, None);
    let mut cases = Vec::new();
    for (day, legal, fraction) in
        [(d(2022, 1, 10), 0, 0.25), (d(2022, 1, 20), 1, 0.5), (d(2022, 2, 7), 2, 1.75)]
    {
        cases.push((planning.clone(), facts(&planning, day, legal, fraction)));
    }
    cases.push((planning.clone(), facts(&planning, d(2022, 3, 1), 7, 6.0).late(2)));
    for (day, fraction) in [(d(2022, 1, 5), 0.125), (d(2022, 2, 8), 0.125), (d(2022, 3, 9), 0.5)] {
        cases.push((market.clone(), facts(&market, day, 0, fraction)));
    }
    cases
}

fn report_of(spec: ReportSpec, cases: &[(ApprovalItem, CaseFacts)]) -> CaseReport {
    let mut report = CaseReport::new(spec);
    for (item, facts) in cases {
        report.add(item, facts, &Placement::new()).unwrap();
    }
    report
}

fn small_report(spec: ReportSpec) -> CaseReport {
    report_of(spec, &small_cases())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn a_small_report_computed_by_hand() {
    let summary = small_report(ReportSpec::new(GroupBy::Department)).summary();
    assert_eq!(summary.excluded, 0);
    let keys: Vec<String> = summary.rows.iter().map(|r| r.key.to_string()).collect();
    assert_eq!(keys, ["department market", "department planning"]);

    let market = &summary.rows[0];
    assert_eq!((market.cases, market.instant_cases, market.instant_share), (3, 3, 1.0));
    assert_eq!((market.on_time_rate, market.overdue_cases), (1.0, 0));
    // (0.125 + 0.125 + 0.5) / 3; sorted 0.125 0.125 0.5: ranks 2 and 3.
    assert!(close(market.avg_actual_days, 0.25));
    assert_eq!((market.median_actual_days, market.p90_actual_days), (0.125, 0.5));
    assert_eq!((market.avg_promised_days, market.avg_statutory_days), (Some(0.0), Some(20.0)));
    assert_eq!(market.compression_vs_statutory, Some(1.0));
    assert_eq!((market.referenced_cases, market.compression_vs_reference), (0, None));

    let planning = &summary.rows[1];
    assert_eq!((planning.cases, planning.instant_cases), (4, 0));
    assert_eq!((planning.on_time_cases, planning.on_time_rate), (3, 0.75));
    assert_eq!((planning.overdue_cases, planning.overdue_working_days), (1, 2));
    assert_eq!(planning.within_statutory_rate, 1.0);
    // 0.25 + 0.5 + 1.75 + 6 = 8.5 over 4; the median is the 2nd of 4, the
    // 90th percentile the ⌈3.6⌉ = 4th.
    assert_eq!(planning.avg_actual_days, 2.125);
    assert_eq!((planning.min_actual_days, planning.max_actual_days), (0.25, 6.0));
    assert_eq!((planning.median_actual_days, planning.p90_actual_days), (0.5, 6.0));
    // Legal days 0 1 2 7.
    assert_eq!(planning.avg_actual_legal_days, 2.5);
    assert_eq!((planning.median_actual_legal_days, planning.p90_actual_legal_days), (1, 7));
    assert_eq!((planning.min_actual_legal_days, planning.max_actual_legal_days), (0, 7));
    assert_eq!(planning.avg_promised_days, Some(5.0));
    assert_eq!(planning.compression_vs_statutory, Some(0.75));
    assert_eq!(planning.avg_reference_days, Some(10.0));
    assert_eq!(planning.compression_vs_reference, Some(0.5));
    assert_eq!(planning.saved_vs_promised_days, Some(2.875));
    assert_eq!(planning.saved_vs_statutory_days, Some(17.875));

    let total = summary.total.as_ref().unwrap();
    assert_eq!(total.key, GroupKey::Total);
    assert_eq!((total.cases, total.instant_cases, total.on_time_cases), (7, 3, 6));
    assert!(close(total.instant_share, 3.0 / 7.0));
    assert!(close(total.avg_actual_days, 9.25 / 7.0));
    // Sorted: 0.125 0.125 0.25 0.5 0.5 1.75 6; the 4th and the 7th.
    assert_eq!((total.median_actual_days, total.p90_actual_days), (0.5, 6.0));
    // Legal days sorted: 0 0 0 0 1 2 7.
    assert_eq!((total.median_actual_legal_days, total.p90_actual_legal_days), (0, 7));
    assert!(close(total.avg_promised_days.unwrap(), 20.0 / 7.0));
    assert!(close(total.compression_vs_statutory.unwrap(), 1.0 - 20.0 / 140.0));
    // The reference covers only planning's four cases: 1 − 20/40.
    assert_eq!((total.referenced_cases, total.compression_vs_reference), (4, Some(0.5)));
}

#[test]
fn by_month_with_a_period_filter() {
    let q1 = DateRange::new(d(2022, 1, 1), d(2022, 2, 28)).unwrap();
    let summary = small_report(ReportSpec::new(GroupBy::Month).within(q1)).summary();
    // March's two cases are left out.
    assert_eq!(summary.excluded, 2);
    let months: Vec<(Option<NaiveDate>, u64)> = summary
        .rows
        .iter()
        .map(|r| match &r.key {
            GroupKey::Period { start, .. } => (*start, r.cases),
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(months, [(Some(d(2022, 1, 1)), 3), (Some(d(2022, 2, 1)), 2)]);
    assert_eq!(
        summary.rows[0].key,
        GroupKey::Period { start: Some(d(2022, 1, 1)), end: Some(d(2022, 2, 1)) }
    );
}

#[test]
fn every_grouping_partitions_the_cases() {
    let phases = Boundaries::new(vec![d(2022, 1, 15), d(2022, 2, 15)]).unwrap();
    for by in [
        GroupBy::Total,
        GroupBy::Department,
        GroupBy::Item,
        GroupBy::ItemType,
        GroupBy::Stage,
        GroupBy::Project,
        GroupBy::Month,
        GroupBy::Quarter,
        GroupBy::Year,
        GroupBy::Periods { boundaries: phases.clone() },
    ] {
        let summary = small_report(ReportSpec::new(by.clone())).summary();
        let sum: u64 = summary.rows.iter().map(|r| r.cases).sum();
        assert_eq!(sum, 7, "{by}");
        assert!(summary.rows.iter().all(|r| by.fits(&r.key)), "{by}");
    }
    let summary = small_report(ReportSpec::new(GroupBy::Periods { boundaries: phases })).summary();
    let periods: Vec<String> = summary.rows.iter().map(|r| r.key.to_string()).collect();
    assert_eq!(
        periods,
        ["period ..2022-01-15", "period 2022-01-15..2022-02-15", "period 2022-02-15.."]
    );
    let summary = small_report(ReportSpec::new(GroupBy::ItemType)).summary();
    assert_eq!(
        summary.rows[0].key,
        GroupKey::ItemType { item_type: ItemType::AdministrativeLicensing }
    );
}

#[test]
fn stages_and_key_projects_come_from_the_placement() {
    let planning = item("XK-0002", "planning", 5, None);
    let stage = StageId::new("stage-1").unwrap();
    let project = ProjectId::new("KP-07").unwrap();
    let placed = Placement::new().in_stage(stage.clone()).for_project(project.clone());
    let mut by_stage = CaseReport::new(ReportSpec::new(GroupBy::Stage));
    let mut by_project = CaseReport::new(ReportSpec::new(GroupBy::Project));
    for (placement, fraction) in [(&placed, 0.5), (&Placement::new(), 1.0), (&placed, 1.5)] {
        let f = facts(&planning, d(2022, 1, 10), 1, fraction);
        by_stage.add(&planning, &f, placement).unwrap();
        by_project.add(&planning, &f, placement).unwrap();
    }
    let rows = |r: &CaseReport| -> Vec<(GroupKey, u64)> {
        r.summary().rows.iter().map(|row| (row.key.clone(), row.cases)).collect()
    };
    assert_eq!(
        rows(&by_stage),
        [(GroupKey::Stage { stage: None }, 1), (GroupKey::Stage { stage: Some(stage) }, 2)]
    );
    assert_eq!(
        rows(&by_project),
        [
            (GroupKey::Project { project: None }, 1),
            (GroupKey::Project { project: Some(project) }, 2)
        ]
    );
}

/// DOMAIN §1: Jan–Apr 2022, 186 construction-project matters, promised
/// 3.21 working days on average, handled in 0.21.
#[test]
fn the_jianou_table() {
    let three = item("JS-0003", "housing-and-construction", 3, Some(6));
    let four = item("JS-0004", "natural-resources", 4, Some(8));
    let jan_to_apr = DateRange::new(d(2022, 1, 1), d(2022, 4, 30)).unwrap();
    let mut report = CaseReport::new(ReportSpec::new(GroupBy::Total).within(jan_to_apr));
    // 147 × 3 + 39 × 4 = 597 promised working days; 597 / 186 = 3.2097.
    for i in 0..186u32 {
        let it = if i < 147 { &three } else { &four };
        let day = d(2022, 1 + i % 4, 1 + i % 28);
        report.add(it, &facts(it, day, 0, 0.21), &Placement::new()).unwrap();
    }
    // A case of May is not in the table.
    report.add(&three, &facts(&three, d(2022, 5, 5), 0, 0.5), &Placement::new()).unwrap();
    let summary = report.summary();
    let total = summary.total.unwrap();
    assert_eq!((total.cases, summary.excluded), (186, 1));
    assert_eq!(format!("{:.2}", total.avg_promised_days.unwrap()), "3.21");
    assert!(close(total.avg_actual_days, 0.21));
    assert_eq!(total.median_actual_days, 0.21);
    assert_eq!(format!("{:.2}", total.saved_vs_promised_days.unwrap()), "3.00");
    // Half the promise of the province's limits.
    assert_eq!(total.compression_vs_reference, Some(0.5));
    assert_eq!(summary.rows.len(), 1);
}

#[test]
fn facts_from_a_real_case() {
    let calendar = WorkCalendar::china();
    let it = item("XK-0009", "planning", 3, Some(10));
    let ctx = CaseContext::new(&it, &calendar);
    let who = |role| Actor::new(ActorId::new("someone").unwrap(), role);
    let ev = |role, when, cmd| CaseEvent::new(who(role), at(when), cmd);
    let history = [
        ev(Role::Applicant, "2026-03-02T09:00:00+08:00", CaseCommand::Receive),
        ev(Role::WindowClerk, "2026-03-02T09:30:00+08:00", CaseCommand::Accept),
        ev(Role::Reviewer, "2026-03-02T10:00:00+08:00", CaseCommand::StartHandling),
        // Concluded the next day at 10:00, stored in UTC (02:00Z).
        ev(
            Role::Reviewer,
            "2026-03-03T02:00:00+00:00",
            CaseCommand::Conclude { decision: Decision::Approved },
        ),
    ];
    let case = Case::replay(CaseId::new("C-9").unwrap(), &ctx, &history).unwrap();
    let outcome = case.outcome(&calendar).unwrap().unwrap();
    let f = CaseFacts::from_outcome(&it, &outcome, &calendar).unwrap();
    assert_eq!(f.concluded_on(), d(2026, 3, 3));
    assert_eq!(f.actual_working_days(), outcome.actual_working_days);
    assert_eq!(f.actual_micro_days(), (outcome.actual_fraction * 1e6).round() as u64);
    assert_eq!((f.limits(), f.reference()), (Some((3, 20)), Some(10)));
    assert!(f.on_time() && f.within_statutory() && !f.is_instant());
}

#[test]
fn merging_shards_equals_one_pass() {
    let spec = ReportSpec::new(GroupBy::Department);
    let cases = small_cases();
    let whole = report_of(spec.clone(), &cases);
    // Three shards, each stored as JSON and read back, merged in reverse.
    let mut merged = CaseReport::new(spec.clone());
    for chunk in cases.chunks(3).rev() {
        let part = report_of(spec.clone(), chunk);
        let back: CaseReport =
            serde_json::from_str(&serde_json::to_string(&part).unwrap()).unwrap();
        assert_eq!(back, part);
        merged.merge(&back).unwrap();
    }
    assert_eq!(merged, whole);
    assert_eq!(merged.summary(), whole.summary());
}

#[test]
fn slots_are_the_fast_path() {
    let mut report = CaseReport::new(ReportSpec::new(GroupBy::Department));
    let planning = report.slot(GroupKey::Department { department: dept("planning") }).unwrap();
    assert_eq!(report.slot(GroupKey::Department { department: dept("planning") }), Ok(planning));
    let f = CaseFacts::new(d(2022, 1, 3), 0, 0.5).unwrap();
    report.add_to(planning, &f).unwrap();
    assert_eq!(report.keys().len(), 1);
    let err = report.slot(GroupKey::Total).unwrap_err();
    assert_eq!(err.to_string(), "key total does not fit a report grouped by department");
    // A month key must be a calendar month.
    let mut by_month = CaseReport::new(ReportSpec::new(GroupBy::Month));
    let odd = GroupKey::Period { start: Some(d(2022, 1, 2)), end: Some(d(2022, 2, 2)) };
    assert!(matches!(by_month.slot(odd), Err(ReportError::KeyMismatch { .. })));
    // Another report's slot is refused, not misfiled.
    let mut other = CaseReport::new(ReportSpec::new(GroupBy::Department));
    let err = other.add_to(planning, &f).unwrap_err();
    assert_eq!(err.to_string(), "group slot 0 is not one of this report's 0 groups");
    assert_eq!(other.summary().total, None);
    // A group made but never fed is stored and read back, and shows no row.
    let mut empty = CaseReport::new(ReportSpec::new(GroupBy::Department));
    empty.slot(GroupKey::Department { department: dept("water") }).unwrap();
    let back: CaseReport = serde_json::from_str(&serde_json::to_string(&empty).unwrap()).unwrap();
    assert_eq!(back.keys(), empty.keys());
    assert!(back.summary().rows.is_empty());
}

#[test]
fn refusals_name_the_value_at_fault() {
    let day = d(2022, 1, 3);
    let fault = |f: f64| match CaseFacts::new(day, 0, f) {
        Err(ReportError::InvalidActualTime { fault, .. }) => fault,
        other => panic!("{other:?}"),
    };
    assert_eq!(fault(f64::NAN), NumberFault::NotANumber);
    assert_eq!(fault(f64::INFINITY), NumberFault::Infinite);
    assert_eq!(fault(-0.5), NumberFault::Negative);
    assert_eq!(fault(2e6), NumberFault::TooLarge);
    assert_eq!(
        CaseFacts::new(day, 2_000_000, 0.0).unwrap_err().to_string(),
        "actual time of 2000000 working days exceeds the largest a report takes (1000000)"
    );
    assert_eq!(
        CaseFacts::new(day, 0, 0.0).unwrap().with_limits(21, 20).unwrap_err().to_string(),
        "promised limit of 21 working days exceeds statutory limit of 20"
    );
    assert_eq!(
        Boundaries::new(vec![d(2022, 3, 1), d(2022, 3, 1)]).unwrap_err().to_string(),
        "period boundary 2022-03-01 does not come after 2022-03-01"
    );
    assert_eq!(Boundaries::new(vec![]).unwrap_err(), ReportError::NoBoundaries);
    let mut a = CaseReport::new(ReportSpec::new(GroupBy::Month));
    let b = CaseReport::new(ReportSpec::new(GroupBy::Department));
    assert_eq!(
        a.merge(&b).unwrap_err().to_string(),
        "cannot merge a report grouped by department into one grouped by month"
    );
    // Through the umbrella error.
    let umbrella: shenpi::Error = ReportError::NoIndicators.into();
    assert_eq!(umbrella.to_string(), "a ranking needs at least one indicator");
    assert!(matches!(
        RankingSpec::new(
            vec![Indicator::OnTimeRate],
            Laggards::WorseThan { indicator: Indicator::OnTimeRate, threshold: f64::NAN },
        ),
        Err(ReportError::InvalidThreshold { fault: NumberFault::NotANumber, .. })
    ));
}

#[test]
fn stored_reports_are_checked_when_decoded() {
    let report = small_report(ReportSpec::new(GroupBy::Department));
    let json = serde_json::to_value(&report).unwrap();
    let back: CaseReport = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, report);
    let broken = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = json.clone();
        edit(&mut v);
        serde_json::from_value::<CaseReport>(v).unwrap_err().to_string()
    };
    assert!(broken(&|v| v["groups"][0]["stats"]["on_time"] = 99.into())
        .contains("a case count exceeds the group's count"));
    assert!(broken(&|v| v["groups"][0]["stats"]["count"] = 4.into())
        .contains("a histogram does not hold the group's count"));
    assert!(broken(&|v| v["groups"][0]["stats"]["actual_micro_days"] = 1.into())
        .contains("the least and greatest actual times disagree"));
    assert!(
        broken(&|v| v["groups"][1] = v["groups"][0].clone()).contains("a group key appears twice")
    );
    assert!(broken(&|v| v["groups"][0]["key"] = serde_json::json!({"by": "total"}))
        .contains("does not fit a report grouped by department"));
}

#[test]
fn golden_json_summary_and_partial_report() {
    let dir = format!("{}/tests/data/golden", env!("CARGO_MANIFEST_DIR"));
    let read = |name: &str| std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
    let q1 = DateRange::new(d(2022, 1, 1), d(2022, 3, 31)).unwrap();
    let report = small_report(ReportSpec::new(GroupBy::Department).within(q1));
    let summary = report.summary();
    let json = serde_json::to_string_pretty(&summary).unwrap();
    assert_eq!(format!("{json}\n"), read("report_summary.json"));
    let back: shenpi::report::ReportSummary = serde_json::from_str(&json).unwrap();
    assert_eq!(back, summary);

    let planning = item("XK-0002", "planning", 5, Some(10));
    let mut partial = CaseReport::new(ReportSpec::new(GroupBy::Month));
    for (day, legal, fraction) in [(d(2022, 1, 10), 0, 0.25), (d(2022, 1, 20), 1, 0.5)] {
        partial.add(&planning, &facts(&planning, day, legal, fraction), &Placement::new()).unwrap();
    }
    let json = serde_json::to_string_pretty(&partial).unwrap();
    assert_eq!(format!("{json}\n"), read("report_partial.json"));
    assert_eq!(serde_json::from_str::<CaseReport>(&json).unwrap(), partial);
}

#[test]
fn a_department_ranking_flags_the_laggards() {
    let summary = small_report(ReportSpec::new(GroupBy::Department)).summary();
    let spec = RankingSpec::new(
        vec![Indicator::OnTimeRate, Indicator::MedianActualDays],
        Laggards::Bottom { count: 1 },
    )
    .unwrap();
    let ranking = Ranking::new(&summary, &spec);
    let order: Vec<(u32, String, bool)> =
        ranking.ranked.iter().map(|g| (g.position, g.key.to_string(), g.laggard)).collect();
    assert_eq!(
        order,
        [(1, "department market".into(), false), (2, "department planning".into(), true)]
    );
    assert_eq!(ranking.ranked[1].values, [0.75, 0.5]);
    crate::golden::assert_golden("report_ranking.json", &ranking);

    // Ties share a position; a bottom count reaching into a tie flags it all.
    let mut tied = summary.clone();
    let mut copy = tied.rows[0].clone();
    copy.key = GroupKey::Department { department: dept("water") };
    tied.rows.push(copy);
    let by_rate = |laggards| RankingSpec::new(vec![Indicator::OnTimeRate], laggards).unwrap();
    let ranking = Ranking::new(&tied, &by_rate(Laggards::Bottom { count: 2 }));
    let order: Vec<(u32, String, bool)> =
        ranking.ranked.iter().map(|g| (g.position, g.key.to_string(), g.laggard)).collect();
    assert_eq!(
        order,
        [
            (1, "department market".into(), true),
            (1, "department water".into(), true),
            (3, "department planning".into(), true),
        ]
    );
    // Too few cases, or an indicator missing: unranked.
    let spec = RankingSpec::new(vec![Indicator::CompressionVsReference], Laggards::NotFlagged)
        .unwrap()
        .min_cases(1);
    let ranking = Ranking::new(&summary, &spec);
    assert_eq!(ranking.ranked.len(), 1);
    assert_eq!(ranking.unranked, [GroupKey::Department { department: dept("market") }]);
    let ranking = Ranking::new(&summary, &by_rate(Laggards::NotFlagged).min_cases(4));
    assert_eq!(ranking.ranked.len(), 1);
    // A spec decodes through the same checks.
    let json = r#"{"indicators": [], "laggards": {"rule": "not_flagged"}}"#;
    assert!(serde_json::from_str::<RankingSpec>(json).is_err());
    let json = r#"{"indicators": ["p90_actual_days"], "min_cases": 3, "laggards": {"rule": "worse_than", "indicator": "on_time_rate", "threshold": 0.9}}"#;
    let spec: RankingSpec = serde_json::from_str(json).unwrap();
    // The threshold's indicator need not be ranked on.
    let ranking = Ranking::new(&summary, &spec);
    let laggards: Vec<bool> = ranking.ranked.iter().map(|g| g.laggard).collect();
    assert_eq!(laggards, [false, true]);
}

fn ticket_event(role: Role, when: &str, command: TicketCommand) -> TicketEvent {
    TicketEvent::new(Actor::new(ActorId::new("someone").unwrap(), role), at(when), command)
}

/// A simple tea-meeting complaint answered on time and rated `rating`.
fn answered_ticket(id: &str, ctx: &TicketContext<'_>, rating: u8, resolve_on: &str) -> Ticket {
    let water = dept("water-company");
    let history = [
        ticket_event(
            Role::SpecialTeam,
            "2026-03-13T15:00:00+08:00",
            TicketCommand::Receive {
                source: TicketSource::TeaMeeting,
                subject: "water connection".into(),
                visits: 1,
            },
        ),
        ticket_event(
            Role::WindowClerk,
            "2026-03-16T09:00:00+08:00",
            TicketCommand::Classify { class: TicketClass::General },
        ),
        ticket_event(
            Role::SpecialTeam,
            "2026-03-16T09:30:00+08:00",
            TicketCommand::Transfer {
                assignments: vec![Assignment::new(
                    water.clone(),
                    Owner::Named { name: "陈经理".into() },
                    "connect the plant",
                    at("2026-03-19T17:00:00+08:00"),
                )],
            },
        ),
        ticket_event(
            Role::Reviewer,
            "2026-03-16T10:00:00+08:00",
            TicketCommand::Take { department: water.clone() },
        ),
        ticket_event(
            Role::Reviewer,
            resolve_on,
            TicketCommand::Resolve { department: water, result: "scheduled".into() },
        ),
    ];
    let mut ticket = Ticket::replay(TicketId::new(id).unwrap(), ctx, &history).unwrap();
    ticket
        .apply(
            ctx,
            &ticket_event(
                Role::Applicant,
                "2026-03-23T10:00:00+08:00",
                TicketCommand::Feedback { satisfaction: rating },
            ),
        )
        .unwrap();
    ticket
}

#[test]
fn ticket_statistics() {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    // General: 3 working days from 16 March, so due at the end of 19 March.
    let on_time = answered_ticket("T-1", &ctx, 2, "2026-03-18T16:00:00+08:00");
    let late_and_bad = answered_ticket("T-2", &ctx, 5, "2026-03-20T16:00:00+08:00");
    let (fresh, _) = Ticket::open(
        TicketId::new("T-3").unwrap(),
        &ctx,
        &ticket_event(
            Role::WindowClerk,
            "2026-03-20T09:00:00+08:00",
            TicketCommand::Receive {
                source: TicketSource::CantGetItDoneWindow,
                subject: "refused three times".into(),
                visits: 3,
            },
        ),
    )
    .unwrap();
    let policy = EscalationPolicy::default();
    let mut log = SupervisionLog::new();
    let mut obs = Observation::new(SubjectKind::Ticket, at("2026-03-02T09:00:00+08:00"));
    obs.feedback_due = Some(at("2026-03-05T17:30:00+08:00"));
    let now = at("2026-03-06T09:00:00+08:00");
    log.record(policy.evaluate(&obs, &log, &calendar, now).unwrap());
    let top = log.notices().iter().map(|n| n.level).max().unwrap();

    let mut a = TicketReport::new();
    a.add(&on_time, &calendar);
    a.add_log(&log);
    let mut b = TicketReport::new();
    b.add(&late_and_bad, &calendar);
    b.add(&fresh, &calendar);
    b.add_log(&SupervisionLog::new());
    a.merge(&b);
    let s = a.summary();
    assert_eq!((s.tickets, s.open, s.unclassified), (3, 2, 1));
    assert_eq!(s.by_class[&TicketClass::General], 2);
    assert_eq!(s.by_class[&TicketClass::Simple], 0);
    assert_eq!(s.by_source[&TicketSource::TeaMeeting], 2);
    assert_eq!(s.by_source[&TicketSource::CantGetItDoneWindow], 1);
    assert_eq!(s.by_source[&TicketSource::Hotline], 0);
    // The reopened ticket's current cycle has no answer yet, so only the
    // first ticket is judged.
    assert_eq!((s.feedback_judged, s.feedback_on_time), (1, 1));
    assert_eq!(s.feedback_on_time_rate, Some(1.0));
    assert_eq!((s.feedbacks, s.bad_reviews, s.bad_review_rate), (2, 1, Some(0.5)));
    assert_eq!((s.satisfaction[&2], s.satisfaction[&5], s.satisfaction[&1]), (1, 1, 0));
    let notices = log.notices().len() as u64;
    assert_eq!(s.notices_by_level.values().sum::<u64>(), notices);
    assert_eq!(s.subjects_by_level[&top], 1);
    assert_eq!(s.notices_by_level.len(), Level::ALL.len());
    crate::golden::assert_golden("report_tickets_summary.json", &s);
    crate::golden::assert_golden("report_tickets_partial.json", &a);
    // Stored and decoded through the checks.
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(serde_json::from_value::<TicketReport>(json.clone()).unwrap(), a);
    let mut bad = json;
    bad["tickets"] = 5.into();
    assert!(serde_json::from_value::<TicketReport>(bad).is_err());
}

#[test]
fn run_statistics_per_stage_and_step() {
    let calendar = WorkCalendar::china();
    let id = |s: &str| StepId::new(s).unwrap();
    let stage = |s: &str| StageId::new(s).unwrap();
    let step = |s: &str, days| {
        Step::new(id(s), ItemCode::new(s).unwrap(), dept(s), TimeLimit::working_days(days))
    };
    let graph = ApprovalGraph::builder("two stages", id("filing"))
        .stage(Stage::new(stage("a"), "a", dept("lead"), TimeLimit::working_days(10)))
        .stage(Stage::new(stage("b"), "b", dept("lead"), TimeLimit::working_days(10)))
        .step(step("filing", 1).in_stage(stage("a")))
        .step(step("review", 3).in_stage(stage("b")))
        .build()
        .unwrap();
    let ev = |when: &str, command| {
        RunEvent::new(Actor::new(ActorId::new("rev").unwrap(), Role::Reviewer), at(when), command)
    };
    let start = |s: &str| RunCommand::StartStep { step: id(s), case: s.parse().unwrap() };
    let approve = |s: &str| RunCommand::ConcludeStep { step: id(s), decision: Decision::Approved };
    let mut run = GraphRun::new(&graph, at("2026-03-02T09:00:00+08:00"));
    for (when, command) in [
        ("2026-03-02T09:30:00+08:00", start("filing")),
        ("2026-03-03T10:00:00+08:00", approve("filing")),
        ("2026-03-03T11:00:00+08:00", start("review")),
        // 6 working days against a limit of 3.
        ("2026-03-11T16:00:00+08:00", approve("review")),
    ] {
        run.apply(&graph, &ev(when, command)).unwrap();
    }
    let record = run.record(&graph, &calendar).unwrap();
    let mut report = RunReport::new();
    report.add(&graph, &record).unwrap();
    let open = GraphRun::new(&graph, at("2026-03-02T09:00:00+08:00"));
    let mut other = RunReport::new();
    other.add(&graph, &open.record(&graph, &calendar).unwrap()).unwrap();
    report.merge(&other);
    let s = report.summary();
    assert_eq!((s.runs, s.ended, s.completed, s.on_time), (2, 1, 1, 0));
    assert_eq!(s.on_time_rate, Some(0.0));
    assert_eq!(s.avg_planned_days, Some(4.0));
    assert_eq!(s.avg_ended_actual_days, Some(7.0));
    let b = &s.stages[1];
    assert_eq!(b.key, GroupKey::Stage { stage: Some(stage("b")) });
    assert_eq!((b.steps, b.decided, b.on_time, b.overdue, b.overdue_working_days), (2, 1, 0, 1, 3));
    assert_eq!((b.avg_limit_days, b.avg_actual_days), (Some(3.0), Some(6.0)));
    let filing = &s.steps[0];
    assert_eq!(filing.key, GroupKey::Step { step: id("filing") });
    assert_eq!(filing.on_time_rate, Some(1.0));
    // A record of another graph is refused.
    let other_graph =
        ApprovalGraph::builder("one", id("permit")).step(step("permit", 2)).build().unwrap();
    assert_eq!(
        RunReport::new().add(&other_graph, &record).unwrap_err().to_string(),
        "run record step filing is not in the graph"
    );
    crate::golden::assert_golden("report_runs_summary.json", &s);
    crate::golden::assert_golden("report_runs_partial.json", &report);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(serde_json::from_value::<RunReport>(json).unwrap(), report);
}

#[test]
fn rows_lie_within_their_bounds() {
    let summary = small_report(ReportSpec::new(GroupBy::Item)).summary();
    let check = |r: &ReportRow| {
        for rate in [r.instant_share, r.on_time_rate, r.within_statutory_rate] {
            assert!((0.0..=1.0).contains(&rate));
        }
        assert!(r.min_actual_days <= r.avg_actual_days && r.avg_actual_days <= r.max_actual_days);
        assert!(r.median_actual_days <= r.p90_actual_days);
    };
    summary.rows.iter().for_each(check);
    check(summary.total.as_ref().unwrap());
}
