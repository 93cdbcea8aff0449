package engine

import "testing"

// TestMapState checks mapState on the paths childPath writes: a Map
// iteration's, nested or not, and a Parallel branch's.
func TestMapState(t *testing.T) {
	root := childPath("", "P", 2)
	for _, c := range []struct {
		path  string
		state string
		ok    bool
	}{
		{childPath("", "M", -1), "M", true},
		{childPath(root, "Inner", -1), "Inner", true},
		{root, "", false},
		{childPath(childPath("", "M", -1), "P", 0), "", false},
		{"", "", false},
	} {
		state, ok := mapState(c.path)
		if state != c.state || ok != c.ok {
			t.Errorf("mapState(%s) = %q, %v; want %q, %v", c.path, state, ok, c.state, c.ok)
		}
	}
}
