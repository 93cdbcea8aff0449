package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/stepwise-run/stepwise/asl"
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
