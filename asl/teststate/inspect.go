package teststate

import (
	"github.com/stepwise-run/stepwise/asl"
)

// inspect is the inspection data of the request's level. At LevelInfo it
// holds only the error details of a retried or caught error (nil when
// there are none); from LevelDebug on it adds the data after each stage
// and the variables.
func (ev *evaluation) inspect(d asl.Decision) *Inspection {
	details := ev.errorDetails(d)
	if ev.req.Level == "" || ev.req.Level == LevelInfo {
		if details == nil {
			return nil
		}
		return &Inspection{ErrorDetails: details}
	}
	in := &Inspection{Input: jsonText(ev.req.Input), ErrorDetails: details}
	if ev.req.State.Common().QueryLanguage == asl.JSONata {
		ev.jsonataStages(in)
	} else {
		ev.stages(in)
	}
	ev.mapStages(in)
	if vars := asl.Merge(ev.c.Variables, d.Assign); len(vars) > 0 {
		in.Variables = jsonText(vars)
	}
	return in
}

// stages fills the data after each JSONPath payload-processing stage.
func (ev *evaluation) stages(in *Inspection) {
	fields := map[string]**string{
		asl.StageInputPath:      &in.AfterInputPath,
		asl.StageParameters:     &in.AfterParameters,
		asl.StageResult:         &in.Result,
		asl.StageResultSelector: &in.AfterResultSelector,
		asl.StageResultPath:     &in.AfterResultPath,
	}
	for _, s := range asl.Stages(ev.req.State, ev.req.Input, ev.res, ev.hasRes, ev.c) {
		if f, ok := fields[s.Name]; ok && s.Error == nil {
			*f = jsonText(s.Value)
		}
	}
}

// jsonataStages fills the data a JSONata state shows: its arguments and
// its result.
func (ev *evaluation) jsonataStages(in *Inspection) {
	if ev.hasArgs {
		in.AfterArguments = jsonText(ev.args)
	}
	if ev.hasRes {
		in.Result = jsonText(ev.res)
	}
}

// mapStages fills a Map's items, their inputs after ItemSelector and its
// concurrency and tolerance.
func (ev *evaluation) mapStages(in *Inspection) {
	run := ev.mapRun
	if run == nil {
		return
	}
	if run.State.QueryLanguage != asl.JSONata {
		in.AfterItemsPath = jsonText(run.Items)
	}
	inputs := make([]any, 0, len(run.Items))
	for i, item := range run.Items {
		ic := *ev.c
		ic.MapItem = &asl.MapItem{Index: i, Value: item}
		ic.Invalidate()
		v, err := run.ItemInput(i, &ic)
		if err != nil {
			break
		}
		inputs = append(inputs, v)
	}
	in.AfterItemSelector = jsonText(inputs)
	in.MaxConcurrency = &run.MaxConcurrency
	if run.State.TolerationCount() {
		in.ToleratedFailureCount = &run.ToleratedFailureCount
	}
	if run.State.TolerationPercentage() {
		in.ToleratedFailurePercentage = &run.ToleratedFailurePercentage
	}
}
