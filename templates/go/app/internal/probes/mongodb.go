package probes

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
)

// MongoDBSchemes are the URL schemes MongoDB understands. mongodb+srv is
// accepted by the configuration but refused by the probe with a clear message.
var MongoDBSchemes = []string{"mongodb", "mongodb+srv"}

const (
	opMsg              = 2013
	maxMongoReplyBytes = 16 * 1024 * 1024
)

// MongoDB sends one `hello` command with a hand-rolled OP_MSG/BSON codec.
// `hello` needs no authentication and answers as soon as mongod accepts
// connections; `ok: 1` means ready. Only the first host of a seed list is
// checked. TLS is used when the URL says tls=true or ssl=true.
//
// Once you add the MongoDB driver, replace this with its Ping.
func MongoDB(ctx context.Context, rawURL string) error {
	if strings.HasPrefix(strings.ToLower(rawURL), "mongodb+srv:") {
		return errors.New("mongodb+srv:// URLs need a DNS SRV lookup that this minimal probe does not do: " +
			"use a mongodb://host:port URL, or replace the probe with your driver's ping")
	}
	u, err := firstHost(rawURL)
	if err != nil {
		return err
	}
	query := u.Query()
	useTLS := strings.EqualFold(query.Get("tls"), "true") || strings.EqualFold(query.Get("ssl"), "true")
	e, err := endpointFrom(u, 27017, useTLS)
	if err != nil {
		return err
	}

	return converse(ctx, e, func(w *wire) error {
		const requestID = 1
		if err := w.write(opMsgMessage(requestID, bsonDocument("hello", int32(1), "$db", "admin"))); err != nil {
			return err
		}
		// Header: messageLength, requestID, responseTo, opCode (int32 LE each).
		header, err := w.read(16)
		if err != nil {
			return err
		}
		length := int32(binary.LittleEndian.Uint32(header[0:]))
		if binary.LittleEndian.Uint32(header[12:]) != opMsg || length < 21 || length > maxMongoReplyBytes {
			return errors.New("unexpected reply: not a MongoDB server (3.6 or later)?")
		}
		body, err := w.read(int(length) - 16)
		if err != nil {
			return err
		}
		// body: flagBits (uint32), then section kind 0 followed by one document.
		if body[4] != 0 {
			return errors.New("unexpected OP_MSG section in reply")
		}
		reply, err := bsonTopLevel(body[5:])
		if err != nil {
			return err
		}
		if ok, _ := bsonNumber(reply["ok"]); ok != 1 {
			reason, found := reply["errmsg"]
			if !found {
				reason, found = reply["codeName"]
			}
			if !found {
				reason = "ok is not 1"
			}
			return fmt.Errorf("not ready: %v", reason)
		}
		return nil
	})
}

var mongoURL = regexp.MustCompile(`(?i)^(mongodb://)([^@/?#]*@)?([^/?#]*)(.*)$`)

// firstHost keeps the first host of a seed list ("a:27017,b:27017"), which
// is not a valid URL host.
func firstHost(rawURL string) (*url.URL, error) {
	match := mongoURL.FindStringSubmatch(rawURL)
	if match == nil {
		return nil, errors.New("not a mongodb:// URL")
	}
	hosts := strings.SplitN(match[3], ",", 2)
	u, err := url.Parse(match[1] + match[2] + hosts[0] + match[4])
	if err != nil {
		return nil, fmt.Errorf("invalid mongodb URL: %w", redact(err))
	}
	return u, nil
}

func opMsgMessage(requestID int32, document []byte) []byte {
	message := make([]byte, 21, 21+len(document))
	binary.LittleEndian.PutUint32(message[0:], uint32(21+len(document)))
	binary.LittleEndian.PutUint32(message[4:], uint32(requestID))
	// responseTo (8), flagBits (16) and section kind 0 (20) stay zero.
	binary.LittleEndian.PutUint32(message[12:], opMsg)
	return append(message, document...)
}

// --- Minimal BSON: encodes int32 and string values, decodes top-level scalars.

// bsonDocument encodes key, value pairs (int32 or string values), in order.
func bsonDocument(pairs ...any) []byte {
	document := []byte{0, 0, 0, 0}
	for i := 0; i+1 < len(pairs); i += 2 {
		key := pairs[i].(string)
		switch value := pairs[i+1].(type) {
		case int32:
			document = append(document, 0x10)
			document = append(document, key...)
			document = append(document, 0)
			document = binary.LittleEndian.AppendUint32(document, uint32(value))
		case string:
			document = append(document, 0x02)
			document = append(document, key...)
			document = append(document, 0)
			document = binary.LittleEndian.AppendUint32(document, uint32(len(value)+1))
			document = append(document, value...)
			document = append(document, 0)
		}
	}
	document = append(document, 0)
	binary.LittleEndian.PutUint32(document, uint32(len(document)))
	return document
}

var errMalformedBSON = errors.New("malformed BSON document in reply")

// bsonTopLevel reads a document's top-level doubles, strings, int32/int64
// and booleans; every other value (sub-documents, ObjectIds, timestamps...)
// is skipped by size.
func bsonTopLevel(document []byte) (map[string]any, error) {
	if len(document) < 5 {
		return nil, errMalformedBSON
	}
	size := int(binary.LittleEndian.Uint32(document))
	if size < 5 || size > len(document) {
		return nil, errors.New("truncated BSON document in reply")
	}
	document = document[:size-1] // the last byte is the document's NUL
	values := map[string]any{}
	int32At := func(at int) (int, error) {
		if at < 0 || at+4 > len(document) {
			return 0, errMalformedBSON
		}
		return int(int32(binary.LittleEndian.Uint32(document[at:]))), nil
	}
	cstringEnd := func(from int) (int, error) {
		if from > len(document) {
			return 0, errMalformedBSON
		}
		nul := bytes.IndexByte(document[from:], 0)
		if nul == -1 {
			return 0, errMalformedBSON
		}
		return from + nul, nil
	}

	offset := 4
	for offset < len(document) {
		kind := document[offset]
		nameEnd, err := cstringEnd(offset + 1)
		if err != nil {
			return nil, err
		}
		name := string(document[offset+1 : nameEnd])
		at := nameEnd + 1
		var n int
		switch kind {
		case 0x01: // double
			n = 8
			if at+n <= len(document) {
				values[name] = math.Float64frombits(binary.LittleEndian.Uint64(document[at:]))
			}
		case 0x02: // string: int32 byte length (with NUL), bytes, NUL
			length, err := int32At(at)
			if err != nil || length < 1 || at+4+length > len(document) {
				return nil, errMalformedBSON
			}
			values[name] = string(document[at+4 : at+4+length-1])
			n = 4 + length
		case 0x08: // boolean
			n = 1
			if at < len(document) {
				values[name] = document[at] == 1
			}
		case 0x10: // int32
			n = 4
			if value, err := int32At(at); err == nil {
				values[name] = value
			}
		case 0x12: // int64
			n = 8
			if at+n <= len(document) {
				values[name] = int64(binary.LittleEndian.Uint64(document[at:]))
			}
		case 0x03, 0x04, 0x0f: // document, array, code with scope
			n, err = int32At(at)
		case 0x05: // binary: int32 length, subtype byte, bytes
			n, err = int32At(at)
			n += 5
		case 0x0d, 0x0e: // JavaScript code, symbol
			n, err = int32At(at)
			n += 4
		case 0x0c: // DBPointer: string + ObjectId
			n, err = int32At(at)
			n += 4 + 12
		case 0x0b: // regex: two cstrings
			var first, second int
			if first, err = cstringEnd(at); err == nil {
				second, err = cstringEnd(first + 1)
				n = second + 1 - at
			}
		case 0x07: // ObjectId
			n = 12
		case 0x09, 0x11: // UTC datetime, timestamp
			n = 8
		case 0x13: // decimal128
			n = 16
		case 0x06, 0x0a, 0x7f, 0xff: // undefined, null, max key, min key
			n = 0
		default:
			return nil, fmt.Errorf("unsupported BSON type 0x%x in reply", kind)
		}
		if err != nil || n < 0 || at+n > len(document) {
			return nil, errMalformedBSON
		}
		offset = at + n
	}
	return values, nil
}

// bsonNumber converts the numeric BSON types to a float64.
func bsonNumber(value any) (float64, bool) {
	switch v := value.(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}
