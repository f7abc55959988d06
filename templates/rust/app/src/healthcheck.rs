//! `server --healthcheck`: the container HEALTHCHECK. The runtime image (distroless) has no
//! shell and no curl, so the binary checks itself: GET /healthz on the port it serves,
//! exit 0 on a 200, 1 otherwise.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(2);

pub fn run(default_port: u16) -> u8 {
    let env = |key: &str| {
        std::env::var(key)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let port = env("PORT")
        .and_then(|p| p.parse().ok())
        .unwrap_or(default_port);
    let host = local_host(env("HOST").as_deref());
    match get_status(&host, port, "/healthz", TIMEOUT) {
        Ok(200) => 0,
        Ok(status) => {
            eprintln!("healthcheck: /healthz answered {status}");
            1
        }
        Err(error) => {
            eprintln!("healthcheck: {error}");
            1
        }
    }
}

/// Where to reach a server bound to `host`: a wildcard address is reached on loopback.
fn local_host(host: Option<&str>) -> String {
    match host {
        None | Some("0.0.0.0") => "127.0.0.1".into(),
        Some("::" | "[::]") => "::1".into(),
        Some(other) => other.trim_start_matches('[').trim_end_matches(']').into(),
    }
}

/// The status code of `GET path`, over a fresh connection with `timeout` per step.
pub fn get_status(host: &str, port: u16, path: &str, timeout: Duration) -> io::Result<u16> {
    let address = (host, port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{host} has no address")))?;
    let mut stream = TcpStream::connect_timeout(&address, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nUser-Agent: healthcheck\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes())?;
    // "HTTP/1.1 200 OK": the status line is all we need.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n") && head.len() < 1024 {
        if stream.read(&mut byte)? == 0 {
            break;
        }
        head.push(byte[0]);
    }
    let line = String::from_utf8_lossy(&head);
    line.split(' ')
        .nth(1)
        .and_then(|code| code.trim().parse().ok())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not an HTTP response: {:?}", line.trim_end()),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

    /// A one-shot std HTTP server answering with `reply`.
    fn serve_once(reply: &'static str) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut request = Vec::new();
            let mut byte = [0u8; 1];
            while !request.ends_with(b"\r\n\r\n") && socket.read(&mut byte).unwrap() == 1 {
                request.push(byte[0]);
            }
            assert!(String::from_utf8_lossy(&request).starts_with("GET /healthz HTTP/1.1\r\n"));
            socket.write_all(reply.as_bytes()).unwrap();
        });
        port
    }

    #[test]
    fn reads_the_status_code() {
        let port = serve_once("HTTP/1.1 200 OK\r\ncontent-length: 15\r\n\r\n{\"status\":\"ok\"}");
        assert_eq!(
            get_status("127.0.0.1", port, "/healthz", TIMEOUT).unwrap(),
            200
        );
        let port = serve_once("HTTP/1.1 503 Service Unavailable\r\n\r\n");
        assert_eq!(
            get_status("127.0.0.1", port, "/healthz", TIMEOUT).unwrap(),
            503
        );
    }

    #[test]
    fn fails_when_nothing_listens_or_the_answer_is_not_http() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        assert!(get_status("127.0.0.1", port, "/healthz", TIMEOUT).is_err());
        let port = serve_once("SSH-2.0-OpenSSH\r\n");
        assert!(get_status("127.0.0.1", port, "/healthz", TIMEOUT).is_err());
    }

    #[test]
    fn wildcard_binds_are_checked_on_loopback() {
        assert_eq!(local_host(None), "127.0.0.1");
        assert_eq!(local_host(Some("0.0.0.0")), "127.0.0.1");
        assert_eq!(local_host(Some("::")), "::1");
        assert_eq!(local_host(Some("10.1.2.3")), "10.1.2.3");
    }
}
