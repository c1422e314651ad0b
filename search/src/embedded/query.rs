//! Turns an analysed user query and filters into a tantivy query.
//!
//! Every query term must match (AND), in any searchable field, as:
//! - a whole word (BM25, boosted 3x, more in earlier fields),
//! - the start of a word, when it is the last word and the user may still be typing (the
//!   first [`MAX_PREFIX_TERMS`] indexed words with that start, each a term of its own),
//! - a word one typo away, for Latin words of at least five letters,
//! - a run of character bigrams of a bigram field (CJK fragments such as `天汉`, `建设工程`),
//! - a code field value (terms with digits; a prefix of one while typing).
//!
//! Contiguous CJK runs of the query earn a bonus when they occur contiguously, and a query
//! equal to a whole code (USCC, document number) matches that code and ranks first.
//!
//! Everything here is built from posting lists that intersect lazily: a word prefix is expanded
//! into its words, a filter on several values is a union of their terms, and every union is a
//! [`SeekUnion`], which follows an intersection's leader by seeking. tantivy's automaton
//! and term-set queries would instead mark every matching document of the segment in a bit set
//! before the first intersection step, which for a prefix such as `有限公司` or the filter on
//! the three kinds of organisation costs a pass over most of a million-document index per query.

use std::collections::BTreeSet;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::schema::Fields;
use super::union::SeekUnion;
use crate::text::{AnalyzedQuery, QueryTerm, TermKind, bigram_tokens};
use crate::{Error, Filter, FilterValue};

/// Boost of a whole-word match over a bigram match.
const WORD_BOOST: f32 = 3.0;
/// Boost of a bigram run match.
const BIGRAM_BOOST: f32 = 1.0;
/// Constant score of a prefix match (automaton queries score 1.0 times their boost).
const PREFIX_BOOST: f32 = 1.0;
/// Constant score of a one-typo match.
const TYPO_BOOST: f32 = 0.5;
/// Constant score of a single character found inside a bigram.
const CHAR_BOOST: f32 = 0.5;
/// Boost of a contiguous CJK run, on top of its terms.
const RUN_BOOST: f32 = 2.0;
/// Boost of a query term equal to a code value.
const CODE_TERM_BOOST: f32 = 20.0;
/// Boost of a code prefix while typing.
const CODE_PREFIX_BOOST: f32 = 2.0;
/// Boost of the whole query equal to a code value: first, whatever else matches.
const CODE_EXACT_BOOST: f32 = 100.0;
/// A code prefix needs at least this many characters.
const MIN_CODE_PREFIX: usize = 4;
/// Most indexed words a word prefix stands for (in byte order: the shortest continuations of
/// a prefix come first among words sharing their start), as Meilisearch bounds its prefix
/// derivations.
pub(crate) const MAX_PREFIX_TERMS: usize = 50;

type Clause = (Occur, Box<dyn Query>);

fn boosted(query: impl Query, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(Box::new(query), boost))
}

/// Weight of the `rank`-th searchable field: earlier fields rank higher.
fn field_weight(rank: usize) -> f32 {
    1.0 / (1.0 + 0.5 * rank as f32)
}

fn text_term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

/// The query for `aq` restricted by `filters`, over the segments of `searcher` (whose term
/// dictionaries expand word prefixes).
pub(crate) fn build(
    aq: &AnalyzedQuery,
    filters: &[Filter],
    fields: &Fields,
    searcher: &Searcher,
) -> Result<Box<dyn Query>, Error> {
    let mut clauses: Vec<Clause> = Vec::new();
    if !aq.is_empty() {
        clauses.push((Occur::Must, text_query(aq, fields, searcher)?));
    }
    for filter in filters {
        let query = filter_query(filter, fields)?;
        clauses.push(match filter {
            // Excluding: each document the others propose is looked up in one posting list.
            Filter::Ne(..) => (Occur::MustNot, query),
            _ => (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0))),
        });
    }
    // A query of exclusions alone matches nothing in tantivy: they exclude from every document.
    if !clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Ok(match clauses.len() {
        1 => clauses.remove(0).1,
        _ => Box::new(BooleanQuery::new(clauses)),
    })
}

fn text_query(
    aq: &AnalyzedQuery,
    fields: &Fields,
    searcher: &Searcher,
) -> Result<Box<dyn Query>, Error> {
    let mut text: Vec<Clause> = aq
        .terms
        .iter()
        .map(|term| Ok((Occur::Must, term_query(term, fields, searcher)?)))
        .collect::<Result<_, Error>>()?;
    let mut runs: Vec<Box<dyn Query>> = Vec::new();
    // A run that is one term already has its bigrams among that term's alternatives.
    for run in aq
        .cjk_runs
        .iter()
        .filter(|run| !aq.terms.iter().any(|t| t.text == **run))
    {
        for (rank, _, field) in &fields.bigrams {
            if let Some(query) = bigram_run(*field, run) {
                runs.push(boosted_box(query, RUN_BOOST * field_weight(*rank)));
            }
        }
    }
    if let Some(runs) = union(runs) {
        text.push((Occur::Should, runs));
    }
    let text: Box<dyn Query> = Box::new(BooleanQuery::new(text));
    let Some(code) = aq.code.as_deref().filter(|_| !fields.codes.is_empty()) else {
        return Ok(text);
    };
    let mut either: Vec<Box<dyn Query>> = vec![text];
    for (_, field) in &fields.codes {
        let exact = TermQuery::new(text_term(*field, code), IndexRecordOption::Basic);
        either.push(boosted(exact, CODE_EXACT_BOOST));
    }
    Ok(Box::new(SeekUnion::new(either)))
}

/// The indexed words of `field` that start with `prefix`, in any segment: at most
/// [`MAX_PREFIX_TERMS`], the first in byte order.
fn prefix_terms(searcher: &Searcher, field: Field, prefix: &str) -> Result<Vec<Term>, Error> {
    let mut words: BTreeSet<Vec<u8>> = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field)?;
        let mut stream = index.terms().range().ge(prefix.as_bytes()).into_stream()?;
        let mut taken = 0;
        while taken < MAX_PREFIX_TERMS && stream.advance() {
            let word = stream.key();
            if !word.starts_with(prefix.as_bytes()) {
                break;
            }
            words.insert(word.to_vec());
            taken += 1;
        }
    }
    Ok(words
        .into_iter()
        .take(MAX_PREFIX_TERMS)
        .filter_map(|w| String::from_utf8(w).ok())
        .map(|w| text_term(field, &w))
        .collect())
}

/// Any of `terms` (a prefix's words, a filter's values), or `None` for none.
fn any_term(terms: Vec<Term>) -> Option<Box<dyn Query>> {
    union(
        terms
            .into_iter()
            .map(|t| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) })
            .collect(),
    )
}

/// Any of `queries` ([`SeekUnion`]), or `None` for none.
fn union(mut queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.pop(),
        _ => Some(Box::new(SeekUnion::new(queries))),
    }
}

fn boosted_box(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

/// A phrase of the bigrams of `run` in a bigram field (a single term for two characters).
fn bigram_run(field: Field, run: &str) -> Option<Box<dyn Query>> {
    let terms: Vec<Term> = bigram_tokens(run)
        .into_iter()
        .map(|t| text_term(field, &t.text))
        .collect();
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            terms.into_iter().next()?,
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new(terms))),
    }
}

/// The alternatives by which one query term may match.
fn term_query(
    term: &QueryTerm,
    fields: &Fields,
    searcher: &Searcher,
) -> Result<Box<dyn Query>, Error> {
    let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
    let mut push = |query: Box<dyn Query>| alternatives.push(query);
    for (rank, (_, field)) in fields.words.iter().enumerate() {
        let weight = field_weight(rank);
        let word = text_term(*field, &term.text);
        push(boosted(
            TermQuery::new(word.clone(), IndexRecordOption::WithFreqs),
            WORD_BOOST * weight,
        ));
        if term.prefix
            && let Some(words) = any_term(prefix_terms(searcher, *field, &term.text)?)
        {
            // Constant: a prefix says the word is being typed, not how well it matches.
            push(boosted(
                ConstScoreQuery::new(words, 1.0),
                PREFIX_BOOST * weight,
            ));
        }
        if term.typo_tolerant() {
            let fuzzy = if term.prefix {
                FuzzyTermQuery::new_prefix(word, 1, true)
            } else {
                FuzzyTermQuery::new(word, 1, true)
            };
            push(boosted(fuzzy, TYPO_BOOST * weight));
        }
    }
    if term.kind == TermKind::Cjk {
        for (rank, _, field) in &fields.bigrams {
            let weight = field_weight(*rank);
            let mut chars = term.text.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => {
                    // One character: any bigram holding it (or a lone character).
                    if let Ok(query) = RegexQuery::from_pattern(&format!("{c}.?|.{c}"), *field) {
                        push(boosted(query, CHAR_BOOST * weight));
                    }
                }
                _ => {
                    if let Some(query) = bigram_run(*field, &term.text) {
                        push(boosted_box(query, BIGRAM_BOOST * weight));
                    }
                }
            }
        }
    }
    if matches!(
        term.kind,
        TermKind::Code | TermKind::Latin | TermKind::Other
    ) {
        let code = term.text.to_uppercase();
        for (_, field) in &fields.codes {
            let value = text_term(*field, &code);
            push(boosted(
                TermQuery::new(value.clone(), IndexRecordOption::Basic),
                CODE_TERM_BOOST,
            ));
            if term.prefix && term.kind == TermKind::Code && term.len_chars() >= MIN_CODE_PREFIX {
                push(boosted(
                    FuzzyTermQuery::new_prefix(value, 0, false),
                    CODE_PREFIX_BOOST,
                ));
            }
        }
    }
    Ok(union(alternatives).unwrap_or_else(|| Box::new(EmptyQuery)))
}

fn filter_query(filter: &Filter, fields: &Fields) -> Result<Box<dyn Query>, Error> {
    let field = *fields.filters.get(filter.field()).ok_or_else(|| {
        Error::InvalidQuery(format!("field `{}` is not filterable", filter.field()))
    })?;
    let term = |value: &FilterValue| text_term(field, &value.as_key());
    Ok(match filter {
        Filter::Eq(_, value) | Filter::Ne(_, value) => {
            Box::new(TermQuery::new(term(value), IndexRecordOption::Basic))
        }
        Filter::In(_, values) => match any_term(values.iter().map(term).collect()) {
            Some(query) => query,
            None => Box::new(EmptyQuery),
        },
    })
}
