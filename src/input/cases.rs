//! Objections (异议申诉) and credit-repair applications (信用修复) as filed,
//! and the bodies of the office's steps on them.

use super::trimmed;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::services::objections::NewObjection;
use entity::{EntryId, ObjectionKind};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

fn text(field: &str, value: String, max: usize) -> ApiResult<String> {
    super::required(ErrorCode::InvalidCaseField, field, Some(value), max)
}

/// Free text that is stored and audited: no ID or mobile numbers (the `contact` field is where
/// a phone number belongs).
fn free(value: String, field: &str) -> ApiResult<String> {
    super::free_text(field, &value)?;
    Ok(value)
}

/// An objection as filed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionIn {
    /// The public entry objected to.
    pub entry_id: Uuid,
    /// `content`, `period` or `repair_result`.
    pub kind: ObjectionKind,
    /// The reasons, with what is wrong and why.
    #[schema(min_length = 1, max_length = 5000, pattern = r"\S")]
    pub reason: String,
    /// How the office can reach the objector; never published.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub contact: String,
}

impl ObjectionIn {
    /// Checks the objection's text.
    pub fn parse(self) -> ApiResult<NewObjection> {
        Ok(NewObjection {
            entry_id: EntryId(self.entry_id),
            kind: self.kind,
            reason: free(text("reason", self.reason, 5000)?, "reason")?,
            contact: text("contact", self.contact, 200)?,
        })
    }
}

/// A step based on a version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseVersionIn {
    /// The version the step is based on.
    #[serde(deserialize_with = "super::whole::i32")]
    pub version: i32,
}

/// A step with an answer or reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseAnswerIn {
    /// The version the step is based on.
    #[serde(deserialize_with = "super::whole::i32")]
    pub version: i32,
    /// The answer, with reasons (sent to the objector; an upheld objection's answer is published with the withdrawal).
    #[schema(min_length = 1, max_length = 5000, pattern = r"\S")]
    pub answer: String,
}

impl CaseAnswerIn {
    /// The answer, required, at most 5,000 characters.
    pub fn answer(self) -> ApiResult<(i32, String)> {
        Ok((
            self.version,
            free(text("answer", self.answer, 5000)?, "answer")?,
        ))
    }
}

/// A credit-repair application.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepairApplicationIn {
    /// The published black-list or key-attention entry to repair.
    pub entry_id: Uuid,
    /// The listed subject's name, as registered (a person's full name): with the code or ID
    /// number below it shows that the applicant is the subject (standing).
    #[schema(example = "汉中市天汉建设工程有限公司", value_type = String, required = true, min_length = 1, max_length = 200, pattern = r"\S")]
    pub subject_name: Option<String>,
    /// The listed organisation's unified social credit code (for an organisation or individual
    /// business).
    #[schema(
        example = "91610702MA6YL3K09Y",
        pattern = r"^\s*([0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{10})?\s*$"
    )]
    pub subject_uscc: Option<String>,
    /// The listed person's resident ID number (for a natural person). Checked against the
    /// stored keyed hash only; never stored with the application, returned or logged.
    #[schema(pattern = r"^\s*([0-9]{17}[0-9Xx]|[0-9]{15})?\s*$")]
    pub subject_id_number: Option<String>,
    /// The credit commitment letter (信用承诺书) is given; must be `true`.
    #[schema(value_type = bool, required = true)]
    pub commitment_letter: Option<bool>,
    /// References to uploaded files or document numbers showing the obligations were performed
    /// (1 to 20, each at most 200 characters).
    #[serde(default)]
    #[schema(example = json!(["罚款缴纳凭证 汉税罚缴〔2026〕15号", "upload:7f3c2a"]), min_items = 1, max_items = 20, required = true)]
    pub materials: Vec<String>,
    /// How the office reaches the applicant (at most 200 characters); never published.
    #[schema(example = "0916-2222222", value_type = String, required = true, min_length = 1, max_length = 200, pattern = r"\S")]
    pub contact: Option<String>,
}

impl RepairApplicationIn {
    /// The application; its fields are checked by [`Application::check`] once the entry is known
    /// to be repairable (see [`crate::services::repairs::apply`]).
    pub fn application(self) -> Application {
        Application {
            entry_id: EntryId(self.entry_id),
            standing: Standing {
                name: self.subject_name,
                uscc: self.subject_uscc,
                id_number: self.subject_id_number,
            },
            commitment_letter: self.commitment_letter,
            materials: self.materials,
            files: Vec::new(),
            contact: self.contact,
        }
    }
}

// By hand: the ID number is never printed.
impl std::fmt::Debug for RepairApplicationIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RepairApplicationIn")
            .field("entry_id", &self.entry_id)
            .field("subject_name", &self.subject_name)
            .field("subject_uscc", &self.subject_uscc)
            .field(
                "subject_id_number",
                &self.subject_id_number.as_ref().map(|_| "***"),
            )
            .field("commitment_letter", &self.commitment_letter)
            .field("materials", &self.materials)
            .field("contact", &self.contact)
            .finish()
    }
}

/// Who the applicant says the listed subject is, as sent: the name with the code (an
/// organisation) or the ID number (a person). Checked against the entry's subject by
/// [`Standing::claim`] and [`crate::services::repairs::apply`].
#[derive(Default)]
pub struct Standing {
    /// The subject's name.
    pub name: Option<String>,
    /// An organisation's code.
    pub uscc: Option<String>,
    /// A person's ID number.
    pub id_number: Option<String>,
}

// By hand: the ID number is never printed.
impl std::fmt::Debug for Standing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Standing")
            .field("name", &self.name)
            .field("uscc", &self.uscc)
            .field("id_number", &self.id_number.as_ref().map(|_| "***"))
            .finish()
    }
}

/// A subject as an applicant names it, parsed: what [`crate::services::repairs::apply`]
/// compares with the entry's subject.
pub enum Claim {
    /// An organisation or individual business: its name and code.
    Organisation {
        /// The name.
        name: String,
        /// The code.
        uscc: crate::domain::Uscc,
    },
    /// A natural person: the name and the ID number.
    Person {
        /// The name.
        name: String,
        /// The ID number.
        id_number: crate::domain::IdNumber,
    },
}

impl Standing {
    /// The claim, for an entry whose subject is a natural person (`person`) or not: the name is
    /// required, with the code for an organisation or the ID number for a person. Errors name
    /// the field, never a stored value (nor the ID number sent).
    pub fn claim(self, person: bool, today: chrono::NaiveDate) -> ApiResult<Claim> {
        let name = super::bounded(ErrorCode::InvalidCaseField, "subject_name", self.name, 200)?
            .ok_or_else(|| {
                case_field("`subject_name`: required: the listed subject's name, as registered.")
            })?;
        if person {
            let raw = trimmed(self.id_number).ok_or_else(|| {
                case_field(
                    "`subject_id_number`: required: the listed person's resident ID number shows that you are that person.",
                )
            })?;
            let id_number = crate::domain::IdNumber::parse(&raw, today).map_err(|e| {
                super::id_number_error(ErrorCode::InvalidCaseField, "subject_id_number", &e)
            })?;
            Ok(Claim::Person { name, id_number })
        } else {
            let raw = trimmed(self.uscc).ok_or_else(|| {
                case_field(
                    "`subject_uscc`: required: the listed organisation's unified social credit code.",
                )
            })?;
            let uscc = super::uscc(ErrorCode::InvalidCaseField, "subject_uscc", &raw)?;
            Ok(Claim::Organisation { name, uscc })
        }
    }
}

/// A return or a rejection: the reason is sent to the applicant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepairReasonIn {
    /// The version the step is based on.
    #[serde(deserialize_with = "super::whole::i32")]
    pub version: i32,
    /// Why (for a return: which materials are missing); shown to the applicant.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: Option<String>,
}

/// An approval, with an optional note for the applicant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepairApproveIn {
    /// The version the step is based on.
    #[serde(deserialize_with = "super::whole::i32")]
    pub version: i32,
    /// The decision's note; shown to the applicant.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Most materials one application may list.
pub const MAX_MATERIALS: usize = 20;
/// Longest reference to one material, in characters.
pub const MAX_MATERIAL_CHARS: usize = 200;
/// Longest contact, in characters.
pub const MAX_CONTACT_CHARS: usize = 200;
/// Longest reason or decision note, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// An application as the applicant sent it. Its fields are checked by [`crate::services::repairs::apply`] in the order the
/// applicant should learn of problems: first whether the entry can be repaired at all (and
/// when), then what the application lacks.
#[derive(Debug)]
pub struct Application {
    /// The entry to repair.
    pub entry_id: EntryId,
    /// Who the applicant says the listed subject is (its Debug hides the ID number).
    pub standing: Standing,
    /// Whether the credit commitment letter (信用承诺书) is given (`None`: not said).
    pub commitment_letter: Option<bool>,
    /// References to uploaded files or document numbers.
    pub materials: Vec<String>,
    /// Material files uploaded with the web form, already checked and staged
    /// ([`super::materials`]); empty for the API, whose materials are references.
    pub files: Vec<super::materials::MaterialFile>,
    /// How to reach the applicant.
    pub contact: Option<String>,
}

/// The parts of an application that were checked: material references or files (at least one
/// of either) and a contact.
#[derive(Debug)]
pub struct CheckedApplication {
    /// Up to 20 references, each trimmed and bounded.
    pub materials: Vec<String>,
    /// Up to [`super::materials::MAX_FILES`] uploaded files.
    pub files: Vec<super::materials::MaterialFile>,
    /// How to reach the applicant.
    pub contact: String,
}

fn case_field(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidCaseField, message)
}

impl Application {
    /// Checks what the application carries.
    pub fn check(self) -> ApiResult<CheckedApplication> {
        if self.commitment_letter != Some(true) {
            return Err(case_field(
                "`commitment_letter`: the credit commitment letter (信用承诺书) is required",
            ));
        }
        if self.files.len() > super::materials::MAX_FILES {
            return Err(case_field(format!(
                "`materials`: at most {} files, {} were sent.",
                super::materials::MAX_FILES,
                self.files.len()
            )));
        }
        if self.materials.is_empty() && self.files.is_empty() {
            return Err(case_field(
                "`materials`: at least one is required: references to uploaded files or document numbers showing that the obligations were performed (e.g. the receipt of the paid fine).",
            ));
        }
        if self.materials.len() > MAX_MATERIALS {
            return Err(case_field(format!(
                "`materials`: at most {MAX_MATERIALS} items, {} were sent.",
                self.materials.len()
            )));
        }
        let mut materials = Vec::with_capacity(self.materials.len());
        for (i, raw) in self.materials.into_iter().enumerate() {
            let Some(item) = trimmed(Some(raw)) else {
                return Err(case_field(format!("`materials[{i}]`: empty.")));
            };
            if item.chars().count() > MAX_MATERIAL_CHARS {
                return Err(case_field(format!(
                    "`materials[{i}]`: at most {MAX_MATERIAL_CHARS} characters."
                )));
            }
            super::free_text(&format!("materials[{i}]"), &item)?;
            materials.push(item);
        }
        let contact = trimmed(self.contact).ok_or_else(|| {
            case_field("`contact`: required; the office uses it to tell you the result.")
        })?;
        if contact.chars().count() > MAX_CONTACT_CHARS {
            return Err(case_field(format!(
                "`contact`: at most {MAX_CONTACT_CHARS} characters."
            )));
        }
        Ok(CheckedApplication {
            materials,
            files: self.files,
            contact,
        })
    }
}

/// The reason of a return or a rejection: required (it is sent to the applicant), trimmed,
/// bounded.
pub fn parse_reason(value: Option<String>) -> ApiResult<String> {
    let reason = super::bounded(ErrorCode::InvalidCaseField, "reason", value, MAX_NOTE_CHARS)?
        .ok_or_else(|| case_field("`reason`: required; it is sent to the applicant."))?;
    super::free_text("reason", &reason)?;
    Ok(reason)
}

/// The optional note of an approval, trimmed and bounded.
pub fn parse_note(value: Option<String>) -> ApiResult<Option<String>> {
    let note = super::bounded(ErrorCode::InvalidCaseField, "note", value, MAX_NOTE_CHARS)?;
    super::free_text_opt("note", note.as_deref())?;
    Ok(note)
}

/// Filters of the objection listing.
#[derive(Debug, Default, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ObjectionFilterParams {
    /// Only this state.
    pub status: Option<entity::ObjectionStatus>,
}

/// Filters of the repair-application listing.
#[derive(Debug, Default, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RepairFilterParams {
    /// Only this state.
    pub status: Option<entity::RepairStatus>,
    /// Only applications for this entry.
    pub entry_id: Option<Uuid>,
    /// `true`: only open applications past a due date today (accept, decide or notify);
    /// `false`: only the others.
    pub overdue: Option<bool>,
}

impl RepairFilterParams {
    /// The service's filter.
    pub fn filter(self) -> crate::services::repairs::RepairFilter {
        crate::services::repairs::RepairFilter {
            status: self.status,
            entry_id: self.entry_id.map(EntryId),
            overdue: self.overdue,
        }
    }
}
