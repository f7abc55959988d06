package server

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestReadinessWithoutChecksIsReady(t *testing.T) {
	report := NewReadiness(nil, time.Second).Check()
	if !report.Ready || len(report.Checks) != 0 || len(report.Failures) != 0 {
		t.Errorf("report = %+v", report)
	}
}

func TestReadinessConcurrentCallersShareOneRun(t *testing.T) {
	var runs atomic.Int32
	release := make(chan struct{})
	slow := Check{Name: "slow", Run: func(context.Context) error {
		runs.Add(1)
		<-release
		return nil
	}}
	readiness := NewReadiness([]Check{slow}, time.Second)

	var wg sync.WaitGroup
	reports := make([]Report, 3)
	for i := range reports {
		wg.Go(func() { reports[i] = readiness.Check() })
	}
	// Let every caller join the run before it finishes.
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if runs.Load() != 1 {
		t.Errorf("runs = %d, want 1", runs.Load())
	}
	for _, report := range reports {
		if !report.Ready {
			t.Errorf("report = %+v", report)
		}
	}
	readiness.Check()
	if runs.Load() != 2 {
		t.Errorf("a later call must run the checks again: runs = %d", runs.Load())
	}
}

func TestReadinessReportsAFailingCheckWithItsError(t *testing.T) {
	report := NewReadiness([]Check{
		{Name: "cache", Run: func(context.Context) error { return errors.New("nope") }},
		{Name: "database", Run: func(context.Context) error { return nil }},
	}, time.Second).Check()
	if report.Ready || report.Checks["cache"] != "fail" || report.Checks["database"] != "ok" {
		t.Errorf("report = %+v", report)
	}
	if len(report.Failures) != 1 || report.Failures[0].Name != "cache" || report.Failures[0].Err.Error() != "nope" {
		t.Errorf("failures = %+v", report.Failures)
	}
}

func TestReadinessGivesEachCheckADeadlineAndSurvivesPanics(t *testing.T) {
	report := NewReadiness([]Check{
		{Name: "stuck", Run: func(ctx context.Context) error {
			<-ctx.Done()
			return ctx.Err()
		}},
		{Name: "buggy", Run: func(context.Context) error { panic("boom") }},
	}, 50*time.Millisecond).Check()
	if report.Ready || report.Checks["stuck"] != "fail" || report.Checks["buggy"] != "fail" {
		t.Errorf("report = %+v", report)
	}
}
