package intrinsic

import (
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// stringToJSON parses JSON text. Text that is empty or only white space
// gives null, as on AWS.
func stringToJSON(c *Call, _ *Env, args []any) (any, error) {
	s := args[0].(string)
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	v, err := jsonvalue.Decode([]byte(s))
	if err != nil {
		return nil, invalid(c.fn.name, "the first argument is not JSON text: %v", err)
	}
	return v, nil
}

// jsonToString renders a value as compact JSON text.
func jsonToString(_ *Call, _ *Env, args []any) (any, error) {
	return jsonvalue.String(args[0]), nil
}

// jsonMerge merges two objects shallowly: the keys of the second replace
// those of the first. The third argument asks for a deep merge, which AWS
// does not support: true fails, any other value means a shallow merge (AWS
// accepts even non-boolean values there).
func jsonMerge(c *Call, _ *Env, args []any) (any, error) {
	a, b := args[0].(map[string]any), args[1].(map[string]any)
	if deep, _ := args[2].(bool); deep {
		return nil, invalid(c.fn.name, "deep merge is not supported: the third argument must be false")
	}
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out, nil
}
