// Package sfn serves the AWS Step Functions JSON protocol (awsJson1_0) on
// POST /: every call names its operation in the X-Amz-Target header, with
// a JSON body in and out. Field names, enumerations and error types follow
// AWS's API reference so that the official SDKs and the CLI work unchanged
// against an --endpoint-url. Register adds it to an echo server behind an
// authorization function (the server's Config.Authorize).
//
// Files:
//
//   - sfn.go: Register, the endpoint, the table of operations, the
//     operations Stepwise does not serve and why;
//   - errors.go: the protocol layer's AWS errors and the mapping of
//     engine errors through the shared table (web/internal/apierror), and
//     of refused requests (web/internal/auth) to AWS's error types;
//   - wire.go: the protocol's field conventions (epoch times, absent
//     strings), page tokens (web/internal/pagetoken, InvalidToken when
//     bad) and ARNs (internal/arn, InvalidArn when bad);
//   - validate.go: request validation against the service model's
//     constraints, answered as AWS does ("2 validation errors detected:
//     Value 'x' at 'name' failed to satisfy constraint: …; …");
//   - machines.go, executions.go, history.go, activities.go: the
//     operations. History events are mapped with internal/history's
//     constants;
//   - versions.go, aliases.go: published versions and aliases (see
//     engine/versions.go and engine/aliases.go); version and alias ARNs
//     are taken by the start operations, DescribeStateMachine (versions)
//     and ListExecutions;
//   - teststate.go: TestState, whose request and answer are the engine's
//     (engine.TestStateInput, engine.TestStateResult), in AWS's shape.
//
// Every read and write goes through the engine's public API.
package sfn
