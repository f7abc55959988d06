package probes

import (
	"context"
	"io"
	"net"
	"regexp"
	"sync"
	"testing"
	"time"
)

// fakeServer listens on 127.0.0.1 and runs serve for each connection; the
// listener closes and every connection is waited for when the test ends.
// It returns host:port.
func fakeServer(t *testing.T, serve func(conn net.Conn)) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		_ = listener.Close()
		wg.Wait()
	})
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				// A stuck script must not hang the test run.
				_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
				serve(conn)
			})
		}
	}()
	return listener.Addr().String()
}

// silent reads until the probe hangs up, never answering.
func silent(conn net.Conn) { _, _ = io.Copy(io.Discard, conn) }

// closedPort returns an address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	_ = listener.Close()
	return address
}

func withTimeout(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return ctx
}

// expectError fails unless err matches pattern.
func expectError(t *testing.T, err error, pattern string) {
	t.Helper()
	if err == nil {
		t.Fatalf("expected an error matching %q, got nil", pattern)
	}
	if !regexp.MustCompile(pattern).MatchString(err.Error()) {
		t.Fatalf("error %q does not match %q", err.Error(), pattern)
	}
}
