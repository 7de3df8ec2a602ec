use std::fmt;

use chrono::NaiveDate;

use super::{GroupKey, Indicator, ReportSpec};
use crate::graph::StepId;

/// What is wrong with a number given to a report.
///
/// # Example
///
/// ```
/// use shenpi::report::NumberFault;
///
/// assert_eq!(NumberFault::Negative.to_string(), "negative");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum NumberFault {
    /// Not a number (NaN).
    NotANumber,
    /// Infinite.
    Infinite,
    /// Below zero.
    Negative,
    /// Above the largest value a report takes
    /// ([`MAX_ACTUAL_WORKING_DAYS`](super::MAX_ACTUAL_WORKING_DAYS)).
    TooLarge,
}

impl NumberFault {
    /// The fault of `value` as a non-negative number at most `max`, if any.
    pub(crate) fn of(value: f64, max: f64) -> Option<NumberFault> {
        if value.is_nan() {
            Some(NumberFault::NotANumber)
        } else if value.is_infinite() {
            Some(NumberFault::Infinite)
        } else if value < 0.0 {
            Some(NumberFault::Negative)
        } else if value > max {
            Some(NumberFault::TooLarge)
        } else {
            None
        }
    }
}

impl fmt::Display for NumberFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumberFault::NotANumber => "not a number",
            NumberFault::Infinite => "infinite",
            NumberFault::Negative => "negative",
            NumberFault::TooLarge => "too large",
        })
    }
}

/// Why a report refused an input, a merge, a definition or a stored
/// partial report. A refused input leaves the report as it was.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::report::{DateRange, ReportError};
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let err = DateRange::new(d(5, 1), d(4, 30)).unwrap_err();
/// assert!(matches!(err, ReportError::EmptyRange { from, .. } if from == d(5, 1)));
/// assert_eq!(err.to_string(), "date range 2026-05-01..=2026-04-30 is empty");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A case's actual time in fractional working days is not a finite
    /// number in `0..=MAX_ACTUAL_WORKING_DAYS`.
    #[error("actual time in working days is {fault}")]
    #[non_exhaustive]
    InvalidActualTime {
        /// What is wrong with it.
        fault: NumberFault,
    },
    /// A case's actual time by the legal count exceeds
    /// [`MAX_ACTUAL_WORKING_DAYS`](super::MAX_ACTUAL_WORKING_DAYS).
    #[error("actual time of {days} working days exceeds the largest a report takes ({max})")]
    #[non_exhaustive]
    ActualDaysTooLarge {
        /// The working days given.
        days: u32,
        /// The largest allowed.
        max: u32,
    },
    /// A promised limit longer than the statutory one.
    #[error("promised limit of {promised} working days exceeds statutory limit of {statutory}")]
    #[non_exhaustive]
    PromisedExceedsStatutory {
        /// The promised working days.
        promised: u32,
        /// The statutory working days.
        statutory: u32,
    },
    /// A date range whose end comes before its start.
    #[error("date range {from}..={to} is empty")]
    #[non_exhaustive]
    EmptyRange {
        /// The first day.
        from: NaiveDate,
        /// The last day.
        to: NaiveDate,
    },
    /// Custom period boundaries with no date.
    #[error("period boundaries must hold at least one date")]
    NoBoundaries,
    /// Custom period boundaries not in strictly increasing order.
    #[error("period boundary {after} does not come after {before}")]
    #[non_exhaustive]
    BoundariesNotIncreasing {
        /// The earlier boundary in the list.
        before: NaiveDate,
        /// The boundary that should come after it.
        after: NaiveDate,
    },
    /// A group key of another dimension than the report's grouping.
    #[error("key {key} does not fit a report grouped by {group_by}")]
    #[non_exhaustive]
    KeyMismatch {
        /// The key given.
        key: GroupKey,
        /// The report's grouping, as text.
        group_by: String,
    },
    /// A group slot this report never gave out.
    #[error("group slot {slot} is not one of this report's {groups} groups")]
    #[non_exhaustive]
    UnknownSlot {
        /// The slot given.
        slot: usize,
        /// The report's number of groups.
        groups: usize,
    },
    /// Two reports with different specs can't be merged.
    #[error("cannot merge a report {theirs} into one {ours}")]
    #[non_exhaustive]
    SpecMismatch {
        /// The spec of the report merged into.
        ours: Box<ReportSpec>,
        /// The spec of the report merged.
        theirs: Box<ReportSpec>,
    },
    /// A stored partial report whose parts disagree.
    #[error("inconsistent stored report: {what}")]
    #[non_exhaustive]
    Inconsistent {
        /// What disagrees.
        what: &'static str,
    },
    /// A ranking with no indicator.
    #[error("a ranking needs at least one indicator")]
    NoIndicators,
    /// A ranking threshold that is not a finite number.
    #[error("threshold for {indicator} is {fault}")]
    #[non_exhaustive]
    InvalidThreshold {
        /// The indicator the threshold is for.
        indicator: Indicator,
        /// What is wrong with it.
        fault: NumberFault,
    },
    /// A run record naming a step its graph does not have.
    #[error("run record step {step} is not in the graph")]
    #[non_exhaustive]
    UnknownStep {
        /// The step.
        step: StepId,
    },
}
