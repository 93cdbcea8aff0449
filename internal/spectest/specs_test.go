package spectest_test

import (
	"bytes"
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/spectest"
)

// mockedOrders is the spec of the mock-configuration example.
const mockedOrders = "../../testdata/mocks/MockedOrders.spec.json"

// TestSpecs runs every spec under examples/ and testdata/ in memory, so
// that go test ./... runs them.
func TestSpecs(t *testing.T) {
	t.Parallel()
	var specs []string
	for _, root := range []string{"../../examples", "../../testdata"} {
		require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && isSpec(path) {
				specs = append(specs, path)
			}
			return err
		}))
	}
	require.Contains(t, specs, filepath.Clean(mockedOrders))
	for _, path := range specs {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			s, err := spectest.Load(path)
			require.NoError(t, err)
			r := spectest.Run(context.Background(), s, spectest.Options{})
			var text bytes.Buffer
			require.NoError(t, r.Write(&text))
			require.True(t, r.Passed(), text.String())
		})
	}
}

// isSpec reports whether path names a spec file.
func isSpec(path string) bool {
	for _, ext := range []string{".spec.json", ".spec.yaml", ".spec.yml"} {
		if strings.HasSuffix(path, ext) {
			return true
		}
	}
	return false
}
