use std::fmt;

use serde::{Deserialize, Serialize};

use crate::limit::SuspensionKind;
use crate::machine::Named;

/// How a case was decided.
///
/// # Example
///
/// ```
/// use shenpi::case::Decision;
///
/// assert_eq!(Decision::ApprovedWithDeficiency.status_code(), 12);
/// assert!(Decision::ApprovedWithDeficiency.is_approval());
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::case::Decision;
///
/// assert_eq!(serde_json::to_string(&Decision::ApprovedWithDeficiency)?, r#""approved_with_deficiency""#);
/// assert_eq!(serde_json::from_str::<Decision>(r#""denied""#)?, Decision::Denied);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Approved (准予许可), status code 11.
    Approved,
    /// Approved with a deficiency to make good later (容缺受理), status
    /// code 12.
    ApprovedWithDeficiency,
    /// Denied (不予许可), status code 13.
    Denied,
}

impl Decision {
    /// The 办理状态 code of a case concluded this way.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::case::Decision;
    ///
    /// assert_eq!(Decision::Denied.status_code(), 13);
    /// ```
    pub const fn status_code(&self) -> u8 {
        match self {
            Decision::Approved => 11,
            Decision::ApprovedWithDeficiency => 12,
            Decision::Denied => 13,
        }
    }

    /// Whether the decision grants the licence.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::case::Decision;
    ///
    /// assert!(!Decision::Denied.is_approval());
    /// ```
    pub const fn is_approval(&self) -> bool {
        !matches!(self, Decision::Denied)
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Decision::Approved => "approved",
            Decision::ApprovedWithDeficiency => "approved with deficiency",
            Decision::Denied => "denied",
        })
    }
}

/// Where a suspended case returns to when the clock restarts.
///
/// # Example
///
/// ```
/// use shenpi::case::{CaseStateKind, Resumable};
///
/// assert_eq!(Resumable::Extended.state_kind(), CaseStateKind::Extended);
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::case::Resumable;
///
/// assert_eq!(serde_json::to_string(&Resumable::Extended)?, r#""extended""#);
/// assert_eq!(serde_json::from_str::<Resumable>(r#""handling""#)?, Resumable::Handling);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Resumable {
    /// Back to department handling.
    Handling,
    /// Back to handling under an extended limit.
    Extended,
}

impl Resumable {
    /// The state the case resumes in.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::case::{CaseStateKind, Resumable};
    ///
    /// assert_eq!(Resumable::Handling.state_kind(), CaseStateKind::Handling);
    /// ```
    pub const fn state_kind(&self) -> CaseStateKind {
        match self {
            Resumable::Handling => CaseStateKind::Handling,
            Resumable::Extended => CaseStateKind::Extended,
        }
    }

    fn state(self) -> CaseState {
        match self {
            Resumable::Handling => CaseState::Handling,
            Resumable::Extended => CaseState::Extended,
        }
    }
}

/// The state of a case (办件), with the data that exists only in that state.
///
/// Each state maps to a 办理状态 code of the construction-approval data
/// exchange ([`status_code`](Self::status_code)). In JSON the state is
/// tagged: `{"kind": "suspended", "reason": {"kind": "correction"},
/// "resume_to": "handling"}`.
///
/// # Example
///
/// ```
/// use shenpi::case::{CaseState, Decision};
///
/// assert_eq!(CaseState::Received.status_code(), 1);
/// assert_eq!(CaseState::Concluded { decision: Decision::Approved }.status_code(), 11);
/// assert!(CaseState::Concluded { decision: Decision::Denied }.is_concluded());
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::case::{CaseState, Decision, Resumable};
/// use shenpi::limit::SuspensionKind;
///
/// let concluded = CaseState::Concluded { decision: Decision::Approved };
/// assert_eq!(serde_json::to_string(&concluded)?, r#"{"kind":"concluded","decision":"approved"}"#);
/// let suspended: CaseState = serde_json::from_str(
///     r#"{"kind": "suspended", "reason": {"kind": "correction"}, "resume_to": "handling"}"#,
/// )?;
/// assert_eq!(suspended, CaseState::Suspended { reason: SuspensionKind::Correction, resume_to: Resumable::Handling });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CaseState {
    /// The application is in, not yet accepted (code 1).
    Received,
    /// A correction notice (补正) went out before acceptance (code 6).
    CorrectionRequested,
    /// The applicant supplied the corrections (code 7).
    Corrected,
    /// Accepted (受理); the legal clock runs (code 3).
    Accepted,
    /// Not accepted (不予受理) (code 4).
    NotAccepted,
    /// Withdrawn by the applicant (code 2).
    Withdrawn,
    /// A department is handling it (code 8).
    Handling,
    /// The clock is stopped for a correction during review (code 6) or a
    /// special procedure (code 9).
    Suspended {
        /// Why.
        reason: SuspensionKind,
        /// Where the case returns when the clock restarts.
        resume_to: Resumable,
    },
    /// Handling under a limit extended by the agency head (code 8).
    Extended,
    /// Decided (codes 11–13).
    Concluded {
        /// The decision.
        decision: Decision,
    },
    /// The decision has been delivered (送达); the code stays that of the
    /// decision.
    Delivered {
        /// The decision delivered.
        decision: Decision,
    },
    /// The licence was recalled (撤回) (code 14).
    Recalled {
        /// The decision recalled.
        decision: Decision,
    },
    /// The licence was revoked (撤销) (code 15).
    Revoked {
        /// The decision revoked.
        decision: Decision,
    },
}

impl CaseState {
    /// The flat kind of this state, as used by transition tables.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::case::{CaseState, CaseStateKind, Decision};
    ///
    /// let state = CaseState::Concluded { decision: Decision::Approved };
    /// assert_eq!(state.kind(), CaseStateKind::Concluded);
    /// ```
    pub const fn kind(&self) -> CaseStateKind {
        match self {
            CaseState::Received => CaseStateKind::Received,
            CaseState::CorrectionRequested => CaseStateKind::CorrectionRequested,
            CaseState::Corrected => CaseStateKind::Corrected,
            CaseState::Accepted => CaseStateKind::Accepted,
            CaseState::NotAccepted => CaseStateKind::NotAccepted,
            CaseState::Withdrawn => CaseStateKind::Withdrawn,
            CaseState::Handling => CaseStateKind::Handling,
            CaseState::Suspended { .. } => CaseStateKind::Suspended,
            CaseState::Extended => CaseStateKind::Extended,
            CaseState::Concluded { .. } => CaseStateKind::Concluded,
            CaseState::Delivered { .. } => CaseStateKind::Delivered,
            CaseState::Recalled { .. } => CaseStateKind::Recalled,
            CaseState::Revoked { .. } => CaseStateKind::Revoked,
        }
    }

    /// The 办理状态 code (DOMAIN §3): 1 received, 2 withdrawn, 3 accepted,
    /// 4 not accepted, 6/7 correction start/end, 8 department handling,
    /// 9 special procedure, 11–13 concluded, 14 recalled, 15 revoked.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::case::{CaseState, Resumable};
    /// use shenpi::limit::{SpecialProcedure, SuspensionKind};
    ///
    /// let hearing = SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::Hearing };
    /// let state = CaseState::Suspended { reason: hearing, resume_to: Resumable::Handling };
    /// assert_eq!(state.status_code(), 9);
    /// ```
    pub const fn status_code(&self) -> u8 {
        match self {
            CaseState::Received => 1,
            CaseState::Withdrawn => 2,
            CaseState::Accepted => 3,
            CaseState::NotAccepted => 4,
            CaseState::CorrectionRequested => 6,
            CaseState::Corrected => 7,
            CaseState::Handling | CaseState::Extended => 8,
            CaseState::Suspended { reason: SuspensionKind::Correction, .. } => 6,
            CaseState::Suspended { .. } => 9,
            CaseState::Concluded { decision } | CaseState::Delivered { decision } => {
                decision.status_code()
            }
            CaseState::Recalled { .. } => 14,
            CaseState::Revoked { .. } => 15,
        }
    }

    /// Whether the case has been decided (concluded, delivered, recalled or
    /// revoked).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::case::{CaseState, Decision};
    ///
    /// assert!(!CaseState::Handling.is_concluded());
    /// assert!(CaseState::Revoked { decision: Decision::Approved }.is_concluded());
    /// ```
    pub const fn is_concluded(&self) -> bool {
        matches!(
            self,
            CaseState::Concluded { .. }
                | CaseState::Delivered { .. }
                | CaseState::Recalled { .. }
                | CaseState::Revoked { .. }
        )
    }

    /// The decision of a decided case (concluded, delivered, recalled or
    /// revoked).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::case::{CaseState, Decision};
    ///
    /// let state = CaseState::Recalled { decision: Decision::Approved };
    /// assert_eq!(state.decision(), Some(Decision::Approved));
    /// assert_eq!(CaseState::Handling.decision(), None);
    /// ```
    pub const fn decision(&self) -> Option<Decision> {
        match self {
            CaseState::Concluded { decision }
            | CaseState::Delivered { decision }
            | CaseState::Recalled { decision }
            | CaseState::Revoked { decision } => Some(*decision),
            _ => None,
        }
    }

    /// Whether the case is still open (not decided, withdrawn or refused).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::case::CaseState;
    ///
    /// assert!(CaseState::Received.is_open());
    /// assert!(!CaseState::Withdrawn.is_open());
    /// ```
    pub const fn is_open(&self) -> bool {
        !self.is_concluded() && !matches!(self, CaseState::Withdrawn | CaseState::NotAccepted)
    }

    /// Whether the legal clock has started (the case is accepted or later).
    pub(crate) const fn is_clocked(&self) -> bool {
        !matches!(
            self,
            CaseState::Received
                | CaseState::CorrectionRequested
                | CaseState::Corrected
                | CaseState::NotAccepted
        )
    }

    pub(crate) fn resumed(resume_to: Resumable) -> CaseState {
        resume_to.state()
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseState::Suspended { reason, .. } => write!(f, "suspended for {reason}"),
            CaseState::Concluded { decision } => write!(f, "concluded ({decision})"),
            CaseState::Delivered { decision } => write!(f, "delivered ({decision})"),
            other => f.write_str(other.kind().name()),
        }
    }
}

/// The kind of a [`CaseState`], without its data: what transition tables,
/// role policies and errors speak of.
///
/// # Example
///
/// ```
/// use shenpi::case::CaseStateKind;
/// use shenpi::machine::Named;
///
/// assert_eq!(CaseStateKind::CorrectionRequested.name(), "correction_requested");
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::case::CaseStateKind;
///
/// assert_eq!(serde_json::to_string(&CaseStateKind::CorrectionRequested)?, r#""correction_requested""#);
/// assert_eq!(serde_json::from_str::<CaseStateKind>(r#""delivered""#)?, CaseStateKind::Delivered);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseStateKind {
    /// See [`CaseState::Received`].
    Received,
    /// See [`CaseState::CorrectionRequested`].
    CorrectionRequested,
    /// See [`CaseState::Corrected`].
    Corrected,
    /// See [`CaseState::Accepted`].
    Accepted,
    /// See [`CaseState::NotAccepted`].
    NotAccepted,
    /// See [`CaseState::Withdrawn`].
    Withdrawn,
    /// See [`CaseState::Handling`].
    Handling,
    /// See [`CaseState::Suspended`].
    Suspended,
    /// See [`CaseState::Extended`].
    Extended,
    /// See [`CaseState::Concluded`].
    Concluded,
    /// See [`CaseState::Delivered`].
    Delivered,
    /// See [`CaseState::Recalled`].
    Recalled,
    /// See [`CaseState::Revoked`].
    Revoked,
}

impl CaseStateKind {
    /// Every kind, in order.
    pub const ALL: [CaseStateKind; 13] = [
        CaseStateKind::Received,
        CaseStateKind::CorrectionRequested,
        CaseStateKind::Corrected,
        CaseStateKind::Accepted,
        CaseStateKind::NotAccepted,
        CaseStateKind::Withdrawn,
        CaseStateKind::Handling,
        CaseStateKind::Suspended,
        CaseStateKind::Extended,
        CaseStateKind::Concluded,
        CaseStateKind::Delivered,
        CaseStateKind::Recalled,
        CaseStateKind::Revoked,
    ];
}

impl Named for CaseStateKind {
    fn name(&self) -> &'static str {
        match self {
            CaseStateKind::Received => "received",
            CaseStateKind::CorrectionRequested => "correction_requested",
            CaseStateKind::Corrected => "corrected",
            CaseStateKind::Accepted => "accepted",
            CaseStateKind::NotAccepted => "not_accepted",
            CaseStateKind::Withdrawn => "withdrawn",
            CaseStateKind::Handling => "handling",
            CaseStateKind::Suspended => "suspended",
            CaseStateKind::Extended => "extended",
            CaseStateKind::Concluded => "concluded",
            CaseStateKind::Delivered => "delivered",
            CaseStateKind::Recalled => "recalled",
            CaseStateKind::Revoked => "revoked",
        }
    }
}

impl fmt::Display for CaseStateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
