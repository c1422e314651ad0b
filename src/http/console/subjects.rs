//! `/office/subjects`: search by name fragment or code, create, and a subject's page with all of
//! its entries.

use super::entries::{list_label, status_label};
use super::{ConsoleResult, FormError, Layout, Posted, Staff, render, render_with, see};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::Editor;
use crate::input::subjects::{SubjectIn, parse_subject};
use crate::services::{Page, entries, subjects};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use entity::{SubjectId, SubjectKind, subject};
use serde::Deserialize;
use uuid::Uuid;

fn kind_label(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::LegalPerson => "法人",
        SubjectKind::OtherOrganisation => "非法人组织",
        SubjectKind::IndividualBusiness => "个体工商户",
        SubjectKind::NaturalPerson => "自然人",
    }
}

struct Row {
    id: String,
    name: String,
    kind: &'static str,
    code: String,
}

impl Row {
    fn of(s: &subject::Model) -> Self {
        Self {
            id: s.id.to_string(),
            name: s.name.clone(),
            kind: kind_label(s.kind),
            code: s
                .uscc
                .clone()
                .or_else(|| s.id_number_masked.clone())
                .unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "office/subjects.html")]
struct ListPage {
    layout: Layout,
    q: String,
    rows: Vec<Row>,
    total: u64,
}

/// The search form.
#[derive(Debug, Default, Deserialize)]
pub(super) struct SearchQuery {
    q: Option<String>,
}

/// `GET /office/subjects?q=…`.
pub(super) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(search): Query<SearchQuery>,
) -> ConsoleResult {
    let (items, total) = subjects::list(
        &state.db,
        subjects::SubjectFilter {
            kind: None,
            q: search.q.clone(),
        },
        Page {
            page: 1,
            per_page: 50,
        },
    )
    .await?;
    render(&ListPage {
        layout: staff.layout("subjects"),
        q: search.q.unwrap_or_default(),
        rows: items.iter().map(Row::of).collect(),
        total,
    })
}

/// The new-subject form as posted.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct SubjectForm {
    kind: Option<String>,
    name: Option<String>,
    uscc: Option<String>,
    id_number: Option<String>,
    legal_representative: Option<String>,
    region_code: Option<String>,
    address: Option<String>,
}

impl SubjectForm {
    fn v(&self, field: &str) -> &str {
        let value = match field {
            "kind" => &self.kind,
            "name" => &self.name,
            "uscc" => &self.uscc,
            "legal_representative" => &self.legal_representative,
            "region_code" => &self.region_code,
            "address" => &self.address,
            // The ID number is never shown back.
            _ => &None,
        };
        value.as_deref().unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "office/subject_form.html")]
struct FormPage {
    layout: Layout,
    form: SubjectForm,
    error: FormError,
}

impl FormPage {
    fn selected(&self, value: &str) -> &'static str {
        if self.form.v("kind") == value {
            "selected"
        } else {
            ""
        }
    }
}

const FIELDS: &[&str] = &[
    "kind",
    "name",
    "uscc",
    "id_number",
    "legal_representative",
    "region_code",
    "address",
];

/// `GET /office/subjects/new`.
pub(super) async fn new_form(staff: Staff<Editor>) -> ConsoleResult {
    render(&FormPage {
        layout: staff.layout("subjects"),
        form: SubjectForm::default(),
        error: FormError::default(),
    })
}

fn blank(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `POST /office/subjects`: the same checks as `POST /api/v1/office/subjects`.
pub(super) async fn create(
    State(state): State<AppState>,
    posted: Posted<Editor, SubjectForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let input = SubjectIn {
        kind: form.kind.clone().unwrap_or_default(),
        name: form.name.clone().unwrap_or_default(),
        uscc: blank(&form.uscc),
        id_number: blank(&form.id_number),
        legal_representative: blank(&form.legal_representative),
        region_code: blank(&form.region_code),
        address: blank(&form.address),
    };
    let again = |e: &ApiError, form: SubjectForm| {
        render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                layout: staff.layout("subjects"),
                form,
                error: FormError::of(e),
            },
        )
    };
    let cmd = match parse_subject(input, state.clock.today()) {
        Ok(cmd) => cmd,
        Err(e) => return again(&e, form),
    };
    match state
        .write(staff.actor(), async |txn, ctx| {
            subjects::create(txn, ctx, cmd).await
        })
        .await
    {
        Ok(model) => see(&format!("/office/subjects/{}", model.id)),
        Err(e) if e.code.status().is_client_error() => again(&e, form),
        Err(e) => Err(e.into()),
    }
}

struct EntryRow {
    id: String,
    list: &'static str,
    list_name: String,
    document_number: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "office/subject.html")]
struct SubjectPage {
    layout: Layout,
    subject: subject::Model,
    kind: &'static str,
    entries: Vec<EntryRow>,
    may_edit: bool,
}

/// `GET /office/subjects/{id}`: the subject with all its entries, whatever their state.
pub(super) async fn page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> ConsoleResult {
    let id = Uuid::parse_str(&id).map(SubjectId).map_err(|_| {
        ApiError::new(
            ErrorCode::SubjectNotFound,
            format!("Subject `{id}` not found."),
        )
    })?;
    let subject = subjects::get(&state.db, id).await?;
    let (items, _) = entries::list(
        &state.db,
        entries::EntryFilter {
            subject_id: Some(id),
            ..Default::default()
        },
        Page {
            page: 1,
            per_page: 100,
        },
    )
    .await?;
    render(&SubjectPage {
        layout: staff.layout("subjects"),
        kind: kind_label(subject.kind),
        entries: items
            .iter()
            .map(|e| EntryRow {
                id: e.id.to_string(),
                list: list_label(e.list),
                list_name: e.list_name.clone(),
                document_number: e.document_number.clone(),
                status: status_label(e.status),
            })
            .collect(),
        may_edit: staff.may(entity::StaffRole::Editor),
        subject,
    })
}
