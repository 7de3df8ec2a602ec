//! Pictures of approval graphs, plans and runs, as text: Graphviz DOT and
//! Mermaid flowcharts of a graph (optionally coloured by a run), and a
//! Mermaid Gantt chart of a plan. Pure string exports: writing the files is
//! the host's business.
//!
//! Every picture lists steps in id order and stages in their run order, so
//! the same graph always gives the same text. Names may be anything (Chinese
//! included): DOT quotes and escapes every id and label; Mermaid gets ids
//! made of ASCII letters, digits and underscores (distinct, never a keyword)
//! and labels with the characters its grammar would trip on replaced.

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::fmt;

use super::definition::Node;
use super::{ApprovalGraph, GraphRun, Join, Plan, Requirement, Stage, Step, StepStatusKind};
use crate::machine::Named;

/// Every status kind, in the order pictures list them.
const KINDS: [StepStatusKind; 7] = [
    StepStatusKind::Waiting,
    StepStatusKind::Ready,
    StepStatusKind::InProgress,
    StepStatusKind::Approved,
    StepStatusKind::Denied,
    StepStatusKind::Skipped,
    StepStatusKind::NotNeeded,
];

/// The fill colour of a step with this status (an X11/SVG colour name,
/// understood by both Graphviz and Mermaid).
fn fill(kind: StepStatusKind) -> &'static str {
    match kind {
        StepStatusKind::Waiting => "white",
        StepStatusKind::Ready => "lightblue",
        StepStatusKind::InProgress => "gold",
        StepStatusKind::Approved => "palegreen",
        StepStatusKind::Denied => "salmon",
        StepStatusKind::Skipped | StepStatusKind::NotNeeded => "lightgrey",
    }
}

/// How a step's outline is drawn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outline {
    Solid,
    /// An optional step.
    Dashed,
    /// A fallback, run only if its step is denied.
    Dotted,
}

impl ApprovalGraph {
    /// The graph in Graphviz DOT, laid out left to right: one cluster
    /// (`subgraph "cluster_<stage>"`) per stage, labelled with the stage's
    /// name, lead department and limit; one box per step, labelled with its
    /// name, department and limit, and with its join rule when it has
    /// several predecessors ("any of 3", "at least 2 of 3", "all of 2").
    /// Optional steps are dashed, fallbacks dotted with a dotted edge
    /// labelled "if denied" from the step they stand in for. A bold edge
    /// between consecutive stages' clusters stands for the stage gate.
    ///
    /// Render it with `dot -Tsvg`. For the same picture coloured by a run,
    /// see [`to_dot_with_run`](Self::to_dot_with_run).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{DepartmentId, ItemCode};
    /// use shenpi::graph::{ApprovalGraph, Join, Step, StepId};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let step = |id: &str, name: &str, dept: &str, days, after: &[&str]| {
    ///     Step::new(
    ///         StepId::new(id).unwrap(),
    ///         ItemCode::new(id).unwrap(),
    ///         DepartmentId::new(dept).unwrap(),
    ///         TimeLimit::working_days(days),
    ///     )
    ///     .named(name)
    ///     .after(after.iter().map(|a| StepId::new(a).unwrap()))
    /// };
    /// let graph = ApprovalGraph::builder("酒厂扩建", StepId::new("filing")?)
    ///     .step(step("filing", "项目备案", "发改局", 1, &[]))
    ///     .step(step("land", "用地预审", "自然资源局", 10, &["filing"]))
    ///     .step(step("env", "环评审批", "生态环境局", 15, &["filing"]))
    ///     .step(step("permit", "规划许可", "自然资源局", 5, &["env", "land"]).join(Join::Any))
    ///     .build()?;
    /// let dot = graph.to_dot();
    /// assert!(dot.starts_with("digraph \"酒厂扩建\" {\n"));
    /// assert!(dot.contains("    \"filing\" -> \"land\";\n"));
    /// assert!(dot.contains("    \"permit\" [label=\"规划许可\\n自然资源局 · 5 wd\\nany of 2\"];\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_dot(&self) -> String {
        Dot { graph: self, run: None }.to_string()
    }

    /// The graph in Graphviz DOT as [`to_dot`](Self::to_dot) draws it, each
    /// step filled by its status in `run`: waiting white, ready lightblue,
    /// in progress gold, approved palegreen, denied salmon, skipped and not
    /// needed lightgrey.
    ///
    /// `run` should be a run of this graph; a step the run does not know is
    /// left unfilled.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::catalog::{DepartmentId, ItemCode};
    /// use shenpi::graph::{ApprovalGraph, GraphRun, Step, StepId};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let step = |id: &str, after: &[&str]| {
    ///     Step::new(
    ///         StepId::new(id).unwrap(),
    ///         ItemCode::new(id).unwrap(),
    ///         DepartmentId::new("发改局").unwrap(),
    ///         TimeLimit::working_days(3),
    ///     )
    ///     .after(after.iter().map(|a| StepId::new(a).unwrap()))
    /// };
    /// let graph = ApprovalGraph::builder("filing", StepId::new("filing")?)
    ///     .step(step("filing", &[]))
    ///     .step(step("land", &["filing"]))
    ///     .build()?;
    /// // A run just begun: the start step is ready, the rest waits.
    /// let run = GraphRun::new(&graph, DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?);
    /// let dot = graph.to_dot_with_run(&run);
    /// assert!(dot.contains(
    ///     "    \"filing\" [label=\"filing\\n发改局 · 3 wd\", style=filled, fillcolor=lightblue];\n"
    /// ));
    /// assert!(dot.contains("fillcolor=white"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_dot_with_run(&self, run: &GraphRun) -> String {
        Dot { graph: self, run: Some(run) }.to_string()
    }

    /// The graph as a Mermaid `flowchart LR`: one `subgraph` per stage
    /// (titled with its name, lead department and limit), one node
    /// `id["name<br/>department · N wd"]` per step (with its join rule when
    /// it has several predecessors), `-->` edges for precedence, a dotted
    /// `-.->|if denied|` edge to each fallback, and a thick `==>` edge
    /// between consecutive stages for the stage gate. Optional steps get the
    /// class `optional` (dashed), fallbacks the class `fallback` (dotted).
    ///
    /// Node ids come from step ids, kept when they are already plain ASCII
    /// letters, digits and underscores and not a Mermaid keyword; otherwise
    /// cleaned up (`land-use` becomes `land_use`), with a numeric suffix
    /// when the cleaned id is taken.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::{DepartmentId, ItemCode};
    /// use shenpi::graph::{ApprovalGraph, Join, Step, StepId};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let step = |id: &str, days, after: &[&str]| {
    ///     Step::new(
    ///         StepId::new(id).unwrap(),
    ///         ItemCode::new(id).unwrap(),
    ///         DepartmentId::new("住建局").unwrap(),
    ///         TimeLimit::working_days(days),
    ///     )
    ///     .after(after.iter().map(|a| StepId::new(a).unwrap()))
    /// };
    /// let graph = ApprovalGraph::builder("施工许可", StepId::new("filing")?)
    ///     .step(step("filing", 1, &[]))
    ///     .step(step("fire-design", 5, &["filing"]).named("消防设计审查"))
    ///     .step(step("air-defence", 5, &["filing"]))
    ///     .step(step("permit", 3, &["air-defence", "fire-design"]).join(Join::AtLeast { k: 2 }))
    ///     .build()?;
    /// let mermaid = graph.to_mermaid();
    /// assert!(mermaid.starts_with("flowchart LR\n"));
    /// assert!(mermaid.contains("    fire_design[\"消防设计审查<br/>住建局 · 5 wd\"]\n"));
    /// assert!(mermaid.contains("    fire_design --> permit\n"));
    /// assert!(mermaid.contains("at least 2 of 2"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_mermaid(&self) -> String {
        Flowchart { graph: self, run: None }.to_string()
    }

    /// The graph as a Mermaid flowchart as [`to_mermaid`](Self::to_mermaid)
    /// draws it, with a `classDef` per step status that occurs in `run`
    /// (filled with the colours of [`to_dot_with_run`](Self::to_dot_with_run))
    /// applied by `class a,b ready` lines.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::catalog::{DepartmentId, ItemCode};
    /// use shenpi::graph::{ApprovalGraph, GraphRun, Step, StepId};
    /// use shenpi::limit::TimeLimit;
    ///
    /// let step = |id: &str, after: &[&str]| {
    ///     Step::new(
    ///         StepId::new(id).unwrap(),
    ///         ItemCode::new(id).unwrap(),
    ///         DepartmentId::new("自然资源局").unwrap(),
    ///         TimeLimit::working_days(5),
    ///     )
    ///     .after(after.iter().map(|a| StepId::new(a).unwrap()))
    /// };
    /// let graph = ApprovalGraph::builder("用地", StepId::new("filing")?)
    ///     .step(step("filing", &[]))
    ///     .step(step("land", &["filing"]))
    ///     .step(step("planning", &["filing"]))
    ///     .build()?;
    /// let run = GraphRun::new(&graph, DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?);
    /// let mermaid = graph.to_mermaid_with_run(&run);
    /// assert!(mermaid.contains("    classDef ready fill:lightblue\n"));
    /// // Filed, the two reviews waiting for it:
    /// assert!(mermaid.ends_with("    class land,planning waiting\n    class filing ready\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_mermaid_with_run(&self, run: &GraphRun) -> String {
        Flowchart { graph: self, run: Some(run) }.to_string()
    }
}

impl Plan {
    /// The plan as a Mermaid `gantt` chart: one section per stage (in run
    /// order; steps outside stages in a section named after the graph), one
    /// task per planned step with explicit dates, critical steps marked
    /// `crit`, and a step of zero working days as a milestone. Sections come
    /// in the order of their earliest task, and tasks by earliest start.
    ///
    /// The plan's dates already follow the working-day calendar, so the
    /// chart excludes no days. A bar runs from the step's
    /// [`start_date`](super::StepPlan::start_date), the day it can be
    /// accepted (its predecessors' due date, itself not counted), through its
    /// [`finish_date`](super::StepPlan::finish_date), the due date, inclusive
    /// (`inclusiveEndDates`): the dates of the plan's table, and consecutive
    /// steps share the day one hands over to the next. Task ids are the
    /// flowchart's node ids (see [`ApprovalGraph::to_mermaid`]).
    ///
    /// `graph` should be the graph planned; steps it does not know are left
    /// out.
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
    /// let step = |id: &str, name: &str, days, after: &[&str]| {
    ///     Step::new(
    ///         StepId::new(id).unwrap(),
    ///         ItemCode::new(id).unwrap(),
    ///         DepartmentId::new("自然资源局").unwrap(),
    ///         TimeLimit::working_days(days),
    ///     )
    ///     .named(name)
    ///     .after(after.iter().map(|a| StepId::new(a).unwrap()))
    /// };
    /// let graph = ApprovalGraph::builder("extension", StepId::new("filing")?)
    ///     .step(step("filing", "项目备案", 1, &[]))
    ///     .step(step("land", "用地预审", 10, &["filing"]))
    ///     .step(step("survey", "勘测定界", 5, &["filing"]))
    ///     .build()?;
    /// let cal = WorkCalendar::china();
    /// let plan = Plan::new(&graph, &cal, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())?;
    /// let gantt = plan.to_mermaid_gantt(&graph);
    /// // Filed on Monday 2 March and due the next working day; the land
    /// // review accepted then and due ten working days later; the survey
    /// // has slack.
    /// assert!(gantt.contains("    项目备案 :crit, filing, 2026-03-02, 2026-03-03\n"));
    /// assert!(gantt.contains("    用地预审 :crit, land, 2026-03-03, 2026-03-17\n"));
    /// assert!(gantt.contains("    勘测定界 :survey, 2026-03-03, 2026-03-10\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_mermaid_gantt(&self, graph: &ApprovalGraph) -> String {
        Gantt { plan: self, graph }.to_string()
    }
}

/// A stage (by index) with its steps (by index, in id order).
type StageSteps = (usize, Vec<usize>);

/// A graph's steps grouped for drawing, by index: the stages that have
/// steps, in run order, each with its steps in id order; then the steps
/// outside any stage.
struct Layout {
    stages: Vec<StageSteps>,
    loose: Vec<usize>,
}

impl Layout {
    fn new(graph: &ApprovalGraph) -> Layout {
        let topo = graph.topology();
        let mut stages: Vec<StageSteps> =
            (0..graph.stages().len()).map(|s| (s, Vec::new())).collect();
        let mut loose = Vec::new();
        for i in 0..graph.steps().len() {
            match topo.stage_of[i] {
                Some(s) => stages[s].1.push(i),
                None => loose.push(i),
            }
        }
        stages.retain(|(_, steps)| !steps.is_empty());
        Layout { stages, loose }
    }

    /// Consecutive stages among those drawn, as pairs of their entries.
    fn gates(&self) -> impl Iterator<Item = (&StageSteps, &StageSteps)> + '_ {
        self.stages.windows(2).map(|w| (&w[0], &w[1]))
    }
}

/// Each step's status kind in `run`, by step index.
fn kinds(graph: &ApprovalGraph, run: Option<&GraphRun>) -> Vec<Option<StepStatusKind>> {
    let statuses = run.map(GraphRun::step_statuses).unwrap_or_default();
    (0..graph.steps().len()).map(|i| statuses.get(i).map(|s| s.kind())).collect()
}

fn outline(graph: &ApprovalGraph, i: usize) -> Outline {
    if graph.topology().stands_in_for[i].is_some() {
        Outline::Dotted
    } else if graph.steps()[i].requirement_kind() == Requirement::Optional {
        Outline::Dashed
    } else {
        Outline::Solid
    }
}

/// The lines of a step's label: name, department and limit, and the join
/// rule when the step has several predecessors.
fn step_lines(step: &Step) -> Vec<String> {
    let mut lines = vec![
        step.name().to_owned(),
        format!("{} · {} wd", step.department(), step.limit().amount()),
    ];
    let n = step.predecessors().len();
    if n > 1 {
        lines.push(match step.join_rule() {
            Join::All => format!("all of {n}"),
            Join::Any => format!("any of {n}"),
            Join::AtLeast { k } => format!("at least {k} of {n}"),
        });
    }
    lines
}

/// The lines of a stage's label: name, then lead department and limit.
fn stage_lines(stage: &Stage) -> [String; 2] {
    [stage.name().to_owned(), format!("lead {} · {} wd", stage.lead(), stage.limit().amount())]
}

/// The steps a DOT stage-gate edge runs between (clipped at the clusters'
/// borders, so only the layout sees them): the last step of one stage and
/// the first of the next in topological order, fallbacks only when a stage
/// has nothing else.
fn gate_ends(graph: &ApprovalGraph, from: &[usize], to: &[usize]) -> (usize, usize) {
    let topo = graph.topology();
    let mut rank = vec![0; graph.steps().len()];
    for (r, node) in topo.order.iter().enumerate() {
        if let Node::Step(i) = *node {
            rank[i] = r;
        }
    }
    let fallback = |i: usize| topo.stands_in_for[i].is_some();
    let last = from.iter().copied().min_by_key(|&i| (fallback(i), Reverse(rank[i])));
    let first = to.iter().copied().min_by_key(|&i| (fallback(i), rank[i]));
    (last.unwrap_or_default(), first.unwrap_or_default())
}

// ---------------------------------------------------------------- DOT ----

struct Dot<'a> {
    graph: &'a ApprovalGraph,
    run: Option<&'a GraphRun>,
}

/// A DOT double-quoted string: `"` and `\` escaped, control characters
/// (never in ids; possible in names) as spaces.
fn dot_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A DOT label of several lines: each line quoted as [`dot_quote`] does
/// (so a `\` shows as itself, not as an escape such as `\N`), joined by
/// `\n`.
fn dot_label<S: AsRef<str>>(lines: &[S]) -> String {
    let quoted: Vec<String> = lines.iter().map(|l| dot_quote(l.as_ref())).collect();
    let inner: Vec<&str> = quoted.iter().map(|q| &q[1..q.len() - 1]).collect();
    format!("\"{}\"", inner.join("\\n"))
}

impl fmt::Display for Dot<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let graph = self.graph;
        let topo = graph.topology();
        let layout = Layout::new(graph);
        let kinds = kinds(graph, self.run);
        let id = |i: usize| dot_quote(graph.steps()[i].id().as_str());
        let cluster = |s: usize| dot_quote(&format!("cluster_{}", graph.stages()[s].id()));
        let node = |f: &mut fmt::Formatter<'_>, indent: &str, i: usize| -> fmt::Result {
            write!(f, "{indent}{} [label={}", id(i), dot_label(&step_lines(&graph.steps()[i])))?;
            let dash = match outline(graph, i) {
                Outline::Solid => None,
                Outline::Dashed => Some("dashed"),
                Outline::Dotted => Some("dotted"),
            };
            match (kinds[i], dash) {
                (Some(kind), Some(dash)) => {
                    write!(f, ", style=\"filled,{dash}\", fillcolor={}", fill(kind))?
                }
                (Some(kind), None) => write!(f, ", style=filled, fillcolor={}", fill(kind))?,
                (None, Some(dash)) => write!(f, ", style={dash}")?,
                (None, None) => {}
            }
            writeln!(f, "];")
        };

        writeln!(f, "digraph {} {{", dot_quote(graph.name()))?;
        writeln!(f, "    label={};", dot_quote(graph.name()))?;
        writeln!(f, "    labelloc=t;")?;
        writeln!(f, "    rankdir=LR;")?;
        writeln!(f, "    compound=true;")?;
        writeln!(f, "    node [shape=box];")?;
        for (s, steps) in &layout.stages {
            writeln!(f, "    subgraph {} {{", cluster(*s))?;
            writeln!(f, "        label={};", dot_label(&stage_lines(&graph.stages()[*s])))?;
            for &i in steps {
                node(f, "        ", i)?;
            }
            writeln!(f, "    }}")?;
        }
        for &i in &layout.loose {
            node(f, "    ", i)?;
        }
        for i in 0..graph.steps().len() {
            for &s in &topo.succs[i] {
                writeln!(f, "    {} -> {};", id(i), id(s))?;
            }
            if let Some(fb) = topo.fallback[i] {
                writeln!(f, "    {} -> {} [style=dotted, label=\"if denied\"];", id(i), id(fb))?;
            }
        }
        for ((a, from), (b, to)) in layout.gates() {
            let (last, first) = gate_ends(graph, from, to);
            writeln!(
                f,
                "    {} -> {} [ltail={}, lhead={}, style=bold];",
                id(last),
                id(first),
                cluster(*a),
                cluster(*b),
            )?;
        }
        writeln!(f, "}}")
    }
}

// ------------------------------------------------------------ Mermaid ----

/// Words the Mermaid flowchart and Gantt lexers may read as keywords at the
/// start of a token (compared in lowercase, as prefixes: the lexers do not
/// always require a word boundary).
const MERMAID_KEYWORDS: [&str; 22] = [
    "end",
    "subgraph",
    "graph",
    "flowchart",
    "style",
    "linkstyle",
    "class",
    "click",
    "call",
    "href",
    "direction",
    "default",
    "interpolate",
    "acctitle",
    "accdescr",
    "active",
    "done",
    "crit",
    "milestone",
    "after",
    "until",
    "section",
];

/// Mermaid-safe ids for the steps (by index) and the stages (by index), in
/// one namespace since flowchart subgraphs and nodes share it. Ids that are
/// already safe keep their text; the others are cleaned and take a numeric
/// suffix when their cleaned form is taken.
fn mermaid_ids(graph: &ApprovalGraph) -> (Vec<String>, Vec<String>) {
    let names: Vec<(&str, &str)> = graph
        .steps()
        .iter()
        .map(|s| (s.id().as_str(), "step"))
        .chain(graph.stages().iter().map(|s| (s.id().as_str(), "stage")))
        .collect();
    let cleaned: Vec<String> = names.iter().map(|(n, what)| clean_id(n, what)).collect();
    let mut ids: Vec<Option<String>> = vec![None; names.len()];
    let mut used = BTreeSet::new();
    for (k, ((name, _), base)) in names.iter().zip(&cleaned).enumerate() {
        if base == name && used.insert(base.clone()) {
            ids[k] = Some(base.clone());
        }
    }
    for (k, base) in cleaned.iter().enumerate() {
        if ids[k].is_some() {
            continue;
        }
        let mut id = base.clone();
        let mut n = 2_u32;
        while used.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        used.insert(id.clone());
        ids[k] = Some(id);
    }
    let mut ids: Vec<String> = ids.into_iter().map(Option::unwrap_or_default).collect();
    let stages = ids.split_off(graph.steps().len());
    (ids, stages)
}

/// ASCII letters, digits and underscores; `what` (`step`, `stage`) for a
/// name with no ASCII letter or digit at all; `_` before a keyword.
fn clean_id(name: &str, what: &str) -> String {
    if !name.chars().any(|c| c.is_ascii_alphanumeric()) {
        return what.to_owned();
    }
    let mut id: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    let lower = id.to_ascii_lowercase();
    if MERMAID_KEYWORDS.iter().any(|k| lower.starts_with(k)) {
        id.insert(0, '_');
    }
    id
}

/// Text for a quoted Mermaid flowchart label (`["..."]`): the characters
/// that would end the string, start an entity code or be read as HTML are
/// written as entity codes (`#34;`, `#35;`, `#38;`, `#60;`, `#62;`, and
/// `#96;` for a backtick, which would start a Markdown string); control
/// characters become spaces.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#34;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#38;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A quoted Mermaid label of several lines joined by `<br/>`.
fn mermaid_label<S: AsRef<str>>(lines: &[S]) -> String {
    let lines: Vec<String> = lines.iter().map(|l| mermaid_text(l.as_ref())).collect();
    format!("[\"{}\"]", lines.join("<br/>"))
}

struct Flowchart<'a> {
    graph: &'a ApprovalGraph,
    run: Option<&'a GraphRun>,
}

impl fmt::Display for Flowchart<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let graph = self.graph;
        let topo = graph.topology();
        let layout = Layout::new(graph);
        let (ids, stage_ids) = mermaid_ids(graph);
        let node = |f: &mut fmt::Formatter<'_>, indent: &str, i: usize| -> fmt::Result {
            writeln!(f, "{indent}{}{}", ids[i], mermaid_label(&step_lines(&graph.steps()[i])))
        };

        writeln!(f, "flowchart LR")?;
        for (s, steps) in &layout.stages {
            let title = mermaid_label(&stage_lines(&graph.stages()[*s]));
            writeln!(f, "    subgraph {} {title}", stage_ids[*s])?;
            for &i in steps {
                node(f, "        ", i)?;
            }
            writeln!(f, "    end")?;
        }
        for &i in &layout.loose {
            node(f, "    ", i)?;
        }
        for i in 0..graph.steps().len() {
            for &s in &topo.succs[i] {
                writeln!(f, "    {} --> {}", ids[i], ids[s])?;
            }
            if let Some(fb) = topo.fallback[i] {
                writeln!(f, "    {} -.->|if denied| {}", ids[i], ids[fb])?;
            }
        }
        for ((a, _), (b, _)) in layout.gates() {
            writeln!(f, "    {} ==> {}", stage_ids[*a], stage_ids[*b])?;
        }

        // Classes: outlines, then statuses.
        let kinds = kinds(graph, self.run);
        let outlines = [
            ("optional", "stroke-dasharray:5 5".to_owned(), Outline::Dashed),
            ("fallback", "stroke-dasharray:2 2".to_owned(), Outline::Dotted),
        ];
        let mut classes: Vec<(&str, String, Vec<&str>)> = Vec::new();
        for (name, style, kind) in outlines {
            let members = (0..ids.len()).filter(|&i| outline(graph, i) == kind);
            classes.push((name, style, members.map(|i| ids[i].as_str()).collect()));
        }
        for kind in KINDS {
            let members = (0..ids.len()).filter(|&i| kinds[i] == Some(kind));
            let style = format!("fill:{}", fill(kind));
            classes.push((kind.name(), style, members.map(|i| ids[i].as_str()).collect()));
        }
        classes.retain(|(_, _, members)| !members.is_empty());
        for (name, style, _) in &classes {
            writeln!(f, "    classDef {name} {style}")?;
        }
        for (name, _, members) in &classes {
            writeln!(f, "    class {} {name}", members.join(","))?;
        }
        Ok(())
    }
}

// -------------------------------------------------------------- Gantt ----

/// Line-starting words of the Gantt grammar, in lowercase; a task name
/// beginning with one would be read as that statement.
const GANTT_STATEMENTS: [&str; 19] = [
    "gantt",
    "dateformat",
    "inclusiveenddates",
    "topaxis",
    "axisformat",
    "tickinterval",
    "includes",
    "excludes",
    "todaymarker",
    "title",
    "accdescription",
    "acctitle",
    "accdescr",
    "section",
    "click",
    "href",
    "call",
    "weekday",
    "weekend",
];

/// Text for a Gantt title, section or task name: `:` and `;` in their
/// full-width forms (natural in Chinese text), `#` and `%` (which start
/// comments) likewise, control characters as spaces, surrounding spaces
/// trimmed. A text that would be read as a statement or a date gets a
/// zero-width space in front, which the lexer does not skip.
fn gantt_text(text: &str) -> String {
    let out: String = text
        .chars()
        .map(|c| match c {
            ':' => '：',
            ';' => '；',
            '#' => '＃',
            '%' => '％',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let out = out.trim();
    let lower = out.to_lowercase();
    let dated = out.len() >= 10
        && out.bytes().take(10).enumerate().all(|(k, b)| match k {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if dated || GANTT_STATEMENTS.iter().any(|s| lower.starts_with(s)) {
        format!("\u{200b}{out}")
    } else {
        out.to_owned()
    }
}

struct Gantt<'a> {
    plan: &'a Plan,
    graph: &'a ApprovalGraph,
}

impl fmt::Display for Gantt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let graph = self.graph;
        let topo = graph.topology();
        let (ids, _) = mermaid_ids(graph);
        // Sections by stage index, the last one for steps outside stages.
        let loose = graph.stages().len();
        let mut sections: Vec<Vec<(usize, &super::StepPlan)>> = vec![Vec::new(); loose + 1];
        for planned in self.plan.steps() {
            if let Some(i) = graph.position(&planned.step) {
                sections[topo.stage_of[i].unwrap_or(loose)].push((i, planned));
            }
        }
        for tasks in &mut sections {
            tasks.sort_by(|(a, p), (b, q)| {
                (p.earliest_start, p.earliest_finish, a).cmp(&(
                    q.earliest_start,
                    q.earliest_finish,
                    b,
                ))
            });
        }
        let mut order: Vec<usize> = (0..=loose).filter(|&s| !sections[s].is_empty()).collect();
        order.sort_by_key(|&s| (sections[s][0].1.earliest_start, s));

        writeln!(f, "gantt")?;
        writeln!(f, "    title {}", gantt_text(graph.name()))?;
        writeln!(f, "    dateFormat YYYY-MM-DD")?;
        writeln!(f, "    inclusiveEndDates")?;
        for s in order {
            let title = if s == loose { graph.name() } else { graph.stages()[s].name() };
            writeln!(f, "    section {}", gantt_text(title))?;
            for &(i, planned) in &sections[s] {
                let mut name = gantt_text(graph.steps()[i].name());
                if name.is_empty() {
                    name = gantt_text(graph.steps()[i].id().as_str());
                }
                let mut tags = String::new();
                if planned.critical {
                    tags.push_str("crit, ");
                }
                if planned.duration == 0 {
                    let on = planned.finish_date;
                    writeln!(f, "    {name} :{tags}milestone, {}, {on}, 0d", ids[i])?;
                } else {
                    let (accepted, due) = (planned.start_date, planned.finish_date);
                    writeln!(f, "    {name} :{tags}{}, {accepted}, {due}", ids[i])?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, FixedOffset, NaiveDate};

    use super::*;
    use crate::calendar::WorkCalendar;
    use crate::case::Decision;
    use crate::catalog::{DepartmentId, ItemCode};
    use crate::graph::{RunCommand, RunEvent, StageId, StepId};
    use crate::limit::TimeLimit;
    use crate::machine::{Actor, ActorId, Role};

    fn id(s: &str) -> StepId {
        StepId::new(s).unwrap()
    }

    fn step(s: &str, name: &str, dept: &str, days: u32, after: &[&str]) -> Step {
        Step::new(
            id(s),
            ItemCode::new(&format!("JO-{s}")).unwrap(),
            DepartmentId::new(dept).unwrap(),
            TimeLimit::working_days(days),
        )
        .named(name)
        .after(after.iter().map(|a| id(a)))
    }

    /// One stage of three steps (the land review with a fallback), an
    /// optional environmental review and a permit outside the stage that
    /// waits for either review.
    fn graph() -> ApprovalGraph {
        let stage = StageId::new("land-use").unwrap();
        ApprovalGraph::builder("酒厂扩建", id("filing"))
            .stage(Stage::new(
                stage.clone(),
                "立项用地规划许可",
                DepartmentId::new("发改局").unwrap(),
                TimeLimit::working_days(20),
            ))
            .step(step("filing", "项目备案", "发改局", 1, &[]).in_stage(stage.clone()))
            .step(
                step("land", "用地预审", "自然资源局", 10, &["filing"])
                    .in_stage(stage.clone())
                    .fallback(id("land-lease")),
            )
            .step(step("land-lease", "临时用地租赁", "自然资源局", 5, &[]).in_stage(stage))
            .step(
                step("env", "环评审批", "生态环境局", 8, &["filing"])
                    .requirement(Requirement::Optional),
            )
            .step(step("permit", "规划许可", "自然资源局", 5, &["env", "land"]).join(Join::Any))
            .build()
            .unwrap()
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    /// The filing approved, the land review denied (its fallback ready), the
    /// environmental review under way.
    fn run(graph: &ApprovalGraph) -> GraphRun {
        let reviewer = Actor::new(ActorId::new("rev-1").unwrap(), Role::Reviewer);
        let mut run = GraphRun::new(graph, at("2026-03-02T09:00:00+08:00"));
        let start = |s: &str| RunCommand::StartStep { step: id(s), case: s.parse().unwrap() };
        let decide = |s: &str, decision| RunCommand::ConcludeStep { step: id(s), decision };
        for (when, command) in [
            ("2026-03-02T09:00:00+08:00", start("filing")),
            ("2026-03-02T11:00:00+08:00", decide("filing", Decision::Approved)),
            ("2026-03-03T09:00:00+08:00", start("land")),
            ("2026-03-03T09:30:00+08:00", start("env")),
            ("2026-03-10T16:00:00+08:00", decide("land", Decision::Denied)),
        ] {
            run.apply(graph, &RunEvent::new(reviewer.clone(), at(when), command)).unwrap();
        }
        run
    }

    fn plan(graph: &ApprovalGraph) -> Plan {
        let start = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        Plan::new(graph, &WorkCalendar::china(), start).unwrap()
    }

    const DOT: &str = r#"digraph "酒厂扩建" {
    label="酒厂扩建";
    labelloc=t;
    rankdir=LR;
    compound=true;
    node [shape=box];
    subgraph "cluster_land-use" {
        label="立项用地规划许可\nlead 发改局 · 20 wd";
        "filing" [label="项目备案\n发改局 · 1 wd"];
        "land" [label="用地预审\n自然资源局 · 10 wd"];
        "land-lease" [label="临时用地租赁\n自然资源局 · 5 wd", style=dotted];
    }
    "env" [label="环评审批\n生态环境局 · 8 wd", style=dashed];
    "permit" [label="规划许可\n自然资源局 · 5 wd\nany of 2"];
    "env" -> "permit";
    "filing" -> "env";
    "filing" -> "land";
    "land" -> "permit";
    "land" -> "land-lease" [style=dotted, label="if denied"];
}
"#;

    #[test]
    fn dot_is_pinned() {
        assert_eq!(graph().to_dot(), DOT);
    }

    #[test]
    fn dot_with_run_is_pinned() {
        let graph = graph();
        let expected = r#"digraph "酒厂扩建" {
    label="酒厂扩建";
    labelloc=t;
    rankdir=LR;
    compound=true;
    node [shape=box];
    subgraph "cluster_land-use" {
        label="立项用地规划许可\nlead 发改局 · 20 wd";
        "filing" [label="项目备案\n发改局 · 1 wd", style=filled, fillcolor=palegreen];
        "land" [label="用地预审\n自然资源局 · 10 wd", style=filled, fillcolor=salmon];
        "land-lease" [label="临时用地租赁\n自然资源局 · 5 wd", style="filled,dotted", fillcolor=lightblue];
    }
    "env" [label="环评审批\n生态环境局 · 8 wd", style="filled,dashed", fillcolor=gold];
    "permit" [label="规划许可\n自然资源局 · 5 wd\nany of 2", style=filled, fillcolor=white];
    "env" -> "permit";
    "filing" -> "env";
    "filing" -> "land";
    "land" -> "permit";
    "land" -> "land-lease" [style=dotted, label="if denied"];
}
"#;
        assert_eq!(graph.to_dot_with_run(&run(&graph)), expected);
    }

    const MERMAID: &str = r#"flowchart LR
    subgraph land_use ["立项用地规划许可<br/>lead 发改局 · 20 wd"]
        filing["项目备案<br/>发改局 · 1 wd"]
        land["用地预审<br/>自然资源局 · 10 wd"]
        land_lease["临时用地租赁<br/>自然资源局 · 5 wd"]
    end
    env["环评审批<br/>生态环境局 · 8 wd"]
    permit["规划许可<br/>自然资源局 · 5 wd<br/>any of 2"]
    env --> permit
    filing --> env
    filing --> land
    land --> permit
    land -.->|if denied| land_lease
    classDef optional stroke-dasharray:5 5
    classDef fallback stroke-dasharray:2 2
    class env optional
    class land_lease fallback
"#;

    #[test]
    fn mermaid_is_pinned() {
        assert_eq!(graph().to_mermaid(), MERMAID);
    }

    #[test]
    fn mermaid_with_run_is_pinned() {
        let graph = graph();
        let expected = r#"flowchart LR
    subgraph land_use ["立项用地规划许可<br/>lead 发改局 · 20 wd"]
        filing["项目备案<br/>发改局 · 1 wd"]
        land["用地预审<br/>自然资源局 · 10 wd"]
        land_lease["临时用地租赁<br/>自然资源局 · 5 wd"]
    end
    env["环评审批<br/>生态环境局 · 8 wd"]
    permit["规划许可<br/>自然资源局 · 5 wd<br/>any of 2"]
    env --> permit
    filing --> env
    filing --> land
    land --> permit
    land -.->|if denied| land_lease
    classDef optional stroke-dasharray:5 5
    classDef fallback stroke-dasharray:2 2
    classDef waiting fill:white
    classDef ready fill:lightblue
    classDef in_progress fill:gold
    classDef approved fill:palegreen
    classDef denied fill:salmon
    class env optional
    class land_lease fallback
    class permit waiting
    class land_lease ready
    class env in_progress
    class filing approved
    class land denied
"#;
        assert_eq!(graph.to_mermaid_with_run(&run(&graph)), expected);
    }

    #[test]
    fn gantt_is_pinned() {
        // The fallback is not planned. The permit's any-join starts it when
        // the environmental review (8 days) is due, before the land review
        // (10): the land review has 3 days of slack. 13 March is a Friday;
        // the permit's five working days end on Friday 20 March.
        let graph = graph();
        let expected = "gantt
    title 酒厂扩建
    dateFormat YYYY-MM-DD
    inclusiveEndDates
    section 立项用地规划许可
    项目备案 :crit, filing, 2026-03-02, 2026-03-03
    用地预审 :land, 2026-03-03, 2026-03-17
    section 酒厂扩建
    环评审批 :crit, env, 2026-03-03, 2026-03-13
    规划许可 :crit, permit, 2026-03-13, 2026-03-20
";
        assert_eq!(plan(&graph).to_mermaid_gantt(&graph), expected);
    }

    #[test]
    fn pictures_do_not_depend_on_insertion_order() {
        let graph = graph();
        let mut steps = graph.steps().to_vec();
        steps.reverse();
        let mut builder = ApprovalGraph::builder(graph.name(), graph.start().clone());
        for stage in graph.stages() {
            builder = builder.stage(stage.clone());
        }
        for step in steps {
            builder = builder.step(step);
        }
        let shuffled = builder.build().unwrap();
        assert_eq!(shuffled.to_dot(), DOT);
        assert_eq!(shuffled.to_mermaid(), MERMAID);
    }

    /// Two stages, the second reached only through the gate, and a
    /// zero-day step.
    fn staged() -> ApprovalGraph {
        let (first, second) = (StageId::new("s1").unwrap(), StageId::new("s2").unwrap());
        let dept = || DepartmentId::new("住建局").unwrap();
        ApprovalGraph::builder("two stages", id("a"))
            .stage(Stage::new(first.clone(), "工程建设许可", dept(), TimeLimit::working_days(10)))
            .stage(Stage::new(second.clone(), "施工许可", dept(), TimeLimit::working_days(5)))
            .step(step("a", "a", "住建局", 0, &[]).in_stage(first.clone()))
            .step(step("b", "b", "住建局", 3, &["a"]).in_stage(first))
            .step(step("c", "c", "住建局", 2, &[]).in_stage(second))
            .build()
            .unwrap()
    }

    #[test]
    fn stage_gates_join_consecutive_stages() {
        let graph = staged();
        let dot = graph.to_dot();
        assert!(dot.contains(
            "    \"b\" -> \"c\" [ltail=\"cluster_s1\", lhead=\"cluster_s2\", style=bold];\n"
        ));
        assert!(dot.contains(
            "    subgraph \"cluster_s2\" {\n        label=\"施工许可\\nlead 住建局 · 5 wd\";\n"
        ));
        let mermaid = graph.to_mermaid();
        assert!(mermaid.contains("    s1 ==> s2\n"), "{mermaid}");
        assert!(!mermaid.contains("classDef"));
    }

    #[test]
    fn gantt_marks_zero_day_steps_as_milestones() {
        let graph = staged();
        let expected = "gantt
    title two stages
    dateFormat YYYY-MM-DD
    inclusiveEndDates
    section 工程建设许可
    a :crit, milestone, a, 2026-03-02, 0d
    b :crit, b, 2026-03-02, 2026-03-05
    section 施工许可
    c :crit, c, 2026-03-05, 2026-03-09
";
        assert_eq!(plan(&graph).to_mermaid_gantt(&graph), expected);
    }

    #[test]
    fn dot_escapes_quotes_backslashes_and_line_breaks() {
        assert_eq!(dot_quote(r#"say "hi" \N"#), r#""say \"hi\" \\N""#);
        assert_eq!(dot_quote("a\nb"), "\"a b\"");
        assert_eq!(dot_label(&["第一行", "x\\y"]), r#""第一行\nx\\y""#);
        let graph = ApprovalGraph::builder("the \"new\" plant", id("a\\b"))
            .step(step("a\\b", "名称\"引号\"", "局", 1, &[]))
            .build()
            .unwrap();
        let dot = graph.to_dot();
        assert!(dot.starts_with("digraph \"the \\\"new\\\" plant\" {\n"));
        assert!(dot.contains("    \"a\\\\b\" [label=\"名称\\\"引号\\\"\\n局 · 1 wd\"];\n"));
    }

    #[test]
    fn mermaid_ids_are_safe_and_distinct() {
        assert_eq!(clean_id("land-use", "step"), "land_use");
        assert_eq!(clean_id("用地", "step"), "step");
        assert_eq!(clean_id("end", "step"), "_end");
        assert_eq!(clean_id("Classify", "step"), "_Classify");
        assert_eq!(clean_id("crit", "step"), "_crit");
        assert_eq!(clean_id("消防-1", "step"), "___1");
        let stage = StageId::new("land").unwrap();
        let graph = ApprovalGraph::builder("ids", id("land"))
            .stage(Stage::new(
                stage.clone(),
                "用地",
                DepartmentId::new("局").unwrap(),
                TimeLimit::working_days(5),
            ))
            .step(step("land", "a", "局", 1, &[]).in_stage(stage))
            .step(step("land-use", "b", "局", 1, &["land"]))
            .step(step("land_use", "c", "局", 1, &["land"]))
            .step(step("用地", "d", "局", 1, &["land"]))
            .step(step("规划", "e", "局", 1, &["land"]))
            .step(step("end", "f", "局", 1, &["land"]))
            .build()
            .unwrap();
        let (steps, stages) = mermaid_ids(&graph);
        // Steps in id order: end, land, land-use, land_use, 用地, 规划.
        assert_eq!(steps, ["_end", "land", "land_use_2", "land_use", "step", "step_2"]);
        assert_eq!(stages, ["land_2"]);
        let mermaid = graph.to_mermaid();
        assert!(mermaid.contains("    subgraph land_2 [\"用地<br/>lead 局 · 5 wd\"]\n"));
        assert!(mermaid.contains("    land --> step\n"));
    }

    #[test]
    fn mermaid_labels_cannot_break_out() {
        assert_eq!(
            mermaid_text("a \"b\" #1; <i>&`x`\n"),
            "a #34;b#34; #35;1; #60;i#62;#38;#96;x#96; "
        );
        assert_eq!(mermaid_label(&["一", "二"]), "[\"一<br/>二\"]");
    }

    #[test]
    fn gantt_texts_cannot_break_out() {
        assert_eq!(gantt_text("审查: 第1轮; #2 100%"), "审查： 第1轮； ＃2 100％");
        assert_eq!(gantt_text(" section A "), "\u{200b}section A");
        assert_eq!(gantt_text("2026-03-02 review"), "\u{200b}2026-03-02 review");
        assert_eq!(gantt_text("Title search"), "\u{200b}Title search");
        assert_eq!(gantt_text("用地预审"), "用地预审");
    }
}
