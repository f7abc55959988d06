package probes

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// RedisSchemes are the URL schemes Redis and Valkey understand; rediss://
// connects over TLS.
var RedisSchemes = []string{"redis", "rediss"}

// Redis sends AUTH (when the URL has a password), then PING, and expects
// +PONG. Errors such as -NOAUTH, -WRONGPASS or -LOADING (still reading its
// dataset) mean not ready. Works for Redis and Valkey alike.
//
// Once you add a client (go-redis, valkey-go), replace this with its PING.
func Redis(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("invalid redis URL: %w", redact(err))
	}
	e, err := endpointFrom(u, 6379, strings.EqualFold(u.Scheme, "rediss"))
	if err != nil {
		return err
	}
	username := u.User.Username()
	password, _ := u.User.Password()

	return converse(ctx, e, func(w *wire) error {
		if password != "" {
			// redis://:secret@host is password-only AUTH (the "default" user).
			args := []string{"AUTH", username, password}
			if username == "" {
				args = []string{"AUTH", password}
			}
			if _, err := redisCommand(w, "AUTH", args...); err != nil {
				return err
			}
		}
		reply, err := redisCommand(w, "PING", "PING")
		if err != nil {
			return err
		}
		if reply != "+PONG" {
			return fmt.Errorf("unexpected PING reply %q", reply)
		}
		return nil
	})
}

// redisCommand sends a RESP array of bulk strings and returns the one-line
// reply.
func redisCommand(w *wire, label string, args ...string) (string, error) {
	var command strings.Builder
	fmt.Fprintf(&command, "*%d\r\n", len(args))
	for _, arg := range args {
		fmt.Fprintf(&command, "$%d\r\n%s\r\n", len(arg), arg)
	}
	if err := w.write([]byte(command.String())); err != nil {
		return "", err
	}
	reply, err := w.readLine()
	if err != nil {
		return "", err
	}
	// The error text never contains the password: servers don't echo it.
	if strings.HasPrefix(reply, "-") {
		return "", fmt.Errorf("%s rejected: %s", label, reply[1:])
	}
	return reply, nil
}
