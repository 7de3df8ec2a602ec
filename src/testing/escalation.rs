use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, TimeDelta};

use super::violation::{beyond_calendar, broken};
use super::{Law, Machine, Refusal, Violation};
use crate::calendar::WorkCalendar;
use crate::escalation::{
    EscalationError, EscalationPolicy, Notice, Observation, RuleId, Supervised, SupervisionLog,
};

type Instant = DateTime<FixedOffset>;

/// The most timers followed between two events of a subject's life.
const MAX_TIMERS: usize = 256;

/// What an escalation call gave, or that it ran past the calendar.
enum Answer<T> {
    Got(T),
    Beyond,
}

fn ask<T>(what: &'static str, r: Result<T, EscalationError>) -> Result<Answer<T>, Violation> {
    match r {
        Ok(t) => Ok(Answer::Got(t)),
        Err(e) => {
            let error = Refusal::from(e);
            if beyond_calendar(&error) {
                Ok(Answer::Beyond)
            } else {
                Err(Violation::Failed { machine: Machine::Escalation, what, error })
            }
        }
    }
}

macro_rules! got {
    ($answer:expr) => {
        match $answer? {
            Answer::Got(t) => t,
            Answer::Beyond => break,
        }
    };
}

fn rules(notices: &[Notice]) -> BTreeSet<RuleId> {
    notices.iter().map(|n| n.rule.clone()).collect()
}

fn names(rules: &BTreeSet<RuleId>) -> String {
    let names: Vec<&str> = rules.iter().map(RuleId::as_str).collect();
    format!("[{}]", names.join(", "))
}

/// Follows a subject's life under `policy` the way a host does, and checks
/// the escalation laws on the way; returns the supervision log it built.
///
/// `life` is the subject after each of its events, with the event's instant
/// (see [`case_life`](super::case_life) and
/// [`ticket_life`](super::ticket_life)), in order. Between two events the
/// subject stands still: the kit evaluates at the first event's instant,
/// records the notices, asks [`EscalationPolicy::next_due`] and follows
/// that timer, again and again until the next event (or `until`, after
/// the last). The laws:
///
/// - evaluation is idempotent: the same notices twice, and nothing once
///   they are recorded;
/// - a log prepared for the policy ([`SupervisionLog::prepare`]) and kept
///   up to date by recording gives the same notices as the log read in
///   full;
/// - no notice is due after the instant it is evaluated at, belongs to
///   another cycle, or fires twice in a cycle;
/// - `next_due` is exact: it is later than `now`, nothing is due a second
///   before it, and at it a notice is due exactly then;
/// - levels only climb: while the subject stands still, every rule due at
///   one instant (from an empty log) is due at every later one;
/// - a closed subject fires nothing and has nothing due.
///
/// Evaluations past the calendar's covered years end the stretch they are
/// in, silently.
///
/// # Errors
///
/// The first [`Violation`] found.
///
/// # Example
///
/// See the [module documentation](super).
pub fn check_escalation_laws<S: Supervised>(
    policy: &EscalationPolicy,
    cal: &WorkCalendar,
    life: &[(Instant, S)],
    until: Instant,
) -> Result<SupervisionLog, Violation> {
    let m = Machine::Escalation;
    let mut log = SupervisionLog::new();
    // The same log, prepared for the policy from the start.
    let mut prepared = SupervisionLog::new();
    prepared.prepare(policy);
    let empty = SupervisionLog::new();
    for (i, (at, subject)) in life.iter().enumerate() {
        let end = life.get(i + 1).map_or(until, |(next, _)| *next);
        let observe = |now: Instant| ask("observing the subject", subject.observe(cal, now));
        let mut now = *at;
        let mut timer = false;
        let mut due_before: Option<(Instant, BTreeSet<RuleId>)> = None;
        for _ in 0..MAX_TIMERS {
            let obs: Observation = got!(observe(now));
            let evaluate =
                |log: &SupervisionLog| ask("evaluation", policy.evaluate(&obs, log, cal, now));
            let notices = got!(evaluate(&log));
            if !obs.open {
                let next = got!(ask("next_due", policy.next_due(&obs, &empty, cal, now)));
                let fresh = got!(evaluate(&empty));
                if !fresh.is_empty() || next.is_some() {
                    return Err(broken(
                        m,
                        Law::ClosedFiresNothing,
                        None,
                        Some(now),
                        "no notice and no timer",
                        format!("{} and timer {next:?}", names(&rules(&fresh))),
                    ));
                }
                break;
            }
            let from_prepared = got!(evaluate(&prepared));
            if from_prepared != notices {
                return Err(broken(
                    m,
                    Law::PreparedLogAgrees,
                    None,
                    Some(now),
                    names(&rules(&notices)),
                    format!("{} from the prepared log", names(&rules(&from_prepared))),
                ));
            }
            let again = got!(evaluate(&log));
            if again != notices {
                return Err(broken(
                    m,
                    Law::EvaluationIdempotent,
                    None,
                    Some(now),
                    names(&rules(&notices)),
                    format!("{} the second time", names(&rules(&again))),
                ));
            }
            for n in &notices {
                if n.due_at > now || n.cycle != obs.cycle || log.has_fired(&n.rule, n.cycle) {
                    return Err(broken(
                        m,
                        Law::NeverEarlyNeverTwice,
                        None,
                        Some(now),
                        format!("a notice due by now, of cycle {}, not fired before", obs.cycle),
                        format!(
                            "{} due at {} in cycle {}{}",
                            n.rule,
                            n.due_at.to_rfc3339(),
                            n.cycle,
                            if log.has_fired(&n.rule, n.cycle) { ", fired before" } else { "" }
                        ),
                    ));
                }
            }
            if timer && !notices.iter().any(|n| n.due_at == now) {
                return Err(broken(
                    m,
                    Law::NextDueExact,
                    None,
                    Some(now),
                    "a notice due exactly at the timer",
                    names(&rules(&notices)),
                ));
            }
            let fresh = rules(&got!(evaluate(&empty)));
            if let Some((then, earlier)) = &due_before {
                if let Some(lost) = earlier.difference(&fresh).next() {
                    return Err(broken(
                        m,
                        Law::LevelsMonotone,
                        None,
                        Some(now),
                        format!("rule {lost}, due at {}, still due", then.to_rfc3339()),
                        format!("only {}", names(&fresh)),
                    ));
                }
            }
            due_before = Some((now, fresh));
            prepared.record(notices.iter().cloned());
            log.record(notices);
            let after = got!(evaluate(&log));
            if !after.is_empty() {
                return Err(broken(
                    m,
                    Law::EvaluationIdempotent,
                    None,
                    Some(now),
                    "nothing once the notices are recorded",
                    names(&rules(&after)),
                ));
            }
            let Some(t) = got!(ask("next_due", policy.next_due(&obs, &log, cal, now))) else {
                break;
            };
            if t <= now {
                return Err(broken(
                    m,
                    Law::NextDueExact,
                    None,
                    Some(now),
                    "a timer after now",
                    t.to_rfc3339(),
                ));
            }
            if t >= end {
                break;
            }
            let before = t - TimeDelta::seconds(1);
            if before > now {
                let obs = got!(observe(before));
                let early = got!(ask("evaluation", policy.evaluate(&obs, &log, cal, before)));
                if !early.is_empty() {
                    return Err(broken(
                        m,
                        Law::NextDueExact,
                        None,
                        Some(before),
                        format!("nothing due a second before the timer at {}", t.to_rfc3339()),
                        names(&rules(&early)),
                    ));
                }
            }
            now = t;
            timer = true;
        }
    }
    Ok(log)
}
