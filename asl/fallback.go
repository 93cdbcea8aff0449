package asl

import (
	"github.com/stepwise-run/stepwise/asl/internal/jsonata"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// JSONataFallback is a JSONata expression of a definition that is
// evaluated by the reference evaluator (jsonata 2.2.2 in JavaScript,
// about a hundred times slower) instead of natively in Go.
type JSONataFallback struct {
	Expression string
	// Reason says what the native evaluator does not support.
	Reason string
}

// JSONataFallbacks lists the JSONata expressions of a definition (every
// "{% … %}" string) that fall back to the reference evaluator, in
// definition order with object keys sorted; nil when the definition is
// not JSON. A caller logs them once per definition version.
func JSONataFallbacks(definition []byte) []JSONataFallback {
	raw, err := jsonvalue.Decode(definition)
	if err != nil {
		return nil
	}
	var out []JSONataFallback
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case string:
			if isExpression(t) {
				if why := jsonata.FallbackReason(expressionBody(t)); why != "" {
					out = append(out, JSONataFallback{Expression: expressionBody(t), Reason: why})
				}
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		case map[string]any:
			for _, k := range jsonvalue.SortedKeys(t) {
				walk(t[k])
			}
		}
	}
	walk(raw)
	return out
}

// JSONataFallbackCount returns how many JSONata expressions this process
// has compiled for the reference evaluator (see JSONataFallback), for a
// metric.
func JSONataFallbackCount() int64 { return jsonata.Fallbacks() }
