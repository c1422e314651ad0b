//! The office console under `/office/`: server-rendered Chinese pages for the credit office's
//! staff, usable without JavaScript. Staff sign in with a console session (the same sessions as
//! `POST /api/v1/office/session`); every form post carries the session's CSRF token in a hidden
//! `csrf` field, checked by [`Posted`] before the form is read. Every action calls the same
//! input layer and service functions, under the same role checks, as the office API.

mod admin;
mod agencies;
mod cases;
mod entries;
mod import;
mod notices;
mod objections;
mod subjects;

use super::extract::{AnyStaff, Role, SESSION_COOKIE, cookie};
use super::pages::PageError;
use super::ratelimit::ClientAddr;
use crate::error::{ApiError, ErrorCode};
use crate::input::staff::LoginIn;
use crate::services::sessions::{self, Outcome, Policy};
use crate::services::{Page, entries as entry_service, repairs, revisions};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use entity::{EntryStatus, StaffRole, staff, staff_session};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

/// The console's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/office", get(|| async { Redirect::to("/office/") }))
        .route("/office/", get(dashboard))
        .route("/office/reindex", post(reindex))
        .route("/office/login", get(login_page).post(login))
        .route("/office/logout", post(logout))
        .route("/office/entries", get(entries::list).post(entries::create))
        .route("/office/entries/new", get(entries::new_form))
        .route(
            "/office/entries/{id}",
            get(entries::page).post(entries::update),
        )
        .route("/office/entries/{id}/edit", get(entries::edit_form))
        .route("/office/entries/{id}/{action}", post(entries::act))
        .route(
            "/office/subjects",
            get(subjects::list).post(subjects::create),
        )
        .route("/office/subjects/new", get(subjects::new_form))
        .route("/office/notices", get(notices::list).post(notices::create))
        .route("/office/notices/new", get(notices::new_form))
        .route(
            "/office/notices/{id}",
            get(notices::page).post(notices::update),
        )
        .route("/office/notices/{id}/edit", get(notices::edit_form))
        .route("/office/notices/{id}/{step}", post(notices::act))
        .route("/office/objections", get(objections::queue))
        .route("/office/objections/{id}", get(objections::case))
        .route("/office/objections/{id}/{step}", post(objections::step))
        .route("/office/repairs", get(cases::repair_queue))
        .route("/office/repairs/{id}", get(cases::repair_case))
        .route("/office/repairs/{id}/{step}", post(cases::repair_step))
        .route(
            "/office/repairs/{id}/materials/{sha256}",
            get(cases::repair_material),
        )
        .route("/office/revisions", get(cases::revision_queue))
        .route("/office/revisions/{id}", get(cases::revision))
        .route("/office/revisions/{id}/{step}", post(cases::revision_step))
        .route(
            "/office/subjects/{id}",
            get(subjects::page).post(subjects::update),
        )
        .route("/office/subjects/{id}/edit", get(subjects::edit_form))
        .route(
            "/office/import",
            get(import::form)
                .post(import::upload)
                // A spreadsheet is larger than a form: the file's own cap, and room for the rest.
                .layer(axum::extract::DefaultBodyLimit::max(
                    import::MAX_UPLOAD_BYTES + 64 * 1024,
                )),
        )
        .route("/office/import/{id}", get(import::show))
        .route("/office/import/{id}/rejected.csv", get(import::rejected))
        .route(
            "/office/agencies",
            get(agencies::list).post(agencies::create),
        )
        .route("/office/agencies/{id}", get(agencies::page))
        .route(
            "/office/agencies/{id}/authorities",
            post(agencies::set_authorities),
        )
        .route("/office/agencies/{id}/keys", post(agencies::issue_key))
        .route("/office/keys/{id}/revoke", post(agencies::revoke_key))
        .merge(admin::router())
}

/// Why a console request was not served: no valid session (sign in first), or an error page.
#[derive(Debug)]
pub enum ConsoleError {
    /// No session, or it ended or timed out: to the sign-in page.
    SignIn,
    /// Any other error, as an HTML error page.
    Page(ApiError),
}

impl From<ApiError> for ConsoleError {
    fn from(err: ApiError) -> Self {
        Self::Page(err)
    }
}

impl From<sea_orm::DbErr> for ConsoleError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Page(err.into())
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn => Redirect::to("/office/login").into_response(),
            Self::Page(err) => PageError(err).into_response(),
        }
    }
}

/// The result of a console handler.
pub type ConsoleResult = Result<Response, ConsoleError>;

/// A signed-in staff member whose role allows `R`, with their session.
#[derive(Debug, Clone)]
pub struct Staff<R: Role = AnyStaff> {
    /// The member.
    pub member: staff::Model,
    /// Their console session.
    pub session: staff_session::Model,
    role: PhantomData<R>,
}

impl<R: Role> Staff<R> {
    /// The audit actor label (the same as the API's).
    pub fn actor(&self) -> String {
        format!("staff:{}", self.member.id)
    }

    /// The layout of a console page in `section`.
    pub fn layout(&self, section: &'static str) -> Layout {
        Layout {
            css_href: super::pages::stylesheet_href(),
            name: self.member.name.clone(),
            role: role_label(self.member.role),
            csrf: self.session.csrf_token.clone(),
            section,
        }
    }

    /// Whether `sent` is this session's CSRF token.
    pub fn csrf_ok(&self, sent: Option<&str>) -> bool {
        sent.is_some_and(|t| crate::crypto::constant_time_eq(t, &self.session.csrf_token))
    }

    /// Whether the member has a role (administrators have every role).
    pub fn may(&self, role: StaffRole) -> bool {
        self.member.role == StaffRole::Admin || self.member.role == role
    }
}

impl<R: Role> FromRequestParts<AppState> for Staff<R> {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(parts, SESSION_COOKIE) else {
            return Err(ConsoleError::SignIn);
        };
        let policy = Policy::of(&state.config);
        let (member, session) =
            match sessions::current(&state.db, token, state.clock.now(), policy).await {
                Ok(found) => found,
                Err(e) if e.code.error_type() == crate::error::ErrorType::Auth => {
                    return Err(ConsoleError::SignIn);
                }
                Err(e) => return Err(e.into()),
            };
        tracing::Span::current().record("staff.id", tracing::field::display(member.id));
        if member.role != StaffRole::Admin && !R::ALLOWED.contains(&member.role) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                format!(
                    "The role `{}` may not do this.",
                    crate::services::projection::enum_str(member.role)
                ),
            )
            .into());
        }
        Ok(Staff {
            member,
            session,
            role: PhantomData,
        })
    }
}

/// The most bytes of a console form (uploads go through [`import`] instead).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// A form posted from a console page by a signed-in member whose role allows `R`. Its `csrf`
/// field must be the session's CSRF token, or nothing is read and the post is refused
/// (`csrf_failed`); the other fields are parsed into `T`.
#[derive(Debug)]
pub struct Posted<R: Role, T> {
    /// Who posted it.
    pub staff: Staff<R>,
    /// The form, without its `csrf` field.
    pub form: T,
}

/// The refusal of a post without the session's CSRF token.
fn csrf_failed() -> ApiError {
    ApiError::new(
        ErrorCode::CsrfFailed,
        "The form lacks this session's CSRF token; reload the page and send it again.",
    )
}

impl<R: Role, T: DeserializeOwned> FromRequest<AppState> for Posted<R, T> {
    type Rejection = ConsoleError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let staff = Staff::<R>::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| {
                ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    format!("A console form may have at most {MAX_FORM_BYTES} bytes."),
                )
            })?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| ApiError::new(ErrorCode::InvalidRequestBody, format!("The form: {e}")))?;
        let sent = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str());
        if !staff.csrf_ok(sent) {
            return Err(csrf_failed().into());
        }
        let rest: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != "csrf").collect();
        let encoded = serde_urlencoded::to_string(&rest)
            .map_err(|e| ApiError::new(ErrorCode::InvalidRequestBody, format!("The form: {e}")))?;
        let form = serde_urlencoded::from_str(&encoded)
            .map_err(|e| ApiError::new(ErrorCode::InvalidRequestBody, format!("The form: {e}")))?;
        Ok(Posted { staff, form })
    }
}

/// An id in a console address; anything that is not one names no `what` (its 404 `code`).
pub fn path_id<T>(
    raw: &str,
    make: fn(uuid::Uuid) -> T,
    code: ErrorCode,
    what: &str,
) -> Result<T, ConsoleError> {
    uuid::Uuid::parse_str(raw)
        .map(make)
        .map_err(|_| ApiError::new(code, format!("{what} `{raw}` not found.")).into())
}

/// The `version` field of a step's form.
pub fn version_field(value: Option<&str>) -> Result<i32, ApiError> {
    value
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidRequestBody, "`version`: required."))
}

/// What every console page's layout needs.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The stylesheet address.
    pub css_href: &'static str,
    /// The member's name.
    pub name: String,
    /// Their role, in Chinese.
    pub role: &'static str,
    /// The session's CSRF token, for every form.
    pub csrf: String,
    /// The current section: `dashboard`, `entries`, `subjects`, `import`.
    pub section: &'static str,
}

impl Layout {
    /// `aria-current` for a navigation link.
    pub fn current(&self, link: &str) -> &'static str {
        if self.section == link {
            "page"
        } else {
            "false"
        }
    }
}

/// A role in Chinese.
pub fn role_label(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Admin => "管理员",
        StaffRole::Editor => "编辑（录入）",
        StaffRole::Reviewer => "审核员",
    }
}

/// Renders a console page with `status`.
pub fn render_with<T: Template>(status: StatusCode, page: &T) -> ConsoleResult {
    let body = page
        .render()
        .map_err(|e| ApiError::internal(format!("console template: {e}")))?;
    let mut response = (status, Html(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Renders a console page with status 200.
pub fn render<T: Template>(page: &T) -> ConsoleResult {
    render_with(StatusCode::OK, page)
}

/// After a post: see the result at `to` (303, so a reload does not post again).
pub fn see(to: &str) -> ConsoleResult {
    Ok(Redirect::to(to).into_response())
}

/// The field an error message names (`` `field`: … ``), so a form can show it beside that field.
pub fn field_of(message: &str) -> Option<&str> {
    let rest = message.strip_prefix('`')?;
    let end = rest.find('`')?;
    rest[end..].starts_with("`:").then(|| &rest[..end])
}

/// An error shown on a form: the field it names (if any) and the message.
#[derive(Clone, Debug, Default)]
pub struct FormError {
    /// The field, e.g. `decision_date` (empty: the form as a whole).
    pub field: String,
    /// The message.
    pub message: String,
    /// The error code.
    pub code: &'static str,
}

impl FormError {
    /// The form error of an API error.
    pub fn of(err: &ApiError) -> Self {
        Self {
            field: field_of(&err.message).unwrap_or_default().to_owned(),
            message: crate::wording::shown(err.code, &err.message),
            code: err.code.as_str(),
        }
    }

    /// The message if it is about `field`.
    pub fn on(&self, field: &str) -> &str {
        if self.field == field {
            &self.message
        } else {
            ""
        }
    }

    /// `aria-invalid` of `field`: whether the error is about it.
    pub fn invalid(&self, field: &str) -> &'static str {
        if self.field == field { "true" } else { "false" }
    }

    /// The message if it is about no field of the form's `fields`.
    pub fn general(&self, fields: &[&str]) -> &str {
        if fields.contains(&self.field.as_str()) {
            ""
        } else {
            &self.message
        }
    }
}

#[derive(Template)]
#[template(path = "office/login.html")]
struct LoginPage {
    css_href: &'static str,
    login: String,
    error: String,
}

/// `GET /office/login`.
async fn login_page() -> ConsoleResult {
    render(&LoginPage {
        css_href: super::pages::stylesheet_href(),
        login: String::new(),
        error: String::new(),
    })
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
struct LoginForm {
    login: Option<String>,
    password: Option<String>,
    totp: Option<String>,
}

/// `POST /office/login`: opens a session (the same checks, limits and audit as the API's login)
/// and goes to the dashboard. There is no session yet, so no CSRF token: the cookie is
/// `SameSite=Strict` and the form posts only to this origin.
async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LoginForm>,
) -> ConsoleResult {
    let login = form.login.clone().unwrap_or_default();
    let again = |status: StatusCode, error: String| {
        render_with(
            status,
            &LoginPage {
                css_href: super::pages::stylesheet_href(),
                login: login.clone(),
                error,
            },
        )
    };
    if let Err(wait) = state.login_limiter.check(client.key()) {
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            format!("登录尝试过多，请在 {wait} 秒后重试。"),
        );
    }
    let input = LoginIn {
        login: form.login.unwrap_or_default(),
        password: form.password.unwrap_or_default(),
        totp: form.totp.filter(|t| !t.trim().is_empty()),
    };
    let attempt = input.parse(client.ip.to_string());
    let policy = Policy::of(&state.config);
    let outcome = state
        .write("anonymous".into(), async |txn, ctx| {
            sessions::login(txn, ctx, attempt, policy).await
        })
        .await?;
    let opened = match outcome {
        Outcome::Opened(opened) => opened,
        Outcome::Refused(err) => {
            let message = match err.code {
                ErrorCode::TotpRequired => "请输入身份验证器上的动态验证码。".to_owned(),
                ErrorCode::LoginThrottled => {
                    "失败次数过多，账号已暂时锁定，请稍后再试。".to_owned()
                }
                _ => "登录名、密码或验证码不正确，或账号已停用。".to_owned(),
            };
            return again(StatusCode::UNAUTHORIZED, message);
        }
    };
    let max_age = (opened.session.expires_at - state.clock.now()).num_seconds();
    let mut response = Redirect::to("/office/").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        super::api::office::session::cookie(
            &opened.token,
            max_age,
            super::api::office::session::secure(&state, &headers),
        ),
    );
    Ok(response)
}

/// `POST /office/logout`: ends the session and clears its cookie.
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    posted: Posted<AnyStaff, std::collections::HashMap<String, String>>,
) -> ConsoleResult {
    let staff = posted.staff;
    let session = staff.session.id;
    let member = staff.member.clone();
    state
        .write(staff.actor(), async |txn, ctx| {
            sessions::logout(txn, ctx, &member, session).await
        })
        .await?;
    let mut response = Redirect::to("/office/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        super::api::office::session::cookie(
            "",
            0,
            super::api::office::session::secure(&state, &headers),
        ),
    );
    Ok(response)
}

/// One line of a dashboard queue.
struct QueueItem {
    href: String,
    title: String,
    detail: String,
    /// `overdue`, `soon` or empty.
    urgency: &'static str,
}

#[derive(Template)]
#[template(path = "office/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    drafts: Vec<QueueItem>,
    drafts_total: u64,
    to_review: Vec<QueueItem>,
    to_review_total: u64,
    revisions_total: u64,
    repairs: Vec<QueueItem>,
    objections: Vec<QueueItem>,
    notices: Vec<QueueItem>,
    notices_total: u64,
    ending: Vec<QueueItem>,
    outbox_pending: u64,
    /// Minutes the oldest change has waited for the index (0 when none waits).
    outbox_lag_minutes: i64,
    index_ready: bool,
    /// An administrator sees the rebuild button.
    is_admin: bool,
    /// A rebuild runs: the button is disabled and the page refreshes itself.
    rebuild_running: bool,
    /// The last rebuild, in words (empty when none since the server started).
    rebuild_text: String,
}

/// The server's last rebuild of the search index, in words.
fn rebuild_text(status: &crate::workers::rebuilds::RebuildStatus) -> String {
    use crate::workers::rebuilds::RebuildState;
    let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| {
            t.with_timezone(&entries::china())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
    };
    match status.state {
        RebuildState::Idle => String::new(),
        RebuildState::Running => {
            let index = match status.index.as_deref() {
                Some("subjects") => "信用主体",
                Some("entries") => "名单条目",
                Some("notices") => "曝光信息",
                _ => "准备中",
            };
            format!(
                "正在重建（{index} {} / {}），查询照常使用现有索引",
                status.done, status.total
            )
        }
        RebuildState::Done => format!(
            "上次重建于 {} 完成：信用主体 {} 个、名单条目 {} 条、曝光信息 {} 条",
            at(status.finished_at),
            status.subjects.unwrap_or(0),
            status.entries.unwrap_or(0),
            status.notices.unwrap_or(0)
        ),
        RebuildState::Failed => format!(
            "上次重建于 {} 失败，现有索引保持不变：{}",
            at(status.finished_at),
            status.error.as_deref().unwrap_or("")
        ),
    }
}

/// `POST /office/reindex` (administrators): the running server rebuilds the search index, as
/// `POST /api/v1/office/reindex`; the dashboard follows it.
async fn reindex(
    State(state): State<AppState>,
    posted: Posted<crate::http::extract::Admin, std::collections::HashMap<String, String>>,
) -> ConsoleResult {
    match crate::workers::rebuilds::start(&state, posted.staff.actor()) {
        // Already running: the dashboard shows that one.
        Ok(_)
        | Err(ApiError {
            code: ErrorCode::ReindexRunning,
            ..
        }) => see("/office/"),
        Err(e) => Err(e.into()),
    }
}

fn entry_item(e: &entity::list_entry::Model) -> QueueItem {
    QueueItem {
        href: format!("/office/entries/{}", e.id),
        title: format!("{} · {}", e.list_name, e.document_number),
        detail: format!("{} · 认定日期 {}", e.authority_name, e.decision_date),
        urgency: "",
    }
}

/// `GET /office/`: the work of the day.
async fn dashboard(State(state): State<AppState>, staff: Staff) -> ConsoleResult {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
    let today = state.clock.today();
    let first = Page {
        page: 1,
        per_page: 10,
    };
    let queue = |status| entry_service::EntryFilter {
        status: Some(status),
        ..Default::default()
    };
    let (drafts, drafts_total) =
        entry_service::list(&state.db, queue(EntryStatus::Draft), first).await?;
    let (to_review, to_review_total) =
        entry_service::list(&state.db, queue(EntryStatus::PendingReview), first).await?;
    let (_, revisions_total) = revisions::list(
        &state.db,
        revisions::RevisionFilter {
            status: Some(entity::RevisionStatus::Pending),
            entry_id: None,
        },
        first,
    )
    .await?;
    let soon = state.calendar.current().add_working_days(today, 3);
    let repairs: Vec<QueueItem> = cases::open_repairs(&state, 10)
        .await?
        .iter()
        .map(|r| {
            let due = cases::due_of(r);
            QueueItem {
                href: format!("/office/repairs/{}", r.id),
                title: format!("信用修复申请 {}", &r.id.to_string()[..8]),
                detail: format!("{} · 办理期限 {due}", cases::repair_status(r.status)),
                urgency: if repairs::is_overdue(r, today) {
                    "overdue"
                } else if due <= soon {
                    "soon"
                } else {
                    ""
                },
            }
        })
        .collect();
    let ending: Vec<QueueItem> = entity::list_entry::Entity::find()
        .filter(entity::list_entry::Column::Status.eq(EntryStatus::Published))
        .filter(entity::list_entry::Column::PublicityUntil.gte(today))
        .filter(entity::list_entry::Column::PublicityUntil.lt(today + chrono::Duration::days(30)))
        .order_by_asc(entity::list_entry::Column::PublicityUntil)
        .limit(10)
        .all(&state.db)
        .await?
        .iter()
        .map(|e| {
            let mut item = entry_item(e);
            if let Some(until) = e.publicity_until {
                item.detail = format!("{} · 公示截止 {until}", e.authority_name);
            }
            item
        })
        .collect();
    let objections: Vec<QueueItem> = objections::open_queue(&state, 10)
        .await?
        .iter()
        .map(|o| QueueItem {
            href: format!("/office/objections/{}", o.id),
            title: format!("异议申诉 {}", &o.id.to_string()[..8]),
            detail: format!(
                "{} · 办理期限 {}",
                objections::status_label(o.status),
                objections::next_due(o)
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            ),
            urgency: objections::urgency(o, today, soon),
        })
        .collect();
    let (waiting_notices, notices_total) =
        crate::services::notices::list(&state.db, Some(entity::NoticeStatus::PendingReview), first)
            .await?;
    let notices = waiting_notices
        .iter()
        .map(|n| QueueItem {
            href: format!("/office/notices/{}", n.id),
            title: n.title.clone(),
            detail: n.issuing_unit.clone(),
            urgency: "",
        })
        .collect();
    let outbox_pending = entity::outbox::Entity::find().count(&state.db).await?;
    let outbox_lag_minutes = entity::outbox::Entity::find()
        .order_by_asc(entity::outbox::Column::CreatedAt)
        .one(&state.db)
        .await?
        .map(|row| (state.clock.now() - row.created_at).num_minutes().max(0))
        .unwrap_or(0);
    let rebuild = state.rebuilds.status();
    render(&DashboardPage {
        layout: staff.layout("dashboard"),
        drafts: drafts.iter().map(entry_item).collect(),
        drafts_total,
        to_review: to_review.iter().map(entry_item).collect(),
        to_review_total,
        revisions_total,
        repairs,
        objections,
        notices,
        notices_total,
        ending,
        outbox_pending,
        outbox_lag_minutes,
        index_ready: state.readiness.search_ready(),
        is_admin: staff.member.role == entity::StaffRole::Admin,
        rebuild_running: rebuild.state == crate::workers::rebuilds::RebuildState::Running,
        rebuild_text: rebuild_text(&rebuild),
    })
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn a_field_error_names_its_field() {
        assert_eq!(
            field_of("`decision_date`: `2027-01-01` is in the future"),
            Some("decision_date")
        );
        assert_eq!(field_of("`subject_id`: required."), Some("subject_id"));
        assert_eq!(
            field_of("Entry `x` is `draft` and cannot be approved."),
            None
        );
        assert_eq!(field_of("`x` alone"), None);
    }
}
