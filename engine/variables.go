package engine

import (
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// variables returns the workflow variables run l sees, reading them on
// first use: the run's own, or those of the run it was forked from. A
// definition that never assigns any costs no query.
func (t *change) variables(l *live) map[string]any {
	if !t.top.Assigns {
		return nil
	}
	if !l.varsRead {
		l.varsRead = true
		text, err := store.RunVariables(t.ctx, t.pg, l.run.ID)
		if err == nil && text != "" {
			if v, derr := asl.DecodeJSON([]byte(text)); derr == nil {
				l.vars, _ = v.(map[string]any)
			}
		}
	}
	return l.vars
}

// assign applies a decision's assignments to run l's variables and queues
// their write with the transaction's other writes.
func (t *change) assign(l *live, assign map[string]any) error {
	if len(assign) == 0 {
		return nil
	}
	l.vars = asl.Merge(t.variables(l), assign)
	return store.SaveRunVariables(t.ctx, t.pg, l.run.ID, asl.EncodeJSON(l.vars))
}

// assigned renders assignments as AWS's assignedVariables: each value as
// JSON text.
func assigned(assign map[string]any) map[string]any {
	out := make(map[string]any, len(assign))
	for k, v := range assign {
		out[k] = asl.EncodeJSON(v)
	}
	return out
}

// evaluationFailed records AWS's EvaluationFailed event for a state that
// failed evaluating a JSONata expression, then MapStateFailed or
// ParallelStateFailed for those states.
func (t *change) evaluationFailed(l *live, e *asl.Error) {
	if e == nil || e.Name != asl.ErrorQueryEvaluationError {
		return
	}
	details := map[string]any{"error": e.Name, "cause": e.Cause}
	t.runEvent(l, history.EvaluationFailed, details)
	switch l.stateType() {
	case "Map":
		t.runEvent(l, history.MapStateFailed, details)
	case "Parallel":
		t.runEvent(l, history.ParallelStateFailed, details)
	}
}
