//! Districts, deciding authorities, dates and other small values of documents.

use super::*;

/// The code and name of district `i` of [`HANZHONG_DISTRICTS`].
pub(super) fn district(i: usize) -> (&'static str, &'static str) {
    HANZHONG_DISTRICTS[i % HANZHONG_DISTRICTS.len()]
}

/// The name an organisation uses for district `i`: `汉中市汉台区` for the city's districts,
/// `城固县` for its counties.
pub(super) fn district_full(i: usize) -> String {
    let (_, name) = district(i);
    if name.ends_with('区') {
        format!("汉中市{name}")
    } else {
        name.to_owned()
    }
}

/// The short form in document numbers: `汉台`, `城固`, and the one-character counties whole
/// (`洋县`, `勉县`).
pub(super) fn district_short(i: usize) -> String {
    let (_, name) = district(i);
    let chars: Vec<char> = name.chars().collect();
    if chars.len() > 2 {
        chars[..chars.len() - 1].iter().collect()
    } else {
        name.to_owned()
    }
}

pub(super) fn landmarks(i: usize) -> &'static [&'static str] {
    let (code, _) = district(i);
    LANDMARKS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(TRADE_NAMES, |(_, words)| *words)
}

pub(super) fn seat(i: usize) -> &'static str {
    let (code, _) = district(i);
    SEATS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("城关镇", |(_, seat)| *seat)
}

pub(super) fn region(code: &str) -> Result<RegionCode, SeedError> {
    RegionCode::parse(code).map_err(|e| SeedError::Generated(format!("region `{code}`: {e}")))
}

pub(super) fn district_index(code: &str) -> usize {
    HANZHONG_DISTRICTS
        .iter()
        .position(|(c, _)| *c == code)
        .unwrap_or(0)
}

/// A deciding authority: a state organ with a `11…` code.
pub(super) struct Authority {
    pub(super) name: String,
    pub(super) uscc: String,
}

impl Authority {
    /// An authority registered in `region_code`; `body` is its eight-digit organisation code.
    pub(super) fn new(name: String, region_code: &str, body: u64) -> Result<Authority, SeedError> {
        let uscc = Uscc::from_parts('1', '1', &region(region_code)?, &format!("{body:08}"))
            .map_err(|e| SeedError::Generated(format!("authority code of {name}: {e}")))?;
        Ok(Authority {
            name,
            uscc: uscc.into(),
        })
    }

    pub(super) fn city(name: &str, body: u64) -> Result<Authority, SeedError> {
        Authority::new(name.to_owned(), "610700", body)
    }

    /// The basic people's court of district `i`.
    pub(super) fn district_court(i: usize) -> Result<Authority, SeedError> {
        let (code, _) = district(i);
        Authority::new(
            format!("{}人民法院", district_full(i)),
            code,
            16_039_000 + i as u64 * 117,
        )
    }

    /// The tax bureau of district `i`.
    pub(super) fn district_tax(i: usize) -> Result<Authority, SeedError> {
        let (code, _) = district(i);
        Authority::new(
            format!("国家税务总局{}税务局", district_full(i)),
            code,
            1_560_000 + i as u64 * 211,
        )
    }
}

pub(super) const CITY_COURT: &str = "汉中市中级人民法院";
pub(super) const CITY_TAX: &str = "国家税务总局汉中市税务局";
pub(super) const CITY_MARKET: &str = "汉中市市场监督管理局";
pub(super) const CITY_HRSS: &str = "汉中市人力资源和社会保障局";
pub(super) const CITY_DRC: &str = "汉中市发展和改革委员会";
pub(super) const CREDIT_OFFICE: &str = "汉中市社会信用体系建设领导小组办公室";

pub(super) fn city_authority(name: &str) -> Result<Authority, SeedError> {
    let body = match name {
        CITY_COURT => 1_603_801,
        CITY_TAX => 1_560_017,
        CITY_MARKET => 3_527_602,
        CITY_HRSS => 1_603_746,
        CITY_DRC => 1_603_590,
        _ => 1_603_999,
    };
    Authority::city(name, body)
}

pub(super) fn days_before(day: NaiveDate, days: u64) -> Result<NaiveDate, SeedError> {
    day.checked_sub_days(Days::new(days))
        .ok_or_else(|| SeedError::Generated(format!("{days} days before {day}")))
}

pub(super) fn days_after(day: NaiveDate, days: u64) -> Result<NaiveDate, SeedError> {
    day.checked_add_days(Days::new(days))
        .ok_or_else(|| SeedError::Generated(format!("{days} days after {day}")))
}

pub(super) fn months_after(day: NaiveDate, months: u32) -> Result<NaiveDate, SeedError> {
    day.checked_add_months(Months::new(months))
        .ok_or_else(|| SeedError::Generated(format!("{months} months after {day}")))
}

pub(super) fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, SeedError> {
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| SeedError::Generated(format!("{year}-{month}-{day}")))
}

/// `2026年3月10日`.
pub(super) fn chinese_date(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// An amount in 万元 with one decimal, between `lo` and `hi`.
pub(super) fn amount(rng: &mut Rng, lo: u64, hi: u64) -> String {
    let tenths = rng.between(lo * 10, hi * 10);
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// A plausible name for a legal representative or an operator.
pub(super) fn person_name(rng: &mut Rng) -> String {
    loop {
        let mut name = rng.pick(SURNAMES).to_owned();
        name.push_str(rng.pick(GIVEN));
        if rng.percent(70) {
            name.push_str(rng.pick(GIVEN));
        }
        // A representative named like a listed person would read as that person.
        if !PERSONS.iter().any(|(person, _)| *person == name) {
            return name;
        }
    }
}

pub(super) fn address(rng: &mut Rng, district_i: usize) -> String {
    format!(
        "陕西省汉中市{}{}{}{}号",
        district(district_i).1,
        seat(district_i),
        rng.pick(ROADS),
        rng.between(1, 388)
    )
}
