//! Chinese text as the Meilisearch engine sends it: segmented and folded by [`crate::text`]
//! (the same analysis as the embedded engine), then spelled in ASCII tokens that Meilisearch's
//! own tokenizer keeps whole.
//!
//! Meilisearch segments Chinese with its own dictionary and cuts a word it does not know into
//! single characters: `汉韵` becomes `汉` + `韵`, which also matches `汉台区韵达快递`, holding
//! both characters apart. So Chinese never reaches it as Chinese: each run of CJK characters
//! becomes tokens such as `xqgmejhkcm` (`汉韵`: the marker [`MARK`] and four letters `a`–`p` per
//! character, the hex digits of its code point; `q` and five letters above U+FFFF), and a
//! query term of several characters becomes a phrase of its overlapping bigrams, which matches
//! only where the characters are contiguous.
//!
//! Generated attributes, per field:
//! - `<field>_words` (searchable and code fields): for each word of the text (jieba search
//!   mode, as the embedded engine indexes), its bigrams (its one character for a one-character
//!   word), words separated by a hard separator so that a phrase never spans two words. A term
//!   matching here lies inside one word of the name.
//! - `<field>_bigrams` (bigram sources): the bigrams of each CJK run, runs separated, then every
//!   character on its own, so that one character finds every name holding it. A term matching
//!   only here is a fragment across words (`天汉` in `明天汉堡`), ranked below.
//!
//! The original fields stay searchable for what is not Chinese (Latin words with typo
//! tolerance and prefixes, codes, numbers): queries never send them Chinese.

use std::collections::HashSet;

use crate::text::{self, AnalyzedQuery, is_cjk};

/// The start of every generated token. A Latin word being typed that could be the start of a
/// token (`x`, `xq…`) is not sent as a prefix, so it cannot match them.
pub const MARK: &str = "xq";

/// Separates groups of tokens so that a phrase never spans two (Meilisearch treats `.` as a
/// hard separator: the positions on either side are far apart).
const GROUP_SEPARATOR: &str = " . ";

/// Appends the letters of one character: four letters `a`–`p` (hex digits) for a character of
/// the basic plane, `q` and five letters above it. No code is a prefix of another.
fn push_char(out: &mut String, c: char) {
    let code = u32::from(c);
    let digits = if code > 0xFFFF {
        out.push('q');
        5
    } else {
        4
    };
    for shift in (0..digits).rev() {
        let nibble = (code >> (4 * shift)) & 0xF;
        // A nibble is below 16, so this is always a letter from `a` to `p`.
        out.push(char::from(b'a' + nibble as u8));
    }
}

/// The token spelling the given characters (a character or a bigram).
pub fn token(chars: &[char]) -> String {
    let mut out = String::with_capacity(MARK.len() + 6 * chars.len());
    out.push_str(MARK);
    for c in chars {
        push_char(&mut out, *c);
    }
    out
}

/// The tokens of a CJK run: its overlapping bigrams, or its only character.
fn run_tokens(run: &[char]) -> Vec<String> {
    match run {
        [] => Vec::new(),
        [_] => vec![token(run)],
        _ => run.windows(2).map(token).collect(),
    }
}

/// The maximal runs of CJK characters of already folded text.
fn cjk_runs(folded: &str) -> Vec<Vec<char>> {
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for c in folded.chars() {
        if is_cjk(c) {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// Whether Meilisearch's prefix match of `word` could reach a generated token.
fn could_start_a_token(word: &str) -> bool {
    word.starts_with(MARK) || MARK.starts_with(word)
}

/// The value of a `<field>_words` attribute for the strings of a field; empty when they hold
/// no Chinese.
pub fn words_value<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen = HashSet::new();
    let mut groups: Vec<String> = Vec::new();
    for text in texts {
        for word in text::index_words(text) {
            for run in cjk_runs(&word.text) {
                let group = run_tokens(&run).join(" ");
                if seen.insert(group.clone()) {
                    groups.push(group);
                }
            }
        }
    }
    groups.join(GROUP_SEPARATOR)
}

/// The value of a `<field>_bigrams` attribute for the strings of a field; empty when they hold
/// no Chinese.
pub fn bigrams_value<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut groups: Vec<String> = Vec::new();
    let mut chars = Vec::new();
    let mut seen = HashSet::new();
    for text in texts {
        for run in cjk_runs(&text::fold(text)) {
            groups.push(run_tokens(&run).join(" "));
            if run.len() > 1 {
                chars.extend(run.into_iter().filter(|c| seen.insert(*c)));
            }
        }
    }
    if !chars.is_empty() {
        groups.push(
            chars
                .iter()
                .map(|c| token(&[*c]))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    groups.join(GROUP_SEPARATOR)
}

/// The `q` sent to Meilisearch for an analysed query: every term, in order (all must match);
/// each CJK part as a quoted phrase of its tokens (exact, contiguous, never a typo or a
/// prefix), everything else as typed (folded), the last word left open for Meilisearch's
/// prefix match only while the user may still be typing it.
pub fn query(analyzed: &AnalyzedQuery) -> String {
    let mut out = String::new();
    let mut open_prefix = false;
    for term in &analyzed.terms {
        let chars: Vec<char> = term.text.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            let cjk = is_cjk(chars[start]);
            let end = chars[start..]
                .iter()
                .position(|c| is_cjk(*c) != cjk)
                .map_or(chars.len(), |n| start + n);
            let part = &chars[start..end];
            if !out.is_empty() {
                out.push(' ');
            }
            if cjk {
                out.push('"');
                out.push_str(&run_tokens(part).join(" "));
                out.push('"');
                open_prefix = false;
            } else {
                let word: String = part.iter().collect();
                open_prefix = term.prefix && end == chars.len() && !could_start_a_token(&word);
                out.push_str(&word);
            }
            start = end;
        }
    }
    if !out.is_empty() && !open_prefix {
        // A trailing separator: Meilisearch then takes no word of the query as a prefix.
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_spell_code_points_in_letters() {
        assert_eq!(token(&['汉']), "xqgmej");
        assert_eq!(token(&['汉', '韵']), "xqgmejjhpf");
        // Above the basic plane: `q` and five letters.
        assert_eq!(token(&['\u{20000}']), "xqqcaaaa");
        assert!(token(&['天', '汉']).chars().all(|c| c.is_ascii_lowercase()));
    }

    #[test]
    fn word_groups_hold_the_bigrams_of_each_word_once() {
        let value = words_value(["汉中市天汉建设工程有限公司"]);
        let groups: Vec<&str> = value.split(GROUP_SEPARATOR).collect();
        let tianhan = token(&['天', '汉']);
        assert!(groups.contains(&tianhan.as_str()), "{groups:?}");
        let hanzhongshi = format!("{} {}", token(&['汉', '中']), token(&['中', '市']));
        assert!(groups.contains(&hanzhongshi.as_str()), "{groups:?}");
        // 市天 spans two words: it is no word's bigram.
        assert!(!value.contains(&token(&['市', '天'])));
        let unique: HashSet<&str> = groups.iter().copied().collect();
        assert_eq!(unique.len(), groups.len());
        assert_eq!(words_value(["Hanzhong Tianhan Co., Ltd."]), "");
    }

    #[test]
    fn bigram_values_cover_runs_then_single_characters() {
        let value = bigrams_value(["定军山ABC茶业，张"]);
        let expected = [
            format!("{} {}", token(&['定', '军']), token(&['军', '山'])),
            token(&['茶', '业']),
            token(&['张']),
            ['定', '军', '山', '茶', '业']
                .iter()
                .map(|c| token(&[*c]))
                .collect::<Vec<_>>()
                .join(" "),
        ]
        .join(GROUP_SEPARATOR);
        assert_eq!(value, expected);
        assert_eq!(bigrams_value(["Hanzhong 2024"]), "");
    }

    #[test]
    fn traditional_text_is_spelled_as_simplified() {
        assert_eq!(bigrams_value(["漢中"]), bigrams_value(["汉中"]));
        assert_eq!(words_value(["建設工程"]), words_value(["建设工程"]));
    }

    #[test]
    fn queries_quote_chinese_and_leave_the_last_latin_word_open() {
        let q = |s: &str| query(&AnalyzedQuery::parse(s));
        assert_eq!(q("汉韵"), format!("\"{}\" ", token(&['汉', '韵'])));
        assert_eq!(
            q("汉中市天"),
            format!(
                "\"{} {}\" \"{}\" ",
                token(&['汉', '中']),
                token(&['中', '市']),
                token(&['天'])
            )
        );
        assert_eq!(q("Hanzhong Constr"), "hanzhong constr");
        assert_eq!(q("Hanzhong Constr "), "hanzhong constr ");
        assert_eq!(q("91610702ma6yl3k09y"), "91610702ma6yl3k09y");
        // A word that could be the start of a generated token is not a prefix.
        assert_eq!(q("x"), "x ");
        assert_eq!(q("xqg"), "xqg ");
        assert_eq!(q("，。"), "");
        assert_eq!(q(""), "");
    }
}
