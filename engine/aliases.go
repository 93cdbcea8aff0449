package engine

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/stepwise-run/stepwise/store"
)

// Aliases, as AWS defines them: a name that routes the starts made
// through it to one or two published versions of a machine by weight.
// An alias's ARN is the machine's with ":ALIAS" appended.

// AliasSpec is an alias to create.
type AliasSpec struct {
	// Name is 1 to 80 letters, digits, '-', '_' and '.', not all digits
	// (a number would be a version).
	Name string
	// Description is optional (nil: none), at most 256 characters.
	Description *string
	// Routes are one or two distinct versions whose weights add to 100.
	Routes []store.Route
}

// aliasName is AWS's pattern for alias names.
var aliasName = regexp.MustCompile(`^[a-zA-Z0-9_.-]*[a-zA-Z_.-][a-zA-Z0-9_.-]*$`)

// checkAliasName applies AWS's rules for alias names.
func checkAliasName(name string) error {
	if len(name) < 1 || len(name) > 80 || !aliasName.MatchString(name) {
		return validationf("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: "+
			`Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$ and have length between 1 and 80`, name)
	}
	return nil
}

// checkRoutes applies AWS's rules for a routingConfiguration.
func checkRoutes(routes []store.Route) error {
	switch {
	case len(routes) < 1:
		return validationf("1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: " +
			"Member must have length greater than or equal to 1")
	case len(routes) > 2:
		return validationf("1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: " +
			"Member must have length less than or equal to 2")
	}
	sum := 0
	for i, r := range routes {
		if r.Weight < 0 || r.Weight > 100 {
			return validationf("1 validation error detected: Value '%d' at 'routingConfiguration.%d.member.weight' failed to satisfy constraint: "+
				"Member must have value between 0 and 100", r.Weight, i+1)
		}
		sum += r.Weight
	}
	if len(routes) == 2 && routes[0].Version == routes[1].Version {
		return validationf("Routing configuration must contain distinct state machine versions")
	}
	if sum != 100 {
		return validationf("Sum of routing configuration weights must be equal to 100, not %d", sum)
	}
	return nil
}

// checkAlias checks an alias's description and routes, and that every
// version it routes to exists (else ErrVersionDoesNotExist).
func (e *Engine) checkAlias(ctx context.Context, sm *store.StateMachine, description *string, routes []store.Route) error {
	if err := checkDescription(description); err != nil {
		return err
	}
	if err := checkRoutes(routes); err != nil {
		return err
	}
	for _, r := range routes {
		if _, err := e.publishedVersion(ctx, sm, r.Version); err != nil {
			return err
		}
	}
	return nil
}

// AliasARN is the ARN of alias a of the machine sm.
func AliasARN(sm *store.StateMachine, a *store.Alias) string { return QualifiedARN(sm.ARN, a.Name) }

// CreateAlias creates an alias of a machine (by name or ARN). As on AWS,
// creating an alias that exists with the same description and routes
// returns it (created false); with others it is ErrConflict.
func (e *Engine) CreateAlias(ctx context.Context, machine string, spec AliasSpec) (*store.StateMachine, *store.Alias, bool, error) {
	if err := checkAliasName(spec.Name); err != nil {
		return nil, nil, false, err
	}
	sm, err := e.StateMachine(ctx, machine)
	if err != nil {
		return nil, nil, false, err
	}
	if err := e.checkAlias(ctx, sm, spec.Description, spec.Routes); err != nil {
		return nil, nil, false, err
	}
	a, err := store.InsertAlias(ctx, e.pool, &store.Alias{StateMachineID: sm.ID, Name: spec.Name, Description: spec.Description, Routes: spec.Routes})
	switch {
	case errors.Is(err, store.ErrConflict):
		a, err = e.sameAlias(ctx, sm, spec)
		return sm, a, false, err
	case store.IsForeignKeyViolation(err):
		return nil, nil, false, fmt.Errorf("%w: a version of %s was deleted meanwhile", ErrVersionDoesNotExist, sm.ARN)
	}
	return sm, a, err == nil, err
}

// sameAlias returns the existing alias of spec's name when it has spec's
// description and routes, else ErrConflict.
func (e *Engine) sameAlias(ctx context.Context, sm *store.StateMachine, spec AliasSpec) (*store.Alias, error) {
	a, err := store.GetAlias(ctx, e.pool, sm.ID, spec.Name)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(a.Routes, spec.Routes) || deref(a.Description) != deref(spec.Description) {
		return nil, fmt.Errorf("%w: alias '%s' exists with a different description or routingConfiguration", ErrConflict, AliasARN(sm, a))
	}
	return a, nil
}

// Alias reads the alias name of a machine (by name or ARN);
// ErrAliasDoesNotExist when there is none.
func (e *Engine) Alias(ctx context.Context, machine, name string) (*store.StateMachine, *store.Alias, error) {
	sm, err := e.StateMachine(ctx, machine)
	if err != nil {
		return nil, nil, err
	}
	a, err := store.GetAlias(ctx, e.pool, sm.ID, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, fmt.Errorf("%w: '%s'", ErrAliasDoesNotExist, QualifiedARN(sm.ARN, name))
	}
	return sm, a, err
}

// UpdateAlias replaces an alias's description (nil keeps it) and routes
// (nil keeps them); one of them is required.
func (e *Engine) UpdateAlias(ctx context.Context, machine, name string, description *string, routes []store.Route) (*store.Alias, error) {
	if description == nil && routes == nil {
		return nil, validationf("Either the description or the routingConfiguration must be specified")
	}
	sm, a, err := e.Alias(ctx, machine, name)
	if err != nil {
		return nil, err
	}
	if description != nil {
		a.Description = description
	}
	if routes != nil {
		a.Routes = routes
	}
	if err := e.checkAlias(ctx, sm, a.Description, a.Routes); err != nil {
		return nil, err
	}
	a, err = store.UpdateAlias(ctx, e.pool, a)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("%w: '%s' was deleted meanwhile", ErrAliasDoesNotExist, QualifiedARN(sm.ARN, name))
	case store.IsForeignKeyViolation(err):
		return nil, fmt.Errorf("%w: a version of %s was deleted meanwhile", ErrVersionDoesNotExist, sm.ARN)
	}
	return a, err
}

// DeleteAlias deletes an alias of a machine (by name or ARN); executions
// started through it keep running. A missing alias is
// ErrAliasDoesNotExist.
func (e *Engine) DeleteAlias(ctx context.Context, machine, name string) error {
	sm, err := e.StateMachine(ctx, machine)
	if err != nil {
		return err
	}
	err = store.DeleteAlias(ctx, e.pool, sm.ID, name)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: '%s'", ErrAliasDoesNotExist, QualifiedARN(sm.ARN, name))
	}
	return err
}

// ListAliases returns up to limit aliases of a machine (by name or ARN)
// named after after, in name order; version 0 lists them all, another
// those that route to it (ErrVersionDoesNotExist when it does not
// exist).
func (e *Engine) ListAliases(ctx context.Context, machine string, version int, after string, limit int) (*store.StateMachine, []*store.Alias, error) {
	sm, err := e.StateMachine(ctx, machine)
	if err != nil {
		return nil, nil, err
	}
	if version != 0 {
		if _, err := e.publishedVersion(ctx, sm, version); err != nil {
			return nil, nil, err
		}
	}
	aliases, err := store.ListAliases(ctx, e.pool, sm.ID, version, after, limit)
	return sm, aliases, err
}
