use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{CaseLookup, KeyProject, ProjectError, ProjectId, ProjectLevel, Subject};
use crate::calendar::WorkCalendar;
use crate::case::Case;
use crate::catalog::DepartmentId;
use crate::escalation::{Level, Supervised};
use crate::graph::{RunState, StepId};
use crate::machine::ActorId;
use crate::ticket::{Owner, TicketId};

/// An open problem on the battle map, with who answers for it.
///
/// # Example
///
/// See [`BattleMap`].
///
/// # JSON
///
/// ```
/// use shenpi::project::OpenProblem;
///
/// let problem: OpenProblem = serde_json::from_str(r#"{"ticket": "P-1", "subject": "water", "owners": [
///   {"department": "water", "owner": {"kind": "named", "name": "陈经理"},
///    "deadline": "2026-03-04T17:30:00+08:00", "overdue": true}]}"#)?;
/// assert!(problem.owners[0].overdue);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct OpenProblem {
    /// The ticket.
    pub ticket: TicketId,
    /// What the problem is.
    pub subject: String,
    /// Each department's owner, measure deadline and whether it is late.
    pub owners: Vec<ProblemOwner>,
}

/// One department's part in an open problem.
///
/// # Example
///
/// See [`BattleMap`].
///
/// # JSON
///
/// ```
/// use shenpi::project::ProblemOwner;
/// use shenpi::ticket::Owner;
///
/// let owner: ProblemOwner = serde_json::from_str(r#"{"department": "water",
///   "owner": {"kind": "named", "name": "陈经理"}, "deadline": "2026-03-04T17:30:00+08:00", "overdue": false}"#)?;
/// assert_eq!(owner.owner, Owner::Named { name: "陈经理".into() });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ProblemOwner {
    /// The department.
    pub department: DepartmentId,
    /// Who answers for it.
    pub owner: Owner,
    /// The deadline.
    pub deadline: DateTime<FixedOffset>,
    /// Whether the deadline has passed unresolved.
    pub overdue: bool,
}

/// One project's line on the battle map.
///
/// # Example
///
/// See [`BattleMap`].
///
/// # JSON
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::project::BattleMap;
/// # let at = |s| chrono::DateTime::parse_from_rfc3339(s).unwrap();
/// # use shenpi::catalog::{DepartmentId, ItemCode};
/// # use shenpi::graph::{ApprovalGraph, Step, StepId};
/// # use shenpi::limit::TimeLimit;
/// # let filing = StepId::new("filing")?;
/// # let graph = ApprovalGraph::builder("备案", filing.clone())
/// #     .step(Step::new(filing, ItemCode::new("XK-1")?, DepartmentId::new("发改局")?, TimeLimit::working_days(2)))
/// #     .build()?;
/// # use shenpi::machine::ActorId;
/// # use shenpi::project::{KeyProject, ProjectId, ProjectLevel};
/// # let project = KeyProject::new(ProjectId::new("NP-9")?, "扩建", ProjectLevel::Municipal, "某公司",
/// #     ActorId::new("agent-1")?, graph, at("2026-03-02T09:00:00+08:00"))?;
///
/// let map = BattleMap::new([&project], &WorkCalendar::china(), at("2026-03-03T09:00:00+08:00"))?;
/// let row = serde_json::to_value(&map.rows[0])?;
/// assert_eq!((row["project"].as_str(), row["state"].as_str()), (Some("NP-9"), Some("running")));
/// assert_eq!(row["open_problems"], serde_json::json!([]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct BattleMapRow {
    /// The project.
    pub project: ProjectId,
    /// Its name.
    pub name: String,
    /// Provincial or municipal.
    pub level: ProjectLevel,
    /// The enterprise.
    pub enterprise: String,
    /// Its agent.
    pub agent: ActorId,
    /// The run's state.
    pub state: RunState,
    /// The current stage: the first with a step still pending.
    pub stage: Option<String>,
    /// The next deadline of a step under way or a problem's measure, and
    /// what it belongs to.
    pub next_deadline: Option<(Subject, DateTime<FixedOffset>)>,
    /// Steps under way past their limit.
    pub overdue_steps: Vec<StepId>,
    /// The forecast finish of the approvals.
    pub forecast_finish: NaiveDate,
    /// Open problems with their owners.
    pub open_problems: Vec<OpenProblem>,
    /// The highest escalation level reached.
    pub highest_level: Option<Level>,
}

/// The battle map (挂图作战) of a set of key projects at one instant: one
/// row per project, serde data for a portal's dashboard.
///
/// # Example
///
/// See the crate's `key_project_board` example.
///
/// # JSON
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::project::BattleMap;
/// # let at = |s| chrono::DateTime::parse_from_rfc3339(s).unwrap();
/// # use shenpi::catalog::{DepartmentId, ItemCode};
/// # use shenpi::graph::{ApprovalGraph, Step, StepId};
/// # use shenpi::limit::TimeLimit;
/// # let filing = StepId::new("filing")?;
/// # let graph = ApprovalGraph::builder("备案", filing.clone())
/// #     .step(Step::new(filing, ItemCode::new("XK-1")?, DepartmentId::new("发改局")?, TimeLimit::working_days(2)))
/// #     .build()?;
/// # use shenpi::machine::ActorId;
/// # use shenpi::project::{KeyProject, ProjectId, ProjectLevel};
/// # let project = KeyProject::new(ProjectId::new("NP-9")?, "扩建", ProjectLevel::Municipal, "某公司",
/// #     ActorId::new("agent-1")?, graph, at("2026-03-02T09:00:00+08:00"))?;
///
/// let map = BattleMap::new([&project], &WorkCalendar::china(), at("2026-03-03T09:00:00+08:00"))?;
/// let json = serde_json::to_value(&map)?;
/// assert_eq!(json["at"], "2026-03-03T09:00:00+08:00");
/// assert_eq!(json["rows"][0]["name"], "扩建");
/// assert_eq!(serde_json::from_value::<BattleMap>(json)?, map);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct BattleMap {
    /// The instant of the map.
    pub at: DateTime<FixedOffset>,
    /// One row per project, in the order given.
    pub rows: Vec<BattleMapRow>,
}

impl BattleMap {
    /// The map of `projects` at `now`.
    ///
    /// # Errors
    ///
    /// [`ProjectError`] when a run or a subject cannot be read.
    pub fn new<'a, I>(
        projects: I,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
    ) -> Result<BattleMap, ProjectError>
    where
        I: IntoIterator<Item = &'a KeyProject>,
    {
        let mut rows = Vec::new();
        for p in projects {
            rows.push(row::<[Case]>(p, cal, now, None)?);
        }
        Ok(BattleMap { at: now, rows })
    }

    /// The map of `projects` at `now`, with the cases handling their steps
    /// under way: a step's next deadline and whether it is overdue then
    /// follow its case's legal clock (from acceptance, suspensions
    /// excluded), as in [`KeyProject::supervise_with_cases`]. The forecast
    /// finish is the run's own, from the steps' limits.
    ///
    /// # Errors
    ///
    /// As for [`BattleMap::new`].
    pub fn with_cases<'a, I, C>(
        projects: I,
        cases: &C,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
    ) -> Result<BattleMap, ProjectError>
    where
        I: IntoIterator<Item = &'a KeyProject>,
        C: CaseLookup + ?Sized,
    {
        let mut rows = Vec::new();
        for p in projects {
            rows.push(row(p, cal, now, Some(cases))?);
        }
        Ok(BattleMap { at: now, rows })
    }
}

fn row<C: CaseLookup + ?Sized>(
    p: &KeyProject,
    cal: &WorkCalendar,
    now: DateTime<FixedOffset>,
    cases: Option<&C>,
) -> Result<BattleMapRow, ProjectError> {
    let graph = p.graph();
    let run = p.run();
    let snapshot = run.snapshot(graph, cal, now)?;
    let pending: Vec<bool> = run.statuses(graph).map(|(_, s)| s.is_pending()).collect();
    let stage = graph.stages().iter().find(|stage| {
        graph
            .steps()
            .iter()
            .zip(&pending)
            .any(|(step, &open)| open && step.stage() == Some(stage.id()))
    });
    let mut next: Option<(Subject, DateTime<FixedOffset>)> = None;
    let mut consider = |subject: Subject, at: DateTime<FixedOffset>| {
        if next.as_ref().is_none_or(|(_, n)| at < *n) {
            next = Some((subject, at));
        }
    };
    let mut late = vec![false; graph.steps().len()];
    for (i, step) in graph.steps().iter().enumerate() {
        let obs = p.step_subject(step.id(), cases).observe(cal, now)?;
        if let (true, Some(clock)) = (obs.open, obs.clock) {
            consider(Subject::Step { step: step.id().clone() }, clock.promised_due.at);
            late[i] = clock.at > clock.promised_due.at;
        }
    }
    // Without cases, the run's own view of its steps under way; with them,
    // the steps' clocks, listed in the same (topological) order.
    let overdue_steps = if cases.is_some() {
        let order = graph.topology().order.iter();
        order
            .filter_map(|node| match *node {
                crate::graph::Node::Step(i) if late[i] => Some(graph.steps()[i].id().clone()),
                _ => None,
            })
            .collect()
    } else {
        snapshot.overdue
    };
    let mut open_problems = Vec::new();
    for t in p.problems().iter().filter(|t| t.is_open()) {
        let owners: Vec<ProblemOwner> = t
            .current_assignments()
            .filter(|a| !a.is_resolved())
            .map(|a| ProblemOwner {
                department: a.department.clone(),
                owner: a.owner.clone(),
                deadline: a.deadline,
                overdue: a.is_overdue(now),
            })
            .collect();
        for o in &owners {
            consider(Subject::Problem { ticket: t.id().clone() }, o.deadline);
        }
        open_problems.push(OpenProblem {
            ticket: t.id().clone(),
            subject: t.subject().to_owned(),
            owners,
        });
    }
    Ok(BattleMapRow {
        project: p.id().clone(),
        name: p.name().to_owned(),
        level: p.level(),
        enterprise: p.enterprise().to_owned(),
        agent: p.agent().clone(),
        state: run.state(),
        stage: stage.map(|s| s.name().to_owned()),
        next_deadline: next,
        overdue_steps,
        forecast_finish: snapshot.forecast_finish,
        open_problems,
        highest_level: p.highest_level(),
    })
}
