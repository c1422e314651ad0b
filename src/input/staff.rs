//! Staff members as an administrator creates them.

use super::trimmed;
use crate::error::{ApiError, ApiResult, ErrorCode};
use entity::StaffRole;
use serde::Deserialize;
use utoipa::ToSchema;

/// A new staff member.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffIn {
    /// Display name.
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: String,
    /// `admin`, `editor` or `reviewer`.
    pub role: StaffRole,
}

impl StaffIn {
    /// The name (required) and the role.
    pub fn parse(self) -> ApiResult<(String, StaffRole)> {
        let name = trimmed(Some(self.name))
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidStaffField, "`name`: required."))?;
        Ok((name, self.role))
    }
}

/// Filters of the audit listing.
#[derive(Debug, Default, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditFilterParams {
    /// Only events about this row (entry, subject, notice or staff id).
    pub target_id: Option<String>,
    /// Only this kind of row: `subject`, `entry`, `notice`, `staff`.
    pub target_type: Option<String>,
    /// Only this actor, e.g. `staff:<id>`, `system`.
    pub actor: Option<String>,
    /// Only events at or after this time (RFC 3339).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Only events before this time (RFC 3339).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

impl AuditFilterParams {
    /// The service's filter.
    pub fn filter(self) -> crate::services::audit::AuditFilter {
        crate::services::audit::AuditFilter {
            target_id: self.target_id,
            target_type: self.target_type,
            actor: self.actor,
            from: self.from,
            to: self.to,
        }
    }
}
