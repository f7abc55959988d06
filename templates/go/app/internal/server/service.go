// Package server is the HTTP service: configuration, routes, readiness
// checks, JSON logging and graceful shutdown. cmd/server/main.go says which
// service this is and which dependencies it needs; everything else is here.
package server

import "context"

// Probe reports whether the dependency at url answers: nil means ready. It
// must give up when ctx is done.
type Probe func(ctx context.Context, url string) error

// Dependency is a backing service the app needs before it can take traffic.
type Dependency struct {
	// Name is shown in /readyz and in logs, e.g. "postgres".
	Name string
	// Env is the environment variable holding its connection URL, e.g.
	// DATABASE_URL.
	Env string
	// Schemes are the URL schemes the probe understands, e.g. "postgres".
	Schemes []string
	Probe   Probe
}

// Service describes this service: its name, default port and dependencies.
type Service struct {
	Name         string
	DefaultPort  int
	Dependencies []Dependency
}
