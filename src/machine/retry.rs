//! Retries and concurrent writers: the command id and expected event count
//! an [`Envelope`](super::Envelope) may carry, and what a machine remembers
//! to answer a retry.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::{MachineError, Transition};

/// The host's id of one command: a UUID, a request id, an idempotency key.
/// Not blank, at most [`CommandId::MAX_LEN`] bytes.
///
/// A portal that sends a command, times out and sends it again gives both
/// the same id; the machine recognises the second as a retry of its latest
/// command and answers it with the earlier transition, changing nothing.
/// In JSON it is a plain string.
///
/// # Example
///
/// ```
/// use shenpi::machine::{CommandId, MachineError};
///
/// let id = CommandId::new("2f0c6f1e-2b7d-4c4e-9a57-6a1b7f0e3c21")?;
/// assert_eq!(serde_json::to_string(&id).unwrap(), r#""2f0c6f1e-2b7d-4c4e-9a57-6a1b7f0e3c21""#);
/// assert_eq!(CommandId::new(" "), Err(MachineError::BlankCommandId));
/// # Ok::<(), MachineError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String")]
pub struct CommandId(String);

impl CommandId {
    /// The longest id accepted, in bytes: room for any UUID, ULID or
    /// request id, and a bound on what a stored snapshot holds.
    pub const MAX_LEN: usize = 128;

    /// A command id.
    ///
    /// # Errors
    ///
    /// [`MachineError::BlankCommandId`] for an empty or blank id;
    /// [`MachineError::CommandIdTooLong`] for one over
    /// [`MAX_LEN`](Self::MAX_LEN) bytes.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::CommandId;
    ///
    /// assert_eq!(CommandId::new("req-1")?.as_str(), "req-1");
    /// assert!(CommandId::new(&"x".repeat(129)).is_err());
    /// # Ok::<(), shenpi::machine::MachineError>(())
    /// ```
    pub fn new(id: &str) -> Result<CommandId, MachineError> {
        CommandId::try_from(id.to_owned())
    }

    /// The id as a string slice.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::CommandId;
    ///
    /// assert_eq!(CommandId::new("req-1")?.as_str(), "req-1");
    /// # Ok::<(), shenpi::machine::MachineError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CommandId {
    type Error = MachineError;

    fn try_from(id: String) -> Result<CommandId, MachineError> {
        if id.trim().is_empty() {
            return Err(MachineError::BlankCommandId);
        }
        if id.len() > CommandId::MAX_LEN {
            return Err(MachineError::CommandIdTooLong { len: id.len(), max: CommandId::MAX_LEN });
        }
        Ok(CommandId(id))
    }
}

impl Serialize for CommandId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl fmt::Display for CommandId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A machine's latest command, when it carried an id: what answers a retry.
/// Part of the machine's stored snapshot (`"last_command"`), so a retry is
/// recognised after a restart too.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::machine::{CommandId, LastCommand, Transition};
///
/// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
/// let last = LastCommand::new(CommandId::new("req-1")?, Transition::new("a", "go", "b", at));
/// assert_eq!(last.id.as_str(), "req-1");
/// assert_eq!(last.transition.to, "b");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LastCommand<S, K> {
    /// The command's id.
    pub id: CommandId,
    /// What it did.
    pub transition: Transition<S, K>,
}

impl<S, K> LastCommand<S, K> {
    /// The record of command `id` that made `transition`.
    ///
    /// # Example
    ///
    /// See [`LastCommand`].
    pub fn new(id: CommandId, transition: Transition<S, K>) -> LastCommand<S, K> {
        LastCommand { id, transition }
    }
}

/// What a machine does with an envelope before its own checks: answer a
/// retry of its latest command, refuse a stale writer, or go on.
///
/// `Ok(Some(t))`: a retry, answered with `t`, nothing to change;
/// `Ok(None)`: a new command; `Err((expected, actual))`: stale.
pub(crate) fn screen<S: Copy, K: Copy, P>(
    last: Option<&LastCommand<S, K>>,
    events: u64,
    envelope: &super::Envelope<P>,
) -> Result<Option<Transition<S, K>>, (u64, u64)> {
    let (id, expected) = (envelope.command_id.as_ref(), envelope.expected_events);
    if let (Some(last), Some(id)) = (last, id) {
        if &last.id == id {
            return Ok(Some(last.transition));
        }
    }
    match expected {
        Some(expected) if expected != events => Err((expected, events)),
        _ => Ok(None),
    }
}

/// What a machine keeps after accepting a command: its id and transition
/// when it had an id, nothing otherwise (the latest command is then one a
/// retry cannot name).
pub(crate) fn remember<S, K>(
    id: Option<&CommandId>,
    transition: Transition<S, K>,
) -> Option<Box<LastCommand<S, K>>> {
    id.map(|id| Box::new(LastCommand::new(id.clone(), transition)))
}
