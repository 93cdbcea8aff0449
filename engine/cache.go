package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// machineCache is the engine's one cache of state machines. It holds the
// parsed definition of each version a transaction ran (a version never
// changes, so these stay), and the version a name resolved to for
// StartExecution, which is read anew after versionTTL.
type machineCache struct {
	mu     sync.Mutex
	parsed map[versionKey]*asl.StateMachine
	// roles holds the role each parsed version was given (see
	// config.go), for $$.Execution.RoleArn; a version given none is
	// absent.
	roles map[versionKey]string
	named map[versionName]cachedVersion
	// subs holds the branches and iteration machines of parsed versions
	// by machine path (subKey), resolved once: a definition has few, and
	// the versions they belong to stay.
	subs sync.Map
}

// subKey names a machine path in a parsed definition.
type subKey struct {
	top  *asl.StateMachine
	path string
}

// sub resolves machine path path in top, once per top and path.
func (c *machineCache) sub(top *asl.StateMachine, path string) (*asl.StateMachine, error) {
	key := subKey{top, path}
	if m, ok := c.subs.Load(key); ok {
		return m.(*asl.StateMachine), nil
	}
	m, err := subMachine(top, path)
	if err != nil {
		return nil, err
	}
	c.subs.Store(key, m)
	return m, nil
}

// versionTTL is how long a machine version read for StartExecution is used
// again without reading it anew. It saves a query per start. AWS documents
// the same delay: executions started shortly after UpdateStateMachine may
// use the previous definition. This process forgets a machine at once when
// it updates or deletes it itself.
const versionTTL = time.Second

// versionCacheSize bounds the versions by name; they are emptied when full.
const versionCacheSize = 1000

// versionKey names a version by machine id.
type versionKey struct {
	machine int64
	version int
}

// versionName names a version by machine name.
type versionName struct {
	name    string
	version int // 0 for the latest
}

type cachedVersion struct {
	mv   *store.MachineVersion
	read time.Time
}

// machine returns the parsed definition of a state machine version.
func (e *Engine) machine(ctx context.Context, q store.Querier, machineID int64, version int) (*asl.StateMachine, error) {
	key := versionKey{machineID, version}
	c := &e.machines
	c.mu.Lock()
	m, ok := c.parsed[key]
	c.mu.Unlock()
	if ok {
		return m, nil
	}
	v, err := store.GetVersion(ctx, q, machineID, version)
	if err != nil {
		return nil, fmt.Errorf("state machine %d version %d: %w", machineID, version, err)
	}
	m, err = asl.Parse([]byte(v.Definition))
	if err != nil {
		return nil, fmt.Errorf("state machine %d version %d: %w", machineID, version, err)
	}
	e.logFallbacks(machineID, version, v.Definition)
	c.mu.Lock()
	if c.parsed == nil {
		c.parsed, c.roles = map[versionKey]*asl.StateMachine{}, map[versionKey]string{}
	}
	c.parsed[key] = m
	if v.RoleARN != nil {
		c.roles[key] = *v.RoleARN
	}
	c.mu.Unlock()
	return m, nil
}

// logFallbacks logs, once per version parsed, the JSONata expressions
// that run on the slow reference evaluator instead of natively.
func (e *Engine) logFallbacks(machineID int64, version int, definition string) {
	for _, f := range asl.JSONataFallbacks([]byte(definition)) {
		e.log.Info("JSONata expression evaluated by the reference evaluator, not natively",
			"machine", machineID, "version", version, "expression", f.Expression, "reason", f.Reason)
	}
}

// role is the role of a version that machine has parsed, else (none was
// given) the placeholder role Stepwise answers.
func (e *Engine) role(machineID int64, version int) string {
	c := &e.machines
	c.mu.Lock()
	role, ok := c.roles[versionKey{machineID, version}]
	c.mu.Unlock()
	if !ok {
		return e.arns.Role("stepwise")
	}
	return role
}

// machineVersion reads machine name at version (0: the latest), through
// the cache. The result is shared: callers must not change it.
func (e *Engine) machineVersion(ctx context.Context, name string, version int) (*store.MachineVersion, error) {
	key := versionName{name, version}
	c := &e.machines
	c.mu.Lock()
	hit, ok := c.named[key]
	c.mu.Unlock()
	if ok && time.Since(hit.read) < versionTTL {
		return hit.mv, nil
	}
	mv, err := store.GetMachineVersion(ctx, e.pool, name, version)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.named == nil || len(c.named) >= versionCacheSize {
		c.named = map[versionName]cachedVersion{}
	}
	c.named[key] = cachedVersion{mv: mv, read: time.Now()}
	return mv, nil
}

// forgetMachine drops the versions the cache resolved from machine name.
func (e *Engine) forgetMachine(name string) {
	c := &e.machines
	c.mu.Lock()
	defer c.mu.Unlock()
	for key := range c.named {
		if key.name == name {
			delete(c.named, key)
		}
	}
}
