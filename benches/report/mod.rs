//! `report/*`: the promised-versus-actual case report over [`CASES`]
//! concluded cases in [`DEPARTMENTS`] departments, streaming beside a naive
//! baseline:
//!
//! - `report/cases/shenpi`: one pass of [`CaseReport::add_to`] over compact
//!   [`CaseFacts`] rows, each with its department's [`GroupSlot`] looked up
//!   once per department before the pass (the hot path: a few integer adds
//!   and two histogram increments per case), then
//!   [`CaseReport::summary`].
//! - `report/cases/shenpi_keyed`: the same through [`CaseReport::add`],
//!   which finds each case's group from its item (a department key built
//!   and looked up per case).
//! - `report/cases/naive`: collect each department's rows into a `Vec`,
//!   then per department sort the actual times (fractional and legal) for
//!   exact medians and 90th percentiles and sum the rest.
//!
//! Throughput: cases. Rows come from a fixed-seed xorshift generator: 20
//! departments of 3 to 8 items each (one item in six instant, the others
//! promising 1 to 15 of 20 statutory working days, half with a provincial
//! reference limit), cases concluded over 2022–2023; actual time mostly
//! under a working day, a quarter up to 10, a few up to 60; one case in
//! twenty late.
//!
//! Before timing, all three are checked to agree: every count, sum-based
//! average and rate equal, legal-day quantiles equal, and fractional
//! quantiles within the documented 1/64. Inside the timed loop the total's
//! case count is asserted.

use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{Criterion, SamplingMode, Throughput};
use shenpi::catalog::{ApprovalItem, CaseKind, DepartmentId, ItemCode};
use shenpi::limit::TimeLimit;
use shenpi::report::{
    CaseFacts, CaseReport, GroupBy, GroupKey, GroupSlot, Placement, ReportRow, ReportSpec,
    MICRO_DAYS,
};

use crate::support::{ymd, Rng};

/// Concluded cases per pass.
const CASES: usize = 1_000_000;
/// Departments.
const DEPARTMENTS: usize = 20;
/// The generator's fixed seed.
const SEED: u64 = 0x5245_504f_5254_2026;

struct Setup {
    items: Vec<ApprovalItem>,
    /// Per case: its item's index and its facts.
    rows: Vec<(u32, CaseFacts)>,
    /// Per item: its department's index.
    item_department: Vec<usize>,
}

fn setup() -> Setup {
    let mut rng = Rng(SEED);
    let mut items = Vec::new();
    let mut item_department = Vec::new();
    for dept in 0..DEPARTMENTS {
        let department = DepartmentId::new(&format!("department-{dept:02}")).expect("valid id");
        for i in 0..rng.range(3, 8) {
            let code = ItemCode::new(&format!("XK-{dept:02}-{i}")).expect("valid code");
            let instant = rng.chance(16);
            let promised = if instant { 0 } else { rng.range(1, 15) };
            let mut b = ApprovalItem::builder(code, "许可", department.clone())
                .statutory(TimeLimit::working_days(20))
                .promised(TimeLimit::working_days(promised));
            if instant {
                b = b.case_kind(CaseKind::Instant);
            }
            if rng.chance(50) {
                b = b.reference(TimeLimit::working_days((promised * 2).max(1)));
            }
            items.push(b.build().expect("a valid item"));
            item_department.push(dept);
        }
    }
    let first = ymd(2022, 1, 1);
    let rows = (0..CASES)
        .map(|_| {
            let i = rng.index(items.len());
            let item = &items[i];
            let day = first + chrono::Days::new(u64::from(rng.below(730)));
            let micro = match rng.below(100) {
                0..=69 => u64::from(rng.below(1_000_000)),
                70..=96 => u64::from(rng.below(10_000_000)),
                _ => u64::from(rng.below(60_000_000)),
            };
            let legal = u32::try_from(micro / MICRO_DAYS).expect("small") + rng.below(2);
            (u32::try_from(i).expect("few items"), facts(item, day, legal, micro, &mut rng))
        })
        .collect();
    Setup { items, rows, item_department }
}

fn facts(item: &ApprovalItem, day: NaiveDate, legal: u32, micro: u64, rng: &mut Rng) -> CaseFacts {
    let fraction = micro as f64 / MICRO_DAYS as f64;
    let mut f = CaseFacts::new(day, legal, fraction)
        .expect("a valid actual time")
        .of_kind(item.case_kind())
        .with_limits(item.promised().amount(), item.statutory().amount())
        .expect("promised within statutory");
    if let Some(r) = item.reference() {
        f = f.with_reference(r.amount());
    }
    if rng.chance(5) {
        f = f.late(rng.below(10));
    }
    f
}

/// The streaming report, through slots found once per department.
fn streaming(s: &Setup, slots: &[GroupSlot], report: &mut CaseReport) {
    for (item, facts) in &s.rows {
        let slot = slots[s.item_department[*item as usize]];
        report.add_to(slot, facts).expect("a slot of this report");
    }
}

/// The streaming report, finding each group from the case's item.
fn keyed(s: &Setup, report: &mut CaseReport) {
    let none = Placement::new();
    for (item, facts) in &s.rows {
        report.add(&s.items[*item as usize], facts, &none).expect("a department key");
    }
}

/// What the naive baseline computes per department.
#[derive(Debug, PartialEq)]
struct NaiveRow {
    cases: u64,
    on_time: u64,
    instant: u64,
    overdue_days: u64,
    avg_actual_micro: f64,
    avg_legal: f64,
    median_micro: u64,
    p90_micro: u64,
    median_legal: u32,
    p90_legal: u32,
    avg_promised: f64,
    compression: f64,
}

fn nearest_rank(n: usize, num: usize, den: usize) -> usize {
    (n * num).div_ceil(den).max(1) - 1
}

/// Collect per department, then sort and compute.
fn naive(s: &Setup) -> Vec<NaiveRow> {
    let mut groups: Vec<Vec<CaseFacts>> = vec![Vec::new(); DEPARTMENTS];
    for (item, facts) in &s.rows {
        groups[s.item_department[*item as usize]].push(*facts);
    }
    groups
        .iter()
        .map(|g| {
            let n = g.len();
            let mut micro: Vec<u64> = g.iter().map(CaseFacts::actual_micro_days).collect();
            let mut legal: Vec<u32> = g.iter().map(CaseFacts::actual_working_days).collect();
            micro.sort_unstable();
            legal.sort_unstable();
            let count = |f: fn(&CaseFacts) -> bool| g.iter().filter(|c| f(c)).count() as u64;
            let sum = |f: fn(&CaseFacts) -> u64| g.iter().map(f).sum::<u64>();
            let mean =
                |total: u64| (total / n as u64) as f64 + (total % n as u64) as f64 / n as f64;
            let promised = sum(|c| u64::from(c.limits().map_or(0, |l| l.0)));
            let statutory = sum(|c| u64::from(c.limits().map_or(0, |l| l.1)));
            NaiveRow {
                cases: n as u64,
                on_time: count(CaseFacts::on_time),
                instant: count(CaseFacts::is_instant),
                overdue_days: sum(|c| u64::from(c.overdue_working_days())),
                avg_actual_micro: mean(micro.iter().sum()),
                avg_legal: mean(legal.iter().map(|d| u64::from(*d)).sum()),
                median_micro: micro[nearest_rank(n, 1, 2)],
                p90_micro: micro[nearest_rank(n, 9, 10)],
                median_legal: legal[nearest_rank(n, 1, 2)],
                p90_legal: legal[nearest_rank(n, 9, 10)],
                avg_promised: mean(promised),
                compression: 1.0 - promised as f64 / statutory as f64,
            }
        })
        .collect()
}

fn check(rows: &[ReportRow], expected: &[NaiveRow]) {
    assert_eq!(rows.len(), expected.len());
    for (r, e) in rows.iter().zip(expected) {
        assert_eq!((r.cases, r.on_time_cases, r.instant_cases), (e.cases, e.on_time, e.instant));
        assert_eq!(r.overdue_working_days, e.overdue_days);
        assert_eq!(r.avg_actual_days, e.avg_actual_micro / MICRO_DAYS as f64);
        assert_eq!(r.avg_actual_legal_days, e.avg_legal);
        assert_eq!(
            (r.median_actual_legal_days, r.p90_actual_legal_days),
            (e.median_legal, e.p90_legal)
        );
        assert_eq!(r.avg_promised_days, Some(e.avg_promised));
        assert_eq!(r.compression_vs_statutory, Some(e.compression));
        for (got, want) in
            [(r.median_actual_days, e.median_micro), (r.p90_actual_days, e.p90_micro)]
        {
            let (got, want) = (got * MICRO_DAYS as f64, want as f64);
            assert!((got - want).abs() <= want / 64.0 + 1e-3, "{got} vs {want}");
        }
    }
}

fn slots(report: &mut CaseReport) -> Vec<GroupSlot> {
    (0..DEPARTMENTS)
        .map(|d| {
            let department = DepartmentId::new(&format!("department-{d:02}")).expect("valid id");
            report.slot(GroupKey::Department { department }).expect("a department key")
        })
        .collect()
}

/// `report/cases/{shenpi,shenpi_keyed,naive}`: one report over every case;
/// throughput in cases.
pub(crate) fn cases(c: &mut Criterion) {
    let s = setup();
    let spec = ReportSpec::new(GroupBy::Department);
    let expected = naive(&s);
    let mut report = CaseReport::new(spec.clone());
    let slot_list = slots(&mut report);
    streaming(&s, &slot_list, &mut report);
    check(&report.summary().rows, &expected);
    let mut by_key = CaseReport::new(spec.clone());
    keyed(&s, &mut by_key);
    assert_eq!(by_key.summary(), report.summary());
    let total = CASES as u64;

    let mut group = c.benchmark_group("report/cases");
    group.throughput(Throughput::Elements(total));
    // A pass over a million cases takes milliseconds (the baseline tens of
    // them): ten flat samples.
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("shenpi", |b| {
        b.iter(|| {
            let mut report = CaseReport::new(spec.clone());
            let slot_list = slots(&mut report);
            streaming(black_box(&s), &slot_list, &mut report);
            let summary = report.summary();
            assert_eq!(summary.total.as_ref().map(|t| t.cases), Some(total));
            summary
        });
    });
    group.bench_function("shenpi_keyed", |b| {
        b.iter(|| {
            let mut report = CaseReport::new(spec.clone());
            keyed(black_box(&s), &mut report);
            let summary = report.summary();
            assert_eq!(summary.total.as_ref().map(|t| t.cases), Some(total));
            summary
        });
    });
    group.bench_function("naive", |b| {
        b.iter(|| {
            let rows = naive(black_box(&s));
            assert_eq!(rows.iter().map(|r| r.cases).sum::<u64>(), total);
            rows
        });
    });
    group.finish();
}
