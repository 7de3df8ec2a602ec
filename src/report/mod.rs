//! Reports: promised against actual handling time, the table cities judge
//! their approval reform by (how many matters, promised how fast, done how
//! fast, how far below the statutory and provincial limits), plus
//! complaint tickets and parallel-approval runs.
//!
//! A [`CaseReport`] streams over concluded cases in one pass, each given as
//! a compact [`CaseFacts`] row, into one accumulator per group of its
//! [`ReportSpec`]: by department, item, item type, stage, key project,
//! month, quarter, year or custom periods ([`GroupBy`]), optionally only
//! the cases concluded within a [`DateRange`]. Accumulators keep counts and
//! sums in integers, so [`CaseReport::merge`] is exactly associative and
//! commutative: a host may report shards or months separately (and store
//! the partial reports as JSON) and merge them, with the same result as one
//! pass. [`CaseReport::summary`] gives a [`ReportSummary`] of
//! [`ReportRow`]s for a portal's dashboard; a [`Ranking`] orders its
//! groups on chosen [`Indicator`]s and flags the laggards (正反激励).
//! [`TicketReport`] counts complaint tickets (by class and source, feedback
//! on time, satisfaction, bad reviews, escalation levels) and [`RunReport`]
//! parallel-approval runs (per stage and step, limit against actual).
//!
//! | question | field or method |
//! |---|---|
//! | how many matters? | [`ReportRow::cases`] |
//! | promised how fast? | [`ReportRow::avg_promised_days`] |
//! | done how fast? | [`ReportRow::avg_actual_days`], [`ReportRow::median_actual_days`] |
//! | how far below the law? the province? | [`ReportRow::compression_vs_statutory`], [`ReportRow::compression_vs_reference`] |
//! | which department lags? | [`Ranking`] |
//!
//! # How exact
//!
//! - **Counts, sums, rates, averages, least and greatest values** are
//!   exact over the inputs: fractional actual time is rounded once per case
//!   to a millionth of a working day ([`MICRO_DAYS`]) and summed in
//!   integers. Averages are exact means, so they lie between the group's
//!   least and greatest values; rates lie in `[0, 1]`.
//! - **Quantiles** are nearest-rank: the p-quantile of n values is the
//!   ⌈p·n⌉-th smallest (the median of an even count is the lower middle
//!   value). By the legal working-day count they are **exact**: days below
//!   256 have a counter each and longer ones an ordered map. For fractional
//!   time they come from a log-linear histogram of the micro-days (a bucket
//!   per value below 128, then 64 buckets per power of two) holding each
//!   bucket's count and sum: the reported value is the mean of the values
//!   in the bucket holding the exact one, so it is **exact when that
//!   bucket's values are all equal, and otherwise off by less than the
//!   bucket's width, which is at most 1/64 of the exact value** (under
//!   1.6%; 0.003 working days around 0.21).
//!
//! # Example: promised 3.21, done in 0.21
//!
//! Two departments, three cases of the first quarter of 2022, one more
//! concluded in May and left out by the period:
//!
//! ```
//! use chrono::NaiveDate;
//! use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
//! use shenpi::limit::TimeLimit;
//! use shenpi::report::{CaseFacts, CaseReport, DateRange, GroupBy, Placement, ReportSpec};
//!
//! let item = |code, dept, promised, reference| {
//!     ApprovalItem::builder(ItemCode::new(code)?, "许可", DepartmentId::new(dept)?)
//!         .statutory(TimeLimit::working_days(20))
//!         .promised(TimeLimit::working_days(promised))
//!         .reference(TimeLimit::working_days(reference))
//!         .build()
//! };
//! let planning = item("XK-0002", "natural-resources", 5, 10)?;
//! let housing = item("XK-0007", "housing", 2, 4)?;
//! let d = |m, day| NaiveDate::from_ymd_opt(2022, m, day).unwrap();
//! let q1 = DateRange::new(d(1, 1), d(3, 31))?;
//! let mut report = CaseReport::new(ReportSpec::new(GroupBy::Department).within(q1));
//! for (it, day, legal, fraction) in [
//!     (&planning, d(1, 10), 0, 0.25),
//!     (&planning, d(2, 14), 1, 0.5),
//!     (&housing, d(3, 1), 0, 0.15),
//!     (&housing, d(5, 5), 3, 2.0),
//! ] {
//!     let facts = CaseFacts::new(day, legal, fraction)?
//!         .with_limits(it.promised().amount(), 20)?
//!         .with_reference(it.reference().map_or(0, |r| r.amount()));
//!     report.add(it, &facts, &Placement::new())?;
//! }
//! let summary = report.summary();
//! assert_eq!(summary.excluded, 1);
//! let total = summary.total.as_ref().unwrap();
//! assert_eq!(total.cases, 3);
//! assert_eq!(total.avg_promised_days, Some(4.0)); // (5 + 5 + 2) / 3
//! assert!((total.avg_actual_days - 0.3).abs() < 1e-12); // (0.25 + 0.5 + 0.15) / 3
//! assert_eq!(total.median_actual_days, 0.25);
//! assert_eq!(total.compression_vs_statutory, Some(0.8)); // 1 − 12/60
//! assert_eq!(total.compression_vs_reference, Some(0.5)); // 1 − 12/24
//! let rows: Vec<String> = summary.rows.iter().map(|r| r.key.to_string()).collect();
//! assert_eq!(rows, ["department housing", "department natural-resources"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With a real case, [`CaseFacts::from_outcome`] takes the item, the
//! case's [`CaseOutcome`](crate::case::CaseOutcome) and the calendar.

mod case_report;
mod error;
mod facts;
mod key;
mod ranking;
mod runs;
mod stats;
mod tickets;

pub use case_report::{CaseReport, GroupSlot, ReportRow, ReportSummary};
pub use error::{NumberFault, ReportError};
pub use facts::{CaseFacts, MAX_ACTUAL_WORKING_DAYS, MICRO_DAYS};
pub use key::{Boundaries, DateRange, GroupBy, GroupKey, Placement, ReportSpec};
pub use ranking::{Indicator, Laggards, RankedGroup, Ranking, RankingSpec};
pub use runs::{RunReport, RunSummary, StepRow};
pub use tickets::{TicketReport, TicketSummary};

#[cfg(test)]
mod tests {
    use super::stats::{micro_bucket, micro_bucket_bounds};
    use super::*;

    #[test]
    fn public_types_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<CaseReport>();
        assert_send_sync::<CaseFacts>();
        assert_send_sync::<ReportSummary>();
        assert_send_sync::<ReportError>();
        assert_send_sync::<TicketReport>();
        assert_send_sync::<RunReport>();
        assert_send_sync::<Ranking>();
    }

    #[test]
    fn case_facts_stay_compact() {
        assert!(std::mem::size_of::<CaseFacts>() <= 40);
    }

    #[test]
    fn buckets_cover_every_value_once_and_are_narrow() {
        let max = u64::from(MAX_ACTUAL_WORKING_DAYS) * MICRO_DAYS;
        let mut expected_low = 0u64;
        for i in 0..=micro_bucket(max) {
            let (low, width) = micro_bucket_bounds(i);
            // Buckets tile the values without gaps or overlaps.
            assert_eq!(low, expected_low, "bucket {i}");
            assert_eq!(micro_bucket(low), i);
            assert_eq!(micro_bucket(low + width - 1), i);
            // Narrow: at most 1/64 of the lower bound, or one value.
            assert!(width == 1 || width * 64 <= low, "bucket {i}: {low} + {width}");
            expected_low = low + width;
        }
        assert!(expected_low > max);
    }
}
