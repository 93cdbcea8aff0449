package main

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/stepwise-run/stepwise/engine"
)

// activityBindings is the repeatable --bind-activity NAME=ACTIVITY flag
// of serve, worker and dev: engine.Config.ActivityBindings.
type activityBindings map[string]string

// bindActivityUsage describes --bind-activity.
const bindActivityUsage = "serve a service integration with the workers of an activity, in any language (GetActivityTask, SendTaskSuccess): " +
	"`NAME=ACTIVITY`, NAME an integration as Go functions register it (sqs:sendMessage, glue:startJobRun.sync, aws-sdk:s3:*; not http:invoke); " +
	"a Go function registered under the same or a more specific name wins; repeatable"

// routingFlags are the flags of serve, worker and dev that decide where
// tasks go: --bind-activity and --unbound-grace.
type routingFlags struct {
	bindings activityBindings
	grace    time.Duration
}

// addRoutingFlags adds --bind-activity and --unbound-grace to fs.
func addRoutingFlags(fs *flag.FlagSet) *routingFlags {
	r := &routingFlags{bindings: activityBindings{}}
	fs.Var(r.bindings, "bind-activity", bindActivityUsage)
	fs.DurationVar(&r.grace, "unbound-grace", 0, "how long a task whose resource no worker has registered waits for one to start "+
		"before it fails with States.Runtime (0: it fails at once)")
	return r
}

// apply sets the engine's routing from the flags; nil flags (options
// built without a flag set) leave the defaults.
func (r *routingFlags) apply(cfg *engine.Config) *engine.Config {
	if r == nil {
		return cfg
	}
	cfg.ActivityBindings, cfg.UnboundGrace = r.bindings.config(), r.grace
	return cfg
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
