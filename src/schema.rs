//! JSON Schemas of the wire forms, for portals written in Java or JS (the
//! `schema` feature).
//!
//! Every definition, command, event, stored state and record of the crate
//! implements [`schemars::JsonSchema`], and its schema describes what the
//! JSON holds: for a type decoded through checks (a graph, a catalog, a
//! calendar), the raw form that is read before the checks. A schema checks
//! the shape (fields, types, tags, closed enumerations, unknown fields
//! refused), not the rules between values: a promised limit longer than the
//! statutory one, a cycle of steps or a duplicate code still passes the schema
//! and is refused by decoding.
//!
//! [`schemas`] lists the contract, one schema per type, under the name a
//! portal knows it by; `cargo run --example export_schemas --features schema`
//! writes them as `<Name>.schema.json` files.
//!
//! # Example
//!
//! ```
//! use shenpi::graph::ApprovalGraph;
//!
//! let schema = shenpi::schema::schema_for::<ApprovalGraph>();
//! assert_eq!(schema.get("title").and_then(|t| t.as_str()), Some("ApprovalGraph"));
//! assert_eq!(schema.get("additionalProperties").and_then(|a| a.as_bool()), Some(false));
//!
//! let names: Vec<&str> = shenpi::schema::schemas().iter().map(|(name, _)| *name).collect();
//! assert!(names.contains(&"CaseEvent"));
//! ```

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::calendar::{Arrangement, CalendarChange, Horizon, Overlay, WorkCalendar};
use crate::case::{Case, CaseCommand, CaseCommandKind, CaseEvent, CaseOutcome, CaseTransition};
use crate::catalog::{ApprovalItem, Catalog};
use crate::escalation::DeadlineMove;
use crate::escalation::{EscalationPolicy, Meetings, Notice, Observation, SupervisionLog};
use crate::graph::{
    ApprovalGraph, GraphRun, Plan, RunCommand, RunCommandKind, RunEvent, RunRecord, RunSnapshot,
    RunTransition,
};
use crate::limit::{ClockReading, LegalClock, Thresholds, TimeLimit};
use crate::machine::{Role, RolePolicy, TransitionTable};
use crate::project::{BattleMap, KeyProject, ProjectNotice};
use crate::report::{
    CaseReport, Ranking, RankingSpec, ReportSpec, ReportSummary, RunReport, RunSummary,
    TicketReport, TicketSummary,
};
use crate::ticket::{
    FeedbackDeadlines, Ticket, TicketCommand, TicketCommandKind, TicketEvent, TicketTransition,
};

/// The schema of `T` as this crate publishes it: JSON Schema draft 2020-12,
/// the form that decoding reads, titled with the type's name, each
/// description cut to its first paragraph (the rest of a type's rustdoc is
/// Rust examples).
///
/// # Example
///
/// ```
/// use shenpi::limit::TimeLimit;
///
/// let schema = shenpi::schema::schema_for::<TimeLimit>();
/// let required = schema.get("required").and_then(|r| r.as_array()).map(Vec::len);
/// assert_eq!(required, Some(2)); // amount and unit
/// ```
pub fn schema_for<T: JsonSchema>() -> Schema {
    let settings =
        SchemaSettings::draft2020_12().with_transform(RecursiveTransform(first_paragraph));
    SchemaGenerator::new(settings).into_root_schema_for::<T>()
}

/// Every type of the JSON contract with its schema, under the name a portal
/// knows it by (the alias for generic types: `CaseEvent`, not
/// `Envelope<CaseCommand>`), in a fixed order: definitions, then commands and
/// events, stored states, and records and reports.
///
/// # Example
///
/// ```
/// for (name, schema) in shenpi::schema::schemas() {
///     assert_eq!(schema.get("title").and_then(|t| t.as_str()), Some(name));
/// }
/// ```
pub fn schemas() -> Vec<(&'static str, Schema)> {
    fn named<T: JsonSchema>(name: &'static str) -> (&'static str, Schema) {
        let mut schema = schema_for::<T>();
        schema.insert("title".into(), name.into());
        (name, schema)
    }
    vec![
        // Definitions.
        named::<WorkCalendar>("WorkCalendar"),
        named::<Overlay>("Overlay"),
        named::<Arrangement>("Arrangement"),
        named::<Horizon>("Horizon"),
        named::<CalendarChange>("CalendarChange"),
        named::<Vec<DeadlineMove>>("DeadlineMoves"),
        named::<TimeLimit>("TimeLimit"),
        named::<Thresholds>("Thresholds"),
        named::<ApprovalItem>("ApprovalItem"),
        named::<Catalog>("Catalog"),
        named::<RolePolicy<CaseCommandKind>>("CaseRolePolicy"),
        named::<RolePolicy<RunCommandKind>>("RunRolePolicy"),
        named::<RolePolicy<TicketCommandKind>>("TicketRolePolicy"),
        named::<TransitionTable<crate::case::CaseStateKind, CaseCommandKind>>(
            "CaseTransitionTable",
        ),
        named::<TransitionTable<crate::ticket::TicketStateKind, TicketCommandKind>>(
            "TicketTransitionTable",
        ),
        named::<ApprovalGraph>("ApprovalGraph"),
        named::<EscalationPolicy>("EscalationPolicy"),
        named::<Meetings>("Meetings"),
        named::<FeedbackDeadlines>("FeedbackDeadlines"),
        named::<ReportSpec>("ReportSpec"),
        named::<RankingSpec>("RankingSpec"),
        // Commands, events and transitions.
        named::<CaseCommand>("CaseCommand"),
        named::<CaseEvent>("CaseEvent"),
        named::<CaseTransition>("CaseTransition"),
        named::<RunCommand>("RunCommand"),
        named::<RunEvent>("RunEvent"),
        named::<RunTransition>("RunTransition"),
        named::<TicketCommand>("TicketCommand"),
        named::<TicketEvent>("TicketEvent"),
        named::<TicketTransition>("TicketTransition"),
        // Stored states.
        named::<LegalClock>("LegalClock"),
        named::<Case>("Case"),
        named::<GraphRun>("GraphRun"),
        named::<Ticket>("Ticket"),
        named::<SupervisionLog>("SupervisionLog"),
        named::<KeyProject>("KeyProject"),
        // Records and reports.
        named::<ClockReading>("ClockReading"),
        named::<CaseOutcome>("CaseOutcome"),
        named::<Plan>("Plan"),
        named::<RunSnapshot>("RunSnapshot"),
        named::<RunRecord>("RunRecord"),
        named::<Observation>("Observation"),
        named::<Notice>("Notice"),
        named::<ProjectNotice>("ProjectNotice"),
        named::<BattleMap>("BattleMap"),
        // Reports: the partial (stored, mergeable) reports and their summaries.
        named::<CaseReport>("CaseReport"),
        named::<ReportSummary>("ReportSummary"),
        named::<Ranking>("Ranking"),
        named::<TicketReport>("TicketReport"),
        named::<TicketSummary>("TicketSummary"),
        named::<RunReport>("RunReport"),
        named::<RunSummary>("RunSummary"),
    ]
}

/// Cuts a description to its first paragraph.
fn first_paragraph(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else { return };
    let Some(text) = object.get("description").and_then(|d| d.as_str()) else { return };
    if let Some((first, _)) = text.split_once("\n\n") {
        let first = first.trim_end().replace('\n', " ");
        object.insert("description".into(), first.into());
    }
}

// A catalog is written by hand: `{"items": [item, ...]}`.
impl JsonSchema for Catalog {
    fn schema_name() -> Cow<'static, str> {
        "Catalog".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "shenpi::catalog::Catalog".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let item = generator.subschema_for::<ApprovalItem>();
        json_schema!({
            "description": "A validated catalog of approval items: their codes are unique; \
                            written in code order.",
            "type": "object",
            "properties": {
                "items": { "type": "array", "items": item }
            },
            "required": ["items"],
            "additionalProperties": false
        })
    }
}

// A role policy is written by hand: a map from command kinds to lists of roles.
impl<K: JsonSchema> JsonSchema for RolePolicy<K> {
    fn schema_name() -> Cow<'static, str> {
        format!("RolePolicy_for_{}", K::schema_name()).into()
    }

    fn schema_id() -> Cow<'static, str> {
        format!("shenpi::machine::RolePolicy<{}>", K::schema_id()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let kind = generator.subschema_for::<K>();
        let role = generator.subschema_for::<Role>();
        json_schema!({
            "description": "Which roles may send each kind of command; a kind missing from \
                            the map is refused to everyone.",
            "type": "object",
            "propertyNames": kind,
            "additionalProperties": { "type": "array", "items": role }
        })
    }
}

#[cfg(test)]
mod tests {
    use schemars::transform::Transform;

    use super::*;

    #[test]
    fn names_are_unique_and_titles_match() {
        let all = schemas();
        let mut names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
    }

    #[test]
    fn descriptions_keep_their_first_paragraph() {
        let mut schema = json_schema!({"description": "One.\n\nTwo."});
        first_paragraph(&mut schema);
        assert_eq!(schema.get("description").and_then(|d| d.as_str()), Some("One."));
        let mut plain = json_schema!(true);
        RecursiveTransform(first_paragraph).transform(&mut plain);
        assert_eq!(plain, json_schema!(true));
    }
}
