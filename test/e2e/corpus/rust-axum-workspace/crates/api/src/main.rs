use std::net::SocketAddr;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use entity::Bookmark;
use redis::AsyncCommands;

#[derive(Clone)]
struct AppState {
    redis: redis::Client,
}

#[tokio::main]
async fn main() {
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    // Client::open only parses the URL; connections are made per request.
    let redis_url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_string());
    let state = AppState { redis: redis::Client::open(redis_url).expect("REDIS_URL is not a valid redis URL") };

    let app = Router::new()
        .route("/health", get(|| async { "OK" }))
        .route("/bookmarks", get(list_bookmarks))
        .route("/hits", post(hit))
        .with_state(state);

    let addr = SocketAddr::from(([0, 0, 0, 0], port));
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    println!("bookmarks-api listening on {addr}");
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await.unwrap();
}

async fn list_bookmarks() -> Json<Vec<Bookmark>> {
    Json(vec![Bookmark { id: 1, url: "https://www.rust-lang.org".into(), title: "Rust".into() }])
}

async fn hit(State(state): State<AppState>) -> Result<Json<i64>, StatusCode> {
    let mut conn = state.redis.get_multiplexed_async_connection().await.map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    let hits: i64 = conn.incr("hits", 1).await.map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    Ok(Json(hits))
}

async fn shutdown() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = term.recv() => {},
    }
}
