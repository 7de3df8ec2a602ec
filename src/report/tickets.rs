use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ReportError;
use crate::calendar::WorkCalendar;
use crate::escalation::{Level, SupervisionLog};
use crate::ticket::{Closure, Ticket, TicketClass, TicketSource, TicketState};

/// `m` with a zero for every key of `all` it lacks.
fn filled<K: Ord + Copy>(m: &BTreeMap<K, u64>, all: &[K]) -> BTreeMap<K, u64> {
    let mut out = m.clone();
    for k in all {
        out.entry(*k).or_insert(0);
    }
    out
}

const SOURCES: [TicketSource; 5] = [
    TicketSource::CantGetItDoneWindow,
    TicketSource::TeaMeeting,
    TicketSource::KeyProjectProblem,
    TicketSource::BadReview,
    TicketSource::Hotline,
];

/// Complaint-ticket statistics, accumulated in one pass and mergeable like
/// a [`CaseReport`](super::CaseReport): tickets by class and source,
/// feedback on time, the satisfaction given (1 very satisfied … 5 very
/// dissatisfied) and bad reviews (4–5), and escalation notices by level
/// from the tickets' supervision logs.
///
/// Feedback is judged on each ticket's current cycle: on time when the
/// answer (every department resolved, or the window explained) came by the
/// cycle's feedback deadline. A classified ticket not yet answered is
/// counted as awaiting feedback; the report takes no `now`, so whether it
/// is late yet is the escalation engine's business. Every feedback of
/// every cycle counts toward satisfaction.
///
/// Serde data like a case report (counts only), checked when decoded.
///
/// # Example
///
/// ```
/// use shenpi::escalation::SupervisionLog;
/// use shenpi::report::TicketReport;
///
/// let mut report = TicketReport::new();
/// report.add_log(&SupervisionLog::new());
/// let summary = report.summary();
/// assert_eq!(summary.tickets, 0);
/// assert_eq!(summary.bad_review_rate, None);
/// assert_eq!(summary.satisfaction.len(), 5);
/// ```
///
/// See the `report` integration tests for tickets from real histories.
///
/// # JSON
///
/// ```
/// use shenpi::report::TicketReport;
///
/// let report = TicketReport::new();
/// let json = serde_json::to_value(&report)?;
/// assert_eq!(json["tickets"], 0);
/// assert_eq!(json["satisfaction"], serde_json::json!([0, 0, 0, 0, 0])); // scores 1 to 5
/// assert_eq!(serde_json::from_value::<TicketReport>(json)?, report);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawTicketReport", into = "RawTicketReport")]
pub struct TicketReport {
    raw: RawTicketReport,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawTicketReport {
    tickets: u64,
    open: u64,
    by_class: BTreeMap<TicketClass, u64>,
    unclassified: u64,
    by_source: BTreeMap<TicketSource, u64>,
    feedback_judged: u64,
    feedback_on_time: u64,
    awaiting_feedback: u64,
    satisfaction: [u64; 5],
    reviews_removed: u64,
    notices_by_level: BTreeMap<Level, u64>,
    subjects_by_level: BTreeMap<Level, u64>,
}

fn add(a: &mut u64, b: u64) {
    *a = a.saturating_add(b);
}

fn sum<'a>(values: impl IntoIterator<Item = &'a u64>) -> u64 {
    values.into_iter().fold(0, |a, b| a.saturating_add(*b))
}

impl TryFrom<RawTicketReport> for TicketReport {
    type Error = ReportError;

    fn try_from(raw: RawTicketReport) -> Result<Self, ReportError> {
        let bad = |what| Err(ReportError::Inconsistent { what });
        if sum(raw.by_class.values()).saturating_add(raw.unclassified) != raw.tickets
            || sum(raw.by_source.values()) != raw.tickets
        {
            return bad("tickets by class or by source do not add up to the tickets");
        }
        if raw.open > raw.tickets || raw.feedback_on_time > raw.feedback_judged {
            return bad("a ticket count exceeds its whole");
        }
        if sum(raw.subjects_by_level.values()) > sum(raw.notices_by_level.values()) {
            return bad("more escalated subjects than notices");
        }
        Ok(TicketReport { raw })
    }
}

impl From<TicketReport> for RawTicketReport {
    fn from(r: TicketReport) -> Self {
        r.raw
    }
}

impl TicketReport {
    /// An empty report.
    pub fn new() -> TicketReport {
        TicketReport::default()
    }

    /// Adds a ticket; `cal` gives its feedback deadline (the ticket's own
    /// calendar).
    ///
    /// # Example
    ///
    /// See [`TicketReport`].
    pub fn add(&mut self, ticket: &Ticket, cal: &WorkCalendar) {
        let r = &mut self.raw;
        add(&mut r.tickets, 1);
        add(&mut r.open, u64::from(ticket.is_open()));
        match ticket.class() {
            Some(class) => add(r.by_class.entry(class).or_insert(0), 1),
            None => add(&mut r.unclassified, 1),
        }
        add(r.by_source.entry(ticket.source()).or_insert(0), 1);
        match (ticket.answered_at(), ticket.feedback_due(cal)) {
            (Some(answered), Some(due)) => {
                add(&mut r.feedback_judged, 1);
                add(&mut r.feedback_on_time, u64::from(answered <= due));
            }
            (None, Some(_)) if ticket.is_open() => add(&mut r.awaiting_feedback, 1),
            _ => {}
        }
        for feedback in ticket.feedback() {
            let i = usize::from(feedback.satisfaction.clamp(1, 5) - 1);
            if let Some(c) = r.satisfaction.get_mut(i) {
                add(c, 1);
            }
        }
        if matches!(ticket.state(), TicketState::Closed { closure: Closure::ReviewRemoved }) {
            add(&mut r.reviews_removed, 1);
        }
    }

    /// Adds the notices of one subject's supervision log (a ticket's, or
    /// any other subject's the host wants counted here): each notice by its
    /// level, and the subject once at the highest level it reached.
    ///
    /// # Example
    ///
    /// See [`TicketReport`].
    pub fn add_log(&mut self, log: &SupervisionLog) {
        let r = &mut self.raw;
        for notice in log.notices() {
            add(r.notices_by_level.entry(notice.level).or_insert(0), 1);
        }
        if let Some(top) = log.notices().iter().map(|n| n.level).max() {
            add(r.subjects_by_level.entry(top).or_insert(0), 1);
        }
    }

    /// Adds every ticket and log of `other`.
    ///
    /// # Example
    ///
    /// See [`TicketReport`].
    pub fn merge(&mut self, other: &TicketReport) {
        let (r, o) = (&mut self.raw, &other.raw);
        add(&mut r.tickets, o.tickets);
        add(&mut r.open, o.open);
        add(&mut r.unclassified, o.unclassified);
        add(&mut r.feedback_judged, o.feedback_judged);
        add(&mut r.feedback_on_time, o.feedback_on_time);
        add(&mut r.awaiting_feedback, o.awaiting_feedback);
        add(&mut r.reviews_removed, o.reviews_removed);
        for (a, b) in r.satisfaction.iter_mut().zip(o.satisfaction) {
            add(a, b);
        }
        for (k, v) in &o.by_class {
            add(r.by_class.entry(*k).or_insert(0), *v);
        }
        for (k, v) in &o.by_source {
            add(r.by_source.entry(*k).or_insert(0), *v);
        }
        for (k, v) in &o.notices_by_level {
            add(r.notices_by_level.entry(*k).or_insert(0), *v);
        }
        for (k, v) in &o.subjects_by_level {
            add(r.subjects_by_level.entry(*k).or_insert(0), *v);
        }
    }

    /// The figures, with every class, source, satisfaction value and level
    /// listed (zero when none).
    ///
    /// # Example
    ///
    /// See [`TicketReport`].
    #[allow(clippy::cast_precision_loss)]
    pub fn summary(&self) -> TicketSummary {
        let r = &self.raw;
        let rate = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
        let feedbacks = sum(&r.satisfaction);
        let bad = r.satisfaction[3].saturating_add(r.satisfaction[4]);
        TicketSummary {
            tickets: r.tickets,
            open: r.open,
            by_class: filled(&r.by_class, &TicketClass::ALL),
            unclassified: r.unclassified,
            by_source: filled(&r.by_source, &SOURCES),
            feedback_judged: r.feedback_judged,
            feedback_on_time: r.feedback_on_time,
            feedback_on_time_rate: rate(r.feedback_on_time, r.feedback_judged),
            awaiting_feedback: r.awaiting_feedback,
            feedbacks,
            satisfaction: (1..=5u8).zip(r.satisfaction).collect(),
            bad_reviews: bad,
            bad_review_rate: rate(bad, feedbacks),
            reviews_removed: r.reviews_removed,
            notices_by_level: filled(&r.notices_by_level, &Level::ALL),
            subjects_by_level: filled(&r.subjects_by_level, &Level::ALL),
        }
    }
}

/// Complaint-ticket figures for a dashboard.
///
/// In JSON maps are keyed by the snake_case names (`"general"`,
/// `"tea_meeting"`, `"department_head"`) and satisfaction by `"1"` to
/// `"5"`.
///
/// # Example
///
/// See [`TicketReport`].
///
/// # JSON
///
/// ```
/// use shenpi::report::TicketReport;
///
/// let json = serde_json::to_value(TicketReport::new().summary())?;
/// assert_eq!(json["tickets"], 0);
/// assert_eq!(json["bad_review_rate"], serde_json::Value::Null); // no feedback yet
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct TicketSummary {
    /// Tickets.
    pub tickets: u64,
    /// Tickets still open.
    pub open: u64,
    /// Tickets by class.
    pub by_class: BTreeMap<TicketClass, u64>,
    /// Tickets not yet classified.
    pub unclassified: u64,
    /// Tickets by source.
    pub by_source: BTreeMap<TicketSource, u64>,
    /// Tickets whose current cycle was answered with a feedback deadline.
    pub feedback_judged: u64,
    /// Of those, answered by the deadline.
    pub feedback_on_time: u64,
    /// `feedback_on_time / feedback_judged`.
    pub feedback_on_time_rate: Option<f64>,
    /// Open tickets with a deadline and no answer yet.
    pub awaiting_feedback: u64,
    /// Feedbacks given, over every cycle.
    pub feedbacks: u64,
    /// Feedbacks by satisfaction, 1 very satisfied … 5 very dissatisfied.
    pub satisfaction: BTreeMap<u8, u64>,
    /// Feedbacks of 4 or 5 (差评).
    pub bad_reviews: u64,
    /// `bad_reviews / feedbacks`.
    pub bad_review_rate: Option<f64>,
    /// Bad reviews overturned on appeal (申诉复核) and removed.
    pub reviews_removed: u64,
    /// Escalation notices by level.
    pub notices_by_level: BTreeMap<Level, u64>,
    /// Subjects by the highest level their notices reached.
    pub subjects_by_level: BTreeMap<Level, u64>,
}
