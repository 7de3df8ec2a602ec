use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::EscalationError;
use crate::calendar::{Roll, WorkCalendar};

/// How often a meeting meets. A meeting that falls on a non-working day
/// moves to the next working day.
///
/// In JSON: `{"every": "week", "weekday": "Mon"}`,
/// `{"every": "two_weeks", "weekday": "Wed", "from": "2026-01-07"}`,
/// `{"every": "month", "day": 15}` or
/// `{"every": "half_month", "first": 1, "second": 16}`.
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, Weekday};
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::escalation::Cadence;
///
/// let cal = WorkCalendar::china();
/// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
/// let weekly = Cadence::Weekly { weekday: Weekday::Mon };
/// assert_eq!(weekly.next_on_or_after(&cal, d(3, 4))?, d(3, 9));
/// // Labour Day: the Monday meeting of 4 May moves to Wednesday 6 May.
/// assert_eq!(weekly.next_on_or_after(&cal, d(5, 2))?, d(5, 6));
/// # Ok::<(), shenpi::escalation::EscalationError>(())
/// ```
///
/// # JSON
///
/// ```
/// use chrono::Weekday;
/// use shenpi::escalation::Cadence;
///
/// let weekly = Cadence::Weekly { weekday: Weekday::Mon };
/// assert_eq!(serde_json::to_string(&weekly)?, r#"{"every":"week","weekday":"Mon"}"#);
/// let monthly: Cadence = serde_json::from_str(r#"{"every": "month", "day": 15}"#)?;
/// assert_eq!(monthly, Cadence::Monthly { day: 15 });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "every", rename_all = "snake_case", deny_unknown_fields)]
pub enum Cadence {
    /// Every week on `weekday`.
    #[serde(rename = "week")]
    Weekly {
        /// The day of the week.
        weekday: Weekday,
    },
    /// Every two weeks on `weekday`, counting from the meeting on `from`.
    #[serde(rename = "two_weeks")]
    Biweekly {
        /// The day of the week.
        weekday: Weekday,
        /// A date the meeting met (or meets); must fall on `weekday`.
        from: NaiveDate,
    },
    /// Every month on `day` (1–28).
    #[serde(rename = "month")]
    Monthly {
        /// The day of the month.
        #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 28)))]
        day: u8,
    },
    /// Twice a month, on days `first` and `second` (1–28, first < second).
    #[serde(rename = "half_month")]
    TwiceMonthly {
        /// The first day of the month.
        #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 28)))]
        first: u8,
        /// The second day of the month.
        #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 28)))]
        second: u8,
    },
}

impl Cadence {
    /// Checks the cadence can meet.
    ///
    /// # Errors
    ///
    /// [`EscalationError::InvalidCadence`] for a monthly day outside 1–28,
    /// twice-monthly days out of order, or a two-weekly start on another
    /// weekday.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::escalation::Cadence;
    ///
    /// assert!(Cadence::Monthly { day: 31 }.check().is_err());
    /// assert!(Cadence::TwiceMonthly { first: 1, second: 16 }.check().is_ok());
    /// ```
    pub fn check(&self) -> Result<(), EscalationError> {
        let bad = |what, fault| Err(EscalationError::InvalidCadence { what, fault });
        match *self {
            Cadence::Weekly { .. } => Ok(()),
            Cadence::Biweekly { weekday, from } if from.weekday() != weekday => {
                bad("two_weeks", "the start date is not on the meeting's weekday")
            }
            Cadence::Biweekly { .. } => Ok(()),
            Cadence::Monthly { day } if !(1..=28).contains(&day) => {
                bad("month", "the day must be 1-28, so that every month has it")
            }
            Cadence::Monthly { .. } => Ok(()),
            Cadence::TwiceMonthly { first, second }
                if !(1..=28).contains(&first) || !(1..=28).contains(&second) || first >= second =>
            {
                bad("half_month", "the days must be 1-28 and the first before the second")
            }
            Cadence::TwiceMonthly { .. } => Ok(()),
        }
    }

    /// Whether the cadence schedules a meeting on `date` (before moving off
    /// non-working days).
    fn schedules(&self, date: NaiveDate) -> bool {
        match *self {
            Cadence::Weekly { weekday } => date.weekday() == weekday,
            Cadence::Biweekly { weekday, from } => {
                date.weekday() == weekday && (date - from).num_days().rem_euclid(14) == 0
            }
            Cadence::Monthly { day } => date.day() == u32::from(day),
            Cadence::TwiceMonthly { first, second } => {
                date.day() == u32::from(first) || date.day() == u32::from(second)
            }
        }
    }

    /// The first meeting on or after `date`, moved off non-working days.
    ///
    /// # Errors
    ///
    /// [`EscalationError::InvalidCadence`] for an invalid cadence;
    /// [`EscalationError::Calendar`] outside the calendar's years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::escalation::Cadence;
    ///
    /// let cal = WorkCalendar::china();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// // The monthly thematic meeting of 1 October moves past National Day.
    /// let monthly = Cadence::Monthly { day: 1 };
    /// assert_eq!(monthly.next_on_or_after(&cal, d(9, 2))?, d(10, 8));
    /// # Ok::<(), shenpi::escalation::EscalationError>(())
    /// ```
    pub fn next_on_or_after(
        &self,
        cal: &WorkCalendar,
        date: NaiveDate,
    ) -> Result<NaiveDate, EscalationError> {
        self.check()?;
        // A meeting scheduled shortly before `date` may move onto it, so
        // start the search two weeks early; every cadence meets within 45
        // days.
        let mut day = date.checked_sub_days(Days::new(14)).unwrap_or(date);
        for _ in 0..60 {
            if self.schedules(day) && cal.covers(day) {
                let held = cal.roll(day, Roll::Following)?;
                if held >= date {
                    return Ok(held);
                }
            }
            day = day.succ_opt().unwrap_or(day);
        }
        // Only reached past the calendar's covered years.
        Err(EscalationError::Calendar(crate::calendar::CalendarError::DateOutOfRange {
            date,
            first: *cal.years().start(),
            last: *cal.years().end(),
        }))
    }
}

/// The meetings of a special team (DOMAIN §1): a routine meeting every
/// week, a thematic meeting every month, a joint meeting every two weeks
/// (which coordinates parallel approval), and the government–business tea
/// meeting twice a month.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::escalation::Meetings;
///
/// let cal = WorkCalendar::china();
/// let meetings = Meetings::default();
/// let next = meetings.joint.next_on_or_after(&cal, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())?;
/// assert_eq!(next, NaiveDate::from_ymd_opt(2026, 3, 4).unwrap());
/// # Ok::<(), shenpi::escalation::EscalationError>(())
/// ```
///
/// # Example: JSON
///
/// ```
/// use shenpi::escalation::Meetings;
///
/// let json = r#"{
///   "routine": {"every": "week", "weekday": "Mon"},
///   "thematic": {"every": "month", "day": 1},
///   "joint": {"every": "two_weeks", "weekday": "Wed", "from": "2026-01-07"},
///   "tea": {"every": "half_month", "first": 10, "second": 25}
/// }"#;
/// assert_eq!(serde_json::from_str::<Meetings>(json)?, Meetings::default());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Meetings {
    /// The weekly routine meeting (例会).
    pub routine: Cadence,
    /// The monthly thematic meeting (专题会).
    pub thematic: Cadence,
    /// The two-weekly joint meeting (联席会议).
    pub joint: Cadence,
    /// The twice-monthly government–business tea meeting (政企同心茶话会).
    pub tea: Cadence,
}

impl Default for Meetings {
    fn default() -> Self {
        Meetings {
            routine: Cadence::Weekly { weekday: Weekday::Mon },
            thematic: Cadence::Monthly { day: 1 },
            joint: Cadence::Biweekly {
                weekday: Weekday::Wed,
                from: NaiveDate::from_ymd_opt(2026, 1, 7).unwrap_or(NaiveDate::MIN),
            },
            tea: Cadence::TwiceMonthly { first: 10, second: 25 },
        }
    }
}
