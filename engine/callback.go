package engine

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// SendTaskSuccess completes the callback task that handed out token with
// output (JSON).
func (e *Engine) SendTaskSuccess(ctx context.Context, token, output string) error {
	release, err := e.admit()
	if err != nil {
		return err
	}
	defer release()
	if len(output) > asl.PayloadLimit {
		return fmt.Errorf("%w: %d bytes is over the %d-byte limit", ErrInvalidOutput, len(output), asl.PayloadLimit)
	}
	result, err := asl.DecodeJSON([]byte(output))
	if err != nil {
		return fmt.Errorf("%w: not valid JSON: %v", ErrInvalidOutput, err)
	}
	return e.callback(ctx, token, func(t *change, l *live) error { return t.taskDone(l, result, nil) })
}

// SendTaskFailure fails the callback task that handed out token.
// An error over 256 characters or a cause over 32,768 is ErrValidation,
// as AWS answers it.
func (e *Engine) SendTaskFailure(ctx context.Context, token, errName, cause string) error {
	if err := checkFailure(errName, cause); err != nil {
		return err
	}
	release, err := e.admit()
	if err != nil {
		return err
	}
	defer release()
	failure := &asl.Error{Name: errName, Cause: cause}
	if failure.Name == "" {
		failure.Name = asl.ErrorTaskFailed
	}
	return e.callback(ctx, token, func(t *change, l *live) error { return t.taskDone(l, nil, failure) })
}

// SendTaskHeartbeat records that the callback task of token is alive.
func (e *Engine) SendTaskHeartbeat(ctx context.Context, token string) error {
	release, err := e.admit()
	if err != nil {
		return err
	}
	defer release()
	tok, err := e.openToken(ctx, token)
	if err != nil {
		return err
	}
	if err := store.TouchHeartbeat(ctx, e.pool, tok.RunID, tok.Seq); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: the task has already closed", ErrTaskTimedOut)
	} else if err != nil {
		return err
	}
	return nil
}

// openToken checks a token's shape and that its task is still open.
func (e *Engine) openToken(ctx context.Context, token string) (*store.TaskToken, error) {
	if !validToken(token) {
		return nil, fmt.Errorf("%w: a task token is 43 characters of URL-safe base64", ErrInvalidToken)
	}
	tok, err := store.GetTaskToken(ctx, e.pool, token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: no task was given this token", ErrTaskDoesNotExist)
	}
	if err != nil {
		return nil, err
	}
	if tok.Closed {
		return nil, fmt.Errorf("%w: the task has already closed", ErrTaskTimedOut)
	}
	return tok, nil
}

// callback closes the task of token and applies done to its run, in one
// transaction; a second callback for the same token finds it closed.
func (e *Engine) callback(ctx context.Context, token string, done func(*change, *live) error) error {
	tok, err := e.openToken(ctx, token)
	if err != nil {
		return err
	}
	return e.inExecution(ctx, tok.ExecutionID, nil, func(t *change) error {
		again, err := store.GetTaskToken(t.ctx, t.pg, token)
		if err != nil {
			return err
		}
		l, err := t.current(tok.RunID, tok.Seq)
		if again.Closed || errors.Is(err, errStale) {
			return fmt.Errorf("%w: the task has already closed", ErrTaskTimedOut)
		}
		if err != nil {
			return err
		}
		if err := store.CloseTaskToken(t.ctx, t.pg, token); err != nil {
			return err
		}
		if err := t.cancelTask(l); err != nil {
			return err
		}
		return done(t, l)
	})
}

// AWS's limits on the error and cause of SendTaskFailure and
// StopExecution, in characters.
const (
	maxErrorLength = 256
	maxCauseLength = 32768
)

// checkFailure applies AWS's length limits to an error and cause given
// by a client, with AWS's ValidationException message.
func checkFailure(errName, cause string) error {
	var broken []string
	if utf8.RuneCountInString(errName) > maxErrorLength {
		broken = append(broken, fmt.Sprintf("Value at 'error' failed to satisfy constraint: Member must have length less than or equal to %d", maxErrorLength))
	}
	if utf8.RuneCountInString(cause) > maxCauseLength {
		broken = append(broken, fmt.Sprintf("Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to %d", maxCauseLength))
	}
	switch len(broken) {
	case 0:
		return nil
	case 1:
		return validationf("1 validation error detected: %s", broken[0])
	}
	return validationf("2 validation errors detected: %s; %s", broken[0], broken[1])
}
