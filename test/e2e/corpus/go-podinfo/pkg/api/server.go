package api

import (
	"context"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/acme/kiosk/v2/pkg/version"
)

type Config struct {
	Port     int
	UIPath   string
	UIColor  string
	UIMesage string
}

type Server struct {
	cfg   Config
	page  *template.Template
	ready atomic.Bool
	log   *slog.Logger
}

// NewServer parses the UI templates up front: a kiosk without its UI is a broken deploy,
// so it refuses to start rather than serve errors.
func NewServer(cfg Config, log *slog.Logger) (*Server, error) {
	page, err := template.ParseFiles(filepath.Join(cfg.UIPath, "vendor", "index.html"))
	if err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, page: page, log: log}, nil
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /version", s.version)
	mux.HandleFunc("GET /env", s.env)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServer(http.Dir(filepath.Join(s.cfg.UIPath, "vendor")))))
	return mux
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	host, _ := os.Hostname()
	_ = s.page.Execute(w, map[string]string{"Hostname": host, "Color": s.cfg.UIColor, "Message": s.cfg.UIMesage, "Version": version.VERSION})
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "OK"})
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if !s.ready.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "OK"})
}

func (s *Server) version(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"version": version.VERSION})
}

func (s *Server) env(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, os.Environ())
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// ListenAndServe serves until ctx is done, then drains for up to 15 s.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	srv := &http.Server{Addr: addr, Handler: s.routes(), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	s.ready.Store(true)
	s.log.Info("starting kiosk", "addr", addr, "version", version.VERSION)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.ready.Store(false)
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
