package asl

import (
	"errors"

	"github.com/stepwise-run/stepwise/asl/internal/check"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Diagnostic is one problem in a definition: a stable Code, a JSON Pointer
// to where it is, and a Message saying what is wrong.
type Diagnostic = check.Diagnostic

// Validate checks a definition as AWS ValidateStateMachineDefinition does
// and returns every problem found; none means the definition is valid. It
// applies the ASL JSON Schema, then semantic rules (transitions, reachability,
// error names, paths), then compiles the definition (templates, intrinsic
// functions, Choice rules). Definitions over MaxDefinitionSize or
// MaxDefinitionDepth are refused first, unread. A valid definition using a
// feature Stepwise does not run yet (JSONata) passes validation; Parse
// reports it.
func Validate(definition []byte) []Diagnostic {
	if diags := CheckLimits(definition); len(diags) > 0 {
		return diags
	}
	raw, err := jsonvalue.Decode(definition)
	if err != nil {
		return []Diagnostic{{Code: "INVALID_JSON", Pointer: "", Message: "the definition is not valid JSON: " + err.Error()}}
	}
	if diags := check.Schema(raw); len(diags) > 0 {
		return diags
	}
	if diags := check.Semantic(raw); len(diags) > 0 {
		return diags
	}
	if _, err := ParseValue(raw); err != nil {
		var pe *ParseError
		if errors.As(err, &pe) && pe.Code == CodeUnsupported {
			return nil
		}
		return []Diagnostic{parseDiagnostic(err)}
	}
	return nil
}

func parseDiagnostic(err error) Diagnostic {
	var pe *ParseError
	if errors.As(err, &pe) {
		code := pe.Code
		if code == "" {
			code = "INVALID_DEFINITION"
		}
		return Diagnostic{Code: code, Pointer: pe.Pointer, Message: pe.Message}
	}
	return Diagnostic{Code: "INVALID_DEFINITION", Message: err.Error()}
}
