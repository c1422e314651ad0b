//! `/office/agencies` (administrators): partner agencies, the deciding authorities each may
//! submit under, and their API keys — issued (the key is shown once), with usage and quota, and
//! revoked. The same input types and service functions as `/api/v1/office/agencies`.

use super::{ConsoleError, ConsoleResult, FormError, Layout, Posted, Staff, render_with, see};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::Admin;
use crate::input::agencies::{AgencyIn, AuthorityIn, KeyIn, parse_authorities};
use crate::services::{Page, agencies};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use entity::{AgencyId, ApiKeyId, agency, api_key};
use serde::Deserialize;

/// The scopes a key may have, with their Chinese labels and the form's checkbox for each.
const SCOPES: &[(&str, &str, &str)] = &[
    ("entries:submit", "报送名单信息", "scope_entries_submit"),
    ("screen", "批量核查", "scope_screen"),
    ("changes:read", "读取变更", "scope_changes_read"),
];

fn agency_id(raw: &str) -> Result<AgencyId, ConsoleError> {
    super::path_id(raw, AgencyId, ErrorCode::AgencyNotFound, "Agency")
}

/// Authorities as a textarea shows them: one per line, `name` or `name,code`.
fn authorities_text(list: &[entity::agency_authority::Model]) -> String {
    list.iter()
        .map(|a| match &a.uscc {
            Some(code) => format!("{},{code}", a.name),
            None => a.name.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The textarea's lines as the API's authorities: a line's code follows its last comma.
fn authorities_of(text: &str) -> Vec<AuthorityIn> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let line = line.replace('，', ",");
            match line.rsplit_once(',') {
                Some((name, code)) => AuthorityIn {
                    name: name.trim().to_owned(),
                    uscc: Some(code.trim().to_owned()).filter(|c| !c.is_empty()),
                },
                None => AuthorityIn {
                    name: line.clone(),
                    uscc: None,
                },
            }
        })
        .collect()
}

struct AgencyRow {
    id: String,
    name: String,
    uscc: String,
    trusted: bool,
    authorities: usize,
}

/// The new-agency form as posted.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct AgencyForm {
    name: Option<String>,
    uscc: Option<String>,
    trusted: Option<String>,
    authorities: Option<String>,
}

impl AgencyForm {
    fn v(&self, field: &str) -> &str {
        let value = match field {
            "name" => &self.name,
            "uscc" => &self.uscc,
            "authorities" => &self.authorities,
            _ => &None,
        };
        value.as_deref().unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "office/agencies.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<AgencyRow>,
    form: AgencyForm,
    error: FormError,
}

const AGENCY_FIELDS: &[&str] = &["name", "uscc", "authorities"];

async fn list_page(
    state: &AppState,
    staff: &Staff<Admin>,
    form: AgencyForm,
    error: FormError,
    status: StatusCode,
) -> ConsoleResult {
    let (items, _) = agencies::list(
        &state.db,
        Page {
            page: 1,
            per_page: 200,
        },
    )
    .await?;
    let ids: Vec<AgencyId> = items.iter().map(|a| a.id).collect();
    let authorities = agencies::authorities_of(&state.db, &ids).await?;
    render_with(
        status,
        &ListPage {
            layout: staff.layout("agencies"),
            rows: items
                .iter()
                .map(|a| AgencyRow {
                    id: a.id.to_string(),
                    name: a.name.clone(),
                    uscc: a.uscc.clone(),
                    trusted: a.trusted,
                    authorities: authorities.get(&a.id).map_or(0, Vec::len),
                })
                .collect(),
            form,
            error,
        },
    )
}

/// `GET /office/agencies`.
pub(super) async fn list(State(state): State<AppState>, staff: Staff<Admin>) -> ConsoleResult {
    list_page(
        &state,
        &staff,
        AgencyForm::default(),
        FormError::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /office/agencies`: registers an agency (as `POST /api/v1/office/agencies`).
pub(super) async fn create(
    State(state): State<AppState>,
    posted: Posted<Admin, AgencyForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let text = form.v("authorities");
    let input = AgencyIn {
        name: form.v("name").to_owned(),
        uscc: form.v("uscc").trim().to_owned(),
        trusted: form.trusted.is_some(),
        authorities: (!text.trim().is_empty()).then(|| authorities_of(text)),
    };
    let result = match input.parse() {
        Ok(new) => {
            state
                .write(staff.actor(), async |txn, ctx| {
                    agencies::create(txn, ctx, new).await
                })
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(model) => see(&format!("/office/agencies/{}", model.id)),
        Err(e) if e.code.status().is_client_error() => {
            list_page(&state, &staff, form, FormError::of(&e), e.code.status()).await
        }
        Err(e) => Err(e.into()),
    }
}

struct KeyRow {
    key: api_key::Model,
    scopes: String,
    last_used: String,
    expires: String,
    state: &'static str,
    active: bool,
}

/// The key form as posted.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct KeyForm {
    name: Option<String>,
    scope_entries_submit: Option<String>,
    scope_screen: Option<String>,
    scope_changes_read: Option<String>,
    rate_limit_per_minute: Option<String>,
    expires_in_days: Option<String>,
    daily_quota: Option<String>,
}

impl KeyForm {
    fn v(&self, field: &str) -> &str {
        let value = match field {
            "name" => &self.name,
            "rate_limit_per_minute" => &self.rate_limit_per_minute,
            "expires_in_days" => &self.expires_in_days,
            "daily_quota" => &self.daily_quota,
            _ => &None,
        };
        value.as_deref().unwrap_or_default()
    }

    /// The scopes ticked, in the API's words.
    fn scopes(&self) -> Vec<String> {
        [
            &self.scope_entries_submit,
            &self.scope_screen,
            &self.scope_changes_read,
        ]
        .iter()
        .zip(SCOPES)
        .filter(|(ticked, _)| ticked.is_some())
        .map(|(_, (scope, _, _))| (*scope).to_owned())
        .collect()
    }

    fn checked(&self, scope: &str) -> bool {
        self.scopes().iter().any(|s| s == scope)
    }
}

#[derive(Template)]
#[template(path = "office/agency.html")]
struct AgencyPage {
    layout: Layout,
    agency: agency::Model,
    authorities: String,
    authorities_error: FormError,
    keys: Vec<KeyRow>,
    key_form: KeyForm,
    key_error: FormError,
    /// A key just issued: shown this once.
    issued: String,
    message: String,
}

const KEY_FIELDS: &[&str] = &[
    "name",
    "scopes",
    "rate_limit_per_minute",
    "expires_in_days",
    "daily_quota",
];

/// What an agency's page shows besides the agency.
#[derive(Default)]
struct Shown {
    authorities: Option<String>,
    authorities_error: FormError,
    key_form: KeyForm,
    key_error: FormError,
    issued: String,
    message: String,
}

async fn agency_page(
    state: &AppState,
    staff: &Staff<Admin>,
    id: AgencyId,
    shown: Shown,
    status: StatusCode,
) -> ConsoleResult {
    let agency = agencies::get(&state.db, id).await?;
    let registered = agencies::authorities(&state.db, id).await?;
    let now = state.clock.now();
    let keys = agencies::keys(&state.db, id)
        .await?
        .into_iter()
        .map(|k| {
            let (state, active) = if k.revoked_at.is_some() {
                ("已吊销", false)
            } else if k.expires_at.is_some_and(|at| at <= now) {
                ("已过期", false)
            } else {
                ("有效", true)
            };
            let china = |at: chrono::DateTime<chrono::Utc>, format: &str| {
                at.with_timezone(&super::entries::china())
                    .format(format)
                    .to_string()
            };
            KeyRow {
                last_used: k
                    .last_used_at
                    .map_or_else(|| "未使用".to_owned(), |at| china(at, "%Y-%m-%d %H:%M")),
                expires: k
                    .expires_at
                    .map_or_else(|| "—".to_owned(), |at| china(at, "%Y-%m-%d")),
                scopes: k
                    .scopes
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        SCOPES
                            .iter()
                            .find(|(v, _, _)| *v == s)
                            .map_or(s, |(_, label, _)| label)
                    })
                    .collect::<Vec<_>>()
                    .join("、"),
                state,
                active,
                key: k,
            }
        })
        .collect();
    let mut key_form = shown.key_form;
    if key_form.name.is_none() && key_form.scopes().is_empty() {
        key_form.scope_entries_submit = Some("on".into());
    }
    render_with(
        status,
        &AgencyPage {
            layout: staff.layout("agencies"),
            authorities: shown
                .authorities
                .unwrap_or_else(|| authorities_text(&registered)),
            authorities_error: shown.authorities_error,
            keys,
            key_form,
            key_error: shown.key_error,
            issued: shown.issued,
            message: shown.message,
            agency,
        },
    )
}

/// `GET /office/agencies/{id}`.
pub(super) async fn page(
    State(state): State<AppState>,
    staff: Staff<Admin>,
    Path(id): Path<String>,
) -> ConsoleResult {
    agency_page(
        &state,
        &staff,
        agency_id(&id)?,
        Shown::default(),
        StatusCode::OK,
    )
    .await
}

/// The authorities form as posted.
#[derive(Debug, Deserialize)]
pub(super) struct AuthoritiesForm {
    version: Option<String>,
    authorities: Option<String>,
}

/// `POST /office/agencies/{id}/authorities`: replaces the registered authorities (as
/// `PUT /api/v1/office/agencies/{id}/authorities`).
pub(super) async fn set_authorities(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Admin, AuthoritiesForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let id = agency_id(&id)?;
    let text = form.authorities.clone().unwrap_or_default();
    let result = match super::version_field(form.version.as_deref())
        .and_then(|v| Ok((v, parse_authorities(authorities_of(&text))?)))
    {
        Ok((version, list)) => {
            state
                .write(staff.actor(), async |txn, ctx| {
                    agencies::set_authorities(txn, ctx, id, version, list).await
                })
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => see(&format!("/office/agencies/{id}")),
        Err(e) if e.code.status().is_client_error() => {
            let shown = Shown {
                authorities: Some(text),
                authorities_error: FormError::of(&e),
                ..Default::default()
            };
            agency_page(&state, &staff, id, shown, e.code.status()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A number field of the key form: empty is absent, anything else must be a whole number.
fn number(field: &str, value: &str) -> Result<Option<u32>, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value.parse().map(Some).map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidAgencyField,
            format!("`{field}`: `{value}` is not a whole number."),
        )
    })
}

/// `POST /office/agencies/{id}/keys`: issues a key (as `POST /api/v1/office/agencies/{id}/keys`)
/// and shows it once, on this response only.
pub(super) async fn issue_key(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Admin, KeyForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let id = agency_id(&id)?;
    let parsed = (|| {
        KeyIn {
            name: form.v("name").to_owned(),
            scopes: form.scopes(),
            rate_limit_per_minute: number(
                "rate_limit_per_minute",
                form.v("rate_limit_per_minute"),
            )?,
            expires_in_days: number("expires_in_days", form.v("expires_in_days"))?,
            daily_quota: number("daily_quota", form.v("daily_quota"))?,
        }
        .parse()
    })();
    let result = match parsed {
        Ok(new) => {
            state
                .write(staff.actor(), async |txn, ctx| {
                    agencies::issue_key(txn, ctx, id, new).await
                })
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((model, key)) => {
            let shown = Shown {
                issued: key,
                message: format!("已签发密钥“{}”。", model.name),
                ..Default::default()
            };
            agency_page(&state, &staff, id, shown, StatusCode::CREATED).await
        }
        Err(e) if e.code.status().is_client_error() => {
            let shown = Shown {
                key_form: form,
                key_error: FormError::of(&e),
                ..Default::default()
            };
            agency_page(&state, &staff, id, shown, e.code.status()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /office/keys/{id}/revoke`: revokes a key at once (as `POST /api/v1/office/keys/{id}/revoke`).
pub(super) async fn revoke_key(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Admin, std::collections::HashMap<String, String>>,
) -> ConsoleResult {
    let staff = posted.staff;
    let id = super::path_id(&id, ApiKeyId, ErrorCode::KeyNotFound, "Key")?;
    let model = state
        .write(staff.actor(), async |txn, ctx| {
            agencies::revoke_key(txn, ctx, id).await
        })
        .await?;
    see(&format!("/office/agencies/{}", model.agency_id))
}
