//! MySQL and MariaDB readiness: logs in over the client/server protocol instead of using a
//! driver; once you add one (sqlx, mysql_async), replace this with its ping.
//!
//! Why a full login and not just the greeting: the server counts a client that hangs up
//! during the handshake against max_connect_errors (default 100) for that client's host,
//! and then blocks the host ("Host ... is blocked") -- the app's own connections included.
//! A completed login resets the count, so a probe that logs in and says COM_QUIT never
//! adds to it.
//!
//! Plain TCP only: ssl/tls options in the URL are not honoured, which is meant for a
//! database on the private container network. The password never crosses in the clear (a
//! scramble, or RSA-OAEP with the server's key), but that key is fetched unauthenticated.
//! A server that insists on TLS (require_secure_transport) makes the probe fail with the
//! server's message.

use std::time::Duration;

use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::rand_core::OsRng;
use rsa::{Oaep, RsaPublicKey};
use sha1::{Digest, Sha1};
use sha2::Sha256;

use crate::readiness::ProbeError;
use crate::wire::{ServiceUrl, Wire, converse};

pub const SCHEMES: &[&str] = &["mysql", "mariadb"];

const DEFAULT_PORT: u16 = 3306;

// Capability flags (the first 32 bits are shared by MySQL and MariaDB).
const CLIENT_LONG_PASSWORD: u32 = 0x1;
const CLIENT_CONNECT_WITH_DB: u32 = 0x8;
const CLIENT_PROTOCOL_41: u32 = 0x200;
const CLIENT_SECURE_CONNECTION: u32 = 0x8000;
const CLIENT_PLUGIN_AUTH: u32 = 0x80000;

const UTF8MB4_GENERAL_CI: u8 = 45; // known to MySQL and MariaDB alike
const MAX_CLIENT_PACKET: u32 = 16 * 1024 * 1024;
// Greetings, auth packets and RSA keys are small; refuse to buffer more.
const MAX_SERVER_PACKET: usize = 64 * 1024;

const HANDSHAKE_V10: u8 = 0x0a;
const OK_PACKET: u8 = 0x00;
const AUTH_MORE_DATA: u8 = 0x01;
const AUTH_SWITCH_REQUEST: u8 = 0xfe;
const ERR_PACKET: u8 = 0xff;
const COM_QUIT: u8 = 0x01;

// caching_sha2_password: AuthMoreData statuses and the public-key request.
const FAST_AUTH_SUCCESS: u8 = 0x03;
const PERFORM_FULL_AUTHENTICATION: u8 = 0x04;
const REQUEST_PUBLIC_KEY: u8 = 0x02;

const NATIVE: &str = "mysql_native_password";
const CACHING_SHA2: &str = "caching_sha2_password";
const SUPPORTED_PLUGINS: &[&str] = &[NATIVE, CACHING_SHA2];

// Errors that mean the login itself was refused: the server is up, but the app, which
// uses the same URL, cannot work with it either.
const LOGIN_REFUSED: &[u16] = &[
    1044, // access denied to the database
    1045, // access denied (user or password)
    1049, // unknown database
    1698, // access denied (no password given)
];

/// Ready = the server accepts a login with the URL's user, password and database. Any ERR
/// packet (too many connections, host blocked, access denied, unknown database...) means
/// not ready, with the server's message.
pub async fn probe(url: &str, timeout: Duration) -> Result<(), ProbeError> {
    let parsed = ServiceUrl::parse(url)?;
    let endpoint = parsed.endpoint(DEFAULT_PORT);
    let login = Login {
        user: parsed.username,
        password: parsed.password.into_bytes(),
        database: parsed.path,
    };

    converse(&endpoint, timeout, |wire| async move {
        let mut channel = PacketChannel { wire, sequence: 0 };
        let greeting = parse_greeting(&channel.read().await?)?;
        authenticate(&mut channel, &greeting, &login).await?;
        // Say goodbye so the server logs no aborted connection. COM_QUIT starts a new
        // command, hence sequence id 0; the server just closes.
        channel.sequence = 0;
        channel.write(&[COM_QUIT]).await
    })
    .await
}

struct Login {
    user: String,
    password: Vec<u8>,
    database: String,
}

#[derive(Debug)]
struct Greeting {
    capabilities: u32,
    nonce: Vec<u8>,
    plugin: String,
}

async fn authenticate(
    channel: &mut PacketChannel,
    greeting: &Greeting,
    login: &Login,
) -> Result<(), ProbeError> {
    let required = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION;
    if greeting.capabilities & required != required {
        return Err(ProbeError::new(
            "server does not speak the MySQL 4.1+ protocol",
        ));
    }
    // The greeting names the server's default plugin. If we cannot answer it, start with
    // mysql_native_password: the server switches us to the account's own plugin if that
    // differs.
    let mut plugin = if SUPPORTED_PLUGINS.contains(&greeting.plugin.as_str()) {
        greeting.plugin.clone()
    } else {
        NATIVE.to_string()
    };
    let mut nonce = greeting.nonce.clone();
    let answer = scramble(&plugin, &login.password, &nonce);
    channel
        .write(&handshake_response(
            greeting.capabilities,
            login,
            &plugin,
            &answer,
        ))
        .await?;

    // OK ends the exchange; bound the rounds so a confused server cannot loop us.
    for _ in 0..5 {
        let reply = channel.read().await?;
        match reply[0] {
            OK_PACKET => return Ok(()),
            ERR_PACKET => return Err(server_error(&reply)),
            AUTH_SWITCH_REQUEST => {
                let mut reader = Reader::new(&reply[1..]);
                // A bare 0xfe is the pre-4.1 switch to the old password hash.
                plugin = if reply.len() == 1 {
                    "mysql_old_password".to_string()
                } else {
                    reader.cstring()
                };
                nonce = without_trailing_nul(reader.rest()).to_vec();
                if SUPPORTED_PLUGINS.contains(&plugin.as_str()) {
                    channel
                        .write(&scramble(&plugin, &login.password, &nonce))
                        .await?;
                    continue;
                }
                // Hanging up, or a malformed answer, counts as a handshake error against
                // max_connect_errors; an answer the server can check and refuse is a mere
                // login failure. client_ed25519 expects a 64-byte signature (zeros never
                // verify); other plugins get an empty answer.
                let size = if plugin == "client_ed25519" { 64 } else { 0 };
                channel.write(&vec![0; size]).await?;
                if channel.read().await?[0] == OK_PACKET {
                    return Ok(());
                }
                return Err(unsupported_plugin(&plugin));
            }
            AUTH_MORE_DATA => {
                if plugin != CACHING_SHA2 || reply.len() != 2 {
                    return Err(ProbeError::new(format!(
                        "unexpected AuthMoreData for {plugin}"
                    )));
                }
                match reply[1] {
                    FAST_AUTH_SUCCESS => continue, // an OK packet follows
                    PERFORM_FULL_AUTHENTICATION => {}
                    status => {
                        return Err(ProbeError::new(format!(
                            "unexpected {CACHING_SHA2} status {status}"
                        )));
                    }
                }
                // The server has not cached this account since it started: it needs the
                // password itself, which over plain TCP we encrypt with its key.
                channel.write(&[REQUEST_PUBLIC_KEY]).await?;
                let key = channel.read().await?;
                if key[0] == ERR_PACKET {
                    return Err(server_error(&key));
                }
                if key[0] != AUTH_MORE_DATA || key.len() < 2 {
                    return Err(ProbeError::new("server did not send its RSA public key"));
                }
                channel
                    .write(&encrypt_password(&login.password, &nonce, &key[1..])?)
                    .await?;
            }
            other => {
                return Err(ProbeError::new(format!(
                    "unexpected reply 0x{other:x} during authentication"
                )));
            }
        }
    }
    Err(ProbeError::new("authentication did not finish"))
}

/// Packets are a 3-byte little-endian payload length, a 1-byte sequence id and the payload.
/// Sequence ids count up across both directions within one exchange (greeting 0, our
/// response 1, ...).
struct PacketChannel {
    wire: Wire,
    sequence: u8,
}

impl PacketChannel {
    async fn read(&mut self) -> Result<Vec<u8>, ProbeError> {
        let header = self.wire.read(4).await?;
        let length =
            usize::from(header[0]) | usize::from(header[1]) << 8 | usize::from(header[2]) << 16;
        if length == 0 || length > MAX_SERVER_PACKET {
            return Err(ProbeError::new(format!(
                "unexpected {length}-byte packet: not a MySQL server?"
            )));
        }
        if header[3] != self.sequence {
            return Err(ProbeError::new(format!(
                "packet out of order: sequence id {}, expected {}",
                header[3], self.sequence
            )));
        }
        self.sequence = self.sequence.wrapping_add(1);
        self.wire.read(length).await
    }

    async fn write(&mut self, payload: &[u8]) -> Result<(), ProbeError> {
        let mut packet = (payload.len() as u32).to_le_bytes()[..3].to_vec();
        packet.push(self.sequence);
        packet.extend_from_slice(payload);
        self.sequence = self.sequence.wrapping_add(1);
        self.wire.write(&packet).await
    }
}

/// Bounds-checked cursor over a packet payload.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    fn take(&mut self, length: usize) -> Result<&'a [u8], ProbeError> {
        if length > self.bytes.len() {
            return Err(ProbeError::new("malformed packet from the server"));
        }
        let (head, tail) = self.bytes.split_at(length);
        self.bytes = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, ProbeError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, ProbeError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    /// NUL-terminated string; some old servers omit the final NUL.
    fn cstring(&mut self) -> String {
        let end = self
            .bytes
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.bytes.len());
        let text = String::from_utf8_lossy(&self.bytes[..end]).into_owned();
        self.bytes = &self.bytes[(end + 1).min(self.bytes.len())..];
        text
    }

    fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.bytes)
    }
}

/// Protocol::HandshakeV10, or the ERR packet a server sends instead.
fn parse_greeting(payload: &[u8]) -> Result<Greeting, ProbeError> {
    match payload[0] {
        ERR_PACKET => return Err(server_error(payload)),
        HANDSHAKE_V10 => {}
        other => {
            return Err(ProbeError::new(format!(
                "unsupported handshake protocol version {other}"
            )));
        }
    }
    let mut reader = Reader::new(&payload[1..]);
    reader.cstring(); // server version
    reader.take(4)?; // connection id
    let nonce_start = reader.take(8)?;
    reader.take(1)?; // filler
    let mut capabilities = u32::from(reader.u16()?);
    let mut nonce_end: &[u8] = &[];
    let mut plugin = NATIVE.to_string();
    if !reader.bytes.is_empty() {
        reader.u8()?; // character set
        reader.u16()?; // status flags
        capabilities |= u32::from(reader.u16()?) << 16;
        let nonce_length = usize::from(reader.u8()?);
        reader.take(10)?; // reserved (MariaDB keeps extended capabilities here)
        if capabilities & CLIENT_SECURE_CONNECTION != 0 {
            // At least 13 bytes, the last being a NUL that is not part of the nonce.
            let wanted = nonce_length
                .saturating_sub(8)
                .max(13)
                .min(reader.bytes.len());
            nonce_end = reader.take(wanted)?;
        }
        if capabilities & CLIENT_PLUGIN_AUTH != 0 {
            let name = reader.cstring();
            if !name.is_empty() {
                plugin = name;
            }
        }
    }
    let mut nonce = [nonce_start, nonce_end].concat();
    nonce.truncate(20);
    Ok(Greeting {
        capabilities,
        nonce,
        plugin,
    })
}

/// Protocol::HandshakeResponse41.
fn handshake_response(
    server_capabilities: u32,
    login: &Login,
    plugin: &str,
    auth_data: &[u8],
) -> Vec<u8> {
    let plugin_auth = server_capabilities & CLIENT_PLUGIN_AUTH != 0;
    let mut flags = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION;
    if plugin_auth {
        flags |= CLIENT_PLUGIN_AUTH;
    }
    if !login.database.is_empty() {
        flags |= CLIENT_CONNECT_WITH_DB;
    }
    let mut packet = Vec::with_capacity(64 + auth_data.len());
    packet.extend_from_slice(&flags.to_le_bytes());
    packet.extend_from_slice(&MAX_CLIENT_PACKET.to_le_bytes());
    packet.push(UTF8MB4_GENERAL_CI);
    packet.extend_from_slice(&[0; 23]);
    packet.extend_from_slice(login.user.as_bytes());
    packet.push(0);
    packet.push(auth_data.len() as u8); // CLIENT_SECURE_CONNECTION: 1-byte length
    packet.extend_from_slice(auth_data);
    if !login.database.is_empty() {
        packet.extend_from_slice(login.database.as_bytes());
        packet.push(0);
    }
    if plugin_auth {
        packet.extend_from_slice(plugin.as_bytes());
        packet.push(0);
    }
    packet
}

/// First answer of either plugin; an empty password is an empty answer.
fn scramble(plugin: &str, password: &[u8], nonce: &[u8]) -> Vec<u8> {
    if password.is_empty() {
        return Vec::new();
    }
    if plugin == NATIVE {
        // SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password)))
        let stage1 = Sha1::digest(password);
        let stage2 = Sha1::digest(stage1);
        return xor(
            &stage1,
            &Sha1::new()
                .chain_update(nonce)
                .chain_update(stage2)
                .finalize(),
        );
    }
    // caching_sha2_password: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce)
    let stage1 = Sha256::digest(password);
    let stage2 = Sha256::digest(stage1);
    xor(
        &stage1,
        &Sha256::new()
            .chain_update(stage2)
            .chain_update(nonce)
            .finalize(),
    )
}

/// caching_sha2_password full authentication over plain TCP: the password, NUL-terminated
/// and XORed with the nonce, encrypted with the server's RSA key (OAEP padding).
fn encrypt_password(
    password: &[u8],
    nonce: &[u8],
    public_key_pem: &[u8],
) -> Result<Vec<u8>, ProbeError> {
    let invalid =
        || ProbeError::new("cannot encrypt the password with the server's RSA public key");
    let pem = std::str::from_utf8(public_key_pem)
        .map_err(|_| invalid())?
        .trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let key = RsaPublicKey::from_public_key_pem(pem)
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem))
        .map_err(|_| invalid())?;
    let plain = xor(&[password, &[0]].concat(), nonce);
    key.encrypt(&mut OsRng, Oaep::new::<Sha1>(), &plain)
        .map_err(|_| invalid())
}

/// XOR with `key` repeated to the length of `data`.
fn xor(data: &[u8], key: &[u8]) -> Vec<u8> {
    if key.is_empty() {
        return data.to_vec();
    }
    data.iter()
        .zip(key.iter().cycle())
        .map(|(a, b)| a ^ b)
        .collect()
}

fn without_trailing_nul(data: &[u8]) -> &[u8] {
    data.strip_suffix(&[0]).unwrap_or(data)
}

/// ERR packet: 0xff, 2-byte code, optional "#" + 5-byte SQLSTATE, message.
fn server_error(payload: &[u8]) -> ProbeError {
    if payload.len() < 3 {
        return ProbeError::new("not ready: malformed error packet");
    }
    let code = u16::from_le_bytes([payload[1], payload[2]]);
    // Errors sent before the handshake completes usually omit the SQLSTATE.
    let message_start = if payload.get(3) == Some(&b'#') && payload.len() >= 9 {
        9
    } else {
        3
    };
    let message = String::from_utf8_lossy(&payload[message_start..]);
    let hint = if LOGIN_REFUSED.contains(&code) {
        " (the probe logs in with the URL credentials and database, so the app cannot log in either)"
    } else {
        ""
    };
    ProbeError::new(format!("not ready: error {code}: {message}{hint}"))
}

fn unsupported_plugin(plugin: &str) -> ProbeError {
    ProbeError::new(format!(
        "the account uses the {plugin} authentication plugin, which this probe does not support \
         (only {}): switch the account to one of those, or replace the probe with your driver's ping",
        SUPPORTED_PLUGINS.join(" and ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::testing::{closed_port, fake_server};
    use rsa::RsaPrivateKey;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    /// The server side of one connection: frames packets and checks sequence ids.
    struct FakeConnection {
        socket: TcpStream,
        /// Sequence id of the next packet, in either direction.
        sequence: u8,
    }

    impl FakeConnection {
        async fn receive(&mut self) -> Vec<u8> {
            let mut header = [0u8; 4];
            self.socket
                .read_exact(&mut header)
                .await
                .expect("the probe hung up");
            assert_eq!(header[3], self.sequence, "client sequence id");
            self.sequence = self.sequence.wrapping_add(1);
            let length =
                usize::from(header[0]) | usize::from(header[1]) << 8 | usize::from(header[2]) << 16;
            let mut payload = vec![0; length];
            self.socket.read_exact(&mut payload).await.unwrap();
            payload
        }

        fn frame(&mut self, payload: &[u8]) -> Vec<u8> {
            let mut packet = (payload.len() as u32).to_le_bytes()[..3].to_vec();
            packet.push(self.sequence);
            self.sequence = self.sequence.wrapping_add(1);
            packet.extend_from_slice(payload);
            packet
        }

        async fn send(&mut self, payload: &[u8]) {
            let packet = self.frame(payload);
            self.socket.write_all(&packet).await.unwrap();
        }

        /// COM_QUIT (a new command, sequence 0), then the probe closes the connection.
        async fn expect_quit(&mut self) {
            self.sequence = 0;
            assert_eq!(self.receive().await, vec![COM_QUIT]);
            let mut rest = Vec::new();
            self.socket.read_to_end(&mut rest).await.unwrap();
            assert!(rest.is_empty());
        }
    }

    async fn fake_mysql<F, Fut>(script: F) -> (u16, tokio::task::JoinHandle<()>)
    where
        F: FnOnce(FakeConnection) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        fake_server(move |socket| {
            script(FakeConnection {
                socket,
                sequence: 0,
            })
        })
        .await
    }

    const SERVER_CAPABILITIES: u32 = 0xf7fe | (0x81bf << 16) | CLIENT_LONG_PASSWORD;
    const OK: &[u8] = &[0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00];

    fn greeting(plugin: &str, nonce: &[u8]) -> Vec<u8> {
        let mut packet = vec![HANDSHAKE_V10];
        packet.extend_from_slice(b"8.4.3\0");
        packet.extend_from_slice(&42u32.to_le_bytes()); // connection id
        packet.extend_from_slice(&nonce[..8]);
        packet.push(0); // filler
        packet.extend_from_slice(&(SERVER_CAPABILITIES as u16).to_le_bytes());
        packet.push(255); // utf8mb4_0900_ai_ci
        packet.extend_from_slice(&0x0002u16.to_le_bytes()); // SERVER_STATUS_AUTOCOMMIT
        packet.extend_from_slice(&((SERVER_CAPABILITIES >> 16) as u16).to_le_bytes());
        packet.push(21); // nonce length, NUL included
        packet.extend_from_slice(&[0; 10]);
        packet.extend_from_slice(&nonce[8..]);
        packet.push(0);
        packet.extend_from_slice(plugin.as_bytes());
        packet.push(0);
        packet
    }

    fn err_packet(code: u16, message: &str, sql_state: Option<&str>) -> Vec<u8> {
        let mut packet = vec![ERR_PACKET];
        packet.extend_from_slice(&code.to_le_bytes());
        if let Some(state) = sql_state {
            packet.push(b'#');
            packet.extend_from_slice(state.as_bytes());
        }
        packet.extend_from_slice(message.as_bytes());
        packet
    }

    fn auth_switch(plugin: &str, nonce: &[u8]) -> Vec<u8> {
        [&[AUTH_SWITCH_REQUEST], plugin.as_bytes(), &[0], nonce, &[0]].concat()
    }

    #[derive(Debug)]
    struct HandshakeResponse {
        flags: u32,
        charset: u8,
        user: String,
        auth_data: Vec<u8>,
        database: Option<String>,
        plugin: String,
    }

    fn parse_handshake_response(payload: &[u8]) -> HandshakeResponse {
        let flags = u32::from_le_bytes(payload[..4].try_into().unwrap());
        let mut reader = Reader::new(&payload[32..]);
        let user = reader.cstring();
        let length = usize::from(reader.u8().unwrap());
        let auth_data = reader.take(length).unwrap().to_vec();
        let database = (flags & CLIENT_CONNECT_WITH_DB != 0).then(|| reader.cstring());
        let plugin = reader.cstring();
        HandshakeResponse {
            flags,
            charset: payload[8],
            user,
            auth_data,
            database,
            plugin,
        }
    }

    /// What mysqld does: it stores SHA1(SHA1(password)) and never sees the password.
    fn native_password_matches(auth_data: &[u8], nonce: &[u8], password: &str) -> bool {
        let stored = Sha1::digest(Sha1::digest(password.as_bytes()));
        let candidate = xor(
            auth_data,
            &Sha1::new()
                .chain_update(nonce)
                .chain_update(stored)
                .finalize(),
        );
        auth_data.len() == 20 && Sha1::digest(candidate).as_slice() == stored.as_slice()
    }

    /// caching_sha2_password fast path: the server caches SHA256(SHA256(password)).
    fn sha2_password_matches(auth_data: &[u8], nonce: &[u8], password: &str) -> bool {
        let cached = Sha256::digest(Sha256::digest(password.as_bytes()));
        let candidate = xor(
            auth_data,
            &Sha256::new()
                .chain_update(cached)
                .chain_update(nonce)
                .finalize(),
        );
        auth_data.len() == 32 && Sha256::digest(candidate).as_slice() == cached.as_slice()
    }

    /// Like mysqld: printable-ish bytes, never NUL.
    fn nonce() -> Vec<u8> {
        use rsa::rand_core::RngCore;
        let mut bytes = [0u8; 20];
        OsRng.fill_bytes(&mut bytes);
        bytes
            .iter()
            .map(|b| if b & 0x7f == 0 { 1 } else { b & 0x7f })
            .collect()
    }

    const SECOND: Duration = Duration::from_secs(2);

    #[tokio::test]
    async fn native_password_logs_in_with_the_decoded_url_credentials_then_quits() {
        let challenge = nonce();
        let (port, server) = fake_mysql(move |mut c| async move {
            c.send(&greeting(NATIVE, &challenge)).await;
            let response = parse_handshake_response(&c.receive().await);
            assert!(
                native_password_matches(&response.auth_data, &challenge, "p@ss:wörd"),
                "scramble"
            );
            assert_eq!(response.user, "app+user");
            assert_eq!(response.database.as_deref(), Some("orders db"));
            assert_eq!(response.plugin, NATIVE);
            assert!([45, 255].contains(&response.charset), "utf8mb4");
            let wanted = CLIENT_LONG_PASSWORD
                | CLIENT_PROTOCOL_41
                | CLIENT_SECURE_CONNECTION
                | CLIENT_PLUGIN_AUTH
                | CLIENT_CONNECT_WITH_DB;
            assert_eq!(response.flags & wanted, wanted);
            c.send(OK).await;
            c.expect_quit().await;
        })
        .await;
        probe(
            &format!("mariadb://app%2Buser:p%40ss%3Aw%C3%B6rd@127.0.0.1:{port}/orders%20db"),
            SECOND,
        )
        .await
        .unwrap();
        server.await.unwrap();
    }

    #[tokio::test]
    async fn no_database_leaves_connect_with_db_off_and_an_empty_password_is_an_empty_answer() {
        let (port, server) = fake_mysql(|mut c| async move {
            c.send(&greeting(NATIVE, &nonce())).await;
            let response = parse_handshake_response(&c.receive().await);
            assert_eq!(response.flags & CLIENT_CONNECT_WITH_DB, 0);
            assert_eq!(response.database, None);
            assert!(response.auth_data.is_empty());
            c.send(OK).await;
            c.expect_quit().await;
        })
        .await;
        probe(&format!("mysql://root@127.0.0.1:{port}"), SECOND)
            .await
            .unwrap();
        server.await.unwrap();
    }

    #[tokio::test]
    async fn caching_sha2_password_fast_authentication() {
        let challenge = nonce();
        let (port, server) = fake_mysql(move |mut c| async move {
            c.send(&greeting(CACHING_SHA2, &challenge)).await;
            let response = parse_handshake_response(&c.receive().await);
            assert_eq!(response.plugin, CACHING_SHA2);
            assert!(
                sha2_password_matches(&response.auth_data, &challenge, "secret"),
                "scramble"
            );
            c.send(&[AUTH_MORE_DATA, FAST_AUTH_SUCCESS]).await;
            c.send(OK).await;
            c.expect_quit().await;
        })
        .await;
        probe(&format!("mysql://app:secret@127.0.0.1:{port}/app"), SECOND)
            .await
            .unwrap();
        server.await.unwrap();
    }

    #[tokio::test]
    async fn caching_sha2_password_full_authentication_with_the_server_rsa_key() {
        let challenge = nonce();
        let private_key = RsaPrivateKey::new(&mut OsRng, 1024).unwrap();
        let public_pem = private_key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        let (port, server) = fake_mysql(move |mut c| async move {
            c.send(&greeting(CACHING_SHA2, &challenge)).await;
            c.receive().await;
            c.send(&[AUTH_MORE_DATA, PERFORM_FULL_AUTHENTICATION]).await;
            assert_eq!(
                c.receive().await,
                vec![REQUEST_PUBLIC_KEY],
                "public key request"
            );
            c.send(&[&[AUTH_MORE_DATA], public_pem.as_bytes()].concat())
                .await;
            let encrypted = c.receive().await;
            let plain = private_key
                .decrypt(Oaep::new::<Sha1>(), &encrypted)
                .unwrap();
            assert_eq!(xor(&plain, &challenge), "sécret\0".as_bytes());
            c.send(OK).await;
            c.expect_quit().await;
        })
        .await;
        probe(
            &format!("mysql://app:s%C3%A9cret@127.0.0.1:{port}/app"),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
        server.await.unwrap();
    }

    #[tokio::test]
    async fn follows_an_auth_switch_to_native_password_with_the_new_nonce() {
        let switched = nonce();
        let (port, server) = fake_mysql(move |mut c| async move {
            c.send(&greeting(CACHING_SHA2, &nonce())).await;
            c.receive().await;
            c.send(&auth_switch(NATIVE, &switched)).await;
            let answer = c.receive().await;
            assert!(
                native_password_matches(&answer, &switched, "secret"),
                "scramble with the switched nonce"
            );
            c.send(OK).await;
            c.expect_quit().await;
        })
        .await;
        probe(&format!("mysql://app:secret@127.0.0.1:{port}/app"), SECOND)
            .await
            .unwrap();
        server.await.unwrap();
    }

    #[tokio::test]
    async fn follows_an_auth_switch_to_caching_sha2_password() {
        let switched = nonce();
        let (port, server) = fake_mysql(move |mut c| async move {
            c.send(&greeting(NATIVE, &nonce())).await;
            c.receive().await;
            c.send(&auth_switch(CACHING_SHA2, &switched)).await;
            assert!(sha2_password_matches(
                &c.receive().await,
                &switched,
                "secret"
            ));
            c.send(&[AUTH_MORE_DATA, FAST_AUTH_SUCCESS]).await;
            c.send(OK).await;
            c.expect_quit().await;
        })
        .await;
        probe(&format!("mysql://app:secret@127.0.0.1:{port}/app"), SECOND)
            .await
            .unwrap();
        server.await.unwrap();
    }

    #[tokio::test]
    async fn a_wrong_password_is_not_ready_and_says_the_app_cannot_log_in_either() {
        let challenge = nonce();
        let (port, server) = fake_mysql(move |mut c| async move {
            c.send(&greeting(NATIVE, &challenge)).await;
            let response = parse_handshake_response(&c.receive().await);
            assert!(!native_password_matches(
                &response.auth_data,
                &challenge,
                "secret"
            ));
            c.send(&err_packet(
                1045,
                "Access denied for user 'app'@'127.0.0.1' (using password: YES)",
                Some("28000"),
            ))
            .await;
        })
        .await;
        let error = probe(&format!("mysql://app:wrong@127.0.0.1:{port}/app"), SECOND)
            .await
            .unwrap_err();
        assert!(
            error.0.starts_with(&format!(
                "127.0.0.1:{port}: not ready: error 1045: Access denied for user 'app'"
            )),
            "{error}"
        );
        assert!(error.0.contains("app cannot log in either"));
        assert!(!error.0.contains("wrong"), "never echoes the password");
        server.await.unwrap();
    }

    #[tokio::test]
    async fn not_ready_on_a_greeting_err_packet_with_its_message() {
        let (port, server) = fake_mysql(|mut c| async move {
            c.send(&err_packet(1040, "Too many connections", None))
                .await;
        })
        .await;
        let error = probe(&format!("mariadb://127.0.0.1:{port}/app"), SECOND)
            .await
            .unwrap_err();
        assert_eq!(
            error.0,
            format!("127.0.0.1:{port}: not ready: error 1040: Too many connections")
        );
        server.await.unwrap();
    }

    #[tokio::test]
    async fn a_blocked_host_is_reported_with_the_server_message() {
        let message = "Host '10.0.0.7' is blocked because of many connection errors; unblock with 'mariadb-admin flush-hosts'";
        let (port, _server) = fake_mysql(move |mut c| async move {
            c.send(&err_packet(1129, message, None)).await;
        })
        .await;
        let error = probe(&format!("mysql://app:secret@127.0.0.1:{port}/app"), SECOND)
            .await
            .unwrap_err();
        assert_eq!(
            error.0,
            format!("127.0.0.1:{port}: not ready: error 1129: {message}")
        );
    }

    #[tokio::test]
    async fn rejects_an_unsupported_authentication_plugin_by_name() {
        let (port, server) = fake_mysql(|mut c| async move {
            c.send(&greeting(NATIVE, &nonce())).await;
            c.receive().await;
            c.send(&auth_switch("client_ed25519", &nonce())).await;
            // A signature-sized answer, so the server logs a failed login rather than a
            // handshake error that counts against max_connect_errors.
            assert_eq!(c.receive().await, vec![0; 64]);
            c.send(&err_packet(
                1045,
                "Access denied for user 'app'@'127.0.0.1' (using password: YES)",
                Some("28000"),
            ))
            .await;
        })
        .await;
        let error = probe(
            &format!("mariadb://app:secret@127.0.0.1:{port}/app"),
            SECOND,
        )
        .await
        .unwrap_err();
        assert!(
            error.0.contains("client_ed25519 authentication plugin"),
            "{error}"
        );
        server.await.unwrap();
    }

    #[tokio::test]
    async fn answers_a_greeting_for_an_unknown_default_plugin_with_native_password() {
        let challenge = nonce();
        let (port, server) = fake_mysql(move |mut c| async move {
            c.send(&greeting("client_ed25519", &challenge)).await;
            let response = parse_handshake_response(&c.receive().await);
            assert_eq!(response.plugin, NATIVE);
            assert!(native_password_matches(
                &response.auth_data,
                &challenge,
                "secret"
            ));
            c.send(OK).await;
            c.expect_quit().await;
        })
        .await;
        probe(
            &format!("mariadb://app:secret@127.0.0.1:{port}/app"),
            SECOND,
        )
        .await
        .unwrap();
        server.await.unwrap();
    }

    #[tokio::test]
    async fn handles_packets_split_across_reads_and_several_packets_in_one() {
        let challenge = nonce();
        let (port, server) = fake_mysql(move |mut c| async move {
            c.socket.set_nodelay(true).unwrap();
            for byte in c.frame(&greeting(CACHING_SHA2, &challenge)) {
                c.socket.write_all(&[byte]).await.unwrap();
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            let response = parse_handshake_response(&c.receive().await);
            assert!(sha2_password_matches(
                &response.auth_data,
                &challenge,
                "secret"
            ));
            // Fast-auth success and OK in one write, then nothing else.
            let both = [c.frame(&[AUTH_MORE_DATA, FAST_AUTH_SUCCESS]), c.frame(OK)].concat();
            c.socket.write_all(&both).await.unwrap();
            c.expect_quit().await;
        })
        .await;
        probe(
            &format!("mysql://app:secret@127.0.0.1:{port}/app"),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
        server.await.unwrap();
    }

    #[tokio::test]
    async fn rejects_a_server_that_is_not_mysql() {
        let (port, _server) = fake_mysql(|mut c| async move {
            c.send(&[0x09, 0x00]).await;
        })
        .await;
        let error = probe(&format!("mysql://127.0.0.1:{port}/app"), SECOND)
            .await
            .unwrap_err();
        assert!(
            error.0.contains("unsupported handshake protocol version 9"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn the_deadline_covers_the_greeting_and_the_login() {
        let (port, _server) = fake_mysql(|c| async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(c);
        })
        .await;
        let error = probe(
            &format!("mysql://127.0.0.1:{port}/app"),
            Duration::from_millis(150),
        )
        .await
        .unwrap_err();
        assert_eq!(
            error.0,
            format!("127.0.0.1:{port}: no answer within 150 ms")
        );

        let (port, _server) = fake_mysql(|mut c| async move {
            c.send(&greeting(NATIVE, &nonce())).await;
            tokio::time::sleep(Duration::from_secs(5)).await;
        })
        .await;
        let error = probe(
            &format!("mysql://app:secret@127.0.0.1:{port}/app"),
            Duration::from_millis(150),
        )
        .await
        .unwrap_err();
        assert_eq!(
            error.0,
            format!("127.0.0.1:{port}: no answer within 150 ms")
        );
    }

    #[tokio::test]
    async fn refused_connections_are_not_ready() {
        let port = closed_port().await;
        let error = probe(&format!("mysql://127.0.0.1:{port}/app"), SECOND)
            .await
            .unwrap_err();
        assert!(
            error
                .0
                .starts_with(&format!("127.0.0.1:{port}: connect failed")),
            "{error}"
        );
    }
}
