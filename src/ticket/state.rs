use std::fmt;

use serde::{Deserialize, Serialize};

use crate::machine::Named;

/// Where a complaint ticket came from.
///
/// # Example
///
/// ```
/// use shenpi::ticket::TicketSource;
///
/// assert_eq!(TicketSource::CantGetItDoneWindow.name_zh(), "办不成事窗口");
/// assert_eq!(serde_json::to_string(&TicketSource::BadReview)?, r#""bad_review""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketSource {
    /// The "can't get it done" window (办不成事窗口): an application refused,
    /// stalled, or needing many trips.
    CantGetItDoneWindow,
    /// A complaint raised at a government–business tea meeting
    /// (政企同心茶话会).
    TeaMeeting,
    /// A problem blocking a key project: one problem, one measure, one owner,
    /// one deadline (一问题一措施一责任人一完成时限).
    KeyProjectProblem,
    /// A bad review (差评) of a service; it may be appealed (申诉复核).
    BadReview,
    /// A call to the citizen hotline (12345).
    Hotline,
}

impl TicketSource {
    /// The Chinese name of the source.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::TicketSource;
    ///
    /// assert_eq!(TicketSource::BadReview.name_zh(), "差评");
    /// ```
    pub const fn name_zh(&self) -> &'static str {
        match self {
            TicketSource::CantGetItDoneWindow => "办不成事窗口",
            TicketSource::TeaMeeting => "政企同心茶话会",
            TicketSource::KeyProjectProblem => "重点项目问题",
            TicketSource::BadReview => "差评",
            TicketSource::Hotline => "12345热线",
        }
    }
}

impl fmt::Display for TicketSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TicketSource::CantGetItDoneWindow => "can't-get-it-done window",
            TicketSource::TeaMeeting => "tea meeting",
            TicketSource::KeyProjectProblem => "key-project problem",
            TicketSource::BadReview => "bad review",
            TicketSource::Hotline => "hotline",
        })
    }
}

/// How a ticket was classified (分类), which sets its feedback deadline.
///
/// # Example
///
/// ```
/// use shenpi::ticket::TicketClass;
///
/// assert!(TicketClass::General.is_transferable());
/// assert!(!TicketClass::NoLegalBasis.is_transferable());
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::ticket::TicketClass;
///
/// assert_eq!(serde_json::to_string(&TicketClass::NoLegalBasis)?, r#""no_legal_basis""#);
/// assert_eq!(serde_json::from_str::<TicketClass>(r#""complex""#)?, TicketClass::Complex);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketClass {
    /// Answered by explanation at the window, the same day (当场解释).
    ExplainOnTheSpot,
    /// A simple matter: feedback the same day.
    Simple,
    /// A general matter: feedback within 3 working days by default.
    General,
    /// A complex matter: feedback within 5 working days by default.
    Complex,
    /// No legal basis for the request (无法律依据): closed with a written
    /// explanation, the same day.
    NoLegalBasis,
}

impl TicketClass {
    /// Every class, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::TicketClass;
    ///
    /// assert_eq!(TicketClass::ALL.len(), 5);
    /// ```
    pub const ALL: [TicketClass; 5] = [
        TicketClass::ExplainOnTheSpot,
        TicketClass::Simple,
        TicketClass::General,
        TicketClass::Complex,
        TicketClass::NoLegalBasis,
    ];

    /// Whether tickets of this class are transferred to departments
    /// (simple, general and complex ones are).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::TicketClass;
    ///
    /// assert!(TicketClass::Complex.is_transferable());
    /// assert!(!TicketClass::ExplainOnTheSpot.is_transferable());
    /// ```
    pub const fn is_transferable(&self) -> bool {
        matches!(self, TicketClass::Simple | TicketClass::General | TicketClass::Complex)
    }
}

impl fmt::Display for TicketClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TicketClass::ExplainOnTheSpot => "explain on the spot",
            TicketClass::Simple => "simple",
            TicketClass::General => "general",
            TicketClass::Complex => "complex",
            TicketClass::NoLegalBasis => "no legal basis",
        })
    }
}

/// How a ticket was closed.
///
/// # Example
///
/// ```
/// use shenpi::ticket::Closure;
///
/// let json = serde_json::to_string(&Closure::Satisfied { satisfaction: 2 })?;
/// assert_eq!(json, r#"{"kind":"satisfied","satisfaction":2}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Closure {
    /// The complainant's feedback was 1–3 (not a bad one).
    Satisfied {
        /// The satisfaction given, 1 (very satisfied) to 3.
        satisfaction: u8,
    },
    /// The request has no legal basis; closed with a written explanation.
    NoLegalBasis,
    /// Resolved and closed by the special team without the complainant's
    /// feedback (the return visit got no answer), with a written note.
    WithoutFeedback,
    /// A bad review overturned on appeal (申诉复核): the review is removed.
    ReviewRemoved,
}

impl fmt::Display for Closure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Closure::Satisfied { satisfaction } => write!(f, "satisfied ({satisfaction})"),
            Closure::NoLegalBasis => f.write_str("no legal basis"),
            Closure::WithoutFeedback => f.write_str("without feedback"),
            Closure::ReviewRemoved => f.write_str("review removed"),
        }
    }
}

/// The state of a complaint ticket, with the data that exists only in that
/// state. In JSON the state is tagged: `{"kind": "classified", "class":
/// "general"}`.
///
/// # Example
///
/// ```
/// use shenpi::ticket::{Closure, TicketClass, TicketState, TicketStateKind};
///
/// let state = TicketState::Classified { class: TicketClass::General };
/// assert_eq!(state.kind(), TicketStateKind::Classified);
/// assert!(state.is_open());
/// assert!(!TicketState::Closed { closure: Closure::ReviewRemoved }.is_open());
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::ticket::{TicketClass, TicketState};
///
/// let classified = TicketState::Classified { class: TicketClass::General };
/// assert_eq!(serde_json::to_string(&classified)?, r#"{"kind":"classified","class":"general"}"#);
/// assert_eq!(serde_json::from_str::<TicketState>(r#"{"kind": "in_progress"}"#)?, TicketState::InProgress);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TicketState {
    /// Received (受理), not yet classified.
    Received,
    /// Classified (分类).
    Classified {
        /// The class.
        class: TicketClass,
    },
    /// Transferred (转办) to one or more departments, none has taken it yet.
    Transferred,
    /// At least one department is working on it.
    InProgress,
    /// Every department resolved its part (办结), or the window explained on
    /// the spot; waiting for the complainant's feedback (回访).
    Resolved,
    /// The complainant was not satisfied (feedback 4–5): a new cycle starts.
    Reopened,
    /// A bad review is under appeal (申诉复核).
    UnderAppeal {
        /// The class the ticket had when appealed (`None` when appealed
        /// before classification); an upheld review returns there.
        class: Option<TicketClass>,
    },
    /// Closed.
    Closed {
        /// How.
        closure: Closure,
    },
}

impl TicketState {
    /// The flat kind of this state, as used by transition tables.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::{TicketState, TicketStateKind};
    ///
    /// assert_eq!(TicketState::UnderAppeal { class: None }.kind(), TicketStateKind::UnderAppeal);
    /// ```
    pub const fn kind(&self) -> TicketStateKind {
        match self {
            TicketState::Received => TicketStateKind::Received,
            TicketState::Classified { .. } => TicketStateKind::Classified,
            TicketState::Transferred => TicketStateKind::Transferred,
            TicketState::InProgress => TicketStateKind::InProgress,
            TicketState::Resolved => TicketStateKind::Resolved,
            TicketState::Reopened => TicketStateKind::Reopened,
            TicketState::UnderAppeal { .. } => TicketStateKind::UnderAppeal,
            TicketState::Closed { .. } => TicketStateKind::Closed,
        }
    }

    /// Whether the ticket is still open (not closed).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::TicketState;
    ///
    /// assert!(TicketState::Reopened.is_open());
    /// ```
    pub const fn is_open(&self) -> bool {
        !matches!(self, TicketState::Closed { .. })
    }
}

impl fmt::Display for TicketState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TicketState::Classified { class } => write!(f, "classified ({class})"),
            TicketState::Closed { closure } => write!(f, "closed ({closure})"),
            other => f.write_str(other.kind().name()),
        }
    }
}

/// The kind of a [`TicketState`], without its data: what transition tables,
/// role policies and errors speak of.
///
/// # Example
///
/// ```
/// use shenpi::machine::Named;
/// use shenpi::ticket::TicketStateKind;
///
/// assert_eq!(TicketStateKind::UnderAppeal.name(), "under_appeal");
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::ticket::TicketStateKind;
///
/// assert_eq!(serde_json::to_string(&TicketStateKind::UnderAppeal)?, r#""under_appeal""#);
/// assert_eq!(serde_json::from_str::<TicketStateKind>(r#""resolved""#)?, TicketStateKind::Resolved);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStateKind {
    /// See [`TicketState::Received`].
    Received,
    /// See [`TicketState::Classified`].
    Classified,
    /// See [`TicketState::Transferred`].
    Transferred,
    /// See [`TicketState::InProgress`].
    InProgress,
    /// See [`TicketState::Resolved`].
    Resolved,
    /// See [`TicketState::Reopened`].
    Reopened,
    /// See [`TicketState::UnderAppeal`].
    UnderAppeal,
    /// See [`TicketState::Closed`].
    Closed,
}

impl TicketStateKind {
    /// Every kind, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::ticket::TicketStateKind;
    ///
    /// assert_eq!(TicketStateKind::ALL.len(), 8);
    /// ```
    pub const ALL: [TicketStateKind; 8] = [
        TicketStateKind::Received,
        TicketStateKind::Classified,
        TicketStateKind::Transferred,
        TicketStateKind::InProgress,
        TicketStateKind::Resolved,
        TicketStateKind::Reopened,
        TicketStateKind::UnderAppeal,
        TicketStateKind::Closed,
    ];
}

impl Named for TicketStateKind {
    fn name(&self) -> &'static str {
        match self {
            TicketStateKind::Received => "received",
            TicketStateKind::Classified => "classified",
            TicketStateKind::Transferred => "transferred",
            TicketStateKind::InProgress => "in_progress",
            TicketStateKind::Resolved => "resolved",
            TicketStateKind::Reopened => "reopened",
            TicketStateKind::UnderAppeal => "under_appeal",
            TicketStateKind::Closed => "closed",
        }
    }
}

impl fmt::Display for TicketStateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_agree_with_serde() {
        for kind in TicketStateKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
    }

    #[test]
    fn states_round_trip_tagged() {
        let states = [
            TicketState::Received,
            TicketState::Classified { class: TicketClass::Complex },
            TicketState::UnderAppeal { class: None },
            TicketState::UnderAppeal { class: Some(TicketClass::Simple) },
            TicketState::Closed { closure: Closure::Satisfied { satisfaction: 1 } },
        ];
        for state in states {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(serde_json::from_str::<TicketState>(&json).unwrap(), state);
        }
        assert_eq!(
            TicketState::Closed { closure: Closure::NoLegalBasis }.to_string(),
            "closed (no legal basis)"
        );
    }
}
