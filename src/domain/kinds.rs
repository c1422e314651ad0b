//! The closed code lists of the domain: subject kinds, list kinds and severity classes.
//!
//! Each value has one stable `snake_case` code (used on the wire, in the database and in
//! configuration) and one Chinese label (used in the UI). Both live in one table per type, written
//! once in a `code_list!` invocation below, so that the code, the label, [`FromStr`] and the
//! serde names cannot drift apart.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::uscc::Uscc;

/// A string that is not one of the codes of a code list.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct UnknownValue {
    /// The string that was given.
    pub value: String,
    /// The codes that would have been accepted.
    pub expected: &'static [&'static str],
}

impl UnknownValue {
    /// An error for `value`, which is none of `expected`.
    pub fn new(value: &str, expected: &'static [&'static str]) -> UnknownValue {
        UnknownValue {
            value: value.to_owned(),
            expected,
        }
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not one of ", self.value)?;
        for (i, code) in self.expected.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{code}`")?;
        }
        Ok(())
    }
}

/// Implements `ALL`, `as_str`, `label_zh`, [`FromStr`] and [`fmt::Display`] for a fieldless enum
/// from one table of `Variant => "code", "标签";` rows.
macro_rules! code_list {
    ($ty:ident { $($variant:ident => $code:literal, $label:literal;)+ }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable `snake_case` code (the serde name).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// The Chinese label shown to users.
            pub const fn label_zh(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }
        }

        impl FromStr for $ty {
            type Err = UnknownValue;

            /// Parses the exact `snake_case` code, as written by [`Self::as_str`].
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($code => Ok(Self::$variant),)+
                    _ => Err(UnknownValue::new(s, &[$($code),+])),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// The kind of a credit subject (信用主体类别).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A legal person (法人): enterprise, state organ, public institution, social organisation.
    LegalPerson,
    /// An unincorporated organisation (非法人组织), such as a partnership or a branch.
    OtherOrganisation,
    /// An individual business (个体工商户); its code starts with `92`.
    IndividualBusiness,
    /// A natural person (自然人), identified by a resident ID number, never by a USCC.
    NaturalPerson,
}

code_list!(SubjectKind {
    LegalPerson => "legal_person", "法人";
    OtherOrganisation => "other_organisation", "非法人组织";
    IndividualBusiness => "individual_business", "个体工商户";
    NaturalPerson => "natural_person", "自然人";
});

/// The USCC prefix (registration authority `9`, category `2`) of individual businesses.
const INDIVIDUAL_BUSINESS_PREFIX: &str = "92";

impl SubjectKind {
    /// Whether a subject of this kind identified by `uscc` is consistent .
    ///
    /// Natural persons have no USCC; individual businesses have one starting with `92`; legal
    /// persons and other organisations have one that does not start with `92`.
    ///
    /// # Errors
    ///
    /// A [`KindCodeMismatch`] saying which rule the pair breaks.
    pub fn check_uscc(self, uscc: Option<&Uscc>) -> Result<(), KindCodeMismatch> {
        match (self, uscc) {
            (SubjectKind::NaturalPerson, None) => Ok(()),
            (SubjectKind::NaturalPerson, Some(_)) => Err(KindCodeMismatch::NaturalPersonWithCode),
            (kind, None) => Err(KindCodeMismatch::MissingCode { kind }),
            (SubjectKind::IndividualBusiness, Some(code)) => {
                if code.prefix() == INDIVIDUAL_BUSINESS_PREFIX {
                    Ok(())
                } else {
                    Err(KindCodeMismatch::NotIndividualBusinessCode {
                        found: code.prefix().to_owned(),
                    })
                }
            }
            (kind, Some(code)) => {
                if code.prefix() == INDIVIDUAL_BUSINESS_PREFIX {
                    Err(KindCodeMismatch::IndividualBusinessCode { kind })
                } else {
                    Ok(())
                }
            }
        }
    }

    /// The kind with its English article, for error messages ("a legal person").
    fn with_article(self) -> &'static str {
        match self {
            SubjectKind::LegalPerson => "a legal person",
            SubjectKind::OtherOrganisation => "an unincorporated organisation",
            SubjectKind::IndividualBusiness => "an individual business",
            SubjectKind::NaturalPerson => "a natural person",
        }
    }
}

/// A subject kind and a USCC that do not belong together (see [`SubjectKind::check_uscc`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KindCodeMismatch {
    /// A natural person was given a USCC.
    #[error("a natural person has no unified social credit code")]
    NaturalPersonWithCode,
    /// An organisation or individual business has no USCC.
    #[error("{} needs a unified social credit code", kind.with_article())]
    MissingCode {
        /// The kind of the subject.
        kind: SubjectKind,
    },
    /// An individual business has a code that does not start with `92`.
    #[error("an individual business needs a code starting with `92`, found `{found}`")]
    NotIndividualBusinessCode {
        /// The first two characters of the code given.
        found: String,
    },
    /// A legal person or other organisation has an individual-business code (`92…`).
    #[error("{} cannot have a code starting with `92`, which is for individual businesses", kind.with_article())]
    IndividualBusinessCode {
        /// The kind of the subject.
        kind: SubjectKind,
    },
}

/// The list an entry is published on (名单类型).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// Red list (红名单, 守信激励): honours and incentives.
    Red,
    /// Black list (黑名单, 严重失信主体名单): kept only on a legal basis.
    Black,
    /// Key attention list (重点关注).
    KeyAttention,
}

code_list!(ListKind {
    Red => "red", "红名单";
    Black => "black", "黑名单";
    KeyAttention => "key_attention", "重点关注";
});

/// The severity class of a black-list or penalty record (失信等级).
///
/// Ordered from the least to the most severe, so that "the longest period of several penalty
/// types" is a `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Minor (轻微): publishable only under the rule in force from 2025-06-22.
    Minor,
    /// General (一般).
    General,
    /// Serious (严重).
    Serious,
}

code_list!(Severity {
    Minor => "minor", "轻微";
    General => "general", "一般";
    Serious => "serious", "严重";
});

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that `as_str`, `FromStr`, `Display` and serde agree for every value of `T`.
    fn assert_round_trips<T>(all: &[T], as_str: fn(T) -> &'static str)
    where
        T: Copy + fmt::Debug + PartialEq + FromStr<Err = UnknownValue> + Serialize + fmt::Display,
        T: for<'de> Deserialize<'de>,
    {
        for &value in all {
            let code = as_str(value);
            assert_eq!(code.parse::<T>(), Ok(value));
            assert_eq!(value.to_string(), code);
            let json = serde_json::to_string(&value).expect("serialises");
            assert_eq!(json, format!("\"{code}\""));
            let back: T = serde_json::from_str(&json).expect("deserialises");
            assert_eq!(back, value);
        }
    }

    #[test]
    fn codes_labels_and_serde_names_agree() {
        assert_round_trips(SubjectKind::ALL, SubjectKind::as_str);
        assert_round_trips(ListKind::ALL, ListKind::as_str);
        assert_round_trips(Severity::ALL, Severity::as_str);

        let codes: Vec<_> = SubjectKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            codes,
            [
                "legal_person",
                "other_organisation",
                "individual_business",
                "natural_person"
            ]
        );
        let labels: Vec<_> = SubjectKind::ALL.iter().map(|k| k.label_zh()).collect();
        assert_eq!(labels, ["法人", "非法人组织", "个体工商户", "自然人"]);

        let codes: Vec<_> = ListKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(codes, ["red", "black", "key_attention"]);
        let labels: Vec<_> = ListKind::ALL.iter().map(|k| k.label_zh()).collect();
        assert_eq!(labels, ["红名单", "黑名单", "重点关注"]);

        let codes: Vec<_> = Severity::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(codes, ["minor", "general", "serious"]);
        let labels: Vec<_> = Severity::ALL.iter().map(|k| k.label_zh()).collect();
        assert_eq!(labels, ["轻微", "一般", "严重"]);
    }

    #[test]
    fn unknown_codes_list_the_expected_ones() {
        let err = "grey".parse::<ListKind>().expect_err("not a list");
        assert_eq!(err.value, "grey");
        assert_eq!(
            err.to_string(),
            "`grey` is not one of `red`, `black`, `key_attention`"
        );
        // Codes are exact: no case folding, no trimming.
        assert!("Red".parse::<ListKind>().is_err());
        assert!(" red".parse::<ListKind>().is_err());
    }

    #[test]
    fn severities_are_ordered_by_gravity() {
        assert!(Severity::Minor < Severity::General);
        assert!(Severity::General < Severity::Serious);
        assert_eq!(Severity::ALL.iter().max(), Some(&Severity::Serious));
    }

    fn uscc(code: &str) -> Uscc {
        Uscc::parse(code).expect("valid example")
    }

    #[test]
    fn natural_persons_have_no_code() {
        assert_eq!(SubjectKind::NaturalPerson.check_uscc(None), Ok(()));
        let err = SubjectKind::NaturalPerson
            .check_uscc(Some(&uscc("91610702MA6YL3K09Y")))
            .expect_err("persons have no USCC");
        assert_eq!(err, KindCodeMismatch::NaturalPersonWithCode);
    }

    #[test]
    fn individual_businesses_need_a_92_code() {
        let business = uscc("92610723MA6YQ0A20M");
        let enterprise = uscc("91610702MA6YL3K09Y");
        assert_eq!(
            SubjectKind::IndividualBusiness.check_uscc(Some(&business)),
            Ok(())
        );
        let err = SubjectKind::IndividualBusiness
            .check_uscc(Some(&enterprise))
            .expect_err("91 is an enterprise");
        assert_eq!(
            err.to_string(),
            "an individual business needs a code starting with `92`, found `91`"
        );
        let err = SubjectKind::IndividualBusiness
            .check_uscc(None)
            .expect_err("needs a code");
        assert_eq!(
            err.to_string(),
            "an individual business needs a unified social credit code"
        );
    }

    #[test]
    fn organisations_need_a_code_that_is_not_92() {
        for kind in [SubjectKind::LegalPerson, SubjectKind::OtherOrganisation] {
            for code in [
                "91610702MA6YL3K09Y",
                "93610724MA6YRB7192",
                "12610700436000204R",
                "52610702098000454E",
            ] {
                assert_eq!(kind.check_uscc(Some(&uscc(code))), Ok(()), "{kind} {code}");
            }
            let err = kind
                .check_uscc(Some(&uscc("92610723MA6YQ0A20M")))
                .expect_err("92 is an individual business");
            assert_eq!(err, KindCodeMismatch::IndividualBusinessCode { kind });
            assert_eq!(
                kind.check_uscc(None),
                Err(KindCodeMismatch::MissingCode { kind })
            );
        }
        assert_eq!(
            SubjectKind::LegalPerson
                .check_uscc(Some(&uscc("92610723MA6YQ0A20M")))
                .map_err(|e| e.to_string()),
            Err(
                "a legal person cannot have a code starting with `92`, which is for individual businesses"
                    .to_owned()
            )
        );
    }
}
