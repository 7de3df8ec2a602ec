use chrono::{DateTime, FixedOffset, NaiveDate};

use super::{CaseCommandKind, CaseStateKind, Decision};
use crate::calendar::CalendarError;
use crate::catalog::ItemCode;
use crate::limit::{LimitError, SpecialProcedure};
use crate::machine::Role;

/// Why a case refused a command, a history or a snapshot. A refused command
/// leaves the case exactly as it was.
///
/// # Example
///
/// ```
/// use shenpi::case::{CaseError, CaseId};
///
/// let err = CaseId::new("").unwrap_err();
/// assert_eq!(err, CaseError::EmptyCaseId);
/// assert_eq!(err.to_string(), "a case id must not be empty");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CaseError {
    /// A case id that is empty or blank.
    #[error("a case id must not be empty")]
    EmptyCaseId,
    /// The command has no transition from the case's state.
    #[error("command {command} is not allowed in state {state}")]
    #[non_exhaustive]
    NotAllowed {
        /// The case's state.
        state: CaseStateKind,
        /// The command refused.
        command: CaseCommandKind,
    },
    /// The role policy does not let this role issue this command.
    #[error("role {role} may not issue command {command}")]
    #[non_exhaustive]
    RoleNotAllowed {
        /// The actor's role.
        role: Role,
        /// The command refused.
        command: CaseCommandKind,
    },
    /// The command's instant is before the case's latest event.
    #[error("command at {at} is before the case's last event at {last}")]
    #[non_exhaustive]
    TimeWentBackwards {
        /// The command's instant.
        at: DateTime<FixedOffset>,
        /// The latest event's instant.
        last: DateTime<FixedOffset>,
    },
    /// The item does not allow this special procedure.
    #[error("item {item} does not allow the special procedure {procedure}")]
    #[non_exhaustive]
    ProcedureNotAllowed {
        /// The item.
        item: ItemCode,
        /// The procedure asked for.
        procedure: SpecialProcedure,
    },
    /// An extension beyond the item's allowance.
    #[error(
        "extension of {requested} working days exceeds the allowance: {used} of {allowance} already used"
    )]
    #[non_exhaustive]
    ExtensionExceedsAllowance {
        /// Working days asked for.
        requested: u32,
        /// Working days already granted.
        used: u32,
        /// The item's allowance.
        allowance: u32,
    },
    /// An extension asked for after the statutory deadline has passed.
    /// 行政许可法 art. 42 allows an extension where a decision cannot be made
    /// within the limit, that is while the limit runs: on its last day at
    /// the latest.
    #[error(
        "an extension on {at} comes after the statutory deadline of {due} has passed: \
         art. 42 allows one only while the limit runs"
    )]
    #[non_exhaustive]
    ExtensionAfterDeadline {
        /// The day the extension was asked for.
        at: chrono::NaiveDate,
        /// The last day of the statutory limit.
        due: chrono::NaiveDate,
    },
    /// The extension of a joint case (统一/联合/集中办理) is granted by the
    /// head of the people's government at that level (行政许可法 art. 42(2)),
    /// not by a department head.
    #[error(
        "the extension of joint case item {item} is granted by {required} (art. 42(2)), not by {role}"
    )]
    #[non_exhaustive]
    ExtensionGrantor {
        /// The item.
        item: ItemCode,
        /// The role that asked.
        role: Role,
        /// The role that grants it.
        required: Role,
    },
    /// An extension of zero working days.
    #[error("an extension must add at least one working day")]
    EmptyExtension,
    /// Only instant items (即办件) may be concluded on the spot.
    #[error("item {item} is not an instant item and cannot be concluded on the spot")]
    #[non_exhaustive]
    NotInstant {
        /// The item.
        item: ItemCode,
    },
    /// A conclusion on the spot must fall on the day of receipt.
    #[error("received on {received} but concluded on the spot on {at}")]
    #[non_exhaustive]
    NotSameDay {
        /// The day the application was received.
        received: NaiveDate,
        /// The day of the command.
        at: NaiveDate,
    },
    /// A written reason is required and was empty.
    #[error("command {command} needs a written reason")]
    #[non_exhaustive]
    EmptyReason {
        /// The command refused.
        command: CaseCommandKind,
    },
    /// A correction notice must list what is missing, all at once.
    #[error("a correction notice must list every missing material, and it lists none")]
    EmptyCorrectionList,
    /// Only an approval can be recalled or revoked.
    #[error("command {command} applies to approvals, but the case was {decision}")]
    #[non_exhaustive]
    NotApproved {
        /// The case's decision.
        decision: Decision,
        /// The command refused.
        command: CaseCommandKind,
    },
    /// The context's item is not the case's item.
    #[error("the case is for item {case} but the context is for item {given}")]
    #[non_exhaustive]
    WrongItem {
        /// The case's item.
        case: ItemCode,
        /// The item given.
        given: ItemCode,
    },
    /// A history to replay is empty.
    #[error("a case history must start with a receive event, and it is empty")]
    EmptyHistory,
    /// A case starts with a receive event.
    #[error("a case history must start with a receive event, not {command}")]
    #[non_exhaustive]
    FirstEventNotReceive {
        /// The first command found.
        command: CaseCommandKind,
    },
    /// Replaying a stored history failed at one event.
    #[error("event {index} of the history was refused")]
    #[non_exhaustive]
    Replay {
        /// The index of the refused event.
        index: usize,
        /// Why it was refused.
        #[source]
        source: Box<CaseError>,
    },
    /// The command expected the case at another event count: the writer
    /// worked from an older (or newer) copy. Nothing changed; read the case
    /// again and decide anew.
    #[error("stale command: expected the case at {expected} events, but it has taken {actual}")]
    #[non_exhaustive]
    Stale {
        /// The count the envelope expected.
        expected: u64,
        /// The case's count.
        actual: u64,
    },
    /// The case has taken [`MAX_EVENTS`](crate::machine::MAX_EVENTS)
    /// events and takes no more.
    #[error("the case has taken {max} events, the most a case may take")]
    #[non_exhaustive]
    HistoryFull {
        /// The maximum, [`MAX_EVENTS`](crate::machine::MAX_EVENTS).
        max: u64,
    },
    /// A stored snapshot contradicts itself.
    #[error("inconsistent case snapshot: {what}")]
    #[non_exhaustive]
    InconsistentSnapshot {
        /// What does not fit.
        what: &'static str,
    },
    /// The legal clock refused.
    #[error(transparent)]
    Limit(#[from] LimitError),
    /// The calendar refused (a date outside its covered years).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}
