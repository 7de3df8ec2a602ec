use super::{ActorId, Role};

/// What went wrong in the shared machinery of the state machines: an actor
/// id, a role name, a role policy or a transition table.
///
/// Every variant names the value at fault. Errors about a machine's own
/// states (a command not allowed in a state) belong to that machine's error
/// type, which knows its state and command enums.
///
/// # Example
///
/// ```
/// use shenpi::machine::{ActorId, MachineError};
///
/// let err = ActorId::new("").unwrap_err();
/// assert_eq!(err, MachineError::EmptyActorId);
/// assert_eq!(err.to_string(), "actor id is empty");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MachineError {
    /// An actor id is empty or only white space. Every recorded command
    /// must say who issued it.
    #[error("actor id is empty")]
    EmptyActorId,
    /// A command id is empty or only white space.
    #[error("command id is blank")]
    BlankCommandId,
    /// A command id is longer than
    /// [`CommandId::MAX_LEN`](super::CommandId::MAX_LEN) bytes.
    #[error("command id is {len} bytes long, more than the {max} allowed")]
    #[non_exhaustive]
    CommandIdTooLong {
        /// Its length in bytes.
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// A role name is not the snake_case name of any [`Role`].
    #[error(
        "unknown role {name:?}: expected one of applicant, agent, window_clerk, reviewer, \
         department_head, special_team, supervisor, government_head"
    )]
    #[non_exhaustive]
    UnknownRole {
        /// The name given.
        name: String,
    },
    /// A role policy does not let the actor's role issue the command.
    #[error("actor {actor} ({role}) may not issue command {command}")]
    #[non_exhaustive]
    RoleNotAllowed {
        /// Who tried.
        actor: ActorId,
        /// The role they acted in.
        role: Role,
        /// The command kind's name.
        command: &'static str,
    },
    /// A role policy being decoded lists the same command kind twice, so one
    /// of its two role lists would be lost.
    #[error("command {command} is listed twice in the role policy")]
    #[non_exhaustive]
    DuplicatePolicyCommand {
        /// The command kind's name.
        command: &'static str,
    },
    /// A transition table being decoded lists the same step twice.
    #[error("transition {from} --{command}--> {to} is listed twice in the table")]
    #[non_exhaustive]
    DuplicateRow {
        /// The state the step leaves.
        from: &'static str,
        /// The command kind's name.
        command: &'static str,
        /// The state the step enters.
        to: &'static str,
    },
}
