use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::stats::mean;
use super::{GroupKey, ReportError};
use crate::graph::{ApprovalGraph, RunRecord};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct StepStats {
    steps: u64,
    decided: u64,
    limit_days: u64,
    actual_days: u64,
    on_time: u64,
    overdue_days: u64,
}

impl StepStats {
    fn merge(&mut self, o: &StepStats) {
        for (a, b) in [
            (&mut self.steps, o.steps),
            (&mut self.decided, o.decided),
            (&mut self.limit_days, o.limit_days),
            (&mut self.actual_days, o.actual_days),
            (&mut self.on_time, o.on_time),
            (&mut self.overdue_days, o.overdue_days),
        ] {
            *a = a.saturating_add(b);
        }
    }
}

/// Parallel-approval run statistics, accumulated over [`RunRecord`]s and
/// mergeable: runs ended, completed and on time against their plans, and
/// per stage and per step the planned limit against the working days each
/// decided step took.
///
/// # Example
///
/// ```
/// use shenpi::report::RunReport;
///
/// let report = RunReport::new();
/// let summary = report.summary();
/// assert_eq!(summary.runs, 0);
/// assert!(summary.stages.is_empty());
/// ```
///
/// See the `report` integration tests for a run of a real graph.
///
/// # JSON
///
/// ```
/// use shenpi::report::RunReport;
///
/// let report = RunReport::new();
/// let json = serde_json::to_value(&report)?;
/// assert_eq!((json["runs"].as_u64(), json["stages"].as_array().map(Vec::len)), (Some(0), Some(0)));
/// assert_eq!(serde_json::from_value::<RunReport>(json)?, report);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawRunReport", into = "RawRunReport")]
pub struct RunReport {
    raw: Counts,
}

/// The run counts, and the stage and step statistics by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Counts {
    runs: u64,
    ended: u64,
    completed: u64,
    on_time: u64,
    planned_days: u64,
    ended_planned_days: u64,
    ended_actual_days: u64,
    stages: BTreeMap<GroupKey, StepStats>,
    steps: BTreeMap<GroupKey, StepStats>,
}

/// A stage's or step's statistics as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct Keyed {
    key: GroupKey,
    stats: StepStats,
}

/// The stored form: the counts, and stages and steps as lists in key
/// order (JSON object keys must be strings).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawRunReport {
    runs: u64,
    ended: u64,
    completed: u64,
    on_time: u64,
    planned_days: u64,
    ended_planned_days: u64,
    ended_actual_days: u64,
    stages: Vec<Keyed>,
    steps: Vec<Keyed>,
}

impl TryFrom<RawRunReport> for RunReport {
    type Error = ReportError;

    fn try_from(stored: RawRunReport) -> Result<Self, ReportError> {
        let map = |list: Vec<Keyed>| -> Result<BTreeMap<GroupKey, StepStats>, ReportError> {
            let n = list.len();
            let map: BTreeMap<GroupKey, StepStats> =
                list.into_iter().map(|k| (k.key, k.stats)).collect();
            if map.len() != n {
                return Err(ReportError::Inconsistent { what: "a stage or step appears twice" });
            }
            Ok(map)
        };
        let raw = Counts {
            runs: stored.runs,
            ended: stored.ended,
            completed: stored.completed,
            on_time: stored.on_time,
            planned_days: stored.planned_days,
            ended_planned_days: stored.ended_planned_days,
            ended_actual_days: stored.ended_actual_days,
            stages: map(stored.stages)?,
            steps: map(stored.steps)?,
        };
        let fits = |s: &StepStats| s.on_time <= s.decided && s.decided <= s.steps;
        if raw.on_time > raw.completed
            || raw.completed > raw.ended
            || raw.ended > raw.runs
            || !raw.stages.values().chain(raw.steps.values()).all(fits)
        {
            return Err(ReportError::Inconsistent {
                what: "a run or step count exceeds its whole",
            });
        }
        if raw.stages.keys().any(|k| !matches!(k, GroupKey::Stage { .. }))
            || raw.steps.keys().any(|k| !matches!(k, GroupKey::Step { .. }))
        {
            return Err(ReportError::Inconsistent { what: "a stage or step row has another key" });
        }
        Ok(RunReport { raw })
    }
}

impl From<RunReport> for RawRunReport {
    fn from(r: RunReport) -> Self {
        let list = |m: BTreeMap<GroupKey, StepStats>| {
            m.into_iter().map(|(key, stats)| Keyed { key, stats }).collect()
        };
        let c = r.raw;
        RawRunReport {
            runs: c.runs,
            ended: c.ended,
            completed: c.completed,
            on_time: c.on_time,
            planned_days: c.planned_days,
            ended_planned_days: c.ended_planned_days,
            ended_actual_days: c.ended_actual_days,
            stages: list(c.stages),
            steps: list(c.steps),
        }
    }
}

impl RunReport {
    /// An empty report.
    pub fn new() -> RunReport {
        RunReport::default()
    }

    /// Adds the record of a run of `graph` (from
    /// [`GraphRun::record`](crate::graph::GraphRun::record)); a run counts
    /// as completed when its record says whether it was on time.
    ///
    /// # Errors
    ///
    /// [`ReportError::UnknownStep`] when the record names a step `graph`
    /// lacks; the report is left as it was.
    ///
    /// # Example
    ///
    /// See [`RunReport`].
    pub fn add(&mut self, graph: &ApprovalGraph, record: &RunRecord) -> Result<(), ReportError> {
        let me = &mut self.raw;
        let mut stages = Vec::with_capacity(record.steps.len());
        for s in &record.steps {
            let Some(step) = graph.step(&s.step) else {
                return Err(ReportError::UnknownStep { step: s.step.clone() });
            };
            stages.push(GroupKey::Stage { stage: step.stage().cloned() });
        }
        let add = |a: &mut u64, b: u64| *a = a.saturating_add(b);
        add(&mut me.runs, 1);
        add(&mut me.planned_days, u64::from(record.planned_working_days));
        if let Some(actual) = record.actual_working_days {
            add(&mut me.ended, 1);
            add(&mut me.ended_planned_days, u64::from(record.planned_working_days));
            add(&mut me.ended_actual_days, u64::from(actual));
            add(&mut me.completed, u64::from(record.on_time.is_some()));
            add(&mut me.on_time, u64::from(record.on_time == Some(true)));
        }
        for (s, stage) in record.steps.iter().zip(stages) {
            let mut one = StepStats { steps: 1, ..StepStats::default() };
            if let Some(actual) = s.actual_working_days {
                one.decided = 1;
                one.limit_days = u64::from(s.limit);
                one.actual_days = u64::from(actual);
                one.on_time = u64::from(actual <= s.limit);
                one.overdue_days = u64::from(actual.saturating_sub(s.limit));
            }
            me.stages.entry(stage).or_default().merge(&one);
            me.steps.entry(GroupKey::Step { step: s.step.clone() }).or_default().merge(&one);
        }
        Ok(())
    }

    /// Adds every run of `other`.
    ///
    /// # Example
    ///
    /// See [`RunReport`].
    pub fn merge(&mut self, other: &RunReport) {
        let (me, other) = (&mut self.raw, &other.raw);
        for (a, b) in [
            (&mut me.runs, other.runs),
            (&mut me.ended, other.ended),
            (&mut me.completed, other.completed),
            (&mut me.on_time, other.on_time),
            (&mut me.planned_days, other.planned_days),
            (&mut me.ended_planned_days, other.ended_planned_days),
            (&mut me.ended_actual_days, other.ended_actual_days),
        ] {
            *a = a.saturating_add(b);
        }
        for (k, v) in &other.stages {
            me.stages.entry(k.clone()).or_default().merge(v);
        }
        for (k, v) in &other.steps {
            me.steps.entry(k.clone()).or_default().merge(v);
        }
    }

    /// The figures: runs, then a row per stage and per step in key order.
    ///
    /// # Example
    ///
    /// See [`RunReport`].
    #[allow(clippy::cast_precision_loss)]
    pub fn summary(&self) -> RunSummary {
        let me = &self.raw;
        let rate = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
        let avg = |sum: u64, n: u64| (n > 0).then(|| mean(sum, n));
        let rows = |m: &BTreeMap<GroupKey, StepStats>| {
            m.iter()
                .map(|(key, s)| StepRow {
                    key: key.clone(),
                    steps: s.steps,
                    decided: s.decided,
                    on_time: s.on_time,
                    on_time_rate: rate(s.on_time, s.decided),
                    overdue: s.decided - s.on_time.min(s.decided),
                    overdue_working_days: s.overdue_days,
                    avg_limit_days: avg(s.limit_days, s.decided),
                    avg_actual_days: avg(s.actual_days, s.decided),
                })
                .collect()
        };
        RunSummary {
            runs: me.runs,
            ended: me.ended,
            completed: me.completed,
            on_time: me.on_time,
            on_time_rate: rate(me.on_time, me.completed),
            avg_planned_days: avg(me.planned_days, me.runs),
            avg_ended_planned_days: avg(me.ended_planned_days, me.ended),
            avg_ended_actual_days: avg(me.ended_actual_days, me.ended),
            stages: rows(&me.stages),
            steps: rows(&me.steps),
        }
    }
}

/// Run figures for a dashboard.
///
/// # Example
///
/// See [`RunReport`].
///
/// # JSON
///
/// ```
/// use shenpi::report::RunReport;
///
/// let json = serde_json::to_value(RunReport::new().summary())?;
/// assert_eq!(json["runs"], 0);
/// assert_eq!(json["on_time_rate"], serde_json::Value::Null); // no run completed
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RunSummary {
    /// Runs.
    pub runs: u64,
    /// Runs that ended (completed or failed).
    pub ended: u64,
    /// Runs completed.
    pub completed: u64,
    /// Runs completed by their planned finish.
    pub on_time: u64,
    /// `on_time / completed`.
    pub on_time_rate: Option<f64>,
    /// Mean planned working days of every run.
    pub avg_planned_days: Option<f64>,
    /// Mean planned working days of the ended runs.
    pub avg_ended_planned_days: Option<f64>,
    /// Mean actual working days of the ended runs.
    pub avg_ended_actual_days: Option<f64>,
    /// One row per stage (steps of no stage together), in key order.
    pub stages: Vec<StepRow>,
    /// One row per step, in key order.
    pub steps: Vec<StepRow>,
}

/// A stage's or a step's planned limits against the working days its
/// decided steps took.
///
/// # Example
///
/// See [`RunReport`].
///
/// # JSON
///
/// ```
/// use shenpi::report::StepRow;
///
/// let row: StepRow = serde_json::from_str(r#"{"key": {"by": "stage", "stage": "a"}, "steps": 2,
///   "decided": 1, "on_time": 1, "on_time_rate": 1.0, "overdue": 0, "overdue_working_days": 0,
///   "avg_limit_days": 1.0, "avg_actual_days": 1.0}"#)?;
/// assert_eq!((row.steps, row.on_time_rate), (2, Some(1.0)));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct StepRow {
    /// The stage or step.
    pub key: GroupKey,
    /// Step records (one per run and step).
    pub steps: u64,
    /// Of those, decided.
    pub decided: u64,
    /// Decided within their limit.
    pub on_time: u64,
    /// `on_time / decided`.
    pub on_time_rate: Option<f64>,
    /// Decided after their limit.
    pub overdue: u64,
    /// Working days beyond the limits, summed.
    pub overdue_working_days: u64,
    /// Mean limit of the decided steps.
    pub avg_limit_days: Option<f64>,
    /// Mean working days the decided steps took.
    pub avg_actual_days: Option<f64>,
}
