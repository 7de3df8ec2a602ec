use std::fmt;

use serde::{Deserialize, Serialize};

use crate::limit::TimeLimit;

use super::ItemCode;

/// What went wrong building or decoding an approval item or a catalog.
///
/// Every variant names the value at fault. Errors about one item name its
/// code (`item 11350100MB0123456X-001: …`); errors met while decoding a
/// catalog are wrapped in [`InItem`](CatalogError::InItem), which adds the
/// item's position in the `items` list (`items[6]: …`), so a portal
/// developer can find a bad item among hundreds. The message is complete on
/// its own: it survives serde, which keeps only the text of an error.
///
/// # Example
///
/// ```
/// use shenpi::catalog::{ApprovalItem, CatalogError, DepartmentId, ItemCode};
/// use shenpi::limit::TimeLimit;
///
/// let err = ApprovalItem::builder(
///     ItemCode::new("11350100MB0123456X-001")?,
///     "建设工程规划许可证核发",
///     DepartmentId::new("建瓯市自然资源局")?,
/// )
/// .statutory(TimeLimit::working_days(20))
/// .promised(TimeLimit::working_days(25))
/// .build()
/// .unwrap_err();
/// assert!(matches!(err, CatalogError::PromisedExceedsStatutory { .. }));
/// assert_eq!(
///     err.to_string(),
///     "item 11350100MB0123456X-001: promised limit 25 working days exceeds \
///      statutory limit 20 working days",
/// );
/// # Ok::<(), CatalogError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// An item code or department id is the empty string.
    #[error("{kind} is empty")]
    #[non_exhaustive]
    EmptyCode {
        /// Which kind of identifier.
        kind: IdKind,
    },
    /// An item code or department id is blank, holds a control character
    /// or has leading or trailing whitespace.
    #[error("{kind} {value:?} {fault}")]
    #[non_exhaustive]
    InvalidCode {
        /// Which kind of identifier.
        kind: IdKind,
        /// The refused value, as given.
        value: String,
        /// What is wrong with it.
        fault: CodeFault,
    },
    /// An item's name is empty or blank.
    #[error("item {code}: name is empty")]
    #[non_exhaustive]
    EmptyName {
        /// The item's code.
        code: ItemCode,
    },
    /// An item's promised limit (承诺时限) is longer than its statutory limit
    /// (法定时限).
    #[error("item {code}: promised limit {promised} exceeds statutory limit {statutory}")]
    #[non_exhaustive]
    PromisedExceedsStatutory {
        /// The item's code.
        code: ItemCode,
        /// The promised limit.
        promised: TimeLimit,
        /// The statutory limit, shorter than `promised`.
        statutory: TimeLimit,
    },
    /// A limit is in another unit than the statutory limit it must be
    /// compared with: working days and natural days can't be compared
    /// without a calendar.
    #[error(
        "item {code}: {field} limit {limit} and statutory limit {statutory} are in different \
         units, which can't be compared without a calendar"
    )]
    #[non_exhaustive]
    UnitMismatch {
        /// The item's code.
        code: ItemCode,
        /// Which limit (today always [`ItemField::Promised`]).
        field: ItemField,
        /// That limit.
        limit: TimeLimit,
        /// The statutory limit, in another unit.
        statutory: TimeLimit,
    },
    /// An instant item (即办件) promises more than the same day.
    #[error("item {code}: an instant item (即办件) must promise the same day, not {promised}")]
    #[non_exhaustive]
    InstantNotSameDay {
        /// The item's code.
        code: ItemCode,
        /// The promised limit, not zero.
        promised: TimeLimit,
    },
    /// An item's extension allowance is not in working days (行政许可法
    /// art. 42 extends a limit by working days).
    #[error("item {code}: extension {extension} must be in working days")]
    #[non_exhaustive]
    ExtensionNotWorkingDays {
        /// The item's code.
        code: ItemCode,
        /// The extension allowance given.
        extension: TimeLimit,
    },
    /// The delivery limit is not in working days.
    #[error("item {code}: delivery limit {delivery} must be in working days")]
    #[non_exhaustive]
    DeliveryNotWorkingDays {
        /// The item's code.
        code: ItemCode,
        /// The delivery limit given.
        delivery: TimeLimit,
    },
    /// Two items of a catalog have the same code.
    #[error("duplicate item code {code}")]
    #[non_exhaustive]
    DuplicateCode {
        /// The code used twice.
        code: ItemCode,
    },
    /// An item of a catalog being decoded is not a map of fields.
    #[error("expected an item (a map of fields), found {found}")]
    #[non_exhaustive]
    NotAnItem {
        /// What was found instead, such as "a string".
        found: &'static str,
    },
    /// An item being decoded has a field that items don't have.
    #[error("{}unknown field `{field}`, expected one of {}", ItemPrefix(code), ItemField::LIST)]
    #[non_exhaustive]
    UnknownField {
        /// The item's code, when it could be read.
        code: Option<ItemCode>,
        /// The unknown field's name.
        field: String,
    },
    /// An item being decoded lacks a required field.
    #[error("{}missing field `{field}`", ItemPrefix(code))]
    #[non_exhaustive]
    MissingField {
        /// The item's code, when it could be read.
        code: Option<ItemCode>,
        /// The missing field.
        field: ItemField,
    },
    /// An item being decoded has the same field twice.
    #[error("{}duplicate field `{field}`", ItemPrefix(code))]
    #[non_exhaustive]
    DuplicateField {
        /// The item's code, when it could be read.
        code: Option<ItemCode>,
        /// The repeated field.
        field: ItemField,
    },
    /// A field of an item being decoded holds a value of the wrong shape,
    /// such as an unknown item type or a negative amount.
    #[error("{}field `{field}`: {reason}", ItemPrefix(code))]
    #[non_exhaustive]
    InvalidField {
        /// The item's code, when it could be read.
        code: Option<ItemCode>,
        /// The field at fault.
        field: ItemField,
        /// What the decoder said about its value.
        reason: String,
    },
    /// An error in one item of a catalog being decoded, with the item's
    /// position (from 0) in the `items` list.
    #[error("items[{index}]: {error}")]
    #[non_exhaustive]
    InItem {
        /// The item's position in the `items` list, from 0.
        index: usize,
        /// What is wrong with the item.
        error: Box<CatalogError>,
    },
}

/// Writes "item CODE: " when the code is known, nothing otherwise.
struct ItemPrefix<'a>(&'a Option<ItemCode>);

impl fmt::Display for ItemPrefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(code) => write!(f, "item {code}: "),
            None => Ok(()),
        }
    }
}

/// The kinds of identifier the catalog validates.
///
/// # Example
///
/// ```
/// use shenpi::catalog::{CatalogError, DepartmentId, IdKind};
///
/// let err = DepartmentId::new("").unwrap_err();
/// assert!(matches!(err, CatalogError::EmptyCode { kind: IdKind::Department, .. }));
/// assert_eq!(err.to_string(), "department id is empty");
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::catalog::IdKind;
///
/// assert_eq!(serde_json::to_string(&IdKind::ItemCode)?, r#""item_code""#);
/// assert_eq!(serde_json::from_str::<IdKind>(r#""department""#)?, IdKind::Department);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IdKind {
    /// An [`ItemCode`].
    ItemCode,
    /// A [`DepartmentId`](super::DepartmentId).
    Department,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::ItemCode => "item code",
            IdKind::Department => "department id",
        })
    }
}

/// What is wrong with a refused identifier.
///
/// # Example
///
/// ```
/// use shenpi::catalog::{CatalogError, CodeFault, ItemCode};
///
/// let err = ItemCode::new("XK-001 ").unwrap_err();
/// assert!(matches!(
///     err,
///     CatalogError::InvalidCode { fault: CodeFault::SurroundingWhitespace, .. }
/// ));
/// assert_eq!(err.to_string(), r#"item code "XK-001 " has leading or trailing whitespace"#);
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::catalog::CodeFault;
///
/// let fault = CodeFault::ControlCharacter { character: '\t' };
/// assert_eq!(serde_json::to_string(&fault)?, r#"{"kind":"control_character","character":"\t"}"#);
/// assert_eq!(serde_json::from_str::<CodeFault>(r#"{"kind": "blank"}"#)?, CodeFault::Blank);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CodeFault {
    /// Only whitespace.
    Blank,
    /// A control character, such as a newline or a tab.
    ControlCharacter {
        /// The first control character found.
        character: char,
    },
    /// Whitespace before or after the visible text, which would make two
    /// codes that look the same differ.
    SurroundingWhitespace,
}

impl fmt::Display for CodeFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeFault::Blank => f.write_str("is blank"),
            CodeFault::ControlCharacter { character } => {
                write!(f, "contains control character U+{:04X}", u32::from(*character))
            }
            CodeFault::SurroundingWhitespace => f.write_str("has leading or trailing whitespace"),
        }
    }
}

/// The fields of an approval item, as its JSON form names them.
///
/// # Example
///
/// ```
/// use shenpi::catalog::ItemField;
///
/// assert_eq!(ItemField::ItemType.as_str(), "item_type");
/// assert_eq!(ItemField::from_name("special_procedures"), Some(ItemField::SpecialProcedures));
/// assert_eq!(ItemField::from_name("colour"), None);
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::catalog::ItemField;
///
/// assert_eq!(serde_json::to_string(&ItemField::SpecialProcedures)?, r#""special_procedures""#);
/// assert_eq!(serde_json::from_str::<ItemField>(r#""item_type""#)?, ItemField::ItemType);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ItemField {
    /// `code`: the item code.
    Code,
    /// `name`: the item's name.
    Name,
    /// `item_type`: the GB/T 39046 item type.
    ItemType,
    /// `department`: the department that handles the item.
    Department,
    /// `case_kind`: instant, promised, joint or reported-up.
    CaseKind,
    /// `statutory`: the statutory limit.
    Statutory,
    /// `promised`: the promised limit.
    Promised,
    /// `reference`: a reference limit, such as a provincial one.
    Reference,
    /// `special_procedures`: the special procedures the item may use.
    SpecialProcedures,
    /// `extension`: the extension allowance.
    Extension,
    /// `delivery`: the limit for issuing and delivering the decision.
    Delivery,
}

impl ItemField {
    /// Every field, in the order of the JSON form.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::ItemField;
    ///
    /// assert_eq!(ItemField::ALL.len(), 11);
    /// assert_eq!(ItemField::ALL[0], ItemField::Code);
    /// ```
    pub const ALL: [ItemField; 11] = [
        ItemField::Code,
        ItemField::Name,
        ItemField::ItemType,
        ItemField::Department,
        ItemField::CaseKind,
        ItemField::Statutory,
        ItemField::Promised,
        ItemField::Reference,
        ItemField::SpecialProcedures,
        ItemField::Extension,
        ItemField::Delivery,
    ];

    /// The fields as an error message lists them.
    const LIST: &'static str = "`code`, `name`, `item_type`, `department`, `case_kind`, \
                                `statutory`, `promised`, `reference`, `special_procedures`, \
                                `extension`, `delivery`";

    /// The field's name in the JSON form.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::ItemField;
    ///
    /// assert_eq!(ItemField::CaseKind.as_str(), "case_kind");
    /// ```
    pub const fn as_str(&self) -> &'static str {
        match self {
            ItemField::Code => "code",
            ItemField::Name => "name",
            ItemField::ItemType => "item_type",
            ItemField::Department => "department",
            ItemField::CaseKind => "case_kind",
            ItemField::Statutory => "statutory",
            ItemField::Promised => "promised",
            ItemField::Reference => "reference",
            ItemField::SpecialProcedures => "special_procedures",
            ItemField::Extension => "extension",
            ItemField::Delivery => "delivery",
        }
    }

    /// The field with this JSON name, if there is one.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::ItemField;
    ///
    /// assert_eq!(ItemField::from_name("promised"), Some(ItemField::Promised));
    /// ```
    pub fn from_name(name: &str) -> Option<ItemField> {
        ItemField::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl fmt::Display for ItemField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> ItemCode {
        ItemCode::new("XK-001").unwrap()
    }

    #[test]
    fn field_names_match_the_list() {
        let joined: Vec<String> = ItemField::ALL.iter().map(|f| format!("`{f}`")).collect();
        assert_eq!(joined.join(", "), ItemField::LIST);
        for field in ItemField::ALL {
            assert_eq!(ItemField::from_name(field.as_str()), Some(field));
            let json = serde_json::to_string(&field).unwrap();
            assert_eq!(json, format!("\"{}\"", field.as_str()));
        }
    }

    #[test]
    fn messages_name_the_item_when_known() {
        let known = CatalogError::MissingField { code: Some(code()), field: ItemField::Promised };
        assert_eq!(known.to_string(), "item XK-001: missing field `promised`");
        let unknown = CatalogError::MissingField { code: None, field: ItemField::Code };
        assert_eq!(unknown.to_string(), "missing field `code`");
        let wrapped = CatalogError::InItem { index: 6, error: Box::new(known) };
        assert_eq!(wrapped.to_string(), "items[6]: item XK-001: missing field `promised`");
    }

    #[test]
    fn code_faults_read_well() {
        let err = CatalogError::InvalidCode {
            kind: IdKind::ItemCode,
            value: "a\u{7}b".to_owned(),
            fault: CodeFault::ControlCharacter { character: '\u{7}' },
        };
        assert_eq!(err.to_string(), r#"item code "a\u{7}b" contains control character U+0007"#);
    }

    #[test]
    fn errors_are_send_sync() {
        fn assert_send_sync<T: Send + Sync + std::error::Error>() {}
        assert_send_sync::<CatalogError>();
    }
}
