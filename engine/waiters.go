package engine

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stepwise-run/stepwise/store"
)

// Waiting for an execution's end without polling. A caller registers
// with this process's waiters, then marks the execution waited in the
// database (store.MarkWaited): the transaction that ends it, in any
// process, sends NOTIFY on store.EndedChannel. The process that commits
// the end wakes its own waiters directly; one LISTEN connection per
// process wakes the others. An execution nobody waits for costs nothing.
// Watching an execution's every change (watchers.go) works the same way,
// on store.ProgressChannel, and so do the tasks of EXPRESS executions
// waiting for a worker elsewhere to reply (store.ExpressReplyChannel,
// express_remote.go); the LISTEN connection (notifications) serves every
// channel.

// registry holds this process's callers waiting for news of executions,
// by execution id: waiters for an execution's end (given the ended
// execution when this process ended it, nil when they must read it) and
// watchers for each of its changes (watchers.go).
type registry[T any] struct {
	mu   sync.Mutex
	byID map[int64]map[chan T]struct{}
}

func newRegistry[T any]() *registry[T] {
	return &registry[T]{byID: map[int64]map[chan T]struct{}{}}
}

// add registers a caller for execution id; remove unregisters it.
func (r *registry[T]) add(id int64) (wake chan T, remove func()) {
	wake = make(chan T, 1)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byID[id] == nil {
		r.byID[id] = map[chan T]struct{}{}
	}
	r.byID[id][wake] = struct{}{}
	return wake, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		delete(r.byID[id], wake)
		if len(r.byID[id]) == 0 {
			delete(r.byID, id)
		}
	}
}

// wake wakes the callers of execution id, each given value() (a copy of
// its own), or the zero value when value is nil.
func (r *registry[T]) wake(id int64, value func() T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for ch := range r.byID[id] {
		var v T
		if value != nil {
			v = value()
		}
		signal(ch, v)
	}
}

// notified wakes the callers of the execution a notification names.
func (r *registry[T]) notified(payload string) {
	if id, err := strconv.ParseInt(payload, 10, 64); err == nil {
		r.wake(id, nil)
	}
}

// lost wakes every caller, to look again after notifications may have
// been missed.
func (r *registry[T]) lost() {
	r.mu.Lock()
	defer r.mu.Unlock()
	var zero T
	for _, chans := range r.byID {
		for ch := range chans {
			signal(ch, zero)
		}
	}
}

// signal sends v unless a wake is already pending.
func signal[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}

// ended is the wake of waiters by the commit that ended exec: a copy
// each.
func ended(exec *store.Execution) func() *store.Execution {
	return func() *store.Execution {
		c := *exec
		return &c
	}
}

// Wait returns the execution once it is no longer RUNNING, or when ctx
// ends. It is woken by the commit that ends the execution, in this
// process or another, never by polling.
func (e *Engine) Wait(ctx context.Context, arn string) (*store.Execution, error) {
	if err := e.listening(ctx); err != nil {
		return nil, err
	}
	exec, err := e.Execution(ctx, arn)
	if err != nil || exec.Status != store.StatusRunning {
		return exec, err
	}
	wake, remove := e.waiters.add(exec.ID)
	defer remove()
	// Look again now that the waiter is registered: the end may have
	// committed since the read, before anyone was there to wake.
	if status, err := e.watchStatus(ctx, exec); err != nil || status != store.StatusRunning {
		return e.Execution(ctx, arn)
	}
	return e.await(ctx, exec, wake)
}

// watchStatus returns exec's status as of now, marking it waited first
// when it is not: once it says RUNNING, the commit that ends exec will
// notify.
func (e *Engine) watchStatus(ctx context.Context, exec *store.Execution) (string, error) {
	if !exec.Waited {
		return store.MarkWaited(ctx, e.pool, exec.ID)
	}
	_, status, err := store.ExecutionProgress(ctx, e.pool, exec.ID)
	return status, err
}

// StartSync starts an execution as StartExecution does and waits for its
// end (or ctx's) as Wait does, without reading the execution when this
// process ends it: the waiter is registered in the transaction that
// creates the execution, marked waited. An execution of the same name
// that already exists is waited for by Wait.
func (e *Engine) StartSync(ctx context.Context, in StartInput) (exec *store.Execution, created bool, err error) {
	if err := e.listening(ctx); err != nil {
		return nil, false, err
	}
	release, err := e.admit()
	if err != nil {
		return nil, false, err
	}
	w := &watch{waiters: e.waiters}
	defer w.stop()
	exec, created, err = e.startExecution(ctx, in, w)
	release() // admission holds the start, not the wait
	if err != nil {
		return nil, false, err
	}
	if !created {
		exec, err = e.Wait(ctx, exec.ARN)
		return exec, false, err
	}
	exec, err = e.await(ctx, exec, w.wake)
	return exec, true, err
}

// await waits until exec is no longer RUNNING, woken through wake.
func (e *Engine) await(ctx context.Context, exec *store.Execution, wake <-chan *store.Execution) (*store.Execution, error) {
	for exec.Status == store.StatusRunning {
		select {
		case <-ctx.Done():
			return exec, ctx.Err()
		case ended := <-wake:
			if ended == nil {
				latest, err := e.Execution(ctx, exec.ARN)
				if err != nil {
					return exec, err
				}
				ended = latest
			}
			exec = ended
		}
	}
	return exec, nil
}

// watch registers a starting execution's waiter once its id is known,
// before the transaction that creates it commits.
type watch struct {
	waiters *registry[*store.Execution]
	wake    chan *store.Execution
	remove  func()
}

// on (re)registers the waiter for execution id: a start retried on its
// own gets a new id.
func (w *watch) on(id int64) {
	w.stop()
	w.wake, w.remove = w.waiters.add(id)
}

// stop unregisters the waiter; nil-safe.
func (w *watch) stop() {
	if w != nil && w.remove != nil {
		w.remove()
		w.remove = nil
	}
}

// listener is what notifications on one channel wake: notified gets each
// notification's payload, lost is called when notifications may have
// been missed.
type listener interface {
	notified(payload string)
	lost()
}

// notifications is this process's one LISTEN connection, started on
// first use, and what each channel it listens on wakes.
type notifications struct {
	listeners map[string]listener // by channel
	once      sync.Once
	ready     chan struct{} // closed once LISTEN first succeeds
}

func newNotifications(listeners map[string]listener) *notifications {
	return &notifications{listeners: listeners, ready: make(chan struct{})}
}

// lost wakes every listener.
func (n *notifications) lost() {
	for _, l := range n.listeners {
		l.lost()
	}
}

// listening starts this process's LISTEN connection on first use and
// waits until it listens (or ctx ends).
func (e *Engine) listening(ctx context.Context) error {
	e.notifications.once.Do(func() { go e.listen() })
	select {
	case <-e.notifications.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listen keeps one connection listening on every channel of
// e.notifications until the engine closes, reconnecting after a failure;
// every (re)connection wakes all waiters and watchers, since
// notifications sent meanwhile were lost.
func (e *Engine) listen() {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-e.closed
		cancel()
	}()
	first := true
	for ctx.Err() == nil {
		conn, err := e.listenConn(ctx)
		if err != nil {
			e.cfg.Logger.Warn("waiters: cannot listen for notifications; trying again", "error", err)
			sleep(ctx, time.Second)
			continue
		}
		if first {
			close(e.notifications.ready)
			first = false
		}
		e.notifications.lost()
		e.relay(ctx, conn)
		_ = conn.Close(context.Background())
	}
}

// listenConn opens a connection of its own (not the pool's) that listens
// on every channel of e.notifications.
func (e *Engine) listenConn(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, e.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	for channel := range e.notifications.listeners {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
			_ = conn.Close(context.Background())
			return nil, err
		}
	}
	return conn, nil
}

// relay hands each notification on conn to its channel's listener until
// the connection fails or ctx ends, but those of this engine's own
// commits, which woke its callers as they committed.
func (e *Engine) relay(ctx context.Context, conn *pgx.Conn) {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return
		}
		payload, sender, _ := strings.Cut(n.Payload, " ")
		if sender == e.owner {
			continue // its commit woke this process's callers already
		}
		if l := e.notifications.listeners[n.Channel]; l != nil {
			l.notified(payload)
		}
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
