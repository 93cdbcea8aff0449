package engine

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/stepwise-run/stepwise/asl"
)

// timer is a drive job scheduled for later, to be made available on time
// by this process (River's own scheduler checks only every few seconds).
type timer struct {
	job int64
	at  time.Time
}

// jobsInserted records the ids River gave the transaction's jobs that are
// scheduled for later, to release them on time.
func (t *change) jobsInserted(res []*rivertype.JobInsertResult) {
	for i, r := range res {
		if at := t.jobs[i].InsertOpts.ScheduledAt; at.After(t.now) {
			t.timers = append(t.timers, timer{job: r.Job.ID, at: at})
		}
	}
}

// arm makes scheduled drive jobs available at their time from this
// process, so Wait states and retries fire on time rather than at River's
// next scheduler pass. If this process dies first, River's scheduler still
// releases them. A job released twice finds its run moved on and does
// nothing.
func (e *Engine) arm(timers []timer) {
	for _, tm := range timers {
		wait := time.Until(tm.at)
		if wait > 10*time.Minute {
			continue
		}
		id := tm.job
		time.AfterFunc(wait, func() {
			select {
			case <-e.closed:
				return
			default:
			}
			if _, err := e.river.JobRetry(context.Background(), id); err != nil {
				e.log.Debug("release scheduled job", "job", id, "error", err)
			}
		})
	}
}

// secondsOf is n seconds.
func secondsOf(n int64) time.Duration { return time.Duration(n) * time.Second }

// schedule adds a drive job for run l at its current sequence number.
func (t *change) schedule(l *live, reason string, at time.Time) {
	t.scheduleDrive(driveArgs{RunID: l.run.ID, Seq: l.run.Seq, Reason: reason}, at)
}

// scheduleDrive adds drive job a of this execution, available at at (at
// once when at is not later than now).
func (t *change) scheduleDrive(a driveArgs, at time.Time) {
	a.ExecutionID = t.exec.ID
	opts := driveArgs{}.InsertOpts()
	if at.After(t.now) {
		opts.ScheduledAt = at
	}
	t.jobs = append(t.jobs, river.InsertManyParams{Args: a, InsertOpts: &opts})
}

// retry parks run l until its state is entered again.
func (t *change) retry(l *live, d asl.Decision) error {
	t.touch(l)
	for len(l.run.Retries) <= d.Retrier {
		l.run.Retries = append(l.run.Retries, 0)
	}
	l.run.Retries[d.Retrier]++
	t.schedule(l, reasonRetry, t.scaled(t.now.Add(d.Delay)))
	t.save(l)
	return nil
}

// wait parks run l until the Wait state's time.
func (t *change) wait(l *live, d asl.Decision) error {
	t.touch(l)
	w := asl.EncodeJSON(map[string]any{"next": d.Next, "output": d.Output})
	l.run.Waiting = &w
	t.schedule(l, reasonTimer, t.scaled(d.Until))
	t.save(l)
	return nil
}

// timerFired resumes a run whose Wait state's time has come.
func (t *change) timerFired(l *live) error {
	if l.run.Waiting == nil {
		return errStale
	}
	v, err := asl.DecodeJSON([]byte(*l.run.Waiting))
	if err != nil {
		return err
	}
	w, _ := v.(map[string]any)
	next, _ := w["next"].(string)
	t.touch(l)
	l.run.Waiting = nil
	if next == "" {
		return t.advance(l, asl.Decision{Kind: asl.KindSucceed, Output: w["output"]})
	}
	return t.advance(l, asl.Decision{Kind: asl.KindNext, Next: next, Output: w["output"]})
}

// scheduleChecks writes the durable timeout and heartbeat checks of a task.
func (t *change) scheduleChecks(l *live, call *asl.TaskCall) {
	if call.TimeoutSeconds < asl.DefaultTaskTimeout {
		t.schedule(l, reasonTaskTimeout, t.now.Add(secondsOf(call.TimeoutSeconds)))
	}
	if call.HeartbeatSeconds > 0 {
		now := t.now
		l.run.HeartbeatAt = &now
		t.scheduleHeartbeat(l, call.HeartbeatSeconds, now)
	}
}

// scheduleHeartbeat checks run l's heartbeat seconds after from.
func (t *change) scheduleHeartbeat(l *live, seconds int64, from time.Time) {
	a := driveArgs{RunID: l.run.ID, Seq: l.run.Seq, Reason: reasonHeartbeat, Seconds: seconds}
	t.scheduleDrive(a, from.Add(secondsOf(seconds)))
}

// checkHeartbeat fails a task whose last heartbeat is too old, or checks
// again when the next one is due.
func (t *change) checkHeartbeat(l *live, seconds int64) error {
	last := *l.run.StateEnteredAt
	if l.run.HeartbeatAt != nil {
		last = *l.run.HeartbeatAt
	}
	due := last.Add(secondsOf(seconds))
	if t.now.Before(due) {
		t.scheduleHeartbeat(l, seconds, last)
		return nil
	}
	if err := t.cancelTask(l); err != nil {
		return err
	}
	return t.taskDone(l, nil, asl.NewError(asl.ErrorHeartbeatTimeout, "No heartbeat for %d seconds.", seconds))
}

// taskTimedOut fails run l's task, which ran past its TimeoutSeconds.
func (t *change) taskTimedOut(l *live) error {
	if err := t.cancelTask(l); err != nil {
		return err
	}
	return t.taskDone(l, nil, asl.NewError(asl.ErrorTimeout, "The task did not finish within %s.", t.now.Sub(*l.run.StateEnteredAt).Round(time.Second)))
}

// scaled is when a Wait or retry interval that ends at ends under
// Config.WaitTimeScale: its time from now multiplied by the scale. Only
// the timer changes; the events written are a real run's.
func (t *change) scaled(at time.Time) time.Time {
	scale := t.e.cfg.WaitTimeScale
	if scale == nil || *scale == 1 || !at.After(t.now) {
		return at
	}
	return t.now.Add(time.Duration(float64(at.Sub(t.now)) * *scale))
}
