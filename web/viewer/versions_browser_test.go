package viewer_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// TestViewerBrowserVersionsAndAliases shows a machine's published
// versions and aliases, and on an execution's page the version and alias
// it was started through.
func TestViewerBrowserVersionsAndAliases(t *testing.T) {
	a := webtest.New(t, nil)
	a.Machine("released", webtest.PassMachine)
	a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines/released/versions", map[string]any{"description": "first release"})
	a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines/released/aliases",
		map[string]any{"name": "prod", "routes": []map[string]any{{"version": 1, "weight": 100}}})
	out := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines/released/executions", map[string]any{"alias": "prod"})
	arn := out["arn"].(string)
	a.Wait(arn)

	b := newBrowser(t, a, 1280, 900)
	b.open("/machines/released")
	b.run(20*time.Second, chromedp.WaitVisible(`#published-versions`), chromedp.WaitVisible(`#aliases`))
	require.Contains(t, b.text(`#published-versions tbody`), "first release")
	require.Contains(t, b.text(`#aliases tbody`), "version 1: 100%")
	b.shot("machine-versions")

	b.execution(arn)
	require.Equal(t, "arn:aws:states:us-east-1:000000000000:stateMachine:released:prod", b.text(`#exec-alias`))
	require.Equal(t, "arn:aws:states:us-east-1:000000000000:stateMachine:released:1", b.text(`#exec-version`))
}
