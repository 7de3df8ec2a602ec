//! `calendar/*`: working-day arithmetic on the national calendar
//! ([`WorkCalendar::china`]) over 2005–2025, three implementations side by
//! side in one run:
//!
//! - `shenpi`: [`WorkCalendar::add_working_days`] and
//!   [`WorkCalendar::working_days_between`] (table lookups);
//! - `naive`: a day-by-day loop over `HashSet`s of the calendar's holidays
//!   and make-up days plus a weekday check;
//! - `bdays`: the `bdays` crate's [`HolidayCalendarCache`] over a
//!   [`HolidayCalendar`] holding the same days, cached for the calendar's
//!   covered years 2004–2026.
//!
//! Inputs are a fixed pseudo-random batch of [`BATCH`] cases (a tiny
//! xorshift generator with a fixed seed, so every run times the same cases).
//! Every case is checked before timing: all three implementations must give
//! shenpi's answer, and every covered day must be classified alike. Inside
//! the timed loop each result is asserted against shenpi's precomputed answer.
//!
//! The two crates differ off working days: shenpi counts from the date as
//! given (`add_working_days(d, n)` is the n-th working day after `d`,
//! `working_days_between(a, b)` counts working days in `(a, b]`), while
//! `bdays` first rolls its dates forward to a business day. All start and end
//! dates here are working days, where the two agree.
//!
//! `calendar/added_year/*` times shenpi alone on three calendars side by
//! side: the built-in one, the built-in one with a SAMPLE 2027 arrangement
//! added, and the built-in one estimating 2027–2028, on the same dates in
//! 2005–2025 (any day, not only working days), so a calendar with a year
//! more is seen to cost nothing more per call.

use crate::support::Rng;
use std::collections::HashSet;
use std::hint::black_box;
use std::time::Duration;

use bdays::{HolidayCalendar, HolidayCalendarCache};
use chrono::{Datelike, NaiveDate, Weekday};
use criterion::{BenchmarkGroup, Criterion, Throughput};
use shenpi::calendar::{statutory_holidays, Arrangement, DayRun, Horizon, Roll, WorkCalendar};

/// Cases per batch; one timed iteration runs the whole batch.
const BATCH: usize = 1024;
/// Working days to add: `1..=MAX_ADD`.
const MAX_ADD: u32 = 250;
/// Calendar days from `a` to `b` (before rolling `b` to a working day):
/// `0..=MAX_SPAN`.
const MAX_SPAN: u32 = 366;
/// The generator's fixed seed.
const SEED: u64 = 0x5348_454e_5049_2005;

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid literal date")
}

/// The first and last day inputs are drawn from.
fn input_range() -> (NaiveDate, NaiveDate) {
    (ymd(2005, 1, 1), ymd(2025, 12, 31))
}

impl Rng {
    /// A uniform working day in [`input_range`].
    fn working_day(&mut self, cal: &WorkCalendar) -> NaiveDate {
        let (first, last) = input_range();
        let days = (last - first).num_days() as u32 + 1;
        loop {
            let date = first + chrono::Days::new(u64::from(self.below(days)));
            if cal.is_working_day(date).expect("input dates are covered") {
                return date;
            }
        }
    }
}

/// The naive implementation: walk day by day, asking two hash sets and the
/// weekday.
struct Naive {
    holidays: HashSet<NaiveDate>,
    make_up_days: HashSet<NaiveDate>,
    /// Indexed by `Weekday::num_days_from_monday`.
    weekend: [bool; 7],
}

impl Naive {
    fn new(cal: &WorkCalendar) -> Naive {
        let mut weekend = [false; 7];
        for day in cal.weekend() {
            weekend[day.num_days_from_monday() as usize] = true;
        }
        Naive {
            holidays: cal.holidays().collect(),
            make_up_days: cal.make_up_days().collect(),
            weekend,
        }
    }

    fn is_working_day(&self, date: NaiveDate) -> bool {
        self.make_up_days.contains(&date)
            || !(self.weekend[date.weekday().num_days_from_monday() as usize]
                || self.holidays.contains(&date))
    }

    fn add_working_days(&self, mut date: NaiveDate, n: u32) -> NaiveDate {
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().expect("benchmark dates are far from NaiveDate::MAX");
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> u32 {
        let mut count = 0;
        let mut date = a;
        while date < b {
            date = date.succ_opt().expect("benchmark dates are far from NaiveDate::MAX");
            if self.is_working_day(date) {
                count += 1;
            }
        }
        count
    }
}

/// The national calendar as a `bdays` holiday calendar. `bdays` fixes the
/// weekend to Saturday and Sunday and by default calls a business day a
/// weekday that is not a holiday, so `is_bday` is overridden to make the
/// make-up weekend days (调休) business days too.
struct ChinaDays {
    holidays: HashSet<NaiveDate>,
    make_up_days: HashSet<NaiveDate>,
}

impl HolidayCalendar<NaiveDate> for ChinaDays {
    fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date)
    }

    fn is_bday(&self, date: NaiveDate) -> bool {
        self.make_up_days.contains(&date)
            || !(bdays::is_weekend(date) || self.holidays.contains(&date))
    }
}

/// `bdays`' cached calendar over the same covered years as `cal`.
fn bdays_cache(cal: &WorkCalendar) -> HolidayCalendarCache<NaiveDate> {
    let weekend: Vec<Weekday> = cal.weekend().collect();
    assert_eq!(weekend, [Weekday::Sat, Weekday::Sun], "bdays only knows a Sat-Sun weekend");
    let days = ChinaDays {
        holidays: cal.holidays().collect(),
        make_up_days: cal.make_up_days().collect(),
    };
    let (first, last) = cal.date_range();
    HolidayCalendarCache::new(days, first, last)
}

/// The three implementations, checked to classify every covered day alike.
struct Setup {
    cal: WorkCalendar,
    naive: Naive,
    bdays: HolidayCalendarCache<NaiveDate>,
}

impl Setup {
    fn new() -> Setup {
        let cal = WorkCalendar::china();
        let naive = Naive::new(&cal);
        let bdays = bdays_cache(&cal);
        let (first, last) = cal.date_range();
        let (input_first, input_last) = input_range();
        assert!(
            first < input_first && input_last < last,
            "the national calendar covers {first}..={last}, \
             not a year either side of the benchmark inputs"
        );
        for date in first.iter_days().take_while(|date| *date <= last) {
            let working = cal.is_working_day(date).expect("the date is covered");
            assert_eq!(naive.is_working_day(date), working, "naive vs shenpi on {date}");
            assert_eq!(bdays.is_bday(date), working, "bdays vs shenpi on {date}");
        }
        Setup { cal, naive, bdays }
    }
}

/// One `add_working_days` case and shenpi's answer.
#[derive(Clone, Copy)]
struct AddCase {
    start: NaiveDate,
    n: u32,
    due: NaiveDate,
}

/// [`BATCH`] cases: a working day in 2005–2025 and `1..=MAX_ADD` working
/// days, drawn again whenever the due date would leave the covered years.
fn add_cases(setup: &Setup) -> Vec<AddCase> {
    let Setup { cal, naive, bdays } = setup;
    let mut rng = Rng(SEED);
    let mut cases = Vec::with_capacity(BATCH);
    while cases.len() < BATCH {
        let start = rng.working_day(cal);
        let n = 1 + rng.below(MAX_ADD);
        if let Ok(due) = cal.add_working_days(start, n) {
            cases.push(AddCase { start, n, due });
        }
    }
    for &AddCase { start, n, due } in &cases {
        let naive_due = naive.add_working_days(start, n);
        assert_eq!(naive_due, due, "naive vs shenpi: {n} working days after {start}");
        let bdays_due = bdays.advance_bdays(start, to_i32(n));
        assert_eq!(bdays_due, due, "bdays vs shenpi: {n} working days after {start}");
    }
    cases
}

/// One `working_days_between` case and shenpi's answer.
#[derive(Clone, Copy)]
struct SpanCase {
    a: NaiveDate,
    b: NaiveDate,
    days: u32,
}

/// [`BATCH`] cases: `a` a working day in 2005–2025, `b` the first working
/// day at least `0..=MAX_SPAN` calendar days later, drawn again when `b`
/// falls after 2025.
fn span_cases(setup: &Setup) -> Vec<SpanCase> {
    let Setup { cal, naive, bdays } = setup;
    let (_, input_last) = input_range();
    let mut rng = Rng(SEED ^ 0xb_e7ee_4000);
    let mut cases = Vec::with_capacity(BATCH);
    while cases.len() < BATCH {
        let a = rng.working_day(cal);
        let later = a + chrono::Days::new(u64::from(rng.below(MAX_SPAN + 1)));
        let b = cal.roll(later, Roll::Following).expect("2026 has working days");
        if b <= input_last {
            let days = cal.working_days_between(a, b).expect("a <= b, both covered");
            cases.push(SpanCase { a, b, days });
        }
    }
    for &SpanCase { a, b, days } in &cases {
        let naive_days = naive.working_days_between(a, b);
        assert_eq!(naive_days, days, "naive vs shenpi: working days in ({a}, {b}]");
        let bdays_days = bdays.bdays(a, b);
        assert_eq!(bdays_days, to_i32(days), "bdays vs shenpi: working days in ({a}, {b}]");
    }
    cases
}

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).expect("benchmark counts are small")
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(BATCH as u64));
    group
}

/// `calendar/add_working_days/{shenpi,naive,bdays}`: the n-th working day
/// after a working day, `n` in `1..=250`.
pub(crate) fn add_working_days(c: &mut Criterion) {
    let setup = Setup::new();
    let cases = add_cases(&setup);
    let Setup { cal, naive, bdays } = &setup;
    let mut group = group(c, "calendar/add_working_days");
    group.bench_function("shenpi", |b| {
        b.iter(|| {
            for case in black_box(cases.as_slice()) {
                let due = cal.add_working_days(case.start, case.n).expect("due date is covered");
                assert_eq!(due, case.due);
            }
        });
    });
    group.bench_function("naive", |b| {
        b.iter(|| {
            for case in black_box(cases.as_slice()) {
                assert_eq!(naive.add_working_days(case.start, case.n), case.due);
            }
        });
    });
    group.bench_function("bdays", |b| {
        b.iter(|| {
            for case in black_box(cases.as_slice()) {
                // `as` rather than `to_i32`: n <= MAX_ADD, checked when built.
                assert_eq!(bdays.advance_bdays(case.start, case.n as i32), case.due);
            }
        });
    });
    group.finish();
}

/// `calendar/working_days_between/{shenpi,naive,bdays}`: working days in
/// `(a, b]`, `a` and `b` working days up to a year apart.
pub(crate) fn working_days_between(c: &mut Criterion) {
    let setup = Setup::new();
    let cases = span_cases(&setup);
    let Setup { cal, naive, bdays } = &setup;
    let mut group = group(c, "calendar/working_days_between");
    group.bench_function("shenpi", |b| {
        b.iter(|| {
            for case in black_box(cases.as_slice()) {
                let days = cal.working_days_between(case.a, case.b).expect("a <= b, both covered");
                assert_eq!(days, case.days);
            }
        });
    });
    group.bench_function("naive", |b| {
        b.iter(|| {
            for case in black_box(cases.as_slice()) {
                assert_eq!(naive.working_days_between(case.a, case.b), case.days);
            }
        });
    });
    group.bench_function("bdays", |b| {
        b.iter(|| {
            for case in black_box(cases.as_slice()) {
                // `as` rather than `to_i32`: days <= 366, checked when built.
                assert_eq!(bdays.bdays(case.a, case.b), case.days as i32);
            }
        });
    });
    group.finish();
}

/// Dates per `calendar/added_year` batch.
const ADDED_BATCH: usize = 512;
/// The working-day counts `calendar/added_year` adds.
const ADDED_NS: [u32; 2] = [20, 250];
/// The `calendar/added_year` generator's fixed seed.
const ADDED_SEED: u64 = SEED ^ 0x2027_0000_0000;

/// A SAMPLE 2027 arrangement, NOT the real 2027 notice (not published when
/// this was written): the statutory holiday days off
/// ([`statutory_holidays`]), no rest days moved, no make-up days.
fn sample_2027() -> Arrangement {
    let off = statutory_holidays(2027).expect("2027 can be estimated");
    Arrangement::new(2027, off.iter().map(|h| DayRun::day(h.date)), [])
        .and_then(|a| a.with_source("sample, not the real 2027 notice"))
        .expect("the sample arrangement is valid")
}

/// The calendars `calendar/added_year` compares, each with its bench name:
/// the built-in one, the built-in one with [`sample_2027`] added, and the
/// built-in one estimating 2027–2028. All three are checked to classify
/// every day of the built-in years alike.
fn added_year_calendars() -> [(&'static str, WorkCalendar); 3] {
    let built_in = WorkCalendar::china();
    let added = built_in.with_arrangement(&sample_2027()).expect("2027 follows 2026");
    let estimating = built_in
        .with_horizon(Horizon::Estimate { through: 2028 })
        .expect("2027-2028 can be estimated");
    let (first, last) = built_in.date_range();
    assert_eq!((added.published_through(), added.date_range()), (2027, (first, ymd(2027, 12, 31))));
    assert_eq!(
        (estimating.published_through(), estimating.date_range()),
        (built_in.published_through(), (first, ymd(2028, 12, 31)))
    );
    for date in first.iter_days().take_while(|date| *date <= last) {
        let working = built_in.is_working_day(date).expect("the date is covered");
        assert_eq!(added.is_working_day(date), Ok(working), "added year vs built-in on {date}");
        assert_eq!(
            estimating.is_working_day(date),
            Ok(working),
            "estimating vs built-in on {date}"
        );
    }
    [("built_in", built_in), ("added_year", added), ("estimating", estimating)]
}

/// One `is_working_day` case and the answer.
#[derive(Clone, Copy)]
struct DayCase {
    date: NaiveDate,
    working: bool,
}

/// The `calendar/added_year` inputs, the same for every calendar, with the
/// built-in calendar's answers.
struct AddedYearCases {
    days: Vec<DayCase>,
    /// One batch per [`ADDED_NS`] entry.
    adds: [Vec<AddCase>; 2],
    spans: Vec<SpanCase>,
}

/// [`ADDED_BATCH`] dates (any day, working or not) in 2005–2025 that the
/// built-in calendar can add 250 working days to; each also starts a span
/// of `0..=MAX_SPAN` calendar days (its end any day up to 2026-12-31). Every
/// answer is checked on every calendar before timing.
fn added_year_cases(cals: &[(&str, WorkCalendar)]) -> AddedYearCases {
    let built_in = &cals[0].1;
    let (first, last) = input_range();
    let range_days = (last - first).num_days() as u32 + 1;
    let mut rng = Rng(ADDED_SEED);
    let mut dates = Vec::with_capacity(ADDED_BATCH);
    while dates.len() < ADDED_BATCH {
        let date = first + chrono::Days::new(u64::from(rng.below(range_days)));
        if built_in.add_working_days(date, MAX_ADD).is_ok() {
            dates.push(date);
        }
    }
    let days = dates
        .iter()
        .map(|&date| DayCase { date, working: built_in.is_working_day(date).expect("covered") })
        .collect();
    let adds = ADDED_NS.map(|n| {
        dates
            .iter()
            .map(|&start| {
                let due = built_in.add_working_days(start, n).expect("checked for 250");
                AddCase { start, n, due }
            })
            .collect()
    });
    let spans = dates
        .iter()
        .map(|&a| {
            let b = a + chrono::Days::new(u64::from(rng.below(MAX_SPAN + 1)));
            let days = built_in.working_days_between(a, b).expect("a <= b, both covered");
            SpanCase { a, b, days }
        })
        .collect();
    let cases = AddedYearCases { days, adds, spans };
    for (name, cal) in cals {
        for case in &cases.days {
            assert_eq!(cal.is_working_day(case.date), Ok(case.working), "{name} on {}", case.date);
        }
        for case in cases.adds.iter().flatten() {
            let due = cal.add_working_days(case.start, case.n);
            assert_eq!(due, Ok(case.due), "{name}: {} working days after {}", case.n, case.start);
        }
        for case in &cases.spans {
            let days = cal.working_days_between(case.a, case.b);
            assert_eq!(days, Ok(case.days), "{name}: working days in ({}, {}]", case.a, case.b);
        }
    }
    cases
}

/// Times `run` on each calendar as `{operation}/{calendar}`, one after the
/// other, so the three figures for an operation come from the same minute
/// of the run.
fn on_each_calendar(
    group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    operation: &str,
    cals: &[(&str, WorkCalendar)],
    run: impl Fn(&WorkCalendar),
) {
    for (name, cal) in cals {
        group.bench_function(format!("{operation}/{name}"), |b| b.iter(|| run(black_box(cal))));
    }
}

/// `calendar/added_year/{operation}/{built_in,added_year,estimating}`: the
/// same calls on the built-in calendar (2004–2026), on it with a SAMPLE 2027
/// arrangement added ([`WorkCalendar::with_arrangement`]), and on it
/// estimating 2027–2028 ([`Horizon::Estimate`]), all on the same
/// [`ADDED_BATCH`] dates in 2005–2025. The operations are `is_working_day`,
/// `add_working_days_20`, `add_working_days_250` and `working_days_between`
/// (spans of up to a year). Every calendar operation is a table lookup, so a
/// calendar with a year more must time the same.
pub(crate) fn added_year(c: &mut Criterion) {
    let cals = added_year_calendars();
    let cases = added_year_cases(&cals);
    let mut group = c.benchmark_group("calendar/added_year");
    group.throughput(Throughput::Elements(ADDED_BATCH as u64));
    // Twelve benchmarks of a few microseconds an iteration: short warm-ups
    // and measurements keep the group near 25 s.
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_millis(1500));
    on_each_calendar(&mut group, "is_working_day", &cals, |cal| {
        for case in black_box(cases.days.as_slice()) {
            assert_eq!(cal.is_working_day(case.date).expect("covered"), case.working);
        }
    });
    for (n, adds) in ADDED_NS.iter().zip(&cases.adds) {
        on_each_calendar(&mut group, &format!("add_working_days_{n}"), &cals, |cal| {
            for case in black_box(adds.as_slice()) {
                let due = cal.add_working_days(case.start, case.n).expect("due date is covered");
                assert_eq!(due, case.due);
            }
        });
    }
    on_each_calendar(&mut group, "working_days_between", &cals, |cal| {
        for case in black_box(cases.spans.as_slice()) {
            let days = cal.working_days_between(case.a, case.b).expect("a <= b, both covered");
            assert_eq!(days, case.days);
        }
    });
    group.finish();
}
