use std::fmt;

use serde::{Deserialize, Serialize};

/// The unit a time limit counts in (GB/T 39046 records one per limit).
///
/// # Example
///
/// ```
/// use shenpi::limit::LimitUnit;
///
/// assert_eq!(serde_json::to_string(&LimitUnit::WorkingDays)?, r#""working_days""#);
/// assert_eq!(serde_json::from_str::<LimitUnit>(r#""months""#)?, LimitUnit::Months);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LimitUnit {
    /// Working days (工作日), the unit of the Administrative Licensing Law
    /// (art. 82): the start day excluded, holidays excluded.
    WorkingDays,
    /// Natural days (自然日): calendar days, the period rolled forward when
    /// its last day is not a working day.
    NaturalDays,
    /// Working hours: office hours of working days.
    WorkingHours,
    /// Months (月), counted by Civil Code art. 202: the period ends on the
    /// corresponding day of its last month, or on that month's last day when
    /// it has none, rolled forward when that day is not a working day
    /// (art. 203), as [`WorkCalendar::add_months`](crate::calendar::WorkCalendar::add_months)
    /// counts. In JSON: `"months"`.
    Months,
}

impl fmt::Display for LimitUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitUnit::WorkingDays => "working days",
            LimitUnit::NaturalDays => "natural days",
            LimitUnit::WorkingHours => "working hours",
            LimitUnit::Months => "months",
        })
    }
}

/// A time limit: an amount of working days, natural days, working hours or
/// months. Zero means the same day (即办, decided on the spot).
///
/// In JSON: `{"amount": 20, "unit": "working_days"}`, or
/// `{"amount": 3, "unit": "months"}`.
///
/// # Example
///
/// ```
/// use shenpi::limit::TimeLimit;
///
/// let statutory = TimeLimit::working_days(20);
/// let promised = TimeLimit::working_days(5);
/// assert_eq!(promised.to_string(), "5 working days");
/// assert!(promised.amount() <= statutory.amount());
/// assert!(TimeLimit::working_days(0).is_same_day());
/// ```
///
/// # Example: JSON
///
/// ```
/// use shenpi::limit::TimeLimit;
///
/// let limit: TimeLimit = serde_json::from_str(r#"{"amount": 20, "unit": "working_days"}"#)?;
/// assert_eq!(limit, TimeLimit::working_days(20));
/// let months: TimeLimit = serde_json::from_str(r#"{"amount": 3, "unit": "months"}"#)?;
/// assert_eq!(months, TimeLimit::months(3));
/// assert!(serde_json::from_str::<TimeLimit>(r#"{"amount": 3, "unit": "month"}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TimeLimit {
    amount: u32,
    unit: LimitUnit,
}

impl TimeLimit {
    /// A limit of `amount` in `unit`.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::{LimitUnit, TimeLimit};
    ///
    /// assert_eq!(TimeLimit::new(10, LimitUnit::NaturalDays), TimeLimit::natural_days(10));
    /// ```
    pub const fn new(amount: u32, unit: LimitUnit) -> TimeLimit {
        TimeLimit { amount, unit }
    }

    /// A limit of `n` working days.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::{LimitUnit, TimeLimit};
    ///
    /// assert_eq!(TimeLimit::working_days(20).unit(), LimitUnit::WorkingDays);
    /// ```
    pub const fn working_days(n: u32) -> TimeLimit {
        TimeLimit::new(n, LimitUnit::WorkingDays)
    }

    /// A limit of `n` natural days.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::{LimitUnit, TimeLimit};
    ///
    /// assert_eq!(TimeLimit::natural_days(30).unit(), LimitUnit::NaturalDays);
    /// ```
    pub const fn natural_days(n: u32) -> TimeLimit {
        TimeLimit::new(n, LimitUnit::NaturalDays)
    }

    /// A limit of `n` working hours.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::{LimitUnit, TimeLimit};
    ///
    /// assert_eq!(TimeLimit::working_hours(4).unit(), LimitUnit::WorkingHours);
    /// ```
    pub const fn working_hours(n: u32) -> TimeLimit {
        TimeLimit::new(n, LimitUnit::WorkingHours)
    }

    /// A limit of `n` months (Civil Code art. 202).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::limit::{LimitUnit, TimeLimit};
    ///
    /// let limit = TimeLimit::months(3);
    /// assert_eq!(limit.unit(), LimitUnit::Months);
    /// assert_eq!(limit.to_string(), "3 months");
    /// // Three months from 30 November end on the last day of February.
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let end = WorkCalendar::china().add_months(d(2025, 11, 30), limit.amount())?;
    /// assert_eq!(end, d(2026, 2, 28));
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub const fn months(n: u32) -> TimeLimit {
        TimeLimit::new(n, LimitUnit::Months)
    }

    /// The amount, in [`unit`](Self::unit)s.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::TimeLimit;
    ///
    /// assert_eq!(TimeLimit::working_days(20).amount(), 20);
    /// ```
    pub const fn amount(&self) -> u32 {
        self.amount
    }

    /// The unit the limit counts in.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::{LimitUnit, TimeLimit};
    ///
    /// assert_eq!(TimeLimit::working_hours(4).unit(), LimitUnit::WorkingHours);
    /// ```
    pub const fn unit(&self) -> LimitUnit {
        self.unit
    }

    /// Whether the limit is zero: the matter is decided the same day.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::TimeLimit;
    ///
    /// assert!(TimeLimit::natural_days(0).is_same_day());
    /// assert!(!TimeLimit::working_hours(1).is_same_day());
    /// ```
    pub const fn is_same_day(&self) -> bool {
        self.amount == 0
    }
}

impl fmt::Display for TimeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.unit)
    }
}

/// The special procedures of 行政许可法 art. 45, whose time does not count
/// toward a limit.
///
/// # Example
///
/// ```
/// use shenpi::limit::SpecialProcedure;
///
/// let p: SpecialProcedure = serde_json::from_str(r#""expert_review""#)?;
/// assert_eq!(p, SpecialProcedure::ExpertReview);
/// assert_eq!(p.name_zh(), "专家评审");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpecialProcedure {
    /// 听证: a hearing.
    Hearing,
    /// 招标: bidding.
    Bidding,
    /// 拍卖: an auction.
    Auction,
    /// 检验: inspection.
    Inspection,
    /// 检测: testing.
    Testing,
    /// 检疫: quarantine.
    Quarantine,
    /// 鉴定: appraisal.
    Appraisal,
    /// 专家评审: expert review.
    ExpertReview,
}

impl SpecialProcedure {
    /// Every special procedure, in order.
    pub const ALL: [SpecialProcedure; 8] = [
        SpecialProcedure::Hearing,
        SpecialProcedure::Bidding,
        SpecialProcedure::Auction,
        SpecialProcedure::Inspection,
        SpecialProcedure::Testing,
        SpecialProcedure::Quarantine,
        SpecialProcedure::Appraisal,
        SpecialProcedure::ExpertReview,
    ];

    /// The Chinese name used in the law.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::limit::SpecialProcedure;
    ///
    /// assert_eq!(SpecialProcedure::Hearing.name_zh(), "听证");
    /// ```
    pub const fn name_zh(&self) -> &'static str {
        match self {
            SpecialProcedure::Hearing => "听证",
            SpecialProcedure::Bidding => "招标",
            SpecialProcedure::Auction => "拍卖",
            SpecialProcedure::Inspection => "检验",
            SpecialProcedure::Testing => "检测",
            SpecialProcedure::Quarantine => "检疫",
            SpecialProcedure::Appraisal => "鉴定",
            SpecialProcedure::ExpertReview => "专家评审",
        }
    }
}

impl fmt::Display for SpecialProcedure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SpecialProcedure::Hearing => "hearing",
            SpecialProcedure::Bidding => "bidding",
            SpecialProcedure::Auction => "auction",
            SpecialProcedure::Inspection => "inspection",
            SpecialProcedure::Testing => "testing",
            SpecialProcedure::Quarantine => "quarantine",
            SpecialProcedure::Appraisal => "appraisal",
            SpecialProcedure::ExpertReview => "expert review",
        })
    }
}

/// Why a clock is stopped: a correction (补正) asked for during review, or a
/// special procedure of art. 45.
///
/// In JSON: `{"kind": "correction"}` or
/// `{"kind": "special_procedure", "procedure": "expert_review"}`.
///
/// # Example
///
/// ```
/// use shenpi::limit::{SpecialProcedure, SuspensionKind};
///
/// let kind = SuspensionKind::SpecialProcedure { procedure: SpecialProcedure::Hearing };
/// assert_eq!(
///     serde_json::to_string(&kind)?,
///     r#"{"kind":"special_procedure","procedure":"hearing"}"#,
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SuspensionKind {
    /// The applicant supplies or corrects materials during review.
    Correction,
    /// A special procedure that does not count toward the limit.
    SpecialProcedure {
        /// Which procedure.
        procedure: SpecialProcedure,
    },
}

impl fmt::Display for SuspensionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuspensionKind::Correction => f.write_str("correction"),
            SuspensionKind::SpecialProcedure { procedure } => write!(f, "{procedure}"),
        }
    }
}
