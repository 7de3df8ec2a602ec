//! Paths into internally tagged enums.
//!
//! serde reads an internally tagged enum (`{"rule": "at_least", "k": 2}`)
//! by buffering the whole object, finding the tag, and then decoding the
//! variant's fields from the buffer, out of serde_path_to_error's sight: a
//! bad field inside is reported at the enum (`steps[0].join`), not at the
//! field (`steps[0].join.k`).
//!
//! The variants' fields are not types of their own, so the field is found
//! by *probes*: the document's text is decoded again with the enum's object
//! replaced by a small one, everything else left as written. serde decodes
//! an object's fields in the order of the text and stops at the first bad
//! one, so every field before the bad one is a good, known field (an unknown
//! field before it would have been reported instead, by a variant that
//! refuses unknown fields). The search therefore:
//!
//! 1. finds the tag with one probe of an empty object, which serde refuses
//!    with "missing field `<tag>`";
//! 2. probes the tag alone: when that gives the same message, the tag is at
//!    fault (an unknown variant);
//! 3. probes, in the order of the text, each other field alone with the
//!    tag, `{tag, key: value}`: the first that gives the same message is the
//!    bad field; a probe refused as "unknown field `key`" means the bad field
//!    was not a single one before it, and the search stops there;
//! 4. goes on inside the bad field's value when it is an object (a tagged
//!    enum within a tagged enum, a struct buffered with it).
//!
//! A message about a missing field names the object, as it does for a
//! struct, and is left as it is.
//!
//! Each probe decodes the document once, and there are at most
//! [`MAX_PROBES`] of them in all, whatever the size of the object (a
//! variant has a handful of known fields, and the search stops at the first
//! unknown one): the cost stays linear in the document's size. A search cut
//! short by the limit leaves the path at the deepest object found, which
//! still holds the fault.

use serde::de::DeserializeOwned;

use super::locate::{Path, Segment};

/// The tag fields of the crate's internally tagged enums.
const TAGS: [&str; 8] = ["kind", "command", "rule", "status", "by", "every", "when", "policy"];

/// The most documents decoded again to find one field.
pub(super) const MAX_PROBES: usize = 64;

/// Extends `path`, which leads to a tagged enum's object in the JSON text
/// `bytes`, down to the field inside that `T`'s decoding refuses with
/// `message`; leaves it where it is when the value is not a tagged object or
/// no single field is at fault.
pub(super) fn descend<T: DeserializeOwned>(bytes: &[u8], message: &str, path: &mut Path) {
    // A probe's reply counts only when decoding stops at the enum itself:
    // the same fault written again later in the document gives the same
    // message at another path.
    let origin = path.to_string();
    search(bytes, message, path, &mut |doc| {
        probe::<T>(doc).and_then(|(m, at)| (at == origin).then_some(m))
    });
}

/// [`descend`] with the probe given: `probe` decodes a document and gives
/// its message, or `None` when it decodes. Returns the number of probes.
fn search(
    bytes: &[u8],
    message: &str,
    path: &mut Path,
    probe: &mut dyn FnMut(&[u8]) -> Option<String>,
) -> usize {
    if message.starts_with("missing field") {
        return 0;
    }
    let Some(mut at) = span_at(bytes, path) else { return 0 };
    let mut probes = 0;
    let mut run = |object: Span, replacement: Vec<u8>, probes: &mut usize| {
        *probes += 1;
        let mut doc = Vec::with_capacity(bytes.len() - (object.1 - object.0) + replacement.len());
        doc.extend_from_slice(&bytes[..object.0]);
        doc.extend_from_slice(&replacement);
        doc.extend_from_slice(&bytes[object.1..]);
        probe(&doc)
    };
    let mut found = path.clone();
    let mut first = true;
    'levels: while let Some(members) = members(bytes, at) {
        if probes + 2 > MAX_PROBES {
            break;
        }
        // The tag, named by serde's message for an empty object.
        let reply = run(at, b"{}".to_vec(), &mut probes);
        if !first && reply.as_deref() == Some(message) {
            break; // the value's shape is at fault, not a field inside it
        }
        let tag = reply.as_deref().and_then(missing_field).and_then(|name| {
            members.iter().find(|m| m.key == name && TAGS.contains(&name) && is_string(bytes, m))
        });
        if first && tag.is_none() {
            break; // not a tagged enum
        }
        first = false;
        let tag_text = tag.map(|m| &bytes[m.key_span.0..m.value.1]);
        for member in &members {
            if probes >= MAX_PROBES {
                break 'levels;
            }
            let mut replacement = b"{".to_vec();
            if let Some(tag_text) = tag_text {
                replacement.extend_from_slice(tag_text);
            }
            let is_tag = tag.is_some_and(|t| t.key_span == member.key_span);
            if !is_tag {
                if tag_text.is_some() {
                    replacement.push(b',');
                }
                replacement.extend_from_slice(&bytes[member.key_span.0..member.value.1]);
            }
            replacement.push(b'}');
            let reply = run(at, replacement, &mut probes);
            match reply.as_deref() {
                Some(m) if m == message => {
                    found = found.child(Segment::Field(member.key.clone()));
                    at = member.value;
                    continue 'levels;
                }
                Some(m) if unknown_field(m) == Some(member.key.as_str()) => break 'levels,
                _ => {}
            }
        }
        break;
    }
    *path = found;
    probes
}

/// The message of decoding `doc` as a `T`, without its position, and the
/// path where decoding stopped; `None` when it decodes.
fn probe<T: DeserializeOwned>(doc: &[u8]) -> Option<(String, String)> {
    let mut de = serde_json::Deserializer::from_slice(doc);
    let err = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(_) => match de.end() {
            Ok(()) => return None,
            Err(e) => return Some((e.to_string(), String::new())),
        },
        Err(err) => err,
    };
    let at = Path::from_serde(err.path()).to_string();
    let err = err.into_inner();
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    Some((text.strip_suffix(&suffix).unwrap_or(&text).to_owned(), at))
}

/// The field named by serde's "missing field `x`".
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

/// The field named by serde's "unknown field `x`, expected ...".
fn unknown_field(message: &str) -> Option<&str> {
    message.strip_prefix("unknown field `")?.split_once('`').map(|(name, _)| name)
}

// ---------------------------------------------------------------------------
// Spans of the text. The text has been read as JSON already, so the scan
// only has to find where values begin and end; it gives up (`None`) on
// anything it does not expect rather than panic.

/// The bytes `start..end` of a value in the text.
type Span = (usize, usize);

/// A field of an object, as written.
struct Member {
    key: String,
    /// From the key's opening quote to its closing one.
    key_span: Span,
    value: Span,
}

fn is_string(bytes: &[u8], member: &Member) -> bool {
    bytes.get(member.value.0) == Some(&b'"')
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The end of the string opening at `i`.
fn string_end(bytes: &[u8], i: usize) -> Option<usize> {
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match bytes.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
}

/// The end of the value beginning at `i` (no whitespace before it).
fn value_end(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i)? {
        b'"' => string_end(bytes, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match bytes.get(j)? {
                    b'"' => {
                        j = string_end(bytes, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while bytes.get(j).is_some_and(|b| !b",}] \t\r\n".contains(b)) {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// The fields of the object at `span`, in the order of the text; `None`
/// when it is not an object.
fn members(bytes: &[u8], span: Span) -> Option<Vec<Member>> {
    if bytes.get(span.0) != Some(&b'{') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = skip_ws(bytes, span.0 + 1);
    if bytes.get(i) == Some(&b'}') {
        return Some(out);
    }
    loop {
        let key_end = string_end(bytes, i)?;
        let key = serde_json::from_slice::<String>(&bytes[i..key_end]).ok()?;
        let colon = skip_ws(bytes, key_end);
        if bytes.get(colon) != Some(&b':') {
            return None;
        }
        let start = skip_ws(bytes, colon + 1);
        let end = value_end(bytes, start)?;
        out.push(Member { key, key_span: (i, key_end), value: (start, end) });
        let next = skip_ws(bytes, end);
        match bytes.get(next)? {
            b',' => i = skip_ws(bytes, next + 1),
            b'}' => return Some(out),
            _ => return None,
        }
    }
}

/// The `n`-th (from 0) element of the list at `span`.
fn element(bytes: &[u8], span: Span, n: usize) -> Option<Span> {
    if bytes.get(span.0) != Some(&b'[') {
        return None;
    }
    let mut i = skip_ws(bytes, span.0 + 1);
    let mut k = 0;
    loop {
        let end = value_end(bytes, i)?;
        if k == n {
            return Some((i, end));
        }
        k += 1;
        let next = skip_ws(bytes, end);
        match bytes.get(next)? {
            b',' => i = skip_ws(bytes, next + 1),
            _ => return None,
        }
    }
}

/// The span of the value `path` leads to in the text.
fn span_at(bytes: &[u8], path: &Path) -> Option<Span> {
    let start = skip_ws(bytes, 0);
    let root = (start, value_end(bytes, start)?);
    path.segments().iter().try_fold(root, |span, segment| match segment {
        Segment::Field(name) => {
            members(bytes, span)?.into_iter().find(|m| m.key == *name).map(|m| m.value)
        }
        Segment::Index(n) => element(bytes, span, *n),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::CaseEvent;
    use crate::graph::ApprovalGraph;

    /// The path and the number of probes for decoding `json` as a `T`.
    fn locate<T: DeserializeOwned>(json: &str) -> (String, usize) {
        let bytes = json.as_bytes();
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let err = serde_path_to_error::deserialize::<_, T>(&mut de).err().expect("refused");
        let mut path = Path::from_serde(err.path());
        let (message, origin) = probe::<T>(bytes).expect("refused");
        let probes = search(bytes, &message, &mut path, &mut |doc| {
            probe::<T>(doc).and_then(|(m, at)| (at == origin).then_some(m))
        });
        (path.to_string(), probes)
    }

    fn graph(join: &str) -> String {
        format!(
            r#"{{"name": "g", "start": "a", "steps": [
              {{"id": "a", "item": "XK-1", "department": "d",
               "limit": {{"amount": 1, "unit": "working_days"}}}},
              {{"id": "b", "item": "XK-2", "department": "d",
               "limit": {{"amount": 5, "unit": "working_days"}},
               "after": ["a"], "join": {join}}}]}}"#
        )
    }

    #[test]
    fn a_later_unknown_field_does_not_take_the_blame() {
        let (path, _) =
            locate::<ApprovalGraph>(&graph(r#"{"rule": "at_least", "k": "two", "extra": 1}"#));
        assert_eq!(path, "steps[1].join.k");
        // The unknown field first is the fault.
        let (path, _) =
            locate::<ApprovalGraph>(&graph(r#"{"rule": "at_least", "extra": 1, "k": "two"}"#));
        assert_eq!(path, "steps[1].join.extra");
        // The tag after the fields.
        let (path, _) = locate::<ApprovalGraph>(&graph(r#"{"k": "two", "rule": "at_least"}"#));
        assert_eq!(path, "steps[1].join.k");
    }

    #[test]
    fn probes_do_not_grow_with_the_unknown_fields() {
        let object = |n: usize| {
            let extra: String = (0..n).map(|i| format!(r#", "x{i}": {i}"#)).collect();
            format!(r#"{{"rule": "at_least", "k": "two"{extra}}}"#)
        };
        let (path, few) = locate::<ApprovalGraph>(&graph(&object(10)));
        assert_eq!(path, "steps[1].join.k");
        let (path, many) = locate::<ApprovalGraph>(&graph(&object(16_000)));
        assert_eq!(path, "steps[1].join.k");
        assert_eq!(few, many);
        assert!(many <= MAX_PROBES);
        // The bad field after every unknown one: the first unknown is named,
        // still in a bounded number of probes.
        let extra: String = (0..16_000).map(|i| format!(r#""x{i}": {i}, "#)).collect();
        let (path, probes) = locate::<ApprovalGraph>(&graph(&format!(
            r#"{{"rule": "at_least", {extra}"k": "two"}}"#
        )));
        assert_eq!(path, "steps[1].join.x0");
        assert!(probes <= MAX_PROBES, "{probes}");
    }

    #[test]
    fn nested_tagged_enums_are_searched_too() {
        let json = r#"{"actor": {"id": "head-1", "role": "department_head"},
            "at": "2026-03-04T09:00:00+08:00",
            "payload": {"reason": {"procedure": "lunch", "kind": "special_procedure", "z": 1},
                        "command": "suspend"}}"#;
        let (path, _) = locate::<CaseEvent>(json);
        assert_eq!(path, "payload.reason.procedure");
    }

    #[test]
    fn the_scan_reads_values_as_written() {
        let text = br#" {"a\"}": [1, {"b": "]"}], "c" : -2.5e3 ,"d":{}} "#;
        let root = (1, text.len() - 1);
        let members = members(text, root).expect("an object");
        let keys: Vec<&str> = members.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["a\"}", "c", "d"]);
        let value = |m: &Member| std::str::from_utf8(&text[m.value.0..m.value.1]).unwrap();
        assert_eq!(value(&members[0]), r#"[1, {"b": "]"}]"#);
        assert_eq!(value(&members[1]), "-2.5e3");
        assert_eq!(value(&members[2]), "{}");
        // Text that is not what it should be is refused, not a panic.
        assert!(super::members(b"{\"a\": ", (0, 6)).is_none());
        assert!(value_end(b"[[", 0).is_none());
        assert!(string_end(b"\"\\", 0).is_none());
    }
}
