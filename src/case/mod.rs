//! The case (办件): one application for one approval item, from receipt to
//! decision, delivery, recall or revocation, with its legal clock.
//!
//! A [`Case`] is an event-sourced state machine. Each [`CaseCommand`] comes
//! in an [`Envelope`](crate::machine::Envelope) with who issued it and when
//! (a [`CaseEvent`]); [`Case::apply`] checks it against the state, the role
//! policy, the item's rules and the clock, and either records it and returns
//! a [`CaseTransition`] for the host to store, or refuses it with a
//! [`CaseError`] and leaves the case untouched. [`Case::replay`] rebuilds a
//! case from its stored events. The lifecycle is also data
//! ([`transition_table`]), with a Mermaid diagram, and each state maps to a
//! 办理状态 code of the construction-approval data exchange.
//!
//! The rules of the Administrative Licensing Law that the machine enforces:
//!
//! - a correction notice (补正) lists everything missing at once, and one
//!   later than 5 working days after receipt makes the case count as
//!   accepted on receipt (art. 32);
//! - an instant item (即办件) may be decided on the spot, the day it is
//!   received (art. 34);
//! - the agency head may extend the limit, with a written reason, within the
//!   item's allowance (art. 42);
//! - only the special procedures an item allows may stop its clock (art. 45);
//! - instants never go backwards.
//!
//! # Example
//!
//! ```
//! use chrono::DateTime;
//! use shenpi::calendar::WorkCalendar;
//! use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId, Decision};
//! use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
//! use shenpi::limit::{ClockStatus, SpecialProcedure, SuspensionKind, Thresholds, TimeLimit};
//! use shenpi::machine::{Actor, ActorId, Role};
//!
//! let item = ApprovalItem::builder(ItemCode::new("PLAN-002")?, "建设工程规划许可", DepartmentId::new("natural-resources")?)
//!     .statutory(TimeLimit::working_days(20))
//!     .promised(TimeLimit::working_days(5))
//!     .special_procedures([SpecialProcedure::ExpertReview])
//!     .build()?;
//! let calendar = WorkCalendar::china();
//! let ctx = CaseContext::new(&item, &calendar);
//! let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
//! let who = |id, role| Actor::new(ActorId::new(id).unwrap(), role);
//! let event = |id, role, when, command| CaseEvent::new(who(id, role), at(when), command);
//!
//! let (mut case, _) = Case::receive(
//!     CaseId::new("JO-2026-0042")?,
//!     &ctx,
//!     &event("agent-2", Role::Agent, "2026-03-02T09:00:00+08:00", CaseCommand::Receive),
//! )?;
//! for e in [
//!     event("clerk-7", Role::WindowClerk, "2026-03-02T09:30:00+08:00", CaseCommand::Accept),
//!     event("rev-3", Role::Reviewer, "2026-03-02T10:00:00+08:00", CaseCommand::StartHandling),
//!     event(
//!         "rev-3",
//!         Role::Reviewer,
//!         "2026-03-03T09:00:00+08:00",
//!         CaseCommand::Suspend {
//!             reason: SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::ExpertReview },
//!         },
//!     ),
//!     event("rev-3", Role::Reviewer, "2026-03-06T17:00:00+08:00", CaseCommand::Resume),
//! ] {
//!     case.apply(&ctx, &e)?;
//! }
//! // The expert review (3 working days) does not count.
//! let reading = case
//!     .reading(&calendar, at("2026-03-09T09:00:00+08:00"), &Thresholds::default())?
//!     .expect("accepted");
//! assert_eq!(reading.elapsed_working_days, 2);
//! assert_eq!(reading.promised_due.date.to_string(), "2026-03-12");
//! assert_eq!(reading.status, ClockStatus::OnTrack);
//!
//! case.apply(&ctx, &event(
//!     "rev-3",
//!     Role::Reviewer,
//!     "2026-03-10T11:00:00+08:00",
//!     CaseCommand::Conclude { decision: Decision::Approved },
//! ))?;
//! let outcome = case.outcome(&calendar)?.expect("decided");
//! assert!(outcome.on_time);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod command;
mod error;
mod lifecycle;
mod outcome;
mod rules;
mod state;

pub use command::{CaseCommand, CaseCommandKind, CaseEvent, CaseId};
pub use error::CaseError;
pub use lifecycle::{Case, CaseTransition};
pub use outcome::CaseOutcome;
pub use rules::{
    default_policy, transition_table, CaseContext, LateAcceptance, CORRECTION_NOTICE_DAYS,
};
pub use state::{CaseState, CaseStateKind, Decision, Resumable};
