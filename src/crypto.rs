//! Keys and what is done with them: the keyed hash (HMAC-SHA256) that lets an exact ID-number
//! lookup work without storing the number in clear, AES-256-GCM encryption of the number for the
//! office, and hashing of bearer tokens.

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A secret string whose `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret itself; call only where it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// Why a key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Not 32 bytes in base64 or hex.
    #[error("{name} must be 32 bytes, written as 64 hex digits or base64")]
    Format {
        /// Which key.
        name: &'static str,
    },
}

/// The two data keys: one for the keyed hash, one for encryption.
#[derive(Clone)]
pub struct Keys {
    hmac: [u8; 32],
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(***)")
    }
}

/// Decodes a 32-byte key written as hex or base64.
pub fn decode_key(name: &'static str, text: &str) -> Result<[u8; 32], KeyError> {
    let text = text.trim();
    let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex::decode(text).ok()
    } else {
        STANDARD
            .decode(text)
            .ok()
            .or_else(|| URL_SAFE_NO_PAD.decode(text).ok())
    };
    bytes
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or(KeyError::Format { name })
}

/// A fresh random 32-byte key, hex-encoded.
pub fn generate_key() -> String {
    let mut key = [0u8; 32];
    OsRng.fill_bytes(&mut key);
    hex::encode(key)
}

/// A fresh bearer token: shown once, stored only as [`token_hash`].
pub fn generate_token() -> String {
    let mut raw = [0u8; 32];
    OsRng.fill_bytes(&mut raw);
    format!("xy_{}", URL_SAFE_NO_PAD.encode(raw))
}

/// SHA-256 of a token, hex. Tokens are long random strings, so no salt or slow hash is needed.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Keys {
    /// Builds the keys from their 32-byte values.
    pub fn new(hmac: [u8; 32], encryption: [u8; 32]) -> Self {
        Self {
            hmac,
            cipher: Aes256Gcm::new(&encryption.into()),
        }
    }

    /// Keyed hash of a value (hex). Used for exact lookups of ID numbers.
    pub fn keyed_hash(&self, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.hmac)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Keyed hash of a natural person's name and ID number together: the only way to find a
    /// person in the public index.
    pub fn person_key(&self, name: &str, id_number: &str) -> String {
        self.keyed_hash(&format!("person\u{1f}{}\u{1f}{id_number}", name.trim()))
    }

    /// Encrypts with a fresh nonce; the result is base64(nonce ‖ ciphertext).
    pub fn encrypt(&self, plain: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .unwrap_or_else(|_| unreachable!("AES-GCM encryption of a short text cannot fail"));
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        STANDARD.encode(out)
    }

    /// Decrypts what [`Keys::encrypt`] produced; `None` if it was not made with this key.
    pub fn decrypt(&self, sealed: &str) -> Option<String> {
        let bytes = STANDARD.decode(sealed).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, body) = bytes.split_at(12);
        let plain = self.cipher.decrypt(Nonce::from_slice(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::new([7; 32], [9; 32])
    }

    #[test]
    fn encryption_round_trips_and_uses_a_fresh_nonce() {
        let k = keys();
        let a = k.encrypt("610702200001010018");
        let b = k.encrypt("610702200001010018");
        assert_ne!(a, b);
        assert!(!a.contains("610702200001010018"));
        assert_eq!(k.decrypt(&a).as_deref(), Some("610702200001010018"));
        assert_eq!(Keys::new([7; 32], [8; 32]).decrypt(&a), None);
    }

    #[test]
    fn keyed_hash_depends_on_the_key() {
        let a = keys().keyed_hash("x");
        assert_eq!(a, keys().keyed_hash("x"));
        assert_ne!(a, Keys::new([1; 32], [9; 32]).keyed_hash("x"));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn keys_decode_from_hex_and_base64_and_reject_other_lengths() {
        let hex_key = "11".repeat(32);
        assert_eq!(decode_key("k", &hex_key).ok(), Some([0x11; 32]));
        assert_eq!(
            decode_key("k", &STANDARD.encode([3u8; 32])).ok(),
            Some([3; 32])
        );
        assert!(decode_key("k", "abcd").is_err());
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(***)");
    }
}
