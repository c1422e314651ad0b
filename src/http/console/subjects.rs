//! `/office/subjects`: search by name fragment or code, create, and a subject's page with all of
//! its entries.

use super::entries::{list_label, status_label};
use super::{
    ConsoleError, ConsoleResult, FormError, Layout, Posted, Staff, render, render_with, see,
};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::Editor;
use crate::input::subjects::{SubjectIn, SubjectPatch, parse_patch, parse_subject};
use crate::services::{Page, entries, notices, objections, repairs, subjects};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use entity::{EntryId, SubjectId, SubjectKind, subject};
use serde::Deserialize;

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

struct CaseRow {
    href: String,
    kind: &'static str,
    short: String,
    status: &'static str,
    on: String,
}

struct NoticeRow {
    id: String,
    title: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "office/subject.html")]
struct SubjectPage {
    layout: Layout,
    subject: subject::Model,
    kind: &'static str,
    entries: Vec<EntryRow>,
    cases: Vec<CaseRow>,
    notices: Vec<NoticeRow>,
    may_edit: bool,
}

fn subject_id(raw: &str) -> Result<SubjectId, ConsoleError> {
    super::path_id(raw, SubjectId, ErrorCode::SubjectNotFound, "Subject")
}

/// `GET /office/subjects/{id}`: the subject with all its entries whatever their state, the
/// objections and repair applications about them, and the notices that name it.
pub(super) async fn page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> ConsoleResult {
    let id = subject_id(&id)?;
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
    let ids: Vec<EntryId> = items.iter().map(|e| e.id).collect();
    let mut cases: Vec<CaseRow> = objections::of_entries(&state.db, &ids)
        .await?
        .iter()
        .map(|o| CaseRow {
            href: format!("/office/objections/{}", o.id),
            kind: "异议申诉",
            short: o.id.to_string()[..8].to_owned(),
            status: super::objections::status_label(o.status),
            on: o.filed_on.to_string(),
        })
        .collect();
    cases.extend(
        repairs::of_entries(&state.db, &ids)
            .await?
            .iter()
            .map(|r| CaseRow {
                href: format!("/office/repairs/{}", r.id),
                kind: "信用修复",
                short: r.id.to_string()[..8].to_owned(),
                status: super::cases::repair_status(r.status),
                on: r.applied_on.to_string(),
            }),
    );
    cases.sort_by(|a, b| a.on.cmp(&b.on));
    let notices = match &subject.uscc {
        Some(code) => notices::about(&state.db, code)
            .await?
            .iter()
            .map(|n| NoticeRow {
                id: n.id.to_string(),
                title: n.title.clone(),
                status: super::notices::status_label(n.status),
            })
            .collect(),
        None => Vec::new(),
    };
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
        cases,
        notices,
        may_edit: staff.may(entity::StaffRole::Editor),
        subject,
    })
}

/// The edit form as posted.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct EditForm {
    version: Option<String>,
    name: Option<String>,
    legal_representative: Option<String>,
    region_code: Option<String>,
    address: Option<String>,
}

impl EditForm {
    fn of(s: &subject::Model) -> Self {
        Self {
            version: Some(s.version.to_string()),
            name: Some(s.name.clone()),
            legal_representative: s.legal_representative.clone(),
            region_code: Some(s.region_code.clone()),
            address: s.address.clone(),
        }
    }

    fn v(&self, field: &str) -> &str {
        let value = match field {
            "version" => &self.version,
            "name" => &self.name,
            "legal_representative" => &self.legal_representative,
            "region_code" => &self.region_code,
            "address" => &self.address,
            _ => &None,
        };
        value.as_deref().unwrap_or_default()
    }
}

const EDIT_FIELDS: &[&str] = &["name", "legal_representative", "region_code", "address"];

#[derive(Template)]
#[template(path = "office/subject_edit.html")]
struct EditPage {
    layout: Layout,
    subject: subject::Model,
    form: EditForm,
    error: FormError,
}

/// `GET /office/subjects/{id}/edit`.
pub(super) async fn edit_form(
    State(state): State<AppState>,
    staff: Staff<Editor>,
    Path(id): Path<String>,
) -> ConsoleResult {
    let subject = subjects::get(&state.db, subject_id(&id)?).await?;
    render(&EditPage {
        layout: staff.layout("subjects"),
        form: EditForm::of(&subject),
        error: FormError::default(),
        subject,
    })
}

/// `POST /office/subjects/{id}`: the same checks as `PATCH /api/v1/office/subjects/{id}`. The
/// kind, code and ID number identify the subject and are not edited here.
pub(super) async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Editor, EditForm>,
) -> ConsoleResult {
    let Posted { staff, form } = posted;
    let id = subject_id(&id)?;
    let subject = subjects::get(&state.db, id).await?;
    let again = |e: &ApiError, form: EditForm| {
        render_with(
            e.code.status(),
            &EditPage {
                layout: staff.layout("subjects"),
                form,
                error: FormError::of(e),
                subject: subject.clone(),
            },
        )
    };
    let version = match super::version_field(form.version.as_deref()) {
        Ok(v) => v,
        Err(e) => return again(&e, form),
    };
    let patch = SubjectPatch {
        version,
        name: Some(form.name.clone().unwrap_or_default()),
        legal_representative: Some(blank(&form.legal_representative)),
        region_code: Some(form.region_code.clone().unwrap_or_default()),
        address: Some(blank(&form.address)),
    };
    let changes = match parse_patch(patch) {
        Ok(c) => c,
        Err(e) => return again(&e, form),
    };
    match state
        .write(staff.actor(), async |txn, ctx| {
            subjects::update(txn, ctx, id, changes).await
        })
        .await
    {
        Ok(model) => see(&format!("/office/subjects/{}", model.id)),
        Err(e) if e.code.status().is_client_error() => again(&e, form),
        Err(e) => Err(e.into()),
    }
}
