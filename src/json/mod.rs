//! Decoding JSON with the path of the bad field (the default `json`
//! feature).
//!
//! `serde_json::from_str` says what is wrong ("unknown variant `weeks`");
//! [`from_str`] also says where: `steps[3].limit.unit`. It decodes exactly like
//! serde_json, through the same checks, and only adds the path, so a portal can
//! point its user at the field to fix.
//!
//! Where a definition is refused for a rule between several of its values (a
//! step joining more predecessors than it has, a duplicate item code), the
//! check runs once the whole definition is read; the path then names the
//! field the message is about, found by running the check again on the
//! definition's fields as written.
//!
//! Inside an internally tagged enum (a step's join rule, an event's
//! payload), whose fields serde decodes out of the path's sight, the path
//! still reaches the bad field (`steps[3].join.k`, `payload.working_days`):
//! it is found, on the error path only, by decoding the text again with the
//! enum's object cut down to its tag and one field at a time, in the order
//! written. serde stops at the first bad field, so only the fields before it
//! are tried, a bounded number of decodes however many fields the object
//! has: finding the path costs time linear in the size of the text.
//!
//! # Limits
//!
//! A document may nest arrays and objects at most [`MAX_DEPTH`] levels deep
//! (serde_json's own bound, which keeps decoding off the end of the stack);
//! a deeper one is refused with a [`DecodeError`] whose
//! [`is_too_deep`](DecodeError::is_too_deep) is true, at the position where
//! the limit was passed; the crate's own wire forms nest far less deeply.
//! Sizes are bounded by each type's own rules: a graph at most
//! [`ApprovalGraph::MAX_STEPS`](crate::graph::ApprovalGraph::MAX_STEPS) steps,
//! a history at most [`MAX_EVENTS`](crate::machine::MAX_EVENTS) events, a
//! command id at most 128 bytes.
//!
//! # Example
//!
//! ```
//! use shenpi::graph::ApprovalGraph;
//!
//! let json = r#"{
//!   "name": "厂房",
//!   "start": "filing",
//!   "steps": [
//!     {"id": "filing", "item": "XK-1", "department": "发改局",
//!      "limit": {"amount": 1, "unit": "working_days"}},
//!     {"id": "permit", "item": "XK-2", "department": "住建局",
//!      "limit": {"amount": 5, "unit": "working_days"},
//!      "after": ["filing"], "join": {"rule": "at_least", "k": 2}}
//!   ]
//! }"#;
//! let err = shenpi::json::from_str::<ApprovalGraph>(json).unwrap_err();
//! assert_eq!(err.path(), "steps[1].join.k");
//! assert_eq!(err.message(), "step permit joins at least 2 of only 1 predecessors");
//! ```

mod decode_error;
mod locate;
mod tagged;

use serde::de::DeserializeOwned;

pub use decode_error::DecodeError;

/// How deeply arrays and objects may nest in a document [`from_str`] and
/// [`from_slice`] decode: 127 levels (serde_json refuses the 128th).
///
/// # Example
///
/// ```
/// let deep = format!("{}{}", "[".repeat(shenpi::json::MAX_DEPTH + 1),
///     "]".repeat(shenpi::json::MAX_DEPTH + 1));
/// let err = shenpi::json::from_str::<serde_json::Value>(&deep).unwrap_err();
/// assert!(err.is_too_deep());
/// assert!(err.message().contains("127"));
/// ```
pub const MAX_DEPTH: usize = 127;

/// Decodes a `T` from JSON text, naming the path of the bad field on failure.
///
/// # Errors
///
/// A [`DecodeError`] with the path, the message and the position, when the
/// text is not JSON, has the wrong shape for `T`, or breaks one of `T`'s rules.
///
/// # Example
///
/// ```
/// use shenpi::catalog::ApprovalItem;
///
/// let json = r#"{"code": "XK-1", "name": "食品经营许可", "item_type": "administrative_licensing",
///   "department": "市场局", "case_kind": "promised",
///   "statutory": {"amount": 20, "unit": "working_days"},
///   "promised": {"amount": 25, "unit": "working_days"}}"#;
/// let err = shenpi::json::from_str::<ApprovalItem>(json).unwrap_err();
/// assert_eq!(err.path(), "promised.amount");
/// assert_eq!(
///     err.to_string(),
///     "promised.amount: item XK-1: promised limit 25 working days exceeds statutory limit \
///      20 working days",
/// );
/// ```
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    from_slice(text.as_bytes())
}

/// Decodes a `T` from JSON bytes (UTF-8), like [`from_str`].
///
/// # Errors
///
/// As [`from_str`].
///
/// # Example
///
/// ```
/// use shenpi::calendar::WorkCalendar;
///
/// let err = shenpi::json::from_slice::<WorkCalendar>(br#"{"first_year": 2026,
///   "last_year": 2026, "holidays": ["2026-10-01", "2026-10-32"]}"#).unwrap_err();
/// assert_eq!(err.path(), "holidays[1]");
/// ```
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = locate::Path::from_serde(err.path());
        decode_error::<T>(path, &err.into_inner(), bytes)
    })?;
    // Nothing but whitespace may follow the value.
    de.end().map_err(|err| decode_error::<T>(locate::Path::default(), &err, bytes))?;
    Ok(value)
}

/// The decode error for serde_json's `err` at `path` in a `T`, refined down
/// to the field the message is about: inside a definition refused as a
/// whole, or inside an internally tagged enum.
fn decode_error<T: DeserializeOwned>(
    mut path: locate::Path,
    err: &serde_json::Error,
    bytes: &[u8],
) -> DecodeError {
    let (line, column) = (err.line(), err.column());
    let message = without_position(&err.to_string(), line, column);
    if !err.is_data() {
        if message == "recursion limit exceeded" {
            return DecodeError::too_deep(
                format!("arrays and objects nest deeper than {MAX_DEPTH} levels"),
                line,
                column,
            );
        }
        return DecodeError::syntax(message, line, column);
    }
    let Ok(root) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return DecodeError::new(path.to_string(), message, line, column);
    };
    let before = path.clone();
    let message = path.refine(&root, &message).to_owned();
    if path == before {
        tagged::descend::<T>(bytes, &message, &mut path);
    }
    DecodeError::new(path.to_string(), message, line, column)
}

/// serde_json's message without the " at line L column C" it appends.
fn without_position(text: &str, line: usize, column: usize) -> String {
    let suffix = format!(" at line {line} column {column}");
    text.strip_suffix(&suffix).unwrap_or(text).to_owned()
}
