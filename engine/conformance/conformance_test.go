package conformance_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	aslconformance "github.com/stepwise-run/stepwise/asl/conformance"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/engine/conformance"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// newEngine starts a driving engine on a fresh database.
func newEngine(t *testing.T) *engine.Engine {
	return testengine.Start(t, testkit.NewPool(t), &engine.Config{Drive: true, FetchPollInterval: 20 * time.Millisecond})
}

// TestDurableMatchesMemory runs every case (JSONPath, JSONata and
// variables) on the durable engine and requires every case the in-memory
// runner passes to pass durably too.
func TestDurableMatchesMemory(t *testing.T) {
	t.Parallel()
	corpus := testkit.Corpus("cases")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("conformance corpus not found at %s", corpus)
	}
	cases, err := aslconformance.LoadCases(corpus)
	require.NoError(t, err)
	require.NotEmpty(t, cases)
	ctx := context.Background()
	memory := aslconformance.Run(ctx, cases, aslconformance.Memory)
	durable := conformance.Run(ctx, newEngine(t), cases, nil)

	var report strings.Builder
	report.WriteString("in memory:\n")
	aslconformance.WriteSummary(&report, memory)
	report.WriteString("durable:\n")
	aslconformance.WriteSummary(&report, durable)
	diffs := conformance.Differences(memory, durable)
	conformance.WriteDifferences(&report, diffs)
	t.Log("\n" + report.String())

	for _, d := range diffs {
		if d.Reference.Passed && !d.Durable.Passed {
			t.Errorf("%s passes in memory but not durably", d.Case.Name)
		}
	}
}

// TestExecutor runs single cases one at a time.
func TestExecutor(t *testing.T) {
	t.Parallel()
	exec := conformance.Executor(newEngine(t))
	tests := []struct {
		name       string
		definition string
		input      any
		status     string
		output     any
		errName    string
		events     []string
	}{
		{"pass", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"a":1},"End":true}}}`, map[string]any{},
			"SUCCEEDED", map[string]any{"a": int64(1)}, "",
			[]string{history.ExecutionStarted, history.PassStateEntered, history.PassStateExited, history.ExecutionSucceeded}},
		{"wait", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}`, "x",
			"SUCCEEDED", "x", "",
			[]string{history.ExecutionStarted, history.WaitStateEntered, history.WaitStateExited, history.ExecutionSucceeded}},
		{"fail", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"c"}}}`, nil,
			"FAILED", nil, "E",
			[]string{history.ExecutionStarted, history.FailStateEntered, history.ExecutionFailed}},
		{"jsonata", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% 1 %}","End":true}}}`, nil,
			"SUCCEEDED", int64(1), "",
			[]string{history.ExecutionStarted, history.PassStateEntered, history.PassStateExited, history.ExecutionSucceeded}},
		{"variables in inline and distributed Map", `{"QueryLanguage":"JSONata","StartAt":"A","States":{
			"A":{"Type":"Pass","Assign":{"x":1},"Next":"I"},
			"I":{"Type":"Map","Items":[0],"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Assign":{"y":2},"Output":"{% $exists($x) %}","End":true}}},"Output":"{% $states.result[0] %}","Next":"D"},
			"D":{"Type":"Map","Items":[0],"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"Q","States":{"Q":{"Type":"Pass","Output":"{% $exists($x) %}","End":true}}},"Output":"{% [$states.input, $states.result[0], $x, $exists($y)] %}","End":true}}}`, nil,
			"SUCCEEDED", []any{true, false, int64(1), false}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &aslconformance.Case{Name: "executor/" + tt.name, Definition: []byte(tt.definition), Input: tt.input}
			o, err := exec(context.Background(), c)
			require.NoError(t, err)
			require.Equal(t, tt.status, o.Status, "cause %s", o.Cause)
			require.Equal(t, tt.output, o.Output)
			require.Equal(t, tt.errName, o.Error)
			if tt.events != nil {
				require.Equal(t, tt.events, o.Events)
			}
		})
	}
}

// TestMachineName checks that case names become valid, distinct machine
// names.
func TestMachineName(t *testing.T) {
	t.Parallel()
	a := conformance.MachineName(&aslconformance.Case{Name: "base/wait seconds", Definition: []byte(`{}`)})
	b := conformance.MachineName(&aslconformance.Case{Name: "base/wait seconds", Definition: []byte(`{"x":1}`)})
	require.NotEqual(t, a, b, "a changed definition gets a new machine")
	require.Regexp(t, `^conformance\.base\.wait\.seconds-[0-9a-f]{12}$`, a)
	long := conformance.MachineName(&aslconformance.Case{Name: strings.Repeat("x", 200)})
	require.LessOrEqual(t, len(long), 80)
}
