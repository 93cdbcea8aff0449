package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// pacedSenders bounds the starts in flight of a paced workload; a start
// the pacer cannot hand to a sender at once is counted unsent.
const pacedSenders = 512

// offerCounts counts the answers to the starts offered.
type offerCounts struct {
	accepted, throttled, unsent, failed atomic.Int64
	mu                                  sync.Mutex
	err                                 error
}

func (c *offerCounts) firstErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// pace offers starts at rate per second for duration, open loop, and
// counts their answers in c: a pacer hands start i to one of
// pacedSenders senders, whatever the answers before it. newSender makes
// each sender's start function, which answers nil (accepted),
// errThrottledStart or another error.
func pace(ctx context.Context, c *offerCounts, rate float64, duration time.Duration, newSender func() func(i int) error) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range pacedSenders {
		wg.Go(func() {
			start := newSender()
			for i := range work {
				c.record(start(i))
			}
		})
	}
	interval := time.Duration(float64(time.Second) / rate)
	began := time.Now()
	for i := 0; time.Since(began) < duration && ctx.Err() == nil; i++ {
		if wait := time.Until(began.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		select {
		case work <- i:
		default:
			c.unsent.Add(1)
		}
	}
	close(work)
	wg.Wait()
}

func (c *offerCounts) record(err error) {
	switch err {
	case nil:
		c.accepted.Add(1)
	case errThrottledStart:
		c.throttled.Add(1)
	default:
		c.failed.Add(1)
		c.mu.Lock()
		if c.err == nil {
			c.err = err
		}
		c.mu.Unlock()
	}
}
