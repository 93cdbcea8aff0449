// Package jsonata evaluates JSONata expressions as AWS Step Functions does.
//
// It runs the reference implementation, the jsonata npm package (2.x,
// MIT licensed, embedded as jsonata.min.js), inside goja, a JavaScript
// engine written in Go. The choice was made by measurement: the Go ports
// could not be obtained here and cover JSONata 1.x; the reference code
// passes the official test suite (see suite_test.go for the harness and
// the figure).
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
