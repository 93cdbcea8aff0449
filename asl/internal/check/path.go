package check

import (
	"fmt"

	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
)

// pathKind says which paths a field accepts.
type pathKind int

const (
	// anyPath is a Path: it may select many nodes.
	anyPath pathKind = iota
	// referencePath names exactly one node.
	referencePath
	// resultPath is a Reference Path into the state input: no context
	// object and no variables.
	resultPath
)

// checkPath compiles src as a path of the given kind with package
// jsonpath, which owns the path syntax: "$" and "$$" paths and variable
// references ($name, $name.field).
func checkPath(src string, kind pathKind) error {
	p, err := jsonpath.Compile(src)
	if err != nil {
		return err
	}
	if kind == resultPath && p.Context() {
		return fmt.Errorf("%q points into the context object, which is read-only", src)
	}
	if kind == resultPath && p.Variable() != "" {
		return fmt.Errorf("%q refers to variable $%s; a ResultPath must point into the state input", src, p.Variable())
	}
	if kind != anyPath && !p.Definite() {
		return fmt.Errorf("%q is not a reference path: it may select more than one node", src)
	}
	return nil
}
