//! The demo set: about 300 subjects of 汉中 with their entries in every state, written through
//! the services the office API uses.

use super::*;

/// A demo subject before insertion.
pub(super) struct DemoSubject {
    pub(super) profile: Profile,
    pub(super) command: NewSubject,
}

/// A demo subject after insertion.
pub(super) struct Seeded {
    pub(super) profile: Profile,
    pub(super) model: subject::Model,
    /// The ID number as it may be shown (natural persons).
    pub(super) id_masked: Option<String>,
}

/// What happens to a demo entry after it is drafted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fate {
    Draft,
    Published,
    Withdrawn,
}

/// A demo entry before insertion.
pub(super) struct PlannedEntry {
    pub(super) subject: usize,
    pub(super) listing: Listing,
    pub(super) content: EntryContent,
    pub(super) fate: Fate,
}

/// A demo entry after insertion.
pub(super) struct SeededEntry {
    pub(super) subject: usize,
    pub(super) listing: Listing,
    pub(super) model: list_entry::Model,
}

/// Generates unique names by retrying; the tables are large enough that a few tries suffice.
pub(super) fn unique_name(
    names: &mut HashSet<String>,
    mut generate: impl FnMut() -> String,
) -> Result<String, SeedError> {
    for _ in 0..1000 {
        let name = generate();
        if names.insert(name.clone()) {
            return Ok(name);
        }
    }
    Err(SeedError::Generated(
        "could not find a unique name".to_owned(),
    ))
}

/// A fresh demo code `{registration}{category}{region}` + a body from `body`, unique in `codes`.
pub(super) fn unique_code(
    codes: &mut HashSet<String>,
    registration: char,
    category: char,
    region_code: &str,
    mut body: impl FnMut() -> String,
) -> Result<Uscc, SeedError> {
    let region = region(region_code)?;
    for _ in 0..1000 {
        let uscc = Uscc::from_parts(registration, category, &region, &body())
            .map_err(|e| SeedError::Generated(format!("demo code: {e}")))?;
        if codes.insert(uscc.as_str().to_owned()) {
            return Ok(uscc);
        }
    }
    Err(SeedError::Generated(
        "could not find a unique code".to_owned(),
    ))
}

/// `count` random symbols of the USCC alphabet.
pub(super) fn symbols(rng: &mut Rng, count: usize) -> String {
    (0..count)
        .map(|_| char::from(rng.pick(USCC_SYMBOLS)))
        .collect()
}

/// A district index weighted towards the city's own districts, where most firms register.
pub(super) fn weighted_district(rng: &mut Rng) -> usize {
    match rng.below(100) {
        0..45 => 0,
        45..60 => 1,
        _ => rng.index(HANZHONG_DISTRICTS.len()),
    }
}

/// The demo subjects, in insertion order.
pub(super) fn demo_subjects(
    rng: &mut Rng,
    today: NaiveDate,
) -> Result<Vec<DemoSubject>, SeedError> {
    let mut names = HashSet::new();
    let mut codes = HashSet::new();
    let mut out = Vec::new();
    let organisation = |kind: SubjectKind,
                        name: String,
                        uscc: Uscc,
                        district_i: usize,
                        rng: &mut Rng|
     -> Result<NewSubject, SeedError> {
        Ok(NewSubject {
            kind,
            name,
            uscc: Some(uscc),
            uscc_warning: None,
            id_number: None,
            legal_representative: Some(person_name(rng)),
            region: region(district(district_i).0)?,
            address: Some(address(rng, district_i)),
        })
    };

    // Enterprises (91): 汉中市 or the county, a trade name, an industry, a legal form.
    for _ in 0..190 {
        let district_i = weighted_district(rng);
        let mut sector = Sector::Trade;
        let name = unique_name(&mut names, || {
            let place = if rng.percent(55) {
                "汉中市".to_owned()
            } else {
                district_full(district_i)
            };
            let (industry, industry_sector) = rng.pick(INDUSTRIES);
            sector = industry_sector;
            format!(
                "{place}{}{industry}{}",
                rng.pick(TRADE_NAMES),
                rng.pick(COMPANY_FORMS)
            )
        })?;
        let uscc = unique_code(&mut codes, '9', '1', district(district_i).0, || {
            format!("MA6{}", symbols(rng, 5))
        })?;
        let command = organisation(SubjectKind::LegalPerson, name, uscc, district_i, rng)?;
        out.push(DemoSubject {
            profile: Profile {
                category: Category::Enterprise(sector),
                district: district_i,
            },
            command,
        });
    }

    // Individual businesses (92): the county, a local word, a trade; the operator is recorded as
    // the legal representative field, as the registration does.
    for _ in 0..50 {
        let district_i = rng.index(HANZHONG_DISTRICTS.len());
        let mut sector = Sector::Trade;
        let name = unique_name(&mut names, || {
            let (shop, shop_sector) = rng.pick(SHOP_TYPES);
            sector = shop_sector;
            format!(
                "{}{}{shop}",
                district(district_i).1,
                rng.pick(landmarks(district_i))
            )
        })?;
        let uscc = unique_code(&mut codes, '9', '2', district(district_i).0, || {
            format!("MA6{}", symbols(rng, 5))
        })?;
        let command = organisation(SubjectKind::IndividualBusiness, name, uscc, district_i, rng)?;
        out.push(DemoSubject {
            profile: Profile {
                category: Category::Individual(sector),
                district: district_i,
            },
            command,
        });
    }

    // Farmers' cooperatives (93).
    for _ in 0..25 {
        let district_i = rng.index(HANZHONG_DISTRICTS.len());
        let name = unique_name(&mut names, || {
            format!(
                "{}{}{}专业合作社",
                district(district_i).1,
                rng.pick(landmarks(district_i)),
                rng.pick(COOPERATIVE_PRODUCTS)
            )
        })?;
        let uscc = unique_code(&mut codes, '9', '3', district(district_i).0, || {
            format!("MA6{}", symbols(rng, 5))
        })?;
        let command = organisation(SubjectKind::LegalPerson, name, uscc, district_i, rng)?;
        out.push(DemoSubject {
            profile: Profile {
                category: Category::Cooperative,
                district: district_i,
            },
            command,
        });
    }

    // Public institutions (12) and social organisations (52), whose codes embed an older
    // all-digit organisation code.
    for (table, category, kind, class) in [
        (
            INSTITUTIONS,
            Category::Institution,
            SubjectKind::LegalPerson,
            ('1', '2'),
        ),
        (
            SOCIAL_ORGANISATIONS,
            Category::SocialOrganisation,
            SubjectKind::OtherOrganisation,
            ('5', '2'),
        ),
    ] {
        for &(name, code) in table {
            names.insert(name.to_owned());
            let district_i = district_index(code);
            let uscc = unique_code(&mut codes, class.0, class.1, code, || {
                format!("{:08}", rng.between(43_000_000, 79_999_999))
            })?;
            let command = organisation(kind, name.to_owned(), uscc, district_i, rng)?;
            out.push(DemoSubject {
                profile: Profile {
                    category,
                    district: district_i,
                },
                command,
            });
        }
    }

    // Natural persons: adults born 1962-2000 in a 汉中 district; odd sequence for men.
    let mut ids = HashSet::new();
    for &(name, male) in PERSONS {
        names.insert(name.to_owned());
        let district_i = rng.index(HANZHONG_DISTRICTS.len());
        let region = region(district(district_i).0)?;
        let mut id_number = None;
        for _ in 0..1000 {
            // Years up to 2000 keep every person an adult on any day this code will run.
            let birth = ymd(
                1962 + i32::try_from(rng.below(39)).unwrap_or(0),
                1 + u32::try_from(rng.below(12)).unwrap_or(0),
                1 + u32::try_from(rng.below(28)).unwrap_or(0),
            )?;
            let sequence = u16::try_from(rng.below(500) * 2 + u64::from(male)).unwrap_or(1);
            let candidate = IdNumber::from_parts(&region, birth, sequence);
            if ids.insert(candidate.as_str().to_owned()) {
                id_number = Some(candidate);
                break;
            }
        }
        let id_number = id_number
            .ok_or_else(|| SeedError::Generated("could not find a unique ID number".into()))?;
        // The office would refuse an invalid number or a minor; so do we.
        let parsed = IdNumber::parse(id_number.as_str(), today)
            .map_err(|e| SeedError::Generated(format!("demo ID number: {e}")))?;
        if parsed.is_minor_on(today) {
            return Err(SeedError::Generated("demo person is a minor".to_owned()));
        }
        out.push(DemoSubject {
            profile: Profile {
                category: Category::Person,
                district: district_i,
            },
            command: NewSubject {
                kind: SubjectKind::NaturalPerson,
                name: name.to_owned(),
                uscc: None,
                uscc_warning: None,
                id_number: Some(parsed),
                legal_representative: None,
                region,
                address: None,
            },
        });
    }

    for subject in &out {
        let command = &subject.command;
        command
            .kind
            .check_uscc(command.uscc.as_ref())
            .map_err(|e| SeedError::Generated(format!("{}: {e}", command.name)))?;
    }
    Ok(out)
}

/// Percentage of subjects of a category with at least one entry, so that about 40% overall are
/// listed.
pub(super) fn demo_listed_percent(category: Category) -> u64 {
    match category {
        Category::Enterprise(_) => 45,
        Category::Individual(_) | Category::Cooperative => 35,
        Category::Person => 55,
        Category::Institution | Category::SocialOrganisation => 0,
    }
}

/// The demo entries: contents, and which stay drafts or are withdrawn.
pub(super) fn demo_entries(
    rng: &mut Rng,
    profiles: &[Profile],
    today: NaiveDate,
) -> Result<Vec<PlannedEntry>, SeedError> {
    let mut serial = rng.between(100, 300);
    let mut planned = Vec::new();
    for (subject, profile) in profiles.iter().enumerate() {
        let listed = demo_listed_percent(profile.category);
        for listing in plan_listings(rng, profile.category, listed) {
            serial += rng.between(1, 19);
            if serial >= SYNTHETIC_DOCUMENT_BASE {
                return Err(SeedError::Generated(
                    "demo document numbers reached the synthetic range".to_owned(),
                ));
            }
            let content = entry_content(rng, listing, *profile, today, serial)?;
            planned.push(PlannedEntry {
                subject,
                listing,
                content,
                fate: Fate::Published,
            });
        }
    }
    // Five drafts spread over the set, and two withdrawals of organisations' black entries, so
    // that every state of the workflow appears.
    let step = (planned.len() / 5).max(1);
    for i in 0..5 {
        if let Some(entry) = planned.get_mut(i * step + step / 2) {
            entry.fate = Fate::Draft;
        }
    }
    let withdrawable: Vec<usize> = planned
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.fate == Fate::Published
                && matches!(
                    e.listing,
                    Listing::JudgmentDefaulter | Listing::MarketViolator
                )
                && profiles[e.subject].category != Category::Person
        })
        .map(|(i, _)| i)
        .collect();
    for k in [1, 4] {
        if let Some(&i) = withdrawable.get(k) {
            planned[i].fate = Fate::Withdrawn;
        }
    }
    Ok(planned)
}

/// The public reason of a demo withdrawal.
pub(super) fn withdrawal_reason(entry: &list_entry::Model) -> String {
    if entry.list_name == "失信被执行人" {
        format!(
            "{}经复查发现原认定事实有误，已依法撤销{}失信决定，现予撤回。",
            entry.authority_name, entry.document_number
        )
    } else {
        format!(
            "原行政处罚决定已被行政复议机关撤销，{}列入决定随之撤销，现予撤回。",
            entry.document_number
        )
    }
}

/// Loads the demo set into an empty database.
///
/// Writes about 300 subjects of every kind across the 11 districts and counties of 汉中, red,
/// black and key-attention entries for about 40% of them (five left as drafts, two withdrawn),
/// and twelve published exposure notices, all through the services with the actor `seed`, so
/// the audit chain and the outbox are as if the office had typed them in. Dates are relative to
/// `state.clock.today()`: decisions fall within the last ~20 months, so their publicity is still
/// running.
///
/// Returns `None`, writing nothing, when the database already has subjects.
///
/// # Errors
///
/// A [`SeedError`] if the database or a service fails; subjects committed by earlier
/// transactions of the run stay, so a failed run is best followed by a fresh database.
pub async fn demo(state: &AppState) -> Result<Option<SeedReport>, SeedError> {
    let today = state.clock.today();
    let mut rng = Rng::new(DEMO_SEED);
    let subjects_in = demo_subjects(&mut rng, today)?;
    let profiles: Vec<Profile> = subjects_in.iter().map(|s| s.profile).collect();
    let planned = demo_entries(&mut rng, &profiles, today)?;

    let mut seeded: Vec<Seeded> = Vec::with_capacity(subjects_in.len());
    let mut pending = subjects_in.into_iter().peekable();
    let mut first = true;
    while pending.peek().is_some() {
        let txn = begin_write(&state.db).await?;
        // Checked inside the write transaction, which on SQLite already holds the write lock.
        if first && subject::Entity::find().count(&txn).await? > 0 {
            txn.rollback().await?;
            return Ok(None);
        }
        first = false;
        let ctx = state.write_ctx(ACTOR.to_owned());
        for demo_subject in pending.by_ref().take(DEMO_SUBJECTS_PER_TXN) {
            let id_masked = demo_subject
                .command
                .id_number
                .as_ref()
                .map(|n| n.masked(state.config.id_mask));
            let model = subjects::create(&txn, &ctx, demo_subject.command).await?;
            seeded.push(Seeded {
                profile: demo_subject.profile,
                model,
                id_masked,
            });
        }
        txn.commit().await?;
    }

    let txn = begin_write(&state.db).await?;
    let ctx = state.write_ctx(ACTOR.to_owned());
    let mut seeded_entries = Vec::with_capacity(planned.len());
    for plan in planned {
        let subject_id = seeded[plan.subject].model.id;
        let mut model = entries::create_draft(&txn, &ctx, subject_id, None, plan.content).await?;
        if plan.fate != Fate::Draft {
            model = entries::publish(&txn, &ctx, model.id, model.version, None).await?;
        }
        if plan.fate == Fate::Withdrawn {
            let reason = withdrawal_reason(&model);
            model = entries::withdraw(&txn, &ctx, model.id, model.version, reason).await?;
        }
        seeded_entries.push(SeededEntry {
            subject: plan.subject,
            listing: plan.listing,
            model,
        });
    }
    txn.commit().await?;

    let notices_in = demo_notices(&seeded, &seeded_entries, today)?;
    let report = SeedReport {
        subjects: seeded.len() as u64,
        entries: seeded_entries.len() as u64,
        notices: notices_in.len() as u64,
    };
    let txn = begin_write(&state.db).await?;
    let ctx = state.write_ctx(ACTOR.to_owned());
    for content in notices_in {
        let draft = notices::create_draft(&txn, &ctx, None, content).await?;
        notices::publish(&txn, &ctx, draft.id, draft.version, None).await?;
    }
    txn.commit().await?;
    Ok(Some(report))
}
