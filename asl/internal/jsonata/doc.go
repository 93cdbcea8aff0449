// Package jsonata evaluates JSONata expressions as AWS Step Functions does.
//
// It runs the reference implementation, the jsonata npm package (2.2.2,
// MIT licensed, embedded as jsonata.min.js), inside goja, a JavaScript
// engine written in Go. The Go ports (blues/jsonata-go,
// xiatechs/jsonata-go) could not be fetched from the module proxy where
// this was built, so they could not be measured; suite_test.go runs the
// official JSONata test suite against this package when JSONATA_SUITE
// points at it.
//
// An Expr is compiled once, when a definition is parsed, and evaluated
// many times with the input and bindings ($states and the workflow
// variables). AWS's extra functions ($partition, $range, $hash, $random,
// $uuid, $parse) are bound on every evaluation; randomness and the clock
// ($now, $millis, $random, $uuid) come from the Env the caller passes,
// never from globals.
//
// goja runtimes are not safe for concurrent use; the package keeps a small
// pool of them, each holding the compiled forms of the expressions it has
// evaluated. The pool is a cache: it never changes a result.
package jsonata
