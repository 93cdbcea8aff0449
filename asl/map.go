package asl

import (
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
	ItemsPath OptionalPath
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
	Label                          string
	ItemBatcher                    any
	ItemReader                     any
	ResultWriter                   any
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
		Base:                           b,
		Mode:                           ModeInline,
		ItemsPath:                      r.path("ItemsPath"),
		MaxConcurrency:                 r.integer("MaxConcurrency"),
		MaxConcurrencyPath:             r.requiredPath("MaxConcurrencyPath"),
		ToleratedFailureCountPath:      r.requiredPath("ToleratedFailureCountPath"),
		ToleratedFailurePercentagePath: r.requiredPath("ToleratedFailurePercentagePath"),
		Label:                          r.str("Label"),
		ItemBatcher:                    r.obj["ItemBatcher"],
		ItemReader:                     r.obj["ItemReader"],
		ResultWriter:                   r.obj["ResultWriter"],
	}
	if r.has("ToleratedFailureCount") {
		n := r.integer("ToleratedFailureCount")
		m.ToleratedFailureCount = &n
	}
	if r.has("ToleratedFailurePercentage") {
		f := r.number("ToleratedFailurePercentage")
		m.ToleratedFailurePercentage = &f
	}
	m.ItemSelector = r.template("ItemSelector")
	if m.ItemSelector == nil {
		m.ItemSelector, m.Parameters = m.Parameters, nil
	}
	m.Processor = r.processor(b.QueryLanguage, &m.Mode)
	return m
}

// processor reads ItemProcessor or the legacy Iterator.
func (r *reader) processor(lang string, mode *string) *StateMachine {
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
	}
	pm, err := parseMachine(obj, r.at(key), lang)
	r.adopt(err)
	return pm
}

func (m *Map) enter(input any, c *Context) Decision {
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
	itemsVal, err := selectPath(m.ItemsPath, eff, c)
	if err != nil {
		return nil, err
	}
	items, ok := itemsVal.([]any)
	if !ok {
		return nil, runtimeError(c, "Map state input must be an array but was: %s", jsonvalue.String(itemsVal))
	}
	run := &MapRun{State: m, Items: items, Input: eff}
	mc, err := m.maxConcurrency(eff, c)
	if err != nil {
		return nil, err
	}
	run.MaxConcurrency = int(mc)
	run.Err = m.tolerance(run, eff, c)
	return run, nil
}

func (m *Map) maxConcurrency(eff any, c *Context) (int64, *Error) {
	if m.MaxConcurrencyPath == nil {
		return m.MaxConcurrency, nil
	}
	v, err := selectPath(OptionalPath{Path: m.MaxConcurrencyPath}, eff, c)
	if err != nil {
		return 0, err
	}
	n, ok := v.(int64)
	if !ok || n < 0 {
		return 0, runtimeError(c, "The MaxConcurrencyPath field refers to value \"%s\" which is not a valid integer: %s",
			display(v), m.MaxConcurrencyPath)
	}
	return n, nil
}

func (m *Map) tolerance(run *MapRun, eff any, c *Context) *Error {
	if m.ToleratedFailureCount != nil {
		run.ToleratedFailureCount = *m.ToleratedFailureCount
	}
	if m.ToleratedFailurePercentage != nil {
		run.ToleratedFailurePercentage = *m.ToleratedFailurePercentage
	}
	if p := m.ToleratedFailureCountPath; p != nil {
		v, err := selectPath(OptionalPath{Path: p}, eff, c)
		if err != nil {
			return err
		}
		n, ok := v.(int64)
		if !ok {
			return runtimeError(c, "The ToleratedFailureCountPath field refers to value \"%s\" which is not a valid integer: %s", display(v), p)
		}
		run.ToleratedFailureCount = n
	}
	if p := m.ToleratedFailurePercentagePath; p != nil {
		v, err := selectPath(OptionalPath{Path: p}, eff, c)
		if err != nil {
			return err
		}
		f, ok := jsonvalue.Number(v)
		if !ok {
			return runtimeError(c, "The ToleratedFailurePercentagePath field refers to value \"%s\" which is not a valid float: %s", display(v), p)
		}
		run.ToleratedFailurePercentage = f
	}
	if m.toleratesCount() && run.ToleratedFailureCount < 0 {
		return runtimeError(c, "ToleratedFailureCount cannot be negative.")
	}
	if m.toleratesPercentage() && (run.ToleratedFailurePercentage < 0 || run.ToleratedFailurePercentage > 100) {
		return runtimeError(c, "ToleratedFailurePercentage must be between 0 and 100.")
	}
	return nil
}

// ItemInput is the input of iteration index: the item itself, or what
// ItemSelector makes of it. c must carry MapItem for $$.Map.Item.
func (r *MapRun) ItemInput(index int, c *Context) (any, *Error) {
	if r.State.ItemSelector == nil {
		return r.Items[index], nil
	}
	v, err := r.State.ItemSelector.Eval(r.Input, c)
	if err != nil {
		return nil, AsError(err)
	}
	return v, nil
}

func (m *Map) toleratesCount() bool {
	return m.ToleratedFailureCount != nil || m.ToleratedFailureCountPath != nil
}

func (m *Map) toleratesPercentage() bool {
	return m.ToleratedFailurePercentage != nil || m.ToleratedFailurePercentagePath != nil
}

// Exceeded reports whether failed iterations out of total break the run's
// tolerance: with none set, any failure does; otherwise exceeding either
// bound does.
func (r *MapRun) Exceeded(failed, total int) bool {
	if failed == 0 {
		return false
	}
	countSet := r.State.toleratesCount()
	pctSet := r.State.toleratesPercentage()
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
	return !r.State.toleratesCount() && !r.State.toleratesPercentage()
}
