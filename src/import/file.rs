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
mod tests;
