//! Staff members, their bearer tokens and the bootstrap admin. Logins and console sessions are in
//! [`super::sessions`].

use super::{WriteCtx, audit};
use crate::crypto::{generate_token, token_hash};
use crate::error::{ApiError, ApiResult, ErrorCode};
use chrono::{DateTime, Duration, Utc};
use entity::{StaffId, StaffRole, StaffTokenId, staff, staff_session, staff_token};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};

/// A new staff member, checked by the input layer.
#[derive(Clone)]
pub struct NewStaff {
    /// Display name.
    pub name: String,
    /// Role.
    pub role: StaffRole,
    /// Console login name and password, if the member logs in to the console.
    pub login: Option<(String, String)>,
    /// Whether the second factor is required.
    pub totp_required: bool,
    /// When the initial bearer token expires.
    pub token_expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for NewStaff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewStaff")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("login", &self.login.as_ref().map(|(l, _)| l))
            .finish_non_exhaustive()
    }
}

/// A change to a staff member by an administrator, checked by the input layer.
#[derive(Default)]
pub struct StaffChange {
    /// New display name.
    pub name: Option<String>,
    /// New role.
    pub role: Option<StaffRole>,
    /// Disable (`true`) or enable again (`false`).
    pub disabled: Option<bool>,
    /// Require the second factor, or not.
    pub totp_required: Option<bool>,
    /// New login name and password.
    pub login: Option<(String, String)>,
}

/// The audit view of a member: never a hash or a secret.
pub fn audit_view(m: &staff::Model) -> Value {
    json!({"id": m.id, "name": m.name, "role": m.role, "login": m.login,
           "totp": m.totp_secret.is_some(), "totp_required": m.totp_required,
           "disabled_at": m.disabled_at, "version": m.version})
}

fn token_view(t: &staff_token::Model) -> Value {
    json!({"id": t.id, "staff_id": t.staff_id, "name": t.name, "bootstrap": t.bootstrap,
           "expires_at": t.expires_at, "revoked_at": t.revoked_at})
}

/// The argon2id PHC string of a password (run off the async threads: it is slow on purpose).
pub async fn hash_password(password: String) -> ApiResult<String> {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ApiError::internal(format!("argon2: {e}")))
    })
    .await
    .map_err(|e| ApiError::internal(format!("argon2 task: {e}")))?
}

/// Creates a staff member with an initial bearer token, which is returned and shown only once.
pub async fn create(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    new: NewStaff,
) -> ApiResult<(staff::Model, String)> {
    let (login, password_hash) = match new.login {
        Some((login, password)) => {
            ensure_login_free(db, &login, None).await?;
            (Some(login), Some(hash_password(password).await?))
        }
        None => (None, None),
    };
    let mut active = new_member(new.name, new.role, ctx.now);
    active.login = Set(login);
    active.password_hash = Set(password_hash);
    active.totp_required = Set(new.totp_required);
    let model = active.insert(db).await?;
    let token = generate_token();
    let initial = store_token(
        db,
        ctx,
        model.id,
        "initial",
        &token,
        Some(new.token_expires_at),
        false,
    )
    .await?;
    let mut after = audit_view(&model);
    after["token"] = token_view(&initial);
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "staff.create",
            target_type: "staff",
            target_id: model.id.to_string(),
            before: None,
            after: Some(after),
            at: ctx.now,
        },
    )
    .await?;
    Ok((model, token))
}

/// A new enabled member with no login, no second factor and no failures.
fn new_member(name: String, role: StaffRole, now: DateTime<Utc>) -> staff::ActiveModel {
    staff::ActiveModel {
        id: Set(StaffId::new()),
        name: Set(name),
        role: Set(role),
        login: Set(None),
        password_hash: Set(None),
        totp_secret: Set(None),
        totp_required: Set(false),
        totp_last_step: Set(None),
        failed_logins: Set(0),
        locked_until: Set(None),
        created_at: Set(now),
        disabled_at: Set(None),
        version: Set(1),
    }
}

async fn ensure_login_free(
    db: &impl ConnectionTrait,
    login: &str,
    except: Option<StaffId>,
) -> ApiResult<()> {
    let taken = staff::Entity::find()
        .filter(staff::Column::Login.eq(login))
        .one(db)
        .await?;
    match taken {
        Some(other) if Some(other.id) != except => Err(ApiError::new(
            ErrorCode::InvalidStaffField,
            "`login`: another staff member has this login name.",
        )),
        _ => Ok(()),
    }
}

async fn insert_token(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    staff_id: StaffId,
    name: &str,
    token: &str,
    expires_at: Option<DateTime<Utc>>,
    bootstrap: bool,
) -> ApiResult<staff_token::Model> {
    let model = store_token(db, ctx, staff_id, name, token, expires_at, bootstrap).await?;
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "token.issue",
            target_type: "staff_token",
            target_id: model.id.to_string(),
            before: None,
            after: Some(token_view(&model)),
            at: ctx.now,
        },
    )
    .await?;
    Ok(model)
}

async fn store_token(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    staff_id: StaffId,
    name: &str,
    token: &str,
    expires_at: Option<DateTime<Utc>>,
    bootstrap: bool,
) -> ApiResult<staff_token::Model> {
    let model = staff_token::ActiveModel {
        id: Set(StaffTokenId::new()),
        staff_id: Set(staff_id),
        name: Set(name.to_owned()),
        token_hash: Set(token_hash(token)),
        bootstrap: Set(bootstrap),
        created_at: Set(ctx.now),
        expires_at: Set(expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(model)
}

/// Issues a new bearer token to a member; returns it with the token, shown only this once.
pub async fn issue_token(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    staff_id: StaffId,
    name: &str,
    expires_at: DateTime<Utc>,
) -> ApiResult<(staff_token::Model, String)> {
    let member = get(db, staff_id).await?;
    if member.disabled_at.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidStaffField,
            "The staff member is disabled; enable them before issuing a token.",
        ));
    }
    let token = generate_token();
    let model = insert_token(db, ctx, staff_id, name, &token, Some(expires_at), false).await?;
    Ok((model, token))
}

/// Revokes a token at once. `owner`, when given, must own it (staff revoking their own).
pub async fn revoke_token(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: StaffTokenId,
    owner: Option<StaffId>,
) -> ApiResult<staff_token::Model> {
    let before = staff_token::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|t| owner.is_none_or(|o| t.staff_id == o))
        .ok_or_else(|| {
            ApiError::new(ErrorCode::TokenNotFound, format!("Token `{id}` not found."))
        })?;
    if before.revoked_at.is_some() {
        return Ok(before);
    }
    let mut active: staff_token::ActiveModel = before.into();
    active.revoked_at = Set(Some(ctx.now));
    let after = active.update(db).await?;
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "token.revoke",
            target_type: "staff_token",
            target_id: id.to_string(),
            before: None,
            after: Some(token_view(&after)),
            at: ctx.now,
        },
    )
    .await?;
    Ok(after)
}

/// Tokens, newest first: one member's, or everyone's.
pub async fn tokens(
    db: &impl ConnectionTrait,
    staff_id: Option<StaffId>,
) -> Result<Vec<staff_token::Model>, DbErr> {
    let mut query = staff_token::Entity::find().order_by_desc(staff_token::Column::CreatedAt);
    if let Some(id) = staff_id {
        query = query.filter(staff_token::Column::StaffId.eq(id));
    }
    query.all(db).await
}

/// A member by id.
pub async fn get(db: &impl ConnectionTrait, id: StaffId) -> ApiResult<staff::Model> {
    staff::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::StaffNotFound, format!("Staff `{id}` not found.")))
}

/// Changes a member at `version`. Disabling ends every session and revokes every token of the
/// member at once; an administrator cannot disable or demote themselves, nor the last admin.
pub async fn update(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    by: StaffId,
    id: StaffId,
    version: i32,
    change: StaffChange,
) -> ApiResult<staff::Model> {
    let before = get(db, id).await?;
    if before.version != version {
        return Err(ApiError::new(
            ErrorCode::StaffVersionConflict,
            format!(
                "Staff `{id}` is at version {}, not {version}; read it again.",
                before.version
            ),
        ));
    }
    let disabling = change.disabled == Some(true) && before.disabled_at.is_none();
    let demoting = change.role.is_some_and(|r| r != StaffRole::Admin);
    if before.role == StaffRole::Admin && (disabling || demoting) {
        if id == by {
            return Err(ApiError::new(
                ErrorCode::LastAdmin,
                "An administrator cannot disable or demote themselves.",
            ));
        }
        let admins = staff::Entity::find()
            .filter(staff::Column::Role.eq(StaffRole::Admin))
            .filter(staff::Column::DisabledAt.is_null())
            .count(db)
            .await?;
        if admins <= 1 {
            return Err(ApiError::new(
                ErrorCode::LastAdmin,
                "This is the last active administrator.",
            ));
        }
    }
    let mut active: staff::ActiveModel = before.clone().into();
    if let Some(name) = change.name {
        active.name = Set(name);
    }
    if let Some(role) = change.role {
        active.role = Set(role);
    }
    if let Some(required) = change.totp_required {
        active.totp_required = Set(required);
    }
    if let Some((login, password)) = change.login {
        ensure_login_free(db, &login, Some(id)).await?;
        active.login = Set(Some(login));
        active.password_hash = Set(Some(hash_password(password).await?));
        active.failed_logins = Set(0);
        active.locked_until = Set(None);
    }
    match change.disabled {
        Some(true) if before.disabled_at.is_none() => active.disabled_at = Set(Some(ctx.now)),
        Some(false) => active.disabled_at = Set(None),
        _ => {}
    }
    active.version = Set(before.version + 1);
    let after = active.update(db).await?;
    if disabling {
        end_credentials(db, id, ctx.now).await?;
    }
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: if disabling {
                "staff.disable"
            } else {
                "staff.update"
            },
            target_type: "staff",
            target_id: id.to_string(),
            before: Some(audit_view(&before)),
            after: Some(audit_view(&after)),
            at: ctx.now,
        },
    )
    .await?;
    Ok(after)
}

/// Ends the sessions and revokes the tokens of a member.
async fn end_credentials(
    db: &impl ConnectionTrait,
    id: StaffId,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    staff_token::Entity::update_many()
        .col_expr(staff_token::Column::RevokedAt, Expr::value(now))
        .filter(staff_token::Column::StaffId.eq(id))
        .filter(staff_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    staff_session::Entity::update_many()
        .col_expr(staff_session::Column::EndedAt, Expr::value(now))
        .filter(staff_session::Column::StaffId.eq(id))
        .filter(staff_session::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Gives a member a new TOTP secret (sealed at rest) and returns it, base32, shown only once.
pub async fn set_totp(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: StaffId,
) -> ApiResult<(staff::Model, String)> {
    use rand::RngCore;
    let before = get(db, id).await?;
    let mut raw = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let secret = totp_rs::Secret::Raw(raw.to_vec()).to_encoded().to_string();
    let mut active: staff::ActiveModel = before.clone().into();
    active.totp_secret = Set(Some(ctx.keys.encrypt(&secret)));
    active.totp_last_step = Set(None);
    active.version = Set(before.version + 1);
    let after = active.update(db).await?;
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "staff.totp_set",
            target_type: "staff",
            target_id: id.to_string(),
            before: Some(audit_view(&before)),
            after: Some(audit_view(&after)),
            at: ctx.now,
        },
    )
    .await?;
    Ok((after, secret))
}

/// Makes sure the configured bootstrap admin token can log in. A changed token replaces the
/// previous one: the old bootstrap token is revoked and the new one given to the same member,
/// so rotating `XINYONG_ADMIN_TOKEN` never adds a second admin nor keeps the old token valid.
pub async fn ensure_bootstrap_admin(
    db: &sea_orm::DatabaseConnection,
    keys: &crate::crypto::Keys,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let hash = token_hash(token);
    let current = staff_token::Entity::find()
        .filter(staff_token::Column::TokenHash.eq(&hash))
        .one(db)
        .await?;
    if current
        .as_ref()
        .is_some_and(|t| t.bootstrap && t.revoked_at.is_none())
    {
        return Ok(());
    }
    if current.is_some() {
        // The configured value is (or was) an ordinary or revoked token: refuse to resurrect it.
        tracing::warn!(
            "XINYONG_ADMIN_TOKEN is a token that was revoked or belongs to a staff member; it was not made the bootstrap token"
        );
        return Ok(());
    }
    let txn = crate::db::begin_write(db).await?;
    let previous = staff_token::Entity::find()
        .filter(staff_token::Column::Bootstrap.eq(true))
        .order_by_desc(staff_token::Column::CreatedAt)
        .all(&txn)
        .await?;
    let ctx = WriteCtx {
        actor: "system".into(),
        now,
        today: now
            .with_timezone(&crate::clock::china_offset())
            .date_naive(),
        keys,
    };
    let member = match previous.first() {
        Some(t) => t.staff_id,
        None => {
            let model = new_member("bootstrap admin".into(), StaffRole::Admin, now)
                .insert(&txn)
                .await?;
            model.id
        }
    };
    for old in previous.iter().filter(|t| t.revoked_at.is_none()) {
        revoke_token(&txn, &ctx, old.id, None)
            .await
            .map_err(|e| DbErr::Custom(e.message))?;
    }
    // The first bootstrap token is provisioning, not an event; a rotation is audited.
    if previous.is_empty() {
        store_token(&txn, &ctx, member, "bootstrap", token, None, true).await
    } else {
        insert_token(&txn, &ctx, member, "bootstrap", token, None, true).await
    }
    .map_err(|e| DbErr::Custom(e.message))?;
    txn.commit().await
}

/// The member and token a bearer token belongs to, if it is valid: not revoked, not expired,
/// its member not disabled. Counts the use (to the minute).
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> ApiResult<(staff::Model, staff_token::Model)> {
    let found = staff_token::Entity::find()
        .filter(staff_token::Column::TokenHash.eq(token_hash(token)))
        .find_also_related(staff::Entity)
        .one(db)
        .await?;
    let invalid = || {
        ApiError::new(
            ErrorCode::Unauthenticated,
            "The token is not valid or has been revoked.",
        )
    };
    let Some((token, Some(member))) = found else {
        return Err(invalid());
    };
    if token.revoked_at.is_some() || member.disabled_at.is_some() {
        return Err(invalid());
    }
    if token.expires_at.is_some_and(|at| at <= now) {
        return Err(ApiError::new(
            ErrorCode::CredentialExpired,
            "The token has expired; ask for a new one.",
        ));
    }
    if token
        .last_used_at
        .is_none_or(|at| now - at >= Duration::minutes(1))
    {
        staff_token::Entity::update_many()
            .col_expr(staff_token::Column::LastUsedAt, Expr::value(now))
            .filter(staff_token::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    Ok((member, token))
}

/// Every staff member, oldest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<staff::Model>, DbErr> {
    staff::Entity::find()
        .order_by_asc(staff::Column::CreatedAt)
        .all(db)
        .await
}
