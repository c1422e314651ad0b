//! Partner agencies and their API keys as the office registers them.

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
    #[schema(
        example = "国家税务总局汉中市税务局",
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub name: String,
    /// Its unified social credit code.
    #[schema(
        example = "11610700MB2961796E",
        pattern = r"^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{10}$"
    )]
    pub uscc: String,
    /// Whether its submissions publish directly instead of entering review (default false).
    #[serde(default)]
    pub trusted: bool,
    /// The deciding authorities (认定部门) it may submit records of; default: the agency itself.
    #[schema(max_items = 100)]
    pub authorities: Option<Vec<AuthorityIn>>,
}

/// A deciding authority an agency may submit under.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorityIn {
    /// Its name, exactly as records name it in `authority_name`.
    #[schema(
        example = "汉中市中级人民法院",
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub name: String,
    /// Its code; when given, a record naming this authority with another code is refused.
    #[schema(
        pattern = r"^\s*([0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{10})?\s*$"
    )]
    pub uscc: Option<String>,
}

/// The deciding authorities of an agency, replacing the registered ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthoritiesIn {
    /// The agency's version the change is based on.
    #[serde(deserialize_with = "super::whole::i32")]
    pub version: i32,
    /// Every authority the agency may submit under (empty: it submits nothing).
    #[schema(max_items = 100)]
    pub authorities: Vec<AuthorityIn>,
}

/// A checked authority.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authority {
    /// Name.
    pub name: String,
    /// Code, if registered with one.
    pub uscc: Option<Uscc>,
}

/// The most authorities one agency may have.
pub const MAX_AUTHORITIES: usize = 100;

/// Checks a list of authorities: names required and distinct, codes valid.
pub fn parse_authorities(list: Vec<AuthorityIn>) -> ApiResult<Vec<Authority>> {
    if list.len() > MAX_AUTHORITIES {
        return Err(ApiError::new(
            ErrorCode::InvalidAgencyField,
            format!(
                "`authorities`: {} authorities; at most {MAX_AUTHORITIES}.",
                list.len()
            ),
        ));
    }
    let mut out: Vec<Authority> = Vec::with_capacity(list.len());
    for (i, a) in list.into_iter().enumerate() {
        let name = required(
            ErrorCode::InvalidAgencyField,
            &format!("authorities[{i}].name"),
            Some(a.name),
            200,
        )?;
        let uscc = super::optional_uscc(
            ErrorCode::InvalidAgencyField,
            &format!("authorities[{i}].uscc"),
            a.uscc,
        )?;
        if out.iter().any(|o| o.name == name) {
            return Err(ApiError::field(
                ErrorCode::InvalidAgencyField,
                &format!("authorities[{i}].name"),
                &name,
                "is listed twice",
            ));
        }
        out.push(Authority { name, uscc });
    }
    Ok(out)
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
    /// The authorities it may submit under.
    pub authorities: Vec<Authority>,
}

impl AgencyIn {
    /// Checks the name, the code and the authorities.
    pub fn parse(self) -> ApiResult<NewAgency> {
        let name = required(ErrorCode::InvalidAgencyField, "name", Some(self.name), 200)?;
        let uscc = uscc(ErrorCode::InvalidAgencyField, "uscc", &self.uscc)?;
        let authorities = match self.authorities {
            Some(list) => parse_authorities(list)?,
            None => vec![Authority {
                name: name.clone(),
                uscc: Some(uscc.clone()),
            }],
        };
        Ok(NewAgency {
            name,
            uscc,
            trusted: self.trusted,
            authorities,
        })
    }
}

/// A new key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyIn {
    /// A label, e.g. the consuming system.
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: String,
    /// Any of `entries:submit`, `screen`, `changes:read`.
    #[schema(min_items = 1, example = json!(["entries:submit", "changes:read"]), value_type = Vec<KeyScope>)]
    pub scopes: Vec<String>,
    /// Requests per minute, 1 to 1,000,000 (default 600).
    #[serde(default, deserialize_with = "super::whole::option_u32")]
    #[schema(minimum = 1, maximum = 1000000)]
    pub rate_limit_per_minute: Option<u32>,
    /// Days the key is valid, 1 to 1,096 (default 365); it authenticates nobody afterwards.
    #[serde(default, deserialize_with = "super::whole::option_u32")]
    #[schema(minimum = 1, maximum = 1096)]
    pub expires_in_days: Option<u32>,
    /// Requests allowed per day (Beijing time), 1 to 100,000,000; absent: no daily cap. Counted
    /// in the database, so it holds across restarts and server instances.
    #[serde(default, deserialize_with = "super::whole::option_u32")]
    #[schema(minimum = 1, maximum = 100000000)]
    pub daily_quota: Option<u32>,
}

/// A scope of an API key (schema only: the server reads scopes as text and names a bad one).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum KeyScope {
    /// Submit batches of records.
    #[schema(rename = "entries:submit")]
    EntriesSubmit,
    /// Screen subjects.
    #[schema(rename = "screen")]
    Screen,
    /// Read the change feed and its snapshot.
    #[schema(rename = "changes:read")]
    ChangesRead,
}

/// The highest per-key rate, requests per minute. A key always has a limit: there is no
/// "unlimited".
pub const MAX_RATE: u32 = 1_000_000;

/// A checked new key.
#[derive(Debug)]
pub struct NewKey {
    /// Label.
    pub name: String,
    /// Scopes, each one of [`SCOPES`].
    pub scopes: Vec<String>,
    /// Requests per minute.
    pub rate_limit_per_minute: i32,
    /// Days the key is valid.
    pub valid_days: i64,
    /// Requests per day, if capped.
    pub daily_quota: Option<i32>,
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
        let rate = self.rate_limit_per_minute.unwrap_or(600);
        if !(1..=MAX_RATE).contains(&rate) {
            return Err(ApiError::field(
                ErrorCode::InvalidAgencyField,
                "rate_limit_per_minute",
                &rate.to_string(),
                format_args!("must be between 1 and {MAX_RATE}"),
            ));
        }
        let days = self.expires_in_days.unwrap_or(365);
        if !(1..=1096).contains(&days) {
            return Err(ApiError::field(
                ErrorCode::InvalidAgencyField,
                "expires_in_days",
                &days.to_string(),
                "must be between 1 and 1096",
            ));
        }
        if let Some(quota) = self.daily_quota
            && !(1..=100_000_000).contains(&quota)
        {
            return Err(ApiError::field(
                ErrorCode::InvalidAgencyField,
                "daily_quota",
                &quota.to_string(),
                "must be between 1 and 100000000",
            ));
        }
        Ok(NewKey {
            name,
            scopes: self.scopes,
            rate_limit_per_minute: i32::try_from(rate).unwrap_or(i32::MAX),
            valid_days: i64::from(days),
            daily_quota: self.daily_quota.and_then(|q| i32::try_from(q).ok()),
        })
    }
}
