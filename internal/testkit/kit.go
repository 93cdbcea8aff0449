package testkit

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stepwise-run/stepwise/examples"
)

// Example returns the definition of the example state machine name (a
// folder of examples/, such as "order-saga").
func Example(t testing.TB, name string) string {
	t.Helper()
	return must(t)(examples.Definition(name))
}

// ExampleInput returns the sample input of the example name.
func ExampleInput(t testing.TB, name string) string {
	t.Helper()
	return must(t)(examples.Input(name))
}

// must returns a function that fails t on a non-nil error and otherwise
// returns the value.
func must(t testing.TB) func(string, error) string {
	return func(v string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// Receive returns the next value from ch, or fails the test when none
// arrives within d; what names the awaited value in the failure.
func Receive[T any](t testing.TB, ch <-chan T, d time.Duration, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("no %s within %s", what, d)
		var zero T
		return zero
	}
}

// Corpus returns the path of the conformance corpus, shared/conformance
// beside the repository, joined with elem ("cases", "validation").
func Corpus(elem ...string) string {
	return filepath.Join(append([]string{repository(), "..", "shared", "conformance"}, elem...)...)
}

// Testdata returns the content of the file at elem under the
// repository's testdata folder ("mocks", "MockConfigFile.json").
func Testdata(t testing.TB, elem ...string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(append([]string{repository(), "testdata"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// repository is the folder of the repository's go.mod.
func repository() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("testkit: no caller information")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
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

// DistributedMap is a Distributed Map over its input's "items": one
// child execution per item, one at a time, each waiting a second, so its
// Map run is RUNNING for about a second per item.
const DistributedMap = `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"W",
		"States":{"W":{"Type":"Wait","Seconds":1,"End":true}}},"End":true}}}`
