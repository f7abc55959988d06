//! Serving until a signal, then shutting down gracefully. Kubernetes sends SIGTERM, waits
//! terminationGracePeriodSeconds (30 s by default), then SIGKILLs: keep SHUTDOWN_TIMEOUT_MS
//! below that so our own forced exit is the one logged.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

use crate::app::AppState;

/// SIGTERM and SIGINT, delivered as their names. Signals are registered at once, so one
/// that arrives before the server is up is not lost.
pub fn os_signals() -> std::io::Result<mpsc::Receiver<&'static str>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let (sender, receiver) = mpsc::channel(4);
    tokio::spawn(async move {
        loop {
            let name = tokio::select! {
                _ = terminate.recv() => "SIGTERM",
                _ = interrupt.recv() => "SIGINT",
            };
            if sender.send(name).await.is_err() {
                break;
            }
        }
    });
    Ok(receiver)
}

/// Serves `router` until the first signal; then: not ready → stop accepting → finish
/// in-flight requests → exit code 0, or 1 when they outlast `timeout` or a second signal
/// arrives ("now", from a developer pressing Ctrl-C twice).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    state: Arc<AppState>,
    mut signals: mpsc::Receiver<&'static str>,
    timeout: Duration,
) -> u8 {
    let timeout_ms = timeout.as_millis() as u64;
    let (stop, stopped) = oneshot::channel::<()>();
    // Graceful shutdown stops accepting, closes idle keep-alive connections and lets the
    // busy ones finish their current request.
    let server = axum::serve(listener, router).with_graceful_shutdown(async {
        let _ = stopped.await;
    });
    let mut server = std::pin::pin!(server.into_future());

    let signal = tokio::select! {
        result = &mut server => {
            // Only an accept-loop failure ends the server without a signal.
            if let Err(error) = result {
                tracing::error!(error = %error, "server failed");
            }
            return 1;
        }
        Some(signal) = signals.recv() => signal,
    };
    state.shutting_down.store(true, Ordering::SeqCst);
    tracing::info!(signal, timeoutMs = timeout_ms, "shutting down");
    let _ = stop.send(());

    tokio::select! {
        result = &mut server => match result {
            Ok(()) => {
                tracing::info!("shutdown complete");
                0
            }
            Err(error) => {
                tracing::error!(error = %error, "server close failed");
                1
            }
        },
        _ = tokio::time::sleep(timeout) => {
            tracing::error!(timeoutMs = timeout_ms, "shutdown timed out, forcing exit");
            1
        }
        Some(signal) = signals.recv() => {
            tracing::warn!(signal, "second signal received, exiting immediately");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::testing::{request, request_on};
    use crate::app::{AppState, router};
    use crate::readiness::{Check, Readiness};
    use std::net::SocketAddr;
    use std::time::Instant;
    use tokio::net::TcpStream;
    use tokio::sync::Notify;
    use tokio::task::JoinHandle;

    struct Running {
        addr: SocketAddr,
        state: Arc<AppState>,
        signal: mpsc::Sender<&'static str>,
        exit: JoinHandle<u8>,
    }

    /// The same wiring as main.rs, on a random port, with signals sent by the test.
    async fn start(checks: Vec<Check>, timeout: Duration) -> Running {
        let state = AppState::new(Readiness::new(checks));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (signal, signals) = mpsc::channel(4);
        let exit = tokio::spawn(serve(
            listener,
            router(Arc::clone(&state)),
            Arc::clone(&state),
            signals,
            timeout,
        ));
        Running {
            addr,
            state,
            signal,
            exit,
        }
    }

    /// A check that blocks until released, telling the test when it has started.
    fn gated(entered: Arc<Notify>, release: Arc<Notify>) -> Check {
        Check::new("slow", move || {
            let (entered, release) = (Arc::clone(&entered), Arc::clone(&release));
            async move {
                entered.notify_one();
                release.notified().await;
                Ok(())
            }
        })
    }

    #[tokio::test]
    async fn sigterm_stops_accepting_lets_the_in_flight_request_finish_and_exits_0() {
        let (entered, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let app = start(
            vec![gated(Arc::clone(&entered), Arc::clone(&release))],
            Duration::from_secs(5),
        )
        .await;
        let addr = app.addr;
        let in_flight = tokio::spawn(async move { request(addr, "GET", "/readyz").await });
        entered.notified().await;

        app.signal.send("SIGTERM").await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(app.state.shutting_down.load(Ordering::SeqCst));
        assert!(
            TcpStream::connect(app.addr).await.is_err(),
            "new connections are refused"
        );
        assert!(
            !app.exit.is_finished(),
            "does not exit while a request is running"
        );

        release.notify_one();
        assert_eq!(in_flight.await.unwrap().status, 200);
        assert_eq!(app.exit.await.unwrap(), 0);
    }

    #[tokio::test]
    async fn idle_keep_alive_connections_do_not_hold_the_shutdown_open() {
        let app = start(vec![], Duration::from_secs(5)).await;
        let mut idle = TcpStream::connect(app.addr).await.unwrap();
        assert_eq!(
            request_on(&mut idle, "GET", "/healthz", "").await.status,
            200
        );
        let began = Instant::now();
        app.signal.send("SIGTERM").await.unwrap();
        assert_eq!(app.exit.await.unwrap(), 0);
        assert!(
            began.elapsed() < Duration::from_secs(2),
            "the idle connection was closed"
        );
    }

    #[tokio::test]
    async fn forces_exit_1_after_the_timeout_when_a_request_never_finishes() {
        let (entered, never) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let app = start(
            vec![gated(Arc::clone(&entered), never)],
            Duration::from_millis(100),
        )
        .await;
        let addr = app.addr;
        let stuck = tokio::spawn(async move { request(addr, "GET", "/readyz").await });
        entered.notified().await;
        app.signal.send("SIGTERM").await.unwrap();
        assert_eq!(app.exit.await.unwrap(), 1);
        stuck.abort();
    }

    #[tokio::test]
    async fn a_second_signal_exits_immediately_with_1() {
        let (entered, never) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let app = start(
            vec![gated(Arc::clone(&entered), never)],
            Duration::from_secs(30),
        )
        .await;
        let addr = app.addr;
        let stuck = tokio::spawn(async move { request(addr, "GET", "/readyz").await });
        entered.notified().await;
        app.signal.send("SIGTERM").await.unwrap();
        app.signal.send("SIGINT").await.unwrap();
        let began = Instant::now();
        assert_eq!(app.exit.await.unwrap(), 1);
        assert!(began.elapsed() < Duration::from_secs(2));
        stuck.abort();
    }
}
