//! `POST /api/v1/partner/batches`: an agency submits subjects and entries in bulk (DOMAIN.md §5).
//! Every record is checked on its own and answered on its own: accepted, updated, unchanged, or
//! rejected with the reason. The natural key (deciding authority, document number) makes a
//! repeated batch change nothing; an agency can only touch records whose data source it is.

use super::office::entries::{EntryFields, parse_fields};
use super::office::subjects::{SubjectIn, parse_subject_from};
use super::partner::Partner;
use crate::db::begin_write;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::extract::Json;
use crate::services::entries::{EntryContent, correct, create_from_partner};
use crate::services::{WriteCtx, subjects};
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, State};
use entity::{agency, list_entry, subject};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Most records in one call.
pub const MAX_RECORDS: usize = 5000;

/// A batch of records.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchIn {
    /// Records, each `{subject, entry}`; checked one by one, so one bad record does not fail the rest.
    #[schema(value_type = Vec<RecordIn>)]
    pub records: Vec<serde_json::Value>,
}

/// One record: the subject and its listing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordIn {
    /// The subject (found by code or ID number; created if new).
    pub subject: SubjectIn,
    /// The listing; the data source is the agency itself.
    pub entry: EntryFields,
}

/// What happened to one record.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new entry.
    Accepted,
    /// An existing entry of this agency, corrected (new version, audit event).
    Updated,
    /// Already there, identical.
    Unchanged,
    /// Refused; see `error`.
    Rejected,
}

/// The answer for one record.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordResult {
    /// Position in the batch, from 0.
    pub index: usize,
    /// Outcome.
    pub outcome: Outcome,
    /// The entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<Uuid>,
    /// The subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_id: Option<Uuid>,
    /// A checksum warning stored with an early pilot-area code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// Why it was refused: the same `{code, type, message, link}` as any error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

/// The answer for a batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchOut {
    /// Records received.
    pub received: usize,
    /// New entries.
    pub accepted: usize,
    /// Corrected entries.
    pub updated: usize,
    /// Identical resubmissions.
    pub unchanged: usize,
    /// Refused records.
    pub rejected: usize,
    /// Whether accepted entries were published at once (a trusted agency) or wait for review.
    pub published_directly: bool,
    /// One result per record, in order.
    pub results: Vec<RecordResult>,
}

/// Submit up to 5,000 records (subjects and entries together). Needs the `entries:submit` scope.
#[utoipa::path(post, path = "/api/v1/partner/batches", tag = "partner", request_body = BatchIn,
    responses((status = 200, body = BatchOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
async fn submit(
    State(state): State<AppState>,
    partner: Partner,
    Json(batch): Json<BatchIn>,
) -> ApiResult<Json<BatchOut>> {
    partner.require("entries:submit")?;
    if batch.records.len() > MAX_RECORDS {
        return Err(ApiError::new(
            ErrorCode::BatchTooLarge,
            format!(
                "`records`: {} records; at most {MAX_RECORDS} per call.",
                batch.records.len()
            ),
        ));
    }
    let ctx = state.write_ctx(format!("agency:{}", partner.agency.id));
    let txn = begin_write(&state.db).await?;
    let mut out = BatchOut {
        received: batch.records.len(),
        accepted: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        published_directly: partner.agency.trusted,
        results: Vec::with_capacity(batch.records.len()),
    };
    for (index, raw) in batch.records.into_iter().enumerate() {
        // Each record in a savepoint: a failure undoes that record only.
        let savepoint = txn.begin().await?;
        let result = match record(&savepoint, &ctx, &partner.agency, raw).await {
            Ok(r) => {
                savepoint.commit().await?;
                r
            }
            Err(e) => {
                savepoint.rollback().await?;
                if e.code == ErrorCode::Internal || e.code == ErrorCode::DatabaseUnavailable {
                    return Err(e);
                }
                Done {
                    outcome: Outcome::Rejected,
                    entry: None,
                    subject: None,
                    warning: None,
                    error: Some(e.body()),
                }
            }
        };
        match result.outcome {
            Outcome::Accepted => out.accepted += 1,
            Outcome::Updated => out.updated += 1,
            Outcome::Unchanged => out.unchanged += 1,
            Outcome::Rejected => out.rejected += 1,
        }
        out.results.push(RecordResult {
            index,
            outcome: result.outcome,
            entry_id: result.entry,
            subject_id: result.subject,
            warning: result.warning,
            error: result.error,
        });
    }
    txn.commit().await?;
    tracing::info!(agency.id = %partner.agency.id, accepted = out.accepted, updated = out.updated, unchanged = out.unchanged, rejected = out.rejected, "partner batch");
    Ok(Json(out))
}

struct Done {
    outcome: Outcome,
    entry: Option<Uuid>,
    subject: Option<Uuid>,
    warning: Option<String>,
    error: Option<ErrorBody>,
}

async fn record(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    agency: &agency::Model,
    raw: serde_json::Value,
) -> ApiResult<Done> {
    let input: RecordIn = serde_json::from_value(raw).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidRequestBody,
            format!("The record does not fit: {e}"),
        )
    })?;
    let new_subject = parse_subject_from(input.subject, ctx.today, true)?;
    let mut fields = input.entry;
    if fields.subject_id.is_some() || fields.version.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidEntryField,
            "`subject_id` and `version` are not sent by partners.",
        ));
    }
    if let Some(source) = fields
        .source_uscc
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        && !source.eq_ignore_ascii_case(&agency.uscc)
    {
        return Err(ApiError::field(
            ErrorCode::InvalidEntryField,
            "source_uscc",
            source,
            "is not the submitting agency: the data source must be the agency itself",
        ));
    }
    fields.source_name = Some(agency.name.clone());
    fields.source_uscc = Some(agency.uscc.clone());
    let content = parse_fields(fields, ctx.today)?;
    let warning = new_subject.uscc_warning.clone();

    let existing_subject = match (&new_subject.uscc, &new_subject.id_number) {
        (Some(code), _) => {
            subject::Entity::find()
                .filter(subject::Column::Uscc.eq(code.as_str()))
                .one(db)
                .await?
        }
        (None, Some(n)) => {
            subject::Entity::find()
                .filter(subject::Column::IdNumberHash.eq(ctx.keys.keyed_hash(n.as_str())))
                .one(db)
                .await?
        }
        (None, None) => None,
    };
    let subject = match existing_subject {
        Some(s) => s,
        None => subjects::create(db, ctx, new_subject).await?,
    };
    let existing = list_entry::Entity::find()
        .filter(list_entry::Column::AuthorityName.eq(content.authority_name.as_str()))
        .filter(list_entry::Column::DocumentNumber.eq(content.document_number.as_str()))
        .one(db)
        .await?;
    let done = |outcome, entry: &list_entry::Model| Done {
        outcome,
        entry: Some(entry.id.0),
        subject: Some(subject.id.0),
        warning: warning.clone(),
        error: None,
    };
    let Some(existing) = existing else {
        let entry = create_from_partner(db, ctx, subject.id, content, agency.trusted).await?;
        return Ok(done(Outcome::Accepted, &entry));
    };
    if existing.source_uscc.as_deref() != Some(agency.uscc.as_str()) {
        return Err(ApiError::new(
            ErrorCode::EntryOwnedByAnotherAgency,
            format!(
                "Decision `{}` of `{}` was submitted by another data source.",
                content.document_number, content.authority_name
            ),
        ));
    }
    if existing.subject_id != subject.id {
        return Err(ApiError::new(
            ErrorCode::InvalidEntryField,
            format!(
                "Decision `{}` is already recorded for another subject.",
                content.document_number
            ),
        ));
    }
    if stored_content(&existing, ctx).as_ref() == Some(&content) {
        return Ok(done(Outcome::Unchanged, &existing));
    }
    let entry = correct(db, ctx, existing, content).await?;
    Ok(done(Outcome::Updated, &entry))
}

fn stored_content(e: &list_entry::Model, ctx: &WriteCtx<'_>) -> Option<EntryContent> {
    let mut fields = EntryFields::from_model(e);
    fields.subject_id = None;
    fields.version = None;
    parse_fields(fields, ctx.today).ok()
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    // Batches are large: 5,000 records need more than the default body limit.
    OpenApiRouter::new()
        .routes(routes!(submit))
        .layer(DefaultBodyLimit::max(32 * 1024 * 1024))
}
