//! One application for a construction-project planning permit (建设工程规划
//! 许可) through the whole lifecycle: received by an agent (代办员), a
//! correction notice, acceptance, an expert review that stops the clock, an
//! extension by the agency head, and approval and delivery. The clock is
//! printed at each step, then the promised-versus-actual record, the stored
//! history as JSON, and the Mermaid diagram of the lifecycle.
//!
//! Run with `cargo run --example case_lifecycle`.

use chrono::{DateTime, FixedOffset, NaiveTime};
use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
use shenpi::case::{
    default_policy, transition_table, Case, CaseCommand, CaseContext, CaseEvent, CaseId, Decision,
};
use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
use shenpi::limit::{SpecialProcedure, SuspensionKind, Thresholds, TimeLimit};
use shenpi::machine::{Actor, ActorId, Role};

type Error = Box<dyn std::error::Error>;

fn at(text: &str) -> Result<DateTime<FixedOffset>, Error> {
    Ok(DateTime::parse_from_rfc3339(text)?)
}

fn actor(id: &str, role: Role) -> Result<Actor, Error> {
    Ok(Actor::new(ActorId::new(id)?, role))
}

fn main() -> Result<(), Error> {
    let time = |h, m| NaiveTime::from_hms_opt(h, m, 0).ok_or("invalid time");
    let calendar = WorkCalendar::china().with_office_hours(OfficeHours::new([
        OfficePeriod::new(time(8, 30)?, time(12, 0)?)?,
        OfficePeriod::new(time(14, 30)?, time(17, 30)?)?,
    ])?);
    let item = ApprovalItem::builder(
        ItemCode::new("350783-JS-002")?,
        "建设工程规划许可证核发",
        DepartmentId::new("建瓯市自然资源局")?,
    )
    .statutory(TimeLimit::working_days(20))
    .promised(TimeLimit::working_days(10))
    .special_procedures([SpecialProcedure::ExpertReview, SpecialProcedure::Hearing])
    .build()?;
    let ctx = CaseContext::new(&item, &calendar);
    let thresholds = Thresholds::default();

    let agent = actor("agent-lin", Role::Agent)?;
    let clerk = actor("clerk-07", Role::WindowClerk)?;
    let reviewer = actor("rev-zhang", Role::Reviewer)?;
    let head = actor("head-wu", Role::DepartmentHead)?;
    let review = SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::ExpertReview };
    let history = vec![
        CaseEvent::new(agent.clone(), at("2026-04-27T09:10:00+08:00")?, CaseCommand::Receive),
        CaseEvent::new(
            clerk.clone(),
            at("2026-04-27T10:00:00+08:00")?,
            CaseCommand::RequestCorrection {
                missing: vec!["总平面图 (site plan), signed".into(), "土地权属证明".into()],
            },
        ),
        CaseEvent::new(agent, at("2026-04-28T15:00:00+08:00")?, CaseCommand::SubmitCorrection),
        CaseEvent::new(clerk.clone(), at("2026-04-28T16:00:00+08:00")?, CaseCommand::Accept),
        CaseEvent::new(
            reviewer.clone(),
            at("2026-04-29T09:00:00+08:00")?,
            CaseCommand::StartHandling,
        ),
        CaseEvent::new(
            reviewer.clone(),
            at("2026-04-30T09:00:00+08:00")?,
            CaseCommand::Suspend { reason: review },
        ),
        CaseEvent::new(reviewer.clone(), at("2026-05-08T17:00:00+08:00")?, CaseCommand::Resume),
        CaseEvent::new(
            head,
            at("2026-05-20T09:00:00+08:00")?,
            CaseCommand::Extend {
                working_days: 5,
                reason: "traffic impact study requested by the expert panel".into(),
            },
        ),
        CaseEvent::new(
            reviewer,
            at("2026-05-22T11:00:00+08:00")?,
            CaseCommand::Conclude { decision: Decision::Approved },
        ),
        CaseEvent::new(clerk, at("2026-05-25T09:30:00+08:00")?, CaseCommand::Deliver),
    ];

    println!(
        "Item {} {}: promised {}, statutory {}",
        item.code(),
        item.name(),
        item.promised(),
        item.statutory()
    );
    println!(
        "\n{:<27} {:<37} {:<14} {:>6} {:>9} {:>10} {:>11}",
        "event", "transition", "status", "used", "elapsed", "promised", "statutory"
    );
    let (mut case, first) = Case::receive(CaseId::new("JO-2026-000042")?, &ctx, &history[0])?;
    println!("{:<27} {:<37}", history[0].at.to_string(), first.to.to_string());
    for event in &history[1..] {
        let transition = case.apply(&ctx, event)?;
        let step = format!("{} -> {}", transition.from, transition.to);
        match case.reading(&calendar, event.at, &thresholds)? {
            Some(r) => println!(
                "{:<27} {:<37} {:<14} {:>5.0}% {:>6.2} wd {:>10} {:>11}",
                event.at.to_string(),
                step,
                r.status.to_string(),
                r.used_share * 100.0,
                r.elapsed_fraction,
                r.promised_due.date.to_string(),
                r.statutory_due.date.to_string(),
            ),
            None => println!("{:<27} {:<37} (clock not started)", event.at.to_string(), step),
        }
    }

    // The same history replays to the same case.
    let replayed = Case::replay(case.id().clone(), &ctx, &history)?;
    assert_eq!(replayed, case);

    let outcome = case.outcome(&calendar)?.ok_or("the case is decided")?;
    println!("\nPromised vs actual:");
    println!("  decision            {}", outcome.decision);
    println!(
        "  promised / statutory {} / {} (+{} extended)",
        outcome.promised, outcome.statutory, outcome.extension_days
    );
    println!(
        "  due                 {} (promised), {} (statutory)",
        outcome.promised_due.at, outcome.statutory_due.at
    );
    println!(
        "  actual              {} working days by the legal count, {:.2} over office hours",
        outcome.actual_working_days, outcome.actual_fraction
    );
    println!("  on time             {}", outcome.on_time);
    // 行政许可法 art. 44: issued and delivered within 10 working days of the
    // decision.
    if let Some(due) = outcome.delivery_due {
        let delivered = match outcome.delivered_on_time {
            Some(true) => "delivered on time",
            Some(false) => "delivered late",
            None => "not delivered yet",
        };
        println!("  delivery due        {} ({delivered})", due.date);
    }
    println!("  accepted late       {}", outcome.accepted_late);

    println!("\nThe stored history (what a portal keeps), first two events:");
    println!("{}", serde_json::to_string_pretty(&history[..2])?);
    println!("\nThe case as stored:\n{}", serde_json::to_string_pretty(&case)?);
    println!(
        "\nThe lifecycle (Mermaid):\n{}",
        transition_table().to_mermaid_with_roles(&default_policy())
    );
    Ok(())
}
