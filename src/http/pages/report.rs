//! Credit reports (信用报告), proofs of a search (查询证明) and the verification page (报告验证).
//!
//! Every page and PDF here is drawn from the signed JSON document itself, so what a reader sees
//! is exactly what was signed: `/subjects/{id}/report` issues a report and shows it,
//! `/subjects/{id}/report.pdf` issues one as PDF (the signed JSON attached inside, for offline
//! checks), `/proof` issues a proof of a lookup, `/reports/{code}` shows a kept document again
//! with its PDF and JSON, and `/verify` checks a code or an uploaded file.

use super::error::{PageError, PageForm, PagePath, PageQuery};
use super::view::{Layout, Section, region_label, render};
use crate::error::{ApiError, ErrorCode};
use crate::http::ratelimit::ClientAddr;
use crate::input::lookup::LookupParams;
use crate::input::reports::ReportRequestIn;
use crate::pdf::{self, Block, Font};
use crate::services::reports::{self, Issued, Verification};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use entity::SubjectId;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};
use uuid::Uuid;

/// The largest file the verification page reads.
pub const MAX_UPLOAD: usize = 4 * 1024 * 1024;

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn opt_text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn count(v: &Value, key: &str) -> u64 {
    v.get(key).and_then(Value::as_u64).unwrap_or(0)
}

fn items<'v>(v: &'v Value, key: &str) -> impl Iterator<Item = &'v Value> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter())
        .into_iter()
        .flatten()
}

/// One entry as a report shows it.
#[derive(Clone, Debug)]
struct EntryView {
    list_name: String,
    severity_label: Option<String>,
    reason: String,
    facts: Option<String>,
    legal_basis: Option<String>,
    authority: String,
    document_number: String,
    decision_date: String,
    listing_date: String,
    publicity_until: String,
    under_objection: bool,
}

impl EntryView {
    fn of(e: &Value) -> Self {
        Self {
            list_name: text(e, "list_name"),
            severity_label: opt_text(e, "severity_label"),
            reason: text(e, "reason"),
            facts: opt_text(e, "facts"),
            legal_basis: opt_text(e, "legal_basis"),
            authority: text(e, "authority"),
            document_number: text(e, "document_number"),
            decision_date: text(e, "decision_date"),
            listing_date: text(e, "listing_date"),
            publicity_until: opt_text(e, "publicity_until").unwrap_or_else(|| "—".into()),
            under_objection: e
                .get("under_objection")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        }
    }
}

#[derive(Clone, Debug)]
struct SectionView {
    id: &'static str,
    title: &'static str,
    until_label: &'static str,
    entries: Vec<EntryView>,
}

#[derive(Clone, Debug)]
struct NoticeView {
    id: String,
    title: String,
    category_label: String,
    issuing_unit: String,
    publication_date: String,
}

/// What a credit report says, read back from its JSON.
#[derive(Clone, Debug)]
struct ReportView {
    subject_id: String,
    subject_name: String,
    kind_label: String,
    uscc: Option<String>,
    id_number_masked: Option<String>,
    legal_representative: Option<String>,
    region: String,
    sections: Vec<SectionView>,
    notices: Vec<NoticeView>,
    not_covered: Vec<String>,
}

impl ReportView {
    fn of(content: &Value) -> Self {
        let subject = content.get("subject").cloned().unwrap_or_default();
        let section = |id, title, until_label, key: &str| SectionView {
            id,
            title,
            until_label,
            entries: items(content, key).map(EntryView::of).collect(),
        };
        Self {
            subject_id: text(&subject, "id"),
            subject_name: text(&subject, "display_name"),
            kind_label: text(&subject, "kind_label"),
            uscc: opt_text(&subject, "uscc"),
            id_number_masked: opt_text(&subject, "id_number_masked"),
            legal_representative: opt_text(&subject, "legal_representative"),
            region: opt_text(&subject, "region_name")
                .unwrap_or_else(|| region_label(&text(&subject, "region_code"))),
            sections: vec![
                section("red", "守信红名单", "有效期至", "red"),
                section("black", "失信黑名单", "公示截止", "black"),
                section("attention", "重点关注", "公示截止", "key_attention"),
            ],
            notices: items(content, "notices")
                .map(|n| NoticeView {
                    id: text(n, "id"),
                    title: text(n, "title"),
                    category_label: text(n, "category_label"),
                    issuing_unit: text(n, "issuing_unit"),
                    publication_date: text(n, "publication_date"),
                })
                .collect(),
            not_covered: items(content, "not_covered")
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        }
    }
}

#[derive(Clone, Debug)]
struct HitView {
    id: String,
    name: String,
    kind_label: String,
    uscc: String,
    red: u64,
    black: u64,
    attention: u64,
    notices: u64,
}

/// What a proof of search says.
#[derive(Clone, Debug)]
struct ProofView {
    statement: String,
    query: String,
    found: Vec<HitView>,
}

impl ProofView {
    fn of(content: &Value) -> Self {
        let query = content.get("query").cloned().unwrap_or_default();
        let mut described = format!("关键词：{}", text(&query, "q"));
        for (key, label) in [
            ("list", "名单"),
            ("list_name", "名单名称"),
            ("region", "区域"),
            ("authority", "认定部门"),
            ("kind", "主体类型"),
        ] {
            if let Some(v) = opt_text(&query, key) {
                described.push_str(&format!("；{label}：{v}"));
            }
        }
        if let Some(y) = query.get("year").and_then(Value::as_i64) {
            described.push_str(&format!("；年份：{y}"));
        }
        Self {
            statement: text(content, "statement"),
            query: described,
            found: items(content, "found")
                .map(|h| HitView {
                    id: text(h, "id"),
                    name: text(h, "display_name"),
                    kind_label: text(h, "kind_label"),
                    uscc: opt_text(h, "uscc").unwrap_or_else(|| "—".into()),
                    red: count(h, "red_count"),
                    black: count(h, "black_count"),
                    attention: count(h, "key_attention_count"),
                    notices: count(h, "notice_count"),
                })
                .collect(),
        }
    }
}

/// A signed document, as its pages show it.
#[derive(Clone, Debug)]
struct DocView {
    /// Who issued it.
    issuer: &'static str,
    /// 信用报告 / 查询证明 / 核查回执.
    title: &'static str,
    number: String,
    code: String,
    /// e.g. 2026年12月03日 18:20:11（北京时间）.
    issued_at: String,
    verify_url: String,
    key_id: String,
    report: Option<ReportView>,
    proof: Option<ProofView>,
    /// The code in an address (`/reports/{code}`).
    code_path: String,
}

/// `2026-12-03T18:20:11+08:00` → `2026年12月03日 18:20:11（北京时间）`.
fn shown_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&crate::clock::china_offset())
                .format("%Y年%m月%d日 %H:%M:%S（北京时间）")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_owned())
}

impl DocView {
    fn of(doc: &Value) -> Self {
        let kind = text(doc, "type");
        let content = doc.get("content").cloned().unwrap_or_default();
        let code = text(doc, "verification_code");
        Self {
            issuer: reports::ISSUER,
            title: match kind.as_str() {
                reports::CREDIT_REPORT => "信用报告",
                reports::SEARCH_PROOF => "信用查询证明",
                _ => "信用核查回执",
            },
            number: opt_text(doc, "report_number").unwrap_or_else(|| text(doc, "id")),
            code_path: super::view::encode(&code),
            code,
            issued_at: shown_time(&text(doc, "issued_at")),
            verify_url: text(doc, "verify_url"),
            key_id: text(doc, "key_id"),
            report: (kind == reports::CREDIT_REPORT).then(|| ReportView::of(&content)),
            proof: (kind == reports::SEARCH_PROOF).then(|| ProofView::of(&content)),
        }
    }

    /// The blocks of its PDF.
    fn pdf_blocks(&self) -> Vec<Block> {
        let mut b = vec![
            Block::Title(self.title.to_owned()),
            Block::Field("编号".into(), self.number.clone()),
            Block::Field("出具时间".into(), self.issued_at.clone()),
            Block::Field("出具单位".into(), reports::ISSUER.into()),
            Block::Field("验证码".into(), self.code.clone()),
            Block::Gap,
        ];
        if let Some(r) = &self.report {
            b.push(Block::Heading("一、主体信息".into()));
            b.push(Block::Field("名称".into(), r.subject_name.clone()));
            if let Some(c) = &r.uscc {
                b.push(Block::Field("统一社会信用代码".into(), c.clone()));
            }
            if let Some(m) = &r.id_number_masked {
                b.push(Block::Field("身份证号码".into(), m.clone()));
            }
            b.push(Block::Field("主体类型".into(), r.kind_label.clone()));
            if let Some(l) = &r.legal_representative {
                b.push(Block::Field("法定代表人".into(), l.clone()));
            }
            b.push(Block::Field("所属区域".into(), r.region.clone()));
            for (n, s) in r.sections.iter().enumerate() {
                b.push(Block::Heading(format!(
                    "{}、{}（{} 条）",
                    ["二", "三", "四"][n.min(2)],
                    s.title,
                    s.entries.len()
                )));
                if s.entries.is_empty() {
                    b.push(Block::Text("查询期内无相关信息".into()));
                }
                for (i, e) in s.entries.iter().enumerate() {
                    let mut name = format!("{}. {}", i + 1, e.list_name);
                    if let Some(sev) = &e.severity_label {
                        name.push_str(&format!("（失信等级：{sev}）"));
                    }
                    if e.under_objection {
                        name.push_str("［异议处理中］");
                    }
                    b.push(Block::Text(name));
                    b.push(Block::Field("列入事由".into(), e.reason.clone()));
                    if let Some(f) = &e.facts {
                        b.push(Block::Field("失信行为".into(), f.clone()));
                    }
                    if let Some(l) = &e.legal_basis {
                        b.push(Block::Field("认定依据".into(), l.clone()));
                    }
                    b.push(Block::Field("认定部门".into(), e.authority.clone()));
                    b.push(Block::Field("决定文书号".into(), e.document_number.clone()));
                    b.push(Block::Field("认定日期".into(), e.decision_date.clone()));
                    b.push(Block::Field("列入日期".into(), e.listing_date.clone()));
                    b.push(Block::Field(
                        s.until_label.into(),
                        e.publicity_until.clone(),
                    ));
                    b.push(Block::Gap);
                }
            }
            b.push(Block::Heading(format!(
                "五、曝光台（{} 条）",
                r.notices.len()
            )));
            if r.notices.is_empty() {
                b.push(Block::Text("查询期内无相关信息".into()));
            }
            for n in &r.notices {
                b.push(Block::Text(format!(
                    "{}（{} · {} · {}）",
                    n.title, n.category_label, n.issuing_unit, n.publication_date
                )));
            }
            b.push(Block::Heading("六、本报告不包括".into()));
            for (i, t) in r.not_covered.iter().enumerate() {
                b.push(Block::Note(format!("{}. {t}", i + 1)));
            }
        }
        if let Some(p) = &self.proof {
            b.push(Block::Heading("查询条件".into()));
            b.push(Block::Text(p.query.clone()));
            b.push(Block::Heading("查询结果".into()));
            b.push(Block::Text(p.statement.clone()));
            for (i, h) in p.found.iter().enumerate() {
                b.push(Block::Text(format!(
                    "{}. {}（{}，{}）红名单 {} · 黑名单 {} · 重点关注 {} · 曝光 {}",
                    i + 1,
                    h.name,
                    h.kind_label,
                    h.uscc,
                    h.red,
                    h.black,
                    h.attention,
                    h.notices
                )));
            }
        }
        b.push(Block::Gap);
        b.push(Block::Heading("验证".into()));
        b.push(Block::Qr(
            self.verify_url.clone(),
            vec![
                format!("验证码：{}", self.code),
                "扫描二维码，或在本网站“报告验证”页面输入验证码，".into(),
                "可查看本文件出具时的内容、核验其真伪及信息是否已变化。".into(),
                self.verify_url.clone(),
                format!("签名密钥：{}（Ed25519）", self.key_id),
            ],
        ));
        b.push(Block::Note(
            "本文件附有带电子签名的数据（附件 JSON），可使用本网站公布的公钥离线核验。".into(),
        ));
        b
    }
}

/// The QR code of `text` as an inline SVG (one path of dark modules).
fn qr_svg(text: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let width = code.width();
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % width + 4, i / width + 4));
        }
    }
    let side = width + 8;
    format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" role=\"img\" aria-label=\"验证二维码\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    )
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    layout: Layout,
    doc: DocView,
    qr: String,
    /// Shown just after issue: keep the code.
    fresh: bool,
}

#[derive(Template)]
#[template(path = "report_person.html")]
struct PersonReportPage {
    layout: Layout,
    subject_id: String,
    name: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    layout: Layout,
    code: String,
    error: Option<String>,
    result: Option<VerifyResult>,
}

struct VerifyResult {
    genuine: bool,
    problem: String,
    key_retired: bool,
    on_record: bool,
    /// `Some(true)`: changed; `Some(false)`: unchanged; `None`: not known.
    changed: Option<bool>,
    checked_at: String,
    doc: DocView,
}

impl VerifyResult {
    fn of(v: Verification) -> Self {
        Self {
            genuine: v.genuine,
            problem: v.problem.unwrap_or_default(),
            key_retired: v.key_status == Some(crate::signing::KeyStatus::Retired),
            on_record: v.on_record,
            changed: v.record_changed,
            checked_at: shown_time(&v.checked_at),
            doc: DocView::of(&v.document),
        }
    }
}

fn parse_subject(id: &str) -> Result<SubjectId, ApiError> {
    Uuid::parse_str(id).map(SubjectId).map_err(|_| {
        ApiError::new(
            ErrorCode::SubjectNotFound,
            format!("Subject `{id}` not found."),
        )
    })
}

fn show(doc: &Value, fresh: bool) -> Result<Response, PageError> {
    let doc = DocView::of(doc);
    render(&DocumentPage {
        layout: Layout::new(Section::Lookup),
        qr: qr_svg(&doc.verify_url),
        doc,
        fresh,
    })
}

/// `GET /subjects/{id}/report`: issues and shows a report; for a natural person, the form that
/// asks for the name and ID number first.
pub(super) async fn page(
    State(state): State<AppState>,
    client: ClientAddr,
    PagePath(id): PagePath,
) -> Result<Response, PageError> {
    let id = parse_subject(&id)?;
    if reports::is_person(&state, id).await? {
        // Shown only while the person's record is public (else: not found).
        crate::services::public::profile(&state, id).await?;
        return render(&PersonReportPage {
            layout: Layout::new(Section::Lookup),
            subject_id: id.to_string(),
            name: String::new(),
            error: None,
        });
    }
    reports::count_issue(&state, client.key())?;
    let issued = reports::issue_report(&state, id, None).await?;
    show(&issued.document, true)
}

/// The natural-person report form, as posted.
#[derive(Debug, Default, Deserialize)]
pub(super) struct PersonForm {
    #[serde(default)]
    subject_name: String,
    #[serde(default)]
    subject_id_number: String,
}

/// `POST /subjects/{id}/report`: a natural person's own report.
pub(super) async fn person(
    State(state): State<AppState>,
    client: ClientAddr,
    PagePath(id): PagePath,
    PageForm(form): PageForm<PersonForm>,
) -> Result<Response, PageError> {
    let id = parse_subject(&id)?;
    let name = form.subject_name.clone();
    let issued: Result<Issued, ApiError> = async {
        reports::count_issue(&state, client.key())?;
        let claim = ReportRequestIn {
            subject_name: Some(form.subject_name),
            subject_id_number: Some(form.subject_id_number),
        }
        .claim(state.clock.today())?;
        reports::issue_report(&state, id, Some(claim)).await
    }
    .await;
    match issued {
        Ok(issued) => show(&issued.document, true),
        Err(e) if e.code == ErrorCode::SubjectNotFound => Err(e.into()),
        Err(e) => {
            let status = e.code.status();
            let mut response = render(&PersonReportPage {
                layout: Layout::new(Section::Lookup),
                subject_id: id.to_string(),
                name,
                error: Some(crate::wording::shown_in_banner(e.code, &e.message)),
            })?;
            *response.status_mut() = status;
            if let Some(secs) = e.retry_after
                && let Ok(v) = HeaderValue::from_str(&secs.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(response)
        }
    }
}

/// A loaded font, or why none could be.
type Loaded = Arc<Result<Font, String>>;

/// The fonts loaded so far, by configured path.
static FONTS: LazyLock<Mutex<HashMap<Option<PathBuf>, Loaded>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The report font of this configuration, loaded once.
fn font(state: &AppState) -> Loaded {
    let key = state.config.report_font.clone();
    let mut fonts = FONTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    fonts
        .entry(key.clone())
        .or_insert_with(|| {
            let loaded = Font::find(key.as_deref());
            if let Err(e) = &loaded {
                tracing::warn!(error = %e, "PDF reports are unavailable: set XINYONG_REPORT_FONT");
            }
            Arc::new(loaded)
        })
        .clone()
}

fn pdf_unavailable(cause: &str) -> ApiError {
    let mut e = ApiError::new(
        ErrorCode::PdfUnavailable,
        "PDF reports need a CJK font and none could be loaded; set XINYONG_REPORT_FONT. The HTML and JSON reports still work.",
    );
    e.cause = Some(cause.to_owned());
    e
}

/// The PDF of a signed document, with the document attached.
pub fn pdf_bytes(state: &AppState, doc: &Value) -> Result<Vec<u8>, ApiError> {
    let font = font(state);
    let font = font.as_ref().as_ref().map_err(|e| pdf_unavailable(e))?;
    let view = DocView::of(doc);
    let document = pdf::Document {
        title: format!("{} {}", view.title, view.number),
        footer: format!("{} {} · 验证码 {}", reports::ISSUER, view.title, view.code),
        blocks: view.pdf_blocks(),
        attachment: (
            format!("{}.json", view.number),
            doc.to_string().into_bytes(),
        ),
    };
    pdf::write(font, &document)
        .map_err(|e| ApiError::internal(format!("writing a PDF report: {e}")))
}

fn download(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let encoded =
        percent_encoding::utf8_percent_encode(filename, percent_encoding::NON_ALPHANUMERIC);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"report\"; filename*=UTF-8''{encoded}"
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn pdf_response(state: &AppState, doc: &Value) -> Result<Response, PageError> {
    let view = DocView::of(doc);
    let bytes = pdf_bytes(state, doc)?;
    Ok(download(
        bytes,
        "application/pdf",
        &format!("{}-{}.pdf", view.title, view.number),
    ))
}

/// `GET /subjects/{id}/report.pdf`: issues a report as PDF (organisations; a person's own
/// report is asked for on the report page).
pub(super) async fn pdf(
    State(state): State<AppState>,
    client: ClientAddr,
    PagePath(id): PagePath,
) -> Result<Response, PageError> {
    let id = parse_subject(&id)?;
    if reports::is_person(&state, id).await? {
        crate::services::public::profile(&state, id).await?;
        return Err(ApiError::new(
            ErrorCode::ReportNeedsStanding,
            format!("A credit report about natural person `{id}` is issued only to that person: ask for it on /subjects/{id}/report with the name and ID number."),
        )
        .into());
    }
    // The font is checked before anything is issued.
    if let Err(e) = font(&state).as_ref() {
        return Err(pdf_unavailable(e).into());
    }
    reports::count_issue(&state, client.key())?;
    let issued = reports::issue_report(&state, id, None).await?;
    pdf_response(&state, &issued.document)
}

/// `GET /proof?q=…`: issues a proof of the lookup and shows it.
pub(super) async fn proof(
    State(state): State<AppState>,
    client: ClientAddr,
    PageQuery(params): PageQuery<LookupParams>,
) -> Result<Response, PageError> {
    params.criteria()?;
    reports::count_issue(&state, client.key())?;
    let query = crate::http::api::public::reports::proof_query(params);
    let issued = reports::issue_proof(&state, query).await?;
    show(&issued.document, true)
}

async fn stored(state: &AppState, code: &str) -> Result<Value, PageError> {
    Ok(reports::document_by_code(state, code).await?)
}

/// `GET /reports/{code}`: a kept report or proof, as issued.
pub(super) async fn stored_page(
    State(state): State<AppState>,
    PagePath(code): PagePath,
) -> Result<Response, PageError> {
    show(&stored(&state, &code).await?, false)
}

/// `GET /reports/{code}/report.pdf`.
pub(super) async fn stored_pdf(
    State(state): State<AppState>,
    PagePath(code): PagePath,
) -> Result<Response, PageError> {
    let doc = stored(&state, &code).await?;
    pdf_response(&state, &doc)
}

/// `GET /reports/{code}/report.json`: the signed JSON, byte for byte as kept.
pub(super) async fn stored_json(
    State(state): State<AppState>,
    PagePath(code): PagePath,
) -> Result<Response, PageError> {
    let doc = stored(&state, &code).await?;
    let view = DocView::of(&doc);
    Ok(download(
        doc.to_string().into_bytes(),
        "application/json",
        &format!("{}-{}.json", view.title, view.number),
    ))
}

/// The verification page's query.
#[derive(Debug, Default, Deserialize)]
pub(super) struct VerifyQuery {
    #[serde(default)]
    code: Option<String>,
}

fn verify_form(code: String, error: Option<String>) -> VerifyPage {
    VerifyPage {
        layout: Layout::new(Section::None),
        code,
        error,
        result: None,
    }
}

/// `GET /verify[?code=…]`: the form, or the verification of a code.
pub(super) async fn verify(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<VerifyQuery>,
) -> Result<Response, PageError> {
    let code = q.code.unwrap_or_default().trim().to_owned();
    if code.is_empty() {
        return render(&verify_form(String::new(), None));
    }
    match reports::verify_code(&state, &code).await {
        Ok(v) => render(&VerifyPage {
            result: Some(VerifyResult::of(v)),
            ..verify_form(code, None)
        }),
        Err(e) if e.code == ErrorCode::DocumentNotFound => {
            let mut response = render(&verify_form(
                code,
                Some(crate::wording::zh(e.code).to_owned()),
            ))?;
            *response.status_mut() = StatusCode::NOT_FOUND;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /verify` (multipart, field `file`): checks a saved JSON or PDF.
pub(super) async fn verify_upload(
    State(state): State<AppState>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut bytes = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                bytes = Some(field.bytes().await.map_err(|e| {
                    ApiError::new(
                        ErrorCode::PayloadTooLarge,
                        format!("The file could not be read: {}", e.body_text()),
                    )
                })?);
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                return Err(ApiError::new(
                    ErrorCode::MalformedPayload,
                    format!("The form could not be read: {}", e.body_text()),
                )
                .into());
            }
        }
    }
    let document = bytes
        .as_deref()
        .filter(|b| !b.is_empty())
        .and_then(reports::document_in_file);
    let Some(document) = document else {
        let mut response = render(&verify_form(
            String::new(),
            Some(crate::wording::zh(ErrorCode::InvalidDocument).to_owned()),
        ))?;
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return Ok(response);
    };
    let v = reports::verify_document(&state, document).await?;
    render(&VerifyPage {
        result: Some(VerifyResult::of(v)),
        ..verify_form(String::new(), None)
    })
}
