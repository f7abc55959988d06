package server

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func decodeLines(t *testing.T, output string) []map[string]any {
	t.Helper()
	var entries []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(output), "\n") {
		if line == "" {
			continue
		}
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		entries = append(entries, entry)
	}
	return entries
}

func TestLoggerWritesOneJSONObjectPerLine(t *testing.T) {
	var out bytes.Buffer
	NewLogger(&out, "info").Info("hello", "requestId", "abc", "count", 2)

	line := out.String()
	if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
		t.Fatalf("want exactly one line, got %q", line)
	}
	if !strings.HasPrefix(line, `{"time":"`) || !strings.Contains(line, `","level":"info","msg":"hello",`) {
		t.Errorf("time, level and msg must come first: %q", line)
	}
	entry := decodeLines(t, line)[0]
	if entry["requestId"] != "abc" || entry["count"] != float64(2) {
		t.Errorf("fields missing: %v", entry)
	}
	stamp, err := time.Parse(time.RFC3339Nano, entry["time"].(string))
	if err != nil || stamp.Location() != time.UTC {
		t.Errorf("time %q is not RFC 3339 UTC", entry["time"])
	}
}

func TestLoggerDropsLinesBelowTheLevel(t *testing.T) {
	var out bytes.Buffer
	logger := NewLogger(&out, "warn")
	logger.Debug("d")
	logger.Info("i")
	logger.Warn("w")
	logger.Error("e")
	var levels []string
	for _, entry := range decodeLines(t, out.String()) {
		levels = append(levels, entry["level"].(string))
	}
	if strings.Join(levels, ",") != "warn,error" {
		t.Errorf("levels = %v", levels)
	}
}
