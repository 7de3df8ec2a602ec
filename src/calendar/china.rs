//! The built-in national calendar: the State Council General Office's yearly
//! holiday arrangements (国务院办公厅关于部分节假日安排的通知), 2004–2026.

use chrono::NaiveDate;

use super::{WorkCalendar, WorkCalendarBuilder};

/// One line a year: `YYYY off RUNS… work DAYS…`, where `off` lists the days
/// off as the notice gives them (`MM-DD` or a run `MM-DD..MM-DD`, weekend
/// days inside a holiday included), and `work` lists the make-up working
/// days (调休) on weekends. A make-up day belongs to the year of its date,
/// even when the next year's notice set it (2011-12-31).
///
/// Cross-checked against PyPI `chinesecalendar` 1.11.0, npm `chinese-days`
/// 1.5.7 and npm `chinese-workday` 1.16.1 (`tests/data/china_crosscheck.csv`);
/// where they disagree, the notice decides (see `tests/data/`).
const ARRANGEMENTS: &str = "\
2004 off 01-01 01-22..01-28 05-01..05-07 10-01..10-07 work 01-17 01-18 05-08 05-09 10-09 10-10\n\
2005 off 01-01..01-03 02-09..02-15 05-01..05-07 10-01..10-07 work 02-05 02-06 04-30 05-08 10-08 10-09\n\
2006 off 01-01..01-03 01-29..02-04 05-01..05-07 10-01..10-07 work 01-28 02-05 04-29 04-30 09-30 10-08 12-30 12-31\n\
2007 off 01-01..01-03 02-18..02-24 05-01..05-07 10-01..10-07 12-30..12-31 work 02-17 02-25 04-28 04-29 09-29 09-30 12-29\n\
2008 off 01-01 02-06..02-12 04-04..04-06 05-01..05-03 06-07..06-09 09-13..09-15 09-29..10-05 work 02-02 02-03 05-04 09-27 09-28\n\
2009 off 01-01..01-03 01-25..01-31 04-04..04-06 05-01..05-03 05-28..05-30 10-01..10-08 work 01-04 01-24 02-01 05-31 09-27 10-10\n\
2010 off 01-01..01-03 02-13..02-19 04-03..04-05 05-01..05-03 06-14..06-16 09-22..09-24 10-01..10-07 work 02-20 02-21 06-12 06-13 09-19 09-25 09-26 10-09\n\
2011 off 01-01..01-03 02-02..02-08 04-03..04-05 04-30..05-02 06-04..06-06 09-10..09-12 10-01..10-07 work 01-30 02-12 04-02 10-08 10-09 12-31\n\
2012 off 01-01..01-03 01-22..01-28 04-02..04-04 04-29..05-01 06-22..06-24 09-30..10-07 work 01-21 01-29 03-31 04-01 04-28 09-29\n\
2013 off 01-01..01-03 02-09..02-15 04-04..04-06 04-29..05-01 06-10..06-12 09-19..09-21 10-01..10-07 work 01-05 01-06 02-16 02-17 04-07 04-27 04-28 06-08 06-09 09-22 09-29 10-12\n\
2014 off 01-01 01-31..02-06 04-05..04-07 05-01..05-03 06-02 09-08 10-01..10-07 work 01-26 02-08 05-04 09-28 10-11\n\
2015 off 01-01..01-03 02-18..02-24 04-04..04-06 05-01..05-03 06-20..06-22 09-03..09-04 09-26..09-27 10-01..10-07 work 01-04 02-15 02-28 09-06 10-10\n\
2016 off 01-01..01-03 02-07..02-13 04-02..04-04 04-30..05-02 06-09..06-11 09-15..09-17 10-01..10-07 work 02-06 02-14 06-12 09-18 10-08 10-09\n\
2017 off 01-01..01-02 01-27..02-02 04-02..04-04 04-29..05-01 05-28..05-30 10-01..10-08 work 01-22 02-04 04-01 05-27 09-30\n\
2018 off 01-01 02-15..02-21 04-05..04-07 04-29..05-01 06-18 09-24 10-01..10-07 12-30..12-31 work 02-11 02-24 04-08 04-28 09-29 09-30 12-29\n\
2019 off 01-01 02-04..02-10 04-05..04-07 05-01..05-04 06-07..06-09 09-13..09-15 10-01..10-07 work 02-02 02-03 04-28 05-05 09-29 10-12\n\
2020 off 01-01 01-24..02-02 04-04..04-06 05-01..05-05 06-25..06-27 10-01..10-08 work 01-19 04-26 05-09 06-28 09-27 10-10\n\
2021 off 01-01..01-03 02-11..02-17 04-03..04-05 05-01..05-05 06-12..06-14 09-19..09-21 10-01..10-07 work 02-07 02-20 04-25 05-08 09-18 09-26 10-09\n\
2022 off 01-01..01-03 01-31..02-06 04-03..04-05 04-30..05-04 06-03..06-05 09-10..09-12 10-01..10-07 12-31 work 01-29 01-30 04-02 04-24 05-07 10-08 10-09\n\
2023 off 01-01..01-02 01-21..01-27 04-05 04-29..05-03 06-22..06-24 09-29..10-06 12-30..12-31 work 01-28 01-29 04-23 05-06 06-25 10-07 10-08\n\
2024 off 01-01 02-10..02-17 04-04..04-06 05-01..05-05 06-10 09-15..09-17 10-01..10-07 work 02-04 02-18 04-07 04-28 05-11 09-14 09-29 10-12\n\
2025 off 01-01 01-28..02-04 04-04..04-06 05-01..05-05 05-31..06-02 10-01..10-08 work 01-26 02-08 04-27 09-28 10-11\n\
2026 off 01-01..01-03 02-15..02-23 04-04..04-06 05-01..05-05 06-19..06-21 09-25..09-27 10-01..10-07 work 01-04 02-14 02-28 05-09 09-20 10-10\n\
";

impl WorkCalendar {
    /// The national working-day calendar of the People's Republic of China,
    /// from 2004 through 2026, exactly as the State Council's yearly notices
    /// arrange it: Saturday and Sunday off, the statutory holidays off, and
    /// the weekend days the notices turn into make-up working days (调休)
    /// worked. Whole-day office hours, China Standard Time (UTC+8).
    ///
    /// The data is built into the crate and was cross-checked against three
    /// published data sets (PyPI `chinesecalendar`, npm `chinese-days` and
    /// npm `chinese-workday`). Where they disagreed, the notice decided:
    /// among others, the 2020 Spring Festival follows the State Council's
    /// extension notice (off through 2 February, no make-up Saturday on
    /// 1 February), and 3–4 September 2015 are off for the 70th anniversary.
    ///
    /// Later years become known when the State Council publishes them (in
    /// November or December of the year before); until the crate ships
    /// them, dates in those years are an error, never a guess. A portal that
    /// needs a newer year before then can build its own calendar with
    /// [`WorkCalendar::builder`].
    ///
    /// Each call builds the tables afresh (a few microseconds); keep the
    /// calendar and clone it, clones are cheap.
    ///
    /// # Panics
    ///
    /// Never: the built-in data is fixed, and the crate's tests check that it
    /// parses and builds.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let cal = WorkCalendar::china();
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert_eq!(cal.add_working_days(d(2025, 9, 26), 10)?, d(2025, 10, 16));
    /// assert_eq!(cal.working_days_in_year(2025)?, 248);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn china() -> WorkCalendar {
        #[allow(clippy::expect_used)]
        parse_arrangements(ARRANGEMENTS)
            .and_then(|builder| builder.build().ok())
            .expect("the built-in arrangement data is valid, as the tests check")
    }
}

/// Reads the arrangement lines into a builder; `None` on malformed data.
fn parse_arrangements(text: &str) -> Option<WorkCalendarBuilder> {
    let years: Vec<Vec<&str>> = text
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|words| !words.is_empty())
        .collect();
    let first: i32 = years.first()?.first()?.parse().ok()?;
    let last: i32 = years.last()?.first()?.parse().ok()?;
    let mut builder = WorkCalendar::builder(first..=last);
    for (expected, words) in (first..).zip(&years) {
        let (year, rest) = words.split_first()?;
        let year: i32 = year.parse().ok()?;
        if year != expected {
            return None;
        }
        let mut section = "";
        for word in rest {
            match *word {
                "off" | "work" => section = word,
                _ => {
                    let (from, to) = match word.split_once("..") {
                        Some((from, to)) => (day(year, from)?, day(year, to)?),
                        None => (day(year, word)?, day(year, word)?),
                    };
                    builder = match section {
                        "off" => builder.holiday_range(from, to),
                        "work" if from == to => builder.make_up_day(from),
                        _ => return None,
                    };
                }
            }
        }
    }
    Some(builder)
}

fn day(year: i32, month_day: &str) -> Option<NaiveDate> {
    let (month, day) = month_day.split_once('-')?;
    NaiveDate::from_ymd_opt(year, month.parse().ok()?, day.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_data_parses_and_builds() {
        let builder = parse_arrangements(ARRANGEMENTS).expect("parses");
        let cal = builder.build().expect("builds");
        assert_eq!(cal.years(), 2004..=2026);
    }

    #[test]
    fn malformed_lines_are_refused() {
        assert!(parse_arrangements("2026 off 13-01").is_none());
        assert!(parse_arrangements("2026 work 01-04..01-05").is_none());
        assert!(parse_arrangements("2026 off 01-01\n2028 off 01-01").is_none());
        assert!(parse_arrangements("").is_none());
    }
}
