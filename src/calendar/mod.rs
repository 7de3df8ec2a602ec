//! Working-day calendars as data, and O(1) working-day arithmetic on them.
//!
//! Chinese approval time limits count working days (行政许可法 art. 82) on
//! the national calendar, where the State Council's yearly notice moves some
//! weekdays off and turns some weekend days into make-up working days (调休).
//! No rule computes that calendar; it is data, and a year without a published
//! notice is unknown. A [`WorkCalendar`] holds that data for a declared range
//! of covered years, with the office hours of a working day and the UTC
//! offset of its civil time, and answers in constant time:
//!
//! | question | method |
//! |---|---|
//! | is this a working day? | [`WorkCalendar::is_working_day`] |
//! | the n-th working day after a date (a due date) | [`WorkCalendar::add_working_days`] |
//! | the n-th working day before a date | [`WorkCalendar::sub_working_days`] |
//! | working days in (a, b] | [`WorkCalendar::working_days_between`] |
//! | the nearest working day | [`WorkCalendar::roll`] |
//! | the end of a natural-day period | [`WorkCalendar::add_natural_days`] |
//! | the end of a period in months (Civil Code art. 202) | [`WorkCalendar::add_months`] |
//! | the last day to act, counted back from an end date | [`WorkCalendar::sub_natural_days`], [`WorkCalendar::sub_months`] |
//! | working time between two instants | [`WorkCalendar::working_seconds_between`], [`WorkCalendar::working_days_fraction_between`] |
//! | the close of office hours | [`WorkCalendar::office_close`] |
//! | when a last day ends for the agency or the applicant | [`WorkCalendar::last_day_end`] |
//! | is this date an estimate? | [`WorkCalendar::is_provisional`] |
//!
//! The edge of the data is handled as data too:
//!
//! - a year's holiday arrangement, as the State Council's notice sets it, is
//!   an [`Arrangement`]; the built-in years are held in that form, and a
//!   portal adds the next one the day it is published with
//!   [`WorkCalendar::with_arrangement`] (or replaces one with
//!   [`WorkCalendar::with_correction`]);
//! - past the last published year a calendar refuses by default, or
//!   estimates under [`Horizon::Estimate`] (weekends and the
//!   [`statutory_holidays`] only), marking everything computed from an
//!   estimated day provisional;
//! - [`WorkCalendar::fingerprint`] identifies a calendar, and
//!   [`CalendarChange`] lists the days that changed between two of them;
//! - a region's own holidays use the same year format
//!   ([`WorkCalendar::with_regional`]).
//!
//! Working-day arithmetic is on civil dates ([`chrono::NaiveDate`]); instants
//! are absolute date-times that the calendar converts to its own civil time
//! explicitly ([`WorkCalendar::to_civil`]).
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use shenpi::calendar::{Overlay, WorkCalendar};
//!
//! let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! let national = WorkCalendar::china();
//! // Accepted the day before the Spring Festival holiday: 3 working days
//! // later is 25 February, not 18 February.
//! assert_eq!(national.add_working_days(d(2026, 2, 13), 3)?, d(2026, 2, 25));
//!
//! // A city adds a local holiday on top of the national arrangement.
//! let city = national.with_overlay(&Overlay::new().holiday(d(2026, 2, 25)))?;
//! assert_eq!(city.add_working_days(d(2026, 2, 13), 3)?, d(2026, 2, 26));
//! # Ok::<(), shenpi::calendar::CalendarError>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

mod arrangement;
mod builder;
mod change;
mod china;
mod error;
mod estimate;
mod horizon;
mod office_hours;
mod overlay;
mod work_calendar;

pub use arrangement::{Arrangement, ArrangementNotice, DayRun, MAX_NOTE_LEN};
pub use builder::WorkCalendarBuilder;
pub use change::{CalendarChange, DayChange};
pub use error::CalendarError;
pub use estimate::{
    statutory_holidays, Festival, StatutoryHoliday, ESTIMATE_MAX_YEAR, ESTIMATE_MIN_YEAR,
};
pub use horizon::{CalendarFingerprint, FingerprintError, Horizon};
pub use office_hours::{OfficeHours, OfficePeriod};
pub use overlay::Overlay;
pub(crate) use work_calendar::Point;
pub use work_calendar::{WorkCalendar, MAX_YEAR, MAX_YEARS, MIN_YEAR};

/// Which way to move off a non-working day.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::{Roll, WorkCalendar};
///
/// let cal = WorkCalendar::china();
/// let saturday = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
/// assert_eq!(cal.roll(saturday, Roll::Following)?, NaiveDate::from_ymd_opt(2026, 3, 9).unwrap());
/// assert_eq!(cal.roll(saturday, Roll::Preceding)?, NaiveDate::from_ymd_opt(2026, 3, 6).unwrap());
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::calendar::Roll;
///
/// assert_eq!(serde_json::to_string(&Roll::Following)?, r#""following""#);
/// assert_eq!(serde_json::from_str::<Roll>(r#""preceding""#)?, Roll::Preceding);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Roll {
    /// To the next working day (the day itself if it is one).
    Following,
    /// To the previous working day (the day itself if it is one).
    Preceding,
}

impl fmt::Display for Roll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Roll::Following => "on or after",
            Roll::Preceding => "on or before",
        })
    }
}

/// Which way a count of days runs from its start.
///
/// # Example
///
/// ```
/// use shenpi::calendar::Direction;
///
/// assert_eq!(Direction::Forward.to_string(), "after");
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::calendar::Direction;
///
/// assert_eq!(serde_json::to_string(&Direction::Forward)?, r#""forward""#);
/// assert_eq!(serde_json::from_str::<Direction>(r#""backward""#)?, Direction::Backward);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Later dates, after the start.
    Forward,
    /// Earlier dates, before the start.
    Backward,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Forward => "after",
            Direction::Backward => "before",
        })
    }
}

/// When the last day of a period ends (Civil Code art. 203): "期间的最后一日
/// 的截止时间为二十四时；有业务时间的，停止业务活动的时间为截止时间" (24:00, or the
/// close of business where business hours apply).
///
/// A calendar keeps one for each [`Party`]. Both default to
/// [`DayEnd::CloseOfBusiness`]: a service centre has business hours, its
/// decisions and deliveries are made in them, and its windows receive
/// filings only in them, so the second sentence of art. 203 applies to both;
/// a supervision that cards a decision signed after the close of its last
/// day keeps the promise as the public reads it. A portal whose online hall
/// receives applicants' filings around the clock sets the applicant's to
/// [`DayEnd::Midnight`]; one that reads the agency's internal acts as bound
/// by the first sentence alone sets the agency's. With whole-day office hours
/// (the national calendar's) the two are the same instant.
///
/// # Example
///
/// ```
/// use shenpi::calendar::DayEnd;
///
/// assert_eq!(DayEnd::default(), DayEnd::CloseOfBusiness);
/// assert_eq!(serde_json::to_string(&DayEnd::Midnight)?, r#""midnight""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayEnd {
    /// At the close of the last office-hours period of the day (24:00 when
    /// the whole day counts).
    #[default]
    CloseOfBusiness,
    /// At 24:00.
    Midnight,
}

impl DayEnd {
    #[allow(clippy::trivially_copy_pass_by_ref)]
    pub(crate) fn is_default(end: &DayEnd) -> bool {
        *end == DayEnd::default()
    }
}

impl fmt::Display for DayEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DayEnd::CloseOfBusiness => "close of business",
            DayEnd::Midnight => "midnight",
        })
    }
}

/// Whose act a deadline is for: the agency's own (a decision, a delivery,
/// feedback) or the applicant's (corrections, requests, a renewal).
///
/// # Example
///
/// ```
/// use shenpi::calendar::Party;
///
/// assert_eq!(Party::Agency.to_string(), "agency");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The agency (行政机关).
    Agency,
    /// The applicant (申请人).
    Applicant,
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Party::Agency => "agency",
            Party::Applicant => "applicant",
        })
    }
}
