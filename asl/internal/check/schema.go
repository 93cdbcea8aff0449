package check

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

//go:embed asl.schema.json
var schemaText []byte

// schemaURL names the embedded schema inside the compiler.
const schemaURL = "asl.schema.json"

// compiledSchema is the embedded schema, compiled, with its raw text kept to
// look up the descriptions that word messages of oneOf, anyOf and not.
type compiledSchema struct {
	schema *jsonschema.Schema
	raw    any
}

// loadSchema compiles the embedded schema the first time it is called. The
// result never changes afterwards.
var loadSchema = sync.OnceValue(func() *compiledSchema {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	if err := c.AddResource(schemaURL, bytes.NewReader(schemaText)); err != nil {
		panic(fmt.Sprintf("check: embedded schema: %v", err))
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		panic(fmt.Sprintf("check: embedded schema: %v", err))
	}
	var raw any
	if err := json.Unmarshal(schemaText, &raw); err != nil {
		panic(fmt.Sprintf("check: embedded schema: %v", err))
	}
	return &compiledSchema{schema: s, raw: raw}
})

// Schema validates the structure of def, a definition decoded by
// jsonvalue.Decode, against the embedded ASL JSON Schema. It returns every
// violation found, each with code CodeSchema, or nil when def conforms.
func Schema(def any) []Diagnostic {
	s := loadSchema()
	err := s.schema.Validate(def)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Diagnostic{{Code: CodeSchema, Message: err.Error()}}
	}
	var out []Diagnostic
	s.collect(ve, def, &out)
	return sortDiagnostics(out)
}

// collect turns the error tree into diagnostics. A failed oneOf, anyOf or
// not is one problem, worded by the description next to it in the schema;
// other nodes report their leaves.
func (s *compiledSchema) collect(ve *jsonschema.ValidationError, def any, out *[]Diagnostic) {
	keyword := lastToken(ve.KeywordLocation)
	at := instancePointer(ve.InstanceLocation)
	switch {
	case keyword == "oneOf" || keyword == "anyOf" || keyword == "not":
		*out = append(*out, schemaDiagnostic(at, s.explain(ve)))
	case len(ve.Causes) > 0:
		for _, c := range ve.Causes {
			s.collect(c, def, out)
		}
	case keyword == "additionalProperties":
		for _, name := range quotedNames(ve.Message) {
			if jsonPathOnly[name] && inJSONata(def, at) {
				*out = append(*out, Diagnostic{
					Code:    CodeJSONPathInJSONata,
					Pointer: join(at, name),
					Message: fmt.Sprintf("%s: field %q is a JSONPath field, not allowed when the QueryLanguage is JSONata; use Arguments, Output or Assign with {%% %%} expressions", describe(at), name),
				})
				continue
			}
			*out = append(*out, Diagnostic{
				Code:    CodeSchema,
				Pointer: join(at, name),
				Message: fmt.Sprintf("%s: field %q is not allowed%s", describe(at), name, inType(def, at)),
			})
		}
	case keyword == "required":
		for _, name := range quotedNames(ve.Message) {
			*out = append(*out, schemaDiagnostic(at,
				fmt.Sprintf("missing required field %q%s", name, inType(def, at))))
		}
	default:
		*out = append(*out, schemaDiagnostic(at, ve.Message))
	}
}

func schemaDiagnostic(at, what string) Diagnostic {
	return Diagnostic{Code: CodeSchema, Pointer: at, Message: describe(at) + ": " + what}
}

// explain returns the description of the schema that holds the failed
// keyword, or the library's message when it has none.
func (s *compiledSchema) explain(ve *jsonschema.ValidationError) string {
	loc := ve.AbsoluteKeywordLocation
	if i := strings.IndexByte(loc, '#'); i >= 0 {
		loc = loc[i+1:]
	}
	toks := splitPointer(loc)
	if len(toks) == 0 {
		return ve.Message
	}
	node := s.raw
	for _, t := range toks[:len(toks)-1] {
		node = child(node, t)
	}
	if m, ok := node.(map[string]any); ok {
		if d, ok := m["description"].(string); ok {
			return d
		}
	}
	return ve.Message
}

// child steps into an object member or array element of a decoded value.
func child(v any, token string) any {
	switch t := v.(type) {
	case map[string]any:
		return t[token]
	case []any:
		i, err := strconv.Atoi(token)
		if err != nil || i < 0 || i >= len(t) {
			return nil
		}
		return t[i]
	}
	return nil
}

// inType words the type of the state at pointer p, for messages about its
// fields: ` in a Pass state`.
// jsonPathOnly are the fields only JSONPath states have.
var jsonPathOnly = map[string]bool{
	"InputPath": true, "OutputPath": true, "ResultPath": true, "Parameters": true, "ResultSelector": true,
	"ItemsPath": true, "SecondsPath": true, "TimestampPath": true, "ErrorPath": true, "CausePath": true,
	"MaxConcurrencyPath": true, "ToleratedFailureCountPath": true, "ToleratedFailurePercentagePath": true,
	"TimeoutSecondsPath": true, "HeartbeatSecondsPath": true, "Variable": true,
}

// inJSONata reports whether the object at p (a state, rule or catcher)
// uses JSONata: the nearest QueryLanguage on the way down from the root
// says.
func inJSONata(def any, p string) bool {
	lang := jsonPathMode
	node := def
	check := func() {
		if m, ok := node.(map[string]any); ok {
			if l, ok := m["QueryLanguage"].(string); ok {
				lang = l
			}
		}
	}
	check()
	for _, t := range splitPointer(p) {
		node = child(node, t)
		check()
	}
	return lang == jsonataMode
}

func inType(def any, p string) string {
	node := def
	for _, t := range splitPointer(p) {
		node = child(node, t)
	}
	m, ok := node.(map[string]any)
	if !ok {
		return ""
	}
	if typ, ok := m["Type"].(string); ok {
		return " in a " + typ + " state"
	}
	return ""
}

// instancePointer converts the library's instance location, whose tokens
// are URL-path-escaped, into a plain JSON pointer.
func instancePointer(loc string) string {
	if loc == "" {
		return ""
	}
	parts := strings.Split(strings.TrimPrefix(loc, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	return "/" + strings.Join(parts, "/")
}

func lastToken(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// quotedNames extracts the single-quoted names the library lists in its
// additionalProperties and required messages.
func quotedNames(msg string) []string {
	var names []string
	for i := 0; i < len(msg); i++ {
		if msg[i] != '\'' {
			continue
		}
		var b strings.Builder
		j := i + 1
		for ; j < len(msg) && msg[j] != '\''; j++ {
			if msg[j] == '\\' && j+1 < len(msg) {
				j++
				b.WriteString(unescapeQuoted(msg[j]))
				continue
			}
			b.WriteByte(msg[j])
		}
		names = append(names, b.String())
		i = j
	}
	return names
}

// unescapeQuoted undoes the Go escapes the library leaves in quoted names.
func unescapeQuoted(c byte) string {
	switch c {
	case 'n':
		return "\n"
	case 't':
		return "\t"
	case 'r':
		return "\r"
	}
	return string(c)
}
