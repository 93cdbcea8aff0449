package engine

import (
	"fmt"
	"strings"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// A state machine's type is fixed at creation (store.TypeStandard or
// store.TypeExpress). An EXPRESS definition is held to what AWS refuses
// in Express workflows, at create and at update: the Run a Job (.sync,
// .sync:2) and Wait for Callback (.waitForTaskToken) integration patterns,
// activities, and Distributed Map children of type STANDARD.

// checkType accepts the types of a new machine; "" is STANDARD.
func checkType(typ string) error {
	switch typ {
	case "", store.TypeStandard, store.TypeExpress:
		return nil
	}
	return fmt.Errorf("%w: type %q is neither %s nor %s", ErrInvalidRequest, typ, store.TypeStandard, store.TypeExpress)
}

// sameType refuses to change sm's type: typ must be empty or sm's.
func sameType(sm *store.StateMachine, typ string) error {
	if typ == "" || typ == sm.Type {
		return nil
	}
	if err := checkType(typ); err != nil {
		return err
	}
	return fmt.Errorf("%w: state machine %s is of type %s, fixed at creation; it cannot become %s (create another state machine)",
		ErrInvalidRequest, sm.Name, sm.Type, typ)
}

// expressDiagnostics lists what Express workflows refuse in a valid
// definition, each naming its state.
func expressDiagnostics(definition string) []asl.Diagnostic {
	var diags []asl.Diagnostic
	eachRawState(definition, func(name string, state map[string]any, at string) {
		if problem := expressTaskProblem(state); problem != "" {
			diags = append(diags, asl.Diagnostic{Code: "SCHEMA_VALIDATION_FAILED", Pointer: at + "/Resource",
				Message: fmt.Sprintf("Express state machines do not support %s: state %q", problem, name)})
		}
		if problem := expressMapProblem(state); problem != "" {
			diags = append(diags, asl.Diagnostic{Code: "SCHEMA_VALIDATION_FAILED", Pointer: at,
				Message: fmt.Sprintf("Express state machines do not support %s: state %q", problem, name)})
		}
	})
	return diags
}

// expressTaskProblem names what an Express workflow refuses in a Task
// state's resource; empty when nothing (or when the resource is known
// only at run time).
func expressTaskProblem(state map[string]any) string {
	resource, ok := staticResource(state)
	if !ok {
		return ""
	}
	b, err := activities.ParseResource(resource)
	if err != nil {
		return "" // resourceDiagnostics has said why
	}
	return expressBindingProblem(b, resource)
}

// expressBindingProblem names what an Express workflow refuses in a Task
// resource bound to b; empty when nothing.
func expressBindingProblem(b activities.Binding, resource string) string {
	switch {
	case b.Kind == activities.KindActivity:
		return fmt.Sprintf("activities (%s)", resource)
	case b.WaitForToken:
		return fmt.Sprintf("the Wait for Callback (%s) integration pattern (%s)", asl.WaitForTaskTokenSuffix, resource)
	case strings.HasPrefix(b.Suffix, activities.SyncSuffix):
		return fmt.Sprintf("the Run a Job (%s) integration pattern (%s)", b.Suffix, resource)
	}
	return ""
}

// expressMapProblem names what an Express workflow refuses in a Map
// state: a Distributed Map whose children are STANDARD executions (the
// default ExecutionType).
func expressMapProblem(state map[string]any) string {
	if state["Type"] != "Map" {
		return ""
	}
	processor, _ := state["ItemProcessor"].(map[string]any)
	config, _ := processor["ProcessorConfig"].(map[string]any)
	if config["Mode"] != asl.ModeDistributed {
		return ""
	}
	if typ, _ := config["ExecutionType"].(string); typ != store.TypeExpress {
		return fmt.Sprintf("a Distributed Map whose ProcessorConfig.ExecutionType is %s: its children must be EXPRESS", orString(typ, "STANDARD (the default)"))
	}
	return ""
}
