//! What was chosen when this project was generated: the default port and the backing
//! services that must answer before the app reports ready. To add a dependency, add a
//! probe under src/probes/, declare its module here and add an entry to `dependencies()`.

use crate::readiness::Dependency;

#[path = "probes/postgres.rs"]
mod postgres;

#[path = "probes/redis.rs"]
mod redis;

pub const SERVICE_NAME: &str = "orders-api";

/// The port when PORT is not set.
pub const DEFAULT_PORT: u16 = 8080;

pub fn dependencies() -> Vec<Dependency> {
    vec![
        // PostgreSQL: its URL arrives in DATABASE_URL (compose.yaml sets it).
        Dependency {
            name: "postgres",
            env: "DATABASE_URL",
            schemes: postgres::SCHEMES,
            probe: |url, timeout| Box::pin(async move { postgres::probe(&url, timeout).await }),
        },
        // Redis: its URL arrives in CACHE_URL (compose.yaml sets it).
        Dependency {
            name: "redis",
            env: "CACHE_URL",
            schemes: redis::SCHEMES,
            probe: |url, timeout| Box::pin(async move { redis::probe(&url, timeout).await }),
        },
    ]
}
