package engine

import (
	"context"
	"strconv"
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
// The same connection listens on store.ExpressReplyChannel, which wakes
// the EXPRESS executions of this process waiting for a worker elsewhere
// to reply to a task (express_remote.go).

// waiters are the callers of this process waiting for executions to end,
// and the tasks of its EXPRESS executions waiting for replies.
type waiters struct {
	mu      sync.Mutex
	byID    map[int64]map[chan *store.Execution]struct{}
	replies map[string]chan struct{} // by reply key
	once    sync.Once
	ready   chan struct{} // closed once LISTEN first succeeds
}

func newWaiters() *waiters {
	return &waiters{byID: map[int64]map[chan *store.Execution]struct{}{}, replies: map[string]chan struct{}{},
		ready: make(chan struct{})}
}

// addReply registers a waiter for the reply under key; remove
// unregisters it. The waiter is woken when the reply may be there.
func (w *waiters) addReply(key string) (wake <-chan struct{}, remove func()) {
	ch := make(chan struct{}, 1)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.replies[key] = ch
	return ch, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		delete(w.replies, key)
	}
}

// wakeReply wakes the waiter of the reply under key, if this process has
// it.
func (w *waiters) wakeReply(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ch, ok := w.replies[key]; ok {
		signal(ch, struct{}{})
	}
}

// add registers a waiter for execution id; remove unregisters it. The
// waiter receives the ended execution when this process ended it, nil
// when it must read the execution to know.
func (w *waiters) add(id int64) (wake chan *store.Execution, remove func()) {
	wake = make(chan *store.Execution, 1)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.byID[id] == nil {
		w.byID[id] = map[chan *store.Execution]struct{}{}
	}
	w.byID[id][wake] = struct{}{}
	return wake, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		delete(w.byID[id], wake)
		if len(w.byID[id]) == 0 {
			delete(w.byID, id)
		}
	}
}

// wake wakes the waiters of execution id, giving them ended (a copy)
// when it is the execution as it ended, nil when they must read it.
func (w *waiters) wake(id int64, ended *store.Execution) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch := range w.byID[id] {
		var snapshot *store.Execution
		if ended != nil {
			c := *ended
			snapshot = &c
		}
		signal(ch, snapshot)
	}
}

// wakeAll wakes every waiter, to look again after notifications may have
// been missed.
func (w *waiters) wakeAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, chans := range w.byID {
		for ch := range chans {
			signal(ch, nil)
		}
	}
	for _, ch := range w.replies {
		signal(ch, struct{}{})
	}
}

// signal sends v unless a wake is already pending.
func signal[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
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
	w := &watch{waiters: e.waiters}
	defer w.stop()
	exec, created, err = e.startExecution(ctx, in, w)
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
	waiters *waiters
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

// listening starts this process's LISTEN connection on first use and
// waits until it listens (or ctx ends).
func (e *Engine) listening(ctx context.Context) error {
	e.waiters.once.Do(func() { go e.listen() })
	select {
	case <-e.waiters.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listen keeps one connection listening on store.EndedChannel and
// store.ExpressReplyChannel until the engine closes, reconnecting after a
// failure; every (re)connection wakes all waiters, since notifications
// sent meanwhile were lost.
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
			e.cfg.Logger.Warn("waiters: cannot listen for execution ends; trying again", "error", err)
			sleep(ctx, time.Second)
			continue
		}
		if first {
			close(e.waiters.ready)
			first = false
		}
		e.waiters.wakeAll()
		e.relay(ctx, conn)
		_ = conn.Close(context.Background())
	}
}

// listenConn opens a connection of its own (not the pool's) that listens
// on store.EndedChannel and store.ExpressReplyChannel.
func (e *Engine) listenConn(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, e.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+store.EndedChannel+"; LISTEN "+store.ExpressReplyChannel); err != nil {
		_ = conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// relay wakes the waiters of each execution, and of each reply, notified
// on conn until the connection fails or ctx ends.
func (e *Engine) relay(ctx context.Context, conn *pgx.Conn) {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return
		}
		if n.Channel == store.ExpressReplyChannel {
			e.waiters.wakeReply(n.Payload)
			continue
		}
		if id, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
			e.waiters.wake(id, nil)
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
