package bench_test

import (
	"context"
	"strings"
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

// TestSoak runs the soak workload for 6 seconds (retention 2 seconds,
// swept every 200 ms): its report must hold a sample a second with the
// size of Stepwise's and River's tables, and executions must have been
// deleted.
func TestSoak(t *testing.T) {
	t.Parallel()
	results, err := bench.Run(context.Background(), bench.Config{ServerURL: testkit.ServerURL(), Only: []string{"soak"}, Count: 6})
	require.NoError(t, err)
	require.Len(t, results, 1)
	r := results[0]
	require.NotNil(t, r.Soak)
	require.Len(t, r.Soak.Samples, 7) // at 0 to 6 s
	for _, s := range r.Soak.Samples {
		require.Contains(t, s.Sizes, "stepwise_executions")
		require.Contains(t, s.Sizes, "river_job")
	}
	require.Positive(t, r.Count)
	require.Positive(t, r.Soak.Deleted, "the retention sweeps deleted nothing")
	var text strings.Builder
	require.NoError(t, r.Soak.Print(&text))
	t.Logf("%s\n%s", r.Note, text.String())
	require.Contains(t, text.String(), "stepwise_event_batches")
	require.Contains(t, text.String(), "all tables")
	require.Contains(t, text.String(), "started/s")
	require.Contains(t, r.Note, "deleted")
}
