//! What the benchmark areas share: a small deterministic generator, and
//! the calendar and items of the case and escalation benchmarks.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use shenpi::calendar::{OfficeHours, OfficePeriod, WorkCalendar};
use shenpi::case::{Case, CaseContext, CaseEvent, CaseId};
use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
use shenpi::limit::{Deadline, SpecialProcedure, TimeLimit};

/// xorshift64* (Vigna): deterministic and dependency-free, so every run
/// times the same inputs.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (multiply-shift on the high 32 bits).
    pub(crate) fn below(&mut self, n: u32) -> u32 {
        (((self.next_u64() >> 32) * u64::from(n)) >> 32) as u32
    }

    /// Uniform in `lo..=hi`.
    #[allow(dead_code)]
    pub(crate) fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi - lo + 1)
    }

    /// True `percent` times in a hundred.
    #[allow(dead_code)]
    pub(crate) fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }

    /// Uniform in `0..n`, for indices.
    #[allow(dead_code)]
    pub(crate) fn index(&mut self, n: usize) -> usize {
        self.below(u32::try_from(n).expect("small counts")) as usize
    }
}

/// Office hours, as (start, end) in seconds after midnight.
pub(crate) const OFFICE: [(u32, u32); 2] =
    [(8 * 3600 + 1800, 12 * 3600), (14 * 3600 + 1800, 17 * 3600 + 1800)];

/// The items: code, name, promised and statutory working days, and the
/// special procedures they allow. Every item keeps the default extension
/// allowance of 10 working days.
pub(crate) const ITEMS: [(&str, &str, u32, u32, &[SpecialProcedure]); 5] = [
    ("XK-0001", "食品经营许可", 7, 20, &[SpecialProcedure::Inspection]),
    (
        "XK-0002",
        "建设工程规划许可证核发",
        10,
        20,
        &[SpecialProcedure::ExpertReview, SpecialProcedure::Hearing],
    ),
    (
        "XK-0003",
        "药品零售企业许可",
        5,
        15,
        &[SpecialProcedure::Inspection, SpecialProcedure::Testing],
    ),
    ("XK-0004", "户外广告设施设置许可", 3, 20, &[]),
    (
        "XK-0005",
        "企业投资项目核准",
        20,
        20,
        &[SpecialProcedure::ExpertReview, SpecialProcedure::Appraisal],
    ),
];

pub(crate) fn china_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

pub(crate) fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid literal date")
}

pub(crate) fn hms(seconds: u32) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0).expect("seconds within a day")
}

/// The national calendar with two office periods a day.
pub(crate) fn calendar() -> WorkCalendar {
    let period = |(start, end): (u32, u32)| {
        OfficePeriod::new(hms(start), hms(end)).expect("office periods end after they start")
    };
    let hours = OfficeHours::new(OFFICE.map(period)).expect("office periods do not overlap");
    WorkCalendar::china().with_office_hours(hours)
}

pub(crate) fn items() -> Vec<ApprovalItem> {
    ITEMS
        .iter()
        .map(|&(code, name, promised, statutory, procedures)| {
            ApprovalItem::builder(
                ItemCode::new(code).expect("a valid item code"),
                name,
                DepartmentId::new("county-approval-bureau").expect("a valid department id"),
            )
            .statutory(TimeLimit::working_days(statutory))
            .promised(TimeLimit::working_days(promised))
            .special_procedures(procedures.iter().copied())
            .build()
            .expect("a valid item")
        })
        .collect()
}

/// Whether an extension at `at` comes while the statutory limit of the case
/// written so far still runs (行政许可法 art. 42 allows one only then), so
/// the generated histories stay legal.
pub(crate) fn extension_runs(
    cal: &WorkCalendar,
    item: &ApprovalItem,
    events: &[CaseEvent],
    at: DateTime<FixedOffset>,
) -> bool {
    let ctx = CaseContext::new(item, cal);
    let Ok(id) = CaseId::new("BENCH") else { return false };
    let Ok(case) = Case::replay(id, &ctx, events) else { return false };
    let Some(clock) = case.clock() else { return false };
    clock.due(cal, Deadline::Statutory, at).is_ok_and(|due| cal.to_civil(&at).date() <= due.date)
}
