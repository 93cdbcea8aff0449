package spectest

// equal reports whether a and b are the same JSON value: numbers compare
// numerically, object key order is ignored, arrays compare in order.
func equal(a, b any) bool {
	return match(a, b, false)
}

// includes reports whether got includes want: objects match by the keys
// want gives, recursively; arrays element by element, with the same
// length; everything else as equal.
func includes(want, got any) bool {
	return match(want, got, true)
}

func match(want, got any, subset bool) bool {
	if x, ok := number(want); ok {
		y, ok := number(got)
		return ok && x == y
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || (!subset && len(w) != len(g)) {
			return false
		}
		for k, v := range w {
			gv, present := g[k]
			if !present || !match(v, gv, subset) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(w) != len(g) {
			return false
		}
		for i := range w {
			if !match(w[i], g[i], subset) {
				return false
			}
		}
		return true
	}
	return want == got
}

// number is v as a float64 when it is a JSON number.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

// project keeps of got what want speaks of: an object's keys that want
// gives (recursively), arrays element by element. The diff of want and
// the projection then shows only what an includes match looked at.
func project(got, want any) any {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return got
		}
		out := make(map[string]any, len(w))
		for k, v := range w {
			if gv, present := g[k]; present {
				out[k] = project(gv, v)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return got
		}
		out := make([]any, len(g))
		for i := range g {
			out[i] = g[i]
			if i < len(w) {
				out[i] = project(g[i], w[i])
			}
		}
		return out
	}
	return got
}
