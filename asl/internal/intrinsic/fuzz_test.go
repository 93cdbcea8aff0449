package intrinsic

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stepwise-run/stepwise/asl/internal/failure"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// FuzzParse checks that Parse never panics, that what it accepts prints
// back as its source, and that evaluating it either succeeds or fails with
// a *failure.Error, never panicking.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"States.Format('Hello {}', $.name)",
		`States.Format('\{\}\\\'{}', $.a)`,
		"States.Format($.t, $.a, $$.Execution.Input)",
		"States.StringToJson('{\"a\": [1, 2]}')",
		"States.JsonToString($.o)",
		"States.Array(1, -2.5e3, true, false, null, 'x', $.a['b c'], $var.x[0])",
		"States.ArrayPartition($.a, 2)",
		"States.ArrayContains($.a, $.list[?(@.x == 1)])",
		"States.ArrayRange(1, 9, 2)",
		"States.ArrayGetItem($.a, $.i)",
		"States.ArrayLength($..x)",
		"States.ArrayUnique($.a)",
		"States.Base64Encode('x')",
		"States.Base64Decode('eA==')",
		"States.Hash($.s, 'SHA-256')",
		"States.JsonMerge($.o, $.o, false)",
		"States.MathRandom(1, 10, 42)",
		"States.MathAdd(States.MathAdd($.i, 1), -1)",
		"States.StringSplit($.s, ',')",
		"States.UUID()",
		" States.Array()",
		"States.Array(",
		"States.Array($.a[)",
		"States.Array('a\\n')",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	input := jsonvalue.MustDecode(`{"name":"n","t":"{}","a":[1,"a",[2],{"k":1}],"o":{"k":[1]},"i":1,"s":"a,b","list":[{"x":1}]}`)
	f.Fuzz(func(t *testing.T, src string) {
		c, err := Parse(src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) returned %T, not *ParseError", src, err)
			}
			return
		}
		if c.String() != src {
			t.Fatalf("Parse(%q).String() = %q", src, c.String())
		}
		_, err = c.Eval(Env{
			Input:   input,
			Context: map[string]any{"Execution": map[string]any{"Input": input}},
			Vars:    map[string]any{"var": input},
			Rand:    rand.New(rand.NewPCG(1, 2)),
		})
		var fe *failure.Error
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("Eval(%q) returned %T, not *failure.Error", src, err)
		}
	})
}
