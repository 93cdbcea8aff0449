package itemio_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/itemio"
)

// FuzzReadResume feeds arbitrary bytes to the CSV, JSONL and JSON readers:
// none may panic, and whatever a reader reads before its first error, a
// reader resumed at any of its positions reads the same rest of.
func FuzzReadResume(f *testing.F) {
	f.Add([]byte("a,b\n1,\"x,\ny\"\n\\\\,\"\"\n"), uint8(0))
	f.Add([]byte("{\"a\":1}\n\n[2]\n\"s\""), uint8(1))
	f.Add([]byte(`[1, {"b": [2]}, "]"]`), uint8(2))
	store := fakeStore(f)
	var seq atomic.Int64
	configs := []*itemio.ReaderConfig{
		readerConfig(f, fileReader("CSV", `, "CSVHeaderLocation": "FIRST_ROW"`)),
		readerConfig(f, fileReader("JSONL", "")),
		readerConfig(f, fileReader("JSON", "")),
	}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		key := fmt.Sprintf("fuzz/%d", seq.Add(1))
		put(t, store, key, data)
		c := configs[int(kind)%len(configs)]
		req := itemio.Request{Parameters: params(key)}
		items, positions := readUntilError(t, store, c, req, itemio.Position{})
		for i, pos := range positions {
			rest, _ := readUntilError(t, store, c, req, pos)
			require.Equal(t, items[i+1:], rest, "resumed at %+v", pos)
		}
	})
}

// readUntilError is readAll that stops quietly at the first error.
func readUntilError(t *testing.T, store itemio.Store, c *itemio.ReaderConfig, req itemio.Request, at itemio.Position) ([]any, []itemio.Position) {
	t.Helper()
	items, positions := []any{}, []itemio.Position(nil)
	r, err := itemio.Open(context.Background(), store, c, req, at)
	if err != nil {
		return items, nil
	}
	defer r.Close()
	for {
		item, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) || err != nil {
			return items, positions
		}
		items = append(items, item)
		positions = append(positions, r.Position())
	}
}
