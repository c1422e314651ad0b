//! The public documents of the three indexes. They hold only what may be published: masked
//! names and ID numbers for natural persons, never a clear ID number, never a draft.

use serde::{Deserialize, Serialize};

use crate::{Document, IndexSettings};

/// A credit subject with its public badges and counts (index `subjects`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectDoc {
    /// Opaque public id (a UUID string); the primary key.
    pub id: String,
    /// `legal_person` | `other_organisation` | `individual_business` | `natural_person`.
    pub kind: String,
    /// The name to show; already masked for natural persons. Not searchable.
    pub display_name: String,
    /// The searchable name; `None` for natural persons, who are never found by a fragment.
    pub name: Option<String>,
    /// Unified social credit code: found by an exact query; filterable.
    pub uscc: Option<String>,
    /// Masked ID number, in the widest masked form of the application (which masks it again
    /// with its configured style before showing it); for display only.
    pub id_number_masked: Option<String>,
    /// Keyed hash of a natural person's ID number, for exact lookup by filter only.
    pub person_key: Option<String>,
    /// Division code of the region.
    pub region_code: String,
    /// Name of the region, for display.
    pub region_name: Option<String>,
    /// Lists the subject is on: `red` | `black` | `key_attention`.
    pub lists: Vec<String>,
    /// Names of those lists, e.g. `A级纳税人`, `失信被执行人`.
    pub list_names: Vec<String>,
    /// Deciding authorities of its entries.
    pub authorities: Vec<String>,
    /// Decision years of its entries.
    pub years: Vec<i64>,
    /// Number of public red-list entries.
    pub red_count: u32,
    /// Number of public black-list entries.
    pub black_count: u32,
    /// Number of public key-attention entries.
    pub key_attention_count: u32,
    /// Number of published exposure notices naming it.
    pub notice_count: u32,
    /// Whether an objection is being handled.
    pub under_objection: bool,
    /// Last change, unix seconds; sortable.
    pub updated_at: i64,
}

impl Document for SubjectDoc {
    const INDEX: &'static str = "subjects";

    fn id(&self) -> &str {
        &self.id
    }

    fn settings() -> IndexSettings {
        IndexSettings {
            searchable: &["name"],
            codes: &["uscc"],
            filterable: &[
                "kind",
                "uscc",
                "person_key",
                "region_code",
                "lists",
                "list_names",
                "authorities",
                "years",
                "under_objection",
            ],
            sortable: &["updated_at"],
            bigrams: &["name"],
        }
    }
}

/// One public list entry (index `entries`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryDoc {
    /// Entry id; the primary key.
    pub id: String,
    /// Public id of its subject.
    pub subject_id: String,
    /// Kind of its subject.
    pub subject_kind: String,
    /// Subject name to show (masked for natural persons).
    pub subject_display_name: String,
    /// Searchable subject name; `None` for natural persons.
    pub subject_name: Option<String>,
    /// The subject's USCC: exact match and filterable.
    pub subject_uscc: Option<String>,
    /// Keyed hash of a natural person's ID number (filter only).
    pub person_key: Option<String>,
    /// `red` | `black` | `key_attention`.
    pub list: String,
    /// Name of the list, e.g. `失信被执行人`.
    pub list_name: String,
    /// Severity, where the list has one.
    pub severity: Option<String>,
    /// Why the subject is listed.
    pub reason: String,
    /// The facts found.
    pub facts: Option<String>,
    /// Legal basis of the decision.
    pub legal_basis: Option<String>,
    /// Deciding authority.
    pub authority: String,
    /// The authority's USCC.
    pub authority_uscc: Option<String>,
    /// Number of the decision document (exact match).
    pub document_number: String,
    /// Decision date, `YYYY-MM-DD`.
    pub decision_date: String,
    /// Decision year.
    pub year: i64,
    /// Date the entry was listed, `YYYY-MM-DD`.
    pub listing_date: String,
    /// End of the publicity period, `YYYY-MM-DD`, if any.
    pub publicity_until: Option<String>,
    /// Division code of the region.
    pub region_code: String,
    /// Whether an objection is being handled.
    pub under_objection: bool,
    /// Decision time, unix seconds; sortable.
    pub decided_at: i64,
}

impl Document for EntryDoc {
    const INDEX: &'static str = "entries";

    fn id(&self) -> &str {
        &self.id
    }

    fn settings() -> IndexSettings {
        IndexSettings {
            searchable: &["subject_name", "list_name", "reason", "facts"],
            codes: &["subject_uscc", "document_number"],
            filterable: &[
                "subject_id",
                "subject_kind",
                "subject_uscc",
                "person_key",
                "list",
                "list_name",
                "severity",
                "authority",
                "year",
                "region_code",
                "under_objection",
            ],
            sortable: &["decided_at"],
            bigrams: &["subject_name"],
        }
    }
}

/// A published exposure notice (index `notices`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeDoc {
    /// Notice id; the primary key.
    pub id: String,
    /// Title.
    pub title: String,
    /// Category.
    pub category: String,
    /// Issuing unit.
    pub issuing_unit: String,
    /// Publication date, `YYYY-MM-DD`.
    pub publication_date: String,
    /// Publication year.
    pub year: i64,
    /// Short summary, for display.
    pub summary: String,
    /// Body as plain text.
    pub body_text: String,
    /// USCCs of the subjects named: exact match and filterable.
    pub subject_usccs: Vec<String>,
    /// Publication time, unix seconds; sortable.
    pub published_at: i64,
}

impl Document for NoticeDoc {
    const INDEX: &'static str = "notices";

    fn id(&self) -> &str {
        &self.id
    }

    fn settings() -> IndexSettings {
        IndexSettings {
            searchable: &["title", "body_text"],
            codes: &["subject_usccs"],
            filterable: &["category", "issuing_unit", "year", "subject_usccs"],
            sortable: &["published_at"],
            bigrams: &["title"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_of_every_document_are_coherent() {
        for settings in [
            SubjectDoc::settings(),
            EntryDoc::settings(),
            NoticeDoc::settings(),
        ] {
            assert!(settings.validate().is_ok(), "{settings:?}");
        }
    }
}
