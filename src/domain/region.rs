//! Administrative division codes (行政区划代码, GB/T 2260).
//!
//! A [`RegionCode`] is six ASCII digits whose first two name a real province-level division. The
//! rest of the code is not checked against the national list: divisions are renamed and merged
//! every year, and a record decided under an old code must still be accepted. Names are only
//! known for the divisions this site serves (汉中市 and its districts), which the pages and the
//! demo data need.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// The first two digits of every province-level division (省级行政区), in GB/T 2260 order.
///
/// `71` is Taiwan, `81` Hong Kong and `82` Macao: they are in the standard, and residence permits
/// use them, so they are accepted.
pub const PROVINCE_PREFIXES: &[&str] = &[
    "11", "12", "13", "14", "15", // 华北
    "21", "22", "23", // 东北
    "31", "32", "33", "34", "35", "36", "37", // 华东
    "41", "42", "43", "44", "45", "46", // 中南
    "50", "51", "52", "53", "54", // 西南
    "61", "62", "63", "64", "65", // 西北
    "71", "81", "82", // 台湾、香港、澳门
];

/// The districts and counties (区县) of 汉中市 (610700), code first, in GB/T 2260 order.
///
/// The demo data draws its subjects from these.
pub const HANZHONG_DISTRICTS: &[(&str, &str)] = &[
    ("610702", "汉台区"),
    ("610703", "南郑区"),
    ("610722", "城固县"),
    ("610723", "洋县"),
    ("610724", "西乡县"),
    ("610725", "勉县"),
    ("610726", "宁强县"),
    ("610727", "略阳县"),
    ("610728", "镇巴县"),
    ("610729", "留坝县"),
    ("610730", "佛坪县"),
];

/// Divisions above the district level whose names the site shows.
const OTHER_NAMES: &[(&str, &str)] = &[("610000", "陕西省"), ("610700", "汉中市")];

/// Whether `prefix` (two characters) is the code of a province-level division.
pub(crate) fn is_province_prefix(prefix: &str) -> bool {
    PROVINCE_PREFIXES.contains(&prefix)
}

/// A GB/T 2260 administrative division code: six digits, the first two a province.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RegionCode(String);

/// Why a string is not a [`RegionCode`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    /// The input is not exactly six ASCII digits.
    #[error("must be 6 digits")]
    Format,
    /// The first two digits name no province-level division.
    #[error("`{prefix}` is not a province code")]
    Province {
        /// The two leading digits that were found.
        prefix: String,
    },
}

impl RegionCode {
    /// Parses a division code, ignoring surrounding whitespace.
    ///
    /// # Errors
    ///
    /// [`RegionError::Format`] unless the trimmed input is exactly six ASCII digits, and
    /// [`RegionError::Province`] when the first two digits are not a province-level code.
    pub fn parse(input: &str) -> Result<RegionCode, RegionError> {
        let code = input.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RegionError::Format);
        }
        // Six ASCII digits, so byte slicing is on character boundaries.
        let prefix = &code[..2];
        if !is_province_prefix(prefix) {
            return Err(RegionError::Province {
                prefix: prefix.to_owned(),
            });
        }
        Ok(RegionCode(code.to_owned()))
    }

    /// Wraps six characters already known to pass [`RegionCode::parse`].
    ///
    /// Only for codes cut out of another validated code (a USCC), so that extracting the region
    /// cannot fail.
    pub(super) fn from_validated(code: &str) -> RegionCode {
        debug_assert!(RegionCode::parse(code).is_ok(), "not a region code");
        RegionCode(code.to_owned())
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Chinese name of the division, for 陕西省, 汉中市 and the districts and counties of
    /// 汉中市; `None` for every other code (the site keeps no national list).
    pub fn name(&self) -> Option<&'static str> {
        HANZHONG_DISTRICTS
            .iter()
            .chain(OTHER_NAMES)
            .find(|(code, _)| *code == self.0)
            .map(|(_, name)| *name)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for RegionCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<RegionCode> for String {
    fn from(code: RegionCode) -> String {
        code.0
    }
}

impl FromStr for RegionCode {
    type Err = RegionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionCode::parse(s)
    }
}

impl Serialize for RegionCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hanzhong_codes_parse_and_have_names() {
        for (code, name) in HANZHONG_DISTRICTS.iter().chain(OTHER_NAMES) {
            let region = RegionCode::parse(code).expect("listed codes are valid");
            assert_eq!(region.name(), Some(*name));
            assert_eq!(region.as_str(), *code);
        }
        assert_eq!(HANZHONG_DISTRICTS.len(), 11);
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        let region = RegionCode::parse(" 610702\n").expect("valid");
        assert_eq!(region.as_str(), "610702");
        assert_eq!(region.name(), Some("汉台区"));
    }

    #[test]
    fn codes_outside_hanzhong_parse_without_a_name() {
        for code in ["110000", "350100", "650100", "710000", "810000", "820000"] {
            let region = RegionCode::parse(code).expect("valid");
            assert_eq!(region.name(), None, "{code}");
        }
    }

    #[test]
    fn every_province_prefix_is_accepted_and_its_neighbours_are_not() {
        for prefix in 0..100 {
            let code = format!("{prefix:02}0000");
            let expected = PROVINCE_PREFIXES.contains(&&code[..2]);
            assert_eq!(RegionCode::parse(&code).is_ok(), expected, "{code}");
        }
        assert_eq!(PROVINCE_PREFIXES.len(), 34);
    }

    #[test]
    fn malformed_codes_are_rejected_with_a_reason() {
        for input in ["", "61070", "6107020", "61070a", "６１０７０２", "61 702"] {
            assert_eq!(
                RegionCode::parse(input),
                Err(RegionError::Format),
                "{input:?}"
            );
        }
        let err = RegionCode::parse("990000").expect_err("99 is no province");
        assert_eq!(
            err,
            RegionError::Province {
                prefix: "99".to_owned()
            }
        );
        assert_eq!(err.to_string(), "`99` is not a province code");
        assert_eq!(RegionError::Format.to_string(), "must be 6 digits");
    }

    #[test]
    fn serialises_as_a_plain_string() {
        let region = RegionCode::parse("610723").expect("valid");
        assert_eq!(
            serde_json::to_string(&region).expect("serialises"),
            "\"610723\""
        );
        assert_eq!(region.to_string(), "610723");
    }
}
