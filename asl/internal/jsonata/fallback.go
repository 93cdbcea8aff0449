package jsonata

import "sync/atomic"

// fallbacks counts the expressions compiled in this process that fall
// back to the reference (see Expr.Fallback). It is a count the process
// reports as a metric, never an input to an evaluation.
var fallbacks atomic.Int64

// Fallbacks returns how many expressions compiled in this process fall
// back to the reference evaluator.
func Fallbacks() int64 { return fallbacks.Load() }

// FallbackReason returns why src would be evaluated by the reference
// instead of natively, "" when it would be evaluated natively; it does
// not count.
func FallbackReason(src string) string {
	_, why := compileNative(src)
	return why
}
