package asl_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, state, input string
		took               time.Duration
	}{
		{"seconds", `{"Type":"Wait","Seconds":31536000,"End":true}`, `{}`, 365 * 24 * time.Hour},
		{"seconds path", `{"Type":"Wait","SecondsPath":"$.s","End":true}`, `{"s":90}`, 90 * time.Second},
		{"timestamp", `{"Type":"Wait","Timestamp":"2024-05-01T13:00:00Z","End":true}`, `{}`, time.Hour},
		{"timestamp path", `{"Type":"Wait","TimestampPath":"$.t","End":true}`, `{"t":"2024-05-01T12:00:30.5+00:00"}`, 30500 * time.Millisecond},
		{"timestamp in the past", `{"Type":"Wait","Timestamp":"2020-01-01T00:00:00Z","End":true}`, `{}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runDef(t, single(tt.state), tt.input, nil)
			requireOutput(t, res, tt.input)
			require.Equal(t, tt.took, res.Duration)
		})
	}
}

func TestWaitErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, state, input string }{
		{"negative seconds path", `{"Type":"Wait","SecondsPath":"$.s","End":true}`, `{"s":-1}`},
		{"fractional seconds path", `{"Type":"Wait","SecondsPath":"$.s","End":true}`, `{"s":1.5}`},
		{"missing seconds path", `{"Type":"Wait","SecondsPath":"$.s","End":true}`, `{}`},
		{"bad timestamp path", `{"Type":"Wait","TimestampPath":"$.t","End":true}`, `{"t":"tomorrow"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireError(t, runDef(t, single(tt.state), tt.input, nil), "States.Runtime")
		})
	}
}

func TestExecutionTimeout(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"W","TimeoutSeconds":10,"States":{"W":{"Type":"Wait","Seconds":60,"Next":"P"},"P":{"Type":"Pass","End":true}}}`
	res := runDef(t, def, `{}`, nil)
	require.Equal(t, "TIMED_OUT", res.Status)
	require.Equal(t, "States.Timeout", res.Error.Name)
}
