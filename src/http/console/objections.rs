//! `/office/objections`: objections (异议申诉) waiting for the office, the nearest deadline first,
//! and a case page with the objection, the entry it is about, its deadlines, every step with its
//! answer, and the steps this member may take.

use super::cases::{Decision, decisions};
use super::{ConsoleError, ConsoleResult, Layout, Posted, Staff, render, render_with, see};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::AnyStaff;
use crate::input::cases::CaseAnswerIn;
use crate::services::{Page, entries, objections};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use entity::{ObjectionId, ObjectionKind, ObjectionStatus, StaffRole, objection};
use serde::Deserialize;

/// An objection's state in Chinese.
pub(super) fn status_label(status: ObjectionStatus) -> &'static str {
    match status {
        ObjectionStatus::Submitted => "待受理",
        ObjectionStatus::Returned => "已退回补正",
        ObjectionStatus::Accepted => "已受理，待答复",
        ObjectionStatus::Upheld => "异议成立",
        ObjectionStatus::Rejected => "异议不成立",
    }
}

fn kind_label(kind: ObjectionKind) -> &'static str {
    match kind {
        ObjectionKind::Content => "条目内容",
        ObjectionKind::Period => "公示期限",
        ObjectionKind::RepairResult => "信用修复结果",
    }
}

/// The next due date of an open objection: acceptance before it is accepted, the answer after.
pub(super) fn next_due(o: &objection::Model) -> Option<NaiveDate> {
    match o.status {
        ObjectionStatus::Submitted | ObjectionStatus::Returned => o.accept_due,
        ObjectionStatus::Accepted => o.answer_due,
        ObjectionStatus::Upheld | ObjectionStatus::Rejected => None,
    }
}

/// `overdue`, `soon` (due within three working days) or empty.
pub(super) fn urgency(o: &objection::Model, today: NaiveDate, soon: NaiveDate) -> &'static str {
    match next_due(o) {
        Some(due) if due < today => "overdue",
        Some(due) if due <= soon => "soon",
        _ => "",
    }
}

/// Every open objection (at most `limit`), the nearest deadline first.
pub(super) async fn open_queue(
    state: &AppState,
    limit: u64,
) -> Result<Vec<objection::Model>, ConsoleError> {
    let mut open = Vec::new();
    for status in objections::OPEN {
        let (items, _) = objections::list(
            &state.db,
            Some(status),
            Page {
                page: 1,
                per_page: limit,
            },
        )
        .await?;
        open.extend(items);
    }
    open.sort_by_key(|o| (next_due(o).unwrap_or(NaiveDate::MAX), o.filed_on));
    open.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(open)
}

struct Row {
    id: String,
    short: String,
    kind: &'static str,
    status: &'static str,
    filed_on: String,
    due: String,
    urgency: &'static str,
}

#[derive(Template)]
#[template(path = "office/objections.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<Row>,
}

/// `GET /office/objections`: open objections, the nearest deadline first.
pub(super) async fn queue(State(state): State<AppState>, staff: Staff) -> ConsoleResult {
    let today = state.clock.today();
    let soon = state.calendar.current().add_working_days(today, 3);
    let open = open_queue(&state, 200).await?;
    render(&QueuePage {
        layout: staff.layout("objections"),
        rows: open
            .iter()
            .map(|o| Row {
                id: o.id.to_string(),
                short: o.id.to_string()[..8].to_owned(),
                kind: kind_label(o.kind),
                status: status_label(o.status),
                filed_on: o.filed_on.to_string(),
                due: next_due(o).map(|d| d.to_string()).unwrap_or_default(),
                urgency: urgency(o, today, soon),
            })
            .collect(),
    })
}

struct Action {
    name: &'static str,
    label: &'static str,
    /// Whether the step takes an answer (sent to the objector).
    answer: bool,
    blocked: &'static str,
}

#[derive(Template)]
#[template(path = "office/objection.html")]
struct CasePage {
    layout: Layout,
    objection: objection::Model,
    kind: &'static str,
    status: &'static str,
    overdue: bool,
    entry_title: String,
    actions: Vec<Action>,
    decisions: Vec<Decision>,
    notice: String,
}

fn objection_id(raw: &str) -> Result<ObjectionId, ConsoleError> {
    super::path_id(raw, ObjectionId, ErrorCode::ObjectionNotFound, "Objection")
}

fn step_label(action: &str) -> String {
    match action {
        "objection.file" => "提出异议",
        "objection.accept" => "受理（条目标注“异议处理中”）",
        "objection.return" => "退回补正",
        "objection.uphold" => "异议成立（条目撤下）",
        "objection.reject" => "异议不成立",
        "objection.recompute_deadlines" => "重新计算期限",
        other => other,
    }
    .to_owned()
}

async fn case_page(
    state: &AppState,
    staff: &Staff,
    o: objection::Model,
    notice: String,
    status: StatusCode,
) -> ConsoleResult {
    let today = state.clock.today();
    let entry = entries::get(&state.db, o.entry_id).await?;
    let decisions = decisions(state, &o.id.to_string(), step_label, "answer").await?;
    let blocked = if staff.may(StaffRole::Reviewer) {
        ""
    } else {
        "需要审核员权限"
    };
    let step = |name, label, answer| Action {
        name,
        label,
        answer,
        blocked,
    };
    let actions = match o.status {
        ObjectionStatus::Submitted => vec![
            step("accept", "受理", false),
            step("return", "退回补正", true),
        ],
        ObjectionStatus::Returned => vec![step("accept", "受理", false)],
        ObjectionStatus::Accepted => vec![
            step("uphold", "异议成立，撤下条目", true),
            step("reject", "异议不成立", true),
        ],
        ObjectionStatus::Upheld | ObjectionStatus::Rejected => Vec::new(),
    };
    let soon = state.calendar.current().add_working_days(today, 3);
    render_with(
        status,
        &CasePage {
            layout: staff.layout("objections"),
            kind: kind_label(o.kind),
            status: status_label(o.status),
            overdue: urgency(&o, today, soon) == "overdue",
            entry_title: format!("{} · {}", entry.list_name, entry.document_number),
            actions,
            decisions,
            notice,
            objection: o,
        },
    )
}

/// `GET /office/objections/{id}`: the case.
pub(super) async fn case(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> ConsoleResult {
    let o = objections::get(&state.db, objection_id(&id)?).await?;
    case_page(&state, &staff, o, String::new(), StatusCode::OK).await
}

/// A step's form.
#[derive(Debug, Deserialize)]
pub(super) struct StepForm {
    version: Option<String>,
    answer: Option<String>,
}

/// `POST /office/objections/{id}/{step}`: accept, return, uphold or reject, through the same
/// input types, service functions and role checks as the office API.
pub(super) async fn step(
    State(state): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    posted: Posted<AnyStaff, StepForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let id = objection_id(&id)?;
    let version = super::version_field(form.version.as_deref())?;
    let forbidden = !staff.may(StaffRole::Reviewer);
    let calendar = state.calendar.current();
    let answer = || {
        CaseAnswerIn {
            version,
            answer: form.answer.clone().unwrap_or_default(),
        }
        .answer()
        .map(|(_, answer)| answer)
    };
    let result = state
        .write(staff.actor(), async |txn, ctx| {
            if forbidden {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    "Only reviewers and administrators decide objections.",
                ));
            }
            match step.as_str() {
                "accept" => objections::accept(txn, ctx, &calendar, id, version).await,
                "return" => {
                    objections::return_for_materials(txn, ctx, id, version, answer()?).await
                }
                "uphold" => objections::uphold(txn, ctx, id, version, answer()?).await,
                "reject" => objections::reject(txn, ctx, id, version, answer()?).await,
                _ => Err(ApiError::new(
                    ErrorCode::RouteNotFound,
                    "No route matches this path.",
                )),
            }
        })
        .await;
    match result {
        Ok(_) => see(&format!("/office/objections/{id}")),
        Err(e) if e.code.status().is_client_error() && e.code != ErrorCode::RouteNotFound => {
            let o = objections::get(&state.db, id).await?;
            case_page(
                &state,
                &staff,
                o,
                format!(
                    "未能完成：{}",
                    crate::wording::shown_in_banner(e.code, &e.message)
                ),
                e.code.status(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
