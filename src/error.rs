//! The umbrella error of the crate.

use crate::calendar::CalendarError;
use crate::case::CaseError;
use crate::catalog::CatalogError;
use crate::escalation::EscalationError;
use crate::graph::GraphError;
use crate::limit::LimitError;
use crate::machine::MachineError;
use crate::project::ProjectError;
use crate::report::ReportError;
use crate::ticket::TicketError;

/// Any error from shenpi. Functions return their module's own error type;
/// `?` converts it into this one where a caller mixes modules.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::WorkCalendar;
///
/// fn due(accepted: NaiveDate) -> shenpi::Result<NaiveDate> {
///     Ok(WorkCalendar::china().add_working_days(accepted, 20)?)
/// }
///
/// let err = due(NaiveDate::from_ymd_opt(2040, 1, 1).unwrap()).unwrap_err();
/// assert!(matches!(err, shenpi::Error::Calendar(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A calendar definition or working-day operation failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A case refused a command, a history or a snapshot.
    #[error(transparent)]
    Case(#[from] CaseError),
    /// An escalation policy, meeting cadence or evaluation failed.
    #[error(transparent)]
    Escalation(#[from] EscalationError),
    /// A key project refused.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// An approval graph, its plan or its run refused.
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// A time limit or legal clock failed.
    #[error(transparent)]
    Limit(#[from] LimitError),
    /// An approval item or catalog definition is invalid.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// An actor, role policy or transition table was refused.
    #[error(transparent)]
    Machine(#[from] MachineError),
    /// A report refused an input, a merge or a definition.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// A complaint ticket refused a command, a history, a snapshot or a
    /// deadline configuration.
    #[error(transparent)]
    Ticket(#[from] TicketError),
}

/// A `Result` whose error is the umbrella [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
