use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, VecDeque};

use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use super::{GraphError, Join, Requirement, Stage, Step, StepId};
use crate::catalog::Catalog;
use crate::limit::LimitUnit;

/// A node of the derived topology: a step, or the gate closing a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Node {
    /// A step, by index into [`ApprovalGraph::steps`].
    Step(usize),
    /// The gate of a stage, by index into [`ApprovalGraph::stages`]: done
    /// when the stage's required steps (and the previous gate) are.
    Gate(usize),
}

/// The derived shape of a graph, by index; built once when the graph is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Topology {
    /// Every step and gate, in a deterministic topological order.
    pub(crate) order: Vec<Node>,
    /// Explicit predecessors of each step (indices, in id order).
    pub(crate) preds: Vec<Vec<usize>>,
    /// Explicit successors of each step (indices, in id order).
    pub(crate) succs: Vec<Vec<usize>>,
    /// The gate each step waits for: that of the stage before its own.
    pub(crate) gate_before: Vec<Option<usize>>,
    /// The stage of each step.
    pub(crate) stage_of: Vec<Option<usize>>,
    /// The required steps each gate waits for.
    pub(crate) gate_steps: Vec<Vec<usize>>,
    /// The steps waiting for each gate.
    pub(crate) gate_waiters: Vec<Vec<usize>>,
    /// Each step's fallback.
    pub(crate) fallback: Vec<Option<usize>>,
    /// For a fallback step, the step it stands in for.
    pub(crate) stands_in_for: Vec<Option<usize>>,
    /// The start step.
    pub(crate) start: usize,
    /// All-joins only, required steps only, no stages, no fallbacks: an
    /// approval can only make its own successors ready.
    pub(crate) simple: bool,
}

/// A parallel-approval graph (并联审批): steps, each one approval item of one
/// department within a limit, the precedence between them with a join rule
/// per step, and optionally stages run one after another, each with a lead
/// department, a limit and a gate that waits for its required steps.
///
/// Built by [`ApprovalGraph::builder`] or decoded from JSON, through the
/// same checks: an invalid graph never exists. Steps are kept in id order,
/// so the same graph gives the same order whatever order it was written in.
/// [`check_items`](Self::check_items) checks the steps against a catalog.
///
/// # Example
///
/// ```
/// use shenpi::catalog::{DepartmentId, ItemCode};
/// use shenpi::graph::{ApprovalGraph, GraphError, Step, StepId};
/// use shenpi::limit::TimeLimit;
///
/// let step = |id: &str, days, after: &[&str]| -> Result<Step, Box<dyn std::error::Error>> {
///     Ok(Step::new(
///         StepId::new(id)?,
///         ItemCode::new(&format!("ITEM-{id}"))?,
///         DepartmentId::new(&format!("dept-{id}"))?,
///         TimeLimit::working_days(days),
///     )
///     .after(after.iter().map(|a| StepId::new(a)).collect::<Result<Vec<_>, _>>()?))
/// };
/// let graph = ApprovalGraph::builder("factory extension", StepId::new("filing")?)
///     .step(step("filing", 1, &[])?)
///     .step(step("land", 10, &["filing"])?)
///     .step(step("environment", 15, &["filing"])?)
///     .step(step("licence", 5, &["land", "environment"])?)
///     .build()?;
/// assert_eq!(graph.steps().len(), 4);
///
/// // A loop is refused, naming every step on it.
/// let err = ApprovalGraph::builder("loop", StepId::new("filing")?)
///     .step(step("filing", 1, &[])?)
///     .step(step("a", 1, &["filing", "b"])?)
///     .step(step("b", 1, &["a"])?)
///     .build()
///     .unwrap_err();
/// assert_eq!(err.to_string(), "steps a, b wait for each other in a cycle");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Example: JSON
///
/// `stages` may be left out; a step's `stage`, `requirement`, `after`, `join`
/// and `fallback` too. `tests/data/golden/graph.json` is a whole project.
///
/// ```
/// use shenpi::graph::ApprovalGraph;
///
/// let json = r#"{"name": "厂房", "start": "filing", "steps": [
///   {"id": "filing", "item": "XK-1", "department": "发改局",
///    "limit": {"amount": 1, "unit": "working_days"}},
///   {"id": "permit", "item": "XK-2", "department": "住建局",
///    "limit": {"amount": 5, "unit": "working_days"}, "after": ["filing"]}
/// ]}"#;
/// let graph: ApprovalGraph = serde_json::from_str(json)?;
/// assert_eq!(graph.steps().len(), 2);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawGraph", into = "RawGraph")]
pub struct ApprovalGraph {
    name: String,
    start: StepId,
    stages: Vec<Stage>,
    steps: Vec<Step>,
    index: BTreeMap<StepId, usize>,
    topology: Topology,
}

/// The serde form of a graph.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawGraph {
    name: String,
    start: StepId,
    #[serde(default)]
    stages: Vec<Stage>,
    steps: Vec<Step>,
}

/// Builds an [`ApprovalGraph`]; [`build`](Self::build) checks everything.
///
/// # Example
///
/// See [`ApprovalGraph`].
#[derive(Debug, Clone)]
pub struct ApprovalGraphBuilder {
    raw: (String, StepId, Vec<Stage>, Vec<Step>),
}

impl ApprovalGraphBuilder {
    /// Adds a stage; stages run in the order they are added.
    ///
    /// # Example
    ///
    /// See the crate's `parallel_approval` example.
    pub fn stage(mut self, stage: Stage) -> ApprovalGraphBuilder {
        self.raw.2.push(stage);
        self
    }

    /// Adds a step.
    ///
    /// # Example
    ///
    /// See [`ApprovalGraph`].
    pub fn step(mut self, step: Step) -> ApprovalGraphBuilder {
        self.raw.3.push(step);
        self
    }

    /// Checks the graph and builds it.
    ///
    /// # Errors
    ///
    /// A [`GraphError`] naming the steps at fault: an empty graph, one of
    /// more than [`ApprovalGraph::MAX_STEPS`] steps, a duplicate step or stage, an unknown step, stage or start, a start
    /// with predecessors or outside the first stage, a limit not in working
    /// days, a join of zero or of more predecessors than the step has, an
    /// invalid fallback, a cycle (every step on it), or a step unreachable
    /// from the start.
    ///
    /// # Example
    ///
    /// See [`ApprovalGraph`].
    pub fn build(self) -> Result<ApprovalGraph, GraphError> {
        let (name, start, stages, steps) = self.raw;
        ApprovalGraph::try_from(RawGraph { name, start, stages, steps })
    }
}

impl ApprovalGraph {
    /// The most steps a graph may have: 10,000.
    ///
    /// A parallel-approval project joins the items of a few dozen
    /// departments, so real graphs have tens of steps, at most a few
    /// hundred; 10,000 leaves two orders of magnitude of room while
    /// bounding what a stored or received graph can make a run, a plan or
    /// a picture cost (each walks every step and every `after` edge). A
    /// graph with more steps is refused with [`GraphError::TooManySteps`]
    /// before anything else is looked at. Validation uses no recursion, so
    /// a chain of this many steps validates on a 2 MiB thread stack.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{DepartmentId, ItemCode};
    /// use shenpi::graph::{ApprovalGraph, GraphError, Step, StepId};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let mut builder = ApprovalGraph::builder("too big", StepId::new("s0")?);
    /// for i in 0..=ApprovalGraph::MAX_STEPS {
    ///     builder = builder.step(Step::new(
    ///         StepId::new(&format!("s{i}"))?,
    ///         ItemCode::new("XK-1")?,
    ///         DepartmentId::new("dept")?,
    ///         TimeLimit::working_days(1),
    ///     ));
    /// }
    /// let err = builder.build().unwrap_err();
    /// assert!(matches!(err, GraphError::TooManySteps { steps: 10_001, max: 10_000, .. }));
    /// assert_eq!(err.to_string(), "the graph has 10001 steps, more than the maximum 10000");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const MAX_STEPS: usize = 10_000;

    /// A builder for a graph named `name` whose runs begin at `start`.
    ///
    /// # Example
    ///
    /// See [`ApprovalGraph`].
    pub fn builder(name: impl Into<String>, start: StepId) -> ApprovalGraphBuilder {
        ApprovalGraphBuilder { raw: (name.into(), start, Vec::new(), Vec::new()) }
    }

    /// The graph's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The start step's id.
    pub fn start(&self) -> &StepId {
        &self.start
    }

    /// The stages, in the order they run.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The steps, in id order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The step with this id.
    ///
    /// # Example
    ///
    /// See [`ApprovalGraph`]; `graph.step(&StepId::new("land")?)` finds one.
    pub fn step(&self, id: &StepId) -> Option<&Step> {
        self.index.get(id).map(|&i| &self.steps[i])
    }

    /// The position of a step in [`steps`](Self::steps).
    pub(crate) fn position(&self, id: &StepId) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub(crate) fn topology(&self) -> &Topology {
        &self.topology
    }

    /// The steps in a deterministic topological order: every step after
    /// all of its predecessors and after the gate of the stage before its
    /// own; ties broken by id.
    ///
    /// # Example
    ///
    /// See [`ApprovalGraph`]; the start comes first.
    pub fn topological_order(&self) -> impl Iterator<Item = &Step> + '_ {
        self.topology.order.iter().filter_map(|node| match node {
            Node::Step(i) => Some(&self.steps[*i]),
            Node::Gate(_) => None,
        })
    }

    /// Checks every step against a catalog: its item is there, and its limit
    /// is within the item's statutory limit.
    ///
    /// # Errors
    ///
    /// [`GraphError::UnknownItem`] or [`GraphError::LimitExceedsStatutory`]
    /// naming the first step at fault (in id order).
    ///
    /// # Example
    ///
    /// See the crate's `parallel_approval` example.
    pub fn check_items(&self, catalog: &Catalog) -> Result<(), GraphError> {
        for step in &self.steps {
            let item = catalog.get(step.item()).ok_or_else(|| GraphError::UnknownItem {
                step: step.id().clone(),
                item: step.item().clone(),
            })?;
            let statutory = item.statutory();
            // A step counts working days. Against a statutory limit in
            // working days the check is exact; against natural days a step
            // of more working days than the limit's days is surely beyond it
            // (each working day is a natural day), and against months one of
            // more than 31 days a month (no n months span more); working
            // hours cannot be compared without a calendar.
            let beyond = match statutory.unit() {
                LimitUnit::WorkingDays | LimitUnit::NaturalDays => {
                    step.limit().amount() > statutory.amount()
                }
                LimitUnit::Months => {
                    u64::from(step.limit().amount()) > 31 * u64::from(statutory.amount())
                }
                LimitUnit::WorkingHours => false,
            };
            if beyond {
                return Err(GraphError::LimitExceedsStatutory {
                    step: step.id().clone(),
                    item: step.item().clone(),
                    limit: step.limit(),
                    statutory,
                });
            }
        }
        Ok(())
    }
}

impl TryFrom<RawGraph> for ApprovalGraph {
    type Error = GraphError;

    fn try_from(raw: RawGraph) -> Result<Self, GraphError> {
        let RawGraph { name, start, stages, mut steps } = raw;
        if steps.is_empty() {
            return Err(GraphError::Empty);
        }
        if steps.len() > ApprovalGraph::MAX_STEPS {
            return Err(GraphError::TooManySteps {
                steps: steps.len(),
                max: ApprovalGraph::MAX_STEPS,
            });
        }
        steps.sort_by(|a, b| a.id().cmp(b.id()));
        let mut index = BTreeMap::new();
        for (i, step) in steps.iter().enumerate() {
            if index.insert(step.id().clone(), i).is_some() {
                return Err(GraphError::DuplicateStep { step: step.id().clone() });
            }
        }
        let mut stage_index = BTreeMap::new();
        for (i, stage) in stages.iter().enumerate() {
            if stage_index.insert(stage.id().clone(), i).is_some() {
                return Err(GraphError::DuplicateStage { stage: stage.id().clone() });
            }
        }
        let n = steps.len();
        let mut preds = vec![Vec::new(); n];
        let mut succs = vec![Vec::new(); n];
        let mut stage_of = vec![None; n];
        let mut fallback = vec![None; n];
        let mut stands_in_for: Vec<Option<usize>> = vec![None; n];
        for (i, step) in steps.iter().enumerate() {
            if step.limit().unit() != LimitUnit::WorkingDays {
                return Err(GraphError::LimitNotWorkingDays {
                    step: step.id().clone(),
                    limit: step.limit(),
                });
            }
            if let Some(stage) = step.stage() {
                let s = stage_index.get(stage).ok_or_else(|| GraphError::UnknownStage {
                    stage: stage.clone(),
                    step: step.id().clone(),
                })?;
                stage_of[i] = Some(*s);
            }
            for pred in step.predecessors() {
                let p = *index.get(pred).ok_or_else(|| GraphError::UnknownStep {
                    step: pred.clone(),
                    referenced_by: step.id().clone(),
                })?;
                preds[i].push(p);
                succs[p].push(i);
            }
            let count = preds[i].len();
            match step.join_rule() {
                Join::AtLeast { k: 0 } => {
                    return Err(GraphError::JoinZero { step: step.id().clone() })
                }
                Join::AtLeast { k } if k as usize > count => {
                    return Err(GraphError::JoinTooLarge {
                        step: step.id().clone(),
                        k,
                        predecessors: count,
                    })
                }
                Join::Any if count == 0 => {
                    return Err(GraphError::JoinTooLarge {
                        step: step.id().clone(),
                        k: 1,
                        predecessors: 0,
                    })
                }
                _ => {}
            }
            if let Some(fb) = step.fallback_step() {
                let invalid = |fault| GraphError::InvalidFallback {
                    step: step.id().clone(),
                    fallback: fb.clone(),
                    fault,
                };
                let f = *index.get(fb).ok_or_else(|| invalid("is not in the graph"))?;
                if f == i {
                    return Err(invalid("is the step itself"));
                }
                if *fb == start {
                    return Err(invalid("is the start step"));
                }
                if steps[f].predecessors().len() != 0 {
                    return Err(invalid("comes after other steps; a fallback runs only on denial"));
                }
                if stands_in_for[f].is_some() {
                    return Err(invalid("already stands in for another step"));
                }
                fallback[i] = Some(f);
                stands_in_for[f] = Some(i);
            }
        }
        for (f, primary) in stands_in_for.iter().enumerate() {
            if let (Some(primary), Some(&first)) = (primary, succs[f].first()) {
                return Err(GraphError::InvalidFallback {
                    step: steps[*primary].id().clone(),
                    fallback: steps[f].id().clone(),
                    fault: if first == *primary {
                        "comes before it"
                    } else {
                        "has steps after it; they should come after the step it stands in for"
                    },
                });
            }
        }
        let s0 =
            *index.get(&start).ok_or_else(|| GraphError::UnknownStart { step: start.clone() })?;
        if !preds[s0].is_empty() {
            return Err(GraphError::StartHasPredecessors { step: start.clone() });
        }
        if let Some(stage) = stage_of[s0].filter(|s| *s > 0) {
            return Err(GraphError::StartNotInFirstStage {
                step: start.clone(),
                stage: stages[stage].id().clone(),
            });
        }

        let gates = stages.len();
        let mut gate_steps = vec![Vec::new(); gates];
        let mut gate_waiters = vec![Vec::new(); gates];
        let mut gate_before = vec![None; n];
        for i in 0..n {
            if let Some(s) = stage_of[i] {
                if steps[i].requirement_kind() == Requirement::Required
                    && stands_in_for[i].is_none()
                {
                    gate_steps[s].push(i);
                }
                if s > 0 && i != s0 {
                    gate_before[i] = Some(s - 1);
                    gate_waiters[s - 1].push(i);
                }
            }
        }

        // The whole shape as a petgraph graph: steps 0..n, gates n..n+gates.
        let mut g: DiGraph<Node, ()> = DiGraph::with_capacity(n + gates, n + gates);
        for i in 0..n {
            g.add_node(Node::Step(i));
        }
        for s in 0..gates {
            g.add_node(Node::Gate(s));
        }
        let step_node = NodeIndex::new;
        let gate_node = |s: usize| NodeIndex::new(n + s);
        for i in 0..n {
            for &p in &preds[i] {
                g.add_edge(step_node(p), step_node(i), ());
            }
            if let Some(f) = fallback[i] {
                g.add_edge(step_node(i), step_node(f), ());
            }
            if let Some(gate) = gate_before[i] {
                g.add_edge(gate_node(gate), step_node(i), ());
            }
        }
        for (s, required) in gate_steps.iter().enumerate() {
            for &i in required {
                g.add_edge(step_node(i), gate_node(s), ());
            }
            if s > 0 {
                g.add_edge(gate_node(s - 1), gate_node(s), ());
            }
        }

        // A deterministic topological order: Kahn's algorithm taking the
        // smallest node (steps by id, then gates by stage order) first.
        let mut indegree: Vec<usize> = (0..n + gates)
            .map(|v| g.neighbors_directed(NodeIndex::new(v), petgraph::Incoming).count())
            .collect();
        let mut ready: BinaryHeap<Reverse<usize>> =
            (0..n + gates).filter(|&v| indegree[v] == 0).map(Reverse).collect();
        let mut order = Vec::with_capacity(n + gates);
        while let Some(Reverse(v)) = ready.pop() {
            order.push(g[NodeIndex::new(v)]);
            for w in g.neighbors(NodeIndex::new(v)) {
                indegree[w.index()] -= 1;
                if indegree[w.index()] == 0 {
                    ready.push(Reverse(w.index()));
                }
            }
        }

        // Cycles: any strongly connected component of more than one node,
        // or a node with an edge to itself. The order leaves some nodes out
        // exactly when there is one; the component is then found without
        // recursion, so a long chain cannot overflow the stack.
        if order.len() < n + gates {
            if let Some(scc) = first_looped_scc(&g) {
                let mut cycle_steps = BTreeSet::new();
                let mut cycle_stages = Vec::new();
                for v in scc {
                    match g[v] {
                        Node::Step(i) => {
                            cycle_steps.insert(steps[i].id().clone());
                        }
                        Node::Gate(s) => cycle_stages.push(s),
                    }
                }
                cycle_stages.sort_unstable();
                return Err(GraphError::Cycle {
                    steps: cycle_steps.into_iter().collect(),
                    stages: cycle_stages.into_iter().map(|s| stages[s].id().clone()).collect(),
                });
            }
        }

        // Reachability from the start.
        let mut seen = vec![false; n + gates];
        let mut queue = VecDeque::from([step_node(s0)]);
        seen[s0] = true;
        while let Some(v) = queue.pop_front() {
            for w in g.neighbors(v) {
                if !seen[w.index()] {
                    seen[w.index()] = true;
                    queue.push_back(w);
                }
            }
        }
        if let Some(i) = (0..n).find(|&i| !seen[i]) {
            return Err(GraphError::Unreachable {
                step: steps[i].id().clone(),
                start: start.clone(),
            });
        }

        let topology = Topology {
            order,
            preds,
            succs,
            gate_before,
            stage_of,
            gate_steps,
            gate_waiters,
            fallback,
            stands_in_for,
            start: s0,
            simple: stages.is_empty()
                && steps.iter().all(|s| {
                    s.join_rule() == Join::All
                        && s.requirement_kind() == Requirement::Required
                        && s.fallback_step().is_none()
                }),
        };
        Ok(ApprovalGraph { name, start, stages, steps, index, topology })
    }
}

/// The first strongly connected component that loops (more than one node,
/// or one node with an edge to itself), in the order petgraph's
/// `tarjan_scc` reports components: the same algorithm (Pierce's
/// space-efficient Tarjan), with an explicit stack instead of recursion.
/// Linear in nodes and edges.
fn first_looped_scc(g: &DiGraph<Node, ()>) -> Option<Vec<NodeIndex>> {
    const UNSEEN: usize = 0;
    let mut rootindex = vec![UNSEEN; g.node_count()];
    let mut index = 1;
    let mut componentcount = usize::MAX;
    let mut stack: Vec<NodeIndex> = Vec::new();
    // Frames of the depth-first search: a node, its neighbours still to
    // look at, and whether it is still its own root.
    let mut frames = Vec::new();
    for root in g.node_indices() {
        if rootindex[root.index()] != UNSEEN {
            continue;
        }
        rootindex[root.index()] = index;
        index += 1;
        frames.push((root, g.neighbors(root), true));
        while let Some(frame) = frames.last_mut() {
            let v = frame.0;
            if let Some(w) = frame.1.next() {
                if rootindex[w.index()] == UNSEEN {
                    rootindex[w.index()] = index;
                    index += 1;
                    frames.push((w, g.neighbors(w), true));
                } else if rootindex[w.index()] < rootindex[v.index()] {
                    rootindex[v.index()] = rootindex[w.index()];
                    frame.2 = false;
                }
                continue;
            }
            let local_root = frame.2;
            frames.pop();
            if local_root {
                let mut adjustment = 1;
                let start = stack
                    .iter()
                    .rposition(|w| {
                        if rootindex[v.index()] > rootindex[w.index()] {
                            true
                        } else {
                            rootindex[w.index()] = componentcount;
                            adjustment += 1;
                            false
                        }
                    })
                    .map_or(0, |x| x + 1);
                rootindex[v.index()] = componentcount;
                stack.push(v);
                let scc = &stack[start..];
                if scc.len() > 1 || g.contains_edge(v, v) {
                    return Some(scc.to_vec());
                }
                stack.truncate(start);
                index -= adjustment;
                componentcount -= 1;
            } else {
                stack.push(v);
            }
            // Back in the parent: the child's root index may lower its own.
            if let Some(parent) = frames.last_mut() {
                let u = parent.0;
                if rootindex[v.index()] < rootindex[u.index()] {
                    rootindex[u.index()] = rootindex[v.index()];
                    parent.2 = false;
                }
            }
        }
    }
    None
}

impl From<ApprovalGraph> for RawGraph {
    fn from(g: ApprovalGraph) -> Self {
        RawGraph { name: g.name, start: g.start, stages: g.stages, steps: g.steps }
    }
}
