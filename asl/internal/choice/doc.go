// Package choice compiles and evaluates the rules of an ASL Choice state in
// JSONPath mode.
//
// Parse turns one decoded rule object into an immutable *Rule: every path
// is compiled, every literal checked and converted (timestamps parsed,
// StringMatches patterns split into their literal parts), so a bad rule
// fails at load with its JSON pointer and Match does no parsing of the
// definition.
//
// Match follows AWS Step Functions:
//
//   - A comparison whose Variable value (or *Path operand value) has the
//     wrong type for the operator is false, never an error.
//   - IsPresent is false when the Variable path finds nothing. For every
//     other operator a Variable or *Path operand that finds nothing raises
//     States.Runtime with the cause "Invalid path '<path>': The choice
//     state's condition path references an invalid value." (the engine adds
//     the "An error occurred while executing the state ..." prefix).
//   - Paths that start with "$$" read the context object.
//   - Numbers compare exactly across int64 and float64; strings compare by
//     Unicode code point; timestamps are RFC 3339 with an uppercase T and
//     either an uppercase Z or a numeric offset, fractional seconds allowed.
//   - StringMatches treats '*' as a wildcard for any run of characters;
//     "\*" is a literal star and "\\" a literal backslash.
//   - And and Or evaluate their rules in order and stop at the first that
//     decides the result.
//
// JSONata rules (a Condition field) and Assign on a rule are reported as
// unsupported: the ParseError wraps ErrUnsupported.
package choice
