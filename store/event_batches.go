package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// History events are stored as batches: one row per execution per commit,
// whose events column is a JSON array of one object per event in id order
// (migrations/0027_event_batches.up.sql describes its keys). This file
// writes and reads that array; history.go runs the queries.

// appendBatch appends the JSON array of events, which are one execution's
// with contiguous ids.
func appendBatch(b []byte, events []Event) []byte {
	b = append(b, '[')
	for i := range events {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendEvent(b, &events[i])
	}
	return append(b, ']')
}

// appendEvent appends one event's object. Details that are not JSON as
// written (empty, or padded with whitespace) go as a string under
// detailsText, so that the array stays JSON and they read back verbatim.
func appendEvent(b []byte, e *Event) []byte {
	b = append(b, `{"type":`...)
	b = appendJSONString(b, e.Type)
	b = append(b, `,"timestamp":`...)
	b = strconv.AppendInt(b, e.Timestamp.UnixMicro(), 10)
	if e.State != nil {
		b = append(b, `,"state":`...)
		b = appendJSONString(b, *e.State)
	}
	switch d := e.Details; {
	case d == nil:
	case verbatimJSON(*d):
		b = append(b, `,"details":`...)
		b = append(b, *d...)
	default:
		b = append(b, `,"detailsText":`...)
		b = appendJSONString(b, *d)
	}
	return append(b, '}')
}

// verbatimJSON reports whether s is one JSON value with nothing around it.
func verbatimJSON(s string) bool {
	if s == "" || isSpace(s[0]) || isSpace(s[len(s)-1]) {
		return false
	}
	return json.Valid([]byte(s))
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// appendJSONString appends s as a JSON string, escaping what JSON requires
// and replacing invalid UTF-8 as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			b = appendEscape(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscape appends the escape of ASCII byte c.
func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
}

// errBatch reports a batch that is not the JSON array appendBatch writes.
var errBatch = errors.New("store: malformed history batch")

// batchReader reads the events of one batch in order. The strings of the
// events it returns share the batch's memory, unless they hold escapes.
type batchReader struct {
	s           string
	i           int
	executionID int64
	next        int64 // id of the next event
	err         error
}

func newBatchReader(executionID, firstID int64, events string) *batchReader {
	r := &batchReader{s: events, executionID: executionID, next: firstID}
	r.space()
	if !r.take('[') {
		r.err = fmt.Errorf("%w: expected an array", errBatch)
	}
	return r
}

// read fills ev with the next event and reports whether there was one.
func (r *batchReader) read(ev *Event) (bool, error) {
	if r.err != nil {
		return false, r.err
	}
	r.space()
	if r.take(']') {
		return false, nil
	}
	*ev = Event{ExecutionID: r.executionID, ID: r.next, PreviousID: r.next - 1}
	err := r.object(ev)
	if err == nil {
		r.space()
		if !r.take(',') && (r.i >= len(r.s) || r.s[r.i] != ']') {
			err = errors.New("expected , or ]")
		}
	}
	if err != nil {
		r.err = fmt.Errorf("%w: event %d: %v", errBatch, r.next, err)
		return false, r.err
	}
	r.next++
	return true, nil
}

// object reads one event's object into ev.
func (r *batchReader) object(ev *Event) error {
	r.space()
	if !r.take('{') {
		return errors.New("expected an object")
	}
	for first := true; ; first = false {
		r.space()
		if r.take('}') {
			return nil
		}
		if !first && !r.take(',') {
			return errors.New("expected , or }")
		}
		r.space()
		key, err := r.str()
		if err != nil {
			return err
		}
		r.space()
		if !r.take(':') {
			return errors.New("expected :")
		}
		r.space()
		if err := r.field(ev, key); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
}

// field reads the value of key into ev; unknown keys are skipped.
func (r *batchReader) field(ev *Event, key string) error {
	var err error
	switch key {
	case "type":
		ev.Type, err = r.str()
	case "timestamp":
		var us int64
		us, err = r.integer()
		ev.Timestamp = time.UnixMicro(us)
	case "state":
		ev.State, err = r.optionalStr()
	case "previousId":
		ev.PreviousID, err = r.integer()
	case "details":
		start := r.i
		err = r.skip()
		d := r.s[start:r.i]
		ev.Details = &d
	case "detailsText":
		var d string
		d, err = r.str()
		ev.Details = &d
	default:
		err = r.skip()
	}
	return err
}

func (r *batchReader) space() {
	for r.i < len(r.s) && isSpace(r.s[r.i]) {
		r.i++
	}
}

// take consumes c if it is next.
func (r *batchReader) take(c byte) bool {
	if r.i < len(r.s) && r.s[r.i] == c {
		r.i++
		return true
	}
	return false
}

// str reads a JSON string; one without escapes is a slice of the batch.
func (r *batchReader) str() (string, error) {
	start := r.i
	if !r.take('"') {
		return "", errors.New("expected a string")
	}
	for r.i < len(r.s) {
		switch r.s[r.i] {
		case '"':
			r.i++
			return r.s[start+1 : r.i-1], nil
		case '\\':
			if err := r.skipString(start); err != nil {
				return "", err
			}
			var s string
			err := json.Unmarshal([]byte(r.s[start:r.i]), &s)
			return s, err
		}
		r.i++
	}
	return "", errors.New("unterminated string")
}

// optionalStr reads a JSON string or null.
func (r *batchReader) optionalStr() (*string, error) {
	if r.literal("null") {
		return nil, nil
	}
	s, err := r.str()
	return &s, err
}

func (r *batchReader) literal(word string) bool {
	if len(r.s)-r.i >= len(word) && r.s[r.i:r.i+len(word)] == word {
		r.i += len(word)
		return true
	}
	return false
}

// integer reads a JSON integer.
func (r *batchReader) integer() (int64, error) {
	start := r.i
	if r.i < len(r.s) && r.s[r.i] == '-' {
		r.i++
	}
	for r.i < len(r.s) && r.s[r.i] >= '0' && r.s[r.i] <= '9' {
		r.i++
	}
	return strconv.ParseInt(r.s[start:r.i], 10, 64)
}

// skipString moves past the string that starts at start.
func (r *batchReader) skipString(start int) error {
	for r.i = start + 1; r.i < len(r.s); r.i++ {
		switch r.s[r.i] {
		case '\\':
			r.i++
		case '"':
			r.i++
			return nil
		}
	}
	return errors.New("unterminated string")
}

// skip moves past one JSON value, which it does not check.
func (r *batchReader) skip() error {
	depth := 0
	for r.i < len(r.s) {
		switch c := r.s[r.i]; c {
		case '"':
			if err := r.skipString(r.i); err != nil {
				return err
			}
			if depth == 0 {
				return nil
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return nil
			}
			depth--
			if depth == 0 {
				r.i++
				return nil
			}
		case ',':
			if depth == 0 {
				return nil
			}
		default:
			if depth == 0 && isSpace(c) {
				return nil
			}
		}
		r.i++
	}
	if depth > 0 {
		return errors.New("unterminated value")
	}
	return nil
}
