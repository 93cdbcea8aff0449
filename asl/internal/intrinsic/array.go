package intrinsic

import (
	"math"
	"strconv"
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// maxRange is the most items States.ArrayRange may produce.
const maxRange = 1000

// array returns its arguments as an array.
func array(_ *Call, _ *Env, args []any) (any, error) {
	return args, nil
}

// arrayPartition splits an array into chunks of the given size; the last
// chunk may be shorter.
func arrayPartition(c *Call, _ *Env, args []any) (any, error) {
	a, size := args[0].([]any), args[1].(int64)
	if size < 1 {
		return nil, invalid(c.fn.name, "the chunk size must be a positive integer, not %d", size)
	}
	chunks := make([]any, 0, (int64(len(a))+size-1)/size)
	for i := 0; i < len(a); i += int(size) {
		j := min(i+int(size), len(a))
		chunks = append(chunks, a[i:j:j])
	}
	return chunks, nil
}

// arrayContains reports whether an array holds a value equal to the second
// argument.
func arrayContains(c *Call, _ *Env, args []any) (any, error) {
	for _, e := range args[0].([]any) {
		if jsonvalue.Equal(e, args[1]) {
			return true, nil
		}
	}
	return false, nil
}

// arrayRange returns the integers from start to end, both included, going
// by step.
func arrayRange(c *Call, _ *Env, args []any) (any, error) {
	start, end, step := args[0].(int64), args[1].(int64), args[2].(int64)
	if step == 0 {
		return nil, invalid(c.fn.name, "the step must not be 0")
	}
	count := int64(0)
	switch {
	case step > 0 && start <= end:
		count = (end-start)/step + 1
	case step < 0 && start >= end:
		count = (start-end)/-step + 1
	}
	if count > maxRange {
		return nil, invalid(c.fn.name, "the range would have %d items, more than the limit of %d", count, maxRange)
	}
	out := make([]any, count)
	for i := range out {
		out[i] = start + int64(i)*step
	}
	return out, nil
}

// arrayGetItem returns the item of an array at an index.
func arrayGetItem(c *Call, _ *Env, args []any) (any, error) {
	a, i := args[0].([]any), args[1].(int64)
	if i < 0 {
		return nil, invalid(c.fn.name, "the index %d is negative", i)
	}
	if len(a) == 0 {
		// AWS returns null for any index of an empty array.
		return nil, nil
	}
	if i >= int64(len(a)) {
		return nil, invalid(c.fn.name, "the index %d is out of bounds for an array of length %d", i, len(a))
	}
	return a[i], nil
}

// arrayLength returns the number of items of an array.
func arrayLength(c *Call, _ *Env, args []any) (any, error) {
	return int64(len(args[0].([]any))), nil
}

// arrayUnique returns the distinct items of an array, in the order they
// first appear.
func arrayUnique(c *Call, _ *Env, args []any) (any, error) {
	a := args[0].([]any)
	seen := make(map[string]bool, len(a))
	out := make([]any, 0, len(a))
	for _, e := range a {
		var b strings.Builder
		writeKey(&b, e)
		if k := b.String(); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out, nil
}

// writeKey writes a text that is the same for two values exactly when
// jsonvalue.Equal holds for them.
func writeKey(b *strings.Builder, v any) {
	switch t := v.(type) {
	case []any:
		b.WriteByte('[')
		for _, e := range t {
			writeKey(b, e)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for _, k := range jsonvalue.SortedKeys(t) {
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			writeKey(b, t[k])
			b.WriteByte(',')
		}
		b.WriteByte('}')
	case string:
		b.WriteString(strconv.Quote(t))
	default:
		if f, ok := jsonvalue.Number(v); ok {
			if f == 0 {
				f = 0 // -0 equals 0
			}
			if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
				b.WriteString(strconv.FormatInt(int64(f), 10))
				return
			}
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
			return
		}
		b.WriteString(jsonvalue.String(v))
	}
}
