//! Partner agencies and their API keys: registered by the office; keys are scoped, shown once,
//! stored hashed, revocable at once, rate-limited and counted.

use super::{Page, WriteCtx, audit};
use crate::crypto::token_hash;
use crate::db::is_unique_violation;
use crate::domain::Uscc;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::agencies::{Authority, NewAgency};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use entity::{AgencyId, ApiKeyId, agency, agency_authority, api_key};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};
use std::collections::HashMap;

/// What a key may do.
pub const SCOPES: &[&str] = &["entries:submit", "screen", "changes:read"];

/// Registers an agency with the deciding authorities it may submit under.
pub async fn create(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    new: NewAgency,
) -> ApiResult<agency::Model> {
    let model = agency::ActiveModel {
        id: Set(AgencyId::new()),
        name: Set(new.name),
        uscc: Set(new.uscc.into()),
        trusted: Set(new.trusted),
        version: Set(1),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
    }
    .insert(db)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            ApiError::new(
                ErrorCode::AgencyAlreadyExists,
                "An agency with this code is already registered.",
            )
        } else {
            e.into()
        }
    })?;
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "agency.create",
            target_type: "agency",
            target_id: model.id.to_string(),
            before: None,
            after: Some(json!({"id": model.id, "name": model.name, "uscc": model.uscc, "trusted": model.trusted,
                "authorities": authorities_view(&new.authorities)})),
            at: ctx.now,
        },
    )
    .await?;
    insert_authorities(db, model.id, new.authorities).await?;
    Ok(model)
}

fn authorities_view(list: &[Authority]) -> Value {
    list.iter()
        .map(|a| json!({"name": a.name, "uscc": a.uscc.as_ref().map(Uscc::as_str)}))
        .collect()
}

async fn insert_authorities(
    db: &impl ConnectionTrait,
    agency: AgencyId,
    list: Vec<Authority>,
) -> ApiResult<()> {
    if list.is_empty() {
        return Ok(());
    }
    agency_authority::Entity::insert_many(list.into_iter().map(|a| {
        agency_authority::ActiveModel {
            agency_id: Set(agency),
            name: Set(a.name),
            uscc: Set(a.uscc.map(String::from)),
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The deciding authorities `agency` may submit under, by name.
pub async fn authorities(
    db: &impl ConnectionTrait,
    agency: AgencyId,
) -> ApiResult<Vec<agency_authority::Model>> {
    Ok(agency_authority::Entity::find()
        .filter(agency_authority::Column::AgencyId.eq(agency))
        .order_by_asc(agency_authority::Column::Name)
        .all(db)
        .await?)
}

/// The authorities of several agencies, by agency.
pub async fn authorities_of(
    db: &impl ConnectionTrait,
    agencies: &[AgencyId],
) -> ApiResult<HashMap<AgencyId, Vec<agency_authority::Model>>> {
    let mut found: HashMap<AgencyId, Vec<agency_authority::Model>> = HashMap::new();
    for a in agency_authority::Entity::find()
        .filter(agency_authority::Column::AgencyId.is_in(agencies.iter().copied()))
        .order_by_asc(agency_authority::Column::Name)
        .all(db)
        .await?
    {
        found.entry(a.agency_id).or_default().push(a);
    }
    Ok(found)
}

/// Replaces the deciding authorities of an agency (the next version of the agency, audited).
/// Records already submitted stay as they are; from now on only these names are accepted.
pub async fn set_authorities(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: AgencyId,
    version: i32,
    list: Vec<Authority>,
) -> ApiResult<agency::Model> {
    let before = get(db, id).await?;
    if before.version != version {
        return Err(super::subjects::stale(
            ErrorCode::AgencyVersionConflict,
            "Agency",
            id,
            version,
            before.version,
        ));
    }
    let old = authorities(db, id).await?;
    super::write_next_version(
        db,
        &VERSIONED,
        <agency::ActiveModel as Default>::default(),
        (id, version),
        ctx.now,
        ApiError::from,
    )
    .await?;
    agency_authority::Entity::delete_many()
        .filter(agency_authority::Column::AgencyId.eq(id))
        .exec(db)
        .await?;
    let after = authorities_view(&list);
    insert_authorities(db, id, list).await?;
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "agency.authorities",
            target_type: "agency",
            target_id: id.to_string(),
            before: Some(json!({"authorities": old.iter()
                .map(|a| json!({"name": a.name, "uscc": a.uscc})).collect::<Vec<_>>()})),
            after: Some(json!({ "authorities": after })),
            at: ctx.now,
        },
    )
    .await?;
    get(db, id).await
}

const VERSIONED: super::Versioned<agency::Column> = super::Versioned {
    id: agency::Column::Id,
    version: agency::Column::Version,
    updated_at: agency::Column::UpdatedAt,
    conflict: ErrorCode::AgencyVersionConflict,
    what: "Agency",
};

/// Reads an agency.
pub async fn get(db: &impl ConnectionTrait, id: AgencyId) -> ApiResult<agency::Model> {
    agency::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::AgencyNotFound,
                format!("Agency `{id}` not found."),
            )
        })
}

/// One page of agencies, oldest first.
pub async fn list(db: &impl ConnectionTrait, page: Page) -> ApiResult<(Vec<agency::Model>, u64)> {
    let paginator = agency::Entity::find()
        .order_by_asc(agency::Column::CreatedAt)
        .paginate(db, page.per_page);
    let total = paginator.num_items().await?;
    Ok((
        paginator.fetch_page(page.page.saturating_sub(1)).await?,
        total,
    ))
}

fn new_key() -> String {
    use rand::RngCore;
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    format!(
        "xyk_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    )
}

/// Issues a key; returns it with the key itself, which is shown only this once.
pub async fn issue_key(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    agency: AgencyId,
    new: crate::input::agencies::NewKey,
) -> ApiResult<(api_key::Model, String)> {
    get(db, agency).await?;
    let key = new_key();
    let model = api_key::ActiveModel {
        id: Set(ApiKeyId::new()),
        agency_id: Set(agency),
        name: Set(new.name),
        key_hash: Set(token_hash(&key)),
        scopes: Set(new.scopes.join(",")),
        rate_limit_per_minute: Set(new.rate_limit_per_minute),
        usage_count: Set(0),
        last_used_at: Set(None),
        created_at: Set(ctx.now),
        revoked_at: Set(None),
        expires_at: Set(Some(ctx.now + chrono::Duration::days(new.valid_days))),
        daily_quota: Set(new.daily_quota),
        quota_day: Set(None),
        quota_used: Set(0),
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "key.issue",
            target_type: "api_key",
            target_id: model.id.to_string(),
            before: None,
            after: Some(json!({"id": model.id, "agency_id": model.agency_id, "name": model.name, "scopes": model.scopes,
                               "rate_limit_per_minute": model.rate_limit_per_minute,
                               "expires_at": model.expires_at, "daily_quota": model.daily_quota})),
            at: ctx.now,
        },
    )
    .await?;
    Ok((model, key))
}

/// The keys of an agency, oldest first.
pub async fn keys(db: &impl ConnectionTrait, agency: AgencyId) -> ApiResult<Vec<api_key::Model>> {
    Ok(api_key::Entity::find()
        .filter(api_key::Column::AgencyId.eq(agency))
        .order_by_asc(api_key::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Revokes a key: from this moment it authenticates nobody.
pub async fn revoke_key(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: ApiKeyId,
) -> ApiResult<api_key::Model> {
    let before = api_key::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::KeyNotFound, format!("Key `{id}` not found.")))?;
    if before.revoked_at.is_some() {
        return Ok(before);
    }
    let mut active: api_key::ActiveModel = before.clone().into();
    active.revoked_at = Set(Some(ctx.now));
    let after = active.update(db).await?;
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "key.revoke",
            target_type: "api_key",
            target_id: id.to_string(),
            before: None,
            after: Some(json!({"id": id, "revoked_at": after.revoked_at})),
            at: ctx.now,
        },
    )
    .await?;
    Ok(after)
}

/// Why a presented key is refused.
#[derive(Debug)]
pub enum KeyRefusal {
    /// Unknown or revoked.
    Invalid,
    /// Past its expiry.
    Expired,
    /// Its daily quota is used up.
    QuotaExceeded,
}

/// The key and agency a presented key belongs to, if valid: not revoked, not expired, within
/// its daily quota. Counts the use; the quota is taken by one conditional UPDATE, so it holds
/// across server instances and restarts.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Result<(api_key::Model, agency::Model), KeyRefusal>, DbErr> {
    let found = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(token_hash(key)))
        .filter(api_key::Column::RevokedAt.is_null())
        .find_also_related(agency::Entity)
        .one(db)
        .await?;
    let Some((key, Some(agency))) = found else {
        return Ok(Err(KeyRefusal::Invalid));
    };
    if key.expires_at.is_some_and(|at| at <= now) {
        return Ok(Err(KeyRefusal::Expired));
    }
    let today = now
        .with_timezone(&crate::clock::china_offset())
        .date_naive();
    let mut update = api_key::Entity::update_many()
        .col_expr(
            api_key::Column::UsageCount,
            Expr::col(api_key::Column::UsageCount).add(1),
        )
        .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
        .filter(api_key::Column::Id.eq(key.id));
    if let Some(quota) = key.daily_quota {
        let same_day = Expr::col(api_key::Column::QuotaDay).eq(today);
        update = update
            .col_expr(
                api_key::Column::QuotaUsed,
                Expr::case(
                    same_day.clone(),
                    Expr::col(api_key::Column::QuotaUsed).add(1),
                )
                .finally(1)
                .into(),
            )
            .col_expr(api_key::Column::QuotaDay, Expr::value(today))
            .filter(
                Condition::any()
                    .add(api_key::Column::QuotaDay.is_null())
                    .add(api_key::Column::QuotaDay.ne(today))
                    .add(api_key::Column::QuotaUsed.lt(quota)),
            );
    }
    if update.exec(db).await?.rows_affected == 0 {
        return Ok(Err(KeyRefusal::QuotaExceeded));
    }
    Ok(Ok((key, agency)))
}
