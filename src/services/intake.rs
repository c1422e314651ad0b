//! Bulk intake of partner records: the one path behind API batches (`POST
//! /api/v1/partner/batches`) and file import (`xinyong import`). Every record is checked on its
//! own and answered on its own; the records that pass are written together:
//! existing subjects and entries are read with a few `IN (…)` queries, new rows are written with
//! multi-row inserts, and one audit event per batch names every row created with the hash of its
//! content, so the chain still proves what was written. A correction of an existing entry goes
//! through [`super::entries::correct`]: a new version and its own audit event.
//!
//! Throughput: `cargo bench --bench scale` imports 20,000 new records into a data set of 100,000
//! and of 1,000,000 subjects (figures in the README). What it costs, per record: two audit
//! digests and the change-feed document (JSON), and on SQLite an insert into each index of
//! subjects, entries, outbox and feed; ids are UUIDs v7, so the id indexes grow at their end
//! instead of taking a random page per row.

use super::entries::{EntryContent, audit_view as entry_audit_view, correct};
use super::subjects::{NewSubject, audit_view as subject_audit_view};
use super::{WriteCtx, audit};
use crate::crypto::sha256_hex;
use crate::domain::{IdMaskStyle, names};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::entries::{EntryFields, parse_fields};
use crate::input::subjects::{SubjectIn, parse_subject_from};
use entity::{
    EntryId, EntryStatus, OutboxTarget, RevisionId, SubjectId, agency, list_entry, outbox,
    public_change, subject,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    DbBackend, EntityName, EntityTrait, IdenStatic, IntoActiveModel, Iterable, QueryFilter, Set,
    Statement, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use utoipa::ToSchema;
use uuid::Uuid;

/// One record: the subject and its listing, as agencies send it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordIn {
    /// The subject (found by code or ID number; created if new).
    pub subject: SubjectIn,
    /// The listing; the data source is the agency itself.
    pub entry: EntryFields,
}

/// A record that passed its checks.
#[derive(Debug)]
pub struct Submission {
    subject: NewSubject,
    content: EntryContent,
}

/// What happened to one record.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new entry.
    Accepted,
    /// An existing entry of this agency, corrected (new version, audit event).
    Updated,
    /// A correction of a published entry from an agency that is not trusted: it waits for a
    /// reviewer as a revision, and the public keeps seeing the approved version.
    HeldForReview,
    /// Already there, identical.
    Unchanged,
    /// Refused; see the error.
    Rejected,
}

/// The answer for one record.
#[derive(Debug)]
pub struct Verdict {
    /// What happened.
    pub outcome: Outcome,
    /// The entry (not for rejections).
    pub entry: Option<EntryId>,
    /// The subject (not for rejections).
    pub subject: Option<SubjectId>,
    /// The revision waiting for review (held corrections only).
    pub revision: Option<RevisionId>,
    /// A checksum warning stored with an early pilot-area code.
    pub warning: Option<String>,
    /// Why it was refused.
    pub error: Option<ApiError>,
}

impl Verdict {
    fn rejected(error: ApiError) -> Self {
        Verdict {
            outcome: Outcome::Rejected,
            entry: None,
            subject: None,
            revision: None,
            warning: None,
            error: Some(error),
        }
    }
}

/// Checks one record as the agency sent it: its shape, the subject, the entry, and that the data
/// source is the agency itself.
pub fn parse_record(
    raw: Value,
    agency: &agency::Model,
    today: chrono::NaiveDate,
) -> ApiResult<Submission> {
    let input: RecordIn = serde_json::from_value(raw).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidRequestBody,
            format!("The record does not fit: {e}"),
        )
    })?;
    let subject = parse_subject_from(input.subject, today, true)?;
    let mut fields = input.entry;
    if fields.subject_id.is_some() || fields.version.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidEntryField,
            "`subject_id` and `version` are not sent by partners.",
        ));
    }
    if let Some(source) = fields
        .source_uscc
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        && !source.eq_ignore_ascii_case(&agency.uscc)
    {
        return Err(ApiError::field(
            ErrorCode::InvalidEntryField,
            "source_uscc",
            source,
            "is not the submitting agency: the data source must be the agency itself",
        ));
    }
    fields.source_name = Some(agency.name.clone());
    fields.source_uscc = Some(agency.uscc.clone());
    let content = parse_fields(fields, today)?;
    // A severity class without a publicity rule on its decision date cannot be published.
    content.publicity()?;
    Ok(Submission { subject, content })
}

/// How a subject is found again: by code, or by the keyed hash of the ID number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum SubjectKey {
    Uscc(String),
    IdHash(String),
}

// Values per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound
// parameters (800 rows of the widest table, entries, 33 columns).
const PARAMS_PER_INSERT: usize = 26_400;
// Values per `IN (…)` list.
const KEYS_PER_QUERY: usize = 900;

/// Writes a batch of checked records (and answers the ones that failed their checks) in the
/// caller's transaction. `channel` names where the batch came from in the audit event (`api`,
/// or `file:<name>`). Errors only when the database fails; the transaction is then unusable.
pub async fn submit(
    txn: &DatabaseTransaction,
    ctx: &WriteCtx<'_>,
    agency: &agency::Model,
    channel: &str,
    records: Vec<ApiResult<Submission>>,
) -> ApiResult<Vec<Verdict>> {
    let mut verdicts: Vec<Option<Verdict>> = Vec::with_capacity(records.len());
    let mut passed: Vec<(usize, Submission, SubjectKey)> = Vec::with_capacity(records.len());
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (index, record) in records.into_iter().enumerate() {
        let verdict = match record {
            Err(e) => Some(Verdict::rejected(e)),
            Ok(s) => {
                let natural_key = (
                    s.content.authority_name.clone(),
                    s.content.document_number.clone(),
                );
                if let Some(first) = seen.get(&natural_key) {
                    Some(Verdict::rejected(ApiError::new(
                        ErrorCode::InvalidEntryField,
                        format!(
                            "Decision `{}` of `{}` is also record {first} of this batch; send each decision once.",
                            natural_key.1, natural_key.0
                        ),
                    )))
                } else {
                    seen.insert(natural_key, index);
                    let key = match (&s.subject.uscc, &s.subject.id_number) {
                        (Some(code), _) => SubjectKey::Uscc(code.as_str().to_owned()),
                        (None, Some(n)) => SubjectKey::IdHash(ctx.keys.keyed_hash(n.as_str())),
                        // parse_subject_from requires one of the two.
                        (None, None) => {
                            return Err(ApiError::internal("a subject without identity"));
                        }
                    };
                    passed.push((index, s, key));
                    None
                }
            }
        };
        verdicts.push(verdict);
    }

    // Intakes read, then insert: on PostgreSQL two of them must not interleave (SQLite's write
    // transactions are serial already). The audit chain's lock is the one every writer takes.
    audit::lock(txn).await?;
    let registered = super::agencies::authorities(txn, agency.id).await?;
    let passed: Vec<(usize, Submission, SubjectKey)> = passed
        .into_iter()
        .filter_map(
            |(index, s, key)| match registered_authority(&registered, &s.content) {
                Ok(()) => Some((index, s, key)),
                Err(e) => {
                    verdicts[index] = Some(Verdict::rejected(e));
                    None
                }
            },
        )
        .collect();
    let mut subjects = existing_subjects(txn, passed.iter().map(|p| &p.2)).await?;
    let mut entries = existing_entries(txn, passed.iter().map(|p| &p.1.content)).await?;
    let mut pending = super::revisions::pending_of(txn, entries.values().map(|e| e.id)).await?;

    let mut new_subjects: Vec<subject::Model> = Vec::new();
    let mut new_entries: Vec<list_entry::Model> = Vec::new();
    let mut corrections: Vec<(usize, list_entry::Model, EntryContent, Option<String>)> = Vec::new();
    let mut superseded = Vec::new();
    for (index, s, key) in passed {
        let warning = s.subject.uscc_warning.clone();
        if let Some(known) = subjects.get(&key)
            && names::fold(&known.name) != names::fold(&s.subject.name)
        {
            verdicts[index] = Some(Verdict::rejected(name_mismatch(known, &s.subject)));
            continue;
        }
        let known = subjects.get(&key).map(|m| m.id);
        let natural_key = (
            s.content.authority_name.clone(),
            s.content.document_number.clone(),
        );
        let verdict = |outcome, entry: EntryId, subject: SubjectId| Verdict {
            outcome,
            entry: Some(entry),
            subject: Some(subject),
            revision: None,
            warning: warning.clone(),
            error: None,
        };
        // The entry decides first: a refused record creates no subject either.
        verdicts[index] = Some(match entries.remove(&natural_key) {
            None => {
                let subject = match known {
                    Some(id) => id,
                    None => {
                        let model = new_subject_model(ctx, s.subject);
                        let id = model.id;
                        subjects.insert(key, model.clone());
                        new_subjects.push(model);
                        id
                    }
                };
                let model = new_entry_model(ctx, subject, s.content, agency.trusted)?;
                let v = verdict(Outcome::Accepted, model.id, subject);
                new_entries.push(model);
                v
            }
            Some(existing) if existing.source_uscc.as_deref() != Some(agency.uscc.as_str()) => {
                Verdict::rejected(ApiError::new(
                    ErrorCode::EntryOwnedByAnotherAgency,
                    format!(
                        "Decision `{}` of `{}` was submitted by another data source.",
                        natural_key.1, natural_key.0
                    ),
                ))
            }
            Some(existing) if known != Some(existing.subject_id) => {
                Verdict::rejected(ApiError::new(
                    ErrorCode::InvalidEntryField,
                    format!(
                        "Decision `{}` is already recorded for another subject.",
                        natural_key.1
                    ),
                ))
            }
            Some(existing) if stored_content(&existing, ctx).as_ref() == Some(&s.content) => {
                // The agency sends the approved content again: its earlier correction is void.
                if let Some(revision) = pending.remove(&existing.id) {
                    superseded.push(revision);
                }
                verdict(Outcome::Unchanged, existing.id, existing.subject_id)
            }
            Some(existing) => {
                corrections.push((index, existing, s.content, warning.clone()));
                continue;
            }
        });
    }

    write_new(txn, ctx, agency, channel, new_subjects, new_entries).await?;
    for revision in superseded {
        super::revisions::supersede(txn, ctx, revision).await?;
    }

    for (index, existing, content, warning) in corrections {
        let subject = existing.subject_id;
        let entry_id = existing.id;
        let savepoint = txn.begin().await?;
        let earlier = pending.remove(&existing.id);
        let result = if !agency.trusted && existing.status == EntryStatus::Published {
            super::revisions::propose(&savepoint, ctx, agency.id, &existing, &content, earlier)
                .await
                .map(|r| (Outcome::HeldForReview, Some(r.id)))
        } else {
            async {
                if let Some(earlier) = earlier {
                    super::revisions::supersede(&savepoint, ctx, earlier).await?;
                }
                correct(&savepoint, ctx, existing, content).await
            }
            .await
            .map(|_| (Outcome::Updated, None))
        };
        verdicts[index] = Some(match result {
            Ok((outcome, revision)) => {
                savepoint.commit().await?;
                Verdict {
                    outcome,
                    entry: Some(entry_id),
                    subject: Some(subject),
                    revision,
                    warning,
                    error: None,
                }
            }
            Err(e) if e.code == ErrorCode::Internal || e.code == ErrorCode::DatabaseUnavailable => {
                return Err(e);
            }
            Err(e) => {
                savepoint.rollback().await?;
                Verdict::rejected(e)
            }
        });
    }
    verdicts
        .into_iter()
        .map(|v| v.ok_or_else(|| ApiError::internal("a record was left unanswered")))
        .collect()
}

async fn existing_subjects<'k>(
    db: &impl ConnectionTrait,
    keys: impl Iterator<Item = &'k SubjectKey>,
) -> ApiResult<HashMap<SubjectKey, subject::Model>> {
    let (mut codes, mut hashes) = (BTreeSet::new(), BTreeSet::new());
    for key in keys {
        match key {
            SubjectKey::Uscc(c) => codes.insert(c.clone()),
            SubjectKey::IdHash(h) => hashes.insert(h.clone()),
        };
    }
    let mut found = HashMap::new();
    for chunk in codes.into_iter().collect::<Vec<_>>().chunks(KEYS_PER_QUERY) {
        for s in subject::Entity::find()
            .filter(subject::Column::Uscc.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            if let Some(code) = s.uscc.clone() {
                found.insert(SubjectKey::Uscc(code), s);
            }
        }
    }
    for chunk in hashes
        .into_iter()
        .collect::<Vec<_>>()
        .chunks(KEYS_PER_QUERY)
    {
        for s in subject::Entity::find()
            .filter(subject::Column::IdNumberHash.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            if let Some(hash) = s.id_number_hash.clone() {
                found.insert(SubjectKey::IdHash(hash), s);
            }
        }
    }
    Ok(found)
}

async fn existing_entries<'c>(
    db: &impl ConnectionTrait,
    contents: impl Iterator<Item = &'c EntryContent>,
) -> ApiResult<HashMap<(String, String), list_entry::Model>> {
    let wanted: BTreeSet<(String, String)> = contents
        .map(|c| (c.authority_name.clone(), c.document_number.clone()))
        .collect();
    // By authority, then numbers: the unique index is (authority_name, document_number).
    let mut by_authority: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (authority, number) in &wanted {
        by_authority.entry(authority).or_default().push(number);
    }
    let mut found = HashMap::new();
    for (authority, numbers) in by_authority {
        for chunk in numbers.chunks(KEYS_PER_QUERY) {
            for e in list_entry::Entity::find()
                .filter(list_entry::Column::AuthorityName.eq(authority))
                .filter(list_entry::Column::DocumentNumber.is_in(chunk.iter().copied()))
                .all(db)
                .await?
            {
                found.insert((e.authority_name.clone(), e.document_number.clone()), e);
            }
        }
    }
    Ok(found)
}

fn new_subject_model(ctx: &WriteCtx<'_>, cmd: NewSubject) -> subject::Model {
    subject::Model {
        id: SubjectId::new(),
        kind: cmd.kind.into(),
        name: cmd.name,
        uscc: cmd.uscc.map(String::from),
        uscc_warning: cmd.uscc_warning,
        id_number_cipher: cmd.id_number.as_ref().map(|n| ctx.keys.encrypt(n.as_str())),
        id_number_hash: cmd
            .id_number
            .as_ref()
            .map(|n| ctx.keys.keyed_hash(n.as_str())),
        id_number_masked: cmd
            .id_number
            .as_ref()
            .map(|n| n.masked(IdMaskStyle::default())),
        id_number_masked_widest: cmd
            .id_number
            .as_ref()
            .map(|n| n.masked(IdMaskStyle::WIDEST)),
        legal_representative: cmd.legal_representative,
        region_code: cmd.region.as_str().to_owned(),
        address: cmd.address,
        version: 1,
        created_at: ctx.now,
        updated_at: ctx.now,
    }
}

fn new_entry_model(
    ctx: &WriteCtx<'_>,
    subject_id: SubjectId,
    c: EntryContent,
    publish: bool,
) -> ApiResult<list_entry::Model> {
    let (publicity_min_until, publicity_until) = c.publicity()?;
    Ok(list_entry::Model {
        id: EntryId::new(),
        subject_id,
        list: c.list.into(),
        list_name: c.list_name,
        severity: c.severity.map(Into::into),
        reason: c.reason,
        facts: c.facts,
        legal_basis: c.legal_basis,
        authority_name: c.authority_name,
        authority_uscc: c.authority_uscc,
        document_number: c.document_number,
        decision_date: c.decision_date,
        listing_date: c.listing_date,
        valid_from: c.valid_from,
        valid_until: c.valid_until,
        publicity_min_until,
        publicity_until,
        removal_date: None,
        removal_reason: None,
        removal_authority: None,
        repair_status: None,
        under_objection: false,
        source_name: c.source_name,
        source_uscc: c.source_uscc,
        status: if publish {
            EntryStatus::Published
        } else {
            EntryStatus::PendingReview
        },
        created_by: None,
        edited_by: None,
        submitted_by: None,
        reviewed_by: None,
        review_note: None,
        published_at: publish.then_some(ctx.now),
        version: 1,
        created_at: ctx.now,
        updated_at: ctx.now,
    })
}

/// The new rows, their audit event, their outbox rows and, for entries public at once, their
/// change-feed records. The chain's lock is already held (see [`submit`]), so the feed's
/// sequence follows commit order.
async fn write_new(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    agency: &agency::Model,
    channel: &str,
    new_subjects: Vec<subject::Model>,
    new_entries: Vec<list_entry::Model>,
) -> ApiResult<()> {
    if new_entries.is_empty() && new_subjects.is_empty() {
        return Ok(());
    }
    let digest = |v: Value| sha256_hex(v.to_string().as_bytes());
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action: "intake.batch",
            target_type: "agency",
            target_id: agency.id.to_string(),
            before: None,
            after: Some(json!({
                "channel": channel,
                "published": agency.trusted,
                "subjects": new_subjects.iter()
                    .map(|s| json!([s.id, digest(subject_audit_view(s))])).collect::<Vec<_>>(),
                "entries": new_entries.iter()
                    .map(|e| json!([e.id, digest(entry_audit_view(e))])).collect::<Vec<_>>(),
            })),
            at: ctx.now,
        },
    )
    .await?;
    let feed = if agency.trusted {
        feed_additions(db, ctx, &new_subjects, &new_entries).await?
    } else {
        Vec::new()
    };
    // The index learns of each new entry; the indexer refreshes the entry's subject with it
    // (its badges and counts), so the new subjects need no rows of their own.
    let outbox_rows: Vec<outbox::ActiveModel> = new_entries
        .iter()
        .map(|e| outbox::ActiveModel {
            id: NotSet,
            target: Set(OutboxTarget::Entry),
            target_id: Set(e.id.0),
            created_at: Set(ctx.now),
            attempts: Set(0),
            not_before: Set(ctx.now),
            last_error: Set(None),
        })
        .collect();
    insert_all(
        db,
        new_subjects
            .into_iter()
            .map(IntoActiveModel::into_active_model),
    )
    .await?;
    insert_all(
        db,
        new_entries
            .into_iter()
            .map(IntoActiveModel::into_active_model),
    )
    .await?;
    insert_all(db, outbox_rows).await?;
    insert_all(db, feed).await?;
    Ok(())
}

/// Multi-row INSERTs of `rows`, as many rows per statement as [`PARAMS_PER_INSERT`] allows.
///
/// The statement is written here rather than through `insert_many`: the values are moved out of
/// the models once, in column order, with no query tree built, copied and dropped per row, and a
/// full statement has the same text every time, so the driver reuses its prepared statement.
/// The columns are those set in the first row (an auto-increment key left unset is left to the
/// database); every row must set the same ones.
async fn insert_all<A>(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = A>,
) -> Result<(), sea_orm::DbErr>
where
    A: ActiveModelTrait,
{
    let mut rows = rows.into_iter().peekable();
    let Some(first) = rows.peek() else {
        return Ok(());
    };
    let columns: Vec<<A::Entity as EntityTrait>::Column> =
        <<A::Entity as EntityTrait>::Column as Iterable>::iter()
            .filter(|c| !first.get(*c).is_not_set())
            .collect();
    let table = <A::Entity as Default>::default().table_name();
    let names: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
    let per_statement = (PARAMS_PER_INSERT / columns.len().max(1)).max(1);
    let backend = db.get_database_backend();
    while rows.peek().is_some() {
        let mut values = Vec::with_capacity(per_statement * columns.len());
        let mut count = 0;
        for mut row in rows.by_ref().take(per_statement) {
            for column in &columns {
                let value = row.take(*column).into_value().ok_or_else(|| {
                    sea_orm::DbErr::Custom(format!(
                        "{table}: a row of a bulk insert leaves `{}` unset",
                        column.as_str()
                    ))
                })?;
                values.push(value);
            }
            count += 1;
        }
        let sql = insert_sql(backend, table, &names, count);
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

/// `INSERT INTO "table" ("a", "b") VALUES (?, ?), (?, ?)…` for `rows` rows, with the backend's
/// placeholders.
fn insert_sql(backend: DbBackend, table: &str, columns: &[&str], rows: usize) -> String {
    use std::fmt::Write as _;
    let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let mut sql = format!("INSERT INTO \"{table}\" ({}) VALUES ", quoted.join(", "));
    let mut n = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns.len() {
            if column > 0 {
                sql.push_str(", ");
            }
            n += 1;
            match backend {
                DbBackend::Postgres => {
                    let _ = write!(sql, "${n}");
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql
}

/// Change-feed records for new entries that the public sees at once.
async fn feed_additions(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    new_subjects: &[subject::Model],
    new_entries: &[list_entry::Model],
) -> ApiResult<Vec<public_change::ActiveModel>> {
    let mut subjects: HashMap<SubjectId, &subject::Model> =
        new_subjects.iter().map(|s| (s.id, s)).collect();
    let missing: BTreeSet<Uuid> = new_entries
        .iter()
        .filter(|e| !subjects.contains_key(&e.subject_id))
        .map(|e| e.subject_id.0)
        .collect();
    let mut existing = Vec::new();
    for chunk in missing
        .into_iter()
        .collect::<Vec<_>>()
        .chunks(KEYS_PER_QUERY)
    {
        existing.extend(
            subject::Entity::find()
                .filter(subject::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    subjects.extend(existing.iter().map(|s| (s.id, s)));
    let projector = super::changes::projector(ctx);
    Ok(new_entries
        .iter()
        .filter_map(|e| super::changes::added(&projector, e, subjects.get(&e.subject_id)?, ctx.now))
        .collect())
}

/// A record names one of the deciding authorities registered for the agency (and, when both
/// have one, the same code).
fn registered_authority(
    registered: &[entity::agency_authority::Model],
    c: &EntryContent,
) -> ApiResult<()> {
    let Some(found) = registered.iter().find(|a| a.name == c.authority_name) else {
        return Err(ApiError::field(
            ErrorCode::AuthorityNotRegistered,
            "authority_name",
            &c.authority_name,
            "is not a deciding authority registered for this agency; the office registers the authorities an agency submits for",
        ));
    };
    match (&found.uscc, &c.authority_uscc) {
        (Some(theirs), Some(sent)) if !theirs.eq_ignore_ascii_case(sent) => Err(ApiError::field(
            ErrorCode::AuthorityNotRegistered,
            "authority_uscc",
            sent,
            format!("is not the code registered for `{}`", found.name),
        )),
        _ => Ok(()),
    }
}

/// The refusal of a record whose code or ID number is a known subject's, under another name. A
/// natural person's recorded name is not said: the agency learns nothing it did not send.
fn name_mismatch(known: &subject::Model, sent: &NewSubject) -> ApiError {
    match &known.uscc {
        Some(code) => ApiError::field(
            ErrorCode::SubjectNameMismatch,
            "subject.name",
            &sent.name,
            format!(
                "does not match the subject recorded with code `{code}` (`{}`); if it was renamed, the office updates the subject first",
                known.name
            ),
        ),
        None => ApiError::new(
            ErrorCode::SubjectNameMismatch,
            "`subject.name`: does not match the natural person recorded with this ID number; the record was not attached to them.",
        ),
    }
}

fn stored_content(e: &list_entry::Model, ctx: &WriteCtx<'_>) -> Option<EntryContent> {
    let mut fields = EntryFields::from_model(e);
    fields.subject_id = None;
    fields.version = None;
    parse_fields(fields, ctx.today).ok()
}
