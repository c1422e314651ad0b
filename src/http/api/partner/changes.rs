//! The change feed (`/api/v1/partner/changes`) and its snapshot (`/api/v1/partner/snapshot`):
//! every public addition, change and removal in commit order, for agencies with the
//! `changes:read` scope.

use super::{Partner, ReadChanges};
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Json, Query};
use crate::input::screening::ChangesParams;
use crate::services::changes;
use crate::state::AppState;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// One public change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeOut {
    /// Sequence number, strictly increasing.
    pub seq: i64,
    /// The entry.
    pub entry_id: Uuid,
    /// `added`, `changed` or `removed`.
    pub change: String,
    /// `published`, `corrected`, `objection`, `withdrawn`, `expired`, `repaired`.
    pub reason: String,
    /// When it was committed.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The public entry after the change (masked; absent for removals). A natural person's ID
    /// number is in `subject_id_number_masked`, masked as on the public pages.
    #[schema(value_type = Option<Object>)]
    pub entry: Option<serde_json::Value>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"changes": [
    {"seq": 41, "entry_id": "0b6f7c8e-3f0e-4a51-9d2a-1c4b8e2f6a10", "change": "added", "reason": "published",
     "at": "2026-05-08T02:15:00Z", "entry": {"list": "black", "list_name": "重大税收违法失信主体", "subject_name": "汉中市天汉建设工程有限公司"}},
    {"seq": 42, "entry_id": "0b6f7c8e-3f0e-4a51-9d2a-1c4b8e2f6a10", "change": "removed", "reason": "withdrawn",
     "at": "2026-06-01T08:00:00Z", "entry": null}],
    "next_since": 42, "has_more": false}))]
pub struct ChangesPage {
    /// Changes after `since`, in order.
    pub changes: Vec<ChangeOut>,
    /// Send this as `since` next time.
    pub next_since: i64,
    /// Whether more changes are waiting.
    pub has_more: bool,
}

/// The change feed: public additions, changes and removals (expiry, repair and withdrawal
/// included) in a strictly increasing sequence. Store `next_since` and ask again.
#[utoipa::path(get, path = "/api/v1/partner/changes", tag = "partner", params(ChangesParams),
    responses((status = 200, body = ChangesPage)),
    security(("agency_key" = [])))]
async fn change_feed(
    State(state): State<AppState>,
    _key: Partner<ReadChanges>,
    Query(q): Query<ChangesParams>,
) -> ApiResult<Json<ChangesPage>> {
    let since = q.since.unwrap_or(0);
    let (rows, has_more) = changes::page(&state.db, since, q.limit.unwrap_or(500)).await?;
    let next_since = rows.last().map_or(since, |r| r.seq);
    Ok(Json(ChangesPage {
        changes: rows
            .into_iter()
            .map(|r| ChangeOut {
                seq: r.seq,
                entry_id: r.entry_id,
                change: r.change,
                reason: r.reason,
                at: r.at,
                entry: changes::present(r.document, state.config.id_mask),
            })
            .collect(),
        next_since,
        has_more,
    }))
}

/// A full snapshot of what the public sees, for a consumer starting the feed: JSON lines, one
/// `{"seq", "entry_id", "entry"}` per public entry (its last change), then one closing line
/// `{"snapshot": {"as_of", "entries", "sha256"}}` whose `sha256` covers every byte before it.
/// Continue with `GET /api/v1/partner/changes?since=<as_of>`. `as_of` is also in the
/// `X-Snapshot-As-Of` header. The body is streamed as it is read from one consistent state of
/// the database; a response cut short lacks the closing line.
#[utoipa::path(get, path = "/api/v1/partner/snapshot", tag = "partner",
    responses((status = 200, content_type = "application/x-ndjson", body = String,
            example = json!("{\"seq\":41,\"entry_id\":\"…\",\"entry\":{…}}\n{\"snapshot\":{\"as_of\":57,\"entries\":1,\"sha256\":\"…\"}}\n")),
    ),
    security(("agency_key" = [])))]
async fn feed_snapshot(
    State(state): State<AppState>,
    _key: Partner<ReadChanges>,
) -> ApiResult<axum::response::Response> {
    use axum::http::header::{CONTENT_TYPE, HeaderValue};
    use axum::response::IntoResponse;
    let txn = changes::begin_snapshot(&state.db).await?;
    let as_of = changes::last_seq(&txn).await?;
    // The first page is read before the answer starts, so that a failing database is a 503.
    let first = changes::snapshot_page(&txn, as_of, 0, changes::SNAPSHOT_PAGE).await?;
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    tokio::spawn(stream_snapshot(
        txn,
        as_of,
        first,
        state.config.id_mask,
        sender,
    ));
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    let header = |v: String| HeaderValue::from_str(&v).map_err(ApiError::internal);
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-ndjson"),
            ),
            (
                axum::http::HeaderName::from_static("x-snapshot-as-of"),
                header(as_of.to_string())?,
            ),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response())
}

/// One chunk of a streamed snapshot, or why it stopped.
type Chunk = Result<Vec<u8>, std::io::Error>;

/// Sends the snapshot page by page (starting with `page`, already read) and its closing line,
/// reading in `txn`; stops when the client has gone.
async fn stream_snapshot(
    txn: sea_orm::DatabaseTransaction,
    as_of: i64,
    mut page: Vec<entity::public_change::Model>,
    id_mask: crate::domain::IdMaskStyle,
    sender: tokio::sync::mpsc::Sender<Chunk>,
) {
    use sha2::{Digest, Sha256};
    #[derive(Serialize)]
    struct Line {
        seq: i64,
        entry_id: Uuid,
        entry: Option<serde_json::Value>,
    }
    let mut digest = Sha256::new();
    let mut count = 0usize;
    loop {
        let full = page.len() as u64 == changes::SNAPSHOT_PAGE;
        let after = page.last().map_or(as_of, |r| r.seq);
        let mut chunk = Vec::with_capacity(page.len() * 1024);
        for r in page {
            let line = Line {
                seq: r.seq,
                entry_id: r.entry_id,
                entry: changes::present(r.document, id_mask),
            };
            if let Err(e) = serde_json::to_writer(&mut chunk, &line) {
                let _ = sender.send(Err(std::io::Error::other(e))).await;
                return;
            }
            chunk.push(b'\n');
            count += 1;
        }
        digest.update(&chunk);
        if sender.send(Ok(chunk)).await.is_err() {
            return;
        }
        if !full {
            break;
        }
        page = match changes::snapshot_page(&txn, as_of, after, changes::SNAPSHOT_PAGE).await {
            Ok(page) => page,
            Err(e) => {
                tracing::error!(error = %e, "the snapshot stopped: the database failed");
                let _ = sender.send(Err(std::io::Error::other(e))).await;
                return;
            }
        };
    }
    let sha256 = hex::encode(digest.finalize());
    let closing =
        serde_json::json!({"snapshot": {"as_of": as_of, "entries": count, "sha256": sha256}});
    let mut chunk = closing.to_string().into_bytes();
    chunk.push(b'\n');
    let _ = sender.send(Ok(chunk)).await;
    // Read only: nothing to keep.
    let _ = txn.rollback().await;
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change_feed))
        .routes(routes!(feed_snapshot))
}
