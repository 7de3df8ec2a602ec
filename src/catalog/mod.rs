//! Approval items (事项) and the catalog that holds them.
//!
//! An [`ApprovalItem`] is what a service centre's window handles: its code,
//! name, GB/T 39046 [type](ItemType), department, [case kind](CaseKind), its
//! statutory limit (法定时限), the promised limit (承诺时限) the centre
//! commits to, an optional reference limit (such as the province's), the
//! special procedures of 行政许可法 art. 45 its cases may go through, and the
//! extension allowance the agency head may grant (art. 42). A [`Catalog`]
//! holds items by code. Both are plain serde data that decode through the
//! same checks as their builders, so an invalid item never exists.
//!
//! | question | method |
//! |---|---|
//! | which item has this code? | [`Catalog::get`] |
//! | how much faster than the law is the promise? | [`ApprovalItem::compression`] |
//! | and than the province? | [`ApprovalItem::compression_against_reference`] |
//! | may a case pause for an expert review? | [`ApprovalItem::allows`] |
//! | how many working days may the head add? | [`ApprovalItem::extension_working_days`] |
//! | which departments does the catalog cover? | [`Catalog::departments`] |
//!
//! Limits are compared only in the same unit: working days and natural days
//! can't be compared without a calendar, so a promised limit must be in the
//! unit of the statutory one.
//!
//! # Example
//!
//! ```
//! use shenpi::catalog::{ApprovalItem, CaseKind, Catalog, DepartmentId, ItemCode, ItemType};
//! use shenpi::limit::TimeLimit;
//!
//! let planning = ApprovalItem::builder(
//!     ItemCode::new("11350100MB0123456X-002")?,
//!     "建设工程规划许可证核发",
//!     DepartmentId::new("建瓯市自然资源局")?,
//! )
//! .statutory(TimeLimit::working_days(20))
//! .promised(TimeLimit::working_days(5))
//! .build()?;
//! let residence = ApprovalItem::builder(
//!     ItemCode::new("11350100MB0123456X-004")?,
//!     "居住登记",
//!     DepartmentId::new("建瓯市公安局")?,
//! )
//! .item_type(ItemType::AdministrativeConfirmation)
//! .case_kind(CaseKind::Instant)
//! .build()?;
//!
//! let catalog = Catalog::new([planning, residence])?;
//! let item = catalog.get("11350100MB0123456X-002").unwrap();
//! assert_eq!(item.compression(), Some(0.75));
//! assert_eq!(catalog.departments().len(), 2);
//! # Ok::<(), shenpi::catalog::CatalogError>(())
//! ```

mod approval_item;
mod case_kind;
mod error;
mod ids;
mod item_catalog;
mod item_type;
mod loose;

pub use approval_item::{ApprovalItem, ApprovalItemBuilder};
pub use case_kind::CaseKind;
pub use error::{CatalogError, CodeFault, IdKind, ItemField};
pub use ids::{DepartmentId, ItemCode};
pub use item_catalog::Catalog;
pub use item_type::ItemType;
