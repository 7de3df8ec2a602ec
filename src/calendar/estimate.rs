//! Provisional years: the statutory holidays of 全国年节及纪念日放假办法,
//! placed by the Chinese lunisolar calendar and the Qingming solar term.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Arrangement, CalendarError, DayRun};

/// The first year the estimate places holidays for.
pub const ESTIMATE_MIN_YEAR: i32 = 2000;
/// The last year the estimate places holidays for.
pub const ESTIMATE_MAX_YEAR: i32 = 2100;

/// A festival of 全国年节及纪念日放假办法 (the national measures on
/// festival and memorial-day holidays), whose days are statutory holidays.
///
/// # Example
///
/// ```
/// use shenpi::calendar::Festival;
///
/// assert_eq!(Festival::SpringFestival.to_string(), "春节");
/// assert_eq!(serde_json::to_string(&Festival::MidAutumn)?, r#""mid_autumn""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Festival {
    /// New Year's Day (元旦), 1 January.
    NewYear,
    /// The Spring Festival (春节): from the lunar New Year's Eve (除夕,
    /// statutory 2008–2013 and from 2025) through the lunar 1st, 2nd and
    /// (from 2025) 3rd of the first month.
    SpringFestival,
    /// Qingming (清明节), the day of the Qingming solar term (from 2008).
    Qingming,
    /// Labour Day (劳动节), from 1 May.
    LabourDay,
    /// The Dragon Boat Festival (端午节), lunar 5/5 (from 2008).
    DragonBoat,
    /// The Mid-Autumn Festival (中秋节), lunar 8/15 (from 2008).
    MidAutumn,
    /// National Day (国庆节), from 1 October.
    NationalDay,
}

impl fmt::Display for Festival {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Festival::NewYear => "元旦",
            Festival::SpringFestival => "春节",
            Festival::Qingming => "清明节",
            Festival::LabourDay => "劳动节",
            Festival::DragonBoat => "端午节",
            Festival::MidAutumn => "中秋节",
            Festival::NationalDay => "国庆节",
        })
    }
}

/// One statutory holiday day (法定节假日) of a year.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::{statutory_holidays, Festival};
///
/// let days = statutory_holidays(2027)?;
/// let first = days[0];
/// assert_eq!((first.date, first.festival), (NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(), Festival::NewYear));
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct StatutoryHoliday {
    /// The day.
    pub date: NaiveDate,
    /// Its festival.
    pub festival: Festival,
}

/// The statutory holiday days (法定节假日) of `year` under the
/// 全国年节及纪念日放假办法 in force that year, in date order:
///
/// | from | days | New Year | Spring Festival | Qingming | Labour Day | Dragon Boat | Mid-Autumn | National Day |
/// |---|---|---|---|---|---|---|---|---|
/// | 2000 (1999 revision) | 10 | 1 | lunar 1/1–1/3 | – | 1–3 May | – | – | 1–3 Oct |
/// | 2008 (2007 revision) | 11 | 1 | eve, 1/1, 1/2 | 1 | 1 May | 1 | 1 | 1–3 Oct |
/// | 2014 (2013 revision) | 11 | 1 | 1/1–1/3 | 1 | 1 May | 1 | 1 | 1–3 Oct |
/// | 2025 (2024 revision) | 13 | 1 | eve, 1/1–1/3 | 1 | 1–2 May | 1 | 1 | 1–3 Oct |
///
/// Lunar dates come from the Chinese lunisolar calendar and Qingming from its
/// solar term, both as the `tyme4rs` crate computes them (the 寿星 algorithm
/// that Chinese calendar software uses), checked against every built-in year.
/// These are the days the law fixes, not a year's arrangement: the notice
/// moves rest days and sets make-up working days around them, which no rule
/// computes. A holiday may fall on a weekend day or on another holiday (the
/// Mid-Autumn Festival on National Day in 2020); it is listed once per
/// festival all the same.
///
/// # Errors
///
/// [`CalendarError::EstimateOutOfRange`] outside
/// [`ESTIMATE_MIN_YEAR`]`..=`[`ESTIMATE_MAX_YEAR`].
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use shenpi::calendar::{statutory_holidays, Festival};
///
/// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
/// let days = statutory_holidays(2026)?;
/// assert_eq!(days.len(), 13);
/// let spring: Vec<_> = days.iter().filter(|h| h.festival == Festival::SpringFestival).map(|h| h.date).collect();
/// // New Year's Eve and the first three days of the first lunar month.
/// assert_eq!(spring, [d(2, 16), d(2, 17), d(2, 18), d(2, 19)]);
/// # Ok::<(), shenpi::calendar::CalendarError>(())
/// ```
pub fn statutory_holidays(year: i32) -> Result<Vec<StatutoryHoliday>, CalendarError> {
    if !(ESTIMATE_MIN_YEAR..=ESTIMATE_MAX_YEAR).contains(&year) {
        return Err(CalendarError::EstimateOutOfRange {
            year,
            min: ESTIMATE_MIN_YEAR,
            max: ESTIMATE_MAX_YEAR,
        });
    }
    let out_of_range = || CalendarError::EstimateOutOfRange {
        year,
        min: ESTIMATE_MIN_YEAR,
        max: ESTIMATE_MAX_YEAR,
    };
    let solar = |m, d| NaiveDate::from_ymd_opt(year, m, d).ok_or_else(out_of_range);
    let lunar = |m, d| lunar_day(year, m, d).ok_or_else(out_of_range);
    let mut days = Vec::with_capacity(13);
    let mut push = |date, festival| days.push(StatutoryHoliday { date, festival });

    push(solar(1, 1)?, Festival::NewYear);
    let new_year = lunar(1, 1)?;
    let eve = new_year.checked_sub_days(Days::new(1)).ok_or_else(out_of_range)?;
    let (with_eve, spring_days) = match year {
        ..=2007 => (false, 3),
        2008..=2013 => (true, 2),
        2014..=2024 => (false, 3),
        _ => (true, 3),
    };
    if with_eve {
        push(eve, Festival::SpringFestival);
    }
    for k in 0..spring_days {
        let day = new_year.checked_add_days(Days::new(k)).ok_or_else(out_of_range)?;
        push(day, Festival::SpringFestival);
    }
    let reformed = year >= 2008;
    if reformed {
        push(qingming(year).ok_or_else(out_of_range)?, Festival::Qingming);
    }
    let labour_days = match year {
        ..=2007 => 3,
        2008..=2024 => 1,
        _ => 2,
    };
    for day in 1..=labour_days {
        push(solar(5, day)?, Festival::LabourDay);
    }
    if reformed {
        push(lunar(5, 5)?, Festival::DragonBoat);
        push(lunar(8, 15)?, Festival::MidAutumn);
    }
    for day in 1..=3 {
        push(solar(10, day)?, Festival::NationalDay);
    }
    days.sort();
    Ok(days)
}

/// The provisional arrangement of `year`: its statutory holidays off, no
/// make-up working days and no moved rest days, since only a notice can set
/// those.
pub(crate) fn estimate(year: i32) -> Result<Arrangement, CalendarError> {
    let days = statutory_holidays(year)?;
    Arrangement::new(year, days.iter().map(|h| DayRun::day(h.date)), [])?.with_source(
        "provisional estimate: the statutory holidays of 全国年节及纪念日放假办法 only",
    )
}

/// The Gregorian date of day `day` of the (non-leap) lunar month `month` of
/// the lunar year that begins in Gregorian `year`.
fn lunar_day(year: i32, month: isize, day: usize) -> Option<NaiveDate> {
    let solar =
        tyme4rs::tyme::lunar::LunarDay::new(year as isize, month, day).ok()?.get_solar_day();
    to_date(solar.get_year(), solar.get_month(), solar.get_day())
}

/// The day of the Qingming solar term (sun at 15° ecliptic longitude) in
/// China Standard Time.
fn qingming(year: i32) -> Option<NaiveDate> {
    let term = tyme4rs::tyme::solar::SolarTerm::new(year as isize, "清明").ok()?;
    let solar = term.get_solar_day();
    let date = to_date(solar.get_year(), solar.get_month(), solar.get_day())?;
    // The term named in `year`'s cycle must fall in April of `year`.
    (date.year() == year && date.month() == 4).then_some(date)
}

fn to_date(year: isize, month: usize, day: usize) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        i32::try_from(year).ok()?,
        u32::try_from(month).ok()?,
        u32::try_from(day).ok()?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_estimated_year_places_its_holidays() {
        for year in ESTIMATE_MIN_YEAR..=ESTIMATE_MAX_YEAR {
            let days = statutory_holidays(year).unwrap();
            let expected = match year {
                ..=2007 => 10,
                2008..=2024 => 11,
                _ => 13,
            };
            assert_eq!(days.len(), expected, "{year}");
            assert!(days.iter().all(|h| h.date.year() == year), "{year}");
            let new_year =
                days.iter().find(|h| h.festival == Festival::SpringFestival).unwrap().date;
            assert!((d(year, 1, 20)..=d(year, 2, 21)).contains(&new_year), "{year}: {new_year}");
            if year >= 2008 {
                let q = days.iter().find(|h| h.festival == Festival::Qingming).unwrap().date;
                assert!((d(year, 4, 4)..=d(year, 4, 6)).contains(&q), "{year}: {q}");
            }
        }
    }

    #[test]
    fn known_dates() {
        // Lunar New Year 2027 is 6 February; Qingming 5 April; Dragon Boat
        // 9 June; Mid-Autumn 15 September.
        let days = statutory_holidays(2027).unwrap();
        let of = |f| days.iter().filter(|h| h.festival == f).map(|h| h.date).collect::<Vec<_>>();
        assert_eq!(
            of(Festival::SpringFestival),
            [d(2027, 2, 5), d(2027, 2, 6), d(2027, 2, 7), d(2027, 2, 8)]
        );
        assert_eq!(of(Festival::Qingming), [d(2027, 4, 5)]);
        assert_eq!(of(Festival::DragonBoat), [d(2027, 6, 9)]);
        assert_eq!(of(Festival::MidAutumn), [d(2027, 9, 15)]);
        assert_eq!(of(Festival::LabourDay), [d(2027, 5, 1), d(2027, 5, 2)]);
        // Qingming on 4 April (2024) and 5 April (2025).
        assert!(statutory_holidays(2024)
            .unwrap()
            .contains(&StatutoryHoliday { date: d(2024, 4, 4), festival: Festival::Qingming }));
    }

    #[test]
    fn outside_the_range_is_an_error() {
        for year in [1999, 2101, i32::MIN, i32::MAX] {
            assert!(matches!(
                statutory_holidays(year),
                Err(CalendarError::EstimateOutOfRange { .. })
            ));
        }
    }
}
