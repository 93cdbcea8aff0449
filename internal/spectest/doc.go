// Package spectest runs test specs: JSON (or YAML) files that name a state machine
// definition, mocks for its Task states and cases, each an input with the
// expected status, output, error, states entered, per-state input and
// output, and Task invocation counts. `stepwise test SPEC` is its command.
//
// A spec's path through the package:
//
//   - Load (spec.go, with fields.go for reading JSON fields and expect.go
//     for a case's expectations) reads the spec, checks the definition
//     (definition.go) and reads the mock configuration; mocks.go turns
//     each case's inline mocks into a test case of one mock configuration
//     (mockconfig.Parse validates them) and makes the Tasks a case does
//     not mock fail unless it allows real calls. A bad spec is a
//     *SpecError naming the file and JSON pointer.
//   - Run (run.go) runs each case in memory on asl/runner's virtual clock
//     (memory.go) or, with Options.Engine, durably on the engine
//     (durable.go), and turns what happened into an outcome (outcome.go).
//   - check.go compares an outcome with the case's expectations, using the
//     JSON subset match of match.go.
//   - report.go writes the readable report, with expected-versus-got
//     diffs of indented JSON (diff.go); junit.go writes JUnit XML.
package spectest
