//! A value read loosely from any self-describing format (JSON, YAML, TOML…),
//! to be decoded into a typed value afterwards.
//!
//! A catalog decodes each item in two steps: first every field as a
//! [`Loose`] value, which can't fail on a well-formed document, then each
//! field into its type. A failure in the second step is met with the whole
//! item in hand, so the error can name the item's code and the field, which
//! serde's own errors can't. The crate depends on no format at run time, so
//! this small value type stands in for `serde_json::Value`.

use std::fmt;

use serde::de::value::{Error, MapAccessDeserializer, MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};

/// A value of a self-describing format, kept as read.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Loose {
    Unit,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(String),
    Seq(Vec<Loose>),
    Map(Vec<(Loose, Loose)>),
}

impl Loose {
    /// What the value is, for messages: "a string", "a map"…
    pub(super) fn describe(&self) -> &'static str {
        match self {
            Loose::Unit => "null",
            Loose::Bool(_) => "a boolean",
            Loose::U64(_) | Loose::I64(_) => "an integer",
            Loose::F64(_) => "a number",
            Loose::Str(_) => "a string",
            Loose::Seq(_) => "a list",
            Loose::Map(_) => "a map",
        }
    }

    /// Decodes the value into `T`; the error is the decoder's message.
    pub(super) fn decode<T: de::DeserializeOwned>(self) -> Result<T, Error> {
        T::deserialize(self)
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Loose, D::Error> {
        deserializer.deserialize_any(LooseVisitor)
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Loose, E> {
        Ok(Loose::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Loose, E> {
        Ok(Loose::I64(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Loose, E> {
        Ok(Loose::U64(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Loose, E> {
        Ok(Loose::F64(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Loose, E> {
        Ok(Loose::Str(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Loose, E> {
        Ok(Loose::Str(v))
    }

    fn visit_unit<E>(self) -> Result<Loose, E> {
        Ok(Loose::Unit)
    }

    fn visit_none<E>(self) -> Result<Loose, E> {
        Ok(Loose::Unit)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Loose, D::Error> {
        deserializer.deserialize_any(LooseVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(value) = seq.next_element()? {
            values.push(value);
        }
        Ok(Loose::Seq(values))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Loose::Map(entries))
    }
}

impl<'de> IntoDeserializer<'de, Error> for Loose {
    type Deserializer = Loose;

    fn into_deserializer(self) -> Loose {
        self
    }
}

impl<'de> Deserializer<'de> for Loose {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Loose::Unit => visitor.visit_unit(),
            Loose::Bool(v) => visitor.visit_bool(v),
            Loose::U64(v) => visitor.visit_u64(v),
            Loose::I64(v) => visitor.visit_i64(v),
            Loose::F64(v) => visitor.visit_f64(v),
            Loose::Str(v) => visitor.visit_string(v),
            Loose::Seq(v) => {
                let mut seq = SeqDeserializer::new(v.into_iter());
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Loose::Map(v) => {
                let mut map = MapDeserializer::new(v.into_iter());
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Loose::Unit => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            // A unit variant, as `"expert_review"`.
            Loose::Str(variant) => visitor.visit_enum(variant.into_deserializer()),
            // Any other variant, as `{"variant": value}`.
            Loose::Map(entries) if entries.len() == 1 => visitor
                .visit_enum(MapAccessDeserializer::new(MapDeserializer::new(entries.into_iter()))),
            other => other.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde::Deserialize;

    use super::*;
    use crate::limit::{SpecialProcedure, SuspensionKind, TimeLimit};

    fn loose(json: &str) -> Loose {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reads_every_kind_of_value() {
        assert_eq!(
            loose(r#"[null, true, 1, -1, 1.5, "s", {"k": []}]"#),
            Loose::Seq(vec![
                Loose::Unit,
                Loose::Bool(true),
                Loose::U64(1),
                Loose::I64(-1),
                Loose::F64(1.5),
                Loose::Str("s".to_owned()),
                Loose::Map(vec![(Loose::Str("k".to_owned()), Loose::Seq(vec![]))]),
            ])
        );
    }

    #[test]
    fn decodes_typed_values_later() {
        let limit: TimeLimit = loose(r#"{"amount": 5, "unit": "working_days"}"#).decode().unwrap();
        assert_eq!(limit, TimeLimit::working_days(5));
        let set: BTreeSet<SpecialProcedure> =
            loose(r#"["hearing", "expert_review", "hearing"]"#).decode().unwrap();
        assert_eq!(set.len(), 2);
        let kind: SuspensionKind =
            loose(r#"{"kind": "special_procedure", "procedure": "testing"}"#).decode().unwrap();
        assert_eq!(kind, SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::Testing });
        let none: Option<u32> = loose("null").decode().unwrap();
        assert_eq!(none, None);
        let some: Option<u32> = loose("3").decode().unwrap();
        assert_eq!(some, Some(3));

        #[derive(Debug, PartialEq, Deserialize)]
        enum Shape {
            Square(u32),
        }
        assert_eq!(loose(r#"{"Square": 2}"#).decode::<Shape>().unwrap(), Shape::Square(2));
    }

    #[test]
    fn decoding_errors_read_like_serde_json() {
        let err = |json: &str| loose(json).decode::<TimeLimit>().unwrap_err().to_string();
        assert_eq!(
            err(r#"{"amount": -1, "unit": "working_days"}"#),
            "invalid value: integer `-1`, expected u32"
        );
        assert!(err(r#"{"amount": 1, "unit": "weeks"}"#).starts_with("unknown variant `weeks`"));
        assert!(err(r#"{"amount": 1, "unit": "working_days", "x": 0}"#)
            .starts_with("unknown field `x`"));
        assert_eq!(err(r#"{"amount": 1}"#), "missing field `unit`");
        assert_eq!(
            err(r#""20 days""#),
            r#"invalid type: string "20 days", expected struct TimeLimit"#
        );
        assert!(loose("1").decode::<Vec<u32>>().is_err());
        assert!(loose("[1, 2]").decode::<(u32,)>().is_err());
    }

    #[test]
    fn describes_values() {
        assert_eq!(loose(r#""x""#).describe(), "a string");
        assert_eq!(loose("[]").describe(), "a list");
        assert_eq!(loose("{}").describe(), "a map");
        assert_eq!(loose("null").describe(), "null");
        assert_eq!(loose("2").describe(), "an integer");
    }
}
