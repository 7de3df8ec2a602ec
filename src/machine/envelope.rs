use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{Actor, CommandId};

/// Who did what, and when: the recorded form of every command a machine
/// accepts, and so of every event in a stored history.
///
/// The host wraps each incoming command in an envelope with the actor it
/// authenticated and the instant it received the command (the library reads
/// no clock), hands it to a machine, and stores it once the machine accepts
/// it. Replaying the stored envelopes in order rebuilds the machine.
///
/// A passive record with public fields; build it with [`Envelope::new`]. In
/// JSON: `{"actor": {...}, "at": "2026-03-02T09:00:00+08:00", "payload":
/// {...}}`, the instant in RFC 3339 with its UTC offset (`Z` for UTC).
///
/// Two optional fields make a command safe to send again and safe among
/// several writers (both left out of the JSON when not set):
/// - `command_id` ([`with_command_id`](Envelope::with_command_id)): a retry
///   of the machine's latest command, with the same id, is answered with
///   the earlier transition and changes nothing (a graph run's answer lists
///   no step changes, as none happened);
/// - `expected_events` ([`expecting`](Envelope::expecting)): the number of
///   events the writer saw the machine at; a machine that has taken another
///   number refuses the command as stale (its `Stale` error), so a writer
///   working from an old copy cannot overwrite a newer one, and an older
///   command sent again after others is refused rather than applied twice.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::machine::{Actor, ActorId, Envelope, Role};
///
/// let clerk = Actor::new(ActorId::new("clerk-07")?, Role::WindowClerk);
/// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
/// let accept = Envelope::new(clerk, at, "accept");
/// assert_eq!(
///     serde_json::to_string(&accept)?,
///     r#"{"actor":{"id":"clerk-07","role":"window_clerk"},"at":"2026-03-02T09:00:00+08:00","payload":"accept"}"#,
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Envelope<P> {
    /// Who issued the command, in which role.
    pub actor: Actor,
    /// When the host received it.
    pub at: DateTime<FixedOffset>,
    /// The command itself.
    pub payload: P,
    /// The host's id of the command, to recognise a retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_id: Option<CommandId>,
    /// The event count the writer saw the machine at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_events: Option<u64>,
}

impl<P> Envelope<P> {
    /// An envelope recording that `actor` issued `payload` at `at`.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::machine::{Actor, ActorId, Envelope, Role};
    ///
    /// let applicant = Actor::new(ActorId::new("91110000600037341L")?, Role::Applicant);
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T08:45:00+08:00")?;
    /// let withdraw = Envelope::new(applicant, at, "withdraw");
    /// assert_eq!(withdraw.payload, "withdraw");
    /// assert_eq!(withdraw.actor.role, Role::Applicant);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(actor: Actor, at: DateTime<FixedOffset>, payload: P) -> Envelope<P> {
        Envelope { actor, at, payload, command_id: None, expected_events: None }
    }

    /// The same envelope carrying the host's id of the command, so that a
    /// retry is answered rather than applied again.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::machine::{Actor, ActorId, CommandId, Envelope, Role};
    ///
    /// let clerk = Actor::new(ActorId::new("clerk-07")?, Role::WindowClerk);
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let accept = Envelope::new(clerk, at, "accept").with_command_id(CommandId::new("req-1")?);
    /// assert_eq!(
    ///     serde_json::to_string(&accept)?,
    ///     r#"{"actor":{"id":"clerk-07","role":"window_clerk"},"at":"2026-03-02T09:00:00+08:00","payload":"accept","command_id":"req-1"}"#,
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_command_id(mut self, id: CommandId) -> Envelope<P> {
        self.command_id = Some(id);
        self
    }

    /// The same envelope expecting the machine at `events` events (its
    /// `event_count` as the writer read it).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::machine::{Actor, ActorId, Envelope, Role};
    ///
    /// let clerk = Actor::new(ActorId::new("clerk-07")?, Role::WindowClerk);
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let accept = Envelope::new(clerk, at, "accept").expecting(1);
    /// assert_eq!(accept.expected_events, Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expecting(mut self, events: u64) -> Envelope<P> {
        self.expected_events = Some(events);
        self
    }

    /// The same actor and instant with the payload transformed, for example
    /// a command replaced by its kind, or by the event it produced.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::machine::{Actor, ActorId, Envelope, Role};
    ///
    /// let reviewer = Actor::new(ActorId::new("reviewer-3")?, Role::Reviewer);
    /// let at = DateTime::parse_from_rfc3339("2026-03-05T15:30:00+08:00")?;
    /// let extend = Envelope::new(reviewer, at, 10_u32);
    /// let described = extend.map(|days| format!("extend by {days} working days"));
    /// assert_eq!(described.payload, "extend by 10 working days");
    /// assert_eq!(described.at, at);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn map<Q, F>(self, f: F) -> Envelope<Q>
    where
        F: FnOnce(P) -> Q,
    {
        Envelope {
            actor: self.actor,
            at: self.at,
            payload: f(self.payload),
            command_id: self.command_id,
            expected_events: self.expected_events,
        }
    }

    /// An envelope borrowing this one's payload, with the actor cloned.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::machine::{Actor, ActorId, Envelope, Role};
    ///
    /// let clerk = Actor::new(ActorId::new("clerk-07")?, Role::WindowClerk);
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let note = Envelope::new(clerk, at, String::from("materials complete"));
    /// let length = note.as_ref().map(|text| text.chars().count());
    /// assert_eq!(length.payload, 18);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn as_ref(&self) -> Envelope<&P> {
        Envelope {
            actor: self.actor.clone(),
            at: self.at,
            payload: &self.payload,
            command_id: self.command_id.clone(),
            expected_events: self.expected_events,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, FixedOffset, TimeZone};

    use super::*;
    use crate::machine::{ActorId, Role};

    fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
        let china = FixedOffset::east_opt(8 * 3600).unwrap();
        china.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap()
    }

    fn clerk() -> Actor {
        Actor::new(ActorId::new("clerk-07").unwrap(), Role::WindowClerk)
    }

    #[test]
    fn instants_are_rfc3339_with_their_offset() {
        let env = Envelope::new(clerk(), at(9, 0), ());
        let json = serde_json::to_string(&env).unwrap();
        assert!(json.contains(r#""at":"2026-03-02T09:00:00+08:00""#), "{json}");
        assert_eq!(serde_json::from_str::<Envelope<()>>(&json).unwrap(), env);

        let utc = FixedOffset::east_opt(0).unwrap();
        let env = Envelope::new(clerk(), utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap(), 1);
        let json = serde_json::to_string(&env).unwrap();
        // chrono writes a zero offset as `Z`, which reads back as +00:00.
        assert!(json.contains(r#""at":"2026-03-02T01:00:00Z""#), "{json}");
        let back = serde_json::from_str::<Envelope<i32>>(&json).unwrap();
        assert_eq!(back, env);
        assert_eq!(back.at.offset().local_minus_utc(), 0);
    }

    #[test]
    fn sub_second_instants_round_trip() {
        let instant = at(9, 0) + chrono::TimeDelta::milliseconds(250);
        let env = Envelope::new(clerk(), instant, 7_u8);
        let json = serde_json::to_string(&env).unwrap();
        assert!(json.contains("09:00:00.250+08:00"), "{json}");
        assert_eq!(serde_json::from_str::<Envelope<u8>>(&json).unwrap().at, instant);
    }

    #[test]
    fn map_keeps_who_and_when() {
        let env = Envelope::new(clerk(), at(10, 30), 3_u32).map(|n| n * 2);
        assert_eq!(env.payload, 6);
        assert_eq!(env.at, at(10, 30));
        assert_eq!(env.actor, clerk());
    }

    #[test]
    fn unknown_and_missing_fields_are_refused() {
        let text = r#"{"actor":{"id":"a","role":"agent"},"at":"2026-03-02T09:00:00+08:00","payload":1,"by":"x"}"#;
        let err = serde_json::from_str::<Envelope<u8>>(text).unwrap_err();
        assert!(err.to_string().contains("unknown field `by`"), "{err}");
        let text = r#"{"actor":{"id":"a","role":"agent"},"payload":1}"#;
        let err = serde_json::from_str::<Envelope<u8>>(text).unwrap_err();
        assert!(err.to_string().contains("missing field `at`"), "{err}");
    }
}
