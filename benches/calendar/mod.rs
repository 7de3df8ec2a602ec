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

use crate::support::Rng;
use std::collections::HashSet;
use std::hint::black_box;

use bdays::{HolidayCalendar, HolidayCalendarCache};
use chrono::{Datelike, NaiveDate, Weekday};
use criterion::{BenchmarkGroup, Criterion, Throughput};
use shenpi::calendar::{Roll, WorkCalendar};

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
