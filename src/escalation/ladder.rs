use std::fmt;

use serde::{Deserialize, Serialize};

use crate::machine::Named;

/// The escalation ladder (DOMAIN §4), from the handler to accountability.
///
/// # Example
///
/// ```
/// use shenpi::escalation::Level;
///
/// assert!(Level::CitySupervision > Level::SpecialTeam);
/// assert_eq!(Level::DepartmentHead.name_zh(), "局长+经办人会商");
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::escalation::Level;
///
/// assert_eq!(serde_json::to_string(&Level::DepartmentHead)?, r#""department_head""#);
/// assert_eq!(serde_json::from_str::<Level>(r#""city_supervision""#)?, Level::CitySupervision);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// L0: the handler (经办人).
    Handler,
    /// L1: the department head, jointly with the handler (局长+经办人会商).
    DepartmentHead,
    /// L2: the special team or the joint meeting (专班 / 联席会议).
    SpecialTeam,
    /// L3: city supervision (效能办, 督查组).
    CitySupervision,
    /// L4: accountability (通报批评, 问责, appraisal deductions).
    Accountability,
}

impl Level {
    /// Every level, from the bottom of the ladder.
    pub const ALL: [Level; 5] = [
        Level::Handler,
        Level::DepartmentHead,
        Level::SpecialTeam,
        Level::CitySupervision,
        Level::Accountability,
    ];

    /// The Chinese name.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::escalation::Level;
    ///
    /// assert_eq!(Level::Handler.name_zh(), "经办人");
    /// ```
    pub const fn name_zh(&self) -> &'static str {
        match self {
            Level::Handler => "经办人",
            Level::DepartmentHead => "局长+经办人会商",
            Level::SpecialTeam => "专班/联席会议",
            Level::CitySupervision => "效能办/督查组",
            Level::Accountability => "问责",
        }
    }
}

impl Named for Level {
    fn name(&self) -> &'static str {
        match self {
            Level::Handler => "handler",
            Level::DepartmentHead => "department_head",
            Level::SpecialTeam => "special_team",
            Level::CitySupervision => "city_supervision",
            Level::Accountability => "accountability",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a rule does when it fires, from the mildest.
///
/// # Example
///
/// ```
/// use shenpi::escalation::Action;
///
/// assert!(Action::RedCard > Action::YellowCard);
/// assert_eq!(Action::Reminder.name_zh(), "催办");
/// ```
///
/// # JSON
///
/// ```
/// use shenpi::escalation::Action;
///
/// assert_eq!(serde_json::to_string(&Action::ReferToJointMeeting)?, r#""refer_to_joint_meeting""#);
/// assert_eq!(serde_json::from_str::<Action>(r#""red_card""#)?, Action::RedCard);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A prompt (提醒).
    Prompt,
    /// A yellow warning (黄色预警).
    YellowWarning,
    /// A red warning (红色预警).
    RedWarning,
    /// A yellow card (黄牌).
    YellowCard,
    /// A reminder notice (催办), copied to the department head.
    Reminder,
    /// Referral to the next joint meeting (提交联席会议).
    ReferToJointMeeting,
    /// A supervision order (督办) with its own deadline.
    SupervisionOrder,
    /// A red card (红牌).
    RedCard,
    /// Public criticism (通报批评).
    PublicCriticism,
}

impl Action {
    /// Every action, mildest first.
    pub const ALL: [Action; 9] = [
        Action::Prompt,
        Action::YellowWarning,
        Action::RedWarning,
        Action::YellowCard,
        Action::Reminder,
        Action::ReferToJointMeeting,
        Action::SupervisionOrder,
        Action::RedCard,
        Action::PublicCriticism,
    ];

    /// The Chinese name.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::escalation::Action;
    ///
    /// assert_eq!(Action::SupervisionOrder.name_zh(), "督办");
    /// ```
    pub const fn name_zh(&self) -> &'static str {
        match self {
            Action::Prompt => "提醒",
            Action::YellowWarning => "黄色预警",
            Action::RedWarning => "红色预警",
            Action::YellowCard => "黄牌",
            Action::Reminder => "催办",
            Action::ReferToJointMeeting => "提交联席会议",
            Action::SupervisionOrder => "督办",
            Action::RedCard => "红牌",
            Action::PublicCriticism => "通报批评",
        }
    }
}

impl Named for Action {
    fn name(&self) -> &'static str {
        match self {
            Action::Prompt => "prompt",
            Action::YellowWarning => "yellow_warning",
            Action::RedWarning => "red_warning",
            Action::YellowCard => "yellow_card",
            Action::Reminder => "reminder",
            Action::ReferToJointMeeting => "refer_to_joint_meeting",
            Action::SupervisionOrder => "supervision_order",
            Action::RedCard => "red_card",
            Action::PublicCriticism => "public_criticism",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
