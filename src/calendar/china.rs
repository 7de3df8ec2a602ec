//! The built-in national calendar: the State Council General Office's yearly
//! holiday arrangements (国务院办公厅关于部分节假日安排的通知), 2004–2026.

use chrono::NaiveDate;

use super::{Arrangement, ArrangementNotice, DayRun, WorkCalendar};

/// One line a year: `YYYY off RUNS… work DAYS…`, where `off` lists the days
/// off as the year's notice gives them (`MM-DD` or a run `MM-DD..MM-DD`,
/// weekend days inside a holiday included), and `work` lists the make-up
/// working days (调休) on weekends. A day at the end of the year before that
/// the notice sets is written in full (`2005-12-31`, or a run
/// `2018-12-30..01-01`): it belongs to the arrangement of the notice that
/// set it, as the 2006 notice set Saturday 31 December 2005 to work.
///
/// Cross-checked against PyPI `chinesecalendar` 1.11.0, PyPI `holidays`
/// 0.109, npm `chinese-days` 1.5.7 and npm `chinese-workday` 1.16.1
/// (`tests/data/china_crosscheck.csv`); where they disagree, the notice
/// decides, and `tests/data/generate_china_crosscheck.py` quotes the
/// sentence that does.
const ARRANGEMENTS: &str = "\
2004 off 01-01 01-22..01-28 05-01..05-07 10-01..10-07 work 01-17 01-18 05-08 05-09 10-09 10-10\n\
2005 off 01-01..01-03 02-09..02-15 05-01..05-07 10-01..10-07 work 02-05 02-06 04-30 05-08 10-08 10-09\n\
2006 off 01-01..01-03 01-29..02-04 05-01..05-07 10-01..10-07 work 2005-12-31 01-28 02-05 04-29 04-30 09-30 10-08\n\
2007 off 01-01..01-03 02-18..02-24 05-01..05-07 10-01..10-07 work 2006-12-30 2006-12-31 02-17 02-25 04-28 04-29 09-29 09-30\n\
2008 off 2007-12-30..01-01 02-06..02-12 04-04..04-06 05-01..05-03 06-07..06-09 09-13..09-15 09-29..10-05 work 2007-12-29 02-02 02-03 05-04 09-27 09-28\n\
2009 off 01-01..01-03 01-25..01-31 04-04..04-06 05-01..05-03 05-28..05-30 10-01..10-08 work 01-04 01-24 02-01 05-31 09-27 10-10\n\
2010 off 01-01..01-03 02-13..02-19 04-03..04-05 05-01..05-03 06-14..06-16 09-22..09-24 10-01..10-07 work 02-20 02-21 06-12 06-13 09-19 09-25 09-26 10-09\n\
2011 off 01-01..01-03 02-02..02-08 04-03..04-05 04-30..05-02 06-04..06-06 09-10..09-12 10-01..10-07 work 01-30 02-12 04-02 10-08 10-09\n\
2012 off 01-01..01-03 01-22..01-28 04-02..04-04 04-29..05-01 06-22..06-24 09-30..10-07 work 2011-12-31 01-21 01-29 03-31 04-01 04-28 09-29\n\
2013 off 01-01..01-03 02-09..02-15 04-04..04-06 04-29..05-01 06-10..06-12 09-19..09-21 10-01..10-07 work 01-05 01-06 02-16 02-17 04-07 04-27 04-28 06-08 06-09 09-22 09-29 10-12\n\
2014 off 01-01 01-31..02-06 04-05..04-07 05-01..05-03 06-02 09-08 10-01..10-07 work 01-26 02-08 05-04 09-28 10-11\n\
2015 off 01-01..01-03 02-18..02-24 04-04..04-06 05-01..05-03 06-20..06-22 09-03..09-04 09-26..09-27 10-01..10-07 work 01-04 02-15 02-28 09-06 10-10\n\
2016 off 01-01..01-03 02-07..02-13 04-02..04-04 04-30..05-02 06-09..06-11 09-15..09-17 10-01..10-07 work 02-06 02-14 06-12 09-18 10-08 10-09\n\
2017 off 01-01..01-02 01-27..02-02 04-02..04-04 04-29..05-01 05-28..05-30 10-01..10-08 work 01-22 02-04 04-01 05-27 09-30\n\
2018 off 01-01 02-15..02-21 04-05..04-07 04-29..05-01 06-18 09-24 10-01..10-07 work 02-11 02-24 04-08 04-28 09-29 09-30\n\
2019 off 2018-12-30..01-01 02-04..02-10 04-05..04-07 05-01..05-04 06-07..06-09 09-13..09-15 10-01..10-07 work 2018-12-29 02-02 02-03 04-28 05-05 09-29 10-12\n\
2020 off 01-01 01-24..02-02 04-04..04-06 05-01..05-05 06-25..06-27 10-01..10-08 work 01-19 04-26 05-09 06-28 09-27 10-10\n\
2021 off 01-01..01-03 02-11..02-17 04-03..04-05 05-01..05-05 06-12..06-14 09-19..09-21 10-01..10-07 work 02-07 02-20 04-25 05-08 09-18 09-26 10-09\n\
2022 off 01-01..01-03 01-31..02-06 04-03..04-05 04-30..05-04 06-03..06-05 09-10..09-12 10-01..10-07 work 01-29 01-30 04-02 04-24 05-07 10-08 10-09\n\
2023 off 2022-12-31..01-02 01-21..01-27 04-05 04-29..05-03 06-22..06-24 09-29..10-06 work 01-28 01-29 04-23 05-06 06-25 10-07 10-08\n\
2024 off 2023-12-30..01-01 02-10..02-17 04-04..04-06 05-01..05-05 06-10 09-15..09-17 10-01..10-07 work 02-04 02-18 04-07 04-28 05-11 09-14 09-29 10-12\n\
2025 off 01-01 01-28..02-04 04-04..04-06 05-01..05-05 05-31..06-02 10-01..10-08 work 01-26 02-08 04-27 09-28 10-11\n\
2026 off 01-01..01-03 02-15..02-23 04-04..04-06 05-01..05-05 06-19..06-21 09-25..09-27 10-01..10-07 work 01-04 02-14 02-28 05-09 09-20 10-10\n\
";

/// The notices behind the built-in years: the year, the document number and
/// the date issued (成文日期), where a copy of the notice could be read
/// (Wikisource, gov.cn, and reposts of their text). The 2004, 2005 and 2008
/// notices' numbers were not confirmed, so they are not given.
/// A built-in notice: the year it arranges, its number, and when it was issued.
type BuiltInNotice = (i32, &'static str, Option<(i32, u32, u32)>);

const NOTICES: &[BuiltInNotice] = &[
    (2006, "国办发明电〔2005〕35号", Some((2005, 12, 16))),
    (2007, "国办发明电〔2006〕49号", Some((2006, 12, 14))),
    (2009, "国办发明电〔2008〕42号", None),
    (2010, "国办发明电〔2009〕27号", Some((2009, 12, 7))),
    (2011, "国办发明电〔2010〕40号", Some((2010, 12, 9))),
    (2012, "国办发明电〔2011〕45号", Some((2011, 12, 5))),
    (2013, "国办发明电〔2012〕33号", Some((2012, 12, 8))),
    (2014, "国办发明电〔2013〕28号", Some((2013, 12, 11))),
    (2015, "国办发明电〔2014〕28号", Some((2014, 12, 16))),
    // The State Council's own notice for the 70th anniversary of the victory
    // (3–5 September off, Sunday 6 September worked).
    (2015, "国发明电〔2015〕1号", Some((2015, 5, 13))),
    (2016, "国办发明电〔2015〕18号", Some((2015, 12, 10))),
    (2017, "国办发明电〔2016〕17号", Some((2016, 12, 1))),
    (2018, "国办发明电〔2017〕12号", Some((2017, 11, 30))),
    (2019, "国办发明电〔2018〕15号", Some((2018, 12, 4))),
    (2020, "国办发明电〔2019〕16号", Some((2019, 11, 21))),
    // The extension of the 2020 Spring Festival holiday to 2 February.
    (2020, "国办发明电〔2020〕1号", Some((2020, 1, 26))),
    (2021, "国办发明电〔2020〕27号", Some((2020, 11, 25))),
    (2022, "国办发明电〔2021〕11号", Some((2021, 10, 25))),
    (2023, "国办发明电〔2022〕16号", Some((2022, 12, 8))),
    (2024, "国办发明电〔2023〕7号", Some((2023, 10, 25))),
    (2025, "国办发明电〔2024〕12号", Some((2024, 11, 12))),
    (2026, "国办发明电〔2025〕7号", Some((2025, 11, 4))),
];

/// The source note of every built-in year.
const SOURCE: &str = "State Council General Office holiday arrangement notice (国务院办公厅关于部分节假日安排的通知), \
     as built into shenpi; cross-checked in tests/data/china_crosscheck.csv";

impl WorkCalendar {
    /// The national working-day calendar of the People's Republic of China,
    /// from 2004 through 2026, exactly as the State Council's yearly notices
    /// arrange it: Saturday and Sunday off, the statutory holidays off, and
    /// the weekend days the notices turn into make-up working days (调休)
    /// worked. Whole-day office hours, China Standard Time (UTC+8).
    ///
    /// The data is built into the crate as one [`Arrangement`] a year
    /// ([`WorkCalendar::china_arrangements`]), each with the notice that set
    /// it where its number could be confirmed. It was cross-checked against
    /// four published data sets (PyPI `chinesecalendar` and `holidays`, npm
    /// `chinese-days` and `chinese-workday`), and wherever they disagree the
    /// notice's text decides, never the majority: every data set has wrong
    /// days somewhere, and two of them shared the slip on 31 December 2005
    /// (a working Saturday by the 2006 notice, 国办发明电〔2005〕35号, which
    /// this data once had off too). Among others, the 2020 Spring Festival
    /// follows the State Council's extension notice (off through 2 February,
    /// no make-up Saturday on 1 February), and 3–4 September 2015 are off
    /// for the 70th anniversary. `tests/data/generate_china_crosscheck.py`
    /// quotes the deciding sentence for every disputed date.
    ///
    /// Later years become known when the State Council publishes them (in
    /// November or December of the year before). Until then dates in those
    /// years are an error, never a guess. A portal adds a newly published
    /// year as data with [`WorkCalendar::with_arrangement`], or opts into
    /// provisional estimates with [`WorkCalendar::with_horizon`].
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
    /// // Saturday 31 December 2005 was worked (国办发明电〔2005〕35号).
    /// assert!(cal.is_working_day(d(2005, 12, 31))?);
    /// # Ok::<(), shenpi::calendar::CalendarError>(())
    /// ```
    pub fn china() -> WorkCalendar {
        #[allow(clippy::expect_used)]
        WorkCalendar::from_arrangements(WorkCalendar::china_arrangements())
            .expect("the built-in arrangement data is valid, as the tests check")
    }

    /// The built-in national arrangements, one a year from 2004 through
    /// 2026, in the form a portal loads a newly published year in.
    ///
    /// # Panics
    ///
    /// Never: the built-in data is fixed, and the crate's tests check that it
    /// parses.
    ///
    /// # Example
    ///
    /// ```
    /// use shenpi::calendar::WorkCalendar;
    ///
    /// let years = WorkCalendar::china_arrangements();
    /// assert_eq!(years.len(), 23);
    /// let y2026 = years.last().expect("built in");
    /// assert_eq!(y2026.year(), 2026);
    /// assert_eq!(y2026.notices()[0].number(), "国办发明电〔2025〕7号");
    /// ```
    pub fn china_arrangements() -> Vec<Arrangement> {
        #[allow(clippy::expect_used)]
        parse_arrangements(ARRANGEMENTS)
            .expect("the built-in arrangement data is valid, as the tests check")
    }
}

/// Reads the arrangement lines with their notices; `None` on malformed
/// data.
fn parse_arrangements(text: &str) -> Option<Vec<Arrangement>> {
    let mut out: Vec<Arrangement> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut words = line.split_whitespace();
        let year: i32 = words.next()?.parse().ok()?;
        if let Some(previous) = out.last() {
            if previous.year() + 1 != year {
                return None;
            }
        }
        let (mut off, mut work) = (Vec::new(), Vec::new());
        let mut section = "";
        for word in words {
            match word {
                "off" | "work" => section = word,
                _ => {
                    let (from, to) = match word.split_once("..") {
                        Some((from, to)) => (day(year, from)?, day(year, to)?),
                        None => (day(year, word)?, day(year, word)?),
                    };
                    match section {
                        "off" => off.push(DayRun::new(from, to).ok()?),
                        "work" if from == to => work.push(from),
                        _ => return None,
                    }
                }
            }
        }
        let mut arrangement = Arrangement::new(year, off, work).ok()?.with_source(SOURCE).ok()?;
        for (_, number, issued) in NOTICES.iter().filter(|(y, _, _)| *y == year) {
            let mut notice = ArrangementNotice::new(*number).ok()?;
            if let Some((y, m, d)) = issued {
                notice = notice.issued_on(NaiveDate::from_ymd_opt(*y, *m, *d)?);
            }
            arrangement = arrangement.with_notice(notice).ok()?;
        }
        out.push(arrangement);
    }
    (!out.is_empty()).then_some(out)
}

/// `MM-DD` in `year`, or a full `YYYY-MM-DD` (a day of the year before that
/// the notice sets).
fn day(year: i32, text: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = text.split('-').collect();
    let (year, month, day) = match parts[..] {
        [month, day] => (year, month, day),
        [y, month, day] => (y.parse().ok()?, month, day),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, month.parse().ok()?, day.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_data_parses_and_builds() {
        let years = parse_arrangements(ARRANGEMENTS).expect("parses");
        assert_eq!(years.first().map(Arrangement::year), Some(2004));
        let cal = WorkCalendar::from_arrangements(years).expect("builds");
        assert_eq!(cal.years(), 2004..=2026);
        assert_eq!(cal.published_through(), 2026);
    }

    #[test]
    fn every_notice_names_a_built_in_year() {
        for (year, number, _) in NOTICES {
            assert!((2004..=2026).contains(year), "{number}");
        }
        let cal = WorkCalendar::china();
        let counted: usize = cal.arrangements().map(|a| a.notices().len()).sum();
        assert_eq!(counted, NOTICES.len());
    }

    #[test]
    fn malformed_lines_are_refused() {
        assert!(parse_arrangements("2026 off 13-01").is_none());
        assert!(parse_arrangements("2026 work 01-04..01-05").is_none());
        assert!(parse_arrangements("2026 off 01-01\n2028 off 01-01").is_none());
        assert!(parse_arrangements("2026 off 2025-11-30").is_none());
        assert!(parse_arrangements("2026 off 1-2-3-4").is_none());
        assert!(parse_arrangements("").is_none());
    }
}
