package choice

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/internal/failure"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
	"github.com/stepwise-run/stepwise/internal/testkit"
)

// conformanceDir holds the recorded AWS executions, relative to this
// package.
var conformanceDir = testkit.Corpus("cases")

// outcome is how an execution ends: a status with an output or an error.
type outcome struct {
	status string // SUCCEEDED or FAILED
	output any
	err    string
}

func (o outcome) String() string {
	if o.status == "FAILED" {
		return "FAILED " + o.err
	}
	return "SUCCEEDED " + jsonvalue.String(o.output)
}

// conformanceCase is one recorded execution whose first state is a Choice.
type conformanceCase struct {
	name   string
	input  any
	states map[string]any
	start  string
	choice map[string]any
	expect outcome
}

// TestConformance runs the Choice rules of every JSONPath case whose first
// state is a Choice against the recorded AWS result. Each case is reduced to
// the branch the rules pick; the test follows that branch one state (a Pass
// with End, Succeed or Fail) to predict the execution's outcome. Cases with
// any other shape are skipped with a log line.
func TestConformance(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(conformanceDir); err != nil {
		t.Skipf("conformance corpus not found at %s", conformanceDir)
	}
	cases := loadConformanceCases(t)
	var checked, passed, discriminating, skipped int
	for _, c := range cases {
		got, others, why := runConformanceCase(t, c)
		if why != "" {
			skipped++
			t.Logf("skip %s: %s", c.name, why)
			continue
		}
		checked++
		if sameOutcome(got, c.expect) {
			passed++
		} else {
			t.Errorf("%s: rules lead to %s, AWS recorded %s", c.name, got, c.expect)
			continue
		}
		if !others {
			discriminating++
		}
	}
	t.Logf("conformance: %d Choice cases, %d checked, %d passed (%d where no other branch gives the recorded result), %d skipped",
		len(cases), checked, passed, discriminating, skipped)
	require.NotZero(t, checked)
}

// loadConformanceCases reads every JSONPath case that starts with a Choice.
func loadConformanceCases(t *testing.T) []conformanceCase {
	t.Helper()
	var cases []conformanceCase
	err := filepath.WalkDir(conformanceDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte("{%")) || bytes.Contains(data, []byte(`"JSONata"`)) || bytes.Contains(data, []byte(`"Assign"`)) {
			return nil
		}
		if c, ok := decodeConformanceCase(t, data); ok {
			cases = append(cases, c)
		}
		return nil
	})
	require.NoError(t, err)
	return cases
}

func decodeConformanceCase(t *testing.T, data []byte) (conformanceCase, bool) {
	t.Helper()
	raw, err := jsonvalue.Decode(data)
	require.NoError(t, err)
	doc := raw.(map[string]any)
	def, _ := doc["definition"].(map[string]any)
	states, _ := def["States"].(map[string]any)
	start, _ := def["StartAt"].(string)
	choice, _ := states[start].(map[string]any)
	if choice == nil || choice["Type"] != "Choice" {
		return conformanceCase{}, false
	}
	expect := doc["expect"].(map[string]any)
	want := outcome{status: expect["status"].(string), output: expect["output"]}
	want.err, _ = expect["error"].(string)
	name, _ := doc["name"].(string)
	return conformanceCase{name: name, input: doc["input"], states: states, start: start, choice: choice, expect: want}, true
}

// runConformanceCase predicts the case's outcome from the Choice rules. It
// reports whether another branch of the Choice would predict the same
// outcome, or why the case cannot be checked.
func runConformanceCase(t *testing.T, c conformanceCase) (got outcome, others bool, why string) {
	for key := range c.choice {
		if key != "Type" && key != "Choices" && key != "Default" && key != "Comment" {
			return outcome{}, false, "the Choice state has " + key
		}
	}
	rules, err := parseChoices(c)
	var pe *ParseError
	if errors.As(err, &pe) && strings.Contains(pe.Message, "must be a Reference Path") {
		// AWS accepted this path; package jsonpath cannot compile it yet.
		return outcome{}, false, "package jsonpath rejects a path AWS accepts: " + err.Error()
	}
	require.NoError(t, err, c.name)
	ctx := map[string]any{
		"Execution":    map[string]any{"Id": "arn:aws:states:us-east-1:111122223333:execution:sm:run", "Input": c.input, "Name": "run"},
		"State":        map[string]any{"Name": c.start, "EnteredTime": "2024-01-01T00:00:00Z"},
		"StateMachine": map[string]any{"Id": "arn:aws:states:us-east-1:111122223333:stateMachine:sm", "Name": "sm"},
	}
	targets := branchTargets(c, rules)
	predicted := map[string]outcome{}
	for _, target := range targets {
		o, why := followBranch(c, target)
		if why != "" {
			return outcome{}, false, why
		}
		predicted[target] = o
	}
	got = pickBranch(rules, c, ctx, predicted)
	return got, countMatches(predicted, c.expect) > 1, ""
}

func parseChoices(c conformanceCase) ([]*Rule, error) {
	list, _ := c.choice["Choices"].([]any)
	rules := make([]*Rule, len(list))
	for i, item := range list {
		obj, _ := item.(map[string]any)
		r, err := Parse(obj, "/States/"+c.start+"/Choices/"+strconv.Itoa(i), true)
		if err != nil {
			return nil, err
		}
		rules[i] = r
	}
	return rules, nil
}

// branchTargets lists every state the Choice can go to; "" stands for no
// match without a Default.
func branchTargets(c conformanceCase, rules []*Rule) []string {
	seen := map[string]bool{}
	var targets []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			targets = append(targets, s)
		}
	}
	for _, r := range rules {
		add(r.Next)
	}
	def, _ := c.choice["Default"].(string)
	add(def)
	return targets
}

// pickBranch evaluates the rules in order, as the Choice state does.
func pickBranch(rules []*Rule, c conformanceCase, ctx any, predicted map[string]outcome) outcome {
	for _, r := range rules {
		ok, err := r.Match(c.input, ctx)
		if err != nil {
			var fe *failure.Error
			if errors.As(err, &fe) {
				return outcome{status: "FAILED", err: fe.Name}
			}
			return outcome{status: "FAILED", err: err.Error()}
		}
		if ok {
			return predicted[r.Next]
		}
	}
	def, _ := c.choice["Default"].(string)
	return predicted[def]
}

// followBranch predicts the outcome of going to target with the Choice's
// input, which a Choice passes on unchanged.
func followBranch(c conformanceCase, target string) (outcome, string) {
	if target == "" {
		return outcome{status: "FAILED", err: failure.NoChoiceMatched}, ""
	}
	st, _ := c.states[target].(map[string]any)
	typ, _ := st["Type"].(string)
	allowed := map[string]bool{"Type": true, "Comment": true}
	switch typ {
	case "Pass":
		allowed["End"], allowed["Result"] = true, true
	case "Fail":
		allowed["Error"], allowed["Cause"] = true, true
	case "Succeed":
	default:
		return outcome{}, fmt.Sprintf("branch %q leads to a %s state", target, typ)
	}
	for key := range st {
		if !allowed[key] {
			return outcome{}, fmt.Sprintf("branch %q leads to a %s state with %s", target, typ, key)
		}
	}
	switch typ {
	case "Pass":
		if st["End"] != true {
			return outcome{}, fmt.Sprintf("branch %q leads to a Pass state that does not end", target)
		}
		if result, ok := st["Result"]; ok {
			return outcome{status: "SUCCEEDED", output: result}, ""
		}
	case "Fail":
		name, _ := st["Error"].(string)
		return outcome{status: "FAILED", err: name}, ""
	}
	return outcome{status: "SUCCEEDED", output: c.input}, ""
}

func sameOutcome(a, b outcome) bool {
	if a.status != b.status {
		return false
	}
	if a.status == "FAILED" {
		return a.err == b.err
	}
	return jsonvalue.Equal(a.output, b.output)
}

func countMatches(predicted map[string]outcome, want outcome) int {
	n := 0
	for _, o := range predicted {
		if sameOutcome(o, want) {
			n++
		}
	}
	return n
}
