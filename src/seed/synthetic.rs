//! Synthetic data by the hundred thousand, written with bulk inserts for scale tests and
//! benchmarks.

use super::*;

/// The trade name that spells `counter` in [`SYNTHETIC_TRADE_CHARS`], always
/// [`SYNTHETIC_TRADE_WIDTH`] characters, so that different counters give different names.
///
/// The counter is first scrambled by multiplying with an odd constant modulo 64⁴ = 2²⁴, which
/// is a bijection: neighbouring subjects get unrelated names instead of sharing three leading
/// characters.
pub(super) fn synthetic_trade_name(counter: u64) -> String {
    const SCRAMBLE: u64 = 0x9E_3779;
    let mut rest = counter.wrapping_mul(SCRAMBLE) % 64u64.pow(SYNTHETIC_TRADE_WIDTH);
    let mut chars = Vec::with_capacity(SYNTHETIC_TRADE_WIDTH as usize);
    for _ in 0..SYNTHETIC_TRADE_WIDTH {
        chars.push(SYNTHETIC_TRADE_CHARS[(rest % 64) as usize]);
        rest /= 64;
    }
    chars.into_iter().collect()
}

/// The organisation-code body that spells `counter`: the marker, then six symbols.
pub(super) fn synthetic_body(counter: u64) -> String {
    let mut rest = counter;
    let mut symbols = [0u8; 6];
    for symbol in symbols.iter_mut().rev() {
        *symbol = USCC_SYMBOLS[(rest % 31) as usize];
        rest /= 31;
    }
    let mut body = SYNTHETIC_BODY_MARKER.to_owned();
    body.extend(symbols.iter().map(|&b| char::from(b)));
    body
}

/// The largest counter a synthetic subject can have: names and codes both spell it.
pub(super) fn synthetic_capacity() -> u64 {
    64u64.pow(SYNTHETIC_TRADE_WIDTH).min(31u64.pow(6))
}

/// One synthetic subject with its entries, as rows ready to insert.
pub(super) fn synthetic_subject(
    rng: &mut Rng,
    counter: u64,
    today: NaiveDate,
    now: DateTime<Utc>,
    entries_out: &mut Vec<list_entry::ActiveModel>,
) -> Result<subject::ActiveModel, SeedError> {
    let district_i = if rng.percent(30) {
        weighted_district(rng)
    } else {
        rng.index(HANZHONG_DISTRICTS.len())
    };
    let (code, county) = district(district_i);
    let trade = synthetic_trade_name(counter);
    let (kind, category, class, name) = match rng.below(10) {
        0..6 => {
            let (industry, sector) = rng.pick(INDUSTRIES);
            let place = if rng.percent(50) {
                "汉中市".to_owned()
            } else {
                district_full(district_i)
            };
            (
                SubjectKind::LegalPerson,
                Category::Enterprise(sector),
                '1',
                format!("{place}{trade}{industry}{}", rng.pick(COMPANY_FORMS)),
            )
        }
        6..9 => {
            let (shop, sector) = rng.pick(SHOP_TYPES);
            (
                SubjectKind::IndividualBusiness,
                Category::Individual(sector),
                '2',
                format!("{county}{trade}{shop}"),
            )
        }
        _ => (
            SubjectKind::LegalPerson,
            Category::Cooperative,
            '3',
            format!(
                "{county}{trade}{}专业合作社",
                rng.pick(COOPERATIVE_PRODUCTS)
            ),
        ),
    };
    let uscc = Uscc::from_parts('9', class, &region(code)?, &synthetic_body(counter))
        .map_err(|e| SeedError::Generated(format!("synthetic code: {e}")))?;
    let subject_id = SubjectId::new();
    let profile = Profile {
        category,
        district: district_i,
    };
    for (k, listing) in plan_listings(rng, category, SYNTHETIC_LISTED_PERCENT)
        .into_iter()
        .enumerate()
    {
        let serial = SYNTHETIC_DOCUMENT_BASE + counter * 2 + k as u64;
        let content = entry_content(rng, listing, profile, today, serial)?;
        entries_out.push(published_entry(subject_id, content, now)?);
    }
    Ok(subject::ActiveModel {
        id: Set(subject_id),
        kind: Set(kind.into()),
        name: Set(name),
        uscc: Set(Some(uscc.into())),
        uscc_warning: Set(None),
        id_number_cipher: Set(None),
        id_number_hash: Set(None),
        id_number_masked: Set(None),
        id_number_masked_widest: Set(None),
        legal_representative: Set(Some(person_name(rng))),
        region_code: Set(code.to_owned()),
        address: Set(Some(address(rng, district_i))),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
}

/// A published entry row, its publicity computed by the rule in force on its decision date.
pub(super) fn published_entry(
    subject_id: SubjectId,
    c: EntryContent,
    now: DateTime<Utc>,
) -> Result<list_entry::ActiveModel, SeedError> {
    let (min_until, until) = c.publicity()?;
    Ok(list_entry::ActiveModel {
        id: Set(EntryId::new()),
        subject_id: Set(subject_id),
        list: Set(c.list.into()),
        list_name: Set(c.list_name),
        severity: Set(c.severity.map(Into::into)),
        reason: Set(c.reason),
        facts: Set(c.facts),
        legal_basis: Set(c.legal_basis),
        authority_name: Set(c.authority_name),
        authority_uscc: Set(c.authority_uscc),
        document_number: Set(c.document_number),
        decision_date: Set(c.decision_date),
        listing_date: Set(c.listing_date),
        valid_from: Set(c.valid_from),
        valid_until: Set(c.valid_until),
        publicity_min_until: Set(min_until),
        publicity_until: Set(until),
        removal_date: Set(None),
        removal_reason: Set(None),
        removal_authority: Set(None),
        repair_status: Set(None),
        under_objection: Set(false),
        source_name: Set(c.source_name),
        source_uscc: Set(c.source_uscc),
        status: Set(EntryStatus::Published),
        created_by: Set(None),
        edited_by: Set(None),
        submitted_by: Set(None),
        reviewed_by: Set(None),
        review_note: Set(None),
        published_at: Set(Some(now)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
}

/// Bulk-loads `n` valid synthetic subjects, about 30% of them with one or two published entries
/// (red, black or key attention), for scale tests and benchmarks.
///
/// Subjects are enterprises, individual businesses and cooperatives (`91`/`92`/`93`) spread over
/// the districts of 汉中. Names, codes and document numbers spell a counter that starts after
/// the subjects already in the database, so the function may run on a non-empty database (after
/// [`demo`], or a second time) without collisions. Rows are inserted 500 at a time in a few
/// write transactions; no per-row audit events or outbox rows are written — one audit event,
/// `seed.synthetic`, records the run, and the caller reindexes afterwards. `progress` is called
/// with the number of subjects written so far after every chunk.
///
/// # Errors
///
/// A [`SeedError`] if the database fails, or [`SeedError::Generated`] if the run would exceed
/// the counters names and codes can spell (over 16 million subjects). Chunks committed before a
/// failure stay.
pub async fn synthetic(
    state: &AppState,
    n: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<SeedReport, SeedError> {
    let mut report = SeedReport::default();
    if n == 0 {
        return Ok(report);
    }
    let today = state.clock.today();
    let now = state.clock.now();
    let mut txn = begin_write(&state.db).await?;
    // Counted under the write lock, so the counters of this run are free (subjects are never
    // deleted).
    let start = subject::Entity::find().count(&txn).await?;
    if start.saturating_add(n) > synthetic_capacity() {
        return Err(SeedError::Generated(format!(
            "{n} more subjects after {start} exceed the {} synthetic names and codes",
            synthetic_capacity()
        )));
    }
    audit::lock(&txn).await?;
    // The seeded entries are published: the change feed records them, as it records every
    // write the public sees (partners' snapshots and screening follow the feed).
    let ctx = state.write_ctx(ACTOR.to_owned());
    let projector = crate::services::changes::projector(&ctx);
    let mut rng = Rng::new(SYNTHETIC_SEED ^ start);
    let mut in_txn = 0;
    while report.subjects < n {
        let size = SYNTHETIC_CHUNK.min(n - report.subjects);
        let mut subject_rows = Vec::with_capacity(size as usize);
        let mut entry_rows = Vec::new();
        for i in 0..size {
            let counter = start + report.subjects + i;
            subject_rows.push(synthetic_subject(
                &mut rng,
                counter,
                today,
                now,
                &mut entry_rows,
            )?);
        }
        let feed = feed_rows(&projector, &subject_rows, &entry_rows, now)?;
        subject::Entity::insert_many(subject_rows)
            .exec_without_returning(&txn)
            .await?;
        report.entries += entry_rows.len() as u64;
        let mut rows = entry_rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<_> = rows.by_ref().take(SYNTHETIC_CHUNK as usize).collect();
            list_entry::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        let mut feed = feed.into_iter().peekable();
        while feed.peek().is_some() {
            let chunk: Vec<_> = feed.by_ref().take(SYNTHETIC_CHUNK as usize).collect();
            public_change::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        report.subjects += size;
        in_txn += size;
        progress(report.subjects);
        if in_txn >= SYNTHETIC_SUBJECTS_PER_TXN && report.subjects < n {
            txn.commit().await?;
            txn = begin_write(&state.db).await?;
            audit::lock(&txn).await?;
            in_txn = 0;
        }
    }
    audit::record(
        &txn,
        audit::NewEvent {
            actor: ACTOR,
            action: "seed.synthetic",
            target_type: "seed",
            target_id: format!("synthetic:{start}"),
            before: None,
            after: Some(json!({
                "subjects": report.subjects,
                "entries": report.entries,
                "first_counter": start,
                "last_counter": start + n - 1,
            })),
            at: now,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

/// The change-feed rows of a chunk's public entries.
fn feed_rows(
    projector: &crate::services::projection::Projector<'_>,
    subjects: &[subject::ActiveModel],
    entries: &[list_entry::ActiveModel],
    now: DateTime<Utc>,
) -> Result<Vec<public_change::ActiveModel>, SeedError> {
    use sea_orm::TryIntoModel;
    let subjects: std::collections::HashMap<SubjectId, subject::Model> = subjects
        .iter()
        .map(|s| s.clone().try_into_model().map(|m| (m.id, m)))
        .collect::<Result<_, DbErr>>()?;
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        let e = e.clone().try_into_model()?;
        if let Some(s) = subjects.get(&e.subject_id)
            && let Some(row) = crate::services::changes::added(projector, &e, s, now)
        {
            rows.push(row);
        }
    }
    Ok(rows)
}
