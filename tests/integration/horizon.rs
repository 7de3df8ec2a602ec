//! The calendar's horizon: a year's arrangement as data, provisional years,
//! what moves when a notice lands, and commands refused at the edge.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Weekday};
use proptest::prelude::*;
use shenpi::calendar::{
    statutory_holidays, Arrangement, ArrangementNotice, CalendarChange, CalendarError, DayRun,
    Festival, Horizon, WorkCalendar,
};
use shenpi::case::{Case, CaseCommand, CaseContext, CaseError, CaseEvent, CaseId, Decision};
use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
use shenpi::escalation::{moved_deadlines, MovedDeadline, Supervised};
use shenpi::graph::{ApprovalGraph, GraphRun, RunCommand, RunError, RunEvent, Step, StepId};
use shenpi::limit::{Deadline, LimitError, Thresholds, TimeLimit};
use shenpi::machine::{Actor, ActorId, Role};
use shenpi::ticket::{
    Ticket, TicketClass, TicketCommand, TicketContext, TicketError, TicketEvent, TicketId,
    TicketSource,
};

use crate::strategies::date_between;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn actor(id: &str, role: Role) -> Actor {
    Actor::new(ActorId::new(id).unwrap(), role)
}

fn estimating(through: i32) -> WorkCalendar {
    WorkCalendar::china().with_horizon(Horizon::Estimate { through }).unwrap()
}

/// A SAMPLE 2027 arrangement, not the real notice (which is not published
/// as this is written): the statutory holidays off, plus the extra days.
fn sample_2027(extra_off: &[NaiveDate], make_up: &[NaiveDate]) -> Arrangement {
    let off = statutory_holidays(2027)
        .unwrap()
        .into_iter()
        .map(|h| DayRun::day(h.date))
        .chain(extra_off.iter().map(|d| DayRun::day(*d)));
    Arrangement::new(2027, off, make_up.iter().copied())
        .unwrap()
        .with_source("SAMPLE for tests, not the real 2027 notice")
        .unwrap()
}

fn item(promised: u32, statutory: u32) -> ApprovalItem {
    ApprovalItem::builder(
        ItemCode::new("FOOD-001").unwrap(),
        "食品经营许可",
        DepartmentId::new("market").unwrap(),
    )
    .statutory(TimeLimit::working_days(statutory))
    .promised(TimeLimit::working_days(promised))
    .build()
    .unwrap()
}

// ---------------------------------------------------------------------------
// The built-in data as arrangements.

#[test]
fn built_in_years_are_arrangements_with_their_notices() {
    let cal = WorkCalendar::china();
    let years: Vec<i32> = cal.arrangements().map(Arrangement::year).collect();
    assert_eq!(years, (2004..=2026).collect::<Vec<_>>());
    // Rebuilding from the arrangements gives the same calendar.
    assert_eq!(WorkCalendar::from_arrangements(WorkCalendar::china_arrangements()).unwrap(), cal);
    // 2005-12-31 (Saturday) is worked, set by the 2006 notice.
    let y2006 = cal.arrangement(2006).unwrap();
    assert_eq!(y2006.make_up_days().next(), Some(d(2005, 12, 31)));
    assert_eq!(y2006.notices()[0].number(), "国办发明电〔2005〕35号");
    assert!(cal.is_working_day(d(2005, 12, 31)).unwrap());
    assert_eq!(cal.working_days_in_year(2005).unwrap(), 251);
    // The 2019 notice set the end of December 2018.
    let y2019 = cal.arrangement(2019).unwrap();
    assert_eq!(y2019.off()[0], DayRun::new(d(2018, 12, 30), d(2019, 1, 1)).unwrap());
    assert!(!cal.is_working_day(d(2018, 12, 31)).unwrap());
    assert!(cal.is_working_day(d(2018, 12, 29)).unwrap());
    // 2020 carries the extension notice after the yearly one.
    let numbers: Vec<&str> =
        cal.arrangement(2020).unwrap().notices().iter().map(ArrangementNotice::number).collect();
    assert_eq!(numbers, ["国办发明电〔2019〕16号", "国办发明电〔2020〕1号"]);
}

/// The estimate's anchor days (the statutory holidays placed by the
/// lunisolar calendar and the Qingming term) against every built-in year:
/// each statutory holiday of the measures in force is a day off in the
/// published arrangement.
#[test]
fn statutory_holidays_are_off_in_every_built_in_year() {
    let cal = WorkCalendar::china();
    for year in 2004..=2026 {
        let days = statutory_holidays(year).unwrap();
        for h in &days {
            assert!(
                !cal.is_working_day(h.date).unwrap(),
                "{year}: {} ({}) is a working day in the published arrangement",
                h.date,
                h.festival
            );
        }
        let festivals: std::collections::BTreeSet<Festival> =
            days.iter().map(|h| h.festival).collect();
        assert_eq!(festivals.contains(&Festival::Qingming), year >= 2008, "{year}");
    }
}

#[test]
fn an_estimate_has_weekends_and_statutory_holidays_only() {
    let cal = estimating(2028);
    assert_eq!(cal.years(), 2004..=2028);
    assert_eq!(cal.published_through(), 2026);
    for year in [2027, 2028] {
        let holidays: std::collections::BTreeSet<NaiveDate> =
            statutory_holidays(year).unwrap().iter().map(|h| h.date).collect();
        for date in d(year, 1, 1).iter_days().take_while(|x| x.year() == year) {
            let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
            let expected = !weekend && !holidays.contains(&date);
            assert_eq!(cal.is_working_day(date).unwrap(), expected, "{date}");
            assert!(cal.is_provisional(date));
        }
    }
    assert!(cal.make_up_days().all(|day| day.year() <= 2026));
    // Back to refusing: exactly the published calendar.
    assert_eq!(cal.with_horizon(Horizon::Refuse).unwrap(), WorkCalendar::china());
}

#[test]
fn adding_years_is_refused_with_a_gap_or_an_overlap() {
    let cal = WorkCalendar::china();
    let y2028 = Arrangement::new(2028, [DayRun::day(d(2028, 1, 1))], []).unwrap();
    let err = cal.with_arrangement(&y2028).unwrap_err();
    assert!(matches!(err, CalendarError::ArrangementGap { year: 2028, published: 2026, .. }));
    assert_eq!(
        err.to_string(),
        "the arrangement for 2028 leaves a gap: the published years end with 2026, so the next to add is 2027"
    );
    let y2026 = cal.arrangement(2026).unwrap().clone();
    let err = cal.with_arrangement(&y2026).unwrap_err();
    assert!(matches!(err, CalendarError::ArrangementOverlap { year: 2026, .. }), "{err}");
    // A correction of an unpublished year has nothing to correct.
    let err = cal.with_correction(&sample_2027(&[], &[])).unwrap_err();
    assert!(matches!(err, CalendarError::NothingToCorrect { year: 2027, .. }), "{err}");
    // Estimates through a published year add nothing.
    let err = cal.with_horizon(Horizon::Estimate { through: 2026 }).unwrap_err();
    assert!(matches!(err, CalendarError::EstimateNotAfterPublished { .. }), "{err}");
    let err = cal.with_horizon(Horizon::Estimate { through: 2200 }).unwrap_err();
    assert!(matches!(err, CalendarError::EstimateOutOfRange { .. }), "{err}");
}

#[test]
fn adding_a_year_to_an_estimating_calendar_keeps_estimating_beyond_it() {
    let cal = estimating(2028).with_arrangement(&sample_2027(&[], &[])).unwrap();
    assert_eq!(cal.published_through(), 2027);
    assert_eq!(cal.horizon(), Horizon::Estimate { through: 2028 });
    assert!(!cal.is_provisional(d(2027, 12, 31)));
    assert!(cal.is_provisional(d(2028, 1, 3)));
}

#[test]
fn a_correction_replaces_exactly_the_old_arrangement() {
    let national = WorkCalendar::china();
    let old = national.arrangement(2020).unwrap();
    // Correct 2020 back to the yearly notice alone, without the extension
    // (off 01-24..01-30 and Saturday 02-01 worked): a sample correction.
    let runs = old.off().iter().map(|r| {
        if r.first() == d(2020, 1, 24) {
            DayRun::new(d(2020, 1, 24), d(2020, 1, 30)).unwrap()
        } else {
            *r
        }
    });
    let corrected =
        Arrangement::new(2020, runs, old.make_up_days().chain([d(2020, 2, 1)])).unwrap();
    let cal = national.with_correction(&corrected).unwrap();
    assert!(cal.is_working_day(d(2020, 1, 31)).unwrap());
    assert!(cal.is_working_day(d(2020, 2, 1)).unwrap());
    assert_eq!(cal.arrangement(2020), Some(&corrected));
    // Friday 31 January and Saturday 1 February are worked again; Sunday
    // 2 February stays off.
    let change = CalendarChange::between(&national, &cal);
    let days: Vec<NaiveDate> = change.days().iter().map(|c| c.date).collect();
    assert_eq!(days, [d(2020, 1, 31), d(2020, 2, 1)]);
}

#[test]
fn the_fingerprint_is_pinned_and_tells_calendars_apart() {
    let national = WorkCalendar::china();
    // Pinned: a change to the layout or the built-in data shows here.
    assert_eq!(
        national.fingerprint().to_string(),
        include_str!("../data/china_fingerprint.txt").trim()
    );
    let estimating = estimating(2027);
    let published = estimating.with_arrangement(&sample_2027(&[], &[])).unwrap();
    let prints = [national.fingerprint(), estimating.fingerprint(), published.fingerprint()];
    assert!(prints[0] != prints[1] && prints[1] != prints[2] && prints[0] != prints[2]);
    // Decoding keeps it.
    let json = serde_json::to_string(&published).unwrap();
    let back: WorkCalendar = serde_json::from_str(&json).unwrap();
    assert_eq!(back.fingerprint(), published.fingerprint());
    assert_eq!(back.arrangement(2027), published.arrangement(2027));
    assert_eq!(back.published_through(), 2027);
    let est_json = serde_json::to_string(&estimating).unwrap();
    let back: WorkCalendar = serde_json::from_str(&est_json).unwrap();
    assert_eq!(back.horizon(), Horizon::Estimate { through: 2027 });
    assert!(back.is_provisional(d(2027, 1, 4)));
}

#[test]
fn a_bad_arrangement_names_its_field() {
    let cases = [
        (r#"{"year": 2027, "off": [{"first": "2027-01-03", "last": "2027-01-01"}]}"#, "off[0]"),
        (r#"{"year": 2027, "off": [], "make_up_days": ["2027-01-04"]}"#, "make_up_days"),
        (r#"{"year": 2027, "notices": [{"number": ""}]}"#, "notices[0]"),
        (r#"{"year": 2027, "offs": []}"#, "offs"),
    ];
    for (json, path) in cases {
        let err = shenpi::json::from_str::<Arrangement>(json).unwrap_err();
        assert!(err.path().starts_with(path), "{json}: {} at {}", err.message(), err.path());
    }
}

// ---------------------------------------------------------------------------
// Laws.

/// A random SAMPLE arrangement for 2027: runs of days off in 2027 and
/// weekend make-up days in December 2026 and in 2027 not off.
fn arrangement_2027() -> impl Strategy<Value = Arrangement> {
    let run = (date_between(d(2027, 1, 1), d(2027, 12, 31)), 0u64..9).prop_map(|(first, len)| {
        let last = first.checked_add_days(chrono::Days::new(len)).unwrap().min(d(2027, 12, 31));
        DayRun::new(first, last).unwrap()
    });
    let make_up = date_between(d(2026, 12, 1), d(2027, 12, 31));
    (prop::collection::vec(run, 0..8), prop::collection::vec(make_up, 0..6)).prop_map(
        |(runs, days)| {
            let off: Vec<NaiveDate> = runs.iter().flat_map(DayRun::days).collect();
            let make_up = days
                .into_iter()
                .filter(|x| matches!(x.weekday(), Weekday::Sat | Weekday::Sun) && !off.contains(x));
            Arrangement::new(2027, runs, make_up).unwrap()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Adding a year never changes an answer about earlier days, except the
    /// days of the December before that the arrangement itself sets.
    #[test]
    fn adding_a_year_changes_no_earlier_answer(
        arrangement in arrangement_2027(),
        from in date_between(d(2025, 1, 1), d(2026, 11, 30)),
        n in 0u32..40,
    ) {
        let before = WorkCalendar::china();
        let after = before.with_arrangement(&arrangement).unwrap();
        let set: Vec<NaiveDate> = arrangement.make_up_days().filter(|x| x.year() == 2026).collect();
        for date in d(2025, 1, 1).iter_days().take_while(|x| x.year() <= 2026) {
            if !set.contains(&date) {
                prop_assert_eq!(before.is_working_day(date), after.is_working_day(date), "{}", date);
            }
        }
        // Counts ending before the December the arrangement may touch.
        if let Ok(due) = before.add_working_days(from, n) {
            if due < d(2026, 12, 1) {
                prop_assert_eq!(after.add_working_days(from, n).unwrap(), due);
            }
        }
        // Every covered day of 2027 is now answered, and firm.
        prop_assert!(after.is_working_day(d(2027, 6, 30)).is_ok());
        prop_assert!(!after.is_provisional(d(2027, 12, 31)));
        // The change lists exactly the days whose answer differs.
        let change = CalendarChange::between(&before, &after);
        for c in change.days() {
            prop_assert_ne!(c.before, c.after);
            prop_assert!(c.date.year() == 2027 || set.contains(&c.date));
        }
    }

    /// Estimated answers are exactly the published calendar up to the
    /// published end, and provisional after it.
    #[test]
    fn estimates_leave_published_days_alone(
        from in date_between(d(2026, 1, 1), d(2026, 12, 31)),
        n in 0u32..300,
    ) {
        let published = WorkCalendar::china();
        let cal = estimating(2028);
        let due = cal.add_working_days(from, n).unwrap();
        prop_assert_eq!(cal.is_provisional(due), due.year() > 2026);
        if let Ok(firm) = published.add_working_days(from, n) {
            prop_assert_eq!(firm, due);
            prop_assert!(!cal.is_provisional(due));
        }
    }
}

// ---------------------------------------------------------------------------
// Commands at the edge, and what they say.

#[test]
fn accepting_a_case_whose_deadline_is_unpublished_is_refused_at_acceptance() {
    let item = item(5, 20);
    let national = WorkCalendar::china();
    let ctx = CaseContext::new(&item, &national);
    let receive = CaseEvent::new(
        actor("ent-1", Role::Applicant),
        at("2026-12-07T09:00:00+08:00"),
        CaseCommand::Receive,
    );
    let accept = CaseEvent::new(
        actor("clerk-7", Role::WindowClerk),
        at("2026-12-07T10:00:00+08:00"),
        CaseCommand::Accept,
    );
    let (mut case, _) = Case::receive(CaseId::new("JO-1").unwrap(), &ctx, &receive).unwrap();
    let before = case.clone();
    let err = case.apply(&ctx, &accept).unwrap_err();
    match &err {
        CaseError::Limit(LimitError::DeadlineUnpublished { deadline, published, .. }) => {
            assert_eq!((*deadline, *published), (Deadline::Statutory, 2026));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("load the 2027 arrangement"), "{err}");
    assert_eq!(case, before, "a refused command leaves the case untouched");

    // A case whose deadlines stay in 2026 is accepted as before.
    let early = CaseEvent::new(
        actor("clerk-7", Role::WindowClerk),
        at("2026-11-02T10:00:00+08:00"),
        CaseCommand::Accept,
    );
    let receive_early = CaseEvent::new(
        actor("ent-1", Role::Applicant),
        at("2026-11-02T09:00:00+08:00"),
        CaseCommand::Receive,
    );
    let (mut ok, _) = Case::receive(CaseId::new("JO-2").unwrap(), &ctx, &receive_early).unwrap();
    ok.apply(&ctx, &early).unwrap();

    // Under estimates it is accepted, with provisional deadlines.
    let estimating = estimating(2027);
    let ctx = CaseContext::new(&item, &estimating);
    case.apply(&ctx, &accept).unwrap();
    let reading = case
        .reading(&estimating, at("2026-12-08T09:00:00+08:00"), &Thresholds::default())
        .unwrap()
        .unwrap();
    assert!(reading.provisional && reading.statutory_due.provisional);
    assert!(!reading.promised_due.provisional, "5 working days end on 2026-12-14");
    assert_eq!(reading.statutory_due.date, d(2027, 1, 5));
    let json = serde_json::to_value(reading).unwrap();
    assert_eq!(json["provisional"], true);
    assert_eq!(json["statutory_due"]["provisional"], true);
    assert!(json["promised_due"].get("provisional").is_none(), "false is left out");

    // The outcome and the report say so too.
    let conclude = CaseEvent::new(
        actor("rev-3", Role::Reviewer),
        at("2027-01-04T10:00:00+08:00"),
        CaseCommand::Conclude { decision: Decision::Approved },
    );
    case.apply(
        &ctx,
        &CaseEvent::new(
            actor("rev-3", Role::Reviewer),
            at("2026-12-08T10:00:00+08:00"),
            CaseCommand::StartHandling,
        ),
    )
    .unwrap();
    case.apply(&ctx, &conclude).unwrap();
    let outcome = case.outcome(&estimating).unwrap().unwrap();
    assert!(outcome.provisional);
    let facts = shenpi::report::CaseFacts::from_outcome(&item, &outcome, &estimating).unwrap();
    assert!(facts.provisional());
}

#[test]
fn classifying_a_ticket_whose_feedback_is_unpublished_is_refused() {
    let national = WorkCalendar::china();
    let ctx = TicketContext::new(&national);
    let receive = TicketEvent::new(
        actor("win-1", Role::WindowClerk),
        at("2026-12-30T09:00:00+08:00"),
        TicketCommand::Receive {
            source: TicketSource::CantGetItDoneWindow,
            subject: "反复跑腿".into(),
            visits: 3,
        },
    );
    let mut ticket = Ticket::replay(TicketId::new("T-1").unwrap(), &ctx, &[receive]).unwrap();
    let before = ticket.clone();
    let classify = TicketEvent::new(
        actor("win-1", Role::WindowClerk),
        at("2026-12-30T10:00:00+08:00"),
        TicketCommand::Classify { class: TicketClass::General },
    );
    let err = ticket.apply(&ctx, &classify).unwrap_err();
    assert!(
        matches!(err, TicketError::FeedbackDueUnpublished { published: 2026, days: 3, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("falls after 2026"), "{err}");
    assert_eq!(ticket, before);
    let estimating = estimating(2027);
    ticket.apply(&TicketContext::new(&estimating), &classify).unwrap();
}

#[test]
fn starting_a_step_whose_deadline_is_unpublished_is_refused_on_the_calendar() {
    let id = |s| StepId::new(s).unwrap();
    let land = Step::new(
        id("land"),
        ItemCode::new("XK-1").unwrap(),
        DepartmentId::new("land").unwrap(),
        TimeLimit::working_days(20),
    );
    let graph = ApprovalGraph::builder("厂房", id("land")).step(land).build().unwrap();
    let start_at = at("2026-12-14T09:00:00+08:00");
    let mut run = GraphRun::new(&graph, start_at);
    let before = run.clone();
    let start = RunEvent::new(
        actor("rev-1", Role::Reviewer),
        start_at,
        RunCommand::StartStep { step: id("land"), case: "JO-7".parse().unwrap() },
    );
    let err = run.apply_on(&graph, &WorkCalendar::china(), &start).unwrap_err();
    assert!(matches!(err, RunError::StepDeadline { .. }), "{err:?}");
    assert!(err.to_string().starts_with("step land cannot start: the statutory deadline"), "{err}");
    assert_eq!(run, before);
    run.apply_on(&graph, &estimating(2027), &start).unwrap();
}

// ---------------------------------------------------------------------------
// What moves when the notice lands.

#[test]
fn when_the_notice_lands_the_moved_deadlines_are_listed_with_their_days() {
    let item = item(20, 20);
    let before = estimating(2027);
    let ctx = CaseContext::new(&item, &before);
    let case = |id: &str, day: &str| {
        let history = [
            CaseEvent::new(
                actor("ent-1", Role::Applicant),
                at(&format!("{day}T09:00:00+08:00")),
                CaseCommand::Receive,
            ),
            CaseEvent::new(
                actor("clerk", Role::WindowClerk),
                at(&format!("{day}T10:00:00+08:00")),
                CaseCommand::Accept,
            ),
        ];
        Case::replay(CaseId::new(id).unwrap(), &ctx, &history).unwrap()
    };
    // Accepted 7 December: due 5 January 2027 (provisional). Accepted
    // 2 November: due 30 November 2026, untouched.
    let late = case("JO-LATE", "2026-12-07");
    let early = case("JO-EARLY", "2026-11-02");
    // A SAMPLE notice: Monday 4 January 2027 off too, and Saturday
    // 9 January 2027 worked.
    let after = before.with_arrangement(&sample_2027(&[d(2027, 1, 4)], &[d(2027, 1, 9)])).unwrap();
    let change = CalendarChange::between(&before, &after);
    let changed: Vec<NaiveDate> = change.days().iter().map(|c| c.date).collect();
    assert_eq!(changed, [d(2027, 1, 4), d(2027, 1, 9)]);

    let now = at("2026-12-20T09:00:00+08:00");
    let subjects: [(&str, &dyn Supervised); 2] = [("JO-LATE", &late), ("JO-EARLY", &early)];
    let moves = moved_deadlines(&change, &before, &after, now, subjects);
    assert!(moves.iter().all(|m| m.subject == "JO-LATE"), "{moves:?}");
    let kinds: Vec<MovedDeadline> = moves.iter().map(|m| m.deadline).collect();
    assert_eq!(kinds, [MovedDeadline::Promised, MovedDeadline::Statutory]);
    let m = &moves[1];
    assert_eq!(m.from, Some(at("2027-01-06T00:00:00+08:00")));
    assert_eq!(m.to, Some(at("2027-01-07T00:00:00+08:00")));
    assert!(m.provisional_before && !m.provisional_after);
    assert_eq!(m.because, [d(2027, 1, 4)]);
    // As data for the host's audit trail.
    let json = serde_json::to_value(m).unwrap();
    assert_eq!(json["because"][0], "2027-01-04");

    // From the refusing calendar, the deadline was not known before.
    let national = WorkCalendar::china();
    let published = national.with_arrangement(&sample_2027(&[d(2027, 1, 4)], &[])).unwrap();
    let change = CalendarChange::between(&national, &published);
    let moves = moved_deadlines(
        &change,
        &national,
        &published,
        now,
        [("JO-LATE", &late as &dyn Supervised)],
    );
    assert_eq!(moves[1].from, None);
    assert_eq!(moves[1].to, Some(at("2027-01-07T00:00:00+08:00")));
}

// ---------------------------------------------------------------------------
// Wire forms.

#[test]
fn golden_arrangement_change_and_moves() {
    let sample = sample_2027(&[d(2027, 1, 4)], &[d(2027, 1, 9)]);
    crate::golden::assert_golden("arrangement.json", &sample);
    let before = WorkCalendar::china().with_arrangement(&sample_2027(&[], &[])).unwrap();
    let after = before.with_correction(&sample).unwrap();
    let change = CalendarChange::between(&before, &after);
    assert_eq!(change.days().len(), 2);
    crate::golden::assert_golden("calendar_change.json", &change);
    let item = item(5, 5);
    let ctx = CaseContext::new(&item, &before);
    let history = [
        CaseEvent::new(
            actor("ent-1", Role::Applicant),
            at("2026-12-28T09:00:00+08:00"),
            CaseCommand::Receive,
        ),
        CaseEvent::new(
            actor("clerk", Role::WindowClerk),
            at("2026-12-28T10:00:00+08:00"),
            CaseCommand::Accept,
        ),
    ];
    let case = Case::replay(CaseId::new("JO-9").unwrap(), &ctx, &history).unwrap();
    let moves = moved_deadlines(
        &change,
        &before,
        &after,
        at("2026-12-29T09:00:00+08:00"),
        [("JO-9", &case as &dyn Supervised)],
    );
    assert_eq!(moves.len(), 2);
    crate::golden::assert_golden("deadline_moves.json", &moves);
}

#[test]
fn the_samples_in_docs_decode_and_apply() {
    let read = |name: &str| {
        std::fs::read_to_string(format!("{}/docs/samples/{name}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    };
    let sample: Arrangement = shenpi::json::from_str(&read("sample_2027.json")).unwrap();
    assert!(sample.source().unwrap().contains("NOT the real 2027 notice"));
    // The sample 2027 is the estimate's days, so it changes no answer.
    let estimating = estimating(2027);
    let published = estimating.with_arrangement(&sample).unwrap();
    assert!(CalendarChange::between(&estimating, &published).days().is_empty());
    let region: Arrangement = shenpi::json::from_str(&read("sample_region_2026.json")).unwrap();
    assert!(region.source().unwrap().starts_with("SAMPLE"));
    let cal = WorkCalendar::china().with_regional(&region).unwrap();
    assert!(!cal.is_working_day(d(2026, 4, 20)).unwrap());
    assert_eq!(cal.working_days_in_year(2026).unwrap(), 246);
}

#[test]
fn invalid_arrangements_are_refused_with_a_clear_message() {
    let cases = [
        ("arrangement_inverted_run.json", "range end 2027-01-01 is before its start 2027-01-03"),
        (
            "arrangement_date_outside_year.json",
            "date 2026-11-30 lies outside the arrangement for 2027 (its year and the December before)",
        ),
        ("arrangement_make_up_weekday.json", "make-up working day 2027-01-04 is a Mon, not a weekend day"),
        (
            "arrangement_off_and_worked.json",
            "date 2027-02-06 is listed both as a holiday and as a make-up working day",
        ),
        (
            "arrangement_notice_after_year.json",
            "notice 国办发明电〔2028〕1号 of 2028-01-05 was issued after the year 2027 it arranges",
        ),
        ("arrangement_unknown_field.json", "unknown field `offs`"),
    ];
    for (file, message) in cases {
        let text = std::fs::read_to_string(format!(
            "{}/tests/data/invalid/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let err = serde_json::from_str::<Arrangement>(&text).unwrap_err();
        assert!(err.to_string().contains(message), "{file}: {err}");
    }
}

// ---------------------------------------------------------------------------
// The provisional mark reaches every reading of a clock.

#[test]
fn provisional_marks_reach_notices_reports_and_prepared_readings() {
    use shenpi::escalation::{EscalationPolicy, SupervisionLog};
    use shenpi::report::{CaseFacts, CaseReport, GroupBy, Placement, ReportSpec};

    let item = item(5, 20);
    let cal = estimating(2027);
    let ctx = CaseContext::new(&item, &cal);
    let history = [
        CaseEvent::new(
            actor("ent-1", Role::Applicant),
            at("2026-12-07T09:00:00+08:00"),
            CaseCommand::Receive,
        ),
        CaseEvent::new(
            actor("clerk", Role::WindowClerk),
            at("2026-12-07T10:00:00+08:00"),
            CaseCommand::Accept,
        ),
    ];
    let case = Case::replay(CaseId::new("JO-P").unwrap(), &ctx, &history).unwrap();
    // Past the promised deadline (14 December), before the statutory one
    // (5 January 2027, estimated): a yellow card, and a provisional one.
    let now = at("2026-12-16T09:00:00+08:00");
    let obs = case.observe(&cal, now).unwrap();
    let notices =
        EscalationPolicy::default().evaluate(&obs, &SupervisionLog::new(), &cal, now).unwrap();
    assert!(!notices.is_empty());
    assert!(notices.iter().all(|n| n.provisional), "{notices:?}");
    // The same notices on a calendar where 2027 is published are firm.
    let published = cal.with_arrangement(&sample_2027(&[], &[])).unwrap();
    let obs = case.observe(&published, now).unwrap();
    let firm = EscalationPolicy::default()
        .evaluate(&obs, &SupervisionLog::new(), &published, now)
        .unwrap();
    assert_eq!(firm.len(), notices.len());
    assert!(firm.iter().all(|n| !n.provisional));

    // A prepared case reads the same, provisional mark included.
    let mut prepared = case.clone();
    prepared.prepare(&cal);
    let fresh = case.reading(&cal, now, &Thresholds::default()).unwrap();
    assert_eq!(prepared.reading(&cal, now, &Thresholds::default()).unwrap(), fresh);
    assert!(fresh.unwrap().provisional);

    // A report row counts its provisional cases.
    let mut concluded = case.clone();
    concluded
        .apply(
            &ctx,
            &CaseEvent::new(
                actor("rev", Role::Reviewer),
                at("2026-12-08T09:00:00+08:00"),
                CaseCommand::StartHandling,
            ),
        )
        .unwrap();
    concluded
        .apply(
            &ctx,
            &CaseEvent::new(
                actor("rev", Role::Reviewer),
                at("2026-12-10T09:00:00+08:00"),
                CaseCommand::Conclude { decision: Decision::Approved },
            ),
        )
        .unwrap();
    let outcome = concluded.outcome(&cal).unwrap().unwrap();
    assert!(outcome.provisional, "its statutory deadline was estimated");
    let mut report = CaseReport::new(ReportSpec::new(GroupBy::Department));
    let facts = CaseFacts::from_outcome(&item, &outcome, &cal).unwrap();
    report.add(&item, &facts, &Placement::new()).unwrap();
    let firm_outcome = concluded.outcome(&published).unwrap().unwrap();
    report
        .add(
            &item,
            &CaseFacts::from_outcome(&item, &firm_outcome, &published).unwrap(),
            &Placement::new(),
        )
        .unwrap();
    let summary = report.summary();
    let total = summary.total.as_ref().unwrap();
    assert_eq!((total.cases, total.provisional_cases), (2, 1));
    // Stored and read back, the count stays.
    let back: CaseReport = serde_json::from_str(&serde_json::to_string(&report).unwrap()).unwrap();
    assert_eq!(back.summary().total.unwrap().provisional_cases, 1);
}

#[test]
fn tickets_and_run_steps_report_their_moved_deadlines() {
    use shenpi::escalation::RunStep;

    let before = estimating(2027);
    // A ticket classified on 30 December: feedback in 3 working days,
    // 5 January 2027 on the estimate.
    let ctx = TicketContext::new(&before);
    let events = [
        TicketEvent::new(
            actor("win-1", Role::WindowClerk),
            at("2026-12-30T09:00:00+08:00"),
            TicketCommand::Receive {
                source: TicketSource::CantGetItDoneWindow,
                subject: "反复跑腿".into(),
                visits: 3,
            },
        ),
        TicketEvent::new(
            actor("win-1", Role::WindowClerk),
            at("2026-12-30T10:00:00+08:00"),
            TicketCommand::Classify { class: TicketClass::General },
        ),
    ];
    let ticket = Ticket::replay(TicketId::new("T-9").unwrap(), &ctx, &events).unwrap();
    // A run step started on 28 December with a 5-working-day limit.
    let id = |s| StepId::new(s).unwrap();
    let land = Step::new(
        id("land"),
        ItemCode::new("XK-1").unwrap(),
        DepartmentId::new("land").unwrap(),
        TimeLimit::working_days(5),
    );
    let graph = ApprovalGraph::builder("厂房", id("land")).step(land).build().unwrap();
    let mut run = GraphRun::new(&graph, at("2026-12-28T09:00:00+08:00"));
    let start = RunEvent::new(
        actor("rev-1", Role::Reviewer),
        at("2026-12-28T09:00:00+08:00"),
        RunCommand::StartStep { step: id("land"), case: "JO-7".parse().unwrap() },
    );
    run.apply_on(&graph, &before, &start).unwrap();
    let land_id = id("land");
    let step = RunStep::new(&graph, &run, &land_id);

    // A SAMPLE notice: Monday 4 January 2027 off too.
    let after = before.with_arrangement(&sample_2027(&[d(2027, 1, 4)], &[])).unwrap();
    let change = CalendarChange::between(&before, &after);
    let now = at("2026-12-31T09:00:00+08:00");
    // A bare clock started the same day, 3 working days.
    let clock = shenpi::limit::LegalClock::start(
        at("2026-12-30T10:00:00+08:00"),
        TimeLimit::working_days(3),
        TimeLimit::working_days(3),
    )
    .unwrap();
    let subjects: [(&str, &dyn Supervised); 3] =
        [("T-9", &ticket), ("land", &step), ("clock", &clock)];
    let moves = moved_deadlines(&change, &before, &after, now, subjects);
    let feedback = moves.iter().find(|m| m.subject == "T-9").expect("the ticket moved");
    assert_eq!(feedback.deadline, MovedDeadline::Feedback);
    assert_eq!(feedback.from, Some(at("2027-01-06T00:00:00+08:00")));
    assert_eq!(feedback.to, Some(at("2027-01-07T00:00:00+08:00")));
    assert!(feedback.provisional_before && !feedback.provisional_after);
    assert_eq!(feedback.because, [d(2027, 1, 4)]);
    let step_moves: Vec<MovedDeadline> =
        moves.iter().filter(|m| m.subject == "land").map(|m| m.deadline).collect();
    assert_eq!(step_moves, [MovedDeadline::Promised, MovedDeadline::Statutory]);
    let clock_move =
        moves.iter().find(|m| m.subject == "clock" && m.deadline == MovedDeadline::Statutory);
    assert_eq!(clock_move.and_then(|m| m.to), Some(at("2027-01-07T00:00:00+08:00")));
}
