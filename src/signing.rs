//! Signatures on what the site issues: credit reports, proofs of a search and partners' screening
//! receipts. A signed document is a JSON object; its `signature` is Ed25519 over the canonical
//! bytes of every other member (keys sorted at every level, no insignificant white space), so a
//! reader can check a saved copy with nothing but the public key. `key_id` names the key: the
//! first 16 hex digits of the SHA-256 of the public key. Public keys, current and retired, are
//! served at `/.well-known/xinyong-keys.json` (each with that id as `kid`); retiring a key keeps
//! the documents it signed verifiable.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// The one signature algorithm.
pub const ALGORITHM: &str = "Ed25519";

/// Whether a key signs today's documents or only vouches for older ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// Signs what is issued now.
    Current,
    /// No longer signs; documents it signed still verify.
    Retired,
}

/// A public key as published.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicKeyOut {
    /// First 16 hex digits of the SHA-256 of the public key: the `key_id` of the documents it
    /// signed (`kid`, as in a JSON Web Key Set).
    #[serde(rename = "kid")]
    pub key_id: String,
    /// Always `Ed25519`.
    pub algorithm: String,
    /// The 32-byte public key, base64.
    pub public_key: String,
    /// `current` or `retired`.
    pub status: KeyStatus,
}

/// `/.well-known/xinyong-keys.json`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct KeysDocument {
    /// Every key a document of this site may be signed with.
    pub keys: Vec<PublicKeyOut>,
}

/// A key a signature can be checked with.
#[derive(Clone, Debug)]
pub struct PublicKey {
    /// Its id.
    pub key_id: String,
    /// The key.
    pub key: VerifyingKey,
    /// Current or retired.
    pub status: KeyStatus,
}

impl PublicKey {
    /// The key as published.
    pub fn out(&self) -> PublicKeyOut {
        PublicKeyOut {
            key_id: self.key_id.clone(),
            algorithm: ALGORITHM.into(),
            public_key: STANDARD.encode(self.key.as_bytes()),
            status: self.status,
        }
    }
}

/// Why a public key could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeyFormatError(String);

/// Reads a 32-byte Ed25519 public key written as hex or base64.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, KeyFormatError> {
    let bytes = crate::crypto::decode_key("public key", text).map_err(|_| {
        KeyFormatError(format!(
            "`{}` is not 32 bytes of hex or base64",
            text.trim()
        ))
    })?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| KeyFormatError(format!("`{}` is not an Ed25519 public key", text.trim())))
}

/// Reads a list of keys from a keys document (`/.well-known/xinyong-keys.json`).
pub fn parse_keys_document(json: &str) -> Result<Vec<PublicKey>, KeyFormatError> {
    let doc: KeysDocument = serde_json::from_str(json)
        .map_err(|e| KeyFormatError(format!("not a keys document: {e}")))?;
    doc.keys
        .into_iter()
        .map(|k| {
            let key = parse_public_key(&k.public_key)?;
            Ok(PublicKey {
                key_id: key_id_of(&key),
                key,
                status: k.status,
            })
        })
        .collect()
}

/// The id of a public key: the first 16 hex digits of its SHA-256.
pub fn key_id_of(key: &VerifyingKey) -> String {
    let mut id = hex::encode(Sha256::digest(key.as_bytes()));
    id.truncate(16);
    id
}

/// The signing key in force and every key a document may be checked with.
pub struct Signer {
    signing: SigningKey,
    key_id: String,
    keys: Vec<PublicKey>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// The signer of the 32-byte Ed25519 seed, vouching also for the retired public keys.
    pub fn new(seed: [u8; 32], retired: Vec<VerifyingKey>) -> Self {
        let signing = SigningKey::from_bytes(&seed);
        let current = signing.verifying_key();
        let key_id = key_id_of(&current);
        let mut keys = vec![PublicKey {
            key_id: key_id.clone(),
            key: current,
            status: KeyStatus::Current,
        }];
        for key in retired {
            if key != current && !keys.iter().any(|k| k.key == key) {
                keys.push(PublicKey {
                    key_id: key_id_of(&key),
                    key,
                    status: KeyStatus::Retired,
                });
            }
        }
        Self {
            signing,
            key_id,
            keys,
        }
    }

    /// The id of the key in force.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Every key documents of this site may be checked with.
    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }

    /// The keys as published.
    pub fn keys_document(&self) -> KeysDocument {
        KeysDocument {
            keys: self.keys.iter().map(PublicKey::out).collect(),
        }
    }

    /// Signs `doc`: sets its `key_id`, then its `signature` over everything else.
    pub fn sign(&self, mut doc: Map<String, Value>) -> Value {
        doc.remove("signature");
        doc.insert("key_id".into(), Value::String(self.key_id.clone()));
        let message = canonical(&Value::Object(doc.clone()));
        let signature = self.signing.sign(&message);
        doc.insert(
            "signature".into(),
            Value::String(STANDARD.encode(signature.to_bytes())),
        );
        Value::Object(doc)
    }
}

/// Why a document is not genuine.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Forgery {
    /// Not a JSON object with `key_id` and `signature` strings.
    #[error("not a signed document: it needs `key_id` and `signature`")]
    NotSigned,
    /// Signed with a key this site never published.
    #[error("signed with key `{0}`, which is not one of this site's keys")]
    UnknownKey(String),
    /// The signature does not match the content: something was changed after signing.
    #[error(
        "the signature does not match the content: the document was changed after it was signed"
    )]
    BadSignature,
}

/// Checks a signed document against `keys`; returns the key that signed it.
pub fn verify<'k>(doc: &Value, keys: &'k [PublicKey]) -> Result<&'k PublicKey, Forgery> {
    let Value::Object(members) = doc else {
        return Err(Forgery::NotSigned);
    };
    let (Some(Value::String(key_id)), Some(Value::String(signature))) =
        (members.get("key_id"), members.get("signature"))
    else {
        return Err(Forgery::NotSigned);
    };
    let key = keys
        .iter()
        .find(|k| &k.key_id == key_id)
        .ok_or_else(|| Forgery::UnknownKey(key_id.clone()))?;
    let signature = STANDARD
        .decode(signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
        .ok_or(Forgery::BadSignature)?;
    let mut unsigned = members.clone();
    unsigned.remove("signature");
    key.key
        .verify(&canonical(&Value::Object(unsigned)), &signature)
        .map_err(|_| Forgery::BadSignature)?;
    Ok(key)
}

/// The canonical bytes of a JSON value: object members sorted by key (by their UTF-8 bytes) at
/// every level, no white space, strings escaped as `serde_json` writes them.
pub fn canonical(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(members) => {
            let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
            sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (key, value)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_canonical(value, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        Value::String(s) => write_string(s, out),
        other => out.extend_from_slice(other.to_string().as_bytes()),
    }
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(Value::String(s.to_owned()).to_string().as_bytes());
}

/// SHA-256 (hex) of a value's canonical bytes: the digest that tells whether a record changed.
pub fn digest(value: &Value) -> String {
    hex::encode(Sha256::digest(canonical(value)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn signer() -> Signer {
        Signer::new([7; 32], vec![])
    }

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn canonical_bytes_sort_keys_at_every_level_and_drop_white_space() {
        let v = json!({"b": 1, "a": {"d": [true, null, "x\"y"], "c": "汉中"}});
        assert_eq!(
            String::from_utf8(canonical(&v)).as_deref(),
            Ok(r#"{"a":{"c":"汉中","d":[true,null,"x\"y"]},"b":1}"#)
        );
    }

    #[test]
    fn a_signed_document_verifies_and_one_changed_byte_does_not() {
        let s = signer();
        let doc = s.sign(object(json!({"content": {"name": "汉中市某某公司"}, "issued_at": "2026-12-03T10:00:00+08:00"})));
        assert_eq!(
            verify(&doc, s.keys()).map(|k| k.status),
            Ok(KeyStatus::Current)
        );
        let text = doc.to_string().replace("某某", "某甲");
        let changed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert_eq!(
            verify(&changed, s.keys()).err(),
            Some(Forgery::BadSignature)
        );
    }

    #[test]
    fn a_retired_key_still_verifies_and_a_strange_key_is_named() {
        let old = signer();
        let doc = old.sign(object(json!({"content": 1})));
        let new = Signer::new([9; 32], vec![old.keys()[0].key]);
        assert_eq!(
            verify(&doc, new.keys()).map(|k| k.status),
            Ok(KeyStatus::Retired)
        );
        let stranger = Signer::new([9; 32], vec![]);
        assert_eq!(
            verify(&doc, stranger.keys()).err(),
            Some(Forgery::UnknownKey(old.key_id().to_owned()))
        );
        assert_eq!(
            verify(&json!({"content": 1}), new.keys()).err(),
            Some(Forgery::NotSigned)
        );
    }

    #[test]
    fn the_keys_document_reads_back() {
        let s = Signer::new([7; 32], vec![Signer::new([8; 32], vec![]).keys()[0].key]);
        let json = serde_json::to_string(&s.keys_document()).unwrap_or_default();
        let keys = parse_keys_document(&json).unwrap_or_default();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].key_id, s.key_id());
        assert_eq!(keys[1].status, KeyStatus::Retired);
    }
}
