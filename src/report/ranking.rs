use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{GroupKey, NumberFault, ReportError, ReportRow, ReportSummary};

/// An indicator a ranking compares groups on, each with its better
/// direction.
///
/// # Example
///
/// ```
/// use shenpi::report::Indicator;
///
/// assert!(Indicator::OnTimeRate.higher_is_better());
/// assert!(!Indicator::AvgActualDays.higher_is_better());
/// assert_eq!(serde_json::to_string(&Indicator::OnTimeRate)?, r#""on_time_rate""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Indicator {
    /// On-time rate (higher is better).
    OnTimeRate,
    /// Share decided within the statutory limit (higher is better).
    WithinStatutoryRate,
    /// Instant-case share, 即办件率 (higher is better).
    InstantShare,
    /// Mean fractional actual time (lower is better).
    AvgActualDays,
    /// Median fractional actual time (lower is better).
    MedianActualDays,
    /// 90th percentile of fractional actual time (lower is better).
    P90ActualDays,
    /// Overdue cases (lower is better).
    OverdueCases,
    /// Working days overdue, summed (lower is better).
    OverdueWorkingDays,
    /// Compression of the promise against the law (higher is better).
    CompressionVsStatutory,
    /// Compression of the promise against the reference (higher is
    /// better).
    CompressionVsReference,
    /// Working days saved against the promise (higher is better).
    SavedVsPromisedDays,
}

impl Indicator {
    /// Whether a higher value is better.
    pub const fn higher_is_better(&self) -> bool {
        !matches!(
            self,
            Indicator::AvgActualDays
                | Indicator::MedianActualDays
                | Indicator::P90ActualDays
                | Indicator::OverdueCases
                | Indicator::OverdueWorkingDays
        )
    }

    /// The indicator's value in `row`; `None` for a limit figure the row
    /// lacks.
    ///
    /// # Example
    ///
    /// See [`Ranking`].
    #[allow(clippy::cast_precision_loss)]
    pub fn value(&self, row: &ReportRow) -> Option<f64> {
        match self {
            Indicator::OnTimeRate => Some(row.on_time_rate),
            Indicator::WithinStatutoryRate => Some(row.within_statutory_rate),
            Indicator::InstantShare => Some(row.instant_share),
            Indicator::AvgActualDays => Some(row.avg_actual_days),
            Indicator::MedianActualDays => Some(row.median_actual_days),
            Indicator::P90ActualDays => Some(row.p90_actual_days),
            Indicator::OverdueCases => Some(row.overdue_cases as f64),
            Indicator::OverdueWorkingDays => Some(row.overdue_working_days as f64),
            Indicator::CompressionVsStatutory => row.compression_vs_statutory,
            Indicator::CompressionVsReference => row.compression_vs_reference,
            Indicator::SavedVsPromisedDays => row.saved_vs_promised_days,
        }
    }

    /// `a` against `b`, better first.
    fn compare(&self, a: f64, b: f64) -> Ordering {
        if self.higher_is_better() {
            b.total_cmp(&a)
        } else {
            a.total_cmp(&b)
        }
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Indicator::OnTimeRate => "on-time rate",
            Indicator::WithinStatutoryRate => "within-statutory rate",
            Indicator::InstantShare => "instant-case share",
            Indicator::AvgActualDays => "mean actual days",
            Indicator::MedianActualDays => "median actual days",
            Indicator::P90ActualDays => "90th-percentile actual days",
            Indicator::OverdueCases => "overdue cases",
            Indicator::OverdueWorkingDays => "overdue working days",
            Indicator::CompressionVsStatutory => "compression against the statutory limit",
            Indicator::CompressionVsReference => "compression against the reference limit",
            Indicator::SavedVsPromisedDays => "working days saved against the promise",
        })
    }
}

/// Which ranked groups are flagged as laggards (正反激励: laggards are
/// called in).
///
/// In JSON, internally tagged: `{"rule": "not_flagged"}`, `{"rule":
/// "bottom", "count": 2}`,
/// `{"rule": "worse_than", "indicator": "on_time_rate", "threshold":
/// 0.95}`.
///
/// # Example
///
/// See [`Ranking`].
///
/// # JSON
///
/// ```
/// use shenpi::report::Laggards;
///
/// assert_eq!(serde_json::to_string(&Laggards::Bottom { count: 2 })?, r#"{"rule":"bottom","count":2}"#);
/// assert_eq!(serde_json::from_str::<Laggards>(r#"{"rule": "not_flagged"}"#)?, Laggards::NotFlagged);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Laggards {
    /// No group is flagged.
    NotFlagged,
    /// The last `count` positions; groups tied with the last of them are
    /// flagged too.
    Bottom {
        /// How many.
        count: u32,
    },
    /// Groups whose `indicator` is worse than `threshold` (below it when
    /// higher is better, above it otherwise); a group lacking the
    /// indicator is not flagged.
    WorseThan {
        /// The indicator.
        indicator: Indicator,
        /// The threshold.
        threshold: f64,
    },
}

/// How to rank: the indicators compared in order (the first decides,
/// later ones break ties), the least cases a group needs to be ranked, and
/// which groups to flag.
///
/// In JSON: `{"indicators": ["on_time_rate"], "min_cases": 10,
/// "laggards": {"rule": "bottom", "count": 2}}` (`min_cases` may be left
/// out), checked when decoded.
///
/// # Example
///
/// See [`Ranking`].
///
/// # JSON
///
/// ```
/// use shenpi::report::RankingSpec;
///
/// let json = r#"{"indicators":["on_time_rate"],"min_cases":10,"laggards":{"rule":"bottom","count":2}}"#;
/// let spec: RankingSpec = serde_json::from_str(json)?;
/// assert_eq!(serde_json::to_string(&spec)?, json);
/// // Checked when decoded: at least one indicator.
/// assert!(serde_json::from_str::<RankingSpec>(r#"{"indicators": [], "laggards": {"rule": "not_flagged"}}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawRankingSpec", into = "RawRankingSpec")]
pub struct RankingSpec {
    indicators: Vec<Indicator>,
    min_cases: u64,
    laggards: Laggards,
}

/// The serde form of a ranking spec, checked when decoded.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawRankingSpec {
    indicators: Vec<Indicator>,
    #[serde(default)]
    min_cases: u64,
    laggards: Laggards,
}

impl TryFrom<RawRankingSpec> for RankingSpec {
    type Error = ReportError;

    fn try_from(raw: RawRankingSpec) -> Result<Self, ReportError> {
        Ok(RankingSpec::new(raw.indicators, raw.laggards)?.min_cases(raw.min_cases))
    }
}

impl From<RankingSpec> for RawRankingSpec {
    fn from(s: RankingSpec) -> Self {
        RawRankingSpec { indicators: s.indicators, min_cases: s.min_cases, laggards: s.laggards }
    }
}

impl RankingSpec {
    /// Ranks on `indicators` in order, flagging `laggards`; every group
    /// with a case is ranked until [`min_cases`](Self::min_cases) says
    /// otherwise.
    ///
    /// # Errors
    ///
    /// [`ReportError::NoIndicators`] for an empty list;
    /// [`ReportError::InvalidThreshold`] for a threshold that is not a
    /// finite number.
    pub fn new(indicators: Vec<Indicator>, laggards: Laggards) -> Result<RankingSpec, ReportError> {
        if indicators.is_empty() {
            return Err(ReportError::NoIndicators);
        }
        if let Laggards::WorseThan { indicator, threshold } = laggards {
            let fault = if threshold.is_nan() {
                Some(NumberFault::NotANumber)
            } else if threshold.is_infinite() {
                Some(NumberFault::Infinite)
            } else {
                None
            };
            if let Some(fault) = fault {
                return Err(ReportError::InvalidThreshold { indicator, fault });
            }
        }
        Ok(RankingSpec { indicators, min_cases: 0, laggards })
    }

    /// Leaves groups with fewer than `cases` cases unranked.
    pub fn min_cases(mut self, cases: u64) -> RankingSpec {
        self.min_cases = cases;
        self
    }

    /// The indicators, in order.
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }
}

/// One ranked group.
///
/// # Example
///
/// See [`Ranking`].
///
/// # JSON
///
/// ```
/// use shenpi::report::RankedGroup;
///
/// let group: RankedGroup = serde_json::from_str(r#"{"position": 2,
///   "key": {"by": "department", "department": "planning"}, "cases": 4, "values": [0.75, 0.5], "laggard": true}"#)?;
/// assert_eq!((group.position, group.laggard), (2, true));
/// assert_eq!(group.key.to_string(), "department planning");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RankedGroup {
    /// Its position from 1; tied groups share a position and the next one
    /// skips (1, 2, 2, 4).
    pub position: u32,
    /// The group.
    pub key: GroupKey,
    /// Its cases.
    pub cases: u64,
    /// Its value of each indicator, in the spec's order.
    pub values: Vec<f64>,
    /// Whether it is flagged as a laggard.
    pub laggard: bool,
}

/// A ranking of a report's groups (usually departments) on chosen
/// indicators, laggards flagged: the table behind 正反激励.
///
/// Groups are ordered on the first indicator, ties broken by the next, and
/// so on; groups tied on every indicator share a position and are listed
/// in key order. Groups with fewer cases than the spec's minimum, or
/// lacking one of the indicators (no working-day limits, say), are listed
/// as unranked.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
/// use shenpi::report::{
///     CaseFacts, CaseReport, GroupBy, Indicator, Laggards, Placement, Ranking, RankingSpec,
///     ReportSpec,
/// };
///
/// let day = NaiveDate::from_ymd_opt(2022, 3, 9).unwrap();
/// let mut report = CaseReport::new(ReportSpec::new(GroupBy::Department));
/// for (dept, late) in [("planning", 0), ("market", 1), ("water", 2)] {
///     let item = ApprovalItem::builder(ItemCode::new(dept)?, "许可", DepartmentId::new(dept)?).build()?;
///     for i in 0..4 {
///         let facts = CaseFacts::new(day, 1, 0.5)?;
///         let facts = if i < late { facts.late(1) } else { facts };
///         report.add(&item, &facts, &Placement::new())?;
///     }
/// }
/// let spec = RankingSpec::new(
///     vec![Indicator::OnTimeRate, Indicator::AvgActualDays],
///     Laggards::WorseThan { indicator: Indicator::OnTimeRate, threshold: 0.9 },
/// )?;
/// let ranking = Ranking::new(&report.summary(), &spec);
/// let order: Vec<String> = ranking.ranked.iter().map(|g| g.key.to_string()).collect();
/// assert_eq!(order, ["department planning", "department market", "department water"]);
/// assert_eq!(ranking.ranked[1].values, [0.75, 0.5]);
/// let laggards: Vec<bool> = ranking.ranked.iter().map(|g| g.laggard).collect();
/// assert_eq!(laggards, [false, true, true]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::report::{CaseReport, GroupBy, Indicator, Laggards, Ranking, RankingSpec, ReportSpec};
///
/// let summary = CaseReport::new(ReportSpec::new(GroupBy::Department)).summary();
/// let spec = RankingSpec::new(vec![Indicator::OnTimeRate], Laggards::NotFlagged)?;
/// let ranking = Ranking::new(&summary, &spec);
/// let json = serde_json::to_string(&ranking)?;
/// assert_eq!(json, r#"{"indicators":["on_time_rate"],"ranked":[],"unranked":[]}"#);
/// assert_eq!(serde_json::from_str::<Ranking>(&json)?, ranking);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Ranking {
    /// The indicators, in order.
    pub indicators: Vec<Indicator>,
    /// The ranked groups, best first.
    pub ranked: Vec<RankedGroup>,
    /// Groups left unranked (too few cases, or an indicator missing), in
    /// key order.
    pub unranked: Vec<GroupKey>,
}

impl Ranking {
    /// Ranks the rows of `summary` by `spec`.
    ///
    /// # Example
    ///
    /// See [`Ranking`].
    pub fn new(summary: &ReportSummary, spec: &RankingSpec) -> Ranking {
        let mut ranked = Vec::new();
        let mut unranked = Vec::new();
        for row in &summary.rows {
            let values: Option<Vec<f64>> = spec.indicators.iter().map(|i| i.value(row)).collect();
            match values {
                Some(values) if row.cases >= spec.min_cases => ranked.push(RankedGroup {
                    position: 0,
                    key: row.key.clone(),
                    cases: row.cases,
                    values,
                    laggard: false,
                }),
                _ => unranked.push(row.key.clone()),
            }
        }
        let compare = |a: &RankedGroup, b: &RankedGroup| {
            spec.indicators
                .iter()
                .zip(a.values.iter().zip(&b.values))
                .map(|(ind, (x, y))| ind.compare(*x, *y))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        };
        ranked.sort_by(|a, b| compare(a, b).then_with(|| a.key.cmp(&b.key)));
        let mut position = 0u32;
        for i in 0..ranked.len() {
            if i == 0 || compare(&ranked[i - 1], &ranked[i]).is_ne() {
                position = u32::try_from(i + 1).unwrap_or(u32::MAX);
            }
            ranked[i].position = position;
        }
        match spec.laggards {
            Laggards::NotFlagged => {}
            Laggards::Bottom { count } => {
                let count = usize::try_from(count).unwrap_or(usize::MAX);
                if count > 0 && !ranked.is_empty() {
                    let cut = ranked[ranked.len().saturating_sub(count)].position;
                    for g in &mut ranked {
                        g.laggard = g.position >= cut;
                    }
                }
            }
            Laggards::WorseThan { indicator, threshold } => {
                for g in &mut ranked {
                    let value = spec.indicators.iter().position(|i| *i == indicator).map_or_else(
                        || {
                            summary
                                .rows
                                .iter()
                                .find(|r| r.key == g.key)
                                .and_then(|r| indicator.value(r))
                        },
                        |j| g.values.get(j).copied(),
                    );
                    g.laggard = value.is_some_and(|v| indicator.compare(v, threshold).is_gt());
                }
            }
        }
        Ranking { indicators: spec.indicators.clone(), ranked, unranked }
    }
}
