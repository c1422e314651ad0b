//! Batch screening requests (信用核查): the purpose, the legal basis, the threshold
//! and up to 1,000 subjects. Each subject is checked by the matcher itself, so that one bad
//! subject is answered on its own and does not fail the rest.

use super::{bounded, trimmed};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::services::screening::{DEFAULT_THRESHOLD, MAX_SUBJECTS, Probe};
use serde::Deserialize;
use utoipa::ToSchema;

/// A screening request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "purpose": "2026年汉中市政府采购项目（HZCG-2026-118）供应商资格审查",
    "subjects": [
        {"reference": "供应商-1", "uscc": "91610702MA6YL3K09Y"},
        {"reference": "供应商-2", "name": "天汉建设工程有限责任公司"},
        {"reference": "供应商-3", "name": "漢中市秦嶺藥業有限公司"}
    ]
}))]
pub struct ScreeningIn {
    /// Why (recorded in the office's log): e.g. the procurement award or grant checked.
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub purpose: String,
    /// The legal basis; required when any subject is a natural person (name + ID number).
    #[schema(max_length = 500)]
    pub legal_basis: Option<String>,
    /// The lowest score reported, 0.5 to 1 (default 0.85). 1 reports exact codes, ID numbers
    /// and names only.
    #[schema(minimum = 0.5, maximum = 1.0)]
    pub threshold: Option<f64>,
    /// Up to 1,000 subjects.
    #[schema(max_items = 1000)]
    pub subjects: Vec<ScreeningSubjectIn>,
}

/// One subject to screen: a code, or a name, or a natural person's name and ID number.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreeningSubjectIn {
    /// The caller's own reference, echoed back.
    pub reference: Option<String>,
    /// Unified social credit code: matched exactly, and alone.
    pub uscc: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// A natural person's ID number (with `name`; needs `legal_basis`). Never echoed or logged.
    pub id_number: Option<String>,
}

impl std::fmt::Debug for ScreeningSubjectIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScreeningSubjectIn")
            .field("reference", &self.reference)
            .field("uscc", &self.uscc)
            .field("name", &self.name)
            .field("id_number", &self.id_number.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A checked screening request.
#[derive(Debug)]
pub struct Screening {
    /// Why.
    pub purpose: String,
    /// The legal basis stated, if any.
    pub legal_basis: Option<String>,
    /// The lowest score reported.
    pub threshold: f64,
    /// The subjects, each with the caller's reference.
    pub subjects: Vec<(Option<String>, Probe)>,
}

impl ScreeningIn {
    /// Checks the request as a whole; the subjects are checked one by one when matched.
    pub fn parse(self) -> ApiResult<Screening> {
        let purpose = trimmed(Some(self.purpose))
            .filter(|p| p.chars().count() <= 500)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidScreeningField,
                    "`purpose`: required, at most 500 characters: say what the screening is for.",
                )
            })?;
        let legal_basis = bounded(
            ErrorCode::InvalidScreeningField,
            "legal_basis",
            self.legal_basis,
            500,
        )?;
        let threshold = self.threshold.unwrap_or(DEFAULT_THRESHOLD);
        if !(0.5..=1.0).contains(&threshold) {
            return Err(ApiError::field(
                ErrorCode::InvalidScreeningField,
                "threshold",
                &threshold.to_string(),
                "must be between 0.5 and 1",
            ));
        }
        if self.subjects.len() > MAX_SUBJECTS {
            return Err(ApiError::new(
                ErrorCode::BatchTooLarge,
                format!(
                    "`subjects`: {} subjects; at most {MAX_SUBJECTS} per call.",
                    self.subjects.len()
                ),
            ));
        }
        Ok(Screening {
            purpose,
            legal_basis,
            threshold,
            subjects: self
                .subjects
                .into_iter()
                .map(|s| {
                    let probe = Probe {
                        uscc: s.uscc,
                        name: s.name,
                        id_number: s.id_number,
                    };
                    (s.reference, probe)
                })
                .collect(),
        })
    }
}

/// Filters of the screening log.
#[derive(Debug, Default, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScreeningLogParams {
    /// Only this agency's screenings.
    pub agency_id: Option<uuid::Uuid>,
}

/// Change-feed parameters.
#[derive(Debug, Default, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangesParams {
    /// The last sequence number already read (0 to start).
    #[validate(range(min = 0))]
    #[param(minimum = 0)]
    pub since: Option<i64>,
    /// Changes per page, at most 1000 (default 500).
    #[validate(range(min = 1, max = 1000))]
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
}

/// Filters of a person's check log: none besides the page.
#[derive(Debug, Default, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PersonCheckParams {}
