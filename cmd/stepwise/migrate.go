package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/migrations"
)

const migrateUsage = "usage: stepwise migrate up|down|status [--database URL]"

func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := databaseFlag(fs)
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, migrateUsage)
		return 2
	}
	var err error
	switch fs.Arg(0) {
	case "up":
		err = migrateUpCmd(ctx, *db, stdout)
	case "down":
		err = migrateDownCmd(ctx, *db, stdout)
	case "status":
		err = migrateStatusCmd(ctx, *db, stdout)
	default:
		fmt.Fprintln(stderr, migrateUsage)
		return 2
	}
	if err != nil {
		return failed(stderr, err)
	}
	return 0
}

// migrateUpCmd creates the database if it is missing and applies every
// pending migration.
func migrateUpCmd(ctx context.Context, url string, out io.Writer) error {
	pool, err := openOrCreate(ctx, url, out)
	if err != nil {
		return err
	}
	defer pool.Close()
	return migrateUp(ctx, pool, out, true)
}

// migrateUp applies the pending migrations and names each one applied;
// verbose also says when there was nothing to do.
func migrateUp(ctx context.Context, pool *pgxpool.Pool, out io.Writer, verbose bool) error {
	applied, err := migrations.Up(ctx, pool)
	names := migrationNames()
	for _, v := range applied {
		fmt.Fprintf(out, "applied migration %s\n", names[v])
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 && verbose {
		fmt.Fprintf(out, "%s is up to date\n", where(&pool.Config().ConnConfig.Config))
	}
	return nil
}

// migrateDownCmd rolls back the latest applied migration.
func migrateDownCmd(ctx context.Context, url string, out io.Writer) error {
	return withPool(ctx, url, func(pool *pgxpool.Pool) error {
		v, err := migrations.Down(ctx, pool)
		switch {
		case err != nil:
			return err
		case v == 0:
			fmt.Fprintln(out, "no migration is applied; nothing to roll back")
		default:
			fmt.Fprintf(out, "rolled back migration %s\n", migrationNames()[v])
		}
		return nil
	})
}

// migrateStatusCmd lists every migration as applied (with when) or
// pending.
func migrateStatusCmd(ctx context.Context, url string, out io.Writer) error {
	return withPool(ctx, url, func(pool *pgxpool.Pool) error {
		states, err := migrations.Status(ctx, pool)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		for _, s := range states {
			if s.Applied {
				fmt.Fprintf(w, "%04d_%s\tapplied\t%s\n", s.Version, s.Name, s.AppliedAt.Local().Format("2006-01-02 15:04:05"))
			} else {
				fmt.Fprintf(w, "%04d_%s\tpending\t\n", s.Version, s.Name)
			}
		}
		return w.Flush()
	})
}

// withPool runs fn on a pool of the existing database at url.
func withPool(ctx context.Context, url string, fn func(*pgxpool.Pool) error) error {
	pool, err := openPool(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	return fn(pool)
}

// migrationNames maps each migration's version to its file name stem,
// e.g. 1 to "0001_init".
func migrationNames() map[int]string {
	all, _ := migrations.All()
	names := make(map[int]string, len(all))
	for _, m := range all {
		names[m.Version] = fmt.Sprintf("%04d_%s", m.Version, m.Name)
	}
	return names
}
