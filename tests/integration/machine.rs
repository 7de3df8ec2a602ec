//! Machine tests: a tiny demo machine (a door) built on the shared types,
//! its table, policy and Mermaid diagram, the wire format of envelopes,
//! transitions and role policies, and properties of tables and policies.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, TimeDelta, TimeZone};
use proptest::prelude::*;
use proptest::sample::select;
use serde::{Deserialize, Serialize};
use shenpi::machine::{
    Actor, ActorId, Envelope, MachineError, Named, Role, RolePolicy, Transition, TransitionRow,
    TransitionTable,
};

// ---------------------------------------------------------------------------
// The door: closed, open, locked, removed.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DoorState {
    Closed,
    Open,
    Locked,
    Removed,
}

impl DoorState {
    const ALL: [DoorState; 4] =
        [DoorState::Closed, DoorState::Open, DoorState::Locked, DoorState::Removed];
}

impl Named for DoorState {
    fn name(&self) -> &'static str {
        match self {
            DoorState::Closed => "closed",
            DoorState::Open => "open",
            DoorState::Locked => "locked",
            DoorState::Removed => "removed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DoorKind {
    Open,
    Close,
    Lock,
    Unlock,
    Remove,
}

impl DoorKind {
    const ALL: [DoorKind; 5] =
        [DoorKind::Open, DoorKind::Close, DoorKind::Lock, DoorKind::Unlock, DoorKind::Remove];
}

impl Named for DoorKind {
    fn name(&self) -> &'static str {
        match self {
            DoorKind::Open => "open",
            DoorKind::Close => "close",
            DoorKind::Lock => "lock",
            DoorKind::Unlock => "unlock",
            DoorKind::Remove => "remove",
        }
    }
}

/// What an unlocked door does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum After {
    StayClosed,
    SwingOpen,
}

/// A command to the door, with its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum DoorCommand {
    Open,
    Close,
    Lock { key: String },
    Unlock { key: String, after: After },
    Remove,
}

impl DoorCommand {
    fn kind(&self) -> DoorKind {
        match self {
            DoorCommand::Open => DoorKind::Open,
            DoorCommand::Close => DoorKind::Close,
            DoorCommand::Lock { .. } => DoorKind::Lock,
            DoorCommand::Unlock { .. } => DoorKind::Unlock,
            DoorCommand::Remove => DoorKind::Remove,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum DoorError {
    #[error(transparent)]
    Role(#[from] MachineError),
    #[error("command {} not allowed in state {}", .command.name(), .state.name())]
    NotAllowed { state: DoorState, command: DoorKind },
    #[error("key {key:?} does not fit the lock")]
    WrongKey { key: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Door {
    state: DoorState,
    key: Option<String>,
}

impl Door {
    fn new() -> Door {
        Door { state: door_table().initial(), key: None }
    }

    /// Checks the role, then the state; moves only when both allow it.
    fn apply(
        &mut self,
        policy: &RolePolicy<DoorKind>,
        cmd: &Envelope<DoorCommand>,
    ) -> Result<Transition<DoorState, DoorKind>, DoorError> {
        let kind = cmd.payload.kind();
        policy.authorize(kind, &cmd.actor)?;
        let to = match (self.state, &cmd.payload) {
            (DoorState::Closed, DoorCommand::Open) => DoorState::Open,
            (DoorState::Open, DoorCommand::Close) => DoorState::Closed,
            (DoorState::Closed, DoorCommand::Lock { key }) => {
                self.key = Some(key.clone());
                DoorState::Locked
            }
            (DoorState::Locked, DoorCommand::Unlock { key, after }) => {
                if self.key.as_ref() != Some(key) {
                    return Err(DoorError::WrongKey { key: key.clone() });
                }
                self.key = None;
                match after {
                    After::StayClosed => DoorState::Closed,
                    After::SwingOpen => DoorState::Open,
                }
            }
            (DoorState::Closed, DoorCommand::Remove) => DoorState::Removed,
            (state, _) => return Err(DoorError::NotAllowed { state, command: kind }),
        };
        let step = Transition::new(self.state, kind, to, cmd.at);
        self.state = to;
        Ok(step)
    }
}

fn door_table() -> TransitionTable<DoorState, DoorKind> {
    use DoorKind as K;
    use DoorState as S;
    TransitionTable::new(S::Closed)
        .row(S::Open, K::Close, S::Closed)
        .row(S::Closed, K::Open, S::Open)
        .row(S::Closed, K::Lock, S::Locked)
        .row_with_note(S::Locked, K::Unlock, S::Open, "after swing_open")
        .row_with_note(S::Locked, K::Unlock, S::Closed, "after stay_closed")
        .row_with_note(S::Closed, K::Remove, S::Removed, "renovation: department head only")
        .terminal([S::Removed])
}

fn door_policy() -> RolePolicy<DoorKind> {
    RolePolicy::new()
        .allow(DoorKind::Open, [Role::WindowClerk, Role::Applicant])
        .allow(DoorKind::Close, [Role::Applicant, Role::WindowClerk])
        .allow(DoorKind::Lock, [Role::WindowClerk])
        .allow(DoorKind::Unlock, [Role::Supervisor, Role::WindowClerk])
        .allow(DoorKind::Remove, [Role::DepartmentHead])
}

fn actor(id: &str, role: Role) -> Actor {
    Actor::new(ActorId::new(id).unwrap(), role)
}

fn china(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

// ---------------------------------------------------------------------------
// The door's table, policy and behaviour.

#[test]
fn names_are_the_serde_names() {
    for state in DoorState::ALL {
        assert_eq!(serde_json::to_value(state).unwrap(), state.name());
    }
    for kind in DoorKind::ALL {
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
    }
    for role in Role::ALL {
        assert_eq!(serde_json::to_value(role).unwrap(), role.name());
    }
}

#[test]
fn table_queries() {
    use DoorKind as K;
    use DoorState as S;
    let table = door_table();
    assert_eq!(table.initial(), S::Closed);
    assert_eq!(table.terminal_states().collect::<Vec<_>>(), [S::Removed]);
    assert!(table.is_terminal(S::Removed));
    assert_eq!(table.rows().len(), 6);
    // Sorted by (from, command, to), whatever the order they were added in.
    let keys: Vec<_> = table.rows().iter().map(|r| (r.from, r.command, r.to)).collect();
    assert_eq!(
        keys,
        [
            (S::Closed, K::Open, S::Open),
            (S::Closed, K::Lock, S::Locked),
            (S::Closed, K::Remove, S::Removed),
            (S::Open, K::Close, S::Closed),
            (S::Locked, K::Unlock, S::Closed),
            (S::Locked, K::Unlock, S::Open),
        ]
    );
    assert_eq!(table.targets(S::Locked, K::Unlock).collect::<Vec<_>>(), [S::Closed, S::Open]);
    assert_eq!(table.targets(S::Open, K::Lock).count(), 0);
    assert!(table.allows(S::Closed, K::Lock));
    assert!(!table.allows(S::Open, K::Lock));
    assert!(!table.allows(S::Removed, K::Open));
    assert!(table.check(S::Locked, K::Unlock, S::Open));
    assert!(!table.check(S::Locked, K::Unlock, S::Removed));
    assert_eq!(table.commands_from(S::Closed).collect::<Vec<_>>(), [K::Open, K::Lock, K::Remove]);
    assert_eq!(table.commands_from(S::Locked).collect::<Vec<_>>(), [K::Unlock]);
    assert_eq!(table.commands_from(S::Removed).count(), 0);
    assert_eq!(table.states().into_iter().collect::<Vec<_>>(), DoorState::ALL);
    assert_eq!(table.commands().into_iter().collect::<Vec<_>>(), DoorKind::ALL);
    let row = table.get(S::Closed, K::Remove, S::Removed).unwrap();
    assert_eq!(row.note.as_deref(), Some("renovation: department head only"));
    assert_eq!(
        row,
        &TransitionRow::new(S::Closed, K::Remove, S::Removed)
            .with_note("renovation: department head only")
    );
}

#[test]
fn policy_allows_and_denies() {
    let policy = door_policy();
    assert!(policy.allows(DoorKind::Open, Role::Applicant));
    assert!(policy.allows(DoorKind::Unlock, Role::Supervisor));
    assert!(!policy.allows(DoorKind::Lock, Role::Applicant));
    assert!(!policy.allows(DoorKind::Remove, Role::WindowClerk));
    assert_eq!(
        policy.roles(DoorKind::Unlock).collect::<Vec<_>>(),
        [Role::WindowClerk, Role::Supervisor]
    );
    assert_eq!(policy.kinds().collect::<Vec<_>>(), DoorKind::ALL);
    // Every command of the table is open to someone.
    assert!(door_table().commands().into_iter().all(|k| policy.roles(k).count() > 0));

    let empty = RolePolicy::<DoorKind>::new();
    assert!(Role::ALL.iter().all(|&r| DoorKind::ALL.iter().all(|&k| !empty.allows(k, r))));
}

#[test]
fn the_door_moves_only_as_its_table_and_policy_allow() {
    let policy = door_policy();
    let clerk = actor("clerk-07", Role::WindowClerk);
    let applicant = actor("91110000600037341L", Role::Applicant);
    let head = actor("director-1", Role::DepartmentHead);
    let mut door = Door::new();

    let lock = DoorCommand::Lock { key: "brass-7".into() };
    let step = door.apply(&policy, &Envelope::new(clerk.clone(), china(2026, 3, 2, 8, 30), lock));
    assert_eq!(
        step.unwrap(),
        Transition::new(
            DoorState::Closed,
            DoorKind::Lock,
            DoorState::Locked,
            china(2026, 3, 2, 8, 30)
        )
    );

    // The applicant may not unlock; the wrong key does not fit; the state
    // stays locked through both refusals.
    let unlock = |key: &str| DoorCommand::Unlock { key: key.into(), after: After::SwingOpen };
    let at = china(2026, 3, 2, 9, 0);
    let err = door.apply(&policy, &Envelope::new(applicant.clone(), at, unlock("brass-7")));
    assert_eq!(
        err.unwrap_err().to_string(),
        "actor 91110000600037341L (applicant) may not issue command unlock"
    );
    let err = door.apply(&policy, &Envelope::new(clerk.clone(), at, unlock("iron-1")));
    assert_eq!(err.unwrap_err(), DoorError::WrongKey { key: "iron-1".into() });
    assert_eq!(door.state, DoorState::Locked);

    let step = door.apply(&policy, &Envelope::new(clerk.clone(), at, unlock("brass-7"))).unwrap();
    assert_eq!((step.from, step.to), (DoorState::Locked, DoorState::Open));
    assert!(door_table().check(step.from, step.command, step.to));

    let err = door.apply(&policy, &Envelope::new(head.clone(), at, DoorCommand::Remove));
    assert_eq!(err.unwrap_err().to_string(), "command remove not allowed in state open");
    door.apply(&policy, &Envelope::new(applicant, at, DoorCommand::Close)).unwrap();
    let step = door.apply(&policy, &Envelope::new(head, at, DoorCommand::Remove)).unwrap();
    assert_eq!(step.to_string(), "closed --remove--> removed at 2026-03-02T09:00:00+08:00");
    assert!(door_table().is_terminal(door.state));
}

// The whole diagram is pinned, character for character.
#[test]
fn mermaid_diagram() {
    assert_eq!(
        door_table().to_mermaid(),
        "stateDiagram-v2
    [*] --> closed
    closed --> open : open
    closed --> locked : lock
    closed --> removed : remove (renovation： department head only)
    open --> closed : close
    locked --> closed : unlock (after stay_closed)
    locked --> open : unlock (after swing_open)
    removed --> [*]
"
    );
}

#[test]
fn mermaid_diagram_with_roles() {
    assert_eq!(
        door_table().to_mermaid_with_roles(&door_policy()),
        "stateDiagram-v2
    [*] --> closed
    closed --> open : open [applicant, window_clerk]
    closed --> locked : lock [window_clerk]
    closed --> removed : remove (renovation： department head only) [department_head]
    open --> closed : close [applicant, window_clerk]
    locked --> closed : unlock (after stay_closed) [window_clerk, supervisor]
    locked --> open : unlock (after swing_open) [window_clerk, supervisor]
    removed --> [*]
"
    );
    let no_one = RolePolicy::new().allow(DoorKind::Open, [Role::Applicant]);
    let text = door_table().to_mermaid_with_roles(&no_one);
    assert!(text.contains("    open --> closed : close [none]\n"), "{text}");
}

// ---------------------------------------------------------------------------
// The wire format.

fn golden_envelope() -> Envelope<DoorCommand> {
    Envelope::new(
        actor("clerk-07", Role::WindowClerk),
        china(2026, 3, 2, 9, 0),
        DoorCommand::Unlock { key: "brass-7".into(), after: After::SwingOpen },
    )
}

#[test]
fn golden_json_envelope() {
    let fixture = data("golden/envelope.json");
    let json = serde_json::to_string_pretty(&golden_envelope()).unwrap() + "\n";
    assert_eq!(json, fixture);
    let decoded: Envelope<DoorCommand> = serde_json::from_str(&fixture).unwrap();
    assert_eq!(decoded, golden_envelope());
    assert_eq!(decoded.at.offset().local_minus_utc(), 8 * 3600);
}

#[test]
fn golden_json_role_policy() {
    let fixture = data("golden/role_policy.json");
    let json = serde_json::to_string_pretty(&door_policy()).unwrap() + "\n";
    assert_eq!(json, fixture);
    let decoded: RolePolicy<DoorKind> = serde_json::from_str(&fixture).unwrap();
    assert_eq!(decoded, door_policy());
}

#[test]
fn transitions_and_tables_round_trip() {
    let step = Transition::new(
        DoorState::Locked,
        DoorKind::Unlock,
        DoorState::Open,
        china(2026, 3, 2, 9, 0),
    );
    let json = serde_json::to_string(&step).unwrap();
    assert_eq!(
        json,
        r#"{"from":"locked","command":"unlock","to":"open","at":"2026-03-02T09:00:00+08:00"}"#
    );
    assert_eq!(serde_json::from_str::<Transition<DoorState, DoorKind>>(&json).unwrap(), step);

    let table = door_table();
    let json = serde_json::to_string(&table).unwrap();
    assert!(json.starts_with(r#"{"initial":"closed","terminal":["removed"],"rows":[{"from":"closed","command":"open","to":"open"}"#), "{json}");
    assert!(json
        .contains(r#"{"from":"locked","command":"unlock","to":"open","note":"after swing_open"}"#));
    assert_eq!(serde_json::from_str::<TransitionTable<DoorState, DoorKind>>(&json).unwrap(), table);
}

#[test]
fn decoding_refuses_bad_records_with_clear_messages() {
    let cases = [
        (
            r#"{"actor": {"id": "", "role": "window_clerk"}, "at": "2026-03-02T09:00:00+08:00", "payload": {"kind": "open"}}"#,
            "actor id is empty",
        ),
        (
            r#"{"actor": {"id": "clerk-07", "role": "janitor"}, "at": "2026-03-02T09:00:00+08:00", "payload": {"kind": "open"}}"#,
            "unknown variant `janitor`",
        ),
        (
            r#"{"actor": {"id": "clerk-07", "role": "window_clerk"}, "at": "2026-03-02 09:00", "payload": {"kind": "open"}}"#,
            "premature end of input",
        ),
        (
            r#"{"actor": {"id": "clerk-07", "role": "window_clerk"}, "at": "2026-03-02T09:00:00+08:00", "payload": {"kind": "open"}, "by": 1}"#,
            "unknown field `by`",
        ),
    ];
    for (text, message) in cases {
        let err = serde_json::from_str::<Envelope<DoorCommand>>(text).unwrap_err();
        assert!(err.to_string().contains(message), "{message}: {err}");
    }
    let err = serde_json::from_str::<RolePolicy<DoorKind>>(r#"{"open": [], "open": ["agent"]}"#)
        .unwrap_err();
    assert!(
        err.to_string().starts_with("command open is listed twice in the role policy"),
        "{err}"
    );
    let text = r#"{"initial": "closed", "terminal": [], "rows": [
        {"from": "closed", "command": "open", "to": "open"},
        {"from": "closed", "command": "open", "to": "open", "note": "again"}]}"#;
    let err = serde_json::from_str::<TransitionTable<DoorState, DoorKind>>(text).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("transition closed --open--> open is listed twice in the table"),
        "{err}"
    );
}

#[test]
fn machine_errors_reach_the_umbrella() {
    fn who(id: &str) -> shenpi::Result<ActorId> {
        Ok(ActorId::new(id)?)
    }
    let err = who("").unwrap_err();
    assert!(matches!(err, shenpi::Error::Machine(MachineError::EmptyActorId)));
    assert_eq!(err.to_string(), "actor id is empty");
}

#[test]
fn machine_types_are_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Envelope<DoorCommand>>();
    assert_send_sync::<TransitionTable<DoorState, DoorKind>>();
    assert_send_sync::<RolePolicy<DoorKind>>();
    assert_send_sync::<MachineError>();
}

// ---------------------------------------------------------------------------
// Properties.

/// `cases` cases, and no regression files written next to the sources.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Six states and four commands for random tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Stage {
    Received,
    Accepted,
    InReview,
    Suspended,
    Approved,
    Denied,
}

impl Named for Stage {
    fn name(&self) -> &'static str {
        match self {
            Stage::Received => "received",
            Stage::Accepted => "accepted",
            Stage::InReview => "in_review",
            Stage::Suspended => "suspended",
            Stage::Approved => "approved",
            Stage::Denied => "denied",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Step {
    Accept,
    Conclude,
    Suspend,
    Resume,
}

impl Named for Step {
    fn name(&self) -> &'static str {
        match self {
            Step::Accept => "accept",
            Step::Conclude => "conclude",
            Step::Suspend => "suspend",
            Step::Resume => "resume",
        }
    }
}

const STAGES: [Stage; 6] = [
    Stage::Received,
    Stage::Accepted,
    Stage::InReview,
    Stage::Suspended,
    Stage::Approved,
    Stage::Denied,
];
const STEPS: [Step; 4] = [Step::Accept, Step::Conclude, Step::Suspend, Step::Resume];

type RawRow = (Stage, Step, Stage, Option<String>);

fn raw_rows() -> impl Strategy<Value = Vec<RawRow>> {
    let row = (
        select(STAGES.to_vec()),
        select(STEPS.to_vec()),
        select(STAGES.to_vec()),
        proptest::option::of("[a-z ,.:;]{1,12}"),
    );
    proptest::collection::vec(row, 0..30)
}

fn build(initial: Stage, rows: &[RawRow], terminal: &[Stage]) -> TransitionTable<Stage, Step> {
    let table =
        rows.iter().fold(TransitionTable::new(initial), |table, (from, k, to, note)| match note {
            Some(note) => table.row_with_note(*from, *k, *to, note.as_str()),
            None => table.row(*from, *k, *to),
        });
    table.terminal(terminal.iter().copied())
}

fn table_laws(
    initial: Stage,
    rows: Vec<RawRow>,
    terminal: Vec<Stage>,
) -> Result<(), TestCaseError> {
    let table = build(initial, &rows, &terminal);
    // The last row added for a step wins.
    let expected: BTreeMap<(Stage, Step, Stage), Option<String>> =
        rows.iter().map(|(f, k, t, note)| ((*f, *k, *t), note.clone())).collect();
    prop_assert_eq!(table.rows().len(), expected.len());

    let text = table.to_mermaid();
    let lines: BTreeSet<&str> = text.lines().collect();
    prop_assert_eq!(text.lines().count(), 2 + expected.len() + table.terminal_states().count());
    for ((from, command, to), note) in &expected {
        let mut label = command.name().to_owned();
        if let Some(note) = note {
            label = format!("{label} ({})", note.replace(':', "：").replace(';', "；"));
        }
        let line = format!("    {} --> {} : {label}", from.name(), to.name());
        prop_assert!(lines.contains(line.as_str()), "missing {:?} in\n{}", line, text);
        prop_assert!(table.check(*from, *command, *to));
        prop_assert_eq!(&table.get(*from, *command, *to).unwrap().note, note);
    }
    for &from in &STAGES {
        for &command in &STEPS {
            let targets: Vec<Stage> = table.targets(from, command).collect();
            let want: Vec<Stage> = expected
                .keys()
                .filter(|(f, k, _)| (*f, *k) == (from, command))
                .map(|&(_, _, t)| t)
                .collect();
            prop_assert_eq!(&targets, &want);
            prop_assert_eq!(table.allows(from, command), !want.is_empty());
            prop_assert_eq!(table.commands_from(from).any(|k| k == command), !want.is_empty());
        }
    }
    // Deterministic: the order rows were added in does not matter.
    let dedup: Vec<RawRow> =
        expected.iter().map(|(&(f, k, t), n)| (f, k, t, n.clone())).rev().collect();
    prop_assert_eq!(build(initial, &dedup, &terminal).to_mermaid(), text);
    let json = serde_json::to_string(&table).unwrap();
    let back: TransitionTable<Stage, Step> = serde_json::from_str(&json).unwrap();
    prop_assert_eq!(back, table);
    Ok(())
}

fn raw_policy() -> impl Strategy<Value = Vec<(Step, Vec<Role>)>> {
    let entry =
        (select(STEPS.to_vec()), proptest::collection::vec(select(Role::ALL.to_vec()), 0..5));
    proptest::collection::vec(entry, 0..8)
}

fn policy_laws(entries: Vec<(Step, Vec<Role>)>) -> Result<(), TestCaseError> {
    let policy = entries.iter().fold(RolePolicy::new(), |policy, (kind, roles)| {
        policy.allow(*kind, roles.iter().copied())
    });
    for &kind in &STEPS {
        for role in Role::ALL {
            let want = entries.iter().any(|(k, roles)| *k == kind && roles.contains(&role));
            prop_assert_eq!(policy.allows(kind, role), want);
        }
        let roles: Vec<Role> = policy.roles(kind).collect();
        prop_assert!(roles.windows(2).all(|w| w[0] < w[1]));
    }
    let json = serde_json::to_string(&policy).unwrap();
    let back: RolePolicy<Step> = serde_json::from_str(&json).unwrap();
    prop_assert_eq!(&back, &policy);
    prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
    Ok(())
}

fn door_command() -> impl Strategy<Value = (Role, DoorCommand)> {
    let key = select(vec!["brass-7", "iron-1"]).prop_map(String::from);
    let after = select(vec![After::StayClosed, After::SwingOpen]);
    let command = prop_oneof![
        Just(DoorCommand::Open),
        Just(DoorCommand::Close),
        key.clone().prop_map(|key| DoorCommand::Lock { key }),
        (key, after).prop_map(|(key, after)| DoorCommand::Unlock { key, after }),
        Just(DoorCommand::Remove),
    ];
    (select(Role::ALL.to_vec()), command)
}

/// The door and its table agree: every step taken is a row; a command the
/// table does not allow is refused and changes nothing; replaying the
/// accepted commands rebuilds the door.
fn door_laws(commands: Vec<(Role, DoorCommand)>) -> Result<(), TestCaseError> {
    let (table, policy) = (door_table(), door_policy());
    let mut door = Door::new();
    let mut history = Vec::new();
    let start = china(2026, 3, 2, 8, 30);
    for (i, (role, command)) in commands.into_iter().enumerate() {
        let at = start + TimeDelta::minutes(i as i64);
        let envelope = Envelope::new(actor("someone", role), at, command);
        let kind = envelope.payload.kind();
        let before = door.clone();
        match door.apply(&policy, &envelope) {
            Ok(step) => {
                prop_assert!(table.check(step.from, step.command, step.to), "{step:?}");
                prop_assert_eq!((step.from, step.command, step.at), (before.state, kind, at));
                prop_assert_eq!(step.to, door.state);
                history.push(envelope);
            }
            Err(err) => {
                prop_assert_eq!(&door, &before);
                match err {
                    DoorError::Role(_) => prop_assert!(!policy.allows(kind, role)),
                    DoorError::NotAllowed { state, command } => {
                        prop_assert!(policy.allows(kind, role));
                        prop_assert_eq!((state, command), (door.state, kind));
                        prop_assert!(!table.allows(state, command));
                    }
                    DoorError::WrongKey { .. } => {
                        prop_assert!(table.allows(door.state, kind));
                    }
                }
            }
        }
    }
    let mut replayed = Door::new();
    for envelope in &history {
        replayed.apply(&policy, envelope).unwrap();
    }
    prop_assert_eq!(replayed, door);
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn tables_match_their_rows(
        initial in select(STAGES.to_vec()),
        rows in raw_rows(),
        terminal in proptest::collection::vec(select(STAGES.to_vec()), 0..3),
    ) {
        table_laws(initial, rows, terminal)?;
    }

    #[test]
    fn role_policies_round_trip(entries in raw_policy()) {
        policy_laws(entries)?;
    }

    #[test]
    fn the_door_agrees_with_its_table(
        commands in proptest::collection::vec(door_command(), 0..40),
    ) {
        door_laws(commands)?;
    }
}
