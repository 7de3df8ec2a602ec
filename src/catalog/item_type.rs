use std::fmt;

use serde::{Deserialize, Serialize};

/// The type of an item (事项类型), with the two-digit codes of the national
/// government-service platform's data standard (GB/T 39046-2020): ten kinds
/// of administrative power, 01 to 10, and public service, 20.
///
/// In JSON it is the snake_case name (`"administrative_licensing"`); the
/// two-digit code is for data exchange with the platform.
///
/// # Example
///
/// ```
/// use shenpi::catalog::ItemType;
///
/// let t = ItemType::from_code("01").unwrap();
/// assert_eq!(t, ItemType::AdministrativeLicensing);
/// assert_eq!(t.name_zh(), "行政许可");
/// assert_eq!(serde_json::to_string(&t)?, r#""administrative_licensing""#);
/// assert_eq!(ItemType::PublicService.code(), "20");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    /// 01 行政许可: administrative licensing, the subject of the
    /// Administrative Licensing Law. The default.
    #[default]
    AdministrativeLicensing,
    /// 02 行政处罚: administrative penalty.
    AdministrativePenalty,
    /// 03 行政强制: administrative compulsion.
    AdministrativeCompulsion,
    /// 04 行政征收: administrative levy.
    AdministrativeLevy,
    /// 05 行政给付: administrative payment (benefits).
    AdministrativePayment,
    /// 06 行政检查: administrative inspection.
    AdministrativeInspection,
    /// 07 行政确认: administrative confirmation (registrations,
    /// certifications).
    AdministrativeConfirmation,
    /// 08 行政奖励: administrative award.
    AdministrativeAward,
    /// 09 行政裁决: administrative ruling.
    AdministrativeRuling,
    /// 10 其他行政权力: other administrative power.
    OtherAdministrativePower,
    /// 20 公共服务: public service.
    PublicService,
}

impl ItemType {
    /// Every item type, in the order of their codes.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::ItemType;
    ///
    /// let codes: Vec<&str> = ItemType::ALL.iter().map(ItemType::code).collect();
    /// assert_eq!(codes, ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20"]);
    /// ```
    pub const ALL: [ItemType; 11] = [
        ItemType::AdministrativeLicensing,
        ItemType::AdministrativePenalty,
        ItemType::AdministrativeCompulsion,
        ItemType::AdministrativeLevy,
        ItemType::AdministrativePayment,
        ItemType::AdministrativeInspection,
        ItemType::AdministrativeConfirmation,
        ItemType::AdministrativeAward,
        ItemType::AdministrativeRuling,
        ItemType::OtherAdministrativePower,
        ItemType::PublicService,
    ];

    /// The two-digit GB/T 39046 code.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::ItemType;
    ///
    /// assert_eq!(ItemType::AdministrativeConfirmation.code(), "07");
    /// ```
    pub const fn code(&self) -> &'static str {
        match self {
            ItemType::AdministrativeLicensing => "01",
            ItemType::AdministrativePenalty => "02",
            ItemType::AdministrativeCompulsion => "03",
            ItemType::AdministrativeLevy => "04",
            ItemType::AdministrativePayment => "05",
            ItemType::AdministrativeInspection => "06",
            ItemType::AdministrativeConfirmation => "07",
            ItemType::AdministrativeAward => "08",
            ItemType::AdministrativeRuling => "09",
            ItemType::OtherAdministrativePower => "10",
            ItemType::PublicService => "20",
        }
    }

    /// The item type with this two-digit code, if there is one.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::ItemType;
    ///
    /// assert_eq!(ItemType::from_code("20"), Some(ItemType::PublicService));
    /// assert_eq!(ItemType::from_code("1"), None);
    /// assert_eq!(ItemType::from_code("11"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<ItemType> {
        ItemType::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The Chinese name used in the standard.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::ItemType;
    ///
    /// assert_eq!(ItemType::OtherAdministrativePower.name_zh(), "其他行政权力");
    /// ```
    pub const fn name_zh(&self) -> &'static str {
        match self {
            ItemType::AdministrativeLicensing => "行政许可",
            ItemType::AdministrativePenalty => "行政处罚",
            ItemType::AdministrativeCompulsion => "行政强制",
            ItemType::AdministrativeLevy => "行政征收",
            ItemType::AdministrativePayment => "行政给付",
            ItemType::AdministrativeInspection => "行政检查",
            ItemType::AdministrativeConfirmation => "行政确认",
            ItemType::AdministrativeAward => "行政奖励",
            ItemType::AdministrativeRuling => "行政裁决",
            ItemType::OtherAdministrativePower => "其他行政权力",
            ItemType::PublicService => "公共服务",
        }
    }

    /// Whether the item exercises administrative power (行政权力事项, codes
    /// 01 to 10) rather than being a public service (公共服务, code 20).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::catalog::ItemType;
    ///
    /// assert!(ItemType::AdministrativeRuling.is_administrative_power());
    /// assert!(!ItemType::PublicService.is_administrative_power());
    /// ```
    pub const fn is_administrative_power(&self) -> bool {
        !matches!(self, ItemType::PublicService)
    }
}

impl fmt::Display for ItemType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ItemType::AdministrativeLicensing => "administrative licensing",
            ItemType::AdministrativePenalty => "administrative penalty",
            ItemType::AdministrativeCompulsion => "administrative compulsion",
            ItemType::AdministrativeLevy => "administrative levy",
            ItemType::AdministrativePayment => "administrative payment",
            ItemType::AdministrativeInspection => "administrative inspection",
            ItemType::AdministrativeConfirmation => "administrative confirmation",
            ItemType::AdministrativeAward => "administrative award",
            ItemType::AdministrativeRuling => "administrative ruling",
            ItemType::OtherAdministrativePower => "other administrative power",
            ItemType::PublicService => "public service",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_distinct() {
        let mut seen = std::collections::BTreeSet::new();
        for t in ItemType::ALL {
            assert_eq!(ItemType::from_code(t.code()), Some(t));
            assert!(seen.insert(t.code()), "{t}");
            assert_eq!(t.code().len(), 2);
        }
        assert_eq!(ItemType::from_code(""), None);
        assert_eq!(ItemType::from_code("00"), None);
    }

    #[test]
    fn the_codes_of_the_standard() {
        let table = [
            ("01", "行政许可"),
            ("02", "行政处罚"),
            ("03", "行政强制"),
            ("04", "行政征收"),
            ("05", "行政给付"),
            ("06", "行政检查"),
            ("07", "行政确认"),
            ("08", "行政奖励"),
            ("09", "行政裁决"),
            ("10", "其他行政权力"),
            ("20", "公共服务"),
        ];
        for (code, name) in table {
            assert_eq!(ItemType::from_code(code).unwrap().name_zh(), name);
        }
    }

    #[test]
    fn serde_names_are_snake_case_of_the_display() {
        for t in ItemType::ALL {
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.to_string().replace(' ', "_")));
            assert_eq!(serde_json::from_str::<ItemType>(&json).unwrap(), t);
        }
        assert_eq!(ItemType::default(), ItemType::AdministrativeLicensing);
    }
}
