//! Calendar laws as proptest properties.
//!
//! Each law is a function over a calendar and its inputs, run twice: on the
//! built-in national calendar (2004–2026) and on random calendars made by
//! the builder (see `strategies`). Where an operation may fail, the law
//! also says exactly when it fails and with which error.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Timelike};
use proptest::prelude::*;
use shenpi::calendar::{CalendarError, Direction, Overlay, Roll, WorkCalendar};

use crate::strategies::{
    any_date, any_instant, any_utc_offset, calendar, calendar_spec, date_around, date_in,
    date_in_years, date_outside, instant_in, overlay_for, precise_instant_in, retimed, time_at,
    utc_offset, CalendarSpec, DAY_SECONDS, WEEK,
};

type Law = Result<(), TestCaseError>;

/// The national calendar, built once.
fn china() -> WorkCalendar {
    static CHINA: OnceLock<WorkCalendar> = OnceLock::new();
    CHINA.get_or_init(WorkCalendar::china).clone()
}

/// `cases` cases, and no regression files written next to the sources.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Counts of days: mostly small, sometimes large enough to run off the end.
fn count(max: u32) -> impl Strategy<Value = u32> {
    prop_oneof![3 => 0u32..=30, 1 => 0..=max]
}

fn next(d: NaiveDate) -> NaiveDate {
    d.succ_opt().expect("a date before chrono's last")
}

fn working(cal: &WorkCalendar, d: NaiveDate) -> Result<bool, TestCaseError> {
    cal.is_working_day(d).map_err(|e| TestCaseError::fail(format!("is_working_day({d}): {e}")))
}

fn between(cal: &WorkCalendar, a: NaiveDate, b: NaiveDate) -> Result<u32, TestCaseError> {
    cal.working_days_between(a, b)
        .map_err(|e| TestCaseError::fail(format!("working_days_between({a}, {b}): {e}")))
}

/// Working days in `[first covered day, d)`.
fn working_before(cal: &WorkCalendar, d: NaiveDate) -> Result<u32, TestCaseError> {
    let first = cal.date_range().0;
    Ok(between(cal, first, d)? + u32::from(working(cal, first)?) - u32::from(working(cal, d)?))
}

/// Working days in `(d, last covered day]`.
fn working_after(cal: &WorkCalendar, d: NaiveDate) -> Result<u32, TestCaseError> {
    between(cal, d, cal.date_range().1)
}

fn ok<T>(what: &str, r: Result<T, CalendarError>) -> Result<T, TestCaseError> {
    r.map_err(|e| TestCaseError::fail(format!("{what}: unexpected error {e:?}")))
}

/// The definition read back through the accessors, and `is_working_day` as
/// the type's docs define it: a make-up day, or neither a weekend day nor a
/// holiday.
struct Model {
    weekend: Vec<chrono::Weekday>,
    holidays: BTreeSet<NaiveDate>,
    make_up_days: BTreeSet<NaiveDate>,
}

impl Model {
    fn of(cal: &WorkCalendar) -> Model {
        Model {
            weekend: WEEK.into_iter().filter(|d| cal.is_weekend(*d)).collect(),
            holidays: cal.holidays().collect(),
            make_up_days: cal.make_up_days().collect(),
        }
    }

    fn is_working(&self, d: NaiveDate) -> bool {
        self.make_up_days.contains(&d)
            || (!self.weekend.contains(&d.weekday()) && !self.holidays.contains(&d))
    }
}

// ---------------------------------------------------------------------------
// Laws on working days.

/// Adding n working days and counting back gives n; the result is a
/// working day after the start (or the start when n = 0); adding fails
/// exactly when fewer than n working days follow.
fn add_then_count(cal: &WorkCalendar, d: NaiveDate, n: u32) -> Law {
    match cal.add_working_days(d, n) {
        Ok(r) => {
            prop_assert!(cal.covers(r), "{d} + {n} = {r} is not covered");
            prop_assert_eq!(between(cal, d, r)?, n, "{} + {} = {}, counted back", d, n, r);
            if n == 0 {
                prop_assert_eq!(r, d, "adding 0 working days moves the date");
            } else {
                prop_assert!(working(cal, r)?, "{d} + {n} = {r} is not a working day");
                prop_assert!(r > d, "{d} + {n} = {r} is not after the start");
            }
        }
        Err(e) => {
            prop_assert!(
                matches!(e, CalendarError::CountOutOfRange {
                    date, days, direction: Direction::Forward, ..
                } if date == d && days == n),
                "{d} + {n}: unexpected error {e:?}"
            );
            let left = working_after(cal, d)?;
            prop_assert!(n > left, "{d} + {n} failed but {left} working days follow");
        }
    }
    Ok(())
}

/// Subtracting undoes adding, up to rolling the start back to a working
/// day; adding undoes subtracting, up to rolling it forward.
fn sub_inverts_add(cal: &WorkCalendar, d: NaiveDate, n: u32) -> Law {
    let n = n.max(1);
    let is_working = working(cal, d)?;
    if let Ok(r) = cal.add_working_days(d, n) {
        let back = cal.sub_working_days(r, n);
        match cal.roll(d, Roll::Preceding) {
            Ok(p) => prop_assert_eq!(&back, &Ok(p), "({} + {}) - {}, start rolled back", d, n, n),
            Err(_) => prop_assert!(
                matches!(back, Err(CalendarError::CountOutOfRange { .. })),
                "({d} + {n}) - {n} = {back:?}, yet no working day is on or before {d}"
            ),
        }
        if is_working {
            prop_assert_eq!(&back, &Ok(d), "({} + {}) - {} on a working day", d, n, n);
        }
    }
    match cal.sub_working_days(d, n) {
        Ok(s) => {
            prop_assert!(cal.covers(s), "{d} - {n} = {s} is not covered");
            prop_assert!(working(cal, s)?, "{d} - {n} = {s} is not a working day");
            prop_assert!(s < d, "{d} - {n} = {s} is not before the start");
            // n working days in [s, d): s itself and n - 1 more before d.
            prop_assert_eq!(
                between(cal, s, d)? + 1,
                n + u32::from(is_working),
                "{} - {} = {}, counted forward",
                d,
                n,
                s
            );
            let forth = cal.add_working_days(s, n);
            match cal.roll(d, Roll::Following) {
                Ok(f) => {
                    prop_assert_eq!(
                        &forth,
                        &Ok(f),
                        "({} - {}) + {}, start rolled forward",
                        d,
                        n,
                        n
                    );
                }
                Err(_) => prop_assert!(
                    matches!(forth, Err(CalendarError::CountOutOfRange { .. })),
                    "({d} - {n}) + {n} = {forth:?}, yet no working day is on or after {d}"
                ),
            }
            if is_working {
                prop_assert_eq!(&forth, &Ok(d), "({} - {}) + {} on a working day", d, n, n);
            }
        }
        Err(e) => {
            prop_assert!(
                matches!(e, CalendarError::CountOutOfRange {
                    date, days, direction: Direction::Backward, ..
                } if date == d && days == n),
                "{d} - {n}: unexpected error {e:?}"
            );
            let before = working_before(cal, d)?;
            prop_assert!(n > before, "{d} - {n} failed but {before} working days precede");
        }
    }
    Ok(())
}

/// Counting is zero on an empty range, additive over adjacent ranges,
/// monotone, at most the number of days, refuses inverted ranges, and
/// agrees with counting day by day.
fn count_laws(cal: &WorkCalendar, dates: [NaiveDate; 3]) -> Law {
    let mut sorted = dates;
    sorted.sort();
    let [a, b, c] = sorted;
    prop_assert_eq!(between(cal, a, a)?, 0, "({}, {}] is empty", a, a);
    let (ab, bc, ac) = (between(cal, a, b)?, between(cal, b, c)?, between(cal, a, c)?);
    prop_assert_eq!(ab + bc, ac, "({}, {}] + ({}, {}] != ({}, {}]", a, b, b, c, a, c);
    prop_assert!(ab <= ac, "({a}, {b}] has {ab} working days, ({a}, {c}] only {ac}");
    let days = u32::try_from((b - a).num_days()).expect("a short range");
    prop_assert!(ab <= days, "({a}, {b}] has {ab} working days in {days} days");
    if a < b {
        let e = cal.working_days_between(b, a);
        prop_assert!(
            matches!(e, Err(CalendarError::InvertedRange { start, end, .. }) if start == b && end == a),
            "working_days_between({b}, {a}) = {e:?}"
        );
    }
    // Day by day, over at most a year from a.
    let end = c.min(a + TimeDelta::days(366));
    let mut naive = 0;
    let mut day = a;
    while day < end {
        day = next(day);
        naive += u32::from(working(cal, day)?);
    }
    prop_assert_eq!(between(cal, a, end)?, naive, "({}, {}] counted day by day", a, end);
    Ok(())
}

/// Rolling gives the nearest working day that way (the date itself
/// when it is one), and fails exactly when there is none in the covered
/// years.
fn roll_laws(cal: &WorkCalendar, d: NaiveDate) -> Law {
    let is_working = working(cal, d)?;
    match cal.roll(d, Roll::Following) {
        Ok(r) if is_working => prop_assert_eq!(r, d, "a working day rolls forward off itself"),
        Ok(r) => {
            prop_assert!(r > d, "{d} rolled forward to {r}");
            prop_assert!(working(cal, r)?, "{d} rolled forward to {r}, not a working day");
            prop_assert_eq!(between(cal, d, r)?, 1, "a working day lies between {} and {}", d, r);
        }
        Err(e) => {
            prop_assert!(
                matches!(e, CalendarError::NoWorkingDay { date, roll: Roll::Following, .. } if date == d),
                "roll({d}, Following): unexpected error {e:?}"
            );
            prop_assert!(!is_working, "working day {d} failed to roll forward");
            prop_assert_eq!(working_after(cal, d)?, 0, "{} failed to roll forward", d);
        }
    }
    match cal.roll(d, Roll::Preceding) {
        Ok(p) if is_working => prop_assert_eq!(p, d, "a working day rolls back off itself"),
        Ok(p) => {
            prop_assert!(p < d, "{d} rolled back to {p}");
            prop_assert!(working(cal, p)?, "{d} rolled back to {p}, not a working day");
            prop_assert_eq!(between(cal, p, d)?, 0, "a working day lies between {} and {}", p, d);
        }
        Err(e) => {
            prop_assert!(
                matches!(e, CalendarError::NoWorkingDay { date, roll: Roll::Preceding, .. } if date == d),
                "roll({d}, Preceding): unexpected error {e:?}"
            );
            prop_assert_eq!(working_before(cal, d)?, 0, "{} failed to roll back", d);
        }
    }
    Ok(())
}

/// A natural-day period ends on the first working day on or after
/// the date n days later, and fails exactly when there is none.
fn natural_days_laws(cal: &WorkCalendar, d: NaiveDate, n: u32) -> Law {
    let end = d + TimeDelta::days(i64::from(n));
    match cal.add_natural_days(d, n) {
        Ok(r) => {
            prop_assert!(cal.covers(r), "{d} + {n} natural days = {r} is not covered");
            prop_assert!(working(cal, r)?, "{d} + {n} natural days = {r}, not a working day");
            prop_assert!(r >= end, "{d} + {n} natural days = {r}, before {end}");
            if r > end {
                prop_assert!(!working(cal, end)?, "{d} + {n} natural days passed {end}");
                prop_assert_eq!(between(cal, end, r)?, 1, "{} + {} natural days = {}", d, n, r);
            }
        }
        Err(e) => {
            prop_assert!(
                matches!(e, CalendarError::CountOutOfRange {
                    date, days, direction: Direction::Forward, ..
                } if date == d && days == n),
                "{d} + {n} natural days: unexpected error {e:?}"
            );
            if cal.covers(end) {
                prop_assert!(!working(cal, end)?, "{d} + {n} natural days failed on a working day");
                prop_assert_eq!(working_after(cal, end)?, 0, "{} + {} natural days failed", d, n);
            }
        }
    }
    Ok(())
}

/// The corresponding day `n` months after `d` (Civil Code art. 202), with
/// no help from chrono: the same day of the month `n` months on, or that
/// month's last day when it has none. `None` past chrono's dates.
fn corresponding_day(d: NaiveDate, n: u32) -> Option<NaiveDate> {
    let months = i64::from(d.year()) * 12 + i64::from(d.month0()) + i64::from(n);
    let (year, month) = (i32::try_from(months.div_euclid(12)).ok()?, months.rem_euclid(12) + 1);
    let month = u32::try_from(month).ok()?;
    (1..=d.day()).rev().find_map(|day| NaiveDate::from_ymd_opt(year, month, day))
}

/// The corresponding day `n` months before `d`.
fn corresponding_day_before(d: NaiveDate, n: u32) -> Option<NaiveDate> {
    let months = i64::from(d.year()) * 12 + i64::from(d.month0()) - i64::from(n);
    let (year, month) = (i32::try_from(months.div_euclid(12)).ok()?, months.rem_euclid(12) + 1);
    let month = u32::try_from(month).ok()?;
    (1..=d.day()).rev().find_map(|day| NaiveDate::from_ymd_opt(year, month, day))
}

/// A period of n months (Civil Code arts. 202 and 203) ends on a working
/// day no earlier than the corresponding day, and on the first working day
/// on or after it; it fails exactly when there is none in the covered
/// years.
fn months_laws(cal: &WorkCalendar, d: NaiveDate, n: u32) -> Law {
    let end = corresponding_day(d, n);
    match cal.add_months(d, n) {
        Ok(r) => {
            let end = end.expect("a result, so a corresponding day");
            prop_assert!(cal.covers(r), "{d} + {n} months = {r} is not covered");
            prop_assert!(working(cal, r)?, "{d} + {n} months = {r}, not a working day");
            prop_assert!(r >= end, "{d} + {n} months = {r}, before the corresponding day {end}");
            if r > end {
                prop_assert!(!working(cal, end)?, "{d} + {n} months passed {end}, a working day");
                prop_assert_eq!(between(cal, end, r)?, 1, "{} + {} months = {}", d, n, r);
            }
        }
        Err(e) => {
            prop_assert!(
                matches!(e, CalendarError::MonthsOutOfRange {
                    date, months, direction: Direction::Forward, ..
                } if date == d && months == n),
                "{d} + {n} months: unexpected error {e:?}"
            );
            if let Some(end) = end.filter(|e| cal.covers(*e)) {
                prop_assert!(!working(cal, end)?, "{d} + {n} months failed on a working day");
                prop_assert_eq!(working_after(cal, end)?, 0, "{} + {} months failed", d, n);
            }
        }
    }
    Ok(())
}

/// A day counted back to `unrolled` (行政许可法 art. 50: n days, or n
/// months, before an expiry), rolled by `roll`: rolled back it is never
/// after the unrolled day, rolled forward never before it, and either way
/// it is the nearest working day that way; it fails exactly when there is
/// none, with a backward count error (`backward`) or, rolling forward at
/// the end of the covered years, with `NoWorkingDay`.
fn backward_law(
    cal: &WorkCalendar,
    what: &str,
    unrolled: Option<NaiveDate>,
    roll: Roll,
    result: Result<NaiveDate, CalendarError>,
    backward: &dyn Fn(&CalendarError) -> bool,
) -> Law {
    let covered = unrolled.filter(|u| cal.covers(*u));
    match (result, covered) {
        (Ok(r), Some(u)) => {
            prop_assert!(working(cal, r)?, "{what} = {r}, not a working day");
            match roll {
                Roll::Preceding => {
                    prop_assert!(r <= u, "{what} = {r}, after the unrolled day {u}");
                    prop_assert_eq!(between(cal, r, u)?, 0, "{} = {}, not the nearest", what, r);
                }
                Roll::Following => {
                    prop_assert!(r >= u, "{what} = {r}, before the unrolled day {u}");
                    if r > u {
                        prop_assert!(!working(cal, u)?, "{what} passed {u}, a working day");
                        prop_assert_eq!(between(cal, u, r)?, 1, "{} = {}", what, r);
                    }
                }
            }
        }
        (Ok(r), None) => {
            return Err(TestCaseError::fail(format!("{what} = {r}, counted back off the years")))
        }
        (Err(e), None) => prop_assert!(backward(&e), "{what}: unexpected error {e:?}"),
        (Err(e), Some(u)) => match roll {
            Roll::Preceding => {
                prop_assert!(backward(&e), "{what}: unexpected error {e:?}");
                prop_assert_eq!(working_before(cal, u)? + u32::from(working(cal, u)?), 0);
            }
            Roll::Following => {
                prop_assert!(
                    matches!(e, CalendarError::NoWorkingDay { date, roll: Roll::Following, .. } if date == u),
                    "{what}: unexpected error {e:?}"
                );
                prop_assert!(!working(cal, u)?, "{what} failed on working day {u}");
                prop_assert_eq!(working_after(cal, u)?, 0, "{} failed", what);
            }
        },
    }
    Ok(())
}

/// `sub_natural_days` and `sub_months` under both rolls.
fn backward_laws(cal: &WorkCalendar, d: NaiveDate, n: u32) -> Law {
    let days_back = d.checked_sub_days(chrono::Days::new(u64::from(n)));
    let months_back = corresponding_day_before(d, n);
    for roll in [Roll::Preceding, Roll::Following] {
        let count = |e: &CalendarError| {
            matches!(e, CalendarError::CountOutOfRange {
                date, days, direction: Direction::Backward, ..
            } if *date == d && *days == n)
        };
        let months = |e: &CalendarError| {
            matches!(e, CalendarError::MonthsOutOfRange {
                date, months, direction: Direction::Backward, ..
            } if *date == d && *months == n)
        };
        let what = format!("{d} - {n} days ({roll:?})");
        backward_law(cal, &what, days_back, roll, cal.sub_natural_days(d, n, roll), &count)?;
        let what = format!("{d} - {n} months ({roll:?})");
        backward_law(cal, &what, months_back, roll, cal.sub_months(d, n, roll), &months)?;
    }
    Ok(())
}

/// `is_working_day` agrees with the definition read back through the
/// accessors.
fn model_law(cal: &WorkCalendar, model: &Model, d: NaiveDate) -> Law {
    prop_assert_eq!(
        working(cal, d)?,
        model.is_working(d),
        "is_working_day({}) vs the definition",
        d
    );
    Ok(())
}

/// The number of working days in each covered year adds up to the count
/// over all covered days.
fn year_totals(cal: &WorkCalendar) -> Law {
    let (first, last) = cal.date_range();
    let total: u32 =
        cal.years().map(|y| cal.working_days_in_year(y)).sum::<Result<_, _>>().map_err(
            |e: CalendarError| TestCaseError::fail(format!("working_days_in_year: {e}")),
        )?;
    prop_assert_eq!(total, between(cal, first, last)? + u32::from(working(cal, first)?));
    for year in [first.year() - 1, last.year() + 1] {
        let e = cal.working_days_in_year(year);
        prop_assert!(
            matches!(e, Err(CalendarError::YearOutOfRange { year: y, .. }) if y == year),
            "working_days_in_year({year}) = {e:?}"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Laws on working time.

/// Working seconds from `t1` to `t2` by walking the civil days between
/// them and intersecting each working day's office hours with the span.
/// Instants count in whole seconds: each is truncated to its second first.
fn naive_working_seconds(
    cal: &WorkCalendar,
    t1: &DateTime<FixedOffset>,
    t2: &DateTime<FixedOffset>,
) -> Result<u64, TestCaseError> {
    let whole = |t| cal.to_civil(t).with_nanosecond(0).expect("not a leap second");
    let (c1, c2) = (whole(t1), whole(t2));
    let periods: Vec<(u32, u32)> = match cal.office_hours().periods() {
        [] => vec![(0, DAY_SECONDS)],
        periods => periods
            .iter()
            .map(|p| (p.start().num_seconds_from_midnight(), p.end().num_seconds_from_midnight()))
            .collect(),
    };
    let mut total = 0;
    let mut day = c1.date();
    while day <= c2.date() {
        if cal.covers(day) && working(cal, day)? {
            let midnight = day.and_time(NaiveTime::MIN);
            for (s, e) in &periods {
                let lo = (midnight + TimeDelta::seconds(i64::from(*s))).max(c1);
                let hi = (midnight + TimeDelta::seconds(i64::from(*e))).min(c2);
                if hi > lo {
                    total += u64::try_from((hi - lo).num_seconds()).expect("a positive span");
                }
            }
        }
        day = next(day);
    }
    Ok(total)
}

/// Working time is additive, never more than the span, agrees with
/// the day-by-day model, does not depend on the offset the instants are
/// written in, refuses inverted spans, and its fraction of a day is the
/// seconds over the working day's length.
fn working_time_laws(
    cal: &WorkCalendar,
    instants: [DateTime<FixedOffset>; 3],
    other: FixedOffset,
) -> Law {
    let mut sorted = instants;
    sorted.sort();
    let [t1, t2, t3] = sorted;
    let ws = |a: &DateTime<FixedOffset>, b: &DateTime<FixedOffset>| {
        ok(&format!("working_seconds_between({a}, {b})"), cal.working_seconds_between(a, b))
    };
    let (s12, s23, s13) = (ws(&t1, &t2)?, ws(&t2, &t3)?, ws(&t1, &t3)?);
    prop_assert_eq!(s12 + s23, s13, "[{}, {}) + [{}, {}) != [{}, {})", t1, t2, t2, t3, t1, t3);
    prop_assert_eq!(ws(&t1, &t1)?, 0, "an empty span at {}", t1);
    // Each instant counts from its whole second, so a span may hold one
    // second more than its length when the instants fall inside seconds.
    let span = (t2 - t1).num_nanoseconds().expect("a span of centuries at most");
    let whole = t1.nanosecond() == 0 && t2.nanosecond() == 0;
    let bound = u64::try_from(span.div_euclid(1_000_000_000) + i64::from(!whole && span > 0))
        .expect("a forward span");
    prop_assert!(s12 <= bound, "[{t1}, {t2}) holds {s12} working seconds, more than {bound}");
    prop_assert_eq!(s12, naive_working_seconds(cal, &t1, &t2)?, "[{}, {}) day by day", t1, t2);
    let moved = t1.with_timezone(&other);
    prop_assert_eq!(ws(&moved, &t2)?, s12, "[{}, {}) with the start written as {}", t1, t2, moved);
    let fraction =
        ok("working_days_fraction_between", cal.working_days_fraction_between(&t1, &t2))?;
    let day = cal.office_hours().day_seconds();
    prop_assert_eq!(fraction, s12 as f64 / f64::from(day), "fraction of [{}, {})", t1, t2);
    if t1 < t2 {
        let e = cal.working_seconds_between(&t2, &t1);
        prop_assert!(
            matches!(e, Err(CalendarError::InvertedSpan { start, end, .. }) if start == t2 && end == t1),
            "working_seconds_between({t2}, {t1}) = {e:?}"
        );
    }
    Ok(())
}

/// Working time by the day: a day's span from midnight to the close of office
/// hours holds the working day's seconds when it is a working day and none
/// otherwise; the span between two midnights holds the working days of
/// `[a, b)` in seconds; converting a civil time to an instant and back is
/// the identity.
fn day_span_laws(cal: &WorkCalendar, a: NaiveDate, b: NaiveDate, time: NaiveTime) -> Law {
    let (a, b) = (a.min(b), a.max(b));
    let day = cal.office_hours().day_seconds();
    let midnight = |d| ok("instant", cal.instant(d, NaiveTime::MIN));
    let start = midnight(a)?;
    let close = ok("office_close", cal.office_close(a))?;
    let expected_close = match cal.office_hours().close() {
        Some(t) => a.and_time(t),
        None => next(a).and_time(NaiveTime::MIN),
    };
    prop_assert_eq!(cal.to_civil(&close), expected_close, "office_close({})", a);
    let is_working = working(cal, a)?;
    let in_day = ok("working_seconds_between", cal.working_seconds_between(&start, &close))?;
    let expected = if is_working { u64::from(day) } else { 0 };
    prop_assert_eq!(in_day, expected, "working seconds on {} (working: {})", a, is_working);
    let fraction = ok("fraction", cal.working_days_fraction_between(&start, &close))?;
    prop_assert_eq!(fraction, if is_working { 1.0 } else { 0.0 }, "working days on {}", a);
    // Midnight to midnight: the working days in [a, b) = (a, b] - b + a.
    let days = between(cal, a, b)? + u32::from(is_working) - u32::from(working(cal, b)?);
    let seconds =
        ok("working_seconds_between", cal.working_seconds_between(&start, &midnight(b)?))?;
    prop_assert_eq!(seconds, u64::from(days) * u64::from(day), "midnight {} to midnight {}", a, b);
    let at = ok("instant", cal.instant(b, time))?;
    prop_assert_eq!(at.offset(), &cal.utc_offset(), "instant({}, {}) offset", b, time);
    prop_assert_eq!(cal.to_civil(&at), b.and_time(time), "instant({}, {}) and back", b, time);
    Ok(())
}

// ---------------------------------------------------------------------------
// Laws on the wire format and on overlays.

/// Decoding the JSON of a calendar gives an equal calendar that
/// behaves the same on every covered day; encoding again gives the same
/// text.
fn serde_round_trip(cal: &WorkCalendar) -> Law {
    let json = serde_json::to_string(cal).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: WorkCalendar = serde_json::from_str(&json)
        .map_err(|e| TestCaseError::fail(format!("decoding {json}: {e}")))?;
    prop_assert_eq!(&back, cal, "decoded from {}", json);
    prop_assert_eq!(back.utc_offset(), cal.utc_offset(), "offset decoded from {}", json);
    prop_assert_eq!(back.office_hours(), cal.office_hours(), "hours decoded from {}", json);
    let (first, last) = cal.date_range();
    prop_assert_eq!(back.date_range(), (first, last));
    for d in first.iter_days().take_while(|d| *d <= last) {
        prop_assert_eq!(working(&back, d)?, working(cal, d)?, "{} after decoding {}", d, json);
    }
    let again = serde_json::to_string(&back).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(again, json, "encoding is not stable");
    Ok(())
}

/// Decoding the JSON of an overlay gives an equal overlay.
fn overlay_round_trip(overlay: &Overlay) -> Law {
    let json = serde_json::to_string(overlay).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: Overlay = serde_json::from_str(&json)
        .map_err(|e| TestCaseError::fail(format!("decoding {json}: {e}")))?;
    prop_assert_eq!(&back, overlay, "decoded from {}", json);
    Ok(())
}

/// An overlay makes its holidays off days and its working days
/// working days, and leaves every other day as it was; applying it twice
/// is applying it once; an empty overlay changes nothing.
fn overlay_laws(cal: &WorkCalendar, overlay: &Overlay) -> Law {
    let local = ok("with_overlay", cal.with_overlay(overlay))?;
    let holidays: BTreeSet<NaiveDate> = overlay.holidays().collect();
    let working_days: BTreeSet<NaiveDate> = overlay.working_days().collect();
    let (first, last) = cal.date_range();
    for d in first.iter_days().take_while(|d| *d <= last) {
        let expected = if holidays.contains(&d) {
            false
        } else if working_days.contains(&d) {
            true
        } else {
            working(cal, d)?
        };
        prop_assert_eq!(working(&local, d)?, expected, "{} under {:?}", d, overlay);
    }
    let twice = ok("with_overlay twice", local.with_overlay(overlay))?;
    prop_assert_eq!(&twice, &local, "applying {:?} twice", overlay);
    prop_assert_eq!(&ok("empty overlay", cal.with_overlay(&Overlay::new()))?, cal);
    prop_assert_eq!(local.utc_offset(), cal.utc_offset());
    prop_assert_eq!(local.office_hours(), cal.office_hours());
    // A date listed both ways is refused.
    if let Some(h) = holidays.first() {
        let both = overlay.clone().working_day(*h);
        let e = cal.with_overlay(&both);
        prop_assert!(
            matches!(e, Err(CalendarError::OverlayConflict { date, .. }) if date == *h),
            "{both:?}: {e:?}"
        );
    }
    Ok(())
}

/// One day's overlay: an overlay holiday on `d` makes only `d` an off
/// day, an overlay working day only `d` a working day.
fn single_day_overlay(cal: &WorkCalendar, d: NaiveDate) -> Law {
    for (overlay, expected) in
        [(Overlay::new().holiday(d), false), (Overlay::new().working_day(d), true)]
    {
        let local = ok("with_overlay", cal.with_overlay(&overlay))?;
        prop_assert_eq!(working(&local, d)?, expected, "{} under {:?}", d, overlay);
        let (first, last) = cal.date_range();
        for other in first.iter_days().take_while(|x| *x <= last).filter(|x| *x != d) {
            prop_assert_eq!(
                working(&local, other)?,
                working(cal, other)?,
                "{} changed under {:?}",
                other,
                overlay
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Errors, never panics.

fn out_of_range(e: &CalendarError, d: NaiveDate) -> bool {
    matches!(e, CalendarError::DateOutOfRange { date, .. } if *date == d)
}

/// Every operation on any input returns a result or a typed error, never
/// panics; an `Ok` date is always covered; an error names the input at
/// fault.
fn total_on_dates(cal: &WorkCalendar, a: NaiveDate, b: NaiveDate, n: u32) -> Law {
    let (cov_a, cov_b) = (cal.covers(a), cal.covers(b));
    let check = |what: &str,
                 r: Result<NaiveDate, CalendarError>,
                 err: &dyn Fn(&CalendarError) -> bool|
     -> Law {
        match r {
            Ok(x) => {
                prop_assert!(cov_a, "{what}({a}): Ok({x}) for an uncovered date");
                prop_assert!(cal.covers(x), "{what}({a}) = {x}, not covered");
            }
            Err(e) if !cov_a => prop_assert!(out_of_range(&e, a), "{what}({a}): {e:?}"),
            Err(e) => prop_assert!(err(&e), "{what}({a}): {e:?}"),
        }
        Ok(())
    };
    let count = |dir: Direction| {
        move |e: &CalendarError| {
            matches!(e, CalendarError::CountOutOfRange { date, days, direction, .. }
                if *date == a && *days == n && *direction == dir)
        }
    };
    let no_day = |r: Roll| move |e: &CalendarError| matches!(e, CalendarError::NoWorkingDay { date, roll, .. } if *date == a && *roll == r);
    match cal.is_working_day(a) {
        Ok(_) => prop_assert!(cov_a, "is_working_day({a}) answered for an uncovered date"),
        Err(e) => prop_assert!(!cov_a && out_of_range(&e, a), "is_working_day({a}): {e:?}"),
    }
    check("add_working_days", cal.add_working_days(a, n), &count(Direction::Forward))?;
    check("sub_working_days", cal.sub_working_days(a, n), &count(Direction::Backward))?;
    check("add_natural_days", cal.add_natural_days(a, n), &count(Direction::Forward))?;
    let months = |dir: Direction| {
        move |e: &CalendarError| {
            matches!(e, CalendarError::MonthsOutOfRange { date, months, direction, .. }
                if *date == a && *months == n && *direction == dir)
        }
    };
    let or_no_day = |f: &dyn Fn(&CalendarError) -> bool, e: &CalendarError| {
        f(e) || matches!(e, CalendarError::NoWorkingDay { roll: Roll::Following, .. })
    };
    check("add_months", cal.add_months(a, n), &months(Direction::Forward))?;
    for roll in [Roll::Preceding, Roll::Following] {
        let back = count(Direction::Backward);
        let back_months = months(Direction::Backward);
        check("sub_natural_days", cal.sub_natural_days(a, n, roll), &|e| or_no_day(&back, e))?;
        check("sub_months", cal.sub_months(a, n, roll), &|e| or_no_day(&back_months, e))?;
    }
    check("roll Following", cal.roll(a, Roll::Following), &no_day(Roll::Following))?;
    check("roll Preceding", cal.roll(a, Roll::Preceding), &no_day(Roll::Preceding))?;
    match cal.working_days_between(a, b) {
        Ok(k) => {
            prop_assert!(a <= b && cov_a && cov_b, "working_days_between({a}, {b}) = {k}");
            let days = (b - a).num_days();
            prop_assert!(i64::from(k) <= days, "({a}, {b}] holds {k} working days in {days}");
        }
        Err(e) if b < a => prop_assert!(
            matches!(e, CalendarError::InvertedRange { start, end, .. } if start == a && end == b),
            "working_days_between({a}, {b}): {e:?}"
        ),
        Err(e) => prop_assert!(
            (!cov_a && out_of_range(&e, a)) || (cov_a && !cov_b && out_of_range(&e, b)),
            "working_days_between({a}, {b}): {e:?}"
        ),
    }
    match cal.working_days_in_year(a.year()) {
        Ok(_) => prop_assert!(cov_a, "working_days_in_year({})", a.year()),
        Err(e) => prop_assert!(
            !cov_a && matches!(e, CalendarError::YearOutOfRange { year, .. } if year == a.year()),
            "working_days_in_year({}): {e:?}",
            a.year()
        ),
    }
    for r in [cal.instant(a, time_at(n % DAY_SECONDS)), cal.office_close(a)] {
        match r {
            Ok(at) => prop_assert!(cov_a, "instant or office_close({a}) = {at}"),
            Err(e) => {
                prop_assert!(!cov_a && out_of_range(&e, a), "instant or office_close({a}): {e:?}")
            }
        }
    }
    Ok(())
}

/// Working time between any two instants is a number or a typed error
/// naming an instant the calendar can't count from.
fn total_on_instants(
    cal: &WorkCalendar,
    t1: DateTime<FixedOffset>,
    t2: DateTime<FixedOffset>,
) -> Law {
    let (_, last) = cal.date_range();
    let countable = |t: &DateTime<FixedOffset>| {
        let civil = cal.to_civil(t);
        cal.covers(civil.date()) || civil == next(last).and_time(NaiveTime::MIN)
    };
    match cal.working_seconds_between(&t1, &t2) {
        Ok(s) => {
            prop_assert!(t1 <= t2 && countable(&t1) && countable(&t2), "[{t1}, {t2}) = {s}");
        }
        Err(e) if t2 < t1 => prop_assert!(
            matches!(e, CalendarError::InvertedSpan { start, end, .. } if start == t1 && end == t2),
            "[{t1}, {t2}): {e:?}"
        ),
        Err(e) => {
            let named = [t1, t2]
                .into_iter()
                .any(|t| !countable(&t) && out_of_range(&e, cal.to_civil(&t).date()));
            prop_assert!(named, "[{t1}, {t2}): {e:?}");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The national calendar.

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn china_add_then_count(d in date_in(&china()), n in count(6_000)) {
        add_then_count(&china(), d, n)?;
    }

    #[test]
    fn china_sub_inverts_add(d in date_in(&china()), n in count(6_000)) {
        sub_inverts_add(&china(), d, n)?;
    }

    #[test]
    fn china_count_laws(dates in [date_in(&china()), date_in(&china()), date_in(&china())]) {
        count_laws(&china(), dates)?;
    }

    #[test]
    fn china_roll(d in date_in(&china())) {
        roll_laws(&china(), d)?;
    }

    #[test]
    fn china_natural_days(d in date_in(&china()), n in count(9_000)) {
        natural_days_laws(&china(), d, n)?;
    }

    #[test]
    fn china_months(d in date_in(&china()), n in count(300)) {
        months_laws(&china(), d, n)?;
    }

    #[test]
    fn china_backward_periods(d in date_in(&china()), n in count(9_000)) {
        backward_laws(&china(), d, n)?;
    }

    #[test]
    fn china_agrees_with_its_definition(d in date_in(&china())) {
        model_law(&china(), &Model::of(&china()), d)?;
    }

    #[test]
    fn china_working_time(
        instants in [instant_in(&china()), instant_in(&china()), instant_in(&china())],
        other in any_utc_offset(),
    ) {
        working_time_laws(&china(), instants, other)?;
    }

    #[test]
    fn china_day_spans(
        a in date_in(&china()),
        b in date_in(&china()),
        secs in 0..DAY_SECONDS,
    ) {
        day_span_laws(&china(), a, b, time_at(secs))?;
    }

    #[test]
    fn china_overlay_round_trips(overlay in overlay_for(&china())) {
        overlay_round_trip(&overlay)?;
    }

    #[test]
    fn china_is_total_on_dates(
        a in prop_oneof![4 => date_in_years(1900..=2100), 1 => any_date()],
        b in prop_oneof![4 => date_in_years(1900..=2100), 1 => any_date()],
        n in prop_oneof![4 => 0u32..=10_000, 1 => any::<u32>()],
    ) {
        total_on_dates(&china(), a, b, n)?;
    }

    #[test]
    fn china_is_total_on_instants(t1 in any_instant(), t2 in any_instant()) {
        total_on_instants(&china(), t1, t2)?;
    }
}

proptest! {
    // Each case rebuilds the national calendar's tables at least once.
    #![proptest_config(config(32))]

    #[test]
    fn china_with_hours_working_time(
        (cal, instants, other) in retimed(&china()).prop_flat_map(|cal| {
            let at = || instant_in(&cal);
            (Just(cal.clone()), [at(), at(), at()], any_utc_offset())
        }),
    ) {
        working_time_laws(&cal, instants, other)?;
    }

    #[test]
    fn china_with_hours_day_spans(
        (cal, a, b, secs) in retimed(&china()).prop_flat_map(|cal| {
            let d = || date_in(&cal);
            (Just(cal.clone()), d(), d(), 0..DAY_SECONDS)
        }),
    ) {
        day_span_laws(&cal, a, b, time_at(secs))?;
    }

    #[test]
    fn china_round_trips(cal in retimed(&china())) {
        serde_round_trip(&cal)?;
    }

    #[test]
    fn china_overlays(overlay in overlay_for(&china())) {
        overlay_laws(&china(), &overlay)?;
    }

    #[test]
    fn china_single_day_overlays(d in date_in(&china())) {
        single_day_overlay(&china(), d)?;
    }

    #[test]
    fn china_overlay_round_trips_with_the_calendar(overlay in overlay_for(&china())) {
        serde_round_trip(&ok("with_overlay", china().with_overlay(&overlay))?)?;
    }
}

// ---------------------------------------------------------------------------
// Random calendars made by the builder.

/// A random calendar with one covered date and a count.
fn calendar_date_count() -> impl Strategy<Value = (WorkCalendar, NaiveDate, u32)> {
    calendar().prop_flat_map(|cal| {
        let d = date_in(&cal);
        (Just(cal), d, count(1_500))
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn built_add_then_count((cal, d, n) in calendar_date_count()) {
        add_then_count(&cal, d, n)?;
    }

    #[test]
    fn built_sub_inverts_add((cal, d, n) in calendar_date_count()) {
        sub_inverts_add(&cal, d, n)?;
    }

    #[test]
    fn built_count_laws(
        (cal, dates) in calendar().prop_flat_map(|cal| {
            let d = || date_in(&cal);
            (Just(cal.clone()), [d(), d(), d()])
        }),
    ) {
        count_laws(&cal, dates)?;
    }

    #[test]
    fn built_roll((cal, d, _) in calendar_date_count()) {
        roll_laws(&cal, d)?;
    }

    #[test]
    fn built_natural_days((cal, d, n) in calendar_date_count()) {
        natural_days_laws(&cal, d, n)?;
    }

    #[test]
    fn built_months((cal, d, n) in calendar_date_count()) {
        months_laws(&cal, d, n / 20)?;
    }

    #[test]
    fn built_backward_periods((cal, d, n) in calendar_date_count()) {
        backward_laws(&cal, d, n)?;
    }

    #[test]
    fn built_working_time(
        (cal, instants, other) in calendar().prop_flat_map(|cal| {
            let at = || instant_in(&cal);
            (Just(cal.clone()), [at(), at(), at()], any_utc_offset())
        }),
    ) {
        working_time_laws(&cal, instants, other)?;
    }

    #[test]
    fn built_working_time_inside_seconds(
        (cal, instants, other) in calendar().prop_flat_map(|cal| {
            let at = || precise_instant_in(&cal);
            (Just(cal.clone()), [at(), at(), at()], any_utc_offset())
        }),
    ) {
        working_time_laws(&cal, instants, other)?;
    }

    #[test]
    fn built_day_spans(
        (cal, a, b, secs) in calendar().prop_flat_map(|cal| {
            let d = || date_in(&cal);
            (Just(cal.clone()), d(), d(), 0..DAY_SECONDS)
        }),
    ) {
        day_span_laws(&cal, a, b, time_at(secs))?;
    }

    #[test]
    fn built_is_total(
        (cal, a, b, n, t1, t2) in calendar().prop_flat_map(|cal| {
            let d = || date_around(&cal);
            let at = || prop_oneof![instant_in(&cal), any_instant()];
            let n = prop_oneof![4 => 0u32..=3_000, 1 => any::<u32>()];
            (Just(cal.clone()), d(), d(), n, at(), at())
        }),
    ) {
        total_on_dates(&cal, a, b, n)?;
        total_on_instants(&cal, t1, t2)?;
    }
}

proptest! {
    // These scan every covered day of the calendar.
    #![proptest_config(config(128))]

    /// The calendar reads back what it was built from, and every day's
    /// working-ness follows from that definition.
    #[test]
    fn built_agrees_with_its_definition(spec in calendar_spec()) {
        let cal = spec.build();
        check_read_back(&spec, &cal)?;
        let model = Model::of(&cal);
        let (first, last) = cal.date_range();
        for d in first.iter_days().take_while(|d| *d <= last) {
            model_law(&cal, &model, d)?;
        }
        year_totals(&cal)?;
    }

    #[test]
    fn built_round_trips(cal in calendar()) {
        serde_round_trip(&cal)?;
    }

    #[test]
    fn built_overlays(
        (cal, overlay) in calendar().prop_flat_map(|cal| {
            let o = overlay_for(&cal);
            (Just(cal), o)
        }),
    ) {
        overlay_laws(&cal, &overlay)?;
        overlay_round_trip(&overlay)?;
        serde_round_trip(&ok("with_overlay", cal.with_overlay(&overlay))?)?;
    }

    #[test]
    fn built_single_day_overlays(
        (cal, d) in calendar().prop_flat_map(|cal| {
            let d = date_in(&cal);
            (Just(cal), d)
        }),
    ) {
        single_day_overlay(&cal, d)?;
    }

    #[test]
    fn built_overlay_outside_the_years_is_refused(
        (cal, (overlay, outside)) in calendar().prop_flat_map(|cal| {
            let o = overlay_with_outside(&cal);
            (Just(cal), o)
        }),
    ) {
        overlay_outside_is_refused(&cal, &overlay, outside)?;
    }

    /// A calendar at an offset of whole minutes round-trips; one with
    /// seconds is refused, by the builder and by decoding alike (issue 19,
    /// fault 7: RFC 3339 cannot write its instants).
    #[test]
    fn built_round_trips_at_any_whole_minute_offset(
        (spec, offset) in (calendar_spec(), prop_oneof![utc_offset(), any_utc_offset()]),
    ) {
        let whole = offset.local_minus_utc() % 60 == 0;
        let spec = CalendarSpec { utc_offset: offset, ..spec };
        if whole {
            serde_round_trip(&spec.build())?;
        } else {
            let at_china = CalendarSpec { utc_offset: FixedOffset::east_opt(8 * 3600).unwrap(), ..spec }.build();
            prop_assert!(at_china.with_utc_offset(offset).is_err(), "{} accepted", offset);
            let mut json = serde_json::to_value(&at_china).unwrap();
            json["utc_offset"] = serde_json::Value::from(offset.to_string());
            prop_assert!(serde_json::from_value::<WorkCalendar>(json).is_err(), "{} decoded", offset);
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn china_overlay_outside_the_years_is_refused(
        (overlay, outside) in overlay_with_outside(&china()),
    ) {
        overlay_outside_is_refused(&china(), &overlay, outside)?;
    }

    /// Decoding validates: an offset's text is read whole or refused, never
    /// cut short (`"+08:00 Beijing"` must not decode as `+08:00`).
    #[test]
    fn offset_text_is_read_whole_or_refused(
        offset in utc_offset(),
        tail in prop::sample::select(vec![":43", ":00", " Beijing", "Z", "0", "+08:00"]),
    ) {
        let text = format!("{offset}{tail}");
        let json = format!(r#"{{"first_year":2026,"last_year":2026,"utc_offset":"{text}"}}"#);
        if let Ok(cal) = serde_json::from_str::<WorkCalendar>(&json) {
            let read = cal.utc_offset();
            let whole = read.to_string() == text
                || (tail == ":00" && read == offset);
            prop_assert!(whole, "utc_offset {:?} decoded as {}", text, read);
        }
    }
}

/// An overlay on a calendar's days with one more date, outside the covered
/// years, listed as a holiday or as a working day.
fn overlay_with_outside(cal: &WorkCalendar) -> impl Strategy<Value = (Overlay, NaiveDate)> {
    (overlay_for(cal), date_outside(cal), any::<bool>()).prop_map(|(overlay, outside, holiday)| {
        let overlay = if holiday { overlay.holiday(outside) } else { overlay.working_day(outside) };
        (overlay, outside)
    })
}

/// An overlay listing a date outside the covered years is refused with an
/// error naming that date, whichever way it is listed.
fn overlay_outside_is_refused(cal: &WorkCalendar, overlay: &Overlay, outside: NaiveDate) -> Law {
    let e = cal.with_overlay(overlay);
    prop_assert!(
        matches!(&e, Err(err) if out_of_range(err, outside)),
        "{:?} on {:?} with {} outside the covered years: {:?}",
        overlay,
        cal.years(),
        outside,
        e.map(|c| c.years())
    );
    Ok(())
}

/// The accessors give back what the builder was given.
fn check_read_back(spec: &CalendarSpec, cal: &WorkCalendar) -> Law {
    prop_assert_eq!(cal.years(), spec.years.clone());
    let weekend: Vec<_> = cal.weekend().collect();
    prop_assert_eq!(&weekend, &spec.weekend, "weekend");
    prop_assert_eq!(cal.holidays().collect::<BTreeSet<_>>(), spec.all_holidays(), "holidays");
    let make_up: BTreeSet<_> = cal.make_up_days().collect();
    prop_assert_eq!(&make_up, &spec.make_up_days, "make-up days");
    prop_assert_eq!(cal.office_hours(), &spec.office_hours, "office hours");
    prop_assert_eq!(cal.utc_offset(), spec.utc_offset, "UTC offset");
    Ok(())
}

/// Counting `seconds` of working time from `start` lands on the earliest
/// instant at which exactly that much working time has passed.
fn add_seconds_law(cal: &WorkCalendar, start: DateTime<FixedOffset>, seconds: u64) -> Law {
    match cal.add_working_seconds(&start, seconds) {
        Ok(end) => {
            prop_assert!(end >= start, "{end} before {start}");
            let counted = ok("working_seconds_between", cal.working_seconds_between(&start, &end))?;
            prop_assert_eq!(counted, seconds, "from {} to {}", start, end);
            if seconds > 0 {
                // A second earlier, less time has passed.
                let before = end - chrono::TimeDelta::seconds(1);
                let less = ok(
                    "working_seconds_between",
                    cal.working_seconds_between(&start, &before.max(start)),
                )?;
                prop_assert!(less < seconds, "{} is not the earliest end", end);
            }
        }
        Err(CalendarError::SecondsOutOfRange { .. }) => {
            let total = ok("working_seconds_between", {
                let (_, last) = cal.date_range();
                let close = cal.office_close(last).unwrap();
                cal.working_seconds_between(&start, &close.max(start))
            })?;
            prop_assert!(total < seconds, "refused {} s though {} s remain", seconds, total);
        }
        Err(e) => prop_assert!(out_of_range(&e, cal.to_civil(&start).date()), "unexpected {e}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn china_with_hours_add_working_seconds(
        cal in retimed(&china()),
        start in instant_in(&china()),
        seconds in prop_oneof![0u64..200_000, 0u64..2_000_000_000],
    ) {
        add_seconds_law(&cal, start, seconds)?;
    }

    #[test]
    fn built_add_working_seconds(
        (cal, start) in calendar().prop_flat_map(|c| { let s = instant_in(&c); (Just(c), s) }),
        seconds in 0u64..5_000_000,
    ) {
        add_seconds_law(&cal, start, seconds)?;
    }
}
