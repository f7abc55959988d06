package probes

import (
	"bufio"
	"fmt"
	"net"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeRedis records each RESP command and answers with respond (nothing
// when it returns "").
func fakeRedis(t *testing.T, respond func(command []string) string) (string, func() [][]string) {
	t.Helper()
	var mu sync.Mutex
	var seen [][]string
	address := fakeServer(t, func(conn net.Conn) {
		reader := bufio.NewReader(conn)
		for {
			command, err := readRESPArray(reader)
			if err != nil {
				return
			}
			mu.Lock()
			seen = append(seen, command)
			mu.Unlock()
			if reply := respond(command); reply != "" {
				_, _ = conn.Write([]byte(reply))
			}
		}
	})
	return address, func() [][]string {
		mu.Lock()
		defer mu.Unlock()
		return seen
	}
}

// readRESPArray reads "*N\r\n" followed by N "$len\r\nvalue\r\n" parts.
func readRESPArray(reader *bufio.Reader) ([]string, error) {
	line, err := reader.ReadString('\n')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(line, "*"), "\r\n"))
	if err != nil {
		return nil, err
	}
	args := make([]string, n)
	for i := range args {
		if _, err := reader.ReadString('\n'); err != nil {
			return nil, err
		}
		value, err := reader.ReadString('\n')
		if err != nil {
			return nil, err
		}
		args[i] = strings.TrimSuffix(value, "\r\n")
	}
	return args, nil
}

func TestRedisReadyOnPONGWithoutAUTHWhenTheURLHasNoPassword(t *testing.T) {
	address, seen := fakeRedis(t, func([]string) string { return "+PONG\r\n" })
	if err := Redis(t.Context(), "redis://"+address); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"PING"},
	}
	if got := seen(); !reflect.DeepEqual(got, want) {
		t.Errorf("commands = %q", got)
	}
}

func TestRedisSendsAUTHWithUsernameAndPasswordFirst(t *testing.T) {
	address, seen := fakeRedis(t, func(command []string) string {
		if command[0] == "AUTH" {
			return "+OK\r\n"
		}
		return "+PONG\r\n"
	})
	if err := Redis(t.Context(), "redis://app:p%40ss@"+address+"/0"); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"AUTH", "app", "p@ss"},
		{"PING"},
	}
	if got := seen(); !reflect.DeepEqual(got, want) {
		t.Errorf("commands = %q", got)
	}
}

func TestRedisPasswordOnlyURLsSendTheOneArgumentAUTH(t *testing.T) {
	address, seen := fakeRedis(t, func(command []string) string {
		if command[0] == "AUTH" {
			return "+OK\r\n"
		}
		return "+PONG\r\n"
	})
	if err := Redis(t.Context(), "redis://:secret@"+address); err != nil {
		t.Fatal(err)
	}
	if got := seen(); !reflect.DeepEqual(got[0], []string{"AUTH", "secret"}) {
		t.Errorf("commands = %q", got)
	}
}

func TestRedisNotReadyWhenTheServerRefuses(t *testing.T) {
	address, _ := fakeRedis(t, func([]string) string { return "-NOAUTH Authentication required.\r\n" })
	err := Redis(t.Context(), "redis://"+address)
	expectError(t, err, `^127\.0\.0\.1:\d+: PING rejected: NOAUTH Authentication required\.$`)

	wrongPass, _ := fakeRedis(t, func([]string) string { return "-WRONGPASS invalid username-password pair\r\n" })
	err = Redis(t.Context(), "redis://:bad@"+wrongPass)
	expectError(t, err, `AUTH rejected: WRONGPASS`)
	if strings.Contains(err.Error(), "bad@") {
		t.Errorf("the password leaked: %v", err)
	}
}

func TestRedissStartsATLSHandshake(t *testing.T) {
	first := make(chan byte, 1)
	address := fakeServer(t, func(conn net.Conn) {
		buf := make([]byte, 1)
		if _, err := conn.Read(buf); err == nil {
			first <- buf[0]
		}
	})
	if err := Redis(t.Context(), "rediss://"+address); err == nil {
		t.Fatal("expected the TLS handshake to fail against a plain server")
	}
	if got := <-first; got != 0x16 {
		t.Errorf("first byte 0x%x, want 0x16 (a TLS ClientHello record)", got)
	}
}

func TestRedisTimesOutAgainstASilentServer(t *testing.T) {
	t.Parallel()
	address, _ := fakeRedis(t, func([]string) string { return "" })
	expectError(t, Redis(withTimeout(t, 150*time.Millisecond), "redis://"+address), `no answer within 1\d\dms`)
}

func TestRedisUnexpectedReply(t *testing.T) {
	address, _ := fakeRedis(t, func([]string) string { return fmt.Sprintf("$%d\r\n", 4) })
	expectError(t, Redis(t.Context(), "redis://"+address), `unexpected PING reply "\$4"`)
}
