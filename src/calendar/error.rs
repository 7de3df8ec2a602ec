use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Weekday};

use super::{Direction, OfficePeriod, Roll};

/// What went wrong in a calendar operation or definition.
///
/// Every variant names the value at fault, and where it matters the
/// calendar's covered years, so a portal can show the message as it is.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::{CalendarError, WorkCalendar};
///
/// let cal = WorkCalendar::china();
/// let date = NaiveDate::from_ymd_opt(2003, 12, 31).unwrap();
/// let err = cal.is_working_day(date).unwrap_err();
/// assert!(matches!(err, CalendarError::DateOutOfRange { .. }));
/// assert_eq!(
///     err.to_string(),
///     "date 2003-12-31 is outside the covered years 2004..=2026",
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// A date lies outside the years the calendar covers. A year without a
    /// published arrangement is unknown: the calendar never guesses.
    #[error("date {date} is outside the covered years {first}..={last}")]
    #[non_exhaustive]
    DateOutOfRange {
        /// The date asked about.
        date: NaiveDate,
        /// The first covered year.
        first: i32,
        /// The last covered year.
        last: i32,
    },
    /// A year lies outside the years the calendar covers.
    #[error("year {year} is outside the covered years {first}..={last}")]
    #[non_exhaustive]
    YearOutOfRange {
        /// The year asked about.
        year: i32,
        /// The first covered year.
        first: i32,
        /// The last covered year.
        last: i32,
    },
    /// Counting working days (or natural days) from a date would leave the
    /// covered years.
    #[error("counting {days} days {direction} {date} leaves the covered years {first}..={last}")]
    #[non_exhaustive]
    CountOutOfRange {
        /// The start of the count.
        date: NaiveDate,
        /// How many days were to be counted.
        days: u32,
        /// Forward (after the date) or backward (before it).
        direction: Direction,
        /// The first covered year.
        first: i32,
        /// The last covered year.
        last: i32,
    },
    /// Counting months from a date (Civil Code art. 202) would leave the
    /// covered years.
    #[error(
        "counting {months} months {direction} {date} leaves the covered years {first}..={last}"
    )]
    #[non_exhaustive]
    MonthsOutOfRange {
        /// The start of the count.
        date: NaiveDate,
        /// How many months were to be counted.
        months: u32,
        /// Forward (after the date) or backward (before it).
        direction: Direction,
        /// The first covered year.
        first: i32,
        /// The last covered year.
        last: i32,
    },
    /// Counting working seconds from an instant would leave the covered
    /// years.
    #[error(
        "counting {seconds} working seconds from {start} leaves the covered years {first}..={last}"
    )]
    #[non_exhaustive]
    SecondsOutOfRange {
        /// The start of the count.
        start: DateTime<FixedOffset>,
        /// How many working seconds were to be counted.
        seconds: u64,
        /// The first covered year.
        first: i32,
        /// The last covered year.
        last: i32,
    },
    /// No working day could be found when rolling off a non-working day
    /// before the covered years end.
    #[error("no working day {roll} {date} within the covered years {first}..={last}")]
    #[non_exhaustive]
    NoWorkingDay {
        /// The date being rolled.
        date: NaiveDate,
        /// The direction of the roll.
        roll: Roll,
        /// The first covered year.
        first: i32,
        /// The last covered year.
        last: i32,
    },
    /// The end of a date range comes before its start.
    #[error("range end {end} is before its start {start}")]
    #[non_exhaustive]
    InvertedRange {
        /// The start of the range.
        start: NaiveDate,
        /// The end of the range, earlier than `start`.
        end: NaiveDate,
    },
    /// The end of a span of time comes before its start.
    #[error("instant {end} is before the start of the span {start}")]
    #[non_exhaustive]
    InvertedSpan {
        /// The start of the span.
        start: DateTime<FixedOffset>,
        /// The end of the span, earlier than `start`.
        end: DateTime<FixedOffset>,
    },
    /// The covered years hold no year (the last comes before the first).
    #[error("covered years {first}..={last} hold no year")]
    #[non_exhaustive]
    EmptyYears {
        /// The first year asked for.
        first: i32,
        /// The last year asked for, before `first`.
        last: i32,
    },
    /// The covered years are too many to tabulate.
    #[error("covered years {first}..={last} span more than {max} years")]
    #[non_exhaustive]
    TooManyYears {
        /// The first year asked for.
        first: i32,
        /// The last year asked for.
        last: i32,
        /// The largest number of years a calendar may cover.
        max: u32,
    },
    /// A covered year lies outside the years a calendar supports.
    #[error("year {year} is outside the supported years {min}..={max}")]
    #[non_exhaustive]
    UnsupportedYear {
        /// The year asked for.
        year: i32,
        /// The earliest supported year.
        min: i32,
        /// The latest supported year.
        max: i32,
    },
    /// A date is listed both as a holiday and as a make-up working day.
    #[error("date {date} is listed both as a holiday and as a make-up working day")]
    #[non_exhaustive]
    HolidayAndMakeUpDay {
        /// The date listed twice.
        date: NaiveDate,
    },
    /// A make-up working day (调休) falls on a day that is not a weekend day,
    /// so it would change nothing.
    #[error("make-up working day {date} is a {weekday}, not a weekend day")]
    #[non_exhaustive]
    MakeUpDayNotWeekend {
        /// The make-up day.
        date: NaiveDate,
        /// Its day of the week.
        weekday: Weekday,
    },
    /// An office-hours period does not end after it starts.
    #[error("office hours period {start}-{end} does not end after it starts")]
    #[non_exhaustive]
    InvertedOfficeHours {
        /// The start of the period.
        start: NaiveTime,
        /// The end of the period, not after `start`.
        end: NaiveTime,
    },
    /// A calendar's UTC offset has seconds. RFC 3339 writes offsets in
    /// whole minutes, so an instant written on such a clock would name
    /// another instant when read back.
    #[error("UTC offset {offset} is not a whole number of minutes")]
    #[non_exhaustive]
    OffsetNotWholeMinutes {
        /// The offset given.
        offset: chrono::FixedOffset,
    },
    /// An office-hours period starts or ends at a fraction of a second:
    /// working time is counted in whole seconds.
    #[error("office hours period time {time} is not a whole second")]
    #[non_exhaustive]
    OfficeHoursNotWholeSeconds {
        /// The time with a fraction.
        time: NaiveTime,
    },
    /// Two office-hours periods overlap.
    #[error("office hours periods {first} and {second} overlap")]
    #[non_exhaustive]
    OverlappingOfficeHours {
        /// The earlier period.
        first: OfficePeriod,
        /// The later period, starting before `first` ends.
        second: OfficePeriod,
    },
    /// An overlay lists a date both as a holiday and as a working day.
    #[error("overlay lists {date} both as a holiday and as a working day")]
    #[non_exhaustive]
    OverlayConflict {
        /// The date listed twice.
        date: NaiveDate,
    },
    /// A date of a year's arrangement lies outside that year and the
    /// December before it (the only days a notice for the year sets).
    #[error(
        "date {date} lies outside the arrangement for {year} (its year and the December before)"
    )]
    #[non_exhaustive]
    ArrangementDateOutsideYear {
        /// The year arranged.
        year: i32,
        /// The date outside it.
        date: NaiveDate,
    },
    /// A notice without a document number.
    #[error("a notice must have a document number")]
    EmptyNoticeNumber,
    /// A note (a notice number, a source) is longer than a calendar keeps.
    #[error("a note of {len} bytes is longer than the {max} bytes kept")]
    #[non_exhaustive]
    NoteTooLong {
        /// Its length in bytes.
        len: usize,
        /// The most kept.
        max: usize,
    },
    /// A notice issued after the year it arranges.
    #[error("notice {number} of {issued} was issued after the year {year} it arranges")]
    #[non_exhaustive]
    NoticeAfterYear {
        /// The notice's number.
        number: String,
        /// When it was issued.
        issued: NaiveDate,
        /// The year arranged.
        year: i32,
    },
    /// Adding a year's arrangement would leave a year unknown between the
    /// published years and it.
    #[error(
        "the arrangement for {year} leaves a gap: the published years end with {published}, so the next to add is {}",
        published + 1
    )]
    #[non_exhaustive]
    ArrangementGap {
        /// The year offered.
        year: i32,
        /// The last published year of the calendar.
        published: i32,
    },
    /// Adding a year's arrangement for a year the calendar already has
    /// published; a correction must say it is one.
    #[error(
        "the calendar already has {year} (published years {first}..={published}): a changed arrangement is added as a correction"
    )]
    #[non_exhaustive]
    ArrangementOverlap {
        /// The year offered.
        year: i32,
        /// The first covered year.
        first: i32,
        /// The last published year.
        published: i32,
    },
    /// A correction for a year the calendar has not published.
    #[error("no published year {year} to correct (published years {first}..={published})")]
    #[non_exhaustive]
    NothingToCorrect {
        /// The year offered.
        year: i32,
        /// The first covered year.
        first: i32,
        /// The last published year.
        published: i32,
    },
    /// A year that the provisional estimate cannot place (its lunisolar
    /// holidays are computed for a bounded range of years only).
    #[error("year {year} cannot be estimated: estimates cover {min}..={max}")]
    #[non_exhaustive]
    EstimateOutOfRange {
        /// The year asked for.
        year: i32,
        /// The earliest year estimated.
        min: i32,
        /// The latest year estimated.
        max: i32,
    },
    /// Estimates asked through a year that is already published.
    #[error(
        "estimates through {through} add nothing: the calendar is published through {published}"
    )]
    #[non_exhaustive]
    EstimateNotAfterPublished {
        /// The last year to estimate.
        through: i32,
        /// The last published year.
        published: i32,
    },
    /// The last published year of a calendar lies outside its covered years.
    #[error("published years end with {published}, outside the covered years {first}..={last}")]
    #[non_exhaustive]
    PublishedOutOfRange {
        /// The last published year given.
        published: i32,
        /// The first covered year.
        first: i32,
        /// The last covered year.
        last: i32,
    },
}
