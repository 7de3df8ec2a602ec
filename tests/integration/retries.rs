//! Retries and concurrent writers (issue 19, part 4): an envelope's
//! `command_id` makes a retry of the latest command harmless, its
//! `expected_events` refuses a writer working from a stale copy.

use proptest::prelude::*;
use shenpi::calendar::WorkCalendar;
use shenpi::case::{Case, CaseContext, CaseError, CaseEvent, CaseId};
use shenpi::machine::CommandId;
use shenpi::ticket::{Ticket, TicketContext, TicketError, TicketEvent, TicketId};

/// The golden case history, each event with an id and the count it expects.
fn case_history() -> Vec<CaseEvent> {
    let plain: Vec<CaseEvent> =
        serde_json::from_value(crate::golden::value("case_history.json")).unwrap();
    plain
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            e.with_command_id(CommandId::new(&format!("req-{i}")).unwrap()).expecting(i as u64)
        })
        .collect()
}

fn ticket_history() -> Vec<TicketEvent> {
    let plain: Vec<TicketEvent> =
        serde_json::from_value(crate::golden::value("ticket_history.json")).unwrap();
    plain
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            e.with_command_id(CommandId::new(&format!("t-{i}")).unwrap()).expecting(i as u64)
        })
        .collect()
}

#[test]
fn a_retry_of_the_latest_command_is_answered_and_changes_nothing() {
    let item = crate::golden::licence();
    let cal = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &cal);
    let history = case_history();
    let id = CaseId::new("C-1").unwrap();
    let mut case = Case::replay(id.clone(), &ctx, &history[..4]).unwrap();
    let first = case.apply(&ctx, &history[4]).unwrap();
    let after = case.clone();
    // The portal timed out and sends the same command again.
    let again = case.apply(&ctx, &history[4]).unwrap();
    assert_eq!(again, first);
    assert_eq!(case, after);
    assert_eq!(case.event_count(), 5);
    // Recognised after a restart too: the snapshot keeps the latest id.
    let json = serde_json::to_value(&case).unwrap();
    assert_eq!(json["last_command"]["id"], "req-4");
    let mut restored: Case = serde_json::from_value(json).unwrap();
    assert_eq!(restored.apply(&ctx, &history[4]).unwrap(), first);
    assert_eq!(restored, after);
}

#[test]
fn a_stale_writer_is_refused_and_changes_nothing() {
    let item = crate::golden::licence();
    let cal = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &cal);
    let history = case_history();
    let mut case = Case::replay(CaseId::new("C-1").unwrap(), &ctx, &history[..6]).unwrap();
    let before = case.clone();
    // An older command sent again after others: its expected count is old.
    let err = case.apply(&ctx, &history[3]).unwrap_err();
    assert!(matches!(err, CaseError::Stale { expected: 3, actual: 6, .. }), "{err:?}");
    assert_eq!(err.to_string(), "stale command: expected the case at 3 events, but it has taken 6");
    assert_eq!(case, before);
    // A writer that read the case before event 6 and decided on it.
    let mut late = history[6].clone();
    late.expected_events = Some(5);
    late.command_id = None;
    assert!(matches!(case.apply(&ctx, &late), Err(CaseError::Stale { .. })));
    assert_eq!(case, before);
    // Without an id or a count an envelope is applied as before.
    let mut plain = history[6].clone();
    plain.command_id = None;
    plain.expected_events = None;
    case.apply(&ctx, &plain).unwrap();
    assert_eq!(serde_json::to_value(&case).unwrap().get("last_command"), None);
}

#[test]
fn a_receipt_expects_no_events() {
    let item = crate::golden::licence();
    let cal = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &cal);
    let mut receipt = case_history()[0].clone();
    receipt.expected_events = Some(1);
    let err = Case::receive(CaseId::new("C-1").unwrap(), &ctx, &receipt).unwrap_err();
    assert!(matches!(err, CaseError::Stale { expected: 1, actual: 0, .. }), "{err:?}");
}

#[test]
fn tickets_answer_retries_and_refuse_stale_writers() {
    let cal = WorkCalendar::china();
    let ctx = TicketContext::new(&cal);
    let history = ticket_history();
    let mut ticket = Ticket::replay(TicketId::new("T-1").unwrap(), &ctx, &history[..3]).unwrap();
    let first = ticket.apply(&ctx, &history[3]).unwrap();
    let after = ticket.clone();
    assert_eq!(ticket.apply(&ctx, &history[3]).unwrap(), first);
    assert_eq!(ticket, after);
    let err = ticket.apply(&ctx, &history[2]).unwrap_err();
    assert!(matches!(err, TicketError::Stale { expected: 2, actual: 4, .. }), "{err:?}");
    assert_eq!(ticket, after);
}

/// How the host delivers one event of the history: once, or with retries
/// of it, or followed by a re-send of an older event.
#[derive(Debug, Clone)]
enum Delivery {
    Once,
    Retried(u8),
    OlderResent(usize),
}

fn deliveries(n: usize) -> impl Strategy<Value = Vec<Delivery>> {
    prop::collection::vec(
        prop_oneof![
            3 => Just(Delivery::Once),
            2 => (1u8..4).prop_map(Delivery::Retried),
            1 => (0usize..64).prop_map(Delivery::OlderResent),
        ],
        n,
    )
}

proptest! {
    /// Whatever retries and re-sends a flaky network adds, each command is
    /// applied exactly once: the case equals the replay of the history,
    /// and every re-send of an older command is refused as stale.
    #[test]
    fn each_command_is_applied_once(plan in deliveries(10)) {
        let item = crate::golden::licence();
        let cal = WorkCalendar::china();
        let ctx = CaseContext::new(&item, &cal);
        let history = case_history();
        let id = CaseId::new("C-1").unwrap();
        let (mut case, _) = Case::receive(id.clone(), &ctx, &history[0]).unwrap();
        for (i, event) in history.iter().enumerate().skip(1) {
            let first = case.apply(&ctx, event).unwrap();
            match plan[i] {
                Delivery::Once => {}
                Delivery::Retried(times) => {
                    for _ in 0..times {
                        prop_assert_eq!(case.apply(&ctx, event).unwrap(), first);
                    }
                }
                Delivery::OlderResent(k) => {
                    let older = &history[k % i];
                    let before = case.clone();
                    let refused = case.apply(&ctx, older);
                    prop_assert!(matches!(refused, Err(CaseError::Stale { .. })), "{:?}", refused);
                    prop_assert_eq!(&case, &before);
                }
            }
            prop_assert_eq!(case.event_count(), i as u64 + 1);
        }
        let replayed = Case::replay(id, &ctx, &history).unwrap();
        prop_assert_eq!(case, replayed);
    }
}

#[test]
fn runs_answer_retries_and_refuse_stale_writers() {
    use shenpi::graph::{ApprovalGraph, GraphRun, RunError, RunEvent};
    let graph: ApprovalGraph = serde_json::from_value(crate::golden::value("graph.json")).unwrap();
    let plain: Vec<RunEvent> =
        serde_json::from_value(crate::golden::value("graph_history.json")).unwrap();
    let history: Vec<RunEvent> = plain
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            e.with_command_id(CommandId::new(&format!("r-{i}")).unwrap()).expecting(i as u64)
        })
        .collect();
    let begin = chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00").unwrap();
    let mut run = GraphRun::replay(&graph, begin, &history[..2]).unwrap();
    let first = run.apply(&graph, &history[2]).unwrap();
    let after = run.clone();
    // The retry is answered with the run's transition; its step changes are
    // what this call changed: none.
    let again = run.apply(&graph, &history[2]).unwrap();
    assert_eq!(again.run, first.run);
    assert!(again.steps.is_empty() && !first.steps.is_empty());
    assert_eq!(run, after);
    let json = serde_json::to_string(&run).unwrap();
    assert_eq!(serde_json::from_str::<GraphRun>(&json).unwrap(), run);
    let err = run.apply(&graph, &history[1]).unwrap_err();
    assert!(matches!(err, RunError::Stale { expected: 1, actual: 3, .. }), "{err:?}");
    assert_eq!(run, after);
}
