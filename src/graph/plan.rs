use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::definition::Node;
use super::{ApprovalGraph, GraphError, StepId};
use crate::calendar::{CalendarError, WorkCalendar};

/// One step's place in a [`Plan`], in working days counted from the plan's
/// start (day 0; like every limit, the start day itself is not counted) and
/// as dates on the plan's calendar.
///
/// # Example
///
/// See [`Plan`].
///
/// # JSON
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::graph::Plan;
/// # use shenpi::catalog::{DepartmentId, ItemCode};
/// # use shenpi::graph::{ApprovalGraph, Step, StepId};
/// # use shenpi::limit::TimeLimit;
/// # let filing = StepId::new("filing")?;
/// # let graph = ApprovalGraph::builder("备案", filing.clone())
/// #     .step(Step::new(filing, ItemCode::new("XK-1")?, DepartmentId::new("发改局")?, TimeLimit::working_days(2)))
/// #     .build()?;
///
/// let plan = Plan::new(&graph, &WorkCalendar::china(), chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())?;
/// let json = serde_json::to_value(&plan.steps()[0])?;
/// assert_eq!(json["step"], "filing");
/// assert_eq!((json["earliest_start"].as_u64(), json["earliest_finish"].as_u64()), (Some(0), Some(2)));
/// assert_eq!(json["finish_date"], "2026-03-04");
/// assert_eq!(json["critical"], true);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct StepPlan {
    /// The step.
    pub step: StepId,
    /// Its duration: the step's limit in working days.
    pub duration: u32,
    /// The earliest working day it can start after (its predecessors done).
    pub earliest_start: u32,
    /// `earliest_start + duration`.
    pub earliest_finish: u32,
    /// The latest start that does not delay the plan.
    pub latest_start: u32,
    /// `latest_start + duration`.
    pub latest_finish: u32,
    /// `latest_start - earliest_start`: how late it may run without delaying
    /// the whole plan. Exact when every join is an all-join. With any- or
    /// at-least-k joins it is a safe lower bound: slipping by the slack
    /// never delays the plan, but a step tied with another at such a join
    /// may be able to slip further (finding the exact figure needs a
    /// what-if per step).
    pub slack: u32,
    /// Whether it is on a critical path: no slack, and finishing within the
    /// plan (a branch a join leaves behind, running on past the end, has no
    /// slack either but holds nothing up).
    pub critical: bool,
    /// The date of `earliest_start` (the day its predecessors end).
    pub start_date: NaiveDate,
    /// The date of `earliest_finish`: its due date when it starts as early
    /// as it can.
    pub finish_date: NaiveDate,
    /// The date of `latest_finish`.
    pub latest_finish_date: NaiveDate,
}

/// The schedule of an approval graph from a start date on a calendar:
/// earliest and latest start and finish of every step, slack, the critical
/// path, and the parallel plan's duration beside the serial one (the same
/// steps one after another).
///
/// Steps run as soon as their join rule and stage gate allow: an all-join
/// waits for every predecessor, an any-join for the first to finish, an
/// at-least-k join for the k-th. Fallback steps, which run only when their
/// step is denied, are left out of the plan.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::catalog::{DepartmentId, ItemCode};
/// use shenpi::graph::{ApprovalGraph, Plan, Step, StepId};
/// use shenpi::limit::TimeLimit;
///
/// let step = |id: &str, days, after: &[&str]| {
///     Step::new(
///         StepId::new(id).unwrap(),
///         ItemCode::new(id).unwrap(),
///         DepartmentId::new(id).unwrap(),
///         TimeLimit::working_days(days),
///     )
///     .after(after.iter().map(|a| StepId::new(a).unwrap()))
/// };
/// let graph = ApprovalGraph::builder("extension", StepId::new("filing")?)
///     .step(step("filing", 1, &[]))
///     .step(step("land", 10, &["filing"]))
///     .step(step("environment", 15, &["filing"]))
///     .step(step("licence", 5, &["land", "environment"]))
///     .build()?;
/// let cal = WorkCalendar::china();
/// let plan = Plan::new(&graph, &cal, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())?;
/// assert_eq!(plan.duration(), 21); // 1 + 15 + 5
/// assert_eq!(plan.serial_duration(), 31); // 1 + 10 + 15 + 5
/// let path: Vec<_> = plan.critical_path().iter().map(|s| s.as_str()).collect();
/// assert_eq!(path, ["filing", "environment", "licence"]);
/// assert_eq!(plan.step(&StepId::new("land")?).unwrap().slack, 5);
/// assert_eq!(plan.finish_date().to_string(), "2026-03-31");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::graph::Plan;
/// # use shenpi::catalog::{DepartmentId, ItemCode};
/// # use shenpi::graph::{ApprovalGraph, Step, StepId};
/// # use shenpi::limit::TimeLimit;
/// # let filing = StepId::new("filing")?;
/// # let graph = ApprovalGraph::builder("备案", filing.clone())
/// #     .step(Step::new(filing, ItemCode::new("XK-1")?, DepartmentId::new("发改局")?, TimeLimit::working_days(2)))
/// #     .build()?;
///
/// let plan = Plan::new(&graph, &WorkCalendar::china(), chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())?;
/// let json = serde_json::to_value(&plan)?;
/// assert_eq!(json["duration"], 2);
/// assert_eq!(json["critical_path"], serde_json::json!(["filing"]));
/// assert_eq!(json["finish_date"], "2026-03-04");
/// assert_eq!(serde_json::from_value::<Plan>(json)?, plan);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Plan {
    start: NaiveDate,
    steps: Vec<StepPlan>,
    duration: u32,
    serial_duration: u32,
    critical_path: Vec<StepId>,
    finish_date: NaiveDate,
}

/// The forward and backward passes, by node index (steps, then gates).
struct Passes {
    es: Vec<u32>,
    ef: Vec<u32>,
    lf: Vec<u32>,
    planned: Vec<bool>,
    /// For each step, the predecessor (step or gate node) fixing its
    /// earliest start, if any.
    driver: Vec<Option<usize>>,
    duration: u32,
}

/// Runs both passes with the given durations (indexed by step).
fn passes(graph: &ApprovalGraph, durations: &[u32]) -> Passes {
    let topo = graph.topology();
    let n = graph.steps().len();
    let gates = graph.stages().len();
    let total = n + gates;
    let mut es = vec![0u32; total];
    let mut ef = vec![0u32; total];
    let mut driver: Vec<Option<usize>> = vec![None; total];
    // Fallback steps run only on denial: not planned.
    let planned: Vec<bool> = (0..n).map(|i| topo.stands_in_for[i].is_none()).collect();
    // Binding predecessors of each step (node indices), kept for the
    // backward pass.
    let mut binding: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut scratch: Vec<(u32, usize)> = Vec::new();
    for node in &topo.order {
        match *node {
            Node::Step(i) => {
                if !planned[i] {
                    continue;
                }
                let mut start = 0;
                let mut from = None;
                let preds = &topo.preds[i];
                if !preds.is_empty() {
                    scratch.clear();
                    scratch.extend(preds.iter().map(|&p| (ef[p], p)));
                    scratch.sort_unstable();
                    let needed = graph.steps()[i].join_rule().needed(preds.len()).max(1);
                    let (at, p) = scratch[needed - 1];
                    binding[i].extend(scratch[..needed].iter().map(|&(_, p)| p));
                    start = at;
                    from = Some(p);
                }
                if let Some(g) = topo.gate_before[i] {
                    let gate = n + g;
                    binding[i].push(gate);
                    if from.is_none() || ef[gate] > start {
                        start = ef[gate];
                        from = Some(gate);
                    }
                }
                es[i] = start;
                ef[i] = start.saturating_add(durations[i]);
                driver[i] = from;
            }
            Node::Gate(g) => {
                let node = n + g;
                let mut at = 0;
                let mut from = None;
                for &i in &topo.gate_steps[g] {
                    if ef[i] >= at {
                        at = ef[i];
                        from = Some(i);
                    }
                }
                if g > 0 && ef[node - 1] >= at {
                    at = ef[node - 1];
                    from = Some(node - 1);
                }
                es[node] = at;
                ef[node] = at;
                driver[node] = from;
            }
        }
    }
    // The plan ends when its ends do: the steps nothing comes after, and the
    // stage gates. A branch that an any- or at-least-k join leaves behind
    // may run on past that, but nothing waits for it.
    let duration = (0..n)
        .filter(|&i| planned[i] && topo.succs[i].is_empty())
        .map(|i| ef[i])
        .max()
        .unwrap_or(0);
    let duration = (n..total).map(|g| ef[g]).fold(duration, u32::max);

    // Backward: a node must finish by the latest start of every node it
    // binds.
    let mut lf: Vec<u32> = (0..total).map(|v| duration.max(ef[v])).collect();
    for node in topo.order.iter().rev() {
        match *node {
            Node::Step(i) => {
                if !planned[i] {
                    continue;
                }
                let ls = lf[i].saturating_sub(durations[i]);
                for &p in &binding[i] {
                    lf[p] = lf[p].min(ls);
                }
            }
            Node::Gate(g) => {
                let node = n + g;
                let ls = lf[node];
                for &i in &topo.gate_steps[g] {
                    lf[i] = lf[i].min(ls);
                }
                if g > 0 {
                    lf[node - 1] = lf[node - 1].min(ls);
                }
            }
        }
    }
    Passes { es, ef, lf, planned, driver, duration }
}

impl Plan {
    /// Plans `graph` from `start` on `cal`, each step taking its limit.
    ///
    /// # Errors
    ///
    /// [`GraphError::Calendar`] when a date of the plan falls outside the
    /// calendar's covered years.
    ///
    /// # Example
    ///
    /// See [`Plan`].
    pub fn new(
        graph: &ApprovalGraph,
        cal: &WorkCalendar,
        start: NaiveDate,
    ) -> Result<Plan, GraphError> {
        let durations: Vec<u32> = graph.steps().iter().map(|s| s.limit().amount()).collect();
        Plan::with_durations(graph, cal, start, &durations)
    }

    fn with_durations(
        graph: &ApprovalGraph,
        cal: &WorkCalendar,
        start: NaiveDate,
        durations: &[u32],
    ) -> Result<Plan, GraphError> {
        let p = passes(graph, durations);
        let n = graph.steps().len();
        let date =
            |days: u32| -> Result<NaiveDate, CalendarError> { cal.add_working_days(start, days) };
        let mut steps = Vec::with_capacity(n);
        for (i, step) in graph.steps().iter().enumerate() {
            if !p.planned[i] {
                continue;
            }
            let latest_start = p.lf[i].saturating_sub(durations[i]);
            let slack = latest_start.saturating_sub(p.es[i]);
            steps.push(StepPlan {
                step: step.id().clone(),
                duration: durations[i],
                earliest_start: p.es[i],
                earliest_finish: p.ef[i],
                latest_start,
                latest_finish: p.lf[i],
                slack,
                critical: slack == 0 && p.ef[i] <= p.duration,
                start_date: date(p.es[i])?,
                finish_date: date(p.ef[i])?,
                latest_finish_date: date(p.lf[i])?,
            });
        }
        // The critical path: from the step finishing last (smallest id on a
        // tie), back through what fixed each start.
        // From the end finishing last (an end step, smallest id on a tie; a
        // stage gate only when it ends later than every end step).
        let topo = graph.topology();
        let ends = (0..n).filter(|&i| p.planned[i] && topo.succs[i].is_empty());
        let gates = n..n + graph.stages().len();
        let last = ends
            .max_by(|&a, &b| p.ef[a].cmp(&p.ef[b]).then(b.cmp(&a)))
            .into_iter()
            .chain(gates)
            .reduce(|best, v| if p.ef[v] > p.ef[best] { v } else { best });
        let mut critical_path = Vec::new();
        let mut at = last;
        while let Some(v) = at {
            if v < n {
                critical_path.push(graph.steps()[v].id().clone());
            }
            at = p.driver[v];
        }
        critical_path.reverse();
        let serial_duration =
            (0..n).filter(|&i| p.planned[i]).fold(0u32, |sum, i| sum.saturating_add(durations[i]));
        Ok(Plan {
            start,
            steps,
            duration: p.duration,
            serial_duration,
            critical_path,
            finish_date: date(p.duration)?,
        })
    }

    /// The plan's start date (day 0).
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Working days from the start to the end of the parallel plan.
    pub fn duration(&self) -> u32 {
        self.duration
    }

    /// Working days if the same steps ran one after another.
    pub fn serial_duration(&self) -> u32 {
        self.serial_duration
    }

    /// How much shorter the parallel plan is than the serial one:
    /// `1 − duration / serial`, in `[0, 1]` (0 for an empty serial plan).
    ///
    /// # Example
    ///
    /// See [`Plan`]: 1 − 21/31 ≈ 0.32 there.
    pub fn compression(&self) -> f64 {
        if self.serial_duration == 0 {
            0.0
        } else {
            1.0 - f64::from(self.duration) / f64::from(self.serial_duration)
        }
    }

    /// The date the parallel plan ends.
    pub fn finish_date(&self) -> NaiveDate {
        self.finish_date
    }

    /// The steps on the critical path, from the start to the step finishing
    /// last: each one fixes the earliest start of the next. Their durations
    /// add up to [`duration`](Self::duration).
    pub fn critical_path(&self) -> &[StepId] {
        &self.critical_path
    }

    /// Every planned step, in id order.
    pub fn steps(&self) -> &[StepPlan] {
        &self.steps
    }

    /// One step's plan (`None` for an unknown step or a fallback).
    pub fn step(&self, id: &StepId) -> Option<&StepPlan> {
        self.steps.binary_search_by(|s| s.step.cmp(id)).ok().map(|i| &self.steps[i])
    }

    /// What-if: the plan if `step` took `extra` more working days. Returns
    /// the new plan; compare its [`finish_date`](Self::finish_date) with
    /// this one's.
    ///
    /// # Errors
    ///
    /// [`GraphError::NoSuchStep`] for a step not in the graph;
    /// [`GraphError::Calendar`] when a date falls outside the calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::catalog::{DepartmentId, ItemCode};
    /// use shenpi::graph::{ApprovalGraph, Plan, Step, StepId};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let step = |id: &str, days, after: &[&str]| {
    ///     Step::new(
    ///         StepId::new(id).unwrap(),
    ///         ItemCode::new(id).unwrap(),
    ///         DepartmentId::new(id).unwrap(),
    ///         TimeLimit::working_days(days),
    ///     )
    ///     .after(after.iter().map(|a| StepId::new(a).unwrap()))
    /// };
    /// let graph = ApprovalGraph::builder("extension", StepId::new("filing")?)
    ///     .step(step("filing", 1, &[]))
    ///     .step(step("land", 10, &["filing"]))
    ///     .step(step("environment", 15, &["filing"]))
    ///     .build()?;
    /// let cal = WorkCalendar::china();
    /// let plan = Plan::new(&graph, &cal, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())?;
    /// // Land has 5 days of slack: 3 more cost nothing, 8 more cost 3.
    /// let land = StepId::new("land")?;
    /// assert_eq!(plan.what_if(&graph, &cal, &land, 3)?.duration(), plan.duration());
    /// assert_eq!(plan.what_if(&graph, &cal, &land, 8)?.duration(), plan.duration() + 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn what_if(
        &self,
        graph: &ApprovalGraph,
        cal: &WorkCalendar,
        step: &StepId,
        extra: u32,
    ) -> Result<Plan, GraphError> {
        let i =
            graph.position(step).ok_or_else(|| GraphError::NoSuchStep { step: step.clone() })?;
        let mut durations: Vec<u32> = graph.steps().iter().map(|s| s.limit().amount()).collect();
        durations[i] = durations[i].saturating_add(extra);
        Plan::with_durations(graph, cal, self.start, &durations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{DepartmentId, ItemCode};
    use crate::graph::{Join, Step};
    use crate::limit::TimeLimit;

    fn step(id: &str, days: u32, after: &[&str]) -> Step {
        Step::new(
            StepId::new(id).unwrap(),
            ItemCode::new(id).unwrap(),
            DepartmentId::new(id).unwrap(),
            TimeLimit::working_days(days),
        )
        .after(after.iter().map(|a| StepId::new(a).unwrap()))
    }

    /// a (1) → x (5), y (7), z (7) → p (3, at least 2 of 3): p waits for the
    /// second finish, a tie between y and z. Slack there is a safe lower
    /// bound: slipping any step by its slack never delays the plan, and the
    /// shared predecessor a, which delays all three, has none.
    #[test]
    fn slack_at_a_join_with_tied_predecessors_is_safe() {
        let graph = ApprovalGraph::builder("ties", StepId::new("a").unwrap())
            .step(step("a", 1, &[]))
            .step(step("x", 5, &["a"]))
            .step(step("y", 7, &["a"]))
            .step(step("z", 7, &["a"]))
            .step(step("p", 3, &["x", "y", "z"]).join(Join::AtLeast { k: 2 }))
            .build()
            .unwrap();
        let cal = WorkCalendar::china();
        let start = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let plan = Plan::new(&graph, &cal, start).unwrap();
        assert_eq!(plan.duration(), 11);
        let slack = |id: &str| plan.step(&StepId::new(id).unwrap()).unwrap().slack;
        assert_eq!((slack("a"), slack("p")), (0, 0));
        assert_eq!((slack("x"), slack("y"), slack("z")), (2, 0, 3));
        for id in ["a", "x", "y", "z", "p"] {
            let s = StepId::new(id).unwrap();
            let within = plan.what_if(&graph, &cal, &s, slack(id)).unwrap();
            assert_eq!(within.duration(), 11, "{id}");
        }
        // The steps with no slack by this bound that truly hold the plan.
        for id in ["a", "p"] {
            let s = StepId::new(id).unwrap();
            assert_eq!(plan.what_if(&graph, &cal, &s, 1).unwrap().duration(), 12, "{id}");
        }
    }
}
