//! The error of decoding JSON: where, and what.

use std::fmt;

/// A JSON document that could not be decoded: the path of the bad value
/// (`steps[3].join.k`), the message of the rule it breaks, and where in the
/// text the decoder stopped.
///
/// The path leads from the document's root through field names and list
/// positions, in the positions of the input (not the sorted order a decoded
/// value keeps); `.` is the root itself. A value that breaks a rule between
/// several fields (a cycle of steps, a promised limit longer than the
/// statutory one) is named by the field that the message points at.
///
/// A field whose name is an ASCII identifier (`[A-Za-z_][A-Za-z0-9_]*`) is
/// written after a dot (`join.k`, or bare at the start); any other name, the
/// empty one, one holding `.`, `[`, `]`, `"` or a letter outside ASCII
/// (`名称`), is written in brackets as a JSON string, like JavaScript's
/// bracket notation: `items["XK-1"]`, `[""]`, `a["b.c"]`, `["名称"]`. List
/// positions are `[3]`. So two different paths never read the same.
///
/// # Example
///
/// ```
/// use shenpi::limit::TimeLimit;
///
/// let err = shenpi::json::from_str::<TimeLimit>(r#"{"amount": 5, "unit": "weeks"}"#)
///     .unwrap_err();
/// assert_eq!(err.path(), "unit");
/// assert!(err.message().starts_with("unknown variant `weeks`"));
/// assert_eq!((err.line(), err.column()), (1, 29));
/// assert!(err.to_string().starts_with("unit: unknown variant `weeks`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    path: String,
    message: String,
    line: usize,
    column: usize,
    kind: Kind,
}

/// What kind of fault a [`DecodeError`] is, read by its `is_` methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// JSON of the wrong shape, or breaking a rule.
    Data,
    /// Not JSON at all.
    Syntax,
    /// JSON nested deeper than `MAX_DEPTH`.
    TooDeep,
}

impl DecodeError {
    pub(super) fn new(path: String, message: String, line: usize, column: usize) -> DecodeError {
        DecodeError { path, message, line, column, kind: Kind::Data }
    }

    pub(super) fn syntax(message: String, line: usize, column: usize) -> DecodeError {
        DecodeError { path: ".".to_owned(), message, line, column, kind: Kind::Syntax }
    }

    pub(super) fn too_deep(message: String, line: usize, column: usize) -> DecodeError {
        DecodeError { path: ".".to_owned(), message, line, column, kind: Kind::TooDeep }
    }

    /// The path of the bad value, like `steps[3].join.k` or `items[2].promised`;
    /// `.` for the document itself; a field that is not an ASCII identifier
    /// in brackets, as a JSON string (`holidays["2026"]`, `[""]`).
    ///
    /// # Example
    ///
    /// ```
    /// use std::collections::BTreeMap;
    ///
    /// let err = shenpi::json::from_str::<BTreeMap<String, u32>>(r#"{"a.b": "x"}"#)
    ///     .unwrap_err();
    /// assert_eq!(err.path(), r#"["a.b"]"#);
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The message alone, without path or position: serde's message for a
    /// value of the wrong shape, the crate's own for a broken rule.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The line (from 1) where the decoder stopped, or 0 when the fault was
    /// found after reading the whole value.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column (from 1) where the decoder stopped, or 0 with line 0.
    pub fn column(&self) -> usize {
        self.column
    }

    /// Whether the text is not JSON at all (unbalanced brackets, a stray
    /// character, the end reached too soon), as opposed to JSON of the wrong
    /// shape or breaking a rule.
    pub fn is_syntax(&self) -> bool {
        self.kind != Kind::Data
    }

    /// Whether the text nests arrays and objects deeper than
    /// [`MAX_DEPTH`](super::MAX_DEPTH) (such a document also
    /// [`is_syntax`](DecodeError::is_syntax): it was refused before its shape
    /// was looked at).
    pub fn is_too_deep(&self) -> bool {
        self.kind == Kind::TooDeep
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path != "." {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if self.line > 0 {
            write!(f, " at line {} column {}", self.line, self.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}
