//! Reading CSV and xlsx files, mapping their headings, and writing the rejected rows.
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
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
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
