package check

import (
	"fmt"
	"time"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Query languages of a state.
const (
	jsonPathMode = "JSONPath"
	jsonataMode  = "JSONata"
)

// Semantic checks def, a definition decoded by jsonvalue.Decode, for the
// rules a schema cannot express: transition targets in their scopes,
// reachability, terminal states, unique and short state names, error names
// of retriers and catchers, JSONPath and Reference Path syntax, payload
// templates, timestamps, JSONata syntax and the query language of states.
// It returns every problem found, or nil. Values of the wrong shape are
// skipped: Schema reports them.
func Semantic(def any) []Diagnostic {
	root, ok := def.(map[string]any)
	if !ok {
		return nil
	}
	lang := queryLanguage(root, jsonPathMode)
	c := &checker{names: map[string][]string{}}
	c.collectNames(root, "")
	c.stateNames()
	c.machine(root, "", lang)
	for _, at := range MixedQueryLanguage(root) {
		c.report(CodeQueryLanguage, join(at, "QueryLanguage"),
			"%s: a state cannot use JSONPath when the state machine's QueryLanguage is JSONata", describe(at))
	}
	return sortDiagnostics(c.diags)
}

// checker accumulates the diagnostics of one Semantic call.
type checker struct {
	diags []Diagnostic
	// names maps every state name to the pointers of the states so named,
	// in every scope.
	names map[string][]string
}

func (c *checker) report(code, at, format string, args ...any) {
	c.diags = append(c.diags, Diagnostic{Code: code, Pointer: at, Message: fmt.Sprintf(format, args...)})
}

// machine checks a state machine or a nested one (a Parallel branch or a
// Map item processor) whose states default to query language lang.
func (c *checker) machine(m map[string]any, at string, lang string) {
	states, _ := m["States"].(map[string]any)
	c.graph(m, at, states)
	for _, name := range jsonvalue.SortedKeys(states) {
		if s, ok := states[name].(map[string]any); ok {
			c.state(s, join(at, "States", name), lang)
		}
	}
}

// state checks one state and the machines nested in it.
func (c *checker) state(s map[string]any, at string, scopeLang string) {
	lang := queryLanguage(s, scopeLang)
	c.errorNames(s, at)
	c.heartbeat(s, at)
	if lang == jsonataMode {
		c.jsonataState(s, at)
	} else {
		c.jsonpathState(s, at)
	}
	for _, sub := range nestedMachines(s, at) {
		c.machine(sub.machine, sub.at, lang)
	}
}

// MixedQueryLanguage returns the pointers of the states of def that use
// JSONPath although def's top-level QueryLanguage is JSONata, which AWS
// refuses. The rule is the top-level machine's: a JSONata state in a
// JSONPath machine only changes the default of the machines nested in it,
// whose states may still declare JSONPath; and the item processor of a
// Distributed Map, which runs as child executions of a state machine of
// its own, is not bound by its parent's rule.
func MixedQueryLanguage(def any) []string {
	root, ok := def.(map[string]any)
	if !ok || queryLanguage(root, jsonPathMode) != jsonataMode {
		return nil
	}
	var out []string
	var walk func(m map[string]any, at string)
	walk = func(m map[string]any, at string) {
		states, _ := m["States"].(map[string]any)
		for _, name := range jsonvalue.SortedKeys(states) {
			s, ok := states[name].(map[string]any)
			if !ok {
				continue
			}
			sat := join(at, "States", name)
			if queryLanguage(s, jsonataMode) == jsonPathMode {
				out = append(out, sat)
			}
			for _, sub := range nestedMachines(s, sat) {
				if !distributed(sub.machine) {
					walk(sub.machine, sub.at)
				}
			}
		}
	}
	walk(root, "")
	return out
}

// distributed reports whether an item processor runs in DISTRIBUTED mode.
func distributed(processor map[string]any) bool {
	cfg, _ := processor["ProcessorConfig"].(map[string]any)
	return cfg["Mode"] == "DISTRIBUTED"
}

// queryLanguage returns the QueryLanguage of obj, or dflt when it has none.
func queryLanguage(obj map[string]any, dflt string) string {
	if v, ok := obj["QueryLanguage"].(string); ok && (v == jsonPathMode || v == jsonataMode) {
		return v
	}
	return dflt
}

// nested is a machine inside a state, with its pointer.
type nested struct {
	machine map[string]any
	at      string
}

// nestedMachines returns the Parallel branches and Map item processors of
// state s.
func nestedMachines(s map[string]any, at string) []nested {
	var out []nested
	if branches, ok := s["Branches"].([]any); ok {
		for i, b := range branches {
			if m, ok := b.(map[string]any); ok {
				out = append(out, nested{m, join(at, "Branches", i)})
			}
		}
	}
	for _, field := range []string{"ItemProcessor", "Iterator"} {
		if m, ok := s[field].(map[string]any); ok {
			out = append(out, nested{m, join(at, field)})
		}
	}
	return out
}

// JSONPath fields that hold a Reference Path.
var referencePathFields = []string{
	"ItemsPath", "SecondsPath", "TimestampPath", "TimeoutSecondsPath", "HeartbeatSecondsPath",
	"MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath",
}

// JSONPath fields that hold a payload template.
var templateFields = []string{"Parameters", "ResultSelector", "ItemSelector", "Assign", "Credentials"}

// jsonpathState checks the paths, templates and timestamps of a JSONPath
// state.
func (c *checker) jsonpathState(s map[string]any, at string) {
	c.pathField(s, at, "InputPath", anyPath)
	c.pathField(s, at, "OutputPath", anyPath)
	c.pathField(s, at, "ResultPath", resultPath)
	for _, f := range referencePathFields {
		c.pathField(s, at, f, referencePath)
	}
	for _, f := range []string{"ErrorPath", "CausePath"} {
		if src, ok := s[f].(string); ok {
			c.pathOrIntrinsic(src, join(at, f), referencePath)
		}
	}
	for _, f := range templateFields {
		c.template(s[f], join(at, f))
	}
	c.mapConfig(s, at)
	c.catchers(s, at)
	c.timestampField(s, at, "Timestamp")
	if rules, ok := s["Choices"].([]any); ok {
		for i, r := range rules {
			c.choiceRule(r, join(at, "Choices", i))
		}
	}
}

// mapConfig checks the paths and templates inside a JSONPath Map state's
// ItemReader, ItemBatcher and ResultWriter.
func (c *checker) mapConfig(s map[string]any, at string) {
	if r, ok := s["ItemReader"].(map[string]any); ok {
		c.template(r["Parameters"], join(at, "ItemReader", "Parameters"))
		if rc, ok := r["ReaderConfig"].(map[string]any); ok {
			c.pathField(rc, join(at, "ItemReader", "ReaderConfig"), "MaxItemsPath", referencePath)
		}
	}
	if b, ok := s["ItemBatcher"].(map[string]any); ok {
		bat := join(at, "ItemBatcher")
		c.pathField(b, bat, "MaxItemsPerBatchPath", referencePath)
		c.pathField(b, bat, "MaxInputBytesPerBatchPath", referencePath)
		c.template(b["BatchInput"], join(bat, "BatchInput"))
	}
	if w, ok := s["ResultWriter"].(map[string]any); ok {
		c.template(w["Parameters"], join(at, "ResultWriter", "Parameters"))
	}
}

// catchers checks the ResultPath and Assign of each JSONPath catcher.
func (c *checker) catchers(s map[string]any, at string) {
	list, _ := s["Catch"].([]any)
	for i, e := range list {
		if obj, ok := e.(map[string]any); ok {
			cat := join(at, "Catch", i)
			c.pathField(obj, cat, "ResultPath", resultPath)
			c.template(obj["Assign"], join(cat, "Assign"))
		}
	}
}

// pathField checks obj[field] as a path of the given kind when it is a
// string.
func (c *checker) pathField(obj map[string]any, at, field string, kind pathKind) {
	if src, ok := obj[field].(string); ok {
		c.path(src, join(at, field), kind)
	}
}

// path checks src as a path of the given kind.
func (c *checker) path(src, at string, kind pathKind) {
	err := checkPath(src, kind)
	if err == nil {
		return
	}
	code := CodeInvalidPath
	if kind != anyPath && checkPath(src, anyPath) == nil {
		code = CodeInvalidReferencePath
	}
	c.report(code, at, "%s: %v", describe(at), err)
}

// timestampField checks that obj[field], when it is a string literal, is
// an RFC 3339 timestamp.
func (c *checker) timestampField(obj map[string]any, at, field string) {
	s, ok := obj[field].(string)
	if !ok || isExpression(s) {
		return
	}
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		c.report(CodeInvalidTimestamp, join(at, field), "%s: %q is not an RFC 3339 timestamp", describe(join(at, field)), s)
	}
}

// heartbeat checks that a static HeartbeatSeconds is below a static
// TimeoutSeconds.
func (c *checker) heartbeat(s map[string]any, at string) {
	timeout, ok1 := jsonvalue.Number(s["TimeoutSeconds"])
	beat, ok2 := jsonvalue.Number(s["HeartbeatSeconds"])
	if ok1 && ok2 && beat >= timeout {
		c.report(CodeHeartbeat, join(at, "HeartbeatSeconds"),
			"%s: HeartbeatSeconds (%v) must be smaller than TimeoutSeconds (%v)", describe(at), beat, timeout)
	}
}
