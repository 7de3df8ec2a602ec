//! Paths into internally tagged enums.
//!
//! serde reads an internally tagged enum (`{"rule": "at_least", "k": 2}`)
//! by buffering the whole object, finding the tag, and then decoding the
//! variant's fields from the buffer, out of serde_path_to_error's sight: a
//! bad field inside is reported at the enum (`steps[0].join`), not at the
//! field (`steps[0].join.k`).
//!
//! The variants' fields are not types of their own, so the path is found
//! from the outside: the document is decoded again with one field of the
//! enum's value left out at a time. Decoding stops at the first bad value
//! it meets and checks for missing fields only after, so leaving out a good
//! field gives the same message, and leaving out the bad one changes it.
//! The field whose absence alone changes the message (the tag aside, whose
//! absence always does) is the bad one; the search goes on inside it, for a
//! tagged enum within a tagged enum, and stops where no single field is
//! found. A message about a missing field names the object, as it does for
//! a struct, and is left as it is.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::locate::{Path, Segment};

/// The tag fields of the crate's internally tagged enums.
const TAGS: [&str; 7] = ["kind", "command", "rule", "status", "by", "every", "when"];

/// Extends `path`, which leads to a tagged enum's value in `root`, down to
/// the field inside that `T`'s decoding refuses; leaves it where it is when
/// the value is not a tagged object or no single field is at fault.
pub(super) fn descend<T: DeserializeOwned>(root: &Value, path: &mut Path) {
    if !path.find(root).is_some_and(is_tagged) {
        return;
    }
    let Some(baseline) = message::<T>(root.clone()) else { return };
    if baseline.starts_with("missing field") {
        return;
    }
    let mut at = path.clone();
    while let Some(value) = at.find(root) {
        let mut changed: Vec<Segment> = children(value)
            .into_iter()
            .filter(|child| {
                let mut doc = root.clone();
                remove(&mut doc, &at, child);
                message::<T>(doc).as_deref() != Some(baseline.as_str())
            })
            .collect();
        if changed.len() > 1 {
            changed.retain(
                |child| !matches!(child, Segment::Field(name) if TAGS.contains(&name.as_str())),
            );
        }
        match <[Segment; 1]>::try_from(changed) {
            Ok([child]) => at = at.child(child),
            Err(_) => break,
        }
    }
    *path = at;
}

/// Whether `value` is an object carrying one of the tags.
fn is_tagged(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|object| TAGS.iter().any(|tag| object.get(*tag).is_some_and(Value::is_string)))
}

/// The message of decoding `doc` as a `T`, or `None` when it decodes.
fn message<T: DeserializeOwned>(doc: Value) -> Option<String> {
    serde_json::from_value::<T>(doc).err().map(|err| err.to_string())
}

/// The fields of an object or the positions of a list.
fn children(value: &Value) -> Vec<Segment> {
    match value {
        Value::Object(object) => object.keys().map(|k| Segment::Field(k.clone())).collect(),
        Value::Array(items) => (0..items.len()).map(Segment::Index).collect(),
        _ => Vec::new(),
    }
}

/// Removes `child` from the value at `at` in `doc`.
fn remove(doc: &mut Value, at: &Path, child: &Segment) {
    match (at.find_mut(doc), child) {
        (Some(Value::Object(object)), Segment::Field(name)) => {
            object.remove(name);
        }
        (Some(Value::Array(items)), Segment::Index(i)) if *i < items.len() => {
            items.remove(*i);
        }
        _ => {}
    }
}
