use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{CaseError, Decision};
use crate::calendar::WorkCalendar;
use crate::limit::{Due, LegalClock, Thresholds, TimeLimit};

/// The promised-versus-actual record of one decided case: what a city's
/// report is made of.
///
/// Actual time is given two ways: by the legal count (working days after the
/// acceptance day up to the decision day, suspended days excluded) and as
/// fractional working days over office hours (suspended time excluded), the
/// measure behind "promised 3.21, handled in 0.21 working days".
///
/// # Example
///
/// See [`Case`](super::Case): `case.outcome(&calendar)?` gives one for a
/// decided case.
///
/// # JSON
///
/// ```
/// use shenpi::case::{CaseOutcome, Decision};
///
/// let outcome: CaseOutcome = serde_json::from_str(r#"{
///   "decision": "approved",
///   "promised": {"amount": 20, "unit": "working_days"},
///   "statutory": {"amount": 20, "unit": "working_days"},
///   "accepted_at": "2026-03-05T11:00:00+08:00", "concluded_at": "2026-04-14T16:00:00+08:00",
///   "promised_due": {"date": "2026-04-23", "at": "2026-04-24T00:00:00+08:00"},
///   "statutory_due": {"date": "2026-04-23", "at": "2026-04-24T00:00:00+08:00"},
///   "actual_working_days": 23, "actual_fraction": 22.875, "extension_days": 10,
///   "on_time": true, "within_statutory": true, "overdue_working_days": 0
/// }"#)?;
/// assert_eq!(outcome.decision, Decision::Approved);
/// assert!(outcome.on_time);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CaseOutcome {
    /// The decision.
    pub decision: Decision,
    /// The promised limit.
    pub promised: TimeLimit,
    /// The statutory limit.
    pub statutory: TimeLimit,
    /// When the clock started.
    pub accepted_at: DateTime<FixedOffset>,
    /// When the case was decided.
    pub concluded_at: DateTime<FixedOffset>,
    /// The promised deadline, suspensions and extensions applied.
    pub promised_due: Due,
    /// The statutory deadline, suspensions and extensions applied.
    pub statutory_due: Due,
    /// Working days used by the legal count.
    pub actual_working_days: u32,
    /// Working time used over office hours, in fractional working days.
    pub actual_fraction: f64,
    /// Working days extended.
    pub extension_days: u32,
    /// Whether the decision came by the promised deadline.
    pub on_time: bool,
    /// Whether the decision came by the statutory deadline.
    pub within_statutory: bool,
    /// Working days late against the promise: 0 when on time; when late,
    /// the working days from the promised due date to the decision, a
    /// decision made after the deadline ended on its last day (after the
    /// close of office hours, where the limit ends then) counting as made on
    /// the next working day, so at least 1. It agrees with `on_time`.
    pub overdue_working_days: u32,
    /// Whether the outcome counts over a day of an estimated year (a
    /// deadline, or the days worked): see
    /// [`Due::provisional`](crate::limit::Due::provisional). Left out of JSON
    /// when false.
    #[serde(default, skip_serializing_if = "crate::limit::is_false")]
    pub provisional: bool,
    /// Whether the application was accepted after the correction-notice
    /// window (行政许可法 art. 32): see
    /// [`Case::is_accepted_late`](super::Case::is_accepted_late). Left out of
    /// JSON when false.
    #[serde(default, skip_serializing_if = "crate::limit::is_false")]
    pub accepted_late: bool,
    /// When the issue and delivery of the decision are due (行政许可法
    /// art. 44).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_due: Option<Due>,
    /// Whether it was delivered by then; `None` while undelivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_on_time: Option<bool>,
}

impl CaseOutcome {
    pub(crate) fn new(
        clock: &LegalClock,
        cal: &WorkCalendar,
        decision: Decision,
        concluded_at: DateTime<FixedOffset>,
    ) -> Result<CaseOutcome, CaseError> {
        let reading = clock.reading(cal, concluded_at, &Thresholds::default())?;
        Ok(CaseOutcome {
            decision,
            promised: clock.promised(),
            statutory: clock.statutory(),
            accepted_at: clock.started(),
            concluded_at,
            promised_due: reading.promised_due,
            statutory_due: reading.statutory_due,
            actual_working_days: reading.elapsed_working_days,
            actual_fraction: reading.elapsed_fraction,
            extension_days: clock.extension_days(),
            on_time: concluded_at <= reading.promised_due.at,
            within_statutory: concluded_at <= reading.statutory_due.at,
            overdue_working_days: if concluded_at <= reading.promised_due.at {
                0
            } else {
                u32::try_from(-reading.remaining_promised_days.min(0)).unwrap_or(u32::MAX).max(1)
            },
            provisional: reading.provisional,
            accepted_late: false,
            delivery_due: None,
            delivered_on_time: None,
        })
    }
}
