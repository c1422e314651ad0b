//! Demo and synthetic data: what they write, and that all of it passes the office's own checks.

use crate::db_tests;
use crate::helpers::{Backend, TestApp};
use chrono::NaiveDate;
use entity::{EntryStatus, NoticeStatus, audit_event, list_entry, notice, outbox, subject};
use sea_orm::{ColumnTrait, EntityName, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::HashSet;
use std::sync::Mutex;
use xinyong::domain::{HANZHONG_DISTRICTS, IdNumber, SubjectKind, Uscc};
use xinyong::input::entries::{EntryFields, parse_fields};
use xinyong::input::subjects::{SubjectIn, parse_subject};
use xinyong::seed;
use xinyong::services::audit::{self, ChainCheck};

/// The snake_case name of a stored enum value.
fn code<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .expect("serialises")
        .as_str()
        .expect("a string")
        .to_owned()
}

async fn all_subjects(app: &TestApp) -> Vec<subject::Model> {
    subject::Entity::find()
        .all(&app.state.db)
        .await
        .expect("subjects")
}

async fn all_entries(app: &TestApp) -> Vec<list_entry::Model> {
    list_entry::Entity::find()
        .all(&app.state.db)
        .await
        .expect("entries")
}

/// The clear ID number of a natural person, decrypted as the office would.
fn clear_id_number(app: &TestApp, s: &subject::Model) -> String {
    let cipher = s
        .id_number_cipher
        .as_deref()
        .expect("a person has a cipher");
    app.state.keys.decrypt(cipher).expect("decrypts")
}

/// Every subject passes the office API's parser, codes and names are unique, persons' ID numbers
/// are valid, adult, from a 汉中 district, and stored only encrypted, hashed and masked.
fn assert_subjects_valid(app: &TestApp, subjects: &[subject::Model], today: NaiveDate) {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for s in subjects {
        assert!(names.insert(s.name.clone()), "duplicate name {}", s.name);
        let kind: SubjectKind = code(s.kind).parse().expect("kind");
        let id_number = match kind {
            SubjectKind::NaturalPerson => {
                assert!(s.uscc.is_none());
                let clear = clear_id_number(app, s);
                let parsed = IdNumber::parse(&clear, today).expect("valid ID number");
                assert!(!parsed.is_minor_on(today), "{} is a minor", s.name);
                assert!(
                    HANZHONG_DISTRICTS.iter().any(|(c, _)| clear.starts_with(c)),
                    "{} is not from 汉中",
                    s.name
                );
                assert_eq!(s.region_code, clear[..6]);
                assert_eq!(
                    s.id_number_hash.as_deref(),
                    Some(app.state.keys.keyed_hash(&clear).as_str())
                );
                assert_eq!(
                    s.id_number_masked.as_deref(),
                    Some(format!("{}********{}", &clear[..6], &clear[14..]).as_str())
                );
                Some(clear)
            }
            _ => {
                let uscc = Uscc::parse(s.uscc.as_deref().expect("organisations have a code"))
                    .expect("valid USCC");
                kind.check_uscc(Some(&uscc)).expect("kind fits the code");
                assert!(codes.insert(uscc.as_str().to_owned()), "duplicate code");
                assert_eq!(uscc.region().as_str(), s.region_code);
                assert!(s.legal_representative.is_some() && s.address.is_some());
                None
            }
        };
        let input = SubjectIn {
            kind: code(s.kind),
            name: s.name.clone(),
            uscc: s.uscc.clone(),
            id_number,
            legal_representative: s.legal_representative.clone(),
            region_code: Some(s.region_code.clone()),
            address: s.address.clone(),
        };
        if let Err(err) = parse_subject(input, today) {
            panic!("the office would refuse {}: {}", s.name, err.message);
        }
    }
}

/// Every entry passes the office API's parser and carries the publicity it computes; published
/// ones are public today.
fn assert_entries_valid(entries: &[list_entry::Model], today: NaiveDate) {
    let mut keys = HashSet::new();
    for e in entries {
        assert!(keys.insert((e.authority_name.clone(), e.document_number.clone())));
        let fields = EntryFields {
            subject_id: Some(e.subject_id.0),
            list: Some(code(e.list)),
            list_name: Some(e.list_name.clone()),
            severity: e.severity.map(code),
            reason: Some(e.reason.clone()),
            facts: e.facts.clone(),
            legal_basis: e.legal_basis.clone(),
            authority_name: Some(e.authority_name.clone()),
            authority_uscc: e.authority_uscc.clone(),
            document_number: Some(e.document_number.clone()),
            decision_date: Some(e.decision_date),
            listing_date: Some(e.listing_date),
            valid_from: Some(e.valid_from),
            valid_until: e.valid_until,
            source_name: Some(e.source_name.clone()),
            source_uscc: e.source_uscc.clone(),
            ..Default::default()
        };
        let content = match parse_fields(fields, today) {
            Ok(content) => content,
            Err(err) => panic!(
                "the office would refuse {}: {}",
                e.document_number, err.message
            ),
        };
        let (min_until, until) = content.publicity().expect("publishable");
        assert_eq!(
            (e.publicity_min_until, e.publicity_until),
            (min_until, until)
        );
        assert!(
            e.authority_uscc
                .as_deref()
                .is_some_and(|c| c.starts_with("11"))
        );
        if e.status == EntryStatus::Published {
            assert!(e.is_public_on(today), "{} is not public", e.document_number);
        }
    }
}

async fn assert_chain_intact(app: &TestApp) {
    let check = audit::verify(&app.state.db).await.expect("verify");
    assert!(matches!(check, ChainCheck::Intact { .. }), "{check:?}");
}

async fn the_demo_set_loads_into_an_empty_database_and_passes_the_office_checks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let today = app.state.clock.today();
    let report = seed::demo(&app.state)
        .await
        .expect("demo loads")
        .expect("the database was empty");

    let subjects = all_subjects(&app).await;
    assert_eq!(report.subjects, subjects.len() as u64);
    assert!(subjects.len() >= 250, "{} subjects", subjects.len());
    let prefixes: HashSet<&str> = subjects
        .iter()
        .filter_map(|s| s.uscc.as_deref().map(|c| &c[..2]))
        .collect();
    assert_eq!(prefixes, HashSet::from(["91", "92", "93", "12", "52"]));
    let regions: HashSet<&str> = subjects.iter().map(|s| s.region_code.as_str()).collect();
    assert_eq!(regions.len(), HANZHONG_DISTRICTS.len());
    let persons: Vec<&subject::Model> = subjects
        .iter()
        .filter(|s| s.kind == entity::SubjectKind::NaturalPerson)
        .collect();
    assert!(
        (15..=25).contains(&persons.len()),
        "{} persons",
        persons.len()
    );
    assert_subjects_valid(&app, &subjects, today);

    let entries = all_entries(&app).await;
    assert_eq!(report.entries, entries.len() as u64);
    let in_state = |status: EntryStatus| entries.iter().filter(|e| e.status == status).count();
    assert!(in_state(EntryStatus::Published) >= 100);
    assert!(in_state(EntryStatus::Draft) >= 5);
    assert!(in_state(EntryStatus::Withdrawn) >= 1);
    assert!(
        entries
            .iter()
            .filter(|e| e.status == EntryStatus::Withdrawn)
            .all(|e| e.removal_reason.is_some() && e.removal_date == Some(today))
    );
    for list in [
        entity::ListKind::Red,
        entity::ListKind::Black,
        entity::ListKind::KeyAttention,
    ] {
        assert!(entries.iter().any(|e| e.list == list), "no {list:?} entry");
    }
    let listed: HashSet<_> = entries.iter().map(|e| e.subject_id).collect();
    let share = listed.len() as f64 / subjects.len() as f64;
    assert!((0.3..=0.5).contains(&share), "{share} of subjects listed");
    let person_ids: HashSet<_> = persons.iter().map(|p| p.id).collect();
    let defaulting_persons = entries
        .iter()
        .filter(|e| e.list_name == "失信被执行人" && person_ids.contains(&e.subject_id))
        .count();
    assert!(
        defaulting_persons >= 3,
        "{defaulting_persons} persons defaulted"
    );
    assert_entries_valid(&entries, today);

    let notices = notice::Entity::find()
        .all(&app.state.db)
        .await
        .expect("notices");
    assert_eq!(notices.len(), 12);
    assert_eq!(report.notices, 12);
    let codes: HashSet<&str> = subjects.iter().filter_map(|s| s.uscc.as_deref()).collect();
    let clear_ids: Vec<String> = persons.iter().map(|p| clear_id_number(&app, p)).collect();
    for n in &notices {
        assert_eq!(n.status, NoticeStatus::Published);
        assert!(n.is_public_on(today));
        for section in ["## 基本案情", "## 处理结果", "## 法律依据", "## 典型意义"]
        {
            assert!(n.body_md.contains(section), "{} lacks {section}", n.title);
        }
        let linked: Vec<String> = serde_json::from_value(n.subject_usccs.clone()).expect("codes");
        assert!((1..=3).contains(&linked.len()), "{}", n.title);
        for c in &linked {
            Uscc::parse(c).expect("valid linked code");
            assert!(codes.contains(c.as_str()), "{c} is not a seeded subject");
        }
    }
    assert!(
        notices
            .iter()
            .any(|n| n.category == entity::NoticeCategory::DishonestyCase)
            && notices
                .iter()
                .any(|n| n.category == entity::NoticeCategory::IntegrityModel)
    );
    // The clear number is in no notice, no audit event and no outbox row.
    for table in [
        notice::Entity.table_name(),
        audit_event::Entity.table_name(),
        outbox::Entity.table_name(),
    ] {
        let text = app.table_text(table).await;
        for id in &clear_ids {
            assert!(!text.contains(id.as_str()), "a clear ID number in {table}");
        }
    }
    assert!(
        notices.iter().any(|n| n.body_md.contains("********")),
        "a person appears masked in a notice"
    );

    // Everything went through the services: one outbox row per write at least, and the chain.
    assert!(app.count(outbox::Entity).await >= report.subjects + report.entries);
    let seed_events = audit_event::Entity::find()
        .filter(audit_event::Column::Actor.eq("seed"))
        .count(&app.state.db)
        .await
        .expect("count");
    assert_eq!(seed_events, app.count(audit_event::Entity).await);
    assert!(seed_events >= report.subjects + 2 * report.entries);
    assert_chain_intact(&app).await;
}

async fn a_second_demo_run_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    seed::demo(&app.state)
        .await
        .expect("demo loads")
        .expect("the database was empty");
    let before = (
        app.count(subject::Entity).await,
        app.count(list_entry::Entity).await,
        app.count(notice::Entity).await,
        app.count(audit_event::Entity).await,
        app.count(outbox::Entity).await,
    );
    let second = seed::demo(&app.state).await.expect("no error");
    assert!(second.is_none());
    let after = (
        app.count(subject::Entity).await,
        app.count(list_entry::Entity).await,
        app.count(notice::Entity).await,
        app.count(audit_event::Entity).await,
        app.count(outbox::Entity).await,
    );
    assert_eq!(before, after);
}

async fn synthetic_runs_write_valid_unique_subjects_and_can_be_repeated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let today = app.state.clock.today();
    let calls = Mutex::new(Vec::new());
    let progress = |done: u64| calls.lock().expect("lock").push(done);

    let first = seed::synthetic(&app.state, 2_000, &progress)
        .await
        .expect("first run");
    assert_eq!(first.subjects, 2_000);
    assert_eq!(first.notices, 0);
    assert_eq!(*calls.lock().expect("lock"), vec![500, 1_000, 1_500, 2_000]);
    assert_eq!(app.count(subject::Entity).await, 2_000);
    assert_eq!(app.count(list_entry::Entity).await, first.entries);
    // Bulk data: no outbox rows (the caller reindexes) and one audit event for the run.
    assert_eq!(app.count(outbox::Entity).await, 0);
    assert_eq!(app.count(audit_event::Entity).await, 1);

    calls.lock().expect("lock").clear();
    let second = seed::synthetic(&app.state, 2_000, &progress)
        .await
        .expect("a second run does not collide with the first");
    assert_eq!(second.subjects, 2_000);
    assert_eq!(calls.lock().expect("lock").last(), Some(&2_000));

    let subjects = all_subjects(&app).await;
    assert_eq!(subjects.len(), 4_000);
    assert_subjects_valid(&app, &subjects, today);
    let prefixes: HashSet<&str> = subjects
        .iter()
        .filter_map(|s| s.uscc.as_deref().map(|c| &c[..2]))
        .collect();
    assert_eq!(prefixes, HashSet::from(["91", "92", "93"]));

    let entries = all_entries(&app).await;
    assert_eq!(entries.len() as u64, first.entries + second.entries);
    assert!(entries.iter().all(|e| e.status == EntryStatus::Published));
    let listed: HashSet<_> = entries.iter().map(|e| e.subject_id).collect();
    let share = listed.len() as f64 / subjects.len() as f64;
    assert!((0.25..=0.35).contains(&share), "{share} of subjects listed");
    for list in [
        entity::ListKind::Red,
        entity::ListKind::Black,
        entity::ListKind::KeyAttention,
    ] {
        assert!(entries.iter().any(|e| e.list == list), "no {list:?} entry");
    }
    assert_entries_valid(&entries, today);

    let events = audit_event::Entity::find()
        .all(&app.state.db)
        .await
        .expect("events");
    assert_eq!(events.len(), 2);
    assert!(
        events
            .iter()
            .all(|e| e.action == "seed.synthetic" && e.actor == "seed")
    );
    assert_chain_intact(&app).await;
}

async fn synthetic_data_can_follow_the_demo_set(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let demo = seed::demo(&app.state)
        .await
        .expect("demo loads")
        .expect("the database was empty");
    let report = seed::synthetic(&app.state, 1_000, &|_| {})
        .await
        .expect("no collision with the demo set");
    assert_eq!(report.subjects, 1_000);
    assert_eq!(
        app.count(subject::Entity).await,
        demo.subjects + report.subjects
    );
    assert_eq!(
        app.count(list_entry::Entity).await,
        demo.entries + report.entries
    );
    let subjects = all_subjects(&app).await;
    let names: HashSet<&str> = subjects.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), subjects.len());
    assert_chain_intact(&app).await;
}

db_tests!(
    the_demo_set_loads_into_an_empty_database_and_passes_the_office_checks,
    a_second_demo_run_writes_nothing,
    synthetic_runs_write_valid_unique_subjects_and_can_be_repeated,
    synthetic_data_can_follow_the_demo_set,
);
