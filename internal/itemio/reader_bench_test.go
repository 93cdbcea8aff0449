package itemio_test

import (
	"context"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/itemio"
)

// BenchmarkReadJSONL100k reads a 100,000-line JSON Lines object and
// reports the live heap the read adds at its peak (sampled after a GC
// every 10,000 items), which stays flat however long the file is:
//
//	go test ./internal/itemio -run XXX -bench ReadJSONL100k -benchtime 3x
func BenchmarkReadJSONL100k(b *testing.B) {
	store := fakeStore(b)
	data := bigJSONL(100_000)
	put(b, store, "big.jsonl", data)
	c := readerConfig(b, fileReader("JSONL", ""))
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	var peak uint64
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		r, err := itemio.Open(context.Background(), store, c, itemio.Request{Parameters: params("big.jsonl")}, itemio.Position{})
		require.NoError(b, err)
		for n := 1; ; n++ {
			_, err := r.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(b, err)
			if n%10_000 == 0 {
				b.StopTimer()
				var m runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > base.HeapAlloc && m.HeapAlloc-base.HeapAlloc > peak {
					peak = m.HeapAlloc - base.HeapAlloc
				}
				b.StartTimer()
			}
		}
		require.NoError(b, r.Close())
	}
	b.ReportMetric(float64(peak), "peak-live-heap-B")
	b.ReportMetric(float64(len(data)), "file-B")
}
