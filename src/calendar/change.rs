use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{CalendarFingerprint, WorkCalendar};

/// What changed between two calendars: every day whose answer differs, for
/// a host to learn what a newly loaded notice (or a correction) changed, and
/// to keep in its audit trail. Pass it, with the two calendars, to
/// [`moved_deadlines`](crate::escalation::moved_deadlines) to learn which
/// deadlines moved.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::{
///     statutory_holidays, Arrangement, CalendarChange, DayRun, Horizon, WorkCalendar,
/// };
///
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let estimating = WorkCalendar::china().with_horizon(Horizon::Estimate { through: 2027 })?;
/// // A SAMPLE 2027 notice, not the real one: the statutory holidays off,
/// // and Saturday 26 December 2026 worked.
/// let off = statutory_holidays(2027)?.into_iter().map(|h| DayRun::day(h.date));
/// let sample = Arrangement::new(2027, off, [d(2026, 12, 26)])?;
/// let published = estimating.with_arrangement(&sample)?;
/// let change = CalendarChange::between(&estimating, &published);
/// let days: Vec<_> = change.days().iter().map(|c| (c.date, c.before, c.after)).collect();
/// assert_eq!(days, [(d(2026, 12, 26), Some(false), Some(true))]);
/// // Every day of 2027 answers as estimated, and is now firm.
/// assert_eq!(change.firmed().count(), 365);
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::calendar::{CalendarChange, Horizon, WorkCalendar};
///
/// let before = WorkCalendar::china();
/// let after = before.with_horizon(Horizon::Estimate { through: 2027 })?;
/// let change = CalendarChange::between(&before, &after);
/// let json = serde_json::to_value(&change)?;
/// assert_eq!(json["days"].as_array().map(Vec::len), Some(365));
/// assert_eq!(json["days"][0]["date"], "2027-01-01");
/// assert_eq!(json["days"][0]["before"], serde_json::Value::Null); // not covered before
/// assert_eq!(json["days"][0]["after"], false);
/// assert_eq!(json["days"][0]["provisional_after"], true);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CalendarChange {
    before: CalendarFingerprint,
    after: CalendarFingerprint,
    days: Vec<DayChange>,
    firmed: Vec<NaiveDate>,
}

/// One day whose answer changed between two calendars: working or not
/// before and after (`None` where that calendar does not cover it), and
/// whether it was or is an estimate.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::{CalendarChange, Overlay, WorkCalendar};
///
/// let day = NaiveDate::from_ymd_opt(2026, 7, 14).unwrap();
/// let before = WorkCalendar::china();
/// let after = before.with_overlay(&Overlay::new().holiday(day))?;
/// let change = CalendarChange::between(&before, &after);
/// let c = change.days()[0];
/// assert_eq!((c.date, c.before, c.after), (day, Some(true), Some(false)));
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DayChange {
    /// The day.
    pub date: NaiveDate,
    /// Whether it was a working day; `None` where it was not covered.
    pub before: Option<bool>,
    /// Whether it is a working day now; `None` where it is not covered.
    pub after: Option<bool>,
    /// Whether the earlier answer was an estimate.
    #[serde(default)]
    pub provisional_before: bool,
    /// Whether the answer now is an estimate.
    #[serde(default)]
    pub provisional_after: bool,
}

impl CalendarChange {
    /// Compares two calendars day by day over every year either covers:
    /// O(days).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::{CalendarChange, WorkCalendar};
    ///
    /// let cal = WorkCalendar::china();
    /// assert!(CalendarChange::between(&cal, &cal).is_empty());
    /// ```
    pub fn between(before: &WorkCalendar, after: &WorkCalendar) -> CalendarChange {
        let first = before.years().start().min(after.years().start()).to_owned();
        let last = before.years().end().max(after.years().end()).to_owned();
        let mut days = Vec::new();
        let mut firmed = Vec::new();
        if let Some(start) = NaiveDate::from_ymd_opt(first, 1, 1) {
            for date in start.iter_days().take_while(|d| d.year() <= last) {
                let was = before.is_working_day(date).ok();
                let now = after.is_working_day(date).ok();
                let (pb, pa) = (
                    was.is_some() && before.is_provisional(date),
                    now.is_some() && after.is_provisional(date),
                );
                if was != now {
                    days.push(DayChange {
                        date,
                        before: was,
                        after: now,
                        provisional_before: pb,
                        provisional_after: pa,
                    });
                } else if was.is_some() && pb && !pa {
                    firmed.push(date);
                }
            }
        }
        CalendarChange { before: before.fingerprint(), after: after.fingerprint(), days, firmed }
    }

    /// The fingerprint of the calendar before.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::{CalendarChange, WorkCalendar};
    ///
    /// let cal = WorkCalendar::china();
    /// assert_eq!(CalendarChange::between(&cal, &cal).before(), cal.fingerprint());
    /// ```
    pub fn before(&self) -> CalendarFingerprint {
        self.before
    }

    /// The fingerprint of the calendar after.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::{CalendarChange, WorkCalendar};
    ///
    /// let cal = WorkCalendar::china();
    /// assert_eq!(CalendarChange::between(&cal, &cal).after(), cal.fingerprint());
    /// ```
    pub fn after(&self) -> CalendarFingerprint {
        self.after
    }

    /// The days whose answer changed (working or not, or covered or not),
    /// in order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::{CalendarChange, WorkCalendar};
    ///
    /// let cal = WorkCalendar::china();
    /// assert!(CalendarChange::between(&cal, &cal).days().is_empty());
    /// ```
    pub fn days(&self) -> &[DayChange] {
        &self.days
    }

    /// The days whose answer stayed the same but is no longer an estimate,
    /// in order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::{CalendarChange, WorkCalendar};
    ///
    /// let cal = WorkCalendar::china();
    /// assert_eq!(CalendarChange::between(&cal, &cal).firmed().count(), 0);
    /// ```
    pub fn firmed(&self) -> impl DoubleEndedIterator<Item = NaiveDate> + '_ {
        self.firmed.iter().copied()
    }

    /// Whether nothing changed: no day's answer, and no estimate firmed.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::{CalendarChange, WorkCalendar};
    ///
    /// let cal = WorkCalendar::china();
    /// assert!(CalendarChange::between(&cal, &cal).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.days.is_empty() && self.firmed.is_empty()
    }

    /// The changed days in `(after, through]`: the days that can move a
    /// deadline counted from `after` that ends by `through`.
    pub(crate) fn days_within(&self, after: NaiveDate, through: NaiveDate) -> Vec<NaiveDate> {
        let from = self.days.partition_point(|c| c.date <= after);
        self.days[from..].iter().take_while(|c| c.date <= through).map(|c| c.date).collect()
    }
}
