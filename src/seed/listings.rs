//! Subjects and their listings: which lists a subject can land on, and the content of each
//! entry, checked by the same input rules as the office API.

use super::*;

/// What kind of subject a generated one is, beyond its [`SubjectKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Category {
    Enterprise(Sector),
    Individual(Sector),
    Cooperative,
    Institution,
    SocialOrganisation,
    Person,
}

/// What the entry generator needs to know of a subject.
#[derive(Clone, Copy, Debug)]
pub(super) struct Profile {
    pub(super) category: Category,
    pub(super) district: usize,
}

/// The list an entry goes on, with its authority and wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Listing {
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
    pub(super) fn is_red(self) -> bool {
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
pub(super) fn red_options(category: Category) -> &'static [Listing] {
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
pub(super) fn black_options(category: Category) -> &'static [Listing] {
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
pub(super) fn plan_listings(
    rng: &mut Rng,
    category: Category,
    listed_percent: u64,
) -> Vec<Listing> {
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
pub(super) const DEFAULTER_CASES: &[(&str, &str, &str)] = &[
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
pub(super) const ORGANISATION_DISPUTES: &[(&str, &str)] = &[
    ("买卖合同", "货款"),
    ("建设工程施工合同", "工程款"),
    ("借款合同", "借款本金"),
    ("租赁合同", "租金"),
    ("承揽合同", "加工费"),
];

pub(super) const PERSON_DISPUTES: &[(&str, &str)] = &[
    ("民间借贷", "借款本金"),
    ("买卖合同", "货款"),
    ("劳务合同", "劳务费"),
];

/// Tax cases: reason and facts (with `{amount}` and `{years}` filled in).
pub(super) const TAX_CASES: &[(&str, &str)] = &[
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

pub(super) const TAX_BASIS: &str =
    "《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号）第六条";
pub(super) const MARKET_RULES: &str =
    "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）";
pub(super) const DEFAULTER_RULES: &str = "《最高人民法院关于公布失信被执行人名单信息的若干规定》";
pub(super) const WAGE_BASIS: &str = "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）第五条第（一）项";
pub(super) const RED_GUIDANCE: &str = "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）";
pub(super) const TAX_CREDIT_RULES: &str = "《纳税信用管理办法》";

/// Foods and what was found in them (non-food substances).
pub(super) const ADULTERATIONS: &[(&str, &str)] = &[
    ("卤肉制品", "罂粟碱"),
    ("火锅底料", "罂粟碱"),
    ("凉皮", "硼砂"),
    ("辣椒油", "苏丹红"),
];

/// Building projects for wage-arrears cases.
pub(super) const PROJECTS: &[&str] = &[
    "安置小区建设工程",
    "道路改造工程",
    "中学教学楼建设工程",
    "农村供水改造工程",
    "商住楼建设项目",
];

/// Decision and listing date of a black or key-attention entry of `severity`: decided within
/// the period that is still running today (serious: up to ~20 months ago; general: up to ~11),
/// listed a few days later, never after today.
pub(super) fn black_dates(
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
pub(super) fn red_dates(
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
pub(super) struct Decided {
    pub(super) list: ListKind,
    pub(super) list_name: &'static str,
    pub(super) severity: Option<Severity>,
    pub(super) authority: Authority,
    pub(super) document_number: String,
    /// Decision and listing date.
    pub(super) dates: (NaiveDate, NaiveDate),
    pub(super) reason: String,
    pub(super) facts: Option<String>,
    pub(super) legal_basis: Option<String>,
    pub(super) valid_until: Option<NaiveDate>,
}

impl From<Decided> for EntryFields {
    /// The wire form of a generated decision, so that it is checked by the same rules as the
    /// office API's input ([`parse_fields`]).
    fn from(d: Decided) -> Self {
        let (decision_date, listing_date) = d.dates;
        EntryFields {
            list: Some(d.list.as_str().to_owned()),
            list_name: Some(d.list_name.to_owned()),
            severity: d.severity.map(|s| s.as_str().to_owned()),
            reason: Some(d.reason),
            facts: d.facts,
            legal_basis: d.legal_basis,
            // The deciding authority submits its own decisions.
            source_name: Some(d.authority.name.clone()),
            source_uscc: Some(d.authority.uscc.clone()),
            authority_name: Some(d.authority.name),
            authority_uscc: Some(d.authority.uscc),
            document_number: Some(d.document_number),
            decision_date: Some(decision_date),
            listing_date: Some(listing_date),
            valid_from: Some(decision_date),
            valid_until: d.valid_until,
            ..EntryFields::default()
        }
    }
}

/// The content of one entry of `listing` for a subject like `profile`. `serial` is the running
/// number in the document number, unique across the run (so unique per authority).
pub(super) fn entry_content(
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
            // until the end of the year of publication (the evaluation year).
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
    // A generated decision that fails the input rules is a bug in the generator.
    parse_fields(decided.into(), today)
        .map_err(|e| SeedError::Generated(format!("entry: {}", e.message)))
}
