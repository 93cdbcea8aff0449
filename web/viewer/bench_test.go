package viewer_test

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
	"github.com/stretchr/testify/require"
)

// loopMachine is a Pass and a Choice in a loop that ends after 6,249
// rounds: an execution of 25,000 history events, AWS's quota.
const loopMachine = `{"StartAt":"Count","States":{
  "Count":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"More"},
  "More":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericLessThan":6249,"Next":"Count"}],"Default":"Done"},
  "Done":{"Type":"Succeed"}}}`

// BenchmarkViewerLargeExecution measures the viewer's reads of an
// execution of 25,004 events: the summary the execution page is drawn
// from, and a page of 100 events from the middle of the history.
func BenchmarkViewerLargeExecution(b *testing.B) {
	base := webtest.BenchServer(b)
	client := &http.Client{}
	webtest.Post(b, client, base+"/v1/state-machines", `{"name":"loop","definition":`+loopMachine+`}`, http.StatusCreated)
	webtest.Post(b, client, base+"/v1/state-machines/loop/start-sync?timeout=2m", `{"name":"big","input":{"n":0}}`, http.StatusOK)
	arn := "arn:aws:states:us-east-1:000000000000:execution:loop:big"
	get := func(path string) {
		resp, err := client.Get(base + path)
		require.NoError(b, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		require.Equal(b, http.StatusOK, resp.StatusCode, path)
	}
	q := "?arn=" + url.QueryEscape(arn)
	for _, bc := range []struct{ name, path string }{
		{"summary", "/v1/executions/-/viewer" + q},
		{"history-page", "/v1/executions/-/viewer/events" + q + "&after=12000&limit=100"},
		{"state-details", "/v1/executions/-/viewer/state" + q + "&state=Done"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				get(bc.path)
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/read")
		})
	}
}
