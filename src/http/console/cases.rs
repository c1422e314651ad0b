//! `/office/repairs` and `/office/revisions`: the credit-repair queue sorted by deadline with a
//! case page (materials, deadlines, each decision with its reason, the printable 信用修复告知书),
//! and agencies' corrections waiting for review with the current and the proposed value side by
//! side.

use super::{ConsoleError, ConsoleResult, Layout, Posted, Staff, render, render_with, see};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::AnyStaff;
use crate::input::cases::{parse_note, parse_reason};
use crate::input::entries::{EntryFields, review_note, review_reason};
use crate::services::{Page, audit, entries, repairs, revisions};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use entity::{RepairId, RepairStatus, RevisionId, RevisionStatus, StaffRole, repair};
use serde::Deserialize;

pub(super) fn repair_status(status: RepairStatus) -> &'static str {
    match status {
        RepairStatus::Submitted => "待受理",
        RepairStatus::Accepted => "已受理，待决定",
        RepairStatus::Returned => "已退回补正",
        RepairStatus::Approved => "准予修复",
        RepairStatus::Rejected => "不予修复",
    }
}

/// The next due date of an open application.
fn next_due(r: &repair::Model) -> NaiveDate {
    match r.status {
        RepairStatus::Submitted => r.accept_due.min(r.notify_due),
        _ => r.decide_due.unwrap_or(r.notify_due).min(r.notify_due),
    }
}

struct RepairRow {
    id: String,
    short: String,
    status: &'static str,
    applied_on: String,
    due: String,
    urgency: &'static str,
}

#[derive(Template)]
#[template(path = "office/repairs.html")]
struct RepairsPage {
    layout: Layout,
    rows: Vec<RepairRow>,
}

/// Open applications (at most `limit`), the nearest deadline first.
pub(super) async fn open_repairs(
    state: &AppState,
    limit: u64,
) -> Result<Vec<repair::Model>, ConsoleError> {
    let today = state.clock.today();
    let mut open = Vec::new();
    for status in [RepairStatus::Submitted, RepairStatus::Accepted] {
        let (items, _) = repairs::list(
            &state.db,
            repairs::RepairFilter {
                status: Some(status),
                ..Default::default()
            },
            today,
            Page {
                page: 1,
                per_page: limit,
            },
        )
        .await?;
        open.extend(items);
    }
    open.sort_by_key(next_due);
    open.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(open)
}

/// The next due date of an open application (for the dashboard).
pub(super) fn due_of(r: &repair::Model) -> NaiveDate {
    next_due(r)
}

/// `GET /office/repairs`: open applications, the nearest deadline first.
pub(super) async fn repair_queue(State(state): State<AppState>, staff: Staff) -> ConsoleResult {
    let today = state.clock.today();
    let calendar = state.calendar.current();
    let open = open_repairs(&state, 200).await?;
    let soon = calendar.add_working_days(today, 3);
    render(&RepairsPage {
        layout: staff.layout("cases"),
        rows: open
            .iter()
            .map(|r| RepairRow {
                id: r.id.to_string(),
                short: r.id.to_string()[..8].to_owned(),
                status: repair_status(r.status),
                applied_on: r.applied_on.to_string(),
                due: next_due(r).to_string(),
                urgency: if repairs::is_overdue(r, today) {
                    "overdue"
                } else if next_due(r) <= soon {
                    "soon"
                } else {
                    ""
                },
            })
            .collect(),
    })
}

/// One step of a case, from its audit trail.
pub(super) struct Decision {
    pub(super) at: String,
    pub(super) action: String,
    pub(super) note: String,
}

/// The steps of the case `target_id`, oldest first, from its audit events: each labelled by
/// `label` with the reason or answer kept in the event's `note_field`.
pub(super) async fn decisions(
    state: &AppState,
    target_id: &str,
    label: fn(&str) -> String,
    note_field: &str,
) -> Result<Vec<Decision>, ConsoleError> {
    let (events, _) = audit::list(
        &state.db,
        audit::AuditFilter {
            target_id: Some(target_id.to_owned()),
            ..Default::default()
        },
        Page {
            page: 1,
            per_page: 100,
        },
    )
    .await?;
    Ok(events
        .iter()
        .map(|e| Decision {
            at: e
                .at
                .with_timezone(&super::entries::china())
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            action: label(&e.action),
            note: e
                .after
                .as_ref()
                .and_then(|a| a[note_field].as_str())
                .unwrap_or_default()
                .to_owned(),
        })
        .collect())
}

struct CaseAction {
    name: &'static str,
    label: &'static str,
    /// `reason` (required), `note` (optional) or empty.
    text: &'static str,
    blocked: String,
}

#[derive(Template)]
#[template(path = "office/repair.html")]
struct RepairPage {
    layout: Layout,
    repair: repair::Model,
    status: &'static str,
    overdue: bool,
    materials: Vec<String>,
    files: Vec<crate::input::materials::MaterialFile>,
    entry_title: String,
    actions: Vec<CaseAction>,
    decisions: Vec<Decision>,
    notice: String,
    notice_html: String,
}

fn repair_id(raw: &str) -> Result<RepairId, ConsoleError> {
    super::path_id(
        raw,
        RepairId,
        ErrorCode::RepairNotFound,
        "Repair application",
    )
}

fn decision_label(action: &str) -> String {
    match action {
        "repair.apply" => "提交申请",
        "repair.accept" => "受理",
        "repair.return" => "退回补正",
        "repair.approve" => "准予修复",
        "repair.reject" => "不予修复",
        "repair.recompute_deadlines" => "重新计算期限",
        other => other,
    }
    .to_owned()
}

async fn repair_page(
    state: &AppState,
    staff: &Staff,
    r: repair::Model,
    notice: String,
    status: StatusCode,
) -> ConsoleResult {
    let today = state.clock.today();
    let entry = entries::get(&state.db, r.entry_id).await?;
    let decisions = decisions(state, &r.id.to_string(), decision_label, "decision_note").await?;
    let reviewer = staff.may(StaffRole::Reviewer);
    let need_role = if reviewer {
        ""
    } else {
        "需要审核员权限"
    };
    let mut actions = Vec::new();
    match r.status {
        RepairStatus::Submitted => {
            actions.push(CaseAction {
                name: "accept",
                label: "受理",
                text: "",
                blocked: need_role.into(),
            });
            actions.push(CaseAction {
                name: "return",
                label: "退回补正",
                text: "reason",
                blocked: need_role.into(),
            });
        }
        RepairStatus::Accepted => {
            let acceptor = r.accepted_by == Some(staff.member.id);
            let blocked = if !reviewer {
                "需要审核员权限".to_owned()
            } else if acceptor {
                "您受理了此申请，须由另一名审核员决定（受理与决定分离）".to_owned()
            } else {
                String::new()
            };
            actions.push(CaseAction {
                name: "approve",
                label: "准予修复",
                text: "note",
                blocked,
            });
            actions.push(CaseAction {
                name: "reject",
                label: "不予修复",
                text: "reason",
                blocked: need_role.into(),
            });
        }
        _ => {}
    }
    let notice_html = repairs::repair_notice_of(&state.db, &state.projector(), r.entry_id)
        .await
        .map(|text| crate::markdown::render(&text))
        .unwrap_or_default();
    render_with(
        status,
        &RepairPage {
            layout: staff.layout("cases"),
            status: repair_status(r.status),
            overdue: repairs::is_overdue(&r, today),
            materials: repairs::materials_of(&r),
            files: repairs::material_files_of(&r),
            entry_title: format!("{} · {}", entry.list_name, entry.document_number),
            actions,
            decisions,
            notice,
            notice_html,
            repair: r,
        },
    )
}

/// `GET /office/repairs/{id}`: the case.
pub(super) async fn repair_case(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> ConsoleResult {
    let r = repairs::get(&state.db, repair_id(&id)?).await?;
    repair_page(&state, &staff, r, String::new(), StatusCode::OK).await
}

/// `GET /office/repairs/{id}/materials/{sha256}`: one uploaded material of the application, for
/// a signed-in member only (never served publicly), as a download with its recorded type and
/// name.
pub(super) async fn repair_material(
    State(state): State<AppState>,
    _staff: Staff,
    Path((id, sha256)): Path<(String, String)>,
) -> ConsoleResult {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let r = repairs::get(&state.db, repair_id(&id)?).await?;
    let Some(file) = repairs::material_files_of(&r)
        .into_iter()
        .find(|f| f.sha256 == sha256)
    else {
        return Err(ApiError::new(
            ErrorCode::RouteNotFound,
            "This application has no such material.",
        )
        .into());
    };
    let bytes = crate::services::materials::read(&state.config.data_dir, &file.sha256).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let media_type = HeaderValue::from_str(&file.media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, media_type);
    let encoded =
        percent_encoding::utf8_percent_encode(&file.name, percent_encoding::NON_ALPHANUMERIC);
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"material\"; filename*=UTF-8''{encoded}"
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// A step's form.
#[derive(Debug, Deserialize)]
pub(super) struct StepForm {
    version: Option<String>,
    reason: Option<String>,
    note: Option<String>,
}

/// `POST /office/repairs/{id}/{step}`: accept, return, approve or reject, through the same
/// service functions and role checks as the office API.
pub(super) async fn repair_step(
    State(state): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    posted: Posted<AnyStaff, StepForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let id = repair_id(&id)?;
    let version = super::version_field(form.version.as_deref())?;
    let me = staff.member.id;
    let forbidden = !staff.may(StaffRole::Reviewer);
    let calendar = state.calendar.current();
    let result = state
        .write(staff.actor(), async |txn, ctx| {
            if forbidden {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    "Only reviewers and administrators decide repair applications.",
                ));
            }
            match step.as_str() {
                "accept" => repairs::accept(txn, ctx, &calendar, id, version, me).await,
                "return" => {
                    let reason = parse_reason(form.reason.clone())?;
                    repairs::return_for_materials(txn, ctx, id, version, reason).await
                }
                "approve" => {
                    let note = parse_note(form.note.clone())?;
                    repairs::approve(txn, ctx, id, version, me, note)
                        .await
                        .map(|(r, _)| r)
                }
                "reject" => {
                    let reason = parse_reason(form.reason.clone())?;
                    repairs::reject(txn, ctx, id, version, reason).await
                }
                _ => Err(ApiError::new(
                    ErrorCode::RouteNotFound,
                    "No route matches this path.",
                )),
            }
        })
        .await;
    match result {
        Ok(_) => see(&format!("/office/repairs/{id}")),
        Err(e) if e.code.status().is_client_error() && e.code != ErrorCode::RouteNotFound => {
            let r = repairs::get(&state.db, id).await?;
            let status = e.code.status();
            repair_page(
                &state,
                &staff,
                r,
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

struct RevisionRow {
    id: String,
    entry_id: String,
    submitted_at: String,
    changed: usize,
}

#[derive(Template)]
#[template(path = "office/revisions.html")]
struct RevisionsPage {
    layout: Layout,
    rows: Vec<RevisionRow>,
}

/// The fields of a revision, with their Chinese labels, in form order.
const FIELD_LABELS: &[(&str, &str)] = &[
    ("list", "名单类型"),
    ("list_name", "名单名称"),
    ("severity", "失信等级"),
    ("reason", "列入事由"),
    ("facts", "失信行为"),
    ("legal_basis", "认定依据"),
    ("authority_name", "认定部门"),
    ("authority_uscc", "认定部门代码"),
    ("document_number", "决定文书号"),
    ("decision_date", "认定日期"),
    ("listing_date", "列入日期"),
    ("valid_from", "有效期自"),
    ("valid_until", "有效期至"),
    ("source_name", "数据来源单位"),
    ("source_uscc", "数据来源单位代码"),
];

/// A field's value as staff read it: codes of the list and the severity by their Chinese labels.
fn text_of(field: &str, v: Option<&serde_json::Value>) -> String {
    use crate::domain::{ListKind, Severity};
    match v {
        None | Some(serde_json::Value::Null) => "—".into(),
        Some(serde_json::Value::String(s)) => match field {
            "list" => s
                .parse::<ListKind>()
                .map_or_else(|_| s.clone(), |l| l.label_zh().into()),
            "severity" => s
                .parse::<Severity>()
                .map_or_else(|_| s.clone(), |l| l.label_zh().into()),
            _ => s.clone(),
        },
        Some(other) => other.to_string(),
    }
}

struct DiffRow {
    label: &'static str,
    current: String,
    proposed: String,
    changed: bool,
}

fn diff(entry: &entity::list_entry::Model, proposed: &serde_json::Value) -> Vec<DiffRow> {
    let now = serde_json::to_value(EntryFields::from_model(entry)).unwrap_or_default();
    FIELD_LABELS
        .iter()
        .map(|(field, label)| {
            let (a, b) = (
                text_of(field, now.get(*field)),
                text_of(field, proposed.get(*field)),
            );
            DiffRow {
                label,
                changed: a != b,
                current: a,
                proposed: b,
            }
        })
        .collect()
}

/// `GET /office/revisions`: corrections waiting for review, oldest first.
pub(super) async fn revision_queue(State(state): State<AppState>, staff: Staff) -> ConsoleResult {
    let (items, _) = revisions::list(
        &state.db,
        revisions::RevisionFilter {
            status: Some(RevisionStatus::Pending),
            entry_id: None,
        },
        Page {
            page: 1,
            per_page: 100,
        },
    )
    .await?;
    let found = entries::get_many(&state.db, items.iter().map(|r| r.entry_id)).await?;
    let mut rows = Vec::with_capacity(items.len());
    for r in items {
        let Some(entry) = found.get(&r.entry_id) else {
            continue;
        };
        rows.push(RevisionRow {
            id: r.id.to_string(),
            entry_id: r.entry_id.to_string(),
            submitted_at: r
                .submitted_at
                .with_timezone(&super::entries::china())
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            changed: diff(entry, &r.content).iter().filter(|d| d.changed).count(),
        });
    }
    render(&RevisionsPage {
        layout: staff.layout("revisions"),
        rows,
    })
}

#[derive(Template)]
#[template(path = "office/revision.html")]
struct RevisionPage {
    layout: Layout,
    revision: entity::entry_revision::Model,
    status: &'static str,
    entry_title: String,
    rows: Vec<DiffRow>,
    blocked: String,
    notice: String,
}

fn revision_id(raw: &str) -> Result<RevisionId, ConsoleError> {
    super::path_id(raw, RevisionId, ErrorCode::RevisionNotFound, "Revision")
}

async fn revision_page(
    state: &AppState,
    staff: &Staff,
    id: RevisionId,
    notice: String,
    status: StatusCode,
) -> ConsoleResult {
    let r = revisions::get(&state.db, id).await?;
    let entry = entries::get(&state.db, r.entry_id).await?;
    render_with(
        status,
        &RevisionPage {
            layout: staff.layout("revisions"),
            status: match r.status {
                RevisionStatus::Pending => "待审核",
                RevisionStatus::Approved => "已采纳",
                RevisionStatus::Rejected => "已驳回",
                RevisionStatus::Superseded => "已被新更正取代",
            },
            entry_title: format!("{} · {}", entry.list_name, entry.document_number),
            rows: diff(&entry, &r.content),
            blocked: if staff.may(StaffRole::Reviewer) {
                String::new()
            } else {
                "需要审核员权限".into()
            },
            notice,
            revision: r,
        },
    )
}

/// `GET /office/revisions/{id}`: the entry's current and proposed values side by side.
pub(super) async fn revision(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> ConsoleResult {
    revision_page(
        &state,
        &staff,
        revision_id(&id)?,
        String::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /office/revisions/{id}/{step}`: approve or reject.
pub(super) async fn revision_step(
    State(state): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    posted: Posted<AnyStaff, StepForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let id = revision_id(&id)?;
    let version = super::version_field(form.version.as_deref())?;
    let me = staff.member.id;
    let forbidden = !staff.may(StaffRole::Reviewer);
    let result = state
        .write(staff.actor(), async |txn, ctx| {
            if forbidden {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    "Only reviewers and administrators decide revisions.",
                ));
            }
            match step.as_str() {
                "approve" => {
                    let note = review_note(form.note.clone())?;
                    revisions::approve(txn, ctx, id, version, me, note)
                        .await
                        .map(|_| ())
                }
                "reject" => {
                    let reason = review_reason(form.reason.clone().unwrap_or_default())?;
                    revisions::reject(txn, ctx, id, version, me, reason)
                        .await
                        .map(|_| ())
                }
                _ => Err(ApiError::new(
                    ErrorCode::RouteNotFound,
                    "No route matches this path.",
                )),
            }
        })
        .await;
    match result {
        Ok(()) => see(&format!("/office/revisions/{id}")),
        Err(e) if e.code.status().is_client_error() && e.code != ErrorCode::RouteNotFound => {
            let status = e.code.status();
            revision_page(
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
