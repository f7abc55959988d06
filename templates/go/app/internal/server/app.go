package server

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// State is shared by the request handler and the shutdown sequence.
type State struct {
	shuttingDown atomic.Bool
}

// ShuttingDown reports whether shutdown has begun.
func (s *State) ShuttingDown() bool { return s.shuttingDown.Load() }

// BeginShutdown flips the state; it returns false if shutdown had already begun.
func (s *State) BeginShutdown() bool { return s.shuttingDown.CompareAndSwap(false, true) }

type route struct {
	methods []string
	handle  func(w http.ResponseWriter, r *http.Request)
}

// Kubernetes probes hit these every few seconds: their access log lines go
// to debug so they don't drown the real traffic.
var probePaths = map[string]bool{"/healthz": true, "/readyz": true}

type app struct {
	logger    *slog.Logger
	readiness func() Report
	state     *State
	routes    map[string]route
}

// NewHandler returns the request handler, separate from the server so tests
// can mount it anywhere. readiness runs the readiness checks.
func NewHandler(logger *slog.Logger, readiness func() Report, state *State) http.Handler {
	a := &app{logger: logger, readiness: readiness, state: state}
	a.routes = map[string]route{
		// Liveness: never look at dependencies, or a database outage would
		// make Kubernetes restart every healthy pod.
		"/healthz": {methods: []string{http.MethodGet, http.MethodHead}, handle: a.healthz},
		"/readyz":  {methods: []string{http.MethodGet, http.MethodHead}, handle: a.readyz},
		// Add your routes here.
	}
	return a
}

type statusBody struct {
	Status string `json:"status"`
}

type readyBody struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

type errorBody struct {
	Error string `json:"error"`
}

func (a *app) healthz(w http.ResponseWriter, _ *http.Request) {
	a.sendJSON(w, http.StatusOK, statusBody{Status: "ok"})
}

func (a *app) readyz(w http.ResponseWriter, _ *http.Request) {
	// Fail readiness first so the load balancer drains this instance
	// before it stops.
	if a.state.ShuttingDown() {
		a.sendJSON(w, http.StatusServiceUnavailable, readyBody{Status: "shutting down", Checks: map[string]string{}})
		return
	}
	report := a.readiness()
	for _, failure := range report.Failures {
		a.logger.Warn("readiness check failed", "check", failure.Name, "error", failure.Err.Error())
	}
	// Only check names and ok/fail go out: error details can reveal
	// internal hostnames, so they stay in the log line above.
	if report.Ready {
		a.sendJSON(w, http.StatusOK, readyBody{Status: "ready", Checks: report.Checks})
	} else {
		a.sendJSON(w, http.StatusServiceUnavailable, readyBody{Status: "not ready", Checks: report.Checks})
	}
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	path := r.URL.Path
	rec := &recorder{ResponseWriter: w}

	defer func() {
		recovered := recover()
		if recovered != nil && recovered != http.ErrAbortHandler {
			a.logger.Error("request failed", "method", r.Method, "path", path, "error", fmt.Sprint(recovered))
			if !rec.wroteHeader {
				a.sendJSON(rec, http.StatusInternalServerError, errorBody{Error: "internal error"})
				recovered = nil
			}
		}
		level := slog.LevelInfo
		if probePaths[path] {
			level = slog.LevelDebug
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			// The query string is left out on purpose: it often carries tokens.
			slog.String("path", path),
			slog.Int("status", rec.status()),
			slog.Float64("durationMs", math.Round(float64(time.Since(started).Microseconds())/10)/100),
		}
		if r.Context().Err() != nil {
			attrs = append(attrs, slog.Bool("aborted", true))
		}
		a.logger.LogAttrs(r.Context(), level, "request", attrs...)
		if recovered != nil {
			// The response is half written: make net/http drop the connection.
			panic(http.ErrAbortHandler)
		}
	}()

	rt, ok := a.routes[path]
	if !ok {
		a.sendJSON(rec, http.StatusNotFound, errorBody{Error: "not found"})
		return
	}
	if !slices.Contains(rt.methods, r.Method) {
		rec.Header().Set("Allow", strings.Join(rt.methods, ", "))
		a.sendJSON(rec, http.StatusMethodNotAllowed, errorBody{Error: "method not allowed"})
		return
	}
	rt.handle(rec, r)
}

func (a *app) sendJSON(w http.ResponseWriter, status int, body any) {
	payload, err := json.Marshal(body)
	if err != nil {
		a.logger.Error("cannot encode response", "error", err.Error())
		status, payload = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	header := w.Header()
	header.Set("Content-Type", "application/json; charset=utf-8")
	header.Set("Content-Length", strconv.Itoa(len(payload)))
	header.Set("Cache-Control", "no-store")
	header.Set("X-Content-Type-Options", "nosniff")
	// Once shutdown has begun, close keep-alive connections after each
	// response so the server can finish instead of waiting on clients.
	if a.state.ShuttingDown() {
		header.Set("Connection", "close")
	}
	w.WriteHeader(status)
	// HEAD responses keep the headers; net/http drops the body.
	_, _ = w.Write(payload)
}

// recorder remembers the status code for the access log.
type recorder struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.code, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(p)
}

func (r *recorder) status() int {
	if !r.wroteHeader {
		return http.StatusOK
	}
	return r.code
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush,
// deadlines) through the recorder.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
