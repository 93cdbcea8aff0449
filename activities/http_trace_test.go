package activities

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
)

// TestHTTPTrace checks that an HTTP Task run with a trace records its
// request and response, the connection's secrets masked unless revealed.
func TestHTTPTrace(t *testing.T) {
	t.Parallel()
	conn := &Connection{Name: "c", ARN: "c", AuthorizationType: AuthAPIKey,
		AuthParameters: ConnectionAuth{APIKey: &APIKeyAuth{Name: "X-Api-Key", Value: "k-secret"}}}
	reg := httpRegistry(t, &HTTPConfig{Egress: loopbackOK, Connections: connections{"c": conn}})
	srv, got := newHTTPServer(t)
	for _, tc := range []struct {
		name   string
		reveal bool
		key    string
	}{
		{"masked", false, "****"},
		{"revealed", true, "k-secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := &HTTPTrace{Reveal: tc.reveal}
			params, err := asl.DecodeJSON([]byte(`{"ApiEndpoint":"` + srv.URL + `/json","Method":"POST",
				"Authentication":{"ConnectionArn":"c"},"RequestBody":{"n":1}}`))
			require.NoError(t, err)
			_, err = reg.Invoke(WithHTTPTrace(context.Background(), tr), "arn:aws:states:::http:invoke", params)
			require.NoError(t, err)
			<-got
			require.Equal(t, "POST", tr.Request.Method)
			require.Equal(t, srv.URL+"/json", tr.Request.URL)
			require.Equal(t, "HTTP/1.1", tr.Request.Protocol)
			require.Equal(t, []string{tc.key}, tr.Request.Header["X-Api-Key"])
			require.JSONEq(t, `{"n":1}`, tr.Request.Body)
			require.Equal(t, 200, tr.Response.StatusCode)
			require.Equal(t, "OK", tr.Response.Status)
			require.NotEmpty(t, tr.Response.Body)
		})
	}
}
