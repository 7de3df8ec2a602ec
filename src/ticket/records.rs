use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{AppealDecision, Owner};
use crate::catalog::DepartmentId;

/// One department's assignment as the ticket tracks it: what was ordered at
/// the transfer, and when the department took it up and resolved it.
///
/// A passive record read from [`Ticket::assignments`](super::Ticket::assignments).
///
/// # Example
///
/// See [`Ticket`](super::Ticket): `ticket.assignments()` lists them with
/// their deadlines and whether each is resolved.
///
/// # JSON
///
/// ```
/// use shenpi::ticket::AssignmentStatus;
///
/// let status: AssignmentStatus = serde_json::from_str(r#"{"cycle": 0, "department": "water",
///   "owner": {"kind": "named", "name": "陈经理"}, "measure": "connect",
///   "deadline": "2026-03-04T17:30:00+08:00", "assigned_at": "2026-03-02T11:00:00+08:00"}"#)?;
/// assert_eq!(status.taken_at, None); // not taken up yet
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AssignmentStatus {
    /// The cycle the assignment belongs to (0 before any reopening).
    pub cycle: u32,
    /// The department.
    pub department: DepartmentId,
    /// Who answers for it.
    pub owner: Owner,
    /// The measure.
    pub measure: String,
    /// The deadline.
    pub deadline: DateTime<FixedOffset>,
    /// When it was transferred.
    pub assigned_at: DateTime<FixedOffset>,
    /// When the department took it up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_at: Option<DateTime<FixedOffset>>,
    /// When the department resolved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<DateTime<FixedOffset>>,
    /// What the department reported doing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

impl AssignmentStatus {
    /// Whether the department has resolved its assignment.
    ///
    /// # Example
    ///
    /// See [`Ticket`](super::Ticket).
    pub fn is_resolved(&self) -> bool {
        self.resolved_at.is_some()
    }

    /// Whether the assignment was still unresolved at its deadline, as seen
    /// at `now`.
    ///
    /// # Example
    ///
    /// See [`Ticket`](super::Ticket).
    pub fn is_overdue(&self, now: DateTime<FixedOffset>) -> bool {
        match self.resolved_at {
            Some(done) => done > self.deadline,
            None => now > self.deadline,
        }
    }
}

/// The complainant's feedback at one return visit (回访).
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::ticket::FeedbackRecord;
///
/// let at = DateTime::parse_from_rfc3339("2026-03-06T10:00:00+08:00")?;
/// let record: FeedbackRecord = serde_json::from_str(
///     r#"{"cycle":0,"satisfaction":5,"at":"2026-03-06T10:00:00+08:00"}"#,
/// )?;
/// assert!(record.is_bad());
/// assert_eq!(record.at, at);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FeedbackRecord {
    /// The cycle the feedback closed or reopened.
    pub cycle: u32,
    /// 1 very satisfied … 5 very dissatisfied.
    pub satisfaction: u8,
    /// When it was given.
    pub at: DateTime<FixedOffset>,
}

impl FeedbackRecord {
    /// Whether the feedback is a bad one (4 or 5), which reopens a ticket.
    ///
    /// # Example
    ///
    /// See [`FeedbackRecord`].
    pub fn is_bad(&self) -> bool {
        is_bad(self.satisfaction)
    }
}

pub(crate) fn is_bad(satisfaction: u8) -> bool {
    satisfaction >= 4
}

/// An appeal against a bad review (申诉复核) and its decision.
///
/// # Example
///
/// See the module's story: `ticket.appeal()` after an overturned review.
///
/// # JSON
///
/// ```
/// use shenpi::ticket::AppealRecord;
///
/// let appeal: AppealRecord = serde_json::from_str(
///     r#"{"at": "2026-03-10T09:00:00+08:00", "reason": "the review names another office"}"#,
/// )?;
/// assert_eq!(appeal.decision, None); // pending
/// assert_eq!(
///     serde_json::to_string(&appeal)?,
///     r#"{"at":"2026-03-10T09:00:00+08:00","reason":"the review names another office"}"#,
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AppealRecord {
    /// When the appeal was lodged.
    pub at: DateTime<FixedOffset>,
    /// Why the review was disputed.
    pub reason: String,
    /// The supervisor's decision, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<AppealDecision>,
    /// When the decision was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<FixedOffset>>,
    /// The written reason of the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_reason: Option<String>,
}
