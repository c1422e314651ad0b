//! The HTTP surface: routes, middleware and the OpenAPI document. `router` does no I/O, so tests
//! and the server build the same thing.

pub mod api;
pub mod console;
pub mod extract;
pub mod filing;
pub mod limits;
pub mod openapi;
pub mod pages;
pub mod ratelimit;
pub mod system;

use crate::error::{ApiError, ErrorCode, LoggedError};
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderMap, HeaderName, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The routes and the OpenAPI document describing them.
pub fn routes(state: &AppState) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(api::public::router(state))
        .merge(api::office::router())
        .merge(api::partner::router(state))
        .merge(system::router())
        .split_for_parts();
    openapi::add_common_errors(&mut doc);
    (routes, doc)
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    let (routes, openapi) = routes(&state);
    let pages = pages::router().layer(middleware::from_fn_with_state(
        state.clone(),
        ratelimit::limit,
    ));
    let openapi = std::sync::Arc::new(openapi::finish(&openapi));
    let app: Router<AppState> = routes
        .merge(pages)
        .merge(console::router())
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc) }
            }),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(
            limits::Limits::of(&state.config),
            limits::guard,
        ));
    pages::security_headers(app)
        .layer(middleware::from_fn(log_errors))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let path = req.extensions().get::<MatchedPath>().map(MatchedPath::as_str).unwrap_or("unmatched");
                let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default();
                tracing::info_span!("request", method = %req.method(), path, request.id = id, staff.id = tracing::field::Empty)
            }),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// The application of the separate metrics address (`XINYONG_METRICS_ADDR`): `/metrics` and
/// nothing else.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", axum::routing::get(system::metrics))
        .layer(axum::Extension(system::MetricsListener))
        .fallback(not_found)
        .with_state(state)
}

/// Whether an error should be answered as an HTML page rather than the API's JSON: always under
/// the pages' own paths, never under the API's, and elsewhere when the client asks for HTML (a
/// browser following a stale link).
fn wants_page(uri: &Uri, headers: &HeaderMap) -> bool {
    const API: &[&str] = &["/api/", "/healthz", "/readyz", "/metrics", "/.well-known/"];
    const PAGES: &[&str] = &[
        "/subjects/",
        "/lists/",
        "/notices",
        "/cases",
        "/static/",
        "/office",
        "/verify",
        "/reports/",
        "/proof",
    ];
    let path = uri.path();
    if API.iter().any(|p| path.starts_with(p)) {
        return false;
    }
    PAGES.iter().any(|p| path.starts_with(p))
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}

/// An error in the form its audience reads: JSON for the API, an HTML page for the pages.
fn answer(uri: &Uri, headers: &HeaderMap, err: ApiError) -> Response {
    if wants_page(uri, headers) {
        pages::PageError(err).into_response()
    } else {
        err.into_response()
    }
}

async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    answer(
        &uri,
        &headers,
        ApiError::new(ErrorCode::RouteNotFound, "No route matches this path."),
    )
}

async fn method_not_allowed(uri: Uri, headers: HeaderMap) -> Response {
    answer(
        &uri,
        &headers,
        ApiError::new(
            ErrorCode::MethodNotAllowed,
            "This path does not accept this method.",
        ),
    )
}

/// Logs each error response once, inside the request span: 5xx with the cause at error level,
/// 4xx at debug. The cause never reaches the body.
async fn log_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    if let Some(err) = response.extensions().get::<LoggedError>() {
        if response.status().is_server_error() {
            tracing::error!(
                error.code = err.code,
                error.cause = err.cause.as_deref().unwrap_or(""),
                "request failed"
            );
        } else {
            tracing::debug!(error.code = err.code, "request refused");
        }
    }
    response
}
