//! shenpi (审批, "approval") runs the rules of Chinese e-government approval
//! work as a pure library: working-day calendars and legal clocks; items,
//! cases, parallel-approval graphs and complaint tickets as typed state
//! machines; escalation up the ladder of supervision; and reports of
//! promised against actual time. No IO and no system clock: the host passes
//! `now` and events in, and stores what comes out as serde data.
//!
//! # A quick example
//!
//! An application accepted on Friday 13 February 2026, the day before the
//! Spring Festival holiday, with a promised limit of 3 working days and the
//! statutory 20 of 行政许可法 art. 42:
//!
//! ```
//! use chrono::NaiveDate;
//! use shenpi::calendar::WorkCalendar;
//!
//! let cal = WorkCalendar::china();
//! let accepted = NaiveDate::from_ymd_opt(2026, 2, 13).unwrap();
//! let promised = cal.add_working_days(accepted, 3)?;
//! let statutory = cal.add_working_days(accepted, 20)?;
//! assert_eq!(promised.to_string(), "2026-02-25");
//! assert_eq!(statutory.to_string(), "2026-03-19");
//! // A due date ends at the close of office hours (24:00 when none are set).
//! assert_eq!(cal.office_close(promised)?.to_rfc3339(), "2026-02-26T00:00:00+08:00");
//! # Ok::<(), shenpi::Error>(())
//! ```
//!
//! # The main example
//!
//! `cargo run --example service_centre` runs a county administrative service
//! centre through January–April 2022 on the 2022 calendar: a synthetic,
//! deterministic caseload of several hundred cases over a catalog of
//! real-world items, key projects on parallel-approval graphs and window
//! tickets, all driven through these machines, then the city's
//! promised-versus-actual table, the department ranking and the open
//! escalations, written as JSON and an SVG chart under `target/`.
//!
//! # Modules
//!
//! - [`calendar`]: working-day calendars as data (weekend days, holidays,
//!   make-up working days 调休, office hours, UTC offset), the built-in
//!   national calendar 2004–2026, local overlays, and O(1) working-day
//!   arithmetic.
//! - [`limit`]: time limits (working days, natural days, working hours,
//!   months) and
//!   the legal clock: due dates with suspensions and extensions, time used
//!   and left, and the status at `now` against warning thresholds.
//! - [`catalog`]: approval items (事项) with their GB/T 39046 type, case
//!   kind, statutory, promised and reference limits and extension
//!   allowance, and a validated catalog of them.
//! - [`machine`]: what every state machine shares: actors and roles, role
//!   policies, recorded commands (envelopes), transition records, and
//!   transition tables with their Mermaid diagrams.
//! - [`case`]: the case (办件) lifecycle from application to delivery,
//!   recall or revocation, event-sourced, with its legal clock and its
//!   promised-versus-actual record.
//! - [`graph`]: parallel-approval graphs (并联审批): steps, joins and
//!   stages, planning (critical path, slack, serial against parallel), and
//!   runs with fallbacks and forecasts; DOT, Mermaid and Gantt pictures.
//! - [`ticket`]: complaint tickets (办不成事, tea-meeting complaints,
//!   key-project problems, bad reviews) with classes, transfers to
//!   departments, feedback deadlines, reopening and appeals.
//! - [`escalation`]: escalation policies as data, pure evaluation of any
//!   supervised subject at `now` into notices, the instant the next rule
//!   fires, sweeps over many subjects, and meeting cadences.
//! - [`project`]: key projects with their agent (代办员), run and problem
//!   tickets, and the battle map (挂图作战).
//! - [`report`]: promised against actual handling time over concluded
//!   cases, streamed in one pass and mergeable across shards, grouped by
//!   department, item, item type, stage, key project or period, with
//!   department rankings; ticket and parallel-approval run statistics.
//! - `json` (the default `json` feature): decoding JSON with the path of
//!   the bad field (`steps[3].join.k`), through the same checks.
//! - `schema` (the `schema` feature): JSON Schemas of every definition,
//!   command, event, state and record, for portals in Java or JS.
//! - `testing` (the `testing` feature): proptest strategies over a portal's
//!   own definitions and the machines' laws as checks.
//! - [`Error`]: the umbrella error; each module has its own error type, which
//!   `?` converts into it.
//!
//! # Principles
//!
//! - **Pure.** Every function is a function of its arguments: no IO, no
//!   global state, no clock.
//! - **Definitions are data.** Calendars decode from JSON through the same
//!   validation as their builders, so an invalid definition never exists.
//! - **Errors explain.** Every error names the value at fault and the rule
//!   it breaks; bad input never panics.

mod error;

pub mod calendar;
pub mod case;
pub mod catalog;
pub mod escalation;
pub mod graph;
#[cfg(feature = "json")]
pub mod json;
pub mod limit;
pub mod machine;
pub mod project;
pub mod report;
#[cfg(feature = "schema")]
pub mod schema;
#[cfg(feature = "testing")]
pub mod testing;
pub mod ticket;

pub use error::{Error, Result};

// The README's examples are compiled and run as doc tests, so it stays true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
