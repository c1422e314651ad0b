//! Material files (证明材料) uploaded with a credit-repair application from the web form: what
//! may be uploaded (PDF, JPG or PNG, told from the content's first bytes, never from the name or
//! the declared type), how many and how large, and the name kept for the office.

use serde::{Deserialize, Serialize};

/// Most files one application may carry.
pub const MAX_FILES: usize = 5;
/// Largest file, in bytes (10 MB).
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Longest original name kept, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Bytes of a file's beginning that [`sniff`] needs.
pub const HEAD_BYTES: usize = 8;

/// A file type that may be uploaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaterialType {
    /// `%PDF-`.
    Pdf,
    /// `\x89PNG\r\n\x1a\n`.
    Png,
    /// `\xFF\xD8\xFF`.
    Jpeg,
}

impl MaterialType {
    /// The media type the office's download is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
        }
    }
}

/// The type of a file from its first bytes, or `None` when it is none of the accepted ones.
pub fn sniff(head: &[u8]) -> Option<MaterialType> {
    if head.starts_with(b"%PDF-") {
        Some(MaterialType::Pdf)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(MaterialType::Png)
    } else if head.starts_with(b"\xFF\xD8\xFF") {
        Some(MaterialType::Jpeg)
    } else {
        None
    }
}

/// An uploaded file as the application records it: its content hash (the name it is stored
/// under), the name it had on the applicant's computer, its size and its type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialFile {
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// The original name, cleaned ([`clean_name`]).
    pub name: String,
    /// Bytes.
    pub size: u64,
    /// `application/pdf`, `image/png` or `image/jpeg`.
    pub media_type: String,
}

/// The name an upload is recorded under: the last path segment of what the browser sent,
/// without control characters, at most [`MAX_NAME_CHARS`] characters; `fallback` when nothing
/// is left. It is only shown to the office and never used as a path.
pub fn clean_name(raw: &str, fallback: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    let name = name.trim();
    if name.is_empty() {
        fallback.to_owned()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_is_told_from_the_first_bytes_only() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(MaterialType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(MaterialType::Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some(MaterialType::Jpeg));
        assert_eq!(sniff(b"%PDF"), None);
        assert_eq!(sniff(b"PK\x03\x04"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn names_lose_their_paths_and_control_characters() {
        assert_eq!(clean_name("C:\\材料\\缴款凭证.pdf", "x"), "缴款凭证.pdf");
        assert_eq!(clean_name("../../etc/passwd", "x"), "passwd");
        assert_eq!(clean_name("a\u{0}b\n.png", "x"), "ab.png");
        assert_eq!(clean_name("  ", "材料1"), "材料1");
        assert_eq!(clean_name(&"长".repeat(300), "x").chars().count(), 100);
    }
}
