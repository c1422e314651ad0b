//! The public error contract. Every non-2xx body is `{code, type, message, link}`; the codes come
//! from the one table below. A code is part of the API: renaming one is a breaking change, which is
//! why a test pins the whole table.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The broad class of an error, as in the `type` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    /// The request is wrong; fix it before sending it again.
    InvalidRequest,
    /// Missing or insufficient credentials.
    Auth,
    /// The request conflicts with the current state of a resource.
    Conflict,
    /// Something failed on our side or in a system we depend on.
    System,
}

macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])+ $variant:ident = ($code:literal, $status:ident, $ty:ident), )*) => {
        /// Every error code the API can answer with.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ErrorCode {
            $( $(#[doc = $doc])+ $variant, )*
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The stable snake_case code.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The HTTP status that carries it.
            pub const fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$status,)* }
            }

            /// Its class.
            pub const fn error_type(self) -> ErrorType {
                match self { $(ErrorCode::$variant => ErrorType::$ty,)* }
            }

            /// What it means, for the documentation page.
            pub fn description(self) -> &'static str {
                match self { $(ErrorCode::$variant => concat!($($doc),+).trim_ascii(),)* }
            }
        }
    };
}

error_codes! {
    /// The body is not valid JSON.
    MalformedPayload = ("malformed_payload", BAD_REQUEST, InvalidRequest),
    /// The body is JSON of the wrong shape: an unknown or missing field, or a wrong type.
    InvalidRequestBody = ("invalid_request_body", BAD_REQUEST, InvalidRequest),
    /// The body is not sent as `application/json`.
    InvalidContentType = ("invalid_content_type", UNSUPPORTED_MEDIA_TYPE, InvalidRequest),
    /// The body is larger than the server accepts.
    PayloadTooLarge = ("payload_too_large", PAYLOAD_TOO_LARGE, InvalidRequest),
    /// A query-string parameter is malformed or out of range.
    InvalidQueryParameter = ("invalid_query_parameter", BAD_REQUEST, InvalidRequest),
    /// A path segment is malformed, such as an id that is not a UUID.
    InvalidPathParameter = ("invalid_path_parameter", BAD_REQUEST, InvalidRequest),
    /// No route matches the path.
    RouteNotFound = ("route_not_found", NOT_FOUND, InvalidRequest),
    /// The route exists but not with this method.
    MethodNotAllowed = ("method_not_allowed", METHOD_NOT_ALLOWED, InvalidRequest),
    /// No valid bearer token was sent.
    Unauthenticated = ("unauthenticated", UNAUTHORIZED, Auth),
    /// The token is valid but its role may not do this.
    Forbidden = ("forbidden", FORBIDDEN, Auth),
    /// The subject kind is not one of the known kinds.
    InvalidSubjectKind = ("invalid_subject_kind", BAD_REQUEST, InvalidRequest),
    /// The subject name is empty or too long.
    InvalidSubjectName = ("invalid_subject_name", BAD_REQUEST, InvalidRequest),
    /// The unified social credit code fails GB 32100 (length, alphabet, division or check characters).
    InvalidSubjectUscc = ("invalid_subject_uscc", BAD_REQUEST, InvalidRequest),
    /// The resident ID number fails GB 11643, or is missing for a natural person.
    InvalidSubjectIdNumber = ("invalid_subject_id_number", BAD_REQUEST, InvalidRequest),
    /// The division code is not a GB/T 2260 code.
    InvalidSubjectRegion = ("invalid_subject_region", BAD_REQUEST, InvalidRequest),
    /// A field that this kind of subject may not carry (an address or legal representative of a natural person).
    InvalidSubjectField = ("invalid_subject_field", BAD_REQUEST, InvalidRequest),
    /// The code's prefix does not agree with the subject kind (a `92` code is an individual business).
    SubjectKindCodeMismatch = ("subject_kind_code_mismatch", BAD_REQUEST, InvalidRequest),
    /// Minors are never published.
    SubjectIsMinor = ("subject_is_minor", BAD_REQUEST, InvalidRequest),
    /// No subject has this id.
    SubjectNotFound = ("subject_not_found", NOT_FOUND, InvalidRequest),
    /// A subject with this code or ID number already exists.
    SubjectAlreadyExists = ("subject_already_exists", CONFLICT, Conflict),
    /// The subject changed since the version the update was based on.
    SubjectVersionConflict = ("subject_version_conflict", CONFLICT, Conflict),
    /// The list is not one of `red`, `black`, `key_attention`.
    InvalidEntryList = ("invalid_entry_list", BAD_REQUEST, InvalidRequest),
    /// The severity class is unknown, missing for a black entry, or not publishable under the rule in force.
    InvalidEntrySeverity = ("invalid_entry_severity", BAD_REQUEST, InvalidRequest),
    /// A required text field of the entry is empty or too long.
    InvalidEntryField = ("invalid_entry_field", BAD_REQUEST, InvalidRequest),
    /// A black-list entry needs its legal basis (认定依据).
    MissingEntryLegalBasis = ("missing_entry_legal_basis", BAD_REQUEST, InvalidRequest),
    /// Dates out of order or in the future (decision ≤ listing ≤ today; validity start ≤ end).
    InvalidEntryDates = ("invalid_entry_dates", BAD_REQUEST, InvalidRequest),
    /// The deciding authority's or data source's code is not a valid USCC.
    InvalidEntryUscc = ("invalid_entry_uscc", BAD_REQUEST, InvalidRequest),
    /// No entry has this id.
    EntryNotFound = ("entry_not_found", NOT_FOUND, InvalidRequest),
    /// An entry with this authority and document number already exists.
    EntryAlreadyExists = ("entry_already_exists", CONFLICT, Conflict),
    /// The entry changed since the version the update was based on.
    EntryVersionConflict = ("entry_version_conflict", CONFLICT, Conflict),
    /// Only a draft entry can be edited or published.
    EntryNotDraft = ("entry_not_draft", CONFLICT, Conflict),
    /// Only an entry waiting for review can be approved or rejected.
    EntryNotPendingReview = ("entry_not_pending_review", CONFLICT, Conflict),
    /// The person who submitted an entry cannot also review it (maker-checker).
    ReviewerIsSubmitter = ("reviewer_is_submitter", FORBIDDEN, Auth),
    /// Maker-checker: the member who created or last edited an entry (or created a notice) cannot
    /// review or publish it.
    ReviewerIsMaker = ("reviewer_is_maker", FORBIDDEN, Auth),
    /// Maker-checker: the member who accepted a repair application cannot decide it.
    ReviewerIsAcceptor = ("reviewer_is_acceptor", FORBIDDEN, Auth),
    /// No revision with this id.
    RevisionNotFound = ("revision_not_found", NOT_FOUND, InvalidRequest),
    /// The revision changed since the caller read it.
    RevisionVersionConflict = ("revision_version_conflict", CONFLICT, Conflict),
    /// Only a pending revision can be approved or rejected.
    RevisionNotPending = ("revision_not_pending", CONFLICT, Conflict),
    /// The agency changed since the caller read it.
    AgencyVersionConflict = ("agency_version_conflict", CONFLICT, Conflict),
    /// The record's deciding authority is not registered for the submitting agency.
    AuthorityNotRegistered = ("authority_not_registered", FORBIDDEN, Auth),
    /// A code or ID number names an existing subject, but the record's name is another.
    SubjectNameMismatch = ("subject_name_mismatch", CONFLICT, Conflict),
    /// A rejection needs its reason, which goes back to the editor.
    MissingReviewReason = ("missing_review_reason", BAD_REQUEST, InvalidRequest),
    /// Only a published entry can be withdrawn.
    EntryNotPublished = ("entry_not_published", CONFLICT, Conflict),
    /// A notice field is empty, too long or of an unknown value.
    InvalidNoticeField = ("invalid_notice_field", BAD_REQUEST, InvalidRequest),
    /// No notice has this id.
    NoticeNotFound = ("notice_not_found", NOT_FOUND, InvalidRequest),
    /// The notice changed since the version the update was based on.
    NoticeVersionConflict = ("notice_version_conflict", CONFLICT, Conflict),
    /// Only a draft notice can be edited or published.
    NoticeNotDraft = ("notice_not_draft", CONFLICT, Conflict),
    /// Only a published notice can be withdrawn.
    NoticeNotPublished = ("notice_not_published", CONFLICT, Conflict),
    /// A staff field is empty or of an unknown value.
    InvalidStaffField = ("invalid_staff_field", BAD_REQUEST, InvalidRequest),
    /// The withdrawal reason is missing; withdrawals are published with their reason.
    MissingWithdrawalReason = ("missing_withdrawal_reason", BAD_REQUEST, InvalidRequest),
    /// An objection or repair field is missing or invalid.
    InvalidCaseField = ("invalid_case_field", BAD_REQUEST, InvalidRequest),
    /// No objection has this id.
    ObjectionNotFound = ("objection_not_found", NOT_FOUND, InvalidRequest),
    /// The objection changed since the version the change was based on.
    ObjectionVersionConflict = ("objection_version_conflict", CONFLICT, Conflict),
    /// The objection is not in a state that allows this step.
    ObjectionWrongState = ("objection_wrong_state", CONFLICT, Conflict),
    /// No repair application has this id.
    RepairNotFound = ("repair_not_found", NOT_FOUND, InvalidRequest),
    /// The repair application changed since the version the change was based on.
    RepairVersionConflict = ("repair_version_conflict", CONFLICT, Conflict),
    /// The repair application is not in a state that allows this step.
    RepairWrongState = ("repair_wrong_state", CONFLICT, Conflict),
    /// Credit repair may be applied for only once the minimum publicity period has passed.
    RepairTooEarly = ("repair_too_early", CONFLICT, Conflict),
    /// This entry cannot be repaired: only published black or key-attention entries with a period.
    RepairNotApplicable = ("repair_not_applicable", CONFLICT, Conflict),
    /// An agency or key field is missing or invalid (an unknown scope, a bad code).
    InvalidAgencyField = ("invalid_agency_field", BAD_REQUEST, InvalidRequest),
    /// No agency has this id.
    AgencyNotFound = ("agency_not_found", NOT_FOUND, InvalidRequest),
    /// An agency with this code is already registered.
    AgencyAlreadyExists = ("agency_already_exists", CONFLICT, Conflict),
    /// No API key has this id.
    KeyNotFound = ("key_not_found", NOT_FOUND, InvalidRequest),
    /// The API key lacks the scope this endpoint needs.
    MissingScope = ("missing_scope", FORBIDDEN, Auth),
    /// The batch has more records than one call may carry.
    BatchTooLarge = ("batch_too_large", BAD_REQUEST, InvalidRequest),
    /// A subject to screen is missing or invalid (no code or name, a bad code or ID number).
    InvalidScreeningField = ("invalid_screening_field", BAD_REQUEST, InvalidRequest),
    /// Screening a natural person needs the legal basis stated in the request.
    MissingScreeningLegalBasis = ("missing_screening_legal_basis", BAD_REQUEST, InvalidRequest),
    /// A cell of an imported file cannot be understood (an unknown label, a date that is not one).
    InvalidFileCell = ("invalid_file_cell", BAD_REQUEST, InvalidRequest),
    /// The record's natural key (authority, document number) belongs to another agency's record.
    EntryOwnedByAnotherAgency = ("entry_owned_by_another_agency", CONFLICT, Conflict),
    /// The working-day calendar sent cannot be used: no holidays, a year without 1 January, an adjusted working day that is not a Saturday or Sunday of a year it covers, or a day both holiday and working day.
    InvalidCalendar = ("invalid_calendar", BAD_REQUEST, InvalidRequest),
    /// Too many requests from this client; retry after the `Retry-After` seconds.
    RateLimited = ("rate_limited", TOO_MANY_REQUESTS, InvalidRequest),
    /// The search engine cannot be reached; the change is kept and indexed when it is back.
    SearchUnavailable = ("search_unavailable", SERVICE_UNAVAILABLE, System),
    /// The database cannot be reached.
    DatabaseUnavailable = ("database_unavailable", SERVICE_UNAVAILABLE, System),
    /// Not ready: the oldest change not yet applied to the search index is older than the
    /// configured limit (`XINYONG_READY_MAX_OUTBOX_LAG_SECS`), so lookups may answer stale data.
    IndexingBehind = ("indexing_behind", SERVICE_UNAVAILABLE, System),
    /// An unexpected error; it has been logged.
    Internal = ("internal", INTERNAL_SERVER_ERROR, System),
    /// The login name, password or second-factor code is wrong, or the account is disabled.
    InvalidCredentials = ("invalid_credentials", UNAUTHORIZED, Auth),
    /// The account has a second factor: send the current code of the authenticator app as `totp`.
    TotpRequired = ("totp_required", UNAUTHORIZED, Auth),
    /// Too many failed logins for this account or from this client; retry after `Retry-After`.
    LoginThrottled = ("login_throttled", TOO_MANY_REQUESTS, Auth),
    /// A state-changing request of a console session lacks its CSRF token (`X-CSRF-Token`).
    CsrfFailed = ("csrf_failed", FORBIDDEN, Auth),
    /// The token, key or session has expired.
    CredentialExpired = ("credential_expired", UNAUTHORIZED, Auth),
    /// No staff member has this id.
    StaffNotFound = ("staff_not_found", NOT_FOUND, InvalidRequest),
    /// The staff member was changed since it was read; read it again.
    StaffVersionConflict = ("staff_version_conflict", CONFLICT, Conflict),
    /// An administrator cannot disable or demote themselves, nor the last active administrator.
    LastAdmin = ("last_admin", CONFLICT, Conflict),
    /// No staff token has this id (or it is not yours).
    TokenNotFound = ("token_not_found", NOT_FOUND, InvalidRequest),
    /// The key has used its daily quota; it resets at midnight, Beijing time.
    DailyQuotaExceeded = ("daily_quota_exceeded", TOO_MANY_REQUESTS, InvalidRequest),
    /// Free text (reasons, facts, notices, objections, repairs) contains what looks like an ID
    /// number or a mobile number; personal data is never published, indexed or audited in text.
    PersonalDataInText = ("personal_data_in_text", BAD_REQUEST, InvalidRequest),
    /// The request's body was not received in time: it paused longer than the server waits for its next part (`XINYONG_BODY_TIMEOUT_SECS`).
    RequestTimeout = ("request_timeout", REQUEST_TIMEOUT, InvalidRequest),
    /// The request took longer than the server allows (`XINYONG_REQUEST_TIMEOUT_SECS`) and was stopped; a change it was making was not kept.
    ServerTimeout = ("server_timeout", SERVICE_UNAVAILABLE, System),
    /// The server is handling as many requests as it takes at once; retry after the `Retry-After` seconds.
    Overloaded = ("overloaded", SERVICE_UNAVAILABLE, System),
    /// `/metrics` is not served on this address: it needs `XINYONG_METRICS_TOKEN` (then send it as a bearer token) or is served on `XINYONG_METRICS_ADDR` only.
    MetricsDisabled = ("metrics_disabled", FORBIDDEN, Auth),
    /// Too many objections or repair applications for this entry: from this client while its earlier ones are open, from everyone today, or (repairs) too many from this client whose subject did not match; retry after `Retry-After`.
    TooManyFilings = ("too_many_filings", TOO_MANY_REQUESTS, InvalidRequest),
    /// The subject a repair application names (code and name, or name and ID number for a person) is not the entry's subject: only the listed subject may apply.
    NoStanding = ("no_standing", FORBIDDEN, Auth),
    /// A natural person's name or ID number was sent in the address (a query string): send the person lookup by `POST` with the name and ID number in the body, where they are never logged or cached.
    IdNumberInUrl = ("id_number_in_url", BAD_REQUEST, InvalidRequest),
    /// This name has been looked up as many times today as a name may be (`XINYONG_PERSON_LOOKUPS_PER_NAME_DAY`), from all clients together, so that the hidden digits of a masked ID number cannot be guessed; retry after `Retry-After`.
    PersonLookupThrottled = ("person_lookup_throttled", TOO_MANY_REQUESTS, InvalidRequest),
    /// A rebuild of the search index is already running; follow it with `GET /api/v1/office/reindex`.
    ReindexRunning = ("reindex_running", CONFLICT, Conflict),
    /// No report, search proof or receipt was issued with this verification code or id.
    DocumentNotFound = ("document_not_found", NOT_FOUND, InvalidRequest),
    /// A credit report about a natural person is issued only to that person: send the name and ID number (`POST`).
    ReportNeedsStanding = ("report_needs_standing", FORBIDDEN, Auth),
    /// Too many reports or search proofs from this client; retry after `Retry-After`.
    TooManyReports = ("too_many_reports", TOO_MANY_REQUESTS, InvalidRequest),
    /// PDF reports need a CJK font (`XINYONG_REPORT_FONT`) and none was found; the HTML and JSON reports still work.
    PdfUnavailable = ("pdf_unavailable", SERVICE_UNAVAILABLE, System),
    /// The file given to verify is not a signed JSON document nor a PDF that carries one.
    InvalidDocument = ("invalid_document", BAD_REQUEST, InvalidRequest),
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `invalid_subject_uscc`.
    pub code: &'static str,
    /// `invalid_request`, `auth`, `conflict` or `system`.
    #[serde(rename = "type")]
    pub error_type: ErrorType,
    /// What went wrong, naming the field and value where there is one.
    pub message: String,
    /// Where the code is documented.
    pub link: String,
}

/// An error on its way to becoming a response. The cause (for 5xx) is kept for the log only.
#[derive(Debug)]
pub struct ApiError {
    /// The code.
    pub code: ErrorCode,
    /// The public message.
    pub message: String,
    /// The internal cause, logged once by the error-logging middleware and never sent.
    pub cause: Option<String>,
    /// Seconds to wait, sent as `Retry-After` with 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a public message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            cause: None,
            retry_after: None,
        }
    }

    /// An error about one field: the message names the field and the offending value.
    pub fn field(
        code: ErrorCode,
        field: &str,
        value: &str,
        reason: impl std::fmt::Display,
    ) -> Self {
        Self::new(code, format!("`{field}`: `{value}` {reason}"))
    }

    /// An internal error: a generic public message, the cause only in the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self {
            code: ErrorCode::Internal,
            message: "An internal error occurred; it has been logged.".into(),
            cause: Some(cause.to_string()),
            retry_after: None,
        }
    }

    /// The body this error is rendered as.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code.as_str(),
            error_type: self.code.error_type(),
            message: self.message.clone(),
            link: error_link(self.code),
        }
    }
}

/// The documentation link of a code.
pub fn error_link(code: ErrorCode) -> String {
    format!("/api/errors#{}", code.as_str())
}

/// Logged by the error-logging middleware, which finds it in the response extensions.
#[derive(Clone, Debug)]
pub struct LoggedError {
    /// The code answered.
    pub code: &'static str,
    /// The internal cause, if any.
    pub cause: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.code.status();
        let mut response = (status, axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(value) = axum::http::HeaderValue::from_str(&secs.to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response.extensions_mut().insert(LoggedError {
            code: self.code.as_str(),
            cause: self.cause,
        });
        response
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        match &err {
            sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_) => Self {
                code: ErrorCode::DatabaseUnavailable,
                message: "The database cannot be reached; try again shortly.".into(),
                cause: Some(err.to_string()),
                retry_after: Some(5),
            },
            _ => Self::internal(err),
        }
    }
}

impl From<search::Error> for ApiError {
    fn from(err: search::Error) -> Self {
        if let search::Error::InvalidQuery(reason) = &err {
            return Self::new(
                ErrorCode::InvalidQueryParameter,
                format!("The search cannot be run: {reason}"),
            );
        }
        if err.is_unavailable() {
            Self {
                code: ErrorCode::SearchUnavailable,
                message: "Search is unavailable right now; try again shortly.".into(),
                cause: Some(err.to_string()),
                retry_after: Some(5),
            }
        } else {
            Self::internal(err)
        }
    }
}

/// Result of a handler or service.
pub type ApiResult<T> = Result<T, ApiError>;
