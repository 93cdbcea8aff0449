package store

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAppendJSONString(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "ctl\x00\x01\x1f\x7f", "tab\t\r\n", "\u00e9\U0001F600\u2028",
		"bad\xffutf8\xc3", "<html>&"} {
		var back string
		require.NoError(t, json.Unmarshal(appendJSONString(nil, s), &back), s)
		want, _ := json.Marshal(s)
		require.NoError(t, json.Unmarshal(want, &s))
		require.Equal(t, s, back, "as encoding/json reads it")
	}
}

func TestBatchReaderRejects(t *testing.T) {
	t.Parallel()
	for _, batch := range []string{``, `{}`, `[{"type":"T"`, `[{"type":"T"} {"type":"U"}]`, `[{"type":"T","timestamp":x}]`,
		`[{"type":"T","details":"open}]`, `[{"type":1}]`, `[{"type":"T",}]`} {
		_, err := appendEvents(nil, 10, 1, 1, batch, func(*Event) bool { return true })
		require.ErrorIs(t, err, errBatch, batch)
	}
	evs, err := appendEvents(nil, 10, 1, 5, ` [ { "type" : "T" , "timestamp" : 1 , "details" : [ {"a" : "]}"} ] , "x" : {} } ]`,
		func(*Event) bool { return true })
	require.NoError(t, err)
	require.Equal(t, `[ {"a" : "]}"} ]`, *evs[0].Details, "spaces as PostgreSQL's json_agg writes them")
	require.Equal(t, int64(5), evs[0].ID)
}
