//! A case driven by a stream of commands read from the fuzzer's bytes, with
//! the laws of the machine checked after each one:
//! - a refused command leaves the case byte-identical (its JSON unchanged);
//! - replaying the accepted events gives the case built one by one;
//! - a prepared reading and a fresh one agree, at any instant;
//! - a direct observation and a sweep's agree.
#![no_main]

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, TimeDelta};
use libfuzzer_sys::fuzz_target;
use shenpi::calendar::WorkCalendar;
use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId, Decision};
use shenpi::catalog::{ApprovalItem, CaseKind, DepartmentId, ItemCode};
use shenpi::escalation::{EscalationPolicy, Supervised};
use shenpi::limit::{SpecialProcedure, SuspensionKind, Thresholds, TimeLimit};
use shenpi::machine::{Actor, ActorId, Role};

struct World {
    cal: WorkCalendar,
    items: Vec<ApprovalItem>,
    policy: EscalationPolicy,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let item = |code: &str, kind, promised, statutory| {
            ApprovalItem::builder(
                ItemCode::new(code).unwrap(),
                "样例事项",
                DepartmentId::new("bureau").unwrap(),
            )
            .case_kind(kind)
            .promised(TimeLimit::working_days(promised))
            .statutory(TimeLimit::working_days(statutory))
            .special_procedures([SpecialProcedure::ExpertReview])
            .build()
            .unwrap()
        };
        World {
            cal: WorkCalendar::china(),
            items: vec![
                item("XK-1", CaseKind::Promised, 5, 20),
                item("XK-2", CaseKind::Instant, 0, 20),
                item("XK-3", CaseKind::Joint, 30, 45),
            ],
            policy: EscalationPolicy::default(),
        }
    })
}

/// Reads the fuzzer's bytes one at a time, zero once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let Some((&b, rest)) = self.0.split_first() else { return 0 };
        self.0 = rest;
        b
    }

    fn u16(&mut self) -> u16 {
        u16::from(self.byte()) << 8 | u16::from(self.byte())
    }
}

const ROLES: [Role; 8] = Role::ALL;

fn command(b: &mut Bytes<'_>) -> CaseCommand {
    let text =
        |b: &mut Bytes<'_>| if b.byte() % 8 == 0 { " ".to_owned() } else { "理由".to_owned() };
    let decision = |b: &mut Bytes<'_>| match b.byte() % 3 {
        0 => Decision::Approved,
        1 => Decision::ApprovedWithDeficiency,
        _ => Decision::Denied,
    };
    match b.byte() % 16 {
        0 => CaseCommand::Receive,
        1 => CaseCommand::RequestCorrection { missing: vec![text(b)] },
        2 => CaseCommand::SubmitCorrection,
        3 => CaseCommand::Accept,
        4 => CaseCommand::RefuseToAccept { reason: text(b) },
        5 => CaseCommand::StartHandling,
        6 => CaseCommand::Suspend {
            reason: if b.byte() % 2 == 0 {
                SuspensionKind::Correction
            } else {
                SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::ExpertReview }
            },
        },
        7 => CaseCommand::Resume,
        8 => CaseCommand::Extend { working_days: u32::from(b.byte() % 20), reason: text(b) },
        9 => CaseCommand::Conclude { decision: decision(b) },
        10 => CaseCommand::ConcludeOnTheSpot { decision: decision(b) },
        11 => CaseCommand::Deliver,
        12 => CaseCommand::Withdraw,
        13 => CaseCommand::Recall { reason: text(b) },
        14 => CaseCommand::Revoke { reason: text(b) },
        _ => CaseCommand::Extend { working_days: u32::from(b.u16()) << 16, reason: text(b) },
    }
}

fn event(b: &mut Bytes<'_>, at: DateTime<FixedOffset>) -> CaseEvent {
    let role = ROLES[usize::from(b.byte()) % ROLES.len()];
    let actor = Actor::new(ActorId::new(&role.to_string()).unwrap(), role);
    let payload = command(b);
    CaseEvent::new(actor, at, payload)
}

fn json(case: &Case) -> String {
    serde_json::to_string(case).expect("a case encodes")
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    let mut b = Bytes(data);
    let item = &w.items[usize::from(b.byte()) % w.items.len()];
    let ctx = CaseContext::new(item, &w.cal);
    // A start within 2025–2026, at any minute.
    let start = DateTime::parse_from_rfc3339("2025-01-01T00:00:00+08:00").unwrap()
        + TimeDelta::minutes(i64::from(b.u16()) * 16 + i64::from(b.byte()));
    let id = CaseId::new("FUZZ-1").unwrap();
    let first = CaseEvent::new(
        Actor::new(ActorId::new("applicant").unwrap(), Role::Applicant),
        start,
        CaseCommand::Receive,
    );
    let Ok((mut case, _)) = Case::receive(id.clone(), &ctx, &first) else { return };
    let mut accepted = vec![first];
    let mut at = start;
    while !b.0.is_empty() && accepted.len() < 64 {
        // Mostly forward in time, sometimes back (to be refused).
        let gap = i64::from(b.u16());
        at = if gap % 17 == 0 {
            at - TimeDelta::minutes(gap % 600)
        } else {
            at + TimeDelta::minutes(gap % 7_200)
        };
        let ev = event(&mut b, at);
        let before = json(&case);
        match case.apply(&ctx, &ev) {
            Ok(_) => accepted.push(ev),
            Err(e) => {
                assert!(!e.to_string().is_empty());
                assert_eq!(json(&case), before, "a refused {:?} changed the case", ev.payload);
            }
        }
        // Readings: fresh and prepared agree.
        let now = at + TimeDelta::minutes(i64::from(b.u16()));
        let fresh = case.reading(&w.cal, now, &Thresholds::default());
        let mut prepared = case.clone();
        prepared.prepare(&w.cal);
        assert_eq!(fresh, prepared.reading(&w.cal, now, &Thresholds::default()));
        // Observations: direct and in a sweep agree.
        let direct = case.observe(&w.cal, now);
        let sweep = w.policy.sweep(&w.cal, now);
        let swept = sweep.observe(&case);
        assert_eq!(direct.is_ok(), swept.is_ok());
        if let (Ok(d), Ok(s)) = (direct, swept) {
            assert_eq!(d, s, "direct and sweep observations differ");
        }
    }
    let replayed = Case::replay(id, &ctx, &accepted).expect("the accepted events replay");
    assert_eq!(json(&replayed), json(&case), "replay differs from the case built one by one");
});
