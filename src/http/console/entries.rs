//! `/office/entries`: the list with filters, the create and edit form (checked by the same input
//! layer as the API, with each error beside its field and the publicity period shown before
//! saving), and an entry's page with its review actions and its history.

use super::{
    ConsoleError, ConsoleResult, FormError, Layout, Posted, Staff, render, render_with, see,
};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::parse_listing;
use crate::http::extract::{AnyStaff, Editor};
use crate::input::entries::{
    EntryFields, EntryFilterParams, parse_entry_patch, parse_new_entry, review_reason,
    withdrawal_reason,
};
use crate::services::projection::enum_str;
use crate::services::{Page, audit, entries, subjects};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use entity::{EntryId, EntryStatus, ListKind, StaffRole, SubjectId, list_entry};
use serde::Deserialize;
use uuid::Uuid;

/// An entry's status in Chinese.
pub fn status_label(status: EntryStatus) -> &'static str {
    match status {
        EntryStatus::Draft => "草稿",
        EntryStatus::PendingReview => "待审核",
        EntryStatus::Published => "已公示",
        EntryStatus::Withdrawn => "已撤销",
        EntryStatus::Expired => "公示期满",
        EntryStatus::Repaired => "已修复",
    }
}

/// A list in Chinese.
pub fn list_label(list: ListKind) -> &'static str {
    match list {
        ListKind::Red => "守信红名单",
        ListKind::Black => "失信黑名单",
        ListKind::KeyAttention => "重点关注",
    }
}

fn entry_id(raw: &str) -> Result<EntryId, ConsoleError> {
    super::path_id(raw, EntryId, ErrorCode::EntryNotFound, "Entry")
}

struct Row {
    id: String,
    list: &'static str,
    list_name: String,
    document_number: String,
    authority_name: String,
    decision_date: String,
    status: &'static str,
    status_class: &'static str,
}

impl Row {
    fn of(e: &list_entry::Model) -> Self {
        Self {
            id: e.id.to_string(),
            list: list_label(e.list),
            list_name: e.list_name.clone(),
            document_number: e.document_number.clone(),
            authority_name: e.authority_name.clone(),
            decision_date: e.decision_date.to_string(),
            status: status_label(e.status),
            status_class: status_class(e.status),
        }
    }
}

/// The CSS class of a status badge.
fn status_class(status: EntryStatus) -> &'static str {
    match status {
        EntryStatus::Draft => "draft",
        EntryStatus::PendingReview => "pending",
        EntryStatus::Published => "published",
        EntryStatus::Withdrawn | EntryStatus::Expired | EntryStatus::Repaired => "ended",
    }
}

#[derive(Template)]
#[template(path = "office/entries.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    total: u64,
    status: String,
    list: String,
    list_name: String,
    authority: String,
    decision_year: String,
    /// The filters as a query string, for the pager's links.
    query: String,
    page: u64,
    pages: u64,
}

/// `GET /office/entries`: the filters of the API's listing (`EntryFilterParams`), read by the
/// same parser; the fields the form leaves empty are not sent on.
pub(super) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> ConsoleResult {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidQueryParameter,
                format!("Bad query string: {e}"),
            )
        })?;
    let sent: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, v)| !v.trim().is_empty() && k != "per_page")
        .collect();
    let encode =
        |pairs: &[(String, String)]| serde_urlencoded::to_string(pairs).unwrap_or_default();
    let (filters, page): (EntryFilterParams, Page) = parse_listing(&encode(&sent))?;
    let page = Page {
        page: page.page.clamp(1, 10_000),
        per_page: 20,
    };
    let value = |key: &str| {
        sent.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let filters_only: Vec<(String, String)> =
        sent.iter().filter(|(k, _)| k != "page").cloned().collect();
    let (items, total) = entries::list(&state.db, filters.filter(), page).await?;
    render(&ListPage {
        layout: staff.layout("entries"),
        rows: items.iter().map(Row::of).collect(),
        total,
        status: value("status"),
        list: value("list"),
        list_name: value("list_name"),
        authority: value("authority"),
        decision_year: value("decision_year"),
        query: encode(&filters_only),
        page: page.page,
        pages: total.div_ceil(page.per_page).max(1),
    })
}

/// The entry form as posted: every field as text, so a wrong date is shown beside its field
/// like any other error.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct EntryForm {
    subject_id: Option<String>,
    version: Option<String>,
    list: Option<String>,
    list_name: Option<String>,
    severity: Option<String>,
    reason: Option<String>,
    facts: Option<String>,
    legal_basis: Option<String>,
    authority_name: Option<String>,
    authority_uscc: Option<String>,
    document_number: Option<String>,
    decision_date: Option<String>,
    listing_date: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
    source_name: Option<String>,
    source_uscc: Option<String>,
    /// `preview` (compute the publicity period) or `save`.
    action: Option<String>,
}

fn blank_to_none(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn date(field: &str, v: &Option<String>) -> Result<Option<NaiveDate>, ApiError> {
    match blank_to_none(v) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                ApiError::field(
                    ErrorCode::InvalidEntryDates,
                    field,
                    &s,
                    "is not a date (YYYY-MM-DD)",
                )
            }),
    }
}

impl EntryForm {
    /// The fields as the API receives them: the form's text goes through the same input layer.
    fn fields(&self) -> Result<EntryFields, ApiError> {
        let subject_id = match blank_to_none(&self.subject_id) {
            None => None,
            Some(s) => Some(Uuid::parse_str(&s).map_err(|_| {
                ApiError::field(
                    ErrorCode::InvalidEntryField,
                    "subject_id",
                    &s,
                    "is not a subject id",
                )
            })?),
        };
        let version = match blank_to_none(&self.version) {
            None => None,
            Some(s) => Some(s.parse::<i32>().map_err(|_| {
                ApiError::field(
                    ErrorCode::InvalidEntryField,
                    "version",
                    &s,
                    "is not a version",
                )
            })?),
        };
        Ok(EntryFields {
            subject_id,
            version,
            list: blank_to_none(&self.list),
            list_name: self.list_name.clone(),
            severity: blank_to_none(&self.severity),
            reason: self.reason.clone(),
            facts: blank_to_none(&self.facts),
            legal_basis: blank_to_none(&self.legal_basis),
            authority_name: self.authority_name.clone(),
            authority_uscc: blank_to_none(&self.authority_uscc),
            document_number: self.document_number.clone(),
            decision_date: date("decision_date", &self.decision_date)?,
            listing_date: date("listing_date", &self.listing_date)?,
            valid_from: date("valid_from", &self.valid_from)?,
            valid_until: date("valid_until", &self.valid_until)?,
            source_name: blank_to_none(&self.source_name),
            source_uscc: blank_to_none(&self.source_uscc),
        })
    }

    fn of(e: &list_entry::Model) -> Self {
        let text = |v: &Option<String>| v.clone();
        Self {
            subject_id: Some(e.subject_id.to_string()),
            version: Some(e.version.to_string()),
            list: Some(enum_str(e.list)),
            list_name: Some(e.list_name.clone()),
            severity: e.severity.map(enum_str),
            reason: Some(e.reason.clone()),
            facts: text(&e.facts),
            legal_basis: text(&e.legal_basis),
            authority_name: Some(e.authority_name.clone()),
            authority_uscc: text(&e.authority_uscc),
            document_number: Some(e.document_number.clone()),
            decision_date: Some(e.decision_date.to_string()),
            listing_date: Some(e.listing_date.to_string()),
            valid_from: Some(e.valid_from.to_string()),
            valid_until: e.valid_until.map(|d| d.to_string()),
            source_name: Some(e.source_name.clone()),
            source_uscc: text(&e.source_uscc),
            action: None,
        }
    }

    fn v(&self, field: &str) -> &str {
        let value = match field {
            "subject_id" => &self.subject_id,
            "version" => &self.version,
            "list" => &self.list,
            "list_name" => &self.list_name,
            "severity" => &self.severity,
            "reason" => &self.reason,
            "facts" => &self.facts,
            "legal_basis" => &self.legal_basis,
            "authority_name" => &self.authority_name,
            "authority_uscc" => &self.authority_uscc,
            "document_number" => &self.document_number,
            "decision_date" => &self.decision_date,
            "listing_date" => &self.listing_date,
            "valid_from" => &self.valid_from,
            "valid_until" => &self.valid_until,
            "source_name" => &self.source_name,
            "source_uscc" => &self.source_uscc,
            _ => &None,
        };
        value.as_deref().unwrap_or_default()
    }
}

/// The fields of the form, for errors that name none of them.
const FIELDS: &[&str] = &[
    "subject_id",
    "list",
    "list_name",
    "severity",
    "reason",
    "facts",
    "legal_basis",
    "authority_name",
    "authority_uscc",
    "document_number",
    "decision_date",
    "listing_date",
    "valid_from",
    "valid_until",
    "source_name",
    "source_uscc",
];

#[derive(Template)]
#[template(path = "office/entry_form.html")]
struct FormPage {
    layout: Layout,
    /// `None` for a new entry.
    entry_id: Option<String>,
    subject_name: String,
    form: EntryForm,
    error: FormError,
    /// The publicity period computed for the preview.
    publicity: String,
}

impl FormPage {
    fn v<'a>(&'a self, field: &str) -> &'a str {
        self.form.v(field)
    }

    fn selected(&self, field: &str, value: &str) -> &'static str {
        if self.form.v(field) == value {
            "selected"
        } else {
            ""
        }
    }
}

async fn subject_name(state: &AppState, id: Option<&str>) -> String {
    let Some(id) = id.and_then(|s| Uuid::parse_str(s).ok()) else {
        return String::new();
    };
    subjects::get(&state.db, SubjectId(id))
        .await
        .map(|s| s.name)
        .unwrap_or_default()
}

/// Query of the new-entry form.
#[derive(Debug, Deserialize)]
pub(super) struct NewQuery {
    subject_id: Option<String>,
}

/// `GET /office/entries/new?subject_id=…`.
pub(super) async fn new_form(
    State(state): State<AppState>,
    staff: Staff<Editor>,
    Query(q): Query<NewQuery>,
) -> ConsoleResult {
    let form = EntryForm {
        subject_id: q.subject_id.clone(),
        ..Default::default()
    };
    render(&FormPage {
        layout: staff.layout("entries"),
        entry_id: None,
        subject_name: subject_name(&state, q.subject_id.as_deref()).await,
        form,
        error: FormError::default(),
        publicity: String::new(),
    })
}

fn publicity_text(content: &entries::EntryContent) -> Result<String, ApiError> {
    Ok(match content.publicity()? {
        (Some(min), Some(max)) => {
            format!("自 {min} 起可申请信用修复；公示截止 {max}（不含当日）。")
        }
        _ => match content.valid_until {
            Some(until) => format!("红名单有效期至 {until}。"),
            None => "该名单不设公示期限。".into(),
        },
    })
}

/// `POST /office/entries`: preview the publicity period, or create the draft.
pub(super) async fn create(
    State(state): State<AppState>,
    posted: Posted<Editor, EntryForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let today = state.clock.today();
    let parsed = form
        .fields()
        .and_then(|mut f| {
            f.version = None;
            parse_new_entry(f, today)
        })
        .and_then(|(subject, content)| {
            let text = publicity_text(&content)?;
            Ok((subject, content, text))
        });
    let name = subject_name(&state, form.subject_id.as_deref()).await;
    let page = |error: FormError, publicity: String, form: EntryForm| FormPage {
        layout: staff.layout("entries"),
        entry_id: None,
        subject_name: name.clone(),
        form,
        error,
        publicity,
    };
    let (subject_id, content, publicity) = match parsed {
        Ok(p) => p,
        Err(e) => {
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(FormError::of(&e), String::new(), form),
            );
        }
    };
    if form.action.as_deref() == Some("preview") {
        return render(&page(FormError::default(), publicity, form));
    }
    let by = Some(staff.member.id);
    let created = state
        .write(staff.actor(), async |txn, ctx| {
            entries::create_draft(txn, ctx, subject_id, by, content).await
        })
        .await;
    match created {
        Ok(model) => see(&format!("/office/entries/{}", model.id)),
        Err(e) if e.code.status().is_client_error() => render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(FormError::of(&e), String::new(), form),
        ),
        Err(e) => Err(e.into()),
    }
}

/// `GET /office/entries/{id}/edit`.
pub(super) async fn edit_form(
    State(state): State<AppState>,
    staff: Staff<Editor>,
    Path(id): Path<String>,
) -> ConsoleResult {
    let entry = entries::get(&state.db, entry_id(&id)?).await?;
    let form = EntryForm::of(&entry);
    render(&FormPage {
        layout: staff.layout("entries"),
        entry_id: Some(entry.id.to_string()),
        subject_name: subject_name(&state, form.subject_id.as_deref()).await,
        form,
        error: FormError::default(),
        publicity: String::new(),
    })
}

/// `POST /office/entries/{id}`: preview, or save the draft's new content.
pub(super) async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Editor, EntryForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let id = entry_id(&id)?;
    let today = state.clock.today();
    let current = entries::get(&state.db, id).await?;
    let name = subject_name(&state, Some(&current.subject_id.to_string())).await;
    let page = |error: FormError, publicity: String, form: EntryForm| FormPage {
        layout: staff.layout("entries"),
        entry_id: Some(id.to_string()),
        subject_name: name.clone(),
        form,
        error,
        publicity,
    };
    let parsed = form.fields().and_then(|mut f| {
        let version = f
            .version
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidEntryField, "`version`: required."))?;
        f.subject_id = None;
        let content = parse_entry_patch(&current, f, today)?;
        let text = publicity_text(&content)?;
        Ok((version, content, text))
    });
    let (version, content, publicity) = match parsed {
        Ok(p) => p,
        Err(e) => {
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(FormError::of(&e), String::new(), form),
            );
        }
    };
    if form.action.as_deref() == Some("preview") {
        return render(&page(FormError::default(), publicity, form));
    }
    let by = staff.member.id;
    let saved = state
        .write(staff.actor(), async |txn, ctx| {
            entries::update_draft(txn, ctx, id, version, by, content).await
        })
        .await;
    match saved {
        Ok(_) => see(&format!("/office/entries/{id}")),
        Err(e) if e.code.status().is_client_error() => render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(FormError::of(&e), String::new(), form),
        ),
        Err(e) => Err(e.into()),
    }
}

/// An action button: shown enabled, or disabled with the reason.
struct Action {
    /// The path segment: `submit`, `approve`, `reject`, `publish`, `withdraw`.
    name: &'static str,
    /// The button's label.
    label: &'static str,
    /// Why it cannot be used (empty: it can).
    blocked: String,
    /// Whether the action needs a reason typed in.
    reason: bool,
}

/// One event of the entry's history.
struct HistoryItem {
    at: String,
    actor: String,
    action: String,
    changed: String,
}

#[derive(Template)]
#[template(path = "office/entry.html")]
struct EntryPage {
    layout: Layout,
    entry: list_entry::Model,
    subject_name: String,
    status: &'static str,
    list: &'static str,
    severity: String,
    can_edit: bool,
    actions: Vec<Action>,
    history: Vec<HistoryItem>,
    notice: String,
}

fn action_label(action: &str) -> String {
    match action {
        "entry.create" => "创建草稿",
        "entry.update" => "修改草稿",
        "entry.submit" => "提交审核",
        "entry.approve" => "审核通过并公示",
        "entry.reject" => "退回修改",
        "entry.publish" => "直接公示",
        "entry.withdraw" => "撤销公示",
        "entry.correct" => "更正",
        "entry.repair" => "信用修复",
        "entry.expire" => "公示期满",
        other => other,
    }
    .to_owned()
}

fn changed_fields(before: Option<&serde_json::Value>, after: Option<&serde_json::Value>) -> String {
    let (Some(before), Some(after)) = (
        before.and_then(|v| v.as_object()),
        after.and_then(|v| v.as_object()),
    ) else {
        return String::new();
    };
    after
        .iter()
        .filter(|(k, v)| *k != "version" && before.get(k.as_str()) != Some(*v))
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// Whether `member` made the entry: created, last edited or submitted it.
fn made_by(e: &list_entry::Model, member: entity::StaffId) -> bool {
    [e.created_by, e.edited_by, e.submitted_by].contains(&Some(member))
}

fn actions(staff: &Staff<AnyStaff>, e: &list_entry::Model) -> Vec<Action> {
    let maker = made_by(e, staff.member.id);
    let need = |ok: bool, why: &str| if ok { String::new() } else { why.to_owned() };
    let checker = |role_ok: bool| {
        if !role_ok {
            "需要审核员权限".to_owned()
        } else if maker {
            "您创建、修改或提交了此条目，须由他人审核（审核与录入分离）".to_owned()
        } else {
            String::new()
        }
    };
    let mut out = Vec::new();
    match e.status {
        EntryStatus::Draft => {
            out.push(Action {
                name: "submit",
                label: "提交审核",
                blocked: need(staff.may(StaffRole::Editor), "需要编辑权限"),
                reason: false,
            });
            out.push(Action {
                name: "publish",
                label: "直接公示（管理员）",
                blocked: checker(staff.member.role == StaffRole::Admin),
                reason: false,
            });
        }
        EntryStatus::PendingReview => {
            let blocked = checker(staff.may(StaffRole::Reviewer));
            out.push(Action {
                name: "approve",
                label: "审核通过并公示",
                blocked: blocked.clone(),
                reason: false,
            });
            out.push(Action {
                name: "reject",
                label: "退回修改",
                blocked,
                reason: true,
            });
        }
        EntryStatus::Published => out.push(Action {
            name: "withdraw",
            label: "撤销公示",
            blocked: need(staff.may(StaffRole::Reviewer), "需要审核员权限"),
            reason: true,
        }),
        _ => {}
    }
    out
}

/// Query of an entry's page: a message after an action.
#[derive(Debug, Default, Deserialize)]
pub(super) struct PageQuery {
    done: Option<String>,
}

/// `GET /office/entries/{id}`.
pub(super) async fn page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> ConsoleResult {
    let entry = entries::get(&state.db, entry_id(&id)?).await?;
    entry_page(
        &state,
        &staff,
        entry,
        q.done.as_deref().map(done_text).unwrap_or_default(),
        StatusCode::OK,
    )
    .await
}

fn done_text(action: &str) -> String {
    match action {
        "submit" => "已提交审核。",
        "approve" => "已审核通过，条目已公示。",
        "reject" => "已退回修改。",
        "publish" => "已公示。",
        "withdraw" => "已撤销公示。",
        _ => "",
    }
    .to_owned()
}

async fn entry_page(
    state: &AppState,
    staff: &Staff,
    entry: list_entry::Model,
    notice: String,
    status: StatusCode,
) -> ConsoleResult {
    let (events, _) = audit::list(
        &state.db,
        audit::AuditFilter {
            target_id: Some(entry.id.to_string()),
            ..Default::default()
        },
        Page {
            page: 1,
            per_page: 100,
        },
    )
    .await?;
    let history = events
        .iter()
        .map(|ev| HistoryItem {
            at: ev
                .at
                .with_timezone(&china())
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            actor: ev.actor.clone(),
            action: action_label(&ev.action),
            changed: changed_fields(ev.before.as_ref(), ev.after.as_ref()),
        })
        .collect();
    let subject_name = subject_name(state, Some(&entry.subject_id.to_string())).await;
    render_with(
        status,
        &EntryPage {
            layout: staff.layout("entries"),
            status: status_label(entry.status),
            list: list_label(entry.list),
            severity: entry.severity.map(severity_label).unwrap_or("—").to_owned(),
            can_edit: entry.status == EntryStatus::Draft && staff.may(StaffRole::Editor),
            actions: actions(staff, &entry),
            subject_name,
            history,
            notice,
            entry,
        },
    )
}

/// China's time zone, for the times shown.
pub(super) fn china() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("UTC"))
}

fn severity_label(s: entity::Severity) -> &'static str {
    match s {
        entity::Severity::Minor => "轻微",
        entity::Severity::General => "一般",
        entity::Severity::Serious => "严重",
    }
}

/// An action's form: the version it is based on, and a reason where one is needed.
#[derive(Debug, Deserialize)]
pub(super) struct ActionForm {
    version: Option<String>,
    reason: Option<String>,
}

/// `POST /office/entries/{id}/{action}`: submit, approve, reject, publish or withdraw, with the
/// API's role checks and maker-checker rule (the service refuses what the page shows disabled).
pub(super) async fn act(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted<AnyStaff, ActionForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let id = entry_id(&id)?;
    let version = super::version_field(form.version.as_deref())?;
    let me = staff.member.id;
    let role = staff.member.role;
    let allowed = |needed: StaffRole| role == StaffRole::Admin || role == needed;
    let forbidden = || {
        ApiError::new(
            ErrorCode::Forbidden,
            format!("The role `{}` may not do this.", enum_str(role)),
        )
    };
    let reason = form.reason.clone().unwrap_or_default();
    let result = state
        .write(staff.actor(), async |txn, ctx| match action.as_str() {
            "submit" if allowed(StaffRole::Editor) => {
                entries::submit(txn, ctx, id, version, me).await
            }
            "approve" if allowed(StaffRole::Reviewer) => {
                entries::approve(txn, ctx, id, version, me).await
            }
            "reject" if allowed(StaffRole::Reviewer) => {
                let reason = review_reason(reason.clone())?;
                entries::reject(txn, ctx, id, version, me, reason).await
            }
            "publish" if role == StaffRole::Admin => {
                entries::publish(txn, ctx, id, version, Some(me)).await
            }
            "withdraw" if allowed(StaffRole::Reviewer) => {
                let reason = withdrawal_reason(reason.clone())?;
                entries::withdraw(txn, ctx, id, version, reason).await
            }
            "submit" | "approve" | "reject" | "publish" | "withdraw" => Err(forbidden()),
            _ => Err(ApiError::new(
                ErrorCode::RouteNotFound,
                "No route matches this path.",
            )),
        })
        .await;
    match result {
        Ok(_) => see(&format!("/office/entries/{id}?done={action}")),
        Err(e) if e.code.status().is_client_error() && e.code != ErrorCode::RouteNotFound => {
            let entry = entries::get(&state.db, id).await?;
            let status = e.code.status();
            entry_page(
                &state,
                &staff,
                entry,
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
