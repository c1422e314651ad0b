//! Markdown for exposure notices, rendered safely: raw HTML in the source is shown as text, and
//! only http(s), mailto and site-relative links survive. No HTML sanitiser is needed because no
//! HTML from the source ever reaches the output.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with('#')
}

/// Renders Markdown to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::Borrowed("#"),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::Borrowed("#"),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

/// Plain text of Markdown (for search documents and summaries), whitespace collapsed.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped_not_executed() {
        let html = render("## 基本案情\n\n<script>alert(1)</script> <img src=x onerror=alert(1)>");
        assert!(html.contains("<h2>基本案情</h2>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn dangerous_links_are_neutralised() {
        let html = render("[a](javascript:alert(1)) [b](https://example.org/x) [c](/subjects/1)");
        assert!(!html.contains("javascript:"));
        assert!(html.contains("href=\"https://example.org/x\""));
        assert!(html.contains("href=\"/subjects/1\""));
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(plain_text("## 标题\n\n**粗体** 文本"), "标题 粗体 文本");
    }
}
