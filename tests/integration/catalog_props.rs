//! Catalog laws as proptest properties: the wire format round-trips, the
//! builder accepts exactly the items the rules allow, decoding checks like
//! building, compression stays in range, and order never matters.

use proptest::prelude::*;
use shenpi::catalog::{ApprovalItem, CaseKind, Catalog, CatalogError, DepartmentId, ItemCode};
use shenpi::limit::TimeLimit;

use crate::strategies::{approval_item, case_kind, catalog, distinct_items, item_code, time_limit};

/// `cases` cases, and no regression files written next to the sources.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// A promised limit for `statutory`: often the same amount or one either
/// side of it, in the same unit, otherwise any limit.
fn promised_for(statutory: TimeLimit) -> impl Strategy<Value = TimeLimit> {
    let near = (0u32..=2).prop_map(move |d| {
        TimeLimit::new((statutory.amount() + d).saturating_sub(1), statutory.unit())
    });
    prop_oneof![2 => near, 3 => time_limit()]
}

/// What the rules say of a promised and a statutory limit for a kind.
fn expected(kind: CaseKind, statutory: TimeLimit, promised: TimeLimit) -> Option<&'static str> {
    if promised.unit() != statutory.unit() {
        Some("unit")
    } else if promised.amount() > statutory.amount() {
        Some("exceeds")
    } else if kind == CaseKind::Instant && promised.amount() != 0 {
        Some("instant")
    } else {
        None
    }
}

/// The JSON of a catalog holding `items`, in that order.
fn catalog_json(items: &[serde_json::Value]) -> String {
    serde_json::to_string(&serde_json::json!({ "items": items })).unwrap()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn items_round_trip_through_json(item in approval_item()) {
        let json = serde_json::to_string(&item).unwrap();
        prop_assert_eq!(&serde_json::from_str::<ApprovalItem>(&json).unwrap(), &item);
        let pretty = serde_json::to_string_pretty(&item).unwrap();
        prop_assert_eq!(&serde_json::from_str::<ApprovalItem>(&pretty).unwrap(), &item);
        // Inside a catalog the item is read loosely, then field by field:
        // the same item comes out.
        let value = serde_json::to_value(&item).unwrap();
        let catalog: Catalog = serde_json::from_str(&catalog_json(&[value])).unwrap();
        prop_assert_eq!(catalog.get(item.code()), Some(&item));
        // Rebuilding from the item's own settings changes nothing.
        prop_assert_eq!(item.to_builder().build().unwrap(), item);
    }

    #[test]
    fn catalogs_round_trip_through_json(catalog in catalog(8)) {
        let json = serde_json::to_string_pretty(&catalog).unwrap();
        let back: Catalog = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &catalog);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let codes: Vec<&str> =
            value["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        prop_assert_eq!(codes, sorted);
    }

    #[test]
    fn order_of_the_items_never_matters(items in distinct_items(8)) {
        let forward = Catalog::new(items.clone()).unwrap();
        let backward = Catalog::new(items.iter().rev().cloned()).unwrap();
        prop_assert_eq!(&forward, &backward);
        prop_assert_eq!(forward.len(), items.len());
        let codes: Vec<&ItemCode> = forward.iter().map(ApprovalItem::code).collect();
        prop_assert!(codes.windows(2).all(|w| w[0] < w[1]));
        for item in &items {
            prop_assert_eq!(forward.get(item.code()), Some(item));
            prop_assert!(forward.departments().contains(item.department()));
        }
        // A second item with any code already used is refused, naming it.
        if let Some(first) = items.first() {
            let err = Catalog::new(items.iter().chain([first]).cloned()).unwrap_err();
            let named = matches!(&err, CatalogError::DuplicateCode { code, .. } if code == first.code());
            prop_assert!(named, "{:?}", err);
        }
    }

    #[test]
    fn build_succeeds_iff_the_rules_hold(
        code in item_code(),
        kind in case_kind(),
        (statutory, promised) in time_limit().prop_flat_map(|s| (Just(s), promised_for(s))),
    ) {
        let result = ApprovalItem::builder(code.clone(), "许可", DepartmentId::new("d").unwrap())
            .case_kind(kind)
            .statutory(statutory)
            .promised(promised)
            .build();
        match (expected(kind, statutory, promised), &result) {
            (None, Ok(item)) => {
                prop_assert_eq!(item.promised(), promised);
                prop_assert_eq!(item.extension(), kind.default_extension());
            }
            (Some("unit"), Err(CatalogError::UnitMismatch { .. }))
            | (Some("exceeds"), Err(CatalogError::PromisedExceedsStatutory { .. }))
            | (Some("instant"), Err(CatalogError::InstantNotSameDay { .. })) => {
                // Every refusal names the item and the promised limit.
                let message = result.as_ref().unwrap_err().to_string();
                let item_prefix = format!("item {code}: ");
                prop_assert!(message.starts_with(&item_prefix), "{}", message);
                prop_assert!(message.contains(&promised.to_string()), "{}", message);
            }
            (rule, other) => prop_assert!(false, "rule {:?} but {:?}", rule, other),
        }

        // Decoding the same fields, alone or in a catalog, decides the same.
        let value = serde_json::json!({
            "code": code, "name": "许可", "item_type": "administrative_licensing",
            "department": "d", "case_kind": kind, "statutory": statutory, "promised": promised,
        });
        let single = serde_json::from_value::<ApprovalItem>(value.clone());
        let listed = serde_json::from_str::<Catalog>(&catalog_json(&[value]));
        match &result {
            Ok(item) => {
                prop_assert_eq!(single.as_ref().ok(), Some(item));
                let listed = listed.unwrap();
                prop_assert_eq!(listed.get(&code), Some(item));
            }
            Err(err) => {
                let message = err.to_string();
                prop_assert!(single.unwrap_err().to_string().starts_with(&message));
                let listed = listed.unwrap_err().to_string();
                let wrapped = format!("items[0]: {message}");
                prop_assert!(listed.starts_with(&wrapped), "{}", listed);
            }
        }
    }

    #[test]
    fn compression_is_in_range_when_defined(item in approval_item()) {
        let statutory = item.statutory();
        match item.compression() {
            Some(c) => {
                prop_assert!((0.0..=1.0).contains(&c), "{}", c);
                let promised = f64::from(item.promised().amount());
                prop_assert!((c - (1.0 - promised / f64::from(statutory.amount()))).abs() < 1e-12);
            }
            None => prop_assert_eq!(statutory.amount(), 0),
        }
        let comparable = item
            .reference()
            .is_some_and(|r| r.unit() == item.promised().unit() && r.amount() > 0);
        match item.compression_against_reference() {
            Some(c) => {
                prop_assert!(comparable);
                prop_assert!(c <= 1.0, "{}", c);
            }
            None => prop_assert!(!comparable),
        }
    }

    #[test]
    fn a_bad_item_is_named_by_position_and_code(
        catalog in catalog(6),
        item in approval_item(),
        at in any::<prop::sample::Index>(),
    ) {
        prop_assume!(!catalog.contains(item.code()));
        let mut items: Vec<serde_json::Value> =
            catalog.iter().map(|i| serde_json::to_value(i).unwrap()).collect();
        let index = at.index(items.len() + 1);
        // Promise one more than the law allows.
        let mut bad = serde_json::to_value(&item).unwrap();
        bad["promised"]["amount"] = (item.statutory().amount() + 1).into();
        bad["promised"]["unit"] = serde_json::to_value(item.statutory().unit()).unwrap();
        items.insert(index, bad);
        let err = serde_json::from_str::<Catalog>(&catalog_json(&items)).unwrap_err().to_string();
        let expected = format!(
            "items[{index}]: item {}: promised limit {} exceeds statutory limit {}",
            item.code(),
            TimeLimit::new(item.statutory().amount() + 1, item.statutory().unit()),
            item.statutory(),
        );
        prop_assert!(err.starts_with(&expected), "{}\n{}", err, expected);
    }
}
