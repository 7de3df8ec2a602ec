//! Integration tests for shenpi: one binary, one module per area.

// Test helpers outside `#[test]` functions unwrap freely, as the tests do.
#![allow(clippy::unwrap_used)]

mod calendar;
mod calendar_props;
mod case;
mod case_props;
mod catalog;
mod catalog_props;
mod escalation;
mod escalation_props;
mod faults;
mod golden;
mod graph;
mod graph_props;
mod horizon;
#[cfg(feature = "json")]
mod json;
mod limit;
mod machine;
mod project;
mod report;
mod report_props;
mod retries;
#[cfg(feature = "schema")]
mod schema;
mod sqlite_host;
mod strategies;
mod ticket;
mod ticket_props;
