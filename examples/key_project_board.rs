//! The special team's board (挂图作战): three key projects with agents
//! (代办员), each running its approvals in parallel. One department stalls
//! on an environmental review; the default escalation policy takes it up
//! the ladder — warnings to the handler, a yellow card and a reminder to the
//! department head, referral to the next joint meeting, then the city
//! supervision group. A key-project problem (one problem, one measure, one
//! owner, one deadline) is tracked beside the steps. The board is printed
//! each week and written as JSON.
//!
//! Run with `cargo run --example key_project_board`.

use chrono::{DateTime, Duration, FixedOffset};
use shenpi::calendar::WorkCalendar;
use shenpi::case::Decision;
use shenpi::catalog::{DepartmentId, ItemCode};
use shenpi::escalation::EscalationPolicy;
use shenpi::graph::{ApprovalGraph, RunCommand, RunEvent, Step, StepId};
use shenpi::limit::TimeLimit;
use shenpi::machine::{Actor, ActorId, Role};
use shenpi::project::{BattleMap, KeyProject, ProjectId, ProjectLevel};
use shenpi::ticket::{
    Assignment, Owner, Ticket, TicketClass, TicketCommand, TicketContext, TicketEvent, TicketId,
    TicketSource,
};

type Error = Box<dyn std::error::Error>;

fn at(text: &str) -> Result<DateTime<FixedOffset>, Error> {
    Ok(DateTime::parse_from_rfc3339(text)?)
}

/// Filing, then land and environment in parallel, then the planning permit.
fn graph(name: &str, environment_days: u32) -> Result<ApprovalGraph, Error> {
    let step = |id: &str, dept: &str, days: u32, after: &[&str]| -> Result<Step, Error> {
        Ok(Step::new(
            StepId::new(id)?,
            ItemCode::new(id)?,
            DepartmentId::new(dept)?,
            TimeLimit::working_days(days),
        )
        .after(after.iter().map(|a| StepId::new(a)).collect::<Result<Vec<_>, _>>()?))
    };
    Ok(ApprovalGraph::builder(name, StepId::new("filing")?)
        .step(step("filing", "发改局", 1, &[])?.named("项目备案"))
        .step(step("land", "自然资源局", 5, &["filing"])?.named("用地预审"))
        .step(step("environment", "生态环境局", environment_days, &["filing"])?.named("环评审批"))
        .step(step("permit", "自然资源局", 3, &["land", "environment"])?.named("工程规划许可"))
        .build()?)
}

fn main() -> Result<(), Error> {
    let cal = WorkCalendar::china();
    let policy = EscalationPolicy::default();
    let start = at("2026-03-02T09:00:00+08:00")?;
    let agent = |id: &str| ActorId::new(id);
    let mut projects = vec![
        KeyProject::new(
            ProjectId::new("NP-01")?,
            "酒业扩建",
            ProjectLevel::Provincial,
            "建瓯某酒业有限公司",
            agent("agent-lin")?,
            graph("distillery", 6)?,
            start,
        )?,
        KeyProject::new(
            ProjectId::new("NP-02")?,
            "竹产业园",
            ProjectLevel::Municipal,
            "建瓯某竹业公司",
            agent("agent-chen")?,
            graph("bamboo park", 5)?,
            start,
        )?,
        KeyProject::new(
            ProjectId::new("NP-03")?,
            "物流中心",
            ProjectLevel::Municipal,
            "建瓯某物流公司",
            agent("agent-wu")?,
            graph("logistics", 5)?,
            start,
        )?,
    ];
    let reviewer = Actor::new(ActorId::new("reviewer")?, Role::Reviewer);
    let ev = |when: &str, command| -> Result<RunEvent, Error> {
        Ok(RunEvent::new(reviewer.clone(), at(when)?, command))
    };
    let begin = |s: &str, case: &str| -> Result<RunCommand, Error> {
        Ok(RunCommand::StartStep { step: StepId::new(s)?, case: case.parse()? })
    };
    let approve = |s: &str| -> Result<RunCommand, Error> {
        Ok(RunCommand::ConcludeStep { step: StepId::new(s)?, decision: Decision::Approved })
    };

    // A problem on the distillery: the land transfer contract is stuck.
    let tctx = TicketContext::new(&cal);
    let team = Actor::new(ActorId::new("team-lin")?, Role::SpecialTeam);
    let (mut problem, _) = Ticket::open(
        TicketId::new("NP-01-P1")?,
        &tctx,
        &TicketEvent::new(
            team.clone(),
            at("2026-03-03T10:00:00+08:00")?,
            TicketCommand::Receive {
                source: TicketSource::KeyProjectProblem,
                subject: "土地出让合同补充协议未签".into(),
                visits: 1,
            },
        ),
    )?;
    let clerk = Actor::new(ActorId::new("clerk-03")?, Role::WindowClerk);
    for (who, when, command) in [
        (
            &clerk,
            "2026-03-03T10:30:00+08:00",
            TicketCommand::Classify { class: TicketClass::Complex },
        ),
        (
            &team,
            "2026-03-03T11:00:00+08:00",
            TicketCommand::Transfer {
                assignments: vec![Assignment::new(
                    DepartmentId::new("自然资源局")?,
                    Owner::Named { name: "王局长".into() },
                    "sign the supplementary land agreement",
                    at("2026-03-10T17:30:00+08:00")?,
                )],
            },
        ),
    ] {
        problem.apply(&tctx, &TicketEvent::new(who.clone(), at(when)?, command))?;
    }
    projects[0].add_problem(problem)?;

    // The runs: every project files and starts land and environment; the
    // distillery's environmental review stalls.
    let script: Vec<(usize, &str, RunCommand)> = vec![
        (0, "2026-03-02T09:00:00+08:00", begin("filing", "JO-0101")?),
        (1, "2026-03-02T09:00:00+08:00", begin("filing", "JO-0201")?),
        (2, "2026-03-02T09:00:00+08:00", begin("filing", "JO-0301")?),
        (0, "2026-03-02T16:00:00+08:00", approve("filing")?),
        (1, "2026-03-02T16:00:00+08:00", approve("filing")?),
        (2, "2026-03-02T16:00:00+08:00", approve("filing")?),
        (0, "2026-03-03T09:00:00+08:00", begin("land", "JO-0102")?),
        (0, "2026-03-03T09:00:00+08:00", begin("environment", "JO-0103")?),
        (1, "2026-03-03T09:00:00+08:00", begin("land", "JO-0202")?),
        (1, "2026-03-03T09:00:00+08:00", begin("environment", "JO-0203")?),
        (2, "2026-03-03T09:00:00+08:00", begin("land", "JO-0302")?),
        (2, "2026-03-03T09:00:00+08:00", begin("environment", "JO-0303")?),
        (1, "2026-03-06T15:00:00+08:00", approve("land")?),
        (1, "2026-03-09T11:00:00+08:00", approve("environment")?),
        (2, "2026-03-09T15:00:00+08:00", approve("land")?),
        (2, "2026-03-10T10:00:00+08:00", approve("environment")?),
        (0, "2026-03-09T16:00:00+08:00", approve("land")?),
        (1, "2026-03-10T09:00:00+08:00", begin("permit", "JO-0204")?),
        (2, "2026-03-11T09:00:00+08:00", begin("permit", "JO-0304")?),
        (1, "2026-03-12T16:00:00+08:00", approve("permit")?),
        (2, "2026-03-13T16:00:00+08:00", approve("permit")?),
        (0, "2026-03-20T10:00:00+08:00", approve("environment")?),
        (0, "2026-03-20T14:00:00+08:00", begin("permit", "JO-0104")?),
        (0, "2026-03-24T16:00:00+08:00", approve("permit")?),
    ];
    let mut script = script;
    script.sort_by_key(|(_, when, _)| *when);

    let mut day = at("2026-03-02T18:00:00+08:00")?;
    let end = at("2026-03-25T18:00:00+08:00")?;
    let mut next = script.into_iter().peekable();
    while day <= end {
        while let Some((_, when, _)) = next.peek() {
            if at(when)? > day {
                break;
            }
            let (p, when, command) = next.next().ok_or("no event")?;
            projects[p].apply(&ev(when, command)?)?;
        }
        if cal.is_working_day(cal.to_civil(&day).date())? {
            for project in &mut projects {
                for n in project.supervise(&policy, &cal, day)? {
                    println!(
                        "{}  {} {}: {} {} -> {} ({}){}",
                        day.format("%m-%d"),
                        n.project,
                        n.subject,
                        n.notice.action,
                        n.notice.action.name_zh(),
                        n.notice.level,
                        n.notice.level.name_zh(),
                        n.notice
                            .meeting
                            .map(|d| format!(", joint meeting {d}"))
                            .unwrap_or_default()
                    );
                }
            }
            if cal.to_civil(&day).date().format("%u").to_string() == "5" || day >= end {
                print_board(&BattleMap::new(&projects, &cal, day)?);
            }
        }
        day += Duration::days(1);
    }

    let map = BattleMap::new(&projects, &cal, end)?;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/shenpi-examples");
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("key_project_board.json");
    std::fs::write(&file, serde_json::to_string_pretty(&map)?)?;
    println!("\nThe board as JSON: {}", file.display());
    Ok(())
}

fn print_board(map: &BattleMap) {
    println!("\n== Battle map (挂图作战) at {} ==", map.at.format("%Y-%m-%d %H:%M"));
    println!(
        "  {:<6} {:<8} {:<10} {:<10} {:<26} {:<12} {:<16} problems",
        "id", "name", "state", "forecast", "next deadline", "overdue", "level"
    );
    for r in &map.rows {
        let next = r
            .next_deadline
            .as_ref()
            .map(|(s, t)| format!("{} {}", t.format("%m-%d %H:%M"), s))
            .unwrap_or_else(|| "-".into());
        let overdue: Vec<&str> = r.overdue_steps.iter().map(|s| s.as_str()).collect();
        let problems: Vec<String> = r
            .open_problems
            .iter()
            .map(|p| {
                let owners: Vec<String> = p
                    .owners
                    .iter()
                    .map(|o| {
                        format!(
                            "{} {}{}",
                            o.department,
                            o.deadline.format("%m-%d"),
                            if o.overdue { " LATE" } else { "" }
                        )
                    })
                    .collect();
                format!("{} [{}]", p.subject, owners.join("; "))
            })
            .collect();
        println!(
            "  {:<6} {:<8} {:<10} {:<10} {:<26} {:<12} {:<16} {}",
            r.project.as_str(),
            r.name,
            r.state.to_string(),
            r.forecast_finish.to_string(),
            next,
            if overdue.is_empty() { "-".to_string() } else { overdue.join(",") },
            r.highest_level.map_or("-".to_string(), |l| l.to_string()),
            if problems.is_empty() { "-".to_string() } else { problems.join(" | ") }
        );
    }
    println!();
}
