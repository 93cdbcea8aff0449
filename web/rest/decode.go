package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/web/internal/apierror"
)

// decodeBody reads the request body as one JSON object into v, refusing
// fields v does not have. An empty body leaves v as it is when optional,
// and is an error otherwise.
func decodeBody(c echo.Context, v any, optional bool) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err // *http.MaxBytesError, or the connection broke
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if optional {
			return nil
		}
		return apierror.BadRequest("", "the request body is empty; send a JSON object")
	}
	if err := checkUTF8(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(body, err)
	}
	if rest := bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		line, col := position(body, int64(len(body)-len(rest)))
		return &apierror.Error{Status: http.StatusBadRequest, Code: apierror.CodeMalformedJSON,
			Message: fmt.Sprintf("unexpected data after the JSON object at line %d, column %d", line, col),
			Details: map[string]any{"line": line, "column": col}}
	}
	return nil
}

// checkParams refuses path and query parameters that are not UTF-8 or
// hold a NUL character: no name, ARN or filter can, and PostgreSQL fails
// on such text instead of finding nothing.
func checkParams(c echo.Context) error {
	check := func(name, v string) error {
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return apierror.BadParameter(name, "%q is not valid UTF-8 text without NUL characters", v)
		}
		return nil
	}
	for _, name := range c.ParamNames() {
		v, err := pathParam(c, name)
		if err == nil {
			err = check(name, v)
		}
		if err != nil {
			return err
		}
	}
	for name, vs := range c.QueryParams() {
		for _, v := range vs {
			if err := check(name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// errorText refuses an error and cause that hold a NUL character, which
// PostgreSQL cannot store.
func errorText(errorName, cause string) error {
	if strings.ContainsRune(errorName, 0) {
		return apierror.BadRequest("error", "field \"error\" must not contain NUL characters")
	}
	if strings.ContainsRune(cause, 0) {
		return apierror.BadRequest("cause", "field \"cause\" must not contain NUL characters")
	}
	return nil
}

// checkUTF8 refuses a body that is not UTF-8, as JSON must be (RFC 8259):
// the decoder would pass raw fields such as an input on as they are, and
// PostgreSQL refuses to store them.
func checkUTF8(body []byte) error {
	if utf8.Valid(body) {
		return nil
	}
	offset := 0
	for offset < len(body) {
		r, size := utf8.DecodeRune(body[offset:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		offset += size
	}
	line, col := position(body, int64(offset))
	return &apierror.Error{Status: http.StatusBadRequest, Code: apierror.CodeMalformedJSON,
		Message: fmt.Sprintf("the body is not valid UTF-8 at line %d, column %d", line, col),
		Details: map[string]any{"line": line, "column": col, "offset": offset}}
}

// jsonError explains a decoding error: where the syntax broke, which
// field is unknown, or which field has the wrong type.
func jsonError(body []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		line, col := position(body, syntax.Offset-1) // Offset counts the offending byte
		return &apierror.Error{Status: http.StatusBadRequest, Code: apierror.CodeMalformedJSON,
			Message: fmt.Sprintf("malformed JSON at line %d, column %d: %s", line, col, strings.TrimPrefix(syntax.Error(), "json: ")),
			Details: map[string]any{"line": line, "column": col, "offset": syntax.Offset}, Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(body, int64(len(body)))
		return &apierror.Error{Status: http.StatusBadRequest, Code: apierror.CodeMalformedJSON,
			Message: fmt.Sprintf("malformed JSON: the body ends at line %d, column %d in the middle of a value", line, col),
			Details: map[string]any{"line": line, "column": col, "offset": len(body)}, Err: err}
	case errors.As(err, &typ):
		line, col := position(body, typ.Offset)
		field := typ.Field
		if field == "" {
			return apierror.BadRequest("", "the request body must be a JSON object, not %s", article(typ.Value))
		}
		return apierror.BadRequest(field, "field %q must be %s, not %s (line %d, column %d)", field, jsonKind(typ.Type.Kind().String()), article(typ.Value), line, col)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if unquoted, err := strconv.Unquote(name); err == nil {
			name = unquoted
		}
		return &apierror.Error{Status: http.StatusBadRequest, Code: apierror.CodeUnknownField,
			Message: fmt.Sprintf("unknown field %q", name), Details: map[string]any{"field": name}}
	}
	return apierror.BadRequest("", "invalid JSON: %v", strings.TrimPrefix(err.Error(), "json: "))
}

// position turns a byte offset into a 1-based line and column.
func position(body []byte, offset int64) (line, col int) {
	offset = max(0, min(offset, int64(len(body))))
	before := body[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// article names a JSON value kind as the decoder reports it, with an
// article: "a string", "an array".
func article(kind string) string {
	if fields := strings.Fields(kind); len(fields) > 0 {
		kind = fields[0] // "number 1.5" → "number"
	}
	switch kind {
	case "array", "object":
		return "an " + kind
	case "null":
		return "null"
	}
	return "a " + kind
}

// jsonKind names the JSON kind a Go kind decodes from.
func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return "a " + goKind
}
