//! PostgreSQL readiness with pg_isready semantics, spoken over the wire protocol so the app
//! needs no driver; once you add one (sqlx, tokio-postgres), replace this with its
//! `SELECT 1` on the pool.

use std::time::Duration;

use crate::readiness::ProbeError;
use crate::wire::{ServiceUrl, converse};

pub const SCHEMES: &[&str] = &["postgres", "postgresql"];

const PROTOCOL_3_0: i32 = 196_608; // major 3 << 16 | minor 0

// Like pg_isready, a server that rejects our credentials is still up and answering: a
// wrong password is a configuration bug that restarting or unrouting pods will not fix,
// and the app's own connections report it.
const SERVER_UP_SQLSTATES: &[&str] = &["28000", "28P01"];

/// Sends a StartupMessage and reads the first reply. An Authentication request ('R') means
/// the server accepts connections; an ErrorResponse ('E') means it does not (starting up,
/// too many clients...), except for the auth failures above. The probe hangs up before
/// authenticating, so no password is ever sent.
pub async fn probe(url: &str, timeout: Duration) -> Result<(), ProbeError> {
    let parsed = ServiceUrl::parse(url)?;
    let endpoint = parsed.endpoint(5432);
    let user = if parsed.username.is_empty() {
        "postgres".to_string()
    } else {
        parsed.username.clone()
    };
    let database = if parsed.path.is_empty() {
        user.clone()
    } else {
        parsed.path.clone()
    };

    converse(&endpoint, timeout, |mut wire| async move {
        wire.write(&startup_message(&[
            ("user", &user),
            ("database", &database),
            ("application_name", "readiness-probe"),
        ]))
        .await?;

        let header = wire.read(5).await?;
        let kind = header[0];
        let length = i32::from_be_bytes([header[1], header[2], header[3], header[4]]);
        if kind == b'R' {
            return Ok(());
        }
        if kind != b'E' || !(4..=64 * 1024).contains(&length) {
            return Err(ProbeError::new(format!(
                "unexpected reply {:?}: not a PostgreSQL server?",
                char::from(kind)
            )));
        }
        let fields = error_fields(&wire.read(length as usize - 4).await?);
        let field = |code: u8| {
            fields
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, v)| v.as_str())
        };
        let sqlstate = field(b'C').unwrap_or("unknown SQLSTATE");
        if SERVER_UP_SQLSTATES.contains(&sqlstate) {
            return Ok(());
        }
        Err(ProbeError::new(
            format!("not ready: {sqlstate} {}", field(b'M').unwrap_or_default())
                .trim_end()
                .to_string(),
        ))
    })
    .await
}

fn startup_message(parameters: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (key, value) in parameters {
        // Each key and value is NUL-terminated, and one more NUL ends the list.
        body.extend_from_slice(key.as_bytes());
        body.push(0);
        body.extend_from_slice(value.as_bytes());
        body.push(0);
    }
    body.push(0);
    let mut message = Vec::with_capacity(8 + body.len());
    message.extend_from_slice(&((8 + body.len()) as i32).to_be_bytes());
    message.extend_from_slice(&PROTOCOL_3_0.to_be_bytes());
    message.extend_from_slice(&body);
    message
}

/// ErrorResponse body: repeated (1-byte field code, NUL-terminated string), then NUL.
fn error_fields(body: &[u8]) -> Vec<(u8, String)> {
    let mut fields = Vec::new();
    let mut rest = body;
    while let Some((&code, tail)) = rest.split_first() {
        if code == 0 {
            break;
        }
        let Some(end) = tail.iter().position(|&b| b == 0) else {
            break;
        };
        fields.push((code, String::from_utf8_lossy(&tail[..end]).into_owned()));
        rest = &tail[end + 1..];
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::testing::{closed_port, fake_server, write};
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpStream;

    /// Reads a StartupMessage and returns its parameters.
    async fn read_startup(socket: &mut TcpStream) -> Vec<(String, String)> {
        let length = socket.read_i32().await.unwrap() as usize;
        assert_eq!(socket.read_i32().await.unwrap(), PROTOCOL_3_0);
        let mut body = vec![0; length - 8];
        socket.read_exact(&mut body).await.unwrap();
        let parts: Vec<String> = body
            .split(|&b| b == 0)
            .map(|s| String::from_utf8(s.to_vec()).unwrap())
            .collect();
        parts
            .chunks(2)
            .filter(|pair| pair.len() == 2 && !pair[0].is_empty())
            .map(|p| (p[0].clone(), p[1].clone()))
            .collect()
    }

    fn error_response(fields: &[(u8, &str)]) -> Vec<u8> {
        let mut body = Vec::new();
        for (code, value) in fields {
            body.push(*code);
            body.extend_from_slice(value.as_bytes());
            body.push(0);
        }
        body.push(0);
        let mut message = vec![b'E'];
        message.extend_from_slice(&((body.len() + 4) as i32).to_be_bytes());
        message.extend_from_slice(&body);
        message
    }

    const AUTH_MD5: &[u8] = &[b'R', 0, 0, 0, 12, 0, 0, 0, 5, 1, 2, 3, 4];

    #[tokio::test]
    async fn ready_on_an_authentication_request_with_user_and_database_from_the_url() {
        let (port, server) = fake_server(|mut socket| async move {
            let params = read_startup(&mut socket).await;
            assert!(params.contains(&("user".into(), "app user".into())));
            assert!(params.contains(&("database".into(), "orders".into())));
            write(&mut socket, AUTH_MD5).await;
        })
        .await;
        probe(
            &format!("postgres://app%20user:secret@127.0.0.1:{port}/orders"),
            Duration::from_secs(2),
        )
        .await
        .unwrap();
        server.await.unwrap();
    }

    #[tokio::test]
    async fn defaults_user_and_database_to_postgres() {
        let (port, server) = fake_server(|mut socket| async move {
            let params = read_startup(&mut socket).await;
            assert!(params.contains(&("user".into(), "postgres".into())));
            assert!(params.contains(&("database".into(), "postgres".into())));
            write(&mut socket, AUTH_MD5).await;
        })
        .await;
        probe(
            &format!("postgresql://127.0.0.1:{port}"),
            Duration::from_secs(2),
        )
        .await
        .unwrap();
        server.await.unwrap();
    }

    #[tokio::test]
    async fn a_rejected_password_still_means_the_server_is_up() {
        let (port, _server) = fake_server(|mut socket| async move {
            read_startup(&mut socket).await;
            write(
                &mut socket,
                &error_response(&[
                    (b'S', "FATAL"),
                    (b'C', "28P01"),
                    (b'M', "password authentication failed"),
                ]),
            )
            .await;
        })
        .await;
        probe(
            &format!("postgres://app:wrong@127.0.0.1:{port}/app"),
            Duration::from_secs(2),
        )
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn not_ready_while_starting_up() {
        let (port, _server) = fake_server(|mut socket| async move {
            read_startup(&mut socket).await;
            write(
                &mut socket,
                &error_response(&[
                    (b'S', "FATAL"),
                    (b'C', "57P03"),
                    (b'M', "the database system is starting up"),
                ]),
            )
            .await;
        })
        .await;
        let error = probe(
            &format!("postgres://127.0.0.1:{port}/app"),
            Duration::from_secs(2),
        )
        .await
        .unwrap_err();
        assert_eq!(
            error.0,
            format!("127.0.0.1:{port}: not ready: 57P03 the database system is starting up")
        );
    }

    #[tokio::test]
    async fn rejects_a_server_that_is_not_postgres() {
        let (port, _server) = fake_server(|mut socket| async move {
            read_startup(&mut socket).await;
            write(&mut socket, b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        })
        .await;
        let error = probe(
            &format!("postgres://127.0.0.1:{port}/app"),
            Duration::from_secs(2),
        )
        .await
        .unwrap_err();
        assert!(error.0.contains("not a PostgreSQL server?"), "{error}");
    }

    #[tokio::test]
    async fn refused_connections_and_silence_are_not_ready() {
        let port = closed_port().await;
        let error = probe(
            &format!("postgres://127.0.0.1:{port}/app"),
            Duration::from_secs(2),
        )
        .await
        .unwrap_err();
        assert!(
            error
                .0
                .starts_with(&format!("127.0.0.1:{port}: connect failed")),
            "{error}"
        );

        let (port, _server) = fake_server(|socket| async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(socket);
        })
        .await;
        let error = probe(
            &format!("postgres://127.0.0.1:{port}/app"),
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
