package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
)

// InvalidDefinitionError lists what is wrong with a definition.
type InvalidDefinitionError struct {
	Diagnostics []asl.Diagnostic
}

// Error lists the diagnostics.
func (e *InvalidDefinitionError) Error() string {
	parts := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		parts[i] = fmt.Sprintf("%s at %s: %s", d.Code, pointerOrRoot(d.Pointer), d.Message)
	}
	return "invalid definition: " + strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalidDefinition) true.
func (e *InvalidDefinitionError) Unwrap() error { return ErrInvalidDefinition }

func pointerOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// MachineSpec is a state machine definition with its optional input
// schema and type.
type MachineSpec struct {
	Definition string
	// InputSchema is a JSON Schema every execution input must satisfy;
	// empty means none.
	InputSchema string
	// Logging is the machine's loggingConfiguration, which AWS keeps per
	// machine: nil creates a machine with level OFF, and leaves an updated
	// machine's as it was.
	Logging *LoggingConfiguration
	// Type is store.TypeStandard or store.TypeExpress; empty means
	// STANDARD at creation and the machine's own type at update (a
	// machine's type is fixed at creation).
	Type string
	// Tags are set at creation (see TagResource); an update ignores them.
	Tags []Tag
	// RoleARN is the machine's IAM role (see config.go); nil means none
	// at creation, and the latest revision's at update.
	RoleARN *string
	// Tracing is tracingConfiguration.enabled; nil means false at
	// creation, and the latest revision's at update.
	Tracing *bool
	// Encryption is the encryptionConfiguration; nil means none
	// (AWS_OWNED_KEY) at creation, and the latest revision's at update.
	Encryption *Encryption
	// Retention is how long the machine's closed executions are kept,
	// overriding Config.RetentionPeriod: nil means the installation's at
	// creation and leaves an updated machine's as it was; 0 sets it back
	// to the installation's; negative keeps them for ever.
	Retention *time.Duration
}

// checkSpec validates a definition, judges its Task resources (and, for
// an EXPRESS machine, what Express workflows refuse) and compiles its
// input schema.
func checkSpec(spec MachineSpec) error {
	if diags := asl.Validate([]byte(spec.Definition)); len(diags) > 0 {
		return &InvalidDefinitionError{Diagnostics: diags}
	}
	if _, err := asl.Parse([]byte(spec.Definition)); err != nil {
		return &InvalidDefinitionError{Diagnostics: []asl.Diagnostic{{Code: "UNSUPPORTED_FEATURE", Message: err.Error()}}}
	}
	if diags := resourceDiagnostics(spec.Definition); len(diags) > 0 {
		return &InvalidDefinitionError{Diagnostics: diags}
	}
	if spec.Type == store.TypeExpress {
		if diags := expressDiagnostics(spec.Definition); len(diags) > 0 {
			return &InvalidDefinitionError{Diagnostics: diags}
		}
	}
	if spec.InputSchema != "" {
		if _, err := compileSchema(spec.InputSchema); err != nil {
			return fmt.Errorf("%w: input schema: %v", ErrInvalidDefinition, err)
		}
	}
	return nil
}

// resourceDiagnostics judges the Resource of every Task state of a valid
// definition, Parallel branches and Map item processors (or iterators)
// included, with activities.CheckResource: AWS refuses at
// CreateStateMachine a resource it does not recognise, where Stepwise
// would otherwise fail only when the task runs. A JSONata resource
// ({% ... %}) is known only at run time and is not judged.
func resourceDiagnostics(definition string) []asl.Diagnostic {
	var diags []asl.Diagnostic
	eachRawState(definition, func(_ string, state map[string]any, at string) {
		resource, ok := staticResource(state)
		if !ok {
			return
		}
		if err := activities.CheckResource(resource); err != nil {
			diags = append(diags, asl.Diagnostic{Code: "SCHEMA_VALIDATION_FAILED", Pointer: at + "/Resource",
				Message: fmt.Sprintf("The resource provided %s is not recognized. The value is not a valid resource ARN, "+
					"or the resource is not available in this region (%s)", resource, causeOf(err))})
		}
	})
	return diags
}

// staticResource is the Resource of a Task state, unless it is a JSONata
// expression, known only at run time; ok is false for other states and
// for such resources.
func staticResource(state map[string]any) (resource string, ok bool) {
	if state["Type"] != "Task" {
		return "", false
	}
	resource, _ = state["Resource"].(string)
	return resource, !strings.Contains(resource, "{%")
}

// eachRawState calls visit with every state of a definition as decoded
// JSON, in state name order, Parallel branches and Map item processors
// (or iterators) included, with the JSON Pointer of the state. A
// definition that is not a JSON object has no states.
func eachRawState(definition string, visit func(name string, state map[string]any, at string)) {
	var raw map[string]any
	if json.Unmarshal([]byte(definition), &raw) != nil {
		return // asl.Validate has said why
	}
	var walk func(machine map[string]any, pointer string)
	walk = func(machine map[string]any, pointer string) {
		states, _ := machine["States"].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(states)) {
			state, _ := states[name].(map[string]any)
			at := pointer + "/States/" + pointerEscaper.Replace(name)
			visit(name, state, at)
			switch state["Type"] {
			case "Parallel":
				branches, _ := state["Branches"].([]any)
				for i, b := range branches {
					if branch, ok := b.(map[string]any); ok {
						walk(branch, fmt.Sprintf("%s/Branches/%d", at, i))
					}
				}
			case "Map":
				for _, key := range []string{"ItemProcessor", "Iterator"} {
					if processor, ok := state[key].(map[string]any); ok {
						walk(processor, at+"/"+key)
					}
				}
			}
		}
	}
	walk(raw, "")
}

// pointerEscaper escapes a key for a JSON Pointer (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// causeOf is the cause of an *asl.Error, else the error's text.
func causeOf(err error) string {
	var e *asl.Error
	if errors.As(err, &e) {
		return e.Cause
	}
	return err.Error()
}

func compileSchema(text string) (*jsonschema.Schema, error) {
	const url = "https://stepwise.invalid/input-schema.json" // a fixed name: errors must not show local paths
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, strings.NewReader(text)); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// CreateStateMachine creates a machine with its first version.
func (e *Engine) CreateStateMachine(ctx context.Context, name string, spec MachineSpec) (*store.StateMachine, *store.Version, error) {
	if err := checkName(name); err != nil {
		return nil, nil, err
	}
	if err := checkType(spec.Type); err != nil {
		return nil, nil, err
	}
	if err := checkSpec(spec); err != nil {
		return nil, nil, err
	}
	if err := checkLogging(spec.Logging); err != nil {
		return nil, nil, err
	}
	if err := checkConfig(spec); err != nil {
		return nil, nil, err
	}
	tags, err := checkTags(spec.Tags)
	if err != nil {
		return nil, nil, err
	}
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	sm, err := store.InsertStateMachine(ctx, tx, name, e.arns.StateMachine(name), spec.Type)
	if errors.Is(err, store.ErrConflict) {
		return nil, nil, fmt.Errorf("%w: %s", ErrStateMachineExists, name)
	}
	if err != nil {
		return nil, nil, err
	}
	v, err := store.InsertVersion(ctx, tx, sm.ID, spec.Definition, optional(spec.InputSchema), spec.config(store.Config{}))
	if err != nil {
		return nil, nil, err
	}
	if err := setLogging(ctx, tx, sm.ID, spec.Logging); err != nil {
		return nil, nil, err
	}
	if err := setRetention(ctx, tx, sm, spec.Retention); err != nil {
		return nil, nil, err
	}
	if err := addTags(ctx, tx, store.TagOwner{StateMachineID: &sm.ID}, tags, sm.ARN); err != nil {
		return nil, nil, err
	}
	sm.LatestVersion = v.Version
	return sm, v, tx.Commit(ctx)
}

// UpdateStateMachine adds a new version; running executions keep theirs.
// A spec with Logging also replaces the machine's logging configuration,
// in the same transaction; the role, tracing and encryption the spec
// leaves nil are the latest version's. The definition is checked against the
// machine's type; a spec.Type other than it is ErrInvalidRequest (the
// type is fixed at creation).
func (e *Engine) UpdateStateMachine(ctx context.Context, name string, spec MachineSpec) (*store.Version, error) {
	if err := checkLogging(spec.Logging); err != nil {
		return nil, err
	}
	if err := checkConfig(spec); err != nil {
		return nil, err
	}
	sm, err := e.StateMachine(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := sameType(sm, spec.Type); err != nil {
		return nil, err
	}
	spec.Type = sm.Type
	if err := checkSpec(spec); err != nil {
		return nil, err
	}
	defer e.forgetMachine(sm.Name)
	defer e.forgetLogging(sm.ID)
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	latest, err := store.LockStateMachine(ctx, tx, sm.ID)
	if err != nil {
		return nil, err
	}
	base, err := store.GetVersion(ctx, tx, sm.ID, latest.LatestVersion)
	if err != nil {
		return nil, err
	}
	v, err := store.InsertVersion(ctx, tx, sm.ID, spec.Definition, optional(spec.InputSchema), spec.config(base.Config))
	if err != nil {
		return nil, err
	}
	if err := setLogging(ctx, tx, sm.ID, spec.Logging); err != nil {
		return nil, err
	}
	if err := setRetention(ctx, tx, sm, spec.Retention); err != nil {
		return nil, err
	}
	return v, tx.Commit(ctx)
}

// StateMachine finds a machine by name or ARN.
func (e *Engine) StateMachine(ctx context.Context, nameOrARN string) (*store.StateMachine, error) {
	sm, err := store.GetStateMachineByName(ctx, e.pool, arn.Name(nameOrARN))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrStateMachineDoesNotExist, nameOrARN)
	}
	return sm, err
}

// DeleteStateMachine deletes a machine; with running executions it is
// refused unless force is set, and then they are stopped first (see
// DeleteStateMachineStopping).
func (e *Engine) DeleteStateMachine(ctx context.Context, nameOrARN string, force bool) error {
	_, err := e.DeleteStateMachineStopping(ctx, nameOrARN, force)
	return err
}

// deleteMachine deletes a machine, refusing while executions run.
func (e *Engine) deleteMachine(ctx context.Context, sm *store.StateMachine) error {
	running, err := store.CountRunningExecutions(ctx, e.pool, sm.ID)
	if err != nil {
		return err
	}
	if running > 0 {
		return fmt.Errorf("%w: %d running", ErrStateMachineInUse, running)
	}
	defer e.forgetMachine(sm.Name)
	return store.DeleteStateMachine(ctx, e.pool, sm.ID)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// checkName applies AWS's rules for state machine and execution names.
// A name is 1 to 80 characters (not bytes: AWS allows names in any
// script) with no white space (Unicode's, not only ASCII's), control
// character or reserved punctuation.
func checkName(name string) error {
	if n := utf8.RuneCountInString(name); n == 0 || n > 80 {
		return fmt.Errorf("%w: %q must be 1 to 80 characters", ErrInvalidName, name)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("%w: %q is not valid UTF-8", ErrInvalidName, name)
	}
	for _, r := range name {
		if r <= 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || unicode.IsSpace(r) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r) {
			return fmt.Errorf("%w: %q contains %q, which names may not contain", ErrInvalidName, name, r)
		}
	}
	return nil
}
