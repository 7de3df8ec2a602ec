//! `json/locate/{shenpi,serde_json}/{1000,4000,16000}`: decoding a graph
//! whose step's join rule, an internally tagged enum, has a bad `k` followed
//! by that many unknown fields. `shenpi` is [`shenpi::json::from_str`], which
//! also finds the path `steps[1].join.k` (a bounded number of decodes of the
//! text again); `serde_json` is [`serde_json::from_str`], which only says
//! what is wrong. The two should grow alike, linearly in the text.
//! Throughput: bytes.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use shenpi::graph::ApprovalGraph;

/// The numbers of unknown fields.
const FIELDS: [usize; 3] = [1_000, 4_000, 16_000];

/// A graph whose second step's join has a bad `k` then `fields` unknown
/// fields.
fn graph(fields: usize) -> String {
    let extra: String = (0..fields).map(|i| format!(r#", "x{i}": {i}"#)).collect();
    format!(
        r#"{{"name": "g", "start": "a", "steps": [
          {{"id": "a", "item": "XK-1", "department": "d",
           "limit": {{"amount": 1, "unit": "working_days"}}}},
          {{"id": "b", "item": "XK-2", "department": "d",
           "limit": {{"amount": 5, "unit": "working_days"}},
           "after": ["a"], "join": {{"rule": "at_least", "k": "two"{extra}}}}}]}}"#
    )
}

pub(crate) fn locate(c: &mut Criterion) {
    let mut group = c.benchmark_group("json/locate");
    for fields in FIELDS {
        let text = graph(fields);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("shenpi", fields), &text, |b, text| {
            b.iter(|| {
                let err = shenpi::json::from_str::<ApprovalGraph>(black_box(text))
                    .expect_err("k is not a number");
                assert_eq!(err.path(), "steps[1].join.k");
            });
        });
        group.bench_with_input(BenchmarkId::new("serde_json", fields), &text, |b, text| {
            b.iter(|| {
                let err = serde_json::from_str::<ApprovalGraph>(black_box(text))
                    .expect_err("k is not a number");
                assert!(err.is_data());
            });
        });
    }
    group.finish();
}
