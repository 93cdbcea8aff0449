package itemio_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/itemio"
)

func batcherConfig(t *testing.T, def string) *itemio.BatcherConfig {
	t.Helper()
	c, err := itemio.ParseBatcher(decode(t, def), false)
	require.NoError(t, err)
	return c
}

// batches reads every batch of the JSONL object key from position at.
func batches(t *testing.T, store itemio.Store, key string, c *itemio.BatcherConfig, limits itemio.BatchLimits, at itemio.Position) []*itemio.Batch {
	t.Helper()
	r, err := itemio.Open(context.Background(), store, readerConfig(t, fileReader("JSONL", "")), itemio.Request{Parameters: params(key)}, at)
	require.NoError(t, err)
	defer r.Close()
	b, err := itemio.NewBatcher(r, c, limits)
	require.NoError(t, err)
	var out []*itemio.Batch
	for {
		batch, err := b.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		out = append(out, batch)
	}
}

func numbers(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%d\n", i)
	}
	return []byte(b.String())
}

func TestBatchMaxItems(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	put(t, store, "n.jsonl", numbers(1130))
	got := batches(t, store, "n.jsonl", batcherConfig(t, `{"MaxItemsPerBatch": 100}`), itemio.BatchLimits{}, itemio.Position{})
	// AWS's example: 1,130 items in batches of 100 make 11 full batches
	// and one of 30.
	require.Len(t, got, 12)
	require.Len(t, got[0].Input["Items"], 100)
	require.Len(t, got[11].Input["Items"], 30)
	require.Equal(t, int64(1129), got[11].Input["Items"].([]any)[29])
	require.NotContains(t, got[0].Input, "BatchInput")

	// A run resumed at the end of batch 5 makes the same batches 6 to 12.
	again := batches(t, store, "n.jsonl", batcherConfig(t, `{"MaxItemsPerBatch": 100}`), itemio.BatchLimits{}, got[4].End)
	require.Equal(t, got[5:], again)

	// A resolved MaxItemsPerBatchPath.
	got = batches(t, store, "n.jsonl", batcherConfig(t, `{"MaxItemsPerBatchPath": "$.n"}`), itemio.BatchLimits{MaxItemsPerBatch: 500}, itemio.Position{})
	require.Len(t, got, 3)
}

func TestBatchMaxBytes(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	var lines []string
	for i := range 40 {
		lines = append(lines, fmt.Sprintf(`{"i": %d, "pad": "%s"}`, i, strings.Repeat("x", i*7)))
	}
	put(t, store, "v.jsonl", []byte(strings.Join(lines, "\n")))
	const limit = 1000
	c := batcherConfig(t, `{"MaxInputBytesPerBatch": 1000, "BatchInput": {"job": "j"}}`)
	limits := itemio.BatchLimits{BatchInput: map[string]any{"job": "nightly"}}
	got := batches(t, store, "v.jsonl", c, limits, itemio.Position{})
	total := 0
	for i, b := range got {
		require.Equal(t, map[string]any{"job": "nightly"}, b.Input["BatchInput"])
		size := len(asl.EncodeJSON(b.Input))
		require.LessOrEqual(t, size, limit, "batch %d", i)
		items := b.Input["Items"].([]any)
		total += len(items)
		if i+1 < len(got) {
			// Full: the next batch's first item would not have fitted.
			next := got[i+1].Input["Items"].([]any)[0]
			grown := map[string]any{"BatchInput": b.Input["BatchInput"], "Items": append(append([]any{}, items...), next)}
			require.Greater(t, len(asl.EncodeJSON(grown)), limit, "batch %d", i)
		}
	}
	require.Equal(t, 40, total)
	again := batches(t, store, "v.jsonl", c, limits, got[1].End)
	require.Equal(t, got[2:], again)

	// Both limits: the smaller wins.
	got = batches(t, store, "v.jsonl", batcherConfig(t, `{"MaxItemsPerBatch": 2, "MaxInputBytesPerBatch": 1000}`), itemio.BatchLimits{}, itemio.Position{})
	require.Len(t, got, 20)
}

func TestBatchDefaultLimit(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	big := strings.Repeat("y", 100_000)
	put(t, store, "big.jsonl", []byte(strings.Repeat(`"`+big+`"`+"\n", 5)))
	// Without MaxInputBytesPerBatch, batches stay under 256 KiB.
	got := batches(t, store, "big.jsonl", batcherConfig(t, `{"MaxItemsPerBatch": 10}`), itemio.BatchLimits{}, itemio.Position{})
	require.Len(t, got, 3)
	for _, b := range got {
		require.LessOrEqual(t, len(asl.EncodeJSON(b.Input)), 256*1024)
	}
}

func TestBatchErrors(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	put(t, store, "big.jsonl", []byte(`"`+strings.Repeat("z", 2000)+`"`))
	r, err := itemio.Open(context.Background(), store, readerConfig(t, fileReader("JSONL", "")), itemio.Request{Parameters: params("big.jsonl")}, itemio.Position{})
	require.NoError(t, err)
	defer r.Close()
	b, err := itemio.NewBatcher(r, batcherConfig(t, `{"MaxInputBytesPerBatch": 1000}`), itemio.BatchLimits{})
	require.NoError(t, err)
	_, err = b.Next(context.Background())
	var e *asl.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, asl.ErrorDataLimitExceeded, e.Name)
	require.Contains(t, e.Cause, "item 1")

	for _, tc := range []struct {
		def    string
		limits itemio.BatchLimits
		cause  string
	}{
		{`{"MaxItemsPerBatchPath": "$.n"}`, itemio.BatchLimits{}, "MaxItemsPerBatch must be a positive integer"},
		{`{"MaxItemsPerBatch": 1}`, itemio.BatchLimits{MaxItemsPerBatch: -1}, "MaxItemsPerBatch must be a positive integer"},
		{`{"MaxInputBytesPerBatchPath": "$.n"}`, itemio.BatchLimits{MaxInputBytesPerBatch: 300_000}, "MaxInputBytesPerBatch must be a positive integer up to 262144"},
	} {
		_, err := itemio.NewBatcher(r, batcherConfig(t, tc.def), tc.limits)
		require.ErrorAs(t, err, &e)
		require.Equal(t, asl.ErrorRuntime, e.Name)
		require.Contains(t, e.Cause, tc.cause)
	}
}
