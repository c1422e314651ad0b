//! Page parameters of every listing, checked with checked arithmetic: office listings go up to
//! page 10,000 of 100, public ones to 50 a page and 1,000 results deep (anti-scraping, DOMAIN.md
//! §4).

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::services::Page;
use crate::services::public::{MAX_DEPTH, MAX_PER_PAGE, PublicPage};
use serde::Deserialize;
use utoipa::IntoParams;

/// Highest page number of an office listing.
pub const MAX_OFFICE_PAGE: u64 = 10_000;
/// Largest page of an office listing.
pub const MAX_OFFICE_PER_PAGE: u64 = 100;
/// Page size when none is asked for.
pub const DEFAULT_PER_PAGE: u64 = 20;

/// `page` and `per_page` of an office listing.
#[derive(Clone, Copy, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u64>,
    /// Items per page (default 20, at most 100).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

/// `page` and `per_page` of a public listing: at most 50 a page, and page × per_page ≤ 1000.
#[derive(Clone, Copy, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicPageParams {
    /// 1-based page number (default 1); page × per_page ≤ 1000.
    #[param(minimum = 1, maximum = 1000)]
    pub page: Option<u64>,
    /// Page size (default 20, at most 50).
    #[param(minimum = 1, maximum = 50)]
    pub per_page: Option<u64>,
}

fn out_of_range(field: &str, value: u64, reason: impl std::fmt::Display) -> ApiError {
    ApiError::field(
        ErrorCode::InvalidQueryParameter,
        field,
        &value.to_string(),
        reason,
    )
}

impl PageParams {
    /// The page of an office listing.
    pub fn page(self) -> ApiResult<Page> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_OFFICE_PAGE).contains(&page) {
            return Err(out_of_range(
                "page",
                page,
                format_args!("must be between 1 and {MAX_OFFICE_PAGE}"),
            ));
        }
        if !(1..=MAX_OFFICE_PER_PAGE).contains(&per_page) {
            return Err(out_of_range(
                "per_page",
                per_page,
                format_args!("must be between 1 and {MAX_OFFICE_PER_PAGE}"),
            ));
        }
        Ok(Page { page, per_page })
    }
}

impl PublicPageParams {
    /// The page of a public listing, within the caps on size and depth.
    pub fn page(self) -> ApiResult<PublicPage> {
        public_page(self.page, self.per_page)
    }
}

/// Checks a public page request against the caps on page size and depth.
pub fn public_page(page: Option<u64>, per_page: Option<u64>) -> ApiResult<PublicPage> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
    if page == 0 {
        return Err(out_of_range("page", page, "must be at least 1"));
    }
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(out_of_range(
            "per_page",
            per_page,
            format_args!("must be between 1 and {MAX_PER_PAGE}"),
        ));
    }
    if page
        .checked_mul(per_page)
        .is_none_or(|depth| depth > MAX_DEPTH)
    {
        return Err(out_of_range(
            "page",
            page,
            format_args!(
                "is too deep: at most {MAX_DEPTH} results can be paged through; narrow the search"
            ),
        ));
    }
    Ok(PublicPage { page, per_page })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_number_past_u64_arithmetic_is_refused_not_overflowed() {
        let err = public_page(Some(9_223_372_036_854_775_808), Some(50)).err();
        assert_eq!(
            err.map(|e| e.message).as_deref(),
            Some(
                "`page`: `9223372036854775808` is too deep: at most 1000 results can be paged through; narrow the search"
            )
        );
        let office = PageParams {
            page: Some(u64::MAX),
            per_page: None,
        }
        .page()
        .err();
        assert_eq!(
            office.map(|e| e.message).as_deref(),
            Some("`page`: `18446744073709551615` must be between 1 and 10000")
        );
    }

    #[test]
    fn defaults_and_bounds() {
        let p = PageParams::default().page().ok();
        assert_eq!(p.map(|p| (p.page, p.per_page)), Some((1, 20)));
        let p = public_page(Some(20), Some(50)).ok();
        assert_eq!(p.map(|p| (p.page, p.per_page)), Some((20, 50)));
        assert!(public_page(Some(21), Some(50)).is_err());
        assert!(public_page(None, Some(0)).is_err());
    }
}
