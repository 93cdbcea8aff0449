package itemio_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/itemio"
)

const mapRunArn = "arn:aws:states:us-east-1:123456789012:mapRun:orders/Map:ad9b5f27-090b-3ac6-9beb-243cd77144a7"

func writerConfig(t *testing.T, def string) *itemio.WriterConfig {
	t.Helper()
	c, err := itemio.ParseWriter(decode(t, def), false)
	require.NoError(t, err)
	return c
}

func exportTo(writerConfig string) string {
	return `{"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "data", "Prefix": "jobs"}` + writerConfig + `}`
}

var start = time.Date(2025, 2, 4, 1, 49, 50, 99_000_000, time.UTC)

// children are a Map run's results: two succeeded (outputs are arrays),
// one failed, one timed out, one never started.
func children() []*itemio.ChildResult {
	child := func(i int, status string) *itemio.ChildResult {
		name := fmt.Sprintf("child-%d", i)
		return &itemio.ChildResult{
			ExecutionArn:    "arn:aws:states:us-east-1:123456789012:execution:orders/Map:" + name,
			Name:            name,
			StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:orders/Map",
			Status:          status,
			Input:           map[string]any{"id": int64(i)},
			StartDate:       start,
			StopDate:        start.Add(64 * time.Millisecond),
		}
	}
	ok1, ok2 := child(1, itemio.StatusSucceeded), child(2, itemio.StatusSucceeded)
	ok1.Output = []any{map[string]any{"order": "100000"}, map[string]any{"order": "100001"}}
	ok2.Output = []any{map[string]any{"order": "100005"}}
	failed := child(3, itemio.StatusFailed)
	failed.Error, failed.Cause = "States.TaskFailed", "boom"
	timedOut := child(4, itemio.StatusTimedOut)
	timedOut.Error = "States.Timeout"
	pending := &itemio.ChildResult{Status: itemio.StatusPending, Input: map[string]any{"id": int64(5)}}
	return []*itemio.ChildResult{ok1, failed, ok2, timedOut, pending}
}

func writeAll(t *testing.T, store itemio.Store, c *itemio.WriterConfig, params map[string]any, opts *itemio.WriterOptions, results []*itemio.ChildResult) map[string]any {
	t.Helper()
	w, err := itemio.NewWriter(store, c, params, mapRunArn, opts)
	require.NoError(t, err)
	for _, r := range results {
		require.NoError(t, w.Add(context.Background(), r))
	}
	out, err := w.Close(context.Background())
	require.NoError(t, err)
	return out
}

func jsonOf(t *testing.T, b []byte) any {
	t.Helper()
	v, err := asl.DecodeJSON(b)
	require.NoError(t, err, string(b))
	return v
}

func TestWriteNone(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	out := writeAll(t, store, writerConfig(t, exportTo("")), map[string]any{"Bucket": "data", "Prefix": "jobs"}, nil, children())
	const dir = "jobs/ad9b5f27-090b-3ac6-9beb-243cd77144a7/"
	require.Equal(t, map[string]any{
		"MapRunArn":           mapRunArn,
		"ResultWriterDetails": map[string]any{"Bucket": "data", "Key": dir + "manifest.json"},
	}, out)

	succeeded := get(t, store, dir+"SUCCEEDED_0.json")
	failed := get(t, store, dir+"FAILED_0.json")
	pending := get(t, store, dir+"PENDING_0.json")
	require.Equal(t, jsonOf(t, []byte(`{
		"DestinationBucket": "data",
		"MapRunArn": "`+mapRunArn+`",
		"ResultFiles": {
			"FAILED": [{"Key": "`+dir+`FAILED_0.json", "Size": `+fmt.Sprint(len(failed))+`}],
			"PENDING": [{"Key": "`+dir+`PENDING_0.json", "Size": `+fmt.Sprint(len(pending))+`}],
			"SUCCEEDED": [{"Key": "`+dir+`SUCCEEDED_0.json", "Size": `+fmt.Sprint(len(succeeded))+`}]
		}}`)), jsonOf(t, get(t, store, dir+"manifest.json")))

	records := jsonOf(t, succeeded).([]any)
	require.Len(t, records, 2)
	require.Equal(t, map[string]any{
		"ExecutionArn":        "arn:aws:states:us-east-1:123456789012:execution:orders/Map:child-1",
		"Input":               `{"id":1}`,
		"InputDetails":        map[string]any{"Included": true},
		"Name":                "child-1",
		"Output":              `[{"order":"100000"},{"order":"100001"}]`,
		"OutputDetails":       map[string]any{"Included": true},
		"RedriveCount":        int64(0),
		"RedriveStatus":       "NOT_REDRIVABLE",
		"RedriveStatusReason": "Execution is SUCCEEDED and cannot be redriven",
		"StartDate":           "2025-02-04T01:49:50.099Z",
		"StateMachineArn":     "arn:aws:states:us-east-1:123456789012:stateMachine:orders/Map",
		"Status":              "SUCCEEDED",
		"StopDate":            "2025-02-04T01:49:50.163Z",
	}, records[0])

	records = jsonOf(t, failed).([]any)
	require.Len(t, records, 2)
	first := records[0].(map[string]any)
	require.Equal(t, "FAILED", first["Status"])
	require.Equal(t, "States.TaskFailed", first["Error"])
	require.Equal(t, "boom", first["Cause"])
	require.NotContains(t, first, "Output")
	require.Equal(t, "TIMED_OUT", records[1].(map[string]any)["Status"])

	require.Equal(t, []any{map[string]any{
		"Input": `{"id":5}`, "InputDetails": map[string]any{"Included": true}, "Status": "PENDING",
	}}, jsonOf(t, pending))
}

func TestWriteTransformations(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	for _, tc := range []struct {
		transformation, outputType, prefix string
		want                               string
	}{
		{"COMPACT", "JSON", "compact", `[[{"order":"100000"},{"order":"100001"}],[{"order":"100005"}]]`},
		{"FLATTEN", "JSON", "flatten/", `[{"order":"100000"},{"order":"100001"},{"order":"100005"}]`},
		{"COMPACT", "JSONL", "", "[{\"order\":\"100000\"},{\"order\":\"100001\"}]\n[{\"order\":\"100005\"}]\n"},
		{"FLATTEN", "JSONL", "fl", "{\"order\":\"100000\"}\n{\"order\":\"100001\"}\n{\"order\":\"100005\"}\n"},
	} {
		c := writerConfig(t, exportTo(`, "WriterConfig": {"Transformation": "`+tc.transformation+`", "OutputType": "`+tc.outputType+`"}`))
		out := writeAll(t, store, c, map[string]any{"Bucket": "data", "Prefix": tc.prefix}, nil, children())
		dir := strings.TrimSuffix(tc.prefix, "/")
		if dir != "" {
			dir += "/"
		}
		dir += "ad9b5f27-090b-3ac6-9beb-243cd77144a7/"
		require.Equal(t, dir+"manifest.json", out["ResultWriterDetails"].(map[string]any)["Key"])
		require.Equal(t, tc.want, string(get(t, store, dir+"SUCCEEDED_0.json")), tc)
		// Failed children are written untransformed.
		failed := string(get(t, store, dir+"FAILED_0.json"))
		require.Contains(t, failed, `"ExecutionArn":"arn:aws:states:us-east-1:123456789012:execution:orders/Map:child-3"`)
		if tc.outputType == "JSONL" {
			require.Len(t, strings.Split(strings.TrimSpace(failed), "\n"), 2)
		}
	}
}

func TestWriteSplitsFiles(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	var results []*itemio.ChildResult
	for i := range 50 {
		results = append(results, &itemio.ChildResult{Status: itemio.StatusSucceeded, Name: fmt.Sprint(i), Input: int64(i), Output: int64(i), StartDate: start, StopDate: start})
	}
	const limit = 2_000
	writeAll(t, store, writerConfig(t, exportTo("")), map[string]any{"Bucket": "data", "Prefix": "split"}, &itemio.WriterOptions{MaxFileBytes: limit, TempDir: t.TempDir()}, results)
	const dir = "split/ad9b5f27-090b-3ac6-9beb-243cd77144a7/"
	var manifest struct {
		ResultFiles map[string][]struct {
			Key  string
			Size int
		}
	}
	require.NoError(t, json.Unmarshal(get(t, store, dir+"manifest.json"), &manifest))
	files := manifest.ResultFiles["SUCCEEDED"]
	require.Greater(t, len(files), 2)
	require.Empty(t, manifest.ResultFiles["FAILED"])
	var names []string
	for i, f := range files {
		require.Equal(t, fmt.Sprintf("%sSUCCEEDED_%d.json", dir, i), f.Key)
		body := get(t, store, f.Key)
		require.Len(t, body, f.Size)
		require.LessOrEqual(t, f.Size, limit)
		for _, r := range jsonOf(t, body).([]any) {
			names = append(names, r.(map[string]any)["Name"].(string))
		}
	}
	require.Len(t, names, 50)
	require.Equal(t, "0", names[0])
	require.Equal(t, "49", names[49])
}

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	c := writerConfig(t, exportTo(""))
	_, err := itemio.NewWriter(store, c, map[string]any{"Bucket": ""}, mapRunArn, nil)
	var e *asl.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, asl.ErrorResultWriterFailed, e.Name)
	_, err = itemio.NewWriter(store, c, map[string]any{"Bucket": "data", "Prefix": 3}, mapRunArn, nil)
	require.ErrorAs(t, err, &e)
	require.Contains(t, e.Cause, "Prefix must be a string")

	w, err := itemio.NewWriter(store, c, map[string]any{"Bucket": "no-such-bucket"}, mapRunArn, nil)
	require.NoError(t, err)
	require.NoError(t, w.Add(context.Background(), children()[0]))
	_, err = w.Close(context.Background())
	require.ErrorAs(t, err, &e)
	require.Equal(t, asl.ErrorResultWriterFailed, e.Name)
	require.Contains(t, e.Cause, "writing s3://no-such-bucket/ad9b5f27-090b-3ac6-9beb-243cd77144a7/SUCCEEDED_0.json")
}

func TestCollect(t *testing.T) {
	t.Parallel()
	// Without a ResultWriter: COMPACT, failed children as records.
	c := itemio.NewCollector(nil, "Map")
	for _, r := range children()[:3] {
		require.NoError(t, c.Add(r))
	}
	out := c.Output()
	require.Len(t, out, 3)
	require.Equal(t, []any{map[string]any{"order": "100000"}, map[string]any{"order": "100001"}}, out[0])
	require.Equal(t, "FAILED", out[1].(map[string]any)["Status"])

	c = itemio.NewCollector(writerConfig(t, `{"WriterConfig": {"Transformation": "FLATTEN"}}`), "Map")
	require.NoError(t, c.Add(children()[0]))
	require.NoError(t, c.Add(children()[2]))
	require.Len(t, c.Output(), 3)

	// Past 256 KiB the state fails as AWS's does.
	c = itemio.NewCollector(nil, "Map")
	big := &itemio.ChildResult{Status: itemio.StatusSucceeded, Output: strings.Repeat("x", 100_000)}
	require.NoError(t, c.Add(big))
	require.NoError(t, c.Add(big))
	err := c.Add(big)
	var e *asl.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, asl.ResultTooLarge("Map"), e)
}
