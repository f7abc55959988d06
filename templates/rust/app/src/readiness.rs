//! Readiness: the checks behind `GET /readyz`, run in parallel, with one run shared by
//! every caller that arrives while it is in flight.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

/// Why a dependency is not ready, in words fit for a log line (never a password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeError(pub String);

impl ProbeError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for ProbeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProbeError {}

pub type ProbeFuture = Pin<Box<dyn Future<Output = Result<(), ProbeError>> + Send>>;

/// Checks one dependency: resolves when it answers within the timeout.
pub type Probe = fn(url: String, timeout: Duration) -> ProbeFuture;

/// A backing service the app needs before it can take traffic.
#[derive(Clone, Copy)]
pub struct Dependency {
    /// Name shown in /readyz and in logs, e.g. "postgres".
    pub name: &'static str,
    /// Environment variable holding its connection URL, e.g. `DATABASE_URL`.
    pub env: &'static str,
    /// URL schemes the probe understands, without "://", e.g. "postgres".
    pub schemes: &'static [&'static str],
    pub probe: Probe,
}

impl fmt::Debug for Dependency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dependency")
            .field("name", &self.name)
            .field("env", &self.env)
            .finish()
    }
}

pub type CheckFn = Arc<dyn Fn() -> ProbeFuture + Send + Sync>;

/// One named check; `run` starts a fresh attempt each time it is called.
#[derive(Clone)]
pub struct Check {
    pub name: String,
    pub run: CheckFn,
}

impl Check {
    pub fn new<F, Fut>(name: impl Into<String>, run: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), ProbeError>> + Send + 'static,
    {
        Self {
            name: name.into(),
            run: Arc::new(move || Box::pin(run()) as ProbeFuture),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    Fail,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub ready: bool,
    pub checks: BTreeMap<String, CheckStatus>,
    /// Check name and error, for the log only: errors can name internal hosts.
    pub failures: Vec<(String, ProbeError)>,
}

type Slot = Arc<Mutex<Option<watch::Receiver<Option<Arc<Report>>>>>>;

/// Runs every check in parallel. Concurrent callers share one run, so a burst of /readyz
/// requests never turns into a burst of connections to the database.
#[derive(Clone)]
pub struct Readiness {
    checks: Arc<[Check]>,
    in_flight: Slot,
}

impl Readiness {
    pub fn new(checks: Vec<Check>) -> Self {
        Self {
            checks: checks.into(),
            in_flight: Arc::default(),
        }
    }

    pub async fn check(&self) -> Arc<Report> {
        let mut receiver = {
            let mut slot = self
                .in_flight
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match slot.as_ref() {
                Some(receiver) => receiver.clone(),
                None => {
                    let (sender, receiver) = watch::channel(None);
                    *slot = Some(receiver.clone());
                    let checks = Arc::clone(&self.checks);
                    let in_flight = Arc::clone(&self.in_flight);
                    // A task of its own: the run finishes (and the slot is cleared) even if
                    // every caller has gone away.
                    tokio::spawn(async move {
                        let report = Arc::new(run_all(&checks).await);
                        in_flight
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .take();
                        let _ = sender.send(Some(report));
                    });
                    receiver
                }
            }
        };
        match receiver.wait_for(Option::is_some).await {
            Ok(report) => Arc::clone(report.as_ref().expect("waited for Some")),
            // The run's task died without reporting (a panic in the runtime): not ready.
            Err(_) => Arc::new(Report {
                ready: false,
                ..Report::default()
            }),
        }
    }
}

async fn run_all(checks: &[Check]) -> Report {
    let handles: Vec<_> = checks
        .iter()
        .map(|check| tokio::spawn((check.run)()))
        .collect();
    let mut report = Report {
        ready: true,
        ..Report::default()
    };
    for (check, handle) in checks.iter().zip(handles) {
        let result = match handle.await {
            Ok(result) => result,
            Err(error) => Err(ProbeError::new(format!("check failed: {error}"))),
        };
        match result {
            Ok(()) => {
                report.checks.insert(check.name.clone(), CheckStatus::Ok);
            }
            Err(error) => {
                report.ready = false;
                report.checks.insert(check.name.clone(), CheckStatus::Fail);
                report.failures.push((check.name.clone(), error));
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn no_checks_means_ready() {
        let report = Readiness::new(vec![]).check().await;
        assert!(report.ready);
        assert!(report.checks.is_empty());
        assert!(report.failures.is_empty());
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_run() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&runs);
        let readiness = Readiness::new(vec![Check::new("slow", move || {
            let counter = Arc::clone(&counter);
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                Ok(())
            }
        })]);
        let (a, b, c) = tokio::join!(readiness.check(), readiness.check(), readiness.check());
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert!(a.ready && b.ready && c.ready);
        readiness.check().await;
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "a later call runs the checks again"
        );
    }

    #[tokio::test]
    async fn a_failing_check_is_reported_with_its_error() {
        let report = Readiness::new(vec![
            Check::new("cache", || async { Err(ProbeError::new("nope")) }),
            Check::new("database", || async { Ok(()) }),
        ])
        .check()
        .await;
        assert!(!report.ready);
        assert_eq!(report.checks["cache"], CheckStatus::Fail);
        assert_eq!(report.checks["database"], CheckStatus::Ok);
        assert_eq!(
            report.failures,
            vec![("cache".to_string(), ProbeError::new("nope"))]
        );
    }

    #[tokio::test]
    async fn a_panicking_check_fails_instead_of_crashing() {
        let report = Readiness::new(vec![Check::new("boom", || async { panic!("probe bug") })])
            .check()
            .await;
        assert!(!report.ready);
        assert_eq!(report.checks["boom"], CheckStatus::Fail);
    }
}
