package engine_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/s3test"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// TestDistributedMapReaders runs a Distributed Map over each kind of
// ItemReader through the engine, with the state output or a ResultWriter
// in each transformation, against an S3 protocol server.
func TestDistributedMapReaders(t *testing.T) {
	t.Parallel()
	s3 := s3test.Start(t)
	s3.Put(t, "list/a.txt", []byte("a"))
	s3.Put(t, "list/b.txt", []byte("bb"))
	s3.Put(t, "rows.csv", []byte("id,name\n1,ann\n2,bob\n"))
	s3.Put(t, "array.json", []byte(`[[1,2],[3]]`))
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval,
		ObjectStore: s3.Client})
	pass := `"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	cases := []struct {
		name, machine, reader, writer, want string
	}{
		{"listObjectsV2", "listing", `{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"data","Prefix":"list/"}}`, "",
			`[["list/a.txt",1],["list/b.txt",2]]`},
		{"CSV first row", "csv", `{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},
			"Parameters":{"Bucket":"data","Key":"rows.csv"}}`, "", `[{"id":"1","name":"ann"},{"id":"2","name":"bob"}]`},
		{"JSON with MaxItems", "json", `{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON","MaxItems":1},
			"Parameters":{"Bucket":"data","Key":"array.json"}}`, "", `[[1,2]]`},
		{"FLATTEN to JSONL", "flatten", `{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},
			"Parameters":{"Bucket":"data","Key":"array.json"}}`,
			`,"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"data","Prefix":"flat"},
				"WriterConfig":{"OutputType":"JSONL","Transformation":"FLATTEN"}}`, "1\n2\n3\n"},
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			def := `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemReader":` + c.reader + c.writer + `,` + pass + `}}}`
			if c.name == "listObjectsV2" {
				def = `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemReader":` + c.reader +
					`,"ItemSelector":{"k.$":"$$.Map.Item.Value.Key","s.$":"$$.Map.Item.Value.Size"},` + pass + `}}}`
				c.want = `[{"k":"list/a.txt","s":1},{"k":"list/b.txt","s":2}]`
			}
			name := "readers-" + c.machine
			_, _, err := e.CreateStateMachine(ctx, name, engine.MachineSpec{Definition: def})
			require.NoError(t, err)
			exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: name, Input: "{}"})
			require.NoError(t, err)
			exec, err = e.Wait(ctx, exec.ARN)
			require.NoError(t, err)
			require.Equal(t, store.StatusSucceeded, exec.Status, "%s %s", deref(exec.Error), deref(exec.Cause))
			if c.writer == "" {
				require.JSONEq(t, c.want, *exec.Output)
				return
			}
			var out struct{ ResultWriterDetails struct{ Key string } }
			require.NoError(t, json.Unmarshal([]byte(*exec.Output), &out))
			var manifest struct {
				ResultFiles map[string][]struct{ Key string }
			}
			require.NoError(t, json.Unmarshal(s3.Get(t, out.ResultWriterDetails.Key), &manifest))
			require.Equal(t, c.want, string(s3.Get(t, manifest.ResultFiles["SUCCEEDED"][0].Key)))
		})
	}
}
