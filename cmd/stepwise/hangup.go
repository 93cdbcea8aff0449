package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// reloader is something a process read from files and reads again on
// SIGHUP: the mock configuration, the TLS certificate.
type reloader struct {
	what   string // "mock configuration"
	files  string // where it is read from
	reload func() error
}

// hangup is a process's one SIGHUP handler: on every SIGHUP it reloads
// each reloader added, in turn; one that fails keeps what it had and says
// why on stderr. Until the first add, SIGHUP does what it does by default.
type hangup struct {
	out, stderr io.Writer

	mu   sync.Mutex
	list []reloader
	sig  chan os.Signal // nil until the first add
}

// add makes SIGHUP reload r until ctx ends (the ctx of the first add
// counts).
func (h *hangup) add(ctx context.Context, r reloader) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.list = append(h.list, r)
	if h.sig != nil {
		return
	}
	h.sig = make(chan os.Signal, 1)
	signal.Notify(h.sig, syscall.SIGHUP)
	go h.run(ctx)
}

// run reloads on every SIGHUP until ctx ends.
func (h *hangup) run(ctx context.Context) {
	defer signal.Stop(h.sig)
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.sig:
			h.mu.Lock()
			list := h.list
			h.mu.Unlock()
			for _, r := range list {
				if err := r.reload(); err != nil {
					fmt.Fprintf(h.stderr, "stepwise: the %s was not reloaded, the previous one stays in use: %v\n", r.what, err)
					continue
				}
				fmt.Fprintf(h.out, "stepwise: %s reloaded from %s\n", r.what, r.files)
			}
		}
	}
}
