use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{LimitError, LimitUnit, SuspensionKind, Thresholds, TimeLimit};
use crate::calendar::{CalendarError, Direction, Party, Point, Roll, WorkCalendar};

/// One stop of the clock: from `start` until `end` (still running when
/// `end` is `None`).
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::limit::{LegalClock, SuspensionKind, TimeLimit};
///
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
/// let mut clock = LegalClock::start(
///     at("2026-03-02T09:00:00+08:00"),
///     TimeLimit::working_days(5),
///     TimeLimit::working_days(20),
/// )?;
/// clock.suspend(SuspensionKind::Correction, at("2026-03-03T10:00:00+08:00"))?;
/// let suspension = &clock.suspensions()[0];
/// assert_eq!(suspension.kind, SuspensionKind::Correction);
/// assert_eq!(suspension.end, None);
/// # Ok::<(), shenpi::limit::LimitError>(())
/// ```
#[doc = include_str!("../../docs/json/suspension.md")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Suspension {
    /// Why the clock stopped.
    pub kind: SuspensionKind,
    /// When it stopped.
    pub start: DateTime<FixedOffset>,
    /// When it restarted, if it has.
    #[serde(default)]
    pub end: Option<DateTime<FixedOffset>>,
}

/// One extension of the limit (延期, GB/T 39046 special procedure kind 1):
/// `working_days` more, granted at `at`.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::limit::{LegalClock, TimeLimit};
///
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
/// let mut clock = LegalClock::start(
///     at("2026-03-02T09:00:00+08:00"),
///     TimeLimit::working_days(20),
///     TimeLimit::working_days(20),
/// )?;
/// clock.extend(10, at("2026-03-20T09:00:00+08:00"))?;
/// assert_eq!(clock.extensions()[0].working_days, 10);
/// # Ok::<(), shenpi::limit::LimitError>(())
/// ```
#[doc = include_str!("../../docs/json/extension.md")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Extension {
    /// When the extension was granted.
    pub at: DateTime<FixedOffset>,
    /// How many working days it adds.
    pub working_days: u32,
}

/// Which of a clock's two deadlines.
///
/// # Example
///
/// ```
/// use shenpi::limit::Deadline;
///
/// assert_eq!(Deadline::Promised.to_string(), "promised");
/// ```
#[doc = include_str!("../../docs/json/deadline.md")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Deadline {
    /// The promised limit (承诺时限).
    Promised,
    /// The statutory limit (法定时限).
    Statutory,
}

impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Deadline::Promised => "promised",
            Deadline::Statutory => "statutory",
        })
    }
}

/// When a limit ends: its last day, and the instant it ends (the close of
/// office hours on that day, or the exact instant for a limit in working
/// hours).
///
/// # Example
///
/// ```
/// use chrono::{DateTime, NaiveDate};
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::limit::{Deadline, LegalClock, TimeLimit};
///
/// let cal = WorkCalendar::china();
/// let accepted = DateTime::parse_from_rfc3339("2026-02-13T10:00:00+08:00")?;
/// let clock = LegalClock::start(accepted, TimeLimit::working_days(3), TimeLimit::working_days(20))?;
/// let due = clock.due(&cal, Deadline::Promised, accepted)?;
/// assert_eq!(due.date, NaiveDate::from_ymd_opt(2026, 2, 25).unwrap());
/// assert_eq!(due.at.to_rfc3339(), "2026-02-26T00:00:00+08:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc = include_str!("../../docs/json/due.md")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Due {
    /// The last day of the limit.
    pub date: NaiveDate,
    /// The instant the limit ends.
    pub at: DateTime<FixedOffset>,
    /// Whether the deadline counts over a day of an estimated year
    /// ([`Horizon::Estimate`](crate::calendar::Horizon)): a voucher prints
    /// 预计 beside it, and it may move when the year's notice is loaded. Left
    /// out of JSON when false.
    #[serde(default, skip_serializing_if = "crate::limit::is_false")]
    pub provisional: bool,
}

/// Where a clock stands, from calm to overdue, and, once it has stopped,
/// how it ended. Running statuses are ordered by severity; the three final
/// ones come after them, in the same order.
///
/// # Example
///
/// ```
/// use shenpi::limit::ClockStatus;
///
/// assert!(ClockStatus::YellowCard > ClockStatus::RedWarning);
/// assert_eq!(serde_json::to_string(&ClockStatus::RedCard)?, r#""red_card""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    /// Nothing to say.
    OnTrack,
    /// The promised deadline is near (by default one working day away).
    Prompt,
    /// Half the promised time is used (by default).
    YellowWarning,
    /// 90% of the promised time is used (by default).
    RedWarning,
    /// The promised deadline has passed (黄牌).
    YellowCard,
    /// The statutory deadline has passed (红牌).
    RedCard,
    /// The clock has stopped (the matter decided, or withdrawn) by the
    /// promised deadline: final.
    StoppedOnTime,
    /// The clock stopped after the promised deadline but within the
    /// statutory one: final.
    StoppedLate,
    /// The clock stopped after the statutory deadline: final.
    StoppedPastStatutory,
}

impl ClockStatus {
    /// Whether the status is final: the clock has stopped, and the status
    /// says how it ended.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::ClockStatus;
    ///
    /// assert!(ClockStatus::StoppedLate.is_final());
    /// assert!(!ClockStatus::RedCard.is_final());
    /// ```
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ClockStatus::StoppedOnTime
                | ClockStatus::StoppedLate
                | ClockStatus::StoppedPastStatutory
        )
    }

    /// Whether the status is a card: a deadline has passed on a running
    /// clock (黄牌 or 红牌).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::ClockStatus;
    ///
    /// assert!(ClockStatus::YellowCard.is_card());
    /// assert!(!ClockStatus::StoppedPastStatutory.is_card());
    /// ```
    pub fn is_card(self) -> bool {
        matches!(self, ClockStatus::YellowCard | ClockStatus::RedCard)
    }
}

impl fmt::Display for ClockStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ClockStatus::OnTrack => "on track",
            ClockStatus::Prompt => "prompt",
            ClockStatus::YellowWarning => "yellow warning",
            ClockStatus::RedWarning => "red warning",
            ClockStatus::YellowCard => "yellow card",
            ClockStatus::RedCard => "red card",
            ClockStatus::StoppedOnTime => "stopped on time",
            ClockStatus::StoppedLate => "stopped late",
            ClockStatus::StoppedPastStatutory => "stopped past the statutory limit",
        })
    }
}

/// A clock read at one instant: deadlines, time used and left, and status.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::limit::{ClockStatus, LegalClock, Thresholds, TimeLimit};
///
/// let cal = WorkCalendar::china();
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
/// let clock = LegalClock::start(
///     at("2026-03-02T09:00:00+08:00"),
///     TimeLimit::working_days(5),
///     TimeLimit::working_days(20),
/// )?;
/// let reading = clock.reading(&cal, at("2026-03-05T12:00:00+08:00"), &Thresholds::default())?;
/// assert_eq!(reading.elapsed_working_days, 3);
/// assert_eq!(reading.remaining_promised_days, 2);
/// assert_eq!(reading.status, ClockStatus::YellowWarning);
/// # Ok::<(), shenpi::limit::LimitError>(())
/// ```
#[doc = include_str!("../../docs/json/clock_reading.md")]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ClockReading {
    /// The instant the clock was read at: `now`, held between the start and
    /// the stop of the clock.
    pub at: DateTime<FixedOffset>,
    /// The promised deadline as of `at`.
    pub promised_due: Due,
    /// The statutory deadline as of `at`.
    pub statutory_due: Due,
    /// Working days used by the legal count: working days after the start
    /// day up to the day of `at`, less the working days suspended.
    pub elapsed_working_days: u32,
    /// Working time used over office hours, suspensions excluded, in
    /// fractional working days (how cities report actual time).
    pub elapsed_fraction: f64,
    /// Working days from the day of `at` to the promised due date; negative
    /// when it has passed.
    pub remaining_promised_days: i64,
    /// Working days from the day of `at` to the statutory due date; negative
    /// when it has passed.
    pub remaining_statutory_days: i64,
    /// Share of the promised time used, suspensions excluded (1.0 = all).
    pub used_share: f64,
    /// When the clock started.
    pub started: DateTime<FixedOffset>,
    /// Working seconds used, suspensions excluded.
    pub used_seconds: u64,
    /// Working seconds from the start to the promised deadline,
    /// suspensions excluded: what `used_share` divides by.
    pub promised_budget_seconds: u64,
    /// Working seconds suspended so far.
    pub suspended_seconds: u64,
    /// Whether the clock is suspended at `at`.
    pub suspended: bool,
    /// Whether the clock has stopped by `at`.
    pub stopped: bool,
    /// The status under the thresholds given.
    pub status: ClockStatus,
    /// Whether anything read depends on a day of an estimated year (a
    /// deadline, or the day of `at`): see [`Due::provisional`]. Left out of
    /// JSON when false.
    #[serde(default, skip_serializing_if = "crate::limit::is_false")]
    pub provisional: bool,
    /// For a decided case, where the issue and delivery of its decision
    /// stand (行政许可法 art. 44), as [`Case::reading`](crate::case::Case::reading)
    /// fills it in; a clock alone never sets it. Left out of JSON when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<super::Delivery>,
}

/// The legal clock of one matter: started at acceptance, with a promised and
/// a statutory limit, stopped by suspensions, lengthened by extensions, and
/// stopped for good at conclusion.
///
/// The clock records what happened; every question about it takes the
/// calendar and `now`. Asked at an earlier `now` than its latest record, it
/// answers as of that instant (ignoring what came later), so a host can
/// replay history. `now` before the start counts as the start, and `now`
/// after the stop counts as the stop.
///
/// Counting (行政许可法 arts. 42, 45 and 82, and the Civil Code's counting
/// rules): the start day is not counted; a limit ends at the close of office
/// hours on its last day; a natural-day limit whose last day is not a
/// working day runs on to the next one; an extension adds working days to
/// both limits.
///
/// A suspension (a correction, or an art. 45 special procedure) from day S
/// to day R covers the days (S, R]: the day it begins still counts, the day
/// it ends does not. A working-day deadline is the n-th working day after
/// acceptance (n = the limit plus the extensions granted) that lies in no
/// suspension's days; so a suspension moves a deadline only when it begins
/// before it, and one that begins on the last day or later leaves it where
/// it is: a late case stays late. Natural-day limits count natural days the
/// same way, working-hour limits the working time; a limit in months is the
/// natural days from the start day to the corresponding day, pushed on by
/// the natural days of the suspensions that begin before its end. For a
/// five-day limit due on Monday 9 March, a review recorded on Friday
/// evening 6 March and ended on 12 March covers 9–12 March and moves the
/// deadline to 13 March; the same review recorded on the morning of 9 March
/// moves nothing.
///
/// # Example
///
/// ```
/// use chrono::{DateTime, NaiveDate};
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::limit::{Deadline, LegalClock, SpecialProcedure, SuspensionKind, TimeLimit};
///
/// let cal = WorkCalendar::china();
/// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
/// let mut clock = LegalClock::start(
///     at("2026-03-02T09:00:00+08:00"),
///     TimeLimit::working_days(20),
///     TimeLimit::working_days(20),
/// )?;
/// // An expert review from Tuesday 10 to Friday 13 March does not count.
/// let review = SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::ExpertReview };
/// clock.suspend(review, at("2026-03-10T09:00:00+08:00"))?;
/// clock.resume(at("2026-03-13T17:00:00+08:00"))?;
/// let now = at("2026-03-16T09:00:00+08:00");
/// let due = clock.due(&cal, Deadline::Statutory, now)?;
/// // 20 working days after 2 March is 30 March; the review pushes it back
/// // by the working days in (10 March, 13 March], three of them.
/// assert_eq!(due.date, NaiveDate::from_ymd_opt(2026, 4, 2).unwrap());
/// # Ok::<(), shenpi::limit::LimitError>(())
/// ```
#[doc = include_str!("../../docs/json/legal_clock.md")]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawClock", into = "RawClock")]
pub struct LegalClock {
    started: DateTime<FixedOffset>,
    promised: TimeLimit,
    statutory: TimeLimit,
    suspensions: Vec<Suspension>,
    extensions: Vec<Extension>,
    stopped: Option<DateTime<FixedOffset>>,
    /// The latest recorded instant; derived.
    last: DateTime<FixedOffset>,
    /// Calendar facts worked out by [`LegalClock::prepare`]; not part of the
    /// clock's value.
    memo: Option<Memo>,
}

impl PartialEq for LegalClock {
    fn eq(&self, other: &Self) -> bool {
        // `last` follows from the records; the memo is not part of the value.
        (self.started, self.promised, self.statutory, self.stopped)
            == (other.started, other.promised, other.statutory, other.stopped)
            && self.suspensions == other.suspensions
            && self.extensions == other.extensions
    }
}

impl Eq for LegalClock {}

impl std::hash::Hash for LegalClock {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.started, self.promised, self.statutory, self.stopped).hash(state);
        self.suspensions.hash(state);
        self.extensions.hash(state);
    }
}

/// What a clock's start and its ended suspensions come to on one calendar,
/// worked out once by [`LegalClock::prepare`] so that readings on the same
/// calendar skip it. It holds the calendar (shared, not copied), so it is
/// never taken for another calendar's; a reading on any other calendar, or
/// before the memo's last suspension ended, works everything out afresh.
#[derive(Clone)]
struct Memo {
    /// The calendar the facts hold on.
    cal: WorkCalendar,
    /// The start, the counted suspensions and (with `fixed`) the extension
    /// granted by the latest record.
    counted: Counts,
    /// How many suspensions are counted: the first `closed`, all ended.
    closed: usize,
    /// Readings at or after this instant may use the memo: the end of the
    /// last counted suspension, or the start.
    valid_from: DateTime<FixedOffset>,
    /// The deadlines as of the latest record, when no suspension was
    /// running then: they hold until something new is recorded.
    fixed: Option<Fixed>,
    /// The latest record when `fixed` was worked out.
    fixed_from: DateTime<FixedOffset>,
    /// How many extensions `fixed` counts.
    extensions: usize,
}

/// A clock's deadlines as its counts settle them: the due instants, the
/// working days up to each, and the promised budget in working seconds.
#[derive(Debug, Clone, Copy)]
struct Fixed {
    promised_due: Due,
    statutory_due: Due,
    through_promised: u32,
    through_statutory: u32,
    budget: u64,
}

impl fmt::Debug for Memo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Memo")
            .field("start", &self.counted.start)
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

fn check_limits(promised: TimeLimit, statutory: TimeLimit) -> Result<(), LimitError> {
    if promised.unit() != statutory.unit() {
        return Err(LimitError::UnitMismatch {
            promised: promised.unit(),
            statutory: statutory.unit(),
        });
    }
    if promised.amount() > statutory.amount() {
        return Err(LimitError::PromisedExceedsStatutory {
            promised: promised.amount(),
            statutory: statutory.amount(),
        });
    }
    Ok(())
}

impl LegalClock {
    /// The most working days a clock may be extended by in all: 100,000,
    /// more than any calendar covers (500 years hold about 125,000 working
    /// days, but no deadline lies beyond its calendar's years). It keeps
    /// every count of days a clock makes within `u32`, whatever a stored
    /// clock says; the law's extensions are 10 or 15 working days (行政许可法
    /// art. 42), and an item's own allowance is checked by the case.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, LimitError, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let mut clock = LegalClock::start(at, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// clock.extend(LegalClock::MAX_EXTENSION_DAYS, at)?;
    /// assert!(matches!(clock.extend(1, at), Err(LimitError::ExtensionTooLong { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const MAX_EXTENSION_DAYS: u32 = 100_000;

    /// A clock started at acceptance (`at`), with its promised and statutory
    /// limits.
    ///
    /// # Errors
    ///
    /// [`LimitError::UnitMismatch`] when the two limits count in different
    /// units; [`LimitError::PromisedExceedsStatutory`] when the promise is
    /// longer than the law allows.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, LimitError, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let err = LegalClock::start(at, TimeLimit::working_days(25), TimeLimit::working_days(20))
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "promised limit 25 exceeds statutory limit 20");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start(
        at: DateTime<FixedOffset>,
        promised: TimeLimit,
        statutory: TimeLimit,
    ) -> Result<LegalClock, LimitError> {
        check_limits(promised, statutory)?;
        Ok(LegalClock {
            started: at,
            promised,
            statutory,
            suspensions: Vec::new(),
            extensions: Vec::new(),
            stopped: None,
            last: at,
            memo: None,
        })
    }

    /// When the clock started (acceptance).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let clock = LegalClock::start(at, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// assert_eq!(clock.started(), at);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn started(&self) -> DateTime<FixedOffset> {
        self.started
    }

    /// The promised limit.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let clock = LegalClock::start(at, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// assert_eq!(clock.promised(), TimeLimit::working_days(5));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn promised(&self) -> TimeLimit {
        self.promised
    }

    /// The statutory limit.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let clock = LegalClock::start(at, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// assert_eq!(clock.statutory(), TimeLimit::working_days(20));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statutory(&self) -> TimeLimit {
        self.statutory
    }

    /// The suspensions, in order; the last may still be running.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let clock = LegalClock::start(at, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// assert!(clock.suspensions().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn suspensions(&self) -> &[Suspension] {
        &self.suspensions
    }

    /// The extensions, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let clock = LegalClock::start(at, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// assert!(clock.extensions().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn extensions(&self) -> &[Extension] {
        &self.extensions
    }

    /// Working days added by extensions so far.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let mut clock = LegalClock::start(at, TimeLimit::working_days(20), TimeLimit::working_days(20))?;
    /// clock.extend(10, at)?;
    /// assert_eq!(clock.extension_days(), 10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn extension_days(&self) -> u32 {
        // At most MAX_EXTENSION_DAYS in all, as `extend` keeps it.
        self.extensions.iter().fold(0, |n, e| n.saturating_add(e.working_days))
    }

    /// When the clock stopped for good, if it has.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let mut clock = LegalClock::start(at, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// clock.stop(at)?;
    /// assert_eq!(clock.stopped(), Some(at));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stopped(&self) -> Option<DateTime<FixedOffset>> {
        self.stopped
    }

    /// The latest instant the clock has recorded.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let clock = LegalClock::start(at, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// assert_eq!(clock.last_recorded(), at);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn last_recorded(&self) -> DateTime<FixedOffset> {
        self.last
    }

    /// The running suspension, if the clock is suspended now.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, SuspensionKind, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let mut clock = LegalClock::start(at, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// clock.suspend(SuspensionKind::Correction, at)?;
    /// assert_eq!(clock.current_suspension().map(|s| s.kind), Some(SuspensionKind::Correction));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn current_suspension(&self) -> Option<&Suspension> {
        self.suspensions.last().filter(|s| s.end.is_none())
    }

    fn check_moment(&self, at: DateTime<FixedOffset>) -> Result<(), LimitError> {
        if let Some(stopped) = self.stopped {
            return Err(LimitError::Stopped { at: stopped });
        }
        if at < self.last {
            return Err(LimitError::TimeWentBackwards { at, last: self.last });
        }
        Ok(())
    }

    /// Stops the clock at `at` for a correction or a special procedure.
    ///
    /// # Errors
    ///
    /// [`LimitError::Stopped`], [`LimitError::TimeWentBackwards`], or
    /// [`LimitError::AlreadySuspended`]; the clock is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, LimitError, SuspensionKind, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let mut clock = LegalClock::start(at, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// clock.suspend(SuspensionKind::Correction, at)?;
    /// let again = clock.suspend(SuspensionKind::Correction, at);
    /// assert!(matches!(again, Err(LimitError::AlreadySuspended { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn suspend(
        &mut self,
        kind: SuspensionKind,
        at: DateTime<FixedOffset>,
    ) -> Result<(), LimitError> {
        self.check_moment(at)?;
        if let Some(running) = self.current_suspension() {
            return Err(LimitError::AlreadySuspended { kind: running.kind, since: running.start });
        }
        self.suspensions.push(Suspension { kind, start: at, end: None });
        self.last = at;
        Ok(())
    }

    /// Restarts the clock at `at`.
    ///
    /// # Errors
    ///
    /// [`LimitError::Stopped`], [`LimitError::TimeWentBackwards`], or
    /// [`LimitError::NotSuspended`]; the clock is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, LimitError, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let mut clock = LegalClock::start(at, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// assert_eq!(clock.resume(at), Err(LimitError::NotSuspended));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resume(&mut self, at: DateTime<FixedOffset>) -> Result<(), LimitError> {
        self.check_moment(at)?;
        match self.suspensions.last_mut() {
            Some(running) if running.end.is_none() => {
                running.end = Some(at);
                self.last = at;
                Ok(())
            }
            _ => Err(LimitError::NotSuspended),
        }
    }

    /// Adds `working_days` to both limits, granted at `at`. Whether the
    /// extension is within the allowance is the caller's rule (an item's
    /// extension allowance); the clock only records it.
    ///
    /// # Errors
    ///
    /// [`LimitError::Stopped`], [`LimitError::TimeWentBackwards`],
    /// [`LimitError::EmptyExtension`] for zero days, or
    /// [`LimitError::ExtensionTooLong`] when the extensions would come to
    /// more than [`MAX_EXTENSION_DAYS`](Self::MAX_EXTENSION_DAYS) in all;
    /// the clock is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::limit::{Deadline, LegalClock, TimeLimit};
    ///
    /// let cal = WorkCalendar::china();
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let mut clock = LegalClock::start(at, TimeLimit::working_days(20), TimeLimit::working_days(20))?;
    /// let before = clock.due(&cal, Deadline::Statutory, at)?.date;
    /// clock.extend(10, at)?;
    /// let after = clock.due(&cal, Deadline::Statutory, at)?.date;
    /// assert_eq!(cal.working_days_between(before, after)?, 10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn extend(
        &mut self,
        working_days: u32,
        at: DateTime<FixedOffset>,
    ) -> Result<(), LimitError> {
        self.check_moment(at)?;
        if working_days == 0 {
            return Err(LimitError::EmptyExtension);
        }
        let granted = self.extension_days();
        if u64::from(granted) + u64::from(working_days) > u64::from(Self::MAX_EXTENSION_DAYS) {
            return Err(LimitError::ExtensionTooLong {
                requested: working_days,
                granted,
                max: Self::MAX_EXTENSION_DAYS,
            });
        }
        self.extensions.push(Extension { at, working_days });
        self.last = at;
        Ok(())
    }

    /// Stops the clock for good at `at` (the matter is concluded, withdrawn
    /// or ended). A running suspension ends at the same instant.
    ///
    /// # Errors
    ///
    /// [`LimitError::Stopped`] or [`LimitError::TimeWentBackwards`]; the
    /// clock is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::limit::{LegalClock, LimitError, TimeLimit};
    ///
    /// let at = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
    /// let mut clock = LegalClock::start(at, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// clock.stop(at)?;
    /// assert!(matches!(clock.stop(at), Err(LimitError::Stopped { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stop(&mut self, at: DateTime<FixedOffset>) -> Result<(), LimitError> {
        self.check_moment(at)?;
        if let Some(running) = self.suspensions.last_mut().filter(|s| s.end.is_none()) {
            running.end = Some(at);
        }
        self.stopped = Some(at);
        self.last = at;
        Ok(())
    }

    /// `now` held between the start and the stop.
    fn effective(&self, now: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        let now = now.max(self.started);
        match self.stopped {
            Some(stopped) => now.min(stopped),
            None => now,
        }
    }

    fn extension_days_at(&self, now: DateTime<FixedOffset>) -> u32 {
        self.extensions
            .iter()
            .filter(|e| e.at <= now)
            .fold(0, |n, e| n.saturating_add(e.working_days))
    }

    /// The deadline `which` as of `now`: running suspensions count up to
    /// `now`, and records after `now` are ignored.
    ///
    /// # Errors
    ///
    /// [`LimitError::Calendar`] when a date falls outside the calendar's
    /// covered years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, NaiveDate};
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::limit::{Deadline, LegalClock, TimeLimit};
    ///
    /// let cal = WorkCalendar::china();
    /// let accepted = DateTime::parse_from_rfc3339("2026-04-30T15:00:00+08:00")?;
    /// let clock =
    ///     LegalClock::start(accepted, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// let due = clock.due(&cal, Deadline::Promised, accepted)?;
    /// assert_eq!(due.date, NaiveDate::from_ymd_opt(2026, 5, 11).unwrap());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn due(
        &self,
        cal: &WorkCalendar,
        which: Deadline,
        now: DateTime<FixedOffset>,
    ) -> Result<Due, LimitError> {
        let counts = self.counts(cal, self.effective(now))?;
        let limit = match which {
            Deadline::Promised => self.promised,
            Deadline::Statutory => self.statutory,
        };
        Ok(self.due_from(cal, limit, &counts)?.due)
    }

    /// [`check_deadlines`](Self::check_deadlines) for a clock started on
    /// the covered day `start_day` (the caller has it already).
    #[inline]
    pub(crate) fn check_deadlines_on(
        &self,
        cal: &WorkCalendar,
        start_day: NaiveDate,
    ) -> Result<(), LimitError> {
        let limit = self.statutory;
        if limit.unit() == LimitUnit::WorkingDays
            && self.suspensions.is_empty()
            && self.extensions.is_empty()
        {
            if let Ok(start) = cal.day_index(start_day) {
                let needed = u64::from(cal.working_through(start)) + u64::from(limit.amount());
                if needed <= cal.working_day_count() {
                    return Ok(());
                }
            }
        }
        self.check_deadlines(cal)
    }

    /// Checks that both deadlines can be worked out on `cal` as the clock
    /// starts: what a command that starts a clock (accepting a case) checks
    /// before it is recorded, so that a deadline falling in a year whose
    /// holiday arrangement is not published is refused at that command,
    /// never found later when the clock is read.
    ///
    /// # Errors
    ///
    /// [`LimitError::DeadlineUnpublished`] when a deadline falls after the
    /// calendar's last published year (and the calendar does not estimate
    /// it); [`LimitError::Calendar`] for other calendar errors.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::{Horizon, WorkCalendar};
    /// use shenpi::limit::{LegalClock, LimitError, TimeLimit};
    ///
    /// let accepted = DateTime::parse_from_rfc3339("2026-12-07T10:00:00+08:00")?;
    /// let clock = LegalClock::start(accepted, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
    /// let err = clock.check_deadlines(&WorkCalendar::china()).unwrap_err();
    /// assert!(matches!(err, LimitError::DeadlineUnpublished { published: 2026, .. }));
    /// assert!(err.to_string().starts_with(
    ///     "the statutory deadline of 20 working days from 2026-12-07 10:00:00 +08:00 falls after 2026"
    /// ));
    /// let estimating = WorkCalendar::china().with_horizon(Horizon::Estimate { through: 2027 })?;
    /// assert!(clock.check_deadlines(&estimating).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_deadlines(&self, cal: &WorkCalendar) -> Result<(), LimitError> {
        // The promised limit is never longer than the statutory one and
        // counts in the same unit, so its deadline is never later: checking
        // the statutory deadline is enough.
        let (deadline, limit) = (Deadline::Statutory, self.statutory);
        // A clock just started on a working-day limit (as at acceptance)
        // fits when the calendar has that many working days after its start
        // day: a count on the tables, no dates built.
        if limit.unit() == LimitUnit::WorkingDays
            && self.suspensions.is_empty()
            && self.extensions.is_empty()
        {
            if let Ok(start) = cal.start_index(&cal.moment(&self.started)) {
                let needed = u64::from(cal.working_through(start)) + u64::from(limit.amount());
                if needed <= cal.working_day_count() {
                    return Ok(());
                }
            }
        }
        {
            match self.due(cal, deadline, self.started) {
                Ok(_) => {}
                Err(LimitError::Calendar(
                    CalendarError::CountOutOfRange { direction: Direction::Forward, .. }
                    | CalendarError::MonthsOutOfRange { direction: Direction::Forward, .. }
                    | CalendarError::SecondsOutOfRange { .. }
                    | CalendarError::NoWorkingDay { roll: Roll::Following, .. },
                )) if cal.covers(cal.to_civil(&self.started).date()) => {
                    return Err(LimitError::DeadlineUnpublished {
                        deadline,
                        limit,
                        started: self.started,
                        published: cal.published_through(),
                    })
                }
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }

    /// What every question about the clock at `at` needs, worked out once:
    /// the start day, the time suspended and the extension granted by then.
    /// The memo, when it holds for `cal` and `at`, gives the start and the
    /// ended suspensions it counted.
    #[inline]
    fn counts(&self, cal: &WorkCalendar, at: DateTime<FixedOffset>) -> Result<Counts, LimitError> {
        let (mut c, counted) = match &self.memo {
            Some(m) if at >= m.valid_from && m.cal.same_as(cal) => {
                (Counts { extension: 0, ..m.counted }, m.closed)
            }
            _ => {
                let started = cal.moment(&self.started);
                let c = Counts {
                    start: cal.start_index(&started)?,
                    w_start: cal.working_seconds_at(&started)?,
                    suspended_days: 0,
                    suspended_natural_days: 0,
                    suspended_seconds: 0,
                    extension: 0,
                    at,
                };
                (c, 0)
            }
        };
        for s in &self.suspensions[counted..] {
            if s.start > at {
                break;
            }
            c.add_suspension(cal, s.start, s.end.map_or(at, |end| end.min(at)))?;
        }
        c.extension = self.extension_days_at(at);
        c.at = at;
        Ok(c)
    }

    /// Works out, once, what the clock's start, its ended suspensions and
    /// (while none is running) its deadlines come to on `cal`, so that later
    /// readings on the same calendar (the same value or a clone of it) skip
    /// that work. Readings give the same
    /// answers with or without it; a record added later is never missed (the
    /// memo is then used only for what it still covers). Call it on a clock
    /// that will be read many times before its next record
    /// ([`Case::prepare`](crate::case::Case::prepare) does it for a case).
    /// Nothing is kept when the start is outside the calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::limit::{LegalClock, Thresholds, TimeLimit};
    ///
    /// let cal = WorkCalendar::china();
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let json = r#"{"started":"2026-03-02T09:00:00+08:00","promised":{"amount":3,"unit":"working_days"},"statutory":{"amount":20,"unit":"working_days"}}"#;
    /// let mut clock: LegalClock = serde_json::from_str(json)?;
    /// let before = clock.reading(&cal, at("2026-03-04T09:00:00+08:00"), &Thresholds::default())?;
    /// clock.prepare(&cal);
    /// let after = clock.reading(&cal, at("2026-03-04T09:00:00+08:00"), &Thresholds::default())?;
    /// assert_eq!(before, after);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prepare(&mut self, cal: &WorkCalendar) {
        let fresh = match self.memo.take() {
            Some(m) if m.cal.same_as(cal) => Some(m),
            _ => {
                let started = cal.moment(&self.started);
                match (cal.start_index(&started), cal.working_seconds_at(&started)) {
                    (Ok(start), Ok(w_start)) => Some(Memo {
                        cal: cal.clone(),
                        counted: Counts {
                            start,
                            w_start,
                            suspended_days: 0,
                            suspended_natural_days: 0,
                            suspended_seconds: 0,
                            extension: 0,
                            at: self.started,
                        },
                        closed: 0,
                        valid_from: self.started,
                        fixed: None,
                        fixed_from: self.started,
                        extensions: 0,
                    }),
                    _ => None,
                }
            }
        };
        let Some(mut m) = fresh else { return };
        while let Some(Suspension { start, end: Some(end), .. }) = self.suspensions.get(m.closed) {
            let mut c = m.counted;
            if c.add_suspension(cal, *start, *end).is_err() {
                break;
            }
            m.counted = c;
            m.valid_from = *end;
            m.closed += 1;
        }
        // With no suspension running, the deadlines stand until the next
        // record.
        m.fixed = None;
        if m.closed == self.suspensions.len() {
            let c =
                Counts { extension: self.extension_days_at(self.last), at: self.last, ..m.counted };
            if let Ok(fixed) = self.fixed(cal, &c) {
                m.fixed = Some(fixed);
                m.fixed_from = self.last;
                m.extensions = self.extensions.len();
                m.counted = c;
            }
        }
        self.memo = Some(m);
    }

    /// The deadline of `limit` given the counts. A suspension moves a
    /// deadline only when it begins before the deadline as moved by the
    /// suspensions before it: the deadline is the n-th working day after the
    /// start (n = the limit plus the extensions granted) that lies in no
    /// suspension's days (S, R]. One that begins on the last day or later
    /// leaves the deadline where it is, so a late case stays late.
    fn due_from(
        &self,
        cal: &WorkCalendar,
        limit: TimeLimit,
        c: &Counts,
    ) -> Result<Walked, LimitError> {
        let spans = self
            .suspensions
            .iter()
            .take_while(move |s| s.start <= c.at)
            .map(move |s| Span::of(cal, s.start, s.end.map_or(c.at, |end| end.min(c.at))));
        match limit.unit() {
            LimitUnit::WorkingDays => {
                let base = limit.amount().saturating_add(c.extension);
                let through_start = cal.working_through(c.start);
                let (mut pushed, mut seconds) = (0u32, 0u64);
                if c.suspended_days > 0 || c.suspended_seconds > 0 {
                    for span in spans {
                        let span = span?;
                        // The rank of the deadline so far, against the
                        // working days up to the day the suspension begins.
                        let rank = through_start.saturating_add(base).saturating_add(pushed);
                        if cal.working_through(span.si) >= rank {
                            break;
                        }
                        pushed = pushed.saturating_add(span.working_days(cal));
                        seconds = seconds.saturating_add(span.seconds());
                    }
                }
                let n = base.saturating_add(pushed);
                let date = cal.add_working_days_at(c.start, n)?;
                Ok(Walked {
                    due: Due {
                        date,
                        at: cal.end_of_covered(date, Party::Agency)?,
                        provisional: cal.is_provisional(date),
                    },
                    through: Some(through_start.saturating_add(n)),
                    suspended_seconds: seconds,
                })
            }
            LimitUnit::NaturalDays | LimitUnit::Months => {
                let start = cal.to_civil(&self.started).date();
                // A period in months spans the natural days from the start
                // day to the corresponding day (Civil Code art. 202), and
                // suspensions push it on by natural days as they push a
                // natural-day period.
                let days = match limit.unit() {
                    LimitUnit::Months => cal.month_span(start, limit.amount())?,
                    _ => limit.amount(),
                };
                let (mut pushed, mut seconds) = (0usize, 0u64);
                for span in spans {
                    let span = span?;
                    let end = c.start + days as usize + pushed;
                    if span.si >= end {
                        break;
                    }
                    pushed += span.ri - span.si;
                    seconds = seconds.saturating_add(span.seconds());
                }
                let pushed = u32::try_from(pushed).unwrap_or(u32::MAX);
                let end = if limit.unit() == LimitUnit::Months && pushed == 0 {
                    // The same day, with an error that names the months.
                    cal.add_months(start, limit.amount())?
                } else {
                    cal.add_natural_days(start, days.saturating_add(pushed))?
                };
                let date = cal.add_working_days(end, c.extension)?;
                Ok(Walked {
                    due: Due {
                        date,
                        at: cal.last_day_end(date, Party::Agency)?,
                        provisional: cal.is_provisional(date),
                    },
                    through: None,
                    suspended_seconds: seconds,
                })
            }
            LimitUnit::WorkingHours => {
                let base = u64::from(limit.amount()) * 3600
                    + u64::from(c.extension) * u64::from(cal.office_hours().day_seconds());
                let mut pushed = 0u64;
                for span in spans {
                    let span = span?;
                    if span.ws >= c.w_start.saturating_add(base).saturating_add(pushed) {
                        break;
                    }
                    pushed = pushed.saturating_add(span.seconds());
                }
                let at = cal.add_working_seconds(&self.started, base.saturating_add(pushed))?;
                let date = end_day(cal, &at);
                Ok(Walked {
                    due: Due { date, at, provisional: cal.is_provisional(date) },
                    through: None,
                    suspended_seconds: pushed,
                })
            }
        }
    }

    /// What the deadlines come to given the counts: both due instants, the
    /// working days up to each, and the promised budget.
    fn fixed(&self, cal: &WorkCalendar, c: &Counts) -> Result<Fixed, LimitError> {
        let promised = self.due_from(cal, self.promised, c)?;
        let statutory = self.due_from(cal, self.statutory, c)?;
        let (promised_due, statutory_due) = (promised.due, statutory.due);
        // Working days up to and including a deadline's last day. A
        // working-day deadline is the n-th working day after the start, so
        // its rank is known without a look-up.
        let through_due = |walked: &Walked| -> Result<u32, LimitError> {
            match walked.through {
                Some(through) => Ok(through),
                None => Ok(cal.working_through(cal.day_index(walked.due.date)?)),
            }
        };
        let through_promised = through_due(&promised)?;
        let through_statutory = through_due(&statutory)?;
        let day_secs = u64::from(cal.office_hours().day_seconds());
        // The promised budget leaves out the suspensions that moved the
        // promised deadline, and only those.
        let budget = if promised_due.at <= self.started {
            0
        } else if self.promised.unit() == LimitUnit::WorkingHours {
            let due = cal.moment(&promised_due.at);
            (cal.working_seconds_at(&due)? - c.w_start).saturating_sub(promised.suspended_seconds)
        } else {
            // A day-counted deadline ends at the close of its last day, when
            // every working day up to it has been worked whole.
            (u64::from(through_promised) * day_secs)
                .saturating_sub(c.w_start)
                .saturating_sub(promised.suspended_seconds)
        };
        Ok(Fixed { promised_due, statutory_due, through_promised, through_statutory, budget })
    }

    /// The memo's counts and deadlines, when they hold for a reading on
    /// `cal` at `at`: the same calendar, every record by `at`, and nothing
    /// recorded since the memo was made.
    #[inline]
    fn settled<'m>(
        &self,
        m: &'m Memo,
        cal: &WorkCalendar,
        at: DateTime<FixedOffset>,
    ) -> Option<(Counts, &'m Fixed)> {
        let fixed = m.fixed.as_ref()?;
        if at < m.fixed_from
            || m.closed != self.suspensions.len()
            || m.extensions != self.extensions.len()
            || !m.cal.same_as(cal)
        {
            return None;
        }
        Some((m.counted, fixed))
    }

    /// Reads the clock at `now`: both deadlines, time used and left, and the
    /// status under `thresholds`.
    ///
    /// The status is the most severe that applies: a red card once the
    /// statutory deadline has passed, a yellow card once the promised one
    /// has, a red or yellow warning once that share of the promised time is
    /// used, a prompt when the promised deadline is that many working days
    /// away or fewer, and on track otherwise.
    ///
    /// # Errors
    ///
    /// [`LimitError::Calendar`] when a date falls outside the calendar's
    /// covered years.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::DateTime;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::limit::{ClockStatus, LegalClock, Thresholds, TimeLimit};
    ///
    /// let cal = WorkCalendar::china();
    /// let at = |s| DateTime::parse_from_rfc3339(s).unwrap();
    /// let clock = LegalClock::start(
    ///     at("2026-03-02T09:00:00+08:00"),
    ///     TimeLimit::working_days(3),
    ///     TimeLimit::working_days(20),
    /// )?;
    /// let status = |now| clock.reading(&cal, at(now), &Thresholds::default()).map(|r| r.status);
    /// assert_eq!(status("2026-03-02T10:00:00+08:00")?, ClockStatus::OnTrack);
    /// assert_eq!(status("2026-03-04T09:00:00+08:00")?, ClockStatus::YellowWarning);
    /// assert_eq!(status("2026-03-05T22:00:00+08:00")?, ClockStatus::RedWarning);
    /// assert_eq!(status("2026-03-06T09:00:00+08:00")?, ClockStatus::YellowCard);
    /// assert_eq!(status("2026-04-01T09:00:00+08:00")?, ClockStatus::RedCard);
    /// # Ok::<(), shenpi::limit::LimitError>(())
    /// ```
    pub fn reading(
        &self,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
        thresholds: &Thresholds,
    ) -> Result<ClockReading, LimitError> {
        self.reading_at(cal, now, None, thresholds)
    }

    /// [`reading`](Self::reading), with what the calendar says of `now`
    /// worked out already when `point` is given (it must be `now` on `cal`).
    #[inline]
    pub(crate) fn reading_at(
        &self,
        cal: &WorkCalendar,
        now: DateTime<FixedOffset>,
        point: Option<&Point>,
        thresholds: &Thresholds,
    ) -> Result<ClockReading, LimitError> {
        let at = self.effective(now);
        // Settled: every suspension ended by the latest record, which is
        // not after `at`, so none is running (and none is looked at).
        let (c, fixed, settled) = match self.memo.as_ref().and_then(|m| self.settled(m, cal, at)) {
            Some((c, fixed)) => (c, *fixed, true),
            None => {
                let c = self.counts(cal, at)?;
                let fixed = self.fixed(cal, &c)?;
                (c, fixed, false)
            }
        };
        let Fixed { promised_due, statutory_due, through_promised, through_statutory, budget } =
            fixed;
        // The day of the reading is the day it ends: a reading at exactly
        // midnight closes the day before (24:00), as a deadline does.
        let (today, w_now) = match point {
            Some(&Point { at: p, end: Some(end), working_seconds: Some(w), .. }) if p == at => {
                (end, w)
            }
            _ => {
                let now = cal.moment(&at);
                (cal.end_index(&now)?, cal.working_seconds_at(&now)?)
            }
        };
        let today = today.max(c.start);
        let through_today = cal.working_through(today);
        let elapsed_working_days =
            (through_today - cal.working_through(c.start)).saturating_sub(c.suspended_days);
        let used = (w_now - c.w_start).saturating_sub(c.suspended_seconds);
        let day_seconds = f64::from(cal.office_hours().day_seconds());
        let remaining = |through: u32| i64::from(through) - i64::from(through_today);
        let remaining_promised_days = remaining(through_promised);
        let remaining_statutory_days = remaining(through_statutory);
        let reached =
            |percent: u8| u128::from(used) * 100 >= u128::from(percent) * u128::from(budget);
        let stopped = self.stopped.is_some_and(|s| s <= at);
        // A stopped clock's status is final: how the matter ended.
        let status = if stopped {
            if at <= promised_due.at {
                ClockStatus::StoppedOnTime
            } else if at <= statutory_due.at {
                ClockStatus::StoppedLate
            } else {
                ClockStatus::StoppedPastStatutory
            }
        } else if at > statutory_due.at {
            ClockStatus::RedCard
        } else if at > promised_due.at {
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
        Ok(ClockReading {
            at,
            promised_due,
            statutory_due,
            elapsed_working_days,
            elapsed_fraction: used as f64 / day_seconds,
            remaining_promised_days,
            remaining_statutory_days,
            used_share: if budget == 0 { 1.0 } else { used as f64 / budget as f64 },
            started: self.started,
            used_seconds: used,
            promised_budget_seconds: budget,
            suspended_seconds: c.suspended_seconds,
            suspended: !settled
                && self.suspensions.iter().any(|s| s.start <= at && s.end.is_none_or(|e| e > at)),
            stopped,
            status,
            provisional: statutory_due.provisional
                || promised_due.provisional
                || cal.is_provisional_index(today),
            delivery: None,
        })
    }
}

/// The counts behind a clock's deadlines and readings at one instant.
#[derive(Debug, Clone, Copy)]
struct Counts {
    /// The start day, as a calendar day index.
    start: usize,
    /// Working seconds up to the start.
    w_start: u64,
    /// Working days in (S, R] of every suspension.
    suspended_days: u32,
    /// Calendar days in (S, R] of every suspension.
    suspended_natural_days: usize,
    /// Working seconds suspended.
    suspended_seconds: u64,
    /// Working days of extension granted.
    extension: u32,
    /// The instant counted up to: suspensions begun after it are not
    /// counted, a running one counts up to it.
    at: DateTime<FixedOffset>,
}

/// A deadline as the walk over the suspensions settles it: the due date,
/// the working days up to it (known without a look-up for a working-day
/// limit), and the working seconds of the suspensions that moved it.
#[derive(Debug, Clone, Copy)]
struct Walked {
    due: Due,
    through: Option<u32>,
    suspended_seconds: u64,
}

/// One suspension on a calendar: the day indices of S and R and the
/// working seconds up to its two instants.
#[derive(Debug, Clone, Copy)]
struct Span {
    si: usize,
    ri: usize,
    ws: u64,
    wr: u64,
}

impl Span {
    #[inline]
    fn of(
        cal: &WorkCalendar,
        s: DateTime<FixedOffset>,
        r: DateTime<FixedOffset>,
    ) -> Result<Span, LimitError> {
        let (s, r) = (cal.moment(&s), cal.moment(&r));
        let si = cal.start_index(&s)?;
        let ri = cal.end_index(&r)?.max(si);
        Ok(Span { si, ri, ws: cal.working_seconds_at(&s)?, wr: cal.working_seconds_at(&r)? })
    }

    /// The working days in (S, R].
    #[inline]
    fn working_days(&self, cal: &WorkCalendar) -> u32 {
        cal.working_through(self.ri) - cal.working_through(self.si)
    }

    /// The working seconds suspended.
    #[inline]
    fn seconds(&self) -> u64 {
        self.wr.saturating_sub(self.ws)
    }
}

impl Counts {
    /// Counts the suspension from `s` to `r`: suspended from day S to day
    /// R, the working days in (S, R].
    #[inline]
    fn add_suspension(
        &mut self,
        cal: &WorkCalendar,
        s: DateTime<FixedOffset>,
        r: DateTime<FixedOffset>,
    ) -> Result<(), LimitError> {
        let span = Span::of(cal, s, r)?;
        self.suspended_days += span.working_days(cal);
        self.suspended_natural_days += span.ri - span.si;
        self.suspended_seconds += span.seconds();
        Ok(())
    }
}

/// The civil day an instant ends: its date, except that exactly midnight is
/// 24:00 of the day before. Deadlines end at such a midnight when no office
/// hours are set, so a period ending then belongs to the day it closes.
fn end_day(cal: &WorkCalendar, at: &DateTime<FixedOffset>) -> NaiveDate {
    let civil = cal.to_civil(at);
    if civil.time() == chrono::NaiveTime::MIN {
        civil.date().pred_opt().unwrap_or(civil.date())
    } else {
        civil.date()
    }
}

/// The serde form of a clock; decoding replays it through the same checks.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawClock {
    started: DateTime<FixedOffset>,
    promised: TimeLimit,
    statutory: TimeLimit,
    #[serde(default)]
    suspensions: Vec<Suspension>,
    #[serde(default)]
    extensions: Vec<Extension>,
    #[serde(default)]
    stopped: Option<DateTime<FixedOffset>>,
}

impl TryFrom<RawClock> for LegalClock {
    type Error = LimitError;

    fn try_from(raw: RawClock) -> Result<Self, LimitError> {
        // Replay the records in their order, extensions merged in by time.
        let mut clock = LegalClock::start(raw.started, raw.promised, raw.statutory)?;
        let mut extensions = raw.extensions.into_iter().peekable();
        let mut extend_until = |clock: &mut LegalClock, t: Option<DateTime<FixedOffset>>| {
            while let Some(e) = extensions.next_if(|e| t.is_none_or(|t| e.at <= t)) {
                clock.extend(e.working_days, e.at)?;
            }
            Ok::<(), LimitError>(())
        };
        let count = raw.suspensions.len();
        for (i, s) in raw.suspensions.into_iter().enumerate() {
            extend_until(&mut clock, Some(s.start))?;
            clock.suspend(s.kind, s.start)?;
            match s.end {
                Some(end) => {
                    extend_until(&mut clock, Some(end))?;
                    clock.resume(end)?;
                }
                // Only the last suspension may still be running.
                None if i + 1 < count => {
                    return Err(LimitError::AlreadySuspended { kind: s.kind, since: s.start })
                }
                None => {}
            }
        }
        extend_until(&mut clock, None)?;
        if let Some(stopped) = raw.stopped {
            clock.stop(stopped)?;
        }
        Ok(clock)
    }
}

impl From<LegalClock> for RawClock {
    fn from(c: LegalClock) -> Self {
        RawClock {
            started: c.started,
            promised: c.promised,
            statutory: c.statutory,
            suspensions: c.suspensions,
            extensions: c.extensions,
            stopped: c.stopped,
        }
    }
}
