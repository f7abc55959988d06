package probes

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fakeConn is the server side of one connection: it frames packets and
// checks the probe's sequence ids. Each test scripts one connection; the
// script's error reaches the test through the channel fakeMySQL returns.
type fakeConn struct {
	conn     net.Conn
	reader   *bufio.Reader
	sequence byte // sequence id of the next packet sent
}

func (c *fakeConn) frame(payload []byte) []byte {
	n := len(payload)
	packet := append([]byte{byte(n), byte(n >> 8), byte(n >> 16), c.sequence}, payload...)
	c.sequence++
	return packet
}

func (c *fakeConn) send(payload []byte) { _, _ = c.conn.Write(c.frame(payload)) }

// receive returns the probe's next packet; its sequence id must follow ours.
func (c *fakeConn) receive() ([]byte, error) {
	header := make([]byte, 4)
	if _, err := io.ReadFull(c.reader, header); err != nil {
		return nil, fmt.Errorf("the probe hung up: %w", err)
	}
	if header[3] != c.sequence {
		return nil, fmt.Errorf("client sequence id %d, want %d", header[3], c.sequence)
	}
	c.sequence++
	payload := make([]byte, int(header[0])|int(header[1])<<8|int(header[2])<<16)
	_, err := io.ReadFull(c.reader, payload)
	return payload, err
}

// hangup waits until the probe has closed the connection.
func (c *fakeConn) hangup() { _, _ = io.Copy(io.Discard, c.reader) }

// expectQuit checks for COM_QUIT (a new command: sequence id 0), then the hang-up.
func (c *fakeConn) expectQuit() error {
	c.sequence = 0
	quit, err := c.receive()
	if err != nil {
		return err
	}
	if !bytes.Equal(quit, []byte{0x01}) {
		return fmt.Errorf("want COM_QUIT, got %x", quit)
	}
	c.hangup()
	return nil
}

func fakeMySQL(t *testing.T, script func(c *fakeConn) error) (string, <-chan error) {
	t.Helper()
	done := make(chan error, 1)
	address := fakeServer(t, func(conn net.Conn) {
		done <- script(&fakeConn{conn: conn, reader: bufio.NewReader(conn)})
	})
	return address, done
}

// wait returns the script's verdict.
func wait(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("fake server: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("fake server script did not finish")
	}
}

// --- Server side of the protocol, written from the server's point of view.

const serverCapabilities = uint32(0xf7fe | 0x81bf<<16 | clientLongPassword)

func greeting(plugin string, nonce []byte) []byte {
	payload := []byte{0x0a}
	payload = append(payload, "8.4.3\x00"...)
	payload = binary.LittleEndian.AppendUint32(payload, 42) // connection id
	payload = append(payload, nonce[:8]...)
	payload = append(payload, 0) // filler
	payload = binary.LittleEndian.AppendUint16(payload, uint16(serverCapabilities&0xffff))
	payload = append(payload, 255)                              // utf8mb4_0900_ai_ci
	payload = binary.LittleEndian.AppendUint16(payload, 0x0002) // SERVER_STATUS_AUTOCOMMIT
	payload = binary.LittleEndian.AppendUint16(payload, uint16(serverCapabilities>>16))
	payload = append(payload, 21) // nonce length, NUL included
	payload = append(payload, make([]byte, 10)...)
	payload = append(payload, nonce[8:]...)
	payload = append(payload, 0)
	return append(append(payload, plugin...), 0)
}

var okPacketBytes = []byte{0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00}

func errPacketBytes(code uint16, message, sqlState string) []byte {
	packet := binary.LittleEndian.AppendUint16([]byte{0xff}, code)
	if sqlState != "" {
		packet = append(packet, "#"+sqlState...)
	}
	return append(packet, message...)
}

type handshakeResponse41 struct {
	flags    uint32
	user     string
	authData []byte
	database string
	plugin   string
}

func parseHandshakeResponse(payload []byte) (handshakeResponse41, error) {
	var r handshakeResponse41
	if len(payload) < 33 || !bytes.Equal(payload[9:32], make([]byte, 23)) {
		return r, errors.New("malformed fixed part")
	}
	r.flags = binary.LittleEndian.Uint32(payload)
	rest := payload[32:]
	cstring := func() (string, error) {
		end := bytes.IndexByte(rest, 0)
		if end == -1 {
			return "", errors.New("string not NUL-terminated")
		}
		s := string(rest[:end])
		rest = rest[end+1:]
		return s, nil
	}
	var err error
	if r.user, err = cstring(); err != nil {
		return r, err
	}
	n := int(rest[0])
	r.authData, rest = rest[1:1+n], rest[1+n:]
	if r.flags&clientConnectWithDB != 0 {
		if r.database, err = cstring(); err != nil {
			return r, err
		}
	}
	if r.plugin, err = cstring(); err != nil {
		return r, err
	}
	if len(rest) != 0 {
		return r, errors.New("bytes after the plugin name")
	}
	return r, nil
}

// nativePasswordMatches does what mysqld does: it stores SHA1(SHA1(password)).
func nativePasswordMatches(authData, nonce []byte, password string) bool {
	stage1 := sha1.Sum([]byte(password))
	stored := sha1.Sum(stage1[:])
	candidate := xor(authData, sha1Of(nonce, stored[:]))
	got := sha1.Sum(candidate)
	return len(authData) == 20 && got == stored
}

// sha2PasswordMatches is the caching_sha2_password fast path: the server
// caches SHA256(SHA256(password)).
func sha2PasswordMatches(authData, nonce []byte, password string) bool {
	stage1 := sha256.Sum256([]byte(password))
	cached := sha256.Sum256(stage1[:])
	candidate := xor(authData, sha256Of(cached[:], nonce))
	got := sha256.Sum256(candidate)
	return len(authData) == 32 && got == cached
}

// newNonce is like mysqld's: printable-ish bytes, never NUL.
func newNonce() []byte {
	nonce := make([]byte, 20)
	_, _ = rand.Read(nonce)
	for i := range nonce {
		if nonce[i] &= 0x7f; nonce[i] == 0 {
			nonce[i] = 1
		}
	}
	return nonce
}

// --- Tests

func TestMySQLNativePasswordLogsInWithTheDecodedURLCredentialsThenQuits(t *testing.T) {
	nonce := newNonce()
	address, done := fakeMySQL(t, func(c *fakeConn) error {
		c.send(greeting(nativePassword, nonce))
		payload, err := c.receive()
		if err != nil {
			return err
		}
		response, err := parseHandshakeResponse(payload)
		if err != nil {
			return err
		}
		if response.user != "app+user" || response.database != "orders db" || response.plugin != nativePassword {
			return fmt.Errorf("response = %+v", response)
		}
		if payload[8] != 45 {
			return fmt.Errorf("charset %d, want utf8mb4_general_ci", payload[8])
		}
		if !nativePasswordMatches(response.authData, nonce, "p@ss:wörd") {
			return errors.New("wrong scramble")
		}
		c.send(okPacketBytes)
		return c.expectQuit()
	})
	if err := MySQL(t.Context(), "mariadb://app%2Buser:p%40ss%3Aw%C3%B6rd@"+address+"/orders%20db"); err != nil {
		t.Fatal(err)
	}
	wait(t, done)
}

func TestMySQLCachingSHA2FastAuthentication(t *testing.T) {
	nonce := newNonce()
	address, done := fakeMySQL(t, func(c *fakeConn) error {
		c.send(greeting(cachingSHA2, nonce))
		payload, err := c.receive()
		if err != nil {
			return err
		}
		response, err := parseHandshakeResponse(payload)
		if err != nil {
			return err
		}
		if response.plugin != cachingSHA2 || !sha2PasswordMatches(response.authData, nonce, "secret") {
			return errors.New("wrong scramble")
		}
		c.send([]byte{0x01, 0x03}) // fast auth success
		c.send(okPacketBytes)
		return c.expectQuit()
	})
	if err := MySQL(t.Context(), "mysql://app:secret@"+address+"/app"); err != nil {
		t.Fatal(err)
	}
	wait(t, done)
}

func TestMySQLCachingSHA2FullAuthenticationWithTheServerRSAKey(t *testing.T) {
	nonce := newNonce()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	publicPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	address, done := fakeMySQL(t, func(c *fakeConn) error {
		c.send(greeting(cachingSHA2, nonce))
		if _, err := c.receive(); err != nil {
			return err
		}
		c.send([]byte{0x01, 0x04}) // perform full authentication
		request, err := c.receive()
		if err != nil {
			return err
		}
		if !bytes.Equal(request, []byte{0x02}) {
			return fmt.Errorf("want a public key request, got %x", request)
		}
		c.send(append([]byte{0x01}, publicPEM...))
		encrypted, err := c.receive()
		if err != nil {
			return err
		}
		plain, err := rsa.DecryptOAEP(sha1.New(), nil, key, encrypted, nil)
		if err != nil {
			return err
		}
		if got := string(xor(plain, nonce)); got != "sécret\x00" {
			return fmt.Errorf("decrypted %q", got)
		}
		c.send(okPacketBytes)
		return c.expectQuit()
	})
	if err := MySQL(t.Context(), "mysql://app:s%C3%A9cret@"+address+"/app"); err != nil {
		t.Fatal(err)
	}
	wait(t, done)
}

func TestMySQLFollowsAnAuthSwitchToNativePasswordWithTheNewNonce(t *testing.T) {
	switched := newNonce()
	address, done := fakeMySQL(t, func(c *fakeConn) error {
		c.send(greeting(cachingSHA2, newNonce()))
		if _, err := c.receive(); err != nil {
			return err
		}
		c.send(append(append([]byte("\xfemysql_native_password\x00"), switched...), 0))
		answer, err := c.receive()
		if err != nil {
			return err
		}
		if !nativePasswordMatches(answer, switched, "secret") {
			return errors.New("scramble not made with the switched nonce")
		}
		c.send(okPacketBytes)
		return c.expectQuit()
	})
	if err := MySQL(t.Context(), "mysql://app:secret@"+address+"/app"); err != nil {
		t.Fatal(err)
	}
	wait(t, done)
}

func TestMySQLFollowsAnAuthSwitchToCachingSHA2(t *testing.T) {
	switched := newNonce()
	address, done := fakeMySQL(t, func(c *fakeConn) error {
		c.send(greeting(nativePassword, newNonce()))
		if _, err := c.receive(); err != nil {
			return err
		}
		c.send(append(append([]byte("\xfecaching_sha2_password\x00"), switched...), 0))
		answer, err := c.receive()
		if err != nil {
			return err
		}
		if !sha2PasswordMatches(answer, switched, "secret") {
			return errors.New("wrong scramble")
		}
		c.send([]byte{0x01, 0x03})
		c.send(okPacketBytes)
		return c.expectQuit()
	})
	if err := MySQL(t.Context(), "mysql://app:secret@"+address+"/app"); err != nil {
		t.Fatal(err)
	}
	wait(t, done)
}

func TestMySQLAWrongPasswordIsNotReady(t *testing.T) {
	nonce := newNonce()
	address, done := fakeMySQL(t, func(c *fakeConn) error {
		c.send(greeting(nativePassword, nonce))
		payload, err := c.receive()
		if err != nil {
			return err
		}
		response, err := parseHandshakeResponse(payload)
		if err != nil {
			return err
		}
		if nativePasswordMatches(response.authData, nonce, "secret") {
			return errors.New("the wrong password matched")
		}
		c.send(errPacketBytes(1045, "Access denied for user 'app'@'127.0.0.1' (using password: YES)", "28000"))
		return nil
	})
	err := MySQL(t.Context(), "mysql://app:wrong@"+address+"/app")
	expectError(t, err, `^127\.0\.0\.1:\d+: not ready: error 1045: Access denied for user 'app'`)
	expectError(t, err, `app cannot log in either`)
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the password leaked: %v", err)
	}
	wait(t, done)
}

func TestMySQLNotReadyOnAGreetingERRPacket(t *testing.T) {
	address, done := fakeMySQL(t, func(c *fakeConn) error {
		c.send(errPacketBytes(1040, "Too many connections", ""))
		return nil
	})
	expectError(t, MySQL(t.Context(), "mariadb://"+address+"/app"), `^127\.0\.0\.1:\d+: not ready: error 1040: Too many connections$`)
	wait(t, done)
}

func TestMySQLABlockedHostIsReportedWithTheServerMessage(t *testing.T) {
	message := "Host '10.0.0.7' is blocked because of many connection errors; unblock with 'mariadb-admin flush-hosts'"
	address, _ := fakeMySQL(t, func(c *fakeConn) error {
		c.send(errPacketBytes(1129, message, ""))
		return nil
	})
	expectError(t, MySQL(t.Context(), "mysql://app:secret@"+address+"/app"), regexp.QuoteMeta("not ready: error 1129: "+message)+"$")
}

func TestMySQLRejectsAnUnsupportedPluginByName(t *testing.T) {
	address, done := fakeMySQL(t, func(c *fakeConn) error {
		c.send(greeting(nativePassword, newNonce()))
		if _, err := c.receive(); err != nil {
			return err
		}
		c.send(append([]byte("\xfeclient_ed25519\x00"), newNonce()...))
		// A signature-sized answer, so the server logs a failed login rather
		// than a handshake error that counts against max_connect_errors.
		answer, err := c.receive()
		if err != nil {
			return err
		}
		if !bytes.Equal(answer, make([]byte, 64)) {
			return fmt.Errorf("answer = %x", answer)
		}
		c.send(errPacketBytes(1045, "Access denied for user 'app'@'127.0.0.1' (using password: YES)", "28000"))
		c.hangup()
		return nil
	})
	expectError(t, MySQL(t.Context(), "mariadb://app:secret@"+address+"/app"), `client_ed25519 authentication plugin`)
	wait(t, done)
}

func TestMySQLAnswersAnUnknownDefaultPluginWithNativePassword(t *testing.T) {
	nonce := newNonce()
	address, done := fakeMySQL(t, func(c *fakeConn) error {
		c.send(greeting("client_ed25519", nonce))
		payload, err := c.receive()
		if err != nil {
			return err
		}
		response, err := parseHandshakeResponse(payload)
		if err != nil {
			return err
		}
		if response.plugin != nativePassword || !nativePasswordMatches(response.authData, nonce, "secret") {
			return fmt.Errorf("response = %+v", response)
		}
		c.send(okPacketBytes)
		return c.expectQuit()
	})
	if err := MySQL(t.Context(), "mariadb://app:secret@"+address+"/app"); err != nil {
		t.Fatal(err)
	}
	wait(t, done)
}

func TestMySQLHandlesPacketsSplitAcrossWritesAndSeveralInOne(t *testing.T) {
	nonce := newNonce()
	address, done := fakeMySQL(t, func(c *fakeConn) error {
		if tcp, ok := c.conn.(*net.TCPConn); ok {
			_ = tcp.SetNoDelay(true)
		}
		for _, b := range c.frame(greeting(cachingSHA2, nonce)) {
			_, _ = c.conn.Write([]byte{b})
			time.Sleep(time.Millisecond)
		}
		payload, err := c.receive()
		if err != nil {
			return err
		}
		response, err := parseHandshakeResponse(payload)
		if err != nil {
			return err
		}
		if !sha2PasswordMatches(response.authData, nonce, "secret") {
			return errors.New("wrong scramble")
		}
		// Fast-auth success and OK in one write, then nothing else.
		_, _ = c.conn.Write(append(c.frame([]byte{0x01, 0x03}), c.frame(okPacketBytes)...))
		return c.expectQuit()
	})
	if err := MySQL(withTimeout(t, 5*time.Second), "mysql://app:secret@"+address+"/app"); err != nil {
		t.Fatal(err)
	}
	wait(t, done)
}

func TestMySQLRejectsAServerThatIsNotMySQL(t *testing.T) {
	address, _ := fakeMySQL(t, func(c *fakeConn) error {
		c.send([]byte{0x09, 0x00})
		return nil
	})
	expectError(t, MySQL(t.Context(), "mysql://"+address+"/app"), `unsupported handshake protocol version 9`)
}

func TestMySQLTimesOutAgainstASilentServer(t *testing.T) {
	t.Parallel()
	address, _ := fakeMySQL(t, func(c *fakeConn) error {
		c.hangup()
		return nil
	})
	expectError(t, MySQL(withTimeout(t, 150*time.Millisecond), "mysql://"+address+"/app"), `no answer within 1\d\dms`)
}

func TestMySQLTheDeadlineAlsoCoversALoginTheServerNeverAnswers(t *testing.T) {
	t.Parallel()
	address, _ := fakeMySQL(t, func(c *fakeConn) error {
		c.send(greeting(nativePassword, newNonce()))
		c.hangup()
		return nil
	})
	expectError(t, MySQL(withTimeout(t, 150*time.Millisecond), "mysql://app:secret@"+address+"/app"), `no answer within 1\d\dms`)
}
