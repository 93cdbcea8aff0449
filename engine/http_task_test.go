package engine_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/internal/history"
)

// TestHTTPTask runs arn:aws:states:::http:invoke Tasks on the durable
// engine against a local server: a 503 is retried by its error name, a
// 404 is caught, and a loopback address is refused unless the egress
// policy allows it.
func TestHTTPTask(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/missing":
			http.NotFound(w, r)
		case calls.Add(1) == 1:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"order":"` + r.URL.Query().Get("id") + `"}`))
		}
	}))
	t.Cleanup(srv.Close)
	allowed := newHarness(t, func(reg *activities.Registry) {
		activities.RegisterHTTP(reg, &activities.HTTPConfig{Egress: activities.EgressPolicy{Allow: []string{"127.0.0.1"}}})
	})
	task := func(path string) string {
		return `{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
			"Parameters":{"ApiEndpoint":"` + srv.URL + path + `","Method":"GET","QueryParameters":{"id.$":"$.id"}},
			"Retry":[{"ErrorEquals":["States.Http.StatusCode.503"],"IntervalSeconds":1,"MaxAttempts":2}],
			"Catch":[{"ErrorEquals":["States.Http.StatusCode.404"],"ResultPath":"$.error","Next":"Missing"}],
			"ResultSelector":{"status.$":"$.StatusCode","body.$":"$.ResponseBody"},"End":true}`
	}
	machine := func(path string) string {
		return `{"StartAt":"Call","States":{"Call":` + task(path) + `,"Missing":{"Type":"Pass","Result":"missing","End":true}}}`
	}

	allowed.machine("fetch", machine("/orders"))
	exec := allowed.run("fetch", "ok", `{"id":"o-7"}`)
	requireSucceeded(t, exec, `{"status":200,"body":{"order":"o-7"}}`)
	require.Equal(t, int32(2), calls.Load(), "the 503 was retried once")
	require.Contains(t, allowed.events(exec), history.TaskFailed)

	allowed.machine("fetch-missing", machine("/missing"))
	requireSucceeded(t, allowed.run("fetch-missing", "missing", `{"id":"o-8"}`), `"missing"`)

	denied := newHarness(t, func(reg *activities.Registry) { activities.RegisterHTTP(reg, nil) })
	denied.machine("fetch", machine("/orders"))
	requireFailed(t, denied.run("fetch", "denied", `{"id":"o-9"}`), "States.Permissions")
}
