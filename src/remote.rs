//! Commands that ask a running server instead of opening the data themselves: `xinyong reindex
//! --server URL`. A plain HTTP/1.1 exchange (the server is local to whoever runs the command, or
//! behind its reverse proxy's plain-HTTP side), so the binary needs no HTTP client library.

use crate::startup::StartError;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn failed(e: impl std::fmt::Display) -> StartError {
    StartError::Config(format!("reindex --server: {e}"))
}

/// `host:port` and the path prefix of an `http://` address.
fn authority(server: &str) -> Result<(&str, &str), StartError> {
    let rest = server.strip_prefix("http://").ok_or_else(|| {
        failed(format!(
            "`{server}` is not an http:// address (use the server's own address, e.g. http://127.0.0.1:8080)"
        ))
    })?;
    let (host, prefix) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    if host.is_empty() {
        return Err(failed(format!("`{server}` names no host")));
    }
    Ok((host, prefix.trim_end_matches('/')))
}

/// Sends one request and returns the status and the body.
async fn send(
    server: &str,
    method: &str,
    path: &str,
    token: &str,
) -> Result<(u16, Value), StartError> {
    let (host, prefix) = authority(server)?;
    let target = if prefix.is_empty() {
        path.to_owned()
    } else {
        format!("/{prefix}{path}")
    };
    let mut stream = tokio::time::timeout(
        Duration::from_secs(10),
        tokio::net::TcpStream::connect(host),
    )
    .await
    .map_err(|_| failed(format!("connecting to {host} timed out")))?
    .map_err(|e| failed(format!("cannot connect to {host}: {e}")))?;
    let request = format!(
        "{method} {target} HTTP/1.1\r\nhost: {host}\r\nauthorization: Bearer {token}\r\naccept: application/json\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.map_err(failed)?;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw))
        .await
        .map_err(|_| failed("the server did not answer within 30 s"))?
        .map_err(failed)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| failed("the server's answer has no header block"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| failed("the server's answer has no status"))?;
    let body = serde_json::from_str(body).unwrap_or(Value::String(body.to_owned()));
    Ok((status, body))
}

/// What an error body says, or the body itself.
fn said(body: &Value) -> String {
    match (body["code"].as_str(), body["message"].as_str()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        _ => body.to_string(),
    }
}

/// `xinyong reindex --server URL`: asks the server to rebuild (or follows the rebuild already
/// running), printing its progress until it is done.
pub async fn reindex(server: &str, token: Option<&str>) -> Result<(), StartError> {
    let token = token
        .ok_or_else(|| failed("an administrator's token is needed: --token or XINYONG_TOKEN"))?;
    let (status, body) = send(server, "POST", "/api/v1/office/reindex", token).await?;
    match status {
        202 => eprintln!("the server is rebuilding the search index; lookups keep answering"),
        409 => eprintln!("a rebuild is already running on the server; following it"),
        _ => {
            return Err(failed(format!(
                "the server answered {status}: {}",
                said(&body)
            )));
        }
    }
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg:>9} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (status, body) = send(server, "GET", "/api/v1/office/reindex", token).await?;
        if status != 200 {
            return Err(failed(format!(
                "the server answered {status}: {}",
                said(&body)
            )));
        }
        match body["state"].as_str() {
            Some("running") => {
                bar.set_message(body["index"].as_str().unwrap_or("").to_owned());
                bar.set_length(body["total"].as_u64().unwrap_or(0));
                bar.set_position(body["done"].as_u64().unwrap_or(0));
            }
            Some("done") => {
                bar.finish_and_clear();
                eprintln!(
                    "the server rebuilt {} subjects, {} entries, {} notices and swapped them in",
                    body["subjects"], body["entries"], body["notices"]
                );
                return Ok(());
            }
            Some("failed") => {
                bar.finish_and_clear();
                return Err(failed(format!(
                    "the rebuild failed on the server (its live indexes are kept): {}",
                    body["error"].as_str().unwrap_or("no reason given")
                )));
            }
            _ => return Err(failed(format!("unexpected status: {body}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_split_into_host_and_prefix() {
        assert!(matches!(
            authority("http://127.0.0.1:8080"),
            Ok(("127.0.0.1:8080", ""))
        ));
        assert!(matches!(
            authority("http://localhost:80/xy/"),
            Ok(("localhost:80", "xy"))
        ));
        assert!(authority("https://example.org").is_err());
        assert!(authority("http://").is_err());
    }
}
