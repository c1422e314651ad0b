//! A working-day calendar as the office loads it: the form of `calendar/cn.json`.

use crate::domain::workdays::Calendar;
use crate::error::{ApiError, ApiResult, ErrorCode};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

/// Holidays and adjusted working weekends of the years to load, as in `calendar/cn.json`. Each
/// year with holidays here replaces that year of the calendar in force; other years are kept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "_note": "2027 public holidays, as published by the State Council General Office",
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"],
    "working_weekends": []
}))]
pub struct CalendarIn {
    /// A note on where the dates come from (not stored).
    #[serde(rename = "_note", default)]
    pub note: Option<String>,
    /// Public holidays, including the weekend days inside a holiday period; each year listed
    /// must include 1 January.
    pub holidays: Vec<NaiveDate>,
    /// Saturdays and Sundays that are worked (调休), in the years listed.
    pub working_weekends: Vec<NaiveDate>,
}

impl CalendarIn {
    /// The calendar of the years sent, checked.
    pub fn parse(self) -> ApiResult<Calendar> {
        Calendar::from_days(self.holidays, self.working_weekends).map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidCalendar,
                format!(
                    "The working-day calendar cannot be used: {}.",
                    e.trim_start_matches("calendar: ")
                ),
            )
        })
    }
}
