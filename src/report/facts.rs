use chrono::NaiveDate;

use super::{NumberFault, ReportError};
use crate::calendar::WorkCalendar;
use crate::case::CaseOutcome;
use crate::catalog::{ApprovalItem, CaseKind};
use crate::limit::LimitUnit;

/// The largest actual time a report takes, in working days (by the legal
/// count and fractional): about four thousand years, far beyond any real
/// case, so that sums can't overflow.
pub const MAX_ACTUAL_WORKING_DAYS: u32 = 1_000_000;

/// Millionths of a working day per working day: the resolution at which a
/// report sums fractional actual time, exactly, in integers.
pub const MICRO_DAYS: u64 = 1_000_000;

const INSTANT: u8 = 1;
const ON_TIME: u8 = 2;
const WITHIN_STATUTORY: u8 = 4;
const LIMITS: u8 = 8;
const REFERENCE: u8 = 16;
const PROVISIONAL: u8 = 32;

/// One concluded case as a report sees it: a compact, `Copy` row of
/// integers (40 bytes), so that a report's pass over millions of cases
/// touches little memory.
///
/// - the day it was concluded (on the calendar's clock), for periods and
///   the period filter;
/// - its actual time by the legal count (whole working days) and in
///   fractional working days over office hours, kept in millionths of a
///   working day ([`MICRO_DAYS`], rounded to nearest);
/// - whether it is an instant case (即办件), was decided by the promised
///   deadline and by the statutory one, and the working days it was late;
/// - its promised, statutory and reference limits when they count working
///   days (natural-day, month and working-hour limits can't be averaged
///   with them, so such cases are left out of the limit averages and the
///   compression, and counted everywhere else).
///
/// Build one from a case's [`CaseOutcome`] with
/// [`from_outcome`](Self::from_outcome), or from plain numbers with
/// [`new`](Self::new) and the `with_*` methods (a portal importing history
/// from another system).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::catalog::CaseKind;
/// use shenpi::report::CaseFacts;
///
/// let day = NaiveDate::from_ymd_opt(2022, 3, 9).unwrap();
/// // Promised 3 working days, statutory 20; decided in 0.21 working days.
/// let facts = CaseFacts::new(day, 0, 0.21)?.with_limits(3, 20)?;
/// assert_eq!(facts.actual_micro_days(), 210_000);
/// assert!(facts.on_time());
/// assert_eq!(facts.limits(), Some((3, 20)));
///
/// // Late: decided 2 working days after the promised due date.
/// let late = CaseFacts::new(day, 5, 4.6)?.with_limits(3, 20)?.late(2);
/// assert!(!late.on_time() && late.within_statutory());
/// assert_eq!(late.overdue_working_days(), 2);
/// assert_eq!(CaseFacts::new(day, 0, 0.1)?.of_kind(CaseKind::Instant).is_instant(), true);
/// # Ok::<(), shenpi::report::ReportError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaseFacts {
    concluded_on: NaiveDate,
    actual_micro: u64,
    actual_days: u32,
    overdue_days: u32,
    promised: u32,
    statutory: u32,
    reference: u32,
    flags: u8,
}

impl CaseFacts {
    /// A case concluded on `concluded_on` after `actual_working_days` by the
    /// legal count and `actual_fraction` fractional working days over
    /// office hours: a promised case, on time, within the statutory limit,
    /// with no limits in working days until set.
    ///
    /// # Errors
    ///
    /// [`ReportError::InvalidActualTime`] when `actual_fraction` is not a
    /// finite number in `0..=MAX_ACTUAL_WORKING_DAYS`;
    /// [`ReportError::ActualDaysTooLarge`] when `actual_working_days`
    /// exceeds [`MAX_ACTUAL_WORKING_DAYS`].
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::report::{CaseFacts, NumberFault, ReportError};
    ///
    /// let day = NaiveDate::from_ymd_opt(2022, 3, 9).unwrap();
    /// let err = CaseFacts::new(day, 0, f64::NAN).unwrap_err();
    /// assert!(matches!(err, ReportError::InvalidActualTime { fault: NumberFault::NotANumber, .. }));
    /// assert_eq!(err.to_string(), "actual time in working days is not a number");
    /// ```
    pub fn new(
        concluded_on: NaiveDate,
        actual_working_days: u32,
        actual_fraction: f64,
    ) -> Result<CaseFacts, ReportError> {
        let max = MAX_ACTUAL_WORKING_DAYS;
        if let Some(fault) = NumberFault::of(actual_fraction, f64::from(max)) {
            return Err(ReportError::InvalidActualTime { fault });
        }
        if actual_working_days > max {
            return Err(ReportError::ActualDaysTooLarge { days: actual_working_days, max });
        }
        // In 0..=1e12 after the checks above, so the cast is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let actual_micro = (actual_fraction * MICRO_DAYS as f64).round() as u64;
        Ok(CaseFacts {
            concluded_on,
            actual_micro,
            actual_days: actual_working_days,
            overdue_days: 0,
            promised: 0,
            statutory: 0,
            reference: 0,
            flags: ON_TIME | WITHIN_STATUTORY,
        })
    }

    /// The facts of a decided case: its outcome, the item's case kind and
    /// reference limit, and the conclusion day on `cal`'s clock.
    ///
    /// The promised and statutory limits are the outcome's (the limits the
    /// case ran under, before extensions); they and the item's reference
    /// limit count only when in working days.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new), for an actual time beyond
    /// [`MAX_ACTUAL_WORKING_DAYS`].
    ///
    /// # Example
    ///
    /// See the [module](super) example.
    pub fn from_outcome(
        item: &ApprovalItem,
        outcome: &CaseOutcome,
        cal: &WorkCalendar,
    ) -> Result<CaseFacts, ReportError> {
        let day = cal.to_civil(&outcome.concluded_at).date();
        let mut facts = CaseFacts::new(day, outcome.actual_working_days, outcome.actual_fraction)?
            .of_kind(item.case_kind());
        let (p, s) = (outcome.promised, outcome.statutory);
        if p.unit() == LimitUnit::WorkingDays && s.unit() == LimitUnit::WorkingDays {
            facts = facts.with_limits(p.amount(), s.amount())?;
        }
        if let Some(r) = item.reference().filter(|r| r.unit() == LimitUnit::WorkingDays) {
            facts = facts.with_reference(r.amount());
        }
        if !outcome.on_time {
            facts = facts.late(outcome.overdue_working_days);
        }
        if !outcome.within_statutory {
            facts = facts.past_statutory();
        }
        if outcome.provisional {
            facts.flags |= PROVISIONAL;
        }
        Ok(facts)
    }

    /// The case's item is of `kind`; [`CaseKind::Instant`] makes it an
    /// instant case (即办件).
    pub fn of_kind(mut self, kind: CaseKind) -> CaseFacts {
        self.set(INSTANT, kind == CaseKind::Instant);
        self
    }

    /// The promised and statutory limits, in working days.
    ///
    /// # Errors
    ///
    /// [`ReportError::PromisedExceedsStatutory`] when `promised` is longer.
    pub fn with_limits(mut self, promised: u32, statutory: u32) -> Result<CaseFacts, ReportError> {
        if promised > statutory {
            return Err(ReportError::PromisedExceedsStatutory { promised, statutory });
        }
        self.promised = promised;
        self.statutory = statutory;
        self.flags |= LIMITS;
        Ok(self)
    }

    /// A reference limit (the province's, say), in working days. It counts
    /// only beside limits set with [`with_limits`](Self::with_limits).
    pub fn with_reference(mut self, reference: u32) -> CaseFacts {
        self.reference = reference;
        self.flags |= REFERENCE;
        self
    }

    /// Decided after the promised deadline, `overdue_working_days` working
    /// days after the due date (0 when late on the due day itself).
    pub fn late(mut self, overdue_working_days: u32) -> CaseFacts {
        self.flags &= !ON_TIME;
        self.overdue_days = overdue_working_days;
        self
    }

    /// Decided after the statutory deadline too.
    pub fn past_statutory(mut self) -> CaseFacts {
        self.flags &= !WITHIN_STATUTORY;
        self
    }

    fn set(&mut self, flag: u8, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }

    /// The day the case was concluded.
    pub fn concluded_on(&self) -> NaiveDate {
        self.concluded_on
    }

    /// Actual time in millionths of a working day.
    pub fn actual_micro_days(&self) -> u64 {
        self.actual_micro
    }

    /// Actual time by the legal count, in working days.
    pub fn actual_working_days(&self) -> u32 {
        self.actual_days
    }

    /// Whether it is an instant case.
    pub fn is_instant(&self) -> bool {
        self.flags & INSTANT != 0
    }

    /// Whether its outcome counted over a day of an estimated year (see
    /// [`CaseOutcome::provisional`]).
    pub fn provisional(&self) -> bool {
        self.flags & PROVISIONAL != 0
    }

    /// Whether it was decided by the promised deadline.
    pub fn on_time(&self) -> bool {
        self.flags & ON_TIME != 0
    }

    /// Whether it was decided by the statutory deadline.
    pub fn within_statutory(&self) -> bool {
        self.flags & WITHIN_STATUTORY != 0
    }

    /// Working days late (0 when on time).
    pub fn overdue_working_days(&self) -> u32 {
        self.overdue_days
    }

    /// Promised and statutory working days, when the limits count working
    /// days.
    pub fn limits(&self) -> Option<(u32, u32)> {
        (self.flags & LIMITS != 0).then_some((self.promised, self.statutory))
    }

    /// The reference working days, when set beside the limits.
    pub fn reference(&self) -> Option<u32> {
        (self.flags & (LIMITS | REFERENCE) == LIMITS | REFERENCE).then_some(self.reference)
    }

    #[inline]
    pub(crate) fn flags(&self) -> u8 {
        self.flags
    }

    #[inline]
    pub(crate) fn raw_limits(&self) -> (u32, u32, u32) {
        (self.promised, self.statutory, self.reference)
    }
}

pub(crate) mod flag {
    pub(crate) const INSTANT: u8 = super::INSTANT;
    pub(crate) const ON_TIME: u8 = super::ON_TIME;
    pub(crate) const WITHIN_STATUTORY: u8 = super::WITHIN_STATUTORY;
    pub(crate) const LIMITS: u8 = super::LIMITS;
    pub(crate) const REFERENCE: u8 = super::REFERENCE;
    pub(crate) const PROVISIONAL: u8 = super::PROVISIONAL;
}
