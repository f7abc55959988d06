//! All settings come from the environment (12-factor); nothing is read from files.

use std::fmt;
use std::time::Duration;

use tracing::Level;

use crate::logging::{LOG_LEVELS, parse_level};
use crate::readiness::Dependency;

#[derive(Debug)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub log_level: Level,
    pub shutdown_timeout: Duration,
    /// Each configured dependency with its URL, in declaration order.
    pub dependencies: Vec<(Dependency, String)>,
}

/// Lists every problem at once, so a bad deploy is fixed in one round trip.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}", self.problems.join("; "))
    }
}

impl std::error::Error for ConfigError {}

// The largest timeout other runtimes accept (2^31 - 1 ms), kept for the same settings everywhere.
const MAX_TIMEOUT_MS: u64 = 2_147_483_647;

/// Reads the settings through `env` (`std::env::var` in production, a map in tests).
pub fn load(
    env: impl Fn(&str) -> Option<String>,
    default_port: u16,
    dependencies: &[Dependency],
) -> Result<Config, ConfigError> {
    let mut problems = Vec::new();
    // Compose and Helm often render unset values as empty strings: treat them as unset.
    let read = |key: &str| {
        env(key)
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
    };

    let port = parse_integer(
        read("PORT"),
        u64::from(default_port),
        65_535,
        "PORT",
        &mut problems,
    ) as u16;
    let timeout_ms = parse_integer(
        read("SHUTDOWN_TIMEOUT_MS"),
        10_000,
        MAX_TIMEOUT_MS,
        "SHUTDOWN_TIMEOUT_MS",
        &mut problems,
    );

    let raw_level = read("LOG_LEVEL")
        .unwrap_or_else(|| "info".into())
        .to_ascii_lowercase();
    let log_level = parse_level(&raw_level).unwrap_or_else(|| {
        problems.push(format!(
            "LOG_LEVEL must be one of {}, got \"{raw_level}\"",
            LOG_LEVELS.join(", ")
        ));
        Level::INFO
    });

    let mut configured = Vec::new();
    for dependency in dependencies {
        let Some(url) = read(dependency.env) else {
            problems.push(format!(
                "{} is required ({} connection URL)",
                dependency.env, dependency.name
            ));
            continue;
        };
        // Only the scheme is checked here: the URL may carry credentials, so it is never
        // echoed back into logs.
        let scheme = url
            .split_once("://")
            .map(|(scheme, _)| scheme.to_ascii_lowercase());
        if !scheme.is_some_and(|scheme| dependency.schemes.contains(&scheme.as_str())) {
            let allowed: Vec<String> = dependency
                .schemes
                .iter()
                .map(|s| format!("{s}://"))
                .collect();
            problems.push(format!(
                "{} must be a URL starting with {}",
                dependency.env,
                allowed.join(" or ")
            ));
            continue;
        }
        configured.push((*dependency, url));
    }

    if !problems.is_empty() {
        return Err(ConfigError { problems });
    }
    Ok(Config {
        host: read("HOST").unwrap_or_else(|| "0.0.0.0".into()),
        port,
        log_level,
        shutdown_timeout: Duration::from_millis(timeout_ms),
        dependencies: configured,
    })
}

/// Digits only: "1e3", "0x10" and "-1" are typos that should fail loudly.
fn parse_integer(
    raw: Option<String>,
    fallback: u64,
    max: u64,
    key: &str,
    problems: &mut Vec<String>,
) -> u64 {
    let Some(raw) = raw else { return fallback };
    match raw.parse::<u64>() {
        Ok(value) if raw.bytes().all(|b| b.is_ascii_digit()) && value <= max => value,
        _ => {
            problems.push(format!(
                "{key} must be an integer between 0 and {max}, got \"{raw}\""
            ));
            fallback
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readiness::ProbeFuture;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |key| map.get(key).cloned()
    }

    fn never(_url: String, _timeout: Duration) -> ProbeFuture {
        Box::pin(async { Ok(()) })
    }

    const POSTGRES: Dependency = Dependency {
        name: "postgres",
        env: "DB_URL",
        schemes: &["postgres", "postgresql"],
        probe: never,
    };

    fn problems(result: Result<Config, ConfigError>) -> String {
        result
            .expect_err("expected a ConfigError")
            .problems
            .join("\n")
    }

    #[test]
    fn defaults() {
        let config = load(env(&[]), 3000, &[]).unwrap();
        assert_eq!(config.host, "0.0.0.0");
        assert_eq!(config.port, 3000);
        assert_eq!(config.log_level, Level::INFO);
        assert_eq!(config.shutdown_timeout, Duration::from_secs(10));
        assert!(config.dependencies.is_empty());
    }

    #[test]
    fn reads_every_setting_from_the_environment() {
        let config = load(
            env(&[
                ("HOST", "127.0.0.1"),
                ("PORT", "0"),
                ("LOG_LEVEL", "DEBUG"),
                ("SHUTDOWN_TIMEOUT_MS", "500"),
                ("DB_URL", "postgresql://app:secret@db:5432/app"),
            ]),
            3000,
            &[POSTGRES],
        )
        .unwrap();
        assert_eq!(config.host, "127.0.0.1");
        assert_eq!(config.port, 0);
        assert_eq!(config.log_level, Level::DEBUG);
        assert_eq!(config.shutdown_timeout, Duration::from_millis(500));
        assert_eq!(
            config.dependencies[0].1,
            "postgresql://app:secret@db:5432/app"
        );
    }

    #[test]
    fn empty_values_count_as_unset() {
        assert_eq!(
            load(env(&[("PORT", ""), ("LOG_LEVEL", " ")]), 3000, &[])
                .unwrap()
                .port,
            3000
        );
    }

    #[test]
    fn rejects_malformed_numbers_and_levels_listing_every_problem() {
        let error = load(
            env(&[
                ("PORT", "80a"),
                ("SHUTDOWN_TIMEOUT_MS", "1e3"),
                ("LOG_LEVEL", "verbose"),
            ]),
            3000,
            &[],
        )
        .unwrap_err();
        assert_eq!(error.problems.len(), 3);
        let text = error.problems.join("\n");
        assert!(
            text.contains("PORT must be an integer between 0 and 65535, got \"80a\""),
            "{text}"
        );
        assert!(text.contains("SHUTDOWN_TIMEOUT_MS"));
        assert!(text.contains("LOG_LEVEL must be one of debug, info, warn, error"));
    }

    #[test]
    fn rejects_out_of_range_ports_and_signs() {
        assert!(problems(load(env(&[("PORT", "65536")]), 3000, &[])).contains("PORT"));
        assert!(problems(load(env(&[("PORT", "+80")]), 3000, &[])).contains("PORT"));
    }

    #[test]
    fn requires_the_url_of_each_dependency() {
        assert!(problems(load(env(&[]), 3000, &[POSTGRES])).contains("DB_URL is required"));
    }

    #[test]
    fn rejects_a_dependency_url_with_the_wrong_scheme_without_echoing_it() {
        let text = problems(load(
            env(&[("DB_URL", "mysql://user:hunter2@db/app")]),
            3000,
            &[POSTGRES],
        ));
        assert!(
            text.contains("DB_URL must be a URL starting with postgres:// or postgresql://"),
            "{text}"
        );
        assert!(!text.contains("hunter2"));
    }
}
