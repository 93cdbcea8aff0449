package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/store"
)

// ConnectionSpec is a connection to create: AWS EventBridge's
// CreateConnection request.
type ConnectionSpec struct {
	Name        string
	Description string
	// AuthorizationType is activities.AuthAPIKey, AuthBasic or
	// AuthOAuthClientCredentials.
	AuthorizationType string
	AuthParameters    activities.ConnectionAuth
}

// CreateConnection stores a connection, its secrets encrypted with
// Config.SecretKey, under a new ARN
// arn:aws:events:REGION:ACCOUNT:connection/NAME/UUID. It fails with
// ErrInvalidName, ErrInvalidConnection, ErrNoSecretKey (no key
// configured) or ErrConnectionExists.
func (e *Engine) CreateConnection(ctx context.Context, spec ConnectionSpec) (*store.Connection, error) {
	if err := checkName(spec.Name); err != nil {
		return nil, err
	}
	if err := spec.AuthParameters.Validate(spec.AuthorizationType); err != nil {
		return nil, err
	}
	// The id is random and UUID-shaped, like a generated execution name.
	connARN := e.arns.Connection(spec.Name, newExecutionName())
	sealed, keyID, err := e.conns.seal(connARN, spec.AuthParameters)
	if err != nil {
		return nil, err
	}
	public, err := json.Marshal(spec.AuthParameters.Redacted())
	if err != nil {
		return nil, err
	}
	conn, err := store.InsertConnection(ctx, e.pool, &store.Connection{
		Name: spec.Name, ARN: connARN, Description: spec.Description, AuthorizationType: spec.AuthorizationType,
		AuthParameters: public, Sealed: sealed, KeyID: keyID,
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, fmt.Errorf("%w: %s", ErrConnectionExists, spec.Name)
	}
	return conn, err
}

// DescribeConnection finds a connection by name or ARN. Its
// AuthParameters hold no secret values.
func (e *Engine) DescribeConnection(ctx context.Context, nameOrARN string) (*store.Connection, error) {
	return e.conns.find(ctx, nameOrARN)
}

// ListConnections returns up to limit connections named after "after",
// without secret values.
func (e *Engine) ListConnections(ctx context.Context, after string, limit int) ([]*store.Connection, error) {
	return store.ListConnections(ctx, e.pool, after, limit)
}

// DeleteConnection deletes a connection; tasks naming it fail from then
// on.
func (e *Engine) DeleteConnection(ctx context.Context, nameOrARN string) error {
	conn, err := e.conns.find(ctx, nameOrARN)
	if err != nil {
		return err
	}
	err = store.DeleteConnection(ctx, e.pool, conn.Name)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrConnectionDoesNotExist, nameOrARN)
	}
	return err
}
