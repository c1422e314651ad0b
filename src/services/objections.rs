//! Objections (异议申诉): anyone listed may object to an entry's content, its
//! period or a repair result. Acceptance marks the entry "under objection" publicly at once (in
//! the same transaction, with its outbox rows); upholding withdraws the entry with the answer as
//! the public reason; rejecting unmarks it. Deadlines are counted in working days.

use super::filings::Filer;
use super::subjects::stale;
use super::{WriteCtx, audit};
use crate::domain::workdays::Calendar;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::services::projection::enum_str;
use chrono::NaiveDate;
use entity::{
    EntryId, EntryStatus, ObjectionId, ObjectionKind, ObjectionStatus, list_entry, objection,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::{Value, json};

/// Working days to accept or return an objection.
pub const ACCEPT_WITHIN: u32 = 1;
/// Working days to answer an accepted objection (local rules say 1-7; we take the longest).
pub const ANSWER_WITHIN: u32 = 7;

/// The states in which an objection's deadlines still run.
pub const OPEN: [ObjectionStatus; 3] = [
    ObjectionStatus::Submitted,
    ObjectionStatus::Returned,
    ObjectionStatus::Accepted,
];

/// An objection's due dates on a calendar.
#[derive(Debug, PartialEq, Eq)]
struct Schedule {
    accept_due: NaiveDate,
    answer_due: Option<NaiveDate>,
    provisional: bool,
}

/// The due dates counted from the day of filing and, once accepted, the day of acceptance. An
/// answer date whose acceptance day is not known is kept as it is (provisional if the calendar
/// does not cover it).
fn schedule(
    calendar: &Calendar,
    filed_on: NaiveDate,
    accepted_on: Option<NaiveDate>,
    kept_answer_due: Option<NaiveDate>,
) -> Schedule {
    let accept = calendar.deadline(filed_on, ACCEPT_WITHIN);
    let (answer_due, answer_provisional) = match accepted_on {
        Some(day) => {
            let answer = calendar.deadline(day, ANSWER_WITHIN);
            (Some(answer.due), answer.provisional)
        }
        None => (
            kept_answer_due,
            kept_answer_due.is_some_and(|d| !calendar.covers(d)),
        ),
    };
    Schedule {
        accept_due: accept.due,
        answer_due,
        provisional: accept.provisional || answer_provisional,
    }
}

impl Schedule {
    fn set(&self, active: &mut objection::ActiveModel) {
        active.accept_due = Set(Some(self.accept_due));
        active.answer_due = Set(self.answer_due);
        active.deadlines_provisional = Set(self.provisional);
    }
}

/// A new objection, parsed.
#[derive(Debug)]
pub struct NewObjection {
    /// The entry objected to.
    pub entry_id: EntryId,
    /// What is objected to.
    pub kind: ObjectionKind,
    /// Reasons.
    pub reason: String,
    /// Contact (never public, never in the audit trail).
    pub contact: String,
}

fn view(o: &objection::Model) -> Value {
    // No contact: it is personal data and the audit trail does not need it.
    json!({"id": o.id, "entry_id": o.entry_id, "kind": o.kind, "reason": o.reason, "status": o.status,
           "answer": o.answer, "filed_on": o.filed_on, "accept_due": o.accept_due, "answer_due": o.answer_due,
           "accepted_on": o.accepted_on, "deadlines_provisional": o.deadlines_provisional,
           "version": o.version})
}

async fn trail(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    action: &str,
    before: Option<&objection::Model>,
    after: &objection::Model,
) -> ApiResult<()> {
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action,
            target_type: "objection",
            target_id: after.id.to_string(),
            before: before.map(view),
            after: Some(view(after)),
            at: ctx.now,
        },
    )
    .await?;
    Ok(())
}

/// Files an objection against a public entry, within the limits on anonymous filings: at most
/// so many open objections per entry from one client, and so many per entry per day.
pub async fn file(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    calendar: &Calendar,
    cmd: NewObjection,
    filer: &Filer,
) -> ApiResult<objection::Model> {
    // Locked (FOR UPDATE on PostgreSQL; SQLite write transactions are serial already) so that
    // filings made at once are counted one after the other.
    let entry = list_entry::Entity::find_by_id(cmd.entry_id)
        .lock_exclusive()
        .one(db)
        .await?;
    // Only what the public can see can be objected to from outside.
    let Some(entry) = entry.filter(|e| e.is_public_on(ctx.today)) else {
        return Err(ApiError::new(
            ErrorCode::EntryNotFound,
            format!("Entry `{}` not found.", cmd.entry_id),
        ));
    };
    let open = objection::Entity::find()
        .filter(objection::Column::EntryId.eq(entry.id))
        .filter(objection::Column::ClientKey.eq(filer.client_key.as_str()))
        .filter(objection::Column::Status.is_in(OPEN))
        .count(db)
        .await?;
    let today = objection::Entity::find()
        .filter(objection::Column::EntryId.eq(entry.id))
        .filter(objection::Column::FiledOn.eq(ctx.today))
        .count(db)
        .await?;
    filer.check(ctx, "objections", entry.id, open, today)?;
    let due = schedule(calendar, ctx.today, None, None);
    let model = objection::ActiveModel {
        id: Set(ObjectionId::new()),
        entry_id: Set(entry.id),
        kind: Set(cmd.kind),
        reason: Set(cmd.reason),
        contact: Set(cmd.contact),
        status: Set(ObjectionStatus::Submitted),
        answer: Set(None),
        filed_on: Set(ctx.today),
        accept_due: Set(Some(due.accept_due)),
        answer_due: Set(due.answer_due),
        accepted_on: Set(None),
        deadlines_provisional: Set(due.provisional),
        client_key: Set(Some(filer.client_key.clone())),
        case_number: Set(None),
        follow_up_hash: Set(None),
        version: Set(1),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
    }
    .insert(db)
    .await?;
    trail(db, ctx, "objection.file", None, &model).await?;
    Ok(model)
}

/// Reads one objection.
pub async fn get(db: &impl ConnectionTrait, id: ObjectionId) -> ApiResult<objection::Model> {
    objection::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ObjectionNotFound,
                format!("Objection `{id}` not found."),
            )
        })
}

async fn current(
    db: &impl ConnectionTrait,
    id: ObjectionId,
    version: i32,
    allowed: &[ObjectionStatus],
    verb: &str,
) -> ApiResult<objection::Model> {
    let o = get(db, id).await?;
    if o.version != version {
        return Err(stale(
            ErrorCode::ObjectionVersionConflict,
            "Objection",
            id,
            version,
            o.version,
        ));
    }
    if !allowed.contains(&o.status) {
        return Err(ApiError::new(
            ErrorCode::ObjectionWrongState,
            format!(
                "Objection `{id}` is `{}` and cannot be {verb}.",
                enum_str(o.status)
            ),
        ));
    }
    Ok(o)
}

const VERSIONED: super::Versioned<objection::Column> = super::Versioned {
    id: objection::Column::Id,
    version: objection::Column::Version,
    updated_at: objection::Column::UpdatedAt,
    conflict: ErrorCode::ObjectionVersionConflict,
    what: "Objection",
};

async fn save(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    action: &str,
    before: objection::Model,
    active: objection::ActiveModel,
) -> ApiResult<objection::Model> {
    super::write_next_version(
        db,
        &VERSIONED,
        active,
        (before.id, before.version),
        ctx.now,
        ApiError::from,
    )
    .await?;
    let after = get(db, before.id).await?;
    trail(db, ctx, action, Some(&before), &after).await?;
    Ok(after)
}

/// Marks or unmarks the entry publicly, optionally withdrawing it, with its own audit event and
/// outbox rows.
async fn change_entry(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: EntryId,
    flag: bool,
    withdraw_reason: Option<String>,
) -> ApiResult<()> {
    let before = super::entries::get(db, id).await?;
    let mut active: list_entry::ActiveModel = before.clone().into();
    active.under_objection = Set(flag);
    let action = match withdraw_reason {
        Some(reason) if before.status == EntryStatus::Published => {
            active.status = Set(EntryStatus::Withdrawn);
            active.removal_date = Set(Some(ctx.today));
            active.removal_reason = Set(Some(reason));
            "entry.withdraw"
        }
        _ if flag => "entry.mark_objection",
        _ => "entry.unmark_objection",
    };
    super::entries::save(db, ctx, action, before, active).await?;
    Ok(())
}

/// Accepts an objection: the entry is marked "under objection" publicly at once.
pub async fn accept(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    calendar: &Calendar,
    id: ObjectionId,
    version: i32,
) -> ApiResult<objection::Model> {
    let before = current(
        db,
        id,
        version,
        &[ObjectionStatus::Submitted, ObjectionStatus::Returned],
        "accepted",
    )
    .await?;
    let mut active: objection::ActiveModel = before.clone().into();
    active.status = Set(ObjectionStatus::Accepted);
    active.accepted_on = Set(Some(ctx.today));
    schedule(calendar, before.filed_on, Some(ctx.today), None).set(&mut active);
    let entry_id = before.entry_id;
    let after = save(db, ctx, "objection.accept", before, active).await?;
    change_entry(db, ctx, entry_id, true, None).await?;
    Ok(after)
}

/// Counts an open objection's deadlines again on `calendar` (after a calendar year is loaded);
/// returns whether anything changed. A closed objection, or one whose dates and flag stay the
/// same, is left alone.
pub async fn recompute_deadlines(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    calendar: &Calendar,
    id: ObjectionId,
) -> ApiResult<bool> {
    let before = get(db, id).await?;
    if !OPEN.contains(&before.status) {
        return Ok(false);
    }
    let accepted_on = match (before.accepted_on, before.answer_due) {
        (Some(day), _) => Some(day),
        // Accepted before the acceptance day was stored: the audit trail has it.
        (None, Some(_)) => {
            audit::day_of_last(db, "objection", &id.to_string(), "objection.accept").await?
        }
        (None, None) => None,
    };
    let due = schedule(calendar, before.filed_on, accepted_on, before.answer_due);
    let now = Schedule {
        accept_due: before.accept_due.unwrap_or(due.accept_due),
        answer_due: before.answer_due,
        provisional: before.deadlines_provisional,
    };
    if due == now && accepted_on == before.accepted_on {
        return Ok(false);
    }
    let mut active: objection::ActiveModel = before.clone().into();
    active.accepted_on = Set(accepted_on);
    due.set(&mut active);
    save(db, ctx, "objection.recompute_deadlines", before, active).await?;
    Ok(true)
}

/// Returns an objection for materials.
pub async fn return_for_materials(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: ObjectionId,
    version: i32,
    reason: String,
) -> ApiResult<objection::Model> {
    let before = current(db, id, version, &[ObjectionStatus::Submitted], "returned").await?;
    let mut active: objection::ActiveModel = before.clone().into();
    active.status = Set(ObjectionStatus::Returned);
    active.answer = Set(Some(reason));
    save(db, ctx, "objection.return", before, active).await
}

/// Upholds an accepted objection: the entry is withdrawn with the answer as its public reason.
pub async fn uphold(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: ObjectionId,
    version: i32,
    answer: String,
) -> ApiResult<objection::Model> {
    let before = current(db, id, version, &[ObjectionStatus::Accepted], "upheld").await?;
    let mut active: objection::ActiveModel = before.clone().into();
    active.status = Set(ObjectionStatus::Upheld);
    active.answer = Set(Some(answer.clone()));
    let entry_id = before.entry_id;
    let after = save(db, ctx, "objection.uphold", before, active).await?;
    change_entry(
        db,
        ctx,
        entry_id,
        false,
        Some(format!("异议成立：{answer}")),
    )
    .await?;
    Ok(after)
}

/// Rejects an accepted objection with reasons: the entry is unmarked.
pub async fn reject(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: ObjectionId,
    version: i32,
    answer: String,
) -> ApiResult<objection::Model> {
    let before = current(db, id, version, &[ObjectionStatus::Accepted], "rejected").await?;
    let mut active: objection::ActiveModel = before.clone().into();
    active.status = Set(ObjectionStatus::Rejected);
    active.answer = Set(Some(answer));
    let entry_id = before.entry_id;
    let after = save(db, ctx, "objection.reject", before, active).await?;
    // Another accepted objection on the same entry keeps the mark.
    let others = objection::Entity::find()
        .filter(objection::Column::EntryId.eq(entry_id))
        .filter(objection::Column::Status.eq(ObjectionStatus::Accepted))
        .count(db)
        .await?;
    if others == 0 {
        change_entry(db, ctx, entry_id, false, None).await?;
    }
    Ok(after)
}

/// One page of objections, oldest first, optionally by status.
pub async fn list(
    db: &impl ConnectionTrait,
    status: Option<ObjectionStatus>,
    page: super::Page,
) -> ApiResult<(Vec<objection::Model>, u64)> {
    let mut query = objection::Entity::find();
    if let Some(s) = status {
        query = query.filter(objection::Column::Status.eq(s));
    }
    let paginator = query
        .order_by_asc(objection::Column::CreatedAt)
        .order_by_asc(objection::Column::Id)
        .paginate(db, page.per_page);
    let total = paginator.num_items().await?;
    Ok((
        paginator.fetch_page(page.page.saturating_sub(1)).await?,
        total,
    ))
}

/// Every objection to any of `entries`, oldest first.
pub async fn of_entries(
    db: &impl ConnectionTrait,
    entries: &[EntryId],
) -> ApiResult<Vec<objection::Model>> {
    Ok(objection::Entity::find()
        .filter(objection::Column::EntryId.is_in(entries.iter().copied()))
        .order_by_asc(objection::Column::CreatedAt)
        .all(db)
        .await?)
}
