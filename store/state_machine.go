package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// StateMachine is a named state machine; its definitions are Versions.
type StateMachine struct {
	ID            int64     `db:"id"`
	Name          string    `db:"name"`
	ARN           string    `db:"arn"`
	LatestVersion int       `db:"latest_version"`
	CreatedAt     time.Time `db:"created_at"`
}

// Version is one immutable definition of a state machine.
type Version struct {
	StateMachineID int64     `db:"state_machine_id"`
	Version        int       `db:"version"`
	Definition     string    `db:"definition"`
	InputSchema    *string   `db:"input_schema"`
	CreatedAt      time.Time `db:"created_at"`
}

func oneMachine(ctx context.Context, q Querier, query string, args ...any) (*StateMachine, error) {
	rows, _ := q.Query(ctx, sql(query), args...)
	sm, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[StateMachine])
	return sm, notFound(err)
}

// InsertStateMachine creates a state machine with no version yet.
func InsertStateMachine(ctx context.Context, q Querier, name, arn string) (*StateMachine, error) {
	sm, err := oneMachine(ctx, q, "InsertStateMachine", name, arn)
	return sm, conflict(err)
}

// GetStateMachineByName looks a state machine up by name.
func GetStateMachineByName(ctx context.Context, q Querier, name string) (*StateMachine, error) {
	return oneMachine(ctx, q, "GetStateMachineByName", name)
}

// GetStateMachine looks a state machine up by id.
func GetStateMachine(ctx context.Context, q Querier, id int64) (*StateMachine, error) {
	return oneMachine(ctx, q, "GetStateMachineByID", id)
}

// LockStateMachine reads a state machine and locks it until the
// transaction ends.
func LockStateMachine(ctx context.Context, q Querier, id int64) (*StateMachine, error) {
	return oneMachine(ctx, q, "LockStateMachine", id)
}

// ListStateMachines returns up to limit machines named after "after", in
// name order.
func ListStateMachines(ctx context.Context, q Querier, after string, limit int) ([]*StateMachine, error) {
	rows, _ := q.Query(ctx, sql("ListStateMachines"), after, limit)
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[StateMachine])
}

// DeleteStateMachine removes a machine with its versions.
func DeleteStateMachine(ctx context.Context, q Querier, id int64) error {
	_, err := q.Exec(ctx, sql("DeleteStateMachine"), id)
	return err
}

// CountRunningExecutions counts a machine's RUNNING executions.
func CountRunningExecutions(ctx context.Context, q Querier, id int64) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, sql("CountRunningExecutions"), id).Scan(&n)
	return n, err
}

// InsertVersion adds the next numbered version of a state machine.
func InsertVersion(ctx context.Context, q Querier, machineID int64, definition string, inputSchema *string) (*Version, error) {
	rows, _ := q.Query(ctx, sql("InsertVersion"), machineID, definition, inputSchema)
	v, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Version])
	return v, notFound(err)
}

// GetVersion reads one version of a state machine.
func GetVersion(ctx context.Context, q Querier, machineID int64, version int) (*Version, error) {
	rows, _ := q.Query(ctx, sql("GetVersion"), machineID, version)
	v, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Version])
	return v, notFound(err)
}

// ListVersions returns every version of a machine, newest first.
func ListVersions(ctx context.Context, q Querier, machineID int64) ([]*Version, error) {
	rows, _ := q.Query(ctx, sql("ListVersions"), machineID)
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Version])
}

// RegisterFunction records that a worker serves the named function.
func RegisterFunction(ctx context.Context, q Querier, name string) error {
	_, err := q.Exec(ctx, sql("UpsertFunction"), name)
	return err
}

// FunctionKnown reports whether any worker ever registered the function.
func FunctionKnown(ctx context.Context, q Querier, name string) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, sql("FunctionKnown"), name).Scan(&ok)
	return ok, err
}

// MachineVersion is a state machine with one of its versions.
type MachineVersion struct {
	StateMachine
	Version          int       `db:"version"`
	Definition       string    `db:"definition"`
	InputSchema      *string   `db:"input_schema"`
	VersionCreatedAt time.Time `db:"version_created_at"`
}

// GetMachineVersion reads a machine by name with a version of it (0 means
// the latest) in one query.
func GetMachineVersion(ctx context.Context, q Querier, name string, version int) (*MachineVersion, error) {
	rows, _ := q.Query(ctx, sql("GetMachineVersion"), name, version)
	mv, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[MachineVersion])
	return mv, notFound(err)
}
