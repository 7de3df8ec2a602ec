//! Working-day arithmetic at the edges: any date (covered or not, to
//! chrono's limits), any count, any instant. Nothing panics; where both
//! answer, adding n working days and counting them back agree.
#![no_main]

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use libfuzzer_sys::fuzz_target;
use shenpi::calendar::WorkCalendar;

fn calendar() -> &'static WorkCalendar {
    static CAL: OnceLock<WorkCalendar> = OnceLock::new();
    CAL.get_or_init(WorkCalendar::china)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 16 {
        return;
    }
    let cal = calendar();
    let word = |i: usize| u32::from_be_bytes(data[i..i + 4].try_into().unwrap());
    // Mostly near the covered years, sometimes anywhere chrono can go.
    let days = if data[12] % 4 == 0 { word(0) as i32 } else { (word(0) % 30_000) as i32 - 5_000 };
    let Some(date) = NaiveDate::from_ymd_opt(2000, 1, 1)
        .and_then(|d| d.checked_add_signed(TimeDelta::days(i64::from(days))))
    else {
        return;
    };
    let n = if data[13] % 4 == 0 { word(4) } else { word(4) % 400 };
    let _ = cal.is_working_day(date);
    if let Ok(end) = cal.add_working_days(date, n) {
        assert!(end >= date);
        if let Ok(back) = cal.working_days_between(date, end) {
            // The n-th working day after `date` has n working days in
            // (date, end].
            if n > 0 {
                assert_eq!(back, n, "{date} + {n} working days = {end}");
            }
        }
    }
    let _ = cal.sub_working_days(date, n);
    let _ = cal.add_months(date, n % 1_000);
    let _ = cal.sub_natural_days(date, n, shenpi::calendar::Roll::Preceding);
    let secs = i64::from(word(8)) * if data[14] % 2 == 0 { 1 } else { -1_000_000 };
    if let Some(at) = DateTime::<Utc>::from_timestamp(secs, 0) {
        let at = at.fixed_offset();
        let _ = cal.to_civil(&at);
        let _ = cal.add_working_seconds(&at, u64::from(n) * 60);
        let _ = cal.working_seconds_between(&at, &at);
        let _ = cal.working_days_fraction_between(&at, &at);
    }
});
