package server

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(values map[string]string) func(string) (string, bool) {
	return func(key string) (string, bool) {
		value, ok := values[key]
		return value, ok
	}
}

var (
	noDependencies = Service{Name: "test", DefaultPort: 8080}
	postgres       = Dependency{
		Name:    "postgres",
		Env:     "DATABASE_URL",
		Schemes: []string{"postgres", "postgresql"},
		Probe:   func(context.Context, string) error { return nil },
	}
	withDatabase = Service{Name: "test", DefaultPort: 8080, Dependencies: []Dependency{postgres}}
)

func problemsOf(t *testing.T, values map[string]string, service Service) []string {
	t.Helper()
	_, err := LoadConfig(env(values), service)
	var configErr *ConfigError
	if !errors.As(err, &configErr) {
		t.Fatalf("expected a ConfigError, got %v", err)
	}
	return configErr.Problems
}

func TestConfigDefaults(t *testing.T) {
	config, err := LoadConfig(env(nil), noDependencies)
	if err != nil {
		t.Fatal(err)
	}
	if config.Host != "0.0.0.0" || config.Port != 8080 || config.LogLevel != "info" || config.ShutdownTimeout != 10*time.Second {
		t.Errorf("unexpected defaults: %+v", config)
	}
	if len(config.Dependencies) != 0 {
		t.Errorf("dependencies = %v, want none", config.Dependencies)
	}
}

func TestConfigReadsEverySettingFromTheEnvironment(t *testing.T) {
	config, err := LoadConfig(env(map[string]string{
		"HOST":                "127.0.0.1",
		"PORT":                "0",
		"LOG_LEVEL":           "DEBUG",
		"SHUTDOWN_TIMEOUT_MS": "500",
		"DATABASE_URL":        "postgresql://app:secret@db:5432/app",
	}), withDatabase)
	if err != nil {
		t.Fatal(err)
	}
	if config.Host != "127.0.0.1" || config.Port != 0 || config.LogLevel != "debug" || config.ShutdownTimeout != 500*time.Millisecond {
		t.Errorf("unexpected config: %+v", config)
	}
	if len(config.Dependencies) != 1 || config.Dependencies[0].URL != "postgresql://app:secret@db:5432/app" {
		t.Errorf("dependencies = %+v", config.Dependencies)
	}
}

func TestConfigEmptyValuesCountAsUnset(t *testing.T) {
	config, err := LoadConfig(env(map[string]string{"PORT": "", "LOG_LEVEL": " "}), noDependencies)
	if err != nil || config.Port != 8080 || config.LogLevel != "info" {
		t.Errorf("config = %+v, err = %v", config, err)
	}
}

func TestConfigListsEveryProblem(t *testing.T) {
	problems := problemsOf(t, map[string]string{"PORT": "80a", "SHUTDOWN_TIMEOUT_MS": "1e3", "LOG_LEVEL": "verbose"}, noDependencies)
	if len(problems) != 3 {
		t.Fatalf("problems = %q, want 3", problems)
	}
	all := strings.Join(problems, "\n")
	for _, want := range []string{
		`PORT must be an integer between 0 and 65535, got "80a"`,
		`SHUTDOWN_TIMEOUT_MS must be an integer between 0 and 2147483647, got "1e3"`,
		`LOG_LEVEL must be one of debug, info, warn, error, got "verbose"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in %q", want, all)
		}
	}
}

func TestConfigRejectsOutOfRangeAndSignedNumbers(t *testing.T) {
	for _, port := range []string{"65536", "-1", "+80", "0x10"} {
		if problems := problemsOf(t, map[string]string{"PORT": port}, noDependencies); !strings.Contains(problems[0], "PORT") {
			t.Errorf("PORT=%s: %q", port, problems)
		}
	}
}

func TestConfigRequiresTheURLOfEachDependency(t *testing.T) {
	problems := problemsOf(t, nil, withDatabase)
	if !slices.Contains(problems, "DATABASE_URL is required (postgres connection URL)") {
		t.Errorf("problems = %q", problems)
	}
}

func TestConfigRejectsAWrongSchemeWithoutEchoingTheURL(t *testing.T) {
	problems := problemsOf(t, map[string]string{"DATABASE_URL": "mysql://user:hunter2@db/app"}, withDatabase)
	all := strings.Join(problems, "\n")
	if !strings.Contains(all, "DATABASE_URL must be a URL starting with postgres:// or postgresql://") {
		t.Errorf("problems = %q", problems)
	}
	if strings.Contains(all, "hunter2") {
		t.Errorf("the URL leaked into %q", all)
	}
}

func TestConfigAcceptsAnUppercaseScheme(t *testing.T) {
	if _, err := LoadConfig(env(map[string]string{"DATABASE_URL": "POSTGRES://db/app"}), withDatabase); err != nil {
		t.Error(err)
	}
}
