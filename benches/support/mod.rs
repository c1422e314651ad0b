//! What the benches share: generated codes, the import file, the agency it is imported for.

use std::io::Write as _;
use xinyong::domain::{RegionCode, Uscc};
use xinyong::state::AppState;

/// The code of the agency the generated records are imported for.
pub const AGENCY_USCC: &str = "11610700MB2961796E";

/// The headings of an import file.
pub const HEADINGS: &str = "主体类别,主体名称,统一社会信用代码,名单类型,名单名称,失信等级,列入事由,认定依据,认定部门,决定文书号,认定日期";

/// The `n`-th code of region 610702 whose organisation body starts with the two characters
/// `prefix` (distinct prefixes give distinct sets, none of them the synthetic seed's).
pub fn uscc(prefix: &str, n: u64) -> Result<String, Box<dyn std::error::Error>> {
    let alphabet: Vec<char> = "0123456789ABCDEFGHJKLMNPQRTUWXY".chars().collect();
    let mut rest = n;
    let mut symbols = ['0'; 6];
    for s in symbols.iter_mut().rev() {
        *s = alphabet[(rest % 31) as usize];
        rest /= 31;
    }
    let body: String = prefix.chars().chain(symbols).collect();
    let region = RegionCode::parse("610702")?;
    Ok(Uscc::from_parts('9', '1', &region, &body)?
        .as_str()
        .to_owned())
}

/// A CSV of `n` black-list rows with the Chinese headings, each a new company coded with
/// `prefix`.
pub fn write_import_csv(
    path: &std::path::Path,
    n: u64,
    prefix: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "\u{feff}{HEADINGS}")?;
    for i in 0..n {
        writeln!(
            out,
            "法人,汉中市导入测试第{i}号有限公司,{},黑名单,重大税收违法失信主体,严重,虚开增值税专用发票,《重大税收违法失信主体信息公布管理办法》第六条,国家税务总局汉中市税务局,汉税稽罚〔2026〕{i}号,2026-05-01",
            uscc(prefix, i)?
        )?;
    }
    out.flush()?;
    Ok(())
}

/// Registers the tax bureau as a trusted agency, the one the import file is for.
pub async fn create_tax_agency(state: &AppState) -> Result<(), Box<dyn std::error::Error>> {
    let txn = xinyong::db::begin_write(&state.db).await?;
    let agency = xinyong::input::agencies::AgencyIn {
        name: "国家税务总局汉中市税务局".into(),
        uscc: AGENCY_USCC.into(),
        trusted: true,
        authorities: None,
    }
    .parse()
    .map_err(|e| e.message)?;
    xinyong::services::agencies::create(&txn, &state.write_ctx("bench".into()), agency)
        .await
        .map_err(|e| e.message)?;
    txn.commit().await?;
    Ok(())
}
