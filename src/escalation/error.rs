use super::RuleId;
use crate::calendar::CalendarError;
use crate::limit::LimitError;

/// What is wrong with an escalation policy, a meeting cadence or an
/// evaluation. Every variant names the rule at fault.
///
/// # Example
///
/// ```
/// use shenpi::escalation::{EscalationError, RuleId};
///
/// let err = RuleId::new("").unwrap_err();
/// assert!(matches!(err, EscalationError::EmptyRuleId));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EscalationError {
    /// A rule id that is empty or blank.
    #[error("a rule id must not be empty")]
    EmptyRuleId,
    /// Two rules share an id.
    #[error("rule {rule} is defined twice")]
    #[non_exhaustive]
    DuplicateRule {
        /// The id used twice.
        rule: RuleId,
    },
    /// A share above 100%.
    #[error("rule {rule}: share {percent}% is outside 0-100%")]
    #[non_exhaustive]
    PercentOutOfRange {
        /// The rule.
        rule: RuleId,
        /// The share given.
        percent: u32,
    },
    /// A more severe action fires at a lower share than a milder one.
    #[error("rule {rule} ({action}) fires at {percent}%, before the milder rule {milder} at {milder_percent}%")]
    #[non_exhaustive]
    ThresholdsOutOfOrder {
        /// The more severe rule.
        rule: RuleId,
        /// Its action.
        action: super::Action,
        /// Its share.
        percent: u32,
        /// The milder rule.
        milder: RuleId,
        /// Its share.
        milder_percent: u32,
    },
    /// A rule that applies to no kind of subject.
    #[error("rule {rule} applies to no subject and can never fire")]
    #[non_exhaustive]
    NeverFires {
        /// The rule.
        rule: RuleId,
    },
    /// A level name that is not on the ladder.
    #[error("rule {rule}: unknown level {level:?}, expected handler, department_head, special_team, city_supervision or accountability")]
    #[non_exhaustive]
    UnknownLevel {
        /// The rule.
        rule: String,
        /// The name given.
        level: String,
    },
    /// An action name that is not known.
    #[error("rule {rule}: unknown action {action:?}")]
    #[non_exhaustive]
    UnknownAction {
        /// The rule.
        rule: String,
        /// The name given.
        action: String,
    },
    /// A meeting cadence that never meets.
    #[error("meeting cadence {what} is invalid: {fault}")]
    #[non_exhaustive]
    InvalidCadence {
        /// Which cadence.
        what: &'static str,
        /// What is wrong.
        fault: &'static str,
    },
    /// A run step observed with a case other than the one handling it.
    #[error("step {step} is handled in case {handling}, not in case {given}")]
    #[non_exhaustive]
    CaseMismatch {
        /// The step.
        step: crate::graph::StepId,
        /// The case the run records for it.
        handling: crate::case::CaseId,
        /// The case given.
        given: crate::case::CaseId,
    },
    /// A calendar operation failed (a date outside the covered years).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A clock could not be read.
    #[error(transparent)]
    Limit(#[from] LimitError),
    /// A case could not be observed.
    #[error(transparent)]
    Case(#[from] crate::case::CaseError),
    /// A ticket could not be observed.
    #[error(transparent)]
    Ticket(#[from] crate::ticket::TicketError),
    /// A graph-run step could not be observed (an unknown step, or a run
    /// that does not fit its graph).
    #[error(transparent)]
    Run(#[from] crate::graph::RunError),
}
