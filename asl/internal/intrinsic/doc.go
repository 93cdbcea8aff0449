// Package intrinsic parses and evaluates the intrinsic functions of Amazon
// States Language, such as States.Format('Hello {}', $.name), the way AWS
// Step Functions does in the "key.$" fields of Parameters, ResultSelector and
// the other payload templates of JSONPath states.
//
// A definition is parsed once with Parse, at load time; the resulting *Call is
// immutable and is evaluated many times with Eval.
//
// # What fails when
//
// Parse rejects what AWS rejects when a state machine is created: text that
// is not a call (including white space before "States."), unknown function
// names, malformed arguments and literals, unknown escape sequences in string
// literals, JSONPaths that do not compile, and calls nested more than ten
// deep. A *ParseError tells what is wrong and at which character.
//
// Everything else is checked when the call is evaluated, as AWS does: the
// number of arguments, their types, the {} placeholders of States.Format
// (even for a literal template), and the limits of each function. These
// failures are *failure.Error values named States.Runtime with a cause that
// starts "Invalid arguments in States.X", which is what AWS records (the
// language specification reserves States.IntrinsicFailure, but AWS does not
// use it). A JSONPath argument that selects nothing fails with States.Runtime
// too, with AWS's "could not be found in the input" message.
//
// # Numbers
//
// AWS runs on the JVM: integer arguments are Java ints. States.MathAdd rounds
// fractional arguments half up (Java's Math.round); States.ArrayRange,
// States.ArrayPartition, States.ArrayGetItem and States.MathRandom truncate
// them toward zero.
//
// # Arguments
//
// Arguments are string literals in single quotes (with the escapes \', \{,
// \} and \\), numbers, true, false, null, JSONPaths on the input ($...), on
// the context object ($$...) or on a workflow variable ($name...), and nested
// calls.
package intrinsic
