// Package rest is Stepwise's REST API under /v1: state machines,
// executions and their history, activities, connections, task
// callbacks and TestState (the web package documentation lists the endpoints and
// errors). Handlers decode a request, call the engine and encode its
// answer; an error goes back to the server's error handler, which answers
// it with the shared error table (web/internal/apierror).
//
// Files:
//
//   - rest.go: Register (the routes), Config, and LimitBody, the body
//     limit that every /v1 route has with the auth middleware
//     (web/internal/auth);
//   - decode.go: strict JSON bodies with precise errors;
//   - params.go: path and query parameters, cursors (web/internal/pagetoken)
//     and name-ordered pages;
//   - machines.go, executions.go, activities.go, connections.go, tasks.go,
//     teststate.go: the endpoints
//     and their response types (StateMachine, Version, Execution, Event,
//     History, Resources, which the web package re-exports).
//
// The viewer (web/viewer) builds on ExecutionARN, LimitParam, BoolParam,
// ExecutionDescription, EventOf and RawJSON.
package rest
