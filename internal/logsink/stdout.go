package logsink

import (
	"context"
	"encoding/json"
	"io"
	"sync"
)

// Stdout is a Sink that writes each record to a writer (standard output)
// as one line of JSON in AWS's form.
type Stdout struct {
	mu  sync.Mutex
	enc *json.Encoder
}

// NewStdout returns a sink writing to w; writes are serialised, one
// record per line.
func NewStdout(w io.Writer) *Stdout {
	return &Stdout{enc: json.NewEncoder(w)}
}

// Log writes records, one JSON line each; a record that cannot be written
// is dropped.
func (s *Stdout) Log(records []Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range records {
		_ = s.enc.Encode(&records[i]) // best effort, as CloudWatch Logs delivery is
	}
}

// Close does nothing: Stdout buffers nothing.
func (s *Stdout) Close(context.Context) error { return nil }
