package probes

import (
	"context"
	"errors"
	"net"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func endpointOf(t *testing.T, address string) endpoint {
	t.Helper()
	u, err := url.Parse("tcp://" + address)
	if err != nil {
		t.Fatal(err)
	}
	e, err := endpointFrom(u, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEndpointFromURL(t *testing.T) {
	for raw, want := range map[string]string{
		"redis://cache":          "cache:6379",
		"redis://cache:7000/0":   "cache:7000",
		"redis://[::1]:7000":     "[::1]:7000",
		"redis://user:pw@[::1]/": "[::1]:6379",
	} {
		u, _ := url.Parse(raw)
		e, err := endpointFrom(u, 6379, false)
		if err != nil || e.address() != want {
			t.Errorf("%s: got %q, %v; want %q", raw, e.address(), err, want)
		}
	}
	u, _ := url.Parse("redis:///0")
	if _, err := endpointFrom(u, 6379, false); err == nil || !strings.Contains(err.Error(), "no host") {
		t.Errorf("a URL without a host: %v", err)
	}
}

func TestConverseReadsLinesAndExactLengths(t *testing.T) {
	address := fakeServer(t, func(conn net.Conn) {
		// Split across writes, and several answers in one write.
		_, _ = conn.Write([]byte("HEL"))
		time.Sleep(10 * time.Millisecond)
		_, _ = conn.Write([]byte("LO\r\nabcdef"))
	})
	err := converse(context.Background(), endpointOf(t, address), func(w *wire) error {
		line, err := w.readLine()
		if err != nil || line != "HELLO" {
			return errors.New("line: " + line)
		}
		data, err := w.read(6)
		if err != nil || string(data) != "abcdef" {
			return errors.New("bytes: " + string(data))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestConverseTimesOutWithTheContextDeadline(t *testing.T) {
	t.Parallel()
	address := fakeServer(t, silent)
	err := converse(withTimeout(t, 150*time.Millisecond), endpointOf(t, address), func(w *wire) error {
		_, err := w.readLine()
		return err
	})
	expectError(t, err, `^127\.0\.0\.1:\d+: no answer within 1\d\dms$`)
}

func TestConverseAppliesTheDefaultTimeoutWithoutADeadline(t *testing.T) {
	t.Parallel()
	address := fakeServer(t, silent)
	began := time.Now()
	err := converse(context.Background(), endpointOf(t, address), func(w *wire) error {
		_, err := w.read(1)
		return err
	})
	expectError(t, err, `no answer within 2s`)
	if elapsed := time.Since(began); elapsed < DefaultTimeout || elapsed > DefaultTimeout+time.Second {
		t.Errorf("gave up after %s", elapsed)
	}
}

func TestConverseReportsAConnectionClosedByTheServer(t *testing.T) {
	address := fakeServer(t, func(conn net.Conn) { _, _ = conn.Write([]byte("partial")) })
	err := converse(context.Background(), endpointOf(t, address), func(w *wire) error {
		_, err := w.readLine()
		return err
	})
	expectError(t, err, `^127\.0\.0\.1:\d+: connection closed by the server$`)
}

func TestConverseReportsARefusedConnectionWithItsAddress(t *testing.T) {
	address := closedPort(t)
	err := converse(context.Background(), endpointOf(t, address), func(*wire) error { return nil })
	expectError(t, err, regexp.QuoteMeta(address)+`.*connection refused`)
}

func TestConversePrefixesProtocolErrorsWithTheAddress(t *testing.T) {
	address := fakeServer(t, silent)
	err := converse(context.Background(), endpointOf(t, address), func(*wire) error { return errors.New("not ready: nope") })
	expectError(t, err, `^127\.0\.0\.1:\d+: not ready: nope$`)
}

func TestReadLineRefusesEndlessLines(t *testing.T) {
	address := fakeServer(t, func(conn net.Conn) { _, _ = conn.Write([]byte(strings.Repeat("x", maxLineBytes+10))) })
	err := converse(context.Background(), endpointOf(t, address), func(w *wire) error {
		_, err := w.readLine()
		return err
	})
	expectError(t, err, `reply line too long`)
}

func TestRedactDropsTheURLFromParseErrors(t *testing.T) {
	_, err := url.Parse("redis://:hunter2@host:port/0")
	if err == nil || strings.Contains(redact(err).Error(), "hunter2") {
		t.Errorf("redact(%v) = %v", err, redact(err))
	}
}
