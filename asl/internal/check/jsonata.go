package check

import "github.com/stepwise-run/stepwise/asl/internal/jsonata"

// checkJSONata reports whether src is a syntactically valid JSONata
// expression, using the parser of the JSONata implementation the engine
// evaluates with, so validation and execution never disagree.
func checkJSONata(src string) error {
	_, err := jsonata.Compile(src)
	return err
}
