package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

type running struct {
	address string
	state   *State
	signals chan os.Signal
	exit    chan int
	logs    *syncBuffer
}

// serve wires Serve like Run does, on a random port, with the signals and
// the exit code in the test's hands.
func serve(t *testing.T, checks []Check, timeout time.Duration) *running {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &running{address: listener.Addr().String(), state: &State{}, signals: make(chan os.Signal, 2), exit: make(chan int, 1), logs: &syncBuffer{}}
	logger := NewLogger(r.logs, "debug")
	handler := NewHandler(logger, NewReadiness(checks, time.Minute).Check, r.state)
	go func() { r.exit <- Serve(listener, handler, r.state, logger, timeout, r.signals) }()
	return r
}

func (r *running) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case code := <-r.exit:
		return code
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
		return -1
	}
}

// stuck is a check that signals entered, then waits until its deadline.
func stuck(entered chan struct{}) Check {
	return Check{Name: "stuck", Run: func(ctx context.Context) error {
		close(entered)
		<-ctx.Done()
		return ctx.Err()
	}}
}

// get sends a keep-alive HTTP/1.1 GET on conn and returns the status code.
func get(t *testing.T, conn net.Conn, reader *bufio.Reader, path string) int {
	t.Helper()
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: test\r\n\r\n", path); err != nil {
		t.Fatal(err)
	}
	response, err := http.ReadResponse(reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, response.Body)
	_ = response.Body.Close()
	return response.StatusCode
}

func TestSIGTERMStopsAcceptingLetsTheInFlightRequestFinishAndExits0(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	slow := Check{Name: "slow", Run: func(context.Context) error {
		close(entered)
		<-release
		return nil
	}}
	r := serve(t, []Check{slow}, 5*time.Second)

	status := make(chan int, 1)
	go func() {
		response, err := http.Get("http://" + r.address + "/readyz")
		if err != nil {
			status <- -1
			return
		}
		_ = response.Body.Close()
		status <- response.StatusCode
	}()
	<-entered
	r.signals <- syscall.SIGTERM

	deadline := time.Now().Add(2 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", r.address, time.Second)
		if err != nil {
			break // new connections are refused
		}
		_ = conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections after SIGTERM")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !r.state.ShuttingDown() {
		t.Error("state must say shutting down")
	}
	select {
	case code := <-r.exit:
		t.Fatalf("exited with %d while a request was running", code)
	case <-time.After(50 * time.Millisecond):
	}

	close(release)
	if got := <-status; got != http.StatusOK {
		t.Errorf("in-flight request: status %d", got)
	}
	if code := r.exitCode(t); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	if !strings.Contains(r.logs.String(), `"msg":"shutting down","signal":"SIGTERM"`) || !strings.Contains(r.logs.String(), `"msg":"shutdown complete"`) {
		t.Errorf("logs = %s", r.logs.String())
	}
}

func TestIdleKeepAliveConnectionsDoNotHoldTheShutdownOpen(t *testing.T) {
	r := serve(t, nil, 5*time.Second)
	conn, err := net.Dial("tcp", r.address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if status := get(t, conn, bufio.NewReader(conn), "/healthz"); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	began := time.Now()
	r.signals <- syscall.SIGTERM
	if code := r.exitCode(t); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	if elapsed := time.Since(began); elapsed > 2*time.Second {
		t.Errorf("shutdown took %s: the idle connection held it open", elapsed)
	}
}

func TestShutdownForcesExit1AfterTheTimeout(t *testing.T) {
	entered := make(chan struct{})
	r := serve(t, []Check{stuck(entered)}, 100*time.Millisecond)
	go func() {
		if response, err := http.Get("http://" + r.address + "/readyz"); err == nil {
			_ = response.Body.Close()
		}
	}()
	<-entered
	r.signals <- syscall.SIGTERM
	if code := r.exitCode(t); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if !strings.Contains(r.logs.String(), "shutdown timed out, forcing exit") {
		t.Errorf("logs = %s", r.logs.String())
	}
}

func TestASecondSignalExitsImmediatelyWith1(t *testing.T) {
	entered := make(chan struct{})
	r := serve(t, []Check{stuck(entered)}, time.Minute)
	go func() {
		if response, err := http.Get("http://" + r.address + "/readyz"); err == nil {
			_ = response.Body.Close()
		}
	}()
	<-entered
	r.signals <- os.Interrupt
	r.signals <- os.Interrupt
	if code := r.exitCode(t); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

func TestRunRefusesAnInvalidConfigurationWithOneJSONLine(t *testing.T) {
	var stdout, stderr syncBuffer
	code := Run(withDatabase, nil, env(map[string]string{"LOG_LEVEL": "loud"}), &stdout, &stderr, nil)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	entries := decodeLines(t, stdout.String())
	if len(entries) != 1 || entries[0]["level"] != "error" || entries[0]["msg"] != "invalid configuration" {
		t.Fatalf("stdout = %q", stdout.String())
	}
	problems := asJSON(entries[0]["problems"])
	if !strings.Contains(problems, "DATABASE_URL is required") || !strings.Contains(problems, "LOG_LEVEL must be one of") {
		t.Errorf("problems = %s", problems)
	}
}

func TestRunServesUntilSIGTERM(t *testing.T) {
	var stdout, stderr syncBuffer
	signals := make(chan os.Signal, 1)
	exit := make(chan int, 1)
	go func() {
		exit <- Run(noDependencies, nil, env(map[string]string{"HOST": "127.0.0.1", "PORT": "0"}), &stdout, &stderr, signals)
	}()

	var port int
	for deadline := time.Now().Add(5 * time.Second); port == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, entry := range decodeLines(t, stdout.String()) {
			if entry["msg"] == "listening" {
				port = int(entry["port"].(float64))
			}
		}
	}
	if port == 0 {
		t.Fatalf("no listening line: %s", stdout.String())
	}
	lookup := env(map[string]string{"PORT": strconv.Itoa(port)})
	if code := Healthcheck(lookup, 0, &stderr); code != 0 {
		t.Errorf("healthcheck exit code %d: %s", code, stderr.String())
	}
	signals <- syscall.SIGTERM
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("exit code %d, want 0", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
	if code := Healthcheck(lookup, 0, &stderr); code != 1 {
		t.Errorf("healthcheck after shutdown: exit code %d, want 1", code)
	}
}

func TestHealthcheckFlagAndAnInvalidPort(t *testing.T) {
	var stdout, stderr syncBuffer
	if code := Run(noDependencies, []string{"-healthcheck"}, env(map[string]string{"PORT": "http"}), &stdout, &stderr, nil); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "PORT must be an integer") {
		t.Errorf("stderr = %q", stderr.String())
	}
	if code := Run(noDependencies, []string{"-no-such-flag"}, env(nil), &stdout, &stderr, nil); code != 2 {
		t.Errorf("unknown flag: exit code %d, want 2", code)
	}
}
