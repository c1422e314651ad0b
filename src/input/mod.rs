//! The one input layer: every request type and the parsing that turns it into a command made of
//! domain types. The JSON API, partner intake, file import and `seed` all parse here, so a rule
//! (a required field, a code's checksum, dates in order) is written once and answers with the
//! same error code and message wherever the input came from. Nothing here touches the database
//! or HTTP; services take the commands this module returns.

pub mod agencies;
pub mod calendar;
pub mod cases;
pub mod entries;
pub mod lookup;
pub mod materials;
pub mod notices;
pub mod paging;
pub mod reports;
pub mod screening;
pub mod staff;
pub mod subjects;

use crate::domain::{IdNumberError, RegionCode, RegionError, Uscc, UsccError};
use crate::error::{ApiError, ApiResult, ErrorCode};
use validator::ValidationErrors;

/// Whitespace as the OpenAPI document's patterns mean it (`\s` of ECMAScript regular
/// expressions), so a value the document calls non-blank (`\S`) is never trimmed to nothing.
/// Unlike [`char::is_whitespace`] it keeps U+0085 (NEL) and counts U+FEFF.
fn is_blank(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// Trimmed text; blank (or absent) is `None`.
pub fn trimmed(value: Option<String>) -> Option<String> {
    value
        .map(|v| {
            let t = v.trim_matches(is_blank);
            if t.len() == v.len() { v } else { t.to_owned() }
        })
        .filter(|v| !v.is_empty())
}

/// Optional text of at most `max` characters, trimmed; blank is `None`. Too long answers
/// ``"`field`: at most N characters."`` with `code`.
pub fn bounded(
    code: ErrorCode,
    field: &str,
    value: Option<String>,
    max: usize,
) -> ApiResult<Option<String>> {
    match trimmed(value) {
        Some(text) if text.chars().count() > max => Err(ApiError::new(
            code,
            format!("`{field}`: at most {max} characters."),
        )),
        other => Ok(other),
    }
}

/// Required text of at most `max` characters, trimmed. Blank answers ``"`field`: required."``.
pub fn required(
    code: ErrorCode,
    field: &str,
    value: Option<String>,
    max: usize,
) -> ApiResult<String> {
    bounded(code, field, value, max)?
        .ok_or_else(|| ApiError::new(code, format!("`{field}`: required.")))
}

/// Refuses free text holding what looks like a resident ID number (18 characters with a valid
/// birth date and check character) or a mainland mobile number (11 digits from `13`–`19`),
/// naming the field but never the value, so none reaches the index, the feed or the audit trail.
/// Document numbers, amounts, dates and credit codes pass.
pub fn free_text(field: &str, text: &str) -> ApiResult<()> {
    if contains_personal_number(text) {
        return Err(ApiError::new(
            ErrorCode::PersonalDataInText,
            format!(
                "`{field}`: must not contain an ID number or a mobile number; refer to the person by name or the case number."
            ),
        ));
    }
    Ok(())
}

/// [`free_text`] of an optional value.
pub fn free_text_opt(field: &str, text: Option<&str>) -> ApiResult<()> {
    text.map_or(Ok(()), |t| free_text(field, t))
}

fn contains_personal_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        // A run of digits (and the ID number's check character), not part of a longer code.
        let mut end = i;
        if end - start == 17 && end < bytes.len() && matches!(bytes[end], b'X' | b'x') {
            end += 1;
        }
        let glued = |b: u8| b.is_ascii_alphanumeric();
        if (start > 0 && glued(bytes[start - 1])) || (end < bytes.len() && glued(bytes[end])) {
            i = end.max(i);
            continue;
        }
        let run = &text[start..end];
        if (run.len() == 18 && id_number_like(run)) || (run.len() == 11 && mobile_like(run)) {
            return true;
        }
        i = end.max(i);
    }
    false
}

fn id_number_like(run: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = run.as_bytes();
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = CHECK[(sum % 11) as usize];
    let birth = chrono::NaiveDate::parse_from_str(&run[6..14], "%Y%m%d");
    b[17].to_ascii_uppercase() == check
        && birth.is_ok_and(|d| (1900..=2100).contains(&chrono::Datelike::year(&d)))
}

fn mobile_like(run: &str) -> bool {
    let b = run.as_bytes();
    b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// A unified social credit code, or `code` naming the field and the value.
pub fn uscc(code: ErrorCode, field: &str, raw: &str) -> ApiResult<Uscc> {
    Uscc::parse(raw).map_err(|e| uscc_error(code, field, raw, &e))
}

/// An optional code: blank is `None`, anything else must be a valid code.
pub fn optional_uscc(
    code: ErrorCode,
    field: &str,
    value: Option<String>,
) -> ApiResult<Option<Uscc>> {
    trimmed(value)
        .map(|raw| uscc(code, field, &raw))
        .transpose()
}

/// The error of a code that fails GB 32100.
pub fn uscc_error(code: ErrorCode, field: &str, raw: &str, e: &UsccError) -> ApiError {
    ApiError::field(
        code,
        field,
        raw,
        format!("is not a valid unified social credit code: {e}"),
    )
}

/// The error of an ID number that fails GB 11643. The value is deliberately not echoed: a clear
/// ID number must never reach a response or a log.
pub fn id_number_error(code: ErrorCode, field: &str, e: &IdNumberError) -> ApiError {
    ApiError::new(
        code,
        format!("`{field}`: not a valid resident ID number: {e}."),
    )
}

/// A GB/T 2260 division code, or `code` naming the field and the value.
pub fn region(code: ErrorCode, field: &str, raw: &str) -> ApiResult<RegionCode> {
    RegionCode::parse(raw).map_err(|e: RegionError| {
        ApiError::field(code, field, raw, format!("is not a division code: {e}"))
    })
}

/// Translates `validator` output into our contract: the first failing field, with its value.
pub fn validation_error(code: ErrorCode, errors: &ValidationErrors) -> ApiError {
    let mut fields: Vec<_> = errors.field_errors().into_iter().collect();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    let Some((field, errs)) = fields.into_iter().next() else {
        return ApiError::new(code, "The request is invalid.");
    };
    let Some(err) = errs.first() else {
        return ApiError::new(code, format!("`{field}` is invalid."));
    };
    let value = err
        .params
        .get("value")
        .map(|v| v.to_string().trim_matches('"').to_owned())
        .unwrap_or_default();
    let reason = match (err.params.get("min"), err.params.get("max")) {
        (Some(min), Some(max)) => format!("must be between {min} and {max}"),
        (Some(min), None) => format!("must be at least {min}"),
        (None, Some(max)) => format!("must be at most {max}"),
        _ => err.message.as_deref().unwrap_or("is invalid").to_owned(),
    };
    ApiError::field(code, &field, &value, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_blank_is_absent_and_length_counts_characters() {
        assert_eq!(trimmed(Some("  汉中 ".into())).as_deref(), Some("汉中"));
        assert_eq!(trimmed(Some("   ".into())), None);
        let code = ErrorCode::InvalidEntryField;
        assert_eq!(
            bounded(code, "f", Some("汉中市".into()), 3)
                .ok()
                .flatten()
                .as_deref(),
            Some("汉中市")
        );
        let long = bounded(code, "f", Some("汉中市".into()), 2)
            .err()
            .map(|e| e.message);
        assert_eq!(long.as_deref(), Some("`f`: at most 2 characters."));
        let missing = required(code, "reason", Some(" ".into()), 10)
            .err()
            .map(|e| e.message);
        assert_eq!(missing.as_deref(), Some("`reason`: required."));
    }
}

/// Whole numbers as JSON may write them: JSON Schema counts `3.0` as an integer, so a client
/// generated from the OpenAPI document may send it; serde's integers would refuse it.
pub mod whole {
    use serde::de::{self, Deserializer, Visitor};
    use std::fmt;

    /// A whole number of type `T`, from JSON integers and integral floats alike.
    struct Whole<T>(std::marker::PhantomData<T>);

    impl<T: TryFrom<i64> + TryFrom<u64>> Visitor<'_> for Whole<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a whole number ({})", std::any::type_name::<T>())
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
            // Integral and within ±2^53, so the conversion to i64 is exact.
            if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0 {
                self.visit_i64(v as i64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
    }

    struct Optional<T>(std::marker::PhantomData<T>);

    impl<'de, T: TryFrom<i64> + TryFrom<u64>> Visitor<'de> for Optional<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a whole number ({}) or null", std::any::type_name::<T>())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(Whole(std::marker::PhantomData)).map(Some)
        }
    }

    /// An `i32` written as `3` or `3.0`.
    pub fn i32<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
        d.deserialize_any(Whole(std::marker::PhantomData))
    }

    /// An optional `i32` written as `3` or `3.0`.
    pub fn option_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
        d.deserialize_option(Optional(std::marker::PhantomData))
    }

    /// An optional `u32` written as `3` or `3.0`.
    pub fn option_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        d.deserialize_option(Optional(std::marker::PhantomData))
    }

    #[cfg(test)]
    mod tests {
        #[derive(serde::Deserialize)]
        struct V {
            #[serde(deserialize_with = "super::i32")]
            version: i32,
        }

        #[test]
        fn whole_floats_are_integers_and_fractions_are_not() {
            let v = |s: &str| serde_json::from_str::<V>(s).map(|v| v.version).ok();
            assert_eq!(v(r#"{"version": 3}"#), Some(3));
            assert_eq!(v(r#"{"version": 451.0}"#), Some(451));
            assert_eq!(v(r#"{"version": 1.5}"#), None);
            assert_eq!(v(r#"{"version": 4294967296}"#), None);
            assert_eq!(v(r#"{"version": "3"}"#), None);
        }
    }
}

#[cfg(test)]
mod trimmed_tests {
    use super::trimmed;

    #[test]
    fn blank_is_what_the_documents_patterns_call_blank() {
        assert_eq!(
            trimmed(Some(" \u{3000}名称\t".into())).as_deref(),
            Some("名称")
        );
        assert_eq!(trimmed(Some("\u{feff} \u{a0}".into())), None);
        // `\S` matches NEL in the document's patterns, so it is text, not blank.
        assert_eq!(trimmed(Some("\u{85}".into())).as_deref(), Some("\u{85}"));
    }
}

#[cfg(test)]
mod free_text_tests {
    use super::free_text;

    #[test]
    fn id_and_mobile_numbers_are_refused_but_codes_and_document_numbers_pass() {
        for bad in [
            "当事人身份证号610702199001011234，经查",
            "联系电话13812345678",
            "id 11010519491231002X.",
            "手机：+86 15900001111",
        ] {
            let err = free_text("facts", bad).expect_err(bad);
            assert_eq!(err.code.as_str(), "personal_data_in_text");
            assert!(
                !err.message.contains("1381234"),
                "the value is never echoed"
            );
        }
        for good in [
            "汉市监罚〔2026〕12号",
            "统一社会信用代码91610702MA6YL3K09Y",
            "罚款 12345678901234 元的记录编号 610702199001011237",
            "2026年6月15日作出决定，罚款5000元",
            "编号A13812345678B",
            "订单号 138123456789",
        ] {
            assert!(free_text("facts", good).is_ok(), "{good}");
        }
    }
}

#[cfg(test)]
mod redaction {
    const CLEAR: &str = "610702200001010018";

    fn json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).expect("deserialises")
    }

    #[test]
    fn request_types_holding_an_id_number_never_print_it() {
        let person: super::lookup::PersonLookupIn =
            json(serde_json::json!({"name": "张三", "id_number": CLEAR}));
        let subject: super::subjects::SubjectIn =
            json(serde_json::json!({"kind": "natural_person", "name": "张三", "id_number": CLEAR}));
        let screened: super::screening::ScreeningSubjectIn =
            json(serde_json::json!({"name": "张三", "id_number": CLEAR}));
        let repair: super::cases::RepairApplicationIn = json(serde_json::json!({
            "entry_id": uuid::Uuid::nil(), "subject_name": "张三", "subject_id_number": CLEAR,
            "commitment_letter": true, "materials": ["凭证"], "contact": "0916-2222222"}));
        let record: crate::services::intake::RecordIn = json(serde_json::json!({
            "subject": {"kind": "natural_person", "name": "张三", "id_number": CLEAR},
            "entry": {"list": "black", "list_name": "失信被执行人", "reason": "拒不履行",
                "authority_name": "汉中市中级人民法院", "document_number": "(2026)陕07执1号",
                "decision_date": "2026-03-10"}}));
        let criteria = person.criteria().expect("criteria");
        let probe = crate::services::screening::Probe {
            uscc: None,
            name: Some("张三".into()),
            id_number: Some(CLEAR.into()),
        };
        let printed = [
            format!("{person:?}"),
            format!("{subject:?}"),
            format!("{screened:?}"),
            format!("{repair:?}"),
            format!("{:?}", repair.application()),
            format!("{record:?}"),
            format!("{criteria:?}"),
            format!("{probe:?}"),
        ];
        for text in &printed {
            assert!(!text.contains(CLEAR), "{text}");
            assert!(!text.contains("20000101"), "{text}");
            assert!(text.contains("张三"), "{text}");
        }
    }
}
