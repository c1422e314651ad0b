//! Extractors whose rejections speak the error contract: malformed JSON, unknown fields, wrong
//! types, oversize bodies, bad path segments and query strings all answer `{code, type, message,
//! link}`; so do missing or bad credentials.

use crate::error::{ApiError, ErrorCode};
use crate::input::paging::{PageParams, public_page};
use crate::input::validation_error;
use crate::services::Page;
use crate::services::public::PublicPage;
use crate::state::AppState;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use entity::{StaffId, StaffRole, staff};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use validator::Validate;

/// JSON body in and out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    /// The body is read through the route's body limit (`DefaultBodyLimit`, counted by
    /// `http_body_util::Limited` as the bytes arrive, so an oversize body is refused once the
    /// limit is passed, not after it is all received) and a body that declares a larger
    /// `Content-Length` is refused before a byte of it is read.
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let req = limited(req)?;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// A JSON body with the SHA-256 (hex) of its bytes exactly as received, for a receipt that names
/// the request. Read and refused like [`Json`].
#[derive(Debug, Clone)]
pub struct DigestedJson<T>(pub T, pub String);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for DigestedJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let req = limited(req)?;
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .is_some_and(|m| {
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::new(
                ErrorCode::InvalidContentType,
                "Send the body as JSON with `Content-Type: application/json`.",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| {
                if std::error::Error::source(&rejection).is_some_and(crate::http::limits::is_body_timeout) {
                    ApiError::new(
                        ErrorCode::RequestTimeout,
                        "The body was not received in time: it paused longer than the server waits for its next part.",
                    )
                } else if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    ApiError::new(
                        ErrorCode::MalformedPayload,
                        format!("The body could not be read: {}", rejection.body_text()),
                    )
                }
            })?;
        let digest = crate::crypto::sha256_hex(&bytes);
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(value)) => Ok(DigestedJson(value, digest)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// The request with its body read through the route's body limit, refused at once when its
/// declared `Content-Length` is over that limit.
fn limited(req: Request) -> Result<Request, ApiError> {
    use axum::RequestExt as _;
    use axum::body::HttpBody as _;
    let req = req.with_limited_body();
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // The limited body's size hint is capped at the limit (exact when the declared length
    // reaches it), so a declared length above the hint's upper bound is over the limit.
    if let (Some(declared), Some(max)) = (declared, req.body().size_hint().upper())
        && declared > max
    {
        return Err(too_large());
    }
    Ok(req)
}

fn too_large() -> ApiError {
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        "The body is larger than the server accepts.",
    )
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    if std::error::Error::source(&rejection).is_some_and(crate::http::limits::is_body_timeout) {
        return ApiError::new(
            ErrorCode::RequestTimeout,
            "The body was not received in time: it paused longer than the server waits for its next part.",
        );
    }
    let text = rejection.body_text();
    match rejection {
        JsonRejection::JsonDataError(_) => ApiError::new(
            ErrorCode::InvalidRequestBody,
            format!(
                "The body does not fit: {}",
                text.trim_start_matches(
                    "Failed to deserialize the JSON body into the target type: "
                )
            ),
        ),
        JsonRejection::JsonSyntaxError(_) => ApiError::new(
            ErrorCode::MalformedPayload,
            format!(
                "The body is not valid JSON: {}",
                text.trim_start_matches("Failed to parse the request body as JSON: ")
            ),
        ),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            ErrorCode::InvalidContentType,
            "Send the body as JSON with `Content-Type: application/json`.",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        other => ApiError::new(
            ErrorCode::MalformedPayload,
            format!("The body could not be read: {}", other.body_text()),
        ),
    }
}

/// Path parameters.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Path(v))
            .map_err(|rejection: PathRejection| {
                ApiError::new(
                    ErrorCode::InvalidPathParameter,
                    format!("Bad path: {}", rejection.body_text()),
                )
            })
    }
}

/// Query-string parameters, checked with `validator`.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Validate> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state)
                .await
                .map_err(|rejection: QueryRejection| {
                    ApiError::new(
                        ErrorCode::InvalidQueryParameter,
                        format!(
                            "Bad query string: {}",
                            rejection
                                .body_text()
                                .trim_start_matches("Failed to deserialize query string: ")
                        ),
                    )
                })?;
        value
            .validate()
            .map_err(|e| validation_error(ErrorCode::InvalidQueryParameter, &e))?;
        Ok(Query(value))
    }
}

/// The bearer token of a request, if it sent one (staff tokens and agency keys alike).
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// What a route needs of a staff member. Administrators may do everything.
pub trait Role: Send + Sync + 'static {
    /// The roles allowed besides `admin`.
    const ALLOWED: &'static [StaffRole];
}

/// Any staff member.
#[derive(Debug, Clone, Copy)]
pub struct AnyStaff;
/// Editors (makers) and administrators.
#[derive(Debug, Clone, Copy)]
pub struct Editor;
/// Reviewers (checkers) and administrators.
#[derive(Debug, Clone, Copy)]
pub struct Reviewer;
/// Administrators only.
#[derive(Debug, Clone, Copy)]
pub struct Admin;

impl Role for AnyStaff {
    const ALLOWED: &'static [StaffRole] = &[StaffRole::Editor, StaffRole::Reviewer];
}
impl Role for Editor {
    const ALLOWED: &'static [StaffRole] = &[StaffRole::Editor];
}
impl Role for Reviewer {
    const ALLOWED: &'static [StaffRole] = &[StaffRole::Reviewer];
}
impl Role for Admin {
    const ALLOWED: &'static [StaffRole] = &[];
}

/// The name of the console's session cookie.
pub const SESSION_COOKIE: &str = "xinyong_session";

/// The value of a request's cookie `name`, if it sent one.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// How a staff member authenticated.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A bearer token.
    Token(entity::staff_token::Model),
    /// A console session (its state-changing requests carried its CSRF token).
    Session(entity::staff_session::Model),
}

/// An authenticated staff member (a bearer token, or a console session cookie) whose role allows
/// `R`: the route's role check is in its signature, so no handler checks roles by hand. A
/// session's state-changing requests must carry its CSRF token in `X-CSRF-Token`.
#[derive(Debug, Clone)]
pub struct Office<R: Role = AnyStaff> {
    /// The member.
    pub member: staff::Model,
    /// How they authenticated.
    pub credential: Credential,
    role: PhantomData<R>,
}

impl<R: Role> Office<R> {
    /// The audit actor label.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.member.id)
    }

    /// The member's id.
    pub fn id(&self) -> StaffId {
        self.member.id
    }

    /// Whether the member is an administrator.
    pub fn is_admin(&self) -> bool {
        self.member.role == StaffRole::Admin
    }
}

/// The member behind a request's bearer token or session cookie, whatever their role.
pub async fn authenticate(
    parts: &Parts,
    state: &AppState,
) -> Result<(staff::Model, Credential), ApiError> {
    let now = state.clock.now();
    if let Some(token) = bearer_token(parts) {
        let (member, token) = crate::services::staff::authenticate(&state.db, token, now).await?;
        return Ok((member, Credential::Token(token)));
    }
    let Some(cookie) = cookie(parts, SESSION_COOKIE) else {
        return Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "Send a staff token as `Authorization: Bearer <token>`.",
        ));
    };
    let policy = crate::services::sessions::Policy::of(&state.config);
    let (member, session) =
        crate::services::sessions::current(&state.db, cookie, now, policy).await?;
    let safe = matches!(
        parts.method,
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    let sent = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !safe && !crate::crypto::constant_time_eq(sent, &session.csrf_token) {
        return Err(ApiError::new(
            ErrorCode::CsrfFailed,
            "Send the session's CSRF token as `X-CSRF-Token`.",
        ));
    }
    Ok((member, Credential::Session(session)))
}

impl<R: Role> FromRequestParts<AppState> for Office<R> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (member, credential) = authenticate(parts, state).await?;
        tracing::Span::current().record("staff.id", tracing::field::display(member.id));
        if member.role != StaffRole::Admin && !R::ALLOWED.contains(&member.role) {
            let role = crate::services::projection::enum_str(member.role);
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                format!("The role `{role}` may not do this."),
            ));
        }
        Ok(Office {
            member,
            credential,
            role: PhantomData,
        })
    }
}

/// A listing's query string: the filters `F` and the checked page `P` ([`Page`] for office
/// listings, [`PublicPage`] for public ones). The page parameters are taken out first, so `F`
/// can still refuse unknown parameters.
#[derive(Debug)]
pub struct Listing<F, P = Page>(pub F, pub P);

impl<S, F, P> FromRequestParts<S> for Listing<F, P>
where
    S: Send + Sync,
    F: DeserializeOwned + Validate,
    P: PageFields,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let (filters, page) = parse_listing(parts.uri.query().unwrap_or_default())?;
        Ok(Listing(filters, page))
    }
}

/// A listing's query string read as [`Listing`] reads it: the page parameters taken out and
/// checked, the rest parsed and validated as the filters `F`.
pub fn parse_listing<F, P>(query: &str) -> Result<(F, P), ApiError>
where
    F: DeserializeOwned + Validate,
    P: PageFields,
{
    let bad = |detail: &str| {
        ApiError::new(
            ErrorCode::InvalidQueryParameter,
            format!("Bad query string: {detail}"),
        )
    };
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query).map_err(|e| bad(&e.to_string()))?;
    let (mut page, mut per_page) = (None, None);
    let mut rest = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        let slot = match key.as_str() {
            "page" => &mut page,
            "per_page" => &mut per_page,
            _ => {
                rest.push((key, value));
                continue;
            }
        };
        let number = value
            .parse::<u64>()
            .map_err(|e| bad(&format!("{key}: {e}")))?;
        *slot = Some(number);
    }
    // The filters go through axum's own query parsing, so their errors read as before.
    let rest = serde_urlencoded::to_string(&rest).map_err(|e| bad(&e.to_string()))?;
    let uri: axum::http::Uri = format!("/?{rest}")
        .parse()
        .map_err(|_| bad("cannot be read"))?;
    let axum::extract::Query(filters) =
        axum::extract::Query::<F>::try_from_uri(&uri).map_err(|rejection| {
            bad(rejection
                .body_text()
                .trim_start_matches("Failed to deserialize query string: "))
        })?;
    let page = P::check(page, per_page)?;
    filters
        .validate()
        .map_err(|e| validation_error(ErrorCode::InvalidQueryParameter, &e))?;
    Ok((filters, page))
}

/// A checked page a [`Listing`] can carry.
pub trait PageFields: Sized {
    /// Checks the `page` and `per_page` sent.
    fn check(page: Option<u64>, per_page: Option<u64>) -> Result<Self, ApiError>;
}

impl PageFields for Page {
    fn check(page: Option<u64>, per_page: Option<u64>) -> Result<Self, ApiError> {
        PageParams { page, per_page }.page()
    }
}

impl PageFields for PublicPage {
    fn check(page: Option<u64>, per_page: Option<u64>) -> Result<Self, ApiError> {
        public_page(page, per_page)
    }
}

/// A listing with no filters.
#[derive(Debug, Default, serde::Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct NoFilters {}
