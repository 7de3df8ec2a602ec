/// A state or command kind that knows its own snake_case name: the name it
/// has in JSON, in a [`RolePolicy`](super::RolePolicy)'s keys, in error
/// messages and in the Mermaid diagrams of a
/// [`TransitionTable`](super::TransitionTable).
///
/// Implement it with a `match` on a unit-variant enum, returning exactly the
/// name serde gives the variant under `rename_all = "snake_case"`; a unit
/// test of each machine checks the two agree for every variant.
///
/// # Example
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use shenpi::machine::Named;
///
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
/// #[serde(rename_all = "snake_case")]
/// enum DoorState {
///     Closed,
///     WideOpen,
/// }
///
/// impl Named for DoorState {
///     fn name(&self) -> &'static str {
///         match self {
///             DoorState::Closed => "closed",
///             DoorState::WideOpen => "wide_open",
///         }
///     }
/// }
///
/// // The name is the serde name.
/// let json = serde_json::to_string(&DoorState::WideOpen)?;
/// assert_eq!(json, format!("\"{}\"", DoorState::WideOpen.name()));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait Named {
    /// The snake_case name, equal to the serde name.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::{Named, Role};
    ///
    /// assert_eq!(Role::WindowClerk.name(), "window_clerk");
    /// ```
    fn name(&self) -> &'static str;
}

/// A string names itself, so tables and policies can be sketched with
/// string states and commands before their enums exist.
///
/// # Example
///
/// ```
/// use shenpi::machine::{Named, TransitionTable};
///
/// assert_eq!("in_review".name(), "in_review");
/// let table = TransitionTable::new("received").row("received", "accept", "accepted");
/// assert!(table.allows("received", "accept"));
/// ```
impl Named for &'static str {
    fn name(&self) -> &'static str {
        self
    }
}
