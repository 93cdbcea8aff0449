package runner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
)

// chain builds a machine of n Pass/Choice pairs: each Pass adds a field
// with ResultPath, each Choice tests it.
func chain(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"P0","States":{`)
	for i := 0; i < n; i++ {
		next := fmt.Sprintf("P%d", i+1)
		if i == n-1 {
			next = "Done"
		}
		fmt.Fprintf(&b, `"P%d":{"Type":"Pass","Result":%d,"ResultPath":"$.step","Next":"C%d"},`, i, i, i)
		fmt.Fprintf(&b, `"C%d":{"Type":"Choice","Choices":[{"Variable":"$.step","NumericEquals":%d,"Next":"%s"}],"Default":"Bad"},`, i, i, next)
	}
	b.WriteString(`"Bad":{"Type":"Fail","Error":"Bad"},"Done":{"Type":"Succeed"}}}`)
	return b.String()
}

func benchmarkChain(b *testing.B, noEvents bool) {
	const pairs = 500
	m, err := asl.Parse([]byte(chain(pairs)))
	if err != nil {
		b.Fatal(err)
	}
	input := map[string]any{"order": "o-1", "amount": int64(42)}
	cfg := &runner.Config{NoEvents: noEvents, MaxTransitions: 10 * pairs}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	transitions := 0
	for i := 0; i < b.N; i++ {
		res, err := runner.Run(ctx, m, input, cfg)
		if err != nil || res.Status != runner.StatusSucceeded {
			b.Fatalf("run: %v %v", err, res.Error)
		}
		transitions += res.Transitions
	}
	b.ReportMetric(float64(transitions)/b.Elapsed().Seconds(), "transitions/s")
}

// BenchmarkPassChoiceChain measures in-memory transitions per second on a
// chain of Pass and Choice states, recording history events.
func BenchmarkPassChoiceChain(b *testing.B) { benchmarkChain(b, false) }

// BenchmarkPassChoiceChainNoEvents is the same without history events.
func BenchmarkPassChoiceChainNoEvents(b *testing.B) { benchmarkChain(b, true) }
