//! Report laws as proptest properties, over random concluded cases.
//!
//! A case is drawn for one of four items in three departments (one item
//! instant), concluded on a day of 2021–2023, with an actual time of up to
//! 60 working days in millionths (now and then far longer, and a legal
//! count past the dense day range), limits in working days or none, a
//! reference limit or none, on time or late, and a stage and a key project
//! from small pools. The laws:
//!
//! 1. merging partial reports, in any split and any order, through JSON or
//!    not, equals one pass over the union, for every grouping;
//! 2. the rows' counts add up to the total, and with a date filter the
//!    kept and excluded cases add up to all of them;
//! 3. rates lie in `[0, 1]`; averages, medians and 90th percentiles lie
//!    between the group's least and greatest values;
//! 4. quantiles by the legal count equal the exact nearest-rank values;
//!    fractional ones are within 1/64 of them (exact when the bucket holds
//!    one value);
//! 5. a filtered report equals the report of the cases in the range.

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::sample::select;
use shenpi::catalog::{ApprovalItem, CaseKind, DepartmentId, ItemCode};
use shenpi::graph::StageId;
use shenpi::limit::TimeLimit;
use shenpi::project::ProjectId;
use shenpi::report::{
    Boundaries, CaseFacts, CaseReport, DateRange, GroupBy, Placement, ReportRow, ReportSpec,
    MICRO_DAYS,
};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn items() -> Vec<ApprovalItem> {
    let item = |code: &str, dept: &str, kind| {
        let b = ApprovalItem::builder(
            ItemCode::new(code).unwrap(),
            "许可",
            DepartmentId::new(dept).unwrap(),
        )
        .case_kind(kind);
        match kind {
            CaseKind::Instant => b.promised(TimeLimit::working_days(0)),
            _ => b.promised(TimeLimit::working_days(5)),
        }
        .build()
        .unwrap()
    };
    vec![
        item("A-1", "planning", CaseKind::Promised),
        item("A-2", "planning", CaseKind::Joint),
        item("B-1", "market", CaseKind::Instant),
        item("C-1", "water", CaseKind::Promised),
    ]
}

/// One generated case: its item's index, its facts and its placement.
#[derive(Debug, Clone)]
struct Drawn {
    item: usize,
    facts: CaseFacts,
    placement: Placement,
}

fn day() -> impl Strategy<Value = NaiveDate> {
    (0i64..3 * 365)
        .prop_map(|n| NaiveDate::from_ymd_opt(2021, 1, 1).unwrap() + chrono::Days::new(n as u64))
}

fn drawn() -> impl Strategy<Value = Drawn> {
    let micro = prop_oneof![
        6 => 0u64..60 * MICRO_DAYS,
        1 => 0u64..200,
        1 => select(vec![0u64, 210_000, 500_000, 1_000_000]),
        1 => 0u64..900_000 * MICRO_DAYS,
    ];
    let legal = prop_oneof![8 => 0u32..=60, 1 => 250u32..=300, 1 => 0u32..=1_000_000];
    let limits = prop_oneof![1 => Just(None), 4 => (0u32..=30, 0u32..=30).prop_map(Some)];
    let reference = prop_oneof![1 => Just(None), 1 => (0u32..=40).prop_map(Some)];
    let late = prop_oneof![3 => Just(None), 1 => (0u32..=25).prop_map(Some)];
    (
        (0usize..4, day(), micro, legal),
        (limits, reference, late, any::<bool>()),
        (0usize..3, 0usize..3),
    )
        .prop_map(
            |((item, day, micro, legal), (limits, reference, late, past), (stage, project))| {
                let kind = items()[item].case_kind();
                let fraction = micro as f64 / MICRO_DAYS as f64;
                let mut facts = CaseFacts::new(day, legal, fraction).unwrap().of_kind(kind);
                if let Some((a, b)) = limits {
                    facts = facts.with_limits(a.min(b), a.max(b)).unwrap();
                }
                if let Some(r) = reference {
                    facts = facts.with_reference(r);
                }
                if let Some(days) = late {
                    facts = facts.late(days);
                    if past {
                        facts = facts.past_statutory();
                    }
                }
                let mut placement = Placement::new();
                if stage > 0 {
                    placement =
                        placement.in_stage(StageId::new(&format!("stage-{stage}")).unwrap());
                }
                if project > 0 {
                    placement =
                        placement.for_project(ProjectId::new(&format!("KP-{project}")).unwrap());
                }
                Drawn { item, facts, placement }
            },
        )
}

fn grouping() -> impl Strategy<Value = GroupBy> {
    let phases = Boundaries::new(vec![
        NaiveDate::from_ymd_opt(2021, 7, 1).unwrap(),
        NaiveDate::from_ymd_opt(2022, 3, 15).unwrap(),
        NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
    ])
    .unwrap();
    select(vec![
        GroupBy::Total,
        GroupBy::Department,
        GroupBy::Item,
        GroupBy::ItemType,
        GroupBy::Stage,
        GroupBy::Project,
        GroupBy::Month,
        GroupBy::Quarter,
        GroupBy::Year,
        GroupBy::Periods { boundaries: phases },
    ])
}

fn report(spec: &ReportSpec, items: &[ApprovalItem], cases: &[Drawn]) -> CaseReport {
    let mut r = CaseReport::new(spec.clone());
    for c in cases {
        r.add(&items[c.item], &c.facts, &c.placement).unwrap();
    }
    r
}

/// The exact nearest-rank quantile `num/den` of `values`.
fn exact<T: Copy + Ord>(values: &mut [T], num: usize, den: usize) -> T {
    values.sort_unstable();
    let k = (values.len() * num).div_ceil(den).max(1);
    values[k - 1]
}

fn check_bounds(row: &ReportRow) {
    for rate in [row.instant_share, row.on_time_rate, row.within_statutory_rate] {
        assert!((0.0..=1.0).contains(&rate), "{row:?}");
    }
    if let Some(c) = row.compression_vs_statutory {
        assert!((0.0..=1.0).contains(&c), "{row:?}");
    }
    let (lo, hi) = (row.min_actual_days, row.max_actual_days);
    for v in [row.avg_actual_days, row.median_actual_days, row.p90_actual_days] {
        assert!(lo <= v && v <= hi, "{v} outside {lo}..={hi}: {row:?}");
    }
    let (lo, hi) = (row.min_actual_legal_days, row.max_actual_legal_days);
    assert!(f64::from(lo) <= row.avg_actual_legal_days);
    assert!(row.avg_actual_legal_days <= f64::from(hi));
    assert!(lo <= row.median_actual_legal_days && row.median_actual_legal_days <= hi);
    assert!(row.median_actual_legal_days <= row.p90_actual_legal_days);
    assert!(row.p90_actual_legal_days <= hi);
    assert!(row.median_actual_days <= row.p90_actual_days);
    assert_eq!(row.on_time_cases + row.overdue_cases, row.cases);
    assert!(row.instant_cases <= row.cases && row.limited_cases <= row.cases);
    assert!(row.referenced_cases <= row.limited_cases);
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn merging_partial_reports_equals_one_pass(
        by in grouping(),
        cases in prop::collection::vec(drawn(), 0..60),
        shard_of in prop::collection::vec(0usize..4, 60),
        order in Just((0..4).collect::<Vec<usize>>()).prop_shuffle(),
        through_json in any::<bool>(),
    ) {
        let items = items();
        let spec = ReportSpec::new(by);
        let whole = report(&spec, &items, &cases);
        let mut shards: Vec<Vec<Drawn>> = vec![Vec::new(); 4];
        for (i, c) in cases.iter().enumerate() {
            shards[shard_of[i]].push(c.clone());
        }
        let mut merged = CaseReport::new(spec.clone());
        for &s in &order {
            let mut part = report(&spec, &items, &shards[s]);
            if through_json {
                part = serde_json::from_str(&serde_json::to_string(&part).unwrap()).unwrap();
            }
            merged.merge(&part).unwrap();
        }
        prop_assert_eq!(&merged, &whole);
        prop_assert_eq!(merged.summary(), whole.summary());
        // Merging is also a tree: (a + b) + (c + d).
        let mut left = report(&spec, &items, &shards[0]);
        left.merge(&report(&spec, &items, &shards[1])).unwrap();
        let mut right = report(&spec, &items, &shards[2]);
        right.merge(&report(&spec, &items, &shards[3])).unwrap();
        right.merge(&left).unwrap();
        prop_assert_eq!(right.summary(), whole.summary());
    }

    #[test]
    fn counts_add_up_and_rows_stay_in_bounds(
        by in grouping(),
        cases in prop::collection::vec(drawn(), 0..80),
        from in day(),
        span in 0u64..400,
    ) {
        let items = items();
        let to = from + chrono::Days::new(span);
        let range = DateRange::new(from, to).unwrap();
        let spec = ReportSpec::new(by).within(range);
        let summary = report(&spec, &items, &cases).summary();
        let kept = cases.iter().filter(|c| range.contains(c.facts.concluded_on())).count() as u64;
        let rows: u64 = summary.rows.iter().map(|r| r.cases).sum();
        prop_assert_eq!(rows, kept);
        prop_assert_eq!(summary.excluded, cases.len() as u64 - kept);
        prop_assert_eq!(summary.total.as_ref().map_or(0, |t| t.cases), kept);
        for row in summary.rows.iter().chain(&summary.total) {
            check_bounds(row);
        }
        // Every other count adds up across groups too.
        if let Some(t) = &summary.total {
            let sum = |f: fn(&ReportRow) -> u64| summary.rows.iter().map(f).sum::<u64>();
            prop_assert_eq!(sum(|r| r.on_time_cases), t.on_time_cases);
            prop_assert_eq!(sum(|r| r.instant_cases), t.instant_cases);
            prop_assert_eq!(sum(|r| r.overdue_working_days), t.overdue_working_days);
            prop_assert_eq!(sum(|r| r.limited_cases), t.limited_cases);
        }
        // The filter equals feeding only the cases in range.
        let inside: Vec<Drawn> =
            cases.iter().filter(|c| range.contains(c.facts.concluded_on())).cloned().collect();
        let unfiltered = report(&ReportSpec::new(spec.group_by().clone()), &items, &inside).summary();
        prop_assert_eq!(&unfiltered.rows, &summary.rows);
        prop_assert_eq!(&unfiltered.total, &summary.total);
    }

    #[test]
    fn quantiles_are_as_exact_as_documented(cases in prop::collection::vec(drawn(), 1..120)) {
        let items = items();
        let summary = report(&ReportSpec::default(), &items, &cases).summary();
        let total = summary.total.unwrap();
        let mut legal: Vec<u32> = cases.iter().map(|c| c.facts.actual_working_days()).collect();
        prop_assert_eq!(total.median_actual_legal_days, exact(&mut legal, 1, 2));
        prop_assert_eq!(total.p90_actual_legal_days, exact(&mut legal, 9, 10));
        let mut micro: Vec<u64> = cases.iter().map(|c| c.facts.actual_micro_days()).collect();
        for (got, num, den) in [(total.median_actual_days, 1, 2), (total.p90_actual_days, 9, 10)] {
            let want = exact(&mut micro, num, den) as f64;
            let got = got * MICRO_DAYS as f64;
            // Less than one bucket (≤ 1/64 of the value) apart, allowing
            // for the float division by a million.
            prop_assert!((got - want).abs() <= want / 64.0 + 1e-6 * want.max(1.0), "{got} vs {want}");
        }
        // Exact when every value is the same.
        let same: Vec<Drawn> = cases.iter().map(|c| Drawn { facts: cases[0].facts, ..c.clone() }).collect();
        let total = report(&ReportSpec::default(), &items, &same).summary().total.unwrap();
        prop_assert_eq!(total.median_actual_days, total.min_actual_days);
        prop_assert_eq!(total.p90_actual_days, total.max_actual_days);
    }
}
