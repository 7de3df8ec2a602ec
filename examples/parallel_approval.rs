//! A key project through parallel approval (并联审批): a distillery in
//! Jian'ou (建瓯) extends its plant on land it must first acquire. The
//! special team (专班) puts the project through the four stages of
//! construction-project approval (国办发〔2019〕11号), each with one lead
//! department, parallel steps and a stage limit (一家牵头、并联审批、限时
//! 办结).
//!
//! The example builds the catalog of approval items and the graph, checks
//! the one against the other, plans the graph from 2 March 2026 on the
//! national calendar (table, critical path, serial against parallel, a
//! what-if), then runs it: the environmental review comes in late, a
//! snapshot mid-way shows what blocks and the forecast finish, and the
//! finished run gives its promised-versus-actual record. Last it writes the
//! pictures: a Mermaid flowchart coloured by the run, a Mermaid Gantt chart
//! of the plan and a Graphviz DOT file, under `target/shenpi-examples/`.
//!
//! Run with `cargo run --example parallel_approval`.

use std::fs;
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate};
use shenpi::calendar::WorkCalendar;
use shenpi::case::Decision;
use shenpi::catalog::{ApprovalItem, Catalog, DepartmentId, ItemCode};
use shenpi::graph::{
    ApprovalGraph, GraphRun, Join, Plan, Requirement, RunCommand, RunEvent, RunSnapshot, Stage,
    StageId, Step, StepId, StepStatus,
};
use shenpi::limit::TimeLimit;
use shenpi::machine::{Actor, ActorId, Role};

type Error = Box<dyn std::error::Error>;

const FGJ: &str = "建瓯市发展和改革局";
const ZRJ: &str = "建瓯市自然资源局";
const HJJ: &str = "南平市建瓯生态环境局";
const SLJ: &str = "建瓯市水利局";
const ZJJ: &str = "建瓯市住房和城乡建设局";
const RFB: &str = "建瓯市人民防空办公室";

/// An approval item of the county's catalog: code, name, department,
/// statutory and promised limits.
fn item(
    code: &str,
    name: &str,
    department: &str,
    statutory: TimeLimit,
    promised: TimeLimit,
) -> Result<ApprovalItem, Error> {
    Ok(ApprovalItem::builder(ItemCode::new(code)?, name, DepartmentId::new(department)?)
        .statutory(statutory)
        .promised(promised)
        .build()?)
}

/// The catalog: limits in working days unless the law counts natural days
/// (environmental impact report: 60 days, 环境影响评价法 art. 22;
/// construction permit: 7 days, 建筑工程施工许可管理办法 art. 5).
fn catalog() -> Result<Catalog, Error> {
    let wd = TimeLimit::working_days;
    let nd = TimeLimit::natural_days;
    Ok(Catalog::new([
        item("350783-FG-001", "企业投资项目备案", FGJ, wd(3), wd(1))?,
        item("350783-FG-002", "固定资产投资项目节能审查", FGJ, wd(20), wd(5))?,
        item("350783-ZR-001", "建设项目用地预审与选址意见书核发", ZRJ, wd(20), wd(7))?,
        item("350783-ZR-002", "农用地转用和土地征收审批（组卷报批）", ZRJ, wd(20), wd(10))?,
        item("350783-ZR-003", "园区存量工业用地协议出让", ZRJ, wd(20), wd(10))?,
        item("350783-ZR-004", "建设用地规划许可证核发", ZRJ, wd(20), wd(3))?,
        item("350783-ZR-005", "建设工程设计方案审查", ZRJ, wd(20), wd(5))?,
        item("350783-ZR-006", "建设工程规划许可证核发", ZRJ, wd(20), wd(5))?,
        item("350783-ZR-007", "建设工程规划条件核实", ZRJ, wd(20), wd(5))?,
        item("350783-HB-001", "建设项目环境影响报告书审批", HJJ, nd(60), nd(20))?,
        item("350783-SL-001", "取水许可", SLJ, wd(45), wd(10))?,
        item("350783-ZJ-001", "施工图设计文件审查", ZJJ, wd(15), wd(7))?,
        item("350783-ZJ-002", "建设工程消防设计审查", ZJJ, wd(15), wd(5))?,
        item("350783-ZJ-003", "建筑工程施工许可证核发", ZJJ, nd(7), nd(5))?,
        item("350783-ZJ-004", "建设工程消防验收", ZJJ, wd(15), wd(7))?,
        item("350783-ZJ-005", "竣工联合验收意见出具", ZJJ, wd(20), wd(3))?,
        item("350783-RF-001", "人防工程施工图设计审查", RFB, wd(20), wd(5))?,
        item("350783-RF-002", "人防工程竣工验收备案", RFB, wd(20), wd(5))?,
    ])?)
}

/// A step handling `code` in `working_days` (its promised limit, counted in
/// working days), after `after`.
fn step(
    catalog: &Catalog,
    id: &str,
    code: &str,
    working_days: u32,
    after: &[&str],
) -> Result<Step, Error> {
    let item = catalog.get(code).ok_or_else(|| format!("item {code} is not in the catalog"))?;
    let after = after.iter().map(|a| StepId::new(a)).collect::<Result<Vec<_>, _>>()?;
    Ok(Step::new(
        StepId::new(id)?,
        item.code().clone(),
        item.department().clone(),
        TimeLimit::working_days(working_days),
    )
    .named(item.name())
    .after(after))
}

fn stage(id: &str, name: &str, lead: &str, days: u32) -> Result<(Stage, StageId), Error> {
    let sid = StageId::new(id)?;
    let stage =
        Stage::new(sid.clone(), name, DepartmentId::new(lead)?, TimeLimit::working_days(days));
    Ok((stage, sid))
}

fn graph(catalog: &Catalog) -> Result<ApprovalGraph, Error> {
    let (s1, land) = stage("land-use", "立项用地规划许可", FGJ, 25)?;
    let (s2, works) = stage("engineering", "工程建设许可", ZRJ, 15)?;
    let (s3, build) = stage("construction", "施工许可", ZJJ, 10)?;
    let (s4, done) = stage("completion", "竣工验收", ZJJ, 15)?;
    let step = |id, code, days, after: &[&str], stage: &StageId| -> Result<Step, Error> {
        Ok(step(catalog, id, code, days, after)?.in_stage(stage.clone()))
    };
    Ok(ApprovalGraph::builder("建瓯酒业年产5000千升扩建项目", StepId::new("filing")?)
        .stage(s1)
        .stage(s2)
        .stage(s3)
        .stage(s4)
        // 1. 立项用地规划许可: filing, then the site and the land in
        //    parallel with the (optional) energy review. If the province
        //    refuses to convert the farmland, the project moves to land
        //    the industrial park already holds.
        .step(step("filing", "350783-FG-001", 1, &[], &land)?)
        .step(
            step("energy", "350783-FG-002", 5, &["filing"], &land)?
                .requirement(Requirement::Optional),
        )
        .step(step("site", "350783-ZR-001", 7, &["filing"], &land)?)
        .step(
            step("expropriation", "350783-ZR-002", 10, &["site"], &land)?
                .fallback(StepId::new("park-land")?),
        )
        .step(step("park-land", "350783-ZR-003", 10, &[], &land)?)
        .step(step("land-permit", "350783-ZR-004", 3, &["expropriation"], &land)?)
        // 2. 工程建设许可: the design scheme and the planning permit, with
        //    the environmental review and the water permit in parallel
        //    (they wait only for the stage gate).
        .step(step("design", "350783-ZR-005", 5, &["land-permit"], &works)?)
        .step(step("planning-permit", "350783-ZR-006", 5, &["design"], &works)?)
        .step(step("environment", "350783-HB-001", 12, &[], &works)?)
        .step(step("water", "350783-SL-001", 10, &[], &works)?)
        // 3. 施工许可: drawings, fire design and civil air defence reviewed
        //    in parallel; the permit may start once two of the three are in
        //    (容缺: the third is made good before the stage closes).
        .step(step("drawings", "350783-ZJ-001", 7, &["planning-permit"], &build)?)
        .step(step("fire-design", "350783-ZJ-002", 5, &["planning-permit"], &build)?)
        .step(step("air-defence", "350783-RF-001", 5, &["planning-permit"], &build)?)
        .step(
            step(
                "permit",
                "350783-ZJ-003",
                3,
                &["air-defence", "drawings", "fire-design"],
                &build,
            )?
            .join(Join::AtLeast { k: 2 }),
        )
        // 4. 竣工验收: planning check, fire acceptance and civil air defence
        //    in parallel, then the joint acceptance opinion.
        .step(step("planning-check", "350783-ZR-007", 5, &[], &done)?)
        .step(step("fire-acceptance", "350783-ZJ-004", 7, &[], &done)?)
        .step(step("air-acceptance", "350783-RF-002", 5, &[], &done)?)
        .step(step(
            "joint-acceptance",
            "350783-ZJ-005",
            3,
            &["air-acceptance", "fire-acceptance", "planning-check"],
            &done,
        )?)
        .build()?)
}

fn main() -> Result<(), Error> {
    let catalog = catalog()?;
    let graph = graph(&catalog)?;
    // Every step's item is in the catalog, within its statutory limit.
    graph.check_items(&catalog)?;
    println!(
        "{}: {} steps in {} stages, {} approval items",
        graph.name(),
        graph.steps().len(),
        graph.stages().len(),
        catalog.len()
    );

    let cal = WorkCalendar::china();
    let plan = Plan::new(&graph, &cal, date(2026, 3, 2)?)?;
    print_plan(&graph, &plan);
    print_stages(&graph, &plan);

    let path: Vec<&str> = plan.critical_path().iter().map(|id| name(&graph, id)).collect();
    println!("\nCritical path ({} working days):\n  {}", plan.duration(), path.join(" → "));
    println!(
        "Serial {} wd, parallel {} wd: {:.0}% shorter; finish {} (serial: {})",
        plan.serial_duration(),
        plan.duration(),
        plan.compression() * 100.0,
        plan.finish_date(),
        cal.add_working_days(plan.start(), plan.serial_duration())?,
    );

    // What if the province takes a week longer over the farmland? And the
    // water permit, which has slack?
    for (id, extra) in [("expropriation", 5), ("water", 2)] {
        let id = StepId::new(id)?;
        let what_if = plan.what_if(&graph, &cal, &id, extra)?;
        println!(
            "What if {} took {extra} more working days: finish {} ({:+} wd)",
            name(&graph, &id),
            what_if.finish_date(),
            i64::from(what_if.duration()) - i64::from(plan.duration()),
        );
    }

    let mut run = GraphRun::new(&graph, at("2026-03-02T09:00:00+08:00")?);
    let mut seen: Option<(RunSnapshot, GraphRun)> = None;
    println!("\nThe run (each command, and the steps it moved on):");
    for (n, event) in history()?.iter().enumerate() {
        if seen.is_none() && event.at >= at(SNAPSHOT)? {
            seen = Some((run.snapshot(&graph, &cal, at(SNAPSHOT)?)?, run.clone()));
            println!("  -- {SNAPSHOT}: snapshot taken --");
        }
        let t = run.apply(&graph, event)?;
        let mut moved: Vec<String> = t
            .steps
            .iter()
            .filter(|c| Some(&c.step) != command_step(&event.payload))
            .map(|c| format!("{} {}", c.step, c.to))
            .collect();
        if t.run.from != t.run.to {
            moved.push(format!("run {}", t.run.to));
        }
        let line = format!(
            "  {:>2} {} {:<13} {:<32} {}",
            n + 1,
            event.at.format("%m-%d %H:%M"),
            event.payload.kind().to_string(),
            command_text(&event.payload),
            moved.join(", "),
        );
        println!("{}", line.trim_end());
    }
    let (snapshot, as_then) = seen.ok_or("the snapshot falls inside the run")?;
    print_snapshot(&graph, &plan, &snapshot);

    println!("\nRun {} at {}", run.state(), run.ended_at().ok_or("the run has ended")?);
    print_record(&graph, &cal, &run)?;

    // The pictures, for a wall map (挂图作战) or a README.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/shenpi-examples");
    fs::create_dir_all(&dir)?;
    let files = [
        (
            "parallel_approval.mmd",
            graph.to_mermaid_with_run(&as_then),
            "flowchart as of the snapshot",
        ),
        ("parallel_approval_gantt.mmd", plan.to_mermaid_gantt(&graph), "Gantt chart of the plan"),
        ("parallel_approval.dot", graph.to_dot_with_run(&run), "Graphviz, the finished run"),
    ];
    println!("\nPictures in {}:", dir.display());
    for (file, text, what) in files {
        fs::write(dir.join(file), &text)?;
        println!("  {file:<28} {:>5} bytes  {what}", text.len());
    }
    Ok(())
}

/// When the snapshot is taken: the environmental review is two working
/// days past its limit.
const SNAPSHOT: &str = "2026-04-22T10:00:00+08:00";

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, Error> {
    Ok(NaiveDate::from_ymd_opt(y, m, d).ok_or("invalid date")?)
}

fn at(text: &str) -> Result<DateTime<FixedOffset>, Error> {
    Ok(DateTime::parse_from_rfc3339(text)?)
}

/// What happened, as the portal stored it. Each department's reviewer
/// starts its step when it accepts the application and concludes it; the
/// special team skips the optional energy review. The environmental review
/// (accepted 1 April, due 20 April) is approved on 28 April, six working
/// days late. Between the construction permit (12 May) and the completion
/// filings (19 October) the works are built.
fn history() -> Result<Vec<RunEvent>, Error> {
    let reviewer =
        |id: &str| -> Result<Actor, Error> { Ok(Actor::new(ActorId::new(id)?, Role::Reviewer)) };
    let team = Actor::new(ActorId::new("zhuanban-chen")?, Role::SpecialTeam);
    let (fg, zr, hj, sl, zj, rf) = (
        reviewer("fgj-wang")?,
        reviewer("zrj-lin")?,
        reviewer("hjj-zhou")?,
        reviewer("slj-wu")?,
        reviewer("zjj-huang")?,
        reviewer("rfb-zheng")?,
    );
    let mut cases = 0;
    let mut start = |step: &str| -> Result<RunCommand, Error> {
        cases += 1;
        Ok(RunCommand::StartStep {
            step: StepId::new(step)?,
            case: format!("JO-2026-{cases:04}").parse()?,
        })
    };
    let approve = |step: &str| -> Result<RunCommand, Error> {
        Ok(RunCommand::ConcludeStep { step: StepId::new(step)?, decision: Decision::Approved })
    };
    let events = [
        (&fg, "2026-03-02T09:00:00+08:00", start("filing")?),
        (&fg, "2026-03-02T15:30:00+08:00", approve("filing")?),
        (&zr, "2026-03-03T09:00:00+08:00", start("site")?),
        (&zr, "2026-03-11T16:00:00+08:00", approve("site")?),
        (&zr, "2026-03-12T09:30:00+08:00", start("expropriation")?),
        (&zr, "2026-03-26T17:00:00+08:00", approve("expropriation")?),
        (&zr, "2026-03-27T09:00:00+08:00", start("land-permit")?),
        (&zr, "2026-03-31T11:00:00+08:00", approve("land-permit")?),
        (&zr, "2026-04-01T09:00:00+08:00", start("design")?),
        (&hj, "2026-04-01T09:30:00+08:00", start("environment")?),
        (&sl, "2026-04-01T10:00:00+08:00", start("water")?),
        (&zr, "2026-04-08T16:00:00+08:00", approve("design")?),
        (&zr, "2026-04-09T09:00:00+08:00", start("planning-permit")?),
        (&sl, "2026-04-14T15:00:00+08:00", approve("water")?),
        (&zr, "2026-04-15T16:30:00+08:00", approve("planning-permit")?),
        // The energy use comes in under 1,000 t of standard coal a year:
        // no separate energy review (the step is optional).
        (&team, "2026-04-23T10:00:00+08:00", RunCommand::SkipStep { step: StepId::new("energy")? }),
        (&hj, "2026-04-28T10:00:00+08:00", approve("environment")?),
        (&zj, "2026-04-28T14:00:00+08:00", start("drawings")?),
        (&zj, "2026-04-28T14:30:00+08:00", start("fire-design")?),
        (&rf, "2026-04-29T09:00:00+08:00", start("air-defence")?),
        (&zj, "2026-05-07T16:00:00+08:00", approve("fire-design")?),
        (&rf, "2026-05-08T11:00:00+08:00", approve("air-defence")?),
        (&zj, "2026-05-08T15:00:00+08:00", start("permit")?),
        (&zj, "2026-05-11T16:00:00+08:00", approve("drawings")?),
        (&zj, "2026-05-12T10:00:00+08:00", approve("permit")?),
        (&zr, "2026-10-19T09:00:00+08:00", start("planning-check")?),
        (&zj, "2026-10-19T09:30:00+08:00", start("fire-acceptance")?),
        (&rf, "2026-10-20T09:00:00+08:00", start("air-acceptance")?),
        (&zr, "2026-10-23T15:00:00+08:00", approve("planning-check")?),
        (&rf, "2026-10-26T10:00:00+08:00", approve("air-acceptance")?),
        (&zj, "2026-10-28T16:00:00+08:00", approve("fire-acceptance")?),
        (&zj, "2026-10-29T09:00:00+08:00", start("joint-acceptance")?),
        (&zj, "2026-11-02T17:00:00+08:00", approve("joint-acceptance")?),
    ];
    events
        .into_iter()
        .map(|(who, when, what)| Ok(RunEvent::new(who.clone(), at(when)?, what)))
        .collect()
}

/// The step a command is about, if any.
fn command_step(command: &RunCommand) -> Option<&StepId> {
    match command {
        RunCommand::StartStep { step, .. }
        | RunCommand::ConcludeStep { step, .. }
        | RunCommand::SkipStep { step } => Some(step),
        RunCommand::Cancel { .. } => None,
    }
}

fn command_text(command: &RunCommand) -> String {
    match command {
        RunCommand::StartStep { step, case } => format!("{step} ({case})"),
        RunCommand::ConcludeStep { step, decision } => format!("{step}: {decision}"),
        RunCommand::SkipStep { step } => step.to_string(),
        RunCommand::Cancel { reason } => reason.clone(),
    }
}

fn name<'g>(graph: &'g ApprovalGraph, id: &'g StepId) -> &'g str {
    graph.step(id).map_or(id.as_str(), Step::name)
}

fn print_plan(graph: &ApprovalGraph, plan: &Plan) {
    println!("\nPlan from {} (day 0; working days, the start day not counted):", plan.start());
    println!(
        "  {:<17} {:>3} {:>4} {:>4} {:>5} {:>10} {:>10} {:<4} name",
        "step", "wd", "ES", "EF", "slack", "start", "due", "crit"
    );
    for s in plan.steps() {
        println!(
            "  {:<17} {:>3} {:>4} {:>4} {:>5} {:>10} {:>10} {:<4} {}",
            s.step.as_str(),
            s.duration,
            s.earliest_start,
            s.earliest_finish,
            s.slack,
            s.start_date.to_string(),
            s.finish_date.to_string(),
            if s.critical { "*" } else { "" },
            name(graph, &s.step),
        );
    }
    println!("  (park-land, the fallback, runs only if the farmland is refused: not planned)");
}

/// Each stage's share of the plan against its limit: from the day the
/// stage before it closes to the day its last required step is due.
fn print_stages(graph: &ApprovalGraph, plan: &Plan) {
    println!("\nStages (一家牵头、并联审批、限时办结):");
    let mut opened = 0;
    let mut total = 0;
    for stage in graph.stages() {
        let closed = plan
            .steps()
            .iter()
            .filter(|s| {
                graph.step(&s.step).is_some_and(|step| {
                    step.stage() == Some(stage.id())
                        && step.requirement_kind() == Requirement::Required
                })
            })
            .map(|s| s.earliest_finish)
            .fold(opened, u32::max);
        let limit = stage.limit().amount();
        total += limit;
        println!(
            "  {:<12} days {:>2}–{:>2}: {:>2} wd of {:>2} ({})  {} (lead {})",
            stage.id().as_str(),
            opened,
            closed,
            closed - opened,
            limit,
            if closed - opened <= limit { "within" } else { "OVER" },
            stage.name(),
            stage.lead(),
        );
        opened = closed;
    }
    println!("  stage limits add up to {total} wd (Fujian, social investment: at most 70)");
}

fn print_snapshot(graph: &ApprovalGraph, plan: &Plan, s: &RunSnapshot) {
    let list = |ids: &[StepId]| {
        if ids.is_empty() {
            "(none)".to_owned()
        } else {
            ids.iter().map(StepId::as_str).collect::<Vec<_>>().join(", ")
        }
    };
    println!("\nSnapshot at {} (run {}):", s.at, s.state);
    println!("  ready        {}", list(&s.ready));
    println!("  in progress  {}", list(&s.in_progress));
    println!("  overdue      {}", list(&s.overdue));
    println!("  blocking     {}", list(&s.blocking));
    for id in &s.overdue {
        println!(
            "  overdue: {} ({})",
            name(graph, id),
            graph.step(id).map_or("", |st| st.department().as_str())
        );
    }
    println!("  forecast finish {} (planned {})", s.forecast_finish, plan.finish_date());
}

fn print_record(graph: &ApprovalGraph, cal: &WorkCalendar, run: &GraphRun) -> Result<(), Error> {
    let record = run.record(graph, cal)?;
    println!("Promised vs actual, step by step (limit, working days from start to decision):");
    for r in &record.steps {
        let actual = r.actual_working_days.map_or("-".to_owned(), |a| a.to_string());
        let verdict = match r.on_time {
            Some(true) => "on time".to_owned(),
            Some(false) => "LATE".to_owned(),
            None => run.status(graph, &r.step)?.kind().to_string(),
        };
        println!(
            "  {:<17} {:>3} {:>4}  {:<8} {}",
            r.step.as_str(),
            r.limit,
            actual,
            verdict,
            name(graph, &r.step)
        );
    }
    let finish = record.finish.ok_or("the run has ended")?;
    let actual = record.actual_working_days.ok_or("the run has ended")?;
    println!(
        "  planned {} wd, finish {}; actual {} wd, finish {}; on time: {}",
        record.planned_working_days,
        record.planned_finish,
        actual,
        finish,
        record.on_time.map_or("-", |t| if t { "yes" } else { "no" }),
    );
    // No approval limit runs while the works are built: from the permit to
    // the first completion filing.
    let day = |t: DateTime<FixedOffset>| cal.to_civil(&t).date();
    let permitted = match run.status(graph, &StepId::new("permit")?)? {
        StepStatus::Done { at, .. } => day(*at),
        _ => return Err("the permit is decided".into()),
    };
    let filed = graph
        .steps()
        .iter()
        .filter(|s| s.stage().is_some_and(|st| st.as_str() == "completion"))
        .filter_map(|s| match run.status(graph, s.id()) {
            Ok(StepStatus::Done { started, .. }) => Some(day(*started)),
            _ => None,
        })
        .min()
        .ok_or("the completion steps are decided")?;
    let built = cal.working_days_between(permitted, filed)?;
    println!(
        "  of which {built} wd building the works (permit {permitted}, completion filed \
         {filed}), when no approval limit runs: approval time {} wd against the planned {}",
        actual - built,
        record.planned_working_days,
    );
    Ok(())
}
