//! Errors of the public pages, rendered as a friendly Chinese HTML page with the status of the
//! error code and its public message — never the internal cause, which goes to the log through
//! the same [`LoggedError`] extension the JSON API uses.

use super::view::{Layout, Section};
use crate::error::{ApiError, ErrorCode, LoggedError};
use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Form, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde::de::DeserializeOwned;

/// An error on its way to becoming an HTML error page.
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(err: ApiError) -> Self {
        Self(err)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    status: u16,
    title: &'static str,
    advice: String,
    code: &'static str,
    message: &'a str,
}

/// A Chinese heading and advice for an error code.
fn wording(err: &ApiError) -> (&'static str, String) {
    match err.code {
        ErrorCode::InvalidQueryParameter | ErrorCode::InvalidPathParameter => (
            "查询条件有误",
            "请检查输入的查询条件。每页最多显示 50 条，最多可翻阅前 1000 条结果；\
             结果较多时，请输入更完整的名称或统一社会信用代码以缩小范围。"
                .into(),
        ),
        ErrorCode::SubjectNotFound => (
            "未找到该信用主体",
            "该主体不存在，或其公示信息已到期移除。请通过信用查询重新检索。".into(),
        ),
        ErrorCode::NoticeNotFound => (
            "未找到该曝光信息",
            "该信息不存在、已撤回或已过公示期。".into(),
        ),
        ErrorCode::RouteNotFound => ("页面不存在", "请检查网址，或从导航重新进入。".into()),
        ErrorCode::MethodNotAllowed => (
            "不支持该请求",
            "该页面不接受这种请求方式，请从页面上的链接或表单进入。".into(),
        ),
        ErrorCode::IdNumberInUrl => (
            "请通过查询表单查询自然人",
            "为保护个人信息，姓名和身份证号码不能写在网址中。请在“自然人查询”表单中填写后提交。"
                .into(),
        ),
        ErrorCode::PersonLookupThrottled => (
            "该姓名今日查询次数已达上限",
            match err.retry_after {
                Some(secs) => format!(
                    "为防止通过反复尝试推测身份证号码，同一姓名每日可查询的次数有限，请在 {secs} 秒后（次日）再试。"
                ),
                None => {
                    "为防止通过反复尝试推测身份证号码，同一姓名每日可查询的次数有限，请次日再试。"
                        .into()
                }
            },
        ),
        ErrorCode::RateLimited => (
            "查询过于频繁",
            match err.retry_after {
                Some(secs) => format!("为保护公示数据，查询频率受到限制，请在 {secs} 秒后重试。"),
                None => "为保护公示数据，查询频率受到限制，请稍后重试。".into(),
            },
        ),
        ErrorCode::SearchUnavailable => (
            "查询服务暂时不可用",
            "检索服务正在恢复中，请稍后再试。已公示的数据不受影响。".into(),
        ),
        ErrorCode::DatabaseUnavailable => ("服务暂时不可用", "请稍后再试。".into()),
        ErrorCode::Forbidden => (
            "没有权限",
            "您的账号角色不能打开此页面或进行此操作；如需权限，请联系管理员。".into(),
        ),
        ErrorCode::CsrfFailed => (
            "表单已失效",
            "该表单缺少本次登录的安全校验码（可能页面已过期，或表单来自其他网站），未作任何处理。请刷新页面后重新提交。"
                .into(),
        ),
        code if code.status().is_client_error() => ("未能完成", crate::wording::zh(code).into()),
        _ => (
            "出错了",
            "服务器处理请求时出错，错误已记录，请稍后再试。".into(),
        ),
    }
}

/// Used only if the error template itself cannot be rendered.
const FALLBACK: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>出错了 - 信用汉中</title>\
    </head><body><main><h1>出错了</h1><p>请稍后再试。</p><p><a href=\"/\">返回信用查询</a></p></main></body></html>";

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let err = self.0;
        let status = err.code.status();
        let (title, advice) = wording(&err);
        let page = ErrorPage {
            layout: Layout::new(Section::None),
            status: status.as_u16(),
            title,
            advice,
            code: err.code.as_str(),
            message: &err.message,
        };
        let body = page.render().unwrap_or_else(|_| FALLBACK.to_owned());
        let mut response = (status, Html(body)).into_response();
        if let Some(secs) = err.retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response.extensions_mut().insert(LoggedError {
            code: err.code.as_str(),
            cause: err.cause,
        });
        response
    }
}

/// Query-string parameters whose rejection is an error page. Unknown parameters are ignored
/// (forms may add a button's name); values are checked by the page.
#[derive(Debug)]
pub(super) struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| PageQuery(v))
            .map_err(|rejection: QueryRejection| {
                let text = rejection.body_text();
                let detail = text.trim_start_matches("Failed to deserialize query string: ");
                PageError(ApiError::new(
                    ErrorCode::InvalidQueryParameter,
                    format!("Bad query string: {detail}"),
                ))
            })
    }
}

/// A posted form (`application/x-www-form-urlencoded`) whose rejection is an error page.
/// Unknown fields are ignored (a button's name); values are checked by the page.
#[derive(Debug)]
pub(super) struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Form::<T>::from_request(req, state)
            .await
            .map(|Form(v)| PageForm(v))
            .map_err(|rejection: FormRejection| {
                PageError(ApiError::new(
                    ErrorCode::InvalidQueryParameter,
                    format!("Bad form: {}", rejection.body_text()),
                ))
            })
    }
}

/// One path segment, as text; the page decides what an unparseable one means.
#[derive(Debug)]
pub(super) struct PagePath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PagePath {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| PagePath(v))
            .map_err(|rejection: PathRejection| {
                PageError(ApiError::new(
                    ErrorCode::InvalidPathParameter,
                    format!("Bad path: {}", rejection.body_text()),
                ))
            })
    }
}

/// Parses an optional whole number of a query parameter.
pub(super) fn number<T: std::str::FromStr>(
    field: &str,
    value: Option<&str>,
) -> Result<Option<T>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            ApiError::field(
                ErrorCode::InvalidQueryParameter,
                field,
                v,
                "must be a whole number",
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    async fn body(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        String::from_utf8(bytes.to_vec()).expect("utf-8")
    }

    #[tokio::test]
    async fn an_internal_error_page_keeps_its_cause_for_the_log_only() {
        let response =
            PageError(ApiError::internal("connection refused to db.internal:5432")).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let logged = response
            .extensions()
            .get::<LoggedError>()
            .cloned()
            .expect("logged");
        assert_eq!(
            logged.cause.as_deref(),
            Some("connection refused to db.internal:5432")
        );
        let html = body(response).await;
        assert!(html.contains("<html lang=\"zh-CN\">"), "{html}");
        assert!(html.contains("<h1 id=\"page-title\">出错了</h1>"), "{html}");
        assert!(!html.contains("db.internal"), "{html}");
    }

    #[tokio::test]
    async fn search_unavailable_is_a_503_page_that_says_when_to_retry() {
        let mut err = ApiError::new(
            ErrorCode::SearchUnavailable,
            "Search is unavailable right now; try again shortly.",
        );
        err.retry_after = Some(5);
        err.cause = Some("meilisearch: connection reset".into());
        let response = PageError(err).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "5");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        let html = body(response).await;
        assert!(html.contains("查询服务暂时不可用"), "{html}");
        assert!(html.contains("Search is unavailable right now"), "{html}");
        assert!(!html.contains("meilisearch"), "{html}");
    }

    #[tokio::test]
    async fn a_rate_limited_page_says_how_long_to_wait() {
        let mut err = ApiError::new(
            ErrorCode::RateLimited,
            "Too many requests; retry after 7 seconds.",
        );
        err.retry_after = Some(7);
        let response = PageError(err).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(body(response).await.contains("请在 7 秒后重试"));
    }
}
