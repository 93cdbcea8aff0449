package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
)

// MachineDescription is a state machine with one of its versions and the
// list of all its versions.
type MachineDescription struct {
	StateMachine *store.StateMachine
	// Version is the version described, with its definition.
	Version *store.Version
	// Versions lists every version, newest first.
	Versions []store.VersionInfo
}

// DescribeStateMachine reads a machine by name or ARN with one of its
// versions (0 means the latest) and the list of all its versions. A
// missing machine or version is ErrStateMachineDoesNotExist.
func (e *Engine) DescribeStateMachine(ctx context.Context, nameOrARN string, version int) (*MachineDescription, error) {
	sm, err := e.StateMachine(ctx, nameOrARN)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		version = sm.LatestVersion
	}
	v, err := store.GetVersion(ctx, e.pool, sm.ID, version)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s has no version %d", ErrStateMachineDoesNotExist, sm.Name, version)
	}
	if err != nil {
		return nil, err
	}
	versions, err := store.ListVersionInfo(ctx, e.pool, sm.ID)
	if err != nil {
		return nil, err
	}
	return &MachineDescription{StateMachine: sm, Version: v, Versions: versions}, nil
}

// ListStateMachines returns up to limit machines named after after, in
// name order; after "" starts at the first.
func (e *Engine) ListStateMachines(ctx context.Context, after string, limit int) ([]*store.StateMachine, error) {
	return store.ListStateMachines(ctx, e.pool, after, limit)
}

// ValidateMachineSpec checks a definition and its input schema as
// CreateStateMachine does and returns every problem found; none means
// CreateStateMachine would accept them. A definition using a feature
// Stepwise does not run is an UNSUPPORTED_FEATURE diagnostic, an input
// schema that does not compile an INVALID_INPUT_SCHEMA one.
func ValidateMachineSpec(spec MachineSpec) []asl.Diagnostic {
	err := checkSpec(spec)
	var invalid *InvalidDefinitionError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &invalid):
		return invalid.Diagnostics
	}
	return []asl.Diagnostic{{Code: "INVALID_INPUT_SCHEMA", Message: err.Error()}}
}

// abortCause is the error and cause of executions aborted because their
// state machine was deleted.
const (
	abortError = "StateMachineDeleted"
	abortCause = "the state machine was deleted with force"
)

// DeleteStateMachineStopping deletes a machine by name or ARN. With
// running executions it is refused (ErrStateMachineInUse) unless force is
// set; then it first stops each of them as StopExecution does, so their
// tasks are cancelled and their history ends in ExecutionAborted, and
// returns how many it stopped. Executions started while it works are
// deleted with the machine.
func (e *Engine) DeleteStateMachineStopping(ctx context.Context, nameOrARN string, force bool) (aborted int, err error) {
	sm, err := e.StateMachine(ctx, nameOrARN)
	if err != nil {
		return 0, err
	}
	if !force {
		return 0, e.deleteMachine(ctx, sm)
	}
	const page = 100
	var after int64
	for {
		running, err := store.ListRunningExecutions(ctx, e.pool, sm.ID, after, page)
		if err != nil {
			return aborted, err
		}
		for _, r := range running {
			after = r.ID
			_, err := e.StopExecution(ctx, r.ARN, abortError, abortCause)
			if errors.Is(err, ErrExecutionNotRunning) || errors.Is(err, ErrExecutionDoesNotExist) {
				continue // it ended meanwhile
			}
			if err != nil {
				return aborted, fmt.Errorf("stop %s: %w", r.ARN, err)
			}
			aborted++
		}
		if len(running) < page {
			break
		}
	}
	defer e.forgetMachine(sm.Name)
	return aborted, store.DeleteStateMachine(ctx, e.pool, sm.ID)
}

// MachineVersion reads the machine name with one of its versions (0 means
// the latest), definition included, in one read. A missing machine or
// version is ErrStateMachineDoesNotExist.
func (e *Engine) MachineVersion(ctx context.Context, name string, version int) (*store.MachineVersion, error) {
	mv, err := store.GetMachineVersion(ctx, e.pool, name, version)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s version %d", ErrStateMachineDoesNotExist, name, version)
	}
	return mv, err
}

// ResourceStatus is the verdict of CheckStateMachine on one Task resource.
type ResourceStatus string

// The verdicts on a Task resource.
const (
	// ResourceServed: a live function serves it (see FunctionLive), or,
	// for an activity resource or a service integration bound to an
	// activity (Config.ActivityBindings), the activity exists.
	ResourceServed ResourceStatus = "served"
	// ResourceStale: the function its tasks go to is registered, but no
	// engine serving it has been seen within FunctionLive.
	ResourceStale ResourceStatus = "stale"
	// ResourceUnbound: no worker ever registered a function that serves
	// it, or the activity it goes to does not exist.
	ResourceUnbound ResourceStatus = "unbound"
	// ResourceDynamic: what serves it is known only when the task runs (a
	// JSONata resource, or lambda:invoke with FunctionName from a path or
	// an expression).
	ResourceDynamic ResourceStatus = "dynamic"
	// ResourceInvalid: the resource cannot run as written.
	ResourceInvalid ResourceStatus = "invalid"
)

// ResourceCheck is what CheckStateMachine says of one Task resource.
type ResourceCheck struct {
	Resource string
	// Kind is the resource's form (activities.Kind's String); empty when
	// the resource is invalid or dynamic.
	Kind string
	// Names are the registry names that may serve it, the most specific
	// first (activities.Binding.Names); for an activity, its name.
	Names []string
	// ServedBy are the registered names among Names with when they were
	// last seen; empty when an activity serves the resource.
	ServedBy []FunctionSeen
	// Activity is the activity its tasks go to: an activity resource's
	// own, or the activity its first bound name is bound to when no
	// function registered under an earlier or equal name serves it
	// (Config.ActivityBindings); empty otherwise.
	Activity string
	Status   ResourceStatus
	// Problem says what is wrong or unknown; empty when served with
	// nothing to add.
	Problem string
}

// FunctionSeen is a registered function and when an engine serving it
// last said so.
type FunctionSeen struct {
	Name     string
	LastSeen time.Time
	// Live is set when LastSeen is within FunctionLive.
	Live bool
}

// CheckStateMachine lists the distinct Task resources of a machine's
// latest version, Parallel branches and Map item processors included, and
// says for each which registered functions serve it and whether a live
// worker does, as dispatch routes them (Config.ActivityBindings
// included). It only reads. Activity workers poll and are not tracked:
// an activity is served when it exists.
func (e *Engine) CheckStateMachine(ctx context.Context, nameOrARN string) ([]ResourceCheck, error) {
	sm, err := e.StateMachine(ctx, nameOrARN)
	if err != nil {
		return nil, err
	}
	m, err := e.machine(ctx, e.pool, sm.ID, sm.LatestVersion)
	if err != nil {
		return nil, err
	}
	var checks []ResourceCheck
	var bindings []activities.Binding
	seen := map[string]bool{}
	var names []string
	eachTask(m, func(task *asl.Task) {
		c, b, key := resourceOf(task)
		if seen[key] {
			return
		}
		seen[key] = true
		checks = append(checks, c)
		bindings = append(bindings, b)
		if c.Status == "" && b.Kind != activities.KindActivity && b.Kind != activities.KindNested {
			names = append(names, c.Names...)
		}
	})
	registered, err := store.FunctionsNamed(ctx, e.pool, names)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]FunctionSeen, len(registered))
	for _, f := range registered {
		byName[f.Name] = FunctionSeen{Name: f.Name, LastSeen: f.LastSeen, Live: f.Age < FunctionLive}
	}
	for i := range checks {
		c := &checks[i]
		switch {
		case c.Status != "":
		case bindings[i].Kind == activities.KindNested:
			c.Status, c.Problem = ResourceServed, "built in: Stepwise starts the nested execution itself"
		case bindings[i].Kind == activities.KindActivity:
			if err := e.checkActivity(ctx, c, c.Names[0], ""); err != nil {
				return nil, err
			}
		default:
			if err := e.checkFunctionsOrBound(ctx, c, bindings[i], byName); err != nil {
				return nil, err
			}
		}
	}
	return checks, nil
}

// eachTask calls visit with every Task state of m, in state name order,
// descending into Parallel branches and Map item processors.
func eachTask(m *asl.StateMachine, visit func(*asl.Task)) {
	m.EachState(func(_ string, s asl.State) {
		if t, ok := s.(*asl.Task); ok {
			visit(t)
		}
	})
}

// resourceOf resolves a Task's resource as far as the definition tells:
// the check is left without a Status when the binding must still be
// looked up. key tells distinct resources apart: lambda:invoke resources
// by their function too.
func resourceOf(task *asl.Task) (c ResourceCheck, b activities.Binding, key string) {
	c.Resource = task.Resource
	if strings.Contains(task.Resource, "{%") {
		c.Status, c.Problem = ResourceDynamic, "the resource is a JSONata expression, known only when the task runs"
		return c, b, task.Resource
	}
	input := map[string]any{}
	if isLambdaInvoke(task.Resource) {
		fn, dynamic := task.StaticArgument("FunctionName")
		if dynamic {
			c.Status, c.Problem = ResourceDynamic, "lambda:invoke takes its FunctionName from a path or an expression, known only when the task runs"
			return c, b, task.Resource + "\x00$"
		}
		if fn != nil {
			input["FunctionName"] = fn
		}
		if q, dynamic := task.StaticArgument("Qualifier"); q != nil && !dynamic {
			input["Qualifier"] = q
		}
		key = fmt.Sprintf("%s\x00%v\x00%v", task.Resource, fn, input["Qualifier"])
	} else {
		key = task.Resource
	}
	b, _, err := activities.Resolve(task.Resource, input)
	if err != nil {
		c.Status, c.Problem = ResourceInvalid, err.Error()
		var ae *asl.Error
		if errors.As(err, &ae) {
			c.Problem = ae.Cause
		}
		return c, b, key
	}
	c.Kind, c.Names = b.Kind.String(), b.Names()
	return c, b, key
}

// isLambdaInvoke reports whether resource is arn:PARTITION:states:::lambda:….
func isLambdaInvoke(resource string) bool {
	a, err := arn.Parse(resource)
	return err == nil && a.Service == "states" && strings.HasPrefix(a.Resource, "lambda:")
}

// checkActivity judges a resource whose tasks go to activity (through
// binding name, when not empty): served when the activity exists.
func (e *Engine) checkActivity(ctx context.Context, c *ResourceCheck, activity, name string) error {
	c.Activity = activity
	bound := ""
	if name != "" {
		bound = fmt.Sprintf("%s is bound to activity %s: ", name, activity)
	}
	_, err := e.DescribeActivity(ctx, activity)
	switch {
	case errors.Is(err, ErrActivityDoesNotExist):
		c.Status, c.Problem = ResourceUnbound, fmt.Sprintf("%sactivity %s does not exist: its tasks fail at once", bound, activity)
	case err != nil:
		return err
	default:
		c.Status, c.Problem = ResourceServed, bound+"the activity exists; activity workers poll and are not tracked"
	}
	return nil
}

// checkFunctionsOrBound judges a function resource as dispatch routes it
// (see change.serving): to the function registered under the first of
// its names, or to the activity that name is bound to.
func (e *Engine) checkFunctionsOrBound(ctx context.Context, c *ResourceCheck, b activities.Binding, registered map[string]FunctionSeen) error {
	for _, name := range c.Names {
		if _, ok := registered[name]; ok {
			break
		}
		if activity, ok := e.boundActivity(b, name); ok {
			return e.checkActivity(ctx, c, activity, name)
		}
	}
	checkFunctions(c, registered)
	return nil
}

// checkFunctions judges a function resource as dispatch would route it:
// its tasks go to the first of its names any worker registered, which
// serves them when it is live.
func checkFunctions(c *ResourceCheck, registered map[string]FunctionSeen) {
	for _, name := range c.Names {
		if f, ok := registered[name]; ok {
			c.ServedBy = append(c.ServedBy, f)
		}
	}
	if len(c.ServedBy) == 0 {
		c.Status, c.Problem = ResourceUnbound, fmt.Sprintf("no worker has registered %s: its tasks fail with States.Runtime", strings.Join(c.Names, " or "))
		return
	}
	first := c.ServedBy[0]
	if first.Live {
		c.Status = ResourceServed
		return
	}
	c.Status = ResourceStale
	c.Problem = fmt.Sprintf("%s was last seen at %s, more than %s ago: its tasks wait in its queue until a worker serving it starts",
		first.Name, first.LastSeen.UTC().Format(time.RFC3339), FunctionLive)
}
