//! Escalation: supervision rules as data, pure evaluation, and the instant
//! the next rule fires (电子监察, 督办).
//!
//! An [`EscalationPolicy`] is a list of [`Rule`]s, each a [`Trigger`], a
//! [`Level`] on the ladder (handler → department head → special team or
//! joint meeting → city supervision → accountability) and an [`Action`]
//! (prompt, warnings, cards, reminder 催办, supervision order 督办, referral
//! to the next joint meeting, public criticism 通报批评). The default follows
//! DOMAIN §4. Anything [`Supervised`] (cases, graph-run steps, tickets) is
//! observed at `now`; [`EscalationPolicy::evaluate`] gives the notices due,
//! which the host records in the subject's [`SupervisionLog`] so that each
//! rule fires once per cycle; [`EscalationPolicy::next_due`] gives the exact
//! instant of the next one, so a host sets one timer per subject instead of
//! polling. [`Cadence`]s give meeting dates on a calendar.
//!
//! For many subjects at one instant, [`EscalationPolicy::sweep`] gives a
//! [`Sweep`] that works out once what the calendar says of `now`; cases and
//! logs loaded for repeated sweeps are best prepared once
//! ([`Case::prepare`](crate::case::Case::prepare),
//! [`SupervisionLog::prepare`]). A graph-run step is watched through
//! [`RunStep`], by its case's legal clock when given the case
//! ([`RunStep::with_case`]).

mod error;
mod evaluate;
mod ladder;
mod meeting;
mod moves;
mod policy;
mod subjects;

pub use error::EscalationError;
pub use evaluate::{Notice, Observation, Supervised, SupervisionLog, Sweep};
pub use ladder::{Action, Level};
pub use meeting::{Cadence, Meetings};
pub use moves::{moved_deadlines, DeadlineMove, MovedDeadline};
pub use policy::{EscalationPolicy, Rule, RuleId, SubjectKind, Trigger};
pub use subjects::RunStep;
