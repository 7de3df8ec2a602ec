use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta};
use serde::{Deserialize, Serialize};

use super::policy::{PolicyInner, RuleMasks};
use super::{Action, EscalationError, EscalationPolicy, Level, Rule, RuleId, SubjectKind, Trigger};
use crate::calendar::{Point, WorkCalendar};
use crate::limit::{ClockReading, Deadline};

/// What the escalation engine needs to know of a subject at `now`; built by
/// [`Supervised::observe`].
///
/// # Example
///
/// See [`Supervised`].
#[doc = include_str!("../../docs/json/observation.md")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Observation {
    /// The kind of subject.
    pub kind: SubjectKind,
    /// Whether the subject is still open; closed subjects fire nothing.
    pub open: bool,
    /// The escalation cycle: 0, and one more each time the subject starts
    /// over (a ticket reopened). Each rule fires once per cycle.
    pub cycle: u32,
    /// The subject's clock read at `now`, for clocked subjects.
    pub clock: Option<ClockReading>,
    /// When the subject entered its current state.
    pub state_since: DateTime<FixedOffset>,
    /// How many times the applicant came or was sent back.
    pub visits: u32,
    /// The feedback deadline, while feedback is owed.
    pub feedback_due: Option<DateTime<FixedOffset>>,
    /// The deadline of an open supervision order (督办), if any.
    pub order_due: Option<DateTime<FixedOffset>>,
    /// When the decision's issue and delivery are due, while it is owed
    /// (行政许可法 art. 44).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_due: Option<DateTime<FixedOffset>>,
    /// When acceptance is due, while the application waits at the window
    /// (行政许可法 art. 32).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance_due: Option<DateTime<FixedOffset>>,
}

impl Observation {
    /// An open subject of `kind` in its state since `state_since`, with
    /// nothing else known.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::escalation::{Observation, SubjectKind};
    ///
    /// let since = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let obs = Observation::new(SubjectKind::Ticket, since);
    /// assert!(obs.open && obs.clock.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(kind: SubjectKind, state_since: DateTime<FixedOffset>) -> Observation {
        Observation {
            kind,
            open: true,
            cycle: 0,
            clock: None,
            state_since,
            visits: 0,
            feedback_due: None,
            order_due: None,
            delivery_due: None,
            acceptance_due: None,
        }
    }
}

/// Anything the escalation engine can watch: cases, graph-run steps,
/// tickets. One method: what the subject looks like at `now`.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::escalation::{EscalationError, Observation, SubjectKind, Supervised};
///
/// /// A portal's own subject: a petition with a feedback deadline.
/// struct Petition { received: DateTime<chrono::FixedOffset>, due: DateTime<chrono::FixedOffset> }
///
/// impl Supervised for Petition {
///     fn observe(&self, _: &WorkCalendar, _: DateTime<chrono::FixedOffset>) -> Result<Observation, EscalationError> {
///         let mut obs = Observation::new(SubjectKind::Ticket, self.received);
///         obs.feedback_due = Some(self.due);
///         Ok(obs)
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Supervised {
    /// The subject as the escalation engine sees it at `now`.
    ///
    /// # Errors
    ///
    /// An [`EscalationError`] when its clock cannot be read (a date outside
    /// the calendar, for instance).
    fn observe(
        &self,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
    ) -> Result<Observation, EscalationError>;

    /// The subject as seen in `sweep`: the same as
    /// [`observe`](Self::observe) at the sweep's calendar and instant,
    /// which is what this provided method does. Subjects may use what the
    /// sweep has worked out of its instant already (cases do).
    ///
    /// # Errors
    ///
    /// As for [`observe`](Self::observe).
    fn observe_in(&self, sweep: &Sweep<'_>) -> Result<Observation, EscalationError> {
        self.observe(sweep.calendar(), sweep.now())
    }
}

/// A rule that fired for a subject: what to do, at which level, since
/// when, and (for a referral) the date of the joint meeting.
///
/// # Example
///
/// See [`EscalationPolicy::evaluate`].
#[doc = include_str!("../../docs/json/notice.md")]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Notice {
    /// The rule.
    pub rule: RuleId,
    /// The level it brings the subject to.
    pub level: Level,
    /// The action.
    pub action: Action,
    /// The cycle it fired in.
    pub cycle: u32,
    /// When its trigger was met (as far as can be told at the evaluation:
    /// the evaluation instant for triggers known only then).
    pub due_at: DateTime<FixedOffset>,
    /// For a referral to the joint meeting, the meeting's date.
    pub meeting: Option<NaiveDate>,
    /// Whether the notice rests on a day of an estimated year (the
    /// subject's clock reading, or the instant its trigger was met): see
    /// [`Due::provisional`](crate::limit::Due::provisional). Left out of JSON
    /// when false.
    #[serde(default, skip_serializing_if = "crate::limit::is_false")]
    pub provisional: bool,
}

/// The notices a subject has had: its supervision history, which the host
/// stores beside the subject and passes back at each evaluation, so that
/// each rule fires once per cycle.
///
/// # Example
///
/// See [`EscalationPolicy::evaluate`].
#[doc = include_str!("../../docs/json/supervision_log.md")]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SupervisionLog {
    notices: Vec<Notice>,
    /// Which rules of one policy fired in the latest cycle, worked out by
    /// [`SupervisionLog::prepare`]; not part of the log's value.
    #[serde(skip)]
    memo: Option<LogMemo>,
}

impl PartialEq for SupervisionLog {
    /// The notices; the memo is not part of the value.
    fn eq(&self, other: &SupervisionLog) -> bool {
        self.notices == other.notices
    }
}

impl Eq for SupervisionLog {}

/// The latest cycle of a log and which of a policy's first 64 rules fired
/// in it, kept up to date as notices are recorded.
#[derive(Clone)]
struct LogMemo {
    /// The policy the bits index (kept alive, compared by address).
    policy: Arc<PolicyInner>,
    /// The highest cycle of any notice (0 for an empty log).
    cycle: u32,
    /// Bit `i` when rule `i` fired in `cycle`.
    fired: u64,
}

impl fmt::Debug for LogMemo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogMemo")
            .field("cycle", &self.cycle)
            .field("fired", &format_args!("{:#x}", self.fired))
            .finish_non_exhaustive()
    }
}

impl LogMemo {
    /// Counts `notice` in.
    fn add(&mut self, notice: &Notice) {
        if notice.cycle > self.cycle {
            (self.cycle, self.fired) = (notice.cycle, 0);
        }
        if notice.cycle == self.cycle {
            if let Some(i) = rule_index(&self.policy.rules, &self.policy.masks, notice) {
                self.fired |= 1 << i;
            }
        }
    }
}

impl SupervisionLog {
    /// An empty log.
    pub fn new() -> SupervisionLog {
        SupervisionLog::default()
    }

    /// Records notices (as [`EscalationPolicy::evaluate`] returned them).
    /// A prepared log stays prepared.
    pub fn record<I: IntoIterator<Item = Notice>>(&mut self, notices: I) {
        let from = self.notices.len();
        self.notices.extend(notices);
        if let Some(memo) = &mut self.memo {
            for notice in &self.notices[from..] {
                memo.add(notice);
            }
        }
    }

    /// Works out once which of `policy`'s rules the log shows fired in its
    /// latest cycle, so that evaluations against `policy` (or a clone of
    /// it) read that instead of the notices. Evaluations give the same
    /// answers with or without it, and [`record`](Self::record) keeps it
    /// up to date. Call it on a log loaded for a sweep, beside
    /// [`Case::prepare`](crate::case::Case::prepare). A log prepared for
    /// one policy is read in full against any other (an equal policy
    /// decoded again included: prepare the logs again when the policy is
    /// reloaded), and nothing is kept for a policy of more than 64 rules,
    /// which is always evaluated rule by rule.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::escalation::{EscalationPolicy, Observation, SubjectKind, SupervisionLog};
    ///
    /// let cal = WorkCalendar::china();
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let policy = EscalationPolicy::default();
    /// let mut ticket = Observation::new(SubjectKind::Ticket, at("2026-03-02T09:00:00+08:00"));
    /// ticket.feedback_due = Some(at("2026-03-05T17:30:00+08:00"));
    /// let mut log = SupervisionLog::new();
    /// log.prepare(&policy);
    /// log.record(policy.evaluate(&ticket, &log, &cal, at("2026-03-06T09:00:00+08:00"))?);
    /// // Prepared or not, the reminder is not given twice.
    /// assert!(policy.evaluate(&ticket, &log, &cal, at("2026-03-06T10:00:00+08:00"))?.is_empty());
    /// assert_eq!(log, SupervisionLog::from_notices(log.notices().to_vec()));
    /// # Ok::<(), shenpi::escalation::EscalationError>(())
    /// ```
    pub fn prepare(&mut self, policy: &EscalationPolicy) {
        if policy.rules().len() > u64::BITS as usize {
            // Such policies are evaluated rule by rule, reading the notices.
            self.memo = None;
            return;
        }
        let mut memo = LogMemo { policy: Arc::clone(policy.shared()), cycle: 0, fired: 0 };
        for notice in &self.notices {
            memo.add(notice);
        }
        self.memo = Some(memo);
    }

    /// A log of `notices`, in the order given.
    pub fn from_notices(notices: Vec<Notice>) -> SupervisionLog {
        SupervisionLog { notices, memo: None }
    }

    /// The rules of `policy` among `among` that the memo says fired in
    /// `cycle`, when it knows.
    #[inline]
    fn memo_fired(&self, policy: &EscalationPolicy, cycle: u32, among: u64) -> Option<u64> {
        let memo = self.memo.as_ref()?;
        if !Arc::ptr_eq(&memo.policy, policy.shared()) {
            return None;
        }
        match cycle.cmp(&memo.cycle) {
            std::cmp::Ordering::Equal => Some(memo.fired & among),
            // No notice is of a later cycle than the memo's.
            std::cmp::Ordering::Greater => Some(0),
            std::cmp::Ordering::Less => None,
        }
    }

    /// Every notice, in the order recorded.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// Whether `rule` has fired in `cycle`.
    pub fn has_fired(&self, rule: &RuleId, cycle: u32) -> bool {
        self.notices.iter().any(|n| n.cycle == cycle && &n.rule == rule)
    }

    /// The subject's level in `cycle`: the highest level fired. It never
    /// goes down within a cycle.
    pub fn level(&self, cycle: u32) -> Option<Level> {
        self.notices.iter().filter(|n| n.cycle == cycle).map(|n| n.level).max()
    }
}

/// When a trigger is met for a subject, as known at `now`: `Some(instant)`
/// (possibly in the past), or `None` when it cannot be met without a new
/// event (a suspended clock, feedback given, no order open, …).
fn fire_at(
    trigger: Trigger,
    obs: &Observation,
    cal: &WorkCalendar,
    now: DateTime<FixedOffset>,
) -> Result<Option<DateTime<FixedOffset>>, EscalationError> {
    let start_of = |date: NaiveDate| cal.instant(date, NaiveTime::MIN);
    // Nothing comes after chrono's last instant: a trigger "just after" it
    // never fires (an instant that far off decodes from JSON).
    let just_after = |t: DateTime<FixedOffset>| t.checked_add_signed(TimeDelta::seconds(1));
    let due = |c: &ClockReading, d: Deadline| match d {
        Deadline::Promised => c.promised_due,
        Deadline::Statutory => c.statutory_due,
    };
    Ok(match trigger {
        Trigger::ShareUsed { deadline, percent } => match &obs.clock {
            None => None,
            Some(c) => {
                let budget = match deadline {
                    Deadline::Promised => c.promised_budget_seconds,
                    Deadline::Statutory => {
                        let at = c.statutory_due.at;
                        if at > c.started {
                            cal.working_seconds_between(&c.started, &at)?
                                .saturating_sub(c.suspended_seconds)
                        } else {
                            0
                        }
                    }
                };
                // The first whole second at which used * 100 >= percent * budget.
                let needed = (u64::from(percent) * budget).div_ceil(100);
                if c.suspended || c.stopped {
                    // A stopped clock uses no time: its share does not move
                    // (the budget's suspended part is only settled in whole
                    // days), so no share rule fires until it runs again.
                    None
                } else if c.used_seconds >= needed {
                    Some(now.min(c.at))
                } else {
                    Some(cal.add_working_seconds(&c.at, needed - c.used_seconds)?)
                }
            }
        },
        Trigger::RemainingAtMost { deadline, days } => match &obs.clock {
            None => None,
            // A stopped clock's deadlines move as it stands still: nothing
            // about them comes due until it runs again.
            Some(c) if c.suspended || c.stopped => None,
            Some(c) => {
                let d = due(c, deadline);
                Some(start_of(cal.sub_working_days(d.date, days)?)?)
            }
        },
        Trigger::OverdueBy { deadline, days } => match &obs.clock {
            None => None,
            Some(c) => {
                let d = due(c, deadline);
                // Never before the deadline has passed, even when its last
                // day closes at 24:00.
                let Some(after) = just_after(d.at) else { return Ok(None) };
                let at = if days == 0 {
                    after
                } else {
                    start_of(cal.add_working_days(d.date, days)?)?.max(after)
                };
                // While suspended the deadline moves on (in whole working
                // days, so over a weekend it may seem to pass): nothing
                // comes due until the clock runs again.
                if c.suspended || c.stopped {
                    None
                } else {
                    Some(at)
                }
            }
        },
        Trigger::StuckFor { days } => {
            let entered = cal.to_civil(&obs.state_since).date();
            Some(start_of(cal.add_working_days(entered, days)?)?)
        }
        Trigger::VisitsAtLeast { visits } => (obs.visits >= visits).then_some(now),
        Trigger::NoFeedback { days } => match obs.feedback_due {
            None => None,
            Some(due) if days == 0 => just_after(due),
            Some(due) => {
                let day = cal.to_civil(&due).date();
                Some(start_of(cal.add_working_days(day, days)?)?)
            }
        },
        Trigger::OrderIgnored => obs.order_due.and_then(just_after),
        Trigger::DeliveryLate { days } => match obs.delivery_due {
            None => None,
            Some(due) if days == 0 => just_after(due),
            Some(due) => {
                let day = cal.to_civil(&due).date();
                Some(start_of(cal.add_working_days(day, days)?)?)
            }
        },
        Trigger::AcceptanceLate { days } => match obs.acceptance_due {
            None => None,
            Some(due) if days == 0 => just_after(due),
            Some(due) => {
                let day = cal.to_civil(&due).date();
                Some(start_of(cal.add_working_days(day, days)?)?)
            }
        },
    })
}

/// Notices in the order [`EscalationPolicy::evaluate`] gives them.
fn sort_notices(notices: &mut [Notice]) {
    if notices.len() > 1 {
        notices.sort_by(|a, b| (a.level, a.action, &a.rule).cmp(&(b.level, b.action, &b.rule)));
    }
}

/// Whether two ids are the same text, without a call to `memcmp` for
/// the short ids rules have.
#[inline]
fn same_text(a: &str, b: &str) -> bool {
    // Ids cloned from the policy share their text.
    if std::ptr::eq(a, b) {
        return true;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    match a.len() {
        // Two overlapping machine words cover the whole id.
        8..=16 => {
            a.first_chunk::<8>() == b.first_chunk::<8>()
                && a.last_chunk::<8>() == b.last_chunk::<8>()
        }
        0..8 => a.iter().zip(b).all(|(x, y)| x == y),
        _ => a == b,
    }
}

/// Of the rules in `among` (a bit per index into `rules`, at most 64
/// rules), those that `log` shows fired in `cycle`: one pass over the log,
/// stopping once every rule asked about is found.
fn fired_among(
    rules: &[Rule],
    masks: &RuleMasks,
    log: &SupervisionLog,
    cycle: u32,
    among: u64,
) -> u64 {
    let mut unknown = among;
    let mut fired = 0;
    for notice in &log.notices {
        if unknown == 0 {
            break;
        }
        if notice.cycle != cycle {
            continue;
        }
        if let Some(i) = rule_index(rules, masks, notice) {
            fired |= unknown & (1 << i);
            unknown &= !(1 << i);
        }
    }
    fired
}

/// The index of the rule among the first 64 of `rules` that gave
/// `notice`, by its id. It is first tried against the rules with its
/// action (the rule that gave it, as a rule keeps its action; its id
/// shares the rule's text, so one address comparison finds it), then
/// against the others.
#[inline]
fn rule_index(rules: &[Rule], masks: &RuleMasks, notice: &Notice) -> Option<usize> {
    let likely = masks.by_action[notice.action as usize];
    let at = notice.rule.text_at();
    let mut bits = likely;
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        if masks.id_at[i] == at {
            return Some(i);
        }
    }
    // Rule ids are unique in a policy: at most one matches.
    let all = if rules.len() >= 64 { u64::MAX } else { (1u64 << rules.len()) - 1 };
    let id = notice.rule.as_str();
    first_same(rules, likely, id).or_else(|| first_same(rules, all & !likely, id))
}

/// The first rule among `bits` whose id is `id`.
#[inline]
fn first_same(rules: &[Rule], mut bits: u64, id: &str) -> Option<usize> {
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        if same_text(rules[i].id().as_str(), id) {
            return Some(i);
        }
    }
    None
}

/// Where a covered day stands among the calendar's working days.
#[derive(Debug, Clone, Copy)]
struct Rank {
    /// Working days on or before it.
    through: u32,
    /// Working days before it.
    before: u32,
}

/// Cheap, exact screening of triggers at `now`: [`Probe::may_fire`] is
/// false only when [`fire_at`] would give `Ok(None)` or an instant after
/// `now`, so the rule neither fires nor fails. It compares working-day
/// ranks instead of building dates and instants, and works out what it
/// needs of `now`, the calendar and the deadlines once per evaluation.
struct Probe<'a> {
    cal: &'a WorkCalendar,
    now: DateTime<FixedOffset>,
    /// The rank of the civil day of `now`, when covered.
    today: Option<Option<Rank>>,
    /// The ranks of the promised and statutory due dates, when covered.
    due: [Option<Option<Rank>>; 2],
}

impl<'a> Probe<'a> {
    fn new(cal: &'a WorkCalendar, now: DateTime<FixedOffset>) -> Probe<'a> {
        Probe { cal, now, today: None, due: [None; 2] }
    }

    fn rank(cal: &WorkCalendar, i: usize) -> Rank {
        let before = if i == 0 { 0 } else { cal.working_through(i - 1) };
        Rank { through: cal.working_through(i), before }
    }

    fn date_rank(&self, date: NaiveDate) -> Option<Rank> {
        self.cal.day_index(date).ok().map(|i| Probe::rank(self.cal, i))
    }

    #[inline]
    fn today(&mut self) -> Option<Rank> {
        let (cal, now) = (self.cal, self.now);
        *self.today.get_or_insert_with(|| {
            cal.start_index(&cal.moment(&now)).ok().map(|i| Probe::rank(cal, i))
        })
    }

    /// Whether the midnight starting `date` has come by `now` (what
    /// `start_of(date) <= now` tells in [`fire_at`]), for a covered date.
    fn started(&mut self, date: NaiveDate) -> bool {
        date <= self.cal.to_civil(&self.now).date()
    }

    /// Whether the midnight starting the `n`-th working day after `date`
    /// has come by `now`; `None` when [`WorkCalendar::add_working_days`]
    /// fails.
    fn started_after(&mut self, date: NaiveDate, n: u32, rank: Option<Rank>) -> Option<bool> {
        let rank = rank?;
        if n == 0 {
            return Some(self.started(date));
        }
        // The result is the working day of rank `through + n`.
        let target = u64::from(rank.through) + u64::from(n);
        if target > self.cal.working_day_count() {
            return None;
        }
        Some(match self.today() {
            Some(today) => u64::from(today.through) >= target,
            None => self.started(self.cal.add_working_days(date, n).ok()?),
        })
    }

    /// Whether the midnight starting the `n`-th working day before `date`
    /// has come by `now`; `None` when [`WorkCalendar::sub_working_days`]
    /// fails.
    fn started_before(&mut self, date: NaiveDate, n: u32, rank: Option<Rank>) -> Option<bool> {
        let rank = rank?;
        if n == 0 {
            return Some(self.started(date));
        }
        // The result is the working day of rank `before - n + 1`.
        let target = rank.before.checked_sub(n)? + 1;
        Some(match self.today() {
            Some(today) => today.through >= target,
            None => self.started(self.cal.sub_working_days(date, n).ok()?),
        })
    }

    /// The rank of a clock's due date, worked out once.
    fn due_rank(&mut self, c: &ClockReading, d: Deadline) -> Option<Rank> {
        let (slot, date) = match d {
            Deadline::Promised => (0, c.promised_due.date),
            Deadline::Statutory => (1, c.statutory_due.date),
        };
        match self.due[slot] {
            Some(rank) => rank,
            None => {
                let rank = self.date_rank(date);
                self.due[slot] = Some(rank);
                rank
            }
        }
    }

    /// Whether `add_working_seconds(at, seconds)` succeeds, without
    /// building the instant: the same count against the same tables.
    fn can_add_working_seconds(&mut self, at: &DateTime<FixedOffset>, seconds: u64) -> bool {
        let cal = self.cal;
        let Ok(base) = cal.working_seconds_at(&cal.moment(at)) else {
            return false;
        };
        let Some(target) = base.checked_add(seconds) else {
            return false;
        };
        let day = u64::from(cal.office_hours().day_seconds());
        if day == 0 {
            return false;
        }
        let (whole, rest) = (target / day, target % day);
        // The index of the working day the count ends on.
        let k = if rest == 0 { whole.wrapping_sub(1) } else { whole };
        k < self.cal.working_day_count()
    }

    /// Whether a deadline `due` may be missed by `days` working days by
    /// `now` (0: just after it).
    #[inline]
    fn missed(&mut self, due: Option<DateTime<FixedOffset>>, days: u32) -> bool {
        match due {
            None => false,
            Some(due) if days == 0 => due < self.now,
            Some(due) => {
                let day = self.cal.to_civil(&due).date();
                let rank = self.date_rank(day);
                self.started_after(day, days, rank).unwrap_or(true)
            }
        }
    }

    /// Whether the trigger may be met by `now`; false only when it is
    /// surely not and working out its instant would not fail.
    #[inline]
    fn may_fire(&mut self, trigger: Trigger, obs: &Observation) -> bool {
        let due = |c: &ClockReading, d: Deadline| match d {
            Deadline::Promised => c.promised_due,
            Deadline::Statutory => c.statutory_due,
        };
        match trigger {
            Trigger::ShareUsed { deadline, percent } => match &obs.clock {
                None => false,
                // The statutory budget takes a calendar count that may fail.
                Some(_) if deadline == Deadline::Statutory => true,
                Some(c) if c.suspended || c.stopped => false,
                Some(c) => {
                    let needed = (u64::from(percent) * c.promised_budget_seconds).div_ceil(100);
                    // Working time added after `c.at` ends after it, so
                    // after `now` when the reading is not behind it.
                    c.used_seconds >= needed
                        || c.at < self.now
                        || !self.can_add_working_seconds(&c.at, needed - c.used_seconds)
                }
            },
            Trigger::RemainingAtMost { deadline, days } => match &obs.clock {
                None => false,
                Some(c) if c.suspended || c.stopped => false,
                Some(c) => {
                    let rank = self.due_rank(c, deadline);
                    self.started_before(due(c, deadline).date, days, rank).unwrap_or(true)
                }
            },
            Trigger::OverdueBy { deadline, days } => match &obs.clock {
                None => false,
                Some(c) => {
                    let d = due(c, deadline);
                    let running = !(c.suspended || c.stopped);
                    if days == 0 {
                        // Just after the deadline: not while it is to come.
                        running && d.at < self.now
                    } else {
                        let rank = self.due_rank(c, deadline);
                        match self.started_after(d.date, days, rank) {
                            // Also never before just after the deadline.
                            Some(started) => running && d.at < self.now && started,
                            None => true,
                        }
                    }
                }
            },
            Trigger::StuckFor { days } => {
                let entered = self.cal.to_civil(&obs.state_since).date();
                let rank = self.date_rank(entered);
                self.started_after(entered, days, rank).unwrap_or(true)
            }
            Trigger::VisitsAtLeast { visits } => obs.visits >= visits,
            Trigger::NoFeedback { days } => self.missed(obs.feedback_due, days),
            Trigger::OrderIgnored => obs.order_due.is_some_and(|due| due < self.now),
            Trigger::DeliveryLate { days } => self.missed(obs.delivery_due, days),
            Trigger::AcceptanceLate { days } => self.missed(obs.acceptance_due, days),
        }
    }
}

impl EscalationPolicy {
    /// The notices due for a subject at `now`: every rule watching its kind,
    /// not yet fired in its cycle (per `log`), whose trigger is met by
    /// `now`. Closed subjects get none. Pure: record the notices in the log
    /// and evaluating again gives nothing new. `obs` must be the subject
    /// observed at the same `now`.
    ///
    /// # Errors
    ///
    /// [`EscalationError::Calendar`] when a date falls outside the calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::escalation::{Action, EscalationPolicy, Observation, SubjectKind, SupervisionLog};
    ///
    /// let cal = WorkCalendar::china();
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let policy = EscalationPolicy::default();
    /// // A ticket whose feedback was due on 5 March.
    /// let mut obs = Observation::new(SubjectKind::Ticket, at("2026-03-02T09:00:00+08:00"));
    /// obs.feedback_due = Some(at("2026-03-05T17:30:00+08:00"));
    /// let mut log = SupervisionLog::new();
    /// let notices = policy.evaluate(&obs, &log, &cal, at("2026-03-06T09:00:00+08:00"))?;
    /// assert_eq!(notices.iter().map(|n| n.action).collect::<Vec<_>>(), [Action::Reminder]);
    /// log.record(notices);
    /// assert!(policy.evaluate(&obs, &log, &cal, at("2026-03-06T10:00:00+08:00"))?.is_empty());
    /// // Five working days after the deadline: a supervision order.
    /// let next = policy.next_due(&obs, &log, &cal, at("2026-03-06T10:00:00+08:00"))?;
    /// assert_eq!(next, Some(at("2026-03-12T00:00:00+08:00")));
    /// # Ok::<(), shenpi::escalation::EscalationError>(())
    /// ```
    pub fn evaluate(
        &self,
        obs: &Observation,
        log: &SupervisionLog,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
    ) -> Result<Vec<Notice>, EscalationError> {
        let mut notices = Vec::new();
        self.evaluate_into(obs, log, cal, now, &mut notices)?;
        Ok(notices)
    }

    /// [`evaluate`](Self::evaluate) into a buffer the caller keeps: appends
    /// the notices due at `now`, in the same order, to `out` and leaves what
    /// it already held. A sweep over many subjects reuses one `Vec` and
    /// allocates nothing for subjects with nothing due.
    ///
    /// # Errors
    ///
    /// As for [`evaluate`](Self::evaluate); `out` is then left as it was.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::escalation::{Action, EscalationPolicy, Observation, SubjectKind, SupervisionLog};
    ///
    /// let cal = WorkCalendar::china();
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let policy = EscalationPolicy::default();
    /// let now = at("2026-03-06T09:00:00+08:00");
    /// let mut late = Observation::new(SubjectKind::Ticket, at("2026-03-02T09:00:00+08:00"));
    /// late.feedback_due = Some(at("2026-03-05T17:30:00+08:00"));
    /// let mut calm = late.clone();
    /// calm.feedback_due = Some(at("2026-03-09T17:30:00+08:00"));
    /// let log = SupervisionLog::new();
    /// let mut notices = Vec::new();
    /// for obs in [&late, &calm] {
    ///     notices.clear();
    ///     policy.evaluate_into(obs, &log, &cal, now, &mut notices)?;
    ///     assert_eq!(notices, policy.evaluate(obs, &log, &cal, now)?);
    /// }
    /// assert!(notices.is_empty());
    /// # Ok::<(), shenpi::escalation::EscalationError>(())
    /// ```
    pub fn evaluate_into(
        &self,
        obs: &Observation,
        log: &SupervisionLog,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
        out: &mut Vec<Notice>,
    ) -> Result<(), EscalationError> {
        self.evaluate_with(obs, log, Probe::new(cal, now), out)
    }

    /// [`evaluate_into`](Self::evaluate_into) with the probe at `now`.
    #[inline]
    fn evaluate_with(
        &self,
        obs: &Observation,
        log: &SupervisionLog,
        mut probe: Probe<'_>,
        out: &mut Vec<Notice>,
    ) -> Result<(), EscalationError> {
        let (cal, now) = (probe.cal, probe.now);
        if !obs.open {
            return Ok(());
        }
        let rules = self.rules();
        if rules.len() > u64::BITS as usize {
            return self.evaluate_each_into(obs, log, cal, now, out);
        }
        // The rules watching this kind of subject that have not fired in
        // its cycle (from a prepared log's memo, or one pass over the
        // notices), then of those the ones that
        // may fire by `now`: every other rule is known not to fire, without
        // an error, so it needs no exact instant.
        let masks = self.masks();
        let watching = masks.by_kind[obs.kind as usize];
        let fired = match log.memo_fired(self, obs.cycle, watching) {
            Some(fired) => fired,
            None => fired_among(rules, masks, log, obs.cycle, watching),
        };
        let mut pending = watching & !fired;
        let start = out.len();
        while pending != 0 {
            let i = pending.trailing_zeros() as usize;
            pending &= pending - 1;
            let rule = &rules[i];
            if !probe.may_fire(rule.trigger(), obs) {
                debug_assert!(
                    matches!(fire_at(rule.trigger(), obs, cal, now), Ok(at) if at.is_none_or(|at| at > now)),
                    "rule {} was screened out but fires or fails at {now}",
                    rule.id()
                );
                continue;
            }
            if let Err(e) = self.push_if_due(rule, obs, cal, now, out) {
                out.truncate(start);
                return Err(e);
            }
        }
        sort_notices(&mut out[start..]);
        Ok(())
    }

    /// [`evaluate_into`](Self::evaluate_into) rule by rule, for policies
    /// with more rules than the fast path tracks.
    fn evaluate_each_into(
        &self,
        obs: &Observation,
        log: &SupervisionLog,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
        out: &mut Vec<Notice>,
    ) -> Result<(), EscalationError> {
        let start = out.len();
        for rule in self.rules() {
            if !rule.watches(obs.kind) || log.has_fired(rule.id(), obs.cycle) {
                continue;
            }
            if let Err(e) = self.push_if_due(rule, obs, cal, now, out) {
                out.truncate(start);
                return Err(e);
            }
        }
        sort_notices(&mut out[start..]);
        Ok(())
    }

    /// Pushes `rule`'s notice when its trigger is met by `now`.
    fn push_if_due(
        &self,
        rule: &Rule,
        obs: &Observation,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
        out: &mut Vec<Notice>,
    ) -> Result<(), EscalationError> {
        if let Some(at) = fire_at(rule.trigger(), obs, cal, now)? {
            if at <= now {
                let meeting = if rule.action() == Action::ReferToJointMeeting {
                    let day = cal.to_civil(&now).date();
                    Some(self.meetings().joint.next_on_or_after(cal, day)?)
                } else {
                    None
                };
                out.push(Notice {
                    rule: rule.id().clone(),
                    level: rule.level(),
                    action: rule.action(),
                    cycle: obs.cycle,
                    due_at: at,
                    meeting,
                    provisional: obs.clock.as_ref().is_some_and(|c| c.provisional)
                        || cal.is_provisional(cal.to_civil(&at).date()),
                });
            }
        }
        Ok(())
    }

    /// The instant the next rule will fire for the subject if nothing else
    /// happens: the earliest trigger after `now` among rules not yet fired
    /// in its cycle. `None` when no rule can fire without a new event; the
    /// host sets one timer per subject and re-evaluates on every event.
    ///
    /// # Errors
    ///
    /// [`EscalationError::Calendar`] when a date falls outside the calendar.
    ///
    /// # Example
    ///
    /// See [`evaluate`](Self::evaluate).
    pub fn next_due(
        &self,
        obs: &Observation,
        log: &SupervisionLog,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
    ) -> Result<Option<DateTime<FixedOffset>>, EscalationError> {
        if !obs.open {
            return Ok(None);
        }
        let mut next: Option<DateTime<FixedOffset>> = None;
        for rule in self.rules() {
            if !rule.watches(obs.kind) || log.has_fired(rule.id(), obs.cycle) {
                continue;
            }
            if let Some(at) = fire_at(rule.trigger(), obs, cal, now)? {
                if at > now && next.is_none_or(|n| at < n) {
                    next = Some(at);
                }
            }
        }
        Ok(next)
    }
}

/// One instant at which many subjects are evaluated: a supervision sweep
/// (电子监察) over a host's open work. It works out once what every subject
/// asks of the calendar at `now`, so each subject costs only its own part;
/// it answers exactly as [`Supervised::observe`] and
/// [`EscalationPolicy::evaluate_into`] at the same instant do. Subjects
/// and logs loaded for repeated sweeps are best prepared once
/// ([`Case::prepare`](crate::case::Case::prepare),
/// [`SupervisionLog::prepare`]): each subject then costs a few table
/// look-ups and bit operations.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::escalation::{EscalationPolicy, Observation, SubjectKind, SupervisionLog};
///
/// let cal = WorkCalendar::china();
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
/// let policy = EscalationPolicy::default();
/// let sweep = policy.sweep(&cal, at("2026-03-06T09:00:00+08:00"));
/// let mut late = Observation::new(SubjectKind::Ticket, at("2026-03-02T09:00:00+08:00"));
/// late.feedback_due = Some(at("2026-03-05T17:30:00+08:00"));
/// let (log, mut notices) = (SupervisionLog::new(), Vec::new());
/// sweep.evaluate_into(&late, &log, &mut notices)?;
/// assert_eq!(notices, policy.evaluate(&late, &log, &cal, sweep.now())?);
/// assert_eq!(notices[0].rule.as_str(), "feedback-late");
/// # Ok::<(), shenpi::escalation::EscalationError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Sweep<'a> {
    policy: &'a EscalationPolicy,
    cal: &'a WorkCalendar,
    point: Point,
    /// Where the day of `now` stands among the working days, when covered.
    today: Option<Rank>,
}

impl EscalationPolicy {
    /// A sweep of this policy on `cal` at `now`.
    ///
    /// # Example
    ///
    /// See [`Sweep`].
    pub fn sweep<'a>(&'a self, cal: &'a WorkCalendar, now: DateTime<FixedOffset>) -> Sweep<'a> {
        let point = cal.point(&now);
        let today = point.start.map(|i| Probe::rank(cal, i));
        Sweep { policy: self, cal, point, today }
    }
}

impl<'a> Sweep<'a> {
    /// The instant of the sweep.
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.point.at
    }

    /// The calendar of the sweep.
    pub fn calendar(&self) -> &'a WorkCalendar {
        self.cal
    }

    /// The policy swept.
    pub fn policy(&self) -> &'a EscalationPolicy {
        self.policy
    }

    /// Exposes what [`Sweep::calendar`] says of [`Sweep::now`] to the
    /// crate's own subjects.
    pub(crate) fn point(&self) -> &Point {
        &self.point
    }

    /// `subject` as seen at the sweep's instant
    /// ([`Supervised::observe_in`]).
    ///
    /// # Errors
    ///
    /// As for [`Supervised::observe`].
    pub fn observe<S: Supervised + ?Sized>(
        &self,
        subject: &S,
    ) -> Result<Observation, EscalationError> {
        subject.observe_in(self)
    }

    /// [`EscalationPolicy::evaluate_into`] at the sweep's calendar and
    /// instant.
    ///
    /// # Errors
    ///
    /// As for [`EscalationPolicy::evaluate_into`]; `out` is then left as it
    /// was.
    #[inline]
    pub fn evaluate_into(
        &self,
        obs: &Observation,
        log: &SupervisionLog,
        out: &mut Vec<Notice>,
    ) -> Result<(), EscalationError> {
        let probe =
            Probe { cal: self.cal, now: self.point.at, today: Some(self.today), due: [None; 2] };
        self.policy.evaluate_with(obs, log, probe, out)
    }

    /// Observes `subject` and appends the notices due for it to `out`: the
    /// whole of one subject's part in a sweep.
    ///
    /// # Errors
    ///
    /// As for [`Sweep::observe`] and [`Sweep::evaluate_into`].
    pub fn check_into<S: Supervised + ?Sized>(
        &self,
        subject: &S,
        log: &SupervisionLog,
        out: &mut Vec<Notice>,
    ) -> Result<(), EscalationError> {
        let obs = self.observe(subject)?;
        self.evaluate_into(&obs, log, out)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta};

    use super::*;
    use crate::limit::{LegalClock, SuspensionKind, Thresholds, TimeLimit};

    /// The screened path gives what the rule-by-rule path gives, notices
    /// and errors alike, up to the end of the calendar's years.
    #[test]
    fn screening_agrees_with_rule_by_rule_evaluation() {
        let cal = WorkCalendar::china();
        let policy = EscalationPolicy::default();
        let at = |s| DateTime::parse_from_rfc3339(s).expect("a valid instant");
        let mut checked = (0, 0);
        for (accepted, promised, statutory) in [
            ("2026-02-13T10:00:00+08:00", 3, 20),
            ("2026-09-28T16:00:00+08:00", 10, 20),
            ("2026-12-01T09:00:00+08:00", 7, 15),
            ("2026-12-18T10:00:00+08:00", 3, 5),
            ("2026-12-28T15:00:00Z", 1, 2),
        ] {
            let start = at(accepted);
            let limits = (TimeLimit::working_days(promised), TimeLimit::working_days(statutory));
            let mut clock = LegalClock::start(start, limits.0, limits.1).expect("valid limits");
            let mut suspended = clock.clone();
            let pause = start + TimeDelta::days(3);
            suspended.suspend(SuspensionKind::Correction, pause).expect("after the start");
            suspended.resume(pause + TimeDelta::days(5)).expect("after the suspension");
            clock.extend(2, start + TimeDelta::days(1)).expect("after the start");
            for clock in [&clock, &suspended] {
                let mut log = SupervisionLog::new();
                for step in 0..150 {
                    let now = start + TimeDelta::hours(7 * step);
                    let mut obs = Observation::new(SubjectKind::Case, start);
                    obs.clock = clock.reading(&cal, now, &Thresholds::default()).ok();
                    let fast = policy.evaluate(&obs, &log, &cal, now);
                    let mut each = Vec::new();
                    let slow =
                        policy.evaluate_each_into(&obs, &log, &cal, now, &mut each).map(|()| each);
                    assert_eq!(fast, slow, "accepted {accepted}, read at {now}");
                    checked.0 += 1;
                    match fast {
                        Ok(notices) if step % 3 == 0 => log.record(notices),
                        Ok(_) => {}
                        Err(_) => checked.1 += 1,
                    }
                }
            }
        }
        assert!(checked.1 > 0, "some evaluations run past the calendar: {checked:?}");
    }

    /// A prepared log answers from its memo for the policy it was
    /// prepared for (and its clones), keeps it up to date as notices are
    /// recorded, and leaves any other policy to read the notices.
    #[test]
    fn a_prepared_log_answers_from_its_memo() {
        let cal = WorkCalendar::china();
        let at = |s| DateTime::parse_from_rfc3339(s).expect("a valid instant");
        let policy = EscalationPolicy::default();
        let clone = policy.clone();
        let twin = EscalationPolicy::new(policy.rules().to_vec(), *policy.meetings())
            .expect("the default rules are valid");
        let mut obs = Observation::new(SubjectKind::Ticket, at("2026-03-02T09:00:00+08:00"));
        obs.feedback_due = Some(at("2026-03-05T17:30:00+08:00"));
        let mut log = SupervisionLog::new();
        log.prepare(&policy);
        let all = u64::MAX;
        assert_eq!(log.memo_fired(&clone, 0, all), Some(0));
        assert_eq!(log.memo_fired(&twin, 0, all), None);
        let now = at("2026-03-06T09:00:00+08:00");
        log.record(policy.evaluate(&obs, &log, &cal, now).expect("covered"));
        let late = policy.rules().iter().position(|r| r.id().as_str() == "feedback-late");
        let late = late.expect("the default policy reminds of late feedback");
        assert_eq!(log.memo_fired(&policy, 0, all), Some(1 << late));
        // A later cycle starts afresh; an earlier one is read in full.
        obs.cycle = 1;
        assert_eq!(log.memo_fired(&policy, 1, all), Some(0));
        log.record(policy.evaluate(&obs, &log, &cal, now).expect("covered"));
        assert_eq!(log.memo_fired(&policy, 1, all), Some(1 << late));
        assert_eq!(log.memo_fired(&policy, 0, all), None);
        assert_eq!(fired_among(policy.rules(), policy.masks(), &log, 0, all), 1 << late);
        // Decoded, a log is not prepared.
        let json = serde_json::to_string(&log).expect("a log encodes");
        let back: SupervisionLog = serde_json::from_str(&json).expect("and decodes");
        assert_eq!(back, log);
        assert_eq!(back.memo_fired(&policy, 1, all), None);
    }
}
