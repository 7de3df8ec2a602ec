//! Proptest strategies shared by the property tests.
//!
//! Dates, weekends, office hours, UTC offsets, whole calendars (as a
//! [`CalendarSpec`] that remembers what the builder was given), overlays and
//! instants at random UTC offsets. Strategies that depend on a calendar take
//! it by reference and clone what they need, so they compose with
//! `prop_flat_map`.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc, Weekday,
};
use proptest::prelude::*;
use proptest::sample::select;
use shenpi::calendar::{OfficeHours, OfficePeriod, Overlay, WorkCalendar};

/// The days of the week, Monday first.
pub(crate) const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Seconds in a civil day.
pub(crate) const DAY_SECONDS: u32 = 86_400;

fn from_day_number(n: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(n).expect("a day number inside chrono's range")
}

fn jan1(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).expect("a valid year")
}

fn dec31(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid year")
}

/// `date` moved by `days` (either way), clamped to `[first, last]`.
fn clamp_shift(date: NaiveDate, days: i64, first: NaiveDate, last: NaiveDate) -> NaiveDate {
    (date + TimeDelta::days(days)).clamp(first, last)
}

/// The time of day `secs` seconds after midnight (`secs < 86_400`).
pub(crate) fn time_at(secs: u32) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).expect("seconds within a day")
}

/// Dates from `first` through `last`, shrinking towards `first`.
pub(crate) fn date_between(first: NaiveDate, last: NaiveDate) -> impl Strategy<Value = NaiveDate> {
    (first.num_days_from_ce()..=last.num_days_from_ce()).prop_map(from_day_number)
}

/// Dates in the given years.
pub(crate) fn date_in_years(years: RangeInclusive<i32>) -> impl Strategy<Value = NaiveDate> {
    date_between(jan1(*years.start()), dec31(*years.end()))
}

/// Any date chrono can represent.
pub(crate) fn any_date() -> impl Strategy<Value = NaiveDate> {
    date_between(NaiveDate::MIN, NaiveDate::MAX)
}

/// Dates a calendar covers, with extra weight on the first and last two
/// weeks, where counts run out.
pub(crate) fn date_in(cal: &WorkCalendar) -> impl Strategy<Value = NaiveDate> {
    let (first, last) = cal.date_range();
    prop_oneof![
        8 => date_between(first, last),
        1 => date_between(first, clamp_shift(first, 13, first, last)),
        1 => date_between(clamp_shift(last, -13, first, last), last),
    ]
}

/// Dates around a calendar: mostly covered, sometimes a few weeks before or
/// after the covered years.
pub(crate) fn date_around(cal: &WorkCalendar) -> impl Strategy<Value = NaiveDate> {
    let (first, last) = cal.date_range();
    prop_oneof![
        4 => date_in(cal),
        1 => date_between(first - TimeDelta::days(40), first - TimeDelta::days(1)),
        1 => date_between(last + TimeDelta::days(1), last + TimeDelta::days(40)),
        1 => date_outside(cal),
    ]
}

/// Dates within 400 days before or after a calendar's covered years.
pub(crate) fn date_outside(cal: &WorkCalendar) -> impl Strategy<Value = NaiveDate> {
    let (first, last) = cal.date_range();
    prop_oneof![
        date_between(first - TimeDelta::days(400), first - TimeDelta::days(1)),
        date_between(last + TimeDelta::days(1), last + TimeDelta::days(400)),
    ]
}

/// A set of weekend days: usually Saturday and Sunday, sometimes Sunday
/// only, sometimes any subset of the week (none and all seven included).
pub(crate) fn weekend() -> impl Strategy<Value = Vec<Weekday>> {
    let from_mask = |mask: u8| {
        WEEK.into_iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, d)| d).collect()
    };
    prop_oneof![
        3 => Just(vec![Weekday::Sat, Weekday::Sun]),
        1 => Just(vec![Weekday::Sun]),
        3 => (0u8..128).prop_map(from_mask),
    ]
}

/// One to three office-hours periods that do not overlap, at whole
/// seconds, sometimes touching end to start, given latest first (the
/// calendar has to sort them).
pub(crate) fn office_periods() -> impl Strategy<Value = Vec<OfficePeriod>> {
    (prop::collection::btree_set(0..DAY_SECONDS, 2..=6), any::<bool>()).prop_map(
        |(bounds, touching)| {
            let b: Vec<u32> = bounds.into_iter().collect();
            let pairs: Vec<(u32, u32)> = if touching {
                b.windows(2).take(3).map(|w| (w[0], w[1])).collect()
            } else {
                b.chunks_exact(2).map(|c| (c[0], c[1])).collect()
            };
            pairs
                .into_iter()
                .rev()
                .map(|(s, e)| OfficePeriod::new(time_at(s), time_at(e)).expect("start before end"))
                .collect()
        },
    )
}

/// Office hours: the whole day, a typical government office day, or one to
/// three random periods.
pub(crate) fn office_hours() -> impl Strategy<Value = OfficeHours> {
    let typical = || {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("a valid time");
        OfficeHours::new([
            OfficePeriod::new(t(8, 30), t(12, 0)).expect("a valid period"),
            OfficePeriod::new(t(14, 30), t(17, 30)).expect("a valid period"),
        ])
        .expect("no overlap")
    };
    prop_oneof![
        2 => Just(OfficeHours::whole_day()),
        1 => Just(typical()),
        4 => office_periods().prop_map(|p| OfficeHours::new(p).expect("periods do not overlap")),
    ]
}

/// UTC offsets in whole minutes, as the calendar's JSON form writes them
/// (`"+08:00"`): usually China Standard Time or UTC, otherwise anything
/// within a day either way.
pub(crate) fn utc_offset() -> impl Strategy<Value = FixedOffset> {
    let east = |secs| FixedOffset::east_opt(secs).expect("an offset within a day");
    prop_oneof![
        2 => Just(east(8 * 3600)),
        1 => Just(east(0)),
        3 => (-(24 * 60 - 1)..=(24 * 60 - 1)).prop_map(move |m: i32| east(m * 60)),
    ]
}

/// Any UTC offset chrono accepts, to the second.
pub(crate) fn any_utc_offset() -> impl Strategy<Value = FixedOffset> {
    (-(DAY_SECONDS as i32 - 1)..=(DAY_SECONDS as i32 - 1))
        .prop_map(|s| FixedOffset::east_opt(s).expect("an offset within a day"))
}

/// What a random calendar was built from, kept so tests can compare what
/// the calendar reads back with what it was given.
#[derive(Debug, Clone)]
pub(crate) struct CalendarSpec {
    pub(crate) years: RangeInclusive<i32>,
    /// Monday first, no repeats.
    pub(crate) weekend: Vec<Weekday>,
    /// Single holidays.
    pub(crate) holidays: BTreeSet<NaiveDate>,
    /// Holiday runs, first and last day included.
    pub(crate) holiday_ranges: Vec<(NaiveDate, NaiveDate)>,
    /// Weekend days that are not holidays.
    pub(crate) make_up_days: BTreeSet<NaiveDate>,
    pub(crate) office_hours: OfficeHours,
    pub(crate) utc_offset: FixedOffset,
}

impl CalendarSpec {
    /// Every holiday: the single ones and the days of every run.
    pub(crate) fn all_holidays(&self) -> BTreeSet<NaiveDate> {
        let mut all = self.holidays.clone();
        for (first, last) in &self.holiday_ranges {
            all.extend(first.iter_days().take_while(|d| d <= last));
        }
        all
    }

    /// Builds the calendar through [`WorkCalendar::builder`].
    pub(crate) fn build(&self) -> WorkCalendar {
        let mut builder = WorkCalendar::builder(self.years.clone())
            .weekend(self.weekend.iter().copied())
            .holidays(self.holidays.iter().copied())
            .make_up_days(self.make_up_days.iter().copied())
            .office_hours(self.office_hours.clone())
            .utc_offset(self.utc_offset);
        for (first, last) in &self.holiday_ranges {
            builder = builder.holiday_range(*first, *last);
        }
        builder.build().expect("a generated calendar definition is valid")
    }
}

/// Random calendar definitions: one to five covered years within
/// 2000..=2040, a random weekend, up to 40 single holidays and 6 holiday
/// runs of up to 10 days, up to 20 make-up days (weekend days that are not
/// holidays), random office hours and a random UTC offset.
pub(crate) fn calendar_spec() -> impl Strategy<Value = CalendarSpec> {
    (2000..=2040i32, 0..5i32).prop_flat_map(|(first_year, extra)| {
        let last_year = (first_year + extra).min(2040);
        let (lo, hi) = (jan1(first_year), dec31(last_year));
        (
            weekend(),
            prop::collection::btree_set(date_between(lo, hi), 0..=40),
            prop::collection::vec((date_between(lo, hi), 0u64..10), 0..=6),
            prop::collection::vec(date_between(lo, hi), 0..=20),
            office_hours(),
            utc_offset(),
        )
            .prop_map(
                move |(weekend, holidays, runs, make_up, office_hours, utc_offset)| {
                    let holiday_ranges = runs
                        .into_iter()
                        .map(|(d, len)| {
                            let end = d.checked_add_days(Days::new(len)).map_or(hi, |e| e.min(hi));
                            (d, end)
                        })
                        .collect();
                    let mut spec = CalendarSpec {
                        years: first_year..=last_year,
                        weekend,
                        holidays,
                        holiday_ranges,
                        make_up_days: BTreeSet::new(),
                        office_hours,
                        utc_offset,
                    };
                    // Move each candidate on to the next weekend day in
                    // range, and drop it if that day is a holiday.
                    let off = spec.all_holidays();
                    spec.make_up_days = make_up
                        .into_iter()
                        .filter_map(|c| {
                            c.iter_days()
                                .take(7)
                                .take_while(|d| *d <= hi)
                                .find(|d| spec.weekend.contains(&d.weekday()))
                        })
                        .filter(|d| !off.contains(d))
                        .collect();
                    spec
                },
            )
    })
}

/// Random calendars made by the builder (see [`calendar_spec`]).
pub(crate) fn calendar() -> impl Strategy<Value = WorkCalendar> {
    calendar_spec().prop_map(|spec| spec.build())
}

/// `base` with random office hours and UTC offset, its days unchanged.
/// The builder can't start from an existing calendar, so this goes through
/// the JSON form.
pub(crate) fn retimed(base: &WorkCalendar) -> impl Strategy<Value = WorkCalendar> {
    let json = serde_json::to_value(base).expect("a calendar serializes");
    (office_hours(), utc_offset()).prop_map(move |(hours, offset)| {
        let mut json = json.clone();
        json["office_hours"] = serde_json::to_value(hours).expect("office hours serialize");
        json["utc_offset"] = serde_json::Value::String(offset.to_string());
        serde_json::from_value(json).expect("a retimed calendar is valid")
    })
}

/// Overlays on the days from `first` through `last`: up to 8 holidays and
/// up to 8 working days, never the same date both ways.
pub(crate) fn overlay_between(first: NaiveDate, last: NaiveDate) -> impl Strategy<Value = Overlay> {
    let dates = move || prop::collection::btree_set(date_between(first, last), 0..=8);
    (dates(), dates()).prop_map(|(holidays, working)| {
        let overlay = holidays.iter().fold(Overlay::new(), |o, d| o.holiday(*d));
        working.difference(&holidays).fold(overlay, |o, d| o.working_day(*d))
    })
}

/// Overlays on the days a calendar covers.
pub(crate) fn overlay_for(cal: &WorkCalendar) -> impl Strategy<Value = Overlay> {
    let (first, last) = cal.date_range();
    overlay_between(first, last)
}

/// Times of day in whole seconds, with extra weight on midnight, the last
/// second of the day and a second either side of each office-hours
/// boundary of `hours`.
pub(crate) fn time_of_day(hours: &OfficeHours) -> impl Strategy<Value = NaiveTime> {
    let mut edges = vec![0, DAY_SECONDS - 1];
    for p in hours.periods() {
        edges.push(p.start().num_seconds_from_midnight());
        edges.push(p.end().num_seconds_from_midnight());
    }
    prop_oneof![
        3 => (0..DAY_SECONDS).prop_map(time_at),
        2 => (select(edges), -1i64..=1).prop_map(|(edge, delta)| {
            let secs = (i64::from(edge) + delta).clamp(0, i64::from(DAY_SECONDS) - 1);
            time_at(u32::try_from(secs).expect("seconds within a day"))
        }),
    ]
}

/// Instants, in whole seconds, whose civil date on `cal`'s clock is a
/// covered day, sometimes the midnight right after the last covered day
/// (where counting still works), each written at a random UTC offset: the
/// calendar has to convert them.
pub(crate) fn instant_in(cal: &WorkCalendar) -> impl Strategy<Value = DateTime<FixedOffset>> {
    let c = cal.clone();
    let (_, last) = cal.date_range();
    let after_last =
        cal.instant(last, NaiveTime::MIN).expect("a covered date") + TimeDelta::days(1);
    let covered = (date_in(cal), time_of_day(cal.office_hours()))
        .prop_map(move |(date, time)| c.instant(date, time).expect("a covered date"));
    (
        prop_oneof![
            19 => covered,
            1 => Just(after_last),
        ],
        any_utc_offset(),
    )
        .prop_map(|(at, offset)| at.with_timezone(&offset))
}

/// Like [`instant_in`], with a random fraction of a second added to the
/// instants inside the covered days.
pub(crate) fn precise_instant_in(
    cal: &WorkCalendar,
) -> impl Strategy<Value = DateTime<FixedOffset>> {
    let c = cal.clone();
    (instant_in(cal), 0..1_000_000_000i64).prop_map(move |(at, nanos)| {
        let later = at + TimeDelta::nanoseconds(nanos);
        if c.covers(c.to_civil(&later).date()) {
            later
        } else {
            at
        }
    })
}

/// Any instant chrono can represent, at any UTC offset, with extra weight
/// on the years 1900 through 2100.
pub(crate) fn any_instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
    let secs = |from: DateTime<Utc>, to: DateTime<Utc>| from.timestamp()..=to.timestamp();
    let century = secs(
        jan1(1900).and_time(NaiveTime::MIN).and_utc(),
        dec31(2100).and_time(NaiveTime::MIN).and_utc(),
    );
    (
        prop_oneof![
            3 => century,
            1 => secs(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC),
        ],
        0..1_000_000_000u32,
        any_utc_offset(),
    )
        .prop_map(|(secs, nanos, offset)| {
            DateTime::from_timestamp(secs, nanos)
                .expect("a timestamp inside chrono's range")
                .with_timezone(&offset)
        })
}

// ---------------------------------------------------------------------------
// Catalog strategies: limits, item codes, departments, valid approval items
// and catalogs.

use shenpi::catalog::{
    ApprovalItem, ApprovalItemBuilder, CaseKind, Catalog, DepartmentId, ItemCode, ItemType,
};
use shenpi::limit::{LimitUnit, SpecialProcedure, TimeLimit};

/// The units a limit counts in.
pub(crate) const UNITS: [LimitUnit; 4] =
    [LimitUnit::WorkingDays, LimitUnit::NaturalDays, LimitUnit::WorkingHours, LimitUnit::Months];

/// Any unit, mostly working days.
pub(crate) fn limit_unit() -> impl Strategy<Value = LimitUnit> {
    prop_oneof![
        3 => Just(LimitUnit::WorkingDays),
        1 => select(UNITS.to_vec()),
    ]
}

/// Limits of 0 to 60 in any unit, zero and small amounts weighted up.
pub(crate) fn time_limit() -> impl Strategy<Value = TimeLimit> {
    (prop_oneof![1 => Just(0u32), 4 => 0u32..=30, 1 => 0u32..=60], limit_unit())
        .prop_map(|(amount, unit)| TimeLimit::new(amount, unit))
}

/// Item codes: national-platform style (`11350100MB0123456X-001`), local
/// style (`XK-0001`), or any printable text without surrounding spaces,
/// Chinese included.
pub(crate) fn item_code() -> impl Strategy<Value = ItemCode> {
    prop_oneof![
        "11[0-9]{6}MB[0-9]{7}[0-9X]-[0-9]{3}",
        "[A-Z]{2}-[0-9]{4}",
        "[a-zA-Z0-9\u{4e00}-\u{9fa5}]([a-zA-Z0-9\u{4e00}-\u{9fa5} _./-]{0,16}[a-zA-Z0-9])?",
    ]
    .prop_map(|s| ItemCode::new(&s).expect("a generated code is valid"))
}

/// Department ids: a county bureau's Chinese name or a short ASCII id.
pub(crate) fn department() -> impl Strategy<Value = DepartmentId> {
    prop_oneof![
        select(vec![
            "建瓯市自然资源局",
            "建瓯市市场监督管理局",
            "建瓯市公安局",
            "建瓯市发展和改革局"
        ])
        .prop_map(str::to_owned),
        "[a-z]{1,8}(-[a-z]{1,8})?",
    ]
    .prop_map(|s| DepartmentId::new(&s).expect("a generated id is valid"))
}

/// Item names: Chinese or ASCII text, never blank.
pub(crate) fn item_name() -> impl Strategy<Value = String> {
    "[\u{4e00}-\u{9fa5}a-zA-Z（）]{1,12}( [\u{4e00}-\u{9fa5}a-z]{1,6})?"
}

/// Any item type.
pub(crate) fn item_type() -> impl Strategy<Value = ItemType> {
    select(ItemType::ALL.to_vec())
}

/// Any case kind.
pub(crate) fn case_kind() -> impl Strategy<Value = CaseKind> {
    select(CaseKind::ALL.to_vec())
}

/// Any set of special procedures.
pub(crate) fn special_procedures() -> impl Strategy<Value = BTreeSet<SpecialProcedure>> {
    prop::collection::btree_set(select(SpecialProcedure::ALL.to_vec()), 0..=4)
}

/// Valid items: the promised limit in the statutory unit and not longer
/// (the same day for an instant item), any reference limit or none, an
/// extension in working days or the case kind's default.
pub(crate) fn approval_item() -> impl Strategy<Value = ApprovalItem> {
    (
        (item_code(), item_name(), department(), item_type(), case_kind()),
        time_limit(),
        0.0f64..=1.0,
        prop::option::of(time_limit()),
        special_procedures(),
        prop::option::of(0u32..=30),
    )
        .prop_map(
            |((code, name, dept, item_type, kind), statutory, share, reference, sp, ext)| {
                // `share` of the statutory amount, rounded down: never more.
                let promised = match kind {
                    CaseKind::Instant => 0,
                    _ => (f64::from(statutory.amount()) * share).floor() as u32,
                };
                let mut builder: ApprovalItemBuilder = ApprovalItem::builder(code, name, dept)
                    .item_type(item_type)
                    .case_kind(kind)
                    .statutory(statutory)
                    .promised(TimeLimit::new(promised, statutory.unit()))
                    .special_procedures(sp);
                if let Some(reference) = reference {
                    builder = builder.reference(reference);
                }
                if let Some(days) = ext {
                    builder = builder.extension(TimeLimit::working_days(days));
                }
                builder.build().expect("a generated item is valid")
            },
        )
}

/// Up to `max` valid items with distinct codes, in random order.
pub(crate) fn distinct_items(max: usize) -> impl Strategy<Value = Vec<ApprovalItem>> {
    prop::collection::vec(approval_item(), 0..=max)
        .prop_map(|items| {
            let mut seen = BTreeSet::new();
            items.into_iter().filter(|i| seen.insert(i.code().clone())).collect::<Vec<_>>()
        })
        .prop_shuffle()
}

/// Catalogs of up to `max` items.
pub(crate) fn catalog(max: usize) -> impl Strategy<Value = Catalog> {
    distinct_items(max).prop_map(|items| Catalog::new(items).expect("distinct codes"))
}

// ---------------------------------------------------------------------------
// Case strategies: items to open cases for, and scripts of commands that a
// test resolves against the case's state while it applies them (so that
// most commands are ones the lifecycle allows, and histories go far).

use chrono::TimeZone as _;
use shenpi::case::{CaseCommand, CaseCommandKind, CaseEvent, CaseStateKind, Decision};
use shenpi::limit::SuspensionKind;
use shenpi::machine::{Actor, ActorId, Role, RolePolicy, TransitionTable};

/// China Standard Time, the offset of `WorkCalendar::china()`.
pub(crate) fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The first instant of 2026 in China.
pub(crate) fn first_instant_2026() -> DateTime<FixedOffset> {
    cst().from_local_datetime(&jan1(2026).and_time(NaiveTime::MIN)).single().expect("no DST")
}

/// The last whole second of 2026 in China: scripts stay within the year.
pub(crate) fn last_instant_2026() -> DateTime<FixedOffset> {
    let last = dec31(2026).and_hms_opt(23, 59, 59).expect("a valid time");
    cst().from_local_datetime(&last).single().expect("no DST")
}

/// Items to open cases for: limits in working days (mostly), natural days,
/// working hours or months, short enough that deadlines stay within 2026; promised
/// at most the statutory limit; sometimes instant items (promised 0);
/// any set of special procedures; an extension allowance of 0 to 15 working
/// days or the case kind's default.
pub(crate) fn case_item() -> impl Strategy<Value = ApprovalItem> {
    let statutory = prop_oneof![
        4 => (0u32..=30).prop_map(TimeLimit::working_days),
        1 => (0u32..=45).prop_map(TimeLimit::natural_days),
        1 => (0u32..=80).prop_map(TimeLimit::working_hours),
        1 => (0u32..=2).prop_map(TimeLimit::months),
    ];
    let kind = prop_oneof![
        1 => Just(CaseKind::Instant),
        3 => Just(CaseKind::Promised),
        1 => Just(CaseKind::Joint),
        1 => Just(CaseKind::ReportedUp),
    ];
    (statutory, 0.0f64..=1.0, kind, special_procedures(), prop::option::of(0u32..=15)).prop_map(
        |(statutory, share, kind, procedures, extension)| {
            let promised = match kind {
                CaseKind::Instant => 0,
                _ => (f64::from(statutory.amount()) * share).floor() as u32,
            };
            let code = ItemCode::new("XK-0001").expect("a valid code");
            let dept = DepartmentId::new("建瓯市自然资源局").expect("a valid id");
            let mut builder = ApprovalItem::builder(code, "建设工程规划许可", dept)
                .case_kind(kind)
                .statutory(statutory)
                .promised(TimeLimit::new(promised, statutory.unit()))
                .special_procedures(procedures);
            if let Some(days) = extension {
                builder = builder.extension(TimeLimit::working_days(days));
            }
            builder.build().expect("a generated item is valid")
        },
    )
}

/// How far a command's instant is from the case's latest event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gap {
    /// The same instant.
    Same,
    /// This many minutes later.
    Minutes(i64),
    /// The next midnight in China, where deadlines of whole days end.
    NextMidnight,
    /// The instant the case's promised (`false`) or statutory (`true`)
    /// deadline ends, as of its latest event, when that is not earlier;
    /// the next midnight otherwise.
    Deadline(bool),
    /// This many minutes earlier: refused, instants never go backwards.
    Back(i64),
}

/// When a case's promised and statutory deadlines end.
pub(crate) type Deadlines = (DateTime<FixedOffset>, DateTime<FixedOffset>);

/// Which suspension a `Suspend` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SuspensionPick {
    /// A correction during review (always allowed).
    Correction,
    /// The n-th (modulo) of the item's special procedures; a correction
    /// when the item allows none.
    Allowed(usize),
    /// Any special procedure, allowed by the item or not.
    Any(SpecialProcedure),
}

/// One step of a script: which command (resolved against the state), by
/// which role, when, and the data any command might need.
#[derive(Debug, Clone)]
pub(crate) struct StepSeed {
    /// Pick among every command kind instead of those the table allows.
    pub(crate) off_script: bool,
    /// Which command (modulo, weighted).
    pub(crate) pick: u32,
    /// Pick among every role instead of those the policy allows.
    pub(crate) any_role: bool,
    /// Which role (modulo).
    pub(crate) role_pick: u32,
    /// When, relative to the case's latest event.
    pub(crate) gap: Gap,
    /// Write the instant in UTC rather than China Standard Time.
    pub(crate) utc: bool,
    /// For `Conclude` and `ConcludeOnTheSpot`.
    pub(crate) decision: Decision,
    /// For `RefuseToAccept`, `Extend`, `Recall` and `Revoke`: sometimes
    /// empty or blank.
    pub(crate) reason: String,
    /// For `RequestCorrection`: sometimes empty or with a blank entry.
    pub(crate) missing: Vec<String>,
    /// For `Suspend`.
    pub(crate) suspension: SuspensionPick,
    /// For `Extend`: 0 to 15 working days.
    pub(crate) extension_days: u32,
}

/// A script: the receipt, then up to 24 steps.
#[derive(Debug, Clone)]
pub(crate) struct CaseScript {
    /// When the application comes in (2026-01-01 to 2026-08-31).
    pub(crate) received: DateTime<FixedOffset>,
    /// Who files it.
    pub(crate) receiver: Role,
    /// What follows.
    pub(crate) steps: Vec<StepSeed>,
}

/// How often a command the table allows is picked: ends of the road
/// (withdrawal, refusal, recall, revocation) rarely, a decision on the spot
/// rarely unless the item is an instant one, so histories go far.
fn script_weight(kind: CaseCommandKind, item: &ApprovalItem) -> u32 {
    use CaseCommandKind as K;
    match kind {
        K::Withdraw | K::RefuseToAccept => 1,
        K::Recall | K::Revoke => 3,
        K::ConcludeOnTheSpot if item.case_kind() != CaseKind::Instant => 3,
        K::Conclude => 6,
        K::Deliver => 12,
        _ => 24,
    }
}

/// An actor in `role`, with an id naming the role.
pub(crate) fn actor(role: Role) -> Actor {
    Actor::new(ActorId::new(&format!("{}-1", role.as_str())).expect("a non-empty id"), role)
}

impl StepSeed {
    /// The command kind: usually one the table allows from `state`
    /// (weighted), otherwise any kind at all.
    pub(crate) fn kind(
        &self,
        table: &TransitionTable<CaseStateKind, CaseCommandKind>,
        item: &ApprovalItem,
        state: CaseStateKind,
    ) -> CaseCommandKind {
        let allowed: Vec<CaseCommandKind> = table.commands_from(state).collect();
        if self.off_script || allowed.is_empty() {
            let all = CaseCommandKind::ALL;
            return all[self.pick as usize % all.len()];
        }
        let total: u32 = allowed.iter().map(|k| script_weight(*k, item)).sum();
        let mut n = self.pick % total;
        for kind in &allowed {
            let w = script_weight(*kind, item);
            if n < w {
                return *kind;
            }
            n -= w;
        }
        unreachable!("the weights add up to the total")
    }

    /// The role: usually one the policy allows for `kind`, otherwise any.
    pub(crate) fn role(&self, policy: &RolePolicy<CaseCommandKind>, kind: CaseCommandKind) -> Role {
        let allowed: Vec<Role> = policy.roles(kind).collect();
        let pool = if self.any_role || allowed.is_empty() { Role::ALL.to_vec() } else { allowed };
        pool[self.role_pick as usize % pool.len()]
    }

    /// The instant, relative to the case's latest event `last` and its
    /// deadlines (promised, statutory) as of `last` if its clock runs, kept
    /// within 2026.
    pub(crate) fn at(
        &self,
        last: DateTime<FixedOffset>,
        deadlines: Option<Deadlines>,
    ) -> DateTime<FixedOffset> {
        let deadline = match (self.gap, deadlines) {
            (Gap::Deadline(statutory), Some((promised_at, statutory_at))) => {
                Some(if statutory { statutory_at } else { promised_at }).filter(|d| *d >= last)
            }
            _ => None,
        };
        let at = match (self.gap, deadline) {
            (_, Some(deadline)) => deadline,
            (Gap::Same, _) => last,
            (Gap::Minutes(m), _) => last + TimeDelta::minutes(m),
            (Gap::Back(m), _) => (last - TimeDelta::minutes(m)).max(first_instant_2026()),
            (Gap::NextMidnight | Gap::Deadline(_), None) => {
                let day = last.with_timezone(&cst()).date_naive();
                let next = day.succ_opt().expect("a date in 2026").and_time(NaiveTime::MIN);
                cst().from_local_datetime(&next).single().expect("no DST")
            }
        };
        let at = if at > last_instant_2026() { last } else { at };
        if self.utc {
            at.with_timezone(&FixedOffset::east_opt(0).expect("UTC"))
        } else {
            at.with_timezone(&cst())
        }
    }

    /// The command of `kind`, with this step's data.
    pub(crate) fn command(&self, kind: CaseCommandKind, item: &ApprovalItem) -> CaseCommand {
        use CaseCommandKind as K;
        let reason = self.reason.clone();
        match kind {
            K::Receive => CaseCommand::Receive,
            K::RequestCorrection => {
                CaseCommand::RequestCorrection { missing: self.missing.clone() }
            }
            K::SubmitCorrection => CaseCommand::SubmitCorrection,
            K::Accept => CaseCommand::Accept,
            K::RefuseToAccept => CaseCommand::RefuseToAccept { reason },
            K::StartHandling => CaseCommand::StartHandling,
            K::Suspend => {
                let allowed: Vec<SpecialProcedure> =
                    item.special_procedures().iter().copied().collect();
                let reason = match self.suspension {
                    SuspensionPick::Correction => SuspensionKind::Correction,
                    SuspensionPick::Allowed(_) if allowed.is_empty() => SuspensionKind::Correction,
                    SuspensionPick::Allowed(i) => {
                        SuspensionKind::SpecialProcedure { procedure: allowed[i % allowed.len()] }
                    }
                    SuspensionPick::Any(procedure) => {
                        SuspensionKind::SpecialProcedure { procedure }
                    }
                };
                CaseCommand::Suspend { reason }
            }
            K::Resume => CaseCommand::Resume,
            K::Extend => CaseCommand::Extend { working_days: self.extension_days, reason },
            K::Conclude => CaseCommand::Conclude { decision: self.decision },
            K::ConcludeOnTheSpot => CaseCommand::ConcludeOnTheSpot { decision: self.decision },
            K::Deliver => CaseCommand::Deliver,
            K::Withdraw => CaseCommand::Withdraw,
            K::Recall => CaseCommand::Recall { reason },
            K::Revoke => CaseCommand::Revoke { reason },
        }
    }

    /// The whole event for a case in `state` whose latest event was at
    /// `last`, with the deadlines as of then if its clock runs.
    pub(crate) fn event(
        &self,
        table: &TransitionTable<CaseStateKind, CaseCommandKind>,
        policy: &RolePolicy<CaseCommandKind>,
        item: &ApprovalItem,
        state: CaseStateKind,
        last: DateTime<FixedOffset>,
        deadlines: Option<Deadlines>,
    ) -> CaseEvent {
        let kind = self.kind(table, item, state);
        let at = self.at(last, deadlines);
        CaseEvent::new(actor(self.role(policy, kind)), at, self.command(kind, item))
    }
}

/// Written reasons: usually some text, sometimes empty or blank.
fn written_reason() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        1 => Just(" \u{3000}".to_owned()),
        6 => select(vec!["超出本机关职权范围", "现场勘查", "专家论证需要时间", "law amended", "材料虚假"])
            .prop_map(str::to_owned),
    ]
}

/// Correction lists: usually one to three materials, sometimes none or one
/// blank.
fn missing_materials() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        1 => Just(Vec::new()),
        1 => material().prop_map(|m| vec![m, " ".to_owned()]),
        6 => prop::collection::vec(material(), 1..=3),
    ]
}

/// Materials an application may lack.
fn material() -> impl Strategy<Value = String> {
    select(vec!["营业执照副本", "身份证复印件", "建设用地规划许可证", "site plan", "授权委托书"])
        .prop_map(str::to_owned)
}

fn gap() -> impl Strategy<Value = Gap> {
    prop_oneof![
        1 => Just(Gap::Same),
        5 => (1i64..=240).prop_map(Gap::Minutes),
        2 => (60i64..=2_880).prop_map(Gap::Minutes),
        2 => (1i64..=9, 0i64..1_440).prop_map(|(d, m)| Gap::Minutes(d * 1_440 + m)),
        1 => Just(Gap::NextMidnight),
        1 => any::<bool>().prop_map(Gap::Deadline),
        1 => (1i64..=600).prop_map(Gap::Back),
    ]
}

fn suspension_pick() -> impl Strategy<Value = SuspensionPick> {
    prop_oneof![
        2 => Just(SuspensionPick::Correction),
        3 => (0usize..8).prop_map(SuspensionPick::Allowed),
        1 => select(SpecialProcedure::ALL.to_vec()).prop_map(SuspensionPick::Any),
    ]
}

fn decision() -> impl Strategy<Value = Decision> {
    select(vec![Decision::Approved, Decision::ApprovedWithDeficiency, Decision::Denied])
}

/// One step: on script 92% of the time, by an allowed role 90%.
pub(crate) fn step_seed() -> impl Strategy<Value = StepSeed> {
    (
        (prop::bool::weighted(0.08), any::<u32>(), prop::bool::weighted(0.1), any::<u32>()),
        (gap(), prop::bool::weighted(0.2)),
        (decision(), written_reason(), missing_materials(), suspension_pick()),
        prop_oneof![1 => Just(0u32), 6 => 1u32..=15],
    )
        .prop_map(
            |(
                (off_script, pick, any_role, role_pick),
                (gap, utc),
                (decision, reason, missing, suspension),
                extension_days,
            )| StepSeed {
                off_script,
                pick,
                any_role,
                role_pick,
                gap,
                utc,
                decision,
                reason,
                missing,
                suspension,
                extension_days,
            },
        )
}

/// Scripts: a receipt between 1 January and 31 August 2026 (at any minute,
/// often in office hours, sometimes at midnight) by someone allowed to
/// file, then up to `max_steps` steps.
pub(crate) fn case_script(max_steps: usize) -> impl Strategy<Value = CaseScript> {
    let minute = prop_oneof![
        4 => 0u32..1_440,
        3 => 510u32..1_050,
        1 => Just(0u32),
    ];
    (
        date_between(jan1(2026), NaiveDate::from_ymd_opt(2026, 8, 31).expect("a valid date")),
        minute,
        select(vec![Role::Applicant, Role::Agent, Role::WindowClerk]),
        prop::collection::vec(step_seed(), 0..=max_steps),
    )
        .prop_map(|(date, minute, receiver, steps)| {
            let local = date.and_time(time_at(minute * 60));
            let received = cst().from_local_datetime(&local).single().expect("no DST");
            CaseScript { received, receiver, steps }
        })
}
