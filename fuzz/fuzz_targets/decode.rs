//! Every definition, state, history and record type decoded from the same
//! bytes by `serde_json` and by `shenpi::json`: both accept the same
//! documents and give equal values, and an accepted value re-encodes to
//! JSON that decodes to the same value again. The first byte picks the type.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;
use shenpi::calendar::{Arrangement, CalendarChange, Horizon, Overlay, WorkCalendar};
use shenpi::case::{Case, CaseCommand, CaseCommandKind, CaseEvent, CaseOutcome};
use shenpi::catalog::{ApprovalItem, Catalog};
use shenpi::escalation::{EscalationPolicy, Notice, Observation, SupervisionLog};
use shenpi::graph::{
    ApprovalGraph, GraphRun, Plan, RunCommandKind, RunEvent, RunRecord, RunSnapshot,
};
use shenpi::limit::{ClockReading, LegalClock, Thresholds, TimeLimit};
use shenpi::machine::RolePolicy;
use shenpi::project::{BattleMap, KeyProject};
use shenpi::report::{CaseReport, ReportSummary, RunReport, TicketReport};
use shenpi::ticket::{FeedbackDeadlines, Ticket, TicketCommandKind, TicketEvent};

fn check<T: Serialize + DeserializeOwned>(text: &str) {
    let plain = serde_json::from_str::<T>(text);
    let located = shenpi::json::from_str::<T>(text);
    match (plain, located) {
        (Ok(a), Ok(b)) => {
            let ja = serde_json::to_string(&a).expect("an accepted value encodes");
            let jb = serde_json::to_string(&b).expect("an accepted value encodes");
            assert_eq!(ja, jb, "serde_json and shenpi::json decode different values");
            let again: T = serde_json::from_str(&ja).expect("a value's own JSON decodes");
            let jc = serde_json::to_string(&again).expect("an accepted value encodes");
            assert_eq!(ja, jc, "a value's JSON does not survive its round trip");
        }
        (Err(_), Err(e)) => {
            // The error names where: a path and a message, never empty.
            assert!(!e.message().is_empty());
            let _ = e.path();
        }
        (a, b) => panic!(
            "serde_json {} but shenpi::json {}",
            if a.is_ok() { "accepts" } else { "refuses" },
            if b.is_ok() { "accepts" } else { "refuses" },
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    match pick % 36 {
        0 => check::<WorkCalendar>(text),
        1 => check::<Overlay>(text),
        2 => check::<Arrangement>(text),
        3 => check::<Horizon>(text),
        4 => check::<CalendarChange>(text),
        5 => check::<TimeLimit>(text),
        6 => check::<Thresholds>(text),
        7 => check::<ApprovalItem>(text),
        8 => check::<Catalog>(text),
        9 => check::<RolePolicy<CaseCommandKind>>(text),
        10 => check::<RolePolicy<RunCommandKind>>(text),
        11 => check::<RolePolicy<TicketCommandKind>>(text),
        12 => check::<ApprovalGraph>(text),
        13 => check::<EscalationPolicy>(text),
        14 => check::<FeedbackDeadlines>(text),
        15 => check::<Vec<CaseEvent>>(text),
        16 => check::<Vec<RunEvent>>(text),
        17 => check::<Vec<TicketEvent>>(text),
        18 => check::<CaseCommand>(text),
        19 => check::<LegalClock>(text),
        20 => check::<Case>(text),
        21 => check::<GraphRun>(text),
        22 => check::<Ticket>(text),
        23 => check::<SupervisionLog>(text),
        24 => check::<KeyProject>(text),
        25 => check::<ClockReading>(text),
        26 => check::<CaseOutcome>(text),
        27 => check::<Plan>(text),
        28 => check::<RunSnapshot>(text),
        29 => check::<RunRecord>(text),
        30 => check::<Observation>(text),
        31 => check::<Vec<Notice>>(text),
        32 => check::<BattleMap>(text),
        33 => check::<CaseReport>(text),
        34 => check::<ReportSummary>(text),
        35 => check::<(TicketReport, RunReport)>(text),
        _ => unreachable!(),
    }
});
