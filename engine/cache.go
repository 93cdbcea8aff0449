package engine

import (
	"context"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/store"
)

// versionTTL is how long a machine version read for StartExecution is used
// again without reading it anew. It saves a query per start. AWS documents
// the same delay: executions started shortly after UpdateStateMachine may
// use the previous definition. This process forgets a machine at once when
// it updates or deletes it itself.
const versionTTL = time.Second

// versionCacheSize bounds the cache; it is emptied when full.
const versionCacheSize = 1000

type versionCache struct {
	mu      sync.Mutex
	entries map[versionName]cachedVersion
}

type versionName struct {
	name    string
	version int // 0 for the latest
}

type cachedVersion struct {
	mv   *store.MachineVersion
	read time.Time
}

// machineVersion reads machine name at version (0: the latest), through
// the cache. The result is shared: callers must not change it.
func (e *Engine) machineVersion(ctx context.Context, name string, version int) (*store.MachineVersion, error) {
	key := versionName{name, version}
	c := &e.versions
	c.mu.Lock()
	hit, ok := c.entries[key]
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
	if c.entries == nil || len(c.entries) >= versionCacheSize {
		c.entries = map[versionName]cachedVersion{}
	}
	c.entries[key] = cachedVersion{mv: mv, read: time.Now()}
	return mv, nil
}

// forgetMachine drops what the cache holds of machine name.
func (e *Engine) forgetMachine(name string) {
	c := &e.versions
	c.mu.Lock()
	defer c.mu.Unlock()
	for key := range c.entries {
		if key.name == name {
			delete(c.entries, key)
		}
	}
}
