//! The JSON API, a folder per audience: [`public`] (rate-limited per client), [`office`] (staff
//! tokens with roles) and [`partner`] (agency keys with scopes, rate-limited per key).

pub mod office;
pub mod partner;
pub mod public;

use crate::services::Page;
use serde::Serialize;
use utoipa::ToSchema;

/// One page of a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// 1-based page number.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
    /// Items in all pages.
    pub total: u64,
}

impl<T> Paginated<T> {
    /// Wraps a page of items.
    pub fn new(items: Vec<T>, page: Page, total: u64) -> Self {
        Self {
            items,
            page: page.page,
            per_page: page.per_page,
            total,
        }
    }
}

impl<T> Paginated<T> {
    /// A page of rows, each converted to its wire form.
    pub fn of<M: Into<T>>(rows: Vec<M>, page: Page, total: u64) -> Self {
        Self::new(rows.into_iter().map(Into::into).collect(), page, total)
    }
}
