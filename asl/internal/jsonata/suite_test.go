package jsonata

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"

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

// loadedCase is a suiteCase with its expression, input and expected
// error code read.
type loadedCase struct {
	suiteCase
	Name     string
	Src      string
	Input    any
	WantCode string
}

// suiteCases reads every case of the official suite under dir.
func suiteCases(dir string) ([]loadedCase, error) {
	files, err := filepath.Glob(filepath.Join(dir, "groups", "*", "*.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no cases under %s/groups", dir)
	}
	var out []loadedCase
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var cases []suiteCase
		if err := json.Unmarshal(raw, &cases); err != nil {
			var one suiteCase
			if err := json.Unmarshal(raw, &one); err != nil {
				continue
			}
			cases = []suiteCase{one}
		}
		for i, c := range cases {
			l, ok := loadCase(dir, filepath.Dir(f), c)
			if ok {
				l.Name = fmt.Sprintf("%s#%d", strings.TrimPrefix(f, dir), i)
				out = append(out, l)
			}
		}
	}
	return out, nil
}

func loadCase(dir, groupDir string, c suiteCase) (loadedCase, bool) {
	l := loadedCase{suiteCase: c, Src: c.Expr, WantCode: c.Code}
	if c.ExprFile != "" {
		b, err := os.ReadFile(filepath.Join(groupDir, c.ExprFile))
		if err != nil {
			return l, false
		}
		l.Src = string(b)
	}
	switch {
	case c.Dataset != nil:
		b, err := os.ReadFile(filepath.Join(dir, "datasets", *c.Dataset+".json"))
		if err != nil {
			return l, false
		}
		l.Input, _ = jsonvalue.Decode(b)
	case len(c.Data) > 0:
		l.Input, _ = jsonvalue.Decode(c.Data)
	}
	if c.Error != nil {
		l.WantCode = c.Error.Code
	}
	return l, true
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
	cases, err := suiteCases(dir)
	if err != nil {
		t.Fatal(err)
	}
	passed := 0
	for _, c := range cases {
		if runSuiteCase(c) {
			passed++
		} else {
			t.Logf("FAIL %s: %s", c.Name, c.Src)
		}
	}
	t.Logf("official JSONata suite: %d/%d passed (%.1f%%)", passed, len(cases), 100*float64(passed)/float64(len(cases)))
}

func runSuiteCase(c loadedCase) bool {
	e, err := Compile(c.Src)
	if err == nil {
		var got any
		got, err = e.Eval(c.Input, c.Bindings, &Env{})
		if err == nil {
			if c.WantCode != "" || c.UndefinedResult || len(c.Result) == 0 {
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
	return ok && c.WantCode != "" && je.Code == c.WantCode
}

//go:embed mocha_shim.js
var mochaShim string

var (
	itCall      = regexp.MustCompile(`it\(('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"),\s*function\s*\(\s*\)\s*\{`)
	evalCall    = regexp.MustCompile(`(jsonata\((?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^()'"])*\)|[A-Za-z_$][\w$]*)\.evaluate\(`)
	expectFn    = regexp.MustCompile(`expect\(function\s*\(\s*\)\s*\{`)
	expectThrow = regexp.MustCompile(`\}\)\s*\.to\.throw\(\)`)
	fnVar       = regexp.MustCompile(`var ([A-Za-z_$][\w$]*) = function\s*\(\s*\)\s*\{`)
	expectVar   = regexp.MustCompile(`expect\(([A-Za-z_$][\w$]*)\)\.to\.throw\(\)`)
)

// asyncTests rewrites jsonata's synchronous 1.x test file for the
// asynchronous 2.x API: test bodies become async functions that await
// every evaluate, and expect(fn).to.throw() awaits fn.
func asyncTests(src string) string {
	src = itCall.ReplaceAllString(src, "it($1, async function () {")
	src = expectFn.ReplaceAllString(src, "(await __expectFn(async function () {")
	src = expectThrow.ReplaceAllString(src, "})).to.throw()")
	src = fnVar.ReplaceAllString(src, "var $1 = async function () {")
	src = expectVar.ReplaceAllString(src, "(await __expectFn($1)).to.throw()")
	src = strings.ReplaceAll(src, "function timeboxExpression(", "function __timebox1x(")
	src = strings.ReplaceAll(src, "timeboxExpression(expr,", "__skipInternals(expr,")
	return evalCall.ReplaceAllString(src, "await $1.evaluate(")
}

type mochaResult struct {
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	Err  string `json:"err"`
}

// TestMochaSuite runs the JavaScript test file that jsonata's npm package
// 1.0.x ships (test/jsonata-test.js, the source the language-neutral
// suite was generated from) on this package's goja runtime and, when
// node and JSONATA_JS (the path of jsonata.js 2.x) are available, on
// node with the same jsonata, and reports both pass rates and every case
// they judge differently. Cases both fail are JSONata 1.0 -> 2.x changes,
// not embedding faults. Run it with
// JSONATA_MOCHA_SUITE=<package>/test/jsonata-test.js (see suite.sh).
func TestMochaSuite(t *testing.T) {
	path := os.Getenv("JSONATA_MOCHA_SUITE")
	if path == "" {
		t.Skip("set JSONATA_MOCHA_SUITE to jsonata 1.0.x's test/jsonata-test.js (see suite.sh)")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := asyncTests(string(raw))
	inGoja := runMochaGoja(t, tests)
	report(t, "goja", inGoja)
	js := os.Getenv("JSONATA_JS")
	if _, err := exec.LookPath("node"); err != nil || js == "" {
		return
	}
	skip := []string{}
	for _, r := range inGoja {
		if r.Err == "did not finish" {
			skip = append(skip, r.Name)
		}
	}
	inNode := runMochaNode(t, tests, js, skip)
	report(t, "node", inNode)
	byName := map[string]mochaResult{}
	for _, r := range inNode {
		byName[r.Name] = r
	}
	differ := 0
	for _, r := range inGoja {
		if n, ok := byName[r.Name]; ok && n.OK != r.OK {
			differ++
			t.Logf("DIFFERS %s: goja ok=%v (%s), node ok=%v (%s)", r.Name, r.OK, r.Err, n.OK, n.Err)
		}
	}
	t.Logf("goja and node judge %d of %d cases differently", differ, len(inGoja))
}

func report(t *testing.T, engine string, results []mochaResult) {
	passed, skipped := 0, 0
	for _, r := range results {
		switch {
		case r.OK:
			passed++
		case strings.HasPrefix(r.Err, "skipped:"):
			skipped++
		}
	}
	total := len(results) - skipped
	t.Logf("%s: %d/%d passed (%.1f%%), %d skipped (they hook jsonata 1.x internals)",
		engine, passed, total, 100*float64(passed)/float64(total), skipped)
}

func runMochaGoja(t *testing.T, tests string) []mochaResult {
	v, err := newVM()
	if err != nil {
		t.Fatal(err)
	}
	v.env = &Env{Now: time.Now(), Rand: rand.New(rand.NewPCG(1, 2))}
	if _, err := v.rt.RunString("var __lib = jsonata;\n" + mochaShim); err != nil {
		t.Fatal(err)
	}
	if _, err := v.rt.RunScript("jsonata-test.js", tests); err != nil {
		t.Fatal(err)
	}
	v.rt.SetMaxCallStackSize(10000)
	n := v.rt.Get("__tests").ToObject(v.rt).Get("length").ToInteger()
	run, _ := goja.AssertFunction(v.rt.Get("__runOne"))
	for i := range n {
		// A test gets 20 s; one that never settles (jsonata 2.x turns the
		// 1.x stack-overflow tests into endless asynchronous recursion)
		// is recorded as failed.
		watchdog := time.AfterFunc(20*time.Second, func() { v.rt.Interrupt("timeout") })
		_, err := run(goja.Undefined(), v.rt.ToValue(i))
		watchdog.Stop()
		v.rt.ClearInterrupt()
		if err != nil {
			name := v.rt.Get("__tests").ToObject(v.rt).Get(strconv.Itoa(int(i))).ToObject(v.rt).Get("name").String()
			t.Logf("test %d (%s) did not finish: %v", i, name, err)
			_, _ = v.rt.RunString(fmt.Sprintf("__results.push({name: __tests[%d].name, ok: false, err: 'did not finish'})", i))
		}
	}
	out, err := v.rt.RunString("JSON.stringify(__results)")
	if err != nil {
		t.Fatal(err)
	}
	var results []mochaResult
	if err := json.Unmarshal([]byte(out.String()), &results); err != nil {
		t.Fatal(err)
	}
	return results
}

// runMochaNode runs the tests on node, skipping (as failed) those named
// in skip, which never finished on goja.
func runMochaNode(t *testing.T, tests, js string, skip []string) []mochaResult {
	f := filepath.Join(t.TempDir(), "suite.js")
	names, _ := json.Marshal(skip)
	script := "var __lib = module.require(" + strconv.Quote(js) + ");\n" + mochaShim + "\n" + tests +
		"\nvar __skip = " + string(names) + ";\n" +
		"__tests = __tests.map(function (t) { return __skip.indexOf(t.name) < 0 ? t : {name: t.name, fn: function () { throw new Error('did not finish'); }}; });\n" +
		"__runAll().then(function (r) { console.log(JSON.stringify(r)); });\n"
	if err := os.WriteFile(f, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", f)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var results []mochaResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatal(err)
	}
	return results
}
