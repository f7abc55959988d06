package probes

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"net"
	"testing"
	"time"
)

// fakeMongo reads one OP_MSG, hands its bytes to seen, and answers with the
// document reply returns (or stays silent when reply is nil).
func fakeMongo(t *testing.T, reply func() []byte, seen chan<- []byte) string {
	t.Helper()
	return fakeServer(t, func(conn net.Conn) {
		header := make([]byte, 16)
		if _, err := io.ReadFull(conn, header); err != nil {
			return
		}
		rest := make([]byte, binary.LittleEndian.Uint32(header)-16)
		if _, err := io.ReadFull(conn, rest); err != nil {
			return
		}
		if seen != nil {
			seen <- append(header, rest...)
		}
		if reply == nil {
			silent(conn)
			return
		}
		document := reply()
		message := make([]byte, 21)
		binary.LittleEndian.PutUint32(message[0:], uint32(21+len(document)))
		binary.LittleEndian.PutUint32(message[4:], 99)
		copy(message[8:12], header[4:8]) // responseTo = the request's id
		binary.LittleEndian.PutUint32(message[12:], 2013)
		_, _ = conn.Write(append(message, document...))
	})
}

// Just enough BSON to build realistic replies, including types the probe skips.
func element(kind byte, name string, value []byte) []byte {
	return append(append(append([]byte{kind}, name...), 0), value...)
}

func int32LE(n int32) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(n)) }

func float64LE(f float64) []byte { return binary.LittleEndian.AppendUint64(nil, math.Float64bits(f)) }

func bsonString(s string) []byte { return append(append(int32LE(int32(len(s)+1)), s...), 0) }

func documentOf(elements ...[]byte) []byte {
	body := append(bytes.Join(elements, nil), 0)
	return append(int32LE(int32(len(body)+4)), body...)
}

func TestMongoDBReadyWhenHelloAnswersOK(t *testing.T) {
	seen := make(chan []byte, 1)
	address := fakeMongo(t, func() []byte {
		return documentOf(
			element(0x08, "isWritablePrimary", []byte{1}),
			element(0x03, "topologyVersion", documentOf(element(0x07, "processId", make([]byte, 12)))),
			element(0x09, "localTime", make([]byte, 8)),
			element(0x04, "hosts", documentOf(element(0x02, "0", bsonString("db:27017")))),
			element(0x10, "maxWireVersion", int32LE(25)),
			element(0x01, "ok", float64LE(1)),
		)
	}, seen)
	if err := MongoDB(t.Context(), "mongodb://app:secret@"+address+",other-host:27017/app?replicaSet=rs0&authSource=admin"); err != nil {
		t.Fatal(err)
	}
	request := <-seen
	if binary.LittleEndian.Uint32(request[12:]) != 2013 {
		t.Error("not an OP_MSG")
	}
	if !bytes.Contains(request, []byte("hello\x00")) || !bytes.Contains(request, []byte("admin\x00")) {
		t.Errorf("request = %q", request)
	}
}

func TestMongoDBNotReadyWhenOKIs0WithTheServerMessage(t *testing.T) {
	address := fakeMongo(t, func() []byte {
		return documentOf(element(0x01, "ok", float64LE(0)), element(0x02, "errmsg", bsonString("node is recovering")))
	}, nil)
	err := MongoDB(t.Context(), "mongodb://"+address)
	expectError(t, err, `^127\.0\.0\.1:\d+: not ready: node is recovering$`)
}

func TestMongoDBRejectsAMalformedReply(t *testing.T) {
	address := fakeMongo(t, func() []byte {
		return append(int32LE(200), 0x01, 'o', 'k', 0) // claims 200 bytes, has 8
	}, nil)
	expectError(t, MongoDB(t.Context(), "mongodb://"+address), `truncated BSON document`)
}

func TestMongoDBRejectsSRVURLsWithAClearMessage(t *testing.T) {
	expectError(t, MongoDB(t.Context(), "mongodb+srv://cluster0.example.net/app"), `mongodb\+srv:// URLs need a DNS SRV lookup`)
}

func TestMongoDBTimesOutAgainstASilentServer(t *testing.T) {
	t.Parallel()
	address := fakeMongo(t, nil, nil)
	expectError(t, MongoDB(withTimeout(t, 150*time.Millisecond), "mongodb://"+address), `no answer within 1\d\dms`)
}
