package asl

import (
	"strconv"

	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Map runs its item processor once for every item of an array in its
// input; its result is the array of the iterations' outputs, in order.
type Map struct {
	Base
	// Processor is ItemProcessor (or the legacy Iterator); Mode is its
	// ProcessorConfig.Mode, INLINE or DISTRIBUTED.
	Processor *StateMachine
	Mode      string
	// ExecutionType is a DISTRIBUTED processor's ProcessorConfig
	// ExecutionType, STANDARD or EXPRESS ("" when unset).
	ExecutionType string
	ItemsPath     OptionalPath
	// ItemSelector shapes each item's input (the legacy Parameters field
	// lands here too); nil passes the item itself.
	ItemSelector       *Template
	MaxConcurrency     int64
	MaxConcurrencyPath *jsonpath.Path
	// ToleratedFailureCount and ToleratedFailurePercentage are nil when
	// unset (no failure tolerated).
	ToleratedFailureCount          *int64
	ToleratedFailureCountPath      *jsonpath.Path
	ToleratedFailurePercentage     *float64
	ToleratedFailurePercentagePath *jsonpath.Path
	// Items, ItemSelectorValue and the …Expr fields are the JSONata forms;
	// nil when absent or literal.
	Items                          *Value
	ItemSelectorValue              *Value
	MaxConcurrencyExpr             *Value
	ToleratedFailureCountExpr      *Value
	ToleratedFailurePercentageExpr *Value
	Label                          string
	// ItemBatcher, ItemReader and ResultWriter are the decoded fields of a
	// distributed Map, nil when absent; MapRun carries their evaluated
	// paths, templates and expressions.
	ItemBatcher  any
	ItemReader   any
	ResultWriter any
	// reader, batcher and writer are their compiled forms; nil when absent.
	reader  *itemReader
	batcher *itemBatcher
	writer  *payload
}

// Processing modes of a Map state.
const (
	ModeInline      = "INLINE"
	ModeDistributed = "DISTRIBUTED"
)

// MapRun is what a KindMap decision asks the caller to run.
type MapRun struct {
	State *Map
	// Items are the values the iterations run on; Input is the Map state's
	// effective input, which ItemSelector reads.
	Items []any
	Input any
	// Reader is the evaluated ItemReader (nil when the state has none):
	// the caller reads the items from it, and Items is nil.
	Reader *ReaderArgs
	// Batcher is the evaluated ItemBatcher (nil when none).
	Batcher *BatcherArgs
	// WriterParameters are the evaluated ResultWriter Parameters or
	// Arguments (nil when there is no ResultWriter, or it has neither).
	WriterParameters map[string]any
	// MaxConcurrency is 0 for no limit.
	MaxConcurrency int
	// Err is a problem with the run's tolerated-failure settings. AWS
	// raises it once the Map has started, so callers record the start,
	// then fail the state with Err.
	Err *Error
	// Tolerance bounds, read only when the state sets them (see Exceeded).
	ToleratedFailureCount      int64
	ToleratedFailurePercentage float64
}

func parseMap(r *reader, b Base) State {
	m := &Map{
		Base:         b,
		Mode:         ModeInline,
		Label:        r.str("Label"),
		ItemBatcher:  r.obj["ItemBatcher"],
		ItemReader:   r.obj["ItemReader"],
		ResultWriter: r.obj["ResultWriter"],
	}
	if b.jsonata() {
		m.parseJSONata(r)
	} else {
		m.ItemsPath = r.path("ItemsPath")
		m.MaxConcurrencyPath = r.requiredPath("MaxConcurrencyPath")
		m.ToleratedFailureCountPath = r.requiredPath("ToleratedFailureCountPath")
		m.ToleratedFailurePercentagePath = r.requiredPath("ToleratedFailurePercentagePath")
		m.ItemSelector = r.template("ItemSelector")
		if m.ItemSelector == nil {
			m.ItemSelector, m.Parameters = m.Parameters, nil
		}
	}
	if m.MaxConcurrencyExpr == nil {
		m.MaxConcurrency = r.integer("MaxConcurrency")
	}
	if r.has("ToleratedFailureCount") && m.ToleratedFailureCountExpr == nil {
		n := r.integer("ToleratedFailureCount")
		m.ToleratedFailureCount = &n
	}
	if r.has("ToleratedFailurePercentage") && m.ToleratedFailurePercentageExpr == nil {
		f := r.number("ToleratedFailurePercentage")
		m.ToleratedFailurePercentage = &f
	}
	m.parseDistributed(r)
	m.Processor = r.processor(b.QueryLanguage, &m.Mode, &m.ExecutionType)
	return m
}

func (m *Map) parseJSONata(r *reader) {
	m.Items = r.value("Items")
	if v, ok := r.obj["Items"]; ok {
		if _, isArr := v.([]any); !isArr && m.Items != nil && m.Items.root.expr == nil {
			r.fail("Items", "Items must be a JSON array or a JSONata expression")
		}
	}
	m.ItemSelectorValue = r.value("ItemSelector")
	m.MaxConcurrencyExpr = r.expressionOr("MaxConcurrency")
	m.ToleratedFailureCountExpr = r.expressionOr("ToleratedFailureCount")
	m.ToleratedFailurePercentageExpr = r.expressionOr("ToleratedFailurePercentage")
}

// processor reads ItemProcessor or the legacy Iterator.
func (r *reader) processor(lang string, mode, executionType *string) *StateMachine {
	key := "ItemProcessor"
	if !r.has(key) {
		key = "Iterator"
	}
	obj, ok := r.obj[key].(map[string]any)
	if !ok {
		r.fail("ItemProcessor", "a Map state needs an ItemProcessor object")
		return nil
	}
	if cfg, ok := obj["ProcessorConfig"].(map[string]any); ok {
		if m, ok := cfg["Mode"].(string); ok {
			*mode = m
		}
		if t, ok := cfg["ExecutionType"].(string); ok {
			*executionType = t
		}
	}
	pm, err := parseMachine(obj, r.at(key), lang)
	r.adopt(err)
	return pm
}

func (m *Map) enter(input any, c *Context) Decision {
	if m.jsonata() {
		run, err := m.runJSONata(input, c)
		if err != nil {
			return m.handle(err, input, c)
		}
		return Decision{Kind: KindMap, Map: run}
	}
	eff, err := m.effectiveInput(input, c)
	if err != nil {
		return m.handle(err, input, c)
	}
	run, err := m.run(eff, c)
	if err != nil {
		return m.handle(err, input, c)
	}
	return Decision{Kind: KindMap, Map: run}
}

func (m *Map) run(eff any, c *Context) (*MapRun, *Error) {
	run := &MapRun{State: m, Input: eff}
	if m.reader == nil {
		itemsVal, err := selectPath(m.ItemsPath, eff, c)
		if err != nil {
			return nil, err
		}
		items, ok := itemsVal.([]any)
		if !ok {
			return nil, runtimeError(c, "Map state input must be an array but was: %s", jsonvalue.String(itemsVal))
		}
		run.Items = items
	}
	mc, err := m.maxConcurrency(eff, c)
	if err != nil {
		return nil, err
	}
	run.MaxConcurrency = int(mc)
	if err := m.distributed(run, eff, c); err != nil {
		return nil, err
	}
	run.Err = m.tolerance(run, eff, c)
	return run, nil
}

func (m *Map) runJSONata(input any, c *Context) (*MapRun, *Error) {
	st := &states{input: input}
	run := &MapRun{State: m, Input: input, MaxConcurrency: int(m.MaxConcurrency)}
	if m.reader == nil {
		items, err := m.items(st, c)
		if err != nil {
			return nil, err
		}
		run.Items = items
	}
	if e := m.MaxConcurrencyExpr; e != nil {
		n, err := e.integer(st, c, 0, "integer")
		if err != nil {
			return nil, err
		}
		run.MaxConcurrency = int(n)
	}
	if err := m.distributed(run, input, c); err != nil {
		return nil, err
	}
	run.Err = m.toleranceJSONata(run, st, c)
	return run, nil
}

// items gives the Items of a JSONata Map: its Items field's value, or
// else its input, which must be an array.
func (m *Map) items(st *states, c *Context) ([]any, *Error) {
	if m.Items == nil {
		items, ok := st.input.([]any)
		if !ok {
			return nil, stateError(c, ErrorQueryEvaluationError, "Map state input must be an array but was: %s", jsonvalue.String(st.input))
		}
		return items, nil
	}
	v, err := m.Items.eval(st, c)
	if err != nil {
		return nil, err
	}
	items, ok := v.([]any)
	if !ok {
		return nil, m.Items.root.typeError(c, "array", v)
	}
	return items, nil
}

func (m *Map) maxConcurrency(eff any, c *Context) (int64, *Error) {
	n := m.MaxConcurrency
	err := fromPath(&n, m.MaxConcurrencyPath, "MaxConcurrencyPath", "integer", integerAtLeast(0), eff, c)
	return n, err
}

// literalTolerance copies the literal tolerance fields into run.
func (m *Map) literalTolerance(run *MapRun) {
	if m.ToleratedFailureCount != nil {
		run.ToleratedFailureCount = *m.ToleratedFailureCount
	}
	if m.ToleratedFailurePercentage != nil {
		run.ToleratedFailurePercentage = *m.ToleratedFailurePercentage
	}
}

func (m *Map) tolerance(run *MapRun, eff any, c *Context) *Error {
	m.literalTolerance(run)
	if err := fromPath(&run.ToleratedFailureCount, m.ToleratedFailureCountPath, "ToleratedFailureCountPath", "integer", integerOrNumericString, eff, c); err != nil {
		return err
	}
	if err := fromPath(&run.ToleratedFailurePercentage, m.ToleratedFailurePercentagePath, "ToleratedFailurePercentagePath", "float", numberOrNumericString, eff, c); err != nil {
		return err
	}
	return m.checkTolerance(run, c)
}

// fromPath sets *dst to the value path p (if any) selects from eff,
// converted by conv; field names the path, and what the kind of value it
// must refer to, in the cause.
func fromPath[T any](dst *T, p *jsonpath.Path, field, what string, conv func(any) (T, bool), eff any, c *Context) *Error {
	if p == nil {
		return nil
	}
	v, err := selectPath(OptionalPath{Path: p}, eff, c)
	if err != nil {
		return err
	}
	t, ok := conv(v)
	if !ok {
		return runtimeError(c, "The %s field refers to value \"%s\" which is not a valid %s: %s", field, display(v), what, p)
	}
	*dst = t
	return nil
}

func (m *Map) toleranceJSONata(run *MapRun, st *states, c *Context) *Error {
	m.literalTolerance(run)
	if e := m.ToleratedFailureCountExpr; e != nil {
		n, err := e.integer(st, c, 0, "integer")
		if err != nil {
			return err
		}
		run.ToleratedFailureCount = n
	}
	if e := m.ToleratedFailurePercentageExpr; e != nil {
		v, err := e.eval(st, c)
		if err != nil {
			return err
		}
		f, ok := jsonvalue.Number(v)
		if !ok {
			return e.root.typeError(c, "number", v)
		}
		run.ToleratedFailurePercentage = f
	}
	return m.checkTolerance(run, c)
}

func (m *Map) checkTolerance(run *MapRun, c *Context) *Error {
	if m.TolerationCount() && run.ToleratedFailureCount < 0 {
		return runtimeError(c, "ToleratedFailureCount cannot be negative.")
	}
	if m.TolerationPercentage() && (run.ToleratedFailurePercentage < 0 || run.ToleratedFailurePercentage > 100) {
		return runtimeError(c, "ToleratedFailurePercentage must be between 0 and 100.")
	}
	return nil
}

// ItemInput is the input of iteration index: the item itself, or what
// ItemSelector makes of it. c must carry MapItem for $$.Map.Item.
func (r *MapRun) ItemInput(index int, c *Context) (any, *Error) {
	if v := r.State.ItemSelectorValue; v != nil {
		return v.eval(&states{input: r.Input}, c)
	}
	if r.State.ItemSelector == nil {
		return r.Items[index], nil
	}
	v, err := r.State.ItemSelector.Eval(r.Input, c)
	if err != nil {
		return nil, AsError(err)
	}
	if TooLarge(v) {
		return nil, NewError(ErrorDataLimitExceeded,
			"The input of iteration %d of the Map state '%s', after ItemSelector, has a size exceeding the maximum number of bytes service limit.", index, r.State.Name)
	}
	return v, nil
}

// integerOrNumericString reads an integer given as a JSON integer or as a
// string holding one, as AWS reads the Map's *Path fields.
func integerOrNumericString(v any) (int64, bool) {
	if s, ok := v.(string); ok {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	n, ok := v.(int64)
	return n, ok
}

// numberOrNumericString is integerOrNumericString for any number.
func numberOrNumericString(v any) (float64, bool) {
	if s, ok := v.(string); ok {
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	return jsonvalue.Number(v)
}

// TolerationCount reports whether the Map sets ToleratedFailureCount, as
// a number, a path or a JSONata expression.
func (m *Map) TolerationCount() bool {
	return m.ToleratedFailureCount != nil || m.ToleratedFailureCountPath != nil || m.ToleratedFailureCountExpr != nil
}

// TolerationPercentage reports whether the Map sets
// ToleratedFailurePercentage, as a number, a path or a JSONata expression.
func (m *Map) TolerationPercentage() bool {
	return m.ToleratedFailurePercentage != nil || m.ToleratedFailurePercentagePath != nil || m.ToleratedFailurePercentageExpr != nil
}

// Exceeded reports whether failed iterations out of total break the run's
// tolerance: with none set, any failure does; otherwise exceeding either
// bound does.
func (r *MapRun) Exceeded(failed, total int) bool {
	if failed == 0 {
		return false
	}
	countSet := r.State.TolerationCount()
	pctSet := r.State.TolerationPercentage()
	if !countSet && !pctSet {
		return true
	}
	if countSet && int64(failed) > r.ToleratedFailureCount {
		return true
	}
	return pctSet && float64(failed)*100/float64(total) > r.ToleratedFailurePercentage
}

// ToleratesNone reports whether the run tolerates no failure at all
// because neither tolerance field is set.
func (r *MapRun) ToleratesNone() bool {
	return !r.State.TolerationCount() && !r.State.TolerationPercentage()
}
