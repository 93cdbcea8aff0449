package engine

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/logsink"
)

// Express execution logs: an EXPRESS execution's events, recorded by the
// runner only when its machine logs at a level other than OFF and a sink
// is set (else the run records none, the fast path), become log records
// built as a Standard execution's are (logsink.Stream.Record), under the
// execution's express ARN, once it ends. An asynchronous execution's
// records are written before its start's record is deleted
// (commitExpressWrites): its log is its only result, and a crash must run
// it again rather than lose it.

// expressStream returns the log stream of machine machineID's EXPRESS
// executions, and whether they log anything.
func (e *Engine) expressStream(machineID int64) (logsink.Stream, bool) {
	if e.cfg.LogSink == nil {
		return logsink.Stream{}, false
	}
	s := e.logStream(machineID)
	return s, s.Level != logsink.LevelOff
}

// logExpress hands the records of the ended EXPRESS execution res, run
// as out, to the log sink.
func (e *Engine) logExpress(s logsink.Stream, res *ExpressResult, out *runner.Result) {
	events := expressEvents(res, out)
	e.logEvents(s, res.ExecutionARN, len(events),
		func(i int) string { return events[i].Type },
		func(i int) logsink.Event { return events[i] })
}

// flushLogSink waits until the records handed to the log sink so far
// are written, when the sink buffers them (a logsink.Flusher), for up
// to half a minute.
func (e *Engine) flushLogSink() error {
	f, ok := e.cfg.LogSink.(logsink.Flusher)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return f.Flush(ctx)
}

// expressEvents are the events of run out as records are built from
// them, ending with the event of res's status: the runner's own end is
// replaced when the engine decided otherwise (a time-out, an output over
// the limit, a run that could not be carried out).
func expressEvents(res *ExpressResult, out *runner.Result) []logsink.Event {
	var events []logsink.Event
	if out != nil {
		events = make([]logsink.Event, 0, len(out.Events)+1)
		for _, ev := range out.Events {
			events = append(events, logsink.Event{Event: ev})
		}
	}
	if len(events) > 0 && events[0].Type == history.ExecutionStarted {
		events[0].Details = map[string]any{"stateMachineArn": res.StateMachineARN}
	}
	end := expressEndEvent(res.Status)
	if n := len(events); n > 0 && events[n-1].Type == end {
		return events
	}
	if n := len(events); n > 0 && events[n-1].Type == history.ExecutionSucceeded {
		events = events[:n-1]
	}
	var last int64
	if n := len(events); n > 0 {
		last = events[n-1].ID
	}
	return append(events, logsink.Event{Event: runner.Event{ID: last + 1, PreviousID: last, Type: end,
		Timestamp: res.StopDate, Error: res.Error, Cause: res.Cause}})
}

// expressEndEvent is the type of the event that ends an execution with
// status.
func expressEndEvent(status string) string {
	switch status {
	case runner.StatusSucceeded:
		return history.ExecutionSucceeded
	case runner.StatusTimedOut:
		return history.ExecutionTimedOut
	}
	return history.ExecutionFailed
}
