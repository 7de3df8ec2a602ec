use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeDelta};
use proptest::prelude::*;

use super::history::Bounds;
use super::seed::{
    actor, advance, allowed_role, refused_role, seeds, start_seed, text, weighted, Seed,
};
use super::violation::broken;
use super::{Expect, History, Illegal, KitError, Law, Machine, Scope, Violation};
use crate::calendar::WorkCalendar;
use crate::case::{CaseId, Decision};
use crate::graph::{
    default_run_policy, ApprovalGraph, GraphRun, Requirement, RunCommand, RunCommandKind as K,
    RunEvent, RunState, StepId, StepStatus, StepStatusKind as S,
};
use crate::machine::{Named, RolePolicy};

type Instant = DateTime<FixedOffset>;

/// How fast departments work in generated runs.
///
/// # Example
///
/// ```
/// use shenpi::testing::Pace;
///
/// assert_ne!(Pace::OnTime, Pace::Any);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Steps start and conclude at any time: some departments run late.
    Any,
    /// Every department meets its promise: a ready step starts at once,
    /// and a step under way concludes by the close of the last working day
    /// of its limit, counted from the day it started.
    OnTime,
}

/// How steps are decided in generated runs.
///
/// # Example
///
/// ```
/// use shenpi::testing::Decisions;
///
/// assert_ne!(Decisions::ApproveAll, Decisions::SomeDenials);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decisions {
    /// Every step is approved (some with a deficiency to make good).
    ApproveAll,
    /// About one step in five is denied, and the odd run is cancelled.
    SomeDenials,
}

/// A portal's own definitions for runs of one approval graph: the graph,
/// the calendar, the role policy, and how fast and how favourably the
/// generated runs go.
///
/// # Example
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::catalog::{DepartmentId, ItemCode};
/// use shenpi::graph::{ApprovalGraph, Step, StepId};
/// use shenpi::limit::TimeLimit;
/// use shenpi::testing::{Pace, RunDefs};
///
/// let step = |id: &str| Step::new(StepId::new(id).unwrap(), ItemCode::new(id).unwrap(), DepartmentId::new("d").unwrap(), TimeLimit::working_days(3));
/// let graph = ApprovalGraph::builder("two", StepId::new("a")?)
///     .step(step("a"))
///     .step(step("b").after([StepId::new("a")?]))
///     .build()?;
/// let defs = RunDefs::new(graph, WorkCalendar::china()).with_pace(Pace::OnTime);
/// assert_eq!(defs.graph().steps().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RunDefs {
    graph: ApprovalGraph,
    calendar: WorkCalendar,
    policy: RolePolicy<K>,
    pace: Pace,
    decisions: Decisions,
}

impl RunDefs {
    /// Runs of `graph` on `calendar` with the default run policy, at any
    /// pace, with some denials.
    ///
    /// # Example
    ///
    /// See [`RunDefs`].
    pub fn new(graph: ApprovalGraph, calendar: WorkCalendar) -> RunDefs {
        RunDefs {
            graph,
            calendar,
            policy: default_run_policy(),
            pace: Pace::Any,
            decisions: Decisions::SomeDenials,
        }
    }

    /// The same with the portal's role policy.
    ///
    /// # Example
    ///
    /// See [`RunDefs`].
    pub fn with_policy(mut self, policy: RolePolicy<K>) -> RunDefs {
        self.policy = policy;
        self
    }

    /// The same at another pace.
    ///
    /// # Example
    ///
    /// See [`RunDefs`].
    pub fn with_pace(mut self, pace: Pace) -> RunDefs {
        self.pace = pace;
        self
    }

    /// The same with other decisions.
    ///
    /// # Example
    ///
    /// See [`RunDefs`].
    pub fn with_decisions(mut self, decisions: Decisions) -> RunDefs {
        self.decisions = decisions;
        self
    }

    /// The graph.
    ///
    /// # Example
    ///
    /// See [`RunDefs`].
    pub fn graph(&self) -> &ApprovalGraph {
        &self.graph
    }

    /// The calendar.
    ///
    /// # Example
    ///
    /// See [`RunDefs`].
    pub fn calendar(&self) -> &WorkCalendar {
        &self.calendar
    }
}

/// Valid run histories for the portal's graph: a start on a day of
/// `scope`, then commands until the run is over (or the calendar runs out,
/// or `scope`'s number of commands plus four per step is reached): ready steps
/// started with a case, steps under way concluded, now and then an optional
/// step skipped, each by a role the policy allows, at the [`Pace`] and with
/// the [`Decisions`] of the definitions. Every event is [`Expect::Accept`].
///
/// # Errors
///
/// [`KitError`] when the scope is not on the calendar, or the policy lets
/// nobody start or conclude a step.
///
/// # Example
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::catalog::{DepartmentId, ItemCode};
/// use shenpi::graph::{ApprovalGraph, GraphRun, Join, RunState, Step, StepId};
/// use shenpi::limit::TimeLimit;
/// use shenpi::testing::{check_run_laws, run_history, Decisions, RunDefs, Scope};
///
/// let id = |s: &str| StepId::new(s).unwrap();
/// let step = |s: &str| Step::new(id(s), ItemCode::new(s).unwrap(), DepartmentId::new("d").unwrap(), TimeLimit::working_days(3));
/// let graph = ApprovalGraph::builder("two of three", id("a"))
///     .step(step("a"))
///     .step(step("b").after([id("a")]))
///     .step(step("c").after([id("a")]))
///     .step(step("d").after([id("a")]))
///     .step(step("e").after([id("b"), id("c"), id("d")]).join(Join::AtLeast { k: 2 }))
///     .build()?;
/// let defs = RunDefs::new(graph, WorkCalendar::china()).with_decisions(Decisions::ApproveAll);
/// let histories = run_history(&defs, &Scope::year(2026))?;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..10 {
///     let history = histories.new_tree(&mut runner).map_err(|r| r.to_string())?.current();
///     let run = check_run_laws(&defs, &history)?;
///     assert_eq!(run.state(), RunState::Completed);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_history(
    defs: &RunDefs,
    scope: &Scope,
) -> Result<BoxedStrategy<History<RunCommand>>, KitError> {
    run_strategy(defs, scope, 0.0)
}

/// Like [`run_history`], with about one command in six made illegal: a
/// role the policy refuses, an instant before the latest event, a step
/// started that is not ready or concluded that is not under way, a
/// required step skipped, a step the graph lacks, a cancellation without a
/// reason, or anything once the run is over. Those events are
/// [`Expect::Refuse`] with the reason.
///
/// # Errors
///
/// As [`run_history`].
///
/// # Example
///
/// See [`run_history`]; `mixed_run_history(&defs, &scope)?`.
pub fn mixed_run_history(
    defs: &RunDefs,
    scope: &Scope,
) -> Result<BoxedStrategy<History<RunCommand>>, KitError> {
    run_strategy(defs, scope, 1.0 / 6.0)
}

fn run_strategy(
    defs: &RunDefs,
    scope: &Scope,
    illegal: f64,
) -> Result<BoxedStrategy<History<RunCommand>>, KitError> {
    let mut bounds = scope.check(&defs.calendar)?;
    for kind in [K::StartStep, K::ConcludeStep] {
        if defs.policy.roles(kind).next().is_none() {
            return Err(KitError::Nothing { what: "role allowed to start and conclude steps" });
        }
    }
    bounds.commands = bounds.commands.saturating_add(4 * defs.graph.steps().len());
    let defs = Arc::new(defs.clone());
    Ok((start_seed(), seeds(bounds.commands, illegal))
        .prop_map(move |(start, steps)| {
            let at = start.at(&defs.calendar, &bounds).unwrap_or(bounds.latest);
            play(&defs, &bounds, at, &steps)
        })
        .boxed())
}

fn play(defs: &RunDefs, b: &Bounds, start: Instant, seeds: &[Seed]) -> History<RunCommand> {
    let graph = &defs.graph;
    let mut run = GraphRun::new(graph, start);
    let mut history = History::new(start, Vec::new());
    let mut last = start;
    let mut cases = 0u32;
    // After the random choices, plain ones drive the run to its end.
    let plain = (0..b.commands as u32).map(|i| Seed {
        pick: i,
        role: i,
        data: i,
        gap: super::seed::Gap::Minutes(90),
        illegal: None,
    });
    for seed in seeds.iter().cloned().chain(plain) {
        let seed = &seed;
        let statuses: Vec<(StepId, StepStatus)> =
            run.statuses(graph).map(|(id, s)| (id.clone(), s.clone())).collect();
        let next = match seed.illegal.and_then(|n| illegal(defs, &run, &statuses, last, seed, n)) {
            Some((event, why)) => Some((event, Expect::Refuse(why))),
            None if run.state().is_over() => break,
            None => match legal(defs, b, &statuses, last, seed, &mut cases) {
                Some(event) => Some((event, Expect::Accept)),
                None => break,
            },
        };
        let Some((event, expect)) = next else { continue };
        if run.apply_with_policy(graph, &defs.policy, &event).is_ok() {
            last = event.at;
        }
        history.events.push(event);
        history.expect.push(expect);
    }
    history
}

/// A legal command for the run with these statuses, or `None` when there
/// is none (or the calendar runs out).
fn legal(
    defs: &RunDefs,
    b: &Bounds,
    statuses: &[(StepId, StepStatus)],
    last: Instant,
    seed: &Seed,
    cases: &mut u32,
) -> Option<RunEvent> {
    let graph = &defs.graph;
    let cal = &defs.calendar;
    let ready: Vec<&StepId> =
        statuses.iter().filter(|(_, s)| s.kind() == S::Ready).map(|(id, _)| id).collect();
    let busy: Vec<(&StepId, Instant)> = statuses
        .iter()
        .filter_map(|(id, s)| match s {
            StepStatus::InProgress { since, .. } => Some((id, *since)),
            _ => None,
        })
        .collect();
    let skippable: Vec<&StepId> = statuses
        .iter()
        .filter(|(id, s)| {
            matches!(s.kind(), S::Waiting | S::Ready)
                && graph.step(id).is_some_and(|st| st.requirement_kind() == Requirement::Optional)
        })
        .map(|(id, _)| id)
        .collect();
    let promised = |id: &StepId, since: Instant| -> Option<Instant> {
        let limit = graph.step(id)?.limit().amount();
        let day = cal.add_working_days(cal.to_civil(&since).date(), limit).ok()?;
        cal.last_day_end(day, crate::calendar::Party::Agency).ok()
    };
    let due = busy.iter().filter_map(|(id, since)| promised(id, *since)).min();
    let at = match defs.pace {
        Pace::Any => advance(cal, b, last, seed.gap, &[]),
        Pace::OnTime if !ready.is_empty() => Some(last),
        Pace::OnTime => {
            advance(cal, b, last, seed.gap, &[]).map(|at| due.map_or(at, |d| at.min(d).max(last)))
        }
    };
    let at = at?;
    let can = |k| defs.policy.roles(k).next().is_some();
    let (cancel, skip) = match (defs.pace, defs.decisions) {
        (Pace::Any, Decisions::SomeDenials) => (1, 2),
        (Pace::Any, Decisions::ApproveAll) => (0, 2),
        (Pace::OnTime, _) => (0, 0),
    };
    let start_first = defs.pace == Pace::OnTime && !ready.is_empty();
    let options = [
        (K::StartStep, if ready.is_empty() || !can(K::StartStep) { 0 } else { 20 }),
        (
            K::ConcludeStep,
            if busy.is_empty() || !can(K::ConcludeStep) || start_first { 0 } else { 20 },
        ),
        (K::SkipStep, if skippable.is_empty() || !can(K::SkipStep) { 0 } else { skip }),
        (K::Cancel, if can(K::Cancel) { cancel } else { 0 }),
    ];
    let kind = weighted(&options, seed.pick)?;
    let pick = |n: usize| seed.data as usize % n;
    let command = match kind {
        K::StartStep => {
            *cases += 1;
            RunCommand::StartStep {
                step: ready[pick(ready.len())].clone(),
                case: CaseId::new(&format!("KIT-{:03}", *cases)).ok()?,
            }
        }
        K::ConcludeStep => {
            let decision = match defs.decisions {
                Decisions::ApproveAll if seed.data % 10 == 0 => Decision::ApprovedWithDeficiency,
                Decisions::ApproveAll => Decision::Approved,
                Decisions::SomeDenials if (seed.data / 7) % 5 == 0 => Decision::Denied,
                Decisions::SomeDenials => Decision::Approved,
            };
            RunCommand::ConcludeStep { step: busy[pick(busy.len())].0.clone(), decision }
        }
        K::SkipStep => RunCommand::SkipStep { step: skippable[pick(skippable.len())].clone() },
        K::Cancel => RunCommand::Cancel { reason: text(seed.data) },
    };
    let role = allowed_role(&defs.policy, kind, seed.role)?;
    Some(RunEvent::new(actor(role), at, command))
}

/// An illegal command for `run`, in the `n`-th way that applies.
fn illegal(
    defs: &RunDefs,
    run: &GraphRun,
    statuses: &[(StepId, StepStatus)],
    last: Instant,
    seed: &Seed,
    n: u32,
) -> Option<(RunEvent, Illegal)> {
    let policy = &defs.policy;
    let graph = &defs.graph;
    let pick = |n: usize| seed.data as usize % n;
    let (id, status) = &statuses[pick(statuses.len())];
    let case = CaseId::new("KIT-ILLEGAL").ok()?;
    let some = |kind: K| match kind {
        K::StartStep => RunCommand::StartStep { step: id.clone(), case: case.clone() },
        K::ConcludeStep => {
            RunCommand::ConcludeStep { step: id.clone(), decision: Decision::Approved }
        }
        K::SkipStep => RunCommand::SkipStep { step: id.clone() },
        K::Cancel => RunCommand::Cancel { reason: text(seed.data) },
    };
    let kinds = [K::StartStep, K::ConcludeStep, K::SkipStep, K::Cancel];
    let kind = kinds[seed.pick as usize % kinds.len()];
    let mut ways: Vec<(RunEvent, Illegal)> = Vec::new();
    if let Some(role) = refused_role(policy, kind, seed.role) {
        ways.push((RunEvent::new(actor(role), last, some(kind)), Illegal::RoleNotAllowed));
    }
    if let Some(role) = allowed_role(policy, kind, seed.role) {
        let at = last - TimeDelta::minutes(1 + i64::from(seed.data % 600));
        ways.push((RunEvent::new(actor(role), at, some(kind)), Illegal::TimeWentBackwards));
        if run.state().is_over() {
            ways.push((RunEvent::new(actor(role), last, some(kind)), Illegal::NotInTable));
        }
    }
    if !run.state().is_over() {
        let mut bad = |kind: K, command: RunCommand, why: Illegal| {
            if let Some(role) = allowed_role(policy, kind, seed.role) {
                ways.push((RunEvent::new(actor(role), last, command), why));
            }
        };
        if status.kind() != S::Ready {
            bad(K::StartStep, some(K::StartStep), Illegal::NotInTable);
        }
        if status.kind() != S::InProgress {
            bad(K::ConcludeStep, some(K::ConcludeStep), Illegal::NotInTable);
        }
        let optional =
            graph.step(id).is_some_and(|s| s.requirement_kind() == Requirement::Optional);
        if !optional {
            bad(K::SkipStep, some(K::SkipStep), Illegal::BadData("a required step skipped"));
        } else if !matches!(status.kind(), S::Waiting | S::Ready) {
            bad(K::SkipStep, some(K::SkipStep), Illegal::NotInTable);
        }
        let unknown = StepId::new("kit-no-such-step").ok()?;
        if graph.step(&unknown).is_none() {
            bad(
                K::ConcludeStep,
                RunCommand::ConcludeStep { step: unknown, decision: Decision::Approved },
                Illegal::BadData("a step the graph lacks"),
            );
        }
        bad(
            K::Cancel,
            RunCommand::Cancel { reason: "  ".into() },
            Illegal::BadData("blank reason"),
        );
    }
    if ways.is_empty() {
        return None;
    }
    let i = n as usize % ways.len();
    Some(ways.swap_remove(i))
}

/// The graph's shape by position (the order of `graph.steps()`).
struct Shape {
    preds: Vec<Vec<usize>>,
    fallback: Vec<Option<usize>>,
    stands_in_for: Vec<Option<usize>>,
    stage: Vec<Option<usize>>,
    optional: Vec<bool>,
    needed: Vec<usize>,
    start: usize,
    pos: BTreeMap<StepId, usize>,
    /// Every step after its predecessors.
    order: Vec<usize>,
}

impl Shape {
    fn new(graph: &ApprovalGraph) -> Shape {
        let steps = graph.steps();
        let pos: BTreeMap<StepId, usize> =
            steps.iter().enumerate().map(|(i, s)| (s.id().clone(), i)).collect();
        let at = |id: &StepId| pos.get(id).copied();
        let stages: BTreeMap<_, usize> =
            graph.stages().iter().enumerate().map(|(i, s)| (s.id().clone(), i)).collect();
        let preds: Vec<Vec<usize>> =
            steps.iter().map(|s| s.predecessors().filter_map(at).collect()).collect();
        let fallback: Vec<Option<usize>> =
            steps.iter().map(|s| s.fallback_step().and_then(at)).collect();
        let mut stands_in_for = vec![None; steps.len()];
        for (i, f) in fallback.iter().enumerate() {
            if let Some(f) = f {
                stands_in_for[*f] = Some(i);
            }
        }
        // Kahn's algorithm; the graph has no cycle, so every step is taken.
        let mut succs = vec![Vec::new(); steps.len()];
        let mut waiting: Vec<usize> = preds.iter().map(Vec::len).collect();
        for (i, ps) in preds.iter().enumerate() {
            for &p in ps {
                succs[p].push(i);
            }
        }
        let mut order: Vec<usize> = (0..steps.len()).filter(|&i| waiting[i] == 0).collect();
        let mut next = 0;
        while let Some(&i) = order.get(next) {
            next += 1;
            for &s in &succs[i] {
                waiting[s] -= 1;
                if waiting[s] == 0 {
                    order.push(s);
                }
            }
        }
        Shape {
            needed: steps.iter().zip(&preds).map(|(s, p)| s.join_rule().needed(p.len())).collect(),
            stage: steps.iter().map(|s| s.stage().and_then(|id| stages.get(id).copied())).collect(),
            optional: steps.iter().map(|s| s.requirement_kind() == Requirement::Optional).collect(),
            start: at(graph.start()).unwrap_or(0),
            preds,
            fallback,
            stands_in_for,
            pos,
            order,
        }
    }

    /// For each step, whether it counts as passed: approved, or denied with
    /// its fallback (chain) approved, or optional and denied or not needed,
    /// or optional, skipped and with its own join and stage gate met (a
    /// skipped step passes when it could have started, never earlier).
    fn passes(&self, kinds: &[S]) -> Vec<bool> {
        let mut passes = vec![false; kinds.len()];
        // Every step but a skipped one by its own status (and its
        // fallbacks'); then the skipped ones, each after its predecessors,
        // by their joins and by the required steps of earlier stages.
        for i in 0..kinds.len() {
            passes[i] = self.approved(kinds, i)
                || (self.optional[i] && kinds[i] != S::Skipped && !pending(kinds[i]));
        }
        for &i in &self.order {
            if self.optional[i] && kinds[i] == S::Skipped {
                passes[i] = self.may_start(&passes, i);
            }
        }
        passes
    }

    /// Approved, or denied with its fallback (chain) approved; a fallback
    /// in the chain may have been given up (skipped) while it stood in.
    fn approved(&self, kinds: &[S], i: usize) -> bool {
        let mut j = i;
        loop {
            if kinds[j] == S::Approved {
                return true;
            }
            match (kinds[j], self.fallback[j]) {
                (S::Denied | S::Skipped, Some(f)) => j = f,
                _ => return false,
            }
        }
    }

    /// Whether the join and the stage gate of step `i` are met, given which
    /// steps passed.
    fn may_start(&self, passes: &[bool], i: usize) -> bool {
        let passed = self.preds[i].iter().filter(|&&p| passes[p]).count();
        let gate = match self.stage[i].filter(|&s| s > 0 && i != self.start) {
            Some(s) => (0..passes.len())
                .filter(|&j| !self.optional[j] && self.stands_in_for[j].is_none())
                .filter(|&j| self.stage[j].is_some_and(|t| t < s))
                .all(|j| passes[j]),
            None => true,
        };
        passed >= self.needed[i] && gate
    }
}

fn pending(k: S) -> bool {
    matches!(k, S::Waiting | S::Ready | S::InProgress)
}

/// Plays `history` against a run of `defs` (under its role policy) and
/// checks the laws after every command:
///
/// - each command does what the history expects, a refused one leaves the
///   run exactly as it was, an accepted one records one event, and replaying
///   the accepted events gives the same run;
/// - the step changes a transition reports, replayed over the statuses
///   before, give the statuses after, and no other step changes;
/// - join laws: a step becomes ready only when its join (all, any, at
///   least k of its predecessors passed: approved, denied with an approved
///   fallback, optional and denied or not needed, or optional and skipped
///   with its own join and stage gate met) and its stage gate are met; while
///   the run goes on, no waiting step has them met; a fallback becomes
///   ready only on its step's denial (or when the fallback before it,
///   standing in, is given up: skipped);
/// - the run is never stuck (something is ready or under way while it
///   runs), is over exactly when no step is pending, and fails only on a
///   denial (or a fallback standing in given up).
///
/// Returns the run at the end, for the portal's own rules.
///
/// # Errors
///
/// The first [`Violation`] found.
///
/// # Example
///
/// See [`run_history`].
pub fn check_run_laws(
    defs: &RunDefs,
    history: &History<RunCommand>,
) -> Result<GraphRun, Violation> {
    let m = Machine::GraphRun;
    let graph = &defs.graph;
    let shape = Shape::new(graph);
    let mut run = GraphRun::new(graph, history.start);
    let mut accepted: Vec<RunEvent> = Vec::new();
    let kinds_of =
        |run: &GraphRun| -> Vec<S> { run.statuses(graph).map(|(_, s)| s.kind()).collect() };
    for (index, (event, expect)) in history.events.iter().zip(&history.expect).enumerate() {
        let command = event.payload.kind().name();
        let before = run.clone();
        let old = kinds_of(&before);
        let t = match run.apply_with_policy(graph, &defs.policy, event) {
            Ok(t) => t,
            Err(e) => {
                if run != before {
                    return Err(Violation::RefusalChangedState {
                        machine: m,
                        index,
                        command,
                        error: e.into(),
                    });
                }
                if *expect == Expect::Accept {
                    return Err(Violation::LegalRefused {
                        machine: m,
                        index,
                        command,
                        error: e.into(),
                    });
                }
                continue;
            }
        };
        if let Expect::Refuse(why) = expect {
            return Err(Violation::IllegalAccepted { machine: m, index, command, why: *why });
        }
        let at = Some(event.at);
        let law =
            |law, expected: String, found: String| broken(m, law, Some(index), at, expected, found);
        let found = (t.run.from, t.run.to, t.run.at, run.event_count());
        let expected = (before.state(), run.state(), event.at, before.event_count() + 1);
        if found != expected {
            return Err(law(
                Law::TransitionRecorded,
                format!("(from, to, at, events) = {expected:?}"),
                format!("{found:?}"),
            ));
        }
        accepted.push(event.clone());
        let replayed =
            match GraphRun::replay_with_policy(graph, &defs.policy, history.start, &accepted) {
                Ok(replayed) => replayed,
                Err(err) => {
                    return Err(law(
                        Law::ReplayEqualsIncremental,
                        "the accepted events replay".into(),
                        format!("{err}"),
                    ))
                }
            };
        if replayed != run {
            return Err(law(
                Law::ReplayEqualsIncremental,
                format!("{run:?}"),
                format!("{replayed:?}"),
            ));
        }
        if defs.policy == default_run_policy() {
            match GraphRun::replay(graph, history.start, &accepted) {
                Ok(r) if r == run => {}
                other => {
                    return Err(law(
                        Law::ReplayEqualsIncremental,
                        "GraphRun::replay gives the same run".into(),
                        format!("{other:?}"),
                    ))
                }
            }
        }
        // The reported changes add up.
        let new = kinds_of(&run);
        let mut replayed_kinds = old.clone();
        let mut changed = vec![false; new.len()];
        for c in &t.steps {
            let Some(&i) = shape.pos.get(&c.step) else {
                return Err(law(
                    Law::StepChangesAddUp,
                    "a step of the graph".into(),
                    c.step.to_string(),
                ));
            };
            if replayed_kinds[i] != c.from || c.from == c.to {
                return Err(law(
                    Law::StepChangesAddUp,
                    format!("a change of {} from {}", c.step, replayed_kinds[i]),
                    format!("{} to {}", c.from, c.to),
                ));
            }
            replayed_kinds[i] = c.to;
            changed[i] = true;
        }
        let unreported = before
            .statuses(graph)
            .zip(run.statuses(graph))
            .enumerate()
            .find(|(i, ((_, a), (_, b)))| !changed[*i] && a != b);
        if replayed_kinds != new || unreported.is_some() {
            return Err(law(
                Law::StepChangesAddUp,
                format!("{new:?}, every change reported"),
                format!("{replayed_kinds:?} from the changes reported"),
            ));
        }
        // A denial, or giving up a fallback that stands in (a ready one).
        let denied = match &event.payload {
            RunCommand::ConcludeStep { step, decision } if !decision.is_approval() => {
                shape.pos.get(step).copied()
            }
            RunCommand::SkipStep { step } => shape
                .pos
                .get(step)
                .copied()
                .filter(|&i| shape.stands_in_for[i].is_some() && old[i] == S::Ready),
            _ => None,
        };
        let passes = shape.passes(&new);
        for c in t.steps.iter().filter(|c| c.from == S::Waiting && c.to == S::Ready) {
            let i = shape.pos[&c.step];
            match shape.stands_in_for[i] {
                Some(primary) if denied != Some(primary) => {
                    return Err(law(
                        Law::FallbackOnlyOnDenial,
                        format!("fallback {} ready only when its step is denied", c.step),
                        format!("ready after {}", event.payload.kind()),
                    ))
                }
                Some(_) => {}
                None if !shape.may_start(&passes, i) => {
                    return Err(law(
                        Law::JoinOpensOnlyWhenMet,
                        format!(
                        "{} waiting until {} of its predecessors passed and its stage gate opened",
                        c.step, shape.needed[i]
                    ),
                        "ready".into(),
                    ))
                }
                None => {}
            }
        }
        let running = run.state() == RunState::Running;
        if running {
            for (i, k) in new.iter().enumerate() {
                if *k == S::Waiting
                    && shape.stands_in_for[i].is_none()
                    && shape.may_start(&passes, i)
                {
                    let id = &graph.steps()[i];
                    return Err(law(
                        Law::JoinOpensWhenMet,
                        format!("{} ready: its join and gate are met", id.id()),
                        "waiting".into(),
                    ));
                }
            }
            if !new.iter().any(|k| matches!(k, S::Ready | S::InProgress)) {
                return Err(law(
                    Law::NeverStuck,
                    "a step ready or under way".into(),
                    format!("{new:?}"),
                ));
            }
        }
        if running != new.iter().any(|k| pending(*k)) {
            return Err(law(
                Law::OverExactlyWhenNothingPending,
                format!("a run {} exactly when a step is pending", RunState::Running),
                format!("{} with statuses {new:?}", run.state()),
            ));
        }
        if run.state() == RunState::Failed && before.state() != RunState::Failed && denied.is_none()
        {
            return Err(law(
                Law::FailsOnlyOnDenial,
                "a failure only on a denial".into(),
                format!("failed on {}", event.payload.kind()),
            ));
        }
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{DepartmentId, ItemCode};
    use crate::graph::Step;
    use crate::limit::TimeLimit;
    use crate::machine::Role;

    /// `land`, then the optional `energy`, then `permit`; `energy` is
    /// skipped while it still waits for `land`, which is then concluded
    /// with `decision`.
    fn skip_then_conclude_land(decision: Decision) -> (RunDefs, History<RunCommand>) {
        let id = |s: &str| StepId::new(s).unwrap();
        let step = |s: &str| {
            Step::new(
                id(s),
                ItemCode::new(s).unwrap(),
                DepartmentId::new(s).unwrap(),
                TimeLimit::working_days(3),
            )
        };
        let graph = ApprovalGraph::builder("skip", id("land"))
            .step(step("land"))
            .step(step("energy").after([id("land")]).requirement(Requirement::Optional))
            .step(step("permit").after([id("energy")]))
            .build()
            .unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        let start = at("2026-03-02T09:00:00+08:00");
        let events = vec![
            RunEvent::new(
                actor(Role::SpecialTeam),
                at("2026-03-02T10:00:00+08:00"),
                RunCommand::SkipStep { step: id("energy") },
            ),
            RunEvent::new(
                actor(Role::Reviewer),
                at("2026-03-02T11:00:00+08:00"),
                RunCommand::StartStep { step: id("land"), case: CaseId::new("KIT-1").unwrap() },
            ),
            RunEvent::new(
                actor(Role::Reviewer),
                at("2026-03-03T11:00:00+08:00"),
                RunCommand::ConcludeStep { step: id("land"), decision },
            ),
        ];
        (RunDefs::new(graph, WorkCalendar::china()), History::new(start, events))
    }

    /// The model counts a skipped step as passed only once its own join is
    /// met, as the run does: skipping `energy` early leaves `permit`
    /// waiting (a model counting it passed at once would see a met join
    /// left waiting), approving `land` lets it through, denying it fails
    /// the run.
    #[test]
    fn a_step_skipped_while_waiting_passes_only_once_its_join_is_met() {
        let (defs, history) = skip_then_conclude_land(Decision::Approved);
        let run = check_run_laws(&defs, &history).unwrap();
        let permit = StepId::new("permit").unwrap();
        assert_eq!(run.status(defs.graph(), &permit).unwrap().kind(), S::Ready);

        let (defs, history) = skip_then_conclude_land(Decision::Denied);
        let run = check_run_laws(&defs, &history).unwrap();
        assert_eq!(run.state(), RunState::Failed);
    }
}
