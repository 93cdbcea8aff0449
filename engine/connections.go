package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine/internal/secret"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
)

// Connections reads the connections of a database and opens their
// secrets with the operator's key. It is the activities.ConnectionSource
// of HTTP Tasks (give it to activities.HTTPConfig.Connections), and the
// engine seals new connections with it.
type Connections struct {
	pool *pgxpool.Pool
	// key is nil when no key is configured.
	key *secret.Key
}

// NewConnections returns the connections stored in the database of pool,
// with the 32-byte key that encrypts their secrets; a nil key means none:
// an HTTP Task naming a connection then fails with States.Runtime.
func NewConnections(pool *pgxpool.Pool, key []byte) (*Connections, error) {
	c := &Connections{pool: pool}
	if key == nil {
		return c, nil
	}
	k, err := secret.NewKey(key)
	if err != nil {
		return nil, fmt.Errorf("connections: %w", err)
	}
	c.key = k
	return c, nil
}

// Connection finds the connection ref names, an ARN
// (arn:aws:events:REGION:ACCOUNT:connection/NAME/ID, whose ID must be the
// connection's) or a name, with its secrets. A connection that does not
// exist, a missing key or the wrong key is a States.Runtime error saying
// so.
func (c *Connections) Connection(ctx context.Context, ref string) (*activities.Connection, error) {
	row, err := c.find(ctx, ref)
	if errors.Is(err, ErrConnectionDoesNotExist) {
		return nil, asl.NewError(asl.ErrorRuntime, "http:invoke: %v", err)
	}
	if err != nil {
		return nil, err
	}
	if c.key == nil {
		return nil, asl.NewError(asl.ErrorRuntime,
			"http:invoke: connection %s cannot be used: this process has no secret key to decrypt it (set STEPWISE_SECRET_KEY or --secret-key-file)", row.ARN)
	}
	auth, err := c.open(row)
	if err != nil {
		return nil, asl.NewError(asl.ErrorRuntime, "http:invoke: connection %s cannot be decrypted: %v", row.ARN, err)
	}
	return &activities.Connection{Name: row.Name, ARN: row.ARN, AuthorizationType: row.AuthorizationType, AuthParameters: auth}, nil
}

// find reads the connection ref names; ErrConnectionDoesNotExist when
// there is none, or when the ARN's id is another connection's of that
// name (one deleted since).
func (c *Connections) find(ctx context.Context, ref string) (*store.Connection, error) {
	r, err := arn.ParseConnection(ref)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConnectionDoesNotExist, err)
	}
	row, err := store.GetConnection(ctx, c.pool, r.Name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrConnectionDoesNotExist, ref)
	}
	if err != nil {
		return nil, err
	}
	if r.ID != "" && r.ID != arn.ConnectionID(row.ARN) {
		return nil, fmt.Errorf("%w: %s (the connection named %s now is %s)", ErrConnectionDoesNotExist, ref, r.Name, row.ARN)
	}
	return row, nil
}

// seal encrypts the parameters of the connection connARN, secrets
// included, bound to its ARN.
func (c *Connections) seal(connARN string, auth activities.ConnectionAuth) (sealed []byte, keyID string, err error) {
	if c.key == nil {
		return nil, "", ErrNoSecretKey
	}
	plain, err := json.Marshal(auth)
	if err != nil {
		return nil, "", err
	}
	return c.key.Seal(plain, []byte(connARN)), c.key.ID(), nil
}

// open decrypts the parameters of a stored connection.
func (c *Connections) open(row *store.Connection) (activities.ConnectionAuth, error) {
	var auth activities.ConnectionAuth
	plain, err := c.key.Open(row.Sealed, row.KeyID, []byte(row.ARN))
	if err != nil {
		return auth, err
	}
	err = json.Unmarshal(plain, &auth)
	return auth, err
}
