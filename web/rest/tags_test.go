package rest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// TestRESTTags tags a state machine and an activity through the REST
// endpoints: tags at creation, adding and replacing, deleting one key,
// and the errors of a bad tag and a missing resource.
func TestRESTTags(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines", map[string]any{"name": "m",
		"definition": webtest.PassMachine, "tags": map[string]string{"team": "orders"}})
	require.Equal(t, map[string]any{"team": "orders"}, a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/m/tags", nil)["tags"])
	added := a.Expect(http.StatusOK, http.MethodPost, "/v1/state-machines/m/tags", map[string]any{"tags": map[string]string{"team": "billing", "env": "dev"}})
	require.Equal(t, map[string]any{"team": "billing", "env": "dev"}, added["tags"])
	a.Expect(http.StatusNoContent, http.MethodDelete, "/v1/state-machines/m/tags/team", nil)
	require.Equal(t, map[string]any{"env": "dev"}, a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/m/tags", nil)["tags"])

	a.Expect(http.StatusCreated, http.MethodPost, "/v1/activities", map[string]any{"name": "w", "tags": map[string]string{"k": "v"}})
	require.Equal(t, map[string]any{"k": "v"}, a.Expect(http.StatusOK, http.MethodGet, "/v1/activities/w/tags", nil)["tags"])

	a.ExpectError(http.StatusBadRequest, "InvalidTag", http.MethodPost, "/v1/activities/w/tags", map[string]any{"tags": map[string]string{"aws:k": "v"}})
	a.ExpectError(http.StatusNotFound, "ResourceNotFound", http.MethodGet, "/v1/activities/nope/tags", nil)
	a.ExpectError(http.StatusNotFound, "ResourceNotFound", http.MethodPost, "/v1/state-machines/nope/tags", map[string]any{"tags": map[string]string{"k": "v"}})
}
