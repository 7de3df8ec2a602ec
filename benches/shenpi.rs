//! Criterion benchmarks for shenpi: one binary (`harness = false`), one module
//! per area (STYLE.md item 23).
//!
//! Run them all with `cargo bench --bench shenpi`, one area with
//! `cargo bench --bench shenpi -- calendar`, and check that every benchmark
//! still runs and asserts (once each, untimed) with
//! `cargo bench --bench shenpi -- --test`.
//!
//! Benchmarks are named `area/operation/variant`, e.g.
//! `calendar/add_working_days/shenpi`. Each iteration runs a whole batch of
//! inputs and the group sets `Throughput::Elements(batch)`, so the throughput
//! line gives calls per second: its reciprocal is the time per call.

use criterion::{criterion_group, criterion_main};

mod calendar;
mod case;
mod escalation;
mod graph;
mod host;
mod json;
mod report;
mod support;

criterion_group!(
    benches,
    calendar::add_working_days,
    calendar::working_days_between,
    calendar::added_year,
    case::replay,
    case::apply,
    case::status,
    escalation::sweep,
    graph::plan,
    graph::run,
    json::locate,
    report::cases,
    host::load_replay
);
criterion_main!(benches);
