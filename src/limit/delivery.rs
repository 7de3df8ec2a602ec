use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::Due;

/// Where the issue and delivery (颁发、送达) of a decided case stand, as
/// [`Case::reading`](crate::case::Case::reading) gives it: the
/// licence is issued and delivered within the item's delivery limit of the
/// decision, 10 working days by default (行政许可法 art. 44).
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId, Decision};
/// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
/// use shenpi::limit::{DeliveryStatus, Thresholds};
/// use shenpi::machine::{Actor, ActorId, Role};
///
/// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market")?).build()?;
/// let cal = WorkCalendar::china();
/// let ctx = CaseContext::new(&item, &cal);
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
/// let who = |role| Actor::new(ActorId::new("someone").unwrap(), role);
/// let history = [
///     CaseEvent::new(who(Role::Applicant), at("2026-03-02T09:00:00+08:00"), CaseCommand::Receive),
///     CaseEvent::new(who(Role::WindowClerk), at("2026-03-02T09:30:00+08:00"), CaseCommand::Accept),
///     CaseEvent::new(who(Role::Reviewer), at("2026-03-04T10:00:00+08:00"), CaseCommand::Conclude { decision: Decision::Approved }),
/// ];
/// let case = Case::replay(CaseId::new("C-1")?, &ctx, &history)?;
/// // Decided on 4 March: delivered by 18 March, 10 working days later.
/// let reading = case.reading(&cal, at("2026-03-20T09:00:00+08:00"), &Thresholds::default())?.expect("accepted");
/// let delivery = reading.delivery.expect("decided");
/// assert_eq!(delivery.due.date.to_string(), "2026-03-18");
/// assert_eq!(delivery.status, DeliveryStatus::Overdue);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::limit::{Delivery, DeliveryStatus};
///
/// let json = r#"{"due":{"date":"2026-03-18","at":"2026-03-19T00:00:00+08:00"},"status":"pending"}"#;
/// let delivery: Delivery = serde_json::from_str(json)?;
/// assert_eq!(delivery.status, DeliveryStatus::Pending);
/// assert_eq!(serde_json::to_string(&delivery)?, json);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Delivery {
    /// When delivery is due.
    pub due: Due,
    /// When it was delivered, if it has been by the reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<FixedOffset>>,
    /// Where it stands.
    pub status: DeliveryStatus,
}

/// Where a delivery stands at an instant.
///
/// # Example
///
/// ```
/// use shenpi::limit::DeliveryStatus;
///
/// assert_eq!(DeliveryStatus::Late.to_string(), "delivered late");
/// assert_eq!(serde_json::to_string(&DeliveryStatus::OnTime)?, r#""on_time""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not delivered yet, and not due yet.
    Pending,
    /// Not delivered, and past due.
    Overdue,
    /// Delivered by the due instant.
    OnTime,
    /// Delivered after it.
    Late,
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeliveryStatus::Pending => "delivery pending",
            DeliveryStatus::Overdue => "delivery overdue",
            DeliveryStatus::OnTime => "delivered on time",
            DeliveryStatus::Late => "delivered late",
        })
    }
}

impl Delivery {
    /// The delivery due at `due`, delivered at `delivered` (if by `now`),
    /// read at `now`.
    pub(crate) fn at(
        due: Due,
        delivered: Option<DateTime<FixedOffset>>,
        now: DateTime<FixedOffset>,
    ) -> Delivery {
        let delivered_at = delivered.filter(|d| *d <= now);
        let status = match delivered_at {
            Some(d) if d <= due.at => DeliveryStatus::OnTime,
            Some(_) => DeliveryStatus::Late,
            None if now > due.at => DeliveryStatus::Overdue,
            None => DeliveryStatus::Pending,
        };
        Delivery { due, delivered_at, status }
    }
}
