//! Regression tests for the faults fuzzing and an audit found in inputs a
//! portal may hand shenpi (issue 19): each input once panicked, aborted or
//! came back changed; now it is refused with a typed error or read exactly.

use chrono::{DateTime, FixedOffset, NaiveTime};
use serde_json::{json, Value};
use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
use shenpi::case::{Case, CaseCommand, CaseContext, CaseError, CaseEvent, CaseId};
use shenpi::escalation::{EscalationPolicy, Observation, SupervisionLog};
use shenpi::limit::{LegalClock, LimitError, TimeLimit};
use shenpi::machine::{Actor, ActorId, Role, MAX_EVENTS};
use shenpi::ticket::{Ticket, TicketContext, TicketError, TicketEvent};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn clerk() -> Actor {
    Actor::new(ActorId::new("clerk").unwrap(), Role::WindowClerk)
}

/// Fault 1: office hours shorter than a second counted zero seconds a day,
/// and adding working seconds divided by zero.
#[test]
fn fault_1_office_hours_of_a_fraction_of_a_second_are_refused() {
    let start = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
    let end = NaiveTime::from_hms_nano_opt(9, 0, 0, 1).unwrap();
    assert!(OfficePeriod::new(start, end).is_err());
    let json = r#"{"first_year":2026,"last_year":2026,
        "office_hours":[{"start":"09:00:00","end":"09:00:00.000000001"}]}"#;
    let err = serde_json::from_str::<WorkCalendar>(json).unwrap_err();
    assert!(err.to_string().contains("not a whole second"), "{err}");
    // Every period that is accepted lasts at least a second.
    let one = OfficePeriod::new(start, NaiveTime::from_hms_opt(9, 0, 1).unwrap()).unwrap();
    let cal = WorkCalendar::china().with_office_hours(OfficeHours::new([one]).unwrap());
    let monday = at("2026-03-02T08:00:00+08:00");
    assert_eq!(cal.add_working_seconds(&monday, 2).unwrap(), at("2026-03-03T09:00:01+08:00"));
}

/// Fault 2: extension days summed in u32 overflowed for a clock decoded
/// from JSON; a decoded case's extensions were not checked against its
/// item's allowance.
#[test]
fn fault_2_extensions_past_the_maximum_or_the_allowance_are_refused() {
    let mut clock = crate::golden::value("legal_clock.json");
    clock["stopped"] = Value::Null;
    let big = LegalClock::MAX_EXTENSION_DAYS;
    clock["extensions"] = json!([
        {"at": "2026-03-05T09:00:00+08:00", "working_days": big},
        {"at": "2026-03-06T09:00:00+08:00", "working_days": u32::MAX},
    ]);
    let err = serde_json::from_value::<LegalClock>(clock.clone()).unwrap_err();
    assert!(err.to_string().contains("the most a clock may be extended, 100000"), "{err}");
    let mut start = LegalClock::start(
        at("2026-03-02T09:00:00+08:00"),
        TimeLimit::working_days(5),
        TimeLimit::working_days(20),
    )
    .unwrap();
    start.extend(big, at("2026-03-02T10:00:00+08:00")).unwrap();
    let before = start.clone();
    let err = start.extend(1, at("2026-03-02T11:00:00+08:00")).unwrap_err();
    assert!(
        matches!(err, LimitError::ExtensionTooLong { requested: 1, granted, max, .. } if granted == big && max == big),
        "{err:?}"
    );
    assert_eq!(start, before);

    // The golden case was extended by 10 days, within XK-001's 10; a
    // stored copy claiming 11 is refused at its next command.
    let item = crate::golden::licence();
    let cal = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &cal);
    let mut case = crate::golden::value("case.json");
    case["clock"]["extensions"][0]["working_days"] = json!(11);
    let mut case: Case = serde_json::from_value(case).unwrap();
    let before = case.clone();
    let recall = CaseEvent::new(
        clerk(),
        at("2026-04-16T09:00:00+08:00"),
        CaseCommand::Recall { reason: "依法撤回".into() },
    );
    let err = case.apply(&ctx, &recall).unwrap_err();
    assert!(
        err.to_string().contains("the clock's extensions exceed the item's allowance"),
        "{err}"
    );
    assert_eq!(case, before);
}

/// Fault 3: event counters read from snapshots overflowed on the next
/// command.
#[test]
fn fault_3_event_counters_stop_at_the_maximum() {
    let item = crate::golden::licence();
    let cal = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &cal);
    let mut case = crate::golden::value("case.json");
    case["event_count"] = json!(MAX_EVENTS + 1);
    let err = serde_json::from_value::<Case>(case.clone()).unwrap_err();
    assert!(err.to_string().contains("event_count is above MAX_EVENTS"), "{err}");
    case["event_count"] = json!(MAX_EVENTS);
    let mut case: Case = serde_json::from_value(case).unwrap();
    let before = case.clone();
    let recall = CaseEvent::new(
        clerk(),
        at("2026-04-16T09:00:00+08:00"),
        CaseCommand::Recall { reason: "依法撤回".into() },
    );
    let err = case.apply(&ctx, &recall).unwrap_err();
    assert!(matches!(err, CaseError::HistoryFull { max: MAX_EVENTS, .. }), "{err:?}");
    assert_eq!(case, before);

    let tctx = TicketContext::new(&cal);
    let mut ticket = crate::golden::value("ticket.json");
    ticket["event_count"] = json!(MAX_EVENTS + 1);
    assert!(serde_json::from_value::<Ticket>(ticket.clone()).is_err());
    ticket["event_count"] = json!(MAX_EVENTS);
    let mut ticket: Ticket = serde_json::from_value(ticket).unwrap();
    let before = ticket.clone();
    let history: Vec<TicketEvent> =
        serde_json::from_value(crate::golden::value("ticket_history.json")).unwrap();
    let mut again = history.last().unwrap().clone();
    again.at = at("2026-03-09T09:00:00+08:00");
    let err = ticket.apply(&tctx, &again).unwrap_err();
    assert!(matches!(err, TicketError::HistoryFull { max: MAX_EVENTS, .. }), "{err:?}");
    assert_eq!(ticket, before);
}

/// Fault 4: "just after" chrono's last instant overflowed in escalation.
#[test]
fn fault_4_escalation_at_the_end_of_time_does_not_panic() {
    let policy = EscalationPolicy::default();
    let cal = WorkCalendar::china();
    let log = SupervisionLog::new();
    let last = DateTime::<chrono::Utc>::MAX_UTC.fixed_offset();
    let mut obs = crate::golden::value("escalation_observation.json");
    let text = serde_json::to_value(last).unwrap();
    obs["clock"]["promised_due"]["at"] = text.clone();
    obs["clock"]["statutory_due"]["at"] = text.clone();
    obs["feedback_due"] = text.clone();
    obs["order_due"] = text;
    let obs: Observation = serde_json::from_value(obs).unwrap();
    let now = at("2026-03-10T09:00:00+08:00");
    // Nothing comes due just after the last instant; other rules still
    // answer, or the calendar refuses a date it does not cover.
    let _ = policy.evaluate(&obs, &log, &cal, now);
    let next = policy.next_due(&obs, &log, &cal, now);
    if let Ok(Some(due)) = next {
        assert!(due > now, "next_due {due} is not after {now}");
    }
    let _ = policy.evaluate(&obs, &log, &cal, last);
    let _ = policy.next_due(&obs, &log, &cal, last);
}

/// Fault 5: an instant within a day of chrono's limits panicked when
/// converted to the calendar's civil time, before any range check.
#[test]
fn fault_5_instants_at_chronos_limits_are_refused_not_panicked_on() {
    let item = crate::golden::licence();
    let cal = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &cal);
    for far in ["+262142-12-31T23:59:59Z", "-262143-01-01T00:00:00Z"] {
        let mut history = crate::golden::value("case_history.json");
        history[0]["at"] = json!(far);
        let history: Vec<CaseEvent> = serde_json::from_value(history).unwrap();
        let err = Case::replay(CaseId::new("C-1").unwrap(), &ctx, &history).unwrap_err();
        assert!(err.to_string().contains("outside the covered years"), "{far}: {err}");
        let at = history[0].at;
        assert!(cal.is_working_day(cal.to_civil(&at).date()).is_err(), "{far}");
        let case: Case = serde_json::from_value(crate::golden::value("case.json")).unwrap();
        // The decided case's clock stopped in 2026: read long after, it
        // says how it ended (long before, it had not started), or the
        // calendar refuses the date.
        if let Ok(Some(reading)) = case.reading(&cal, at, &Default::default()) {
            let stopped = case.clock().and_then(LegalClock::stopped).unwrap();
            assert_eq!(reading.status.is_final(), at >= stopped, "{far}: {:?}", reading.status);
        }

        let mut tickets = crate::golden::value("ticket_history.json");
        tickets[0]["at"] = json!(far);
        let tickets: Vec<TicketEvent> = serde_json::from_value(tickets).unwrap();
        let tctx = TicketContext::new(&cal);
        let id = shenpi::ticket::TicketId::new("T-1").unwrap();
        assert!(Ticket::replay(id, &tctx, &tickets).is_err(), "{far}");
    }
}

/// Fault 7: a calendar's UTC offset with seconds was accepted, and its
/// instants did not survive their own JSON round trip.
#[test]
fn fault_7_an_offset_with_seconds_is_refused() {
    let mut cal = crate::golden::value("calendar.json");
    cal["utc_offset"] = json!("+08:00:29");
    assert!(serde_json::from_value::<WorkCalendar>(cal).is_err());
    let odd = FixedOffset::east_opt(8 * 3600 + 29).unwrap();
    assert!(WorkCalendar::china().with_utc_offset(odd).is_err());
}

/// Fault 9, second half: a blank actor id was accepted where a blank case
/// id is refused.
#[test]
fn fault_9_a_blank_actor_id_is_refused() {
    for blank in ["", " ", "\t\n", "\u{3000}"] {
        assert!(ActorId::new(blank).is_err(), "{blank:?}");
        assert!(CaseId::new(blank).is_err(), "{blank:?}");
        assert!(serde_json::from_value::<ActorId>(json!(blank)).is_err(), "{blank:?}");
    }
    assert_eq!(ActorId::new(" clerk ").unwrap().as_str(), " clerk ");
}

/// Fault 10: records with f64 fields came back one ULP off from JSON.
#[test]
fn fault_10_floats_round_trip_exactly() {
    let item = crate::golden::licence();
    let cal = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &cal);
    let history: Vec<CaseEvent> =
        serde_json::from_value(crate::golden::value("case_history.json")).unwrap();
    let case = Case::replay(CaseId::new("C-1").unwrap(), &ctx, &history[..6]).unwrap();
    for minutes in (0..2_000).step_by(7) {
        let now = at("2026-03-16T09:00:00+08:00") + chrono::TimeDelta::minutes(minutes);
        let reading = case.reading(&cal, now, &Default::default()).unwrap().unwrap();
        let back: shenpi::limit::ClockReading =
            serde_json::from_str(&serde_json::to_string(&reading).unwrap()).unwrap();
        assert_eq!(back.elapsed_fraction.to_bits(), reading.elapsed_fraction.to_bits());
        assert_eq!(back.used_share.to_bits(), reading.used_share.to_bits());
    }
    for x in [0.1_f64 + 0.2, 1.0 / 3.0, 5.625_011_574_074_074, 2.225_073_858_507_201e-308] {
        let back: f64 = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
        assert_eq!(back.to_bits(), x.to_bits(), "{x}");
    }
}

/// Issue 19, section 3: nesting is bounded by `json::MAX_DEPTH`, a typed
/// refusal at the position where the bound is passed, and the bound itself is
/// still accepted.
#[test]
fn nesting_deeper_than_the_documented_maximum_is_refused_as_too_deep() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let at_bound = shenpi::json::from_str::<serde_json::Value>(&nested(shenpi::json::MAX_DEPTH));
    assert!(at_bound.is_ok(), "{at_bound:?}");
    let err = shenpi::json::from_str::<serde_json::Value>(&nested(shenpi::json::MAX_DEPTH + 1))
        .unwrap_err();
    assert!(err.is_too_deep() && err.is_syntax());
    assert_eq!(err.path(), ".");
    assert_eq!(err.column(), shenpi::json::MAX_DEPTH + 1);
    assert_eq!(err.message(), "arrays and objects nest deeper than 127 levels");
    // A graph document nested too deeply in one of its fields is refused the same way.
    let graph = format!(r#"{{"name": {}, "start": "a", "steps": []}}"#, nested(100_000));
    let err = shenpi::json::from_str::<shenpi::graph::ApprovalGraph>(&graph).unwrap_err();
    assert!(
        !err.is_too_deep() && !err.is_syntax(),
        "a string field refuses the first bracket: {err}"
    );
    assert_eq!(err.path(), "name");
    // An ordinary syntax error is not "too deep".
    let err = shenpi::json::from_str::<serde_json::Value>("[1,").unwrap_err();
    assert!(err.is_syntax() && !err.is_too_deep());
}
