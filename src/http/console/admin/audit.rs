//! `/office/audit`: the audit trail, newest first, filtered by actor, target, action and days
//! (Beijing time) with what each event changed; and the chain's verification against its stored
//! checkpoints, as `xinyong audit verify` does.

use super::super::{ConsoleResult, FormError, Layout, Posted, Staff, render_with};
use super::second;
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::Admin;
use crate::input::staff::AuditFilterForm;
use crate::services::audit::{self, Break, Verdict};
use crate::services::{Page, staff as members};
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use entity::audit_event;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// Events per page.
const PER_PAGE: u64 = 50;

/// The kinds of row the trail names, with their Chinese names.
const TARGET_TYPES: &[(&str, &str)] = &[
    ("entry", "名单条目"),
    ("subject", "信用主体"),
    ("notice", "曝光信息"),
    ("repair", "信用修复"),
    ("objection", "异议申诉"),
    ("revision", "报送更正"),
    ("agency", "报送单位"),
    ("api_key", "报送单位密钥"),
    ("staff", "人员账号"),
    ("staff_token", "人员令牌"),
    ("calendar", "工作日历"),
];

/// An option of a `<select>`.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// One line of the trail.
struct EventRow {
    id: i64,
    at: String,
    actor: String,
    actor_name: String,
    action: String,
    target_type: String,
    target_id: String,
    changes: Vec<String>,
}

/// The verification's outcome as the page shows it.
struct VerdictView {
    intact: bool,
    headline: String,
    detail: String,
    event: Option<EventRow>,
}

#[derive(Template)]
#[template(path = "office/audit.html")]
struct AuditPage {
    layout: Layout,
    form: AuditFilterForm,
    error: FormError,
    actors: Vec<Choice>,
    target_types: Vec<Choice>,
    rows: Vec<EventRow>,
    total: u64,
    page: u64,
    pages: u64,
    prev_href: String,
    next_href: String,
    /// The filters as a query string (for the verification form, to come back to them).
    query: String,
    verdict: Option<VerdictView>,
}

impl AuditPage {
    fn v<'a>(&'a self, field: &str) -> &'a str {
        match field {
            "target_id" => self.form.target_id.as_deref(),
            "action" => self.form.action.as_deref(),
            "from" => self.form.from.as_deref(),
            "to" => self.form.to.as_deref(),
            _ => None,
        }
        .unwrap_or_default()
    }
}

/// The filter fields, for errors that name none of them.
const FIELDS: &[&str] = &[
    "actor",
    "target_type",
    "target_id",
    "action",
    "from",
    "to",
    "page",
];

/// The filters of a query string; one that cannot be read at all is an error on the form.
fn form_of(raw: Option<&str>) -> Result<AuditFilterForm, ApiError> {
    serde_urlencoded::from_str(raw.unwrap_or_default()).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidQueryParameter,
            format!("Bad query string: {e}"),
        )
    })
}

/// The address of the trail with `form`'s filters on `page`.
fn href(form: &AuditFilterForm, page: u64) -> String {
    let pairs: Vec<(&str, &str)> = [
        ("actor", &form.actor),
        ("target_type", &form.target_type),
        ("target_id", &form.target_id),
        ("action", &form.action),
        ("from", &form.from),
        ("to", &form.to),
    ]
    .into_iter()
    .filter_map(|(k, v)| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| (k, v))
    })
    .collect();
    let page = page.to_string();
    let mut query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if page != "1" {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str("page=");
        query.push_str(&page);
    }
    if query.is_empty() {
        "/office/audit".into()
    } else {
        format!("/office/audit?{query}")
    }
}

/// A value of an event, shortened for the table.
fn short(v: Option<&Value>) -> String {
    let text = match v {
        None | Some(Value::Null) => return "—".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    if text.chars().count() > 48 {
        let cut: String = text.chars().take(47).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// What an event changed: the fields whose values differ between before and after (`field:
/// old → new`); for a new row, its fields; for a removed one, what it was. The version, which
/// every change bumps, is left out.
pub(super) fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    const MOST: usize = 8;
    let (b, a) = (
        before.and_then(Value::as_object),
        after.and_then(Value::as_object),
    );
    let mut out: Vec<String> = match (b, a) {
        (Some(b), Some(a)) => {
            let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            keys.into_iter()
                .filter(|k| k.as_str() != "version" && b.get(*k) != a.get(*k))
                .map(|k| format!("{k}: {} → {}", short(b.get(k)), short(a.get(k))))
                .collect()
        }
        (None, Some(a)) => a
            .iter()
            .filter(|(k, v)| k.as_str() != "version" && !v.is_null())
            .map(|(k, v)| format!("{k}: {}", short(Some(v))))
            .collect(),
        (Some(b), None) => b
            .iter()
            .filter(|(k, _)| k.as_str() != "version")
            .map(|(k, v)| format!("{k}: {} → —", short(Some(v))))
            .collect(),
        (None, None) => match (before, after) {
            (None, None) => Vec::new(),
            _ => vec![format!("{} → {}", short(before), short(after))],
        },
    };
    if out.len() > MOST {
        let more = out.len() - MOST;
        out.truncate(MOST);
        out.push(format!("另有 {more} 项"));
    }
    out
}

fn row_of(e: &audit_event::Model, names: &HashMap<String, String>) -> EventRow {
    EventRow {
        id: e.id,
        at: second(e.at),
        actor_name: names.get(&e.actor).cloned().unwrap_or_default(),
        actor: e.actor.clone(),
        action: e.action.clone(),
        target_type: e.target_type.clone(),
        target_id: e.target_id.clone(),
        changes: changes(e.before.as_ref(), e.after.as_ref()),
    }
}

fn break_label(what: Break) -> &'static str {
    match what {
        Break::EditedEvent => "事件内容被改动",
        Break::Unlinked => "事件链断开（有事件被删除或调换）",
        Break::Truncated => "最新的事件被删除",
        Break::Rewritten => "事件链被整体改写",
        Break::AlteredCheckpoint => "检查点被改动或伪造",
        Break::OtherKey => "检查点由另一把审计密钥签署",
    }
}

async fn audit_page(
    state: &AppState,
    staff: &Staff<Admin>,
    raw: Option<&str>,
    verdict: Option<Verdict>,
) -> ConsoleResult {
    let staff_members = members::list(&state.db).await?;
    let mut names: HashMap<String, String> = staff_members
        .iter()
        .map(|m| (format!("staff:{}", m.id), m.name.clone()))
        .collect();
    for (actor, name) in [
        ("system", "系统"),
        ("cli", "命令行"),
        ("anonymous", "未登录访问者"),
    ] {
        names.insert(actor.into(), name.into());
    }
    let (form, parsed) = match form_of(raw) {
        Ok(form) => {
            let parsed = form.parse();
            (form, parsed)
        }
        Err(e) => (AuditFilterForm::default(), Err(e)),
    };
    let current_actor = form.actor.clone().unwrap_or_default();
    let mut actors: Vec<Choice> = staff_members
        .iter()
        .map(|m| {
            let id = m.id.to_string();
            let short = id.get(..8).unwrap_or(&id);
            (format!("staff:{id}"), format!("{} · {short}", m.name))
        })
        .chain(
            ["system", "cli", "anonymous"]
                .into_iter()
                .map(|a| (a.to_owned(), names.get(a).cloned().unwrap_or_default())),
        )
        .map(|(value, label)| Choice {
            selected: value == current_actor.trim(),
            label,
            value,
        })
        .collect();
    if !current_actor.trim().is_empty() && !actors.iter().any(|c| c.selected) {
        actors.push(Choice {
            value: current_actor.trim().to_owned(),
            label: current_actor.trim().to_owned(),
            selected: true,
        });
    }
    let current_type = form.target_type.clone().unwrap_or_default();
    let mut target_types: Vec<Choice> = TARGET_TYPES
        .iter()
        .map(|(value, label)| Choice {
            value: (*value).to_owned(),
            label: format!("{label}（{value}）"),
            selected: *value == current_type.trim(),
        })
        .collect();
    if !current_type.trim().is_empty() && !target_types.iter().any(|c| c.selected) {
        target_types.push(Choice {
            value: current_type.trim().to_owned(),
            label: current_type.trim().to_owned(),
            selected: true,
        });
    }
    let (rows, total, page, error, status) = match parsed {
        Ok((params, page)) => {
            let mut filter = params.filter();
            filter.newest_first = true;
            let (items, total) = audit::list(
                &state.db,
                filter,
                Page {
                    page,
                    per_page: PER_PAGE,
                },
            )
            .await?;
            let rows = items.iter().map(|e| row_of(e, &names)).collect();
            (rows, total, page, FormError::default(), StatusCode::OK)
        }
        Err(e) => (Vec::new(), 0, 1, FormError::of(&e), StatusCode::BAD_REQUEST),
    };
    let verdict = match verdict {
        None => None,
        Some(Verdict::Intact {
            events,
            checkpoints,
            unanchored,
        }) => Some(VerdictView {
            intact: true,
            headline: "审计链完整".into(),
            detail: format!(
                "已核验 {events} 条事件和 {checkpoints} 个检查点，全部吻合；最新检查点之后另有 {unanchored} 条事件尚未锚定。"
            ),
            event: None,
        }),
        Some(Verdict::Broken { id, what, reason }) => Some(VerdictView {
            intact: false,
            headline: format!("审计链已被破坏：第 {id} 号事件处，{}", break_label(what)),
            detail: format!("{} at event {id}: {reason}", what.as_str()),
            event: audit::event(&state.db, id)
                .await?
                .map(|e| row_of(&e, &names)),
        }),
    };
    let pages = total.div_ceil(PER_PAGE).max(1);
    render_with(
        status,
        &AuditPage {
            layout: staff.layout("audit"),
            actors,
            target_types,
            rows,
            total,
            page,
            pages,
            prev_href: href(&form, page.saturating_sub(1).max(1)),
            next_href: href(&form, page + 1),
            query: href(&form, page)
                .strip_prefix("/office/audit")
                .unwrap_or_default()
                .to_owned(),
            error,
            form,
            verdict,
        },
    )
}

/// `GET /office/audit?actor=…&target_type=…&target_id=…&action=…&from=…&to=…&page=…`.
pub(super) async fn list(
    State(state): State<AppState>,
    staff: Staff<Admin>,
    RawQuery(raw): RawQuery,
) -> ConsoleResult {
    audit_page(&state, &staff, raw.as_deref(), None).await
}

/// `POST /office/audit/verify`: walks the chain and checks every stored checkpoint against it
/// (`audit::verify_anchored`, as the `audit verify` command), then shows the verdict above the
/// same filtered trail.
pub(super) async fn verify(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    posted: Posted<Admin, HashMap<String, String>>,
) -> ConsoleResult {
    let staff = posted.staff;
    let verdict = audit::verify_anchored(&state.db, &state.keys, &[]).await?;
    audit_page(&state, &staff, raw.as_deref(), Some(verdict)).await
}

#[cfg(test)]
mod tests {
    use super::changes;
    use serde_json::json;

    #[test]
    fn an_update_shows_only_the_fields_that_changed() {
        let before = json!({"role": "editor", "name": "李", "version": 1, "disabled_at": null});
        let after = json!({"role": "admin", "name": "李", "version": 2, "disabled_at": null});
        assert_eq!(
            changes(Some(&before), Some(&after)),
            vec!["role: editor → admin".to_owned()]
        );
    }

    #[test]
    fn a_creation_shows_its_fields_and_a_long_list_is_cut() {
        let after = json!({"a": 1, "b": null, "c": "x".repeat(60)});
        let shown = changes(None, Some(&after));
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(shown[1].ends_with('…'), "{shown:?}");
        let many: serde_json::Map<String, serde_json::Value> =
            (0..12).map(|i| (format!("f{i:02}"), json!(i))).collect();
        let shown = changes(None, Some(&serde_json::Value::Object(many)));
        assert_eq!(shown.len(), 9);
        assert_eq!(shown[8], "另有 4 项");
    }
}
