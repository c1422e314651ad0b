//! Publicity periods of penalty and black-list entries (公示期限).
//!
//! The periods have changed over time and an entry keeps the rule in force on its decision date,
//! so the rules are data: one table, [`RULES`], with one row per regime, read by [`rule_on`] and
//! [`publicity_window`]. A new regulation is a new row, not a new `if`.
//!
//! Periods are whole calendar months counted from the decision date with chrono's
//! `checked_add_months`, which clamps to the end of a shorter month (2024-01-31 + 1 month is
//! 2024-02-29).

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::kinds::Severity;

/// The minimum and maximum publicity period of one severity class, in months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct MonthRange {
    /// Months after which the subject may apply for credit repair (early end).
    pub min: u32,
    /// Months after which publication ends without any application.
    pub max: u32,
}

/// The periods in force from one date to another; `None` for a severity class that may not be
/// published under this rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PeriodRule {
    /// First decision date the rule applies to.
    pub in_force_from: NaiveDate,
    /// Last decision date the rule applies to (inclusive), `None` for the rule in force now.
    pub in_force_until: Option<NaiveDate>,
    /// Minor (轻微) entries.
    pub minor: Option<MonthRange>,
    /// General (一般) entries.
    pub general: Option<MonthRange>,
    /// Serious (严重) entries.
    pub serious: Option<MonthRange>,
}

impl PeriodRule {
    /// The period of `severity` under this rule, `None` if it may not be published.
    pub fn months(&self, severity: Severity) -> Option<MonthRange> {
        match severity {
            Severity::Minor => self.minor,
            Severity::General => self.general,
            Severity::Serious => self.serious,
        }
    }

    /// Whether the rule applies to a decision taken on `date`.
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        self.in_force_from <= date && self.in_force_until.is_none_or(|until| date <= until)
    }
}

/// A date known at compile time; an impossible date fails the build, not a request.
const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("impossible date in the publicity rules"),
    }
}

/// A period of `min` to `max` months.
const fn months(min: u32, max: u32) -> Option<MonthRange> {
    Some(MonthRange { min, max })
}

/// The publicity rules, oldest first, without gaps.
///
/// The current rule is also the one of NDRC Order 36 in force from 2026-04-01, which changed no
/// period, so it has no row of its own.
pub const RULES: &[PeriodRule] = &[
    PeriodRule {
        in_force_from: ymd(2019, 7, 1),
        in_force_until: Some(ymd(2023, 4, 30)),
        minor: None,
        general: months(3, 12),
        serious: months(6, 36),
    },
    PeriodRule {
        in_force_from: ymd(2023, 5, 1),
        in_force_until: Some(ymd(2025, 6, 21)),
        minor: None,
        general: months(3, 12),
        serious: months(12, 36),
    },
    PeriodRule {
        in_force_from: ymd(2025, 6, 22),
        in_force_until: None,
        // "Not published, or at most 3 months": publishing is allowed, repair at once.
        minor: months(0, 3),
        general: months(3, 12),
        serious: months(12, 36),
    },
];

/// The rule in force on `date`, if any (none before 2019-07-01).
pub fn rule_on(date: NaiveDate) -> Option<&'static PeriodRule> {
    RULES.iter().find(|rule| rule.applies_on(date))
}

/// When an entry's publication may and must end.
///
/// An entry decided on `decision_date` is public on the days `d` with
/// `decision_date <= d < max_end`: `max_end` is the first day it is no longer shown. The subject
/// may apply for credit repair on or after `min_end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PublicityWindow {
    /// First day on which the subject may apply for credit repair.
    pub min_end: NaiveDate,
    /// First day on which the entry is no longer published (publication ends by itself).
    pub max_end: NaiveDate,
}

impl PublicityWindow {
    /// Whether an entry decided on `decision_date` with this window is public on `day`
    /// (ignoring earlier removal by repair, withdrawal or objection).
    pub fn is_public_on(&self, decision_date: NaiveDate, day: NaiveDate) -> bool {
        decision_date <= day && day < self.max_end
    }

    /// Whether the minimum period is over on `day`, so that repair may be applied for.
    pub fn repair_possible_on(&self, day: NaiveDate) -> bool {
        self.min_end <= day
    }
}

/// Why an entry has no publicity window.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// The decision predates every known rule (before 2019-07-01).
    #[error("no publicity rule was in force on {date}")]
    NoRule {
        /// The decision date.
        date: NaiveDate,
    },
    /// The rule in force on the decision date does not allow publishing this severity class.
    #[error("{severity} entries may not be published under the rule in force on {date}")]
    NotPublishable {
        /// The severity class of the entry.
        severity: Severity,
        /// The decision date.
        date: NaiveDate,
    },
}

/// The publicity window of an entry of `severity` decided on `decision_date`, under the rule in
/// force on that date.
///
/// A window that would end beyond the last date chrono can represent ends on that date instead:
/// no real decision is that far in the future, and it keeps the function total.
///
/// # Errors
///
/// [`PeriodError::NoRule`] before 2019-07-01, [`PeriodError::NotPublishable`] for a minor entry
/// decided before 2025-06-22.
pub fn publicity_window(
    severity: Severity,
    decision_date: NaiveDate,
) -> Result<PublicityWindow, PeriodError> {
    let rule = rule_on(decision_date).ok_or(PeriodError::NoRule {
        date: decision_date,
    })?;
    let range = rule.months(severity).ok_or(PeriodError::NotPublishable {
        severity,
        date: decision_date,
    })?;
    let after = |months: u32| {
        decision_date
            .checked_add_months(Months::new(months))
            .unwrap_or(NaiveDate::MAX)
    };
    Ok(PublicityWindow {
        min_end: after(range.min),
        max_end: after(range.max),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("test dates are real")
    }

    fn window(severity: Severity, decision: NaiveDate) -> (NaiveDate, NaiveDate) {
        let window = publicity_window(severity, decision).expect("publishable");
        (window.min_end, window.max_end)
    }

    #[test]
    fn the_rules_are_ordered_and_leave_no_gap() {
        for pair in RULES.windows(2) {
            let until = pair[0].in_force_until.expect("only the last rule is open");
            assert_eq!(until.succ_opt(), Some(pair[1].in_force_from));
        }
        assert!(
            RULES
                .last()
                .is_some_and(|rule| rule.in_force_until.is_none())
        );
        for rule in RULES {
            for severity in Severity::ALL {
                if let Some(range) = rule.months(*severity) {
                    assert!(range.min <= range.max);
                }
            }
        }
    }

    #[test]
    fn the_2019_rule() {
        let decided = date(2020, 3, 15);
        assert_eq!(
            window(Severity::General, decided),
            (date(2020, 6, 15), date(2021, 3, 15))
        );
        assert_eq!(
            window(Severity::Serious, decided),
            (date(2020, 9, 15), date(2023, 3, 15))
        );
        assert_eq!(
            publicity_window(Severity::Minor, decided),
            Err(PeriodError::NotPublishable {
                severity: Severity::Minor,
                date: decided
            })
        );
    }

    #[test]
    fn the_2023_rule() {
        let decided = date(2024, 3, 15);
        assert_eq!(
            window(Severity::General, decided),
            (date(2024, 6, 15), date(2025, 3, 15))
        );
        assert_eq!(
            window(Severity::Serious, decided),
            (date(2025, 3, 15), date(2027, 3, 15))
        );
        assert!(matches!(
            publicity_window(Severity::Minor, decided),
            Err(PeriodError::NotPublishable { .. })
        ));
    }

    #[test]
    fn the_2025_rule() {
        let decided = date(2026, 3, 15);
        assert_eq!(
            window(Severity::Minor, decided),
            (decided, date(2026, 6, 15))
        );
        assert_eq!(
            window(Severity::General, decided),
            (date(2026, 6, 15), date(2027, 3, 15))
        );
        assert_eq!(
            window(Severity::Serious, decided),
            (date(2027, 3, 15), date(2029, 3, 15))
        );
    }

    #[test]
    fn the_first_rule_starts_on_2019_07_01() {
        assert_eq!(
            publicity_window(Severity::Serious, date(2019, 6, 30)),
            Err(PeriodError::NoRule {
                date: date(2019, 6, 30)
            })
        );
        assert_eq!(rule_on(date(2019, 6, 30)), None);
        assert_eq!(
            window(Severity::Serious, date(2019, 7, 1)),
            (date(2020, 1, 1), date(2022, 7, 1))
        );
    }

    #[test]
    fn serious_minimum_becomes_a_year_on_2023_05_01() {
        assert_eq!(
            window(Severity::Serious, date(2023, 4, 30)),
            (date(2023, 10, 30), date(2026, 4, 30))
        );
        assert_eq!(
            window(Severity::Serious, date(2023, 5, 1)),
            (date(2024, 5, 1), date(2026, 5, 1))
        );
        assert_eq!(
            window(Severity::General, date(2023, 4, 30)),
            (date(2023, 7, 30), date(2024, 4, 30))
        );
    }

    #[test]
    fn minor_entries_become_publishable_on_2025_06_22() {
        assert_eq!(
            publicity_window(Severity::Minor, date(2025, 6, 21)),
            Err(PeriodError::NotPublishable {
                severity: Severity::Minor,
                date: date(2025, 6, 21)
            })
        );
        assert_eq!(
            window(Severity::Minor, date(2025, 6, 22)),
            (date(2025, 6, 22), date(2025, 9, 22))
        );
        // General and serious periods did not change that day.
        assert_eq!(
            window(Severity::Serious, date(2025, 6, 21)),
            (date(2026, 6, 21), date(2028, 6, 21))
        );
        assert_eq!(
            window(Severity::Serious, date(2025, 6, 22)),
            (date(2026, 6, 22), date(2028, 6, 22))
        );
        assert_eq!(
            window(Severity::General, date(2025, 6, 22)),
            (date(2025, 9, 22), date(2026, 6, 22))
        );
    }

    #[test]
    fn month_ends_are_clamped() {
        assert_eq!(
            window(Severity::Minor, date(2025, 11, 30)),
            (date(2025, 11, 30), date(2026, 2, 28))
        );
        let (min_end, max_end) = window(Severity::General, date(2023, 11, 30));
        assert_eq!(min_end, date(2024, 2, 29));
        assert_eq!(max_end, date(2024, 11, 30));
        let (min_end, _) = window(Severity::General, date(2024, 8, 31));
        assert_eq!(min_end, date(2024, 11, 30));
        // 2024-01-31 + 1 month is 2024-02-29 in chrono's arithmetic.
        assert_eq!(
            date(2024, 1, 31).checked_add_months(Months::new(1)),
            Some(date(2024, 2, 29))
        );
        // A serious entry of 29 February ends on 28 February three years later.
        assert_eq!(
            window(Severity::Serious, date(2024, 2, 29)),
            (date(2025, 2, 28), date(2027, 2, 28))
        );
    }

    #[test]
    fn the_window_is_half_open() {
        let decided = date(2024, 3, 15);
        let w = publicity_window(Severity::General, decided).expect("publishable");
        assert!(!w.is_public_on(decided, date(2024, 3, 14)));
        assert!(w.is_public_on(decided, decided));
        assert!(w.is_public_on(decided, date(2025, 3, 14)));
        assert!(!w.is_public_on(decided, date(2025, 3, 15)));
        assert!(!w.repair_possible_on(date(2024, 6, 14)));
        assert!(w.repair_possible_on(date(2024, 6, 15)));
    }

    #[test]
    fn errors_read_as_reasons() {
        assert_eq!(
            PeriodError::NoRule {
                date: date(2019, 6, 30)
            }
            .to_string(),
            "no publicity rule was in force on 2019-06-30"
        );
        assert_eq!(
            PeriodError::NotPublishable {
                severity: Severity::Minor,
                date: date(2024, 1, 2)
            }
            .to_string(),
            "minor entries may not be published under the rule in force on 2024-01-02"
        );
    }

    #[test]
    fn windows_near_the_end_of_the_calendar_saturate() {
        let w = publicity_window(Severity::Serious, NaiveDate::MAX).expect("publishable");
        assert_eq!(w.max_end, NaiveDate::MAX);
    }
}
