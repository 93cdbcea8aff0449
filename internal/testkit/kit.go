package testkit

import (
	"bytes"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/stepwise-run/stepwise/examples"
)

// Example returns the definition of the example state machine name (a
// folder of examples/, such as "order-saga").
func Example(t testing.TB, name string) string {
	t.Helper()
	def, err := examples.Definition(name)
	if err != nil {
		t.Fatal(err)
	}
	return def
}

// ExampleInput returns the sample input of the example name.
func ExampleInput(t testing.TB, name string) string {
	t.Helper()
	in, err := examples.Input(name)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// Corpus returns the path of the conformance corpus, shared/conformance
// beside the repository, joined with elem ("cases", "validation").
func Corpus(elem ...string) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("testkit: no caller information")
	}
	root := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "conformance")
	return filepath.Join(append([]string{root}, elem...)...)
}

// SyncBuffer is a bytes.Buffer safe for concurrent use: a command or a
// logger writes it in one goroutine while the test reads it in another.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
