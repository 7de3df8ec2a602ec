//! The JSON Schemas (the `schema` feature): every golden fixture validates
//! against the schema of its type, and the invalid fixtures whose fault is
//! one of shape are refused by it.

use schemars::JsonSchema;
use serde_json::Value;
use shenpi::calendar::{Overlay, WorkCalendar};
use shenpi::case::{Case, CaseEvent, CaseOutcome};
use shenpi::catalog::{ApprovalItem, Catalog};
use shenpi::escalation::{EscalationPolicy, Notice, Observation, SupervisionLog};
use shenpi::graph::{ApprovalGraph, GraphRun, Plan, RunEvent, RunRecord, RunSnapshot};
use shenpi::limit::{ClockReading, LegalClock};
use shenpi::machine::{Envelope, RolePolicy};
use shenpi::project::{BattleMap, KeyProject, ProjectNotice};
use shenpi::report::{
    CaseReport, Ranking, ReportSummary, RunReport, RunSummary, TicketReport, TicketSummary,
};
use shenpi::schema::{schema_for, schemas};
use shenpi::ticket::{FeedbackDeadlines, Ticket, TicketEvent};

fn data(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// A validator for `T`'s schema; formats (dates, times) are checked too.
fn validator<T: JsonSchema>() -> jsonschema::Validator {
    let schema = schema_for::<T>().to_value();
    jsonschema::options().should_validate_formats(true).build(&schema).unwrap()
}

/// The faults `T`'s schema finds in `value`, each with its path.
fn faults<T: JsonSchema>(value: &Value) -> Vec<String> {
    let validator = validator::<T>();
    validator.iter_errors(value).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

/// A check of one fixture file.
type Check = fn(&str);

/// What a schema finds in a value.
type Faults = fn(&Value) -> Vec<String>;

/// Checks a golden fixture: a document of `T`, or a list of them.
fn golden<T: JsonSchema>(file: &str) {
    let value = data(&format!("golden/{file}"));
    let faults = faults::<T>(&value);
    assert!(faults.is_empty(), "{file}: {faults:#?}");
}

fn golden_list<T: JsonSchema>(file: &str) {
    let value = data(&format!("golden/{file}"));
    let entries = value.as_array().unwrap();
    assert!(!entries.is_empty(), "{file}");
    for (i, entry) in entries.iter().enumerate() {
        let faults = faults::<T>(entry);
        assert!(faults.is_empty(), "{file}[{i}]: {faults:#?}");
    }
}

#[test]
fn every_golden_fixture_validates_against_its_schema() {
    // (fixture, check): every JSON file of tests/data/golden is listed.
    let checks: [(&str, Check); 38] = [
        ("approval_item.json", golden::<ApprovalItem>),
        ("arrangement.json", golden::<shenpi::calendar::Arrangement>),
        ("battle_map.json", golden::<BattleMap>),
        ("calendar.json", golden::<WorkCalendar>),
        ("calendar_change.json", golden::<shenpi::calendar::CalendarChange>),
        ("case.json", golden::<Case>),
        ("case_history.json", golden_list::<CaseEvent>),
        ("case_outcome.json", golden::<CaseOutcome>),
        ("case_reading.json", golden::<ClockReading>),
        ("catalog.json", golden::<Catalog>),
        ("clock_reading.json", golden::<ClockReading>),
        ("deadline_moves.json", golden_list::<shenpi::escalation::DeadlineMove>),
        // The machine tests' own door machine: the envelope's shape, any payload.
        ("envelope.json", golden::<Envelope<Value>>),
        ("escalation_notices.json", golden_list::<Notice>),
        ("escalation_observation.json", golden::<Observation>),
        ("escalation_policy.json", golden::<EscalationPolicy>),
        ("graph.json", golden::<ApprovalGraph>),
        ("graph_history.json", golden_list::<RunEvent>),
        ("graph_plan.json", golden::<Plan>),
        ("graph_record.json", golden::<RunRecord>),
        ("graph_run.json", golden::<GraphRun>),
        ("graph_snapshot.json", golden::<RunSnapshot>),
        ("key_project.json", golden::<KeyProject>),
        ("legal_clock.json", golden::<LegalClock>),
        ("overlay.json", golden::<Overlay>),
        ("project_notices.json", golden_list::<ProjectNotice>),
        ("report_partial.json", golden::<CaseReport>),
        ("report_ranking.json", golden::<Ranking>),
        ("report_runs_partial.json", golden::<RunReport>),
        ("report_runs_summary.json", golden::<RunSummary>),
        ("report_summary.json", golden::<ReportSummary>),
        ("report_tickets_partial.json", golden::<TicketReport>),
        ("report_tickets_summary.json", golden::<TicketSummary>),
        // The door machine's command kinds are its own; roles are checked.
        ("role_policy.json", golden::<RolePolicy<String>>),
        ("supervision_log.json", golden::<SupervisionLog>),
        ("ticket.json", golden::<Ticket>),
        ("ticket_deadlines.json", golden::<FeedbackDeadlines>),
        ("ticket_history.json", golden_list::<TicketEvent>),
    ];
    for (file, check) in checks {
        check(file);
    }
    let dir = format!("{}/tests/data/golden", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    let listed: Vec<&str> = checks.iter().map(|(file, _)| *file).collect();
    assert_eq!(files, listed, "a golden fixture without a schema check");
}

#[test]
fn values_built_in_code_validate_too() {
    let check = |name: &str, value: Value| {
        let schema = schemas().into_iter().find(|(n, _)| *n == name).unwrap().1;
        let validator =
            jsonschema::options().should_validate_formats(true).build(&schema.to_value()).unwrap();
        let faults: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(faults.is_empty(), "{name}: {faults:#?}");
    };
    let json = |v: &dyn erased::Ser| v.to_value();
    check("WorkCalendar", json(&WorkCalendar::china()));
    check("EscalationPolicy", json(&EscalationPolicy::default()));
    check("CaseRolePolicy", json(&shenpi::case::default_policy()));
    check("TicketRolePolicy", json(&shenpi::ticket::default_policy()));
    check("RunRolePolicy", json(&shenpi::graph::default_run_policy()));
    check("CaseTransitionTable", json(&shenpi::case::transition_table()));
    check("TicketTransitionTable", json(&shenpi::ticket::transition_table()));
    check("FeedbackDeadlines", json(&FeedbackDeadlines::default()));
}

/// Serializing through a trait object, to list values of several types.
mod erased {
    pub(super) trait Ser {
        fn to_value(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_value(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap()
        }
    }
}

#[test]
fn invalid_fixtures_of_shape_are_refused_by_the_schema() {
    // (fixture, path of a fault the schema finds): faults of shape. Faults
    // of rules between values (cycles, duplicates, promised beyond
    // statutory, overlapping hours) are for decoding, not for a schema.
    let cases: [(&str, Faults, &str); 10] = [
        ("bad_date.json", faults::<WorkCalendar>, "/holidays/0"),
        ("unknown_field.json", faults::<WorkCalendar>, ""),
        ("catalog_bad_item_type.json", faults::<Catalog>, "/items/1/item_type"),
        ("catalog_unknown_field.json", faults::<Catalog>, "/items/2"),
        ("escalation_unknown_field.json", faults::<EscalationPolicy>, "/rules/0"),
        ("escalation_unknown_level.json", faults::<EscalationPolicy>, "/rules/0/level"),
        ("escalation_unknown_action.json", faults::<EscalationPolicy>, "/rules/0/action"),
        ("escalation_percent_101.json", faults::<EscalationPolicy>, "/rules/0/trigger"),
        ("escalation_bad_cadence.json", faults::<EscalationPolicy>, "/meetings/thematic"),
        ("graph_join_zero.json", faults::<ApprovalGraph>, "/steps/13/join"),
    ];
    for (file, faults, path) in cases {
        let found = faults(&data(&format!("invalid/{file}")));
        assert!(
            found.iter().any(|f| f.starts_with(&format!("{path}:"))),
            "{file}: expected a fault at {path:?}, found {found:#?}"
        );
    }
    // The schema of a fault of rules passes it on to decoding.
    assert!(faults::<ApprovalGraph>(&data("invalid/graph_cycle.json")).is_empty());
    assert!(faults::<Catalog>(&data("invalid/catalog_duplicate_code.json")).is_empty());
}

#[test]
fn every_schema_is_a_valid_draft_2020_12_schema() {
    for (name, schema) in schemas() {
        let value = schema.to_value();
        assert_eq!(value["$schema"], "https://json-schema.org/draft/2020-12/schema", "{name}");
        assert!(jsonschema::meta::is_valid(&value), "{name}");
    }
}
