//! The public pages: server-rendered Chinese HTML for citizens and businesses — the credit lookup
//! (信用查询), subject profiles (信用档案), the red and black lists and the exposure notices
//! (曝光台). They work without JavaScript (plain GET forms and links; the natural-person form
//! posts, so that a name and ID number are never in an address), load one cached stylesheet
//! and nothing from other origins, and read everything through [`crate::services::public`], so
//! they show exactly what the public API shows. Errors become HTML error pages ([`PageError`]).

mod cases;
mod error;
mod lists;
mod lookup;
mod notices;
mod origin;
mod report;
mod subjects;
mod view;

pub use error::PageError;
pub use view::security_headers;

use crate::state::AppState;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The page routes, and the stylesheet they share.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(lookup::page).post(lookup::person))
        .route("/subjects/{id}", get(subjects::page))
        .route(
            "/subjects/{id}/report",
            get(report::page).post(report::person),
        )
        .route("/subjects/{id}/report.pdf", get(report::pdf))
        .route("/proof", get(report::proof))
        .route("/reports/{code}", get(report::stored_page))
        .route("/reports/{code}/report.pdf", get(report::stored_pdf))
        .route("/reports/{code}/report.json", get(report::stored_json))
        .route(
            "/verify",
            get(report::verify)
                .post(report::verify_upload)
                .layer(axum::extract::DefaultBodyLimit::max(report::MAX_UPLOAD)),
        )
        .route("/lists/red", get(lists::red))
        .route("/lists/black", get(lists::black))
        .route("/notices", get(notices::list))
        .route("/notices/{id}", get(notices::page))
        .route("/cases", get(cases::status_form).post(cases::status))
        .route(
            "/cases/objection/{entry}",
            get(cases::objection_form).post(cases::file_objection),
        )
        .route(
            "/cases/repair/{entry}",
            get(cases::repair_form)
                .post(cases::apply_for_repair)
                // Uploads are larger than a form: the files' own caps, and room for the rest.
                .layer(axum::extract::DefaultBodyLimit::max(
                    cases::MAX_REPAIR_FORM_BYTES,
                )),
        )
        .route("/static/site.css", get(stylesheet))
}

/// The stylesheet's fingerprinted address, for the console's pages too.
pub fn stylesheet_href() -> &'static str {
    view::STYLESHEET_HREF.as_str()
}

/// The stylesheet. Pages link it with a content fingerprint, so it may be cached for good.
async fn stylesheet() -> Response {
    let mut response = view::STYLESHEET.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
