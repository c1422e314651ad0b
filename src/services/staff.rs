//! Staff and their bearer tokens.

use super::{WriteCtx, audit};
use crate::crypto::{generate_token, token_hash};
use crate::error::ApiResult;
use chrono::{DateTime, Utc};
use entity::{StaffId, StaffRole, staff};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use serde_json::json;

/// Creates a staff member and returns it with its token, which is shown only this once.
pub async fn create(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    name: String,
    role: StaffRole,
) -> ApiResult<(staff::Model, String)> {
    let token = generate_token();
    let model = insert_with_token(db, &name, role, &token, ctx.now).await?;
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "staff.create",
            target_type: "staff",
            target_id: model.id.to_string(),
            before: None,
            after: Some(json!({"id": model.id, "name": model.name, "role": model.role})),
            at: ctx.now,
        },
    )
    .await?;
    Ok((model, token))
}

/// Stores a staff member whose token is given (the bootstrap admin token from configuration).
pub async fn insert_with_token(
    db: &impl ConnectionTrait,
    name: &str,
    role: StaffRole,
    token: &str,
    now: DateTime<Utc>,
) -> Result<staff::Model, DbErr> {
    staff::ActiveModel {
        id: Set(StaffId::new()),
        name: Set(name.to_owned()),
        role: Set(role),
        token_hash: Set(token_hash(token)),
        created_at: Set(now),
        revoked_at: Set(None),
    }
    .insert(db)
    .await
}

/// Makes sure the configured bootstrap admin token can log in.
pub async fn ensure_bootstrap_admin(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let exists = staff::Entity::find()
        .filter(staff::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
        .is_some();
    if !exists {
        insert_with_token(db, "bootstrap admin", StaffRole::Admin, token, now).await?;
    }
    Ok(())
}

/// The staff member a token belongs to, if it is valid and not revoked.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<staff::Model>, DbErr> {
    staff::Entity::find()
        .filter(staff::Column::TokenHash.eq(token_hash(token)))
        .filter(staff::Column::RevokedAt.is_null())
        .one(db)
        .await
}

/// Every staff member, oldest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<staff::Model>, DbErr> {
    staff::Entity::find()
        .order_by_asc(staff::Column::CreatedAt)
        .all(db)
        .await
}
