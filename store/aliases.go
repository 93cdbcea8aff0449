package store

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// Alias is a named pointer to one or two published versions of a state
// machine, which starts through it share by weight.
type Alias struct {
	StateMachineID int64
	Name           string
	Description    *string
	// Routes are one or two versions with weights that add to 100.
	Routes    []Route
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Route is a published version an alias routes to and its weight, a
// percentage of the starts.
type Route struct {
	Version int
	Weight  int
}

func oneAlias(row db.StepwiseStateMachineAlias, err error) (*Alias, error) {
	return onePtr(row, err, asAlias)
}

func asAlias(r *db.StepwiseStateMachineAlias) *Alias {
	a := &Alias{StateMachineID: r.StateMachineID, Name: r.Name, Description: r.Description,
		Routes: []Route{{Version: r.Version1, Weight: r.Weight1}}, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.Version2 != nil && r.Weight2 != nil {
		a.Routes = append(a.Routes, Route{Version: *r.Version2, Weight: *r.Weight2})
	}
	return a
}

// routeColumns spreads one or two routes over the alias table's columns.
func routeColumns(routes []Route) (v1, w1 int, v2, w2 *int) {
	v1, w1 = routes[0].Version, routes[0].Weight
	if len(routes) > 1 {
		v2, w2 = &routes[1].Version, &routes[1].Weight
	}
	return v1, w1, v2, w2
}

// InsertAlias creates an alias; ErrConflict when the machine has one of
// that name. A route to a version that does not exist is a foreign key
// violation (see IsForeignKeyViolation).
func InsertAlias(ctx context.Context, q Querier, a *Alias) (*Alias, error) {
	v1, w1, v2, w2 := routeColumns(a.Routes)
	out, err := oneAlias(queries(q).InsertAlias(ctx, db.InsertAliasParams{StateMachineID: a.StateMachineID, Name: a.Name,
		Description: a.Description, Version1: v1, Weight1: w1, Version2: v2, Weight2: w2}))
	if err == ErrNotFound {
		return nil, ErrConflict
	}
	return out, err
}

// GetAlias reads the alias name of a machine.
func GetAlias(ctx context.Context, q Querier, machineID int64, name string) (*Alias, error) {
	return oneAlias(queries(q).GetAlias(ctx, db.GetAliasParams{StateMachineID: machineID, Name: name}))
}

// UpdateAlias replaces an alias's description and routes; ErrNotFound
// when there is no such alias.
func UpdateAlias(ctx context.Context, q Querier, a *Alias) (*Alias, error) {
	v1, w1, v2, w2 := routeColumns(a.Routes)
	return oneAlias(queries(q).UpdateAlias(ctx, db.UpdateAliasParams{StateMachineID: a.StateMachineID, Name: a.Name,
		Description: a.Description, Version1: v1, Weight1: w1, Version2: v2, Weight2: w2}))
}

// DeleteAlias deletes an alias; ErrNotFound when there is none.
func DeleteAlias(ctx context.Context, q Querier, machineID int64, name string) error {
	n, err := queries(q).DeleteAlias(ctx, db.DeleteAliasParams{StateMachineID: machineID, Name: name})
	if err == nil && n == 0 {
		err = ErrNotFound
	}
	return err
}

// ListAliases returns up to limit aliases of a machine named after after,
// in name order; version 0 lists them all, another only those routing to
// that version.
func ListAliases(ctx context.Context, q Querier, machineID int64, version int, after string, limit int) ([]*Alias, error) {
	rows, err := queries(q).ListAliases(ctx, db.ListAliasesParams{StateMachineID: machineID, After: after,
		Version: int32(version), MaxRows: int32(limit)})
	return ptrs(rows, err, asAlias)
}
