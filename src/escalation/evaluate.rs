use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta};
use serde::{Deserialize, Serialize};

use super::{Action, EscalationError, EscalationPolicy, Level, RuleId, SubjectKind, Trigger};
use crate::calendar::WorkCalendar;
use crate::limit::{ClockReading, Deadline};

/// What the escalation engine needs to know of a subject at `now`; built by
/// [`Supervised::observe`].
///
/// # Example
///
/// See [`Supervised`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

/// A rule that fired for a subject: what to do, at which level, since
/// when, and (for a referral) the date of the joint meeting.
///
/// # Example
///
/// See [`EscalationPolicy::evaluate`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
}

/// The notices a subject has had: its supervision history, which the host
/// stores beside the subject and passes back at each evaluation, so that
/// each rule fires once per cycle.
///
/// # Example
///
/// See [`EscalationPolicy::evaluate`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisionLog {
    notices: Vec<Notice>,
}

impl SupervisionLog {
    /// An empty log.
    pub fn new() -> SupervisionLog {
        SupervisionLog::default()
    }

    /// Records notices (as [`EscalationPolicy::evaluate`] returned them).
    pub fn record<I: IntoIterator<Item = Notice>>(&mut self, notices: I) {
        self.notices.extend(notices);
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
    let just_after = |t: DateTime<FixedOffset>| t + TimeDelta::seconds(1);
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
                if c.used_seconds >= needed {
                    Some(now.min(c.at))
                } else if c.suspended || c.stopped {
                    None
                } else {
                    Some(cal.add_working_seconds(&c.at, needed - c.used_seconds)?)
                }
            }
        },
        Trigger::RemainingAtMost { deadline, days } => match &obs.clock {
            None => None,
            Some(c) if c.suspended => {
                let left = match deadline {
                    Deadline::Promised => c.remaining_promised_days,
                    Deadline::Statutory => c.remaining_statutory_days,
                };
                (left <= i64::from(days)).then_some(now)
            }
            Some(c) => {
                let d = due(c, deadline);
                Some(start_of(cal.sub_working_days(d.date, days)?)?)
            }
        },
        Trigger::OverdueBy { deadline, days } => match &obs.clock {
            None => None,
            Some(c) => {
                let d = due(c, deadline);
                let at = if days == 0 {
                    just_after(d.at)
                } else {
                    start_of(cal.add_working_days(d.date, days)?)?
                };
                // While suspended the deadline moves on: only what has
                // already happened counts.
                if c.suspended && at > now {
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
            Some(due) if days == 0 => Some(just_after(due)),
            Some(due) => {
                let day = cal.to_civil(&due).date();
                Some(start_of(cal.add_working_days(day, days)?)?)
            }
        },
        Trigger::OrderIgnored => obs.order_due.map(just_after),
    })
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
        if !obs.open {
            return Ok(notices);
        }
        for rule in self.rules() {
            if !rule.watches(obs.kind) || log.has_fired(rule.id(), obs.cycle) {
                continue;
            }
            if let Some(at) = fire_at(rule.trigger(), obs, cal, now)? {
                if at <= now {
                    let meeting = if rule.action() == Action::ReferToJointMeeting {
                        let day = cal.to_civil(&now).date();
                        Some(self.meetings().joint.next_on_or_after(cal, day)?)
                    } else {
                        None
                    };
                    notices.push(Notice {
                        rule: rule.id().clone(),
                        level: rule.level(),
                        action: rule.action(),
                        cycle: obs.cycle,
                        due_at: at,
                        meeting,
                    });
                }
            }
        }
        notices.sort_by(|a, b| (a.level, a.action, &a.rule).cmp(&(b.level, b.action, &b.rule)));
        Ok(notices)
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
