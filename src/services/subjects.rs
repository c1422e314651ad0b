//! Credit subjects: create, update, read, list.

use super::{Page, WriteCtx, audit, outbox};
use crate::db::is_unique_violation;
use crate::domain::{IdMaskStyle, IdNumber, RegionCode, SubjectKind, Uscc};
use crate::error::{ApiError, ApiResult, ErrorCode};
use entity::{OutboxTarget, SubjectId, subject};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{Value, json};

/// A parsed request to create a subject.
#[derive(Debug)]
pub struct NewSubject {
    /// Kind, already checked against the code.
    pub kind: SubjectKind,
    /// Name, trimmed and non-empty.
    pub name: String,
    /// Code (organisations, individual businesses).
    pub uscc: Option<Uscc>,
    /// Checksum warning kept with a code accepted from a trusted partner.
    pub uscc_warning: Option<String>,
    /// ID number (natural persons).
    pub id_number: Option<IdNumber>,
    /// 法定代表人 (organisations).
    pub legal_representative: Option<String>,
    /// Division code.
    pub region: RegionCode,
    /// Address (organisations).
    pub address: Option<String>,
}

/// A parsed partial update. Identity (kind, code, ID number) cannot change.
#[derive(Debug, Default)]
pub struct SubjectChanges {
    /// The version the change is based on.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New legal representative (`Some(None)` clears it).
    pub legal_representative: Option<Option<String>>,
    /// New division code.
    pub region: Option<RegionCode>,
    /// New address (`Some(None)` clears it).
    pub address: Option<Option<String>>,
}

/// What the audit trail and logs may see of a subject: never the ID number in clear, nor its
/// ciphertext.
pub fn audit_view(s: &subject::Model) -> Value {
    json!({
        "id": s.id, "kind": s.kind, "name": s.name, "uscc": s.uscc, "uscc_warning": s.uscc_warning,
        "id_number_masked": s.id_number_masked, "legal_representative": s.legal_representative,
        "region_code": s.region_code, "address": s.address, "version": s.version,
    })
}

/// Creates a subject, with its audit event and outbox row.
pub async fn create(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    cmd: NewSubject,
) -> ApiResult<subject::Model> {
    let model = subject::ActiveModel {
        id: Set(SubjectId::new()),
        kind: Set(cmd.kind.into()),
        name: Set(cmd.name),
        uscc: Set(cmd.uscc.map(String::from)),
        uscc_warning: Set(cmd.uscc_warning),
        id_number_cipher: Set(cmd.id_number.as_ref().map(|n| ctx.keys.encrypt(n.as_str()))),
        id_number_hash: Set(cmd
            .id_number
            .as_ref()
            .map(|n| ctx.keys.keyed_hash(n.as_str()))),
        id_number_masked: Set(cmd
            .id_number
            .as_ref()
            .map(|n| n.masked(IdMaskStyle::default()))),
        id_number_masked_widest: Set(cmd
            .id_number
            .as_ref()
            .map(|n| n.masked(IdMaskStyle::WIDEST))),
        legal_representative: Set(cmd.legal_representative),
        region_code: Set(cmd.region.as_str().to_owned()),
        address: Set(cmd.address),
        version: Set(1),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
    }
    .insert(db)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            ApiError::new(
                ErrorCode::SubjectAlreadyExists,
                "A subject with this code or ID number already exists.",
            )
        } else {
            e.into()
        }
    })?;
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "subject.create",
            target_type: "subject",
            target_id: model.id.to_string(),
            before: None,
            after: Some(audit_view(&model)),
            at: ctx.now,
        },
    )
    .await?;
    outbox::enqueue(db, OutboxTarget::Subject, model.id.0, ctx.now).await?;
    Ok(model)
}

/// Reads one subject.
pub async fn get(db: &impl ConnectionTrait, id: SubjectId) -> ApiResult<subject::Model> {
    subject::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::SubjectNotFound,
                format!("Subject `{id}` not found."),
            )
        })
}

/// Applies a partial update if `changes.version` is current; a stale version changes nothing.
pub async fn update(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: SubjectId,
    changes: SubjectChanges,
) -> ApiResult<subject::Model> {
    let before = get(db, id).await?;
    if before.version != changes.version {
        return Err(stale(
            ErrorCode::SubjectVersionConflict,
            "Subject",
            id,
            changes.version,
            before.version,
        ));
    }
    let is_person = before.kind == entity::SubjectKind::NaturalPerson;
    if is_person
        && (matches!(changes.address, Some(Some(_)))
            || matches!(changes.legal_representative, Some(Some(_))))
    {
        return Err(ApiError::new(
            ErrorCode::InvalidSubjectField,
            "A natural person has no address or legal representative on record.",
        ));
    }
    let mut active: subject::ActiveModel = before.clone().into();
    if let Some(name) = changes.name {
        active.name = Set(name);
    }
    if let Some(v) = changes.legal_representative {
        active.legal_representative = Set(v);
    }
    if let Some(region) = changes.region {
        active.region_code = Set(region.as_str().to_owned());
    }
    if let Some(v) = changes.address {
        active.address = Set(v);
    }
    // The version guard in the WHERE clause closes the race between the read above and this write
    // on databases whose transactions do not serialise writers.
    super::write_next_version(
        db,
        &super::Versioned {
            id: subject::Column::Id,
            version: subject::Column::Version,
            updated_at: subject::Column::UpdatedAt,
            conflict: ErrorCode::SubjectVersionConflict,
            what: "Subject",
        },
        active,
        (id, before.version),
        ctx.now,
        ApiError::from,
    )
    .await?;
    let after = get(db, id).await?;
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "subject.update",
            target_type: "subject",
            target_id: id.to_string(),
            before: Some(audit_view(&before)),
            after: Some(audit_view(&after)),
            at: ctx.now,
        },
    )
    .await?;
    outbox::enqueue(db, OutboxTarget::Subject, id.0, ctx.now).await?;
    // Entry documents carry the subject's name and region: refresh them in the index and tell
    // the change feed where what the public sees changed.
    for entry in entity::list_entry::Entity::find()
        .filter(entity::list_entry::Column::SubjectId.eq(id))
        .all(db)
        .await?
    {
        outbox::enqueue(db, OutboxTarget::Entry, entry.id.0, ctx.now).await?;
        super::changes::record_entry(db, ctx, entry.id).await?;
    }
    Ok(after)
}

/// Filters of the office listing.
#[derive(Debug, Default)]
pub struct SubjectFilter {
    /// Only this kind.
    pub kind: Option<entity::SubjectKind>,
    /// Name contains, or code equals.
    pub q: Option<String>,
}

/// One page of subjects, newest first, with the total.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: SubjectFilter,
    page: Page,
) -> ApiResult<(Vec<subject::Model>, u64)> {
    let mut query = subject::Entity::find();
    if let Some(kind) = filter.kind {
        query = query.filter(subject::Column::Kind.eq(kind));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        query = query.filter(
            Condition::any()
                .add(subject::Column::Name.contains(q))
                .add(subject::Column::Uscc.eq(q.to_uppercase())),
        );
    }
    let paginator = query
        .order_by_desc(subject::Column::CreatedAt)
        .order_by_asc(subject::Column::Id)
        .paginate(db, page.per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.page.saturating_sub(1)).await?;
    Ok((items, total))
}

/// The 409 for a stale version, saying which version is current.
pub fn stale(
    code: ErrorCode,
    what: &str,
    id: impl std::fmt::Display,
    sent: i32,
    current: i32,
) -> ApiError {
    ApiError::new(
        code,
        format!(
            "{what} `{id}` is at version {current}, the update was based on version {sent}; reload it and try again."
        ),
    )
}

/// Gives every natural person stored before the widest masked form was kept that form, from the
/// encrypted number (run at start-up, before anything is served). Returns how many were filled.
pub async fn fill_widest_masks(
    db: &impl ConnectionTrait,
    keys: &crate::crypto::Keys,
    today: chrono::NaiveDate,
) -> Result<u64, sea_orm::DbErr> {
    let missing = subject::Entity::find()
        .filter(subject::Column::IdNumberMaskedWidest.is_null())
        .filter(subject::Column::IdNumberCipher.is_not_null())
        .all(db)
        .await?;
    let mut filled = 0;
    for s in missing {
        let Some(number) = s
            .id_number_cipher
            .as_deref()
            .and_then(|c| keys.decrypt(c))
            .and_then(|clear| IdNumber::parse(&clear, today).ok())
        else {
            tracing::warn!(subject.id = %s.id, "stored ID number cannot be read; left unmasked for output");
            continue;
        };
        subject::Entity::update_many()
            .col_expr(
                subject::Column::IdNumberMaskedWidest,
                sea_orm::sea_query::Expr::value(number.masked(IdMaskStyle::WIDEST)),
            )
            .filter(subject::Column::Id.eq(s.id))
            .exec(db)
            .await?;
        filled += 1;
    }
    Ok(filled)
}
