use std::collections::BTreeSet;
use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::{CalendarError, MAX_YEAR, MIN_YEAR};

/// One year's holiday arrangement (节假日安排) as a notice sets it: the days
/// off, the make-up working days (调休), and the notice that decided them.
///
/// The State Council General Office publishes the next year's arrangement
/// each November or December (国务院办公厅关于XXXX年部分节假日安排的通知).
/// No rule computes it, so a portal loads it as data the day it is published,
/// with [`WorkCalendar::with_arrangement`](super::WorkCalendar::with_arrangement),
/// without waiting for a new release of this crate. The built-in national
/// calendar is held in this same form ([`WorkCalendar::china_arrangements`](super::WorkCalendar::china_arrangements)).
///
/// A notice may set days at the end of the year before: the 2006 notice made
/// Saturday 31 December 2005 a working day, the 2019 notice gave
/// 30 December 2018 to 1 January 2019 off. So an arrangement for year `Y`
/// holds dates in `Y` and in December of `Y - 1`, and nothing else.
///
/// The same form serves a region's own statutory holidays (the autonomous
/// regions' festivals, such as Guangxi's 三月三) laid on top of the national
/// calendar with [`WorkCalendar::with_regional`](super::WorkCalendar::with_regional).
///
/// Checked when built and when decoded:
/// - every date lies in the year, or in December of the year before
///   ([`CalendarError::ArrangementDateOutsideYear`]);
/// - a run of days off does not end before it starts
///   ([`CalendarError::InvertedRange`]);
/// - a make-up working day is a Saturday or a Sunday
///   ([`CalendarError::MakeUpDayNotWeekend`]), and not also a day off
///   ([`CalendarError::HolidayAndMakeUpDay`]);
/// - a notice has a number ([`CalendarError::EmptyNoticeNumber`]) and was not
///   issued after the year it arranges ([`CalendarError::NoticeAfterYear`]).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::{Arrangement, DayRun, ArrangementNotice};
///
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// // The 2006 arrangement's New Year: 1–3 January off, and Saturday
/// // 31 December 2005 worked (国办发明电〔2005〕35号).
/// let new_year = Arrangement::new(
///     2006,
///     [DayRun::new(d(2006, 1, 1), d(2006, 1, 3))?],
///     [d(2005, 12, 31)],
/// )?
/// .with_notice(ArrangementNotice::new("国办发明电〔2005〕35号")?.issued_on(d(2005, 12, 16)))?;
/// assert_eq!(new_year.off_days().count(), 3);
/// assert_eq!(new_year.make_up_days().next(), Some(d(2005, 12, 31)));
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
#[doc = include_str!("../../docs/json/arrangement.md")]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawArrangement", into = "RawArrangement")]
pub struct Arrangement {
    year: i32,
    notices: Vec<ArrangementNotice>,
    source: Option<String>,
    off: Vec<DayRun>,
    make_up_days: BTreeSet<NaiveDate>,
}

/// A run of consecutive days off, first and last included, as a notice
/// words it ("10月1日至7日放假").
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::DayRun;
///
/// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
/// let national_day = DayRun::new(d(10, 1), d(10, 7))?;
/// assert_eq!(national_day.days().count(), 7);
/// assert_eq!(national_day.to_string(), "2026-10-01..=2026-10-07");
/// assert!(DayRun::new(d(10, 7), d(10, 1)).is_err());
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::calendar::DayRun;
///
/// let run: DayRun = serde_json::from_str(r#"{"first": "2026-10-01", "last": "2026-10-07"}"#)?;
/// assert_eq!(run.days().count(), 7);
/// // A single day may leave out `last`.
/// let day: DayRun = serde_json::from_str(r#"{"first": "2026-01-01"}"#)?;
/// assert_eq!(day.first(), day.last());
/// assert!(serde_json::from_str::<DayRun>(r#"{"first": "2026-10-07", "last": "2026-10-01"}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawDayRun", into = "RawDayRun")]
pub struct DayRun {
    first: NaiveDate,
    last: NaiveDate,
}

/// The notice that set (or amended) an arrangement: its document number and
/// the date it was issued (成文日期), where known.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::ArrangementNotice;
///
/// let issued = NaiveDate::from_ymd_opt(2020, 1, 26).unwrap();
/// let notice = ArrangementNotice::new("国办发明电〔2020〕1号")?.issued_on(issued);
/// assert_eq!(notice.number(), "国办发明电〔2020〕1号");
/// assert!(ArrangementNotice::new("  ").is_err());
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::calendar::ArrangementNotice;
///
/// let notice: ArrangementNotice = serde_json::from_str(r#"{"number": "国办发明电〔2025〕7号", "issued": "2025-11-04"}"#)?;
/// assert_eq!(notice.issued().map(|d| d.to_string()).as_deref(), Some("2025-11-04"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawArrangementNotice", into = "RawArrangementNotice")]
pub struct ArrangementNotice {
    number: String,
    issued: Option<NaiveDate>,
}

/// The longest text an arrangement keeps (a notice number or a source note),
/// in bytes.
pub const MAX_NOTE_LEN: usize = 1024;

impl DayRun {
    /// The days from `first` through `last`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::InvertedRange`] when `last` is before `first`.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::DayRun;
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// assert_eq!(DayRun::new(d(2, 15), d(2, 23))?.days().count(), 9);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn new(first: NaiveDate, last: NaiveDate) -> Result<DayRun, CalendarError> {
        if last < first {
            return Err(CalendarError::InvertedRange { start: first, end: last });
        }
        Ok(DayRun { first, last })
    }

    /// A run of one day.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::DayRun;
    ///
    /// let new_year = DayRun::day(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    /// assert_eq!(new_year.days().count(), 1);
    /// ```
    pub fn day(date: NaiveDate) -> DayRun {
        DayRun { first: date, last: date }
    }

    /// The first day off.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::DayRun;
    ///
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// assert_eq!(DayRun::day(day).first(), day);
    /// ```
    pub fn first(&self) -> NaiveDate {
        self.first
    }

    /// The last day off.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::DayRun;
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// assert_eq!(DayRun::new(d(1, 1), d(1, 3))?.last(), d(1, 3));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn last(&self) -> NaiveDate {
        self.last
    }

    /// Every day of the run, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::DayRun;
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let days: Vec<_> = DayRun::new(d(1, 1), d(1, 3))?.days().collect();
    /// assert_eq!(days, [d(1, 1), d(1, 2), d(1, 3)]);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let last = self.last;
        self.first.iter_days().take_while(move |d| *d <= last)
    }
}

impl fmt::Display for DayRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..={}", self.first, self.last)
    }
}

impl ArrangementNotice {
    /// A notice by its document number (文号); the date it was issued is
    /// added with [`issued_on`](Self::issued_on) where known.
    ///
    /// # Errors
    ///
    /// [`CalendarError::EmptyNoticeNumber`] for a blank number;
    /// [`CalendarError::NoteTooLong`] for one over [`MAX_NOTE_LEN`] bytes.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::ArrangementNotice;
    ///
    /// let notice = ArrangementNotice::new("国办发明电〔2024〕12号")?;
    /// assert_eq!(notice.to_string(), "国办发明电〔2024〕12号");
    /// assert_eq!(notice.issued(), None);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn new(number: impl Into<String>) -> Result<ArrangementNotice, CalendarError> {
        let number = number.into();
        if number.trim().is_empty() {
            return Err(CalendarError::EmptyNoticeNumber);
        }
        check_note(&number)?;
        Ok(ArrangementNotice { number, issued: None })
    }

    /// The same notice with the date it was issued (成文日期).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::ArrangementNotice;
    ///
    /// let issued = NaiveDate::from_ymd_opt(2024, 11, 12).unwrap();
    /// let notice = ArrangementNotice::new("国办发明电〔2024〕12号")?.issued_on(issued);
    /// assert_eq!(notice.issued(), Some(issued));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn issued_on(mut self, date: NaiveDate) -> ArrangementNotice {
        self.issued = Some(date);
        self
    }

    /// The document number, as the notice prints it.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let notice = &cal.arrangement(2026).expect("built in").notices()[0];
    /// assert_eq!(notice.number(), "国办发明电〔2025〕7号");
    /// ```
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The date the notice was issued, where known.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let notice = &cal.arrangement(2026).expect("built in").notices()[0];
    /// assert_eq!(notice.issued(), NaiveDate::from_ymd_opt(2025, 11, 4));
    /// ```
    pub fn issued(&self) -> Option<NaiveDate> {
        self.issued
    }
}

impl fmt::Display for ArrangementNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.number)
    }
}

fn check_note(text: &str) -> Result<(), CalendarError> {
    if text.len() > MAX_NOTE_LEN {
        return Err(CalendarError::NoteTooLong { len: text.len(), max: MAX_NOTE_LEN });
    }
    Ok(())
}

impl Arrangement {
    /// The arrangement for `year`: its runs of days off and its make-up
    /// working days, checked.
    ///
    /// # Errors
    ///
    /// - [`CalendarError::UnsupportedYear`] for a year a calendar cannot
    ///   cover;
    /// - [`CalendarError::ArrangementDateOutsideYear`] for a date outside
    ///   the year and the December before it;
    /// - [`CalendarError::MakeUpDayNotWeekend`] for a make-up day on a
    ///   weekday;
    /// - [`CalendarError::HolidayAndMakeUpDay`] for a day both off and
    ///   worked.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Arrangement, CalendarError, DayRun};
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let err = Arrangement::new(2026, [DayRun::day(d(1, 1))], [d(1, 5)]).unwrap_err();
    /// assert_eq!(err.to_string(), "make-up working day 2026-01-05 is a Mon, not a weekend day");
    /// ```
    pub fn new<R, M>(year: i32, off: R, make_up_days: M) -> Result<Arrangement, CalendarError>
    where
        R: IntoIterator<Item = DayRun>,
        M: IntoIterator<Item = NaiveDate>,
    {
        let mut off: Vec<DayRun> = off.into_iter().collect();
        off.sort();
        off.dedup();
        let arrangement = Arrangement {
            year,
            notices: Vec::new(),
            source: None,
            off,
            make_up_days: make_up_days.into_iter().collect(),
        };
        arrangement.check()?;
        Ok(arrangement)
    }

    /// The same arrangement with one more notice: the yearly notice first,
    /// then any that amended it (the 2020 extension of the Spring Festival,
    /// 国办发明电〔2020〕1号).
    ///
    /// # Errors
    ///
    /// [`CalendarError::NoticeAfterYear`] for a notice issued after the
    /// year it arranges.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Arrangement, DayRun, ArrangementNotice};
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let late = ArrangementNotice::new("某某〔2027〕1号")?.issued_on(NaiveDate::from_ymd_opt(2027, 1, 5).unwrap());
    /// let err = Arrangement::new(2026, [DayRun::day(d(1, 1))], [])?.with_notice(late).unwrap_err();
    /// assert_eq!(err.to_string(), "notice 某某〔2027〕1号 of 2027-01-05 was issued after the year 2026 it arranges");
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn with_notice(mut self, notice: ArrangementNotice) -> Result<Arrangement, CalendarError> {
        check_notice(self.year, &notice)?;
        self.notices.push(notice);
        Ok(self)
    }

    /// The same arrangement with a note on where its data came from (a URL,
    /// a gazette, "sample").
    ///
    /// # Errors
    ///
    /// [`CalendarError::NoteTooLong`] for a note over [`MAX_NOTE_LEN`]
    /// bytes.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Arrangement, DayRun};
    ///
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let a = Arrangement::new(2026, [DayRun::day(day)], [])?.with_source("the portal's own copy")?;
    /// assert_eq!(a.source(), Some("the portal's own copy"));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn with_source(mut self, source: impl Into<String>) -> Result<Arrangement, CalendarError> {
        let source = source.into();
        check_note(&source)?;
        self.source = Some(source);
        Ok(self)
    }

    /// The year arranged.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// assert_eq!(cal.arrangement(2026).map(|a| a.year()), Some(2026));
    /// ```
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The notices that set the arrangement: the yearly notice first, then
    /// any that amended it. Empty where the notice is not recorded.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let notices = cal.arrangement(2020).expect("built in").notices();
    /// assert_eq!(notices.last().map(|n| n.number()), Some("国办发明电〔2020〕1号"));
    /// ```
    pub fn notices(&self) -> &[ArrangementNotice] {
        &self.notices
    }

    /// Where the data came from, where noted.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// assert!(cal.arrangement(2026).and_then(|a| a.source()).is_some());
    /// ```
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// The runs of days off, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let runs = cal.arrangement(2026).expect("built in").off();
    /// assert_eq!(runs.len(), 7); // seven holidays
    /// assert_eq!(runs[1].to_string(), "2026-02-15..=2026-02-23");
    /// ```
    pub fn off(&self) -> &[DayRun] {
        &self.off
    }

    /// Every day off, in order, each once.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// assert_eq!(cal.arrangement(2026).expect("built in").off_days().count(), 33);
    /// ```
    pub fn off_days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        let days: BTreeSet<NaiveDate> = self.off.iter().flat_map(DayRun::days).collect();
        days.into_iter()
    }

    /// The make-up working days (调休), in order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// assert_eq!(cal.arrangement(2026).expect("built in").make_up_days().count(), 6);
    /// ```
    pub fn make_up_days(&self) -> impl DoubleEndedIterator<Item = NaiveDate> + '_ {
        self.make_up_days.iter().copied()
    }

    /// The first day an arrangement for `year` may set: 1 December of the
    /// year before.
    pub(crate) fn window_start(year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year - 1, 12, 1)
    }

    fn check(&self) -> Result<(), CalendarError> {
        let year = self.year;
        if !(MIN_YEAR + 1..=MAX_YEAR).contains(&year) {
            return Err(CalendarError::UnsupportedYear { year, min: MIN_YEAR + 1, max: MAX_YEAR });
        }
        let (Some(from), Some(to)) =
            (Arrangement::window_start(year), NaiveDate::from_ymd_opt(year, 12, 31))
        else {
            return Err(CalendarError::UnsupportedYear { year, min: MIN_YEAR + 1, max: MAX_YEAR });
        };
        let inside = |date: NaiveDate| {
            if (from..=to).contains(&date) {
                Ok(())
            } else {
                Err(CalendarError::ArrangementDateOutsideYear { year, date })
            }
        };
        for run in &self.off {
            inside(run.first)?;
            inside(run.last)?;
        }
        for date in &self.make_up_days {
            inside(*date)?;
            if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(CalendarError::MakeUpDayNotWeekend {
                    date: *date,
                    weekday: date.weekday(),
                });
            }
            if self.off.iter().any(|r| r.first <= *date && *date <= r.last) {
                return Err(CalendarError::HolidayAndMakeUpDay { date: *date });
            }
        }
        for notice in &self.notices {
            check_notice(year, notice)?;
        }
        if let Some(source) = &self.source {
            check_note(source)?;
        }
        Ok(())
    }
}

fn check_notice(year: i32, notice: &ArrangementNotice) -> Result<(), CalendarError> {
    match notice.issued {
        Some(issued) if issued.year() > year => {
            Err(CalendarError::NoticeAfterYear { number: notice.number.clone(), issued, year })
        }
        _ => Ok(()),
    }
}

impl fmt::Display for Arrangement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the {} arrangement", self.year)?;
        if let Some(notice) = self.notices.first() {
            write!(f, " ({notice})")?;
        }
        Ok(())
    }
}

/// The serde form of an arrangement.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawArrangement {
    year: i32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notices: Vec<ArrangementNotice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(default)]
    off: Vec<DayRun>,
    #[serde(default)]
    make_up_days: BTreeSet<NaiveDate>,
}

impl TryFrom<RawArrangement> for Arrangement {
    type Error = CalendarError;

    fn try_from(raw: RawArrangement) -> Result<Self, CalendarError> {
        let mut arrangement = Arrangement::new(raw.year, raw.off, raw.make_up_days)?;
        for notice in raw.notices {
            arrangement = arrangement.with_notice(notice)?;
        }
        match raw.source {
            Some(source) => arrangement.with_source(source),
            None => Ok(arrangement),
        }
    }
}

impl From<Arrangement> for RawArrangement {
    fn from(a: Arrangement) -> Self {
        RawArrangement {
            year: a.year,
            notices: a.notices,
            source: a.source,
            off: a.off,
            make_up_days: a.make_up_days,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawDayRun {
    first: NaiveDate,
    #[serde(default)]
    last: Option<NaiveDate>,
}

impl TryFrom<RawDayRun> for DayRun {
    type Error = CalendarError;

    fn try_from(raw: RawDayRun) -> Result<Self, CalendarError> {
        DayRun::new(raw.first, raw.last.unwrap_or(raw.first))
    }
}

impl From<DayRun> for RawDayRun {
    fn from(run: DayRun) -> Self {
        RawDayRun { first: run.first, last: Some(run.last) }
    }
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawArrangementNotice {
    number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issued: Option<NaiveDate>,
}

impl TryFrom<RawArrangementNotice> for ArrangementNotice {
    type Error = CalendarError;

    fn try_from(raw: RawArrangementNotice) -> Result<Self, CalendarError> {
        let notice = ArrangementNotice::new(raw.number)?;
        Ok(match raw.issued {
            Some(date) => notice.issued_on(date),
            None => notice,
        })
    }
}

impl From<ArrangementNotice> for RawArrangementNotice {
    fn from(n: ArrangementNotice) -> Self {
        RawArrangementNotice { number: n.number, issued: n.issued }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_belong_to_the_year_or_the_december_before() {
        // The 2019 notice: 2018-12-30 to 2019-01-01 off, Saturday 2018-12-29 worked.
        let ok = Arrangement::new(
            2019,
            [DayRun::new(d(2018, 12, 30), d(2019, 1, 1)).unwrap()],
            [d(2018, 12, 29)],
        );
        assert!(ok.is_ok());
        let err = Arrangement::new(2019, [DayRun::day(d(2018, 11, 30))], []).unwrap_err();
        assert_eq!(
            err,
            CalendarError::ArrangementDateOutsideYear { year: 2019, date: d(2018, 11, 30) }
        );
        let err = Arrangement::new(2019, [], [d(2020, 1, 4)]).unwrap_err();
        assert_eq!(
            err,
            CalendarError::ArrangementDateOutsideYear { year: 2019, date: d(2020, 1, 4) }
        );
    }

    #[test]
    fn a_day_is_not_both_off_and_worked() {
        let err = Arrangement::new(
            2026,
            [DayRun::new(d(2026, 2, 14), d(2026, 2, 16)).unwrap()],
            [d(2026, 2, 14)],
        )
        .unwrap_err();
        assert_eq!(err, CalendarError::HolidayAndMakeUpDay { date: d(2026, 2, 14) });
    }

    #[test]
    fn decoding_checks_like_building() {
        let bad =
            r#"{"year": 2026, "off": [{"first": "2026-01-01"}], "make_up_days": ["2026-01-05"]}"#;
        let err = serde_json::from_str::<Arrangement>(bad).unwrap_err();
        assert!(err.to_string().contains("2026-01-05 is a Mon"), "{err}");
        let unknown = r#"{"year": 2026, "days": []}"#;
        assert!(serde_json::from_str::<Arrangement>(unknown).is_err());
        let blank = r#"{"year": 2026, "notices": [{"number": " "}]}"#;
        assert!(serde_json::from_str::<Arrangement>(blank).is_err());
        let years = [r#"{"year": 1}"#, r#"{"year": 10000}"#, r#"{"year": -5}"#];
        for json in years {
            assert!(serde_json::from_str::<Arrangement>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn runs_are_kept_in_order() {
        let a = Arrangement::new(
            2026,
            [DayRun::day(d(2026, 10, 1)), DayRun::day(d(2026, 1, 1)), DayRun::day(d(2026, 1, 1))],
            [],
        )
        .unwrap();
        assert_eq!(a.off(), [DayRun::day(d(2026, 1, 1)), DayRun::day(d(2026, 10, 1))]);
    }
}
