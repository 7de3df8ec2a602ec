//! `case/*`: the case (办件) as an event-sourced machine with its legal
//! clock, over a fixed batch of [`CASES`] realistic histories, shenpi beside
//! a naive baseline that recomputes from the full history each time:
//!
//! - `case/replay/{shenpi,naive}`: rebuild every case from its stored
//!   history. `shenpi` is [`Case::replay`], one incremental
//!   [`Case::apply`] per event; `naive` is a host that keeps no snapshot and,
//!   to take each event, replays the whole history up to it from scratch
//!   (quadratic in the history's length). Throughput: events.
//! - `case/apply/{shenpi,naive}`: take one more event. Each case is cut at a
//!   pseudo-random point; `shenpi` applies the event at the cut to the case
//!   built from the events before it (a fresh clone per case, made by
//!   `iter_batched` outside the timing); `naive` replays the events before
//!   the cut from scratch and then applies it. Throughput: events (one per
//!   case).
//! - `case/status/{shenpi,naive}`: read the clock of an accepted, still open
//!   case at some later instant. `shenpi` is [`Case::reading`]; `naive` walks
//!   the history for the acceptance, suspensions and extensions, then counts
//!   working days and office seconds day by day over `HashSet`s of the
//!   calendar's holidays and make-up days, to give the same deadlines, time
//!   used and left, and status. Throughput: cases.
//!
//! The histories come from a tiny xorshift generator with a fixed seed, so
//! every run times the same cases: receipts from 2010 to 2025 on the
//! national calendar ([`WorkCalendar::china`]) with office hours of
//! 08:30–12:00 and 14:30–17:30, for five items of 3 to 20 promised working
//! days; at the window or online; sometimes a correction round before
//! acceptance (now and then a notice too late, so the case counts as
//! accepted on receipt); start of handling; up to two suspensions (a
//! correction or an allowed special procedure) and sometimes an extension;
//! a decision, on time or late; delivery. One instant in five is stored in
//! UTC rather than in China Standard Time, and none falls exactly on
//! midnight. Histories have 5 to 12 events.
//!
//! Everything is checked before timing: every history replays to its
//! delivered decision, the naive calendar classifies every covered day like
//! shenpi, both implementations agree on every input (the whole case for
//! replay and apply, every field of the reading for status, which also must
//! take every [`ClockStatus`] somewhere in the batch). Inside the timed loop
//! each result is asserted against the precomputed answer.

use crate::support::{calendar, china_offset, extension_runs, hms, items, ymd, Rng, OFFICE};
use std::collections::HashSet;
use std::hint::black_box;

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone,
    Timelike,
};
use criterion::{BatchSize, BenchmarkGroup, Criterion, Throughput};
use shenpi::calendar::WorkCalendar;
use shenpi::case::{
    Case, CaseCommand, CaseContext, CaseEvent, CaseId, CaseState, CaseStateKind, Decision,
    CORRECTION_NOTICE_DAYS,
};
use shenpi::catalog::ApprovalItem;
use shenpi::limit::{
    ClockReading, ClockStatus, LimitUnit, SpecialProcedure, SuspensionKind, Thresholds, TimeLimit,
};
use shenpi::machine::{Actor, ActorId, Role};

/// Cases per batch; one timed iteration runs the whole batch.
const CASES: usize = 1000;
/// The generator's fixed seed.
const SEED: u64 = 0x5348_454e_5049_ca5e;
/// Calendar days after a status case's last event that its `now` is drawn
/// from (uniform to the minute).
const STATUS_SPAN_DAYS: i64 = 14;

fn utc_offset() -> FixedOffset {
    FixedOffset::east_opt(0).expect("UTC is a valid offset")
}

/// One generated history, with what it must replay to.
struct Story {
    id: CaseId,
    /// Index into the items (and contexts).
    item: usize,
    events: Vec<CaseEvent>,
    /// Index of the event that starts the clock (an acceptance, or a late
    /// correction notice).
    clock_start: usize,
    /// Index of the decision.
    conclude: usize,
    decision: Decision,
}

/// Builds one history event by event, each instant no earlier than the
/// last.
struct StoryWriter<'a> {
    rng: &'a mut Rng,
    cal: &'a WorkCalendar,
    events: Vec<CaseEvent>,
    last: NaiveDateTime,
}

impl StoryWriter<'_> {
    /// A uniform instant within office hours on `date`.
    fn office_time(&mut self, date: NaiveDate) -> NaiveDateTime {
        let (morning, afternoon) = (OFFICE[0], OFFICE[1]);
        let morning_len = morning.1 - morning.0;
        let offset = self.rng.below(morning_len + afternoon.1 - afternoon.0);
        let seconds = if offset < morning_len {
            morning.0 + offset
        } else {
            afternoon.0 + offset - morning_len
        };
        date.and_time(hms(seconds))
    }

    /// An office instant `working_days` working days after the last event
    /// (the same day when zero and that day is a working day), pushed just
    /// after the last event if it would come before it.
    fn after(&mut self, working_days: u32) -> NaiveDateTime {
        let from = self.last.date();
        let working = self.cal.is_working_day(from).expect("generated dates are covered");
        let date = if working_days == 0 && working {
            from
        } else {
            self.cal
                .add_working_days(from, working_days.max(1))
                .expect("generated dates are covered")
        };
        let at = self.office_time(date);
        if at > self.last {
            at
        } else {
            self.last + TimeDelta::seconds(i64::from(self.rng.range(60, 1800)))
        }
    }

    /// Records `command` by `role` at the civil instant `at` (a minute later
    /// if that is exactly midnight, see [`off_midnight`]), stored in China
    /// Standard Time or, one time in five, in UTC.
    fn push(&mut self, role: Role, at: NaiveDateTime, command: CaseCommand) {
        let at = if at.time() == NaiveTime::MIN { at + TimeDelta::minutes(1) } else { at };
        let id = match role {
            Role::Applicant => format!("91350783MA{:08}", self.rng.below(100_000_000)),
            Role::Agent => format!("agent-{}", self.rng.below(40)),
            Role::WindowClerk => format!("clerk-{}", self.rng.below(12)),
            Role::Reviewer => format!("reviewer-{}", self.rng.below(20)),
            Role::DepartmentHead => format!("head-{}", self.rng.below(5)),
            Role::SpecialTeam | Role::Supervisor | Role::GovernmentHead => {
                format!("staff-{}", self.rng.below(5))
            }
        };
        let actor = Actor::new(ActorId::new(&id).expect("a valid actor id"), role);
        let local = china_offset().from_local_datetime(&at).single().expect("UTC+8 is unambiguous");
        let stored = if self.rng.chance(20) { local.with_timezone(&utc_offset()) } else { local };
        self.events.push(CaseEvent::new(actor, stored, command));
        self.last = at;
    }

    fn push_after(&mut self, role: Role, working_days: u32, command: CaseCommand) {
        let at = self.after(working_days);
        self.push(role, at, command);
    }
}

/// The [`CASES`] histories.
fn stories(cal: &WorkCalendar, items: &[ApprovalItem]) -> Vec<Story> {
    let mut rng = Rng(SEED);
    let (first, last) = (ymd(2010, 1, 1), ymd(2025, 10, 31));
    let receipt_days = u32::try_from((last - first).num_days() + 1).expect("a few thousand days");
    (0..CASES)
        .map(|n| {
            let item_index = rng.below(items.len() as u32) as usize;
            let item = &items[item_index];
            let date = first + chrono::Days::new(u64::from(rng.below(receipt_days)));
            let mut w = StoryWriter { rng: &mut rng, cal, events: Vec::new(), last: date.into() };

            // Receipt: at the window in office hours, or online at any time.
            let working = cal.is_working_day(date).expect("generated dates are covered");
            if working && w.rng.chance(85) {
                let at = w.office_time(date);
                let role = if w.rng.chance(70) { Role::WindowClerk } else { Role::Agent };
                w.push(role, at, CaseCommand::Receive);
            } else {
                let at = date.and_time(hms(w.rng.below(86_400)));
                w.push(Role::Applicant, at, CaseCommand::Receive);
            }

            // Acceptance, perhaps after a correction round; a notice later
            // than the window makes the case count as accepted on receipt.
            if w.rng.chance(30) {
                let late = w.rng.chance(15);
                let days = if late {
                    w.rng.range(CORRECTION_NOTICE_DAYS + 1, CORRECTION_NOTICE_DAYS + 3)
                } else {
                    w.rng.below(CORRECTION_NOTICE_DAYS + 1)
                };
                let missing = ["营业执照副本", "场地平面图", "法定代表人身份证明"];
                let count = w.rng.range(1, 3) as usize;
                let missing = missing[..count].iter().map(|m| (*m).to_owned()).collect();
                w.push_after(Role::WindowClerk, days, CaseCommand::RequestCorrection { missing });
                if !late {
                    let days = w.rng.range(1, 10);
                    w.push_after(Role::Applicant, days, CaseCommand::SubmitCorrection);
                    let days = w.rng.below(3);
                    w.push_after(Role::WindowClerk, days, CaseCommand::Accept);
                }
            } else {
                let days = w.rng.below(3);
                w.push_after(Role::WindowClerk, days, CaseCommand::Accept);
            }
            // The acceptance, or the late notice.
            let clock_start = w.events.len() - 1;
            let days = w.rng.below(3);
            w.push_after(Role::Reviewer, days, CaseCommand::StartHandling);

            // Up to two suspensions, perhaps an extension, in either order.
            let suspensions = match w.rng.below(100) {
                0..=54 => 0,
                55..=89 => 1,
                _ => 2,
            };
            let extension = w.rng.chance(20).then(|| w.rng.range(1, 10));
            let extend_after = w.rng.below(suspensions + 1);
            let procedures: Vec<SpecialProcedure> =
                item.special_procedures().iter().copied().collect();
            for i in 0..=suspensions {
                if let Some(working_days) = extension.filter(|_| i == extend_after) {
                    let days = w.rng.range(1, 8);
                    let reason = "现场条件复杂，需延长审查期限".to_owned();
                    let at = w.after(days);
                    let instant = china_offset()
                        .from_local_datetime(&at)
                        .single()
                        .expect("UTC+8 is unambiguous");
                    if extension_runs(cal, item, &w.events, instant) {
                        w.push(
                            Role::DepartmentHead,
                            at,
                            CaseCommand::Extend { working_days, reason },
                        );
                    }
                }
                if i < suspensions {
                    let reason = if !procedures.is_empty() && w.rng.chance(60) {
                        let procedure = procedures[w.rng.below(procedures.len() as u32) as usize];
                        SuspensionKind::SpecialProcedure { procedure }
                    } else {
                        SuspensionKind::Correction
                    };
                    let days = w.rng.range(1, 6);
                    w.push_after(Role::Reviewer, days, CaseCommand::Suspend { reason });
                    let days = w.rng.range(1, 15);
                    w.push_after(Role::Reviewer, days, CaseCommand::Resume);
                }
            }

            // The decision, on time or late, and its delivery.
            let decision = match w.rng.below(100) {
                0..=79 => Decision::Approved,
                80..=87 => Decision::ApprovedWithDeficiency,
                _ => Decision::Denied,
            };
            let budget = item.promised().amount() + extension.unwrap_or(0);
            let days = w.rng.range(1, budget + 6);
            let role = if w.rng.chance(85) { Role::Reviewer } else { Role::DepartmentHead };
            w.push_after(role, days, CaseCommand::Conclude { decision });
            let conclude = w.events.len() - 1;
            let days = w.rng.below(4);
            w.push_after(Role::WindowClerk, days, CaseCommand::Deliver);

            Story {
                id: CaseId::new(&format!("JO-{}-{n:06}", date.year())).expect("a valid case id"),
                item: item_index,
                events: w.events,
                clock_start,
                conclude,
                decision,
            }
        })
        .collect()
}

/// The naive calendar: a day-by-day walk over two hash sets and the weekday,
/// with the same office hours and UTC offset.
struct NaiveCalendar {
    holidays: HashSet<NaiveDate>,
    make_up_days: HashSet<NaiveDate>,
    /// Indexed by `Weekday::num_days_from_monday`.
    weekend: [bool; 7],
    offset: FixedOffset,
}

impl NaiveCalendar {
    fn new(cal: &WorkCalendar) -> NaiveCalendar {
        let mut weekend = [false; 7];
        for day in cal.weekend() {
            weekend[day.num_days_from_monday() as usize] = true;
        }
        let periods: Vec<(u32, u32)> = cal
            .office_hours()
            .periods()
            .iter()
            .map(|p| (p.start().num_seconds_from_midnight(), p.end().num_seconds_from_midnight()))
            .collect();
        assert_eq!(periods, OFFICE, "the calendar keeps the benchmark's office hours");
        NaiveCalendar {
            holidays: cal.holidays().collect(),
            make_up_days: cal.make_up_days().collect(),
            weekend,
            offset: cal.utc_offset(),
        }
    }

    fn is_working_day(&self, date: NaiveDate) -> bool {
        self.make_up_days.contains(&date)
            || !(self.weekend[date.weekday().num_days_from_monday() as usize]
                || self.holidays.contains(&date))
    }

    fn civil(&self, at: DateTime<FixedOffset>) -> NaiveDateTime {
        at.with_timezone(&self.offset).naive_local()
    }

    fn day(&self, at: DateTime<FixedOffset>) -> NaiveDate {
        self.civil(at).date()
    }

    /// Working days in `(a, b]`.
    fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> u32 {
        let mut count = 0;
        let mut date = a;
        while date < b {
            date = date.succ_opt().expect("benchmark dates are far from NaiveDate::MAX");
            if self.is_working_day(date) {
                count += 1;
            }
        }
        count
    }

    /// The `n`-th working day after `date` (`date` itself for zero).
    fn add_working_days(&self, mut date: NaiveDate, n: u32) -> NaiveDate {
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().expect("benchmark dates are far from NaiveDate::MAX");
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// The close of office hours on `date`.
    fn office_close(&self, date: NaiveDate) -> DateTime<FixedOffset> {
        let close = OFFICE[OFFICE.len() - 1].1;
        self.offset
            .from_local_datetime(&date.and_time(hms(close)))
            .single()
            .expect("a fixed offset is unambiguous")
    }

    /// Office seconds of working days between two instants, day by day.
    fn working_seconds_between(&self, a: DateTime<FixedOffset>, b: DateTime<FixedOffset>) -> u64 {
        let (a, b) = (self.civil(a), self.civil(b));
        let mut total = 0;
        let mut date = a.date();
        loop {
            if self.is_working_day(date) {
                let from = if date == a.date() { a.time().num_seconds_from_midnight() } else { 0 };
                let to =
                    if date == b.date() { b.time().num_seconds_from_midnight() } else { 86_400 };
                for (start, end) in OFFICE {
                    let (lo, hi) = (from.max(start), to.min(end));
                    if lo < hi {
                        total += u64::from(hi - lo);
                    }
                }
            }
            if date >= b.date() {
                return total;
            }
            date = date.succ_opt().expect("benchmark dates are far from NaiveDate::MAX");
        }
    }
}

/// The fields of a clock reading that answer "where does this case stand"
/// (`ClockReading` and `Due` cannot be built outside shenpi).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Status {
    promised_due: (NaiveDate, DateTime<FixedOffset>),
    statutory_due: (NaiveDate, DateTime<FixedOffset>),
    elapsed_working_days: u32,
    elapsed_fraction: f64,
    remaining_promised_days: i64,
    remaining_statutory_days: i64,
    used_share: f64,
    suspended: bool,
    stopped: bool,
    status: ClockStatus,
}

impl From<&ClockReading> for Status {
    fn from(r: &ClockReading) -> Status {
        Status {
            promised_due: (r.promised_due.date, r.promised_due.at),
            statutory_due: (r.statutory_due.date, r.statutory_due.at),
            elapsed_working_days: r.elapsed_working_days,
            elapsed_fraction: r.elapsed_fraction,
            remaining_promised_days: r.remaining_promised_days,
            remaining_statutory_days: r.remaining_statutory_days,
            used_share: r.used_share,
            suspended: r.suspended,
            stopped: r.stopped,
            status: r.status,
        }
    }
}

/// The naive status: walk the whole history for the acceptance, the
/// suspensions, the extensions and the stop, then count day by day. Same
/// rules as shenpi's clock (DOMAIN §2, §4): `now` held between acceptance
/// and stop; the acceptance day not counted; a suspension from day S to day
/// R pushes the deadlines by the working days in (S, R]; extensions add
/// working days to both limits; a limit ends at the close of office hours.
/// `None` before acceptance.
fn naive_status(
    nc: &NaiveCalendar,
    item: &ApprovalItem,
    history: &[CaseEvent],
    now: DateTime<FixedOffset>,
    thresholds: &Thresholds,
) -> Option<Status> {
    let mut received = None;
    let mut started = None;
    let mut stopped = None;
    let mut suspensions: Vec<(DateTime<FixedOffset>, Option<DateTime<FixedOffset>>)> = Vec::new();
    let mut extensions: Vec<(DateTime<FixedOffset>, u32)> = Vec::new();
    for event in history {
        let at = event.at;
        match &event.payload {
            CaseCommand::Receive => received = Some(at),
            CaseCommand::RequestCorrection { .. } if started.is_none() => {
                let received = received.expect("a history starts with its receipt");
                let late =
                    nc.working_days_between(nc.day(received), nc.day(at)) > CORRECTION_NOTICE_DAYS;
                if late {
                    started = Some(received);
                }
            }
            CaseCommand::Accept => started = Some(at),
            CaseCommand::ConcludeOnTheSpot { .. } => {
                started = Some(at);
                stopped = Some(at);
            }
            CaseCommand::Suspend { .. } => suspensions.push((at, None)),
            CaseCommand::Resume => {
                if let Some(last) = suspensions.last_mut() {
                    last.1 = Some(at);
                }
            }
            CaseCommand::Extend { working_days, .. } => extensions.push((at, *working_days)),
            CaseCommand::Conclude { .. } | CaseCommand::Withdraw if started.is_some() => {
                stopped = Some(at);
                if let Some(last) = suspensions.last_mut().filter(|s| s.1.is_none()) {
                    last.1 = Some(at);
                }
            }
            _ => {}
        }
    }
    let started = started?;
    let at = now.max(started);
    let at = stopped.map_or(at, |stopped| at.min(stopped));
    let spans: Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)> = suspensions
        .iter()
        .filter(|(start, _)| *start <= at)
        .map(|&(start, end)| (start, end.map_or(at, |end| end.min(at))))
        .collect();
    let extension: u32 = extensions.iter().filter(|(t, _)| *t <= at).map(|(_, days)| days).sum();
    let suspended_days: u32 =
        spans.iter().map(|&(s, r)| nc.working_days_between(nc.day(s), nc.day(r))).sum();
    let suspended_seconds: u64 = spans.iter().map(|&(s, r)| nc.working_seconds_between(s, r)).sum();

    let (start, today) = (nc.day(started), nc.day(at));
    // A suspension moves a deadline only when it begins before it: walk
    // them in order, each against the deadline the ones before it made.
    let due = |limit: TimeLimit| {
        assert_eq!(limit.unit(), LimitUnit::WorkingDays, "benchmark items count working days");
        let (mut n, mut seconds) = (limit.amount() + extension, 0);
        for &(s, r) in &spans {
            if nc.day(s) >= nc.add_working_days(start, n) {
                break;
            }
            n += nc.working_days_between(nc.day(s), nc.day(r));
            seconds += nc.working_seconds_between(s, r);
        }
        let date = nc.add_working_days(start, n);
        ((date, nc.office_close(date)), seconds)
    };
    let (promised_due, promised_suspended) = due(item.promised());
    let (statutory_due, _) = due(item.statutory());
    let elapsed_working_days = nc.working_days_between(start, today).saturating_sub(suspended_days);
    let used = nc.working_seconds_between(started, at).saturating_sub(suspended_seconds);
    let budget = if promised_due.1 > started {
        nc.working_seconds_between(started, promised_due.1).saturating_sub(promised_suspended)
    } else {
        0
    };
    let remaining = |due: NaiveDate| {
        if today <= due {
            i64::from(nc.working_days_between(today, due))
        } else {
            -i64::from(nc.working_days_between(due, today))
        }
    };
    let remaining_promised_days = remaining(promised_due.0);
    let remaining_statutory_days = remaining(statutory_due.0);
    let reached = |percent: u8| u128::from(used) * 100 >= u128::from(percent) * u128::from(budget);
    let status = if stopped.is_some_and(|s| s <= at) {
        if at <= promised_due.1 {
            ClockStatus::StoppedOnTime
        } else if at <= statutory_due.1 {
            ClockStatus::StoppedLate
        } else {
            ClockStatus::StoppedPastStatutory
        }
    } else if at > statutory_due.1 {
        ClockStatus::RedCard
    } else if at > promised_due.1 {
        ClockStatus::YellowCard
    } else if reached(thresholds.red_warning_percent()) {
        ClockStatus::RedWarning
    } else if reached(thresholds.yellow_warning_percent()) {
        ClockStatus::YellowWarning
    } else if remaining_promised_days <= i64::from(thresholds.prompt_working_days()) {
        ClockStatus::Prompt
    } else {
        ClockStatus::OnTrack
    };
    let day_seconds: u32 = OFFICE.iter().map(|(start, end)| end - start).sum();
    Some(Status {
        promised_due,
        statutory_due,
        elapsed_working_days,
        elapsed_fraction: used as f64 / f64::from(day_seconds),
        remaining_promised_days,
        remaining_statutory_days,
        used_share: if budget == 0 { 1.0 } else { used as f64 / budget as f64 },
        suspended: suspensions.iter().any(|&(s, e)| s <= at && e.is_none_or(|e| e > at)),
        stopped: stopped.is_some_and(|s| s <= at),
        status,
    })
}

/// The calendar, the items and the histories, checked to replay.
struct Setup {
    cal: WorkCalendar,
    naive: NaiveCalendar,
    items: Vec<ApprovalItem>,
    stories: Vec<Story>,
}

impl Setup {
    fn new() -> Setup {
        let cal = calendar();
        let naive = NaiveCalendar::new(&cal);
        let (first, last) = cal.date_range();
        for date in first.iter_days().take_while(|date| *date <= last) {
            let working = cal.is_working_day(date).expect("the date is covered");
            assert_eq!(naive.is_working_day(date), working, "naive vs shenpi on {date}");
        }
        let items = items();
        let stories = stories(&cal, &items);
        let setup = Setup { cal, naive, items, stories };
        let ctxs = setup.contexts();
        for story in &setup.stories {
            let ctx = &ctxs[story.item];
            let case = Case::replay(story.id.clone(), ctx, &story.events)
                .unwrap_or_else(|e| panic!("history {} does not replay: {e:?}", story.id));
            assert_eq!(
                case.state(),
                &CaseState::Delivered { decision: story.decision },
                "history {} ends delivered",
                story.id
            );
            let prefix = |taken: usize| {
                Case::replay(story.id.clone(), ctx, &story.events[..taken])
                    .expect("a prefix of a valid history replays")
            };
            assert!(
                prefix(story.clock_start).clock().is_none()
                    && prefix(story.clock_start + 1).clock().is_some(),
                "history {}: the clock starts at event {}",
                story.id,
                story.clock_start
            );
            assert!(
                matches!(story.events[story.conclude].payload, CaseCommand::Conclude { .. }),
                "history {}: event {} is the decision",
                story.id,
                story.conclude
            );
        }
        let lengths = setup.stories.iter().map(|s| s.events.len());
        let (shortest, longest) = (lengths.clone().min(), lengths.max());
        assert_eq!((shortest, longest), (Some(5), Some(12)), "history lengths span 5..=12");
        setup
    }

    /// One context per item, indexed like the items.
    fn contexts(&self) -> Vec<CaseContext<'_>> {
        self.items.iter().map(|item| CaseContext::new(item, &self.cal)).collect()
    }

    fn total_events(&self) -> u64 {
        self.stories.iter().map(|s| s.events.len() as u64).sum()
    }
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
    elements: u64,
) -> BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(elements));
    group
}

/// `case/replay/{shenpi,naive}`: rebuild every case from its history;
/// throughput in events.
pub(crate) fn replay(c: &mut Criterion) {
    let setup = Setup::new();
    let ctxs = setup.contexts();
    let stories = setup.stories.as_slice();
    // The naive host takes each event by replaying the history up to it.
    let naive = |story: &Story, ctx: &CaseContext<'_>| {
        let mut latest = None;
        for taken in 1..=story.events.len() {
            let case = Case::replay(story.id.clone(), ctx, &story.events[..taken])
                .expect("a prefix of a valid history replays");
            assert_eq!(case.event_count(), taken as u64);
            latest = Some(case);
        }
        latest.expect("a history has events")
    };
    for story in stories {
        let ctx = &ctxs[story.item];
        let case = Case::replay(story.id.clone(), ctx, &story.events).expect("checked in setup");
        assert_eq!(naive(story, ctx), case, "naive vs shenpi replay of {}", story.id);
    }
    let mut group = group(c, "case/replay", setup.total_events());
    group.bench_function("shenpi", |b| {
        b.iter(|| {
            for story in black_box(stories) {
                let case = Case::replay(story.id.clone(), &ctxs[story.item], &story.events)
                    .expect("a valid history replays");
                assert_eq!(case.state(), &CaseState::Delivered { decision: story.decision });
                assert_eq!(case.event_count(), story.events.len() as u64);
            }
        });
    });
    group.bench_function("naive", |b| {
        b.iter(|| {
            for story in black_box(stories) {
                let case = naive(story, &ctxs[story.item]);
                assert_eq!(case.state(), &CaseState::Delivered { decision: story.decision });
            }
        });
    });
    group.finish();
}

/// One `apply` input: the case built from the events before the cut, the
/// index of the event to apply, and the state it leads to.
struct Cut {
    story: usize,
    at: usize,
    to: CaseStateKind,
}

/// `case/apply/{shenpi,naive}`: take the event at a pseudo-random cut of
/// each history; throughput in events.
pub(crate) fn apply(c: &mut Criterion) {
    let setup = Setup::new();
    let ctxs = setup.contexts();
    let stories = setup.stories.as_slice();
    let mut rng = Rng(SEED ^ 0xa991_7000);
    let mut cuts = Vec::with_capacity(stories.len());
    let mut prebuilt = Vec::with_capacity(stories.len());
    for (i, story) in stories.iter().enumerate() {
        let ctx = &ctxs[story.item];
        let at = rng.range(1, story.events.len() as u32 - 1) as usize;
        let before = Case::replay(story.id.clone(), ctx, &story.events[..at])
            .expect("a prefix of a valid history replays");
        let mut shenpi = before.clone();
        let transition = shenpi.apply(ctx, &story.events[at]).expect("the next event applies");
        let mut naive = Case::replay(story.id.clone(), ctx, &story.events[..at])
            .expect("a prefix of a valid history replays");
        naive.apply(ctx, &story.events[at]).expect("the next event applies");
        assert_eq!(naive, shenpi, "naive vs shenpi: event {at} of {}", story.id);
        cuts.push(Cut { story: i, at, to: transition.to });
        prebuilt.push(before);
    }
    let cuts = cuts.as_slice();
    let mut group = group(c, "case/apply", cuts.len() as u64);
    group.bench_function("shenpi", |b| {
        b.iter_batched(
            || prebuilt.clone(),
            |mut cases| {
                for (case, cut) in cases.iter_mut().zip(black_box(cuts)) {
                    let story = &stories[cut.story];
                    let transition = case
                        .apply(&ctxs[story.item], &story.events[cut.at])
                        .expect("the next event applies");
                    assert_eq!(transition.to, cut.to);
                }
                cases
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("naive", |b| {
        b.iter(|| {
            for cut in black_box(cuts) {
                let story = &stories[cut.story];
                let ctx = &ctxs[story.item];
                let mut case = Case::replay(story.id.clone(), ctx, &story.events[..cut.at])
                    .expect("a prefix of a valid history replays");
                let transition =
                    case.apply(ctx, &story.events[cut.at]).expect("the next event applies");
                assert_eq!(transition.to, cut.to);
            }
        });
    });
    group.finish();
}

/// `at`, or a minute later when it falls exactly on midnight in China
/// Standard Time. No benchmark instant is a midnight, which a clock may read
/// as 24:00 of the day before: the naive baseline leaves that edge out.
fn off_midnight(at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    if at.with_timezone(&china_offset()).time() == NaiveTime::MIN {
        at + TimeDelta::minutes(1)
    } else {
        at
    }
}

/// One status input: an accepted open case (a history cut between its
/// acceptance and its decision), the instant to read it at, and the answer.
struct Open<'a> {
    case: Case,
    item: &'a ApprovalItem,
    history: &'a [CaseEvent],
    now: DateTime<FixedOffset>,
    status: ClockStatus,
    promised_due: NaiveDate,
}

/// `case/status/{shenpi,naive}`: read the clock of an accepted open case at
/// a later instant; throughput in cases.
pub(crate) fn status(c: &mut Criterion) {
    let setup = Setup::new();
    let ctxs = setup.contexts();
    let Setup { cal, naive, items, stories } = &setup;
    let thresholds = Thresholds::default();
    let mut rng = Rng(SEED ^ 0x57a7_0500);
    let mut open = Vec::with_capacity(stories.len());
    for story in stories {
        // Keep the clock start, stop before the decision.
        let taken = rng.range(story.clock_start as u32 + 1, story.conclude as u32) as usize;
        let history = &story.events[..taken];
        let mut case = Case::replay(story.id.clone(), &ctxs[story.item], history)
            .expect("a prefix of a valid history replays");
        // Loaded to be read many times: prepared once on the calendar.
        case.prepare(cal);
        assert!(case.state().is_open(), "{} is open after {taken} events", story.id);
        let minutes = i64::from(rng.below((STATUS_SPAN_DAYS * 24 * 60) as u32));
        let now = off_midnight(case.last_event_at() + TimeDelta::minutes(minutes));
        let item = &items[story.item];
        let reading = case
            .reading(cal, now, &thresholds)
            .expect("dates are covered")
            .expect("the case is accepted");
        let shenpi = Status::from(&reading);
        let baseline = naive_status(naive, item, history, now, &thresholds);
        assert_eq!(
            baseline,
            Some(shenpi),
            "naive vs shenpi: {} after {taken} events, read at {now}",
            story.id
        );
        open.push(Open {
            case,
            item,
            history,
            now,
            status: reading.status,
            promised_due: reading.promised_due.date,
        });
    }
    let seen: HashSet<ClockStatus> = open.iter().map(|o| o.status).collect();
    assert_eq!(seen.len(), 6, "every status occurs in the batch, not only {seen:?}");
    let open = open.as_slice();
    let mut group = group(c, "case/status", open.len() as u64);
    group.bench_function("shenpi", |b| {
        b.iter(|| {
            for o in black_box(open) {
                let reading = o
                    .case
                    .reading(cal, o.now, &thresholds)
                    .expect("dates are covered")
                    .expect("the case is accepted");
                assert_eq!(reading.status, o.status);
                assert_eq!(reading.promised_due.date, o.promised_due);
            }
        });
    });
    group.bench_function("naive", |b| {
        b.iter(|| {
            for o in black_box(open) {
                let status = naive_status(naive, o.item, o.history, o.now, &thresholds)
                    .expect("the case is accepted");
                assert_eq!(status.status, o.status);
                assert_eq!(status.promised_due.0, o.promised_due);
            }
        });
    });
    group.finish();
}
