//! `POST /api/v1/partner/batches`: an agency submits subjects and entries in bulk.
//! Every record is checked on its own and answered on its own: accepted, updated, unchanged, or
//! rejected with the reason. The natural key (deciding authority, document number) makes a
//! repeated batch change nothing; an agency can only touch records whose data source it is.

use super::{Partner, SubmitEntries};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::extract::Json;
use crate::services::intake::{self, Outcome};
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, State};
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
#[schema(example = json!({"records": [{
    "subject": {"kind": "legal_person", "name": "汉中市天汉建设工程有限公司", "uscc": "91610702MA6YL3K09Y"},
    "entry": {"list": "black", "list_name": "重大税收违法失信主体", "severity": "serious",
              "reason": "虚开增值税专用发票", "legal_basis": "《重大税收违法失信主体信息公布管理办法》第六条",
              "authority_name": "国家税务总局汉中市税务局", "document_number": "汉税稽罚〔2026〕56号",
              "decision_date": "2026-05-01"}}]}))]
pub struct BatchIn {
    /// Records, each a `RecordIn` (`{subject, entry}`). Each is checked on its own, so one bad
    /// record — of any shape — is answered as rejected in its result and does not fail the rest.
    #[schema(value_type = Vec<serde_json::Value>, max_items = 5000)]
    pub records: Records,
}

/// The records of a batch as read: at most [`MAX_RECORDS`] kept, the others only counted while
/// the body is parsed (skipped without being built), so an oversize batch costs no more memory
/// than its bytes.
#[derive(Debug)]
pub enum Records {
    /// Within the limit.
    Kept(Vec<serde_json::Value>),
    /// Over it: how many were sent.
    TooMany(usize),
}

impl<'de> Deserialize<'de> for Records {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Counting;
        impl<'de> serde::de::Visitor<'de> for Counting {
            type Value = Records;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of records")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Records, A::Error> {
                let mut kept = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_RECORDS));
                while kept.len() < MAX_RECORDS {
                    match seq.next_element::<serde_json::Value>()? {
                        Some(record) => kept.push(record),
                        None => return Ok(Records::Kept(kept)),
                    }
                }
                if seq.next_element::<serde::de::IgnoredAny>()?.is_none() {
                    return Ok(Records::Kept(kept));
                }
                drop(kept);
                let mut count = MAX_RECORDS + 1;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    count += 1;
                }
                Ok(Records::TooMany(count))
            }
        }
        deserializer.deserialize_seq(Counting)
    }
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
    /// The revision waiting for review (`held_for_review` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_id: Option<Uuid>,
    /// A checksum warning stored with an early pilot-area code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// Why it was refused: the same `{code, type, message, link}` as any error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

/// The answer for a batch.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"received": 2, "accepted": 1, "updated": 0, "held_for_review": 0, "unchanged": 0, "rejected": 1,
    "published_directly": false, "results": [
        {"index": 0, "outcome": "accepted", "entry_id": "0b6f7c8e-3f0e-4a51-9d2a-1c4b8e2f6a10",
         "subject_id": "5d0c2a9b-7e41-4f3a-8b6d-2a9e1f7c3b24"},
        {"index": 1, "outcome": "rejected", "error": {"code": "invalid_subject_uscc", "type": "invalid_request",
         "message": "`uscc`: `9161070MA6YL3K09Y` is not a valid unified social credit code: must be 18 characters, found 17",
         "link": "/api/errors#invalid_subject_uscc"}}]}))]
pub struct BatchOut {
    /// Records received.
    pub received: usize,
    /// New entries.
    pub accepted: usize,
    /// Corrected entries.
    pub updated: usize,
    /// Corrections of published entries waiting for review (an agency that is not trusted): the
    /// public keeps seeing the approved version until a reviewer approves them.
    pub held_for_review: usize,
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
///
/// The body may have up to `XINYONG_MAX_BATCH_BYTES` (32 MiB by default); its bytes are counted
/// as they arrive and a larger one is refused with 413 once the limit is passed (or at once if
/// its `Content-Length` says so). Records past 5,000 are counted, not read.
#[utoipa::path(post, path = "/api/v1/partner/batches", tag = "partner", request_body = BatchIn,
    responses((status = 200, body = BatchOut)),
    security(("agency_key" = [])))]
async fn submit_batch(
    State(state): State<AppState>,
    partner: Partner<SubmitEntries>,
    Json(batch): Json<BatchIn>,
) -> ApiResult<Json<BatchOut>> {
    let records = match batch.records {
        Records::Kept(records) => records,
        Records::TooMany(count) => {
            return Err(ApiError::new(
                ErrorCode::BatchTooLarge,
                format!("`records`: {count} records; at most {MAX_RECORDS} per call."),
            ));
        }
    };
    let today = state.clock.today();
    let records = records
        .into_iter()
        .map(|raw| intake::parse_record(raw, &partner.agency, today))
        .collect();
    let agency = &partner.agency;
    let verdicts = state
        .write(format!("agency:{}", agency.id), async |txn, ctx| {
            intake::submit(txn, ctx, agency, "api", records).await
        })
        .await?;
    let mut out = BatchOut {
        received: verdicts.len(),
        accepted: 0,
        updated: 0,
        held_for_review: 0,
        unchanged: 0,
        rejected: 0,
        published_directly: partner.agency.trusted,
        results: Vec::with_capacity(verdicts.len()),
    };
    for (index, v) in verdicts.into_iter().enumerate() {
        *match v.outcome {
            Outcome::Accepted => &mut out.accepted,
            Outcome::Updated => &mut out.updated,
            Outcome::HeldForReview => &mut out.held_for_review,
            Outcome::Unchanged => &mut out.unchanged,
            Outcome::Rejected => &mut out.rejected,
        } += 1;
        out.results.push(RecordResult {
            index,
            outcome: v.outcome,
            entry_id: v.entry.map(|id| id.0),
            subject_id: v.subject.map(|id| id.0),
            revision_id: v.revision.map(|id| id.0),
            warning: v.warning,
            error: v.error.map(|e| e.body()),
        });
    }
    tracing::info!(agency.id = %partner.agency.id, accepted = out.accepted, updated = out.updated, held_for_review = out.held_for_review, unchanged = out.unchanged, rejected = out.rejected, "partner batch");
    Ok(Json(out))
}

/// The routes of this module; a batch body may have up to `max_bytes` (counted while it is
/// received).
pub fn router(max_bytes: usize) -> OpenApiRouter<AppState> {
    // Batches are large: 5,000 records need more than the default body limit.
    OpenApiRouter::new()
        .routes(routes!(submit_batch))
        .layer(DefaultBodyLimit::max(max_bytes))
}
