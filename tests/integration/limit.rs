//! The legal clock: counting rules of DOMAIN §2 worked by hand, thresholds,
//! and the clock's wire format.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
use shenpi::limit::{
    ClockStatus, Deadline, LegalClock, LimitError, SpecialProcedure, SuspensionKind, Thresholds,
    TimeLimit,
};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn centre() -> WorkCalendar {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    WorkCalendar::china().with_office_hours(
        OfficeHours::new([
            OfficePeriod::new(t(8, 30), t(12, 0)).unwrap(),
            OfficePeriod::new(t(14, 30), t(17, 30)).unwrap(),
        ])
        .unwrap(),
    )
}

const REVIEW: SuspensionKind =
    SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::ExpertReview };

#[test]
fn working_day_limits_end_at_the_close_of_office_hours() {
    let cal = centre();
    let clock = LegalClock::start(
        at("2026-02-13T11:00:00+08:00"),
        TimeLimit::working_days(3),
        TimeLimit::working_days(20),
    )
    .unwrap();
    let promised = clock.due(&cal, Deadline::Promised, clock.started()).unwrap();
    assert_eq!(promised.date, d(2026, 2, 25));
    assert_eq!(promised.at, at("2026-02-25T17:30:00+08:00"));
    let statutory = clock.due(&cal, Deadline::Statutory, clock.started()).unwrap();
    assert_eq!(statutory.date, d(2026, 3, 19));
}

#[test]
fn same_day_limits_end_the_day_of_acceptance() {
    let cal = centre();
    let clock = LegalClock::start(
        at("2026-03-02T10:00:00+08:00"),
        TimeLimit::working_days(0),
        TimeLimit::working_days(0),
    )
    .unwrap();
    let due = clock.due(&cal, Deadline::Promised, clock.started()).unwrap();
    assert_eq!(due.at, at("2026-03-02T17:30:00+08:00"));
    let late =
        clock.reading(&cal, at("2026-03-02T18:00:00+08:00"), &Thresholds::default()).unwrap();
    assert_eq!(late.status, ClockStatus::RedCard);
}

#[test]
fn suspensions_push_the_due_date_by_the_working_days_in_s_to_r() {
    let cal = WorkCalendar::china();
    let mut clock = LegalClock::start(
        at("2026-04-27T09:00:00+08:00"),
        TimeLimit::working_days(10),
        TimeLimit::working_days(20),
    )
    .unwrap();
    let plain = clock.due(&cal, Deadline::Promised, clock.started()).unwrap();
    // Correction from Wednesday 29 April to Friday 8 May, over Labour Day:
    // (29 Apr, 8 May] holds 30 Apr, 6, 7 and 8 May.
    clock.suspend(SuspensionKind::Correction, at("2026-04-29T15:00:00+08:00")).unwrap();
    clock.resume(at("2026-05-08T10:00:00+08:00")).unwrap();
    let now = at("2026-05-08T10:00:00+08:00");
    let pushed = clock.due(&cal, Deadline::Promised, now).unwrap();
    assert_eq!(cal.working_days_between(plain.date, pushed.date).unwrap(), 4);
    // While suspended, the due date moves a working day a day.
    let mut running = LegalClock::start(
        at("2026-04-27T09:00:00+08:00"),
        TimeLimit::working_days(10),
        TimeLimit::working_days(20),
    )
    .unwrap();
    running.suspend(SuspensionKind::Correction, at("2026-04-29T15:00:00+08:00")).unwrap();
    let on_30th = running.due(&cal, Deadline::Promised, at("2026-04-30T12:00:00+08:00")).unwrap();
    assert_eq!(cal.working_days_between(plain.date, on_30th.date).unwrap(), 1);
    let reading =
        running.reading(&cal, at("2026-05-07T12:00:00+08:00"), &Thresholds::default()).unwrap();
    assert!(reading.suspended);
    // Monday 27 April is the start day; 28 and 29 count, then the clock stops.
    assert_eq!(reading.elapsed_working_days, 2);
}

#[test]
fn extensions_add_working_days_to_both_limits() {
    let cal = WorkCalendar::china();
    let mut clock = LegalClock::start(
        at("2026-03-02T09:00:00+08:00"),
        TimeLimit::working_days(20),
        TimeLimit::working_days(20),
    )
    .unwrap();
    clock.extend(10, at("2026-03-25T09:00:00+08:00")).unwrap();
    let now = at("2026-03-25T09:00:00+08:00");
    assert_eq!(clock.due(&cal, Deadline::Statutory, now).unwrap().date, d(2026, 4, 14));
    assert_eq!(clock.due(&cal, Deadline::Promised, now).unwrap().date, d(2026, 4, 14));
    // Read before the extension was granted, the clock does not know it.
    let before = at("2026-03-24T09:00:00+08:00");
    assert_eq!(clock.due(&cal, Deadline::Statutory, before).unwrap().date, d(2026, 3, 30));
    assert_eq!(clock.extend(0, now), Err(LimitError::EmptyExtension));
}

#[test]
fn natural_day_limits_roll_off_holidays() {
    let cal = WorkCalendar::china();
    let clock = LegalClock::start(
        at("2026-09-20T09:00:00+08:00"),
        TimeLimit::natural_days(14),
        TimeLimit::natural_days(30),
    )
    .unwrap();
    // 14 natural days after 20 September is 4 October, a holiday: 8 October.
    assert_eq!(clock.due(&cal, Deadline::Promised, clock.started()).unwrap().date, d(2026, 10, 8));
    // 30 natural days is 20 October, a Tuesday.
    assert_eq!(
        clock.due(&cal, Deadline::Statutory, clock.started()).unwrap().date,
        d(2026, 10, 20)
    );
}

// Civil Code arts. 202 and 203 on the legal clock: a limit in months ends
// on the corresponding day (or the month's last day), rolled off a day that
// is not a working day; suspensions push it on by their natural days, and
// extensions add working days.
#[test]
fn civil_code_art202_month_limits_on_the_clock() {
    let cal = WorkCalendar::china();
    let mut clock = LegalClock::start(
        at("2026-01-31T10:00:00+08:00"),
        TimeLimit::months(1),
        TimeLimit::months(3),
    )
    .unwrap();
    let due = |clock: &LegalClock, which, now| clock.due(&cal, which, at(now)).unwrap();
    // A month from 31 January: 28 February, a make-up Saturday.
    let promised = due(&clock, Deadline::Promised, "2026-01-31T10:00:00+08:00");
    assert_eq!(promised.date, d(2026, 2, 28));
    assert_eq!(promised.at, at("2026-03-01T00:00:00+08:00"));
    // Three months: 30 April, a Thursday.
    assert_eq!(due(&clock, Deadline::Statutory, "2026-01-31T10:00:00+08:00").date, d(2026, 4, 30));
    clock.check_deadlines(&cal).unwrap();

    // A correction from 10 to 12 February covers (10, 12]: two natural days.
    clock.suspend(SuspensionKind::Correction, at("2026-02-10T09:00:00+08:00")).unwrap();
    clock.resume(at("2026-02-12T17:00:00+08:00")).unwrap();
    let now = "2026-02-13T09:00:00+08:00";
    assert_eq!(due(&clock, Deadline::Promised, now).date, d(2026, 3, 2));
    // 2 May is in the Labour Day holiday: Wednesday 6 May.
    assert_eq!(due(&clock, Deadline::Statutory, now).date, d(2026, 5, 6));

    // An extension adds working days after the roll.
    clock.extend(5, at(now)).unwrap();
    assert_eq!(due(&clock, Deadline::Promised, now).date, d(2026, 3, 9));
    assert_eq!(due(&clock, Deadline::Statutory, now).date, d(2026, 5, 12)); // over the make-up 9 May

    // A suspension begun after the promised deadline does not move it.
    clock.suspend(REVIEW, at("2026-03-10T09:00:00+08:00")).unwrap();
    clock.resume(at("2026-03-20T09:00:00+08:00")).unwrap();
    let late = "2026-03-23T09:00:00+08:00";
    assert_eq!(due(&clock, Deadline::Promised, late).date, d(2026, 3, 9));
    // It moves the statutory one by its ten natural days: 12 May, then the
    // five working days of the extension.
    assert_eq!(due(&clock, Deadline::Statutory, late).date, d(2026, 5, 19));
    let th = Thresholds::default();
    let r = clock.reading(&cal, at(late), &th).unwrap();
    assert_eq!(r.status, ClockStatus::YellowCard);
    // Prepared, the same answers; and the JSON names the unit.
    let mut prepared = clock.clone();
    prepared.prepare(&cal);
    assert_eq!(prepared.reading(&cal, at(late), &th).unwrap(), r);
    let json = serde_json::to_string(&clock).unwrap();
    assert!(json.contains(r#""promised":{"amount":1,"unit":"months"}"#), "{json}");
    assert_eq!(serde_json::from_str::<LegalClock>(&json).unwrap(), clock);
}

#[test]
fn month_limits_past_the_published_years_are_refused_at_the_start() {
    let cal = WorkCalendar::china();
    let clock = LegalClock::start(
        at("2026-11-15T10:00:00+08:00"),
        TimeLimit::months(1),
        TimeLimit::months(2),
    )
    .unwrap();
    let err = clock.check_deadlines(&cal).unwrap_err();
    assert!(
        matches!(
            err,
            LimitError::DeadlineUnpublished { deadline: Deadline::Statutory, published: 2026, .. }
        ),
        "{err:?}"
    );
    assert_eq!(
        clock.due(&cal, Deadline::Statutory, clock.started()).unwrap_err().to_string(),
        "counting 2 months after 2026-11-15 leaves the covered years 2004..=2026"
    );
    // The promised month ends on 15 December, inside 2026.
    assert_eq!(clock.due(&cal, Deadline::Promised, clock.started()).unwrap().date, d(2026, 12, 15));
    // Units must agree, as for every limit.
    assert!(matches!(
        LegalClock::start(clock.started(), TimeLimit::natural_days(30), TimeLimit::months(1)),
        Err(LimitError::UnitMismatch { .. })
    ));
}

#[test]
fn working_hour_limits_count_office_time() {
    let cal = centre();
    let mut clock = LegalClock::start(
        at("2026-03-06T16:00:00+08:00"),
        TimeLimit::working_hours(4),
        TimeLimit::working_hours(8),
    )
    .unwrap();
    // 1.5 hours on Friday, 2.5 on Monday morning.
    let due = clock.due(&cal, Deadline::Promised, clock.started()).unwrap();
    assert_eq!(due.at, at("2026-03-09T11:00:00+08:00"));
    // A one-hour test on Monday morning pushes it one working hour.
    let testing = SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::Testing };
    clock.suspend(testing, at("2026-03-09T09:00:00+08:00")).unwrap();
    clock.resume(at("2026-03-09T10:00:00+08:00")).unwrap();
    let due = clock.due(&cal, Deadline::Promised, at("2026-03-09T10:00:00+08:00")).unwrap();
    assert_eq!(due.at, at("2026-03-09T12:00:00+08:00"));
}

#[test]
fn status_follows_the_thresholds() {
    let cal = WorkCalendar::china();
    let clock = LegalClock::start(
        at("2026-03-02T00:00:00+08:00"),
        TimeLimit::working_days(10),
        TimeLimit::working_days(20),
    )
    .unwrap();
    // Whole-day hours: the budget is 11 working days of 24 hours (the start
    // day and the 10 after it).
    let status = |now: &str, t: &Thresholds| clock.reading(&cal, at(now), t).unwrap().status;
    let default = Thresholds::default();
    assert_eq!(status("2026-03-03T00:00:00+08:00", &default), ClockStatus::OnTrack);
    assert_eq!(status("2026-03-09T12:00:00+08:00", &default), ClockStatus::YellowWarning);
    assert_eq!(status("2026-03-13T12:00:00+08:00", &default), ClockStatus::YellowWarning);
    // 90% of 264 hours is 237.6: Friday 13 March after 21:36.
    assert_eq!(status("2026-03-13T22:00:00+08:00", &default), ClockStatus::RedWarning);
    assert_eq!(status("2026-03-17T00:00:01+08:00", &default), ClockStatus::YellowCard);
    assert_eq!(status("2026-03-31T00:00:01+08:00", &default), ClockStatus::RedCard);
    // With warnings switched off, the prompt shows the day before.
    let prompts_only = Thresholds::new(1, 100, 100).unwrap();
    assert_eq!(status("2026-03-12T12:00:00+08:00", &prompts_only), ClockStatus::OnTrack);
    assert_eq!(status("2026-03-13T12:00:00+08:00", &prompts_only), ClockStatus::Prompt);
    assert_eq!(status("2026-03-15T12:00:00+08:00", &prompts_only), ClockStatus::Prompt);
    let reading = clock.reading(&cal, at("2026-03-16T12:00:00+08:00"), &default).unwrap();
    assert_eq!(reading.remaining_promised_days, 0);
    assert_eq!(reading.remaining_statutory_days, 10);
}

#[test]
fn a_stopped_clock_reads_as_of_its_stop() {
    let cal = WorkCalendar::china();
    let mut clock = LegalClock::start(
        at("2026-03-02T09:00:00+08:00"),
        TimeLimit::working_days(3),
        TimeLimit::working_days(20),
    )
    .unwrap();
    clock.suspend(REVIEW, at("2026-03-03T09:00:00+08:00")).unwrap();
    clock.stop(at("2026-03-04T09:00:00+08:00")).unwrap();
    assert_eq!(clock.suspensions()[0].end, Some(at("2026-03-04T09:00:00+08:00")));
    let later =
        clock.reading(&cal, at("2026-06-01T09:00:00+08:00"), &Thresholds::default()).unwrap();
    assert!(later.stopped);
    assert_eq!(later.at, at("2026-03-04T09:00:00+08:00"));
    assert_ne!(later.status, ClockStatus::RedCard);
    assert!(matches!(
        clock.resume(at("2026-06-01T09:00:00+08:00")),
        Err(LimitError::Stopped { .. })
    ));
}

#[test]
fn bad_clocks_are_refused() {
    let start = at("2026-03-02T09:00:00+08:00");
    let err = LegalClock::start(start, TimeLimit::working_days(5), TimeLimit::natural_days(20))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "promised limit counts working days but statutory limit counts natural days"
    );
    let mut clock =
        LegalClock::start(start, TimeLimit::working_days(5), TimeLimit::working_days(20)).unwrap();
    clock.suspend(REVIEW, at("2026-03-03T09:00:00+08:00")).unwrap();
    let before = clock.clone();
    let err =
        clock.suspend(SuspensionKind::Correction, at("2026-03-04T09:00:00+08:00")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the clock is already suspended for expert review since 2026-03-03 09:00:00 +08:00"
    );
    let err = clock.resume(at("2026-03-02T10:00:00+08:00")).unwrap_err();
    assert!(matches!(err, LimitError::TimeWentBackwards { .. }), "{err}");
    assert_eq!(clock, before);
    assert!(Thresholds::new(1, 95, 90).is_err());
    assert!(Thresholds::new(1, 50, 101).is_err());
}

#[test]
fn golden_json_clock() {
    let mut clock = LegalClock::start(
        at("2026-03-02T09:30:00+08:00"),
        TimeLimit::working_days(5),
        TimeLimit::working_days(20),
    )
    .unwrap();
    clock.suspend(REVIEW, at("2026-03-03T09:00:00+08:00")).unwrap();
    clock.resume(at("2026-03-06T17:00:00+08:00")).unwrap();
    clock.extend(10, at("2026-03-09T09:00:00+08:00")).unwrap();
    let path = format!("{}/tests/data/golden/legal_clock.json", env!("CARGO_MANIFEST_DIR"));
    let fixture = std::fs::read_to_string(path).unwrap();
    assert_eq!(serde_json::to_string_pretty(&clock).unwrap(), fixture.trim_end());
    assert_eq!(serde_json::from_str::<LegalClock>(&fixture).unwrap(), clock);
    // A reading of the same clock, during the extension: what a portal shows.
    let reading = clock
        .reading(&WorkCalendar::china(), at("2026-03-20T10:00:00+08:00"), &Thresholds::default())
        .unwrap();
    crate::golden::assert_golden("clock_reading.json", &reading);
    let thresholds: Thresholds = serde_json::from_str(r#"{"yellow_warning_percent": 60}"#).unwrap();
    assert_eq!(thresholds, Thresholds::new(1, 60, 90).unwrap());
}

#[test]
fn invalid_clock_json_is_refused() {
    let base = r#""started":"2026-03-02T09:30:00+08:00","promised":{"amount":5,"unit":"working_days"},"statutory":{"amount":20,"unit":"working_days"}"#;
    let cases = [
        (
            r#""promised":{"amount":25,"unit":"working_days"},"statutory":{"amount":20,"unit":"working_days"},"started":"2026-03-02T09:30:00+08:00""#.to_string(),
            "promised limit 25 exceeds statutory limit 20",
        ),
        (
            format!(r#"{base},"suspensions":[{{"kind":{{"kind":"correction"}},"start":"2026-03-01T09:00:00+08:00","end":null}}]"#),
            "is before the clock's last recorded instant",
        ),
        (
            format!(
                r#"{base},"suspensions":[{{"kind":{{"kind":"correction"}},"start":"2026-03-03T09:00:00+08:00"}},{{"kind":{{"kind":"correction"}},"start":"2026-03-04T09:00:00+08:00"}}]"#
            ),
            "already suspended",
        ),
        (format!(r#"{base},"extensions":[{{"at":"2026-03-03T09:00:00+08:00","working_days":0}}]"#), "at least one working day"),
        (format!(r#"{base},"stoped":null"#), "unknown field `stoped`"),
        (r#"{"yellow_warning_percent":95,"red_warning_percent":90}"#.to_string(), "warning thresholds"),
    ];
    for (json, message) in cases {
        let text = if json.starts_with('{') { json.clone() } else { format!("{{{json}}}") };
        let err = if text.contains("yellow_warning_percent") {
            serde_json::from_str::<Thresholds>(&text).map(|_| ()).unwrap_err()
        } else {
            serde_json::from_str::<LegalClock>(&text).map(|_| ()).unwrap_err()
        };
        assert!(err.to_string().contains(message), "{text}: {err}");
    }
}

/// A clock prepared on a calendar and then given new records without being
/// prepared again reads exactly as a clock never prepared: the memo is used
/// only while nothing has been recorded since it was made.
#[test]
fn records_after_preparing_are_never_missed() {
    let cal = centre();
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
    let mut fresh = LegalClock::start(
        at("2026-03-02T09:00:00+08:00"),
        TimeLimit::working_days(5),
        TimeLimit::working_days(20),
    )
    .unwrap();
    let mut prepared = fresh.clone();
    prepared.prepare(&cal);
    let th = Thresholds::default();
    let nows = [
        "2026-03-03T10:00:00+08:00",
        "2026-03-09T16:00:00+08:00",
        "2026-03-20T10:00:00+08:00",
        "2026-04-20T10:00:00+08:00",
    ];
    let same = |a: &LegalClock, b: &LegalClock, step: &str| {
        for now in nows {
            assert_eq!(
                a.reading(&cal, at(now), &th).unwrap(),
                b.reading(&cal, at(now), &th).unwrap(),
                "{step}, read at {now}"
            );
        }
    };
    same(&fresh, &prepared, "prepared");
    for clock in [&mut fresh, &mut prepared] {
        clock.extend(3, at("2026-03-04T09:00:00+08:00")).unwrap();
    }
    same(&fresh, &prepared, "extended after preparing");
    prepared.prepare(&cal);
    same(&fresh, &prepared, "extended and prepared");
    for clock in [&mut fresh, &mut prepared] {
        clock.suspend(REVIEW, at("2026-03-05T09:00:00+08:00")).unwrap();
    }
    same(&fresh, &prepared, "suspended after preparing");
    prepared.prepare(&cal);
    same(&fresh, &prepared, "suspended and prepared");
    for clock in [&mut fresh, &mut prepared] {
        clock.resume(at("2026-03-10T09:00:00+08:00")).unwrap();
    }
    same(&fresh, &prepared, "resumed after preparing");
    prepared.prepare(&cal);
    same(&fresh, &prepared, "resumed and prepared");
    // Another calendar (the same days, no office hours) is never confused with it.
    let other = WorkCalendar::china();
    for now in nows {
        assert_eq!(
            fresh.reading(&other, at(now), &th).unwrap(),
            prepared.reading(&other, at(now), &th).unwrap(),
            "on another calendar, read at {now}"
        );
    }
}

// 行政许可法 art. 45 (special procedures do not count) read with the
// counting rule: a working-day deadline is the n-th working day after
// acceptance that lies in no suspension's days (S, R]. A suspension moves
// it only when it begins before the deadline.

/// Accepted Monday 2 March 2026, 5 working days: due Monday 9 March.
fn five_days() -> LegalClock {
    LegalClock::start(
        at("2026-03-02T09:00:00+08:00"),
        TimeLimit::working_days(5),
        TimeLimit::working_days(5),
    )
    .unwrap()
}

#[test]
fn art45_a_suspension_on_the_last_day_does_not_move_the_deadline() {
    let cal = WorkCalendar::china();
    let mut clock = five_days();
    clock.suspend(REVIEW, at("2026-03-09T10:00:00+08:00")).unwrap();
    clock.resume(at("2026-03-12T10:00:00+08:00")).unwrap();
    let now = at("2026-03-13T09:00:00+08:00");
    assert_eq!(clock.due(&cal, Deadline::Promised, now).unwrap().date, d(2026, 3, 9));
    let r = clock.reading(&cal, now, &Thresholds::default()).unwrap();
    assert_eq!(r.status, ClockStatus::RedCard);
}

#[test]
fn art45_a_suspension_the_evening_before_covers_the_last_day() {
    let cal = WorkCalendar::china();
    let mut clock = five_days();
    // Recorded on Friday evening: (6, 12] March holds 9, 10, 11, 12 March.
    clock.suspend(REVIEW, at("2026-03-06T18:00:00+08:00")).unwrap();
    clock.resume(at("2026-03-12T10:00:00+08:00")).unwrap();
    let now = at("2026-03-13T09:00:00+08:00");
    assert_eq!(clock.due(&cal, Deadline::Promised, now).unwrap().date, d(2026, 3, 13));
    let r = clock.reading(&cal, now, &Thresholds::default()).unwrap();
    assert!(r.status < ClockStatus::YellowCard, "{:?}", r.status);
}

#[test]
fn art45_a_suspension_after_the_deadline_leaves_a_late_case_late() {
    let cal = WorkCalendar::china();
    let mut clock = five_days();
    clock.suspend(REVIEW, at("2026-03-11T09:00:00+08:00")).unwrap();
    clock.resume(at("2026-03-20T09:00:00+08:00")).unwrap();
    for now in
        ["2026-03-11T10:00:00+08:00", "2026-03-16T09:00:00+08:00", "2026-03-23T09:00:00+08:00"]
    {
        let r = clock.reading(&cal, at(now), &Thresholds::default()).unwrap();
        assert_eq!(r.promised_due.date, d(2026, 3, 9), "{now}");
        assert_eq!(r.status, ClockStatus::RedCard, "{now}");
    }
    // An earlier suspension still moves it, and a later one, begun before
    // the moved deadline, moves it again.
    let mut clock = five_days();
    clock.suspend(REVIEW, at("2026-03-03T09:00:00+08:00")).unwrap();
    clock.resume(at("2026-03-04T09:00:00+08:00")).unwrap(); // (3, 4]: one day, due 10 March
    clock.suspend(REVIEW, at("2026-03-09T09:00:00+08:00")).unwrap();
    clock.resume(at("2026-03-11T09:00:00+08:00")).unwrap(); // (9, 11]: two days, due 12 March
    clock.suspend(REVIEW, at("2026-03-13T09:00:00+08:00")).unwrap(); // after 12 March: none
    clock.resume(at("2026-03-17T09:00:00+08:00")).unwrap();
    let due = clock.due(&cal, Deadline::Promised, at("2026-03-18T09:00:00+08:00")).unwrap();
    assert_eq!(due.date, d(2026, 3, 12));
    // Prepared, the same.
    let mut prepared = clock.clone();
    prepared.prepare(&cal);
    let now = at("2026-03-18T09:00:00+08:00");
    assert_eq!(
        prepared.reading(&cal, now, &Thresholds::default()).unwrap(),
        clock.reading(&cal, now, &Thresholds::default()).unwrap()
    );
}
