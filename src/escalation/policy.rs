use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Action, EscalationError, Level, Meetings};
use crate::limit::Deadline;
use crate::machine::Named;

/// The id of a rule, unique in its policy.
///
/// # Example
///
/// ```
/// use shenpi::escalation::RuleId;
///
/// assert_eq!(RuleId::new("yellow-card")?.as_str(), "yellow-card");
/// # Ok::<(), shenpi::escalation::EscalationError>(())
/// ```
#[doc = include_str!("../../docs/json/rule_id.md")]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct RuleId(std::sync::Arc<str>);

impl RuleId {
    /// Where the id's text lives: the same for its clones, so comparing
    /// addresses is the quick test before comparing text.
    #[inline]
    pub(super) fn text_at(&self) -> usize {
        std::sync::Arc::as_ptr(&self.0).cast::<u8>() as usize
    }

    /// A rule id from text.
    ///
    /// # Errors
    ///
    /// [`EscalationError::EmptyRuleId`] for blank text.
    ///
    /// # Example
    ///
    /// See [`RuleId`].
    pub fn new(id: &str) -> Result<RuleId, EscalationError> {
        if id.trim().is_empty() {
            return Err(EscalationError::EmptyRuleId);
        }
        Ok(RuleId(std::sync::Arc::from(id)))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RuleId {
    type Error = EscalationError;

    fn try_from(id: String) -> Result<Self, EscalationError> {
        RuleId::new(&id)
    }
}

impl From<RuleId> for String {
    fn from(id: RuleId) -> Self {
        id.0.to_string()
    }
}

/// When a rule fires. Every trigger has an exact firing instant given what
/// is known at `now`, which is what [`EscalationPolicy::next_due`] reports.
///
/// In JSON: `{"when": "share_used", "deadline": "promised", "percent": 50}`
/// and so on.
///
/// # Example
///
/// ```
/// use shenpi::escalation::Trigger;
/// use shenpi::limit::Deadline;
///
/// let t: Trigger = serde_json::from_str(r#"{"when": "overdue_by", "deadline": "statutory", "days": 0}"#)?;
/// assert_eq!(t, Trigger::OverdueBy { deadline: Deadline::Statutory, days: 0 });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "when", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// At least `percent` of the time to `deadline` is used (suspended time
    /// excluded): from the instant the working time used reaches it.
    ShareUsed {
        /// Which deadline's time.
        deadline: Deadline,
        /// The share, 0–100.
        #[cfg_attr(feature = "schema", schemars(range(max = 100)))]
        percent: u32,
    },
    /// At most `days` working days remain to `deadline`: from the start of
    /// the day on which that becomes true.
    RemainingAtMost {
        /// Which deadline.
        deadline: Deadline,
        /// Working days remaining.
        days: u32,
    },
    /// `deadline` has passed by at least `days` working days: 0 means just
    /// after the deadline; `n` the start of the n-th working day after its
    /// last day.
    OverdueBy {
        /// Which deadline.
        deadline: Deadline,
        /// Working days overdue.
        days: u32,
    },
    /// In the same state for at least `days` working days: from the start
    /// of the `days`-th working day after the day it entered the state.
    StuckFor {
        /// Working days in one state.
        days: u32,
    },
    /// The applicant came (or was sent back) at least `visits` times
    /// (多次跑腿).
    VisitsAtLeast {
        /// Visits.
        visits: u32,
    },
    /// No feedback `days` working days after the feedback deadline (0: just
    /// after it).
    NoFeedback {
        /// Working days past the feedback deadline.
        days: u32,
    },
    /// A supervision order (督办) was ignored past its own deadline.
    OrderIgnored,
    /// A decision still not issued and delivered `days` working days after
    /// its delivery deadline (行政许可法 art. 44; 0: just after it).
    DeliveryLate {
        /// Working days past the delivery deadline.
        days: u32,
    },
    /// An application still not accepted (nor refused, nor sent back for
    /// correction) `days` working days after the correction-notice window
    /// closed (行政许可法 art. 32; 0: just after it).
    AcceptanceLate {
        /// Working days past the window.
        days: u32,
    },
}

/// The kinds of subject a rule watches.
///
/// # Example
///
/// ```
/// use shenpi::escalation::SubjectKind;
///
/// assert_eq!(serde_json::to_string(&SubjectKind::GraphStep)?, r#""graph_step""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A case (办件).
    Case,
    /// A step of a parallel-approval run.
    GraphStep,
    /// A complaint or problem ticket.
    Ticket,
}

impl SubjectKind {
    /// Every kind.
    pub const ALL: [SubjectKind; 3] =
        [SubjectKind::Case, SubjectKind::GraphStep, SubjectKind::Ticket];
}

/// One rule of a policy: a trigger, the level on the ladder it brings the
/// subject to, the action taken, and the kinds of subject it watches.
///
/// # Example
///
/// ```
/// use shenpi::escalation::{Action, Level, Rule, RuleId, Trigger};
/// use shenpi::limit::Deadline;
///
/// let rule = Rule::new(
///     RuleId::new("red-card")?,
///     Trigger::OverdueBy { deadline: Deadline::Statutory, days: 0 },
///     Level::CitySupervision,
///     Action::RedCard,
/// );
/// assert_eq!(rule.level(), Level::CitySupervision);
/// # Ok::<(), shenpi::escalation::EscalationError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rule {
    id: RuleId,
    trigger: Trigger,
    level: Level,
    action: Action,
    subjects: SubjectSet,
}

/// A set of subject kinds as one bit per kind: what a rule watches, asked
/// once per rule per subject in a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
struct SubjectSet(u8);

impl SubjectSet {
    const ALL: SubjectSet = SubjectSet((1 << SubjectKind::ALL.len()) - 1);

    fn bit(kind: SubjectKind) -> u8 {
        1 << kind as u8
    }

    fn contains(self, kind: SubjectKind) -> bool {
        self.0 & SubjectSet::bit(kind) != 0
    }

    fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn to_set(self) -> BTreeSet<SubjectKind> {
        SubjectKind::ALL.into_iter().filter(|k| self.contains(*k)).collect()
    }
}

impl FromIterator<SubjectKind> for SubjectSet {
    fn from_iter<I: IntoIterator<Item = SubjectKind>>(kinds: I) -> SubjectSet {
        SubjectSet(kinds.into_iter().fold(0, |bits, k| bits | SubjectSet::bit(k)))
    }
}

impl Rule {
    /// A rule watching every kind of subject.
    ///
    /// # Example
    ///
    /// See [`Rule`].
    pub fn new(id: RuleId, trigger: Trigger, level: Level, action: Action) -> Rule {
        Rule { id, trigger, level, action, subjects: SubjectSet::ALL }
    }

    /// The same rule watching only `subjects`.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::escalation::{Action, Level, Rule, RuleId, SubjectKind, Trigger};
    ///
    /// let rule = Rule::new(RuleId::new("feedback")?, Trigger::NoFeedback { days: 0 }, Level::SpecialTeam, Action::Reminder)
    ///     .for_subjects([SubjectKind::Ticket]);
    /// assert!(rule.watches(SubjectKind::Ticket));
    /// assert!(!rule.watches(SubjectKind::Case));
    /// # Ok::<(), shenpi::escalation::EscalationError>(())
    /// ```
    pub fn for_subjects<I: IntoIterator<Item = SubjectKind>>(mut self, subjects: I) -> Rule {
        self.subjects = subjects.into_iter().collect();
        self
    }

    /// The rule's id.
    pub fn id(&self) -> &RuleId {
        &self.id
    }

    /// When it fires.
    pub fn trigger(&self) -> Trigger {
        self.trigger
    }

    /// The level it brings the subject to.
    pub fn level(&self) -> Level {
        self.level
    }

    /// What it does.
    pub fn action(&self) -> Action {
        self.action
    }

    /// Whether it watches subjects of this kind.
    pub fn watches(&self, kind: SubjectKind) -> bool {
        self.subjects.contains(kind)
    }
}

/// An escalation policy as data: rules and the meetings that referrals go
/// to. Built with [`EscalationPolicy::new`] or decoded from JSON through the
/// same checks.
///
/// # Example
///
/// ```
/// use shenpi::escalation::{Action, EscalationPolicy};
///
/// let policy = EscalationPolicy::default();
/// assert!(policy.rules().iter().any(|r| r.action() == Action::RedCard));
/// let json = serde_json::to_string(&policy)?;
/// assert_eq!(serde_json::from_str::<EscalationPolicy>(&json)?, policy);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawPolicy", into = "RawPolicy")]
pub struct EscalationPolicy {
    /// Shared by clones, which are cheap; a prepared
    /// [`SupervisionLog`](super::SupervisionLog) knows its policy by it.
    inner: Arc<PolicyInner>,
}

/// A policy's rules, meetings and look-up masks.
pub(super) struct PolicyInner {
    pub(super) rules: Vec<Rule>,
    pub(super) meetings: Meetings,
    /// Derived from `rules`.
    pub(super) masks: RuleMasks,
}

impl fmt::Debug for EscalationPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EscalationPolicy")
            .field("rules", &self.inner.rules)
            .field("meetings", &self.inner.meetings)
            .finish_non_exhaustive()
    }
}

impl PartialEq for EscalationPolicy {
    /// The rules and meetings; the masks follow from the rules (two equal
    /// policies may keep their ids' text apart).
    fn eq(&self, other: &EscalationPolicy) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
            || (self.inner.rules == other.inner.rules
                && self.inner.meetings == other.inner.meetings)
    }
}

impl Eq for EscalationPolicy {}

/// The first 64 rules of a policy as bit masks (bit `i` for rule `i`): the
/// rules of each action and the rules watching each kind of subject. An
/// evaluation works with these instead of asking each rule.
#[derive(Debug, Clone, Copy)]
pub(super) struct RuleMasks {
    pub(super) by_action: [u64; Action::ALL.len()],
    pub(super) by_kind: [u64; SubjectKind::ALL.len()],
    /// Where each of the first 64 rules' id text lives: a notice cloned
    /// from a rule carries the same address.
    pub(super) id_at: [usize; 64],
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    trigger: Trigger,
    #[cfg_attr(feature = "schema", schemars(with = "Level"))]
    level: String,
    #[cfg_attr(feature = "schema", schemars(with = "Action"))]
    action: String,
    #[serde(default = "all_subjects")]
    subjects: BTreeSet<SubjectKind>,
}

fn all_subjects() -> BTreeSet<SubjectKind> {
    SubjectKind::ALL.into_iter().collect()
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    rules: Vec<RawRule>,
    #[serde(default)]
    meetings: Meetings,
}

impl FromStr for Level {
    type Err = ();

    fn from_str(name: &str) -> Result<Level, ()> {
        Level::ALL.into_iter().find(|l| l.name() == name).ok_or(())
    }
}

impl FromStr for Action {
    type Err = ();

    fn from_str(name: &str) -> Result<Action, ()> {
        Action::ALL.into_iter().find(|a| a.name() == name).ok_or(())
    }
}

impl TryFrom<RawPolicy> for EscalationPolicy {
    type Error = EscalationError;

    fn try_from(raw: RawPolicy) -> Result<Self, EscalationError> {
        let mut rules = Vec::with_capacity(raw.rules.len());
        for r in raw.rules {
            let level = r.level.parse().map_err(|()| EscalationError::UnknownLevel {
                rule: r.id.clone(),
                level: r.level.clone(),
            })?;
            let action = r.action.parse().map_err(|()| EscalationError::UnknownAction {
                rule: r.id.clone(),
                action: r.action.clone(),
            })?;
            rules.push(Rule {
                id: RuleId::new(&r.id)?,
                trigger: r.trigger,
                level,
                action,
                subjects: r.subjects.into_iter().collect(),
            });
        }
        EscalationPolicy::new(rules, raw.meetings)
    }
}

impl From<EscalationPolicy> for RawPolicy {
    fn from(p: EscalationPolicy) -> Self {
        RawPolicy {
            rules: p
                .rules()
                .iter()
                .map(|r| RawRule {
                    id: r.id.0.to_string(),
                    trigger: r.trigger,
                    level: r.level.name().to_owned(),
                    action: r.action.name().to_owned(),
                    subjects: r.subjects.to_set(),
                })
                .collect(),
            meetings: p.inner.meetings,
        }
    }
}

impl EscalationPolicy {
    /// A policy from its rules and meetings.
    ///
    /// # Errors
    ///
    /// [`EscalationError::DuplicateRule`], [`EscalationError::PercentOutOfRange`],
    /// [`EscalationError::ThresholdsOutOfOrder`] (a more severe action at a
    /// lower share of the same deadline), [`EscalationError::NeverFires`]
    /// (a rule watching no subject) or [`EscalationError::InvalidCadence`].
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::escalation::{Action, EscalationPolicy, Level, Meetings, Rule, RuleId, Trigger};
    /// use shenpi::limit::Deadline;
    ///
    /// let share = |id, percent, action| {
    ///     Rule::new(RuleId::new(id).unwrap(), Trigger::ShareUsed { deadline: Deadline::Promised, percent }, Level::Handler, action)
    /// };
    /// let err = EscalationPolicy::new(
    ///     vec![share("yellow", 90, Action::YellowWarning), share("red", 50, Action::RedWarning)],
    ///     Meetings::default(),
    /// )
    /// .unwrap_err();
    /// assert_eq!(err.to_string(), "rule red (red_warning) fires at 50%, before the milder rule yellow at 90%");
    /// ```
    pub fn new(rules: Vec<Rule>, meetings: Meetings) -> Result<EscalationPolicy, EscalationError> {
        let mut seen = BTreeSet::new();
        for rule in &rules {
            if !seen.insert(rule.id.clone()) {
                return Err(EscalationError::DuplicateRule { rule: rule.id.clone() });
            }
            if rule.subjects.is_empty() {
                return Err(EscalationError::NeverFires { rule: rule.id.clone() });
            }
            if let Trigger::ShareUsed { percent, .. } = rule.trigger {
                if percent > 100 {
                    return Err(EscalationError::PercentOutOfRange {
                        rule: rule.id.clone(),
                        percent,
                    });
                }
            }
        }
        for a in &rules {
            for b in &rules {
                if let (
                    Trigger::ShareUsed { deadline: da, percent: pa },
                    Trigger::ShareUsed { deadline: db, percent: pb },
                ) = (a.trigger, b.trigger)
                {
                    if da == db && a.action > b.action && pa < pb {
                        return Err(EscalationError::ThresholdsOutOfOrder {
                            rule: a.id.clone(),
                            action: a.action,
                            percent: pa,
                            milder: b.id.clone(),
                            milder_percent: pb,
                        });
                    }
                }
            }
        }
        for cadence in [meetings.routine, meetings.thematic, meetings.joint, meetings.tea] {
            cadence.check()?;
        }
        Ok(EscalationPolicy::assemble(rules, meetings))
    }

    /// A policy from checked rules, with its look-up masks.
    fn assemble(rules: Vec<Rule>, meetings: Meetings) -> EscalationPolicy {
        let mut masks = RuleMasks {
            by_action: [0; Action::ALL.len()],
            by_kind: [0; SubjectKind::ALL.len()],
            id_at: [0; 64],
        };
        for (i, rule) in rules.iter().enumerate().take(u64::BITS as usize) {
            masks.id_at[i] = rule.id.text_at();
            masks.by_action[rule.action as usize] |= 1 << i;
            for kind in SubjectKind::ALL {
                if rule.subjects.contains(kind) {
                    masks.by_kind[kind as usize] |= 1 << i;
                }
            }
        }
        EscalationPolicy { inner: Arc::new(PolicyInner { rules, meetings, masks }) }
    }

    /// The first 64 rules as bit masks by action and by subject kind.
    pub(super) fn masks(&self) -> &RuleMasks {
        &self.inner.masks
    }

    /// What the policy's clones share, by which a prepared log knows it.
    pub(super) fn shared(&self) -> &Arc<PolicyInner> {
        &self.inner
    }

    /// The rules, in the order given.
    pub fn rules(&self) -> &[Rule] {
        &self.inner.rules
    }

    /// The meetings referrals go to.
    pub fn meetings(&self) -> &Meetings {
        &self.inner.meetings
    }
}

impl Default for EscalationPolicy {
    /// The common local defaults of DOMAIN §4: a prompt one working day
    /// before the promised deadline; yellow and red warnings at 50% and 90%
    /// of the promised time; a yellow card when the promised deadline
    /// passes; a reminder notice (催办) the day after, copied to the
    /// department head; referral to the joint meeting three working days
    /// late; public criticism five working days after the reminder; a red
    /// card when the statutory deadline passes or a supervision order is
    /// ignored; a supervision order after three visits; for cases, a
    /// reminder to the department head when an application is not accepted
    /// by the close of the correction-notice window (行政许可法 art. 32) and
    /// when a decision is not issued and delivered in time (art. 44); and,
    /// for tickets, a reminder when feedback is late and a supervision order
    /// five working days later.
    fn default() -> Self {
        use Action::*;
        use Deadline::{Promised, Statutory};
        use Level::*;
        let rule = |id: &str, trigger, level, action| Rule {
            id: RuleId(std::sync::Arc::from(id)),
            trigger,
            level,
            action,
            subjects: SubjectSet::ALL,
        };
        let tickets: SubjectSet = [SubjectKind::Ticket].into_iter().collect();
        let cases: SubjectSet = [SubjectKind::Case].into_iter().collect();
        let rules = vec![
            rule(
                "prompt",
                Trigger::RemainingAtMost { deadline: Promised, days: 1 },
                Handler,
                Prompt,
            ),
            rule(
                "yellow-warning",
                Trigger::ShareUsed { deadline: Promised, percent: 50 },
                Handler,
                YellowWarning,
            ),
            rule(
                "red-warning",
                Trigger::ShareUsed { deadline: Promised, percent: 90 },
                DepartmentHead,
                RedWarning,
            ),
            rule(
                "yellow-card",
                Trigger::OverdueBy { deadline: Promised, days: 0 },
                DepartmentHead,
                YellowCard,
            ),
            rule(
                "reminder",
                Trigger::OverdueBy { deadline: Promised, days: 1 },
                DepartmentHead,
                Reminder,
            ),
            rule(
                "joint-meeting",
                Trigger::OverdueBy { deadline: Promised, days: 3 },
                SpecialTeam,
                ReferToJointMeeting,
            ),
            rule(
                "public-criticism",
                Trigger::OverdueBy { deadline: Promised, days: 6 },
                Accountability,
                PublicCriticism,
            ),
            rule(
                "red-card",
                Trigger::OverdueBy { deadline: Statutory, days: 0 },
                CitySupervision,
                RedCard,
            ),
            rule("order-ignored", Trigger::OrderIgnored, CitySupervision, RedCard),
            rule(
                "many-visits",
                Trigger::VisitsAtLeast { visits: 3 },
                SpecialTeam,
                SupervisionOrder,
            ),
            Rule {
                subjects: cases,
                ..rule(
                    "acceptance-late",
                    Trigger::AcceptanceLate { days: 0 },
                    DepartmentHead,
                    Reminder,
                )
            },
            Rule {
                subjects: cases,
                ..rule("delivery-late", Trigger::DeliveryLate { days: 0 }, DepartmentHead, Reminder)
            },
            Rule {
                subjects: tickets,
                ..rule("feedback-late", Trigger::NoFeedback { days: 0 }, SpecialTeam, Reminder)
            },
            Rule {
                subjects: tickets,
                ..rule(
                    "feedback-still-late",
                    Trigger::NoFeedback { days: 5 },
                    CitySupervision,
                    SupervisionOrder,
                )
            },
        ];
        EscalationPolicy::assemble(rules, Meetings::default())
    }
}
