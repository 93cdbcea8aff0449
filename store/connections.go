package store

import (
	"context"
	"errors"
	"time"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// Connection is a stored connection: named credentials for HTTP Tasks.
// AuthParameters is their JSON without secret values; Sealed is all of
// them, secrets included, encrypted under the key whose fingerprint is
// KeyID. Its fields are db.StepwiseConnection's.
type Connection struct {
	Name              string
	ARN               string
	Description       string
	AuthorizationType string
	AuthParameters    []byte
	Sealed            []byte
	KeyID             string
	CreatedAt         time.Time
}

func asConnection(r *db.StepwiseConnection) *Connection { return (*Connection)(r) }

// InsertConnection stores a new connection; ErrConflict when its name is
// taken.
func InsertConnection(ctx context.Context, q Querier, c *Connection) (*Connection, error) {
	row, err := queries(q).InsertConnection(ctx, db.InsertConnectionParams{
		Name: c.Name, ARN: c.ARN, Description: c.Description, AuthorizationType: c.AuthorizationType,
		AuthParameters: c.AuthParameters, Sealed: c.Sealed, KeyID: c.KeyID,
	})
	conn, err := onePtr(row, err, asConnection)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrConflict
	}
	return conn, err
}

// GetConnection reads a connection by name.
func GetConnection(ctx context.Context, q Querier, name string) (*Connection, error) {
	row, err := queries(q).GetConnection(ctx, name)
	return onePtr(row, err, asConnection)
}

// ListConnections returns up to limit connections named after "after".
func ListConnections(ctx context.Context, q Querier, after string, limit int) ([]*Connection, error) {
	rows, err := queries(q).ListConnections(ctx, db.ListConnectionsParams{After: after, MaxRows: int32(limit)})
	return ptrs(rows, err, asConnection)
}

// DeleteConnection removes a connection; ErrNotFound when there is none of
// that name.
func DeleteConnection(ctx context.Context, q Querier, name string) error {
	n, err := queries(q).DeleteConnection(ctx, name)
	if err == nil && n == 0 {
		return ErrNotFound
	}
	return err
}
