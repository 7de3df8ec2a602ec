use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::CalendarError;

/// Local days laid on top of a calendar: extra holidays (a minority-region
/// festival, a city's closure) and extra working days. Apply one with
/// [`WorkCalendar::with_overlay`](super::WorkCalendar::with_overlay), which
/// returns a new validated calendar.
///
/// In JSON: `{"holidays": ["2026-03-03"], "working_days": []}`; both lists
/// may be left out. Decoding refuses a date listed both ways.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::{Overlay, WorkCalendar};
///
/// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
/// // A city closes for a typhoon on Tuesday and works the Saturday after.
/// let overlay = Overlay::new().holiday(d(7, 14)).working_day(d(7, 18));
/// let cal = WorkCalendar::china().with_overlay(&overlay)?;
/// assert!(!cal.is_working_day(d(7, 14))?);
/// assert!(cal.is_working_day(d(7, 18))?);
/// assert_eq!(cal.working_days_in_year(2026)?, 248);
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
///
/// # Example: JSON
///
/// ```
/// use shenpi::calendar::Overlay;
///
/// let json = r#"{"holidays": ["2026-07-14"], "working_days": ["2026-07-18"]}"#;
/// let overlay: Overlay = serde_json::from_str(json)?;
/// assert_eq!(overlay.holidays().count(), 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawOverlay", into = "RawOverlay")]
pub struct Overlay {
    holidays: BTreeSet<NaiveDate>,
    working_days: BTreeSet<NaiveDate>,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawOverlay {
    #[serde(default)]
    holidays: BTreeSet<NaiveDate>,
    #[serde(default)]
    working_days: BTreeSet<NaiveDate>,
}

impl Overlay {
    /// An empty overlay, which changes nothing.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::{Overlay, WorkCalendar};
    ///
    /// let cal = WorkCalendar::china();
    /// assert_eq!(cal.with_overlay(&Overlay::new())?, cal);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn new() -> Overlay {
        Overlay::default()
    }

    /// Adds a local holiday (an off day).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::Overlay;
    ///
    /// let overlay = Overlay::new().holiday(NaiveDate::from_ymd_opt(2026, 3, 3).unwrap());
    /// assert_eq!(overlay.holidays().count(), 1);
    /// ```
    pub fn holiday(mut self, date: NaiveDate) -> Overlay {
        self.holidays.insert(date);
        self
    }

    /// Adds a local working day.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::Overlay;
    ///
    /// let overlay = Overlay::new().working_day(NaiveDate::from_ymd_opt(2026, 3, 7).unwrap());
    /// assert_eq!(overlay.working_days().count(), 1);
    /// ```
    pub fn working_day(mut self, date: NaiveDate) -> Overlay {
        self.working_days.insert(date);
        self
    }

    /// The local holidays, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::Overlay;
    ///
    /// assert_eq!(Overlay::new().holidays().count(), 0);
    /// ```
    pub fn holidays(&self) -> impl DoubleEndedIterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// The local working days, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::Overlay;
    ///
    /// assert_eq!(Overlay::new().working_days().count(), 0);
    /// ```
    pub fn working_days(&self) -> impl DoubleEndedIterator<Item = NaiveDate> + '_ {
        self.working_days.iter().copied()
    }

    /// Refuses a date listed both as a holiday and as a working day.
    pub(crate) fn check(&self) -> Result<(), CalendarError> {
        match self.holidays.intersection(&self.working_days).next() {
            Some(date) => Err(CalendarError::OverlayConflict { date: *date }),
            None => Ok(()),
        }
    }
}

impl TryFrom<RawOverlay> for Overlay {
    type Error = CalendarError;

    fn try_from(raw: RawOverlay) -> Result<Self, CalendarError> {
        let overlay = Overlay { holidays: raw.holidays, working_days: raw.working_days };
        overlay.check()?;
        Ok(overlay)
    }
}

impl From<Overlay> for RawOverlay {
    fn from(o: Overlay) -> Self {
        RawOverlay { holidays: o.holidays, working_days: o.working_days }
    }
}
