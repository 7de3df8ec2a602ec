use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::Named;

/// What a machine did when it accepted a command: it left state `from`
/// because of `command` at instant `at`, and entered state `to`.
///
/// A machine returns one from each successful `apply` for the host to store
/// or act on (notify someone, schedule a timer); nothing happens behind the
/// host's back. `S` is the machine's state kind and `K` its command kind,
/// both small unit-variant enums; every transition a machine returns is a
/// row of its [`TransitionTable`](super::TransitionTable), which
/// [`TransitionTable::check`](super::TransitionTable::check) confirms.
///
/// A passive record with public fields; build it with [`Transition::new`].
/// In JSON: `{"from": "closed", "command": "open", "to": "open", "at":
/// "2026-03-02T09:00:00+08:00"}`.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::machine::Transition;
///
/// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
/// let step = Transition::new("received", "accept", "accepted", at);
/// assert!(step.changes_state());
/// assert_eq!(
///     serde_json::to_string(&step)?,
///     r#"{"from":"received","command":"accept","to":"accepted","at":"2026-03-02T09:00:00+08:00"}"#,
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Transition<S, K> {
    /// The state before the command.
    pub from: S,
    /// The kind of command accepted.
    pub command: K,
    /// The state after the command (the same as `from` for a command that
    /// only records something, such as an extension).
    pub to: S,
    /// When the command was issued: the instant of its
    /// [`Envelope`](super::Envelope).
    pub at: DateTime<FixedOffset>,
}

impl<S, K> Transition<S, K> {
    /// The record of a step from `from` to `to` on `command` at `at`.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::machine::Transition;
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-09T10:00:00+08:00")?;
    /// let step = Transition::new("in_review", "conclude", "approved", at);
    /// assert_eq!((step.from, step.command, step.to), ("in_review", "conclude", "approved"));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn new(from: S, command: K, to: S, at: DateTime<FixedOffset>) -> Transition<S, K> {
        Transition { from, command, to, at }
    }
}

impl<S: PartialEq, K> Transition<S, K> {
    /// Whether the step entered a different state from the one it left.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::machine::Transition;
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-09T10:00:00+08:00")?;
    /// // An extension is recorded but leaves the case in review.
    /// assert!(!Transition::new("in_review", "extend", "in_review", at).changes_state());
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn changes_state(&self) -> bool {
        self.from != self.to
    }
}

/// `from --command--> to at instant`, with the snake_case names.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::machine::{Role, Transition};
///
/// // Any `Named` enums will do; roles stand in for states here.
/// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
/// let step = Transition::new(Role::Reviewer, Role::Supervisor, Role::DepartmentHead, at);
/// assert_eq!(
///     step.to_string(),
///     "reviewer --supervisor--> department_head at 2026-03-02T09:00:00+08:00",
/// );
/// # Ok::<(), chrono::ParseError>(())
/// ```
impl<S: Named, K: Named> fmt::Display for Transition<S, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} --{}--> {} at {}",
            self.from.name(),
            self.command.name(),
            self.to.name(),
            self.at.to_rfc3339()
        )
    }
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, TimeZone};

    use super::*;

    #[test]
    fn transitions_are_copy_and_round_trip() {
        let at = FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(2026, 3, 2, 9, 0, 0);
        let step = Transition::new(1_u8, 'a', 2_u8, at.unwrap());
        let copy = step;
        assert_eq!(copy, step);
        let json = serde_json::to_string(&step).unwrap();
        assert_eq!(json, r#"{"from":1,"command":"a","to":2,"at":"2026-03-02T09:00:00+08:00"}"#);
        assert_eq!(serde_json::from_str::<Transition<u8, char>>(&json).unwrap(), step);
    }

    #[test]
    fn self_loops_do_not_change_state() {
        let at = FixedOffset::east_opt(0).unwrap().with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
        assert!(!Transition::new(3, (), 3, at).changes_state());
        assert!(Transition::new(3, (), 4, at).changes_state());
    }
}
