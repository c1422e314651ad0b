//! `/api/v1/office/session`: console login and logout. A login answers with an HttpOnly,
//! `SameSite=Strict` session cookie (`Secure` over https) and the session's CSRF token, which
//! every state-changing request of the session sends back as `X-CSRF-Token`.

use super::staff::StaffOut;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::extract::{Credential, Json, Office, SESSION_COOKIE};
use crate::http::ratelimit::ClientAddr;
use crate::input::staff::LoginIn;
use crate::services::sessions::{self, Outcome, Policy};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Who is logged in, and how.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    /// The member.
    pub staff: StaffOut,
    /// `session` (console cookie) or `token` (bearer token).
    pub credential: String,
    /// The CSRF token of a console session (absent for bearer tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    /// When the session or token expires.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The session cookie's `Set-Cookie` value (empty with `max_age` 0 clears it).
pub(crate) fn cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("xinyong_session=; Path=/; Max-Age=0"))
}

/// Whether the cookie gets `Secure`: configured, or the request came over https.
pub(crate) fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Log in to the console with a login name, password and (if set up) the TOTP code. Failures
/// are counted per account (it is locked for a while after several in a row) and limited per
/// client address; every login and failure is audited.
#[utoipa::path(post, path = "/api/v1/office/session", tag = "office", request_body = LoginIn,
    responses((status = 200, body = SessionOut, headers(("set-cookie" = String, description = "The session cookie"))),
        (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Json(input): Json<LoginIn>,
) -> ApiResult<Response> {
    if let Err(wait) = state.login_limiter.check(client.key()) {
        let mut err = ApiError::new(
            ErrorCode::LoginThrottled,
            format!("Too many logins from this address; retry after {wait} seconds."),
        );
        err.retry_after = Some(wait);
        return Err(err);
    }
    let policy = Policy::of(&state.config);
    let attempt = input.parse(client.ip.to_string());
    let outcome = state
        .write("anonymous".into(), async |txn, ctx| {
            sessions::login(txn, ctx, attempt, policy).await
        })
        .await?;
    let opened = match outcome {
        Outcome::Opened(opened) => opened,
        Outcome::Refused(err) => return Err(err),
    };
    let max_age = (opened.session.expires_at - state.clock.now()).num_seconds();
    let mut response = Json(SessionOut {
        csrf_token: Some(opened.session.csrf_token.clone()),
        expires_at: Some(opened.session.expires_at),
        credential: "session".into(),
        staff: opened.member.into(),
    })
    .into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie(&opened.token, max_age, secure(&state, &headers)),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Who is logged in: the member behind the session cookie or bearer token, with the session's
/// CSRF token.
#[utoipa::path(get, path = "/api/v1/office/session", tag = "office",
    responses((status = 200, body = SessionOut)),
    security(("bearer" = [])))]
async fn current(me: Office) -> ApiResult<Json<SessionOut>> {
    let (credential, csrf_token, expires_at) = match &me.credential {
        Credential::Session(s) => ("session", Some(s.csrf_token.clone()), Some(s.expires_at)),
        Credential::Token(t) => ("token", None, t.expires_at),
    };
    Ok(Json(SessionOut {
        staff: me.member.into(),
        credential: credential.into(),
        csrf_token,
        expires_at,
    }))
}

/// Log out: the session ends at once and its cookie is cleared. With a bearer token there is no
/// session to end (revoke the token instead).
#[utoipa::path(delete, path = "/api/v1/office/session", tag = "office",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: Office,
) -> ApiResult<Response> {
    if let Credential::Session(session) = &me.credential {
        let id = session.id;
        let member = me.member.clone();
        state
            .write(me.actor(), async |txn, ctx| {
                sessions::logout(txn, ctx, &member, id).await
            })
            .await?;
    }
    let mut response = axum::http::StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie("", 0, secure(&state, &headers)));
    Ok(response)
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login, current, logout))
}
