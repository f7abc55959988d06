package probes

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
)

// PostgresSchemes are the URL schemes Postgres understands.
var PostgresSchemes = []string{"postgres", "postgresql"}

// protocol30 is protocol version 3.0: major 3 << 16 | minor 0.
const protocol30 = 196_608

// Like pg_isready, a server that rejects our credentials is still up and
// answering: a wrong password is a configuration bug that restarting or
// unrouting instances will not fix, and the app's own connections report it.
var postgresServerUp = map[string]bool{"28000": true, "28P01": true}

// Postgres has pg_isready semantics: it sends a StartupMessage and reads the
// first reply. An Authentication request ('R') means the server accepts
// connections; an ErrorResponse ('E') means it does not (starting up, too
// many clients...), except for the authentication failures above. It hangs
// up before authenticating, so no password is ever sent.
//
// Once you add a driver (pgx, database/sql), replace this with a ping on the
// pool.
func Postgres(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("invalid postgres URL: %w", redact(err))
	}
	e, err := endpointFrom(u, 5432, false)
	if err != nil {
		return err
	}
	user := u.User.Username()
	if user == "" {
		user = "postgres"
	}
	database := strings.TrimPrefix(u.Path, "/")
	if database == "" {
		database = user
	}

	return converse(ctx, e, func(w *wire) error {
		if err := w.write(startupMessage("user", user, "database", database, "application_name", "readiness-probe")); err != nil {
			return err
		}
		header, err := w.read(5)
		if err != nil {
			return err
		}
		kind := header[0]
		length := int32(binary.BigEndian.Uint32(header[1:]))
		if kind == 'R' {
			return nil
		}
		if kind != 'E' || length < 4 || length > 64*1024 {
			return fmt.Errorf("unexpected reply %q: not a PostgreSQL server?", string(rune(kind)))
		}
		body, err := w.read(int(length) - 4)
		if err != nil {
			return err
		}
		fields := errorFields(body)
		code := fields['C']
		if code == "" {
			code = "unknown SQLSTATE"
		}
		if postgresServerUp[code] {
			return nil
		}
		return fmt.Errorf("not ready: %s", strings.TrimSpace(code+" "+fields['M']))
	})
}

// startupMessage is a length, the protocol version, then NUL-terminated
// key/value strings and one more NUL.
func startupMessage(parameters ...string) []byte {
	message := make([]byte, 8, 64)
	for _, text := range parameters {
		message = append(message, text...)
		message = append(message, 0)
	}
	message = append(message, 0)
	binary.BigEndian.PutUint32(message[0:], uint32(len(message)))
	binary.BigEndian.PutUint32(message[4:], protocol30)
	return message
}

// errorFields reads an ErrorResponse body: repeated (1-byte field code,
// NUL-terminated string), then NUL.
func errorFields(body []byte) map[byte]string {
	fields := map[byte]string{}
	for len(body) > 1 && body[0] != 0 {
		code := body[0]
		end := bytes.IndexByte(body[1:], 0)
		if end == -1 {
			break
		}
		fields[code] = string(body[1 : 1+end])
		body = body[2+end:]
	}
	return fields
}
