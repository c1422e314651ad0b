//! Comparing subject names the way a person reading them would (信用核查): the same enterprise is
//! written 汉中市天汉建设工程有限公司, 天汉建设工程有限责任公司, 漢中市天漢建設工程有限公司 or
//! ＴＩＡＮＨＡＮ建设（汉中）公司 by different systems.
//!
//! - [`fold`]: full-width to half-width, Latin lower case, spaces and punctuation dropped,
//!   traditional characters to simplified ones.
//! - [`core`]: the folded name without region prefixes (省, 市, 区县 names, also in brackets or
//!   before a branch suffix) and legal-form suffixes (有限公司, 有限责任公司, 股份有限公司, 分公司,
//!   …): what is left is the trade name and the line of business.
//! - [`pinyin`]: the toneless reading of a core, for names written with a homophone.
//! - [`similarity`]: Dice's coefficient over character bigrams, for near misses.

/// Legal-form and branch suffixes, longest first so 有限责任公司 is not read as …任 + 公司.
const LEGAL_FORMS: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "股份合作公司",
    "有限合伙企业",
    "个人独资企业",
    "专业合作社",
    "合伙企业",
    "有限公司",
    "股份公司",
    "集团公司",
    "分公司",
    "分店",
    "公司",
    "有限合伙",
];

/// Province-level names (short form; the 省/市/自治区 suffix is optional when stripping).
const PROVINCES: &[&str] = &[
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "台湾",
    "香港",
    "澳门",
    "中国",
    "中华",
];

/// Names below the province that this site sees most: 汉中市 and its districts and counties.
/// Single-character names (洋县, 勉县) are only stripped with their suffix.
const LOCAL: &[&str] = &[
    "汉中", "汉台", "南郑", "城固", "西乡", "宁强", "略阳", "镇巴", "留坝", "佛坪",
];
const LOCAL_WITH_SUFFIX_ONLY: &[&str] = &["洋县", "勉县"];

/// Suffixes of division names, longest first.
const DIVISION_SUFFIXES: &[&str] = &[
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
    "区",
    "县",
];

// A core is never cut below this many characters: 陕西有限公司 stays 陕西.
const MIN_CORE_CHARS: usize = 2;

/// The name folded for comparison: NFKC-like width folding, lower case, no spaces or
/// punctuation, simplified characters. Brackets are kept (as `(` `)`) for [`core`].
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = match c {
            // Full-width ASCII block.
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '〔' | '【' | '[' | '{' => '(',
            '〕' | '】' | ']' | '}' => ')',
            _ => c,
        };
        if c == '(' || c == ')' || c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    fast2s::convert(&out)
}

/// The distinctive part of a name: [`fold`]ed, then region names and legal forms stripped from
/// both ends (repeatedly: 某某有限公司汉中分公司 → 某某), and bracketed regions dropped. Legal
/// forms go first, so 陕西有限公司 keeps 陕西.
pub fn core(name: &str) -> String {
    let folded = fold(name);
    let mut s = drop_bracketed_regions(&folded);
    loop {
        let before = s.len();
        for form in LEGAL_FORMS {
            if let Some(rest) = s.strip_suffix(form)
                && rest.chars().count() >= MIN_CORE_CHARS
            {
                s = rest.to_owned();
                break;
            }
        }
        if let Some(rest) = strip_region_suffix(&s) {
            s = rest.to_owned();
        }
        if let Some(rest) = strip_region_prefix(&s) {
            s = rest.to_owned();
        }
        if s.len() == before {
            break;
        }
    }
    s.retain(|c| c != '(' && c != ')');
    s
}

/// The toneless pinyin of a string, syllables joined; other characters kept as they are.
pub fn pinyin(s: &str) -> String {
    use pinyin::ToPinyin;
    let mut out = String::with_capacity(s.len() * 3);
    for (c, p) in s.chars().zip(s.to_pinyin()) {
        match p {
            Some(p) => out.push_str(p.plain()),
            None => out.push(c),
        }
    }
    out
}

/// Dice's coefficient over character bigrams, in `0.0..=1.0` (1.0 for equal strings).
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let mut remaining = y.clone();
    let mut shared = 0usize;
    for g in &x {
        if let Some(i) = remaining.iter().position(|h| h == g) {
            remaining.swap_remove(i);
            shared += 1;
        }
    }
    (2 * shared) as f64 / (x.len() + y.len()) as f64
}

/// The character bigrams of a string (a one-character string is its own bigram).
pub fn bigrams(s: &str) -> Vec<[char; 2]> {
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [] => Vec::new(),
        [c] => vec![[*c, '\0']],
        _ => chars.windows(2).map(|w| [w[0], w[1]]).collect(),
    }
}

/// `s` without a leading division name, if what is left is long enough.
fn strip_region_prefix(s: &str) -> Option<&str> {
    let mut best: Option<&str> = None;
    for name in PROVINCES.iter().chain(LOCAL) {
        if let Some(rest) = s.strip_prefix(name) {
            let rest = DIVISION_SUFFIXES
                .iter()
                .find_map(|suffix| rest.strip_prefix(suffix))
                .unwrap_or(rest);
            if best.is_none_or(|b| rest.len() < b.len()) {
                best = Some(rest);
            }
        }
    }
    for name in LOCAL_WITH_SUFFIX_ONLY {
        if let Some(rest) = s.strip_prefix(name)
            && best.is_none_or(|b| rest.len() < b.len())
        {
            best = Some(rest);
        }
    }
    best.filter(|rest| rest.chars().count() >= MIN_CORE_CHARS)
}

/// `s` without a trailing division name (before a branch suffix was stripped: 某某公司汉中).
fn strip_region_suffix(s: &str) -> Option<&str> {
    let bare = DIVISION_SUFFIXES
        .iter()
        .find_map(|suffix| s.strip_suffix(suffix))
        .unwrap_or(s);
    for candidate in [s, bare] {
        for name in PROVINCES.iter().chain(LOCAL).chain(LOCAL_WITH_SUFFIX_ONLY) {
            if let Some(rest) = candidate.strip_suffix(name)
                && rest.chars().count() >= MIN_CORE_CHARS
            {
                return Some(rest);
            }
        }
    }
    None
}

/// Drops `(汉中)`, `(陕西省)` and the like: a region in brackets only says where.
fn drop_bracketed_regions(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|i| open + i) else {
            break;
        };
        let inside = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        let is_region = {
            let bare = DIVISION_SUFFIXES
                .iter()
                .find_map(|suffix| inside.strip_suffix(suffix))
                .unwrap_or(inside);
            PROVINCES.iter().chain(LOCAL).any(|name| *name == bare)
                || LOCAL_WITH_SUFFIX_ONLY.contains(&inside)
        };
        if !is_region {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_evens_out_width_case_punctuation_and_script() {
        assert_eq!(
            fold("漢中市天漢建設工程有限公司"),
            "汉中市天汉建设工程有限公司"
        );
        assert_eq!(fold("ＡＢＣ 建设·工程（汉中）"), "abc建设工程(汉中)");
        assert_eq!(fold("  天汉 建设\t工程  "), "天汉建设工程");
    }

    #[test]
    fn cores_drop_regions_and_legal_forms() {
        for name in [
            "汉中市天汉建设工程有限公司",
            "天汉建设工程有限公司",
            "天汉建设工程有限责任公司",
            "陕西天汉建设工程股份有限公司",
            "陕西省汉中市天汉建设工程有限公司",
            "天汉建设工程（汉中）有限公司",
            "天汉建设工程有限公司汉中分公司",
            "漢中市天漢建設工程有限公司",
            "汉台区天汉建设工程有限公司",
        ] {
            assert_eq!(core(name), "天汉建设工程", "{name}");
        }
        assert_eq!(core("洋县朱鹮生态农业专业合作社"), "朱鹮生态农业");
        // Too short to strip further: the name itself is the core.
        assert_eq!(core("陕西有限公司"), "陕西");
        assert_eq!(core("汉中"), "汉中");
        // Brackets that are not a region stay (as content).
        assert_eq!(core("天汉(集团)建设有限公司"), "天汉集团建设");
        // A one-character 洋/勉 trade name is not a county.
        assert_eq!(core("洋洋商贸有限公司"), "洋洋商贸");
    }

    #[test]
    fn pinyin_reads_homophones_alike() {
        assert_eq!(pinyin("天汉建设"), "tianhanjianshe");
        assert_eq!(pinyin("鑫源商贸"), pinyin("新源商贸"));
        assert_eq!(pinyin("abc建设"), "abcjianshe");
    }

    #[test]
    fn similarity_is_dice_over_bigrams() {
        assert_eq!(similarity("天汉建设", "天汉建设"), 1.0);
        assert_eq!(similarity("天汉建设", "秦岭药业"), 0.0);
        // 天汉 汉建 建设 vs 天汉 汉建 建材: two of three shared.
        let s = similarity("天汉建设", "天汉建材");
        assert!((s - 2.0 / 3.0).abs() < 1e-9, "{s}");
        assert_eq!(similarity("", "天汉"), 0.0);
    }
}
