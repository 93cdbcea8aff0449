package engine

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/internal/logsink"
	"github.com/stepwise-run/stepwise/store"
)

// Execution logs: once a transaction commits (committed, commit.go), the
// events it appended to an execution whose machine logs at a level other
// than OFF become log records for Config.LogSink. Nothing is done without
// a sink, or for a transaction that appended no events, or for a machine
// at level OFF; the machine's configuration is read once a second at most
// (loggingCache), never in the transaction.

// loggingTTL is how long a machine's logging configuration, read for its
// executions' records, is used before it is read anew: AWS keeps logging
// per machine, and an update reaches running executions (here, within a
// second; at once in the process that made it).
const loggingTTL = time.Second

// loggingCache holds the log stream of each machine whose executions
// this process committed events of, by machine id.
type loggingCache struct {
	mu      sync.Mutex
	streams map[int64]cachedStream
}

type cachedStream struct {
	stream logsink.Stream
	read   time.Time
}

// logCommitted hands the records of committed change t's events to the
// log sink.
func (e *Engine) logCommitted(t *change) {
	if e.cfg.LogSink == nil || len(t.events) == 0 {
		return
	}
	s := e.logStream(t.exec.StateMachineID)
	if s.Level == logsink.LevelOff {
		return
	}
	e.logEvents(s, t.exec.ARN, len(t.events),
		func(i int) string { return t.events[i].Type },
		func(i int) logsink.Event { return logEvent(&t.events[i]) })
}

// logEvents hands the sink the records of those of n events of the
// execution executionARN that stream s logs: typeOf(i) is the type of
// event i, eventOf(i) the event itself, built only when it is logged.
func (e *Engine) logEvents(s logsink.Stream, executionARN string, n int, typeOf func(int) string, eventOf func(int) logsink.Event) {
	var records []logsink.Record
	for i := range n {
		if s.Logs(typeOf(i)) {
			records = append(records, s.Record(executionARN, eventOf(i)))
		}
	}
	if len(records) > 0 {
		e.cfg.LogSink.Log(records)
	}
}

// logStream returns machine machineID's log stream through the cache; a
// machine whose configuration cannot be read logs nothing until it is
// read again.
func (e *Engine) logStream(machineID int64) logsink.Stream {
	c := &e.logging
	c.mu.Lock()
	hit, ok := c.streams[machineID]
	c.mu.Unlock()
	if ok && time.Since(hit.read) < loggingTTL {
		return hit.stream
	}
	s := logsink.Stream{Level: logsink.LevelOff}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := store.GetMachineLogging(ctx, e.pool, machineID)
	if err != nil {
		e.log.Warn("logging configuration not read; its executions' events are not logged for now", "state_machine_id", machineID, "error", err)
	} else {
		l := loggingOf(m)
		s = logsink.Stream{StateMachineARN: m.ARN, Level: l.level(), IncludeExecutionData: l.IncludeExecutionData}
		if len(l.Destinations) > 0 {
			s.LogGroupARN = l.Destinations[0]
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.streams == nil || len(c.streams) >= versionCacheSize {
		c.streams = map[int64]cachedStream{}
	}
	c.streams[machineID] = cachedStream{stream: s, read: time.Now()}
	return s
}

// forgetLogging drops machine machineID's cached log stream.
func (e *Engine) forgetLogging(machineID int64) {
	c := &e.logging
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.streams, machineID)
}

// logEvent is a stored event as logsink builds records from it: its
// stored details (JSON) are split into the payloads, the failure and the
// other fields.
func logEvent(ev *store.Event) logsink.Event {
	out := logsink.Event{Event: runner.Event{ID: ev.ID, PreviousID: ev.PreviousID, Type: ev.Type, Timestamp: ev.Timestamp}}
	if ev.State != nil {
		out.State = *ev.State
	}
	if ev.Details == nil {
		return out
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(*ev.Details), &fields) != nil {
		return out
	}
	out.RawInput, out.RawOutput = fields["input"], fields["output"]
	_ = json.Unmarshal(fields["error"], &out.Error)
	_ = json.Unmarshal(fields["cause"], &out.Cause)
	for k, v := range fields {
		switch k {
		case "input", "output", "error", "cause":
			continue
		}
		if out.Details == nil {
			out.Details = map[string]any{}
		}
		out.Details[k] = v
	}
	return out
}

// startLogRetention deletes old records from a sink that keeps them,
// every LogRetention/10 (1 s to 1 h), until the engine stops.
func (e *Engine) startLogRetention() {
	if _, ok := e.cfg.LogSink.(logsink.Pruner); !ok || e.cfg.LogRetention <= 0 {
		return
	}
	every := min(max(e.cfg.LogRetention/10, time.Second), time.Hour)
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			if _, err := e.PruneLogRecords(context.Background()); err != nil {
				e.log.Warn("old log records not deleted", "error", err)
			}
			select {
			case <-e.closed:
				return
			case <-tick.C:
			}
		}
	}()
}

// PruneLogRecords deletes the log records of events older than
// Config.LogRetention from a LogSink that keeps records (a
// logsink.Pruner), and returns how many it deleted. Without such a sink,
// or with LogRetention 0, it deletes nothing.
func (e *Engine) PruneLogRecords(ctx context.Context) (int64, error) {
	p, ok := e.cfg.LogSink.(logsink.Pruner)
	if !ok || e.cfg.LogRetention <= 0 {
		return 0, nil
	}
	return p.Prune(ctx, e.now().Add(-e.cfg.LogRetention))
}

// closeLogSink writes what the log sink buffered and closes it, waiting
// up to ctx's deadline (10 s more when ctx has ended already).
func (e *Engine) closeLogSink(ctx context.Context) {
	if e.cfg.LogSink == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := e.cfg.LogSink.Close(ctx); err != nil {
		e.log.Warn("log sink not closed cleanly", "error", err)
	}
}
