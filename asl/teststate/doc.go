// Package teststate evaluates one state of a definition on its own, as
// AWS Step Functions' TestState API does, without an execution: no
// history, no database, no timer. It drives the pure step function of
// package asl (Enter, then Complete or Failed) once, and reports the
// outcome as TestState's status — SUCCEEDED with the next state,
// FAILED, RETRIABLE while a Retry would run the state again, or
// CAUGHT_ERROR when a Catch handles the error — with the inspection data
// of the requested level.
//
// A Task, Parallel or Map state takes its result from a Mock when one is
// given. Without a mock, a Task's call goes to Request.Tasks, and a
// Parallel's branches or a Map's iterations run in memory with package
// asl/runner, their own Tasks going to Request.Tasks too. A Wait state
// does not wait.
//
// The path of a request: Evaluate checks the request (check.go), enters
// the state and obtains the result of its work (evaluate.go, mock.go),
// then renders the decision as a Result (result.go) with the inspection
// data (inspect.go).
package teststate
