//! The HTTP surface: routes, middleware and the OpenAPI document. `router` does no I/O, so tests
//! and the server build the same thing.

pub mod api;
pub mod extract;
pub mod pages;
pub mod ratelimit;
pub mod system;

use crate::error::{ApiError, ErrorCode, LoggedError};
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::HeaderName;
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The OpenAPI document's frame; paths are collected from the routers.
#[derive(OpenApi)]
#[openapi(
    info(title = "Xinyong (信用) API", description = "Public-credit publication backend: credit subjects, red and black lists, exposure notices."),
    modifiers(&BearerAuth),
    components(schemas(crate::error::ErrorBody)),
    tags((name = "public", description = "The public credit lookup, lists and notices; rate-limited per client"),
         (name = "office", description = "The credit office: staff bearer tokens with roles"),
         (name = "partner", description = "Partner agencies: API keys with scopes, rate-limited per key"),
         (name = "system", description = "Health, readiness and documentation"))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The routes and the OpenAPI document describing them.
pub fn routes(state: &AppState) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let limited = middleware::from_fn_with_state(state.clone(), ratelimit::limit);
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(api::office::router())
        .merge(api::public::router().route_layer(limited.clone()))
        .merge(api::repairs::router().layer(limited.clone()))
        .merge(api::objections::public_router().layer(limited))
        .merge(api::objections::office_router())
        .merge(api::partner::router())
        .merge(api::partner_batches::router())
        .merge(api::screening::router())
        .merge(system::router())
        .split_for_parts()
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    let (routes, openapi) = routes(&state);
    let pages = pages::router().layer(middleware::from_fn_with_state(
        state.clone(),
        ratelimit::limit,
    ));
    let openapi = std::sync::Arc::new(openapi);
    routes
        .merge(pages)
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc) }
            }),
        )
        .fallback(|| async { ApiError::new(ErrorCode::RouteNotFound, "No route matches this path.") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(ErrorCode::MethodNotAllowed, "This path does not accept this method.")
        })
        .layer(DefaultBodyLimit::max(max_body))
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
