//! What every state machine of the crate shares: actors and roles, role
//! policies, event envelopes, transition records, and transition tables with
//! their Mermaid diagrams.
//!
//! A machine (a case, a parallel-approval run, a complaint ticket) is a fold
//! over recorded commands. The host authenticates someone, wraps what they
//! asked for in an [`Envelope`] (who as an [`Actor`] with a [`Role`], when,
//! what), and hands it to the machine's `apply`. The machine checks the
//! actor's role against its [`RolePolicy`], checks the command against its
//! current state, and either refuses with a typed error, leaving its state
//! untouched, or moves and returns a [`Transition`] for the host to store
//! with the envelope. Replaying the stored envelopes rebuilds the same
//! state. Each machine also describes itself as a [`TransitionTable`], which
//! its tests hold its behaviour to and which draws its Mermaid diagram.
//!
//! | type | what it is |
//! |---|---|
//! | [`Role`] | the part someone plays: applicant, window clerk, reviewer... |
//! | [`ActorId`], [`Actor`] | who, in which role |
//! | [`Envelope`] | who did what when: the recorded command |
//! | [`Transition`] | the step a machine took: from, command, to, at |
//! | [`RolePolicy`] | which roles may issue which command kind |
//! | [`TransitionTable`], [`TransitionRow`] | the steps a machine may take, as data |
//! | [`Named`] | the snake_case name of a state or command kind |
//!
//! # Building a machine on these types
//!
//! A machine module (the case, a graph run, a ticket) brings:
//!
//! - a state-kind enum and a command-kind enum: `Copy`, `Ord`, unit
//!   variants, serde `snake_case`, and [`Named`] with the same names;
//! - a command enum carrying each command's data (internally tagged,
//!   `#[serde(tag = "kind")]`) with a `kind()` method, wrapped in an
//!   [`Envelope`] when issued and stored;
//! - `table() -> TransitionTable<StateKind, CommandKind>` describing every
//!   step, notes on rows that share a state and command, and
//!   `default_policy() -> RolePolicy<CommandKind>`, which a portal may
//!   replace;
//! - `apply(&mut self, &Envelope<Command>) -> Result<Transition<StateKind,
//!   CommandKind>, ItsError>` that first calls [`RolePolicy::authorize`],
//!   then matches on (state, command) in code, and changes nothing unless it
//!   returns `Ok`;
//! - tests that the names agree with serde, that every transition `apply`
//!   returns passes [`TransitionTable::check`], that every command refused
//!   for its state fails [`TransitionTable::allows`], that replaying the
//!   accepted envelopes rebuilds the same machine, and that its Mermaid
//!   diagram is pinned.
//!
//! # Example: a door as a machine
//!
//! ```
//! use chrono::{DateTime, FixedOffset};
//! use serde::{Deserialize, Serialize};
//! use shenpi::machine::{
//!     Actor, ActorId, Envelope, MachineError, Named, Role, RolePolicy, Transition,
//!     TransitionTable,
//! };
//!
//! #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
//! #[serde(rename_all = "snake_case")]
//! enum State { Closed, Open }
//!
//! #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
//! #[serde(rename_all = "snake_case")]
//! enum Command { Open, Close }
//!
//! impl Named for State {
//!     fn name(&self) -> &'static str {
//!         match self { State::Closed => "closed", State::Open => "open" }
//!     }
//! }
//! impl Named for Command {
//!     fn name(&self) -> &'static str {
//!         match self { Command::Open => "open", Command::Close => "close" }
//!     }
//! }
//!
//! #[derive(Debug, thiserror::Error)]
//! enum DoorError {
//!     #[error(transparent)]
//!     Role(#[from] MachineError),
//!     #[error("command {} not allowed in state {}", .command.name(), .state.name())]
//!     NotAllowed { state: State, command: Command },
//! }
//!
//! struct Door { state: State, policy: RolePolicy<Command> }
//!
//! impl Door {
//!     /// The steps a door may take, as data.
//!     fn table() -> TransitionTable<State, Command> {
//!         TransitionTable::new(State::Closed)
//!             .row(State::Closed, Command::Open, State::Open)
//!             .row(State::Open, Command::Close, State::Closed)
//!     }
//!
//!     fn apply(
//!         &mut self,
//!         cmd: &Envelope<Command>,
//!     ) -> Result<Transition<State, Command>, DoorError> {
//!         self.policy.authorize(cmd.payload, &cmd.actor)?;
//!         let to = match (self.state, cmd.payload) {
//!             (State::Closed, Command::Open) => State::Open,
//!             (State::Open, Command::Close) => State::Closed,
//!             (state, command) => return Err(DoorError::NotAllowed { state, command }),
//!         };
//!         let step = Transition::new(self.state, cmd.payload, to, cmd.at);
//!         self.state = to;
//!         Ok(step)
//!     }
//! }
//!
//! let policy = RolePolicy::new().allow(Command::Open, [Role::WindowClerk]);
//! let mut door = Door { state: Door::table().initial(), policy };
//! let clerk = Actor::new(ActorId::new("clerk-07")?, Role::WindowClerk);
//! let at: DateTime<FixedOffset> = "2026-03-02T08:30:00+08:00".parse()?;
//!
//! let step = door.apply(&Envelope::new(clerk.clone(), at, Command::Open))?;
//! assert!(Door::table().check(step.from, step.command, step.to));
//! assert_eq!(step.to_string(), "closed --open--> open at 2026-03-02T08:30:00+08:00");
//!
//! // An open door cannot be opened, and nobody may close it under this
//! // policy: both refused, the state untouched.
//! let err = door.apply(&Envelope::new(clerk.clone(), at, Command::Open)).unwrap_err();
//! assert_eq!(err.to_string(), "command open not allowed in state open");
//! let err = door.apply(&Envelope::new(clerk, at, Command::Close)).unwrap_err();
//! assert_eq!(err.to_string(), "actor clerk-07 (window clerk) may not issue command close");
//! assert_eq!(door.state, State::Open);
//!
//! assert_eq!(
//!     Door::table().to_mermaid_with_roles(&door.policy),
//!     "stateDiagram-v2\n    [*] --> closed\n    closed --> open : open [window_clerk]\n    \
//!      open --> closed : close [none]\n",
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod actor;
mod envelope;
mod error;
mod mermaid;
mod named;
mod retry;
mod role;
mod role_policy;
mod transition;
mod transition_table;

pub use actor::{Actor, ActorId};

/// The most events one case, ticket or run may take: 2³² − 1.
///
/// No matter comes near it (a case takes a dozen events, a busy ticket a
/// few dozen), so it costs nothing real; it bounds the event counters that
/// snapshots carry, so that a snapshot read from storage cannot make the
/// next command overflow one. A snapshot above it is refused when decoded,
/// and a command on a machine that has taken this many is refused with the
/// machine's `HistoryFull` error, leaving it unchanged.
///
/// # Example
///
/// ```
/// assert_eq!(shenpi::machine::MAX_EVENTS, u64::from(u32::MAX));
/// ```
pub const MAX_EVENTS: u64 = u32::MAX as u64;
pub use envelope::Envelope;
pub use error::MachineError;
pub use named::Named;
pub(crate) use retry::{remember, screen};
pub use retry::{CommandId, LastCommand};
pub use role::Role;
pub use role_policy::RolePolicy;
pub use transition::Transition;
pub use transition_table::{TransitionRow, TransitionTable};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_types_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Role>();
        assert_send_sync::<ActorId>();
        assert_send_sync::<Actor>();
        assert_send_sync::<Envelope<String>>();
        assert_send_sync::<Transition<u8, u8>>();
        assert_send_sync::<RolePolicy<u8>>();
        assert_send_sync::<TransitionRow<u8, u8>>();
        assert_send_sync::<TransitionTable<u8, u8>>();
        assert_send_sync::<MachineError>();
    }
}
