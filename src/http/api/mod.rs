//! The JSON API.

pub mod objections;
pub mod office;
pub mod partner;
pub mod partner_batches;
pub mod public;
pub mod repairs;
pub mod screening;

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
