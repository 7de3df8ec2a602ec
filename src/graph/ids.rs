use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::GraphError;

/// Defines a validated string identifier: not blank, no control characters,
/// no surrounding whitespace; serde as a plain string through the same check.
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Arc<str>);

        impl $name {
            /// The identifier from its text.
            ///
            /// # Errors
            ///
            /// [`GraphError::InvalidId`] when the text is blank, holds a
            /// control character or has surrounding whitespace.
            pub fn new(id: &str) -> Result<$name, GraphError> {
                check(id, $what)?;
                Ok($name(Arc::from(id)))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = GraphError;

            fn try_from(id: String) -> Result<Self, GraphError> {
                check(&id, $what)?;
                Ok($name(Arc::from(id)))
            }
        }

        impl TryFrom<&str> for $name {
            type Error = GraphError;

            fn try_from(id: &str) -> Result<Self, GraphError> {
                $name::new(id)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0.to_string()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

fn check(id: &str, what: &'static str) -> Result<(), GraphError> {
    let fault = if id.trim().is_empty() {
        "is blank"
    } else if id.chars().any(char::is_control) {
        "holds a control character"
    } else if id.trim() != id {
        "has surrounding whitespace"
    } else {
        return Ok(());
    };
    Err(GraphError::InvalidId { what, id: id.to_owned(), fault })
}

string_id!(
    /// The identifier of a step in an approval graph, unique in its graph.
    ///
    /// In JSON a plain string.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::graph::StepId;
    ///
    /// let id = StepId::new("land-use-permit")?;
    /// assert_eq!(id.as_str(), "land-use-permit");
    /// assert_eq!(id.to_string(), "land-use-permit");
    /// assert!(StepId::new(" ").is_err());
    /// # Ok::<(), shenpi::graph::GraphError>(())
    /// ```
    StepId,
    "step id"
);

string_id!(
    /// The identifier of a stage in an approval graph (e.g. one of the four
    /// stages of construction-project approval).
    ///
    /// In JSON a plain string.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::graph::StageId;
    ///
    /// let id = StageId::new("construction-permit")?;
    /// assert_eq!(id.as_str(), "construction-permit");
    /// assert!(StageId::new("a\nb").is_err());
    /// # Ok::<(), shenpi::graph::GraphError>(())
    /// ```
    StageId,
    "stage id"
);
