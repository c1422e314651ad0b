//! Exposure notices (曝光台): drafts, publication, withdrawal.

use super::subjects::stale;
use super::{Page, WriteCtx, audit, outbox};
use crate::error::{ApiError, ApiResult, ErrorCode};
use chrono::NaiveDate;
use entity::{NoticeCategory, NoticeId, NoticeStatus, OutboxTarget, StaffId, notice};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{Value, json};

/// The content of a notice, parsed.
#[derive(Clone, Debug)]
pub struct NoticeContent {
    /// Title.
    pub title: String,
    /// Category.
    pub category: NoticeCategory,
    /// 发布单位
    pub issuing_unit: String,
    /// Markdown body.
    pub body_md: String,
    /// Linked subjects' codes (already validated).
    pub subject_usccs: Vec<String>,
    /// End of publicity (exclusive).
    pub publicity_until: Option<NaiveDate>,
}

fn audit_view(n: &notice::Model) -> Value {
    json!({
        "id": n.id, "title": n.title, "category": n.category, "issuing_unit": n.issuing_unit,
        "body_md": n.body_md, "subject_usccs": n.subject_usccs, "publication_date": n.publication_date,
        "publicity_until": n.publicity_until, "status": n.status,
        "withdrawal_reason": n.withdrawal_reason, "version": n.version,
    })
}

fn apply(active: &mut notice::ActiveModel, c: NoticeContent) {
    active.title = Set(c.title);
    active.category = Set(c.category);
    active.issuing_unit = Set(c.issuing_unit);
    active.body_md = Set(c.body_md);
    active.subject_usccs = Set(json!(c.subject_usccs));
    active.publicity_until = Set(c.publicity_until);
}

/// Creates a draft notice.
pub async fn create_draft(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    created_by: Option<StaffId>,
    content: NoticeContent,
) -> ApiResult<notice::Model> {
    let mut active = notice::ActiveModel {
        id: Set(NoticeId::new()),
        publication_date: Set(None),
        status: Set(NoticeStatus::Draft),
        withdrawal_reason: Set(None),
        created_by: Set(created_by),
        version: Set(1),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        ..Default::default()
    };
    apply(&mut active, content);
    let model = active.insert(db).await?;
    trail(db, ctx, "notice.create", None, &model).await?;
    Ok(model)
}

/// Reads one notice.
pub async fn get(db: &impl ConnectionTrait, id: NoticeId) -> ApiResult<notice::Model> {
    notice::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NoticeNotFound,
                format!("Notice `{id}` not found."),
            )
        })
}

async fn current(
    db: &impl ConnectionTrait,
    id: NoticeId,
    version: i32,
) -> ApiResult<notice::Model> {
    let n = get(db, id).await?;
    if n.version != version {
        return Err(stale(
            ErrorCode::NoticeVersionConflict,
            "Notice",
            id,
            version,
            n.version,
        ));
    }
    Ok(n)
}

fn wrong_state(code: ErrorCode, id: NoticeId, status: NoticeStatus, verb: &str) -> ApiError {
    let status = crate::services::projection::enum_str(status);
    ApiError::new(
        code,
        format!("Notice `{id}` is `{status}` and cannot be {verb}."),
    )
}

/// Replaces the content of a draft.
pub async fn update_draft(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: NoticeId,
    version: i32,
    content: NoticeContent,
) -> ApiResult<notice::Model> {
    let before = current(db, id, version).await?;
    if before.status != NoticeStatus::Draft {
        return Err(wrong_state(
            ErrorCode::NoticeNotDraft,
            id,
            before.status,
            "edited",
        ));
    }
    let mut active: notice::ActiveModel = before.clone().into();
    apply(&mut active, content);
    save(db, ctx, "notice.update", before, active).await
}

/// Submits a draft for review: it can no longer be edited, and waits for a reviewer other than
/// its author to publish it.
pub async fn submit(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: NoticeId,
    version: i32,
) -> ApiResult<notice::Model> {
    let before = current(db, id, version).await?;
    if before.status != NoticeStatus::Draft {
        return Err(wrong_state(
            ErrorCode::NoticeNotDraft,
            id,
            before.status,
            "submitted",
        ));
    }
    let mut active: notice::ActiveModel = before.clone().into();
    active.status = Set(NoticeStatus::PendingReview);
    save(db, ctx, "notice.submit", before, active).await
}

/// Publishes a draft; the publication date is today. Maker-checker: the member who created it
/// does not publish it (`publisher` is `None` only for the demo seed).
pub async fn publish(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: NoticeId,
    version: i32,
    publisher: Option<StaffId>,
) -> ApiResult<notice::Model> {
    let before = current(db, id, version).await?;
    if publisher.is_some() && before.created_by == publisher {
        return Err(ApiError::new(
            ErrorCode::ReviewerIsMaker,
            format!("Notice `{id}` was created by you; another member must review and publish it."),
        ));
    }
    if !matches!(
        before.status,
        NoticeStatus::Draft | NoticeStatus::PendingReview
    ) {
        return Err(wrong_state(
            ErrorCode::NoticeNotDraft,
            id,
            before.status,
            "published",
        ));
    }
    let mut active: notice::ActiveModel = before.clone().into();
    active.status = Set(NoticeStatus::Published);
    active.publication_date = Set(Some(ctx.today));
    save(db, ctx, "notice.publish", before, active).await
}

/// Withdraws a published notice with a public reason.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: NoticeId,
    version: i32,
    reason: String,
) -> ApiResult<notice::Model> {
    let before = current(db, id, version).await?;
    if before.status != NoticeStatus::Published {
        return Err(wrong_state(
            ErrorCode::NoticeNotPublished,
            id,
            before.status,
            "withdrawn",
        ));
    }
    let mut active: notice::ActiveModel = before.clone().into();
    active.status = Set(NoticeStatus::Withdrawn);
    active.withdrawal_reason = Set(Some(reason));
    save(db, ctx, "notice.withdraw", before, active).await
}

const VERSIONED: super::Versioned<notice::Column> = super::Versioned {
    id: notice::Column::Id,
    version: notice::Column::Version,
    updated_at: notice::Column::UpdatedAt,
    conflict: ErrorCode::NoticeVersionConflict,
    what: "Notice",
};

async fn save(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    action: &str,
    before: notice::Model,
    active: notice::ActiveModel,
) -> ApiResult<notice::Model> {
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
    before: Option<&notice::Model>,
    after: &notice::Model,
) -> ApiResult<()> {
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action,
            target_type: "notice",
            target_id: after.id.to_string(),
            before: before.map(audit_view),
            after: Some(audit_view(after)),
            at: ctx.now,
        },
    )
    .await?;
    outbox::enqueue(db, OutboxTarget::Notice, after.id.0, ctx.now).await?;
    Ok(())
}

/// One page of notices, newest first, with the total.
pub async fn list(
    db: &impl ConnectionTrait,
    status: Option<NoticeStatus>,
    page: Page,
) -> ApiResult<(Vec<notice::Model>, u64)> {
    let mut query = notice::Entity::find();
    if let Some(status) = status {
        query = query.filter(notice::Column::Status.eq(status));
    }
    let paginator = query
        .order_by_desc(notice::Column::CreatedAt)
        .order_by_asc(notice::Column::Id)
        .paginate(db, page.per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.page.saturating_sub(1)).await?;
    Ok((items, total))
}

/// Every notice, in any state, that links the code `uscc`, newest first.
pub async fn about(db: &impl ConnectionTrait, uscc: &str) -> ApiResult<Vec<notice::Model>> {
    // The linked codes are a JSON array; notices are few, so they are matched here.
    let all = notice::Entity::find()
        .order_by_desc(notice::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(all
        .into_iter()
        .filter(|n| {
            crate::services::projection::notice_usccs(n)
                .iter()
                .any(|c| c == uscc)
        })
        .collect())
}
