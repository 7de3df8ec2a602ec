use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::{MachineError, Role};

/// Who someone is in the host's records: a staff number, an account name,
/// a unified social credit code. Never empty or blank.
///
/// In JSON it is a plain string; decoding refuses an empty or blank one
/// (only white space), as [`CaseId`](crate::case::CaseId) does.
///
/// # Example
///
/// ```
/// use shenpi::machine::ActorId;
///
/// let id = ActorId::new("clerk-07")?;
/// assert_eq!(id.as_str(), "clerk-07");
/// assert_eq!(serde_json::to_string(&id).unwrap(), r#""clerk-07""#);
///
/// let err = serde_json::from_str::<ActorId>(r#""""#).unwrap_err();
/// assert_eq!(err.to_string(), "actor id is empty");
/// # Ok::<(), shenpi::machine::MachineError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String")]
pub struct ActorId(String);

impl ActorId {
    /// An actor id.
    ///
    /// # Errors
    ///
    /// [`MachineError::EmptyActorId`] when `id` is empty or only white
    /// space.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::{ActorId, MachineError};
    ///
    /// assert_eq!(ActorId::new("91110000600037341L")?.to_string(), "91110000600037341L");
    /// assert_eq!(ActorId::new(""), Err(MachineError::EmptyActorId));
    /// assert_eq!(ActorId::new(" \t"), Err(MachineError::EmptyActorId));
    /// # Ok::<(), MachineError>(())
    /// ```
    pub fn new(id: &str) -> Result<ActorId, MachineError> {
        ActorId::try_from(id.to_owned())
    }

    /// The id as a string slice.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::ActorId;
    ///
    /// assert_eq!(ActorId::new("reviewer-3")?.as_str(), "reviewer-3");
    /// # Ok::<(), shenpi::machine::MachineError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Takes the string without copying it.
///
/// # Example
///
/// ```
/// use shenpi::machine::ActorId;
///
/// let id = ActorId::try_from(String::from("agent-12"))?;
/// assert_eq!(id.as_str(), "agent-12");
/// assert!(ActorId::try_from(String::new()).is_err());
/// # Ok::<(), shenpi::machine::MachineError>(())
/// ```
impl TryFrom<String> for ActorId {
    type Error = MachineError;

    fn try_from(id: String) -> Result<ActorId, MachineError> {
        // Issue 19, fault 9: a blank id says no more than an empty one.
        if id.trim().is_empty() {
            return Err(MachineError::EmptyActorId);
        }
        Ok(ActorId(id))
    }
}

impl AsRef<str> for ActorId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ActorId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Someone acting in a role: the "who" of every recorded command.
///
/// A passive record with public fields; build it with [`Actor::new`]. In
/// JSON: `{"id": "clerk-07", "role": "window_clerk"}`.
///
/// # Example
///
/// ```
/// use shenpi::machine::{Actor, ActorId, Role};
///
/// let clerk = Actor::new(ActorId::new("clerk-07")?, Role::WindowClerk);
/// assert_eq!(clerk.role, Role::WindowClerk);
/// assert_eq!(clerk.to_string(), "clerk-07 (window clerk)");
/// assert_eq!(
///     serde_json::to_string(&clerk).unwrap(),
///     r#"{"id":"clerk-07","role":"window_clerk"}"#,
/// );
/// # Ok::<(), shenpi::machine::MachineError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Actor {
    /// Who.
    pub id: ActorId,
    /// In which role.
    pub role: Role,
}

impl Actor {
    /// An actor with an id, acting in a role.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::{Actor, ActorId, Role};
    ///
    /// // The same person may act in different roles on different cases.
    /// let as_reviewer = Actor::new(ActorId::new("wang.li")?, Role::Reviewer);
    /// let as_head = Actor::new(ActorId::new("wang.li")?, Role::DepartmentHead);
    /// assert_eq!(as_reviewer.id, as_head.id);
    /// assert_ne!(as_reviewer, as_head);
    /// # Ok::<(), shenpi::machine::MachineError>(())
    /// ```
    pub fn new(id: ActorId, role: Role) -> Actor {
        Actor { id, role }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.id, self.role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_ids_are_refused_when_built_and_decoded() {
        assert_eq!(ActorId::new(""), Err(MachineError::EmptyActorId));
        let err = serde_json::from_str::<Actor>(r#"{"id": "", "role": "reviewer"}"#).unwrap_err();
        assert!(err.to_string().starts_with("actor id is empty"), "{err}");
    }

    #[test]
    fn actors_round_trip() {
        let actor = Actor::new(ActorId::new("张三").unwrap(), Role::Applicant);
        let json = serde_json::to_string(&actor).unwrap();
        assert_eq!(json, r#"{"id":"张三","role":"applicant"}"#);
        assert_eq!(serde_json::from_str::<Actor>(&json).unwrap(), actor);
        assert_eq!(actor.id.as_ref(), "张三");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<Actor>(r#"{"id": "a", "role": "agent", "name": "x"}"#)
            .unwrap_err();
        assert!(err.to_string().contains("unknown field `name`"), "{err}");
    }

    #[test]
    fn whitespace_ids_are_kept_as_given() {
        // The host owns its id scheme: padding is kept as given, but an id
        // of white space only names no one, as for a case id (issue 19).
        assert_eq!(ActorId::new(" clerk-07 ").unwrap().as_str(), " clerk-07 ");
        assert_eq!(ActorId::new(" "), Err(MachineError::EmptyActorId));
        assert_eq!(ActorId::new("\u{3000}"), Err(MachineError::EmptyActorId));
    }
}
