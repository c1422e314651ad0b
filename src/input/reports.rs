//! Asking for a credit report about a natural person: only the person gets it, by giving the
//! name and ID number exactly as registered (in the body, never in an address).

use super::cases::{Claim, Standing};
use crate::error::ApiResult;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

/// Who asks for a natural person's report. Its `Debug` never shows the ID number.
#[derive(Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subject_name": "张三", "subject_id_number": "610702200001010018"}))]
pub struct ReportRequestIn {
    /// The person's name, as registered.
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub subject_name: Option<String>,
    /// The person's resident ID number.
    #[schema(max_length = 18)]
    #[validate(length(max = 18))]
    pub subject_id_number: Option<String>,
}

impl std::fmt::Debug for ReportRequestIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportRequestIn")
            .field("subject_name", &self.subject_name)
            .field(
                "subject_id_number",
                &self.subject_id_number.as_ref().map(|_| "***"),
            )
            .finish()
    }
}

impl ReportRequestIn {
    /// Checks the bounds the schema states, whoever the report is about (400
    /// `invalid_case_field`).
    pub fn check(&self) -> ApiResult<()> {
        self.validate()
            .map_err(|e| super::validation_error(crate::error::ErrorCode::InvalidCaseField, &e))
    }

    /// The person the requester says they are (400 `invalid_case_field` naming the field).
    pub fn claim(self, today: chrono::NaiveDate) -> ApiResult<Claim> {
        Standing {
            name: self.subject_name,
            uscc: None,
            id_number: self.subject_id_number,
        }
        .claim(true, today)
    }
}
