use std::borrow::Cow;

use super::{FeedbackDeadlines, TicketCommandKind as C, TicketStateKind as S};
use crate::calendar::WorkCalendar;
use crate::machine::{Role, RolePolicy, TransitionTable};

/// What a ticket needs to judge a command: the working calendar, the role
/// policy and the feedback deadlines.
///
/// # Example
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::machine::Role;
/// use shenpi::ticket::{default_policy, FeedbackDeadlines, TicketCommandKind, TicketContext};
///
/// let calendar = WorkCalendar::china();
/// // A portal where the special team also classifies, with a 2-day rule for general tickets.
/// let policy = default_policy().allow(TicketCommandKind::Classify, [Role::WindowClerk, Role::SpecialTeam]);
/// let ctx = TicketContext::new(&calendar)
///     .with_policy(&policy)
///     .with_deadlines(FeedbackDeadlines::new(0, 0, 2, 5, 0, 10)?);
/// assert!(ctx.policy().allows(TicketCommandKind::Classify, Role::SpecialTeam));
/// assert_eq!(ctx.deadlines().general(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct TicketContext<'a> {
    calendar: &'a WorkCalendar,
    policy: Cow<'a, RolePolicy<C>>,
    deadlines: FeedbackDeadlines,
}

impl<'a> TicketContext<'a> {
    /// A context with the [`default_policy`] and the default
    /// [`FeedbackDeadlines`].
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::ticket::{FeedbackDeadlines, TicketContext};
    ///
    /// let calendar = WorkCalendar::china();
    /// assert_eq!(TicketContext::new(&calendar).deadlines(), &FeedbackDeadlines::default());
    /// ```
    pub fn new(calendar: &'a WorkCalendar) -> TicketContext<'a> {
        TicketContext {
            calendar,
            policy: Cow::Owned(default_policy()),
            deadlines: FeedbackDeadlines::default(),
        }
    }

    /// The same context with the portal's own role policy.
    ///
    /// # Example
    ///
    /// See [`TicketContext`].
    pub fn with_policy(mut self, policy: &'a RolePolicy<C>) -> TicketContext<'a> {
        self.policy = Cow::Borrowed(policy);
        self
    }

    /// The same context with the portal's own feedback deadlines.
    ///
    /// # Example
    ///
    /// See [`TicketContext`].
    pub fn with_deadlines(mut self, deadlines: FeedbackDeadlines) -> TicketContext<'a> {
        self.deadlines = deadlines;
        self
    }

    /// The working calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::ticket::TicketContext;
    ///
    /// let calendar = WorkCalendar::china();
    /// assert_eq!(TicketContext::new(&calendar).calendar(), &calendar);
    /// ```
    pub fn calendar(&self) -> &'a WorkCalendar {
        self.calendar
    }

    /// The role policy.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::machine::Role;
    /// use shenpi::ticket::{TicketCommandKind, TicketContext};
    ///
    /// let calendar = WorkCalendar::china();
    /// let ctx = TicketContext::new(&calendar);
    /// assert!(ctx.policy().allows(TicketCommandKind::DecideAppeal, Role::Supervisor));
    /// ```
    pub fn policy(&self) -> &RolePolicy<C> {
        &self.policy
    }

    /// The feedback deadlines.
    ///
    /// # Example
    ///
    /// See [`TicketContext::new`].
    pub fn deadlines(&self) -> &FeedbackDeadlines {
        &self.deadlines
    }
}

/// The default role policy of a ticket: the window clerk receives,
/// classifies and explains on the spot (the special team also receives, for
/// tea-meeting and key-project problems); the special team transfers and
/// closes; departments (reviewer, department head) take and resolve; the
/// complainant gives feedback; a bad review is appealed by the complainant
/// or by the head of the department reviewed; the supervisor decides
/// appeals.
///
/// # Example
///
/// ```
/// use shenpi::machine::Role;
/// use shenpi::ticket::{default_policy, TicketCommandKind};
///
/// let policy = default_policy();
/// assert!(policy.allows(TicketCommandKind::Transfer, Role::SpecialTeam));
/// assert!(!policy.allows(TicketCommandKind::Feedback, Role::WindowClerk));
/// ```
pub fn default_policy() -> RolePolicy<C> {
    use Role::{Applicant, DepartmentHead, Reviewer, SpecialTeam, Supervisor, WindowClerk};
    RolePolicy::new()
        .allow(C::Receive, [WindowClerk, SpecialTeam])
        .allow(C::Classify, [WindowClerk])
        .allow(C::ExplainOnTheSpot, [WindowClerk])
        .allow(C::Transfer, [SpecialTeam])
        .allow(C::Take, [Reviewer, DepartmentHead])
        .allow(C::Resolve, [Reviewer, DepartmentHead])
        .allow(C::Feedback, [Applicant])
        .allow(C::Close, [SpecialTeam])
        .allow(C::Appeal, [Applicant, DepartmentHead])
        .allow(C::DecideAppeal, [Supervisor])
}

/// The ticket lifecycle as data: every transition a ticket can make, with
/// notes where the target depends on the command's data. The machine's
/// behaviour is tested against this table pair by pair.
///
/// # Example
///
/// ```
/// use shenpi::ticket::{transition_table, TicketCommandKind, TicketStateKind};
///
/// let table = transition_table();
/// assert!(table.allows(TicketStateKind::Resolved, TicketCommandKind::Feedback));
/// assert!(!table.allows(TicketStateKind::Closed, TicketCommandKind::Classify));
/// assert!(table.to_mermaid().contains("resolved --> reopened : feedback"));
/// ```
pub fn transition_table() -> TransitionTable<S, C> {
    TransitionTable::new(S::Received)
        .row(S::Received, C::Classify, S::Classified)
        .row_with_note(S::Received, C::Appeal, S::UnderAppeal, "bad reviews, once")
        .row_with_note(
            S::Classified,
            C::ExplainOnTheSpot,
            S::Resolved,
            "explain on the spot, the day of classification",
        )
        .row_with_note(S::Classified, C::Transfer, S::Transferred, "simple, general, complex")
        .row_with_note(S::Classified, C::Close, S::Closed, "no legal basis")
        .row_with_note(S::Classified, C::Appeal, S::UnderAppeal, "bad reviews, once")
        .row(S::Transferred, C::Take, S::InProgress)
        .row_with_note(S::InProgress, C::Take, S::InProgress, "another department")
        .row_with_note(S::InProgress, C::Resolve, S::InProgress, "departments remain")
        .row_with_note(S::InProgress, C::Resolve, S::Resolved, "the last department")
        .row_with_note(S::Resolved, C::Feedback, S::Closed, "satisfaction 1-3")
        .row_with_note(S::Resolved, C::Feedback, S::Reopened, "satisfaction 4-5, a new cycle")
        .row_with_note(S::Resolved, C::Close, S::Closed, "no answer at the return visit")
        .row(S::Reopened, C::Classify, S::Classified)
        .row_with_note(S::Reopened, C::Transfer, S::Transferred, "simple, general, complex")
        .row_with_note(S::UnderAppeal, C::DecideAppeal, S::Received, "upheld, unclassified")
        .row_with_note(S::UnderAppeal, C::DecideAppeal, S::Classified, "upheld, classified")
        .row_with_note(S::UnderAppeal, C::DecideAppeal, S::Closed, "overturned, review removed")
        .terminal([S::Closed])
}
