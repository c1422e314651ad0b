//! Signed documents the site issues and checks: credit reports (信用报告), proofs of a public
//! search (查询证明) and partners' screening receipts. Each is a JSON object signed by
//! [`crate::signing`] and kept as issued in `signed_documents`, so that the verification page
//! shows it as it was and can tell whether the public record has changed since.
//!
//! A report says what the public profile said at the moment of issue: the same projection, so
//! the masking rules hold in it as everywhere else.

use crate::clock::china_offset;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::cases::Claim;
use crate::services::public::{self, LookupCriteria, PublicEntry, PublicPage, PublicSubjectOut};
use crate::signing::{self, KeyStatus};
use crate::state::AppState;
use chrono::{DateTime, SecondsFormat, Utc};
use entity::signed_document;
use rand::Rng;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

/// `type` of a credit report.
pub const CREDIT_REPORT: &str = "credit_report";
/// `type` of a proof of a public search.
pub const SEARCH_PROOF: &str = "search_proof";
/// `type` of a partner's screening receipt.
pub const SCREENING_RECEIPT: &str = "screening_receipt";

/// Who issues the documents, as printed on them.
pub const ISSUER: &str = "信用汉中";

/// What a credit report does not cover, printed on every report.
pub const NOT_COVERED: [&str; 4] = [
    "本报告仅包含本网站截至出具时间依法公示的守信红名单、失信黑名单、重点关注名单信息和曝光台公告，不包含未公示、已撤销、已修复或公示期满的信息。",
    "本报告不包含其他部门、其他地区信用平台和司法机关自行公示的信息，也不构成对信用主体的综合评价。",
    "自然人的身份证号码等信息按公示规则作遮蔽处理。",
    "出具后信用信息可能发生变化，以验证页面显示的最新状态为准。",
];

/// A notice named in a report.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportNotice {
    /// Opaque id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Category.
    pub category: String,
    /// Category in Chinese.
    pub category_label: String,
    /// 发布单位
    pub issuing_unit: String,
    /// 发布日期
    pub publication_date: String,
}

/// What a credit report says.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReportContent {
    /// The issuing site.
    pub issuer: String,
    /// The subject, as its public profile shows it.
    pub subject: PublicSubjectOut,
    /// Public red-list entries (守信红名单).
    pub red: Vec<PublicEntry>,
    /// Public black-list entries (失信黑名单).
    pub black: Vec<PublicEntry>,
    /// Public key-attention entries (重点关注).
    pub key_attention: Vec<PublicEntry>,
    /// Published notices naming the subject (曝光台).
    pub notices: Vec<ReportNotice>,
    /// What the report does not cover.
    pub not_covered: Vec<String>,
}

/// A signed credit report, exactly as issued.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SignedReport {
    /// `credit_report`.
    #[serde(rename = "type")]
    pub kind: String,
    /// 报告编号.
    pub report_number: String,
    /// 验证码: type it on `/verify`.
    pub verification_code: String,
    /// Moment of issue, Beijing time (RFC 3339, `+08:00`).
    pub issued_at: String,
    /// The verification page of this report.
    pub verify_url: String,
    /// What the report says.
    pub content: ReportContent,
    /// The signing key (`/.well-known/xinyong-keys.json`).
    pub key_id: String,
    /// Ed25519 signature (base64) over the canonical JSON of every other member.
    pub signature: String,
}

/// A subject found by a public search, in its proof.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProofHit {
    /// Opaque id.
    pub id: String,
    /// Shown name.
    pub display_name: String,
    /// Kind in Chinese.
    pub kind_label: String,
    /// Code.
    pub uscc: Option<String>,
    /// Public red-list entries.
    pub red_count: u32,
    /// Public black-list entries.
    pub black_count: u32,
    /// Public key-attention entries.
    pub key_attention_count: u32,
    /// Published notices naming it.
    pub notice_count: u32,
}

/// The search a proof is about, as typed.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, ToSchema)]
pub struct ProofQuery {
    /// Name, fragment or code.
    pub q: String,
    /// List filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// List name filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_name: Option<String>,
    /// Division filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Authority filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// Kind filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Decision-year filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
}

impl ProofQuery {
    fn criteria(&self) -> LookupCriteria {
        LookupCriteria {
            q: self.q.clone(),
            person_name: None,
            id_number: None,
            list: self.list.clone(),
            list_name: self.list_name.clone(),
            region: self.region.clone(),
            authority: self.authority.clone(),
            kind: self.kind.clone(),
            year: self.year,
        }
    }
}

/// What a proof of search says.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProofContent {
    /// The issuing site.
    pub issuer: String,
    /// The search.
    pub query: ProofQuery,
    /// How many subjects it found.
    pub total: u64,
    /// The subjects found (the first [`PROOF_HITS`]).
    pub found: Vec<ProofHit>,
    /// The statement printed on the proof.
    pub statement: String,
}

/// The most subjects a proof lists.
pub const PROOF_HITS: u64 = 50;

/// A signed proof of a public search, exactly as issued.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SignedProof {
    /// `search_proof`.
    #[serde(rename = "type")]
    pub kind: String,
    /// 证明编号.
    pub report_number: String,
    /// 验证码.
    pub verification_code: String,
    /// Moment of the search, Beijing time.
    pub issued_at: String,
    /// The verification page of this proof.
    pub verify_url: String,
    /// What it says.
    pub content: ProofContent,
    /// The signing key.
    pub key_id: String,
    /// Ed25519 signature (base64) over the canonical JSON of every other member.
    pub signature: String,
}

/// The outcome of a verification.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Verification {
    /// The signature is one of this site's keys over exactly this content.
    pub genuine: bool,
    /// Why it is not genuine.
    pub problem: Option<String>,
    /// The key that signed it.
    pub key_id: Option<String>,
    /// `current`, or `retired` (still valid for what it signed).
    pub key_status: Option<KeyStatus>,
    /// This site keeps a document with this verification code, identical to the one checked.
    pub on_record: bool,
    /// Whether the public record it describes has changed since it was issued; `null` where
    /// that cannot be told (a receipt, or a document not on record).
    pub record_changed: Option<bool>,
    /// When the check was made, Beijing time.
    pub checked_at: String,
    /// The document checked, as issued.
    #[schema(value_type = Object)]
    pub document: Value,
}

/// An issued document: its row and the signed JSON.
#[derive(Clone, Debug)]
pub struct Issued {
    /// The row kept.
    pub row: signed_document::Model,
    /// The signed document.
    pub document: Value,
}

/// Beijing time, RFC 3339.
pub fn beijing(at: DateTime<Utc>) -> String {
    at.with_timezone(&china_offset())
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

fn random_chars(n: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// A fresh verification code: 16 characters in four groups, from an alphabet without 0/O, 1/I/L.
fn new_code() -> String {
    let raw = random_chars(16);
    format!(
        "{}-{}-{}-{}",
        &raw[0..4],
        &raw[4..8],
        &raw[8..12],
        &raw[12..16]
    )
}

/// A verification code as a reader types it (any case, with or without dashes or spaces), in
/// its stored form; `None` when it cannot be one.
pub fn normalise_code(typed: &str) -> Option<String> {
    let raw: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (raw.len() == 16 && raw.bytes().all(|b| CODE_ALPHABET.contains(&b))).then(|| {
        format!(
            "{}-{}-{}-{}",
            &raw[0..4],
            &raw[4..8],
            &raw[8..12],
            &raw[12..16]
        )
    })
}

fn new_number(prefix: &str, at: DateTime<Utc>) -> String {
    let day = at.with_timezone(&china_offset()).format("%Y%m%d");
    format!("{prefix}-{day}-{}", random_chars(8))
}

/// Counts one issue against the client's limit.
pub fn count_issue(state: &AppState, client: std::net::IpAddr) -> ApiResult<()> {
    state.report_limiter.check(client).map_err(|wait| {
        let mut err = ApiError::new(
            ErrorCode::TooManyReports,
            format!("Too many reports or proofs from this client; retry after {wait} seconds."),
        );
        err.retry_after = Some(wait);
        err
    })
}

fn content_of(profile: public::Profile) -> ReportContent {
    ReportContent {
        issuer: ISSUER.into(),
        subject: profile.subject,
        red: profile.red,
        black: profile.black,
        key_attention: profile.key_attention,
        notices: profile
            .notices
            .into_iter()
            .map(|n| ReportNotice {
                id: n.id,
                title: n.title,
                category: n.category,
                category_label: n.category_label,
                issuing_unit: n.issuing_unit,
                publication_date: n.publication_date,
            })
            .collect(),
        not_covered: NOT_COVERED.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// The digest of what a report describes: the subject and its public records, not the moment.
fn report_digest(content: &ReportContent) -> String {
    let record = serde_json::json!({
        "subject": content.subject,
        "red": content.red,
        "black": content.black,
        "key_attention": content.key_attention,
        "notices": content.notices,
    });
    signing::digest(&record)
}

fn proof_digest(content: &ProofContent) -> String {
    signing::digest(&serde_json::json!({"total": content.total, "found": content.found}))
}

/// Turns a typed document into its JSON without the signature members, ready to sign.
fn unsigned(doc: &impl Serialize) -> ApiResult<Map<String, Value>> {
    match serde_json::to_value(doc) {
        Ok(Value::Object(mut m)) => {
            m.remove("key_id");
            m.remove("signature");
            Ok(m)
        }
        Ok(_) => Err(ApiError::internal("a signed document must be an object")),
        Err(e) => Err(ApiError::internal(format!("serialising a document: {e}"))),
    }
}

/// The row of a report or proof, anyone may look up by its code.
fn public_row(
    kind: &str,
    number: &str,
    code: String,
    subject_id: Option<Uuid>,
    record_digest: String,
    issued_at: DateTime<Utc>,
) -> signed_document::Model {
    signed_document::Model {
        id: Uuid::new_v4(),
        kind: kind.to_owned(),
        number: number.to_owned(),
        verification_code: code,
        subject_id,
        agency_id: None,
        issued_at,
        record_digest: Some(record_digest),
        document: String::new(),
    }
}

/// Signs and keeps a document.
async fn keep(
    state: &AppState,
    db: &impl sea_orm::ConnectionTrait,
    row: signed_document::Model,
    doc: Map<String, Value>,
) -> ApiResult<Issued> {
    let document = state.signer.sign(doc);
    let mut row = row;
    row.document = document.to_string();
    signed_document::ActiveModel {
        id: Set(row.id),
        kind: Set(row.kind.clone()),
        number: Set(row.number.clone()),
        verification_code: Set(row.verification_code.clone()),
        subject_id: Set(row.subject_id),
        agency_id: Set(row.agency_id),
        issued_at: Set(row.issued_at),
        record_digest: Set(row.record_digest.clone()),
        document: Set(row.document.clone()),
    }
    .insert(db)
    .await?;
    Ok(Issued { row, document })
}

/// Whether the subject `id` is a natural person (whose report is issued only to them).
pub async fn is_person(state: &AppState, id: entity::SubjectId) -> ApiResult<bool> {
    let subject = entity::subject::Entity::find_by_id(id)
        .one(&state.db)
        .await?;
    Ok(subject.is_some_and(|s| s.kind == entity::SubjectKind::NaturalPerson))
}

/// Issues a credit report on a public subject as of now. A natural person's report is issued
/// only to the person: `claim` must name them (name and ID number), or 403
/// `report_needs_standing`; the report shows them as the public profile does (masked).
pub async fn issue_report(
    state: &AppState,
    id: entity::SubjectId,
    claim: Option<Claim>,
) -> ApiResult<Issued> {
    let profile = public::profile(state, id).await?;
    if profile.subject.kind == "natural_person" {
        let subject = entity::subject::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .ok_or_else(|| ApiError::internal(format!("subject {id} vanished")))?;
        // Counted like a person lookup, per name and day from all clients together: the
        // answer (issued or refused) tells whether a name and ID number belong to a listed
        // person, so the hidden digits of a masked number must not be guessable here either.
        if let Some(Claim::Person { name, .. }) = &claim {
            crate::services::filings::PersonLookups {
                per_name_day: state.config.person_lookups_per_name_day,
            }
            .count(
                &state.db,
                &state.keys,
                name,
                state.clock.today(),
                state.clock.now(),
            )
            .await?;
        }
        let own = claim
            .is_some_and(|c| crate::services::repairs::names_subject(&subject, c, &state.keys));
        if !own {
            return Err(ApiError::new(
                ErrorCode::ReportNeedsStanding,
                format!(
                    "A credit report about natural person `{id}` is issued only to that person: send their name and resident ID number, exactly as registered."
                ),
            ));
        }
    }
    let now = state.clock.now();
    let content = content_of(profile);
    let digest = report_digest(&content);
    let code = new_code();
    let report = SignedReport {
        kind: CREDIT_REPORT.into(),
        report_number: new_number("XYR", now),
        verification_code: code.clone(),
        issued_at: beijing(now),
        verify_url: verify_url(state, &code),
        content,
        key_id: String::new(),
        signature: String::new(),
    };
    let row = public_row(
        CREDIT_REPORT,
        &report.report_number,
        code,
        Some(id.0),
        digest,
        now,
    );
    let issued = keep(state, &state.db, row, unsigned(&report)?).await?;
    tracing::info!(
        report.number = %issued.row.number,
        subject.id = %id,
        "credit report issued"
    );
    Ok(issued)
}

/// Issues a signed proof of a public search (not of a natural-person lookup): the query, the
/// moment, and what was found, or that nothing was.
pub async fn issue_proof(state: &AppState, query: ProofQuery) -> ApiResult<Issued> {
    if query.q.trim().is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidQueryParameter,
            "`q`: required: a proof of search is about a search for a name or a code.",
        ));
    }
    let content = proof_content(state, &query).await?;
    let now = state.clock.now();
    let code = new_code();
    let proof = SignedProof {
        kind: SEARCH_PROOF.into(),
        report_number: new_number("XYS", now),
        verification_code: code.clone(),
        issued_at: beijing(now),
        verify_url: verify_url(state, &code),
        content,
        key_id: String::new(),
        signature: String::new(),
    };
    let digest = proof_digest(&proof.content);
    let row = public_row(SEARCH_PROOF, &proof.report_number, code, None, digest, now);
    let issued = keep(state, &state.db, row, unsigned(&proof)?).await?;
    tracing::info!(report.number = %issued.row.number, "search proof issued");
    Ok(issued)
}

async fn proof_content(state: &AppState, query: &ProofQuery) -> ApiResult<ProofContent> {
    let results = public::lookup(
        state,
        &query.criteria(),
        PublicPage {
            page: 1,
            per_page: PROOF_HITS,
        },
    )
    .await?;
    let found: Vec<ProofHit> = results
        .hits
        .into_iter()
        .map(|h| ProofHit {
            id: h.id,
            display_name: h.display_name,
            kind_label: h.kind_label.to_owned(),
            uscc: h.uscc,
            red_count: h.red_count,
            black_count: h.black_count,
            key_attention_count: h.key_attention_count,
            notice_count: h.notice_count,
        })
        .collect();
    let statement = if results.total == 0 {
        format!(
            "在{ISSUER}信用查询中检索“{}”，未查询到相关信用主体。",
            query.q.trim()
        )
    } else {
        format!(
            "在{ISSUER}信用查询中检索“{}”，共查询到 {} 个信用主体{}。",
            query.q.trim(),
            results.total,
            if results.total > PROOF_HITS {
                format!("，本证明列出前 {PROOF_HITS} 个")
            } else {
                String::new()
            }
        )
    };
    Ok(ProofContent {
        issuer: ISSUER.into(),
        query: query.clone(),
        total: results.total,
        found,
        statement,
    })
}

/// Signs and keeps a partner's screening receipt (in `db`, the screening's own transaction); its
/// id is the screening's. `receipt` holds what it vouches for; this adds `type`, `id`,
/// `verification_code` and `issued_at`.
pub async fn issue_receipt(
    state: &AppState,
    db: &impl sea_orm::ConnectionTrait,
    screening_id: Uuid,
    agency_id: Uuid,
    at: DateTime<Utc>,
    mut receipt: Map<String, Value>,
) -> ApiResult<Issued> {
    let code = new_code();
    receipt.insert("type".into(), Value::String(SCREENING_RECEIPT.into()));
    receipt.insert("id".into(), Value::String(screening_id.to_string()));
    receipt.insert("verification_code".into(), Value::String(code.clone()));
    receipt.insert("issued_at".into(), Value::String(beijing(at)));
    let row = signed_document::Model {
        id: screening_id,
        kind: SCREENING_RECEIPT.into(),
        number: new_number("XYC", at),
        verification_code: code,
        subject_id: None,
        agency_id: Some(agency_id),
        issued_at: at,
        record_digest: None,
        document: String::new(),
    };
    keep(state, db, row, receipt).await
}

/// A receipt again, to the agency it was issued to (anyone else: 404).
pub async fn receipt(state: &AppState, id: Uuid, agency_id: Uuid) -> ApiResult<Value> {
    let row = signed_document::Entity::find_by_id(id)
        .filter(signed_document::Column::Kind.eq(SCREENING_RECEIPT))
        .filter(signed_document::Column::AgencyId.eq(agency_id))
        .one(&state.db)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::DocumentNotFound,
                format!("No screening receipt `{id}` was issued to this agency."),
            )
        })?;
    stored_document(&row)
}

/// The verification page of a code.
pub fn verify_url(state: &AppState, code: &str) -> String {
    format!("{}/verify?code={code}", state.config.public_url())
}

fn stored_document(row: &signed_document::Model) -> ApiResult<Value> {
    serde_json::from_str(&row.document)
        .map_err(|e| ApiError::internal(format!("signed document {} unreadable: {e}", row.id)))
}

fn code_not_found(code: &str) -> ApiError {
    ApiError::new(
        ErrorCode::DocumentNotFound,
        format!("No report or proof was issued with verification code `{code}`."),
    )
}

/// The document of any kind kept under a (normalised) verification code.
async fn with_code(state: &AppState, code: &str) -> ApiResult<Option<signed_document::Model>> {
    Ok(signed_document::Entity::find()
        .filter(signed_document::Column::VerificationCode.eq(code))
        .one(&state.db)
        .await?)
}

/// A stored report or proof by its verification code as typed (receipts are fetched by their
/// agency).
async fn by_code(state: &AppState, typed: &str) -> ApiResult<signed_document::Model> {
    let shown: String = typed.chars().take(40).collect();
    let code = normalise_code(typed).ok_or_else(|| code_not_found(&shown))?;
    with_code(state, &code)
        .await?
        .filter(|row| row.kind != SCREENING_RECEIPT)
        .ok_or_else(|| code_not_found(&code))
}

/// The report or proof issued with `code`, exactly as kept (no verification: for showing and
/// downloading it again).
pub async fn document_by_code(state: &AppState, code: &str) -> ApiResult<Value> {
    stored_document(&by_code(state, code).await?)
}

/// Verifies the document issued with `code`: as it was issued, whether its signature holds,
/// and whether the record it describes has changed since.
pub async fn verify_code(state: &AppState, code: &str) -> ApiResult<Verification> {
    let row = by_code(state, code).await?;
    let document = stored_document(&row)?;
    check(state, document, Some(&row)).await
}

/// Verifies a document someone holds: its signature, whether this site keeps the same
/// document, and (if so) whether the record has changed since.
pub async fn verify_document(state: &AppState, document: Value) -> ApiResult<Verification> {
    let code = document
        .get("verification_code")
        .and_then(Value::as_str)
        .and_then(normalise_code);
    let row = match code {
        Some(code) => with_code(state, &code).await?,
        None => None,
    };
    let same = row.filter(|r| {
        stored_document(r)
            .is_ok_and(|stored| signing::canonical(&stored) == signing::canonical(&document))
    });
    check(state, document, same.as_ref()).await
}

async fn check(
    state: &AppState,
    document: Value,
    row: Option<&signed_document::Model>,
) -> ApiResult<Verification> {
    let checked_at = beijing(state.clock.now());
    let verdict = signing::verify(&document, state.signer.keys());
    let (genuine, problem, key_id, key_status) = match &verdict {
        Ok(key) => (true, None, Some(key.key_id.clone()), Some(key.status)),
        Err(e) => (false, Some(e.to_string()), None, None),
    };
    let record_changed = match row {
        Some(r) if genuine => changed_since(state, r, &document).await?,
        _ => None,
    };
    Ok(Verification {
        genuine,
        problem,
        key_id,
        key_status,
        on_record: row.is_some(),
        record_changed,
        checked_at,
        document,
    })
}

/// Whether the public record the kept `document` describes differs now from when it was issued.
async fn changed_since(
    state: &AppState,
    row: &signed_document::Model,
    document: &Value,
) -> ApiResult<Option<bool>> {
    let Some(then) = &row.record_digest else {
        return Ok(None);
    };
    let now = match row.kind.as_str() {
        CREDIT_REPORT => {
            let Some(id) = row.subject_id else {
                return Ok(None);
            };
            match public::profile(state, entity::SubjectId(id)).await {
                Ok(profile) => report_digest(&content_of(profile)),
                // No longer public at all: that is a change.
                Err(e) if e.code == ErrorCode::SubjectNotFound => return Ok(Some(true)),
                Err(e) => return Err(e),
            }
        }
        SEARCH_PROOF => {
            let query: ProofQuery = document
                .pointer("/content/query")
                .cloned()
                .and_then(|q| serde_json::from_value(q).ok())
                .unwrap_or_default();
            proof_digest(&proof_content(state, &query).await?)
        }
        _ => return Ok(None),
    };
    Ok(Some(&now != then))
}

/// Finds the signed JSON a saved file carries: the file itself when it is JSON, or the JSON
/// embedded in a PDF this site wrote (its attachment stream).
pub fn document_in_file(bytes: &[u8]) -> Option<Value> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    if bytes[start] == b'{' {
        return serde_json::from_slice(&bytes[start..]).ok();
    }
    let json = crate::pdf::embedded_json(bytes)?;
    let mut stream = serde_json::Deserializer::from_slice(json).into_iter::<Value>();
    stream.next()?.ok().filter(Value::is_object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_typed_and_refused_when_they_cannot_be_one() {
        let code = new_code();
        assert_eq!(normalise_code(&code).as_deref(), Some(code.as_str()));
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(normalise_code(&typed).as_deref(), Some(code.as_str()));
        assert_eq!(normalise_code("0000-1111-IIII-LLLL"), None);
        assert_eq!(normalise_code("ABCD"), None);
    }

    #[test]
    fn a_file_is_read_as_json_or_as_the_json_a_pdf_carries() {
        let json = br#"  {"type":"credit_report","signature":"x"}"#;
        assert!(document_in_file(json).is_some());
        let mut pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /EmbeddedFile /Length 24 >>\nstream\n".to_vec();
        pdf.extend_from_slice(br#"{"type":"credit_report"}"#);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF");
        assert_eq!(
            document_in_file(&pdf).and_then(|d| d["type"].as_str().map(str::to_owned)),
            Some("credit_report".to_owned())
        );
        assert!(document_in_file(b"%PDF-1.7 nothing here").is_none());
        assert!(document_in_file(b"hello").is_none());
    }
}
