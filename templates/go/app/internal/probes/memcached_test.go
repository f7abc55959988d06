package probes

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// fakeMemcached answers each text command line with reply ("" = silence).
func fakeMemcached(t *testing.T, reply func(line string) string) string {
	t.Helper()
	return fakeServer(t, func(conn net.Conn) {
		reader := bufio.NewReader(conn)
		for {
			line, err := reader.ReadString('\n')
			if err != nil {
				return
			}
			if answer := reply(strings.TrimSuffix(line, "\r\n")); answer != "" {
				_, _ = conn.Write([]byte(answer))
			}
		}
	})
}

func TestMemcachedReadyOnVERSION(t *testing.T) {
	address := fakeMemcached(t, func(line string) string {
		if line == "version" {
			return "VERSION 1.6.29\r\n"
		}
		return "ERROR\r\n"
	})
	if err := Memcached(t.Context(), "memcached://"+address); err != nil {
		t.Fatal(err)
	}
}

func TestMemcachedNotReadyOnAnyOtherReply(t *testing.T) {
	address := fakeMemcached(t, func(string) string { return "SERVER_ERROR out of memory\r\n" })
	err := Memcached(t.Context(), "memcached://"+address)
	expectError(t, err, `^127\.0\.0\.1:\d+: unexpected reply "SERVER_ERROR out of memory"$`)
}

func TestMemcachedTimesOutAgainstASilentServer(t *testing.T) {
	t.Parallel()
	address := fakeMemcached(t, func(string) string { return "" })
	expectError(t, Memcached(withTimeout(t, 150*time.Millisecond), "memcached://"+address), `no answer within 1\d\dms`)
}
