//! `shenpi::json`: decoding errors name the path of the bad field, for
//! faults of shape (found by serde) and of rules (found by the checks).

use shenpi::calendar::{Overlay, WorkCalendar};
use shenpi::case::CaseEvent;
use shenpi::catalog::{ApprovalItem, Catalog};
use shenpi::escalation::EscalationPolicy;
use shenpi::graph::{ApprovalGraph, GraphRun};
use shenpi::json::{self, DecodeError};

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap()
}

/// Decodes an invalid fixture as the type its name says.
fn decode_invalid(file: &str) -> DecodeError {
    let text = data(&format!("invalid/{file}"));
    let result = if file.starts_with("catalog") {
        json::from_str::<Catalog>(&text).map(drop)
    } else if file.starts_with("graph_run") {
        json::from_str::<GraphRun>(&text).map(drop)
    } else if file.starts_with("graph") {
        json::from_str::<ApprovalGraph>(&text).map(drop)
    } else if file.starts_with("escalation") {
        json::from_str::<EscalationPolicy>(&text).map(drop)
    } else if file.starts_with("arrangement") {
        json::from_str::<shenpi::calendar::Arrangement>(&text).map(drop)
    } else if file.starts_with("overlay") {
        json::from_str::<Overlay>(&text).map(drop)
    } else {
        json::from_str::<WorkCalendar>(&text).map(drop)
    };
    result.unwrap_err()
}

/// Every invalid fixture with the path its error names.
const PATHS: [(&str, &str); 54] = [
    // A year's arrangement.
    ("arrangement_inverted_run.json", "off[0]"),
    ("arrangement_date_outside_year.json", "off[0]"),
    ("arrangement_make_up_weekday.json", "make_up_days[0]"),
    ("arrangement_off_and_worked.json", "make_up_days[0]"),
    ("arrangement_notice_after_year.json", "notices[0]"),
    ("arrangement_unknown_field.json", "offs"),
    // Calendars: shape, then rules.
    ("bad_date.json", "holidays[0]"),
    ("unknown_field.json", "holiday"),
    ("malformed.json", "."),
    ("empty_years.json", "last_year"),
    ("holiday_and_make_up.json", "make_up_days[0]"),
    ("holiday_out_of_range.json", "holidays[0]"),
    ("make_up_weekday.json", "make_up_days[0]"),
    ("inverted_office_hours.json", "office_hours[0]"),
    ("overlapping_office_hours.json", "office_hours[1]"),
    ("overlay_conflict.json", "working_days[0]"),
    // Catalogs.
    ("catalog_bad_item_type.json", "items[1].item_type"),
    ("catalog_unknown_field.json", "items[2].promise_days"),
    ("catalog_duplicate_code.json", "items[4].code"),
    ("catalog_empty_name.json", "items[0].name"),
    ("catalog_instant_not_same_day.json", "items[3].promised.amount"),
    ("catalog_promised_exceeds_statutory.json", "items[2].promised.amount"),
    ("catalog_unit_mismatch.json", "items[1].promised.unit"),
    ("catalog_delivery_not_working_days.json", "items[1].delivery.unit"),
    // Escalation policies.
    ("escalation_unknown_field.json", "rules[0].severity"),
    ("escalation_unknown_level.json", "rules[0].level"),
    ("escalation_unknown_action.json", "rules[0].action"),
    ("escalation_duplicate_rule.json", "rules[1].id"),
    ("escalation_no_subjects.json", "rules[0].subjects"),
    ("escalation_percent_101.json", "rules[0].trigger.percent"),
    ("escalation_thresholds_out_of_order.json", "rules[1].trigger.percent"),
    ("escalation_bad_cadence.json", "meetings.thematic"),
    // Graphs, in the positions of the file (not the sorted order).
    ("graph_unknown_field.json", "steps[6].joins"),
    ("graph_invalid_step_id.json", "steps[9].after[0]"),
    ("graph_invalid_stage_id.json", "stages[1].id"),
    ("graph_empty.json", "steps"),
    ("graph_duplicate_step.json", "steps[14].id"),
    ("graph_duplicate_stage.json", "stages[2].id"),
    ("graph_unknown_step.json", "steps[13].after[2]"),
    ("graph_unknown_stage.json", "steps[0].stage"),
    ("graph_unknown_start.json", "start"),
    ("graph_start_has_predecessors.json", "steps[5].after"),
    ("graph_start_not_in_first_stage.json", "steps[5].stage"),
    ("graph_cycle.json", "steps[6].after"),
    ("graph_stage_cycle.json", "steps[1].after"),
    ("graph_unreachable.json", "steps[0].after"),
    ("graph_join_too_large.json", "steps[13].join.k"),
    ("graph_join_any_without_predecessors.json", "steps[5].join.k"),
    ("graph_join_zero.json", "steps[13].join.k"),
    ("graph_limit_not_working_days.json", "steps[1].limit.unit"),
    ("graph_fallback_unknown.json", "steps[8].fallback"),
    ("graph_fallback_has_successors.json", "steps[8].fallback"),
    // Run snapshots, checked as a whole: the run itself.
    ("graph_run_completed_while_waiting.json", "."),
    ("graph_run_gate_out_of_order.json", "."),
];

#[test]
fn every_invalid_fixture_names_the_path_of_its_fault() {
    for (file, path) in PATHS {
        let err = decode_invalid(file);
        assert_eq!(err.path(), path, "{file}: {err}");
    }
    // The table covers the folder.
    let dir = format!("{}/tests/data/invalid", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let mut listed: Vec<String> = PATHS.iter().map(|(f, _)| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(files, listed);
}

#[test]
fn messages_are_serdes_and_the_crates_own() {
    let err = decode_invalid("graph_join_too_large.json");
    assert_eq!(err.message(), "step structure joins at least 4 of only 3 predecessors");
    // Found once the whole graph was read: no position in the text.
    assert_eq!((err.line(), err.column()), (0, 0));
    assert_eq!(
        err.to_string(),
        "steps[13].join.k: step structure joins at least 4 of only 3 predecessors"
    );
    assert!(!err.is_syntax());

    // A catalog's own "items[2]: " prefix moves into the path.
    let err = decode_invalid("catalog_promised_exceeds_statutory.json");
    assert_eq!(
        err.to_string(),
        "items[2].promised.amount: item 11350100MB0123456X-003: promised limit 25 working days \
         exceeds statutory limit 20 working days"
    );

    // A fault of shape keeps serde's message and its position.
    let err = decode_invalid("graph_unknown_field.json");
    assert!(err.message().starts_with("unknown field `joins`, expected one of `id`"));
    assert_eq!((err.line(), err.column()), (143, 13));

    let err = decode_invalid("malformed.json");
    assert!(err.is_syntax());
    assert!(err.to_string().starts_with("EOF while parsing"), "{err}");
}

#[test]
fn the_same_values_decode_as_with_serde_json() {
    for file in ["catalog.json", "graph.json", "escalation_policy.json", "calendar.json"] {
        let text = data(&format!("golden/{file}"));
        let value: serde_json::Value = json::from_str(&text).unwrap();
        assert_eq!(value, serde_json::from_str::<serde_json::Value>(&text).unwrap());
    }
    let text = data("golden/graph.json");
    assert_eq!(
        json::from_str::<ApprovalGraph>(&text).unwrap(),
        serde_json::from_str::<ApprovalGraph>(&text).unwrap()
    );
    let text = data("golden/catalog.json");
    assert_eq!(
        json::from_slice::<Catalog>(text.as_bytes()).unwrap(),
        serde_json::from_str::<Catalog>(&text).unwrap()
    );
    // Trailing characters are refused like serde_json refuses them.
    let err = json::from_str::<Overlay>(r#"{"holidays": []} x"#).unwrap_err();
    assert!(err.message().starts_with("trailing characters"), "{err}");
}

#[test]
fn histories_name_the_event_and_its_field() {
    let mut history: serde_json::Value =
        serde_json::from_str(&data("golden/case_history.json")).unwrap();
    history[2]["actor"]["role"] = "mayor".into();
    let err = json::from_str::<Vec<CaseEvent>>(&history.to_string()).unwrap_err();
    assert_eq!(err.path(), "[2].actor.role");
    history[2]["actor"]["role"] = "window_clerk".into();
    history[3]["at"] = "yesterday".into();
    let err = json::from_str::<Vec<CaseEvent>>(&history.to_string()).unwrap_err();
    assert_eq!(err.path(), "[3].at");
}

#[test]
fn a_nested_item_names_its_own_fields() {
    let item = r#"{"code": "XK-1", "name": "食品经营许可", "item_type": "administrative_licensing",
        "department": "市场局", "case_kind": "instant",
        "statutory": {"amount": 20, "unit": "working_days"},
        "promised": {"amount": 2, "unit": "working_days"}}"#;
    let err = json::from_str::<ApprovalItem>(item).unwrap_err();
    assert_eq!(err.path(), "promised.amount");
    let err = json::from_str::<Vec<ApprovalItem>>(&format!("[{item}]")).unwrap_err();
    assert_eq!(err.path(), "[0].promised.amount");
    // Into the umbrella error with `?`.
    let umbrella: shenpi::Error = err.into();
    assert!(matches!(umbrella, shenpi::Error::Json(_)));
}

#[test]
fn paths_go_inside_internally_tagged_enums() {
    // A graph step's join rule, tagged by "rule".
    let graph = |join: &str| {
        format!(
            r#"{{"name": "厂房", "start": "filing", "steps": [
              {{"id": "filing", "item": "XK-1", "department": "发改局",
               "limit": {{"amount": 1, "unit": "working_days"}}}},
              {{"id": "permit", "item": "XK-2", "department": "住建局",
               "limit": {{"amount": 5, "unit": "working_days"}},
               "after": ["filing"], "join": {join}}}]}}"#
        )
    };
    let err =
        json::from_str::<ApprovalGraph>(&graph(r#"{"rule": "at_least", "k": "two"}"#)).unwrap_err();
    assert_eq!(err.path(), "steps[1].join.k");
    assert!(err.message().starts_with("invalid type: string \"two\""), "{err}");
    let err = json::from_str::<ApprovalGraph>(&graph(r#"{"rule": "at_least", "k": 1, "n": 2}"#))
        .unwrap_err();
    assert_eq!(err.path(), "steps[1].join.n");
    // An unknown variant is the tag's fault.
    let err = json::from_str::<ApprovalGraph>(&graph(r#"{"rule": "most"}"#)).unwrap_err();
    assert_eq!(err.path(), "steps[1].join.rule");

    // An event's payload, tagged by "command", and a tagged enum inside it.
    let event = |payload: &str| {
        format!(
            r#"{{"actor": {{"id": "head-1", "role": "department_head"}},
               "at": "2026-03-04T09:00:00+08:00", "payload": {payload}}}"#
        )
    };
    let err = json::from_str::<CaseEvent>(&event(
        r#"{"command": "extend", "working_days": "ten", "reason": "site visit"}"#,
    ))
    .unwrap_err();
    assert_eq!(err.path(), "payload.working_days");
    let err = json::from_str::<CaseEvent>(&event(
        r#"{"command": "suspend", "reason": {"kind": "special_procedure", "procedure": "lunch"}}"#,
    ))
    .unwrap_err();
    assert_eq!(err.path(), "payload.reason.procedure");
    assert!(err.message().starts_with("unknown variant `lunch`"), "{err}");
    // In a history, with the event's position in front.
    let history = format!(
        "[{}, {}]",
        event(r#"{"command": "resume"}"#),
        event(r#"{"command": "extend", "working_days": -1, "reason": "r"}"#)
    );
    let err = json::from_str::<Vec<CaseEvent>>(&history).unwrap_err();
    assert_eq!(err.path(), "[1].payload.working_days");
    // A missing field names the object, as for a struct.
    let err =
        json::from_str::<CaseEvent>(&event(r#"{"command": "extend", "reason": "r"}"#)).unwrap_err();
    assert_eq!(err.path(), "payload");
    assert_eq!(err.message(), "missing field `working_days`");
}

#[test]
fn a_tagged_enums_bad_field_is_not_blamed_on_a_later_one() {
    let graph = |join: &str| {
        format!(
            r#"{{"name": "厂房", "start": "filing", "steps": [
              {{"id": "filing", "item": "XK-1", "department": "发改局",
               "limit": {{"amount": 1, "unit": "working_days"}}}},
              {{"id": "permit", "item": "XK-2", "department": "住建局",
               "limit": {{"amount": 5, "unit": "working_days"}},
               "after": ["filing"], "join": {join}}}]}}"#
        )
    };
    let err =
        json::from_str::<ApprovalGraph>(&graph(r#"{"rule": "at_least", "k": "two", "extra": 1}"#))
            .unwrap_err();
    assert_eq!(err.path(), "steps[1].join.k");
    assert!(err.message().starts_with("invalid type: string \"two\""), "{err}");
    // Thousands of unknown fields after the bad one.
    let extra: String = (0..16_000).map(|i| format!(r#", "x{i}": {i}"#)).collect();
    let err = json::from_str::<ApprovalGraph>(&graph(&format!(
        r#"{{"rule": "at_least", "k": "two"{extra}}}"#
    )))
    .unwrap_err();
    assert_eq!(err.path(), "steps[1].join.k");

    let event = |payload: &str| {
        format!(
            r#"{{"actor": {{"id": "head-1", "role": "department_head"}},
               "at": "2026-03-04T09:00:00+08:00", "payload": {payload}}}"#
        )
    };
    let err = json::from_str::<CaseEvent>(&event(
        r#"{"command": "extend", "working_days": "ten", "reason": "x", "zzz": 1}"#,
    ))
    .unwrap_err();
    assert_eq!(err.path(), "payload.working_days");
    let err = json::from_str::<CaseEvent>(&event(
        r#"{"reason": "x", "working_days": "ten", "command": "extend"}"#,
    ))
    .unwrap_err();
    assert_eq!(err.path(), "payload.working_days");
    // The unknown field, when it comes first, is the fault.
    let err = json::from_str::<CaseEvent>(&event(
        r#"{"command": "extend", "aaa": 1, "working_days": "ten", "reason": "x"}"#,
    ))
    .unwrap_err();
    assert_eq!(err.path(), "payload.aaa");
    assert!(err.message().starts_with("unknown field `aaa`"), "{err}");
}

#[test]
fn paths_quote_fields_that_are_not_identifiers() {
    use std::collections::BTreeMap;
    let path =
        |json: &str| json::from_str::<BTreeMap<String, u32>>(json).unwrap_err().path().to_owned();
    assert_eq!(path(r#"{"plain_key": "x"}"#), "plain_key");
    assert_eq!(path(r#"{"": "x"}"#), r#"[""]"#);
    assert_eq!(path(r#"{"a.b": "x"}"#), r#"["a.b"]"#);
    assert_eq!(path(r#"{"a[0]": "x"}"#), r#"["a[0]"]"#);
    assert_eq!(path(r#"{"]": "x"}"#), r#"["]"]"#);
    assert_eq!(path(r#"{"say \"hi\"": "x"}"#), r#"["say \"hi\""]"#);
    assert_eq!(path(r#"{"名称": "x"}"#), r#"["名称"]"#);
    let nested = json::from_str::<BTreeMap<String, BTreeMap<String, u32>>>(
        r#"{"XK-1": {"ok": 1, "": "x"}}"#,
    )
    .unwrap_err();
    assert_eq!(nested.path(), r#"["XK-1"][""]"#);
}

/// The same fault written twice: the first is blamed, not a later copy
/// that a trial decode reaches once the first is cut down; and a value of
/// the wrong shape is blamed itself, not searched inside.
#[test]
fn a_repeated_fault_and_a_wrongly_shaped_value_are_located_exactly() {
    let graph = |join: &str| {
        format!(
            r#"{{"name": "厂房", "start": "filing", "steps": [
              {{"id": "filing", "item": "XK-1", "department": "发改局",
               "limit": {{"amount": 1, "unit": "working_days"}}}},
              {{"id": "permit", "item": "XK-2", "department": "住建局",
               "limit": {{"amount": 5, "unit": "working_days"}},
               "after": ["filing"], "join": {join}}},
              {{"id": "fire", "item": "XK-3", "department": "消防",
               "limit": {{"amount": 5, "unit": "working_days"}},
               "after": ["filing"], "join": {join}}}]}}"#
        )
    };
    let err =
        json::from_str::<ApprovalGraph>(&graph(r#"{"rule": "at_least", "k": 1, "extra": 1}"#))
            .unwrap_err();
    assert_eq!(err.path(), "steps[1].join.extra", "{}", err.message());
    let err = json::from_str::<ApprovalGraph>(&graph(r#"{"rule": "at_least", "k": {"a": 1}}"#))
        .unwrap_err();
    assert_eq!(err.path(), "steps[1].join.k", "{}", err.message());
}
