//! What a search asks for and what it answers: [`Query`], [`Filter`], [`Sort`], [`Results`].

use std::collections::BTreeMap;

use crate::{Error, IndexSettings};

/// The largest page a single search returns.
pub const MAX_LIMIT: usize = 1000;
/// The deepest offset a search accepts (deeper pages are not served; narrow the query).
pub const MAX_OFFSET: usize = 10_000;
/// The page size of [`Query::default`].
pub const DEFAULT_LIMIT: usize = 20;

/// A search request. `Query::default()` matches every document (empty `q`), first 20 hits.
///
/// ```
/// use search::{Filter, FilterValue, Query, Sort};
/// let query = Query {
///     q: "天汉".into(),
///     filters: vec![
///         Filter::eq("lists", "black"),
///         Filter::any("years", [2023i64, 2024]),
///     ],
///     facets: vec!["region_code".into()],
///     sort: Some(Sort::desc("updated_at")),
///     highlight: true,
///     ..Query::default()
/// };
/// assert_eq!(query.limit, 20);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// What the user typed; empty matches everything.
    pub q: String,
    /// Filters, all of which must hold.
    pub filters: Vec<Filter>,
    /// Filterable fields to count values of over the filtered result set.
    pub facets: Vec<String>,
    /// Hits to skip (at most [`MAX_OFFSET`]).
    pub offset: usize,
    /// Hits to return (at most [`MAX_LIMIT`]).
    pub limit: usize,
    /// Order by a sortable field instead of relevance; ties break by id.
    pub sort: Option<Sort>,
    /// Whether to return highlighted searchable fields with each hit.
    pub highlight: bool,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            q: String::new(),
            filters: Vec::new(),
            facets: Vec::new(),
            offset: 0,
            limit: DEFAULT_LIMIT,
            sort: None,
            highlight: false,
        }
    }
}

impl Query {
    /// A query for `q` with defaults for everything else.
    pub fn text(q: impl Into<String>) -> Query {
        Query {
            q: q.into(),
            ..Query::default()
        }
    }

    /// Checks fields against the index settings and the paging bounds.
    pub(crate) fn validate(&self, settings: &IndexSettings) -> Result<(), Error> {
        if self.limit > MAX_LIMIT {
            return Err(Error::InvalidQuery(format!(
                "limit must be at most {MAX_LIMIT}"
            )));
        }
        if self.offset > MAX_OFFSET {
            return Err(Error::InvalidQuery(format!(
                "offset must be at most {MAX_OFFSET}"
            )));
        }
        for filter in &self.filters {
            if !settings.is_filterable(filter.field()) {
                return Err(Error::InvalidQuery(format!(
                    "field `{}` is not filterable",
                    filter.field()
                )));
            }
        }
        for facet in &self.facets {
            if !settings.is_filterable(facet) {
                return Err(Error::InvalidQuery(format!(
                    "field `{facet}` is not a facet"
                )));
            }
        }
        if let Some(sort) = &self.sort
            && !settings.sortable.contains(&sort.field.as_str())
        {
            return Err(Error::InvalidQuery(format!(
                "field `{}` is not sortable",
                sort.field
            )));
        }
        Ok(())
    }
}

/// One condition on a filterable field. A multi-valued field matches when any of its values
/// does.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// The field has this value.
    Eq(String, FilterValue),
    /// The field has one of these values (an empty list matches nothing).
    In(String, Vec<FilterValue>),
    /// The field does not have this value (a multi-valued field: none of its values is it).
    Ne(String, FilterValue),
}

impl Filter {
    /// `field = value`.
    pub fn eq(field: impl Into<String>, value: impl Into<FilterValue>) -> Filter {
        Filter::Eq(field.into(), value.into())
    }

    /// `field IN [values]`.
    pub fn any<V: Into<FilterValue>>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Filter {
        Filter::In(field.into(), values.into_iter().map(Into::into).collect())
    }

    /// `field != value`.
    pub fn ne(field: impl Into<String>, value: impl Into<FilterValue>) -> Filter {
        Filter::Ne(field.into(), value.into())
    }

    /// The field the filter is on.
    pub fn field(&self) -> &str {
        match self {
            Filter::Eq(field, _) | Filter::In(field, _) | Filter::Ne(field, _) => field,
        }
    }
}

/// A value to filter on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterValue {
    /// A string (exact, case-sensitive).
    Str(String),
    /// An integer (years).
    Int(i64),
    /// A boolean.
    Bool(bool),
}

impl FilterValue {
    /// The value as the engines store filterable values: strings as they are, integers in
    /// decimal, booleans as `true` / `false`. Facet keys use the same form.
    pub fn as_key(&self) -> String {
        match self {
            FilterValue::Str(s) => s.clone(),
            FilterValue::Int(i) => i.to_string(),
            FilterValue::Bool(b) => b.to_string(),
        }
    }
}

impl From<&str> for FilterValue {
    fn from(value: &str) -> Self {
        FilterValue::Str(value.to_owned())
    }
}

impl From<String> for FilterValue {
    fn from(value: String) -> Self {
        FilterValue::Str(value)
    }
}

impl From<i64> for FilterValue {
    fn from(value: i64) -> Self {
        FilterValue::Int(value)
    }
}

impl From<bool> for FilterValue {
    fn from(value: bool) -> Self {
        FilterValue::Bool(value)
    }
}

/// Ordering by a sortable (integer) field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    /// The sortable field.
    pub field: String,
    /// Largest first.
    pub descending: bool,
}

impl Sort {
    /// Smallest first.
    pub fn asc(field: impl Into<String>) -> Sort {
        Sort {
            field: field.into(),
            descending: false,
        }
    }

    /// Largest first.
    pub fn desc(field: impl Into<String>) -> Sort {
        Sort {
            field: field.into(),
            descending: true,
        }
    }
}

/// The answer to a [`Query`].
#[derive(Debug, Clone, PartialEq)]
pub struct Results<D> {
    /// The requested page of hits, best first.
    pub hits: Vec<Hit<D>>,
    /// How many documents match in all (exact on the embedded engine; on Meilisearch exact
    /// up to its `maxTotalHits`).
    pub total: u64,
    /// For each requested facet field: value → number of matching documents.
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
    /// Time the engine took, in milliseconds.
    pub took_ms: u64,
}

/// One matching document.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit<D> {
    /// The document as it was indexed.
    pub doc: D,
    /// When highlighting was asked for: each searchable field the document has, HTML-escaped,
    /// with the matched parts in `<mark>…</mark>`.
    pub highlights: BTreeMap<String, String>,
}
