//! Revisions: corrections of published entries from agencies that are not trusted. The public
//! keeps seeing the approved version; the correction waits here until a reviewer approves it
//! (then it is applied through [`super::entries::correct`], audited and sent to partners as any
//! correction) or rejects it with a reason. An agency has at most one pending revision per entry:
//! a later correction supersedes the earlier one.

use super::entries::{self, EntryContent};
use super::subjects::stale;
use super::{Page, WriteCtx, audit};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::entries::{EntryFields, parse_fields};
use entity::{AgencyId, EntryId, RevisionId, RevisionStatus, StaffId, entry_revision, list_entry};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The stored form of proposed content.
pub fn content_json(c: &EntryContent) -> ApiResult<Value> {
    serde_json::to_value(EntryFields::from_content(c))
        .map_err(|e| ApiError::internal(format!("revision content: {e}")))
}

/// What the audit trail records of a revision.
fn audit_view(r: &entry_revision::Model) -> Value {
    json!({
        "id": r.id, "entry_id": r.entry_id, "agency_id": r.agency_id,
        "base_version": r.base_version, "content": r.content, "status": r.status,
        "decided_by": r.decided_by, "decision_note": r.decision_note, "version": r.version,
    })
}

/// The pending revisions of `entries`, by entry.
pub async fn pending_of(
    db: &impl ConnectionTrait,
    entries: impl IntoIterator<Item = EntryId>,
) -> ApiResult<HashMap<EntryId, entry_revision::Model>> {
    let ids: Vec<EntryId> = entries.into_iter().collect();
    let mut found = HashMap::new();
    for chunk in ids.chunks(900) {
        for r in entry_revision::Entity::find()
            .filter(entry_revision::Column::Status.eq(RevisionStatus::Pending))
            .filter(entry_revision::Column::EntryId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            found.insert(r.entry_id, r);
        }
    }
    Ok(found)
}

/// Holds `content` as the pending revision of `entry` from `agency`, superseding `pending` (the
/// entry's pending revision, if any). Sending the pending content again changes nothing.
pub async fn propose(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    agency: AgencyId,
    entry: &list_entry::Model,
    content: &EntryContent,
    pending: Option<entry_revision::Model>,
) -> ApiResult<entry_revision::Model> {
    let content = content_json(content)?;
    if let Some(pending) = pending {
        if pending.content == content {
            return Ok(pending);
        }
        supersede(db, ctx, pending).await?;
    }
    let model = entry_revision::ActiveModel {
        id: Set(RevisionId::new()),
        entry_id: Set(entry.id),
        agency_id: Set(agency),
        base_version: Set(entry.version),
        content: Set(content),
        status: Set(RevisionStatus::Pending),
        submitted_at: Set(ctx.now),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(None),
        version: Set(1),
        updated_at: Set(ctx.now),
    }
    .insert(db)
    .await?;
    trail(db, ctx, "revision.propose", None, &model).await?;
    Ok(model)
}

/// Marks a pending revision superseded: its agency sent something newer (a later correction, the
/// published content again, or a correction that was applied directly).
pub async fn supersede(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    pending: entry_revision::Model,
) -> ApiResult<entry_revision::Model> {
    let mut active: entry_revision::ActiveModel = pending.clone().into();
    active.status = Set(RevisionStatus::Superseded);
    active.decided_at = Set(Some(ctx.now));
    save(db, ctx, "revision.supersede", pending, active).await
}

/// Reads one revision.
pub async fn get(db: &impl ConnectionTrait, id: RevisionId) -> ApiResult<entry_revision::Model> {
    entry_revision::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::RevisionNotFound,
                format!("Revision `{id}` not found."),
            )
        })
}

/// Reads a revision that waits for review, at the version the caller based its step on.
async fn pending(
    db: &impl ConnectionTrait,
    id: RevisionId,
    version: i32,
    verb: &str,
) -> ApiResult<entry_revision::Model> {
    let before = get(db, id).await?;
    if before.version != version {
        return Err(stale(
            ErrorCode::RevisionVersionConflict,
            "Revision",
            id,
            version,
            before.version,
        ));
    }
    if before.status != RevisionStatus::Pending {
        return Err(ApiError::new(
            ErrorCode::RevisionNotPending,
            format!(
                "Revision `{id}` is `{}` and cannot be {verb}.",
                super::projection::enum_str(before.status)
            ),
        ));
    }
    Ok(before)
}

/// The content a revision proposes, checked again as of today.
pub fn proposed(r: &entry_revision::Model, today: chrono::NaiveDate) -> ApiResult<EntryContent> {
    let fields: EntryFields = serde_json::from_value(r.content.clone())
        .map_err(|e| ApiError::internal(format!("stored revision `{}`: {e}", r.id)))?;
    parse_fields(fields, today)
}

/// Approves a pending revision: the entry takes its content (a new version, audited, in the
/// index and the partner change feed), whatever state the entry is in now.
pub async fn approve(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: RevisionId,
    version: i32,
    reviewer: StaffId,
    note: Option<String>,
) -> ApiResult<(entry_revision::Model, list_entry::Model)> {
    let before = pending(db, id, version, "approved").await?;
    let content = proposed(&before, ctx.today)?;
    let entry = entries::get(db, before.entry_id).await?;
    let entry = entries::correct(db, ctx, entry, content).await?;
    let mut active: entry_revision::ActiveModel = before.clone().into();
    active.status = Set(RevisionStatus::Approved);
    active.decided_by = Set(Some(reviewer));
    active.decided_at = Set(Some(ctx.now));
    active.decision_note = Set(note);
    let after = save(db, ctx, "revision.approve", before, active).await?;
    Ok((after, entry))
}

/// Rejects a pending revision with the reason; the entry stays as it is.
pub async fn reject(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: RevisionId,
    version: i32,
    reviewer: StaffId,
    reason: String,
) -> ApiResult<entry_revision::Model> {
    let before = pending(db, id, version, "rejected").await?;
    let mut active: entry_revision::ActiveModel = before.clone().into();
    active.status = Set(RevisionStatus::Rejected);
    active.decided_by = Set(Some(reviewer));
    active.decided_at = Set(Some(ctx.now));
    active.decision_note = Set(Some(reason));
    save(db, ctx, "revision.reject", before, active).await
}

/// Filters of the office listing.
#[derive(Debug, Default)]
pub struct RevisionFilter {
    /// Only this state.
    pub status: Option<RevisionStatus>,
    /// Only revisions of this entry.
    pub entry_id: Option<EntryId>,
}

/// One page of revisions, oldest first (the review queue), with the total.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: RevisionFilter,
    page: Page,
) -> ApiResult<(Vec<entry_revision::Model>, u64)> {
    let mut query = entry_revision::Entity::find();
    if let Some(status) = filter.status {
        query = query.filter(entry_revision::Column::Status.eq(status));
    }
    if let Some(entry) = filter.entry_id {
        query = query.filter(entry_revision::Column::EntryId.eq(entry));
    }
    let paginator = query
        .order_by_asc(entry_revision::Column::SubmittedAt)
        .order_by_asc(entry_revision::Column::Id)
        .paginate(db, page.per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.page.saturating_sub(1)).await?;
    Ok((items, total))
}

const VERSIONED: super::Versioned<entry_revision::Column> = super::Versioned {
    id: entry_revision::Column::Id,
    version: entry_revision::Column::Version,
    updated_at: entry_revision::Column::UpdatedAt,
    conflict: ErrorCode::RevisionVersionConflict,
    what: "Revision",
};

async fn save(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    action: &str,
    before: entry_revision::Model,
    active: entry_revision::ActiveModel,
) -> ApiResult<entry_revision::Model> {
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

async fn trail(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    action: &str,
    before: Option<&entry_revision::Model>,
    after: &entry_revision::Model,
) -> ApiResult<()> {
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action,
            target_type: "revision",
            target_id: after.id.to_string(),
            before: before.map(audit_view),
            after: Some(audit_view(after)),
            at: ctx.now,
        },
    )
    .await?;
    Ok(())
}
