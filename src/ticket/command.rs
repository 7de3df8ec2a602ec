use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{TicketClass, TicketError, TicketSource};
use crate::catalog::DepartmentId;
use crate::machine::{ActorId, Envelope, Named};

/// The identifier of a complaint ticket, as the host assigns it.
///
/// In JSON a plain string; decoding refuses an empty one.
///
/// # Example
///
/// ```
/// use shenpi::ticket::TicketId;
///
/// let id = TicketId::new("BBC-2026-0007")?;
/// assert_eq!(id.as_str(), "BBC-2026-0007");
/// assert!(TicketId::new(" ").is_err());
/// # Ok::<(), shenpi::ticket::TicketError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::ticket::TicketId;
///
/// let id: TicketId = serde_json::from_str(r#""BBC-2026-0003""#)?;
/// assert_eq!(serde_json::to_string(&id)?, r#""BBC-2026-0003""#);
/// // A blank id is refused when decoded.
/// assert!(serde_json::from_str::<TicketId>(r#"" ""#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct TicketId(Arc<str>);

impl TicketId {
    /// A ticket id from text.
    ///
    /// # Errors
    ///
    /// [`TicketError::EmptyTicketId`] when the text is empty or blank.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::TicketId;
    ///
    /// assert_eq!(TicketId::new("T-1")?.to_string(), "T-1");
    /// # Ok::<(), shenpi::ticket::TicketError>(())
    /// ```
    pub fn new(id: &str) -> Result<TicketId, TicketError> {
        if id.trim().is_empty() {
            return Err(TicketError::EmptyTicketId);
        }
        Ok(TicketId(Arc::from(id)))
    }

    /// The id as text.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::TicketId;
    ///
    /// assert_eq!(TicketId::new("T-1")?.as_str(), "T-1");
    /// # Ok::<(), shenpi::ticket::TicketError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for TicketId {
    type Err = TicketError;

    fn from_str(id: &str) -> Result<Self, TicketError> {
        TicketId::new(id)
    }
}

impl TryFrom<String> for TicketId {
    type Error = TicketError;

    fn try_from(id: String) -> Result<Self, TicketError> {
        TicketId::new(&id)
    }
}

impl From<TicketId> for String {
    fn from(id: TicketId) -> Self {
        id.0.to_string()
    }
}

/// Who answers for an assignment (责任人): a known actor, or a person named
/// in the minutes.
///
/// # Example
///
/// ```
/// use shenpi::machine::ActorId;
/// use shenpi::ticket::Owner;
///
/// let owner = Owner::Actor { id: ActorId::new("zhang-wei")? };
/// assert_eq!(serde_json::to_string(&owner)?, r#"{"kind":"actor","id":"zhang-wei"}"#);
/// assert!(Owner::Named { name: " ".into() }.is_blank());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Owner {
    /// An actor the host knows.
    Actor {
        /// The actor's id.
        id: ActorId,
    },
    /// A person by name, for example "自然资源局 王局长".
    Named {
        /// The name.
        name: String,
    },
}

impl Owner {
    /// Whether the owner names nobody (a blank name).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::Owner;
    ///
    /// assert!(!Owner::Named { name: "王局长".into() }.is_blank());
    /// ```
    pub fn is_blank(&self) -> bool {
        match self {
            Owner::Actor { .. } => false,
            Owner::Named { name } => name.trim().is_empty(),
        }
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Owner::Actor { id } => write!(f, "{id}"),
            Owner::Named { name } => f.write_str(name),
        }
    }
}

/// One department's part of a transfer: one problem, one measure, one owner,
/// one deadline (一问题一措施一责任人一完成时限).
///
/// A passive record with public fields; build it with [`Assignment::new`].
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::catalog::DepartmentId;
/// use shenpi::ticket::{Assignment, Owner};
///
/// let order = Assignment::new(
///     DepartmentId::new("natural-resources")?,
///     Owner::Named { name: "王局长".into() },
///     "re-examine the land approval and answer in writing",
///     DateTime::parse_from_rfc3339("2026-03-05T18:00:00+08:00")?,
/// );
/// assert_eq!(order.department.as_str(), "natural-resources");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::catalog::DepartmentId;
/// use shenpi::ticket::{Assignment, Owner};
/// # let at = |s| chrono::DateTime::parse_from_rfc3339(s).unwrap();
///
/// let assignment = Assignment::new(
///     DepartmentId::new("water")?,
///     Owner::Named { name: "陈经理".into() },
///     "connect the supply",
///     at("2026-03-04T17:30:00+08:00"),
/// );
/// assert_eq!(
///     serde_json::to_value(&assignment)?,
///     serde_json::json!({"department": "water", "owner": {"kind": "named", "name": "陈经理"},
///         "measure": "connect the supply", "deadline": "2026-03-04T17:30:00+08:00"}),
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Assignment {
    /// The department.
    pub department: DepartmentId,
    /// Who answers for it.
    pub owner: Owner,
    /// The measure (措施).
    pub measure: String,
    /// The deadline (完成时限).
    pub deadline: DateTime<FixedOffset>,
}

impl Assignment {
    /// An assignment of `measure` to `department`, owned by `owner`, due at
    /// `deadline`.
    ///
    /// # Example
    ///
    /// See [`Assignment`].
    pub fn new(
        department: DepartmentId,
        owner: Owner,
        measure: impl Into<String>,
        deadline: DateTime<FixedOffset>,
    ) -> Assignment {
        Assignment { department, owner, measure: measure.into(), deadline }
    }
}

/// How a supervisor decided an appeal against a bad review (申诉复核).
///
/// # Example
///
/// ```
/// use shenpi::ticket::AppealDecision;
///
/// assert_eq!(serde_json::to_string(&AppealDecision::Overturned)?, r#""overturned""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppealDecision {
    /// The review stands; the ticket goes on to rectification.
    Upheld,
    /// The review is removed; the ticket closes.
    Overturned,
}

impl fmt::Display for AppealDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AppealDecision::Upheld => "upheld",
            AppealDecision::Overturned => "overturned",
        })
    }
}

/// What someone asks of a ticket. Wrapped in an [`Envelope`] with who and
/// when, an accepted command is the event the host stores
/// ([`TicketEvent`]).
///
/// In JSON the command is tagged: `{"command": "feedback", "satisfaction":
/// 2}`.
///
/// # Example
///
/// ```
/// use shenpi::ticket::{TicketClass, TicketCommand, TicketCommandKind};
///
/// let classify = TicketCommand::Classify { class: TicketClass::General };
/// assert_eq!(serde_json::to_string(&classify)?, r#"{"command":"classify","class":"general"}"#);
/// assert_eq!(classify.kind(), TicketCommandKind::Classify);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum TicketCommand {
    /// A complaint comes in; always the first event of a ticket.
    Receive {
        /// Where it came from.
        source: TicketSource,
        /// What it is about.
        subject: String,
        /// How many times the complainant has come about it so far, this
        /// visit included (at least 1): a request refused three times at a
        /// window comes with 3.
        visits: u32,
    },
    /// The window classifies the ticket (again, after a reopening).
    Classify {
        /// The class.
        class: TicketClass,
    },
    /// The window explains on the spot: an explain-on-the-spot ticket is
    /// resolved the day it was classified.
    ExplainOnTheSpot {
        /// What was explained.
        explanation: String,
    },
    /// The special team transfers (转办) the ticket to departments.
    Transfer {
        /// One per department, each with owner, measure and deadline.
        assignments: Vec<Assignment>,
    },
    /// A department takes up its assignment.
    Take {
        /// The department.
        department: DepartmentId,
    },
    /// A department reports its assignment done (办结).
    Resolve {
        /// The department.
        department: DepartmentId,
        /// What was done.
        result: String,
    },
    /// The complainant's feedback at the return visit (回访): 1 very
    /// satisfied … 5 very dissatisfied; 4 and 5 reopen the ticket.
    Feedback {
        /// The satisfaction, 1–5.
        satisfaction: u8,
    },
    /// The special team closes the ticket with a written explanation: one
    /// with no legal basis, or a resolved one whose return visit got no
    /// answer.
    Close {
        /// The explanation.
        explanation: String,
    },
    /// A bad review is disputed (申诉复核).
    Appeal {
        /// Why the review is disputed.
        reason: String,
    },
    /// The supervisor decides the appeal.
    DecideAppeal {
        /// The decision.
        decision: AppealDecision,
        /// The written reason.
        reason: String,
    },
}

impl TicketCommand {
    /// The kind of this command.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::{TicketCommand, TicketCommandKind};
    ///
    /// let cmd = TicketCommand::Feedback { satisfaction: 5 };
    /// assert_eq!(cmd.kind(), TicketCommandKind::Feedback);
    /// ```
    pub const fn kind(&self) -> TicketCommandKind {
        match self {
            TicketCommand::Receive { .. } => TicketCommandKind::Receive,
            TicketCommand::Classify { .. } => TicketCommandKind::Classify,
            TicketCommand::ExplainOnTheSpot { .. } => TicketCommandKind::ExplainOnTheSpot,
            TicketCommand::Transfer { .. } => TicketCommandKind::Transfer,
            TicketCommand::Take { .. } => TicketCommandKind::Take,
            TicketCommand::Resolve { .. } => TicketCommandKind::Resolve,
            TicketCommand::Feedback { .. } => TicketCommandKind::Feedback,
            TicketCommand::Close { .. } => TicketCommandKind::Close,
            TicketCommand::Appeal { .. } => TicketCommandKind::Appeal,
            TicketCommand::DecideAppeal { .. } => TicketCommandKind::DecideAppeal,
        }
    }
}

/// The kind of a [`TicketCommand`], without its data: what role policies,
/// transition tables and errors speak of.
///
/// # Example
///
/// ```
/// use shenpi::machine::Named;
/// use shenpi::ticket::TicketCommandKind;
///
/// assert_eq!(TicketCommandKind::DecideAppeal.name(), "decide_appeal");
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::ticket::TicketCommandKind;
///
/// assert_eq!(serde_json::to_string(&TicketCommandKind::ExplainOnTheSpot)?, r#""explain_on_the_spot""#);
/// assert_eq!(serde_json::from_str::<TicketCommandKind>(r#""transfer""#)?, TicketCommandKind::Transfer);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketCommandKind {
    /// See [`TicketCommand::Receive`].
    Receive,
    /// See [`TicketCommand::Classify`].
    Classify,
    /// See [`TicketCommand::ExplainOnTheSpot`].
    ExplainOnTheSpot,
    /// See [`TicketCommand::Transfer`].
    Transfer,
    /// See [`TicketCommand::Take`].
    Take,
    /// See [`TicketCommand::Resolve`].
    Resolve,
    /// See [`TicketCommand::Feedback`].
    Feedback,
    /// See [`TicketCommand::Close`].
    Close,
    /// See [`TicketCommand::Appeal`].
    Appeal,
    /// See [`TicketCommand::DecideAppeal`].
    DecideAppeal,
}

impl TicketCommandKind {
    /// Every kind, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::TicketCommandKind;
    ///
    /// assert_eq!(TicketCommandKind::ALL.len(), 10);
    /// ```
    pub const ALL: [TicketCommandKind; 10] = [
        TicketCommandKind::Receive,
        TicketCommandKind::Classify,
        TicketCommandKind::ExplainOnTheSpot,
        TicketCommandKind::Transfer,
        TicketCommandKind::Take,
        TicketCommandKind::Resolve,
        TicketCommandKind::Feedback,
        TicketCommandKind::Close,
        TicketCommandKind::Appeal,
        TicketCommandKind::DecideAppeal,
    ];
}

impl Named for TicketCommandKind {
    fn name(&self) -> &'static str {
        match self {
            TicketCommandKind::Receive => "receive",
            TicketCommandKind::Classify => "classify",
            TicketCommandKind::ExplainOnTheSpot => "explain_on_the_spot",
            TicketCommandKind::Transfer => "transfer",
            TicketCommandKind::Take => "take",
            TicketCommandKind::Resolve => "resolve",
            TicketCommandKind::Feedback => "feedback",
            TicketCommandKind::Close => "close",
            TicketCommandKind::Appeal => "appeal",
            TicketCommandKind::DecideAppeal => "decide_appeal",
        }
    }
}

impl fmt::Display for TicketCommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A command with who issued it and when: the unit a ticket's history is
/// made of.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::machine::{Actor, ActorId, Role};
/// use shenpi::ticket::{TicketCommand, TicketEvent};
///
/// let event = TicketEvent::new(
///     Actor::new(ActorId::new("ent-9")?, Role::Applicant),
///     DateTime::parse_from_rfc3339("2026-03-05T10:00:00+08:00")?,
///     TicketCommand::Feedback { satisfaction: 2 },
/// );
/// assert!(serde_json::to_string(&event)?.contains(r#""payload":{"command":"feedback","satisfaction":2}"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type TicketEvent = Envelope<TicketCommand>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_agree_with_serde() {
        for kind in TicketCommandKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
    }

    #[test]
    fn ids_refuse_blank_text_when_decoded() {
        assert!(serde_json::from_str::<TicketId>(r#""""#).is_err());
        let id: TicketId = serde_json::from_str(r#""T-9""#).unwrap();
        assert_eq!(id, "T-9".parse().unwrap());
    }
}
