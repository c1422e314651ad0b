//! Unified social credit codes (统一社会信用代码, GB 32100-2015).
//!
//! A [`Uscc`] is 18 symbols of a 31-symbol alphabet: registration authority, organisation
//! category, a GB/T 2260 division code, an embedded GB 11714 organisation code with its own check
//! digit, and a final mod-31 check character. A `Uscc` value always has the right shape and a
//! real division code; its two check characters are right unless it came through
//! [`Uscc::parse_trusted`], which keeps the checksum failure as a warning for the caller to
//! store beside the record (early pilot-area codes are real yet fail the check).

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use super::region::{RegionCode, RegionError};

/// The 31 symbols of the code, in value order (0-30): no I, O, S, V or Z.
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Number of characters in a code.
const LENGTH: usize = 18;

/// Weights of characters 1-17 in the mod-31 check: 3^(i-1) mod 31.
const CHECK_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Weights of the eight body characters of the GB 11714 organisation code (characters 9-16).
const ORGANISATION_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A GB 32100 unified social credit code, normalised to upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Uscc(String);

/// Why a string is not a [`Uscc`].
///
/// Positions are 1-based, as in the standard and in messages to the agencies.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    /// Not 18 characters after trimming.
    #[error("must be {LENGTH} characters, found {found}")]
    Length {
        /// How many characters (not bytes) were found.
        found: usize,
    },
    /// A character outside the 31-symbol alphabet among characters 1-17.
    #[error("character {position} `{found}` is not allowed")]
    Character {
        /// 1-based position of the character.
        position: usize,
        /// The character, after upper-casing.
        found: char,
    },
    /// Characters 3-8 are not a GB/T 2260 division code.
    #[error("characters 3-8 are not a division code: {0}")]
    Division(RegionError),
    /// Character 17, the check digit of the embedded organisation code, is wrong.
    #[error("organisation code check digit should be `{expected}`, found `{found}`")]
    OrganisationCheck {
        /// The check digit computed from characters 9-16.
        expected: char,
        /// Character 17 as given.
        found: char,
    },
    /// Character 18, the mod-31 check character, is wrong.
    #[error("check character should be `{expected}`, found `{found}`")]
    Check {
        /// The check character computed from characters 1-17.
        expected: char,
        /// Character 18 as given (possibly outside the alphabet).
        found: char,
    },
}

impl UsccError {
    /// Whether this is a checksum failure ([`UsccError::OrganisationCheck`] or
    /// [`UsccError::Check`]) rather than a malformed code.
    pub fn is_checksum(&self) -> bool {
        matches!(
            self,
            UsccError::OrganisationCheck { .. } | UsccError::Check { .. }
        )
    }
}

/// The value (0-30) of `c` in the USCC alphabet.
fn alphabet_value(c: char) -> Option<u32> {
    // The alphabet is ASCII, so the byte offset is the value.
    ALPHABET
        .find(c)
        .and_then(|offset| u32::try_from(offset).ok())
}

/// The alphabet symbol of a value; `value` is always reduced mod 31 by the callers.
fn alphabet_symbol(value: u32) -> char {
    char::from(ALPHABET.as_bytes()[value as usize % ALPHABET.len()])
}

/// The mod-31 check character of characters 1-17, given as alphabet values.
fn check_character(values: &[u32; 17]) -> char {
    let sum: u32 = values
        .iter()
        .zip(CHECK_WEIGHTS)
        .map(|(value, weight)| value * weight)
        .sum();
    alphabet_symbol((31 - sum % 31) % 31)
}

/// The GB 11714 check digit of the eight organisation-code body characters.
///
/// GB 11714 values letters by their plain position in the Latin alphabet (A=10 … Z=35), not by
/// their value in the USCC alphabet, which skips letters: `J` is 19 here but 18 there.
fn organisation_check_digit(body: &[char]) -> char {
    let sum: u32 = body
        .iter()
        .zip(ORGANISATION_WEIGHTS)
        .map(|(c, weight)| c.to_digit(36).unwrap_or(0) * weight)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        digit => char::from_digit(digit, 10).unwrap_or('0'),
    }
}

/// A code that has the right shape, with its checksum results not yet turned into errors.
struct Checked {
    code: String,
    organisation: Option<UsccError>,
    check: Option<UsccError>,
}

/// Normalises `input` and checks everything; structural errors are returned at once, checksum
/// errors are kept for the caller to decide.
fn check(input: &str) -> Result<Checked, UsccError> {
    let code = input.trim().to_ascii_uppercase();
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != LENGTH {
        return Err(UsccError::Length { found: chars.len() });
    }
    let (body, last) = (&chars[..17], &chars[17]);
    let mut values = [0u32; 17];
    for ((position, &c), value) in (1..).zip(body).zip(&mut values) {
        *value = alphabet_value(c).ok_or(UsccError::Character { position, found: c })?;
    }
    // Characters 1-17 are now ASCII, so byte offsets are character offsets.
    RegionCode::parse(&code[2..8]).map_err(UsccError::Division)?;

    let expected = organisation_check_digit(&body[8..16]);
    let organisation = (body[16] != expected).then_some(UsccError::OrganisationCheck {
        expected,
        found: body[16],
    });
    let expected = check_character(&values);
    let check = (*last != expected).then_some(UsccError::Check {
        expected,
        found: *last,
    });
    Ok(Checked {
        code,
        organisation,
        check,
    })
}

impl Uscc {
    /// Parses a code strictly: trimmed and upper-cased, it must be well formed and both check
    /// characters must be right.
    ///
    /// The 18th character is judged only as the check character: one outside the alphabet (as in
    /// `91350100M000100Y4Z`) is reported as [`UsccError::Check`], which tells the agency what it
    /// should have been.
    ///
    /// # Errors
    ///
    /// In this order: [`UsccError::Length`], [`UsccError::Character`], [`UsccError::Division`],
    /// [`UsccError::OrganisationCheck`], [`UsccError::Check`].
    pub fn parse(input: &str) -> Result<Uscc, UsccError> {
        let checked = check(input)?;
        match checked.organisation.or(checked.check) {
            Some(err) => Err(err),
            None => Ok(Uscc(checked.code)),
        }
    }

    /// Parses a code from an authenticated partner agency: like [`Uscc::parse`], but a failed
    /// check character or organisation check digit is returned as a warning beside the code,
    /// to be stored with the record, instead of as an error.
    ///
    /// If both checks fail, the warning is the organisation check, as [`Uscc::parse`] would
    /// report it.
    ///
    /// # Errors
    ///
    /// Structural errors as in [`Uscc::parse`], and [`UsccError::Check`] when the 18th character
    /// is not in the alphabet at all: a failed check is tolerated, a symbol no code can contain
    /// is not.
    pub fn parse_trusted(input: &str) -> Result<(Uscc, Option<UsccError>), UsccError> {
        let checked = check(input)?;
        if let Some(err @ UsccError::Check { found, .. }) = &checked.check
            && alphabet_value(*found).is_none()
        {
            return Err(err.clone());
        }
        let warning = checked.organisation.or(checked.check);
        Ok((Uscc(checked.code), warning))
    }

    /// Builds a valid code from its parts, computing both check characters (for demo data).
    ///
    /// `registration` is the registration authority (e.g. `9`, market regulation), `category`
    /// the organisation category (e.g. `1` enterprise, `2` individual business), and
    /// `organisation_body` the eight characters of the organisation code before its check digit.
    /// Letters may be lower case.
    ///
    /// # Errors
    ///
    /// [`UsccError::Character`] for a character outside the alphabet (positions as in the
    /// finished code), [`UsccError::Length`] (the length the finished code would have) when
    /// `organisation_body` is not eight characters.
    pub fn from_parts(
        registration: char,
        category: char,
        region: &RegionCode,
        organisation_body: &str,
    ) -> Result<Uscc, UsccError> {
        let body: Vec<char> = organisation_body
            .chars()
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if body.len() != 8 {
            return Err(UsccError::Length {
                found: body.len() + 10,
            });
        }
        let mut chars: Vec<char> = Vec::with_capacity(LENGTH);
        chars.push(registration.to_ascii_uppercase());
        chars.push(category.to_ascii_uppercase());
        chars.extend(region.as_str().chars());
        chars.extend(&body);
        chars.push(organisation_check_digit(&body));

        let mut values = [0u32; 17];
        for ((position, &c), value) in (1..).zip(&chars).zip(&mut values) {
            *value = alphabet_value(c).ok_or(UsccError::Character { position, found: c })?;
        }
        chars.push(check_character(&values));
        Ok(Uscc(chars.into_iter().collect()))
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The registration authority and organisation category (characters 1-2), e.g. `91`
    /// enterprise, `92` individual business.
    pub fn prefix(&self) -> &str {
        // Always 18 ASCII characters, so byte offsets are character offsets.
        &self.0[..2]
    }

    /// The division code of the registering authority (characters 3-8).
    pub fn region(&self) -> RegionCode {
        RegionCode::from_validated(&self.0[2..8])
    }

    /// The embedded GB 11714 organisation code with its check digit (characters 9-17), the
    /// identifier older records use.
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Uscc {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<Uscc> for String {
    fn from(code: Uscc) -> String {
        code.0
    }
}

impl FromStr for Uscc {
    type Err = UsccError;

    /// Strict parsing, as [`Uscc::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uscc::parse(s)
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::region::PROVINCE_PREFIXES;

    /// The valid examples
    const VALID: &[&str] = &[
        "91610702MA6YL3K09Y",
        "92610723MA6YQ0A20M",
        "93610724MA6YRB7192",
        "12610700436000204R",
        "52610702098000454E",
        "91350100M000100Y43",
    ];

    #[test]
    fn the_valid_examples_parse() {
        for code in VALID {
            let uscc = Uscc::parse(code).expect("valid example");
            assert_eq!(uscc.as_str(), *code);
            assert_eq!(Uscc::parse_trusted(code), Ok((uscc, None)));
        }
    }

    #[test]
    fn parts_of_the_examples_are_exposed() {
        let uscc = Uscc::parse("91610702MA6YL3K09Y").expect("valid");
        assert_eq!(uscc.prefix(), "91");
        assert_eq!(uscc.region().as_str(), "610702");
        assert_eq!(uscc.region().name(), Some("汉台区"));
        assert_eq!(uscc.organisation_code(), "MA6YL3K09");

        let uscc = Uscc::parse("92610723MA6YQ0A20M").expect("valid");
        assert_eq!(uscc.prefix(), "92");
        assert_eq!(uscc.region().name(), Some("洋县"));
    }

    #[test]
    fn from_parts_rebuilds_the_examples() {
        for code in VALID {
            let chars: Vec<char> = code.chars().collect();
            let region = RegionCode::parse(&code[2..8]).expect("valid region");
            let built =
                Uscc::from_parts(chars[0], chars[1], &region, &code[8..16]).expect("valid parts");
            assert_eq!(built.as_str(), *code);
        }
    }

    #[test]
    fn input_is_trimmed_and_upper_cased() {
        let uscc = Uscc::parse("  91610702ma6yl3k09y\t").expect("valid after normalising");
        assert_eq!(uscc.as_str(), "91610702MA6YL3K09Y");
    }

    #[test]
    fn a_wrong_check_character_outside_the_alphabet_is_rejected_even_when_trusted() {
        let err = Uscc::parse("91350100M000100Y4Z").expect_err("invalid example");
        assert_eq!(
            err,
            UsccError::Check {
                expected: '3',
                found: 'Z'
            }
        );
        assert_eq!(err.to_string(), "check character should be `3`, found `Z`");
        assert!(err.is_checksum());
        assert_eq!(Uscc::parse_trusted("91350100M000100Y4Z"), Err(err));
    }

    #[test]
    fn a_forbidden_letter_is_rejected_with_its_position() {
        let err = Uscc::parse("91610702MA6YL3K0IY").expect_err("invalid example");
        assert_eq!(
            err,
            UsccError::Character {
                position: 17,
                found: 'I'
            }
        );
        assert_eq!(err.to_string(), "character 17 `I` is not allowed");
        assert!(!err.is_checksum());
        assert_eq!(Uscc::parse_trusted("91610702MA6YL3K0IY"), Err(err));
    }

    #[test]
    fn a_short_code_is_rejected_with_its_length() {
        let err = Uscc::parse("9161070MA6YL3K09Y").expect_err("invalid example");
        assert_eq!(err, UsccError::Length { found: 17 });
        assert_eq!(err.to_string(), "must be 18 characters, found 17");
        assert_eq!(Uscc::parse_trusted("9161070MA6YL3K09Y"), Err(err));
        assert_eq!(Uscc::parse(""), Err(UsccError::Length { found: 0 }));
        // Characters, not bytes: 18 Chinese characters are 18 characters, none allowed.
        assert_eq!(
            Uscc::parse(&"信".repeat(18)),
            Err(UsccError::Character {
                position: 1,
                found: '信'
            })
        );
    }

    #[test]
    fn a_wrong_check_character_is_a_warning_when_trusted() {
        let err = Uscc::parse("91350100M000100Y44").expect_err("check fails");
        assert_eq!(
            err,
            UsccError::Check {
                expected: '3',
                found: '4'
            }
        );
        let (uscc, warning) = Uscc::parse_trusted("91350100m000100y44").expect("only checksum");
        assert_eq!(uscc.as_str(), "91350100M000100Y44");
        assert_eq!(warning, Some(err));
    }

    #[test]
    fn the_organisation_check_is_reported_before_the_final_check() {
        // Character 17 changed from 9 to 1: both checks now fail.
        let err = Uscc::parse("91610702MA6YL3K01Y").expect_err("checks fail");
        assert_eq!(
            err,
            UsccError::OrganisationCheck {
                expected: '9',
                found: '1'
            }
        );
        assert_eq!(
            err.to_string(),
            "organisation code check digit should be `9`, found `1`"
        );
        assert!(err.is_checksum());
        let (_, warning) = Uscc::parse_trusted("91610702MA6YL3K01Y").expect("only checksums");
        assert_eq!(warning, Some(err));
    }

    #[test]
    fn the_division_must_be_real() {
        let err = Uscc::parse("91990100M000100Y43").expect_err("no province 99");
        assert_eq!(
            err,
            UsccError::Division(RegionError::Province {
                prefix: "99".to_owned()
            })
        );
        assert_eq!(
            err.to_string(),
            "characters 3-8 are not a division code: `99` is not a province code"
        );
        let err = Uscc::parse("913501A0M000100Y43").expect_err("letter in division");
        assert_eq!(err, UsccError::Division(RegionError::Format));
        assert_eq!(
            err.to_string(),
            "characters 3-8 are not a division code: must be 6 digits"
        );
        assert!(!err.is_checksum());
        assert_eq!(Uscc::parse_trusted("913501A0M000100Y43"), Err(err));
    }

    #[test]
    fn from_parts_rejects_bad_parts() {
        let region = RegionCode::parse("610702").expect("valid");
        assert_eq!(
            Uscc::from_parts('9', 'I', &region, "MA6YL3K0"),
            Err(UsccError::Character {
                position: 2,
                found: 'I'
            })
        );
        assert_eq!(
            Uscc::from_parts('9', '1', &region, "MA6YL3KO"),
            Err(UsccError::Character {
                position: 16,
                found: 'O'
            })
        );
        assert_eq!(
            Uscc::from_parts('9', '1', &region, "MA6YL3K"),
            Err(UsccError::Length { found: 17 })
        );
        assert_eq!(
            Uscc::from_parts('9', '1', &region, "ma6yl3k0").map(String::from),
            Ok("91610702MA6YL3K09Y".to_owned())
        );
    }

    #[test]
    fn serialises_as_a_plain_string() {
        let uscc = Uscc::parse("12610700436000204R").expect("valid");
        assert_eq!(
            serde_json::to_string(&uscc).expect("serialises"),
            "\"12610700436000204R\""
        );
        assert_eq!(uscc.to_string(), "12610700436000204R");
        assert_eq!("12610700436000204R".parse::<Uscc>(), Ok(uscc));
    }

    fn symbol() -> impl Strategy<Value = char> {
        (0..31u32).prop_map(alphabet_symbol)
    }

    fn region() -> impl Strategy<Value = RegionCode> {
        (0..PROVINCE_PREFIXES.len(), 0..10_000u32).prop_map(|(province, rest)| {
            RegionCode::parse(&format!("{}{rest:04}", PROVINCE_PREFIXES[province]))
                .expect("province prefix and four digits")
        })
    }

    fn valid_uscc() -> impl Strategy<Value = Uscc> {
        (
            symbol(),
            symbol(),
            region(),
            proptest::collection::vec(symbol(), 8),
        )
            .prop_map(|(registration, category, region, body)| {
                let body: String = body.into_iter().collect();
                Uscc::from_parts(registration, category, &region, &body).expect("valid parts")
            })
    }

    proptest! {
        #[test]
        fn codes_built_from_parts_parse_back_equal(uscc in valid_uscc()) {
            prop_assert_eq!(Uscc::parse(uscc.as_str()), Ok(uscc.clone()));
            prop_assert_eq!(Uscc::parse(&uscc.as_str().to_lowercase()), Ok(uscc.clone()));
            prop_assert_eq!(Uscc::parse_trusted(uscc.as_str()), Ok((uscc, None)));
        }

        #[test]
        fn any_single_substitution_is_rejected(
            uscc in valid_uscc(),
            index in 0..LENGTH,
            shift in 1..31u32,
        ) {
            let mut chars: Vec<char> = uscc.as_str().chars().collect();
            let original = alphabet_value(chars[index]).expect("valid code");
            chars[index] = alphabet_symbol((original + shift) % 31);
            let mutated: String = chars.into_iter().collect();

            let err = Uscc::parse(&mutated).expect_err("a substitution is always caught");
            match Uscc::parse_trusted(&mutated) {
                Ok((accepted, warning)) => {
                    prop_assert!(err.is_checksum());
                    prop_assert_eq!(accepted.as_str(), mutated.as_str());
                    prop_assert_eq!(warning, Some(err));
                }
                Err(trusted_err) => {
                    // Only the division can make a one-symbol change structural.
                    prop_assert!((2..8).contains(&index));
                    prop_assert!(!err.is_checksum());
                    prop_assert_eq!(trusted_err, err);
                }
            }
        }
    }
}
