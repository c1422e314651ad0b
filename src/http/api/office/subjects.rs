//! `/api/v1/office/subjects`: create, read, update and list credit subjects.

use crate::db::begin_write;
use crate::domain::{IdNumber, RegionCode, SubjectKind, Uscc};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::http::api::Paginated;
use crate::http::extract::{Json, PageParams, Path, Query, Staff};
use crate::services::subjects::{self, NewSubject, SubjectChanges, SubjectFilter};
use crate::state::AppState;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{StaffRole, SubjectId, subject};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use validator::Validate;

/// A new credit subject.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectIn {
    /// `legal_person`, `other_organisation`, `individual_business` or `natural_person`.
    #[schema(example = "legal_person")]
    pub kind: String,
    /// Registered name, or a natural person's name.
    #[schema(example = "汉中市天汉建设工程有限公司")]
    pub name: String,
    /// Unified social credit code; required except for natural persons.
    #[schema(example = "91610702MA6YL3K09Y")]
    pub uscc: Option<String>,
    /// Resident ID number; natural persons only. Never returned or logged in clear.
    pub id_number: Option<String>,
    /// 法定代表人; organisations only.
    pub legal_representative: Option<String>,
    /// GB/T 2260 division code; taken from the code or ID number when omitted.
    #[schema(example = "610702")]
    pub region_code: Option<String>,
    /// Address; organisations only.
    pub address: Option<String>,
}

/// A partial update. The kind, code and ID number identify a subject and cannot change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectPatch {
    /// The version this change is based on; a stale one is refused with 409.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New legal representative (`null` clears it).
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub legal_representative: Option<Option<String>>,
    /// New division code.
    pub region_code: Option<String>,
    /// New address (`null` clears it).
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
}

/// A subject as the office sees it. A natural person's ID number appears only masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectOut {
    /// Opaque id.
    pub id: Uuid,
    /// Kind.
    #[schema(example = "legal_person")]
    pub kind: entity::SubjectKind,
    /// Name.
    pub name: String,
    /// Unified social credit code.
    pub uscc: Option<String>,
    /// A checksum warning stored with a partner-supplied code.
    pub uscc_warning: Option<String>,
    /// Masked ID number (natural persons).
    #[schema(example = "610702********0018")]
    pub id_number_masked: Option<String>,
    /// 法定代表人
    pub legal_representative: Option<String>,
    /// Division code.
    pub region_code: String,
    /// Division name, where known.
    pub region_name: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Current version; send it back with an update.
    pub version: i32,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl From<subject::Model> for SubjectOut {
    fn from(s: subject::Model) -> Self {
        let region_name = RegionCode::parse(&s.region_code)
            .ok()
            .and_then(|r| r.name())
            .map(str::to_owned);
        Self {
            id: s.id.0,
            kind: s.kind,
            name: s.name,
            uscc: s.uscc,
            uscc_warning: s.uscc_warning,
            id_number_masked: s.id_number_masked,
            legal_representative: s.legal_representative,
            region_code: s.region_code,
            region_name,
            address: s.address,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// Filters of the subject listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SubjectListParams {
    /// Page number.
    #[validate(range(min = 1, max = 10000))]
    pub page: Option<u64>,
    /// Page size.
    #[validate(range(min = 1, max = 100))]
    pub per_page: Option<u64>,
    /// Only this kind.
    pub kind: Option<entity::SubjectKind>,
    /// Name contains, or code equals.
    pub q: Option<String>,
}

/// Text of at most `max` characters, trimmed; empty is `None`.
pub fn optional_text(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
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
    RegionCode::parse(code).map_err(|e| {
        ApiError::field(
            ErrorCode::InvalidSubjectRegion,
            "region_code",
            code,
            format!("is not a division code: {e}"),
        )
    })
}

/// Parses the wire form into a command: every rule of DOMAIN.md §1 and §2.1 is checked here.
pub fn parse_subject(input: SubjectIn, today: NaiveDate) -> ApiResult<NewSubject> {
    parse_subject_from(input, today, false)
}

/// [`parse_subject`] for a source that may send early pilot-area codes: from an authenticated
/// partner (`trusted_source`), a checksum failure is a warning kept with the record, not a
/// rejection (DOMAIN.md §1.1).
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
    let uscc = match optional_text(input.uscc) {
        None => None,
        Some(raw) => {
            let invalid = |e: crate::domain::UsccError| {
                ApiError::field(
                    ErrorCode::InvalidSubjectUscc,
                    "uscc",
                    &raw,
                    format!("is not a valid unified social credit code: {e}"),
                )
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
    let address = optional_text(input.address);
    let legal_representative = optional_text(input.legal_representative);
    let id_number = match (kind, optional_text(input.id_number)) {
        (SubjectKind::NaturalPerson, None) => {
            return Err(ApiError::new(
                ErrorCode::InvalidSubjectIdNumber,
                "`id_number`: required for a natural person.",
            ));
        }
        (SubjectKind::NaturalPerson, Some(raw)) => {
            // The value is deliberately not echoed: a clear ID number must never reach a
            // response or a log.
            let n = IdNumber::parse(&raw, today).map_err(|e| {
                ApiError::new(
                    ErrorCode::InvalidSubjectIdNumber,
                    format!("`id_number`: not a valid resident ID number: {e}."),
                )
            })?;
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
    let region = match optional_text(input.region_code) {
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

fn parse_patch(p: SubjectPatch) -> ApiResult<SubjectChanges> {
    Ok(SubjectChanges {
        version: p.version,
        name: p.name.as_deref().map(parse_name).transpose()?,
        legal_representative: p.legal_representative.map(optional_text),
        region: p.region_code.as_deref().map(parse_region).transpose()?,
        address: p.address.map(optional_text),
    })
}

/// Create a subject.
#[utoipa::path(post, path = "/api/v1/office/subjects", tag = "office",
    request_body = SubjectIn,
    responses((status = 201, body = SubjectOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create(
    state: axum::extract::State<AppState>,
    staff: Staff,
    Json(input): Json<SubjectIn>,
) -> ApiResult<(StatusCode, Json<SubjectOut>)> {
    staff.require(&[StaffRole::Editor])?;
    let cmd = parse_subject(input, state.clock.today())?;
    let txn = begin_write(&state.db).await?;
    let model = subjects::create(&txn, &state.write_ctx(staff.actor()), cmd).await?;
    txn.commit().await?;
    tracing::info!(subject.id = %model.id, "subject created");
    Ok((StatusCode::CREATED, Json(model.into())))
}

/// Read a subject.
#[utoipa::path(get, path = "/api/v1/office/subjects/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Subject id")),
    responses((status = 200, body = SubjectOut), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn read(
    state: axum::extract::State<AppState>,
    _staff: Staff,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<SubjectOut>> {
    Ok(Json(subjects::get(&state.db, SubjectId(id)).await?.into()))
}

/// Update a subject (optimistic concurrency: send the version you read).
#[utoipa::path(patch, path = "/api/v1/office/subjects/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Subject id")),
    request_body = SubjectPatch,
    responses((status = 200, body = SubjectOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update(
    state: axum::extract::State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Json(patch): Json<SubjectPatch>,
) -> ApiResult<Json<SubjectOut>> {
    staff.require(&[StaffRole::Editor])?;
    let changes = parse_patch(patch)?;
    let txn = begin_write(&state.db).await?;
    let model = subjects::update(
        &txn,
        &state.write_ctx(staff.actor()),
        SubjectId(id),
        changes,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(model.into()))
}

/// List subjects, newest first.
#[utoipa::path(get, path = "/api/v1/office/subjects", tag = "office",
    params(SubjectListParams),
    responses((status = 200, body = Paginated<SubjectOut>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list(
    state: axum::extract::State<AppState>,
    _staff: Staff,
    Query(params): Query<SubjectListParams>,
) -> ApiResult<Json<Paginated<SubjectOut>>> {
    let page = PageParams {
        page: params.page,
        per_page: params.per_page,
    }
    .page();
    let (items, total) = subjects::list(
        &state.db,
        SubjectFilter {
            kind: params.kind,
            q: params.q,
        },
        page,
    )
    .await?;
    Ok(Json(Paginated::new(
        items.into_iter().map(Into::into).collect(),
        page,
        total,
    )))
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(read, update))
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
