//! `/subjects/{id}` 信用档案: a subject and its public records, grouped by list, with
//! "查询期内无相关信息" where a group is empty.

use super::error::{PageError, PagePath};
use super::view::{Badge, Layout, Section, badges, region_label, render};
use crate::error::{ApiError, ErrorCode};
use crate::services::public::{self, NoticeSummary, Profile, PublicEntry, PublicSubjectOut};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use entity::SubjectId;
use uuid::Uuid;

/// One list's records on the profile.
struct EntrySection {
    /// Anchor and badge class: `red`, `black`, `attention`.
    id: &'static str,
    /// 守信红名单 / 失信黑名单 / 重点关注.
    title: &'static str,
    /// 有效期至 for honours, 公示截止 for the others.
    until_label: &'static str,
    entries: Vec<PublicEntry>,
}

#[derive(Template)]
#[template(path = "subject.html")]
struct SubjectPage {
    layout: Layout,
    subject: PublicSubjectOut,
    region: String,
    badges: Vec<Badge>,
    sections: Vec<EntrySection>,
    notices: Vec<NoticeSummary>,
    as_of: String,
    /// The entries that may be applied for repair today.
    repairable: Vec<String>,
}

impl SubjectPage {
    fn new(p: Profile) -> Self {
        let objection = [&p.red, &p.black, &p.key_attention]
            .iter()
            .any(|l| l.iter().any(|e| e.under_objection));
        let count = |l: &Vec<PublicEntry>| u32::try_from(l.len()).unwrap_or(u32::MAX);
        let badges = badges(
            count(&p.red),
            count(&p.black),
            count(&p.key_attention),
            u32::try_from(p.notices.len()).unwrap_or(u32::MAX),
            objection,
        );
        Self {
            layout: Layout::new(Section::Lookup),
            region: p
                .subject
                .region_name
                .clone()
                .unwrap_or_else(|| region_label(&p.subject.region_code)),
            subject: p.subject,
            badges,
            sections: vec![
                EntrySection {
                    id: "red",
                    title: "守信红名单",
                    until_label: "有效期至",
                    entries: p.red,
                },
                EntrySection {
                    id: "black",
                    title: "失信黑名单",
                    until_label: "公示截止",
                    entries: p.black,
                },
                EntrySection {
                    id: "attention",
                    title: "重点关注",
                    until_label: "公示截止",
                    entries: p.key_attention,
                },
            ],
            notices: p.notices,
            as_of: p.as_of.to_string(),
            repairable: Vec::new(),
        }
    }

    /// Whether the entry `id` offers the repair application.
    fn may_repair(&self, id: &str) -> bool {
        self.repairable.iter().any(|r| r == id)
    }
}

/// The ids of the entries among `ids` that may be applied for repair on `today` (the rule of
/// [`crate::services::repairs::may_apply_on`]).
async fn repairable(state: &AppState, ids: Vec<Uuid>) -> Result<Vec<String>, PageError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let today = state.clock.today();
    let entries = entity::list_entry::Entity::find()
        .filter(entity::list_entry::Column::Id.is_in(ids))
        .all(&state.db)
        .await
        .map_err(ApiError::from)?;
    Ok(entries
        .iter()
        .filter(|e| crate::services::repairs::may_apply_on(e, today))
        .map(|e| e.id.to_string())
        .collect())
}

/// `GET /subjects/{id}`: a subject's credit profile.
pub(super) async fn page(
    State(state): State<AppState>,
    PagePath(id): PagePath,
) -> Result<Response, PageError> {
    // An address that is not an id names no subject: a 404 to a reader.
    let uuid = Uuid::parse_str(&id).map_err(|_| {
        ApiError::new(
            ErrorCode::SubjectNotFound,
            format!("Subject `{id}` not found."),
        )
    })?;
    let profile = public::profile(&state, SubjectId(uuid)).await?;
    let ids = [&profile.black, &profile.key_attention]
        .iter()
        .flat_map(|l| l.iter())
        .filter_map(|e| Uuid::parse_str(&e.id).ok())
        .collect();
    let mut page = SubjectPage::new(profile);
    page.repairable = repairable(&state, ids).await?;
    render(&page)
}
