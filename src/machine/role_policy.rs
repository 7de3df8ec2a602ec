use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Actor, MachineError, Named, Role};

/// Which roles may issue which kind of command: the authorization half of a
/// machine's rules, kept apart from its transition table so a portal can
/// replace it.
///
/// `K` is the machine's command kind, a unit-variant enum. A machine ships
/// its domain default (a case lets window clerks accept and reviewers or
/// department heads conclude); a portal that organizes work differently
/// builds or decodes its own and hands it to the machine. A new policy
/// allows nothing, and a kind never mentioned is allowed to no one.
///
/// In JSON it is an object keyed by the command kinds' snake_case names,
/// each listing roles in their order: `{"accept": ["window_clerk"],
/// "conclude": ["reviewer", "department_head"]}`. Decoding refuses a kind
/// listed twice, whose two lists would otherwise be silently merged or lost.
///
/// # Example
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use shenpi::machine::{Named, Role, RolePolicy};
///
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
/// #[serde(rename_all = "snake_case")]
/// enum CommandKind {
///     Accept,
///     Conclude,
/// }
///
/// impl Named for CommandKind {
///     fn name(&self) -> &'static str {
///         match self {
///             CommandKind::Accept => "accept",
///             CommandKind::Conclude => "conclude",
///         }
///     }
/// }
///
/// let policy = RolePolicy::new()
///     .allow(CommandKind::Accept, [Role::WindowClerk])
///     .allow(CommandKind::Conclude, [Role::DepartmentHead, Role::Reviewer]);
/// assert!(policy.allows(CommandKind::Conclude, Role::Reviewer));
/// assert!(!policy.allows(CommandKind::Accept, Role::Applicant));
/// assert_eq!(
///     serde_json::to_string(&policy)?,
///     r#"{"accept":["window_clerk"],"conclude":["reviewer","department_head"]}"#,
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RolePolicy<K> {
    roles: BTreeMap<K, RoleSet>,
}

impl<K: Copy + Ord> RolePolicy<K> {
    /// A policy that allows nothing.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::{Role, RolePolicy};
    ///
    /// let policy = RolePolicy::<u8>::new();
    /// assert!(!policy.allows(0, Role::Supervisor));
    /// assert_eq!(policy.kinds().count(), 0);
    /// ```
    pub fn new() -> RolePolicy<K> {
        RolePolicy { roles: BTreeMap::new() }
    }

    /// The policy with `roles` also allowed to issue `kind`, added to any
    /// roles already allowed. Allowing no roles still records the kind, as
    /// allowed to no one.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::{Role, RolePolicy};
    ///
    /// // Kinds here are plain strings; a machine uses its command-kind enum.
    /// let policy = RolePolicy::new()
    ///     .allow("withdraw", [Role::Applicant])
    ///     .allow("withdraw", [Role::Agent])
    ///     .allow("revoke", []);
    /// assert!(policy.allows("withdraw", Role::Agent));
    /// assert!(policy.allows("withdraw", Role::Applicant));
    /// assert_eq!(policy.roles("revoke").count(), 0);
    /// assert_eq!(policy.kinds().collect::<Vec<_>>(), ["revoke", "withdraw"]);
    /// ```
    #[must_use]
    pub fn allow(mut self, kind: K, roles: impl IntoIterator<Item = Role>) -> RolePolicy<K> {
        let set = self.roles.entry(kind).or_default();
        for role in roles {
            set.insert(role);
        }
        self
    }

    /// Whether `role` may issue commands of `kind`.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::{Role, RolePolicy};
    ///
    /// let policy = RolePolicy::new().allow("accept", [Role::WindowClerk]);
    /// assert!(policy.allows("accept", Role::WindowClerk));
    /// assert!(!policy.allows("accept", Role::Reviewer));
    /// assert!(!policy.allows("conclude", Role::WindowClerk));
    /// ```
    pub fn allows(&self, kind: K, role: Role) -> bool {
        self.roles.get(&kind).is_some_and(|set| set.contains(role))
    }

    /// The roles allowed to issue `kind`, in [`Role`] order; none for a kind
    /// never mentioned.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::{Role, RolePolicy};
    ///
    /// let policy = RolePolicy::new().allow("conclude", [Role::DepartmentHead, Role::Reviewer]);
    /// let roles: Vec<Role> = policy.roles("conclude").collect();
    /// assert_eq!(roles, [Role::Reviewer, Role::DepartmentHead]);
    /// assert_eq!(policy.roles("accept").count(), 0);
    /// ```
    pub fn roles(&self, kind: K) -> impl Iterator<Item = Role> {
        self.roles.get(&kind).copied().unwrap_or_default().iter()
    }

    /// Every kind the policy mentions, in order, including kinds allowed to
    /// no one.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::{Role, RolePolicy};
    ///
    /// let policy = RolePolicy::new()
    ///     .allow(2_u8, [Role::Reviewer])
    ///     .allow(1_u8, [Role::WindowClerk]);
    /// assert_eq!(policy.kinds().collect::<Vec<_>>(), [1, 2]);
    /// ```
    pub fn kinds(&self) -> impl Iterator<Item = K> + '_ {
        self.roles.keys().copied()
    }

    /// Checks that `actor` may issue a command of `kind`: the first thing a
    /// machine does with a command, before looking at its state.
    ///
    /// # Errors
    ///
    /// [`MachineError::RoleNotAllowed`] naming the actor, their role and the
    /// command when the policy does not allow it.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::{Actor, ActorId, Role, RolePolicy};
    ///
    /// // `Role` is `Named`, so it can stand in for a command kind here.
    /// let policy = RolePolicy::new().allow(Role::Reviewer, [Role::DepartmentHead]);
    /// let clerk = Actor::new(ActorId::new("clerk-07")?, Role::WindowClerk);
    /// let err = policy.authorize(Role::Reviewer, &clerk).unwrap_err();
    /// assert_eq!(err.to_string(), "actor clerk-07 (window clerk) may not issue command reviewer");
    /// # Ok::<(), shenpi::machine::MachineError>(())
    /// ```
    pub fn authorize(&self, kind: K, actor: &Actor) -> Result<(), MachineError>
    where
        K: Named,
    {
        if self.allows(kind, actor.role) {
            return Ok(());
        }
        Err(MachineError::RoleNotAllowed {
            actor: actor.id.clone(),
            role: actor.role,
            command: kind.name(),
        })
    }
}

impl<K: Copy + Ord> Default for RolePolicy<K> {
    fn default() -> RolePolicy<K> {
        RolePolicy::new()
    }
}

impl<K: fmt::Debug> fmt::Debug for RolePolicy<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.roles.iter()).finish()
    }
}

impl<K: Serialize> Serialize for RolePolicy<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.roles.len()))?;
        for (kind, set) in &self.roles {
            map.serialize_entry(kind, set)?;
        }
        map.end()
    }
}

impl<'de, K> Deserialize<'de> for RolePolicy<K>
where
    K: Deserialize<'de> + Copy + Ord + Named,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RolePolicy<K>, D::Error> {
        deserializer.deserialize_map(PolicyVisitor(PhantomData))
    }
}

struct PolicyVisitor<K>(PhantomData<K>);

impl<'de, K> Visitor<'de> for PolicyVisitor<K>
where
    K: Deserialize<'de> + Copy + Ord + Named,
{
    type Value = RolePolicy<K>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map from command kinds to lists of roles")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RolePolicy<K>, A::Error> {
        let mut roles = BTreeMap::new();
        while let Some((kind, set)) = map.next_entry::<K, RoleSet>()? {
            if roles.insert(kind, set).is_some() {
                let err = MachineError::DuplicatePolicyCommand { command: kind.name() };
                return Err(de::Error::custom(err));
            }
        }
        Ok(RolePolicy { roles })
    }
}

/// A set of roles as bits, one per [`Role`] in order: copied, compared and
/// looked up in constant time. In JSON, a list of roles in order.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
struct RoleSet(u8);

impl RoleSet {
    fn bit(role: Role) -> u8 {
        1 << (role as u8)
    }

    fn insert(&mut self, role: Role) {
        self.0 |= RoleSet::bit(role);
    }

    fn contains(self, role: Role) -> bool {
        self.0 & RoleSet::bit(role) != 0
    }

    fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |&role| self.contains(role))
    }
}

impl fmt::Debug for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for RoleSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for RoleSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RoleSet, D::Error> {
        let roles = Vec::<Role>::deserialize(deserializer)?;
        let mut set = RoleSet::default();
        for role in roles {
            set.insert(role);
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::ActorId;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Accept,
        Conclude,
    }

    impl Named for Kind {
        fn name(&self) -> &'static str {
            match self {
                Kind::Accept => "accept",
                Kind::Conclude => "conclude",
            }
        }
    }

    #[test]
    fn role_sets_hold_every_role() {
        let mut set = RoleSet::default();
        for role in Role::ALL {
            assert!(!set.contains(role));
            set.insert(role);
            assert!(set.contains(role));
        }
        assert_eq!(set.iter().collect::<Vec<_>>(), Role::ALL);
        assert_eq!(format!("{:?}", RoleSet(0b101)), "{Applicant, WindowClerk}");
    }

    #[test]
    fn decoding_sorts_and_dedups_roles() {
        let text = r#"{"conclude": ["department_head", "reviewer", "reviewer"], "accept": []}"#;
        let policy: RolePolicy<Kind> = serde_json::from_str(text).unwrap();
        assert_eq!(
            policy,
            RolePolicy::new()
                .allow(Kind::Conclude, [Role::Reviewer, Role::DepartmentHead])
                .allow(Kind::Accept, [])
        );
        assert_eq!(
            serde_json::to_string(&policy).unwrap(),
            r#"{"accept":[],"conclude":["reviewer","department_head"]}"#
        );
    }

    #[test]
    fn decoding_refuses_a_kind_listed_twice() {
        let text = r#"{"accept": ["window_clerk"], "accept": ["applicant"]}"#;
        let err = serde_json::from_str::<RolePolicy<Kind>>(text).unwrap_err();
        assert!(
            err.to_string().starts_with("command accept is listed twice in the role policy"),
            "{err}"
        );
    }

    #[test]
    fn decoding_refuses_unknown_kinds_and_roles() {
        let err = serde_json::from_str::<RolePolicy<Kind>>(r#"{"approve": []}"#).unwrap_err();
        assert!(err.to_string().contains("unknown variant `approve`"), "{err}");
        let err = serde_json::from_str::<RolePolicy<Kind>>(r#"{"accept": ["boss"]}"#).unwrap_err();
        assert!(err.to_string().contains("unknown variant `boss`"), "{err}");
        let err = serde_json::from_str::<RolePolicy<Kind>>(r#"["accept"]"#).unwrap_err();
        assert!(err.to_string().contains("a map from command kinds to lists of roles"), "{err}");
    }

    #[test]
    fn authorize_names_actor_role_and_command() {
        let policy = RolePolicy::new().allow(Kind::Accept, [Role::WindowClerk]);
        let clerk = Actor::new(ActorId::new("clerk-07").unwrap(), Role::WindowClerk);
        assert_eq!(policy.authorize(Kind::Accept, &clerk), Ok(()));
        let err = policy.authorize(Kind::Conclude, &clerk).unwrap_err();
        assert_eq!(
            err,
            MachineError::RoleNotAllowed {
                actor: clerk.id.clone(),
                role: Role::WindowClerk,
                command: "conclude"
            }
        );
        assert_eq!(err.to_string(), "actor clerk-07 (window clerk) may not issue command conclude");
    }

    #[test]
    fn debug_shows_roles_by_name() {
        let policy = RolePolicy::new().allow(Kind::Accept, [Role::WindowClerk]);
        assert_eq!(format!("{policy:?}"), "{Accept: {WindowClerk}}");
        assert_eq!(RolePolicy::<Kind>::default(), RolePolicy::new());
    }
}
