package asl

import "fmt"

// Limits of the definitions Validate accepts. AWS Step Functions refuses
// definitions over 1 MB; the nesting limit is Stepwise's own: checking the
// JSON Schema costs time that grows much faster than the nesting (a Choice
// rule of 1,000 nested Nots took minutes), and no real definition nests
// anywhere near 64 levels of JSON objects and arrays.
const (
	// MaxDefinitionSize is the largest definition, in bytes: 1 MiB.
	MaxDefinitionSize = 1 << 20
	// MaxDefinitionDepth is the deepest nesting of JSON objects and arrays
	// in a definition, counting the definition's own object as 1.
	MaxDefinitionDepth = 64
)

// Codes of the diagnostics of definitions over the limits.
const (
	CodeDefinitionTooLarge = "DEFINITION_TOO_LARGE"
	CodeDefinitionTooDeep  = "DEFINITION_TOO_DEEP"
)

// CheckLimits reports a definition over MaxDefinitionSize or
// MaxDefinitionDepth, reading it once without decoding it; nil means
// within the limits.
func CheckLimits(definition []byte) []Diagnostic {
	if len(definition) > MaxDefinitionSize {
		return []Diagnostic{{Code: CodeDefinitionTooLarge, Message: fmt.Sprintf(
			"the definition has %d bytes, more than the limit of %d", len(definition), MaxDefinitionSize)}}
	}
	depth, inString, escaped := 0, false, false
	for i, b := range definition {
		switch {
		case escaped:
			escaped = false
		case inString:
			escaped = b == '\\'
			inString = b != '"'
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			depth++
			if depth > MaxDefinitionDepth {
				return []Diagnostic{{Code: CodeDefinitionTooDeep, Message: fmt.Sprintf(
					"the definition nests objects and arrays more than %d deep (at byte %d)", MaxDefinitionDepth, i)}}
			}
		case b == '}' || b == ']':
			depth--
		}
	}
	return nil
}
