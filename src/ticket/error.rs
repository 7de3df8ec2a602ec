use chrono::{DateTime, FixedOffset, NaiveDate};

use super::{TicketClass, TicketCommandKind, TicketId, TicketSource, TicketStateKind};
use crate::calendar::CalendarError;
use crate::catalog::DepartmentId;
use crate::machine::Role;

/// Why a ticket refused a command, a history, a snapshot or a deadline
/// configuration. A refused command leaves the ticket exactly as it was.
///
/// # Example
///
/// ```
/// use shenpi::ticket::{TicketError, TicketId};
///
/// let err = TicketId::new("").unwrap_err();
/// assert_eq!(err, TicketError::EmptyTicketId);
/// assert_eq!(err.to_string(), "a ticket id must not be empty");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TicketError {
    /// A ticket id that is empty or blank.
    #[error("a ticket id must not be empty")]
    EmptyTicketId,
    /// The command has no transition from the ticket's state.
    #[error("ticket {id}: command {command} is not allowed in state {state}")]
    #[non_exhaustive]
    NotAllowed {
        /// The ticket.
        id: TicketId,
        /// The ticket's state.
        state: TicketStateKind,
        /// The command refused.
        command: TicketCommandKind,
    },
    /// The role policy does not let this role issue this command.
    #[error("ticket {id}: role {role} may not issue command {command}")]
    #[non_exhaustive]
    RoleNotAllowed {
        /// The ticket.
        id: TicketId,
        /// The actor's role.
        role: Role,
        /// The command refused.
        command: TicketCommandKind,
    },
    /// The command's instant is before the ticket's latest event.
    #[error("ticket {id}: command at {at} is before the ticket's last event at {last}")]
    #[non_exhaustive]
    TimeWentBackwards {
        /// The ticket.
        id: TicketId,
        /// The command's instant.
        at: DateTime<FixedOffset>,
        /// The latest event's instant.
        last: DateTime<FixedOffset>,
    },
    /// A written text the command needs (subject, explanation, result,
    /// reason) is empty.
    #[error("ticket {id}: command {command} needs a written {what}")]
    #[non_exhaustive]
    EmptyText {
        /// The ticket.
        id: TicketId,
        /// The command refused.
        command: TicketCommandKind,
        /// Which text.
        what: &'static str,
    },
    /// A ticket is received with zero visits.
    #[error("ticket {id}: a complaint comes with at least one visit")]
    #[non_exhaustive]
    NoVisits {
        /// The ticket.
        id: TicketId,
    },
    /// A transfer lists no department.
    #[error("ticket {id}: a transfer must name at least one department")]
    #[non_exhaustive]
    NoDepartments {
        /// The ticket.
        id: TicketId,
    },
    /// A transfer names a department twice.
    #[error("ticket {id}: department {department} is named twice in the transfer")]
    #[non_exhaustive]
    DuplicateDepartment {
        /// The ticket.
        id: TicketId,
        /// The department.
        department: DepartmentId,
    },
    /// An assignment without a measure.
    #[error("ticket {id}: the assignment to {department} has no measure")]
    #[non_exhaustive]
    EmptyMeasure {
        /// The ticket.
        id: TicketId,
        /// The department.
        department: DepartmentId,
    },
    /// An assignment without an owner.
    #[error("ticket {id}: the assignment to {department} has no owner")]
    #[non_exhaustive]
    EmptyOwner {
        /// The ticket.
        id: TicketId,
        /// The department.
        department: DepartmentId,
    },
    /// An assignment due before the transfer itself.
    #[error("ticket {id}: the assignment to {department} is due at {deadline}, before the transfer at {at}")]
    #[non_exhaustive]
    DeadlineBeforeTransfer {
        /// The ticket.
        id: TicketId,
        /// The department.
        department: DepartmentId,
        /// The deadline given.
        deadline: DateTime<FixedOffset>,
        /// The transfer's instant.
        at: DateTime<FixedOffset>,
    },
    /// A department the current cycle did not assign.
    #[error("ticket {id}: department {department} has no assignment in this cycle")]
    #[non_exhaustive]
    UnknownDepartment {
        /// The ticket.
        id: TicketId,
        /// The department.
        department: DepartmentId,
    },
    /// A department takes up or resolves an assignment a second time.
    #[error("ticket {id}: department {department} already did {command} in this cycle")]
    #[non_exhaustive]
    AlreadyDone {
        /// The ticket.
        id: TicketId,
        /// The department.
        department: DepartmentId,
        /// The command repeated.
        command: TicketCommandKind,
    },
    /// A satisfaction outside 1–5.
    #[error("ticket {id}: satisfaction {satisfaction} is outside 1 to 5")]
    #[non_exhaustive]
    SatisfactionOutOfRange {
        /// The ticket.
        id: TicketId,
        /// The value given.
        satisfaction: u8,
    },
    /// Only bad reviews may be appealed.
    #[error("ticket {id}: only a bad review may be appealed, and this ticket came from {origin}")]
    #[non_exhaustive]
    AppealNotBadReview {
        /// The ticket.
        id: TicketId,
        /// Where the ticket came from.
        origin: TicketSource,
    },
    /// A bad review may be appealed once.
    #[error("ticket {id}: the review was already appealed")]
    #[non_exhaustive]
    AlreadyAppealed {
        /// The ticket.
        id: TicketId,
    },
    /// The command does not fit the ticket's class.
    #[error("ticket {id}: command {command} does not apply to a ticket classified {class}")]
    #[non_exhaustive]
    WrongClass {
        /// The ticket.
        id: TicketId,
        /// The ticket's class.
        class: TicketClass,
        /// The command refused.
        command: TicketCommandKind,
    },
    /// An explanation on the spot must come the day of classification.
    #[error("ticket {id}: classified on {classified} but explained on the spot on {at}")]
    #[non_exhaustive]
    NotSameDay {
        /// The ticket.
        id: TicketId,
        /// The day of classification.
        classified: NaiveDate,
        /// The day of the command.
        at: NaiveDate,
    },
    /// A history to replay is empty.
    #[error("a ticket history must start with a receive event, and it is empty")]
    EmptyHistory,
    /// A ticket starts with a receive event.
    #[error("ticket {id}: a history must start with a receive event, not {command}")]
    #[non_exhaustive]
    FirstEventNotReceive {
        /// The ticket.
        id: TicketId,
        /// The first command found.
        command: TicketCommandKind,
    },
    /// Replaying a stored history failed at one event.
    #[error("event {index} of the ticket history was refused")]
    #[non_exhaustive]
    Replay {
        /// The index of the refused event.
        index: usize,
        /// Why it was refused.
        #[source]
        source: Box<TicketError>,
    },
    /// The command expected the ticket at another event count: the writer
    /// worked from an older (or newer) copy. Nothing changed.
    #[error("stale command: expected the ticket at {expected} events, but it has taken {actual}")]
    #[non_exhaustive]
    Stale {
        /// The count the envelope expected.
        expected: u64,
        /// The ticket's count.
        actual: u64,
    },
    /// The ticket has taken [`MAX_EVENTS`](crate::machine::MAX_EVENTS)
    /// events and takes no more.
    #[error("the ticket has taken {max} events, the most a ticket may take")]
    #[non_exhaustive]
    HistoryFull {
        /// The maximum, [`MAX_EVENTS`](crate::machine::MAX_EVENTS).
        max: u64,
    },
    /// A stored snapshot contradicts itself.
    #[error("inconsistent ticket snapshot: {what}")]
    #[non_exhaustive]
    InconsistentSnapshot {
        /// What does not fit.
        what: &'static str,
    },
    /// A feedback-deadline configuration is invalid.
    #[error("invalid feedback deadlines: {what}")]
    #[non_exhaustive]
    InvalidDeadlines {
        /// What is wrong.
        what: &'static str,
    },
    /// Classifying (or reopening) would set a feedback deadline past the last published
    /// year of the calendar (under the refuse policy): refused at the
    /// command.
    #[error(
        "the feedback deadline {days} working days after {from} falls after {published}, the last \
         year whose holiday arrangement the calendar has: load the {next} arrangement or opt into \
         estimates",
        next = published + 1
    )]
    #[non_exhaustive]
    FeedbackDueUnpublished {
        /// The day the count starts from.
        from: NaiveDate,
        /// The working days for feedback.
        days: u32,
        /// The last published year of the calendar.
        published: i32,
    },
    /// The calendar refused (a date outside its covered years).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}
