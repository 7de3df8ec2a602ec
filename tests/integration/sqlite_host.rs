//! The reference host on SQLite (issue 19, part 5): a fault between the
//! event insert and the commit loses nothing and applies nothing; a retry
//! of an applied command is not applied twice, before or after a restart;
//! on restart every case is rebuilt by replay, as it was.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde_json::Value;
use shenpi::calendar::WorkCalendar;
use shenpi::case::{Case, CaseContext, CaseEvent, CaseId};
use shenpi::escalation::EscalationPolicy;
use shenpi::machine::CommandId;

#[path = "../../examples/support/sqlite_store.rs"]
mod sqlite_store;

use sqlite_store::{HostError, Store};

/// The golden case history, each event with a command id unique to the
/// case and the count it expects.
fn history(case: &str) -> Vec<CaseEvent> {
    let path = format!("{}/tests/data/golden/case_history.json", env!("CARGO_MANIFEST_DIR"));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let plain: Vec<CaseEvent> = serde_json::from_value(json).unwrap();
    plain
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            e.with_command_id(CommandId::new(&format!("{case}/{i}")).unwrap()).expecting(i as u64)
        })
        .collect()
}

#[test]
fn a_fault_before_commit_and_retries_lose_nothing_and_apply_nothing_twice() {
    let item = crate::golden::licence();
    let cal = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &cal);
    let policy = EscalationPolicy::default();
    let dir = std::env::temp_dir().join(format!("shenpi-host-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&dir);
    let mut store = Store::open(Connection::open(&dir).unwrap()).unwrap();
    let mut cases = BTreeMap::new();
    let ids: Vec<CaseId> = (0..3).map(|n| CaseId::new(&format!("C-{n}")).unwrap()).collect();
    for id in &ids {
        for event in &history(id.as_str())[..5] {
            store.take(&mut cases, &ctx, &policy, id, event).unwrap();
        }
    }
    let c0 = &ids[0];
    let events = history(c0.as_str());
    // The sixth event fails between its insert and the commit.
    let before = cases[c0].clone();
    store.fail_before_commit = true;
    let err = store.take(&mut cases, &ctx, &policy, c0, &events[5]).unwrap_err();
    assert!(matches!(err, HostError::Injected), "{err}");
    assert_eq!(cases[c0], before, "memory changed by a failed append");
    assert_eq!(store.stored_events(c0).unwrap(), 5, "a rolled-back event was kept");
    // The portal retries: applied once.
    let first = store.take(&mut cases, &ctx, &policy, c0, &events[5]).unwrap();
    assert_eq!(first.command, shenpi::case::CaseCommandKind::Suspend);
    assert_eq!(store.stored_events(c0).unwrap(), 6);
    // And retries again, after its reply was lost: answered, not stored.
    let again = store.take(&mut cases, &ctx, &policy, c0, &events[5]).unwrap();
    assert_eq!(again, first);
    assert_eq!(store.stored_events(c0).unwrap(), 6);
    assert_eq!(cases[c0].event_count(), 6);
    // An older command sent again is refused as stale.
    assert!(matches!(
        store.take(&mut cases, &ctx, &policy, c0, &events[3]),
        Err(HostError::Refused(_))
    ));
    // Once the case has resumed, the suspension sent again without its
    // expected count is one the machine would take (a second suspension):
    // the database's unique command id refuses it.
    store.take(&mut cases, &ctx, &policy, c0, &events[6]).unwrap();
    let mut older = events[5].clone();
    older.expected_events = None;
    older.at = events[6].at; // as the host stamps a resent command anew
    let err = store.take(&mut cases, &ctx, &policy, c0, &older).unwrap_err();
    assert!(matches!(err, HostError::Database(_)), "{err}");
    assert_eq!(cases[c0].event_count(), 7);
    assert_eq!(store.stored_events(c0).unwrap(), 7);
    // An open case has a timer from the escalation policy.
    let due = store.timer(c0).unwrap().expect("an open case has a timer");
    assert!(due > events[5].at);

    // Restart: every case rebuilt by replay, as it was, retries still known.
    drop(store);
    let store = Store::open(Connection::open(&dir).unwrap()).unwrap();
    let mut reloaded =
        store.load(|code| (code == "XK-001").then(|| CaseContext::new(&item, &cal))).unwrap();
    assert_eq!(reloaded, cases);
    let mut store = store;
    let resumed = store.take(&mut reloaded, &ctx, &policy, c0, &events[6]).unwrap();
    assert_eq!(store.stored_events(c0).unwrap(), 7);
    assert_eq!(resumed.to, reloaded[c0].state().kind());
    // The rest of the history goes through.
    for event in &events[7..] {
        store.take(&mut reloaded, &ctx, &policy, c0, event).unwrap();
    }
    let replayed = Case::replay(c0.clone(), &ctx, &events).unwrap();
    assert_eq!(reloaded[c0], replayed);
    drop(store);
    let _ = std::fs::remove_file(&dir);
}
