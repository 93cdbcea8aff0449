// Package examples holds the example state machines' definitions and
// inputs, embedded so that programs run them from any directory.
package examples

import (
	"embed"
	"fmt"
)

//go:embed */definition.asl.json */input.json
var files embed.FS

// Definition returns the ASL definition of the example named name (a
// folder of examples/, such as "order-saga").
func Definition(name string) (string, error) {
	return read(name, "definition.asl.json")
}

// Input returns the example's sample input.
func Input(name string) (string, error) {
	return read(name, "input.json")
}

func read(name, file string) (string, error) {
	b, err := files.ReadFile(name + "/" + file)
	if err != nil {
		return "", fmt.Errorf("no example %q: %w", name, err)
	}
	return string(b), nil
}
