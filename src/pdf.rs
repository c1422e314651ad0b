//! PDF documents of Chinese text: A4 pages of wrapped paragraphs in one embedded CJK font, a QR
//! code, and the signed JSON attached as a file, so that a saved PDF can be verified offline.
//!
//! Written with `pdf-writer` (the PDF layer of the Typst typesetter: small, no dependencies,
//! actively maintained) and `subsetter` (Typst's font subsetter), so that a report carries only
//! the few hundred glyphs it uses instead of a 20 MB font. Text is written as a CID font with
//! Identity-H encoding and a ToUnicode map, so it can be copied and searched (and `pdftotext`
//! reads it back).

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A4, in points.
const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;

/// Where a CJK font is commonly installed, tried in order when none is configured.
const FONT_CANDIDATES: [&str; 5] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

/// A font loaded for embedding.
pub struct Font {
    data: Arc<Vec<u8>>,
    index: u32,
    cff: bool,
    name: String,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("name", &self.name)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl Font {
    /// Loads the configured font, or the first usual one present; `Err` says what was tried.
    pub fn find(configured: Option<&Path>) -> Result<Self, String> {
        let candidates: Vec<PathBuf> = match configured {
            Some(path) => vec![path.to_owned()],
            None => FONT_CANDIDATES.iter().map(PathBuf::from).collect(),
        };
        let mut tried = Vec::new();
        for path in &candidates {
            match std::fs::read(path) {
                Ok(data) => match Self::from_bytes(data) {
                    Ok(font) => return Ok(font),
                    Err(e) => tried.push(format!("{}: {e}", path.display())),
                },
                Err(e) => tried.push(format!("{}: {e}", path.display())),
            }
        }
        Err(format!(
            "no CJK font could be loaded ({})",
            tried.join("; ")
        ))
    }

    /// A font from its file's bytes (a collection's simplified-Chinese face when it has one).
    pub fn from_bytes(data: Vec<u8>) -> Result<Self, String> {
        let faces = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        let mut chosen = None;
        for index in 0..faces {
            let Ok(face) = ttf_parser::Face::parse(&data, index) else {
                continue;
            };
            if face.glyph_index('中').is_none() {
                continue;
            }
            let name = face
                .names()
                .into_iter()
                .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
                .find_map(|n| n.to_string())
                .unwrap_or_else(|| format!("CJK{index}"));
            let simplified = name.contains("SC") || name.contains("CN") || name.contains("GB");
            let cff = face.tables().cff.is_some();
            if chosen.is_none() || simplified {
                chosen = Some((index, cff, name));
            }
            if simplified {
                break;
            }
        }
        let (index, cff, name) = chosen.ok_or("no face with Chinese glyphs")?;
        Ok(Self {
            data: Arc::new(data),
            index,
            cff,
            name,
        })
    }
}

/// One block of a document, laid out top to bottom.
#[derive(Clone, Debug)]
pub enum Block {
    /// The document's title, centred.
    Title(String),
    /// A section heading.
    Heading(String),
    /// A paragraph.
    Text(String),
    /// A label and its value on one line (wrapped under the value).
    Field(String, String),
    /// Small grey text.
    Note(String),
    /// A QR code of the text, with a caption beside it.
    Qr(String, Vec<String>),
    /// Vertical space.
    Gap,
}

/// A document to write.
#[derive(Clone, Debug)]
pub struct Document {
    /// Title in the document's properties.
    pub title: String,
    /// What it shows.
    pub blocks: Vec<Block>,
    /// Text printed at the foot of every page (with the page number).
    pub footer: String,
    /// Name and content of the attached file.
    pub attachment: (String, Vec<u8>),
}

struct Line {
    page: usize,
    x: f32,
    y: f32,
    size: f32,
    grey: bool,
    text: String,
}

struct Layout<'f> {
    face: &'f ttf_parser::Face<'f>,
    upem: f32,
    pages: usize,
    y: f32,
    lines: Vec<Line>,
    qrs: Vec<(usize, f32, f32, f32, qrcode::QrCode)>,
}

impl Layout<'_> {
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .and_then(|g| self.face.glyph_hor_advance(g))
                    .map_or(size, |a| f32::from(a) * size / self.upem)
            })
            .sum()
    }

    fn need(&mut self, height: f32) {
        if self.y - height < MARGIN + 20.0 {
            self.pages += 1;
            self.y = PAGE_H - MARGIN;
        }
    }

    /// Breaks `text` into lines no wider than `width` (CJK text breaks anywhere; a line break in
    /// the text starts a new line).
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut out = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut w = 0.0;
            for c in para.chars() {
                let cw = self.width(c.encode_utf8(&mut [0; 4]), size);
                if w + cw > width && !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                    w = 0.0;
                }
                line.push(c);
                w += cw;
            }
            out.push(line);
        }
        out
    }

    fn text(&mut self, x: f32, text: &str, size: f32, grey: bool, width: f32) {
        for l in self.wrap(text, size, width) {
            let leading = size * 1.5;
            self.need(leading);
            self.y -= leading;
            self.lines.push(Line {
                page: self.pages - 1,
                x,
                y: self.y,
                size,
                grey,
                text: l,
            });
        }
    }

    fn block(&mut self, block: &Block) {
        let full = PAGE_W - 2.0 * MARGIN;
        match block {
            Block::Title(t) => {
                let size = 20.0;
                let x = (PAGE_W - self.width(t, size)) / 2.0;
                self.text(x.max(MARGIN), t, size, false, full);
                self.y -= 8.0;
            }
            Block::Heading(t) => {
                // Kept with what follows it: never the last line of a page.
                self.need(60.0);
                self.y -= 6.0;
                self.text(MARGIN, t, 13.0, false, full);
            }
            Block::Text(t) => self.text(MARGIN, t, 10.5, false, full),
            Block::Note(t) => self.text(MARGIN, t, 8.5, true, full),
            Block::Field(label, value) => {
                let size = 10.5;
                let indent = 110.0;
                let lines = self.wrap(value, size, full - indent);
                for (i, l) in lines.iter().enumerate() {
                    let leading = size * 1.5;
                    self.need(leading);
                    self.y -= leading;
                    if i == 0 {
                        self.lines.push(Line {
                            page: self.pages - 1,
                            x: MARGIN,
                            y: self.y,
                            size,
                            grey: true,
                            text: label.clone(),
                        });
                    }
                    self.lines.push(Line {
                        page: self.pages - 1,
                        x: MARGIN + indent,
                        y: self.y,
                        size,
                        grey: false,
                        text: l.clone(),
                    });
                }
            }
            Block::Qr(data, caption) => {
                let Ok(code) = qrcode::QrCode::new(data.as_bytes()) else {
                    return;
                };
                let side = 96.0;
                self.need(side + 8.0);
                let top = self.y - 4.0;
                self.qrs
                    .push((self.pages - 1, MARGIN, top - side, side, code));
                let saved = self.y;
                for c in caption {
                    self.y -= 9.0 * 1.5;
                    self.lines.push(Line {
                        page: self.pages - 1,
                        x: MARGIN + side + 14.0,
                        y: self.y,
                        size: 9.0,
                        grey: false,
                        text: c.clone(),
                    });
                }
                self.y = (saved - side - 8.0).min(self.y);
            }
            Block::Gap => self.y -= 8.0,
        }
    }
}

/// Finds the JSON a PDF written by [`write`] carries: the data of its embedded-file stream.
pub fn embedded_json(pdf: &[u8]) -> Option<&[u8]> {
    if !pdf.starts_with(b"%PDF-") {
        return None;
    }
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    // The stream's own dictionary (`/Type /EmbeddedFile`), not the catalog's `/EmbeddedFiles`.
    let needle = b"/Type /EmbeddedFile";
    let mut from = 0;
    let at = loop {
        let at = from + find(&pdf[from..], needle)?;
        if pdf.get(at + needle.len()) != Some(&b's') {
            break at;
        }
        from = at + needle.len();
    };
    let rest = &pdf[at..];
    let s = find(rest, b"stream")? + b"stream".len();
    let rest = &rest[s..];
    let rest = rest
        .strip_prefix(b"\r\n")
        .or_else(|| rest.strip_prefix(b"\n"))?;
    Some(rest)
}

/// Writes the document as PDF.
pub fn write(font: &Font, doc: &Document) -> Result<Vec<u8>, String> {
    let face = ttf_parser::Face::parse(&font.data, font.index).map_err(|e| e.to_string())?;
    let upem = f32::from(face.units_per_em());
    let mut layout = Layout {
        face: &face,
        upem,
        pages: 1,
        y: PAGE_H - MARGIN,
        lines: Vec::new(),
        qrs: Vec::new(),
    };
    for b in &doc.blocks {
        layout.block(b);
    }
    let pages = layout.pages;
    let footers: Vec<String> = (1..=pages)
        .map(|p| format!("{}    第 {p} 页 / 共 {pages} 页", doc.footer))
        .collect();
    for (p, f) in footers.iter().enumerate() {
        layout.lines.push(Line {
            page: p,
            x: MARGIN,
            y: MARGIN - 16.0,
            size: 8.0,
            grey: true,
            text: f.clone(),
        });
    }

    // Glyphs: .notdef first, then every character used, in order of first use.
    let mut remapper = subsetter::GlyphRemapper::new();
    remapper.remap(0);
    let mut chars: Vec<(u16, char)> = Vec::new();
    for line in &layout.lines {
        for c in line.text.chars() {
            let gid = face.glyph_index(c).map_or(0, |g| g.0);
            let new = remapper.remap(gid);
            if !chars.iter().any(|(g, _)| *g == new) {
                chars.push((new, c));
            }
        }
    }
    let subset =
        subsetter::subset(&font.data, font.index, &remapper).map_err(|e| format!("{e:?}"))?;

    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog_id = alloc();
    let tree_id = alloc();
    let info_id = alloc();
    let type0_id = alloc();
    let cid_id = alloc();
    let descriptor_id = alloc();
    let cmap_id = alloc();
    let file_id = alloc();
    let spec_id = alloc();
    let attachment_id = alloc();
    let page_ids: Vec<(Ref, Ref)> = (0..pages).map(|_| (alloc(), alloc())).collect();

    let mut pdf = Pdf::new();
    let attachment_name = doc.attachment.0.as_bytes();
    {
        let mut catalog = pdf.catalog(catalog_id);
        catalog.pages(tree_id);
        catalog
            .names()
            .embedded_files()
            .names()
            .insert(Str(attachment_name), spec_id);
        catalog.finish();
    }
    pdf.pages(tree_id)
        .kids(page_ids.iter().map(|(p, _)| *p))
        .count(i32::try_from(pages).unwrap_or(i32::MAX));
    pdf.document_info(info_id)
        .title(TextStr(&doc.title))
        .producer(TextStr("Xinyong"));

    let base = format!("XYSUBS+{}", font.name.replace(' ', ""));
    let base = Name(base.as_bytes());
    {
        let mut type0 = pdf.type0_font(type0_id);
        type0.base_font(base);
        type0.encoding_predefined(Name(b"Identity-H"));
        type0.descendant_font(cid_id);
        type0.to_unicode(cmap_id);
    }
    let info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    {
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(if font.cff {
            CidFontType::Type0
        } else {
            CidFontType::Type2
        });
        cid.base_font(base);
        cid.system_info(info);
        cid.font_descriptor(descriptor_id);
        cid.default_width(1000.0);
        if !font.cff {
            cid.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        let widths: Vec<f32> = remapper
            .remapped_gids()
            .map(|old| {
                face.glyph_hor_advance(ttf_parser::GlyphId(old))
                    .map_or(1000.0, |a| f32::from(a) * 1000.0 / upem)
            })
            .collect();
        cid.widths().consecutive(0, widths);
    }
    {
        let bbox = face.global_bounding_box();
        let scale = |v: i16| f32::from(v) * 1000.0 / upem;
        let mut fd = pdf.font_descriptor(descriptor_id);
        fd.name(base)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                scale(bbox.x_min),
                scale(bbox.y_min),
                scale(bbox.x_max),
                scale(bbox.y_max),
            ))
            .italic_angle(0.0)
            .ascent(scale(face.ascender()))
            .descent(scale(face.descender()))
            .cap_height(scale(face.capital_height().unwrap_or(face.ascender())))
            .stem_v(80.0);
        if font.cff {
            fd.font_file3(file_id);
        } else {
            fd.font_file2(file_id);
        }
    }
    {
        let mut cmap = UnicodeCmap::new(Name(b"Xinyong-UTF16"), info);
        for (gid, c) in &chars {
            cmap.pair(*gid, *c);
        }
        pdf.cmap(cmap_id, &cmap.finish());
    }
    {
        let mut stream = pdf.stream(file_id, &subset);
        if font.cff {
            stream.pair(Name(b"Subtype"), Name(b"OpenType"));
        } else {
            stream.pair(Name(b"Length1"), i32::try_from(subset.len()).unwrap_or(0));
        }
    }
    pdf.file_spec(spec_id)
        .path(Str(attachment_name))
        .unic_file(TextStr(&doc.attachment.0))
        .description(TextStr("签名数据（用于离线验证）"))
        .embedded_file(attachment_id);
    pdf.embedded_file(attachment_id, &doc.attachment.1)
        .subtype(Name(b"application/json"));

    for (p, (page_id, content_id)) in page_ids.iter().enumerate() {
        let mut content = Content::new();
        for (_, x, y, side, code) in layout.qrs.iter().filter(|q| q.0 == p) {
            let width = code.width();
            let module = side / width as f32;
            content.set_fill_rgb(0.0, 0.0, 0.0);
            for (i, color) in code.to_colors().iter().enumerate() {
                if *color == qrcode::Color::Dark {
                    let (cx, cy) = (i % width, i / width);
                    content.rect(
                        x + cx as f32 * module,
                        y + side - (cy + 1) as f32 * module,
                        module,
                        module,
                    );
                }
            }
            content.fill_nonzero();
        }
        for line in layout.lines.iter().filter(|l| l.page == p) {
            let bytes: Vec<u8> = line
                .text
                .chars()
                .flat_map(|c| {
                    let gid = face.glyph_index(c).map_or(0, |g| g.0);
                    remapper.get(gid).unwrap_or(0).to_be_bytes()
                })
                .collect();
            let shade = if line.grey { 0.4 } else { 0.0 };
            content.set_fill_rgb(shade, shade, shade);
            content.begin_text();
            content.set_font(Name(b"F1"), line.size);
            content.next_line(line.x, line.y);
            content.show(Str(&bytes));
            content.end_text();
        }
        pdf.stream(*content_id, &content.finish());
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree_id);
        page.contents(*content_id);
        page.resources().fonts().pair(Name(b"F1"), type0_id);
    }
    Ok(pdf.finish())
}
