package web_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/web"
)

func TestParseCORSOrigins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []string
		want   []string
		err    string
	}{
		{"none", nil, nil, ""},
		{"repeated and listed", []string{"https://app.example.com", " HTTPS://App.Example.com , http://localhost:3000", ""},
			[]string{"https://app.example.com", "http://localhost:3000"}, ""},
		{"any", []string{"*"}, []string{"*"}, ""},
		{"any among others", []string{"*,https://app.example.com"}, nil, `"*" allows every origin: give it alone`},
		{"trailing slash", []string{"https://app.example.com/"}, nil, "without a path, a trailing slash or wildcards"},
		{"path", []string{"https://app.example.com/ui"}, nil, "without a path"},
		{"wildcard", []string{"https://*.example.com"}, nil, "wildcards"},
		{"no scheme", []string{"app.example.com"}, nil, "want scheme://host[:port]"},
		{"null", []string{"null"}, nil, "want scheme://host[:port]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := web.ParseCORSOrigins(tt.values)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}
