//! The tantivy schema derived from [`IndexSettings`], and documents converted into it.
//!
//! Field naming: `id` (raw, fast: tie-break and filter), `_source` (the document as JSON,
//! stored), `w_<f>` (jieba words), `b_<f>` (CJK bigrams with positions), `c_<f>` (codes,
//! raw, upper-cased), `f_<f>` (filterable values as strings, raw + fast for facets), `s_<f>`
//! (sortable i64, fast).

use std::collections::HashMap;

use serde_json::Value;
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::tokenizer;
use crate::document::ID_FIELD;
use crate::text::normalize_code;
use crate::{Error, IndexSettings};

const SOURCE_FIELD: &str = "_source";

/// The tantivy fields of one index, by role.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub schema: Schema,
    pub id: Field,
    pub source: Field,
    /// Searchable fields in rank order: (document field, words field).
    pub words: Vec<(&'static str, Field)>,
    /// (rank of the source field among searchable fields, bigram field).
    pub bigrams: Vec<(usize, &'static str, Field)>,
    pub codes: Vec<(&'static str, Field)>,
    pub filters: HashMap<&'static str, Field>,
    pub sorts: HashMap<&'static str, Field>,
}

impl Fields {
    /// Builds the schema for the settings.
    pub fn build(settings: &IndexSettings) -> Result<Fields, Error> {
        settings.validate()?;
        let mut builder = Schema::builder();
        let id = builder.add_text_field(ID_FIELD, STRING | FAST);
        let source = builder.add_text_field(SOURCE_FIELD, STORED);
        let words_options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer::WORDS)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let bigram_options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer::BIGRAMS)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let words = settings
            .searchable
            .iter()
            .map(|f| {
                (
                    *f,
                    builder.add_text_field(&format!("w_{f}"), words_options.clone()),
                )
            })
            .collect();
        let bigrams = settings
            .bigrams
            .iter()
            .map(|f| {
                let rank = settings.searchable.iter().position(|s| s == f).unwrap_or(0);
                let field = builder.add_text_field(&format!("b_{f}"), bigram_options.clone());
                (rank, *f, field)
            })
            .collect();
        let codes = settings
            .codes
            .iter()
            .map(|f| (*f, builder.add_text_field(&format!("c_{f}"), STRING)))
            .collect();
        let mut filters: HashMap<&'static str, Field> = settings
            .filterable
            .iter()
            .filter(|f| **f != ID_FIELD)
            .map(|f| (*f, builder.add_text_field(&format!("f_{f}"), STRING | FAST)))
            .collect();
        filters.insert(ID_FIELD, id);
        let sorts = settings
            .sortable
            .iter()
            .map(|f| (*f, builder.add_i64_field(&format!("s_{f}"), INDEXED | FAST)))
            .collect();
        Ok(Fields {
            schema: builder.build(),
            id,
            source,
            words,
            bigrams,
            codes,
            filters,
            sorts,
        })
    }

    /// The tantivy field name of a fast field used for facets or sorting.
    pub fn column_name(&self, field: Field) -> &str {
        self.schema.get_field_name(field)
    }

    /// Converts a serialised document into a tantivy document.
    pub fn to_tantivy(&self, id: &str, json: &Value) -> Result<TantivyDocument, Error> {
        let Value::Object(map) = json else {
            return Err(Error::Internal(
                "a search document must serialise to a JSON object".into(),
            ));
        };
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, id);
        doc.add_text(self.source, serde_json::to_string(json)?);
        let get = |field: &str| map.get(field).unwrap_or(&Value::Null);
        for (name, field) in &self.words {
            for text in strings(get(name)) {
                doc.add_text(*field, text);
            }
        }
        for (_, name, field) in &self.bigrams {
            for text in strings(get(name)) {
                doc.add_text(*field, text);
            }
        }
        for (name, field) in &self.codes {
            for text in strings(get(name)) {
                doc.add_text(*field, normalize_code(text));
            }
        }
        for (name, field) in &self.filters {
            if *name == ID_FIELD {
                continue;
            }
            for key in filter_keys(get(name)) {
                doc.add_text(*field, key);
            }
        }
        for (name, field) in &self.sorts {
            if let Some(value) = get(name).as_i64() {
                doc.add_i64(*field, value);
            }
        }
        Ok(doc)
    }
}

/// The string values of a field: a string, or the strings of a list.
pub(crate) fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The filter keys of a field (see [`crate::FilterValue::as_key`]).
pub(crate) fn filter_keys(value: &Value) -> Vec<String> {
    fn key(value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    match value {
        Value::Array(items) => items.iter().filter_map(key).collect(),
        other => key(other).into_iter().collect(),
    }
}
