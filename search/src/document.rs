//! The [`Document`] trait and the per-index [`IndexSettings`] both engines build from.

use serde::{Serialize, de::DeserializeOwned};

use crate::Error;

/// A document type stored in one index.
pub trait Document: Serialize + DeserializeOwned + Send + Sync + Clone + 'static {
    /// The index name (without any prefix): `subjects`, `entries`, `notices`.
    const INDEX: &'static str;

    /// The primary key: unique in the index, stable across upserts.
    fn id(&self) -> &str;

    /// How the index treats the document's fields.
    fn settings() -> IndexSettings;
}

/// How an index treats the fields of its documents. Field names are the serde (JSON) names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSettings {
    /// Text fields searched word by word, most important first (a match in an earlier field
    /// ranks higher). Strings or lists of strings.
    pub searchable: &'static [&'static str],
    /// Code fields (USCC, document number): a query equal to the whole code finds the
    /// document, ranked first; no typos, case-insensitive. Strings or lists of strings.
    pub codes: &'static [&'static str],
    /// Fields usable in filters and facets: strings, integers, booleans, or lists of them.
    pub filterable: &'static [&'static str],
    /// Integer fields usable for sorting.
    pub sortable: &'static [&'static str],
    /// Searchable fields that also get a field of overlapping character bigrams, so that a
    /// fragment of a name (`天汉`, `建设工程`) finds it. Ranked below whole-word matches.
    pub bigrams: &'static [&'static str],
}

/// The name of the primary-key field in every index.
pub const ID_FIELD: &str = "id";

/// The suffix of the generated bigram field of a source field (`name` → `name_bigrams`).
pub const BIGRAM_SUFFIX: &str = "_bigrams";

/// The suffix of the generated word field of a searchable or code field (`name` →
/// `name_words`), which the Meilisearch engine sends beside the field.
pub const WORDS_SUFFIX: &str = "_words";

impl IndexSettings {
    /// The name of the bigram field generated for `source`.
    pub fn bigram_field(source: &str) -> String {
        format!("{source}{BIGRAM_SUFFIX}")
    }

    /// The name of the word field generated for `source`.
    pub fn words_field(source: &str) -> String {
        format!("{source}{WORDS_SUFFIX}")
    }

    /// Whether `field` can be filtered and faceted on (`id` always can).
    pub fn is_filterable(&self, field: &str) -> bool {
        field == ID_FIELD || self.filterable.contains(&field)
    }

    /// Checks that the settings are coherent: names are plain identifiers, bigram sources are
    /// searchable, nothing is listed twice, and no field collides with a generated one.
    pub fn validate(&self) -> Result<(), Error> {
        let lists: [(&str, &[&str]); 5] = [
            ("searchable", self.searchable),
            ("codes", self.codes),
            ("filterable", self.filterable),
            ("sortable", self.sortable),
            ("bigrams", self.bigrams),
        ];
        for (list, fields) in lists {
            for (i, field) in fields.iter().enumerate() {
                let plain = !field.is_empty()
                    && field
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    && !field.starts_with('_');
                if !plain || field.ends_with(BIGRAM_SUFFIX) || field.ends_with(WORDS_SUFFIX) {
                    return Err(Error::Internal(format!(
                        "index settings: `{field}` in {list} is not a usable field name"
                    )));
                }
                if fields[..i].contains(field) {
                    return Err(Error::Internal(format!(
                        "index settings: `{field}` is listed twice in {list}"
                    )));
                }
            }
        }
        if let Some(field) = self.bigrams.iter().find(|f| !self.searchable.contains(f)) {
            return Err(Error::Internal(format!(
                "index settings: bigram source `{field}` is not searchable"
            )));
        }
        Ok(())
    }
}
