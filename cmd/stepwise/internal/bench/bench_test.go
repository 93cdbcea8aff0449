package bench_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/cmd/stepwise/internal/bench"
	"github.com/stepwise-run/stepwise/internal/testkit"
)

// BenchmarkWorkloads runs each workload of `stepwise bench` with b.N as
// its count, on the test server (go test -bench . -benchtime 5000x).
func BenchmarkWorkloads(b *testing.B) {
	for _, name := range bench.Workloads() {
		b.Run(name, func(b *testing.B) {
			results, err := bench.Run(context.Background(), bench.Config{
				ServerURL: testkit.ServerURL(), Only: []string{name}, Count: b.N})
			require.NoError(b, err)
			r := results[0]
			b.ReportMetric(r.PerSecond, r.Unit+"/s")
			b.ReportMetric(r.P99, "p99-ms")
			b.ReportMetric(r.CommitsPerSecond, "commits/s")
			b.ReportMetric(r.PGCPUPerUnit, "pg-cpu-ms/"+r.Unit)
		})
	}
}

// TestWorkloads runs every workload at a tiny size, so that the benchmark
// keeps working: each must finish and measure something.
func TestWorkloads(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every workload")
	}
	results, err := bench.Run(context.Background(), bench.Config{ServerURL: testkit.ServerURL(), Scale: 0.01})
	require.NoError(t, err)
	require.Len(t, results, len(bench.Workloads()))
	for _, r := range results {
		require.Positive(t, r.PerSecond, r.Workload)
		require.Positive(t, r.Count, r.Workload)
	}
}
