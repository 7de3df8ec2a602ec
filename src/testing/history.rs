use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta};

use crate::calendar::WorkCalendar;
use crate::machine::Envelope;

type Instant = DateTime<FixedOffset>;

/// What a generated command is expected to do when applied in turn.
///
/// # Example
///
/// ```
/// use shenpi::testing::{Expect, Illegal};
///
/// assert_ne!(Expect::Accept, Expect::Refuse(Illegal::TimeWentBackwards));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expect {
    /// Legal at its point: the machine must record it.
    Accept,
    /// Illegal at its point, for the reason given: the machine must refuse
    /// it and stay exactly as it was.
    Refuse(Illegal),
}

/// Why a generated command is illegal.
///
/// # Example
///
/// ```
/// use shenpi::testing::Illegal;
///
/// assert_eq!(Illegal::RoleNotAllowed.to_string(), "the role policy does not allow the actor");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Illegal {
    /// The role policy does not let the actor's role issue the command.
    RoleNotAllowed,
    /// The command is earlier than the latest recorded event.
    TimeWentBackwards,
    /// The transition table has no such command from the current state.
    NotInTable,
    /// The command's data breaks a rule of the machine.
    BadData(&'static str),
}

impl fmt::Display for Illegal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Illegal::RoleNotAllowed => f.write_str("the role policy does not allow the actor"),
            Illegal::TimeWentBackwards => f.write_str("it is earlier than the latest event"),
            Illegal::NotInTable => f.write_str("the transition table has no such command here"),
            Illegal::BadData(what) => write!(f, "its data is invalid: {what}"),
        }
    }
}

/// A generated history: when the machine starts and the commands applied to
/// it in turn, each with what it is expected to do.
///
/// For a case or a ticket the first event is the receipt and `start` is its
/// instant; for a graph run `start` is the instant given to
/// [`GraphRun::new`](crate::graph::GraphRun::new) and every event is a
/// command. Instants never go backwards, except for the commands generated
/// illegal for that reason, and every instant falls on a day the calendar
/// covers.
///
/// # Example
///
/// ```
/// use chrono::DateTime;
/// use shenpi::testing::{Expect, History};
///
/// let start = DateTime::parse_from_rfc3339("2026-03-02T09:00:00+08:00")?;
/// let history: History<()> = History::new(start, Vec::new());
/// assert_eq!(history.len(), 0);
/// assert!(history.accepted().next().is_none());
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct History<P> {
    /// When the machine starts.
    pub start: Instant,
    /// The commands in the order they are applied.
    pub events: Vec<Envelope<P>>,
    /// What each command is expected to do, one for each event.
    pub expect: Vec<Expect>,
}

impl<P> History<P> {
    /// A history of events all expected to be accepted, such as one a host
    /// stored.
    ///
    /// # Example
    ///
    /// See [`History`].
    pub fn new(start: Instant, events: Vec<Envelope<P>>) -> History<P> {
        let expect = vec![Expect::Accept; events.len()];
        History { start, events, expect }
    }

    /// How many commands the history holds.
    ///
    /// # Example
    ///
    /// See [`History`].
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether the history holds no command.
    ///
    /// # Example
    ///
    /// See [`History`].
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The events expected to be accepted, in order: what a host would
    /// store.
    ///
    /// # Example
    ///
    /// See [`History`].
    pub fn accepted(&self) -> impl Iterator<Item = &Envelope<P>> + '_ {
        self.events.iter().zip(&self.expect).filter(|(_, e)| **e == Expect::Accept).map(|(e, _)| e)
    }

    /// The indices of the events expected to be refused.
    ///
    /// # Example
    ///
    /// See [`History`].
    pub fn refused(&self) -> impl Iterator<Item = usize> + '_ {
        self.expect.iter().enumerate().filter(|(_, e)| **e != Expect::Accept).map(|(i, _)| i)
    }
}

/// Where and how long generated histories run: the days on which a machine
/// may start (its receipt, or a run's start) and the most commands after
/// that.
///
/// Later commands may fall after `last`, up to the end of the calendar's
/// covered years, never beyond: a history stops short rather than leave the
/// calendar.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::testing::Scope;
///
/// let scope = Scope::year(2026).max_commands(12);
/// assert_eq!(scope.first(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
/// assert_eq!(scope.commands(), 12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    first: NaiveDate,
    last: NaiveDate,
    max_commands: usize,
}

impl Scope {
    /// Starts on the days from `first` through `last`, with up to 16
    /// commands after the start.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::testing::Scope;
    ///
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let scope = Scope::new(d(3, 1), d(8, 31));
    /// assert_eq!((scope.first(), scope.last()), (d(3, 1), d(8, 31)));
    /// ```
    pub fn new(first: NaiveDate, last: NaiveDate) -> Scope {
        Scope { first, last, max_commands: 16 }
    }

    /// Starts on any day of `year`.
    ///
    /// # Example
    ///
    /// See [`Scope`].
    pub fn year(year: i32) -> Scope {
        let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).unwrap_or(NaiveDate::MIN);
        Scope::new(day(1, 1), day(12, 31))
    }

    /// The same scope with up to `n` commands after the start.
    ///
    /// # Example
    ///
    /// See [`Scope`].
    pub fn max_commands(mut self, n: usize) -> Scope {
        self.max_commands = n;
        self
    }

    /// The first day a machine may start.
    ///
    /// # Example
    ///
    /// See [`Scope`].
    pub fn first(&self) -> NaiveDate {
        self.first
    }

    /// The last day a machine may start.
    ///
    /// # Example
    ///
    /// See [`Scope::new`].
    pub fn last(&self) -> NaiveDate {
        self.last
    }

    /// The most commands after the start.
    ///
    /// # Example
    ///
    /// See [`Scope`].
    pub fn commands(&self) -> usize {
        self.max_commands
    }

    /// Checks the scope against a calendar: the start days must be covered.
    pub(crate) fn check(&self, cal: &WorkCalendar) -> Result<Bounds, KitError> {
        if self.first > self.last {
            return Err(KitError::EmptyScope { first: self.first, last: self.last });
        }
        let years = cal.years();
        if !cal.covers(self.first) || !cal.covers(self.last) {
            return Err(KitError::OutsideCalendar {
                first: self.first,
                last: self.last,
                first_year: *years.start(),
                last_year: *years.end(),
            });
        }
        let (_, end) = cal.date_range();
        let latest = cal.instant(end, NaiveTime::MIN)? + TimeDelta::seconds(86_399);
        Ok(Bounds { first: self.first, last: self.last, latest, commands: self.max_commands })
    }
}

/// A scope checked against a calendar, with the latest instant it covers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    pub(crate) first: NaiveDate,
    pub(crate) last: NaiveDate,
    pub(crate) latest: Instant,
    pub(crate) commands: usize,
}

/// Why the kit cannot build a strategy from the definitions given. Checked
/// before any strategy exists, so a bad setup fails at once and never
/// panics inside a property.
///
/// # Example
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::testing::{instants_around, KitError};
///
/// let err = instants_around(Vec::new(), &WorkCalendar::china()).unwrap_err();
/// assert_eq!(err, KitError::NoMoments);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KitError {
    /// The scope's first day is after its last.
    #[error("scope {first}..={last} is empty")]
    #[non_exhaustive]
    EmptyScope {
        /// The first day.
        first: NaiveDate,
        /// The last day.
        last: NaiveDate,
    },
    /// The scope's days are not all covered by the calendar.
    #[error(
        "scope {first}..={last} is outside the calendar's covered years {first_year}..={last_year}"
    )]
    #[non_exhaustive]
    OutsideCalendar {
        /// The first day.
        first: NaiveDate,
        /// The last day.
        last: NaiveDate,
        /// The calendar's first covered year.
        first_year: i32,
        /// The calendar's last covered year.
        last_year: i32,
    },
    /// No moment to pick instants around lies on the calendar.
    #[error("no moment to pick instants around lies on the calendar")]
    NoMoments,
    /// A generated definition needs at least one of something.
    #[error("the definitions give no {what} to generate")]
    #[non_exhaustive]
    Nothing {
        /// What is missing.
        what: &'static str,
    },
    /// The calendar refused.
    #[error(transparent)]
    Calendar(#[from] crate::calendar::CalendarError),
}
