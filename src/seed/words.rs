//! Word lists: trade names, industries, legal forms, places, people.

/// Two-character trade names (字号) of demo enterprises.
pub(super) const TRADE_NAMES: &[&str] = &[
    "天汉", "汉水", "秦岭", "定军", "褒河", "龙岗", "朱鹮", "栈道", "华鑫", "润泽", "汉江", "兴元",
    "南湖", "汉源", "巴山", "鑫源", "宏发", "恒通", "瑞丰", "金秦", "博望", "子午", "青木", "石门",
    "武侯", "汉唐", "鼎盛", "顺达", "益民", "德信", "嘉禾", "汇通", "宏远", "联创", "万邦", "众鑫",
];

/// What a subject does, as far as the lists care: which black lists it can plausibly land on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sector {
    /// Building and labour: wage arrears.
    Construction,
    /// Food, catering, medicine: market-supervision black lists.
    Food,
    /// Everything else.
    Trade,
}

/// Industries (行业) of enterprises.
pub(super) const INDUSTRIES: &[(&str, Sector)] = &[
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
pub(super) const COMPANY_FORMS: &[&str] = &[
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
pub(super) const SHOP_TYPES: &[(&str, Sector)] = &[
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
pub(super) const COOPERATIVE_PRODUCTS: &[&str] = &[
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
pub(super) const LANDMARKS: &[(&str, &[&str])] = &[
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
pub(super) const SEATS: &[(&str, &str)] = &[
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
pub(super) const ROADS: &[&str] = &[
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
pub(super) const INSTITUTIONS: &[(&str, &str)] = &[
    ("汉中市汉台区社会福利院", "610702"),
    ("汉中市南郑区农业技术推广中心", "610703"),
    ("城固县职业教育中心", "610722"),
    ("洋县文化馆", "610723"),
    ("西乡县图书馆", "610724"),
    ("勉县疾病预防控制中心", "610725"),
];

/// Social organisations registered with civil affairs (民办非企业单位, `52…`).
pub(super) const SOCIAL_ORGANISATIONS: &[(&str, &str)] = &[
    ("汉中市天汉职业技能培训学校", "610702"),
    ("汉中市汉台区康宁养老服务中心", "610702"),
    ("城固县阳光幼儿园", "610722"),
    ("洋县朱鹮社会工作服务中心", "610723"),
    ("西乡县春晖养老院", "610724"),
    ("勉县诸葛职业培训学校", "610725"),
];

/// The demo natural persons: name, and whether male (odd sequence digit).
pub(super) const PERSONS: &[(&str, bool)] = &[
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
pub(super) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任",
];

/// Characters of given names.
pub(super) const GIVEN: &[&str] = &[
    "建", "国", "明", "华", "伟", "军", "平", "强", "文", "海", "志", "红", "丽", "芳", "敏", "静",
    "磊", "涛", "斌", "辉", "勇", "杰", "娟", "霞", "鹏", "飞", "超", "波", "刚", "林", "春", "秀",
    "英", "兰", "梅", "玲", "燕", "峰", "宇", "浩", "凯", "婷", "雪", "琳", "东", "亮", "龙", "阳",
];

/// 64 distinct characters in which synthetic trade names spell their counter. None of them is
/// 区, 县 or 市, so a name can never be read as having a different place prefix.
pub(super) const SYNTHETIC_TRADE_CHARS: [char; 64] = [
    '鑫', '华', '盛', '源', '泰', '丰', '瑞', '祥', '德', '信', '恒', '通', '达', '宏', '博', '嘉',
    '和', '润', '益', '兴', '隆', '昌', '福', '安', '康', '宁', '汇', '鼎', '诚', '利', '佳', '美',
    '金', '银', '峰', '海', '天', '汉', '秦', '巴', '龙', '凤', '宇', '辰', '星', '明', '正', '中',
    '新', '远', '长', '永', '广', '大', '富', '强', '旺', '顺', '景', '光', '东', '西', '南', '北',
];

/// Width of a synthetic trade name; with 64 characters it spells 16,777,216 counters.
pub(super) const SYNTHETIC_TRADE_WIDTH: u32 = 4;

/// Synthetic organisation-code bodies start with this marker and demo ones with `MA6`, so demo
/// and synthetic codes can never collide; the six symbols after it spell the counter.
pub(super) const SYNTHETIC_BODY_MARKER: &str = "MB";

/// The USCC alphabet, in value order.
pub(super) const USCC_SYMBOLS: &[u8] = crate::domain::uscc::ALPHABET.as_bytes();
