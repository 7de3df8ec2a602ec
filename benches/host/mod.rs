//! `host/load_replay/{shenpi,rows}`: the reference SQLite host's restart,
//! 100,000 cases of ten events each (the golden history, one copy per case,
//! a sample) read from the database and rebuilt by replay, beside reading
//! and decoding the same rows without replaying them: the floor any host
//! pays for its storage. The ratio is what replay adds. Throughput in cases.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use rusqlite::{params, Connection};
use shenpi::calendar::WorkCalendar;
use shenpi::case::{CaseContext, CaseEvent};
use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
use shenpi::limit::{SpecialProcedure, TimeLimit};

#[path = "../../examples/support/sqlite_store.rs"]
mod sqlite_store;

const CASES: usize = 100_000;

fn licence() -> ApprovalItem {
    ApprovalItem::builder(
        ItemCode::new("XK-001").expect("a valid code"),
        "行政许可",
        DepartmentId::new("county-bureau").expect("a valid id"),
    )
    .statutory(TimeLimit::working_days(20))
    .promised(TimeLimit::working_days(20))
    .special_procedures([SpecialProcedure::ExpertReview])
    .build()
    .expect("a valid item")
}

/// The store with every case's events written as the host writes them.
fn filled() -> sqlite_store::Store {
    let store = sqlite_store::Store::open(Connection::open_in_memory().expect("in memory"))
        .expect("the tables");
    let history = include_str!("../../tests/data/golden/case_history.json");
    let events: Vec<CaseEvent> = serde_json::from_str(history).expect("the golden history");
    let rows: Vec<String> =
        events.iter().map(|e| serde_json::to_string(e).expect("an event encodes")).collect();
    let tx = store.conn.unchecked_transaction().expect("a transaction");
    {
        let mut case = tx
            .prepare("INSERT INTO cases (id, item, version) VALUES (?1, 'XK-001', ?2)")
            .expect("the case insert");
        let mut event = tx
            .prepare("INSERT INTO events (case_id, seq, event) VALUES (?1, ?2, ?3)")
            .expect("the event insert");
        for n in 0..CASES {
            let id = format!("C-{n:06}");
            case.execute(params![id, rows.len() as i64]).expect("a case row");
            for (seq, row) in rows.iter().enumerate() {
                event.execute(params![id, seq as i64 + 1, row]).expect("an event row");
            }
        }
    }
    tx.commit().expect("committed");
    store
}

pub(crate) fn load_replay(c: &mut Criterion) {
    let store = filled();
    let item = licence();
    let cal = WorkCalendar::china();
    let ctx_for = |code: &str| (code == "XK-001").then(|| CaseContext::new(&item, &cal));
    let cases = store.load(ctx_for).expect("every case replays");
    assert_eq!(cases.len(), CASES);
    // The floor: the same rows read and decoded, not replayed.
    let rows = || {
        let mut stmt = store
            .conn
            .prepare(
                "SELECT c.id, c.item, e.event FROM cases c JOIN events e ON e.case_id = c.id
                 ORDER BY c.id, e.seq",
            )
            .expect("the query");
        let mut rows = stmt.query([]).expect("rows");
        let mut by_case: BTreeMap<String, Vec<CaseEvent>> = BTreeMap::new();
        while let Some(row) = rows.next().expect("a row") {
            let id: String = row.get(0).expect("an id");
            let text: String = row.get(2).expect("an event");
            let event: CaseEvent = serde_json::from_str(&text).expect("a stored event");
            by_case.entry(id).or_default().push(event);
        }
        by_case
    };
    assert_eq!(rows().len(), CASES);
    let mut group = c.benchmark_group("host/load_replay");
    group.throughput(Throughput::Elements(CASES as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("shenpi", |b| {
        b.iter(|| {
            let cases = store.load(ctx_for).expect("every case replays");
            assert_eq!(black_box(&cases).len(), CASES);
        });
    });
    group.bench_function("rows", |b| {
        b.iter(|| assert_eq!(black_box(rows()).len(), CASES));
    });
    group.finish();
}
