use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{CaseCommandKind as C, CaseStateKind as S};
use crate::calendar::WorkCalendar;
use crate::catalog::ApprovalItem;
use crate::machine::{Role, RolePolicy, TransitionTable};

/// Working days after receipt within which a correction notice must go out
/// (行政许可法 art. 32); a later notice makes the case count as accepted on
/// the day the materials were received.
pub const CORRECTION_NOTICE_DAYS: u32 = 5;

/// What a case needs to judge a command: its item, the working calendar, the
/// role policy, and the correction-notice window.
///
/// Build one per item (or per batch of cases of one item) and pass it to
/// every [`Case`](super::Case) call; it borrows, so it is cheap.
///
/// # Example
///
/// ```
/// use shenpi::calendar::WorkCalendar;
/// use shenpi::case::{default_policy, CaseCommandKind, CaseContext};
/// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
/// use shenpi::machine::Role;
///
/// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?).build()?;
/// let calendar = WorkCalendar::china();
/// // A portal where window clerks may also start handling.
/// let policy = default_policy().allow(CaseCommandKind::StartHandling, [Role::WindowClerk, Role::Reviewer]);
/// let ctx = CaseContext::new(&item, &calendar).with_policy(&policy).with_correction_notice_days(3);
/// assert_eq!(ctx.correction_notice_days(), 3);
/// assert!(ctx.policy().allows(CaseCommandKind::StartHandling, Role::WindowClerk));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CaseContext<'a> {
    item: &'a ApprovalItem,
    calendar: &'a WorkCalendar,
    policy: Cow<'a, RolePolicy<C>>,
    correction_notice_days: u32,
    joint_extension_by: Role,
    late_acceptance: LateAcceptance,
}

/// Where the legal clock of an application accepted after the
/// correction-notice window starts (行政许可法 art. 32).
///
/// Art. 32 gives the agency five days (the window,
/// [`CaseContext::with_correction_notice_days`]) to tell the applicant
/// everything to correct, and counts an application whose notice comes late
/// as accepted on the day the materials were received. A complete
/// application left waiting past the window is the same delay without a
/// notice, so by default ([`LateAcceptance::FromReceipt`]) its clock too
/// counts from receipt: the applicant does not bear the time it sat at the
/// window. [`LateAcceptance::FromAcceptance`] starts it at the acceptance
/// instead, for a portal whose rules say so. Either way the case says it was
/// accepted late ([`Case::is_accepted_late`](super::Case::is_accepted_late)).
///
/// # Example
///
/// ```
/// use shenpi::case::LateAcceptance;
///
/// assert_eq!(LateAcceptance::default(), LateAcceptance::FromReceipt);
/// assert_eq!(serde_json::to_string(&LateAcceptance::FromAcceptance)?, r#""from_acceptance""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LateAcceptance {
    /// The clock counts from receipt, as for a late correction notice.
    #[default]
    FromReceipt,
    /// The clock counts from the acceptance.
    FromAcceptance,
}

impl<'a> CaseContext<'a> {
    /// A context with the [`default_policy`] and the legal correction-notice
    /// window of [`CORRECTION_NOTICE_DAYS`].
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::CaseContext;
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?).build()?;
    /// let calendar = WorkCalendar::china();
    /// let ctx = CaseContext::new(&item, &calendar);
    /// assert_eq!(ctx.correction_notice_days(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(item: &'a ApprovalItem, calendar: &'a WorkCalendar) -> CaseContext<'a> {
        CaseContext {
            item,
            calendar,
            policy: Cow::Owned(default_policy()),
            correction_notice_days: CORRECTION_NOTICE_DAYS,
            joint_extension_by: Role::GovernmentHead,
            late_acceptance: LateAcceptance::default(),
        }
    }

    /// The same context with the portal's own role policy.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::{CaseCommandKind, CaseContext};
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::machine::{Role, RolePolicy};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?).build()?;
    /// let calendar = WorkCalendar::china();
    /// let nobody = RolePolicy::new();
    /// let ctx = CaseContext::new(&item, &calendar).with_policy(&nobody);
    /// assert!(!ctx.policy().allows(CaseCommandKind::Accept, Role::WindowClerk));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_policy(mut self, policy: &'a RolePolicy<C>) -> CaseContext<'a> {
        self.policy = Cow::Borrowed(policy);
        self
    }

    /// The same context with another correction-notice window, in working
    /// days after receipt (some places promise fewer than the law's 5).
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::CaseContext;
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?).build()?;
    /// let calendar = WorkCalendar::china();
    /// let ctx = CaseContext::new(&item, &calendar).with_correction_notice_days(1);
    /// assert_eq!(ctx.correction_notice_days(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_correction_notice_days(mut self, days: u32) -> CaseContext<'a> {
        self.correction_notice_days = days;
        self
    }

    /// The same context with the role that grants the extension of a joint
    /// case ([`CaseKind::Joint`](crate::catalog::CaseKind::Joint): unified,
    /// joint or concentrated handling). By default
    /// [`Role::GovernmentHead`]: 行政许可法 art. 42(2) has the head of the
    /// people's government at that level grant those 15 days, so a
    /// department head's request is refused. A portal whose government has
    /// delegated the approval sets the role it delegated to.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::CaseContext;
    /// use shenpi::catalog::{ApprovalItem, CaseKind, DepartmentId, ItemCode};
    /// use shenpi::machine::Role;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("JS-001")?, "施工许可", DepartmentId::new("housing")?)
    ///     .case_kind(CaseKind::Joint)
    ///     .build()?;
    /// let calendar = WorkCalendar::china();
    /// let ctx = CaseContext::new(&item, &calendar);
    /// assert_eq!(ctx.joint_extension_by(), Role::GovernmentHead);
    /// let delegated = ctx.with_joint_extension_by(Role::DepartmentHead);
    /// assert_eq!(delegated.joint_extension_by(), Role::DepartmentHead);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_joint_extension_by(mut self, role: Role) -> CaseContext<'a> {
        self.joint_extension_by = role;
        self
    }

    /// The same context with the rule for an application accepted after the
    /// correction-notice window: see [`LateAcceptance`].
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::{CaseContext, LateAcceptance};
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market")?).build()?;
    /// let calendar = WorkCalendar::china();
    /// let ctx = CaseContext::new(&item, &calendar).with_late_acceptance(LateAcceptance::FromAcceptance);
    /// assert_eq!(ctx.late_acceptance(), LateAcceptance::FromAcceptance);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_late_acceptance(mut self, rule: LateAcceptance) -> CaseContext<'a> {
        self.late_acceptance = rule;
        self
    }

    /// The rule for an application accepted after the correction-notice
    /// window: see [`LateAcceptance`].
    ///
    /// # Example
    ///
    /// See [`with_late_acceptance`](Self::with_late_acceptance).
    pub fn late_acceptance(&self) -> LateAcceptance {
        self.late_acceptance
    }

    /// The role that grants the extension of a joint case: see
    /// [`with_joint_extension_by`](Self::with_joint_extension_by).
    ///
    /// # Example
    ///
    /// See [`with_joint_extension_by`](Self::with_joint_extension_by).
    pub fn joint_extension_by(&self) -> Role {
        self.joint_extension_by
    }

    /// The item.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::CaseContext;
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?).build()?;
    /// let calendar = WorkCalendar::china();
    /// assert_eq!(CaseContext::new(&item, &calendar).item().code().as_str(), "FOOD-001");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn item(&self) -> &'a ApprovalItem {
        self.item
    }

    /// The working calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::CaseContext;
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?).build()?;
    /// let calendar = WorkCalendar::china();
    /// assert_eq!(CaseContext::new(&item, &calendar).calendar(), &calendar);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn calendar(&self) -> &'a WorkCalendar {
        self.calendar
    }

    /// The role policy.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::{CaseCommandKind, CaseContext};
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    /// use shenpi::machine::Role;
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?).build()?;
    /// let calendar = WorkCalendar::china();
    /// let ctx = CaseContext::new(&item, &calendar);
    /// assert!(ctx.policy().allows(CaseCommandKind::Extend, Role::DepartmentHead));
    /// assert!(!ctx.policy().allows(CaseCommandKind::Extend, Role::Reviewer));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn policy(&self) -> &RolePolicy<C> {
        &self.policy
    }

    /// The correction-notice window in working days after receipt.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    /// use shenpi::case::CaseContext;
    /// use shenpi::catalog::{ApprovalItem, DepartmentId, ItemCode};
    ///
    /// let item = ApprovalItem::builder(ItemCode::new("FOOD-001")?, "食品经营许可", DepartmentId::new("market-regulation")?).build()?;
    /// let calendar = WorkCalendar::china();
    /// assert_eq!(CaseContext::new(&item, &calendar).correction_notice_days(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn correction_notice_days(&self) -> u32 {
        self.correction_notice_days
    }
}

/// The default role policy of a case, following the domain: applicants and
/// agents (代办员) file, correct and withdraw; window clerks receive, accept,
/// refuse, decide instant cases and deliver; reviewers handle, suspend and
/// conclude; the department head extends (with a written reason), concludes,
/// recalls and revokes; the head of the people's government extends too (the
/// extension of a joint case is theirs, 行政许可法 art. 42(2)); the
/// supervisor may also revoke.
///
/// # Example
///
/// ```
/// use shenpi::case::{default_policy, CaseCommandKind};
/// use shenpi::machine::Role;
///
/// let policy = default_policy();
/// assert!(policy.allows(CaseCommandKind::Withdraw, Role::Agent));
/// assert!(!policy.allows(CaseCommandKind::Accept, Role::Applicant));
/// ```
pub fn default_policy() -> RolePolicy<C> {
    use Role::{
        Agent, Applicant, DepartmentHead, GovernmentHead, Reviewer, Supervisor, WindowClerk,
    };
    RolePolicy::new()
        .allow(C::Receive, [Applicant, Agent, WindowClerk])
        .allow(C::RequestCorrection, [WindowClerk, Reviewer])
        .allow(C::SubmitCorrection, [Applicant, Agent])
        .allow(C::Accept, [WindowClerk])
        .allow(C::RefuseToAccept, [WindowClerk])
        .allow(C::StartHandling, [Reviewer])
        .allow(C::Suspend, [Reviewer, DepartmentHead])
        .allow(C::Resume, [Reviewer, DepartmentHead])
        .allow(C::Extend, [DepartmentHead, GovernmentHead])
        .allow(C::Conclude, [Reviewer, DepartmentHead])
        .allow(C::ConcludeOnTheSpot, [WindowClerk])
        .allow(C::Deliver, [WindowClerk])
        .allow(C::Withdraw, [Applicant, Agent])
        .allow(C::Recall, [DepartmentHead])
        .allow(C::Revoke, [DepartmentHead, Supervisor])
}

/// The case lifecycle as data: every transition a case can make, with notes
/// where the target depends on the command's data or the clock. The
/// machine's behaviour is tested against this table pair by pair.
///
/// # Example
///
/// ```
/// use shenpi::case::{transition_table, CaseCommandKind, CaseStateKind};
///
/// let table = transition_table();
/// assert!(table.allows(CaseStateKind::Handling, CaseCommandKind::Extend));
/// assert!(!table.allows(CaseStateKind::Withdrawn, CaseCommandKind::Accept));
/// let mermaid = table.to_mermaid();
/// assert!(mermaid.starts_with("stateDiagram-v2"));
/// assert!(mermaid.contains("received --> accepted : accept"));
/// ```
pub fn transition_table() -> TransitionTable<S, C> {
    let open = [S::Received, S::CorrectionRequested, S::Corrected, S::Accepted, S::Handling];
    let mut table = TransitionTable::new(S::Received)
        .row(S::Received, C::RequestCorrection, S::CorrectionRequested)
        .row_with_note(
            S::Received,
            C::RequestCorrection,
            S::Accepted,
            "late notice, accepted on receipt (art. 32)",
        )
        .row(S::CorrectionRequested, C::SubmitCorrection, S::Corrected)
        .row(S::Received, C::Accept, S::Accepted)
        .row(S::Corrected, C::Accept, S::Accepted)
        .row(S::Received, C::RefuseToAccept, S::NotAccepted)
        .row(S::CorrectionRequested, C::RefuseToAccept, S::NotAccepted)
        .row(S::Corrected, C::RefuseToAccept, S::NotAccepted)
        .row_with_note(S::Received, C::ConcludeOnTheSpot, S::Concluded, "instant items, same day")
        .row(S::Accepted, C::StartHandling, S::Handling)
        .row(S::Accepted, C::Suspend, S::Suspended)
        .row(S::Handling, C::Suspend, S::Suspended)
        .row(S::Extended, C::Suspend, S::Suspended)
        .row_with_note(S::Suspended, C::Resume, S::Handling, "suspended from accepted or handling")
        .row_with_note(S::Suspended, C::Resume, S::Extended, "suspended while extended")
        .row(S::Handling, C::Extend, S::Extended)
        .row_with_note(S::Extended, C::Extend, S::Extended, "within the remaining allowance")
        .row(S::Accepted, C::Conclude, S::Concluded)
        .row(S::Handling, C::Conclude, S::Concluded)
        .row(S::Extended, C::Conclude, S::Concluded)
        .row(S::Concluded, C::Deliver, S::Delivered)
        .row(S::Suspended, C::Withdraw, S::Withdrawn)
        .row(S::Extended, C::Withdraw, S::Withdrawn);
    for state in open {
        table = table.row(state, C::Withdraw, S::Withdrawn);
    }
    for state in [S::Concluded, S::Delivered] {
        table = table.row_with_note(state, C::Recall, S::Recalled, "approvals only").row_with_note(
            state,
            C::Revoke,
            S::Revoked,
            "approvals only",
        );
    }
    table.terminal([S::NotAccepted, S::Withdrawn, S::Delivered, S::Recalled, S::Revoked])
}
