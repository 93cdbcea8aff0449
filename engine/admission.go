package engine

import (
	"errors"
	"slices"
	"sync"
	"time"
)

// Admission control: StartExecution, StartSync, StartSyncExpress and the
// task callbacks (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat)
// take a slot of Config.MaxInflightStarts for as long as they run, and
// are refused with ErrThrottled, at once, when every slot is taken or
// when the database is slow: the 95th percentile of the commits of the
// last second took longer than Config.MaxCommitLatency. A refused request
// does no work at all, so a server offered more than it can do answers
// the excess quickly instead of queueing it without bound; clients retry
// (the AWS SDKs retry ThrottlingException with backoff). Work the engine
// starts itself (nested executions, redrives of Map children, River
// jobs) is never refused.

// ErrThrottled is a request refused by admission control; AWS's answer
// is ThrottlingException, REST's 429 with Retry-After. Its message is
// AWS's, "Rate exceeded".
var ErrThrottled = errors.New("throttled")

// throttled is the ErrThrottled the engine returns, with AWS's message.
var throttled = &messageError{ErrThrottled, "Rate exceeded"}

// admission holds the slots of in-flight requests and the recent commit
// latencies.
type admission struct {
	slots      chan struct{} // nil: no limit
	maxLatency time.Duration // 0: no limit

	mu        sync.Mutex
	latencies [latencySamples]latencySample
	next      int
}

// latencySamples is how many recent commits the latency limit looks at.
const latencySamples = 128

// latencyWindow is how recent a commit must be to count.
const latencyWindow = time.Second

type latencySample struct {
	at   time.Time
	took time.Duration
}

func newAdmission(maxInflight int, maxLatency time.Duration) *admission {
	a := &admission{maxLatency: maxLatency}
	if maxInflight > 0 {
		a.slots = make(chan struct{}, maxInflight)
	}
	return a
}

// admit takes a slot for a request, or refuses it with ErrThrottled; the
// caller calls the release it returns when the request is done.
func (a *admission) admit(now time.Time) (release func(), err error) {
	if a.maxLatency > 0 && a.p95(now) > a.maxLatency {
		return nil, throttled
	}
	if a.slots == nil {
		return func() {}, nil
	}
	select {
	case a.slots <- struct{}{}:
		return func() { <-a.slots }, nil
	default:
		return nil, throttled
	}
}

// committed records that a commit that began at begin ended at now.
func (a *admission) committed(begin, now time.Time) {
	if a.maxLatency == 0 {
		return
	}
	a.mu.Lock()
	a.latencies[a.next] = latencySample{at: now, took: now.Sub(begin)}
	a.next = (a.next + 1) % latencySamples
	a.mu.Unlock()
}

// p95 is the 95th percentile of the latencies of the commits of the last
// latencyWindow before now; 0 when there were none, so that a server
// that refused everything while the database was slow admits again.
func (a *admission) p95(now time.Time) time.Duration {
	var took []time.Duration
	a.mu.Lock()
	for _, s := range a.latencies {
		if !s.at.IsZero() && now.Sub(s.at) <= latencyWindow {
			took = append(took, s.took)
		}
	}
	a.mu.Unlock()
	if len(took) == 0 {
		return 0
	}
	slices.Sort(took)
	return took[len(took)*95/100]
}

// admit takes an admission slot for a request from a client (see
// admission).
func (e *Engine) admit() (release func(), err error) {
	return e.admission.admit(time.Now())
}
