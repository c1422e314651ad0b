//! Text analysis shared by both engines: normalisation, Chinese word segmentation (jieba),
//! character bigrams for name fragments, query analysis and highlight marking.
//!
//! Both engines use these helpers so that what counts as a word, a bigram or a highlighted
//! match is decided in one place: the embedded engine indexes with them, the Meilisearch engine
//! computes the bigram fields it sends and marks highlights with them.

use std::sync::LazyLock;

use jieba_rs::Jieba;

/// The jieba dictionary, loaded once per process (it takes a noticeable fraction of a second).
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Loads the segmentation dictionary now rather than on the first document or query.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// Maps one character to its canonical form: full-width ASCII to ASCII, the ideographic space
/// to a space. Exactly one character out for one in, so character offsets are preserved.
pub fn normalize_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Normalises text for analysis (see [`normalize_char`]).
pub fn normalize(text: &str) -> String {
    text.chars().map(normalize_char).collect()
}

/// Lower-cases one character, keeping it a single character (rare multi-character
/// lower-casings keep the original), so that offsets stay aligned.
fn lower_char(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Traditional Chinese characters converted to simplified ones (`漢中建設` → `汉中建设`),
/// one character for one, everything else unchanged. The conversion looks at the neighbouring
/// characters for the few that depend on context (`乾隆` keeps `乾`, `乾淨` becomes `干净`).
pub fn to_simplified(text: &str) -> String {
    if !text.chars().any(is_cjk) {
        return text.to_owned();
    }
    let simplified = fast2s::convert(text);
    // The converter maps one character to one; should a table ever break that, matching
    // without conversion beats misaligned offsets.
    if simplified.chars().count() == text.chars().count() {
        simplified
    } else {
        text.to_owned()
    }
}

/// The folded characters of a text, exactly one per character of the text: normalised (see
/// [`normalize_char`]), traditional characters made simplified (see [`to_simplified`]),
/// lower-cased.
pub fn fold_chars(text: &str) -> Vec<char> {
    let normalized = normalize(text);
    to_simplified(&normalized).chars().map(lower_char).collect()
}

/// Folds text for matching: normalised, simplified and lower-cased, one character per
/// character. Both engines fold what they index and what is asked the same way, so that a
/// query in traditional characters finds a name stored in simplified ones and the reverse.
pub fn fold(text: &str) -> String {
    fold_chars(text).into_iter().collect()
}

/// Whether a character is a CJK ideograph (the script that gets bigrams).
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{3007}')
}

/// One token of analysed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextToken {
    /// The token, folded (normalised, lower-cased).
    pub text: String,
    /// Byte offset of its start in the analysed text.
    pub from: usize,
    /// Byte offset of its end in the analysed text.
    pub to: usize,
    /// Position; tokens of one word share it, bigram runs are separated by a gap.
    pub position: usize,
}

/// Splits a jieba word into the parts that are searchable: runs of alphanumeric characters
/// (CJK ideographs count as alphanumeric). Punctuation and spaces vanish.
fn alnum_parts(word: &str) -> impl Iterator<Item = (usize, &str)> {
    word.char_indices()
        .filter(|(_, c)| !c.is_alphanumeric())
        .map(|(i, c)| (i, i + c.len_utf8()))
        .chain(std::iter::once((word.len(), word.len())))
        .scan(0usize, move |start, (sep_from, sep_to)| {
            let part = (*start, &word[*start..sep_from]);
            *start = sep_to;
            Some(part)
        })
        .filter(|(_, part)| !part.is_empty())
}

/// Segments text into words for indexing: jieba search mode (a long word also yields its
/// dictionary sub-words), lower-cased; Latin words and numbers stay whole.
pub fn index_words(text: &str) -> Vec<TextToken> {
    segment(text, true)
}

/// Segments a query into words: jieba default mode (no overlapping sub-words), lower-cased.
pub fn query_words(text: &str) -> Vec<TextToken> {
    segment(text, false)
}

fn segment(text: &str, search_mode: bool) -> Vec<TextToken> {
    let folded = fold(text);
    let words = if search_mode {
        JIEBA.cut_for_search(&folded, true)
    } else {
        JIEBA.cut(&folded, true)
    };
    let mut out = Vec::with_capacity(words.len());
    // Positions only matter for phrase queries, which word fields never get; search mode's
    // overlapping sub-words simply take the next positions.
    for (position, word) in words.into_iter().enumerate() {
        for (offset, part) in alnum_parts(word.word) {
            let from = word.byte_start + offset;
            out.push(TextToken {
                text: part.to_owned(),
                from,
                to: from + part.len(),
                position,
            });
        }
    }
    out
}

/// Overlapping character bigrams of each CJK run of the text (a run of one character yields
/// that character). Other scripts yield nothing: they are matched as whole words.
/// Positions are consecutive inside a run and leave a gap between runs, so that a phrase of
/// bigrams never spans two runs.
pub fn bigram_tokens(text: &str) -> Vec<TextToken> {
    let folded = fold(text);
    let mut out = Vec::new();
    let mut run: Vec<(usize, char)> = Vec::new();
    let mut position = 0;
    let mut flush = |run: &mut Vec<(usize, char)>, position: &mut usize| {
        match run.as_slice() {
            [] => return,
            [(from, c)] => out.push(TextToken {
                text: c.to_string(),
                from: *from,
                to: from + c.len_utf8(),
                position: *position,
            }),
            _ => {
                for pair in run.windows(2) {
                    let [(from, a), (b_from, b)] = pair else {
                        continue;
                    };
                    out.push(TextToken {
                        text: [*a, *b].iter().collect(),
                        from: *from,
                        to: b_from + b.len_utf8(),
                        position: *position,
                    });
                    *position += 1;
                }
            }
        }
        *position += 2;
        run.clear();
    };
    for (i, c) in folded.char_indices() {
        if is_cjk(c) {
            run.push((i, c));
        } else {
            flush(&mut run, &mut position);
        }
    }
    flush(&mut run, &mut position);
    out
}

/// The bigrams of a text as one space-separated string: the value of a `<field>_bigrams`
/// attribute sent to Meilisearch.
pub fn bigram_string(text: &str) -> String {
    let tokens = bigram_tokens(text);
    let mut out = String::with_capacity(tokens.iter().map(|t| t.text.len() + 1).sum());
    for token in tokens {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&token.text);
    }
    out
}

/// Normalises a code (USCC, document number) for exact matching: trimmed, traditional
/// characters made simplified, upper-cased.
pub fn normalize_code(code: &str) -> String {
    to_simplified(&normalize(code)).trim().to_uppercase()
}

/// What kind of word a query term is; decides which matching it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// CJK ideographs only: whole-word match or bigram coverage.
    Cjk,
    /// ASCII letters only: whole word, prefix, typo tolerance from 5 letters on.
    Latin,
    /// Contains a digit (a code, a number, a year): exact or prefix, never typos.
    Code,
    /// Anything else (other scripts, mixed): whole word or prefix.
    Other,
}

/// One analysed query term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    /// Folded text of the term.
    pub text: String,
    /// Its kind.
    pub kind: TermKind,
    /// Whether it is the last word and the user may still be typing it.
    pub prefix: bool,
}

impl QueryTerm {
    /// Number of characters.
    pub fn len_chars(&self) -> usize {
        self.text.chars().count()
    }

    /// Whether a one-edit typo is tolerated (Latin words of at least five letters).
    pub fn typo_tolerant(&self) -> bool {
        self.kind == TermKind::Latin && self.len_chars() >= MIN_TYPO_LEN
    }
}

/// Words shorter than this never get typo tolerance (as Meilisearch's default `oneTypo: 5`).
pub const MIN_TYPO_LEN: usize = 5;

/// At most this many query terms are used; the rest are ignored (Meilisearch ignores words
/// after its tenth as well).
pub const MAX_QUERY_TERMS: usize = 10;

/// A query analysed once, used for matching and highlighting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalyzedQuery {
    /// The terms, in order, each required.
    pub terms: Vec<QueryTerm>,
    /// Folded CJK runs of at least two characters: matching them contiguously earns a bonus.
    pub cjk_runs: Vec<String>,
    /// The whole query normalised as a code (for an exact code match), if non-empty.
    pub code: Option<String>,
}

impl AnalyzedQuery {
    /// Analyses a user query.
    pub fn parse(q: &str) -> AnalyzedQuery {
        let trimmed = q.trim();
        if trimmed.is_empty() {
            return AnalyzedQuery::default();
        }
        let still_typing = !q.ends_with(|c: char| normalize_char(c).is_whitespace());
        let mut terms: Vec<QueryTerm> = query_words(trimmed)
            .into_iter()
            .map(|t| QueryTerm {
                kind: term_kind(&t.text),
                text: t.text,
                prefix: false,
            })
            .collect();
        terms.truncate(MAX_QUERY_TERMS);
        if still_typing && let Some(last) = terms.last_mut() {
            last.prefix = true;
        }
        let mut cjk_runs = Vec::new();
        let mut run = String::new();
        for c in fold(trimmed).chars().chain(std::iter::once(' ')) {
            if is_cjk(c) {
                run.push(c);
            } else {
                if run.chars().count() >= 2 {
                    cjk_runs.push(std::mem::take(&mut run));
                }
                run.clear();
            }
        }
        let code = Some(normalize_code(trimmed)).filter(|c| !c.is_empty());
        AnalyzedQuery {
            terms,
            cjk_runs,
            code,
        }
    }

    /// Whether the query has no words (match everything).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

fn term_kind(text: &str) -> TermKind {
    if text.chars().all(is_cjk) {
        TermKind::Cjk
    } else if text.chars().all(|c| c.is_ascii_alphabetic()) {
        TermKind::Latin
    } else if text.chars().any(|c| c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_alphanumeric())
    {
        TermKind::Code
    } else {
        TermKind::Other
    }
}

/// Levenshtein distance with adjacent transpositions counting one (optimal string alignment),
/// over characters; stops early once above `max`.
pub fn edit_distance(a: &[char], b: &[char], max: usize) -> usize {
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Whether some prefix of `word` is within `max` edits of `query` (the typo-tolerant prefix
/// match of the word being typed).
fn prefix_within(word: &[char], query: &[char], max: usize) -> bool {
    let lo = query.len().saturating_sub(max);
    let hi = (query.len() + max).min(word.len());
    (lo..=hi).any(|len| len <= word.len() && edit_distance(&word[..len], query, max) <= max)
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// The text HTML-escaped, with the parts that match the query wrapped in `<mark>…</mark>`.
///
/// A CJK term marks every occurrence of it (it may have matched through bigrams); a Latin term
/// or code marks whole words equal to it, words it is a prefix of when it is being typed, and
/// words one typo away when it is typo tolerant.
pub fn highlight(text: &str, query: &AnalyzedQuery) -> String {
    let folded = fold_chars(text);
    let chars: Vec<(usize, char)> = text
        .char_indices()
        .zip(&folded)
        .map(|((i, _), c)| (i, *c))
        .collect();
    let mut marked = vec![false; chars.len()];
    let is_word_char = |c: char| c.is_alphanumeric() && !is_cjk(c);
    // Latin-ish words of the text, as char index ranges.
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in folded.iter().enumerate() {
        match (is_word_char(*c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(s..folded.len());
    }
    for term in &query.terms {
        let needle: Vec<char> = term.text.chars().collect();
        if needle.is_empty() {
            continue;
        }
        if needle.iter().all(|c| is_cjk(*c)) {
            let mut i = 0;
            while i + needle.len() <= folded.len() {
                if folded[i..i + needle.len()] == needle[..] {
                    marked[i..i + needle.len()].fill(true);
                }
                i += 1;
            }
            continue;
        }
        for range in &words {
            let word = &folded[range.clone()];
            let hit_len = if word == needle.as_slice() {
                Some(word.len())
            } else if term.prefix && word.starts_with(&needle) {
                Some(needle.len())
            } else if term.typo_tolerant()
                && (edit_distance(word, &needle, 1) <= 1
                    || (term.prefix && prefix_within(word, &needle, 1)))
            {
                Some(word.len())
            } else {
                None
            };
            if let Some(len) = hit_len {
                marked[range.start..range.start + len].fill(true);
            }
        }
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let on = marked[i];
        let mut j = i;
        while j < chars.len() && marked[j] == on {
            j += 1;
        }
        let from = chars[i].0;
        let to = chars.get(j).map_or(text.len(), |(b, _)| *b);
        if on {
            out.push_str("<mark>");
        }
        escape_html(&text[from..to], &mut out);
        if on {
            out.push_str("</mark>");
        }
        i = j;
    }
    out
}

/// Each searchable string field of a document (as JSON), escaped and marked for the query.
pub fn highlight_fields(
    json: &serde_json::Value,
    settings: &crate::IndexSettings,
    query: &AnalyzedQuery,
) -> std::collections::BTreeMap<String, String> {
    settings
        .searchable
        .iter()
        .filter_map(|field| {
            let text = json.get(field)?.as_str()?;
            Some(((*field).to_owned(), highlight(text, query)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[TextToken]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn normalisation_maps_full_width_ascii_and_keeps_character_count() {
        assert_eq!(normalize("９１６１０７０２ＭＡ　汉中"), "91610702MA 汉中");
        assert_eq!(fold("ＡＢＣ汉中Co."), "abc汉中co.");
        assert_eq!(normalize_code(" 91610702ma6yl3k09y "), "91610702MA6YL3K09Y");
    }

    #[test]
    fn folding_makes_traditional_characters_simplified_one_for_one() {
        assert_eq!(
            fold("漢中市天漢建設工程有限公司"),
            "汉中市天汉建设工程有限公司"
        );
        assert_eq!(fold("宏達商貿ＡＢＣ"), "宏达商贸abc");
        assert_eq!(fold("汉中"), "汉中");
        let text = "龍崗建設 Co.";
        assert_eq!(fold_chars(text).len(), text.chars().count());
        assert_eq!(normalize_code("(2023)陝07執2024號"), "(2023)陕07执2024号");
        assert_eq!(
            texts(&query_words("漢中市天漢建設")),
            texts(&query_words("汉中市天汉建设"))
        );
        assert_eq!(bigram_string("天漢建設"), "天汉 汉建 建设");
        let q = AnalyzedQuery::parse("龙岗");
        assert_eq!(
            highlight("漢中市龍崗建設", &q),
            "漢中市<mark>龍崗</mark>建設"
        );
        let traditional = AnalyzedQuery::parse("建設");
        assert_eq!(highlight("天汉建设", &traditional), "天汉<mark>建设</mark>");
    }

    #[test]
    fn index_words_include_sub_words_and_whole_latin_words() {
        let words = index_words("汉中市天汉建设工程有限公司");
        let words = texts(&words);
        for expected in [
            "汉中",
            "汉中市",
            "天汉",
            "建设",
            "工程",
            "建设工程",
            "有限公司",
        ] {
            assert!(words.contains(&expected), "{expected} in {words:?}");
        }
        assert_eq!(
            texts(&index_words("Hanzhong Tianhan Construction Co., Ltd.")),
            ["hanzhong", "tianhan", "construction", "co", "ltd"]
        );
        assert_eq!(
            texts(&index_words("91610702MA6YL3K09Y")),
            ["91610702ma6yl3k09y"]
        );
    }

    #[test]
    fn query_words_do_not_overlap() {
        assert_eq!(
            texts(&query_words("汉中市天汉建设工程有限公司")),
            ["汉中市", "天汉", "建设工程", "有限公司"]
        );
        assert_eq!(texts(&query_words("天汉建设")), ["天汉", "建设"]);
    }

    #[test]
    fn bigrams_cover_cjk_runs_only() {
        let tokens = bigram_tokens("定军山ABC茶业，张");
        assert_eq!(texts(&tokens), ["定军", "军山", "茶业", "张"]);
        let positions: Vec<usize> = tokens.iter().map(|t| t.position).collect();
        assert_eq!(positions, [0, 1, 4, 7], "runs are separated by a gap");
        assert_eq!(&"定军山ABC茶业，张"[tokens[1].from..tokens[1].to], "军山");
        assert!(bigram_tokens("Hanzhong 2024").is_empty());
        assert_eq!(bigram_string("天汉建设"), "天汉 汉建 建设");
        assert_eq!(bigram_string(""), "");
    }

    #[test]
    fn a_query_marks_its_last_word_as_a_prefix_unless_it_ends_with_a_space() {
        let typing = AnalyzedQuery::parse("汉中市天");
        assert_eq!(
            typing.terms,
            vec![
                QueryTerm {
                    text: "汉中市".into(),
                    kind: TermKind::Cjk,
                    prefix: false
                },
                QueryTerm {
                    text: "天".into(),
                    kind: TermKind::Cjk,
                    prefix: true
                },
            ]
        );
        assert_eq!(typing.cjk_runs, ["汉中市天"]);
        let done = AnalyzedQuery::parse("Hanzhong Constuction ");
        assert!(done.terms.iter().all(|t| !t.prefix));
        assert!(done.terms.iter().all(|t| t.kind == TermKind::Latin));
        assert!(done.terms[1].typo_tolerant());
        assert!(!AnalyzedQuery::parse("Cons").terms[0].typo_tolerant());
        let code = AnalyzedQuery::parse("91610702ma6yl3k09y");
        assert_eq!(code.terms[0].kind, TermKind::Code);
        assert!(!code.terms[0].typo_tolerant());
        assert_eq!(code.code.as_deref(), Some("91610702MA6YL3K09Y"));
        assert!(AnalyzedQuery::parse("  ").is_empty());
        assert!(AnalyzedQuery::parse("，。").is_empty());
    }

    #[test]
    fn queries_are_cut_to_a_bounded_number_of_terms() {
        let long = "一 二 三 四 五 六 七 八 九 十 十一 十二";
        assert_eq!(AnalyzedQuery::parse(long).terms.len(), MAX_QUERY_TERMS);
    }

    #[test]
    fn edit_distance_counts_a_transposition_as_one() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(
            edit_distance(&chars("construction"), &chars("constuction"), 2),
            1
        );
        assert_eq!(
            edit_distance(&chars("construction"), &chars("consrtuction"), 2),
            1
        );
        assert_eq!(edit_distance(&chars("abc"), &chars("abc"), 1), 0);
        assert_eq!(
            edit_distance(&chars("abcdef"), &chars("a"), 1),
            2,
            "stops above max"
        );
        assert!(prefix_within(&chars("construction"), &chars("constu"), 1));
        assert!(!prefix_within(&chars("construction"), &chars("cnstxu"), 1));
    }

    #[test]
    fn highlights_escape_text_and_mark_matches() {
        let q = AnalyzedQuery::parse("天汉");
        assert_eq!(
            highlight("汉中市天汉<建设>&\"工程\"", &q),
            "汉中市<mark>天汉</mark>&lt;建设&gt;&amp;&quot;工程&quot;"
        );
        let typo = AnalyzedQuery::parse("hanzhong constuction");
        assert_eq!(
            highlight("Hanzhong Tianhan Construction Co.", &typo),
            "<mark>Hanzhong</mark> Tianhan <mark>Construction</mark> Co."
        );
        let prefix = AnalyzedQuery::parse("Tian");
        assert_eq!(
            highlight("Hanzhong Tianhan", &prefix),
            "Hanzhong <mark>Tian</mark>han"
        );
        let word = AnalyzedQuery::parse("co ");
        assert_eq!(
            highlight("Co. construction", &word),
            "<mark>Co</mark>. construction"
        );
        let full_width = AnalyzedQuery::parse("ａｂｃ");
        assert_eq!(
            highlight("ＡＢＣ汉中", &full_width),
            "<mark>ＡＢＣ</mark>汉中"
        );
        assert_eq!(highlight("无关", &q), "无关");
    }
}
