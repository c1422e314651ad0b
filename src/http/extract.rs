//! Extractors whose rejections speak the error contract: malformed JSON, unknown fields, wrong
//! types, oversize bodies, bad path segments and query strings all answer `{code, type, message,
//! link}`; so do missing or bad credentials.

use crate::error::{ApiError, ErrorCode};
use crate::services::Page;
use crate::state::AppState;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use entity::{StaffRole, staff};
use serde::Serialize;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors};

/// JSON body in and out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
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
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            ErrorCode::PayloadTooLarge,
            "The body is larger than the server accepts.",
        ),
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

/// Translates `validator` output into our contract: the first failing field, with its value.
pub fn validation_error(code: ErrorCode, errors: &ValidationErrors) -> ApiError {
    let mut fields: Vec<_> = errors.field_errors().into_iter().collect();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    let Some((field, errs)) = fields.into_iter().next() else {
        return ApiError::new(code, "The request is invalid.");
    };
    let Some(err) = errs.first() else {
        return ApiError::new(code, format!("`{field}` is invalid."));
    };
    let value = err
        .params
        .get("value")
        .map(|v| v.to_string().trim_matches('"').to_owned())
        .unwrap_or_default();
    let reason = match (err.params.get("min"), err.params.get("max")) {
        (Some(min), Some(max)) => format!("must be between {min} and {max}"),
        (Some(min), None) => format!("must be at least {min}"),
        (None, Some(max)) => format!("must be at most {max}"),
        _ => err.message.as_deref().unwrap_or("is invalid").to_owned(),
    };
    ApiError::field(code, &field, &value, reason)
}

/// Page parameters of every listing: `page` from 1, `per_page` up to 100.
#[derive(Debug, serde::Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 10000))]
    pub page: Option<u64>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    pub per_page: Option<u64>,
}

impl PageParams {
    /// The page asked for.
    pub fn page(&self) -> Page {
        Page {
            page: self.page.unwrap_or(1),
            per_page: self.per_page.unwrap_or(20),
        }
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

/// An authenticated staff member (bearer token).
#[derive(Debug, Clone)]
pub struct Staff(pub staff::Model);

impl Staff {
    /// The audit actor label.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.0.id)
    }

    /// Refuses with 403 unless the member has one of `roles` (admins may do everything).
    pub fn require(&self, roles: &[StaffRole]) -> Result<(), ApiError> {
        if self.0.role == StaffRole::Admin || roles.contains(&self.0.role) {
            return Ok(());
        }
        let role = crate::projection::enum_str(self.0.role);
        Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("The role `{role}` may not do this."),
        ))
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthenticated,
                "Send a staff token as `Authorization: Bearer <token>`.",
            )
        })?;
        let member = crate::services::staff::authenticate(&state.db, token)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Unauthenticated,
                    "The token is not valid or has been revoked.",
                )
            })?;
        tracing::Span::current().record("staff.id", tracing::field::display(member.id));
        Ok(Staff(member))
    }
}
