package secret

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSealOpen checks a round trip, and that another key, another context
// or a changed byte is refused, the key by name.
func TestSealOpen(t *testing.T) {
	t.Parallel()
	k, err := NewKey(bytes.Repeat([]byte{1}, KeySize))
	require.NoError(t, err)
	other, err := NewKey(bytes.Repeat([]byte{2}, KeySize))
	require.NoError(t, err)
	require.NotEqual(t, k.ID(), other.ID())
	require.Len(t, k.ID(), 16)

	sealed := k.Seal([]byte("hunter2"), []byte("ctx"))
	require.False(t, bytes.Contains(sealed, []byte("hunter2")))
	require.NotEqual(t, sealed, k.Seal([]byte("hunter2"), []byte("ctx")), "a fresh nonce each time")
	plain, err := k.Open(sealed, k.ID(), []byte("ctx"))
	require.NoError(t, err)
	require.Equal(t, "hunter2", string(plain))

	_, err = other.Open(sealed, k.ID(), []byte("ctx"))
	require.ErrorIs(t, err, ErrWrongKey)
	require.ErrorContains(t, err, k.ID())
	_, err = k.Open(sealed, k.ID(), []byte("other"))
	require.ErrorContains(t, err, "does not authenticate")
	sealed[len(sealed)-1] ^= 1
	_, err = k.Open(sealed, k.ID(), []byte("ctx"))
	require.ErrorContains(t, err, "does not authenticate")
	_, err = NewKey([]byte("short"))
	require.ErrorContains(t, err, "32 bytes")
}
