package rest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// TestRESTConnections creates, lists, describes and deletes a connection
// through the REST endpoints; no answer holds its secrets.
func TestRESTConnections(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	const secret, paramSecret = "rest-secret-value-1", "rest-param-secret-2"
	created := a.Expect(http.StatusCreated, http.MethodPost, "/v1/connections", map[string]any{
		"name": "stripe", "description": "payments", "authorizationType": "API_KEY",
		"authParameters": map[string]any{
			"ApiKeyAuthParameters": map[string]any{"ApiKeyName": "Authorization", "ApiKeyValue": secret},
			"InvocationHttpParameters": map[string]any{"QueryStringParameters": []any{
				map[string]any{"Key": "sig", "Value": paramSecret, "IsValueSecret": true},
				map[string]any{"Key": "v", "Value": "2"},
			}},
		},
	})
	arn := created["arn"].(string)
	require.True(t, strings.HasPrefix(arn, "arn:aws:events:us-east-1:000000000000:connection/stripe/"), arn)
	require.Equal(t, map[string]any{
		"ApiKeyAuthParameters": map[string]any{"ApiKeyName": "Authorization"},
		"InvocationHttpParameters": map[string]any{"QueryStringParameters": []any{
			map[string]any{"Key": "sig", "IsValueSecret": true},
			map[string]any{"Key": "v", "Value": "2"},
		}},
	}, created["authParameters"])

	described := a.Do(http.MethodGet, "/v1/connections/stripe", nil)
	require.Equal(t, http.StatusOK, described.Status)
	byARN := a.Expect(http.StatusOK, http.MethodGet, "/v1/connections/"+strings.ReplaceAll(arn, "/", "%2F"), nil)
	require.Equal(t, "stripe", byARN["name"])
	list := a.Do(http.MethodGet, "/v1/connections", nil)
	require.Equal(t, http.StatusOK, list.Status)
	require.Contains(t, string(list.Body), `"name":"stripe"`)
	for _, body := range [][]byte{described.Body, list.Body} {
		require.NotContains(t, string(body), secret)
		require.NotContains(t, string(body), paramSecret)
	}

	a.ExpectError(http.StatusConflict, "ConnectionAlreadyExists", http.MethodPost, "/v1/connections", map[string]any{
		"name": "stripe", "authorizationType": "BASIC",
		"authParameters": map[string]any{"BasicAuthParameters": map[string]any{"Username": "u", "Password": "p"}},
	})
	a.ExpectError(http.StatusBadRequest, "InvalidConnection", http.MethodPost, "/v1/connections", map[string]any{
		"name": "half", "authorizationType": "BASIC",
		"authParameters": map[string]any{"ApiKeyAuthParameters": map[string]any{"ApiKeyName": "k", "ApiKeyValue": "v"}},
	})
	a.Expect(http.StatusNoContent, http.MethodDelete, "/v1/connections/stripe", nil)
	a.ExpectError(http.StatusNotFound, "ConnectionDoesNotExist", http.MethodGet, "/v1/connections/stripe", nil)
	a.ExpectError(http.StatusNotFound, "ConnectionDoesNotExist", http.MethodDelete, "/v1/connections/stripe", nil)
}
