//! The edge of a calendar's data: published years, arrangements added as
//! data, provisional estimates past the last published year, and the
//! calendar's identity.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Timelike};
use serde::{Deserialize, Serialize};

use super::estimate::estimate;
use super::work_calendar::{china_standard_time, weekday_bit, Definition};
use super::{Arrangement, CalendarError, DayEnd, OfficeHours, Overlay, WorkCalendar};

/// What a calendar answers for dates past its last published year.
///
/// - [`Horizon::Refuse`], the default: a date past the last published year
///   is an error naming it ([`CalendarError::DateOutOfRange`],
///   [`CalendarError::CountOutOfRange`] or
///   [`CalendarError::MonthsOutOfRange`]), raised at the command that needs
///   it. A year without a published arrangement is unknown, and a legal
///   deadline is not a guess.
/// - [`Horizon::Estimate`]: the years after the last published one, through
///   `through`, are estimated: weekends and the statutory holidays of
///   全国年节及纪念日放假办法 ([`statutory_holidays`](super::statutory_holidays)),
///   no make-up working days and no moved rest days, since only a notice
///   can set those. Everything computed from an estimated day says so
///   ([`WorkCalendar::is_provisional`], and `provisional: true` on due
///   dates, clock readings, outcomes, notices and report rows), so a voucher
///   can print 预计 beside the date. When the notice lands, load the year with
///   [`WorkCalendar::with_arrangement`] and compare the two calendars with
///   [`CalendarChange`](super::CalendarChange) to learn which deadlines moved.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::{Horizon, WorkCalendar};
///
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let national = WorkCalendar::china();
/// assert_eq!(national.horizon(), Horizon::Refuse);
/// assert!(national.add_working_days(d(2026, 12, 7), 20).is_err());
///
/// let estimating = national.with_horizon(Horizon::Estimate { through: 2027 })?;
/// let due = estimating.add_working_days(d(2026, 12, 7), 20)?;
/// assert_eq!(due, d(2027, 1, 5)); // 1 January 2027 off, no make-up day known
/// assert!(estimating.is_provisional(due));
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::calendar::Horizon;
///
/// assert_eq!(serde_json::to_string(&Horizon::Refuse)?, r#"{"policy":"refuse"}"#);
/// let h: Horizon = serde_json::from_str(r#"{"policy": "estimate", "through": 2028}"#)?;
/// assert_eq!(h, Horizon::Estimate { through: 2028 });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "policy", rename_all = "snake_case", deny_unknown_fields)]
pub enum Horizon {
    /// Dates past the last published year are an error.
    #[default]
    Refuse,
    /// Dates past the last published year, through `through`, are
    /// estimated and marked provisional.
    Estimate {
        /// The last year estimated.
        through: i32,
    },
}

impl fmt::Display for Horizon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Horizon::Refuse => f.write_str("refuse unpublished years"),
            Horizon::Estimate { through } => {
                write!(f, "estimate unpublished years through {through}")
            }
        }
    }
}

/// A calendar's identity: a hash of everything its answers depend on (the
/// covered and published years, weekend, days off and worked, office hours,
/// UTC offset) and of the notices its years came from. Two calendars with
/// the same fingerprint answer every question alike. A host stores it beside
/// each deadline it computed, to know later which calendar computed it.
///
/// It is a 64-bit FNV-1a hash over a fixed byte layout, the same on every
/// platform and in every release that keeps that layout (a change would be a
/// breaking change, pinned by a test); shown as 16 hex digits.
///
/// # Example
///
/// ```
/// use shenpi::calendar::{CalendarFingerprint, Horizon, WorkCalendar};
///
/// let national = WorkCalendar::china();
/// assert_eq!(national.fingerprint(), WorkCalendar::china().fingerprint());
/// let estimating = national.with_horizon(Horizon::Estimate { through: 2027 })?;
/// assert_ne!(national.fingerprint(), estimating.fingerprint());
///
/// let text = national.fingerprint().to_string();
/// assert_eq!(text.len(), 16);
/// assert_eq!(text.parse::<CalendarFingerprint>()?, national.fingerprint());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(into = "String", try_from = "String")]
#[cfg_attr(feature = "schema", schemars(with = "String"))]
pub struct CalendarFingerprint(u64);

impl CalendarFingerprint {
    /// The hash as a number.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let fp = WorkCalendar::china().fingerprint();
    /// assert_eq!(format!("{:016x}", fp.as_u64()), fp.to_string());
    /// ```
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl fmt::Display for CalendarFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// A text that is not 16 hex digits, read as a [`CalendarFingerprint`].
///
/// # Example
///
/// ```
/// use shenpi::calendar::CalendarFingerprint;
///
/// let err = "xyz".parse::<CalendarFingerprint>().unwrap_err();
/// assert_eq!(err.to_string(), "calendar fingerprint \"xyz\" is not 16 hex digits");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("calendar fingerprint {text:?} is not 16 hex digits")]
pub struct FingerprintError {
    text: String,
}

impl FromStr for CalendarFingerprint {
    type Err = FingerprintError;

    fn from_str(text: &str) -> Result<Self, FingerprintError> {
        let bad = || FingerprintError { text: text.chars().take(40).collect() };
        if text.len() != 16 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        u64::from_str_radix(text, 16).map(CalendarFingerprint).map_err(|_| bad())
    }
}

impl From<CalendarFingerprint> for String {
    fn from(fp: CalendarFingerprint) -> String {
        fp.to_string()
    }
}

impl TryFrom<String> for CalendarFingerprint {
    type Error = FingerprintError;

    fn try_from(text: String) -> Result<Self, FingerprintError> {
        text.parse()
    }
}

/// 64-bit FNV-1a.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn int(&mut self, n: i64) {
        self.bytes(&n.to_le_bytes());
    }

    fn date(&mut self, d: NaiveDate) {
        self.int(i64::from(d.num_days_from_ce()));
    }
}

impl WorkCalendar {
    /// A calendar built from consecutive years' arrangements, on the
    /// national defaults: Saturday and Sunday off, whole-day office hours,
    /// China Standard Time. Every year is published; the calendar remembers
    /// each arrangement ([`WorkCalendar::arrangement`]).
    ///
    /// # Errors
    ///
    /// - [`CalendarError::EmptyYears`] for no arrangement;
    /// - [`CalendarError::ArrangementGap`] when the years are not
    ///   consecutive, [`CalendarError::ArrangementOverlap`] when one repeats;
    /// - [`CalendarError::DateOutOfRange`] when the first year's arrangement
    ///   sets a day of the year before, which the calendar does not cover.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Arrangement, DayRun, WorkCalendar};
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let y2026 = Arrangement::new(2026, [DayRun::new(d(10, 1), d(10, 7))?], [d(9, 20), d(10, 10)])?;
    /// let cal = WorkCalendar::from_arrangements([y2026])?;
    /// assert_eq!(cal.years(), 2026..=2026);
    /// assert!(cal.is_working_day(d(10, 10))?);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn from_arrangements<I>(arrangements: I) -> Result<WorkCalendar, CalendarError>
    where
        I: IntoIterator<Item = Arrangement>,
    {
        let mut years: BTreeMap<i32, Arrangement> = BTreeMap::new();
        let mut previous: Option<i32> = None;
        for a in arrangements {
            let year = a.year();
            match previous {
                Some(p) if year <= p => {
                    return Err(CalendarError::ArrangementOverlap {
                        year,
                        first: years.keys().next().copied().unwrap_or(year),
                        published: p,
                    })
                }
                Some(p) if year > p + 1 => {
                    return Err(CalendarError::ArrangementGap { year, published: p })
                }
                _ => {}
            }
            previous = Some(year);
            years.insert(year, a);
        }
        let (Some(&first), Some(&last)) = (years.keys().next(), years.keys().next_back()) else {
            return Err(CalendarError::EmptyYears { first: 0, last: -1 });
        };
        let mut def = Definition {
            first_year: first,
            last_year: last,
            weekend: weekday_bit(chrono::Weekday::Sat) | weekday_bit(chrono::Weekday::Sun),
            holidays: BTreeSet::new(),
            make_up_days: BTreeSet::new(),
            office_hours: OfficeHours::whole_day(),
            utc_offset: china_standard_time(),
            published_through: last,
            arrangements: BTreeMap::new(),
            agency_day_end: DayEnd::default(),
            applicant_day_end: DayEnd::default(),
        };
        for a in years.into_values() {
            def.apply(&a);
            def.arrangements.insert(a.year(), a);
        }
        def.build()
    }

    /// The last year whose arrangement is published (not estimated).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::{Horizon, WorkCalendar};
    ///
    /// let cal = WorkCalendar::china().with_horizon(Horizon::Estimate { through: 2028 })?;
    /// assert_eq!(cal.published_through(), 2026);
    /// assert_eq!(cal.years(), 2004..=2028);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn published_through(&self) -> i32 {
        self.def.published_through
    }

    /// Whether `date` lies in an estimated year, so that an answer that
    /// counts over it is provisional. O(1).
    ///
    /// Every working-day count runs between its start and its result, so a
    /// due date (or a count) depends on an estimated day exactly when the
    /// later of its two dates is provisional.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Horizon, WorkCalendar};
    ///
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let cal = WorkCalendar::china().with_horizon(Horizon::Estimate { through: 2027 })?;
    /// assert!(!cal.is_provisional(d(2026, 12, 31)));
    /// assert!(cal.is_provisional(d(2027, 1, 4)));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    #[inline]
    pub fn is_provisional(&self, date: NaiveDate) -> bool {
        date.year() > self.def.published_through
    }

    /// What the calendar answers past its last published year.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::{Horizon, WorkCalendar};
    ///
    /// assert_eq!(WorkCalendar::china().horizon(), Horizon::Refuse);
    /// ```
    pub fn horizon(&self) -> Horizon {
        if self.def.last_year > self.def.published_through {
            Horizon::Estimate { through: self.def.last_year }
        } else {
            Horizon::Refuse
        }
    }

    /// The same calendar under another [`Horizon`]: estimating the years
    /// after the last published one through a given year, or refusing them
    /// (which drops any estimated years).
    ///
    /// Estimated years follow the national measures (Saturday and Sunday
    /// weekends, the statutory holidays); a local overlay laid on estimated
    /// years is dropped with them, so lay overlays on last.
    ///
    /// # Errors
    ///
    /// - [`CalendarError::EstimateNotAfterPublished`] when `through` is not
    ///   after the last published year;
    /// - [`CalendarError::EstimateOutOfRange`] for a year the estimate
    ///   cannot place;
    /// - [`CalendarError::TooManyYears`] past the most years a calendar
    ///   covers.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Horizon, WorkCalendar};
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
    /// let cal = WorkCalendar::china().with_horizon(Horizon::Estimate { through: 2027 })?;
    /// // Estimated: the Spring Festival's four statutory days (eve and
    /// // lunar 1/1 to 1/3), no moved rest days around them.
    /// assert!(!cal.is_working_day(d(2, 5))?);
    /// assert!(!cal.is_working_day(d(2, 8))?);
    /// assert!(cal.is_working_day(d(2, 9))?);
    /// assert_eq!(cal.with_horizon(Horizon::Refuse)?, WorkCalendar::china());
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn with_horizon(&self, horizon: Horizon) -> Result<WorkCalendar, CalendarError> {
        let mut def = self.published_definition();
        if let Horizon::Estimate { through } = horizon {
            let published = def.published_through;
            if through <= published {
                return Err(CalendarError::EstimateNotAfterPublished { through, published });
            }
            if through - def.first_year >= super::MAX_YEARS as i32 {
                return Err(CalendarError::TooManyYears {
                    first: def.first_year,
                    last: through,
                    max: super::MAX_YEARS,
                });
            }
            for year in published + 1..=through {
                def.apply(&estimate(year)?);
            }
            def.last_year = through;
        }
        def.build()
    }

    /// The same calendar with the next year's arrangement added, as the
    /// State Council publishes it: the year after the last published one.
    /// Its days at the end of the year before (a make-up Saturday late in
    /// December) are laid on that year; every other answer about earlier
    /// years stays as it was. Estimated years after it are estimated again.
    ///
    /// # Errors
    ///
    /// - [`CalendarError::ArrangementOverlap`] for a year already
    ///   published: a changed arrangement is loaded with
    ///   [`with_correction`](Self::with_correction), which says it is one;
    /// - [`CalendarError::ArrangementGap`] for a year further on, which
    ///   would leave a year unknown in between;
    /// - [`CalendarError::MakeUpDayNotWeekend`] when a make-up day is not a
    ///   weekend day of this calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Arrangement, DayRun, WorkCalendar};
    ///
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// // A SAMPLE, not the real 2027 notice: New Year 1–3 January off.
    /// let sample = Arrangement::new(2027, [DayRun::new(d(2027, 1, 1), d(2027, 1, 3))?], [])?
    ///     .with_source("sample, not the real 2027 notice")?;
    /// let cal = WorkCalendar::china().with_arrangement(&sample)?;
    /// assert_eq!(cal.published_through(), 2027);
    /// assert_eq!(cal.add_working_days(d(2026, 12, 31), 1)?, d(2027, 1, 4));
    /// // The same year again is refused; a correction says it is one.
    /// assert!(cal.with_arrangement(&sample).is_err());
    /// assert_eq!(cal.with_correction(&sample)?, cal);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn with_arrangement(
        &self,
        arrangement: &Arrangement,
    ) -> Result<WorkCalendar, CalendarError> {
        let (year, published) = (arrangement.year(), self.def.published_through);
        if year <= published {
            return Err(CalendarError::ArrangementOverlap {
                year,
                first: self.def.first_year,
                published,
            });
        }
        if year > published + 1 {
            return Err(CalendarError::ArrangementGap { year, published });
        }
        let horizon = self.horizon();
        let mut def = self.published_definition();
        def.last_year = year;
        def.published_through = year;
        def.apply(arrangement);
        def.arrangements.insert(year, arrangement.clone());
        let cal = def.build()?;
        match horizon {
            Horizon::Estimate { through } if through > year => cal.with_horizon(horizon),
            _ => Ok(cal),
        }
    }

    /// The same calendar with a published year's arrangement replaced by a
    /// corrected one (a supplementary notice, or a data error found later).
    /// The days the old arrangement set are undone first (for a year the
    /// calendar holds no arrangement for, every day off and make-up day
    /// dated in the year), then the new ones laid on.
    ///
    /// # Errors
    ///
    /// [`CalendarError::NothingToCorrect`] for a year that is not published;
    /// [`CalendarError::DateOutOfRange`] when the arrangement sets a day of
    /// the year before the first covered year.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Arrangement, DayRun, WorkCalendar};
    ///
    /// let national = WorkCalendar::china();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// // A SAMPLE correction: the 2026 arrangement with 6 July off as well.
    /// let old = national.arrangement(2026).expect("built in");
    /// let runs = old.off().iter().copied().chain([DayRun::day(d(7, 6))]);
    /// let corrected = Arrangement::new(2026, runs, old.make_up_days())?;
    /// let cal = national.with_correction(&corrected)?;
    /// assert!(!cal.is_working_day(d(7, 6))?);
    /// assert_eq!(cal.working_days_in_year(2026)?, 247);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn with_correction(
        &self,
        arrangement: &Arrangement,
    ) -> Result<WorkCalendar, CalendarError> {
        let year = arrangement.year();
        let (first, published) = (self.def.first_year, self.def.published_through);
        if !(first..=published).contains(&year) {
            return Err(CalendarError::NothingToCorrect { year, first, published });
        }
        let mut def = Definition::clone(&self.def);
        match def.arrangements.remove(&year) {
            Some(old) => {
                for date in old.off_days() {
                    def.holidays.remove(&date);
                }
                for date in old.make_up_days() {
                    def.make_up_days.remove(&date);
                }
            }
            None => {
                def.holidays.retain(|d| d.year() != year);
                def.make_up_days.retain(|d| d.year() != year);
            }
        }
        def.apply(arrangement);
        def.arrangements.insert(year, arrangement.clone());
        def.build()
    }

    /// The same calendar with a region's own statutory holidays laid on top
    /// (an autonomous region's festival, such as Guangxi's 三月三), given in
    /// the year format of a national arrangement: its days off become
    /// holidays, its make-up days working days, as an [`Overlay`] would.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] for a day outside the covered
    /// years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Arrangement, DayRun, WorkCalendar};
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// // A SAMPLE regional holiday, not a real regional notice.
    /// let region = Arrangement::new(2026, [DayRun::new(d(4, 20), d(4, 21))?], [])?
    ///     .with_source("sample regional holiday")?;
    /// let cal = WorkCalendar::china().with_regional(&region)?;
    /// assert!(!cal.is_working_day(d(4, 20))?);
    /// assert_eq!(cal.working_days_in_year(2026)?, 246);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn with_regional(&self, arrangement: &Arrangement) -> Result<WorkCalendar, CalendarError> {
        let mut overlay = Overlay::new();
        for date in arrangement.off_days() {
            overlay = overlay.holiday(date);
        }
        for date in arrangement.make_up_days() {
            overlay = overlay.working_day(date);
        }
        self.with_overlay(&overlay)
    }

    /// The arrangement a published year was built from, where the calendar
    /// holds one (calendars built day by day hold none).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// assert_eq!(cal.arrangement(2015).expect("built in").notices().len(), 2);
    /// assert!(cal.arrangement(2027).is_none());
    /// ```
    pub fn arrangement(&self, year: i32) -> Option<&Arrangement> {
        self.def.arrangements.get(&year)
    }

    /// Every arrangement the calendar holds, by year.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// assert_eq!(WorkCalendar::china().arrangements().count(), 23);
    /// ```
    pub fn arrangements(&self) -> impl DoubleEndedIterator<Item = &Arrangement> + '_ {
        self.def.arrangements.values()
    }

    /// The calendar's identity: see [`CalendarFingerprint`]. O(days off).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::{Overlay, WorkCalendar};
    ///
    /// let national = WorkCalendar::china();
    /// let local = national.with_overlay(&Overlay::new().holiday(NaiveDate::from_ymd_opt(2026, 3, 3).unwrap()))?;
    /// assert_ne!(national.fingerprint(), local.fingerprint());
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn fingerprint(&self) -> CalendarFingerprint {
        let def = &self.def;
        let mut h = Fnv::new();
        h.bytes(b"shenpi-calendar-1");
        for n in [def.first_year, def.last_year, def.published_through] {
            h.int(i64::from(n));
        }
        h.int(i64::from(def.weekend));
        h.int(def.holidays.len() as i64);
        def.holidays.iter().for_each(|d| h.date(*d));
        h.int(def.make_up_days.len() as i64);
        def.make_up_days.iter().for_each(|d| h.date(*d));
        h.int(def.office_hours.periods().len() as i64);
        for p in def.office_hours.periods() {
            h.int(i64::from(p.start().num_seconds_from_midnight()));
            h.int(i64::from(p.end().num_seconds_from_midnight()));
        }
        h.int(i64::from(def.utc_offset.local_minus_utc()));
        // Left out at their defaults, so calendars that never set them keep
        // the fingerprint they had.
        for (party, end) in [def.agency_day_end, def.applicant_day_end].into_iter().enumerate() {
            if end != DayEnd::default() {
                h.int(100 + party as i64);
            }
        }
        for a in def.arrangements.values() {
            h.int(i64::from(a.year()));
            h.int(a.notices().len() as i64);
            for n in a.notices() {
                h.int(n.number().len() as i64);
                h.bytes(n.number().as_bytes());
                h.int(n.issued().map_or(i64::MIN, |d| i64::from(d.num_days_from_ce())));
            }
        }
        CalendarFingerprint(h.0)
    }

    /// The definition cut back to the published years.
    fn published_definition(&self) -> Definition {
        let mut def = Definition::clone(&self.def);
        let published = def.published_through;
        def.holidays.retain(|d| d.year() <= published);
        def.make_up_days.retain(|d| d.year() <= published);
        def.last_year = published;
        def
    }
}

impl Definition {
    /// Lays an arrangement's days on: its days off become holidays, its
    /// make-up days working days.
    fn apply(&mut self, arrangement: &Arrangement) {
        for date in arrangement.off_days() {
            self.make_up_days.remove(&date);
            self.holidays.insert(date);
        }
        for date in arrangement.make_up_days() {
            self.holidays.remove(&date);
            self.make_up_days.insert(date);
        }
    }
}
