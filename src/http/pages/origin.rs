//! Cross-site request forgery on the public forms. They are anonymous — no session, no cookie —
//! so there is nothing a token could be bound to; what a forged post could still do is file in
//! a visitor's name from another site (spending the visitor's filing limits, or guessing case
//! codes from the visitor's address). Browsers say where a request comes from, and a page of
//! another site cannot change what they say: `Sec-Fetch-Site` (every current browser), else
//! `Origin`. A post is accepted when it comes from this site (`same-origin`) or from the
//! visitor themselves (`none`: typed or bookmarked), or, from an older browser, when its `Origin`
//! is this host; a request that carries neither header is not from a browser, and a page
//! elsewhere could not have sent it.

use super::error::PageError;
use crate::error::{ApiError, ErrorCode};
use axum::http::{HeaderMap, header};

/// Refuses (403 `csrf_failed`) a form post sent by another site's page.
pub(super) fn same_origin(headers: &HeaderMap) -> Result<(), PageError> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let allowed = match text("sec-fetch-site") {
        Some(site) => matches!(site, "same-origin" | "none"),
        None => match text(header::ORIGIN.as_str()) {
            None => true,
            Some(origin) => {
                let host = text(header::HOST.as_str()).unwrap_or_default();
                origin
                    .split_once("://")
                    .is_some_and(|(_, authority)| !host.is_empty() && authority == host)
            }
        },
    };
    if allowed {
        Ok(())
    } else {
        Err(PageError(ApiError::new(
            ErrorCode::CsrfFailed,
            "The form was sent from another site's page; nothing was done. Open the form on this site and send it from there.",
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_this_sites_pages_may_post() {
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])).is_ok());
        assert!(same_origin(&headers(&[("sec-fetch-site", "none")])).is_ok());
        assert!(same_origin(&headers(&[("sec-fetch-site", "cross-site")])).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-site")])).is_err());
        // An older browser: by its Origin.
        let here = [
            ("host", "xinyong.example"),
            ("origin", "https://xinyong.example"),
        ];
        assert!(same_origin(&headers(&here)).is_ok());
        let elsewhere = [
            ("host", "xinyong.example"),
            ("origin", "https://evil.example"),
        ];
        assert!(same_origin(&headers(&elsewhere)).is_err());
        assert!(same_origin(&headers(&[("host", "x"), ("origin", "null")])).is_err());
        // Not a browser.
        assert!(same_origin(&headers(&[("host", "xinyong.example")])).is_ok());
    }
}
