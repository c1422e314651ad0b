//! Credit repair (信用修复): applications by listed subjects once the minimum
//! publicity period has passed, the office's flow (accept or return within 1 working day, decide
//! within 3 working days of acceptance, answer within 10 working days of the application), the
//! end of publicity on approval, and the repair notice (信用修复告知书) sent with a listing.
//!
//! The applicant's contact is personal data: it is stored on the application for the office and
//! never reaches the audit trail, the logs or a public answer.

use super::filings::Filer;
use super::subjects::stale;
use super::{Page, WriteCtx, audit};
use crate::crypto::sha256_hex;
use crate::domain::workdays::Calendar;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::cases::{Application, Claim, Standing};
use crate::services::projection::{PublicSubject, enum_str};
use chrono::{Datelike, NaiveDate};
use entity::{
    EntryId, EntryStatus, ListKind, RepairId, RepairStatus, Severity, StaffId, list_entry, repair,
};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// The removal reason (移出事由) of an entry ended by an approved repair.
pub const REMOVAL_REASON: &str = "信用修复";

/// The entry's repair status (修复状态) once a repair is approved.
pub const REPAIRED: &str = "repaired";

/// Working days to accept or return an application, counted from the day it is filed.
pub const ACCEPT_WITHIN: u32 = 1;
/// Working days to decide, counted from the day of acceptance.
pub const DECIDE_WITHIN: u32 = 3;
/// Working days to tell the applicant, counted from the day it is filed.
pub const NOTIFY_WITHIN: u32 = 10;

/// The states in which an application's deadlines still run.
pub const OPEN: [RepairStatus; 2] = [RepairStatus::Submitted, RepairStatus::Accepted];

/// An application's due dates on a calendar.
#[derive(Debug, PartialEq, Eq)]
struct Schedule {
    accept_due: NaiveDate,
    decide_due: Option<NaiveDate>,
    notify_due: NaiveDate,
    provisional: bool,
}

/// The due dates counted from the day of the application and, once accepted, the day of
/// acceptance. A decision date whose acceptance day is not known is kept as it is (provisional
/// if the calendar does not cover it).
fn schedule(
    calendar: &Calendar,
    applied_on: NaiveDate,
    accepted_on: Option<NaiveDate>,
    kept_decide_due: Option<NaiveDate>,
) -> Schedule {
    let accept = calendar.deadline(applied_on, ACCEPT_WITHIN);
    let notify = calendar.deadline(applied_on, NOTIFY_WITHIN);
    let (decide_due, decide_provisional) = match accepted_on {
        Some(day) => {
            let decide = calendar.deadline(day, DECIDE_WITHIN);
            (Some(decide.due), decide.provisional)
        }
        None => (
            kept_decide_due,
            kept_decide_due.is_some_and(|d| !calendar.covers(d)),
        ),
    };
    Schedule {
        accept_due: accept.due,
        decide_due,
        notify_due: notify.due,
        provisional: accept.provisional || notify.provisional || decide_provisional,
    }
}

impl Schedule {
    fn set(&self, active: &mut repair::ActiveModel) {
        active.accept_due = Set(self.accept_due);
        active.decide_due = Set(self.decide_due);
        active.notify_due = Set(self.notify_due);
        active.deadlines_provisional = Set(self.provisional);
    }
}

/// What the audit trail records of an application: never the contact, and the materials only as
/// a count and a fingerprint (they are free text the applicant typed).
pub fn audit_view(r: &repair::Model) -> Value {
    json!({
        "id": r.id, "entry_id": r.entry_id, "commitment_letter": r.commitment_letter,
        "materials": materials_of(r).len(),
        "materials_sha256": sha256_hex(r.materials.to_string().as_bytes()),
        "material_files": material_files_of(r).iter().map(|f| f.sha256.as_str()).collect::<Vec<_>>(),
        "case_number": r.case_number,
        "status": r.status, "decision_note": r.decision_note, "applied_on": r.applied_on,
        "accept_due": r.accept_due, "decide_due": r.decide_due, "notify_due": r.notify_due,
        "accepted_on": r.accepted_on, "deadlines_provisional": r.deadlines_provisional,
        "version": r.version,
    })
}

/// The material references of an application.
pub fn materials_of(r: &repair::Model) -> Vec<String> {
    r.materials
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The uploaded material files of an application (none for one filed through the API).
pub fn material_files_of(r: &repair::Model) -> Vec<crate::input::materials::MaterialFile> {
    r.material_files
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// Whether the entry may be applied for on `today`: a black or key-attention entry whose
/// minimum publicity period has passed (the rule [`apply`] checks; the pages use it to offer
/// the application only where it can be filed).
pub fn may_apply_on(entry: &list_entry::Model, today: NaiveDate) -> bool {
    repairable(entry).is_ok_and(|min_until| min_until <= today)
}

/// Whether an open application is past one of its due dates on `today` (a due date is the last
/// day allowed).
pub fn is_overdue(r: &repair::Model, today: NaiveDate) -> bool {
    match r.status {
        RepairStatus::Submitted => r.accept_due < today || r.notify_due < today,
        RepairStatus::Accepted => r.decide_due.is_some_and(|d| d < today) || r.notify_due < today,
        RepairStatus::Returned | RepairStatus::Approved | RepairStatus::Rejected => false,
    }
}

/// The same rule as [`is_overdue`], as a query condition.
fn overdue_condition(today: NaiveDate) -> Condition {
    use repair::Column;
    Condition::any()
        .add(
            Condition::all()
                .add(Column::Status.eq(RepairStatus::Submitted))
                .add(
                    Condition::any()
                        .add(Column::AcceptDue.lt(today))
                        .add(Column::NotifyDue.lt(today)),
                ),
        )
        .add(
            Condition::all()
                .add(Column::Status.eq(RepairStatus::Accepted))
                .add(
                    Condition::any()
                        .add(Column::DecideDue.lt(today))
                        .add(Column::NotifyDue.lt(today)),
                ),
        )
}

fn entry_not_found(id: EntryId) -> ApiError {
    ApiError::new(ErrorCode::EntryNotFound, format!("Entry `{id}` not found."))
}

/// Checks that an entry can be repaired at all: a black or key-attention entry with a minimum
/// publicity period.
fn repairable(entry: &list_entry::Model) -> ApiResult<NaiveDate> {
    match (entry.list, entry.publicity_min_until) {
        (ListKind::Black | ListKind::KeyAttention, Some(min_until)) => Ok(min_until),
        (ListKind::Red, _) => Err(ApiError::new(
            ErrorCode::RepairNotApplicable,
            format!(
                "Entry `{}` is on the red list; credit repair applies only to black-list and key-attention entries.",
                entry.id
            ),
        )),
        (_, None) => Err(ApiError::new(
            ErrorCode::RepairNotApplicable,
            format!(
                "Entry `{}` has no minimum publicity period; credit repair applies only to entries with one.",
                entry.id
            ),
        )),
    }
}

/// Files an application (the applicant is the public): checks, in order, that the entry is
/// public; that the applicant has standing (names the entry's subject: its name with its code,
/// or a person's name with the ID number); that the entry can be repaired and is past its
/// minimum period; that the commitment letter is given and materials listed; the limits on
/// anonymous filings; and that no other application for the entry is open. An application
/// without standing is refused before anything is stored, so a stranger's attempt never stands
/// in the way of the subject's own. Deadlines are set in working days on `calendar`.
pub async fn apply(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    calendar: &Calendar,
    mut application: Application,
    filer: &Filer,
) -> ApiResult<repair::Model> {
    let entry_id = application.entry_id;
    // Locked (FOR UPDATE on PostgreSQL; SQLite write transactions are serial already) so that
    // two applications for one entry cannot both pass the "no other open application" check.
    let entry = list_entry::Entity::find_by_id(entry_id)
        .lock_exclusive()
        .one(db)
        .await?
        .filter(|e| e.is_public_on(ctx.today))
        .ok_or_else(|| entry_not_found(entry_id))?;
    let standing = std::mem::take(&mut application.standing);
    has_standing(db, ctx, &entry, standing).await?;
    let min_until = repairable(&entry)?;
    if ctx.today < min_until {
        return Err(ApiError::new(
            ErrorCode::RepairTooEarly,
            format!(
                "Credit repair of entry `{entry_id}` may be applied for from {min_until}, once its minimum publicity period has passed."
            ),
        ));
    }
    let checked = application.check()?;
    let mine = repair::Entity::find()
        .filter(repair::Column::EntryId.eq(entry_id))
        .filter(repair::Column::ClientKey.eq(filer.client_key.as_str()))
        .filter(repair::Column::Status.is_in(OPEN))
        .count(db)
        .await?;
    let today = repair::Entity::find()
        .filter(repair::Column::EntryId.eq(entry_id))
        .filter(repair::Column::AppliedOn.eq(ctx.today))
        .count(db)
        .await?;
    filer.check(ctx, "repair applications", entry_id, mine, today)?;
    if let Some(open) = repair::Entity::find()
        .filter(repair::Column::EntryId.eq(entry_id))
        .filter(repair::Column::Status.is_in([RepairStatus::Submitted, RepairStatus::Accepted]))
        .one(db)
        .await?
    {
        return Err(ApiError::new(
            ErrorCode::RepairWrongState,
            format!(
                "Entry `{entry_id}` already has an open credit-repair application (`{}`, filed on {}); another can be filed once it is decided or returned.",
                enum_str(open.status),
                open.applied_on
            ),
        ));
    }
    let due = schedule(calendar, ctx.today, None, None);
    let model = repair::ActiveModel {
        id: Set(RepairId::new()),
        entry_id: Set(entry_id),
        commitment_letter: Set(true),
        materials: Set(Value::from(checked.materials)),
        contact: Set(checked.contact),
        status: Set(RepairStatus::Submitted),
        decision_note: Set(None),
        applied_on: Set(ctx.today),
        accept_due: Set(due.accept_due),
        decide_due: Set(due.decide_due),
        notify_due: Set(due.notify_due),
        accepted_on: Set(None),
        accepted_by: Set(None),
        deadlines_provisional: Set(due.provisional),
        client_key: Set(Some(filer.client_key.clone())),
        case_number: Set(None),
        follow_up_hash: Set(None),
        material_files: Set((!checked.files.is_empty()).then(|| json!(checked.files))),
        version: Set(1),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
    }
    .insert(db)
    .await?;
    write_trail(db, ctx, "repair.apply", None, &model).await?;
    Ok(model)
}

/// Whether the applicant names the entry's subject: the name (folded, so width and brackets do
/// not matter) with the code of an organisation, or with the ID number of a person (compared by
/// its keyed hash). The refusal says neither which part failed nor what is stored.
async fn has_standing(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    entry: &list_entry::Model,
    standing: Standing,
) -> ApiResult<()> {
    let subject = entity::subject::Entity::find_by_id(entry.subject_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal(format!("entry {} has no subject", entry.id)))?;
    let person = subject.kind == entity::SubjectKind::NaturalPerson;
    let matches = names_subject(&subject, standing.claim(person, ctx.today)?, ctx.keys);
    if matches {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::NoStanding,
            format!(
                "The subject named does not match the subject of entry `{}`: only the listed subject may apply for its credit repair. Give its name exactly as registered, with its unified social credit code (or, for a person, the resident ID number).",
                entry.id
            ),
        ))
    }
}

/// Whether `claim` names `subject`: the name (folded, so width and brackets do not matter) with
/// the code of an organisation, or with the ID number of a person (compared by its keyed hash).
pub fn names_subject(
    subject: &entity::subject::Model,
    claim: Claim,
    keys: &crate::crypto::Keys,
) -> bool {
    let same_name =
        |name: &str| crate::domain::names::fold(name) == crate::domain::names::fold(&subject.name);
    match claim {
        Claim::Organisation { name, uscc } => {
            same_name(&name)
                && subject
                    .uscc
                    .as_deref()
                    .is_some_and(|stored| stored.eq_ignore_ascii_case(uscc.as_str()))
        }
        Claim::Person { name, id_number } => {
            let hash = keys.keyed_hash(id_number.as_str());
            // Both compared, whichever fails, so the time taken says nothing of which did.
            let same_id = subject
                .id_number_hash
                .as_deref()
                .is_some_and(|stored| crate::crypto::constant_time_eq(stored, &hash));
            same_name(&name) & same_id
        }
    }
}

/// Reads one application.
pub async fn get(db: &impl ConnectionTrait, id: RepairId) -> ApiResult<repair::Model> {
    repair::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::RepairNotFound,
                format!("Repair application `{id}` not found."),
            )
        })
}

/// The 409 for a step from the wrong state, naming the state.
pub fn not_in_state(id: RepairId, status: RepairStatus, verb: &str) -> ApiError {
    ApiError::new(
        ErrorCode::RepairWrongState,
        format!(
            "Repair application `{id}` is `{}` and cannot be {verb}.",
            enum_str(status)
        ),
    )
}

/// Reads an application, checks the version the caller based its step on, and that it is in
/// `from`.
async fn current(
    db: &impl ConnectionTrait,
    id: RepairId,
    version: i32,
    from: RepairStatus,
    verb: &str,
) -> ApiResult<repair::Model> {
    let before = get(db, id).await?;
    if before.version != version {
        return Err(stale(
            ErrorCode::RepairVersionConflict,
            "Repair application",
            id,
            version,
            before.version,
        ));
    }
    if before.status != from {
        return Err(not_in_state(id, before.status, verb));
    }
    Ok(before)
}

/// Accepts a submitted application; the decision is due within 3 working days, and is taken by
/// another member than `acceptor`.
pub async fn accept(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    calendar: &Calendar,
    id: RepairId,
    version: i32,
    acceptor: StaffId,
) -> ApiResult<repair::Model> {
    let before = current(db, id, version, RepairStatus::Submitted, "accepted").await?;
    let mut active: repair::ActiveModel = before.clone().into();
    active.status = Set(RepairStatus::Accepted);
    active.accepted_by = Set(Some(acceptor));
    active.accepted_on = Set(Some(ctx.today));
    schedule(calendar, before.applied_on, Some(ctx.today), None).set(&mut active);
    save(db, ctx, "repair.accept", before, active).await
}

/// Counts an open application's deadlines again on `calendar` (after a calendar year is
/// loaded); returns whether anything changed. A closed application, or one whose dates and flag
/// stay the same, is left alone.
pub async fn recompute_deadlines(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    calendar: &Calendar,
    id: RepairId,
) -> ApiResult<bool> {
    let before = get(db, id).await?;
    if !OPEN.contains(&before.status) {
        return Ok(false);
    }
    let accepted_on = match (before.accepted_on, before.decide_due) {
        (Some(day), _) => Some(day),
        // Accepted before the acceptance day was stored: the audit trail has it.
        (None, Some(_)) => {
            audit::day_of_last(db, "repair", &id.to_string(), "repair.accept").await?
        }
        (None, None) => None,
    };
    let due = schedule(calendar, before.applied_on, accepted_on, before.decide_due);
    let now = Schedule {
        accept_due: before.accept_due,
        decide_due: before.decide_due,
        notify_due: before.notify_due,
        provisional: before.deadlines_provisional,
    };
    if due == now && accepted_on == before.accepted_on {
        return Ok(false);
    }
    let mut active: repair::ActiveModel = before.clone().into();
    active.accepted_on = Set(accepted_on);
    due.set(&mut active);
    save(db, ctx, "repair.recompute_deadlines", before, active).await?;
    Ok(true)
}

/// Returns a submitted application for materials, with the reason; the applicant may file again.
pub async fn return_for_materials(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: RepairId,
    version: i32,
    reason: String,
) -> ApiResult<repair::Model> {
    let before = current(db, id, version, RepairStatus::Submitted, "returned").await?;
    let mut active: repair::ActiveModel = before.clone().into();
    active.status = Set(RepairStatus::Returned);
    active.decision_note = Set(Some(reason));
    save(db, ctx, "repair.return", before, active).await
}

/// Rejects an accepted application, with the reason; the entry stays published.
pub async fn reject(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: RepairId,
    version: i32,
    reason: String,
) -> ApiResult<repair::Model> {
    let before = current(db, id, version, RepairStatus::Accepted, "rejected").await?;
    let mut active: repair::ActiveModel = before.clone().into();
    active.status = Set(RepairStatus::Rejected);
    active.decision_note = Set(Some(reason));
    save(db, ctx, "repair.reject", before, active).await
}

/// Approves an accepted application and, on the same connection, ends the entry's publicity
/// ([`end_publicity`]): stop publishing and sharing, tell partners, all at once. The member who
/// accepted it cannot approve it.
pub async fn approve(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: RepairId,
    version: i32,
    approver: StaffId,
    note: Option<String>,
) -> ApiResult<(repair::Model, list_entry::Model)> {
    let before = current(db, id, version, RepairStatus::Accepted, "approved").await?;
    if before.accepted_by == Some(approver) {
        return Err(ApiError::new(
            ErrorCode::ReviewerIsAcceptor,
            format!(
                "Repair application `{id}` was accepted by you; another reviewer must decide it."
            ),
        ));
    }
    let entry = end_publicity(db, ctx, before.entry_id).await?;
    let mut active: repair::ActiveModel = before.clone().into();
    active.status = Set(RepairStatus::Approved);
    active.decision_note = Set(note);
    let after = save(db, ctx, "repair.approve", before, active).await?;
    Ok((after, entry))
}

/// Ends a published entry's publicity by an approved repair: status `repaired`, removed today
/// with the reason 信用修复, repair status `repaired`, the next version; with its own audit event
/// (`entry.repair`) and outbox rows for the entry and its subject, so the index, the public pages
/// and the partner change feed drop it.
pub async fn end_publicity(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    entry_id: EntryId,
) -> ApiResult<list_entry::Model> {
    let before = list_entry::Entity::find_by_id(entry_id)
        .one(db)
        .await?
        .ok_or_else(|| entry_not_found(entry_id))?;
    if before.status != EntryStatus::Published {
        return Err(ApiError::new(
            ErrorCode::RepairNotApplicable,
            format!(
                "Entry `{entry_id}` is `{}` and can no longer be repaired.",
                enum_str(before.status)
            ),
        ));
    }
    let mut active: list_entry::ActiveModel = before.clone().into();
    active.status = Set(EntryStatus::Repaired);
    active.removal_date = Set(Some(ctx.today));
    active.removal_reason = Set(Some(REMOVAL_REASON.into()));
    // The deciding authority decides the repair, so it is the removing one.
    active.removal_authority = Set(Some(before.authority_name.clone()));
    active.repair_status = Set(Some(REPAIRED.into()));
    super::entries::save(db, ctx, "entry.repair", before, active).await
}

const VERSIONED: super::Versioned<repair::Column> = super::Versioned {
    id: repair::Column::Id,
    version: repair::Column::Version,
    updated_at: repair::Column::UpdatedAt,
    conflict: ErrorCode::RepairVersionConflict,
    what: "Repair application",
};

async fn save(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    action: &str,
    before: repair::Model,
    active: repair::ActiveModel,
) -> ApiResult<repair::Model> {
    super::write_next_version(
        db,
        &VERSIONED,
        active,
        (before.id, before.version),
        ctx.now,
        ApiError::from,
    )
    .await?;
    let after = get(db, before.id).await?;
    write_trail(db, ctx, action, Some(&before), &after).await?;
    Ok(after)
}

async fn write_trail(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    action: &str,
    before: Option<&repair::Model>,
    after: &repair::Model,
) -> ApiResult<()> {
    // No outbox row: applications are never indexed or published.
    audit::record(
        db,
        audit::NewEvent {
            actor: &ctx.actor,
            action,
            target_type: "repair",
            target_id: after.id.to_string(),
            before: before.map(audit_view),
            after: Some(audit_view(after)),
            at: ctx.now,
        },
    )
    .await?;
    Ok(())
}

/// Filters of the office listing.
#[derive(Debug, Default)]
pub struct RepairFilter {
    /// Only this state.
    pub status: Option<RepairStatus>,
    /// Only applications for this entry.
    pub entry_id: Option<EntryId>,
    /// `Some(true)`: only open applications past a due date; `Some(false)`: only the others.
    pub overdue: Option<bool>,
}

/// One page of applications, oldest first (the work queue's order), with the total.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: RepairFilter,
    today: NaiveDate,
    page: Page,
) -> ApiResult<(Vec<repair::Model>, u64)> {
    let mut query = repair::Entity::find();
    if let Some(status) = filter.status {
        query = query.filter(repair::Column::Status.eq(status));
    }
    if let Some(entry) = filter.entry_id {
        query = query.filter(repair::Column::EntryId.eq(entry));
    }
    match filter.overdue {
        Some(true) => query = query.filter(overdue_condition(today)),
        Some(false) => query = query.filter(overdue_condition(today).not()),
        None => {}
    }
    let paginator = query
        .order_by_asc(repair::Column::CreatedAt)
        .order_by_asc(repair::Column::Id)
        .paginate(db, page.per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.page.saturating_sub(1)).await?;
    Ok((items, total))
}

/// A date as official documents write it: 2027年3月10日.
fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Escapes text from the database so that it reads as text in Markdown.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!'
        ) {
            out.push('\\');
        }
        if c == '\n' || c == '\r' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

fn list_label(list: ListKind) -> &'static str {
    match list {
        ListKind::Red => "红名单",
        ListKind::Black => "严重失信主体名单（黑名单）",
        ListKind::KeyAttention => "重点关注名单",
    }
}

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Minor => "轻微",
        Severity::General => "一般",
        Severity::Serious => "严重",
    }
}

/// The repair notice of entry `id`, read from the database, addressed as the public projection
/// shows the subject, issued on the projection's day.
pub async fn repair_notice_of(
    db: &impl ConnectionTrait,
    projector: &crate::services::projection::Projector<'_>,
    id: EntryId,
) -> ApiResult<String> {
    let entry = super::entries::get(db, id).await?;
    let subject = super::subjects::get(db, entry.subject_id).await?;
    repair_notice(
        &entry,
        &projector.public_subject(&subject),
        subject.uscc.as_deref(),
        projector.today,
    )
}

/// The repair notice (信用修复告知书) of a black-list or key-attention entry, in Markdown,
/// addressed to the subject as it may be shown publicly (natural persons masked), issued on
/// `issued_on`.
pub fn repair_notice(
    entry: &list_entry::Model,
    subject: &PublicSubject,
    uscc: Option<&str>,
    issued_on: NaiveDate,
) -> ApiResult<String> {
    let min_until = repairable(entry)?;
    let mut t = String::new();
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(t, "# 信用修复告知书\n");
    let _ = writeln!(t, "{}：\n", md(&subject.display_name));
    if let Some(code) = uscc {
        let _ = writeln!(t, "（统一社会信用代码：{}）\n", md(code));
    } else if let Some(masked) = &subject.id_number_masked {
        let _ = writeln!(t, "（身份证件号码：{}）\n", md(masked));
    }
    let _ = writeln!(t, "## 一、列入决定\n");
    let _ = writeln!(
        t,
        "{authority}于{date}作出决定（决定文书号：{doc}），将你（单位）列入{list}「{name}」。\n",
        authority = md(&entry.authority_name),
        date = zh_date(entry.decision_date),
        doc = md(&entry.document_number),
        list = list_label(entry.list),
        name = md(&entry.list_name),
    );
    let _ = writeln!(t, "- 认定部门：{}", md(&entry.authority_name));
    let _ = writeln!(t, "- 决定文书号：{}", md(&entry.document_number));
    let _ = writeln!(t, "- 认定日期：{}", zh_date(entry.decision_date));
    let _ = writeln!(t, "- 列入事由：{}", md(&entry.reason));
    if let Some(basis) = &entry.legal_basis {
        let _ = writeln!(t, "- 认定依据：{}", md(basis));
    }
    if let Some(severity) = entry.severity {
        let _ = writeln!(t, "- 失信等级：{}", severity_label(severity));
    }
    let _ = writeln!(t, "\n## 二、公示期限\n");
    let _ = writeln!(
        t,
        "- 公示起始日期：{}（公示期限自认定日期{}起计算）",
        zh_date(entry.valid_from),
        zh_date(entry.decision_date)
    );
    let _ = writeln!(t, "- 最短公示期届满日期：{}", zh_date(min_until));
    if let Some(until) = entry.publicity_until {
        let _ = writeln!(
            t,
            "- 最长公示期届满日期：{}（届满后自动停止公示，无需申请）",
            zh_date(until)
        );
    }
    let _ = writeln!(t, "\n## 三、信用修复的时间和条件\n");
    let _ = writeln!(
        t,
        "自{}起，你（单位）可以申请信用修复，提前停止公示。申请信用修复应当同时符合下列条件：\n",
        zh_date(min_until)
    );
    let _ = writeln!(t, "1. 最短公示期已届满；");
    let _ = writeln!(
        t,
        "2. 已履行相关法定义务、纠正失信行为（如已缴清罚款、履行生效法律文书确定的义务）；"
    );
    let _ = writeln!(t, "3. 作出信用承诺，提交信用承诺书。\n");
    let _ = writeln!(t, "**信用修复不收取任何费用。**\n");
    let _ = writeln!(t, "## 四、办理流程和时限（按工作日计算）\n");
    let _ = writeln!(
        t,
        "1. 提交申请：提交信用修复申请、信用承诺书及履行义务的证明材料；"
    );
    let _ = writeln!(
        t,
        "2. 受理：自收到申请之日起{ACCEPT_WITHIN}个工作日内决定受理，材料不全的退回并一次性告知需补正的内容；"
    );
    let _ = writeln!(
        t,
        "3. 决定：自受理之日起{DECIDE_WITHIN}个工作日内由认定部门作出是否修复的决定；"
    );
    let _ = writeln!(
        t,
        "4. 告知：自申请之日起{NOTIFY_WITHIN}个工作日内将结果告知申请人。\n"
    );
    let _ = writeln!(
        t,
        "信用修复决定作出后，停止公示、停止共享、解除联合惩戒措施同步进行，并通知相关部门。\n"
    );
    let _ = writeln!(t, "## 五、申请方式\n");
    let _ = writeln!(
        t,
        "在本网站该主体信用档案中本条记录下点击“信用修复申请”在线提交（`/cases/repair/{id}`），或由信息系统调用接口 `POST /api/v1/repairs` 提交，提交时请注明本条记录编号：`{id}`，并填写主体名称及统一社会信用代码（自然人填写姓名及公民身份号码），与本记录所列主体一致方可提交。在线提交的，凭提交成功时显示的受理编号和查询码在 `/cases` 查询办理进度；通过接口提交的，凭回执中的申请编号查询（`GET /api/v1/repairs/{{申请编号}}`）。\n",
        id = entry.id
    );
    let _ = writeln!(t, "{}", md(&entry.authority_name));
    let _ = writeln!(t, "\n{}", zh_date(issued_on));
    Ok(t)
}

/// Every repair application for any of `entries`, oldest first.
pub async fn of_entries(
    db: &impl ConnectionTrait,
    entries: &[EntryId],
) -> ApiResult<Vec<repair::Model>> {
    Ok(repair::Entity::find()
        .filter(repair::Column::EntryId.is_in(entries.iter().copied()))
        .order_by_asc(repair::Column::CreatedAt)
        .all(db)
        .await?)
}
