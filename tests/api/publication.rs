//! Who may change what the public sees: corrections from agencies that are not trusted wait as
//! revisions, nobody publishes their own work, agencies submit only under their registered
//! authorities, and a record is never attached to a subject of another name.

use crate::db_tests;
use crate::fixtures::{TIANHAN, TIANHAN_USCC, black_entry, error, id_of};
use crate::helpers::{ADMIN_TOKEN, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

const TAX: &str = "国家税务总局汉中市税务局";
const TAX_USCC: &str = "11610700MB2961796E";
const ENTRIES: &str = "/api/v1/office/entries";
const REVISIONS: &str = "/api/v1/office/revisions";

/// A tax record of Tianhan, as an agency sends it.
fn tax_record(reason: &str) -> Value {
    json!({
        "subject": {"kind": "legal_person", "name": TIANHAN, "uscc": TIANHAN_USCC},
        "entry": {"list": "black", "list_name": "重大税收违法失信主体", "severity": "serious",
                  "reason": reason, "legal_basis": "《重大税收违法失信主体信息公布管理办法》第六条",
                  "authority_name": TAX, "document_number": "汉税稽罚〔2026〕7号",
                  "decision_date": "2026-05-01"}
    })
}

async fn submit(app: &TestApp, key: &str, records: Value) -> Value {
    let (status, out) = app
        .post(
            "/api/v1/partner/batches",
            Some(key),
            json!({ "records": records }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    out
}

/// What the public sees of Tianhan's black entries: (reason, severity) of each.
async fn public_black(app: &TestApp, subject_id: &str) -> Vec<(Value, Value)> {
    app.drain().await;
    let (status, profile) = app
        .get(&format!("/api/v1/subjects/{subject_id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    profile["black"]
        .as_array()
        .expect("black")
        .iter()
        .map(|e| (e["reason"].clone(), e["severity"].clone()))
        .collect()
}

async fn feed_len(app: &TestApp, key: &str) -> usize {
    let (status, feed) = app
        .get("/api/v1/partner/changes?since=0&limit=1000", Some(key))
        .await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    feed["changes"].as_array().expect("changes").len()
}

async fn an_untrusted_agencys_correction_waits_as_a_revision_until_a_reviewer_approves_it(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let key = app
        .agency_key(TAX, TAX_USCC, false, &["entries:submit", "changes:read"])
        .await;
    let reviewer = app.token("reviewer").await;
    let out = submit(&app, &key, json!([tax_record("虚开增值税专用发票")])).await;
    let entry_id = out["results"][0]["entry_id"]
        .as_str()
        .expect("entry")
        .to_owned();
    let subject_id = out["results"][0]["subject_id"]
        .as_str()
        .expect("subject")
        .to_owned();
    let (status, approved) = app
        .post(
            &format!("{ENTRIES}/{entry_id}/approve"),
            Some(&reviewer),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    let published = vec![(json!("虚开增值税专用发票"), json!("serious"))];
    assert_eq!(public_black(&app, &subject_id).await, published);
    let feed_before = feed_len(&app, &key).await;

    // The attack: the agency rewrites the published record (reason and severity) on its own.
    let mut rewritten = tax_record("未按期申报");
    rewritten["entry"]["severity"] = json!("general");
    let out = submit(&app, &key, json!([rewritten.clone()])).await;
    assert_eq!(
        (
            out["held_for_review"].clone(),
            out["updated"].clone(),
            out["results"][0]["outcome"].clone()
        ),
        (json!(1), json!(0), json!("held_for_review")),
        "{out}"
    );
    let revision_id = out["results"][0]["revision_id"]
        .as_str()
        .expect("revision")
        .to_owned();
    // Nothing public moved: the entry, the pages and the partner feed show the approved version.
    let (_, entry) = app
        .get(&format!("{ENTRIES}/{entry_id}"), Some(ADMIN_TOKEN))
        .await;
    assert_eq!(
        (
            entry["version"].clone(),
            entry["reason"].clone(),
            entry["severity"].clone()
        ),
        (json!(2), json!("虚开增值税专用发票"), json!("serious"))
    );
    assert_eq!(public_black(&app, &subject_id).await, published);
    assert_eq!(feed_len(&app, &key).await, feed_before);
    // Sent again, it is the same revision, not a second one.
    let again = submit(&app, &key, json!([rewritten])).await;
    assert_eq!(again["results"][0]["revision_id"], revision_id.as_str());
    assert_eq!(app.count(entity::entry_revision::Entity).await, 1);

    // The review queue shows what would change.
    let (status, queue) = app
        .get(&format!("{REVISIONS}?status=pending"), Some(&reviewer))
        .await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    assert_eq!(queue["total"], 1);
    let revision = &queue["items"][0];
    assert_eq!(
        (
            revision["id"].clone(),
            revision["entry_id"].clone(),
            revision["status"].clone(),
            revision["base_version"].clone(),
            revision["changed_fields"].clone(),
            revision["proposed"]["reason"].clone()
        ),
        (
            json!(revision_id),
            json!(entry_id),
            json!("pending"),
            json!(2),
            json!(["reason", "severity"]),
            json!("未按期申报")
        )
    );

    // An editor may not decide it; a reviewer approves it and only then is it public.
    let editor = app.editor_token().await.to_owned();
    let (status, body) = app
        .post(
            &format!("{REVISIONS}/{revision_id}/approve"),
            Some(&editor),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, done) = app
        .post(
            &format!("{REVISIONS}/{revision_id}/approve"),
            Some(&reviewer),
            json!({"version": 1, "note": "核对原始文书无误"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["revision"]["status"], "approved");
    assert_eq!(
        done["revision"]["decided_by"],
        app.staff_id(&reviewer).await
    );
    assert_eq!(
        (
            done["entry"]["version"].clone(),
            done["entry"]["status"].clone()
        ),
        (json!(3), json!("published"))
    );
    assert_eq!(
        public_black(&app, &subject_id).await,
        vec![(json!("未按期申报"), json!("general"))]
    );
    assert_eq!(feed_len(&app, &key).await, feed_before + 1);
    let (status, body) = app
        .post(
            &format!("{REVISIONS}/{revision_id}/approve"),
            Some(&reviewer),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        error(
            "revision_not_pending",
            "conflict",
            format!("Revision `{revision_id}` is `approved` and cannot be approved.")
        )
    );

    // A later correction that the reviewer rejects changes nothing.
    let out = submit(&app, &key, json!([tax_record("篡改事由")])).await;
    let second = out["results"][0]["revision_id"]
        .as_str()
        .expect("revision")
        .to_owned();
    let (status, body) = app
        .post(
            &format!("{REVISIONS}/{second}/reject"),
            Some(&reviewer),
            json!({"version": 1, "reason": " "}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "missing_review_reason");
    let (status, rejected) = app
        .post(
            &format!("{REVISIONS}/{second}/reject"),
            Some(&reviewer),
            json!({"version": 1, "reason": "与决定文书不符"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(
        (
            rejected["status"].clone(),
            rejected["decision_note"].clone()
        ),
        (json!("rejected"), json!("与决定文书不符"))
    );
    assert_eq!(
        public_black(&app, &subject_id).await,
        vec![(json!("未按期申报"), json!("general"))]
    );
    assert_eq!(
        app.audit_actions(&entry_id).await,
        ["entry.approve", "entry.correct"]
    );
    assert_eq!(
        app.audit_actions(&revision_id).await,
        ["revision.propose", "revision.approve"]
    );
    assert_eq!(
        app.audit_actions(&second).await,
        ["revision.propose", "revision.reject"]
    );
}

async fn a_trusted_agencys_correction_is_published_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app
        .agency_key(TAX, TAX_USCC, true, &["entries:submit"])
        .await;
    let out = submit(&app, &key, json!([tax_record("虚开增值税专用发票")])).await;
    let subject_id = out["results"][0]["subject_id"]
        .as_str()
        .expect("subject")
        .to_owned();
    let out = submit(&app, &key, json!([tax_record("未按期申报")])).await;
    assert_eq!(out["results"][0]["outcome"], "updated", "{out}");
    assert_eq!(
        public_black(&app, &subject_id).await,
        vec![(json!("未按期申报"), json!("serious"))]
    );
    assert_eq!(app.count(entity::entry_revision::Entity).await, 0);
}

async fn nobody_publishes_an_entry_they_created_last_edited_or_submitted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let subject_id = app.a_subject().await;
    let reviewer = app.token("reviewer").await;

    // An administrator drafts and tries to publish their own draft.
    let (status, own) = app
        .post(ENTRIES, Some(ADMIN_TOKEN), black_entry(&subject_id))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{own}");
    let own_id = id_of(&own);
    let (status, body) = app
        .post(
            &format!("{ENTRIES}/{own_id}/publish"),
            Some(ADMIN_TOKEN),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let made_by_you = |id: &str| {
        error(
            "reviewer_is_maker",
            "auth",
            format!(
                "Entry `{id}` was created or last edited by you; another member must review and publish it."
            ),
        )
    };
    assert_eq!(body, made_by_you(&own_id));

    // An editor drafts, the administrator edits the draft: now the administrator is its maker
    // too, and cannot publish or approve it.
    let mut entry = black_entry(&subject_id);
    entry["document_number"] = json!("(2026)陕07执124号");
    let draft = app.draft_entry(entry).await;
    let id = id_of(&draft);
    assert_eq!(
        draft["created_by"],
        app.staff_id(app.editor_token().await).await
    );
    let (status, edited) = app
        .patch(
            &format!("{ENTRIES}/{id}"),
            Some(ADMIN_TOKEN),
            json!({"version": 1, "facts": "拒不履行生效判决确定的给付义务（经核实）"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["edited_by"], app.staff_id(ADMIN_TOKEN).await);
    let (status, body) = app
        .post(
            &format!("{ENTRIES}/{id}/publish"),
            Some(ADMIN_TOKEN),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, made_by_you(&id));
    let editor = app.editor_token().await.to_owned();
    let (status, _) = app
        .post(
            &format!("{ENTRIES}/{id}/submit"),
            Some(&editor),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post(
            &format!("{ENTRIES}/{id}/approve"),
            Some(ADMIN_TOKEN),
            json!({"version": 3}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, made_by_you(&id));
    // Nothing was published by the refused attempts.
    let (_, stored) = app.get(&format!("{ENTRIES}/{id}"), Some(ADMIN_TOKEN)).await;
    assert_eq!(
        (stored["status"].clone(), stored["version"].clone()),
        (json!("pending_review"), json!(3))
    );
    app.drain().await;
    let (_, black) = app.get("/api/v1/lists/black", None).await;
    assert_eq!(black["total"], 0, "{black}");

    // A reviewer who neither made nor submitted it approves it.
    let (status, approved) = app
        .post(
            &format!("{ENTRIES}/{id}/approve"),
            Some(&reviewer),
            json!({"version": 3}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["reviewed_by"], app.staff_id(&reviewer).await);
    // The administrator's own draft goes the same way: submitted, then approved by another.
    let (status, _) = app
        .post(
            &format!("{ENTRIES}/{own_id}/submit"),
            Some(&editor),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post(
            &format!("{ENTRIES}/{own_id}/approve"),
            Some(&reviewer),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn an_agency_submits_only_under_its_registered_authorities(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    const COURT: &str = "汉中市中级人民法院";
    const COURT_USCC: &str = "11610700016176094D";
    // A data-sharing centre that files for the court and for itself.
    let (status, agency) = app
        .post(
            "/api/v1/office/agencies",
            Some(ADMIN_TOKEN),
            json!({"name": "汉中市信用信息共享中心", "uscc": TAX_USCC, "trusted": true,
                   "authorities": [{"name": COURT, "uscc": COURT_USCC}, {"name": "汉中市信用信息共享中心"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{agency}");
    assert_eq!(
        agency["authorities"],
        json!([{"name": "汉中市中级人民法院", "uscc": COURT_USCC},
               {"name": "汉中市信用信息共享中心", "uscc": null}])
    );
    let agency_id = id_of(&agency);
    let (_, key) = app
        .post(
            &format!("/api/v1/office/agencies/{agency_id}/keys"),
            Some(ADMIN_TOKEN),
            json!({"name": "接口", "scopes": ["entries:submit"]}),
        )
        .await;
    let key = key["key"].as_str().expect("key").to_owned();

    let mut court = tax_record("拒不履行生效判决");
    court["entry"]["authority_name"] = json!(COURT);
    court["entry"]["list_name"] = json!("失信被执行人");
    let mut wrong_code = court.clone();
    wrong_code["entry"]["document_number"] = json!("(2026)陕07执9号");
    wrong_code["entry"]["authority_uscc"] = json!("11610700MB2961796E");
    let mut tax = tax_record("虚开增值税专用发票");
    tax["entry"]["document_number"] = json!("汉税稽罚〔2026〕8号");
    let out = submit(&app, &key, json!([court, wrong_code, tax])).await;
    assert_eq!(
        (out["accepted"].clone(), out["rejected"].clone()),
        (json!(1), json!(2)),
        "{out}"
    );
    assert_eq!(
        out["results"][1]["error"],
        json!({"code": "authority_not_registered", "type": "auth",
               "message": "`authority_uscc`: `11610700MB2961796E` is not the code registered for `汉中市中级人民法院`",
               "link": "/api/errors#authority_not_registered"})
    );
    assert_eq!(
        out["results"][2]["error"]["message"],
        "`authority_name`: `国家税务总局汉中市税务局` is not a deciding authority registered for this agency; the office registers the authorities an agency submits for"
    );
    assert_eq!(app.count(entity::list_entry::Entity).await, 1);

    // The office takes the court away: its records are refused from then on, with a stale
    // version refused first.
    let put = async |version: i64| {
        app.send(
            reqwest::Method::PUT,
            &format!("/api/v1/office/agencies/{agency_id}/authorities"),
            Some(ADMIN_TOKEN),
            Some(json!({"version": version, "authorities": [{"name": "汉中市信用信息共享中心"}]})),
        )
        .await
    };
    let (status, body) = put(7).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "agency_version_conflict");
    let (status, body) = put(1).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["version"], 2);
    let mut later = tax_record("拒不履行生效判决");
    later["entry"]["authority_name"] = json!(COURT);
    later["entry"]["document_number"] = json!("(2026)陕07执10号");
    let out = submit(&app, &key, json!([later])).await;
    assert_eq!(
        out["results"][0]["error"]["code"], "authority_not_registered",
        "{out}"
    );
    assert_eq!(
        app.audit_actions(&agency_id).await,
        ["agency.create", "intake.batch", "agency.authorities"]
    );
    // A duplicate name is a field error.
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/office/agencies/{agency_id}/authorities"),
            Some(ADMIN_TOKEN),
            Some(json!({"version": 2, "authorities": [{"name": COURT}, {"name": COURT}]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        error(
            "invalid_agency_field",
            "invalid_request",
            "`authorities[1].name`: `汉中市中级人民法院` is listed twice"
        )
    );
}

async fn a_record_naming_a_known_code_under_another_name_is_refused_not_attached(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app
        .agency_key(TAX, TAX_USCC, true, &["entries:submit"])
        .await;
    let subject_id = app.a_subject().await;
    let person = app.create_person("张三", "610702200001010018").await;

    // The code is Tianhan's, the name another company's.
    let mut other = tax_record("虚开增值税专用发票");
    other["subject"]["name"] = json!("汉中市另一家有限公司");
    // The ID number is Zhang San's, the name someone else's.
    let mut stranger = tax_record("偷税");
    stranger["subject"] =
        json!({"kind": "natural_person", "name": "李四", "id_number": "610702200001010018"});
    stranger["entry"]["document_number"] = json!("汉税稽罚〔2026〕9号");
    // Two records of one batch with one new code and two names.
    let mut first = tax_record("逃避追缴欠税");
    first["subject"] = json!({"kind": "legal_person", "name": "汉中市秦岭商贸有限公司", "uscc": "91610702MA6YL3K17R"});
    first["entry"]["document_number"] = json!("汉税稽罚〔2026〕10号");
    let mut second = first.clone();
    second["subject"]["name"] = json!("汉中市巴山商贸有限公司");
    second["entry"]["document_number"] = json!("汉税稽罚〔2026〕11号");
    // The same name with spaces around it is the same subject.
    let mut same = tax_record("骗取出口退税");
    same["subject"]["name"] = json!(format!(" {TIANHAN} "));
    same["entry"]["document_number"] = json!("汉税稽罚〔2026〕12号");

    let out = submit(&app, &key, json!([other, stranger, first, second, same])).await;
    assert_eq!(
        (out["accepted"].clone(), out["rejected"].clone()),
        (json!(2), json!(3)),
        "{out}"
    );
    assert_eq!(
        out["results"][0]["error"],
        json!({"code": "subject_name_mismatch", "type": "conflict",
               "message": format!("`subject.name`: `汉中市另一家有限公司` does not match the subject recorded with code `{TIANHAN_USCC}` (`{TIANHAN}`); if it was renamed, the office updates the subject first"),
               "link": "/api/errors#subject_name_mismatch"})
    );
    assert_eq!(
        out["results"][1]["error"],
        json!({"code": "subject_name_mismatch", "type": "conflict",
               "message": "`subject.name`: does not match the natural person recorded with this ID number; the record was not attached to them.",
               "link": "/api/errors#subject_name_mismatch"})
    );
    assert!(!out.to_string().contains("张三"), "{out}");
    assert_eq!(
        out["results"][3]["error"]["code"], "subject_name_mismatch",
        "{out}"
    );
    assert_eq!(out["results"][4]["subject_id"], subject_id.as_str());
    // Nothing was attached to Tianhan or to Zhang San but the record with Tianhan's own name.
    for (id, expected) in [(&subject_id, 1), (&person, 0)] {
        let (_, entries) = app
            .get(&format!("{ENTRIES}?subject_id={id}"), Some(ADMIN_TOKEN))
            .await;
        assert_eq!(entries["total"], expected, "{entries}");
    }
    let (_, tianhan) = app
        .get(
            &format!("/api/v1/office/subjects/{subject_id}"),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(tianhan["name"], TIANHAN);
    assert_eq!(app.count(entity::subject::Entity).await, 3);
}

db_tests!(
    an_untrusted_agencys_correction_waits_as_a_revision_until_a_reviewer_approves_it,
    a_trusted_agencys_correction_is_published_at_once,
    nobody_publishes_an_entry_they_created_last_edited_or_submitted,
    an_agency_submits_only_under_its_registered_authorities,
    a_record_naming_a_known_code_under_another_name_is_refused_not_attached,
);
