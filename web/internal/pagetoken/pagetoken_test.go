package pagetoken

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoundTripAndKind(t *testing.T) {
	t.Parallel()
	tok := Token{Kind: Executions, Micros: 1767323045678901, ID: 42, Of: 7}
	got, err := Decode(tok.String(), Executions)
	require.NoError(t, err)
	require.Equal(t, tok, *got)
	require.Equal(t, int64(1767323045678901), got.Time().UnixMicro())

	_, err = Decode(tok.String(), History)
	require.ErrorIs(t, err, ErrInvalid, "a token of another listing")
	_, err = Decode("'; DROP TABLE x; --", Executions)
	require.ErrorIs(t, err, ErrInvalid)
	none, err := Decode("", Executions)
	require.NoError(t, err)
	require.Nil(t, none)
}

func TestByName(t *testing.T) {
	t.Parallel()
	names := []string{"a", "b", "c", "d", "e"}
	list := func(_ context.Context, after string, limit int) ([]string, error) {
		var out []string
		for _, n := range names {
			if n > after && len(out) < limit {
				out = append(out, n)
			}
		}
		return out, nil
	}
	id := func(s string) string { return s }
	var all []string
	token := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 3)
		page, next, err := ByName(context.Background(), Machines, token, 2, list, id)
		require.NoError(t, err)
		all = append(all, page...)
		if next == "" {
			break
		}
		token = next
	}
	require.Equal(t, names, all)
	_, _, err := ByName(context.Background(), Activities, Token{Kind: Machines, Name: "a"}.String(), 2, list, id)
	require.ErrorIs(t, err, ErrInvalid)
}
