//! Working days (工作日): deadlines of repairs and objections are counted in working days, on a
//! calendar of public holidays and adjusted working weekends kept as data (`calendar/cn.json`,
//! the file `XINYONG_CALENDAR` names, and years the office uploads), not in code.
//!
//! The calendar covers the years it lists holidays for. A deadline that runs past what it
//! covers is counted with weekends only and marked provisional ([`Deadline::provisional`]): the
//! holidays of that year are not known yet. Loading the year makes it exact.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The holidays and adjusted working weekends of one year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearDays {
    /// Public holidays (including the weekend days inside a holiday period).
    pub holidays: BTreeSet<NaiveDate>,
    /// Saturdays and Sundays that are worked (调休).
    pub working_weekends: BTreeSet<NaiveDate>,
}

/// A working-day calendar: the days of each year it covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, YearDays>,
}

/// The JSON form of `calendar/cn.json`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    #[serde(rename = "_note", default)]
    _note: Option<String>,
    holidays: Vec<NaiveDate>,
    working_weekends: Vec<NaiveDate>,
}

/// A due date counted in working days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// The last day allowed.
    pub due: NaiveDate,
    /// Some day counted lies in a year the calendar does not cover: its holidays were not
    /// known, so the date may move when that year is loaded.
    pub provisional: bool,
}

/// The calendar shipped with the code.
pub const BUILT_IN: &str = include_str!("../../calendar/cn.json");

impl Calendar {
    /// Parses and checks the JSON form: `{"holidays": [dates], "working_weekends": [dates]}`
    /// (and an optional `_note`). A year is covered when it has holidays; every covered year must
    /// list 1 January (元旦), no day may be both a holiday and a working day, and every adjusted
    /// working day must be a Saturday or Sunday of a covered year.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let file: CalendarFile =
            serde_json::from_str(text).map_err(|e| format!("calendar: {e}"))?;
        Self::from_days(file.holidays, file.working_weekends)
    }

    /// The calendar of these holidays and adjusted working weekends, checked as
    /// [`Calendar::from_json`] says.
    pub fn from_days(
        holidays: Vec<NaiveDate>,
        working_weekends: Vec<NaiveDate>,
    ) -> Result<Self, String> {
        if holidays.is_empty() {
            return Err("calendar: no holidays: a year is covered by listing its holidays".into());
        }
        let mut years: BTreeMap<i32, YearDays> = BTreeMap::new();
        for day in holidays {
            years.entry(day.year()).or_default().holidays.insert(day);
        }
        for day in working_weekends {
            let Some(year) = years.get_mut(&day.year()) else {
                return Err(format!(
                    "calendar: {day} is an adjusted working day of {}, which lists no holidays",
                    day.year()
                ));
            };
            year.working_weekends.insert(day);
        }
        let calendar = Self { years };
        calendar.check()?;
        Ok(calendar)
    }

    /// Builds a calendar from stored years, checking each.
    pub fn from_years(years: impl IntoIterator<Item = (i32, YearDays)>) -> Result<Self, String> {
        let calendar = Self {
            years: years.into_iter().collect(),
        };
        calendar.check()?;
        Ok(calendar)
    }

    fn check(&self) -> Result<(), String> {
        for (&year, days) in &self.years {
            if let Some(both) = days.holidays.intersection(&days.working_weekends).next() {
                return Err(format!(
                    "calendar: {both} is both a holiday and a working day"
                ));
            }
            if let Some(stray) = days
                .holidays
                .iter()
                .chain(&days.working_weekends)
                .find(|d| d.year() != year)
            {
                return Err(format!("calendar: {stray} is not in {year}"));
            }
            if let Some(weekday) = days
                .working_weekends
                .iter()
                .find(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            {
                return Err(format!(
                    "calendar: {weekday} is listed as an adjusted working weekend but is a {}",
                    weekday_name(weekday.weekday())
                ));
            }
            let new_year = NaiveDate::from_ymd_opt(year, 1, 1);
            if days.holidays.is_empty() || !new_year.is_some_and(|d| days.holidays.contains(&d)) {
                return Err(format!(
                    "calendar: {year} does not list 1 January (元旦) among its holidays"
                ));
            }
        }
        Ok(())
    }

    /// The built-in calendar.
    pub fn built_in() -> Self {
        Self::from_json(BUILT_IN).unwrap_or_default()
    }

    /// The years covered, in order, with their days.
    pub fn years(&self) -> &BTreeMap<i32, YearDays> {
        &self.years
    }

    /// This calendar with the years of `newer` in place of its own (other years kept).
    pub fn with_years_of(&self, newer: &Calendar) -> Calendar {
        let mut years = self.years.clone();
        years.extend(newer.years.iter().map(|(y, d)| (*y, d.clone())));
        Calendar { years }
    }

    /// Whether the holidays of `day`'s year are known.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.years.contains_key(&day.year())
    }

    /// The last day of the run of covered years that holds `today`, or `None` when `today`'s
    /// year is not covered.
    pub fn covered_until(&self, today: NaiveDate) -> Option<NaiveDate> {
        let mut year = today.year();
        if !self.years.contains_key(&year) {
            return None;
        }
        while self.years.contains_key(&(year + 1)) {
            year += 1;
        }
        NaiveDate::from_ymd_opt(year, 12, 31)
    }

    /// Whether `day` is a working day (a day of a year not covered: Monday to Friday).
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if let Some(year) = self.years.get(&day.year()) {
            if year.working_weekends.contains(&day) {
                return true;
            }
            if year.holidays.contains(&day) {
                return false;
            }
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`-th working day after `from` (`from` itself does not count).
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        self.deadline(from, n).due
    }

    /// The `n`-th working day after `from`, and whether every day counted is covered.
    pub fn deadline(&self, from: NaiveDate, n: u32) -> Deadline {
        let mut day = from;
        let mut left = n;
        let mut provisional = false;
        while left > 0 {
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
            provisional |= !self.covers(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Deadline {
            due: day,
            provisional,
        }
    }
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn weekends_holidays_and_adjusted_working_days_are_told_apart() {
        let c = Calendar::built_in();
        assert!(c.is_working_day(d(2026, 6, 15))); // Monday
        assert!(!c.is_working_day(d(2026, 6, 13))); // Saturday
        assert!(!c.is_working_day(d(2026, 10, 1))); // National Day
        assert!(c.is_working_day(d(2026, 10, 10))); // adjusted working Saturday
    }

    #[test]
    fn deadlines_skip_weekends_and_holidays() {
        let c = Calendar::built_in();
        // Friday + 1 working day = Monday.
        assert_eq!(c.add_working_days(d(2026, 6, 12), 1), d(2026, 6, 15));
        // Thursday 2026-06-18 + 1: Friday 19th to Sunday 21st are the Dragon Boat holiday.
        assert_eq!(c.add_working_days(d(2026, 6, 18), 1), d(2026, 6, 22));
        // 2026-09-30 + 3: the National Day week is skipped, Saturday the 10th is worked.
        assert_eq!(c.add_working_days(d(2026, 9, 30), 3), d(2026, 10, 10));
        assert_eq!(c.add_working_days(d(2026, 6, 15), 0), d(2026, 6, 15));
    }

    #[test]
    fn a_deadline_past_the_covered_years_is_provisional() {
        let c = Calendar::built_in();
        assert_eq!(c.covered_until(d(2026, 12, 24)), Some(d(2026, 12, 31)));
        assert_eq!(c.covered_until(d(2027, 1, 4)), None);
        assert_eq!(
            c.deadline(d(2026, 12, 24), 1),
            Deadline {
                due: d(2026, 12, 25),
                provisional: false
            }
        );
        // 1 January 2027 is a Friday: without 2027's holidays it is counted as worked.
        assert_eq!(
            c.deadline(d(2026, 12, 31), 1),
            Deadline {
                due: d(2027, 1, 1),
                provisional: true
            }
        );
        let example_2027 = Calendar::from_json(
            r#"{"_note": "an example", "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "working_weekends": []}"#,
        )
        .expect("valid");
        let c = c.with_years_of(&example_2027);
        assert_eq!(c.covered_until(d(2026, 12, 24)), Some(d(2027, 12, 31)));
        assert_eq!(
            c.deadline(d(2026, 12, 31), 1),
            Deadline {
                due: d(2027, 1, 4),
                provisional: false
            }
        );
        assert_eq!(
            c.years().keys().copied().collect::<Vec<_>>(),
            [2025, 2026, 2027]
        );
    }

    #[test]
    fn a_calendar_that_does_not_make_sense_is_refused() {
        let bad =
            r#"{"holidays": ["2026-01-01", "2026-10-10"], "working_weekends": ["2026-10-10"]}"#;
        assert_eq!(
            Calendar::from_json(bad),
            Err("calendar: 2026-10-10 is both a holiday and a working day".into())
        );
        let cases = [
            (
                r#"{"holidays": ["2027-05-03"], "working_weekends": []}"#,
                "calendar: 2027 does not list 1 January (元旦) among its holidays",
            ),
            (
                r#"{"holidays": ["2027-01-01"], "working_weekends": ["2027-09-28"]}"#,
                "calendar: 2027-09-28 is listed as an adjusted working weekend but is a Tuesday",
            ),
            (
                r#"{"holidays": ["2027-01-01"], "working_weekends": ["2028-01-02"]}"#,
                "calendar: 2028-01-02 is an adjusted working day of 2028, which lists no holidays",
            ),
            (
                r#"{"holiday": ["2027-01-01"], "working_weekends": []}"#,
                "calendar: unknown field `holiday`, expected one of `_note`, `holidays`, `working_weekends` at line 1 column 10",
            ),
        ];
        for (text, error) in cases {
            assert_eq!(Calendar::from_json(text), Err(error.into()), "{text}");
        }
    }
}
