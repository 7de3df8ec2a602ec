//! The "can't get it done" window (办不成事窗口): a resident's request for a
//! change of business address, refused three times at a department window,
//! is logged at the window, classified, transferred to two departments with
//! owners, measures and deadlines, escalated when a department lags,
//! resolved, and answered; the resident's feedback closes it. Every notice
//! the default escalation policy issues is printed, with the timer a host
//! would set for the next one.
//!
//! Run with `cargo run --example cant_get_it_done_window`.

use chrono::{DateTime, Duration, FixedOffset};
use shenpi::calendar::WorkCalendar;
use shenpi::catalog::DepartmentId;
use shenpi::escalation::{EscalationPolicy, Supervised, SupervisionLog};
use shenpi::machine::{Actor, ActorId, Role};
use shenpi::ticket::{
    Assignment, Owner, Ticket, TicketClass, TicketCommand, TicketContext, TicketEvent, TicketId,
    TicketSource,
};

type Error = Box<dyn std::error::Error>;

fn at(text: &str) -> Result<DateTime<FixedOffset>, Error> {
    Ok(DateTime::parse_from_rfc3339(text)?)
}

fn main() -> Result<(), Error> {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    let policy = EscalationPolicy::default();
    let who = |id: &str, role| -> Result<Actor, Error> { Ok(Actor::new(ActorId::new(id)?, role)) };
    let market = DepartmentId::new("建瓯市市场监督管理局")?;
    let land = DepartmentId::new("建瓯市自然资源局")?;

    // Logged at the window: refused three times before (visits 3).
    let (mut ticket, _) = Ticket::open(
        TicketId::new("BBC-2026-0412")?,
        &ctx,
        &TicketEvent::new(
            who("clerk-03", Role::WindowClerk)?,
            at("2026-04-13T09:10:00+08:00")?,
            TicketCommand::Receive {
                source: TicketSource::CantGetItDoneWindow,
                subject: "变更营业执照住所：被以“房产证明不全”三次退回".into(),
                visits: 3,
            },
        ),
    )?;
    println!("Ticket {}: {} (visits so far: {})", ticket.id(), ticket.subject(), ticket.visits());

    let mut log = SupervisionLog::new();
    let mut supervise = |ticket: &Ticket, now: DateTime<FixedOffset>| -> Result<(), Error> {
        let notices = policy.evaluate(&ticket.observe(&calendar, now)?, &log, &calendar, now)?;
        for n in &notices {
            println!(
                "    notice: {} {} — level {} ({}){}",
                n.action,
                n.action.name_zh(),
                n.level,
                n.level.name_zh(),
                n.meeting.map(|d| format!(", joint meeting {d}")).unwrap_or_default()
            );
        }
        log.record(notices);
        if let Some(next) =
            policy.next_due(&ticket.observe(&calendar, now)?, &log, &calendar, now)?
        {
            println!("    next timer: {next}");
        }
        Ok(())
    };

    let steps: Vec<(&str, Actor, TicketCommand)> = vec![
        (
            "2026-04-13T09:20:00+08:00",
            who("clerk-03", Role::WindowClerk)?,
            TicketCommand::Classify { class: TicketClass::General },
        ),
        (
            "2026-04-13T10:00:00+08:00",
            who("team-lin", Role::SpecialTeam)?,
            TicketCommand::Transfer {
                assignments: vec![
                    Assignment::new(
                        market.clone(),
                        Owner::Named { name: "登记注册科 张科长".into() },
                        "accept the lease contract in place of the title certificate (容缺受理)",
                        at("2026-04-15T17:30:00+08:00")?,
                    ),
                    Assignment::new(
                        land.clone(),
                        Owner::Named { name: "不动产登记中心 王主任".into() },
                        "issue the building's ownership record for the lease",
                        at("2026-04-15T17:30:00+08:00")?,
                    ),
                ],
            },
        ),
        (
            "2026-04-13T14:30:00+08:00",
            who("zhang", Role::Reviewer)?,
            TicketCommand::Take { department: market.clone() },
        ),
        (
            "2026-04-14T11:00:00+08:00",
            who("zhang", Role::Reviewer)?,
            TicketCommand::Resolve {
                department: market.clone(),
                result: "lease accepted, address change filed".into(),
            },
        ),
        // The land registry lags past its deadline; the special team chases.
        (
            "2026-04-20T09:00:00+08:00",
            who("wang", Role::DepartmentHead)?,
            TicketCommand::Take { department: land.clone() },
        ),
        (
            "2026-04-21T16:00:00+08:00",
            who("wang", Role::DepartmentHead)?,
            TicketCommand::Resolve {
                department: land.clone(),
                result: "ownership record issued".into(),
            },
        ),
        (
            "2026-04-22T10:00:00+08:00",
            who("resident", Role::Applicant)?,
            TicketCommand::Feedback { satisfaction: 2 },
        ),
    ];

    let mut day = at("2026-04-13T09:00:00+08:00")?;
    let end = at("2026-04-23T09:00:00+08:00")?;
    let mut pending = steps.into_iter().peekable();
    while day <= end {
        // Apply the events of the day, then look at the ticket at 18:00.
        while let Some((when, _, _)) = pending.peek() {
            if at(when)? > day + Duration::hours(9) {
                break;
            }
            let (when, actor, command) = pending.next().ok_or("no event")?;
            let t = ticket.apply(&ctx, &TicketEvent::new(actor, at(when)?, command))?;
            println!("{when}  {} -> {} ({})", t.from, t.to, t.command);
            if let Some(due) = ticket.feedback_due(&calendar) {
                if !ticket.feedback_given() {
                    println!("    answer due by {due}");
                }
            }
        }
        let evening = day + Duration::hours(9);
        if calendar.is_working_day(calendar.to_civil(&evening).date())? {
            println!("{evening}  supervision");
            supervise(&ticket, evening)?;
        }
        day += Duration::days(1);
    }
    println!(
        "\nClosed: {:?}; satisfaction {:?}; notices issued: {}; highest level {:?}",
        ticket.state(),
        ticket.satisfaction(),
        log.notices().len(),
        log.level(0)
    );
    Ok(())
}
