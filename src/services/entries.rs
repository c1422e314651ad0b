//! List entries: drafts, review, publication, withdrawal (draft → pending_review → published →
//! withdrawn | expired | repaired). Maker-checker: nobody publishes an entry they created, last
//! edited or submitted.

use super::subjects::stale;
use super::{Page, WriteCtx, audit, outbox};
use crate::db::is_unique_violation;
use crate::domain::{ListKind, Severity, publicity_window};
use crate::error::{ApiError, ApiResult, ErrorCode};
use chrono::NaiveDate;
use entity::{EntryId, EntryStatus, OutboxTarget, StaffId, SubjectId, list_entry};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{Value, json};

/// The content of an entry, parsed and checked (required fields by list, dates in order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryContent {
    /// 名单类型
    pub list: ListKind,
    /// 名单名称
    pub list_name: String,
    /// 失信等级 (black entries)
    pub severity: Option<Severity>,
    /// 列入事由
    pub reason: String,
    /// 失信行为
    pub facts: Option<String>,
    /// 认定依据 (required for black entries)
    pub legal_basis: Option<String>,
    /// 认定部门
    pub authority_name: String,
    /// Its USCC.
    pub authority_uscc: Option<String>,
    /// 决定文书号
    pub document_number: String,
    /// 认定日期
    pub decision_date: NaiveDate,
    /// 列入日期
    pub listing_date: NaiveDate,
    /// 有效期自
    pub valid_from: NaiveDate,
    /// 有效期至 (red lists)
    pub valid_until: Option<NaiveDate>,
    /// 数据来源单位
    pub source_name: String,
    /// Its USCC.
    pub source_uscc: Option<String>,
}

impl EntryContent {
    /// The publicity window of a black or key-attention entry with a severity class, by the rule
    /// in force on its decision date: (repair possible from, publicity ends).
    pub fn publicity(&self) -> ApiResult<(Option<NaiveDate>, Option<NaiveDate>)> {
        match (self.list, self.severity) {
            (ListKind::Red, _) | (_, None) => Ok((None, None)),
            (_, Some(severity)) => {
                let window = publicity_window(severity, self.decision_date).map_err(|e| {
                    ApiError::field(
                        ErrorCode::InvalidEntrySeverity,
                        "severity",
                        severity.as_str(),
                        format!("cannot be published: {e}"),
                    )
                })?;
                Ok((Some(window.min_end), Some(window.max_end)))
            }
        }
    }
}

/// What the audit trail records of an entry.
pub fn audit_view(e: &list_entry::Model) -> Value {
    json!({
        "id": e.id, "subject_id": e.subject_id, "list": e.list, "list_name": e.list_name,
        "severity": e.severity, "reason": e.reason, "facts": e.facts, "legal_basis": e.legal_basis,
        "authority_name": e.authority_name, "authority_uscc": e.authority_uscc,
        "document_number": e.document_number, "decision_date": e.decision_date,
        "listing_date": e.listing_date, "valid_from": e.valid_from, "valid_until": e.valid_until,
        "publicity_min_until": e.publicity_min_until, "publicity_until": e.publicity_until,
        "removal_date": e.removal_date, "removal_reason": e.removal_reason,
        "removal_authority": e.removal_authority, "repair_status": e.repair_status,
        "under_objection": e.under_objection, "source_name": e.source_name,
        "status": e.status, "version": e.version,
    })
}

fn apply_content(active: &mut list_entry::ActiveModel, c: EntryContent) -> ApiResult<()> {
    let (min_until, until) = c.publicity()?;
    active.list = Set(c.list.into());
    active.list_name = Set(c.list_name);
    active.severity = Set(c.severity.map(Into::into));
    active.reason = Set(c.reason);
    active.facts = Set(c.facts);
    active.legal_basis = Set(c.legal_basis);
    active.authority_name = Set(c.authority_name);
    active.authority_uscc = Set(c.authority_uscc);
    active.document_number = Set(c.document_number);
    active.decision_date = Set(c.decision_date);
    active.listing_date = Set(c.listing_date);
    active.valid_from = Set(c.valid_from);
    active.valid_until = Set(c.valid_until);
    active.publicity_min_until = Set(min_until);
    active.publicity_until = Set(until);
    active.source_name = Set(c.source_name);
    active.source_uscc = Set(c.source_uscc);
    Ok(())
}

fn duplicate(e: sea_orm::DbErr) -> ApiError {
    if is_unique_violation(&e) {
        ApiError::new(
            ErrorCode::EntryAlreadyExists,
            "An entry with this deciding authority and document number already exists.",
        )
    } else {
        e.into()
    }
}

/// Creates a draft entry for an existing subject.
pub async fn create_draft(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    subject_id: SubjectId,
    created_by: Option<StaffId>,
    content: EntryContent,
) -> ApiResult<list_entry::Model> {
    super::subjects::get(db, subject_id).await?;
    let mut active = list_entry::ActiveModel {
        id: Set(EntryId::new()),
        subject_id: Set(subject_id),
        removal_date: Set(None),
        removal_reason: Set(None),
        removal_authority: Set(None),
        repair_status: Set(None),
        under_objection: Set(false),
        status: Set(EntryStatus::Draft),
        created_by: Set(created_by),
        edited_by: Set(created_by),
        submitted_by: Set(None),
        reviewed_by: Set(None),
        review_note: Set(None),
        published_at: Set(None),
        version: Set(1),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        ..Default::default()
    };
    apply_content(&mut active, content)?;
    let model = active.insert(db).await.map_err(duplicate)?;
    write_trail(db, ctx, "entry.create", None, &model).await?;
    Ok(model)
}

/// Replaces the content of an entry in any state with a partner's correction: a new version and
/// an audit event; a published entry stays published with the corrected content.
pub async fn correct(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    before: list_entry::Model,
    content: EntryContent,
) -> ApiResult<list_entry::Model> {
    let mut active: list_entry::ActiveModel = before.clone().into();
    apply_content(&mut active, content)?;
    save(db, ctx, "entry.correct", before, active).await
}

/// Reads one entry.
pub async fn get(db: &impl ConnectionTrait, id: EntryId) -> ApiResult<list_entry::Model> {
    list_entry::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::EntryNotFound, format!("Entry `{id}` not found.")))
}

/// Reads several entries at once, by id (the missing ones are left out).
pub async fn get_many(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = EntryId>,
) -> ApiResult<std::collections::HashMap<EntryId, list_entry::Model>> {
    let ids: Vec<EntryId> = ids.into_iter().collect();
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(900) {
        for e in list_entry::Entity::find()
            .filter(list_entry::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            found.insert(e.id, e);
        }
    }
    Ok(found)
}

/// Reads an entry and checks the version the caller based its change on.
async fn current(
    db: &impl ConnectionTrait,
    id: EntryId,
    version: i32,
) -> ApiResult<list_entry::Model> {
    let entry = get(db, id).await?;
    if entry.version != version {
        return Err(stale(
            ErrorCode::EntryVersionConflict,
            "Entry",
            id,
            version,
            entry.version,
        ));
    }
    Ok(entry)
}

/// Replaces the content of a draft; `editor` becomes its last editor.
pub async fn update_draft(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: EntryId,
    version: i32,
    editor: StaffId,
    content: EntryContent,
) -> ApiResult<list_entry::Model> {
    let before = current(db, id, version).await?;
    if before.status != EntryStatus::Draft {
        return Err(not_in_state(
            ErrorCode::EntryNotDraft,
            id,
            before.status,
            "edited",
        ));
    }
    let mut active: list_entry::ActiveModel = before.clone().into();
    apply_content(&mut active, content)?;
    active.edited_by = Set(Some(editor));
    save(db, ctx, "entry.update", before, active).await
}

/// Publishes a draft (or an entry waiting for review) without the submit step: an
/// administrator's shortcut, under the same maker-checker rule as an approval. `publisher` is
/// `None` only for the demo seed.
pub async fn publish(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: EntryId,
    version: i32,
    publisher: Option<StaffId>,
) -> ApiResult<list_entry::Model> {
    let before = current(db, id, version).await?;
    if let Some(publisher) = publisher {
        not_the_maker(&before, publisher)?;
    }
    if !matches!(
        before.status,
        EntryStatus::Draft | EntryStatus::PendingReview
    ) {
        return Err(not_in_state(
            ErrorCode::EntryNotDraft,
            id,
            before.status,
            "published",
        ));
    }
    let mut active: list_entry::ActiveModel = before.clone().into();
    active.status = Set(EntryStatus::Published);
    active.reviewed_by = Set(publisher);
    active.published_at = Set(Some(ctx.now));
    save(db, ctx, "entry.publish", before, active).await
}

/// Submits a draft for review (maker).
pub async fn submit(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: EntryId,
    version: i32,
    submitter: StaffId,
) -> ApiResult<list_entry::Model> {
    let before = current(db, id, version).await?;
    if before.status != EntryStatus::Draft {
        return Err(not_in_state(
            ErrorCode::EntryNotDraft,
            id,
            before.status,
            "submitted",
        ));
    }
    let mut active: list_entry::ActiveModel = before.clone().into();
    active.status = Set(EntryStatus::PendingReview);
    active.submitted_by = Set(Some(submitter));
    active.review_note = Set(None);
    save(db, ctx, "entry.submit", before, active).await
}

/// Checks a review: the entry waits for review and the reviewer did not submit it.
async fn reviewable(
    db: &impl ConnectionTrait,
    id: EntryId,
    version: i32,
    reviewer: StaffId,
    verb: &str,
) -> ApiResult<list_entry::Model> {
    let before = current(db, id, version).await?;
    if before.status != EntryStatus::PendingReview {
        return Err(not_in_state(
            ErrorCode::EntryNotPendingReview,
            id,
            before.status,
            verb,
        ));
    }
    not_the_maker(&before, reviewer)?;
    Ok(before)
}

/// Maker-checker: the member who created, last edited or submitted an entry does not review or
/// publish it.
fn not_the_maker(entry: &list_entry::Model, checker: StaffId) -> ApiResult<()> {
    let id = entry.id;
    if entry.submitted_by == Some(checker) {
        return Err(ApiError::new(
            ErrorCode::ReviewerIsSubmitter,
            format!("Entry `{id}` was submitted by you; another reviewer must review it."),
        ));
    }
    if entry.created_by == Some(checker) || entry.edited_by == Some(checker) {
        return Err(ApiError::new(
            ErrorCode::ReviewerIsMaker,
            format!(
                "Entry `{id}` was created or last edited by you; another member must review and publish it."
            ),
        ));
    }
    Ok(())
}

/// Approves an entry waiting for review (checker); approval publishes it.
pub async fn approve(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: EntryId,
    version: i32,
    reviewer: StaffId,
) -> ApiResult<list_entry::Model> {
    let before = reviewable(db, id, version, reviewer, "approved").await?;
    let mut active: list_entry::ActiveModel = before.clone().into();
    active.status = Set(EntryStatus::Published);
    active.reviewed_by = Set(Some(reviewer));
    active.published_at = Set(Some(ctx.now));
    save(db, ctx, "entry.approve", before, active).await
}

/// Sends an entry waiting for review back to draft, with the reason.
pub async fn reject(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: EntryId,
    version: i32,
    reviewer: StaffId,
    reason: String,
) -> ApiResult<list_entry::Model> {
    let before = reviewable(db, id, version, reviewer, "rejected").await?;
    let mut active: list_entry::ActiveModel = before.clone().into();
    active.status = Set(EntryStatus::Draft);
    active.reviewed_by = Set(Some(reviewer));
    active.review_note = Set(Some(reason));
    save(db, ctx, "entry.reject", before, active).await
}

/// Withdraws a published entry with a public reason (the decision was changed or revoked).
pub async fn withdraw(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: EntryId,
    version: i32,
    reason: String,
) -> ApiResult<list_entry::Model> {
    let before = current(db, id, version).await?;
    if before.status != EntryStatus::Published {
        return Err(not_in_state(
            ErrorCode::EntryNotPublished,
            id,
            before.status,
            "withdrawn",
        ));
    }
    let mut active: list_entry::ActiveModel = before.clone().into();
    active.status = Set(EntryStatus::Withdrawn);
    active.removal_date = Set(Some(ctx.today));
    active.removal_reason = Set(Some(reason));
    save(db, ctx, "entry.withdraw", before, active).await
}

/// The 409 for a transition from the wrong state, naming the state.
pub fn not_in_state(code: ErrorCode, id: EntryId, status: EntryStatus, verb: &str) -> ApiError {
    let status = crate::services::projection::enum_str(status);
    ApiError::new(
        code,
        format!("Entry `{id}` is `{status}` and cannot be {verb}."),
    )
}

const VERSIONED: super::Versioned<list_entry::Column> = super::Versioned {
    id: list_entry::Column::Id,
    version: list_entry::Column::Version,
    updated_at: list_entry::Column::UpdatedAt,
    conflict: ErrorCode::EntryVersionConflict,
    what: "Entry",
};

/// Writes a change to an entry if nobody changed it since `before` was read: the next version,
/// one audit event, the outbox rows and the partner change feed. Every change of an entry goes
/// through here, so none of them can forget one of those.
pub(crate) async fn save(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    action: &str,
    before: list_entry::Model,
    active: list_entry::ActiveModel,
) -> ApiResult<list_entry::Model> {
    super::write_next_version(
        db,
        &VERSIONED,
        active,
        (before.id, before.version),
        ctx.now,
        duplicate,
    )
    .await?;
    let after = get(db, before.id).await?;
    write_trail(db, ctx, action, Some(&before), &after).await?;
    Ok(after)
}

async fn write_trail(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    action: &str,
    before: Option<&list_entry::Model>,
    after: &list_entry::Model,
) -> ApiResult<()> {
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action,
            target_type: "entry",
            target_id: after.id.to_string(),
            before: before.map(audit_view),
            after: Some(audit_view(after)),
            at: ctx.now,
        },
    )
    .await?;
    // The entry's own document, and its subject's badges and counts.
    outbox::enqueue(db, OutboxTarget::Entry, after.id.0, ctx.now).await?;
    super::changes::record_entry(db, ctx, after.id).await?;
    outbox::enqueue(db, OutboxTarget::Subject, after.subject_id.0, ctx.now).await?;
    Ok(())
}

/// Filters of the office listing.
#[derive(Debug, Default)]
pub struct EntryFilter {
    /// Only this status.
    pub status: Option<EntryStatus>,
    /// Only this subject.
    pub subject_id: Option<SubjectId>,
    /// Only this list.
    pub list: Option<entity::ListKind>,
    /// Only list names containing this text.
    pub list_name: Option<String>,
    /// Only authority names containing this text.
    pub authority: Option<String>,
    /// Only decisions of this year.
    pub decision_year: Option<i32>,
}

/// One page of entries, newest first, with the total.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: EntryFilter,
    page: Page,
) -> ApiResult<(Vec<list_entry::Model>, u64)> {
    let mut query = list_entry::Entity::find();
    if let Some(status) = filter.status {
        query = query.filter(list_entry::Column::Status.eq(status));
    }
    if let Some(subject) = filter.subject_id {
        query = query.filter(list_entry::Column::SubjectId.eq(subject));
    }
    if let Some(list) = filter.list {
        query = query.filter(list_entry::Column::List.eq(list));
    }
    if let Some(text) = filter.list_name {
        query = query.filter(list_entry::Column::ListName.like(super::containing(&text)));
    }
    if let Some(text) = filter.authority {
        query = query.filter(list_entry::Column::AuthorityName.like(super::containing(&text)));
    }
    if let Some(year) = filter.decision_year {
        let first = |y| chrono::NaiveDate::from_ymd_opt(y, 1, 1);
        if let (Some(from), Some(to)) = (first(year), first(year + 1)) {
            query = query
                .filter(list_entry::Column::DecisionDate.gte(from))
                .filter(list_entry::Column::DecisionDate.lt(to));
        }
    }
    let paginator = query
        .order_by_desc(list_entry::Column::CreatedAt)
        .order_by_asc(list_entry::Column::Id)
        .paginate(db, page.per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.page.saturating_sub(1)).await?;
    Ok((items, total))
}
