use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use chrono::{FixedOffset, NaiveDate, Weekday};

use super::work_calendar::{china_standard_time, weekday_bit, Definition};
use super::{CalendarError, DayEnd, OfficeHours, WorkCalendar};

/// Builds a [`WorkCalendar`] step by step; [`build`](Self::build) checks
/// everything at once and tabulates the days.
///
/// Start one with [`WorkCalendar::builder`]. The defaults are a Saturday and
/// Sunday weekend, no holidays or make-up days, whole-day office hours and
/// China Standard Time (UTC+8).
///
/// # Example
///
/// ```
/// use chrono::{FixedOffset, NaiveDate, NaiveTime, Weekday};
/// use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
///
/// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
/// let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
/// let cal = WorkCalendar::builder(2026..=2026)
///     .weekend([Weekday::Sat, Weekday::Sun])
///     .holiday_range(d(5, 1), d(5, 5))
///     .make_up_day(d(5, 9))
///     .office_hours(OfficeHours::new([
///         OfficePeriod::new(t(8, 30), t(12, 0))?,
///         OfficePeriod::new(t(14, 30), t(17, 30))?,
///     ])?)
///     .utc_offset(FixedOffset::east_opt(8 * 3600).unwrap())
///     .build()?;
/// assert_eq!(cal.add_working_days(d(4, 30), 5)?, d(5, 11));
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
#[derive(Debug, Clone)]
pub struct WorkCalendarBuilder {
    years: RangeInclusive<i32>,
    weekend: u8,
    holidays: BTreeSet<NaiveDate>,
    holiday_ranges: Vec<(NaiveDate, NaiveDate)>,
    make_up_days: BTreeSet<NaiveDate>,
    office_hours: OfficeHours,
    utc_offset: FixedOffset,
}

impl WorkCalendarBuilder {
    pub(crate) fn new(years: RangeInclusive<i32>) -> WorkCalendarBuilder {
        WorkCalendarBuilder {
            years,
            weekend: weekday_bit(Weekday::Sat) | weekday_bit(Weekday::Sun),
            holidays: BTreeSet::new(),
            holiday_ranges: Vec::new(),
            make_up_days: BTreeSet::new(),
            office_hours: OfficeHours::whole_day(),
            utc_offset: china_standard_time(),
        }
    }

    /// Sets the weekend days, replacing the default Saturday and Sunday.
    /// An empty list means every day of the week is a working day unless it
    /// is a holiday.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{NaiveDate, Weekday};
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// // A service hall open on Saturdays, closed on Sundays only.
    /// let cal = WorkCalendar::builder(2026..=2026).weekend([Weekday::Sun]).build()?;
    /// assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2026, 3, 7).unwrap())?);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn weekend<I: IntoIterator<Item = Weekday>>(mut self, days: I) -> WorkCalendarBuilder {
        self.weekend = days.into_iter().fold(0, |mask, d| mask | weekday_bit(d));
        self
    }

    /// Adds one holiday (an off day).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let new_year = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let cal = WorkCalendar::builder(2026..=2026).holiday(new_year).build()?;
    /// assert!(!cal.is_working_day(new_year)?);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn holiday(mut self, date: NaiveDate) -> WorkCalendarBuilder {
        self.holidays.insert(date);
        self
    }

    /// Adds several holidays.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let cal = WorkCalendar::builder(2026..=2026).holidays([d(1, 1), d(1, 2)]).build()?;
    /// assert_eq!(cal.holidays().count(), 2);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn holidays<I: IntoIterator<Item = NaiveDate>>(mut self, dates: I) -> WorkCalendarBuilder {
        self.holidays.extend(dates);
        self
    }

    /// Adds every day from `first` through `last` as a holiday, as the
    /// State Council's notices write them ("10月1日至7日放假").
    /// [`build`](Self::build) fails with [`CalendarError::InvertedRange`]
    /// when `last` is before `first`.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let cal = WorkCalendar::builder(2026..=2026).holiday_range(d(2, 15), d(2, 23)).build()?;
    /// assert_eq!(cal.holidays().count(), 9);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn holiday_range(mut self, first: NaiveDate, last: NaiveDate) -> WorkCalendarBuilder {
        self.holiday_ranges.push((first, last));
        self
    }

    /// Adds one make-up working day (调休): a weekend day that is worked.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let sunday = NaiveDate::from_ymd_opt(2026, 1, 4).unwrap();
    /// let cal = WorkCalendar::builder(2026..=2026).make_up_day(sunday).build()?;
    /// assert!(cal.is_working_day(sunday)?);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn make_up_day(mut self, date: NaiveDate) -> WorkCalendarBuilder {
        self.make_up_days.insert(date);
        self
    }

    /// Adds several make-up working days.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let cal = WorkCalendar::builder(2026..=2026).make_up_days([d(2, 14), d(2, 28)]).build()?;
    /// assert_eq!(cal.working_days_in_year(2026)?, 261 + 2);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn make_up_days<I: IntoIterator<Item = NaiveDate>>(
        mut self,
        dates: I,
    ) -> WorkCalendarBuilder {
        self.make_up_days.extend(dates);
        self
    }

    /// Sets the office hours of a working day.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveTime;
    /// use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
    ///
    /// let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    /// let hours = OfficeHours::new([OfficePeriod::new(t(9), t(17))?])?;
    /// let cal = WorkCalendar::builder(2026..=2026).office_hours(hours).build()?;
    /// assert_eq!(cal.office_hours().day_seconds(), 8 * 3600);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn office_hours(mut self, hours: OfficeHours) -> WorkCalendarBuilder {
        self.office_hours = hours;
        self
    }

    /// Sets the UTC offset of the calendar's civil time (default UTC+8).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::FixedOffset;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let utc = FixedOffset::east_opt(0).unwrap();
    /// let cal = WorkCalendar::builder(2026..=2026).utc_offset(utc).build()?;
    /// assert_eq!(cal.utc_offset(), utc);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn utc_offset(mut self, offset: FixedOffset) -> WorkCalendarBuilder {
        self.utc_offset = offset;
        self
    }

    /// Checks the definition and builds the calendar.
    ///
    /// # Errors
    ///
    /// - [`CalendarError::EmptyYears`] when the range of years is empty;
    /// - [`CalendarError::TooManyYears`] or
    ///   [`CalendarError::UnsupportedYear`] when it is too long or out of
    ///   bounds;
    /// - [`CalendarError::InvertedRange`] for a holiday range that ends
    ///   before it starts;
    /// - [`CalendarError::DateOutOfRange`] for a holiday or make-up day
    ///   outside the covered years;
    /// - [`CalendarError::HolidayAndMakeUpDay`] for a date listed both ways;
    /// - [`CalendarError::MakeUpDayNotWeekend`] for a make-up day that is
    ///   not a weekend day.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{CalendarError, WorkCalendar};
    ///
    /// let monday = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    /// let err = WorkCalendar::builder(2026..=2026).make_up_day(monday).build().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "make-up working day 2026-03-02 is a Mon, not a weekend day",
    /// );
    /// ```
    pub fn build(self) -> Result<WorkCalendar, CalendarError> {
        let (first_year, last_year) = (*self.years.start(), *self.years.end());
        let mut holidays = self.holidays;
        for (first, last) in self.holiday_ranges {
            if last < first {
                return Err(CalendarError::InvertedRange { start: first, end: last });
            }
            // Check the ends before walking the range, so a range of
            // centuries is refused rather than expanded.
            for date in [first, last] {
                if !(first_year..=last_year).contains(&chrono::Datelike::year(&date)) {
                    return Err(CalendarError::DateOutOfRange {
                        date,
                        first: first_year,
                        last: last_year,
                    });
                }
            }
            holidays.extend(first.iter_days().take_while(|d| *d <= last));
        }
        Definition {
            first_year,
            last_year,
            weekend: self.weekend,
            holidays,
            make_up_days: self.make_up_days,
            office_hours: self.office_hours,
            utc_offset: self.utc_offset,
            published_through: last_year,
            arrangements: Default::default(),
            agency_day_end: DayEnd::default(),
            applicant_day_end: DayEnd::default(),
        }
        .build()
    }
}
