//! Stored histories of tickets and graph runs, as a portal's database hands
//! them over (JSON, the first byte picks which), applied one event at a
//! time: a refused event leaves the machine byte-identical, the accepted
//! ones replay to the same machine, its snapshot survives its JSON round
//! trip, and a run's picture of itself can always be drawn.
#![no_main]

use std::sync::OnceLock;

use chrono::DateTime;
use libfuzzer_sys::fuzz_target;
use shenpi::calendar::WorkCalendar;
use shenpi::graph::{ApprovalGraph, GraphRun, RunEvent};
use shenpi::ticket::{Ticket, TicketContext, TicketEvent, TicketId};

fn graph() -> &'static ApprovalGraph {
    static GRAPH: OnceLock<ApprovalGraph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        serde_json::from_str(include_str!("../../tests/data/golden/graph.json")).unwrap()
    })
}

fn calendar() -> &'static WorkCalendar {
    static CAL: OnceLock<WorkCalendar> = OnceLock::new();
    CAL.get_or_init(WorkCalendar::china)
}

fn tickets(text: &str) {
    let Ok(history) = serde_json::from_str::<Vec<TicketEvent>>(text) else { return };
    let cal = calendar();
    let ctx = TicketContext::new(cal);
    let id = TicketId::new("FUZZ-1").unwrap();
    let Some((first, rest)) = history.split_first() else { return };
    let Ok((mut ticket, _)) = Ticket::open(id.clone(), &ctx, first) else { return };
    let mut accepted = vec![first.clone()];
    for event in rest {
        let before = serde_json::to_string(&ticket).unwrap();
        match ticket.apply(&ctx, event) {
            Ok(_) => accepted.push(event.clone()),
            Err(_) => assert_eq!(serde_json::to_string(&ticket).unwrap(), before),
        }
        let _ = ticket.checked_feedback_due(cal);
    }
    let replayed = Ticket::replay(id, &ctx, &accepted).expect("the accepted events replay");
    assert_eq!(replayed, ticket);
    let json = serde_json::to_string(&ticket).unwrap();
    let back: Ticket = serde_json::from_str(&json).expect("a ticket's own JSON decodes");
    assert_eq!(back, ticket);
}

fn runs(text: &str) {
    let Ok(history) = serde_json::from_str::<Vec<RunEvent>>(text) else { return };
    let graph = graph();
    let cal = calendar();
    let begin = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00").unwrap();
    let mut run = GraphRun::new(graph, begin);
    let mut accepted = Vec::new();
    for event in &history {
        let before = serde_json::to_string(&run).unwrap();
        match run.apply(graph, event) {
            Ok(_) => accepted.push(event.clone()),
            Err(_) => assert_eq!(serde_json::to_string(&run).unwrap(), before),
        }
        let _ = run.snapshot(graph, cal, event.at);
    }
    let replayed = GraphRun::replay(graph, begin, &accepted).expect("the accepted events replay");
    assert_eq!(replayed, run);
    let json = serde_json::to_string(&run).unwrap();
    let back: GraphRun = serde_json::from_str(&json).expect("a run's own JSON decodes");
    assert_eq!(back, run);
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    if pick % 2 == 0 {
        tickets(text);
    } else {
        runs(text);
    }
});
