use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::facts::flag;
use super::{CaseFacts, ReportError, MICRO_DAYS};

/// Values below this many millionths of a working day have a bucket each.
const EXACT_MICRO: u64 = 128;
/// Sub-buckets per power of two above [`EXACT_MICRO`]: each bucket is at
/// most 1/64 as wide as its lower bound.
const SUB_BUCKETS: u64 = 64;
/// Legal day counts below this have a dense counter each; longer ones are
/// counted in an ordered map, so day quantiles are always exact.
pub(crate) const DENSE_DAYS: u32 = 256;

/// The bucket of `v` millionths of a working day: `v` itself below 128;
/// above, 64 buckets per power of two, so a bucket `[low, low + width)`
/// has `width ≤ low / 64`.
#[inline]
pub(crate) fn micro_bucket(v: u64) -> usize {
    if v < EXACT_MICRO {
        return v as usize;
    }
    let e = u64::from(63 - v.leading_zeros()); // ≥ 7
    let m = v >> (e - 6); // 64..=127
    (EXACT_MICRO + (e - 7) * SUB_BUCKETS + (m - SUB_BUCKETS)) as usize
}

/// The lower bound and width of bucket `i`.
pub(crate) fn micro_bucket_bounds(i: usize) -> (u64, u64) {
    let i = i as u64;
    if i < EXACT_MICRO {
        return (i, 1);
    }
    let k = i - EXACT_MICRO;
    let shift = (k / SUB_BUCKETS + 1).min(57);
    let m = SUB_BUCKETS + k % SUB_BUCKETS;
    (m << shift, 1 << shift)
}

/// `ceil(n · num / den)`, at least 1: the nearest rank of the quantile
/// `num/den` among `n` values.
fn nearest_rank(n: u64, num: u64, den: u64) -> u64 {
    let k = (u128::from(n) * u128::from(num)).div_ceil(u128::from(den.max(1)));
    u64::try_from(k).unwrap_or(u64::MAX).max(1)
}

/// The mean of `n` integers summing to `sum`, as `floor + remainder / n`,
/// so that it lies between the least and the greatest of them.
pub(crate) fn mean(sum: u64, n: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    (sum / n) as f64 + (sum % n) as f64 / n as f64
}

/// The statistics of one group of cases, accumulated in one pass: counts
/// and sums in integers (saturating, so still exactly associative and
/// commutative), least and greatest actual times, and two histograms of
/// actual time for the median and the 90th percentile.
///
/// Merging two accumulators gives exactly the accumulator of the union of
/// their cases, in any order and any split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupStats {
    pub(crate) count: u64,
    pub(crate) instant: u64,
    pub(crate) on_time: u64,
    pub(crate) within_statutory: u64,
    /// Cases whose outcome counted over an estimated day.
    pub(crate) provisional: u64,
    pub(crate) overdue_days: u64,
    pub(crate) actual_micro: u64,
    pub(crate) actual_days: u64,
    pub(crate) min_micro: u64,
    pub(crate) max_micro: u64,
    pub(crate) min_days: u32,
    pub(crate) max_days: u32,
    /// Cases with limits in working days, and their sums.
    pub(crate) limited: u64,
    pub(crate) promised: u64,
    pub(crate) statutory: u64,
    pub(crate) limited_micro: u64,
    /// Cases with a reference limit too, and their sums.
    pub(crate) referenced: u64,
    pub(crate) reference: u64,
    pub(crate) referenced_promised: u64,
    /// Log-linear histogram of actual micro-days (see [`micro_bucket`]):
    /// per bucket the count and the sum of its values, grown to the highest
    /// bucket used.
    pub(crate) micro_hist: Vec<[u64; 2]>,
    /// Dense histogram of legal working days below [`DENSE_DAYS`].
    pub(crate) day_hist: Vec<u64>,
    /// Legal working days from [`DENSE_DAYS`] on.
    pub(crate) day_overflow: BTreeMap<u32, u64>,
}

impl Default for GroupStats {
    fn default() -> Self {
        GroupStats {
            count: 0,
            instant: 0,
            on_time: 0,
            within_statutory: 0,
            provisional: 0,
            overdue_days: 0,
            actual_micro: 0,
            actual_days: 0,
            min_micro: u64::MAX,
            max_micro: 0,
            min_days: u32::MAX,
            max_days: 0,
            limited: 0,
            promised: 0,
            statutory: 0,
            limited_micro: 0,
            referenced: 0,
            reference: 0,
            referenced_promised: 0,
            micro_hist: Vec::new(),
            day_hist: Vec::new(),
            day_overflow: BTreeMap::new(),
        }
    }
}

#[inline]
fn bump(hist: &mut Vec<u64>, i: usize) {
    if i >= hist.len() {
        hist.resize(i + 1, 0);
    }
    if let Some(c) = hist.get_mut(i) {
        *c = c.saturating_add(1);
    }
}

#[inline]
fn bump_sum(hist: &mut Vec<[u64; 2]>, i: usize, v: u64) {
    if i >= hist.len() {
        hist.resize(i + 1, [0, 0]);
    }
    if let Some([c, sum]) = hist.get_mut(i) {
        *c = c.saturating_add(1);
        *sum = sum.saturating_add(v);
    }
}

impl GroupStats {
    /// Adds one case: a few integer adds and two bucket increments.
    #[inline]
    pub(crate) fn add(&mut self, f: &CaseFacts) {
        let flags = f.flags();
        let bit = |m: u8| u64::from(flags & m == m);
        let micro = f.actual_micro_days();
        let days = f.actual_working_days();
        let (p, s, r) = f.raw_limits();
        let (p, s, r) = (u64::from(p), u64::from(s), u64::from(r));
        let limited = bit(flag::LIMITS);
        let referenced = bit(flag::LIMITS | flag::REFERENCE);
        self.count = self.count.saturating_add(1);
        self.instant = self.instant.saturating_add(bit(flag::INSTANT));
        self.on_time = self.on_time.saturating_add(bit(flag::ON_TIME));
        self.within_statutory = self.within_statutory.saturating_add(bit(flag::WITHIN_STATUTORY));
        self.provisional = self.provisional.saturating_add(bit(flag::PROVISIONAL));
        self.overdue_days = self.overdue_days.saturating_add(u64::from(f.overdue_working_days()));
        self.actual_micro = self.actual_micro.saturating_add(micro);
        self.actual_days = self.actual_days.saturating_add(u64::from(days));
        self.min_micro = self.min_micro.min(micro);
        self.max_micro = self.max_micro.max(micro);
        self.min_days = self.min_days.min(days);
        self.max_days = self.max_days.max(days);
        self.limited = self.limited.saturating_add(limited);
        self.promised = self.promised.saturating_add(p * limited);
        self.statutory = self.statutory.saturating_add(s * limited);
        self.limited_micro = self.limited_micro.saturating_add(micro * limited);
        self.referenced = self.referenced.saturating_add(referenced);
        self.reference = self.reference.saturating_add(r * referenced);
        self.referenced_promised = self.referenced_promised.saturating_add(p * referenced);
        bump_sum(&mut self.micro_hist, micro_bucket(micro), micro);
        if days < DENSE_DAYS {
            bump(&mut self.day_hist, days as usize);
        } else {
            let c = self.day_overflow.entry(days).or_insert(0);
            *c = c.saturating_add(1);
        }
    }

    /// Adds the cases of `other`.
    pub(crate) fn merge(&mut self, other: &GroupStats) {
        let add = |a: &mut u64, b: u64| *a = a.saturating_add(b);
        add(&mut self.count, other.count);
        add(&mut self.instant, other.instant);
        add(&mut self.on_time, other.on_time);
        add(&mut self.within_statutory, other.within_statutory);
        add(&mut self.provisional, other.provisional);
        add(&mut self.overdue_days, other.overdue_days);
        add(&mut self.actual_micro, other.actual_micro);
        add(&mut self.actual_days, other.actual_days);
        self.min_micro = self.min_micro.min(other.min_micro);
        self.max_micro = self.max_micro.max(other.max_micro);
        self.min_days = self.min_days.min(other.min_days);
        self.max_days = self.max_days.max(other.max_days);
        add(&mut self.limited, other.limited);
        add(&mut self.promised, other.promised);
        add(&mut self.statutory, other.statutory);
        add(&mut self.limited_micro, other.limited_micro);
        add(&mut self.referenced, other.referenced);
        add(&mut self.reference, other.reference);
        add(&mut self.referenced_promised, other.referenced_promised);
        if other.micro_hist.len() > self.micro_hist.len() {
            self.micro_hist.resize(other.micro_hist.len(), [0, 0]);
        }
        for (a, b) in self.micro_hist.iter_mut().zip(&other.micro_hist) {
            add(&mut a[0], b[0]);
            add(&mut a[1], b[1]);
        }
        if other.day_hist.len() > self.day_hist.len() {
            self.day_hist.resize(other.day_hist.len(), 0);
        }
        for (a, b) in self.day_hist.iter_mut().zip(&other.day_hist) {
            add(a, *b);
        }
        for (d, c) in &other.day_overflow {
            add(self.day_overflow.entry(*d).or_insert(0), *c);
        }
    }

    /// The nearest-rank quantile `num/den` of actual time, in millionths of
    /// a working day: the mean of the values in the bucket holding it. It
    /// is exact when they are all equal, and otherwise differs from the
    /// exact value by less than the bucket's width, itself at most 1/64 of
    /// the bucket's lower bound.
    pub(crate) fn micro_quantile(&self, num: u64, den: u64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let k = nearest_rank(self.count, num, den);
        let mut seen = 0u64;
        for [c, sum] in &self.micro_hist {
            seen = seen.saturating_add(*c);
            if seen >= k {
                return Some(mean(*sum, *c));
            }
        }
        Some(self.max_micro as f64)
    }

    /// The nearest-rank quantile `num/den` of the legal working-day count,
    /// exactly.
    pub(crate) fn day_quantile(&self, num: u64, den: u64) -> Option<u32> {
        if self.count == 0 {
            return None;
        }
        let k = nearest_rank(self.count, num, den);
        let mut seen = 0u64;
        let dense = self.day_hist.iter().enumerate().map(|(d, c)| (d as u32, *c));
        for (d, c) in dense.chain(self.day_overflow.iter().map(|(d, c)| (*d, *c))) {
            seen = seen.saturating_add(c);
            if seen >= k {
                return Some(d);
            }
        }
        Some(self.max_days)
    }
}

/// The stored form of a group's statistics: the sums, and each histogram
/// as `[bucket, count]` pairs of its non-empty buckets.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStats {
    count: u64,
    instant: u64,
    on_time: u64,
    within_statutory: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    provisional: u64,
    overdue_days: u64,
    actual_micro_days: u64,
    actual_days: u64,
    min_micro_days: u64,
    max_micro_days: u64,
    min_days: u32,
    max_days: u32,
    limited: u64,
    promised: u64,
    statutory: u64,
    limited_micro_days: u64,
    referenced: u64,
    reference: u64,
    referenced_promised: u64,
    micro_histogram: Vec<(u32, u64, u64)>,
    day_histogram: Vec<(u32, u64)>,
}

impl From<&GroupStats> for RawStats {
    fn from(s: &GroupStats) -> Self {
        let sparse = |h: &[u64]| -> Vec<(u32, u64)> {
            h.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, c)| (i as u32, *c)).collect()
        };
        let mut days = sparse(&s.day_hist);
        days.extend(s.day_overflow.iter().map(|(d, c)| (*d, *c)));
        RawStats {
            count: s.count,
            instant: s.instant,
            on_time: s.on_time,
            within_statutory: s.within_statutory,
            provisional: s.provisional,
            overdue_days: s.overdue_days,
            actual_micro_days: s.actual_micro,
            actual_days: s.actual_days,
            min_micro_days: s.min_micro,
            max_micro_days: s.max_micro,
            min_days: s.min_days,
            max_days: s.max_days,
            limited: s.limited,
            promised: s.promised,
            statutory: s.statutory,
            limited_micro_days: s.limited_micro,
            referenced: s.referenced,
            reference: s.reference,
            referenced_promised: s.referenced_promised,
            micro_histogram: s
                .micro_hist
                .iter()
                .enumerate()
                .filter(|(_, [c, _])| *c > 0)
                .map(|(i, [c, sum])| (i as u32, *c, *sum))
                .collect(),
            day_histogram: days,
        }
    }
}

impl TryFrom<RawStats> for GroupStats {
    type Error = ReportError;

    fn try_from(raw: RawStats) -> Result<Self, ReportError> {
        let bad = |what| Err(ReportError::Inconsistent { what });
        let max_bucket = micro_bucket(u64::from(super::MAX_ACTUAL_WORKING_DAYS) * MICRO_DAYS);
        let n = raw.count;
        if [raw.instant, raw.on_time, raw.within_statutory, raw.provisional, raw.limited]
            .iter()
            .any(|c| *c > n)
            || raw.referenced > raw.limited
        {
            return bad("a case count exceeds the group's count");
        }
        let mut stats = GroupStats {
            count: n,
            instant: raw.instant,
            on_time: raw.on_time,
            within_statutory: raw.within_statutory,
            provisional: raw.provisional,
            overdue_days: raw.overdue_days,
            actual_micro: raw.actual_micro_days,
            actual_days: raw.actual_days,
            min_micro: raw.min_micro_days,
            max_micro: raw.max_micro_days,
            min_days: raw.min_days,
            max_days: raw.max_days,
            limited: raw.limited,
            promised: raw.promised,
            statutory: raw.statutory,
            limited_micro: raw.limited_micro_days,
            referenced: raw.referenced,
            reference: raw.reference,
            referenced_promised: raw.referenced_promised,
            ..GroupStats::default()
        };
        if raw.promised > raw.statutory || raw.referenced_promised > raw.promised {
            return bad("promised working days exceed the statutory ones");
        }
        let mut last = None;
        for (i, c, sum) in raw.micro_histogram {
            if last.is_some_and(|l| i <= l) || i as usize > max_bucket || c == 0 {
                return bad("the actual-time histogram is not a list of increasing buckets");
            }
            let (low, width) = micro_bucket_bounds(i as usize);
            let (c128, sum) = (u128::from(c), u128::from(sum));
            if sum < u128::from(low) * c128 || sum > u128::from(low + width - 1) * c128 {
                return bad("a bucket's sum lies outside the bucket");
            }
            last = Some(i);
            stats.micro_hist.resize(i as usize + 1, [0, 0]);
            stats.micro_hist[i as usize] = [c, sum as u64];
        }
        let mut last = None;
        for (d, c) in raw.day_histogram {
            if last.is_some_and(|l| d <= l) || d > super::MAX_ACTUAL_WORKING_DAYS || c == 0 {
                return bad("the working-day histogram is not a list of increasing days");
            }
            last = Some(d);
            if d < DENSE_DAYS {
                stats.day_hist.resize(d as usize + 1, 0);
                stats.day_hist[d as usize] = c;
            } else {
                stats.day_overflow.insert(d, c);
            }
        }
        let total = |h: &mut dyn Iterator<Item = u64>| h.fold(0u64, u64::saturating_add);
        let days_total =
            total(&mut stats.day_hist.iter().chain(stats.day_overflow.values()).copied());
        if total(&mut stats.micro_hist.iter().map(|b| b[0])) != n || days_total != n {
            return bad("a histogram does not hold the group's count");
        }
        if n == 0 {
            return if stats == GroupStats::default() {
                Ok(stats)
            } else {
                bad("an empty group with sums")
            };
        }
        let within = |sum: u64, min: u64, max: u64| {
            let (n, sum) = (u128::from(n), u128::from(sum));
            min <= max && u128::from(min) * n <= sum && sum <= u128::from(max) * n
        };
        if !within(stats.actual_micro, stats.min_micro, stats.max_micro)
            || !within(stats.actual_days, stats.min_days.into(), stats.max_days.into())
            || micro_bucket(stats.min_micro) >= stats.micro_hist.len()
            || stats.micro_hist.get(micro_bucket(stats.min_micro)).is_some_and(|b| b[0] == 0)
            || micro_bucket(stats.max_micro) + 1 != stats.micro_hist.len()
        {
            return bad("the least and greatest actual times disagree with the sums or histogram");
        }
        Ok(stats)
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(n: &u64) -> bool {
    *n == 0
}
