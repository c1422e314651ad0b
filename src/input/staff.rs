//! Staff members as an administrator creates them.

use super::trimmed;
use crate::error::{ApiError, ApiResult, ErrorCode};
use entity::StaffRole;
use serde::Deserialize;
use utoipa::ToSchema;

/// A new staff member. With `login` and `password` the member can log in to the console; every
/// member also gets an initial bearer token (shown once) for the API.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffIn {
    /// Display name.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    /// `admin`, `editor` or `reviewer`.
    pub role: StaffRole,
    /// Console login name: 3–64 of `a-z 0-9 . _ -`.
    #[schema(min_length = 3, max_length = 64, pattern = r"^[a-z0-9._-]{3,64}$")]
    pub login: Option<String>,
    /// Console password, 12–128 characters; required with `login`.
    #[schema(min_length = 12, max_length = 128, write_only)]
    pub password: Option<String>,
    /// Require a second factor (TOTP) at login.
    #[serde(default)]
    pub totp_required: bool,
    /// Days the initial token is valid (1–366; default from configuration).
    #[serde(default, deserialize_with = "super::whole::option_u32")]
    #[schema(minimum = 1, maximum = 366)]
    pub token_expires_in_days: Option<u32>,
}

impl std::fmt::Debug for StaffIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffIn")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

fn staff_error(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidStaffField, message)
}

/// A login name and password, both present and well-formed, or neither.
fn credentials(
    login: Option<String>,
    password: Option<String>,
) -> ApiResult<Option<(String, String)>> {
    match (trimmed(login), password) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(staff_error("`password`: required with `login`.")),
        (None, Some(_)) => Err(staff_error("`login`: required with `password`.")),
        (Some(login), Some(password)) => {
            if !(3..=64).contains(&login.len())
                || !login
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
            {
                return Err(staff_error(
                    "`login`: 3 to 64 of lower-case letters, digits, `.`, `_` and `-`.",
                ));
            }
            let chars = password.chars().count();
            if !(12..=128).contains(&chars) {
                return Err(staff_error("`password`: 12 to 128 characters."));
            }
            Ok(Some((login, password)))
        }
    }
}

fn days(field: &str, value: Option<u32>, default: u32) -> ApiResult<chrono::Duration> {
    if value.is_some_and(|d| !(1..=366).contains(&d)) {
        return Err(staff_error(format!("`{field}`: 1 to 366 days.")));
    }
    let days = value.unwrap_or(default);
    Ok(chrono::Duration::days(i64::from(days)))
}

impl StaffIn {
    /// The service's command; tokens expire `default_days` after `now` unless the body says.
    pub fn parse(
        self,
        now: chrono::DateTime<chrono::Utc>,
        default_days: u32,
    ) -> ApiResult<crate::services::staff::NewStaff> {
        let name = super::required(ErrorCode::InvalidStaffField, "name", Some(self.name), 100)?;
        Ok(crate::services::staff::NewStaff {
            name,
            role: self.role,
            login: credentials(self.login, self.password)?,
            totp_required: self.totp_required,
            token_expires_at: now
                + days(
                    "token_expires_in_days",
                    self.token_expires_in_days,
                    default_days,
                )?,
        })
    }
}

/// An administrator's change to a staff member; absent fields stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffPatch {
    /// The version read (optimistic concurrency).
    #[serde(deserialize_with = "super::whole::i32")]
    #[schema(minimum = 1)]
    pub version: i32,
    /// New display name.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: Option<String>,
    /// New role.
    pub role: Option<StaffRole>,
    /// `true` disables the member and ends their sessions and tokens at once; `false` enables
    /// them again (with no session or token: they log in or get a new token).
    pub disabled: Option<bool>,
    /// Require the second factor at login, or not.
    pub totp_required: Option<bool>,
    /// New console login name (with `password`).
    #[schema(min_length = 3, max_length = 64, pattern = r"^[a-z0-9._-]{3,64}$")]
    pub login: Option<String>,
    /// New console password (with `login`), 12–128 characters.
    #[schema(min_length = 12, max_length = 128, write_only)]
    pub password: Option<String>,
}

impl std::fmt::Debug for StaffPatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffPatch")
            .field("version", &self.version)
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

impl StaffPatch {
    /// The version and the service's change.
    pub fn parse(self) -> ApiResult<(i32, crate::services::staff::StaffChange)> {
        let name = match self.name {
            Some(name) => Some(super::required(
                ErrorCode::InvalidStaffField,
                "name",
                Some(name),
                100,
            )?),
            None => None,
        };
        Ok((
            self.version,
            crate::services::staff::StaffChange {
                name,
                role: self.role,
                disabled: self.disabled,
                totp_required: self.totp_required,
                login: credentials(self.login, self.password)?,
            },
        ))
    }
}

/// A new bearer token for the caller.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    /// A label, e.g. the system that will use it.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    /// Days it is valid (1–366; default from configuration).
    #[serde(default, deserialize_with = "super::whole::option_u32")]
    #[schema(minimum = 1, maximum = 366)]
    pub expires_in_days: Option<u32>,
}

impl TokenIn {
    /// The name and the expiry.
    pub fn parse(
        self,
        now: chrono::DateTime<chrono::Utc>,
        default_days: u32,
    ) -> ApiResult<(String, chrono::DateTime<chrono::Utc>)> {
        let name = super::required(ErrorCode::InvalidStaffField, "name", Some(self.name), 100)?;
        Ok((
            name,
            now + days("expires_in_days", self.expires_in_days, default_days)?,
        ))
    }
}

/// A console login.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIn {
    /// Login name.
    #[schema(min_length = 1, max_length = 64)]
    pub login: String,
    /// Password.
    #[schema(min_length = 1, max_length = 128, write_only)]
    pub password: String,
    /// The authenticator app's current 6-digit code, when the account has a second factor.
    #[schema(pattern = r"^[0-9]{6}$")]
    pub totp: Option<String>,
}

impl std::fmt::Debug for LoginIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginIn")
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

impl LoginIn {
    /// The service's attempt from `client`. Malformed values are simply wrong credentials.
    pub fn parse(self, client: String) -> crate::services::sessions::Attempt {
        crate::services::sessions::Attempt {
            login: self.login.trim().chars().take(64).collect(),
            password: self.password.chars().take(128).collect(),
            totp: trimmed(self.totp),
            client,
        }
    }
}

/// Filters of the token listing.
#[derive(Debug, Default, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TokenFilterParams {
    /// Only this member's tokens (administrators; others always see their own).
    pub staff_id: Option<uuid::Uuid>,
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
    /// Only this action, e.g. `staff.create`, `entry.publish`.
    pub action: Option<String>,
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
            action: self.action,
            from: self.from,
            to: self.to,
            newest_first: false,
        }
    }
}

/// The audit listing's filters as the console's form sends them: every field as text, and the
/// time range as days in Beijing time, `to` included.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuditFilterForm {
    /// Only this actor, e.g. `staff:<id>`.
    pub actor: Option<String>,
    /// Only this kind of row.
    pub target_type: Option<String>,
    /// Only events about this row.
    pub target_id: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// The first day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD` (included).
    pub to: Option<String>,
    /// The page, from 1.
    pub page: Option<String>,
}

/// A day in Beijing time; blank is `None`.
fn beijing_day(field: &str, value: Option<&str>) -> ApiResult<Option<chrono::NaiveDate>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                ApiError::field(
                    ErrorCode::InvalidQueryParameter,
                    field,
                    v,
                    "is not a date (YYYY-MM-DD)",
                )
            }),
    }
}

/// The first instant of a Beijing day.
fn start_of(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    (midnight
        - chrono::Duration::seconds(i64::from(crate::clock::china_offset().local_minus_utc())))
    .and_utc()
}

impl AuditFilterForm {
    /// The API's filters and the page number: the days become the half-open range from the
    /// start of `from` to the start of the day after `to`.
    pub fn parse(&self) -> ApiResult<(AuditFilterParams, u64)> {
        let text = |field: &str, value: &Option<String>| {
            super::bounded(ErrorCode::InvalidQueryParameter, field, value.clone(), 200)
        };
        let from = beijing_day("from", self.from.as_deref())?;
        let to = beijing_day("to", self.to.as_deref())?;
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(ApiError::field(
                ErrorCode::InvalidQueryParameter,
                "to",
                &to.to_string(),
                format!("is before `from` ({from})"),
            ));
        }
        let page = match self
            .page
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            None => 1,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|p| (1..=10_000).contains(p))
                .ok_or_else(|| {
                    ApiError::field(
                        ErrorCode::InvalidQueryParameter,
                        "page",
                        v,
                        "is not a page number (1 to 10000)",
                    )
                })?,
        };
        Ok((
            AuditFilterParams {
                target_id: text("target_id", &self.target_id)?,
                target_type: text("target_type", &self.target_type)?,
                actor: text("actor", &self.actor)?,
                action: text("action", &self.action)?,
                from: from.map(start_of),
                to: to.and_then(|d| d.succ_opt()).map(start_of),
            },
            page,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::AuditFilterForm;

    #[test]
    fn audit_days_are_beijing_days_with_the_last_one_included() {
        let form = AuditFilterForm {
            from: Some("2026-06-15".into()),
            to: Some(" 2026-06-15 ".into()),
            ..Default::default()
        };
        let (params, page) = form.parse().expect("parses");
        assert_eq!(page, 1);
        assert_eq!(
            params.from.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-06-14T16:00:00+00:00")
        );
        assert_eq!(
            params.to.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-06-15T16:00:00+00:00")
        );
    }

    #[test]
    fn a_bad_audit_day_or_page_names_its_field() {
        for (form, field) in [
            (
                AuditFilterForm {
                    from: Some("2026-13-01".into()),
                    ..Default::default()
                },
                "from",
            ),
            (
                AuditFilterForm {
                    from: Some("2026-06-02".into()),
                    to: Some("2026-06-01".into()),
                    ..Default::default()
                },
                "to",
            ),
            (
                AuditFilterForm {
                    page: Some("0".into()),
                    ..Default::default()
                },
                "page",
            ),
        ] {
            let err = form.parse().expect_err("refused");
            assert!(
                err.message.starts_with(&format!("`{field}`:")),
                "{}",
                err.message
            );
        }
    }
}
