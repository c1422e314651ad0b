//! Exposure notices (曝光台) as sent: the fields of a draft or a change, parsed
//! into [`NoticeContent`].

use super::{required, uscc};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::services::notices::NoticeContent;
use chrono::NaiveDate;
use entity::{NoticeCategory, notice};
use serde::Deserialize;
use utoipa::ToSchema;

/// A notice as sent: to create a draft, or (with `version`) to change one.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeFields {
    /// The version a change is based on; required to change a draft.
    #[serde(default, deserialize_with = "super::whole::option_i32")]
    pub version: Option<i32>,
    /// Title.
    #[schema(max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    /// `dishonesty_case` (失信典型案例) or `integrity_model` (诚信典型).
    pub category: Option<NoticeCategory>,
    /// 发布单位
    #[schema(max_length = 200, pattern = r"\S")]
    pub issuing_unit: Option<String>,
    /// Markdown body with the sections 基本案情, 处理结果, 法律依据, 典型意义.
    #[schema(max_length = 100000, pattern = r"\S")]
    pub body_md: Option<String>,
    /// Codes of the linked subjects.
    pub subject_usccs: Option<Vec<String>>,
    /// Publicity ends at the start of this day.
    pub publicity_until: Option<NaiveDate>,
}

/// The linked codes stored with a notice.
pub fn usccs(n: &notice::Model) -> Vec<String> {
    serde_json::from_value(n.subject_usccs.clone()).unwrap_or_default()
}

fn text(field: &str, value: Option<String>, max: usize) -> ApiResult<String> {
    required(ErrorCode::InvalidNoticeField, field, value, max)
}

fn personal_free(value: String, field: &str) -> ApiResult<String> {
    super::free_text(field, &value)?;
    Ok(value)
}

/// Parses and checks a notice's fields.
pub fn parse_notice(f: NoticeFields, today: NaiveDate) -> ApiResult<NoticeContent> {
    let subject_usccs = f
        .subject_usccs
        .unwrap_or_default()
        .into_iter()
        .map(|raw| uscc(ErrorCode::InvalidNoticeField, "subject_usccs", &raw).map(String::from))
        .collect::<ApiResult<Vec<_>>>()?;
    if let Some(until) = f.publicity_until
        && until <= today
    {
        return Err(ApiError::field(
            ErrorCode::InvalidNoticeField,
            "publicity_until",
            &until.to_string(),
            "is not in the future",
        ));
    }
    Ok(NoticeContent {
        title: personal_free(text("title", f.title, 200)?, "title")?,
        category: f
            .category
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidNoticeField, "`category`: required."))?,
        issuing_unit: text("issuing_unit", f.issuing_unit, 200)?,
        body_md: personal_free(text("body_md", f.body_md, 100_000)?, "body_md")?,
        subject_usccs,
        publicity_until: f.publicity_until,
    })
}

/// Checks a new draft's fields: `version` is only sent when changing a notice.
pub fn parse_new_notice(input: NoticeFields, today: NaiveDate) -> ApiResult<NoticeContent> {
    if input.version.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidNoticeField,
            "`version`: only sent when changing a notice.",
        ));
    }
    parse_notice(input, today)
}

/// The version a change is based on: required to change a notice.
pub fn patch_version(patch: &NoticeFields) -> ApiResult<i32> {
    patch.version.ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidNoticeField,
            "`version`: required to change a notice.",
        )
    })
}

/// The content of `cur` with the fields of `p` laid over it, checked whole.
pub fn parse_notice_patch(
    cur: &notice::Model,
    p: NoticeFields,
    today: NaiveDate,
) -> ApiResult<NoticeContent> {
    let merged = NoticeFields {
        version: p.version,
        title: p.title.or_else(|| Some(cur.title.clone())),
        category: p.category.or(Some(cur.category)),
        issuing_unit: p.issuing_unit.or_else(|| Some(cur.issuing_unit.clone())),
        body_md: p.body_md.or_else(|| Some(cur.body_md.clone())),
        subject_usccs: p.subject_usccs.or_else(|| Some(usccs(cur))),
        publicity_until: p.publicity_until.or(cur.publicity_until),
    };
    parse_notice(merged, today)
}

/// Filters of the notice listing.
#[derive(Debug, Default, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NoticeFilterParams {
    /// Only this state.
    pub status: Option<entity::NoticeStatus>,
}
