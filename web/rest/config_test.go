package rest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// TestStateMachineConfiguration: roleArn, tracingConfiguration and
// encryptionConfiguration on POST and PUT /v1/state-machines, shown by
// GET as given, per version.
func TestStateMachineConfiguration(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	const role = "arn:aws:iam::123456789012:role/greeter"
	kms := map[string]any{"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": "alias/mine", "kmsDataKeyReusePeriodSeconds": 300.0}
	created := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines", map[string]any{
		"name": "greet", "definition": json.RawMessage(webtest.PassMachine), "roleArn": role,
		"tracingConfiguration": map[string]any{"enabled": true}, "encryptionConfiguration": kms,
	})
	require.Equal(t, role, created["roleArn"])
	require.Equal(t, map[string]any{"enabled": true}, created["tracingConfiguration"])
	require.Equal(t, kms, created["encryptionConfiguration"])

	updated := a.Expect(http.StatusOK, http.MethodPut, "/v1/state-machines/greet", map[string]any{"definition": json.RawMessage(webtest.PassMachine),
		"roleArn": "arn:aws:iam::123456789012:role/other", "encryptionConfiguration": map[string]any{"type": "AWS_OWNED_KEY"}})
	require.EqualValues(t, 2, updated["version"])
	require.Equal(t, "arn:aws:iam::123456789012:role/other", updated["roleArn"])
	require.Equal(t, map[string]any{"enabled": true}, updated["tracingConfiguration"], "what a PUT leaves out carries over")
	require.Equal(t, map[string]any{"type": "AWS_OWNED_KEY"}, updated["encryptionConfiguration"])

	first := a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/greet?version=1", nil)
	require.Equal(t, role, first["roleArn"])
	require.Equal(t, kms, first["encryptionConfiguration"])

	plain := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines", map[string]any{"name": "plain", "definition": json.RawMessage(webtest.PassMachine)})
	require.Contains(t, plain["roleArn"], ":role/stepwise")
	require.Equal(t, map[string]any{"enabled": false}, plain["tracingConfiguration"])
	require.Equal(t, map[string]any{"type": "AWS_OWNED_KEY"}, plain["encryptionConfiguration"])

	a.ExpectError(http.StatusBadRequest, "InvalidArn", http.MethodPost, "/v1/state-machines", map[string]any{
		"name": "bad", "definition": json.RawMessage(webtest.PassMachine), "roleArn": "greeter"})
	a.ExpectError(http.StatusBadRequest, "ValidationException", http.MethodPut, "/v1/state-machines/greet", map[string]any{
		"definition": json.RawMessage(webtest.PassMachine), "encryptionConfiguration": map[string]any{"type": "CUSTOMER_MANAGED_KMS_KEY"}})
}

// TestStateMachineRetention: retentionSeconds on POST and PUT
// /v1/state-machines sets the machine's own retention of closed
// executions; a PUT without it leaves it, 0 returns to the
// installation's (shown as absent).
func TestStateMachineRetention(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	created := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines", map[string]any{
		"name": "kept", "definition": json.RawMessage(webtest.PassMachine), "retentionSeconds": 86400})
	require.EqualValues(t, 86400, created["retentionSeconds"])
	a.Expect(http.StatusOK, http.MethodPut, "/v1/state-machines/kept", map[string]any{"definition": json.RawMessage(webtest.PassMachine)})
	require.EqualValues(t, 86400, a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/kept", nil)["retentionSeconds"])
	a.Expect(http.StatusOK, http.MethodPut, "/v1/state-machines/kept", map[string]any{"definition": json.RawMessage(webtest.PassMachine), "retentionSeconds": -1})
	require.EqualValues(t, -1, a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/kept", nil)["retentionSeconds"])
	a.Expect(http.StatusOK, http.MethodPut, "/v1/state-machines/kept", map[string]any{"definition": json.RawMessage(webtest.PassMachine), "retentionSeconds": 0})
	require.NotContains(t, a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/kept", nil), "retentionSeconds")
}
