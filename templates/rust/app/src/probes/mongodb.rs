//! MongoDB readiness: one `hello` command with a hand-rolled OP_MSG/BSON codec, so the app
//! needs no driver; once you add the mongodb crate, replace this with a `ping` command.

use std::collections::HashMap;
use std::time::Duration;

use crate::readiness::ProbeError;
use crate::wire::{ServiceUrl, converse};

pub const SCHEMES: &[&str] = &["mongodb", "mongodb+srv"];

const OP_MSG: i32 = 2013;
const MAX_REPLY_BYTES: i32 = 16 * 1024 * 1024;

/// `hello` needs no authentication and answers as soon as mongod accepts connections;
/// `ok: 1` means ready. Only the first host of a seed list is checked.
pub async fn probe(url: &str, timeout: Duration) -> Result<(), ProbeError> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("mongodb+srv:") {
        return Err(ProbeError::new(
            "mongodb+srv:// URLs need a DNS SRV lookup that this minimal probe does not do: \
             use a mongodb://host:port URL, or replace the probe with your driver's ping",
        ));
    }
    let parsed = ServiceUrl::parse(&first_host(url))?;
    let tls = ["tls", "ssl"].iter().any(|key| {
        parsed
            .query_value(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    });
    if tls {
        // TLS would need a TLS library (rustls), which this dependency-light probe leaves out.
        return Err(ProbeError::new(
            "tls=true is not supported by this minimal probe: connect without TLS on a private network, \
             or replace the probe with your driver's ping",
        ));
    }
    let endpoint = parsed.endpoint(27017);

    converse(&endpoint, timeout, |mut wire| async move {
        let request_id = 1;
        wire.write(&op_msg(
            request_id,
            &encode_document(&[("hello", Value::Int32(1)), ("$db", Value::Str("admin"))]),
        ))
        .await?;

        // Header: messageLength, requestID, responseTo, opCode (int32 LE each).
        let header = wire.read(16).await?;
        let length = int32_at(&header, 0);
        if int32_at(&header, 12) != OP_MSG || !(21..=MAX_REPLY_BYTES).contains(&length) {
            return Err(ProbeError::new(
                "unexpected reply: not a MongoDB server (3.6 or later)?",
            ));
        }
        let body = wire.read(length as usize - 16).await?;
        // body: flagBits (uint32), then section kind 0 followed by one document.
        if body[4] != 0 {
            return Err(ProbeError::new("unexpected OP_MSG section in reply"));
        }
        let reply = decode_top_level(&body[5..])?;
        let ok = match reply.get("ok") {
            Some(Scalar::Number(n)) => *n,
            Some(Scalar::Bool(b)) => f64::from(u8::from(*b)),
            _ => 0.0,
        };
        if ok != 1.0 {
            let reason = match (reply.get("errmsg"), reply.get("codeName")) {
                (Some(Scalar::Text(text)), _) | (None, Some(Scalar::Text(text))) => text.clone(),
                _ => "ok is not 1".to_string(),
            };
            return Err(ProbeError::new(format!("not ready: {reason}")));
        }
        Ok(())
    })
    .await
}

/// A seed list ("a:27017,b:27017") is not one host: keep the first.
fn first_host(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (credentials, hosts) = match authority.rfind('@') {
        Some(at) => authority.split_at(at + 1),
        None => ("", authority),
    };
    let first = hosts.split(',').next().unwrap_or_default();
    format!("{scheme}://{credentials}{first}{tail}")
}

fn op_msg(request_id: i32, document: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(21 + document.len());
    message.extend_from_slice(&((21 + document.len()) as i32).to_le_bytes());
    message.extend_from_slice(&request_id.to_le_bytes());
    message.extend_from_slice(&0i32.to_le_bytes()); // responseTo
    message.extend_from_slice(&OP_MSG.to_le_bytes());
    message.extend_from_slice(&0u32.to_le_bytes()); // flagBits
    message.push(0); // section kind 0: body document
    message.extend_from_slice(document);
    message
}

// --- Minimal BSON: encodes int32 and string values, decodes top-level scalars.

enum Value<'a> {
    Int32(i32),
    Str(&'a str),
}

fn encode_document(fields: &[(&str, Value<'_>)]) -> Vec<u8> {
    let mut content = Vec::new();
    for (key, value) in fields {
        let (kind, bytes) = match value {
            Value::Int32(n) => (0x10, n.to_le_bytes().to_vec()),
            Value::Str(text) => {
                let mut bytes = ((text.len() + 1) as i32).to_le_bytes().to_vec();
                bytes.extend_from_slice(text.as_bytes());
                bytes.push(0);
                (0x02, bytes)
            }
        };
        content.push(kind);
        content.extend_from_slice(key.as_bytes());
        content.push(0);
        content.extend_from_slice(&bytes);
    }
    content.push(0);
    let mut document = ((content.len() + 4) as i32).to_le_bytes().to_vec();
    document.extend_from_slice(&content);
    document
}

#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Number(f64),
    Text(String),
    Bool(bool),
}

fn int32_at(bytes: &[u8], at: usize) -> i32 {
    bytes
        .get(at..at + 4)
        .map_or(-1, |b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Reads a document's top-level doubles, strings, int32/int64 and booleans; every other
/// value (sub-documents, ObjectIds, timestamps...) is skipped by size.
fn decode_top_level(document: &[u8]) -> Result<HashMap<String, Scalar>, ProbeError> {
    let malformed = || ProbeError::new("malformed BSON document in reply");
    let mut values = HashMap::new();
    let declared = int32_at(document, 0);
    if declared < 5 || declared as usize > document.len() {
        return Err(ProbeError::new("truncated BSON document in reply"));
    }
    let end = declared as usize - 1; // the last byte is the document's NUL
    let cstring_end = |from: usize| {
        document[from.min(end)..end]
            .iter()
            .position(|&b| b == 0)
            .map(|p| from + p)
            .ok_or_else(malformed)
    };
    let length_at = |at: usize| -> Result<usize, ProbeError> {
        usize::try_from(int32_at(document, at)).map_err(|_| malformed())
    };

    let mut offset = 4;
    while offset < end {
        let kind = document[offset];
        let name_end = cstring_end(offset + 1)?;
        let name = String::from_utf8_lossy(&document[offset + 1..name_end]).into_owned();
        let at = name_end + 1;
        let fixed = |size: usize| -> Result<&[u8], ProbeError> {
            document.get(at..at + size).ok_or_else(malformed)
        };
        let size = match kind {
            0x01 => {
                let b = fixed(8)?;
                values.insert(
                    name,
                    Scalar::Number(f64::from_le_bytes(b.try_into().map_err(|_| malformed())?)),
                );
                8
            }
            0x02 => {
                let length = length_at(at)?;
                let text = document
                    .get(at + 4..(at + 4 + length).saturating_sub(1))
                    .ok_or_else(malformed)?;
                values.insert(
                    name,
                    Scalar::Text(String::from_utf8_lossy(text).into_owned()),
                );
                4 + length
            }
            0x08 => {
                values.insert(name, Scalar::Bool(fixed(1)?[0] == 1));
                1
            }
            0x10 => {
                values.insert(name, Scalar::Number(f64::from(int32_at(document, at))));
                4
            }
            0x12 => {
                let b = fixed(8)?;
                values.insert(
                    name,
                    Scalar::Number(
                        i64::from_le_bytes(b.try_into().map_err(|_| malformed())?) as f64
                    ),
                );
                8
            }
            0x03 | 0x04 | 0x0f => length_at(at)?, // document, array, code with scope
            0x05 => 5 + length_at(at)?,           // binary: int32 length, subtype, bytes
            0x0d | 0x0e => 4 + length_at(at)?,    // JavaScript code, symbol
            0x0c => 4 + length_at(at)? + 12,      // DBPointer: string + ObjectId
            0x0b => cstring_end(cstring_end(at)? + 1)? + 1 - at, // regex: two cstrings
            0x07 => 12,                           // ObjectId
            0x09 | 0x11 => 8,                     // UTC datetime, timestamp
            0x13 => 16,                           // decimal128
            0x06 | 0x0a | 0x7f | 0xff => 0,       // undefined, null, max key, min key
            other => {
                return Err(ProbeError::new(format!(
                    "unsupported BSON type 0x{other:x} in reply"
                )));
            }
        };
        offset = at + size;
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::testing::{closed_port, fake_server, write};
    use std::sync::{Arc, Mutex};
    use tokio::io::AsyncReadExt;

    /// Reads one OP_MSG, records its bytes and answers with `reply` (or stays silent).
    async fn fake_mongo(reply: Option<Vec<u8>>) -> (u16, Arc<Mutex<Vec<u8>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let (port, _server) = fake_server(move |mut socket| async move {
            let length = socket.read_i32_le().await.unwrap();
            let mut rest = vec![0; length as usize - 4];
            socket.read_exact(&mut rest).await.unwrap();
            let request_id = i32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
            let mut request = length.to_le_bytes().to_vec();
            request.extend_from_slice(&rest);
            *log.lock().unwrap() = request;
            match reply {
                Some(document) => write(&mut socket, &op_msg_reply(request_id, &document)).await,
                None => tokio::time::sleep(Duration::from_secs(5)).await,
            }
        })
        .await;
        (port, seen)
    }

    fn op_msg_reply(response_to: i32, document: &[u8]) -> Vec<u8> {
        let mut message = ((21 + document.len()) as i32).to_le_bytes().to_vec();
        message.extend_from_slice(&99i32.to_le_bytes());
        message.extend_from_slice(&response_to.to_le_bytes());
        message.extend_from_slice(&OP_MSG.to_le_bytes());
        message.extend_from_slice(&[0, 0, 0, 0, 0]);
        message.extend_from_slice(document);
        message
    }

    // Just enough BSON to build realistic replies, including types the probe skips.
    fn element(kind: u8, name: &str, value: &[u8]) -> Vec<u8> {
        let mut bytes = vec![kind];
        bytes.extend_from_slice(name.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(value);
        bytes
    }
    fn string(text: &str) -> Vec<u8> {
        let mut bytes = ((text.len() + 1) as i32).to_le_bytes().to_vec();
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(0);
        bytes
    }
    fn document_of(elements: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = elements.concat().into_iter().chain([0]).collect();
        let mut document = ((body.len() + 4) as i32).to_le_bytes().to_vec();
        document.extend_from_slice(&body);
        document
    }

    #[tokio::test]
    async fn ready_when_hello_answers_ok_1() {
        let reply = document_of(&[
            element(0x08, "isWritablePrimary", &[1]),
            element(
                0x03,
                "topologyVersion",
                &document_of(&[element(0x07, "processId", &[0; 12])]),
            ),
            element(0x09, "localTime", &[0; 8]),
            element(
                0x04,
                "hosts",
                &document_of(&[element(0x02, "0", &string("db:27017"))]),
            ),
            element(0x10, "maxWireVersion", &25i32.to_le_bytes()),
            element(0x01, "ok", &1f64.to_le_bytes()),
        ]);
        let (port, seen) = fake_mongo(Some(reply)).await;
        probe(&format!("mongodb://app:secret@127.0.0.1:{port},other-host:27017/app?replicaSet=rs0&authSource=admin"), Duration::from_secs(2))
            .await
            .unwrap();
        let request = seen.lock().unwrap().clone();
        assert_eq!(int32_at(&request, 12), OP_MSG);
        let text = String::from_utf8_lossy(&request);
        assert!(text.contains("hello\0") && text.contains("admin\0"));
        assert!(!text.contains("secret"), "hello carries no credentials");
    }

    #[tokio::test]
    async fn not_ready_when_ok_is_0_with_the_server_message() {
        let reply = document_of(&[
            element(0x01, "ok", &0f64.to_le_bytes()),
            element(0x02, "errmsg", &string("node is recovering")),
        ]);
        let (port, _) = fake_mongo(Some(reply)).await;
        let error = probe(
            &format!("mongodb://127.0.0.1:{port}"),
            Duration::from_secs(2),
        )
        .await
        .unwrap_err();
        assert_eq!(
            error.0,
            format!("127.0.0.1:{port}: not ready: node is recovering")
        );
    }

    #[tokio::test]
    async fn rejects_srv_and_tls_urls_with_a_clear_message() {
        let error = probe(
            "mongodb+srv://cluster0.example.net/app",
            Duration::from_secs(2),
        )
        .await
        .unwrap_err();
        assert!(
            error
                .0
                .contains("mongodb+srv:// URLs need a DNS SRV lookup"),
            "{error}"
        );
        let error = probe("mongodb://db:27017/app?tls=true", Duration::from_secs(2))
            .await
            .unwrap_err();
        assert!(error.0.contains("tls=true is not supported"), "{error}");
    }

    #[tokio::test]
    async fn rejects_a_server_that_is_not_mongodb() {
        let (port, _server) = fake_server(|mut socket| async move {
            let mut request = [0u8; 16];
            socket.read_exact(&mut request).await.unwrap();
            write(&mut socket, b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        })
        .await;
        let error = probe(
            &format!("mongodb://127.0.0.1:{port}"),
            Duration::from_secs(2),
        )
        .await
        .unwrap_err();
        assert!(error.0.contains("not a MongoDB server"), "{error}");
    }

    #[tokio::test]
    async fn refused_connections_and_silence_are_not_ready() {
        let port = closed_port().await;
        assert!(
            probe(
                &format!("mongodb://127.0.0.1:{port}"),
                Duration::from_secs(2)
            )
            .await
            .is_err()
        );
        let (port, _) = fake_mongo(None).await;
        let error = probe(
            &format!("mongodb://127.0.0.1:{port}"),
            Duration::from_millis(150),
        )
        .await
        .unwrap_err();
        assert_eq!(
            error.0,
            format!("127.0.0.1:{port}: no answer within 150 ms")
        );
    }

    #[test]
    fn first_host_keeps_credentials_and_the_rest() {
        assert_eq!(
            first_host("mongodb://u:p@a:1,b:2/db?x=1"),
            "mongodb://u:p@a:1/db?x=1"
        );
        assert_eq!(first_host("mongodb://a,b"), "mongodb://a");
    }
}
