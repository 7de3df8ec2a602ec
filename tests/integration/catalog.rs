//! Catalog tests: a county service centre's items, lookups, compression,
//! defaults, the wire format and bad input.

use shenpi::catalog::{
    ApprovalItem, CaseKind, Catalog, CatalogError, DepartmentId, ItemCode, ItemField, ItemType,
};
use shenpi::limit::{LimitUnit, SpecialProcedure, TimeLimit};

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn code(n: u32) -> ItemCode {
    ItemCode::new(&format!("11350100MB0123456X-{n:03}")).unwrap()
}

fn dept(name: &str) -> DepartmentId {
    DepartmentId::new(name).unwrap()
}

/// An enterprise investment project filing (企业投资项目备案), promised in 1
/// working day of the 5 allowed, against a provincial 3.
fn filing() -> ApprovalItem {
    ApprovalItem::builder(code(1), "企业投资项目备案", dept("建瓯市发展和改革局"))
        .item_type(ItemType::OtherAdministrativePower)
        .statutory(TimeLimit::working_days(5))
        .promised(TimeLimit::working_days(1))
        .reference(TimeLimit::working_days(3))
        .build()
        .unwrap()
}

/// A construction-project planning permit (建设工程规划许可证核发), handled
/// jointly in parallel approval: 20 working days by law, 5 promised, the
/// province's 10 as reference; hearings and expert reviews allowed.
fn planning() -> ApprovalItem {
    ApprovalItem::builder(code(2), "建设工程规划许可证核发", dept("建瓯市自然资源局"))
        .case_kind(CaseKind::Joint)
        .statutory(TimeLimit::working_days(20))
        .promised(TimeLimit::working_days(5))
        .reference(TimeLimit::working_days(10))
        .special_procedures([SpecialProcedure::ExpertReview, SpecialProcedure::Hearing])
        .build()
        .unwrap()
}

/// A food business licence (食品经营许可): 20 working days by law, 7
/// promised, with an on-site inspection allowed.
fn food() -> ApprovalItem {
    ApprovalItem::builder(code(3), "食品经营许可", dept("建瓯市市场监督管理局"))
        .statutory(TimeLimit::working_days(20))
        .promised(TimeLimit::working_days(7))
        .special_procedure(SpecialProcedure::Inspection)
        .build()
        .unwrap()
}

/// Residence registration (居住登记), decided on the spot; its statutory
/// limit counts natural days.
fn residence() -> ApprovalItem {
    ApprovalItem::builder(code(4), "居住登记", dept("建瓯市公安局"))
        .item_type(ItemType::AdministrativeConfirmation)
        .case_kind(CaseKind::Instant)
        .statutory(TimeLimit::natural_days(15))
        .build()
        .unwrap()
}

fn county() -> Catalog {
    // Given out of order: the catalog keeps code order.
    Catalog::new([residence(), planning(), filing(), food()]).unwrap()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

#[test]
fn lookups() {
    let catalog = county();
    assert_eq!(catalog.len(), 4);
    assert!(!catalog.is_empty());
    assert_eq!(catalog.get("11350100MB0123456X-003"), Some(&food()));
    assert_eq!(catalog.get(&code(2)), Some(&planning()));
    assert_eq!(catalog.get("11350100MB0123456X-005"), None);
    assert!(catalog.contains(&code(4)));
    let codes: Vec<ItemCode> = catalog.iter().map(|i| i.code().clone()).collect();
    assert_eq!(codes, [code(1), code(2), code(3), code(4)]);

    let departments: Vec<&str> = catalog.departments().into_iter().map(|d| d.as_str()).collect();
    let mut expected =
        vec!["建瓯市发展和改革局", "建瓯市自然资源局", "建瓯市市场监督管理局", "建瓯市公安局"];
    expected.sort_unstable();
    assert_eq!(departments, expected);

    let police: Vec<&ApprovalItem> = catalog.of_department("建瓯市公安局").collect();
    assert_eq!(police, [&residence()]);
    let inspected: Vec<&str> = catalog
        .iter()
        .filter(|i| i.allows(SpecialProcedure::Inspection))
        .map(ApprovalItem::name)
        .collect();
    assert_eq!(inspected, ["食品经营许可"]);
    let licensing = catalog.iter().filter(|i| i.item_type().code() == "01").count();
    assert_eq!(licensing, 2);
}

#[test]
fn compression() {
    // 1 − promised / statutory.
    assert!(close(filing().compression(), 0.8));
    assert!(close(planning().compression(), 0.75));
    assert!(close(food().compression(), 0.65));
    assert!(close(residence().compression(), 1.0));
    // Against the province: the planning permit promises half of its 10.
    assert!(close(planning().compression_against_reference(), 0.5));
    assert!(close(filing().compression_against_reference(), 2.0 / 3.0));
    assert_eq!(food().compression_against_reference(), None);
    assert_eq!(residence().compression_against_reference(), None);

    // The story's measure: the share of items promised at least 50% faster
    // than the law.
    let fast = county().iter().filter(|i| i.compression().is_some_and(|c| c >= 0.5)).count();
    assert_eq!(fast, 4);
}

#[test]
fn defaults() {
    // Joint handling gets 15 working days of extension, the rest 10
    // (行政许可法 art. 42).
    assert_eq!(planning().extension(), TimeLimit::working_days(15));
    assert_eq!(planning().extension_working_days(), 15);
    for item in [filing(), food(), residence()] {
        assert_eq!(item.extension(), TimeLimit::working_days(10), "{}", item.code());
    }
    // Unset: administrative licensing, promised kind, 20 working days
    // promised in full, no reference, no special procedures.
    let bare = ApprovalItem::builder(code(9), "某项许可", dept("某局")).build().unwrap();
    assert_eq!(bare.item_type(), ItemType::AdministrativeLicensing);
    assert_eq!(bare.case_kind(), CaseKind::Promised);
    assert_eq!(bare.statutory(), TimeLimit::working_days(20));
    assert_eq!(bare.promised(), bare.statutory());
    assert_eq!(bare.reference(), None);
    assert!(bare.special_procedures().is_empty());
    assert_eq!(bare.extension(), TimeLimit::working_days(10));
    // An instant item promises the same day, in the statutory unit.
    assert_eq!(residence().promised(), TimeLimit::natural_days(0));
    // An explicit extension wins over the case kind's.
    let joint = planning().to_builder().extension(TimeLimit::working_days(20)).build().unwrap();
    assert_eq!(joint.extension_working_days(), 20);
}

#[test]
fn builder_rules() {
    let err = food().to_builder().promised(TimeLimit::working_days(25)).build().unwrap_err();
    assert!(
        matches!(
            &err,
            CatalogError::PromisedExceedsStatutory { code: c, promised, statutory, .. }
                if *c == code(3)
                    && *promised == TimeLimit::working_days(25)
                    && *statutory == TimeLimit::working_days(20)
        ),
        "{err:?}"
    );
    let err = residence().to_builder().statutory(TimeLimit::working_days(1)).build().unwrap_err();
    assert!(
        matches!(err, CatalogError::UnitMismatch { field: ItemField::Promised, .. }),
        "{err:?}"
    );
    let err = residence().to_builder().promised(TimeLimit::natural_days(1)).build().unwrap_err();
    assert!(matches!(err, CatalogError::InstantNotSameDay { .. }), "{err:?}");
    // Joint and reported-up items may promise anything up to the law.
    let up = food().to_builder().case_kind(CaseKind::ReportedUp).build().unwrap();
    assert_eq!(up.promised().unit(), LimitUnit::WorkingDays);
}

#[test]
fn errors_convert_into_the_umbrella() {
    fn load() -> shenpi::Result<Catalog> {
        let item = ApprovalItem::builder(ItemCode::new("XK-1")?, "许可", DepartmentId::new("d")?)
            .build()?;
        Ok(Catalog::new([item.clone(), item])?)
    }
    let err = load().unwrap_err();
    assert!(matches!(err, shenpi::Error::Catalog(CatalogError::DuplicateCode { .. })), "{err:?}");
    assert_eq!(err.to_string(), "duplicate item code XK-1");
}

// The wire format is pinned: a renamed field fails here.
#[test]
fn golden_json_catalog() {
    let fixture = data("golden/catalog.json");
    let json = serde_json::to_string_pretty(&county()).unwrap();
    assert_eq!(json.trim_end(), fixture.trim_end());
    let decoded: Catalog = serde_json::from_str(&fixture).unwrap();
    assert_eq!(decoded, county());
}

#[test]
fn golden_json_approval_item() {
    let fixture = data("golden/approval_item.json");
    let json = serde_json::to_string_pretty(&planning()).unwrap();
    assert_eq!(json.trim_end(), fixture.trim_end());
    assert_eq!(serde_json::from_str::<ApprovalItem>(&fixture).unwrap(), planning());
}

// Each invalid fixture is the county catalog with one fault; the message
// names the item's position, its code and the field or value at fault.
#[test]
fn invalid_catalogs_are_refused_naming_item_and_field() {
    let cases = [
        (
            "invalid/catalog_promised_exceeds_statutory.json",
            "items[2]: item 11350100MB0123456X-003: promised limit 25 working days exceeds \
             statutory limit 20 working days",
        ),
        ("invalid/catalog_duplicate_code.json", "items[4]: duplicate item code 11350100MB0123456X-003"),
        (
            "invalid/catalog_instant_not_same_day.json",
            "items[3]: item 11350100MB0123456X-004: an instant item (即办件) must promise the same \
             day, not 1 natural days",
        ),
        (
            "invalid/catalog_unit_mismatch.json",
            "items[1]: item 11350100MB0123456X-002: promised limit 7 natural days and statutory \
             limit 20 working days are in different units, which can't be compared without a \
             calendar",
        ),
        (
            "invalid/catalog_unknown_field.json",
            "items[2]: item 11350100MB0123456X-003: unknown field `promise_days`, expected one \
             of `code`, `name`, `item_type`, `department`, `case_kind`, `statutory`, `promised`, \
             `reference`, `special_procedures`, `extension`",
        ),
        ("invalid/catalog_empty_name.json", "items[0]: item 11350100MB0123456X-001: name is empty"),
        (
            "invalid/catalog_bad_item_type.json",
            "items[1]: item 11350100MB0123456X-002: field `item_type`: unknown variant `行政许可`, \
             expected one of `administrative_licensing`, `administrative_penalty`",
        ),
    ];
    for (file, message) in cases {
        let err = serde_json::from_str::<Catalog>(&data(file)).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with(message), "{file}:\n expected {message}\n      got {text}");
    }
}

// Fixing the fault gives back the county catalog.
#[test]
fn the_invalid_fixtures_differ_from_the_golden_one_by_one_fault() {
    let golden: serde_json::Value = serde_json::from_str(&data("golden/catalog.json")).unwrap();
    let fixed = |file: &str, fix: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(&data(file)).unwrap();
        fix(&mut v);
        assert_eq!(v, golden, "{file}");
    };
    fixed("invalid/catalog_promised_exceeds_statutory.json", &|v| {
        v["items"][2]["promised"]["amount"] = 7.into();
    });
    fixed("invalid/catalog_duplicate_code.json", &|v| {
        v["items"].as_array_mut().unwrap().pop();
    });
    fixed("invalid/catalog_instant_not_same_day.json", &|v| {
        v["items"][3]["promised"]["amount"] = 0.into();
    });
    fixed("invalid/catalog_unit_mismatch.json", &|v| {
        v["items"][1]["promised"] = serde_json::json!({"amount": 5, "unit": "working_days"});
    });
    fixed("invalid/catalog_unknown_field.json", &|v| {
        v["items"][2].as_object_mut().unwrap().remove("promise_days");
    });
    fixed("invalid/catalog_empty_name.json", &|v| {
        v["items"][0]["name"] = "企业投资项目备案".into();
    });
    fixed("invalid/catalog_bad_item_type.json", &|v| {
        v["items"][1]["item_type"] = "administrative_licensing".into();
    });
}

#[test]
fn item_types_of_the_standard() {
    let codes: Vec<&str> = ItemType::ALL.iter().map(ItemType::code).collect();
    assert_eq!(codes, ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20"]);
    assert_eq!(ItemType::from_code("07"), Some(ItemType::AdministrativeConfirmation));
    assert_eq!(ItemType::from_code("20").map(|t| t.name_zh()), Some("公共服务"));
    assert_eq!(CaseKind::Joint.name_zh(), "联办件");
}

#[test]
fn catalog_types_are_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Catalog>();
    assert_send_sync::<ApprovalItem>();
    assert_send_sync::<CatalogError>();
    assert_send_sync::<ItemCode>();
    assert_send_sync::<DepartmentId>();
}
