use std::fmt;

use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use super::CalendarError;

/// One period of office hours within a day, from `start` up to `end`.
///
/// The period is half-open: a clerk working from 08:30 to 12:00 works
/// 3.5 hours. In JSON it is `{"start": "08:30:00", "end": "12:00:00"}`.
///
/// # Example
///
/// ```
/// use chrono::NaiveTime;
/// use shenpi::calendar::OfficePeriod;
///
/// let morning = OfficePeriod::new(
///     NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
///     NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
/// )?;
/// assert_eq!(morning.seconds(), 3 * 3600 + 1800);
/// assert_eq!(morning.to_string(), "08:30:00-12:00:00");
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::calendar::OfficePeriod;
///
/// let morning: OfficePeriod = serde_json::from_str(r#"{"start": "08:30:00", "end": "12:00:00"}"#)?;
/// assert_eq!(morning.seconds(), 3 * 3600 + 1800);
/// assert_eq!(serde_json::to_string(&morning)?, r#"{"start":"08:30:00","end":"12:00:00"}"#);
/// // An inverted period is refused when decoded.
/// assert!(serde_json::from_str::<OfficePeriod>(r#"{"start": "12:00:00", "end": "08:30:00"}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawPeriod", into = "RawPeriod")]
pub struct OfficePeriod {
    start: NaiveTime,
    end: NaiveTime,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    start: NaiveTime,
    end: NaiveTime,
}

impl TryFrom<RawPeriod> for OfficePeriod {
    type Error = CalendarError;

    fn try_from(raw: RawPeriod) -> Result<Self, CalendarError> {
        OfficePeriod::new(raw.start, raw.end)
    }
}

impl From<OfficePeriod> for RawPeriod {
    fn from(p: OfficePeriod) -> Self {
        RawPeriod { start: p.start, end: p.end }
    }
}

impl OfficePeriod {
    /// A period from `start` up to `end`, both on the same day.
    ///
    /// # Errors
    ///
    /// [`CalendarError::InvertedOfficeHours`] when `end` is not after
    /// `start`; [`CalendarError::OfficeHoursNotWholeSeconds`] when either
    /// has a fraction of a second (working time is counted in whole
    /// seconds, so every period lasts at least one).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveTime;
    /// use shenpi::calendar::OfficePeriod;
    ///
    /// let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap();
    /// assert!(OfficePeriod::new(noon, noon).is_err());
    /// ```
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<OfficePeriod, CalendarError> {
        if let Some(time) = [start, end].into_iter().find(|t| t.nanosecond() != 0) {
            return Err(CalendarError::OfficeHoursNotWholeSeconds { time });
        }
        if end <= start {
            return Err(CalendarError::InvertedOfficeHours { start, end });
        }
        Ok(OfficePeriod { start, end })
    }

    /// When the period starts.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveTime;
    /// use shenpi::calendar::OfficePeriod;
    ///
    /// let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    /// assert_eq!(OfficePeriod::new(t(9), t(17))?.start(), t(9));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn start(&self) -> NaiveTime {
        self.start
    }

    /// When the period ends (exclusive).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveTime;
    /// use shenpi::calendar::OfficePeriod;
    ///
    /// let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    /// assert_eq!(OfficePeriod::new(t(9), t(17))?.end(), t(17));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn end(&self) -> NaiveTime {
        self.end
    }

    /// The length of the period in whole seconds.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveTime;
    /// use shenpi::calendar::OfficePeriod;
    ///
    /// let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    /// assert_eq!(OfficePeriod::new(t(14), t(17))?.seconds(), 3 * 3600);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn seconds(&self) -> u32 {
        self.end.num_seconds_from_midnight() - self.start.num_seconds_from_midnight()
    }
}

impl fmt::Display for OfficePeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// The office hours of every working day: zero or more periods that do not
/// overlap, kept in order.
///
/// No periods means the whole day counts, from 00:00 up to 24:00 (the rule
/// DOMAIN §2 applies where no office hours are set). In JSON it is a list of
/// [`OfficePeriod`]s.
///
/// # Example
///
/// ```
/// use chrono::NaiveTime;
/// use shenpi::calendar::{OfficeHours, OfficePeriod};
///
/// let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
/// let hours = OfficeHours::new([
///     OfficePeriod::new(t(14, 30), t(17, 30))?,
///     OfficePeriod::new(t(8, 30), t(12, 0))?,
/// ])?;
/// // 3.5 hours in the morning and 3 in the afternoon.
/// assert_eq!(hours.day_seconds(), 6 * 3600 + 1800);
/// assert_eq!(hours.close(), Some(t(17, 30)));
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
///
/// # Example: JSON
///
/// A list of periods; the empty list means the whole day.
///
/// ```
/// use shenpi::calendar::OfficeHours;
///
/// let json = r#"[{"start": "08:30:00", "end": "12:00:00"}, {"start": "14:30:00", "end": "17:30:00"}]"#;
/// let hours: OfficeHours = serde_json::from_str(json)?;
/// assert_eq!(hours.day_seconds(), 6 * 3600 + 1800);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "Vec<OfficePeriod>", into = "Vec<OfficePeriod>")]
pub struct OfficeHours {
    periods: Vec<OfficePeriod>,
    /// Office seconds of a working day; derived from `periods`.
    day_seconds: u32,
}

/// Seconds in a civil day without leap seconds.
pub(crate) const DAY_SECONDS: u32 = 86_400;

impl OfficeHours {
    /// Office hours from periods given in any order.
    ///
    /// # Errors
    ///
    /// [`CalendarError::OverlappingOfficeHours`] naming the first two
    /// periods that overlap.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveTime;
    /// use shenpi::calendar::{CalendarError, OfficeHours, OfficePeriod};
    ///
    /// let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    /// let err = OfficeHours::new([
    ///     OfficePeriod::new(t(8), t(12))?,
    ///     OfficePeriod::new(t(11), t(17))?,
    /// ])
    /// .unwrap_err();
    /// assert!(matches!(err, CalendarError::OverlappingOfficeHours { .. }));
    /// # Ok::<(), CalendarError>(())
    /// ```
    pub fn new<I>(periods: I) -> Result<OfficeHours, CalendarError>
    where
        I: IntoIterator<Item = OfficePeriod>,
    {
        let mut periods: Vec<OfficePeriod> = periods.into_iter().collect();
        periods.sort();
        for pair in periods.windows(2) {
            if pair[1].start < pair[0].end {
                return Err(CalendarError::OverlappingOfficeHours {
                    first: pair[0],
                    second: pair[1],
                });
            }
        }
        let day_seconds = if periods.is_empty() {
            DAY_SECONDS
        } else {
            periods.iter().map(OfficePeriod::seconds).sum()
        };
        Ok(OfficeHours { periods, day_seconds })
    }

    /// Office hours of the whole day: no periods, 24 hours counted.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::OfficeHours;
    ///
    /// assert_eq!(OfficeHours::whole_day().day_seconds(), 86_400);
    /// ```
    pub fn whole_day() -> OfficeHours {
        OfficeHours { periods: Vec::new(), day_seconds: DAY_SECONDS }
    }

    /// The periods, in order of time.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::OfficeHours;
    ///
    /// assert!(OfficeHours::whole_day().periods().is_empty());
    /// ```
    pub fn periods(&self) -> &[OfficePeriod] {
        &self.periods
    }

    /// Working seconds in one working day: the sum of the periods, or
    /// 86,400 when there are none.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveTime;
    /// use shenpi::calendar::{OfficeHours, OfficePeriod};
    ///
    /// let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    /// let hours = OfficeHours::new([OfficePeriod::new(t(9), t(17))?])?;
    /// assert_eq!(hours.day_seconds(), 8 * 3600);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    #[inline]
    pub fn day_seconds(&self) -> u32 {
        self.day_seconds
    }

    /// The close of office hours, the end of the last period; `None` when
    /// the whole day counts (the day then closes at 24:00).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::OfficeHours;
    ///
    /// assert_eq!(OfficeHours::whole_day().close(), None);
    /// ```
    pub fn close(&self) -> Option<NaiveTime> {
        self.periods.last().map(OfficePeriod::end)
    }

    /// Working seconds of a working day that lie before `time`.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveTime;
    /// use shenpi::calendar::{OfficeHours, OfficePeriod};
    ///
    /// let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    /// let hours = OfficeHours::new([
    ///     OfficePeriod::new(t(8, 30), t(12, 0))?,
    ///     OfficePeriod::new(t(14, 30), t(17, 30))?,
    /// ])?;
    /// // The whole morning and half an hour of the afternoon.
    /// assert_eq!(hours.seconds_before(t(15, 0)), 4 * 3600);
    /// // The lunch break does not count.
    /// assert_eq!(hours.seconds_before(t(13, 0)), 3 * 3600 + 1800);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn seconds_before(&self, time: NaiveTime) -> u32 {
        self.seconds_before_secs(time.num_seconds_from_midnight())
    }

    /// [`seconds_before`](Self::seconds_before) a time given in seconds
    /// after midnight.
    #[inline]
    pub(crate) fn seconds_before_secs(&self, t: u32) -> u32 {
        if self.periods.is_empty() {
            return t;
        }
        self.periods
            .iter()
            .map(|p| {
                let (s, e) =
                    (p.start.num_seconds_from_midnight(), p.end.num_seconds_from_midnight());
                t.clamp(s, e) - s
            })
            .sum()
    }
}

impl OfficeHours {
    /// The time of day at which `seconds` of office time have passed, for
    /// `0 < seconds < day_seconds()`: the inverse of
    /// [`seconds_before`](Self::seconds_before).
    pub(crate) fn time_after(&self, seconds: u32) -> NaiveTime {
        let mut left = seconds;
        for p in &self.periods {
            if left <= p.seconds() {
                return p.start + chrono::TimeDelta::seconds(i64::from(left));
            }
            left -= p.seconds();
        }
        let midnight = NaiveTime::MIN;
        match self.periods.last() {
            Some(last) => last.end,
            None => midnight + chrono::TimeDelta::seconds(i64::from(seconds)),
        }
    }
}

impl Default for OfficeHours {
    fn default() -> Self {
        OfficeHours::whole_day()
    }
}

impl TryFrom<Vec<OfficePeriod>> for OfficeHours {
    type Error = CalendarError;

    fn try_from(periods: Vec<OfficePeriod>) -> Result<Self, CalendarError> {
        OfficeHours::new(periods)
    }
}

impl From<OfficeHours> for Vec<OfficePeriod> {
    fn from(hours: OfficeHours) -> Self {
        hours.periods
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn touching_periods_do_not_overlap() {
        let hours = OfficeHours::new([
            OfficePeriod::new(t(8, 0), t(12, 0)).unwrap(),
            OfficePeriod::new(t(12, 0), t(13, 0)).unwrap(),
        ])
        .unwrap();
        assert_eq!(hours.day_seconds(), 5 * 3600);
    }

    #[test]
    fn inverted_period_is_rejected_on_decode() {
        let err = serde_json::from_str::<OfficePeriod>(r#"{"start":"12:00:00","end":"08:30:00"}"#)
            .unwrap_err();
        assert!(err.to_string().contains("does not end after it starts"), "{err}");
    }

    #[test]
    fn overlap_is_rejected_on_decode() {
        let json =
            r#"[{"start":"08:00:00","end":"12:00:00"},{"start":"11:00:00","end":"17:00:00"}]"#;
        let err = serde_json::from_str::<OfficeHours>(json).unwrap_err();
        assert!(err.to_string().contains("overlap"), "{err}");
    }

    #[test]
    fn seconds_before_is_zero_before_opening_and_full_after_closing() {
        let hours = OfficeHours::new([OfficePeriod::new(t(9, 0), t(17, 0)).unwrap()]).unwrap();
        assert_eq!(hours.seconds_before(t(7, 0)), 0);
        assert_eq!(hours.seconds_before(t(23, 0)), hours.day_seconds());
    }

    /// Issue 19, fault 1: a period shorter than a second counted 0 seconds
    /// and made `add_working_seconds` divide by zero.
    #[test]
    fn a_fraction_of_a_second_is_refused() {
        let nine = t(9, 0);
        let just_after = NaiveTime::from_hms_nano_opt(9, 0, 0, 500_000_000).unwrap();
        let err = OfficePeriod::new(nine, just_after).unwrap_err();
        assert_eq!(err, CalendarError::OfficeHoursNotWholeSeconds { time: just_after });
        assert_eq!(err.to_string(), "office hours period time 09:00:00.500 is not a whole second");
        let leap = NaiveTime::from_hms_milli_opt(8, 59, 59, 1_500).unwrap();
        assert!(OfficePeriod::new(leap, nine).is_err());
        let decoded =
            serde_json::from_str::<OfficePeriod>(r#"{"start": "09:00:00", "end": "09:00:00.5"}"#);
        assert!(decoded.unwrap_err().to_string().contains("not a whole second"));
        assert_eq!(OfficePeriod::new(nine, t(9, 1)).unwrap().seconds(), 60);
    }
}
