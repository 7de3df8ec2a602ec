//! Criterion benchmarks for shenpi (filled in below).

fn main() {}
