//! Cases filed from the public web forms: each gets a case number (受理编号) that people can
//! read out over the phone — `YY-20261203-000001` for an objection (异议), `XF-…` for a credit
//! repair (修复) — and a random follow-up code (查询码) shown once to the applicant and stored
//! only as its keyed hash. The number and the code together open the case's status page; a
//! wrong number and a wrong code are answered alike, so neither can be tested on its own.
//!
//! Cases filed through the API get neither: their callers follow them by id.

use super::WriteCtx;
use crate::crypto::{Keys, constant_time_eq};
use crate::error::{ApiError, ApiResult};
use entity::{ObjectionId, RepairId, case_counter, objection, repair};
use rand::Rng;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// The prefix of objection case numbers.
pub const OBJECTION_PREFIX: &str = "YY";
/// The prefix of repair case numbers.
pub const REPAIR_PREFIX: &str = "XF";

/// The letters of a follow-up code: digits and capitals without the ones read alike (0 O, 1 I
/// L).
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters of a follow-up code (31^12, about 59 bits).
pub const CODE_LEN: usize = 12;

/// Failed status lookups (a wrong number or code) one client may make per hour.
pub const LOOKUP_FAILURES_PER_HOUR: u32 = 20;

/// A case's number and its follow-up code in clear: shown once, never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Issued {
    /// The case number.
    pub case_number: String,
    /// The follow-up code, grouped by four for reading (`ABCD-EFGH-JKMN`).
    pub code: String,
}

// By hand: the code is a secret.
impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("case_number", &self.case_number)
            .field("code", &"***")
            .finish()
    }
}

/// A fresh follow-up code, grouped by four.
fn generate_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let raw: Vec<char> = (0..CODE_LEN)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect();
    raw.chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A follow-up code as typed, normalised: capitals, without spaces and hyphens.
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// A case number as typed, normalised: capitals, no spaces.
pub fn normalise_number(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The keyed hash a follow-up code is stored as, bound to its case number.
fn code_hash(keys: &Keys, case_number: &str, code: &str) -> String {
    keys.keyed_hash(&format!(
        "case-follow-up\u{1f}{case_number}\u{1f}{}",
        normalise_code(code)
    ))
}

/// The next number of `prefix` today, from the per-day counter (incremented in the caller's
/// transaction, so two cases filed at once never share a number).
async fn next_number(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    prefix: &str,
) -> ApiResult<String> {
    use case_counter::{ActiveModel, Column, Entity};
    let series = format!("{prefix}-{}", ctx.today.format("%Y%m%d"));
    Entity::insert(ActiveModel {
        series: Set(series.clone()),
        last: Set(1),
    })
    .on_conflict(
        OnConflict::column(Column::Series)
            .value(Column::Last, Expr::col((Entity, Column::Last)).add(1))
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let last = Entity::find_by_id(series.clone())
        .one(db)
        .await?
        .map(|row| row.last)
        .ok_or_else(|| ApiError::internal(format!("case counter {series} not kept")))?;
    Ok(format!("{series}-{last:06}"))
}

/// Gives a just-filed objection its case number and follow-up code.
pub async fn number_objection(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: ObjectionId,
) -> ApiResult<Issued> {
    let case_number = next_number(db, ctx, OBJECTION_PREFIX).await?;
    let code = generate_code();
    objection::ActiveModel {
        id: Set(id),
        case_number: Set(Some(case_number.clone())),
        follow_up_hash: Set(Some(code_hash(ctx.keys, &case_number, &code))),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(Issued { case_number, code })
}

/// Gives a just-filed repair application its case number and follow-up code.
pub async fn number_repair(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx<'_>,
    id: RepairId,
) -> ApiResult<Issued> {
    let case_number = next_number(db, ctx, REPAIR_PREFIX).await?;
    let code = generate_code();
    repair::ActiveModel {
        id: Set(id),
        case_number: Set(Some(case_number.clone())),
        follow_up_hash: Set(Some(code_hash(ctx.keys, &case_number, &code))),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(Issued { case_number, code })
}

/// A case found by its number and code.
#[derive(Debug)]
pub enum Case {
    /// An objection.
    Objection(objection::Model),
    /// A repair application.
    Repair(repair::Model),
}

/// The case whose number is `number` and whose follow-up code is `code`, or `None` when either
/// is wrong (the caller answers both alike). The code is compared by its keyed hash, in
/// constant time, and hashed even when no case has the number.
pub async fn find(
    db: &impl ConnectionTrait,
    keys: &Keys,
    number: &str,
    code: &str,
) -> ApiResult<Option<Case>> {
    let number = normalise_number(number);
    let hash = code_hash(keys, &number, code);
    let matches = |stored: Option<&str>| stored.is_some_and(|s| constant_time_eq(s, &hash));
    if number.starts_with(REPAIR_PREFIX) {
        let found = repair::Entity::find()
            .filter(repair::Column::CaseNumber.eq(number.as_str()))
            .one(db)
            .await?;
        Ok(found
            .filter(|r| matches(r.follow_up_hash.as_deref()))
            .map(Case::Repair))
    } else if number.starts_with(OBJECTION_PREFIX) {
        let found = objection::Entity::find()
            .filter(objection::Column::CaseNumber.eq(number.as_str()))
            .one(db)
            .await?;
        Ok(found
            .filter(|o| matches(o.follow_up_hash.as_deref()))
            .map(Case::Objection))
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_unambiguous_alphabet_in_groups_of_four() {
        for _ in 0..50 {
            let code = generate_code();
            assert_eq!(code.len(), CODE_LEN + 2, "{code}");
            let bare = normalise_code(&code);
            assert_eq!(bare.len(), CODE_LEN);
            assert!(bare.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{code}");
        }
        assert_eq!(normalise_code(" abcd-efgh jkmn "), "ABCDEFGHJKMN");
        assert_eq!(
            normalise_number(" xf-20261203-000001"),
            "XF-20261203-000001"
        );
    }
}
