//! Complaint tickets: worked stories from the 办不成事 window, tea meetings
//! and bad reviews, every refusal with its message, the transition table,
//! and the wire format of tickets and events.

use chrono::{DateTime, FixedOffset, NaiveTime};
use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
use shenpi::catalog::DepartmentId;
use shenpi::machine::{Actor, ActorId, Named, Role};
use shenpi::ticket::{
    default_policy, transition_table, AppealDecision, Assignment, Closure, FeedbackDeadlines,
    Owner, Ticket, TicketClass, TicketCommand, TicketCommandKind, TicketContext, TicketError,
    TicketEvent, TicketId, TicketSource, TicketState, TicketStateKind,
};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn who(role: Role) -> Actor {
    let id = match role {
        Role::Applicant => "applicant",
        Role::Agent => "agent",
        Role::WindowClerk => "clerk",
        Role::Reviewer => "reviewer",
        Role::DepartmentHead => "head",
        Role::SpecialTeam => "team",
        Role::Supervisor => "supervisor",
        Role::GovernmentHead => "government-head",
    };
    Actor::new(ActorId::new(id).unwrap(), role)
}

fn ev(role: Role, when: &str, command: TicketCommand) -> TicketEvent {
    TicketEvent::new(who(role), at(when), command)
}

fn dept(id: &str) -> DepartmentId {
    DepartmentId::new(id).unwrap()
}

fn order(department: &str, measure: &str, deadline: &str) -> Assignment {
    Assignment::new(
        dept(department),
        Owner::Named { name: format!("{department} owner") },
        measure,
        at(deadline),
    )
}

fn receive(source: TicketSource, visits: u32) -> TicketCommand {
    TicketCommand::Receive { source, subject: "land approval stalled".into(), visits }
}

fn take(department: &str) -> TicketCommand {
    TicketCommand::Take { department: dept(department) }
}

fn resolve(department: &str) -> TicketCommand {
    TicketCommand::Resolve { department: dept(department), result: "done and answered".into() }
}

fn id() -> TicketId {
    TicketId::new("BBC-2026-0003").unwrap()
}

/// A 办不成事 request refused three times at a window: received with 3
/// visits, classified general, transferred to two departments, resolved by
/// both, feedback 2, closed.
fn window_history() -> Vec<TicketEvent> {
    vec![
        ev(
            Role::WindowClerk,
            "2026-03-02T09:00:00+08:00",
            receive(TicketSource::CantGetItDoneWindow, 3),
        ),
        ev(
            Role::WindowClerk,
            "2026-03-02T09:20:00+08:00",
            TicketCommand::Classify { class: TicketClass::General },
        ),
        ev(
            Role::SpecialTeam,
            "2026-03-02T10:00:00+08:00",
            TicketCommand::Transfer {
                assignments: vec![
                    order(
                        "natural-resources",
                        "re-examine the land approval",
                        "2026-03-04T18:00:00+08:00",
                    ),
                    order(
                        "housing-construction",
                        "issue the planning opinion",
                        "2026-03-05T18:00:00+08:00",
                    ),
                ],
            },
        ),
        ev(Role::Reviewer, "2026-03-02T11:00:00+08:00", take("natural-resources")),
        ev(Role::DepartmentHead, "2026-03-02T14:00:00+08:00", take("housing-construction")),
        ev(Role::Reviewer, "2026-03-03T16:00:00+08:00", resolve("natural-resources")),
        ev(Role::DepartmentHead, "2026-03-04T11:00:00+08:00", resolve("housing-construction")),
        ev(
            Role::Applicant,
            "2026-03-05T10:00:00+08:00",
            TicketCommand::Feedback { satisfaction: 2 },
        ),
    ]
}

#[test]
fn a_request_refused_three_times_is_transferred_resolved_and_closed() {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    let history = window_history();
    let (mut ticket, first) = Ticket::open(id(), &ctx, &history[0]).unwrap();
    assert_eq!(first.to, TicketStateKind::Received);
    assert_eq!(ticket.visits(), 3);
    assert_eq!(ticket.feedback_due(&calendar), None);
    let mut steps = vec![];
    for e in &history[1..] {
        let step = ticket.apply(&ctx, e).unwrap();
        assert!(transition_table().check(step.from, step.command, step.to), "{step}");
        steps.push((step.from, step.to));
        if step.to == TicketStateKind::Classified {
            // General: 3 working days after Monday 2 March, at 24:00.
            assert_eq!(ticket.feedback_due(&calendar), Some(at("2026-03-06T00:00:00+08:00")));
        }
    }
    use TicketStateKind as S;
    assert_eq!(
        steps,
        [
            (S::Received, S::Classified),
            (S::Classified, S::Transferred),
            (S::Transferred, S::InProgress),
            (S::InProgress, S::InProgress),
            (S::InProgress, S::InProgress),
            (S::InProgress, S::Resolved),
            (S::Resolved, S::Closed),
        ]
    );
    assert_eq!(
        ticket.state(),
        &TicketState::Closed { closure: Closure::Satisfied { satisfaction: 2 } }
    );
    assert!(!ticket.is_open());
    assert_eq!((ticket.cycle(), ticket.visits()), (0, 3));
    assert!(ticket.feedback_given());
    assert_eq!(ticket.answered_at(), Some(at("2026-03-04T11:00:00+08:00")));
    assert_eq!(ticket.state_since(), at("2026-03-05T10:00:00+08:00"));
    assert!(ticket.assignments().iter().all(|a| a.is_resolved()));
    assert!(ticket.assignments().iter().all(|a| !a.is_overdue(at("2026-03-10T00:00:00+08:00"))));
    assert_eq!(ticket.event_count(), 8);
    assert_eq!(Ticket::replay(id(), &ctx, &history).unwrap(), ticket);
}

#[test]
fn the_state_since_moves_only_when_the_state_changes() {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    let ticket = Ticket::replay(id(), &ctx, &window_history()[..5]).unwrap();
    assert_eq!(ticket.state().kind(), TicketStateKind::InProgress);
    // The second department's take kept the ticket in progress.
    assert_eq!(ticket.state_since(), at("2026-03-02T11:00:00+08:00"));
    assert!(!ticket.feedback_given());
    assert!(ticket.assignments()[0].is_overdue(at("2026-03-04T18:00:01+08:00")));
    assert!(!ticket.assignments()[1].is_overdue(at("2026-03-04T18:00:01+08:00")));
}

#[test]
fn a_bad_review_appealed_and_overturned_is_removed() {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    let history = [
        ev(Role::WindowClerk, "2026-04-07T09:00:00+08:00", receive(TicketSource::BadReview, 1)),
        ev(
            Role::WindowClerk,
            "2026-04-07T09:10:00+08:00",
            TicketCommand::Classify { class: TicketClass::General },
        ),
        ev(
            Role::DepartmentHead,
            "2026-04-07T10:00:00+08:00",
            TicketCommand::Appeal { reason: "the applicant left before being called".into() },
        ),
        ev(
            Role::Supervisor,
            "2026-04-09T16:00:00+08:00",
            TicketCommand::DecideAppeal {
                decision: AppealDecision::Overturned,
                reason: "the queue record confirms it".into(),
            },
        ),
    ];
    let (mut ticket, _) = Ticket::open(id(), &ctx, &history[0]).unwrap();
    ticket.apply(&ctx, &history[1]).unwrap();
    // A bad review is rectified within 10 working days (Fujian); Qingming
    // (4-6 April) is already past.
    assert_eq!(ticket.feedback_due(&calendar), Some(at("2026-04-22T00:00:00+08:00")));
    let step = ticket.apply(&ctx, &history[2]).unwrap();
    assert_eq!(step.to, TicketStateKind::UnderAppeal);
    assert_eq!(ticket.state(), &TicketState::UnderAppeal { class: Some(TicketClass::General) });
    let step = ticket.apply(&ctx, &history[3]).unwrap();
    assert_eq!((step.from, step.to), (TicketStateKind::UnderAppeal, TicketStateKind::Closed));
    assert_eq!(ticket.state(), &TicketState::Closed { closure: Closure::ReviewRemoved });
    let appeal = ticket.appeal().unwrap();
    assert_eq!(appeal.decision, Some(AppealDecision::Overturned));
    assert_eq!(appeal.decided_at, Some(at("2026-04-09T16:00:00+08:00")));
}

#[test]
fn an_upheld_review_goes_on_to_rectification() {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    let history = [
        ev(Role::WindowClerk, "2026-04-07T09:00:00+08:00", receive(TicketSource::BadReview, 1)),
        ev(
            Role::Applicant,
            "2026-04-07T09:05:00+08:00",
            TicketCommand::Appeal { reason: "x".into() },
        ),
        ev(
            Role::Supervisor,
            "2026-04-08T09:00:00+08:00",
            TicketCommand::DecideAppeal {
                decision: AppealDecision::Upheld,
                reason: "stands".into(),
            },
        ),
    ];
    let mut ticket = Ticket::replay(id(), &ctx, &history).unwrap();
    assert_eq!(ticket.state(), &TicketState::Received);
    let err = ticket
        .apply(
            &ctx,
            &ev(
                Role::Applicant,
                "2026-04-08T10:00:00+08:00",
                TicketCommand::Appeal { reason: "again".into() },
            ),
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "ticket BBC-2026-0003: the review was already appealed");
    ticket
        .apply(
            &ctx,
            &ev(
                Role::WindowClerk,
                "2026-04-08T10:00:00+08:00",
                TicketCommand::Classify { class: TicketClass::Simple },
            ),
        )
        .unwrap();
    // Rectification days, from the classification day.
    assert_eq!(ticket.feedback_days(), Some(10));
}

#[test]
fn a_complaint_reopened_after_feedback_5_gets_a_new_deadline() {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    let mut history = window_history();
    history.truncate(7);
    history.push(ev(
        Role::Applicant,
        "2026-03-05T10:00:00+08:00",
        TicketCommand::Feedback { satisfaction: 5 },
    ));
    let mut ticket = Ticket::replay(id(), &ctx, &history).unwrap();
    assert_eq!(ticket.state(), &TicketState::Reopened);
    assert_eq!((ticket.cycle(), ticket.visits()), (1, 4));
    assert!(!ticket.feedback_given());
    assert_eq!(ticket.cycle_started_at(), Some(at("2026-03-05T10:00:00+08:00")));
    // Still general: 3 working days from Thursday 5 March is Tuesday 10 March.
    assert_eq!(ticket.feedback_due(&calendar), Some(at("2026-03-11T00:00:00+08:00")));
    assert_eq!(ticket.current_assignments().count(), 0);
    ticket
        .apply(
            &ctx,
            &ev(
                Role::SpecialTeam,
                "2026-03-05T11:00:00+08:00",
                TicketCommand::Transfer {
                    assignments: vec![order(
                        "natural-resources",
                        "hold a joint consultation",
                        "2026-03-09T18:00:00+08:00",
                    )],
                },
            ),
        )
        .unwrap();
    ticket
        .apply(&ctx, &ev(Role::Reviewer, "2026-03-06T09:00:00+08:00", take("natural-resources")))
        .unwrap();
    ticket
        .apply(&ctx, &ev(Role::Reviewer, "2026-03-09T09:00:00+08:00", resolve("natural-resources")))
        .unwrap();
    assert!(ticket.feedback_given());
    ticket
        .apply(
            &ctx,
            &ev(
                Role::Applicant,
                "2026-03-09T15:00:00+08:00",
                TicketCommand::Feedback { satisfaction: 1 },
            ),
        )
        .unwrap();
    assert_eq!(
        ticket.state(),
        &TicketState::Closed { closure: Closure::Satisfied { satisfaction: 1 } }
    );
    assert_eq!(ticket.assignments().len(), 3);
    assert_eq!(ticket.feedback().iter().map(|f| f.cycle).collect::<Vec<_>>(), [0, 1]);
}

#[test]
fn explain_on_the_spot_and_no_legal_basis_end_the_same_day() {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    let classify = |class| {
        ev(Role::WindowClerk, "2026-03-06T10:00:00+08:00", TicketCommand::Classify { class })
    };
    let start =
        ev(Role::WindowClerk, "2026-03-06T09:00:00+08:00", receive(TicketSource::Hotline, 1));
    let mut spot =
        Ticket::replay(id(), &ctx, &[start.clone(), classify(TicketClass::ExplainOnTheSpot)])
            .unwrap();
    assert_eq!(spot.feedback_due(&calendar), Some(at("2026-03-07T00:00:00+08:00")));
    let mut late = spot.clone();
    spot.apply(
        &ctx,
        &ev(
            Role::WindowClerk,
            "2026-03-06T10:05:00+08:00",
            TicketCommand::ExplainOnTheSpot { explanation: "the fee is set by law".into() },
        ),
    )
    .unwrap();
    assert_eq!(spot.state(), &TicketState::Resolved);
    assert_eq!(spot.explanation(), Some("the fee is set by law"));
    let err = late
        .apply(
            &ctx,
            &ev(
                Role::WindowClerk,
                "2026-03-09T09:00:00+08:00",
                TicketCommand::ExplainOnTheSpot { explanation: "x".into() },
            ),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "ticket BBC-2026-0003: classified on 2026-03-06 but explained on the spot on 2026-03-09"
    );

    let mut none =
        Ticket::replay(id(), &ctx, &[start, classify(TicketClass::NoLegalBasis)]).unwrap();
    none.apply(
        &ctx,
        &ev(
            Role::SpecialTeam,
            "2026-03-06T16:00:00+08:00",
            TicketCommand::Close { explanation: "no law provides for this".into() },
        ),
    )
    .unwrap();
    assert_eq!(none.state(), &TicketState::Closed { closure: Closure::NoLegalBasis });
    assert!(none.feedback_given());
}

#[test]
fn a_saturday_tea_meeting_counts_from_the_next_working_day() {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    let history = [
        ev(Role::SpecialTeam, "2026-03-14T15:00:00+08:00", receive(TicketSource::TeaMeeting, 1)),
        ev(
            Role::WindowClerk,
            "2026-03-14T16:00:00+08:00",
            TicketCommand::Classify { class: TicketClass::Simple },
        ),
    ];
    let ticket = Ticket::replay(id(), &ctx, &history).unwrap();
    // Same day rolls to Monday 16 March.
    assert_eq!(ticket.feedback_due(&calendar), Some(at("2026-03-17T00:00:00+08:00")));
    let strict = TicketContext::new(&calendar)
        .with_deadlines(FeedbackDeadlines::new(0, 1, 2, 4, 0, 7).unwrap());
    let ticket = Ticket::replay(id(), &strict, &history).unwrap();
    assert_eq!(ticket.feedback_days(), Some(1));
    assert_eq!(ticket.feedback_due(&calendar), Some(at("2026-03-17T00:00:00+08:00")));
}

/// A same-day ticket classified after the office has closed is due at the
/// close of the next working day, not at today's close, which has passed.
#[test]
fn a_same_day_ticket_classified_after_hours_is_due_the_next_working_day() {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let calendar = WorkCalendar::china().with_office_hours(
        OfficeHours::new([
            OfficePeriod::new(t(8, 30), t(12, 0)).unwrap(),
            OfficePeriod::new(t(14, 30), t(17, 30)).unwrap(),
        ])
        .unwrap(),
    );
    let ctx = TicketContext::new(&calendar);
    let classify = |when| {
        let history = [
            ev(
                Role::WindowClerk,
                "2026-03-16T09:50:00+08:00",
                receive(TicketSource::CantGetItDoneWindow, 1),
            ),
            ev(Role::WindowClerk, when, TicketCommand::Classify { class: TicketClass::Simple }),
        ];
        Ticket::replay(id(), &ctx, &history).unwrap().feedback_due(&calendar)
    };
    // Before the close (Monday 16 March): the same day.
    assert_eq!(classify("2026-03-16T17:00:00+08:00"), Some(at("2026-03-16T17:30:00+08:00")));
    // At the close exactly: still the same day.
    assert_eq!(classify("2026-03-16T17:30:00+08:00"), Some(at("2026-03-16T17:30:00+08:00")));
    // After it: Tuesday's close.
    assert_eq!(classify("2026-03-16T18:01:00+08:00"), Some(at("2026-03-17T17:30:00+08:00")));
    // On a Friday evening: Monday's close.
    let history = [
        ev(
            Role::WindowClerk,
            "2026-03-20T17:50:00+08:00",
            receive(TicketSource::CantGetItDoneWindow, 1),
        ),
        ev(
            Role::WindowClerk,
            "2026-03-20T18:01:00+08:00",
            TicketCommand::Classify { class: TicketClass::Simple },
        ),
    ];
    let ticket = Ticket::replay(id(), &ctx, &history).unwrap();
    assert_eq!(ticket.feedback_due(&calendar), Some(at("2026-03-23T17:30:00+08:00")));
}

/// Applies `command` to a fresh copy of `ticket` and returns the error's
/// message, checking the ticket did not change.
fn refusal(
    ctx: &TicketContext<'_>,
    ticket: &Ticket,
    role: Role,
    when: &str,
    command: TicketCommand,
) -> (TicketError, String) {
    let mut copy = ticket.clone();
    let err = copy.apply(ctx, &ev(role, when, command)).unwrap_err();
    assert_eq!(&copy, ticket, "{err}");
    let message = err.to_string();
    (err, message)
}

#[test]
fn every_refusal_names_the_ticket_and_changes_nothing() {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    let h = window_history();
    let received = Ticket::replay(id(), &ctx, &h[..1]).unwrap();
    let classified = Ticket::replay(id(), &ctx, &h[..2]).unwrap();
    let transferred = Ticket::replay(id(), &ctx, &h[..3]).unwrap();
    let in_progress = Ticket::replay(id(), &ctx, &h[..4]).unwrap();
    let resolved = Ticket::replay(id(), &ctx, &h[..7]).unwrap();
    let t = "2026-03-05T12:00:00+08:00";
    let cases: Vec<(&Ticket, Role, &str, TicketCommand, &str)> = vec![
        (&received, Role::WindowClerk, t, take("x"), "ticket BBC-2026-0003: role window clerk may not issue command take"),
        (&received, Role::Reviewer, t, take("x"), "ticket BBC-2026-0003: command take is not allowed in state received"),
        (
            &received,
            Role::WindowClerk,
            "2026-03-01T09:00:00+08:00",
            TicketCommand::Classify { class: TicketClass::Simple },
            "ticket BBC-2026-0003: command at 2026-03-01 09:00:00 +08:00 is before the ticket's last event at 2026-03-02 09:00:00 +08:00",
        ),
        (&classified, Role::SpecialTeam, t, TicketCommand::Transfer { assignments: vec![] }, "ticket BBC-2026-0003: a transfer must name at least one department"),
        (
            &classified,
            Role::SpecialTeam,
            t,
            TicketCommand::Transfer { assignments: vec![order("a", " ", "2026-03-09T00:00:00+08:00")] },
            "ticket BBC-2026-0003: the assignment to a has no measure",
        ),
        (
            &classified,
            Role::SpecialTeam,
            t,
            TicketCommand::Transfer {
                assignments: vec![Assignment::new(dept("a"), Owner::Named { name: "".into() }, "m", at("2026-03-09T00:00:00+08:00"))],
            },
            "ticket BBC-2026-0003: the assignment to a has no owner",
        ),
        (
            &classified,
            Role::SpecialTeam,
            t,
            TicketCommand::Transfer { assignments: vec![order("a", "m", "2026-03-09T00:00:00+08:00"), order("a", "n", "2026-03-09T00:00:00+08:00")] },
            "ticket BBC-2026-0003: department a is named twice in the transfer",
        ),
        (
            &classified,
            Role::SpecialTeam,
            t,
            TicketCommand::Transfer { assignments: vec![order("a", "m", "2026-03-04T00:00:00+08:00")] },
            "ticket BBC-2026-0003: the assignment to a is due at 2026-03-04 00:00:00 +08:00, before the transfer at 2026-03-05 12:00:00 +08:00",
        ),
        (
            &classified,
            Role::SpecialTeam,
            t,
            TicketCommand::Close { explanation: "no basis".into() },
            "ticket BBC-2026-0003: command close does not apply to a ticket classified general",
        ),
        (
            &classified,
            Role::Applicant,
            t,
            TicketCommand::Appeal { reason: "unfair".into() },
            "ticket BBC-2026-0003: only a bad review may be appealed, and this ticket came from can't-get-it-done window",
        ),
        (&transferred, Role::Reviewer, t, take("police"), "ticket BBC-2026-0003: department police has no assignment in this cycle"),
        (&in_progress, Role::Reviewer, t, take("natural-resources"), "ticket BBC-2026-0003: department natural-resources already did take in this cycle"),
        (
            &in_progress,
            Role::Reviewer,
            t,
            TicketCommand::Resolve { department: dept("natural-resources"), result: "  ".into() },
            "ticket BBC-2026-0003: command resolve needs a written result",
        ),
        (&resolved, Role::Applicant, t, TicketCommand::Feedback { satisfaction: 0 }, "ticket BBC-2026-0003: satisfaction 0 is outside 1 to 5"),
        (&resolved, Role::Applicant, t, TicketCommand::Feedback { satisfaction: 6 }, "ticket BBC-2026-0003: satisfaction 6 is outside 1 to 5"),
        (
            &resolved,
            Role::Applicant,
            "2041-01-01T09:00:00+08:00",
            TicketCommand::Feedback { satisfaction: 1 },
            "",
        ),
    ];
    for (ticket, role, when, command, message) in cases {
        let (err, got) = refusal(&ctx, ticket, role, when, command);
        if message.is_empty() {
            assert!(matches!(err, TicketError::Calendar(_)), "{err:?}");
        } else {
            assert_eq!(got, message);
        }
    }
    let partly = Ticket::replay(id(), &ctx, &h[..6]).unwrap();
    let (_, got) = refusal(&ctx, &partly, Role::Reviewer, t, resolve("natural-resources"));
    assert_eq!(
        got,
        "ticket BBC-2026-0003: department natural-resources already did resolve in this cycle"
    );
}

#[test]
fn opening_and_replaying_refuse_bad_starts() {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    let t = "2026-03-02T09:00:00+08:00";
    let open =
        |role, command| Ticket::open(id(), &ctx, &ev(role, t, command)).unwrap_err().to_string();
    assert_eq!(
        open(Role::WindowClerk, TicketCommand::Classify { class: TicketClass::Simple }),
        "ticket BBC-2026-0003: a history must start with a receive event, not classify"
    );
    assert_eq!(
        open(Role::Applicant, receive(TicketSource::Hotline, 1)),
        "ticket BBC-2026-0003: role applicant may not issue command receive"
    );
    assert_eq!(
        open(Role::WindowClerk, receive(TicketSource::Hotline, 0)),
        "ticket BBC-2026-0003: a complaint comes with at least one visit"
    );
    assert_eq!(
        open(
            Role::WindowClerk,
            TicketCommand::Receive {
                source: TicketSource::Hotline,
                subject: " ".into(),
                visits: 1
            }
        ),
        "ticket BBC-2026-0003: command receive needs a written subject"
    );
    assert_eq!(
        Ticket::replay(id(), &ctx, &[]).unwrap_err().to_string(),
        "a ticket history must start with a receive event, and it is empty"
    );
    let mut history = window_history();
    history.swap(2, 3);
    let err = Ticket::replay(id(), &ctx, &history).unwrap_err();
    assert_eq!(err.to_string(), "event 2 of the ticket history was refused");
    let TicketError::Replay { index, source, .. } = err else { panic!() };
    assert_eq!(index, 2);
    assert!(matches!(
        *source,
        TicketError::NotAllowed {
            state: TicketStateKind::Classified,
            command: TicketCommandKind::Take,
            ..
        }
    ));
    let err: shenpi::Error = TicketId::new("").unwrap_err().into();
    assert_eq!(err.to_string(), "a ticket id must not be empty");
}

#[test]
fn the_table_names_every_state_and_command() {
    let table = transition_table();
    let states = table.states();
    for kind in TicketStateKind::ALL {
        assert!(states.contains(&kind), "{kind} missing from the table");
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
    }
    let commands = table.commands();
    for kind in TicketCommandKind::ALL {
        assert!(kind == TicketCommandKind::Receive || commands.contains(&kind), "{kind}");
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        assert!(default_policy().roles(kind).next().is_some(), "{kind} has no role");
    }
    let mermaid = table.to_mermaid();
    let fixture = golden("ticket_lifecycle.mmd", &mermaid);
    assert_eq!(mermaid.trim_end(), fixture.trim_end());
}

/// The fixture's text; with `SHENPI_BLESS=1`, writes `actual` first.
fn golden(name: &str, actual: &str) -> String {
    let path = format!("{}/tests/data/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("SHENPI_BLESS").is_some() {
        std::fs::write(&path, format!("{}\n", actual.trim_end())).unwrap();
    }
    std::fs::read_to_string(path).unwrap()
}

fn reopened_history() -> Vec<TicketEvent> {
    let mut history = window_history();
    history.truncate(7);
    history.push(ev(
        Role::Applicant,
        "2026-03-05T10:00:00+08:00",
        TicketCommand::Feedback { satisfaction: 4 },
    ));
    history.push(ev(
        Role::WindowClerk,
        "2026-03-05T10:30:00+08:00",
        TicketCommand::Classify { class: TicketClass::Complex },
    ));
    history.push(ev(
        Role::SpecialTeam,
        "2026-03-05T11:00:00+08:00",
        TicketCommand::Transfer {
            assignments: vec![Assignment::new(
                dept("natural-resources"),
                Owner::Actor { id: ActorId::new("director-wang").unwrap() },
                "director and handler joint consultation (局长+经办人会商)",
                at("2026-03-12T18:00:00+08:00"),
            )],
        },
    ));
    history.push(ev(Role::DepartmentHead, "2026-03-06T09:00:00+08:00", take("natural-resources")));
    history
}

#[test]
fn golden_json_ticket_and_history() {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    let history = reopened_history();
    let ticket = Ticket::replay(id(), &ctx, &history).unwrap();
    assert_eq!((ticket.cycle(), ticket.visits()), (1, 4));
    let history_json = serde_json::to_string_pretty(&history).unwrap();
    let fixture = golden("ticket_history.json", &history_json);
    assert_eq!(history_json, fixture.trim_end());
    assert_eq!(serde_json::from_str::<Vec<TicketEvent>>(&fixture).unwrap(), history);
    let ticket_json = serde_json::to_string_pretty(&ticket).unwrap();
    let fixture = golden("ticket.json", &ticket_json);
    assert_eq!(ticket_json, fixture.trim_end());
    assert_eq!(serde_json::from_str::<Ticket>(&fixture).unwrap(), ticket);
    let deadlines = serde_json::to_string_pretty(&FeedbackDeadlines::default()).unwrap();
    let fixture = golden("ticket_deadlines.json", &deadlines);
    assert_eq!(deadlines, fixture.trim_end());
}

#[test]
fn inconsistent_snapshots_are_refused() {
    let calendar = WorkCalendar::china();
    let ctx = TicketContext::new(&calendar);
    let ticket = Ticket::replay(id(), &ctx, &reopened_history()).unwrap();
    let good = serde_json::to_value(&ticket).unwrap();
    let broken = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut value = good.clone();
        edit(&mut value);
        serde_json::from_value::<Ticket>(value).unwrap_err().to_string()
    };
    assert!(broken(&|v| v["cycle"] = 0.into()).contains("the cycle must count the bad feedback"));
    assert!(broken(&|v| v["visits_at_receipt"] = 0.into()).contains("at least one visit"));
    assert!(broken(&|v| v["state"] = serde_json::json!({"kind": "received"})).contains("class"));
    assert!(
        broken(&|v| v["state"] = serde_json::json!({"kind": "transferred"})).contains("untouched")
    );
    assert!(broken(
        &|v| v["state"] = serde_json::json!({"kind": "under_appeal", "class": "complex"})
    )
    .contains("appeal"));
    assert!(broken(&|v| v["id"] = "".into()).contains("ticket id must not be empty"));
    assert!(
        broken(&|v| v["state_since"] = "2026-03-01T00:00:00+08:00".into()).contains("state_since")
    );
}
