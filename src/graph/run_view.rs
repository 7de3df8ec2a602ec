use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::definition::Node;
use super::{ApprovalGraph, GraphError, GraphRun, Plan, RunState, StepId, StepStatus};
use crate::calendar::WorkCalendar;

/// A run seen at one instant: what can start, what is under way, what is
/// late, what blocks the finish, and when the run will likely finish.
///
/// # Example
///
/// See the crate's `parallel_approval` example.
///
/// # JSON
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::graph::{GraphRun, RunSnapshot};
/// # let at = |s| chrono::DateTime::parse_from_rfc3339(s).unwrap();
/// # use shenpi::catalog::{DepartmentId, ItemCode};
/// # use shenpi::graph::{ApprovalGraph, Step, StepId};
/// # use shenpi::limit::TimeLimit;
/// # let filing = StepId::new("filing")?;
/// # let graph = ApprovalGraph::builder("备案", filing.clone())
/// #     .step(Step::new(filing, ItemCode::new("XK-1")?, DepartmentId::new("发改局")?, TimeLimit::working_days(2)))
/// #     .build()?;
///
/// let run = GraphRun::new(&graph, at("2026-03-02T09:00:00+08:00"));
/// let snapshot = run.snapshot(&graph, &WorkCalendar::china(), at("2026-03-02T10:00:00+08:00"))?;
/// let json = serde_json::to_value(&snapshot)?;
/// assert_eq!(json["ready"], serde_json::json!(["filing"]));
/// assert_eq!(json["forecast_finish"], "2026-03-04");
/// assert_eq!(serde_json::from_value::<RunSnapshot>(json)?, snapshot);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RunSnapshot {
    /// The instant of the snapshot.
    pub at: DateTime<FixedOffset>,
    /// The run's state.
    pub state: RunState,
    /// Steps ready to start.
    pub ready: Vec<StepId>,
    /// Steps under way.
    pub in_progress: Vec<StepId>,
    /// Steps under way past their limit.
    pub overdue: Vec<StepId>,
    /// Pending steps on the remaining critical path: those that set the
    /// forecast finish.
    pub blocking: Vec<StepId>,
    /// The forecast finish: when the last end of the graph (a step nothing
    /// comes after) is forecast to finish, with done steps where they
    /// ended, steps under way finishing at their limit (or today, if
    /// already late), a denied step's fallback standing in for it, skipped
    /// steps passing (in no time) as soon as their joins allow, and the
    /// rest starting as soon as their joins allow and taking their limits.
    pub forecast_finish: NaiveDate,
}

/// One step's promised-versus-actual line in a [`RunRecord`].
///
/// # Example
///
/// See [`RunRecord`].
///
/// # JSON
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::graph::GraphRun;
/// # let at = |s| chrono::DateTime::parse_from_rfc3339(s).unwrap();
/// # use shenpi::catalog::{DepartmentId, ItemCode};
/// # use shenpi::graph::{ApprovalGraph, Step, StepId};
/// # use shenpi::limit::TimeLimit;
/// # let filing = StepId::new("filing")?;
/// # let graph = ApprovalGraph::builder("备案", filing.clone())
/// #     .step(Step::new(filing, ItemCode::new("XK-1")?, DepartmentId::new("发改局")?, TimeLimit::working_days(2)))
/// #     .build()?;
///
/// let run = GraphRun::new(&graph, at("2026-03-02T09:00:00+08:00"));
/// let record = run.record(&graph, &WorkCalendar::china())?;
/// assert_eq!(
///     serde_json::to_value(&record.steps[0])?,
///     serde_json::json!({"step": "filing", "limit": 2, "actual_working_days": null, "on_time": null}),
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct StepRecord {
    /// The step.
    pub step: StepId,
    /// Its limit in working days.
    pub limit: u32,
    /// Working days from its start to its decision, once decided.
    pub actual_working_days: Option<u32>,
    /// Whether it was decided within its limit, once decided.
    pub on_time: Option<bool>,
}

/// A run's promised-versus-actual record: the plan from the run's start
/// beside what happened, step by step and as a whole.
///
/// # Example
///
/// See the crate's `parallel_approval` example.
///
/// # JSON
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::graph::{GraphRun, RunRecord};
/// # let at = |s| chrono::DateTime::parse_from_rfc3339(s).unwrap();
/// # use shenpi::catalog::{DepartmentId, ItemCode};
/// # use shenpi::graph::{ApprovalGraph, Step, StepId};
/// # use shenpi::limit::TimeLimit;
/// # let filing = StepId::new("filing")?;
/// # let graph = ApprovalGraph::builder("备案", filing.clone())
/// #     .step(Step::new(filing, ItemCode::new("XK-1")?, DepartmentId::new("发改局")?, TimeLimit::working_days(2)))
/// #     .build()?;
///
/// let run = GraphRun::new(&graph, at("2026-03-02T09:00:00+08:00"));
/// let record = run.record(&graph, &WorkCalendar::china())?;
/// let json = serde_json::to_value(&record)?;
/// assert_eq!(json["planned_working_days"], 2);
/// assert_eq!(json["finish"], serde_json::Value::Null); // still running
/// assert_eq!(serde_json::from_value::<RunRecord>(json)?, record);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RunRecord {
    /// Working days of the parallel plan.
    pub planned_working_days: u32,
    /// The planned finish date.
    pub planned_finish: NaiveDate,
    /// Working days from the start to the end, once the run has ended.
    pub actual_working_days: Option<u32>,
    /// The day the run ended, if it has.
    pub finish: Option<NaiveDate>,
    /// Whether it completed by the planned finish, once completed.
    pub on_time: Option<bool>,
    /// Each planned step, in id order.
    pub steps: Vec<StepRecord>,
}

impl GraphRun {
    /// The checks of [`fit`](Self::fit), as a [`GraphError`].
    fn fit_graph(&self, graph: &ApprovalGraph) -> Result<(), GraphError> {
        match self.fit(graph) {
            Err(super::RunError::DoesNotFit {
                run_steps,
                run_stages,
                graph_steps,
                graph_stages,
            }) => {
                Err(GraphError::RunDoesNotFit { run_steps, run_stages, graph_steps, graph_stages })
            }
            Err(super::RunError::InconsistentSnapshot { what }) => {
                Err(GraphError::InconsistentRun { what })
            }
            // `fit` refuses a run for no other reason.
            _ => Ok(()),
        }
    }

    /// The run seen at `now`.
    ///
    /// # Errors
    ///
    /// [`GraphError::Calendar`] when a date falls outside the calendar;
    /// [`GraphError::RunDoesNotFit`] for a run of another graph, and
    /// [`GraphError::InconsistentRun`] for a stored run that contradicts
    /// its graph (its start step still waiting).
    ///
    /// # Example
    ///
    /// See the crate's `parallel_approval` example.
    pub fn snapshot(
        &self,
        graph: &ApprovalGraph,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
    ) -> Result<RunSnapshot, GraphError> {
        self.fit_graph(graph)?;
        let topo = graph.topology();
        let steps = self.step_statuses();
        let n = steps.len();
        let day = |t: &DateTime<FixedOffset>| cal.to_civil(t).date();
        let today = day(&now);
        let limit = |i: usize| graph.steps()[i].limit().amount();
        let mut finish: Vec<Option<NaiveDate>> = vec![None; n + graph.stages().len()];
        let mut driver: Vec<Option<usize>> = vec![None; finish.len()];
        let mut overdue = Vec::new();
        let joined = self.joined(graph);
        // When the join and the gate of waiting or skipped step `i` are
        // forecast to be met, not before `floor`, and what sets that date.
        let joined_at = |i: usize,
                         floor: NaiveDate,
                         finish: &[Option<NaiveDate>]|
         -> (NaiveDate, Option<usize>) {
            let preds = &topo.preds[i];
            let mut known: Vec<(NaiveDate, usize)> =
                preds.iter().filter_map(|&p| finish[p].map(|d| (d, p))).collect();
            known.sort_unstable();
            let needed = graph.steps()[i].join_rule().needed(preds.len()).min(known.len());
            let (mut start, mut by) = (floor, None);
            if needed > 0 {
                let (d, p) = known[needed - 1];
                if d >= start {
                    (start, by) = (d, Some(p));
                }
            }
            if let Some(g) = topo.gate_before[i] {
                if let Some(d) = finish[n + g].filter(|d| *d >= start) {
                    (start, by) = (d, Some(n + g));
                }
            }
            (start, by)
        };
        for node in &topo.order {
            match *node {
                Node::Step(i) => {
                    finish[i] = match &steps[i] {
                        // A denied step whose fallback stands in for it
                        // finishes when the fallback does.
                        StepStatus::Done { decision, .. }
                            if !decision.is_approval() && topo.fallback[i].is_some() =>
                        {
                            let mut f = topo.fallback[i];
                            let mut end = None;
                            while let Some(j) = f {
                                match &steps[j] {
                                    // Denied, or given up while it stood in:
                                    // the next fallback may have taken over.
                                    StepStatus::Done { decision, .. }
                                        if !decision.is_approval() =>
                                    {
                                        f = topo.fallback[j];
                                    }
                                    StepStatus::Skipped { .. } => f = topo.fallback[j],
                                    StepStatus::Done { at, .. } => {
                                        end = Some(day(at));
                                        break;
                                    }
                                    StepStatus::Ready { .. } => {
                                        end = Some(cal.add_working_days(today, limit(j))?);
                                        driver[i] = Some(j);
                                        break;
                                    }
                                    StepStatus::InProgress { since, .. } => {
                                        let due = cal.add_working_days(day(since), limit(j))?;
                                        end = Some(due.max(today));
                                        driver[i] = Some(j);
                                        break;
                                    }
                                    _ => break,
                                }
                            }
                            end
                        }
                        StepStatus::Done { at, .. } => Some(day(at)),
                        // A skipped step counts as passed once its join and
                        // gate are met: if they are, the later of the day it
                        // was skipped and the day they were met; if not,
                        // when its predecessors are forecast to meet them
                        // (today at the earliest). It takes no time of its
                        // own.
                        StepStatus::Skipped { at } if joined.get(i).copied().unwrap_or(true) => {
                            let (end, by) = joined_at(i, day(at), &finish);
                            driver[i] = by;
                            Some(end)
                        }
                        StepStatus::Skipped { at } => {
                            let (end, by) = joined_at(i, today.max(day(at)), &finish);
                            driver[i] = by;
                            Some(end)
                        }
                        StepStatus::NotNeeded { .. } => None,
                        StepStatus::InProgress { since, .. } => {
                            let due = cal.add_working_days(day(since), limit(i))?;
                            if cal.last_day_end(due, crate::calendar::Party::Agency)? < now {
                                overdue.push(graph.steps()[i].id().clone());
                            }
                            Some(due.max(today))
                        }
                        StepStatus::Ready { .. } => Some(cal.add_working_days(today, limit(i))?),
                        StepStatus::Waiting if topo.stands_in_for[i].is_some() => None,
                        StepStatus::Waiting => {
                            let (start, by) = joined_at(i, today, &finish);
                            driver[i] = by;
                            Some(cal.add_working_days(start, limit(i))?)
                        }
                    };
                }
                Node::Gate(g) => {
                    let node = n + g;
                    let mut at: Option<(NaiveDate, usize)> = None;
                    let prev = (g > 0).then(|| node - 1);
                    for p in topo.gate_steps[g].iter().copied().chain(prev) {
                        if let Some(d) = finish[p] {
                            if at.is_none_or(|(a, _)| d >= a) {
                                at = Some((d, p));
                            }
                        }
                    }
                    finish[node] = at.map(|(d, _)| d);
                    driver[node] = at.map(|(_, p)| p);
                }
            }
        }
        // The run ends when its ends (steps nothing comes after) and its
        // stage gates do; a branch a join will leave behind does not hold
        // it up. A gate counts only when it ends later than every end step.
        let last = (0..n)
            .filter(|&i| topo.succs[i].is_empty() && topo.stands_in_for[i].is_none())
            .filter_map(|i| finish[i].map(|d| (d, i)))
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
            .into_iter()
            .chain((n..finish.len()).filter_map(|g| finish[g].map(|d| (d, g))))
            .reduce(|best, c| if c.0 > best.0 { c } else { best });
        let forecast_finish = last.map_or(today, |(d, _)| d);
        let mut blocking = Vec::new();
        let mut at = last.map(|(_, i)| i);
        while let Some(v) = at {
            if v < n && steps[v].is_pending() {
                blocking.push(graph.steps()[v].id().clone());
            }
            at = driver[v];
        }
        blocking.reverse();
        let pick = |f: fn(&StepStatus) -> bool| -> Vec<StepId> {
            graph
                .steps()
                .iter()
                .zip(steps)
                .filter(|(_, s)| f(s))
                .map(|(st, _)| st.id().clone())
                .collect()
        };
        Ok(RunSnapshot {
            at: now,
            state: self.state(),
            ready: pick(|s| matches!(s, StepStatus::Ready { .. })),
            in_progress: pick(|s| matches!(s, StepStatus::InProgress { .. })),
            overdue,
            blocking,
            forecast_finish,
        })
    }

    /// The run's promised-versus-actual record.
    ///
    /// # Errors
    ///
    /// [`GraphError::Calendar`] when a date falls outside the calendar;
    /// [`GraphError::RunDoesNotFit`] for a run of another graph, and
    /// [`GraphError::InconsistentRun`] for a stored run that contradicts
    /// its graph (its start step still waiting).
    ///
    /// # Example
    ///
    /// See the crate's `parallel_approval` example.
    pub fn record(
        &self,
        graph: &ApprovalGraph,
        cal: &WorkCalendar,
    ) -> Result<RunRecord, GraphError> {
        self.fit_graph(graph)?;
        let day = |t: &DateTime<FixedOffset>| cal.to_civil(t).date();
        let begin = day(&self.started_at());
        let plan = Plan::new(graph, cal, begin)?;
        let mut steps = Vec::with_capacity(plan.steps().len());
        for planned in plan.steps() {
            let i = graph.position(&planned.step).unwrap_or_default();
            let actual = match &self.step_statuses()[i] {
                StepStatus::Done { started, at, .. } => {
                    Some(cal.working_days_between(day(started), day(at))?)
                }
                _ => None,
            };
            steps.push(StepRecord {
                step: planned.step.clone(),
                limit: planned.duration,
                actual_working_days: actual,
                on_time: actual.map(|a| a <= planned.duration),
            });
        }
        let finish = self.ended_at().map(|t| day(&t));
        let actual = match finish {
            Some(f) => Some(cal.working_days_between(begin, f)?),
            None => None,
        };
        let completed = self.state() == RunState::Completed;
        Ok(RunRecord {
            planned_working_days: plan.duration(),
            planned_finish: plan.finish_date(),
            actual_working_days: actual,
            finish,
            on_time: finish.filter(|_| completed).map(|f| f <= plan.finish_date()),
            steps,
        })
    }
}
