package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// syncBuffer collects log output written from the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

type testApp struct {
	url        string
	logs       *syncBuffer
	state      *State
	databaseUp atomic.Bool
}

func startTestApp(t *testing.T) *testApp {
	t.Helper()
	a := &testApp{logs: &syncBuffer{}, state: &State{}}
	a.databaseUp.Store(true)
	readiness := NewReadiness([]Check{
		{Name: "postgres", Run: func(context.Context) error {
			if !a.databaseUp.Load() {
				return errors.New("dial tcp 10.0.0.7:5432: connect: connection refused")
			}
			return nil
		}},
		{Name: "redis", Run: func(context.Context) error { return nil }},
	}, time.Second)
	server := httptest.NewServer(NewHandler(NewLogger(a.logs, "debug"), readiness.Check, a.state))
	t.Cleanup(server.Close)
	a.url = server.URL
	return a
}

func (a *testApp) do(t *testing.T, method, path string) (*http.Response, map[string]any) {
	t.Helper()
	request, err := http.NewRequest(method, a.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	raw, err := io.ReadAll(response.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) == 0 {
		return response, nil
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("%s %s: body is not JSON: %q", method, path, raw)
	}
	return response, body
}

func asJSON(v any) string {
	out, _ := json.Marshal(v)
	return string(out)
}

func TestHealthzIs200OK(t *testing.T) {
	a := startTestApp(t)
	response, body := a.do(t, http.MethodGet, "/healthz")
	if response.StatusCode != http.StatusOK || asJSON(body) != `{"status":"ok"}` {
		t.Errorf("got %d %v", response.StatusCode, body)
	}
	if !strings.HasPrefix(response.Header.Get("Content-Type"), "application/json") {
		t.Errorf("content type %q", response.Header.Get("Content-Type"))
	}
}

func TestHealthzIgnoresTheQueryAndAnswersHEADWithoutABody(t *testing.T) {
	a := startTestApp(t)
	if response, _ := a.do(t, http.MethodGet, "/healthz?verbose=1"); response.StatusCode != http.StatusOK {
		t.Errorf("with a query: %d", response.StatusCode)
	}
	response, body := a.do(t, http.MethodHead, "/healthz")
	if response.StatusCode != http.StatusOK || body != nil {
		t.Errorf("HEAD: %d %v", response.StatusCode, body)
	}
}

func TestReadyzIs200WhenEveryCheckPasses(t *testing.T) {
	a := startTestApp(t)
	response, body := a.do(t, http.MethodGet, "/readyz")
	if response.StatusCode != http.StatusOK || asJSON(body) != `{"checks":{"postgres":"ok","redis":"ok"},"status":"ready"}` {
		t.Errorf("got %d %v", response.StatusCode, asJSON(body))
	}
}

func TestReadyzIs503NamingTheFailingCheckWithDetailsOnlyInTheLog(t *testing.T) {
	a := startTestApp(t)
	a.databaseUp.Store(false)
	response, body := a.do(t, http.MethodGet, "/readyz")
	if response.StatusCode != http.StatusServiceUnavailable || asJSON(body) != `{"checks":{"postgres":"fail","redis":"ok"},"status":"not ready"}` {
		t.Errorf("got %d %v", response.StatusCode, asJSON(body))
	}
	if strings.Contains(asJSON(body), "10.0.0.7") {
		t.Error("error details leaked into the response")
	}
	var warning map[string]any
	for _, entry := range decodeLines(t, a.logs.String()) {
		if entry["msg"] == "readiness check failed" {
			warning = entry
		}
	}
	if warning == nil || warning["check"] != "postgres" || !strings.Contains(warning["error"].(string), "connection refused") {
		t.Errorf("warning = %v", warning)
	}
}

func TestReadyzIs503WhileShuttingDown(t *testing.T) {
	a := startTestApp(t)
	a.state.BeginShutdown()
	response, body := a.do(t, http.MethodGet, "/readyz")
	if response.StatusCode != http.StatusServiceUnavailable || body["status"] != "shutting down" {
		t.Errorf("got %d %v", response.StatusCode, body)
	}
	if !response.Close {
		t.Error("responses during shutdown must carry Connection: close")
	}
}

func TestUnknownPathsAre404JSON(t *testing.T) {
	a := startTestApp(t)
	response, body := a.do(t, http.MethodGet, "/nope")
	if response.StatusCode != http.StatusNotFound || asJSON(body) != `{"error":"not found"}` {
		t.Errorf("got %d %v", response.StatusCode, body)
	}
}

func TestAWrongMethodIs405WithAnAllowHeader(t *testing.T) {
	a := startTestApp(t)
	response, body := a.do(t, http.MethodPost, "/healthz")
	if response.StatusCode != http.StatusMethodNotAllowed || asJSON(body) != `{"error":"method not allowed"}` {
		t.Errorf("got %d %v", response.StatusCode, body)
	}
	if response.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("Allow = %q", response.Header.Get("Allow"))
	}
}

func TestAccessLogProbesAtDebugOthersAtInfoWithoutTheQuery(t *testing.T) {
	a := startTestApp(t)
	a.do(t, http.MethodGet, "/healthz")
	a.do(t, http.MethodGet, "/missing?token=secret")
	var got []string
	for _, entry := range decodeLines(t, a.logs.String()) {
		if entry["msg"] != "request" {
			continue
		}
		if _, ok := entry["durationMs"].(float64); !ok {
			t.Errorf("durationMs missing: %v", entry)
		}
		got = append(got, asJSON([]any{entry["level"], entry["path"], entry["status"]}))
	}
	if strings.Join(got, " ") != `["debug","/healthz",200] ["info","/missing",404]` {
		t.Errorf("access log = %v", got)
	}
	if strings.Contains(a.logs.String(), "secret") {
		t.Error("the query string leaked into the log")
	}
}

func TestAPanickingHandlerIs500JSONAndLogged(t *testing.T) {
	logs := &syncBuffer{}
	state := &State{}
	handler := NewHandler(NewLogger(logs, "info"), func() Report { panic("boom") }, state)
	recorder := httptest.NewRecorder()
	handler.ServeHTTP(recorder, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if recorder.Code != http.StatusInternalServerError || strings.TrimSpace(recorder.Body.String()) != `{"error":"internal error"}` {
		t.Errorf("got %d %q", recorder.Code, recorder.Body.String())
	}
	if !strings.Contains(logs.String(), `"msg":"request failed"`) || !strings.Contains(logs.String(), `"error":"boom"`) {
		t.Errorf("logs = %s", logs.String())
	}
}
