use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::ReportError;
use crate::catalog::{ApprovalItem, DepartmentId, ItemCode, ItemType};
use crate::graph::{StageId, StepId};
use crate::project::ProjectId;

/// Where a case belongs beyond its item: the construction-approval stage it
/// serves and the key project it is for, when the host knows them.
///
/// # Example
///
/// ```
/// use shenpi::graph::StageId;
/// use shenpi::project::ProjectId;
/// use shenpi::report::Placement;
///
/// let placement = Placement::new()
///     .in_stage(StageId::new("stage-1")?)
///     .for_project(ProjectId::new("KP-2026-07")?);
/// assert_eq!(placement.stage().map(|s| s.as_str()), Some("stage-1"));
/// assert_eq!(Placement::new().project(), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Placement {
    stage: Option<StageId>,
    project: Option<ProjectId>,
}

impl Placement {
    /// No stage and no project.
    pub fn new() -> Placement {
        Placement::default()
    }

    /// The case serves `stage`.
    pub fn in_stage(mut self, stage: StageId) -> Placement {
        self.stage = Some(stage);
        self
    }

    /// The case is for the key project `project`.
    pub fn for_project(mut self, project: ProjectId) -> Placement {
        self.project = Some(project);
        self
    }

    /// The stage, if any.
    pub fn stage(&self) -> Option<&StageId> {
        self.stage.as_ref()
    }

    /// The key project, if any.
    pub fn project(&self) -> Option<&ProjectId> {
        self.project.as_ref()
    }
}

/// An inclusive range of civil dates, such as the period a report covers
/// (filtered by the day a case was concluded).
///
/// In JSON: `{"from": "2022-01-01", "to": "2022-04-30"}`, checked when
/// decoded.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::report::DateRange;
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2022, m, day).unwrap();
/// let jan_to_apr = DateRange::new(d(1, 1), d(4, 30))?;
/// assert!(jan_to_apr.contains(d(4, 30)));
/// assert!(!jan_to_apr.contains(d(5, 1)));
/// assert_eq!(jan_to_apr.to_string(), "2022-01-01..=2022-04-30");
/// # Ok::<(), shenpi::report::ReportError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::report::DateRange;
///
/// let q1: DateRange = serde_json::from_str(r#"{"from": "2022-01-01", "to": "2022-03-31"}"#)?;
/// assert_eq!(q1.to_string(), "2022-01-01..=2022-03-31");
/// assert_eq!(serde_json::to_string(&q1)?, r#"{"from":"2022-01-01","to":"2022-03-31"}"#);
/// // An inverted range is refused when decoded.
/// assert!(serde_json::from_str::<DateRange>(r#"{"from": "2022-03-31", "to": "2022-01-01"}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawRange")]
pub struct DateRange {
    from: NaiveDate,
    to: NaiveDate,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawRange {
    from: NaiveDate,
    to: NaiveDate,
}

impl TryFrom<RawRange> for DateRange {
    type Error = ReportError;

    fn try_from(raw: RawRange) -> Result<Self, ReportError> {
        DateRange::new(raw.from, raw.to)
    }
}

impl DateRange {
    /// The days `from` through `to`, both included.
    ///
    /// # Errors
    ///
    /// [`ReportError::EmptyRange`] when `to` comes before `from`.
    ///
    /// # Example
    ///
    /// See [`DateRange`].
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange, ReportError> {
        if to < from {
            return Err(ReportError::EmptyRange { from, to });
        }
        Ok(DateRange { from, to })
    }

    /// The first day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last day.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Whether `date` is in the range.
    #[inline]
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..={}", self.from, self.to)
    }
}

/// The boundaries of custom periods, in strictly increasing order: dates
/// `b0 < b1 < … < bn` make the periods `[b0, b1)`, …, `[bn-1, bn)`, plus
/// the open periods before `b0` and from `bn` on, so that every date falls
/// in exactly one period.
///
/// In JSON a list of dates, checked when decoded.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::report::Boundaries;
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2022, m, day).unwrap();
/// // Two reform phases.
/// let phases = Boundaries::new(vec![d(1, 1), d(3, 15), d(5, 1)])?;
/// assert_eq!(phases.dates().len(), 3);
/// assert!(Boundaries::new(vec![d(3, 15), d(1, 1)]).is_err());
/// # Ok::<(), shenpi::report::ReportError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::report::Boundaries;
///
/// let phases: Boundaries = serde_json::from_str(r#"["2022-01-01", "2022-03-15"]"#)?;
/// assert_eq!(phases.dates().len(), 2);
/// assert_eq!(serde_json::to_string(&phases)?, r#"["2022-01-01","2022-03-15"]"#);
/// // Dates out of order are refused when decoded.
/// assert!(serde_json::from_str::<Boundaries>(r#"["2022-03-15", "2022-01-01"]"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "Vec<NaiveDate>", into = "Vec<NaiveDate>")]
pub struct Boundaries(Vec<NaiveDate>);

impl Boundaries {
    /// Boundaries from dates in strictly increasing order.
    ///
    /// # Errors
    ///
    /// [`ReportError::NoBoundaries`] for an empty list;
    /// [`ReportError::BoundariesNotIncreasing`] when a date does not come
    /// after the one before it.
    ///
    /// # Example
    ///
    /// See [`Boundaries`].
    pub fn new(dates: Vec<NaiveDate>) -> Result<Boundaries, ReportError> {
        if dates.is_empty() {
            return Err(ReportError::NoBoundaries);
        }
        if let Some(w) = dates.windows(2).find(|w| w[1] <= w[0]) {
            return Err(ReportError::BoundariesNotIncreasing { before: w[0], after: w[1] });
        }
        Ok(Boundaries(dates))
    }

    /// The dates.
    pub fn dates(&self) -> &[NaiveDate] {
        &self.0
    }

    /// The period holding `date`: its start (`None` before the first
    /// boundary) and its end, exclusive (`None` from the last one on).
    fn period_of(&self, date: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let i = self.0.partition_point(|b| *b <= date);
        (i.checked_sub(1).map(|j| self.0[j]), self.0.get(i).copied())
    }
}

impl TryFrom<Vec<NaiveDate>> for Boundaries {
    type Error = ReportError;

    fn try_from(dates: Vec<NaiveDate>) -> Result<Self, ReportError> {
        Boundaries::new(dates)
    }
}

impl From<Boundaries> for Vec<NaiveDate> {
    fn from(b: Boundaries) -> Self {
        b.0
    }
}

/// How a report groups its cases: one row per department, item, item type,
/// stage, key project or period (of the day each case was concluded), or a
/// single total.
///
/// In JSON, internally tagged: `{"by": "department"}`, `{"by": "month"}`,
/// `{"by": "periods", "boundaries": ["2022-01-01", "2022-05-01"]}`.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::report::{GroupBy, GroupKey};
///
/// let by: GroupBy = serde_json::from_str(r#"{"by": "quarter"}"#)?;
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// assert_eq!(
///     by.period_key(d(5, 20)),
///     Some(GroupKey::Period { start: Some(d(4, 1)), end: Some(d(7, 1)) })
/// );
/// assert_eq!(by.to_string(), "quarter");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "by", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum GroupBy {
    /// One group: the total.
    #[default]
    Total,
    /// By the item's department.
    Department,
    /// By item code.
    Item,
    /// By GB/T 39046 item type.
    ItemType,
    /// By construction-approval stage (cases with no stage form one group).
    Stage,
    /// By key project (cases for no key project form one group).
    Project,
    /// By calendar month of conclusion.
    Month,
    /// By calendar quarter of conclusion.
    Quarter,
    /// By calendar year of conclusion.
    Year,
    /// By custom periods of conclusion.
    Periods {
        /// The period boundaries.
        boundaries: Boundaries,
    },
}

fn first_of(year: i32, month: u32) -> Option<NaiveDate> {
    let (year, month) = if month > 12 { (year.checked_add(1)?, month - 12) } else { (year, month) };
    NaiveDate::from_ymd_opt(year, month, 1)
}

impl GroupBy {
    /// The key of a case for the item `item`, concluded on `concluded_on`,
    /// with `placement`.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::report::{GroupBy, GroupKey, Placement};
    ///
    /// let item = ApprovalItem::builder(
    ///     ItemCode::new("XK-0001")?,
    ///     "食品经营许可",
    ///     DepartmentId::new("market-bureau")?,
    /// )
    /// .build()?;
    /// let day = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
    /// let key = GroupBy::Department.key(&item, day, &Placement::new());
    /// assert_eq!(key, GroupKey::Department { department: DepartmentId::new("market-bureau")? });
    /// assert_eq!(GroupBy::Project.key(&item, day, &Placement::new()), GroupKey::Project { project: None });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn key(
        &self,
        item: &ApprovalItem,
        concluded_on: NaiveDate,
        placement: &Placement,
    ) -> GroupKey {
        match self {
            GroupBy::Total => GroupKey::Total,
            GroupBy::Department => GroupKey::Department { department: item.department().clone() },
            GroupBy::Item => GroupKey::Item { item: item.code().clone() },
            GroupBy::ItemType => GroupKey::ItemType { item_type: item.item_type() },
            GroupBy::Stage => GroupKey::Stage { stage: placement.stage.clone() },
            GroupBy::Project => GroupKey::Project { project: placement.project.clone() },
            GroupBy::Month | GroupBy::Quarter | GroupBy::Year | GroupBy::Periods { .. } => {
                self.period_key(concluded_on).unwrap_or(GroupKey::Total)
            }
        }
    }

    /// For a grouping by period, the key of the period holding `date`;
    /// `None` for the other groupings. A period's end is exclusive, and
    /// `None` past the last date chrono represents.
    ///
    /// # Example
    ///
    /// See [`GroupBy`].
    pub fn period_key(&self, date: NaiveDate) -> Option<GroupKey> {
        let (y, m) = (date.year(), date.month());
        let (start, end) = match self {
            GroupBy::Month => (first_of(y, m), first_of(y, m + 1)),
            GroupBy::Quarter => {
                let q = (m - 1) / 3 * 3 + 1;
                (first_of(y, q), first_of(y, q + 3))
            }
            GroupBy::Year => (first_of(y, 1), y.checked_add(1).and_then(|y| first_of(y, 1))),
            GroupBy::Periods { boundaries } => boundaries.period_of(date),
            _ => return None,
        };
        Some(GroupKey::Period { start, end })
    }

    /// Whether `key` is a key of this grouping.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::ItemType;
    /// use shenpi::report::{GroupBy, GroupKey};
    ///
    /// let key = GroupKey::ItemType { item_type: ItemType::AdministrativeLicensing };
    /// assert!(GroupBy::ItemType.fits(&key));
    /// assert!(!GroupBy::Department.fits(&key));
    /// ```
    pub fn fits(&self, key: &GroupKey) -> bool {
        match (self, key) {
            (GroupBy::Total, GroupKey::Total)
            | (GroupBy::Department, GroupKey::Department { .. })
            | (GroupBy::Item, GroupKey::Item { .. })
            | (GroupBy::ItemType, GroupKey::ItemType { .. })
            | (GroupBy::Stage, GroupKey::Stage { .. })
            | (GroupBy::Project, GroupKey::Project { .. }) => true,
            (
                GroupBy::Month | GroupBy::Quarter | GroupBy::Year | GroupBy::Periods { .. },
                GroupKey::Period { start, end },
            ) => {
                // The key must be the period of its own start (or, for the
                // open first custom period, of the day before its end).
                let probe = start.or_else(|| end.and_then(|e| e.pred_opt()));
                probe.and_then(|d| self.period_key(d)).as_ref() == Some(key)
            }
            _ => false,
        }
    }
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GroupBy::Total => "total",
            GroupBy::Department => "department",
            GroupBy::Item => "item",
            GroupBy::ItemType => "item type",
            GroupBy::Stage => "stage",
            GroupBy::Project => "key project",
            GroupBy::Month => "month",
            GroupBy::Quarter => "quarter",
            GroupBy::Year => "year",
            GroupBy::Periods { .. } => "custom periods",
        })
    }
}

/// The key of one row of a report: the group's department, item, item type,
/// stage, key project, period or step, or the total.
///
/// In JSON, internally tagged: `{"by": "department", "department":
/// "建瓯市自然资源局"}`, `{"by": "period", "start": "2022-01-01", "end":
/// "2022-02-01"}` (the end is exclusive), `{"by": "project", "project":
/// null}` for cases of no key project. Keys order by kind, then value.
///
/// # Example
///
/// ```
/// use shenpi::catalog::DepartmentId;
/// use shenpi::report::GroupKey;
///
/// let key = GroupKey::Department { department: DepartmentId::new("建瓯市自然资源局")? };
/// assert_eq!(
///     serde_json::to_string(&key)?,
///     r#"{"by":"department","department":"建瓯市自然资源局"}"#
/// );
/// assert_eq!(key.to_string(), "department 建瓯市自然资源局");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "by", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum GroupKey {
    /// Everything.
    Total,
    /// A department.
    Department {
        /// The department.
        department: DepartmentId,
    },
    /// An item.
    Item {
        /// The item's code.
        item: ItemCode,
    },
    /// An item type.
    ItemType {
        /// The type.
        item_type: ItemType,
    },
    /// A construction-approval stage, or no stage.
    Stage {
        /// The stage.
        stage: Option<StageId>,
    },
    /// A key project, or no key project.
    Project {
        /// The project.
        project: Option<ProjectId>,
    },
    /// A period: `start` included, `end` excluded; `None` for an open end.
    Period {
        /// The first day.
        start: Option<NaiveDate>,
        /// The day after the last.
        end: Option<NaiveDate>,
    },
    /// A step of a parallel-approval graph.
    Step {
        /// The step.
        step: StepId,
    },
}

impl fmt::Display for GroupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let open = |d: &Option<NaiveDate>| d.map_or_else(String::new, |d| d.to_string());
        match self {
            GroupKey::Total => f.write_str("total"),
            GroupKey::Department { department } => write!(f, "department {department}"),
            GroupKey::Item { item } => write!(f, "item {item}"),
            GroupKey::ItemType { item_type } => write!(f, "item type {}", item_type.code()),
            GroupKey::Stage { stage: Some(s) } => write!(f, "stage {s}"),
            GroupKey::Stage { stage: None } => f.write_str("no stage"),
            GroupKey::Project { project: Some(p) } => write!(f, "key project {p}"),
            GroupKey::Project { project: None } => f.write_str("no key project"),
            GroupKey::Period { start, end } => write!(f, "period {}..{}", open(start), open(end)),
            GroupKey::Step { step } => write!(f, "step {step}"),
        }
    }
}

/// What a case report counts: its grouping, and optionally the range of
/// conclusion days it keeps (cases concluded outside are counted as
/// excluded and nothing more).
///
/// In JSON: `{"group_by": {"by": "department"}, "within": {"from":
/// "2022-01-01", "to": "2022-04-30"}}`; `within` may be left out.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::report::{DateRange, GroupBy, ReportSpec};
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2022, m, day).unwrap();
/// let spec = ReportSpec::new(GroupBy::Department).within(DateRange::new(d(1, 1), d(4, 30))?);
/// assert_eq!(spec.to_string(), "grouped by department, concluded 2022-01-01..=2022-04-30");
/// # Ok::<(), shenpi::report::ReportError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::report::ReportSpec;
///
/// let json = r#"{"group_by":{"by":"department"},"within":{"from":"2022-01-01","to":"2022-04-30"}}"#;
/// let spec: ReportSpec = serde_json::from_str(json)?;
/// assert_eq!(spec.to_string(), "grouped by department, concluded 2022-01-01..=2022-04-30");
/// assert_eq!(serde_json::to_string(&spec)?, json);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    group_by: GroupBy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    within: Option<DateRange>,
}

impl ReportSpec {
    /// A spec grouping by `group_by`, keeping every case.
    pub fn new(group_by: GroupBy) -> ReportSpec {
        ReportSpec { group_by, within: None }
    }

    /// Keeps only cases concluded within `range`.
    pub fn within(mut self, range: DateRange) -> ReportSpec {
        self.within = Some(range);
        self
    }

    /// The grouping.
    pub fn group_by(&self) -> &GroupBy {
        &self.group_by
    }

    /// The range of conclusion days kept, if limited.
    pub fn range(&self) -> Option<DateRange> {
        self.within
    }
}

impl fmt::Display for ReportSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "grouped by {}", self.group_by)?;
        if let Some(r) = &self.within {
            write!(f, ", concluded {r}")?;
        }
        Ok(())
    }
}
