//! Console logins and sessions: argon2id passwords, an optional TOTP second factor (RFC 6238),
//! per-account lock-out after repeated failures, and sessions with idle and absolute timeouts.
//! Every login, logout and failure is in the audit trail.

use super::{WriteCtx, audit};
use crate::crypto::{generate_token, token_hash};
use crate::error::{ApiError, ApiResult, ErrorCode};
use chrono::{DateTime, Duration, Utc};
use entity::{SessionId, StaffId, staff, staff_session};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

/// What a login needs, checked by the input layer.
pub struct Attempt {
    /// Login name.
    pub login: String,
    /// Password.
    pub password: String,
    /// The authenticator app's current code, if the account has a second factor.
    pub totp: Option<String>,
    /// The client address.
    pub client: String,
}

impl std::fmt::Debug for Attempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attempt")
            .field("login", &self.login)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

/// The rules a login runs under (from configuration).
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Failures in a row that lock the account.
    pub max_failures: u32,
    /// How long the lock lasts.
    pub lock: Duration,
    /// The absolute timeout of a session.
    pub lifetime: Duration,
    /// The idle timeout of a session.
    pub idle: Duration,
}

impl Policy {
    /// The policy of a configuration.
    pub fn of(config: &crate::config::Config) -> Self {
        Self {
            max_failures: config.login_max_failures,
            lock: Duration::minutes(i64::from(config.login_lock_minutes)),
            lifetime: Duration::hours(i64::from(config.session_hours)),
            idle: Duration::minutes(i64::from(config.session_idle_minutes)),
        }
    }
}

/// A session just opened: the cookie's token is shown only this once.
#[derive(Debug)]
pub struct Opened {
    /// The member.
    pub member: staff::Model,
    /// The session.
    pub session: staff_session::Model,
    /// The cookie value.
    pub token: String,
}

/// The outcome of a login. A refusal is an outcome, not an error, so that the failure's audit
/// event and failure count are committed while the request is refused.
#[derive(Debug)]
pub enum Outcome {
    /// Logged in.
    Opened(Box<Opened>),
    /// Refused with this error.
    Refused(ApiError),
}

/// The argon2id hash a missing account's password is checked against, so that an unknown login
/// takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
        let salt = SaltString::generate(&mut OsRng);
        argon2::Argon2::default()
            .hash_password(generate_token().as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

async fn password_matches(hash: Option<String>, password: String) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    tokio::task::spawn_blocking(move || {
        let real = hash.is_some();
        let hash = hash.unwrap_or_else(|| dummy_hash().to_owned());
        let ok = PasswordHash::new(&hash).is_ok_and(|h| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        });
        real && ok
    })
    .await
    .unwrap_or(false)
}

/// The RFC 6238 generator of a base32 secret: SHA-1, 6 digits, 30-second steps.
fn totp(secret_base32: &str) -> Option<totp_rs::TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret_base32.to_owned())
        .to_bytes()
        .ok()?;
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 0, 30, bytes).ok()
}

/// The 30-second time step `code` is valid for at `now` (one step of clock skew either way).
pub fn totp_step(secret_base32: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let totp = totp(secret_base32)?;
    let step = now.timestamp().div_euclid(30);
    [step, step - 1, step + 1].into_iter().find(|s| {
        u64::try_from(s * 30)
            .is_ok_and(|t| crate::crypto::constant_time_eq(&totp.generate(t), code))
    })
}

/// The current code of a secret at `now` (for tests and tools).
pub fn totp_code(secret_base32: &str, now: DateTime<Utc>) -> Option<String> {
    Some(totp(secret_base32)?.generate(u64::try_from(now.timestamp()).ok()?))
}

async fn failed(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    attempt: &Attempt,
    member: Option<&staff::Model>,
    reason: &str,
) -> ApiResult<()> {
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "staff.login_failed",
            target_type: "staff",
            target_id: member.map_or_else(
                || {
                    format!(
                        "login:{}",
                        attempt.login.chars().take(64).collect::<String>()
                    )
                },
                |m| m.id.to_string(),
            ),
            before: None,
            after: Some(
                json!({"login": attempt.login, "client": attempt.client, "reason": reason}),
            ),
            at: ctx.now,
        },
    )
    .await?;
    Ok(())
}

fn invalid() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidCredentials,
        "The login name, password or code is wrong, or the account is disabled.",
    )
}

/// Checks a login and opens a session.
pub async fn login(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    attempt: Attempt,
    policy: Policy,
) -> ApiResult<Outcome> {
    let member = staff::Entity::find()
        .filter(staff::Column::Login.eq(&attempt.login))
        .one(db)
        .await?;
    if let Some(m) = &member
        && let Some(until) = m.locked_until
        && until > ctx.now
    {
        failed(db, ctx, &attempt, Some(m), "locked").await?;
        let mut err = ApiError::new(
            ErrorCode::LoginThrottled,
            "Too many failed logins for this account; try again later.",
        );
        err.retry_after = Some(u64::try_from((until - ctx.now).num_seconds().max(1)).unwrap_or(1));
        return Ok(Outcome::Refused(err));
    }
    let hash = member.as_ref().and_then(|m| m.password_hash.clone());
    let password_ok = password_matches(hash, attempt.password.clone()).await;
    let Some(member) = member else {
        failed(db, ctx, &attempt, None, "unknown_login").await?;
        return Ok(Outcome::Refused(invalid()));
    };
    if !password_ok {
        count_failure(db, ctx, &member, policy).await?;
        failed(db, ctx, &attempt, Some(&member), "password").await?;
        return Ok(Outcome::Refused(invalid()));
    }
    if member.disabled_at.is_some() {
        failed(db, ctx, &attempt, Some(&member), "disabled").await?;
        return Ok(Outcome::Refused(invalid()));
    }
    let mut step = None;
    let secret = member
        .totp_secret
        .as_deref()
        .and_then(|s| ctx.keys.decrypt(s));
    if member.totp_required || secret.is_some() {
        let Some(secret) = secret else {
            failed(db, ctx, &attempt, Some(&member), "totp_not_set_up").await?;
            return Ok(Outcome::Refused(ApiError::new(
                ErrorCode::TotpRequired,
                "This account needs a second factor that has not been set up yet; ask an administrator.",
            )));
        };
        let Some(code) = attempt.totp.as_deref() else {
            return Ok(Outcome::Refused(ApiError::new(
                ErrorCode::TotpRequired,
                "Send the current code of your authenticator app as `totp`.",
            )));
        };
        match totp_step(&secret, code, ctx.now) {
            Some(s) if member.totp_last_step.is_none_or(|last| s > last) => step = Some(s),
            _ => {
                count_failure(db, ctx, &member, policy).await?;
                failed(db, ctx, &attempt, Some(&member), "totp").await?;
                return Ok(Outcome::Refused(invalid()));
            }
        }
    }
    let mut active: staff::ActiveModel = member.clone().into();
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    if step.is_some() {
        active.totp_last_step = Set(step);
    }
    let member = active.update(db).await?;
    let token = generate_token();
    let session = staff_session::ActiveModel {
        id: Set(SessionId::new()),
        staff_id: Set(member.id),
        token_hash: Set(token_hash(&token)),
        csrf_token: Set(generate_token()),
        client: Set(attempt.client.chars().take(64).collect()),
        created_at: Set(ctx.now),
        last_seen_at: Set(ctx.now),
        expires_at: Set(ctx.now + policy.lifetime),
        ended_at: Set(None),
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        audit::NewEvent {
            actor: &format!("staff:{}", member.id),
            action: "staff.login",
            target_type: "staff",
            target_id: member.id.to_string(),
            before: None,
            after: Some(json!({"session": session.id, "client": session.client,
                               "second_factor": step.is_some(), "expires_at": session.expires_at})),
            at: ctx.now,
        },
    )
    .await?;
    Ok(Outcome::Opened(Box::new(Opened {
        member,
        session,
        token,
    })))
}

async fn count_failure(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    member: &staff::Model,
    policy: Policy,
) -> ApiResult<()> {
    let failures = member.failed_logins.saturating_add(1);
    let mut active: staff::ActiveModel = member.clone().into();
    active.failed_logins = Set(failures);
    if u32::try_from(failures).unwrap_or(u32::MAX) >= policy.max_failures {
        active.failed_logins = Set(0);
        active.locked_until = Set(Some(ctx.now + policy.lock));
        audit::record(
            db,
            audit::NewEvent {
                actor: &ctx.actor,
                action: "staff.locked",
                target_type: "staff",
                target_id: member.id.to_string(),
                before: None,
                after: Some(json!({"until": ctx.now + policy.lock})),
                at: ctx.now,
            },
        )
        .await?;
    }
    active.update(db).await?;
    Ok(())
}

/// The member and session a session cookie belongs to, if it is open: not logged out, within
/// its absolute and idle timeouts, its member not disabled. Notes the activity (to the minute).
pub async fn current(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
    policy: Policy,
) -> ApiResult<(staff::Model, staff_session::Model)> {
    let found = staff_session::Entity::find()
        .filter(staff_session::Column::TokenHash.eq(token_hash(token)))
        .find_also_related(staff::Entity)
        .one(db)
        .await?;
    let ended = || {
        ApiError::new(
            ErrorCode::Unauthenticated,
            "The session has ended; log in again.",
        )
    };
    let Some((session, Some(member))) = found else {
        return Err(ended());
    };
    if session.ended_at.is_some() || member.disabled_at.is_some() {
        return Err(ended());
    }
    if session.expires_at <= now || session.last_seen_at + policy.idle <= now {
        return Err(ApiError::new(
            ErrorCode::CredentialExpired,
            "The session has timed out; log in again.",
        ));
    }
    if now - session.last_seen_at >= Duration::minutes(1) {
        staff_session::Entity::update_many()
            .col_expr(staff_session::Column::LastSeenAt, Expr::value(now))
            .filter(staff_session::Column::Id.eq(session.id))
            .exec(db)
            .await?;
    }
    Ok((member, session))
}

/// Ends a session (logout).
pub async fn logout(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    member: &staff::Model,
    session: SessionId,
) -> ApiResult<()> {
    staff_session::Entity::update_many()
        .col_expr(staff_session::Column::EndedAt, Expr::value(ctx.now))
        .filter(staff_session::Column::Id.eq(session))
        .filter(staff_session::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "staff.logout",
            target_type: "staff",
            target_id: member.id.to_string(),
            before: None,
            after: Some(json!({"session": session})),
            at: ctx.now,
        },
    )
    .await?;
    Ok(())
}

/// Ends every open session of a member at once (an administrator signing them out everywhere);
/// their bearer tokens are untouched. Returns how many were open. Audited even when none was,
/// so the trail shows the administrator's decision.
pub async fn end_all(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    member: StaffId,
) -> ApiResult<u64> {
    super::staff::get(db, member).await?;
    let ended = staff_session::Entity::update_many()
        .col_expr(staff_session::Column::EndedAt, Expr::value(ctx.now))
        .filter(staff_session::Column::StaffId.eq(member))
        .filter(staff_session::Column::EndedAt.is_null())
        .filter(staff_session::Column::ExpiresAt.gt(ctx.now))
        .exec(db)
        .await?
        .rows_affected;
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "staff.sessions_end",
            target_type: "staff",
            target_id: member.to_string(),
            before: None,
            after: Some(json!({"sessions_ended": ended})),
            at: ctx.now,
        },
    )
    .await?;
    Ok(ended)
}

/// A member's sessions still open at `now` (not ended, within both timeouts), newest first.
pub async fn open_of(
    db: &impl ConnectionTrait,
    member: StaffId,
    now: DateTime<Utc>,
    policy: Policy,
) -> Result<Vec<staff_session::Model>, sea_orm::DbErr> {
    use sea_orm::QueryOrder;
    let sessions = staff_session::Entity::find()
        .filter(staff_session::Column::StaffId.eq(member))
        .filter(staff_session::Column::EndedAt.is_null())
        .filter(staff_session::Column::ExpiresAt.gt(now))
        .order_by_desc(staff_session::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(sessions
        .into_iter()
        .filter(|s| s.last_seen_at + policy.idle > now)
        .collect())
}

/// When each member last logged in to the console (the newest session they opened).
pub async fn last_logins(
    db: &impl ConnectionTrait,
) -> Result<std::collections::HashMap<StaffId, DateTime<Utc>>, sea_orm::DbErr> {
    use sea_orm::QuerySelect;
    let rows: Vec<(StaffId, DateTime<Utc>)> = staff_session::Entity::find()
        .select_only()
        .column(staff_session::Column::StaffId)
        .column_as(staff_session::Column::CreatedAt.max(), "last_login")
        .group_by(staff_session::Column::StaffId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
