package probes

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// MemcachedSchemes are the URL schemes Memcached understands.
var MemcachedSchemes = []string{"memcached"}

// Memcached sends the text protocol's `version` command: `VERSION x.y.z`
// means ready; anything else (ERROR...) does not.
//
// Once you add a client, replace this with its version or stats call.
func Memcached(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("invalid memcached URL: %w", redact(err))
	}
	e, err := endpointFrom(u, 11211, false)
	if err != nil {
		return err
	}
	return converse(ctx, e, func(w *wire) error {
		if err := w.write([]byte("version\r\n")); err != nil {
			return err
		}
		reply, err := w.readLine()
		if err != nil {
			return err
		}
		if !strings.HasPrefix(reply, "VERSION ") {
			return fmt.Errorf("unexpected reply %q", reply)
		}
		return nil
	})
}
