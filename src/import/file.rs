//! The file side of an import: a CSV or xlsx sheet of list records, read into a [`Table`], mapped
//! row by row to the partner batch API's `{subject, entry}` record by [`Columns`], and the refused
//! rows written back by [`write_rejected`] for the agency to fix and import again.

use std::borrow::Cow;
use std::fmt::Display;
use std::fs::File;
use std::io::{self, BufWriter, Cursor, Write};
use std::iter::once;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use calamine::{Data, Reader, Xlsx, XlsxError};
use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use crate::domain::{ListKind, Severity, SubjectKind, UnknownValue};

/// The heading [`write_rejected`] gives the original line number; ignored when read back.
pub const LINE_HEADING: &str = "行号";
/// The heading [`write_rejected`] gives the reason a row was refused; ignored when read back.
pub const REASON_HEADING: &str = "错误原因";

/// Headings accepted and ignored: the data source is always the importing agency, and the
/// columns [`write_rejected`] adds.
const IGNORED: &[&str] = &[
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "source_name",
    "source_uscc",
    LINE_HEADING,
    REASON_HEADING,
];

/// A table read from a file: headings as written, and data rows with their line numbers
/// (1-based, as a spreadsheet user sees them: the heading row is line 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The headings, trimmed, without trailing empty ones.
    pub headings: Vec<String>,
    /// The data rows that are not completely empty.
    pub rows: Vec<Row>,
}

/// One data row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The spreadsheet row number (the heading row is 1 when it is the first row).
    pub line: usize,
    /// The cells, trimmed, one per heading.
    pub cells: Vec<String>,
}

/// Why a file cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Neither `.csv` nor `.xlsx`.
    #[error("`{path}`: import reads .csv and .xlsx files only (save the sheet as one of these)")]
    Extension {
        /// The file.
        path: PathBuf,
    },
    /// Not a workbook that can be read.
    #[error("cannot read `{path}` as an xlsx workbook: {source}")]
    Xlsx {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: XlsxError,
    },
    /// Not well-formed CSV.
    #[error("`{path}`: bad CSV: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
    /// No heading row: the file or its first worksheet is empty.
    #[error("`{path}` is empty: no heading row")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A row has values beyond the last heading.
    #[error("`{path}`, line {line}: {cells} cells but only {headings} headings")]
    LongRow {
        /// The file.
        path: PathBuf,
        /// The row's line.
        line: usize,
        /// Cells up to the last non-empty one.
        cells: usize,
        /// Headings.
        headings: usize,
    },
    /// An empty heading between others.
    #[error("column {column} has no heading")]
    BlankHeading {
        /// The column, from 1.
        column: usize,
    },
    /// Two headings give the same field.
    #[error("headings `{first}` and `{second}` both give `{field}`")]
    DuplicateHeading {
        /// The first of them.
        first: String,
        /// The repeat.
        second: String,
        /// The field.
        field: &'static str,
    },
    /// Required headings are missing.
    #[error("missing required headings: {}", .missing.join(", "))]
    MissingHeadings {
        /// Every missing heading, in the usual column order.
        missing: Vec<&'static str>,
    },
    /// A heading that is none of the accepted ones.
    #[error(
        "unknown heading `{heading}`; accepted headings: {}, or the field names such as `uscc`",
        accepted_headings()
    )]
    UnknownHeading {
        /// The heading as written.
        heading: String,
    },
}

/// Reads the file: `.csv` (UTF-8 with or without a BOM, else GB18030 as Excel in China saves it)
/// or `.xlsx` (the first worksheet). The first non-empty row holds the headings; completely empty
/// rows are skipped; cells are trimmed (full-width spaces too); rows shorter than the headings
/// are padded with empty cells, and a row with values beyond the last heading is an error.
/// Worksheet numbers read as typed (`20260310`, not `20260310.0`) and date cells as `YYYY-MM-DD`;
/// Excel keeps only 15 significant digits of a number, so an 18-digit ID number typed as a number
/// has already lost digits: such columns must be typed (or formatted) as text.
///
/// # Errors
///
/// A [`FileError`] naming the file when it cannot be read, is neither kind, is empty, or has a row
/// longer than its headings.
pub fn read_table(path: &Path) -> Result<Table, FileError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let csv = match extension.as_deref() {
        Some("csv") => true,
        Some("xlsx") => false,
        _ => return Err(FileError::Extension { path: path.into() }),
    };
    let bytes = std::fs::read(path).map_err(|source| FileError::Read {
        path: path.into(),
        source,
    })?;
    let rows = if csv {
        csv_rows(&decode(&bytes)).map_err(|source| FileError::Csv {
            path: path.into(),
            source,
        })?
    } else {
        xlsx_rows(bytes).map_err(|source| FileError::Xlsx {
            path: path.into(),
            source,
        })?
    };
    table(path, rows)
}

/// UTF-8 (a BOM dropped) when the bytes are valid UTF-8, otherwise GB18030.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0,
    }
}

/// The records of a CSV text with the row numbers Excel shows for them.
fn csv_rows(text: &str) -> Result<Vec<(usize, Vec<String>)>, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let (mut rows, mut record) = (Vec::new(), csv::StringRecord::new());
    let (mut line, mut end) = (0, 1);
    while reader.read_record(&mut record)? {
        // The reader skips blank lines, which Excel shows as empty rows, and counts the line
        // breaks inside quoted cells, which Excel shows within one row.
        let position = reader.position();
        let breaks: usize = record.iter().map(|cell| cell.matches('\n').count()).sum();
        let terminated = position.byte() < text.len() as u64 || text.ends_with('\n');
        let spanned = usize::try_from(position.line() - end).unwrap_or(0);
        line += spanned.saturating_sub(breaks + usize::from(terminated)) + 1;
        end = position.line();
        rows.push((line, record.iter().map(str::to_owned).collect()));
    }
    Ok(rows)
}

/// The rows of the first worksheet, with their row numbers.
fn xlsx_rows(bytes: Vec<u8>) -> Result<Vec<(usize, Vec<String>)>, XlsxError> {
    let mut book = Xlsx::new(Cursor::new(bytes))?;
    let Some(range) = book.worksheet_range_at(0).transpose()? else {
        return Ok(Vec::new());
    };
    let first = range.start().map_or(0, |(row, _)| row as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first + i + 1, cells.iter().map(cell_text).collect()))
        .collect())
}

/// A worksheet cell as text. A number is written without `.0` or an exponent, so a code typed
/// as a number reads as typed; but Excel keeps only 15 significant digits, so an 18-digit ID
/// number or code entered as a number has already lost its last digits: such columns must be
/// formatted as text. A date or date-time cell (a serial day number in the workbook's 1900 or
/// 1904 date system) gives its date as `YYYY-MM-DD`, the time dropped.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::DateTime(value) if value.is_datetime() => {
            let (year, month, day, ..) = value.to_ymd_hms_milli();
            format!("{year:04}-{month:02}-{day:02}")
        }
        Data::DateTimeIso(value) => value.split('T').next().unwrap_or(value).to_owned(),
        // `Display` for `f64` prints 20260310.0 as `20260310` and never uses an exponent.
        other => other.to_string(),
    }
}

/// Trims the cells, drops empty rows, takes the first row as headings and checks the rest.
fn table(path: &Path, rows: Vec<(usize, Vec<String>)>) -> Result<Table, FileError> {
    let mut rows = rows
        .into_iter()
        .map(|(line, cells)| Row {
            line,
            cells: cells.iter().map(|c| c.trim().to_owned()).collect(),
        })
        .filter(|row| row.cells.iter().any(|c| !c.is_empty()));
    let mut headings = rows
        .next()
        .ok_or_else(|| FileError::Empty { path: path.into() })?
        .cells;
    while headings.last().is_some_and(String::is_empty) {
        headings.pop();
    }
    let rows = rows
        .map(|mut row| {
            let cells = row
                .cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |i| i + 1);
            if cells > headings.len() {
                return Err(FileError::LongRow {
                    path: path.into(),
                    line: row.line,
                    cells,
                    headings: headings.len(),
                });
            }
            row.cells.resize(headings.len(), String::new());
            Ok(row)
        })
        .collect::<Result<_, _>>()?;
    Ok(Table { headings, rows })
}

/// Which half of the record a field belongs to.
#[derive(Clone, Copy)]
enum Part {
    Subject,
    Entry,
}

/// How a cell is read.
#[derive(Clone, Copy)]
enum Form {
    Text,
    Kind,
    List,
    Severity,
    Date,
}

/// A field of the record and the headings that give it (the first is the usual one).
struct Field {
    part: Part,
    key: &'static str,
    form: Form,
    required: bool,
    headings: &'static [&'static str],
}

const fn field(
    part: Part,
    key: &'static str,
    form: Form,
    required: bool,
    headings: &'static [&'static str],
) -> Field {
    Field {
        part,
        key,
        form,
        required,
        headings,
    }
}

/// Every field, in the usual column order.
#[rustfmt::skip]
const FIELDS: &[Field] = {
    use Form::{Date, Kind, List, Severity, Text};
    use Part::{Entry, Subject};
    &[
        field(Subject, "kind", Kind, true, &["主体类别"]),
        field(Subject, "name", Text, true, &["主体名称", "名称", "企业名称", "姓名"]),
        field(Subject, "uscc", Text, false, &["统一社会信用代码"]),
        field(Subject, "id_number", Text, false, &["身份证号码", "公民身份号码", "证件号码"]),
        field(Subject, "legal_representative", Text, false, &["法定代表人", "法定代表人（负责人）"]),
        field(Subject, "region_code", Text, false, &["行政区划代码"]),
        field(Subject, "address", Text, false, &["住所", "地址"]),
        field(Entry, "list", List, true, &["名单类型"]),
        field(Entry, "list_name", Text, false, &["名单名称"]),
        field(Entry, "severity", Severity, false, &["失信等级", "严重程度"]),
        field(Entry, "reason", Text, false, &["列入事由", "列入原因"]),
        field(Entry, "facts", Text, false, &["失信行为", "失信行为事实"]),
        field(Entry, "legal_basis", Text, false, &["认定依据", "列入依据"]),
        field(Entry, "authority_name", Text, true, &["认定部门", "认定部门名称"]),
        field(Entry, "authority_uscc", Text, false, &["认定部门统一社会信用代码"]),
        field(Entry, "document_number", Text, true, &["决定文书号", "文书号"]),
        field(Entry, "decision_date", Date, true, &["认定日期"]),
        field(Entry, "listing_date", Date, false, &["列入日期"]),
        field(Entry, "valid_from", Date, false, &["有效期自"]),
        field(Entry, "valid_until", Date, false, &["有效期至"]),
    ]
};

const KIND_LABELS: &[(&str, SubjectKind)] = &[
    ("法人", SubjectKind::LegalPerson),
    ("企业", SubjectKind::LegalPerson),
    ("企业法人", SubjectKind::LegalPerson),
    ("非法人组织", SubjectKind::OtherOrganisation),
    ("其他组织", SubjectKind::OtherOrganisation),
    ("个体工商户", SubjectKind::IndividualBusiness),
    ("自然人", SubjectKind::NaturalPerson),
];

const LIST_LABELS: &[(&str, ListKind)] = &[
    ("红名单", ListKind::Red),
    ("守信红名单", ListKind::Red),
    ("红", ListKind::Red),
    ("黑名单", ListKind::Black),
    ("失信黑名单", ListKind::Black),
    ("严重失信主体名单", ListKind::Black),
    ("黑", ListKind::Black),
    ("重点关注", ListKind::KeyAttention),
    ("重点关注名单", ListKind::KeyAttention),
];

const SEVERITY_LABELS: &[(&str, Severity)] = &[
    ("轻微", Severity::Minor),
    ("轻微失信", Severity::Minor),
    ("一般", Severity::General),
    ("一般失信", Severity::General),
    ("严重", Severity::Serious),
    ("严重失信", Severity::Serious),
];

/// The usual headings, for the unknown-heading message.
fn accepted_headings() -> String {
    let usual = FIELDS.iter().map(|f| f.headings[0]);
    usual
        .chain(IGNORED.iter().copied())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A heading compared without spaces, with ASCII parentheses as full-width ones and without the
/// `*` templates put on required columns.
fn normalise(heading: &str) -> String {
    heading
        .trim_matches(|c: char| c == '*' || c.is_whitespace())
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect()
}

/// The headings of a table mapped to the fields of a record, once for all its rows.
///
/// Headings `行号` and `错误原因`, written by [`write_rejected`], and the data source columns are
/// recognised and ignored, so a fixed rejected file imports again.
pub struct Columns {
    /// Column index, field, heading as written.
    columns: Vec<(usize, &'static Field, String)>,
}

impl Columns {
    /// Maps `headings` to fields.
    ///
    /// # Errors
    ///
    /// [`FileError::UnknownHeading`], [`FileError::BlankHeading`],
    /// [`FileError::DuplicateHeading`] or [`FileError::MissingHeadings`] (naming them all).
    pub fn new(headings: &[String]) -> Result<Columns, FileError> {
        let mut columns: Vec<(usize, &'static Field, String)> = Vec::new();
        for (i, heading) in headings.iter().enumerate() {
            let name = normalise(heading);
            if name.is_empty() {
                return Err(FileError::BlankHeading { column: i + 1 });
            }
            if IGNORED.contains(&name.as_str()) {
                continue;
            }
            let field = FIELDS
                .iter()
                .find(|f| f.key == name || f.headings.contains(&name.as_str()))
                .ok_or_else(|| FileError::UnknownHeading {
                    heading: heading.clone(),
                })?;
            if let Some((_, _, first)) = columns.iter().find(|(_, f, _)| f.key == field.key) {
                return Err(FileError::DuplicateHeading {
                    first: first.clone(),
                    second: heading.clone(),
                    field: field.key,
                });
            }
            columns.push((i, field, heading.trim().to_owned()));
        }
        let missing: Vec<_> = FIELDS
            .iter()
            .filter(|f| f.required && !columns.iter().any(|(_, c, _)| c.key == f.key))
            .map(|f| f.headings[0])
            .collect();
        if !missing.is_empty() {
            return Err(FileError::MissingHeadings { missing });
        }
        Ok(Columns { columns })
    }

    /// The record for one row, shaped `{"subject": {...}, "entry": {...}}` as the partner batch
    /// API's `RecordIn`: labels become codes, dates `YYYY-MM-DD`, empty cells are left out. The
    /// rest is checked by the API's own rules when the record is submitted.
    ///
    /// # Errors
    ///
    /// Every cell that cannot be understood (an unknown label, a date that is not one), each
    /// message naming the heading and the value, joined with `; `.
    pub fn record(&self, row: &Row) -> Result<Value, String> {
        let (mut subject, mut entry) = (Map::new(), Map::new());
        let mut errors = Vec::new();
        for (i, field, heading) in &self.columns {
            let cell = row.cells.get(*i).map_or("", |c| c.trim());
            if cell.is_empty() {
                continue;
            }
            match read_cell(field.form, cell) {
                Ok(value) => {
                    let part = match field.part {
                        Part::Subject => &mut subject,
                        Part::Entry => &mut entry,
                    };
                    part.insert(field.key.to_owned(), Value::String(value));
                }
                Err(why) => errors.push(format!("`{heading}`: `{cell}` {why}")),
            }
        }
        if errors.is_empty() {
            Ok(json!({ "subject": subject, "entry": entry }))
        } else {
            Err(errors.join("; "))
        }
    }
}

/// A non-empty cell as the API takes it, or why not.
fn read_cell(form: Form, cell: &str) -> Result<String, String> {
    match form {
        Form::Text => Ok(cell.to_owned()),
        Form::Kind => coded(cell, KIND_LABELS),
        Form::List => coded(cell, LIST_LABELS),
        Form::Severity => coded(cell, SEVERITY_LABELS),
        Form::Date => parse_date(cell)
            .map(|date| date.format("%Y-%m-%d").to_string())
            .ok_or_else(|| "is not a date; write it as 2026-03-10".to_owned()),
    }
}

/// The code of a label or of the code itself.
fn coded<T>(cell: &str, labels: &[(&str, T)]) -> Result<String, String>
where
    T: FromStr<Err = UnknownValue> + Display,
{
    match cell.parse::<T>() {
        Ok(value) => Ok(value.to_string()),
        Err(e) => labels
            .iter()
            .find(|(label, _)| *label == cell)
            .map(|(_, value)| value.to_string())
            .ok_or_else(|| {
                let labels: Vec<_> = labels.iter().map(|(label, _)| *label).collect();
                format!(
                    "is not one of {} (or the codes {})",
                    labels.join(", "),
                    e.expected.join(", ")
                )
            }),
    }
}

/// `2026-03-10`, `2026/3/10`, `2026.03.10`, `2026年3月10日` or `20260310`, optionally followed by
/// a time, which is dropped.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let (date, time) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    if !time
        .trim()
        .chars()
        .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
    {
        return None;
    }
    let (year, month, day) = if date.len() == 8 && digits(date) {
        (&date[..4], &date[4..6], &date[6..])
    } else {
        let date = date.strip_suffix('日').unwrap_or(date);
        let mut parts = date.split(['-', '/', '.', '年', '月']);
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(year), Some(month), Some(day), None) => (year, month, day),
            _ => return None,
        }
    };
    if year.len() != 4 || ![year, month, day].into_iter().all(digits) {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// Writes rows that were refused as UTF-8 CSV with a BOM (so Excel opens it): `行号` (the
/// original line) first, the original headings, and `错误原因` (the reason) last. The `行号` and
/// `错误原因` columns of a rejected file being imported again are replaced, not repeated.
///
/// Long digit strings (ID numbers, all-digit codes) are written after a tab, which Excel takes as
/// text instead of turning into a rounded number, and [`read_table`] trims away.
///
/// # Errors
///
/// When the file cannot be written.
pub fn write_rejected(
    path: &Path,
    headings: &[String],
    rejected: &[(Row, String)],
) -> io::Result<()> {
    let kept: Vec<usize> = (0..headings.len())
        .filter(|&i| ![LINE_HEADING, REASON_HEADING].contains(&normalise(&headings[i]).as_str()))
        .collect();
    let mut file = BufWriter::new(File::create(path)?);
    file.write_all(b"\xEF\xBB\xBF")?;
    let mut out = csv::Writer::from_writer(file);
    let kept_headings = kept.iter().map(|&i| headings[i].as_str());
    out.write_record(
        once(LINE_HEADING)
            .chain(kept_headings)
            .chain(once(REASON_HEADING)),
    )?;
    for (row, reason) in rejected {
        let cells = kept.iter().map(|&i| {
            let cell = row.cells.get(i).map_or("", String::as_str);
            if cell.len() > 11 && cell.bytes().all(|b| b.is_ascii_digit()) {
                format!("\t{cell}")
            } else {
                cell.to_owned()
            }
        });
        out.write_record(
            once(row.line.to_string())
                .chain(cells)
                .chain(once(reason.clone())),
        )?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};
    use std::path::PathBuf;
    use tempfile::TempDir;

    /// Three records on Excel rows 2, 5 and 6: a row of empty cells (row 3) and a blank line
    /// (row 4) are skipped, a quoted cell holds a line break (physical lines 5-6, one row), the
    /// last row is short.
    const CSV: &str = "主体类别,主体名称,统一社会信用代码,身份证号码,法定代表人（负责人）,名单类型,失信等级,列入事由,认定部门,决定文书号,认定日期,有效期至,数据来源单位
法人,\u{3000}汉中市天汉建设工程有限公司\u{3000},91610702MA6YL3K09Y,,张三,黑名单,严重失信,拒不履行生效判决,汉中市中级人民法院,(2026)陕07执123号,2026/3/10,,汉中市中级人民法院
,,,,,,,,,,,,

自然人,李四,,610702199001011234,,红名单,,\"见义勇为
先进个人\",汉中市精神文明建设指导委员会办公室,汉文明〔2026〕5号,2026年3月10日,2027-03-09,
个体工商户, 汉台区老王面馆 ,92610702MA6YL3K09Y,,王五,black,general,未按期履行,汉中市市场监督管理局,汉市监罚〔2026〕8号,20260310
";

    fn expected() -> Vec<Value> {
        vec![
            json!({
                "subject": {"kind": "legal_person", "name": "汉中市天汉建设工程有限公司",
                    "uscc": "91610702MA6YL3K09Y", "legal_representative": "张三"},
                "entry": {"list": "black", "severity": "serious", "reason": "拒不履行生效判决",
                    "authority_name": "汉中市中级人民法院", "document_number": "(2026)陕07执123号",
                    "decision_date": "2026-03-10"},
            }),
            json!({
                "subject": {"kind": "natural_person", "name": "李四", "id_number": "610702199001011234"},
                "entry": {"list": "red", "reason": "见义勇为\n先进个人",
                    "authority_name": "汉中市精神文明建设指导委员会办公室",
                    "document_number": "汉文明〔2026〕5号", "decision_date": "2026-03-10",
                    "valid_until": "2027-03-09"},
            }),
            json!({
                "subject": {"kind": "individual_business", "name": "汉台区老王面馆",
                    "uscc": "92610702MA6YL3K09Y", "legal_representative": "王五"},
                "entry": {"list": "black", "severity": "general", "reason": "未按期履行",
                    "authority_name": "汉中市市场监督管理局", "document_number": "汉市监罚〔2026〕8号",
                    "decision_date": "2026-03-10"},
            }),
        ]
    }

    fn write(dir: &TempDir, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write the fixture");
        path
    }

    fn records(table: &Table) -> Vec<Value> {
        let columns = Columns::new(&table.headings).expect("headings");
        let records = table.rows.iter().map(|row| columns.record(row));
        records.collect::<Result<_, _>>().expect("records")
    }

    fn headings(list: &str) -> Vec<String> {
        list.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn utf8_csv_with_bom_maps_to_the_records() {
        let dir = TempDir::new().expect("temp dir");
        let path = write(&dir, "list.csv", format!("\u{feff}{CSV}").as_bytes());
        let table = read_table(&path).expect("read");
        assert_eq!(table.headings[0], "主体类别");
        assert_eq!(
            table.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 5, 6]
        );
        assert!(
            table
                .rows
                .iter()
                .all(|r| r.cells.len() == table.headings.len())
        );
        assert_eq!(records(&table), expected());
    }

    #[test]
    fn gb18030_csv_reads_the_same() {
        let dir = TempDir::new().expect("temp dir");
        let utf8 = read_table(&write(&dir, "a.csv", CSV.as_bytes())).expect("utf-8");
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(CSV);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        let gb = read_table(&write(&dir, "b.CSV", &bytes)).expect("gb18030");
        assert_eq!(gb, utf8);
    }

    #[test]
    fn heading_errors_name_the_headings() {
        let missing = Columns::new(&headings("主体类别,名称,名单类型,认定部门名称")).err();
        let message = missing.expect("missing headings").to_string();
        assert!(message.contains("决定文书号, 认定日期"), "{message}");

        let unknown = Columns::new(&headings("主体类别,主体名称,备注")).err();
        let message = unknown.expect("unknown heading").to_string();
        assert!(
            message.contains("`备注`") && message.contains("统一社会信用代码"),
            "{message}"
        );

        let duplicate = Columns::new(&headings("主体名称,企业名称")).err();
        let message = duplicate.expect("duplicate heading").to_string();
        assert!(
            message.contains("`主体名称` and `企业名称` both give `name`"),
            "{message}"
        );
    }

    #[test]
    fn aliases_field_names_and_ignored_headings_are_accepted() {
        let list = "kind,name,uscc,法定代表人(负责人),list,authority_name,文书号,*认定日期,\
                    数据来源单位,数据来源单位统一社会信用代码,行号,错误原因";
        let columns = Columns::new(&headings(list)).expect("headings");
        let cells = "legal_person,某公司,91610702MA6YL3K09Y,张三,key_attention,某局,某号,2026-03-10,某局,X,9,旧原因";
        let row = Row {
            line: 2,
            cells: headings(cells),
        };
        let record = columns.record(&row).expect("record");
        assert_eq!(record["subject"]["legal_representative"], "张三");
        assert_eq!(record["entry"]["list"], "key_attention");
        assert_eq!(record["entry"].as_object().map(Map::len), Some(4));
    }

    #[test]
    fn cells_that_cannot_be_understood_are_named() {
        let columns = Columns::new(&headings(
            "主体类别,主体名称,名单类型,认定部门,决定文书号,认定日期",
        ))
        .expect("headings");
        let row = Row {
            line: 2,
            cells: headings("法人及其他组织,某,黑名单,某局,某号,2026-02-30"),
        };
        let message = columns.record(&row).expect_err("refused");
        assert!(
            message.contains("`主体类别`: `法人及其他组织` is not one of 法人"),
            "{message}"
        );
        assert!(
            message.contains("`认定日期`: `2026-02-30` is not a date"),
            "{message}"
        );
    }

    #[test]
    fn every_date_form() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 10);
        for form in [
            "2026-03-10",
            "2026/3/10",
            "2026.03.10",
            "2026年3月10日",
            "20260310",
            "2026-03-10 00:00:00",
        ] {
            assert_eq!(parse_date(form), date, "{form}");
        }
        for bad in [
            "2026-13-01",
            "26/3/10",
            "2026-03",
            "20261310",
            "2026-03-10 morning",
            "十日",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn worksheet_cells_as_text() {
        let date = |serial| {
            Data::DateTime(ExcelDateTime::new(
                serial,
                ExcelDateTimeType::DateTime,
                false,
            ))
        };
        assert_eq!(cell_text(&date(46091.0)), "2026-03-10");
        assert_eq!(
            cell_text(&date(46091.75)),
            "2026-03-10",
            "the time is dropped"
        );
        assert_eq!(cell_text(&date(25569.0)), "1970-01-01");
        assert_eq!(cell_text(&date(61.0)), "1900-03-01");
        // Excel's fake leap day gives text that is no date.
        assert_eq!(cell_text(&date(60.0)), "1900-02-29");
        assert_eq!(parse_date("1900-02-29"), None);
        let in_1904 = Data::DateTime(ExcelDateTime::new(
            44629.0,
            ExcelDateTimeType::DateTime,
            true,
        ));
        assert_eq!(cell_text(&in_1904), "2026-03-10");
        assert_eq!(cell_text(&Data::Float(20_260_310.0)), "20260310");
        assert_eq!(
            cell_text(&Data::Float(6.107_021_990_010_11e17)),
            "610702199001011000"
        );
        assert_eq!(cell_text(&Data::Float(0.5)), "0.5");
        assert_eq!(cell_text(&Data::Int(610_702)), "610702");
    }

    enum Cell {
        Text(String),
        Number(&'static str),
        Date(&'static str),
    }

    /// A minimal xlsx: inline strings, and style 1 a built-in date format.
    fn write_xlsx(path: &Path, rows: &[(usize, Vec<Cell>)]) {
        let mut sheet = String::from(concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        ));
        for (r, cells) in rows {
            sheet += &format!(r#"<row r="{r}">"#);
            for (i, cell) in cells.iter().enumerate() {
                let at = format!("{}{r}", char::from(b'A' + u8::try_from(i).expect("column")));
                sheet += &match cell {
                    Cell::Text(t) if t.is_empty() => continue,
                    Cell::Text(t) => {
                        format!(r#"<c r="{at}" t="inlineStr"><is><t>{t}</t></is></c>"#)
                    }
                    Cell::Number(v) => format!(r#"<c r="{at}"><v>{v}</v></c>"#),
                    Cell::Date(v) => format!(r#"<c r="{at}" s="1"><v>{v}</v></c>"#),
                };
            }
            sheet += "</row>";
        }
        sheet += "</sheetData></worksheet>";
        const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
        const DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        const TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml";
        let parts = [
            (
                "[Content_Types].xml",
                format!(
                    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPE}.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="{TYPE}.styles+xml"/></Types>"#
                ),
            ),
            (
                "_rels/.rels",
                format!(
                    r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/workbook.xml",
                format!(
                    r#"<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                format!(
                    r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{DOC}/styles" Target="styles.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/styles.xml",
                format!(
                    r#"<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"></xf><xf numFmtId="14" applyNumberFormat="1"></xf></cellXfs></styleSheet>"#
                ),
            ),
            ("xl/worksheets/sheet1.xml", sheet),
        ];
        let mut zip = zip::ZipWriter::new(File::create(path).expect("create"));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, content) in parts {
            zip.start_file(name, options).expect("start part");
            zip.write_all(content.as_bytes()).expect("write part");
        }
        zip.finish().expect("finish");
    }

    #[test]
    fn xlsx_reads_to_the_same_records() {
        let dir = TempDir::new().expect("temp dir");
        let csv = read_table(&write(&dir, "list.csv", CSV.as_bytes())).expect("csv");
        let date = csv
            .headings
            .iter()
            .position(|h| h == "认定日期")
            .expect("date column");
        // The headings on row 2 under an empty row 1; the three decision dates as a number, a
        // date cell and text.
        let dates = [
            Cell::Number("20260310"),
            Cell::Date("46091.5"),
            Cell::Text("2026.03.10".into()),
        ];
        let text = |cells: &[String]| {
            cells
                .iter()
                .map(|c| Cell::Text(c.clone()))
                .collect::<Vec<_>>()
        };
        let mut rows = vec![(2, text(&csv.headings))];
        for (i, (row, date_cell)) in csv.rows.iter().zip(dates).enumerate() {
            let mut cells = text(&row.cells);
            cells[date] = date_cell;
            rows.push((3 + i, cells));
        }
        let path = dir.path().join("list.xlsx");
        write_xlsx(&path, &rows);
        let table = read_table(&path).expect("xlsx");
        assert_eq!(table.headings, csv.headings);
        assert_eq!(
            table.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [3, 4, 5]
        );
        assert_eq!(records(&table), expected());
    }

    #[test]
    fn rejected_rows_import_again() {
        let dir = TempDir::new().expect("temp dir");
        let table = read_table(&write(&dir, "list.csv", CSV.as_bytes())).expect("csv");
        let rejected: Vec<_> = table
            .rows
            .iter()
            .map(|r| (r.clone(), "`uscc`: 校验码错误".to_owned()))
            .collect();
        let path = dir.path().join("rejected.csv");
        write_rejected(&path, &table.headings, &rejected).expect("write");
        assert!(
            std::fs::read(&path)
                .expect("read")
                .starts_with(b"\xEF\xBB\xBF")
        );

        let again = read_table(&path).expect("re-read");
        assert_eq!(
            again.headings.first().map(String::as_str),
            Some(LINE_HEADING)
        );
        assert_eq!(
            again.headings.last().map(String::as_str),
            Some(REASON_HEADING)
        );
        assert_eq!(
            again.rows.iter().map(|r| &r.cells[0]).collect::<Vec<_>>(),
            ["2", "5", "6"]
        );
        assert_eq!(records(&again), expected());

        // Rejected again: one line and one reason column, the line now in the rejected file.
        let rejected: Vec<_> = again
            .rows
            .iter()
            .map(|r| (r.clone(), "again".to_owned()))
            .collect();
        write_rejected(&path, &again.headings, &rejected).expect("write again");
        let third = read_table(&path).expect("re-read again");
        assert_eq!(third.headings, again.headings);
        assert_eq!(third.rows[0].cells[0], "2");
        assert_eq!(records(&third), expected());
    }

    #[test]
    fn file_errors() {
        let dir = TempDir::new().expect("temp dir");
        let long = write(
            &dir,
            "long.csv",
            "主体类别,主体名称\n法人,某,多余\n".as_bytes(),
        );
        let message = read_table(&long).expect_err("long row").to_string();
        assert!(
            message.contains("line 2: 3 cells but only 2 headings"),
            "{message}"
        );
        let trailing = write(
            &dir,
            "trailing.csv",
            "主体类别,主体名称,,\n法人,某,,\n".as_bytes(),
        );
        assert_eq!(
            read_table(&trailing)
                .expect("trailing commas")
                .headings
                .len(),
            2
        );
        let xls = write(&dir, "list.xls", b"");
        assert!(matches!(read_table(&xls), Err(FileError::Extension { .. })));
        let empty = write(&dir, "empty.csv", b",,\n\n");
        assert!(matches!(read_table(&empty), Err(FileError::Empty { .. })));
        let absent = dir.path().join("absent.csv");
        assert!(matches!(read_table(&absent), Err(FileError::Read { .. })));
        let broken = write(&dir, "broken.xlsx", b"not a zip");
        assert!(matches!(read_table(&broken), Err(FileError::Xlsx { .. })));
    }
}
