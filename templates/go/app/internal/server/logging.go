package server

import (
	"io"
	"log/slog"
	"strings"
	"time"
)

// NewLogger writes one JSON object per line to w, with "time" (UTC),
// "level" (debug, info, warn or error) and "msg" first: log collectors
// (Docker, Kubernetes, Loki...) parse it without any configuration.
func NewLogger(w io.Writer, level string) *slog.Logger {
	var threshold slog.Level
	if err := threshold.UnmarshalText([]byte(level)); err != nil {
		threshold = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: threshold,
		ReplaceAttr: func(groups []string, attr slog.Attr) slog.Attr {
			if len(groups) > 0 {
				return attr
			}
			switch attr.Key {
			case slog.TimeKey:
				if t, ok := attr.Value.Any().(time.Time); ok {
					attr.Value = slog.TimeValue(t.UTC())
				}
			case slog.LevelKey:
				if l, ok := attr.Value.Any().(slog.Level); ok {
					attr.Value = slog.StringValue(strings.ToLower(l.String()))
				}
			}
			return attr
		},
	}))
}
