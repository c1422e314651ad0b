//! A collector counting, for each requested facet field, the matching documents per value.

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Facet name → value → number of matching documents.
pub(crate) type FacetCounts = BTreeMap<String, BTreeMap<String, u64>>;

/// Counts values of string fast fields over the matching documents. A document with a value
/// listed twice counts once.
pub(crate) struct FacetCollector {
    /// (facet name as asked, fast column name).
    pub fields: Vec<(String, String)>,
}

/// A column's dictionary up to this size is counted in an array indexed by term ordinal
/// (kinds, regions, list names, authorities, years); a larger one in a map.
const DENSE_TERMS: usize = 1 << 16;

/// Matching documents per term ordinal of one column.
enum Counts {
    Dense(Vec<u64>),
    Sparse(HashMap<u64, u64>),
}

impl Counts {
    fn for_terms(terms: usize) -> Counts {
        if terms <= DENSE_TERMS {
            Counts::Dense(vec![0; terms])
        } else {
            Counts::Sparse(HashMap::new())
        }
    }

    fn add(&mut self, ord: u64) {
        match self {
            Counts::Dense(counts) => {
                if let Some(count) = usize::try_from(ord).ok().and_then(|i| counts.get_mut(i)) {
                    *count += 1;
                }
            }
            Counts::Sparse(counts) => *counts.entry(ord).or_default() += 1,
        }
    }

    /// (ordinal, count) of every value counted at least once.
    fn into_counted(self) -> Vec<(u64, u64)> {
        match self {
            Counts::Dense(counts) => (0u64..)
                .zip(counts)
                .filter(|(_, count)| *count > 0)
                .collect(),
            Counts::Sparse(counts) => counts.into_iter().collect(),
        }
    }
}

/// Per requested field: its name, its column in this segment and its counts.
pub(crate) struct FacetSegmentCollector {
    columns: Vec<(String, Option<StrColumn>, Counts)>,
    scratch: Vec<u64>,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        let columns = self
            .fields
            .iter()
            .map(|(name, column)| {
                let column = segment.fast_fields().str(column)?;
                let values = column.as_ref().map_or(0, |c| c.num_terms());
                Ok((name.clone(), column, Counts::for_terms(values)))
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(FacetSegmentCollector {
            columns,
            scratch: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segment_fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut merged: FacetCounts = self
            .fields
            .iter()
            .map(|(name, _)| (name.clone(), BTreeMap::new()))
            .collect();
        for fruit in segment_fruits {
            for (name, counts) in fruit {
                let target = merged.entry(name).or_default();
                for (value, count) in counts {
                    *target.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (_, column, counts) in &mut self.columns {
            let Some(column) = column else { continue };
            let mut ords = column.term_ords(doc);
            let Some(first) = ords.next() else { continue };
            let Some(second) = ords.next() else {
                // One value, the usual case: no de-duplication needed.
                counts.add(first);
                continue;
            };
            self.scratch.clear();
            self.scratch.extend([first, second]);
            self.scratch.extend(ords);
            self.scratch.sort_unstable();
            self.scratch.dedup();
            for &ord in &self.scratch {
                counts.add(ord);
            }
        }
    }

    fn harvest(self) -> FacetCounts {
        let mut out = FacetCounts::new();
        for (name, column, counts) in self.columns {
            let values = out.entry(name).or_default();
            let Some(column) = column else { continue };
            let mut text = String::new();
            for (ord, count) in counts.into_counted() {
                text.clear();
                // An ordinal from the column is always in its dictionary; a failed lookup
                // (corrupt segment) drops the value rather than the whole search.
                if column.ord_to_str(ord, &mut text).unwrap_or(false) {
                    *values.entry(text.clone()).or_default() += count;
                }
            }
        }
        out
    }
}
