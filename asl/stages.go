package asl

// Payload-processing stages, for tools that explain what a state did to
// its data (the execution viewer's step details).

// The names of payload-processing stages, in the order they apply.
const (
	StageInput          = "Input"
	StageInputPath      = "InputPath"
	StageParameters     = "Parameters"
	StageResult         = "Result"
	StageResultSelector = "ResultSelector"
	StageResultPath     = "ResultPath"
	StageOutputPath     = "OutputPath"
)

// Stage is the value after one payload-processing stage of a state, or
// the error that stage raised. Value is nil when Error is set.
type Stage struct {
	Name  string
	Value any
	Error *Error
}

// Find returns the state called name anywhere in the machine: at its top
// level or inside a Parallel branch or a Map item processor, searched in
// that order. The bool is false when no state has that name.
func (m *StateMachine) Find(name string) (State, bool) {
	if st, ok := m.States[name]; ok {
		return st, true
	}
	for _, n := range m.StateNames() {
		switch st := m.States[n].(type) {
		case *Parallel:
			for _, b := range st.Branches {
				if found, ok := b.Find(name); ok {
					return found, true
				}
			}
		case *Map:
			if st.Processor != nil {
				if found, ok := st.Processor.Find(name); ok {
					return found, true
				}
			}
		}
	}
	return nil, false
}

// Stages replays the payload processing of state st on its recorded input:
// the input after InputPath, after Parameters (or a Map's ItemSelector is
// not applied: it shapes each item), the result (a Pass state's own;
// for Task, Parallel and Map states the result passed in, when hasResult),
// after ResultSelector, after ResultPath and after OutputPath. Stages that
// the state's type does not have are left out; the list stops at the first
// stage that fails, which carries the error. A Task, Parallel or Map state
// without a result stops after Parameters. c supplies the context object
// ($$) that paths and templates may read.
func Stages(st State, input, result any, hasResult bool, c *Context) []Stage {
	b := st.Common()
	out := []Stage{{Name: StageInput, Value: input}}
	fail := func(name string, err *Error) []Stage { return append(out, Stage{Name: name, Error: err}) }
	if _, ok := st.(*Fail); ok {
		return out
	}
	eff, err := b.effectiveInput(input, c)
	if err != nil {
		return fail(StageInputPath, err)
	}
	out = append(out, Stage{Name: StageInputPath, Value: eff})
	switch s := st.(type) {
	case *Choice, *Wait, *Succeed:
		v, err := b.outputPath(eff, c)
		if err != nil {
			return fail(StageOutputPath, err)
		}
		return append(out, Stage{Name: StageOutputPath, Value: v})
	case *Pass:
		result, hasResult = eff, true
		if s.Parameters != nil {
			v, perr := s.Parameters.Eval(eff, c)
			if perr != nil {
				return fail(StageParameters, AsError(perr))
			}
			out = append(out, Stage{Name: StageParameters, Value: v})
			result = v
		}
		if s.HasResult {
			result = s.Result
		}
	default:
		if _, isMap := st.(*Map); !isMap && b.Parameters != nil {
			v, perr := b.Parameters.Eval(eff, c)
			if perr != nil {
				return fail(StageParameters, AsError(perr))
			}
			out = append(out, Stage{Name: StageParameters, Value: v})
		}
		if !hasResult {
			return out
		}
		if b.ResultSelector != nil {
			out = append(out, Stage{Name: StageResult, Value: result})
			v, serr := b.ResultSelector.Eval(result, c)
			if serr != nil {
				return fail(StageResultSelector, AsError(serr))
			}
			out = append(out, Stage{Name: StageResultSelector, Value: v})
			result = v
		}
	}
	if len(out) == 0 || out[len(out)-1].Name != StageResultSelector {
		out = append(out, Stage{Name: StageResult, Value: result})
	}
	withResult, err := applyResultPath(b.ResultPath, input, result, c)
	if err != nil {
		return fail(StageResultPath, err)
	}
	out = append(out, Stage{Name: StageResultPath, Value: withResult})
	v, err := b.outputPath(withResult, c)
	if err != nil {
		return fail(StageOutputPath, err)
	}
	return append(out, Stage{Name: StageOutputPath, Value: v})
}
