//! Ticket laws as proptest properties, over random command histories.
//!
//! A history is a receipt and then up to 24 steps. Each step is resolved
//! against the ticket while it is applied: mostly a command the transition
//! table allows from the current state, by a role the default policy
//! allows, minutes to a day after the latest event; sometimes any command,
//! by anyone, or earlier than the latest event. Command data is drawn from
//! small pools (three departments and one unknown, satisfaction 0–6, blank
//! texts now and then), so every rule gets exercised.
//!
//! The laws:
//!
//! 1. nothing panics, and a refused command leaves the ticket `==` to
//!    before;
//! 2. replaying the accepted events gives the ticket built one command at a
//!    time, after every event; tickets and histories round-trip through
//!    JSON;
//! 3. the machine and the table agree: every accepted transition is a row,
//!    and for an allowed role at a valid instant the machine says
//!    `NotAllowed` exactly when the table lacks the (state, command) pair,
//!    on every command tried and on every command kind probed from every
//!    state reached;
//! 4. the supervision view holds together: visits are the visits at
//!    receipt plus the cycle, the cycle counts the bad feedback, a ticket
//!    has a feedback deadline exactly once classified, and it is open
//!    exactly until closed.

use chrono::{DateTime, FixedOffset, TimeDelta};
use proptest::prelude::*;
use shenpi::calendar::WorkCalendar;
use shenpi::catalog::DepartmentId;
use shenpi::machine::{Actor, ActorId, Role};
use shenpi::ticket::{
    default_policy, transition_table, AppealDecision, Assignment, Owner, Ticket, TicketClass,
    TicketCommand, TicketCommandKind, TicketContext, TicketError, TicketEvent, TicketId,
    TicketSource, TicketStateKind,
};

type Instant = DateTime<FixedOffset>;

const DEPARTMENTS: [&str; 4] = ["natural-resources", "housing", "environment", "police"];
const SOURCES: [TicketSource; 5] = [
    TicketSource::CantGetItDoneWindow,
    TicketSource::TeaMeeting,
    TicketSource::KeyProjectProblem,
    TicketSource::BadReview,
    TicketSource::Hotline,
];

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn start() -> Instant {
    DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00").unwrap()
}

fn dept(i: u8) -> DepartmentId {
    DepartmentId::new(DEPARTMENTS[usize::from(i) % DEPARTMENTS.len()]).unwrap()
}

fn text(p: u8) -> String {
    if p % 11 == 0 {
        " ".into()
    } else {
        "written".into()
    }
}

/// A command of `kind`, its data drawn from `p`.
fn command(kind: TicketCommandKind, p: [u8; 4], at: Instant) -> TicketCommand {
    use TicketCommandKind as K;
    match kind {
        K::Receive => TicketCommand::Receive {
            source: SOURCES[usize::from(p[0]) % 5],
            subject: text(p[1]),
            visits: u32::from(p[2] % 4),
        },
        K::Classify => TicketCommand::Classify { class: TicketClass::ALL[usize::from(p[0]) % 5] },
        K::ExplainOnTheSpot => TicketCommand::ExplainOnTheSpot { explanation: text(p[1]) },
        K::Transfer => {
            // 0 to 3 departments out of the first three, rarely the same twice.
            let n = usize::from(p[0] % 8).min(3);
            let assignments = (0..n)
                .map(|i| {
                    let d = if p[3] % 13 == 0 { 0 } else { i as u8 };
                    let hours = i64::from(p[2] % 96) - if p[2] % 17 == 0 { 200 } else { 0 };
                    Assignment::new(
                        dept(d),
                        Owner::Named { name: text(p[1].wrapping_add(i as u8)) },
                        text(p[3].wrapping_add(i as u8)),
                        at + TimeDelta::hours(hours),
                    )
                })
                .collect();
            TicketCommand::Transfer { assignments }
        }
        K::Take => TicketCommand::Take { department: dept(p[0] % 4) },
        K::Resolve => TicketCommand::Resolve { department: dept(p[0] % 4), result: text(p[1]) },
        K::Feedback => TicketCommand::Feedback { satisfaction: p[0] % 7 },
        K::Close => TicketCommand::Close { explanation: text(p[1]) },
        K::Appeal => TicketCommand::Appeal { reason: text(p[1]) },
        K::DecideAppeal => TicketCommand::DecideAppeal {
            decision: if p[0] % 2 == 0 {
                AppealDecision::Upheld
            } else {
                AppealDecision::Overturned
            },
            reason: text(p[1]),
        },
    }
}

#[derive(Debug, Clone)]
struct Step {
    guided: bool,
    pick: u8,
    role: u8,
    params: [u8; 4],
    minutes: i64,
}

fn step() -> impl Strategy<Value = Step> {
    (
        0..10u8,
        any::<u8>(),
        any::<u8>(),
        any::<[u8; 4]>(),
        prop_oneof![8 => 0..1440i64, 1 => -600..0i64],
    )
        .prop_map(|(mode, pick, role, params, minutes)| Step {
            guided: mode < 8,
            pick,
            role,
            params,
            minutes,
        })
}

fn history() -> impl Strategy<Value = (u8, u32, u16, Vec<Step>)> {
    (0..5u8, 1..5u32, 0..60u16, prop::collection::vec(step(), 0..24))
}

fn role_for(kind: TicketCommandKind, step: &Step) -> Role {
    let policy = default_policy();
    let allowed: Vec<Role> = policy.roles(kind).collect();
    if step.guided && !allowed.is_empty() {
        allowed[usize::from(step.role) % allowed.len()]
    } else {
        Role::ALL[usize::from(step.role) % Role::ALL.len()]
    }
}

fn actor(role: Role) -> Actor {
    Actor::new(ActorId::new("someone").unwrap(), role)
}

fn check_view(ticket: &Ticket, cal: &WorkCalendar) -> Result<(), TestCaseError> {
    prop_assert_eq!(ticket.visits(), ticket.visits_at_receipt() + ticket.cycle());
    let bad = ticket.feedback().iter().filter(|f| f.is_bad()).count() as u32;
    prop_assert_eq!(ticket.cycle(), bad);
    prop_assert_eq!(ticket.feedback_due(cal).is_some(), ticket.class().is_some());
    prop_assert_eq!(ticket.is_open(), ticket.state().kind() != TicketStateKind::Closed);
    prop_assert!(ticket.state_since() <= ticket.last_event_at());
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn random_histories_obey_the_laws((source, visits, offset, steps) in history()) {
        let cal = WorkCalendar::china();
        let ctx = TicketContext::new(&cal);
        let table = transition_table();
        let policy = default_policy();
        let id = TicketId::new("T-1").unwrap();
        let t0 = start() + TimeDelta::days(i64::from(offset));
        let receive = TicketEvent::new(
            actor(Role::WindowClerk),
            t0,
            TicketCommand::Receive { source: SOURCES[usize::from(source)], subject: "s".into(), visits },
        );
        let (mut ticket, _) = Ticket::open(id.clone(), &ctx, &receive).unwrap();
        let mut accepted = vec![receive];
        for s in &steps {
            let state = ticket.state().kind();
            let kind = if s.guided {
                let kinds: Vec<_> = table.commands_from(state).collect();
                if kinds.is_empty() {
                    TicketCommandKind::ALL[usize::from(s.pick) % 10]
                } else {
                    kinds[usize::from(s.pick) % kinds.len()]
                }
            } else {
                TicketCommandKind::ALL[usize::from(s.pick) % 10]
            };
            let at = ticket.last_event_at() + TimeDelta::minutes(s.minutes);
            let event = TicketEvent::new(actor(role_for(kind, s)), at, command(kind, s.params, at));
            let before = ticket.clone();
            match ticket.apply(&ctx, &event) {
                Ok(step) => {
                    prop_assert!(table.check(step.from, step.command, step.to), "{}", step);
                    prop_assert_eq!(step.from, before.state().kind());
                    prop_assert_eq!(step.to, ticket.state().kind());
                    accepted.push(event);
                    let replayed = Ticket::replay(id.clone(), &ctx, &accepted);
                    prop_assert_eq!(replayed.as_ref(), Ok(&ticket));
                }
                Err(err) => {
                    prop_assert_eq!(&ticket, &before, "{}", err);
                    let valid = policy.allows(kind, event.actor.role) && at >= before.last_event_at();
                    if valid {
                        let not_allowed = matches!(err, TicketError::NotAllowed { .. });
                        prop_assert_eq!(not_allowed, !table.allows(state, kind), "{} in {}", err, state);
                    }
                }
            }
            check_view(&ticket, &cal)?;
            // Probe every command kind from the state reached.
            for probe in TicketCommandKind::ALL {
                let role = policy.roles(probe).next().unwrap();
                let at = ticket.last_event_at();
                let event = TicketEvent::new(actor(role), at, command(probe, [1, 1, 1, 1], at));
                let mut copy = ticket.clone();
                match copy.apply(&ctx, &event) {
                    Ok(step) => prop_assert!(table.check(step.from, step.command, step.to)),
                    Err(err) => {
                        prop_assert_eq!(&copy, &ticket);
                        let not_allowed = matches!(err, TicketError::NotAllowed { .. });
                        prop_assert_eq!(not_allowed, !table.allows(ticket.state().kind(), probe), "{}", err);
                    }
                }
            }
        }
        let json = serde_json::to_string(&ticket).unwrap();
        prop_assert_eq!(serde_json::from_str::<Ticket>(&json).unwrap(), ticket.clone());
        let json = serde_json::to_string(&accepted).unwrap();
        let decoded: Vec<TicketEvent> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(Ticket::replay(id, &ctx, &decoded).unwrap(), ticket);
    }
}

/// Guided random histories reach every row of the table.
#[test]
fn random_histories_reach_every_row() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let cal = WorkCalendar::china();
    let ctx = TicketContext::new(&cal);
    let table = transition_table();
    let mut seen = std::collections::BTreeSet::new();
    let mut runner = TestRunner::deterministic();
    for _ in 0..3000 {
        let (source, visits, offset, steps) = history().new_tree(&mut runner).unwrap().current();
        let t0 = start() + TimeDelta::days(i64::from(offset));
        let receive = TicketEvent::new(
            actor(Role::WindowClerk),
            t0,
            TicketCommand::Receive {
                source: SOURCES[usize::from(source)],
                subject: "s".into(),
                visits,
            },
        );
        let (mut ticket, _) = Ticket::open(TicketId::new("T").unwrap(), &ctx, &receive).unwrap();
        for s in steps.iter().filter(|s| s.guided) {
            let kinds: Vec<_> = table.commands_from(ticket.state().kind()).collect();
            if kinds.is_empty() {
                break;
            }
            let kind = kinds[usize::from(s.pick) % kinds.len()];
            let at = ticket.last_event_at() + TimeDelta::minutes(s.minutes.abs());
            let event = TicketEvent::new(actor(role_for(kind, s)), at, command(kind, s.params, at));
            if let Ok(step) = ticket.apply(&ctx, &event) {
                seen.insert((step.from, step.command, step.to));
            }
        }
    }
    for row in table.rows() {
        assert!(
            seen.contains(&(row.from, row.command, row.to)),
            "{:?} never reached",
            (row.from, row.command, row.to)
        );
    }
}
