use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;

use chrono::offset::MappedLocalTime;
use chrono::{
    DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Timelike, Weekday,
};
use serde::{Deserialize, Serialize};

use super::{
    Arrangement, CalendarError, DayEnd, Direction, OfficeHours, Overlay, Party, Roll,
    WorkCalendarBuilder,
};

/// An instant on a calendar's clock: its civil day as an index from the
/// first covered day (possibly outside the covered days) and the seconds
/// into that day.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moment {
    day: i64,
    secs: u32,
    at: DateTime<FixedOffset>,
}

/// An instant with what every clock read at it asks of the calendar,
/// worked out once for many clocks (a sweep at one `now`): the day it ends
/// and the working seconds up to it, `None` outside the covered years.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Point {
    /// The instant.
    pub(crate) at: DateTime<FixedOffset>,
    /// The covered day index of the day it ends.
    pub(crate) end: Option<usize>,
    /// The covered day index of the day it falls on.
    pub(crate) start: Option<usize>,
    /// Working seconds from the start of the covered years up to it.
    pub(crate) working_seconds: Option<u64>,
}

/// The earliest year a calendar may cover.
pub const MIN_YEAR: i32 = 1;
/// The latest year a calendar may cover.
pub const MAX_YEAR: i32 = 9999;
/// The largest number of years one calendar may cover (about 1.5 MB of
/// tables at most).
pub const MAX_YEARS: u32 = 500;

/// A working-day calendar: which days are working days over a declared range
/// of covered years, the office hours of a working day, and the UTC offset of
/// its civil time.
///
/// A day is a working day when it is a make-up working day (调休), or when it
/// is neither a weekend day nor a holiday. Dates outside the covered years
/// are an error, never a guess: a year whose arrangement is not published is
/// unknown.
///
/// Every operation is O(1): building the calendar tabulates, for each covered
/// day, how many working days come before it, and lists the working days in
/// order. Clones are cheap (the tables are shared).
///
/// Build one with [`WorkCalendar::builder`], take the built-in national one
/// with [`WorkCalendar::china`], layer local days on with
/// [`WorkCalendar::with_overlay`], or decode one from JSON; decoding
/// validates exactly like building.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::WorkCalendar;
///
/// let cal = WorkCalendar::china();
/// let accepted = NaiveDate::from_ymd_opt(2026, 2, 13).unwrap();
/// // 20 working days after acceptance, over the Spring Festival holiday
/// // and its make-up Saturdays.
/// let due = cal.add_working_days(accepted, 20)?;
/// assert_eq!(due, NaiveDate::from_ymd_opt(2026, 3, 19).unwrap());
/// assert_eq!(cal.working_days_between(accepted, due)?, 20);
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::calendar::WorkCalendar;
///
/// let cal: WorkCalendar = serde_json::from_str(r#"{
///     "first_year": 2026,
///     "last_year": 2026,
///     "weekend": ["Sat", "Sun"],
///     "holidays": ["2026-01-01", "2026-01-02"],
///     "make_up_days": ["2026-01-04"],
///     "office_hours": [
///         {"start": "08:30:00", "end": "12:00:00"},
///         {"start": "14:30:00", "end": "17:30:00"}
///     ],
///     "utc_offset": "+08:00"
/// }"#)?;
/// assert_eq!(cal.working_days_in_year(2026)?, 260);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "CalendarData", into = "CalendarData")]
pub struct WorkCalendar {
    pub(super) def: Arc<Definition>,
    tables: Arc<Tables>,
}

/// What a calendar is, as given; equality and hashing look only at this.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Definition {
    pub(crate) first_year: i32,
    pub(crate) last_year: i32,
    /// Bit `n` set when `Weekday::num_days_from_monday() == n` is a weekend
    /// day.
    pub(crate) weekend: u8,
    pub(crate) holidays: BTreeSet<NaiveDate>,
    pub(crate) make_up_days: BTreeSet<NaiveDate>,
    pub(crate) office_hours: OfficeHours,
    pub(crate) utc_offset: FixedOffset,
    /// The last year whose days are published; later covered years are
    /// provisional estimates.
    pub(crate) published_through: i32,
    /// The arrangements the published years were built from, by year: where
    /// the days came from (their notices), and what a correction replaces.
    pub(crate) arrangements: BTreeMap<i32, Arrangement>,
    /// When the last day of a limit ends for the agency's own acts.
    pub(crate) agency_day_end: DayEnd,
    /// When the last day of a limit ends for the applicant's acts.
    pub(crate) applicant_day_end: DayEnd,
}

/// The derived per-day tables behind every O(1) operation.
struct Tables {
    /// `year_start[y - first]` is the day index of 1 January of year `y`;
    /// one more entry holds the number of covered days.
    year_start: Box<[u32]>,
    /// `cum[i]` is the number of working days among day indices `0..i`.
    cum: Box<[u32]>,
    /// The working days, in order.
    working: Box<[NaiveDate]>,
    /// Days from 1 January of year 1 (CE) to the first covered day.
    first_ce: i64,
}

/// Days from 1 January of year 1 (CE) to 1 January 1970.
const UNIX_EPOCH_CE: i64 = 719_163;

pub(crate) fn weekday_bit(day: Weekday) -> u8 {
    1 << day.num_days_from_monday()
}

impl Definition {
    /// Checks every invariant and tabulates the days.
    pub(crate) fn build(self) -> Result<WorkCalendar, CalendarError> {
        let (first, last) = (self.first_year, self.last_year);
        for year in [first, last] {
            if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
                return Err(CalendarError::UnsupportedYear { year, min: MIN_YEAR, max: MAX_YEAR });
            }
        }
        if last < first {
            return Err(CalendarError::EmptyYears { first, last });
        }
        if last - first >= MAX_YEARS as i32 {
            return Err(CalendarError::TooManyYears { first, last, max: MAX_YEARS });
        }
        check_offset(self.utc_offset)?;
        let covered = |date: &NaiveDate| (first..=last).contains(&date.year());
        for date in self.holidays.iter().chain(&self.make_up_days) {
            if !covered(date) {
                return Err(CalendarError::DateOutOfRange { date: *date, first, last });
            }
        }
        if let Some(date) = self.holidays.intersection(&self.make_up_days).next() {
            return Err(CalendarError::HolidayAndMakeUpDay { date: *date });
        }
        if !(first..=last).contains(&self.published_through) {
            return Err(CalendarError::PublishedOutOfRange {
                published: self.published_through,
                first,
                last,
            });
        }
        if let Some(year) =
            self.arrangements.keys().find(|y| !(first..=self.published_through).contains(*y))
        {
            return Err(CalendarError::YearOutOfRange {
                year: *year,
                first,
                last: self.published_through,
            });
        }
        for date in &self.make_up_days {
            if self.weekend & weekday_bit(date.weekday()) == 0 {
                return Err(CalendarError::MakeUpDayNotWeekend {
                    date: *date,
                    weekday: date.weekday(),
                });
            }
        }
        let tables = Tables::new(&self)?;
        Ok(WorkCalendar { def: Arc::new(self), tables: Arc::new(tables) })
    }

    fn is_working(&self, date: NaiveDate) -> bool {
        self.make_up_days.contains(&date)
            || (self.weekend & weekday_bit(date.weekday()) == 0 && !self.holidays.contains(&date))
    }
}

impl Tables {
    fn new(def: &Definition) -> Result<Tables, CalendarError> {
        let unsupported =
            |year| CalendarError::UnsupportedYear { year, min: MIN_YEAR, max: MAX_YEAR };
        let mut year_start = Vec::with_capacity((def.last_year - def.first_year + 2) as usize);
        let mut days = 0u32;
        for year in def.first_year..=def.last_year {
            year_start.push(days);
            let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| unsupported(year))?;
            days += if jan1.leap_year() { 366 } else { 365 };
        }
        year_start.push(days);

        let mut cum = Vec::with_capacity(days as usize + 1);
        let mut working = Vec::new();
        let first = NaiveDate::from_ymd_opt(def.first_year, 1, 1)
            .ok_or_else(|| unsupported(def.first_year))?;
        cum.push(0);
        for date in first.iter_days().take(days as usize) {
            if def.is_working(date) {
                working.push(date);
            }
            cum.push(working.len() as u32);
        }
        Ok(Tables {
            year_start: year_start.into(),
            cum: cum.into(),
            working: working.into(),
            first_ce: i64::from(first.num_days_from_ce()),
        })
    }
}

impl WorkCalendar {
    /// A builder for a calendar covering `years`, with Saturday and Sunday
    /// as the weekend, no holidays, whole-day office hours and China
    /// Standard Time (UTC+8).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let cal = WorkCalendar::builder(2026..=2026)
    ///     .holiday_range(d(10, 1), d(10, 7))
    ///     .make_up_days([d(9, 20), d(10, 10)])
    ///     .build()?;
    /// assert!(!cal.is_working_day(d(10, 7))?);
    /// assert!(cal.is_working_day(d(10, 8))?);
    /// assert!(cal.is_working_day(d(9, 20))?); // a Sunday make-up day
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn builder(years: RangeInclusive<i32>) -> WorkCalendarBuilder {
        WorkCalendarBuilder::new(years)
    }

    #[cfg(test)]
    pub(crate) fn definition(&self) -> &Definition {
        &self.def
    }

    fn tables(&self) -> &Tables {
        &self.tables
    }

    /// The years the calendar covers.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// assert_eq!(WorkCalendar::china().years(), 2004..=2026);
    /// ```
    pub fn years(&self) -> RangeInclusive<i32> {
        self.def.first_year..=self.def.last_year
    }

    /// The first and last covered days.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let (first, last) = WorkCalendar::china().date_range();
    /// assert_eq!(first, NaiveDate::from_ymd_opt(2004, 1, 1).unwrap());
    /// assert_eq!(last, NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
    /// ```
    pub fn date_range(&self) -> (NaiveDate, NaiveDate) {
        // Covered years are checked to be valid chrono years when built.
        let first = NaiveDate::from_ymd_opt(self.def.first_year, 1, 1).unwrap_or(NaiveDate::MIN);
        let last = NaiveDate::from_ymd_opt(self.def.last_year, 12, 31).unwrap_or(NaiveDate::MAX);
        (first, last)
    }

    /// Whether `date` falls within the covered years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// assert!(cal.covers(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()));
    /// assert!(!cal.covers(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
    /// ```
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.years().contains(&date.year())
    }

    /// Whether `day` is a weekend day (before holidays and make-up days).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::Weekday;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// assert!(cal.is_weekend(Weekday::Sun));
    /// assert!(!cal.is_weekend(Weekday::Fri));
    /// ```
    pub fn is_weekend(&self, day: Weekday) -> bool {
        self.def.weekend & weekday_bit(day) != 0
    }

    /// The weekend days, Monday first.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::Weekday;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let weekend: Vec<_> = WorkCalendar::china().weekend().collect();
    /// assert_eq!(weekend, [Weekday::Sat, Weekday::Sun]);
    /// ```
    pub fn weekend(&self) -> impl Iterator<Item = Weekday> + '_ {
        let mask = self.def.weekend;
        WEEK.into_iter().filter(move |d| mask & weekday_bit(*d) != 0)
    }

    /// The holidays (off days), in order. Weekend days inside a holiday
    /// period may be listed too, as the State Council's notices list them.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let national_day_2026 = cal
    ///     .holidays()
    ///     .filter(|d| *d >= NaiveDate::from_ymd_opt(2026, 10, 1).unwrap())
    ///     .count();
    /// assert_eq!(national_day_2026, 7);
    /// ```
    pub fn holidays(&self) -> impl DoubleEndedIterator<Item = NaiveDate> + '_ {
        self.def.holidays.iter().copied()
    }

    /// The make-up working days (调休): weekend days that are working days.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let last = cal.make_up_days().next_back();
    /// assert_eq!(last, NaiveDate::from_ymd_opt(2026, 10, 10));
    /// ```
    pub fn make_up_days(&self) -> impl DoubleEndedIterator<Item = NaiveDate> + '_ {
        self.def.make_up_days.iter().copied()
    }

    /// The office hours of a working day.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// // The national calendar counts the whole day.
    /// assert_eq!(WorkCalendar::china().office_hours().day_seconds(), 86_400);
    /// ```
    pub fn office_hours(&self) -> &OfficeHours {
        &self.def.office_hours
    }

    /// The UTC offset of the calendar's civil time.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// assert_eq!(WorkCalendar::china().utc_offset().local_minus_utc(), 8 * 3600);
    /// ```
    pub fn utc_offset(&self) -> FixedOffset {
        self.def.utc_offset
    }

    /// The day index of `date`, or an error naming it and the covered years.
    #[inline]
    fn index(&self, date: NaiveDate) -> Result<usize, CalendarError> {
        let t = self.tables();
        let y = date.year().wrapping_sub(self.def.first_year);
        match t.year_start.get(y as u32 as usize) {
            Some(start) if (y as u32 as usize) + 1 < t.year_start.len() => {
                Ok(*start as usize + date.ordinal0() as usize)
            }
            _ => Err(self.out_of_range(date)),
        }
    }

    /// The civil day of `at` as a signed offset from the first covered
    /// day, and the seconds into that day: integer arithmetic on the
    /// timestamp, no calendar conversion.
    #[inline]
    fn civil_offset(&self, at: &DateTime<FixedOffset>) -> (i64, u32) {
        // The UTC date's index from the year table (no division), then at
        // most one day either way for the offset; day indices run on
        // across years.
        let utc = at.naive_utc();
        let offset = self.def.utc_offset.local_minus_utc();
        if let Ok(i) = self.index(utc.date()) {
            let s = utc.time().num_seconds_from_midnight() as i32 + offset;
            let (day, secs) = if s >= 86_400 {
                (i as i64 + 1, s - 86_400)
            } else if s < 0 {
                (i as i64 - 1, s + 86_400)
            } else {
                (i as i64, s)
            };
            return (day, secs as u32);
        }
        let local = at.timestamp() + i64::from(offset);
        let day = local.div_euclid(86_400) + UNIX_EPOCH_CE - self.tables().first_ce;
        (day, local.rem_euclid(86_400) as u32)
    }

    /// An instant as a day index and the seconds into that civil day,
    /// worked out once for the several questions a clock asks of it.
    #[inline]
    pub(crate) fn moment(&self, at: &DateTime<FixedOffset>) -> Moment {
        let (day, secs) = self.civil_offset(at);
        Moment { day, secs, at: *at }
    }

    /// `at` worked out once for the clocks read at it.
    pub(crate) fn point(&self, at: &DateTime<FixedOffset>) -> Point {
        let m = self.moment(at);
        Point {
            at: *at,
            end: self.end_index(&m).ok(),
            start: self.start_index(&m).ok(),
            working_seconds: self.working_seconds_at(&m).ok(),
        }
    }

    /// The covered day index of the civil day `at` falls on.
    #[inline]
    pub(crate) fn start_index(&self, at: &Moment) -> Result<usize, CalendarError> {
        self.covered_index(at.day, &at.at)
    }

    /// The covered day index of the civil day `at` ends: the day it falls
    /// on, except that exactly midnight is 24:00 of the day before.
    #[inline]
    pub(crate) fn end_index(&self, at: &Moment) -> Result<usize, CalendarError> {
        // (Midnight before the first covered day stays on that day.)
        let day = if at.secs == 0 && at.day > 0 { at.day - 1 } else { at.day };
        self.covered_index(day, &at.at)
    }

    #[inline]
    fn covered_index(&self, day: i64, at: &DateTime<FixedOffset>) -> Result<usize, CalendarError> {
        if day >= 0 && (day as usize) < self.tables().cum.len() - 1 {
            Ok(day as usize)
        } else {
            Err(self.instant_out_of_range(at))
        }
    }

    #[cold]
    fn instant_out_of_range(&self, at: &DateTime<FixedOffset>) -> CalendarError {
        self.out_of_range(self.to_civil(at).date())
    }

    /// Whether covered day index `i` lies in an estimated year.
    #[inline]
    pub(crate) fn is_provisional_index(&self, i: usize) -> bool {
        let t = self.tables();
        let published = (self.def.published_through - self.def.first_year + 1) as usize;
        t.year_start.get(published).is_some_and(|end| i >= *end as usize)
    }

    /// Working days among covered days `0..=i`.
    #[inline]
    pub(crate) fn working_through(&self, i: usize) -> u32 {
        self.tables().cum[i + 1]
    }

    /// Whether `other` is this very calendar (or a clone of it): the same
    /// shared definition and tables, so every answer is the same.
    #[inline]
    pub(crate) fn same_as(&self, other: &WorkCalendar) -> bool {
        Arc::ptr_eq(&self.def, &other.def) && Arc::ptr_eq(&self.tables, &other.tables)
    }

    /// The working days of the covered years, in all.
    #[inline]
    pub(crate) fn working_day_count(&self) -> u64 {
        self.tables().working.len() as u64
    }

    /// The covered day index of `date`.
    #[inline]
    pub(crate) fn day_index(&self, date: NaiveDate) -> Result<usize, CalendarError> {
        self.index(date)
    }

    /// [`add_working_days`](Self::add_working_days) from a day index.
    #[inline]
    pub(crate) fn add_working_days_at(&self, i: usize, n: u32) -> Result<NaiveDate, CalendarError> {
        let t = self.tables();
        if n == 0 || t.cum[i + 1] as usize + n as usize > t.working.len() {
            let date = NaiveDate::from_num_days_from_ce_opt((t.first_ce + i as i64) as i32)
                .ok_or(CalendarError::UnsupportedYear { year: 0, min: MIN_YEAR, max: MAX_YEAR })?;
            return self.add_working_days(date, n);
        }
        Ok(t.working[t.cum[i + 1] as usize + n as usize - 1])
    }

    #[cold]
    fn out_of_range(&self, date: NaiveDate) -> CalendarError {
        CalendarError::DateOutOfRange { date, first: self.def.first_year, last: self.def.last_year }
    }

    #[cold]
    fn count_out_of_range(
        &self,
        date: NaiveDate,
        days: u32,
        direction: Direction,
    ) -> CalendarError {
        CalendarError::CountOutOfRange {
            date,
            days,
            direction,
            first: self.def.first_year,
            last: self.def.last_year,
        }
    }

    #[cold]
    fn months_out_of_range(
        &self,
        date: NaiveDate,
        months: u32,
        direction: Direction,
    ) -> CalendarError {
        CalendarError::MonthsOutOfRange {
            date,
            months,
            direction,
            first: self.def.first_year,
            last: self.def.last_year,
        }
    }

    #[inline]
    fn working_at(&self, i: usize) -> bool {
        let cum = &self.tables().cum;
        cum[i + 1] != cum[i]
    }

    /// Whether `date` is a working day.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `date` is outside the covered
    /// years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// assert!(!cal.is_working_day(d(10, 1))?); // National Day
    /// assert!(cal.is_working_day(d(10, 10))?); // a Saturday make-up day
    /// assert!(!cal.is_working_day(d(10, 11))?); // an ordinary Sunday
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    #[inline]
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let i = self.index(date)?;
        Ok(self.working_at(i))
    }

    /// The `n`-th working day after `date`, the start day excluded: a limit of
    /// `n` working days from acceptance on `date` ends on this day. `n = 0`
    /// gives `date` itself.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `date` is outside the covered
    /// years; [`CalendarError::CountOutOfRange`] when the result would be.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// // Accepted on New Year's Eve: due on the make-up Sunday.
    /// assert_eq!(cal.add_working_days(d(2025, 12, 31), 1)?, d(2026, 1, 4));
    /// // Over Labour Day.
    /// assert_eq!(cal.add_working_days(d(2026, 4, 30), 5)?, d(2026, 5, 11));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    #[inline]
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let i = self.index(date)?;
        if n == 0 {
            return Ok(date);
        }
        let t = self.tables();
        // Working days in 0..=i, plus n, is the (1-based) rank of the result.
        let k = t.cum[i + 1] as usize + n as usize - 1;
        t.working
            .get(k)
            .copied()
            .ok_or_else(|| self.count_out_of_range(date, n, Direction::Forward))
    }

    /// The `n`-th working day before `date`, the start day excluded. It
    /// undoes [`add_working_days`](Self::add_working_days): subtracting `n`
    /// from `add_working_days(d, n)` gives `d` rolled back to a working day.
    /// `n = 0` gives `date` itself.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `date` is outside the covered
    /// years; [`CalendarError::CountOutOfRange`] when the result would be.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// // Three working days before 25 February, across the Spring Festival.
    /// assert_eq!(cal.sub_working_days(d(2, 25), 3)?, d(2, 13));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    #[inline]
    pub fn sub_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let i = self.index(date)?;
        if n == 0 {
            return Ok(date);
        }
        let t = self.tables();
        // Working days in 0..i; the result has rank before - n + 1.
        let before = t.cum[i] as usize;
        before
            .checked_sub(n as usize)
            .map(|k| t.working[k])
            .ok_or_else(|| self.count_out_of_range(date, n, Direction::Backward))
    }

    /// The number of working days in the half-open range `(a, b]`: the
    /// working days after `a` up to and including `b`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::InvertedRange`] when `b < a`;
    /// [`CalendarError::DateOutOfRange`] when either date is outside the
    /// covered years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert_eq!(cal.working_days_between(d(2025, 12, 31), d(2026, 12, 31))?, 248);
    /// assert!(cal.working_days_between(d(2026, 2, 1), d(2026, 1, 1)).is_err());
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    #[inline]
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<u32, CalendarError> {
        if b < a {
            return Err(CalendarError::InvertedRange { start: a, end: b });
        }
        let (i, j) = (self.index(a)?, self.index(b)?);
        let cum = &self.tables().cum;
        Ok(cum[j + 1] - cum[i + 1])
    }

    /// The number of working days in `year`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearOutOfRange`] when the year is not covered.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// assert_eq!(cal.working_days_in_year(2024)?, 251);
    /// assert_eq!(cal.working_days_in_year(2026)?, 248);
    /// assert!(cal.working_days_in_year(2027).is_err());
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn working_days_in_year(&self, year: i32) -> Result<u32, CalendarError> {
        let t = self.tables();
        let y = year.wrapping_sub(self.def.first_year) as u32 as usize;
        match (t.year_start.get(y), t.year_start.get(y.wrapping_add(1))) {
            (Some(start), Some(end)) => Ok(t.cum[*end as usize] - t.cum[*start as usize]),
            _ => Err(CalendarError::YearOutOfRange {
                year,
                first: self.def.first_year,
                last: self.def.last_year,
            }),
        }
    }

    /// `date` itself when it is a working day, otherwise the nearest working
    /// day in the direction of `roll`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `date` is outside the covered
    /// years; [`CalendarError::NoWorkingDay`] when no working day lies that
    /// way before the covered years end.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Roll, WorkCalendar};
    ///
    /// let cal = WorkCalendar::china();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// assert_eq!(cal.roll(d(10, 3), Roll::Following)?, d(10, 8));
    /// assert_eq!(cal.roll(d(10, 3), Roll::Preceding)?, d(9, 30));
    /// assert_eq!(cal.roll(d(10, 8), Roll::Following)?, d(10, 8));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    #[inline]
    pub fn roll(&self, date: NaiveDate, roll: Roll) -> Result<NaiveDate, CalendarError> {
        let i = self.index(date)?;
        let t = self.tables();
        let found = match roll {
            // The first working day at or after i has rank cum[i] + 1.
            Roll::Following => t.working.get(t.cum[i] as usize),
            // The last working day at or before i has rank cum[i + 1].
            Roll::Preceding => {
                (t.cum[i + 1] as usize).checked_sub(1).and_then(|k| t.working.get(k))
            }
        };
        found.copied().ok_or(CalendarError::NoWorkingDay {
            date,
            roll,
            first: self.def.first_year,
            last: self.def.last_year,
        })
    }

    /// The end of a natural-day (自然日) period of `n` days from `date`: `n`
    /// calendar days after it, rolled forward to the next working day when
    /// that day is not a working day.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `date` is outside the covered
    /// years; [`CalendarError::CountOutOfRange`] when the result would be.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// // 10 natural days from 24 September end on 4 October, a holiday:
    /// // the period runs on to 8 October.
    /// assert_eq!(cal.add_natural_days(d(9, 24), 10)?, d(10, 8));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn add_natural_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        self.index(date)?;
        let overflow = || self.count_out_of_range(date, n, Direction::Forward);
        let end = date.checked_add_days(Days::new(u64::from(n))).ok_or_else(overflow)?;
        match self.roll(end, Roll::Following) {
            Ok(day) => Ok(day),
            Err(_) => Err(overflow()),
        }
    }

    /// The end of a period of `n` months from `date` (Civil Code art. 202):
    /// the day of the `n`-th month after `date` that corresponds to it, or
    /// that month's last day when it has none (31 January + 1 month is 28
    /// February, or 29 in a leap year); then, as for
    /// [`add_natural_days`](Self::add_natural_days), rolled forward to the
    /// next working day when that day is not a working day (art. 203: a
    /// period whose last day is a statutory holiday ends on the day after
    /// the holiday). The start day is not counted (art. 201), so the
    /// corresponding day itself is the last day. A period in years is one
    /// of `12 × years` months: 29 February + 1 year is 28 February.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `date` is outside the covered
    /// years; [`CalendarError::MonthsOutOfRange`] (forward) when the result
    /// would be.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// // February has no 31st: the month's last day, a make-up Saturday.
    /// assert_eq!(cal.add_months(d(1, 31), 1)?, d(2, 28));
    /// // A month from 1 September ends on National Day: it runs on to the
    /// // first working day after the holiday.
    /// assert_eq!(cal.add_months(d(9, 1), 1)?, d(10, 8));
    /// // Past the covered years.
    /// assert!(cal.add_months(d(12, 15), 1).is_err());
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn add_months(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        self.index(date)?;
        let overflow = || self.months_out_of_range(date, n, Direction::Forward);
        let end = date.checked_add_months(Months::new(n)).ok_or_else(overflow)?;
        self.roll(end, Roll::Following).map_err(|_| overflow())
    }

    /// The natural days from `date` to the day `n` months after it, before
    /// any roll: what a period in months spans from its start day.
    pub(crate) fn month_span(&self, date: NaiveDate, n: u32) -> Result<u32, CalendarError> {
        let overflow = || self.months_out_of_range(date, n, Direction::Forward);
        let end = date.checked_add_months(Months::new(n)).ok_or_else(overflow)?;
        u32::try_from((end - date).num_days()).map_err(|_| overflow())
    }

    /// The day `n` natural days before `date`, rolled by `roll` when it is
    /// not a working day: the last day to act for a period counted backward
    /// from an end date, such as a licence renewal applied for 30 days
    /// before the licence expires (行政许可法 art. 50). `n = 0` gives `date`
    /// rolled.
    ///
    /// # Which way to roll
    ///
    /// The caller chooses, because the law does not settle it. Civil Code
    /// art. 203 moves a period's last day that is a statutory holiday to the
    /// day after the holiday; it is written for periods counted forward.
    /// Counted backward, the day found is a deadline to act by, and the two
    /// readings differ:
    ///
    /// - [`Roll::Preceding`], the safe reading for an applicant, and the
    ///   one to choose unless the authority has said otherwise: the working
    ///   day before. Whoever acts by it has acted the full `n` days ahead
    ///   under either reading, and the result is never after the unrolled
    ///   day.
    /// - [`Roll::Following`], art. 203 read in calendar order: the working
    ///   day after, for an authority that accepts on the first working day
    ///   after the holiday. It leaves fewer than `n` days before `date`, and
    ///   may even come after `date` when a holiday covers both (two days
    ///   before an expiry on 5 October 2026 is 3 October, rolled to 8
    ///   October).
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `date` is outside the covered
    /// years; [`CalendarError::CountOutOfRange`] (backward) when the day
    /// counted back, or the working day it rolls back to, would be;
    /// [`CalendarError::NoWorkingDay`] when it rolls forward and no working
    /// day follows before the covered years end.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Horizon, Roll, WorkCalendar};
    ///
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let cal = WorkCalendar::china();
    /// // A licence expiring on Saturday 31 October 2026: 30 days before is
    /// // 1 October, National Day.
    /// assert_eq!(cal.sub_natural_days(d(2026, 10, 31), 30, Roll::Preceding)?, d(2026, 9, 30));
    /// assert_eq!(cal.sub_natural_days(d(2026, 10, 31), 30, Roll::Following)?, d(2026, 10, 8));
    ///
    /// // Expiring on 31 March 2027, a year the calendar can only estimate:
    /// // apply by Monday 1 March.
    /// let estimating = cal.with_horizon(Horizon::Estimate { through: 2027 })?;
    /// let by = estimating.sub_natural_days(d(2027, 3, 31), 30, Roll::Preceding)?;
    /// assert_eq!(by, d(2027, 3, 1));
    /// assert!(estimating.is_provisional(by));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn sub_natural_days(
        &self,
        date: NaiveDate,
        n: u32,
        roll: Roll,
    ) -> Result<NaiveDate, CalendarError> {
        self.index(date)?;
        let underflow = || self.count_out_of_range(date, n, Direction::Backward);
        let day = date.checked_sub_days(Days::new(u64::from(n))).ok_or_else(underflow)?;
        self.roll_back_count(day, roll, underflow)
    }

    /// The day `n` months before `date`, the mirror of
    /// [`add_months`](Self::add_months) for a period counted backward from
    /// an end date (an application due six months before a licence
    /// expires): the corresponding day of the `n`-th month before, or that
    /// month's last day when it has none (31 August − 6 months is 28
    /// February, the earlier and so the safe day), rolled by `roll` when it
    /// is not a working day. Which way to roll is the caller's choice, for
    /// the reasons given at [`sub_natural_days`](Self::sub_natural_days):
    /// [`Roll::Preceding`] is the safe reading for an applicant.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `date` is outside the covered
    /// years; [`CalendarError::MonthsOutOfRange`] (backward) when the day
    /// counted back, or the working day it rolls back to, would be;
    /// [`CalendarError::NoWorkingDay`] when it rolls forward and no working
    /// day follows before the covered years end.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Roll, WorkCalendar};
    ///
    /// let cal = WorkCalendar::china();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// // Six months before 31 August: February has no 31st, so its last
    /// // day, a make-up Saturday.
    /// assert_eq!(cal.sub_months(d(8, 31), 6, Roll::Preceding)?, d(2, 28));
    /// // A month before 6 May is 6 April, in the Qingming holiday.
    /// assert_eq!(cal.sub_months(d(5, 6), 1, Roll::Preceding)?, d(4, 3));
    /// assert_eq!(cal.sub_months(d(5, 6), 1, Roll::Following)?, d(4, 7));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn sub_months(
        &self,
        date: NaiveDate,
        n: u32,
        roll: Roll,
    ) -> Result<NaiveDate, CalendarError> {
        self.index(date)?;
        let underflow = || self.months_out_of_range(date, n, Direction::Backward);
        let day = date.checked_sub_months(Months::new(n)).ok_or_else(underflow)?;
        self.roll_back_count(day, roll, underflow)
    }

    /// `day`, found by counting back, rolled by `roll`: `underflow` when it
    /// or the working day it rolls back to lies before the covered years.
    fn roll_back_count(
        &self,
        day: NaiveDate,
        roll: Roll,
        underflow: impl Fn() -> CalendarError,
    ) -> Result<NaiveDate, CalendarError> {
        if !self.covers(day) {
            return Err(underflow());
        }
        match (self.roll(day, roll), roll) {
            (Err(CalendarError::NoWorkingDay { .. }), Roll::Preceding) => Err(underflow()),
            (result, _) => result,
        }
    }

    /// A new calendar: this one with a local overlay's extra holidays and
    /// working days laid on top. The national arrangement stays as it is
    /// everywhere the overlay says nothing.
    ///
    /// An overlay holiday makes the day an off day (dropping a national
    /// make-up day there); an overlay working day makes the day a working
    /// day (dropping a national holiday there, and making a weekend day a
    /// make-up day).
    ///
    /// # Errors
    ///
    /// [`CalendarError::OverlayConflict`] when the overlay lists a date both
    /// ways; [`CalendarError::DateOutOfRange`] when it lists a date outside
    /// the covered years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Overlay, WorkCalendar};
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// // A prefecture's own festival day off, and a city closure.
    /// let local = Overlay::new().holiday(d(3, 3)).holiday(d(7, 15));
    /// let cal = WorkCalendar::china().with_overlay(&local)?;
    /// assert!(!cal.is_working_day(d(3, 3))?);
    /// assert_eq!(cal.working_days_in_year(2026)?, 246);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn with_overlay(&self, overlay: &Overlay) -> Result<WorkCalendar, CalendarError> {
        overlay.check()?;
        for date in overlay.holidays().chain(overlay.working_days()) {
            if !self.covers(date) {
                return Err(self.out_of_range(date));
            }
        }
        let mut def = Definition::clone(&self.def);
        for date in overlay.holidays() {
            def.make_up_days.remove(&date);
            def.holidays.insert(date);
        }
        for date in overlay.working_days() {
            def.holidays.remove(&date);
            if def.weekend & weekday_bit(date.weekday()) != 0 {
                def.make_up_days.insert(date);
            }
        }
        def.build()
    }

    /// The same days with other office hours. The day tables are shared with
    /// `self`, so this is cheap.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveTime;
    /// use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
    ///
    /// let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    /// let centre = WorkCalendar::china().with_office_hours(OfficeHours::new([
    ///     OfficePeriod::new(t(8, 30), t(12, 0))?,
    ///     OfficePeriod::new(t(14, 30), t(17, 30))?,
    /// ])?);
    /// assert_eq!(centre.office_hours().day_seconds(), 6 * 3600 + 1800);
    /// assert_eq!(centre.years(), 2004..=2026);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn with_office_hours(&self, hours: OfficeHours) -> WorkCalendar {
        let def = Definition { office_hours: hours, ..Definition::clone(&self.def) };
        WorkCalendar { def: Arc::new(def), tables: Arc::clone(&self.tables) }
    }

    /// The same days on the clock of another UTC offset. The day tables are
    /// shared with `self`, so this is cheap.
    ///
    /// # Errors
    ///
    /// [`CalendarError::OffsetNotWholeMinutes`] for an offset with seconds:
    /// RFC 3339, and so every instant in shenpi's JSON, writes offsets in
    /// whole minutes, and an instant written on such a clock would name
    /// another instant when read back.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::FixedOffset;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let utc = FixedOffset::east_opt(0).unwrap();
    /// let cal = WorkCalendar::china().with_utc_offset(utc)?;
    /// assert_eq!(cal.utc_offset(), utc);
    /// let odd = FixedOffset::east_opt(8 * 3600 + 29).unwrap();
    /// assert!(WorkCalendar::china().with_utc_offset(odd).is_err());
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn with_utc_offset(&self, offset: FixedOffset) -> Result<WorkCalendar, CalendarError> {
        check_offset(offset)?;
        let def = Definition { utc_offset: offset, ..Definition::clone(&self.def) };
        Ok(WorkCalendar { def: Arc::new(def), tables: Arc::clone(&self.tables) })
    }

    /// The civil date and time of an instant on this calendar's clock
    /// (its UTC offset).
    ///
    /// An instant whose civil time on this clock lies beyond chrono's range
    /// (within a day of year ±262,143, far outside any calendar's years,
    /// which end by 9999) reads as [`NaiveDateTime::MAX`] or
    /// [`NaiveDateTime::MIN`], which every calendar operation then refuses
    /// as a date outside the covered years: never a panic.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, NaiveDate};
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let at = DateTime::parse_from_rfc3339("2026-03-01T17:00:00Z")?;
    /// // 17:00 UTC is already 1 am the next day in Beijing.
    /// assert_eq!(cal.to_civil(&at).date(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_civil<Tz: TimeZone>(&self, at: &DateTime<Tz>) -> NaiveDateTime {
        let offset = self.def.utc_offset;
        at.naive_utc().checked_add_offset(offset).unwrap_or(if offset.local_minus_utc() > 0 {
            NaiveDateTime::MAX
        } else {
            NaiveDateTime::MIN
        })
    }

    /// The instant at civil `date` and `time` on this calendar's clock.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `date` is outside the covered
    /// years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{NaiveDate, NaiveTime};
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let at = cal.instant(
    ///     NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    ///     NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
    /// )?;
    /// assert_eq!(at.to_rfc3339(), "2026-03-02T09:00:00+08:00");
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn instant(
        &self,
        date: NaiveDate,
        time: NaiveTime,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        self.index(date)?;
        self.local_instant(date, time)
    }

    fn local_instant(
        &self,
        date: NaiveDate,
        time: NaiveTime,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        match self.def.utc_offset.from_local_datetime(&date.and_time(time)) {
            MappedLocalTime::Single(at) => Ok(at),
            _ => Err(self.out_of_range(date)),
        }
    }

    /// The close of office hours on `date`: the end of its last office-hours
    /// period, or 24:00 (the next day's midnight) when the whole day counts.
    /// A time limit ending on `date` ends at this instant.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `date` is outside the covered
    /// years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let close = cal.office_close(NaiveDate::from_ymd_opt(2026, 3, 19).unwrap())?;
    /// assert_eq!(close.to_rfc3339(), "2026-03-20T00:00:00+08:00");
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn office_close(&self, date: NaiveDate) -> Result<DateTime<FixedOffset>, CalendarError> {
        self.index(date)?;
        self.close_of_covered(date)
    }

    /// The instant a limit whose last day is `date` ends for the acts of
    /// `party` (Civil Code art. 203): 24:00, or the close of office hours
    /// where business hours apply, as the calendar's
    /// [`day_end`](Self::day_end) for that party says. The agency's
    /// deadlines (decisions, delivery, feedback) end at the agency's.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `date` is outside the covered
    /// years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{NaiveDate, NaiveTime};
    /// use shenpi::calendar::{DayEnd, OfficeHours, OfficePeriod, Party, WorkCalendar};
    ///
    /// let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    /// let centre = WorkCalendar::china().with_office_hours(OfficeHours::new([
    ///     OfficePeriod::new(t(8, 30), t(12, 0))?,
    ///     OfficePeriod::new(t(14, 30), t(17, 30))?,
    /// ])?);
    /// let day = NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
    /// // By default both parties' last days end at the close of business.
    /// assert_eq!(centre.last_day_end(day, Party::Agency)?.to_rfc3339(), "2026-03-03T17:30:00+08:00");
    /// // An online hall that receives filings around the clock.
    /// let online = centre.with_day_end(Party::Applicant, DayEnd::Midnight);
    /// assert_eq!(online.last_day_end(day, Party::Applicant)?.to_rfc3339(), "2026-03-04T00:00:00+08:00");
    /// assert_eq!(online.last_day_end(day, Party::Agency)?.to_rfc3339(), "2026-03-03T17:30:00+08:00");
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn last_day_end(
        &self,
        date: NaiveDate,
        party: Party,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        self.index(date)?;
        self.end_of_covered(date, party)
    }

    /// When the last day of a limit ends for the acts of `party`: see
    /// [`DayEnd`].
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::{DayEnd, Party, WorkCalendar};
    ///
    /// assert_eq!(WorkCalendar::china().day_end(Party::Agency), DayEnd::CloseOfBusiness);
    /// ```
    pub fn day_end(&self, party: Party) -> DayEnd {
        match party {
            Party::Agency => self.def.agency_day_end,
            Party::Applicant => self.def.applicant_day_end,
        }
    }

    /// The same days with another end of a last day for `party`; the day
    /// tables are shared with `self`, so this is cheap.
    ///
    /// # Example
    ///
    /// See [`last_day_end`](Self::last_day_end).
    pub fn with_day_end(&self, party: Party, end: DayEnd) -> WorkCalendar {
        let mut def = Definition::clone(&self.def);
        match party {
            Party::Agency => def.agency_day_end = end,
            Party::Applicant => def.applicant_day_end = end,
        }
        WorkCalendar { def: Arc::new(def), tables: Arc::clone(&self.tables) }
    }

    /// [`last_day_end`](Self::last_day_end) for a date known to be
    /// covered.
    #[inline]
    pub(crate) fn end_of_covered(
        &self,
        date: NaiveDate,
        party: Party,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        match self.day_end(party) {
            DayEnd::CloseOfBusiness => self.close_of_covered(date),
            DayEnd::Midnight => self.close_at(date, None),
        }
    }

    /// [`office_close`](Self::office_close) for a date known to be covered
    /// (one taken from the calendar's own tables).
    #[inline]
    pub(crate) fn close_of_covered(
        &self,
        date: NaiveDate,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        self.close_at(date, self.def.office_hours.close())
    }

    /// The instant `close` on `date` (24:00 for `None`).
    #[inline]
    fn close_at(
        &self,
        date: NaiveDate,
        close: Option<NaiveTime>,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        // The close in UTC on the same UTC date, when it is: build the
        // instant directly.
        let offset = self.def.utc_offset;
        let close_local = match close {
            Some(close) => close.num_seconds_from_midnight() as i32,
            None => 86_400,
        };
        let close_utc = close_local - offset.local_minus_utc();
        if (0..86_400).contains(&close_utc) {
            let time = NaiveTime::from_num_seconds_from_midnight_opt(close_utc as u32, 0)
                .ok_or_else(|| self.out_of_range(date))?;
            return Ok(DateTime::from_naive_utc_and_offset(date.and_time(time), offset));
        }
        match close {
            Some(close) => self.local_instant(date, close),
            None => match date.succ_opt() {
                Some(next) => self.local_instant(next, NaiveTime::MIN),
                None => Err(self.out_of_range(date)),
            },
        }
    }

    /// Working seconds from the start of the covered years up to `at`.
    #[inline]
    fn working_seconds_until(&self, at: &DateTime<FixedOffset>) -> Result<u64, CalendarError> {
        self.working_seconds_at(&self.moment(at))
    }

    /// Working seconds from the start of the covered years up to a moment.
    #[inline]
    pub(crate) fn working_seconds_at(&self, m: &Moment) -> Result<u64, CalendarError> {
        let (day, secs, at) = (m.day, m.secs, &m.at);
        let t = self.tables();
        let covered = t.cum.len() - 1;
        let hours = &self.def.office_hours;
        let day_seconds = u64::from(hours.day_seconds());
        if day >= 0 && (day as usize) < covered {
            let i = day as usize;
            let today = if self.working_at(i) { hours.seconds_before_secs(secs) } else { 0 };
            Ok(u64::from(t.cum[i]) * day_seconds + u64::from(today))
        } else if day == covered as i64 && secs == 0 {
            // Midnight right after the last covered day is still countable.
            Ok(u64::from(t.cum[covered]) * day_seconds)
        } else {
            Err(self.out_of_range(self.to_civil(at).date()))
        }
    }

    /// Working time from `start` up to `end` in whole seconds: the office
    /// hours of working days (the whole of each working day when no office
    /// hours are set) between the two instants, each converted to the
    /// calendar's civil time first.
    ///
    /// # Errors
    ///
    /// [`CalendarError::InvertedSpan`] when `end` is before `start`;
    /// [`CalendarError::DateOutOfRange`] when either instant falls outside
    /// the covered years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, NaiveTime};
    /// use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
    ///
    /// let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    /// let hours = OfficeHours::new([
    ///     OfficePeriod::new(t(8, 30), t(12, 0))?,
    ///     OfficePeriod::new(t(14, 30), t(17, 30))?,
    /// ])?;
    /// let cal = WorkCalendar::builder(2026..=2026).office_hours(hours).build()?;
    /// // Friday 16:30 to Monday 09:30: one hour on each side of the weekend.
    /// let start = DateTime::parse_from_rfc3339("2026-03-06T16:30:00+08:00").unwrap();
    /// let end = DateTime::parse_from_rfc3339("2026-03-09T09:30:00+08:00").unwrap();
    /// assert_eq!(cal.working_seconds_between(&start, &end)?, 2 * 3600);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn working_seconds_between<Tz1: TimeZone, Tz2: TimeZone>(
        &self,
        start: &DateTime<Tz1>,
        end: &DateTime<Tz2>,
    ) -> Result<u64, CalendarError> {
        let start = start.fixed_offset();
        let end = end.fixed_offset();
        if end < start {
            return Err(CalendarError::InvertedSpan { start, end });
        }
        Ok(self.working_seconds_until(&end)? - self.working_seconds_until(&start)?)
    }

    /// The instant at which `seconds` of working time have passed after
    /// `start`: the end of a limit counted in working hours. When the count
    /// ends exactly at the close of a working day, that close is the answer
    /// (not the next day's opening).
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `start` falls outside the
    /// covered years; [`CalendarError::SecondsOutOfRange`] when the result
    /// would.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, NaiveTime};
    /// use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
    ///
    /// let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    /// let cal = WorkCalendar::china().with_office_hours(OfficeHours::new([
    ///     OfficePeriod::new(t(8, 30), t(12, 0))?,
    ///     OfficePeriod::new(t(14, 30), t(17, 30))?,
    /// ])?);
    /// // Four working hours from Friday 11:00 before the Spring Festival:
    /// // one hour that morning, three that afternoon.
    /// let start = DateTime::parse_from_rfc3339("2026-02-13T11:00:00+08:00").unwrap();
    /// let end = cal.add_working_seconds(&start, 4 * 3600)?;
    /// assert_eq!(end.to_rfc3339(), "2026-02-13T17:30:00+08:00");
    /// // One more hour runs over the holiday to the make-up Saturday.
    /// let end = cal.add_working_seconds(&start, 5 * 3600)?;
    /// assert_eq!(end.to_rfc3339(), "2026-02-14T09:30:00+08:00");
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn add_working_seconds<Tz: TimeZone>(
        &self,
        start: &DateTime<Tz>,
        seconds: u64,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        let start = start.fixed_offset();
        let base = self.working_seconds_until(&start)?;
        if seconds == 0 {
            return Ok(start);
        }
        let out_of_range = || CalendarError::SecondsOutOfRange {
            start,
            seconds,
            first: self.def.first_year,
            last: self.def.last_year,
        };
        let day = u64::from(self.def.office_hours.day_seconds());
        let target = base.checked_add(seconds).ok_or_else(out_of_range)?;
        let (whole, rest) = (target / day, target % day);
        let t = self.tables();
        if rest == 0 {
            // Ends at the close of the `whole`-th working day.
            let k = usize::try_from(whole - 1).map_err(|_| out_of_range())?;
            let date = *t.working.get(k).ok_or_else(out_of_range)?;
            return self.office_close(date);
        }
        let k = usize::try_from(whole).map_err(|_| out_of_range())?;
        let date = *t.working.get(k).ok_or_else(out_of_range)?;
        let time = self.def.office_hours.time_after(rest as u32);
        self.local_instant(date, time)
    }

    /// Working time from `start` up to `end` in fractional working days:
    /// [`working_seconds_between`](Self::working_seconds_between) divided by
    /// the length of a working day. This is how cities report actual
    /// handling time ("handled in 0.21 working days").
    ///
    /// # Errors
    ///
    /// As for [`working_seconds_between`](Self::working_seconds_between).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, NaiveTime};
    /// use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
    ///
    /// let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    /// let hours = OfficeHours::new([OfficePeriod::new(t(9, 0), t(17, 0))?])?;
    /// let cal = WorkCalendar::builder(2026..=2026).office_hours(hours).build()?;
    /// let received = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00").unwrap();
    /// let done = DateTime::parse_from_rfc3339("2026-03-02T11:00:00+08:00").unwrap();
    /// assert_eq!(cal.working_days_fraction_between(&received, &done)?, 0.25);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn working_days_fraction_between<Tz1: TimeZone, Tz2: TimeZone>(
        &self,
        start: &DateTime<Tz1>,
        end: &DateTime<Tz2>,
    ) -> Result<f64, CalendarError> {
        let seconds = self.working_seconds_between(start, end)?;
        Ok(seconds as f64 / f64::from(self.def.office_hours.day_seconds()))
    }
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

impl PartialEq for WorkCalendar {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.def, &other.def) || self.def == other.def
    }
}

impl Eq for WorkCalendar {}

impl std::hash::Hash for WorkCalendar {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.def.hash(state);
    }
}

impl fmt::Debug for WorkCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let def = &self.def;
        f.debug_struct("WorkCalendar")
            .field("years", &self.years())
            .field("weekend", &self.weekend().collect::<Vec<_>>())
            .field("holidays", &def.holidays.len())
            .field("make_up_days", &def.make_up_days.len())
            .field("office_hours", &def.office_hours)
            .field("utc_offset", &def.utc_offset)
            .finish()
    }
}

/// The serde form of a calendar; decoding goes through the same validation
/// as the builder.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct CalendarData {
    first_year: i32,
    last_year: i32,
    #[serde(default = "default_weekend")]
    weekend: Vec<Weekday>,
    #[serde(default)]
    holidays: Vec<NaiveDate>,
    #[serde(default)]
    make_up_days: Vec<NaiveDate>,
    #[serde(default)]
    office_hours: OfficeHours,
    #[serde(default = "china_standard_time", with = "utc_offset_serde")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    utc_offset: FixedOffset,
    /// The last published year, where later covered years are provisional
    /// estimates; left out when every covered year is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    published_through: Option<i32>,
    /// The arrangements the published years were built from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    arrangements: Vec<Arrangement>,
    /// When the last day of a limit ends for the agency's acts.
    #[serde(default, skip_serializing_if = "DayEnd::is_default")]
    agency_day_end: DayEnd,
    /// When the last day of a limit ends for the applicant's acts.
    #[serde(default, skip_serializing_if = "DayEnd::is_default")]
    applicant_day_end: DayEnd,
}

fn default_weekend() -> Vec<Weekday> {
    vec![Weekday::Sat, Weekday::Sun]
}

/// China Standard Time, UTC+8, the default offset of every calendar.
pub(crate) fn china_standard_time() -> FixedOffset {
    CHINA_STANDARD_TIME
}

/// UTC+8; checked when the crate compiles.
const CHINA_STANDARD_TIME: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

impl TryFrom<CalendarData> for WorkCalendar {
    type Error = CalendarError;

    fn try_from(data: CalendarData) -> Result<Self, CalendarError> {
        Definition {
            first_year: data.first_year,
            last_year: data.last_year,
            weekend: data.weekend.iter().fold(0, |m, d| m | weekday_bit(*d)),
            holidays: data.holidays.into_iter().collect(),
            make_up_days: data.make_up_days.into_iter().collect(),
            office_hours: data.office_hours,
            utc_offset: data.utc_offset,
            published_through: data.published_through.unwrap_or(data.last_year),
            arrangements: data.arrangements.into_iter().map(|a| (a.year(), a)).collect(),
            agency_day_end: data.agency_day_end,
            applicant_day_end: data.applicant_day_end,
        }
        .build()
    }
}

impl From<WorkCalendar> for CalendarData {
    fn from(cal: WorkCalendar) -> Self {
        let def = &cal.def;
        CalendarData {
            first_year: def.first_year,
            last_year: def.last_year,
            weekend: cal.weekend().collect(),
            holidays: def.holidays.iter().copied().collect(),
            make_up_days: def.make_up_days.iter().copied().collect(),
            office_hours: def.office_hours.clone(),
            utc_offset: def.utc_offset,
            published_through: (def.published_through != def.last_year)
                .then_some(def.published_through),
            arrangements: def.arrangements.values().cloned().collect(),
            agency_day_end: def.agency_day_end,
            applicant_day_end: def.applicant_day_end,
        }
    }
}

/// Refuses a UTC offset with seconds (see
/// [`CalendarError::OffsetNotWholeMinutes`]).
fn check_offset(offset: FixedOffset) -> Result<(), CalendarError> {
    if offset.local_minus_utc() % 60 != 0 {
        return Err(CalendarError::OffsetNotWholeMinutes { offset });
    }
    Ok(())
}

/// `FixedOffset` as `"+08:00"`.
mod utc_offset_serde {
    use chrono::FixedOffset;
    use serde::{de, Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(offset: &FixedOffset, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(offset)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<FixedOffset, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse(&text).ok_or_else(|| {
            de::Error::custom(format_args!(
                "invalid UTC offset {text:?}, expected like \"+08:00\" or \"-03:30\" (whole minutes)"
            ))
        })
    }

    /// Reads exactly `±HH:MM`, nothing before or after: RFC 3339 offsets
    /// are whole minutes.
    pub(super) fn parse(text: &str) -> Option<FixedOffset> {
        let (sign, rest) = match text.as_bytes().first()? {
            b'+' => (1, &text[1..]),
            b'-' => (-1, &text[1..]),
            _ => return None,
        };
        let mut seconds = 0i32;
        let mut parts = 0;
        for (i, part) in rest.split(':').enumerate() {
            let limit = if i == 0 { 24 } else { 60 };
            if i > 1 || part.len() != 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let value: i32 = part.parse().ok()?;
            if value >= limit {
                return None;
            }
            seconds = seconds * 60 + value;
            parts = i + 1;
        }
        match parts {
            2 => FixedOffset::east_opt(sign * seconds * 60),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn small() -> WorkCalendar {
        WorkCalendar::builder(2026..=2026)
            .holiday_range(d(2026, 10, 1), d(2026, 10, 7))
            .make_up_days([d(2026, 9, 20), d(2026, 10, 10)])
            .build()
            .unwrap()
    }

    #[test]
    fn tables_agree_with_the_definition_day_by_day() {
        let cal = small();
        for date in d(2026, 1, 1).iter_days().take(365) {
            assert_eq!(
                cal.is_working_day(date).unwrap(),
                cal.definition().is_working(date),
                "{date}"
            );
        }
    }

    #[test]
    fn edges_of_the_covered_years() {
        let cal = small();
        assert_eq!(
            cal.is_working_day(d(2025, 12, 31)),
            Err(CalendarError::DateOutOfRange { date: d(2025, 12, 31), first: 2026, last: 2026 })
        );
        assert!(cal.is_working_day(d(2027, 1, 1)).is_err());
        // 31 December 2026 is a Thursday, the last working day.
        assert!(matches!(
            cal.add_working_days(d(2026, 12, 31), 1),
            Err(CalendarError::CountOutOfRange { direction: Direction::Forward, .. })
        ));
        assert_eq!(cal.add_working_days(d(2026, 12, 30), 1).unwrap(), d(2026, 12, 31));
        // 1 January 2026 is a Thursday, the first working day.
        assert!(cal.sub_working_days(d(2026, 1, 1), 1).is_err());
        assert_eq!(cal.sub_working_days(d(2026, 1, 2), 1).unwrap(), d(2026, 1, 1));
        // Rolling forward off the last weekend of the year finds nothing.
        let cal = WorkCalendar::builder(2022..=2022).build().unwrap();
        assert!(matches!(
            cal.roll(d(2022, 12, 31), Roll::Following),
            Err(CalendarError::NoWorkingDay { roll: Roll::Following, .. })
        ));
        assert!(cal.roll(d(2022, 1, 1), Roll::Preceding).is_err());
    }

    #[test]
    fn months_span_the_days_to_the_corresponding_day() {
        // Civil Code art. 202: 31 January + 1 month is 28 February.
        let cal = small();
        assert_eq!(cal.month_span(d(2026, 1, 31), 1).unwrap(), 28);
        assert_eq!(cal.month_span(d(2026, 1, 31), 0).unwrap(), 0);
        assert_eq!(cal.month_span(d(2026, 1, 15), 12).unwrap(), 365);
        // The span is a number: it may reach past the covered years.
        assert_eq!(cal.month_span(d(2026, 12, 31), 2).unwrap(), 59);
        assert!(matches!(
            cal.month_span(d(2026, 1, 1), u32::MAX),
            Err(CalendarError::MonthsOutOfRange { direction: Direction::Forward, .. })
        ));
        // Art. 203 on the small calendar: 1 September + 1 month is in the
        // 1–7 October holiday; the period runs on to 8 October.
        assert_eq!(cal.add_months(d(2026, 9, 1), 1).unwrap(), d(2026, 10, 8));
        assert_eq!(cal.sub_months(d(2026, 11, 3), 1, Roll::Preceding).unwrap(), d(2026, 9, 30));
        assert_eq!(
            cal.sub_natural_days(d(2026, 10, 8), 3, Roll::Following).unwrap(),
            d(2026, 10, 8)
        );
    }

    #[test]
    fn midnight_after_the_last_covered_day_counts() {
        let cal = small();
        let start = cal.instant(d(2026, 12, 31), NaiveTime::MIN).unwrap();
        let end = cal.office_close(d(2026, 12, 31)).unwrap();
        assert_eq!(cal.working_seconds_between(&start, &end).unwrap(), 86_400);
        let later = end + chrono::TimeDelta::seconds(1);
        assert!(cal.working_seconds_between(&start, &later).is_err());
    }

    #[test]
    fn offsets_parse_exactly() {
        use super::utc_offset_serde::parse;
        let east = |s| FixedOffset::east_opt(s);
        assert_eq!(parse("+08:00"), east(8 * 3600));
        assert_eq!(parse("-03:30"), east(-(3 * 3600 + 1800)));
        for bad in [
            // Issue 19, fault 7: RFC 3339 offsets are whole minutes.
            "+08:05:43",
            "-00:00:01",
            "",
            "+",
            "08:00",
            "+8:00",
            "+08",
            "+08:00 Beijing",
            "+08:00Z",
            "+08:000",
            "+24:00",
            "+08:60",
            "+08:00:00:00",
            "+0８:00",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        // What is written reads back the same.
        for seconds in [0, 60, -60, 8 * 3600, 8 * 3600 + 300, -(12 * 3600 + 59 * 60)] {
            let offset = FixedOffset::east_opt(seconds).unwrap();
            assert_eq!(parse(&offset.to_string()), Some(offset), "{offset}");
        }
    }

    #[test]
    fn offset_decodes_and_rejects_garbage() {
        let json = r#"{"first_year":2026,"last_year":2026,"utc_offset":"+05:30"}"#;
        let cal: WorkCalendar = serde_json::from_str(json).unwrap();
        assert_eq!(cal.utc_offset().local_minus_utc(), 5 * 3600 + 1800);
        let json = r#"{"first_year":2026,"last_year":2026,"utc_offset":"Beijing"}"#;
        let err = serde_json::from_str::<WorkCalendar>(json).unwrap_err();
        assert!(err.to_string().contains("invalid UTC offset \"Beijing\""), "{err}");
    }

    /// Issue 19, fault 7: an offset with seconds was accepted, and chrono
    /// writes offsets rounded to whole minutes with the local time kept, so
    /// an instant on that clock named another instant once written.
    #[test]
    fn an_offset_with_seconds_is_refused() {
        let odd = FixedOffset::east_opt(8 * 3600 + 29).unwrap();
        let err = WorkCalendar::builder(2026..=2026).utc_offset(odd).build().unwrap_err();
        assert_eq!(err, CalendarError::OffsetNotWholeMinutes { offset: odd });
        assert_eq!(err.to_string(), "UTC offset +08:00:29 is not a whole number of minutes");
        assert_eq!(WorkCalendar::china().with_utc_offset(odd).unwrap_err(), err);
        let json = r#"{"first_year":2026,"last_year":2026,"utc_offset":"+08:00:29"}"#;
        let err = serde_json::from_str::<WorkCalendar>(json).unwrap_err();
        assert!(err.to_string().contains("whole minutes"), "{err}");
        // A whole-minute offset's instants survive their round trip.
        let nepal = FixedOffset::east_opt(5 * 3600 + 45 * 60).unwrap();
        let cal = WorkCalendar::china().with_utc_offset(nepal).unwrap();
        let noon = DateTime::parse_from_rfc3339("2026-03-02T12:00:00+08:00").unwrap();
        let civil = cal.to_civil(&noon);
        let local = nepal.from_local_datetime(&civil).single().unwrap();
        let back: DateTime<FixedOffset> =
            serde_json::from_str(&serde_json::to_string(&local).unwrap()).unwrap();
        assert_eq!(back, noon);
    }
}
