//! The public lookup, list browsing and notice listing parameters, shared by the
//! public API and the public pages. Page parameters come separately ([`super::paging`]).

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::services::public::{BrowseCriteria, LookupCriteria};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

/// Lookup parameters.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LookupParams {
    /// Name (or fragment, e.g. the trade name) or unified social credit code.
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// A natural person's exact name (with `id_number`).
    #[validate(length(max = 50))]
    #[param(max_length = 50)]
    pub name: Option<String>,
    /// A natural person's exact ID number (with `name`). Matched on a keyed hash; never stored or logged.
    pub id_number: Option<String>,
    /// Only subjects on this list: `red`, `black`, `key_attention`.
    #[param(value_type = Option<entity::ListKind>)]
    pub list: Option<String>,
    /// Only subjects on this named list, e.g. `失信被执行人`.
    pub list_name: Option<String>,
    /// Only this division code.
    pub region: Option<String>,
    /// Only subjects listed by this authority.
    pub authority: Option<String>,
    /// Only this kind of subject.
    #[param(value_type = Option<entity::SubjectKind>)]
    pub kind: Option<String>,
    /// Only subjects with a decision in this year.
    #[validate(range(min = 1990, max = 2100))]
    #[param(minimum = 1990, maximum = 2100)]
    pub year: Option<i64>,
}

impl LookupParams {
    /// The criteria these parameters ask for; a list or kind must be one of the known ones.
    pub fn criteria(&self) -> ApiResult<LookupCriteria> {
        one_of(
            "list",
            self.list.as_deref(),
            &["red", "black", "key_attention"],
        )?;
        one_of(
            "kind",
            self.kind.as_deref(),
            &[
                "legal_person",
                "other_organisation",
                "individual_business",
                "natural_person",
            ],
        )?;
        Ok(LookupCriteria {
            q: self.q.clone().unwrap_or_default(),
            person_name: self.name.clone(),
            id_number: self.id_number.clone(),
            list: self.list.clone(),
            list_name: self.list_name.clone(),
            region: self.region.clone(),
            authority: self.authority.clone(),
            kind: self.kind.clone(),
            year: self.year,
        })
    }
}

/// Refuses a value of `field` that is not one of `known`.
fn one_of(field: &str, value: Option<&str>, known: &[&str]) -> ApiResult<()> {
    match value {
        Some(v) if !known.contains(&v) => {
            let list = known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            Err(ApiError::field(
                ErrorCode::InvalidQueryParameter,
                field,
                v,
                format!("must be one of {list}"),
            ))
        }
        _ => Ok(()),
    }
}

/// List browsing parameters.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BrowseParams {
    /// Name fragment, code or words of the reason.
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Only this named list.
    pub list_name: Option<String>,
    /// Only this division code.
    pub region: Option<String>,
    /// Only this deciding authority.
    pub authority: Option<String>,
    /// Only decisions of this year.
    #[validate(range(min = 1990, max = 2100))]
    #[param(minimum = 1990, maximum = 2100)]
    pub year: Option<i64>,
}

impl BrowseParams {
    /// The criteria these parameters ask for.
    pub fn criteria(&self) -> BrowseCriteria {
        BrowseCriteria {
            q: self.q.clone().unwrap_or_default(),
            list_name: self.list_name.clone(),
            region: self.region.clone(),
            authority: self.authority.clone(),
            year: self.year,
        }
    }
}

/// Notice listing parameters.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NoticeParams {
    /// Words of the title or body.
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// `dishonesty_case` or `integrity_model`.
    #[param(value_type = Option<entity::NoticeCategory>)]
    pub category: Option<String>,
}

impl NoticeParams {
    /// The category asked for, which must be one of the two (a blank one included: the pages
    /// leave blank parameters out before asking).
    pub fn category(&self) -> ApiResult<Option<&str>> {
        let category = self.category.as_deref();
        match category {
            Some(c) if !["dishonesty_case", "integrity_model"].contains(&c) => {
                Err(ApiError::field(
                    ErrorCode::InvalidQueryParameter,
                    "category",
                    c,
                    "must be `dishonesty_case` or `integrity_model`",
                ))
            }
            _ => Ok(category),
        }
    }
}
