// Package jsonata evaluates JSONata expressions as AWS Step Functions does.
//
// It runs the reference implementation, the jsonata npm package (2.2.2,
// MIT licensed, embedded as third_party/jsonata.js (with its LICENSE) and made synchronous at load: see
// synchronous), inside goja, a JavaScript engine written in Go. The Go ports (blues/jsonata-go,
// xiatechs/jsonata-go and the others published) could not be fetched from
// the module proxy where this was built, so the embedding was measured
// instead: suite.sh runs jsonata's own test file (the one jsonata 1.0.10
// ships, 734 cases, from which the language-neutral test suite was later
// generated) on goja and on node with the same jsonata 2.2.2. Both pass
// 574 of 729 (5 skipped: they hook 1.x internals) and agree on every case;
// the failures are JSONata 1.0 -> 2.x changes. suite_test.go also runs
// the language-neutral suite (jsonata-js test/test-suite) when
// JSONATA_SUITE points at it.
//
// An Expr is compiled once, when a definition is parsed, and evaluated
// many times with the input and bindings ($states and the workflow
// variables). AWS's extra functions ($partition, $range, $hash, $random,
// $uuid, $parse) are bound on every evaluation; randomness and the clock
// ($now, $millis, $random, $uuid) come from the Env the caller passes,
// never from globals.
//
// An evaluation is bounded: DefaultTimeout (or Env.Timeout) of run time,
// a call depth past which a runaway recursion fails with JSONata's U1001,
// and a result size; a runtime interrupted by the time limit is dropped.
//
// goja runtimes are not safe for concurrent use; the package keeps a small
// pool of them, each holding the compiled forms of the expressions it has
// evaluated. The pool is a cache: it never changes a result.
package jsonata
