//! Partner agencies and their API keys as the office registers them (DOMAIN.md §5).

use super::{required, trimmed, uscc};
use crate::domain::Uscc;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::services::agencies::SCOPES;
use serde::Deserialize;
use utoipa::ToSchema;

/// A new agency.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyIn {
    /// Name.
    #[schema(example = "国家税务总局汉中市税务局", min_length = 1, max_length = 200)]
    pub name: String,
    /// Its unified social credit code.
    #[schema(example = "11610700MB2961796E")]
    pub uscc: String,
    /// Whether its submissions publish directly instead of entering review (default false).
    #[serde(default)]
    pub trusted: bool,
}

/// A checked new agency.
#[derive(Debug)]
pub struct NewAgency {
    /// Name.
    pub name: String,
    /// Code.
    pub uscc: Uscc,
    /// Publishes directly.
    pub trusted: bool,
}

impl AgencyIn {
    /// Checks the name and the code.
    pub fn parse(self) -> ApiResult<NewAgency> {
        let name = required(ErrorCode::InvalidAgencyField, "name", Some(self.name), 200)?;
        let uscc = uscc(ErrorCode::InvalidAgencyField, "uscc", &self.uscc)?;
        Ok(NewAgency {
            name,
            uscc,
            trusted: self.trusted,
        })
    }
}

/// A new key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyIn {
    /// A label, e.g. the consuming system.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Any of `entries:submit`, `screen`, `changes:read`.
    #[schema(min_items = 1, example = json!(["entries:submit", "changes:read"]))]
    pub scopes: Vec<String>,
    /// Requests per minute (default 600).
    pub rate_limit_per_minute: Option<u32>,
}

/// A checked new key.
#[derive(Debug)]
pub struct NewKey {
    /// Label.
    pub name: String,
    /// Scopes, each one of [`SCOPES`].
    pub scopes: Vec<String>,
    /// Requests per minute.
    pub rate_limit_per_minute: i32,
}

impl KeyIn {
    /// Checks the label and the scopes.
    pub fn parse(self) -> ApiResult<NewKey> {
        let name = trimmed(Some(self.name))
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidAgencyField, "`name`: required."))?;
        if self.scopes.is_empty() {
            return Err(ApiError::new(
                ErrorCode::InvalidAgencyField,
                "`scopes`: at least one of `entries:submit`, `screen`, `changes:read`.",
            ));
        }
        if let Some(bad) = self.scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
            return Err(ApiError::field(
                ErrorCode::InvalidAgencyField,
                "scopes",
                bad,
                "is not one of `entries:submit`, `screen`, `changes:read`",
            ));
        }
        let rate = i32::try_from(self.rate_limit_per_minute.unwrap_or(600)).unwrap_or(i32::MAX);
        Ok(NewKey {
            name,
            scopes: self.scopes,
            rate_limit_per_minute: rate,
        })
    }
}
