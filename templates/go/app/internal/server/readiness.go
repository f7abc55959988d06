package server

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// ProbeTimeout bounds each readiness check (connect and exchange).
const ProbeTimeout = 2 * time.Second

// Check is one readiness check.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Failure is a check that did not pass, with its error.
type Failure struct {
	Name string
	Err  error
}

// Report is the outcome of one run of every check.
type Report struct {
	Ready bool
	// Checks maps each check name to "ok" or "fail".
	Checks   map[string]string
	Failures []Failure
}

// Readiness runs every check in parallel. Concurrent callers share one run,
// so a burst of /readyz requests never turns into a burst of connections to
// the database.
type Readiness struct {
	checks  []Check
	timeout time.Duration

	mu       sync.Mutex
	inFlight *readinessRun
}

type readinessRun struct {
	done   chan struct{}
	report Report
}

// NewReadiness returns a Readiness over checks; each check gets timeout.
func NewReadiness(checks []Check, timeout time.Duration) *Readiness {
	return &Readiness{checks: checks, timeout: timeout}
}

// Check runs the checks, or waits for the run already in progress.
func (r *Readiness) Check() Report {
	r.mu.Lock()
	run := r.inFlight
	if run == nil {
		run = &readinessRun{done: make(chan struct{})}
		r.inFlight = run
		go r.runAll(run)
	}
	r.mu.Unlock()
	<-run.done
	return run.report
}

func (r *Readiness) runAll(run *readinessRun) {
	// Not tied to any one request: a caller that goes away must not fail
	// the run for the others sharing it.
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()

	errs := make([]error, len(r.checks))
	var wg sync.WaitGroup
	for i, check := range r.checks {
		wg.Go(func() {
			// A panicking check fails readiness instead of the process.
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("check panicked: %v", p)
				}
			}()
			errs[i] = check.Run(ctx)
		})
	}
	wg.Wait()

	report := Report{Ready: true, Checks: map[string]string{}}
	for i, check := range r.checks {
		if errs[i] == nil {
			report.Checks[check.Name] = "ok"
			continue
		}
		report.Ready = false
		report.Checks[check.Name] = "fail"
		report.Failures = append(report.Failures, Failure{Name: check.Name, Err: errs[i]})
	}

	r.mu.Lock()
	r.inFlight = nil
	r.mu.Unlock()
	run.report = report
	close(run.done)
}
