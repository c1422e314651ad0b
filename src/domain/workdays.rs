//! Working days (工作日): deadlines of repairs and objections are counted in working days, on a
//! calendar of public holidays and adjusted working weekends kept as data (`calendar/cn.json`,
//! or the file `XINYONG_CALENDAR` names), not in code.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::BTreeSet;

/// A working-day calendar.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
    working_weekends: BTreeSet<NaiveDate>,
}

#[derive(Deserialize)]
struct CalendarFile {
    holidays: Vec<NaiveDate>,
    working_weekends: Vec<NaiveDate>,
}

/// The calendar shipped with the code.
pub const BUILT_IN: &str = include_str!("../../calendar/cn.json");

impl Calendar {
    /// Parses the JSON form: `{"holidays": [dates], "working_weekends": [dates]}`.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let file: CalendarFile =
            serde_json::from_str(text).map_err(|e| format!("calendar: {e}"))?;
        let holidays: BTreeSet<_> = file.holidays.into_iter().collect();
        let working_weekends: BTreeSet<_> = file.working_weekends.into_iter().collect();
        if let Some(both) = holidays.intersection(&working_weekends).next() {
            return Err(format!(
                "calendar: {both} is both a holiday and a working day"
            ));
        }
        Ok(Self {
            holidays,
            working_weekends,
        })
    }

    /// The built-in calendar.
    pub fn built_in() -> Self {
        Self::from_json(BUILT_IN).unwrap_or_default()
    }

    /// Whether `day` is a working day.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.working_weekends.contains(&day) {
            return true;
        }
        if self.holidays.contains(&day) {
            return false;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`-th working day after `from` (`from` itself does not count).
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            match day.succ_opt() {
                Some(next) => day = next,
                None => return day,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
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
    fn a_day_cannot_be_both_holiday_and_working_day() {
        let bad = r#"{"holidays": ["2026-10-10"], "working_weekends": ["2026-10-10"]}"#;
        assert_eq!(
            Calendar::from_json(bad),
            Err("calendar: 2026-10-10 is both a holiday and a working day".into())
        );
    }
}
