//! What was chosen when this project was generated: the default port and the backing
//! services that must answer before the app reports ready. To add a dependency, add a
//! probe under src/probes/, declare its module here and add an entry to `dependencies()`.

use crate::readiness::Dependency;

#[path = "probes/mysql.rs"]
mod mysql;

#[path = "probes/memcached.rs"]
mod memcached;

pub const SERVICE_NAME: &str = "billing";

/// The port when PORT is not set.
pub const DEFAULT_PORT: u16 = 3000;

pub fn dependencies() -> Vec<Dependency> {
    vec![
        // MySQL: its URL arrives in DATABASE_URL (compose.yaml sets it).
        Dependency {
            name: "mysql",
            env: "DATABASE_URL",
            schemes: mysql::SCHEMES,
            probe: |url, timeout| Box::pin(async move { mysql::probe(&url, timeout).await }),
        },
        // Memcached: its URL arrives in CACHE_URL (compose.yaml sets it).
        Dependency {
            name: "memcached",
            env: "CACHE_URL",
            schemes: memcached::SCHEMES,
            probe: |url, timeout| Box::pin(async move { memcached::probe(&url, timeout).await }),
        },
    ]
}
