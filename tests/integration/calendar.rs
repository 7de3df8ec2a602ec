//! Calendar tests: the domain vectors, the cross-check fixture, bad input and
//! the wire format.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use shenpi::calendar::{
    CalendarError, Direction, OfficeHours, OfficePeriod, Overlay, Roll, WorkCalendar,
};

/// Asserts that a value (an error or a result) matches a pattern.
macro_rules! assert_error {
    ($value:expr, $pattern:pat $(if $guard:expr)?) => {
        let value = $value.clone();
        assert!(matches!(value, $pattern $(if $guard)?), "unexpected {value:?}");
    };
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

// DOMAIN.md §7: accepted on, + working days, due (the start day excluded).
#[test]
fn due_date_vectors() {
    let cal = WorkCalendar::china();
    let vectors = [
        (d(2026, 2, 13), 3, d(2026, 2, 25)),
        (d(2026, 2, 13), 20, d(2026, 3, 19)),
        (d(2026, 4, 30), 5, d(2026, 5, 11)),
        (d(2025, 9, 26), 10, d(2025, 10, 16)),
        (d(2025, 12, 31), 1, d(2026, 1, 4)),
    ];
    for (accepted, n, due) in vectors {
        assert_eq!(cal.add_working_days(accepted, n).unwrap(), due, "{accepted} + {n}");
        assert_eq!(cal.working_days_between(accepted, due).unwrap(), n);
        assert_eq!(cal.sub_working_days(due, n).unwrap(), accepted);
    }
    // The due date of 2025-12-31 + 1 is a Sunday make-up working day.
    assert_eq!(d(2026, 1, 4).weekday(), Weekday::Sun);
}

#[test]
fn working_days_per_year() {
    let cal = WorkCalendar::china();
    for (year, days) in [(2024, 251), (2025, 248), (2026, 248)] {
        assert_eq!(cal.working_days_in_year(year).unwrap(), days, "{year}");
        let count = cal.working_days_between(d(year - 1, 12, 31), d(year, 12, 31)).unwrap();
        assert_eq!(count, days, "{year} by range");
    }
    // Every covered year lies between 245 and 252 working days.
    for year in 2004..=2026 {
        let days = cal.working_days_in_year(year).unwrap();
        assert!((245..=252).contains(&days), "{year}: {days}");
    }
}

// DOMAIN.md §7: the 2026 arrangement, day by day.
#[test]
fn the_2026_arrangement() {
    let cal = WorkCalendar::china();
    let off = [
        (d(2026, 1, 1), d(2026, 1, 3)),
        (d(2026, 2, 15), d(2026, 2, 23)),
        (d(2026, 4, 4), d(2026, 4, 6)),
        (d(2026, 5, 1), d(2026, 5, 5)),
        (d(2026, 6, 19), d(2026, 6, 21)),
        (d(2026, 9, 25), d(2026, 9, 27)),
        (d(2026, 10, 1), d(2026, 10, 7)),
    ];
    let work = [d(2026, 1, 4), d(2026, 2, 14), d(2026, 2, 28), d(2026, 5, 9), d(2026, 9, 20)];
    let work = [&work[..], &[d(2026, 10, 10)]].concat();
    for day in d(2026, 1, 1).iter_days().take_while(|x| x.year() == 2026) {
        let holiday = off.iter().any(|(a, b)| (*a..=*b).contains(&day));
        let expected = if work.contains(&day) {
            true
        } else if holiday {
            false
        } else {
            !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        };
        assert_eq!(cal.is_working_day(day).unwrap(), expected, "{day}");
    }
}

/// The published data sets in `tests/data/china_crosscheck.csv`, in the order
/// of its columns after the date.
const SOURCES: [&str; 4] = ["chinesecalendar", "chinese_days", "chinese_workday", "holidays"];

/// npm `chinese-workday` alone is wrong.
const CHINESE_WORKDAY: &[&str] = &["chinese_workday"];

/// Every date on which a published data set differs from the built-in
/// calendar: the date, the data sets that are wrong there, and why. The
/// built-in calendar follows the State Council's notice, which decides, never
/// the majority of the data sets (on 2005-12-31 two of them agree, and are
/// wrong). Kept in step with `JUDGED` in tests/data/generate_china_crosscheck.py.
const DISPUTED: &[(&str, &[&str], &str)] = &[
    (
        "2005-12-31",
        &["chinesecalendar", "chinese_days"],
        "国办发明电〔2005〕35号 (2006 notice): 一、元旦:1月1日—3日放假,共3天。其中1月1日为法定假日,\
         将12月31日(星期六)、1月1日(星期日)两个公休日调至1月2日(星期一)、3日(星期二),\
         12月31日(星期六)上班。",
    ),
    ("2011-01-29", CHINESE_WORKDAY, "2011 notice: the make-up days are Sun 01-30 and Sat 02-12 only"),
    ("2011-02-12", CHINESE_WORKDAY, "2011 notice: Sat 02-12 is worked"),
    ("2011-04-02", CHINESE_WORKDAY, "2011 notice: Sat 04-02 is worked (Qingming)"),
    ("2011-12-31", CHINESE_WORKDAY, "2012 notice: Sat 2011-12-31 is worked (New Year)"),
    ("2012-01-29", CHINESE_WORKDAY, "2012 notice: Sun 01-29 is worked (Spring Festival)"),
    ("2012-03-31", CHINESE_WORKDAY, "2012 notice: Sat 03-31 is worked (Qingming)"),
    ("2012-04-01", CHINESE_WORKDAY, "2012 notice: Sun 04-01 is worked (Qingming)"),
    ("2012-04-28", CHINESE_WORKDAY, "2012 notice: Sat 04-28 is worked (Labour Day)"),
    (
        "2012-09-30",
        CHINESE_WORKDAY,
        "2012 notice: the holiday runs 09-30 to 10-07, only Sat 09-29 is worked",
    ),
    ("2012-10-08", CHINESE_WORKDAY, "an ordinary Monday after the 2012 National Day holiday"),
    ("2013-04-07", CHINESE_WORKDAY, "2013 notice: Sun 04-07 is worked (Qingming)"),
    ("2013-04-27", CHINESE_WORKDAY, "2013 notice: Sat 04-27 is worked (Labour Day)"),
    ("2013-04-28", CHINESE_WORKDAY, "2013 notice: Sun 04-28 is worked (Labour Day)"),
    ("2013-06-08", CHINESE_WORKDAY, "2013 notice: Sat 06-08 is worked (Dragon Boat)"),
    ("2013-06-09", CHINESE_WORKDAY, "2013 notice: Sun 06-09 is worked (Dragon Boat)"),
    ("2013-10-12", CHINESE_WORKDAY, "2013 notice: Sat 10-12 is worked (National Day)"),
    ("2013-12-29", CHINESE_WORKDAY, "2014 notice: New Year is 01-01 only, with no make-up day"),
    ("2014-06-03", CHINESE_WORKDAY, "2014 notice: Dragon Boat is 06-02 only"),
    ("2014-06-04", CHINESE_WORKDAY, "2014 notice: Dragon Boat is 06-02 only"),
    ("2014-09-09", CHINESE_WORKDAY, "2014 notice: Mid-Autumn is 09-08 only"),
    ("2014-09-10", CHINESE_WORKDAY, "2014 notice: Mid-Autumn is 09-08 only"),
    ("2014-10-11", CHINESE_WORKDAY, "2014 notice: Sat 10-11 is worked (National Day)"),
    ("2015-09-03", CHINESE_WORKDAY, "2015 notice: 70th anniversary holiday 09-03 to 09-05"),
    ("2015-09-04", CHINESE_WORKDAY, "2015 notice: 70th anniversary holiday 09-03 to 09-05"),
    ("2018-01-01", CHINESE_WORKDAY, "New Year's Day"),
    (
        "2020-01-31",
        CHINESE_WORKDAY,
        "State Council extension of the 2020 Spring Festival (国办发明电〔2020〕1号)",
    ),
    ("2020-02-01", CHINESE_WORKDAY, "the same extension cancels the make-up Saturday 02-01"),
    ("2023-01-03", CHINESE_WORKDAY, "2023 notice: New Year is 2022-12-31 to 2023-01-02"),
];

/// The cross-check fixture: the years each source covers (from the `# source`
/// header lines) and its rows, one value per source (`None`: year not covered).
struct Crosscheck {
    covers: [(i32, i32); 4],
    rows: BTreeMap<NaiveDate, [Option<bool>; 4]>,
}

impl Crosscheck {
    fn read() -> Crosscheck {
        let csv = data("china_crosscheck.csv");
        let mut covers = [None; 4];
        let mut rows = BTreeMap::new();
        let mut lines = csv.lines();
        // The comment lines, then the column header.
        for line in lines.by_ref() {
            let Some(comment) = line.strip_prefix('#') else {
                assert_eq!(line, format!("date,{}", SOURCES.join(",")), "columns");
                break;
            };
            let Some(source) = comment.strip_prefix(" source ") else { continue };
            let (name, rest) = source.split_once(':').unwrap();
            let i = SOURCES.iter().position(|s| *s == name).unwrap_or_else(|| panic!("{line}"));
            let years = rest.split("(covers ").nth(1).and_then(|r| r.strip_suffix(')'));
            let (first, last) = years.and_then(|y| y.split_once('-')).unwrap();
            covers[i] = Some((first.parse().unwrap(), last.parse().unwrap()));
        }
        let covers = covers.map(|c| c.expect("a `# source` line for every source"));
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), 1 + SOURCES.len(), "malformed row {line:?}");
            let date: NaiveDate = cells[0].parse().unwrap();
            let values: [Option<bool>; 4] = std::array::from_fn(|i| {
                let value = match cells[i + 1] {
                    "work" => Some(true),
                    "off" => Some(false),
                    "-" => None,
                    other => panic!("unknown value {other:?} in {line:?}"),
                };
                let (first, last) = covers[i];
                let covered = (first..=last).contains(&date.year());
                assert_eq!(value.is_some(), covered, "{line:?}: {} coverage", SOURCES[i]);
                value
            });
            assert!(rows.insert(date, values).is_none(), "{date} listed twice");
        }
        Crosscheck { covers, rows }
    }

    /// Each source's working-ness on a date: its row, or the weekday default
    /// where no source departs from it; `None` where it doesn't cover the year.
    fn values(&self, day: NaiveDate) -> [Option<bool>; 4] {
        self.rows.get(&day).copied().unwrap_or_else(|| {
            let weekday = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            self.covers.map(|(first, last)| (first..=last).contains(&day.year()).then_some(weekday))
        })
    }
}

// The built-in calendar against the published data sets, generated once into
// tests/data/china_crosscheck.csv by tests/data/generate_china_crosscheck.py.
// On every date each data set agrees with the built-in calendar, or the date
// and that data set are listed in DISPUTED; and every listing still holds.
#[test]
fn china_calendar_matches_the_published_data_sets() {
    let cal = WorkCalendar::china();
    let fixture = Crosscheck::read();
    assert!(fixture.rows.len() > 500, "fixture has only {} rows", fixture.rows.len());

    let mut listed: BTreeMap<NaiveDate, &[&str]> = BTreeMap::new();
    for (date, sources, why) in DISPUTED {
        let date: NaiveDate = date.parse().unwrap();
        assert!(!sources.is_empty() && !why.is_empty(), "{date}: empty DISPUTED entry");
        assert!(
            sources.iter().all(|s| SOURCES.contains(s)),
            "{date}: unknown source in {sources:?}"
        );
        assert!(
            listed.last_key_value().is_none_or(|(last, _)| *last < date),
            "{date}: out of order"
        );
        listed.insert(date, sources);
    }

    let mut problems = Vec::new();
    let word = |work: bool| if work { "work" } else { "off" };
    for day in d(2004, 1, 1).iter_days().take_while(|x| x.year() <= 2026) {
        let ours = cal.is_working_day(day).unwrap();
        let disputed = listed.get(&day).copied().unwrap_or_default();
        for (source, value) in SOURCES.iter().zip(fixture.values(day)) {
            let wrong = value.is_some_and(|v| v != ours);
            match (wrong, disputed.contains(source)) {
                (true, false) => problems.push(format!(
                    "{day} ({}): {source} says {}, the built-in calendar {}; not in DISPUTED",
                    day.weekday(),
                    word(!ours),
                    word(ours)
                )),
                (false, true) => problems.push(format!(
                    "{day}: DISPUTED lists {source}, which now agrees with the built-in calendar \
                     ({}) or doesn't cover the year",
                    word(ours)
                )),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "the cross-check changed:\n{}", problems.join("\n"));
}

#[test]
fn rolls_and_natural_days_on_the_national_calendar() {
    let cal = WorkCalendar::china();
    // 2026-02-14 is a make-up Saturday: it stays put.
    assert_eq!(cal.roll(d(2026, 2, 14), Roll::Following).unwrap(), d(2026, 2, 14));
    assert_eq!(cal.roll(d(2026, 2, 15), Roll::Following).unwrap(), d(2026, 2, 24));
    assert_eq!(cal.roll(d(2026, 2, 23), Roll::Preceding).unwrap(), d(2026, 2, 14));
    // A natural-day period ending on a working day is not moved.
    assert_eq!(cal.add_natural_days(d(2026, 3, 2), 10).unwrap(), d(2026, 3, 12));
    // One ending inside the Spring Festival runs on to its first working day.
    assert_eq!(cal.add_natural_days(d(2026, 2, 10), 7).unwrap(), d(2026, 2, 24));
    assert_eq!(cal.add_natural_days(d(2026, 2, 10), 0).unwrap(), d(2026, 2, 10));
}

// Civil Code art. 202: a period in months ends on the corresponding day of
// its last month, or on that month's last day when it has none; art. 203: a
// last day that is a statutory holiday (or a rest day) runs on to the next
// working day, as a natural-day period's does.
#[test]
fn civil_code_art202_months_end_on_the_corresponding_day() {
    let cal = WorkCalendar::china();
    // The corresponding day, a working day: not moved.
    assert_eq!(cal.add_months(d(2026, 3, 16), 1).unwrap(), d(2026, 4, 16));
    assert_eq!(cal.add_months(d(2025, 3, 31), 12).unwrap(), d(2026, 3, 31));
    // No 31 February: the month's last day, here a make-up Saturday, which
    // is a working day and stands.
    assert_eq!(cal.add_months(d(2026, 1, 31), 1).unwrap(), d(2026, 2, 28));
    assert_eq!(cal.add_months(d(2025, 12, 31), 2).unwrap(), d(2026, 2, 28));
    assert_eq!(cal.add_months(d(2026, 3, 31), 1).unwrap(), d(2026, 4, 30));
    // art. 203: a month from 1 September is 1 October, National Day; the
    // period runs on to the first working day after the holiday.
    assert_eq!(cal.add_months(d(2026, 9, 1), 1).unwrap(), d(2026, 10, 8));
    // A month from 15 January is 15 February, in the Spring Festival.
    assert_eq!(cal.add_months(d(2026, 1, 15), 1).unwrap(), d(2026, 2, 24));
    // An ordinary Sunday runs on to Monday.
    assert_eq!(cal.add_months(d(2026, 2, 15), 1).unwrap(), d(2026, 3, 16));
    // A start on a holiday counts from it (the start day excluded).
    assert_eq!(cal.add_months(d(2026, 10, 1), 1).unwrap(), d(2026, 11, 2));
    // Zero months: the day itself, rolled.
    assert_eq!(cal.add_months(d(2026, 10, 3), 0).unwrap(), d(2026, 10, 8));
    assert_eq!(cal.add_months(d(2026, 12, 31), 0).unwrap(), d(2026, 12, 31));
}

#[test]
fn civil_code_art202_month_ends_in_leap_years() {
    // Weekends only, 2027–2029.
    let cal = WorkCalendar::builder(2027..=2029).build().unwrap();
    // 2028 is a leap year: a month from 31 January ends on 29 February.
    assert_eq!(cal.add_months(d(2028, 1, 31), 1).unwrap(), d(2028, 2, 29));
    // 2027 is not: 28 February, a Sunday, so Monday 1 March (art. 203).
    assert_eq!(cal.add_months(d(2027, 1, 31), 1).unwrap(), d(2027, 3, 1));
    // A year from 29 February: February 2029 has no 29th, so the 28th.
    assert_eq!(cal.add_months(d(2028, 2, 29), 12).unwrap(), d(2029, 2, 28));
    // A year from 28 February 2027 ends on the 28th, not on the month's
    // last day: the corresponding day exists.
    assert_eq!(cal.add_months(d(2027, 2, 28), 12).unwrap(), d(2028, 2, 28));
    // Backward, the same rule: a month before 31 March 2028 is 29 February.
    assert_eq!(cal.sub_months(d(2028, 3, 31), 1, Roll::Preceding).unwrap(), d(2028, 2, 29));
    assert_eq!(cal.sub_months(d(2029, 3, 29), 13, Roll::Preceding).unwrap(), d(2028, 2, 29));
    // 28 February 2027 is a Sunday: the two rolls part.
    assert_eq!(cal.sub_months(d(2027, 3, 31), 1, Roll::Preceding).unwrap(), d(2027, 2, 26));
    assert_eq!(cal.sub_months(d(2027, 3, 31), 1, Roll::Following).unwrap(), d(2027, 3, 1));
}

// 行政许可法 art. 50: a licence's holder applies for its renewal 30 days
// before it expires. Counted back from the expiry; a day that is not a
// working day rolls the way the caller chooses (Roll::Preceding is the
// applicant's safe reading of Civil Code art. 203 for a backward period).
#[test]
fn art50_renewal_30_days_before_expiry() {
    let cal = WorkCalendar::china();
    let by = |expiry, roll| cal.sub_natural_days(expiry, 30, roll).unwrap();
    // Expiring Thursday 30 April: apply by Tuesday 31 March, either way.
    assert_eq!(by(d(2026, 4, 30), Roll::Preceding), d(2026, 3, 31));
    assert_eq!(by(d(2026, 4, 30), Roll::Following), d(2026, 3, 31));
    // Expiring 7 April: 30 days before is Sunday 8 March.
    assert_eq!(by(d(2026, 4, 7), Roll::Preceding), d(2026, 3, 6));
    assert_eq!(by(d(2026, 4, 7), Roll::Following), d(2026, 3, 9));
    // Expiring 31 October: 30 days before is 1 October, National Day.
    assert_eq!(by(d(2026, 10, 31), Roll::Preceding), d(2026, 9, 30));
    assert_eq!(by(d(2026, 10, 31), Roll::Following), d(2026, 10, 8));
    // Rolled forward, the day may even pass the expiry itself.
    assert_eq!(cal.sub_natural_days(d(2026, 10, 5), 2, Roll::Following).unwrap(), d(2026, 10, 8));
    assert_eq!(cal.sub_natural_days(d(2026, 10, 5), 2, Roll::Preceding).unwrap(), d(2026, 9, 30));
    // Zero days: the expiry itself, rolled.
    assert_eq!(cal.sub_natural_days(d(2026, 10, 4), 0, Roll::Preceding).unwrap(), d(2026, 9, 30));
    // In months: six months before 31 August is the last day of February.
    assert_eq!(cal.sub_months(d(2026, 8, 31), 6, Roll::Preceding).unwrap(), d(2026, 2, 28));
    assert_eq!(cal.sub_months(d(2026, 5, 6), 1, Roll::Preceding).unwrap(), d(2026, 4, 3));
    assert_eq!(cal.sub_months(d(2026, 5, 6), 1, Roll::Following).unwrap(), d(2026, 4, 7));
    // A licence expiring on 31 March 2027, a year only estimated: apply by
    // Monday 1 March, provisionally.
    let estimating =
        cal.with_horizon(shenpi::calendar::Horizon::Estimate { through: 2027 }).unwrap();
    let day = estimating.sub_natural_days(d(2027, 3, 31), 30, Roll::Preceding).unwrap();
    assert_eq!(day, d(2027, 3, 1));
    assert!(estimating.is_provisional(day));
}

#[test]
fn months_and_backward_periods_refuse_dates_outside_the_covered_years() {
    let cal = WorkCalendar::china();
    // The start outside the covered years.
    for result in [
        cal.add_months(d(2003, 12, 31), 1),
        cal.add_months(d(2027, 1, 31), 1),
        cal.sub_natural_days(d(2027, 3, 31), 30, Roll::Preceding),
        cal.sub_months(d(2027, 3, 31), 1, Roll::Following),
    ] {
        assert_error!(result, Err(CalendarError::DateOutOfRange { first: 2004, last: 2026, .. }));
    }
    // The end past the last covered year.
    let err = cal.add_months(d(2026, 11, 15), 2).unwrap_err();
    assert_error!(
        err,
        CalendarError::MonthsOutOfRange { date, months: 2, direction: Direction::Forward, first: 2004, last: 2026, .. }
            if date == d(2026, 11, 15)
    );
    assert_eq!(
        err.to_string(),
        "counting 2 months after 2026-11-15 leaves the covered years 2004..=2026"
    );
    assert_error!(
        cal.add_months(d(2026, 1, 1), u32::MAX),
        Err(CalendarError::MonthsOutOfRange {
            months: u32::MAX,
            direction: Direction::Forward,
            ..
        })
    );
    // Counted back before the first covered year.
    let err = cal.sub_natural_days(d(2004, 1, 10), 30, Roll::Following).unwrap_err();
    assert_error!(
        err,
        CalendarError::CountOutOfRange { date, days: 30, direction: Direction::Backward, .. }
            if date == d(2004, 1, 10)
    );
    assert_eq!(
        err.to_string(),
        "counting 30 days before 2004-01-10 leaves the covered years 2004..=2026"
    );
    assert_error!(
        cal.sub_months(d(2004, 2, 15), 2, Roll::Preceding),
        Err(CalendarError::MonthsOutOfRange { months: 2, direction: Direction::Backward, .. })
    );
    assert_error!(
        cal.sub_natural_days(d(2026, 1, 1), u32::MAX, Roll::Preceding),
        Err(CalendarError::CountOutOfRange { direction: Direction::Backward, .. })
    );
    // Rolling off the edge: 2022 begins on a Saturday and ends on one.
    let cal = WorkCalendar::builder(2022..=2022).build().unwrap();
    assert_error!(
        cal.sub_natural_days(d(2022, 1, 4), 2, Roll::Preceding),
        Err(CalendarError::CountOutOfRange { days: 2, direction: Direction::Backward, .. })
    );
    assert_eq!(cal.sub_natural_days(d(2022, 1, 4), 2, Roll::Following).unwrap(), d(2022, 1, 3));
    assert_error!(
        cal.sub_natural_days(d(2022, 12, 31), 0, Roll::Following),
        Err(CalendarError::NoWorkingDay { date, roll: Roll::Following, .. }) if date == d(2022, 12, 31)
    );
    assert_error!(
        cal.add_months(d(2022, 10, 31), 2),
        Err(CalendarError::MonthsOutOfRange { months: 2, direction: Direction::Forward, .. })
    );
    assert_eq!(cal.add_months(d(2022, 10, 30), 2).unwrap(), d(2022, 12, 30));
}

#[test]
fn office_hours_and_fractional_working_days() {
    let hours = OfficeHours::new([
        OfficePeriod::new(t(14, 30), t(17, 30)).unwrap(),
        OfficePeriod::new(t(8, 30), t(12, 0)).unwrap(),
    ])
    .unwrap();
    let cal = WorkCalendar::builder(2026..=2026)
        .holiday_range(d(2026, 10, 1), d(2026, 10, 7))
        .make_up_day(d(2026, 10, 10))
        .office_hours(hours)
        .build()
        .unwrap();
    let at = |date, time| cal.instant(date, time).unwrap();
    // A whole working day is 6.5 hours.
    let day = 6 * 3600 + 1800;
    let span =
        cal.working_seconds_between(&at(d(2026, 9, 30), t(0, 0)), &at(d(2026, 10, 1), t(0, 0)));
    assert_eq!(span.unwrap(), day);
    // Over the National Day holiday: the afternoon of 30 September, then the
    // make-up Saturday 10 October only until 09:30; 8-9 October count whole.
    let start = at(d(2026, 9, 30), t(15, 0));
    let end = at(d(2026, 10, 10), t(9, 30));
    let secs = cal.working_seconds_between(&start, &end).unwrap();
    assert_eq!(secs, 2 * 3600 + 1800 + 2 * day + 3600);
    let fraction = cal.working_days_fraction_between(&start, &end).unwrap();
    assert!((fraction - secs as f64 / day as f64).abs() < 1e-12);
    // Instants in another offset are converted to the calendar's civil time:
    // 01:00 UTC is 09:00 in Beijing, half an hour after opening.
    let utc = chrono::DateTime::parse_from_rfc3339("2026-03-02T01:00:00Z").unwrap();
    let opening = at(d(2026, 3, 2), t(8, 30));
    assert_eq!(cal.working_seconds_between(&opening, &utc).unwrap(), 1800);
    // The close of office hours is the end of the last period.
    assert_eq!(cal.office_close(d(2026, 3, 2)).unwrap().to_rfc3339(), "2026-03-02T17:30:00+08:00");
}

#[test]
fn overlays_layer_local_days_on_the_national_calendar() {
    let national = WorkCalendar::china();
    // A minority-region festival (two days off) and a city working the
    // national Dragon Boat holiday Monday... and a conflicting overlay.
    let local =
        Overlay::new().holiday(d(2026, 3, 20)).holiday(d(2026, 3, 23)).working_day(d(2026, 6, 19));
    let cal = national.with_overlay(&local).unwrap();
    assert!(!cal.is_working_day(d(2026, 3, 20)).unwrap());
    assert!(cal.is_working_day(d(2026, 6, 19)).unwrap());
    assert_eq!(cal.working_days_in_year(2026).unwrap(), 248 - 2 + 1);
    // A national make-up day made a local holiday is off.
    let cal = national.with_overlay(&Overlay::new().holiday(d(2026, 2, 28))).unwrap();
    assert!(!cal.is_working_day(d(2026, 2, 28)).unwrap());
    // A weekend day made a local working day becomes a make-up day.
    let cal = national.with_overlay(&Overlay::new().working_day(d(2026, 3, 7))).unwrap();
    assert!(cal.make_up_days().any(|x| x == d(2026, 3, 7)));
    // The national calendar itself is untouched.
    assert!(national.is_working_day(d(2026, 3, 20)).unwrap());
    // Bad overlays.
    let both = Overlay::new().holiday(d(2026, 3, 3)).working_day(d(2026, 3, 3));
    assert_error!(national.with_overlay(&both), Err(CalendarError::OverlayConflict { date, .. }) if date == d(2026, 3, 3));
    let outside = Overlay::new().holiday(d(2030, 1, 2));
    assert_error!(national.with_overlay(&outside), Err(CalendarError::DateOutOfRange { date, first: 2004, last: 2026, .. }) if date == d(2030, 1, 2));
}

#[test]
fn bad_input_is_a_typed_error_naming_the_value() {
    let cal = WorkCalendar::china();
    let before = d(2003, 12, 31);
    let err = cal.add_working_days(before, 1).unwrap_err();
    assert_error!(err, CalendarError::DateOutOfRange { date, first: 2004, last: 2026, .. } if date == before);
    assert_eq!(err.to_string(), "date 2003-12-31 is outside the covered years 2004..=2026");
    for result in [
        cal.is_working_day(d(2027, 1, 1)).map(|_| ()),
        cal.sub_working_days(d(2027, 6, 1), 3).map(|_| ()),
        cal.roll(d(1999, 1, 1), Roll::Following).map(|_| ()),
        cal.add_natural_days(d(2030, 1, 1), 1).map(|_| ()),
        cal.working_days_between(d(2020, 1, 1), d(2027, 1, 1)).map(|_| ()),
        cal.office_close(d(2027, 1, 1)).map(|_| ()),
    ] {
        assert!(matches!(result, Err(CalendarError::DateOutOfRange { .. })), "{result:?}");
    }

    let err = cal.add_working_days(d(2026, 12, 1), 40).unwrap_err();
    assert_error!(
        err,
        CalendarError::CountOutOfRange { date, days: 40, direction: Direction::Forward, first: 2004, last: 2026, .. }
            if date == d(2026, 12, 1)
    );
    assert_eq!(
        err.to_string(),
        "counting 40 days after 2026-12-01 leaves the covered years 2004..=2026"
    );
    assert!(matches!(
        cal.sub_working_days(d(2004, 1, 5), 10),
        Err(CalendarError::CountOutOfRange { direction: Direction::Backward, .. })
    ));
    assert!(matches!(
        cal.add_natural_days(d(2026, 12, 20), 30),
        Err(CalendarError::CountOutOfRange { .. })
    ));

    let err = cal.working_days_between(d(2026, 3, 2), d(2026, 3, 1)).unwrap_err();
    assert_error!(err, CalendarError::InvertedRange { start, end, .. } if start == d(2026, 3, 2) && end == d(2026, 3, 1));
    assert_eq!(err.to_string(), "range end 2026-03-01 is before its start 2026-03-02");

    let a = cal.instant(d(2026, 3, 2), t(10, 0)).unwrap();
    let b = cal.instant(d(2026, 3, 2), t(9, 0)).unwrap();
    assert!(matches!(cal.working_seconds_between(&a, &b), Err(CalendarError::InvertedSpan { .. })));
    let far = cal.instant(d(2026, 3, 2), t(9, 0)).unwrap() + chrono::TimeDelta::days(400);
    assert!(matches!(
        cal.working_seconds_between(&a, &far),
        Err(CalendarError::DateOutOfRange { .. })
    ));
}

#[test]
fn bad_definitions_are_refused_by_the_builder() {
    let b = || WorkCalendar::builder(2026..=2026);
    assert_error!(b().holiday(d(2026, 1, 4)).make_up_day(d(2026, 1, 4)).build().unwrap_err(), CalendarError::HolidayAndMakeUpDay { date, .. } if date == d(2026, 1, 4));
    // Listed inside a holiday range counts too.
    assert_error!(b().holiday_range(d(2026, 1, 1), d(2026, 1, 7)).make_up_day(d(2026, 1, 4)).build().unwrap_err(), CalendarError::HolidayAndMakeUpDay { date, .. } if date == d(2026, 1, 4));
    assert_error!(b().make_up_day(d(2026, 1, 5)).build().unwrap_err(), CalendarError::MakeUpDayNotWeekend { date, weekday: Weekday::Mon, .. } if date == d(2026, 1, 5));
    assert_error!(b().holiday_range(d(2026, 1, 7), d(2026, 1, 1)).build().unwrap_err(), CalendarError::InvertedRange { start, end, .. } if start == d(2026, 1, 7) && end == d(2026, 1, 1));
    assert_error!(b().holiday_range(d(2026, 1, 1), d(2999, 1, 1)).build().unwrap_err(), CalendarError::DateOutOfRange { date, first: 2026, last: 2026, .. } if date == d(2999, 1, 1));
    assert_error!(b().holiday(d(2025, 12, 31)).build().unwrap_err(), CalendarError::DateOutOfRange { date, first: 2026, last: 2026, .. } if date == d(2025, 12, 31));
    // An empty range of years, as a portal's form might send it.
    let (first, last) = (2026, 2025);
    let err = WorkCalendar::builder(first..=last).build().unwrap_err();
    assert_error!(err, CalendarError::EmptyYears { first: 2026, last: 2025, .. });
    assert_eq!(err.to_string(), "covered years 2026..=2025 hold no year");
    assert!(matches!(
        WorkCalendar::builder(1500..=2500).build(),
        Err(CalendarError::TooManyYears { max: 500, .. })
    ));
    assert!(matches!(
        WorkCalendar::builder(-5..=3).build(),
        Err(CalendarError::UnsupportedYear { year: -5, .. })
    ));
    // The make-up check follows the calendar's own weekend.
    let friday_weekend = WorkCalendar::builder(2026..=2026)
        .weekend([Weekday::Fri])
        .make_up_day(d(2026, 1, 2))
        .build()
        .unwrap();
    assert!(friday_weekend.is_working_day(d(2026, 1, 2)).unwrap());
    assert!(friday_weekend.is_working_day(d(2026, 1, 3)).unwrap());

    let err = OfficePeriod::new(t(12, 0), t(8, 30)).unwrap_err();
    assert_error!(err, CalendarError::InvertedOfficeHours { start, end, .. } if start == t(12, 0) && end == t(8, 30));
    let err = OfficeHours::new([
        OfficePeriod::new(t(8, 30), t(12, 0)).unwrap(),
        OfficePeriod::new(t(11, 30), t(17, 30)).unwrap(),
    ])
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "office hours periods 08:30:00-12:00:00 and 11:30:00-17:30:00 overlap"
    );
}

fn golden_calendar() -> WorkCalendar {
    WorkCalendar::builder(2026..=2026)
        .holiday_range(d(2026, 10, 1), d(2026, 10, 7))
        .make_up_days([d(2026, 9, 20), d(2026, 10, 10)])
        .office_hours(
            OfficeHours::new([
                OfficePeriod::new(t(8, 30), t(12, 0)).unwrap(),
                OfficePeriod::new(t(14, 30), t(17, 30)).unwrap(),
            ])
            .unwrap(),
        )
        .build()
        .unwrap()
}

// The wire format is pinned: a renamed field fails here.
#[test]
fn golden_json_calendar() {
    let fixture = data("golden/calendar.json");
    let json = serde_json::to_string_pretty(&golden_calendar()).unwrap();
    assert_eq!(json.trim_end(), fixture.trim_end());
    let decoded: WorkCalendar = serde_json::from_str(&fixture).unwrap();
    assert_eq!(decoded, golden_calendar());
    assert_eq!(
        decoded.working_days_in_year(2026).unwrap(),
        golden_calendar().working_days_in_year(2026).unwrap()
    );
}

#[test]
fn golden_json_overlay() {
    let fixture = data("golden/overlay.json");
    let overlay = Overlay::new().holiday(d(2026, 3, 3)).working_day(d(2026, 3, 7));
    assert_eq!(serde_json::to_string_pretty(&overlay).unwrap().trim_end(), fixture.trim_end());
    assert_eq!(serde_json::from_str::<Overlay>(&fixture).unwrap(), overlay);
}

#[test]
fn china_calendar_round_trips_through_json() {
    let cal = WorkCalendar::china();
    let json = serde_json::to_string(&cal).unwrap();
    let back: WorkCalendar = serde_json::from_str(&json).unwrap();
    assert_eq!(back, cal);
    assert_eq!(back.add_working_days(d(2026, 2, 13), 20).unwrap(), d(2026, 3, 19));
}

// Each invalid fixture fails to decode with a message naming the fault.
#[test]
fn invalid_json_is_refused_with_a_clear_message() {
    let cases = [
        (
            "invalid/holiday_and_make_up.json",
            "date 2026-01-04 is listed both as a holiday and as a make-up working day",
        ),
        (
            "invalid/make_up_weekday.json",
            "make-up working day 2026-03-02 is a Mon, not a weekend day",
        ),
        ("invalid/empty_years.json", "covered years 2027..=2026 hold no year"),
        (
            "invalid/overlapping_office_hours.json",
            "office hours periods 08:30:00-12:00:00 and 11:00:00-17:30:00 overlap",
        ),
        (
            "invalid/inverted_office_hours.json",
            "office hours period 17:30:00-14:30:00 does not end after it starts",
        ),
        (
            "invalid/holiday_out_of_range.json",
            "date 2027-01-01 is outside the covered years 2026..=2026",
        ),
        ("invalid/unknown_field.json", "unknown field `holiday`"),
        ("invalid/bad_date.json", "input contains invalid characters"),
        ("invalid/malformed.json", "EOF while parsing"),
        (
            "invalid/overlay_conflict.json",
            "overlay lists 2026-03-03 both as a holiday and as a working day",
        ),
    ];
    for (file, message) in cases {
        let text = data(file);
        let err = if file.starts_with("invalid/overlay") {
            serde_json::from_str::<Overlay>(&text).unwrap_err()
        } else {
            serde_json::from_str::<WorkCalendar>(&text).unwrap_err()
        };
        assert!(err.to_string().contains(message), "{file}: {err}");
    }
}

#[test]
fn calendars_are_send_sync_and_cheap_to_share() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<WorkCalendar>();
    assert_send_sync::<CalendarError>();
    assert_send_sync::<Overlay>();
    assert_send_sync::<OfficeHours>();
    assert_send_sync::<shenpi::Error>();
}
