// Package probes holds the readiness probes: each speaks just enough of one
// backing service's wire protocol, with the standard library only, to tell
// whether the service answers. Once you add a driver or client library,
// replace a probe with its ping.
//
// This file is the shared plumbing: open one TCP (or TLS) connection, run a
// short request/response exchange, and give up at the context's deadline,
// which covers connect, handshake and every read.
package probes

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout applies when the context has no deadline.
const DefaultTimeout = 2 * time.Second

// A misbehaving server must not make a probe buffer without bound.
const maxLineBytes = 64 * 1024

type endpoint struct {
	host string
	port int
	tls  bool
}

func (e endpoint) address() string { return net.JoinHostPort(e.host, strconv.Itoa(e.port)) }

// endpointFrom takes host and port from a parsed URL; IPv6 literals lose
// their brackets.
func endpointFrom(u *url.URL, defaultPort int, useTLS bool) (endpoint, error) {
	host := u.Hostname()
	if host == "" {
		return endpoint{}, fmt.Errorf("no host in %s:// URL", u.Scheme)
	}
	port := defaultPort
	if raw := u.Port(); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 65_535 {
			return endpoint{}, fmt.Errorf("invalid port %q in %s:// URL", raw, u.Scheme)
		}
		port = n
	}
	return endpoint{host: host, port: port, tls: useTLS}, nil
}

// wire is one connection as a probe sees it.
type wire struct {
	conn   net.Conn
	reader *bufio.Reader
}

func (w *wire) write(data []byte) error {
	_, err := w.conn.Write(data)
	return err
}

// read returns exactly n bytes.
func (w *wire) read(n int) ([]byte, error) {
	buf := make([]byte, n)
	if _, err := io.ReadFull(w.reader, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// readLine returns the next CRLF-terminated line, without the CRLF.
func (w *wire) readLine() (string, error) {
	var line []byte
	for {
		chunk, err := w.reader.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLineBytes {
			return "", errors.New("reply line too long")
		}
		if err == nil && bytes.HasSuffix(line, []byte("\r\n")) {
			return string(line[:len(line)-2]), nil
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return "", err
		}
	}
}

// converse connects to e, runs talk, and closes the connection. Errors name
// the address; a deadline that passes becomes "no answer within ...".
func converse(ctx context.Context, e endpoint, talk func(*wire) error) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(DefaultTimeout)
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	budget := time.Until(deadline).Round(time.Millisecond)
	where := e.address()

	fail := func(err error) error {
		var netErr net.Error
		if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
			return fmt.Errorf("%s: no answer within %s", where, budget)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%s: connection closed by the server", where)
		}
		// Network errors already name the address ("dial tcp h:p: ...").
		if strings.Contains(err.Error(), where) {
			return err
		}
		return fmt.Errorf("%s: %w", where, err)
	}

	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", where)
	if err != nil {
		return fail(err)
	}
	defer conn.Close()
	if e.tls {
		// ServerName is checked against the certificate; crypto/tls sends it
		// as SNI only when it is a hostname, never for an IP literal.
		conn = tls.Client(conn, &tls.Config{ServerName: e.host, MinVersion: tls.VersionTLS12})
	}
	if err := conn.SetDeadline(deadline); err != nil {
		return fail(err)
	}
	// Cancelling the context also interrupts a blocked read or write.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	if err := talk(&wire{conn: conn, reader: bufio.NewReader(conn)}); err != nil {
		return fail(err)
	}
	return nil
}

// redact drops the URL from a url.Parse error: it may carry a password.
func redact(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}
