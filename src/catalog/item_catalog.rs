use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use super::approval_item::RawItem;
use super::loose::Loose;
use super::{ApprovalItem, CatalogError, DepartmentId, ItemCode, ItemField};

/// A validated set of approval items (事项目录), one per item code, kept in
/// code order.
///
/// In JSON: `{"items": [ … ]}`, each item in the form of [`ApprovalItem`].
/// Decoding checks every item as [`ApprovalItemBuilder::build`] does and
/// refuses a code used twice. An error names the item's position in the
/// list and, once it could be read, its code and the field at fault:
///
/// ```text
/// items[6]: item 11350100MB0123456X-007: promised limit 25 working days exceeds statutory limit 20 working days
/// items[2]: item XK-0003: field `item_type`: unknown variant `licensing`, expected one of …
/// items[4]: item XK-0005: unknown field `promise`, expected one of `code`, `name`, …
/// ```
///
/// Those messages need a self-describing format such as JSON, which is
/// read loosely first; from a binary format (one that is not
/// human-readable) items decode strictly, with serde's own messages.
///
/// [`ApprovalItemBuilder::build`]: super::ApprovalItemBuilder::build
///
/// # Example
///
/// ```
/// use shenpi::catalog::{ApprovalItem, Catalog, DepartmentId, ItemCode};
/// use shenpi::limit::TimeLimit;
///
/// let planning = ApprovalItem::builder(
///     ItemCode::new("11350100MB0123456X-002")?,
///     "建设工程规划许可证核发",
///     DepartmentId::new("建瓯市自然资源局")?,
/// )
/// .promised(TimeLimit::working_days(5))
/// .build()?;
/// let catalog = Catalog::new([planning])?;
/// let item = catalog.get("11350100MB0123456X-002").unwrap();
/// assert_eq!(item.promised(), TimeLimit::working_days(5));
///
/// let json = serde_json::to_string(&catalog)?;
/// assert_eq!(serde_json::from_str::<Catalog>(&json)?, catalog);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Catalog {
    items: BTreeMap<ItemCode, ApprovalItem>,
}

impl Catalog {
    /// A catalog of the given items, in any order.
    ///
    /// # Errors
    ///
    /// [`CatalogError::DuplicateCode`] when two items have the same code.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, Catalog, CatalogError, DepartmentId, ItemCode};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0001")?, "食品经营许可", DepartmentId::new("市场局")?)
    ///     .build()?;
    /// let err = Catalog::new([item.clone(), item]).unwrap_err();
    /// assert_eq!(err.to_string(), "duplicate item code XK-0001");
    /// # Ok::<(), CatalogError>(())
    /// ```
    pub fn new<I>(items: I) -> Result<Catalog, CatalogError>
    where
        I: IntoIterator<Item = ApprovalItem>,
    {
        let mut catalog = Catalog::default();
        for item in items {
            catalog.insert(item)?;
        }
        Ok(catalog)
    }

    /// Adds an item.
    ///
    /// # Errors
    ///
    /// [`CatalogError::DuplicateCode`] when the catalog already has an item
    /// with the same code; the catalog is left unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, Catalog, DepartmentId, ItemCode};
    ///
    /// let mut catalog = Catalog::default();
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0001")?, "食品经营许可", DepartmentId::new("市场局")?)
    ///     .build()?;
    /// catalog.insert(item.clone())?;
    /// assert!(catalog.insert(item).is_err());
    /// assert_eq!(catalog.len(), 1);
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn insert(&mut self, item: ApprovalItem) -> Result<(), CatalogError> {
        if self.items.contains_key(item.code()) {
            return Err(CatalogError::DuplicateCode { code: item.code().clone() });
        }
        self.items.insert(item.code().clone(), item);
        Ok(())
    }

    /// Removes the item with this code and returns it, if there is one.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, Catalog, DepartmentId, ItemCode};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0001")?, "食品经营许可", DepartmentId::new("市场局")?)
    ///     .build()?;
    /// let mut catalog = Catalog::new([item.clone()])?;
    /// assert_eq!(catalog.remove("XK-0001"), Some(item));
    /// assert!(catalog.is_empty());
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn remove<Q>(&mut self, code: &Q) -> Option<ApprovalItem>
    where
        ItemCode: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.items.remove(code)
    }

    /// The item with this code, looked up by `&str` or by [`ItemCode`].
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, Catalog, DepartmentId, ItemCode};
    ///
    /// let code = ItemCode::new("XK-0001")?;
    /// let item = ApprovalItem::builder(code.clone(), "食品经营许可", DepartmentId::new("市场局")?)
    ///     .build()?;
    /// let catalog = Catalog::new([item])?;
    /// assert_eq!(catalog.get("XK-0001").map(|i| i.name()), Some("食品经营许可"));
    /// assert!(catalog.get(&code).is_some());
    /// assert!(catalog.get("XK-9999").is_none());
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn get<Q>(&self, code: &Q) -> Option<&ApprovalItem>
    where
        ItemCode: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.items.get(code)
    }

    /// Whether the catalog has an item with this code.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::Catalog;
    ///
    /// assert!(!Catalog::default().contains("XK-0001"));
    /// ```
    pub fn contains<Q>(&self, code: &Q) -> bool
    where
        ItemCode: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.items.contains_key(code)
    }

    /// The items, in order of their codes.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, Catalog, DepartmentId, ItemCode};
    ///
    /// let dept = DepartmentId::new("市场局")?;
    /// let item = |code: &str| -> Result<ApprovalItem, shenpi::catalog::CatalogError> {
    ///     ApprovalItem::builder(ItemCode::new(code)?, "许可", dept.clone()).build()
    /// };
    /// let catalog = Catalog::new([item("XK-0002")?, item("XK-0001")?])?;
    /// let codes: Vec<&str> = catalog.iter().map(|i| i.code().as_str()).collect();
    /// assert_eq!(codes, ["XK-0001", "XK-0002"]);
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &ApprovalItem> + DoubleEndedIterator + '_ {
        self.items.values()
    }

    /// The number of items.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::Catalog;
    ///
    /// assert_eq!(Catalog::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the catalog has no items.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::Catalog;
    ///
    /// assert!(Catalog::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The departments that handle the items, each once, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, Catalog, DepartmentId, ItemCode};
    ///
    /// let item = |code: &str, dept: &str| -> Result<ApprovalItem, shenpi::catalog::CatalogError> {
    ///     ApprovalItem::builder(ItemCode::new(code)?, "许可", DepartmentId::new(dept)?).build()
    /// };
    /// let catalog = Catalog::new([
    ///     item("XK-0001", "market")?,
    ///     item("XK-0002", "housing")?,
    ///     item("XK-0003", "market")?,
    /// ])?;
    /// let depts: Vec<&str> = catalog.departments().into_iter().map(|d| d.as_str()).collect();
    /// assert_eq!(depts, ["housing", "market"]);
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn departments(&self) -> BTreeSet<&DepartmentId> {
        self.items.values().map(ApprovalItem::department).collect()
    }

    /// The items a department handles, in order of their codes.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, Catalog, DepartmentId, ItemCode};
    ///
    /// let item = |code: &str, dept: &str| -> Result<ApprovalItem, shenpi::catalog::CatalogError> {
    ///     ApprovalItem::builder(ItemCode::new(code)?, "许可", DepartmentId::new(dept)?).build()
    /// };
    /// let catalog = Catalog::new([item("XK-0001", "market")?, item("XK-0002", "housing")?])?;
    /// assert_eq!(catalog.of_department("market").count(), 1);
    /// assert_eq!(catalog.of_department("police").count(), 0);
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn of_department<'a, Q>(
        &'a self,
        department: &'a Q,
    ) -> impl DoubleEndedIterator<Item = &'a ApprovalItem> + 'a
    where
        DepartmentId: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        self.items.values().filter(move |item| item.department().borrow() == department)
    }

    /// A catalog decoded item by item from loosely read items, each error
    /// wrapped with the item's position.
    fn from_loose(items: Vec<Loose>) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::default();
        for (index, item) in items.into_iter().enumerate() {
            decode_item(item)
                .and_then(|item| catalog.insert(item))
                .map_err(|error| CatalogError::InItem { index, error: Box::new(error) })?;
        }
        Ok(catalog)
    }

    /// A catalog of strictly decoded items, a duplicate code wrapped with
    /// the item's position.
    fn from_indexed(items: Vec<ApprovalItem>) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::default();
        for (index, item) in items.into_iter().enumerate() {
            catalog
                .insert(item)
                .map_err(|error| CatalogError::InItem { index, error: Box::new(error) })?;
        }
        Ok(catalog)
    }
}

impl<'a> IntoIterator for &'a Catalog {
    type Item = &'a ApprovalItem;
    type IntoIter = std::collections::btree_map::Values<'a, ItemCode, ApprovalItem>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.values()
    }
}

/// Decodes one loosely read item: the code first, so that every later
/// error can name it, then each field, then the item's own checks.
fn decode_item(item: Loose) -> Result<ApprovalItem, CatalogError> {
    let entries = match item {
        Loose::Map(entries) => entries,
        other => return Err(CatalogError::NotAnItem { found: other.describe() }),
    };
    let code = entries.iter().find_map(|(key, value)| match (key, value) {
        (Loose::Str(key), Loose::Str(value)) if key == "code" => ItemCode::new(value).ok(),
        _ => None,
    });
    let mut fields = BTreeMap::new();
    for (key, value) in entries {
        let field = match &key {
            Loose::Str(name) => ItemField::from_name(name),
            _ => None,
        };
        let Some(field) = field else {
            let field = match key {
                Loose::Str(name) => name,
                other => format!("{other:?}"),
            };
            return Err(CatalogError::UnknownField { code, field });
        };
        if fields.insert(field, value).is_some() {
            return Err(CatalogError::DuplicateField { code, field });
        }
    }
    let mut fields = Fields { code, fields };
    let raw = RawItem {
        code: fields.required(ItemField::Code)?,
        name: fields.required(ItemField::Name)?,
        item_type: fields.required(ItemField::ItemType)?,
        department: fields.required(ItemField::Department)?,
        case_kind: fields.required(ItemField::CaseKind)?,
        statutory: fields.required(ItemField::Statutory)?,
        promised: fields.required(ItemField::Promised)?,
        reference: fields.optional(ItemField::Reference)?.flatten(),
        special_procedures: fields.optional(ItemField::SpecialProcedures)?.unwrap_or_default(),
        extension: fields.optional(ItemField::Extension)?.flatten(),
        delivery: fields.optional(ItemField::Delivery)?.flatten(),
    };
    ApprovalItem::try_from(raw)
}

/// The fields of one item, read loosely, and its code if it could be read.
struct Fields {
    code: Option<ItemCode>,
    fields: BTreeMap<ItemField, Loose>,
}

impl Fields {
    fn required<T: DeserializeOwned>(&mut self, field: ItemField) -> Result<T, CatalogError> {
        match self.optional(field)? {
            Some(value) => Ok(value),
            None => Err(CatalogError::MissingField { code: self.code.clone(), field }),
        }
    }

    fn optional<T: DeserializeOwned>(
        &mut self,
        field: ItemField,
    ) -> Result<Option<T>, CatalogError> {
        let Some(value) = self.fields.remove(&field) else {
            return Ok(None);
        };
        value.decode().map(Some).map_err(|e| CatalogError::InvalidField {
            code: self.code.clone(),
            field,
            reason: e.to_string(),
        })
    }
}

/// The JSON form, read loosely.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LooseCatalog {
    items: Vec<Loose>,
}

/// The JSON form, read strictly (for formats that are not self-describing).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrictCatalog {
    items: Vec<ApprovalItem>,
}

impl Serialize for Catalog {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Items<'a>(&'a BTreeMap<ItemCode, ApprovalItem>);

        impl Serialize for Items<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.values())
            }
        }

        #[derive(Serialize)]
        struct Form<'a> {
            items: Items<'a>,
        }

        Form { items: Items(&self.items) }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Catalog {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Catalog, D::Error> {
        if deserializer.is_human_readable() {
            let form = LooseCatalog::deserialize(deserializer)?;
            Catalog::from_loose(form.items).map_err(de::Error::custom)
        } else {
            let form = StrictCatalog::deserialize(deserializer)?;
            Catalog::from_indexed(form.items).map_err(de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::de::Visitor;

    use super::*;
    use crate::catalog::{CaseKind, ItemType};
    use crate::limit::{SpecialProcedure, TimeLimit};

    fn item(code: &str, dept: &str) -> ApprovalItem {
        ApprovalItem::builder(
            ItemCode::new(code).unwrap(),
            "许可",
            DepartmentId::new(dept).unwrap(),
        )
        .build()
        .unwrap()
    }

    fn item_json(code: &str, extra: &str) -> String {
        format!(
            r#"{{"code": "{code}", "name": "食品经营许可", "item_type": "administrative_licensing",
                "department": "市场局", "case_kind": "promised",
                "statutory": {{"amount": 20, "unit": "working_days"}},
                "promised": {{"amount": 7, "unit": "working_days"}}{extra}}}"#
        )
    }

    fn decode_err(items: &[String]) -> String {
        let json = format!(r#"{{"items": [{}]}}"#, items.join(","));
        serde_json::from_str::<Catalog>(&json).unwrap_err().to_string()
    }

    #[test]
    fn lookups_and_order() {
        let catalog = Catalog::new([item("B", "d2"), item("A", "d1"), item("C", "d2")]).unwrap();
        assert_eq!(catalog.len(), 3);
        assert!(catalog.contains("A"));
        assert!(catalog.contains(&ItemCode::new("B").unwrap()));
        let codes: Vec<&str> = catalog.iter().rev().map(|i| i.code().as_str()).collect();
        assert_eq!(codes, ["C", "B", "A"]);
        assert_eq!((&catalog).into_iter().count(), 3);
        assert_eq!(catalog.departments().len(), 2);
        let d2: Vec<&str> = catalog.of_department("d2").map(|i| i.code().as_str()).collect();
        assert_eq!(d2, ["B", "C"]);
        let d1 = DepartmentId::new("d1").unwrap();
        assert_eq!(catalog.of_department(&d1).count(), 1);
    }

    #[test]
    fn insert_refuses_duplicates_and_leaves_the_catalog_alone() {
        let mut catalog = Catalog::new([item("A", "d1")]).unwrap();
        let other = item("A", "d2");
        assert_eq!(
            catalog.insert(other).unwrap_err(),
            CatalogError::DuplicateCode { code: ItemCode::new("A").unwrap() }
        );
        assert_eq!(catalog.get("A").unwrap().department().as_str(), "d1");
        assert!(catalog.remove("A").is_some());
        assert!(catalog.remove("A").is_none());
    }

    #[test]
    fn json_form_is_a_list_of_items_in_code_order() {
        let catalog = Catalog::new([item("B", "d"), item("A", "d")]).unwrap();
        let value = serde_json::to_value(&catalog).unwrap();
        assert_eq!(value["items"][0]["code"], "A");
        assert_eq!(value["items"][1]["code"], "B");
        assert_eq!(serde_json::from_value::<Catalog>(value).unwrap(), catalog);
        let empty: Catalog = serde_json::from_str(r#"{"items": []}"#).unwrap();
        assert!(empty.is_empty());
    }

    #[test]
    fn loose_decoding_matches_strict_decoding() {
        let full = item_json(
            "XK-1",
            r#", "reference": null, "special_procedures": ["inspection"],
               "extension": {"amount": 5, "unit": "working_days"}"#,
        );
        let strict: ApprovalItem = serde_json::from_str(&full).unwrap();
        let json = format!(r#"{{"items": [{full}]}}"#);
        let catalog: Catalog = serde_json::from_str(&json).unwrap();
        assert_eq!(catalog.get("XK-1"), Some(&strict));
        assert!(strict.allows(SpecialProcedure::Inspection));
        assert_eq!(strict.extension(), TimeLimit::working_days(5));

        let minimal = item_json("XK-2", "");
        let strict: ApprovalItem = serde_json::from_str(&minimal).unwrap();
        let json = format!(r#"{{"items": [{minimal}]}}"#);
        let catalog: Catalog = serde_json::from_str(&json).unwrap();
        assert_eq!(catalog.get("XK-2"), Some(&strict));
        assert_eq!(strict.case_kind(), CaseKind::Promised);
        assert_eq!(strict.item_type(), ItemType::AdministrativeLicensing);
    }

    #[test]
    fn decoding_errors_name_position_code_and_field() {
        let ok = item_json("XK-1", "");
        let cases = [
            (
                item_json("XK-2", r#", "colour": "red""#),
                "items[1]: item XK-2: unknown field `colour`, expected one of `code`, `name`",
            ),
            (
                item_json("XK-2", "").replace("administrative_licensing", "licensing"),
                "items[1]: item XK-2: field `item_type`: unknown variant `licensing`, expected \
                 one of `administrative_licensing`",
            ),
            (
                item_json("XK-2", "").replace(r#""amount": 7"#, r#""amount": -7"#),
                "items[1]: item XK-2: field `promised`: invalid value: integer `-7`, expected u32",
            ),
            (
                item_json("XK-2", r#", "special_procedures": ["review"]"#),
                "items[1]: item XK-2: field `special_procedures`: unknown variant `review`",
            ),
            (
                item_json("XK-2", "").replace(r#""department": "市场局","#, ""),
                "items[1]: item XK-2: missing field `department`",
            ),
            (
                item_json("XK-2", r#", "name": "again""#),
                "items[1]: item XK-2: duplicate field `name`",
            ),
            (
                item_json("XK-2", "").replace(r#""department": "市场局""#, r#""department": """#),
                "items[1]: item XK-2: field `department`: department id is empty",
            ),
            (item_json("", ""), r#"items[1]: field `code`: item code is empty"#),
            (
                item_json("XK-2", "").replace(r#""code": "XK-2","#, ""),
                "items[1]: missing field `code`",
            ),
            (
                r#""XK-2""#.to_owned(),
                "items[1]: expected an item (a map of fields), found a string",
            ),
            (item_json("XK-1", ""), "items[1]: duplicate item code XK-1"),
            (
                item_json("XK-2", "").replace(r#""amount": 7"#, r#""amount": 25"#),
                "items[1]: item XK-2: promised limit 25 working days exceeds statutory limit 20 \
                 working days",
            ),
        ];
        for (bad, message) in cases {
            let err = decode_err(&[ok.clone(), bad]);
            assert!(err.starts_with(message), "expected {message:?}\n     got {err:?}");
        }
        let err = serde_json::from_str::<Catalog>(r#"{"items": [], "extra": 1}"#).unwrap_err();
        assert!(err.to_string().starts_with("unknown field `extra`, expected `items`"), "{err}");
    }

    /// A JSON deserializer that says it is not human-readable, to reach the
    /// strict path a binary format takes.
    struct Binary<'b, 'de>(&'b mut serde_json::Deserializer<serde_json::de::StrRead<'de>>);

    impl<'de> Deserializer<'de> for Binary<'_, 'de> {
        type Error = serde_json::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.deserialize_any(visitor)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.deserialize_struct(name, fields, visitor)
        }

        fn is_human_readable(&self) -> bool {
            false
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    #[test]
    fn binary_formats_decode_strictly() {
        let catalog = Catalog::new([item("A", "d"), item("B", "d")]).unwrap();
        let json = serde_json::to_string(&catalog).unwrap();
        let mut de = serde_json::Deserializer::from_str(&json);
        assert_eq!(Catalog::deserialize(Binary(&mut de)).unwrap(), catalog);

        let twice = format!(r#"{{"items": [{0}, {0}]}}"#, item_json("XK-1", ""));
        let mut de = serde_json::Deserializer::from_str(&twice);
        let err = Catalog::deserialize(Binary(&mut de)).unwrap_err();
        assert_eq!(err.to_string(), "items[1]: duplicate item code XK-1");

        // Serde's own message, without the position: the strict path.
        let bad = item_json("XK-1", "").replace("administrative_licensing", "licensing");
        let json = format!(r#"{{"items": [{bad}]}}"#);
        let mut de = serde_json::Deserializer::from_str(&json);
        let err = Catalog::deserialize(Binary(&mut de)).unwrap_err().to_string();
        assert!(err.starts_with("unknown variant `licensing`"), "{err}");
        // The loose path names the item and the field.
        let err = serde_json::from_str::<Catalog>(&json).unwrap_err().to_string();
        assert!(
            err.starts_with("items[0]: item XK-1: field `item_type`: unknown variant"),
            "{err}"
        );
    }
}
