package probes

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

// fakePostgres waits for the whole StartupMessage, records its parameters,
// then runs reply.
func fakePostgres(t *testing.T, reply func(conn net.Conn, params map[string]string)) string {
	t.Helper()
	return fakeServer(t, func(conn net.Conn) {
		header := make([]byte, 8)
		if _, err := io.ReadFull(conn, header); err != nil {
			return
		}
		if version := binary.BigEndian.Uint32(header[4:]); version != 196_608 {
			t.Errorf("protocol version %d, want 3.0", version)
		}
		body := make([]byte, binary.BigEndian.Uint32(header)-8)
		if _, err := io.ReadFull(conn, body); err != nil {
			return
		}
		parts := bytes.Split(body, []byte{0})
		params := map[string]string{}
		for i := 0; i+1 < len(parts); i += 2 {
			if len(parts[i]) > 0 {
				params[string(parts[i])] = string(parts[i+1])
			}
		}
		reply(conn, params)
	})
}

func postgresMessage(kind byte, body []byte) []byte {
	message := []byte{kind, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(message[1:], uint32(len(body)+4))
	return append(message, body...)
}

func errorResponse(code, text string) []byte {
	return postgresMessage('E', []byte("SFATAL\x00C"+code+"\x00M"+text+"\x00\x00"))
}

func TestPostgresReadyWhenTheServerAsksForAuthentication(t *testing.T) {
	seen := make(chan map[string]string, 1)
	address := fakePostgres(t, func(conn net.Conn, params map[string]string) {
		seen <- params
		_, _ = conn.Write(postgresMessage('R', []byte{0, 0, 0, 5, 1, 2, 3, 4})) // AuthenticationMD5Password + salt
		silent(conn)
	})
	if err := Postgres(t.Context(), "postgresql://orders:s3cret@"+address+"/orders_db"); err != nil {
		t.Fatal(err)
	}
	params := <-seen
	if params["user"] != "orders" || params["database"] != "orders_db" || params["application_name"] != "readiness-probe" {
		t.Errorf("startup parameters = %v", params)
	}
	if _, leaked := params["password"]; leaked {
		t.Error("the password must never be sent")
	}
}

func TestPostgresDefaultsUserAndDatabase(t *testing.T) {
	seen := make(chan map[string]string, 1)
	address := fakePostgres(t, func(conn net.Conn, params map[string]string) {
		seen <- params
		_, _ = conn.Write(postgresMessage('R', []byte{0, 0, 0, 0}))
	})
	if err := Postgres(t.Context(), "postgres://"+address); err != nil {
		t.Fatal(err)
	}
	if params := <-seen; params["user"] != "postgres" || params["database"] != "postgres" {
		t.Errorf("startup parameters = %v", params)
	}
}

func TestPostgresNotReadyOnAnErrorResponseWithItsSQLSTATE(t *testing.T) {
	address := fakePostgres(t, func(conn net.Conn, _ map[string]string) {
		_, _ = conn.Write(errorResponse("57P03", "the database system is starting up"))
	})
	err := Postgres(t.Context(), "postgres://app@"+address+"/app")
	expectError(t, err, `^127\.0\.0\.1:\d+: not ready: 57P03 the database system is starting up$`)
}

func TestPostgresAnAuthenticationFailureStillMeansUp(t *testing.T) {
	address := fakePostgres(t, func(conn net.Conn, _ map[string]string) {
		_, _ = conn.Write(errorResponse("28P01", `password authentication failed for user "app"`))
	})
	if err := Postgres(t.Context(), "postgres://app:wrong@"+address+"/app"); err != nil {
		t.Fatal(err)
	}
}

func TestPostgresRejectsAServerThatIsNotPostgres(t *testing.T) {
	address := fakePostgres(t, func(conn net.Conn, _ map[string]string) {
		_, _ = conn.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	})
	expectError(t, Postgres(t.Context(), "postgres://"+address), `unexpected reply "H": not a PostgreSQL server\?`)
}

func TestPostgresTimesOutAgainstASilentServer(t *testing.T) {
	t.Parallel()
	address := fakeServer(t, silent)
	expectError(t, Postgres(withTimeout(t, 150*time.Millisecond), "postgres://"+address+"/app"), `no answer within 1\d\dms`)
}

func TestPostgresReportsARefusedConnection(t *testing.T) {
	expectError(t, Postgres(t.Context(), "postgres://"+closedPort(t)+"/app"), `connection refused`)
}
