//! Credit reports (信用报告), proofs of a search (查询证明) and their verification. A report or
//! proof is a signed JSON document (Ed25519; see `/.well-known/xinyong-keys.json`); the site keeps
//! each one as issued, so anyone holding its verification code can see it as it was, whether it
//! is genuine, and whether the record it describes has changed since.

use crate::error::{ApiResult, ErrorBody};
use crate::http::extract::{Json, Path, Query};
use crate::http::ratelimit::ClientAddr;
use crate::input::lookup::LookupParams;
use crate::input::reports::ReportRequestIn;
use crate::services::reports::{self, ProofQuery, SignedProof, SignedReport, Verification};
use crate::state::AppState;
use axum::extract::State;
use entity::SubjectId;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Issue a credit report (信用报告) on a public organisation or individual business, as of now.
///
/// The report lists the subject's identity, every public red, black and key-attention entry and
/// every published notice about it, what it does not cover, the moment of issue (Beijing time), a
/// report number and a verification code. It is signed: `signature` is Ed25519 over the
/// canonical JSON (keys sorted, no white space) of every other member, with the key `key_id`
/// published at `/.well-known/xinyong-keys.json`. Each call issues (and keeps) a new report;
/// issuing is limited per client (`too_many_reports`). A natural person's report is issued only
/// to the person: `POST` with the name and ID number (here: 403 `report_needs_standing`).
#[utoipa::path(get, path = "/api/v1/subjects/{id}/report", tag = "public",
    params(("id" = Uuid, Path, description = "Subject id")),
    responses((status = 200, body = SignedReport), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn issue_report(
    State(state): State<AppState>,
    client: ClientAddr,
    Path(id): Path<SubjectId>,
) -> ApiResult<Json<Value>> {
    reports::count_issue(&state, client.key())?;
    Ok(Json(
        reports::issue_report(&state, id, None).await?.document,
    ))
}

/// Issue a credit report on a natural person, to that person: the name and resident ID number,
/// exactly as registered, go in the body (never in an address). Anyone else gets 403
/// `report_needs_standing`, saying neither which part failed nor what is stored. The report
/// shows the person as the public profile does (the ID number masked). Organisations may be
/// asked for here too (the body is then ignored).
#[utoipa::path(post, path = "/api/v1/subjects/{id}/report", tag = "public",
    params(("id" = Uuid, Path, description = "Subject id")), request_body = ReportRequestIn,
    responses((status = 200, body = SignedReport), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn issue_report_to_person(
    State(state): State<AppState>,
    client: ClientAddr,
    Path(id): Path<SubjectId>,
    Json(body): Json<Value>,
) -> ApiResult<Json<Value>> {
    // Read as a value first: a struct of optional fields would also take an array.
    let input: ReportRequestIn = match body {
        Value::Object(_) => serde_json::from_value(body).map_err(|e| {
            crate::error::ApiError::new(
                crate::error::ErrorCode::InvalidRequestBody,
                format!("The body does not fit: {e}"),
            )
        })?,
        _ => {
            return Err(crate::error::ApiError::new(
                crate::error::ErrorCode::InvalidRequestBody,
                "The body does not fit: it must be an object with `subject_name` and `subject_id_number`.",
            ));
        }
    };
    input.check()?;
    reports::count_issue(&state, client.key())?;
    let claim = if reports::is_person(&state, id).await? {
        Some(input.claim(state.clock.today())?)
    } else {
        None
    };
    Ok(Json(
        reports::issue_report(&state, id, claim).await?.document,
    ))
}

/// Issue a signed proof of a credit lookup (查询证明): the query, the moment, and the subjects
/// found (the first 50, with the total), or that nothing was found. Takes the lookup's own
/// parameters (`q` required); a natural person's lookup has no proof. Limited per client like
/// reports.
#[utoipa::path(get, path = "/api/v1/lookup/proof", tag = "public", params(LookupParams),
    responses((status = 200, body = SignedProof), (status = 400, body = ErrorBody),
        (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn issue_proof(
    State(state): State<AppState>,
    client: ClientAddr,
    Query(params): Query<LookupParams>,
) -> ApiResult<Json<Value>> {
    params.criteria()?;
    reports::count_issue(&state, client.key())?;
    Ok(Json(
        reports::issue_proof(&state, proof_query(params))
            .await?
            .document,
    ))
}

/// The proof's query from the lookup's parameters.
pub fn proof_query(p: LookupParams) -> ProofQuery {
    ProofQuery {
        q: p.q.unwrap_or_default().trim().to_owned(),
        list: p.list,
        list_name: p.list_name,
        region: p.region,
        authority: p.authority,
        kind: p.kind,
        year: p.year,
    }
}

/// Verify a report or proof by its verification code: the document as issued, whether its
/// signature holds, and whether the subject's public record (or the search's answer) has changed
/// since. Dashes, spaces and case in the code do not matter.
#[utoipa::path(get, path = "/api/v1/reports/{verification_code}", tag = "public",
    params(("verification_code" = String, Path, description = "验证码, e.g. `7KQ2-M9ZD-4RTW-8HNC`")),
    responses((status = 200, body = Verification), (status = 404, body = ErrorBody)))]
async fn verify_code(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<Verification>> {
    Ok(Json(reports::verify_code(&state, &code).await?))
}

/// Verify a signed document someone holds (a report, a proof or a screening receipt, as JSON):
/// whether the signature is one of this site's keys over exactly this content, whether the site
/// keeps the same document, and whether the record has changed since. A document that is not
/// genuine is answered 200 with `genuine: false` and the `problem`.
#[utoipa::path(post, path = "/api/v1/verify", tag = "public",
    request_body(content = Object, description = "The signed document, as issued"),
    responses((status = 200, body = Verification), (status = 400, body = ErrorBody)))]
async fn verify_document(
    State(state): State<AppState>,
    Json(document): Json<Value>,
) -> ApiResult<Json<Verification>> {
    if !document.is_object() {
        return Err(crate::error::ApiError::new(
            crate::error::ErrorCode::InvalidRequestBody,
            "The body does not fit: a signed document is a JSON object.",
        ));
    }
    Ok(Json(reports::verify_document(&state, document).await?))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue_report, issue_report_to_person))
        .routes(routes!(issue_proof))
        .routes(routes!(verify_code))
        .routes(routes!(verify_document))
}
