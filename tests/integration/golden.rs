//! Golden fixtures: a value built by the crate's machines, written as pretty
//! JSON, against its file in `tests/data/golden/`, and read back.
//!
//! Run with `SHENPI_BLESS=1` to rewrite the files from the values (then
//! review the diff: a changed fixture is a changed wire format).

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The path of a golden fixture.
fn path(name: &str) -> String {
    format!("{}/tests/data/golden/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Asserts that `value`'s pretty JSON is the fixture `name` (its final
/// newline aside) and that the fixture decodes back to `value`.
pub(crate) fn assert_golden<T>(name: &str, value: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let json = serde_json::to_string_pretty(value).unwrap();
    if std::env::var_os("SHENPI_BLESS").is_some() {
        std::fs::write(path(name), format!("{json}\n")).unwrap();
    }
    let fixture = std::fs::read_to_string(path(name))
        .unwrap_or_else(|e| panic!("{name}: {e} (SHENPI_BLESS=1 writes it)"));
    assert_eq!(json, fixture.trim_end(), "{name} differs (SHENPI_BLESS=1 rewrites it)");
    let back: T = serde_json::from_str(&fixture).unwrap();
    assert_eq!(&back, value, "{name} does not decode back to the value");
}

/// The fixture `name`, read as a JSON value (to edit and decode).
pub(crate) fn value(name: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path(name)).unwrap()).unwrap()
}

/// The item of the golden case (`case.json`, `case_history.json`).
pub(crate) fn licence() -> shenpi::catalog::ApprovalItem {
    use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    use shenpi::limit::{SpecialProcedure, TimeLimit};
    ApprovalItem::builder(
        ItemCode::new("XK-001").unwrap(),
        "行政许可",
        DepartmentId::new("county-bureau").unwrap(),
    )
    .statutory(TimeLimit::working_days(20))
    .promised(TimeLimit::working_days(20))
    .special_procedures([SpecialProcedure::ExpertReview])
    .build()
    .unwrap()
}
