package jsonpointer_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/jsonpointer"
)

func TestAppend(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ at, key, want string }{
		{"", "cases", "/cases"},
		{"/mocks", "a/b~c", "/mocks/a~1b~0c"},
		{"/x", "", "/x/"},
	} {
		require.Equal(t, tc.want, jsonpointer.Append(tc.at, tc.key))
	}
}
