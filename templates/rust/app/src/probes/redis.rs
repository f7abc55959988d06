//! Redis and Valkey readiness, spoken in RESP directly so the app needs no client; once you
//! add one (redis, fred), replace this with its PING.

use std::time::Duration;

use crate::readiness::ProbeError;
use crate::wire::{ServiceUrl, Wire, converse};

pub const SCHEMES: &[&str] = &["redis", "rediss"];

/// AUTH (when the URL has a password), then PING, expecting +PONG. Errors such as -NOAUTH,
/// -WRONGPASS or -LOADING (still reading its dataset) mean not ready.
pub async fn probe(url: &str, timeout: Duration) -> Result<(), ProbeError> {
    let parsed = ServiceUrl::parse(url)?;
    if parsed.scheme == "rediss" {
        // TLS would need a TLS library (rustls), which this dependency-light probe leaves out.
        return Err(ProbeError::new(
            "rediss:// (TLS) is not supported by this minimal probe: use redis:// on a private network, \
             or replace the probe with your Redis client's PING",
        ));
    }
    let endpoint = parsed.endpoint(6379);

    converse(&endpoint, timeout, |mut wire| async move {
        if !parsed.password.is_empty() {
            // redis://:secret@host is password-only AUTH (the "default" user).
            let mut args = vec!["AUTH"];
            if !parsed.username.is_empty() {
                args.push(&parsed.username);
            }
            args.push(&parsed.password);
            command(&mut wire, &args, "AUTH").await?;
        }
        let reply = command(&mut wire, &["PING"], "PING").await?;
        if reply != "+PONG" {
            return Err(ProbeError::new(format!("unexpected PING reply {reply:?}")));
        }
        Ok(())
    })
    .await
}

/// Sends a RESP array of bulk strings and returns the one-line reply.
async fn command(wire: &mut Wire, args: &[&str], label: &str) -> Result<String, ProbeError> {
    let mut request = format!("*{}\r\n", args.len());
    for arg in args {
        request.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
    }
    wire.write(request.as_bytes()).await?;
    let reply = wire.read_line().await?;
    // The error text never contains the password: servers don't echo it.
    if let Some(error) = reply.strip_prefix('-') {
        return Err(ProbeError::new(format!("{label} rejected: {error}")));
    }
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::testing::{closed_port, fake_server, read_line, write};
    use std::sync::{Arc, Mutex};
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpStream;

    /// Reads one RESP array of bulk strings.
    async fn read_command(socket: &mut TcpStream) -> Option<Vec<String>> {
        let mut first = [0u8; 1];
        if socket.read(&mut first).await.ok()? == 0 {
            return None;
        }
        let header = read_line(socket).await;
        assert_eq!(first[0], b'*');
        let count: usize = header.trim_end().parse().unwrap();
        let mut args = Vec::new();
        for _ in 0..count {
            let length: usize = read_line(socket)
                .await
                .trim_end()
                .trim_start_matches('$')
                .parse()
                .unwrap();
            let mut value = vec![0; length + 2];
            socket.read_exact(&mut value).await.unwrap();
            args.push(String::from_utf8(value[..length].to_vec()).unwrap());
        }
        Some(args)
    }

    /// Answers every command with `respond`; records what it saw.
    async fn fake_redis(
        respond: fn(&[String]) -> &'static str,
    ) -> (u16, Arc<Mutex<Vec<Vec<String>>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let (port, _server) = fake_server(move |mut socket| async move {
            while let Some(args) = read_command(&mut socket).await {
                let reply = respond(&args);
                log.lock().unwrap().push(args);
                write(&mut socket, reply.as_bytes()).await;
            }
        })
        .await;
        (port, seen)
    }

    fn auth_then_pong(args: &[String]) -> &'static str {
        if args[0] == "AUTH" {
            "+OK\r\n"
        } else {
            "+PONG\r\n"
        }
    }

    #[tokio::test]
    async fn ready_on_pong_without_auth_when_the_url_has_no_password() {
        let (port, seen) = fake_redis(|_| "+PONG\r\n").await;
        probe(&format!("redis://127.0.0.1:{port}"), Duration::from_secs(2))
            .await
            .unwrap();
        assert_eq!(*seen.lock().unwrap(), vec![vec!["PING".to_string()]]);
    }

    #[tokio::test]
    async fn sends_auth_with_username_and_password_first() {
        let (port, seen) = fake_redis(auth_then_pong).await;
        probe(
            &format!("redis://app:p%40ss@127.0.0.1:{port}/0"),
            Duration::from_secs(2),
        )
        .await
        .unwrap();
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                vec!["AUTH".to_string(), "app".into(), "p@ss".into()],
                vec!["PING".into()]
            ]
        );
    }

    #[tokio::test]
    async fn password_only_urls_send_the_one_argument_auth() {
        let (port, seen) = fake_redis(auth_then_pong).await;
        probe(
            &format!("redis://:secret@127.0.0.1:{port}/0"),
            Duration::from_secs(2),
        )
        .await
        .unwrap();
        assert_eq!(
            seen.lock().unwrap()[0],
            vec!["AUTH".to_string(), "secret".into()]
        );
    }

    #[tokio::test]
    async fn not_ready_when_the_server_refuses_with_its_message() {
        let (port, _) = fake_redis(|_| "-NOAUTH Authentication required.\r\n").await;
        let error = probe(&format!("redis://127.0.0.1:{port}"), Duration::from_secs(2))
            .await
            .unwrap_err();
        assert_eq!(
            error.0,
            format!("127.0.0.1:{port}: PING rejected: NOAUTH Authentication required.")
        );

        let (port, _) = fake_redis(|_| "-WRONGPASS invalid username-password pair\r\n").await;
        let error = probe(
            &format!("redis://:bad@127.0.0.1:{port}"),
            Duration::from_secs(2),
        )
        .await
        .unwrap_err();
        assert!(error.0.contains("AUTH rejected: WRONGPASS"), "{error}");
        assert!(!error.0.contains("bad"), "never echoes the password");
    }

    #[tokio::test]
    async fn rediss_is_refused_with_an_explanation() {
        let error = probe("rediss://:secret@127.0.0.1:6380", Duration::from_secs(2))
            .await
            .unwrap_err();
        assert!(error.0.contains("TLS"), "{error}");
    }

    #[tokio::test]
    async fn refused_connections_and_silence_are_not_ready() {
        let port = closed_port().await;
        assert!(
            probe(&format!("redis://127.0.0.1:{port}"), Duration::from_secs(2))
                .await
                .is_err()
        );
        let (port, _) = fake_server(|socket| async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(socket);
        })
        .await;
        let error = probe(
            &format!("redis://127.0.0.1:{port}"),
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
