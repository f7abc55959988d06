//! What was chosen when this project was generated: the default port and the backing
//! services that must answer before the app reports ready. To add a dependency, add a
//! probe under src/probes/, declare its module here and add an entry to `dependencies()`.

use crate::readiness::Dependency;

#[path = "probes/mysql.rs"]
mod mysql;

pub const SERVICE_NAME: &str = "ledger";

/// The port when PORT is not set.
pub const DEFAULT_PORT: u16 = 8080;

pub fn dependencies() -> Vec<Dependency> {
    vec![
        // MariaDB: its URL arrives in DATABASE_URL (compose.yaml sets it).
        Dependency {
            name: "mariadb",
            env: "DATABASE_URL",
            schemes: mysql::SCHEMES,
            probe: |url, timeout| Box::pin(async move { mysql::probe(&url, timeout).await }),
        },
    ]
}
