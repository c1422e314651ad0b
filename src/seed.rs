//! Demo and synthetic data: what a fresh installation is shown with, and what scale tests and
//! benchmarks load by the hundred thousand.
//!
//! [`demo`] writes a realistic 汉中 data set (about 300 subjects, their red and black list
//! entries in every state, and a dozen exposure notices) through the same services the office
//! API uses, so every row has its audit event and outbox row. [`synthetic`] writes `n` plain
//! subjects with published entries by bulk inserts, without per-row audit events or outbox rows:
//! the caller reindexes afterwards.
//!
//! Every value is generated, not copied: codes are built with [`Uscc::from_parts`] and ID numbers
//! with [`IdNumber::from_parts`], so they pass the checksums, and everything else comes from a
//! small seeded generator (SplitMix64), so a run on a given day always writes the same content.
//! Names, codes and document numbers are fictitious; the deciding authorities, list names and
//! legal bases are the real kinds used in 汉中.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use entity::{EntryId, EntryStatus, NoticeCategory, SubjectId, list_entry, subject};
use sea_orm::{ActiveValue::Set, DbErr, EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::db::begin_write;
use crate::domain::{
    HANZHONG_DISTRICTS, IdMaskStyle, IdNumber, ListKind, NameMask, RegionCode, Severity,
    SubjectKind, Uscc, mask_person_name,
};
use crate::error::ApiError;
use crate::services::audit;
use crate::services::entries::{self, EntryContent};
use crate::services::notices::{self, NoticeContent};
use crate::services::subjects::{self, NewSubject};
use crate::state::AppState;

/// What a seeding run wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Subjects created.
    pub subjects: u64,
    /// List entries created, in any state.
    pub entries: u64,
    /// Exposure notices created.
    pub notices: u64,
}

/// Why a seeding run stopped. Rows committed by earlier transactions of the run stay.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The database failed outside a service call.
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// A service refused a write or failed; `message` includes the internal cause, if any.
    #[error("service error `{code}`: {message}")]
    Service {
        /// The error code the office API would have answered with.
        code: &'static str,
        /// The message, followed by the internal cause when there is one.
        message: String,
    },
    /// A generated value failed a domain check, or the run is too large: a bug or a limit of
    /// the generator, never of the database.
    #[error("generated data is invalid: {0}")]
    Generated(String),
}

impl From<ApiError> for SeedError {
    fn from(err: ApiError) -> Self {
        let message = match err.cause {
            Some(cause) => format!("{} ({cause})", err.message),
            None => err.message,
        };
        SeedError::Service {
            code: err.code.as_str(),
            message,
        }
    }
}

/// The audit actor of every seeded write.
const ACTOR: &str = "seed";

/// Seed of the demo generator: the demo set is the same on every run on the same day.
const DEMO_SEED: u64 = 0x5859_4E47_4841_4E5A;

/// Seed of the synthetic generator, mixed with the first counter of the run.
const SYNTHETIC_SEED: u64 = 0x5359_4E54_4845_5449;

/// Demo subjects created per write transaction.
const DEMO_SUBJECTS_PER_TXN: usize = 200;

/// Rows per `INSERT` of the synthetic run: 500 entries × 30 columns stays well under SQLite's
/// 32,766 bound parameters and PostgreSQL's 65,535.
const SYNTHETIC_CHUNK: u64 = 500;

/// Synthetic subjects per write transaction: few enough transactions to be fast, short enough
/// that other writers are not locked out for the whole run.
const SYNTHETIC_SUBJECTS_PER_TXN: u64 = 20_000;

/// Share of synthetic subjects with at least one entry, in percent.
const SYNTHETIC_LISTED_PERCENT: u64 = 30;

/// Synthetic document numbers start here; demo ones stay below 10,000, so the two never meet
/// under the unique (authority, document number) key.
const SYNTHETIC_DOCUMENT_BASE: u64 = 100_000;

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/// SplitMix64: tiny, fast and good enough for demo data; not for anything secret.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (0 when `n` is 0); the modulo bias is irrelevant at these sizes.
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A value in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True `percent` times in a hundred.
    fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// An index into a collection of `len` items (`len` > 0).
    fn index(&mut self, len: usize) -> usize {
        // `below(len)` < `len`, so the conversion back cannot truncate.
        self.below(len as u64) as usize
    }

    /// One of `items`, which is never empty here (all are constant tables).
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------------------------

/// Two-character trade names (字号) of demo enterprises.
const TRADE_NAMES: &[&str] = &[
    "天汉", "汉水", "秦岭", "定军", "褒河", "龙岗", "朱鹮", "栈道", "华鑫", "润泽", "汉江", "兴元",
    "南湖", "汉源", "巴山", "鑫源", "宏发", "恒通", "瑞丰", "金秦", "博望", "子午", "青木", "石门",
    "武侯", "汉唐", "鼎盛", "顺达", "益民", "德信", "嘉禾", "汇通", "宏远", "联创", "万邦", "众鑫",
];

/// What a subject does, as far as the lists care: which black lists it can plausibly land on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sector {
    /// Building and labour: wage arrears.
    Construction,
    /// Food, catering, medicine: market-supervision black lists.
    Food,
    /// Everything else.
    Trade,
}

/// Industries (行业) of enterprises.
const INDUSTRIES: &[(&str, Sector)] = &[
    ("建设工程", Sector::Construction),
    ("商贸", Sector::Trade),
    ("物流", Sector::Trade),
    ("农业科技", Sector::Trade),
    ("茶业", Sector::Food),
    ("食品", Sector::Food),
    ("医药", Sector::Food),
    ("房地产开发", Sector::Construction),
    ("餐饮管理", Sector::Food),
    ("汽车服务", Sector::Trade),
    ("建材", Sector::Construction),
    ("电子科技", Sector::Trade),
    ("环保科技", Sector::Trade),
    ("旅游开发", Sector::Trade),
    ("劳务", Sector::Construction),
    ("装饰工程", Sector::Construction),
    ("物业管理", Sector::Trade),
    ("生物科技", Sector::Trade),
    ("酒业", Sector::Food),
    ("水电安装工程", Sector::Construction),
];

/// Legal forms, the first one most common.
const COMPANY_FORMS: &[&str] = &[
    "有限公司",
    "有限公司",
    "有限公司",
    "有限公司",
    "有限公司",
    "有限公司",
    "有限责任公司",
    "有限责任公司",
    "股份有限公司",
];

/// Trades of individual businesses (个体工商户).
const SHOP_TYPES: &[(&str, Sector)] = &[
    ("饭店", Sector::Food),
    ("副食店", Sector::Food),
    ("面皮店", Sector::Food),
    ("农家乐", Sector::Food),
    ("便民超市", Sector::Food),
    ("粮油店", Sector::Food),
    ("茶叶店", Sector::Food),
    ("烟酒店", Sector::Trade),
    ("五金店", Sector::Trade),
    ("汽车修理部", Sector::Trade),
    ("农资经营部", Sector::Trade),
    ("服装店", Sector::Trade),
    ("家电维修部", Sector::Trade),
    ("建材经营部", Sector::Construction),
];

/// Products of farmers' cooperatives (专业合作社).
const COOPERATIVE_PRODUCTS: &[&str] = &[
    "茶叶种植",
    "柑橘种植",
    "食用菌",
    "中药材种植",
    "生猪养殖",
    "蜂业",
    "核桃种植",
    "猕猴桃种植",
    "水稻种植",
    "魔芋种植",
    "土鸡养殖",
    "黑米种植",
    "天麻种植",
    "元胡种植",
];

/// Landmarks and local words per district, used in shop and cooperative names.
const LANDMARKS: &[(&str, &[&str])] = &[
    ("610702", &["古汉台", "拜将坛", "天汉", "东关", "北关"]),
    ("610703", &["黎坪", "汉山", "红寺湖", "大河坎"]),
    ("610722", &["张骞", "上元观", "橘园", "博望"]),
    ("610723", &["朱鹮", "华阳", "蔡伦", "金水"]),
    ("610724", &["午子山", "樱桃沟", "茶源", "堰口"]),
    ("610725", &["定军山", "武侯", "诸葛", "菜园"]),
    ("610726", &["羌州", "青木川", "汉水源", "燕子砭"]),
    ("610727", &["嘉陵江", "灵岩寺", "白水江", "乐素河"]),
    ("610728", &["巴山", "星子山", "渔渡", "黎坝"]),
    ("610729", &["紫柏山", "张良庙", "栈道", "火烧店"]),
    ("610730", &["熊猫", "椒溪河", "袁家庄", "长角坝"]),
];

/// The seat (街道) of each district, for addresses.
const SEATS: &[(&str, &str)] = &[
    ("610702", "北关街道"),
    ("610703", "汉山街道"),
    ("610722", "博望街道"),
    ("610723", "洋州街道"),
    ("610724", "城北街道"),
    ("610725", "勉阳街道"),
    ("610726", "汉源街道"),
    ("610727", "兴州街道"),
    ("610728", "泾洋街道"),
    ("610729", "紫柏街道"),
    ("610730", "袁家庄街道"),
];

/// Street names for addresses.
const ROADS: &[&str] = &[
    "人民路",
    "建设路",
    "解放路",
    "民主街",
    "新华街",
    "滨江路",
    "兴业路",
    "工业园路",
    "朝阳路",
    "南环路",
];

/// Public institutions (事业单位, `12…`): name and district code.
const INSTITUTIONS: &[(&str, &str)] = &[
    ("汉中市汉台区社会福利院", "610702"),
    ("汉中市南郑区农业技术推广中心", "610703"),
    ("城固县职业教育中心", "610722"),
    ("洋县文化馆", "610723"),
    ("西乡县图书馆", "610724"),
    ("勉县疾病预防控制中心", "610725"),
];

/// Social organisations registered with civil affairs (民办非企业单位, `52…`).
const SOCIAL_ORGANISATIONS: &[(&str, &str)] = &[
    ("汉中市天汉职业技能培训学校", "610702"),
    ("汉中市汉台区康宁养老服务中心", "610702"),
    ("城固县阳光幼儿园", "610722"),
    ("洋县朱鹮社会工作服务中心", "610723"),
    ("西乡县春晖养老院", "610724"),
    ("勉县诸葛职业培训学校", "610725"),
];

/// The demo natural persons: name, and whether male (odd sequence digit).
const PERSONS: &[(&str, bool)] = &[
    ("王建军", true),
    ("李秀英", false),
    ("张伟", true),
    ("刘洋", true),
    ("陈志强", true),
    ("杨桂兰", false),
    ("赵国庆", true),
    ("黄丽华", false),
    ("周明", true),
    ("吴海燕", false),
    ("徐建华", true),
    ("孙丽", false),
    ("马俊", true),
    ("朱文斌", true),
    ("胡春梅", false),
    ("郭鹏", true),
    ("何敏", false),
    ("高建平", true),
    ("林晓东", true),
    ("罗红", false),
];

/// Surnames of legal representatives.
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任",
];

/// Characters of given names.
const GIVEN: &[&str] = &[
    "建", "国", "明", "华", "伟", "军", "平", "强", "文", "海", "志", "红", "丽", "芳", "敏", "静",
    "磊", "涛", "斌", "辉", "勇", "杰", "娟", "霞", "鹏", "飞", "超", "波", "刚", "林", "春", "秀",
    "英", "兰", "梅", "玲", "燕", "峰", "宇", "浩", "凯", "婷", "雪", "琳", "东", "亮", "龙", "阳",
];

/// 64 distinct characters in which synthetic trade names spell their counter. None of them is
/// 区, 县 or 市, so a name can never be read as having a different place prefix.
const SYNTHETIC_TRADE_CHARS: [char; 64] = [
    '鑫', '华', '盛', '源', '泰', '丰', '瑞', '祥', '德', '信', '恒', '通', '达', '宏', '博', '嘉',
    '和', '润', '益', '兴', '隆', '昌', '福', '安', '康', '宁', '汇', '鼎', '诚', '利', '佳', '美',
    '金', '银', '峰', '海', '天', '汉', '秦', '巴', '龙', '凤', '宇', '辰', '星', '明', '正', '中',
    '新', '远', '长', '永', '广', '大', '富', '强', '旺', '顺', '景', '光', '东', '西', '南', '北',
];

/// Width of a synthetic trade name; with 64 characters it spells 16,777,216 counters.
const SYNTHETIC_TRADE_WIDTH: u32 = 4;

/// Synthetic organisation-code bodies start with this marker and demo ones with `MA6`, so demo
/// and synthetic codes can never collide; the six symbols after it spell the counter.
const SYNTHETIC_BODY_MARKER: &str = "MB";

/// The USCC alphabet, in value order.
const USCC_SYMBOLS: &[u8] = crate::domain::uscc::ALPHABET.as_bytes();

// ---------------------------------------------------------------------------------------------
// Districts, authorities, documents
// ---------------------------------------------------------------------------------------------

/// The code and name of district `i` of [`HANZHONG_DISTRICTS`].
fn district(i: usize) -> (&'static str, &'static str) {
    HANZHONG_DISTRICTS[i % HANZHONG_DISTRICTS.len()]
}

/// The name an organisation uses for district `i`: `汉中市汉台区` for the city's districts,
/// `城固县` for its counties.
fn district_full(i: usize) -> String {
    let (_, name) = district(i);
    if name.ends_with('区') {
        format!("汉中市{name}")
    } else {
        name.to_owned()
    }
}

/// The short form in document numbers: `汉台`, `城固`, and the one-character counties whole
/// (`洋县`, `勉县`).
fn district_short(i: usize) -> String {
    let (_, name) = district(i);
    let chars: Vec<char> = name.chars().collect();
    if chars.len() > 2 {
        chars[..chars.len() - 1].iter().collect()
    } else {
        name.to_owned()
    }
}

fn landmarks(i: usize) -> &'static [&'static str] {
    let (code, _) = district(i);
    LANDMARKS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(TRADE_NAMES, |(_, words)| *words)
}

fn seat(i: usize) -> &'static str {
    let (code, _) = district(i);
    SEATS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("城关镇", |(_, seat)| *seat)
}

fn region(code: &str) -> Result<RegionCode, SeedError> {
    RegionCode::parse(code).map_err(|e| SeedError::Generated(format!("region `{code}`: {e}")))
}

fn district_index(code: &str) -> usize {
    HANZHONG_DISTRICTS
        .iter()
        .position(|(c, _)| *c == code)
        .unwrap_or(0)
}

/// A deciding authority: a state organ with a `11…` code.
struct Authority {
    name: String,
    uscc: String,
}

impl Authority {
    /// An authority registered in `region_code`; `body` is its eight-digit organisation code.
    fn new(name: String, region_code: &str, body: u64) -> Result<Authority, SeedError> {
        let uscc = Uscc::from_parts('1', '1', &region(region_code)?, &format!("{body:08}"))
            .map_err(|e| SeedError::Generated(format!("authority code of {name}: {e}")))?;
        Ok(Authority {
            name,
            uscc: uscc.into(),
        })
    }

    fn city(name: &str, body: u64) -> Result<Authority, SeedError> {
        Authority::new(name.to_owned(), "610700", body)
    }

    /// The basic people's court of district `i`.
    fn district_court(i: usize) -> Result<Authority, SeedError> {
        let (code, _) = district(i);
        Authority::new(
            format!("{}人民法院", district_full(i)),
            code,
            16_039_000 + i as u64 * 117,
        )
    }

    /// The tax bureau of district `i`.
    fn district_tax(i: usize) -> Result<Authority, SeedError> {
        let (code, _) = district(i);
        Authority::new(
            format!("国家税务总局{}税务局", district_full(i)),
            code,
            1_560_000 + i as u64 * 211,
        )
    }
}

const CITY_COURT: &str = "汉中市中级人民法院";
const CITY_TAX: &str = "国家税务总局汉中市税务局";
const CITY_MARKET: &str = "汉中市市场监督管理局";
const CITY_HRSS: &str = "汉中市人力资源和社会保障局";
const CITY_DRC: &str = "汉中市发展和改革委员会";
const CREDIT_OFFICE: &str = "汉中市社会信用体系建设领导小组办公室";

fn city_authority(name: &str) -> Result<Authority, SeedError> {
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

fn days_before(day: NaiveDate, days: u64) -> Result<NaiveDate, SeedError> {
    day.checked_sub_days(Days::new(days))
        .ok_or_else(|| SeedError::Generated(format!("{days} days before {day}")))
}

fn days_after(day: NaiveDate, days: u64) -> Result<NaiveDate, SeedError> {
    day.checked_add_days(Days::new(days))
        .ok_or_else(|| SeedError::Generated(format!("{days} days after {day}")))
}

fn months_after(day: NaiveDate, months: u32) -> Result<NaiveDate, SeedError> {
    day.checked_add_months(Months::new(months))
        .ok_or_else(|| SeedError::Generated(format!("{months} months after {day}")))
}

fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, SeedError> {
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| SeedError::Generated(format!("{year}-{month}-{day}")))
}

/// `2026年3月10日`.
fn chinese_date(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// An amount in 万元 with one decimal, between `lo` and `hi`.
fn amount(rng: &mut Rng, lo: u64, hi: u64) -> String {
    let tenths = rng.between(lo * 10, hi * 10);
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// A plausible name for a legal representative or an operator.
fn person_name(rng: &mut Rng) -> String {
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

fn address(rng: &mut Rng, district_i: usize) -> String {
    format!(
        "陕西省汉中市{}{}{}{}号",
        district(district_i).1,
        seat(district_i),
        rng.pick(ROADS),
        rng.between(1, 388)
    )
}

// ---------------------------------------------------------------------------------------------
// Subjects and listings
// ---------------------------------------------------------------------------------------------

/// What kind of subject a generated one is, beyond its [`SubjectKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Category {
    Enterprise(Sector),
    Individual(Sector),
    Cooperative,
    Institution,
    SocialOrganisation,
    Person,
}

/// What the entry generator needs to know of a subject.
#[derive(Clone, Copy, Debug)]
struct Profile {
    category: Category,
    district: usize,
}

/// The list an entry goes on, with its authority and wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Listing {
    /// Red: A级纳税人, 国家税务总局汉中市税务局.
    ALevelTaxpayer,
    /// Red: 守合同重信用企业, 汉中市市场监督管理局.
    ContractKeeping,
    /// Red: 诚信示范企业, 汉中市发展和改革委员会.
    IntegrityModel,
    /// Red: 诚信纳税人, the district tax bureau.
    HonestTaxpayer,
    /// Black: 失信被执行人, a court.
    JudgmentDefaulter,
    /// Black: 重大税收违法失信主体, 国家税务总局汉中市税务局.
    TaxViolator,
    /// Black: 严重违法失信企业名单, 汉中市市场监督管理局.
    MarketViolator,
    /// Black: 拖欠农民工工资失信联合惩戒对象名单, 汉中市人力资源和社会保障局.
    WageArrears,
    /// Key attention: 经营异常名录, 汉中市市场监督管理局.
    AbnormalOperation,
}

impl Listing {
    fn is_red(self) -> bool {
        matches!(
            self,
            Listing::ALevelTaxpayer
                | Listing::ContractKeeping
                | Listing::IntegrityModel
                | Listing::HonestTaxpayer
        )
    }
}

/// The red lists a category can be on.
fn red_options(category: Category) -> &'static [Listing] {
    match category {
        Category::Enterprise(_) => &[
            Listing::ALevelTaxpayer,
            Listing::ALevelTaxpayer,
            Listing::ALevelTaxpayer,
            Listing::ContractKeeping,
            Listing::ContractKeeping,
            Listing::IntegrityModel,
            Listing::HonestTaxpayer,
        ],
        Category::Cooperative => &[Listing::ContractKeeping, Listing::IntegrityModel],
        Category::Individual(_) => &[Listing::HonestTaxpayer],
        _ => &[],
    }
}

/// The black and key-attention lists a category can be on.
fn black_options(category: Category) -> &'static [Listing] {
    match category {
        Category::Enterprise(Sector::Construction) => &[
            Listing::WageArrears,
            Listing::WageArrears,
            Listing::JudgmentDefaulter,
            Listing::JudgmentDefaulter,
            Listing::TaxViolator,
            Listing::AbnormalOperation,
        ],
        Category::Enterprise(Sector::Food) => &[
            Listing::MarketViolator,
            Listing::MarketViolator,
            Listing::JudgmentDefaulter,
            Listing::TaxViolator,
            Listing::AbnormalOperation,
        ],
        Category::Enterprise(Sector::Trade) => &[
            Listing::JudgmentDefaulter,
            Listing::JudgmentDefaulter,
            Listing::JudgmentDefaulter,
            Listing::TaxViolator,
            Listing::MarketViolator,
            Listing::AbnormalOperation,
        ],
        Category::Cooperative => &[Listing::JudgmentDefaulter, Listing::AbnormalOperation],
        Category::Individual(_) => &[Listing::JudgmentDefaulter],
        Category::Person => &[
            Listing::JudgmentDefaulter,
            Listing::JudgmentDefaulter,
            Listing::JudgmentDefaulter,
            Listing::JudgmentDefaulter,
            Listing::WageArrears,
        ],
        Category::Institution | Category::SocialOrganisation => &[],
    }
}

/// The 0-2 lists a subject is on: none with probability `100 - listed_percent`, then one, and
/// a second of the same polarity three times in ten. Red and black are not mixed on one subject.
fn plan_listings(rng: &mut Rng, category: Category, listed_percent: u64) -> Vec<Listing> {
    let (red, black) = (red_options(category), black_options(category));
    if (red.is_empty() && black.is_empty()) || !rng.percent(listed_percent) {
        return Vec::new();
    }
    let red_first = match category {
        Category::Person => false,
        Category::Individual(_) => rng.percent(40),
        _ => rng.percent(50),
    };
    let options = if (red_first && !red.is_empty()) || black.is_empty() {
        red
    } else {
        black
    };
    let first = rng.pick(options);
    let mut plan = vec![first];
    if rng.percent(30) {
        let second = rng.pick(options);
        // Two different honours, or any two black decisions (two court cases are common).
        if !(first.is_red() && second == first) {
            plan.push(second);
        }
    }
    plan
}

/// One case of Article 1 of 《最高人民法院关于公布失信被执行人名单信息的若干规定》: item number,
/// reason (列入事由) and what the defaulter did.
const DEFAULTER_CASES: &[(&str, &str, &str)] = &[
    (
        "一",
        "有履行能力而拒不履行生效法律文书确定义务",
        "经查，被执行人名下有银行存款及车辆等财产，具有履行能力，但在执行通知书指定的期限内拒不履行上述义务。",
    ),
    (
        "一",
        "有履行能力而拒不履行生效法律文书确定义务",
        "执行中查明被执行人有稳定经营收入，经多次约谈仍拒不履行上述义务。",
    ),
    (
        "二",
        "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
        "执行人员依法查封被执行人名下车辆时，被执行人擅自将被查封车辆转移隐匿，妨碍执行。",
    ),
    (
        "三",
        "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
        "执行过程中，被执行人将名下房产以明显不合理的低价转让给关联人，规避执行。",
    ),
    (
        "四",
        "违反财产报告制度",
        "被执行人收到报告财产令后，未在指定期限内如实报告财产状况。",
    ),
    (
        "五",
        "违反限制消费令",
        "被执行人在被限制消费期间多次乘坐飞机、入住星级宾馆，违反限制消费令。",
    ),
    (
        "六",
        "无正当理由拒不履行执行和解协议",
        "被执行人与申请执行人达成执行和解协议后，无正当理由未按约定履行分期付款义务。",
    ),
];

/// Disputes behind a judgment: cause of action and what was owed.
const ORGANISATION_DISPUTES: &[(&str, &str)] = &[
    ("买卖合同", "货款"),
    ("建设工程施工合同", "工程款"),
    ("借款合同", "借款本金"),
    ("租赁合同", "租金"),
    ("承揽合同", "加工费"),
];

const PERSON_DISPUTES: &[(&str, &str)] = &[
    ("民间借贷", "借款本金"),
    ("买卖合同", "货款"),
    ("劳务合同", "劳务费"),
];

/// Tax cases: reason and facts (with `{amount}` and `{years}` filled in).
const TAX_CASES: &[(&str, &str)] = &[
    (
        "进行虚假纳税申报，少缴应纳税款",
        "经查，该企业在{years}通过在账簿上多列支出、少列收入的方式进行虚假纳税申报，少缴增值税、企业所得税等税款共计{amount}万元。",
    ),
    (
        "虚开增值税专用发票",
        "经查，该企业在没有真实交易的情况下，为他人虚开增值税专用发票，价税合计{amount}万元。",
    ),
    (
        "欠缴应纳税款，采取转移或者隐匿财产的手段妨碍税务机关追缴",
        "该企业欠缴税款{amount}万元，在税务机关追缴期间将名下车辆、设备低价转让给关联企业，妨碍税务机关追缴欠缴的税款。",
    ),
];

const TAX_BASIS: &str = "《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号）第六条";
const MARKET_RULES: &str =
    "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）";
const DEFAULTER_RULES: &str = "《最高人民法院关于公布失信被执行人名单信息的若干规定》";
const WAGE_BASIS: &str = "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）第五条第（一）项";
const RED_GUIDANCE: &str = "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）";
const TAX_CREDIT_RULES: &str = "《纳税信用管理办法》";

/// Foods and what was found in them (non-food substances).
const ADULTERATIONS: &[(&str, &str)] = &[
    ("卤肉制品", "罂粟碱"),
    ("火锅底料", "罂粟碱"),
    ("凉皮", "硼砂"),
    ("辣椒油", "苏丹红"),
];

/// Building projects for wage-arrears cases.
const PROJECTS: &[&str] = &[
    "安置小区建设工程",
    "道路改造工程",
    "中学教学楼建设工程",
    "农村供水改造工程",
    "商住楼建设项目",
];

/// Decision and listing date of a black or key-attention entry of `severity`: decided within
/// the period that is still running today (serious: up to ~20 months ago; general: up to ~11),
/// listed a few days later, never after today.
fn black_dates(
    rng: &mut Rng,
    today: NaiveDate,
    severity: Severity,
) -> Result<(NaiveDate, NaiveDate), SeedError> {
    let oldest = match severity {
        Severity::Serious => 600,
        Severity::General => 330,
        Severity::Minor => 80,
    };
    let decision = days_before(today, rng.between(10, oldest))?;
    let listing = days_after(decision, rng.between(1, 7))?.min(today);
    Ok((decision, listing))
}

/// Decision and listing dates of a red entry decided between `newest` and `oldest` days ago.
fn red_dates(
    rng: &mut Rng,
    today: NaiveDate,
    newest: u64,
    oldest: u64,
) -> Result<(NaiveDate, NaiveDate), SeedError> {
    let decision = days_before(today, rng.between(newest, oldest))?;
    let listing = days_after(decision, rng.between(1, 5))?.min(today);
    Ok((decision, listing))
}

/// What one kind of listing decides; [`entry_content`] fills the rest the same way for all.
struct Decided {
    list: ListKind,
    list_name: &'static str,
    severity: Option<Severity>,
    authority: Authority,
    document_number: String,
    /// Decision and listing date.
    dates: (NaiveDate, NaiveDate),
    reason: String,
    facts: Option<String>,
    legal_basis: Option<String>,
    valid_until: Option<NaiveDate>,
}

impl From<Decided> for EntryContent {
    fn from(d: Decided) -> Self {
        let (decision_date, listing_date) = d.dates;
        EntryContent {
            list: d.list,
            list_name: d.list_name.to_owned(),
            severity: d.severity,
            reason: d.reason,
            facts: d.facts,
            legal_basis: d.legal_basis,
            // The deciding authority submits its own decisions (DOMAIN.md §5).
            source_name: d.authority.name.clone(),
            source_uscc: Some(d.authority.uscc.clone()),
            authority_name: d.authority.name,
            authority_uscc: Some(d.authority.uscc),
            document_number: d.document_number,
            decision_date,
            listing_date,
            valid_from: decision_date,
            valid_until: d.valid_until,
        }
    }
}

/// The content of one entry of `listing` for a subject like `profile`. `serial` is the running
/// number in the document number, unique across the run (so unique per authority).
fn entry_content(
    rng: &mut Rng,
    listing: Listing,
    profile: Profile,
    today: NaiveDate,
    serial: u64,
) -> Result<EntryContent, SeedError> {
    let is_person = profile.category == Category::Person;
    let decided = match listing {
        Listing::ALevelTaxpayer => {
            // Ratings are published each April for the year before and, in this data set, hold
            // until the end of the year of publication (the evaluation year of DOMAIN.md §2.2).
            // Before this year's release, last year's is shown: it has run out, as it would.
            let this_year = ymd(today.year(), 4, 22)?;
            let release = if days_after(this_year, 3)? <= today {
                this_year
            } else {
                ymd(today.year() - 1, 4, 22)?
            };
            let year = release.year();
            Decided {
                list: ListKind::Red,
                list_name: "A级纳税人",
                severity: None,
                authority: city_authority(CITY_TAX)?,
                document_number: format!("汉税信评〔{year}〕{serial}号"),
                dates: (release, days_after(release, 3)?),
                reason: format!("{}年度纳税信用评价结果为A级", year - 1),
                facts: None,
                legal_basis: Some(TAX_CREDIT_RULES.to_owned()),
                valid_until: Some(ymd(year, 12, 31)?),
            }
        }
        Listing::ContractKeeping => {
            let dates = red_dates(rng, today, 30, 600)?;
            let year = dates.0.year();
            Decided {
                list: ListKind::Red,
                list_name: "守合同重信用企业",
                severity: None,
                authority: city_authority(CITY_MARKET)?,
                document_number: format!("汉市监守重〔{year}〕{serial}号"),
                dates,
                reason: format!("汉中市{}—{}年度“守合同重信用”企业", year - 2, year - 1),
                facts: None,
                legal_basis: None,
                valid_until: Some(days_before(months_after(dates.0, 24)?, 1)?),
            }
        }
        Listing::IntegrityModel => {
            let dates = red_dates(rng, today, 20, 540)?;
            let year = dates.0.year();
            Decided {
                list: ListKind::Red,
                list_name: "诚信示范企业",
                severity: None,
                authority: city_authority(CITY_DRC)?,
                document_number: format!("汉发改信用〔{year}〕{serial}号"),
                dates,
                reason: format!("汉中市{}年度诚信示范企业", year - 1),
                facts: None,
                legal_basis: Some(RED_GUIDANCE.to_owned()),
                valid_until: Some(days_before(months_after(dates.0, 24)?, 1)?),
            }
        }
        Listing::HonestTaxpayer => {
            let dates = red_dates(rng, today, 20, 330)?;
            let year = dates.0.year();
            Decided {
                list: ListKind::Red,
                list_name: "诚信纳税人",
                severity: None,
                authority: Authority::district_tax(profile.district)?,
                document_number: format!(
                    "{}税诚〔{year}〕{serial}号",
                    district_short(profile.district)
                ),
                dates,
                reason: format!("{}年度诚信纳税人", year - 1),
                facts: None,
                legal_basis: Some(TAX_CREDIT_RULES.to_owned()),
                valid_until: Some(days_before(months_after(dates.0, 12)?, 1)?),
            }
        }
        Listing::JudgmentDefaulter => {
            let severity = if rng.percent(70) {
                Severity::Serious
            } else {
                Severity::General
            };
            let dates = black_dates(rng, today, severity)?;
            let (court, court_code) = if rng.percent(30) {
                (city_authority(CITY_COURT)?, "07".to_owned())
            } else {
                let (code, _) = district(profile.district);
                (
                    Authority::district_court(profile.district)?,
                    code[2..].to_owned(),
                )
            };
            let case_year = dates.0.year() - i32::from(rng.percent(40));
            let (item, reason, conduct) = rng.pick(DEFAULTER_CASES);
            let (dispute, owed) = if is_person {
                rng.pick(PERSON_DISPUTES)
            } else {
                rng.pick(ORGANISATION_DISPUTES)
            };
            let sum = if is_person {
                amount(rng, 2, 80)
            } else {
                amount(rng, 10, 600)
            };
            let judgment = format!(
                "({})陕{court_code}民初{}号",
                case_year - 1,
                rng.between(100, 4999)
            );
            Decided {
                list: ListKind::Black,
                list_name: "失信被执行人",
                severity: Some(severity),
                authority: court,
                document_number: format!("({case_year})陕{court_code}执{serial}号"),
                dates,
                reason: reason.to_owned(),
                facts: Some(format!(
                    "被执行人与申请执行人{dispute}纠纷一案，{judgment}民事判决书已发生法律效力，判决被执行人向申请执行人支付{owed}{sum}万元及利息。{conduct}"
                )),
                legal_basis: Some(format!("{DEFAULTER_RULES}第一条第（{item}）项")),
                valid_until: None,
            }
        }
        Listing::TaxViolator => {
            let dates = black_dates(rng, today, Severity::Serious)?;
            let year = dates.0.year();
            let (reason, facts) = rng.pick(TAX_CASES);
            let facts = facts
                .replace("{amount}", &amount(rng, 100, 900))
                .replace("{years}", &format!("{}年至{}年", year - 3, year - 2));
            Decided {
                list: ListKind::Black,
                list_name: "重大税收违法失信主体",
                severity: Some(Severity::Serious),
                authority: city_authority(CITY_TAX)?,
                document_number: format!("汉税稽罚〔{year}〕{serial}号"),
                dates,
                reason: reason.to_owned(),
                facts: Some(facts),
                legal_basis: Some(TAX_BASIS.to_owned()),
                valid_until: None,
            }
        }
        Listing::MarketViolator => {
            let food = matches!(
                profile.category,
                Category::Enterprise(Sector::Food) | Category::Individual(Sector::Food)
            );
            let (severity, reason, facts, basis) = if food && rng.percent(60) {
                let (product, substance) = rng.pick(ADULTERATIONS);
                (
                    Severity::Serious,
                    "在食品中添加食品添加剂以外的化学物质和其他可能危害人体健康的物质，受到较重行政处罚",
                    format!(
                        "经监督抽检，该企业生产销售的{product}中检出非食用物质{substance}，货值金额{}万元，市场监管部门依法没收违法所得并处罚款。",
                        amount(rng, 1, 30)
                    ),
                    format!("《中华人民共和国食品安全法》第一百二十三条；{MARKET_RULES}"),
                )
            } else if food {
                (
                    Severity::Serious,
                    "生产经营不符合食品安全标准的食品，受到较重行政处罚",
                    "经监督抽检，该企业销售的食品微生物指标不符合食品安全国家标准，责令改正后再次被检出同类问题。".to_owned(),
                    format!("《中华人民共和国食品安全法》第一百二十四条；{MARKET_RULES}"),
                )
            } else {
                (
                    Severity::Serious,
                    "提交虚假材料取得市场主体登记，受到较重行政处罚",
                    "该企业在办理变更登记时提交伪造的股东会决议，骗取变更登记，被依法撤销登记并处以罚款。".to_owned(),
                    format!("《中华人民共和国市场主体登记管理条例》第四十四条；{MARKET_RULES}"),
                )
            };
            let dates = black_dates(rng, today, severity)?;
            Decided {
                list: ListKind::Black,
                list_name: "严重违法失信企业名单",
                severity: Some(severity),
                authority: city_authority(CITY_MARKET)?,
                document_number: format!("汉市监处罚〔{}〕{serial}号", dates.0.year()),
                dates,
                reason: reason.to_owned(),
                facts: Some(facts),
                legal_basis: Some(basis),
                valid_until: None,
            }
        }
        Listing::WageArrears => {
            let dates = black_dates(rng, today, Severity::Serious)?;
            let project = format!("{}{}", district_full(profile.district), rng.pick(PROJECTS));
            let workers = rng.between(6, 60);
            let sum = amount(rng, 8, 160);
            let facts = if is_person {
                format!(
                    "当事人作为{project}劳务班组负责人，拖欠{workers}名农民工工资共计{sum}万元，经人力资源社会保障行政部门责令限期支付后逾期仍未支付。"
                )
            } else {
                format!(
                    "该单位在承建{project}期间，拖欠{workers}名农民工工资共计{sum}万元，经人力资源社会保障行政部门责令限期支付后逾期仍未支付。"
                )
            };
            Decided {
                list: ListKind::Black,
                list_name: "拖欠农民工工资失信联合惩戒对象名单",
                severity: Some(Severity::Serious),
                authority: city_authority(CITY_HRSS)?,
                document_number: format!("汉人社失信〔{}〕{serial}号", dates.0.year()),
                dates,
                reason: "克扣、无故拖欠农民工工资达到认定拒不支付劳动报酬罪数额标准".to_owned(),
                facts: Some(facts),
                legal_basis: Some(WAGE_BASIS.to_owned()),
                valid_until: None,
            }
        }
        Listing::AbnormalOperation => {
            let dates = black_dates(rng, today, Severity::General)?;
            let (reason, facts) = if rng.percent(60) {
                (
                    "未按照《企业信息公示暂行条例》规定的期限公示年度报告",
                    "该企业未在规定期限内通过国家企业信用信息公示系统报送并公示上一年度年度报告。",
                )
            } else {
                (
                    "通过登记的住所或者经营场所无法联系",
                    "经实地核查，该企业在登记的住所无实际经营，通过登记的联系方式无法取得联系。",
                )
            };
            Decided {
                list: ListKind::KeyAttention,
                list_name: "经营异常名录",
                severity: Some(Severity::General),
                authority: city_authority(CITY_MARKET)?,
                document_number: format!("汉市监异〔{}〕{serial}号", dates.0.year()),
                dates,
                reason: reason.to_owned(),
                facts: Some(facts.to_owned()),
                legal_basis: Some("《企业信息公示暂行条例》".to_owned()),
                valid_until: None,
            }
        }
    };
    Ok(decided.into())
}

/// The checks of the office API that the services do not repeat themselves (DOMAIN.md §2.2,
/// §5): dates in order and not in the future, a legal basis and severity on black entries, and
/// a publicity rule that allows publication. A failure is a bug in the generator.
fn check_entry(content: &EntryContent, today: NaiveDate) -> Result<(), SeedError> {
    let fail = |why: &str| {
        Err(SeedError::Generated(format!(
            "entry {}: {why}",
            content.document_number
        )))
    };
    if content.decision_date > content.listing_date || content.listing_date > today {
        return fail("dates out of order or in the future");
    }
    if content
        .valid_until
        .is_some_and(|until| until < content.valid_from)
    {
        return fail("validity ends before it starts");
    }
    if content.list == ListKind::Black
        && (content.legal_basis.is_none() || content.severity.is_none())
    {
        return fail("black entry without legal basis or severity");
    }
    content.publicity()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The demo set
// ---------------------------------------------------------------------------------------------

/// A demo subject before insertion.
struct DemoSubject {
    profile: Profile,
    command: NewSubject,
}

/// A demo subject after insertion.
struct Seeded {
    profile: Profile,
    model: subject::Model,
    /// The ID number as it may be shown (natural persons).
    id_masked: Option<String>,
}

/// What happens to a demo entry after it is drafted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Draft,
    Published,
    Withdrawn,
}

/// A demo entry before insertion.
struct PlannedEntry {
    subject: usize,
    listing: Listing,
    content: EntryContent,
    fate: Fate,
}

/// A demo entry after insertion.
struct SeededEntry {
    subject: usize,
    listing: Listing,
    model: list_entry::Model,
}

/// Generates unique names by retrying; the tables are large enough that a few tries suffice.
fn unique_name(
    names: &mut HashSet<String>,
    mut generate: impl FnMut() -> String,
) -> Result<String, SeedError> {
    for _ in 0..1000 {
        let name = generate();
        if names.insert(name.clone()) {
            return Ok(name);
        }
    }
    Err(SeedError::Generated(
        "could not find a unique name".to_owned(),
    ))
}

/// A fresh demo code `{registration}{category}{region}` + a body from `body`, unique in `codes`.
fn unique_code(
    codes: &mut HashSet<String>,
    registration: char,
    category: char,
    region_code: &str,
    mut body: impl FnMut() -> String,
) -> Result<Uscc, SeedError> {
    let region = region(region_code)?;
    for _ in 0..1000 {
        let uscc = Uscc::from_parts(registration, category, &region, &body())
            .map_err(|e| SeedError::Generated(format!("demo code: {e}")))?;
        if codes.insert(uscc.as_str().to_owned()) {
            return Ok(uscc);
        }
    }
    Err(SeedError::Generated(
        "could not find a unique code".to_owned(),
    ))
}

/// `count` random symbols of the USCC alphabet.
fn symbols(rng: &mut Rng, count: usize) -> String {
    (0..count)
        .map(|_| char::from(rng.pick(USCC_SYMBOLS)))
        .collect()
}

/// A district index weighted towards the city's own districts, where most firms register.
fn weighted_district(rng: &mut Rng) -> usize {
    match rng.below(100) {
        0..45 => 0,
        45..60 => 1,
        _ => rng.index(HANZHONG_DISTRICTS.len()),
    }
}

/// The demo subjects, in insertion order.
fn demo_subjects(rng: &mut Rng, today: NaiveDate) -> Result<Vec<DemoSubject>, SeedError> {
    let mut names = HashSet::new();
    let mut codes = HashSet::new();
    let mut out = Vec::new();
    let organisation = |kind: SubjectKind,
                        name: String,
                        uscc: Uscc,
                        district_i: usize,
                        rng: &mut Rng|
     -> Result<NewSubject, SeedError> {
        Ok(NewSubject {
            kind,
            name,
            uscc: Some(uscc),
            uscc_warning: None,
            id_number: None,
            legal_representative: Some(person_name(rng)),
            region: region(district(district_i).0)?,
            address: Some(address(rng, district_i)),
        })
    };

    // Enterprises (91): 汉中市 or the county, a trade name, an industry, a legal form.
    for _ in 0..190 {
        let district_i = weighted_district(rng);
        let mut sector = Sector::Trade;
        let name = unique_name(&mut names, || {
            let place = if rng.percent(55) {
                "汉中市".to_owned()
            } else {
                district_full(district_i)
            };
            let (industry, industry_sector) = rng.pick(INDUSTRIES);
            sector = industry_sector;
            format!(
                "{place}{}{industry}{}",
                rng.pick(TRADE_NAMES),
                rng.pick(COMPANY_FORMS)
            )
        })?;
        let uscc = unique_code(&mut codes, '9', '1', district(district_i).0, || {
            format!("MA6{}", symbols(rng, 5))
        })?;
        let command = organisation(SubjectKind::LegalPerson, name, uscc, district_i, rng)?;
        out.push(DemoSubject {
            profile: Profile {
                category: Category::Enterprise(sector),
                district: district_i,
            },
            command,
        });
    }

    // Individual businesses (92): the county, a local word, a trade; the operator is recorded as
    // the legal representative field, as the registration does.
    for _ in 0..50 {
        let district_i = rng.index(HANZHONG_DISTRICTS.len());
        let mut sector = Sector::Trade;
        let name = unique_name(&mut names, || {
            let (shop, shop_sector) = rng.pick(SHOP_TYPES);
            sector = shop_sector;
            format!(
                "{}{}{shop}",
                district(district_i).1,
                rng.pick(landmarks(district_i))
            )
        })?;
        let uscc = unique_code(&mut codes, '9', '2', district(district_i).0, || {
            format!("MA6{}", symbols(rng, 5))
        })?;
        let command = organisation(SubjectKind::IndividualBusiness, name, uscc, district_i, rng)?;
        out.push(DemoSubject {
            profile: Profile {
                category: Category::Individual(sector),
                district: district_i,
            },
            command,
        });
    }

    // Farmers' cooperatives (93).
    for _ in 0..25 {
        let district_i = rng.index(HANZHONG_DISTRICTS.len());
        let name = unique_name(&mut names, || {
            format!(
                "{}{}{}专业合作社",
                district(district_i).1,
                rng.pick(landmarks(district_i)),
                rng.pick(COOPERATIVE_PRODUCTS)
            )
        })?;
        let uscc = unique_code(&mut codes, '9', '3', district(district_i).0, || {
            format!("MA6{}", symbols(rng, 5))
        })?;
        let command = organisation(SubjectKind::LegalPerson, name, uscc, district_i, rng)?;
        out.push(DemoSubject {
            profile: Profile {
                category: Category::Cooperative,
                district: district_i,
            },
            command,
        });
    }

    // Public institutions (12) and social organisations (52), whose codes embed an older
    // all-digit organisation code.
    for (table, category, kind, class) in [
        (
            INSTITUTIONS,
            Category::Institution,
            SubjectKind::LegalPerson,
            ('1', '2'),
        ),
        (
            SOCIAL_ORGANISATIONS,
            Category::SocialOrganisation,
            SubjectKind::OtherOrganisation,
            ('5', '2'),
        ),
    ] {
        for &(name, code) in table {
            names.insert(name.to_owned());
            let district_i = district_index(code);
            let uscc = unique_code(&mut codes, class.0, class.1, code, || {
                format!("{:08}", rng.between(43_000_000, 79_999_999))
            })?;
            let command = organisation(kind, name.to_owned(), uscc, district_i, rng)?;
            out.push(DemoSubject {
                profile: Profile {
                    category,
                    district: district_i,
                },
                command,
            });
        }
    }

    // Natural persons: adults born 1962-2000 in a 汉中 district; odd sequence for men.
    let mut ids = HashSet::new();
    for &(name, male) in PERSONS {
        names.insert(name.to_owned());
        let district_i = rng.index(HANZHONG_DISTRICTS.len());
        let region = region(district(district_i).0)?;
        let mut id_number = None;
        for _ in 0..1000 {
            // Years up to 2000 keep every person an adult on any day this code will run.
            let birth = ymd(
                1962 + i32::try_from(rng.below(39)).unwrap_or(0),
                1 + u32::try_from(rng.below(12)).unwrap_or(0),
                1 + u32::try_from(rng.below(28)).unwrap_or(0),
            )?;
            let sequence = u16::try_from(rng.below(500) * 2 + u64::from(male)).unwrap_or(1);
            let candidate = IdNumber::from_parts(&region, birth, sequence);
            if ids.insert(candidate.as_str().to_owned()) {
                id_number = Some(candidate);
                break;
            }
        }
        let id_number = id_number
            .ok_or_else(|| SeedError::Generated("could not find a unique ID number".into()))?;
        // The office would refuse an invalid number or a minor; so do we.
        let parsed = IdNumber::parse(id_number.as_str(), today)
            .map_err(|e| SeedError::Generated(format!("demo ID number: {e}")))?;
        if parsed.is_minor_on(today) {
            return Err(SeedError::Generated("demo person is a minor".to_owned()));
        }
        out.push(DemoSubject {
            profile: Profile {
                category: Category::Person,
                district: district_i,
            },
            command: NewSubject {
                kind: SubjectKind::NaturalPerson,
                name: name.to_owned(),
                uscc: None,
                uscc_warning: None,
                id_number: Some(parsed),
                legal_representative: None,
                region,
                address: None,
            },
        });
    }

    for subject in &out {
        let command = &subject.command;
        command
            .kind
            .check_uscc(command.uscc.as_ref())
            .map_err(|e| SeedError::Generated(format!("{}: {e}", command.name)))?;
    }
    Ok(out)
}

/// Percentage of subjects of a category with at least one entry, so that about 40% overall are
/// listed.
fn demo_listed_percent(category: Category) -> u64 {
    match category {
        Category::Enterprise(_) => 45,
        Category::Individual(_) | Category::Cooperative => 35,
        Category::Person => 55,
        Category::Institution | Category::SocialOrganisation => 0,
    }
}

/// The demo entries: contents, and which stay drafts or are withdrawn.
fn demo_entries(
    rng: &mut Rng,
    profiles: &[Profile],
    today: NaiveDate,
) -> Result<Vec<PlannedEntry>, SeedError> {
    let mut serial = rng.between(100, 300);
    let mut planned = Vec::new();
    for (subject, profile) in profiles.iter().enumerate() {
        let listed = demo_listed_percent(profile.category);
        for listing in plan_listings(rng, profile.category, listed) {
            serial += rng.between(1, 19);
            if serial >= SYNTHETIC_DOCUMENT_BASE {
                return Err(SeedError::Generated(
                    "demo document numbers reached the synthetic range".to_owned(),
                ));
            }
            let content = entry_content(rng, listing, *profile, today, serial)?;
            check_entry(&content, today)?;
            planned.push(PlannedEntry {
                subject,
                listing,
                content,
                fate: Fate::Published,
            });
        }
    }
    // Five drafts spread over the set, and two withdrawals of organisations' black entries, so
    // that every state of the workflow appears.
    let step = (planned.len() / 5).max(1);
    for i in 0..5 {
        if let Some(entry) = planned.get_mut(i * step + step / 2) {
            entry.fate = Fate::Draft;
        }
    }
    let withdrawable: Vec<usize> = planned
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.fate == Fate::Published
                && matches!(
                    e.listing,
                    Listing::JudgmentDefaulter | Listing::MarketViolator
                )
                && profiles[e.subject].category != Category::Person
        })
        .map(|(i, _)| i)
        .collect();
    for k in [1, 4] {
        if let Some(&i) = withdrawable.get(k) {
            planned[i].fate = Fate::Withdrawn;
        }
    }
    Ok(planned)
}

/// The public reason of a demo withdrawal.
fn withdrawal_reason(entry: &list_entry::Model) -> String {
    if entry.list_name == "失信被执行人" {
        format!(
            "{}经复查发现原认定事实有误，已依法撤销{}失信决定，现予撤回。",
            entry.authority_name, entry.document_number
        )
    } else {
        format!(
            "原行政处罚决定已被行政复议机关撤销，{}列入决定随之撤销，现予撤回。",
            entry.document_number
        )
    }
}

/// Loads the demo set into an empty database.
///
/// Writes about 300 subjects of every kind across the 11 districts and counties of 汉中, red,
/// black and key-attention entries for about 40% of them (five left as drafts, two withdrawn),
/// and twelve published exposure notices, all through the services with the actor `seed`, so
/// the audit chain and the outbox are as if the office had typed them in. Dates are relative to
/// `state.clock.today()`: decisions fall within the last ~20 months, so their publicity is still
/// running.
///
/// Returns `None`, writing nothing, when the database already has subjects.
///
/// # Errors
///
/// A [`SeedError`] if the database or a service fails; subjects committed by earlier
/// transactions of the run stay, so a failed run is best followed by a fresh database.
pub async fn demo(state: &AppState) -> Result<Option<SeedReport>, SeedError> {
    let today = state.clock.today();
    let mut rng = Rng::new(DEMO_SEED);
    let subjects_in = demo_subjects(&mut rng, today)?;
    let profiles: Vec<Profile> = subjects_in.iter().map(|s| s.profile).collect();
    let planned = demo_entries(&mut rng, &profiles, today)?;

    let mut seeded: Vec<Seeded> = Vec::with_capacity(subjects_in.len());
    let mut pending = subjects_in.into_iter().peekable();
    let mut first = true;
    while pending.peek().is_some() {
        let txn = begin_write(&state.db).await?;
        // Checked inside the write transaction, which on SQLite already holds the write lock.
        if first && subject::Entity::find().count(&txn).await? > 0 {
            txn.rollback().await?;
            return Ok(None);
        }
        first = false;
        let ctx = state.write_ctx(ACTOR.to_owned());
        for demo_subject in pending.by_ref().take(DEMO_SUBJECTS_PER_TXN) {
            let id_masked = demo_subject
                .command
                .id_number
                .as_ref()
                .map(|n| n.masked(IdMaskStyle::default()));
            let model = subjects::create(&txn, &ctx, demo_subject.command).await?;
            seeded.push(Seeded {
                profile: demo_subject.profile,
                model,
                id_masked,
            });
        }
        txn.commit().await?;
    }

    let txn = begin_write(&state.db).await?;
    let ctx = state.write_ctx(ACTOR.to_owned());
    let mut seeded_entries = Vec::with_capacity(planned.len());
    for plan in planned {
        let subject_id = seeded[plan.subject].model.id;
        let mut model = entries::create_draft(&txn, &ctx, subject_id, None, plan.content).await?;
        if plan.fate != Fate::Draft {
            model = entries::publish(&txn, &ctx, model.id, model.version).await?;
        }
        if plan.fate == Fate::Withdrawn {
            let reason = withdrawal_reason(&model);
            model = entries::withdraw(&txn, &ctx, model.id, model.version, reason).await?;
        }
        seeded_entries.push(SeededEntry {
            subject: plan.subject,
            listing: plan.listing,
            model,
        });
    }
    txn.commit().await?;

    let notices_in = demo_notices(&seeded, &seeded_entries, today)?;
    let report = SeedReport {
        subjects: seeded.len() as u64,
        entries: seeded_entries.len() as u64,
        notices: notices_in.len() as u64,
    };
    let txn = begin_write(&state.db).await?;
    let ctx = state.write_ctx(ACTOR.to_owned());
    for content in notices_in {
        let draft = notices::create_draft(&txn, &ctx, None, content).await?;
        notices::publish(&txn, &ctx, draft.id, draft.version).await?;
    }
    txn.commit().await?;
    Ok(Some(report))
}

// ---------------------------------------------------------------------------------------------
// Exposure notices
// ---------------------------------------------------------------------------------------------

/// One notice to write: its headline data and the entries it reports.
struct NoticePlan {
    title: String,
    category: NoticeCategory,
    issuing_unit: &'static str,
    cases: Vec<usize>,
}

/// Chinese ordinals for case headings.
const ORDINALS: &[&str] = &["一", "二", "三", "四", "五"];

/// How a subject appears in a notice: organisations by name and code, persons masked
/// (DOMAIN.md §1.3) — never their clear ID number.
fn display(subject: &Seeded) -> String {
    match (&subject.model.uscc, &subject.id_masked) {
        (Some(uscc), _) => format!("{}（统一社会信用代码：{uscc}）", subject.model.name),
        (None, Some(id)) => format!(
            "{}（公民身份号码：{id}）",
            mask_person_name(&subject.model.name, NameMask::default())
        ),
        (None, None) => mask_person_name(&subject.model.name, NameMask::default()),
    }
}

/// The short name of a subject in running text.
fn short_name(subject: &Seeded) -> String {
    if subject.model.uscc.is_some() {
        subject.model.name.clone()
    } else {
        mask_person_name(&subject.model.name, NameMask::default())
    }
}

/// The joint measures that follow a listing.
fn measures(listing: Listing) -> &'static str {
    match listing {
        Listing::JudgmentDefaulter => {
            "人民法院依法对其采取限制高消费等措施，并将失信信息推送相关部门实施联合惩戒。"
        }
        Listing::TaxViolator => {
            "税务机关依法追缴税款、加收滞纳金并处罚款，相关部门在公示期内依法实施联合惩戒。"
        }
        Listing::MarketViolator => {
            "市场监管部门依法作出行政处罚，并在公示期内对其实施限制参与政府采购、工程招投标和评优评先等管理措施。"
        }
        Listing::WageArrears => {
            "相关部门在政府资金支持、政府采购、招投标、融资贷款、市场准入、评优评先等方面依法依规予以限制。"
        }
        Listing::AbnormalOperation => "市场监管部门在其列入经营异常名录期间依法实施重点监管。",
        _ => {
            "相关部门依法对其给予守信激励，在行政审批“绿色通道”、评优评先、融资授信等方面予以支持。"
        }
    }
}

/// Why a case of `listing` matters.
fn significance(listing: Listing) -> &'static str {
    match listing {
        Listing::JudgmentDefaulter => {
            "诚信是履行生效法律文书的基本要求。人民法院依法将有履行能力而拒不履行的被执行人纳入失信被执行人名单，联合相关部门实施信用惩戒，让失信者“一处失信、处处受限”，切实维护胜诉当事人的合法权益和司法权威。"
        }
        Listing::TaxViolator => {
            "依法纳税是每个经营主体应尽的义务。税务机关依法公布重大税收违法失信主体并实施联合惩戒，有力震慑涉税违法行为，维护公平竞争的市场秩序。"
        }
        Listing::MarketViolator => {
            "食品安全和登记秩序关系人民群众切身利益。市场监管部门依法将严重违法失信主体列入名单并向社会公示，倒逼经营主体落实主体责任，守住诚信经营底线。"
        }
        Listing::WageArrears => {
            "保障农民工工资支付是重大民生问题。对拖欠农民工工资的失信主体实施联合惩戒，有助于形成“不敢欠、不能欠、不想欠”的工作格局，切实维护农民工合法权益。"
        }
        Listing::AbnormalOperation => {
            "企业应当依法履行信息公示义务。列入经营异常名录的企业履行相关义务后可以申请移出，逾期未履行的将面临更严格的信用监管。"
        }
        _ => {
            "守信者处处受益。相关部门对守信主体依法给予激励，引导更多经营主体珍视信用、诚信经营，营造“守信光荣、失信可耻”的良好社会氛围。"
        }
    }
}

/// What a red-listed subject did to earn it (the 基本案情 of an integrity notice).
fn honour_story(listing: Listing, category: Category, variant: usize) -> &'static str {
    match (listing, category) {
        (Listing::ALevelTaxpayer, _) => {
            "该企业自成立以来坚持依法诚信纳税，财务核算规范，按期足额申报缴纳各项税款，多年来未发生税收违法行为。"
        }
        (Listing::ContractKeeping, _) => {
            "该单位建立了完善的合同管理制度，合同履约率保持在较高水平，近年来未发生合同违约纠纷，在上下游合作伙伴中信誉良好。"
        }
        (_, Category::Cooperative) => {
            "该合作社坚持“统一标准、统一品牌、诚信经营”，与社员和收购商签订规范合同并足额按时结算，带动周边农户增收。"
        }
        (_, Category::Individual(_)) => {
            "该经营户多年来如实申报经营收入，按期缴纳税款，明码标价、诚信经营，在群众中口碑良好。"
        }
        _ => GENERIC_HONOURS[variant % GENERIC_HONOURS.len()],
    }
}

/// Stories of integrity-model enterprises, varied so that a notice of three does not repeat one.
const GENERIC_HONOURS: &[&str] = &[
    "该企业坚持“诚信立企”理念，主动公开服务承诺，积极履行社会责任，获得客户和群众的广泛认可。",
    "该企业建立了覆盖采购、生产、销售全过程的质量追溯制度，产品抽检合格率连续多年保持100%，从未发生消费投诉。",
    "该企业在资金紧张时期坚持足额按时支付供应商货款和职工工资，未发生一起拖欠，赢得了上下游企业的信任。",
    "该企业主动作出信用承诺并严格践诺，积极参与行业自律公约，带动同行业企业共同提升诚信经营水平。",
];

/// Renders the Markdown body with the four sections of DOMAIN.md §2.3.
fn notice_body(cases: &[(&Seeded, &SeededEntry)]) -> String {
    let numbered = cases.len() > 1;
    let heading = |i: usize, subject: &Seeded| {
        if numbered {
            format!(
                "### 案例{}：{}\n\n",
                ORDINALS.get(i).copied().unwrap_or("·"),
                short_name(subject)
            )
        } else {
            String::new()
        }
    };
    let mut facts = String::from("## 基本案情\n\n");
    let mut results = String::from("## 处理结果\n\n");
    let mut bases = String::from("## 法律依据\n\n");
    let mut meaning = String::from("## 典型意义\n\n");
    let mut listings_seen = Vec::new();
    for (i, (subject, entry)) in cases.iter().enumerate() {
        let e = &entry.model;
        let story = if entry.listing.is_red() {
            honour_story(entry.listing, subject.profile.category, i).to_owned()
        } else {
            e.facts.clone().unwrap_or_default()
        };
        facts.push_str(&heading(i, subject));
        facts.push_str(&format!("{}，{story}\n\n", display(subject)));
        let period = match (e.publicity_until, e.valid_until) {
            (Some(until), _) => match until.pred_opt() {
                Some(last) => format!("，公示期至{}", chinese_date(last)),
                None => String::new(),
            },
            (None, Some(until)) => format!("，有效期至{}", chinese_date(until)),
            (None, None) => String::new(),
        };
        results.push_str(&heading(i, subject));
        results.push_str(&format!(
            "{}，{}作出决定（{}），将{}列入{}（{}）{period}。{}\n\n",
            chinese_date(e.decision_date),
            e.authority_name,
            e.document_number,
            short_name(subject),
            e.list_name,
            e.reason,
            measures(entry.listing)
        ));
        let basis = e.legal_basis.as_deref().unwrap_or(RED_GUIDANCE);
        bases.push_str(&if numbered {
            format!("{}. {}：{basis}\n", i + 1, short_name(subject))
        } else {
            format!("{basis}\n")
        });
        if !listings_seen.contains(&entry.listing) {
            listings_seen.push(entry.listing);
            meaning.push_str(significance(entry.listing));
            meaning.push_str("\n\n");
        }
    }
    if cases.iter().any(|(_, e)| !e.listing.is_red()) {
        meaning.push_str(
            "已被列入名单的主体在履行相关义务、纠正失信行为后，可以依法申请信用修复。社会各界如对上述信息有异议，可向认定部门提出。",
        );
    }
    format!("{facts}{results}{bases}\n{}\n", meaning.trim_end())
}

/// Picks cases for the notices: published entries that are public today, each subject in one
/// notice at most, and organisations where a notice needs a code to link (persons have none).
struct CasePicker<'a> {
    subjects: &'a [Seeded],
    listed: &'a [SeededEntry],
    /// Subjects already in a notice.
    used: HashSet<usize>,
    today: NaiveDate,
}

impl CasePicker<'_> {
    fn available(&self, i: usize) -> bool {
        let e = &self.listed[i];
        !self.used.contains(&e.subject) && e.model.is_public_on(self.today)
    }

    /// The first available case satisfying `fits`.
    fn find(&mut self, fits: impl Fn(&SeededEntry, &Seeded) -> bool) -> Option<usize> {
        let found = (0..self.listed.len()).find(|&i| {
            let e = &self.listed[i];
            self.available(i) && fits(e, &self.subjects[e.subject])
        })?;
        self.used.insert(self.listed[found].subject);
        Some(found)
    }

    /// An organisation's case on one of `wanted`, or failing that on any list of the same
    /// polarity (`red`).
    fn organisation(&mut self, wanted: &[Listing], red: bool) -> Option<usize> {
        let organisation = |s: &Seeded| s.model.uscc.is_some();
        self.find(|e, s| wanted.contains(&e.listing) && organisation(s))
            .or_else(|| self.find(|e, s| e.listing.is_red() == red && organisation(s)))
    }

    /// A case on one of `wanted` about a subject of a category `category` accepts.
    fn of_category(&mut self, wanted: &[Listing], category: fn(Category) -> bool) -> Option<usize> {
        self.find(|e, s| wanted.contains(&e.listing) && category(s.profile.category))
    }
}

/// The twelve demo notices: seven dishonesty cases, five integrity models.
fn demo_notices(
    subjects: &[Seeded],
    listed: &[SeededEntry],
    today: NaiveDate,
) -> Result<Vec<NoticeContent>, SeedError> {
    let year = today.year();
    let mut picker = CasePicker {
        subjects,
        listed,
        used: HashSet::new(),
        today,
    };
    let mut plans = Vec::new();
    let missing = || SeedError::Generated("not enough public entries for the notices".to_owned());

    for (batch, listings) in [
        (
            "一",
            [
                Listing::WageArrears,
                Listing::TaxViolator,
                Listing::JudgmentDefaulter,
            ],
        ),
        (
            "二",
            [
                Listing::MarketViolator,
                Listing::JudgmentDefaulter,
                Listing::TaxViolator,
            ],
        ),
        (
            "三",
            [
                Listing::JudgmentDefaulter,
                Listing::WageArrears,
                Listing::MarketViolator,
            ],
        ),
    ] {
        let mut cases = Vec::new();
        for listing in listings {
            cases.push(picker.organisation(&[listing], false).ok_or_else(missing)?);
        }
        plans.push(NoticePlan {
            title: format!("汉中市{year}年第{batch}批失信典型案例"),
            category: NoticeCategory::DishonestyCase,
            issuing_unit: CREDIT_OFFICE,
            cases,
        });
    }
    // One case each, titled and issued after the list the case actually landed on.
    for listing in [
        Listing::WageArrears,
        Listing::TaxViolator,
        Listing::MarketViolator,
    ] {
        let case = picker.organisation(&[listing], false).ok_or_else(missing)?;
        let entry = &listed[case];
        let (topic, unit) = match entry.listing {
            Listing::WageArrears => ("拖欠农民工工资失信典型案例", CITY_HRSS),
            Listing::TaxViolator => ("涉税失信典型案例", CITY_TAX),
            Listing::MarketViolator => ("市场监管领域严重违法失信典型案例", CITY_MARKET),
            Listing::AbnormalOperation => ("经营异常典型案例", CITY_MARKET),
            _ => ("失信被执行人典型案例", CITY_COURT),
        };
        plans.push(NoticePlan {
            title: format!("{topic}：{}", short_name(&subjects[entry.subject])),
            category: NoticeCategory::DishonestyCase,
            issuing_unit: unit,
            cases: vec![case],
        });
    }
    // A person defaulter beside an organisation: the person appears masked, only the
    // organisation is linked.
    let mut cases = Vec::new();
    if let Some(person) =
        picker.of_category(&[Listing::JudgmentDefaulter], |c| c == Category::Person)
    {
        cases.push(person);
    }
    cases.push(
        picker
            .organisation(&[Listing::JudgmentDefaulter], false)
            .ok_or_else(missing)?,
    );
    plans.push(NoticePlan {
        title: "失信被执行人典型案例：拒不履行生效法律文书确定义务".to_owned(),
        category: NoticeCategory::DishonestyCase,
        issuing_unit: CITY_COURT,
        cases,
    });

    let enterprise: fn(Category) -> bool = |c| matches!(c, Category::Enterprise(_));
    let cooperative: fn(Category) -> bool = |c| c == Category::Cooperative;
    let shop: fn(Category) -> bool = |c| matches!(c, Category::Individual(_));
    for (listing, category) in [
        (Listing::ALevelTaxpayer, enterprise),
        (Listing::ContractKeeping, enterprise),
        (Listing::IntegrityModel, cooperative),
        (Listing::HonestTaxpayer, shop),
    ] {
        let case = picker
            .of_category(&[listing], category)
            .or_else(|| picker.organisation(&[listing], true))
            .ok_or_else(missing)?;
        let entry = &listed[case];
        let subject = &subjects[entry.subject];
        let (deed, unit) = match (entry.listing, subject.profile.category) {
            (Listing::ALevelTaxpayer, _) => ("依法诚信纳税", CITY_TAX),
            (Listing::ContractKeeping, _) => ("守合同重信用", CITY_MARKET),
            (Listing::HonestTaxpayer, _) => ("诚信经营依法纳税", CITY_TAX),
            (_, Category::Cooperative) => ("诚信经营带动农户增收", CREDIT_OFFICE),
            _ => ("诚信经营赢得口碑", CREDIT_OFFICE),
        };
        plans.push(NoticePlan {
            title: format!("诚信典型：{}{deed}", short_name(subject)),
            category: NoticeCategory::IntegrityModel,
            issuing_unit: unit,
            cases: vec![case],
        });
    }
    let mut cases = Vec::new();
    for _ in 0..3 {
        cases.push(
            picker
                .organisation(&[Listing::IntegrityModel], true)
                .ok_or_else(missing)?,
        );
    }
    plans.push(NoticePlan {
        title: format!("汉中市{year}年诚信示范企业典型事迹"),
        category: NoticeCategory::IntegrityModel,
        issuing_unit: CITY_DRC,
        cases,
    });

    plans
        .into_iter()
        .map(|plan| {
            let cases: Vec<(&Seeded, &SeededEntry)> = plan
                .cases
                .iter()
                .map(|&i| (&subjects[listed[i].subject], &listed[i]))
                .collect();
            let mut usccs: Vec<String> = Vec::new();
            for (subject, _) in &cases {
                if let Some(code) = &subject.model.uscc
                    && !usccs.contains(code)
                {
                    usccs.push(code.clone());
                }
            }
            // A notice stays up no longer than the shortest listing it reports, and a year at most.
            let mut until = months_after(today, 12)?;
            for (_, entry) in &cases {
                let end = match (entry.model.publicity_until, entry.model.valid_until) {
                    (Some(end), _) => Some(end),
                    (None, Some(last)) => last.succ_opt(),
                    (None, None) => None,
                };
                if let Some(end) = end {
                    until = until.min(end);
                }
            }
            Ok(NoticeContent {
                title: plan.title,
                category: plan.category,
                issuing_unit: plan.issuing_unit.to_owned(),
                body_md: notice_body(&cases),
                subject_usccs: usccs,
                publicity_until: Some(until.max(days_after(today, 1)?)),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Synthetic data
// ---------------------------------------------------------------------------------------------

/// The trade name that spells `counter` in [`SYNTHETIC_TRADE_CHARS`], always
/// [`SYNTHETIC_TRADE_WIDTH`] characters, so that different counters give different names.
///
/// The counter is first scrambled by multiplying with an odd constant modulo 64⁴ = 2²⁴, which
/// is a bijection: neighbouring subjects get unrelated names instead of sharing three leading
/// characters.
fn synthetic_trade_name(counter: u64) -> String {
    const SCRAMBLE: u64 = 0x9E_3779;
    let mut rest = counter.wrapping_mul(SCRAMBLE) % 64u64.pow(SYNTHETIC_TRADE_WIDTH);
    let mut chars = Vec::with_capacity(SYNTHETIC_TRADE_WIDTH as usize);
    for _ in 0..SYNTHETIC_TRADE_WIDTH {
        chars.push(SYNTHETIC_TRADE_CHARS[(rest % 64) as usize]);
        rest /= 64;
    }
    chars.into_iter().collect()
}

/// The organisation-code body that spells `counter`: the marker, then six symbols.
fn synthetic_body(counter: u64) -> String {
    let mut rest = counter;
    let mut symbols = [0u8; 6];
    for symbol in symbols.iter_mut().rev() {
        *symbol = USCC_SYMBOLS[(rest % 31) as usize];
        rest /= 31;
    }
    let mut body = SYNTHETIC_BODY_MARKER.to_owned();
    body.extend(symbols.iter().map(|&b| char::from(b)));
    body
}

/// The largest counter a synthetic subject can have: names and codes both spell it.
fn synthetic_capacity() -> u64 {
    64u64.pow(SYNTHETIC_TRADE_WIDTH).min(31u64.pow(6))
}

/// One synthetic subject with its entries, as rows ready to insert.
fn synthetic_subject(
    rng: &mut Rng,
    counter: u64,
    today: NaiveDate,
    now: DateTime<Utc>,
    entries_out: &mut Vec<list_entry::ActiveModel>,
) -> Result<subject::ActiveModel, SeedError> {
    let district_i = if rng.percent(30) {
        weighted_district(rng)
    } else {
        rng.index(HANZHONG_DISTRICTS.len())
    };
    let (code, county) = district(district_i);
    let trade = synthetic_trade_name(counter);
    let (kind, category, class, name) = match rng.below(10) {
        0..6 => {
            let (industry, sector) = rng.pick(INDUSTRIES);
            let place = if rng.percent(50) {
                "汉中市".to_owned()
            } else {
                district_full(district_i)
            };
            (
                SubjectKind::LegalPerson,
                Category::Enterprise(sector),
                '1',
                format!("{place}{trade}{industry}{}", rng.pick(COMPANY_FORMS)),
            )
        }
        6..9 => {
            let (shop, sector) = rng.pick(SHOP_TYPES);
            (
                SubjectKind::IndividualBusiness,
                Category::Individual(sector),
                '2',
                format!("{county}{trade}{shop}"),
            )
        }
        _ => (
            SubjectKind::LegalPerson,
            Category::Cooperative,
            '3',
            format!(
                "{county}{trade}{}专业合作社",
                rng.pick(COOPERATIVE_PRODUCTS)
            ),
        ),
    };
    let uscc = Uscc::from_parts('9', class, &region(code)?, &synthetic_body(counter))
        .map_err(|e| SeedError::Generated(format!("synthetic code: {e}")))?;
    let subject_id = SubjectId::new();
    let profile = Profile {
        category,
        district: district_i,
    };
    for (k, listing) in plan_listings(rng, category, SYNTHETIC_LISTED_PERCENT)
        .into_iter()
        .enumerate()
    {
        let serial = SYNTHETIC_DOCUMENT_BASE + counter * 2 + k as u64;
        let content = entry_content(rng, listing, profile, today, serial)?;
        entries_out.push(published_entry(subject_id, content, now)?);
    }
    Ok(subject::ActiveModel {
        id: Set(subject_id),
        kind: Set(kind.into()),
        name: Set(name),
        uscc: Set(Some(uscc.into())),
        uscc_warning: Set(None),
        id_number_cipher: Set(None),
        id_number_hash: Set(None),
        id_number_masked: Set(None),
        legal_representative: Set(Some(person_name(rng))),
        region_code: Set(code.to_owned()),
        address: Set(Some(address(rng, district_i))),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
}

/// A published entry row, its publicity computed by the rule in force on its decision date.
fn published_entry(
    subject_id: SubjectId,
    c: EntryContent,
    now: DateTime<Utc>,
) -> Result<list_entry::ActiveModel, SeedError> {
    let (min_until, until) = c.publicity()?;
    Ok(list_entry::ActiveModel {
        id: Set(EntryId::new()),
        subject_id: Set(subject_id),
        list: Set(c.list.into()),
        list_name: Set(c.list_name),
        severity: Set(c.severity.map(Into::into)),
        reason: Set(c.reason),
        facts: Set(c.facts),
        legal_basis: Set(c.legal_basis),
        authority_name: Set(c.authority_name),
        authority_uscc: Set(c.authority_uscc),
        document_number: Set(c.document_number),
        decision_date: Set(c.decision_date),
        listing_date: Set(c.listing_date),
        valid_from: Set(c.valid_from),
        valid_until: Set(c.valid_until),
        publicity_min_until: Set(min_until),
        publicity_until: Set(until),
        removal_date: Set(None),
        removal_reason: Set(None),
        removal_authority: Set(None),
        repair_status: Set(None),
        under_objection: Set(false),
        source_name: Set(c.source_name),
        source_uscc: Set(c.source_uscc),
        status: Set(EntryStatus::Published),
        created_by: Set(None),
        submitted_by: Set(None),
        reviewed_by: Set(None),
        review_note: Set(None),
        published_at: Set(Some(now)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
}

/// Bulk-loads `n` valid synthetic subjects, about 30% of them with one or two published entries
/// (red, black or key attention), for scale tests and benchmarks.
///
/// Subjects are enterprises, individual businesses and cooperatives (`91`/`92`/`93`) spread over
/// the districts of 汉中. Names, codes and document numbers spell a counter that starts after
/// the subjects already in the database, so the function may run on a non-empty database (after
/// [`demo`], or a second time) without collisions. Rows are inserted 500 at a time in a few
/// write transactions; no per-row audit events or outbox rows are written — one audit event,
/// `seed.synthetic`, records the run, and the caller reindexes afterwards. `progress` is called
/// with the number of subjects written so far after every chunk.
///
/// # Errors
///
/// A [`SeedError`] if the database fails, or [`SeedError::Generated`] if the run would exceed
/// the counters names and codes can spell (over 16 million subjects). Chunks committed before a
/// failure stay.
pub async fn synthetic(
    state: &AppState,
    n: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<SeedReport, SeedError> {
    let mut report = SeedReport::default();
    if n == 0 {
        return Ok(report);
    }
    let today = state.clock.today();
    let now = state.clock.now();
    let mut txn = begin_write(&state.db).await?;
    // Counted under the write lock, so the counters of this run are free (subjects are never
    // deleted).
    let start = subject::Entity::find().count(&txn).await?;
    if start.saturating_add(n) > synthetic_capacity() {
        return Err(SeedError::Generated(format!(
            "{n} more subjects after {start} exceed the {} synthetic names and codes",
            synthetic_capacity()
        )));
    }
    let mut rng = Rng::new(SYNTHETIC_SEED ^ start);
    let mut in_txn = 0;
    while report.subjects < n {
        let size = SYNTHETIC_CHUNK.min(n - report.subjects);
        let mut subject_rows = Vec::with_capacity(size as usize);
        let mut entry_rows = Vec::new();
        for i in 0..size {
            let counter = start + report.subjects + i;
            subject_rows.push(synthetic_subject(
                &mut rng,
                counter,
                today,
                now,
                &mut entry_rows,
            )?);
        }
        subject::Entity::insert_many(subject_rows)
            .exec_without_returning(&txn)
            .await?;
        report.entries += entry_rows.len() as u64;
        let mut rows = entry_rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<_> = rows.by_ref().take(SYNTHETIC_CHUNK as usize).collect();
            list_entry::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        report.subjects += size;
        in_txn += size;
        progress(report.subjects);
        if in_txn >= SYNTHETIC_SUBJECTS_PER_TXN && report.subjects < n {
            txn.commit().await?;
            txn = begin_write(&state.db).await?;
            in_txn = 0;
        }
    }
    audit::record(
        &txn,
        audit::NewEvent {
            actor: ACTOR,
            action: "seed.synthetic",
            target_type: "seed",
            target_id: format!("synthetic:{start}"),
            before: None,
            after: Some(json!({
                "subjects": report.subjects,
                "entries": report.entries,
                "first_counter": start,
                "last_counter": start + n - 1,
            })),
            at: now,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_names_and_bodies_spell_distinct_counters() {
        let mut names = HashSet::new();
        let mut bodies = HashSet::new();
        for counter in (0..5000).chain([64u64.pow(3) - 1, 64u64.pow(3), synthetic_capacity() - 1]) {
            let name = synthetic_trade_name(counter);
            assert_eq!(name.chars().count(), SYNTHETIC_TRADE_WIDTH as usize);
            assert!(names.insert(name));
            let body = synthetic_body(counter);
            assert_eq!(body.len(), 8);
            assert!(bodies.insert(body));
        }
    }

    #[test]
    fn the_generator_is_deterministic() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            let v = rng.between(3, 5);
            assert!((3..=5).contains(&v));
        }
    }

    #[test]
    fn every_listing_yields_content_the_office_would_accept() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 15).expect("date");
        let mut rng = Rng::new(3);
        let categories = [
            Category::Enterprise(Sector::Construction),
            Category::Enterprise(Sector::Food),
            Category::Enterprise(Sector::Trade),
            Category::Individual(Sector::Food),
            Category::Cooperative,
            Category::Person,
        ];
        for (serial, category) in categories.iter().cycle().take(600).enumerate() {
            for listing in plan_listings(&mut rng, *category, 100) {
                let profile = Profile {
                    category: *category,
                    district: serial % HANZHONG_DISTRICTS.len(),
                };
                let content = entry_content(&mut rng, listing, profile, today, serial as u64)
                    .expect("content");
                check_entry(&content, today).expect("valid");
                assert!(content.document_number.contains(&serial.to_string()));
            }
        }
    }
}
