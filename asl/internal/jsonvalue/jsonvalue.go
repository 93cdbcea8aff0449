// Package jsonvalue holds the JSON value model every part of asl shares: nil,
// bool, int64, float64, string, []any and map[string]any. Values are treated
// as immutable once decoded; code that changes one copies the part it changes.
package jsonvalue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"

	gojson "github.com/goccy/go-json"
)

// Decode and Encode use github.com/goccy/go-json, a replacement of
// encoding/json that gives the same results (TestCodecMatchesStandard
// checks that) at a fraction of the cost: every state's input, output and
// history event goes through them.

// Decode parses JSON text into the value model. Integers that fit in int64
// become int64, every other number float64.
func Decode(data []byte) (any, error) {
	dec := gojson.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return Normalize(v), nil
}

// MustDecode is Decode for literals known to be valid; it panics otherwise.
func MustDecode(s string) any {
	v, err := Decode([]byte(s))
	if err != nil {
		panic(err)
	}
	return v
}

// Normalize converts json.Number leaves (and other Go numeric types) in v to
// int64 or float64, in place for containers, and returns the result.
func Normalize(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(string(t), 64)
		return f
	case int:
		return int64(t)
	case int32:
		return int64(t)
	case float32:
		return float64(t)
	case map[string]any:
		for k, e := range t {
			t[k] = Normalize(e)
		}
	case []any:
		for i, e := range t {
			t[i] = Normalize(e)
		}
	}
	return v
}

// Encode renders v as compact JSON without HTML escaping, object keys sorted.
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := gojson.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// String is Encode that returns a string; values of the model always encode.
func String(v any) string {
	b, err := Encode(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// Number returns v as float64 when it is a JSON number.
func Number(v any) (float64, bool) {
	switch t := v.(type) {
	case int64:
		return float64(t), true
	case float64:
		return t, true
	case int:
		return float64(t), true
	}
	return 0, false
}

// Integer returns v as int64 when it is a JSON number with no fraction.
func Integer(v any) (int64, bool) {
	switch t := v.(type) {
	case int64:
		return t, true
	case int:
		return int64(t), true
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<63 {
			return int64(t), true
		}
	}
	return 0, false
}

// Equal reports whether a and b are the same JSON value: numbers compare
// numerically, object key order is ignored, arrays compare in order.
func Equal(a, b any) bool {
	if x, ok := Number(a); ok {
		y, ok := Number(b)
		return ok && x == y
	}
	switch t := a.(type) {
	case nil:
		return b == nil
	case bool:
		u, ok := b.(bool)
		return ok && t == u
	case string:
		u, ok := b.(string)
		return ok && t == u
	case []any:
		u, ok := b.([]any)
		if !ok || len(t) != len(u) {
			return false
		}
		for i := range t {
			if !Equal(t[i], u[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		u, ok := b.(map[string]any)
		if !ok || len(t) != len(u) {
			return false
		}
		for k, e := range t {
			f, ok := u[k]
			if !ok || !Equal(e, f) {
				return false
			}
		}
		return true
	}
	return false
}

// TypeName names the JSON type of v as AWS error messages do.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case int64, int, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// Copy returns a deep copy of v.
func Copy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = Copy(e)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			a[i] = Copy(e)
		}
		return a
	}
	return v
}

// SortedKeys returns the keys of m in byte order.
func SortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// Over reports whether v encodes to more than limit bytes of JSON. It
// measures without encoding (strings count without their escapes) and
// stops as soon as the limit is passed, so a value made of many
// references to one large value costs no more than the limit to measure.
func Over(v any, limit int) bool {
	return size(v, 0, limit) > limit
}

func size(v any, acc, limit int) int {
	if acc > limit {
		return acc
	}
	switch t := v.(type) {
	case string:
		return acc + len(t) + 2
	case map[string]any:
		acc += 2
		for k, e := range t {
			acc = size(e, acc+len(k)+4, limit)
		}
		return acc
	case []any:
		acc += 2
		for _, e := range t {
			acc = size(e, acc+1, limit)
		}
		return acc
	}
	var buf [32]byte
	switch t := v.(type) {
	case nil:
		return acc + len("null")
	case bool:
		return acc + len(strconv.AppendBool(buf[:0], t))
	case int64:
		return acc + len(strconv.AppendInt(buf[:0], t, 10))
	case float64:
		return acc + len(strconv.AppendFloat(buf[:0], t, 'g', -1, 64))
	}
	return acc + 8
}
