package main

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/itemio"
)

// activityBindings is the repeatable --bind-activity NAME=ACTIVITY flag
// of serve, worker and dev: engine.Config.ActivityBindings.
type activityBindings map[string]string

// bindActivityUsage describes --bind-activity.
const bindActivityUsage = "serve a service integration with the workers of an activity, in any language (GetActivityTask, SendTaskSuccess): " +
	"`NAME=ACTIVITY`, NAME an integration as Go functions register it (sqs:sendMessage, glue:startJobRun.sync, aws-sdk:s3:*; not http:invoke); " +
	"a Go function registered under the same or a more specific name wins; repeatable"

// routingFlags are the flags of serve, worker and dev that decide where
// tasks go (--bind-activity, --unbound-grace, --s3-endpoint) and how long
// their executions are kept (--retention).
type routingFlags struct {
	bindings   activityBindings
	grace      time.Duration
	s3Endpoint string
	retention  string
}

// addRoutingFlags adds --bind-activity, --unbound-grace, --s3-endpoint
// and --retention to fs.
func addRoutingFlags(fs *flag.FlagSet) *routingFlags {
	r := &routingFlags{bindings: activityBindings{}}
	fs.Var(r.bindings, "bind-activity", bindActivityUsage)
	fs.DurationVar(&r.grace, "unbound-grace", 0, "how long a task whose resource no worker has registered waits for one to start "+
		"before it fails with States.Runtime (0: it fails at once)")
	fs.StringVar(&r.s3Endpoint, "s3-endpoint", os.Getenv("STEPWISE_S3_ENDPOINT"), objectStoreUsage)
	fs.StringVar(&r.retention, "retention", os.Getenv(retentionEnv), retentionUsage)
	return r
}

// retentionEnv is --retention's default.
const retentionEnv = "STEPWISE_RETENTION"

// retentionUsage documents --retention.
const retentionUsage = "how long closed executions are kept before they are deleted with their history: a `DURATION` " +
	"such as 2160h or 90d; 0 or empty: 90 days, as AWS; negative: for ever. A state machine's own retention overrides it. " +
	"Default $" + retentionEnv

// parseRetention reads --retention: a Go duration, or a whole number of
// days (90d); empty means 0 (the engine's default).
func parseRetention(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("--retention (or $%s) %q: want a duration such as 2160h or 90d", retentionEnv, v)
	}
	return d, nil
}

// apply sets the engine's routing and object store from the flags; nil
// flags (options built without a flag set) leave the defaults.
func (r *routingFlags) apply(cfg *engine.Config) (*engine.Config, error) {
	if r == nil {
		return cfg, nil
	}
	cfg.ActivityBindings, cfg.UnboundGrace = r.bindings.config(), r.grace
	var err error
	if cfg.RetentionPeriod, err = parseRetention(r.retention); err != nil {
		return nil, err
	}
	cfg.ObjectStore, err = r.objectStore()
	return cfg, err
}

// String lists the bindings as given.
func (b activityBindings) String() string {
	parts := make([]string, 0, len(b))
	for _, name := range slices.Sorted(maps.Keys(b)) {
		parts = append(parts, name+"="+b[name])
	}
	return strings.Join(parts, ",")
}

// Set adds one NAME=ACTIVITY binding.
func (b activityBindings) Set(v string) error {
	name, activity, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("%q is not NAME=ACTIVITY, as in sqs:sendMessage=sqs-workers", v)
	}
	if _, dup := b[name]; dup {
		return fmt.Errorf("%s is bound twice", name)
	}
	if err := engine.CheckActivityBinding(name, activity); err != nil {
		return err
	}
	b[name] = activity
	return nil
}

// config is the bindings for engine.Config; nil when there are none.
func (b activityBindings) config() map[string]string {
	if len(b) == 0 {
		return nil
	}
	return b
}

// objectStoreUsage documents --s3-endpoint.
const objectStoreUsage = "the S3-compatible object store Distributed Maps read items from (ItemReader) and write results to " +
	"(ResultWriter): a URL such as http://minio:9000 (path-style addressing), or \"aws\" for AWS S3 itself; credentials and " +
	"region come from the AWS SDK's usual environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION). " +
	"Default $STEPWISE_S3_ENDPOINT; empty: none, and such a Map fails"

// objectStore makes the engine's object store from --s3-endpoint; nil
// when it is empty.
func (r *routingFlags) objectStore() (itemio.Store, error) {
	if r.s3Endpoint == "" {
		return nil, nil
	}
	cfg := &itemio.StoreConfig{Endpoint: r.s3Endpoint, PathStyle: true}
	if r.s3Endpoint == "aws" {
		cfg = &itemio.StoreConfig{}
	}
	store, err := itemio.NewStore(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("--s3-endpoint %s: %w", r.s3Endpoint, err)
	}
	return store, nil
}
