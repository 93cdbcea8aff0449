package conformance_test

import (
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/conformance"
)

func conformanceValidate(c *conformance.Case) []asl.Diagnostic {
	return asl.Validate(c.Definition)
}
