//! The working-day calendar in force: the calendar file (built in, or `XINYONG_CALENDAR`) with
//! the years the office loaded over it (`calendar_years`, which take precedence), shared by
//! every handler. Loading a year is audited (`calendar.update`) and is followed by counting the
//! deadlines of every open objection and repair application again, so that provisional ones
//! (past the calendar's end when they were set) become exact.

use super::{WriteCtx, audit, objections, repairs};
use crate::domain::workdays::{Calendar, YearDays};
use crate::error::{ApiResult, ErrorCode};
use crate::state::AppState;
use chrono::NaiveDate;
use entity::{calendar_year, objection, repair};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::{Value, json};
use std::sync::{Arc, RwLock};

/// Days before the calendar's last covered day from which it is said to need its next year
/// (log warning at start-up, `needs_next_year`, and the `xinyong_calendar_covered_days` metric).
pub const WARN_WITHIN_DAYS: i64 = 60;

/// The calendar in force, replaced as a whole when a year is loaded, and the calendar file it
/// was built on.
#[derive(Debug, Default)]
pub struct SharedCalendar {
    file: Calendar,
    in_force: RwLock<Arc<Calendar>>,
}

impl SharedCalendar {
    /// A shared calendar built on the calendar `file`, starting as `in_force`.
    pub fn new(file: Calendar, in_force: Calendar) -> Self {
        Self {
            file,
            in_force: RwLock::new(Arc::new(in_force)),
        }
    }

    /// The calendar file (built in, or `XINYONG_CALENDAR`), without the years loaded over it.
    pub fn file(&self) -> &Calendar {
        &self.file
    }

    /// The calendar in force now.
    pub fn current(&self) -> Arc<Calendar> {
        match self.in_force.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Puts `calendar` in force.
    pub fn replace(&self, calendar: Calendar) {
        let calendar = Arc::new(calendar);
        match self.in_force.write() {
            Ok(mut c) => *c = calendar,
            Err(poisoned) => *poisoned.into_inner() = calendar,
        }
    }
}

/// Days from `today` to the last day of the covered run of years holding it (`-1` when
/// `today`'s year is not covered).
pub fn covered_days(calendar: &Calendar, today: NaiveDate) -> i64 {
    calendar
        .covered_until(today)
        .map_or(-1, |until| (until - today).num_days())
}

/// Whether the calendar needs its next year loaded (it ends within [`WARN_WITHIN_DAYS`]).
pub fn needs_next_year(calendar: &Calendar, today: NaiveDate) -> bool {
    covered_days(calendar, today) < WARN_WITHIN_DAYS
}

/// Logs a warning when the calendar needs its next year.
pub fn warn_if_running_out(calendar: &Calendar, today: NaiveDate) {
    if !needs_next_year(calendar, today) {
        return;
    }
    let until = calendar.covered_until(today);
    let next = until.map_or(today, |d| d + chrono::Days::new(1));
    tracing::warn!(
        calendar.covered_until = %until.map(|d| d.to_string()).unwrap_or_else(|| "none".into()),
        calendar.needs_year = %chrono::Datelike::year(&next),
        "the working-day calendar needs its next year: load its holidays (PUT /api/v1/office/calendar, or XINYONG_CALENDAR); \
         deadlines past its last covered day are counted without holidays and flagged provisional"
    );
}

/// The calendar file `base` with the years stored in the database over it.
pub async fn load(db: &impl ConnectionTrait, base: &Calendar) -> Result<Calendar, DbErr> {
    let rows = calendar_year::Entity::find().all(db).await?;
    let mut years = Vec::with_capacity(rows.len());
    for row in rows {
        let days = YearDays {
            holidays: serde_json::from_value(row.holidays)
                .map_err(|e| DbErr::Custom(format!("calendar year {}: {e}", row.year)))?,
            working_weekends: serde_json::from_value(row.working_weekends)
                .map_err(|e| DbErr::Custom(format!("calendar year {}: {e}", row.year)))?,
        };
        years.push((row.year, days));
    }
    let stored = Calendar::from_years(years).map_err(DbErr::Custom)?;
    Ok(base.with_years_of(&stored))
}

fn year_view(year: i32, days: &YearDays) -> Value {
    json!({"year": year, "holidays": days.holidays, "working_weekends": days.working_weekends})
}

/// Stores the years of `upload`, replacing those years, with one audit event
/// (`calendar.update`) holding each year before and after.
pub async fn store(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    in_force: &Calendar,
    upload: &Calendar,
) -> ApiResult<()> {
    let mut before = Vec::new();
    let mut after = Vec::new();
    for (&year, days) in upload.years() {
        if let Some(old) = in_force.years().get(&year) {
            before.push(year_view(year, old));
        }
        after.push(year_view(year, days));
        let row = calendar_year::ActiveModel {
            year: Set(year),
            holidays: Set(json!(days.holidays)),
            working_weekends: Set(json!(days.working_weekends)),
            updated_at: Set(ctx.now),
            updated_by: Set(ctx.actor.clone()),
        };
        calendar_year::Entity::insert(row)
            .on_conflict(
                OnConflict::column(calendar_year::Column::Year)
                    .update_columns([
                        calendar_year::Column::Holidays,
                        calendar_year::Column::WorkingWeekends,
                        calendar_year::Column::UpdatedAt,
                        calendar_year::Column::UpdatedBy,
                    ])
                    .to_owned(),
            )
            .exec(db)
            .await?;
    }
    let years: Vec<String> = upload.years().keys().map(i32::to_string).collect();
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "calendar.update",
            target_type: "calendar",
            target_id: years.join(","),
            before: (!before.is_empty()).then(|| json!({"years": before})),
            after: Some(json!({"years": after})),
            at: ctx.now,
        },
    )
    .await?;
    Ok(())
}

/// Open cases whose deadlines were counted again.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Recomputed {
    /// Objections.
    pub objections: u64,
    /// Repair applications.
    pub repairs: u64,
}

/// Counts the deadlines of every open objection and repair application again on the calendar in
/// force, by `actor`; a case whose dates and flag do not change is left alone. Each case is its
/// own write (with its audit event); one that meets a concurrent step on the same case (a
/// version conflict) reads it again.
pub async fn recompute_open(state: &AppState, actor: &str) -> ApiResult<Recomputed> {
    let calendar = state.calendar.current();
    let mut done = Recomputed::default();
    let open_objections: Vec<entity::ObjectionId> = objection::Entity::find()
        .select_only()
        .column(objection::Column::Id)
        .filter(objection::Column::Status.is_in(objections::OPEN))
        .into_tuple()
        .all(&state.db)
        .await?;
    for id in open_objections {
        let mut attempts = 0;
        let changed = loop {
            let result = state
                .write(actor.to_owned(), async |txn, ctx| {
                    objections::recompute_deadlines(txn, ctx, &calendar, id).await
                })
                .await;
            match result {
                Err(e) if attempts < 3 && e.code == ErrorCode::ObjectionVersionConflict => {
                    attempts += 1;
                }
                other => break other?,
            }
        };
        done.objections += u64::from(changed);
    }
    let open_repairs: Vec<entity::RepairId> = repair::Entity::find()
        .select_only()
        .column(repair::Column::Id)
        .filter(repair::Column::Status.is_in(repairs::OPEN))
        .into_tuple()
        .all(&state.db)
        .await?;
    for id in open_repairs {
        let mut attempts = 0;
        let changed = loop {
            let result = state
                .write(actor.to_owned(), async |txn, ctx| {
                    repairs::recompute_deadlines(txn, ctx, &calendar, id).await
                })
                .await;
            match result {
                Err(e) if attempts < 3 && e.code == ErrorCode::RepairVersionConflict => {
                    attempts += 1;
                }
                other => break other?,
            }
        };
        done.repairs += u64::from(changed);
    }
    if done != Recomputed::default() {
        tracing::info!(
            objections = done.objections,
            repairs = done.repairs,
            "deadlines of open cases counted again on the working-day calendar"
        );
    }
    Ok(done)
}

/// Loads the years of `upload` (audited), puts the calendar they make in force, and counts the
/// deadlines of open cases again.
pub async fn upload(state: &AppState, actor: String, upload: Calendar) -> ApiResult<Recomputed> {
    let in_force = state.calendar.current();
    state
        .write(actor.clone(), async |txn, ctx| {
            store(txn, ctx, &in_force, &upload).await
        })
        .await?;
    refresh(state).await?;
    recompute_open(state, &actor).await
}

/// Puts in force what the database holds over the calendar file (another instance may have
/// loaded a year); returns whether anything changed.
pub async fn refresh(state: &AppState) -> Result<bool, DbErr> {
    let calendar = load(&state.db, state.calendar.file()).await?;
    if *state.calendar.current() == calendar {
        return Ok(false);
    }
    state.calendar.replace(calendar);
    Ok(true)
}
