//! The public lookup, list browsing and notice listing parameters, shared by the
//! public API and the public pages. Page parameters come separately ([`super::paging`]).

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::services::public::{BrowseCriteria, LookupCriteria};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// Lookup parameters. A natural person is never looked up by these: their name and ID number
/// go in the body of a `POST` ([`PersonLookupIn`]), and [`refuse_person_in_query`] refuses them
/// in an address.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LookupParams {
    /// Name (or fragment, e.g. the trade name) or unified social credit code.
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
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
            person_name: None,
            id_number: None,
            list: self.list.clone(),
            list_name: self.list_name.clone(),
            region: self.region.clone(),
            authority: self.authority.clone(),
            kind: self.kind.clone(),
            year: self.year,
        })
    }
}

/// The natural-person lookup (信用查询·自然人): an exact name and ID number, sent in the body of
/// a `POST` so that neither is ever in an address, a log line or a cache. Its `Debug` never
/// shows the ID number.
#[derive(Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "张三", "id_number": "610702200001010018"}))]
pub struct PersonLookupIn {
    /// The person's exact name.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, pattern = r"\S")]
    pub name: String,
    /// The person's exact ID number (18 characters, or 15 digits for an old one). Matched on a
    /// keyed hash; never stored, logged or echoed in an error.
    #[schema(min_length = 15, max_length = 18)]
    pub id_number: String,
}

impl std::fmt::Debug for PersonLookupIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonLookupIn")
            .field("name", &self.name)
            .field("id_number", &"<redacted>")
            .finish()
    }
}

impl PersonLookupIn {
    /// The criteria of this lookup: both fields are required and exact.
    pub fn criteria(&self) -> ApiResult<LookupCriteria> {
        self.validate()
            .map_err(|e| super::validation_error(ErrorCode::InvalidRequestBody, &e))?;
        let (name, number) = (self.name.trim(), self.id_number.trim());
        if name.is_empty() || number.is_empty() {
            return Err(ApiError::new(
                ErrorCode::InvalidRequestBody,
                "`name` and `id_number`: a natural person is looked up with both, exactly.",
            ));
        }
        Ok(LookupCriteria {
            person_name: Some(name.to_owned()),
            id_number: Some(number.to_owned()),
            ..LookupCriteria::default()
        })
    }
}

/// The query-string keys of a natural-person lookup, which an address never carries.
const PERSON_KEYS: &[&str] = &["name", "id_number"];

/// Refuses a query string that carries a natural person's name or ID number (400
/// `id_number_in_url`), naming the key only: the values are neither echoed nor logged.
pub fn refuse_person_in_query(query: Option<&str>) -> ApiResult<()> {
    let Some(query) = query else { return Ok(()) };
    // A query string that cannot be read is refused by the parameters' own parsing.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    match pairs
        .iter()
        .find(|(key, _)| PERSON_KEYS.contains(&key.as_str()))
    {
        Some((key, _)) => Err(ApiError::new(
            ErrorCode::IdNumberInUrl,
            format!(
                "`{key}`: a natural person's name and ID number are never sent in an address; send them as the body of `POST /api/v1/lookup/person` (on the site, the person form posts them)."
            ),
        )),
        None => Ok(()),
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
