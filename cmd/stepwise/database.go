package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/store"
)

// defaultDatabaseURL is the database every command uses unless --database
// or STEPWISE_DATABASE_URL says otherwise.
const defaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/stepwise?sslmode=disable"

// connectTimeout bounds how long connecting to PostgreSQL may take, so an
// unreachable server fails fast instead of hanging.
const connectTimeout = 5 * time.Second

// What the commands suggest.
const (
	migrateHint          = "run `stepwise migrate up`"
	startPostgreSQLHints = "start one (e.g. `docker compose up -d postgres` in the repository, " +
		"`docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15`, " +
		"or `sudo service postgresql start`), or point --database / STEPWISE_DATABASE_URL at a running server"
)

// errNoDatabase reports that the server is up but the database is not.
var errNoDatabase = errors.New("database does not exist")

// databaseUsage describes --database.
const databaseUsage = "PostgreSQL URL (default from STEPWISE_DATABASE_URL)"

// databaseFlag adds --database to fs, defaulting to databaseDefault.
func databaseFlag(fs *flag.FlagSet) *string {
	return fs.String("database", databaseDefault(), databaseUsage)
}

// databaseDefault is STEPWISE_DATABASE_URL, else defaultDatabaseURL.
func databaseDefault() string {
	if url := os.Getenv("STEPWISE_DATABASE_URL"); url != "" {
		return url
	}
	return defaultDatabaseURL
}

// parseDatabaseURL parses a PostgreSQL URL or keyword/value string and
// sets the connect timeout.
func parseDatabaseURL(url string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("invalid database URL: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > connectTimeout {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	return cfg, nil
}

// where names the database of cfg for messages, without credentials.
func where(cfg *pgconn.Config) string {
	return fmt.Sprintf("database %q on %s", cfg.Database, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))))
}

// openPool connects to the database at url and checks that it answers.
// An unreachable server or a missing database is a one-line error that
// says what to do; a missing database wraps errNoDatabase.
func openPool(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := parseDatabaseURL(url)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 2*connectTimeout)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, connectError(cfg.ConnConfig, err)
	}
	return pool, nil
}

// connectError explains a failed connection.
func connectError(cfg *pgx.ConnConfig, err error) error {
	var pgErr *pgconn.PgError
	switch {
	case store.Code(err) == store.CodeInvalidCatalog:
		return fmt.Errorf("%s: %w (%s to create it)", where(&cfg.Config), errNoDatabase, migrateHint)
	case errors.As(err, &pgErr):
		return fmt.Errorf("%s: %s", where(&cfg.Config), pgErr.Message)
	}
	return fmt.Errorf("cannot reach PostgreSQL at %s (%v): %s",
		net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), networkCause(err), startPostgreSQLHints)
}

// networkCause is the network error inside a failed connection, or the
// whole error on one line.
func networkCause(err error) string {
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return opErr.Error()
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// openOrCreate is openPool that first creates the database if the server
// does not have it, saying so on out.
func openOrCreate(ctx context.Context, url string, out io.Writer) (*pgxpool.Pool, error) {
	pool, err := openPool(ctx, url)
	if !errors.Is(err, errNoDatabase) {
		return pool, err
	}
	cfg, err := parseDatabaseURL(url)
	if err != nil {
		return nil, err
	}
	if err := createDatabase(ctx, cfg.ConnConfig); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "created %s\n", where(&cfg.ConnConfig.Config))
	return openPool(ctx, url)
}

// createDatabase creates cfg's database through the server's postgres
// database; one created meanwhile by someone else is fine.
func createDatabase(ctx context.Context, cfg *pgx.ConnConfig) error {
	admin := cfg.Copy()
	admin.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return fmt.Errorf("create %s: connect to the server's postgres database: %w", where(&cfg.Config), err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{cfg.Database}.Sanitize())
	if store.Code(err) == store.CodeDuplicateDatabase {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", where(&cfg.Config), err)
	}
	return nil
}

// prepareDatabase connects to url, creating the database if needed, and
// applies every pending migration, reporting what it did on out.
func prepareDatabase(ctx context.Context, url string, out io.Writer) (*pgxpool.Pool, error) {
	pool, err := openOrCreate(ctx, url, out)
	if err != nil {
		return nil, err
	}
	if err := migrateUp(ctx, pool, out, false); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// explain adds what to do to errors that come from an unmigrated
// database.
func explain(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == store.CodeUndefinedTable {
		return fmt.Errorf("the database is not migrated (%s): %s", pgErr.Message, migrateHint)
	}
	return err
}

// failed prints err as one line and returns exit code 1.
func failed(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "stepwise: %v\n", explain(err))
	return 1
}
