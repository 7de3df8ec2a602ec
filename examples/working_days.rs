//! A service-centre window on the national calendar: due dates for a few
//! applications accepted around the 2026 holidays, a city's local closure
//! laid on top, and the actual handling time of one case in fractional
//! working days over office hours. Then December 2026 into January 2027,
//! past the last published year: refused by default, estimated when the
//! portal opts in, and loaded from JSON when the notice lands (a SAMPLE
//! file, `docs/samples/sample_2027.json`, not the real 2027 notice), with
//! the deadlines that moved.
//!
//! Run with `cargo run --example working_days`.

use chrono::{NaiveDate, NaiveTime};
use shenpi::calendar::{
    Arrangement, CalendarChange, DayRun, Horizon, OfficeHours, OfficePeriod, Overlay, Roll,
    WorkCalendar,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("invalid date");
    let time = |h, m| NaiveTime::from_hms_opt(h, m, 0).ok_or("invalid time");

    // The national calendar, with the centre's office hours and a local
    // closure (a typhoon day) on top.
    let national = WorkCalendar::china();
    let hours = OfficeHours::new([
        OfficePeriod::new(time(8, 30)?, time(12, 0)?)?,
        OfficePeriod::new(time(14, 30)?, time(17, 30)?)?,
    ])?;
    let typhoon = Overlay::new().holiday(date(2026, 7, 14)?);
    let city = national.with_office_hours(hours).with_overlay(&typhoon)?;

    println!("National calendar: {:?}", national.years());
    for year in [2024, 2025, 2026] {
        println!("  {year}: {} working days", national.working_days_in_year(year)?);
    }

    println!("\nDue dates (start day excluded; promised 3, statutory 20 working days):");
    println!(
        "  {:<12} {:<12} {:<12} {:<26}",
        "accepted", "promised", "statutory", "statutory limit ends"
    );
    for accepted in [
        date(2026, 2, 13)?, // the Friday before the Spring Festival
        date(2026, 4, 30)?, // the day before Labour Day
        date(2026, 7, 13)?, // the day before the typhoon closure
        date(2026, 9, 30)?, // the day before National Day
    ] {
        let promised = city.add_working_days(accepted, 3)?;
        let statutory = city.add_working_days(accepted, 20)?;
        let close = city.office_close(statutory)?;
        let (accepted, promised, statutory) =
            (accepted.to_string(), promised.to_string(), statutory.to_string());
        println!("  {accepted:<12} {promised:<12} {statutory:<12} {close}");
    }

    // A natural-day period (10 days to deliver a licence, art. 44 style
    // when a place counts natural days) ending on a holiday rolls forward.
    let decided = date(2026, 9, 24)?;
    println!(
        "\n10 natural days from {decided}: {} (rolled forward off the National Day holiday)",
        city.add_natural_days(decided, 10)?
    );
    println!(
        "The working day before the holiday: {}",
        city.roll(date(2026, 10, 1)?, Roll::Preceding)?
    );

    // Actual handling time, as cities report it: received at 09:10 and
    // concluded at 10:40 the same morning.
    let received = city.instant(date(2026, 3, 2)?, time(9, 10)?)?;
    let concluded = city.instant(date(2026, 3, 2)?, time(10, 40)?)?;
    let days = city.working_days_fraction_between(&received, &concluded)?;
    println!(
        "\nHandled from {received} to {concluded}: {} working seconds = {days:.2} working days",
        city.working_seconds_between(&received, &concluded)?
    );

    // Years without a published arrangement are unknown, never guessed.
    println!("\nDecember 2026 into January 2027 (20 working days from acceptance):");
    let accepted = [date(2026, 12, 1)?, date(2026, 12, 7)?, date(2026, 12, 21)?];
    println!("  refuse (the default), published through {}:", national.published_through());
    for day in accepted {
        match national.add_working_days(day, 20) {
            Ok(due) => println!("    accepted {day}: due {due}"),
            Err(err) => println!("    accepted {day}: refused: {err}"),
        }
    }
    let estimating = national.with_horizon(Horizon::Estimate { through: 2027 })?;
    println!("  estimate (opted in), {}:", estimating.horizon());
    for day in accepted {
        let due = estimating.add_working_days(day, 20)?;
        let mark = if estimating.is_provisional(due) { " 预计 (provisional)" } else { "" };
        println!("    accepted {day}: due {due}{mark}");
    }

    // The notice lands: the portal loads the year as data. This file is a
    // SAMPLE for the format, not the real 2027 notice.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/samples/sample_2027.json"
    ))?;
    let mut sample: Arrangement = shenpi::json::from_str(&text)?;
    println!("\nLoaded {sample}: {}", sample.source().unwrap_or(""));
    // Say the (sample) notice also gives Monday 4 January off.
    let runs = sample.off().iter().copied().chain([DayRun::day(date(2027, 1, 4)?)]);
    sample = Arrangement::new(2027, runs, sample.make_up_days())?
        .with_source("SAMPLE, not the real 2027 notice")?;
    let published = estimating.with_arrangement(&sample)?;
    let change = CalendarChange::between(&estimating, &published);
    println!(
        "Calendar {} -> {}: {} day(s) changed, {} estimated day(s) now firm",
        change.before(),
        change.after(),
        change.days().len(),
        change.firmed().count()
    );
    for c in change.days() {
        println!("  {}: working {:?} -> {:?}", c.date, c.before, c.after);
    }
    for day in accepted {
        let (was, now) =
            (estimating.add_working_days(day, 20)?, published.add_working_days(day, 20)?);
        if was != now {
            println!("  accepted {day}: due {was} (provisional) moves to {now}");
        }
    }
    Ok(())
}
