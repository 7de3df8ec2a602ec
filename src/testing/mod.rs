//! A testing kit for portal developers: proptest strategies that generate
//! histories for *your* definitions, and the machines' laws as checks you
//! call from your own property tests. Behind the `testing` feature, which
//! brings [proptest](https://docs.rs/proptest) in as a dependency.
//!
//! A portal configures its own catalog, graphs, role policies and
//! escalation policies, and wants to prove its configuration behaves: "no
//! case in our catalog reaches a red card without a yellow warning first",
//! "our graph always finishes within the 120-working-day target when every
//! department meets its promise". The kit gives the three parts of such a
//! proof:
//!
//! - **Strategies** built from your definitions ([`CaseDefs`],
//!   [`RunDefs`], [`TicketDefs`]) within a [`Scope`] of days:
//!   [`case_history`], [`run_history`] and [`ticket_history`] give valid
//!   histories (every command legal at its point, by a role your policy
//!   allows, instants never going backwards, on your calendar's covered
//!   days); [`mixed_case_history`], [`mixed_run_history`] and
//!   [`mixed_ticket_history`] interleave illegal commands, each marked
//!   with why it must be refused ([`Expect`], [`Illegal`]).
//!   [`interesting_nows`] and [`instants_around`] give the instants where
//!   clock readings change character: deadlines, thresholds, the prompt day,
//!   a second either side.
//! - **Law checks** that return a [`Violation`] explaining which law broke,
//!   where, and what was expected against what was found:
//!   [`check_case_laws`] (replay equals incremental, refusals change
//!   nothing, the transition table holds, the clock laws),
//!   [`check_run_laws`] (the join laws, fallbacks, never stuck, over
//!   exactly when nothing is pending), [`check_ticket_laws`], and
//!   [`check_escalation_laws`] (evaluation idempotent, a prepared log
//!   agreeing with the log read in full, never early, timers exact, levels
//!   only climb), which also hands back the supervision log
//!   of a subject's whole life for your own rules to inspect.
//! - **Lives**: [`case_life`] and [`ticket_life`] turn a history into the
//!   subject after each event, for [`check_escalation_laws`] to follow.
//!
//! Errors in setting up (a scope off the calendar, a policy that lets
//! nobody start a case) are [`KitError`]s returned before any strategy
//! exists; nothing panics inside a property.
//!
//! # Example: no red card without a yellow warning first
//!
//! ```
//! use proptest::prelude::*;
//! use proptest::test_runner::{Config, TestRunner};
//! use shenpi::calendar::WorkCalendar;
//! use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
//! use shenpi::escalation::EscalationPolicy;
//! use shenpi::limit::TimeLimit;
//! use shenpi::testing::{case_history, case_life, check_case_laws, check_escalation_laws, CaseDefs, Scope};
//!
//! let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market")?)
//!     .statutory(TimeLimit::working_days(20))
//!     .promised(TimeLimit::working_days(5))
//!     .build()?;
//! let defs = CaseDefs::new(item, WorkCalendar::china());
//! let policy = EscalationPolicy::default();
//! let histories = case_history(&defs, &Scope::year(2026))?;
//!
//! let mut runner = TestRunner::new(Config { cases: 16, failure_persistence: None, ..Config::default() });
//! runner.run(&histories, |history| {
//!     check_case_laws(&defs, &history).map_err(|v| TestCaseError::fail(v.to_string()))?;
//!     let life = case_life(&defs, &history).map_err(|v| TestCaseError::fail(v.to_string()))?;
//!     let until = history.start + chrono::TimeDelta::days(90);
//!     let log = check_escalation_laws(&policy, defs.calendar(), &life, until)
//!         .map_err(|v| TestCaseError::fail(v.to_string()))?;
//!     let first = |id: &str| log.notices().iter().position(|n| n.rule.as_str() == id);
//!     if let Some(red) = first("red-card") {
//!         prop_assert!(first("yellow-warning").is_some_and(|yellow| yellow < red));
//!     }
//!     Ok(())
//! })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod case;
mod clock;
mod escalation;
mod history;
mod run;
mod seed;
mod ticket;
mod violation;

pub use case::{case_history, case_life, check_case_laws, mixed_case_history, CaseDefs};
pub use clock::{instants_around, interesting_nows};
pub use escalation::check_escalation_laws;
pub use history::{Expect, History, Illegal, KitError, Scope};
pub use run::{check_run_laws, mixed_run_history, run_history, Decisions, Pace, RunDefs};
pub use ticket::{
    check_ticket_laws, mixed_ticket_history, ticket_history, ticket_life, TicketDefs,
};
pub use violation::{Law, Machine, Refusal, Violation};
