//! Resident ID numbers (公民身份号码, GB 11643-1999) and the permits that share their format.
//!
//! An [`IdNumber`] always holds the canonical 18-character form (legacy 15-digit numbers are
//! upgraded on parsing) with a real, non-future birth date and a right check character. It is
//! personal data that must never reach a log, an index or a public response in clear,
//! so the type has no `Display` and no `Serialize`, its `Debug` prints the
//! masked form, and no error message contains the number. Only [`IdNumber::as_str`] gives the
//! clear number, for the caller to encrypt or hash.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

use super::masking::IdMaskStyle;
use super::region::{RegionCode, is_province_prefix};

/// Number of characters in the canonical form.
const LENGTH: usize = 18;

/// Number of digits in a legacy (first-generation) number.
const LEGACY_LENGTH: usize = 15;

/// ISO 7064 MOD 11-2 weights of characters 1-17.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for each value of the weighted sum mod 11.
const CHECK_CHARACTERS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Division parts of Hong Kong, Macao and Taiwan residence permits (港澳台居民居住证).
///
/// `83` is no province code, so Taiwan permits would fail the province check without this.
const PERMIT_PREFIXES: &[&str] = &["810000", "820000", "830000"];

/// A valid resident ID number (or residence-permit number) in canonical 18-character form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber {
    /// The 18 characters, check character upper case.
    canonical: String,
    /// Characters 7-14, kept parsed so that reading it cannot fail.
    birth: NaiveDate,
}

/// Why a string is not an [`IdNumber`].
///
/// No variant carries the number or a part of it, and none says what the check character
/// should be, which would help someone guessing numbers.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    /// Neither 18 characters nor 15 (legacy) after trimming.
    #[error("must be 18 characters (or 15 digits for an old number), found {found}")]
    Length {
        /// How many characters (not bytes) were found.
        found: usize,
    },
    /// A character that is not a digit, or an `X` anywhere but in position 18.
    #[error("character {position} `{found}` is not allowed")]
    Character {
        /// 1-based position in the input.
        position: usize,
        /// The offending character, which is never a digit.
        found: char,
    },
    /// The first six digits do not start with a province code and are not a permit prefix.
    #[error("characters 1-6 are not a division code")]
    Division,
    /// Characters 7-14 are not a real date.
    #[error("birth date is not a real date")]
    BirthDate,
    /// The birth date is after the day of parsing.
    #[error("birth date is in the future")]
    FutureBirthDate,
    /// The check character does not match the other 17.
    #[error("check character is wrong")]
    Check,
}

/// The MOD 11-2 check character of 17 digits.
fn check_character(digits: &[u32]) -> char {
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    CHECK_CHARACTERS[(sum % 11) as usize]
}

/// Whether the first six digits may open a number: a province-level division, a HK / Macao /
/// Taiwan permit prefix, or a leading `9` (the foreigner permanent-residence card).
fn is_division_part(six: &str) -> bool {
    six.starts_with('9') || PERMIT_PREFIXES.contains(&six) || is_province_prefix(&six[..2])
}

impl IdNumber {
    /// Parses an 18-character number (a lower-case `x` is accepted) or a legacy 15-digit number,
    /// which is upgraded by inserting `19` before the two-digit year and computing the check
    /// character. Surrounding whitespace is ignored.
    ///
    /// `today` is the day of parsing, passed in so that the result does not depend on the clock:
    /// a birth date after it is rejected.
    ///
    /// # Errors
    ///
    /// In this order: [`IdNumberError::Length`], [`IdNumberError::Character`],
    /// [`IdNumberError::Division`], [`IdNumberError::BirthDate`],
    /// [`IdNumberError::FutureBirthDate`], [`IdNumberError::Check`].
    pub fn parse(input: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
        let chars: Vec<char> = input
            .trim()
            .chars()
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let (digit_count, given_check) = match chars.len() {
            LENGTH => (LENGTH - 1, chars.last().copied()),
            LEGACY_LENGTH => (LEGACY_LENGTH, None),
            found => return Err(IdNumberError::Length { found }),
        };
        let mut digits = Vec::with_capacity(LENGTH - 1);
        for (position, &c) in (1..).zip(&chars[..digit_count]) {
            let digit = c
                .to_digit(10)
                .ok_or(IdNumberError::Character { position, found: c })?;
            digits.push(digit);
        }
        if let Some(c) = given_check
            && !(c.is_ascii_digit() || c == 'X')
        {
            return Err(IdNumberError::Character {
                position: LENGTH,
                found: c,
            });
        }
        if given_check.is_none() {
            // Legacy numbers were all issued to people born in the 1900s.
            digits.splice(6..6, [1, 9]);
        }

        let mut canonical: String = digits
            .iter()
            .filter_map(|&d| char::from_digit(d, 10))
            .collect();
        if !is_division_part(&canonical[..6]) {
            return Err(IdNumberError::Division);
        }
        let birth = parse_birth_date(&canonical[6..14]).ok_or(IdNumberError::BirthDate)?;
        if birth > today {
            return Err(IdNumberError::FutureBirthDate);
        }
        let expected = check_character(&digits);
        if given_check.is_some_and(|given| given != expected) {
            return Err(IdNumberError::Check);
        }
        canonical.push(expected);
        Ok(IdNumber { canonical, birth })
    }

    /// Builds a valid number for demo data from a division, a birth date and a sequence number
    /// (odd for men, even for women).
    ///
    /// `sequence` is taken modulo 1000 and the birth year modulo 10000 (which keeps the date
    /// valid), so that the result always has the canonical shape. The birth date is not compared
    /// with today: a future `birth` gives a number that [`IdNumber::parse`] rejects.
    pub fn from_parts(region: &RegionCode, birth: NaiveDate, sequence: u16) -> IdNumber {
        // Years 0-9999 cover every real birth; the modulus only keeps the shape for odd input.
        let birth = birth
            .with_year(birth.year().rem_euclid(10_000))
            .unwrap_or(birth);
        let mut canonical = format!(
            "{region}{:04}{:02}{:02}{:03}",
            birth.year(),
            birth.month(),
            birth.day(),
            sequence % 1000
        );
        let digits: Vec<u32> = canonical.chars().filter_map(|c| c.to_digit(10)).collect();
        canonical.push(check_character(&digits));
        IdNumber { canonical, birth }
    }

    /// The clear canonical number, to be encrypted or hashed (HMAC) by the caller; never log or
    /// publish it.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The birth date (characters 7-14).
    pub fn birth_date(&self) -> NaiveDate {
        self.birth
    }

    /// Whether the holder is a minor (not yet 18) on `date`; minors are never published.
    ///
    /// The 18th birthday itself still counts as under 18: Chinese law counts an age in full
    /// years from the day after the birthday (Civil Code Art. 201; the Supreme People's Court
    /// reads "已满十八周岁" as from the day after the 18th birthday). Someone born on 29 February
    /// has that birthday on 28 February in common years.
    pub fn is_minor_on(&self, date: NaiveDate) -> bool {
        self.birth
            .checked_add_months(Months::new(18 * 12))
            .is_none_or(|eighteenth_birthday| date <= eighteenth_birthday)
    }

    /// The number with the characters hidden by `style` replaced by `*`; always 18 characters.
    pub fn masked(&self, style: IdMaskStyle) -> String {
        style.mask(&self.canonical)
    }
}

/// The date of eight digits `YYYYMMDD`, if it exists.
fn parse_birth_date(yyyymmdd: &str) -> Option<NaiveDate> {
    let year = yyyymmdd.get(..4)?.parse().ok()?;
    let month = yyyymmdd.get(4..6)?.parse().ok()?;
    let day = yyyymmdd.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

impl fmt::Debug for IdNumber {
    /// Prints the default masked form, so that a `{:?}` in a log or a panic cannot leak the
    /// number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked(IdMaskStyle::default()))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::region::PROVINCE_PREFIXES;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("test dates are real")
    }

    fn today() -> NaiveDate {
        date(2026, 1, 1)
    }

    fn parse(input: &str) -> Result<IdNumber, IdNumberError> {
        IdNumber::parse(input, today())
    }

    /// Asserts that neither the error nor its debug form contains `number` or its first 17
    /// characters.
    fn assert_does_not_leak(err: &IdNumberError, number: &str) {
        let body = number.get(..17).unwrap_or(number);
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains(body), "{text} leaks {number}");
        }
    }

    #[test]
    fn the_valid_examples_parse() {
        let examples = [
            ("610702200001010018", date(2000, 1, 1)),
            ("610702200001010026", date(2000, 1, 1)),
            ("61070220000101019X", date(2000, 1, 1)),
            ("610724199912310049", date(1999, 12, 31)),
        ];
        for (number, birth) in examples {
            let id = parse(number).expect("valid example");
            assert_eq!(id.as_str(), number);
            assert_eq!(id.birth_date(), birth);
        }
    }

    #[test]
    fn a_lower_case_x_and_whitespace_are_normalised() {
        let id = parse(" 61070220000101019x\n").expect("valid");
        assert_eq!(id.as_str(), "61070220000101019X");
    }

    #[test]
    fn a_legacy_number_is_upgraded() {
        let id = parse("610702850101001").expect("valid legacy number");
        assert_eq!(id.as_str(), "610702198501010014");
        assert_eq!(id.birth_date(), date(1985, 1, 1));
        assert_eq!(parse("610702198501010014"), Ok(id));
        assert_eq!(
            parse("61070285010100X"),
            Err(IdNumberError::Character {
                position: 15,
                found: 'X'
            })
        );
    }

    #[test]
    fn a_wrong_check_character_is_rejected_without_saying_the_right_one() {
        for number in ["610702200001010019", "61070220000101001X"] {
            let err = parse(number).expect_err("wrong check");
            assert_eq!(err, IdNumberError::Check);
            assert_eq!(err.to_string(), "check character is wrong");
            assert_does_not_leak(&err, number);
        }
    }

    #[test]
    fn the_birth_date_must_be_real() {
        // 30 February, with the check character computed for it.
        let err = parse("610702200002300017").expect_err("no 30 February");
        assert_eq!(err, IdNumberError::BirthDate);
        assert_eq!(err.to_string(), "birth date is not a real date");
        assert_eq!(parse("610702201302290010"), Err(IdNumberError::BirthDate));
        let leap = parse("610702200802290021").expect("2008 is a leap year");
        assert_eq!(leap.birth_date(), date(2008, 2, 29));
    }

    #[test]
    fn the_birth_date_must_not_be_in_the_future() {
        let err = parse("610702202601020016").expect_err("born tomorrow");
        assert_eq!(err, IdNumberError::FutureBirthDate);
        assert_eq!(err.to_string(), "birth date is in the future");
        let born_today = parse("610702202601010010").expect("born today");
        assert_eq!(born_today.birth_date(), today());
    }

    #[test]
    fn permits_share_the_format() {
        for number in [
            "830000199001010020",
            "810000199001010035",
            "912345199001010048",
        ] {
            parse(number).expect("permit number");
        }
        // 83 is a permit prefix only as 830000; 20 and 00 are no province.
        for number in [
            "830102199001010029",
            "200702199001010024",
            "000702199001010027",
        ] {
            assert_eq!(parse(number), Err(IdNumberError::Division), "{number}");
        }
    }

    #[test]
    fn malformed_input_is_rejected_in_order() {
        assert_eq!(
            parse("61070220000101001"),
            Err(IdNumberError::Length { found: 17 })
        );
        assert_eq!(parse(""), Err(IdNumberError::Length { found: 0 }));
        assert_eq!(
            parse("6107022000X1010018"),
            Err(IdNumberError::Character {
                position: 11,
                found: 'X'
            })
        );
        assert_eq!(
            parse("61070220000101001A"),
            Err(IdNumberError::Character {
                position: 18,
                found: 'A'
            })
        );
        // Full-width digits are characters, not digits.
        assert_eq!(
            parse("６10702200001010018"),
            Err(IdNumberError::Character {
                position: 1,
                found: '６'
            })
        );
    }

    #[test]
    fn no_error_message_contains_the_number() {
        for number in [
            "610702200001010019",
            "610702200002300017",
            "610702202601020016",
            "200702199001010024",
            "6107022000010100181",
        ] {
            let err = parse(number).expect_err("invalid");
            assert_does_not_leak(&err, number);
        }
    }

    #[test]
    fn debug_shows_only_the_masked_number() {
        let id = parse("610702200001010018").expect("valid");
        let debug = format!("{id:?}");
        assert_eq!(debug, "IdNumber(610702********0018)");
        assert!(!debug.contains("20000101"));
        let debug = format!("{:?}", Some(&id));
        assert!(!debug.contains("610702200001010018"));
    }

    #[test]
    fn masking_follows_the_configured_style() {
        let id = parse("610702200001010018").expect("valid");
        assert_eq!(id.masked(IdMaskStyle::First6Last4), "610702********0018");
        assert_eq!(id.masked(IdMaskStyle::BirthDate), "6107022000****0018");
        assert_eq!(id.masked(IdMaskStyle::First3Last4), "610***********0018");
    }

    #[test]
    fn minors_become_adults_the_day_after_their_18th_birthday() {
        let id = parse("610702200801010016").expect("valid");
        assert!(id.is_minor_on(date(2025, 12, 31)));
        assert!(id.is_minor_on(date(2026, 1, 1)));
        assert!(!id.is_minor_on(date(2026, 1, 2)));

        let leap = parse("610702200802290021").expect("valid");
        assert!(leap.is_minor_on(date(2026, 2, 28)));
        assert!(!leap.is_minor_on(date(2026, 3, 1)));

        let adult = parse("610724199912310049").expect("valid");
        assert!(!adult.is_minor_on(today()));
    }

    #[test]
    fn from_parts_builds_the_examples() {
        let region = RegionCode::parse("610702").expect("valid");
        let id = IdNumber::from_parts(&region, date(2000, 1, 1), 1);
        assert_eq!(id.as_str(), "610702200001010018");
        let id = IdNumber::from_parts(&region, date(2000, 1, 1), 19);
        assert_eq!(id.as_str(), "61070220000101019X");
        let id = IdNumber::from_parts(&region, date(2000, 1, 1), 1002);
        assert_eq!(id.as_str(), "610702200001010026");
    }

    fn region() -> impl Strategy<Value = RegionCode> {
        (0..PROVINCE_PREFIXES.len(), 0..10_000u32).prop_map(|(province, rest)| {
            RegionCode::parse(&format!("{}{rest:04}", PROVINCE_PREFIXES[province]))
                .expect("province prefix and four digits")
        })
    }

    /// Birth dates from 1900-01-01 up to `today()`.
    fn birth() -> impl Strategy<Value = NaiveDate> {
        let first = date(1900, 1, 1);
        let span = (today() - first).num_days();
        (0..=span).prop_map(move |days| first + chrono::Duration::days(days))
    }

    fn valid_id() -> impl Strategy<Value = IdNumber> {
        (region(), birth(), 0..1000u16)
            .prop_map(|(region, birth, sequence)| IdNumber::from_parts(&region, birth, sequence))
    }

    proptest! {
        #[test]
        fn numbers_built_from_parts_parse_back_equal(
            region in region(),
            birth in birth(),
            sequence in 0..1000u16,
        ) {
            let id = IdNumber::from_parts(&region, birth, sequence);
            prop_assert_eq!(id.birth_date(), birth);
            prop_assert!(id.as_str().starts_with(region.as_str()));
            prop_assert_eq!(parse(id.as_str()), Ok(id.clone()));
            prop_assert_eq!(parse(&id.as_str().to_lowercase()), Ok(id));
        }

        #[test]
        fn legacy_forms_of_1900s_numbers_upgrade_to_the_same_number(id in valid_id()) {
            prop_assume!(id.birth_date().year() / 100 == 19);
            let clear = id.as_str();
            let legacy = format!("{}{}", &clear[..6], &clear[8..17]);
            prop_assert_eq!(parse(&legacy), Ok(id));
        }

        #[test]
        fn any_single_digit_substitution_is_rejected(
            id in valid_id(),
            index in 0..LENGTH,
            shift in 1..10u32,
        ) {
            let mut chars: Vec<char> = id.as_str().chars().collect();
            // An `X` check character is replaced by some digit: every digit is wrong there.
            let original = chars[index].to_digit(10).unwrap_or(0);
            let replacement = if chars[index] == 'X' { shift } else { (original + shift) % 10 };
            chars[index] = char::from_digit(replacement, 10).expect("a digit");
            let mutated: String = chars.into_iter().collect();
            let err = parse(&mutated).expect_err("a substitution is always caught");
            assert_does_not_leak(&err, &mutated);
        }

        #[test]
        fn masking_keeps_the_length_and_hides_the_middle(id in valid_id()) {
            let clear: Vec<char> = id.as_str().chars().collect();
            for (style, head, tail) in [
                (IdMaskStyle::First6Last4, 6, 4),
                (IdMaskStyle::BirthDate, 10, 4),
                (IdMaskStyle::First3Last4, 3, 4),
            ] {
                let masked: Vec<char> = id.masked(style).chars().collect();
                prop_assert_eq!(masked.len(), LENGTH);
                prop_assert_eq!(&masked[..head], &clear[..head]);
                prop_assert_eq!(&masked[LENGTH - tail..], &clear[LENGTH - tail..]);
                prop_assert!(masked[head..LENGTH - tail].iter().all(|&c| c == '*'));
            }
            let debug = format!("{:?}", id);
            prop_assert!(!debug.contains(&id.as_str()[6..14]));
        }
    }
}
