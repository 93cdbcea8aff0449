package testkit

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// Table runs f on each input of cases, in parallel subtests named after
// it, and requires it to return the value the input maps to. f may fail its
// test itself, as when a step before the result goes wrong.
func Table[In comparable, Want any](t *testing.T, f func(t *testing.T, in In) Want, cases map[In]Want) {
	t.Helper()
	for in, want := range cases {
		t.Run(fmt.Sprint(in), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, want, f(t, in), "%v", in)
		})
	}
}
