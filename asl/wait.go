package asl

import (
	"time"

	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Wait delays the machine for a number of seconds or until a time, each
// given literally or by a path.
type Wait struct {
	Base
	// Seconds is set when HasSeconds; Timestamp when non-zero.
	Seconds       int64
	HasSeconds    bool
	Timestamp     time.Time
	SecondsPath   *jsonpath.Path
	TimestampPath *jsonpath.Path
	// SecondsExpr and TimestampExpr are JSONata expressions for Seconds
	// and Timestamp.
	SecondsExpr   *Value
	TimestampExpr *Value
}

func parseWait(r *reader, b Base) State {
	if b.jsonata() {
		w := &Wait{Base: b, SecondsExpr: r.expressionOr("Seconds"), TimestampExpr: r.expressionOr("Timestamp")}
		if w.SecondsExpr == nil {
			w.Seconds, w.HasSeconds = r.integer("Seconds"), r.has("Seconds")
		}
		if w.TimestampExpr == nil {
			w.Timestamp = r.timestamp()
		}
		return w
	}
	w := &Wait{
		Base:          b,
		Seconds:       r.integer("Seconds"),
		HasSeconds:    r.has("Seconds"),
		SecondsPath:   r.requiredPath("SecondsPath"),
		TimestampPath: r.requiredPath("TimestampPath"),
	}
	w.Timestamp = r.timestamp()
	return w
}

// timestamp reads the optional Timestamp field.
func (r *reader) timestamp() time.Time {
	if !r.has("Timestamp") {
		return time.Time{}
	}
	ts, err := ParseTimestamp(r.str("Timestamp"))
	if err != nil {
		r.fail("Timestamp", "Timestamp must be an RFC 3339 time such as 2016-03-14T01:59:00Z")
	}
	return ts
}

// ParseTimestamp parses an ASL timestamp: RFC 3339 with an upper-case T
// and Z or a numeric offset, optional fraction.
func ParseTimestamp(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}

func (w *Wait) enter(input any, c *Context) Decision {
	if w.jsonata() {
		st := &states{input: input}
		until, err := w.untilJSONata(st, c)
		if err != nil {
			return failWith(err)
		}
		out, assign, err := w.finish(st, input, c)
		if err != nil {
			return failWith(err)
		}
		return Decision{Kind: KindWait, Until: until, Next: w.Next, Output: out, Assign: assign}
	}
	eff, err := w.effectiveInput(input, c)
	if err != nil {
		return failWith(err)
	}
	until, err := w.until(eff, c)
	if err != nil {
		return failWith(err)
	}
	assign, err := w.Assign.eval(eff, nil, c)
	if err != nil {
		return failWith(err)
	}
	out, err := w.outputPath(eff, c)
	if err != nil {
		return failWith(err)
	}
	return Decision{Kind: KindWait, Until: until, Next: w.Next, Output: out, Assign: assign}
}

func (w *Wait) untilJSONata(st *states, c *Context) (time.Time, *Error) {
	switch {
	case w.SecondsExpr != nil:
		v, err := w.SecondsExpr.eval(st, c)
		if err != nil {
			return time.Time{}, err
		}
		n, ok := jsonvalue.Integer(v)
		if !ok || n < 0 {
			return time.Time{}, w.SecondsExpr.root.typeError(c, "integer", v)
		}
		return c.Now.Add(time.Duration(n) * time.Second), nil
	case w.TimestampExpr != nil:
		v, err := w.TimestampExpr.eval(st, c)
		if err != nil {
			return time.Time{}, err
		}
		s, _ := v.(string)
		ts, perr := ParseTimestamp(s)
		if perr != nil {
			return time.Time{}, w.TimestampExpr.root.typeError(c, "timestamp", v)
		}
		return ts, nil
	}
	return w.until(nil, c)
}

func (w *Wait) until(eff any, c *Context) (time.Time, *Error) {
	switch {
	case w.HasSeconds:
		return c.Now.Add(time.Duration(w.Seconds) * time.Second), nil
	case !w.Timestamp.IsZero():
		return w.Timestamp, nil
	case w.SecondsPath != nil:
		return w.secondsFromPath(eff, c)
	case w.TimestampPath != nil:
		return w.timestampFromPath(eff, c)
	}
	return c.Now, nil
}

func (w *Wait) secondsFromPath(eff any, c *Context) (time.Time, *Error) {
	v, err := selectPath(OptionalPath{Path: w.SecondsPath}, eff, c)
	if err != nil {
		return time.Time{}, err
	}
	n, ok := v.(int64)
	if !ok {
		return time.Time{}, runtimeError(c, "The SecondsPath parameter cannot be parsed as a long value: %s == %s", w.SecondsPath, display(v))
	}
	if n < 0 {
		return time.Time{}, runtimeError(c, "The SecondsPath parameter references a negative value: %s == %s", w.SecondsPath, display(v))
	}
	return c.Now.Add(time.Duration(n) * time.Second), nil
}

func (w *Wait) timestampFromPath(eff any, c *Context) (time.Time, *Error) {
	v, err := selectPath(OptionalPath{Path: w.TimestampPath}, eff, c)
	if err != nil {
		return time.Time{}, err
	}
	s, _ := v.(string)
	ts, perr := ParseTimestamp(s)
	if perr != nil {
		return time.Time{}, runtimeError(c, "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s",
			w.TimestampPath, jsonvalue.String(v))
	}
	return ts, nil
}
