package asl

import (
	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
)

// ReaderArgs is a distributed Map's ItemReader evaluated against the
// state's input: what the caller reads the items with. The Resource and
// the rest of ReaderConfig (InputType, CSVHeaders, ...) hold no paths or
// expressions; the caller takes them from Map.ItemReader.
type ReaderArgs struct {
	// Parameters are the evaluated Parameters (JSONPath) or Arguments
	// (JSONata); nil when the ItemReader has neither.
	Parameters map[string]any
	// MaxItems is ReaderConfig's MaxItems, MaxItemsPath or expression: at
	// most this many items are read. 0 when unset (read them all).
	MaxItems int64
}

// BatcherArgs is a distributed Map's ItemBatcher evaluated against the
// state's input.
type BatcherArgs struct {
	// MaxItemsPerBatch and MaxInputBytesPerBatch come from the literal,
	// the …Path field or the JSONata expression; 0 when unset (no bound).
	MaxItemsPerBatch, MaxInputBytesPerBatch int64
	// BatchInput is the evaluated BatchInput, added to every batch; nil
	// when unset.
	BatchInput any
}

// itemReader is a compiled ItemReader.
type itemReader struct {
	parameters payload
	maxItems   limit
}

// itemBatcher is a compiled ItemBatcher.
type itemBatcher struct {
	maxItems, maxBytes limit
	input              payload
}

// payload is a field given as a payload template (JSONPath) or a JSONata
// value; both are nil when it is absent.
type payload struct {
	template *Template
	value    *Value
}

// limit is an integer field given as a literal, a reference path in its
// "…Path" twin (JSONPath) or a "{% %}" expression (JSONata); least is the
// smallest value it may take.
type limit struct {
	n     int64
	path  *jsonpath.Path
	expr  *Value
	key   string
	least int64
}

// parseDistributed compiles the Map's ItemReader, ItemBatcher and
// ResultWriter.
func (m *Map) parseDistributed(r *reader) {
	lang := m.QueryLanguage
	if sub := r.object("ItemReader"); sub != nil {
		m.reader = &itemReader{parameters: sub.payload(lang, "Parameters", "Arguments")}
		if cfg := sub.object("ReaderConfig"); cfg != nil {
			m.reader.maxItems = cfg.limit(lang, "MaxItems", 0)
			sub.take(cfg)
		}
		r.take(sub)
	}
	if sub := r.object("ItemBatcher"); sub != nil {
		m.batcher = &itemBatcher{
			maxItems: sub.limit(lang, "MaxItemsPerBatch", 1),
			maxBytes: sub.limit(lang, "MaxInputBytesPerBatch", 1),
			input:    sub.payload(lang, "BatchInput", "BatchInput"),
		}
		r.take(sub)
	}
	if sub := r.object("ResultWriter"); sub != nil {
		p := sub.payload(lang, "Parameters", "Arguments")
		m.writer = &p
		r.take(sub)
	}
}

// object returns a reader of the optional object field key; nil when it is
// absent or not an object (a problem, then).
func (r *reader) object(key string) *reader {
	v, ok := r.obj[key]
	if !ok {
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		r.fail(key, "%s must be a JSON object", key)
		return nil
	}
	return &reader{obj: obj, ptr: r.at(key)}
}

// payload reads the object field pathKey as a payload template in a
// JSONPath state, or jsonataKey as a JSONata value (an object, or one
// expression) in a JSONata state.
func (r *reader) payload(lang, pathKey, jsonataKey string) payload {
	if lang != JSONata {
		if pathKey != jsonataKey {
			r.rejectJSONataFields(jsonataKey)
		}
		return payload{template: r.template(pathKey)}
	}
	if pathKey != jsonataKey {
		r.rejectJSONPathFields(pathKey)
	}
	raw, ok := r.obj[jsonataKey]
	if !ok {
		return payload{}
	}
	if s, isStr := raw.(string); !isStr || !isExpression(s) {
		if _, isObj := raw.(map[string]any); !isObj {
			r.fail(jsonataKey, "%s must be a JSON object or a JSONata expression", jsonataKey)
			return payload{}
		}
	}
	return payload{value: r.value(jsonataKey)}
}

// limit reads the integer field key: a literal of at least least, or its
// reference path key+"Path" in a JSONPath state, or an expression in a
// JSONata state.
func (r *reader) limit(lang, key string, least int64) limit {
	l := limit{key: key, least: least}
	if lang == JSONata {
		r.rejectJSONPathFields(key + "Path")
		l.expr = r.expressionOr(key)
	} else {
		l.path = r.requiredPath(key + "Path")
	}
	if l.expr == nil && r.has(key) {
		l.n = r.integer(key)
		if l.n < least {
			r.fail(key, "%s must be %s", key, integerKind(least))
		}
	}
	return l
}

// integerKind names the integers of at least least, for causes.
func integerKind(least int64) string {
	if least > 0 {
		return "a positive integer"
	}
	return "a non-negative integer"
}

// distributed evaluates the compiled ItemReader, ItemBatcher and
// ResultWriter into run; eff is the effective input (JSONPath) or the
// state input, $states.input (JSONata).
func (m *Map) distributed(run *MapRun, eff any, c *Context) *Error {
	if rd := m.reader; rd != nil {
		params, err := rd.parameters.object(eff, c)
		if err != nil {
			return err
		}
		n, err := rd.maxItems.eval(eff, c)
		if err != nil {
			return err
		}
		run.Reader = &ReaderArgs{Parameters: params, MaxItems: n}
	}
	if b := m.batcher; b != nil {
		args := &BatcherArgs{}
		var err *Error
		if args.MaxItemsPerBatch, err = b.maxItems.eval(eff, c); err != nil {
			return err
		}
		if args.MaxInputBytesPerBatch, err = b.maxBytes.eval(eff, c); err != nil {
			return err
		}
		if args.BatchInput, err = b.input.eval(eff, c); err != nil {
			return err
		}
		run.Batcher = args
	}
	if m.writer != nil {
		params, err := m.writer.object(eff, c)
		if err != nil {
			return err
		}
		run.WriterParameters = params
	}
	return nil
}

// eval renders the payload against eff; nil when it is absent.
func (p payload) eval(eff any, c *Context) (any, *Error) {
	switch {
	case p.value != nil:
		return p.value.eval(&states{input: eff}, c)
	case p.template != nil:
		v, err := p.template.Eval(eff, c)
		if err != nil {
			return nil, AsError(err)
		}
		return v, nil
	}
	return nil, nil
}

// object is eval for a payload that must give a JSON object.
func (p payload) object(eff any, c *Context) (map[string]any, *Error) {
	v, err := p.eval(eff, c)
	if err != nil || v == nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		// Only a JSONata expression can give anything else: templates and
		// literal values are objects by parse time.
		return nil, p.value.root.typeError(c, "object", v)
	}
	return obj, nil
}

// eval gives the limit's value against eff: the literal, or what its path
// or expression gives; 0 when it is unset.
func (l limit) eval(eff any, c *Context) (int64, *Error) {
	what := "integer"
	if l.least > 0 {
		what = "positive integer"
	}
	if l.expr != nil {
		return l.expr.integer(&states{input: eff}, c, l.least, what)
	}
	n := l.n
	err := fromPath(&n, l.path, l.key+"Path", what, integerAtLeast(l.least), eff, c)
	return n, err
}

// integerAtLeast converts as integerOrNumericString does, accepting only
// integers of at least least.
func integerAtLeast(least int64) func(any) (int64, bool) {
	return func(v any) (int64, bool) {
		n, ok := integerOrNumericString(v)
		return n, ok && n >= least
	}
}
