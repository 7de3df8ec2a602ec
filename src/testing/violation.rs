use std::fmt;

use chrono::{DateTime, FixedOffset};

use super::Illegal;
use crate::case::CaseError;
use crate::escalation::EscalationError;
use crate::graph::RunError;
use crate::ticket::TicketError;

/// The machine a law was checked on.
///
/// # Example
///
/// ```
/// use shenpi::testing::Machine;
///
/// assert_eq!(Machine::GraphRun.to_string(), "graph run");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Machine {
    /// A [`Case`](crate::case::Case).
    Case,
    /// A [`GraphRun`](crate::graph::GraphRun).
    GraphRun,
    /// A [`Ticket`](crate::ticket::Ticket).
    Ticket,
    /// An [`EscalationPolicy`](crate::escalation::EscalationPolicy) over a
    /// subject.
    Escalation,
}

impl fmt::Display for Machine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Machine::Case => "case",
            Machine::GraphRun => "graph run",
            Machine::Ticket => "ticket",
            Machine::Escalation => "escalation",
        })
    }
}

/// A law of the machines, as the kit checks it.
///
/// # Example
///
/// ```
/// use shenpi::testing::Law;
///
/// assert_eq!(Law::ReplayEqualsIncremental.to_string(), "replaying the accepted events gives the state built one command at a time");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Law {
    /// Replaying the accepted events gives the state built one command at a
    /// time.
    ReplayEqualsIncremental,
    /// A retry of the latest command (the same `command_id`) is answered
    /// with the earlier transition and changes nothing.
    RetryAnswered,
    /// A command expecting an event count the machine has passed is
    /// refused as stale and changes nothing.
    StaleRefused,
    /// An accepted command records one event at its instant and its
    /// transition names the state reached.
    TransitionRecorded,
    /// Every accepted transition is a row of the machine's transition table.
    TransitionInTable,
    /// Time used never decreases as `now` moves on.
    ElapsedMonotone,
    /// Deadlines never move earlier as `now` moves on.
    DeadlinesMonotone,
    /// While the clock is suspended no time is used.
    SuspendedTimeNeverCounts,
    /// A deadline is never earlier than it would be without suspensions.
    DueNotEarlierThanWithoutSuspensions,
    /// A stopped clock stays stopped.
    StoppedStaysStopped,
    /// A card (a deadline passed) means all the promised time is used,
    /// unless a suspension began on the deadline's last day or later (it
    /// does not move the deadline, and its time is not used).
    CardMeansTimeUsed,
    /// A step becomes ready only when its join and its stage gate are met.
    JoinOpensOnlyWhenMet,
    /// While the run goes on, no waiting step has its join and gate met.
    JoinOpensWhenMet,
    /// A fallback becomes ready only when the step it stands in for is
    /// denied.
    FallbackOnlyOnDenial,
    /// A running run always has a step ready or under way.
    NeverStuck,
    /// A run is over exactly when no step is pending.
    OverExactlyWhenNothingPending,
    /// A run fails only on a denial.
    FailsOnlyOnDenial,
    /// The step changes a transition reports, replayed over the statuses
    /// before, give the statuses after.
    StepChangesAddUp,
    /// A ticket's visits are its visits at receipt plus its cycles, and each
    /// cycle is a dissatisfied feedback.
    VisitsCountCycles,
    /// A ticket's feedback deadline is never on a day before its cycle
    /// began.
    FeedbackDueAfterCycleStart,
    /// Evaluating twice gives the same notices, and nothing once they are
    /// recorded.
    EvaluationIdempotent,
    /// A log prepared for the policy gives the same notices as the same
    /// log read in full.
    PreparedLogAgrees,
    /// No notice is due after the instant it is evaluated at, and none fires
    /// twice in a cycle.
    NeverEarlyNeverTwice,
    /// Just before `next_due` nothing is due, and at it a notice is due
    /// then.
    NextDueExact,
    /// For a subject that does not change, a rule due at one instant is due
    /// at every later one: levels only climb within a cycle.
    LevelsMonotone,
    /// A closed subject fires nothing and has nothing due.
    ClosedFiresNothing,
}

impl fmt::Display for Law {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Law::ReplayEqualsIncremental => {
                "replaying the accepted events gives the state built one command at a time"
            }
            Law::RetryAnswered => {
                "a retry of the latest command is answered with its transition and changes nothing"
            }
            Law::StaleRefused => {
                "a command expecting a passed event count is refused and changes nothing"
            }
            Law::TransitionRecorded => {
                "an accepted command records one event at its instant and names the state reached"
            }
            Law::TransitionInTable => "every accepted transition is a row of the transition table",
            Law::ElapsedMonotone => "time used never decreases as now moves on",
            Law::DeadlinesMonotone => "deadlines never move earlier as now moves on",
            Law::SuspendedTimeNeverCounts => "suspended time never counts",
            Law::DueNotEarlierThanWithoutSuspensions => {
                "a deadline is never earlier than without suspensions"
            }
            Law::StoppedStaysStopped => "a stopped clock stays stopped",
            Law::CardMeansTimeUsed => "a card means all the promised time is used",
            Law::JoinOpensOnlyWhenMet => "a step becomes ready only when its join and gate are met",
            Law::JoinOpensWhenMet => "no step waits once its join and gate are met",
            Law::FallbackOnlyOnDenial => "a fallback becomes ready only on its step's denial",
            Law::NeverStuck => "a running run has a step ready or under way",
            Law::OverExactlyWhenNothingPending => "a run is over exactly when no step is pending",
            Law::FailsOnlyOnDenial => "a run fails only on a denial",
            Law::StepChangesAddUp => "the reported step changes give the statuses after",
            Law::VisitsCountCycles => "visits are the visits at receipt plus the reopenings",
            Law::FeedbackDueAfterCycleStart => {
                "a feedback deadline is never on a day before its cycle began"
            }
            Law::EvaluationIdempotent => "evaluation is idempotent",
            Law::PreparedLogAgrees => "a prepared log gives what the log read in full gives",
            Law::NeverEarlyNeverTwice => "no notice fires early or twice in a cycle",
            Law::NextDueExact => "next_due is exact",
            Law::LevelsMonotone => "a rule due stays due as now moves on: levels only climb",
            Law::ClosedFiresNothing => "a closed subject fires nothing",
        })
    }
}

/// Why a machine refused a command, whichever machine it was.
///
/// # Example
///
/// ```
/// use shenpi::case::CaseError;
/// use shenpi::testing::Refusal;
///
/// let refusal = Refusal::from(CaseError::EmptyHistory);
/// assert!(refusal.to_string().contains("empty"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// A case refused.
    #[error(transparent)]
    Case(#[from] CaseError),
    /// A graph run refused.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A ticket refused.
    #[error(transparent)]
    Ticket(#[from] TicketError),
    /// An escalation policy could not evaluate.
    #[error(transparent)]
    Escalation(#[from] EscalationError),
}

/// A law broken: which, on which machine, at which event or instant, and
/// what was expected against what was found. Its message explains itself,
/// so a failing property says what went wrong without a debugger.
///
/// # Example
///
/// ```
/// use shenpi::testing::{Law, Machine, Violation};
///
/// let v = Violation::Broken {
///     machine: Machine::Case,
///     law: Law::ElapsedMonotone,
///     index: None,
///     at: None,
///     expected: "at least 3 working days".into(),
///     found: "2".into(),
/// };
/// assert_eq!(
///     v.to_string(),
///     "case: law broken: time used never decreases as now moves on: expected at least 3 working days, found 2",
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Violation {
    /// A command the generator made legal was refused.
    #[error("{machine}: event {index} ({command}) is legal but was refused: {error}")]
    LegalRefused {
        /// The machine.
        machine: Machine,
        /// The index of the event in the history.
        index: usize,
        /// The command's kind.
        command: &'static str,
        /// Why the machine refused it.
        error: Refusal,
    },
    /// A command the generator made illegal was accepted.
    #[error("{machine}: event {index} ({command}) is illegal, since {why}, but was accepted")]
    IllegalAccepted {
        /// The machine.
        machine: Machine,
        /// The index of the event in the history.
        index: usize,
        /// The command's kind.
        command: &'static str,
        /// Why it is illegal.
        why: Illegal,
    },
    /// A refused command changed the machine.
    #[error("{machine}: event {index} ({command}) was refused ({error}) but changed the state")]
    RefusalChangedState {
        /// The machine.
        machine: Machine,
        /// The index of the event in the history.
        index: usize,
        /// The command's kind.
        command: &'static str,
        /// Why it was refused.
        error: Refusal,
    },
    /// A law was broken.
    #[error("{machine}: law broken: {law}{}{}: expected {expected}, found {found}", Place(*index, "after event "), At(*at))]
    Broken {
        /// The machine.
        machine: Machine,
        /// The law.
        law: Law,
        /// The event after which it broke, if at one.
        index: Option<usize>,
        /// The instant at which it broke, if at one.
        at: Option<DateTime<FixedOffset>>,
        /// What the law asks for.
        expected: String,
        /// What was found.
        found: String,
    },
    /// A machine failed where the law needs an answer (not for lack of
    /// calendar: readings past the covered years are skipped).
    #[error("{machine}: {what} failed: {error}")]
    Failed {
        /// The machine.
        machine: Machine,
        /// What was asked.
        what: &'static str,
        /// The error.
        error: Refusal,
    },
}

struct Place(Option<usize>, &'static str);

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(i) => write!(f, " {}{i}", self.1),
            None => Ok(()),
        }
    }
}

struct At(Option<DateTime<FixedOffset>>);

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(at) => write!(f, " at {}", at.to_rfc3339()),
            None => Ok(()),
        }
    }
}

/// A broken-law violation.
pub(crate) fn broken(
    machine: Machine,
    law: Law,
    index: Option<usize>,
    at: Option<DateTime<FixedOffset>>,
    expected: impl fmt::Display,
    found: impl fmt::Display,
) -> Violation {
    Violation::Broken {
        machine,
        law,
        index,
        at,
        expected: expected.to_string(),
        found: found.to_string(),
    }
}

/// Whether an error only says a date fell outside the calendar's covered
/// years (a deadline after the last published arrangement, say).
pub(crate) fn beyond_calendar(e: &Refusal) -> bool {
    use crate::limit::LimitError;
    fn case(e: &CaseError) -> bool {
        matches!(e, CaseError::Calendar(_) | CaseError::Limit(LimitError::Calendar(_)))
    }
    fn ticket(e: &TicketError) -> bool {
        matches!(e, TicketError::Calendar(_))
    }
    match e {
        Refusal::Case(e) => case(e),
        Refusal::Ticket(e) => ticket(e),
        Refusal::Run(_) => false,
        Refusal::Escalation(e) => match e {
            EscalationError::Calendar(_) | EscalationError::Limit(LimitError::Calendar(_)) => true,
            EscalationError::Case(e) => case(e),
            EscalationError::Ticket(e) => ticket(e),
            _ => false,
        },
    }
}
