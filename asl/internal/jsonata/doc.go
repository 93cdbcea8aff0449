// Package jsonata evaluates JSONata expressions as AWS Step Functions does.
//
// Three evaluators share one Expr, tried in turn:
//
//   - direct.go, the fast path: the expression's parse tree (the Go
//     port's parser, jparse) compiled into Go closures that evaluate a
//     subset of JSONata on the JSON value model with no reflection and
//     few allocations: literals, $variables ($, $$, the bindings), paths
//     (steps of names, variables, blocks, object constructors and
//     function calls) with 2.x's sequence rules, blocks, object and array
//     constructors, + - * / %, comparisons, and, or, ?:, unary minus, &
//     and $string (of strings, booleans, null and integers), and calls of
//     $sum, $count, $max, $min, $average, $exists, $boolean, $not,
//     $length, $uppercase, $lowercase, $abs, $floor, $ceil, $join,
//     $contains, $append and AWS's functions but $random and $uuid
//     (direct_eval.go and direct_functions.go follow jsonata.js for each).
//     It is exact or it declines: an expression with anything else is not
//     compiled for it, and an evaluation that would fail, or whose result
//     it is not sure of (a type it does not handle, a number that is not
//     finite or that JavaScript would round, an array input), is handed,
//     undone, to the native evaluator, or to the reference when the
//     expression has no native form (an expression with & or $string
//     keeps its Fallback reason: the number formatting it names is still
//     the reference's).
//   - native.go, the general path: github.com/blues/jsonata-go (v1.5.4, a
//     Go port of JSONata 1.x, MIT licensed), wrapped so that it behaves as
//     2.x does where Step Functions needs it: AWS's functions and $now
//     and $millis are Go functions bound per evaluation
//     (native_functions.go); JSON nulls are passed in the port's own form
//     and results are converted back with numbers as the reference's JSON
//     text decodes (integers that fit int64 become int64).
//   - reference.go, the oracle: the reference implementation, the jsonata
//     npm package (2.2.2, MIT licensed, embedded as third_party/jsonata.js
//     with its LICENSE and made synchronous at load: see synchronous), in
//     goja, a JavaScript engine written in Go. It is about a hundred times
//     slower.
//
// Compile checks the syntax on the reference (its errors are the ones AWS
// quotes) and compiles the expression natively, once per definition
// version. An expression the native evaluator cannot run as 2.x does falls
// back to the reference (Expr.Fallback says why; fallback.go counts them
// for the stepwise_jsonata_fallbacks_total metric and the engine logs
// them once per machine version): function definitions (only the
// reference bounds recursion and run time; a native evaluation cannot be
// interrupted), the ~> operator (the port rewrites its syntax tree while
// evaluating), & and $string (2.x renders numbers with 15 significant
// digits), $keys, $spread, $each, $sift and wildcards (Go maps have no
// key order), sorting (unstable in the port), the @ and # binding
// operators (missing from the port) and picture formatting ($formatNumber
// can loop forever in the port).
//
// A native evaluation that fails (an error, or a panic of the port) is
// evaluated again on the reference, whose error (code and message, as AWS
// quotes them: "CODE: message") is returned; failures are rare, so their
// cost does not matter. The port stores each call's context in its shared
// built-in function values, so evaluations that call built-in functions
// are serialized (builtins); expressions that only read their input and
// bindings run in parallel.
//
// differential.go holds the differential check: Compare evaluates an
// expression on every evaluator. TestDifferentialCorpus replays every
// evaluation of the conformance corpus's JSONata cases (offline) and
// TestDifferentialSuite the official JSONata test suite (when JSONATA_SUITE
// points at jsonata-js's test/test-suite); both fail on any difference not
// listed, with its reason, in testdata/known-differences.json, and on any
// difference at all of the direct evaluator's. suite.sh
// runs jsonata's own mocha test file on the reference in goja and on node.
//
// An Expr is compiled once, when a definition is parsed, and evaluated
// many times with the input and bindings ($states and the workflow
// variables). Randomness and the clock ($now, $millis, $random, $uuid)
// come from the Env the caller passes, never from globals.
//
// An evaluation is bounded: on the reference, DefaultTimeout (or
// Env.Timeout) of run time, a call depth past which a runaway recursion
// fails with JSONata's U1001, and a result size; natively and directly,
// the result size (what could run long or deep falls back to the
// reference; the direct evaluator has no loops but over its data).
//
// goja runtimes are not safe for concurrent use; the package keeps a small
// pool of them, each holding the compiled forms of the expressions it has
// evaluated. The pool is a cache: it never changes a result.
package jsonata
