//! Memcached readiness over the text protocol's `version` command, so the app needs no
//! client; once you add one, replace this with its version or stats call.

use std::time::Duration;

use crate::readiness::ProbeError;
use crate::wire::{ServiceUrl, converse};

pub const SCHEMES: &[&str] = &["memcached"];

/// `version` → `VERSION x.y.z` means ready; anything else (ERROR...) does not.
pub async fn probe(url: &str, timeout: Duration) -> Result<(), ProbeError> {
    let endpoint = ServiceUrl::parse(url)?.endpoint(11211);
    converse(&endpoint, timeout, |mut wire| async move {
        wire.write(b"version\r\n").await?;
        let reply = wire.read_line().await?;
        if !reply.starts_with("VERSION ") {
            return Err(ProbeError::new(format!("unexpected reply {reply:?}")));
        }
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::testing::{closed_port, fake_server, read_line, write};

    #[tokio::test]
    async fn ready_on_a_version_reply() {
        let (port, server) = fake_server(|mut socket| async move {
            assert_eq!(read_line(&mut socket).await, "version\r\n");
            write(&mut socket, b"VERSION 1.6.38\r\n").await;
        })
        .await;
        probe(
            &format!("memcached://127.0.0.1:{port}"),
            Duration::from_secs(2),
        )
        .await
        .unwrap();
        server.await.unwrap();
    }

    #[tokio::test]
    async fn not_ready_on_any_other_reply() {
        let (port, _server) = fake_server(|mut socket| async move {
            read_line(&mut socket).await;
            write(&mut socket, b"SERVER_ERROR out of memory\r\n").await;
        })
        .await;
        let error = probe(
            &format!("memcached://127.0.0.1:{port}"),
            Duration::from_secs(2),
        )
        .await
        .unwrap_err();
        assert_eq!(
            error.0,
            format!("127.0.0.1:{port}: unexpected reply \"SERVER_ERROR out of memory\"")
        );
    }

    #[tokio::test]
    async fn refused_connections_and_silence_are_not_ready() {
        let port = closed_port().await;
        assert!(
            probe(
                &format!("memcached://127.0.0.1:{port}"),
                Duration::from_secs(2)
            )
            .await
            .is_err()
        );
        let (port, _server) = fake_server(|socket| async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(socket);
        })
        .await;
        let error = probe(
            &format!("memcached://127.0.0.1:{port}"),
            Duration::from_millis(150),
        )
        .await
        .unwrap_err();
        assert_eq!(
            error.0,
            format!("127.0.0.1:{port}: no answer within 150 ms")
        );
    }
}
