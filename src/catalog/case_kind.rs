use std::fmt;

use serde::{Deserialize, Serialize};

use crate::limit::TimeLimit;

/// How cases of an item are handled (办件类型).
///
/// The kind sets two defaults of an [`ApprovalItem`](super::ApprovalItem):
/// an instant item promises the same day, and the extension allowance the
/// agency head may grant is 10 working days, or 15 for joint handling
/// (行政许可法 art. 42).
///
/// # Example
///
/// ```
/// use shenpi::catalog::CaseKind;
/// use shenpi::limit::TimeLimit;
///
/// let kind: CaseKind = serde_json::from_str(r#""joint""#)?;
/// assert_eq!(kind.name_zh(), "联办件");
/// assert_eq!(kind.default_extension(), TimeLimit::working_days(15));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// 即办件: decided on the spot, the same day (行政许可法 art. 34).
    Instant,
    /// 承诺件: decided within a promised limit. The default.
    #[default]
    Promised,
    /// 联办件: handled jointly; a lead window waits for the co-handling
    /// departments (统一/联合/集中办理, art. 42).
    Joint,
    /// 上报件: reported up to a higher level for decision.
    ReportedUp,
}

impl CaseKind {
    /// Every case kind.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::CaseKind;
    ///
    /// assert_eq!(CaseKind::ALL.len(), 4);
    /// ```
    pub const ALL: [CaseKind; 4] =
        [CaseKind::Instant, CaseKind::Promised, CaseKind::Joint, CaseKind::ReportedUp];

    /// The Chinese name.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::CaseKind;
    ///
    /// assert_eq!(CaseKind::Instant.name_zh(), "即办件");
    /// assert_eq!(CaseKind::ReportedUp.name_zh(), "上报件");
    /// ```
    pub const fn name_zh(&self) -> &'static str {
        match self {
            CaseKind::Instant => "即办件",
            CaseKind::Promised => "承诺件",
            CaseKind::Joint => "联办件",
            CaseKind::ReportedUp => "上报件",
        }
    }

    /// The statutory limit an item of this kind has when it sets none:
    /// 20 working days (行政许可法 art. 42), 45 for joint handling
    /// (统一办理、联合办理、集中办理).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::CaseKind;
    /// use shenpi::limit::TimeLimit;
    ///
    /// assert_eq!(CaseKind::Promised.default_statutory(), TimeLimit::working_days(20));
    /// assert_eq!(CaseKind::Joint.default_statutory(), TimeLimit::working_days(45));
    /// ```
    pub const fn default_statutory(&self) -> TimeLimit {
        match self {
            CaseKind::Joint => TimeLimit::working_days(45),
            CaseKind::Instant | CaseKind::Promised | CaseKind::ReportedUp => {
                TimeLimit::working_days(20)
            }
        }
    }

    /// The extension allowance an item of this kind gets unless it sets
    /// its own: 10 working days, or 15 for joint handling (行政许可法
    /// art. 42).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::CaseKind;
    /// use shenpi::limit::TimeLimit;
    ///
    /// assert_eq!(CaseKind::Promised.default_extension(), TimeLimit::working_days(10));
    /// assert_eq!(CaseKind::Joint.default_extension(), TimeLimit::working_days(15));
    /// ```
    pub const fn default_extension(&self) -> TimeLimit {
        match self {
            CaseKind::Joint => TimeLimit::working_days(15),
            CaseKind::Instant | CaseKind::Promised | CaseKind::ReportedUp => {
                TimeLimit::working_days(10)
            }
        }
    }
}

impl fmt::Display for CaseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CaseKind::Instant => "instant",
            CaseKind::Promised => "promised",
            CaseKind::Joint => "joint",
            CaseKind::ReportedUp => "reported up",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limit::LimitUnit;

    #[test]
    fn serde_names() {
        let names: Vec<String> =
            CaseKind::ALL.iter().map(|k| serde_json::to_string(k).unwrap()).collect();
        assert_eq!(names, [r#""instant""#, r#""promised""#, r#""joint""#, r#""reported_up""#]);
        for (kind, name) in CaseKind::ALL.iter().zip(&names) {
            assert_eq!(serde_json::from_str::<CaseKind>(name).unwrap(), *kind);
        }
    }

    #[test]
    fn extensions_are_working_days() {
        for kind in CaseKind::ALL {
            assert_eq!(kind.default_extension().unit(), LimitUnit::WorkingDays);
        }
        assert_eq!(CaseKind::default(), CaseKind::Promised);
    }
}
