//! Entry point: config → logging → server → signals. Everything here is wiring; the
//! behaviour lives in modules with their own tests (`cargo test`).

mod app;
mod config;
mod healthcheck;
mod logging;
mod readiness;
mod service;
mod shutdown;
mod wire;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::readiness::{Check, Readiness};
use crate::wire::DEFAULT_PROBE_TIMEOUT;

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--healthcheck") {
        return ExitCode::from(healthcheck::run(service::DEFAULT_PORT));
    }

    let dependencies = service::dependencies();
    let config = match config::load(
        |key| std::env::var(key).ok(),
        service::DEFAULT_PORT,
        &dependencies,
    ) {
        Ok(config) => config,
        Err(error) => {
            // LOG_LEVEL itself may be the invalid setting, so log at a fixed level.
            logging::init(tracing::Level::INFO);
            tracing::error!(problems = %error.problems.join("; "), "invalid configuration");
            return ExitCode::from(1);
        }
    };
    logging::init(config.log_level);
    // A panic prints a multi-line message that log collectors split into unrelated lines:
    // log it as one JSON line instead. (A panicking request handler fails that request
    // only; the server keeps running.)
    std::panic::set_hook(Box::new(|info| tracing::error!(panic = %info, "panic")));

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(error = %error, "cannot start the async runtime");
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(run(config));
    // Requests still running after a forced shutdown are abandoned, not awaited.
    runtime.shutdown_timeout(Duration::from_millis(100));
    ExitCode::from(code)
}

async fn run(config: config::Config) -> u8 {
    let signals = match shutdown::os_signals() {
        Ok(signals) => signals,
        Err(error) => {
            tracing::error!(error = %error, "cannot install signal handlers");
            return 1;
        }
    };
    let names: Vec<&str> = config
        .dependencies
        .iter()
        .map(|(dependency, _)| dependency.name)
        .collect();
    let checks = config
        .dependencies
        .iter()
        .map(|(dependency, url)| {
            let (probe, url) = (dependency.probe, url.clone());
            Check::new(dependency.name, move || {
                probe(url.clone(), DEFAULT_PROBE_TIMEOUT)
            })
        })
        .collect();
    let state = app::AppState::new(Readiness::new(checks));

    let listener = match tokio::net::TcpListener::bind((config.host.as_str(), config.port)).await {
        Ok(listener) => listener,
        Err(error) => {
            // Typically "address in use" or "permission denied".
            tracing::error!(error = %error, host = %config.host, port = config.port, "cannot listen");
            return 1;
        }
    };
    if let Ok(address) = listener.local_addr() {
        tracing::info!(
            service = service::SERVICE_NAME,
            address = %address.ip(),
            port = address.port(),
            dependencies = %names.join(","),
            "listening"
        );
    }
    shutdown::serve(
        listener,
        app::router(Arc::clone(&state)),
        state,
        signals,
        config.shutdown_timeout,
    )
    .await
}
