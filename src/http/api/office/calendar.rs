//! `/api/v1/office/calendar`: the working-day calendar that deadlines are counted on, and the
//! loading of a new year's holidays without a release (admins; audited). After a load, the
//! deadlines of every open objection and repair application are counted again, so provisional
//! ones (past the calendar's end) become exact.

use crate::error::{ApiResult, ErrorBody};
use crate::http::extract::{Admin, Json, Office};
use crate::input::calendar::CalendarIn;
use crate::services::calendar::{self, Recomputed};
use crate::state::AppState;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The calendar in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarOut {
    /// The years covered (whose holidays are known), in order.
    pub years: Vec<i32>,
    /// The last day of the run of covered years that holds today; `null` when today's year is not
    /// covered. Deadlines after it are provisional.
    pub covered_until: Option<NaiveDate>,
    /// The calendar ends within 60 days, or has ended: load the next year.
    pub needs_next_year: bool,
    /// Every public holiday of the covered years.
    pub holidays: Vec<NaiveDate>,
    /// Every adjusted working weekend (调休) of the covered years.
    pub working_weekends: Vec<NaiveDate>,
    /// In the answer to a load: the open objections whose deadlines were counted again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recomputed_objections: Option<u64>,
    /// In the answer to a load: the open repair applications whose deadlines were counted again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recomputed_repairs: Option<u64>,
}

fn calendar_out(state: &AppState, recomputed: Option<Recomputed>) -> CalendarOut {
    let in_force = state.calendar.current();
    let today = state.clock.today();
    let years = in_force.years();
    CalendarOut {
        years: years.keys().copied().collect(),
        covered_until: in_force.covered_until(today),
        needs_next_year: calendar::needs_next_year(&in_force, today),
        holidays: years
            .values()
            .flat_map(|y| y.holidays.iter().copied())
            .collect(),
        working_weekends: years
            .values()
            .flat_map(|y| y.working_weekends.iter().copied())
            .collect(),
        recomputed_objections: recomputed.map(|r| r.objections),
        recomputed_repairs: recomputed.map(|r| r.repairs),
    }
}

/// The working-day calendar in force: the years it covers and their days.
#[utoipa::path(get, path = "/api/v1/office/calendar", tag = "office", operation_id = "read_calendar",
    responses((status = 200, body = CalendarOut), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn read_calendar(State(state): State<AppState>, _staff: Office) -> Json<CalendarOut> {
    Json(calendar_out(&state, None))
}

/// Load years of the working-day calendar (admins): the holidays and adjusted working weekends
/// of each year sent replace that year, in the form of `calendar/cn.json`.
///
/// Each year sent must list 1 January among its holidays, and each adjusted working day must be
/// a Saturday or Sunday of a year sent. The years are stored (they take precedence over the
/// calendar file, also after a restart) and the load is audited (`calendar.update`); then the
/// deadlines of every open objection and repair application are counted again on the new
/// calendar (each change audited), and no longer provisional where the calendar now covers them.
#[utoipa::path(put, path = "/api/v1/office/calendar", tag = "office", operation_id = "load_calendar",
    request_body = CalendarIn,
    responses((status = 200, body = CalendarOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn load_calendar(
    State(state): State<AppState>,
    me: Office<Admin>,
    Json(input): Json<CalendarIn>,
) -> ApiResult<Json<CalendarOut>> {
    let upload = input.parse()?;
    let years: Vec<i32> = upload.years().keys().copied().collect();
    let recomputed = calendar::upload(&state, me.actor(), upload).await?;
    tracing::info!(calendar.years = ?years, "working-day calendar years loaded");
    Ok(Json(calendar_out(&state, Some(recomputed))))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read_calendar, load_calendar))
}
