use std::fmt;

use serde::{Deserialize, Serialize};

use super::{CaseError, Decision};
use crate::limit::SuspensionKind;
use crate::machine::{Envelope, Named};

/// The identifier of a case (办件编号), as the host assigns it.
///
/// In JSON a plain string; decoding refuses an empty one.
///
/// # Example
///
/// ```
/// use shenpi::case::CaseId;
///
/// let id = CaseId::new("JO-2026-000186")?;
/// assert_eq!(id.as_str(), "JO-2026-000186");
/// assert!(CaseId::new("  ").is_err());
/// # Ok::<(), shenpi::case::CaseError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::case::CaseId;
///
/// let id: CaseId = serde_json::from_str(r#""JO-2026-000186""#)?;
/// assert_eq!(serde_json::to_string(&id)?, r#""JO-2026-000186""#);
/// // A blank id is refused when decoded.
/// assert!(serde_json::from_str::<CaseId>(r#"" ""#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct CaseId(std::sync::Arc<str>);

impl CaseId {
    /// A case id from text.
    ///
    /// # Errors
    ///
    /// [`CaseError::EmptyCaseId`] when the text is empty or blank.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::case::CaseId;
    ///
    /// assert_eq!(CaseId::new("A-1")?.to_string(), "A-1");
    /// # Ok::<(), shenpi::case::CaseError>(())
    /// ```
    pub fn new(id: &str) -> Result<CaseId, CaseError> {
        if id.trim().is_empty() {
            return Err(CaseError::EmptyCaseId);
        }
        Ok(CaseId(std::sync::Arc::from(id)))
    }

    /// The id as text.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::case::CaseId;
    ///
    /// assert_eq!(CaseId::new("A-1")?.as_str(), "A-1");
    /// # Ok::<(), shenpi::case::CaseError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for CaseId {
    type Err = CaseError;

    fn from_str(id: &str) -> Result<Self, CaseError> {
        CaseId::new(id)
    }
}

impl TryFrom<String> for CaseId {
    type Error = CaseError;

    fn try_from(id: String) -> Result<Self, CaseError> {
        if id.trim().is_empty() {
            return Err(CaseError::EmptyCaseId);
        }
        Ok(CaseId(std::sync::Arc::from(id)))
    }
}

impl From<CaseId> for String {
    fn from(id: CaseId) -> Self {
        id.0.to_string()
    }
}

/// What someone asks of a case. Wrapped in an [`Envelope`] with who and
/// when, an accepted command is the event the host stores
/// ([`CaseEvent`]).
///
/// In JSON the command is tagged: `{"command": "extend", "working_days": 10,
/// "reason": "site survey pending"}`.
///
/// # Example
///
/// ```
/// use shenpi::case::{CaseCommand, Decision};
///
/// let json = serde_json::to_string(&CaseCommand::Conclude { decision: Decision::Approved })?;
/// assert_eq!(json, r#"{"command":"conclude","decision":"approved"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum CaseCommand {
    /// An application comes in; always the first event of a case.
    Receive,
    /// A correction notice (补正告知) listing everything missing, at once
    /// (art. 32). Late notices (more than 5 working days after receipt by
    /// default) make the case count as accepted on receipt instead.
    RequestCorrection {
        /// Every missing or faulty material.
        missing: Vec<String>,
    },
    /// The applicant supplies the corrections.
    SubmitCorrection,
    /// Acceptance (受理): the legal clock starts.
    Accept,
    /// Not accepted (不予受理), for example outside the agency's remit.
    RefuseToAccept {
        /// The written reason.
        reason: String,
    },
    /// A department starts handling the case.
    StartHandling,
    /// The clock stops for a correction during review or a special
    /// procedure of art. 45.
    Suspend {
        /// Why.
        reason: SuspensionKind,
    },
    /// The clock restarts.
    Resume,
    /// The agency head extends the limit (art. 42), with a written reason.
    Extend {
        /// Working days added.
        working_days: u32,
        /// The written reason.
        reason: String,
    },
    /// The case is decided.
    Conclude {
        /// The decision.
        decision: Decision,
    },
    /// An instant case (即办件) is accepted and decided on the spot, the day
    /// it is received (art. 34).
    ConcludeOnTheSpot {
        /// The decision.
        decision: Decision,
    },
    /// The decision is delivered (送达, art. 44).
    Deliver,
    /// The applicant withdraws the application.
    Withdraw,
    /// The licence is recalled (撤回).
    Recall {
        /// The written reason.
        reason: String,
    },
    /// The licence is revoked (撤销).
    Revoke {
        /// The written reason.
        reason: String,
    },
}

impl CaseCommand {
    /// The kind of this command.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::case::{CaseCommand, CaseCommandKind};
    ///
    /// assert_eq!(CaseCommand::Accept.kind(), CaseCommandKind::Accept);
    /// ```
    pub const fn kind(&self) -> CaseCommandKind {
        match self {
            CaseCommand::Receive => CaseCommandKind::Receive,
            CaseCommand::RequestCorrection { .. } => CaseCommandKind::RequestCorrection,
            CaseCommand::SubmitCorrection => CaseCommandKind::SubmitCorrection,
            CaseCommand::Accept => CaseCommandKind::Accept,
            CaseCommand::RefuseToAccept { .. } => CaseCommandKind::RefuseToAccept,
            CaseCommand::StartHandling => CaseCommandKind::StartHandling,
            CaseCommand::Suspend { .. } => CaseCommandKind::Suspend,
            CaseCommand::Resume => CaseCommandKind::Resume,
            CaseCommand::Extend { .. } => CaseCommandKind::Extend,
            CaseCommand::Conclude { .. } => CaseCommandKind::Conclude,
            CaseCommand::ConcludeOnTheSpot { .. } => CaseCommandKind::ConcludeOnTheSpot,
            CaseCommand::Deliver => CaseCommandKind::Deliver,
            CaseCommand::Withdraw => CaseCommandKind::Withdraw,
            CaseCommand::Recall { .. } => CaseCommandKind::Recall,
            CaseCommand::Revoke { .. } => CaseCommandKind::Revoke,
        }
    }
}

/// The kind of a [`CaseCommand`], without its data: what role policies,
/// transition tables and errors speak of.
///
/// # Example
///
/// ```
/// use shenpi::case::CaseCommandKind;
/// use shenpi::machine::Named;
///
/// assert_eq!(CaseCommandKind::ConcludeOnTheSpot.name(), "conclude_on_the_spot");
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::case::CaseCommandKind;
///
/// assert_eq!(serde_json::to_string(&CaseCommandKind::RequestCorrection)?, r#""request_correction""#);
/// assert_eq!(serde_json::from_str::<CaseCommandKind>(r#""conclude_on_the_spot""#)?, CaseCommandKind::ConcludeOnTheSpot);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseCommandKind {
    /// See [`CaseCommand::Receive`].
    Receive,
    /// See [`CaseCommand::RequestCorrection`].
    RequestCorrection,
    /// See [`CaseCommand::SubmitCorrection`].
    SubmitCorrection,
    /// See [`CaseCommand::Accept`].
    Accept,
    /// See [`CaseCommand::RefuseToAccept`].
    RefuseToAccept,
    /// See [`CaseCommand::StartHandling`].
    StartHandling,
    /// See [`CaseCommand::Suspend`].
    Suspend,
    /// See [`CaseCommand::Resume`].
    Resume,
    /// See [`CaseCommand::Extend`].
    Extend,
    /// See [`CaseCommand::Conclude`].
    Conclude,
    /// See [`CaseCommand::ConcludeOnTheSpot`].
    ConcludeOnTheSpot,
    /// See [`CaseCommand::Deliver`].
    Deliver,
    /// See [`CaseCommand::Withdraw`].
    Withdraw,
    /// See [`CaseCommand::Recall`].
    Recall,
    /// See [`CaseCommand::Revoke`].
    Revoke,
}

impl CaseCommandKind {
    /// Every kind, in order.
    pub const ALL: [CaseCommandKind; 15] = [
        CaseCommandKind::Receive,
        CaseCommandKind::RequestCorrection,
        CaseCommandKind::SubmitCorrection,
        CaseCommandKind::Accept,
        CaseCommandKind::RefuseToAccept,
        CaseCommandKind::StartHandling,
        CaseCommandKind::Suspend,
        CaseCommandKind::Resume,
        CaseCommandKind::Extend,
        CaseCommandKind::Conclude,
        CaseCommandKind::ConcludeOnTheSpot,
        CaseCommandKind::Deliver,
        CaseCommandKind::Withdraw,
        CaseCommandKind::Recall,
        CaseCommandKind::Revoke,
    ];
}

impl Named for CaseCommandKind {
    fn name(&self) -> &'static str {
        match self {
            CaseCommandKind::Receive => "receive",
            CaseCommandKind::RequestCorrection => "request_correction",
            CaseCommandKind::SubmitCorrection => "submit_correction",
            CaseCommandKind::Accept => "accept",
            CaseCommandKind::RefuseToAccept => "refuse_to_accept",
            CaseCommandKind::StartHandling => "start_handling",
            CaseCommandKind::Suspend => "suspend",
            CaseCommandKind::Resume => "resume",
            CaseCommandKind::Extend => "extend",
            CaseCommandKind::Conclude => "conclude",
            CaseCommandKind::ConcludeOnTheSpot => "conclude_on_the_spot",
            CaseCommandKind::Deliver => "deliver",
            CaseCommandKind::Withdraw => "withdraw",
            CaseCommandKind::Recall => "recall",
            CaseCommandKind::Revoke => "revoke",
        }
    }
}

impl fmt::Display for CaseCommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A command with who issued it and when: the unit a case's history is made
/// of.
///
/// # JSON
///
/// ```
/// use shenpi::case::{CaseCommand, CaseEvent};
/// use shenpi::machine::Role;
///
/// let event: CaseEvent = serde_json::from_str(r#"{
///   "actor": {"id": "clerk-7", "role": "window_clerk"},
///   "at": "2026-03-02T09:20:00+08:00",
///   "payload": {"command": "accept"}
/// }"#)?;
/// assert_eq!(event.actor.role, Role::WindowClerk);
/// assert_eq!(event.payload, CaseCommand::Accept);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub type CaseEvent = Envelope<CaseCommand>;
