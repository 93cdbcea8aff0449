// Package check validates Amazon States Language definitions before they
// are parsed, the way the AWS ValidateStateMachineDefinition API does.
//
// Validation has two layers, and each reports every problem it finds rather
// than stopping at the first:
//
//   - Schema checks the structure of the definition against a JSON Schema of
//     the language (asl.schema.json, embedded in the package): required and
//     allowed fields of every state type in JSONPath and JSONata mode, value
//     types and ranges, and fields that exclude each other.
//   - Semantic checks the rules a schema cannot express: transition targets
//     and their scopes, reachability, terminal states, unique state names,
//     error names in retriers and catchers, JSONPath syntax, payload
//     templates, timestamps and JSONata expression syntax.
//
// Both take the decoded definition (the value model of package jsonvalue)
// and return Diagnostics that carry a stable code and a JSON pointer to the
// offending value. Semantic tolerates definitions that fail Schema: it
// checks what it can and skips values of the wrong shape.
package check
