package server

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is every setting the service reads. All of them come from the
// environment (12-factor); nothing is read from files.
type Config struct {
	Host            string
	Port            int
	LogLevel        string
	ShutdownTimeout time.Duration
	// Dependencies holds each configured dependency with its URL, in
	// declaration order.
	Dependencies []ConfiguredDependency
}

// ConfiguredDependency is a Dependency together with the URL it was given.
type ConfiguredDependency struct {
	Dependency
	URL string
}

// ConfigError lists every problem at once, so a bad deploy is fixed in one
// round trip.
type ConfigError struct {
	Problems []string
}

func (e *ConfigError) Error() string {
	return "invalid configuration: " + strings.Join(e.Problems, "; ")
}

// LogLevels are the accepted LOG_LEVEL values, most verbose first.
var LogLevels = []string{"debug", "info", "warn", "error"}

// maxTimeoutMs matches the other starter apps' limit (2^31 - 1 ms, ~24 days).
const maxTimeoutMs = 2_147_483_647

var schemePattern = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)

// LoadConfig reads the settings through lookup (os.LookupEnv in production).
func LoadConfig(lookup func(string) (string, bool), service Service) (Config, error) {
	var problems []string
	read := envReader(lookup)

	port := parseInteger(read, "PORT", service.DefaultPort, 0, 65_535, &problems)
	timeoutMs := parseInteger(read, "SHUTDOWN_TIMEOUT_MS", 10_000, 0, maxTimeoutMs, &problems)

	level := "info"
	if raw, ok := read("LOG_LEVEL"); ok {
		level = strings.ToLower(raw)
	}
	if !slices.Contains(LogLevels, level) {
		problems = append(problems, fmt.Sprintf("LOG_LEVEL must be one of %s, got %q", strings.Join(LogLevels, ", "), level))
	}

	var dependencies []ConfiguredDependency
	for _, dependency := range service.Dependencies {
		url, ok := read(dependency.Env)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s is required (%s connection URL)", dependency.Env, dependency.Name))
			continue
		}
		// Only the scheme is checked here: the URL may carry credentials,
		// so it is never echoed back into logs.
		match := schemePattern.FindStringSubmatch(url)
		if match == nil || !slices.Contains(dependency.Schemes, strings.ToLower(match[1])) {
			starts := make([]string, len(dependency.Schemes))
			for i, scheme := range dependency.Schemes {
				starts[i] = scheme + "://"
			}
			problems = append(problems, fmt.Sprintf("%s must be a URL starting with %s", dependency.Env, strings.Join(starts, " or ")))
			continue
		}
		dependencies = append(dependencies, ConfiguredDependency{Dependency: dependency, URL: url})
	}

	if len(problems) > 0 {
		return Config{}, &ConfigError{Problems: problems}
	}
	host, ok := read("HOST")
	if !ok {
		host = "0.0.0.0"
	}
	return Config{
		Host:            host,
		Port:            port,
		LogLevel:        level,
		ShutdownTimeout: time.Duration(timeoutMs) * time.Millisecond,
		Dependencies:    dependencies,
	}, nil
}

// envReader trims values and treats empty ones as unset: Compose and Helm
// often render unset values as empty strings.
func envReader(lookup func(string) (string, bool)) func(string) (string, bool) {
	return func(key string) (string, bool) {
		value, ok := lookup(key)
		value = strings.TrimSpace(value)
		return value, ok && value != ""
	}
}

func parseInteger(read func(string) (string, bool), key string, fallback, minimum, maximum int, problems *[]string) int {
	raw, ok := read(key)
	if !ok {
		return fallback
	}
	// Digits only: a typo such as "1e3", "0x10" or "-1" should fail loudly.
	value, err := strconv.Atoi(raw)
	if err != nil || strings.TrimLeft(raw, "0123456789") != "" || value < minimum || value > maximum {
		*problems = append(*problems, fmt.Sprintf("%s must be an integer between %d and %d, got %q", key, minimum, maximum, raw))
		return fallback
	}
	return value
}
