use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{MachineError, Named};

/// The part a person plays in approval work. A [`RolePolicy`](super::RolePolicy)
/// says which roles may issue which command.
///
/// In JSON a role is its snake_case name: `"window_clerk"`.
///
/// # Example
///
/// ```
/// use shenpi::machine::Role;
///
/// let role: Role = serde_json::from_str(r#""department_head""#)?;
/// assert_eq!(role, Role::DepartmentHead);
/// assert_eq!(role.name_zh(), "部门负责人");
/// assert_eq!(role.to_string(), "department head");
/// assert_eq!(role.as_str(), "department_head");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 申请人: the person or organisation applying.
    Applicant,
    /// 代办员: an agent acting for an applicant (帮办代办), for example on a
    /// key project.
    Agent,
    /// 窗口人员: a clerk at a window of the service centre, who receives and
    /// accepts applications and delivers results.
    WindowClerk,
    /// 审查人员 (经办人): the official who reviews a case.
    Reviewer,
    /// 部门负责人 (局长): the head of the department, who signs decisions and
    /// approves extensions.
    DepartmentHead,
    /// 专班: a special team coordinating a key project across departments.
    SpecialTeam,
    /// 督查人员 (效能办): the supervisor who oversees timeliness and handles
    /// complaints.
    Supervisor,
    /// 本级人民政府负责人: the head of the people's government at the level of
    /// the agencies, who grants the extension of unified, joint or
    /// concentrated handling (行政许可法 art. 42(2)).
    GovernmentHead,
}

impl Role {
    /// Every role, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::Role;
    ///
    /// assert_eq!(Role::ALL.len(), 8);
    /// assert!(Role::ALL.windows(2).all(|w| w[0] < w[1]));
    /// ```
    pub const ALL: [Role; 8] = [
        Role::Applicant,
        Role::Agent,
        Role::WindowClerk,
        Role::Reviewer,
        Role::DepartmentHead,
        Role::SpecialTeam,
        Role::Supervisor,
        Role::GovernmentHead,
    ];

    /// The snake_case name, as in JSON.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::Role;
    ///
    /// assert_eq!(Role::SpecialTeam.as_str(), "special_team");
    /// ```
    pub const fn as_str(&self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Agent => "agent",
            Role::WindowClerk => "window_clerk",
            Role::Reviewer => "reviewer",
            Role::DepartmentHead => "department_head",
            Role::SpecialTeam => "special_team",
            Role::Supervisor => "supervisor",
            Role::GovernmentHead => "government_head",
        }
    }

    /// The Chinese name used in service centres.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::machine::Role;
    ///
    /// assert_eq!(Role::WindowClerk.name_zh(), "窗口人员");
    /// assert_eq!(Role::Agent.name_zh(), "代办员");
    /// ```
    pub const fn name_zh(&self) -> &'static str {
        match self {
            Role::Applicant => "申请人",
            Role::Agent => "代办员",
            Role::WindowClerk => "窗口人员",
            Role::Reviewer => "审查人员",
            Role::DepartmentHead => "部门负责人",
            Role::SpecialTeam => "专班",
            Role::Supervisor => "督查人员",
            Role::GovernmentHead => "人民政府负责人",
        }
    }
}

impl Named for Role {
    fn name(&self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Applicant => "applicant",
            Role::Agent => "agent",
            Role::WindowClerk => "window clerk",
            Role::Reviewer => "reviewer",
            Role::DepartmentHead => "department head",
            Role::SpecialTeam => "special team",
            Role::Supervisor => "supervisor",
            Role::GovernmentHead => "government head",
        })
    }
}

/// Parses the snake_case name, as in JSON.
///
/// # Example
///
/// ```
/// use shenpi::machine::{MachineError, Role};
///
/// assert_eq!("reviewer".parse::<Role>()?, Role::Reviewer);
/// assert!(matches!("clerk".parse::<Role>(), Err(MachineError::UnknownRole { .. })));
/// # Ok::<(), MachineError>(())
/// ```
impl FromStr for Role {
    type Err = MachineError;

    fn from_str(s: &str) -> Result<Role, MachineError> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| MachineError::UnknownRole { name: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_serde_and_parse_back() {
        for role in Role::ALL {
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(role.name(), role.as_str());
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            assert_eq!(role.to_string().replace(' ', "_"), role.as_str());
            assert!(!role.name_zh().is_empty());
        }
    }

    #[test]
    fn unknown_role_names_the_value() {
        let err = "Reviewer".parse::<Role>().unwrap_err();
        assert_eq!(err, MachineError::UnknownRole { name: "Reviewer".to_owned() });
        assert!(err.to_string().starts_with("unknown role \"Reviewer\": expected one of"));
        let err = serde_json::from_str::<Role>(r#""clerk""#).unwrap_err();
        assert!(err.to_string().contains("unknown variant `clerk`"), "{err}");
    }

    #[test]
    fn all_is_sorted_and_complete() {
        assert!(Role::ALL.windows(2).all(|w| w[0] < w[1]));
        let zh: std::collections::BTreeSet<_> = Role::ALL.iter().map(Role::name_zh).collect();
        assert_eq!(zh.len(), Role::ALL.len());
    }
}
