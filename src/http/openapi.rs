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
    components(schemas(ErrorBody, crate::services::intake::RecordIn)),
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
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A staff member's API token (office routes)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "agency_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A partner agency's API key, with scopes (partner routes)",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The metrics token, `XINYONG_METRICS_TOKEN` (`/metrics`)",
                    ))
                    .build(),
            ),
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
            ErrorCode::RequestTimeout,
            "The body paused longer than the server waits for its next part",
        );
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
        "The database or the search engine is unavailable, the server is handling as many requests as it takes at once, or the request took longer than it allows; retry after the `Retry-After` seconds",
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

/// The document as served. Three bodies are one Rust type each but three shapes on the wire —
/// an entry to create (no `version`), to change (`version` required) and from a partner (neither
/// `version` nor `subject_id`) — so their schemas are derived here from the one generated schema
/// rather than written three times; likewise for notices. The same pass adds the constraints on
/// array items that field attributes cannot carry.
pub fn finish(doc: &utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return doc;
    };
    const ENTRY_REQUIRED: &[&str] = &[
        "list",
        "list_name",
        "reason",
        "authority_name",
        "document_number",
        "decision_date",
    ];
    let new_entry: Vec<&str> = [&["subject_id"][..], ENTRY_REQUIRED].concat();
    derive(schemas, "EntryFields", "NewEntry", &["version"], &new_entry);
    derive(
        schemas,
        "EntryFields",
        "PartnerEntry",
        &["version", "subject_id"],
        ENTRY_REQUIRED,
    );
    derive(
        schemas,
        "EntryFields",
        "EntryFields",
        &["subject_id"],
        &["version"],
    );
    let notice = &["title", "category", "issuing_unit", "body_md"];
    derive(schemas, "NoticeFields", "NewNotice", &["version"], notice);
    derive(schemas, "NoticeFields", "NoticeFields", &[], &["version"]);
    if let Some(entry) = schemas
        .get_mut("RecordIn")
        .and_then(|r| r.pointer_mut("/properties/entry"))
    {
        *entry = serde_json::json!({"$ref": "#/components/schemas/PartnerEntry"});
    }
    let uscc = serde_json::json!({"type": "string",
        "pattern": "^\\s*[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{10}\\s*$"});
    set_items(schemas, "NoticeFields", "subject_usccs", &uscc);
    set_items(schemas, "NewNotice", "subject_usccs", &uscc);
    set_items(
        schemas,
        "RepairApplicationIn",
        "materials",
        &serde_json::json!({"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"}),
    );
    // The commitment letter must be given: `true` is the only value the server accepts.
    if let Some(letter) = schemas
        .get_mut("RepairApplicationIn")
        .and_then(|s| s.pointer_mut("/properties/commitment_letter"))
    {
        letter["enum"] = serde_json::json!([true]);
    }
    for (method, path, schema) in [
        ("post", "/api/v1/office/entries", "NewEntry"),
        ("post", "/api/v1/office/notices", "NewNotice"),
    ] {
        let pointer = format!(
            "/paths/{}/{method}/requestBody/content/application~1json/schema",
            path.replace('~', "~0").replace('/', "~1")
        );
        if let Some(body) = doc.pointer_mut(&pointer) {
            *body = serde_json::json!({"$ref": format!("#/components/schemas/{schema}")});
        }
    }
    doc
}

/// Copies schema `from` to `to` without the properties `remove`, with `required` required (and
/// then not nullable).
fn derive(
    schemas: &mut serde_json::Map<String, serde_json::Value>,
    from: &str,
    to: &str,
    remove: &[&str],
    required: &[&str],
) {
    let Some(mut schema) = schemas.get(from).cloned() else {
        return;
    };
    if let Some(props) = schema
        .get_mut("properties")
        .and_then(serde_json::Value::as_object_mut)
    {
        for name in remove {
            props.remove(*name);
        }
        for name in required {
            if let Some(prop) = props.get_mut(*name) {
                not_null(prop);
            }
        }
    }
    schema["required"] = serde_json::json!(required);
    schemas.insert(to.to_owned(), schema);
}

/// Removes `null` from a property's accepted values.
fn not_null(prop: &mut serde_json::Value) {
    if let Some(types) = prop
        .get_mut("type")
        .and_then(serde_json::Value::as_array_mut)
    {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types[0].clone();
            prop["type"] = only;
        }
    }
    if let Some(variants) = prop
        .get_mut("oneOf")
        .and_then(serde_json::Value::as_array_mut)
    {
        variants.retain(|v| v.get("type").is_none_or(|t| t != "null"));
        if variants.len() == 1 {
            let only = variants[0].clone();
            if let (Some(target), Some(fields)) = (prop.as_object_mut(), only.as_object()) {
                target.remove("oneOf");
                target.extend(fields.clone());
            }
        }
    }
}

/// Sets the item schema of array property `field` of schema `of`.
fn set_items(
    schemas: &mut serde_json::Map<String, serde_json::Value>,
    of: &str,
    field: &str,
    items: &serde_json::Value,
) {
    if let Some(prop) = schemas
        .get_mut(of)
        .and_then(|s| s.pointer_mut(&format!("/properties/{field}")))
    {
        prop["items"] = items.clone();
    }
}
