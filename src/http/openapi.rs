//! The OpenAPI document: the frame, the bearer scheme, and the error answers every operation can
//! give. Handlers document their success and the errors of their own domain (404 for an unknown
//! id, 409 for a conflict); the answers that come from the shared machinery — extractors, the
//! role and scope checks, the rate limiters, the body limit, the database — are added here from
//! what each operation has (a body, parameters, credentials, an audience), so that no operation
//! can forget one.

use crate::error::{ErrorBody, ErrorCode};
use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

/// The OpenAPI document's frame; paths are collected from the routers.
#[derive(OpenApi)]
#[openapi(
    info(title = "Xinyong (信用) API", description = "Public-credit publication backend: credit subjects, red and black lists, exposure notices."),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody)),
    tags((name = "public", description = "The public credit lookup, lists and notices; rate-limited per client"),
         (name = "office", description = "The credit office: staff bearer tokens with roles"),
         (name = "partner", description = "Partner agencies: API keys with scopes, rate-limited per key"),
         (name = "system", description = "Health, readiness and documentation"))
)]
pub struct ApiDoc;

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

/// Paths that answer without the database and take no input: nothing but their success.
const STATIC_PATHS: &[&str] = &["/healthz", "/api/errors", "/api/docs"];

/// Adds the error answers of the shared machinery to every operation of `doc` (see the module
/// documentation), each with the error body schema.
pub fn add_common_errors(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        if STATIC_PATHS.contains(&path.as_str()) {
            continue;
        }
        let ops = [
            item.get.as_mut(),
            item.post.as_mut(),
            item.put.as_mut(),
            item.patch.as_mut(),
            item.delete.as_mut(),
        ];
        for op in ops.into_iter().flatten() {
            add_to(path, op);
        }
    }
}

fn add_to(path: &str, op: &mut Operation) {
    let tag = op.tags.as_ref().and_then(|t| t.first()).map(String::as_str);
    let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut add = |code: ErrorCode, why: &str| {
        let status = code.status().as_u16().to_string();
        op.responses
            .responses
            .entry(status)
            .or_insert_with(|| error_response(why));
    };
    if op.request_body.is_some() {
        add(
            ErrorCode::InvalidRequestBody,
            "The body is malformed, of the wrong shape, or breaks a rule of its fields",
        );
        add(
            ErrorCode::PayloadTooLarge,
            "The body is larger than the server accepts",
        );
        add(
            ErrorCode::InvalidContentType,
            "The body is not sent as `application/json`",
        );
    }
    if has_params {
        add(
            ErrorCode::InvalidQueryParameter,
            "A parameter is malformed or out of range",
        );
    }
    if path.contains('{') {
        add(ErrorCode::RouteNotFound, "Nothing has this id");
    }
    if secured {
        add(ErrorCode::Unauthenticated, "No valid credentials were sent");
        add(
            ErrorCode::Forbidden,
            "The credentials are valid but may not do this (role or scope)",
        );
    }
    if matches!(tag, Some("public" | "partner")) {
        add(
            ErrorCode::RateLimited,
            "Too many requests; retry after the `Retry-After` seconds",
        );
    }
    add(
        ErrorCode::DatabaseUnavailable,
        "The database or the search engine is unavailable; retry after the `Retry-After` seconds",
    );
    add(
        ErrorCode::Internal,
        "An unexpected error; it has been logged",
    );
}

fn error_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}
