//! A reference host on a real database: cases' events in SQLite (in
//! memory here; a file in production), appended with the expected version
//! inside a transaction, a timers table fed by the escalation policy's
//! `next_due`, and every case rebuilt by replay on restart. A portal's
//! network retries a command and a write fails before its commit: nothing
//! is lost and nothing is applied twice.
//!
//! Run with `cargo run --example sqlite_host`. The item and the history are
//! samples, not a real case.

use std::collections::BTreeMap;

use chrono::DateTime;
use rusqlite::Connection;
use shenpi::calendar::WorkCalendar;
use shenpi::case::{CaseCommand, CaseContext, CaseEvent, CaseId};
use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
use shenpi::escalation::EscalationPolicy;
use shenpi::limit::TimeLimit;
use shenpi::machine::{Actor, ActorId, CommandId, Role};

mod support {
    pub(crate) mod sqlite_store;
}
use support::sqlite_store::Store;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let item =
        ApprovalItem::builder(ItemCode::new("SAMPLE-1")?, "样例许可", DepartmentId::new("bureau")?)
            .statutory(TimeLimit::working_days(20))
            .promised(TimeLimit::working_days(5))
            .build()?;
    let cal = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &cal);
    let policy = EscalationPolicy::default();
    let mut store = Store::open(Connection::open_in_memory()?)?;
    let mut cases = BTreeMap::new();
    let id = CaseId::new("SAMPLE-2026-0001")?;

    let staff = ActorId::new("staff-1")?;
    let who = |role| Actor::new(staff.clone(), role);
    let at = DateTime::parse_from_rfc3339;
    let steps = [
        (Role::Applicant, "2026-03-02T09:00:00+08:00", CaseCommand::Receive),
        (Role::WindowClerk, "2026-03-02T10:00:00+08:00", CaseCommand::Accept),
        (Role::Reviewer, "2026-03-03T09:00:00+08:00", CaseCommand::StartHandling),
    ];
    for (n, (role, when, command)) in steps.into_iter().enumerate() {
        let event = CaseEvent::new(who(role), at(when)?, command)
            .with_command_id(CommandId::new(&format!("req-{n}"))?)
            .expecting(n as u64);
        if n == 2 {
            // The write fails between the insert and the commit…
            store.fail_before_commit = true;
            let err =
                store.take(&mut cases, &ctx, &policy, &id, &event).expect_err("the injected fault");
            println!("append failed ({err}); stored events: {}", store.stored_events(&id)?);
        }
        // …the portal retries, and retries again after a lost reply.
        let first = store.take(&mut cases, &ctx, &policy, &id, &event)?;
        let again = store.take(&mut cases, &ctx, &policy, &id, &event)?;
        assert_eq!(first, again);
        println!(
            "{} -> {} (stored events: {})",
            first.command,
            first.to,
            store.stored_events(&id)?
        );
    }
    println!("next escalation check: {:?}", store.timer(&id)?.map(|t| t.to_rfc3339()));

    // Restart: every case rebuilt from its events.
    let reloaded =
        store.load(|code| (code == "SAMPLE-1").then(|| CaseContext::new(&item, &cal)))?;
    assert_eq!(reloaded, cases);
    println!(
        "restarted: {} case(s) rebuilt by replay, state {}",
        reloaded.len(),
        reloaded[&id].state()
    );
    Ok(())
}
