//! Raw random choices that the history generators resolve against a
//! machine's state while they play it: shrinking them shrinks the history.

use chrono::{DateTime, FixedOffset, NaiveTime, TimeDelta};
use proptest::prelude::*;

use super::history::Bounds;
use crate::calendar::WorkCalendar;
use crate::machine::{Actor, ActorId, Role, RolePolicy};

type Instant = DateTime<FixedOffset>;

/// How far a command's instant is from the latest event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gap {
    /// The same instant.
    Same,
    /// This many minutes later.
    Minutes(i64),
    /// The next midnight on the calendar's clock, where whole days end.
    NextMidnight,
    /// The n-th (modulo) deadline of interest, when not already past.
    Deadline(usize),
}

/// One command's raw choices.
#[derive(Debug, Clone)]
pub(crate) struct Seed {
    /// Which command.
    pub(crate) pick: u32,
    /// Which role.
    pub(crate) role: u32,
    /// The command's data.
    pub(crate) data: u32,
    /// When.
    pub(crate) gap: Gap,
    /// Make the command illegal, in the n-th (modulo) way that applies.
    pub(crate) illegal: Option<u32>,
}

/// The start's raw choices: its day in the scope, its minute, who.
#[derive(Debug, Clone)]
pub(crate) struct StartSeed {
    pub(crate) day: u32,
    pub(crate) minute: u32,
    pub(crate) role: u32,
    pub(crate) data: u32,
}

fn gap() -> impl Strategy<Value = Gap> {
    prop_oneof![
        1 => Just(Gap::Same),
        5 => (1i64..=240).prop_map(Gap::Minutes),
        3 => (60i64..=2_880).prop_map(Gap::Minutes),
        2 => (1i64..=9, 0i64..1_440).prop_map(|(d, m)| Gap::Minutes(d * 1_440 + m)),
        1 => Just(Gap::NextMidnight),
        2 => (0usize..4).prop_map(Gap::Deadline),
    ]
}

/// Up to `max` seeds, each illegal with probability `illegal` (0 to 1).
pub(crate) fn seeds(max: usize, illegal: f64) -> impl Strategy<Value = Vec<Seed>> {
    let seed = (any::<u32>(), any::<u32>(), any::<u32>(), gap(), prop::bool::weighted(illegal))
        .prop_flat_map(|(pick, role, data, gap, bad)| {
            let which = if bad { any::<u32>().prop_map(Some).boxed() } else { Just(None).boxed() };
            which.prop_map(move |illegal| Seed { pick, role, data, gap, illegal })
        });
    prop::collection::vec(seed, 0..=max)
}

/// The start: any day of the scope, at any minute (often in office hours,
/// sometimes at midnight).
pub(crate) fn start_seed() -> impl Strategy<Value = StartSeed> {
    let minute = prop_oneof![
        4 => 0u32..1_440,
        3 => 510u32..1_050,
        1 => Just(0u32),
    ];
    (any::<u32>(), minute, any::<u32>(), any::<u32>())
        .prop_map(|(day, minute, role, data)| StartSeed { day, minute, role, data })
}

impl StartSeed {
    /// The start instant: a day of the scope at the seed's minute.
    pub(crate) fn at(&self, cal: &WorkCalendar, b: &Bounds) -> Option<Instant> {
        let span = (b.last - b.first).num_days().max(0) as u64 + 1;
        let date = b.first + TimeDelta::days((u64::from(self.day) % span) as i64);
        let time = NaiveTime::from_num_seconds_from_midnight_opt(self.minute % 1_440 * 60, 0)?;
        cal.instant(date, time).ok()
    }
}

/// The instant `gap` after `last`, never earlier than it, or `None` when it
/// would leave the calendar.
pub(crate) fn advance(
    cal: &WorkCalendar,
    b: &Bounds,
    last: Instant,
    gap: Gap,
    deadlines: &[Instant],
) -> Option<Instant> {
    let at = match gap {
        Gap::Same => last,
        Gap::Minutes(m) => last + TimeDelta::minutes(m),
        Gap::NextMidnight => {
            let next = cal.to_civil(&last).date().succ_opt()?;
            cal.instant(next, NaiveTime::MIN).ok()?
        }
        Gap::Deadline(i) => {
            let ahead: Vec<Instant> = deadlines.iter().copied().filter(|d| *d >= last).collect();
            match ahead.len() {
                0 => last + TimeDelta::minutes(30),
                n => ahead[i % n],
            }
        }
    };
    (at <= b.latest).then_some(at.max(last))
}

/// The role at `pick` among those `policy` allows for `kind`, if any.
pub(crate) fn allowed_role<K: Copy + Ord>(
    policy: &RolePolicy<K>,
    kind: K,
    pick: u32,
) -> Option<Role> {
    let roles: Vec<Role> = policy.roles(kind).collect();
    (!roles.is_empty()).then(|| roles[pick as usize % roles.len()])
}

/// The role at `pick` among those `policy` does not allow for `kind`, if any.
pub(crate) fn refused_role<K: Copy + Ord>(
    policy: &RolePolicy<K>,
    kind: K,
    pick: u32,
) -> Option<Role> {
    let roles: Vec<Role> = Role::ALL.into_iter().filter(|r| !policy.allows(kind, *r)).collect();
    (!roles.is_empty()).then(|| roles[pick as usize % roles.len()])
}

/// An actor in `role`, named after it.
pub(crate) fn actor(role: Role) -> Actor {
    Actor::new(ActorId::new(role.as_str()).expect("role names are not empty"), role)
}

/// Picks among weighted items.
pub(crate) fn weighted<T: Copy>(items: &[(T, u32)], pick: u32) -> Option<T> {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    if total == 0 {
        return None;
    }
    let mut n = pick % total;
    for (item, w) in items {
        if n < *w {
            return Some(*item);
        }
        n -= w;
    }
    None
}

/// Short written texts for reasons, materials and measures.
pub(crate) const TEXTS: [&str; 5] =
    ["超出本机关职权范围", "现场勘查", "专家论证需要时间", "site plan missing", "材料补充"];

/// The text at `pick`.
pub(crate) fn text(pick: u32) -> String {
    TEXTS[pick as usize % TEXTS.len()].to_owned()
}
