use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::stats::{mean, GroupStats, RawStats};
use super::{CaseFacts, GroupBy, GroupKey, Placement, ReportError, ReportSpec};
use crate::catalog::ApprovalItem;

/// A group of a [`CaseReport`], as handed out by [`CaseReport::slot`]: the
/// fast way to add many cases whose group the host already knows.
///
/// A slot belongs to the report that gave it; merging other reports into
/// it never moves its groups.
///
/// # Example
///
/// See [`CaseReport::add_to`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupSlot(usize);

impl GroupSlot {
    /// The slot's position among the report's groups.
    pub fn index(&self) -> usize {
        self.0
    }
}

/// Promised-versus-actual statistics over concluded cases, accumulated in
/// one streaming pass, grouped as its [`ReportSpec`] says, and mergeable:
/// reports built over shards or months separately and merged give exactly
/// the report of one pass over all their cases.
///
/// Each case goes to exactly one group, so the groups add up to the total.
/// Adding a case is a few integer adds and two histogram increments
/// ([`add_to`](Self::add_to) with a known [`GroupSlot`]), plus a key look-up
/// when the report finds the group itself ([`add`](Self::add)).
/// [`summary`](Self::summary) turns the sums into rows.
///
/// A report is serde data too (`{"spec": …, "excluded": …, "groups":
/// [{"key": …, "stats": …}]}`), so partial reports can be stored and
/// merged later; decoding checks that each group's counts, sums and
/// histograms agree.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
/// use shenpi::report::{CaseFacts, CaseReport, GroupBy, Placement, ReportSpec};
///
/// let item = |code, dept| {
///     ApprovalItem::builder(ItemCode::new(code)?, "许可", DepartmentId::new(dept)?).build()
/// };
/// let (a, b) = (item("XK-1", "planning")?, item("XK-2", "market")?);
/// let day = NaiveDate::from_ymd_opt(2022, 3, 9).unwrap();
///
/// let mut january = CaseReport::new(ReportSpec::new(GroupBy::Department));
/// january.add(&a, &CaseFacts::new(day, 0, 0.25)?.with_limits(3, 20)?, &Placement::new())?;
/// january.add(&b, &CaseFacts::new(day, 1, 1.5)?.with_limits(5, 20)?, &Placement::new())?;
/// let mut february = CaseReport::new(ReportSpec::new(GroupBy::Department));
/// february.add(&a, &CaseFacts::new(day, 0, 0.75)?.with_limits(3, 20)?.late(0), &Placement::new())?;
///
/// january.merge(&february)?;
/// let summary = january.summary();
/// let total = summary.total.as_ref().unwrap();
/// assert_eq!(total.cases, 3);
/// assert!((total.avg_actual_days - (0.25 + 1.5 + 0.75) / 3.0).abs() < 1e-12);
/// let planning = &summary.rows[1]; // rows are in key order: market, planning
/// assert_eq!((planning.cases, planning.on_time_rate), (2, 0.5));
/// assert_eq!(planning.avg_promised_days, Some(3.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::report::{CaseReport, GroupBy, ReportSpec};
///
/// let report = CaseReport::new(ReportSpec::new(GroupBy::Department));
/// let json = serde_json::to_string(&report)?;
/// assert_eq!(json, r#"{"spec":{"group_by":{"by":"department"}},"excluded":0,"groups":[]}"#);
/// assert_eq!(serde_json::from_str::<CaseReport>(&json)?, report);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawReport", into = "RawReport")]
pub struct CaseReport {
    spec: ReportSpec,
    excluded: u64,
    keys: Vec<GroupKey>,
    stats: Vec<GroupStats>,
    index: HashMap<GroupKey, usize>,
    /// For a grouping by department or item, the groups by their text, so
    /// that [`add`](Self::add) finds a group without building its key.
    by_text: HashMap<Box<str>, usize>,
}

/// The text of a department or item key.
fn key_text(key: &GroupKey) -> Option<&str> {
    match key {
        GroupKey::Department { department } => Some(department.as_str()),
        GroupKey::Item { item } => Some(item.as_str()),
        _ => None,
    }
}

impl CaseReport {
    /// An empty report for `spec`.
    ///
    /// # Example
    ///
    /// See [`CaseReport`].
    pub fn new(spec: ReportSpec) -> CaseReport {
        CaseReport {
            spec,
            excluded: 0,
            keys: Vec::new(),
            stats: Vec::new(),
            index: HashMap::new(),
            by_text: HashMap::new(),
        }
    }

    /// The report's spec.
    pub fn spec(&self) -> &ReportSpec {
        &self.spec
    }

    /// Cases left out by the spec's date range.
    pub fn excluded(&self) -> u64 {
        self.excluded
    }

    /// The groups' keys, in the order their slots were given out.
    pub fn keys(&self) -> &[GroupKey] {
        &self.keys
    }

    /// The slot of the group `key`, made if new.
    ///
    /// # Errors
    ///
    /// [`ReportError::KeyMismatch`] when `key` is not a key of the report's
    /// grouping (a department for a report by month, say, or a month that
    /// is not a calendar month).
    ///
    /// # Example
    ///
    /// See [`add_to`](Self::add_to).
    pub fn slot(&mut self, key: GroupKey) -> Result<GroupSlot, ReportError> {
        if let Some(&i) = self.index.get(&key) {
            return Ok(GroupSlot(i));
        }
        if !self.spec.group_by().fits(&key) {
            return Err(ReportError::KeyMismatch {
                key,
                group_by: self.spec.group_by().to_string(),
            });
        }
        Ok(GroupSlot(self.insert(key)))
    }

    fn insert(&mut self, key: GroupKey) -> usize {
        let i = self.keys.len();
        if let Some(text) = key_text(&key) {
            self.by_text.insert(text.into(), i);
        }
        self.index.insert(key.clone(), i);
        self.keys.push(key);
        self.stats.push(GroupStats::default());
        i
    }

    /// Adds a case to the group `slot`: the streaming hot path. A case
    /// concluded outside the spec's date range is only counted as excluded.
    ///
    /// # Errors
    ///
    /// [`ReportError::UnknownSlot`] for a slot this report never gave out.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::catalog::DepartmentId;
    /// use shenpi::report::{CaseFacts, CaseReport, GroupBy, GroupKey, ReportSpec};
    ///
    /// let mut report = CaseReport::new(ReportSpec::new(GroupBy::Department));
    /// let planning = report.slot(GroupKey::Department { department: DepartmentId::new("planning")? })?;
    /// let day = NaiveDate::from_ymd_opt(2022, 3, 9).unwrap();
    /// for fraction in [0.1, 0.2, 0.6] {
    ///     report.add_to(planning, &CaseFacts::new(day, 0, fraction)?)?;
    /// }
    /// let row = &report.summary().rows[0];
    /// assert_eq!(row.cases, 3);
    /// assert_eq!(row.median_actual_days, 0.2);
    /// assert_eq!(row.median_actual_legal_days, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn add_to(&mut self, slot: GroupSlot, facts: &CaseFacts) -> Result<(), ReportError> {
        let groups = self.stats.len();
        let Some(stats) = self.stats.get_mut(slot.0) else {
            return Err(ReportError::UnknownSlot { slot: slot.0, groups });
        };
        if self.spec.range().is_some_and(|r| !r.contains(facts.concluded_on())) {
            self.excluded = self.excluded.saturating_add(1);
        } else {
            stats.add(facts);
        }
        Ok(())
    }

    /// Adds a case of `item` with `placement`, finding its group by the
    /// spec's grouping; returns the group's slot.
    ///
    /// # Errors
    ///
    /// None in practice: the key is of the report's own grouping.
    ///
    /// # Example
    ///
    /// See [`CaseReport`].
    pub fn add(
        &mut self,
        item: &ApprovalItem,
        facts: &CaseFacts,
        placement: &Placement,
    ) -> Result<GroupSlot, ReportError> {
        let text = match self.spec.group_by() {
            GroupBy::Department => Some(item.department().as_str()),
            GroupBy::Item => Some(item.code().as_str()),
            _ => None,
        };
        if let Some(&i) = text.and_then(|t| self.by_text.get(t)) {
            let slot = GroupSlot(i);
            self.add_to(slot, facts)?;
            return Ok(slot);
        }
        let key = self.spec.group_by().key(item, facts.concluded_on(), placement);
        let slot = self.slot(key)?;
        self.add_to(slot, facts)?;
        Ok(slot)
    }

    /// Adds every case of `other`, a report with the same spec.
    ///
    /// # Errors
    ///
    /// [`ReportError::SpecMismatch`] when the specs differ; the report is
    /// left as it was.
    ///
    /// # Example
    ///
    /// See [`CaseReport`].
    pub fn merge(&mut self, other: &CaseReport) -> Result<(), ReportError> {
        if self.spec != other.spec {
            return Err(ReportError::SpecMismatch {
                ours: Box::new(self.spec.clone()),
                theirs: Box::new(other.spec.clone()),
            });
        }
        self.excluded = self.excluded.saturating_add(other.excluded);
        for (key, stats) in other.keys.iter().zip(&other.stats) {
            let i = match self.index.get(key) {
                Some(&i) => i,
                None => self.insert(key.clone()),
            };
            if let Some(mine) = self.stats.get_mut(i) {
                mine.merge(stats);
            }
        }
        Ok(())
    }

    /// The report as rows: one per group with cases, in key order, and the
    /// total over all of them (`None` when no case was kept).
    ///
    /// # Example
    ///
    /// See [`CaseReport`].
    pub fn summary(&self) -> ReportSummary {
        let groups = self.sorted_groups();
        let mut total = GroupStats::default();
        for (_, s) in &groups {
            total.merge(s);
        }
        ReportSummary {
            spec: self.spec.clone(),
            excluded: self.excluded,
            total: ReportRow::new(GroupKey::Total, &total),
            rows: groups.into_iter().filter_map(|(k, s)| ReportRow::new(k.clone(), s)).collect(),
        }
    }
}

impl CaseReport {
    /// The groups with cases, in key order.
    fn sorted_groups(&self) -> Vec<(&GroupKey, &GroupStats)> {
        let mut g: Vec<(&GroupKey, &GroupStats)> =
            self.keys.iter().zip(&self.stats).filter(|(_, s)| s.count > 0).collect();
        g.sort_by(|a, b| a.0.cmp(b.0));
        g
    }
}

impl PartialEq for CaseReport {
    /// Equal when they have the same spec, the same excluded count and the
    /// same statistics for every group with cases, whatever the order the
    /// groups were made in.
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
            && self.excluded == other.excluded
            && self.sorted_groups() == other.sorted_groups()
    }
}

impl Eq for CaseReport {}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawGroup {
    key: GroupKey,
    stats: RawStats,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawReport {
    spec: ReportSpec,
    excluded: u64,
    groups: Vec<RawGroup>,
}

impl From<CaseReport> for RawReport {
    fn from(r: CaseReport) -> Self {
        let mut groups: Vec<RawGroup> = r
            .keys
            .into_iter()
            .zip(&r.stats)
            .map(|(key, s)| RawGroup { key, stats: RawStats::from(s) })
            .collect();
        groups.sort_by(|a, b| a.key.cmp(&b.key));
        RawReport { spec: r.spec, excluded: r.excluded, groups }
    }
}

impl TryFrom<RawReport> for CaseReport {
    type Error = ReportError;

    fn try_from(raw: RawReport) -> Result<Self, ReportError> {
        let mut report = CaseReport::new(raw.spec);
        report.excluded = raw.excluded;
        for group in raw.groups {
            if report.index.contains_key(&group.key) {
                return Err(ReportError::Inconsistent { what: "a group key appears twice" });
            }
            let slot = report.slot(group.key)?;
            report.stats[slot.0] = GroupStats::try_from(group.stats)?;
        }
        Ok(report)
    }
}

/// One row of a case report: a group's promised-versus-actual figures.
///
/// Times are in working days. "Actual" is the fractional time over office
/// hours (suspended time excluded), "legal" the whole working days by the
/// legal count. Averages are exact means of the group's cases (sums are
/// kept in integers, fractional time in millionths of a working day);
/// quantiles are nearest-rank (the median of an even count is the lower
/// middle value): exact for the legal count, and for fractional time
/// within 1/128 of the exact value (see the [module](super) docs). Limit
/// figures cover the `limited_cases` whose limits count working days and
/// are `None` when there are none.
///
/// # Example
///
/// See [`CaseReport`]; the JSON form is pinned by
/// `tests/data/golden/report_summary.json`.
///
/// # JSON
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
/// use shenpi::report::{CaseFacts, CaseReport, GroupBy, Placement, ReportSpec};
///
/// let item = ApprovalItem::builder(ItemCode::new("XK-1")?, "许可", DepartmentId::new("market")?).build()?;
/// let mut report = CaseReport::new(ReportSpec::new(GroupBy::Department));
/// let day = NaiveDate::from_ymd_opt(2022, 3, 9).unwrap();
/// report.add(&item, &CaseFacts::new(day, 1, 0.5)?, &Placement::new())?;
/// let row = serde_json::to_value(&report.summary().rows[0])?;
/// assert_eq!(row["key"], serde_json::json!({"by": "department", "department": "market"}));
/// assert_eq!((row["cases"].as_u64(), row["avg_actual_days"].as_f64()), (Some(1), Some(0.5)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ReportRow {
    /// The group.
    pub key: GroupKey,
    /// Cases concluded.
    pub cases: u64,
    /// Instant cases (即办件).
    pub instant_cases: u64,
    /// Instant cases over cases (即办件率).
    pub instant_share: f64,
    /// Cases decided by the promised deadline.
    pub on_time_cases: u64,
    /// On-time cases over cases (按时办结率).
    pub on_time_rate: f64,
    /// Cases decided by the statutory deadline, over cases.
    pub within_statutory_rate: f64,
    /// Cases decided after the promised deadline.
    pub overdue_cases: u64,
    /// Working days late, summed over the overdue cases.
    pub overdue_working_days: u64,
    /// Mean actual time, fractional.
    pub avg_actual_days: f64,
    /// Least actual time, fractional.
    pub min_actual_days: f64,
    /// Greatest actual time, fractional.
    pub max_actual_days: f64,
    /// Median actual time, fractional (within 1/128).
    pub median_actual_days: f64,
    /// 90th percentile of actual time, fractional (within 1/128).
    pub p90_actual_days: f64,
    /// Mean actual time by the legal count.
    pub avg_actual_legal_days: f64,
    /// Least actual time by the legal count.
    pub min_actual_legal_days: u32,
    /// Greatest actual time by the legal count.
    pub max_actual_legal_days: u32,
    /// Median by the legal count, exact.
    pub median_actual_legal_days: u32,
    /// 90th percentile by the legal count, exact.
    pub p90_actual_legal_days: u32,
    /// Cases whose limits count working days: the ones behind the limit
    /// figures below.
    pub limited_cases: u64,
    /// Mean promised limit (承诺时限).
    pub avg_promised_days: Option<f64>,
    /// Mean statutory limit (法定时限).
    pub avg_statutory_days: Option<f64>,
    /// `1 − Σ promised / Σ statutory` (= 1 − mean promised / mean
    /// statutory): how far the promise is below the law, in `[0, 1]`.
    pub compression_vs_statutory: Option<f64>,
    /// Working days saved against the promise: mean promised limit minus
    /// mean actual time, over the limited cases (negative when late).
    pub saved_vs_promised_days: Option<f64>,
    /// Working days saved against the law: mean statutory limit minus mean
    /// actual time, over the limited cases.
    pub saved_vs_statutory_days: Option<f64>,
    /// Limited cases with a reference limit (the province's, say).
    pub referenced_cases: u64,
    /// Mean reference limit.
    pub avg_reference_days: Option<f64>,
    /// `1 − Σ promised / Σ reference` over the referenced cases; negative
    /// when the promise is longer than the reference.
    pub compression_vs_reference: Option<f64>,
    /// Cases whose outcome counted over a day of an estimated year
    /// ([`CaseOutcome::provisional`](crate::case::CaseOutcome::provisional)):
    /// the row is provisional while this is not 0. Left out of JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub provisional_cases: u64,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn rate(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn compression(promised: u64, base: u64) -> Option<f64> {
    (base > 0).then(|| 1.0 - promised as f64 / base as f64)
}

impl ReportRow {
    /// The row of `stats`, `None` when it holds no case.
    fn new(key: GroupKey, s: &GroupStats) -> Option<ReportRow> {
        let n = s.count;
        if n == 0 {
            return None;
        }
        let micro = super::MICRO_DAYS as f64;
        let days = |m: u64| m as f64 / micro;
        let avg_micro = mean(s.actual_micro, n) / micro;
        let limited = (s.limited > 0).then_some(s.limited);
        let avg_limited_actual = mean(s.limited_micro, s.limited) / micro;
        let avg_promised = limited.map(|l| mean(s.promised, l));
        let avg_statutory = limited.map(|l| mean(s.statutory, l));
        let referenced = (s.referenced > 0).then_some(s.referenced);
        Some(ReportRow {
            key,
            cases: n,
            instant_cases: s.instant,
            instant_share: rate(s.instant, n),
            on_time_cases: s.on_time,
            provisional_cases: s.provisional,
            on_time_rate: rate(s.on_time, n),
            within_statutory_rate: rate(s.within_statutory, n),
            overdue_cases: n - s.on_time,
            overdue_working_days: s.overdue_days,
            avg_actual_days: avg_micro,
            min_actual_days: days(s.min_micro),
            max_actual_days: days(s.max_micro),
            median_actual_days: s.micro_quantile(1, 2).unwrap_or_default() / micro,
            p90_actual_days: s.micro_quantile(9, 10).unwrap_or_default() / micro,
            avg_actual_legal_days: mean(s.actual_days, n),
            min_actual_legal_days: s.min_days,
            max_actual_legal_days: s.max_days,
            median_actual_legal_days: s.day_quantile(1, 2).unwrap_or_default(),
            p90_actual_legal_days: s.day_quantile(9, 10).unwrap_or_default(),
            limited_cases: s.limited,
            avg_promised_days: avg_promised,
            avg_statutory_days: avg_statutory,
            compression_vs_statutory: compression(s.promised, s.statutory)
                .filter(|_| limited.is_some()),
            saved_vs_promised_days: avg_promised.map(|p| p - avg_limited_actual),
            saved_vs_statutory_days: avg_statutory.map(|st| st - avg_limited_actual),
            referenced_cases: s.referenced,
            avg_reference_days: referenced.map(|r| mean(s.reference, r)),
            compression_vs_reference: compression(s.referenced_promised, s.reference)
                .filter(|_| referenced.is_some()),
        })
    }
}

/// A case report as rows for a portal's dashboard: the spec, the cases left
/// out by its date range, the total, and one row per group in key order.
///
/// # Example
///
/// See [`CaseReport`]; the JSON form is pinned by
/// `tests/data/golden/report_summary.json`.
///
/// # JSON
///
/// ```
/// use shenpi::report::{CaseReport, GroupBy, ReportSpec};
///
/// let summary = CaseReport::new(ReportSpec::new(GroupBy::Total)).summary();
/// assert_eq!(
///     serde_json::to_string(&summary)?,
///     r#"{"spec":{"group_by":{"by":"total"}},"excluded":0,"total":null,"rows":[]}"#,
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ReportSummary {
    /// What the report counts.
    pub spec: ReportSpec,
    /// Cases left out by the date range.
    pub excluded: u64,
    /// The row over every kept case, `None` when there is none.
    pub total: Option<ReportRow>,
    /// One row per group, in key order.
    pub rows: Vec<ReportRow>,
}
