//! The escalation engine on any observation a host may store (JSON) at any
//! instant: evaluation never panics and is idempotent (the same notices
//! twice), and `next_due`, when it names an instant, names one after now.
#![no_main]

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, TimeDelta};
use libfuzzer_sys::fuzz_target;
use shenpi::calendar::WorkCalendar;
use shenpi::escalation::{EscalationPolicy, Observation, SupervisionLog};

fn fixed() -> &'static (WorkCalendar, EscalationPolicy) {
    static FIXED: OnceLock<(WorkCalendar, EscalationPolicy)> = OnceLock::new();
    FIXED.get_or_init(|| (WorkCalendar::china(), EscalationPolicy::default()))
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let (minutes, rest) = data.split_at(4);
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let Ok(obs) = serde_json::from_str::<Observation>(text) else { return };
    let (cal, policy) = fixed();
    let minutes = i64::from(u32::from_be_bytes(minutes.try_into().unwrap()));
    let now: DateTime<FixedOffset> = DateTime::parse_from_rfc3339("2024-01-01T00:00:00+08:00")
        .unwrap()
        + TimeDelta::minutes(minutes % (4 * 366 * 1440));
    let log = SupervisionLog::new();
    let first = policy.evaluate(&obs, &log, cal, now);
    let second = policy.evaluate(&obs, &log, cal, now);
    assert_eq!(first, second, "evaluation is not idempotent");
    if let Ok(Some(due)) = policy.next_due(&obs, &log, cal, now) {
        assert!(due > now, "next_due {due} is not after {now}");
    }
});
