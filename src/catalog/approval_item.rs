use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::limit::{LimitUnit, SpecialProcedure, TimeLimit};

use super::{CaseKind, CatalogError, DepartmentId, ItemCode, ItemField, ItemType};

/// An approval item (事项): what a service centre's window handles, with
/// its legal and promised time limits.
///
/// An item is valid by construction, built with [`ApprovalItem::builder`]
/// or decoded from JSON through the same checks:
///
/// - the name is not blank;
/// - the promised limit (承诺时限) is in the unit of the statutory limit
///   (法定时限) and not longer: working days and natural days can't be
///   compared without a calendar;
/// - an [instant](CaseKind::Instant) item promises the same day (zero);
/// - the extension allowance is in working days.
///
/// A reference limit (such as the province's limit for the same item) is
/// only recorded; [`compression_against_reference`](Self::compression_against_reference)
/// compares with it.
///
/// In JSON:
///
/// ```json
/// {
///   "code": "11350100MB0123456X-002",
///   "name": "建设工程规划许可证核发",
///   "item_type": "administrative_licensing",
///   "department": "建瓯市自然资源局",
///   "case_kind": "promised",
///   "statutory": {"amount": 20, "unit": "working_days"},
///   "promised": {"amount": 5, "unit": "working_days"},
///   "reference": {"amount": 10, "unit": "working_days"},
///   "special_procedures": ["expert_review"],
///   "extension": {"amount": 10, "unit": "working_days"}
/// }
/// ```
///
/// `reference` may be left out (no reference), `special_procedures` too
/// (none), `extension` (the default of the case kind, see
/// [`CaseKind::default_extension`]) and `delivery` (10 working days,
/// 行政许可法 art. 44); every other field is required, and unknown fields are
/// refused. Items are written with every field but a missing `reference`
/// and a default `delivery`.
///
/// # Example
///
/// ```
/// use shenpi::catalog::{ApprovalItem, CaseKind, DepartmentId, ItemCode};
/// use shenpi::limit::{SpecialProcedure, TimeLimit};
///
/// let food = ApprovalItem::builder(
///     ItemCode::new("11350100MB0123456X-003")?,
///     "食品经营许可",
///     DepartmentId::new("建瓯市市场监督管理局")?,
/// )
/// .statutory(TimeLimit::working_days(20))
/// .promised(TimeLimit::working_days(7))
/// .special_procedure(SpecialProcedure::Inspection)
/// .build()?;
/// assert_eq!(food.case_kind(), CaseKind::Promised);
/// assert!(food.allows(SpecialProcedure::Inspection));
/// assert_eq!(food.extension(), TimeLimit::working_days(10));
/// assert_eq!(food.compression(), Some(0.65));
///
/// let json = serde_json::to_string(&food)?;
/// assert_eq!(serde_json::from_str::<ApprovalItem>(&json)?, food);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawItem", into = "RawItem")]
pub struct ApprovalItem {
    code: ItemCode,
    name: String,
    item_type: ItemType,
    department: DepartmentId,
    case_kind: CaseKind,
    statutory: TimeLimit,
    promised: TimeLimit,
    reference: Option<TimeLimit>,
    special_procedures: BTreeSet<SpecialProcedure>,
    extension: TimeLimit,
    delivery: TimeLimit,
}

/// The delivery limit of 行政许可法 art. 44: the licence is issued and
/// delivered within 10 working days of the decision.
const DELIVERY: TimeLimit = TimeLimit::working_days(10);

/// The serde form of an item: what the JSON holds, before the checks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct RawItem {
    pub(super) code: ItemCode,
    pub(super) name: String,
    pub(super) item_type: ItemType,
    pub(super) department: DepartmentId,
    pub(super) case_kind: CaseKind,
    pub(super) statutory: TimeLimit,
    pub(super) promised: TimeLimit,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) reference: Option<TimeLimit>,
    #[serde(default)]
    pub(super) special_procedures: BTreeSet<SpecialProcedure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) extension: Option<TimeLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) delivery: Option<TimeLimit>,
}

impl TryFrom<RawItem> for ApprovalItem {
    type Error = CatalogError;

    fn try_from(raw: RawItem) -> Result<Self, CatalogError> {
        let RawItem {
            code,
            name,
            item_type,
            department,
            case_kind,
            statutory,
            promised,
            reference,
            special_procedures,
            extension,
            delivery,
        } = raw;
        if name.trim().is_empty() {
            return Err(CatalogError::EmptyName { code });
        }
        if promised.unit() != statutory.unit() {
            return Err(CatalogError::UnitMismatch {
                code,
                field: ItemField::Promised,
                limit: promised,
                statutory,
            });
        }
        if promised.amount() > statutory.amount() {
            return Err(CatalogError::PromisedExceedsStatutory { code, promised, statutory });
        }
        if case_kind == CaseKind::Instant && !promised.is_same_day() {
            return Err(CatalogError::InstantNotSameDay { code, promised });
        }
        let extension = extension.unwrap_or(case_kind.default_extension());
        if extension.unit() != LimitUnit::WorkingDays {
            return Err(CatalogError::ExtensionNotWorkingDays { code, extension });
        }
        let delivery = delivery.unwrap_or(DELIVERY);
        if delivery.unit() != LimitUnit::WorkingDays {
            return Err(CatalogError::DeliveryNotWorkingDays { code, delivery });
        }
        Ok(ApprovalItem {
            code,
            name,
            item_type,
            department,
            case_kind,
            statutory,
            promised,
            reference,
            special_procedures,
            extension,
            delivery,
        })
    }
}

impl From<ApprovalItem> for RawItem {
    fn from(item: ApprovalItem) -> Self {
        RawItem {
            code: item.code,
            name: item.name,
            item_type: item.item_type,
            department: item.department,
            case_kind: item.case_kind,
            statutory: item.statutory,
            promised: item.promised,
            reference: item.reference,
            special_procedures: item.special_procedures,
            extension: Some(item.extension),
            delivery: (item.delivery != DELIVERY).then_some(item.delivery),
        }
    }
}

/// `1 − promised / base`, when both are in the same unit and `base` is not
/// zero.
fn saving(promised: TimeLimit, base: TimeLimit) -> Option<f64> {
    if promised.unit() != base.unit() || base.amount() == 0 {
        return None;
    }
    Some(1.0 - f64::from(promised.amount()) / f64::from(base.amount()))
}

impl ApprovalItem {
    /// Starts building an item with its code, name and department.
    ///
    /// Until set, the item is an [administrative
    /// licensing](ItemType::AdministrativeLicensing) item of the
    /// [promised](CaseKind::Promised) kind with the statutory limit of its
    /// case kind (20 working days; 45 for joint handling), a promised limit
    /// equal to it (the same day for an
    /// [instant](CaseKind::Instant) item), no reference limit, no special
    /// procedures and the extension allowance of its case kind.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, CaseKind, DepartmentId, ItemCode, ItemType};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(
    ///     ItemCode::new("XK-0001")?,
    ///     "企业投资项目备案",
    ///     DepartmentId::new("建瓯市发展和改革局")?,
    /// )
    /// .build()?;
    /// assert_eq!(item.item_type(), ItemType::AdministrativeLicensing);
    /// assert_eq!(item.case_kind(), CaseKind::Promised);
    /// assert_eq!(item.statutory(), TimeLimit::working_days(20));
    /// assert_eq!(item.promised(), TimeLimit::working_days(20));
    /// assert_eq!(item.reference(), None);
    /// assert_eq!(item.extension(), TimeLimit::working_days(10));
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn builder(
        code: ItemCode,
        name: impl Into<String>,
        department: DepartmentId,
    ) -> ApprovalItemBuilder {
        ApprovalItemBuilder {
            code,
            name: name.into(),
            department,
            item_type: ItemType::default(),
            case_kind: CaseKind::default(),
            statutory: None,
            promised: None,
            reference: None,
            special_procedures: BTreeSet::new(),
            extension: None,
            delivery: None,
        }
    }

    /// A builder holding this item's settings, to derive a changed item.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(
    ///     ItemCode::new("XK-0002")?,
    ///     "建设工程规划许可证核发",
    ///     DepartmentId::new("建瓯市自然资源局")?,
    /// )
    /// .promised(TimeLimit::working_days(10))
    /// .build()?;
    /// // The city compresses the promise further.
    /// let faster = item.to_builder().promised(TimeLimit::working_days(5)).build()?;
    /// assert_eq!(faster.promised(), TimeLimit::working_days(5));
    /// assert_eq!(faster.statutory(), item.statutory());
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn to_builder(&self) -> ApprovalItemBuilder {
        ApprovalItemBuilder {
            code: self.code.clone(),
            name: self.name.clone(),
            department: self.department.clone(),
            item_type: self.item_type,
            case_kind: self.case_kind,
            statutory: Some(self.statutory),
            promised: Some(self.promised),
            reference: self.reference,
            special_procedures: self.special_procedures.clone(),
            extension: Some(self.extension),
            delivery: Some(self.delivery),
        }
    }

    /// The item code, unique in a [`Catalog`](super::Catalog).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    ///
    /// let code = ItemCode::new("XK-0003")?;
    /// let item = ApprovalItem::builder(code.clone(), "户口迁移", DepartmentId::new("公安局")?)
    ///     .build()?;
    /// assert_eq!(item.code(), &code);
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn code(&self) -> &ItemCode {
        &self.code
    }

    /// The item's name, as given.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    ///
    /// let item =
    ///     ApprovalItem::builder(ItemCode::new("XK-0004")?, "食品经营许可", DepartmentId::new("市场局")?)
    ///         .build()?;
    /// assert_eq!(item.name(), "食品经营许可");
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The GB/T 39046 item type.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode, ItemType};
    ///
    /// let item =
    ///     ApprovalItem::builder(ItemCode::new("QR-0001")?, "户籍登记", DepartmentId::new("公安局")?)
    ///         .item_type(ItemType::AdministrativeConfirmation)
    ///         .build()?;
    /// assert_eq!(item.item_type().code(), "07");
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn item_type(&self) -> ItemType {
        self.item_type
    }

    /// The department that handles the item.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    ///
    /// let dept = DepartmentId::new("建瓯市自然资源局")?;
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0005")?, "用地规划许可", dept.clone())
    ///     .build()?;
    /// assert_eq!(item.department(), &dept);
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn department(&self) -> &DepartmentId {
        &self.department
    }

    /// How cases of the item are handled.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, CaseKind, DepartmentId, ItemCode};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0006")?, "联合验收", DepartmentId::new("住建局")?)
    ///     .case_kind(CaseKind::Joint)
    ///     .build()?;
    /// assert_eq!(item.case_kind(), CaseKind::Joint);
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn case_kind(&self) -> CaseKind {
        self.case_kind
    }

    /// The statutory limit (法定时限).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0007")?, "施工许可", DepartmentId::new("住建局")?)
    ///     .statutory(TimeLimit::working_days(15))
    ///     .build()?;
    /// assert_eq!(item.statutory(), TimeLimit::working_days(15));
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn statutory(&self) -> TimeLimit {
        self.statutory
    }

    /// The promised limit (承诺时限): in the unit of the statutory limit,
    /// and not longer.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0008")?, "施工许可", DepartmentId::new("住建局")?)
    ///     .promised(TimeLimit::working_days(3))
    ///     .build()?;
    /// assert_eq!(item.promised(), TimeLimit::working_days(3));
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn promised(&self) -> TimeLimit {
        self.promised
    }

    /// A reference limit, such as the province's limit for the item, if
    /// one is recorded. It is not checked against the other limits.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0009")?, "施工许可", DepartmentId::new("住建局")?)
    ///     .reference(TimeLimit::working_days(10))
    ///     .build()?;
    /// assert_eq!(item.reference(), Some(TimeLimit::working_days(10)));
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn reference(&self) -> Option<TimeLimit> {
        self.reference
    }

    /// The special procedures of 行政许可法 art. 45 that cases of this item
    /// may go through, their time not counted toward the limits.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::SpecialProcedure;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0010")?, "环评审批", DepartmentId::new("生态环境局")?)
    ///     .special_procedures([SpecialProcedure::ExpertReview, SpecialProcedure::Hearing])
    ///     .build()?;
    /// // In the order of the law.
    /// let listed: Vec<_> = item.special_procedures().iter().copied().collect();
    /// assert_eq!(listed, [SpecialProcedure::Hearing, SpecialProcedure::ExpertReview]);
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn special_procedures(&self) -> &BTreeSet<SpecialProcedure> {
        &self.special_procedures
    }

    /// Whether cases of this item may go through `procedure`.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::SpecialProcedure;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0011")?, "食品经营许可", DepartmentId::new("市场局")?)
    ///     .special_procedure(SpecialProcedure::Inspection)
    ///     .build()?;
    /// assert!(item.allows(SpecialProcedure::Inspection));
    /// assert!(!item.allows(SpecialProcedure::Hearing));
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn allows(&self, procedure: SpecialProcedure) -> bool {
        self.special_procedures.contains(&procedure)
    }

    /// The extension allowance (延期) the agency head may add to a case's
    /// limit with a written reason; always in working days.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, CaseKind, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0012")?, "联合审批", DepartmentId::new("发改局")?)
    ///     .case_kind(CaseKind::Joint)
    ///     .build()?;
    /// assert_eq!(item.extension(), TimeLimit::working_days(15));
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn extension(&self) -> TimeLimit {
        self.extension
    }

    /// The limit for issuing and delivering the licence after the decision
    /// (颁发、送达), in working days: 10 unless the item says otherwise
    /// (行政许可法 art. 44).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0014")?, "施工许可", DepartmentId::new("住建局")?).build()?;
    /// assert_eq!(item.delivery(), TimeLimit::working_days(10));
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn delivery(&self) -> TimeLimit {
        self.delivery
    }

    /// The extension allowance as a number of working days, the unit it is
    /// always in.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0013")?, "施工许可", DepartmentId::new("住建局")?)
    ///     .extension(TimeLimit::working_days(5))
    ///     .build()?;
    /// assert_eq!(item.extension_working_days(), 5);
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn extension_working_days(&self) -> u32 {
        self.extension.amount()
    }

    /// How much shorter the promised limit is than the statutory one:
    /// `1 − promised / statutory`, in `[0, 1]`; `None` when the statutory
    /// limit is zero.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0014")?, "规划许可", DepartmentId::new("资源局")?)
    ///     .statutory(TimeLimit::working_days(20))
    ///     .promised(TimeLimit::working_days(5))
    ///     .build()?;
    /// assert_eq!(item.compression(), Some(0.75));
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn compression(&self) -> Option<f64> {
        saving(self.promised, self.statutory)
    }

    /// How much shorter the promised limit is than the reference limit:
    /// `1 − promised / reference`; `None` when there is no reference, it is
    /// in another unit, or it is zero. Negative when the item promises more
    /// than the reference.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// // The province allows 10 working days; the county promises 5.
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0015")?, "规划许可", DepartmentId::new("资源局")?)
    ///     .promised(TimeLimit::working_days(5))
    ///     .reference(TimeLimit::working_days(10))
    ///     .build()?;
    /// assert_eq!(item.compression_against_reference(), Some(0.5));
    ///
    /// let natural = item.to_builder().reference(TimeLimit::natural_days(14)).build()?;
    /// assert_eq!(natural.compression_against_reference(), None);
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn compression_against_reference(&self) -> Option<f64> {
        saving(self.promised, self.reference?)
    }
}

/// Builds an [`ApprovalItem`]; [`build`](Self::build) checks everything at
/// once. Start one with [`ApprovalItem::builder`], which lists the
/// defaults.
///
/// # Example
///
/// ```
/// use shenpi::catalog::{ApprovalItem, CaseKind, DepartmentId, ItemCode, ItemType};
/// use shenpi::limit::TimeLimit;
///
/// let residence = ApprovalItem::builder(
///     ItemCode::new("11350100MB0123456X-004")?,
///     "居住登记",
///     DepartmentId::new("建瓯市公安局")?,
/// )
/// .item_type(ItemType::AdministrativeConfirmation)
/// .case_kind(CaseKind::Instant)
/// .statutory(TimeLimit::working_days(1))
/// .build()?;
/// // An instant item promises the same day unless told otherwise.
/// assert!(residence.promised().is_same_day());
/// # Ok::<(), shenpi::catalog::CatalogError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalItemBuilder {
    code: ItemCode,
    name: String,
    department: DepartmentId,
    item_type: ItemType,
    case_kind: CaseKind,
    statutory: Option<TimeLimit>,
    promised: Option<TimeLimit>,
    reference: Option<TimeLimit>,
    special_procedures: BTreeSet<SpecialProcedure>,
    extension: Option<TimeLimit>,
    delivery: Option<TimeLimit>,
}

impl ApprovalItemBuilder {
    /// Sets the item type (default: administrative licensing).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode, ItemType};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("GF-0001")?, "低保申请", DepartmentId::new("民政局")?)
    ///     .item_type(ItemType::AdministrativePayment)
    ///     .build()?;
    /// assert_eq!(item.item_type().name_zh(), "行政给付");
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn item_type(mut self, item_type: ItemType) -> ApprovalItemBuilder {
        self.item_type = item_type;
        self
    }

    /// Sets the case kind (default: promised). It decides the default
    /// extension allowance, and an instant item must promise the same day.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, CaseKind, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0101")?, "联办事项", DepartmentId::new("发改局")?)
    ///     .case_kind(CaseKind::Joint)
    ///     .statutory(TimeLimit::working_days(45))
    ///     .build()?;
    /// assert_eq!(item.extension(), TimeLimit::working_days(15));
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn case_kind(mut self, case_kind: CaseKind) -> ApprovalItemBuilder {
        self.case_kind = case_kind;
        self
    }

    /// Sets the statutory limit (default: 20 working days, 45 for joint
    /// handling; see [`CaseKind::default_statutory`]).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0102")?, "某项许可", DepartmentId::new("某局")?)
    ///     .statutory(TimeLimit::natural_days(30))
    ///     .build()?;
    /// // The promised limit follows the statutory one when unset.
    /// assert_eq!(item.promised(), TimeLimit::natural_days(30));
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn statutory(mut self, statutory: TimeLimit) -> ApprovalItemBuilder {
        self.statutory = Some(statutory);
        self
    }

    /// Sets the promised limit (default: the statutory limit, or the same
    /// day in its unit for an instant item).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, CatalogError, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let builder = ApprovalItem::builder(ItemCode::new("XK-0103")?, "某项许可", DepartmentId::new("某局")?);
    /// let err = builder.promised(TimeLimit::natural_days(7)).build().unwrap_err();
    /// assert!(matches!(err, CatalogError::UnitMismatch { .. }));
    /// assert_eq!(
    ///     err.to_string(),
    ///     "item XK-0103: promised limit 7 natural days and statutory limit 20 working days \
    ///      are in different units, which can't be compared without a calendar",
    /// );
    /// # Ok::<(), CatalogError>(())
    /// ```
    pub fn promised(mut self, promised: TimeLimit) -> ApprovalItemBuilder {
        self.promised = Some(promised);
        self
    }

    /// Sets a reference limit, such as the province's (default: none).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0104")?, "某项许可", DepartmentId::new("某局")?)
    ///     .reference(TimeLimit::working_days(12))
    ///     .build()?;
    /// assert_eq!(item.reference(), Some(TimeLimit::working_days(12)));
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn reference(mut self, reference: TimeLimit) -> ApprovalItemBuilder {
        self.reference = Some(reference);
        self
    }

    /// Allows one special procedure of art. 45.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::SpecialProcedure;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0105")?, "某项许可", DepartmentId::new("某局")?)
    ///     .special_procedure(SpecialProcedure::Testing)
    ///     .build()?;
    /// assert!(item.allows(SpecialProcedure::Testing));
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn special_procedure(mut self, procedure: SpecialProcedure) -> ApprovalItemBuilder {
        self.special_procedures.insert(procedure);
        self
    }

    /// Allows several special procedures of art. 45.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::SpecialProcedure;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0106")?, "某项许可", DepartmentId::new("某局")?)
    ///     .special_procedures(SpecialProcedure::ALL)
    ///     .build()?;
    /// assert_eq!(item.special_procedures().len(), 8);
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn special_procedures<I>(mut self, procedures: I) -> ApprovalItemBuilder
    where
        I: IntoIterator<Item = SpecialProcedure>,
    {
        self.special_procedures.extend(procedures);
        self
    }

    /// Sets the extension allowance (default: 10 working days, 15 for a
    /// joint item). It must be in working days.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let builder = ApprovalItem::builder(ItemCode::new("XK-0107")?, "某项许可", DepartmentId::new("某局")?);
    /// let err = builder.extension(TimeLimit::natural_days(10)).build().unwrap_err();
    /// assert_eq!(err.to_string(), "item XK-0107: extension 10 natural days must be in working days");
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn extension(mut self, extension: TimeLimit) -> ApprovalItemBuilder {
        self.extension = Some(extension);
        self
    }

    /// Sets the limit for issuing and delivering the licence after the
    /// decision (default: 10 working days, 行政许可法 art. 44). It must be in
    /// working days.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("XK-0108")?, "某项许可", DepartmentId::new("某局")?)
    ///     .delivery(TimeLimit::working_days(3))
    ///     .build()?;
    /// assert_eq!(item.delivery(), TimeLimit::working_days(3));
    /// let err = ApprovalItem::builder(ItemCode::new("XK-0109")?, "某项许可", DepartmentId::new("某局")?)
    ///     .delivery(TimeLimit::natural_days(10))
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "item XK-0109: delivery limit 10 natural days must be in working days");
    /// # Ok::<(), shenpi::catalog::CatalogError>(())
    /// ```
    pub fn delivery(mut self, delivery: TimeLimit) -> ApprovalItemBuilder {
        self.delivery = Some(delivery);
        self
    }

    /// Checks the settings and builds the item.
    ///
    /// # Errors
    ///
    /// - [`CatalogError::EmptyName`] when the name is empty or blank;
    /// - [`CatalogError::UnitMismatch`] when the promised limit is in
    ///   another unit than the statutory limit;
    /// - [`CatalogError::PromisedExceedsStatutory`] when the promised limit
    ///   is longer than the statutory limit;
    /// - [`CatalogError::InstantNotSameDay`] when an instant item promises
    ///   more than the same day;
    /// - [`CatalogError::ExtensionNotWorkingDays`] when the extension
    ///   allowance is not in working days.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{ApprovalItem, CaseKind, CatalogError, DepartmentId, ItemCode};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let err = ApprovalItem::builder(ItemCode::new("QR-0002")?, "居住登记", DepartmentId::new("公安局")?)
    ///     .case_kind(CaseKind::Instant)
    ///     .promised(TimeLimit::working_days(1))
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "item QR-0002: an instant item (即办件) must promise the same day, not 1 working days",
    /// );
    /// # Ok::<(), CatalogError>(())
    /// ```
    pub fn build(self) -> Result<ApprovalItem, CatalogError> {
        let statutory = self.statutory.unwrap_or(self.case_kind.default_statutory());
        let promised = self.promised.unwrap_or(match self.case_kind {
            CaseKind::Instant => TimeLimit::new(0, statutory.unit()),
            CaseKind::Promised | CaseKind::Joint | CaseKind::ReportedUp => statutory,
        });
        ApprovalItem::try_from(RawItem {
            code: self.code,
            name: self.name,
            item_type: self.item_type,
            department: self.department,
            case_kind: self.case_kind,
            statutory,
            promised,
            reference: self.reference,
            special_procedures: self.special_procedures,
            extension: self.extension,
            delivery: self.delivery,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> ApprovalItemBuilder {
        ApprovalItem::builder(
            ItemCode::new("11350100MB0123456X-002").unwrap(),
            "建设工程规划许可证核发",
            DepartmentId::new("建瓯市自然资源局").unwrap(),
        )
    }

    #[test]
    fn defaults() {
        let item = builder().build().unwrap();
        assert_eq!(item.item_type(), ItemType::AdministrativeLicensing);
        assert_eq!(item.case_kind(), CaseKind::Promised);
        assert_eq!(item.statutory(), TimeLimit::working_days(20));
        assert_eq!(item.promised(), TimeLimit::working_days(20));
        assert_eq!(item.reference(), None);
        assert!(item.special_procedures().is_empty());
        assert_eq!(item.extension(), TimeLimit::working_days(10));
        assert_eq!(item.compression(), Some(0.0));
        assert_eq!(item.compression_against_reference(), None);
        for kind in CaseKind::ALL {
            let item = builder().case_kind(kind).build().unwrap();
            assert_eq!(item.extension(), kind.default_extension(), "{kind}");
        }
        let instant = builder()
            .case_kind(CaseKind::Instant)
            .statutory(TimeLimit::natural_days(3))
            .build()
            .unwrap();
        assert_eq!(instant.promised(), TimeLimit::natural_days(0));
    }

    #[test]
    fn each_rule_names_the_item_and_the_values() {
        let cases = [
            (
                builder().promised(TimeLimit::working_days(25)).build(),
                "item 11350100MB0123456X-002: promised limit 25 working days exceeds statutory \
                 limit 20 working days",
            ),
            (
                builder().promised(TimeLimit::working_hours(2)).build(),
                "item 11350100MB0123456X-002: promised limit 2 working hours and statutory limit \
                 20 working days are in different units, which can't be compared without a \
                 calendar",
            ),
            (
                builder().case_kind(CaseKind::Instant).promised(TimeLimit::working_days(2)).build(),
                "item 11350100MB0123456X-002: an instant item (即办件) must promise the same day, \
                 not 2 working days",
            ),
            (
                builder().extension(TimeLimit::working_hours(8)).build(),
                "item 11350100MB0123456X-002: extension 8 working hours must be in working days",
            ),
        ];
        for (result, message) in cases {
            assert_eq!(result.unwrap_err().to_string(), message);
        }
        let blank = ApprovalItem::builder(
            ItemCode::new("XK-1").unwrap(),
            " \u{3000}",
            DepartmentId::new("d").unwrap(),
        )
        .build()
        .unwrap_err();
        assert_eq!(blank.to_string(), "item XK-1: name is empty");
    }

    #[test]
    fn zero_limits() {
        let same_day = builder()
            .statutory(TimeLimit::working_days(0))
            .case_kind(CaseKind::Instant)
            .build()
            .unwrap();
        assert_eq!(same_day.compression(), None);
        let item =
            builder().promised(TimeLimit::working_days(0)).reference(TimeLimit::working_days(0));
        assert_eq!(item.build().unwrap().compression_against_reference(), None);
    }

    #[test]
    fn reference_is_only_recorded() {
        let item = builder()
            .promised(TimeLimit::working_days(10))
            .reference(TimeLimit::working_days(5))
            .build()
            .unwrap();
        assert_eq!(item.compression_against_reference(), Some(-1.0));
        assert_eq!(item.compression(), Some(0.5));
    }

    #[test]
    fn to_builder_round_trips() {
        let item = builder()
            .case_kind(CaseKind::Joint)
            .promised(TimeLimit::working_days(5))
            .reference(TimeLimit::working_days(10))
            .special_procedure(SpecialProcedure::ExpertReview)
            .extension(TimeLimit::working_days(3))
            .build()
            .unwrap();
        assert_eq!(item.to_builder().build().unwrap(), item);
    }

    #[test]
    fn json_form() {
        let item = builder()
            .promised(TimeLimit::working_days(5))
            .special_procedure(SpecialProcedure::ExpertReview)
            .build()
            .unwrap();
        let json = serde_json::to_string(&item).unwrap();
        assert_eq!(
            json,
            r#"{"code":"11350100MB0123456X-002","name":"建设工程规划许可证核发","item_type":"administrative_licensing","department":"建瓯市自然资源局","case_kind":"promised","statutory":{"amount":20,"unit":"working_days"},"promised":{"amount":5,"unit":"working_days"},"special_procedures":["expert_review"],"extension":{"amount":10,"unit":"working_days"}}"#
        );
        assert_eq!(serde_json::from_str::<ApprovalItem>(&json).unwrap(), item);
    }

    #[test]
    fn decoding_fills_defaults_and_checks_like_building() {
        let minimal = r#"{"code":"XK-1","name":"n","item_type":"public_service",
            "department":"d","case_kind":"joint",
            "statutory":{"amount":45,"unit":"working_days"},
            "promised":{"amount":30,"unit":"working_days"}}"#;
        let item: ApprovalItem = serde_json::from_str(minimal).unwrap();
        assert_eq!(item.extension(), TimeLimit::working_days(15));
        assert!(item.special_procedures().is_empty());
        assert_eq!(item.reference(), None);

        let bad = minimal.replace("30", "50");
        let err = serde_json::from_str::<ApprovalItem>(&bad).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "item XK-1: promised limit 50 working days exceeds statutory limit 45 working days"
            ),
            "{err}"
        );
        let unknown = minimal.replace("\"name\"", "\"title\"");
        let err = serde_json::from_str::<ApprovalItem>(&unknown).unwrap_err().to_string();
        assert!(err.contains("unknown field `title`"), "{err}");
    }

    #[test]
    fn joint_handling_defaults_to_45_days_extendable_by_15() {
        let item = builder().case_kind(CaseKind::Joint).build().unwrap();
        assert_eq!(item.statutory(), TimeLimit::working_days(45));
        assert_eq!(item.promised(), TimeLimit::working_days(45));
        assert_eq!(item.extension(), TimeLimit::working_days(15));
        // A statutory limit set by hand wins.
        let item = builder()
            .case_kind(CaseKind::Joint)
            .statutory(TimeLimit::working_days(30))
            .build()
            .unwrap();
        assert_eq!(item.statutory(), TimeLimit::working_days(30));
    }
}
