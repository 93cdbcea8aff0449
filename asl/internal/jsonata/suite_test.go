package jsonata

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// suiteCase is one case of the official JSONata test suite
// (jsonata-js/jsonata, test/test-suite/groups/*/case*.json).
type suiteCase struct {
	Expr            string          `json:"expr"`
	ExprFile        string          `json:"expr-file"`
	Dataset         *string         `json:"dataset"`
	Data            json.RawMessage `json:"data"`
	Bindings        map[string]any  `json:"bindings"`
	Result          json.RawMessage `json:"result"`
	UndefinedResult bool            `json:"undefinedResult"`
	Code            string          `json:"code"`
	Error           *struct {
		Code string `json:"code"`
	} `json:"error"`
}

// TestOfficialSuite runs the official JSONata test suite when
// JSONATA_SUITE names its test-suite folder (with groups/ and datasets/),
// and logs the pass rate. The suite is not vendored: fetch it with the
// jsonata-js repository.
func TestOfficialSuite(t *testing.T) {
	dir := os.Getenv("JSONATA_SUITE")
	if dir == "" {
		t.Skip("set JSONATA_SUITE to the jsonata-js test/test-suite folder to run the official suite")
	}
	files, err := filepath.Glob(filepath.Join(dir, "groups", "*", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases under %s/groups", dir)
	}
	passed, total := 0, 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cases []suiteCase
		if err := json.Unmarshal(raw, &cases); err != nil {
			var one suiteCase
			if err := json.Unmarshal(raw, &one); err != nil {
				continue
			}
			cases = []suiteCase{one}
		}
		for _, c := range cases {
			total++
			if runSuiteCase(dir, filepath.Dir(f), c) {
				passed++
			} else {
				t.Logf("FAIL %s: %s", strings.TrimPrefix(f, dir), c.Expr)
			}
		}
	}
	t.Logf("official JSONata suite: %d/%d passed (%.1f%%)", passed, total, 100*float64(passed)/float64(total))
}

func runSuiteCase(dir, groupDir string, c suiteCase) bool {
	expr := c.Expr
	if c.ExprFile != "" {
		b, err := os.ReadFile(filepath.Join(groupDir, c.ExprFile))
		if err != nil {
			return false
		}
		expr = string(b)
	}
	var input any
	switch {
	case c.Dataset != nil:
		b, err := os.ReadFile(filepath.Join(dir, "datasets", *c.Dataset+".json"))
		if err != nil {
			return false
		}
		input, _ = jsonvalue.Decode(b)
	case len(c.Data) > 0:
		input, _ = jsonvalue.Decode(c.Data)
	}
	wantCode := c.Code
	if c.Error != nil {
		wantCode = c.Error.Code
	}
	e, err := Compile(expr)
	if err == nil {
		var got any
		got, err = e.Eval(input, c.Bindings, &Env{})
		if err == nil {
			if wantCode != "" || c.UndefinedResult || len(c.Result) == 0 {
				return false
			}
			want, _ := jsonvalue.Decode(c.Result)
			return jsonvalue.Equal(got, want) || reflect.DeepEqual(got, want)
		}
	}
	if err == ErrUndefined {
		return c.UndefinedResult
	}
	je, ok := err.(*Error)
	return ok && wantCode != "" && je.Code == wantCode
}
