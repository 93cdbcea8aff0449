package itemio_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/itemio"
)

func TestStoreRoundTrip(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	put(t, store, "a/b.txt", []byte("hello"))
	require.Equal(t, "hello", string(get(t, store, "a/b.txt")))
}

func TestNewStoreNeedsSecret(t *testing.T) {
	t.Parallel()
	_, err := itemio.NewStore(context.Background(), &itemio.StoreConfig{AccessKeyID: "AKIA"})
	require.ErrorContains(t, err, "secret access key")
}
