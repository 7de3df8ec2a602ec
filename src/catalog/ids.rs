use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{CatalogError, CodeFault, IdKind};

/// Refuses an empty or blank identifier, one with a control character, and
/// one with whitespace around its visible text.
fn check(kind: IdKind, value: &str) -> Result<(), CatalogError> {
    if value.is_empty() {
        return Err(CatalogError::EmptyCode { kind });
    }
    let fault = if value.chars().all(char::is_whitespace) {
        Some(CodeFault::Blank)
    } else if let Some(character) = value.chars().find(|c| c.is_control()) {
        Some(CodeFault::ControlCharacter { character })
    } else if value.trim() != value {
        Some(CodeFault::SurroundingWhitespace)
    } else {
        None
    };
    match fault {
        Some(fault) => Err(CatalogError::InvalidCode { kind, value: value.to_owned(), fault }),
        None => Ok(()),
    }
}

/// The code of an approval item (事项编码), such as the national platform's
/// `11350100MB0123456X-001` or a local `XK-0001`.
///
/// Any text is accepted except an empty or blank one, one holding a control
/// character, or one with leading or trailing whitespace (which would make
/// two codes that look the same differ). In JSON it is a plain string,
/// checked the same way when decoded.
///
/// # Example
///
/// ```
/// use shenpi::catalog::ItemCode;
///
/// let code = ItemCode::new("11350100MB0123456X-001")?;
/// assert_eq!(code.as_str(), "11350100MB0123456X-001");
/// assert_eq!(serde_json::to_string(&code)?, r#""11350100MB0123456X-001""#);
/// assert!(serde_json::from_str::<ItemCode>(r#""  ""#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct ItemCode(String);

impl ItemCode {
    /// An item code from its text.
    ///
    /// # Errors
    ///
    /// [`CatalogError::EmptyCode`] for the empty string;
    /// [`CatalogError::InvalidCode`] for a blank code, one holding a control
    /// character, or one with leading or trailing whitespace.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{CatalogError, ItemCode};
    ///
    /// assert!(ItemCode::new("XK-0001").is_ok());
    /// let err = ItemCode::new("XK-\n0001").unwrap_err();
    /// assert_eq!(err.to_string(), r#"item code "XK-\n0001" contains control character U+000A"#);
    /// ```
    pub fn new(code: &str) -> Result<ItemCode, CatalogError> {
        check(IdKind::ItemCode, code)?;
        Ok(ItemCode(code.to_owned()))
    }

    /// The code's text.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::ItemCode;
    ///
    /// assert_eq!(ItemCode::new("XK-0001")?.as_str(), "XK-0001");
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ItemCode {
    type Error = CatalogError;

    fn try_from(code: String) -> Result<Self, CatalogError> {
        check(IdKind::ItemCode, &code)?;
        Ok(ItemCode(code))
    }
}

impl TryFrom<&str> for ItemCode {
    type Error = CatalogError;

    fn try_from(code: &str) -> Result<Self, CatalogError> {
        ItemCode::new(code)
    }
}

impl FromStr for ItemCode {
    type Err = CatalogError;

    fn from_str(code: &str) -> Result<Self, CatalogError> {
        ItemCode::new(code)
    }
}

impl From<ItemCode> for String {
    fn from(code: ItemCode) -> String {
        code.0
    }
}

impl AsRef<str> for ItemCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Lets a [`Catalog`](super::Catalog) be searched by `&str`.
impl Borrow<str> for ItemCode {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ItemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The department (部门) that handles an item, named as the portal names
/// it: an organization code, a short id or its Chinese name.
///
/// Checked like an [`ItemCode`]: not empty or blank, no control characters,
/// no leading or trailing whitespace. In JSON it is a plain string.
///
/// # Example
///
/// ```
/// use shenpi::catalog::DepartmentId;
///
/// let dept = DepartmentId::new("建瓯市市场监督管理局")?;
/// assert_eq!(dept.to_string(), "建瓯市市场监督管理局");
/// assert_eq!(serde_json::from_str::<DepartmentId>(r#""建瓯市市场监督管理局""#)?, dept);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct DepartmentId(String);

impl DepartmentId {
    /// A department id from its text.
    ///
    /// # Errors
    ///
    /// [`CatalogError::EmptyCode`] for the empty string;
    /// [`CatalogError::InvalidCode`] for a blank id, one holding a control
    /// character, or one with leading or trailing whitespace.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::DepartmentId;
    ///
    /// assert!(DepartmentId::new("county-market-regulation").is_ok());
    /// assert_eq!(
    ///     DepartmentId::new(" \t").unwrap_err().to_string(),
    ///     r#"department id " \t" is blank"#,
    /// );
    /// ```
    pub fn new(id: &str) -> Result<DepartmentId, CatalogError> {
        check(IdKind::Department, id)?;
        Ok(DepartmentId(id.to_owned()))
    }

    /// The id's text.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::DepartmentId;
    ///
    /// assert_eq!(DepartmentId::new("县自然资源局")?.as_str(), "县自然资源局");
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DepartmentId {
    type Error = CatalogError;

    fn try_from(id: String) -> Result<Self, CatalogError> {
        check(IdKind::Department, &id)?;
        Ok(DepartmentId(id))
    }
}

impl TryFrom<&str> for DepartmentId {
    type Error = CatalogError;

    fn try_from(id: &str) -> Result<Self, CatalogError> {
        DepartmentId::new(id)
    }
}

impl FromStr for DepartmentId {
    type Err = CatalogError;

    fn from_str(id: &str) -> Result<Self, CatalogError> {
        DepartmentId::new(id)
    }
}

impl From<DepartmentId> for String {
    fn from(id: DepartmentId) -> String {
        id.0
    }
}

impl AsRef<str> for DepartmentId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Lets departments be compared with and looked up by `&str`.
impl Borrow<str> for DepartmentId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DepartmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_codes() {
        for code in ["11350100MB0123456X-001", "XK-0001", "建瓯 市场局", "a"] {
            assert_eq!(ItemCode::new(code).unwrap().as_str(), code);
            assert_eq!(DepartmentId::new(code).unwrap().as_str(), code);
        }
    }

    #[test]
    fn refuses_bad_codes_naming_the_fault() {
        let fault = |s: &str| match ItemCode::new(s).unwrap_err() {
            CatalogError::InvalidCode { kind: IdKind::ItemCode, value, fault } => {
                assert_eq!(value, s);
                fault
            }
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(
            ItemCode::new("").unwrap_err(),
            CatalogError::EmptyCode { kind: IdKind::ItemCode }
        );
        assert_eq!(fault("   "), CodeFault::Blank);
        assert_eq!(fault("\u{3000}"), CodeFault::Blank); // an ideographic space
        assert_eq!(fault("XK\t1"), CodeFault::ControlCharacter { character: '\t' });
        assert_eq!(fault("XK\u{0}"), CodeFault::ControlCharacter { character: '\0' });
        assert_eq!(fault(" XK"), CodeFault::SurroundingWhitespace);
        assert_eq!(fault("XK\u{3000}"), CodeFault::SurroundingWhitespace);
    }

    #[test]
    fn decoding_checks_like_building() {
        for bad in [r#""""#, r#""  ""#, r#""a\u0007""#, r#"" a""#] {
            let item = serde_json::from_str::<ItemCode>(bad).unwrap_err().to_string();
            let dept = serde_json::from_str::<DepartmentId>(bad).unwrap_err().to_string();
            assert!(item.starts_with("item code"), "{item}");
            assert!(dept.starts_with("department id"), "{dept}");
        }
        let code: ItemCode = serde_json::from_str(r#""XK-1""#).unwrap();
        assert_eq!(code, "XK-1".parse().unwrap());
        assert_eq!(ItemCode::try_from("XK-1".to_owned()).unwrap(), code);
    }

    #[test]
    fn borrows_as_str_with_the_same_order() {
        let mut codes: Vec<ItemCode> =
            ["b", "a", "B", "阿"].iter().map(|s| ItemCode::new(s).unwrap()).collect();
        codes.sort();
        let as_str: Vec<&str> = codes.iter().map(Borrow::<str>::borrow).collect();
        let mut sorted = as_str.clone();
        sorted.sort_unstable();
        assert_eq!(as_str, sorted);
    }
}
