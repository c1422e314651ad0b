//! List entries as sent: the fields of a draft or a correction, parsed into
//! [`EntryContent`] with every rule checked — required fields by list, codes, dates in order and
//! not in the future, and a publicity rule in force that allows publication — and the version
//! and reason bodies of the review steps.

use super::{optional_uscc, required, trimmed};
use crate::domain::{ListKind, Severity};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::services::entries::EntryContent;
use chrono::NaiveDate;
use entity::{SubjectId, list_entry};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An entry as sent: to create a draft (`subject_id` required) or to change one
/// (`version` required; the fields sent replace the stored ones).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryFields {
    /// The listed subject; required to create, cannot change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_id: Option<Uuid>,
    /// The version a change is based on; required to change a draft.
    #[serde(
        default,
        deserialize_with = "super::whole::option_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub version: Option<i32>,
    /// `red`, `black` or `key_attention`.
    #[schema(value_type = Option<entity::ListKind>, example = "black")]
    pub list: Option<String>,
    /// 名单名称
    #[schema(example = "失信被执行人", max_length = 100, pattern = r"\S")]
    pub list_name: Option<String>,
    /// 失信等级: `minor`, `general` or `serious`; required for black entries.
    #[schema(value_type = Option<entity::Severity>, example = "serious")]
    pub severity: Option<String>,
    /// 列入事由 / 荣誉名称
    #[schema(max_length = 2000, pattern = r"\S")]
    pub reason: Option<String>,
    /// 失信行为 / 违法事实
    pub facts: Option<String>,
    /// 认定依据; required for black entries.
    pub legal_basis: Option<String>,
    /// 认定部门
    #[schema(example = "汉中市中级人民法院", max_length = 200, pattern = r"\S")]
    pub authority_name: Option<String>,
    /// The deciding authority's code.
    #[schema(
        pattern = r"^\s*([0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{10})?\s*$"
    )]
    pub authority_uscc: Option<String>,
    /// 决定文书号
    #[schema(example = "(2026)陕07执123号", max_length = 100, pattern = r"\S")]
    pub document_number: Option<String>,
    /// 认定日期
    pub decision_date: Option<NaiveDate>,
    /// 列入日期 (default: the decision date).
    pub listing_date: Option<NaiveDate>,
    /// 有效期自 (default: the decision date).
    pub valid_from: Option<NaiveDate>,
    /// 有效期至 (red lists).
    pub valid_until: Option<NaiveDate>,
    /// 数据来源单位 (default: the deciding authority).
    pub source_name: Option<String>,
    /// The data source unit's code.
    #[schema(
        pattern = r"^\s*([0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{10})?\s*$"
    )]
    pub source_uscc: Option<String>,
}

/// A state change based on a version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionIn {
    /// The version the change is based on.
    #[serde(deserialize_with = "super::whole::i32")]
    pub version: i32,
}

/// A rejection: the reason goes back to the editor.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectIn {
    /// The version the change is based on.
    #[serde(deserialize_with = "super::whole::i32")]
    pub version: i32,
    /// What the editor must fix.
    #[schema(min_length = 1, pattern = r"\S")]
    pub reason: String,
}

/// A withdrawal: the reason is published.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawIn {
    /// The version the change is based on.
    #[serde(deserialize_with = "super::whole::i32")]
    pub version: i32,
    /// Why the decision was changed or revoked; shown publicly.
    #[schema(min_length = 1, pattern = r"\S")]
    pub reason: String,
}

impl EntryFields {
    /// The stored content as fields, so a patch can be laid over it and checked whole.
    pub(crate) fn from_model(e: &list_entry::Model) -> Self {
        use crate::services::projection::enum_str;
        Self {
            subject_id: Some(e.subject_id.0),
            version: Some(e.version),
            list: Some(enum_str(e.list)),
            list_name: Some(e.list_name.clone()),
            severity: e.severity.map(enum_str),
            reason: Some(e.reason.clone()),
            facts: e.facts.clone(),
            legal_basis: e.legal_basis.clone(),
            authority_name: Some(e.authority_name.clone()),
            authority_uscc: e.authority_uscc.clone(),
            document_number: Some(e.document_number.clone()),
            decision_date: Some(e.decision_date),
            listing_date: Some(e.listing_date),
            valid_from: Some(e.valid_from),
            valid_until: e.valid_until,
            source_name: Some(e.source_name.clone()),
            source_uscc: e.source_uscc.clone(),
        }
    }

    /// Checked content as fields (no subject, no version): how a revision keeps what an agency
    /// sent, to be checked again when it is approved.
    pub fn from_content(c: &EntryContent) -> Self {
        Self {
            subject_id: None,
            version: None,
            list: Some(c.list.as_str().to_owned()),
            list_name: Some(c.list_name.clone()),
            severity: c.severity.map(|s| s.as_str().to_owned()),
            reason: Some(c.reason.clone()),
            facts: c.facts.clone(),
            legal_basis: c.legal_basis.clone(),
            authority_name: Some(c.authority_name.clone()),
            authority_uscc: c.authority_uscc.clone(),
            document_number: Some(c.document_number.clone()),
            decision_date: Some(c.decision_date),
            listing_date: Some(c.listing_date),
            valid_from: Some(c.valid_from),
            valid_until: c.valid_until,
            source_name: Some(c.source_name.clone()),
            source_uscc: c.source_uscc.clone(),
        }
    }

    /// Lays the fields sent over these, the stored ones.
    pub fn overlay(mut self, p: EntryFields) -> Self {
        macro_rules! take {
            ($($f:ident),*) => { $( if p.$f.is_some() { self.$f = p.$f; } )* };
        }
        take!(
            list,
            list_name,
            severity,
            reason,
            facts,
            legal_basis,
            authority_name,
            authority_uscc,
            document_number,
            decision_date,
            listing_date,
            valid_from,
            valid_until,
            source_name,
            source_uscc
        );
        self
    }
}

fn text(field: &str, value: Option<String>, max: usize) -> ApiResult<String> {
    required(ErrorCode::InvalidEntryField, field, value, max)
}

fn code(field: &str, value: Option<String>) -> ApiResult<Option<String>> {
    Ok(optional_uscc(ErrorCode::InvalidEntryUscc, field, value)?.map(String::from))
}

/// Parses and checks entry content: required fields by list, codes, dates in order and not in
/// the future, and that the period rule in force allows publication.
pub fn parse_fields(f: EntryFields, today: NaiveDate) -> ApiResult<EntryContent> {
    let list_raw = text("list", f.list, 32)?;
    let list: ListKind = list_raw
        .parse()
        .map_err(|e| ApiError::new(ErrorCode::InvalidEntryList, format!("`list`: {e}")))?;
    let severity: Option<Severity> = trimmed(f.severity)
        .map(|s| {
            s.parse().map_err(|e| {
                ApiError::new(ErrorCode::InvalidEntrySeverity, format!("`severity`: {e}"))
            })
        })
        .transpose()?;
    let legal_basis = trimmed(f.legal_basis);
    if list == ListKind::Black {
        if legal_basis.is_none() {
            return Err(ApiError::new(
                ErrorCode::MissingEntryLegalBasis,
                "`legal_basis`: a black-list entry needs its legal basis (认定依据).",
            ));
        }
        if severity.is_none() {
            return Err(ApiError::new(
                ErrorCode::InvalidEntrySeverity,
                "`severity`: a black-list entry needs its severity class: `minor`, `general` or `serious`.",
            ));
        }
    }
    let decision_date = f
        .decision_date
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidEntryDates, "`decision_date`: required."))?;
    let listing_date = f.listing_date.unwrap_or(decision_date);
    let valid_from = f.valid_from.unwrap_or(decision_date);
    let date_error = |field: &str, value: NaiveDate, why: &str| {
        ApiError::field(ErrorCode::InvalidEntryDates, field, &value.to_string(), why)
    };
    if decision_date > today {
        return Err(date_error(
            "decision_date",
            decision_date,
            "is in the future",
        ));
    }
    if listing_date < decision_date {
        return Err(date_error(
            "listing_date",
            listing_date,
            "is before the decision date",
        ));
    }
    if listing_date > today {
        return Err(date_error("listing_date", listing_date, "is in the future"));
    }
    if let Some(until) = f.valid_until
        && until < valid_from
    {
        return Err(date_error(
            "valid_until",
            until,
            "is before the start of validity",
        ));
    }
    let authority_name = text("authority_name", f.authority_name, 200)?;
    let authority_uscc = code("authority_uscc", f.authority_uscc)?;
    let facts = trimmed(f.facts);
    super::free_text_opt("facts", facts.as_deref())?;
    super::free_text_opt("legal_basis", legal_basis.as_deref())?;
    let reason = text("reason", f.reason, 2000)?;
    super::free_text("reason", &reason)?;
    let content = EntryContent {
        list,
        list_name: text("list_name", f.list_name, 100)?,
        severity,
        reason,
        facts,
        legal_basis,
        source_name: trimmed(f.source_name).unwrap_or_else(|| authority_name.clone()),
        source_uscc: code("source_uscc", f.source_uscc)?.or_else(|| authority_uscc.clone()),
        authority_name,
        authority_uscc,
        document_number: text("document_number", f.document_number, 100)?,
        decision_date,
        listing_date,
        valid_from,
        valid_until: f.valid_until,
    };
    content.publicity()?;
    Ok(content)
}

/// The subject and content of a new draft: `subject_id` is required and `version` is not sent.
pub fn parse_new_entry(
    input: EntryFields,
    today: NaiveDate,
) -> ApiResult<(SubjectId, EntryContent)> {
    let subject_id = input
        .subject_id
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidEntryField, "`subject_id`: required."))?;
    if input.version.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidEntryField,
            "`version`: only sent when changing an entry.",
        ));
    }
    Ok((SubjectId(subject_id), parse_fields(input, today)?))
}

/// The version a change is based on: required to change an entry.
pub fn patch_version(patch: &EntryFields) -> ApiResult<i32> {
    patch.version.ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidEntryField,
            "`version`: required to change an entry.",
        )
    })
}

/// The content of `current` with `patch` laid over it, checked whole. An entry cannot move to
/// another subject.
pub fn parse_entry_patch(
    current: &list_entry::Model,
    patch: EntryFields,
    today: NaiveDate,
) -> ApiResult<EntryContent> {
    if patch.subject_id.is_some_and(|s| s != current.subject_id.0) {
        return Err(ApiError::new(
            ErrorCode::InvalidEntryField,
            "`subject_id`: an entry cannot move to another subject.",
        ));
    }
    parse_fields(EntryFields::from_model(current).overlay(patch), today)
}

/// The reason of a rejection: required, it tells the editor what to fix.
pub fn review_reason(reason: String) -> ApiResult<String> {
    let reason = trimmed(Some(reason)).ok_or_else(|| {
        ApiError::new(
            ErrorCode::MissingReviewReason,
            "`reason`: required; it tells the editor what to fix.",
        )
    })?;
    super::free_text("reason", &reason)?;
    Ok(reason)
}

/// The public reason of a withdrawal (entries and notices alike).
pub fn withdrawal_reason(reason: String) -> ApiResult<String> {
    let reason = trimmed(Some(reason)).ok_or_else(|| {
        ApiError::new(
            ErrorCode::MissingWithdrawalReason,
            "`reason`: required; it is published with the withdrawal.",
        )
    })?;
    super::free_text("reason", &reason)?;
    Ok(reason)
}

/// Filters of the entry listing.
#[derive(Debug, Default, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EntryFilterParams {
    /// Only this state.
    pub status: Option<entity::EntryStatus>,
    /// Only this subject.
    pub subject_id: Option<Uuid>,
    /// Only this list.
    pub list: Option<entity::ListKind>,
    /// Only entries whose list name (名单名称) contains this text.
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub list_name: Option<String>,
    /// Only entries whose deciding authority's name (认定部门) contains this text.
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub authority: Option<String>,
    /// Only entries decided (认定日期) in this year.
    #[validate(range(min = 1949, max = 2100))]
    #[param(minimum = 1949, maximum = 2100)]
    pub decision_year: Option<i32>,
}

impl EntryFilterParams {
    /// The service's filter.
    pub fn filter(self) -> crate::services::entries::EntryFilter {
        let text = |v: Option<String>| v.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        crate::services::entries::EntryFilter {
            status: self.status,
            subject_id: self.subject_id.map(SubjectId),
            list: self.list,
            list_name: text(self.list_name),
            authority: text(self.authority),
            decision_year: self.decision_year,
        }
    }
}

/// Filters of the revision listing.
#[derive(Debug, Default, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RevisionFilterParams {
    /// Only this state (`pending` is the review queue).
    pub status: Option<entity::RevisionStatus>,
    /// Only revisions of this entry.
    pub entry_id: Option<Uuid>,
}

impl RevisionFilterParams {
    /// The service's filter.
    pub fn filter(self) -> crate::services::revisions::RevisionFilter {
        crate::services::revisions::RevisionFilter {
            status: self.status,
            entry_id: self.entry_id.map(entity::EntryId),
        }
    }
}

/// The approval of a revision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionApproveIn {
    /// The revision's version the step is based on.
    #[serde(deserialize_with = "super::whole::i32")]
    pub version: i32,
    /// A note for the record.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// The most characters of a reviewer's note.
pub const MAX_NOTE_CHARS: usize = 2000;

/// A reviewer's optional note.
pub fn review_note(value: Option<String>) -> ApiResult<Option<String>> {
    let note = super::bounded(ErrorCode::InvalidEntryField, "note", value, MAX_NOTE_CHARS)?;
    super::free_text_opt("note", note.as_deref())?;
    Ok(note)
}
