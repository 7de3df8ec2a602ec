use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::case::{Case, CaseId};
use crate::escalation::{
    EscalationError, EscalationPolicy, Notice, RunStep, Supervised, SupervisionLog,
};
use crate::graph::{
    ApprovalGraph, GraphRun, RunError, RunEvent, RunTransition, StepId, StepStatus,
};
use crate::machine::ActorId;
use crate::ticket::{Ticket, TicketId};

/// Where a project finds the cases handling its steps under way, so that
/// each step's clock counts only what its case's legal clock counts (from
/// acceptance, suspensions excluded: [`RunStep::with_case`]). Implemented
/// for a slice or `Vec` of cases (searched in order: fine for a project's
/// few cases) and for maps from case id to case (for a host's whole
/// caseload); a step whose case is not found is watched from its start
/// alone.
///
/// # Example
///
/// See [`KeyProject::supervise_with_cases`].
pub trait CaseLookup {
    /// The case with this id, if the host has it.
    fn case(&self, id: &CaseId) -> Option<&Case>;
}

impl CaseLookup for [Case] {
    fn case(&self, id: &CaseId) -> Option<&Case> {
        self.iter().find(|c| c.id() == id)
    }
}

impl CaseLookup for Vec<Case> {
    fn case(&self, id: &CaseId) -> Option<&Case> {
        self.as_slice().case(id)
    }
}

impl CaseLookup for BTreeMap<CaseId, Case> {
    fn case(&self, id: &CaseId) -> Option<&Case> {
        self.get(id)
    }
}

impl<S: BuildHasher> CaseLookup for HashMap<CaseId, Case, S> {
    fn case(&self, id: &CaseId) -> Option<&Case> {
        self.get(id)
    }
}

/// The id of a key project.
///
/// # Example
///
/// ```
/// use shenpi::project::ProjectId;
///
/// assert_eq!(ProjectId::new("NP-2026-007")?.as_str(), "NP-2026-007");
/// assert!(ProjectId::new(" ").is_err());
/// # Ok::<(), shenpi::project::ProjectError>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::project::ProjectId;
///
/// let id: ProjectId = serde_json::from_str(r#""NP-9""#)?;
/// assert_eq!(serde_json::to_string(&id)?, r#""NP-9""#);
/// // A blank id is refused when decoded.
/// assert!(serde_json::from_str::<ProjectId>(r#"" ""#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct ProjectId(Arc<str>);

impl ProjectId {
    /// A project id from text.
    ///
    /// # Errors
    ///
    /// [`ProjectError::EmptyId`] for blank text.
    pub fn new(id: &str) -> Result<ProjectId, ProjectError> {
        if id.trim().is_empty() {
            return Err(ProjectError::EmptyId);
        }
        Ok(ProjectId(Arc::from(id)))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ProjectId {
    type Error = ProjectError;

    fn try_from(id: String) -> Result<Self, ProjectError> {
        ProjectId::new(&id)
    }
}

impl From<ProjectId> for String {
    fn from(id: ProjectId) -> Self {
        id.0.to_string()
    }
}

/// Whose list a key project is on.
///
/// # Example
///
/// ```
/// use shenpi::project::ProjectLevel;
///
/// assert_eq!(serde_json::to_string(&ProjectLevel::Provincial)?, r#""provincial""#);
/// assert_eq!(ProjectLevel::Municipal.to_string(), "municipal");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProjectLevel {
    /// A provincial key project (省重点项目).
    Provincial,
    /// A municipal key project (市重点项目).
    Municipal,
}

impl crate::machine::Named for ProjectLevel {
    fn name(&self) -> &'static str {
        match self {
            ProjectLevel::Provincial => "provincial",
            ProjectLevel::Municipal => "municipal",
        }
    }
}

impl fmt::Display for ProjectLevel {
    /// The serde name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::machine::Named::name(self))
    }
}

/// What a project refused.
///
/// # Example
///
/// ```
/// use shenpi::project::{ProjectError, ProjectId};
///
/// assert_eq!(ProjectId::new("").unwrap_err(), ProjectError::EmptyId);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProjectError {
    /// A blank project id.
    #[error("a project id must not be empty")]
    EmptyId,
    /// A blank project name or enterprise.
    #[error("project {project}: the {field} must not be empty")]
    #[non_exhaustive]
    Blank {
        /// The project.
        project: ProjectId,
        /// Which field.
        field: &'static str,
    },
    /// Two problems with one ticket id.
    #[error("project {project} already has problem {ticket}")]
    #[non_exhaustive]
    DuplicateProblem {
        /// The project.
        project: ProjectId,
        /// The ticket id.
        ticket: TicketId,
    },
    /// The run was refused.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The run could not be read against its graph.
    #[error(transparent)]
    Graph(#[from] crate::graph::GraphError),
    /// Supervision failed.
    #[error(transparent)]
    Escalation(#[from] EscalationError),
}

/// What a supervision notice is about: a step of the project's run, or one
/// of its problems.
///
/// # Example
///
/// ```
/// use shenpi::graph::StepId;
/// use shenpi::project::Subject;
///
/// let s = Subject::Step { step: StepId::new("fire-design")? };
/// assert_eq!(s.to_string(), "step fire-design");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::graph::StepId;
/// use shenpi::project::Subject;
///
/// let subject = Subject::Step { step: StepId::new("review")? };
/// assert_eq!(serde_json::to_string(&subject)?, r#"{"kind":"step","step":"review"}"#);
/// let problem: Subject = serde_json::from_str(r#"{"kind": "problem", "ticket": "P-1"}"#)?;
/// assert_eq!(problem.to_string(), "problem P-1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    /// A step of the run.
    Step {
        /// The step.
        step: StepId,
    },
    /// A problem ticket.
    Problem {
        /// The ticket.
        ticket: TicketId,
    },
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Step { step } => write!(f, "step {step}"),
            Subject::Problem { ticket } => write!(f, "problem {ticket}"),
        }
    }
}

/// A notice about one subject of a project.
///
/// # Example
///
/// See [`KeyProject::supervise`].
///
/// # JSON
///
/// ```
/// use shenpi::escalation::Action;
/// use shenpi::project::ProjectNotice;
///
/// let notice: ProjectNotice = serde_json::from_str(r#"{
///   "project": "NP-9",
///   "subject": {"kind": "problem", "ticket": "P-1"},
///   "notice": {"rule": "feedback-late", "level": "special_team", "action": "reminder", "cycle": 0,
///              "due_at": "2026-03-06T00:00:01+08:00", "meeting": null}
/// }"#)?;
/// assert_eq!(notice.notice.action, Action::Reminder);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ProjectNotice {
    /// The project.
    pub project: ProjectId,
    /// What it is about.
    pub subject: Subject,
    /// The notice.
    pub notice: Notice,
}

/// A key project (重点项目) served by the special team: its enterprise, its
/// agent (代办员), the run of its approval graph, its problem tickets, and
/// the supervision log of every step and problem.
///
/// # Example
///
/// See the crate's `key_project_board` example.
///
/// # JSON
///
/// ```
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
/// let json = serde_json::to_value(&project)?;
/// assert_eq!((json["id"].as_str(), json["level"].as_str()), (Some("NP-9"), Some("municipal")));
/// assert_eq!(json["run"]["state"], "running");
/// assert_eq!(serde_json::from_value::<KeyProject>(json)?, project);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawProject", into = "RawProject")]
pub struct KeyProject {
    id: ProjectId,
    name: String,
    level: ProjectLevel,
    enterprise: String,
    agent: ActorId,
    graph: ApprovalGraph,
    run: GraphRun,
    problems: Vec<Ticket>,
    supervision: BTreeMap<Subject, SupervisionLog>,
}

impl KeyProject {
    /// A project with its graph, a run started at `started`, and no
    /// problems yet.
    ///
    /// # Errors
    ///
    /// [`ProjectError::Blank`] for a blank name or enterprise.
    pub fn new(
        id: ProjectId,
        name: impl Into<String>,
        level: ProjectLevel,
        enterprise: impl Into<String>,
        agent: ActorId,
        graph: ApprovalGraph,
        started: DateTime<FixedOffset>,
    ) -> Result<KeyProject, ProjectError> {
        let (name, enterprise) = (name.into(), enterprise.into());
        for (field, value) in [("name", &name), ("enterprise", &enterprise)] {
            if value.trim().is_empty() {
                return Err(ProjectError::Blank { project: id, field });
            }
        }
        let run = GraphRun::new(&graph, started);
        Ok(KeyProject {
            id,
            name,
            level,
            enterprise,
            agent,
            graph,
            run,
            problems: Vec::new(),
            supervision: BTreeMap::new(),
        })
    }

    /// The project id.
    pub fn id(&self) -> &ProjectId {
        &self.id
    }

    /// The project's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Provincial or municipal.
    pub fn level(&self) -> ProjectLevel {
        self.level
    }

    /// The enterprise.
    pub fn enterprise(&self) -> &str {
        &self.enterprise
    }

    /// The agent (代办员) serving it.
    pub fn agent(&self) -> &ActorId {
        &self.agent
    }

    /// The approval graph.
    pub fn graph(&self) -> &ApprovalGraph {
        &self.graph
    }

    /// The run of the graph.
    pub fn run(&self) -> &GraphRun {
        &self.run
    }

    /// The problem tickets, in the order added.
    pub fn problems(&self) -> &[Ticket] {
        &self.problems
    }

    /// The supervision log of a subject (empty if nothing fired).
    pub fn log(&self, subject: &Subject) -> Option<&SupervisionLog> {
        self.supervision.get(subject)
    }

    /// Applies a command to the run.
    ///
    /// # Errors
    ///
    /// [`ProjectError::Run`] when the run refuses it; nothing changes.
    pub fn apply(&mut self, event: &RunEvent) -> Result<RunTransition, ProjectError> {
        Ok(self.run.apply(&self.graph, event)?)
    }

    /// Adds a problem ticket.
    ///
    /// # Errors
    ///
    /// [`ProjectError::DuplicateProblem`] for a ticket id already there.
    pub fn add_problem(&mut self, ticket: Ticket) -> Result<(), ProjectError> {
        if self.problems.iter().any(|t| t.id() == ticket.id()) {
            return Err(ProjectError::DuplicateProblem {
                project: self.id.clone(),
                ticket: ticket.id().clone(),
            });
        }
        self.problems.push(ticket);
        Ok(())
    }

    /// The problem with this id, to apply a command to it.
    pub fn problem_mut(&mut self, id: &TicketId) -> Option<&mut Ticket> {
        self.problems.iter_mut().find(|t| t.id() == id)
    }

    /// Evaluates `policy` over every pending step and open problem at `now`,
    /// records what fired in their logs, and returns the new notices.
    /// Evaluating again at the same `now` gives nothing new.
    ///
    /// # Errors
    ///
    /// [`ProjectError::Escalation`] when a subject cannot be observed; the
    /// logs are unchanged.
    pub fn supervise(
        &mut self,
        policy: &EscalationPolicy,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
    ) -> Result<Vec<ProjectNotice>, ProjectError> {
        self.supervise_among::<[Case]>(policy, cal, now, None)
    }

    /// [`supervise`](Self::supervise), with the cases handling the steps
    /// under way: each step's clock then counts only what its case's legal
    /// clock counts, so a step is not carded while its case is suspended
    /// (a correction, an expert review) or before it is accepted.
    ///
    /// # Errors
    ///
    /// As for [`supervise`](Self::supervise).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId};
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::escalation::EscalationPolicy;
    /// use shenpi::graph::{ApprovalGraph, RunCommand, RunEvent, Step, StepId};
    /// use shenpi::limit::{SpecialProcedure, SuspensionKind, TimeLimit};
    /// use shenpi::machine::{Actor, ActorId, Role};
    /// use shenpi::project::{KeyProject, ProjectId, ProjectLevel};
    ///
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let (cal, permit) = (WorkCalendar::china(), StepId::new("permit")?);
    /// let (code, housing) = (ItemCode::new("P")?, DepartmentId::new("housing")?);
    /// let graph = ApprovalGraph::builder("one step", permit.clone())
    ///     .step(Step::new(permit.clone(), code.clone(), housing.clone(), TimeLimit::working_days(3)))
    ///     .build()?;
    /// let mut project = KeyProject::new(ProjectId::new("NP-1")?, "扩建", ProjectLevel::Municipal, "某公司",
    ///     ActorId::new("agent-1")?, graph, at("2026-03-02T09:00:00+08:00"))?;
    /// let item = ApprovalItem::builder(code, "施工许可", housing)
    ///     .special_procedures([SpecialProcedure::ExpertReview])
    ///     .build()?;
    /// let ctx = CaseContext::new(&item, &cal);
    /// let actor = |role| Actor::new(ActorId::new("someone").unwrap(), role);
    /// let event = |role, when, command| CaseEvent::new(actor(role), at(when), command);
    /// let (mut case, _) =
    ///     Case::receive(CaseId::new("C-1")?, &ctx, &event(Role::Applicant, "2026-03-02T09:00:00+08:00", CaseCommand::Receive))?;
    /// case.apply(&ctx, &event(Role::WindowClerk, "2026-03-02T09:00:00+08:00", CaseCommand::Accept))?;
    /// let start = RunCommand::StartStep { step: permit, case: case.id().clone() };
    /// project.apply(&RunEvent::new(actor(Role::Reviewer), at("2026-03-02T09:00:00+08:00"), start))?;
    /// // An expert review from Tuesday, still under way the next Monday.
    /// let review = SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::ExpertReview };
    /// case.apply(&ctx, &event(Role::Reviewer, "2026-03-03T09:00:00+08:00", CaseCommand::Suspend { reason: review }))?;
    ///
    /// let (policy, monday) = (EscalationPolicy::default(), at("2026-03-09T09:00:00+08:00"));
    /// let mut alone = project.clone();
    /// let carded = alone.supervise(&policy, &cal, monday)?;
    /// assert!(carded.iter().any(|n| n.notice.rule.as_str() == "red-card"));
    /// // With its case, the step stands still: one day used, nothing due.
    /// assert!(project.supervise_with_cases(&policy, &cal, monday, &vec![case])?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn supervise_with_cases<C: CaseLookup + ?Sized>(
        &mut self,
        policy: &EscalationPolicy,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
        cases: &C,
    ) -> Result<Vec<ProjectNotice>, ProjectError> {
        self.supervise_among(policy, cal, now, Some(cases))
    }

    fn supervise_among<C: CaseLookup + ?Sized>(
        &mut self,
        policy: &EscalationPolicy,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
        cases: Option<&C>,
    ) -> Result<Vec<ProjectNotice>, ProjectError> {
        let mut fired = Vec::new();
        for (subject, obs) in self.observations(cal, now, cases)? {
            let log = self.supervision.get(&subject).cloned().unwrap_or_default();
            for notice in policy.evaluate(&obs, &log, cal, now)? {
                fired.push(ProjectNotice {
                    project: self.id.clone(),
                    subject: subject.clone(),
                    notice,
                });
            }
        }
        for n in &fired {
            self.supervision.entry(n.subject.clone()).or_default().record([n.notice.clone()]);
        }
        Ok(fired)
    }

    /// The instant the next rule fires for any subject of the project.
    ///
    /// # Errors
    ///
    /// [`ProjectError::Escalation`] when a subject cannot be observed.
    pub fn next_due(
        &self,
        policy: &EscalationPolicy,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
    ) -> Result<Option<DateTime<FixedOffset>>, ProjectError> {
        self.next_due_among::<[Case]>(policy, cal, now, None)
    }

    /// [`next_due`](Self::next_due), with the cases handling the steps
    /// under way (see [`supervise_with_cases`](Self::supervise_with_cases)).
    ///
    /// # Errors
    ///
    /// As for [`next_due`](Self::next_due).
    pub fn next_due_with_cases<C: CaseLookup + ?Sized>(
        &self,
        policy: &EscalationPolicy,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
        cases: &C,
    ) -> Result<Option<DateTime<FixedOffset>>, ProjectError> {
        self.next_due_among(policy, cal, now, Some(cases))
    }

    fn next_due_among<C: CaseLookup + ?Sized>(
        &self,
        policy: &EscalationPolicy,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
        cases: Option<&C>,
    ) -> Result<Option<DateTime<FixedOffset>>, ProjectError> {
        let mut next: Option<DateTime<FixedOffset>> = None;
        let empty = SupervisionLog::new();
        for (subject, obs) in self.observations(cal, now, cases)? {
            let log = self.supervision.get(&subject).unwrap_or(&empty);
            if let Some(at) = policy.next_due(&obs, log, cal, now)? {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        }
        Ok(next)
    }

    /// The highest level fired for any subject in its current cycle.
    pub fn highest_level(&self) -> Option<crate::escalation::Level> {
        self.supervision
            .values()
            .filter_map(|log| log.notices().iter().map(|n| n.level).max())
            .max()
    }

    /// Step `step` as a supervised subject, with its case when it is under
    /// way and `cases` has it.
    pub(super) fn step_subject<'a, C: CaseLookup + ?Sized>(
        &'a self,
        step: &'a StepId,
        cases: Option<&'a C>,
    ) -> RunStep<'a> {
        let subject = RunStep::new(&self.graph, &self.run, step);
        let case = match (cases, self.run.status(&self.graph, step)) {
            (Some(cases), Ok(StepStatus::InProgress { case, .. })) => cases.case(case),
            _ => None,
        };
        match case {
            Some(case) => subject.with_case(case),
            None => subject,
        }
    }

    fn observations<C: CaseLookup + ?Sized>(
        &self,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
        cases: Option<&C>,
    ) -> Result<Vec<(Subject, crate::escalation::Observation)>, ProjectError> {
        let mut out = Vec::new();
        for step in self.graph.steps() {
            let obs = self.step_subject(step.id(), cases).observe(cal, now)?;
            if obs.open {
                out.push((Subject::Step { step: step.id().clone() }, obs));
            }
        }
        for ticket in &self.problems {
            let obs = ticket.observe(cal, now)?;
            if obs.open {
                out.push((Subject::Problem { ticket: ticket.id().clone() }, obs));
            }
        }
        Ok(out)
    }
}

/// The serde form of a project; decoding checks that the run belongs to the
/// graph and that problem ids are unique.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawProject {
    id: ProjectId,
    name: String,
    level: ProjectLevel,
    enterprise: String,
    agent: ActorId,
    graph: ApprovalGraph,
    run: GraphRun,
    #[serde(default)]
    problems: Vec<Ticket>,
    /// A list, not a map: a subject is not a JSON string.
    #[serde(default)]
    supervision: Vec<SubjectLog>,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct SubjectLog {
    subject: Subject,
    log: SupervisionLog,
}

impl TryFrom<RawProject> for KeyProject {
    type Error = ProjectError;

    fn try_from(raw: RawProject) -> Result<Self, ProjectError> {
        let mut project = KeyProject::new(
            raw.id,
            raw.name,
            raw.level,
            raw.enterprise,
            raw.agent,
            raw.graph,
            raw.run.started_at(),
        )?;
        raw.run.fit(&project.graph)?;
        project.run = raw.run;
        for ticket in raw.problems {
            project.add_problem(ticket)?;
        }
        project.supervision = raw.supervision.into_iter().map(|s| (s.subject, s.log)).collect();
        Ok(project)
    }
}

impl From<KeyProject> for RawProject {
    fn from(p: KeyProject) -> Self {
        RawProject {
            id: p.id,
            name: p.name,
            level: p.level,
            enterprise: p.enterprise,
            agent: p.agent,
            graph: p.graph,
            run: p.run,
            problems: p.problems,
            supervision: p
                .supervision
                .into_iter()
                .map(|(subject, log)| SubjectLog { subject, log })
                .collect(),
        }
    }
}
