package intrinsic

import (
	"fmt"
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// template is a States.Format template: the literal text around each {}
// placeholder. A template with n placeholders has n+1 parts.
type template struct {
	parts []string
}

// placeholders returns the number of {} in the template.
func (t *template) placeholders() int { return len(t.parts) - 1 }

// parseTemplate splits raw template text at its {} placeholders. A backslash
// escapes ', {, } and \; any other backslash stands for itself (literals
// with other escapes are rejected by Parse, so this only concerns templates
// read from the input). A brace that is neither escaped nor part of {} is an
// error.
func parseTemplate(raw string) (*template, error) {
	var parts []string
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw) && strings.IndexByte(`'{}\`, raw[i+1]) >= 0:
			i++
			b.WriteByte(raw[i])
		case c == '{' && i+1 < len(raw) && raw[i+1] == '}':
			i++
			parts = append(parts, b.String())
			b.Reset()
		case c == '{' || c == '}':
			return nil, fmt.Errorf("the template has an unmatched '%c' at offset %d; write \\%c for a literal brace", c, i, c)
		default:
			b.WriteByte(c)
		}
	}
	return &template{parts: append(parts, b.String())}, nil
}

// render replaces the placeholders with the formatted values, which must be
// as many as the placeholders.
func (t *template) render(values []any) string {
	var b strings.Builder
	b.WriteString(t.parts[0])
	for i, v := range values {
		formatValue(&b, v)
		b.WriteString(t.parts[i+1])
	}
	return b.String()
}

// formatValue writes v as AWS renders a States.Format argument: strings as
// they are, numbers, booleans and null as JSON, arrays as [a, b] and objects
// as {k=v, k2=v2} (the Java rendering of the JVM that runs AWS), recursively.
// Object keys come in byte order since the value model does not keep the
// input order.
func formatValue(b *strings.Builder, v any) {
	switch t := v.(type) {
	case string:
		b.WriteString(t)
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteString(", ")
			}
			formatValue(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range jsonvalue.SortedKeys(t) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			formatValue(b, t[k])
		}
		b.WriteByte('}')
	default:
		b.WriteString(jsonvalue.String(v))
	}
}
