package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// ErrActivityDoesNotExist is returned for an activity name or ARN that
// names no activity.
var ErrActivityDoesNotExist = errors.New("activity does not exist")

// ActivityTask is a task handed to an activity worker: it answers with
// SendTaskSuccess or SendTaskFailure (and SendTaskHeartbeat) on Token.
type ActivityTask struct {
	Token string
	Input string
}

// CreateActivity creates an activity with tags, or returns the one of
// that name.
func (e *Engine) CreateActivity(ctx context.Context, name string, tags ...Tag) (*store.Activity, error) {
	return e.CreateActivityWith(ctx, name, ActivitySpec{Tags: tags})
}

// ActivitySpec is what CreateActivity takes besides the name.
type ActivitySpec struct {
	Tags []Tag
	// Encryption is AWS's encryptionConfiguration, stored and answered
	// (nil: none, answered as AWS_OWNED_KEY); Stepwise encrypts with no
	// KMS key.
	Encryption *Encryption
}

// CreateActivityWith creates an activity, or returns the one of that
// name: as on AWS, creating an existing activity leaves its tags and
// encryption as they are.
func (e *Engine) CreateActivityWith(ctx context.Context, name string, spec ActivitySpec) (*store.Activity, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if err := checkEncryption(spec.Encryption); err != nil {
		return nil, err
	}
	tags, err := checkTags(spec.Tags)
	if err != nil {
		return nil, err
	}
	var enc store.Config
	if spec.Encryption != nil {
		spec.Encryption.store(&enc)
	}
	var act *store.Activity
	err = pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		if act, err = store.GetActivity(ctx, tx, name); err == nil || !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if act, err = store.InsertActivity(ctx, tx, name, e.arns.Activity(name), enc); err != nil {
			return err
		}
		return addTags(ctx, tx, store.TagOwner{ActivityID: &act.ID}, tags, act.ARN)
	})
	return act, err
}

// DescribeActivity finds an activity by name or ARN.
func (e *Engine) DescribeActivity(ctx context.Context, nameOrARN string) (*store.Activity, error) {
	a, err := store.GetActivity(ctx, e.pool, arn.Name(nameOrARN))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrActivityDoesNotExist, nameOrARN)
	}
	return a, err
}

// ListActivities returns up to limit activities named after "after".
func (e *Engine) ListActivities(ctx context.Context, after string, limit int) ([]*store.Activity, error) {
	return store.ListActivities(ctx, e.pool, after, limit)
}

// DeleteActivity deletes an activity; tasks already waiting for it stay
// until they time out.
func (e *Engine) DeleteActivity(ctx context.Context, nameOrARN string) error {
	return store.DeleteActivity(ctx, e.pool, arn.Name(nameOrARN))
}

// parkActivity queues a Task on an activity for polling workers, with its
// token and its durable timeout and heartbeat checks: an activity
// resource, or a service integration bound to the activity
// (Config.ActivityBindings), whose history events stay Task events.
func (t *change) parkActivity(l *live, call *asl.TaskCall, activity string) (*asl.Decision, error) {
	if _, err := store.GetActivity(t.ctx, t.pg, activity); errors.Is(err, store.ErrNotFound) {
		return t.taskFailedNow(l, call, asl.NewError(asl.ErrorTaskFailed, "activity %s does not exist", activity)), nil
	} else if err != nil {
		return nil, err
	}
	token := *l.run.TaskToken
	tok := &store.TaskToken{Token: token, ExecutionID: t.exec.ID, RunID: l.run.ID, Seq: l.run.Seq}
	if err := store.InsertTaskToken(t.ctx, t.pg, tok); err != nil {
		return nil, err
	}
	task := &store.ActivityTask{Token: token, Activity: activity, ExecutionID: t.exec.ID, RunID: l.run.ID, Seq: l.run.Seq,
		Input: asl.EncodeJSON(call.Input)}
	if err := store.InsertActivityTask(t.ctx, t.pg, task); err != nil {
		return nil, err
	}
	t.scheduleChecks(l, call)
	t.scheduled(l, call, asl.EncodeJSON(call.Input))
	t.save(l)
	return nil, nil
}

// GetActivityTask waits up to wait (at most a minute) for a task of the
// activity and hands it to worker; it returns nil when none came.
func (e *Engine) GetActivityTask(ctx context.Context, nameOrARN, worker string, wait time.Duration) (*ActivityTask, error) {
	name := arn.Name(nameOrARN)
	if _, err := e.DescribeActivity(ctx, name); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(min(wait, time.Minute))
	for {
		task, err := e.claimActivityTask(ctx, name, worker)
		if task != nil || err != nil {
			return task, err
		}
		if time.Now().After(deadline) {
			return nil, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// claimActivityTask takes one waiting task and records ActivityStarted
// (TaskStarted for a service integration bound to the activity);
// tasks whose state moved on meanwhile are dropped.
func (e *Engine) claimActivityTask(ctx context.Context, activity, worker string) (*ActivityTask, error) {
	for {
		claimed, err := store.ClaimActivityTask(ctx, e.pool, activity, worker)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		stale := false
		err = e.inExecutionRun(ctx, claimed.ExecutionID, claimed.RunID, nil, func(t *change) error {
			l, err := t.current(claimed.RunID, claimed.Seq)
			if err != nil {
				stale = errors.Is(err, errStale)
				return err
			}
			t.runEvent(l, taskEvent(l, history.TaskStarted, history.ActivityStarted), map[string]any{"workerName": worker})
			return nil
		})
		if stale {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &ActivityTask{Token: claimed.Token, Input: claimed.Input}, nil
	}
}
