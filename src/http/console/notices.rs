//! `/office/notices` (曝光台): a Markdown editor whose preview is rendered by the same renderer as
//! the public notice page, publication by another member than the author, and withdrawal with a
//! public reason.

use super::{
    ConsoleError, ConsoleResult, FormError, Layout, Posted, Staff, render, render_with, see,
};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::{AnyStaff, Editor};
use crate::input::entries::withdrawal_reason;
use crate::input::notices::{NoticeFields, parse_new_notice, parse_notice_patch, usccs};
use crate::services::{Page, notices};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use entity::{NoticeCategory, NoticeId, NoticeStatus, StaffRole, notice};
use serde::Deserialize;

pub(super) fn status_label(s: NoticeStatus) -> &'static str {
    match s {
        NoticeStatus::Draft => "草稿",
        NoticeStatus::PendingReview => "待审核",
        NoticeStatus::Published => "已发布",
        NoticeStatus::Withdrawn => "已撤回",
    }
}

fn category_label(c: NoticeCategory) -> &'static str {
    match c {
        NoticeCategory::DishonestyCase => "失信典型案例",
        NoticeCategory::IntegrityModel => "诚信典型",
    }
}

fn notice_id(raw: &str) -> Result<NoticeId, ConsoleError> {
    super::path_id(raw, NoticeId, ErrorCode::NoticeNotFound, "Notice")
}

struct Row {
    id: String,
    title: String,
    category: &'static str,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "office/notices.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
}

/// `GET /office/notices`.
pub(super) async fn list(State(state): State<AppState>, staff: Staff) -> ConsoleResult {
    let (items, _) = notices::list(
        &state.db,
        None,
        Page {
            page: 1,
            per_page: 50,
        },
    )
    .await?;
    render(&ListPage {
        layout: staff.layout("notices"),
        rows: items
            .iter()
            .map(|n| Row {
                id: n.id.to_string(),
                title: n.title.clone(),
                category: category_label(n.category),
                status: status_label(n.status),
            })
            .collect(),
    })
}

/// The notice form as posted, every field as text.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct NoticeForm {
    version: Option<String>,
    title: Option<String>,
    category: Option<String>,
    issuing_unit: Option<String>,
    body_md: Option<String>,
    /// One code per line (or separated by commas).
    subject_usccs: Option<String>,
    publicity_until: Option<String>,
    /// `preview` or `save`.
    action: Option<String>,
}

impl NoticeForm {
    fn fields(&self) -> Result<NoticeFields, ApiError> {
        let category = match self.category.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("dishonesty_case") => Some(NoticeCategory::DishonestyCase),
            Some("integrity_model") => Some(NoticeCategory::IntegrityModel),
            Some(other) => {
                return Err(ApiError::field(
                    ErrorCode::InvalidNoticeField,
                    "category",
                    other,
                    "is not a category",
                ));
            }
        };
        let publicity_until = match self.publicity_until.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                ApiError::field(
                    ErrorCode::InvalidNoticeField,
                    "publicity_until",
                    s,
                    "is not a date (YYYY-MM-DD)",
                )
            })?),
        };
        let version = match self.version.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(s.parse::<i32>().map_err(|_| {
                ApiError::field(
                    ErrorCode::InvalidNoticeField,
                    "version",
                    s,
                    "is not a version",
                )
            })?),
        };
        Ok(NoticeFields {
            version,
            title: self.title.clone(),
            category,
            issuing_unit: self.issuing_unit.clone(),
            body_md: self.body_md.clone(),
            subject_usccs: Some(
                self.subject_usccs
                    .as_deref()
                    .unwrap_or_default()
                    .split(['\n', ',', '，'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
            publicity_until,
        })
    }

    fn of(n: &notice::Model) -> Self {
        Self {
            version: Some(n.version.to_string()),
            title: Some(n.title.clone()),
            category: Some(crate::services::projection::enum_str(n.category)),
            issuing_unit: Some(n.issuing_unit.clone()),
            body_md: Some(n.body_md.clone()),
            subject_usccs: Some(usccs(n).join("\n")),
            publicity_until: n.publicity_until.map(|d| d.to_string()),
            action: None,
        }
    }

    fn v(&self, field: &str) -> &str {
        let value = match field {
            "version" => &self.version,
            "title" => &self.title,
            "category" => &self.category,
            "issuing_unit" => &self.issuing_unit,
            "body_md" => &self.body_md,
            "subject_usccs" => &self.subject_usccs,
            "publicity_until" => &self.publicity_until,
            _ => &None,
        };
        value.as_deref().unwrap_or_default()
    }
}

const FIELDS: &[&str] = &[
    "title",
    "category",
    "issuing_unit",
    "body_md",
    "subject_usccs",
    "publicity_until",
];

#[derive(Template)]
#[template(path = "office/notice_form.html")]
struct FormPage {
    layout: Layout,
    notice_id: Option<String>,
    form: NoticeForm,
    error: FormError,
    /// The body rendered as the public page renders it.
    preview: String,
}

impl FormPage {
    fn selected(&self, value: &str) -> &'static str {
        if self.form.v("category") == value {
            "selected"
        } else {
            ""
        }
    }
}

/// `GET /office/notices/new`.
pub(super) async fn new_form(staff: Staff<Editor>) -> ConsoleResult {
    render(&FormPage {
        layout: staff.layout("notices"),
        notice_id: None,
        form: NoticeForm::default(),
        error: FormError::default(),
        preview: String::new(),
    })
}

/// `GET /office/notices/{id}/edit`.
pub(super) async fn edit_form(
    State(state): State<AppState>,
    staff: Staff<Editor>,
    Path(id): Path<String>,
) -> ConsoleResult {
    let n = notices::get(&state.db, notice_id(&id)?).await?;
    render(&FormPage {
        layout: staff.layout("notices"),
        notice_id: Some(n.id.to_string()),
        form: NoticeForm::of(&n),
        error: FormError::default(),
        preview: String::new(),
    })
}

/// `POST /office/notices`: preview, or create the draft.
pub(super) async fn create(
    State(state): State<AppState>,
    posted: Posted<Editor, NoticeForm>,
) -> ConsoleResult {
    save(&state, posted, None).await
}

/// `POST /office/notices/{id}`: preview, or save the draft's new content.
pub(super) async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Editor, NoticeForm>,
) -> ConsoleResult {
    let id = notice_id(&id)?;
    save(&state, posted, Some(id)).await
}

async fn save(
    state: &AppState,
    posted: Posted<Editor, NoticeForm>,
    id: Option<NoticeId>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let today = state.clock.today();
    let current = match id {
        Some(id) => Some(notices::get(&state.db, id).await?),
        None => None,
    };
    let parsed = form.fields().and_then(|mut f| match &current {
        Some(cur) => parse_notice_patch(cur, f, today),
        None => {
            f.version = None;
            parse_new_notice(f, today)
        }
    });
    let page = |error: FormError, preview: String, form: NoticeForm| FormPage {
        layout: staff.layout("notices"),
        notice_id: id.map(|i| i.to_string()),
        form,
        error,
        preview,
    };
    let content = match parsed {
        Ok(c) => c,
        Err(e) => {
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(FormError::of(&e), String::new(), form),
            );
        }
    };
    if form.action.as_deref() == Some("preview") {
        let preview = crate::markdown::render(form.v("body_md"));
        return render(&page(FormError::default(), preview, form));
    }
    let by = staff.member.id;
    let version = form.fields().ok().and_then(|f| f.version).unwrap_or(0);
    let saved = state
        .write(staff.actor(), async |txn, ctx| match id {
            Some(id) => notices::update_draft(txn, ctx, id, version, content).await,
            None => notices::create_draft(txn, ctx, Some(by), content).await,
        })
        .await;
    match saved {
        Ok(n) => see(&format!("/office/notices/{}", n.id)),
        Err(e) if e.code.status().is_client_error() => render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(FormError::of(&e), String::new(), form),
        ),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "office/notice.html")]
struct NoticePage {
    layout: Layout,
    notice: notice::Model,
    status: &'static str,
    category: &'static str,
    body_html: String,
    can_edit: bool,
    may_submit: bool,
    publish_blocked: String,
    may_review: bool,
    message: String,
}

async fn notice_page(
    state: &AppState,
    staff: &Staff,
    id: NoticeId,
    message: String,
    status: StatusCode,
) -> ConsoleResult {
    let n = notices::get(&state.db, id).await?;
    let may_review = staff.may(StaffRole::Reviewer);
    let publish_blocked = if !may_review {
        "需要审核员权限".to_owned()
    } else if n.created_by == Some(staff.member.id) {
        "您撰写了此曝光信息，须由他人审核发布".to_owned()
    } else {
        String::new()
    };
    render_with(
        status,
        &NoticePage {
            layout: staff.layout("notices"),
            status: status_label(n.status),
            category: category_label(n.category),
            body_html: crate::markdown::render(&n.body_md),
            can_edit: n.status == NoticeStatus::Draft && staff.may(StaffRole::Editor),
            may_submit: staff.may(StaffRole::Editor),
            publish_blocked,
            may_review,
            message,
            notice: n,
        },
    )
}

/// `GET /office/notices/{id}`.
pub(super) async fn page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> ConsoleResult {
    notice_page(
        &state,
        &staff,
        notice_id(&id)?,
        String::new(),
        StatusCode::OK,
    )
    .await
}

/// A step's form.
#[derive(Debug, Deserialize)]
pub(super) struct StepForm {
    version: Option<String>,
    reason: Option<String>,
}

/// `POST /office/notices/{id}/{step}`: submit, publish or withdraw.
pub(super) async fn act(
    State(state): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    posted: Posted<AnyStaff, StepForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let id = notice_id(&id)?;
    let version = super::version_field(form.version.as_deref())?;
    let me = staff.member.id;
    let reviewer = staff.may(StaffRole::Reviewer);
    let editor = staff.may(StaffRole::Editor);
    let result = state
        .write(staff.actor(), async |txn, ctx| {
            if step == "submit" {
                if !editor {
                    return Err(ApiError::new(
                        ErrorCode::Forbidden,
                        "Only editors and administrators submit notices.",
                    ));
                }
                return notices::submit(txn, ctx, id, version).await;
            }
            if !reviewer {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    "Only reviewers and administrators publish or withdraw notices.",
                ));
            }
            match step.as_str() {
                "publish" => notices::publish(txn, ctx, id, version, Some(me)).await,
                "withdraw" => {
                    let reason = withdrawal_reason(form.reason.clone().unwrap_or_default())?;
                    notices::withdraw(txn, ctx, id, version, reason).await
                }
                _ => Err(ApiError::new(
                    ErrorCode::RouteNotFound,
                    "No route matches this path.",
                )),
            }
        })
        .await;
    match result {
        Ok(_) => see(&format!("/office/notices/{id}")),
        Err(e) if e.code.status().is_client_error() && e.code != ErrorCode::RouteNotFound => {
            let status = e.code.status();
            notice_page(
                &state,
                &staff,
                id,
                format!(
                    "未能完成：{}",
                    crate::wording::shown_in_banner(e.code, &e.message)
                ),
                status,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
