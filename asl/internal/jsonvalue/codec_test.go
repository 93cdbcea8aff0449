package jsonvalue

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// standardDecode and standardEncode are Decode and Encode on encoding/json,
// the behaviour the faster codec must keep.
func standardDecode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, io.ErrUnexpectedEOF
	}
	return Normalize(v), nil
}

func standardEncode(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimRight(buf.String(), "\n"), nil
}

// codecCases are texts at the edges of JSON: numbers near the limits of
// int64 and float64, escapes, HTML characters, line separators, invalid
// UTF-8, and malformed or trailing text.
var codecCases = []string{
	`0`, `-0`, `1`, `-1`, `1.0`, `100.0`, `1e2`, `1E+2`, `1.5e-7`, `1e-6`, `1e20`, `1e21`, `123456789012345678901`,
	`9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `-9223372036854775809`,
	`5e-324`, `1.7976931348623157e308`, `0.1`, `0.30000000000000004`, `3.141592653589793`, `2.5`,
	`"plain"`, `"<a href=\"x\">&amp;</a>"`, `"line\u2028sep\u2029"`, `"tab\tnl\ncr\r\u0000\u001f"`,
	`"\ud83d\ude00 emoji"`, `"\ud800 lone surrogate"`, "\"\xff\xfe invalid utf-8\"", `"é ü ß 漢字"`, `"\/slash"`,
	`[]`, `{}`, `[1,[2,[3,[]]],{}]`, `{"b":1,"a":{"d":[true,false,null],"c":"x"},"":0,"B":2}`,
	`{"dup":1,"dup":2}`, ` {"spaced" : [ 1 , 2 ] } `, `null`, `true`,
	`{"a":1} x`, `[1,]`, `{"a"}`, `"unterminated`, `01`, `1.`, `-`, `+1`, `NaN`, ``, `[1] [2]`, `{"a":1}{}`,
}

// TestCodecMatchesStandard checks Decode and Encode against encoding/json
// on codecCases and on every JSON file of the conformance corpus (when it
// is there): the same values, the same text, the same failures.
func TestCodecMatchesStandard(t *testing.T) {
	texts := codecCases
	root := filepath.Join("..", "..", "..", "..", "shared", "conformance")
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			if b, err := os.ReadFile(path); err == nil {
				texts = append(texts, string(b))
			}
		}
		return nil
	})
	t.Logf("%d texts", len(texts))
	for _, text := range texts {
		want, wantErr := standardDecode([]byte(text))
		got, err := Decode([]byte(text))
		if (err != nil) != (wantErr != nil) {
			t.Errorf("Decode(%.80q): error %v, encoding/json's %v", text, err, wantErr)
			continue
		}
		if err != nil {
			continue
		}
		wantText, _ := standardEncode(want)
		gotText, err := Encode(got)
		if err != nil || string(gotText) != wantText {
			t.Errorf("Decode then Encode(%.80q) = %.200s (%v), encoding/json: %.200s", text, gotText, err, wantText)
		}
		if !Equal(got, want) {
			t.Errorf("Decode(%.80q) = %#v, encoding/json: %#v", text, got, want)
		}
	}
}

// TestEncodeMatchesStandard checks Encode on values no text decodes to:
// Go numeric types, floats encoding/json writes with an exponent, and
// values that do not encode.
func TestEncodeMatchesStandard(t *testing.T) {
	for _, v := range []any{
		float64(1e21), float64(1e-7), float64(-0.0), float64(123456789), float64(1e20), 1.5, int(7), int32(-3), float32(0.1),
		map[string]any{"z": []any{nil, "<&>"}, "a": map[string]any{}}, []any{}, "\u2028",
	} {
		want, _ := standardEncode(v)
		got, err := Encode(v)
		if err != nil || string(got) != want {
			t.Errorf("Encode(%#v) = %s (%v), encoding/json: %s", v, got, err, want)
		}
	}
}
