use chrono::{DateTime, FixedOffset};

use super::{LimitUnit, SuspensionKind};
use crate::calendar::CalendarError;

/// What went wrong with a time limit or a legal clock.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::limit::{LegalClock, LimitError, TimeLimit};
///
/// let accepted = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
/// let mut clock =
///     LegalClock::start(accepted, TimeLimit::working_days(5), TimeLimit::working_days(20))?;
/// let earlier = DateTime::parse_from_rfc3339("2026-03-01T09:00:00+08:00")?;
/// let err = clock.stop(earlier).unwrap_err();
/// assert!(matches!(err, LimitError::TimeWentBackwards { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LimitError {
    /// A calendar operation failed (a date outside the covered years, most
    /// often).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A command would start a clock whose deadline falls past the last
    /// published year of the calendar, under the refuse policy
    /// ([`Horizon::Refuse`](crate::calendar::Horizon)): refused at the
    /// command, so no clock is started whose deadlines cannot be read.
    #[error(
        "the {deadline} deadline of {limit} from {started} falls after {published}, the last year \
         whose holiday arrangement the calendar has: load the {next} arrangement \
         (WorkCalendar::with_arrangement) or opt into estimates (Horizon::Estimate)",
        next = published + 1
    )]
    #[non_exhaustive]
    DeadlineUnpublished {
        /// Which deadline.
        deadline: super::Deadline,
        /// Its limit.
        limit: super::TimeLimit,
        /// When the clock would start.
        started: DateTime<FixedOffset>,
        /// The last published year of the calendar.
        published: i32,
    },
    /// The promised limit is longer than the statutory one.
    #[error("promised limit {promised} exceeds statutory limit {statutory}")]
    #[non_exhaustive]
    PromisedExceedsStatutory {
        /// The promised amount.
        promised: u32,
        /// The statutory amount.
        statutory: u32,
    },
    /// The promised and statutory limits count in different units.
    #[error("promised limit counts {promised} but statutory limit counts {statutory}")]
    #[non_exhaustive]
    UnitMismatch {
        /// The promised limit's unit.
        promised: LimitUnit,
        /// The statutory limit's unit.
        statutory: LimitUnit,
    },
    /// An instant comes before the clock's latest recorded instant.
    #[error("instant {at} is before the clock's last recorded instant {last}")]
    #[non_exhaustive]
    TimeWentBackwards {
        /// The instant given.
        at: DateTime<FixedOffset>,
        /// The latest instant the clock has recorded.
        last: DateTime<FixedOffset>,
    },
    /// The clock is already suspended.
    #[error("the clock is already suspended for {kind} since {since}")]
    #[non_exhaustive]
    AlreadySuspended {
        /// Why it is suspended.
        kind: SuspensionKind,
        /// Since when.
        since: DateTime<FixedOffset>,
    },
    /// The clock is not suspended, so it cannot resume.
    #[error("the clock is not suspended")]
    NotSuspended,
    /// The clock has stopped (the matter is concluded).
    #[error("the clock stopped at {at}")]
    #[non_exhaustive]
    Stopped {
        /// When it stopped.
        at: DateTime<FixedOffset>,
    },
    /// Extensions that would come to more than
    /// [`LegalClock::MAX_EXTENSION_DAYS`](super::LegalClock::MAX_EXTENSION_DAYS)
    /// working days in all (from a clock decoded from storage, most often:
    /// a case's item allows far fewer).
    #[error(
        "an extension of {requested} working days on top of the {granted} granted would pass \
         the most a clock may be extended, {max} working days"
    )]
    #[non_exhaustive]
    ExtensionTooLong {
        /// The days asked for.
        requested: u32,
        /// The days already granted.
        granted: u32,
        /// The maximum.
        max: u32,
    },
    /// An extension of zero days, which extends nothing.
    #[error("an extension must add at least one working day")]
    EmptyExtension,
    /// Warning thresholds out of order or above 100%.
    #[error(
        "warning thresholds must satisfy yellow {yellow}% <= red {red}% <= 100%, got yellow {yellow}% and red {red}%"
    )]
    #[non_exhaustive]
    InvalidThresholds {
        /// The yellow-warning share, in percent.
        yellow: u8,
        /// The red-warning share, in percent.
        red: u8,
    },
}
