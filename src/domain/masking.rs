//! De-identification of natural persons' data before it is shown.
//!
//! The Personal Information Protection Law (Art. 25) requires published personal data to be
//! de-identified; how much is hidden is our design and configurable: [`IdMaskStyle`] for ID
//! numbers (site-wide), [`NameMask`] for names (per list). Names of organisations and USCCs are
//! never masked, so nothing here applies to them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::kinds::UnknownValue;

/// Which characters of an 18-character ID number stay visible; the rest become `*`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IdMaskStyle {
    /// First 6 and last 4 characters: `610702********0018` (the default).
    #[default]
    #[serde(rename = "first6_last4")]
    First6Last4,
    /// Division code, birth year and last 4 characters: `6107022000****0018`.
    #[serde(rename = "birth_date")]
    BirthDate,
    /// First 3 and last 4 characters: `610***********0018`.
    #[serde(rename = "first3_last4")]
    First3Last4,
}

impl IdMaskStyle {
    /// Every style, the default first.
    pub const ALL: &'static [IdMaskStyle] = &[
        IdMaskStyle::First6Last4,
        IdMaskStyle::BirthDate,
        IdMaskStyle::First3Last4,
    ];

    /// The configuration name: `first6_last4`, `birth_date` or `first3_last4`.
    pub const fn as_str(self) -> &'static str {
        match self {
            IdMaskStyle::First6Last4 => "first6_last4",
            IdMaskStyle::BirthDate => "birth_date",
            IdMaskStyle::First3Last4 => "first3_last4",
        }
    }

    /// The style whose visible characters include those of every other style: a number stored
    /// masked with it can be masked with any style ([`IdMaskStyle::remask`]) without the clear
    /// number, and shows nothing that no style shows.
    pub const WIDEST: IdMaskStyle = IdMaskStyle::BirthDate;

    /// A number masked with [`IdMaskStyle::WIDEST`], masked with this style: exactly what
    /// masking the clear number with this style gives (every style shows a subset of the
    /// characters the widest shows).
    pub fn remask(self, widest: &str) -> String {
        self.mask(widest)
    }

    /// How many leading and trailing characters stay visible.
    const fn visible(self) -> (usize, usize) {
        match self {
            IdMaskStyle::First6Last4 => (6, 4),
            IdMaskStyle::BirthDate => (10, 4),
            IdMaskStyle::First3Last4 => (3, 4),
        }
    }

    /// Masks `clear` character by character, keeping its length.
    ///
    /// Crate-internal: callers mask an [`IdNumber`](super::IdNumber) through
    /// [`IdNumber::masked`](super::IdNumber::masked), so a string that is not an ID number
    /// cannot be "masked" by mistake.
    pub(super) fn mask(self, clear: &str) -> String {
        let (head, tail) = self.visible();
        let len = clear.chars().count();
        clear
            .chars()
            .enumerate()
            .map(|(i, c)| if i < head || i + tail >= len { c } else { '*' })
            .collect()
    }
}

impl FromStr for IdMaskStyle {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdMaskStyle::ALL
            .iter()
            .copied()
            .find(|style| style.as_str() == s)
            .ok_or_else(|| UnknownValue::new(s, &["first6_last4", "birth_date", "first3_last4"]))
    }
}

impl fmt::Display for IdMaskStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the name of a natural person is shown on a list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NameMask {
    /// Keep the first character, hide the others: `张*`, `张**` (the default).
    #[default]
    #[serde(rename = "keep_first")]
    KeepFirst,
    /// No masking: the full name is shown (configuration name `none`).
    #[serde(rename = "none")]
    Full,
}

impl NameMask {
    /// Every mask, the default first.
    pub const ALL: &'static [NameMask] = &[NameMask::KeepFirst, NameMask::Full];

    /// The configuration name: `keep_first` or `none`.
    pub const fn as_str(self) -> &'static str {
        match self {
            NameMask::KeepFirst => "keep_first",
            NameMask::Full => "none",
        }
    }
}

impl FromStr for NameMask {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NameMask::ALL
            .iter()
            .copied()
            .find(|mask| mask.as_str() == s)
            .ok_or_else(|| UnknownValue::new(s, &["keep_first", "none"]))
    }
}

impl fmt::Display for NameMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name of a natural person as it may be published under `mask`.
///
/// Surrounding whitespace is dropped first, so that a leading space cannot be the "first
/// character" kept. With [`NameMask::KeepFirst`] every other character (not byte) becomes `*`,
/// so the length of the name still shows but none of its other characters: `张三` → `张*`,
/// `张三丰` → `张**`; a one-character name becomes `*`.
pub fn mask_person_name(name: &str, mask: NameMask) -> String {
    let name = name.trim();
    match mask {
        NameMask::Full => name.to_owned(),
        NameMask::KeepFirst => {
            let mut chars = name.chars();
            match (chars.next(), chars.clone().next()) {
                (None, _) => String::new(),
                // Keeping the only character would publish the whole name.
                (Some(_), None) => "*".to_owned(),
                (Some(first), Some(_)) => {
                    std::iter::once(first).chain(chars.map(|_| '*')).collect()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn id_styles_match_the_domain_examples() {
        let clear = "610702200001010018";
        assert_eq!(IdMaskStyle::First6Last4.mask(clear), "610702********0018");
        assert_eq!(IdMaskStyle::BirthDate.mask(clear), "6107022000****0018");
        assert_eq!(IdMaskStyle::First3Last4.mask(clear), "610***********0018");
        assert_eq!(IdMaskStyle::default(), IdMaskStyle::First6Last4);
    }

    #[test]
    fn every_style_is_derived_from_the_widest_form() {
        for clear in [
            "610702200001010018",
            "61070219900101123X",
            "110101194912310021",
        ] {
            let widest = IdMaskStyle::WIDEST.mask(clear);
            for &style in IdMaskStyle::ALL {
                assert_eq!(style.remask(&widest), style.mask(clear), "{style}");
            }
        }
        assert_eq!(
            IdMaskStyle::First3Last4.remask("6107022000****0018"),
            "610***********0018"
        );
    }

    #[test]
    fn id_style_names_round_trip() {
        for &style in IdMaskStyle::ALL {
            assert_eq!(style.as_str().parse::<IdMaskStyle>(), Ok(style));
            assert_eq!(
                serde_json::to_string(&style).expect("serialises"),
                format!("\"{style}\"")
            );
        }
        let err = "last4".parse::<IdMaskStyle>().expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "`last4` is not one of `first6_last4`, `birth_date`, `first3_last4`"
        );
    }

    #[test]
    fn name_mask_names_round_trip() {
        for &mask in NameMask::ALL {
            assert_eq!(mask.as_str().parse::<NameMask>(), Ok(mask));
            assert_eq!(
                serde_json::to_string(&mask).expect("serialises"),
                format!("\"{mask}\"")
            );
        }
        assert_eq!("none".parse::<NameMask>(), Ok(NameMask::Full));
        assert_eq!(NameMask::default(), NameMask::KeepFirst);
        assert!("full".parse::<NameMask>().is_err());
    }

    #[test]
    fn names_keep_only_their_first_character() {
        let keep_first = |name| mask_person_name(name, NameMask::KeepFirst);
        assert_eq!(keep_first("张三"), "张*");
        assert_eq!(keep_first("张三丰"), "张**");
        assert_eq!(keep_first("欧阳娜娜"), "欧***");
        assert_eq!(keep_first("张"), "*");
        assert_eq!(keep_first(""), "");
        assert_eq!(keep_first(" 李四 "), "李*");
        assert_eq!(keep_first("Li Si"), "L****");
    }

    #[test]
    fn full_names_are_shown_unchanged() {
        assert_eq!(mask_person_name("张三丰", NameMask::Full), "张三丰");
    }

    proptest! {
        #[test]
        fn a_masked_name_shows_only_its_first_character(name in "[\\p{Han}a-zA-Z·]{1,8}") {
            let masked: Vec<char> = mask_person_name(&name, NameMask::KeepFirst).chars().collect();
            let clear: Vec<char> = name.chars().collect();
            prop_assert_eq!(masked.len(), clear.len());
            if clear.len() > 1 {
                prop_assert_eq!(masked[0], clear[0]);
            }
            prop_assert!(masked[usize::from(clear.len() > 1)..].iter().all(|&c| c == '*'));
        }
    }
}
