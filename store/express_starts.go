package store

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// ExpressStart is the record of an accepted asynchronous start of an
// EXPRESS execution: what it takes to run it again from the beginning.
type ExpressStart struct {
	// ARN is the execution's express ARN.
	ARN string
	// StateMachine is the machine's name; Version the version it runs.
	StateMachine string
	Version      int
	Name         string
	Input        string
	StartedAt    time.Time
	// TestCase is the mock-configuration test case it runs with; empty
	// means none.
	TestCase string
}

// InsertExpressStarts records starts in one statement, owned by owner
// until until.
func InsertExpressStarts(ctx context.Context, q Querier, starts []ExpressStart, owner string, until time.Time) error {
	if len(starts) == 0 {
		return nil
	}
	p := db.InsertExpressStartsParams{Owner: owner, Until: until,
		Arns: make([]string, len(starts)), StateMachines: make([]string, len(starts)), Versions: make([]int32, len(starts)),
		Names: make([]string, len(starts)), Inputs: make([]string, len(starts)), StartedAts: make([]time.Time, len(starts)),
		TestCases: make([]string, len(starts))}
	for i, s := range starts {
		p.Arns[i], p.StateMachines[i], p.Versions[i] = s.ARN, s.StateMachine, int32(s.Version)
		p.Names[i], p.Inputs[i], p.StartedAts[i], p.TestCases[i] = s.Name, s.Input, s.StartedAt, s.TestCase
	}
	return queries(q).InsertExpressStarts(ctx, p)
}

// DeleteExpressStarts deletes the records of the executions arns.
func DeleteExpressStarts(ctx context.Context, q Querier, arns []string) error {
	return queries(q).DeleteExpressStarts(ctx, arns)
}

// RenewExpressStarts moves the leases owner holds on the starts arns (the
// ones it runs) on to until and returns how many it moved. The leases of
// other starts owner holds run out.
func RenewExpressStarts(ctx context.Context, q Querier, owner string, arns []string, until time.Time) (int64, error) {
	if len(arns) == 0 {
		return 0, nil
	}
	return queries(q).RenewExpressStarts(ctx, db.RenewExpressStartsParams{Owner: owner, Arns: arns, Until: until})
}

// ReleaseExpressStarts lets the leases owner holds on the starts arns run
// out now, for any engine to claim.
func ReleaseExpressStarts(ctx context.Context, q Querier, owner string, arns []string) error {
	return queries(q).ReleaseExpressStarts(ctx, db.ReleaseExpressStartsParams{Owner: owner, Arns: arns})
}

// ClaimExpressStarts makes owner, until until, the owner of up to limit
// starts whose leases ran out, and returns them.
func ClaimExpressStarts(ctx context.Context, q Querier, owner string, until time.Time, limit int) ([]ExpressStart, error) {
	rows, err := queries(q).ClaimExpressStarts(ctx, db.ClaimExpressStartsParams{Owner: owner, Until: until, MaxRows: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]ExpressStart, len(rows))
	for i, r := range rows {
		out[i] = ExpressStart{ARN: r.ARN, StateMachine: r.StateMachine, Version: int(r.Version), Name: r.Name, Input: r.Input, StartedAt: r.StartedAt}
		if r.TestCase != nil {
			out[i].TestCase = *r.TestCase
		}
	}
	return out, nil
}
