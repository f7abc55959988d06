//! What was chosen when this project was generated: the default port and the backing
//! services that must answer before the app reports ready. To add a dependency, add a
//! probe under src/probes/, declare its module here and add an entry to `dependencies()`.

use crate::readiness::Dependency;

#[path = "probes/mongodb.rs"]
mod mongodb;

#[path = "probes/redis.rs"]
mod redis;

pub const SERVICE_NAME: &str = "catalog";

/// The port when PORT is not set.
pub const DEFAULT_PORT: u16 = 8080;

pub fn dependencies() -> Vec<Dependency> {
    vec![
        // MongoDB: its URL arrives in DATABASE_URL (compose.yaml sets it).
        Dependency {
            name: "mongodb",
            env: "DATABASE_URL",
            schemes: mongodb::SCHEMES,
            probe: |url, timeout| Box::pin(async move { mongodb::probe(&url, timeout).await }),
        },
        // Valkey: its URL arrives in CACHE_URL (compose.yaml sets it).
        Dependency {
            name: "valkey",
            env: "CACHE_URL",
            schemes: redis::SCHEMES,
            probe: |url, timeout| Box::pin(async move { redis::probe(&url, timeout).await }),
        },
    ]
}
