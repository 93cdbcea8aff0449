package itemio

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
)

// jsonArray reads a JSON object whose top level is an array, one element
// at a time.
type jsonArray struct {
	r    *Reader
	o    *object
	dec  *json.Decoder
	base int64 // object offset of the decoder's first byte
	done bool
}

func (r *Reader) newJSONArray(o *object) (source, error) {
	a := &jsonArray{r: r, o: o, base: o.base}
	var in io.Reader = o.br
	if o.base > 0 {
		// Resumed just past an element: a comma and the next one follow,
		// or the array's end.
		comma := false
		for {
			b, err := o.readByte()
			if errors.Is(err, io.EOF) {
				return nil, readerFailed("s3://%s/%s ends inside its JSON array", o.bucket, o.key)
			}
			if err != nil {
				return nil, readerFailed("s3://%s/%s: %v", o.bucket, o.key, err)
			}
			switch {
			case b == ' ' || b == '\t' || b == '\n' || b == '\r':
				continue
			case b == ',' && !comma:
				comma = true
				continue
			case b == ']' && !comma:
				a.done = true
				return a, nil
			case !comma:
				return nil, readerFailed("%s is not valid JSON", r.at(o.bucket, o.key, "array element"))
			}
			o.unreadByte()
			break
		}
		in = io.MultiReader(strings.NewReader("["), o.br)
		a.base = o.base + o.n - 1
	}
	a.dec = json.NewDecoder(in)
	tok, err := a.dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '[' {
		return nil, readerFailed("s3://%s/%s is not a JSON array", o.bucket, o.key)
	}
	return a, nil
}

func (a *jsonArray) next(ctx context.Context) (any, error) {
	if a.done {
		return nil, io.EOF
	}
	at := func() string { return a.r.at(a.o.bucket, a.o.key, "array element") }
	if !a.dec.More() {
		if _, err := a.dec.Token(); err != nil {
			return nil, readerFailed("%s: %v", at(), err)
		}
		if _, err := a.dec.Token(); !errors.Is(err, io.EOF) {
			return nil, readerFailed("s3://%s/%s has more data after its JSON array", a.o.bucket, a.o.key)
		}
		a.done = true
		return nil, io.EOF
	}
	var raw json.RawMessage
	if err := a.dec.Decode(&raw); err != nil {
		return nil, readerFailed("%s is not valid JSON: %v", at(), err)
	}
	if len(raw) > MaxItemBytes {
		return nil, readerFailed("%s is larger than the item limit of %d bytes", at(), MaxItemBytes)
	}
	v, err := asl.DecodeJSON(raw)
	if err != nil {
		return nil, readerFailed("%s is not valid JSON: %v", at(), err)
	}
	a.r.pos.Records++
	if !a.o.compressed {
		a.r.pos.Offset = a.base + a.dec.InputOffset()
	}
	return v, nil
}

func (a *jsonArray) close() error { return a.o.close() }
