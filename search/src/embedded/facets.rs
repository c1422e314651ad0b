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

pub(crate) struct FacetSegmentCollector {
    columns: Vec<(String, Option<StrColumn>, HashMap<u64, u64>)>,
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
                Ok((
                    name.clone(),
                    segment.fast_fields().str(column)?,
                    HashMap::new(),
                ))
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
            self.scratch.clear();
            self.scratch.extend(column.term_ords(doc));
            self.scratch.sort_unstable();
            self.scratch.dedup();
            for ord in &self.scratch {
                *counts.entry(*ord).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> FacetCounts {
        let mut out = FacetCounts::new();
        for (name, column, counts) in self.columns {
            let values = out.entry(name).or_default();
            let Some(column) = column else { continue };
            let mut text = String::new();
            for (ord, count) in counts {
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
