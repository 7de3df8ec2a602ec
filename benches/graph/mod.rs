//! `graph/*`: parallel-approval graphs (并联审批), shenpi beside a naive
//! baseline in one run:
//!
//! - `graph/plan/{shenpi,naive}/10000`: plan a deterministic pseudo-random
//!   graph of [`STEPS`] steps on the national calendar
//!   ([`WorkCalendar::china`]) from 2005-01-04. `shenpi` is [`Plan::new`]:
//!   one forward and one backward pass in the topological order the graph
//!   derived when it was built, then slack, the critical path and three
//!   dates per step. `naive` computes only the earliest finish of every step,
//!   by repeated Bellman-Ford-style relaxation over all edges until nothing
//!   changes: each round relaxes every edge (and every stage gate) against
//!   the previous round's finishes, so it needs one round per edge on the
//!   longest chain, plus one to see that nothing changed, whatever order the
//!   edges are listed in. It honours the same join rules (an any-join takes
//!   its first predecessor to finish, an at-least-k join its k-th) and
//!   stage gates (a gate waits for the required steps of its stage and the
//!   gate before). Its edge list, by index, is built once outside the timing,
//!   as shenpi's topology is built with the graph. Throughput: steps.
//! - `graph/run/{shenpi,naive}/five_way`: drive [`RUNS`] runs of a five-way
//!   parallel approval (filing → five departments at once → a permit that
//!   waits for all five; 7 steps) to completion, each by the same 14
//!   pre-built events (start and conclude every step, in a fixed order, a
//!   minute apart). `shenpi` is [`GraphRun::new`] and
//!   [`GraphRun::apply_into`] under [`default_run_policy`] (built once) with
//!   one reused `Vec<StepChange>`; `naive` keeps the statuses in a
//!   `HashMap<String, _>` and after each event scans every step and every
//!   edge for steps newly ready. Throughput: runs (instances).
//!
//! The plan's graph comes from a tiny xorshift generator with a fixed seed,
//! so every run times the same graph: steps `s00000`..`s09999` (id order is
//! generation order), the first the start; every other step has one to
//! three distinct predecessors among the [`WINDOW`] steps before it (which
//! keeps the graph deep, so the plan has a long critical path), a duration
//! of 1 to [`MAX_DAYS`] working days, an all-join mostly, else an any-join
//! or an at-least-k join (k below its predecessor count); about one step in
//! thirty is optional. The steps fall in order into the four stages of
//! construction-project approval, [`STEPS`]` / 4` to a stage.
//!
//! Everything is checked before timing: the naive earliest finish of every
//! step equals its
//! [`earliest_finish`](shenpi::graph::StepPlan::earliest_finish), some any- and at-least-k joins
//! start earlier than an all-join would (so the baseline really honours
//! them) and the plan ends inside the calendar's covered years; the naive run
//! gives every step the same status kind as shenpi's after every event, and
//! both complete exactly at the last event. Inside the timed loops each
//! result is asserted: the plan's duration, finish date and step count; the
//! naive finishes; every run accepted every event and completed.

use crate::support::Rng;
use std::collections::{BTreeSet, HashMap};
use std::hint::black_box;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, TimeZone};
use criterion::{BenchmarkId, Criterion, Throughput};
use shenpi::calendar::WorkCalendar;
use shenpi::case::{CaseId, Decision};
use shenpi::catalog::{DepartmentId, ItemCode};
use shenpi::graph::{
    default_run_policy, ApprovalGraph, GraphRun, Join, Plan, Requirement, RunCommand,
    RunCommandKind, RunEvent, RunState, Stage, StageId, Step, StepChange, StepId, StepStatusKind,
};
use shenpi::limit::TimeLimit;
use shenpi::machine::{Actor, ActorId, Role, RolePolicy};

/// Steps in the planned graph.
const STEPS: usize = 10_000;
/// Each step's predecessors are drawn among this many steps before it.
const WINDOW: usize = 64;
/// Step durations: `1..=MAX_DAYS` working days.
const MAX_DAYS: u32 = 5;
/// Five-way runs per timed iteration.
const RUNS: usize = 1000;
/// The generator's fixed seed.
const SEED: u64 = 0x5348_454e_5049_0a11;

/// The four stages of construction-project approval: id, name, lead.
const STAGES: [(&str, &str, &str); 4] = [
    ("land-use", "立项用地规划许可", "natural-resources"),
    ("engineering", "工程建设许可", "natural-resources"),
    ("construction", "施工许可", "housing"),
    ("completion", "竣工验收", "housing"),
];

/// The five departments reviewing at once in the five-way run.
const DEPARTMENTS: [&str; 5] =
    ["natural-resources", "housing", "ecology", "fire-rescue", "civil-air-defence"];

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid literal date")
}

fn step_id(id: &str) -> StepId {
    StepId::new(id).expect("a valid literal step id")
}

/// One step of a generated graph, by index.
struct GenStep {
    preds: BTreeSet<usize>,
    days: u32,
    join: Join,
    requirement: Requirement,
}

/// The generated steps (see the module docs).
fn generate() -> Vec<GenStep> {
    let mut rng = Rng(SEED);
    let mut steps = Vec::with_capacity(STEPS);
    for i in 0..STEPS {
        let mut preds = BTreeSet::new();
        if i > 0 {
            let lo = i.saturating_sub(WINDOW);
            let count = (1 + rng.index(3)).min(i - lo);
            while preds.len() < count {
                preds.insert(lo + rng.index(i - lo));
            }
        }
        let join = match (preds.len(), rng.below(100)) {
            (n, r) if n >= 2 && r < 10 => Join::Any,
            (n, r) if n >= 2 && r < 20 => {
                Join::AtLeast { k: 1 + rng.below(u32::try_from(n - 1).expect("n <= 3")) }
            }
            _ => Join::All,
        };
        let requirement =
            if i > 0 && rng.below(30) == 0 { Requirement::Optional } else { Requirement::Required };
        steps.push(GenStep { preds, days: 1 + rng.below(MAX_DAYS), join, requirement });
    }
    steps
}

/// The generated steps as an [`ApprovalGraph`], with its four stages.
fn build_graph(steps: &[GenStep]) -> ApprovalGraph {
    let ids: Vec<StepId> = (0..steps.len()).map(|i| step_id(&format!("s{i:05}"))).collect();
    let stage_ids: Vec<StageId> = STAGES
        .iter()
        .map(|(id, _, _)| StageId::new(id).expect("a valid literal stage id"))
        .collect();
    let mut builder = ApprovalGraph::builder("synthetic 10k", ids[0].clone());
    for ((_, name, lead), id) in STAGES.iter().zip(&stage_ids) {
        let lead = DepartmentId::new(lead).expect("a valid literal department");
        builder = builder.stage(Stage::new(id.clone(), *name, lead, TimeLimit::working_days(60)));
    }
    for (i, s) in steps.iter().enumerate() {
        let item = ItemCode::new(&format!("XK-{:04}", i % 97)).expect("a valid item code");
        let dept =
            DepartmentId::new(&format!("dept-{:02}", i % 23)).expect("a valid department id");
        let step = Step::new(ids[i].clone(), item, dept, TimeLimit::working_days(s.days))
            .after(s.preds.iter().map(|&p| ids[p].clone()))
            .join(s.join)
            .requirement(s.requirement)
            .in_stage(stage_ids[stage_of(i)].clone());
        builder = builder.step(step);
    }
    builder.build().expect("the generated graph is valid")
}

/// The stage of step `i`: [`STEPS`]` / 4` steps to a stage, in order.
fn stage_of(i: usize) -> usize {
    i * STAGES.len() / STEPS
}

/// The naive planner's input, by step index: built once from the public
/// graph, as shenpi's topology is.
struct NaivePlan {
    durations: Vec<u32>,
    /// Every edge `(predecessor, step)`, in the graph's step order.
    edges: Vec<(usize, usize)>,
    /// How many predecessors must finish before each step starts.
    needed: Vec<usize>,
    /// Each step's stage (`None` for none).
    stage: Vec<Option<usize>>,
    /// Whether each step holds up its stage's gate (required).
    gated: Vec<bool>,
    start: usize,
    stages: usize,
}

impl NaivePlan {
    fn new(graph: &ApprovalGraph) -> NaivePlan {
        let index: HashMap<&StepId, usize> =
            graph.steps().iter().enumerate().map(|(i, s)| (s.id(), i)).collect();
        let stage_index: HashMap<&StageId, usize> =
            graph.stages().iter().enumerate().map(|(i, s)| (s.id(), i)).collect();
        let mut edges = Vec::new();
        let mut needed = Vec::new();
        for (i, step) in graph.steps().iter().enumerate() {
            assert!(step.fallback_step().is_none(), "the naive planner knows no fallbacks");
            edges.extend(step.predecessors().map(|p| (index[p], i)));
            needed.push(step.join_rule().needed(step.predecessors().len()));
        }
        NaivePlan {
            durations: graph.steps().iter().map(|s| s.limit().amount()).collect(),
            edges,
            needed,
            stage: graph.steps().iter().map(|s| s.stage().map(|id| stage_index[id])).collect(),
            gated: graph
                .steps()
                .iter()
                .map(|s| s.requirement_kind() == Requirement::Required)
                .collect(),
            start: index[graph.start()],
            stages: graph.stages().len(),
        }
    }

    /// The earliest finish of every step, by repeated relaxation of every
    /// edge and gate against the previous round's finishes until no finish
    /// changes; with the number of rounds.
    fn earliest_finish(&self) -> (Vec<u32>, usize) {
        let n = self.durations.len();
        let mut finish = vec![0u32; n];
        let mut next = vec![0u32; n];
        // The finishes reaching each step through its edges (at most three).
        let mut incoming = vec![[0u32; 3]; n];
        let mut count = vec![0usize; n];
        let mut gate = vec![0u32; self.stages];
        let mut rounds = 0;
        loop {
            rounds += 1;
            // Gates: the latest finish of their stage's required steps, and
            // never before the gate before.
            gate.fill(0);
            for ((stage, gated), &f) in self.stage.iter().zip(&self.gated).zip(&finish) {
                if let (Some(s), true) = (*stage, *gated) {
                    gate[s] = gate[s].max(f);
                }
            }
            for s in 1..self.stages {
                gate[s] = gate[s].max(gate[s - 1]);
            }
            count.fill(0);
            for &(p, i) in &self.edges {
                incoming[i][count[i]] = finish[p];
                count[i] += 1;
            }
            let mut changed = false;
            for i in 0..n {
                let mut start = 0;
                if count[i] > 0 {
                    let reached = &mut incoming[i][..count[i]];
                    reached.sort_unstable();
                    start = reached[self.needed[i] - 1];
                }
                if let Some(s) = self.stage[i].filter(|&s| s > 0 && i != self.start) {
                    start = start.max(gate[s - 1]);
                }
                next[i] = start + self.durations[i];
                changed |= next[i] != finish[i];
            }
            std::mem::swap(&mut finish, &mut next);
            if !changed {
                return (finish, rounds);
            }
        }
    }

    /// Every step's earliest finish if every join were an all-join.
    fn all_join_finish(&self) -> Vec<u32> {
        let all = NaivePlan {
            needed: (0..self.durations.len())
                .map(|i| self.edges.iter().filter(|e| e.1 == i).count())
                .collect(),
            durations: self.durations.clone(),
            edges: self.edges.clone(),
            stage: self.stage.clone(),
            gated: self.gated.clone(),
            start: self.start,
            stages: self.stages,
        };
        all.earliest_finish().0
    }
}

/// The planning inputs and answers, checked.
struct PlanSetup {
    graph: ApprovalGraph,
    cal: WorkCalendar,
    start: NaiveDate,
    naive: NaivePlan,
    plan: Plan,
    finish: Vec<u32>,
    rounds: usize,
}

impl PlanSetup {
    fn new() -> PlanSetup {
        let steps = generate();
        let graph = build_graph(&steps);
        let cal = WorkCalendar::china();
        let start = ymd(2005, 1, 4);
        let plan = Plan::new(&graph, &cal, start).expect("the plan stays inside 2004–2026");
        assert_eq!(plan.steps().len(), STEPS, "every step is planned (no fallbacks)");
        let naive = NaivePlan::new(&graph);
        let (finish, rounds) = naive.earliest_finish();
        for (i, step) in plan.steps().iter().enumerate() {
            assert_eq!(step.step, *graph.steps()[i].id());
            assert_eq!(finish[i], step.earliest_finish, "naive vs shenpi: {}", step.step);
        }
        // The any- and at-least-k joins matter: with all-joins some steps
        // would finish later.
        let all = naive.all_join_finish();
        let earlier = (0..STEPS).filter(|&i| finish[i] < all[i]).count();
        assert!(earlier > 0, "no join other than all binds earlier");
        let joins = |f: fn(&Join) -> bool| steps.iter().filter(|s| f(&s.join)).count();
        assert!(
            joins(|j| matches!(j, Join::Any)) > 0
                && joins(|j| matches!(j, Join::AtLeast { .. })) > 0
        );
        PlanSetup { graph, cal, start, naive, plan, finish, rounds }
    }
}

/// `graph/plan/{shenpi,naive}/10000`: the earliest finish of every step of
/// a 10,000-step graph (shenpi: the whole plan).
pub(crate) fn plan(c: &mut Criterion) {
    let setup = PlanSetup::new();
    let PlanSetup { graph, cal, start, naive, plan, finish, rounds } = &setup;
    let mut group = c.benchmark_group("graph/plan");
    group.throughput(Throughput::Elements(STEPS as u64));
    group.bench_function(BenchmarkId::new("shenpi", STEPS), |b| {
        b.iter(|| {
            let got = Plan::new(black_box(graph), cal, black_box(*start)).expect("plan fits");
            assert_eq!(got.duration(), plan.duration());
            assert_eq!(got.finish_date(), plan.finish_date());
            assert_eq!(got.steps().len(), STEPS);
        });
    });
    group.bench_function(BenchmarkId::new("naive", STEPS), |b| {
        b.iter(|| {
            let (got, got_rounds) = black_box(naive).earliest_finish();
            assert_eq!(got_rounds, *rounds);
            assert_eq!(&got, finish);
        });
    });
    group.finish();
}

/// The five-way parallel approval: filing, five departments at once, then a
/// permit waiting for all five.
fn five_way() -> ApprovalGraph {
    let step = |id: &str, dept: &str, days: u32, after: &[&str]| {
        Step::new(
            step_id(id),
            ItemCode::new(&format!("ITEM-{id}")).expect("a valid item code"),
            DepartmentId::new(dept).expect("a valid literal department"),
            TimeLimit::working_days(days),
        )
        .after(after.iter().map(|a| step_id(a)))
    };
    let filing = step("filing", "service-centre", 1, &[]);
    let mut builder = ApprovalGraph::builder("five-way", step_id("filing")).step(filing);
    for dept in DEPARTMENTS {
        builder = builder.step(step(dept, dept, 10, &["filing"]));
    }
    builder
        .step(step("permit", "housing", 5, &DEPARTMENTS).join(Join::All))
        .build()
        .expect("the five-way graph is valid")
}

/// When every run begins: 2026-03-02 09:00 China Standard Time.
fn run_start() -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
        .expect("UTC+8 is a valid offset")
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("a valid literal instant")
}

/// The 14 events of one run, a minute apart: filing, then the five
/// departments started in order and concluded in another (one approval with
/// deficiency), then the permit.
fn run_events() -> Vec<RunEvent> {
    let reviewer =
        Actor::new(ActorId::new("reviewer-01").expect("a valid actor id"), Role::Reviewer);
    let start = |step: &str| RunCommand::StartStep {
        step: step_id(step),
        case: CaseId::new(&format!("JO-2026-{step}")).expect("a valid case id"),
    };
    let conclude =
        |step: &str, decision| RunCommand::ConcludeStep { step: step_id(step), decision };
    let mut commands = vec![start("filing"), conclude("filing", Decision::Approved)];
    commands.extend(DEPARTMENTS.iter().map(|d| start(d)));
    for i in [2, 0, 4, 1, 3] {
        let decision = if i == 4 { Decision::ApprovedWithDeficiency } else { Decision::Approved };
        commands.push(conclude(DEPARTMENTS[i], decision));
    }
    commands.push(start("permit"));
    commands.push(conclude("permit", Decision::Approved));
    commands
        .into_iter()
        .zip(0..)
        .map(|(command, minute)| {
            RunEvent::new(reviewer.clone(), run_start() + TimeDelta::minutes(minute), command)
        })
        .collect()
}

/// A naive step status.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NaiveStatus {
    Waiting,
    Ready,
    InProgress,
    Approved,
    Denied,
}

impl NaiveStatus {
    fn kind(self) -> StepStatusKind {
        match self {
            NaiveStatus::Waiting => StepStatusKind::Waiting,
            NaiveStatus::Ready => StepStatusKind::Ready,
            NaiveStatus::InProgress => StepStatusKind::InProgress,
            NaiveStatus::Approved => StepStatusKind::Approved,
            NaiveStatus::Denied => StepStatusKind::Denied,
        }
    }
}

/// A graph as the naive run sees it: step names and edges as strings.
/// All-joins only, no stages, no optional steps, no fallbacks.
struct NaiveGraph {
    steps: Vec<String>,
    /// `(predecessor, step)`.
    edges: Vec<(String, String)>,
    start: String,
}

impl NaiveGraph {
    fn new(graph: &ApprovalGraph) -> NaiveGraph {
        assert!(graph.stages().is_empty(), "the naive run knows no stages");
        let mut edges = Vec::new();
        for step in graph.steps() {
            assert_eq!(step.join_rule(), Join::All, "the naive run knows all-joins only");
            assert_eq!(step.requirement_kind(), Requirement::Required);
            assert!(step.fallback_step().is_none(), "the naive run knows no fallbacks");
            edges.extend(step.predecessors().map(|p| (p.to_string(), step.id().to_string())));
        }
        NaiveGraph {
            steps: graph.steps().iter().map(|s| s.id().to_string()).collect(),
            edges,
            start: graph.start().to_string(),
        }
    }
}

/// A naive run: statuses in a hash map by step name; after each event,
/// every waiting step is checked against every edge.
struct NaiveRun {
    statuses: HashMap<String, NaiveStatus>,
    state: RunState,
    last_at: DateTime<FixedOffset>,
}

impl NaiveRun {
    fn new(graph: &NaiveGraph, at: DateTime<FixedOffset>) -> NaiveRun {
        let mut statuses: HashMap<String, NaiveStatus> =
            graph.steps.iter().map(|s| (s.clone(), NaiveStatus::Waiting)).collect();
        statuses.insert(graph.start.clone(), NaiveStatus::Ready);
        NaiveRun { statuses, state: RunState::Running, last_at: at }
    }

    fn apply(
        &mut self,
        graph: &NaiveGraph,
        policy: &RolePolicy<RunCommandKind>,
        event: &RunEvent,
    ) -> Result<(), &'static str> {
        if !policy.allows(event.payload.kind(), event.actor.role) {
            return Err("role not allowed");
        }
        if event.at < self.last_at {
            return Err("time went backwards");
        }
        if self.state.is_over() {
            return Err("run over");
        }
        match &event.payload {
            RunCommand::StartStep { step, .. } => {
                let status = self.statuses.get_mut(step.as_str()).ok_or("unknown step")?;
                if *status != NaiveStatus::Ready {
                    return Err("step not ready");
                }
                *status = NaiveStatus::InProgress;
            }
            RunCommand::ConcludeStep { step, decision } => {
                let status = self.statuses.get_mut(step.as_str()).ok_or("unknown step")?;
                if *status != NaiveStatus::InProgress {
                    return Err("step not in progress");
                }
                if decision.is_approval() {
                    *status = NaiveStatus::Approved;
                } else {
                    *status = NaiveStatus::Denied;
                    self.state = RunState::Failed;
                }
            }
            RunCommand::SkipStep { .. } | RunCommand::Cancel { .. } => {
                return Err("not supported by the naive run");
            }
        }
        self.last_at = event.at;
        if self.state.is_over() {
            return Ok(());
        }
        // Scan: a waiting step is ready when every edge into it comes from
        // an approved step.
        for step in &graph.steps {
            if self.statuses[step] == NaiveStatus::Waiting
                && graph
                    .edges
                    .iter()
                    .filter(|(_, to)| to == step)
                    .all(|(from, _)| self.statuses[from] == NaiveStatus::Approved)
            {
                self.statuses.insert(step.clone(), NaiveStatus::Ready);
            }
        }
        if self.statuses.values().all(|s| matches!(s, NaiveStatus::Approved | NaiveStatus::Denied))
        {
            self.state = RunState::Completed;
        }
        Ok(())
    }
}

/// The five-way run inputs, checked to agree.
struct RunSetup {
    graph: ApprovalGraph,
    naive: NaiveGraph,
    policy: RolePolicy<RunCommandKind>,
    events: Vec<RunEvent>,
    at: DateTime<FixedOffset>,
}

impl RunSetup {
    fn new() -> RunSetup {
        let graph = five_way();
        assert_eq!(graph.steps().len(), 7);
        let naive = NaiveGraph::new(&graph);
        let policy = default_run_policy();
        let events = run_events();
        let at = run_start();
        let mut run = GraphRun::new(&graph, at);
        let mut naive_run = NaiveRun::new(&naive, at);
        let mut changes = Vec::new();
        for (k, event) in events.iter().enumerate() {
            run.apply_into(&graph, &policy, event, &mut changes).expect("shenpi accepts");
            naive_run.apply(&naive, &policy, event).expect("naive accepts");
            for (id, status) in run.statuses(&graph) {
                assert_eq!(
                    naive_run.statuses[id.as_str()].kind(),
                    status.kind(),
                    "naive vs shenpi: step {id} after event {k}"
                );
            }
            let last = k + 1 == events.len();
            let expected = if last { RunState::Completed } else { RunState::Running };
            assert_eq!(run.state(), expected, "shenpi after event {k}");
            assert_eq!(naive_run.state, expected, "naive after event {k}");
        }
        RunSetup { graph, naive, policy, events, at }
    }
}

/// `graph/run/{shenpi,naive}/five_way`: [`RUNS`] five-way runs, each from
/// its start to completion.
pub(crate) fn run(c: &mut Criterion) {
    let setup = RunSetup::new();
    let RunSetup { graph, naive, policy, events, at } = &setup;
    let mut group = c.benchmark_group("graph/run");
    group.throughput(Throughput::Elements(RUNS as u64));
    group.bench_function(BenchmarkId::new("shenpi", "five_way"), |b| {
        let mut changes: Vec<StepChange> = Vec::with_capacity(8);
        b.iter(|| {
            for _ in 0..RUNS {
                let graph = black_box(graph);
                let mut run = GraphRun::new(graph, *at);
                for event in black_box(events.as_slice()) {
                    run.apply_into(graph, policy, event, &mut changes).expect("accepted");
                }
                assert_eq!(run.state(), RunState::Completed);
            }
        });
    });
    group.bench_function(BenchmarkId::new("naive", "five_way"), |b| {
        b.iter(|| {
            for _ in 0..RUNS {
                let naive = black_box(naive);
                let mut run = NaiveRun::new(naive, *at);
                for event in black_box(events.as_slice()) {
                    run.apply(naive, policy, event).expect("accepted");
                }
                assert_eq!(run.state, RunState::Completed);
            }
        });
    });
    group.finish();
}
