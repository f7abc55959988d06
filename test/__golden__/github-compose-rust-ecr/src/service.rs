//! What was chosen when this project was generated: the default port and the backing
//! services that must answer before the app reports ready. To add a dependency, add a
//! probe under src/probes/, declare its module here and add an entry to `dependencies()`.

use crate::readiness::Dependency;

pub const SERVICE_NAME: &str = "pricing";

/// The port when PORT is not set.
pub const DEFAULT_PORT: u16 = 8080;

pub fn dependencies() -> Vec<Dependency> {
    vec![
        // None were chosen: /readyz answers ready as soon as the server listens.
    ]
}
