package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
)

// A start names what it runs by the machine's ARN, qualified or not: a
// version ARN (MACHINE:N) runs that published version's revision, an
// alias ARN (MACHINE:ALIAS) one of the alias's versions, drawn by weight.

// resolveQualifier reads the version or alias that in.StateMachine
// qualifies the machine with, if any: it sets in.Version to the revision
// the start runs and records the version and alias ARNs. A version or
// alias that does not exist is ErrStateMachineDoesNotExist, as AWS
// answers StartExecution.
func (e *Engine) resolveQualifier(ctx context.Context, in *StartInput) error {
	ref, err := arn.ParseStateMachine(in.StateMachine)
	if err != nil || ref.Version == 0 && ref.Alias == "" {
		return nil // a name, or an unqualified ARN
	}
	if in.Version != 0 {
		return validationf("%s names a version or an alias: it cannot be started at revision %d too", in.StateMachine, in.Version)
	}
	sm, err := e.StateMachine(ctx, ref.Name)
	if err != nil {
		return err
	}
	version := ref.Version
	if ref.Alias != "" {
		a, err := store.GetAlias(ctx, e.pool, sm.ID, ref.Alias)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w: State Machine Does Not Exist: alias '%s'", ErrStateMachineDoesNotExist, QualifiedARN(sm.ARN, ref.Alias))
		}
		if err != nil {
			return err
		}
		version, in.aliasARN = pickRoute(a.Routes, e.cfg.RoutingRandom()), AliasARN(sm, a)
	}
	pv, err := e.publishedVersion(ctx, sm, version)
	if errors.Is(err, ErrVersionDoesNotExist) {
		return fmt.Errorf("%w: State Machine Does Not Exist: version '%s'", ErrStateMachineDoesNotExist, QualifiedARN(sm.ARN, version))
	}
	if err != nil {
		return err
	}
	in.Version, in.versionARN = pv.Revision, QualifiedARN(sm.ARN, version)
	return nil
}

// pickRoute picks the version a start through an alias runs: r, in
// [0, 1), falls in one route's share of the weights.
func pickRoute(routes []store.Route, r float64) int {
	at := r * 100
	for _, route := range routes {
		if at < float64(route.Weight) {
			return route.Version
		}
		at -= float64(route.Weight)
	}
	return routes[len(routes)-1].Version
}
