package store

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// PublishedVersion is a version of a state machine as AWS numbers them:
// 1, 2, 3... per machine, never reused, each naming one revision (a
// Version: the definition stored by one create or update). Its fields are
// db.StepwisePublishedVersion's.
type PublishedVersion struct {
	StateMachineID int64 `db:"state_machine_id"`
	Version        int   `db:"version"`
	// Revision is the Version (the stored definition) it publishes.
	Revision    int       `db:"revision"`
	Description *string   `db:"description"`
	CreatedAt   time.Time `db:"created_at"`
}

func onePublished(row db.StepwisePublishedVersion, err error) (*PublishedVersion, error) {
	return onePtr(row, err, asPublished)
}

func asPublished(r *db.StepwisePublishedVersion) *PublishedVersion { return (*PublishedVersion)(r) }

// PublishVersion publishes revision of a machine as its next version
// number.
func PublishVersion(ctx context.Context, q Querier, machineID int64, revision int, description *string) (*PublishedVersion, error) {
	return onePublished(queries(q).PublishVersion(ctx, db.PublishVersionParams{StateMachineID: machineID,
		Revision: revision, Description: description}))
}

// GetPublishedVersion reads version v of a machine.
func GetPublishedVersion(ctx context.Context, q Querier, machineID int64, v int) (*PublishedVersion, error) {
	return onePublished(queries(q).GetPublishedVersion(ctx, db.GetPublishedVersionParams{StateMachineID: machineID, Version: v}))
}

// PublishedVersionOfRevision reads the newest version that publishes
// revision; ErrNotFound when none does.
func PublishedVersionOfRevision(ctx context.Context, q Querier, machineID int64, revision int) (*PublishedVersion, error) {
	return onePublished(queries(q).PublishedVersionOfRevision(ctx, db.PublishedVersionOfRevisionParams{StateMachineID: machineID,
		Revision: revision}))
}

// ListPublishedVersions returns up to limit versions of a machine
// numbered below before, newest first.
func ListPublishedVersions(ctx context.Context, q Querier, machineID int64, before, limit int) ([]*PublishedVersion, error) {
	rows, err := queries(q).ListPublishedVersions(ctx, db.ListPublishedVersionsParams{StateMachineID: machineID,
		Before: before, MaxRows: int32(limit)})
	return ptrs(rows, err, asPublished)
}

// CountPublishedVersions returns how many versions of a machine there
// are, deleted ones not counted.
func CountPublishedVersions(ctx context.Context, q Querier, machineID int64) (int, error) {
	n, err := queries(q).CountPublishedVersions(ctx, machineID)
	return int(n), err
}

// DeletePublishedVersion deletes version v of a machine; ErrNotFound when
// there is none.
func DeletePublishedVersion(ctx context.Context, q Querier, machineID int64, v int) error {
	n, err := queries(q).DeletePublishedVersion(ctx, db.DeletePublishedVersionParams{StateMachineID: machineID, Version: v})
	if err == nil && n == 0 {
		err = ErrNotFound
	}
	return err
}

// AliasesRoutingTo returns the names of the aliases that route to
// version v of a machine, in name order.
func AliasesRoutingTo(ctx context.Context, q Querier, machineID int64, v int) ([]string, error) {
	return queries(q).AliasesRoutingTo(ctx, db.AliasesRoutingToParams{StateMachineID: machineID, Version: v})
}
