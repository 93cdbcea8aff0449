// Package conformance runs the ASL conformance corpus (package
// asl/conformance) on the durable engine: each case becomes a state
// machine and an execution in PostgreSQL, driven by River like any other
// execution and on the real clock, so Wait states and Retry intervals take
// their recorded time.
//
// Executor runs one case at a time; Run starts a whole batch of cases
// before waiting for any of them, which is how the corpus runs in seconds.
// Differences compares two runs of the same cases (in memory and durable)
// and lists every case whose verdict differs.
package conformance
