//! A reference host: cases' events kept in SQLite, shared by the
//! `sqlite_host` example, its integration test and its benchmark.
//!
//! - `events` holds every accepted event of every case, in order, as the
//!   envelope's JSON; a command id is unique across the table, so no
//!   command is stored twice whatever the network repeats.
//! - `cases` holds each case's event count: an append is a transaction that
//!   moves it from the count the command expected, so two writers cannot
//!   both append the same event number.
//! - `timers` holds, for each case, when the escalation policy next has
//!   something to say (`EscalationPolicy::next_due`): the host's scheduler
//!   wakes then and evaluates.
//! - On restart every case is rebuilt by replaying its events.
//!
//! The case in memory changes only after the transaction commits, so a
//! failure between the insert and the commit leaves both as they were.

#![allow(dead_code)] // each user takes what it needs

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};
use shenpi::calendar::WorkCalendar;
use shenpi::case::{Case, CaseContext, CaseError, CaseEvent, CaseId, CaseTransition};
use shenpi::escalation::{EscalationPolicy, Supervised, SupervisionLog};

/// What can go wrong in the host.
#[derive(Debug)]
pub(crate) enum HostError {
    /// The machine refused the command.
    Refused(CaseError),
    /// The database refused (a stored command id seen again, a lost race).
    Database(rusqlite::Error),
    /// Another writer appended first.
    Conflict { case: String },
    /// The injected fault, between the insert and the commit.
    Injected,
    /// A stored event or a timer could not be read or worked out.
    Stored(String),
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::Refused(e) => write!(f, "refused: {e}"),
            HostError::Database(e) => write!(f, "database: {e}"),
            HostError::Conflict { case } => {
                write!(f, "case {case} was appended to by another writer")
            }
            HostError::Injected => f.write_str("injected fault before commit"),
            HostError::Stored(e) => write!(f, "stored data: {e}"),
        }
    }
}

impl std::error::Error for HostError {}

impl From<rusqlite::Error> for HostError {
    fn from(e: rusqlite::Error) -> Self {
        HostError::Database(e)
    }
}

/// The store: a connection with the three tables.
pub(crate) struct Store {
    pub(crate) conn: Connection,
    /// When set, the next append fails after its insert, before commit.
    pub(crate) fail_before_commit: bool,
}

impl Store {
    /// Opens the store on `conn`, creating its tables if missing.
    pub(crate) fn open(conn: Connection) -> Result<Store, HostError> {
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS cases (
                 id TEXT PRIMARY KEY, item TEXT NOT NULL, version INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS events (
                 case_id TEXT NOT NULL, seq INTEGER NOT NULL, command_id TEXT UNIQUE,
                 event TEXT NOT NULL, PRIMARY KEY (case_id, seq));
             CREATE TABLE IF NOT EXISTS timers (case_id TEXT PRIMARY KEY, due TEXT NOT NULL);",
        )?;
        Ok(Store { conn, fail_before_commit: false })
    }

    /// Takes `event` for case `id` (`None` for a receipt, which creates it):
    /// applies it to a copy, then, in one transaction, appends it, moves the
    /// case's version from the one the event expected and sets its timer.
    /// A retry of the latest command is answered without writing.
    pub(crate) fn take(
        &mut self,
        cases: &mut BTreeMap<CaseId, Case>,
        ctx: &CaseContext<'_>,
        policy: &EscalationPolicy,
        id: &CaseId,
        event: &CaseEvent,
    ) -> Result<CaseTransition, HostError> {
        let (next, transition) = match cases.get(id) {
            None => Case::receive(id.clone(), ctx, event).map_err(HostError::Refused)?,
            Some(case) => {
                let mut next = case.clone();
                let t = next.apply(ctx, event).map_err(HostError::Refused)?;
                if next.event_count() == case.event_count() {
                    return Ok(t); // a retry, answered as it was
                }
                (next, t)
            }
        };
        let version = next.event_count();
        let tx = self.conn.transaction()?;
        if version == 1 {
            tx.execute(
                "INSERT INTO cases (id, item, version) VALUES (?1, ?2, 1)",
                params![id.as_str(), next.item().as_str()],
            )?;
        } else {
            let moved = tx.execute(
                "UPDATE cases SET version = ?1 WHERE id = ?2 AND version = ?3",
                params![version as i64, id.as_str(), (version - 1) as i64],
            )?;
            if moved != 1 {
                return Err(HostError::Conflict { case: id.to_string() });
            }
        }
        let json = serde_json::to_string(event).map_err(|e| HostError::Stored(e.to_string()))?;
        tx.execute(
            "INSERT INTO events (case_id, seq, command_id, event) VALUES (?1, ?2, ?3, ?4)",
            params![
                id.as_str(),
                version as i64,
                event.command_id.as_ref().map(|c| c.as_str()),
                json
            ],
        )?;
        let due = next_due(&next, ctx.calendar(), policy, event.at)?;
        match due {
            Some(due) => tx.execute(
                "INSERT INTO timers (case_id, due) VALUES (?1, ?2)
                 ON CONFLICT (case_id) DO UPDATE SET due = excluded.due",
                params![id.as_str(), due.to_rfc3339()],
            )?,
            None => tx.execute("DELETE FROM timers WHERE case_id = ?1", params![id.as_str()])?,
        };
        if std::mem::take(&mut self.fail_before_commit) {
            return Err(HostError::Injected); // dropped: rolled back
        }
        tx.commit()?;
        cases.insert(id.clone(), next);
        Ok(transition)
    }

    /// Every case rebuilt by replaying its stored events: what a host does
    /// on restart. `ctx_for` gives the context of an item code.
    pub(crate) fn load<'c>(
        &self,
        ctx_for: impl Fn(&str) -> Option<CaseContext<'c>>,
    ) -> Result<BTreeMap<CaseId, Case>, HostError> {
        let mut cases = BTreeMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.item, e.event FROM cases c JOIN events e ON e.case_id = c.id
             ORDER BY c.id, e.seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut current: Option<(String, String, Vec<CaseEvent>)> = None;
        let mut finish = |(id, item, events): (String, String, Vec<CaseEvent>)| {
            let ctx =
                ctx_for(&item).ok_or_else(|| HostError::Stored(format!("unknown item {item}")))?;
            let id = CaseId::new(&id).map_err(HostError::Refused)?;
            let case = Case::replay(id.clone(), &ctx, &events).map_err(HostError::Refused)?;
            cases.insert(id, case);
            Ok::<(), HostError>(())
        };
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let event: String = row.get(2)?;
            let event: CaseEvent =
                serde_json::from_str(&event).map_err(|e| HostError::Stored(e.to_string()))?;
            match &mut current {
                Some((open, _, events)) if *open == id => events.push(event),
                _ => {
                    if let Some(done) = current.take() {
                        finish(done)?;
                    }
                    current = Some((id, row.get(1)?, vec![event]));
                }
            }
        }
        if let Some(done) = current.take() {
            finish(done)?;
        }
        Ok(cases)
    }

    /// The number of events stored for case `id`.
    pub(crate) fn stored_events(&self, id: &CaseId) -> Result<u64, HostError> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM events WHERE case_id = ?1",
            params![id.as_str()],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// The timer of case `id`, if it has one.
    pub(crate) fn timer(&self, id: &CaseId) -> Result<Option<DateTime<FixedOffset>>, HostError> {
        let due: Option<String> = self
            .conn
            .query_row("SELECT due FROM timers WHERE case_id = ?1", params![id.as_str()], |r| {
                r.get(0)
            })
            .optional()?;
        due.map(|d| DateTime::parse_from_rfc3339(&d).map_err(|e| HostError::Stored(e.to_string())))
            .transpose()
    }
}

/// When the policy next has something to say about `case`, seen at `now`.
pub(crate) fn next_due(
    case: &Case,
    cal: &WorkCalendar,
    policy: &EscalationPolicy,
    now: DateTime<FixedOffset>,
) -> Result<Option<DateTime<FixedOffset>>, HostError> {
    let obs = case.observe(cal, now).map_err(|e| HostError::Stored(e.to_string()))?;
    policy
        .next_due(&obs, &SupervisionLog::new(), cal, now)
        .map_err(|e| HostError::Stored(e.to_string()))
}
