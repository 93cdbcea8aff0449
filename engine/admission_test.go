package engine

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestAdmission checks admission control's two limits on its own, on a
// clock the test sets: slots taken and given back, and the commit
// latency of the last second, forgotten once it is older.
func TestAdmission(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

	a := newAdmission(2, 0)
	first, err := a.admit(now)
	require.NoError(t, err)
	second, err := a.admit(now)
	require.NoError(t, err)
	_, err = a.admit(now)
	require.ErrorIs(t, err, ErrThrottled)
	require.EqualError(t, err, "Rate exceeded")
	first()
	third, err := a.admit(now)
	require.NoError(t, err)
	second()
	third()

	a = newAdmission(0, 50*time.Millisecond)
	for i := range 100 {
		took := 10 * time.Millisecond
		if i >= 90 { // the slowest tenth
			took = 80 * time.Millisecond
		}
		a.committed(now.Add(-took), now)
	}
	_, err = a.admit(now)
	require.True(t, errors.Is(err, ErrThrottled), "p95 is 80 ms")
	_, err = a.admit(now.Add(2 * latencyWindow))
	require.NoError(t, err, "commits older than the window are forgotten")
	for range latencySamples {
		a.committed(now.Add(-time.Millisecond), now)
	}
	_, err = a.admit(now)
	require.NoError(t, err, "fast commits push the slow ones out")
}
