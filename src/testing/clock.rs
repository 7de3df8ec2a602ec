use chrono::{DateTime, FixedOffset, NaiveTime, TimeDelta};
use proptest::prelude::*;
use proptest::sample::select;

use super::violation::broken;
use super::{KitError, Law, Machine, Refusal, Violation};
use crate::calendar::WorkCalendar;
use crate::limit::{ClockReading, ClockStatus, LegalClock, LimitError, LimitUnit, Thresholds};

type Instant = DateTime<FixedOffset>;

const SECOND: TimeDelta = TimeDelta::seconds(1);

/// The moments where a legal clock's readings change character, each with
/// the second before and after: its start, suspensions, extensions and
/// stop; both deadlines; the first day of the prompt; and, for a clock
/// still running at its last record, the instants its share of promised
/// time used reaches the yellow and red thresholds. Sorted, without
/// repeats, and only instants on the calendar's covered days.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::limit::{LegalClock, Thresholds, TimeLimit};
/// use shenpi::testing::interesting_nows;
///
/// let cal = WorkCalendar::china();
/// let start = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
/// let clock = LegalClock::start(start, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
/// let nows = interesting_nows(&clock, &cal, &Thresholds::default());
/// // The promised deadline closes at 24:00 on 9 March; its neighbours are there.
/// let due = DateTime::parse_from_rfc3339("2026-03-10T00:00:00+08:00")?;
/// assert!(nows.contains(&due));
/// assert!(nows.contains(&(due - chrono::TimeDelta::seconds(1))));
/// assert!(nows.windows(2).all(|w| w[0] < w[1]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn interesting_nows(clock: &LegalClock, cal: &WorkCalendar, th: &Thresholds) -> Vec<Instant> {
    let mut moments = vec![clock.started(), clock.last_recorded()];
    for s in clock.suspensions() {
        moments.push(s.start);
        moments.extend(s.end);
    }
    moments.extend(clock.extensions().iter().map(|e| e.at));
    moments.extend(clock.stopped());
    if let Ok(r) = clock.reading(cal, clock.last_recorded(), th) {
        moments.push(r.promised_due.at);
        moments.push(r.statutory_due.at);
        if let Some(prompt) = cal
            .sub_working_days(r.promised_due.date, th.prompt_working_days())
            .ok()
            .and_then(|d| cal.instant(d, NaiveTime::MIN).ok())
        {
            moments.push(prompt);
        }
        if !r.suspended && !r.stopped {
            for percent in [th.yellow_warning_percent(), th.red_warning_percent()] {
                let needed = (u64::from(percent) * r.promised_budget_seconds).div_ceil(100);
                if let Some(more) = needed.checked_sub(r.used_seconds).filter(|m| *m > 0) {
                    if let Ok(at) = cal.add_working_seconds(&r.at, more) {
                        moments.push(at);
                    }
                }
            }
        }
    }
    around(moments, cal)
}

/// Each moment with the second before and after, on covered days, sorted.
fn around(moments: Vec<Instant>, cal: &WorkCalendar) -> Vec<Instant> {
    let mut nows: Vec<Instant> = moments
        .into_iter()
        .flat_map(|m| [m - SECOND, m, m + SECOND])
        .filter(|t| cal.covers(cal.to_civil(t).date()))
        .collect();
    nows.sort();
    nows.dedup();
    nows
}

/// Random instants near the given moments (deadlines, thresholds, events):
/// a moment itself, a second either side, or minutes, hours or days either
/// side, always on the calendar's covered days. Use it for `now` in a
/// property, for example with the moments of [`interesting_nows`].
///
/// # Errors
///
/// [`KitError::NoMoments`] when no moment falls on a covered day.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::testing::instants_around;
///
/// let cal = WorkCalendar::china();
/// let due = DateTime::parse_from_rfc3339("2026-03-10T00:00:00+08:00")?;
/// let nows = instants_around(vec![due], &cal)?;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..20 {
///     let now = nows.new_tree(&mut runner).map_err(|r| r.to_string())?.current();
///     assert!((now - due).num_days().abs() <= 10);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn instants_around(
    moments: Vec<Instant>,
    cal: &WorkCalendar,
) -> Result<BoxedStrategy<Instant>, KitError> {
    let covered = |t: &Instant| cal.covers(cal.to_civil(t).date());
    let moments: Vec<Instant> = moments.into_iter().filter(covered).collect();
    if moments.is_empty() {
        return Err(KitError::NoMoments);
    }
    let cal = cal.clone();
    let offset = prop_oneof![
        3 => Just(0i64),
        3 => -1i64..=1,
        2 => -3_600i64..=3_600,
        1 => -86_400i64 * 10..=86_400 * 10,
    ];
    Ok((select(moments), offset)
        .prop_map(move |(m, secs)| {
            let t = m + TimeDelta::seconds(secs);
            if cal.covers(cal.to_civil(&t).date()) {
                t
            } else {
                m
            }
        })
        .boxed())
}

/// The clock with the same start, limits, extensions and stop, without its
/// suspensions.
fn without_suspensions(clock: &LegalClock) -> Option<LegalClock> {
    let mut plain = LegalClock::start(clock.started(), clock.promised(), clock.statutory()).ok()?;
    for e in clock.extensions() {
        plain.extend(e.working_days, e.at).ok()?;
    }
    if let Some(stop) = clock.stopped() {
        plain.stop(stop).ok()?;
    }
    Some(plain)
}

/// Reads `clock` at `now`: `None` past the calendar's covered years.
fn read(
    m: Machine,
    clock: &LegalClock,
    cal: &WorkCalendar,
    now: Instant,
    th: &Thresholds,
) -> Result<Option<ClockReading>, Violation> {
    match clock.reading(cal, now, th) {
        Ok(r) => Ok(Some(r)),
        Err(LimitError::Calendar(_)) => Ok(None),
        Err(e) => Err(Violation::Failed {
            machine: m,
            what: "a clock reading",
            error: Refusal::Case(e.into()),
        }),
    }
}

/// The clock laws at the given instants (sorted here).
pub(crate) fn check_clock_laws(
    m: Machine,
    clock: &LegalClock,
    cal: &WorkCalendar,
    th: &Thresholds,
    mut nows: Vec<Instant>,
) -> Result<(), Violation> {
    nows.retain(|t| *t >= clock.started() && cal.covers(cal.to_civil(t).date()));
    nows.sort();
    nows.dedup();
    let plain = without_suspensions(clock);
    let mut prev: Option<ClockReading> = None;
    for now in nows {
        let Some(r) = read(m, clock, cal, now, th)? else { continue };
        let law =
            |law, expected: String, found: String| broken(m, law, None, Some(now), expected, found);
        // A suspension begun on the promised deadline's last day or later
        // does not move it (a late case stays late), yet its time is not
        // counted as used; for a natural-day or month limit the last day
        // may be one before the roll to a working day.
        let natural = matches!(clock.promised().unit(), LimitUnit::NaturalDays | LimitUnit::Months);
        let after_due = clock
            .suspensions()
            .iter()
            .any(|s| natural || cal.to_civil(&s.start).date() >= r.promised_due.date);
        if (r.status.is_card()
            || r.status == ClockStatus::StoppedLate
            || r.status == ClockStatus::StoppedPastStatutory)
            && r.used_share < 1.0
            && !after_due
        {
            return Err(law(
                Law::CardMeansTimeUsed,
                "a share used of at least 1".into(),
                format!("{} with share {}", r.status, r.used_share),
            ));
        }
        if let Some(p) = plain.as_ref().and_then(|p| read(m, p, cal, now, th).ok().flatten()) {
            for (due, plain_due, which) in [
                (r.promised_due.at, p.promised_due.at, "promised"),
                (r.statutory_due.at, p.statutory_due.at, "statutory"),
            ] {
                if due < plain_due {
                    return Err(law(
                        Law::DueNotEarlierThanWithoutSuspensions,
                        format!("the {which} deadline at or after {}", plain_due.to_rfc3339()),
                        due.to_rfc3339(),
                    ));
                }
            }
        }
        for s in clock.suspensions() {
            if s.start <= now && s.end.is_none_or(|end| now <= end) {
                if let Some(at_start) = read(m, clock, cal, s.start, th)? {
                    if at_start.used_seconds != r.used_seconds {
                        return Err(law(
                            Law::SuspendedTimeNeverCounts,
                            format!(
                                "{} seconds used, as when suspended at {}",
                                at_start.used_seconds,
                                s.start.to_rfc3339()
                            ),
                            format!("{} seconds", r.used_seconds),
                        ));
                    }
                }
            }
        }
        if let Some(p) = &prev {
            let checks = [
                (
                    Law::ElapsedMonotone,
                    p.elapsed_working_days <= r.elapsed_working_days
                        && p.used_seconds <= r.used_seconds,
                    format!(
                        "at least {} working days and {} seconds used, as at {}",
                        p.elapsed_working_days,
                        p.used_seconds,
                        p.at.to_rfc3339()
                    ),
                    format!(
                        "{} working days and {} seconds",
                        r.elapsed_working_days, r.used_seconds
                    ),
                ),
                (
                    Law::DeadlinesMonotone,
                    p.promised_due.at <= r.promised_due.at
                        && p.statutory_due.at <= r.statutory_due.at,
                    format!(
                        "deadlines at or after {} and {}",
                        p.promised_due.at.to_rfc3339(),
                        p.statutory_due.at.to_rfc3339()
                    ),
                    format!(
                        "{} and {}",
                        r.promised_due.at.to_rfc3339(),
                        r.statutory_due.at.to_rfc3339()
                    ),
                ),
                (
                    Law::StoppedStaysStopped,
                    !p.stopped || r.stopped,
                    "still stopped".to_owned(),
                    "running".to_owned(),
                ),
            ];
            for (l, ok, expected, found) in checks {
                if !ok {
                    return Err(law(l, expected, found));
                }
            }
        }
        prev = Some(r);
    }
    Ok(())
}
