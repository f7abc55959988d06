//! The HTTP routes, separate from the server so tests can mount them anywhere.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::readiness::{CheckStatus, Readiness};

/// Shared by every request; `shutting_down` is flipped by the shutdown handler.
pub struct AppState {
    pub shutting_down: AtomicBool,
    pub readiness: Readiness,
}

impl AppState {
    pub fn new(readiness: Readiness) -> Arc<Self> {
        Arc::new(Self {
            shutting_down: AtomicBool::new(false),
            readiness,
        })
    }
}

// Kubernetes probes hit these every few seconds: their access log lines go to debug so
// they don't drown the real traffic.
const PROBE_PATHS: &[&str] = &["/healthz", "/readyz"];

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        // Liveness: never look at dependencies, or a database outage would make
        // Kubernetes restart every healthy pod. GET routes answer HEAD too.
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        // Add your routes here.
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(headers))
        .layer(middleware::from_fn(access_log))
        .with_state(state)
}

async fn healthz() -> Response {
    json_response(StatusCode::OK, json!({ "status": "ok" }))
}

async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    // Fail readiness first so the load balancer drains this pod before it stops.
    if state.shutting_down.load(Ordering::SeqCst) {
        return ready_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting down",
            &BTreeMap::new(),
        );
    }
    let report = state.readiness.check().await;
    for (check, error) in &report.failures {
        tracing::warn!(check = %check, error = %error, "readiness check failed");
    }
    // Only check names and ok/fail go out: error details can reveal internal hostnames,
    // so they stay in the log line above.
    let (status, text) = if report.ready {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready")
    };
    ready_response(status, text, &report.checks)
}

fn ready_response(
    status: StatusCode,
    text: &str,
    checks: &BTreeMap<String, CheckStatus>,
) -> Response {
    (
        status,
        Json(ReadyBody {
            status: text,
            checks,
        }),
    )
        .into_response()
}

/// `{"status": ..., "checks": {"postgres": "ok"}}`, fields in this order.
#[derive(serde::Serialize)]
struct ReadyBody<'a> {
    status: &'a str,
    checks: &'a BTreeMap<String, CheckStatus>,
}

async fn not_found() -> Response {
    json_response(StatusCode::NOT_FOUND, json!({ "error": "not found" }))
}

// axum adds the Allow header listing the route's methods.
async fn method_not_allowed() -> Response {
    json_response(
        StatusCode::METHOD_NOT_ALLOWED,
        json!({ "error": "method not allowed" }),
    )
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// Headers every response carries: JSON here is never cached or content-sniffed.
async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// One line per request. The query string is left out on purpose: it often carries tokens.
async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let duration_ms = (started.elapsed().as_secs_f64() * 100_000.0).round() / 100.0;
    if PROBE_PATHS.contains(&path.as_str()) {
        tracing::debug!(method = %method, path = %path, status, durationMs = duration_ms, "request");
    } else {
        tracing::info!(method = %method, path = %path, status, durationMs = duration_ms, "request");
    }
    response
}

/// A raw HTTP/1.1 client and an app on a random port, for the tests.
#[cfg(test)]
pub mod testing {
    use std::net::SocketAddr;
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    #[derive(Debug)]
    pub struct HttpResponse {
        pub status: u16,
        pub headers: Vec<(String, String)>,
        pub body: String,
    }

    impl HttpResponse {
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }

        pub fn json(&self) -> serde_json::Value {
            serde_json::from_str(&self.body).expect("JSON body")
        }
    }

    /// Sends one request on an open connection and reads one response (keep-alive).
    pub async fn request_on(
        stream: &mut TcpStream,
        method: &str,
        path: &str,
        body: &str,
    ) -> HttpResponse {
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .await
            .expect("write request");
        let mut raw = Vec::new();
        let header_end = loop {
            if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await.expect("read response");
            assert!(n > 0, "connection closed before the response headers");
            raw.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8(raw[..header_end].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let length: usize = if method == "HEAD" {
            0
        } else {
            headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .map_or(0, |(_, v)| v.parse().unwrap())
        };
        let mut body = raw[header_end + 4..].to_vec();
        while body.len() < length {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await.expect("read body");
            assert!(n > 0, "connection closed before the body");
            body.extend_from_slice(&chunk[..n]);
        }
        HttpResponse {
            status,
            headers,
            body: String::from_utf8(body).unwrap(),
        }
    }

    pub async fn request(addr: SocketAddr, method: &str, path: &str) -> HttpResponse {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        tokio::time::timeout(
            Duration::from_secs(10),
            request_on(&mut stream, method, path, ""),
        )
        .await
        .expect("response in time")
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::logging::testing::capture;
    use crate::readiness::{Check, ProbeError};
    use std::net::SocketAddr;
    use std::sync::atomic::AtomicBool;

    async fn serve(database_up: Arc<AtomicBool>) -> (SocketAddr, Arc<AppState>) {
        let readiness = Readiness::new(vec![
            Check::new("postgres", move || {
                let up = database_up.load(Ordering::SeqCst);
                async move {
                    if up {
                        Ok(())
                    } else {
                        Err(ProbeError::new(
                            "10.0.0.7:5432: connect failed: Connection refused",
                        ))
                    }
                }
            }),
            Check::new("redis", || async { Ok(()) }),
        ]);
        let state = AppState::new(readiness);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = router(Arc::clone(&state));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (addr, state)
    }

    #[tokio::test]
    async fn healthz_is_200_ok_json() {
        let (addr, _) = serve(Arc::new(AtomicBool::new(true))).await;
        let response = request(addr, "GET", "/healthz").await;
        assert_eq!(response.status, 200);
        assert!(
            response
                .header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
        assert_eq!(response.header("cache-control"), Some("no-store"));
        assert_eq!(response.json(), json!({ "status": "ok" }));
    }

    #[tokio::test]
    async fn healthz_ignores_the_query_string_and_answers_head_without_a_body() {
        let (addr, _) = serve(Arc::new(AtomicBool::new(true))).await;
        assert_eq!(request(addr, "GET", "/healthz?verbose=1").await.status, 200);
        let head = request(addr, "HEAD", "/healthz").await;
        assert_eq!(head.status, 200);
        assert_eq!(head.body, "");
    }

    #[tokio::test]
    async fn readyz_is_200_when_every_check_passes() {
        let (addr, _) = serve(Arc::new(AtomicBool::new(true))).await;
        let response = request(addr, "GET", "/readyz").await;
        assert_eq!(response.status, 200);
        assert_eq!(
            response.json(),
            json!({ "status": "ready", "checks": { "postgres": "ok", "redis": "ok" } })
        );
    }

    #[tokio::test]
    async fn readyz_is_503_naming_the_failing_check_with_details_only_in_the_log() {
        let (lines, _guard) = capture();
        let (addr, _) = serve(Arc::new(AtomicBool::new(false))).await;
        let response = request(addr, "GET", "/readyz").await;
        assert_eq!(response.status, 503);
        assert_eq!(
            response.json(),
            json!({ "status": "not ready", "checks": { "postgres": "fail", "redis": "ok" } })
        );
        assert!(!response.body.contains("10.0.0.7"));
        let entries = lines.entries();
        let warning = entries
            .iter()
            .find(|e| e["msg"] == "readiness check failed")
            .expect("a warning line");
        assert_eq!(warning["level"], "warn");
        assert_eq!(warning["check"], "postgres");
        assert!(
            warning["error"]
                .as_str()
                .unwrap()
                .contains("Connection refused")
        );
    }

    #[tokio::test]
    async fn readyz_is_503_while_shutting_down() {
        let (addr, state) = serve(Arc::new(AtomicBool::new(true))).await;
        state.shutting_down.store(true, Ordering::SeqCst);
        let response = request(addr, "GET", "/readyz").await;
        assert_eq!(response.status, 503);
        assert_eq!(response.json()["status"], "shutting down");
    }

    #[tokio::test]
    async fn unknown_paths_are_404_json() {
        let (addr, _) = serve(Arc::new(AtomicBool::new(true))).await;
        let response = request(addr, "GET", "/nope").await;
        assert_eq!(response.status, 404);
        assert_eq!(response.json(), json!({ "error": "not found" }));
    }

    #[tokio::test]
    async fn a_wrong_method_is_405_json_with_an_allow_header() {
        let (addr, _) = serve(Arc::new(AtomicBool::new(true))).await;
        let response = request(addr, "POST", "/healthz").await;
        assert_eq!(response.status, 405);
        let allow = response.header("allow").expect("Allow header");
        assert!(allow.contains("GET") && allow.contains("HEAD"), "{allow}");
        assert_eq!(response.json(), json!({ "error": "method not allowed" }));
    }

    #[tokio::test]
    async fn access_log_probes_at_debug_other_requests_at_info_without_the_query_string() {
        let (lines, _guard) = capture();
        let (addr, _) = serve(Arc::new(AtomicBool::new(true))).await;
        request(addr, "GET", "/healthz").await;
        request(addr, "GET", "/missing?token=secret").await;
        let access: Vec<_> = lines
            .entries()
            .into_iter()
            .filter(|e| e["msg"] == "request")
            .collect();
        let summary: Vec<_> = access
            .iter()
            .map(|e| (e["level"].clone(), e["path"].clone(), e["status"].clone()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (json!("debug"), json!("/healthz"), json!(200)),
                (json!("info"), json!("/missing"), json!(404))
            ]
        );
        assert!(access[0]["durationMs"].is_number());
        assert!(!lines.text().contains("secret"));
    }
}
