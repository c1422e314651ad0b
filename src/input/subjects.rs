//! Credit subjects as sent: a new subject and a partial update, parsed
//! into [`NewSubject`] and [`SubjectChanges`].

use super::{id_number_error, region, trimmed, uscc_error};
use crate::domain::{IdNumber, RegionCode, SubjectKind, Uscc};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::services::subjects::{NewSubject, SubjectChanges};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

/// A new credit subject. Its `Debug` never shows the ID number.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectIn {
    /// `legal_person`, `other_organisation`, `individual_business` or `natural_person`.
    #[schema(value_type = entity::SubjectKind, example = "legal_person")]
    pub kind: String,
    /// Registered name, or a natural person's name.
    #[schema(
        example = "汉中市天汉建设工程有限公司",
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub name: String,
    /// Unified social credit code; required except for natural persons.
    #[schema(
        example = "91610702MA6YL3K09Y",
        pattern = r"^\s*([0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{10})?\s*$"
    )]
    pub uscc: Option<String>,
    /// Resident ID number; natural persons only (blank counts as absent). Never returned or
    /// logged in clear.
    #[schema(pattern = r"^\s*([0-9]{17}[0-9Xx]|[0-9]{15})?\s*$")]
    pub id_number: Option<String>,
    /// 法定代表人; organisations only.
    pub legal_representative: Option<String>,
    /// GB/T 2260 division code; taken from the code or ID number when omitted.
    #[schema(example = "610702", pattern = r"^\s*[0-9]{6}\s*$")]
    pub region_code: Option<String>,
    /// Address; organisations only.
    pub address: Option<String>,
}

// By hand: the ID number is never printed.
impl std::fmt::Debug for SubjectIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubjectIn")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("uscc", &self.uscc)
            .field("id_number", &self.id_number.as_ref().map(|_| "<redacted>"))
            .field("legal_representative", &self.legal_representative)
            .field("region_code", &self.region_code)
            .field("address", &self.address)
            .finish()
    }
}

/// A partial update. The kind, code and ID number identify a subject and cannot change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectPatch {
    /// The version this change is based on; a stale one is refused with 409.
    #[serde(deserialize_with = "super::whole::i32")]
    pub version: i32,
    /// New name.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    /// New legal representative (`null` clears it).
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub legal_representative: Option<Option<String>>,
    /// New division code.
    #[schema(pattern = r"^[0-9]{6}$")]
    pub region_code: Option<String>,
    /// New address (`null` clears it).
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
}

fn parse_name(name: &str) -> ApiResult<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 200 {
        return Err(ApiError::field(
            ErrorCode::InvalidSubjectName,
            "name",
            name,
            "must be 1 to 200 characters",
        ));
    }
    Ok(trimmed.to_owned())
}

fn parse_region(code: &str) -> ApiResult<RegionCode> {
    region(ErrorCode::InvalidSubjectRegion, "region_code", code)
}

/// Parses the wire form into a command: every rule is checked here.
pub fn parse_subject(input: SubjectIn, today: NaiveDate) -> ApiResult<NewSubject> {
    parse_subject_from(input, today, false)
}

/// [`parse_subject`] for a source that may send early pilot-area codes: from an authenticated
/// partner (`trusted_source`), a checksum failure is a warning kept with the record, not a
/// rejection.
pub fn parse_subject_from(
    input: SubjectIn,
    today: NaiveDate,
    trusted_source: bool,
) -> ApiResult<NewSubject> {
    let kind: SubjectKind = input
        .kind
        .parse()
        .map_err(|e| ApiError::new(ErrorCode::InvalidSubjectKind, format!("`kind`: {e}")))?;
    let name = parse_name(&input.name)?;
    let mut uscc_warning = None;
    let uscc = match trimmed(input.uscc) {
        None => None,
        Some(raw) => {
            let invalid = |e: crate::domain::UsccError| {
                uscc_error(ErrorCode::InvalidSubjectUscc, "uscc", &raw, &e)
            };
            if trusted_source {
                let (code, warning) = Uscc::parse_trusted(&raw).map_err(invalid)?;
                uscc_warning = warning.map(|w| w.to_string());
                Some(code)
            } else {
                Some(Uscc::parse(&raw).map_err(invalid)?)
            }
        }
    };
    kind.check_uscc(uscc.as_ref()).map_err(|e| {
        ApiError::new(
            ErrorCode::SubjectKindCodeMismatch,
            format!("`uscc` does not fit `kind` `{}`: {e}", kind.as_str()),
        )
    })?;
    let address = trimmed(input.address);
    let legal_representative = trimmed(input.legal_representative);
    let id_number = match (kind, trimmed(input.id_number)) {
        (SubjectKind::NaturalPerson, None) => {
            return Err(ApiError::new(
                ErrorCode::InvalidSubjectIdNumber,
                "`id_number`: required for a natural person.",
            ));
        }
        (SubjectKind::NaturalPerson, Some(raw)) => {
            let n = IdNumber::parse(&raw, today)
                .map_err(|e| id_number_error(ErrorCode::InvalidSubjectIdNumber, "id_number", &e))?;
            if n.is_minor_on(today) {
                return Err(ApiError::new(
                    ErrorCode::SubjectIsMinor,
                    "Minors are never published.",
                ));
            }
            if address.is_some() || legal_representative.is_some() {
                return Err(ApiError::new(
                    ErrorCode::InvalidSubjectField,
                    "A natural person has no `address` or `legal_representative` on record.",
                ));
            }
            Some(n)
        }
        (_, Some(_)) => {
            return Err(ApiError::new(
                ErrorCode::InvalidSubjectField,
                "`id_number`: only natural persons have one.",
            ));
        }
        (_, None) => None,
    };
    let region = match trimmed(input.region_code) {
        Some(code) => parse_region(&code)?,
        None => match (&uscc, &id_number) {
            (Some(u), _) => u.region(),
            (None, Some(n)) => RegionCode::parse(&n.as_str()[..6]).map_err(|_| {
                ApiError::new(
                    ErrorCode::InvalidSubjectRegion,
                    "`region_code`: required when the ID number has no division code.",
                )
            })?,
            (None, None) => {
                return Err(ApiError::new(
                    ErrorCode::InvalidSubjectRegion,
                    "`region_code`: required.",
                ));
            }
        },
    };
    Ok(NewSubject {
        kind,
        name,
        uscc,
        uscc_warning,
        id_number,
        legal_representative,
        region,
        address,
    })
}

/// Parses a partial update.
pub fn parse_patch(p: SubjectPatch) -> ApiResult<SubjectChanges> {
    Ok(SubjectChanges {
        version: p.version,
        name: p.name.as_deref().map(parse_name).transpose()?,
        legal_representative: p.legal_representative.map(trimmed),
        region: p.region_code.as_deref().map(parse_region).transpose()?,
        address: p.address.map(trimmed),
    })
}

/// `Option<Option<T>>` that tells "absent" from `null`.
mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// Filters of the subject listing.
#[derive(Debug, Default, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SubjectFilterParams {
    /// Only this kind.
    pub kind: Option<entity::SubjectKind>,
    /// Name contains, or code equals.
    #[param(max_length = 200)]
    #[validate(length(max = 200))]
    pub q: Option<String>,
}

impl SubjectFilterParams {
    /// The service's filter.
    pub fn filter(self) -> crate::services::subjects::SubjectFilter {
        crate::services::subjects::SubjectFilter {
            kind: self.kind,
            q: self.q,
        }
    }
}
