//! What each error means, in Chinese, for the pages people read: the console's forms and the
//! public site show this sentence first and the error's own message (which names the field and
//! the value's fault precisely) after it.
//!
//! The match has no catch-all arm, so a new error code cannot ship without its wording.

use crate::error::ErrorCode;

/// The Chinese sentence for `code`.
pub fn zh(code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match code {
        MalformedPayload => "提交的内容不是有效的 JSON。",
        InvalidRequestBody => "提交的内容缺少必填项、含有未知项或类型不对。",
        InvalidContentType => "提交的内容类型不对。",
        PayloadTooLarge => "提交的内容或文件过大。",
        InvalidQueryParameter => "查询条件格式不对或超出范围。",
        InvalidPathParameter => "地址中的编号格式不对。",
        RouteNotFound => "没有这个页面。",
        MethodNotAllowed => "此地址不接受这种请求。",
        Unauthenticated => "请先登录。",
        Forbidden => "您的账号角色不能进行此操作。",
        InvalidSubjectKind => "主体类别不正确。",
        InvalidSubjectName => "主体名称为空或过长。",
        InvalidSubjectUscc => "统一社会信用代码不符合国家标准（GB 32100）的编码或校验规则。",
        InvalidSubjectIdNumber => "身份证号码不正确（GB 11643），或自然人缺少身份证号码。",
        InvalidSubjectRegion => "行政区划代码不是有效的 GB/T 2260 代码。",
        InvalidSubjectField => "此类主体不能填写该项（如自然人的住所或法定代表人）。",
        SubjectKindCodeMismatch => {
            "统一社会信用代码与主体类别不一致（如 92 开头的代码属于个体工商户）。"
        }
        SubjectIsMinor => "未成年人的信息不予公示。",
        SubjectNotFound => "没有找到该信用主体。",
        SubjectAlreadyExists => "已有使用该统一社会信用代码或身份证号码的主体。",
        SubjectVersionConflict => "该主体在您编辑期间已被他人修改，请重新打开后再改。",
        InvalidEntryList => "名单类别不正确。",
        InvalidEntrySeverity => "失信等级不正确、未填写，或现行规则不允许公示该等级。",
        InvalidEntryField => "必填项为空或内容过长。",
        MissingEntryLegalBasis => "失信黑名单条目须填写认定依据。",
        InvalidEntryDates => {
            "日期先后不对或晚于今天（认定日期 ≤ 列入日期 ≤ 今天；有效期起 ≤ 止）。"
        }
        InvalidEntryUscc => "认定部门或数据来源单位的统一社会信用代码不正确。",
        EntryNotFound => "没有找到该名单条目。",
        EntryAlreadyExists => "该认定部门的同一文书号已有条目。",
        EntryVersionConflict => "该条目在您编辑期间已被他人修改，请重新打开后再改。",
        EntryNotDraft => "只有草稿状态的条目才能编辑或提交。",
        EntryNotPendingReview => "只有待审核的条目才能通过或退回。",
        ReviewerIsSubmitter => "提交人不能审核自己提交的条目（审核须由另一人完成）。",
        ReviewerIsMaker => "创建或最后修改该记录的人员不能审核或公示它（审核须由另一人完成）。",
        ReviewerIsAcceptor => "受理该修复申请的人员不能作出决定（须由另一人决定）。",
        RevisionNotFound => "没有找到该更正。",
        RevisionVersionConflict => "该更正已有变化，请刷新后再处理。",
        RevisionNotPending => "只有待审核的更正才能通过或驳回。",
        AgencyVersionConflict => "该报送单位已被他人修改，请刷新后再改。",
        AuthorityNotRegistered => "该认定部门未登记为本单位可报送的部门。",
        SubjectNameMismatch => "该代码或身份证号码已属于另一名称的主体。",
        MissingReviewReason => "退回须说明理由，理由会告知编辑人员。",
        EntryNotPublished => "只有已公示的条目才能撤销。",
        InvalidNoticeField => "曝光信息的必填项为空、过长或取值不对。",
        NoticeNotFound => "没有找到该曝光信息。",
        NoticeVersionConflict => "该曝光信息在您编辑期间已被他人修改，请重新打开后再改。",
        NoticeNotDraft => "只有草稿状态的曝光信息才能编辑或提交。",
        NoticeNotPublished => "只有已发布的曝光信息才能撤下。",
        InvalidStaffField => "人员信息为空或取值不对。",
        MissingWithdrawalReason => "撤销须填写理由，理由将随撤销公开。",
        InvalidCaseField => "申请的必填项为空或内容不对。",
        ObjectionNotFound => "没有找到该异议申诉。",
        ObjectionVersionConflict => "该异议已有新的处理，请刷新后再办。",
        ObjectionWrongState => "该异议当前的状态不能进行这一步。",
        RepairNotFound => "没有找到该信用修复申请。",
        RepairVersionConflict => "该修复申请已有新的处理，请刷新后再办。",
        RepairWrongState => "该修复申请当前的状态不能进行这一步。",
        RepairTooEarly => "尚未满最短公示期，暂不能申请信用修复。",
        RepairNotApplicable => "该条目不适用信用修复（仅限有公示期的已公示失信或重点关注条目）。",
        InvalidAgencyField => "报送单位或密钥的填写项不对（如未知的权限、错误的代码）。",
        AgencyNotFound => "没有找到该报送单位。",
        AgencyAlreadyExists => "该统一社会信用代码的报送单位已经登记。",
        KeyNotFound => "没有找到该接口密钥。",
        MissingScope => "该接口密钥没有此项权限。",
        BatchTooLarge => "一次提交的记录过多。",
        InvalidScreeningField => "核查对象缺少代码或名称，或代码、身份证号码不正确。",
        MissingScreeningLegalBasis => "核查自然人须说明法律依据。",
        InvalidFileCell => "文件中有无法识别的单元格（如未知的取值、不是日期的日期）。",
        EntryOwnedByAnotherAgency => "该认定部门和文书号的条目属于另一报送单位。",
        InvalidCalendar => "工作日历不能使用（缺少节假日、缺少 1 月 1 日，或调休日期不对）。",
        RateLimited => "操作过于频繁，请稍后再试。",
        SearchUnavailable => "检索服务正在恢复中，请稍后再试；已公示的数据不受影响。",
        DatabaseUnavailable => "服务暂时不可用，请稍后再试。",
        IndexingBehind => "检索索引的更新落后于数据库，请稍后再试；已公示的数据不受影响。",
        Internal => "服务器处理时出错，错误已记录，请稍后再试。",
        InvalidCredentials => "登录名、密码或动态验证码不正确，或账号已停用。",
        TotpRequired => "此账号已启用动态验证码，请输入验证器应用中的当前验证码。",
        LoginThrottled => "登录失败次数过多，请稍后再试。",
        CsrfFailed => {
            "表单已失效（缺少本次登录的安全校验码），未作任何处理；请刷新页面后重新提交。"
        }
        CredentialExpired => "登录或密钥已过期。",
        StaffNotFound => "没有找到该人员账号。",
        StaffVersionConflict => "该账号已被他人修改，请刷新后再改。",
        LastAdmin => "不能停用或降级自己，也不能停用最后一名管理员。",
        TokenNotFound => "没有找到该令牌。",
        DailyQuotaExceeded => "该密钥今日的调用次数已用完，北京时间零点重置。",
        PersonalDataInText => "文字中含有疑似身份证号码或手机号码；个人信息不得写入公开文字。",
        RequestTimeout => "提交内容的传输中断过久，未被接收，请重新提交。",
        ServerTimeout => "处理超时，未作任何修改，请稍后再试。",
        Overloaded => "服务繁忙，请稍后再试。",
        MetricsDisabled => "此地址不提供监控指标。",
        TooManyFilings => {
            "该条目的申请过多（您的申请尚在办理中，或今日申请已达上限），请稍后再试。"
        }
        NoStanding => "申请人提供的主体名称和代码（或姓名和身份证号码）与该条目不符。",
        IdNumberInUrl => "身份证号码不能放在网址中，请通过表单提交。",
        PersonLookupThrottled => "对该姓名的查询今日已达上限，请明日再试。",
        ReindexRunning => "搜索索引正在重建，请等待本次完成后再发起。",
        DocumentNotFound => "没有找到该验证码对应的报告或证明，请核对后重新输入。",
        ReportNeedsStanding => "自然人的信用报告仅向本人出具，请填写本人姓名和身份证号码。",
        TooManyReports => "出具报告过于频繁，请稍后再试。",
        PdfUnavailable => "暂时无法生成 PDF 报告，请使用网页版或 JSON 版报告。",
        InvalidDocument => "该文件不是本网站出具的带签名的报告（JSON 或 PDF）。",
    }
}

/// The message a reader sees for an error: the Chinese sentence, then the error's own precise
/// message without the field name it starts with (the message sits beside that field).
pub fn shown(code: ErrorCode, message: &str) -> String {
    with_detail(code, detail_of(strip_field(message)))
}

/// Like [`shown`], for a message shown away from its field (a banner): the field's name is kept
/// in front of the detail, e.g. `申请的必填项为空或内容不对（answer：此项必填）。`.
pub fn shown_in_banner(code: ErrorCode, message: &str) -> String {
    let detail = detail_of(strip_field(message));
    match field_of(message) {
        Some(field) if !detail.is_empty() => with_detail(code, &format!("{field}：{detail}")),
        _ => with_detail(code, detail),
    }
}

fn with_detail(code: ErrorCode, detail: &str) -> String {
    let sentence = zh(code);
    if detail.is_empty() {
        sentence.to_owned()
    } else {
        let bare = sentence.strip_suffix('。').unwrap_or(sentence);
        format!("{bare}（{detail}）。")
    }
}

/// The detail of a message, without its closing full stop; the input layer's "required." in
/// Chinese.
fn detail_of(detail: &str) -> &str {
    match detail.trim().trim_end_matches('.') {
        "required" => "此项必填",
        d => d,
    }
}

/// The field a message begins with, as `` `field`: ``.
fn field_of(message: &str) -> Option<&str> {
    message
        .strip_prefix('`')
        .and_then(|rest| rest.find("`:").map(|end| &rest[..end]))
}

/// `message` without a leading `` `field`: ``.
fn strip_field(message: &str) -> &str {
    message
        .strip_prefix('`')
        .and_then(|rest| rest.find("`:").map(|end| &rest[end + 2..]))
        .unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_sentence_ending_in_a_full_stop() {
        for code in ErrorCode::ALL {
            let s = zh(*code);
            assert!(s.ends_with('。'), "{}: {s}", code.as_str());
        }
    }

    #[test]
    fn the_field_name_is_dropped_and_the_detail_kept() {
        assert_eq!(
            shown(ErrorCode::InvalidEntryField, "`facts`: must not be empty"),
            "必填项为空或内容过长（must not be empty）。"
        );
        assert_eq!(
            shown(ErrorCode::Forbidden, ""),
            "您的账号角色不能进行此操作。"
        );
    }

    #[test]
    fn a_banner_keeps_the_field_and_required_reads_in_chinese() {
        assert_eq!(
            shown(ErrorCode::InvalidEntryField, "`facts`: required."),
            "必填项为空或内容过长（此项必填）。"
        );
        assert_eq!(
            shown_in_banner(ErrorCode::InvalidEntryField, "`facts`: required."),
            "必填项为空或内容过长（facts：此项必填）。"
        );
        assert_eq!(
            shown_in_banner(ErrorCode::InvalidEntryField, "no field here."),
            "必填项为空或内容过长（no field here）。"
        );
    }
}
