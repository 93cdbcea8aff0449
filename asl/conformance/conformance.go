// Package conformance runs the ASL conformance corpus (real AWS Step
// Functions recordings) against an executor and scores the results: the
// execution cases under cases/ and the validation fixtures under
// validation/. See the corpus README for the file format and pass rule.
package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Case is one recorded execution.
type Case struct {
	Name       string
	Source     string
	Definition []byte
	Input      any
	Expect     Expect
	// Events are the recorded history event types; nil when not recorded.
	Events []string
	// JSONPathOnly is set when the case uses neither JSONata nor variables.
	JSONPathOnly bool
}

// Expect is how the recorded execution ended.
type Expect struct {
	Status   string
	Output   any
	Error    string
	HasError bool
	Cause    string
	HasCause bool
}

// Outcome is how an executor's run of a case ended.
type Outcome struct {
	Status string
	Output any
	Error  string
	Cause  string
	Events []string
}

// Executor runs one case.
type Executor func(ctx context.Context, c *Case) (*Outcome, error)

type caseFile struct {
	Name       string          `json:"name"`
	Source     string          `json:"source"`
	Definition json.RawMessage `json:"definition"`
	Input      json.RawMessage `json:"input"`
	Expect     struct {
		Status string          `json:"status"`
		Output json.RawMessage `json:"output"`
		Error  *string         `json:"error"`
		Cause  *string         `json:"cause"`
	} `json:"expect"`
	Events []string `json:"events"`
}

// LoadCases reads every *.json case below dir, sorted by name.
func LoadCases(dir string) ([]*Case, error) {
	var cases []*Case
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		c, err := loadCase(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		cases = append(cases, c)
		return nil
	})
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
	return cases, err
}

func loadCase(path string) (*Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f caseFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	c := &Case{Name: f.Name, Source: f.Source, Definition: f.Definition, Events: f.Events}
	if c.Input, err = decodeOptional(f.Input); err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	c.Expect.Status = f.Expect.Status
	if c.Expect.Output, err = decodeOptional(f.Expect.Output); err != nil {
		return nil, fmt.Errorf("expect.output: %w", err)
	}
	if f.Expect.Error != nil {
		c.Expect.Error, c.Expect.HasError = *f.Expect.Error, true
	}
	if f.Expect.Cause != nil {
		c.Expect.Cause, c.Expect.HasCause = *f.Expect.Cause, true
	}
	def := string(f.Definition)
	c.JSONPathOnly = !strings.Contains(def, `"JSONata"`) && !strings.Contains(def, `"Assign"`) && !strings.Contains(def, "{%")
	return c, nil
}

func decodeOptional(raw json.RawMessage) (any, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	return jsonvalue.Decode(raw)
}

// Result is the verdict on one case.
type Result struct {
	Case    *Case
	Outcome *Outcome
	Err     error
	Passed  bool
	// CauseChecked and CauseMatched score the cause text; EventsChecked and
	// EventsMatched the history event types.
	CauseChecked, CauseMatched   bool
	EventsChecked, EventsMatched bool
}

// Judge applies the corpus's pass rule to an outcome.
func Judge(c *Case, o *Outcome, runErr error) Result {
	r := Result{Case: c, Outcome: o, Err: runErr}
	if runErr != nil || o == nil {
		return r
	}
	if o.Status == c.Expect.Status {
		switch c.Expect.Status {
		case "SUCCEEDED":
			r.Passed = jsonvalue.Equal(o.Output, c.Expect.Output)
		default:
			r.Passed = o.Error == c.Expect.Error
		}
	}
	if c.Expect.Status == "FAILED" && c.Expect.HasCause {
		r.CauseChecked = true
		r.CauseMatched = o.Status == "FAILED" && o.Cause == c.Expect.Cause
	}
	if c.Events != nil {
		r.EventsChecked = true
		r.EventsMatched = strings.Join(o.Events, ",") == strings.Join(c.Events, ",")
	}
	return r
}

// Run executes every case and judges it.
func Run(ctx context.Context, cases []*Case, exec Executor) []Result {
	results := make([]Result, 0, len(cases))
	for _, c := range cases {
		o, err := exec(ctx, c)
		results = append(results, Judge(c, o, err))
	}
	return results
}
