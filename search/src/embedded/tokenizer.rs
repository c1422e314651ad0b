//! Tantivy tokenizers over the shared text analysis: jieba words and CJK bigrams.

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use crate::text::{self, TextToken};

/// Name under which [`WordTokenizer`] is registered on every index.
pub(crate) const WORDS: &str = "xy_words";
/// Name under which [`BigramTokenizer`] is registered on every index.
pub(crate) const BIGRAMS: &str = "xy_bigrams";

/// Registers the tokenizers the schema refers to (they are not persisted with the index).
pub(crate) fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(WORDS, TextAnalyzer::from(WordTokenizer));
    manager.register(BIGRAMS, TextAnalyzer::from(BigramTokenizer));
}

/// jieba search-mode words, lower-cased (see [`text::index_words`]).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct WordTokenizer;

/// Overlapping bigrams of CJK runs (see [`text::bigram_tokens`]).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BigramTokenizer;

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(text::index_words(text))
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(text::bigram_tokens(text))
    }
}

/// Tokens computed up front, handed out one by one.
pub(crate) struct VecTokenStream {
    tokens: std::vec::IntoIter<TextToken>,
    current: Token,
}

impl VecTokenStream {
    fn new(tokens: Vec<TextToken>) -> Self {
        VecTokenStream {
            tokens: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = Token {
                    offset_from: token.from,
                    offset_to: token.to,
                    position: token.position,
                    text: token.text,
                    position_length: 1,
                };
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(mut tokenizer: impl Tokenizer, text: &str) -> Vec<(String, usize)> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((token.text.clone(), token.position));
        }
        out
    }

    #[test]
    fn the_word_tokenizer_yields_lower_cased_words_and_sub_words() {
        let words: Vec<String> = collect(WordTokenizer, "汉中市天汉建设 Construction Co., Ltd.")
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        for expected in [
            "汉中",
            "汉中市",
            "天汉",
            "建设",
            "construction",
            "co",
            "ltd",
        ] {
            assert!(
                words.iter().any(|w| w == expected),
                "{expected} in {words:?}"
            );
        }
        assert!(!words.iter().any(|w| w.contains(',') || w.contains(' ')));
    }

    #[test]
    fn the_bigram_tokenizer_yields_consecutive_positions_within_a_run() {
        assert_eq!(
            collect(BigramTokenizer, "天汉建设"),
            vec![("天汉".into(), 0), ("汉建".into(), 1), ("建设".into(), 2)]
        );
    }
}
