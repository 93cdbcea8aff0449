package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// TestValidateMachineSpecResources checks that a definition is refused
// for a Task resource AWS does not recognise, wherever the Task is, while
// every form Stepwise runs or will run (nested executions) is accepted.
func TestValidateMachineSpecResources(t *testing.T) {
	t.Parallel()
	task := func(resource string) string {
		return `{"Type":"Task","Resource":"` + resource + `","End":true}`
	}
	tests := []struct {
		name       string
		definition string
		pointer    string // empty when valid
		message    string
	}{
		{"every accepted form", `{"StartAt":"A","States":{
			"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f:prod","Next":"B"},
			"B":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName.$":"$.fn"},"Next":"C"},
			"C":{"Type":"Task","Resource":"arn:aws:states:::activity:approve","Next":"D"},
			"D":{"Type":"Task","Resource":"stepwise:function:ask.waitForTaskToken","Next":"E"},
			"E":{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun.sync:2","Next":"F"},
			"F":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:sfn:startExecution","Next":"G"},
			"G":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution","Next":"H"},
			"H":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync","Next":"I"},
			"I":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Next":"J"},
			"J":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.waitForTaskToken","Next":"K"},
			"K":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","End":true}}}`, "", ""},
		{"top level", `{"StartAt":"S","States":{"S":` + task("foo:bar") + `}}`,
			"/States/S/Resource", "The resource provided foo:bar is not recognized"},
		{"Parallel branch", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"Ok","States":{"Ok":` + task("arn:aws:states:::sns:publish") + `}},
			{"StartAt":"Bad","States":{"Bad":` + task("arn:aws:states:::lambda:invoke.sync") + `}}]}}}`,
			"/States/P/Branches/1/States/Bad/Resource", "lambda:invoke.sync is not supported"},
		{"Map ItemProcessor", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{
			"StartAt":"a/b","States":{"a/b":` + task("arn:aws:states:::aws-sdk:s3:getObject.sync") + `}}}}}`,
			"/States/M/ItemProcessor/States/a~1b/Resource", "AWS SDK integrations do not support .sync"},
		{"Map Iterator", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"Iterator":{
			"StartAt":"T","States":{"T":` + task("arn:aws:swf:us-east-1:123456789012:task:X") + `}}}}}`,
			"/States/M/Iterator/States/T/Resource", `service "swf" is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			diags := engine.ValidateMachineSpec(engine.MachineSpec{Definition: tt.definition})
			if tt.pointer == "" {
				require.Empty(t, diags)
				return
			}
			require.Len(t, diags, 1, "%v", diags)
			require.Equal(t, "SCHEMA_VALIDATION_FAILED", diags[0].Code)
			require.Equal(t, tt.pointer, diags[0].Pointer)
			require.Contains(t, diags[0].Message, tt.message)
		})
	}
}

// TestCreateStateMachineResource checks that CreateStateMachine and
// UpdateStateMachine refuse an unrecognised resource.
func TestCreateStateMachineResource(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := testengine.New(t, nil, nil)
	bad := single(`{"Type":"Task","Resource":"arn:aws:states:::activity:a.waitForTaskToken","End":true}`)
	_, _, err := e.CreateStateMachine(ctx, "bad", engine.MachineSpec{Definition: bad})
	require.ErrorIs(t, err, engine.ErrInvalidDefinition)
	require.ErrorContains(t, err, "/States/S/Resource")
	_, _, err = e.CreateStateMachine(ctx, "good", engine.MachineSpec{Definition: single(`{"Type":"Pass","End":true}`)})
	require.NoError(t, err)
	_, err = e.UpdateStateMachine(ctx, "good", engine.MachineSpec{Definition: bad})
	require.ErrorIs(t, err, engine.ErrInvalidDefinition)
}
