package asl_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
)

// abuseBudget is how long any one abusive definition may take to parse,
// validate and run: a detector of hangs and blow-ups (each case takes well
// under a second alone), not a benchmark.
const abuseBudget = 20 * time.Second

// bigArray is a JSON array of n zeros.
func bigArray(n int) string {
	return "[" + strings.TrimSuffix(strings.Repeat("0,", n), ",") + "]"
}

// within runs fn and fails the test when it takes longer than abuseBudget
// (the goroutine is left to finish; the test binary's -timeout ends it).
func within(t *testing.T, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(abuseBudget):
		t.Fatalf("took over %s", abuseBudget)
	}
}

// TestAbuseIntrinsicBombs runs intrinsic-function and JSONPath bombs: each
// ends within the budget with the documented error (or a small result),
// never by exhausting memory.
func TestAbuseIntrinsicBombs(t *testing.T) {
	t.Parallel()
	quotes := `"` + strings.Repeat(`\"`, 60_000) + `"` // 60,000 quote characters
	nestedJSON := strings.Repeat("[", 9_000) + strings.Repeat("]", 9_000)
	tests := []struct {
		name, state, input string
		// err is the error name the run fails with; "" means it succeeds
		// with want.
		err, want string
	}{
		{"ArrayRange over 1000 items",
			`{"Type":"Pass","Parameters":{"r.$":"States.ArrayRange(1, 1000000000, 1)"},"End":true}`, `{}`, asl.ErrorRuntime, ""},
		{"ArrayRange of the most 32-bit integers",
			`{"Type":"Pass","Parameters":{"r.$":"States.ArrayRange(-2147483648, 2147483647, 1)"},"End":true}`, `{}`, asl.ErrorRuntime, ""},
		{"ArrayRange beyond 32 bits",
			`{"Type":"Pass","Parameters":{"r.$":"States.ArrayRange(0, 9223372036854775807, 1)"},"End":true}`, `{}`, asl.ErrorRuntime, ""},
		{"ArrayRange at the limit",
			`{"Type":"Pass","Parameters":{"r.$":"States.ArrayLength(States.ArrayRange(1, 1000, 1))"},"End":true}`, `{}`, "", `{"r":1000}`},
		{"ArrayPartition into chunks of one",
			`{"Type":"Pass","Parameters":{"r.$":"States.ArrayPartition($.a, 1)"},"End":true}`, `{"a":` + bigArray(100_000) + `}`, asl.ErrorDataLimitExceeded, ""},
		{"ArrayPartition with the largest chunk",
			`{"Type":"Pass","Parameters":{"r.$":"States.ArrayLength(States.ArrayPartition($.a, 2147483647))"},"End":true}`, `{"a":` + bigArray(100_000) + `}`, "", `{"r":1}`},
		{"ArrayUnique of a large array",
			`{"Type":"Pass","Parameters":{"r.$":"States.ArrayUnique($.a)"},"End":true}`, `{"a":` + bigArray(100_000) + `}`, "", `{"r":[0]}`},
		{"JsonToString nested ten deep",
			`{"Type":"Pass","Parameters":{"r.$":"` + nest("States.JsonToString(", "$.s", ")", 10) + `"},"End":true}`, `{"s":` + quotes + `}`, asl.ErrorDataLimitExceeded, ""},
		{"StringToJson of JsonToString nested",
			`{"Type":"Pass","Parameters":{"r.$":"` + nest("States.StringToJson(States.JsonToString(", "$.s", "))", 5) + `"},"End":true}`, `{"s":"x"}`, "", `{"r":"x"}`},
		{"StringToJson of deeply nested text",
			`{"Type":"Pass","Parameters":{"r.$":"States.StringToJson($.s)"},"End":true}`, `{"s":"` + strings.Repeat("[", 100_000) + `"}`, asl.ErrorRuntime, ""},
		{"StringToJson of text nested 9,000 deep",
			`{"Type":"Pass","Parameters":{"r.$":"States.ArrayLength(States.StringToJson($.s))"},"End":true}`, `{"s":"` + nestedJSON + `"}`, "", `{"r":1}`},
		{"Array of the input many times",
			`{"Type":"Pass","Parameters":{"r.$":"States.Array(` + strings.TrimSuffix(strings.Repeat("$, ", 1000), ", ") + `)"},"End":true}`, `{"a":` + bigArray(100_000) + `}`, asl.ErrorDataLimitExceeded, ""},
		{"Format of the input many times",
			`{"Type":"Pass","Parameters":{"r.$":"States.Format('` + strings.Repeat("{}", 100) + `'` + strings.Repeat(", $.s", 100) + `)"},"End":true}`, `{"s":"` + strings.Repeat("x", 200_000) + `"}`, asl.ErrorDataLimitExceeded, ""},
		{"Parameters copying the input many times",
			`{"Type":"Pass","Parameters":{` + manyFields(2000, "$") + `},"End":true}`, `{"a":` + bigArray(100_000) + `}`, asl.ErrorDataLimitExceeded, ""},
		{"recursive descent on a large input",
			`{"Type":"Pass","Parameters":{"r.$":"States.ArrayLength($..*)"},"End":true}`, `{"a":` + bigArray(100_000) + `}`, "", `{"r":100001}`},
		{"recursive descent on a deep input",
			`{"Type":"Pass","Parameters":{"r.$":"$..*"},"End":true}`, `{"a":` + nestedJSON + `}`, asl.ErrorDataLimitExceeded, ""},
		{"filter on a large input",
			`{"Type":"Pass","Parameters":{"r.$":"States.ArrayLength($.a[?(@ == 0)])"},"End":true}`, `{"a":` + bigArray(100_000) + `}`, "", `{"r":100000}`},
		{"recursive filter on a deep input",
			`{"Type":"Pass","Parameters":{"r.$":"States.ArrayLength($..[?(@.x == 1)])"},"End":true}`, `{"a":` + nestedJSON + `}`, "", `{"r":0}`},
		{"Map ItemSelector copying the input many times",
			`{"Type":"Map","ItemsPath":"$.a","ItemSelector":{` + manyFields(10, "$") + `},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`,
			`{"a":` + bigArray(50_000) + `}`, asl.ErrorDataLimitExceeded, ""},
		{"Task parameters copying the input many times",
			`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{` + manyFields(2000, "$") + `},"End":true}`, `{"a":` + bigArray(100_000) + `}`, asl.ErrorDataLimitExceeded, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			within(t, func() {
				m, err := asl.Parse([]byte(single(tt.state)))
				require.NoError(t, err)
				in, err := asl.DecodeJSON([]byte(tt.input))
				require.NoError(t, err)
				tasks := func(context.Context, *asl.TaskCall, string) (any, error) { return map[string]any{}, nil }
				res, err := runner.Run(context.Background(), m, in, &runner.Config{Tasks: tasks, Start: testStart, NoEvents: true})
				require.NoError(t, err)
				if tt.err != "" {
					requireError(t, res, tt.err)
					return
				}
				requireOutput(t, res, tt.want)
			})
		})
	}
}

// nest wraps inner in n pairs of open and close.
func nest(open, inner, close string, n int) string {
	return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
}

// parallels is a machine of n Parallel states nested in each other.
func parallels(n int) string {
	def := single(`{"Type":"Pass","End":true}`)
	for i := range n {
		def = `{"StartAt":"P` + strconv.Itoa(i) + `","States":{"P` + strconv.Itoa(i) + `":{"Type":"Parallel","End":true,"Branches":[` + def + `]}}}`
	}
	return def
}

// manyFields is n payload template fields "fI.$": path.
func manyFields(n int, path string) string {
	fields := make([]string, n)
	for i := range fields {
		fields[i] = fmt.Sprintf(`"f%d.$":%q`, i, path)
	}
	return strings.Join(fields, ",")
}

// TestAbuseDefinitions parses and validates definitions that are huge,
// deeply nested or not UTF-8: each gives an answer within the budget and
// none panics.
func TestAbuseDefinitions(t *testing.T) {
	t.Parallel()
	var chain strings.Builder
	chain.WriteString(`{"StartAt":"S0","States":{`)
	for i := range 10_000 {
		if i > 0 {
			chain.WriteString(",")
		}
		next := `"Next":"S` + strconv.Itoa(i+1) + `"`
		if i == 9_999 {
			next = `"End":true`
		}
		chain.WriteString(`"S` + strconv.Itoa(i) + `":{"Type":"Pass",` + next + `}`)
	}
	chain.WriteString(`}}`)
	tests := []struct {
		name, definition string
		// code is the code of the diagnostic; "" means valid.
		code string
	}{
		{"10,000 states", chain.String(), ""},
		{"over 1 MiB", single(`{"Type":"Pass","Result":"` + strings.Repeat("x", asl.MaxDefinitionSize) + `","End":true}`), asl.CodeDefinitionTooLarge},
		{"nested 100,000 deep", strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000), asl.CodeDefinitionTooDeep},
		{"objects nested 100,000 deep", strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000), asl.CodeDefinitionTooDeep},
		{"Parameters nested 9,000 deep", single(`{"Type":"Pass","Parameters":` + nest(`{"a":`, "1", "}", 9_000) + `,"End":true}`), asl.CodeDefinitionTooDeep},
		{"Parameters nested 50 deep", single(`{"Type":"Pass","Parameters":` + nest(`{"a":`, "1", "}", 50) + `,"End":true}`), ""},
		{"brackets in strings do not count", single(`{"Type":"Pass","Result":"` + strings.Repeat(`[{\"`, 1000) + `","End":true}`), ""},
		{"Parallel nested 500 deep", nest(`{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[`, single(`{"Type":"Pass","End":true}`), `]}}}`, 500), asl.CodeDefinitionTooDeep},
		{"Parallel nested 10 deep", parallels(10), ""},
		{"Choice rule of 1,000 nested Nots", single(`{"Type":"Choice","Default":"S","Choices":[{"Next":"S",` + nest(`"Not":{`, `"Variable":"$.a","IsPresent":true`, "}", 1000) + `}]}`), asl.CodeDefinitionTooDeep},
		{"invalid UTF-8 in a state name", "{\"StartAt\":\"S\xff\",\"States\":{\"S\xff\":{\"Type\":\"Pass\",\"End\":true}}}", ""},
		{"invalid UTF-8 in a Result", single("{\"Type\":\"Pass\",\"Result\":\"\xc3\x28\",\"End\":true}"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			within(t, func() {
				diags := asl.Validate([]byte(tt.definition))
				if tt.code == "" {
					require.Empty(t, diags)
					_, err := asl.Parse([]byte(tt.definition))
					require.NoError(t, err)
					return
				}
				require.Len(t, diags, 1)
				require.Equal(t, tt.code, diags[0].Code, diags[0].Message)
			})
		})
	}
}
