package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTestExitCodes runs the built binary's `stepwise test` on specs that
// pass, fail and are bad, and checks the exit code, the report and the
// JUnit file.
func TestTestExitCodes(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.spec.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"definition": "x.asl.json", "cases": [{"name": "a", "expect": {"status": "DONE"}}]}`), 0o600))
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
		junit  []string
	}{
		{name: "passes", args: []string{"../../testdata/mocks/MockedOrders.spec.json"}, code: 0,
			stdout: []string{"PASS  HappyPath", "SKIP  HybridPath (durable only)", "5 cases: 4 passed, 0 failed, 1 skipped"},
			junit:  []string{`<testsuites tests="5" failures="0" errors="0">`, `<skipped message="durable only: run with --durable">`}},
		{name: "fails", args: []string{"../../testdata/mocks/MockedOrders.spec.json", "../../internal/spectest/testdata/failing.spec.json"}, code: 1,
			stdout: []string{"PASS  HappyPath", "FAIL  wrong status", `status: expected SUCCEEDED, got FAILED (error "OrderRejected"`, "-   \"sku\": \"c\"", "4 cases: 1 passed, 3 failed, 0 skipped"},
			junit:  []string{`<testsuites tests="9" failures="3" errors="0">`, `<failure message="unmet expectations: status, error" type="expectation">`}},
		{name: "bad spec", args: []string{"../../testdata/mocks/MockedOrders.spec.json", bad}, code: 2,
			stderr: bad + `: /definition: open`},
		{name: "no spec", code: 2, stderr: "usage: stepwise test SPEC..."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			junit := filepath.Join(t.TempDir(), "junit.xml")
			code, stdout, stderr := runBinary(t, append([]string{"test", "--junit", junit}, tc.args...)...)
			require.Equal(t, tc.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			for _, s := range tc.stdout {
				require.Contains(t, stdout, s)
			}
			require.Contains(t, stderr, tc.stderr)
			xml, err := os.ReadFile(junit)
			if tc.junit == nil {
				require.ErrorIs(t, err, os.ErrNotExist, "no JUnit file for a bad spec")
				return
			}
			require.NoError(t, err)
			for _, s := range tc.junit {
				require.Contains(t, string(xml), s)
			}
		})
	}
}
