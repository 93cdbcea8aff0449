package viewer

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/rest"
)

// What happened to a state, as the viewer colours it.
const (
	stateRunning   = "running"
	stateSucceeded = "succeeded"
	stateFailed    = "failed"
	stateCaught    = "caught"
	stateCancelled = "cancelled"
)

// maxVisits is how many visits of one state the summary lists (for the
// timeline); a state visited more often (a Map's iterator states, a loop)
// keeps its first and last maxVisits/2 visits and counts the rest.
const maxVisits = 1000

// stateSummary is what happened to one state over the whole execution.
type stateSummary struct {
	Status   string `json:"status"`
	Entered  int    `json:"entered"`
	Exited   int    `json:"exited"`
	Failures int    `json:"failures"`
	Retries  int    `json:"retries"`
	Caught   int    `json:"caught"`
	Failed   int    `json:"failed"`
	// Error is the last error the state raised, if any.
	Error   string  `json:"error,omitempty"`
	Visits  []visit `json:"visits"`
	Dropped int     `json:"dropped,omitempty"`

	open []int // indexes into Visits of the visits not yet exited
}

// visit is one entry into a state until it was left.
type visit struct {
	Start  time.Time  `json:"start"`
	End    *time.Time `json:"end,omitempty"`
	Status string     `json:"status"`
	// Attempts are the failures of this visit's attempts, in order; a
	// failure followed by another attempt was retried.
	Attempts []attemptFailure `json:"attempts,omitempty"`

	pending bool // the last failure has been neither retried nor caught
}

// attemptFailure is one failed attempt and, if it was retried, when the
// next attempt began.
type attemptFailure struct {
	At      time.Time  `json:"at"`
	Error   string     `json:"error"`
	Retried *time.Time `json:"retried,omitempty"`
}

// mapSummary is the progress of a Map state's iterations.
type mapSummary struct {
	Total      int                `json:"total"`
	Counts     map[string]int     `json:"counts"`
	Iterations []iterationOutline `json:"iterations"`
}

// iterationOutline is where one Map iteration is or ended.
type iterationOutline struct {
	Run    int64   `json:"run"`
	Index  int     `json:"index"`
	Status string  `json:"status"`
	State  string  `json:"state"`
	Error  *string `json:"error,omitempty"`
}

// waitingTask is a Task state that waits for a callback with its token.
type waitingTask struct {
	State string `json:"state"`
	// Token is empty unless the request's key may answer callbacks
	// (see Server.mayAnswer).
	Token string     `json:"token,omitempty"`
	Since *time.Time `json:"since,omitempty"`
	Run   int64      `json:"run"`
	Index int        `json:"index"`
}

// viewerSummary is GET /v1/executions/{arn}/viewer: everything the
// execution page draws its header, graph and timeline from.
type viewerSummary struct {
	Execution   rest.Execution           `json:"execution"`
	Definition  json.RawMessage          `json:"definition"`
	LastEventID int64                    `json:"lastEventId"`
	EventCount  int                      `json:"eventCount"`
	EventTypes  map[string]int           `json:"eventTypes"`
	States      map[string]*stateSummary `json:"states"`
	Transitions [][2]string              `json:"transitions"`
	Maps        map[string]*mapSummary   `json:"maps"`
	Waiting     []waitingTask            `json:"waiting"`
}

// failureEvent reports whether an event type records a failure.
func failureEvent(typ string) bool {
	return strings.HasSuffix(typ, "Failed") || strings.HasSuffix(typ, "TimedOut") || strings.HasSuffix(typ, "Aborted")
}

// attemptEvent reports whether an event type starts an attempt of a
// state's work (so a pending failure before it was retried).
func attemptEvent(typ string) bool {
	return strings.HasSuffix(typ, "Scheduled") || typ == history.ParallelStateStarted || typ == history.MapStateStarted
}

// summarize replays an execution's event outlines into what happened to
// each state. Events carry no run, so the visits of a state that several
// Map iterations or Parallel branches run at once are matched first in,
// first out: counts are exact, the pairing of a failure with a visit is
// not. active holds the states where a run is now RUNNING: a failure
// there that nothing has retried or caught yet waits for its retry.
func summarize(events []store.EventOutline, execStatus string, def *asl.StateMachine, active map[string]bool) (map[string]*stateSummary, [][2]string, map[string]int) {
	states := map[string]*stateSummary{}
	types := map[string]int{}
	seen := map[[2]string]bool{}
	var transitions [][2]string
	lastExited := ""
	for _, ev := range events {
		types[ev.Type]++
		if ev.State == "" || ev.Type == history.MapIterationStarted || ev.Type == history.MapIterationSucceeded || ev.Type == history.MapIterationFailed {
			lastExited = ""
			continue
		}
		st := states[ev.State]
		if st == nil {
			st = &stateSummary{}
			states[ev.State] = st
		}
		switch {
		case history.IsStateEntered(ev.Type):
			st.Entered++
			if lastExited != "" {
				if t := [2]string{lastExited, ev.State}; !seen[t] {
					seen[t] = true
					transitions = append(transitions, t)
				}
			}
			lastExited = ""
			st.Visits = append(st.Visits, visit{Start: ev.Timestamp, Status: stateRunning})
			st.open = append(st.open, len(st.Visits)-1)
		case history.IsStateExited(ev.Type):
			st.Exited++
			lastExited = ev.State
			if v := st.oldestOpen(); v != nil {
				end := ev.Timestamp
				v.End = &end
				v.Status = stateSucceeded
				if v.pending {
					v.Status = stateCaught
					st.Caught++
				}
				st.open = st.open[1:]
			}
		case failureEvent(ev.Type):
			st.Failures++
			if ev.Error != nil {
				st.Error = *ev.Error
			}
			if v := st.oldestOpen(); v != nil {
				name := ""
				if ev.Error != nil {
					name = *ev.Error
				}
				v.Attempts = append(v.Attempts, attemptFailure{At: ev.Timestamp, Error: name})
				v.pending = true
				v.Status = stateFailed
			}
		case attemptEvent(ev.Type):
			if v := st.oldestOpen(); v != nil && v.pending {
				at := ev.Timestamp
				v.Attempts[len(v.Attempts)-1].Retried = &at
				v.pending = false
				v.Status = stateRunning
				st.Retries++
			}
		}
	}
	for name, st := range states {
		_, isFail := findState(def, name).(*asl.Fail)
		for _, i := range st.open {
			v := &st.Visits[i]
			switch {
			case v.pending && active[name] && execStatus == store.StatusRunning:
				v.Status = stateRunning
			case v.pending || isFail:
				v.Status = stateFailed
			case execStatus != store.StatusRunning:
				v.Status = stateCancelled
			}
		}
		st.open = nil
		st.Status = stateSucceeded
		running, failed := false, false
		for _, v := range st.Visits {
			running = running || v.Status == stateRunning
			if v.Status == stateFailed {
				failed = true
				st.Failed++
			}
		}
		if n := len(st.Visits); n > 0 {
			st.Status = st.Visits[n-1].Status
		}
		switch {
		case running:
			st.Status = stateRunning
		case failed:
			st.Status = stateFailed
		}
		if n := len(st.Visits); n > maxVisits {
			st.Dropped = n - maxVisits
			st.Visits = append(st.Visits[:maxVisits/2:maxVisits/2], st.Visits[n-maxVisits/2:]...)
		}
	}
	return states, transitions, types
}

// oldestOpen returns the earliest visit not yet exited, or nil.
func (s *stateSummary) oldestOpen() *visit {
	if len(s.open) == 0 {
		return nil
	}
	return &s.Visits[s.open[0]]
}

// findState returns the state called name anywhere in def, or nil.
func findState(def *asl.StateMachine, name string) asl.State {
	if def == nil {
		return nil
	}
	st, _ := def.Find(name)
	return st
}

// pathStep is one step of a run's machine path: the Parallel branch or
// (Branch -1) Map processor of a state.
type pathStep struct {
	State  string `json:"s"`
	Branch int    `json:"b"`
}

// activeStates returns the states where a run is RUNNING now.
func activeStates(runs []store.RunOutline) map[string]bool {
	out := map[string]bool{}
	for _, r := range runs {
		if r.Status == store.RunRunning {
			out[r.State] = true
		}
	}
	return out
}

// summarizeRuns gathers Map iterations by Map state and the Task states
// waiting for a callback.
func summarizeRuns(runs []store.RunOutline, def *asl.StateMachine) (map[string]*mapSummary, []waitingTask) {
	maps := map[string]*mapSummary{}
	var waiting []waitingTask
	for _, r := range runs {
		if r.Status == store.RunRunning && r.TaskToken != nil {
			if task, ok := findState(def, r.State).(*asl.Task); ok && strings.HasSuffix(task.Resource, asl.WaitForTaskTokenSuffix) {
				waiting = append(waiting, waitingTask{State: r.State, Token: *r.TaskToken, Since: r.StateEnteredAt, Run: r.ID, Index: r.Idx})
			}
		}
		var steps []pathStep
		if r.ParentID == nil || json.Unmarshal([]byte(r.MachinePath), &steps) != nil || len(steps) == 0 {
			continue
		}
		last := steps[len(steps)-1]
		if last.Branch != -1 {
			continue
		}
		m := maps[last.State]
		if m == nil {
			m = &mapSummary{Counts: map[string]int{}}
			maps[last.State] = m
		}
		m.Total++
		m.Counts[r.Status]++
		m.Iterations = append(m.Iterations, iterationOutline{Run: r.ID, Index: r.Idx, Status: r.Status, State: r.State, Error: r.Error})
	}
	return maps, waiting
}
