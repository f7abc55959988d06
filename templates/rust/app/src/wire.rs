//! Shared plumbing for the readiness probes in src/probes/: parse a service URL, open one
//! TCP connection, run a short request/response exchange, and give up after a deadline
//! that covers connect and every read.

// A project generated without a database or cache has no probe using this module yet.
#![allow(dead_code)]

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::readiness::ProbeError;

pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

// A misbehaving server must not make a probe buffer without bound.
const MAX_LINE_BYTES: usize = 64 * 1024;

/// The parts of a `scheme://user:password@host:port/path?query` URL the probes use, with
/// user, password and path percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUrl {
    pub scheme: String,
    pub username: String,
    pub password: String,
    pub host: String,
    pub port: Option<u16>,
    /// Without the leading "/".
    pub path: String,
    pub query: Vec<(String, String)>,
}

impl ServiceUrl {
    pub fn parse(url: &str) -> Result<Self, ProbeError> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| ProbeError::new("not a scheme://host URL"))?;
        let rest = rest.split('#').next().unwrap_or_default();
        let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = match before_query.find('/') {
            Some(at) => (&before_query[..at], &before_query[at + 1..]),
            None => (before_query, ""),
        };
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(at) => (&authority[..at], &authority[at + 1..]),
            None => ("", authority),
        };
        let (username, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        let (host, port) = split_host_port(hostport)?;
        if host.is_empty() {
            return Err(ProbeError::new(format!("no host in {scheme}:// URL")));
        }
        let query = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                Ok((percent_decode(key)?, percent_decode(value)?))
            })
            .collect::<Result<_, ProbeError>>()?;
        Ok(Self {
            scheme: scheme.to_ascii_lowercase(),
            username: percent_decode(username)?,
            password: percent_decode(password)?,
            host: host.to_ascii_lowercase(),
            port,
            path: percent_decode(path)?,
            query,
        })
    }

    pub fn endpoint(&self, default_port: u16) -> Endpoint {
        Endpoint {
            host: self.host.clone(),
            port: self.port.unwrap_or(default_port),
        }
    }

    /// The first value of a query parameter, e.g. `tls` in `?tls=true`.
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`; IPv6 literals lose their brackets.
fn split_host_port(hostport: &str) -> Result<(&str, Option<u16>), ProbeError> {
    let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| ProbeError::new("unclosed [ in URL host"))?;
        (host, after.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (hostport, None),
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(port) => Some(
            port.parse::<u16>()
                .map_err(|_| ProbeError::new(format!("invalid port \"{port}\" in URL")))?,
        ),
    };
    Ok((host, port))
}

fn percent_decode(text: &str) -> Result<String, ProbeError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
            out.push(byte.ok_or_else(|| ProbeError::new("malformed %-escape in URL"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ProbeError::new("%-escapes in URL are not UTF-8"))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// One open connection with a read buffer: a server may send several replies in one
/// packet, or one reply split over many.
pub struct Wire {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Wire {
    pub async fn write(&mut self, data: &[u8]) -> Result<(), ProbeError> {
        self.stream
            .write_all(data)
            .await
            .map_err(|error| ProbeError::new(format!("write failed: {error}")))
    }

    /// Exactly `length` bytes.
    pub async fn read(&mut self, length: usize) -> Result<Vec<u8>, ProbeError> {
        while self.buffer.len() < length {
            self.fill().await?;
        }
        Ok(self.buffer.drain(..length).collect())
    }

    /// The next CRLF-terminated line, without the CRLF.
    pub async fn read_line(&mut self) -> Result<String, ProbeError> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|pair| pair == b"\r\n") {
                let line: Vec<u8> = self.buffer.drain(..end + 2).take(end).collect();
                return Ok(String::from_utf8_lossy(&line).into_owned());
            }
            if self.buffer.len() > MAX_LINE_BYTES {
                return Err(ProbeError::new("reply line too long"));
            }
            self.fill().await?;
        }
    }

    async fn fill(&mut self) -> Result<(), ProbeError> {
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk).await {
            // A server may send its final answer and hang up at once: only a read that the
            // bytes already received cannot satisfy fails.
            Ok(0) => Err(ProbeError::new("connection closed by the server")),
            Ok(n) => {
                self.buffer.extend_from_slice(&chunk[..n]);
                Ok(())
            }
            Err(error) => Err(ProbeError::new(format!("read failed: {error}"))),
        }
    }
}

/// Connects to `endpoint` and runs `talk` on the connection, all within `timeout`. Every
/// error comes back prefixed with "host:port: ".
pub async fn converse<T, F, Fut>(
    endpoint: &Endpoint,
    timeout: Duration,
    talk: F,
) -> Result<T, ProbeError>
where
    F: FnOnce(Wire) -> Fut,
    Fut: Future<Output = Result<T, ProbeError>>,
{
    let exchange = async {
        let stream = TcpStream::connect((endpoint.host.as_str(), endpoint.port))
            .await
            .map_err(|error| ProbeError::new(format!("connect failed: {error}")))?;
        let _ = stream.set_nodelay(true);
        // The connection closes when `talk` is done with the Wire (it is dropped).
        talk(Wire {
            stream,
            buffer: Vec::new(),
        })
        .await
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(ProbeError::new(format!("{endpoint}: {error}"))),
        Err(_) => Err(ProbeError::new(format!(
            "{endpoint}: no answer within {} ms",
            timeout.as_millis()
        ))),
    }
}

/// In-process fake servers for the probe tests.
#[cfg(test)]
pub mod testing {
    use std::future::Future;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::task::JoinHandle;

    /// Listens on 127.0.0.1 and hands the first connection to `serve`; the returned handle
    /// ends when `serve` does, so a failed assertion inside it fails the test.
    pub async fn fake_server<F, Fut>(serve: F) -> (u16, JoinHandle<()>)
    where
        F: FnOnce(TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let handle = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.expect("accept");
            serve(socket).await;
        });
        (port, handle)
    }

    /// A port with nothing listening on it.
    pub async fn closed_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        listener.local_addr().expect("address").port()
    }

    /// Reads up to and including the next CRLF.
    pub async fn read_line(socket: &mut TcpStream) -> String {
        let mut line = Vec::new();
        while !line.ends_with(b"\r\n") {
            let byte = socket.read_u8().await.expect("read");
            line.push(byte);
        }
        String::from_utf8(line).expect("utf-8")
    }

    pub async fn write(socket: &mut TcpStream, data: &[u8]) {
        socket.write_all(data).await.expect("write");
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn parses_a_full_url_and_decodes_credentials() {
        let url = ServiceUrl::parse("postgres://app%2Buser:p%40ss%3Aw%C3%B6rd@DB.example:6543/orders%20db?sslmode=disable&x").unwrap();
        assert_eq!(url.scheme, "postgres");
        assert_eq!(url.username, "app+user");
        assert_eq!(url.password, "p@ss:wörd");
        assert_eq!(url.host, "db.example");
        assert_eq!(url.port, Some(6543));
        assert_eq!(url.path, "orders db");
        assert_eq!(url.query_value("sslmode"), Some("disable"));
        assert_eq!(url.query_value("x"), Some(""));
        assert_eq!(url.endpoint(5432).to_string(), "db.example:6543");
    }

    #[test]
    fn password_only_ipv6_and_default_port() {
        let url = ServiceUrl::parse("redis://:secret@[::1]/0").unwrap();
        assert_eq!(
            (url.username.as_str(), url.password.as_str()),
            ("", "secret")
        );
        assert_eq!(url.host, "::1");
        assert_eq!(url.endpoint(6379).to_string(), "[::1]:6379");
        assert_eq!(
            ServiceUrl::parse("memcached://cache")
                .unwrap()
                .endpoint(11211)
                .port,
            11211
        );
    }

    #[test]
    fn rejects_urls_without_a_host_or_with_a_bad_port() {
        assert_eq!(
            ServiceUrl::parse("redis://").unwrap_err().0,
            "no host in redis:// URL"
        );
        assert!(
            ServiceUrl::parse("redis://host:99999")
                .unwrap_err()
                .0
                .contains("invalid port")
        );
        assert!(ServiceUrl::parse("just-a-host").is_err());
        assert!(ServiceUrl::parse("mysql://u:%zz@h/db").is_err());
    }

    #[tokio::test]
    async fn reads_exact_lengths_and_lines_across_chunks() {
        let (port, server) = fake_server(|mut socket| async move {
            for byte in b"ab" {
                write(&mut socket, &[*byte]).await;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            write(&mut socket, b"cLINE ONE\r\nLINE TWO\r\n").await;
        })
        .await;
        let endpoint = Endpoint {
            host: "127.0.0.1".into(),
            port,
        };
        let (bytes, one, two) = converse(&endpoint, DEFAULT_PROBE_TIMEOUT, |mut wire| async move {
            Ok((
                wire.read(3).await?,
                wire.read_line().await?,
                wire.read_line().await?,
            ))
        })
        .await
        .unwrap();
        assert_eq!(bytes, b"abc");
        assert_eq!((one.as_str(), two.as_str()), ("LINE ONE", "LINE TWO"));
        server.await.unwrap();
    }

    #[tokio::test]
    async fn errors_name_the_endpoint() {
        let port = closed_port().await;
        let error = converse(
            &Endpoint {
                host: "127.0.0.1".into(),
                port,
            },
            DEFAULT_PROBE_TIMEOUT,
            |_wire| async { Ok(()) },
        )
        .await
        .unwrap_err();
        assert!(
            error
                .0
                .starts_with(&format!("127.0.0.1:{port}: connect failed")),
            "{error}"
        );

        let (port, _server) = fake_server(|socket| async move { drop(socket) }).await;
        let error = converse(
            &Endpoint {
                host: "127.0.0.1".into(),
                port,
            },
            DEFAULT_PROBE_TIMEOUT,
            |mut wire| async move { wire.read(1).await },
        )
        .await
        .unwrap_err();
        assert_eq!(
            error.0,
            format!("127.0.0.1:{port}: connection closed by the server")
        );
    }

    #[tokio::test]
    async fn the_deadline_covers_every_read() {
        let (port, _server) = fake_server(|socket| async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(socket);
        })
        .await;
        let error = converse(
            &Endpoint {
                host: "127.0.0.1".into(),
                port,
            },
            Duration::from_millis(100),
            |mut wire| async move { wire.read_line().await },
        )
        .await
        .unwrap_err();
        assert_eq!(
            error.0,
            format!("127.0.0.1:{port}: no answer within 100 ms")
        );
    }
}
