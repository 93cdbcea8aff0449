package viewer

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// outline builds event outlines from "Type State [Error]" lines, one
// second apart.
func outline(lines ...string) []store.EventOutline {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	out := make([]store.EventOutline, len(lines))
	for i, l := range lines {
		f := strings.Fields(l)
		ev := store.EventOutline{ID: int64(i + 1), Type: f[0], Timestamp: t0.Add(time.Duration(i) * time.Second)}
		if len(f) > 1 {
			ev.State = f[1]
		}
		if len(f) > 2 {
			ev.Error = &f[2]
		}
		out[i] = ev
	}
	return out
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	def, err := asl.Parse([]byte(`{"StartAt":"T","States":{
	  "T":{"Type":"Task","Resource":"arn:aws:lambda:::function:f","Next":"P"},
	  "P":{"Type":"Pass","Next":"F"},
	  "F":{"Type":"Fail","Error":"E"}}}`))
	require.NoError(t, err)
	tests := []struct {
		name        string
		status      string
		events      []string
		want        map[string]string // state -> status
		retries     map[string]int
		transitions [][2]string
		active      map[string]bool
	}{
		{
			name:   "retried then succeeded",
			status: store.StatusRunning,
			events: []string{history.ExecutionStarted, "TaskStateEntered T", "TaskScheduled T", "TaskFailed T Boom", "TaskScheduled T",
				"TaskSucceeded T", "TaskStateExited T", "PassStateEntered P"},
			want:        map[string]string{"T": stateSucceeded, "P": stateRunning},
			retries:     map[string]int{"T": 1},
			transitions: [][2]string{{"T", "P"}},
		},
		{
			name:   "caught is not failed",
			status: store.StatusFailed,
			events: []string{"TaskStateEntered T", "TaskScheduled T", "TaskFailed T Boom", "TaskStateExited T",
				"PassStateEntered P", "PassStateExited P", "FailStateEntered F", history.ExecutionFailed},
			want:        map[string]string{"T": stateCaught, "P": stateSucceeded, "F": stateFailed},
			transitions: [][2]string{{"T", "P"}, {"P", "F"}},
		},
		{
			name:   "failed without catch",
			status: store.StatusFailed,
			events: []string{"TaskStateEntered T", "TaskScheduled T", "TaskTimedOut T States.Timeout", history.ExecutionFailed},
			want:   map[string]string{"T": stateFailed},
		},
		{
			name:   "stopped while running",
			status: store.StatusAborted,
			events: []string{"TaskStateEntered T", "TaskScheduled T", history.ExecutionAborted},
			want:   map[string]string{"T": stateCancelled},
		},
		{
			name:   "waiting for a retry",
			status: store.StatusRunning,
			events: []string{"TaskStateEntered T", "TaskScheduled T", "TaskFailed T Boom"},
			active: map[string]bool{"T": true},
			want:   map[string]string{"T": stateRunning},
		},
		{
			name:   "failed in an iteration while others run",
			status: store.StatusRunning,
			events: []string{"TaskStateEntered T", "TaskScheduled T", "TaskFailed T Boom"},
			want:   map[string]string{"T": stateFailed},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			states, transitions, types := summarize(outline(tt.events...), tt.status, def, tt.active)
			got := map[string]string{}
			for name, st := range states {
				got[name] = st.Status
				require.Equal(t, tt.retries[name], st.Retries, name)
			}
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.transitions, transitions)
			require.Equal(t, 1, types[strings.Fields(tt.events[0])[0]])
		})
	}
}

func TestSummarizeKeepsFirstAndLastVisits(t *testing.T) {
	t.Parallel()
	var lines []string
	for range maxVisits + 10 {
		lines = append(lines, "PassStateEntered P", "PassStateExited P")
	}
	states, _, _ := summarize(outline(lines...), store.StatusSucceeded, nil, nil)
	p := states["P"]
	require.Equal(t, maxVisits+10, p.Entered)
	require.Len(t, p.Visits, maxVisits)
	require.Equal(t, 10, p.Dropped)
	require.Equal(t, stateSucceeded, p.Status)
}
