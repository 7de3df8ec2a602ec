use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::{mermaid, MachineError, Named, RolePolicy};

/// One step a machine may take: from state `from`, command `command` may
/// lead to state `to`. A note says when, where several rows share a state
/// and command.
///
/// A passive record with public fields; build it with
/// [`TransitionRow::new`]. In JSON: `{"from": "in_review", "command":
/// "conclude", "to": "approved"}`, with `"note": "..."` when there is one.
///
/// # Example
///
/// ```
/// use shenpi::machine::TransitionRow;
///
/// let row = TransitionRow::new("in_review", "request_correction", "awaiting_correction")
///     .with_note("late correction notice, art. 32");
/// assert_eq!(row.note.as_deref(), Some("late correction notice, art. 32"));
/// assert_eq!(
///     serde_json::to_string(&row)?,
///     r#"{"from":"in_review","command":"request_correction","to":"awaiting_correction","note":"late correction notice, art. 32"}"#,
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TransitionRow<S, K> {
    /// The state the step leaves.
    pub from: S,
    /// The kind of command that takes it.
    pub command: K,
    /// The state the step enters.
    pub to: S,
    /// When the step is taken rather than another row with the same state
    /// and command, or the rule behind it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl<S, K> TransitionRow<S, K> {
    /// A row without a note.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionRow;
    ///
    /// let row = TransitionRow::new("received", "accept", "accepted");
    /// assert_eq!((row.from, row.command, row.to), ("received", "accept", "accepted"));
    /// assert_eq!(row.note, None);
    /// ```
    pub fn new(from: S, command: K, to: S) -> TransitionRow<S, K> {
        TransitionRow { from, command, to, note: None }
    }

    /// The row with a note saying when it applies.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionRow;
    ///
    /// let row = TransitionRow::new("suspended", "resume", "in_review")
    ///     .with_note("suspended during review");
    /// assert_eq!(row.note.as_deref(), Some("suspended during review"));
    /// ```
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> TransitionRow<S, K> {
        self.note = Some(note.into());
        self
    }
}

impl<S: Copy, K: Copy> TransitionRow<S, K> {
    fn key(&self) -> (S, K, S) {
        (self.from, self.command, self.to)
    }
}

/// A machine's transitions as data: its initial state, its terminal states
/// and every step it may take, as [`TransitionRow`]s.
///
/// The table is what a machine's behaviour is tested against (every
/// transition its `apply` returns passes [`check`](Self::check), every
/// command it refuses fails [`allows`](Self::allows)), what documentation
/// and portals read to show which commands are open in a state, and what
/// [`to_mermaid`](Self::to_mermaid) draws. It does not decide anything
/// itself: where several rows share a state and command, the machine picks
/// the target from the command's data (a conclusion approves or denies).
///
/// `S` and `K` are the machine's state and command kinds: `Copy`, ordered
/// unit-variant enums that are [`Named`]. Rows are kept sorted by (from,
/// command, to), one per step, so every output is deterministic. A terminal
/// state is one a subject may end in (drawn `--> [*]`); it may still have
/// rows out of it, such as a revocation of a concluded case.
///
/// In JSON: `{"initial": "received", "terminal": ["approved"], "rows":
/// [...]}`. Decoding sorts the rows and refuses a step listed twice.
///
/// # Example
///
/// ```
/// use shenpi::machine::TransitionTable;
///
/// let table = TransitionTable::new("received")
///     .row("received", "accept", "in_review")
///     .row("received", "reject", "rejected")
///     .row("in_review", "conclude", "approved")
///     .row("in_review", "conclude", "denied")
///     .terminal(["approved", "denied", "rejected"]);
/// assert!(table.allows("received", "accept"));
/// assert!(!table.allows("in_review", "accept"));
/// assert_eq!(table.targets("in_review", "conclude").collect::<Vec<_>>(), ["approved", "denied"]);
/// assert!(table.is_terminal("denied"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    try_from = "RawTable<S, K>",
    bound(
        serialize = "S: Serialize, K: Serialize",
        deserialize = "S: Deserialize<'de> + Copy + Ord + Named, \
                       K: Deserialize<'de> + Copy + Ord + Named"
    )
)]
pub struct TransitionTable<S, K> {
    initial: S,
    terminal: BTreeSet<S>,
    rows: Vec<TransitionRow<S, K>>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawTable<S, K> {
    initial: S,
    terminal: Vec<S>,
    rows: Vec<TransitionRow<S, K>>,
}

impl<S, K> TryFrom<RawTable<S, K>> for TransitionTable<S, K>
where
    S: Copy + Ord + Named,
    K: Copy + Ord + Named,
{
    type Error = MachineError;

    fn try_from(raw: RawTable<S, K>) -> Result<TransitionTable<S, K>, MachineError> {
        let mut rows = raw.rows;
        rows.sort_by_key(TransitionRow::key);
        if let Some(pair) = rows.windows(2).find(|pair| pair[0].key() == pair[1].key()) {
            let row = &pair[0];
            return Err(MachineError::DuplicateRow {
                from: row.from.name(),
                command: row.command.name(),
                to: row.to.name(),
            });
        }
        Ok(TransitionTable {
            initial: raw.initial,
            terminal: raw.terminal.into_iter().collect(),
            rows,
        })
    }
}

impl<S: Copy + Ord, K: Copy + Ord> TransitionTable<S, K> {
    /// A table with no rows whose machines start in `initial`.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::<&str, &str>::new("received");
    /// assert_eq!(table.initial(), "received");
    /// assert!(table.rows().is_empty());
    /// ```
    pub fn new(initial: S) -> TransitionTable<S, K> {
        TransitionTable { initial, terminal: BTreeSet::new(), rows: Vec::new() }
    }

    /// The table with the step `from --command--> to` added. Adding a step
    /// already present replaces it, dropping its note.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::new("accepted")
    ///     .row("accepted", "start_review", "in_review")
    ///     .row("accepted", "start_review", "in_review");
    /// assert_eq!(table.rows().len(), 1);
    /// ```
    #[must_use]
    pub fn row(self, from: S, command: K, to: S) -> TransitionTable<S, K> {
        self.with(TransitionRow::new(from, command, to))
    }

    /// The table with the step `from --command--> to` added with a note
    /// saying when it applies. Adding a step already present replaces it.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::new("in_review")
    ///     .row_with_note("suspended", "resume", "in_review", "suspended during review")
    ///     .row_with_note("suspended", "resume", "accepted", "suspended before review");
    /// let notes: Vec<_> = table.rows().iter().filter_map(|r| r.note.as_deref()).collect();
    /// assert_eq!(notes, ["suspended before review", "suspended during review"]);
    /// ```
    #[must_use]
    pub fn row_with_note(
        self,
        from: S,
        command: K,
        to: S,
        note: impl Into<String>,
    ) -> TransitionTable<S, K> {
        self.with(TransitionRow::new(from, command, to).with_note(note))
    }

    fn with(mut self, row: TransitionRow<S, K>) -> TransitionTable<S, K> {
        match self.rows.binary_search_by_key(&row.key(), TransitionRow::key) {
            Ok(i) => self.rows[i] = row,
            Err(i) => self.rows.insert(i, row),
        }
        self
    }

    /// The table with `states` added to its terminal states.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::new("received")
    ///     .row("received", "withdraw", "withdrawn")
    ///     .terminal(["withdrawn"]);
    /// assert!(table.is_terminal("withdrawn"));
    /// assert!(!table.is_terminal("received"));
    /// ```
    #[must_use]
    pub fn terminal(mut self, states: impl IntoIterator<Item = S>) -> TransitionTable<S, K> {
        self.terminal.extend(states);
        self
    }

    /// The state every machine of the table starts in.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// assert_eq!(TransitionTable::<_, &str>::new("draft").initial(), "draft");
    /// ```
    pub fn initial(&self) -> S {
        self.initial
    }

    /// The terminal states, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::<_, &str>::new("received").terminal(["withdrawn", "approved"]);
    /// assert_eq!(table.terminal_states().collect::<Vec<_>>(), ["approved", "withdrawn"]);
    /// ```
    pub fn terminal_states(&self) -> impl Iterator<Item = S> + '_ {
        self.terminal.iter().copied()
    }

    /// Whether `state` is terminal: a subject may end there.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::<_, &str>::new("received").terminal(["approved"]);
    /// assert!(table.is_terminal("approved"));
    /// ```
    pub fn is_terminal(&self, state: S) -> bool {
        self.terminal.contains(&state)
    }

    /// Every row, sorted by (from, command, to).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::new("received")
    ///     .row("received", "reject", "rejected")
    ///     .row("received", "accept", "accepted");
    /// let commands: Vec<_> = table.rows().iter().map(|r| r.command).collect();
    /// assert_eq!(commands, ["accept", "reject"]);
    /// ```
    pub fn rows(&self) -> &[TransitionRow<S, K>] {
        &self.rows
    }

    /// The states `command` may lead to from `from`, in order; none when the
    /// table does not allow the command there.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::new("received")
    ///     .row("in_review", "conclude", "denied")
    ///     .row("in_review", "conclude", "approved");
    /// assert_eq!(table.targets("in_review", "conclude").collect::<Vec<_>>(), ["approved", "denied"]);
    /// assert_eq!(table.targets("received", "conclude").count(), 0);
    /// ```
    pub fn targets(&self, from: S, command: K) -> impl Iterator<Item = S> + '_ {
        self.rows_from_with(from, command).iter().map(|row| row.to)
    }

    /// Whether the table lets `command` be issued in state `from`.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::new("received").row("received", "accept", "accepted");
    /// assert!(table.allows("received", "accept"));
    /// assert!(!table.allows("accepted", "accept"));
    /// ```
    pub fn allows(&self, from: S, command: K) -> bool {
        !self.rows_from_with(from, command).is_empty()
    }

    /// Whether the step `from --command--> to` is a row of the table: what a
    /// machine's tests assert of every transition it returns.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::new("in_review").row("in_review", "conclude", "approved");
    /// assert!(table.check("in_review", "conclude", "approved"));
    /// assert!(!table.check("in_review", "conclude", "withdrawn"));
    /// ```
    pub fn check(&self, from: S, command: K, to: S) -> bool {
        self.get(from, command, to).is_some()
    }

    /// The row of the step `from --command--> to`, with its note, if the
    /// table has it.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::new("in_review").row_with_note(
    ///     "in_review",
    ///     "request_correction",
    ///     "awaiting_correction",
    ///     "late correction notice, art. 32",
    /// );
    /// let row = table.get("in_review", "request_correction", "awaiting_correction");
    /// assert_eq!(row.and_then(|r| r.note.as_deref()), Some("late correction notice, art. 32"));
    /// ```
    pub fn get(&self, from: S, command: K, to: S) -> Option<&TransitionRow<S, K>> {
        let i = self.rows.binary_search_by_key(&(from, command, to), TransitionRow::key).ok()?;
        self.rows.get(i)
    }

    /// The commands the table allows in state `from`, in order, each once.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::new("in_review")
    ///     .row("in_review", "conclude", "approved")
    ///     .row("in_review", "conclude", "denied")
    ///     .row("in_review", "extend", "in_review");
    /// assert_eq!(table.commands_from("in_review").collect::<Vec<_>>(), ["conclude", "extend"]);
    /// ```
    pub fn commands_from(&self, from: S) -> impl Iterator<Item = K> + '_ {
        let start = self.rows.partition_point(|row| row.from < from);
        let end = start + self.rows[start..].partition_point(|row| row.from == from);
        let rows = &self.rows[start..end];
        rows.iter()
            .enumerate()
            .filter(move |&(i, row)| i == 0 || rows[i - 1].command != row.command)
            .map(|(_, row)| row.command)
    }

    /// Every state the table mentions (initial, terminal, or in a row), in
    /// order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::new("received")
    ///     .row("received", "accept", "accepted")
    ///     .terminal(["withdrawn"]);
    /// let states: Vec<_> = table.states().into_iter().collect();
    /// assert_eq!(states, ["accepted", "received", "withdrawn"]);
    /// ```
    pub fn states(&self) -> BTreeSet<S> {
        let mut states = self.terminal.clone();
        states.insert(self.initial);
        for row in &self.rows {
            states.insert(row.from);
            states.insert(row.to);
        }
        states
    }

    /// Every command the table mentions, in order: compare it with a
    /// [`RolePolicy`]'s [`kinds`](RolePolicy::kinds) to find commands nobody
    /// may issue.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::{Role, RolePolicy, TransitionTable};
    ///
    /// let table = TransitionTable::new("received")
    ///     .row("received", "accept", "accepted")
    ///     .row("received", "reject", "rejected");
    /// let policy = RolePolicy::new().allow("accept", [Role::WindowClerk]);
    /// let unassigned: Vec<_> =
    ///     table.commands().into_iter().filter(|&k| policy.roles(k).count() == 0).collect();
    /// assert_eq!(unassigned, ["reject"]);
    /// ```
    pub fn commands(&self) -> BTreeSet<K> {
        self.rows.iter().map(|row| row.command).collect()
    }

    /// The rows leaving `from` on `command`: a contiguous run of the sorted
    /// rows, found in O(log n).
    fn rows_from_with(&self, from: S, command: K) -> &[TransitionRow<S, K>] {
        let start = self.rows.partition_point(|row| (row.from, row.command) < (from, command));
        let len =
            self.rows[start..].partition_point(|row| (row.from, row.command) == (from, command));
        &self.rows[start..start + len]
    }
}

impl<S, K> TransitionTable<S, K>
where
    S: Copy + Ord + Named,
    K: Copy + Ord + Named,
{
    /// The table as a Mermaid `stateDiagram-v2`: the initial state from
    /// `[*]`, one edge per row labelled with the command (and its note in
    /// parentheses), and the terminal states to `[*]`, in sorted order.
    ///
    /// States are drawn by their [`Named`] names, cleaned up where a name
    /// would not be a valid Mermaid id (a `state "..." as id` line then keeps
    /// the name on the diagram); `:` and `;` in labels become their
    /// full-width forms, which Mermaid does not read as syntax.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::TransitionTable;
    ///
    /// let table = TransitionTable::new("received")
    ///     .row("received", "accept", "in_review")
    ///     .row("in_review", "conclude", "approved")
    ///     .row_with_note("in_review", "request_correction", "awaiting", "late notice, art. 32")
    ///     .terminal(["approved"]);
    /// assert_eq!(
    ///     table.to_mermaid(),
    ///     "stateDiagram-v2\n    [*] --> received\n    in_review --> approved : conclude\n    \
    ///      in_review --> awaiting : request_correction (late notice, art. 32)\n    \
    ///      received --> in_review : accept\n    approved --> [*]\n",
    /// );
    /// ```
    pub fn to_mermaid(&self) -> String {
        self.render(None)
    }

    /// The Mermaid diagram of [`to_mermaid`](Self::to_mermaid) with the roles
    /// `policy` allows to issue each command added to its edges in brackets,
    /// `[none]` where no role may.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::{Role, RolePolicy, TransitionTable};
    ///
    /// let table = TransitionTable::new("received")
    ///     .row("received", "accept", "in_review")
    ///     .row("received", "reject", "rejected");
    /// let policy = RolePolicy::new().allow("accept", [Role::Reviewer, Role::WindowClerk]);
    /// assert_eq!(
    ///     table.to_mermaid_with_roles(&policy),
    ///     "stateDiagram-v2\n    [*] --> received\n    \
    ///      received --> in_review : accept [window_clerk, reviewer]\n    \
    ///      received --> rejected : reject [none]\n",
    /// );
    /// ```
    pub fn to_mermaid_with_roles(&self, policy: &RolePolicy<K>) -> String {
        self.render(Some(policy))
    }

    fn render(&self, policy: Option<&RolePolicy<K>>) -> String {
        let ids = mermaid::state_ids(self.states().into_iter().map(|s| (s, s.name())));
        let id = |state: S| ids.get(&state).map_or("_", String::as_str);
        let mut out = String::from("stateDiagram-v2\n");
        // Writing to a String cannot fail.
        for (state, state_id) in &ids {
            if state_id != state.name() {
                let _ = writeln!(
                    out,
                    "    state \"{}\" as {state_id}",
                    mermaid::description(state.name())
                );
            }
        }
        let _ = writeln!(out, "    [*] --> {}", id(self.initial));
        for row in &self.rows {
            let mut text = String::from(row.command.name());
            if let Some(note) = &row.note {
                let _ = write!(text, " ({note})");
            }
            if let Some(policy) = policy {
                let roles: Vec<&str> = policy.roles(row.command).map(|r| r.as_str()).collect();
                if roles.is_empty() {
                    text.push_str(" [none]");
                } else {
                    let _ = write!(text, " [{}]", roles.join(", "));
                }
            }
            let _ = writeln!(
                out,
                "    {} --> {} : {}",
                id(row.from),
                id(row.to),
                mermaid::label(&text)
            );
        }
        for &state in &self.terminal {
            let _ = writeln!(out, "    {} --> [*]", id(state));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::Role;

    fn review() -> TransitionTable<&'static str, &'static str> {
        TransitionTable::new("received")
            .row("received", "accept", "in_review")
            .row("in_review", "conclude", "denied")
            .row("in_review", "conclude", "approved")
            .row_with_note("in_review", "request_correction", "awaiting", "art. 32")
            .row("awaiting", "resume", "in_review")
            .terminal(["approved", "denied"])
    }

    #[test]
    fn rows_are_sorted_and_unique() {
        let table = review().row("in_review", "conclude", "approved");
        let keys: Vec<_> = table.rows().iter().map(TransitionRow::key).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(keys, sorted);
        assert_eq!(keys.len(), 5);
    }

    #[test]
    fn replacing_a_row_replaces_its_note() {
        let table = review().row("in_review", "request_correction", "awaiting");
        assert_eq!(table.get("in_review", "request_correction", "awaiting").unwrap().note, None);
        let table = table.row_with_note("in_review", "request_correction", "awaiting", "again");
        let row = table.get("in_review", "request_correction", "awaiting").unwrap();
        assert_eq!(row.note.as_deref(), Some("again"));
    }

    #[test]
    fn queries_agree_with_the_rows() {
        let table = review();
        assert_eq!(
            table.targets("in_review", "conclude").collect::<Vec<_>>(),
            ["approved", "denied"]
        );
        assert_eq!(
            table.commands_from("in_review").collect::<Vec<_>>(),
            ["conclude", "request_correction"]
        );
        assert_eq!(table.commands_from("approved").count(), 0);
        assert_eq!(table.commands_from("zzz").count(), 0);
        assert!(table.allows("awaiting", "resume"));
        assert!(!table.allows("awaiting", "conclude"));
        assert!(table.check("received", "accept", "in_review"));
        assert!(!table.check("received", "accept", "approved"));
        assert_eq!(table.states().len(), 5);
        assert_eq!(
            table.commands().into_iter().collect::<Vec<_>>(),
            ["accept", "conclude", "request_correction", "resume"]
        );
    }

    #[test]
    fn json_round_trips_and_refuses_duplicate_rows() {
        let table = review();
        let json = serde_json::to_string(&table).unwrap();
        assert!(json.starts_with(r#"{"initial":"received","terminal":["approved","denied"],"rows":[{"from":"awaiting""#), "{json}");
        // `&'static str` is `Named`, so the text must outlive the table.
        let json: &'static str = Box::leak(json.into_boxed_str());
        let back: TransitionTable<&str, &str> = serde_json::from_str(json).unwrap();
        assert_eq!(back, table);

        let text = r#"{"initial": "a", "terminal": [], "rows": [
            {"from": "a", "command": "go", "to": "b"},
            {"from": "a", "command": "go", "to": "b", "note": "again"}]}"#;
        let err = serde_json::from_str::<TransitionTable<&str, &str>>(text).unwrap_err();
        assert!(
            err.to_string().starts_with("transition a --go--> b is listed twice in the table"),
            "{err}"
        );
    }

    #[test]
    fn decoding_sorts_rows() {
        let text = r#"{"initial": "a", "terminal": ["c", "b"], "rows": [
            {"from": "b", "command": "go", "to": "c"},
            {"from": "a", "command": "go", "to": "b"}]}"#;
        let table: TransitionTable<&str, &str> = serde_json::from_str(text).unwrap();
        assert_eq!(
            table,
            TransitionTable::new("a").row("a", "go", "b").row("b", "go", "c").terminal(["b", "c"])
        );
    }

    #[test]
    fn mermaid_keeps_awkward_names_readable() {
        let table = TransitionTable::new("state")
            .row("state", "go: now", "in-review")
            .row_with_note("in-review", "stop", "in_review", "a; b\nc")
            .terminal(["in_review"]);
        assert_eq!(
            table.to_mermaid(),
            "stateDiagram-v2\n\
             \x20   state \"in-review\" as in_review_2\n\
             \x20   state \"state\" as _state\n\
             \x20   [*] --> _state\n\
             \x20   in_review_2 --> in_review : stop (a； b c)\n\
             \x20   _state --> in_review_2 : go： now\n\
             \x20   in_review --> [*]\n"
        );
    }

    #[test]
    fn mermaid_with_roles_lists_them_in_order() {
        let policy = RolePolicy::new()
            .allow("conclude", [Role::DepartmentHead, Role::Reviewer])
            .allow("accept", [Role::WindowClerk]);
        let text = review().to_mermaid_with_roles(&policy);
        assert!(
            text.contains("    in_review --> approved : conclude [reviewer, department_head]\n")
        );
        assert!(text.contains("    received --> in_review : accept [window_clerk]\n"));
        assert!(text.contains("    awaiting --> in_review : resume [none]\n"));
        assert!(text.contains(" : request_correction (art. 32) [none]\n"));
    }
}
