//! `escalation/*`: supervision sweeps (电子监察), shenpi beside a naive
//! baseline that recomputes every clock from the full history:
//!
//! - `escalation/sweep/{shenpi,naive}`: sweep [`CASES`] open cases against
//!   [`EscalationPolicy::default`] at one `now` (Wednesday 16 September 2026,
//!   10:30 China Standard Time). `shenpi` opens one [`Sweep`](shenpi::escalation::Sweep) at `now`
//!   and checks each case with [`Sweep::check_into`](shenpi::escalation::Sweep::check_into) (it reads the case's
//!   legal clock, as [`Supervised::observe`] does, and evaluates the policy
//!   as [`EscalationPolicy::evaluate_into`] does) into one reused
//!   `Vec<Notice>`; `naive` replays each case's whole event history to find
//!   the acceptance, suspensions and extensions, counts working days and
//!   office seconds day by day with [`WorkCalendar::is_working_day`] to
//!   rebuild the deadlines, the time used and the budget, and applies every
//!   rule of the policy by its definition (walking days for "n working days
//!   before / after", and for the next joint meeting; a suspended or stopped
//!   clock brings no share or deadline rule due). Throughput: cases.
//!
//! Each case has the supervision log a daily sweep would have left: the
//! notices of the same policy evaluated at the same time the day before
//! (Tuesday 15 September, 10:30), recorded; cases accepted since have an
//! empty log. So the sweep fires what became due in the last day, and checks
//! everything else against the log, as a host's recurring sweep does.
//! Cases and logs are loaded as a host loads them for repeated sweeps:
//! each case prepared on the calendar ([`Case::prepare`]) and each log for
//! the policy ([`SupervisionLog::prepare`]); the naive sweep reads the
//! notices of each log.
//!
//! The histories come from a tiny xorshift generator with a fixed seed, so
//! every run times the same cases: five items of 3 to 20 promised working
//! days on the national calendar ([`WorkCalendar::china`]) with office hours
//! of 08:30–12:00 and 14:30–17:30; received and accepted on a working day of
//! 2026 before `now` (seven cases in ten within the last 30 working days, the
//! others anywhere since 5 January, a backlog of long-overdue cases), then
//! start of handling, up to two suspensions (a correction or an allowed
//! special procedure; the last may still run at `now`) and sometimes an
//! extension, each history cut at `now`. One instant in five is stored in
//! UTC rather than in China Standard Time. A [`Case`] is about 400 bytes
//! (its prepared clock's memo included) plus its clock's records, so the
//! batch takes a few hundred megabytes; building and checking it takes
//! several seconds.
//!
//! Everything is checked before timing: every history replays to an open,
//! accepted case; the naive sweep gives exactly shenpi's notices (rule,
//! level, action, cycle, instant due, meeting date) for every case; and the
//! batch holds on-track, warned, carded and suspended cases, with new
//! notices of at least six different actions at `now`. Inside the timed loop
//! each case's notice count is asserted, and the batch's counts by action.

use crate::support::{calendar, china_offset, extension_runs, hms, items, ymd, Rng, OFFICE};
use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeDelta, TimeZone, Timelike};
use criterion::{Criterion, SamplingMode, Throughput};
use shenpi::calendar::WorkCalendar;
use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId};
use shenpi::catalog::ApprovalItem;
use shenpi::escalation::{
    Action, Cadence, EscalationPolicy, Notice, SubjectKind, Supervised, SupervisionLog, Trigger,
};
use shenpi::limit::{ClockStatus, Deadline, SuspensionKind, TimeLimit};
use shenpi::machine::{Actor, ActorId, Role};

/// Open cases swept; one timed iteration sweeps them all.
const CASES: usize = 1_000_000;
/// The generator's fixed seed.
const SEED: u64 = 0x5348_454e_5049_e5ca;
/// Working days before `now` that recent acceptances are drawn from.
const RECENT_DAYS: u32 = 30;

fn utc_offset() -> FixedOffset {
    FixedOffset::east_opt(0).expect("UTC is a valid offset")
}

/// An instant in China Standard Time.
fn china(date: NaiveDate, seconds: u32) -> DateTime<FixedOffset> {
    china_offset()
        .from_local_datetime(&date.and_time(hms(seconds)))
        .single()
        .expect("UTC+8 is unambiguous")
}

/// The sweep's instant: Wednesday 16 September 2026, 10:30.
fn now() -> DateTime<FixedOffset> {
    china(ymd(2026, 9, 16), 10 * 3600 + 1800)
}

/// The previous daily sweep: Tuesday 15 September 2026, 10:30.
fn previous_sweep() -> DateTime<FixedOffset> {
    china(ymd(2026, 9, 15), 10 * 3600 + 1800)
}

/// The actors, built once and cloned into events.
struct Actors {
    clerks: Vec<Actor>,
    reviewers: Vec<Actor>,
    heads: Vec<Actor>,
}

impl Actors {
    fn new() -> Actors {
        let make = |prefix: &str, n: usize, role: Role| {
            (0..n)
                .map(|i| {
                    Actor::new(ActorId::new(&format!("{prefix}-{i}")).expect("a valid id"), role)
                })
                .collect()
        };
        Actors {
            clerks: make("clerk", 12, Role::WindowClerk),
            reviewers: make("reviewer", 20, Role::Reviewer),
            heads: make("head", 5, Role::DepartmentHead),
        }
    }
}

/// One generated open case: its item and its history up to `now`.
struct Story {
    item: u8,
    events: Vec<CaseEvent>,
}

/// Builds one history event by event, each instant after the last, and
/// drops everything from `now` on.
struct StoryWriter<'a> {
    rng: &'a mut Rng,
    cal: &'a WorkCalendar,
    events: Vec<CaseEvent>,
    last: DateTime<FixedOffset>,
    now: DateTime<FixedOffset>,
    cut: bool,
}

impl StoryWriter<'_> {
    /// A uniform office instant on `date`.
    fn office_time(&mut self, date: NaiveDate) -> DateTime<FixedOffset> {
        let (morning, afternoon) = (OFFICE[0], OFFICE[1]);
        let morning_len = morning.1 - morning.0;
        let offset = self.rng.below(morning_len + afternoon.1 - afternoon.0);
        let seconds = if offset < morning_len {
            morning.0 + offset
        } else {
            afternoon.0 + offset - morning_len
        };
        china(date, seconds)
    }

    /// An office instant `working_days` working days after the last event
    /// (the same day for zero), pushed just after the last event if it would
    /// come before it.
    fn after(&mut self, working_days: u32) -> DateTime<FixedOffset> {
        let from = self.last.with_timezone(&china_offset()).date_naive();
        let date = self.cal.add_working_days(from, working_days).expect("2026 is covered");
        let at = self.office_time(date);
        if at > self.last {
            at
        } else {
            self.last + TimeDelta::seconds(i64::from(self.rng.range(60, 1800)))
        }
    }

    /// Records `command` by `actor` at `at`, stored in China Standard Time
    /// or, one time in five, in UTC; from `now` on, records nothing more.
    fn push(&mut self, actor: &Actor, at: DateTime<FixedOffset>, command: CaseCommand) {
        if self.cut || at >= self.now {
            self.cut = true;
            return;
        }
        let stored = if self.rng.chance(20) { at.with_timezone(&utc_offset()) } else { at };
        self.events.push(CaseEvent::new(actor.clone(), stored, command));
        self.last = at;
    }

    fn push_after(&mut self, actor: &Actor, working_days: u32, command: CaseCommand) {
        let at = self.after(working_days);
        self.push(actor, at, command);
    }
}

fn pick<'a>(rng: &mut Rng, actors: &'a [Actor]) -> &'a Actor {
    &actors[rng.below(actors.len() as u32) as usize]
}

/// The [`CASES`] histories.
fn stories(cal: &WorkCalendar, items: &[ApprovalItem], now: DateTime<FixedOffset>) -> Vec<Story> {
    let actors = Actors::new();
    let today = now.date_naive();
    // The working days an acceptance may fall on: 5 January to yesterday.
    let days: Vec<NaiveDate> = ymd(2026, 1, 5)
        .iter_days()
        .take_while(|d| *d < today)
        .filter(|d| cal.is_working_day(*d).expect("2026 is covered"))
        .collect();
    let count = days.len() as u32;
    let mut rng = Rng(SEED);
    (0..CASES)
        .map(|_| {
            let item_index = rng.below(items.len() as u32);
            let item = &items[item_index as usize];
            let rank =
                if rng.chance(70) { count - 1 - rng.below(RECENT_DAYS) } else { rng.below(count) };
            let date = days[rank as usize];
            let mut w = StoryWriter {
                rng: &mut rng,
                cal,
                events: Vec::with_capacity(8),
                last: china(date, 0),
                now,
                cut: false,
            };
            let received = w.office_time(date);
            let clerk = pick(w.rng, &actors.clerks);
            w.push(clerk, received, CaseCommand::Receive);
            let accepted = received + TimeDelta::seconds(i64::from(w.rng.range(60, 1800)));
            w.push(clerk, accepted, CaseCommand::Accept);
            let reviewer = pick(w.rng, &actors.reviewers);
            let days = w.rng.below(3);
            w.push_after(reviewer, days, CaseCommand::StartHandling);

            // Up to two suspensions, perhaps an extension, in either order.
            let suspensions = match w.rng.below(100) {
                0..=54 => 0,
                55..=89 => 1,
                _ => 2,
            };
            let extension = w.rng.chance(20).then(|| w.rng.range(1, 10));
            let extend_after = w.rng.below(suspensions + 1);
            let procedures = item.special_procedures();
            for i in 0..=suspensions {
                if let Some(working_days) = extension.filter(|_| i == extend_after) {
                    let head = pick(w.rng, &actors.heads);
                    let days = w.rng.range(1, 8);
                    let reason = "现场条件复杂，需延长审查期限".to_owned();
                    let at = w.after(days);
                    if extension_runs(cal, item, &w.events, at) {
                        w.push(head, at, CaseCommand::Extend { working_days, reason });
                    }
                }
                if i < suspensions {
                    let reason = if !procedures.is_empty() && w.rng.chance(60) {
                        let n = w.rng.below(procedures.len() as u32) as usize;
                        let procedure =
                            *procedures.iter().nth(n).expect("n is below the procedure count");
                        SuspensionKind::SpecialProcedure { procedure }
                    } else {
                        SuspensionKind::Correction
                    };
                    let days = w.rng.range(1, 6);
                    w.push_after(reviewer, days, CaseCommand::Suspend { reason });
                    let days = w.rng.range(1, 15);
                    w.push_after(reviewer, days, CaseCommand::Resume);
                }
            }
            let events = w.events;
            Story { item: item_index as u8, events }
        })
        .collect()
}

/// The naive calendar: shenpi's [`WorkCalendar::is_working_day`], one day
/// at a time, with the benchmark's office hours in China Standard Time.
struct NaiveCalendar<'a> {
    cal: &'a WorkCalendar,
}

impl NaiveCalendar<'_> {
    fn is_working_day(&self, date: NaiveDate) -> bool {
        self.cal.is_working_day(date).expect("benchmark dates are covered")
    }

    fn civil(&self, at: DateTime<FixedOffset>) -> chrono::NaiveDateTime {
        at.with_timezone(&china_offset()).naive_local()
    }

    fn day(&self, at: DateTime<FixedOffset>) -> NaiveDate {
        self.civil(at).date()
    }

    /// Midnight starting `date`.
    fn start_of(&self, date: NaiveDate) -> DateTime<FixedOffset> {
        china(date, 0)
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

    /// The `n`-th working day before `date` (`date` itself for zero).
    fn sub_working_days(&self, mut date: NaiveDate, n: u32) -> NaiveDate {
        let mut left = n;
        while left > 0 {
            date = date.pred_opt().expect("benchmark dates are far from NaiveDate::MIN");
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// The close of office hours on `date`.
    fn office_close(&self, date: NaiveDate) -> DateTime<FixedOffset> {
        china(date, OFFICE[OFFICE.len() - 1].1)
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

    /// The first joint meeting held on or after `date`: the cadence's
    /// meeting days from two weeks before, each moved on to a working day.
    fn next_meeting(&self, cadence: Cadence, date: NaiveDate) -> NaiveDate {
        let Cadence::Biweekly { weekday, from } = cadence else {
            panic!("the default joint meeting meets every two weeks");
        };
        let mut day = date - TimeDelta::days(14);
        loop {
            if day.weekday() == weekday && (day - from).num_days().rem_euclid(14) == 0 {
                let mut held = day;
                while !self.is_working_day(held) {
                    held = held.succ_opt().expect("benchmark dates are far from NaiveDate::MAX");
                }
                if held >= date {
                    return held;
                }
            }
            day = day.succ_opt().expect("benchmark dates are far from NaiveDate::MAX");
        }
    }
}

/// The naive clock of a case at `now`, rebuilt from its whole history.
struct NaiveClock {
    at: DateTime<FixedOffset>,
    /// (last day, instant) of the promised and statutory deadlines.
    due: [(NaiveDate, DateTime<FixedOffset>); 2],
    used: u64,
    /// Working seconds to each deadline, suspensions excluded.
    budget: [u64; 2],
    suspended: bool,
    stopped: bool,
}

/// Replays `history` for the acceptance, the suspensions, the extensions
/// and the stop, then counts day by day (DOMAIN §2): `now` held between
/// acceptance and stop; the acceptance day not counted; a suspension from
/// day S to day R pushes the deadlines by the working days in (S, R];
/// extensions add working days to both limits; a limit ends at the close of
/// office hours. `None` before acceptance.
fn naive_clock(
    nc: &NaiveCalendar<'_>,
    item: &ApprovalItem,
    history: &[CaseEvent],
    now: DateTime<FixedOffset>,
) -> Option<NaiveClock> {
    let mut started = None;
    let mut stopped = None;
    let mut suspensions: Vec<(DateTime<FixedOffset>, Option<DateTime<FixedOffset>>)> = Vec::new();
    let mut extensions: Vec<(DateTime<FixedOffset>, u32)> = Vec::new();
    for event in history {
        let at = event.at;
        match &event.payload {
            CaseCommand::Accept => started = Some(at),
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
    let suspended_seconds: u64 = spans.iter().map(|&(s, r)| nc.working_seconds_between(s, r)).sum();

    let start = nc.day(started);
    // A suspension moves a deadline only when it begins before it: walk
    // them in order, each against the deadline the ones before it made.
    let due = |limit: TimeLimit| {
        let (mut n, mut seconds) = (limit.amount() + extension, 0);
        for &(s, r) in &spans {
            if nc.day(s) >= nc.add_working_days(start, n) {
                break;
            }
            n += nc.working_days_between(nc.day(s), nc.day(r));
            seconds += nc.working_seconds_between(s, r);
        }
        let date = nc.add_working_days(start, n);
        (date, nc.office_close(date), seconds)
    };
    let walked = [due(item.promised()), due(item.statutory())];
    let due = walked.map(|(date, close, _)| (date, close));
    let used = nc.working_seconds_between(started, at).saturating_sub(suspended_seconds);
    // The promised budget leaves out the suspensions that moved the promised
    // deadline; the statutory share, as shenpi reads it, all of them.
    let budget =
        [(walked[0].1, walked[0].2), (walked[1].1, suspended_seconds)].map(|(close, suspended)| {
            if close > started {
                nc.working_seconds_between(started, close).saturating_sub(suspended)
            } else {
                0
            }
        });
    Some(NaiveClock {
        at,
        due,
        used,
        budget,
        suspended: suspensions.iter().any(|&(s, e)| s <= at && e.is_none_or(|e| e > at)),
        stopped: stopped.is_some_and(|s| s <= at),
    })
}

/// A notice as the naive sweep gives it: the rule's index in the policy,
/// the instant due and the meeting date (`Notice` cannot be built outside
/// shenpi).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Fired {
    rule: usize,
    due_at: DateTime<FixedOffset>,
    meeting: Option<NaiveDate>,
}

/// The naive sweep of one case: its clock rebuilt from the history, then
/// every rule watching cases and not in the log for cycle 0 tried by its
/// definition; sorted like shenpi's notices.
fn naive_notices(
    nc: &NaiveCalendar<'_>,
    policy: &EscalationPolicy,
    item: &ApprovalItem,
    history: &[CaseEvent],
    log: &SupervisionLog,
    now: DateTime<FixedOffset>,
) -> Vec<Fired> {
    let last_event = history.last().expect("a history has events").at;
    let clock = naive_clock(nc, item, history, now);
    let index = |d: Deadline| match d {
        Deadline::Promised => 0,
        Deadline::Statutory => 1,
    };
    let mut fired = Vec::new();
    for (i, rule) in policy.rules().iter().enumerate() {
        if !rule.watches(SubjectKind::Case)
            || log.notices().iter().any(|n| n.cycle == 0 && n.rule == *rule.id())
        {
            continue;
        }
        let at = match (rule.trigger(), &clock) {
            // A stopped or suspended clock brings nothing due.
            (
                Trigger::ShareUsed { .. }
                | Trigger::RemainingAtMost { .. }
                | Trigger::OverdueBy { .. },
                Some(c),
            ) if c.suspended || c.stopped => None,
            (Trigger::ShareUsed { deadline, percent }, Some(c)) => {
                let budget = c.budget[index(deadline)];
                (u128::from(c.used) * 100 >= u128::from(percent) * u128::from(budget))
                    .then(|| now.min(c.at))
            }
            (Trigger::RemainingAtMost { deadline, days }, Some(c)) => {
                let (date, _) = c.due[index(deadline)];
                Some(nc.start_of(nc.sub_working_days(date, days)))
            }
            (Trigger::OverdueBy { deadline, days }, Some(c)) => {
                let (date, close) = c.due[index(deadline)];
                let just_after = close + TimeDelta::seconds(1);
                Some(if days == 0 {
                    just_after
                } else {
                    nc.start_of(nc.add_working_days(date, days)).max(just_after)
                })
            }
            (Trigger::StuckFor { days }, _) => {
                Some(nc.start_of(nc.add_working_days(nc.day(last_event), days)))
            }
            (Trigger::VisitsAtLeast { visits }, _) => (visits == 0).then_some(now),
            _ => None,
        };
        if let Some(due_at) = at.filter(|at| *at <= now) {
            let meeting = (rule.action() == Action::ReferToJointMeeting)
                .then(|| nc.next_meeting(policy.meetings().joint, nc.day(now)));
            fired.push(Fired { rule: i, due_at, meeting });
        }
    }
    let key = |f: &Fired| {
        let rule = &policy.rules()[f.rule];
        (rule.level(), rule.action(), rule.id().clone())
    };
    fired.sort_by_key(key);
    fired
}

/// Counts by action, indexed like [`Action::ALL`].
type Counts = [u64; Action::ALL.len()];

fn action_index(action: Action) -> usize {
    Action::ALL.iter().position(|a| *a == action).expect("every action is in Action::ALL")
}

/// The batch, its logs and the answers, checked.
struct Sweep {
    cal: WorkCalendar,
    policy: EscalationPolicy,
    items: Vec<ApprovalItem>,
    stories: Vec<Story>,
    cases: Vec<Case>,
    logs: Vec<SupervisionLog>,
    /// New notices per case at `now`.
    expected: Vec<u8>,
    /// New notices by action at `now`.
    counts: Counts,
}

impl Sweep {
    fn new() -> Sweep {
        let cal = calendar();
        let policy = EscalationPolicy::default();
        let items = items();
        let (now, previous) = (now(), previous_sweep());
        let stories = stories(&cal, &items, now);
        let ctxs: Vec<CaseContext<'_>> =
            items.iter().map(|item| CaseContext::new(item, &cal)).collect();
        let mut cases = Vec::with_capacity(stories.len());
        let mut logs = Vec::with_capacity(stories.len());
        let mut expected = Vec::with_capacity(stories.len());
        let mut counts = [0; Action::ALL.len()];
        let mut statuses = [0usize; 6];
        let mut suspended = 0;
        let nc = NaiveCalendar { cal: &cal };
        for (n, story) in stories.iter().enumerate() {
            let id = CaseId::new(&format!("JO-2026-{n:07}")).expect("a valid case id");
            let mut case = Case::replay(id, &ctxs[story.item as usize], &story.events)
                .unwrap_or_else(|e| panic!("history {n} does not replay: {e:?}"));
            // Loaded for the sweep: prepared once on the calendar.
            case.prepare(&cal);
            assert!(case.state().is_open() && case.clock().is_some(), "case {n} is open, accepted");
            // The log the daily sweep left yesterday.
            let mut log = SupervisionLog::new();
            if case.received_at() <= previous {
                let obs = case.observe(&cal, previous).expect("2026 is covered");
                log.record(policy.evaluate(&obs, &log, &cal, previous).expect("2026 is covered"));
            }
            let obs = case.observe(&cal, now).expect("2026 is covered");
            let clock = obs.clock.as_ref().expect("an accepted case has a clock");
            statuses[clock.status as usize] += 1;
            suspended += usize::from(clock.suspended);
            let notices = policy.evaluate(&obs, &log, &cal, now).expect("2026 is covered");
            let item = &items[story.item as usize];
            let naive = naive_notices(&nc, &policy, item, &story.events, &log, now);
            let agree = naive.len() == notices.len()
                && naive.iter().zip(&notices).all(|(f, n)| {
                    let rule = &policy.rules()[f.rule];
                    n.rule == *rule.id()
                        && n.level == rule.level()
                        && n.action == rule.action()
                        && n.cycle == 0
                        && n.due_at == f.due_at
                        && n.meeting == f.meeting
                });
            assert!(agree, "naive vs shenpi, case {n}: {naive:?} vs {notices:?}");
            for notice in &notices {
                counts[action_index(notice.action)] += 1;
            }
            expected.push(u8::try_from(notices.len()).expect("a few notices"));
            // Loaded for the sweep: prepared once for the policy.
            log.prepare(&policy);
            cases.push(case);
            logs.push(log);
        }
        let on_track = statuses[ClockStatus::OnTrack as usize];
        let warned = statuses[ClockStatus::Prompt as usize]
            + statuses[ClockStatus::YellowWarning as usize]
            + statuses[ClockStatus::RedWarning as usize];
        let carded =
            statuses[ClockStatus::YellowCard as usize] + statuses[ClockStatus::RedCard as usize];
        assert!(
            on_track > 0 && warned > 0 && carded > 0 && suspended > 0,
            "a mix of cases: {statuses:?} by status, {suspended} suspended"
        );
        let kinds = counts.iter().filter(|c| **c > 0).count();
        assert!(kinds >= 6, "new notices of many actions at now: {counts:?}");
        drop(ctxs);
        Sweep { cal, policy, items, stories, cases, logs, expected, counts }
    }
}

/// `escalation/sweep/{shenpi,naive}`: sweep every open case at one `now`;
/// throughput in cases.
pub(crate) fn sweep(c: &mut Criterion) {
    let setup = Sweep::new();
    let Sweep { cal, policy, items, stories, cases, logs, expected, counts } = &setup;
    let now = now();
    let nc = NaiveCalendar { cal };
    let mut group = c.benchmark_group("escalation/sweep");
    group.throughput(Throughput::Elements(cases.len() as u64));
    // A sweep of a million cases takes about a tenth of a second (the
    // naive one most of a second): ten flat samples.
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("shenpi", |b| {
        let mut notices: Vec<Notice> = Vec::new();
        b.iter(|| {
            let mut seen: Counts = [0; Action::ALL.len()];
            let sweep = policy.sweep(cal, black_box(now));
            for ((case, log), &count) in black_box(cases).iter().zip(logs).zip(expected) {
                notices.clear();
                sweep.check_into(case, log, &mut notices).expect("2026 is covered");
                assert_eq!(notices.len(), usize::from(count));
                for notice in &notices {
                    seen[action_index(notice.action)] += 1;
                }
            }
            assert_eq!(&seen, counts);
        });
    });
    group.bench_function("naive", |b| {
        b.iter(|| {
            let mut seen: Counts = [0; Action::ALL.len()];
            for ((story, log), &count) in black_box(stories).iter().zip(logs).zip(expected) {
                let item = &items[story.item as usize];
                let fired = naive_notices(&nc, policy, item, &story.events, log, now);
                assert_eq!(fired.len(), usize::from(count));
                for f in &fired {
                    seen[action_index(policy.rules()[f.rule].action())] += 1;
                }
            }
            assert_eq!(&seen, counts);
        });
    });
    group.finish();
}
