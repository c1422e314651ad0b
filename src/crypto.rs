//! Keys and what is done with them: the keyed hash (HMAC-SHA256) that lets an exact ID-number
//! lookup work without storing the number in clear, AES-256-GCM encryption of the number for the
//! office, hashing of bearer tokens, and the keyed checkpoints that anchor the audit chain.

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

/// The data keys: one for the keyed hash, one for encryption, and the audit key that signs the
/// audit chain's checkpoints (`XINYONG_AUDIT_KEY`, or derived from the keyed-hash key under its
/// own label, so that no checkpoint MAC is ever an ID-number hash).
#[derive(Clone)]
pub struct Keys {
    hmac: [u8; 32],
    cipher: Aes256Gcm,
    /// A public identifier of the encryption key (the cipher does not give its key back).
    encryption_id: String,
    audit: [u8; 32],
}

/// The label of the keys' public identifiers ([`Keys::fingerprints`]).
const KEY_ID_LABEL: &str = "xinyong/key-id/v1";

/// The label under which the audit key is derived from the keyed-hash key.
const AUDIT_KEY_LABEL: &str = "xinyong/audit-checkpoint-key/v1";
/// The label of the audit key's public identifier.
const AUDIT_KEY_ID_LABEL: &str = "xinyong/audit-key-id/v1";

fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    hex::encode(hmac_bytes(key, message))
}

fn hmac_bytes(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(message);
    mac.finalize().into_bytes().into()
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

/// Whether two strings are equal, in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Keys {
    /// Builds the keys from their 32-byte values; the audit key is derived from the keyed-hash
    /// key (see [`Keys::with_audit_key`] for one of its own).
    pub fn new(hmac: [u8; 32], encryption: [u8; 32]) -> Self {
        let mut encryption_id = hmac_hex(&encryption, KEY_ID_LABEL.as_bytes());
        encryption_id.truncate(16);
        Self {
            hmac,
            cipher: Aes256Gcm::new(&encryption.into()),
            encryption_id,
            audit: hmac_bytes(&hmac, AUDIT_KEY_LABEL.as_bytes()),
        }
    }

    /// Public identifiers (16 hex digits each) of the keyed-hash, encryption and audit keys, in
    /// that order: a backup records them, so that a restore with other keys is refused before
    /// it makes the stored hashes and ciphertexts unreadable. They reveal nothing of the keys.
    pub fn fingerprints(&self) -> [String; 3] {
        let mut hmac = hmac_hex(&self.hmac, KEY_ID_LABEL.as_bytes());
        hmac.truncate(16);
        [hmac, self.encryption_id.clone(), self.audit_key_id()]
    }

    /// The same keys with an audit key of its own (`XINYONG_AUDIT_KEY`).
    pub fn with_audit_key(mut self, audit: [u8; 32]) -> Self {
        self.audit = audit;
        self
    }

    /// Keyed hash of a value (hex). Used for exact lookups of ID numbers.
    pub fn keyed_hash(&self, value: &str) -> String {
        hmac_hex(&self.hmac, value.as_bytes())
    }

    /// HMAC-SHA256 of `message` under the audit key (hex): the seal of an audit checkpoint.
    pub fn audit_mac(&self, message: &str) -> String {
        hmac_hex(&self.audit, message.as_bytes())
    }

    /// A public identifier of the audit key (16 hex digits), written on each checkpoint so that
    /// one made with another key is told from a forged one. It reveals nothing of the key.
    pub fn audit_key_id(&self) -> String {
        let mut id = hmac_hex(&self.audit, AUDIT_KEY_ID_LABEL.as_bytes());
        id.truncate(16);
        id
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
    fn the_audit_key_is_separate_from_the_keyed_hash_and_can_be_its_own() {
        let k = keys();
        assert_ne!(k.audit_mac("x"), k.keyed_hash("x"));
        assert_eq!(k.audit_mac("x"), keys().audit_mac("x"));
        assert_eq!(k.audit_key_id().len(), 16);
        let own = keys().with_audit_key([5; 32]);
        assert_ne!(own.audit_mac("x"), k.audit_mac("x"));
        assert_ne!(own.audit_key_id(), k.audit_key_id());
        assert_eq!(own.keyed_hash("x"), k.keyed_hash("x"));
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
