//! Fixtures: one function for each thing the tests set up through the office API (subjects,
//! entries, notices, agency keys), the request bodies they start from, and the small helpers that
//! read answers. Each fixture asserts that its own request succeeded.

use crate::helpers::{ADMIN_TOKEN, TestApp};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The company most tests list, and its code.
pub const TIANHAN: &str = "汉中市天汉建设工程有限公司";
pub const TIANHAN_USCC: &str = "91610702MA6YL3K09Y";

/// The `id` of a created or read resource.
/// A valid unified social credit code of region 610700 for an eight-character organisation body,
/// e.g. `org_code("91", "MA6YL3K1")`.
pub fn org_code(prefix: &str, body: &str) -> String {
    let region = xinyong::domain::RegionCode::parse("610700").expect("region");
    let mut p = prefix.chars();
    let (registration, category) = (p.next().expect("registration"), p.next().expect("category"));
    xinyong::domain::Uscc::from_parts(registration, category, &region, body)
        .expect("code")
        .as_str()
        .to_owned()
}

pub fn id_of(body: &Value) -> String {
    body["id"].as_str().expect("id").to_owned()
}

/// Percent-encodes a query value: every byte but ASCII letters and digits.
pub fn enc(value: &str) -> String {
    utf8_percent_encode(value, NON_ALPHANUMERIC).to_string()
}

/// The error body of the API contract.
pub fn error(code: &str, error_type: &str, message: impl Into<String>) -> Value {
    json!({"code": code, "type": error_type, "message": message.into(), "link": format!("/api/errors#{code}")})
}

/// `body` with `changes` applied field by field; a `null` removes the field.
pub fn with_changes(mut body: Value, changes: &Value) -> Value {
    for (k, v) in changes.as_object().expect("object") {
        if v.is_null() {
            body.as_object_mut().expect("object").remove(k);
        } else {
            body[k] = v.clone();
        }
    }
    body
}

/// A subject body for a kind, name and code.
pub fn subject(kind: &str, name: &str, uscc: &str) -> Value {
    json!({"kind": kind, "name": name, "uscc": uscc})
}

/// A serious black-list entry (失信被执行人, decided 2026-03-10 by the intermediate court).
pub fn black_entry(subject_id: &str) -> Value {
    json!({
        "subject_id": subject_id,
        "list": "black",
        "list_name": "失信被执行人",
        "severity": "serious",
        "reason": "有履行能力而拒不履行生效法律文书确定义务",
        "facts": "拒不支付工程款",
        "legal_basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
        "authority_name": "汉中市中级人民法院",
        "document_number": "(2026)陕07执123号",
        "decision_date": "2026-03-10",
        "listing_date": "2026-03-12",
    })
}

/// A red-list entry (A级纳税人, valid until 2026-12-31): no legal basis, no severity.
pub fn red_entry(subject_id: &str) -> Value {
    json!({
        "subject_id": subject_id, "list": "red", "list_name": "A级纳税人", "reason": "2025年度纳税信用A级",
        "authority_name": "国家税务总局汉中市税务局", "document_number": "汉税A〔2026〕1号",
        "decision_date": "2026-04-01", "valid_until": "2026-12-31",
    })
}

impl TestApp {
    /// Looks a natural person up by `POST /api/v1/lookup/person`; the status and the answer.
    pub async fn lookup_person(&self, name: &str, id_number: &str) -> (StatusCode, Value) {
        self.post(
            "/api/v1/lookup/person",
            None,
            json!({"name": name, "id_number": id_number}),
        )
        .await
    }

    /// The results of a natural-person lookup that must succeed.
    pub async fn found_person(&self, name: &str, id_number: &str) -> Value {
        let (status, body) = self.lookup_person(name, id_number).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Posts the public page's natural-person form; the status, the headers and the HTML.
    pub async fn person_page(
        &self,
        name: &str,
        id_number: &str,
    ) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let resp = self
            .http
            .post(format!("{}/", self.base))
            .form(&[("name", name), ("id_number", id_number)])
            .send()
            .await
            .expect("request sent");
        let status = resp.status();
        let headers = resp.headers().clone();
        (status, headers, resp.text().await.expect("body read"))
    }

    /// Creates a subject as the admin; its id.
    pub async fn create_subject(&self, kind: &str, name: &str, uscc: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/office/subjects",
                Some(ADMIN_TOKEN),
                subject(kind, name, uscc),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        id_of(&body)
    }

    /// Creates the company most tests list ([`TIANHAN`]); its id.
    pub async fn a_subject(&self) -> String {
        self.create_subject("legal_person", TIANHAN, TIANHAN_USCC)
            .await
    }

    /// Creates a natural person as the admin; its id.
    pub async fn create_person(&self, name: &str, id_number: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/office/subjects",
                Some(ADMIN_TOKEN),
                json!({"kind": "natural_person", "name": name, "id_number": id_number}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        id_of(&body)
    }

    /// Drafts an entry as the fixtures' editor; the draft.
    pub async fn draft_entry(&self, entry: Value) -> Value {
        let editor = self.editor_token().await.to_owned();
        let (status, body) = self
            .post("/api/v1/office/entries", Some(&editor), entry)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// Publishes a drafted entry as the admin (not its maker), at the draft's version; the
    /// published entry.
    pub async fn publish_entry_draft(&self, draft: &Value) -> Value {
        let (status, body) = self
            .post(
                &format!("/api/v1/office/entries/{}/publish", id_of(draft)),
                Some(ADMIN_TOKEN),
                json!({"version": draft["version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Drafts (as the editor) and publishes (as the admin) an entry; its id.
    pub async fn publish_entry(&self, entry: Value) -> String {
        let draft = self.draft_entry(entry).await;
        self.publish_entry_draft(&draft).await;
        id_of(&draft)
    }

    /// Drafts an exposure notice as the fixtures' editor; the draft.
    pub async fn draft_notice(&self, notice: Value) -> Value {
        let editor = self.editor_token().await.to_owned();
        let (status, body) = self
            .post("/api/v1/office/notices", Some(&editor), notice)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// Drafts (as the editor) and publishes (as the admin) an exposure notice; its id.
    pub async fn publish_notice(&self, notice: Value) -> String {
        let draft = self.draft_notice(notice).await;
        let (status, body) = self
            .post(
                &format!("/api/v1/office/notices/{}/publish", id_of(&draft)),
                Some(ADMIN_TOKEN),
                json!({"version": draft["version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        id_of(&draft)
    }

    /// Registers an agency and issues it a key with `scopes`; the key.
    pub async fn agency_key(
        &self,
        name: &str,
        uscc: &str,
        trusted: bool,
        scopes: &[&str],
    ) -> String {
        let (status, agency) = self
            .post(
                "/api/v1/office/agencies",
                Some(ADMIN_TOKEN),
                json!({"name": name, "uscc": uscc, "trusted": trusted}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{agency}");
        let (status, key) = self
            .post(
                &format!("/api/v1/office/agencies/{}/keys", id_of(&agency)),
                Some(ADMIN_TOKEN),
                json!({"name": "接口", "scopes": scopes, "expires_in_days": 1096}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{key}");
        key["key"].as_str().expect("key").to_owned()
    }

    /// The id of the agency with code `uscc`.
    pub async fn agency_id(&self, uscc: &str) -> String {
        let (status, page) = self
            .get("/api/v1/office/agencies?per_page=50", Some(ADMIN_TOKEN))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|a| a["uscc"] == uscc)
            .map(id_of)
            .expect("the agency is registered")
    }

    /// Registers `authorities` (by name, no code) for the agency with code `uscc`, beside the
    /// agency itself.
    pub async fn register_authorities(&self, uscc: &str, authorities: &[&str]) {
        let id = self.agency_id(uscc).await;
        let (status, agency) = self
            .get(&format!("/api/v1/office/agencies/{id}"), Some(ADMIN_TOKEN))
            .await;
        assert_eq!(status, StatusCode::OK, "{agency}");
        let mut list = agency["authorities"]
            .as_array()
            .expect("authorities")
            .clone();
        list.extend(authorities.iter().map(|name| json!({"name": name})));
        let (status, agency) = self
            .send(
                reqwest::Method::PUT,
                &format!("/api/v1/office/agencies/{id}/authorities"),
                Some(ADMIN_TOKEN),
                Some(json!({"version": agency["version"], "authorities": list})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{agency}");
    }

    /// The actions of the audit trail of one target, oldest first.
    pub async fn audit_actions(&self, target_id: &str) -> Vec<String> {
        let (status, trail) = self
            .get(
                &format!("/api/v1/office/audit?target_id={target_id}"),
                Some(ADMIN_TOKEN),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{trail}");
        trail["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|e| e["action"].as_str().map(str::to_owned))
            .collect()
    }
}
