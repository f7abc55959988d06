package probes

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// MySQL logs in over the MySQL client/server protocol, so the app needs no
// driver; once you add one (go-sql-driver/mysql), replace this with its Ping.
// MariaDB speaks the same protocol.
//
// Why a full login and not just the greeting: the server counts a client
// that hangs up during the handshake against max_connect_errors (default
// 100) for that client's host, and then blocks the host ("Host ... is
// blocked") -- the app's own connections included. A completed login resets
// the count, so a probe that logs in and says COM_QUIT never adds to it.
//
// Plain TCP only: ssl=true / tls=true in the URL is not honoured, which is
// meant for a database on the private container network. The password never
// crosses in the clear (a scramble, or RSA-OAEP with the server's key), but
// that key is fetched unauthenticated. A server that insists on TLS
// (require_secure_transport) makes the probe fail with the server's message.

// MySQLSchemes are the URL schemes MySQL and MariaDB understand.
var MySQLSchemes = []string{"mysql", "mariadb"}

// Capability flags (the first 32 bits are shared by MySQL and MariaDB).
const (
	clientLongPassword     = 0x1
	clientConnectWithDB    = 0x8
	clientProtocol41       = 0x200
	clientSecureConnection = 0x8000
	clientPluginAuth       = 0x80000
)

const (
	utf8mb4GeneralCI = 45 // known to MySQL and MariaDB alike
	maxClientPacket  = 16 * 1024 * 1024
	// Greetings, auth packets and RSA keys are small; refuse to buffer more.
	maxServerPacket = 64 * 1024

	handshakeV10      = 0x0a
	okPacket          = 0x00
	authMoreData      = 0x01
	authSwitchRequest = 0xfe
	errPacket         = 0xff
	comQuit           = 0x01

	// caching_sha2_password: AuthMoreData statuses and the public-key request.
	fastAuthSuccess           = 0x03
	performFullAuthentication = 0x04
	requestPublicKey          = 0x02

	nativePassword = "mysql_native_password"
	cachingSHA2    = "caching_sha2_password"
)

var supportedPlugins = []string{nativePassword, cachingSHA2}

// Errors that mean the login itself was refused: the server is up, but the
// app, which uses the same URL, cannot work with it either.
var loginRefused = map[uint16]bool{
	1044: true, // access denied to the database
	1045: true, // access denied (user or password)
	1049: true, // unknown database
	1698: true, // access denied (no password given)
}

type mysqlLogin struct {
	user     string
	password []byte
	database string
}

type mysqlGreeting struct {
	capabilities uint32
	nonce        []byte
	plugin       string
}

// MySQL reports ready when the server accepts a login with the URL's user,
// password and database. Any ERR packet (too many connections, host
// blocked, access denied, unknown database...) means not ready, with the
// server's message.
func MySQL(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("invalid mysql URL: %w", redact(err))
	}
	e, err := endpointFrom(u, 3306, false)
	if err != nil {
		return err
	}
	password, _ := u.User.Password()
	login := mysqlLogin{user: u.User.Username(), password: []byte(password), database: strings.TrimPrefix(u.Path, "/")}

	return converse(ctx, e, func(w *wire) error {
		channel := &packetChannel{wire: w}
		payload, err := channel.read()
		if err != nil {
			return err
		}
		greeting, err := parseGreeting(payload)
		if err != nil {
			return err
		}
		if err := authenticate(channel, greeting, login); err != nil {
			return err
		}
		// Say goodbye so the server logs no aborted connection. COM_QUIT
		// starts a new command, hence sequence id 0; the server just closes.
		channel.startCommand()
		return channel.write([]byte{comQuit})
	})
}

func authenticate(channel *packetChannel, greeting mysqlGreeting, login mysqlLogin) error {
	const required = clientProtocol41 | clientSecureConnection
	if greeting.capabilities&required != required {
		return errors.New("server does not speak the MySQL 4.1+ protocol")
	}
	// The greeting names the server's default plugin. If we cannot answer
	// it, start with mysql_native_password: the server switches us to the
	// account's own plugin if that differs.
	plugin := greeting.plugin
	if !slices.Contains(supportedPlugins, plugin) {
		plugin = nativePassword
	}
	nonce := greeting.nonce
	if err := channel.write(handshakeResponse(greeting.capabilities, login, plugin, scramble(plugin, login.password, nonce))); err != nil {
		return err
	}

	// OK ends the exchange; bound the rounds so a confused server cannot loop us.
	for range 5 {
		reply, err := channel.read()
		if err != nil {
			return err
		}
		switch reply[0] {
		case okPacket:
			return nil
		case errPacket:
			return serverError(reply)
		case authSwitchRequest:
			r := &packetReader{buf: reply, offset: 1}
			// A bare 0xfe is the pre-4.1 switch to the old password hash.
			if len(reply) == 1 {
				plugin = "mysql_old_password"
			} else {
				plugin = r.cstring()
			}
			nonce = withoutTrailingNul(r.rest())
			if slices.Contains(supportedPlugins, plugin) {
				if err := channel.write(scramble(plugin, login.password, nonce)); err != nil {
					return err
				}
				continue
			}
			// Hanging up, or a malformed answer, counts as a handshake error
			// against max_connect_errors; an answer the server can check and
			// refuse is a mere login failure. client_ed25519 expects a 64-byte
			// signature (zeros never verify); other plugins get an empty answer.
			answer := []byte{}
			if plugin == "client_ed25519" {
				answer = make([]byte, 64)
			}
			if err := channel.write(answer); err != nil {
				return err
			}
			if next, err := channel.read(); err == nil && next[0] == okPacket {
				return nil
			}
			return unsupportedPlugin(plugin)
		case authMoreData:
			if plugin != cachingSHA2 || len(reply) != 2 {
				return fmt.Errorf("unexpected AuthMoreData for %s", plugin)
			}
			if reply[1] == fastAuthSuccess {
				continue // an OK packet follows
			}
			if reply[1] != performFullAuthentication {
				return fmt.Errorf("unexpected %s status %d", cachingSHA2, reply[1])
			}
			// The server has not cached this account since it started: it
			// needs the password itself, which over plain TCP we encrypt
			// with its key.
			if err := channel.write([]byte{requestPublicKey}); err != nil {
				return err
			}
			key, err := channel.read()
			if err != nil {
				return err
			}
			if key[0] == errPacket {
				return serverError(key)
			}
			if key[0] != authMoreData || len(key) < 2 {
				return errors.New("server did not send its RSA public key")
			}
			encrypted, err := encryptPassword(login.password, nonce, key[1:])
			if err != nil {
				return err
			}
			if err := channel.write(encrypted); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unexpected reply 0x%x during authentication", reply[0])
		}
	}
	return errors.New("authentication did not finish")
}

// packetChannel frames packets: a 3-byte little-endian payload length, a
// 1-byte sequence id and the payload. Sequence ids count up across both
// directions within one exchange (greeting 0, our response 1, ...).
type packetChannel struct {
	wire     *wire
	sequence byte
}

func (c *packetChannel) read() ([]byte, error) {
	header, err := c.wire.read(4)
	if err != nil {
		return nil, err
	}
	length := int(header[0]) | int(header[1])<<8 | int(header[2])<<16
	if length == 0 || length > maxServerPacket {
		return nil, fmt.Errorf("unexpected %d-byte packet: not a MySQL server?", length)
	}
	if header[3] != c.sequence {
		return nil, fmt.Errorf("packet out of order: sequence id %d, expected %d", header[3], c.sequence)
	}
	c.sequence++
	return c.wire.read(length)
}

func (c *packetChannel) write(payload []byte) error {
	n := len(payload)
	packet := append([]byte{byte(n), byte(n >> 8), byte(n >> 16), c.sequence}, payload...)
	c.sequence++
	return c.wire.write(packet)
}

func (c *packetChannel) startCommand() { c.sequence = 0 }

// packetReader is a bounds-checked cursor over a packet payload. The first
// overrun sets err; later calls return zero values.
type packetReader struct {
	buf    []byte
	offset int
	err    error
}

func (r *packetReader) remaining() int { return len(r.buf) - r.offset }

func (r *packetReader) bytes(n int) []byte {
	if r.err != nil || n > r.remaining() {
		r.err = errors.New("malformed packet from the server")
		return nil
	}
	slice := r.buf[r.offset : r.offset+n]
	r.offset += n
	return slice
}

func (r *packetReader) uint8() byte {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *packetReader) uint16() uint16 {
	if b := r.bytes(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

// cstring reads a NUL-terminated string; some old servers omit the final NUL.
func (r *packetReader) cstring() string {
	if r.err != nil {
		return ""
	}
	rest := r.buf[r.offset:]
	end := slices.Index(rest, 0)
	if end == -1 {
		r.offset = len(r.buf)
		return string(rest)
	}
	r.offset += end + 1
	return string(rest[:end])
}

func (r *packetReader) rest() []byte { return r.bytes(r.remaining()) }

// parseGreeting reads Protocol::HandshakeV10, or the ERR packet a server
// sends instead.
func parseGreeting(payload []byte) (mysqlGreeting, error) {
	switch payload[0] {
	case errPacket:
		return mysqlGreeting{}, serverError(payload)
	case handshakeV10:
	default:
		return mysqlGreeting{}, fmt.Errorf("unsupported handshake protocol version %d", payload[0])
	}

	r := &packetReader{buf: payload, offset: 1}
	r.cstring() // server version
	r.bytes(4)  // connection id
	nonce := slices.Clone(r.bytes(8))
	r.bytes(1) // filler
	capabilities := uint32(r.uint16())
	plugin := nativePassword
	if r.err == nil && r.remaining() > 0 {
		r.uint8()  // character set
		r.uint16() // status flags
		capabilities |= uint32(r.uint16()) << 16
		nonceLength := int(r.uint8())
		r.bytes(10) // reserved (MariaDB keeps extended capabilities here)
		if capabilities&clientSecureConnection != 0 {
			// At least 13 bytes, the last being a NUL that is not part of the nonce.
			nonce = append(nonce, r.bytes(min(max(13, nonceLength-8), r.remaining()))...)
		}
		if capabilities&clientPluginAuth != 0 {
			if name := r.cstring(); name != "" {
				plugin = name
			}
		}
	}
	if r.err != nil {
		return mysqlGreeting{}, r.err
	}
	if len(nonce) > 20 {
		nonce = nonce[:20]
	}
	return mysqlGreeting{capabilities: capabilities, nonce: nonce, plugin: plugin}, nil
}

// handshakeResponse builds Protocol::HandshakeResponse41.
func handshakeResponse(serverCapabilities uint32, login mysqlLogin, plugin string, authData []byte) []byte {
	pluginAuth := serverCapabilities&clientPluginAuth != 0
	flags := uint32(clientLongPassword | clientProtocol41 | clientSecureConnection)
	if pluginAuth {
		flags |= clientPluginAuth
	}
	if login.database != "" {
		flags |= clientConnectWithDB
	}

	packet := make([]byte, 32) // flags, max packet size, charset, 23 zero bytes
	binary.LittleEndian.PutUint32(packet[0:], flags)
	binary.LittleEndian.PutUint32(packet[4:], maxClientPacket)
	packet[8] = utf8mb4GeneralCI
	packet = append(append(packet, login.user...), 0)
	packet = append(packet, byte(len(authData))) // CLIENT_SECURE_CONNECTION: 1-byte length
	packet = append(packet, authData...)
	if login.database != "" {
		packet = append(append(packet, login.database...), 0)
	}
	if pluginAuth {
		packet = append(append(packet, plugin...), 0)
	}
	return packet
}

// scramble is the first answer of either plugin; an empty password is an
// empty answer.
func scramble(plugin string, password, nonce []byte) []byte {
	if len(password) == 0 {
		return []byte{}
	}
	if plugin == nativePassword {
		// SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password)))
		stage1 := sha1.Sum(password)
		stage2 := sha1.Sum(stage1[:])
		return xor(stage1[:], sha1Of(nonce, stage2[:]))
	}
	// caching_sha2_password: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce)
	stage1 := sha256.Sum256(password)
	stage2 := sha256.Sum256(stage1[:])
	return xor(stage1[:], sha256Of(stage2[:], nonce))
}

// encryptPassword is caching_sha2_password full authentication over plain
// TCP: the NUL-terminated password, XORed with the nonce, encrypted with the
// server's RSA public key (OAEP with SHA-1, as the server expects).
func encryptPassword(password, nonce, publicKeyPEM []byte) ([]byte, error) {
	plain := xor(append(slices.Clone(password), 0), nonce)
	fail := func(cause error) error {
		return fmt.Errorf("cannot encrypt the password with the server's RSA public key: %w", cause)
	}
	block, _ := pem.Decode(publicKeyPEM)
	if block == nil {
		return nil, fail(errors.New("no PEM block"))
	}
	var key *rsa.PublicKey
	if parsed, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		rsaKey, ok := parsed.(*rsa.PublicKey)
		if !ok {
			return nil, fail(errors.New("not an RSA key"))
		}
		key = rsaKey
	} else if rsaKey, err := x509.ParsePKCS1PublicKey(block.Bytes); err == nil {
		key = rsaKey
	} else {
		return nil, fail(err)
	}
	encrypted, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, key, plain, nil)
	if err != nil {
		return nil, fail(err)
	}
	return encrypted, nil
}

func sha1Of(parts ...[]byte) []byte {
	digest := sha1.New()
	for _, part := range parts {
		digest.Write(part)
	}
	return digest.Sum(nil)
}

func sha256Of(parts ...[]byte) []byte {
	digest := sha256.New()
	for _, part := range parts {
		digest.Write(part)
	}
	return digest.Sum(nil)
}

// xor returns data XORed with key repeated to its length.
func xor(data, key []byte) []byte {
	out := slices.Clone(data)
	if len(key) == 0 {
		return out
	}
	for i := range out {
		out[i] ^= key[i%len(key)]
	}
	return out
}

func withoutTrailingNul(data []byte) []byte {
	if len(data) > 0 && data[len(data)-1] == 0 {
		return data[:len(data)-1]
	}
	return data
}

// serverError reads an ERR packet: 0xff, 2-byte code, optional "#" +
// 5-byte SQLSTATE, message.
func serverError(payload []byte) error {
	if len(payload) < 3 {
		return errors.New("not ready: malformed error packet")
	}
	code := binary.LittleEndian.Uint16(payload[1:])
	// Errors sent before the handshake completes usually omit the SQLSTATE.
	start := 3
	if len(payload) >= 9 && payload[3] == '#' {
		start = 9
	}
	hint := ""
	if loginRefused[code] {
		hint = " (the probe logs in with the URL credentials and database, so the app cannot log in either)"
	}
	return fmt.Errorf("not ready: error %d: %s%s", code, payload[start:], hint)
}

func unsupportedPlugin(plugin string) error {
	return fmt.Errorf("the account uses the %s authentication plugin, which this probe does not support "+
		"(only %s): switch the account to one of those, or replace the probe with your driver's ping",
		plugin, strings.Join(supportedPlugins, " and "))
}
