//! Complaint tickets: the "can't get it done" window (办不成事窗口),
//! government–business tea-meeting complaints (政企同心茶话会), key-project
//! problems (one problem, one measure, one owner, one deadline) and bad
//! reviews (差评), supervised by the special team (专班) until closed.
//!
//! A [`Ticket`] is an event-sourced state machine like a
//! [`Case`](crate::case::Case): each [`TicketCommand`] comes in an
//! [`Envelope`](crate::machine::Envelope) ([`TicketEvent`]);
//! [`Ticket::apply`] checks it against the role policy, the clock, the state
//! and the command's rules, and either records it and returns a
//! [`TicketTransition`] or refuses it with a [`TicketError`], leaving the
//! ticket untouched. [`Ticket::replay`] rebuilds a ticket from its events,
//! and the lifecycle is data ([`transition_table`]):
//!
//! received → classified → transferred (to one or more departments, each
//! with owner, measure and deadline) → in progress → resolved → feedback
//! (satisfaction 1 very satisfied … 5 very dissatisfied) → closed. A
//! feedback of 4 or 5 reopens the ticket for a new cycle, which counts as
//! another visit. An explain-on-the-spot ticket is resolved at the window
//! the day it is classified; one with no legal basis is closed with a
//! written explanation. A bad review may be appealed once (申诉复核): the
//! supervisor upholds it (the ticket goes on) or overturns it (the review is
//! removed and the ticket closes).
//!
//! Feedback deadlines are data ([`FeedbackDeadlines`]): by default the same
//! day for explain-on-the-spot, simple and no-legal-basis tickets, 3 working
//! days for general ones, 5 for complex ones, and 10 to rectify a bad
//! review, counted from the day of classification or reopening and ending at
//! the close of office hours ([`Ticket::feedback_due`]). For an escalation
//! engine a ticket tells when its state began ([`Ticket::state_since`]), its
//! cycle and visits, whether the current cycle's answer was given, and its
//! assignments with their deadlines.
//!
//! # Example: a complaint reopened
//!
//! A tea-meeting complaint about a water connection, classified simple,
//! answered by the water company, rated 5 (very dissatisfied) by the
//! enterprise: the ticket reopens, counts a second visit, is reclassified
//! general with a new deadline, and closes after a feedback of 2.
//!
//! ```
//! use chrono::DateTime;
//! use shenpi::calendar::WorkCalendar;
//! use shenpi::catalog::DepartmentId;
//! use shenpi::machine::{Actor, ActorId, Role};
//! use shenpi::ticket::{
//!     Assignment, Closure, Owner, Ticket, TicketClass, TicketCommand, TicketContext,
//!     TicketEvent, TicketId, TicketSource, TicketState,
//! };
//!
//! let calendar = WorkCalendar::china();
//! let ctx = TicketContext::new(&calendar);
//! let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
//! let ev = |role, when, cmd| TicketEvent::new(Actor::new(ActorId::new("someone").unwrap(), role), at(when), cmd);
//! let water = DepartmentId::new("water-company")?;
//! let transfer = |deadline| TicketCommand::Transfer {
//!     assignments: vec![Assignment::new(water.clone(), Owner::Named { name: "陈经理".into() }, "connect the plant", at(deadline))],
//! };
//! let resolve = || TicketCommand::Resolve { department: water.clone(), result: "connection scheduled".into() };
//! let take = || TicketCommand::Take { department: water.clone() };
//!
//! let (mut ticket, _) = Ticket::open(TicketId::new("TM-0314-02")?, &ctx, &ev(
//!     Role::SpecialTeam,
//!     "2026-03-13T15:00:00+08:00",
//!     TicketCommand::Receive { source: TicketSource::TeaMeeting, subject: "water connection".into(), visits: 1 },
//! ))?;
//! for e in [
//!     ev(Role::WindowClerk, "2026-03-16T09:00:00+08:00", TicketCommand::Classify { class: TicketClass::Simple }),
//!     ev(Role::SpecialTeam, "2026-03-16T09:30:00+08:00", transfer("2026-03-16T17:00:00+08:00")),
//!     ev(Role::Reviewer, "2026-03-16T10:00:00+08:00", take()),
//!     ev(Role::Reviewer, "2026-03-16T16:00:00+08:00", resolve()),
//! ] {
//!     ticket.apply(&ctx, &e)?;
//! }
//! assert!(ticket.feedback_given());
//! assert_eq!(ticket.feedback_due(&calendar), Some(at("2026-03-17T00:00:00+08:00")));
//!
//! ticket.apply(&ctx, &ev(Role::Applicant, "2026-03-17T10:00:00+08:00", TicketCommand::Feedback { satisfaction: 5 }))?;
//! assert_eq!(ticket.state(), &TicketState::Reopened);
//! assert_eq!((ticket.cycle(), ticket.visits()), (1, 2));
//! assert!(!ticket.feedback_given());
//!
//! ticket.apply(&ctx, &ev(Role::WindowClerk, "2026-03-17T11:00:00+08:00", TicketCommand::Classify { class: TicketClass::General }))?;
//! // Three working days from the reopening day.
//! assert_eq!(ticket.feedback_due(&calendar), Some(at("2026-03-21T00:00:00+08:00")));
//! for e in [
//!     ev(Role::SpecialTeam, "2026-03-17T11:30:00+08:00", transfer("2026-03-20T17:00:00+08:00")),
//!     ev(Role::DepartmentHead, "2026-03-18T09:00:00+08:00", take()),
//!     ev(Role::DepartmentHead, "2026-03-19T15:00:00+08:00", resolve()),
//!     ev(Role::Applicant, "2026-03-20T10:00:00+08:00", TicketCommand::Feedback { satisfaction: 2 }),
//! ] {
//!     ticket.apply(&ctx, &e)?;
//! }
//! assert_eq!(ticket.state(), &TicketState::Closed { closure: Closure::Satisfied { satisfaction: 2 } });
//! assert_eq!(ticket.feedback().len(), 2);
//! assert_eq!(ticket.satisfaction(), Some(2));
//! assert_eq!(ticket.assignments().len(), 2);
//! assert_eq!(ticket.current_assignments().count(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Example: a bad review overturned on appeal
//!
//! ```
//! use chrono::DateTime;
//! use shenpi::calendar::WorkCalendar;
//! use shenpi::machine::{Actor, ActorId, Role};
//! use shenpi::ticket::{
//!     AppealDecision, Closure, Ticket, TicketCommand, TicketContext, TicketEvent, TicketId,
//!     TicketSource, TicketState,
//! };
//!
//! let calendar = WorkCalendar::china();
//! let ctx = TicketContext::new(&calendar);
//! let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
//! let ev = |role, when, cmd| TicketEvent::new(Actor::new(ActorId::new("someone").unwrap(), role), at(when), cmd);
//! let history = [
//!     ev(Role::WindowClerk, "2026-04-07T09:00:00+08:00", TicketCommand::Receive {
//!         source: TicketSource::BadReview,
//!         subject: "rated 5: window closed at lunch".into(),
//!         visits: 1,
//!     }),
//!     ev(Role::DepartmentHead, "2026-04-07T10:00:00+08:00", TicketCommand::Appeal {
//!         reason: "the window was open; the queue system shows service at 12:10".into(),
//!     }),
//!     ev(Role::Supervisor, "2026-04-09T16:00:00+08:00", TicketCommand::DecideAppeal {
//!         decision: AppealDecision::Overturned,
//!         reason: "service record and video confirm the window was open".into(),
//!     }),
//! ];
//! let ticket = Ticket::replay(TicketId::new("HCP-0407-11")?, &ctx, &history)?;
//! assert_eq!(ticket.state(), &TicketState::Closed { closure: Closure::ReviewRemoved });
//! assert_eq!(ticket.appeal().and_then(|a| a.decision), Some(AppealDecision::Overturned));
//! assert!(!ticket.is_open());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod command;
mod deadlines;
mod error;
mod lifecycle;
mod records;
mod rules;
mod state;

pub use command::{
    AppealDecision, Assignment, Owner, TicketCommand, TicketCommandKind, TicketEvent, TicketId,
};
pub use deadlines::{FeedbackDeadlines, MAX_FEEDBACK_DAYS};
pub use error::TicketError;
pub use lifecycle::{Ticket, TicketTransition};
pub use records::{AppealRecord, AssignmentStatus, FeedbackRecord};
pub use rules::{default_policy, transition_table, TicketContext};
pub use state::{Closure, TicketClass, TicketSource, TicketState, TicketStateKind};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_types_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Ticket>();
        assert_send_sync::<TicketEvent>();
        assert_send_sync::<TicketError>();
        assert_send_sync::<TicketContext<'_>>();
        assert_send_sync::<FeedbackDeadlines>();
    }
}
