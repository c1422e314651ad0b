//! `/office/staff`: the accounts, a new account with each error beside its field, and a
//! member's page to change their role, second factor, password and disabled state, revoke their
//! tokens and end their sessions. Every post is parsed by the API's input types
//! ([`StaffIn`], [`StaffPatch`]) and done by the same service functions, which audit it.

use super::super::{
    ConsoleError, ConsoleResult, FormError, Layout, Posted, Staff, render_with, role_label, see,
};
use super::minute;
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::Admin;
use crate::input::staff::{StaffIn, StaffPatch};
use crate::services::sessions::{self, Policy};
use crate::services::staff as members;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use entity::{StaffId, StaffRole, StaffTokenId, staff};
use serde::Deserialize;
use std::collections::HashMap;

fn staff_id(raw: &str) -> Result<StaffId, ConsoleError> {
    super::super::path_id(raw, StaffId, ErrorCode::StaffNotFound, "Staff")
}

/// A role as a form sends it (`admin`, `editor`, `reviewer`).
fn role_of(value: Option<&str>) -> Result<StaffRole, ApiError> {
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidStaffField,
            "`role`: required.",
        ));
    }
    serde_json::from_value(serde_json::Value::String(value.to_owned())).map_err(|_| {
        ApiError::field(
            ErrorCode::InvalidStaffField,
            "role",
            value,
            "is not a role (admin, editor, reviewer)",
        )
    })
}

/// A password as typed: never trimmed (spaces may be part of it); empty is none.
fn password_of(value: &Option<String>) -> Option<String> {
    value.clone().filter(|p| !p.is_empty())
}

fn blank_to_none(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// One line of the accounts table.
struct MemberRow {
    id: String,
    name: String,
    login: String,
    role: &'static str,
    disabled: bool,
    totp: &'static str,
    last_login: String,
}

/// The new-account form as posted. The password is never shown back.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct NewStaffForm {
    name: Option<String>,
    login: Option<String>,
    role: Option<String>,
    password: Option<String>,
    totp_required: Option<String>,
}

impl NewStaffForm {
    /// The API's request: the form's text goes through the same input type.
    fn input(&self) -> Result<StaffIn, ApiError> {
        Ok(StaffIn {
            name: self.name.clone().unwrap_or_default(),
            role: role_of(self.role.as_deref())?,
            login: blank_to_none(&self.login),
            password: password_of(&self.password),
            totp_required: self.totp_required.is_some(),
            token_expires_in_days: None,
        })
    }

    fn v(&self, field: &str) -> &str {
        match field {
            "name" => self.name.as_deref(),
            "login" => self.login.as_deref(),
            "role" => self.role.as_deref(),
            _ => None,
        }
        .unwrap_or_default()
    }
}

/// The fields of the new-account form, for errors that name none of them.
const NEW_FIELDS: &[&str] = &["name", "login", "role", "password"];

#[derive(Template)]
#[template(path = "office/staff.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<MemberRow>,
    form: NewStaffForm,
    error: FormError,
}

impl ListPage {
    fn v<'a>(&'a self, field: &str) -> &'a str {
        self.form.v(field)
    }

    fn selected(&self, role: &str) -> &'static str {
        let current = match self.form.v("role") {
            "" => "editor",
            other => other,
        };
        if current == role { "selected" } else { "" }
    }
}

async fn list_page(
    state: &AppState,
    staff: &Staff<Admin>,
    form: NewStaffForm,
    error: FormError,
    status: StatusCode,
) -> ConsoleResult {
    let all = members::list(&state.db).await?;
    let last = sessions::last_logins(&state.db).await?;
    let rows = all
        .iter()
        .map(|m| MemberRow {
            id: m.id.to_string(),
            name: m.name.clone(),
            login: m.login.clone().unwrap_or_default(),
            role: role_label(m.role),
            disabled: m.disabled_at.is_some(),
            totp: totp_label(m),
            last_login: last.get(&m.id).map(|t| minute(*t)).unwrap_or_default(),
        })
        .collect();
    render_with(
        status,
        &ListPage {
            layout: staff.layout("staff"),
            rows,
            form,
            error,
        },
    )
}

fn totp_label(m: &staff::Model) -> &'static str {
    match (m.totp_required, m.totp_secret.is_some()) {
        (true, true) => "必须，已绑定",
        (true, false) => "必须，未绑定",
        (false, true) => "已绑定",
        (false, false) => "未启用",
    }
}

/// `GET /office/staff`: every account, and the form for a new one.
pub(super) async fn list(State(state): State<AppState>, staff: Staff<Admin>) -> ConsoleResult {
    list_page(
        &state,
        &staff,
        NewStaffForm::default(),
        FormError::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /office/staff`: the same checks as `POST /api/v1/office/staff`. The member's page
/// follows with their initial API token, shown this once.
pub(super) async fn create(
    State(state): State<AppState>,
    posted: Posted<Admin, NewStaffForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let parsed = form
        .input()
        .and_then(|input| input.parse(state.clock.now(), state.config.token_days));
    let new = match parsed {
        Ok(new) => new,
        Err(e) => {
            return list_page(
                &state,
                &staff,
                form,
                FormError::of(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let created = state
        .write(staff.actor(), async |txn, ctx| {
            members::create(txn, ctx, new).await
        })
        .await;
    match created {
        Ok((model, token)) => {
            let shown = Shown {
                what: "初始 API 令牌",
                value: token,
            };
            member_page(
                &state,
                &staff,
                model.id,
                Outcome::created(shown),
                StatusCode::CREATED,
            )
            .await
        }
        Err(e) if e.code.status().is_client_error() => {
            list_page(
                &state,
                &staff,
                form,
                FormError::of(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// A secret the page shows once (it is stored only as a hash).
struct Shown {
    what: &'static str,
    value: String,
}

/// What the member's page reports at its top: a done action, a refusal, a secret shown once.
#[derive(Default)]
struct Outcome {
    notice: String,
    error: FormError,
    shown: Option<Shown>,
}

impl Outcome {
    fn created(shown: Shown) -> Self {
        Self {
            notice: "账号已创建。".into(),
            shown: Some(shown),
            ..Default::default()
        }
    }
}

struct TokenRow {
    id: String,
    name: String,
    created: String,
    expires: String,
    last_used: String,
    /// Empty while it is valid.
    ended: String,
}

struct SessionRow {
    created: String,
    last_seen: String,
    client: String,
}

/// A button of the member's page, or the reason it is disabled.
struct Guard {
    blocked: String,
}

#[derive(Template)]
#[template(path = "office/staff_member.html")]
struct MemberPage {
    layout: Layout,
    member: staff::Model,
    role: &'static str,
    role_value: String,
    totp: &'static str,
    created_at: String,
    disabled_at: String,
    notice: String,
    error: FormError,
    shown: Option<Shown>,
    tokens: Vec<TokenRow>,
    sessions: Vec<SessionRow>,
    /// Disabling or demoting this member.
    demote: Guard,
}

impl MemberPage {
    fn selected(&self, role: &str) -> &'static str {
        if self.role_value == role {
            "selected"
        } else {
            ""
        }
    }
}

/// The fields of the member's forms, for errors that name none of them.
const MEMBER_FIELDS: &[&str] = &["login", "password", "role"];

async fn member_page(
    state: &AppState,
    staff: &Staff<Admin>,
    id: StaffId,
    outcome: Outcome,
    status: StatusCode,
) -> ConsoleResult {
    let member = members::get(&state.db, id).await?;
    let now = state.clock.now();
    let tokens = members::tokens(&state.db, Some(id))
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.to_string(),
            name: if t.bootstrap {
                format!("{}（配置中的引导令牌）", t.name)
            } else {
                t.name
            },
            created: minute(t.created_at),
            expires: t.expires_at.map(minute).unwrap_or_else(|| "不过期".into()),
            last_used: t.last_used_at.map(minute).unwrap_or_else(|| "—".into()),
            ended: match (t.revoked_at, t.expires_at) {
                (Some(at), _) => format!("已吊销（{}）", minute(at)),
                (None, Some(at)) if at <= now => "已过期".into(),
                _ => String::new(),
            },
        })
        .collect();
    let sessions = sessions::open_of(&state.db, id, now, Policy::of(&state.config))
        .await?
        .into_iter()
        .map(|s| SessionRow {
            created: minute(s.created_at),
            last_seen: minute(s.last_seen_at),
            client: s.client,
        })
        .collect();
    // The service refuses these; the page says why before the button is pressed.
    let blocked = if member.role != StaffRole::Admin || member.disabled_at.is_some() {
        String::new()
    } else if member.id == staff.member.id {
        "不能停用或降级自己的管理员账号".to_owned()
    } else {
        let admins = members::list(&state.db)
            .await?
            .iter()
            .filter(|m| m.role == StaffRole::Admin && m.disabled_at.is_none())
            .count();
        if admins <= 1 {
            "这是最后一名在用的管理员".to_owned()
        } else {
            String::new()
        }
    };
    render_with(
        status,
        &MemberPage {
            layout: staff.layout("staff"),
            role: role_label(member.role),
            role_value: crate::services::projection::enum_str(member.role),
            totp: totp_label(&member),
            created_at: minute(member.created_at),
            disabled_at: member.disabled_at.map(minute).unwrap_or_default(),
            notice: outcome.notice,
            error: outcome.error,
            shown: outcome.shown,
            tokens,
            sessions,
            demote: Guard { blocked },
            member,
        },
    )
}

/// Query of a member's page: a message after an action.
#[derive(Debug, Default, Deserialize)]
pub(super) struct PageQuery {
    done: Option<String>,
}

fn done_text(action: &str) -> &'static str {
    match action {
        "role" => "角色已更改。",
        "totp" => "动态验证码要求已更新。",
        "disable" => "账号已停用，其全部会话和令牌已立即失效。",
        "enable" => "账号已重新启用；该成员需重新登录，API 令牌需重新签发。",
        "password" => "登录名和密码已设置，失败次数已清零。",
        "sessions" => "已结束该成员的全部会话。",
        "revoke" => "令牌已吊销。",
        _ => "",
    }
}

/// `GET /office/staff/{id}`.
pub(super) async fn page(
    State(state): State<AppState>,
    staff: Staff<Admin>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> ConsoleResult {
    let outcome = Outcome {
        notice: done_text(q.done.as_deref().unwrap_or_default()).to_owned(),
        ..Default::default()
    };
    member_page(&state, &staff, staff_id(&id)?, outcome, StatusCode::OK).await
}

/// The forms of a member's page; each sends the version it was read at.
#[derive(Debug, Default, Deserialize)]
pub(super) struct MemberForm {
    version: Option<String>,
    role: Option<String>,
    totp_required: Option<String>,
    login: Option<String>,
    password: Option<String>,
}

impl MemberForm {
    /// The API's change for `action`, parsed by the same input type.
    fn patch(&self, action: &str) -> Result<StaffPatch, ApiError> {
        let version = super::super::version_field(self.version.as_deref())?;
        let mut patch = StaffPatch {
            version,
            name: None,
            role: None,
            disabled: None,
            totp_required: None,
            login: None,
            password: None,
        };
        match action {
            "role" => patch.role = Some(role_of(self.role.as_deref())?),
            "totp" => {
                patch.totp_required = Some(match self.totp_required.as_deref() {
                    Some("true") => true,
                    Some("false") => false,
                    other => {
                        return Err(ApiError::field(
                            ErrorCode::InvalidStaffField,
                            "totp_required",
                            other.unwrap_or_default(),
                            "is not `true` or `false`",
                        ));
                    }
                });
            }
            "disable" => patch.disabled = Some(true),
            "enable" => patch.disabled = Some(false),
            "password" => {
                // Both are required here: the form is for setting a password.
                patch.login = Some(blank_to_none(&self.login).unwrap_or_default());
                patch.password = Some(password_of(&self.password).unwrap_or_default());
            }
            _ => {
                return Err(ApiError::new(
                    ErrorCode::RouteNotFound,
                    "No route matches this path.",
                ));
            }
        }
        Ok(patch)
    }
}

/// `POST /office/staff/{id}/{action}`: change the role (`role`), require the second factor or
/// not (`totp`), `disable` or `enable`, set the login and `password`, or end every session
/// (`sessions`).
pub(super) async fn act(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted<Admin, MemberForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let id = staff_id(&id)?;
    let by = staff.member.id;
    let result = if action == "sessions" {
        state
            .write(staff.actor(), async |txn, ctx| {
                sessions::end_all(txn, ctx, id).await.map(|_| ())
            })
            .await
    } else {
        match form.patch(&action).and_then(StaffPatch::parse) {
            Ok((version, change)) => {
                state
                    .write(staff.actor(), async |txn, ctx| {
                        members::update(txn, ctx, by, id, version, change)
                            .await
                            .map(|_| ())
                    })
                    .await
            }
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(()) => see(&format!("/office/staff/{id}?done={action}")),
        Err(e) if e.code.status().is_client_error() && e.code != ErrorCode::RouteNotFound => {
            let status = e.code.status();
            let outcome = Outcome {
                error: FormError::of(&e),
                ..Default::default()
            };
            member_page(&state, &staff, id, outcome, status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /office/staff/{id}/tokens/{token}/revoke`: the member's token is refused from now on.
pub(super) async fn revoke_token(
    State(state): State<AppState>,
    Path((id, token)): Path<(String, String)>,
    posted: Posted<Admin, HashMap<String, String>>,
) -> ConsoleResult {
    let staff = posted.staff;
    let id = staff_id(&id)?;
    let token = super::super::path_id(&token, StaffTokenId, ErrorCode::TokenNotFound, "Token")?;
    // The owner is the page's member: a token of anyone else is not found here.
    let result = state
        .write(staff.actor(), async |txn, ctx| {
            members::revoke_token(txn, ctx, token, Some(id)).await
        })
        .await;
    match result {
        Ok(_) => see(&format!("/office/staff/{id}?done=revoke")),
        Err(e) if e.code.status().is_client_error() => {
            let status = e.code.status();
            let outcome = Outcome {
                error: FormError::of(&e),
                ..Default::default()
            };
            member_page(&state, &staff, id, outcome, status).await
        }
        Err(e) => Err(e.into()),
    }
}
