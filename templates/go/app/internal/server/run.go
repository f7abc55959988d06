package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// Main runs the service and returns the process exit code. args are the
// command-line arguments without the program name.
func Main(service Service, args []string) int {
	// Buffered, so a signal arriving while the server starts is not lost.
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGTERM, os.Interrupt)
	return Run(service, args, os.LookupEnv, os.Stdout, os.Stderr, signals)
}

// Run is Main with its inputs injected, for tests: config → listener →
// server → signals. It returns the exit code.
func Run(service Service, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer, signals <-chan os.Signal) int {
	flags := flag.NewFlagSet(service.Name, flag.ContinueOnError)
	flags.SetOutput(stderr)
	healthcheck := flags.Bool("healthcheck", false, "check /healthz of the instance listening on $PORT and exit 0 when it answers 200 (for Docker's HEALTHCHECK)")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *healthcheck {
		return Healthcheck(lookup, service.DefaultPort, stderr)
	}

	config, err := LoadConfig(lookup, service)
	if err != nil {
		// LOG_LEVEL itself may be the invalid setting, so log at a fixed level.
		var configErr *ConfigError
		if errors.As(err, &configErr) {
			NewLogger(stdout, "info").Error("invalid configuration", "problems", configErr.Problems)
		} else {
			NewLogger(stdout, "info").Error("invalid configuration", "error", err.Error())
		}
		return 1
	}
	logger := NewLogger(stdout, config.LogLevel)

	listener, err := net.Listen("tcp", net.JoinHostPort(config.Host, strconv.Itoa(config.Port)))
	if err != nil {
		// Typically "address already in use" or "permission denied".
		logger.Error("cannot listen", "error", err.Error())
		return 1
	}

	checks := make([]Check, len(config.Dependencies))
	names := make([]string, len(config.Dependencies))
	for i, dependency := range config.Dependencies {
		checks[i] = Check{Name: dependency.Name, Run: func(ctx context.Context) error { return dependency.Probe(ctx, dependency.URL) }}
		names[i] = dependency.Name
	}
	state := &State{}
	handler := NewHandler(logger, NewReadiness(checks, ProbeTimeout).Check, state)

	logger.Info("listening",
		"service", service.Name,
		"address", config.Host,
		// The real port, also when PORT=0 asked for any free one.
		"port", listener.Addr().(*net.TCPAddr).Port,
		"dependencies", names,
	)
	return Serve(listener, handler, state, logger, config.ShutdownTimeout, signals)
}

// Serve serves handler on listener until the first signal, then shuts down
// gracefully: /readyz turns 503, the listener closes, in-flight requests
// finish, idle keep-alive connections close. It returns 0 once all of that
// is done, or 1 when timeout expires first, a second signal arrives, or the
// server fails.
//
// Kubernetes sends SIGTERM, waits terminationGracePeriodSeconds (30 s by
// default), then SIGKILLs: keep SHUTDOWN_TIMEOUT_MS below that so our own
// forced exit is the one logged.
func Serve(listener net.Listener, handler http.Handler, state *State, logger *slog.Logger, timeout time.Duration, signals <-chan os.Signal) int {
	server := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       60 * time.Second,
		// net/http's own messages (TLS errors, panics) as JSON lines too.
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()

	var received os.Signal
	select {
	case err := <-served:
		logger.Error("server error", "error", err.Error())
		return 1
	case received = <-signals:
	}

	state.BeginShutdown()
	logger.Info("shutting down", "signal", signalName(received), "timeoutMs", timeout.Milliseconds())

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	shutdown := make(chan error, 1)
	// Shutdown closes the listener, then waits for every connection to go
	// idle and closes it; in-flight requests are left to finish.
	go func() { shutdown <- server.Shutdown(ctx) }()

	select {
	case err := <-shutdown:
		if errors.Is(err, context.DeadlineExceeded) {
			logger.Error("shutdown timed out, forcing exit", "timeoutMs", timeout.Milliseconds())
			_ = server.Close()
			return 1
		}
		if err != nil {
			logger.Error("shutdown failed", "error", err.Error())
			return 1
		}
		// Close pools and flush clients here, now that no request is running.
		logger.Info("shutdown complete")
		return 0
	case again := <-signals:
		// A second Ctrl-C means "now": don't make a developer wait out the timeout.
		logger.Warn("second signal received, exiting immediately", "signal", signalName(again))
		_ = server.Close()
		return 1
	}
}

// signalName is the conventional name ("SIGTERM"), not Go's description
// ("terminated").
func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGTERM:
		return "SIGTERM"
	case os.Interrupt:
		return "SIGINT"
	}
	return s.String()
}

// Healthcheck asks the instance on 127.0.0.1:$PORT for /healthz and returns
// 0 when it answers 200, else 1. The runtime image has no shell or curl, so
// the Dockerfile's HEALTHCHECK runs the binary itself with -healthcheck.
func Healthcheck(lookup func(string) (string, bool), defaultPort int, stderr io.Writer) int {
	var problems []string
	port := parseInteger(envReader(lookup), "PORT", defaultPort, 1, 65_535, &problems)
	if len(problems) > 0 {
		fmt.Fprintln(stderr, "healthcheck:", problems[0])
		return 1
	}
	client := &http.Client{
		Timeout: 2 * time.Second,
		// Straight to the local instance, whatever HTTP_PROXY says.
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
	}
	response, err := client.Get("http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) + "/healthz")
	if err != nil {
		fmt.Fprintln(stderr, "healthcheck:", err)
		return 1
	}
	_ = response.Body.Close()
	if response.StatusCode != http.StatusOK {
		fmt.Fprintln(stderr, "healthcheck: /healthz answered", response.Status)
		return 1
	}
	return 0
}
