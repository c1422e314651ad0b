//! `/api/v1/office/revisions`: corrections of published entries from agencies that are not
//! trusted, waiting for a reviewer. Approving one applies it to the entry (a new version, in the
//! index and the partner change feed); rejecting it leaves the entry as it is.

use super::entries::EntryOut;
use crate::error::{ApiResult, ErrorBody};
use crate::http::api::Paginated;
use crate::http::extract::{Json, Listing, Office, Path, Reviewer};
use crate::input::entries::{
    EntryFields, RejectIn, RevisionApproveIn, RevisionFilterParams, review_note, review_reason,
};
use crate::input::paging::PageParams;
use crate::services::{Page, entries, revisions};
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use entity::{RevisionId, RevisionStatus, entry_revision, list_entry};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A revision as the office sees it: what the agency proposes, and which fields it changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionOut {
    /// Opaque id.
    pub id: Uuid,
    /// The entry it would correct.
    pub entry_id: Uuid,
    /// The agency that sent it.
    pub agency_id: Uuid,
    /// The entry's version when it was sent.
    pub base_version: i32,
    /// The entry's fields as the agency sent them.
    #[schema(value_type = EntryFields)]
    pub proposed: Value,
    /// The fields whose proposed value differs from the entry's current one.
    pub changed_fields: Vec<String>,
    /// Lifecycle state.
    pub status: RevisionStatus,
    /// When it was sent.
    pub submitted_at: DateTime<Utc>,
    /// The reviewer who decided it.
    pub decided_by: Option<Uuid>,
    /// When it was decided or superseded.
    pub decided_at: Option<DateTime<Utc>>,
    /// The reviewer's note, or why it was rejected.
    pub decision_note: Option<String>,
    /// Current version.
    pub version: i32,
}

impl RevisionOut {
    fn new(r: entry_revision::Model, entry: Option<&list_entry::Model>) -> Self {
        let changed_fields = entry
            .and_then(|e| serde_json::to_value(EntryFields::from_model(e)).ok())
            .map(|now| {
                r.content
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(k, v)| now.get(k.as_str()).unwrap_or(&Value::Null) != *v)
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        Self {
            id: r.id.0,
            entry_id: r.entry_id.0,
            agency_id: r.agency_id.0,
            base_version: r.base_version,
            proposed: r.content,
            changed_fields,
            status: r.status,
            submitted_at: r.submitted_at,
            decided_by: r.decided_by.map(|s| s.0),
            decided_at: r.decided_at,
            decision_note: r.decision_note,
            version: r.version,
        }
    }
}

/// An approved revision and the entry it corrected.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovedRevisionOut {
    /// The revision, now `approved`.
    pub revision: RevisionOut,
    /// The entry with the approved content.
    pub entry: EntryOut,
}

/// List revisions, oldest first (`status=pending` is the review queue).
#[utoipa::path(get, path = "/api/v1/office/revisions", tag = "office", params(PageParams, RevisionFilterParams),
    responses((status = 200, body = Paginated<RevisionOut>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_revisions(
    State(state): State<AppState>,
    _staff: Office,
    Listing(filter, page): Listing<RevisionFilterParams, Page>,
) -> ApiResult<Json<Paginated<RevisionOut>>> {
    let (items, total) = revisions::list(&state.db, filter.filter(), page).await?;
    let found = entries::get_many(&state.db, items.iter().map(|r| r.entry_id)).await?;
    let out = items
        .into_iter()
        .map(|r| {
            let entry = found.get(&r.entry_id);
            RevisionOut::new(r, entry)
        })
        .collect();
    Ok(Json(Paginated::new(out, page, total)))
}

/// Read a revision, with the fields it would change.
#[utoipa::path(get, path = "/api/v1/office/revisions/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Revision id")),
    responses((status = 200, body = RevisionOut), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn read_revision(
    State(state): State<AppState>,
    _staff: Office,
    Path(id): Path<RevisionId>,
) -> ApiResult<Json<RevisionOut>> {
    let r = revisions::get(&state.db, id).await?;
    let entry = entries::get(&state.db, r.entry_id).await?;
    Ok(Json(RevisionOut::new(r, Some(&entry))))
}

/// Approve a pending revision (reviewers): the entry takes the proposed content at once.
#[utoipa::path(post, path = "/api/v1/office/revisions/{id}/approve", tag = "office",
    params(("id" = Uuid, Path, description = "Revision id")), request_body = RevisionApproveIn,
    responses((status = 200, body = ApprovedRevisionOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn approve_revision(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<RevisionId>,
    Json(input): Json<RevisionApproveIn>,
) -> ApiResult<Json<ApprovedRevisionOut>> {
    let note = review_note(input.note)?;
    let by = staff.id();
    let (revision, entry) = state
        .write(staff.actor(), async |txn, ctx| {
            revisions::approve(txn, ctx, id, input.version, by, note).await
        })
        .await?;
    tracing::info!(revision.id = %revision.id, entry.id = %entry.id, "revision approved");
    Ok(Json(ApprovedRevisionOut {
        revision: RevisionOut::new(revision, Some(&entry)),
        entry: entry.into(),
    }))
}

/// Reject a pending revision with the reason (reviewers); the entry stays as it is.
#[utoipa::path(post, path = "/api/v1/office/revisions/{id}/reject", tag = "office",
    params(("id" = Uuid, Path, description = "Revision id")), request_body = RejectIn,
    responses((status = 200, body = RevisionOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reject_revision(
    State(state): State<AppState>,
    staff: Office<Reviewer>,
    Path(id): Path<RevisionId>,
    Json(input): Json<RejectIn>,
) -> ApiResult<Json<RevisionOut>> {
    let reason = review_reason(input.reason)?;
    let by = staff.id();
    let (revision, entry) = state
        .write(staff.actor(), async |txn, ctx| {
            let revision = revisions::reject(txn, ctx, id, input.version, by, reason).await?;
            let entry = entries::get(txn, revision.entry_id).await?;
            Ok((revision, entry))
        })
        .await?;
    Ok(Json(RevisionOut::new(revision, Some(&entry))))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_revisions))
        .routes(routes!(read_revision))
        .routes(routes!(approve_revision))
        .routes(routes!(reject_revision))
}
