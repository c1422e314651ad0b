//! Filing an objection or a repair application for an anonymous client, the same for the JSON
//! API and the web forms: the limits on anonymous filings (per client and entry, per entry and
//! day), the stop on clients whose repair applications keep naming another subject, and — for
//! the web forms — the case number and follow-up code given in the same transaction.

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::ratelimit::ClientAddr;
use crate::input::cases::Application;
use crate::services::cases::{self, Issued};
use crate::services::filings::{Filer, FilingLimits};
use crate::services::materials::Staged;
use crate::services::objections::{self, NewObjection};
use crate::services::repairs;
use crate::state::AppState;
use entity::{objection, repair};

/// How the filer follows the case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Follow {
    /// By the case's id (the API's receipt).
    ById,
    /// By a case number and a follow-up code (the web forms).
    ByCaseNumber,
}

/// The filer of an anonymous objection or repair application at `client`, with the limits
/// configured.
pub fn filer(state: &AppState, client: ClientAddr) -> Filer {
    Filer::new(
        &state.keys,
        client.key(),
        FilingLimits {
            open_per_client: state.config.filings_open_per_client,
            per_entry_day: state.config.filings_per_entry_day,
        },
    )
}

/// Files an objection for `client`.
pub async fn file_objection(
    state: &AppState,
    client: ClientAddr,
    cmd: NewObjection,
    follow: Follow,
) -> ApiResult<(objection::Model, Option<Issued>)> {
    let filer = filer(state, client);
    state
        .write("public".into(), async |txn, ctx| {
            let model = objections::file(txn, ctx, &state.calendar.current(), cmd, &filer).await?;
            let issued = match follow {
                Follow::ById => None,
                Follow::ByCaseNumber => Some(cases::number_objection(txn, ctx, model.id).await?),
            };
            Ok((model, issued))
        })
        .await
}

/// Files a repair application for `client`, with the uploaded files of a web form (`staged`,
/// moved to their content-addressed names only once the application is known to be filed).
/// A client whose applications for an entry keep naming another subject is stopped for a while.
pub async fn apply_for_repair(
    state: &AppState,
    client: ClientAddr,
    application: Application,
    follow: Follow,
    staged: &[Staged],
) -> ApiResult<(repair::Model, Option<Issued>)> {
    // Failed standing checks are counted per entry and client, so the masked ID number on a
    // list cannot be completed by trying the hidden digits; the subject's own attempts from
    // elsewhere are not affected.
    let guesses = (application.entry_id, client.key());
    if let Err(wait) = state.standing_limiter.peek(&guesses) {
        let mut err = ApiError::new(
            ErrorCode::TooManyFilings,
            format!(
                "Too many applications from this client for entry `{}` named another subject; retry after {wait} seconds.",
                application.entry_id
            ),
        );
        err.retry_after = Some(wait);
        return Err(err);
    }
    let filer = filer(state, client);
    let data_dir = state.config.data_dir.clone();
    let applied = state
        .write("public".into(), async |txn, ctx| {
            let model =
                repairs::apply(txn, ctx, &state.calendar.current(), application, &filer).await?;
            let issued = match follow {
                Follow::ById => None,
                Follow::ByCaseNumber => Some(cases::number_repair(txn, ctx, model.id).await?),
            };
            for file in staged {
                file.keep(&data_dir).await?;
            }
            Ok((model, issued))
        })
        .await;
    if applied
        .as_ref()
        .is_err_and(|e| e.code == ErrorCode::NoStanding)
    {
        let _ = state.standing_limiter.check(guesses);
    }
    let (model, issued) = applied?;
    tracing::info!(repair.id = %model.id, entry.id = %model.entry_id, "credit repair applied for");
    Ok((model, issued))
}
