package intrinsic

import (
	"math"
	"math/rand/v2"

	"github.com/stepwise-run/stepwise/asl/internal/failure"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// mathRandom returns a random integer from start (included) to end
// (excluded). With a seed the result depends only on the arguments; without
// one it comes from Env.Rand.
func mathRandom(c *Call, env *Env, args []any) (any, error) {
	start, end := args[0].(int64), args[1].(int64)
	if start >= end {
		return nil, invalid(c.fn.name, "the start %d must be less than the end %d", start, end)
	}
	r := env.Rand
	if len(args) == 3 {
		seed, err := c.seedArg(args, 2)
		if err != nil {
			return nil, err
		}
		r = rand.New(rand.NewPCG(uint64(seed), 0))
	}
	if r == nil {
		return nil, failure.New(failure.Runtime, "%s has no source of randomness: Env.Rand is nil", c.fn.name)
	}
	return start + r.Int64N(end-start), nil
}

// seedArg returns args[i] as an integer seed, truncated toward zero.
func (c *Call) seedArg(args []any, i int) (int64, error) {
	if n, ok := args[i].(int64); ok {
		return n, nil
	}
	f, ok := args[i].(float64)
	if !ok {
		return 0, invalid(c.fn.name, "the seed must be a number, not %s", jsonvalue.TypeName(args[i]))
	}
	if math.Abs(f) >= 1<<63 {
		return 0, invalid(c.fn.name, "the seed %v is not within the range of a 64-bit integer", f)
	}
	return int64(f), nil
}

// mathAdd returns the sum of two integers. Fractional arguments are rounded
// half up first; arguments and sum must fit in 32 bits, as on AWS.
func mathAdd(c *Call, _ *Env, args []any) (any, error) {
	sum := args[0].(int64) + args[1].(int64)
	if sum < math.MinInt32 || sum > math.MaxInt32 {
		return nil, invalid(c.fn.name, "the sum %d is not within the range of a 32-bit integer", sum)
	}
	return sum, nil
}
