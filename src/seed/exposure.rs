//! The demo exposure notices (曝光台).

use super::*;

/// One notice to write: its headline data and the entries it reports.
pub(super) struct NoticePlan {
    pub(super) title: String,
    pub(super) category: NoticeCategory,
    pub(super) issuing_unit: &'static str,
    pub(super) cases: Vec<usize>,
}

/// Chinese ordinals for case headings.
pub(super) const ORDINALS: &[&str] = &["一", "二", "三", "四", "五"];

/// How a subject appears in a notice: organisations by name and code, persons masked
/// — never their clear ID number.
pub(super) fn display(subject: &Seeded) -> String {
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
pub(super) fn short_name(subject: &Seeded) -> String {
    if subject.model.uscc.is_some() {
        subject.model.name.clone()
    } else {
        mask_person_name(&subject.model.name, NameMask::default())
    }
}

/// The joint measures that follow a listing.
pub(super) fn measures(listing: Listing) -> &'static str {
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
pub(super) fn significance(listing: Listing) -> &'static str {
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
pub(super) fn honour_story(listing: Listing, category: Category, variant: usize) -> &'static str {
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
pub(super) const GENERIC_HONOURS: &[&str] = &[
    "该企业坚持“诚信立企”理念，主动公开服务承诺，积极履行社会责任，获得客户和群众的广泛认可。",
    "该企业建立了覆盖采购、生产、销售全过程的质量追溯制度，产品抽检合格率连续多年保持100%，从未发生消费投诉。",
    "该企业在资金紧张时期坚持足额按时支付供应商货款和职工工资，未发生一起拖欠，赢得了上下游企业的信任。",
    "该企业主动作出信用承诺并严格践诺，积极参与行业自律公约，带动同行业企业共同提升诚信经营水平。",
];

/// Renders the Markdown body with the four sections
pub(super) fn notice_body(cases: &[(&Seeded, &SeededEntry)]) -> String {
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
pub(super) struct CasePicker<'a> {
    pub(super) subjects: &'a [Seeded],
    pub(super) listed: &'a [SeededEntry],
    /// Subjects already in a notice.
    pub(super) used: HashSet<usize>,
    pub(super) today: NaiveDate,
}

impl CasePicker<'_> {
    pub(super) fn available(&self, i: usize) -> bool {
        let e = &self.listed[i];
        !self.used.contains(&e.subject) && e.model.is_public_on(self.today)
    }

    /// The first available case satisfying `fits`.
    pub(super) fn find(&mut self, fits: impl Fn(&SeededEntry, &Seeded) -> bool) -> Option<usize> {
        let found = (0..self.listed.len()).find(|&i| {
            let e = &self.listed[i];
            self.available(i) && fits(e, &self.subjects[e.subject])
        })?;
        self.used.insert(self.listed[found].subject);
        Some(found)
    }

    /// An organisation's case on one of `wanted`, or failing that on any list of the same
    /// polarity (`red`).
    pub(super) fn organisation(&mut self, wanted: &[Listing], red: bool) -> Option<usize> {
        let organisation = |s: &Seeded| s.model.uscc.is_some();
        self.find(|e, s| wanted.contains(&e.listing) && organisation(s))
            .or_else(|| self.find(|e, s| e.listing.is_red() == red && organisation(s)))
    }

    /// A case on one of `wanted` about a subject of a category `category` accepts.
    pub(super) fn of_category(
        &mut self,
        wanted: &[Listing],
        category: fn(Category) -> bool,
    ) -> Option<usize> {
        self.find(|e, s| wanted.contains(&e.listing) && category(s.profile.category))
    }
}

/// The twelve demo notices: seven dishonesty cases, five integrity models.
pub(super) fn demo_notices(
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
