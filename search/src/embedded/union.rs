//! A union of queries that seeks: the alternatives of one query term, and the values of a
//! filter, as the followers of an intersection.
//!
//! tantivy's `BooleanQuery` of `Should` clauses scores through a buffered union: every seek past
//! its 4,096-document window clears the window and refills it by running each clause over the
//! next 4,096 documents, scoring all of them. In an intersection led by a rare word that means
//! thousands of documents scored (and, for a phrase of bigrams, their positions read) for every
//! document the leader proposes: a one-hit name query at a million subjects spent 60 ms there.
//! This union keeps its clauses positioned and seeks each one to the target instead, so a seek
//! costs one skip per clause; it scores the sum of the clauses on the document, as the buffered
//! union does.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Matches a document that any of its clauses matches; scores the sum of theirs.
#[derive(Debug)]
pub(crate) struct SeekUnion {
    clauses: Vec<Box<dyn Query>>,
}

impl SeekUnion {
    pub(crate) fn new(clauses: Vec<Box<dyn Query>>) -> SeekUnion {
        SeekUnion { clauses }
    }
}

impl Clone for SeekUnion {
    fn clone(&self) -> Self {
        SeekUnion {
            clauses: self.clauses.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl Query for SeekUnion {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(SeekUnionWeight { weights }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

struct SeekUnionWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for SeekUnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        for weight in &self.weights {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                scorers.push(scorer);
            }
        }
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.pop().unwrap_or_else(|| Box::new(EmptyScorer)),
            _ => Box::new(SeekUnionScorer::new(scorers)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        let mut explanation = Explanation::new("sum of the matching alternatives", scorer.score());
        for weight in &self.weights {
            if let Ok(child) = weight.explain(reader, doc) {
                explanation.add_detail(child);
            }
        }
        Ok(explanation)
    }
}

/// The clauses' scorers: those on the current document `doc` in `here`, the others in a
/// min-heap by their current document (terminated ones are dropped). Advancing moves only the
/// scorers on `doc`, so a clause far ahead costs nothing until the union reaches it.
struct SeekUnionScorer {
    scorers: Vec<Box<dyn Scorer>>,
    ahead: BinaryHeap<Reverse<(DocId, usize)>>,
    here: Vec<usize>,
    doc: DocId,
}

impl SeekUnionScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>) -> SeekUnionScorer {
        let ahead = scorers
            .iter()
            .enumerate()
            .map(|(i, s)| Reverse((s.doc(), i)))
            .filter(|Reverse((doc, _))| *doc != TERMINATED)
            .collect();
        let mut union = SeekUnionScorer {
            here: Vec::with_capacity(scorers.len()),
            scorers,
            ahead,
            doc: TERMINATED,
        };
        union.gather();
        union
    }

    /// Moves the scorers on the smallest document out of the heap into `here`.
    fn gather(&mut self) -> DocId {
        self.doc = match self.ahead.peek() {
            Some(Reverse((doc, _))) => *doc,
            None => TERMINATED,
        };
        while let Some(&Reverse((doc, i))) = self.ahead.peek() {
            if doc != self.doc {
                break;
            }
            self.ahead.pop();
            self.here.push(i);
        }
        self.doc
    }

    /// Puts scorer `i` back in the heap, unless it is terminated.
    fn put_back(&mut self, i: usize, doc: DocId) {
        if doc != TERMINATED {
            self.ahead.push(Reverse((doc, i)));
        }
    }
}

impl DocSet for SeekUnionScorer {
    fn advance(&mut self) -> DocId {
        for n in 0..self.here.len() {
            let i = self.here[n];
            let doc = self.scorers[i].advance();
            self.put_back(i, doc);
        }
        self.here.clear();
        self.gather()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for n in 0..self.here.len() {
            let i = self.here[n];
            let doc = self.scorers[i].seek(target);
            self.put_back(i, doc);
        }
        self.here.clear();
        while let Some(&Reverse((doc, i))) = self.ahead.peek() {
            if doc >= target {
                break;
            }
            self.ahead.pop();
            let doc = self.scorers[i].seek(target);
            self.put_back(i, doc);
        }
        self.gather()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .fold(0u32, |sum, s| sum.saturating_add(s.size_hint()))
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for SeekUnionScorer {
    fn score(&mut self) -> Score {
        let mut sum = 0.0;
        for &i in &self.here {
            sum += self.scorers[i].score();
        }
        sum
    }
}
