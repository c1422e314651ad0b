//! `/api/v1/office/staff`: administrators manage staff members — their console logins, second
//! factor, role and disabled state.

use crate::error::{ApiResult, ErrorBody};
use crate::http::extract::{Admin, Json, Office, Path};
use crate::input::staff::{StaffIn, StaffPatch};
use crate::services::staff;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use entity::{StaffId, StaffRole};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// A staff member; `token` is present only in the answer to its creation.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffOut {
    /// Id (the audit actor is `staff:<id>`).
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: StaffRole,
    /// Console login name, if the member has one.
    pub login: Option<String>,
    /// Whether a TOTP second factor is set up.
    pub totp_enabled: bool,
    /// Whether an administrator requires it.
    pub totp_required: bool,
    /// The initial bearer token, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Disabled at; disabled members authenticate nobody.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Version, for changes.
    pub version: i32,
}

impl From<entity::staff::Model> for StaffOut {
    fn from(m: entity::staff::Model) -> Self {
        Self {
            id: m.id.0,
            name: m.name,
            role: m.role,
            login: m.login,
            totp_enabled: m.totp_secret.is_some(),
            totp_required: m.totp_required,
            token: None,
            created_at: m.created_at,
            disabled_at: m.disabled_at,
            version: m.version,
        }
    }
}

/// A new TOTP secret, shown once: enter it (or the `otpauth` URL as a QR code) in an
/// authenticator app.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotpOut {
    /// The member.
    pub staff: StaffOut,
    /// The secret, base32.
    pub secret: String,
    /// The `otpauth://` URL of the secret.
    pub otpauth_url: String,
}

/// Create a staff member with an initial bearer token, and a console login if given (admins
/// only).
#[utoipa::path(post, path = "/api/v1/office/staff", tag = "office", request_body = StaffIn,
    responses((status = 201, body = StaffOut)),
    security(("bearer" = [])))]
async fn create_staff(
    State(state): State<AppState>,
    me: Office<Admin>,
    Json(input): Json<StaffIn>,
) -> ApiResult<(StatusCode, Json<StaffOut>)> {
    let new = input.parse(state.clock.now(), state.config.token_days)?;
    let (model, token) = state
        .write(me.actor(), async |txn, ctx| {
            staff::create(txn, ctx, new).await
        })
        .await?;
    let mut out = StaffOut::from(model);
    out.token = Some(token);
    Ok((StatusCode::CREATED, Json(out)))
}

/// List staff members (admins only).
#[utoipa::path(get, path = "/api/v1/office/staff", tag = "office",
    responses((status = 200, body = Vec<StaffOut>)),
    security(("bearer" = [])))]
async fn list_staff(
    State(state): State<AppState>,
    _me: Office<Admin>,
) -> ApiResult<Json<Vec<StaffOut>>> {
    let members = staff::list(&state.db).await?;
    Ok(Json(members.into_iter().map(Into::into).collect()))
}

/// Change a staff member (admins only): name, role, login and password, whether the second
/// factor is required, or disable them — which ends their sessions and revokes their tokens at
/// once.
#[utoipa::path(patch, path = "/api/v1/office/staff/{id}", tag = "office",
    params(("id" = Uuid, Path, description = "Staff id")), request_body = StaffPatch,
    responses((status = 200, body = StaffOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_staff(
    State(state): State<AppState>,
    me: Office<Admin>,
    Path(id): Path<StaffId>,
    Json(input): Json<StaffPatch>,
) -> ApiResult<Json<StaffOut>> {
    let (version, change) = input.parse()?;
    let by = me.id();
    let model = state
        .write(me.actor(), async |txn, ctx| {
            staff::update(txn, ctx, by, id, version, change).await
        })
        .await?;
    Ok(Json(model.into()))
}

/// Set up a new TOTP second factor for a staff member (admins only); the secret is shown once
/// and replaces any earlier one.
#[utoipa::path(put, path = "/api/v1/office/staff/{id}/totp", tag = "office",
    params(("id" = Uuid, Path, description = "Staff id")),
    responses((status = 200, body = TotpOut), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn set_totp(
    State(state): State<AppState>,
    me: Office<Admin>,
    Path(id): Path<StaffId>,
) -> ApiResult<Json<TotpOut>> {
    let (model, secret) = state
        .write(me.actor(), async |txn, ctx| {
            staff::set_totp(txn, ctx, id).await
        })
        .await?;
    let account = model.login.clone().unwrap_or_else(|| model.id.to_string());
    let otpauth_url = format!(
        "otpauth://totp/Xinyong:{}?secret={secret}&issuer=Xinyong&algorithm=SHA1&digits=6&period=30",
        percent_encoding::utf8_percent_encode(&account, ACCOUNT)
    );
    Ok(Json(TotpOut {
        staff: model.into(),
        secret,
        otpauth_url,
    }))
}

/// What the account label of an `otpauth` URL escapes.
const ACCOUNT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'_')
    .remove(b'-');

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_staff, list_staff))
        .routes(routes!(update_staff))
        .routes(routes!(set_totp))
}
