//! The public projection: what the search index and the public pages may show of the database.
//! Only published entries inside their publicity period; natural persons masked per configuration
//! and findable only through the keyed hash of name + ID number.

use crate::crypto::Keys;
use crate::domain::{IdMaskStyle, IdNumber, NameMask, RegionCode, mask_person_name};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{ListKind, NoticeCategory, SubjectKind, list_entry, notice, subject};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use search::{EntryDoc, NoticeDoc, SubjectDoc};
use std::collections::{BTreeSet, HashMap};

/// How public surfaces render personal data.
#[derive(Clone, Copy, Debug)]
pub struct Masking<'a> {
    /// ID-number masking style.
    pub id_mask: IdMaskStyle,
    /// Natural persons' name masking.
    pub name_mask: NameMask,
    /// Name masking of particular lists (by list name), overriding `name_mask` on their entries.
    pub per_list: &'a [(String, NameMask)],
}

impl Masking<'_> {
    /// The name masking of a list.
    pub fn name_mask_for(&self, list_name: &str) -> NameMask {
        self.per_list
            .iter()
            .find(|(name, _)| name == list_name)
            .map_or(self.name_mask, |(_, m)| *m)
    }
}

/// Per-list name masking, as configured: `失信被执行人=none;A级纳税人=keep_first`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListNameMasks(pub Vec<(String, NameMask)>);

impl std::str::FromStr for ListNameMasks {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut out = Vec::new();
        for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (list, mask) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` is not `list name=keep_first|none`"))?;
            let mask: NameMask = mask.trim().parse().map_err(|e| format!("`{part}`: {e}"))?;
            out.push((list.trim().to_owned(), mask));
        }
        Ok(Self(out))
    }
}

/// Everything a projection needs besides the rows.
#[derive(Clone, Copy, Debug)]
pub struct Projector<'a> {
    /// Keys for the person lookup hash (which needs the clear number and name).
    pub keys: &'a Keys,
    /// Masking settings.
    pub masking: Masking<'a>,
    /// Today in China: publicity is judged on this day.
    pub today: NaiveDate,
}

/// The snake_case name of an active enum value.
pub fn enum_str<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn unix(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// The public face of a subject: display name, masked ID number, person key.
#[derive(Clone, Debug)]
pub struct PublicSubject {
    /// Shown name (masked for natural persons).
    pub display_name: String,
    /// Searchable name (`None` for natural persons).
    pub name: Option<String>,
    /// Masked ID number (natural persons).
    pub id_number_masked: Option<String>,
    /// Keyed hash of name + ID number (natural persons).
    pub person_key: Option<String>,
    /// Division name.
    pub region_name: Option<String>,
}

impl Projector<'_> {
    /// How a subject may be shown publicly.
    pub fn public_subject(&self, s: &subject::Model) -> PublicSubject {
        let region_name = RegionCode::parse(&s.region_code)
            .ok()
            .and_then(|r| r.name())
            .map(str::to_owned);
        if s.kind != SubjectKind::NaturalPerson {
            return PublicSubject {
                display_name: s.name.clone(),
                name: Some(s.name.clone()),
                id_number_masked: None,
                person_key: None,
                region_name,
            };
        }
        let clear = s
            .id_number_cipher
            .as_deref()
            .and_then(|c| self.keys.decrypt(c));
        let number = clear
            .as_deref()
            .and_then(|c| IdNumber::parse(c, self.today).ok());
        PublicSubject {
            display_name: mask_person_name(&s.name, self.masking.name_mask),
            name: None,
            id_number_masked: masked_id_number(s, self.masking.id_mask),
            person_key: number
                .as_ref()
                .map(|n| self.keys.person_key(&s.name, n.as_str())),
            region_name,
        }
    }

    /// The search document of a subject, or `None` when it must not be public: a natural person
    /// appears only while one of their entries is public.
    pub fn subject_doc(
        &self,
        s: &subject::Model,
        public_entries: &[list_entry::Model],
        notice_count: u32,
    ) -> Option<SubjectDoc> {
        if s.kind == SubjectKind::NaturalPerson && public_entries.is_empty() {
            return None;
        }
        let p = self.public_subject(s);
        let count = |k: ListKind| public_entries.iter().filter(|e| e.list == k).count() as u32;
        let lists: BTreeSet<String> = public_entries.iter().map(|e| enum_str(e.list)).collect();
        let list_names: BTreeSet<String> =
            public_entries.iter().map(|e| e.list_name.clone()).collect();
        let authorities: BTreeSet<String> = public_entries
            .iter()
            .map(|e| e.authority_name.clone())
            .collect();
        let years: BTreeSet<i64> = public_entries
            .iter()
            .map(|e| i64::from(e.decision_date.year()))
            .collect();
        Some(SubjectDoc {
            id: s.id.to_string(),
            kind: enum_str(s.kind),
            display_name: p.display_name,
            name: p.name,
            uscc: s.uscc.clone(),
            // Masked with the configured style when shown ([`super::public::lookup`]), so that
            // the index follows a change of the setting without being rebuilt.
            id_number_masked: s.id_number_masked_widest.clone(),
            person_key: p.person_key,
            region_code: s.region_code.clone(),
            region_name: p.region_name,
            lists: lists.into_iter().collect(),
            list_names: list_names.into_iter().collect(),
            authorities: authorities.into_iter().collect(),
            years: years.into_iter().collect(),
            red_count: count(ListKind::Red),
            black_count: count(ListKind::Black),
            key_attention_count: count(ListKind::KeyAttention),
            notice_count,
            under_objection: public_entries.iter().any(|e| e.under_objection),
            updated_at: unix(s.updated_at),
        })
    }

    /// The search document of an entry, or `None` when it is not public today.
    pub fn entry_doc(&self, e: &list_entry::Model, s: &subject::Model) -> Option<EntryDoc> {
        if !e.is_public_on(self.today) {
            return None;
        }
        let mut p = self.public_subject(s);
        if s.kind == SubjectKind::NaturalPerson {
            p.display_name = mask_person_name(&s.name, self.masking.name_mask_for(&e.list_name));
        }
        Some(EntryDoc {
            id: e.id.to_string(),
            subject_id: s.id.to_string(),
            subject_kind: enum_str(s.kind),
            subject_display_name: p.display_name,
            subject_name: p.name,
            subject_uscc: s.uscc.clone(),
            person_key: p.person_key,
            list: enum_str(e.list),
            list_name: e.list_name.clone(),
            severity: e.severity.map(enum_str),
            reason: e.reason.clone(),
            facts: e.facts.clone(),
            legal_basis: e.legal_basis.clone(),
            authority: e.authority_name.clone(),
            authority_uscc: e.authority_uscc.clone(),
            document_number: e.document_number.clone(),
            decision_date: e.decision_date.to_string(),
            year: i64::from(e.decision_date.year()),
            listing_date: e.listing_date.to_string(),
            publicity_until: e.publicity_until.or(e.valid_until).map(|d| d.to_string()),
            region_code: s.region_code.clone(),
            under_objection: e.under_objection,
            decided_at: e
                .decision_date
                .and_hms_opt(0, 0, 0)
                .map(|d| d.and_utc().timestamp())
                .unwrap_or_default(),
        })
    }

    /// The search document of a notice, or `None` when it is not public today.
    pub fn notice_doc(&self, n: &notice::Model) -> Option<NoticeDoc> {
        if !n.is_public_on(self.today) {
            return None;
        }
        let text = crate::markdown::plain_text(&n.body_md);
        let summary: String = text.chars().take(120).collect();
        let date = n.publication_date.unwrap_or(self.today);
        Some(NoticeDoc {
            id: n.id.to_string(),
            title: n.title.clone(),
            category: enum_str(n.category),
            issuing_unit: n.issuing_unit.clone(),
            publication_date: date.to_string(),
            year: i64::from(date.year()),
            summary,
            body_text: text,
            subject_usccs: notice_usccs(n),
            published_at: date
                .and_hms_opt(0, 0, 0)
                .map(|d| d.and_utc().timestamp())
                .unwrap_or_default(),
        })
    }
}

/// A natural person's ID number as public and partner surfaces show it: the stored widest form
/// masked with `style` (never the clear number, which output does not decrypt for this).
pub fn masked_id_number(s: &subject::Model, style: IdMaskStyle) -> Option<String> {
    s.id_number_masked_widest
        .as_deref()
        .map(|widest| style.remask(widest))
}

/// The linked codes stored with a notice.
pub fn notice_usccs(n: &notice::Model) -> Vec<String> {
    serde_json::from_value(n.subject_usccs.clone()).unwrap_or_default()
}

/// Chinese label of a notice category.
pub fn category_label(c: NoticeCategory) -> &'static str {
    match c {
        NoticeCategory::DishonestyCase => "失信典型案例",
        NoticeCategory::IntegrityModel => "诚信典型",
    }
}

/// Published notices counted by linked code, for subject badges.
pub async fn notice_counts(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<HashMap<String, u32>, DbErr> {
    let mut counts = HashMap::new();
    for n in notice::Entity::find_public(today).all(db).await? {
        for code in notice_usccs(&n) {
            *counts.entry(code).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

/// The public entries of some subjects, grouped by subject.
pub async fn public_entries_of(
    db: &impl ConnectionTrait,
    subject_ids: &[entity::SubjectId],
    today: NaiveDate,
) -> Result<HashMap<entity::SubjectId, Vec<list_entry::Model>>, DbErr> {
    let mut map: HashMap<_, Vec<_>> = HashMap::new();
    for chunk in subject_ids.chunks(500) {
        // By subject only, publicity judged here: with the publicity conditions in the query,
        // SQLite's planner picks the status index and reads every published entry per chunk,
        // which made a rebuild grow with the square of the entries.
        let rows = list_entry::Entity::find()
            .filter(list_entry::Column::SubjectId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for e in rows.into_iter().filter(|e| e.is_public_on(today)) {
            map.entry(e.subject_id).or_default().push(e);
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_list_name_masks_parse_and_override_the_default() {
        let masks: ListNameMasks = "失信被执行人=none; A级纳税人 = keep_first"
            .parse()
            .expect("parses");
        let m = Masking {
            id_mask: IdMaskStyle::default(),
            name_mask: NameMask::KeepFirst,
            per_list: &masks.0,
        };
        assert_eq!(m.name_mask_for("失信被执行人"), NameMask::Full);
        assert_eq!(m.name_mask_for("其他名单"), NameMask::KeepFirst);
        assert!("失信被执行人".parse::<ListNameMasks>().is_err());
        assert_eq!("".parse::<ListNameMasks>(), Ok(ListNameMasks::default()));
    }
}
