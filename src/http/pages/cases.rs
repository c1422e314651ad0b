//! The public forms of a case, for people with a browser and nothing else: an objection (异议申诉)
//! against a published record, a credit-repair application (信用修复申请) with its commitment
//! letter and uploaded materials, and the status page opened with the case number and the
//! follow-up code shown once on filing.
//!
//! Every form goes through the same input types, limits and services as `POST
//! /api/v1/objections` and `POST /api/v1/repairs` ([`crate::http::filing`]); a refusal shows the
//! form again with the error beside its field and the status the API would answer. The forms
//! are anonymous, so there is no session to bind a token to: a post is accepted only from this
//! site's own pages ([`super::origin::same_origin`]).

use super::error::{PageError, PagePath};
use super::origin::same_origin;
use super::view::{Layout, Section};
use crate::error::{ApiError, ErrorCode};
use crate::http::console::FormError;
use crate::http::filing::{self, Follow};
use crate::http::ratelimit::ClientAddr;
use crate::input::cases::{ObjectionIn, RepairApplicationIn};
use crate::input::materials::{self, MAX_FILE_BYTES, MAX_FILES, clean_name, sniff};
use crate::services::cases::{self, Case, Issued};
use crate::services::materials::{Staged, Staging};
use crate::services::{repairs, subjects};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use entity::{
    EntryId, ObjectionKind, ObjectionStatus, RepairStatus, SubjectKind, list_entry, objection,
    repair,
};
use sea_orm::EntityTrait;
use uuid::Uuid;

/// The largest repair form: every file at its largest, and room for the rest.
pub(super) const MAX_REPAIR_FORM_BYTES: usize = MAX_FILES * (MAX_FILE_BYTES as usize) + 1024 * 1024;

/// The fields of the objection form, in form order.
const OBJECTION_FIELDS: &[&str] = &["kind", "reason", "contact"];
/// The fields of the repair form, in form order.
const REPAIR_FIELDS: &[&str] = &[
    "subject_name",
    "subject_uscc",
    "subject_id_number",
    "commitment_letter",
    "contact",
    "materials",
];

/// The record a form is about, as the public sees it.
struct EntryInfo {
    id: String,
    list_label: &'static str,
    list_name: String,
    document_number: String,
    authority: String,
    decision_date: String,
    subject_name: String,
    person: bool,
}

/// The public entry `raw` names, with its subject as shown publicly; a 404 otherwise.
async fn public_entry(
    state: &AppState,
    raw: &str,
) -> Result<(list_entry::Model, EntryInfo), PageError> {
    let not_found = || {
        ApiError::new(
            ErrorCode::EntryNotFound,
            format!("Entry `{raw}` not found."),
        )
    };
    let id = Uuid::parse_str(raw).map_err(|_| not_found())?;
    let entry = list_entry::Entity::find_by_id(EntryId(id))
        .one(&state.db)
        .await
        .map_err(ApiError::from)?
        .filter(|e| e.is_public_on(state.clock.today()))
        .ok_or_else(not_found)?;
    let subject = subjects::get(&state.db, entry.subject_id).await?;
    let shown = state.projector().public_subject(&subject);
    let info = EntryInfo {
        id: entry.id.to_string(),
        list_label: match entry.list {
            entity::ListKind::Red => "红名单",
            entity::ListKind::Black => "黑名单",
            entity::ListKind::KeyAttention => "重点关注",
        },
        list_name: entry.list_name.clone(),
        document_number: entry.document_number.clone(),
        authority: entry.authority_name.clone(),
        decision_date: entry.decision_date.to_string(),
        subject_name: shown.display_name,
        person: subject.kind == SubjectKind::NaturalPerson,
    };
    Ok((entry, info))
}

/// A form page or its success page: HTML, never cached (it may carry what was typed, or a
/// follow-up code).
fn page<T: Template>(status: StatusCode, page: &T) -> Result<Response, PageError> {
    let body = page
        .render()
        .map_err(|e| ApiError::internal(format!("page template: {e}")))?;
    let mut response = (status, Html(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The pairs of a posted `application/x-www-form-urlencoded` body.
fn pairs(body: &[u8]) -> Result<Vec<(String, String)>, PageError> {
    serde_urlencoded::from_bytes(body).map_err(|e| {
        PageError(ApiError::new(
            ErrorCode::InvalidRequestBody,
            format!("The form: {e}"),
        ))
    })
}

fn value(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// An error about one field, worded in Chinese by the page itself.
fn field_error(field: &str, message: impl Into<String>, code: ErrorCode) -> FormError {
    FormError {
        field: field.to_owned(),
        message: message.into(),
        code: code.as_str(),
    }
}

/// A refusal as the form shows it: beside its field with the input layer's detail
/// ([`crate::wording::shown`]), or above the form in Chinese alone.
fn shown_error(err: &ApiError) -> FormError {
    let mut shown = FormError::of(err);
    if shown.field.is_empty() {
        shown.message = match err.code {
            ErrorCode::RepairWrongState => {
                "该记录已有正在办理的信用修复申请，办结或退回后才能再次申请。".to_owned()
            }
            code => crate::wording::zh(code).to_owned(),
        };
    }
    shown
}

/// The status a refusal is answered with, and whether it is shown on the form (anything the
/// applicant can act on) rather than as an error page.
fn on_form(err: &ApiError) -> bool {
    err.code.status().is_client_error() && err.code != ErrorCode::EntryNotFound
}

// ---------------------------------------------------------------------------------------------
// Objections

#[derive(Template)]
#[template(path = "case_objection.html")]
struct ObjectionPage {
    layout: Layout,
    entry: EntryInfo,
    kind: String,
    reason: String,
    contact: String,
    error: FormError,
}

impl ObjectionPage {
    fn checked(&self, kind: &str) -> &'static str {
        if self.kind == kind { "checked" } else { "" }
    }
}

/// `GET /cases/objection/{entry}`: the objection form.
pub(super) async fn objection_form(
    State(state): State<AppState>,
    PagePath(id): PagePath,
) -> Result<Response, PageError> {
    let (_, entry) = public_entry(&state, &id).await?;
    page(
        StatusCode::OK,
        &ObjectionPage {
            layout: Layout::new(Section::Lookup),
            entry,
            kind: "content".into(),
            reason: String::new(),
            contact: String::new(),
            error: FormError::default(),
        },
    )
}

/// `POST /cases/objection/{entry}`: files the objection, through the API's input type, limits
/// and service, and shows its case number and follow-up code.
pub(super) async fn file_objection(
    State(state): State<AppState>,
    client: ClientAddr,
    PagePath(id): PagePath,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    same_origin(&headers)?;
    let (_, entry) = public_entry(&state, &id).await?;
    let form = pairs(&body)?;
    let mut shown = ObjectionPage {
        layout: Layout::new(Section::Lookup),
        kind: value(&form, "kind"),
        reason: value(&form, "reason"),
        contact: value(&form, "contact"),
        error: FormError::default(),
        entry,
    };
    let kind: Option<ObjectionKind> =
        serde_json::from_value(serde_json::Value::String(shown.kind.clone())).ok();
    let Some(kind) = kind else {
        shown.error = field_error("kind", "请选择异议的类型。", ErrorCode::InvalidCaseField);
        return page(StatusCode::BAD_REQUEST, &shown);
    };
    let input = ObjectionIn {
        entry_id: Uuid::parse_str(&shown.entry.id).unwrap_or_default(),
        kind,
        reason: shown.reason.clone(),
        contact: shown.contact.clone(),
    };
    let filed = match input.parse() {
        Ok(cmd) => filing::file_objection(&state, client, cmd, Follow::ByCaseNumber).await,
        Err(e) => Err(e),
    };
    match filed {
        Ok((model, Some(issued))) => filed_page(
            FiledWhat::Objection,
            issued,
            vec![
                ("提交日期", model.filed_on.to_string()),
                ("受理期限", date_or_dash(model.accept_due)),
            ],
            model.deadlines_provisional,
        ),
        Ok((_, None)) => Err(ApiError::internal("objection filed without a number").into()),
        Err(e) if on_form(&e) => {
            shown.error = shown_error(&e);
            let status = e.code.status();
            let mut response = page(status, &shown)?;
            retry_after(&mut response, e.retry_after);
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

fn retry_after(response: &mut Response, secs: Option<u64>) {
    if let Some(secs) = secs
        && let Ok(value) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
}

fn date_or_dash(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

// ---------------------------------------------------------------------------------------------
// Repair applications

#[derive(Template)]
#[template(path = "case_repair.html")]
struct RepairPage {
    layout: Layout,
    entry: EntryInfo,
    subject_name: String,
    subject_uscc: String,
    commitment_letter: bool,
    contact: String,
    error: FormError,
    max_files: usize,
    max_mb: u64,
}

impl RepairPage {
    fn new(entry: EntryInfo) -> Self {
        Self {
            layout: Layout::new(Section::Lookup),
            entry,
            subject_name: String::new(),
            subject_uscc: String::new(),
            commitment_letter: false,
            contact: String::new(),
            error: FormError::default(),
            max_files: MAX_FILES,
            max_mb: MAX_FILE_BYTES / (1024 * 1024),
        }
    }
}

/// The entry of a repair form: public, and open to repair today (the rule the service checks).
async fn repairable_entry(state: &AppState, id: &str) -> Result<EntryInfo, PageError> {
    let (entry, info) = public_entry(state, id).await?;
    if !repairs::may_apply_on(&entry, state.clock.today()) {
        return Err(match entry.publicity_min_until {
            Some(min_until) if entry.list != entity::ListKind::Red => ApiError::new(
                ErrorCode::RepairTooEarly,
                format!(
                    "Credit repair of entry `{}` may be applied for from {min_until}, once its minimum publicity period has passed.",
                    entry.id
                ),
            ),
            _ => ApiError::new(
                ErrorCode::RepairNotApplicable,
                format!(
                    "Entry `{}` cannot be repaired: credit repair applies only to black-list and key-attention entries with a minimum publicity period.",
                    entry.id
                ),
            ),
        }
        .into());
    }
    Ok(info)
}

/// `GET /cases/repair/{entry}`: the repair application form.
pub(super) async fn repair_form(
    State(state): State<AppState>,
    PagePath(id): PagePath,
) -> Result<Response, PageError> {
    let entry = repairable_entry(&state, &id).await?;
    page(StatusCode::OK, &RepairPage::new(entry))
}

/// What a repair form carried: its text fields, its staged files and the first refusal met
/// while reading it (the rest of the body is still read, so the answer reaches the browser).
#[derive(Default)]
struct RepairForm {
    subject_name: Option<String>,
    subject_uscc: Option<String>,
    subject_id_number: Option<String>,
    commitment_letter: Option<bool>,
    contact: Option<String>,
    files: Vec<(Staged, materials::MaterialFile)>,
    refused: Option<(StatusCode, FormError)>,
}

impl RepairForm {
    fn refuse(&mut self, status: StatusCode, error: FormError) {
        if self.refused.is_none() {
            self.refused = Some((status, error));
        }
        self.files.clear();
    }
}

/// Reads the multipart body: text fields as text; each file streamed to a staging file and
/// hashed, its type told from its first bytes, at most [`MAX_FILES`] of at most
/// [`MAX_FILE_BYTES`]. After the first refusal nothing more is staged.
async fn read_repair_form(state: &AppState, req: Request) -> Result<RepairForm, PageError> {
    let too_large = || {
        PageError(ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!(
                "A repair application may have at most {MAX_FILES} files of at most {MAX_FILE_BYTES} bytes each."
            ),
        ))
    };
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            PageError(ApiError::new(
                ErrorCode::InvalidRequestBody,
                format!("The form: {}", e.body_text()),
            ))
        }
    };
    let mut multipart = Multipart::from_request(req, state).await.map_err(|e| {
        PageError(ApiError::new(
            ErrorCode::InvalidContentType,
            format!("The form: {}", e.body_text()),
        ))
    })?;
    let mut form = RepairForm::default();
    let mut seen_files = 0usize;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != "materials" {
            let text = field.text().await.map_err(bad)?;
            match name.as_str() {
                "subject_name" => form.subject_name = Some(text),
                "subject_uscc" => form.subject_uscc = Some(text),
                "subject_id_number" => form.subject_id_number = Some(text),
                "commitment_letter" => form.commitment_letter = Some(text == "true"),
                "contact" => form.contact = Some(text),
                _ => {}
            }
            continue;
        }
        let file_name = field.file_name().unwrap_or_default().to_owned();
        if form.refused.is_some() {
            while field.chunk().await.map_err(bad)?.is_some() {}
            continue;
        }
        let mut staging: Option<Staging> = None;
        let mut over = false;
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if over || chunk.is_empty() {
                continue;
            }
            let writer = match &mut staging {
                Some(w) => w,
                None => {
                    seen_files += 1;
                    if seen_files > MAX_FILES {
                        over = true;
                        form.refuse(
                            StatusCode::BAD_REQUEST,
                            field_error(
                                "materials",
                                format!("最多上传 {MAX_FILES} 个文件，请合并或删减后重新提交。"),
                                ErrorCode::InvalidCaseField,
                            ),
                        );
                        continue;
                    }
                    staging.insert(Staging::start(&state.config.data_dir).await?)
                }
            };
            if writer.size() + chunk.len() as u64 > MAX_FILE_BYTES {
                over = true;
                staging = None;
                form.refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    field_error(
                        "materials",
                        format!(
                            "文件「{}」超过 {} MB，每个文件最大 {} MB。",
                            clean_name(&file_name, "未命名"),
                            MAX_FILE_BYTES / (1024 * 1024),
                            MAX_FILE_BYTES / (1024 * 1024)
                        ),
                        ErrorCode::PayloadTooLarge,
                    ),
                );
                continue;
            }
            writer.write(&chunk).await?;
        }
        let Some(writer) = staging else {
            // No file chosen (an empty part), or refused above.
            continue;
        };
        let (head, staged) = writer.finish().await?;
        let shown_name = clean_name(&file_name, &format!("材料{seen_files}"));
        match sniff(&head) {
            Some(kind) => {
                let record = staged.record(shown_name, kind.media_type());
                form.files.push((staged, record));
            }
            None => form.refuse(
                StatusCode::BAD_REQUEST,
                field_error(
                    "materials",
                    format!(
                        "文件「{shown_name}」不是 PDF、JPG 或 PNG 文件（按文件内容判断，与文件名无关），请上传这三种格式之一。"
                    ),
                    ErrorCode::InvalidCaseField,
                ),
            ),
        }
    }
    Ok(form)
}

/// `POST /cases/repair/{entry}` (multipart): files the application through the API's input
/// type, standing check, limits and service, with the uploaded files kept under their content
/// hashes; shows its case number and follow-up code. Nothing is kept when any check fails.
pub(super) async fn apply_for_repair(
    State(state): State<AppState>,
    client: ClientAddr,
    PagePath(id): PagePath,
    req: Request,
) -> Result<Response, PageError> {
    same_origin(req.headers())?;
    let entry = repairable_entry(&state, &id).await?;
    let form = read_repair_form(&state, req).await?;
    let mut shown = RepairPage::new(entry);
    shown.subject_name = form.subject_name.clone().unwrap_or_default();
    shown.subject_uscc = form.subject_uscc.clone().unwrap_or_default();
    shown.commitment_letter = form.commitment_letter == Some(true);
    shown.contact = form.contact.clone().unwrap_or_default();
    if let Some((status, error)) = form.refused {
        shown.error = error;
        return page(status, &shown);
    }
    if form.files.is_empty() {
        shown.error = field_error(
            "materials",
            "请上传至少一个证明材料文件（PDF、JPG 或 PNG）。",
            ErrorCode::InvalidCaseField,
        );
        return page(StatusCode::BAD_REQUEST, &shown);
    }
    let (staged, records): (Vec<Staged>, Vec<materials::MaterialFile>) =
        form.files.into_iter().unzip();
    let mut application = RepairApplicationIn {
        entry_id: Uuid::parse_str(&shown.entry.id).unwrap_or_default(),
        subject_name: form.subject_name,
        subject_uscc: form.subject_uscc,
        subject_id_number: form.subject_id_number,
        commitment_letter: Some(form.commitment_letter == Some(true)),
        materials: Vec::new(),
        contact: form.contact,
    }
    .application();
    application.files = records;
    let filed =
        filing::apply_for_repair(&state, client, application, Follow::ByCaseNumber, &staged).await;
    match filed {
        Ok((model, Some(issued))) => filed_page(
            FiledWhat::Repair,
            issued,
            vec![
                ("申请日期", model.applied_on.to_string()),
                ("受理期限", model.accept_due.to_string()),
                ("告知结果期限", model.notify_due.to_string()),
            ],
            model.deadlines_provisional,
        ),
        Ok((_, None)) => Err(ApiError::internal("repair filed without a number").into()),
        Err(e) if on_form(&e) => {
            shown.error = shown_error(&e);
            let status = e.code.status();
            let mut response = page(status, &shown)?;
            retry_after(&mut response, e.retry_after);
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Filed, and the status page

#[derive(Clone, Copy, PartialEq, Eq)]
enum FiledWhat {
    Objection,
    Repair,
}

#[derive(Template)]
#[template(path = "case_filed.html")]
struct FiledPage {
    layout: Layout,
    what: &'static str,
    case_number: String,
    code: String,
    dates: Vec<(&'static str, String)>,
    provisional: bool,
}

fn filed_page(
    what: FiledWhat,
    issued: Issued,
    dates: Vec<(&'static str, String)>,
    provisional: bool,
) -> Result<Response, PageError> {
    page(
        StatusCode::OK,
        &FiledPage {
            layout: Layout::new(Section::Lookup),
            what: match what {
                FiledWhat::Objection => "异议申诉",
                FiledWhat::Repair => "信用修复申请",
            },
            case_number: issued.case_number,
            code: issued.code,
            dates,
            provisional,
        },
    )
}

/// A case as its filer follows it.
struct CaseView {
    what: &'static str,
    case_number: String,
    status: &'static str,
    /// `ok`, `pending` or `refused`: how the status is marked.
    tone: &'static str,
    entry_title: String,
    dates: Vec<(&'static str, String)>,
    provisional: bool,
    /// The office's answer or decision note, with its heading.
    answer: Option<(&'static str, String)>,
    /// What the decision means for the record, once decided.
    outcome: String,
}

#[derive(Template)]
#[template(path = "case_status.html")]
struct StatusPage {
    layout: Layout,
    case_number: String,
    error: String,
    case: Option<CaseView>,
}

/// `GET /cases`: the form to follow a case.
pub(super) async fn status_form() -> Result<Response, PageError> {
    page(
        StatusCode::OK,
        &StatusPage {
            layout: Layout::new(Section::Lookup),
            case_number: String::new(),
            error: String::new(),
            case: None,
        },
    )
}

fn objection_view(o: objection::Model, entry_title: String) -> CaseView {
    let (status, tone) = match o.status {
        ObjectionStatus::Submitted => ("已提交，待受理", "pending"),
        ObjectionStatus::Accepted => ("已受理，正在核实", "pending"),
        ObjectionStatus::Returned => ("已退回补正", "refused"),
        ObjectionStatus::Upheld => ("异议成立", "ok"),
        ObjectionStatus::Rejected => ("异议不成立", "refused"),
    };
    let outcome = match o.status {
        ObjectionStatus::Upheld => "异议成立：该记录已撤销，不再公示。",
        ObjectionStatus::Rejected => "异议不成立：该记录继续公示，理由见处理意见。",
        _ => "",
    };
    CaseView {
        what: "异议申诉",
        case_number: o.case_number.unwrap_or_default(),
        status,
        tone,
        entry_title,
        dates: vec![
            ("提交日期", o.filed_on.to_string()),
            ("受理期限", date_or_dash(o.accept_due)),
            ("答复期限", date_or_dash(o.answer_due)),
        ],
        provisional: o.deadlines_provisional,
        answer: o.answer.map(|a| ("处理意见", a)),
        outcome: outcome.to_owned(),
    }
}

fn repair_view(r: repair::Model, entry_title: String) -> CaseView {
    let (status, tone) = match r.status {
        RepairStatus::Submitted => ("已提交，待受理", "pending"),
        RepairStatus::Accepted => ("已受理，待决定", "pending"),
        RepairStatus::Returned => ("已退回补正", "refused"),
        RepairStatus::Approved => ("准予信用修复", "ok"),
        RepairStatus::Rejected => ("不予信用修复", "refused"),
    };
    let outcome = match r.status {
        RepairStatus::Approved => "准予信用修复：该记录已停止公示，不再出现在信用查询和名单中。",
        RepairStatus::Rejected => "不予信用修复：该记录继续公示，理由见决定说明。",
        RepairStatus::Returned => "申请已退回：请按决定说明补正材料后重新提交申请。",
        RepairStatus::Submitted | RepairStatus::Accepted => "",
    };
    CaseView {
        what: "信用修复申请",
        case_number: r.case_number.unwrap_or_default(),
        status,
        tone,
        entry_title,
        dates: vec![
            ("申请日期", r.applied_on.to_string()),
            ("受理期限", r.accept_due.to_string()),
            ("决定期限", date_or_dash(r.decide_due)),
            ("告知结果期限", r.notify_due.to_string()),
        ],
        provisional: r.deadlines_provisional,
        answer: r.decision_note.map(|n| ("决定说明", n)),
        outcome: outcome.to_owned(),
    }
}

/// The heading of the entry a case is about (its list and document number; the record itself
/// may no longer be public).
async fn entry_title(state: &AppState, id: EntryId) -> Result<String, PageError> {
    let entry = list_entry::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .map_err(ApiError::from)?;
    Ok(entry.map_or_else(String::new, |e| {
        format!("{} · {}", e.list_name, e.document_number)
    }))
}

/// `POST /cases` (`case_number`, `code`): the case's status. A wrong number and a wrong code get
/// the same 404 answer; a client's failed lookups are limited per hour.
pub(super) async fn status(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    same_origin(&headers)?;
    let form = pairs(&body)?;
    let number = cases::normalise_number(&value(&form, "case_number"));
    let code = value(&form, "code");
    let mut shown = StatusPage {
        layout: Layout::new(Section::Lookup),
        case_number: number.clone(),
        error: String::new(),
        case: None,
    };
    if let Err(wait) = state.case_lookup_limiter.peek(&client.key()) {
        shown.error = format!("查询失败次数过多。为防止猜测查询码，请在 {wait} 秒后再试。");
        let mut response = page(StatusCode::TOO_MANY_REQUESTS, &shown)?;
        retry_after(&mut response, Some(wait));
        return Ok(response);
    }
    match cases::find(&state.db, &state.keys, &number, &code).await? {
        Some(Case::Objection(o)) => {
            let title = entry_title(&state, o.entry_id).await?;
            shown.case = Some(objection_view(o, title));
            page(StatusCode::OK, &shown)
        }
        Some(Case::Repair(r)) => {
            let title = entry_title(&state, r.entry_id).await?;
            shown.case = Some(repair_view(r, title));
            page(StatusCode::OK, &shown)
        }
        None => {
            let _ = state.case_lookup_limiter.check(client.key());
            shown.error =
                "未找到该案件。请核对受理编号和查询码（查询码在提交成功的页面上显示）。".into();
            page(StatusCode::NOT_FOUND, &shown)
        }
    }
}
