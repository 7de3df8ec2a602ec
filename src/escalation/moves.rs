use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Observation, Supervised};
use crate::calendar::{CalendarChange, WorkCalendar};

/// Which deadline of a subject moved.
///
/// # Example
///
/// ```
/// use shenpi::escalation::MovedDeadline;
///
/// assert_eq!(MovedDeadline::Statutory.to_string(), "statutory");
/// assert_eq!(serde_json::to_string(&MovedDeadline::Feedback)?, r#""feedback""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MovedDeadline {
    /// The promised deadline of a clock (承诺时限).
    Promised,
    /// The statutory deadline of a clock (法定时限).
    Statutory,
    /// A ticket's feedback deadline.
    Feedback,
    /// The deadline of a supervision order (督办).
    Order,
}

impl fmt::Display for MovedDeadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MovedDeadline::Promised => "promised",
            MovedDeadline::Statutory => "statutory",
            MovedDeadline::Feedback => "feedback",
            MovedDeadline::Order => "order",
        })
    }
}

/// A deadline that a calendar change moved (or firmed): data for a host to
/// notify the applicant and keep in its audit trail.
///
/// `from` and `to` are `None` where the deadline could not be worked out on
/// that calendar (a year it did not cover). `because` lists the changed
/// days that lie between the start of the count and the later of the two
/// deadlines: the days that moved it.
///
/// # Example
///
/// See [`moved_deadlines`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeadlineMove {
    /// The host's name for the subject (a case id, a ticket id, a step).
    pub subject: String,
    /// Which of its deadlines.
    pub deadline: MovedDeadline,
    /// The deadline on the calendar before.
    pub from: Option<DateTime<FixedOffset>>,
    /// The deadline on the calendar after.
    pub to: Option<DateTime<FixedOffset>>,
    /// Whether the deadline before was provisional.
    #[serde(default)]
    pub provisional_before: bool,
    /// Whether the deadline after is provisional.
    #[serde(default)]
    pub provisional_after: bool,
    /// The changed days that moved it, in order.
    #[serde(default)]
    pub because: Vec<NaiveDate>,
}

/// The deadlines of `subjects` that move (or become firm) when the calendar
/// changes from `before` to `after`, observed at `now`: each subject is
/// observed on both calendars, and every deadline whose instant or
/// provisional mark differs is listed, with the changed days of `change`
/// that moved it. Subjects are given with the host's name for them; cases,
/// bare legal clocks,
/// graph-run steps ([`RunStep`](super::RunStep)) and tickets are all
/// [`Supervised`].
///
/// A subject whose observation fails on both calendars is left out; one
/// that fails on one side only has `None` on that side.
///
/// # Example
///
/// ```
/// use chrono::{DateTime, NaiveDate};
/// use shenpi::calendar::{statutory_holidays, Arrangement, CalendarChange, DayRun, Horizon, WorkCalendar};
/// use shenpi::case::{Case, CaseCommand, CaseContext, CaseEvent, CaseId};
/// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
/// use shenpi::escalation::{moved_deadlines, MovedDeadline, Supervised};
/// use shenpi::limit::TimeLimit;
/// use shenpi::machine::{Actor, ActorId, Role};
///
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
/// let actor = |id, role| Actor::new(ActorId::new(id).unwrap(), role);
/// let estimating = WorkCalendar::china().with_horizon(Horizon::Estimate { through: 2027 })?;
/// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?)
///     .statutory(TimeLimit::working_days(20))
///     .promised(TimeLimit::working_days(20))
///     .build()?;
/// let ctx = CaseContext::new(&item, &estimating);
/// let history = [
///     CaseEvent::new(actor("ent-1", Role::Applicant), at("2026-12-07T09:00:00+08:00"), CaseCommand::Receive),
///     CaseEvent::new(actor("clerk-7", Role::WindowClerk), at("2026-12-07T10:00:00+08:00"), CaseCommand::Accept),
/// ];
/// let case = Case::replay(CaseId::new("BJ-1")?, &ctx, &history)?;
///
/// // A SAMPLE 2027 notice, not the real one: the estimate's days, with
/// // Monday 4 January 2027 off as well.
/// let off = statutory_holidays(2027)?.into_iter().map(|h| DayRun::day(h.date)).chain([DayRun::day(d(2027, 1, 4))]);
/// let published = estimating.with_arrangement(&Arrangement::new(2027, off, [])?)?;
///
/// let change = CalendarChange::between(&estimating, &published);
/// let now = at("2026-12-20T09:00:00+08:00");
/// let moves = moved_deadlines(&change, &estimating, &published, now, [("BJ-1", &case as &dyn Supervised)]);
/// let statutory = moves.iter().find(|m| m.deadline == MovedDeadline::Statutory).expect("moved");
/// assert_eq!(statutory.from, Some(at("2027-01-06T00:00:00+08:00"))); // provisional, 5 January
/// assert_eq!(statutory.to, Some(at("2027-01-07T00:00:00+08:00")));   // firm, 6 January
/// assert!(statutory.provisional_before && !statutory.provisional_after);
/// assert_eq!(statutory.because, [d(2027, 1, 4)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn moved_deadlines<'s, K, I>(
    change: &CalendarChange,
    before: &WorkCalendar,
    after: &WorkCalendar,
    now: DateTime<FixedOffset>,
    subjects: I,
) -> Vec<DeadlineMove>
where
    K: fmt::Display,
    I: IntoIterator<Item = (K, &'s dyn Supervised)>,
{
    let mut moves = Vec::new();
    for (name, subject) in subjects {
        let was = subject.observe(before, now).ok();
        let now_ = subject.observe(after, now).ok();
        if was.is_none() && now_.is_none() {
            continue;
        }
        let name = name.to_string();
        let pairs = |o: Option<&Observation>| -> [(MovedDeadline, Option<Point>); 4] {
            let clock = o.and_then(|o| o.clock.as_ref());
            let at = |due: crate::limit::Due| Point { at: due.at, provisional: due.provisional };
            [
                (MovedDeadline::Promised, clock.map(|c| at(c.promised_due))),
                (MovedDeadline::Statutory, clock.map(|c| at(c.statutory_due))),
                (MovedDeadline::Feedback, o.and_then(|o| o.feedback_due).map(Point::instant)),
                (MovedDeadline::Order, o.and_then(|o| o.order_due).map(Point::instant)),
            ]
        };
        let start = was
            .as_ref()
            .or(now_.as_ref())
            .map(|o| o.clock.as_ref().map_or(o.state_since, |c| c.started));
        let before_points = pairs(was.as_ref());
        let after_points = pairs(now_.as_ref());
        for ((deadline, b), (_, a)) in before_points.into_iter().zip(after_points) {
            let (b, a) = (b.map(|p| p.mark(before)), a.map(|p| p.mark(after)));
            if b == a || (b.is_none() && a.is_none()) {
                continue;
            }
            let later = [b, a].into_iter().flatten().map(|p| p.at).max();
            let because = match (start, later) {
                (Some(s), Some(l)) => {
                    let day = |t: &DateTime<FixedOffset>| after.to_civil(t).date();
                    change.days_within(day(&s), day(&l))
                }
                _ => Vec::new(),
            };
            moves.push(DeadlineMove {
                subject: name.clone(),
                deadline,
                from: b.map(|p| p.at),
                to: a.map(|p| p.at),
                provisional_before: b.is_some_and(|p| p.provisional),
                provisional_after: a.is_some_and(|p| p.provisional),
                because,
            });
        }
    }
    moves
}

/// A deadline's instant and whether it is provisional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Point {
    at: DateTime<FixedOffset>,
    provisional: bool,
}

impl Point {
    /// An instant whose provisional mark the calendar gives.
    fn instant(at: DateTime<FixedOffset>) -> Point {
        Point { at, provisional: false }
    }

    /// The mark of an instant deadline, from the calendar.
    fn mark(self, cal: &WorkCalendar) -> Point {
        // An instant at midnight closes the day before (24:00).
        let end = self.at.checked_sub_signed(chrono::TimeDelta::seconds(1)).unwrap_or(self.at);
        let provisional = self.provisional || cal.is_provisional(cal.to_civil(&end).date());
        Point { at: self.at, provisional }
    }
}
