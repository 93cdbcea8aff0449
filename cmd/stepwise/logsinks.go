package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/logsink"
)

// defaultLogRetention is how long the postgres log sink keeps records
// unless --log-retention says otherwise: 30 days.
const defaultLogRetention = 720 * time.Hour

// logFlags are the flags of serve, worker and dev that choose where the
// log records of state machines with a loggingConfiguration go:
// --log-sink and --log-retention.
type logFlags struct {
	sink      string
	retention time.Duration
}

// addLogFlags adds --log-sink and --log-retention to fs.
func addLogFlags(fs *flag.FlagSet) *logFlags {
	f := &logFlags{sink: "none"}
	fs.Func("log-sink", "where the log records of state machines with a loggingConfiguration go: "+
		"postgres (the table stepwise_log_records), stdout (one JSON line each, in AWS's CloudWatch Logs form) or none (default none)", func(s string) error {
		f.sink = s
		return f.check()
	})
	fs.DurationVar(&f.retention, "log-retention", defaultLogRetention, "with --log-sink postgres, delete records older than this `DURATION`; 0 keeps them for ever")
	return f
}

// check refuses an unknown sink or a negative retention.
func (f *logFlags) check() error {
	switch f.sink {
	case "postgres", "stdout", "none":
	default:
		return fmt.Errorf("--log-sink %q: want postgres, stdout or none", f.sink)
	}
	if f.retention < 0 {
		return fmt.Errorf("--log-retention %v: want 0 (keep for ever) or more", f.retention)
	}
	return nil
}

// apply sets the engine's log sink and retention: records go to pool's
// database or to out. nil flags (options built without a flag set) leave
// none.
func (f *logFlags) apply(cfg *engine.Config, pool *pgxpool.Pool, out io.Writer, logger *slog.Logger) error {
	if f == nil {
		return nil
	}
	if err := f.check(); err != nil {
		return err
	}
	switch f.sink {
	case "postgres":
		cfg.LogSink = logsink.NewPostgres(pool, &logsink.PostgresConfig{Logger: logger})
		cfg.LogRetention = f.retention
	case "stdout":
		cfg.LogSink = logsink.NewStdout(out)
	}
	return nil
}
