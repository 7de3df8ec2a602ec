use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{StageId, StepId};
use crate::catalog::{DepartmentId, ItemCode};
use crate::limit::TimeLimit;

/// When a step with several predecessors may start.
///
/// In JSON: `{"rule": "all"}`, `{"rule": "any"}` or
/// `{"rule": "at_least", "k": 2}`.
///
/// # Example
///
/// ```
/// use shenpi::graph::Join;
///
/// let join: Join = serde_json::from_str(r#"{"rule": "at_least", "k": 2}"#)?;
/// assert_eq!(join, Join::AtLeast { k: 2 });
/// assert_eq!(join.needed(3), 2);
/// assert_eq!(Join::All.needed(3), 3);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum Join {
    /// Every predecessor must be done (the default).
    #[default]
    All,
    /// One predecessor is enough; the others are no longer needed.
    Any,
    /// At least `k` predecessors; the others are no longer needed.
    AtLeast {
        /// How many predecessors must be done.
        #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
        k: u32,
    },
}

impl Join {
    /// How many of `predecessors` must be done before the step may start.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::graph::Join;
    ///
    /// assert_eq!(Join::Any.needed(4), 1);
    /// assert_eq!(Join::All.needed(0), 0);
    /// ```
    pub const fn needed(&self, predecessors: usize) -> usize {
        match self {
            Join::All => predecessors,
            Join::Any => {
                if predecessors == 0 {
                    0
                } else {
                    1
                }
            }
            Join::AtLeast { k } => *k as usize,
        }
    }
}

impl fmt::Display for Join {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Join::All => f.write_str("all"),
            Join::Any => f.write_str("any"),
            Join::AtLeast { k } => write!(f, "at least {k}"),
        }
    }
}

/// Whether a run needs a step.
///
/// # Example
///
/// ```
/// use shenpi::graph::Requirement;
///
/// assert_eq!(Requirement::default(), Requirement::Required);
/// ```
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// The run needs it; a denial fails the run unless a fallback is named.
    #[default]
    Required,
    /// It may be skipped; stage gates do not wait for it.
    Optional,
}

/// One step of an approval graph: one approval item handled by one
/// department within a limit, after its predecessors.
///
/// In JSON:
///
/// ```json
/// {"id": "environment", "item": "HB-001", "department": "ecology",
///  "limit": {"amount": 10, "unit": "working_days"},
///  "stage": "approval", "after": ["project-filing"]}
/// ```
///
/// with optional `"name"`, `"requirement"` (`"required"` or `"optional"`),
/// `"join"` (default all) and `"fallback"` (a step run if this one is
/// denied).
///
/// # Example
///
/// ```
/// use shenpi::catalog::{DepartmentId, ItemCode};
/// use shenpi::graph::{Join, Step, StepId};
/// use shenpi::limit::TimeLimit;
///
/// let step = Step::new(
///     StepId::new("environment")?,
///     ItemCode::new("HB-001")?,
///     DepartmentId::new("ecology")?,
///     TimeLimit::working_days(10),
/// )
/// .named("环境影响评价审批")
/// .after([StepId::new("project-filing")?])
/// .join(Join::All);
/// assert_eq!(step.name(), "环境影响评价审批");
/// assert_eq!(step.predecessors().count(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::graph::Step;
///
/// let step: Step = serde_json::from_str(r#"{"id": "permit", "item": "XK-2", "department": "住建局",
///   "limit": {"amount": 5, "unit": "working_days"}, "after": ["filing"]}"#)?;
/// assert_eq!(step.id().as_str(), "permit");
/// assert_eq!(step.predecessors().count(), 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Step {
    id: StepId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    item: ItemCode,
    department: DepartmentId,
    limit: TimeLimit,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stage: Option<StageId>,
    #[serde(default)]
    requirement: Requirement,
    #[serde(default)]
    after: BTreeSet<StepId>,
    #[serde(default)]
    join: Join,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fallback: Option<StepId>,
}

impl Step {
    /// A required step with no predecessors, no stage and an all-join.
    ///
    /// # Example
    ///
    /// See [`Step`].
    pub fn new(id: StepId, item: ItemCode, department: DepartmentId, limit: TimeLimit) -> Step {
        Step {
            id,
            name: None,
            item,
            department,
            limit,
            stage: None,
            requirement: Requirement::Required,
            after: BTreeSet::new(),
            join: Join::All,
            fallback: None,
        }
    }

    /// Gives the step a display name (default: its id).
    ///
    /// # Example
    ///
    /// See [`Step`].
    pub fn named(mut self, name: impl Into<String>) -> Step {
        self.name = Some(name.into());
        self
    }

    /// Adds predecessors.
    ///
    /// # Example
    ///
    /// See [`Step`].
    pub fn after<I: IntoIterator<Item = StepId>>(mut self, steps: I) -> Step {
        self.after.extend(steps);
        self
    }

    /// Puts the step in a stage.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{DepartmentId, ItemCode};
    /// use shenpi::graph::{StageId, Step, StepId};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let step = Step::new(
    ///     StepId::new("fire-design")?,
    ///     ItemCode::new("XF-001")?,
    ///     DepartmentId::new("housing")?,
    ///     TimeLimit::working_days(5),
    /// )
    /// .in_stage(StageId::new("construction-permit")?);
    /// assert_eq!(step.stage().map(|s| s.as_str()), Some("construction-permit"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_stage(mut self, stage: StageId) -> Step {
        self.stage = Some(stage);
        self
    }

    /// Makes the step optional (or required again).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{DepartmentId, ItemCode};
    /// use shenpi::graph::{Requirement, Step, StepId};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let step = Step::new(
    ///     StepId::new("air-defence")?,
    ///     ItemCode::new("RF-001")?,
    ///     DepartmentId::new("civil-air-defence")?,
    ///     TimeLimit::working_days(5),
    /// )
    /// .requirement(Requirement::Optional);
    /// assert_eq!(step.requirement_kind(), Requirement::Optional);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn requirement(mut self, requirement: Requirement) -> Step {
        self.requirement = requirement;
        self
    }

    /// Sets the join rule over the predecessors.
    ///
    /// # Example
    ///
    /// See [`Step`].
    pub fn join(mut self, join: Join) -> Step {
        self.join = join;
        self
    }

    /// Names a fallback: a step that runs if this one is denied, and
    /// stands in for it when approved.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{DepartmentId, ItemCode};
    /// use shenpi::graph::{Step, StepId};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let step = Step::new(
    ///     StepId::new("land-transfer")?,
    ///     ItemCode::new("TD-001")?,
    ///     DepartmentId::new("natural-resources")?,
    ///     TimeLimit::working_days(10),
    /// )
    /// .fallback(StepId::new("land-lease")?);
    /// assert_eq!(step.fallback_step().map(|s| s.as_str()), Some("land-lease"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fallback(mut self, step: StepId) -> Step {
        self.fallback = Some(step);
        self
    }

    /// The step id.
    pub fn id(&self) -> &StepId {
        &self.id
    }

    /// The display name (the id when none was given).
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(self.id.as_str())
    }

    /// The approval item the step handles.
    pub fn item(&self) -> &ItemCode {
        &self.item
    }

    /// The department that handles it.
    pub fn department(&self) -> &DepartmentId {
        &self.department
    }

    /// The step's limit, in working days.
    pub fn limit(&self) -> TimeLimit {
        self.limit
    }

    /// The stage the step belongs to, if any.
    pub fn stage(&self) -> Option<&StageId> {
        self.stage.as_ref()
    }

    /// Whether the step is required or optional.
    pub fn requirement_kind(&self) -> Requirement {
        self.requirement
    }

    /// The predecessors, in id order.
    pub fn predecessors(&self) -> impl ExactSizeIterator<Item = &StepId> + '_ {
        self.after.iter()
    }

    /// The join rule over the predecessors.
    pub fn join_rule(&self) -> Join {
        self.join
    }

    /// The fallback step, if any.
    pub fn fallback_step(&self) -> Option<&StepId> {
        self.fallback.as_ref()
    }
}

/// A stage of an approval graph: one lead department and a stage limit
/// (一家牵头、并联审批、限时办结). Stages run in the order the graph lists
/// them: every step of a stage waits for the required steps of the stage
/// before it (the stage gate).
///
/// In JSON: `{"id": "land-use", "name": "立项用地规划许可", "lead":
/// "natural-resources", "limit": {"amount": 20, "unit": "working_days"}}`.
///
/// # Example
///
/// ```
/// use shenpi::catalog::DepartmentId;
/// use shenpi::graph::{Stage, StageId};
/// use shenpi::limit::TimeLimit;
///
/// let stage = Stage::new(
///     StageId::new("land-use")?,
///     "立项用地规划许可",
///     DepartmentId::new("natural-resources")?,
///     TimeLimit::working_days(20),
/// );
/// assert_eq!(stage.name(), "立项用地规划许可");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Example: JSON
///
/// ```
/// use shenpi::graph::Stage;
///
/// let json = r#"{"id": "land-use", "name": "立项用地规划许可", "lead": "natural-resources",
///   "limit": {"amount": 20, "unit": "working_days"}}"#;
/// let stage: Stage = serde_json::from_str(json)?;
/// assert_eq!(stage.name(), "立项用地规划许可");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Stage {
    id: StageId,
    name: String,
    lead: DepartmentId,
    limit: TimeLimit,
}

impl Stage {
    /// A stage with its lead department and limit.
    ///
    /// # Example
    ///
    /// See [`Stage`].
    pub fn new(
        id: StageId,
        name: impl Into<String>,
        lead: DepartmentId,
        limit: TimeLimit,
    ) -> Stage {
        Stage { id, name: name.into(), lead, limit }
    }

    /// The stage id.
    pub fn id(&self) -> &StageId {
        &self.id
    }

    /// The stage's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The lead department (牵头部门).
    pub fn lead(&self) -> &DepartmentId {
        &self.lead
    }

    /// The stage limit, in working days.
    pub fn limit(&self) -> TimeLimit {
        self.limit
    }
}
