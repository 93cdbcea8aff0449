package teststate_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/teststate"
)

// FuzzEvaluate tests the states of arbitrary machines on arbitrary inputs
// and mocks: Evaluate may refuse a request but never panic, and every
// answer has a known status.
func FuzzEvaluate(f *testing.F) {
	f.Add(machine, "T", `{"amount":1}`, `{"Payload":1,"StatusCode":200}`, "", 0)
	f.Add(machine, "M", `{"items":[1,2]}`, `[1]`, "", 1)
	f.Add(machine, "Par", `{}`, ``, "Boom", 0)
	f.Add(machine, "C", `{"n":"x"}`, ``, "", 0)
	f.Fuzz(func(t *testing.T, def, state, input, result, errName string, retries int) {
		m, err := asl.Parse([]byte(def))
		if err != nil {
			return
		}
		st, ok := m.Find(state)
		in, ierr := asl.DecodeJSON([]byte(input))
		if !ok || ierr != nil {
			return
		}
		req := &teststate.Request{State: st, Input: in, Context: &asl.Context{Now: start}, Level: teststate.LevelDebug,
			Settings: teststate.Settings{RetrierRetryCount: retries % 5}}
		if v, err := asl.DecodeJSON([]byte(result)); err == nil {
			req.Mock = &teststate.Mock{Result: v, HasResult: true, FieldValidationMode: teststate.ValidationNone}
		} else if errName != "" {
			req.Mock = &teststate.Mock{Error: &asl.Error{Name: errName}}
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var res *teststate.Result
		done := make(chan struct{})
		go func() {
			defer close(done)
			res, err = teststate.Evaluate(ctx, req)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			panic(fmt.Sprintf("Evaluate took over 5 s on state %q of %q, input %q", state, def, input))
		}
		if err != nil {
			if !errors.Is(err, teststate.ErrInvalidRequest) && ctx.Err() == nil {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		switch res.Status {
		case teststate.StatusSucceeded, teststate.StatusFailed, teststate.StatusRetriable, teststate.StatusCaughtError:
		default:
			t.Fatalf("unknown status %q", res.Status)
		}
	})
}
